/*
 * page_plan.c - the plan's pages: the plan as a tree of visions, goals,
 * measures and actions with their ministries; the KPIs with their status;
 * a KPI with its chart, its figures and the form that enters one.
 */
#include "core/compat.h"

#include <stdio.h>
#include <string.h>

#include "kiban/eval.h"
#include "kiban/kpi.h"
#include "kiban/plan.h"
#include "kiban/report.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

/* ---- the plan ---- */

int page_plan(struct req *q)
{
	struct kb_plan p;
	struct kb_buf b = KB_BUF_INIT;
	size_t v, gi, m, a;
	int r;
	kb_plan_init(&p);
	if ((r = kb_plan_load(q->s, NULL, &p, &q->err))) {
		kb_plan_release(&p);
		return reply_kb_error(q, r);
	}
	page_head(q, &b, KB_NAME(&p, q->lang));
	kb_buf_addf(&b, "<p>%s %d–%d</p><div class=\"tree\">",
		    T("Fiscal years", "対象年度"), p.fy_from, p.fy_to);
	for (v = 0; v < p.nvisions; v++) {
		const struct kb_vision *vi = &p.visions[v];
		kb_buf_adds(&b, "<section class=\"vision\"><h2>");
		page_escf(&b, "%s %s", vi->id, KB_NAME(vi, q->lang));
		kb_buf_adds(&b, "</h2>");
		for (gi = 0; gi < vi->ngoals; gi++) {
			const struct kb_goal *go = &p.goals[vi->goals[gi]];
			kb_buf_adds(&b, "<details class=\"goal\"><summary>");
			page_escf(&b, "%s %s", go->id, KB_NAME(go, q->lang));
			kb_buf_adds(&b, "</summary>");
			for (m = 0; m < p.nmeasures; m++) {
				const struct kb_measure *me = &p.measures[m];
				if (me->goal != vi->goals[gi])
					continue;
				kb_buf_adds(&b, "<h3>");
				page_escf(&b, "%s %s", me->id,
					  KB_NAME(me, q->lang));
				kb_buf_adds(&b, "</h3><ul>");
				for (a = 0; a < p.nactions; a++) {
					const struct kb_action *ac =
						&p.actions[a];
					struct kb_buf mins = KB_BUF_INIT;
					if (ac->measure != m)
						continue;
					kb_action_ministries(&p, ac, &mins);
					kb_buf_addf(&b, "<li data-action=\"");
					page_esc(&b, ac->id);
					kb_buf_adds(&b, "\"><span class=\"id\">");
					page_esc(&b, ac->id);
					kb_buf_adds(&b, "</span> ");
					page_esc(&b, q->lang == KB_LANG_EN
							     ? ac->text_en
							     : ac->text_ja);
					kb_buf_adds(&b, " <span class=\"min\">");
					page_esc(&b, mins.buf);
					kb_buf_adds(&b, "</span></li>");
					kb_buf_release(&mins);
				}
				kb_buf_adds(&b, "</ul>");
			}
			kb_buf_adds(&b, "</details>");
		}
		kb_buf_adds(&b, "</section>");
	}
	kb_buf_addf(&b, "</div><p class=\"note\">%s</p>",
		    T("◎ marks the lead ministry.", "◎ は取りまとめ府省です。"));
	kb_plan_release(&p);
	return page_finish(q, &b, 200);
}

/* ---- KPIs ---- */

int page_kpis(struct req *q)
{
	struct kb_kpiset set = { 0 };
	struct kb_buf b = KB_BUF_INIT;
	int fy = kb_fy_last_complete(srv_now(q->srv)), r;
	char fyl[64];
	size_t i;
	if ((r = kb_kpi_load(q->s, &set, &q->err)))
		return reply_kb_error(q, r);
	kb_fy_label(fy, q->lang, fyl, sizeof(fyl));
	page_head(q, &b, T("KPIs", "KPI"));
	kb_buf_addf(&b, "<table class=\"kpis\"><caption>");
	page_escf(&b, "%s %s", T("Status as of", "評価年度:"), fyl);
	kb_buf_adds(&b, "</caption>");
	page_thead(&b, 5, "ID", T("KPI", "指標"), T("Latest", "最新値"),
		   T("Target", "目標"), T("Status", "評価"));
	for (i = 0; i < set.n; i++) {
		const struct kb_kpi *k = &set.v[i];
		struct kb_kpi_eval e;
		const struct kb_target *t = kb_kpi_target(k);
		kb_kpi_evaluate(k, fy, KB_RULE_DEFAULT, &e);
		kb_buf_adds(&b, "<tr data-kpi=\"");
		page_esc(&b, k->id);
		kb_buf_addf(&b, "\" data-status=\"%s\"><td><a href=\"/kpis/",
			    kb_status_key(e.status));
		page_esc(&b, k->id);
		kb_buf_adds(&b, "\">");
		page_esc(&b, k->id);
		kb_buf_adds(&b, "</a></td><td>");
		page_esc(&b, KB_NAME(k, q->lang));
		kb_buf_adds(&b, "</td><td class=\"num\">");
		if (e.latest_fy)
			kb_buf_add_num(&b, e.latest, k->decimals);
		else
			kb_buf_adds(&b, "—");
		kb_buf_adds(&b, "</td><td class=\"num\">");
		if (t)
			kb_buf_add_num(&b, t->value, k->decimals);
		kb_buf_addf(&b, "</td><td class=\"st-%s\">%s</td></tr>",
			    kb_status_key(e.status),
			    kb_status_label(e.status, q->lang));
	}
	kb_buf_addf(
		&b,
		"</tbody></table><p><a href=\"/api/v1/kpis?format=csv\">%s</a></p>",
		T("Download as CSV (Excel)", "CSV でダウンロード（Excel 用）"));
	kb_kpiset_release(&set);
	return page_finish(q, &b, 200);
}

static int kpi_page(struct req *q, int status, const char *saved)
{
	struct kb_kpiset set = { 0 };
	struct kb_buf b = KB_BUF_INIT;
	const struct kb_kpi *k = NULL;
	int fy = kb_fy_last_complete(srv_now(q->srv)), r;
	size_t i;
	struct kb_err keep = q->err;

	kb_err_init(&q->err, q->lang);
	if ((r = kb_kpi_load(q->s, &set, &q->err))) {
		kb_err_release(&keep);
		return reply_kb_error(q, r);
	}
	for (i = 0; i < set.n && !k; i++)
		if (!strcmp(set.v[i].id, q->arg[0]))
			k = &set.v[i];
	if (!k) {
		kb_kpiset_release(&set);
		kb_err_release(&keep);
		return reply_error(
			q, 404, "not_found",
			T("no KPI with id '%s'", "ID '%s' の KPI はありません"),
			q->arg[0]);
	}
	{
		struct kb_buf title = KB_BUF_INIT;
		kb_buf_addf(&title, "%s %s", k->id, KB_NAME(k, q->lang));
		page_head(q, &b, title.buf);
		kb_buf_release(&title);
	}
	if (saved) {
		kb_buf_adds(&b, "<p class=\"ok\" role=\"status\">");
		page_escf(&b,
			  T("Saved the figure of FY%s.",
			    "%s 年度の値を保存しました。"),
			  saved);
		kb_buf_adds(&b, "</p>");
	}
	{
		struct kb_kpi_eval e;
		struct kb_buf why = KB_BUF_INIT;
		kb_kpi_evaluate(k, fy, KB_RULE_DEFAULT, &e);
		kb_kpi_eval_explain(k, &e, q->lang, &why);
		kb_buf_addf(
			&b,
			"<p class=\"st-%s\" data-status=\"%s\"><strong>%s</strong> ",
			kb_status_key(e.status), kb_status_key(e.status),
			kb_status_label(e.status, q->lang));
		page_esc(&b, why.buf);
		kb_buf_adds(&b, "</p><figure class=\"chart\">");
		kb_report_kpi_charts(k, fy, q->lang, &b);
		kb_buf_adds(&b, "</figure>");
		kb_buf_release(&why);
	}
	kb_buf_addf(&b, "<h2>%s</h2><table>", T("Figures", "値"));
	page_thead(&b, 5, T("Fiscal year", "年度"), T("Value", "値"),
		   T("Source", "出典"), T("Comment", "備考"),
		   T("Entered", "入力"));
	for (i = 0; i < k->nobs; i++) {
		const struct kb_obs *o = &k->obs[i];
		char fyl[64];
		kb_fy_label(o->fy, q->lang, fyl, sizeof(fyl));
		kb_buf_addf(&b, "<tr data-fy=\"%d\"><td>", o->fy);
		page_esc(&b, fyl);
		kb_buf_adds(&b, "</td><td class=\"num\">");
		if (o->missing)
			kb_buf_adds(&b, T("NA", "欠測"));
		else
			kb_buf_add_num(&b, o->value, k->decimals);
		kb_buf_adds(&b, "</td><td>");
		page_esc(&b, o->source);
		kb_buf_adds(&b, "</td><td>");
		page_esc(&b, o->comment);
		kb_buf_adds(&b, "</td><td>");
		page_esc(&b, o->entered_by);
		kb_buf_adds(&b, "</td></tr>");
	}
	kb_buf_adds(&b, "</tbody></table>");
	if (kb_allowed(&q->p, KB_PERM_KPI_WRITE, 0, 0)) {
		if (keep.n)
			page_diags(q, &b, &keep);
		kb_buf_addf(
			&b,
			"<h2 id=\"enter\">%s</h2><form method=\"post\" action=\"/kpis/",
			T("Enter a figure", "値の入力"));
		page_esc(&b, k->id);
		kb_buf_adds(&b, "\" class=\"narrow\" novalidate>");
		page_csrf_field(q, &b);
		kb_buf_addf(
			&b,
			"<p><label for=\"fy\">%s</label><input id=\"fy\" name=\"fiscal_year\" inputmode=\"numeric\" required value=\"%d\" aria-describedby=\"fy-h\">"
			"<small id=\"fy-h\">%s</small></p>"
			"<p><label for=\"value\">%s</label><input id=\"value\" name=\"value\" inputmode=\"decimal\" aria-describedby=\"value-h\">"
			"<small id=\"value-h\">%s</small></p>"
			"<p><label for=\"source\">%s</label><input id=\"source\" name=\"source\"></p>"
			"<p><label for=\"comment\">%s</label><input id=\"comment\" name=\"comment\"></p>"
			"<p><button type=\"submit\">%s</button></p></form>",
			T("Fiscal year", "年度"), fy,
			T("2025, FY2025 or 令和7年度",
			  "2025、FY2025、令和7年度のいずれか"),
			T("Value", "値"),
			T("a number; empty or NA when not available",
			  "数値。得られない場合は空欄か NA"),
			T("Source", "出典"), T("Comment", "備考"),
			T("Save", "保存"));
	}
	kb_err_release(&keep);
	kb_kpiset_release(&set);
	return page_finish(q, &b, status);
}

int page_kpi(struct req *q)
{
	return kpi_page(q, 200, arg_get(q, "saved"));
}

int page_kpi_post(struct req *q)
{
	const char *fy = form_get(q, "fiscal_year");
	struct kb_buf loc = KB_BUF_INIT;
	int fyv;
	int r = kpi_value_set(q, q->arg[0], fy, form_get(q, "value"),
			      form_get(q, "source"), form_get(q, "comment"));
	if (r > 0) /* the page again, the form's problems above the form */
		return kpi_page(q, 422, NULL);
	if (r)
		return HANDLED; /* replied: not found, refused */
	kb_fy_parse(fy, &fyv);
	kb_buf_adds(&loc, "/kpis/");
	{
		/* the id came from the URL: keep only safe characters */
		const char *s;
		for (s = q->arg[0]; *s; s++)
			if ((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= 'a' && *s <= 'z') || *s == '-' ||
			    *s == '_' || *s == '.')
				kb_buf_addch(&loc, *s);
	}
	kb_buf_addf(&loc, "?saved=%d", fyv);
	reply_redirect(q, loc.buf);
	kb_buf_release(&loc);
	return HANDLED;
}
