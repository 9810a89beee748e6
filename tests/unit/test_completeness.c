/*
 * test_completeness.c - reporting completeness (lib/supply/completeness.c):
 * the counts of expected, reported and on-time hospitals and their rates,
 * nationally, per prefecture and per device; a correction after the
 * deadline stays on time; the threshold and the latest complete week; the
 * weeks still coming in; the hospitals that have not reported; and one
 * early report of the next week not moving what monitoring shows.
 */
#include "helpers.h"

#include "kiban/supply.h"

/* Five hospitals: two in Tokyo, two in Osaka, one in Hokkaido that never
 * reports; a holder, which is not expected to send stock reports. */
static const char devices_csv[] =
	"code,name_ja,name_en,class,category,use,unit_ja,unit_en,essential,"
	"criteria,reasons,designation_reason\n"
	"10000001,人工呼吸器,Ventilator,III,呼吸器,reusable,台,units,yes,"
	"life_sustaining,例,初回指定\n"
	"10000002,輸液セット,Infusion set,II,輸液,disposable,本,pieces,yes,"
	"life_sustaining,例,初回指定\n";
static const char orgs_csv[] =
	"id,kind,name_ja,name_en,prefecture,beds,icu_beds,country\n"
	"H1,hospital,東京病院,Tokyo Hospital,13,300,10,JP\n"
	"H2,hospital,東京第二病院,Tokyo Hospital 2,13,200,0,JP\n"
	"H3,hospital,大阪病院,Osaka Hospital,27,100,0,JP\n"
	"H4,hospital,大阪第二病院,Osaka Hospital 2,27,100,0,JP\n"
	"H5,hospital,札幌病院,Sapporo Hospital,1,100,0,JP\n"
	"M1,mah,製販,MAH One,13,,,JP\n";

#define HEAD "report_id,facility,device,week,stock,consumption,stockout_days\n"
#define DAY  86400

static int imp(struct kb_store *s, kb_import_fn fn, const char *text,
	       time_t now, struct kb_err *err)
{
	struct kb_import_opts o = { .actor = "tester", .now = now, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_csv c;
	int r;
	if ((r = kb_csv_open_mem(&c, "in.csv", text, strlen(text), KB_ENC_AUTO,
				 err)))
		return r;
	r = fn(s, &c, &o, &st, err);
	kb_csv_release(&c);
	return r;
}

static int wk(const char *s)
{
	int w = -1;
	assert_int_equal(kb_week_parse(s, &w), 0);
	return w;
}

/*
 * The weeks (T_NOW is Tuesday 2026-11-24, 09:00 in Japan):
 *   08-03  H3 reports the ventilator, 13 weeks before 11-02
 *   11-02  H1, H2, H3 on 11-10 (on time: the deadline is Wednesday 11-11);
 *          H4 on 11-24 (late); H1 corrects its report on 11-24
 *   11-09  H1, H2, H3 on 11-17 (on time); H4 silent
 *   11-16  H1 on 11-24 (on time: the deadline is 11-25)
 * H5 never reports.
 */
static struct kb_store *weeks_store(struct kb_err *err)
{
	struct kb_store *s = t_store();
	time_t nov10 = T_NOW - 14 * DAY + 3600, nov17 = T_NOW - 7 * DAY + 3600;
	T_OK(imp(s, kb_device_import, devices_csv, T_NOW - 400 * DAY, err), err);
	T_OK(imp(s, kb_org_import, orgs_csv, T_NOW - 400 * DAY, err), err);
	T_OK(imp(s, kb_stock_import, HEAD "H3-0803,H3,10000001,2026-08-03,5,1,0\n",
		 T_NOW - 100 * DAY, err),
	     err);
	T_OK(imp(s, kb_stock_import,
		 HEAD "H1-1102,H1,10000001,2026-11-02,5,1,0\n"
		      "H1-1102,H1,10000002,2026-11-02,50,10,0\n"
		      "H2-1102,H2,10000002,2026-11-02,40,10,0\n"
		      "H3-1102,H3,10000002,2026-11-02,30,10,0\n",
		 nov10, err),
	     err);
	T_OK(imp(s, kb_stock_import,
		 HEAD "H4-1102,H4,10000002,2026-11-02,20,10,0\n", T_NOW, err),
	     err);
	/* the correction, after the deadline: the report stays on time */
	T_OK(imp(s, kb_stock_import,
		 HEAD "H1-1102,H1,10000001,2026-11-02,4,1,0\n"
		      "H1-1102,H1,10000002,2026-11-02,50,10,0\n",
		 T_NOW, err),
	     err);
	T_OK(imp(s, kb_stock_import,
		 HEAD "H1-1109,H1,10000001,2026-11-09,5,1,0\n"
		      "H1-1109,H1,10000002,2026-11-09,50,10,0\n"
		      "H2-1109,H2,10000002,2026-11-09,40,10,0\n"
		      "H3-1109,H3,10000002,2026-11-09,30,10,0\n",
		 nov17, err),
	     err);
	T_OK(imp(s, kb_stock_import,
		 HEAD "H1-1116,H1,10000001,2026-11-16,5,1,0\n"
		      "H1-1116,H1,10000002,2026-11-16,50,10,0\n",
		 T_NOW, err),
	     err);
	return s;
}

static const struct kb_compl *row(const struct kb_compl_table *t, int week,
				  int pref, size_t device)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if (t->v[i].week == week && t->v[i].pref == pref &&
		    t->v[i].device == device)
			return &t->v[i];
	fail_msg("no row for week %d, prefecture %d, device %zu", week, pref,
		 device);
	return NULL;
}

static void expect(const struct kb_compl *c, int expected, int reported,
		   int on_time)
{
	assert_int_equal(c->expected, expected);
	assert_int_equal(c->reported, reported);
	assert_int_equal(c->on_time, on_time);
	if (expected)
		assert_true(fabs(c->rate - 100.0 * reported / expected) < 1e-9);
	else
		assert_true(c->rate < 0);
}

static void test_counts(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_compl_table t;
	struct kb_compl_query q = { -1, -1, 0, KB_COMPL_TOTAL };
	int a = wk("2026-11-02"), b = wk("2026-11-09"), c = wk("2026-11-16");
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = weeks_store(&err);
	T_OK(kb_supply_load(s, &sup, &err), &err);
	/* the corrected report: version 2, late now, on time at first */
	assert_int_equal(
		t_sql_int(s, "SELECT version * 10 + late FROM report WHERE id = "
			     "'H1-1102'"),
		21);

	q.from = a;
	q.to = c;
	T_OK(kb_completeness(s, &sup, &q, &t, &err), &err);
	assert_int_equal(t.n, 3); /* a row a week */
	/* H4 was late; H1's correction after the deadline keeps it on time */
	expect(row(&t, a, 0, KB_NONE), 5, 4, 3);
	assert_true(fabs(row(&t, a, 0, KB_NONE)->on_time_rate - 60) < 1e-9);
	expect(row(&t, b, 0, KB_NONE), 5, 3, 3);
	expect(row(&t, c, 0, KB_NONE), 5, 1, 1);
	kb_compl_table_release(&t);

	/* per prefecture: the nation first, then the 47 */
	q.by = KB_COMPL_BY_PREF;
	q.from = q.to = b;
	T_OK(kb_completeness(s, &sup, &q, &t, &err), &err);
	assert_int_equal(t.n, 48);
	expect(row(&t, b, 0, KB_NONE), 5, 3, 3);
	expect(row(&t, b, 13, KB_NONE), 2, 2, 2);
	expect(row(&t, b, 27, KB_NONE), 2, 1, 1);
	expect(row(&t, b, 1, KB_NONE), 1, 0, 0);
	expect(row(&t, b, 2, KB_NONE), 0, 0, 0); /* none expected: no rate */
	kb_compl_table_release(&t);
	/* one prefecture, and not by prefecture within one */
	q.by = KB_COMPL_TOTAL;
	q.pref = 27;
	T_OK(kb_completeness(s, &sup, &q, &t, &err), &err);
	assert_int_equal(t.n, 1);
	expect(&t.v[0], 2, 1, 1);
	kb_compl_table_release(&t);
	q.by = KB_COMPL_BY_PREF;
	assert_int_equal(kb_completeness(s, &sup, &q, &t, &err), KB_EUSAGE);
	kb_err_clear(&err);

	/* per device: the expected hospitals are those that gave a line for
	 * it in the 13 weeks up to the week */
	q.by = KB_COMPL_BY_DEVICE;
	q.pref = 0;
	q.from = wk("2026-10-26"); /* 08-03 + 12 weeks: H3 still expected */
	q.to = c;
	T_OK(kb_completeness(s, &sup, &q, &t, &err), &err);
	assert_int_equal(t.n, 4 * 2);
	expect(row(&t, q.from, 0, 0), 1, 0, 0); /* H3's ventilator */
	expect(row(&t, a, 0, 0), 1, 1, 1);	/* H3 no longer; H1 */
	expect(row(&t, a, 0, 1), 4, 4, 3);	/* H4 late */
	expect(row(&t, b, 0, 1), 4, 3, 3);	/* H4 silent, still expected */
	expect(row(&t, c, 0, 1), 4, 1, 1);
	kb_compl_table_release(&t);
	/* within a prefecture */
	q.pref = 27;
	q.from = q.to = a;
	T_OK(kb_completeness(s, &sup, &q, &t, &err), &err);
	assert_int_equal(t.n, 2);
	expect(row(&t, a, 27, 0), 0, 0, 0);
	expect(row(&t, a, 27, 1), 2, 2, 1);
	kb_compl_table_release(&t);

	/* the first week after the last is a usage error */
	q.from = c;
	q.to = a;
	assert_int_equal(kb_completeness(s, &sup, &q, &t, &err), KB_EUSAGE);
	kb_err_clear(&err);

	kb_supply_release(&sup);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_complete_week(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_report_weeks w;
	double pct;
	int a = wk("2026-11-02"), b = wk("2026-11-09"), c = wk("2026-11-16");
	(void)state;
	kb_err_init(&err, KB_LANG_EN);

	/* no report at all: nothing to show */
	s = t_store();
	T_OK(kb_report_weeks(s, -1, &w, &err), &err);
	assert_int_equal(w.shown.week, -1);
	assert_int_equal(w.ncoming, 0);
	kb_report_weeks_release(&w);
	assert_int_equal(kb_supply_shown_week(s, -1, &err), -1);
	kb_store_close(s);

	s = weeks_store(&err);
	/* 80% by default: 11-02 has 4 of 5, exactly the threshold */
	T_OK(kb_completeness_threshold(s, &pct, &err), &err);
	assert_true(pct == 80);
	T_OK(kb_report_weeks(s, -1, &w, &err), &err);
	assert_true(w.complete);
	assert_int_equal(w.shown.week, a);
	expect(&w.shown, 5, 4, 3);
	/* still coming in: 11-09 and 11-16, oldest first */
	assert_int_equal(w.ncoming, 2);
	assert_int_equal(w.coming[0].week, b);
	expect(&w.coming[0], 5, 3, 3);
	assert_int_equal(w.coming[1].week, c);
	expect(&w.coming[1], 5, 1, 1);
	kb_report_weeks_release(&w);

	/* a lower threshold: a later week */
	assert_int_equal(kb_supply_shown_week(s, 60, &err), b);
	assert_int_equal(kb_supply_shown_week(s, 20, &err), c);
	T_OK(kb_report_weeks(s, 20, &w, &err), &err);
	assert_int_equal(w.ncoming, 0);
	kb_report_weeks_release(&w);
	/* none reaches it: the most complete week, said to be incomplete */
	T_OK(kb_report_weeks(s, 81, &w, &err), &err);
	assert_false(w.complete);
	assert_int_equal(w.shown.week, a);
	assert_int_equal(w.ncoming, 2);
	kb_report_weeks_release(&w);

	/* the stored threshold, for every later call */
	T_OK(kb_completeness_threshold_set(s, 60, "tester", T_NOW, &err), &err);
	T_OK(kb_completeness_threshold(s, &pct, &err), &err);
	assert_true(pct == 60);
	assert_int_equal(kb_supply_shown_week(s, -1, &err), b);
	assert_int_equal(
		kb_completeness_threshold_set(s, 101, "tester", T_NOW, &err),
		KB_EINVALID);
	t_assert_error(&err, "from 0 to 100");
	kb_err_clear(&err);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM setting WHERE "
				      "value = '60' AND updated_by = 'tester'"),
			 1);
	kb_store_close(s);
	kb_err_release(&err);
}

/* The story of the issue: the nation is shown from a complete week, and
 * one hospital's early report of the next week does not move it. */
static void test_early_report(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_supply_status st;
	struct kb_status_query q = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
	struct kb_alerts al;
	struct kb_report_weeks w;
	int a = wk("2026-11-02"), next = wk("2026-11-23");
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = weeks_store(&err);
	T_OK(kb_supply_load(s, &sup, &err), &err);
	T_OK(imp(s, kb_stock_import,
		 HEAD "H2-1123,H2,10000002,2026-11-23,40,10,0\n", T_NOW, &err),
	     &err);
	assert_int_equal(kb_supply_latest_week(s, &err), next);

	T_OK(kb_supply_status(s, &sup, &q, &st, &err), &err);
	assert_int_equal(st.week, a);
	assert_int_equal(st.v[1].figs.facilities, 4); /* not H2 alone */
	kb_supply_status_release(&st);
	T_OK(kb_supply_alerts(s, &sup, -1, -1, &al, &err), &err);
	{
		size_t i;
		for (i = 0; i < al.n; i++)
			assert_int_equal(al.v[i].week, a);
	}
	kb_alerts_release(&al);
	T_OK(kb_report_weeks(s, -1, &w, &err), &err);
	assert_int_equal(w.ncoming, 3);
	assert_int_equal(w.coming[2].week, next);
	expect(&w.coming[2], 5, 1, 1);
	kb_report_weeks_release(&w);
	/* asked for, the week still coming in is shown */
	q.week = next;
	T_OK(kb_supply_status(s, &sup, &q, &st, &err), &err);
	assert_int_equal(st.week, next);
	assert_int_equal(st.v[1].figs.facilities, 1);
	kb_supply_status_release(&st);
	kb_supply_release(&sup);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_missing(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_missing_list m;
	struct kb_buf b = KB_BUF_INIT;
	int a = wk("2026-11-02"), bw = wk("2026-11-09"), c = wk("2026-11-16");
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = weeks_store(&err);
	T_OK(kb_supply_load(s, &sup, &err), &err);

	/* 11-16, nationally: by prefecture, never first, the oldest first */
	T_OK(kb_missing_reports(s, &sup, c, 0, &m, &err), &err);
	assert_int_equal(m.week, c);
	assert_int_equal(m.expected, 5);
	assert_int_equal(m.n, 4);
	assert_string_equal(sup.orgs[m.v[0].org].id, "H5");
	assert_int_equal(m.v[0].last, -1);
	assert_int_equal(m.v[0].silent_weeks, -1);
	assert_string_equal(sup.orgs[m.v[1].org].id, "H2");
	assert_int_equal(m.v[1].last, bw);
	assert_int_equal(m.v[1].silent_weeks, 1);
	assert_string_equal(sup.orgs[m.v[2].org].id, "H4");
	assert_int_equal(m.v[2].last, a);
	assert_int_equal(m.v[2].silent_weeks, 2);
	assert_string_equal(sup.orgs[m.v[3].org].id, "H3");
	{
		json_t *j = kb_missing_to_json(&sup, &m.v[0]);
		assert_true(json_is_null(json_object_get(j, "last_report")));
		json_decref(j);
		j = kb_missing_to_json(&sup, &m.v[2]);
		assert_string_equal(
			json_string_value(json_object_get(j, "last_report")),
			"2026-11-02");
		assert_int_equal(
			json_integer_value(json_object_get(j, "silent_weeks")),
			2);
		json_decref(j);
	}
	kb_missing_list_release(&m);

	/* Osaka only, the week shown by default (11-02: H5 only nationally) */
	T_OK(kb_missing_reports(s, &sup, -1, 27, &m, &err), &err);
	assert_int_equal(m.week, a);
	assert_int_equal(m.expected, 2);
	assert_int_equal(m.n, 0);
	kb_missing_list_release(&m);
	T_OK(kb_missing_reports(s, &sup, bw, 27, &m, &err), &err);
	assert_int_equal(m.n, 1);
	assert_string_equal(sup.orgs[m.v[0].org].id, "H4");
	kb_missing_list_release(&m);

	/* the phrase people read */
	{
		struct kb_compl x = { c, 0, KB_NONE, 2000, 1979, 1900, 98.95, 95 };
		kb_compl_phrase(&x, KB_LANG_JA, &b);
		assert_string_equal(b.buf, "報告 1,979 / 2,000 病院（99.0%）");
		kb_buf_reset(&b);
		kb_compl_phrase(&x, KB_LANG_EN, &b);
		assert_string_equal(b.buf,
				    "1,979 of 2,000 hospitals reported (99.0%)");
	}
	kb_buf_release(&b);
	kb_supply_release(&sup);
	kb_store_close(s);
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_complete_week),
		cmocka_unit_test(test_early_report),
		cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
