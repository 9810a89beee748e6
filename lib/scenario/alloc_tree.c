/*
 * alloc_tree.c - the emergency allocation down to hospitals, by
 * decomposition (scenario.h): the prefectures first, then the hospitals
 * of each against its hub, then the whole played in whole units.
 */
#include "core/compat.h"

#include <math.h>
#include <stdatomic.h>

#include "core/parallel.h"
#include "kiban/scenario.h"

/* Pools the hospitals of each group: demand and stock summed, transport
 * group_tau (+ local, unless `relax`: then local moves are free). */
static void pool(const struct kb_alloc_tree *tr, int relax, struct kb_alloc *g,
		 double *demand, double *stock, int *tau)
{
	const struct kb_alloc *a = tr->a;
	size_t G = tr->ngroup, P = a->npref, T = (size_t)a->days, k, h, t;
	int *local = kb_malloc(G * sizeof(int));
	memset(demand, 0, a->ndev * G * T * sizeof(double));
	memset(stock, 0, a->ndev * G * sizeof(double));
	for (k = 0; k < G; k++)
		local[k] = 0;
	for (h = 0; h < P; h++) /* the farthest hospital of the group */
		if (a->tau[h] > local[tr->group[h]])
			local[tr->group[h]] = a->tau[h];
	for (k = 0; k < a->ndev; k++)
		for (h = 0; h < P; h++) {
			size_t g0 = (size_t)tr->group[h];
			stock[k * G + g0] += a->stock[k * P + h];
			for (t = 0; t < T; t++)
				demand[(k * G + g0) * T + t] += ceil(
					a->demand[(k * P + h) * T + t] - 1e-9);
		}
	for (k = 0; k < G; k++)
		tau[k] = tr->group_tau[k] + (relax ? 0 : local[k]);
	*g = *a;
	g->npref = G;
	g->demand = demand;
	g->stock = stock;
	g->tau = tau;
	g->consumption = NULL;
	free(local);
}

/* The second stage: each (group, device) against its hub. */
struct stage2 {
	const struct kb_alloc_tree *tr;
	const struct kb_alloc_plan *first;
	size_t **members, *nmembers;
	struct kb_alloc_plan *part; /* [k * ngroup + g] */
	int *rc;
	struct kb_err *errs;
	atomic_size_t next;
};

static void *stage2_worker(void *arg)
{
	struct stage2 *w = arg;
	const struct kb_alloc_tree *tr = w->tr;
	const struct kb_alloc *a = tr->a;
	size_t G = tr->ngroup, T = (size_t)a->days, P = a->npref, job;
	while ((job = atomic_fetch_add(&w->next, 1)) < a->ndev * G) {
		size_t k = job / G, g = job % G, n = w->nmembers[g], i, t;
		double *demand = kb_malloc((n * T + 1) * sizeof(double)),
		       *stock = kb_malloc((n + 1) * sizeof(double)),
		       *arrive = kb_calloc(T + 1, sizeof(double)),
		       *release = kb_calloc(T + 1, sizeof(double)),
		       *ones = kb_malloc((n + 1) * sizeof(double)), zero = 0;
		int *tau = kb_malloc((n + 1) * sizeof(int)), lead = 0;
		struct kb_alloc one;
		for (i = 0; i < n; i++) {
			size_t h = w->members[g][i];
			memcpy(demand + i * T, a->demand + (k * P + h) * T,
			       T * sizeof(double));
			stock[i] = a->stock[k * P + h];
			tau[i] = a->tau[h];
			ones[i] = 1;
		}
		/* what the first plan ships arrives after the group's
		 * transport; what it returns may leave */
		for (t = 0; t < T; t++) {
			size_t c = (k * G + g) * T + t,
			       at = t + (size_t)tr->group_tau[g];
			if (at < T)
				arrive[at] += floor(w->first->ship[c] + 1e-6);
			release[t] = floor(w->first->ret[c] + 1e-6);
		}
		memset(&one, 0, sizeof(one));
		one.ndev = 1;
		one.npref = n;
		one.days = a->days;
		one.demand = demand;
		one.stock = stock;
		one.depot = &zero;
		one.cap = &zero;
		one.lead = &lead;
		one.tau = tau;
		one.arrive = arrive;
		one.release = release;
		w->rc[job] = n ? kb_alloc_solve(&one, ones, 1, &w->part[job],
						&w->errs[job])
			       : 0;
		free(ones);
		free(demand);
		free(stock);
		free(arrive);
		free(release);
		free(tau);
	}
	return NULL;
}

static double take(double *v)
{
	double x = *v;
	*v = 0;
	return x;
}

/* Plays both stages day by day in whole units: the depot ships what the
 * first plan says if it has it, each hub what the second says if it has
 * it, in the order of a day of the models (arrivals, returns, what is
 * sent back, shipments, what arrives the same day, the patients); returns
 * the unmet unit-days and fills unmet. */
static double play(const struct kb_alloc_tree *tr,
		   const struct kb_alloc_plan *first, struct stage2 *w,
		   struct kb_alloc_tree_plan *out)
{
	const struct kb_alloc *a = tr->a;
	size_t G = tr->ngroup, P = a->npref, T = (size_t)a->days, k, g, j, t,
	       W = T + 64;
	double total = 0, *hub = kb_malloc(G * sizeof(double)),
	       *held = kb_malloc(P * sizeof(double)),
	       *to_hub = kb_malloc(G * W * sizeof(double)),
	       *to_depot = kb_malloc(W * sizeof(double)),
	       *to_hosp = kb_malloc(P * W * sizeof(double)),
	       *back = kb_malloc(G * W * sizeof(double));
	for (k = 0; k < a->ndev; k++) {
		double depot = a->depot[k];
		memset(hub, 0, G * sizeof(double));
		memset(to_hub, 0, G * W * sizeof(double));
		memset(to_depot, 0, W * sizeof(double));
		memset(to_hosp, 0, P * W * sizeof(double));
		memset(back, 0, G * W * sizeof(double));
		for (j = 0; j < P; j++)
			held[j] = a->stock[k * P + j];
		for (t = 0; t < T; t++) {
			if (t >= (size_t)a->lead[k])
				depot +=
					first->buy[k * T + t - (size_t)a->lead[k]];
			depot += take(&to_depot[t]);
			/* the depot: what the hubs send back, then shipments */
			for (g = 0; g < G; g++) {
				const struct kb_alloc_plan *s =
					&w->part[k * G + g];
				size_t tg = (size_t)tr->group_tau[g];
				double y;
				hub[g] += take(&to_hub[g * W + t]) +
					  take(&back[g * W + t]);
				for (j = 0; j < w->nmembers[g]; j++) {
					size_t h = w->members[g][j];
					double r;
					held[h] += take(&to_hosp[h * W + t]);
					r = fmin(s->ret[j * T + t], held[h]);
					held[h] -= r;
					out->ret[(k * P + h) * T + t] = r;
					back[g * W + t + (size_t)a->tau[h]] += r;
				}
				hub[g] += take(&back[g * W + t]);
				y = w->nmembers[g] ? fmin(s->sent[t], hub[g]) : 0;
				hub[g] -= y;
				to_depot[t + tg] += y;
			}
			depot += take(&to_depot[t]);
			for (g = 0; g < G; g++) {
				size_t tg = (size_t)tr->group_tau[g];
				double y = fmin(first->ship[(k * G + g) * T + t],
						depot);
				depot -= y;
				to_hub[g * W + t + tg] += y;
				hub[g] += take(&to_hub[g * W + t]);
			}
			/* the hubs ship, the hospitals receive and serve */
			for (g = 0; g < G; g++) {
				const struct kb_alloc_plan *s =
					&w->part[k * G + g];
				for (j = 0; j < w->nmembers[g]; j++) {
					size_t h = w->members[g][j];
					double y =
						fmin(s->ship[j * T + t], hub[g]);
					hub[g] -= y;
					out->ship[(k * P + h) * T + t] = y;
					to_hosp[h * W + t + (size_t)a->tau[h]] +=
						y;
				}
				for (j = 0; j < w->nmembers[g]; j++) {
					size_t h = w->members[g][j],
					       u = (k * P + h) * T + t;
					double d = ceil(a->demand[u] - 1e-9);
					held[h] += take(&to_hosp[h * W + t]);
					out->unmet[u] =
						d > held[h] ? d - held[h] : 0;
					total += out->unmet[u];
				}
			}
		}
	}
	free(hub);
	free(held);
	free(to_hub);
	free(to_depot);
	free(to_hosp);
	free(back);
	return total;
}

int kb_alloc_tree_solve(const struct kb_alloc_tree *tr, int threads,
			struct kb_alloc_tree_plan *out, struct kb_err *err)
{
	const struct kb_alloc *a = tr->a;
	size_t G = tr->ngroup, P = a->npref, T = (size_t)a->days, K = a->ndev,
	       g, h, k, t, n = K * G * T;
	double *demand, *stock, *pop;
	int *tau, r;
	struct kb_alloc pooled;
	struct kb_alloc_plan first, relaxed;
	struct stage2 w;

	memset(out, 0, sizeof(*out));
	for (h = 0; h < P; h++)
		if (tr->group[h] < 0 || (size_t)tr->group[h] >= G ||
		    a->tau[h] < 0 || a->tau[h] > 30)
			return kb_err_set(
				err, KB_EINVALID,
				KB_TR(err->lang,
				      "field 'group': hospital %zu has no group "
				      "or a transport beyond 0-30 days",
				      "項目 'group': 病院 %zu のグループか輸送日数"
				      "（0〜30 日）が正しくありません"),
				h + 1);
	demand = kb_malloc((n + 1) * sizeof(double));
	stock = kb_malloc((K * G + 1) * sizeof(double));
	tau = kb_malloc((G + 1) * sizeof(int));
	pop = kb_calloc(G + 1, sizeof(double));
	for (g = 0; g < G; g++)
		pop[g] = 1;
	/* the bound: the relaxation */
	pool(tr, 1, &pooled, demand, stock, tau);
	if ((r = kb_alloc_solve(&pooled, pop, threads, &relaxed, err)))
		goto out;
	out->bound = relaxed.lp_unmet;
	out->seconds += relaxed.seconds;
	kb_alloc_plan_release(&relaxed);
	/* the first stage */
	pool(tr, 0, &pooled, demand, stock, tau);
	if ((r = kb_alloc_solve(&pooled, pop, threads, &first, err)))
		goto out;
	out->seconds += first.seconds;
	out->rows = first.rows;
	out->cols = first.cols;
	out->models = K + 1;

	/* the second */
	memset(&w, 0, sizeof(w));
	w.tr = tr;
	w.first = &first;
	w.members = kb_calloc(G, sizeof(size_t *));
	w.nmembers = kb_calloc(G, sizeof(size_t));
	for (h = 0; h < P; h++)
		w.nmembers[tr->group[h]]++;
	for (g = 0; g < G; g++) {
		w.members[g] = kb_malloc((w.nmembers[g] + 1) * sizeof(size_t));
		w.nmembers[g] = 0;
	}
	for (h = 0; h < P; h++) {
		g = (size_t)tr->group[h];
		w.members[g][w.nmembers[g]++] = h;
	}
	w.part = kb_calloc(K * G, sizeof(*w.part));
	w.rc = kb_calloc(K * G, sizeof(int));
	w.errs = kb_calloc(K * G, sizeof(*w.errs));
	for (k = 0; k < K * G; k++)
		kb_err_init(&w.errs[k], err->lang);
	kb__parallel(threads, stage2_worker, &w);
	for (k = 0; k < K * G; k++) {
		if (w.rc[k] && !r) {
			r = w.rc[k];
			kb_err_set(err, w.errs[k].v[0].code, "%s",
				   w.errs[k].v[0].msg);
		}
		out->seconds += w.part[k].seconds;
		out->rows += w.part[k].rows;
		out->cols += w.part[k].cols;
		out->models += w.nmembers[k % G] > 0;
		kb_err_release(&w.errs[k]);
	}
	if (!r) {
		out->unmet = kb_calloc(K * P * T + 1, sizeof(double));
		out->ship = kb_calloc(K * P * T + 1, sizeof(double));
		out->ret = kb_calloc(K * P * T + 1, sizeof(double));
		out->unmet_total = play(tr, &first, &w, out);
		for (k = 0; k < K; k++)
			for (h = 0; h < P; h++)
				for (t = 0; t < T; t++) {
					double d = ceil(
						a->demand[(k * P + h) * T + t] -
						1e-9);
					if (d > a->stock[k * P + h])
						out->own_unmet +=
							d - a->stock[k * P + h];
				}
	}
	for (k = 0; k < K * G; k++)
		kb_alloc_plan_release(&w.part[k]);
	for (g = 0; g < G; g++)
		free(w.members[g]);
	free(w.members);
	free(w.nmembers);
	free(w.part);
	free(w.rc);
	free(w.errs);
	kb_alloc_plan_release(&first);
out:
	free(demand);
	free(stock);
	free(tau);
	free(pop);
	return r;
}

void kb_alloc_tree_plan_release(struct kb_alloc_tree_plan *p)
{
	free(p->unmet);
	free(p->ship);
	free(p->ret);
	memset(p, 0, sizeof(*p));
}
