/*
 * report.c - manufacturers' and hospitals' weekly reports, and the weekly
 * aggregates derived from them.
 *
 * A report is one organisation's submission for one week, named by the
 * report_id the submitter gives it; a file may hold many reports.  The
 * import checks every row (organisation and device known, figures not
 * negative, stock-out days 0-7, each organisation's weeks in order, no
 * week in the future), then every report against the store: a known
 * report id must keep its organisation and week; its new lines replace the
 * old ones, which are kept in *_line_old with the version they belonged
 * to; a line that another report already gives is a conflict.  Nothing is
 * written unless the whole file is right.  Then, in the same transaction,
 * the aggregates of every week the file touched are rewritten from the
 * lines, so they are never stale.  They depend on the lines and on each
 * hospital's prefecture: the import of organisations sums again, in its
 * transaction, every week of a hospital that moves (registry.c).  Stored
 * or recomputed, a week's sums are the same doubles (tests/unit/
 * test_supply_agg.c checks it after every kind of write).
 *
 * Speed matters here (a national week is 410,000 lines): rows are parsed
 * without allocating, organisations and devices are looked up in hash
 * maps (a run of rows of one organisation and report costs one compare),
 * repeated devices are found by sorting rather than in a set, the store is
 * asked once per report rather than once per line, and lines are inserted
 * in key order, BATCH rows to a prepared statement.  So the rows have a
 * loop of their own, not the one import loop of kiban/import.h (which
 * allocates every field); only the header is mapped the same way, from a
 * table of columns (kb_import_header).
 */
#include "core/compat.h"

#include <pthread.h>

#include "core/ident.h"
#include "core/strmap.h"
#include "kiban/import.h"
#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

enum { R_ID, R_ORG, R_DEVICE, R_WEEK, R_V0, R_V1, R_V2, R_V3, R_NCOLS };

struct kind {
	const char *key; /* report.kind */
	const char *line_table;
	const char *org_col; /* "facility" or "org" */
	size_t nv;	     /* figures per line */
	/* the header's columns; the rows are read by read_line() */
	struct kb_import_col cols[R_NCOLS];
};

/* A report's columns (all required): its id, its organisation (org), the
 * device, the week, then its figures. */
#define COL(name, ja, type)                  \
	{                                    \
		KB_COL(name, ja, 1, type, 0) \
	}

static const struct kind stock_kind = {
	"stock",
	"stock_line",
	"facility",
	3,
	{ COL("report_id", "報告ID", KB_IMPORT_ID),
	  COL("facility", "医療機関", KB_IMPORT_TEXT),
	  COL("device", "機器コード", KB_IMPORT_TEXT),
	  COL("week", "週", KB_IMPORT_RAW), COL("stock", "在庫数", KB_IMPORT_NUM),
	  COL("consumption", "使用数", KB_IMPORT_NUM),
	  COL("stockout_days", "欠品日数", KB_IMPORT_NUM) },
};

static const struct kind production_kind = {
	"production",
	"production_line",
	"org",
	4,
	{ COL("report_id", "報告ID", KB_IMPORT_ID),
	  COL("org", "事業者", KB_IMPORT_TEXT),
	  COL("device", "機器コード", KB_IMPORT_TEXT),
	  COL("week", "週", KB_IMPORT_RAW),
	  COL("production", "生産数", KB_IMPORT_NUM),
	  COL("imports", "輸入数", KB_IMPORT_NUM),
	  COL("shipments", "出荷数", KB_IMPORT_NUM),
	  COL("inventory", "在庫数", KB_IMPORT_NUM) },
};

struct line {
	size_t rep; /* index into reports */
	long device;
	double v[4];
	unsigned lineno, col; /* of the row, of its device */
};

struct rep {
	char *id;
	size_t org;
	int week;
	unsigned line;	 /* first line */
	size_t first, n; /* its lines, after sorting */
	long old_n;	 /* report.n in the store, or 0 */
	int old_version;
	int same; /* identical to what the store holds */
};

/* The previous row's key and what it resolved to: rows come in runs of
 * one organisation and one report, so most lookups are this compare. */
struct memo {
	struct kb_buf key;
	size_t val;
};

static size_t memo_get(const struct memo *m, const char *key)
{
	return m->key.len && !strcmp(m->key.buf, key) ? m->val : KB_NONE;
}

static void memo_set(struct memo *m, const char *key, size_t val)
{
	kb_buf_reset(&m->key);
	kb_buf_adds(&m->key, key);
	m->val = val;
}

/* A number as typed; the common plain form without allocating. */
static int figure(const char *t, double *out)
{
	char *end;
	if (*t >= '0' && *t <= '9') {
		*out = strtod(t, &end);
		if (!*end)
			return 0;
	}
	return kb_parse_number(t, out);
}

static int by_report(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	if (x->rep != y->rep)
		return x->rep < y->rep ? -1 : 1;
	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/* Reports by organisation and week (their index in the file). */
struct rkey {
	size_t org, rep;
	int week;
};

static int by_org_week(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	if (x->week != y->week)
		return x->week < y->week ? -1 : 1;
	return x->rep < y->rep ? -1 : x->rep > y->rep;
}

/* Two reports of one file for the same organisation and week may give
 * different devices, never the same one: each device of a week is one
 * report's.  Each report's lines are sorted by device, so two reports are
 * compared by merging; only reports that share an organisation and a week
 * are compared (files rarely have any). */
static int twice_in_file(const char *file, const struct kb_supply *sup,
			 const struct rep *reps, size_t nreps,
			 const struct line *lines, struct kb_err *err)
{
	struct rkey *k = kb_malloc((nreps + 1) * sizeof(*k));
	enum kb_lang L = err->lang;
	size_t i, j, a, b;
	int bad = 0;

	for (i = 0; i < nreps; i++) {
		k[i].org = reps[i].org;
		k[i].week = reps[i].week;
		k[i].rep = i;
	}
	qsort(k, nreps, sizeof(*k), by_org_week);
	for (i = 0; i < nreps; i = j) {
		for (j = i + 1;
		     j < nreps && k[j].org == k[i].org && k[j].week == k[i].week;
		     j++)
			;
		for (a = i; a < j; a++)
			for (b = a + 1; b < j; b++) {
				const struct rep *p = &reps[k[a].rep];
				const struct rep *q = &reps[k[b].rep];
				size_t x = 0, y = 0;
				while (x < p->n && y < q->n) {
					const struct line *u =
						&lines[p->first + x];
					const struct line *v =
						&lines[q->first + y];
					const struct line *later;
					const char *dev, *org;
					char w[16];
					if (u->device != v->device) {
						x += u->device < v->device;
						y += v->device < u->device;
						continue;
					}
					later = u->lineno > v->lineno ? u : v;
					dev = sup->devices[kb_supply_device_n(
								   sup, u->device)]
						      .code;
					org = sup->orgs[p->org].id;
					kb_week_format(p->week, w);
					if (L == KB_LANG_JA)
						bad = kb_err_at(
							err, KB_EINVALID, file,
							later->lineno,
							later->col, "device",
							"'%s' の %s の週の機器 '%s' が報告 '%s' と報告 '%s'（%u 行目）の両方にあります。一つの週の機器の数値は一つの報告に入れてください",
							org, w, dev,
							later == u ? p->id : q->id,
							later == u ? q->id : p->id,
							later == u ? v->lineno
								   : u->lineno);
					else
						bad = kb_err_at(
							err, KB_EINVALID, file,
							later->lineno,
							later->col, "device",
							"device '%s' of '%s' for the week of %s is in report '%s' and in report '%s' (line %u): a device's figures for a week go in one report",
							dev, org, w,
							later == u ? p->id : q->id,
							later == u ? q->id : p->id,
							later == u ? v->lineno
								   : u->lineno);
					x++, y++;
				}
			}
	}
	free(k);
	return bad;
}

static int org_accepts(const struct kind *k, enum kb_org_kind kind)
{
	if (k == &stock_kind)
		return kind == KB_ORG_HOSPITAL;
	return kind == KB_ORG_MAH || kind == KB_ORG_MANUFACTURER ||
	       kind == KB_ORG_DISTRIBUTOR;
}

/* Checks one row; appends it to lines and its report to reps. */
static int read_line(struct kb_csv *c, const int *idx, struct kb_err *err,
		     const struct kind *k, const struct kb_supply *sup,
		     struct kb__strmap *repmap, struct rep **reps, size_t *nreps,
		     size_t *areps, struct memo *memo, struct line *ln,
		     int *last_week, int today, const char *only_org)
{
	enum kb_lang L = err->lang;
	const char *id = kb_csv_get(c, idx[R_ID]);
	const char *org = kb_csv_get(c, idx[R_ORG]);
	const char *dev = kb_csv_get(c, idx[R_DEVICE]);
	const char *wk = kb_csv_get(c, idx[R_WEEK]);
	size_t o = KB_NONE, d = KB_NONE, j, r, hit;
	int week = -1, bad = 0;
	char a[16], b[16];

	ln->lineno = c->rec_line;
	ln->col = kb_csv_col(c, idx[R_DEVICE]);
	if (!*id || !kb__id_ok(id))
		bad |= kb_csv_bad(
			c, err, idx[R_ID], "report_id",
			KB_TR(L, "invalid report id '%s' (letters, digits, '_', '.', '-'; at most 40)",
			      "報告 ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
			id);
	if ((o = memo_get(&memo[0], org)) == KB_NONE &&
	    (o = kb_supply_org(sup, org)) != KB_NONE)
		memo_set(&memo[0], org, o);
	if (o == KB_NONE)
		bad |= kb_csv_bad(
			c, err, idx[R_ORG], k->cols[R_ORG].name,
			k == &stock_kind
				? KB_TR(L, "unknown facility '%s' (not a registered hospital)",
					"医療機関 '%s' は未登録です（登録済みの病院ではありません）")
				: KB_TR(L, "unknown organisation '%s' (not registered)",
					"事業者 '%s' は未登録です"),
			org);
	else if (!org_accepts(k, sup->orgs[o].kind))
		bad |= kb_csv_bad(
			c, err, idx[R_ORG], k->cols[R_ORG].name,
			k == &stock_kind
				? KB_TR(L, "'%s' is a %s, not a hospital: stock reports come from hospitals",
					"'%s' は %s で、病院ではありません（在庫報告は病院が行います）")
				: KB_TR(L, "'%s' is a %s: production reports come from marketing-authorisation holders, manufacturers and distributors",
					"'%s' は %s です（生産報告は製造販売業者・製造業者・販売業者が行います）"),
			org, kb_org_kind_name(sup->orgs[o].kind, L));
	if (only_org && strcmp(org, only_org))
		bad |= kb_err_at(
			       err, KB_EDENIED, c->name, c->rec_line,
			       kb_csv_col(c, idx[R_ORG]), k->cols[R_ORG].name,
			       KB_TR(L, "this account reports for '%s' only, not for '%s'",
				     "このアカウントが報告できるのは '%s' の分だけです（'%s' は不可）"),
			       only_org, org) != 0;
	if ((d = kb_supply_device(sup, dev)) == KB_NONE)
		bad |= kb_csv_bad(
			c, err, idx[R_DEVICE], "device",
			KB_TR(L, "unknown device '%s' (not a registered device code)",
			      "機器 '%s' は未登録です（登録済みの機器コードではありません）"),
			dev);
	if (kb_week_parse(wk, &week))
		bad |= kb_csv_bad(
			c, err, idx[R_WEEK], "week",
			KB_TR(L, "'%s' is not a week (expected a date such as 2026-11-16, or 2026-W47)",
			      "'%s' は週ではありません（2026-11-16 のような日付か 2026-W47）"),
			wk);
	else if (week > today)
		bad |= kb_csv_bad(c, err, idx[R_WEEK], "week",
				  KB_TR(L, "the week of %s has not begun yet",
					"%s の週はまだ始まっていません"),
				  wk);
	for (j = 0; j < k->nv; j++) {
		const char *t = kb_csv_get(c, idx[R_V0 + j]);
		const char *name = k->cols[R_V0 + j].name;
		double *v = &ln->v[j];
		if (figure(t, v) || *v < 0 || !isfinite(*v))
			bad |= kb_csv_bad(
				c, err, idx[R_V0 + j], name,
				KB_TR(L, "'%s' is not a figure (expected a number of zero or more)",
				      "'%s' は数値ではありません（0 以上の数が必要です）"),
				t);
		else if (k == &stock_kind && j == 2 && (*v != floor(*v) || *v > 7))
			bad |= kb_csv_bad(
				c, err, idx[R_V0 + j], name,
				KB_TR(L, "%s is not a number of days in a week (expected 0 to 7)",
				      "%s は週の日数ではありません（0〜7）"),
				t);
	}
	if (o != KB_NONE && week >= 0 && week <= today) {
		if (last_week[o] > week) {
			kb_week_format(week, a);
			kb_week_format(last_week[o], b);
			bad |= kb_csv_bad(
				c, err, idx[R_WEEK], "week",
				KB_TR(L, "dates out of order: the week of %s comes after the week of %s for '%s'; sort each organisation's rows by week",
				      "日付の順序が逆です: %s の週が %s の週の後にあります（'%s'）。組織ごとに週の順に並べてください"),
				a, b, org);
		} else {
			last_week[o] = week;
		}
	}
	if (bad || !*id)
		return -1;
	hit = memo_get(&memo[1], id);
	r = hit != KB_NONE ? hit : kb__strmap_get(repmap, id);
	if (r == KB_NONE) {
		KB_ALLOC_GROW(*reps, *nreps + 1, *areps);
		r = (*nreps)++;
		memset(&(*reps)[r], 0, sizeof(**reps));
		(*reps)[r].id = kb_strdup(id);
		(*reps)[r].org = o;
		(*reps)[r].week = week;
		(*reps)[r].line = c->rec_line;
		kb__strmap_put(repmap, (*reps)[r].id, r);
	} else if ((*reps)[r].org != o || (*reps)[r].week != week) {
		const struct rep *p = &(*reps)[r];
		kb_week_format(p->week, a);
		return kb_csv_bad(
			c, err, idx[(*reps)[r].org != o ? R_ORG : R_WEEK],
			(*reps)[r].org != o ? k->cols[R_ORG].name : "week",
			KB_TR(L, "report '%s' began on line %u for '%s', week of %s: one report is one organisation's one week",
			      "報告 '%s' は %u 行目で '%s' の %s の週として始まっています。一つの報告は一組織の一週分です"),
			id, p->line, sup->orgs[p->org].id, a);
	}
	if (hit == KB_NONE)
		memo_set(&memo[1], id, r);
	ln->rep = r;
	ln->device = sup->devices[d].n;
	return 0;
}

/* The stored lines of a report's organisation and week: device -> figures. */
struct stored {
	long device, report;
	double v[4];
};

static void load_stored(sqlite3_stmt *q, int week, long org,
			struct stored **out, size_t *n, size_t *alloc, size_t nv)
{
	size_t j;
	*n = 0;
	sqlite3_bind_int(q, 1, week);
	sqlite3_bind_int64(q, 2, org);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct stored *x;
		KB_ALLOC_GROW(*out, *n + 1, *alloc);
		x = &(*out)[(*n)++];
		x->device = (long)sqlite3_column_int64(q, 0);
		x->report = (long)sqlite3_column_int64(q, 1);
		for (j = 0; j < nv; j++)
			x->v[j] = sqlite3_column_double(q, 2 + (int)j);
	}
	sqlite3_reset(q);
}

/* Lines go in BATCH rows to a statement: SQLite's work per statement
 * then counts once per batch rather than once per row. */
enum { BATCH = 16 };

static sqlite3_stmt *insert_stmt(struct kb_store *s, const struct kind *k,
				 size_t rows, struct kb_err *err)
{
	struct kb_buf sql = KB_BUF_INIT;
	sqlite3_stmt *st;
	size_t i;
	kb_buf_addf(&sql, "INSERT INTO %s (week, %s, device, report, %s) VALUES ",
		    k->line_table, k->org_col,
		    k->nv == 3 ? "stock, consumption, stockout_days"
			       : "production, imports, shipments, inventory");
	for (i = 0; i < rows; i++)
		kb_buf_addf(&sql, "%s(?, ?, ?, ?, ?, ?, ?%s)", i ? ", " : "",
			    k->nv == 4 ? ", ?" : "");
	st = kb__sql_cached(s, sql.buf, err);
	kb_buf_release(&sql);
	return st;
}

static int insert_lines(struct kb_store *s, sqlite3_stmt *one,
			sqlite3_stmt *many, const struct kind *k, int week,
			long org, sqlite3_int64 report, const struct line *ln,
			size_t n, struct kb_err *err)
{
	size_t j = 0, b, m, v;
	int r = 0;
	while (!r && j < n) {
		sqlite3_stmt *x = n - j >= BATCH ? many : one;
		for (b = 0, m = x == many ? BATCH : 1; b < m; b++, j++) {
			int at = (int)(b * (4 + k->nv));
			sqlite3_bind_int(x, at + 1, week);
			sqlite3_bind_int64(x, at + 2, org);
			sqlite3_bind_int64(x, at + 3, ln[j].device);
			sqlite3_bind_int64(x, at + 4, report);
			for (v = 0; v < k->nv; v++)
				sqlite3_bind_double(x, at + 5 + (int)v,
						    ln[j].v[v]);
		}
		r = kb__sql_done(s, x, err);
	}
	return r;
}

static int import_reports(struct kb_store *s, struct kb_csv *c,
			  const struct kb_import_opts *o,
			  struct kb_import_stats *st, struct kb_err *err,
			  const struct kind *k)
{
	enum kb_lang L = err->lang;
	struct kb_supply own;
	const struct kb_supply *sp = o->registry;
	struct kb__strmap repmap;
	struct rep *reps = NULL;
	struct line *lines = NULL;
	struct stored *stored = NULL;
	struct memo memo[2] = { { KB_BUF_INIT, 0 }, { KB_BUF_INIT, 0 } };
	size_t nreps = 0, areps = 0, n = 0, alloc = 0, nstored = 0, astored = 0;
	size_t i, j;
	int idx[R_NCOLS], r, bad = 0, today, *last_week = NULL, *weeks = NULL;
	size_t nweeks = 0, aweeks = 0;
	sqlite3_stmt *q_rep = NULL, *q_lines = NULL, *ins = NULL,
		     *ins_many = NULL;
	sqlite3_stmt *ins_rep = NULL;
	struct kb_buf sql = KB_BUF_INIT;
	char when[32];

	memset(st, 0, sizeof(*st));
	if (!sp) {
		if ((r = kb_supply_load(s, &own, err)))
			return r;
		sp = &own;
	}
#define sup (*sp)
	kb__strmap_init(&repmap);
	today = (int)((o->now + 9 * 3600) / 86400);
	last_week = kb_malloc((sup.norgs + 1) * sizeof(int));
	for (i = 0; i <= sup.norgs; i++)
		last_week[i] = INT_MIN;
	if ((r = kb_import_header(c, k->cols, 4 + k->nv, idx, err)))
		goto out;
	while ((r = kb_csv_next(c, err)) == 1) {
		KB_ALLOC_GROW(lines, n + 1, alloc);
		if (read_line(c, idx, err, k, &sup, &repmap, &reps, &nreps, &areps,
			      memo, &lines[n], last_week, today, o->only_org)) {
			bad = 1;
			continue;
		}
		n++;
		if (o->progress && (n & 0x3fff) == 0)
			o->progress(o->progress_ctx, c->pos, c->len);
	}
	st->rows = n + (size_t)bad;
	if (r < 0)
		goto out;
	/* each report's lines together, by device: a repeat is adjacent
	 * (files usually come in this order already) */
	for (i = 1; i < n && by_report(&lines[i - 1], &lines[i]) < 0; i++)
		;
	if (i < n)
		qsort(lines, n, sizeof(*lines), by_report);
	for (i = 0; i < n; i = j) {
		struct rep *p = &reps[lines[i].rep];
		p->first = i;
		for (j = i + 1; j < n && lines[j].rep == lines[i].rep; j++)
			if (lines[j].device == lines[j - 1].device)
				bad = kb_err_at(
					err, KB_EINVALID, c->name,
					lines[j].lineno, lines[j].col, "device",
					KB_TR(L, "device '%s' appears twice in report '%s' (also on line %u)",
					      "機器 '%s' が報告 '%s' に二度出てきます（%u 行目にも）"),
					sup.devices[kb_supply_device_n(
							    &sup, lines[j].device)]
						.code,
					p->id, lines[j - 1].lineno);
		p->n = j - i;
	}
	if (!bad)
		bad = twice_in_file(c->name, &sup, reps, nreps, lines, err);
	if (bad) {
		r = KB_EINVALID;
		kb_err_sort(err);
		goto out;
	}

	/* against the store: once per report */
	q_rep = kb__sql_cached(s,
			       "SELECT n, kind, org, week, version FROM report "
			       "WHERE id = ?1",
			       err);
	kb_buf_addf(&sql,
		    "SELECT device, report, %s FROM %s WHERE week = ?1 AND "
		    "%s = ?2",
		    k->nv == 3 ? "stock, consumption, stockout_days"
			       : "production, imports, shipments, inventory",
		    k->line_table, k->org_col);
	q_lines = kb__sql_cached(s, sql.buf, err);
	if (!q_rep || !q_lines) {
		r = KB_EDB;
		goto out;
	}
	for (i = 0; i < nreps; i++) {
		struct rep *p = &reps[i];
		const struct kb_org *org = &sup.orgs[p->org];
		char a[16];
		kb__sql_bind_text(q_rep, 1, p->id);
		if (sqlite3_step(q_rep) == SQLITE_ROW) {
			const char *kind =
				(const char *)sqlite3_column_text(q_rep, 1);
			long on = (long)sqlite3_column_int64(q_rep, 2);
			int ow = sqlite3_column_int(q_rep, 3);
			p->old_n = (long)sqlite3_column_int64(q_rep, 0);
			p->old_version = sqlite3_column_int(q_rep, 4);
			if (strcmp(kind, k->key) || on != org->n ||
			    ow != p->week) {
				size_t oi = kb_supply_org_n(&sup, on);
				kb_week_format(ow, a);
				kb_err_at(
					err, KB_EINVALID, c->name, p->line, 0,
					"report_id",
					KB_TR(L, "report id '%s' is already used for %s report of '%s', week of %s, with different content: give this report an id of its own",
					      "報告 ID '%s' はすでに別の内容（%s 報告、'%s'、%s の週）に使われています。この報告には別の ID を付けてください"),
					p->id, kind,
					oi != KB_NONE ? sup.orgs[oi].id : "?", a);
				bad = 1;
			}
		}
		sqlite3_reset(q_rep);
		load_stored(q_lines, p->week, org->n, &stored, &nstored,
			    &astored, k->nv);
		/* the same as the stored version: its lines, no more, no
		 * fewer (another report may give other devices of the week) */
		p->same = p->old_n != 0;
		for (j = 0; j < p->n; j++) {
			const struct line *ln = &lines[p->first + j];
			size_t m;
			for (m = 0; m < nstored; m++)
				if (stored[m].device == ln->device)
					break;
			if (m == nstored) {
				p->same = 0;
				continue;
			}
			if (stored[m].report != p->old_n) {
				sqlite3_stmt *q = kb__sql_prepare(
					s, "SELECT id FROM report WHERE n = ?1",
					err);
				char *other = NULL;
				if (q) {
					sqlite3_bind_int64(q, 1,
							   stored[m].report);
					if (sqlite3_step(q) == SQLITE_ROW)
						other = kb__sql_text(q, 0);
					sqlite3_finalize(q);
				}
				kb_week_format(p->week, a);
				kb_err_at(
					err, KB_EINVALID, c->name, ln->lineno,
					0, "device",
					KB_TR(L, "'%s' already reported device %s for the week of %s in report '%s'; to correct it, submit '%s' again",
					      "'%s' は機器 %s の %s の週の分をすでに報告 '%s' で報告しています。訂正するには '%s' を再提出してください"),
					org->id,
					sup.devices[kb_supply_device_n(&sup, ln->device)]
						.code,
					a, other ? other : "?",
					other ? other : "?");
				free(other);
				bad = 1;
				continue;
			}
			if (memcmp(stored[m].v, ln->v, k->nv * sizeof(double)))
				p->same = 0;
		}
		/* lines of the old version that the new one drops */
		if (p->old_n) {
			size_t mine = 0;
			for (j = 0; j < nstored; j++)
				mine += stored[j].report == p->old_n;
			if (mine != p->n)
				p->same = 0;
		}
		if (p->same)
			st->unchanged += p->n;
		else if (p->old_n)
			st->changed += p->n;
		else
			st->added += p->n;
	}
	if (bad) {
		r = KB_EINVALID;
		kb_err_sort(err);
		goto out;
	}
	if (o->dry_run)
		goto out;

	if ((r = kb_store_begin(s, err)))
		goto out;
	kb__iso_time(o->now, when);
	ins = insert_stmt(s, k, 1, err);
	ins_many = insert_stmt(s, k, BATCH, err);
	ins_rep = kb__sql_cached(
		s,
		"INSERT INTO report (id, kind, org, week, version, lines, "
		"submitted_at, submitted_by, late) VALUES (?1, ?2, ?3, ?4, 1, "
		"?5, ?6, ?7, ?8)",
		err);
	if (!ins || !ins_many || !ins_rep)
		r = KB_EDB;
	for (i = 0; !r && i < nreps; i++) {
		struct rep *p = &reps[i];
		const struct kb_org *org = &sup.orgs[p->org];
		int late = today > p->week + 9;
		sqlite3_int64 rn = p->old_n;
		if (p->same)
			continue;
		if (p->old_n) {
			kb_buf_reset(&sql);
			kb_buf_addf(
				&sql,
				"INSERT INTO report_version (report, version, "
				"lines, submitted_at, submitted_by, late, "
				"replaced_at, replaced_by) SELECT n, version, lines, "
				"submitted_at, submitted_by, late, ?2, ?3 FROM report "
				"WHERE n = ?1;"
				"INSERT INTO %s_old SELECT report, %d, device, %s FROM "
				"%s WHERE week = %d AND %s = %ld AND report = ?1;"
				"DELETE FROM %s WHERE week = %d AND %s = %ld AND "
				"report = ?1;"
				"UPDATE report SET version = version + 1, lines = ?4, "
				"submitted_at = ?2, submitted_by = ?3, late = ?5 "
				"WHERE n = ?1",
				k->line_table, p->old_version,
				k->nv == 3
					? "stock, consumption, stockout_days"
					: "production, imports, shipments, inventory",
				k->line_table, p->week, k->org_col, org->n,
				k->line_table, p->week, k->org_col, org->n);
			{
				const char *tail = sql.buf;
				while (!r && tail && *tail) {
					sqlite3_stmt *x = NULL;
					if (sqlite3_prepare_v2(
						    kb_store_sqlite(s), tail, -1,
						    &x, &tail) != SQLITE_OK) {
						r = kb__sql_fail(
							err, kb_store_sqlite(s),
							"report");
						break;
					}
					if (!x)
						break;
					sqlite3_bind_int64(x, 1, rn);
					if (sqlite3_bind_parameter_count(x) >= 2)
						kb__sql_bind_text(x, 2, when);
					if (sqlite3_bind_parameter_count(x) >= 3)
						kb__sql_bind_text(x, 3, o->actor);
					if (sqlite3_bind_parameter_count(x) >= 4)
						sqlite3_bind_int64(
							x, 4,
							(sqlite3_int64)p->n);
					if (sqlite3_bind_parameter_count(x) >= 5)
						sqlite3_bind_int(x, 5, late);
					r = kb__sql_done(s, x, err);
					sqlite3_finalize(x);
				}
			}
		} else {
			sqlite3_stmt *x = ins_rep;
			kb__sql_bind_text(x, 1, p->id);
			kb__sql_bind_text(x, 2, k->key);
			sqlite3_bind_int64(x, 3, org->n);
			sqlite3_bind_int(x, 4, p->week);
			sqlite3_bind_int64(x, 5, (sqlite3_int64)p->n);
			kb__sql_bind_text(x, 6, when);
			kb__sql_bind_text(x, 7, o->actor);
			sqlite3_bind_int(x, 8, late);
			r = kb__sql_done(s, x, err);
			rn = sqlite3_last_insert_rowid(kb_store_sqlite(s));
		}
		if (!r)
			r = insert_lines(s, ins, ins_many, k, p->week, org->n,
					 rn, &lines[p->first], p->n, err);
		for (j = 0; j < nweeks && weeks[j] != p->week; j++)
			;
		if (j == nweeks) {
			KB_ALLOC_GROW(weeks, nweeks + 1, aweeks);
			weeks[nweeks++] = p->week;
		}
		if (o->progress && (i & 0xff) == 0)
			o->progress(o->progress_ctx, c->len, c->len);
	}
	for (j = 0; j < nweeks; j++) {
		if (!st->week_min || weeks[j] < st->week_min)
			st->week_min = weeks[j];
		if (weeks[j] > st->week_max)
			st->week_max = weeks[j];
	}
	if (!r && !o->defer_aggregates)
		r = kb__supply_aggregate(s, weeks, nweeks, 0, NULL, err);
	r = kb_store_end(s, r, err);
out:
	for (i = 0; i < nreps; i++)
		free(reps[i].id);
	free(reps);
	free(lines);
	free(stored);
	kb_buf_release(&memo[0].key);
	kb_buf_release(&memo[1].key);
	free(last_week);
	free(weeks);
	kb__sql_finish(s, q_rep);
	kb__sql_finish(s, q_lines);
	kb__sql_finish(s, ins);
	kb__sql_finish(s, ins_many);
	kb__sql_finish(s, ins_rep);
	kb_buf_release(&sql);
	kb__strmap_release(&repmap);
	if (sp == &own)
		kb_supply_release(&own);
	return r;
#undef sup
}

int kb_stock_import(struct kb_store *s, struct kb_csv *c,
		    const struct kb_import_opts *o, struct kb_import_stats *st,
		    struct kb_err *err)
{
	return import_reports(s, c, o, st, err, &stock_kind);
}

int kb_production_import(struct kb_store *s, struct kb_csv *c,
			 const struct kb_import_opts *o,
			 struct kb_import_stats *st, struct kb_err *err)
{
	return import_reports(s, c, o, st, err, &production_kind);
}

/* ---- aggregates ---- */

struct cell {
	int facilities, demand_facilities, stockout_facilities, stockout_days;
	int low_facilities;
	double stock, consumption, demand;
};

struct pcell {
	int reporters;
	double v[4];
};

static int max_n(struct kb_store *s, const char *table, long *out,
		 struct kb_err *err)
{
	char sql[64];
	sqlite3_stmt *st;
	snprintf(sql, sizeof(sql), "SELECT coalesce(max(n), 0) FROM %s", table);
	if (!(st = kb__sql_prepare(s, sql, err)))
		return KB_EDB;
	*out = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0)
					      : 0;
	sqlite3_finalize(st);
	return 0;
}

/* One week's sums, read through a connection of its own: the store's, or a
 * second one on another thread (see kb__supply_aggregate). */
struct summer {
	sqlite3 *db;
	sqlite3_stmt *lines, *plines;
	const unsigned char *pref; /* org.n -> prefecture */
	long maxdev, maxorg;
	struct cell *cells;
	struct pcell *pcells;
	int week;
	size_t rows;
	int rc; /* SQLITE_DONE, or why the lines could not all be read */
};

static int summer_open(struct summer *u, sqlite3 *db, const unsigned char *pref,
		       long maxdev, long maxorg)
{
	memset(u, 0, sizeof(*u));
	u->db = db;
	u->pref = pref;
	u->maxdev = maxdev;
	u->maxorg = maxorg;
	u->cells = kb_malloc((size_t)(maxdev + 1) * (KB_NPREF + 1) *
			     sizeof(*u->cells));
	u->pcells = kb_malloc((size_t)(maxdev + 1) * sizeof(*u->pcells));
	if (sqlite3_prepare_v2(db,
			       "SELECT facility, device, stock, consumption, "
			       "stockout_days FROM stock_line WHERE week = ?1",
			       -1, &u->lines, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT device, production, imports, shipments, "
			       "inventory FROM production_line WHERE week = ?1",
			       -1, &u->plines, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

static void summer_close(struct summer *u)
{
	sqlite3_finalize(u->lines);
	sqlite3_finalize(u->plines);
	free(u->cells);
	free(u->pcells);
}

static void *sum_week(void *arg)
{
	struct summer *u = arg;
	sqlite3_int64 maxdev = u->maxdev, maxorg = u->maxorg;
	int rc;
	memset(u->cells, 0,
	       (size_t)(maxdev + 1) * (KB_NPREF + 1) * sizeof(*u->cells));
	memset(u->pcells, 0, (size_t)(maxdev + 1) * sizeof(*u->pcells));
	sqlite3_bind_int(u->lines, 1, u->week);
	while ((rc = sqlite3_step(u->lines)) == SQLITE_ROW) {
		sqlite3_int64 f = sqlite3_column_int64(u->lines, 0);
		sqlite3_int64 dv = sqlite3_column_int64(u->lines, 1);
		double stock = sqlite3_column_double(u->lines, 2);
		double used = sqlite3_column_double(u->lines, 3);
		int out_days = sqlite3_column_int(u->lines, 4);
		int k;
		u->rows++;
		if (f > maxorg || dv > maxdev)
			continue;
		for (k = 0; k < 2; k++) {
			struct cell *x = &u->cells[(size_t)dv * (KB_NPREF + 1) +
						   (k ? u->pref[f] : 0)];
			x->facilities++;
			x->stock += stock;
			x->consumption += used;
			if (out_days < 7) {
				double dem = used * 7 / (7 - out_days);
				x->demand_facilities++;
				x->demand += dem;
				x->low_facilities += stock < dem;
			} else {
				x->low_facilities++;
			}
			if (out_days > 0) {
				x->stockout_facilities++;
				x->stockout_days += out_days;
			}
		}
	}
	u->rc = rc;
	sqlite3_reset(u->lines);
	sqlite3_bind_int(u->plines, 1, u->week);
	while ((rc = sqlite3_step(u->plines)) == SQLITE_ROW) {
		sqlite3_int64 dv = sqlite3_column_int64(u->plines, 0);
		int k;
		u->rows++;
		if (dv > maxdev)
			continue;
		u->pcells[dv].reporters++;
		for (k = 0; k < 4; k++)
			u->pcells[dv].v[k] +=
				sqlite3_column_double(u->plines, 1 + k);
	}
	if (u->rc == SQLITE_DONE)
		u->rc = rc;
	sqlite3_reset(u->plines);
	return NULL;
}

/* Writes the sums of u->week in place of the old ones. */
static int write_week(struct kb_store *s, const struct summer *u,
		      sqlite3_stmt *del, sqlite3_stmt *pdel, sqlite3_stmt *ins,
		      sqlite3_stmt *pins, struct kb_err *err)
{
	long d;
	size_t c;
	int r, k;
	sqlite3_bind_int(del, 1, u->week);
	sqlite3_bind_int(pdel, 1, u->week);
	if ((r = kb__sql_done(s, del, err)) || (r = kb__sql_done(s, pdel, err)))
		return r;
	for (d = 1; !r && d <= u->maxdev; d++) {
		const struct pcell *p = &u->pcells[d];
		for (c = 0; !r && c <= KB_NPREF; c++) {
			const struct cell *x =
				&u->cells[(size_t)d * (KB_NPREF + 1) + c];
			if (!x->facilities)
				continue;
			sqlite3_bind_int(ins, 1, u->week);
			sqlite3_bind_int64(ins, 2, d);
			sqlite3_bind_int(ins, 3, (int)c);
			sqlite3_bind_int(ins, 4, x->facilities);
			sqlite3_bind_int(ins, 5, x->demand_facilities);
			sqlite3_bind_int(ins, 6, x->stockout_facilities);
			sqlite3_bind_int(ins, 7, x->stockout_days);
			sqlite3_bind_double(ins, 8, x->stock);
			sqlite3_bind_double(ins, 9, x->consumption);
			sqlite3_bind_double(ins, 10, x->demand);
			sqlite3_bind_int(ins, 11, x->low_facilities);
			r = kb__sql_done(s, ins, err);
		}
		if (r || !p->reporters)
			continue;
		sqlite3_bind_int(pins, 1, u->week);
		sqlite3_bind_int64(pins, 2, d);
		sqlite3_bind_int(pins, 3, p->reporters);
		for (k = 0; k < 4; k++)
			sqlite3_bind_double(pins, 4 + k, p->v[k]);
		r = kb__sql_done(s, pins, err);
	}
	return r;
}

/*
 * Reading the lines is the cost (43 million at national scale over two
 * years), so with several weeks to do a second thread sums every other
 * week through a read-only connection of its own while this one sums the
 * rest; the writes stay on the store's connection.  The second connection
 * sees only the last commit, so it is used only when the caller says the
 * lines are committed (a recomputation in a transaction of its own, which
 * changes no line); an import's lines are this transaction's, and are
 * summed here, on one thread.  Either way the lines of a week are read in
 * key order (facility, device), so its sums are the same doubles however
 * and whenever they are computed.
 */
int kb__supply_aggregate(struct kb_store *s, const int *weeks, size_t n,
			 int committed, size_t *rows, struct kb_err *err)
{
	long maxdev, maxorg;
	unsigned char *pref = NULL;
	struct summer u[2];
	sqlite3 *db2 = NULL;
	sqlite3_stmt *del = NULL, *ins = NULL, *pdel = NULL, *pins = NULL, *st;
	size_t i;
	int r, two = 0;

	memset(u, 0, sizeof(u));
	if ((r = max_n(s, "device", &maxdev, err)) ||
	    (r = max_n(s, "org", &maxorg, err)))
		return r;
	pref = kb_calloc((size_t)maxorg + 1, 1);
	if (!(st = kb__sql_prepare(
		      s, "SELECT n, coalesce(prefecture, 0) FROM org", err))) {
		r = KB_EDB;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_int64 o = sqlite3_column_int64(st, 0);
		if (o <= maxorg)
			pref[o] = (unsigned char)sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	del = kb__sql_prepare(s, "DELETE FROM stock_agg WHERE week = ?1", err);
	pdel = kb__sql_prepare(s, "DELETE FROM production_agg WHERE week = ?1",
			       err);
	ins = kb__sql_prepare(
		s,
		"INSERT INTO stock_agg (week, device, prefecture, facilities, "
		"demand_facilities, stockout_facilities, stockout_days, stock, "
		"consumption, demand, low_facilities) VALUES (?1, ?2, ?3, ?4, "
		"?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		err);
	pins = kb__sql_prepare(
		s,
		"INSERT INTO production_agg (week, device, reporters, "
		"production, imports, shipments, inventory) VALUES (?1, ?2, "
		"?3, ?4, ?5, ?6, ?7)",
		err);
	if (!del || !pdel || !ins || !pins ||
	    summer_open(&u[0], kb_store_sqlite(s), pref, maxdev, maxorg)) {
		r = kb__sql_fail(err, kb_store_sqlite(s), "aggregate");
		goto out;
	}
	if (committed && n >= 4 &&
	    sqlite3_open_v2(kb_store_path(s), &db2,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) == SQLITE_OK &&
	    sqlite3_exec(db2, KB__SQL_MMAP, NULL, NULL, NULL) == SQLITE_OK &&
	    !summer_open(&u[1], db2, pref, maxdev, maxorg))
		two = 1;
	for (i = 0; !r && i < n; i += 1 + two) {
		pthread_t t;
		int helper = 0;
		u[0].week = weeks[i];
		if (two && i + 1 < n) {
			u[1].week = weeks[i + 1];
			helper = !pthread_create(&t, NULL, sum_week, &u[1]);
			if (!helper) /* no thread: this one sums both */
				sum_week(&u[1]);
		}
		sum_week(&u[0]);
		if (helper)
			pthread_join(t, NULL);
		/* a week not read to its end is not written (as if empty) */
		if (u[0].rc != SQLITE_DONE ||
		    (two && i + 1 < n && u[1].rc != SQLITE_DONE)) {
			r = kb__sql_fail(
				err, u[0].rc != SQLITE_DONE ? u[0].db : u[1].db,
				"aggregate");
			break;
		}
		r = write_week(s, &u[0], del, pdel, ins, pins, err);
		if (!r && two && i + 1 < n)
			r = write_week(s, &u[1], del, pdel, ins, pins, err);
	}
out:
	if (rows)
		*rows = u[0].rows + u[1].rows;
	summer_close(&u[0]);
	summer_close(&u[1]);
	sqlite3_close(db2);
	sqlite3_finalize(del);
	sqlite3_finalize(pdel);
	sqlite3_finalize(ins);
	sqlite3_finalize(pins);
	free(pref);
	return r;
}

int kb_supply_aggregate(struct kb_store *s, const int *weeks, size_t n,
			struct kb_err *err)
{
	return kb__supply_aggregate(s, weeks, n, 0, NULL, err);
}

int kb_supply_recompute(struct kb_store *s, size_t *rows, struct kb_err *err)
{
	sqlite3_stmt *st;
	int *weeks = NULL, r, committed;
	size_t n = 0, alloc = 0;

	*rows = 0;
	/* the lines are all committed only if no transaction is open: one
	 * that is may have written some (an import whose aggregates were
	 * deferred), and a second connection would not see them */
	committed = sqlite3_get_autocommit(kb_store_sqlite(s)) != 0;
	if ((r = kb_store_begin(s, err)))
		return r;
	st = kb__sql_prepare(s, "SELECT DISTINCT week FROM report ORDER BY week",
			     err);
	if (!st)
		return kb_store_end(s, KB_EDB, err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		KB_ALLOC_GROW(weeks, n + 1, alloc);
		weeks[n++] = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	r = kb__sql_exec(s, "DELETE FROM stock_agg; DELETE FROM production_agg",
			 err);
	if (!r)
		r = kb__supply_aggregate(s, weeks, n, committed, rows, err);
	free(weeks);
	return kb_store_end(s, r, err);
}

int kb_supply_latest_week(struct kb_store *s, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s, "SELECT max(week) FROM report WHERE kind = 'stock'", err);
	int w = -1;
	if (!st)
		return KB_EDB;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		w = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return w;
}

int kb_reports_list(struct kb_store *s, const struct kb_report_query *q,
		    json_t **out, size_t *total, struct kb_err *err)
{
#define REPORT_WHERE                                                     \
	" FROM report r JOIN org o ON o.n = r.org WHERE (?1 IS NULL OR " \
	"o.id = ?1) AND (?2 = 0 OR o.prefecture = ?2) AND (?3 < 0 OR "   \
	"r.week = ?3) AND (?4 = 0 OR r.late)"
	sqlite3_stmt *st[2];
	size_t i, k;
	*out = NULL;
	st[0] = kb__sql_prepare(
		s,
		"SELECT r.id, r.kind, o.id AS org, date(r.week * 86400, "
		"'unixepoch') AS week, r.version, r.lines, r.submitted_at, "
		"r.submitted_by, r.late" REPORT_WHERE
		" ORDER BY r.week DESC, o.id, r.id LIMIT ?5 OFFSET ?6",
		err);
	st[1] = st[0] ? kb__sql_prepare(s, "SELECT count(*)" REPORT_WHERE, err)
		      : NULL;
#undef REPORT_WHERE
	if (!st[1]) {
		sqlite3_finalize(st[0]);
		return KB_EDB;
	}
	for (k = 0; k < 2; k++) {
		kb__sql_bind_text(st[k], 1, q->org);
		sqlite3_bind_int(st[k], 2, q->pref);
		sqlite3_bind_int(st[k], 3, q->week);
		sqlite3_bind_int(st[k], 4, q->late);
	}
	sqlite3_bind_int64(st[0], 5, (sqlite3_int64)q->limit);
	sqlite3_bind_int64(st[0], 6, (sqlite3_int64)q->offset);
	*total = sqlite3_step(st[1]) == SQLITE_ROW
			 ? (size_t)sqlite3_column_int64(st[1], 0)
			 : 0;
	*out = kb__sql_rows_json(st[0]);
	for (i = 0; i < json_array_size(*out); i++) {
		json_t *x = json_array_get(*out, i);
		json_object_set_new(x, "late",
				    json_boolean(json_integer_value(
					    json_object_get(x, "late"))));
	}
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	return 0;
}
