/*
 * scenario_run.c - a scenario run against the stock reported
 * (kb_scenario_run): the latest stock of every device and prefecture and the
 * disruptions of supply the file names are read from the database, the
 * epidemic's demand is simulated (epi.c), and demand and stock of a day
 * are read back from the result (kb_scenario_demand, kb_scenario_stock);
 * then the emergency allocation of that result (kb_scenario_allocate,
 * the LP of alloc.c).  The file is read by scenario_file.c, the results
 * are written by scenario_out.c.
 */
#include "core/compat.h"

#include <math.h>

#include "kiban/scenario.h"
#include "store/sql.h"

static int load_stock(struct kb_store *s, const struct kb_supply *sup,
		      const struct kb_scenario *sc,
		      struct kb_scenario_result *r, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT week, device, prefecture, stock, consumption FROM "
		"stock_agg WHERE "
		"week = (SELECT max(week) FROM stock_agg) AND prefecture > 0",
		err);
	int rc;
	if (!st)
		return KB_EDB;
	r->stock_week = -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t dev = kb_supply_device_n(sup, sqlite3_column_int64(st, 1)),
		       k;
		int p = sqlite3_column_int(st, 2);
		r->stock_week = sqlite3_column_int(st, 0);
		if (p < 1 || p > KB_NPREF)
			continue;
		for (k = 0; k < sc->ndevices; k++)
			if (sc->devices[k].device == dev) {
				size_t at = k * KB_NPREF + (size_t)(p - 1);
				r->stock[at] = sqlite3_column_double(st, 3);
				r->consumption[at] = sqlite3_column_double(st, 4);
			}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE
		       ? 0
		       : kb__sql_fail(err, kb_store_sqlite(s), "stock");
}

/* With stops or a delay: the share of each device's supply still made on
 * each day (through the chain map; a device not in it is not affected)
 * and the days of resupply the hospitals have missed by each day (a
 * delivery shipped in the delay's window arrives `delay` days late). */
static int disrupt(struct kb_store *s, const struct kb_supply *sup,
		   const struct kb_scenario *sc, struct kb_scenario_result *r,
		   struct kb_err *err)
{
	size_t K = sc->ndevices, N = (size_t)sc->days + 1, k, i, *item;
	struct kb_chain ch;
	unsigned char *down, *one;
	double *avail, *recv;
	int d, rc;
	if (!sc->nstops && !sc->delay)
		return 0;
	if ((rc = kb_chain_load(s, sup, &ch, err)))
		return rc;
	r->supply = kb_malloc(K * N * sizeof(double));
	r->missed = kb_calloc(K * N, sizeof(double));
	item = kb_malloc((K + 1) * sizeof(size_t));
	down = kb_calloc(sup->nsites + 1, 1);
	one = kb_calloc(sup->nsites + 1, 1);
	avail = kb_calloc(ch.nitem + 1, sizeof(double));
	recv = kb_malloc((N + 366) * sizeof(double));
	for (k = 0; k < K; k++) {
		item[k] = kb_chain_item(
			&ch, sup->devices[sc->devices[k].device].code);
		r->chained += item[k] != KB_NONE;
	}
	for (d = 0; d <= sc->days; d++) {
		memset(down, 0, sup->nsites);
		for (i = 0; i < sc->nstops; i++) {
			const struct kb_scenario_stop *x = &sc->stops[i];
			size_t j;
			if (d < x->from || d > x->to)
				continue;
			kb_chain_stop(sup, x->what, x->id, one);
			for (j = 0; j < sup->nsites; j++)
				down[j] |= one[j];
		}
		kb_chain_avail(&ch, down, avail);
		for (k = 0; k < K; k++)
			r->supply[k * N + (size_t)d] =
				item[k] == KB_NONE ? 1 : avail[item[k]];
	}
	for (k = 0; k < K; k++) {
		memset(recv, 0, (N + 366) * sizeof(double));
		for (d = 1; d <= sc->days; d++) {
			int late = sc->delay && d >= sc->delay_from &&
				   d <= sc->delay_to;
			recv[(size_t)d + (size_t)(late ? sc->delay : 0)] +=
				r->supply[k * N + (size_t)d];
		}
		for (d = 1; d <= sc->days; d++)
			r->missed[k * N + (size_t)d] =
				r->missed[k * N + (size_t)d - 1] + 1 -
				recv[(size_t)d];
	}
	kb_chain_release(&ch);
	free(item);
	free(down);
	free(one);
	free(avail);
	free(recv);
	return 0;
}

int kb_scenario_run(struct kb_store *s, const struct kb_supply *sup,
		    const struct kb_scenario *sc, int threads,
		    kb_epi_progress_fn progress, void *ctx,
		    struct kb_scenario_result *out, struct kb_err *err)
{
	double pop[KB_NPREF];
	struct kb_epi m;
	unsigned cares = 0;
	size_t k;
	int i, r;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < KB_NPREF; i++)
		pop[i] = (double)sup->prefs[i].population;
	for (k = 0; k < sc->ndevices; k++)
		cares |= 1u << sc->devices[k].care;
	memset(&m, 0, sizeof(m));
	m.npref = KB_NPREF;
	m.pop = pop;
	m.infected0 = sc->infected;
	m.census0 = sc->census;
	m.days = sc->days;
	m.p = sc->lo;
	m.changes = sc->changes;
	m.nchanges = sc->nchanges;
	out->stock = kb_calloc(sc->ndevices * KB_NPREF + 1, sizeof(double));
	out->consumption = kb_calloc(sc->ndevices * KB_NPREF + 1, sizeof(double));
	if ((r = load_stock(s, sup, sc, out, err)) ||
	    (r = disrupt(s, sup, sc, out, err)) ||
	    (r = kb_epi_monte_carlo(&m, &sc->lo, &sc->hi, sc->runs, sc->seed,
				    cares | (sc->keep_runs ? KB_EPI_KEEP_RUNS : 0),
				    threads, progress, ctx, &out->bands, err))) {
		kb_scenario_result_release(out);
		return r;
	}
	return 0;
}

void kb_scenario_result_release(struct kb_scenario_result *r)
{
	kb_epi_bands_release(&r->bands);
	free(r->stock);
	free(r->consumption);
	free(r->supply);
	free(r->missed);
	memset(r, 0, sizeof(*r));
}

/* The demand surges' factor on day d in prefecture pref (1..47). */
static double surge(const struct kb_scenario *sc, int d, int pref)
{
	double f = 1;
	size_t i;
	for (i = 0; i < sc->nsurges; i++) {
		const struct kb_scenario_surge *x = &sc->surges[i];
		if (d >= x->from && d <= x->to && (!x->pref || x->pref == pref))
			f *= x->factor;
	}
	return f;
}

double kb_scenario_demand(const struct kb_scenario *sc,
			  const struct kb_scenario_result *r, size_t k, int q,
			  int d, int pref)
{
	const struct kb_scenario_device *dv = &sc->devices[k];
	const struct kb_epi_bands *b = &r->bands;
	const float *day = b->p[1] + (size_t)d * b->npref * KB_NCARE + dv->care;
	double v, with = 0, without = 0;
	int p;
	if (pref)
		return dv->units * surge(sc, d, pref) *
		       b->p[q][((size_t)d * b->npref + (size_t)(pref - 1)) * KB_NCARE +
			       dv->care];
	v = b->nation[q][(size_t)d * KB_NCARE + dv->care];
	if (!sc->nsurges)
		return dv->units * v;
	/* the national band scaled as the prefectures' medians are */
	for (p = 1; p <= KB_NPREF; p++) {
		double m = day[(size_t)(p - 1) * KB_NCARE];
		with += surge(sc, d, p) * m;
		without += m;
	}
	return dv->units * v * (without > 0 ? with / without : surge(sc, d, 1));
}

double kb_scenario_stock(const struct kb_scenario *sc,
			 const struct kb_scenario_result *r, size_t k, int d,
			 int pref)
{
	double sum = 0, v;
	int i;
	if (!pref) {
		for (i = 1; i <= KB_NPREF; i++)
			sum += kb_scenario_stock(sc, r, k, d, i);
		return sum;
	}
	v = r->stock[k * KB_NPREF + (size_t)(pref - 1)];
	if (r->missed) /* a day missed costs a day of consumption */
		v -= r->consumption[k * KB_NPREF + (size_t)(pref - 1)] / 7 *
		     r->missed[k * ((size_t)sc->days + 1) + (size_t)d];
	return v > 0 ? v : 0;
}

/* ---- the emergency allocation of a scenario ---- */

int kb_scenario_allocate(const struct kb_scenario *sc,
			 const struct kb_scenario_result *r,
			 const struct kb_supply *sup, int fair,
			 int no_worse_off, int threads, struct kb_buf *mps,
			 struct kb_alloc_plan *out, struct kb_err *err)
{
	size_t D = sc->ndevices, T = (size_t)sc->days, k;
	double *demand = kb_calloc(D * KB_NPREF * T + 1, sizeof(double));
	double *stock = kb_calloc(D * KB_NPREF + 1, sizeof(double));
	double *depot = kb_calloc(D + 1, sizeof(double)),
	       *cap = kb_calloc(D + 1, sizeof(double)), pop[KB_NPREF],
	       *supply = r->supply ? kb_malloc(D * T * sizeof(double)) : NULL;
	int *lead = kb_calloc(D + 1, sizeof(int)), p, t, rc;
	struct kb_alloc a;

	for (p = 0; p < KB_NPREF; p++)
		pop[p] = (double)sup->prefs[p].population;
	for (k = 0; k < D; k++) {
		depot[k] = sc->devices[k].depot;
		cap[k] = sc->devices[k].cap;
		lead[k] = sc->devices[k].lead;
		for (t = 0; supply && t < sc->days; t++) /* days 1..days */
			supply[k * T + (size_t)t] =
				r->supply[k * (T + 1) + (size_t)t + 1];
		for (p = 0; p < KB_NPREF; p++) {
			stock[k * KB_NPREF + (size_t)p] =
				floor(r->stock[k * KB_NPREF + (size_t)p]);
			for (t = 0; t < sc->days; t++) /* days 1..days */
				demand[(k * KB_NPREF + (size_t)p) * T + (size_t)t] =
					kb_scenario_demand(sc, r, k, 1, t + 1,
							   p + 1);
		}
	}
	memset(&a, 0, sizeof(a));
	a.ndev = D;
	a.npref = KB_NPREF;
	a.days = sc->days;
	a.demand = demand;
	a.stock = stock;
	a.depot = depot;
	a.cap = cap;
	a.lead = lead;
	a.tau = sc->tau;
	a.consumption = r->stock_week >= 0 ? r->consumption : NULL;
	a.supply = supply;
	a.fair = fair;
	a.no_worse_off = no_worse_off;
	rc = mps ? kb_alloc_mps(&a, mps, err) : 0;
	if (!rc)
		rc = kb_alloc_solve(&a, pop, threads, out, err);
	free(demand);
	free(stock);
	free(depot);
	free(cap);
	free(lead);
	free(supply);
	return rc;
}
