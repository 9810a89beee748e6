/*
 * monitor.c - days of supply, stock status and the early-warning rules.
 *
 * Method.  For a device in a scope (a facility, a prefecture, the nation)
 * each week gives the facilities that reported, their stock on hand, their
 * consumption and the days they were stocked out.  Consumption seen during
 * a stock-out understates demand, so each facility's consumption is scaled
 * by 7 / (days it had stock); a facility out of stock all week tells
 * nothing about demand and is left out of the rate.  The rate (demand per
 * reporting facility per week) is smoothed by an exponentially weighted
 * moving average (alpha 0.3, about the last six weeks); expected daily
 * consumption is the smoothed rate times the facilities reporting, over 7;
 * days of supply is stock over that.  Working per reporting facility keeps
 * a facility that stops reporting from looking like a loss of stock.
 *
 * Rules, each with the figures that fired it (docs/supply-monitoring.md):
 *   low_stock    days of supply under the device's alert_days (critical
 *                under critical_days, or no stock at all); a prefecture's
 *                once 5 of its hospitals reported, or none has stock;
 *   demand_jump  this week's rate at least jump_ratio times the rate of
 *                the weeks before (after 4 weeks of history; the rate is
 *                held while a jump lasts, up to 8 weeks), the count rarer than
 * once in KB__RARE_JUMP weeks under Poisson demand at that rate; a prefecture's
 * from MIN_FACILITIES hospitals; supply_drop  national production + imports
 * under drop_ratio times their smoothed level (critical under half of that);
 * the level is held while supply stays down (up to 13 weeks); low_facilities at
 * least 10% of the scope's hospitals (and two) ended the week with less stock
 * than that week's demand, the share unusual for the region (EARS C2: 3 sd
 * above the weeks w-9..w-3) and rarer than once in KB__RARE weeks at its usual
 * share (critical at 25% with two stocked out): an aggregate can look well
 * stocked while stock sits in a few places; silent       the share of the
 * region's hospitals without a report that week, when it is unusual for the
 * region (EARS C2), at least 5% and three hospitals. A region's week is judged
 * only when at least half its usual reporters stand behind it.  Each rule also
 * gives a looser "hold" condition, the leaving threshold of a signal
 * (signal.c). Everything is computed from the weekly aggregates (or, for a
 * facility, its own lines) when asked, so it is as fresh as the reports.
 */
#include "core/compat.h"

#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

#define HISTORY_WEEKS  26  /* weeks read before the first one asked for */
#define MIN_JUMP_UNITS 3.0 /* expected units for a jump to mean anything */
#define MIN_FACILITIES 5   /* for a share of facilities to mean something */

static const char *const status_names[][3] = {
	{ "unknown", "不明", "unknown" }, { "out", "欠品", "stocked out" },
	{ "under", "不足", "under" },	  { "adequate", "適正", "adequate" },
	{ "over", "過剰", "over" },
};

const char *kb_stock_status_key(enum kb_stock_status st)
{
	return status_names[st][0];
}

const char *kb_stock_status_name(enum kb_stock_status st, enum kb_lang lang)
{
	return status_names[st][lang == KB_LANG_JA ? 1 : 2];
}

static const char *const rule_keys[] = { "low_stock", "demand_jump",
					 "supply_drop", "silent",
					 "low_facilities" };

const char *kb_alert_rule_key(enum kb_alert_rule r)
{
	return rule_keys[r];
}

static const char *const sev_names[][3] = {
	{ "", "", "" },
	{ "info", "情報", "info" },
	{ "warning", "警告", "warning" },
	{ "critical", "重大", "critical" },
};

const char *kb_severity_key(enum kb_severity s)
{
	return sev_names[s][0];
}

const char *kb_severity_name(enum kb_severity s, enum kb_lang lang)
{
	return sev_names[s][lang == KB_LANG_JA ? 1 : 2];
}

void kb_monitor_series(const struct kb_week_figs *figs, size_t n,
		       const struct kb_device *d, struct kb_week_calc *calc)
{
	double trend = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct kb_week_figs *f = &figs[i];
		struct kb_week_calc *c = &calc[i];
		c->baseline = trend;
		c->rate = f->demand_facilities > 0
				  ? f->demand / f->demand_facilities
				  : -1;
		if (c->rate >= 0)
			trend = trend < 0 ? c->rate
					  : KB_EWMA_ALPHA * c->rate +
						    (1 - KB_EWMA_ALPHA) * trend;
		c->trend = trend;
		c->daily = trend >= 0 && f->facilities > 0
				   ? trend * f->facilities / 7
				   : -1;
		if (!f->facilities || c->daily < 0)
			c->dos = -1;
		else if (c->daily > 0)
			c->dos = f->stock / c->daily;
		else
			c->dos = f->stock > 0 ? 9999 : 0;
		if (!f->facilities)
			c->status = KB_STATUS_UNKNOWN;
		else if (f->stock <= 0)
			c->status = KB_STATUS_OUT;
		else if (c->dos < 0)
			c->status = KB_STATUS_UNKNOWN;
		else if (c->dos < d->under_days)
			c->status = KB_STATUS_UNDER;
		else if (c->dos > d->over_days)
			c->status = KB_STATUS_OVER;
		else
			c->status = KB_STATUS_ADEQUATE;
	}
}

/* ---- reading the aggregates ---- */

struct grid {
	int first;		/* week of column 0 */
	size_t nweeks;		/* columns */
	size_t ndev;		/* rows: registry devices */
	struct kb_week_figs *f; /* [dev][pref 0..47][week] */
	double *supply;		/* [dev][week]: production + imports; -1 none */
	double *shipments, *inventory;
	int *reporters;
};

static struct kb_week_figs *cell(struct grid *g, size_t dev, int pref, size_t w)
{
	return &g->f[(dev * (KB_NPREF + 1) + (size_t)pref) * g->nweeks + w];
}

static void grid_release(struct grid *g)
{
	free(g->f);
	free(g->supply);
	free(g->shipments);
	free(g->inventory);
	free(g->reporters);
	memset(g, 0, sizeof(*g));
}

static int grid_load(struct kb_store *s, const struct kb_supply *sup, int first,
		     int last, struct grid *g, struct kb_err *err)
{
	sqlite3_stmt *st;
	size_t i, total;

	memset(g, 0, sizeof(*g));
	g->first = first;
	g->nweeks = (size_t)(last - first) / 7 + 1;
	g->ndev = sup->ndevices;
	total = g->ndev * (KB_NPREF + 1) * g->nweeks;
	g->f = kb_calloc(total + 1, sizeof(*g->f));
	g->supply = kb_malloc((g->ndev * g->nweeks + 1) * sizeof(double));
	g->shipments = kb_malloc((g->ndev * g->nweeks + 1) * sizeof(double));
	g->inventory = kb_malloc((g->ndev * g->nweeks + 1) * sizeof(double));
	g->reporters = kb_calloc(g->ndev * g->nweeks + 1, sizeof(int));
	for (i = 0; i < g->ndev * g->nweeks; i++)
		g->supply[i] = g->shipments[i] = g->inventory[i] = -1;
	for (i = 0; i < total; i++)
		g->f[i].week = first + (int)(i % g->nweeks) * 7;
	st = kb__sql_query(
		s, err,
		"SELECT week, device, prefecture, facilities, demand_facilities, "
		"stockout_facilities, stockout_days, stock, consumption, demand, "
		"low_facilities FROM stock_agg WHERE week BETWEEN ?1 AND ?2",
		"ii", first, last);
	if (!st)
		return KB_EDB;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int w = sqlite3_column_int(st, 0);
		size_t d = kb_supply_device_n(sup,
					      (long)sqlite3_column_int64(st, 1));
		int p = sqlite3_column_int(st, 2);
		struct kb_week_figs *f;
		if (d == KB_NONE || p < 0 || p > KB_NPREF || (w - first) % 7)
			continue;
		f = cell(g, d, p, (size_t)(w - first) / 7);
		f->facilities = sqlite3_column_int(st, 3);
		f->demand_facilities = sqlite3_column_int(st, 4);
		f->stockout_facilities = sqlite3_column_int(st, 5);
		f->stockout_days = sqlite3_column_int(st, 6);
		f->stock = sqlite3_column_double(st, 7);
		f->consumption = sqlite3_column_double(st, 8);
		f->demand = sqlite3_column_double(st, 9);
		f->low_facilities = sqlite3_column_int(st, 10);
	}
	sqlite3_finalize(st);
	st = kb__sql_query(s, err,
			   "SELECT week, device, production + imports, "
			   "shipments, inventory, reporters FROM production_agg "
			   "WHERE week BETWEEN ?1 AND ?2",
			   "ii", first, last);
	if (!st)
		return KB_EDB;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int w = sqlite3_column_int(st, 0);
		size_t d = kb_supply_device_n(sup,
					      (long)sqlite3_column_int64(st, 1));
		size_t at;
		if (d == KB_NONE || (w - first) % 7)
			continue;
		at = d * g->nweeks + (size_t)(w - first) / 7;
		g->supply[at] = sqlite3_column_double(st, 2);
		g->shipments[at] = sqlite3_column_double(st, 3);
		g->inventory[at] = sqlite3_column_double(st, 4);
		g->reporters[at] = sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	return 0;
}

static int resolve_week(struct kb_store *s, int week, struct kb_err *err)
{
	if (week >= 0)
		return week;
	/* the latest complete week: one early report of the next week does
	 * not move the nation (completeness.c) */
	week = kb_supply_shown_week(s, -1, err);
	if (week < -1)
		return week;
	if (week < 0)
		return kb_err_set(
			err, KB_ENOTFOUND, "%s",
			KB_TR(err->lang,
			      "no stock report has been imported yet ('kiban supply import stock FILE')",
			      "在庫報告がまだ取り込まれていません（'kiban supply import stock ファイル'）"));
	return week;
}

/* ---- status ---- */

void kb_supply_status_release(struct kb_supply_status *st)
{
	free(st->v);
	memset(st, 0, sizeof(*st));
}

static void add_row(struct kb_supply_status *out, size_t dev, int pref, long fac,
		    const struct kb_week_figs *f, const struct kb_week_calc *c)
{
	struct kb_status_row *x;
	KB_ALLOC_GROW(out->v, out->n + 1, out->alloc);
	x = &out->v[out->n++];
	memset(x, 0, sizeof(*x));
	x->device = dev;
	x->pref = pref;
	x->facility = fac;
	x->figs = *f;
	x->calc = *c;
	x->supply = x->shipments = x->inventory = -1;
}

/* One facility's own series: its lines of the weeks first..last. */
static int facility_status(struct kb_store *s, const struct kb_supply *sup,
			   size_t fac, int first, int week,
			   struct kb_supply_status *out, struct kb_err *err)
{
	size_t nweeks = (size_t)(week - first) / 7 + 1, d;
	struct kb_week_figs *f =
		kb_calloc(sup->ndevices * nweeks + 1, sizeof(*f));
	struct kb_week_calc *c = kb_calloc(nweeks + 1, sizeof(*c));
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT week, device, stock, consumption, stockout_days FROM "
		"stock_line WHERE week BETWEEN ?1 AND ?2 AND facility = ?3",
		err);
	size_t i;

	if (!st) {
		free(f);
		free(c);
		return KB_EDB;
	}
	for (i = 0; i < sup->ndevices * nweeks; i++)
		f[i].week = first + (int)(i % nweeks) * 7;
	sqlite3_bind_int(st, 1, first);
	sqlite3_bind_int(st, 2, week);
	sqlite3_bind_int64(st, 3, sup->orgs[fac].n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int w = sqlite3_column_int(st, 0);
		size_t dv = kb_supply_device_n(
			sup, (long)sqlite3_column_int64(st, 1));
		int out_days = sqlite3_column_int(st, 4);
		struct kb_week_figs *x;
		if (dv == KB_NONE || (w - first) % 7)
			continue;
		x = &f[dv * nweeks + (size_t)(w - first) / 7];
		x->facilities = 1;
		x->stock = sqlite3_column_double(st, 2);
		x->consumption = sqlite3_column_double(st, 3);
		x->stockout_days = out_days;
		x->stockout_facilities = out_days > 0;
		if (out_days < 7) {
			x->demand_facilities = 1;
			x->demand = x->consumption * 7 / (7 - out_days);
		}
		x->low_facilities = out_days == 7 || x->stock < x->demand;
	}
	sqlite3_finalize(st);
	for (d = 0; d < sup->ndevices; d++) {
		kb_monitor_series(&f[d * nweeks], nweeks, &sup->devices[d], c);
		if (f[d * nweeks + nweeks - 1].facilities ||
		    c[nweeks - 1].trend >= 0)
			add_row(out, d, sup->orgs[fac].pref, (long)fac,
				&f[d * nweeks + nweeks - 1], &c[nweeks - 1]);
	}
	free(f);
	free(c);
	return 0;
}

int kb__status_figures(struct kb_store *s, const struct kb_supply *sup,
		       const struct kb_status_query *q,
		       struct kb_supply_status *out, struct kb_err *err)
{
	struct grid g;
	struct kb_week_calc *c;
	int week, first, r;
	size_t d, last;

	memset(out, 0, sizeof(*out));
	if ((week = resolve_week(s, q->week, err)) < 0)
		return week;
	week = kb_week_of_time((time_t)week * 86400);
	out->week = week;
	first = week - HISTORY_WEEKS * 7;
	if (q->scope == KB_SCOPE_FACILITY)
		return facility_status(s, sup, q->facility, first, week, out,
				       err);
	if ((r = grid_load(s, sup, first, week, &g, err))) {
		grid_release(&g);
		return r;
	}
	c = kb_calloc(g.nweeks + 1, sizeof(*c));
	last = g.nweeks - 1;
	for (d = 0; d < sup->ndevices; d++) {
		int p;
		if (q->scope == KB_SCOPE_BY_PREF && d != q->device)
			continue;
		for (p = 0; p <= KB_NPREF; p++) {
			const struct kb_week_figs *f = cell(&g, d, p, 0);
			if (q->scope == KB_SCOPE_NATION && p)
				break;
			if (q->scope == KB_SCOPE_PREF && p != q->pref)
				continue;
			if (q->scope == KB_SCOPE_BY_PREF && !p)
				continue;
			kb_monitor_series(f, g.nweeks, &sup->devices[d], c);
			add_row(out, d, p, -1, &f[last], &c[last]);
			if (!p) {
				struct kb_status_row *x = &out->v[out->n - 1];
				x->supply = g.supply[d * g.nweeks + last];
				x->shipments = g.shipments[d * g.nweeks + last];
				x->inventory = g.inventory[d * g.nweeks + last];
				x->suppliers = g.reporters[d * g.nweeks + last];
			}
		}
	}
	free(c);
	grid_release(&g);
	return 0;
}

/* ---- alerts ---- */

void kb_alerts_release(struct kb_alerts *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

void kb__eval_release(struct kb__eval *ev)
{
	free(ev->v);
	memset(ev, 0, sizeof(*ev));
}

struct kb__verdict *kb__eval_at(const struct kb__eval *ev, size_t dev, int pref,
				enum kb_alert_rule rule)
{
	return &ev->v[((dev * (KB_NPREF + 1) + (size_t)pref) * KB__NRULES + rule) *
		      ev->nweeks];
}

static void add_alert(struct kb_alerts *out, const struct kb_supply *sup,
		      enum kb_alert_rule rule, enum kb_severity sev, size_t dev,
		      int pref, int week, double value, double threshold,
		      double a, double b)
{
	struct kb_alert *x;
	char w[16];
	if (!out)
		return;
	KB_ALLOC_GROW(out->v, out->n + 1, out->alloc);
	x = &out->v[out->n++];
	x->rule = rule;
	x->severity = sev;
	x->device = dev;
	x->pref = pref;
	x->week = week;
	x->value = value;
	x->threshold = threshold;
	x->a = a;
	x->b = b;
	x->withheld = KB_SHOWN;
	kb_week_format(week, w);
	snprintf(x->key, sizeof(x->key), "%s:%s:%02d:%s", rule_keys[rule],
		 dev == KB_NONE ? "-" : sup->devices[dev].code, pref, w);
}

static int by_severity(const void *pa, const void *pb)
{
	const struct kb_alert *a = pa, *b = pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (!a->pref != !b->pref) /* national first */
		return a->pref ? 1 : -1;
	if (a->week != b->week)
		return a->week > b->week ? -1 : 1;
	return strcmp(a->key, b->key);
}

/*
 * A share's usual level, as CDC's EARS C2 takes it: the mean and standard
 * deviation of the weeks w-9..w-3 (seven weeks, and a guard band of two so
 * that an outbreak's first weeks do not raise their own baseline), leaving
 * out the weeks that fired (a shortage does not become the normal).  The
 * deviation is at least the binomial one of the mean over n and
 * KB__MIN_SD, so that a flat history does not make any change unusual.
 * -1 while fewer than four such weeks are known.
 */
static double usual(const double *share, const unsigned char *fired, size_t w,
		    double n, double *sd)
{
	double sum = 0, sq = 0, mean, var;
	size_t k, m = 0;
	for (k = w >= 9 ? w - 9 : 0; k + 3 <= w; k++) {
		if (share[k] < 0 || fired[k])
			continue;
		sum += share[k];
		sq += share[k] * share[k];
		m++;
	}
	if (m < 4)
		return -1;
	mean = sum / (double)m;
	var = sq / (double)m - mean * mean;
	*sd = var > 0 ? sqrt(var * (double)m / (double)(m - 1)) : 0;
	if (n > 0 && *sd < sqrt(mean * (1 - mean) / n))
		*sd = sqrt(mean * (1 - mean) / n);
	if (*sd < KB__MIN_SD)
		*sd = KB__MIN_SD;
	return mean;
}

/* P(X >= k) for X binomial(n, p): how surprising k of n is. */
static double binom_tail(int n, int k, double p)
{
	double t, sum = 0;
	int i;
	if (k <= 0)
		return 1;
	if (p <= 0)
		return 0;
	if (p >= 1)
		return 1;
	t = exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) +
		k * log(p) + (n - k) * log1p(-p));
	for (i = k; i <= n && t > sum * 1e-12; i++) {
		sum += t;
		t *= (double)(n - i) / (i + 1) * p / (1 - p);
	}
	return sum;
}

/* P(X >= k) for X Poisson with mean m (k > m): the terms fall from k on. */
static double poisson_tail(double k, double m)
{
	double t, sum = 0;
	if (m > 1000) /* the normal approximation, with continuity */
		return 0.5 * erfc((k - 0.5 - m) / sqrt(2 * m));
	t = exp(-m + k * log(m) - lgamma(k + 1));
	for (; t > sum * 1e-12 && t > 0; k++) {
		sum += t;
		t *= m / (k + 1);
	}
	return sum;
}

static void verdict(struct kb__verdict *v, int on, int crit, int hold,
		    int crit_hold, double score, int n)
{
	v->on = on ? (unsigned char)(crit ? 2 : 1) : 0;
	v->hold = on ? v->on : (unsigned char)(hold ? (crit_hold ? 2 : 1) : 0);
	v->score = (float)score;
	v->n = n;
}

/*
 * The rules of one device in one region, every week of the grid; alerts
 * for the weeks from `from`.  A region's week is judged only when enough
 * of its usual reporters stand behind it (half the most of the 8 weeks
 * before), so that a week still coming in does not speak for the region.
 */
static void series_rules(struct kb_alerts *out, const struct kb_supply *sup,
			 size_t d, int pref, const struct kb_week_figs *f,
			 const struct kb_week_calc *c, size_t from, size_t n,
			 struct kb__eval *ev)
{
	const struct kb_device *dv = &sup->devices[d];
	struct kb__verdict *vs = kb__eval_at(ev, d, pref, KB_ALERT_LOW_STOCK);
	struct kb__verdict *vf =
		kb__eval_at(ev, d, pref, KB_ALERT_LOW_FACILITIES);
	struct kb__verdict *vj = kb__eval_at(ev, d, pref, KB_ALERT_DEMAND_JUMP);
	double *share = kb_malloc((n + 1) * sizeof(*share));
	unsigned char *fired = kb_calloc(n + 1, 1);
	double jb = -1; /* the demand rate a jump is measured against */
	size_t w, k, held = 0, seen = 0;

	for (w = 0; w < n; w++) {
		const struct kb_week_figs *x = &f[w];
		double expect, mean, sd = 0, sh, ratio, lo;
		int most = 0, enough;
		share[w] = x->facilities >= MIN_FACILITIES
				   ? (double)x->low_facilities / x->facilities
				   : -1;
		for (k = w >= 8 ? w - 8 : 0; k < w; k++)
			if (f[k].facilities > most)
				most = f[k].facilities;
		enough = x->facilities > 0 && 2 * x->facilities >= most;
		if (!enough)
			continue;

		/* low_stock: days of supply, entering under alert_days and
		 * leaving at a quarter above it; a prefecture's figure once
		 * it stands for at least MIN_FACILITIES hospitals (below, it
		 * is one hospital's stock, and a small cell), or when no stock
		 * is left there at all */
		if (c[w].dos >= 0 &&
		    (!pref || x->facilities >= MIN_FACILITIES || x->stock <= 0)) {
			int on = c[w].dos < dv->alert_days;
			int crit = c[w].dos < dv->critical_days;
			verdict(&vs[w], on, crit,
				c[w].dos < KB__LEAVE * dv->alert_days,
				c[w].dos < KB__LEAVE * dv->critical_days,
				dv->alert_days /
					(c[w].dos > 0.01 ? c[w].dos : 0.01),
				x->low_facilities);
			if (on && w >= from)
				add_alert(out, sup, KB_ALERT_LOW_STOCK,
					  crit ? KB_SEV_CRITICAL : KB_SEV_WARNING,
					  d, pref, x->week, c[w].dos,
					  crit ? dv->critical_days
					       : dv->alert_days,
					  x->stock, c[w].daily);
		}

		/* low_facilities: the share of hospitals with under a week's
		 * use, at least 10% and unusual for the region (EARS C2) */
		sh = share[w];
		mean = sh >= 0 ? usual(share, fired, w, x->facilities, &sd) : -1;
		if (mean >= 0) {
			/* and not what chance gives a small region: fewer
			 * than one in KB__RARE at its usual share */
			int on = x->low_facilities >= 2 && sh >= 0.10 &&
				 sh >= mean + KB__C2_SD * sd &&
				 binom_tail(x->facilities, x->low_facilities,
					    mean > 0.01 ? mean : 0.01) <
					 1.0 / KB__RARE;
			int hold = x->low_facilities >= 2 && sh >= 0.08 &&
				   sh >= mean + KB__HOLD_SD * sd;
			/* critical: a quarter short and two already out */
			int crit = sh >= 0.25 && x->stockout_facilities >= 2;
			fired[w] = (unsigned char)on;
			verdict(&vf[w], on, on && crit, hold,
				hold && sh >= 0.20 && x->stockout_facilities >= 2,
				sh / 0.10, x->low_facilities);
			if (on && w >= from)
				add_alert(out, sup, KB_ALERT_LOW_FACILITIES,
					  crit ? KB_SEV_CRITICAL : KB_SEV_WARNING,
					  d, pref, x->week, x->low_facilities,
					  0.1 * x->facilities, x->facilities,
					  x->stockout_facilities);
		}

		/* demand_jump: this week's rate against the rate of the weeks
		 * before (after KB_WARMUP_WEEKS of them), held while the jump
		 * lasts (up to a quarter); the count rarer than once in
		 * KB__RARE_JUMP weeks under Poisson demand at that rate, so
		 * that a small region's noise does not fire it */
		if (c[w].rate < 0)
			continue;
		if (jb > 0 && seen >= KB_WARMUP_WEEKS) {
			double p;
			expect = jb * x->demand_facilities;
			ratio = c[w].rate / jb;
			lo = 1 + (dv->jump_ratio - 1) / 2;
			p = x->demand > expect
				    ? poisson_tail(floor(x->demand), expect)
				    : 1;
			{
				/* a prefecture's, from MIN_FACILITIES up */
				int on = ratio >= dv->jump_ratio &&
					 expect >= MIN_JUMP_UNITS &&
					 p < 1.0 / KB__RARE_JUMP &&
					 (!pref || x->demand_facilities >=
							   MIN_FACILITIES);
				int crit = on && ratio >= 2 * dv->jump_ratio;
				int hold = ratio >= lo && p < 1.0 / KB__RARE;
				verdict(&vj[w], on, crit, hold,
					hold && ratio >= dv->jump_ratio * 1.5,
					ratio / dv->jump_ratio,
					x->demand_facilities);
				if (on && w >= from)
					add_alert(out, sup, KB_ALERT_DEMAND_JUMP,
						  crit ? KB_SEV_CRITICAL
						       : KB_SEV_WARNING,
						  d, pref, x->week, ratio,
						  dv->jump_ratio, x->demand,
						  expect);
				/* a jump does not raise the rate it is
				 * measured against, for two months (a surge
				 * lasts weeks; a season's rise would look
				 * like one against a rate held longer); then
				 * it is the new normal */
				if (!on)
					held = 0;
				else if (++held <= 8)
					continue;
			}
		}
		seen++;
		jb = jb < 0 ? c[w].rate
			    : KB_EWMA_ALPHA * c[w].rate +
				      (1 - KB_EWMA_ALPHA) * jb;
	}
	free(share);
	free(fired);
}

/* supply_drop: national production + imports under drop_ratio times their
 * smoothed level, which holds while supply stays down (up to a quarter). */
static void supply_rules(struct kb_alerts *out, const struct kb_supply *sup,
			 size_t d, const struct grid *g, size_t from,
			 struct kb__eval *ev)
{
	const struct kb_device *dv = &sup->devices[d];
	const double *v = &g->supply[d * g->nweeks];
	struct kb__verdict *vd = kb__eval_at(ev, d, 0, KB_ALERT_SUPPLY_DROP);
	double trend = -1;
	size_t w, seen = 0, low = 0;
	for (w = 0; w < g->nweeks; w++) {
		if (v[w] < 0)
			continue;
		if (seen >= KB_WARMUP_WEEKS && trend > 0) {
			double lvl = v[w] / trend;
			int on = lvl < dv->drop_ratio;
			int crit = lvl < dv->drop_ratio / 2;
			int hold = lvl < (1 + dv->drop_ratio) / 2;
			verdict(&vd[w], on, crit, hold,
				lvl < KB__LEAVE * dv->drop_ratio / 2,
				dv->drop_ratio / (lvl > 0.01 ? lvl : 0.01),
				g->reporters[d * g->nweeks + w]);
			if (on && w >= from)
				add_alert(out, sup, KB_ALERT_SUPPLY_DROP,
					  crit ? KB_SEV_CRITICAL : KB_SEV_WARNING,
					  d, 0, g->first + (int)w * 7, lvl,
					  dv->drop_ratio, v[w], trend);
			/* a drop does not become the new normal for a
			 * quarter: the level it is measured against holds */
			if (!hold)
				low = 0;
			else if (++low <= 13)
				continue;
		}
		trend = trend < 0 ? v[w]
				  : KB_EWMA_ALPHA * v[w] +
					    (1 - KB_EWMA_ALPHA) * trend;
		seen++;
	}
}

/*
 * silent: the share of a region's hospitals (the registry's) that sent no
 * stock report for the week, when it is unusual for the region (EARS C2 as
 * above) and at least 5% and three hospitals.  A hospital that never
 * reports is part of the usual level, not news every week.
 */
static int silent_rules(struct kb_store *s, const struct kb_supply *sup,
			const struct grid *g, size_t from, size_t upto,
			struct kb_alerts *out, struct kb__eval *ev,
			struct kb_err *err)
{
	size_t nw = g->nweeks, o, w, nh = 0;
	size_t *hosp = kb_malloc((sup->norgs + 1) * sizeof(*hosp));
	unsigned char *seen;
	int *last, expected[KB_NPREF + 1] = { 0 }, p, r = 0;
	int *missing = kb_calloc((KB_NPREF + 1) * nw + 1, sizeof(int));
	int *since = kb_malloc(((KB_NPREF + 1) * nw + 1) * sizeof(int));
	double *share = kb_malloc((nw + 1) * sizeof(double));
	unsigned char *fired = kb_malloc(nw + 1);
	sqlite3_stmt *st;

	for (o = 0; o < sup->norgs; o++)
		if (sup->orgs[o].kind == KB_ORG_HOSPITAL) {
			hosp[o] = nh++;
			expected[0]++;
			expected[sup->orgs[o].pref]++;
		} else {
			hosp[o] = KB_NONE;
		}
	for (w = 0; w < (KB_NPREF + 1) * nw; w++)
		since[w] = INT_MAX;
	seen = kb_calloc(nh * nw + 1, 1);
	last = kb_malloc((nh + 1) * sizeof(int));
	for (o = 0; o < nh; o++)
		last[o] = -1;
	st = kb__sql_prepare(s,
			     "SELECT org, week FROM report WHERE kind = 'stock' "
			     "AND week BETWEEN ?1 AND ?2",
			     err);
	if (!st) {
		r = KB_EDB;
		goto out;
	}
	sqlite3_bind_int(st, 1, g->first - 26 * 7);
	sqlite3_bind_int(st, 2, g->first + (int)(nw - 1) * 7);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t x =
			kb_supply_org_n(sup, (long)sqlite3_column_int64(st, 0));
		int wk = sqlite3_column_int(st, 1);
		if (x == KB_NONE || hosp[x] == KB_NONE)
			continue;
		if (wk < g->first) {
			if (wk > last[hosp[x]])
				last[hosp[x]] = wk;
		} else if ((wk - g->first) % 7 == 0) {
			seen[hosp[x] * nw + (size_t)(wk - g->first) / 7] = 1;
		}
	}
	sqlite3_finalize(st);
	for (o = 0; o < sup->norgs; o++) {
		size_t h = hosp[o];
		int pr = sup->orgs[o].pref;
		if (h == KB_NONE)
			continue;
		for (w = 0; w < nw; w++) {
			int wk = g->first + (int)w * 7;
			int k;
			if (seen[h * nw + w]) {
				last[h] = wk;
				continue;
			}
			for (k = 0; k < 2; k++) {
				size_t at = (size_t)(k ? pr : 0) * nw + w;
				if (k && !pr)
					break;
				missing[at]++;
				/* the earliest last report; -1: never */
				if (last[h] < since[at])
					since[at] = last[h];
			}
		}
	}
	for (p = 0; p <= KB_NPREF; p++) {
		struct kb__verdict *vr =
			kb__eval_at(ev, ev->ndev - 1, p, KB_ALERT_SILENT);
		if (!expected[p])
			continue;
		for (w = 0; w < nw; w++) {
			share[w] = (double)missing[(size_t)p * nw + w] /
				   expected[p];
			fired[w] = 0;
		}
		for (w = 0; w <= upto && w < nw; w++) {
			double sd = 0,
			       mean = usual(share, fired, w, expected[p], &sd);
			int m = missing[(size_t)p * nw + w];
			int on, hold;
			if (mean < 0)
				continue;
			on = m >= 3 && share[w] >= 0.05 &&
			     share[w] >= mean + KB__C2_SD * sd;
			hold = m >= 2 && share[w] >= mean + KB__HOLD_SD * sd;
			fired[w] = (unsigned char)on;
			verdict(&vr[w], on, 0, hold, 0,
				share[w] / (mean + KB__C2_SD * sd), m);
			if (on && w >= from)
				add_alert(out, sup, KB_ALERT_SILENT,
					  share[w] >= 0.10 ? KB_SEV_WARNING
							   : KB_SEV_INFO,
					  KB_NONE, p, g->first + (int)w * 7, m,
					  mean * expected[p], expected[p],
					  since[(size_t)p * nw + w]);
		}
	}
out:
	free(hosp);
	free(seen);
	free(last);
	free(missing);
	free(since);
	free(share);
	free(fired);
	return r;
}

int kb__supply_evaluate(struct kb_store *s, const struct kb_supply *sup,
			int first, int from, int to, struct kb_alerts *out,
			struct kb__eval *ev, struct kb_err *err)
{
	struct grid g;
	struct kb_week_calc *c;
	size_t d, start;
	int r;

	memset(ev, 0, sizeof(*ev));
	if ((r = grid_load(s, sup, first, to, &g, err))) {
		grid_release(&g);
		return r;
	}
	ev->first = first;
	ev->nweeks = g.nweeks;
	ev->ndev = sup->ndevices + 1; /* the last row: reporting */
	ev->v = kb_calloc(ev->ndev * (KB_NPREF + 1) * KB__NRULES * ev->nweeks + 1,
			  sizeof(*ev->v));
	start = (size_t)(from - first) / 7;
	c = kb_calloc(g.nweeks + 1, sizeof(*c));
	for (d = 0; d < sup->ndevices; d++) {
		int p;
		for (p = 0; p <= KB_NPREF; p++) {
			const struct kb_week_figs *f = cell(&g, d, p, 0);
			kb_monitor_series(f, g.nweeks, &sup->devices[d], c);
			series_rules(out, sup, d, p, f, c, start, g.nweeks, ev);
		}
		supply_rules(out, sup, d, &g, start, ev);
	}
	free(c);
	r = silent_rules(s, sup, &g, start, g.nweeks - 1, out, ev, err);
	grid_release(&g);
	if (r)
		kb__eval_release(ev);
	return r;
}

int kb__supply_weeks(struct kb_store *s, int *from, int *to, struct kb_err *err)
{
	if ((*to = resolve_week(s, *to, err)) < 0)
		return *to;
	*to = kb_week_of_time((time_t)*to * 86400);
	*from = *from < 0 ? *to : kb_week_of_time((time_t)*from * 86400);
	if (*from > *to)
		return kb_err_set(err, KB_EUSAGE, "%s",
				  KB_TR(err->lang,
					"the first week comes after the last",
					"開始週が終了週より後です"));
	return 0;
}

int kb_supply_alerts(struct kb_store *s, const struct kb_supply *sup, int from,
		     int to, struct kb_alerts *out, struct kb_err *err)
{
	struct kb__eval ev;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = kb__supply_weeks(s, &from, &to, err)))
		return r;
	r = kb__supply_evaluate(s, sup, from - HISTORY_WEEKS * 7, from, to, out,
				&ev, err);
	kb__eval_release(&ev);
	if (r) {
		kb_alerts_release(out);
		return r;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_severity);
	return 0;
}

static const char *pref_name(const struct kb_supply *sup, int p, enum kb_lang L)
{
	if (!p)
		return KB_TR(L, "nationally", "全国");
	return L == KB_LANG_JA ? sup->prefs[p - 1].name_ja
			       : sup->prefs[p - 1].name_en;
}

void kb_alert_reason(const struct kb_alert *a, const struct kb_supply *sup,
		     enum kb_lang L, struct kb_buf *out)
{
	const struct kb_device *d =
		a->device != KB_NONE ? &sup->devices[a->device] : NULL;
	const char *unit = d ? (L == KB_LANG_JA ? d->unit_ja : d->unit_en) : "";
	char w[16];

	if (a->withheld) { /* for this viewer: no figure (suppress.c) */
		kb_buf_addf(out, "%s: %s",
			    a->rule == KB_ALERT_SUPPLY_DROP
				    ? KB_TR(L, "national production and imports",
					    "全国の生産・輸入")
				    : pref_name(sup, a->pref, L),
			    kb_withheld_reason(a->withheld,
					       a->rule == KB_ALERT_SUPPLY_DROP,
					       L));
		return;
	}
	switch (a->rule) {
	case KB_ALERT_LOW_STOCK:
		kb_buf_addf(
			out,
			KB_TR(L, "%s: %.1f days of supply, under %g (stock %.0f %s; expected use %.1f %s a day, smoothed over recent weeks)",
			      "%s: 在庫日数 %.1f 日で %g 日を下回っています（在庫 %.0f %s、想定使用量 1 日 %.1f %s、直近数週の平滑値）"),
			pref_name(sup, a->pref, L), a->value, a->threshold,
			a->a, unit, a->b, unit);
		break;
	case KB_ALERT_DEMAND_JUMP:
		kb_buf_addf(
			out,
			KB_TR(L, "%s: demand %.2f times its recent trend, at or above %.2f (%.0f %s this week against %.0f expected; stock-out days adjusted)",
			      "%s: 需要が直近傾向の %.2f 倍で %.2f 倍以上です（今週 %.0f %s、想定 %.0f。欠品日を補正済み）"),
			pref_name(sup, a->pref, L), a->value, a->threshold,
			a->a, unit, a->b);
		break;
	case KB_ALERT_SUPPLY_DROP:
		kb_buf_addf(
			out,
			KB_TR(L, "national production and imports at %.0f%% of their recent level, under %.0f%% (%.0f %s this week against %.0f)",
			      "全国の生産・輸入が直近水準の %.0f%% で %.0f%% を下回っています（今週 %.0f %s、直近水準 %.0f）"),
			a->value * 100, a->threshold * 100, a->a, unit, a->b);
		break;
	case KB_ALERT_LOW_FACILITIES:
		kb_buf_addf(
			out,
			KB_TR(L, "%s: %.0f of %.0f reporting hospitals ended the week with less stock than a week's use (%.0f already stocked out)",
			      "%s: 報告した %.0f 病院中 %.0f 病院で週末の在庫が 1 週間分の使用量を下回っています（うち欠品 %.0f 病院）"),
			pref_name(sup, a->pref, L),
			L == KB_LANG_JA ? a->a : a->value,
			L == KB_LANG_JA ? a->value : a->a, a->b);
		break;
	case KB_ALERT_SILENT:
		if (a->b >= 0)
			kb_week_format((int)a->b, w);
		kb_buf_addf(
			out,
			KB_TR(L, "%s: %.0f of %.0f hospitals sent no stock report this week, against about %.0f in a usual week (the earliest last report: %s%s)",
			      "%s: %.0f / %.0f 病院から今週の在庫報告がありません。通常の週は約 %.0f 病院です（最も古い最終報告: %s%s）"),
			pref_name(sup, a->pref, L), a->value, a->a,
			a->threshold, a->b >= 0 ? w : KB_TR(L, "never", "なし"),
			a->b >= 0 ? KB_TR(L, " week", " の週") : "");
		break;
	}
}
