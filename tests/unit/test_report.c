/*
 * test_report.c - the annual report's content: every vision, goal and KPI
 * present with the right status, the ministries' follow-up lists, the
 * draft/frozen state, both languages, and a file that needs nothing from
 * the network.  Statuses are read from the data-* attributes the report
 * writes for this purpose.
 */
#include "helpers.h"

#include "kiban/demo.h"
#include "kiban/report.h"

static char *render(const struct kb_eval *ev, enum kb_lang lang)
{
	struct kb_report_opts o = { lang, T_NOW, "kiban test" };
	struct kb_buf out = KB_BUF_INIT;
	kb_report_annual(ev, &o, &out);
	return kb_buf_detach(&out, NULL);
}

/* The data-status of the element whose attribute attr equals id. */
static char *status_of(const char *html, const char *attr, const char *id)
{
	struct kb_buf needle = KB_BUF_INIT;
	const char *p, *q;
	char *st;
	kb_buf_addf(&needle, "%s=\"%s\" data-status=\"", attr, id);
	p = strstr(html, needle.buf);
	if (!p) {
		kb_buf_release(&needle);
		return NULL;
	}
	p += needle.len;
	q = strchr(p, '"');
	st = kb_strndup(p, (size_t)(q - p));
	kb_buf_release(&needle);
	return st;
}

static size_t count(const char *html, const char *s)
{
	size_t n = 0;
	for (html = strstr(html, s); html; html = strstr(html + 1, s))
		n++;
	return n;
}

static void assert_status(const char *html, const char *attr, const char *id,
			  const char *want)
{
	char *got = status_of(html, attr, id);
	if (!got)
		fail_msg("no element with %s=\"%s\" in the report", attr, id);
	if (strcmp(got, want))
		fail_msg("%s %s: status %s, want %s", attr, id, got, want);
	free(got);
}

#define KHEAD \
	"id,name_ja,name_en,unit_ja,direction,attached_to,baseline_value,baseline_year,target_value,target_year\n"

static void report_shows_each_goal_with_its_status(void **state)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_eval ev;
	char *html;
	size_t i;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s,
			   KHEAD
			   "A,達成指標,Reached,件,higher,G01,10,2021,20,2026\n"
			   "B,悪化指標,Worse,件,higher,M07,10,2021,20,2026\n"
			   "C,低いほど良い,Lower,日,lower,G11,60,2021,30,2026\n"
			   "D,データなし,No data,件,higher,G05,1,2021,2,2026\n",
			   &err),
	     &err);
	T_OK(t_import_values(
		     s,
		     "kpi_id,fiscal_year,value,comment\n"
		     "A,2025,21,\nB,2025,9,<script>alert(1)</script>\nC,2025,45,\nD,2024,NA,未公表\n",
		     &err),
	     &err);
	T_OK(kb_eval_live(s, NULL, 2025, KB_RULE_CAGR, T_NOW, &ev, &err), &err);
	html = render(&ev, KB_LANG_JA);

	/* statuses checked by hand: A reached its target; B fell below its
	 * baseline; C went from 60 to 45 in 4 of 5 years against 30 (linear
	 * would be 0.625, by growth rates (0.75^(1/4)-1)/(0.5^(1/5)-1) =
	 * 0.536); D has no figure after its baseline */
	assert_status(html, "data-kpi", "A", "achieved");
	assert_status(html, "data-kpi", "B", "deteriorating");
	assert_status(html, "data-kpi", "C", "limited_progress");
	assert_status(html, "data-kpi", "D", "cannot_assess");
	assert_status(html, "data-goal", "G01", "achieved");
	assert_status(html, "data-goal", "G02", "deteriorating");
	assert_status(html, "data-goal", "G11", "limited_progress");
	assert_status(html, "data-goal", "G05", "cannot_assess");
	assert_status(html, "data-goal", "G03",
		      "cannot_assess"); /* no KPI at all */
	assert_status(html, "data-vision", "V1", "deteriorating");
	assert_status(html, "data-vision", "V3", "limited_progress");
	/* every goal and vision in the summary, re-posted goals under V3 too */
	for (i = 0; i < ev.plan.ngoals; i++) {
		char *st = status_of(html, "data-goal", ev.plan.goals[i].id);
		assert_non_null(st);
		assert_string_equal(st, kb_status_key(ev.goals[i].status));
		free(st);
	}
	assert_int_equal(count(html, "data-goal=\"G07\""), 2);
	assert_int_equal(count(html, "data-goal=\"G09\""), 2);
	assert_int_equal(count(html, "data-vision="), 3);
	assert_int_equal(count(html, "data-kpi="), 4);
	/* follow-up: 経 leads A09–A14 under G02 and A55–A58 under G11 (limited
	 * progress); 厚 leads A09 and A55–A59 */
	assert_non_null(
		strstr(html, "data-ministry=\"経\" data-followups=\"10\""));
	assert_non_null(strstr(html, "data-ministry=\"厚\" data-followups=\"6\""));
	assert_non_null(strstr(html, "data-ministry=\"文\" data-followups=\"0\""));
	assert_non_null(strstr(html, "<li data-action=\"A58\">"));
	/* draft, Japanese, text escaped, comments and sources shown */
	assert_non_null(strstr(html, "data-state=\"draft\""));
	assert_non_null(strstr(html, "<html lang=\"ja\">"));
	assert_non_null(strstr(html, "2025年度（令和7年度）"));
	assert_null(strstr(html, "<script>alert"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "未公表"));
	/* A4 print stylesheet, charts drawn inline */
	assert_non_null(strstr(html, "size: A4"));
	assert_int_equal(count(html, "<svg class=\"bullet\""), 4);
	assert_int_equal(count(html, "<svg class=\"spark\""), 4);
	free(html);

	html = render(&ev, KB_LANG_EN);
	assert_non_null(strstr(html, "<html lang=\"en\">"));
	assert_non_null(strstr(html, "FY2025 (Reiwa 7)"));
	assert_non_null(strstr(
		html, ev.plan.goals[1].name_en)); /* G02: no character to escape */
	assert_non_null(strstr(html, "Deteriorating"));
	assert_status(html, "data-goal", "G02", "deteriorating");
	free(html);
	kb_eval_release(&ev);
	kb_store_close(s);
	kb_err_release(&err);
}

static void report_needs_nothing_from_the_network(void **state)
{
	struct kb_store *s = t_store();
	struct kb_err err;
	struct kb_eval ev;
	char *html;
	const char *p;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_demo_load(s, &err), &err);
	T_OK(kb_eval_live(s, NULL, 2025, KB_RULE_CAGR, T_NOW, &ev, &err), &err);
	html = render(&ev, KB_LANG_JA);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "url("));
	for (p = strstr(html, "href=\""); p; p = strstr(p + 1, "href=\""))
		assert_true(p[6] == '#'); /* only links within the page */
	for (p = strstr(html, "src="); p; p = strstr(p + 1, "src="))
		fail_msg("the report loads %.40s", p);
	assert_int_equal(count(html, "<svg"), count(html, "</svg>"));
	assert_int_equal(count(html, "<article"), 30);
	free(html);
	kb_eval_release(&ev);
	kb_store_close(s);
	kb_err_release(&err);
}

static void frozen_report_says_so_and_lists_later_edits(void **state)
{
	struct kb_store *s = t_store();
	struct kb_err err;
	struct kb_eval ev;
	char *html;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_demo_load(s, &err),
	     &err); /* FY2024 frozen, K05 corrected after */
	T_OK(kb_eval_open(s, NULL, 2024, KB_RULE_CAGR, T_NOW, &ev, &err), &err);
	assert_true(ev.frozen);
	html = render(&ev, KB_LANG_JA);
	assert_non_null(strstr(html, "data-state=\"frozen\""));
	assert_non_null(strstr(html, "確定版（第 1 版）"));
	assert_non_null(strstr(html, "id=\"changes\""));
	assert_non_null(strstr(html, "data-change-kpi=\"K05\""));
	free(html);
	kb_eval_release(&ev);
	kb_store_close(s);
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_shows_each_goal_with_its_status),
		cmocka_unit_test(report_needs_nothing_from_the_network),
		cmocka_unit_test(frozen_report_says_so_and_lists_later_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
