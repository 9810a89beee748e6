/*
 * bench_report.c - evaluating and rendering the full plan with 200 KPIs over
 * ten years (issue 2: target under 50 ms).
 *
 * Measured, each run from the database file: loading the plan and the KPIs
 * with their figures, evaluating every KPI and rolling up, and writing the
 * annual report (HTML with 400 SVG charts).  The peer measured in the same
 * run is the floor of any implementation on this store: reading the same
 * rows from SQLite and doing nothing with them.  Prints the median, minimum
 * and maximum of each and the ratios to the target and to the peer.
 *
 * Usage: bench_report [RUNS]   (default 50)
 */
#include "core/compat.h"

#include "kiban/buf.h"
#include "kiban/demo.h"
#include "kiban/eval.h"
#include "kiban/kpi.h"
#include "kiban/plan.h"
#include "kiban/report.h"

#define NKPI	  200
#define TARGET_MS 50.0

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void stats(const char *what, double *v, int n, double *median)
{
	qsort(v, (size_t)n, sizeof(double), cmp);
	*median = v[n / 2];
	printf("  %-34s median %8.3f ms   min %8.3f   max %8.3f\n", what,
	       *median, v[0], v[n - 1]);
}

static void die(struct kb_err *err, const char *what)
{
	struct kb_buf b = KB_BUF_INIT;
	if (err->n)
		kb_diag_format(&err->v[0], KB_LANG_EN, &b);
	fprintf(stderr, "bench_report: %s: %s\n", what, b.buf);
	exit(1);
}

/* A deterministic generator, so every run measures the same data. */
static unsigned long seed = 12345;
static double uniform(void)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (double)(seed >> 11) / (double)(1UL << 53);
}

static void make_data(struct kb_store *s, struct kb_err *err)
{
	struct kb_buf kpis = KB_BUF_INIT, vals = KB_BUF_INIT;
	struct kb_import_opts o = { .actor = "bench",
				    .now = 1795478400,
				    .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_plan p;
	struct kb_csv c;
	size_t len;
	const char *plan = kb_demo_plan_csv(&len);
	int i, y;

	if (kb_csv_open_mem(&c, "plan2.csv", plan, len, KB_ENC_UTF8, err) ||
	    kb_plan_read_csv(&p, &c, err) ||
	    kb_plan_import(s, &p, "plan2.csv", "bench", o.now, err))
		die(err, "plan");
	kb_csv_release(&c);
	kb_buf_adds(&kpis,
		    "id,name_ja,name_en,unit_ja,unit_en,direction,attached_to,baseline_value,"
		    "baseline_year,target_value,target_year,source\n");
	kb_buf_adds(&vals, "kpi_id,fiscal_year,value,comment\n");
	for (i = 0; i < NKPI; i++) {
		int lower = i % 5 == 4;
		double base = 50 + uniform() * 1000,
		       target = lower ? base * 0.6 : base * (1.3 + uniform());
		double pace = uniform() * 1.6 - 0.3;
		const char *parent =
			i % 3 ? p.measures[(size_t)i % p.nmeasures].id
			      : p.goals[(size_t)i % p.ngoals].id;
		kb_buf_addf(&kpis,
			    "B%03d,ベンチマーク指標 %d,Benchmark indicator %d,件,cases,%s,%s,%.2f,2020,%.2f,2026,"
			    "ベンチマーク用の生成データ\n",
			    i, i, i, lower ? "lower" : "higher", parent, base,
			    target);
		for (y = 2016; y <= 2025; y++) {
			double t = (y - 2020) / 6.0,
			       v = base + (target - base) * t * pace;
			if (y == 2020)
				v = base;
			if (uniform() < 0.05)
				kb_buf_addf(&vals, "B%03d,%d,NA,集計中\n", i, y);
			else
				kb_buf_addf(&vals, "B%03d,%d,%.2f,\n", i, y,
					    v * (0.98 + uniform() * 0.04));
		}
	}
	if (kb_csv_open_mem(&c, "kpis.csv", kpis.buf, kpis.len, KB_ENC_UTF8, err) ||
	    kb_kpi_import(s, &c, &o, &st, err))
		die(err, "KPIs");
	kb_csv_release(&c);
	if (kb_csv_open_mem(&c, "values.csv", vals.buf, vals.len, KB_ENC_UTF8,
			    err) ||
	    kb_obs_import(s, &c, &o, &st, err))
		die(err, "values");
	kb_csv_release(&c);
	kb_plan_release(&p);
	kb_buf_release(&kpis);
	kb_buf_release(&vals);
}

/* The peer: every row the evaluation needs, read and dropped. */
static long raw_read(struct kb_store *s)
{
	static const char *const sql[] = {
		"SELECT * FROM plan",	       "SELECT * FROM ministry",
		"SELECT * FROM vision",	       "SELECT * FROM goal",
		"SELECT * FROM vision_goal",   "SELECT * FROM measure",
		"SELECT * FROM action",	       "SELECT * FROM action_ministry",
		"SELECT * FROM priority_area", "SELECT * FROM platform",
		"SELECT * FROM platform_link", "SELECT * FROM kpi",
		"SELECT * FROM kpi_target",    "SELECT * FROM observation",
	};
	sqlite3 *db = kb_store_sqlite(s);
	long cells = 0;
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(sql); i++) {
		sqlite3_stmt *st;
		int k;
		sqlite3_prepare_v2(db, sql[i], -1, &st, NULL);
		while (sqlite3_step(st) == SQLITE_ROW)
			for (k = 0; k < sqlite3_column_count(st); k++)
				cells += sqlite3_column_bytes(st, k) >= 0;
		sqlite3_finalize(st);
	}
	return cells;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 50, i;
	char dir[] = "/tmp/kiban-bench-XXXXXX";
	struct kb_buf path = KB_BUF_INIT, cmd = KB_BUF_INIT;
	struct kb_report_opts ro = { KB_LANG_JA, 1795478400, "kiban bench" };
	struct kb_store *s;
	struct kb_err err;
	double *total, *eval, *render, *peer, m_total, m_eval, m_render, m_peer;
	size_t bytes = 0, nobs = 0;
	long cells = 0;

	if (runs < 3)
		runs = 3;
	kb_err_init(&err, KB_LANG_EN);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	kb_buf_addf(&path, "%s/bench.db", dir);
	if (kb_store_open(&s, path.buf, KB_STORE_CREATE, &err))
		die(&err, "store");
	make_data(s, &err);
	total = kb_calloc((size_t)runs, sizeof(double));
	eval = kb_calloc((size_t)runs, sizeof(double));
	render = kb_calloc((size_t)runs, sizeof(double));
	peer = kb_calloc((size_t)runs, sizeof(double));
	for (i = -2; i < runs; i++) { /* two warm-up runs */
		struct kb_eval ev;
		struct kb_buf out = KB_BUF_INIT;
		double t0 = now_ms(), t1, t2, t3;
		if (kb_eval_live(s, NULL, 2025, KB_RULE_CAGR, ro.now, &ev, &err))
			die(&err, "evaluation");
		t1 = now_ms();
		kb_report_annual(&ev, &ro, &out);
		t2 = now_ms();
		cells = raw_read(s);
		t3 = now_ms();
		if (i >= 0) {
			eval[i] = t1 - t0;
			render[i] = t2 - t1;
			total[i] = t2 - t0;
			peer[i] = t3 - t2;
		}
		bytes = out.len;
		kb_buf_release(&out);
		kb_eval_release(&ev);
	}
	{
		sqlite3_stmt *st;
		sqlite3_prepare_v2(kb_store_sqlite(s),
				   "SELECT count(*) FROM observation", -1, &st,
				   NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			nobs = (size_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	printf("kiban bench_report: the 2nd Basic Plan (59 actions), %d KPIs, FY2016-FY2025 "
	       "(%zu figures), %d runs\n",
	       NKPI, nobs, runs);
	stats("load + evaluate (from SQLite)", eval, runs, &m_eval);
	stats("render the annual report", render, runs, &m_render);
	stats("total", total, runs, &m_total);
	stats("peer: raw SQLite read of the rows", peer, runs, &m_peer);
	printf("  report: %zu bytes; peer read %ld cells\n", bytes, cells);
	printf("  total / target (%.0f ms): %.3f  %s\n", TARGET_MS,
	       m_total / TARGET_MS,
	       m_total < TARGET_MS ? "(under target)" : "(ABOVE TARGET)");
	printf("  total / peer: %.1fx\n", m_total / m_peer);
	kb_store_close(s);
	kb_buf_addf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.buf))
		fprintf(stderr, "bench_report: could not remove %s\n", dir);
	free(total);
	free(eval);
	free(render);
	free(peer);
	kb_buf_release(&path);
	kb_buf_release(&cmd);
	kb_err_release(&err);
	return 0;
}
