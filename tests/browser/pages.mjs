// The web pages in a real Chromium (Debian's, driven by playwright-core):
// sign in, read the dashboard, enter a KPI figure, upload a CSV with an
// error and read it, be refused a page, follow a device for notifications,
// switch to English.  Screenshots
// go to $SHOTS.  Usage: node pages.mjs URL PASSWORD
import { createRequire } from "node:module";
const require = createRequire(process.env.PLAYWRIGHT_DIR + "/");
const { chromium } = require("playwright-core");

const [url, password] = process.argv.slice(2);
const shots = process.env.SHOTS;
function check(ok, what) {
	if (!ok) {
		console.error("FAIL: " + what);
		process.exit(1);
	}
}

const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: ["--no-sandbox", "--disable-gpu"],
});
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await ctx.newPage();

async function signIn(login) {
	await page.goto(url + "/login");
	await page.getByLabel("ログイン ID").fill(login);
	await page.getByLabel("パスワード").fill(password);
	await page.getByRole("button", { name: "ログイン" }).click();
	await page.waitForURL(url + "/");
}

// the ministry administrator: dashboard, KPI entry
await signIn("demo-admin");
check(await page.locator("h1").innerText() === "全国ダッシュボード", "the dashboard's heading");
check(await page.locator(".tiles li").count() === 47, "47 prefecture tiles");
check(await page.locator(".tiles li.critical, .tiles li.warning, .tiles li.info").count() > 0,
	"some prefectures have alerts");
check(await page.locator("[data-device]").count() > 0, "essential devices at risk are listed");
await page.screenshot({ path: shots + "/dashboard.png", fullPage: true });

// keyboard: the skip link is the first stop and leads to the content
await page.keyboard.press("Tab");
check(await page.evaluate(() => document.activeElement.className) === "skip", "skip link first");

await page.goto(url + "/kpis/K01");
await page.getByLabel("年度").fill("2025");
await page.getByLabel("値", { exact: true }).fill("abc");
await page.getByRole("button", { name: "保存" }).click();
check(await page.locator(".errors li[data-field=value]").count() === 1, "an invalid figure is refused with its field");
await page.screenshot({ path: shots + "/kpi-error.png", fullPage: true });
await page.getByLabel("値", { exact: true }).fill("1550");
await page.getByRole("button", { name: "保存" }).click();
await page.waitForURL(/saved=2025/);
check((await page.locator("tr[data-fy='2025'] td.num").innerText()).replace(/,/g, "") === "1550", "the figure is saved and shown");
await page.screenshot({ path: shots + "/kpi-saved.png", fullPage: true });
await page.getByRole("button", { name: "ログアウト" }).click();
await page.waitForURL(url + "/login");

// a hospital: upload a CSV with an error, see it; the audit log is refused
await signIn("demo-hospital");
await page.goto(url + "/reports");
const csv = "report_id,facility,device,week,stock,consumption,stockout_days\n" +
	"b1,H99999,30001013,2026-11-16,1,1,0\n";
await page.getByLabel("CSV または JSON ファイル").setInputFiles({ name: "stock.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
await page.getByRole("button", { name: "提出" }).click();
await page.waitForSelector(".errors");
const err = await page.locator(".errors li").first().innerText();
check(/stock\.csv:2:/.test(err) && /H99999/.test(err), "the upload error names its line and value: " + err);
await page.screenshot({ path: shots + "/upload-error.png", fullPage: true });
const resp = await page.goto(url + "/audit");
check(resp.status() === 403, "the audit log is refused to a hospital");
await page.screenshot({ path: shots + "/refused.png" });

// notifications: follow a device from the form, then stop following it
await page.goto(url + "/?lang=ja");
await page.getByRole("link", { name: "通知" }).click();
await page.waitForURL(url + "/notices");
await page.getByLabel("種類").selectOption("device");
await page.getByLabel("コードか名称").fill("30001013");
await page.getByRole("button", { name: "登録", exact: true }).click();
await page.waitForURL(url + "/notices");
check(/30001013/.test(await page.locator("ul.follows").innerText()), "the device followed is listed");
await page.screenshot({ path: shots + "/notices.png", fullPage: true });
await page.getByRole("button", { name: "解除" }).click();
await page.waitForURL(url + "/notices");
check(await page.locator("ul.follows li").count() === 0, "and is gone once unfollowed");

// English, and a tablet's width
await page.goto(url + "/?lang=en");
check(await page.locator("h1").innerText() === "National dashboard", "English on request");
await page.setViewportSize({ width: 768, height: 1024 });
await page.goto(url + "/");
check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "no sideways scrolling on a tablet");
await page.screenshot({ path: shots + "/tablet-en.png", fullPage: true });

await browser.close();
console.log("ok");
