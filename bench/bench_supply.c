/*
 * bench_supply.c - supply monitoring at national scale.
 *
 * Usage: bench_supply [WEEKS [HOSPITALS]]   (defaults 104 and 8,200)
 *
 * 1. Ingestion: a generated national week of hospital stock reports
 *    (HOSPITALS x 50 devices), imported as CSV with kb_stock_import (parse,
 *    check, history, aggregates in the same transaction), against its peer:
 *    the same rows, already parsed, inserted raw into a table of the same
 *    columns with one prepared statement in one transaction.  Target: at
 *    least half the raw rate.
 * 2. National scale: WEEKS weeks loaded week by week; then the alerts of the
 *    latest week (target < 1 s) and a recomputation of every aggregate from
 *    the report lines (target < 10 s); peak memory.
 * 3. Detection: the injected shortages alerted before they happened
 *    (target >= 95%), and the share of alerts outside any disruption.
 */
#include "core/compat.h"

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
		fprintf(stderr, "\rloading: %zu rows", c->rows);
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

int main(int argc, char **argv)
{
	struct kb_gen_opts o = { 1, 8200, 50, 500, 104, 0, 1 };
	const char *path = "/tmp/kiban-bench-supply.db";
	struct kb_err err;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_alerts al;
	struct kb_gen_out out;
	struct ctx c;
	struct rusage ru;
	size_t rows, raw_rows, i, shortages = 0, found = 0, false_alarms = 0,
				  counted = 0, by_rule[8][2] = { { 0 } };
	double t0, t_alerts, t_recompute, first_rate, raw;
	const char *p;

	if (argc > 1)
		o.weeks = (size_t)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		o.hospitals = (size_t)strtoul(argv[2], NULL, 10);
	kb_week_parse("2026-11-16", &o.last_week);
	kb_err_init(&err, KB_LANG_EN);
	unlink(path);
	if (kb_store_open(&s, path, KB_STORE_CREATE, &err))
		die(&err, "open");
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.err = &err;
	c.out = &out;
	if (kb_supply_generate(&o, &out, week_fn, &c, &err))
		die(&err, "load");
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	first_rate = c.rows / c.ingest_s;
	raw = raw_rate(&c.first, &raw_rows);
	printf("ingestion: %zu rows in %zu weeks, %.0f rows/s through "
	       "kb_stock_import; raw SQLite inserts of one week (%zu rows): "
	       "%.0f rows/s; ratio %.2f (target >= 0.50)\n",
	       c.rows, o.weeks, first_rate, raw_rows, raw, first_rate / raw);

	if (kb_supply_load(s, &sup, &err))
		die(&err, "load registry");
	t0 = now_s();
	if (kb_supply_alerts(s, &sup, -1, -1, &al, &err))
		die(&err, "alerts");
	t_alerts = now_s() - t0;
	printf("alerts of the latest week: %zu in %.3f s (target < 1 s)\n",
	       al.n, t_alerts);
	kb_alerts_release(&al);
	t0 = now_s();
	if (kb_supply_recompute(s, &rows, &err))
		die(&err, "recompute");
	t_recompute = now_s() - t0;
	printf("recomputation of every aggregate from %zu report lines: %.2f s "
	       "(target < 10 s)\n",
	       rows, t_recompute);

	/* detection over the whole period */
	if (kb_supply_alerts(s, &sup, o.last_week - (int)(o.weeks - 1) * 7, -1,
			     &al, &err))
		die(&err, "alerts of the period");
	for (p = strchr(out.truth.buf, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
		char dev[16], start[16], shortw[16] = "";
		int pref, ws, wsh;
		if (sscanf(p, "%*[^,],%*[^,],%*[^,],%15[^,],%d,%15[^,],%*[^,],%*[^,],%15[0-9-]",
			   dev, &pref, start, shortw) != 4 ||
		    !*shortw || kb_week_parse(start, &ws) ||
		    kb_week_parse(shortw, &wsh))
			continue;
		shortages++;
		for (i = 0; i < al.n; i++) {
			const struct kb_alert *a = &al.v[i];
			if (a->device != KB_NONE &&
			    !strcmp(sup.devices[a->device].code, dev) &&
			    (!pref || !a->pref || a->pref == pref) &&
			    a->week >= ws && a->week < wsh) {
				found++;
				break;
			}
		}
	}
	for (i = 0; i < al.n; i++) {
		const struct kb_alert *a = &al.v[i];
		int ok = 0;
		if (a->rule == KB_ALERT_SILENT)
			continue;
		counted++;
		for (p = strchr(out.truth.buf, '\n') + 1; *p && !ok;
		     p = strchr(p, '\n') + 1) {
			char dev[16], start[16], endw[16];
			int pref, ws, we;
			if (sscanf(p, "%*[^,],%*[^,],%*[^,],%15[^,],%d,%15[^,],%15[^,]",
				   dev, &pref, start, endw) == 4 &&
			    !kb_week_parse(start, &ws) &&
			    !kb_week_parse(endw, &we) &&
			    !strcmp(sup.devices[a->device].code, dev) &&
			    (!pref || !a->pref || a->pref == pref) &&
			    a->week >= ws && a->week <= we + 8 * 7)
				ok = 1;
		}
		false_alarms += !ok;
		by_rule[a->rule][0]++;
		by_rule[a->rule][1] += !ok;
	}
	printf("detection: %zu of %zu injected shortages alerted before the "
	       "stock ran out (%.1f%%, target >= 95%%); alerts outside any "
	       "disruption: %zu of %zu (%.1f%%)\n",
	       found, shortages, shortages ? 100.0 * found / shortages : 100.0,
	       false_alarms, counted,
	       counted ? 100.0 * false_alarms / counted : 0.0);
	for (i = 0; i < 8; i++)
		if (by_rule[i][0])
			printf("  %s: %zu alerts, %zu outside any disruption\n",
			       kb_alert_rule_key((enum kb_alert_rule)i),
			       by_rule[i][0], by_rule[i][1]);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak resident memory: %.0f MiB (the database file is mapped "
	       "for reading: its pages count here)\n",
	       ru.ru_maxrss / 1024.0);
	kb_alerts_release(&al);
	kb_supply_release(&sup);
	kb_gen_out_release(&out);
	kb_buf_release(&c.first);
	kb_store_close(s);
	kb_err_release(&err);
	unlink(path);
	return 0;
}
