/*
 * alloc.c - emergency allocation through a national pool (scenario.h):
 * a linear program over days, rounded to whole units, set beside two
 * rules of thumb.
 *
 * For each device k, prefecture p and day t, the units held split into
 * those serving a patient and those idle:
 *   served[t] + idle[t] = served[t-1] + idle[t-1] + ship[t - tau] - ret[t]
 *   0 <= served[t] <= demand[t]                  (day -1: the stock)
 * and for the depot of each device:
 *   g[t] = g[t-1] + buy[t - lead] + sum ret[t - tau] - sum ship[t]
 * maximising the units serving (the unmet unit-days are the demand less
 * them): a min-cost flow over days, whose vertices are whole when the
 * data are.  With a small cost on each movement and a
 * larger one on each purchase (the stockpile goes first).  With `fair`,
 * the largest unmet share of a prefecture comes first; with
 * `no_worse_off`, no prefecture lacks more of a device than it would on
 * its own stock.
 */
#include "core/compat.h"

#include <math.h>
#include <stdatomic.h>

#include "core/parallel.h"
#include "kiban/lp.h"
#include "kiban/scenario.h"

#define MOVE_COST  1e-4
#define BUY_COST   1e-3
#define SEND_VALUE 0.5

static int invalid(struct kb_err *err, const char *field, const char *en,
		   const char *ja)
{
	return kb_err_set(err, KB_EINVALID,
			  KB_TR(err->lang, "field '%s': %s", "項目 '%s': %s"),
			  field, KB_TR(err->lang, en, ja));
}

static int check(const struct kb_alloc *a, struct kb_err *err)
{
	size_t k, p, n = a->ndev * a->npref * (size_t)a->days;
	if (!a->ndev || !a->npref || a->days < 1 || a->days > 3650)
		return invalid(err, "days",
			       "need devices, prefectures and 1 to 3650 days",
			       "機器・都道府県と 1〜3650 日が必要です");
	for (k = 0; k < n; k++)
		if (!(a->demand[k] >= 0))
			return invalid(err, "demand", "must not be negative",
				       "負にできません");
	for (k = 0; k < a->ndev; k++) {
		if (!(a->depot[k] >= 0))
			return invalid(err, "depot", "must not be negative",
				       "負にできません");
		if (!(a->cap[k] >= 0))
			return invalid(err, "capacity", "must not be negative",
				       "負にできません");
		if (a->lead[k] < 0)
			return invalid(err, "lead", "must not be negative",
				       "負にできません");
		for (p = 0; p < a->npref; p++)
			if (!(a->stock[k * a->npref + p] >= 0))
				return invalid(err, "stock",
					       "must not be negative",
					       "負にできません");
	}
	for (k = 0; (a->arrive || a->release) && k < a->ndev * (size_t)a->days;
	     k++)
		if ((a->arrive && !(a->arrive[k] >= 0)) ||
		    (a->release && !(a->release[k] >= 0)))
			return invalid(err, "arrive", "must not be negative",
				       "負にできません");
	for (p = 0; p < a->npref; p++)
		if (a->tau[p] < 0 || a->tau[p] > 30)
			return invalid(err, "transport", "must be 0 to 30 days",
				       "0〜30 日にしてください");
	return 0;
}

/* The units of device k that can be bought on day t. */
static double buy_cap(const struct kb_alloc *a, size_t k, size_t t)
{
	return floor(a->cap[k] *
		     (a->supply ? a->supply[k * (size_t)a->days + t] : 1));
}

/* Unmet unit-days when the depot's units and the purchases go out in
 * proportion to weights (per device and prefecture) and nothing comes
 * back: the rules a desk would use without a model. */
static double proportional(const struct kb_alloc *a, const double *w,
			   int by_device)
{
	size_t k, p, P = a->npref;
	int T = a->days, t;
	double unmet = 0, *held = kb_calloc(P * (size_t)(T + 1), sizeof(double));
	for (k = 0; k < a->ndev; k++) {
		double sum = 0;
		for (p = 0; p < P; p++)
			sum += w[by_device ? k * P + p : p];
		memset(held, 0, P * (size_t)(T + 1) * sizeof(double));
		for (t = 0; t < T; t++) {
			/* what leaves the depot on day t */
			double out =
				(t == 0 ? a->depot[k] : 0) +
				(t >= a->lead[k]
					 ? buy_cap(a, k, (size_t)(t - a->lead[k]))
					 : 0);
			for (p = 0; p < P && sum > 0; p++) {
				int at = t + a->tau[p];
				double units = floor(
					out * w[by_device ? k * P + p : p] / sum);
				if (at < T)
					held[p * (size_t)(T + 1) + (size_t)at] +=
						units;
			}
		}
		for (p = 0; p < P; p++) {
			double h = a->stock[k * P + p];
			for (t = 0; t < T; t++) {
				double d = a->demand[(k * P + p) * (size_t)T +
						     (size_t)t];
				h += held[p * (size_t)(T + 1) + (size_t)t];
				if (d > h)
					unmet += d - h;
			}
		}
	}
	free(held);
	return unmet;
}

static double take(double *v)
{
	double x = *v;
	*v = 0;
	return x;
}

/* Plays the LP's movements rounded down to whole units, day by day, never
 * moving units that are not there; fills out->unmet.  A day: what arrives
 * (at the depot and the prefectures), the returns, what the depot sends
 * away, the shipments, what arrives the same day (transport 0), the
 * patients. */
static double whole_units(const struct kb_alloc *a, struct kb_alloc_plan *o)
{
	size_t k, p, P = a->npref, T = (size_t)a->days, t, W = T + 31;
	double total = 0, *h = kb_calloc(P + 1, sizeof(double)),
	       *in = kb_calloc(P * W + 1, sizeof(double)),
	       *back = kb_calloc(W, sizeof(double)),
	       *bought = kb_calloc(T + 1, sizeof(double));
	for (k = 0; k < a->ndev; k++) {
		double g = a->depot[k];
		memset(in, 0, P * W * sizeof(double));
		memset(back, 0, W * sizeof(double));
		memset(bought, 0, (T + 1) * sizeof(double));
		for (p = 0; p < P; p++)
			h[p] = a->stock[k * P + p];
		for (t = 0; t < T; t++) {
			double b = floor(o->buy[k * T + t] + 1e-6);
			o->buy[k * T + t] = b;
			if (t + (size_t)a->lead[k] < T)
				bought[t + (size_t)a->lead[k]] += b;
		}
		for (t = 0; t < T; t++) {
			g += bought[t] + take(&back[t]) +
			     (a->arrive ? floor(a->arrive[k * T + t] + 1e-6) : 0);
			for (p = 0; p < P; p++) {
				size_t c = (k * P + p) * T + t;
				double r;
				h[p] += take(&in[p * W + t]);
				r = fmin(floor(o->ret[c] + 1e-6), h[p]);
				h[p] -= r;
				back[t + (size_t)a->tau[p]] += r;
				o->ret[c] = r;
			}
			g += take(&back[t]);
			o->sent[k * T + t] =
				fmin(floor(o->sent[k * T + t] + 1e-6), g);
			g -= o->sent[k * T + t];
			for (p = 0; p < P; p++) {
				size_t c = (k * P + p) * T + t;
				double y = fmin(floor(o->ship[c] + 1e-6), g);
				g -= y;
				in[p * W + t + (size_t)a->tau[p]] += y;
				o->ship[c] = y;
			}
			for (p = 0; p < P; p++) {
				size_t c = (k * P + p) * T + t;
				double d = a->demand[c];
				h[p] += take(&in[p * W + t]);
				o->unmet[c] = d > h[p] ? d - h[p] : 0;
				total += o->unmet[c];
			}
		}
	}
	free(h);
	free(in);
	free(back);
	free(bought);
	return total;
}

/* The largest share of a prefecture's demand (in whole units, over all
 * devices and days) left unmet. */
static double worst_share(const struct kb_alloc *a, const double *unmet)
{
	size_t P = a->npref, T = (size_t)a->days, k, p, t;
	double worst = 0;
	for (p = 0; p < P; p++) {
		double un = 0, dem = 0;
		for (k = 0; k < a->ndev; k++)
			for (t = 0; t < T; t++) {
				un += unmet[(k * P + p) * T + t];
				dem += ceil(a->demand[(k * P + p) * T + t] - 1e-9);
			}
		if (dem > 0 && un / dem > worst)
			worst = un / dem;
	}
	return worst;
}

/* One model over every device of a (out NULL: only its MPS). */
static int solve_whole(const struct kb_alloc *given, const double *population,
		       struct kb_buf *mps, struct kb_alloc_plan *out,
		       struct kb_err *err)
{
	/* whole units: a patient needs a whole device; with whole stocks,
	 * depots and capacities the model is a flow over days whose
	 * solutions are whole too, so rounding loses (almost) nothing */
	struct kb_alloc whole = *given, *a = &whole;
	double *dem_up = NULL;
	size_t P = a->npref, T = (size_t)a->days, n, k, p, t;
	size_t *S, *I, *Y, *R, *G, *B, *L, z = (size_t)-1;
	struct kb_lp lp;
	struct kb_lp_solution sol;
	double total = 0, own_total = 0; /* demand; unmet on own stock */
	int r;

	if (out)
		memset(out, 0, sizeof(*out));
	if ((r = check(a, err)))
		return r;
	n = a->ndev * P * T;
	dem_up = kb_malloc((n + 1) * sizeof(double));
	for (k = 0; k < n; k++)
		dem_up[k] = ceil(given->demand[k] - 1e-9);
	whole.demand = dem_up;
	S = kb_malloc(n * sizeof(size_t));
	I = kb_malloc(n * sizeof(size_t));
	Y = kb_malloc(n * sizeof(size_t));
	R = kb_malloc(n * sizeof(size_t));
	G = kb_malloc(a->ndev * T * sizeof(size_t));
	B = kb_malloc(a->ndev * T * sizeof(size_t));
	L = kb_malloc(a->ndev * T * sizeof(size_t));
	kb_lp_init(&lp);
	lp.primal = 1; /* a flow: primal simplex is the faster here */
	for (k = 0; k < n; k++)
		total += a->demand[k];
	/* columns */
	for (k = 0; k < a->ndev; k++) {
		for (t = 0; t < T; t++) {
			G[k * T + t] = kb_lp_col(&lp, 0, 0, KB_LP_INF,
						 "depot_%zu_%zu", k, t);
			B[k * T + t] = t + (size_t)a->lead[k] < T
					       ? kb_lp_col(&lp, BUY_COST, 0,
							   buy_cap(a, k, t),
							   "buy_%zu_%zu", k, t)
					       : (size_t)-1;
			L[k * T + t] = a->release && a->release[k * T + t] > 0
					       ? kb_lp_col(&lp, -SEND_VALUE, 0,
							   a->release[k * T + t],
							   "send_%zu_%zu", k, t)
					       : (size_t)-1;
		}
		for (p = 0; p < P; p++)
			for (t = 0; t < T; t++) {
				size_t c = (k * P + p) * T + t;
				S[c] = kb_lp_col(&lp, -1, 0, a->demand[c],
						 "served_%zu_%zu_%zu", k, p + 1,
						 t);
				I[c] = kb_lp_col(&lp, 0, 0, KB_LP_INF,
						 "idle_%zu_%zu_%zu", k, p + 1, t);
				Y[c] = t + (size_t)a->tau[p] < T
					       ? kb_lp_col(&lp, MOVE_COST, 0,
							   KB_LP_INF,
							   "ship_%zu_%zu_%zu",
							   k, p + 1, t)
					       : (size_t)-1;
				R[c] = kb_lp_col(&lp, MOVE_COST, 0, KB_LP_INF,
						 "return_%zu_%zu_%zu", k, p + 1,
						 t);
			}
	}
	if (a->fair)
		z = kb_lp_col(&lp, total > 0 ? total : 1, 0, 1, "worst_share");
	/* rows */
	for (k = 0; k < a->ndev; k++) {
		for (t = 0; t < T; t++) {
			double rhs = (t ? 0 : a->depot[k]) +
				     (a->arrive ? a->arrive[k * T + t] : 0);
			size_t row =
				kb_lp_row(&lp, rhs, rhs, "depot_%zu_%zu", k, t);
			kb_lp_coef(&lp, row, G[k * T + t], 1);
			if (L[k * T + t] != (size_t)-1)
				kb_lp_coef(&lp, row, L[k * T + t], 1);
			if (t)
				kb_lp_coef(&lp, row, G[k * T + t - 1], -1);
			if (t >= (size_t)a->lead[k] &&
			    B[k * T + t - (size_t)a->lead[k]] != (size_t)-1)
				kb_lp_coef(&lp, row,
					   B[k * T + t - (size_t)a->lead[k]], -1);
			for (p = 0; p < P; p++) {
				size_t c = (k * P + p) * T + t;
				if (Y[c] != (size_t)-1)
					kb_lp_coef(&lp, row, Y[c], 1);
				if (t >= (size_t)a->tau[p])
					kb_lp_coef(&lp, row,
						   R[c - (size_t)a->tau[p]], -1);
			}
		}
		for (p = 0; p < P; p++) {
			double own = 0, dem = 0, s0 = a->stock[k * P + p];
			for (t = 0; t < T; t++) {
				size_t c = (k * P + p) * T + t, row;
				double rhs = t ? 0 : s0;
				row = kb_lp_row(&lp, rhs, rhs,
						"hold_%zu_%zu_%zu", k, p + 1, t);
				kb_lp_coef(&lp, row, S[c], 1);
				kb_lp_coef(&lp, row, I[c], 1);
				if (t) {
					kb_lp_coef(&lp, row, S[c - 1], -1);
					kb_lp_coef(&lp, row, I[c - 1], -1);
				}
				if (t >= (size_t)a->tau[p] &&
				    Y[c - (size_t)a->tau[p]] != (size_t)-1)
					kb_lp_coef(&lp, row,
						   Y[c - (size_t)a->tau[p]], -1);
				kb_lp_coef(&lp, row, R[c], 1);
				own += fmax(0, a->demand[c] - s0);
				dem += a->demand[c];
			}
			own_total += own;
			if (a->no_worse_off) {
				/* unmet = demand - served */
				size_t row =
					kb_lp_row(&lp, -KB_LP_INF, own - dem,
						  "no_worse_%zu_%zu", k, p + 1);
				for (t = 0; t < T; t++)
					kb_lp_coef(&lp, row,
						   S[(k * P + p) * T + t], -1);
			}
		}
	}
	if (a->fair)
		for (p = 0; p < P; p++) {
			double dem = 0;
			size_t row;
			for (k = 0; k < a->ndev; k++)
				for (t = 0; t < T; t++)
					dem += a->demand[(k * P + p) * T + t];
			if (dem <= 0)
				continue;
			row = kb_lp_row(&lp, -KB_LP_INF, -dem, "fair_%zu", p + 1);
			for (k = 0; k < a->ndev; k++)
				for (t = 0; t < T; t++)
					kb_lp_coef(&lp, row,
						   S[(k * P + p) * T + t], -1);
			kb_lp_coef(&lp, row, z, -dem);
		}
	if (mps)
		kb_lp_mps(&lp, "kiban_allocation", mps);
	if (!out) {
		r = 0;
		goto done;
	}
	out->rows = lp.nrows;
	out->cols = lp.ncols;
	r = kb_lp_solve(&lp, 0, &sol, err);
	if (!r) {
		out->seconds = sol.seconds;
		out->objective = sol.objective;
		out->ship = kb_calloc(n + 1, sizeof(double));
		out->ret = kb_calloc(n + 1, sizeof(double));
		out->unmet = kb_calloc(n + 1, sizeof(double));
		out->buy = kb_calloc(a->ndev * T + 1, sizeof(double));
		out->sent = kb_calloc(a->ndev * T + 1, sizeof(double));
		for (k = 0; k < n; k++) {
			out->ship[k] = Y[k] != (size_t)-1 ? sol.x[Y[k]] : 0;
			out->ret[k] = sol.x[R[k]];
			out->lp_unmet += a->demand[k] - sol.x[S[k]];
		}
		for (k = 0; k < a->ndev * T; k++) {
			out->buy[k] = B[k] != (size_t)-1 ? sol.x[B[k]] : 0;
			out->sent[k] = L[k] != (size_t)-1 ? sol.x[L[k]] : 0;
		}
		out->unmet_total = whole_units(a, out);
		out->own_unmet = own_total;
		out->population_unmet = proportional(a, population, 0);
		out->consumption_unmet =
			a->consumption ? proportional(a, a->consumption, 1) : -1;
		out->worst_share = worst_share(a, out->unmet);
		kb_lp_solution_release(&sol);
	}
done:
	kb_lp_release(&lp);
	free(S);
	free(I);
	free(Y);
	free(R);
	free(G);
	free(B);
	free(L);
	free(dem_up);
	return r;
}

int kb_alloc_mps(const struct kb_alloc *a, struct kb_buf *mps, struct kb_err *err)
{
	return solve_whole(a, NULL, mps, NULL, err);
}

/* Without the fairness that ties them, the devices share nothing: one
 * model each, on threads, the same optimum far faster than one large
 * model. */
struct devices {
	const struct kb_alloc *a;
	const double *population;
	struct kb_alloc_plan *part;
	struct kb_err *errs;
	int *rc;
	atomic_size_t next;
};

static void *device_worker(void *arg)
{
	struct devices *w = arg;
	const struct kb_alloc *a = w->a;
	size_t k, P = a->npref, T = (size_t)a->days;
	while ((k = atomic_fetch_add(&w->next, 1)) < a->ndev) {
		struct kb_alloc one = *a;
		one.ndev = 1;
		one.demand = a->demand + k * P * T;
		one.stock = a->stock + k * P;
		one.depot = a->depot + k;
		one.cap = a->cap + k;
		one.lead = a->lead + k;
		one.consumption = a->consumption ? a->consumption + k * P : NULL;
		one.supply = a->supply ? a->supply + k * T : NULL;
		one.arrive = a->arrive ? a->arrive + k * T : NULL;
		one.release = a->release ? a->release + k * T : NULL;
		w->rc[k] = solve_whole(&one, w->population, NULL, &w->part[k],
				       &w->errs[k]);
	}
	return NULL;
}

int kb_alloc_solve(const struct kb_alloc *a, const double *population,
		   int threads, struct kb_alloc_plan *out, struct kb_err *err)
{
	size_t P = a->npref, T = (size_t)a->days, n, k;
	struct devices w;
	int r;
	if ((r = check(a, err)))
		return r;
	if (a->fair || a->ndev == 1)
		return solve_whole(a, population, NULL, out, err);
	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.population = population;
	w.part = kb_calloc(a->ndev, sizeof(*w.part));
	w.errs = kb_calloc(a->ndev, sizeof(*w.errs));
	w.rc = kb_calloc(a->ndev, sizeof(int));
	for (k = 0; k < a->ndev; k++)
		kb_err_init(&w.errs[k], err->lang);
	kb__parallel(threads, device_worker, &w);
	n = a->ndev * P * T;
	out->ship = kb_calloc(n + 1, sizeof(double));
	out->ret = kb_calloc(n + 1, sizeof(double));
	out->unmet = kb_calloc(n + 1, sizeof(double));
	out->buy = kb_calloc(a->ndev * T + 1, sizeof(double));
	out->sent = kb_calloc(a->ndev * T + 1, sizeof(double));
	out->consumption_unmet = a->consumption ? 0 : -1;
	for (k = 0; k < a->ndev; k++) {
		struct kb_alloc_plan *part = &w.part[k];
		size_t at = k * P * T, i;
		if (w.rc[k] && !r) {
			r = w.rc[k];
			for (i = 0; i < w.errs[k].n; i++)
				kb_err_set(err, w.errs[k].v[i].code, "%s",
					   w.errs[k].v[i].msg);
		}
		kb_err_release(&w.errs[k]);
		if (w.rc[k])
			continue;
		memcpy(out->ship + at, part->ship, P * T * sizeof(double));
		memcpy(out->ret + at, part->ret, P * T * sizeof(double));
		memcpy(out->unmet + at, part->unmet, P * T * sizeof(double));
		memcpy(out->buy + k * T, part->buy, T * sizeof(double));
		memcpy(out->sent + k * T, part->sent, T * sizeof(double));
		out->lp_unmet += part->lp_unmet;
		out->unmet_total += part->unmet_total;
		out->own_unmet += part->own_unmet;
		out->population_unmet += part->population_unmet;
		if (a->consumption)
			out->consumption_unmet += part->consumption_unmet;
		out->objective += part->objective;
		out->seconds += part->seconds;
		out->rows += part->rows;
		out->cols += part->cols;
		kb_alloc_plan_release(part);
	}
	free(w.part);
	free(w.errs);
	free(w.rc);
	if (r) {
		kb_alloc_plan_release(out);
		return r;
	}
	out->worst_share = worst_share(a, out->unmet);
	return 0;
}

void kb_alloc_plan_release(struct kb_alloc_plan *p)
{
	free(p->ship);
	free(p->ret);
	free(p->buy);
	free(p->sent);
	free(p->unmet);
	memset(p, 0, sizeof(*p));
}
