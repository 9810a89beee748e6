/*
 * signal.c - the alerts of one problem grouped into a signal that opens,
 * escalates, de-escalates and closes.
 *
 * A week of national data raises alerts in many places at once (a device
 * short in 30 prefectures is 30 alerts, and again next week); the desk
 * needs one line per problem.  A signal is a device and a cause (its stock,
 * its supply, its demand: kb_alert_cause) over consecutive weeks, with the
 * regions it reaches; for reporting, a region whose hospitals stopped
 * reporting.  Each week every rule gives a verdict on every region
 * (monitor.c: on = the alert fires, hold = a looser condition, the leaving
 * threshold).  A signal:
 *   opens   when a rule of its cause fires and is confirmed: by the nation,
 *           by two regions in one week, by a critical level, by a second
 *           rule of the device in the same region, or by the same region
 *           a second week (a lone warning that nothing confirms opens
 *           nothing; its onset is still the week the region joined);
 *   stays   open while the leaving condition holds in some region: days of
 *           supply under 1.25 times the alert threshold, a share still
 *           unusual at 1.5 standard deviations, demand over half the jump,
 *           supply under halfway back to its level;
 *   closes  after KB_SIGNAL_QUIET weeks in which nothing held;
 *   escalates to critical when a rule fires at critical level, and
 *   de-escalates only when no region holds at critical level any more.
 * The two thresholds (entering, leaving) are the hysteresis that keeps a
 * figure hovering at a threshold from opening a signal every other week.
 * The same condition next week updates the signal: its latest week, its
 * regions, its trend, its evidence (the alerts behind it).
 *
 * Trend: worsening when the severity rose in the last two weeks or the
 * score (1 at the entering threshold) rose by more than a tenth over them;
 * recovering when it fell by as much, or when the latest week no longer
 * held; stable otherwise.
 *
 * Everything is derived from the weekly aggregates when asked, as the
 * alerts are: signals cannot disagree with the figures, and a late report
 * changes them as it changes the figures.  The key names the device, the
 * cause and the onset week, so an incident links to a signal by its key
 * (kb_incident_link).
 */
#include "core/compat.h"

#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

#define SIGNAL_HISTORY 52 /* weeks judged before the first one asked for */

static const char *const cause_names[][3] = {
	{ "stock", "在庫不足", "stock running low" },
	{ "supply", "供給減少", "supply drop" },
	{ "demand", "需要急増", "demand surge" },
	{ "reporting", "報告途絶", "reports missing" },
};

const char *kb_signal_cause_key(enum kb_signal_cause c)
{
	return cause_names[c][0];
}

int kb_signal_cause_parse(const char *key)
{
	int c;
	for (c = 0; key && c < KB_NCAUSES; c++)
		if (!strcmp(key, cause_names[c][0]))
			return c;
	return -1;
}

const char *kb_signal_cause_name(enum kb_signal_cause c, enum kb_lang lang)
{
	return cause_names[c][lang == KB_LANG_JA ? 1 : 2];
}

static const char *const trend_names[][3] = {
	{ "worsening", "悪化", "worsening" },
	{ "stable", "横ばい", "stable" },
	{ "recovering", "回復", "recovering" },
};

const char *kb_signal_trend_key(enum kb_signal_trend t)
{
	return trend_names[t][0];
}

const char *kb_signal_trend_name(enum kb_signal_trend t, enum kb_lang lang)
{
	return trend_names[t][lang == KB_LANG_JA ? 1 : 2];
}

enum kb_signal_cause kb_alert_cause(enum kb_alert_rule r)
{
	switch (r) {
	case KB_ALERT_SUPPLY_DROP: return KB_CAUSE_SUPPLY;
	case KB_ALERT_DEMAND_JUMP: return KB_CAUSE_DEMAND;
	case KB_ALERT_SILENT: return KB_CAUSE_REPORTING;
	default: return KB_CAUSE_STOCK;
	}
}

static void signal_free(struct kb_signal *g)
{
	free(g->regions);
	free(g->steps);
	free(g->alerts);
}

void kb_signals_release(struct kb_signals *v)
{
	size_t i;
	for (i = 0; i < v->n; i++)
		signal_free(&v->v[i]);
	free(v->v);
	kb_alerts_release(&v->alerts);
	memset(v, 0, sizeof(*v));
}

int kb_signal_reaches(const struct kb_signal *g, int pref)
{
	size_t i;
	for (i = 0; i < g->nregions; i++)
		if (!g->regions[i].pref || g->regions[i].pref == pref)
			return 1;
	return 0;
}

struct machine {
	const struct kb__eval *ev;
	size_t dev;		     /* device row */
	enum kb_alert_rule rules[2]; /* of the cause */
	size_t nrules;
	int pref; /* -1: every region; else this one only */
};

/* A region within a signal: it joins when a rule fires there and leaves
 * after KB_SIGNAL_QUIET weeks without its leaving condition. */
struct region {
	int active, level, quiet, peak, joined;
	int fires; /* the weeks a rule fired there since it joined */
	int n;	   /* facilities, at the latest week it held */
};

/* The strongest verdict of the cause's rules on region p, week w. */
static void verdict_of(const struct machine *m, int p, size_t w, int *on,
		       int *hold, double *score, int *n)
{
	size_t k;
	*on = *hold = *n = 0;
	*score = 0;
	for (k = 0; k < m->nrules; k++) {
		const struct kb__verdict *v =
			&kb__eval_at(m->ev, m->dev, p, m->rules[k])[w];
		if (v->on > *on)
			*on = v->on;
		if (v->hold > *hold)
			*hold = v->hold;
		if (v->hold && v->score > *score)
			*score = v->score;
		if (v->hold && v->n > *n)
			*n = v->n;
	}
}

/* Whether two of the device's rules fire in region p, week w: a second,
 * independent figure agrees. */
static int corroborated(const struct machine *m, int p, size_t w)
{
	static const enum kb_alert_rule rules[] = { KB_ALERT_LOW_STOCK,
						    KB_ALERT_LOW_FACILITIES,
						    KB_ALERT_DEMAND_JUMP,
						    KB_ALERT_SUPPLY_DROP };
	size_t k;
	int n = 0;
	if (m->dev + 1 >= m->ev->ndev) /* reporting has one rule */
		return 0;
	for (k = 0; k < KB_ARRAY_SIZE(rules); k++)
		n += kb__eval_at(m->ev, m->dev, p, rules[k])[w].on > 0;
	return n >= 2;
}

static void add_step(struct kb_signal *g, int week, enum kb_severity sev)
{
	g->steps = kb_realloc(g->steps, (g->nsteps + 1) * sizeof(*g->steps));
	g->steps[g->nsteps].week = week;
	g->steps[g->nsteps++].severity = sev;
}

static enum kb_severity sev_of(int level, enum kb_signal_cause c)
{
	if (c == KB_CAUSE_REPORTING) /* a gap in reports is not a shortage */
		return level ? KB_SEV_WARNING : 0;
	return level >= 2 ? KB_SEV_CRITICAL : level ? KB_SEV_WARNING : 0;
}

/* The regions, facilities, population, trend and evidence of a signal
 * whose weeks are settled. */
static void finish(struct kb_signal *g, const struct machine *m,
		   const struct kb_supply *sup, const struct kb_alerts *al,
		   const struct region *rg, const double *score, size_t w0,
		   size_t wl)
{
	size_t i, alloc = 0;
	int p, national = rg[0].joined;

	for (p = 0; p <= KB_NPREF; p++) {
		if (!rg[p].joined)
			continue;
		KB_ALLOC_GROW(g->regions, g->nregions + 1, alloc);
		g->regions[g->nregions].pref = p;
		g->regions[g->nregions].peak = sev_of(rg[p].peak, g->cause);
		g->regions[g->nregions++].severity =
			rg[p].active && !rg[p].quiet
				? sev_of(rg[p].level, g->cause)
				: 0;
		if (!p || !national)
			g->facilities += rg[p].n;
		if (!p)
			for (i = 0; i < KB_NPREF; i++)
				g->population += sup->prefs[i].population;
		else if (!national)
			g->population += sup->prefs[p - 1].population;
	}
	/* hospitals short nationally, for a supply drop (its rule is about
	 * manufacturers) */
	if (g->cause == KB_CAUSE_SUPPLY)
		g->facilities =
			kb__eval_at(m->ev, m->dev, 0, KB_ALERT_LOW_STOCK)[wl].n;
	if (g->closed >= 0 || score[wl] <= 0)
		g->trend = KB_TREND_RECOVERING;
	else if ((g->nsteps > 1 && g->steps[g->nsteps - 1].week >= g->latest - 14 &&
		  g->steps[g->nsteps - 1].severity >
			  g->steps[g->nsteps - 2].severity) ||
		 (wl >= w0 + 2 && score[wl] > 1.1 * score[wl - 2]))
		g->trend = KB_TREND_WORSENING;
	else if (wl >= w0 + 2 && score[wl] < 0.9 * score[wl - 2])
		g->trend = KB_TREND_RECOVERING;
	else
		g->trend = KB_TREND_STABLE;
	g->score = score[wl];
	alloc = 0;
	for (i = 0; i < al->n; i++) {
		const struct kb_alert *a = &al->v[i];
		if (kb_alert_cause(a->rule) != g->cause ||
		    a->device != g->device || a->week < g->onset ||
		    a->week > g->latest || a->pref < 0 || a->pref > KB_NPREF ||
		    !rg[a->pref].joined)
			continue;
		KB_ALLOC_GROW(g->alerts, g->nalerts + 1, alloc);
		g->alerts[g->nalerts++] = i;
	}
}

static void run(struct kb_signals *out, const struct machine *m,
		enum kb_signal_cause cause, const struct kb_supply *sup)
{
	const struct kb__eval *ev = m->ev;
	double *score = kb_calloc(ev->nweeks + 1, sizeof(*score));
	struct region rg[KB_NPREF + 1];
	struct kb_signal g;
	size_t w, w0 = 0, wl = 0;
	int open = 0, pending = 0, level = 0, lo = m->pref < 0 ? 0 : m->pref;
	int hi = m->pref < 0 ? KB_NPREF : m->pref, p;
	char onset[16];

	memset(&g, 0, sizeof(g));
	memset(rg, 0, sizeof(rg));
	for (w = 0; w <= ev->nweeks; w++) {
		int week = ev->first + (int)w * 7, any = 0, held = 0, was;
		int lvl = 0, sure = 0, fired = 0;
		double sc = 0;
		for (p = lo; w < ev->nweeks && p <= hi; p++) {
			struct region *x = &rg[p];
			int on, hold, n;
			double s;
			verdict_of(m, p, w, &on, &hold, &s, &n);
			if (!x->active) {
				if (!on)
					continue;
				x->active = x->joined = 1;
				x->level = on, x->quiet = 0, x->fires = 0;
			} else if (hold) {
				x->quiet = 0;
				if (on == 2)
					x->level = 2;
				else if (x->level == 2 && hold < 2)
					x->level = 1;
			} else if (++x->quiet >= KB_SIGNAL_QUIET) {
				x->active = 0;
				continue;
			}
			any = 1;
			/* raised when the nation fires, or two regions in one
			 * week, or one region at critical level, or with two
			 * rules of the device firing there, or in a second week
			 * (EARS C3 asks the same persistence of a day's excess) */
			if (on) {
				fired++;
				if (!p || ++x->fires >= 2 || on == 2 ||
				    corroborated(m, p, w))
					sure = 1;
			}
			if (x->quiet)
				continue;
			held++;
			x->n = n;
			if (x->level > x->peak)
				x->peak = x->level;
			if (x->level > lvl)
				lvl = x->level;
			if (s > sc)
				sc = s;
		}
		if (w < ev->nweeks)
			score[w] = sc;
		if (!open) {
			if (!any) { /* a lone week that no one confirmed */
				memset(rg, 0, sizeof(rg));
				pending = 0;
				continue;
			}
			if (!pending)
				pending = 1, w0 = w;
			if (!sure && fired < 2)
				continue;
			memset(&g, 0, sizeof(g));
			open = 1, wl = w, level = lvl;
			g.cause = cause;
			g.device = m->dev < sup->ndevices ? m->dev : KB_NONE;
			g.pref = m->pref;
			g.onset = ev->first + (int)w0 * 7;
			g.latest = week;
			g.closed = -1;
			g.peak = sev_of(level, cause);
			add_step(&g, week, g.peak);
			continue;
		}
		if (any) {
			if (!held)
				continue;
			wl = w;
			g.latest = week;
			was = level;
			level = lvl;
			if (sev_of(level, cause) != sev_of(was, cause))
				add_step(&g, week, sev_of(level, cause));
			if (sev_of(level, cause) > g.peak)
				g.peak = sev_of(level, cause);
			continue;
		}
		/* closed, or still open at the end of the weeks judged */
		if (w < ev->nweeks) {
			g.closed = week;
			add_step(&g, week, 0);
		}
		g.severity = g.closed >= 0 ? 0 : sev_of(level, cause);
		finish(&g, m, sup, &out->alerts, rg, score, w0, wl);
		kb_week_format(g.onset, onset);
		if (m->pref >= 0)
			snprintf(g.key, sizeof(g.key), "signal:%s:-:%02d:%s",
				 cause_names[cause][0], m->pref, onset);
		else
			snprintf(g.key, sizeof(g.key), "signal:%s:%s:%s",
				 cause_names[cause][0],
				 sup->devices[m->dev].code, onset);
		if (g.onset <= out->to && (g.closed < 0 || g.closed > out->from)) {
			KB_ALLOC_GROW(out->v, out->n + 1, out->alloc);
			out->v[out->n++] = g;
		} else {
			signal_free(&g);
		}
		memset(&g, 0, sizeof(g));
		memset(rg, 0, sizeof(rg));
		open = pending = 0;
	}
	free(score);
}

static int by_weight(const void *pa, const void *pb)
{
	const struct kb_signal *a = pa, *b = pb;
	if ((a->closed < 0) != (b->closed < 0)) /* open first */
		return a->closed < 0 ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->peak != b->peak)
		return a->peak > b->peak ? -1 : 1;
	if (a->latest != b->latest)
		return a->latest > b->latest ? -1 : 1;
	return strcmp(a->key, b->key);
}

int kb_supply_signals(struct kb_store *s, const struct kb_supply *sup, int from,
		      int to, struct kb_signals *out, struct kb_err *err)
{
	static const enum kb_signal_cause causes[] = { KB_CAUSE_STOCK,
						       KB_CAUSE_SUPPLY,
						       KB_CAUSE_DEMAND };
	struct kb__eval ev;
	struct machine m;
	size_t d, k;
	int r, p;

	memset(out, 0, sizeof(*out));
	if ((r = kb__supply_weeks(s, &from, &to, err)))
		return r;
	out->from = from;
	out->to = to;
	from -= SIGNAL_HISTORY * 7;
	if ((r = kb__supply_evaluate(s, sup, from, from, to, &out->alerts, &ev,
				     err)))
		return r;
	memset(&m, 0, sizeof(m));
	m.ev = &ev;
	m.pref = -1;
	for (d = 0; d < sup->ndevices; d++)
		for (k = 0; k < KB_ARRAY_SIZE(causes); k++) {
			m.dev = d;
			m.nrules = causes[k] == KB_CAUSE_STOCK ? 2 : 1;
			m.rules[0] = causes[k] == KB_CAUSE_STOCK
					     ? KB_ALERT_LOW_STOCK
				     : causes[k] == KB_CAUSE_SUPPLY
					     ? KB_ALERT_SUPPLY_DROP
					     : KB_ALERT_DEMAND_JUMP;
			m.rules[1] = KB_ALERT_LOW_FACILITIES;
			run(out, &m, causes[k], sup);
		}
	m.dev = ev.ndev - 1;
	m.nrules = 1;
	m.rules[0] = KB_ALERT_SILENT;
	for (p = 0; p <= KB_NPREF; p++) {
		m.pref = p;
		run(out, &m, KB_CAUSE_REPORTING, sup);
	}
	kb__eval_release(&ev);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_weight);
	return 0;
}

const char *kb__region_name(const struct kb_supply *sup, int p, enum kb_lang L)
{
	if (!p)
		return KB_TR(L, "nationwide", "全国");
	return L == KB_LANG_JA ? sup->prefs[p - 1].name_ja
			       : sup->prefs[p - 1].name_en;
}

void kb__signal_regions(const struct kb_signal *g, const struct kb_supply *sup,
			enum kb_lang L, struct kb_buf *out)
{
	size_t i, shown = 0;
	if (g->nregions && !g->regions[0].pref) {
		kb_buf_adds(out, kb__region_name(sup, 0, L));
		if (g->nregions > 1)
			kb_buf_addf(out,
				    KB_TR(L, " and %zu prefectures",
					  "と %zu 都道府県"),
				    g->nregions - 1);
		return;
	}
	for (i = 0; i < g->nregions && shown < 5; i++, shown++)
		kb_buf_addf(out, "%s%s", i ? KB_TR(L, ", ", "、") : "",
			    kb__region_name(sup, g->regions[i].pref, L));
	if (g->nregions > shown)
		kb_buf_addf(out, KB_TR(L, " and %zu more", " ほか %zu"),
			    g->nregions - shown);
}

void kb_signal_reason(const struct kb_signal *g, const struct kb_signals *all,
		      const struct kb_supply *sup, enum kb_lang L,
		      struct kb_buf *out)
{
	char on[16], last[16];
	const struct kb_alert *ev = NULL;
	size_t i;

	kb_week_format(g->onset, on);
	kb_week_format(g->latest, last);
	kb_buf_addf(out, "%s%s%s: ",
		    g->device != KB_NONE
			    ? (L == KB_LANG_JA ? sup->devices[g->device].name_ja
					       : sup->devices[g->device].name_en)
			    : "",
		    g->device != KB_NONE ? " " : "",
		    kb_signal_cause_name(g->cause, L));
	kb__signal_regions(g, sup, L, out);
	if (g->closed >= 0)
		kb_buf_addf(out,
			    KB_TR(L, ", weeks of %s to %s (closed)",
				  "、%s の週〜%s の週（終了）"),
			    on, last);
	else
		kb_buf_addf(out,
			    KB_TR(L, ", since the week of %s, %s",
				  "、%s の週から、%s"),
			    on, kb_signal_trend_name(g->trend, L));
	/* the strongest alert of its latest week, with its figures */
	for (i = 0; i < g->nalerts; i++) {
		const struct kb_alert *a = &all->alerts.v[g->alerts[i]];
		if (a->week != g->latest)
			continue;
		if (!ev || a->severity > ev->severity ||
		    (a->severity == ev->severity && !a->pref && ev->pref))
			ev = a;
	}
	if (ev) {
		kb_buf_adds(out, KB_TR(L, ". ", "。"));
		kb_alert_reason(ev, sup, L, out);
	}
}
