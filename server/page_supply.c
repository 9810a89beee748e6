/*
 * page_supply.c - the supply's pages: the national dashboard (over the
 * data the JSON route keeps, dashboard_json in supply.c), the alerts,
 * submitting a report, and incidents with their timelines.  A figure
 * withheld as a small cell shows as the mark, with its legend.
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiban/eval.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

/* ---- the dashboard ---- */

/* The tile map: each prefecture a square at its place in a 13 x 11 grid
 * that keeps Japan's shape; codes JIS X 0401. */
static const unsigned char tile[KB_NPREF][2] = {
	/* row, column */
	{ 0, 12 }, { 1, 12 }, { 2, 12 }, { 3, 12 }, { 2, 11 }, { 3, 11 },
	{ 4, 11 }, { 6, 11 }, { 5, 11 }, { 5, 10 }, { 6, 10 }, { 7, 11 },
	{ 7, 10 }, { 7, 9 },  { 4, 10 }, { 4, 9 },  { 4, 8 },  { 5, 7 },
	{ 6, 9 },  { 5, 9 },  { 5, 8 },	 { 7, 8 },  { 6, 8 },  { 7, 7 },
	{ 6, 7 },  { 6, 6 },  { 7, 5 },	 { 6, 5 },  { 7, 6 },  { 8, 6 },
	{ 6, 4 },  { 6, 3 },  { 7, 4 },	 { 7, 3 },  { 7, 2 },  { 8, 5 },
	{ 8, 4 },  { 8, 3 },  { 9, 4 },	 { 7, 1 },  { 7, 0 },  { 8, 0 },
	{ 8, 1 },  { 8, 2 },  { 9, 2 },	 { 9, 1 },  { 10, 0 },
};

static const char *sev_name(struct req *q, const char *key)
{
	if (!key)
		return T("no alert", "警報なし");
	if (!strcmp(key, "critical"))
		return T("critical", "重大");
	if (!strcmp(key, "warning"))
		return T("warning", "警告");
	return T("info", "情報");
}

/* Cells of a figure withheld as a small cell (suppress.c): the mark, and
 * its legend below the table. */
static void withheld_cells(struct req *q, struct kb_buf *b, int n)
{
	while (n-- > 0)
		kb_buf_addf(b,
			    "<td class=\"num withheld\" data-suppressed=\"true\">"
			    "%s<sup>*</sup></td>",
			    kb_withheld_mark(q->lang));
}

static void withheld_legend(struct req *q, struct kb_buf *b)
{
	kb_buf_addf(
		b, "<p class=\"legend withheld-legend\"><sup>*</sup> %s: %s</p>",
		kb_withheld_mark(q->lang),
		T("a figure behind fewer than 3 reporting hospitals or companies, or one that would give such a figure away by difference from a total, is withheld (not zero)",
		  "報告した医療機関・企業が 3 未満の数値と、合計との差し引きでそれが分かってしまう数値は表示しません（0 ではありません）"));
}

/* ---- reporting completeness on the dashboard ---- */

/* A row of completeness from its JSON (kb_compl_to_json). */
static void compl_of(const json_t *j, struct kb_compl *c)
{
	memset(c, 0, sizeof(*c));
	c->device = KB_NONE;
	kb_week_parse(json_string_value(json_object_get(j, "week"))
			      ? json_string_value(json_object_get(j, "week"))
			      : "",
		      &c->week);
	c->expected = (int)json_integer_value(json_object_get(j, "expected"));
	c->reported = (int)json_integer_value(json_object_get(j, "reported"));
	c->on_time = (int)json_integer_value(json_object_get(j, "on_time"));
	c->rate = c->expected ? 100.0 * c->reported / c->expected : -1;
}

/* How many hospitals stand behind the week shown, and apart the weeks
 * still coming in, which the figures leave out. */
static void completeness_lead(struct req *q, struct kb_buf *b, const json_t *d)
{
	const json_t *c = json_object_get(d, "completeness"), *x;
	struct kb_compl k;
	struct kb_buf t = KB_BUF_INIT;
	char wk[16];
	size_t i;
	if (!c || !json_object_get(c, "shown") ||
	    json_is_null(json_object_get(c, "shown")))
		return;
	compl_of(json_object_get(c, "shown"), &k);
	kb_compl_phrase(&k, q->lang, &t);
	kb_buf_addf(b,
		    "<p class=\"completeness\" data-reported=\"%d\" "
		    "data-expected=\"%d\">",
		    k.reported, k.expected);
	page_esc(b, t.buf);
	if (!json_is_true(json_object_get(c, "complete")))
		kb_buf_addf(
			b, " %s",
			T("(no week has reached the completeness threshold: the most complete one is shown)",
			  "（報告率が閾値に達した週がないため、最も報告の多い週を表示しています）"));
	kb_buf_adds(b, "</p>");
	x = json_object_get(c, "coming");
	for (i = 0; i < json_array_size(x); i++) {
		compl_of(json_array_get(x, i), &k);
		kb_buf_reset(&t);
		kb_compl_phrase(&k, q->lang, &t);
		kb_week_format(k.week, wk);
		kb_buf_addf(b, "<p class=\"coming\" data-week=\"%s\">", wk);
		if (q->lang == KB_LANG_JA)
			page_escf(b,
				  "報告受付中: %s の週　%s（この画面の数値には含めていません）",
				  wk, t.buf);
		else
			page_escf(b,
				  "Still coming in: week of %s: %s; not in the figures on this page",
				  wk, t.buf);
		kb_buf_adds(b, "</p>");
	}
	kb_buf_release(&t);
}

/* The facilities behind a device's figures. */
static void facilities_note(struct req *q, struct kb_buf *b, const json_t *r)
{
	const json_t *f = json_object_get(r, "facilities");
	if (!json_is_integer(f))
		return;
	kb_buf_addf(b, " <span class=\"facilities\" data-facilities=\"%lld\">",
		    json_integer_value(f));
	if (q->lang == KB_LANG_JA)
		kb_buf_addf(b, "（%lld 施設）", json_integer_value(f));
	else
		kb_buf_addf(b, "(%lld facilities)", json_integer_value(f));
	kb_buf_adds(b, "</span>");
}

/* For a prefecture's account: its hospitals without a report for the
 * week shown, with their last report. */
static void missing_section(struct req *q, struct kb_buf *b)
{
	struct registry *g;
	struct kb_missing_list m = { 0 };
	size_t i;
	int pref = q->p.prefecture;
	char wk[16];
	if (!pref || pref > KB_NPREF ||
	    !kb_allowed(&q->p, KB_PERM_SUPPLY_FACILITY, 0, pref))
		return;
	g = srv_registry(q->srv);
	if (kb_missing_reports(q->s, &g->sup, -1, pref, &m, &q->err)) {
		kb_err_clear(&q->err);
		srv_registry_put(q->srv, g);
		return;
	}
	kb_week_format(m.week, wk);
	kb_buf_addf(
		b,
		"<section aria-labelledby=\"missing-h\"><h2 id=\"missing-h\">%s</h2><p>",
		T("Hospitals without a report", "報告のない病院"));
	if (q->lang == KB_LANG_JA)
		page_escf(b, "%s の週、%s の %d 病院中 %zu 病院", wk,
			  g->sup.prefs[pref - 1].name_ja, m.expected, m.n);
	else
		page_escf(b, "Week of %s: %zu of %d hospitals in %s", wk, m.n,
			  m.expected, g->sup.prefs[pref - 1].name_en);
	kb_buf_adds(b, "</p>");
	if (m.n) {
		kb_buf_adds(b, "<table class=\"missing\">");
		page_thead(b, 3, T("Hospital", "病院"),
			   T("Last report", "最終報告"),
			   T("Weeks silent", "報告なしの週数"));
		for (i = 0; i < m.n; i++) {
			const struct kb_org *o = &g->sup.orgs[m.v[i].org];
			kb_buf_adds(b, "<tr data-facility=\"");
			page_esc(b, o->id);
			kb_buf_adds(b, "\"><td>");
			page_esc(b, q->lang == KB_LANG_JA ? o->name_ja
							  : o->name_en);
			kb_buf_adds(b, " (");
			page_esc(b, o->id);
			kb_buf_adds(b, ")</td>");
			if (m.v[i].last >= 0) {
				kb_week_format(m.v[i].last, wk);
				kb_buf_addf(
					b,
					"<td>%s</td><td class=\"num\">%d</td></tr>",
					wk, m.v[i].silent_weeks);
			} else {
				kb_buf_addf(
					b,
					"<td>%s</td><td class=\"num\">-</td></tr>",
					T("never", "なし"));
			}
		}
		kb_buf_adds(b, "</tbody></table>");
	}
	kb_buf_adds(b, "</section>");
	kb_missing_list_release(&m);
	srv_registry_put(q->srv, g);
}

/* A section of the dashboard and its heading; 1 with the list x opened
 * as <ul class="cls">, 0 when it has none (and says so). */
static int list_section(struct req *q, struct kb_buf *b, const char *id,
			const char *title, const json_t *x, const char *cls)
{
	kb_buf_addf(b,
		    "<section aria-labelledby=\"%s-h\"><h2 id=\"%s-h\">%s</h2>",
		    id, id, title);
	if (!json_array_size(x)) {
		kb_buf_addf(b, "<p>%s</p>", T("None.", "ありません。"));
		return 0;
	}
	kb_buf_addf(b, "<ul class=\"%s\">", cls);
	return 1;
}

int page_dashboard(struct req *q)
{
	json_t *d = dashboard_json(q), *x;
	struct kb_buf b = KB_BUF_INIT;
	size_t i, withheld = 0;

	page_head(q, &b, T("National dashboard", "全国ダッシュボード"));
	x = json_object_get(d, "signals");
	kb_buf_addf(&b,
		    "<p class=\"lead\">%s <strong>%s</strong>. %s: "
		    "<span class=\"sev critical\">%s %lld</span> "
		    "<span class=\"sev warning\">%s %lld</span> "
		    "(%s %lld)</p>",
		    T("Week of", "対象週"),
		    json_string_value(json_object_get(d, "week"))
			    ? json_string_value(json_object_get(d, "week"))
			    : "-",
		    T("Open signals", "継続中のシグナル"), T("critical", "重大"),
		    json_integer_value(json_object_get(x, "critical")),
		    T("warning", "警告"),
		    json_integer_value(json_object_get(x, "warning")),
		    T("alerts this week", "今週の警報"),
		    json_integer_value(json_object_get(
			    json_object_get(d, "alerts"), "critical")) +
			    json_integer_value(json_object_get(
				    json_object_get(d, "alerts"), "warning")) +
			    json_integer_value(json_object_get(
				    json_object_get(d, "alerts"), "info")));
	kb_buf_addf(
		&b, "<p class=\"help\">%s</p>",
		T("A signal is one problem: the alerts of a device and a cause (stock, supply, demand; or a region's missing reports) over consecutive weeks. It opens when a rule fires, stays open while a looser leaving threshold holds, and closes after 3 quiet weeks.",
		  "シグナルは一つの問題です。機器と原因（在庫・供給・需要、または地域の報告途絶）ごとに、連続した週の警報をまとめます。規則が発動すると開き、より緩い解除の閾値を満たす間は続き、3 週続けて満たさなければ閉じます。"));

	completeness_lead(q, &b, d);

	kb_buf_addf(
		&b,
		"<div class=\"grid2\"><section aria-labelledby=\"map-h\">"
		"<h2 id=\"map-h\">%s</h2>"
		"<ol class=\"tiles\" aria-label=\"%s\">",
		T("Signals by prefecture", "都道府県別のシグナル"),
		T("47 prefectures, coloured by the most severe signal open there",
		  "47 都道府県（継続中の最も重いシグナルで色分け）"));
	x = json_object_get(d, "prefectures");
	for (i = 0; i < json_array_size(x); i++) {
		json_t *p = json_array_get(x, i);
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *worst =
			json_string_value(json_object_get(p, "worst"));
		long long n = json_integer_value(json_object_get(p, "alerts"));
		kb_buf_addf(
			&b,
			"<li style=\"grid-row:%d;grid-column:%d\" class=\"tile %s\" "
			"data-pref=\"%zu\" data-alerts=\"%lld\"><a href=\"/alerts?pref=%zu\" title=\"",
			tile[i][0] + 1, tile[i][1] + 1, worst ? worst : "none",
			i + 1, n, i + 1);
		page_escf(&b, "%s: %lld (%s)", name ? name : "", n,
			  sev_name(q, worst));
		kb_buf_adds(&b, "\"><span class=\"nm\">");
		page_esc(&b, name);
		kb_buf_addf(&b, "</span><span class=\"n\">%lld</span></a></li>",
			    n);
	}
	kb_buf_addf(&b,
		    "</ol><p class=\"legend\"><span class=\"tile critical\"></span>%s "
		    "<span class=\"tile warning\"></span>%s "
		    "<span class=\"tile info\"></span>%s "
		    "<span class=\"tile none\"></span>%s</p></section>",
		    T("critical", "重大"), T("warning", "警告"),
		    T("info", "情報"), T("none", "なし"));

	kb_buf_addf(
		&b,
		"<div><section aria-labelledby=\"risk-h\"><h2 id=\"risk-h\">%s</h2>",
		T("Essential devices at risk",
		  "供給リスクのある必要不可欠な医療機器"));
	x = json_object_get(d, "devices_at_risk");
	if (!json_array_size(x))
		kb_buf_addf(&b, "<p>%s</p>",
			    T("None this week.", "今週はありません。"));
	else {
		kb_buf_adds(&b, "<table>");
		page_thead(&b, 4, T("Device", "機器"), T("Status", "状況"),
			   T("Days of supply", "在庫日数"), T("Why", "理由"));
		for (i = 0; i < json_array_size(x); i++) {
			json_t *r = json_array_get(x, i);
			const char *st =
				json_string_value(json_object_get(r, "status"));
			const char *lv =
				json_string_value(json_object_get(r, "level"));
			int sti;
			for (sti = KB_STATUS_UNKNOWN;
			     st && sti <= KB_STATUS_OVER; sti++)
				if (!strcmp(st,
					    kb_stock_status_key(
						    (enum kb_stock_status)sti)))
					break;
			kb_buf_addf(&b, "<tr data-device=\"");
			page_esc(&b,
				 json_string_value(json_object_get(r, "code")));
			kb_buf_adds(&b, "\"><td><a href=\"/alerts?device=");
			page_esc(&b,
				 json_string_value(json_object_get(r, "code")));
			kb_buf_adds(&b, "\">");
			page_esc(&b,
				 json_string_value(json_object_get(r, "name")));
			kb_buf_adds(&b, "</a>");
			facilities_note(q, &b, r);
			kb_buf_adds(&b, "</td>");
			if (!st) { /* withheld: a small cell */
				withheld_cells(q, &b, 2);
				withheld++;
			} else {
				(void)sti;
				kb_buf_adds(&b, "<td class=\"st ");
				page_esc(&b, lv ? lv : st);
				kb_buf_adds(&b, "\">");
				page_esc(&b, json_string_value(json_object_get(
						     r, "level_name")));
				kb_buf_addf(&b,
					    "</td><td class=\"num\">%.1f</td>",
					    json_real_value(json_object_get(
						    r, "days_of_supply")));
			}
			kb_buf_adds(&b, "<td>");
			page_esc(&b,
				 json_string_value(json_object_get(r, "reason")));
			kb_buf_adds(&b, "</td></tr>");
		}
		kb_buf_adds(&b, "</tbody></table>");
		if (withheld)
			withheld_legend(q, &b);
	}
	kb_buf_adds(&b, "</section>");

	x = json_object_get(d, "signals_open");
	if (list_section(q, &b, "sig", T("Open signals", "継続中のシグナル"), x,
			 "signals")) {
		for (i = 0; i < json_array_size(x); i++) {
			json_t *r = json_array_get(x, i);
			const char *sv =
				json_string_value(json_object_get(r, "severity"));
			kb_buf_adds(&b, "<li data-signal=\"");
			page_esc(&b,
				 json_string_value(json_object_get(r, "key")));
			kb_buf_adds(&b, "\"><span class=\"sev ");
			page_esc(&b, sv ? sv : "info");
			kb_buf_adds(&b, "\">");
			page_esc(&b, sev_name(q, sv));
			kb_buf_adds(&b, "</span> ");
			page_esc(&b,
				 json_string_value(json_object_get(r, "reason")));
			kb_buf_adds(&b, "</li>");
		}
		kb_buf_adds(&b, "</ul>");
	}
	kb_buf_adds(&b, "</section>");

	x = json_object_get(d, "incidents_open");
	if (list_section(q, &b, "inc",
			 T("Open supply incidents", "対応中の供給事案"), x,
			 "incidents")) {
		for (i = 0; i < json_array_size(x); i++) {
			json_t *r = json_array_get(x, i);
			int st = kb_incident_state_parse(
				json_string_value(json_object_get(r, "state")));
			kb_buf_addf(&b, "<li><a href=\"/incidents/%lld\">#%lld ",
				    json_integer_value(json_object_get(r, "id")),
				    json_integer_value(json_object_get(r, "id")));
			page_esc(&b,
				 json_string_value(json_object_get(r, "title")));
			kb_buf_addf(
				&b, "</a> <span class=\"state\">%s</span></li>",
				kb_incident_state_name((enum kb_incident_state)(
							       st < 0 ? 0 : st),
						       q->lang));
		}
		kb_buf_adds(&b, "</ul>");
	}
	kb_buf_adds(&b, "</section>");

	missing_section(q, &b);

	x = json_object_get(d, "kpis");
	{
		char fy[64];
		json_t *c = json_object_get(x, "counts");
		const char *k;
		json_t *v;
		kb_fy_label((int)json_integer_value(
				    json_object_get(x, "fiscal_year")),
			    q->lang, fy, sizeof(fy));
		kb_buf_addf(
			&b,
			"<section aria-labelledby=\"kpi-h\"><h2 id=\"kpi-h\">%s</h2><p>",
			T("The plan's KPIs", "基本計画の KPI"));
		page_escf(&b, "%s: ", fy);
		if (json_object_get(x, "overall")) {
			int s = kb_status_parse(json_string_value(
				json_object_get(x, "overall")));
			page_escf(&b, "%s %s", T("overall", "全体"),
				  kb_status_label((enum kb_status)(s < 0 ? 0 : s),
						  q->lang));
		}
		kb_buf_adds(&b, "</p><ul class=\"counts\">");
		json_object_foreach(c, k, v)
		{
			int s = kb_status_parse(k);
			kb_buf_addf(&b, "<li class=\"st-%s\">", k);
			page_esc(&b,
				 kb_status_label((enum kb_status)(s < 0 ? 0 : s),
						 q->lang));
			kb_buf_addf(&b, ": %lld</li>", json_integer_value(v));
		}
		kb_buf_addf(&b, "</ul><p><a href=\"/kpis\">%s</a></p></section>",
			    T("All KPIs", "KPI の一覧"));
	}
	kb_buf_adds(&b, "</div></div>");
	json_decref(d);
	return page_finish(q, &b, 200);
}

/* ---- alerts ---- */

int page_alerts(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_alerts al;
	struct kb_buf b = KB_BUF_INIT, reason = KB_BUF_INIT;
	const char *ps = arg_get(q, "pref"), *dev = arg_get(q, "device");
	int pref = ps ? kb_supply_pref(&g->sup, ps) : 0, r;
	size_t d = dev ? kb_supply_device(&g->sup, dev) : KB_NONE, i, shown = 0,
	       withheld = 0;

	memset(&al, 0, sizeof(al));
	if ((r = kb_supply_alerts(q->s, &g->sup, -1, -1, &al, &q->err)) ||
	    (r = kb_alerts_disclose(q->s, &g->sup, &q->p, &al, &q->err))) {
		kb_alerts_release(&al);
		srv_registry_put(q->srv, g);
		return reply_kb_error(q, r);
	}
	page_head(q, &b, T("Shortage alerts", "欠品の警報"));
	if (pref > 0) {
		kb_buf_adds(&b, "<p>");
		page_esc(&b, q->lang == KB_LANG_EN
				     ? g->sup.prefs[pref - 1].name_en
				     : g->sup.prefs[pref - 1].name_ja);
		kb_buf_addf(&b, " — <a href=\"/alerts\">%s</a></p>",
			    T("all", "すべて"));
	}
	kb_buf_adds(&b, "<ul class=\"alerts\">");
	for (i = 0; i < al.n; i++) {
		const struct kb_alert *a = &al.v[i];
		if ((pref > 0 && a->pref != pref) || (dev && a->device != d))
			continue;
		shown++;
		kb_buf_reset(&reason);
		kb_alert_reason(a, &g->sup, q->lang, &reason);
		kb_buf_addf(&b, "<li class=\"sev %s\" data-key=\"",
			    kb_severity_key(a->severity));
		page_esc(&b, a->key);
		kb_buf_addf(&b, "\"%s><strong>%s</strong> ",
			    a->withheld ? " data-suppressed=\"true\"" : "",
			    kb_severity_name(a->severity, q->lang));
		withheld += a->withheld != KB_SHOWN;
		if (a->device != KB_NONE) {
			const struct kb_device *dv = &g->sup.devices[a->device];
			page_esc(&b, q->lang == KB_LANG_EN ? dv->name_en
							   : dv->name_ja);
			kb_buf_adds(&b, " — ");
		}
		page_esc(&b, reason.buf);
		if (a->withheld)
			kb_buf_adds(&b, "<sup>*</sup>");
		kb_buf_adds(&b, "</li>");
	}
	if (!shown)
		kb_buf_addf(&b, "<li>%s</li>",
			    T("No alert.", "警報はありません。"));
	kb_buf_adds(&b, "</ul>");
	if (withheld)
		withheld_legend(q, &b);
	kb_buf_addf(
		&b, "<p><a href=\"/api/v1/alerts?format=csv\">%s</a></p>",
		T("Download as CSV (Excel)", "CSV でダウンロード（Excel 用）"));
	kb_buf_release(&reason);
	kb_alerts_release(&al);
	srv_registry_put(q->srv, g);
	return page_finish(q, &b, 200);
}

/* ---- reports ---- */

static void upload_form(struct req *q, struct kb_buf *b)
{
	kb_buf_addf(
		b,
		"<form method=\"post\" action=\"/reports\" enctype=\"multipart/form-data\" class=\"narrow\">");
	page_csrf_field(q, b);
	kb_buf_addf(
		b,
		"<fieldset><legend>%s</legend>"
		"<label><input type=\"radio\" name=\"kind\" value=\"stock\" checked> %s</label> "
		"<label><input type=\"radio\" name=\"kind\" value=\"production\"> %s</label></fieldset>"
		"<p><label for=\"file\">%s</label><input id=\"file\" name=\"file\" type=\"file\" accept=\".csv,.json,text/csv,application/json\" required aria-describedby=\"file-h\">"
		"<small id=\"file-h\">%s</small></p>"
		"<p><button type=\"submit\">%s</button></p></form>",
		T("Kind of report", "報告の種類"),
		T("stock (hospitals)", "在庫（病院）"),
		T("production (manufacturers, distributors)",
		  "生産（製造販売業者・販売業者）"),
		T("CSV or JSON file", "CSV または JSON ファイル"),
		T("UTF-8 or Shift_JIS as Excel saves it; format: docs/supply-format.md",
		  "UTF-8 または Excel が保存する Shift_JIS。形式は docs/supply-format.md"),
		T("Submit", "提出"));
}

static void my_reports(struct req *q, struct kb_buf *b)
{
	struct kb_report_query rq = { NULL, 0, -1, 0, 20, 0 };
	json_t *a = NULL;
	size_t total, i;
	if (q->p.org)
		rq.org = q->p.org_id;
	if (kb_reports_list(q->s, &rq, &a, &total, &q->err)) {
		kb_err_clear(&q->err);
		return;
	}
	kb_buf_addf(b, "<h2>%s</h2><table>", T("Latest reports", "最近の報告"));
	page_thead(b, 5, T("Report", "報告"), T("Organisation", "組織"),
		   T("Week", "週"), T("Version", "版"), T("Received", "受付"));
	for (i = 0; i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i);
		kb_buf_adds(b, "<tr><td>");
		page_esc(b, json_string_value(json_object_get(x, "id")));
		kb_buf_adds(b, "</td><td>");
		page_esc(b, json_string_value(json_object_get(x, "org")));
		kb_buf_adds(b, "</td><td>");
		page_esc(b, json_string_value(json_object_get(x, "week")));
		kb_buf_addf(b, "</td><td class=\"num\">%lld</td><td>",
			    json_integer_value(json_object_get(x, "version")));
		page_esc(b,
			 json_string_value(json_object_get(x, "submitted_at")));
		kb_buf_adds(b, "</td></tr>");
	}
	kb_buf_adds(b, "</tbody></table>");
	json_decref(a);
}

int page_reports(struct req *q)
{
	struct kb_buf b = KB_BUF_INIT;
	if (!may_upload(q))
		return reply_error(q, 403, "forbidden", "%s",
				   T("this account may not submit reports",
				     "このアカウントは報告を提出できません"));
	page_head(q, &b, T("Submit a report", "報告の提出"));
	upload_form(q, &b);
	my_reports(q, &b);
	return page_finish(q, &b, 200);
}

static int page_upload_done(struct req *q, int rc,
			    const struct kb_import_stats *st)
{
	struct kb_buf b = KB_BUF_INIT;
	int status = rc ? srv_status_of(rc) : 200;
	size_t i;
	for (i = 0; rc && i < q->err.n; i++)
		if (q->err.v[i].code == KB_EDENIED)
			status = 403;
	page_head(q, &b,
		  rc ? T("The report was refused", "報告を受け付けませんでした")
		     : T("The report was accepted", "報告を受け付けました"));
	if (rc) {
		page_diags(q, &b, &q->err);
	} else {
		kb_buf_adds(&b, "<p class=\"ok\" role=\"status\">");
		page_escf(
			&b,
			T("%zu rows: %zu added, %zu changed (old versions kept), %zu unchanged.",
			  "%zu 行: 追加 %zu、変更 %zu（旧版は保存）、変更なし %zu。"),
			st->rows, st->added, st->changed, st->unchanged);
		kb_buf_adds(&b, "</p>");
	}
	upload_form(q, &b);
	return page_finish(q, &b, status);
}

int page_reports_post(struct req *q)
{
	const char *kind = form_get(q, "kind");
	if (!may_upload(q))
		return reply_error(q, 403, "forbidden", "%s",
				   T("this account may not submit reports",
				     "このアカウントは報告を提出できません"));
	if (!q->file.len)
		return reply_error(q, 422, "invalid", "%s",
				   T("choose a file to submit",
				     "提出するファイルを選んでください"));
	/* the writer reads the body: the file is the report */
	{
		struct kb_buf t = q->body;
		q->body = q->file;
		q->file = t;
	}
	upload_submit(q, kind && !strcmp(kind, "production"), page_upload_done);
	return HANDLED;
}

/* ---- incidents ---- */

int page_incidents(struct req *q)
{
	struct kb_incidents v = { 0 };
	struct kb_buf b = KB_BUF_INIT;
	size_t i;
	int r;
	if ((r = kb_incident_load(q->s, 0, &v, &q->err)))
		return reply_kb_error(q, r);
	page_head(q, &b, T("Supply incidents", "供給事案"));
	kb_buf_adds(&b, "<table>");
	page_thead(&b, 5, "#", T("Title", "件名"), T("Device", "機器"),
		   T("State", "状態"), T("Opened", "開始"));
	for (i = 0; i < v.n; i++) {
		const struct kb_incident *x = &v.v[i];
		kb_buf_addf(
			&b,
			"<tr data-incident=\"%ld\"><td>%ld</td><td><a href=\"/incidents/%ld\">",
			x->id, x->id, x->id);
		page_esc(&b, x->title);
		kb_buf_adds(&b, "</a></td><td>");
		page_esc(&b, x->device);
		kb_buf_addf(&b, "</td><td>%s</td><td>",
			    kb_incident_state_name(x->state, q->lang));
		page_esc(&b, x->opened_at);
		kb_buf_adds(&b, "</td></tr>");
	}
	kb_buf_adds(&b, "</tbody></table>");
	if (kb_allowed(&q->p, KB_PERM_INCIDENT_WRITE, 0, 0)) {
		kb_buf_addf(
			&b,
			"<h2>%s</h2><form method=\"post\" action=\"/incidents\" class=\"narrow\">",
			T("Open an incident", "事案の登録"));
		page_csrf_field(q, &b);
		kb_buf_addf(
			&b,
			"<p><label for=\"title\">%s</label><input id=\"title\" name=\"title\" required></p>"
			"<p><label for=\"device\">%s</label><input id=\"device\" name=\"device\" inputmode=\"numeric\" required></p>"
			"<p><label for=\"cause\">%s</label><select id=\"cause\" name=\"cause\">",
			T("Title", "件名"), T("Device code", "機器コード"),
			T("Cause", "原因"));
		for (i = 0; i < kb_nincident_causes; i++) {
			kb_buf_addf(&b, "<option value=\"%s\">",
				    kb_incident_causes[i]);
			page_esc(&b, kb_incident_cause_name(
					     kb_incident_causes[i], q->lang));
			kb_buf_adds(&b, "</option>");
		}
		kb_buf_addf(
			&b,
			"</select></p><p><label for=\"prefectures\">%s</label><input id=\"prefectures\" name=\"prefectures\" aria-describedby=\"pref-h\">"
			"<small id=\"pref-h\">%s</small></p>"
			"<p><label for=\"note\">%s</label><textarea id=\"note\" name=\"note\" rows=\"3\"></textarea></p>"
			"<p><button type=\"submit\">%s</button></p></form>",
			T("Prefectures", "都道府県"),
			T("names or codes separated by commas; empty: national",
			  "名称かコードをカンマ区切りで。空欄は全国"),
			T("Note", "メモ"), T("Open", "登録"));
	}
	kb_incidents_release(&v);
	return page_finish(q, &b, 200);
}

int page_incidents_post(struct req *q)
{
	long id;
	char loc[64];
	const char *dev = form_get(q, "device");
	if (!incident_open(q, dev && *dev ? dev : NULL, form_get(q, "title"),
			   form_get(q, "cause"), form_get(q, "note"),
			   form_get(q, "prefectures"), &id))
		return HANDLED;
	snprintf(loc, sizeof(loc), "/incidents/%ld", id);
	return reply_redirect(q, loc);
}

int page_incident(struct req *q)
{
	struct kb_incidents v = { 0 };
	struct kb_buf b = KB_BUF_INIT;
	const struct kb_incident *x;
	char *end;
	long id = strtol(q->arg[0], &end, 10);
	size_t i;
	if (*end || id <= 0 || kb_incident_load(q->s, id, &v, &q->err) || !v.n) {
		kb_incidents_release(&v);
		kb_err_clear(&q->err);
		return reply_error(q, 404, "not_found",
				   T("no incident %s", "事案 %s はありません"),
				   q->arg[0]);
	}
	x = &v.v[0];
	{
		struct kb_buf t = KB_BUF_INIT;
		kb_buf_addf(&t, "#%ld %s", x->id, x->title);
		page_head(q, &b, t.buf);
		kb_buf_release(&t);
	}
	kb_buf_addf(
		&b,
		"<dl class=\"facts\"><dt>%s</dt><dd data-state=\"%s\">%s</dd><dt>%s</dt><dd>",
		T("State", "状態"), kb_incident_state_key(x->state),
		kb_incident_state_name(x->state, q->lang), T("Device", "機器"));
	page_esc(&b, x->device ? x->device : "—");
	kb_buf_addf(&b, "</dd><dt>%s</dt><dd>", T("Cause", "原因"));
	page_esc(&b, kb_incident_cause_name(x->cause, q->lang));
	kb_buf_addf(&b, "</dd><dt>%s</dt><dd>", T("Reported by", "報告者"));
	page_esc(&b, x->reported_by);
	kb_buf_addf(&b, "</dd></dl><h2>%s</h2><ol class=\"timeline\">",
		    T("Timeline", "経過"));
	for (i = 0; i < x->nevents; i++) {
		const struct kb_incident_event *e = &x->events[i];
		char when[64];
		kb_time_label(e->at, q->lang, 0, when, sizeof(when));
		kb_buf_adds(&b, "<li data-kind=\"");
		page_esc(&b, e->kind);
		kb_buf_adds(&b, "\"><time datetime=\"");
		page_esc(&b, e->at);
		kb_buf_adds(&b, "\">");
		page_esc(&b, when);
		kb_buf_adds(&b, "</time> <span class=\"by\">");
		page_esc(&b, e->by);
		kb_buf_adds(&b, "</span> <span class=\"kind\">");
		page_esc(&b, e->kind);
		if (e->state && *e->state) {
			int st = kb_incident_state_parse(e->state);
			kb_buf_adds(&b, " → ");
			page_esc(&b, st >= 0 ? kb_incident_state_name(
						       (enum kb_incident_state)st,
						       q->lang)
					     : e->state);
		}
		kb_buf_adds(&b, "</span><p>");
		page_esc(&b, e->text);
		kb_buf_adds(&b, "</p></li>");
	}
	kb_buf_adds(&b, "</ol>");
	if (kb_allowed(&q->p, KB_PERM_INCIDENT_WRITE, 0, 0)) {
		kb_buf_addf(
			&b,
			"<h2>%s</h2><form method=\"post\" action=\"/incidents/%ld\" class=\"narrow\">",
			T("Add to the timeline", "経過の追加"), x->id);
		page_csrf_field(q, &b);
		kb_buf_addf(
			&b,
			"<p><label for=\"kind\">%s</label><select id=\"kind\" name=\"kind\">"
			"<option value=\"note\">%s</option><option value=\"action\">%s</option>"
			"<option value=\"state\">%s</option></select></p>"
			"<p><label for=\"state\">%s</label><select id=\"state\" name=\"state\">",
			T("Kind", "種類"), T("note", "メモ"),
			T("action taken", "対応"),
			T("change of state", "状態の変更"),
			T("New state", "新しい状態"));
		for (i = KB_INC_REPORTED; i <= KB_INC_RESOLVED; i++)
			kb_buf_addf(
				&b, "<option value=\"%s\"%s>%s</option>",
				kb_incident_state_key((enum kb_incident_state)i),
				i == (size_t)x->state ? " selected" : "",
				kb_incident_state_name((enum kb_incident_state)i,
						       q->lang));
		kb_buf_addf(&b,
			    "</select></p><p><label for=\"text\">%s</label><textarea id=\"text\" name=\"text\" rows=\"3\"></textarea></p>"
			    "<p><button type=\"submit\">%s</button></p></form>",
			    T("Text", "内容"), T("Add", "追加"));
	}
	kb_incidents_release(&v);
	return page_finish(q, &b, 200);
}

int page_incident_post(struct req *q)
{
	char loc[64];
	if (!incident_event(q, form_get(q, "kind"), form_get(q, "text"),
			    form_get(q, "state")))
		return HANDLED;
	snprintf(loc, sizeof(loc), "/incidents/%ld", strtol(q->arg[0], NULL, 10));
	return reply_redirect(q, loc);
}
