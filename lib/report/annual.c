/*
 * annual.c - the annual evaluation report as one self-contained HTML page.
 *
 * Sections: cover (plan, year, draft or frozen), contents, 1 summary per
 * vision and goal, 2 follow-up per ministry, 3 KPI details (status, bullet
 * chart, sparkline, yearly figures with comments, notes, source), edits
 * since freezing (frozen reports only), 4 sources and comments, 5 method.
 * Everything is written into one struct kb_buf; text from the database is
 * always HTML-escaped.  The stylesheet (annual.css) is embedded.
 */
#include "core/compat.h"

#include "core/resource.h"
#include "kiban/report.h"
#include "report/svg.h"

#define T(en, ja) KB_TR(L, en, ja)

static void esc(struct kb_buf *o, const char *s)
{
	kb_buf_add_html(o, s ? s : "");
}

static void fy_label(struct kb_buf *o, int fy, enum kb_lang L)
{
	char tmp[64];
	kb_fy_label(fy, L, tmp, sizeof(tmp));
	kb_buf_adds(o, tmp);
}

static void fy_short(struct kb_buf *o, int fy, enum kb_lang L)
{
	char tmp[32];
	kb_fy_label_short(fy, L, tmp, sizeof(tmp));
	kb_buf_adds(o, tmp);
}

static void status(struct kb_buf *o, enum kb_status s, enum kb_lang L)
{
	kb_buf_addf(o, "<span class=\"status st-%s\">", kb_status_key(s));
	kb__svg_mark(o, s, L);
	kb_buf_addf(o, " <span class=\"label\">%s</span></span>",
		    kb_status_label(s, L));
}

static void counts(struct kb_buf *o, const struct kb_rollup *r, enum kb_lang L)
{
	int s, any = 0;
	kb_buf_adds(o, "<span class=\"counts\">");
	for (s = 0; s < KB_ST_COUNT; s++) {
		if (!r->count[s])
			continue;
		kb_buf_addf(o, "<span class=\"st-%s\">",
			    kb_status_key((enum kb_status)s));
		kb__svg_mark(o, (enum kb_status)s, L);
		kb_buf_addf(o, "</span><span>%u</span>", r->count[s]);
		any = 1;
	}
	if (!any)
		kb_buf_adds(o, T("no KPI", "KPI なし"));
	kb_buf_adds(o, "</span>");
}

static int kdec(const struct kb_kpi *k)
{
	return k->decimals >= 0 ? k->decimals : -3;
}

/* A stored ISO time, or the time t when iso is NULL, as a date in Japan. */
static void date(struct kb_buf *o, const char *iso, time_t t, enum kb_lang L)
{
	char tmp[64];
	if (iso)
		kb_time_label(iso, L, 1, tmp, sizeof(tmp));
	else
		kb_date_label(t, L, 1, tmp, sizeof(tmp));
	kb_buf_adds(o, tmp);
}

static const char *rule_name(enum kb_rule r, enum kb_lang L)
{
	return r == KB_RULE_LINEAR
		       ? T("straight line from baseline to target",
			   "基準値から目標値への直線")
		       : T("ratio of compound annual growth rates (CAGR)",
			   "年平均成長率（CAGR）の比");
}

static void head(struct kb_buf *o, const struct kb_eval *ev,
		 const struct kb_report_opts *opt)
{
	enum kb_lang L = opt->lang;
	const struct kb__resource *css =
		kb__resource_find("lib/report/annual.css");

	kb_buf_addf(
		o,
		"<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
		L == KB_LANG_EN ? "en" : "ja");
	if (opt->generator) {
		kb_buf_adds(o, "<meta name=\"generator\" content=\"");
		esc(o, opt->generator);
		kb_buf_adds(o, "\">\n");
	}
	kb_buf_adds(o, "<title>");
	esc(o, L == KB_LANG_EN			 ? ev->plan.name_en
	       : ev->plan.abbr && *ev->plan.abbr ? ev->plan.abbr
						 : ev->plan.name_ja);
	kb_buf_adds(o, T(" — annual evaluation report ", " 年次評価報告書 "));
	fy_label(o, ev->fy, L);
	kb_buf_adds(o, "</title>\n<style>\n");
	if (css)
		kb_buf_add(o, css->data, css->len);
	kb_buf_adds(o, "</style>\n</head>\n<body>\n");
	kb__svg_symbols(o);
}

static void cover(struct kb_buf *o, const struct kb_eval *ev,
		  const struct kb_report_opts *opt)
{
	enum kb_lang L = opt->lang;

	kb_buf_adds(o, "<header class=\"cover\">\n<p class=\"plan\">");
	esc(o, KB_NAME(&ev->plan, L));
	kb_buf_adds(o, "</p>\n<h1>");
	kb_buf_adds(o, T("Annual evaluation report, ", "年次評価報告書 "));
	fy_label(o, ev->fy, L);
	kb_buf_adds(o, "</h1>\n");
	if (ev->frozen) {
		kb_buf_adds(
			o,
			"<p class=\"state frozen\" data-state=\"frozen\"><strong>");
		kb_buf_addf(o, T("Final (version %d)", "確定版（第 %d 版）"),
			    ev->version);
		kb_buf_adds(o, "</strong> — ");
		kb_buf_adds(o, T("frozen on ", "確定日 "));
		date(o, ev->frozen_at, 0, L);
		if (ev->frozen_by && *ev->frozen_by) {
			kb_buf_adds(o, T(" by ", "、確定者 "));
			esc(o, ev->frozen_by);
		}
		if (ev->note && *ev->note) {
			kb_buf_adds(o, T(". ", "。"));
			esc(o, ev->note);
		}
		kb_buf_adds(
			o,
			T(". Later edits do not change this report",
			  "。確定後のデータ修正はこの報告書の内容を変えません"));
		if (ev->nchanges)
			kb_buf_addf(o,
				    T("; %zu edits since are listed at the end",
				      "（確定後の変更 %zu 件を末尾に記載）"),
				    ev->nchanges);
		kb_buf_adds(o, T(".</p>\n", "。</p>\n"));
	} else {
		kb_buf_adds(
			o,
			"<p class=\"state draft\" data-state=\"draft\"><strong>");
		kb_buf_adds(o, T("Draft", "暫定版"));
		kb_buf_adds(o, "</strong> — ");
		kb_buf_adds(
			o,
			T("computed from the data as they stand; not yet frozen as the published evaluation.",
			  "現時点のデータによる集計であり、公表用の評価としてはまだ確定していません。"));
		kb_buf_adds(o, "</p>\n");
	}
	kb_buf_adds(o, "<p class=\"muted\">");
	kb_buf_adds(o, T("Written ", "作成日 "));
	date(o, NULL, opt->now, L);
	kb_buf_adds(o, T(" · Evaluation rule: ", "・評価方法: "));
	kb_buf_adds(o, rule_name(ev->rule, L));
	kb_buf_addf(o, T(" · %zu KPIs", "・KPI %zu 件"), ev->kpis.n);
	kb_buf_adds(o, "</p>\n</header>\n");
}

static void toc(struct kb_buf *o, const struct kb_eval *ev, enum kb_lang L)
{
	kb_buf_addf(o, "<nav aria-label=\"%s\"><h2>%s</h2><ol>",
		    T("Contents", "目次"), T("Contents", "目次"));
	kb_buf_addf(o, "<li><a href=\"#summary\">%s</a></li>",
		    T("Summary by vision and goal", "ビジョン・ゴール別の概要"));
	kb_buf_addf(o, "<li><a href=\"#followup\">%s</a></li>",
		    T("Follow-up by ministry", "府省別のフォローアップ"));
	kb_buf_addf(o, "<li><a href=\"#kpis\">%s</a></li>",
		    T("KPIs in detail", "KPI の詳細"));
	kb_buf_addf(o, "<li><a href=\"#sources\">%s</a></li>",
		    T("Sources and comments", "データの出典と備考"));
	kb_buf_addf(o, "<li><a href=\"#method\">%s</a></li>",
		    T("Method", "評価方法"));
	if (ev->frozen && ev->nchanges)
		kb_buf_addf(o, "<li><a href=\"#changes\">%s</a></li>",
			    T("Edits since freezing", "確定後の変更"));
	kb_buf_adds(o, "</ol></nav>\n");
}

static void legend(struct kb_buf *o, enum kb_lang L)
{
	int s;
	kb_buf_addf(o, "<ul class=\"legend\" aria-label=\"%s\">",
		    T("Status marks", "評価区分"));
	for (s = 0; s < KB_ST_COUNT; s++) {
		kb_buf_adds(o, "<li>");
		status(o, (enum kb_status)s, L);
		kb_buf_adds(o, "</li>");
	}
	kb_buf_adds(o, "</ul>\n");
}

static void summary(struct kb_buf *o, const struct kb_eval *ev, enum kb_lang L)
{
	const struct kb_plan *p = &ev->plan;
	size_t i, j, nbehind = 0;
	int s;

	kb_buf_addf(o,
		    "<section id=\"summary\" class=\"major\">\n<h2>1. %s</h2>\n",
		    T("Summary by vision and goal", "ビジョン・ゴール別の概要"));
	kb_buf_adds(o, "<p data-overall=\"");
	kb_buf_adds(o, kb_status_key(ev->overall.status));
	kb_buf_adds(o, "\">");
	kb_buf_addf(o, T("Of %zu KPIs: ", "KPI %zu 件の内訳: "), ev->kpis.n);
	for (s = 0; s < KB_ST_COUNT; s++)
		kb_buf_addf(o, T("%s%s %u", "%s%s %u 件"), s ? T(", ", "、") : "",
			    kb_status_label((enum kb_status)s, L),
			    ev->overall.count[s]);
	kb_buf_adds(o, T(". ", "。"));
	for (i = 0; i < p->ngoals; i++)
		nbehind += kb_status_behind(ev->goals[i].status);
	kb_buf_addf(o,
		    T("%zu of %zu goals are behind.",
		      "ゴール %2$zu 件のうち %1$zu 件が遅れています。"),
		    nbehind, p->ngoals);
	kb_buf_adds(o, "</p>\n");
	legend(o, L);
	kb_buf_addf(
		o,
		"<table class=\"summary\">\n<thead><tr><th class=\"id\" scope=\"col\">ID</th>"
		"<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		T("Vision / goal", "ビジョン・ゴール"), T("Status", "評価"),
		T("KPIs by status", "KPI の評価内訳"));
	for (i = 0; i < p->nvisions; i++) {
		const struct kb_vision *v = &p->visions[i];
		kb_buf_addf(
			o,
			"<tr class=\"vision\" data-vision=\"%s\" data-status=\"%s\"><th class=\"id\" scope=\"row\">",
			v->id, kb_status_key(ev->visions[i].status));
		esc(o, v->id);
		kb_buf_adds(o, "</th><th scope=\"row\">");
		esc(o, KB_NAME(v, L));
		kb_buf_adds(o, "</th><td class=\"st\">");
		status(o, ev->visions[i].status, L);
		kb_buf_adds(o, "</td><td>");
		counts(o, &ev->visions[i], L);
		kb_buf_adds(o, "</td></tr>\n");
		for (j = 0; j < v->ngoals; j++) {
			size_t g = v->goals[j];
			const struct kb_rollup *r = &ev->goals[g];
			kb_buf_addf(
				o,
				"<tr data-goal=\"%s\" data-status=\"%s\"%s><td class=\"id\">",
				p->goals[g].id, kb_status_key(r->status),
				kb_status_behind(r->status) ? " class=\"behind\""
							    : "");
			esc(o, p->goals[g].id);
			kb_buf_adds(o,
				    "</td><td class=\"name\"><a href=\"#goal-");
			esc(o, p->goals[g].id);
			kb_buf_adds(o, "\">");
			esc(o, KB_NAME(&p->goals[g], L));
			kb_buf_adds(o, "</a>");
			if (p->goals[g].vision != i)
				kb_buf_addf(o,
					    " <span class=\"repost\">%s</span>",
					    T("(re-posted)", "（再掲）"));
			kb_buf_adds(o, "</td><td class=\"st\">");
			status(o, r->status, L);
			kb_buf_adds(o, "</td><td>");
			counts(o, r, L);
			kb_buf_adds(o, "</td></tr>\n");
		}
	}
	kb_buf_adds(o, "</tbody></table>\n</section>\n");
}

static void where(struct kb_buf *o, const struct kb_eval *ev, size_t action,
		  enum kb_lang L)
{
	const struct kb_plan *p = &ev->plan;
	const struct kb_action *a = &p->actions[action];
	const struct kb_measure *m = &p->measures[a->measure];
	size_t g = m->goal;

	kb_buf_adds(o, "<span class=\"where\">");
	esc(o, p->goals[g].id);
	kb_buf_adds(o, " ");
	esc(o, KB_NAME(&p->goals[g], L));
	kb_buf_addf(o, T(" (%s)", "（%s）"),
		    kb_status_label(ev->goals[g].status, L));
	kb_buf_adds(o, " › ");
	esc(o, m->id);
	kb_buf_adds(o, " ");
	esc(o, KB_NAME(m, L));
	if (kb_status_behind(ev->measures[a->measure].status))
		kb_buf_addf(o, T(" (%s)", "（%s）"),
			    kb_status_label(ev->measures[a->measure].status, L));
	kb_buf_adds(o, "</span>");
}

static void followup(struct kb_buf *o, const struct kb_eval *ev, enum kb_lang L)
{
	const struct kb_plan *p = &ev->plan;
	size_t m, i;

	kb_buf_addf(
		o,
		"<section id=\"followup\" class=\"major\">\n<h2>2. %s</h2>\n<p>%s</p>\n",
		T("Follow-up by ministry", "府省別のフォローアップ"),
		T("For each ministry, the actions it leads (◎) under goals or measures that are behind "
		  "(needs acceleration, limited progress or deteriorating).",
		  "各府省が取りまとめ（◎）を担う取組のうち、遅れているゴール・施策（加速が必要・進捗が限定的・悪化）の下にあるもの。"));
	for (m = 0; m < p->nministries; m++) {
		size_t *idx, n = kb_eval_followups(ev, m, &idx);
		int leads = 0;
		for (i = 0; i < p->nactions && !leads; i++) {
			size_t x;
			for (x = 0; x < p->actions[i].nmin; x++)
				leads |= p->actions[i].min[x].ministry == m &&
					 p->actions[i].min[x].lead;
		}
		kb_buf_adds(o, "<div class=\"ministry\" data-ministry=\"");
		esc(o, p->ministries[m].code);
		kb_buf_addf(o, "\" data-followups=\"%zu\">\n<h3>", n);
		esc(o, KB_NAME(&p->ministries[m], L));
		kb_buf_adds(o, L == KB_LANG_EN ? " (" : "（");
		esc(o, L == KB_LANG_EN ? p->ministries[m].abbr
				       : p->ministries[m].code);
		kb_buf_adds(o, L == KB_LANG_EN ? ")" : "）");
		kb_buf_addf(o,
			    T(": %zu actions to follow up",
			      "：フォローアップ対象 %zu 件"),
			    n);
		kb_buf_adds(o, "</h3>\n");
		if (!leads)
			kb_buf_addf(
				o, "<p>%s</p>\n",
				T("It leads (◎) no action of the plan.",
				  "この計画で取りまとめ（◎）を担う取組はありません。"));
		else if (!n)
			kb_buf_addf(
				o, "<p>%s</p>\n",
				T("None of the actions it leads is under a goal or measure that is behind.",
				  "取りまとめを担う取組はいずれも遅れているゴール・施策の下にありません。"));
		else
			kb_buf_adds(o, "<ol>\n");
		for (i = 0; i < n; i++) {
			const struct kb_action *a = &p->actions[idx[i]];
			struct kb_buf mins = KB_BUF_INIT;
			kb_action_ministries(p, a, &mins);
			kb_buf_adds(o, "<li data-action=\"");
			esc(o, a->id);
			kb_buf_adds(o, "\"><strong>");
			esc(o, a->id);
			kb_buf_adds(o, "</strong> ［");
			esc(o, mins.buf);
			kb_buf_adds(o, "］ ");
			esc(o, L == KB_LANG_EN ? a->text_en : a->text_ja);
			kb_buf_adds(o, "<br>");
			where(o, ev, idx[i], L);
			kb_buf_adds(o, "</li>\n");
			kb_buf_release(&mins);
		}
		if (n)
			kb_buf_adds(o, "</ol>\n");
		kb_buf_adds(o, "</div>\n");
		free(idx);
	}
	kb_buf_adds(o, "</section>\n");
}

static void notes(struct kb_buf *o, const struct kb_kpi *k,
		  const struct kb_kpi_eval *e, int fy, enum kb_lang L)
{
	size_t i;
	if (!e->notes)
		return;
	kb_buf_adds(o, "<ul class=\"notes\">");
	if (e->notes & KB_NOTE_MISSING)
		kb_buf_addf(o,
			    T("<li>The FY%d figure is missing.</li>",
			      "<li>%d年度の値は欠測です。</li>"),
			    fy);
	if ((e->notes & KB_NOTE_STALE) && e->latest_fy)
		kb_buf_addf(o,
			    T("<li>The latest figure is for FY%d.</li>",
			      "<li>最新の値は%d年度のものです。</li>"),
			    e->latest_fy);
	if (e->notes & KB_NOTE_FALLBACK_LINEAR)
		kb_buf_addf(
			o, "<li>%s</li>",
			T("Growth rates are undefined for zero or negative values: evaluated on the straight line.",
			  "0 以下の値を含み成長率が定義できないため、直線で評価しました。"));
	if (e->notes & KB_NOTE_REACHED_EARLY)
		kb_buf_addf(o, "<li>%s</li>",
			    T("The target was reached before its year.",
			      "目標年度より前に目標に到達しました。"));
	if (e->notes & KB_NOTE_PAST_TARGET_YEAR)
		kb_buf_addf(
			o, "<li>%s</li>",
			T("The target year has passed without the target being reached.",
			  "目標年度を過ぎましたが目標に達していません。"));
	if (e->notes & KB_NOTE_RETARGETED) {
		for (i = 0; i + 1 < k->ntargets; i++) {
			const struct kb_target *old = &k->targets[i],
					       *new = &k->targets[i + 1];
			kb_buf_adds(o, "<li>");
			kb_buf_adds(o, T("Target revised from ", "目標を改定: "));
			kb_buf_add_num(o, old->value, kdec(k));
			kb_buf_adds(o, " (");
			fy_short(o, old->fy, L);
			kb_buf_adds(o, T(") to ", ") → "));
			kb_buf_add_num(o, new->value, kdec(k));
			kb_buf_adds(o, " (");
			fy_short(o, new->fy, L);
			kb_buf_adds(o, T(") on ", ")、改定日 "));
			date(o, new->set_at ? new->set_at : "", 0, L);
			kb_buf_adds(o, T(". Reason: ", "。理由: "));
			esc(o, new->reason);
			kb_buf_adds(o, "</li>");
		}
	}
	kb_buf_adds(o, "</ul>\n");
}

static void kpi_card(struct kb_buf *o, const struct kb_eval *ev, size_t i,
		     enum kb_lang L)
{
	const struct kb_kpi *k = &ev->kpis.v[i];
	const struct kb_kpi_eval *e = &ev->ke[i];
	const char *unit = L == KB_LANG_EN ? k->unit_en : k->unit_ja;
	size_t j, x,
		m = k->measure_id ? kb_plan_measure(&ev->plan, k->measure_id)
				  : KB_NONE;
	int any = 0;

	kb_buf_adds(o, "<article class=\"kpi\" id=\"kpi-");
	esc(o, k->id);
	kb_buf_adds(o, "\" data-kpi=\"");
	esc(o, k->id);
	kb_buf_addf(o, "\" data-status=\"%s\">\n<header><h4>",
		    kb_status_key(e->status));
	esc(o, k->id);
	kb_buf_adds(o, " ");
	esc(o, KB_NAME(k, L));
	kb_buf_adds(o, "</h4>");
	status(o, e->status, L);
	kb_buf_adds(o, "</header>\n<p class=\"meta\">");
	if (m != KB_NONE) {
		kb_buf_adds(o, T("Measure ", "施策 "));
		esc(o, ev->plan.measures[m].id);
		kb_buf_adds(o, " ");
		esc(o, KB_NAME(&ev->plan.measures[m], L));
		kb_buf_adds(o, " · ");
	}
	kb_buf_adds(o, T("Unit: ", "単位: "));
	esc(o, unit);
	kb_buf_addf(o, " · %s · ",
		    k->direction == KB_LOWER
			    ? T("lower is better", "低いほど良い")
			    : T("higher is better", "高いほど良い"));
	kb_buf_adds(o, T("baseline ", "基準 "));
	kb_buf_add_num(o, k->base_value, kdec(k));
	kb_buf_adds(o, " (");
	fy_short(o, k->base_fy, L);
	kb_buf_adds(o, T(") → target ", ") → 目標 "));
	kb_buf_add_num(o, e->target, kdec(k));
	kb_buf_adds(o, " (");
	fy_short(o, e->target_fy, L);
	kb_buf_adds(o, ")");
	if (e->rule == KB_RULE_LINEAR && ev->rule != KB_RULE_LINEAR)
		kb_buf_addf(o, " · %s", T("straight-line rule", "直線で評価"));
	kb_buf_adds(o, "</p>\n<div class=\"charts\"><figure>");
	kb__svg_bullet(o, k, e, ev->fy, L);
	kb_buf_addf(o, "<figcaption>%s</figcaption></figure><figure>",
		    T("Figure against target and expected value",
		      "実績・期待値・目標"));
	kb__svg_sparkline(o, k, e, ev->fy, L);
	kb_buf_addf(
		o,
		"<figcaption>%s</figcaption></figure></div>\n<p class=\"explain\">",
		T("Yearly figures", "年度ごとの推移"));
	kb_kpi_eval_explain(k, e, L, o);
	kb_buf_adds(o, "</p>\n");
	/* The figures of the last ten years up to the evaluated one, as a row. */
	for (j = 0; j < k->nobs; j++) {
		const struct kb_obs *b = &k->obs[j];
		if (b->fy > ev->fy || b->fy <= ev->fy - 10)
			continue;
		if (!any) {
			kb_buf_addf(
				o,
				"<table class=\"values\"><thead><tr><th scope=\"row\">%s</th>",
				T("FY", "年度"));
			for (x = j; x < k->nobs && k->obs[x].fy <= ev->fy; x++)
				kb_buf_addf(
					o,
					"<th scope=\"col\" class=\"num\">%d</th>",
					k->obs[x].fy);
			kb_buf_addf(
				o,
				"</tr></thead><tbody><tr><th scope=\"row\">%s</th>",
				T("Figure", "値"));
		}
		any = 1;
		kb_buf_addf(o, "<td class=\"num%s\">",
			    b->fy == e->latest_fy ? " used" : "");
		if (b->missing)
			kb_buf_addf(o, "<span class=\"missing\">%s</span>",
				    T("missing", "欠測"));
		else
			kb_buf_add_num(o, b->value, kdec(k));
		kb_buf_adds(o, "</td>");
	}
	if (any)
		kb_buf_adds(o, "</tr></tbody></table>\n");
	for (j = 0, any = 0; j < k->nobs; j++) {
		const struct kb_obs *b = &k->obs[j];
		if (b->fy > ev->fy || !b->comment || !*b->comment)
			continue;
		kb_buf_adds(o, any++ ? "<br>" : "<p class=\"comments\">");
		fy_short(o, b->fy, L);
		kb_buf_adds(o, T(": ", "："));
		esc(o, b->comment);
	}
	if (any)
		kb_buf_adds(o, "</p>\n");
	notes(o, k, e, ev->fy, L);
	kb_buf_addf(o, "<p class=\"source\">%s", T("Source: ", "出典: "));
	esc(o, k->source && *k->source ? k->source : T("not given", "記載なし"));
	kb_buf_adds(o, "</p>\n</article>\n");
}

static void kpis(struct kb_buf *o, const struct kb_eval *ev, enum kb_lang L)
{
	const struct kb_plan *p = &ev->plan;
	size_t v, j, x;

	kb_buf_addf(o, "<section id=\"kpis\" class=\"major\">\n<h2>3. %s</h2>\n",
		    T("KPIs in detail", "KPI の詳細"));
	kb__svg_chart_legend(o, L);
	for (v = 0; v < p->nvisions; v++) {
		kb_buf_adds(o, "<h3 class=\"vision-head\">");
		esc(o, p->visions[v].id);
		kb_buf_adds(o, " ");
		esc(o, KB_NAME(&p->visions[v], L));
		kb_buf_adds(o, "</h3>\n");
		for (j = 0; j < p->visions[v].ngoals; j++) {
			size_t g = p->visions[v].goals[j], *idx, n;
			if (p->goals[g].vision != v) {
				kb_buf_adds(o, "<p class=\"repost\">");
				esc(o, p->goals[g].id);
				kb_buf_adds(o, " ");
				esc(o, KB_NAME(&p->goals[g], L));
				kb_buf_addf(
					o,
					T(" (re-posted: see <a href=\"#goal-%s\">under %s</a>)",
					  "（再掲: <a href=\"#goal-%s\">%s の下</a>を参照）"),
					p->goals[g].id,
					p->visions[p->goals[g].vision].id);
				kb_buf_adds(o, "</p>\n");
				continue;
			}
			kb_buf_adds(o, "<h4 id=\"goal-");
			esc(o, p->goals[g].id);
			kb_buf_adds(o, "\">");
			esc(o, p->goals[g].id);
			kb_buf_adds(o, " ");
			esc(o, KB_NAME(&p->goals[g], L));
			kb_buf_adds(o, " ");
			status(o, ev->goals[g].status, L);
			kb_buf_adds(o, "</h4>\n");
			n = kb_eval_goal_kpis(ev, g, &idx);
			if (!n)
				kb_buf_addf(
					o, "<p class=\"muted\">%s</p>\n",
					T("No KPI measures this goal yet.",
					  "このゴールにはまだ KPI が設定されていません。"));
			for (x = 0; x < n; x++)
				kpi_card(o, ev, idx[x], L);
			free(idx);
		}
	}
	kb_buf_adds(o, "</section>\n");
}

static void changes(struct kb_buf *o, const struct kb_eval *ev, enum kb_lang L)
{
	size_t i;
	if (!ev->frozen || !ev->nchanges)
		return;
	kb_buf_addf(
		o,
		"<section id=\"changes\" class=\"changes\">\n<h2>%s</h2>\n<p>%s</p>\n<ul>\n",
		T("Edits since freezing", "確定後の変更"),
		T("The data were edited after this evaluation was frozen. The report above is as frozen; "
		  "these edits will count in a revised evaluation (kiban eval freeze --supersede).",
		  "この評価の確定後にデータが修正されています。上の内容は確定時のままです。これらの修正は改訂版の評価（kiban eval freeze --supersede）で反映されます。"));
	for (i = 0; i < ev->nchanges; i++) {
		struct kb_buf t = KB_BUF_INIT;
		kb_eval_change_describe(&ev->changes[i], L, &t);
		kb_buf_adds(o, "<li data-change-kpi=\"");
		esc(o, ev->changes[i].kpi_id);
		kb_buf_adds(o, "\">");
		esc(o, t.buf);
		kb_buf_adds(o, "</li>\n");
		kb_buf_release(&t);
	}
	kb_buf_adds(o, "</ul>\n</section>\n");
}

static void sources(struct kb_buf *o, const struct kb_eval *ev, enum kb_lang L)
{
	size_t i, j;
	kb_buf_addf(o,
		    "<section id=\"sources\" class=\"major\">\n<h2>4. %s</h2>\n",
		    T("Sources and comments", "データの出典と備考"));
	kb_buf_addf(
		o,
		"<table><thead><tr><th scope=\"col\">KPI</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
		T("Source", "出典"),
		T("Comments on the figures", "値についての備考"));
	for (i = 0; i < ev->kpis.n; i++) {
		const struct kb_kpi *k = &ev->kpis.v[i];
		int any = 0;
		kb_buf_adds(o, "<tr><td><a href=\"#kpi-");
		esc(o, k->id);
		kb_buf_adds(o, "\">");
		esc(o, k->id);
		kb_buf_adds(o, "</a> ");
		esc(o, KB_NAME(k, L));
		kb_buf_adds(o, "</td><td>");
		esc(o, k->source);
		kb_buf_adds(o, "</td><td>");
		for (j = 0; j < k->nobs; j++) {
			const struct kb_obs *b = &k->obs[j];
			if (b->fy > ev->fy || ((!b->comment || !*b->comment) &&
					       (!b->source || !*b->source ||
						!strcmp(b->source, k->source))))
				continue;
			if (any++)
				kb_buf_adds(o, "<br>");
			fy_short(o, b->fy, L);
			kb_buf_adds(o, ": ");
			esc(o, b->comment);
			if (b->source && *b->source &&
			    strcmp(b->source, k->source)) {
				kb_buf_adds(o, T(" (source: ", "（出典: "));
				esc(o, b->source);
				kb_buf_adds(o, T(")", "）"));
			}
		}
		kb_buf_adds(o, "</td></tr>\n");
	}
	kb_buf_adds(o, "</tbody></table>\n</section>\n");
}

static void method(struct kb_buf *o, const struct kb_eval *ev, enum kb_lang L)
{
	kb_buf_addf(o,
		    "<section id=\"method\" class=\"major\">\n<h2>5. %s</h2>\n",
		    T("Method", "評価方法"));
	kb_buf_addf(
		o, "<p>%s</p>\n",
		T("Each KPI is assessed with its latest figure up to the fiscal year evaluated, against its baseline and its current target.",
		  "各 KPI は、評価年度までの最新の値を基準値および現在の目標値と比べて評価します。"));
	kb_buf_addf(
		o, "<p>%s <strong>%s</strong>. %s</p>\n",
		T("Rule used:", "評価方法:"), rule_name(ev->rule, L),
		ev->rule == KB_RULE_LINEAR
			? T("The progress made since the baseline is divided by the progress due by that year on the straight line from baseline to target.",
			    "基準年度からの実際の進捗を、基準値から目標値への直線上でその年度までに求められる進捗で割った比で評価します。")
			: T("The actual compound annual growth rate since the baseline is divided by the rate needed to reach the target in its year. "
			    "Where a value is zero or negative the rate is undefined and the straight line from baseline to target is used.",
			    "基準年度からの実際の年平均成長率を、目標年度に目標値に達するために必要な年平均成長率で割った比で評価します。"
			    "値に 0 以下が含まれ成長率が定義できない場合は、基準値から目標値への直線で評価します。"));
	kb_buf_addf(
		o,
		"<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>\n",
		T("Status", "評価"), T("Condition", "条件"));
#define ROW(st, en, ja)                                               \
	do {                                                          \
		kb_buf_adds(o, "<tr><td>");                           \
		status(o, st, L);                                     \
		kb_buf_addf(o, "</td><td>%s</td></tr>\n", T(en, ja)); \
	} while (0)
	ROW(KB_ST_ACHIEVED, "the latest figure has reached the target",
	    "最新の値が目標値に到達");
	ROW(KB_ST_ON_TRACK, "ratio 95% or more", "比が 95% 以上");
	ROW(KB_ST_NEEDS_ACCEL, "ratio from 60% to under 95%",
	    "比が 60% 以上 95% 未満");
	ROW(KB_ST_LIMITED, "ratio from 0 to under 60%", "比が 0 以上 60% 未満");
	ROW(KB_ST_DETERIORATING, "ratio below 0: moved away from the target",
	    "比が 0 未満（目標から遠ざかっている）");
	ROW(KB_ST_NO_DATA, "no figure after the baseline year",
	    "基準年度より後の値がない");
#undef ROW
	kb_buf_adds(o, "</tbody></table>\n");
	kb_buf_addf(
		o, "<p>%s</p>\n",
		T("A goal's status is the median status of the KPIs of the goal and its measures (of an even number, the worse of the two middle ones); "
		  "a vision's is the median over the KPIs of its goals, re-posted goals included. KPIs that cannot be assessed are left out. "
		  "A goal is behind when its status is needs acceleration, limited progress or deteriorating; "
		  "each ministry follows up the actions it leads under goals or measures that are behind. "
		  "A missing figure is never read as zero.",
		  "ゴールの評価は、そのゴールと配下の施策に設定された KPI の評価の中央値（偶数個の場合は中央の二つのうち悪い方）とし、"
		  "ビジョンの評価は配下のゴール（再掲を含む）の KPI の中央値とします。評価不能の KPI は除きます。"
		  "評価が「加速が必要」「進捗が限定的」「悪化」のゴールを遅れているゴールとし、各府省はその下で取りまとめを担う施策をフォローアップします。"
		  "欠測の値を 0 として扱うことはありません。"));
	kb_buf_adds(o, "</section>\n");
}

void kb_report_annual(const struct kb_eval *ev,
		      const struct kb_report_opts *opt, struct kb_buf *o)
{
	enum kb_lang L = opt->lang;

	head(o, ev, opt);
	cover(o, ev, opt);
	toc(o, ev, L);
	kb_buf_adds(o, "<main>\n");
	summary(o, ev, L);
	followup(o, ev, L);
	kpis(o, ev, L);
	sources(o, ev, L);
	method(o, ev, L);
	changes(o, ev, L);
	kb_buf_adds(o, "</main>\n<footer>");
	if (opt->generator)
		esc(o, opt->generator);
	kb_buf_adds(o, " · ");
	esc(o, KB_NAME(&ev->plan, L));
	kb_buf_adds(o, "</footer>\n</body>\n</html>\n");
}
