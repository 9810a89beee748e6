/*
 * completeness.c - reporting completeness: how many of the hospitals that
 * should report a week did, and on time; which week is complete enough to
 * stand for the nation; and who has not reported.
 *
 * Definitions (also in docs/supply-format.md).  For a week w and a scope
 * (the nation, or a prefecture):
 *   expected  the hospitals of the scope in the registry (org kind
 *             'hospital'; one without a prefecture counts nationally only).
 *             The registry has no dates, so a hospital registered today is
 *             expected in past weeks as well.
 *   reported  the expected hospitals with a stock report for w (several
 *             reports of one hospital for one week count once).
 *   on time   of those, the hospitals one of whose reports for w came, in
 *             its first version, by the deadline the import records as
 *             `late` (report.c: by the end of the Wednesday after the
 *             week, Japan time).  A correction keeps the first version's
 *             flag in report_version, and a report corrected after the
 *             deadline stays on time.
 *   rate      reported / expected in percent; on-time rate likewise; none
 *             (-1, null) when nothing is expected.
 * For a device d the expected hospitals are those of the scope that gave a
 * line for d in any of the KB_COMPL_DEVICE_WEEKS (13) weeks w-12 .. w: a
 * hospital that never uses a device is not expected to report it, and one
 * that stopped a quarter ago no longer is.  Reported: those with a line
 * for d in w (the facilities of stock_agg); on time: the report holding
 * that line was.
 *
 * The latest complete week: walking back from the latest week with a
 * stock report, the first whose national rate reaches the installation's
 * threshold (the setting completeness_threshold, 80 % by default); the
 * weeks after it with reports are still coming in.  One hospital's early
 * report of next week therefore no longer moves the national picture.
 * When no week reaches the threshold (a pilot with part of the country),
 * the most complete week is shown, the latest of equals, and said to be
 * incomplete.
 *
 * Everything is computed from the report table (and, for devices, the
 * lines) when asked.  A national week is ~8,200 report rows read through
 * the index report_by_week; the devices' view reads the lines of its weeks
 * and the 12 before once, in key order, keeping per hospital and device
 * the last week it gave a line (a sliding window), so N weeks cost one
 * pass over N + 12 weeks of lines (0.5 s for one week at national scale).
 */
#include "core/compat.h"

#include "kiban/buf.h"
#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

#define SETTING_THRESHOLD "completeness_threshold"

/* The first version's late flag of a report, whatever its version now. */
#define FIRST_LATE "coalesce(v.late, r.late)"
#define FIRST_JOIN \
	" LEFT JOIN report_version v ON v.report = r.n AND v.version = 1"

void kb_compl_table_release(struct kb_compl_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

void kb_report_weeks_release(struct kb_report_weeks *w)
{
	free(w->coming);
	memset(w, 0, sizeof(*w));
}

void kb_missing_list_release(struct kb_missing_list *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static void rates(struct kb_compl *c)
{
	c->rate = c->expected ? 100.0 * c->reported / c->expected : -1;
	c->on_time_rate = c->expected ? 100.0 * c->on_time / c->expected : -1;
}

static int monday(int week)
{
	return kb_week_of_time((time_t)week * 86400);
}

/* ---- the threshold ---- */

int kb_completeness_threshold(struct kb_store *s, double *pct, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s, "SELECT value FROM setting WHERE name = ?1", err);
	*pct = KB_COMPL_THRESHOLD_DEFAULT;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, SETTING_THRESHOLD);
	if (sqlite3_step(st) == SQLITE_ROW) {
		double v = sqlite3_column_double(st, 0);
		if (v >= 0 && v <= 100)
			*pct = v;
	}
	sqlite3_finalize(st);
	return 0;
}

int kb_completeness_threshold_set(struct kb_store *s, double pct,
				  const char *actor, time_t now,
				  struct kb_err *err)
{
	char when[32], v[32];
	int r;
	if (!(pct >= 0 && pct <= 100))
		return kb_err_set(
			err, KB_EINVALID, "%s",
			KB_TR(err->lang,
			      "the completeness threshold is a percentage from 0 to 100",
			      "報告率の閾値は 0〜100 のパーセントです"));
	if ((r = kb_store_begin(s, err)))
		return r;
	kb__iso_time(now, when);
	snprintf(v, sizeof(v), "%g", pct);
	r = kb__sql_run(s, err,
			"INSERT OR REPLACE INTO setting (name, value, "
			"updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)",
			"tttt", SETTING_THRESHOLD, v, when, actor);
	return kb_store_end(s, r, err);
}

/* ---- one week, nationally ---- */

/* The national counts of one week, straight from the store. */
static int week_counts(struct kb_store *s, sqlite3_stmt *rep, int expected,
		       int week, struct kb_compl *c, struct kb_err *err)
{
	int rc;
	memset(c, 0, sizeof(*c));
	c->week = week;
	c->device = KB_NONE;
	c->expected = expected;
	sqlite3_reset(rep);
	sqlite3_bind_int(rep, 1, week);
	if ((rc = sqlite3_step(rep)) == SQLITE_ROW) {
		c->reported = sqlite3_column_int(rep, 0);
		c->on_time = sqlite3_column_int(rep, 1);
	} else if (rc != SQLITE_DONE) {
		return kb__sql_fail(err, kb_store_sqlite(s), "completeness");
	}
	sqlite3_reset(rep);
	rates(c);
	return 0;
}

static int count_hospitals(struct kb_store *s, int *n, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s, "SELECT count(*) FROM org WHERE kind = 'hospital'", err);
	if (!st)
		return KB_EDB;
	*n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

static int reaches(const struct kb_compl *c, double threshold)
{
	return c->expected > 0 && c->reported > 0 &&
	       100.0 * c->reported >= threshold * c->expected - 1e-9;
}

int kb_report_weeks(struct kb_store *s, double threshold,
		    struct kb_report_weeks *out, struct kb_err *err)
{
	sqlite3_stmt *rep = NULL, *prev = NULL;
	struct kb_compl *seen = NULL, best;
	size_t nseen = 0, aseen = 0, i, at = 0;
	int expected, week, r = 0, found = 0;

	memset(out, 0, sizeof(*out));
	out->shown.week = -1;
	out->shown.device = KB_NONE;
	out->shown.rate = out->shown.on_time_rate = -1;
	if (threshold < 0 && (r = kb_completeness_threshold(s, &threshold, err)))
		return r;
	out->threshold = threshold;
	if ((r = count_hospitals(s, &expected, err)))
		return r;
	if ((week = kb_supply_latest_week(s, err)) == KB_EDB)
		return KB_EDB;
	rep = kb__sql_prepare(
		s,
		"SELECT count(*), coalesce(sum(t), 0) FROM (SELECT r.org, "
		"max(" FIRST_LATE " = 0) AS t FROM report r JOIN org o ON o.n = "
		"r.org" FIRST_JOIN " WHERE r.kind = 'stock' AND r.week = ?1 AND "
		"o.kind = 'hospital' GROUP BY r.org)",
		err);
	prev = rep ? kb__sql_prepare(s,
				     "SELECT max(week) FROM report WHERE kind = "
				     "'stock' AND week < ?1",
				     err)
		   : NULL;
	if (!prev) {
		r = KB_EDB;
		goto out;
	}
	memset(&best, 0, sizeof(best));
	/* back from the latest week with a report to the first complete */
	while (week >= 0 && !found) {
		KB_ALLOC_GROW(seen, nseen + 1, aseen);
		if ((r = week_counts(s, rep, expected, week, &seen[nseen], err)))
			goto out;
		found = reaches(&seen[nseen], threshold);
		nseen++;
		sqlite3_reset(prev);
		sqlite3_bind_int(prev, 1, week);
		week = sqlite3_step(prev) == SQLITE_ROW &&
				       sqlite3_column_type(prev, 0) != SQLITE_NULL
			       ? sqlite3_column_int(prev, 0)
			       : -1;
		sqlite3_reset(prev);
	}
	if (!nseen)
		goto out;
	at = nseen - 1; /* the complete one, or the most complete */
	if (!found)
		for (i = nseen; i-- > 0;)
			if (seen[i].reported >= seen[at].reported)
				at = i;
	out->complete = found;
	out->shown = seen[at];
	out->ncoming = at;
	out->coming = kb_calloc(at + 1, sizeof(*out->coming));
	for (i = 0; i < at; i++) /* oldest first */
		out->coming[i] = seen[at - 1 - i];
out:
	free(seen);
	sqlite3_finalize(rep);
	sqlite3_finalize(prev);
	return r;
}

int kb_supply_shown_week(struct kb_store *s, double threshold, struct kb_err *err)
{
	struct kb_report_weeks w;
	int r = kb_report_weeks(s, threshold, &w, err);
	if (r)
		return r;
	r = w.shown.week;
	kb_report_weeks_release(&w);
	return r;
}

/* ---- the table ---- */

static struct kb_compl *add_row(struct kb_compl_table *t, int week, int pref,
				size_t device)
{
	struct kb_compl *c;
	KB_ALLOC_GROW(t->v, t->n + 1, t->alloc);
	c = &t->v[t->n++];
	memset(c, 0, sizeof(*c));
	c->week = week;
	c->pref = pref;
	c->device = device;
	return c;
}

/* Every stock report of the weeks first..last: its hospital's flags in
 * flags[(week - first) / 7 * norgs + org] (1 reported, 2 on time), and
 * ontime[report.n] when ontime is not NULL. */
static int read_reports(struct kb_store *s, const struct kb_supply *sup,
			int first, int last, unsigned char *flags,
			unsigned char *ontime, long maxrep, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT r.org, r.week, " FIRST_LATE ", r.n FROM report r" FIRST_JOIN
		" WHERE r.kind = 'stock' AND r.week BETWEEN ?1 AND ?2",
		err);
	int rc;
	if (!st)
		return KB_EDB;
	sqlite3_bind_int(st, 1, first);
	sqlite3_bind_int(st, 2, last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t o =
			kb_supply_org_n(sup, (long)sqlite3_column_int64(st, 0));
		int w = sqlite3_column_int(st, 1);
		int late = sqlite3_column_int(st, 2);
		long n = (long)sqlite3_column_int64(st, 3);
		if (ontime && n > 0 && n <= maxrep)
			ontime[n] = !late;
		if (o == KB_NONE || sup->orgs[o].kind != KB_ORG_HOSPITAL ||
		    (w - first) % 7)
			continue;
		flags[(size_t)(w - first) / 7 * sup->norgs + o] |=
			(unsigned char)(1 | (late ? 0 : 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kb__sql_fail(err, kb_store_sqlite(s), "completeness");
	return 0;
}

static int in_scope(const struct kb_org *o, int pref)
{
	return o->kind == KB_ORG_HOSPITAL && (!pref || o->pref == pref);
}

static int by_total(struct kb_store *s, const struct kb_supply *sup,
		    const struct kb_compl_query *q, int from, int to,
		    struct kb_compl_table *out, struct kb_err *err)
{
	size_t nweeks = (size_t)(to - from) / 7 + 1, w, o;
	unsigned char *flags = kb_calloc(nweeks * sup->norgs + 1, 1);
	int exp[KB_NPREF + 1] = { 0 }, r;

	for (o = 0; o < sup->norgs; o++)
		if (sup->orgs[o].kind == KB_ORG_HOSPITAL) {
			exp[0]++;
			if (sup->orgs[o].pref > 0 && sup->orgs[o].pref <= KB_NPREF)
				exp[sup->orgs[o].pref]++;
		}
	if ((r = read_reports(s, sup, from, to, flags, NULL, 0, err)))
		goto out;
	for (w = 0; w < nweeks; w++) {
		int rep[KB_NPREF + 1] = { 0 }, ot[KB_NPREF + 1] = { 0 }, p;
		const unsigned char *f = &flags[w * sup->norgs];
		for (o = 0; o < sup->norgs; o++) {
			int pr = sup->orgs[o].pref;
			if (!(f[o] & 1))
				continue;
			rep[0]++;
			ot[0] += f[o] >> 1;
			if (pr > 0 && pr <= KB_NPREF) {
				rep[pr]++;
				ot[pr] += f[o] >> 1;
			}
		}
		for (p = 0; p <= KB_NPREF; p++) {
			struct kb_compl *c;
			if (q->by == KB_COMPL_TOTAL
				    ? p != q->pref
				    : q->pref && p && p != q->pref)
				continue;
			c = add_row(out, from + (int)w * 7, p, KB_NONE);
			c->expected = exp[p];
			c->reported = rep[p];
			c->on_time = ot[p];
			rates(c);
		}
	}
out:
	free(flags);
	return r;
}

static int max_report(struct kb_store *s, long *n, struct kb_err *err)
{
	sqlite3_stmt *st =
		kb__sql_prepare(s, "SELECT coalesce(max(n), 0) FROM report", err);
	if (!st)
		return KB_EDB;
	*n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0)
					    : 0;
	sqlite3_finalize(st);
	return 0;
}

/* The devices' view: one pass over the lines of from - 12 weeks .. to. */
static int by_device(struct kb_store *s, const struct kb_supply *sup,
		     const struct kb_compl_query *q, int from, int to,
		     struct kb_compl_table *out, struct kb_err *err)
{
	const int window = (KB_COMPL_DEVICE_WEEKS - 1) * 7;
	size_t nd = sup->ndevices, no = sup->norgs, i, d;
	int *last = kb_malloc((no * nd + 1) * sizeof(int));
	unsigned char *cur_ot = kb_calloc(no * nd + 1, 1), *ontime = NULL;
	int *exp = kb_calloc(nd + 1, sizeof(int));
	int *rep = kb_calloc(nd + 1, sizeof(int));
	int *ot = kb_calloc(nd + 1, sizeof(int));
	size_t *scope = kb_malloc((no + 1) * sizeof(size_t)), nscope = 0;
	sqlite3_stmt *st = NULL;
	long maxrep;
	int r, next = from, rc;

	for (i = 0; i < no * nd; i++)
		last[i] = -1;
	for (i = 0; i < no; i++)
		if (in_scope(&sup->orgs[i], q->pref))
			scope[nscope++] = i;
	if ((r = max_report(s, &maxrep, err)))
		goto out;
	ontime = kb_calloc((size_t)maxrep + 1, 1);
	{ /* which reports of the weeks asked for were on time */
		size_t nweeks = (size_t)(to - from) / 7 + 1;
		unsigned char *flags = kb_calloc(nweeks * no + 1, 1);
		r = read_reports(s, sup, from, to, flags, ontime, maxrep, err);
		free(flags);
		if (r)
			goto out;
	}
	if (!(st = kb__sql_prepare(s,
				   "SELECT week, facility, device, report FROM "
				   "stock_line WHERE week BETWEEN ?1 AND ?2",
				   err))) {
		r = KB_EDB;
		goto out;
	}
	sqlite3_bind_int(st, 1, from - window);
	sqlite3_bind_int(st, 2, to);
	for (;;) {
		int w = -1;
		size_t o = KB_NONE, dv = KB_NONE;
		long rn = 0;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			w = sqlite3_column_int(st, 0);
			o = kb_supply_org_n(sup,
					    (long)sqlite3_column_int64(st, 1));
			dv = kb_supply_device_n(
				sup, (long)sqlite3_column_int64(st, 2));
			rn = (long)sqlite3_column_int64(st, 3);
		} else if (rc != SQLITE_DONE) {
			r = kb__sql_fail(err, kb_store_sqlite(s), "completeness");
			goto out;
		}
		/* the lines come in week order: every week asked for before
		 * this line's is whole */
		while (next <= to && (rc != SQLITE_ROW || w > next)) {
			memset(exp, 0, nd * sizeof(int));
			memset(rep, 0, nd * sizeof(int));
			memset(ot, 0, nd * sizeof(int));
			for (i = 0; i < nscope; i++) {
				const int *l = &last[scope[i] * nd];
				const unsigned char *t = &cur_ot[scope[i] * nd];
				for (d = 0; d < nd; d++) {
					if (l[d] < next - window)
						continue;
					exp[d]++;
					if (l[d] == next) {
						rep[d]++;
						ot[d] += t[d];
					}
				}
			}
			for (d = 0; d < nd; d++) {
				struct kb_compl *c =
					add_row(out, next, q->pref, d);
				c->expected = exp[d];
				c->reported = rep[d];
				c->on_time = ot[d];
				rates(c);
			}
			next += 7;
		}
		if (rc != SQLITE_ROW)
			break;
		if (o == KB_NONE || dv == KB_NONE || (w - from) % 7 ||
		    sup->orgs[o].kind != KB_ORG_HOSPITAL)
			continue;
		last[o * nd + dv] = w;
		cur_ot[o * nd + dv] =
			w >= from && rn > 0 && rn <= maxrep && ontime[rn];
	}
out:
	sqlite3_finalize(st);
	free(last);
	free(cur_ot);
	free(ontime);
	free(exp);
	free(rep);
	free(ot);
	free(scope);
	return r;
}

int kb_completeness(struct kb_store *s, const struct kb_supply *sup,
		    const struct kb_compl_query *q, struct kb_compl_table *out,
		    struct kb_err *err)
{
	int from = q->from, to = q->to, r;

	memset(out, 0, sizeof(*out));
	if (q->pref < 0 || q->pref > KB_NPREF)
		return kb_err_set(err, KB_EUSAGE,
				  KB_TR(err->lang, "no prefecture %d",
					"都道府県 %d はありません"),
				  q->pref);
	if (q->by == KB_COMPL_BY_PREF && q->pref)
		return kb_err_set(
			err, KB_EUSAGE, "%s",
			KB_TR(err->lang,
			      "completeness by prefecture is national: give no prefecture",
			      "都道府県別の報告率は全国について求めます（都道府県は指定できません）"));
	if (to < 0) {
		if ((to = kb_supply_shown_week(s, -1, err)) < -1)
			return to;
		if (to < 0)
			return kb_err_set(
				err, KB_ENOTFOUND, "%s",
				KB_TR(err->lang,
				      "no stock report has been imported yet ('kiban supply import stock FILE')",
				      "在庫報告がまだ取り込まれていません（'kiban supply import stock ファイル'）"));
	}
	to = monday(to);
	from = from < 0 ? to : monday(from);
	if (from > to)
		return kb_err_set(err, KB_EUSAGE, "%s",
				  KB_TR(err->lang,
					"the first week comes after the last",
					"開始週が終了週より後です"));
	r = q->by == KB_COMPL_BY_DEVICE
		    ? by_device(s, sup, q, from, to, out, err)
		    : by_total(s, sup, q, from, to, out, err);
	if (r)
		kb_compl_table_release(out);
	return r;
}

/* ---- who has not reported ---- */

/* The order of the list: by prefecture, never reported first, then the
 * longest silent, then by id. */
struct sort_key {
	int pref, last;
	const char *id;
	struct kb_missing m;
};

static int by_silence(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	if (a->last != b->last)
		return a->last < b->last ? -1 : 1;
	return strcmp(a->id, b->id);
}

static void sort_missing(const struct kb_supply *sup, struct kb_missing_list *m)
{
	struct sort_key *k = kb_malloc((m->n + 1) * sizeof(*k));
	size_t i;
	for (i = 0; i < m->n; i++) {
		const struct kb_org *o = &sup->orgs[m->v[i].org];
		k[i].pref = o->pref;
		k[i].last = m->v[i].last;
		k[i].id = o->id;
		k[i].m = m->v[i];
	}
	qsort(k, m->n, sizeof(*k), by_silence);
	for (i = 0; i < m->n; i++)
		m->v[i] = k[i].m;
	free(k);
}

int kb_missing_reports(struct kb_store *s, const struct kb_supply *sup, int week,
		       int pref, struct kb_missing_list *out, struct kb_err *err)
{
	sqlite3_stmt *got = NULL, *prev = NULL;
	unsigned char *seen = NULL;
	size_t o;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (pref < 0 || pref > KB_NPREF)
		return kb_err_set(err, KB_EUSAGE,
				  KB_TR(err->lang, "no prefecture %d",
					"都道府県 %d はありません"),
				  pref);
	if (week < 0) {
		if ((week = kb_supply_shown_week(s, -1, err)) < -1)
			return week;
		if (week < 0)
			return kb_err_set(
				err, KB_ENOTFOUND, "%s",
				KB_TR(err->lang,
				      "no stock report has been imported yet ('kiban supply import stock FILE')",
				      "在庫報告がまだ取り込まれていません（'kiban supply import stock ファイル'）"));
	}
	out->week = week = monday(week);
	got = kb__sql_prepare(s,
			      "SELECT DISTINCT org FROM report WHERE kind = "
			      "'stock' AND week = ?1",
			      err);
	prev = got ? kb__sql_prepare(s,
				     "SELECT max(week) FROM report WHERE org = ?1 "
				     "AND week < ?2 AND kind = 'stock'",
				     err)
		   : NULL;
	if (!prev) {
		r = KB_EDB;
		goto out;
	}
	seen = kb_calloc(sup->norgs + 1, 1);
	sqlite3_bind_int(got, 1, week);
	while (sqlite3_step(got) == SQLITE_ROW) {
		size_t i =
			kb_supply_org_n(sup, (long)sqlite3_column_int64(got, 0));
		if (i != KB_NONE)
			seen[i] = 1;
	}
	for (o = 0; o < sup->norgs; o++) {
		struct kb_missing *m;
		if (!in_scope(&sup->orgs[o], pref))
			continue;
		out->expected++;
		if (seen[o])
			continue;
		KB_ALLOC_GROW(out->v, out->n + 1, out->alloc);
		m = &out->v[out->n++];
		m->org = o;
		sqlite3_reset(prev);
		sqlite3_bind_int64(prev, 1, sup->orgs[o].n);
		sqlite3_bind_int(prev, 2, week);
		m->last = sqlite3_step(prev) == SQLITE_ROW &&
					  sqlite3_column_type(prev, 0) !=
						  SQLITE_NULL
				  ? sqlite3_column_int(prev, 0)
				  : -1;
		m->silent_weeks = m->last < 0 ? -1 : (week - m->last) / 7;
	}
	sort_missing(sup, out);
out:
	free(seen);
	sqlite3_finalize(got);
	sqlite3_finalize(prev);
	if (r)
		kb_missing_list_release(out);
	return r;
}

/* ---- as JSON, and as people read it ---- */

static json_t *pct(double v)
{
	return v < 0 ? json_null() : json_real(round(v * 100) / 100);
}

json_t *kb_compl_to_json(const struct kb_supply *sup, const struct kb_compl *c)
{
	char wk[16];
	json_t *j;
	kb_week_format(c->week, wk);
	j = json_pack("{s:s, s:i}", "week", wk, "prefecture", c->pref);
	if (c->device != KB_NONE && sup)
		json_object_set_new(j, "device",
				    json_string(sup->devices[c->device].code));
	json_object_set_new(j, "expected", json_integer(c->expected));
	json_object_set_new(j, "reported", json_integer(c->reported));
	json_object_set_new(j, "on_time", json_integer(c->on_time));
	json_object_set_new(j, "rate", pct(c->rate));
	json_object_set_new(j, "on_time_rate", pct(c->on_time_rate));
	return j;
}

json_t *kb_report_weeks_to_json(const struct kb_report_weeks *w)
{
	json_t *j = json_object(), *a = json_array();
	size_t i;
	json_object_set_new(j, "threshold", json_real(w->threshold));
	json_object_set_new(j, "complete", json_boolean(w->complete));
	json_object_set_new(j, "shown",
			    w->shown.week < 0
				    ? json_null()
				    : kb_compl_to_json(NULL, &w->shown));
	for (i = 0; i < w->ncoming; i++)
		json_array_append_new(a, kb_compl_to_json(NULL, &w->coming[i]));
	json_object_set_new(j, "coming", a);
	return j;
}

json_t *kb_missing_to_json(const struct kb_supply *sup,
			   const struct kb_missing *m)
{
	const struct kb_org *o = &sup->orgs[m->org];
	char wk[16];
	json_t *j = json_pack("{s:s, s:s, s:s, s:i}", "facility", o->id,
			      "name_ja", o->name_ja, "name_en", o->name_en,
			      "prefecture", o->pref);
	if (m->last >= 0) {
		kb_week_format(m->last, wk);
		json_object_set_new(j, "last_report", json_string(wk));
		json_object_set_new(j, "silent_weeks",
				    json_integer(m->silent_weeks));
	} else {
		json_object_set_new(j, "last_report", json_null());
		json_object_set_new(j, "silent_weeks", json_null());
	}
	return j;
}

void kb_compl_phrase(const struct kb_compl *c, enum kb_lang L, struct kb_buf *out)
{
	/* the rate in tenths of a percent, rounded half up exactly (1,979 of
	 * 2,000 is 99.0%, which printf's 98.95 would not give) */
	long long pm = c->expected
			       ? ((long long)c->reported * 2000 + c->expected) /
					 (2LL * c->expected)
			       : -1;
	char rate[32] = "";
	if (pm >= 0)
		snprintf(rate, sizeof(rate), "%lld.%lld%%", pm / 10, pm % 10);
	if (L == KB_LANG_JA) {
		kb_buf_adds(out, "報告 ");
		kb_buf_add_num(out, c->reported, 0);
		kb_buf_adds(out, " / ");
		kb_buf_add_num(out, c->expected, 0);
		kb_buf_adds(out, " 病院");
		if (pm >= 0)
			kb_buf_addf(out, "（%s）", rate);
	} else {
		kb_buf_add_num(out, c->reported, 0);
		kb_buf_adds(out, " of ");
		kb_buf_add_num(out, c->expected, 0);
		kb_buf_adds(out, c->expected == 1 ? " hospital reported"
						  : " hospitals reported");
		if (pm >= 0)
			kb_buf_addf(out, " (%s)", rate);
	}
}
