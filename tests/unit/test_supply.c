/*
 * test_supply.c - the supply module: weeks, JSON input, the registry, the
 * chain and its risks, reports with their history, aggregates, monitoring,
 * alerts, incidents, and the generator.
 */
#include "helpers.h"

#include "kiban/auth.h"
#include "kiban/notify.h"
#include "kiban/supply.h"

/* A small registry: two hospitals in Tokyo, one in Osaka, a holder with a
 * plant in Japan and one in China, a supplier in China. */
static const char devices_csv[] =
	"code,name_ja,name_en,class,category,use,unit_ja,unit_en,essential,"
	"criteria,reasons,designation_reason\n"
	"10000001,人工呼吸器,Ventilator,III,呼吸器,reusable,台,units,yes,"
	"life_sustaining;emergency,例,初回指定\n"
	"10000002,輸液セット,Infusion set,II,輸液,disposable,本,pieces,no,,,\n";
static const char orgs_csv[] =
	"id,kind,name_ja,name_en,prefecture,beds,icu_beds,country\n"
	"H1,hospital,東京病院,Tokyo Hospital,13,300,10,JP\n"
	"H2,hospital,東京第二病院,Tokyo Hospital 2,東京都,200,0,JP\n"
	"H3,hospital,大阪病院,Osaka Hospital,Osaka,100,0,JP\n"
	"M1,mah,製販,MAH One,13,,,JP\n"
	"P1,supplier,部材,Supplier One,,,,CN\n";
static const char sites_csv[] = "id,org,name_ja,name_en,country,region\n"
				"S1,M1,国内工場,Plant JP,JP,East Asia\n"
				"S2,M1,海外工場,Plant CN,CN,East Asia\n"
				"S3,P1,部材工場,Parts CN,CN,East Asia\n"
				"S4,P1,部材工場2,Parts VN,VN,Southeast Asia\n";
static const char components_csv[] = "id,kind,name_ja,name_en\n"
				     "C1,component,基板,Board\n"
				     "X1,material,樹脂,Resin\n";
/* ventilator: 60% S1, 40% S2; needs C1 (S3 only), C1 needs X1 (S3 70%,
 * S4 30%) */
static const char chain_csv[] = "item,input,site,share\n"
				"10000001,C1,,\n"
				"10000001,,S1,60%\n"
				"10000001,,S2,0.4\n"
				"C1,X1,,\n"
				"C1,,S3,1\n"
				"X1,,S3,0.7\n"
				"X1,,S4,0.3\n";

static int imp(struct kb_store *s, kb_import_fn fn, const char *name,
	       const char *text, time_t now, struct kb_import_stats *st,
	       struct kb_err *err)
{
	struct kb_import_opts o = { .actor = "tester", .now = now, .dry_run = 0 };
	struct kb_import_stats dummy;
	struct kb_csv c;
	int r;
	if ((r = kb_csv_open_mem(&c, name, text, strlen(text), KB_ENC_AUTO, err)))
		return r;
	r = fn(s, &c, &o, st ? st : &dummy, err);
	kb_csv_release(&c);
	return r;
}

static struct kb_store *registry(struct kb_err *err)
{
	struct kb_store *s = t_store();
	T_OK(imp(s, kb_device_import, "devices.csv", devices_csv, T_NOW, NULL,
		 err),
	     err);
	T_OK(imp(s, kb_org_import, "orgs.csv", orgs_csv, T_NOW, NULL, err), err);
	T_OK(imp(s, kb_site_import, "sites.csv", sites_csv, T_NOW, NULL, err),
	     err);
	T_OK(imp(s, kb_component_import, "components.csv", components_csv,
		 T_NOW, NULL, err),
	     err);
	T_OK(imp(s, kb_chain_import, "chain.csv", chain_csv, T_NOW, NULL, err),
	     err);
	return s;
}

static void test_weeks(void **state)
{
	int w, w2;
	char out[16];
	(void)state;
	assert_int_equal(kb_week_parse("2026-11-19", &w), 0);
	kb_week_format(w, out);
	assert_string_equal(out, "2026-11-16"); /* the Monday */
	assert_int_equal(kb_week_parse("2026-W47", &w2), 0);
	assert_int_equal(w, w2);
	assert_int_equal(kb_week_parse("2021-W01", &w), 0);
	kb_week_format(w, out);
	assert_string_equal(out, "2021-01-04");
	assert_int_equal(kb_week_parse("2026-02-30", &w), -1);
	assert_int_equal(kb_week_parse("2026-13-01", &w), -1);
	assert_int_equal(kb_week_parse("16/11/2026", &w), -1);
	assert_int_equal(kb_week_parse("2025-W53", &w), -1); /* 52 weeks */
	assert_int_equal(kb_week_parse("2026-W53", &w), 0);  /* 53 */
	assert_int_equal(kb_week_parse("2026-W7", &w), 0);
	assert_int_equal(kb_week_parse("2026-11-1", &w), -1);
	assert_int_equal(kb_week_parse("2026-11-16 ", &w), -1);
	assert_int_equal(kb_week_parse("+026-11-16", &w), -1);
	assert_int_equal(kb_week_parse("2026", &w), -1);
	assert_int_equal(kb_week_parse("", &w), -1);
	assert_int_equal(kb_week_of_time(T_NOW),
			 kb_week_parse("2026-11-23", &w) ? -1 : w);
}

static void test_json_records(void **state)
{
	struct kb_err err;
	struct kb_csv c;
	const char *j = "{\"schema\": \"x\", \"rows\": [\n"
			"  {\"a\": 1, \"b\": \"x\"},\n"
			"  {\"a\": 2.5, \"c\": null}\n]}\n";
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(
		kb_csv_open_mem(&c, "r.json", j, strlen(j), KB_ENC_AUTO, &err),
		0);
	assert_int_equal(kb_csv_next(&c, &err), 1); /* the keys */
	assert_int_equal(c.nf, 3);
	assert_string_equal(c.f[2].s, "c");
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(c.f[0].s, "1");
	assert_string_equal(c.f[1].s, "x");
	assert_int_equal(c.f[0].line, 2);
	assert_int_equal(c.f[0].col, 3);
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(c.f[0].s, "2.5");
	assert_string_equal(c.f[1].s, "");
	assert_int_equal(c.f[1].line, 3);
	assert_int_equal(kb_csv_next(&c, &err), 0);
	kb_csv_release(&c);
	/* a syntax error points into the JSON */
	j = "[{\"a\": 1},\n {\"a\": }]";
	assert_int_equal(kb_csv_open_mem(&c, "bad.json", j, strlen(j),
					 KB_ENC_AUTO, &err),
			 KB_EPARSE);
	assert_int_equal(err.v[0].line, 2);
	t_assert_error(&err, "invalid JSON");
	kb_err_release(&err);
}

static void test_registry(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_designation *h;
	size_t n, i;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	T_OK(kb_supply_load(s, &sup, &err), &err);
	assert_int_equal(sup.ndevices, 2);
	assert_int_equal(sup.prefs[12].population, 14047594); /* Tokyo */
	{
		long total = 0;
		for (i = 0; i < KB_NPREF; i++)
			total += sup.prefs[i].population;
		assert_int_equal(total, 126146099);
	}
	i = kb_supply_device(&sup, "10000001");
	assert_int_equal(sup.devices[i].score, 5);
	assert_int_equal(sup.devices[i].klass, 3);
	assert_int_equal(sup.orgs[kb_supply_org(&sup, "H2")].pref, 13);
	assert_int_equal(sup.orgs[kb_supply_org(&sup, "H3")].pref, 27);
	assert_int_equal(kb_supply_pref(&sup, "東京"), 13);
	assert_int_equal(kb_supply_pref(&sup, "tokyo"), 13);
	assert_int_equal(kb_supply_pref(&sup, "48"), 0);
	kb_supply_release(&sup);

	/* designation history: initial, then withdrawn with a reason */
	T_OK(kb_device_designate(s, "10000001", 0, NULL, "代替品が普及", "me",
				 T_NOW, &err),
	     &err);
	T_OK(kb_device_history(s, "10000001", &h, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].essential, 1);
	assert_string_equal(h[0].reason, "初回指定");
	assert_int_equal(h[1].essential, 0);
	assert_string_equal(h[1].by, "me");
	kb_designations_free(h, n);
	assert_int_equal(kb_device_designate(s, "10000002", 1, NULL, "x", "me",
					     T_NOW, &err),
			 KB_EINVALID); /* no criteria */
	kb_err_clear(&err);

	/* re-importing the same files changes nothing */
	{
		struct kb_import_stats st;
		T_OK(imp(s, kb_org_import, "orgs.csv", orgs_csv, T_NOW, &st, &err),
		     &err);
		assert_int_equal(st.unchanged, 5);
		assert_int_equal(st.added + st.changed, 0);
	}
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_registry_errors(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = t_store();
	assert_int_equal(
		imp(s, kb_device_import, "d.csv",
		    "code,name_ja,name_en,class,category,use,unit_ja,essential,criteria\n"
		    "123,a,b,V,c,reusable,u,yes,life_sustaining\n"
		    "10000001,a,b,I,c,sometimes,u,yes,\n"
		    "10000002,a,b,I,c,disposable,u,maybe,magic\n",
		    T_NOW, NULL, &err),
		KB_EINVALID);
	t_assert_error(&err,
		       "d.csv:2:1: field 'code': '123' is not a device code");
	t_assert_error(&err, "d.csv:2:9: field 'class'");
	t_assert_error(&err, "d.csv:3:18: field 'use'");
	t_assert_error(
		&err, "d.csv:3:34: field 'criteria': an essential device needs");
	t_assert_error(&err, "d.csv:4:31: field 'essential'");
	t_assert_error(
		&err, "d.csv:4:37: field 'criteria': unknown criterion 'magic'");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM device"), 0);
	kb_err_clear(&err);
	assert_int_equal(imp(s, kb_org_import, "o.csv",
			     "id,kind,name_ja,prefecture,beds,icu_beds,country\n"
			     "H1,hospital,a,,,,\n"
			     "H2,clinic,b,13,5,,\n"
			     "H3,hospital,c,13,5,9,jp\n",
			     T_NOW, NULL, &err),
			 KB_EINVALID);
	t_assert_error(
		&err,
		"o.csv:2:15: field 'prefecture': a hospital needs its prefecture");
	t_assert_error(&err, "o.csv:2:16: field 'beds': a hospital needs");
	t_assert_error(&err, "o.csv:3:4: field 'kind': 'clinic' is not a kind");
	t_assert_error(&err, "o.csv:4:22: field 'country'");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM org"), 0);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_chain(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_chain ch;
	struct kb_chain_risk k;
	unsigned char *down;
	double avail[8];
	size_t v;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	T_OK(kb_supply_load(s, &sup, &err), &err);
	T_OK(kb_chain_load(s, &sup, &ch, &err), &err);
	assert_int_equal(ch.nitem, 3);
	v = kb_chain_item(&ch, "10000001");
	down = kb_calloc(sup.nsites, 1);
	/* nothing stops */
	kb_chain_avail(&ch, down, avail);
	assert_float_equal(avail[v], 1, 1e-12);
	/* the plant in China: 40% of assembly */
	assert_int_equal(kb_chain_stop(&sup, KB_STOP_SITE, "S2", down), 1);
	kb_chain_avail(&ch, down, avail);
	assert_float_equal(avail[v], 0.6, 1e-12);
	/* the site in Viet Nam: 30% of the resin, so of the board, so of
	 * every ventilator (Leontief: the scarcest input limits) */
	kb_chain_stop(&sup, KB_STOP_COUNTRY, "VN", down);
	kb_chain_avail(&ch, down, avail);
	assert_float_equal(avail[v], 0.7, 1e-12);
	/* China: the board stops, so everything does */
	assert_int_equal(kb_chain_stop(&sup, KB_STOP_COUNTRY, "CN", down), 2);
	kb_chain_avail(&ch, down, avail);
	assert_float_equal(avail[v], 0, 1e-12);
	kb_chain_risk(&ch, &sup, v, &k);
	assert_int_equal(k.nsources, 2);
	assert_int_equal(k.nsuppliers, 1);
	assert_float_equal(k.hhi, 10000, 1e-9); /* both plants are M1's */
	assert_int_equal(k.single_source, 2);	/* C1 (S3) and X1 (all P1) */
	assert_string_equal(k.top_country, "CN");
	assert_float_equal(k.top_country_loss, 1, 1e-12);
	assert_float_equal(k.import_dependence, 1, 1e-12);
	free(k.top_country);
	free(down);
	kb_chain_release(&ch);
	kb_supply_release(&sup);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_chain_errors(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	assert_int_equal(imp(s, kb_chain_import, "c.csv",
			     "item,input,site,share\n"
			     "C1,X1,,\n"
			     "X1,C1,,\n"
			     "C1,,S3,1\n"
			     "X1,,S3,1\n",
			     T_NOW, NULL, &err),
			 KB_EINVALID);
	t_assert_error(
		&err,
		"c.csv:3:4: field 'input': a cycle in the supply chain: C1 → X1 → C1");
	kb_err_clear(&err);
	assert_int_equal(imp(s, kb_chain_import, "c.csv",
			     "item,input,site,share\n"
			     "10000001,C1,,\n"
			     "10000001,,S1,50%\n"
			     "10000001,,S9,0.2\n"
			     "nothing,,S1,1\n"
			     "10000002,,S1,1.5\n",
			     T_NOW, NULL, &err),
			 KB_EINVALID);
	t_assert_error(&err, "c.csv:4:11: field 'site': unknown site 'S9'");
	t_assert_error(&err, "c.csv:5:1: field 'item': unknown item 'nothing'");
	t_assert_error(&err, "c.csv:6:14: field 'share'");
	kb_err_clear(&err);
	assert_int_equal(imp(s, kb_chain_import, "c.csv",
			     "item,input,site,share\n"
			     "10000001,C1,,\n"
			     "10000001,,S1,50%\n",
			     T_NOW, NULL, &err),
			 KB_EINVALID);
	t_assert_error(&err, "c.csv:2:10: field 'input': 'C1' has no source");
	t_assert_error(&err, "the shares of '10000001' sum to 50%");
	/* the stored map is untouched */
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM chain_source"), 5);
	kb_store_close(s);
	kb_err_release(&err);
}

/* Stock lines of the two weeks given, for the three hospitals. */
static const char stock1[] =
	"report_id,facility,device,week,stock,consumption,stockout_days\n"
	"H1-w1,H1,10000002,2026-11-02,100,50,0\n"
	"H2-w1,H2,10000002,2026-11-02,60,40,0\n"
	"H3-w1,H3,10000002,2026-11-02,0,20,4\n"
	"H1-w2,H1,10000002,2026-11-09,90,50,0\n";

static void test_reports(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_import_stats st;
	int w;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	T_OK(imp(s, kb_stock_import, "s.csv", stock1, T_NOW, &st, &err), &err);
	assert_int_equal(st.added, 4);
	kb_week_parse("2026-11-02", &w);
	/* the aggregates of the week: nation (0), Tokyo, Osaka */
	assert_int_equal(t_sql_int(s, "SELECT facilities FROM stock_agg WHERE "
				      "prefecture = 0 AND week = (SELECT min(week) "
				      "FROM stock_agg)"),
			 3);
	assert_int_equal(t_sql_int(s, "SELECT stock FROM stock_agg WHERE "
				      "prefecture = 13 AND week = (SELECT min(week) "
				      "FROM stock_agg)"),
			 160);
	/* 20 used in the 3 days it had stock: 20 * 7 / 3 */
	assert_int_equal(t_sql_int(s, "SELECT round(demand * 3) FROM stock_agg "
				      "WHERE prefecture = 27"),
			 140);
	/* every report came after the Wednesday following its week */
	assert_int_equal(t_sql_int(s, "SELECT sum(late) FROM report"), 4);

	/* the same file again: unchanged, no new version */
	T_OK(imp(s, kb_stock_import, "s.csv", stock1, T_NOW, &st, &err), &err);
	assert_int_equal(st.unchanged, 4);
	assert_int_equal(t_sql_int(s, "SELECT max(version) FROM report"), 1);

	/* a correction of H1-w1: replaced, the old line kept */
	T_OK(imp(s, kb_stock_import, "fix.csv",
		 "report_id,facility,device,week,stock,consumption,stockout_days\n"
		 "H1-w1,H1,10000002,2026-11-02,10,50,0\n",
		 T_NOW + 86400, &st, &err),
	     &err);
	assert_int_equal(st.changed, 1);
	assert_int_equal(
		t_sql_int(s, "SELECT version FROM report WHERE id = 'H1-w1'"), 2);
	assert_int_equal(t_sql_int(s, "SELECT stock FROM stock_line_old"), 100);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM report_version"), 1);
	assert_int_equal(t_sql_int(s, "SELECT stock FROM stock_agg WHERE "
				      "prefecture = 13 AND week = (SELECT min(week) "
				      "FROM stock_agg)"),
			 70); /* recomputed in the same transaction */
	{
		size_t rows;
		long before = t_sql_int(
			s, "SELECT sum(stock * 7 + demand) FROM stock_agg");
		T_OK(kb_supply_recompute(s, &rows, &err), &err);
		assert_int_equal(rows, 4);
		assert_int_equal(
			t_sql_int(s,
				  "SELECT sum(stock * 7 + demand) FROM stock_agg"),
			before);
	}
	kb_store_close(s);
	kb_err_release(&err);
}

/* A file of many weeks: every week gets its sums, though the lines are
 * not committed yet when they are summed (a second connection would not
 * see them; it once left every other week empty).  Ten weeks, H1 (Tokyo)
 * in each, H2 (Tokyo) in every second, H3 (Osaka) in every third,
 * imported three ways: one import ('supply load', 'supply import stock');
 * the server's (aggregates deferred, then kb_supply_aggregate, in one
 * transaction); and a recomputation inside the transaction that wrote
 * the lines. */
enum { AGG_WEEKS = 10 };

static void check_weeks(struct kb_store *s, int w, int way)
{
	static const int prefs[] = { 0, 13, 27 };
	int i, k;
	for (i = 0; i < AGG_WEEKS; i++) {
		int want[3];
		want[1] = 1 + (i % 2 == 0);
		want[2] = i % 3 == 0;
		want[0] = want[1] + want[2];
		for (k = 0; k < 3; k++) {
			struct kb_buf q = KB_BUF_INIT;
			long got;
			kb_buf_addf(&q,
				    "SELECT facilities FROM stock_agg WHERE "
				    "week = %d AND prefecture = %d AND device = "
				    "(SELECT n FROM device WHERE code = "
				    "'10000002')",
				    w + 7 * i, prefs[k]);
			got = t_sql_int(s, q.buf);
			if (got != (want[k] ? want[k] : -1))
				print_error("way %d, week %d, prefecture %d: "
					    "%ld facilities, not %d\n",
					    way, i, prefs[k], got, want[k]);
			assert_int_equal(got, want[k] ? want[k] : -1);
			kb_buf_release(&q);
		}
	}
	assert_int_equal(t_sql_int(s, "SELECT sum(stock) FROM stock_agg WHERE "
				      "prefecture = 13"),
			 (10 + 19) * 5 + 7 * 5);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM production_agg"), 0);
}

static void test_aggregate_weeks(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_buf csv = KB_BUF_INIT;
	struct kb_import_opts o = { .actor = "tester", .now = T_NOW };
	struct kb_import_stats st;
	struct kb_csv c;
	int w, i, way, weeks[AGG_WEEKS];
	size_t rows;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	kb_week_parse("2026-09-07", &w);
	kb_buf_adds(&csv, "report_id,facility,device,week,stock,consumption,"
			  "stockout_days\n");
	for (i = 0; i < AGG_WEEKS; i++) {
		char wk[16];
		kb_week_format(w + 7 * i, wk);
		weeks[i] = w + 7 * i;
		kb_buf_addf(&csv, "H1-%d,H1,10000002,%s,%d,5,0\n", i, wk, 10 + i);
		if (i % 2 == 0)
			kb_buf_addf(&csv, "H2-%d,H2,10000002,%s,7,2,0\n", i, wk);
		if (i % 3 == 0)
			kb_buf_addf(&csv, "H3-%d,H3,10000002,%s,4,1,0\n", i, wk);
	}
	for (way = 0; way < 3; way++) {
		s = registry(&err);
		if (way == 0) {
			T_OK(imp(s, kb_stock_import, "weeks.csv", csv.buf,
				 T_NOW, NULL, &err),
			     &err);
		} else {
			o.defer_aggregates = 1;
			T_OK(kb_store_begin(s, &err), &err);
			t_csv(&c, "weeks.csv", csv.buf);
			T_OK(kb_stock_import(s, &c, &o, &st, &err), &err);
			kb_csv_release(&c);
			assert_int_equal(st.week_min, w);
			assert_int_equal(st.week_max, w + 7 * (AGG_WEEKS - 1));
			if (way == 1)
				T_OK(kb_supply_aggregate(s, weeks, AGG_WEEKS,
							 &err),
				     &err);
			else
				T_OK(kb_supply_recompute(s, &rows, &err), &err);
			T_OK(kb_store_commit(s, &err), &err);
		}
		check_weeks(s, w, way);
		/* and a recomputation afterwards finds the same */
		T_OK(kb_supply_recompute(s, &rows, &err), &err);
		check_weeks(s, w, way);
		kb_store_close(s);
	}
	kb_buf_release(&csv);
	kb_err_release(&err);
}

static void test_report_errors(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	T_OK(imp(s, kb_stock_import, "s.csv", stock1, T_NOW, NULL, &err), &err);
	assert_int_equal(
		imp(s, kb_stock_import, "bad.csv",
		    "report_id,facility,device,week,stock,consumption,stockout_days\n"
		    "A,H9,10000002,2026-11-16,1,1,0\n"
		    "B,H1,99999999,2026-11-16,1,1,0\n"
		    "C,M1,10000002,2026-11-16,1,1,0\n"
		    "D,H2,10000002,2026-11-16,-3,1,8\n"
		    "E,H2,10000002,2026-11-09,1,1,0\n"
		    "F,H3,10000002,2027-01-04,1,1,0\n"
		    "H1-w1,H1,10000002,2026-11-09,1,1,0\n"
		    "G,H3,10000001,2026-11-16,1,1,0\n"
		    "G,H3,10000001,2026-11-16,2,1,0\n"
		    "H,H1,10000002,2026-11-02,1,1,0\n",
		    T_NOW, NULL, &err),
		KB_EINVALID);
	t_assert_error(&err,
		       "bad.csv:2:3: field 'facility': unknown facility 'H9'");
	t_assert_error(&err,
		       "bad.csv:3:6: field 'device': unknown device '99999999'");
	t_assert_error(
		&err,
		"bad.csv:4:3: field 'facility': 'M1' is a marketing-authorisation holder, not a hospital");
	t_assert_error(&err, "bad.csv:5:26: field 'stock': '-3' is not a figure");
	t_assert_error(
		&err,
		"bad.csv:5:31: field 'stockout_days': 8 is not a number of days");
	t_assert_error(&err, "bad.csv:6:15: field 'week': dates out of order");
	t_assert_error(
		&err,
		"bad.csv:7:15: field 'week': the week of 2027-01-04 has not begun yet");
	t_assert_error(
		&err,
		"bad.csv:10:6: field 'device': device '10000001' appears twice in report 'G' (also on line 9)");
	t_assert_error(
		&err,
		"bad.csv:11:15: field 'week': dates out of order: the week of 2026-11-02 comes after the week of 2026-11-16 for 'H1'");
	assert_int_equal(err.n, 10);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM stock_line"), 4);
	kb_err_clear(&err);
	/* a known id for another week; a line another report gives */
	assert_int_equal(
		imp(s, kb_stock_import, "bad2.csv",
		    "report_id,facility,device,week,stock,consumption,stockout_days\n"
		    "H1-w1,H1,10000002,2026-11-09,1,1,0\n"
		    "X,H2,10000002,2026-11-02,1,1,0\n",
		    T_NOW, NULL, &err),
		KB_EINVALID);
	t_assert_error(
		&err,
		"bad2.csv:2: field 'report_id': report id 'H1-w1' is already used");
	t_assert_error(
		&err,
		"bad2.csv:3: field 'device': 'H2' already reported device 10000002 for the week of 2026-11-02 in report 'H2-w1'");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM report"), 4);
	kb_store_close(s);
	kb_err_release(&err);
}

/* Reports longer than a batch of inserted rows, their lines in any order
 * and interleaved with other reports': every line lands as given. */
static void test_report_lines(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_buf dev = KB_BUF_INIT, csv = KB_BUF_INIT;
	struct kb_import_stats st;
	int d, h;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	kb_buf_adds(&dev, "code,name_ja,name_en,class,category,use,unit_ja,"
			  "unit_en,essential\n");
	for (d = 0; d < 37; d++)
		kb_buf_addf(&dev,
			    "2000%04d,機器%d,Device %d,II,輸液,disposable,本,"
			    "pieces,no\n",
			    d, d, d);
	T_OK(imp(s, kb_device_import, "more.csv", dev.buf, T_NOW, NULL, &err),
	     &err);
	kb_buf_adds(&csv, "report_id,facility,device,week,stock,consumption,"
			  "stockout_days\n");
	for (d = 36; d >= 0; d--) /* device by device, backwards */
		for (h = 1; h <= 3; h++)
			kb_buf_addf(&csv, "R%d,H%d,2000%04d,2026-11-16,%d,%d,0\n",
				    h, h, d, 1000 * h + d, d);
	T_OK(imp(s, kb_stock_import, "lines.csv", csv.buf, T_NOW, &st, &err),
	     &err);
	assert_int_equal(st.added, 111);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM stock_line"), 111);
	assert_int_equal(
		t_sql_int(s, "SELECT count(*) FROM stock_line l JOIN device d "
			     "ON d.n = l.device JOIN org o ON o.n = l.facility "
			     "JOIN report r ON r.n = l.report WHERE r.id = "
			     "'R' || substr(o.id, 2) AND l.stock = 1000 * "
			     "substr(o.id, 2) + substr(d.code, 5) AND "
			     "l.consumption = substr(d.code, 5) + 0"),
		111);
	assert_int_equal(
		t_sql_int(s, "SELECT lines FROM report WHERE id = 'R2'"), 37);
	/* the same file again changes nothing */
	T_OK(imp(s, kb_stock_import, "lines.csv", csv.buf, T_NOW, &st, &err),
	     &err);
	assert_int_equal(st.unchanged, 111);
	kb_buf_release(&dev);
	kb_buf_release(&csv);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_monitor_series(void **state)
{
	struct kb_device d;
	struct kb_week_figs f[6];
	struct kb_week_calc c[6];
	size_t i;
	(void)state;
	memset(&d, 0, sizeof(d));
	d.under_days = 10;
	d.over_days = 60;
	memset(f, 0, sizeof(f));
	for (i = 0; i < 6; i++) {
		f[i].facilities = f[i].demand_facilities = 2;
		f[i].demand = 140; /* 70 a facility a week: 20 a day in all */
		f[i].stock = 400;
	}
	f[5].stock = 100;
	f[4].facilities = 0; /* nobody reported: unknown */
	f[4].demand_facilities = 0;
	f[4].demand = 0;
	kb_monitor_series(f, 6, &d, c);
	assert_float_equal(c[0].rate, 70, 1e-9);
	assert_float_equal(c[3].trend, 70, 1e-9);
	assert_float_equal(c[3].daily, 20, 1e-9);
	assert_float_equal(c[3].dos, 20, 1e-9);
	assert_int_equal(c[3].status, KB_STATUS_ADEQUATE);
	assert_int_equal(c[4].status, KB_STATUS_UNKNOWN);
	assert_float_equal(c[5].dos, 5, 1e-9);
	assert_int_equal(c[5].status, KB_STATUS_UNDER);
	/* a jump: the trend moves by alpha of the difference */
	f[5].demand = 280;
	kb_monitor_series(f, 6, &d, c);
	assert_float_equal(c[5].baseline, 70, 1e-9);
	assert_float_equal(c[5].trend, 70 + KB_EWMA_ALPHA * 70, 1e-9);
	f[5].stock = 0;
	kb_monitor_series(f, 6, &d, c);
	assert_int_equal(c[5].status, KB_STATUS_OUT);
}

static void test_incidents(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_incidents v;
	struct kb_incident_new in;
	struct kb_supply_kpis k;
	int prefs[] = { 13, 27 };
	long id;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	memset(&in, 0, sizeof(in));
	in.device = "10000001";
	in.title = "shortage";
	in.cause = "logistics";
	in.reported_by = "M1";
	in.prefs = prefs;
	in.nprefs = 2;
	T_OK(kb_incident_open(s, &in, "desk", T_NOW - 40 * 86400, &id, &err),
	     &err);
	assert_int_equal(id, 1);
	T_OK(kb_incident_set_state(s, id, KB_INC_MITIGATING, "skip", "desk",
				   T_NOW - 30 * 86400, &err),
	     &err);
	assert_int_equal(kb_incident_set_state(s, id, KB_INC_ASSESSING, NULL,
					       "desk", T_NOW, &err),
			 KB_ESTATE);
	t_assert_error(&err, "cannot move to assessing");
	kb_err_clear(&err);
	T_OK(kb_incident_log(s, id, "action", "allocated stock", "desk",
			     T_NOW - 20 * 86400, &err),
	     &err);
	T_OK(kb_incident_set_state(s, id, KB_INC_RESOLVED, NULL, "desk",
				   T_NOW - 15 * 86400, &err),
	     &err);
	T_OK(kb_incident_load(s, 0, &v, &err), &err);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.v[0].state, KB_INC_RESOLVED);
	assert_int_equal(v.v[0].nprefs, 2);
	assert_int_equal(v.v[0].nevents, 4);
	assert_string_equal(v.v[0].events[2].text, "allocated stock");
	kb_incidents_release(&v);
	in.cause = "bad luck";
	assert_int_equal(kb_incident_open(s, &in, "desk", T_NOW, &id, &err),
			 KB_EINVALID);
	kb_err_clear(&err);
	/* FY2026 (from April 2026): one incident, resolved in 25 days */
	T_OK(kb_supply_kpis(s, 2026, &k, &err), &err);
	assert_int_equal(k.incidents_opened, 1);
	assert_int_equal(k.resolved_within_30, 1);
	assert_float_equal(k.mean_days_to_resolve, 25, 1e-9);
	kb_store_close(s);
	kb_err_release(&err);
}

/* The generated data loads, and early warning finds the injected
 * shortages before they happen (the figures of the benchmark, small). */
struct gen_load {
	struct kb_store *s;
	struct kb_err *err;
	const struct kb_gen_out *out; /* its registry, imported before week 1 */
};

static int gen_week(void *ctx, int week, const struct kb_buf *stock,
		    const struct kb_buf *prod)
{
	struct gen_load *g = ctx;
	int r;
	if (g->out) {
		const struct kb_gen_out *out = g->out;
		g->out = NULL;
		T_OK(imp(g->s, kb_device_import, "devices.csv",
			 out->devices.buf, T_NOW, NULL, g->err),
		     g->err);
		T_OK(imp(g->s, kb_org_import, "orgs.csv", out->orgs.buf, T_NOW,
			 NULL, g->err),
		     g->err);
		T_OK(imp(g->s, kb_site_import, "sites.csv", out->sites.buf,
			 T_NOW, NULL, g->err),
		     g->err);
		T_OK(imp(g->s, kb_component_import, "components.csv",
			 out->components.buf, T_NOW, NULL, g->err),
		     g->err);
		T_OK(imp(g->s, kb_chain_import, "chain.csv", out->chain.buf,
			 T_NOW, NULL, g->err),
		     g->err);
	}
	r = imp(g->s, kb_production_import, "production.csv", prod->buf,
		(time_t)(week + 8) * 86400, NULL, g->err);
	return r ? r
		 : imp(g->s, kb_stock_import, "stock.csv", stock->buf,
		       (time_t)(week + 8) * 86400, NULL, g->err);
}

/* Whether the truth has another event on dev (reaching pref) that
 * started after ws and by onset: a signal opened then is that one's. */
static int later_event(const char *truth, const char *dev, int pref, int ws,
		       int onset)
{
	const char *p;
	for (p = strchr(truth, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
		char d[16], start[16];
		int pr, w;
		if (sscanf(p, "%*[^,],%*[^,],%*[^,],%15[^,],%d,%15[^,]", d, &pr,
			   start) == 3 &&
		    !kb_week_parse(start, &w) && !strcmp(d, dev) &&
		    (!pr || !pref || pr == pref) && w > ws && w <= onset)
			return 1;
	}
	return 0;
}

/* Signals over the generated period: each shortage signalled before its
 * week, at most 3 signals per event and device, the fields consistent,
 * and the status of every device the one its signals give. */
static void check_signals(struct kb_store *s, const struct kb_supply *sup,
			  const struct kb_gen_out *out, int from)
{
	struct kb_signals sg;
	struct kb_supply_status st;
	struct kb_status_query q = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
	struct kb_err err;
	const char *p;
	size_t i, k, shortages = 0, found = 0;

	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_supply_signals(s, sup, from, -1, &sg, &err), &err);
	assert_true(sg.n > 0);
	for (i = 0; i < sg.n; i++) {
		const struct kb_signal *g = &sg.v[i];
		assert_true(g->onset <= g->latest);
		assert_true(g->closed < 0 || g->closed > g->latest);
		/* raised in its onset week, or a week later when a lone
		 * region waited for confirmation */
		assert_true(g->nsteps >= 1 && g->steps[0].week >= g->onset &&
			    g->steps[0].week <= g->onset + 7);
		assert_true(g->nregions >= 1);
		assert_true(g->peak >= g->severity);
		assert_true((g->device == KB_NONE) ==
			    (g->cause == KB_CAUSE_REPORTING));
		for (k = 0; k < g->nalerts; k++) {
			const struct kb_alert *a = &sg.alerts.v[g->alerts[k]];
			assert_true(a->week >= g->onset && a->week <= g->latest);
			assert_int_equal(kb_alert_cause(a->rule), g->cause);
		}
	}
	for (p = strchr(out->truth.buf, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
		char dev[16], start[16], endw[16], shortw[16] = "";
		int pref, ws, we, wsh, n = 0;
		if (sscanf(p, "%*[^,],%*[^,],%*[^,],%15[^,],%d,%15[^,],%15[^,],%*[^,],%15[0-9-]",
			   dev, &pref, start, endw, shortw) < 4 ||
		    kb_week_parse(start, &ws) || kb_week_parse(endw, &we))
			continue;
		for (i = 0; i < sg.n; i++) {
			const struct kb_signal *g = &sg.v[i];
			if (g->device == KB_NONE ||
			    strcmp(sup->devices[g->device].code, dev) ||
			    !(!pref || kb_signal_reaches(g, pref)) ||
			    g->latest < ws || g->onset > we + 8 * 7 ||
			    later_event(out->truth.buf, dev, pref, ws, g->onset))
				continue;
			n++;
		}
		if (n > 3)
			print_message("%d signals for %s in %d from %s\n", n,
				      dev, pref, start);
		assert_true(n <= 3);
		if (!*shortw || kb_week_parse(shortw, &wsh))
			continue;
		shortages++;
		for (i = 0; i < sg.n; i++) {
			const struct kb_signal *g = &sg.v[i];
			if (g->device != KB_NONE &&
			    !strcmp(sup->devices[g->device].code, dev) &&
			    (!pref || kb_signal_reaches(g, pref)) &&
			    g->steps[0].week < wsh &&
			    g->latest >= ws) /* raised, or already open */
				break;
		}
		found += i < sg.n;
		if (i == sg.n)
			print_message("not signalled: %s in %d, shortage %s\n",
				      dev, pref, shortw);
	}
	print_message("shortages %zu, signalled before %zu, signals %zu\n",
		      shortages, found, sg.n);
	assert_true(found * 100 >= shortages * 95);
	kb_signals_release(&sg);

	/* one status model: a row at risk has the signal open that says so,
	 * and every open signal of a device puts its row at risk */
	T_OK(kb_supply_status(s, sup, &q, &st, &err), &err);
	T_OK(kb_supply_signals(s, sup, st.week, st.week, &sg, &err), &err);
	for (i = 0; i < st.n; i++) {
		const struct kb_status_row *x = &st.v[i];
		enum kb_severity worst = 0;
		for (k = 0; k < sg.n; k++)
			if (sg.v[k].device == x->device && sg.v[k].closed < 0 &&
			    sg.v[k].severity > worst)
				worst = sg.v[k].severity;
		assert_int_equal(x->risk, worst);
		if (x->risk) {
			struct kb_buf why = KB_BUF_INIT;
			kb_status_reason(sup, x, KB_LANG_EN, &why);
			assert_non_null(strstr(why.buf, "signal"));
			assert_non_null(strstr(x->risk_key, "signal:"));
			kb_buf_release(&why);
		}
	}
	kb_signals_release(&sg);
	kb_supply_status_release(&st);
	kb_err_release(&err);
}

static void test_generated(void **state)
{
	struct kb_gen_opts o = { 7, 200, 12, 60, 40, 0, 1 };
	struct kb_gen_out out, again;
	struct kb_err err;
	struct kb_store *s = t_store();
	struct gen_load g = { s, &err, NULL };
	struct kb_supply sup;
	struct kb_alerts al;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	kb_week_parse("2026-11-16", &o.last_week);
	/* the run that loads the data is the second run of the same seed */
	T_OK(kb_supply_generate(&o, &out, NULL, NULL, &err), &err);
	g.out = &again;
	T_OK(kb_supply_generate(&o, &again, gen_week, &g, &err), &err);
	assert_string_equal(out.chain.buf, again.chain.buf); /* deterministic */
	assert_string_equal(out.orgs.buf, again.orgs.buf);
	assert_string_equal(out.truth.buf, again.truth.buf);
	kb_gen_out_release(&again);
	assert_int_equal(t_sql_int(s, "SELECT count(DISTINCT facility) FROM "
				      "stock_line"),
			 200);
	/* hospitals in proportion: Tokyo has the most */
	assert_int_equal(t_sql_int(s, "SELECT prefecture FROM org WHERE kind = "
				      "'hospital' GROUP BY prefecture ORDER BY "
				      "count(*) DESC LIMIT 1"),
			 13);
	/* recomputing (over two threads) gives what the imports kept */
	{
		static const char sum[] =
			"SELECT (SELECT count(*) || ':' || sum(facilities * 3 + "
			"stockout_days + low_facilities * 7) || ':' || "
			"sum(round(stock + 2 * demand)) FROM stock_agg) || ':' "
			"|| (SELECT count(*) || ':' || sum(reporters + "
			"round(production + inventory)) FROM production_agg)";
		char *before = t_sql_text(s, sum), *after;
		size_t rows;
		T_OK(kb_supply_recompute(s, &rows, &err), &err);
		after = t_sql_text(s, sum);
		assert_string_equal(before, after);
		assert_int_equal(rows,
				 t_sql_int(s, "SELECT (SELECT count(*) FROM "
					      "stock_line) + (SELECT count(*) "
					      "FROM production_line)"));
		free(before);
		free(after);
	}
	T_OK(kb_supply_load(s, &sup, &err), &err);
	T_OK(kb_supply_alerts(s, &sup, o.last_week - 39 * 7, -1, &al, &err),
	     &err);
	/* every shortage of the truth alerted before its week */
	{
		const char *p = strchr(out.truth.buf, '\n') + 1;
		size_t shortages = 0, found = 0, i;
		for (; *p; p = strchr(p, '\n') + 1) {
			char dev[16], start[16], shortw[16] = "";
			int pref, ws, wsh;
			if (sscanf(p, "%*[^,],%*[^,],%*[^,],%15[^,],%d,%15[^,],%*[^,],%*[^,],%15[0-9-]",
				   dev, &pref, start, shortw) == 4 &&
			    *shortw && !kb_week_parse(start, &ws) &&
			    !kb_week_parse(shortw, &wsh)) {
				shortages++;
				for (i = 0; i < al.n; i++) {
					const struct kb_alert *a = &al.v[i];
					if (a->device != KB_NONE &&
					    !strcmp(sup.devices[a->device].code,
						    dev) &&
					    (!pref || !a->pref ||
					     a->pref == pref) &&
					    a->week >= ws && a->week < wsh) {
						found++;
						break;
					}
				}
				if (i == al.n)
					print_message(
						"missed: %s in %d, shortage %s\n",
						dev, pref, shortw);
			}
		}
		print_message("shortages %zu, alerted before %zu\n", shortages,
			      found);
		assert_true(shortages >= 3);
		assert_true(found * 100 >= shortages * 95);
	}
	kb_alerts_release(&al);
	check_signals(s, &sup, &out, o.last_week - 39 * 7);
	kb_supply_release(&sup);
	kb_gen_out_release(&out);
	kb_store_close(s);
	kb_err_release(&err);
}

/* Notifications: the generated weeks load one by one, each followed by a
 * scan; subscribers hear of a signal once when it is raised, once when it
 * escalates, once when it closes, and of the incidents they may read. */
struct notify_load {
	struct gen_load g;
	struct kb_supply sup;
	int loaded;
	const char *device;  /* the one subscribed to */
	long dev, pref, res; /* accounts */
	int noted;	     /* the week of the first scan: noted, not told */
	char secret[KB_TOKEN_LEN];
};

static long account_n(struct kb_store *s, const char *login)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT n FROM account WHERE login = '%s'",
		 login);
	return t_sql_int(s, sql);
}

/* ---- small cells ---- */

/* Whether a viewer who sees the cells not withheld can work out a withheld
 * one, or the sum of fewer than KB_MIN_CONTRIBUTORS facilities, from the
 * one relation total = sum of cells: the attack complementary suppression
 * must defeat. */
static int recoverable(const struct kb_cell *c, size_t n)
{
	size_t i, hidden = 0;
	int sum = 0;
	for (i = 1; i < n; i++)
		if (c[i].withheld) {
			hidden++;
			sum += c[i].contributors;
		}
	if (c[0].withheld)
		return hidden == 0 && n > 1; /* the total = the cells shown */
	return hidden == 1 || (hidden > 1 && sum < KB_MIN_CONTRIBUTORS);
}

static void cells(struct kb_cell *c, const int *contributors, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		c[i].contributors = contributors[i];
		c[i].known = 0;
		c[i].withheld = KB_SHOWN;
	}
}

static void test_small_cells(void **state)
{
	struct kb_cell c[8];
	(void)state;
	{ /* nothing small: everything shown */
		static const int n[] = { 20, 10, 5, 5 };
		cells(c, n, 4);
		kb_suppress_cells(c, 4);
		assert_int_equal(c[0].withheld + c[1].withheld + c[2].withheld +
					 c[3].withheld,
				 KB_SHOWN);
	}
	{ /* one prefecture of 2 hospitals: withheld, and the smallest of the
	   * others with it, so that total minus the cells shown gives only
	   * their sum; the total stays */
		static const int n[] = { 21, 10, 2, 5, 4 };
		cells(c, n, 5);
		kb_suppress_cells(c, 5);
		assert_int_equal(c[2].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[4].withheld, KB_WITHHELD_COMPLEMENT);
		assert_int_equal(c[0].withheld, KB_SHOWN);
		assert_int_equal(c[1].withheld, KB_SHOWN);
		assert_int_equal(c[3].withheld, KB_SHOWN);
		assert_false(recoverable(c, 5));
		/* without the complement: 21 - 10 - 5 - 4 = 2's figure */
		c[4].withheld = KB_SHOWN;
		assert_true(recoverable(c, 5));
	}
	{ /* two small cells protect each other ... */
		static const int n[] = { 14, 10, 2, 2 };
		cells(c, n, 4);
		kb_suppress_cells(c, 4);
		assert_int_equal(c[1].withheld, KB_SHOWN);
		assert_int_equal(c[2].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[3].withheld, KB_WITHHELD_FEW);
	}
	{ /* ... but not when their sum is itself under 3 hospitals */
		static const int n[] = { 17, 10, 1, 1, 5 };
		cells(c, n, 5);
		kb_suppress_cells(c, 5);
		assert_int_equal(c[2].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[3].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[4].withheld, KB_WITHHELD_COMPLEMENT);
		assert_int_equal(c[1].withheld + c[0].withheld, KB_SHOWN);
	}
	{ /* an empty cell (no report) has nothing to hide and hides nothing:
	   * it is never the complement; with no cell left, the total is */
		static const int n[] = { 12, 10, 2, 0 };
		cells(c, n, 4);
		kb_suppress_cells(c, 4);
		assert_int_equal(c[3].withheld, KB_SHOWN);
		assert_int_equal(c[2].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[1].withheld, KB_WITHHELD_COMPLEMENT);
		assert_int_equal(c[0].withheld, KB_SHOWN);
		cells(c, n, 4);
		c[1].known = 1; /* the prefecture of the 10 looks */
		kb_suppress_cells(c, 4);
		assert_int_equal(c[1].withheld, KB_SHOWN);
		assert_int_equal(c[2].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[0].withheld, KB_WITHHELD_COMPLEMENT);
		assert_false(recoverable(c, 4));
	}
	{ /* a prefecture sees its own small cell; another's is withheld from
	   * it with a complement that is not its own */
		static const int n[] = { 24, 2, 2, 3, 17 };
		cells(c, n, 5);
		c[1].known = 1;
		kb_suppress_cells(c, 5);
		assert_int_equal(c[1].withheld, KB_SHOWN);
		assert_int_equal(c[2].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[3].withheld, KB_WITHHELD_COMPLEMENT);
		assert_int_equal(c[4].withheld + c[0].withheld, KB_SHOWN);
		assert_false(recoverable(c, 5));
		/* the public: the two small ones cover each other */
		cells(c, n, 5);
		kb_suppress_cells(c, 5);
		assert_int_equal(c[1].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[2].withheld, KB_WITHHELD_FEW);
		assert_int_equal(c[3].withheld + c[4].withheld, KB_SHOWN);
	}
	{ /* a table of one figure (manufacturers'): below 3, withheld unless
	   * known; none: shown */
		static const int n[] = { 2 };
		cells(c, n, 1);
		kb_suppress_cells(c, 1);
		assert_int_equal(c[0].withheld, KB_WITHHELD_FEW);
		c[0].known = 1;
		kb_suppress_cells(c, 1);
		assert_int_equal(c[0].withheld, KB_SHOWN);
		c[0].contributors = 0;
		c[0].known = 0;
		kb_suppress_cells(c, 1);
		assert_int_equal(c[0].withheld, KB_SHOWN);
	}
	{ /* the ministry knows every cell: nothing withheld */
		static const int n[] = { 5, 1, 1, 3 };
		size_t i;
		cells(c, n, 4);
		for (i = 0; i < 4; i++)
			c[i].known = 1;
		kb_suppress_cells(c, 4);
		for (i = 0; i < 4; i++)
			assert_int_equal(c[i].withheld, KB_SHOWN);
	}
	{ /* random tables: a small cell unknown to the viewer is always
	   * withheld, a known one never, and no withheld cell can be
	   * recovered unless nothing was left to withhold */
		unsigned long long x = 88172645463325252ull;
		int t;
		for (t = 0; t < 20000; t++) {
			size_t n = 2 + (size_t)(t % 7), i, left = 0;
			int sum = 0;
			for (i = 1; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				c[i].contributors = (int)(x % 9);
				c[i].known = x % 11 == 0;
				sum += c[i].contributors;
			}
			c[0].contributors = sum;
			c[0].known = 0;
			kb_suppress_cells(c, n);
			for (i = 0; i < n; i++) {
				int small =
					c[i].contributors > 0 &&
					c[i].contributors < KB_MIN_CONTRIBUTORS;
				if (c[i].known)
					assert_int_equal(c[i].withheld, KB_SHOWN);
				else if (small)
					assert_int_equal(c[i].withheld,
							 KB_WITHHELD_FEW);
				else if (!c[i].withheld && c[i].contributors)
					left++;
			}
			if (recoverable(c, n))
				assert_true(left == 0 && c[0].withheld);
		}
	}
	assert_string_equal(kb_withheld_key(KB_WITHHELD_FEW, 0),
			    "few_facilities");
	assert_string_equal(kb_withheld_key(KB_WITHHELD_FEW, 1), "few_companies");
	assert_string_equal(kb_withheld_key(KB_WITHHELD_COMPLEMENT, 0),
			    "complementary");
	assert_string_equal(kb_withheld_mark(KB_LANG_JA), "秘匿");
}

/* The figures served for each kind of viewer: two hospitals in Tokyo, one
 * in Osaka, one company. */
static void test_small_cells_served(void **state)
{
	static const char stock[] =
		"report_id,facility,device,week,stock,consumption,stockout_days\n"
		"H1-w1,H1,10000002,2026-11-02,100,50,0\n"
		"H2-w1,H2,10000002,2026-11-02,60,40,0\n"
		"H3-w1,H3,10000002,2026-11-02,0,20,4\n";
	static const char prod[] = "report_id,org,device,week,production,"
				   "imports,shipments,inventory\n"
				   "M1-w1,M1,10000002,2026-11-02,10,5,12,30\n";
	struct {
		enum kb_role role;
		int pref;
		long org;
		/* withheld: nation, Tokyo, Osaka, manufacturers' */
		enum kb_withheld nation, tokyo, osaka, supply;
	} v[] = {
		{ KB_ROLE_ADMIN, 0, 0, KB_SHOWN, KB_SHOWN, KB_SHOWN, KB_SHOWN },
		{ KB_ROLE_STAFF, 0, 0, KB_SHOWN, KB_SHOWN, KB_SHOWN, KB_SHOWN },
		/* Tokyo sees its own; Osaka's single hospital is withheld, and
		 * the national total with it (Tokyo's own cannot hide it) */
		{ KB_ROLE_PREFECTURE, 13, 0, KB_WITHHELD_COMPLEMENT, KB_SHOWN,
		  KB_WITHHELD_FEW, KB_WITHHELD_FEW },
		{ KB_ROLE_PREFECTURE, 27, 0, KB_WITHHELD_COMPLEMENT,
		  KB_WITHHELD_FEW, KB_SHOWN, KB_WITHHELD_FEW },
		/* everyone else: the two small prefectures cover each other */
		{ KB_ROLE_HOSPITAL, 13, 1, KB_SHOWN, KB_WITHHELD_FEW,
		  KB_WITHHELD_FEW, KB_WITHHELD_FEW },
		{ KB_ROLE_INDUSTRY, 0, 4, KB_SHOWN, KB_WITHHELD_FEW,
		  KB_WITHHELD_FEW, KB_WITHHELD_FEW },
		{ KB_ROLE_RESEARCHER, 0, 0, KB_SHOWN, KB_WITHHELD_FEW,
		  KB_WITHHELD_FEW, KB_WITHHELD_FEW },
		{ KB_ROLE_COMMITTEE, 0, 0, KB_SHOWN, KB_WITHHELD_FEW,
		  KB_WITHHELD_FEW, KB_WITHHELD_FEW },
	};
	struct kb_err err;
	struct kb_store *s;
	struct kb_supply sup;
	size_t k, dev;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = registry(&err);
	T_OK(imp(s, kb_stock_import, "s.csv", stock, T_NOW, NULL, &err), &err);
	T_OK(imp(s, kb_production_import, "p.csv", prod, T_NOW, NULL, &err),
	     &err);
	T_OK(kb_supply_load(s, &sup, &err), &err);
	dev = kb_supply_device(&sup, "10000002");
	for (k = 0; k < sizeof(v) / sizeof(v[0]) + 1; k++) {
		struct kb_principal p = { 0 };
		struct kb_status_query q = {
			KB_SCOPE_BY_PREF, -1, 0, dev, 0, NULL
		};
		struct kb_supply_status st, nat;
		struct kb_status_query nq = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
		const struct kb_principal *pp = NULL; /* last: the public */
		enum kb_withheld want[3], supply;
		size_t i;
		if (k < sizeof(v) / sizeof(v[0])) {
			p.account = 1;
			p.role = v[k].role;
			p.prefecture = v[k].pref;
			p.org = v[k].org;
			pp = &p;
			want[0] = v[k].nation;
			want[1] = v[k].tokyo;
			want[2] = v[k].osaka;
			supply = v[k].supply;
		} else {
			want[0] = KB_SHOWN;
			want[1] = want[2] = supply = KB_WITHHELD_FEW;
		}
		T_OK(kb_supply_status(s, &sup, &q, &st, &err), &err);
		T_OK(kb_supply_status_disclose(s, &sup, pp, &st, &err), &err);
		T_OK(kb_supply_status(s, &sup, &nq, &nat, &err), &err);
		T_OK(kb_supply_status_disclose(s, &sup, pp, &nat, &err), &err);
		for (i = 0; i < st.n; i++) {
			const struct kb_status_row *x = &st.v[i];
			if (x->pref == 13)
				assert_int_equal(x->withheld, want[1]);
			else if (x->pref == 27)
				assert_int_equal(x->withheld, want[2]);
			else
				assert_int_equal(x->withheld, KB_SHOWN);
		}
		for (i = 0; i < nat.n; i++)
			if (nat.v[i].device == dev) {
				const struct kb_status_row *x = &nat.v[i];
				json_t *j = kb_status_row_to_json(
					&sup, nat.week, x, KB_LANG_EN);
				assert_int_equal(x->withheld, want[0]);
				assert_int_equal(x->supply_withheld, supply);
				/* a withheld figure is null, never 0, and
				 * says why */
				assert_int_equal(
					json_is_null(json_object_get(j, "stock")),
					want[0] != KB_SHOWN);
				assert_int_equal(json_is_null(json_object_get(
							 j, "supply")),
						 supply != KB_SHOWN);
				assert_int_equal(json_is_true(json_object_get(
							 j, "suppressed")),
						 want[0] || supply);
				if (want[0])
					assert_string_equal(
						json_string_value(json_object_get(
							j, "suppressed_reason")),
						"complementary");
				/* how many companies: the supply desk's */
				assert_int_equal(
					json_object_get(j, "suppliers") != NULL,
					k < 2);
				assert_int_equal(json_integer_value(json_object_get(
							 j, "facilities")),
						 3);
				json_decref(j);
			}
		kb_supply_status_release(&st);
		kb_supply_status_release(&nat);
	}
	{ /* an alert of a withheld cell keeps its rule and severity, not its
	   * figures: Osaka is stocked out */
		struct kb_alerts al;
		struct kb_principal p = { 0 };
		struct kb_buf why = KB_BUF_INIT;
		size_t i, osaka = 0;
		p.account = 1;
		p.role = KB_ROLE_RESEARCHER;
		T_OK(kb_supply_alerts(s, &sup, -1, -1, &al, &err), &err);
		T_OK(kb_alerts_disclose(s, &sup, &p, &al, &err), &err);
		for (i = 0; i < al.n; i++) {
			const struct kb_alert *a = &al.v[i];
			if (a->rule == KB_ALERT_SILENT)
				assert_int_equal(a->withheld, KB_SHOWN);
			else if (a->pref == 27) {
				json_t *j = kb_alert_to_json(&sup, a, KB_LANG_EN);
				osaka++;
				assert_int_equal(a->withheld, KB_WITHHELD_FEW);
				assert_true(json_is_null(
					json_object_get(j, "value")));
				kb_buf_reset(&why);
				kb_alert_reason(a, &sup, KB_LANG_EN, &why);
				assert_non_null(strstr(why.buf, "withheld"));
				assert_null(strstr(why.buf, "0 units"));
				json_decref(j);
			}
		}
		assert_true(osaka > 0);
		kb_buf_release(&why);
		kb_alerts_release(&al);
	}
	kb_supply_release(&sup);
	kb_store_close(s);
	kb_err_release(&err);
}

static void add_account(struct kb_store *s, const char *login,
			enum kb_role role, int pref, struct kb_err *err)
{
	struct kb_account_spec a = { login, login, role,       NULL,
				     pref,  NULL,  KB_LANG_JA, NULL };
	T_OK(kb_account_add(s, &a, "a long password", KB_PW_MIN, "tester",
			    T_NOW, err),
	     err);
}

static int notify_week(void *ctx, int week, const struct kb_buf *stock,
		       const struct kb_buf *prod)
{
	struct notify_load *n = ctx;
	struct kb_store *s = n->g.s;
	struct kb_err *err = n->g.err;
	size_t made;
	long id;
	int r = gen_week(&n->g, week, stock, prod);
	if (r)
		return r;
	if (!n->loaded) {
		T_OK(kb_supply_load(s, &n->sup, err), err);
		n->loaded = 1;
		/* the device whose signals, in this data, are raised,
		 * escalate (and de-escalate, which is not told) and close */
		n->device = n->sup.devices[n->sup.ndevices - 1].code;
		add_account(s, "committee", KB_ROLE_COMMITTEE, 0, err);
		add_account(s, "tokyo", KB_ROLE_PREFECTURE, 13, err);
		add_account(s, "researcher", KB_ROLE_RESEARCHER, 0, err);
		n->dev = account_n(s, "committee");
		n->pref = account_n(s, "tokyo");
		n->res = account_n(s, "researcher");
		T_OK(kb_subscribe(s, &n->sup, n->dev, "device", n->device,
				  T_NOW, &id, err),
		     err);
		T_OK(kb_subscribe(s, &n->sup, n->pref, "prefecture", "東京",
				  T_NOW, &id, err),
		     err);
		T_OK(kb_subscribe(s, &n->sup, n->res, "device", n->device,
				  T_NOW, &id, err),
		     err);
		{ /* again: the same one */
			long again;
			T_OK(kb_subscribe(s, &n->sup, n->res, "device",
					  n->device, T_NOW, &again, err),
			     err);
			assert_int_equal(again, id);
			assert_int_equal(t_sql_int(s, "SELECT count(*) FROM "
						      "subscription"),
					 3);
		}
		T_OK(kb_webhook_add(s, n->res, "https://hooks.example.org/res",
				    T_NOW, n->secret, &id, err),
		     err);
	}
	T_OK(kb_notify_scan(s, &n->sup, (time_t)(week + 8) * 86400, &made, err),
	     err);
	if (!n->noted)
		n->noted = (int)t_sql_int(s, "SELECT coalesce(max(value), 0) "
					     "FROM notify_cursor WHERE name = "
					     "'signal_week'");
	/* a second scan finds nothing new */
	T_OK(kb_notify_scan(s, &n->sup, (time_t)(week + 8) * 86400, &made, err),
	     err);
	assert_int_equal(made, 0);
	return 0;
}

static long notices_of(struct kb_store *s, long account, const char *kind)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM notice WHERE account = %ld AND kind = "
		 "'%s'",
		 account, kind);
	return t_sql_int(s, sql);
}

/* An account's notices of signal key that say change. */
static long told_of(struct kb_store *s, long account, const char *key,
		    const char *change)
{
	char sql[320];
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM notice WHERE account = %ld AND kind = "
		 "'signal' AND ref = '%s' AND change = '%s'",
		 account, key, change);
	return t_sql_int(s, sql);
}

/* What a follower of a signal from its start hears, by its steps: the
 * signal as it stood at the first scan (week noted) is noted; after it,
 * raised (if not known yet), escalated above the severity told, closed. */
static void told_by_steps(const struct kb_signal *g, int noted, long want[3])
{
	enum kb_severity told = 0;
	size_t i;
	want[0] = want[1] = want[2] = 0;
	if (g->closed >= 0 && g->closed <= noted)
		return; /* over before the first scan */
	for (i = 0; i < g->nsteps; i++) {
		const struct kb_signal_step *st = &g->steps[i];
		if (st->week <= noted)
			told = st->severity;
		else if (!told)
			want[0]++, told = st->severity;
		else if (!st->severity)
			want[2]++;
		else if (st->severity > told)
			want[1]++, told = st->severity;
	}
}

static void test_notify(void **state)
{
	struct kb_gen_opts o = { 11, 150, 6, 30, 30, 0, 1 };
	struct kb_gen_out out;
	struct kb_err err;
	struct kb_store *s = t_store();
	struct notify_load n;
	struct kb_signals sg;
	struct kb_delivery *due;
	size_t i, k, ndue, made, want_dev = 0;
	long told_dev[3] = { 0, 0, 0 }, told_tokyo[3] = { 0, 0, 0 };
	static const char *const changes[] = { "raised", "escalated", "closed" };
	char secret[KB_TOKEN_LEN], sig[KB_SIGNATURE_LEN], sig2[KB_SIGNATURE_LEN];
	long hook, id;
	int first;
	json_t *j;
	const int tokyo[] = { 13 }, osaka[] = { 27 };
	(void)state;
	memset(&n, 0, sizeof(n));
	n.g.s = s;
	n.g.err = &err;
	n.g.out = &out;
	kb_err_init(&err, KB_LANG_EN);
	kb_week_parse("2026-11-16", &o.last_week);
	T_OK(kb_supply_generate(&o, &out, notify_week, &n, &err), &err);

	/* what the scans should have told, from the signals of all weeks */
	first = o.last_week - (int)(o.weeks - 1) * 7;
	assert_true(n.noted >= first);
	T_OK(kb_supply_signals(s, &n.sup, first, -1, &sg, &err), &err);
	for (i = 0; i < sg.n; i++) {
		const struct kb_signal *g = &sg.v[i];
		long want[3], got[3], tokyo_got[3];
		int reaches = 0;
		for (k = 0; k < 3; k++) {
			got[k] = told_of(s, n.dev, g->key, changes[k]);
			tokyo_got[k] = told_of(s, n.pref, g->key, changes[k]);
			/* one text for everybody: the researcher's the same */
			assert_int_equal(
				told_of(s, n.res, g->key, changes[k]),
				g->device != KB_NONE &&
						!strcmp(n.sup.devices[g->device].code,
							n.device)
					? got[k]
					: 0);
		}
		for (k = 0; k < g->nregions; k++)
			reaches |= g->regions[k].pref == 0 ||
				   g->regions[k].pref == 13;
		if (g->device != KB_NONE &&
		    !strcmp(n.sup.devices[g->device].code, n.device)) {
			/* the device's follower: exactly what changed */
			told_by_steps(g, n.noted, want);
			for (k = 0; k < 3; k++) {
				assert_int_equal(got[k], want[k]);
				told_dev[k] += got[k];
			}
		} else {
			for (k = 0; k < 3; k++)
				assert_int_equal(got[k], 0);
		}
		/* Tokyo's follower: of the signals reaching Tokyo or the
		 * nation, raised once (when raised, or when it reached
		 * Tokyo), at most one escalation, closed once if told */
		if (!reaches) {
			for (k = 0; k < 3; k++)
				assert_int_equal(tokyo_got[k], 0);
			continue;
		}
		assert_true(tokyo_got[0] <= 1 && tokyo_got[1] <= 1 &&
			    tokyo_got[2] <= 1);
		if (g->steps[0].week > n.noted)
			assert_int_equal(tokyo_got[0], 1);
		if (tokyo_got[0] && g->closed >= 0)
			assert_int_equal(tokyo_got[2], 1);
		if (g->closed < 0)
			assert_int_equal(tokyo_got[2], 0);
		for (k = 0; k < 3; k++)
			told_tokyo[k] += tokyo_got[k];
	}
	print_message("signals %zu; the device's follower told: raised %ld, "
		      "escalated %ld, closed %ld; Tokyo's: %ld, %ld, %ld\n",
		      sg.n, told_dev[0], told_dev[1], told_dev[2],
		      told_tokyo[0], told_tokyo[1], told_tokyo[2]);
	/* the data has each change to tell */
	assert_true(told_dev[0] > 0 && told_dev[1] > 0 && told_dev[2] > 0);
	assert_true(told_tokyo[0] > 0);
	/* nothing but those: no notice twice, none of an unknown signal */
	want_dev = (size_t)(told_dev[0] + told_dev[1] + told_dev[2]);
	assert_int_equal(notices_of(s, n.dev, "signal"), want_dev);
	assert_int_equal(notices_of(s, n.res, "signal"), want_dev);
	assert_int_equal(notices_of(s, n.pref, "signal"),
			 told_tokyo[0] + told_tokyo[1] + told_tokyo[2]);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM notice WHERE kind "
				      "= 'alert'"),
			 0);

	/* the texts: what changed, then the signal's reason */
	T_OK(kb_notices(s, n.res, KB_LANG_EN, 0, 1000, 0, &j, NULL, NULL, &err),
	     &err);
	{
		static const char *const says[] = {
			"Signal raised (",
			"Signal escalated to critical: ", "Signal closed: "
		};
		json_t *x;
		json_array_foreach(j, i, x)
		{
			const char *text =
				json_string_value(json_object_get(x, "text"));
			const char *ch =
				json_string_value(json_object_get(x, "change"));
			for (k = 0; k < 3 && strcmp(ch, changes[k]); k++)
				;
			assert_true(k < 3);
			assert_int_equal(strncmp(text, says[k], strlen(says[k])),
					 0);
			assert_non_null(strstr(text, n.device));
			assert_string_equal(
				json_string_value(json_object_get(x, "device")),
				n.device);
		}
	}
	json_decref(j);
	/* the researcher's webhook got each of them, in Japanese */
	T_OK(kb_deliveries_due(s, T_NOW, 1000, &due, &ndue, &err), &err);
	assert_int_equal(ndue, want_dev);
	for (i = 0; i < ndue; i++) {
		j = json_loads(due[i].body, 0, NULL);
		assert_string_equal(
			json_string_value(json_object_get(j, "kind")), "signal");
		assert_int_equal(
			strncmp(json_string_value(json_object_get(j, "ref")),
				"signal:", 7),
			0);
		assert_non_null(json_string_value(json_object_get(j, "change")));
		assert_non_null(
			strstr(json_string_value(json_object_get(j, "text")),
			       "シグナル"));
		json_decref(j);
		T_OK(kb_delivery_done(s, due[i].n, 1, 204, NULL, T_NOW, 30, &err),
		     &err);
	}
	kb_deliveries_release(due, ndue);
	kb_signals_release(&sg);

	/* incidents: the committee member and Tokyo may read them, the
	 * researcher may not; Osaka's is not Tokyo's business, a national one
	 * is */
	T_OK(kb_webhook_add(s, n.dev, "https://hooks.example.org/kiban", T_NOW,
			    secret, &hook, &err),
	     &err);
	{
		struct kb_incident_new in = { n.device,
					      "部品の供給停止",
					      "manufacturing",
					      "tester",
					      NULL,
					      tokyo,
					      1 };
		struct kb_incident_new other = { n.sup.devices[1].code,
						 "物流の遅れ",
						 "logistics",
						 "tester",
						 NULL,
						 osaka,
						 1 };
		struct kb_incident_new national = { n.sup.devices[1].code,
						    "需要急増",
						    "demand_surge",
						    "tester",
						    NULL,
						    NULL,
						    0 };
		T_OK(kb_incident_open(s, &in, "tester", T_NOW, &id, &err), &err);
		T_OK(kb_incident_set_state(s, id, KB_INC_ASSESSING, "調査中",
					   "tester", T_NOW, &err),
		     &err);
		T_OK(kb_incident_open(s, &other, "tester", T_NOW, &id, &err),
		     &err);
		T_OK(kb_incident_open(s, &national, "tester", T_NOW, &id, &err),
		     &err);
	}
	T_OK(kb_notify_scan(s, &n.sup, T_NOW, &made, &err), &err);
	assert_int_equal(made, 2 + 3);
	assert_int_equal(notices_of(s, n.dev, "incident"), 2);
	assert_int_equal(notices_of(s, n.pref, "incident"), 3);
	assert_int_equal(notices_of(s, n.res, "incident"), 0);

	/* the notices, newest first, in the language asked for */
	T_OK(kb_notices(s, n.dev, KB_LANG_EN, 1, 1, 0, &j, &i, &k, &err), &err);
	assert_int_equal(json_array_size(j), 1);
	assert_int_equal(i, k);
	assert_int_equal(k, want_dev + 2);
	assert_non_null(strstr(
		json_string_value(json_object_get(json_array_get(j, 0), "text")),
		"now assessing: 調査中"));
	id = (long)json_integer_value(json_object_get(json_array_get(j, 0), "n"));
	json_decref(j);
	T_OK(kb_notice_read(s, n.dev, id, T_NOW, &err), &err);
	assert_int_equal(kb_notice_read(s, n.pref, id, T_NOW, &err),
			 KB_ENOTFOUND); /* not Tokyo's */
	kb_err_clear(&err);
	T_OK(kb_notices(s, n.dev, KB_LANG_JA, 1, 100, 0, &j, &i, &k, &err), &err);
	assert_int_equal(k, want_dev + 1);
	json_decref(j);
	T_OK(kb_notice_read(s, n.dev, 0, T_NOW, &err), &err);
	T_OK(kb_notices(s, n.dev, KB_LANG_JA, 1, 100, 0, &j, &i, &k, &err), &err);
	assert_int_equal(k, 0);
	json_decref(j);

	/* the webhook: two deliveries, retried with backoff, then given up */
	T_OK(kb_deliveries_due(s, T_NOW, 10, &due, &ndue, &err), &err);
	assert_int_equal(ndue, 2);
	assert_string_equal(due[0].url, "https://hooks.example.org/kiban");
	assert_string_equal(due[0].secret, secret);
	j = json_loads(due[0].body, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "kind")),
			    "incident");
	assert_string_equal(json_string_value(json_object_get(j, "lang")), "ja");
	json_decref(j);
	kb_webhook_sign(secret, T_NOW, due[0].body, strlen(due[0].body), sig);
	assert_int_equal(strncmp(sig, "t=1795478400,v1=", 16), 0);
	assert_int_equal(strlen(sig), 16 + 64);
	kb_webhook_sign(secret, T_NOW + 1, due[0].body, strlen(due[0].body),
			sig2);
	assert_string_not_equal(sig + 16, sig2 + 16); /* the time is signed */
	T_OK(kb_delivery_done(s, due[0].n, 1, 204, NULL, T_NOW, 30, &err), &err);
	for (i = 0; i < KB_DELIVERY_TRIES; i++) {
		time_t at = T_NOW + (time_t)(i ? 30 << (i - 1) : 0) * 2;
		kb_deliveries_release(due, ndue);
		T_OK(kb_deliveries_due(s, at, 10, &due, &ndue, &err), &err);
		assert_int_equal(ndue, 1);
		T_OK(kb_delivery_done(s, due[0].n, 0, 500, "HTTP 500", at, 30,
				      &err),
		     &err);
		/* not due again at once */
		kb_deliveries_release(due, ndue);
		T_OK(kb_deliveries_due(s, at + 29, 10, &due, &ndue, &err), &err);
		assert_int_equal(ndue, 0);
	}
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM delivery WHERE "
				      "state = 'failed' AND attempts = 10"),
			 1);
	T_OK(kb_webhooks(s, n.dev, &j, &err), &err);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0),
							    "delivered")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0),
							    "failed")),
			 1);
	json_decref(j);

	/* bad input */
	assert_int_equal(kb_webhook_add(s, n.dev, "ftp://example.org", T_NOW,
					secret, &id, &err),
			 KB_EINVALID);
	t_assert_error(&err, "field 'url'");
	kb_err_clear(&err);
	assert_int_equal(kb_subscribe(s, &n.sup, n.dev, "device", "99999999",
				      T_NOW, &id, &err),
			 KB_ENOTFOUND);
	assert_int_equal(kb_subscribe(s, &n.sup, n.dev, "prefecture", "48",
				      T_NOW, &id, &err),
			 KB_ENOTFOUND);
	assert_int_equal(
		kb_subscribe(s, &n.sup, n.dev, "city", "x", T_NOW, &id, &err),
		KB_EINVALID);
	kb_err_clear(&err);
	T_OK(kb_webhook_remove(s, n.dev, hook, T_NOW, &err), &err);
	assert_int_equal(kb_webhook_remove(s, n.pref, hook, T_NOW, &err),
			 KB_ENOTFOUND);
	kb_err_clear(&err);
	T_OK(kb_subscriptions(s, n.pref, KB_LANG_EN, &j, &err), &err);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(j, 0), "name")),
		"Tokyo");
	id = (long)json_integer_value(json_object_get(json_array_get(j, 0), "n"));
	json_decref(j);
	assert_int_equal(kb_unsubscribe(s, n.dev, id, &err), KB_ENOTFOUND);
	kb_err_clear(&err);
	T_OK(kb_unsubscribe(s, n.pref, id, &err), &err);

	kb_supply_release(&n.sup);
	kb_gen_out_release(&out);
	kb_store_close(s);
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weeks),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_json_records),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_registry_errors),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_chain_errors),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_aggregate_weeks),
		cmocka_unit_test(test_report_errors),
		cmocka_unit_test(test_report_lines),
		cmocka_unit_test(test_monitor_series),
		cmocka_unit_test(test_incidents),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_small_cells),
		cmocka_unit_test(test_small_cells_served),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
