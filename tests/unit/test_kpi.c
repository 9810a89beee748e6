/*
 * test_kpi.c - importing KPI definitions and yearly values: every problem
 * reported with its position, nothing written unless all is well, missing
 * figures kept as missing, targets revised with their reasons, history.
 */
#include "helpers.h"

#define HEAD \
	"id,name_ja,name_en,unit_ja,unit_en,direction,attached_to,baseline_value,baseline_year,target_value,target_year,target_reason,source,periodicity,rule,decimals\n"

static const char good[] = HEAD
	"K1,修了者数,Graduates,人,people,higher,G01,1200,2021,2400,2026,,調査,annual,,0\n"
	"K2,審査期間,Review time,月,months,lower,M34,12,2021,10,令和8年度,,,,cagr,1\n"
	"K3,品目数,Device types,品目,,higher,M41,0,2021,100,2026,,,irregular,linear,\n";

static void definitions_import_and_load(void **state)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_kpiset set;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s, good, &err), &err);
	T_OK(kb_kpi_load(s, &set, &err), &err);
	assert_int_equal(set.n, 3);
	assert_string_equal(set.v[0].id, "K1");
	assert_string_equal(set.v[0].goal_id, "G01");
	assert_null(set.v[0].measure_id);
	assert_int_equal(set.v[1].direction, KB_LOWER);
	assert_string_equal(set.v[1].measure_id, "M34");
	assert_int_equal(kb_kpi_target(&set.v[1])->fy, 2026);
	assert_int_equal(set.v[1].decimals, 1);
	assert_int_equal(set.v[1].rule, KB_RULE_CAGR);
	assert_string_equal(set.v[2].unit_en,
			    "品目"); /* defaults to the Japanese unit */
	assert_int_equal(set.v[2].decimals, -1);
	assert_string_equal(set.v[2].periodicity, "irregular");
	assert_int_equal(set.v[0].ntargets, 1);
	assert_string_equal(set.v[0].targets[0].reason, "initial target");
	kb_kpiset_release(&set);
	kb_store_close(s);
	kb_err_release(&err);
}

static void every_definition_problem_is_listed_and_nothing_written(void **state)
{
	static const char bad[] = HEAD
		"K1,修了者数,Graduates,人,people,up,G01,1200,2021,2400,2026,,,,,\n"
		"K2,審査期間,Review time,月,months,lower,G99,12,2021,10,2026,,,,,\n"
		"K3,x,y,件,,higher,G01,10,2021,5,2026,,,,,\n"
		"K4,x,y,件,,lower,G01,10,2021,12,2026,,,,,\n"
		"K5,x,y,件,,higher,G01,10,2021,20,2020,,,,,\n"
		"K1,x,y,件,,higher,G01,10,2021,20,2026,,,,,\n"
		"K7,x,y,件,,higher,G01,ten,2021,20,2026,,,weekly,log,9\n"
		"K 8,,y,,,higher,G01,10,2021,20,2026,,,,,\n";
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(t_import_kpis(s, bad, &err), KB_EINVALID);
	t_assert_error(
		&err,
		"kpis.csv:2:28: field 'direction': 'up' is not a direction (expected higher or lower)");
	t_assert_error(
		&err,
		"kpis.csv:3:36: field 'attached_to': 'G99' is not a goal or measure of the plan");
	t_assert_error(
		&err,
		"kpis.csv:4:30: field 'target_value': the target 5 is not above the baseline 10, but higher is better");
	t_assert_error(
		&err,
		"kpis.csv:5:29: field 'target_value': the target 12 is not below the baseline 10, but lower is better");
	t_assert_error(
		&err,
		"kpis.csv:6:33: field 'target_year': the target year 2020 must come after the baseline year 2021");
	t_assert_error(
		&err,
		"kpis.csv:7:1: field 'id': KPI 'K1' appears twice (first at line 2)");
	t_assert_error(
		&err,
		"kpis.csv:8:22: field 'baseline_value': 'ten' is not a number");
	t_assert_error(&err,
		       "field 'periodicity': 'weekly' is not a periodicity");
	t_assert_error(&err, "field 'rule': 'log' is not a rule");
	t_assert_error(
		&err,
		"field 'decimals': '9' is not a number of decimals (0 to 6)");
	t_assert_error(&err, "kpis.csv:9:1: field 'id': invalid KPI id 'K 8'");
	t_assert_error(
		&err, "kpis.csv:9:5: field 'name_ja': a value is required here");
	t_assert_error(
		&err, "kpis.csv:9:8: field 'unit_ja': a value is required here");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM kpi"), 0);
	kb_store_close(s);
	kb_err_release(&err);
}

static void kpis_need_a_plan_first(void **state)
{
	struct kb_store *s = t_store();
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(t_import_kpis(s, good, &err), KB_ESTATE);
	t_assert_error(&err, "import the plan first");
	kb_store_close(s);
	kb_err_release(&err);
}

static void a_revised_target_needs_a_reason_and_keeps_the_old_one(void **state)
{
	static const char revised[] = HEAD
		"K1,修了者数,Graduates,人,people,higher,G01,1200,2021,3000,2026,,調査,annual,,0\n";
	static const char with_reason[] = HEAD
		"K1,修了者数,Graduates,人,people,higher,G01,1200,2021,3000,2026,前倒し達成のため,調査,annual,,0\n";
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_kpiset set;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s, good, &err), &err);
	assert_int_equal(t_import_kpis(s, revised, &err), KB_EINVALID);
	t_assert_error(
		&err,
		"kpis.csv:2:59: field 'target_reason': the target of KPI 'K1' changes from 2400 (FY2026) to 3000 (FY2026): give the reason");
	kb_err_clear(&err);
	T_OK(t_import_kpis(s, with_reason, &err), &err);
	T_OK(t_import_kpis(s, with_reason, &err),
	     &err); /* same again: no new target */
	T_OK(kb_kpi_retarget(s, "K2", 9, 2026, "国際水準に合わせる", "t", T_NOW,
			     &err),
	     &err);
	assert_int_equal(kb_kpi_retarget(s, "K2", 13, 2026, "x", "t", T_NOW, &err),
			 KB_EINVALID);
	t_assert_error(
		&err,
		"the target 13 is not below the baseline 12, but lower is better");
	kb_err_clear(&err);
	assert_int_equal(kb_kpi_retarget(s, "K2", 9, 2026, "", "t", T_NOW, &err),
			 KB_EINVALID);
	assert_int_equal(kb_kpi_retarget(s, "K9", 9, 2026, "x", "t", T_NOW, &err),
			 KB_ENOTFOUND);
	T_OK(kb_kpi_load(s, &set, &err), &err);
	assert_int_equal(set.v[0].ntargets, 2);
	assert_true(set.v[0].targets[0].value == 2400);
	assert_true(set.v[0].targets[1].value == 3000);
	assert_string_equal(set.v[0].targets[1].reason, "前倒し達成のため");
	assert_string_equal(set.v[0].targets[1].set_by, "test");
	assert_int_equal(set.v[1].ntargets, 2);
	assert_true(kb_kpi_target(&set.v[1])->value == 9);
	kb_kpiset_release(&set);
	kb_store_close(s);
	kb_err_release(&err);
}

static void values_import_with_missing_figures(void **state)
{
	static const char values[] = "kpi_id,fiscal_year,value,source,comment\n"
				     "K1,2021,1200,,基準値\n"
				     "K1,FY2022,\"1,355\",,\n"
				     "K1,令和5年度,NA,,調査中止\n"
				     "K1,2024,欠測,,\n"
				     "K2,2024,11.5,PMDA,\n";
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_kpiset set;
	struct kb_import_opts o = { .actor = "clerk", .now = T_NOW, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_csv c;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s, good, &err), &err);
	t_csv(&c, "v.csv", values);
	T_OK(kb_obs_import(s, &c, &o, &st, &err), &err);
	kb_csv_release(&c);
	assert_int_equal(st.rows, 5);
	assert_int_equal(st.added, 5);
	T_OK(kb_kpi_load(s, &set, &err), &err);
	assert_int_equal(set.v[0].nobs, 4);
	assert_int_equal(set.v[0].obs[1].fy, 2022);
	assert_true(set.v[0].obs[1].value == 1355);
	assert_int_equal(set.v[0].obs[2].fy, 2023);
	assert_true(set.v[0].obs[2].missing);
	assert_string_equal(set.v[0].obs[2].comment, "調査中止");
	assert_true(set.v[0].obs[3].missing);
	assert_string_equal(set.v[0].obs[0].entered_by, "clerk");
	assert_int_equal(
		t_sql_int(s, "SELECT count(*) FROM observation WHERE value = 0"),
		0);
	assert_int_equal(
		t_sql_int(s,
			  "SELECT count(*) FROM observation WHERE state = 'missing' AND value IS NULL"),
		2);
	kb_kpiset_release(&set);

	/* the same file again: all unchanged, no history */
	t_csv(&c, "v.csv", values);
	T_OK(kb_obs_import(s, &c, &o, &st, &err), &err);
	kb_csv_release(&c);
	assert_int_equal(st.unchanged, 5);
	assert_int_equal(
		t_sql_int(s, "SELECT count(*) FROM observation_history"), 0);
	/* a correction: changed, the old figure kept */
	T_OK(t_import_values(s, "kpi_id,fiscal_year,value\nK1,2022,1360\n", &err),
	     &err);
	assert_int_equal(
		t_sql_int(s,
			  "SELECT value FROM observation_history WHERE kpi_id = 'K1' AND fy = 2022"),
		1355);
	assert_int_equal(
		t_sql_int(s,
			  "SELECT value FROM observation WHERE kpi_id = 'K1' AND fy = 2022"),
		1360);
	kb_store_close(s);
	kb_err_release(&err);
}

static void every_value_problem_is_listed_and_nothing_written(void **state)
{
	static const char bad[] = "kpi_id,fiscal_year,value,comment\n"
				  "K1,2022,1355,ok\n"
				  "K9,2022,1,\n"
				  "K1,2030,1,\n"
				  "K1,2023,,\n"
				  "K1,2022,1400,\n"
				  "K2,20x4,1,\n"
				  "K2,2024,12..5,\n"
				  "K2,2023,1,extra,field\n";
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s, good, &err), &err);
	assert_int_equal(t_import_values(s, bad, &err), KB_EINVALID);
	t_assert_error(
		&err,
		"values.csv:3:1: field 'kpi_id': unknown KPI 'K9' (import the KPI definitions first)");
	t_assert_error(
		&err,
		"values.csv:4:4: field 'fiscal_year': fiscal year 2030 has not begun yet");
	t_assert_error(
		&err,
		"values.csv:5:9: field 'value': the value is empty: write the number, or NA (欠測) if the figure is missing");
	t_assert_error(
		&err,
		"values.csv:6:4: field 'fiscal_year': KPI 'K1' has a second value for fiscal year 2022 (first at line 2)");
	t_assert_error(
		&err,
		"values.csv:7:4: field 'fiscal_year': '20x4' is not a fiscal year");
	t_assert_error(&err,
		       "values.csv:8:9: field 'value': '12..5' is not a number");
	t_assert_error(
		&err,
		"values.csv:9:17: this row has 5 fields but the header has 4");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM observation"), 0);
	kb_store_close(s);
	kb_err_release(&err);
}

static void excel_cp932_with_japanese_headers(void **state)
{
	/* KPI ID,年度,値,備考 / K1,令和6年度,"1,533",確報 in CP932 with CRLF */
	static const char sjis[] = "KPI ID,\x94N\x93x,\x92l,\x94\xf5\x8dl\r\n"
				   "K1,\x97\xdf\x98\x61"
				   "6\x94N\x93x,\"1,533\",\x8am\x95\xf1\r\n";
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_import_opts o = { .actor = "t", .now = T_NOW, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_kpiset set;
	struct kb_csv c;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s, good, &err), &err);
	T_OK(kb_csv_open_mem(&c, "excel.csv", sjis, sizeof(sjis) - 1,
			     KB_ENC_AUTO, &err),
	     &err);
	assert_int_equal(c.enc, KB_ENC_CP932);
	T_OK(kb_obs_import(s, &c, &o, &st, &err), &err);
	kb_csv_release(&c);
	T_OK(kb_kpi_load(s, &set, &err), &err);
	assert_int_equal(set.v[0].obs[0].fy, 2024);
	assert_true(set.v[0].obs[0].value == 1533);
	assert_string_equal(set.v[0].obs[0].comment, "確報");
	kb_kpiset_release(&set);
	kb_store_close(s);
	kb_err_release(&err);
}

static void dry_run_writes_nothing(void **state)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_import_opts o = { .actor = "t", .now = T_NOW, .dry_run = 1 };
	struct kb_import_stats st;
	struct kb_csv c;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	t_csv(&c, "k.csv", good);
	T_OK(kb_kpi_import(s, &c, &o, &st, &err), &err);
	kb_csv_release(&c);
	assert_int_equal(st.rows, 3);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM kpi"), 0);
	kb_store_close(s);
	kb_err_release(&err);
}

static void csv_export_round_trips(void **state)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_kpiset set;
	struct kb_buf k = KB_BUF_INIT, v = KB_BUF_INIT;
	struct kb_import_opts o = { .actor = "t", .now = T_NOW, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_csv c;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s, good, &err), &err);
	T_OK(t_import_values(
		     s, "kpi_id,fiscal_year,value,comment\nK1,2022,1355.25,\"a, b\"\nK1,2023,NA,x\n",
		     &err),
	     &err);
	T_OK(kb_kpi_load(s, &set, &err), &err);
	kb_kpi_write_csv(&set, &k, 1);
	kb_obs_write_csv(&set, NULL, &v, 0);
	T_OK(kb_csv_open_mem(&c, "k.csv", k.buf, k.len, KB_ENC_AUTO, &err), &err);
	T_OK(kb_kpi_import(s, &c, &o, &st, &err), &err);
	kb_csv_release(&c);
	assert_int_equal(st.unchanged, 3);
	T_OK(kb_csv_open_mem(&c, "v.csv", v.buf, v.len, KB_ENC_AUTO, &err), &err);
	T_OK(kb_obs_import(s, &c, &o, &st, &err), &err);
	kb_csv_release(&c);
	assert_int_equal(st.unchanged, 2);
	kb_kpiset_release(&set);
	kb_buf_release(&k);
	kb_buf_release(&v);
	kb_store_close(s);
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(definitions_import_and_load),
		cmocka_unit_test(
			every_definition_problem_is_listed_and_nothing_written),
		cmocka_unit_test(kpis_need_a_plan_first),
		cmocka_unit_test(
			a_revised_target_needs_a_reason_and_keeps_the_old_one),
		cmocka_unit_test(values_import_with_missing_figures),
		cmocka_unit_test(every_value_problem_is_listed_and_nothing_written),
		cmocka_unit_test(excel_cp932_with_japanese_headers),
		cmocka_unit_test(dry_run_writes_nothing),
		cmocka_unit_test(csv_export_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
