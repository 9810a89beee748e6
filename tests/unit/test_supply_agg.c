/*
 * test_supply_agg.c - the stored weekly aggregates always equal a
 * recomputation from the report lines (issue 18).
 *
 * A property test.  A small registry (30 hospitals in six prefectures, two
 * manufacturers, four devices) gets, for each of a few fixed seeds, a full
 * load and then a random sequence of operations: multi-week stock files
 * (as 'kiban supply load' and 'kiban supply import stock' import them),
 * production files, groups of single-hospital uploads through the server's
 * path (server/writer.c run_group: one transaction, each import with
 * defer_aggregates and only_org, then kb_supply_aggregate on the weeks
 * touched), corrections (the same report ids with other figures and
 * fewer or more devices), late reports (old weeks with a much later
 * clock), identical re-submissions, rejected files (which must change
 * nothing at all), and re-imports of the organisations that move
 * hospitals to other prefectures (and add new ones).
 *
 * After every operation both aggregate tables are dumped (every column,
 * in key order, doubles as %.17g), recomputed by kb_supply_recompute in a
 * transaction rolled back after, and dumped again: the same bytes.  Every
 * tenth operation the recomputation runs instead on a copy made by VACUUM
 * INTO (as 'kiban supply recompute' runs, over two connections), twice:
 * the three dumps the same.  A failure names the seed, the operation's
 * number and kind, and the first line that differs.
 */
#include "helpers.h"

#include <sqlite3.h>
#include <unistd.h>

#include "kiban/supply.h"

enum {
	NH0 = 30,    /* hospitals at first */
	NH_MAX = 36, /* ... and at most, with the ones registered later */
	NW = 20,     /* weeks, the last one the clock's */
	NDEV = 4,
	NM = 2, /* manufacturers */
	NOPS = 40,
	NKEPT = 8 /* files kept for re-submission */
};

static const int prefs[] = { 13, 27, 1, 47, 31, 40 };
#define NPREFS ((int)(sizeof(prefs) / sizeof(prefs[0])))

static const char devices_csv[] =
	"code,name_ja,name_en,class,category,use,unit_ja,unit_en,essential,"
	"criteria,reasons,designation_reason\n"
	"10000001,人工呼吸器,Ventilator,III,呼吸器,reusable,台,units,yes,"
	"life_sustaining;emergency,例,初回指定\n"
	"10000002,輸液セット,Infusion set,II,輸液,disposable,本,pieces,no,,,\n"
	"10000003,酸素マスク,Oxygen mask,I,呼吸器,disposable,個,pieces,no,,,\n"
	"10000004,手袋,Gloves,I,感染対策,disposable,箱,boxes,no,,,\n";

static const char stock_header[] =
	"report_id,facility,device,week,stock,consumption,stockout_days\n";
static const char prod_header[] =
	"report_id,org,device,week,production,imports,shipments,inventory\n";

/* What the test knows of the store: which reports exist (to correct
 * them), where each hospital is, what the server's registry holds. */
struct world {
	struct kb_store *s;
	struct kb_err err;
	unsigned long long seed, rng;
	int op;
	const char *what; /* the operation's kind */
	int week[NW];
	int nh, pref[NH_MAX];
	/* reports: stock 'a' (devices 1-3), stock 'b' (device 4), production */
	unsigned char rep_a[NH_MAX][NW], rep_b[NH_MAX][NW], rep_p[NM][NW];
	/* marked by a file as it is built, kept once it is imported */
	unsigned char pend_a[NH_MAX][NW], pend_b[NH_MAX][NW], pend_p[NM][NW];
	struct kb_supply reg; /* the server's cached registry */
	size_t reg_nh;	      /* hospitals it knows */
	struct {
		char *text;
		int production;
		time_t now;
		int op; /* imported by operation op */
	} kept[NKEPT];
	size_t nkept, next_kept;
};

/* splitmix64 */
static unsigned long long next(struct world *g)
{
	unsigned long long z = (g->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rnd(struct world *g, int n)
{
	return (int)(next(g) % (unsigned long long)n);
}

#define FAIL_AT(g, ...)                                                  \
	do {                                                             \
		print_error("seed %llu, operation %d (%s): ", (g)->seed, \
			    (g)->op, (g)->what);                         \
		print_error(__VA_ARGS__);                                \
		fail();                                                  \
	} while (0)

#define OK_AT(g, expr)                                                    \
	do {                                                              \
		int ok_r_ = (expr);                                       \
		if (ok_r_) {                                              \
			char *ok_m_ = t_errors(&(g)->err);                \
			print_error("seed %llu, operation %d (%s): %s "   \
				    "failed (%d):\n%.900s\n",             \
				    (g)->seed, (g)->op, (g)->what, #expr, \
				    ok_r_, ok_m_);                        \
			free(ok_m_);                                      \
			fail();                                           \
		}                                                         \
	} while (0)

/* ---- the files ---- */

static void week_text(const struct world *g, int wi, char out[16])
{
	kb_week_format(g->week[wi], out);
}

/* A figure, often with a fraction that binary cannot hold (the sums'
 * rounding then depends on their order). */
static void figure(struct world *g, struct kb_buf *b)
{
	switch (rnd(g, 4)) {
	case 0: kb_buf_addf(b, ",%d", rnd(g, 500)); break;
	case 1: kb_buf_addf(b, ",%.4f", rnd(g, 3000) / 3.0); break;
	case 2: kb_buf_addf(b, ",%.1f", rnd(g, 5000) / 10.0); break;
	default: kb_buf_adds(b, ",0"); break;
	}
}

static void stock_row(struct world *g, struct kb_buf *b, int h, int wi,
		      char rep, int dev)
{
	char wk[16];
	week_text(g, wi, wk);
	kb_buf_addf(b, "H%02d-%d%c,H%02d,1000000%d,%s", h + 1, wi, rep, h + 1,
		    dev + 1, wk);
	figure(g, b);
	figure(g, b);
	kb_buf_addf(b, ",%d\n", rnd(g, 10) < 6 ? 0 : rnd(g, 8));
}

/* Report 'a' of hospital h, week wi: some of devices 1-3, in either
 * order; report 'b': device 4. */
static void stock_report(struct world *g, struct kb_buf *b, int h, int wi,
			 char rep)
{
	if (rep == 'a') {
		int mask = 1 + rnd(g, 7), d, rev = rnd(g, 2);
		for (d = 0; d < 3; d++)
			if (mask & (1 << (rev ? 2 - d : d)))
				stock_row(g, b, h, wi, 'a', rev ? 2 - d : d);
		g->pend_a[h][wi] = 1;
	} else {
		stock_row(g, b, h, wi, 'b', 3);
		g->pend_b[h][wi] = 1;
	}
}

static void prod_report(struct world *g, struct kb_buf *b, int m, int wi)
{
	int mask = 1 + rnd(g, 15), d, k;
	char wk[16];
	week_text(g, wi, wk);
	for (d = 0; d < NDEV; d++) {
		if (!(mask & (1 << d)))
			continue;
		kb_buf_addf(b, "M%d-%d,M%d,1000000%d,%s", m + 1, wi, m + 1,
			    d + 1, wk);
		for (k = 0; k < 4; k++)
			figure(g, b);
		kb_buf_addch(b, '\n');
	}
	g->pend_p[m][wi] = 1;
}

/* A stock file of hospitals hs[0..nhs) over weeks w0..w1, by hospital
 * then week or by week then hospital (each hospital's weeks in order
 * either way); every hospital-week at least one report, most 'a'. */
static void stock_file(struct world *g, struct kb_buf *b, const int *hs,
		       int nhs, int w0, int w1, int dense)
{
	int i, w, by_week = rnd(g, 2);
	kb_buf_adds(b, stock_header);
	for (i = 0; i < (by_week ? w1 - w0 + 1 : nhs); i++)
		for (w = 0; w < (by_week ? nhs : w1 - w0 + 1); w++) {
			int h = by_week ? hs[w] : hs[i];
			int wi = by_week ? w0 + i : w0 + w;
			int a = dense || rnd(g, 10) < 8, bb = rnd(g, 10) < 3;
			if (!a && !bb)
				a = 1;
			if (a)
				stock_report(g, b, h, wi, 'a');
			if (bb)
				stock_report(g, b, h, wi, 'b');
		}
}

static void prod_file(struct world *g, struct kb_buf *b, int m0, int m1, int w0,
		      int w1)
{
	int m, w;
	kb_buf_adds(b, prod_header);
	for (m = m0; m <= m1; m++)
		for (w = w0; w <= w1; w++)
			prod_report(g, b, m, w);
}

static void orgs_file(const struct world *g, struct kb_buf *b)
{
	int h;
	kb_buf_adds(b, "id,kind,name_ja,name_en,prefecture,beds,icu_beds,"
		       "country\n");
	for (h = 0; h < g->nh; h++)
		kb_buf_addf(b, "H%02d,hospital,病院%d,Hospital %d,%d,%d,0,JP\n",
			    h + 1, h + 1, h + 1, g->pref[h], 100 + h);
	kb_buf_adds(b, "M1,mah,製販一,MAH One,13,,,JP\n"
		       "M2,manufacturer,製造二,Maker Two,27,,,JP\n");
}

/* Some distinct hospitals, sorted, among the first nh. */
static int pick_hospitals(struct world *g, int *hs, int want, int nh)
{
	int n = 0, h;
	for (h = 0; h < nh && n < want; h++)
		if (rnd(g, nh - h) < want - n)
			hs[n++] = h;
	return n;
}

static void forget_pending(struct world *g)
{
	memset(g->pend_a, 0, sizeof(g->pend_a));
	memset(g->pend_b, 0, sizeof(g->pend_b));
	memset(g->pend_p, 0, sizeof(g->pend_p));
}

static void keep_pending(struct world *g)
{
	size_t i;
	for (i = 0; i < sizeof(g->rep_a); i++) {
		(&g->rep_a[0][0])[i] |= (&g->pend_a[0][0])[i];
		(&g->rep_b[0][0])[i] |= (&g->pend_b[0][0])[i];
	}
	for (i = 0; i < sizeof(g->rep_p); i++)
		(&g->rep_p[0][0])[i] |= (&g->pend_p[0][0])[i];
	forget_pending(g);
}

static int import_text(struct world *g, kb_import_fn fn, const char *text,
		       const struct kb_import_opts *o, struct kb_import_stats *st)
{
	struct kb_csv c;
	int r;
	if ((r = kb_csv_open_mem(&c, "upload.csv", text, strlen(text),
				 KB_ENC_AUTO, &g->err)))
		return r;
	r = fn(g->s, &c, o, st, &g->err);
	kb_csv_release(&c);
	return r;
}

/* Imports a file that is right: it must succeed; it is kept for a
 * re-submission later. */
static void import_ok(struct world *g, const struct kb_buf *b, int production,
		      time_t now, struct kb_import_stats *st)
{
	struct kb_import_opts o = { .actor = "tester", .now = now };
	struct kb_import_stats dummy;
	size_t k = g->next_kept;
	kb_err_release(&g->err);
	kb_err_init(&g->err, KB_LANG_EN);
	OK_AT(g,
	      import_text(g, production ? kb_production_import : kb_stock_import,
			  b->buf, &o, st ? st : &dummy));
	keep_pending(g);
	free(g->kept[k].text);
	g->kept[k].text = kb_strdup(b->buf);
	g->kept[k].production = production;
	g->kept[k].now = now;
	g->kept[k].op = g->op;
	g->next_kept = (k + 1) % NKEPT;
	if (g->nkept < NKEPT)
		g->nkept++;
}

/* ---- the dumps ---- */

/* A whole number as printf's %lld writes it (the dumps are most of this
 * test's time under valgrind). */
static void add_int(struct kb_buf *b, long long v)
{
	char t[24], *p = t + sizeof(t);
	unsigned long long u =
		v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	kb_buf_add(b, p, (size_t)(t + sizeof(t) - p));
}

/* A double as %.17g writes it: a whole number under 10^15 (not -0) is
 * the same digits as the integer. */
static void add_double(struct kb_buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v)))
		add_int(b, (long long)v);
	else
		kb_buf_addf(b, "%.17g", v);
}

static void dump_query(sqlite3 *db, const char *sql, struct kb_buf *b)
{
	sqlite3_stmt *st;
	int i, n;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	kb_buf_addf(b, "-- %s\n", sql);
	n = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			if (i)
				kb_buf_addch(b, '|');
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				add_int(b,
					(long long)sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				add_double(b, sqlite3_column_double(st, i));
				break;
			case SQLITE_NULL: kb_buf_adds(b, "NULL"); break;
			default:
				kb_buf_addf(b, "'%s'",
					    (const char *)sqlite3_column_text(
						    st, i));
				break;
			}
		}
		kb_buf_addch(b, '\n');
	}
	sqlite3_finalize(st);
}

static void dump_agg(struct kb_store *s, struct kb_buf *b)
{
	sqlite3 *db = kb_store_sqlite(s);
	dump_query(db,
		   "SELECT week, device, prefecture, facilities, "
		   "demand_facilities, stockout_facilities, stockout_days, "
		   "low_facilities, stock, consumption, demand FROM stock_agg "
		   "ORDER BY week, device, prefecture",
		   b);
	dump_query(db,
		   "SELECT week, device, reporters, production, imports, "
		   "shipments, inventory FROM production_agg ORDER BY week, "
		   "device",
		   b);
}

/* Everything an import writes: the aggregates, the lines, the reports and
 * their history. */
static void dump_all(struct kb_store *s, struct kb_buf *b)
{
	sqlite3 *db = kb_store_sqlite(s);
	dump_agg(s, b);
	dump_query(db,
		   "SELECT * FROM stock_line ORDER BY week, facility, device", b);
	dump_query(db,
		   "SELECT * FROM production_line ORDER BY week, org, device", b);
	dump_query(db, "SELECT * FROM report ORDER BY n", b);
	dump_query(db, "SELECT * FROM report_version ORDER BY report, version",
		   b);
	dump_query(db,
		   "SELECT count(*), total(stock), total(consumption) FROM "
		   "stock_line_old",
		   b);
	dump_query(db,
		   "SELECT count(*), total(production) FROM "
		   "production_line_old",
		   b);
	dump_query(db, "SELECT * FROM org ORDER BY n", b);
}

static void same_dump(struct world *g, const char *what, const char *a,
		      const char *b)
{
	const char *p = a, *q = b;
	unsigned line = 1;
	if (!strcmp(a, b))
		return;
	while (*p && *p == *q) {
		if (*p == '\n') {
			line++;
			a = p + 1;
			b = q + 1;
		}
		p++;
		q++;
	}
	FAIL_AT(g,
		"%s: line %u differs:\n  stored:     %.*s\n  recomputed: %.*s\n",
		what, line, (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

/* The stored aggregates, against a recomputation.  On a copy of the
 * database (VACUUM INTO), where the recomputation is a transaction of its
 * own and sums over two connections, and a second recomputation must give
 * the same again; or, cheaper, in a transaction of the test's, rolled
 * back after (the recomputation then sums on the writing connection
 * alone). */
static void check(struct world *g, int on_copy)
{
	struct kb_buf stored = KB_BUF_INIT, once = KB_BUF_INIT,
		      twice = KB_BUF_INIT, sql = KB_BUF_INIT;
	struct kb_store *s = g->s;
	char *path = NULL;
	size_t rows;

	dump_agg(g->s, &stored);
	if (on_copy) {
		path = t_path("copy.db");
		kb_buf_addf(&sql, "VACUUM INTO '%s'", path);
		assert_int_equal(sqlite3_exec(kb_store_sqlite(g->s), sql.buf,
					      NULL, NULL, NULL),
				 SQLITE_OK);
		OK_AT(g, kb_store_open(&s, path, 0, &g->err));
	} else {
		OK_AT(g, kb_store_begin(s, &g->err));
	}
	OK_AT(g, kb_supply_recompute(s, &rows, &g->err));
	dump_agg(s, &once);
	if (on_copy) {
		OK_AT(g, kb_supply_recompute(s, &rows, &g->err));
		dump_agg(s, &twice);
		kb_store_close(s);
	} else {
		kb_store_rollback(s);
	}
	same_dump(g, "aggregates stored and recomputed", stored.buf, once.buf);
	if (on_copy) {
		same_dump(g, "recomputed once and twice", once.buf, twice.buf);
		unlink(path);
		kb_buf_reset(&sql);
		kb_buf_addf(&sql, "%s-wal", path);
		unlink(sql.buf);
		kb_buf_reset(&sql);
		kb_buf_addf(&sql, "%s-shm", path);
		unlink(sql.buf);
		free(path);
	}
	kb_buf_release(&stored);
	kb_buf_release(&once);
	kb_buf_release(&twice);
	kb_buf_release(&sql);
}

/* ---- the operations ---- */

/* Every hospital and both manufacturers over ten weeks, one stock file
 * and one production file (kiban supply load). */
static void op_load(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	int hs[NH_MAX], h;
	for (h = 0; h < g->nh; h++)
		hs[h] = h;
	prod_file(g, &b, 0, NM - 1, 4, 13);
	import_ok(g, &b, 1, T_NOW, NULL);
	kb_buf_reset(&b);
	stock_file(g, &b, hs, g->nh, 4, 13, 1);
	import_ok(g, &b, 0, T_NOW, NULL);
	kb_buf_release(&b);
}

/* A stock file of several hospitals and weeks (new reports and
 * corrections alike). */
static void op_stock(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	int hs[NH_MAX], n = pick_hospitals(g, hs, 2 + rnd(g, 8), g->nh);
	int len = 1 + rnd(g, 6), w0 = 6 + rnd(g, NW - 6 - len + 1);
	stock_file(g, &b, hs, n, w0, w0 + len - 1, 0);
	import_ok(g, &b, 0, T_NOW, NULL);
	kb_buf_release(&b);
}

static void op_production(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	int m0 = rnd(g, NM), m1 = m0 + rnd(g, NM - m0);
	int len = 1 + rnd(g, 4), w0 = 6 + rnd(g, NW - 6 - len + 1);
	prod_file(g, &b, m0, m1, w0, w0 + len - 1);
	import_ok(g, &b, 1, T_NOW, NULL);
	kb_buf_release(&b);
}

/* A late report: an old week, with the clock ten weeks on. */
static void op_late(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	int hs[NH_MAX], n = pick_hospitals(g, hs, 1 + rnd(g, 3), g->nh);
	int len = 1 + rnd(g, 3), w0 = rnd(g, 6 - len + 1);
	time_t later = T_NOW + 70 * 86400;
	if (rnd(g, 3)) {
		stock_file(g, &b, hs, n, w0, w0 + len - 1, 0);
		import_ok(g, &b, 0, later, NULL);
	} else {
		prod_file(g, &b, 0, rnd(g, NM), w0, w0 + len - 1);
		import_ok(g, &b, 1, later, NULL);
	}
	kb_buf_release(&b);
}

/* Corrections of reports that exist: the same ids, other figures, other
 * devices (fewer or more). */
static void op_correct(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	struct kb_import_stats st;
	int h, w, m, tries, n = 0, want = 1 + rnd(g, 3);
	unsigned char pick[NH_MAX][NW];
	if (rnd(g, 4)) {
		memset(pick, 0, sizeof(pick));
		for (tries = 0; tries < 200 && n < want; tries++) {
			h = rnd(g, g->nh);
			w = rnd(g, NW);
			if ((g->rep_a[h][w] || g->rep_b[h][w]) && !pick[h][w]) {
				pick[h][w] = 1;
				n++;
			}
		}
		kb_buf_adds(&b, stock_header);
		for (h = 0; h < g->nh; h++)
			for (w = 0; w < NW; w++) {
				if (!pick[h][w])
					continue;
				if (g->rep_a[h][w])
					stock_report(g, &b, h, w, 'a');
				if (g->rep_b[h][w])
					stock_report(g, &b, h, w, 'b');
			}
		if (n)
			import_ok(g, &b, 0, T_NOW, &st);
	} else {
		kb_buf_adds(&b, prod_header);
		for (m = 0; m < NM; m++)
			for (w = 0; w < NW; w++)
				if (g->rep_p[m][w] && rnd(g, 8) == 0) {
					prod_report(g, &b, m, w);
					n++;
				}
		if (n)
			import_ok(g, &b, 1, T_NOW, &st);
	}
	if (n && (st.added || !(st.changed + st.unchanged)))
		FAIL_AT(g, "a correction added %zu lines\n%s", st.added, b.buf);
	forget_pending(g);
	kb_buf_release(&b);
}

/* A file imported before, again: the one the operation before imported
 * (nothing changes) or an older one (a correction back, or nothing). */
static void op_resubmit(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	struct kb_import_stats st;
	size_t k = rnd(g, 2) ? (g->next_kept + NKEPT - 1) % NKEPT
			     : (size_t)rnd(g, (int)g->nkept);
	int latest = g->kept[k].op == g->op - 1;
	int production = g->kept[k].production;
	time_t now = g->kept[k].now;
	kb_buf_adds(&b, g->kept[k].text);
	import_ok(g, &b, production, now, &st);
	if (latest && (st.added || st.changed))
		FAIL_AT(g, "the same file again changed %zu lines, added %zu\n",
			st.changed, st.added);
	kb_buf_release(&b);
}

/* A file with one problem among right rows: refused, and the store is
 * as it was, to the byte. */
static void op_rejected(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT, before = KB_BUF_INIT, after = KB_BUF_INIT;
	struct kb_import_opts o = { .actor = "tester", .now = T_NOW };
	struct kb_import_stats st;
	int hs[NH_MAX], n = pick_hospitals(g, hs, 2 + rnd(g, 5), g->nh);
	int w0 = 8 + rnd(g, 8), kind = rnd(g, 9), r, production = 0;
	char wk[16], old[16], future[16];
	week_text(g, w0 + 2, wk);
	week_text(g, 0, old);
	kb_week_format(g->week[NW - 1] + 14, future);
	stock_file(g, &b, hs, n, w0, w0 + 2, 1);
	switch (kind) {
	case 0: /* an unknown hospital */
		kb_buf_addf(&b, "X-1,H99,10000001,%s,1,1,0\n", wk);
		break;
	case 1: /* an unknown device */
		kb_buf_addf(&b, "H%02d-%dz,H%02d,19999999,%s,1,1,0\n",
			    hs[0] + 1, w0 + 2, hs[0] + 1, wk);
		break;
	case 2: /* a negative figure */
		kb_buf_addf(&b, "H%02d-%dz,H%02d,10000004,%s,-1,1,0\n",
			    hs[0] + 1, w0 + 2, hs[0] + 1, wk);
		break;
	case 3: /* more stock-out days than a week has */
		kb_buf_addf(&b, "H%02d-%dz,H%02d,10000004,%s,1,1,8\n",
			    hs[0] + 1, w0 + 2, hs[0] + 1, wk);
		break;
	case 4: /* a week that has not begun */
		kb_buf_addf(&b, "H%02d-99z,H%02d,10000004,%s,1,1,0\n",
			    hs[0] + 1, hs[0] + 1, future);
		break;
	case 5: /* a hospital's weeks out of order */
		kb_buf_addf(&b, "H%02d-0z,H%02d,10000004,%s,1,1,0\n", hs[0] + 1,
			    hs[0] + 1, old);
		break;
	case 6: /* a device twice in one report */
		kb_buf_addf(&b,
			    "H%02d-%da,H%02d,10000001,%s,1,1,0\n"
			    "H%02d-%da,H%02d,10000001,%s,2,1,0\n",
			    hs[n - 1] + 1, w0 + 2, hs[n - 1] + 1, wk,
			    hs[n - 1] + 1, w0 + 2, hs[n - 1] + 1, wk);
		break;
	case 7: /* one report id for two hospitals */
		kb_buf_addf(&b, "H%02d-%da,H%02d,10000001,%s,1,1,0\n",
			    hs[0] + 1, w0 + 2, hs[n - 1] + 1 + (n == 1), wk);
		break;
	default: /* a hospital's production */
		kb_buf_reset(&b);
		prod_file(g, &b, 0, NM - 1, w0, w0 + 1);
		kb_buf_addf(&b, "H01-p,H01,10000001,%s,1,1,1,1\n", wk);
		production = 1;
		break;
	}
	forget_pending(g);
	dump_all(g->s, &before);
	r = import_text(g, production ? kb_production_import : kb_stock_import,
			b.buf, &o, &st);
	if (!r)
		FAIL_AT(g, "a wrong file (problem %d) was accepted:\n%s", kind,
			b.buf);
	kb_err_release(&g->err);
	kb_err_init(&g->err, KB_LANG_EN);
	dump_all(g->s, &after);
	same_dump(g, "the store before and after a refused file", before.buf,
		  after.buf);
	kb_buf_release(&b);
	kb_buf_release(&before);
	kb_buf_release(&after);
}

/* As server/writer.c add_weeks: the weeks from min to max. */
static void add_weeks(int *weeks, size_t *n, const struct kb_import_stats *st)
{
	int w;
	size_t i;
	if (!st->week_min)
		return;
	for (w = st->week_min; w <= st->week_max; w += 7) {
		for (i = 0; i < *n && weeks[i] != w; i++)
			;
		if (i == *n)
			weeks[(*n)++] = w;
	}
}

/* A group of uploads, as the server's writer runs it: one transaction,
 * each hospital's (or manufacturer's) file imported on its own with its
 * aggregates deferred, some of them refused, then the weeks touched
 * summed, then the commit. */
static void op_server(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	int weeks[4 * NW], j, jobs = 2 + rnd(g, 3);
	size_t nweeks = 0;
	char id[16], wk[16];
	OK_AT(g, kb_store_begin(g->s, &g->err));
	for (j = 0; j < jobs; j++) {
		struct kb_import_opts o = { .actor = "upload", .now = T_NOW };
		struct kb_import_stats st;
		int production = rnd(g, 5) == 0, bad = rnd(g, 5) == 0, r;
		int len = 1 + rnd(g, 3), w0 = 6 + rnd(g, NW - 6 - len + 1);
		kb_buf_reset(&b);
		if (production) {
			int m = rnd(g, NM);
			snprintf(id, sizeof(id), "M%d", m + 1);
			prod_file(g, &b, m, m, w0, w0 + len - 1);
		} else {
			int h = rnd(g, (int)g->reg_nh);
			snprintf(id, sizeof(id), "H%02d", h + 1);
			stock_file(g, &b, &h, 1, w0, w0 + len - 1, 0);
		}
		if (bad) {
			week_text(g, w0 + len - 1, wk);
			if (production)
				kb_buf_addf(&b, "M9-1,M%d,10000001,%s,1,1,1,1\n",
					    id[1] == '1' ? 2 : 1, wk);
			else if (rnd(g, 2))
				kb_buf_addf(&b, "%s-%dz,%s,10000004,%s,x,1,0\n",
					    id, w0 + len - 1, id, wk);
			else /* another hospital's row */
				kb_buf_addf(&b, "Hx-1,H%02d,10000004,%s,1,1,0\n",
					    id[2] == '1' && id[1] == '0' ? 2 : 1,
					    wk);
		}
		o.registry = &g->reg;
		o.defer_aggregates = 1;
		o.only_org = id;
		r = import_text(
			g, production ? kb_production_import : kb_stock_import,
			b.buf, &o, &st);
		if (bad != (r != 0)) {
			char *m = t_errors(&g->err);
			FAIL_AT(g, "upload %d of %s: %d (%s)\n%s\n", j, id, r,
				m, b.buf);
		}
		kb_err_release(&g->err);
		kb_err_init(&g->err, KB_LANG_EN);
		if (r)
			forget_pending(g);
		else
			add_weeks(weeks, &nweeks, &st);
	}
	if (nweeks)
		OK_AT(g, kb_supply_aggregate(g->s, weeks, nweeks, &g->err));
	OK_AT(g, kb_store_commit(g->s, &g->err));
	keep_pending(g);
	kb_buf_release(&b);
}

/* The organisations again: one or two hospitals in another prefecture,
 * sometimes a new hospital; the server's registry is reloaded, or not
 * (it may be a while old). */
static void op_orgs(struct world *g)
{
	struct kb_buf b = KB_BUF_INIT;
	int k, moves = 1 + rnd(g, 2);
	for (k = 0; k < moves; k++) {
		int h = rnd(g, g->nh), p;
		do
			p = prefs[rnd(g, NPREFS)];
		while (p == g->pref[h]);
		g->pref[h] = p;
	}
	if (g->nh < NH_MAX && rnd(g, 3) == 0) {
		g->pref[g->nh] = prefs[rnd(g, NPREFS)];
		g->nh++;
	}
	orgs_file(g, &b);
	kb_err_release(&g->err);
	kb_err_init(&g->err, KB_LANG_EN);
	{
		struct kb_import_opts o = { .actor = "tester", .now = T_NOW };
		struct kb_import_stats st;
		OK_AT(g, import_text(g, kb_org_import, b.buf, &o, &st));
	}
	if (rnd(g, 2)) {
		kb_supply_release(&g->reg);
		OK_AT(g, kb_supply_load(g->s, &g->reg, &g->err));
		g->reg_nh = (size_t)g->nh;
	}
	kb_buf_release(&b);
}

static const struct {
	const char *name;
	void (*fn)(struct world *g);
	int weight;
} ops[] = {
	{ "stock file", op_stock, 5 },
	{ "production file", op_production, 2 },
	{ "server uploads", op_server, 5 },
	{ "correction", op_correct, 4 },
	{ "late report", op_late, 2 },
	{ "re-submission", op_resubmit, 1 },
	{ "refused file", op_rejected, 3 },
	{ "organisations", op_orgs, 2 },
};

static void run_seed(unsigned long long seed)
{
	struct world *g = kb_calloc(1, sizeof(*g));
	struct kb_buf b = KB_BUF_INIT;
	struct kb_import_opts o = { .actor = "tester", .now = T_NOW };
	struct kb_import_stats st;
	int i, last, total = 0, count[KB_ARRAY_SIZE(ops)] = { 0 };
	size_t k;

	g->seed = seed;
	g->rng = seed;
	kb_err_init(&g->err, KB_LANG_EN);
	g->s = t_store();
	kb_week_parse("2026-11-23", &last); /* the clock's week */
	for (i = 0; i < NW; i++)
		g->week[i] = last - 7 * (NW - 1 - i);
	g->nh = NH0;
	for (i = 0; i < NH0; i++)
		g->pref[i] = prefs[i % NPREFS];
	g->what = "registry";
	OK_AT(g, import_text(g, kb_device_import, devices_csv, &o, &st));
	orgs_file(g, &b);
	OK_AT(g, import_text(g, kb_org_import, b.buf, &o, &st));
	OK_AT(g, kb_supply_load(g->s, &g->reg, &g->err));
	g->reg_nh = NH0;
	g->what = "load";
	op_load(g);
	check(g, 1);
	for (i = 0; i < (int)KB_ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	for (g->op = 1; g->op <= NOPS; g->op++) {
		int x = rnd(g, total);
		for (i = 0; x >= ops[i].weight; i++)
			x -= ops[i].weight;
		/* the same file again, often right after it */
		if (g->kept[(g->next_kept + NKEPT - 1) % NKEPT].op == g->op - 1 &&
		    rnd(g, 6) == 0)
			for (i = 0; ops[i].fn != op_resubmit; i++)
				;
		g->what = ops[i].name;
		ops[i].fn(g);
		check(g, g->op % 10 == 0);
		count[i]++;
	}
	kb_buf_reset(&b);
	for (i = 0; i < (int)KB_ARRAY_SIZE(ops); i++)
		kb_buf_addf(&b, "%s %s %d", i ? "," : ":", ops[i].name, count[i]);
	print_message("seed %llu: load, then %d operations%s\n", seed, NOPS,
		      b.buf);
	for (k = 0; k < NKEPT; k++)
		free(g->kept[k].text);
	kb_supply_release(&g->reg);
	kb_store_close(g->s);
	kb_err_release(&g->err);
	kb_buf_release(&b);
	free(g);
}

static void test_aggregates_equal_recompute(void **state)
{
	static const unsigned long long seeds[] = { 1, 2, 18, 2026, 77777 };
	size_t i;
	(void)state;
	for (i = 0; i < KB_ARRAY_SIZE(seeds); i++)
		run_seed(seeds[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregates_equal_recompute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
