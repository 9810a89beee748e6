// The web pages in a real Chromium (Debian's, driven by playwright-core):
// sign in, read the dashboard, enter a KPI figure, upload a CSV with an
// error and read it, be refused a page, follow a device for notifications,
// register a need and record a match, open a consultation case, switch to
// English.  Screenshots
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

// needs-seeds matching: the hospital registers a need (first without its
// outcome), reads the seeds ranked for it with their reasons, records one
await page.getByRole("link", { name: "ニーズ・シーズ" }).click();
await page.waitForURL(url + "/match");
check(await page.locator("#needs tbody tr").count() >= 60, "the needs it may see are listed");
const needForm = page.locator("#need-form");
await needForm.getByLabel("課題").fill("夜間の転倒に気づけない");
await needForm.getByLabel("対象").fill("認知症の入院患者");
// past the browser's own check of required fields: the server checks too
await page.evaluate(() => { document.querySelector("#need-form").noValidate = true; });
await needForm.getByRole("button", { name: "登録" }).click();
await page.waitForSelector(".errors");
check(await page.locator(".errors li[data-field=outcome]").count() === 1, "a need without its outcome is refused, naming the field");
check(await page.locator("#need-form").getByLabel("課題").inputValue() === "夜間の転倒に気づけない", "what was typed is kept");
await page.screenshot({ path: shots + "/need-error.png", fullPage: true });
await page.locator("#need-form").getByLabel("目的").fill("転倒による骨折を減らす");
await page.locator("#need-form").getByLabel("臨床領域").fill("脳神経");
await page.locator("#need-form").getByRole("button", { name: "登録" }).click();
await page.waitForURL(/\/match\/needs\/N\d+\?added=1$/);
const ranked = page.locator("table.matches[data-to=seeds] tbody tr");
check(await ranked.count() > 0, "seeds are ranked for the new need");
const why = await ranked.first().locator("td.why").innerText();
check(/転倒/.test(why), "the best seed is explained by the words it shares: " + why);
await page.screenshot({ path: shots + "/need-matches.png", fullPage: true });
await ranked.first().getByRole("button", { name: "記録" }).click();
await page.waitForURL(/linked=1$/);
check(await page.locator(".saved[role=status]").count() === 1, "the match is recorded");
await page.goto(url + "/match");
await page.locator("#profile-form").getByLabel("できること（ことばで）").fill("心不全の在宅管理の臨床研究");
await page.locator("#profile-form").getByRole("button", { name: "保存" }).click();
await page.waitForURL(url + "/match?saved=1");
check(await page.locator("#profile-form textarea[name=capability]").inputValue() === "心不全の在宅管理の臨床研究", "what the organisation can do is saved");
await page.getByRole("button", { name: "ログアウト" }).click();
await page.waitForURL(url + "/login");

// a support body opens a consultation case for a venture and logs a meeting
await signIn("demo-support");
await page.goto(url + "/match/cases");
const caseForm = page.locator("#case-form");
await caseForm.getByLabel("ベンチャー・企業（ID）").fill("MV01");
await caseForm.getByLabel("件名").fill("臨床評価の計画づくり");
await caseForm.getByLabel("フェーズ").selectOption("clinical");
await caseForm.getByRole("button", { name: "開く" }).click();
await page.waitForURL(/\/match\/cases\/\d+$/);
await page.locator("#event-form").getByLabel("内容").fill("治験計画の初回面談");
await page.locator("#event-form").getByRole("button", { name: "追加" }).click();
await page.waitForURL(/\/match\/cases\/\d+$/);
check(/治験計画の初回面談/.test(await page.locator("ol.timeline").innerText()), "the meeting is on the case's timeline");
await page.screenshot({ path: shots + "/case.png", fullPage: true });
await page.getByRole("button", { name: "ログアウト" }).click();
await page.waitForURL(url + "/login");

// a prefecture takes no part in matching: no menu entry, the page refused
await signIn("demo-tokyo");
check(await page.getByRole("link", { name: "ニーズ・シーズ" }).count() === 0, "no matching menu for a prefecture");
check((await page.goto(url + "/match")).status() === 403, "the matching page is refused to a prefecture");

// English, and a tablet's width
await page.goto(url + "/?lang=en");
check(await page.locator("h1").innerText() === "National dashboard", "English on request");
await page.setViewportSize({ width: 768, height: 1024 });
await page.goto(url + "/");
check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "no sideways scrolling on a tablet");
await page.screenshot({ path: shots + "/tablet-en.png", fullPage: true });

await browser.close();
console.log("ok");
