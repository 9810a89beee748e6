/*
 * bench_supply.c - supply monitoring at national scale, and how well early
 * warning finds the disruptions the generator injects.
 *
 * Usage: bench_supply [--seeds a,b,c] [--detect-only] [--json]
 *                     [WEEKS [HOSPITALS]]
 * (WEEKS and HOSPITALS default to 104 and 8,200, for part 1; seeds to
 * 101,102,103, which no test uses.)  Progress goes to a terminal only;
 * --json prints every figure as one JSON object instead of the text.
 *
 * 1. National scale (skipped with --detect-only: it takes minutes).
 *    Ingestion: a generated national week of hospital stock reports
 *    (HOSPITALS x 50 devices), imported as CSV with kb_stock_import (parse,
 *    check, history, aggregates in the same transaction), against its peer:
 *    the same rows, already parsed, inserted raw into a table of the same
 *    columns with one prepared statement in one transaction.  Target: at
 *    least half the raw rate.  Then WEEKS weeks loaded week by week; the
 *    alerts of the latest week (target < 1 s) and a recomputation of every
 *    aggregate from the report lines (target < 10 s); peak memory.
 * 2. Detection, for each seed on a store of its own: 2,000 hospitals, 20
 *    devices, 60 weeks to 2026-11-16 with the generator's disruptions
 *    (docs/supply-data.md), loaded week by week as in part 1; then the
 *    alerts (kb_supply_alerts) and the signals (kb_supply_signals) of the
 *    whole period, judged against truth.csv:
 *    - detection: a truth row with a shortage week is detected by a signal
 *      of its device (cause other than reporting) that covers its
 *      prefecture (a region of the signal is the prefecture or the nation;
 *      a national row, prefecture 00, is covered by any region) with its
 *      raising (its first step; a lone region's onset waits a week for
 *      confirmation) from the event's start to the week before the shortage; a
 *      signal opened before the start and still holding at it (latest week
 *      >= start) counts too, apart, as "already open", with its lead time
 *      counted from the start (the event cannot be warned of earlier).
 *      Lead time: weeks from the raising to the shortage.  By event kind,
 *      and the same with alerts (the week of an alert of the device and
 *      region instead of the onset), by rule;
 *    - false alarms: an alert (rule other than silent) is outside when no
 *      truth row of its device and region (prefecture 00 matches every
 *      region, an alert of prefecture 0 every row) has start <= its week
 *      <= end + 8 weeks; a signal is outside when no such row of any of
 *      its regions has that window overlapping [onset, latest].  Critical
 *      ones apart (an alert's severity, a signal's peak);
 *    - signals per event and device: for each (event, device) of truth,
 *      the signals of the device overlapping [start, end + 8 weeks] in a
 *      region of the event, less those opened after another event of the
 *      device began there (that event's);
 *    - reporting signals, which truth does not list (the generator stops
 *      15% of Fukuoka's reports in the last 3 weeks): their count, and
 *      whether one for Fukuoka (40) held in those weeks.
 *    Targets: detection >= 95%, false alarms <= 5% of alerts and of
 *    signals, no critical false alarm, <= 3 signals per event and device.
 *    Per seed and in total over the seeds: what a change to a rule costs
 *    in misses and saves in noise.
 */
#include "core/compat.h"

#include <math.h>
#include <sys/resource.h>

#include "kiban/supply.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(struct kb_err *err, const char *what)
{
	size_t i;
	fprintf(stderr, "bench_supply: %s failed\n", what);
	for (i = 0; i < err->n; i++)
		fprintf(stderr, "  %s\n", err->v[i].msg);
	exit(1);
}

static int imp(struct kb_store *s, kb_import_fn fn, const struct kb_buf *b,
	       time_t when, struct kb_err *err)
{
	struct kb_import_opts o = { .actor = "bench", .now = when, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_csv c;
	int r;
	if ((r = kb_csv_open_mem(&c, "bench.csv", b->buf, b->len, KB_ENC_UTF8,
				 err)))
		return r;
	r = fn(s, &c, &o, &st, err);
	kb_csv_release(&c);
	return r;
}

struct ctx {
	const char *label; /* of the progress line */
	struct kb_store *s;
	struct kb_err *err;
	const struct kb_gen_out *out; /* its registry, imported before week 1 */
	size_t rows;
	double ingest_s;
	struct kb_buf first; /* the first week's stock CSV, for the peer */
};

static int week_fn(void *p, int week, const struct kb_buf *stock,
		   const struct kb_buf *prod)
{
	struct ctx *c = p;
	double t0;
	const char *q;
	if (c->out) {
		const struct kb_gen_out *out = c->out;
		c->out = NULL;
		if (imp(c->s, kb_device_import, &out->devices, 0, c->err) ||
		    imp(c->s, kb_org_import, &out->orgs, 0, c->err) ||
		    imp(c->s, kb_site_import, &out->sites, 0, c->err) ||
		    imp(c->s, kb_component_import, &out->components, 0, c->err) ||
		    imp(c->s, kb_chain_import, &out->chain, 0, c->err))
			die(c->err, "registry import");
	}
	if (!c->first.len)
		kb_buf_add(&c->first, stock->buf, stock->len);
	if (imp(c->s, kb_production_import, prod, (time_t)(week + 8) * 86400,
		c->err))
		die(c->err, "production import");
	t0 = now_s();
	if (imp(c->s, kb_stock_import, stock, (time_t)(week + 8) * 86400, c->err))
		die(c->err, "stock import");
	c->ingest_s += now_s() - t0;
	for (q = stock->buf; (q = strchr(q, '\n')); q++)
		c->rows++;
	c->rows--; /* the header */
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r%s: %zu rows", c->label, c->rows);
	return 0;
}

/* The peer: the same rows, parsed outside the clock, inserted raw. */
static double raw_rate(const struct kb_buf *csv, size_t *nrows)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct row {
		char id[24], fac[8], dev[12];
		int week;
		double v[3];
	} *rows = NULL;
	size_t n = 0, alloc = 0, i;
	const char *p = strchr(csv->buf, '\n') + 1;
	double t0, t;
	while (*p) {
		char wk[16], line[128];
		const char *nl = strchr(p, '\n');
		struct row *r;
		KB_ALLOC_GROW(rows, n + 1, alloc);
		r = &rows[n];
		/* one line at a time: sscanf measures its whole input */
		snprintf(line, sizeof(line), "%.*s",
			 (int)(nl ? nl - p : (long)strlen(p)), p);
		if (sscanf(line, "%23[^,],%7[^,],%11[^,],%15[^,],%lf,%lf,%lf",
			   r->id, r->fac, r->dev, wk, &r->v[0], &r->v[1],
			   &r->v[2]) != 7)
			break;
		kb_week_parse(wk, &r->week);
		n++;
		p = strchr(p, '\n') + 1;
	}
	unlink("/tmp/kiban-bench-raw.db");
	sqlite3_open("/tmp/kiban-bench-raw.db", &db);
	sqlite3_exec(db,
		     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
		     "CREATE TABLE line (report TEXT, facility TEXT, device TEXT, "
		     "week INTEGER, stock REAL, consumption REAL, stockout_days "
		     "INTEGER)",
		     NULL, NULL, NULL);
	t0 = now_s();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO line VALUES (?, ?, ?, ?, ?, ?, ?)",
			   -1, &st, NULL);
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, rows[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, rows[i].fac, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, rows[i].dev, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, rows[i].week);
		sqlite3_bind_double(st, 5, rows[i].v[0]);
		sqlite3_bind_double(st, 6, rows[i].v[1]);
		sqlite3_bind_int(st, 7, (int)rows[i].v[2]);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	t = now_s() - t0;
	sqlite3_close(db);
	unlink("/tmp/kiban-bench-raw.db");
	unlink("/tmp/kiban-bench-raw.db-wal");
	unlink("/tmp/kiban-bench-raw.db-shm");
	free(rows);
	*nrows = n;
	return n / t;
}

static void remove_db(const char *path)
{
	char p[256];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* A fresh store at path with the data of o, loaded week by week (the
 * registry before the first week), as a reporting system would get it. */
static struct kb_store *generate_into(const char *path,
				      const struct kb_gen_opts *o,
				      const char *label, struct kb_gen_out *out,
				      struct ctx *c, struct kb_err *err)
{
	struct kb_store *s;
	remove_db(path);
	if (kb_store_open(&s, path, KB_STORE_CREATE, err))
		die(err, "open");
	memset(c, 0, sizeof(*c));
	c->label = label;
	c->s = s;
	c->err = err;
	c->out = out;
	if (kb_supply_generate(o, out, week_fn, c, err))
		die(err, "load");
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	return s;
}

/* ---- part 1: national scale ---- */

struct national {
	size_t weeks, rows, raw_rows, alerts, lines;
	double rate, raw, t_alerts, t_recompute, rss_mib;
};

static void national(size_t weeks, size_t hospitals, struct national *n,
		     struct kb_err *err)
{
	struct kb_gen_opts o = { 1, 8200, 50, 500, 104, 0, 1 };
	const char *path = "/tmp/kiban-bench-supply.db";
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_alerts al;
	struct kb_gen_out out;
	struct ctx c;
	struct rusage ru;
	double t0;

	if (weeks)
		o.weeks = weeks;
	if (hospitals)
		o.hospitals = hospitals;
	kb_week_parse("2026-11-16", &o.last_week);
	memset(n, 0, sizeof(*n));
	s = generate_into(path, &o, "loading", &out, &c, err);
	n->weeks = o.weeks;
	n->rows = c.rows;
	n->rate = c.rows / c.ingest_s;
	n->raw = raw_rate(&c.first, &n->raw_rows);

	if (kb_supply_load(s, &sup, err))
		die(err, "load registry");
	t0 = now_s();
	if (kb_supply_alerts(s, &sup, -1, -1, &al, err))
		die(err, "alerts");
	n->t_alerts = now_s() - t0;
	n->alerts = al.n;
	kb_alerts_release(&al);
	t0 = now_s();
	if (kb_supply_recompute(s, &n->lines, err))
		die(err, "recompute");
	n->t_recompute = now_s() - t0;
	getrusage(RUSAGE_SELF, &ru);
	n->rss_mib = ru.ru_maxrss / 1024.0;
	kb_supply_release(&sup);
	kb_gen_out_release(&out);
	kb_buf_release(&c.first);
	kb_store_close(s);
	remove_db(path);
}

static void national_print(const struct national *n)
{
	printf("ingestion: %zu rows in %zu weeks, %.0f rows/s through "
	       "kb_stock_import; raw SQLite inserts of one week (%zu rows): "
	       "%.0f rows/s; ratio %.2f (target >= 0.50)\n",
	       n->rows, n->weeks, n->rate, n->raw_rows, n->raw, n->rate / n->raw);
	printf("alerts of the latest week: %zu in %.3f s (target < 1 s)\n",
	       n->alerts, n->t_alerts);
	printf("recomputation of every aggregate from %zu report lines: %.2f s "
	       "(target < 10 s)\n",
	       n->lines, n->t_recompute);
	printf("peak resident memory: %.0f MiB (the database file is mapped "
	       "for reading: its pages count here)\n",
	       n->rss_mib);
}

static json_t *national_json(const struct national *n)
{
	return json_pack("{s:I, s:I, s:f, s:I, s:f, s:f, s:I, s:f, s:I, s:f, "
			 "s:f}",
			 "rows", (json_int_t)n->rows, "weeks",
			 (json_int_t)n->weeks, "rows_per_s", n->rate,
			 "raw_rows", (json_int_t)n->raw_rows, "raw_rows_per_s",
			 n->raw, "ratio", n->rate / n->raw, "latest_alerts",
			 (json_int_t)n->alerts, "latest_alerts_s", n->t_alerts,
			 "recompute_lines", (json_int_t)n->lines, "recompute_s",
			 n->t_recompute, "peak_rss_mib", n->rss_mib);
}

/* ---- part 2: detection ---- */

#define DETECT_HOSPITALS 2000
#define DETECT_DEVICES	 20
#define DETECT_WEEKS	 60
#define AFTER		 (8 * 7) /* days after an event's end still its own */
#define MAX_SEEDS	 16
#define NGROUPS		 12
#define FUKUOKA		 40

/* One row of truth.csv: an event and a device (and prefecture) it hits. */
struct truth {
	int event;
	char kind[16];
	size_t device;		  /* registry index */
	int pref;		  /* 0: national */
	int start, end, shortage; /* Mondays; shortage -1: none followed */
};

static struct truth *truth_parse(const struct kb_buf *csv,
				 const struct kb_supply *sup, size_t *n)
{
	struct truth *v = NULL;
	size_t alloc = 0;
	const char *p;
	*n = 0;
	for (p = strchr(csv->buf, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		char kind[16], dev[16], start[16], end[16], sh[16] = "";
		struct truth t;
		/* event,kind,what,device,prefecture,start_week,end_week,loss,
		 * shortage_week (empty when no shortage followed) */
		int k = sscanf(p + 1,
			       "%d,%15[^,],%*[^,],%15[^,],%d,%15[^,],%15[^,],"
			       "%*[^,],%15[0-9-]",
			       &t.event, kind, dev, &t.pref, start, end, sh);
		t.shortage = -1;
		if (k < 6 || kb_week_parse(start, &t.start) ||
		    kb_week_parse(end, &t.end) ||
		    (*sh && kb_week_parse(sh, &t.shortage)) ||
		    (t.device = kb_supply_device(sup, dev)) == KB_NONE) {
			fprintf(stderr,
				"bench_supply: truth.csv: cannot read "
				"%.60s\n",
				p + 1);
			exit(1);
		}
		snprintf(t.kind, sizeof(t.kind), "%s", kind);
		KB_ALLOC_GROW(v, *n + 1, alloc);
		v[(*n)++] = t;
	}
	return v;
}

/* A region (0: the nation) and a truth row's prefecture (0: national)
 * meet when either is national or they are the same. */
static int meets(int region, int pref)
{
	return !region || !pref || region == pref;
}

static int covers(const struct kb_signal *g, int pref)
{
	size_t i;
	for (i = 0; i < g->nregions; i++)
		if (meets(g->regions[i].pref, pref))
			return 1;
	return 0;
}

/* A row of a table: shortages found (detection) or alerts and signals
 * outside any disruption (false alarms), with the lead times found. */
struct grp {
	char name[24];
	size_t shortages, detected, already;
	double *lead; /* weeks, one per detection */
	size_t nlead, alloc;
	size_t count, outside, critical;
};
struct grps {
	struct grp v[NGROUPS];
	size_t n;
	struct grp all;
};

static struct grp *grp_get(struct grps *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	if (t->n == NGROUPS) {
		fprintf(stderr, "bench_supply: more than %d groups\n", NGROUPS);
		exit(1);
	}
	snprintf(t->v[t->n].name, sizeof(t->v[t->n].name), "%s", name);
	return &t->v[t->n++];
}

/* A shortage found with lead weeks (lead < 0: missed). */
static void grp_detect(struct grp *g, double lead, int already)
{
	g->shortages++;
	if (lead < 0)
		return;
	g->detected++;
	g->already += already;
	KB_ALLOC_GROW(g->lead, g->nlead + 1, g->alloc);
	g->lead[g->nlead++] = lead;
}

static void grp_add(struct grp *to, const struct grp *g)
{
	size_t i;
	to->shortages += g->shortages;
	to->detected += g->detected;
	to->already += g->already;
	for (i = 0; i < g->nlead; i++) {
		KB_ALLOC_GROW(to->lead, to->nlead + 1, to->alloc);
		to->lead[to->nlead++] = g->lead[i];
	}
	to->count += g->count;
	to->outside += g->outside;
	to->critical += g->critical;
}

static void grps_add(struct grps *to, const struct grps *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		grp_add(grp_get(to, t->v[i].name), &t->v[i]);
	grp_add(&to->all, &t->all);
}

static void grps_release(struct grps *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		free(t->v[i].lead);
	free(t->all.lead);
}

static int by_value(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* The q-quantile, linear between the closest ranks; NAN when none. */
static double quantile(double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), by_value);
	return lo + 1 < n ? v[lo] + (pos - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/* An (event, device) with more signals than the target allows. */
struct noisy {
	unsigned long long seed;
	int event;
	char device[16];
	size_t signals;
};

/* The figures of one seed, or the total over the seeds. */
struct figs {
	int total;
	unsigned long long seed;
	size_t rows, alerts, signals;
	double load_s, alerts_s, signals_s;
	struct grps sig_det;  /* detection by signals, by event kind */
	struct grps al_kind;  /* by alerts of any rule, by event kind */
	struct grps al_rule;  /* by alerts, by rule */
	struct grps al_false; /* alerts outside, by rule */
	struct grps sg_false; /* signals outside, by cause */
	size_t pairs, pair_signals, pair_max;
	struct noisy *noisy;
	size_t nnoisy, noisy_alloc;
	size_t reporting; /* reporting signals */
	size_t fukuoka;	  /* seeds where one held for Fukuoka at the end */
	int fukuoka_onset;
};

/* The earliest warning a signal gave of shortage t: the onset of a signal
 * of its device and region opened from the start to the week before the
 * shortage, or the start when only one opened earlier still held then
 * (*already); -1 when none. */
static int signal_warning(const struct truth *t, const struct kb_signals *sg,
			  int *already)
{
	int best = -1, open = 0;
	size_t i;
	for (i = 0; i < sg->n; i++) {
		const struct kb_signal *g = &sg->v[i];
		if (g->cause == KB_CAUSE_REPORTING || g->device != t->device ||
		    !covers(g, t->pref))
			continue;
		/* the week it was raised: a lone region waits a week for
		 * confirmation (signal.c), so this may follow the onset */
		int raised = g->nsteps ? g->steps[0].week : g->onset;
		if (raised >= t->start && raised <= t->shortage - 7) {
			if (best < 0 || raised < best)
				best = raised;
		} else if (raised < t->start && g->latest >= t->start) {
			open = 1;
		}
	}
	*already = best < 0 && open;
	return best >= 0 ? best : open ? t->start : -1;
}

/* The week of the first alert of rule (-1: any but silent) of t's device
 * and region from the start to the week before the shortage; -1. */
static int alert_warning(const struct truth *t, const struct kb_alerts *al,
			 int rule)
{
	int best = -1;
	size_t i;
	for (i = 0; i < al->n; i++) {
		const struct kb_alert *a = &al->v[i];
		if (a->rule == KB_ALERT_SILENT ||
		    (rule >= 0 && a->rule != (enum kb_alert_rule)rule) ||
		    a->device != t->device || !meets(a->pref, t->pref) ||
		    a->week < t->start || a->week > t->shortage - 7)
			continue;
		if (best < 0 || a->week < best)
			best = a->week;
	}
	return best;
}

static double lead_of(const struct truth *t, int week)
{
	return week < 0 ? -1 : (t->shortage - week) / 7.0;
}

static void judge_detection(struct figs *f, const struct truth *tr, size_t nt,
			    const struct kb_alerts *al,
			    const struct kb_signals *sg)
{
	size_t i;
	int r;
	for (r = 0; r <= KB_ALERT_LOW_FACILITIES; r++)
		if (r != KB_ALERT_SILENT)
			grp_get(&f->al_rule, kb_alert_rule_key(r));
	for (i = 0; i < nt; i++) {
		const struct truth *t = &tr[i];
		int already, w;
		if (t->shortage < 0)
			continue;
		w = signal_warning(t, sg, &already);
		grp_detect(grp_get(&f->sig_det, t->kind), lead_of(t, w), already);
		grp_detect(&f->sig_det.all, lead_of(t, w), already);
		w = alert_warning(t, al, -1);
		grp_detect(grp_get(&f->al_kind, t->kind), lead_of(t, w), 0);
		grp_detect(&f->al_kind.all, lead_of(t, w), 0);
		grp_detect(&f->al_rule.all, lead_of(t, w), 0);
		for (r = 0; r <= KB_ALERT_LOW_FACILITIES; r++)
			if (r != KB_ALERT_SILENT)
				grp_detect(grp_get(&f->al_rule,
						   kb_alert_rule_key(r)),
					   lead_of(t, alert_warning(t, al, r)),
					   0);
	}
}

static void count_false(struct grp *g, int outside, int critical)
{
	g->count++;
	g->outside += outside;
	g->critical += outside && critical;
}

static void judge_false_alarms(struct figs *f, const struct truth *tr,
			       size_t nt, const struct kb_alerts *al,
			       const struct kb_signals *sg)
{
	size_t i, k;
	int r;
	for (r = 0; r <= KB_ALERT_LOW_FACILITIES; r++)
		if (r != KB_ALERT_SILENT)
			grp_get(&f->al_false, kb_alert_rule_key(r));
	for (r = 0; r < KB_NCAUSES; r++)
		if (r != KB_CAUSE_REPORTING)
			grp_get(&f->sg_false, kb_signal_cause_key(r));
	for (i = 0; i < al->n; i++) {
		const struct kb_alert *a = &al->v[i];
		int outside = 1;
		if (a->rule == KB_ALERT_SILENT)
			continue;
		for (k = 0; k < nt && outside; k++)
			if (tr[k].device == a->device &&
			    meets(a->pref, tr[k].pref) && a->week >= tr[k].start &&
			    a->week <= tr[k].end + AFTER)
				outside = 0;
		count_false(grp_get(&f->al_false, kb_alert_rule_key(a->rule)),
			    outside, a->severity == KB_SEV_CRITICAL);
		count_false(&f->al_false.all, outside,
			    a->severity == KB_SEV_CRITICAL);
	}
	for (i = 0; i < sg->n; i++) {
		const struct kb_signal *g = &sg->v[i];
		int outside = 1;
		if (g->cause == KB_CAUSE_REPORTING)
			continue;
		for (k = 0; k < nt && outside; k++)
			if (tr[k].device == g->device && covers(g, tr[k].pref) &&
			    g->onset <= tr[k].end + AFTER &&
			    g->latest >= tr[k].start)
				outside = 0;
		count_false(grp_get(&f->sg_false, kb_signal_cause_key(g->cause)),
			    outside, g->peak == KB_SEV_CRITICAL);
		count_false(&f->sg_false.all, outside,
			    g->peak == KB_SEV_CRITICAL);
	}
}

/* For each (event, device) of truth, the signals of the device in the
 * event's window and regions: one problem should be about one signal. */
static void judge_pairs(struct figs *f, const struct truth *tr, size_t nt,
			const struct kb_signals *sg, const struct kb_supply *sup)
{
	size_t i, j, k, n;
	for (i = 0; i < nt; i++) {
		for (j = 0; j < i; j++)
			if (tr[j].event == tr[i].event &&
			    tr[j].device == tr[i].device)
				break;
		if (j < i)
			continue; /* counted with its first row */
		for (n = k = 0; k < sg->n; k++) {
			const struct kb_signal *g = &sg->v[k];
			int region = 0;
			if (g->cause == KB_CAUSE_REPORTING ||
			    g->device != tr[i].device ||
			    g->onset > tr[i].end + AFTER ||
			    g->latest < tr[i].start)
				continue;
			for (j = i; j < nt && !region; j++)
				region = tr[j].event == tr[i].event &&
					 tr[j].device == tr[i].device &&
					 covers(g, tr[j].pref);
			/* a signal opened after another event of the device
			 * began there is that event's */
			for (j = 0; j < nt && region; j++)
				if (tr[j].event != tr[i].event &&
				    tr[j].device == tr[i].device &&
				    covers(g, tr[j].pref) &&
				    tr[j].start > tr[i].start &&
				    tr[j].start <= g->onset)
					region = 0;
			n += region;
		}
		f->pairs++;
		f->pair_signals += n;
		if (n > f->pair_max)
			f->pair_max = n;
		if (n > 3) {
			struct noisy *x;
			KB_ALLOC_GROW(f->noisy, f->nnoisy + 1, f->noisy_alloc);
			x = &f->noisy[f->nnoisy++];
			x->seed = f->seed;
			x->event = tr[i].event;
			snprintf(x->device, sizeof(x->device), "%s",
				 sup->devices[tr[i].device].code);
			x->signals = n;
		}
	}
}

/* Reporting signals are not in truth: their count, and whether Fukuoka's
 * hospitals that stop reporting in the last 3 weeks raised one. */
static void judge_reporting(struct figs *f, const struct kb_signals *sg,
			    int last_week)
{
	size_t i;
	for (i = 0; i < sg->n; i++) {
		const struct kb_signal *g = &sg->v[i];
		if (g->cause != KB_CAUSE_REPORTING)
			continue;
		f->reporting++;
		if (g->pref == FUKUOKA && g->latest >= last_week - 14 &&
		    !f->fukuoka) {
			f->fukuoka = 1;
			f->fukuoka_onset = g->onset;
		}
	}
}

static void detect(unsigned long long seed, struct figs *f, struct kb_err *err)
{
	struct kb_gen_opts o = { seed, DETECT_HOSPITALS, DETECT_DEVICES,
				 500,  DETECT_WEEKS,	 0,
				 1 };
	const char *path = "/tmp/kiban-bench-detect.db";
	char label[40];
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_alerts al;
	struct kb_signals sg;
	struct kb_gen_out out;
	struct truth *tr;
	struct ctx c;
	size_t nt;
	double t0;
	int first;

	kb_week_parse("2026-11-16", &o.last_week);
	first = o.last_week - (int)(o.weeks - 1) * 7;
	memset(f, 0, sizeof(*f));
	f->seed = seed;
	snprintf(label, sizeof(label), "seed %llu, loading", seed);
	t0 = now_s();
	s = generate_into(path, &o, label, &out, &c, err);
	f->load_s = now_s() - t0;
	f->rows = c.rows;
	if (kb_supply_load(s, &sup, err))
		die(err, "load registry");
	t0 = now_s();
	if (kb_supply_alerts(s, &sup, first, o.last_week, &al, err))
		die(err, "alerts of the period");
	f->alerts_s = now_s() - t0;
	t0 = now_s();
	if (kb_supply_signals(s, &sup, first, o.last_week, &sg, err))
		die(err, "signals of the period");
	f->signals_s = now_s() - t0;
	f->alerts = al.n;
	f->signals = sg.n;

	tr = truth_parse(&out.truth, &sup, &nt);
	judge_detection(f, tr, nt, &al, &sg);
	judge_false_alarms(f, tr, nt, &al, &sg);
	judge_pairs(f, tr, nt, &sg, &sup);
	judge_reporting(f, &sg, o.last_week);

	free(tr);
	kb_signals_release(&sg);
	kb_alerts_release(&al);
	kb_supply_release(&sup);
	kb_gen_out_release(&out);
	kb_buf_release(&c.first);
	kb_store_close(s);
	remove_db(path);
}

static void figs_add(struct figs *to, const struct figs *f)
{
	size_t i;
	to->rows += f->rows;
	to->alerts += f->alerts;
	to->signals += f->signals;
	to->load_s += f->load_s;
	to->alerts_s += f->alerts_s;
	to->signals_s += f->signals_s;
	grps_add(&to->sig_det, &f->sig_det);
	grps_add(&to->al_kind, &f->al_kind);
	grps_add(&to->al_rule, &f->al_rule);
	grps_add(&to->al_false, &f->al_false);
	grps_add(&to->sg_false, &f->sg_false);
	to->pairs += f->pairs;
	to->pair_signals += f->pair_signals;
	if (f->pair_max > to->pair_max)
		to->pair_max = f->pair_max;
	for (i = 0; i < f->nnoisy; i++) {
		KB_ALLOC_GROW(to->noisy, to->nnoisy + 1, to->noisy_alloc);
		to->noisy[to->nnoisy++] = f->noisy[i];
	}
	to->reporting += f->reporting;
	to->fukuoka += f->fukuoka;
}

static void figs_release(struct figs *f)
{
	grps_release(&f->sig_det);
	grps_release(&f->al_kind);
	grps_release(&f->al_rule);
	grps_release(&f->al_false);
	grps_release(&f->sg_false);
	free(f->noisy);
}

static double share(size_t a, size_t n)
{
	return n ? 100.0 * a / n : NAN;
}

/* "12.5%", or "-" when there is nothing to divide. */
static const char *pct(char b[16], double v)
{
	if (isnan(v))
		return "-";
	snprintf(b, 16, "%.1f%%", v);
	return b;
}

static const char *weeks_fmt(char b[16], double v)
{
	if (isnan(v))
		return "-";
	snprintf(b, 16, "%.1f", v);
	return b;
}

/* already: the column of signals already open (not for alerts) */
static void det_row(struct grp *g, int already)
{
	char a[16], b[16], c[16], d[16] = "-";
	if (already)
		snprintf(d, sizeof(d), "%zu", g->already);
	printf("    %-22s %9zu %8zu %7s %7s %7s %7s\n", g->name, g->shortages,
	       g->detected, pct(a, share(g->detected, g->shortages)), d,
	       weeks_fmt(b, quantile(g->lead, g->nlead, 0.5)),
	       weeks_fmt(c, quantile(g->lead, g->nlead, 0.1)));
}

static void det_table(const char *title, struct grps *t, const char *all,
		      int already)
{
	size_t i;
	printf("  %-24s %9s %8s %7s %7s %7s %7s\n", title, "shortages",
	       "detected", "rate", "already", "lead", "lead");
	printf("  %-24s %9s %8s %7s %7s %7s %7s\n", "", "", "", "", "open",
	       "median", "p10");
	for (i = 0; i < t->n; i++)
		det_row(&t->v[i], already);
	snprintf(t->all.name, sizeof(t->all.name), "%s", all);
	det_row(&t->all, already);
}

static void false_row(const char *what, struct grp *g)
{
	char a[16];
	printf("    %-8s %-15s %8zu %8zu %7s %9zu\n", what, g->name, g->count,
	       g->outside, pct(a, share(g->outside, g->count)), g->critical);
}

static void figs_print(struct figs *f, const char *seeds)
{
	char a[16];
	size_t i;
	if (f->total)
		printf("\ntotal over seeds %s", seeds);
	else
		printf("\nseed %llu", f->seed);
	printf(": %zu rows loaded in %.1f s; alerts of the period: %zu in "
	       "%.2f s; signals: %zu in %.2f s\n",
	       f->rows, f->load_s, f->alerts, f->alerts_s, f->signals,
	       f->signals_s);
	det_table("signals, by event kind", &f->sig_det, "all", 1);
	det_table("alerts, by event kind", &f->al_kind, "all", 0);
	det_table("alerts, by rule", &f->al_rule, "any rule", 0);
	printf("  (target: detection >= 95%%; lead time in weeks before the "
	       "shortage)\n");
	printf("  %-26s %8s %8s %7s %9s\n", "false alarms", "count", "outside",
	       "share", "critical");
	for (i = 0; i < f->al_false.n; i++)
		false_row("alerts", &f->al_false.v[i]);
	snprintf(f->al_false.all.name, sizeof(f->al_false.all.name), "all");
	false_row("alerts", &f->al_false.all);
	for (i = 0; i < f->sg_false.n; i++)
		false_row("signals", &f->sg_false.v[i]);
	snprintf(f->sg_false.all.name, sizeof(f->sg_false.all.name), "all");
	false_row("signals", &f->sg_false.all);
	printf("  (target: outside <= 5%% of alerts and of signals, no "
	       "critical one outside)\n");
	printf("  signals per event and device: %zu pairs, mean %.2f, max %zu "
	       "(target <= 3)",
	       f->pairs, f->pairs ? (double)f->pair_signals / f->pairs : 0.0,
	       f->pair_max);
	for (i = 0; i < f->nnoisy; i++) {
		printf("%s", i ? ", " : "; above 3: ");
		if (f->total)
			printf("seed %llu ", f->noisy[i].seed);
		printf("event %d device %s: %zu", f->noisy[i].event,
		       f->noisy[i].device, f->noisy[i].signals);
	}
	printf("\n");
	printf("  reporting signals (not in truth): %zu; ", f->reporting);
	if (f->total) {
		printf("Fukuoka (40) raised one in its last 3 weeks in %zu of "
		       "the seeds\n",
		       f->fukuoka);
	} else if (f->fukuoka) {
		kb_week_format(f->fukuoka_onset, a);
		printf("Fukuoka (40) in the last 3 weeks: yes, since the week "
		       "of %s\n",
		       a);
	} else {
		printf("Fukuoka (40) in the last 3 weeks: no\n");
	}
}

static json_t *jnum(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *det_json(struct grp *g)
{
	json_t *j = json_pack("{s:I, s:I, s:I}", "shortages",
			      (json_int_t)g->shortages, "detected",
			      (json_int_t)g->detected, "already_open",
			      (json_int_t)g->already);
	json_object_set_new(j, "rate", jnum(share(g->detected, g->shortages)));
	json_object_set_new(j, "lead_median",
			    jnum(quantile(g->lead, g->nlead, 0.5)));
	json_object_set_new(j, "lead_p10",
			    jnum(quantile(g->lead, g->nlead, 0.1)));
	return j;
}

static json_t *false_json(struct grp *g)
{
	json_t *j = json_pack("{s:I, s:I, s:I}", "count", (json_int_t)g->count,
			      "outside", (json_int_t)g->outside,
			      "critical_outside", (json_int_t)g->critical);
	json_object_set_new(j, "share", jnum(share(g->outside, g->count)));
	return j;
}

/* {name: row, ..., all: row} */
static json_t *grps_json(struct grps *t, const char *all,
			 json_t *(*row)(struct grp *))
{
	json_t *j = json_object();
	size_t i;
	for (i = 0; i < t->n; i++)
		json_object_set_new(j, t->v[i].name, row(&t->v[i]));
	json_object_set_new(j, all, row(&t->all));
	return j;
}

static json_t *figs_json(struct figs *f)
{
	json_t *j, *noisy = json_array();
	size_t i;
	char w[16];
	for (i = 0; i < f->nnoisy; i++)
		json_array_append_new(
			noisy, json_pack("{s:I, s:i, s:s, s:I}", "seed",
					 (json_int_t)f->noisy[i].seed, "event",
					 f->noisy[i].event, "device",
					 f->noisy[i].device, "signals",
					 (json_int_t)f->noisy[i].signals));
	j = json_pack("{s:I, s:f, s:I, s:f, s:I, s:f, "
		      "s:{s:o, s:o, s:o}, s:{s:o, s:o}, s:{s:I, s:f, s:I, s:o}}",
		      "rows", (json_int_t)f->rows, "load_s", f->load_s,
		      "alerts", (json_int_t)f->alerts, "alerts_s", f->alerts_s,
		      "signals", (json_int_t)f->signals, "signals_s",
		      f->signals_s, "detection", "signals_by_kind",
		      grps_json(&f->sig_det, "all", det_json), "alerts_by_kind",
		      grps_json(&f->al_kind, "all", det_json), "alerts_by_rule",
		      grps_json(&f->al_rule, "any", det_json), "false_alarms",
		      "alerts", grps_json(&f->al_false, "all", false_json),
		      "signals", grps_json(&f->sg_false, "all", false_json),
		      "signals_per_event_device", "pairs", (json_int_t)f->pairs,
		      "mean", f->pairs ? (double)f->pair_signals / f->pairs : 0.0,
		      "max", (json_int_t)f->pair_max, "above_3", noisy);
	if (f->total) {
		json_object_set_new(j, "reporting",
				    json_pack("{s:I, s:I}", "signals",
					      (json_int_t)f->reporting,
					      "fukuoka_seeds",
					      (json_int_t)f->fukuoka));
	} else {
		json_object_set_new(j, "seed", json_integer((json_int_t)f->seed));
		if (f->fukuoka)
			kb_week_format(f->fukuoka_onset, w);
		json_object_set_new(j, "reporting",
				    json_pack("{s:I, s:b, s:s?}", "signals",
					      (json_int_t)f->reporting, "fukuoka",
					      (int)f->fukuoka, "fukuoka_onset",
					      f->fukuoka ? w : NULL));
	}
	return j;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_supply [--seeds a,b,c] [--detect-only] "
			"[--json] [WEEKS [HOSPITALS]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long seeds[MAX_SEEDS] = { 101, 102, 103 };
	size_t nseeds = 3, pos[2] = { 0, 0 }, npos = 0, i;
	int detect_only = 0, as_json = 0;
	const char *seed_arg = NULL;
	struct kb_buf seedlist = KB_BUF_INIT;
	struct national nat;
	struct figs f, total;
	struct kb_err err;
	json_t *j = json_object(), *js = json_array();
	char *end;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--detect-only"))
			detect_only = 1;
		else if (!strcmp(argv[i], "--json"))
			as_json = 1;
		else if (!strcmp(argv[i], "--seeds") && i + 1 < (size_t)argc)
			seed_arg = argv[++i];
		else if (!strncmp(argv[i], "--seeds=", 8))
			seed_arg = argv[i] + 8;
		else if (argv[i][0] == '-' || npos == 2)
			usage();
		else if (!(pos[npos++] = strtoul(argv[i], &end, 10)) || *end)
			usage();
	}
	if (seed_arg) {
		const char *p = seed_arg;
		for (nseeds = 0; *p; p = *end ? end + 1 : end) {
			if (nseeds == MAX_SEEDS)
				usage();
			seeds[nseeds++] = strtoull(p, &end, 10);
			if (end == p || (*end && *end != ','))
				usage();
		}
		if (!nseeds)
			usage();
	}
	for (i = 0; i < nseeds; i++)
		kb_buf_addf(&seedlist, "%s%llu", i ? "," : "", seeds[i]);
	kb_err_init(&err, KB_LANG_EN);

	if (!detect_only) {
		national(pos[0], pos[1], &nat, &err);
		if (as_json)
			json_object_set_new(j, "national", national_json(&nat));
		else
			national_print(&nat);
	}

	if (!as_json)
		printf("%sdetection: %d hospitals, %d devices, %d weeks to "
		       "2026-11-16 with the generator's disruptions, seeds %s\n",
		       detect_only ? "" : "\n", DETECT_HOSPITALS,
		       DETECT_DEVICES, DETECT_WEEKS, seedlist.buf);
	memset(&total, 0, sizeof(total));
	total.total = 1;
	for (i = 0; i < nseeds; i++) {
		detect(seeds[i], &f, &err);
		if (as_json)
			json_array_append_new(js, figs_json(&f));
		else
			figs_print(&f, seedlist.buf);
		fflush(stdout);
		figs_add(&total, &f);
		figs_release(&f);
	}
	if (as_json) {
		json_object_set_new(j, "detection_seeds", js);
		json_object_set_new(j, "detection_total", figs_json(&total));
		json_object_set_new(
			j, "targets",
			json_pack("{s:f, s:f, s:f, s:f, s:f, s:i, s:i}",
				  "ingestion_ratio_min", 0.5,
				  "latest_alerts_s_max", 1.0, "recompute_s_max",
				  10.0, "detection_rate_min", 95.0,
				  "false_alarm_share_max", 5.0,
				  "critical_false_alarms_max", 0,
				  "signals_per_event_device_max", 3));
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		fputc('\n', stdout);
	} else {
		figs_print(&total, seedlist.buf);
		json_decref(js);
	}
	json_decref(j);
	figs_release(&total);
	kb_buf_release(&seedlist);
	kb_err_release(&err);
	return 0;
}
