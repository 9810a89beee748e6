/*
 * stockpile.c - how much of each device to hold ahead of an epidemic: a
 * two-stage stochastic linear program over scenarios (scenario.h).
 *
 * For scenario s, device k and prefecture p, let e[t] be the need beyond
 * the prefecture's own stock on day t.  A unit sent there serves every
 * day, from its arrival on, whose need reaches its level: the u-th unit
 * serves the days with e[t] >= u.  So the units sent fill levels from the
 * bottom; the unmet unit-days are convex and piecewise linear in the units
 * sent, and a piece of levels (lo, hi] is worth, per unit, the chord:
 * sum over the days from arrival of min(e, hi) - min(e, lo), over hi - lo
 * (exact at the pieces' ends, above the truth between them).
 *
 *   minimise  sum_s prob[s] (sum e+ - sum worth * level) / units
 *   subject to  sum_{p, piece} level[s][k][p][piece] <= x[k]     (one depot)
 *               0 <= level <= the piece's width
 *               sum_k cost[k] x[k] <= budget
 *
 * With several depots, each prefecture's pieces are fed by one send from
 * each depot, sum_d send[s][k][d][p] >= sum_piece level, the sends drawing
 * on x[k][d] and charged the days they travel.
 */
#include "core/compat.h"

#include <math.h>
#include <stdarg.h>

#include "kiban/lp.h"
#include "kiban/scenario.h"

#define DEFAULT_LEVELS 12
#define MYEN	       1e6  /* the budget row in millions of yen */
#define HOLD_COST      1e-6 /* patient-days a unit: buy nothing useless */

static int invalid(struct kb_err *err, const char *field, const char *en,
		   const char *ja)
{
	return kb_err_set(err, KB_EINVALID,
			  KB_TR(err->lang, "field '%s': %s", "項目 '%s': %s"),
			  field, KB_TR(err->lang, en, ja));
}

int kb_pref_transport(int from, int to)
{
	static const int first[] = { 1, 2, 8, 15, 24, 31, 36, 40, 47, 48 };
	int a = 0, b = 0;
	if (from == to)
		return 0;
	while (from >= first[a + 1])
		a++;
	while (to >= first[b + 1])
		b++;
	if (a == b)
		return 1;
	return a == 0 || b == 0 || a == 8 || b == 8 ? 3 : 2;
}

static int check(const struct kb_stockpile *sp, struct kb_err *err)
{
	size_t k, s, n;
	double sum = 0;
	if (!sp->ndev || !sp->npref || !sp->nscen || !sp->ndepot || sp->days < 1)
		return invalid(
			err, "scenarios",
			"need devices, prefectures, scenarios, a depot "
			"and days",
			"機器・都道府県・シナリオ・保管場所・日数が必要です");
	for (s = 0; s < sp->nscen; s++) {
		if (!(sp->prob[s] >= 0))
			return invalid(err, "probability",
				       "must not be negative", "負にできません");
		sum += sp->prob[s];
	}
	if (fabs(sum - 1) > 1e-6)
		return invalid(err, "probability",
			       "the scenarios' probabilities must sum to 1",
			       "シナリオの確率の合計は 1 にしてください");
	if (!sp->fixed && !(sp->budget >= 0))
		return invalid(err, "budget", "must not be negative",
			       "負にできません");
	for (k = 0; k < sp->ndev; k++) {
		if (!(sp->cost[k] > 0))
			return invalid(
				err, "price",
				"every device needs its price (a yearly "
				"cost above 0)",
				"どの機器にも価格（年間の費用、0 より大）が必要です");
		if ((sp->units && !(sp->units[k] > 0)) ||
		    (sp->held && !(sp->held[k] >= 0)) ||
		    (sp->fixed && !(sp->fixed[k] >= 0)))
			return invalid(err, "units", "must not be negative",
				       "負にできません");
	}
	if (!sp->fixed && sp->held) {
		double need = 0;
		for (k = 0; k < sp->ndev; k++)
			need += sp->cost[k] * sp->held[k];
		if (need > sp->budget)
			return kb_err_set(
				err, KB_EINVALID,
				KB_TR(err->lang,
				      "field 'budget': the stockpile already held "
				      "costs %.0f yen a year, more than the budget "
				      "of %.0f",
				      "項目 'budget': 既にある備蓄の費用が年 %.0f 円で、"
				      "予算 %.0f 円を超えています"),
				need, sp->budget);
	}
	n = sp->ndev * sp->npref;
	for (k = 0; k < n; k++)
		if (!(sp->stock[k] >= 0))
			return invalid(err, "stock", "must not be negative",
				       "負にできません");
	for (k = 0; k < sp->ndepot * sp->npref; k++)
		if (sp->tau[k] < 0)
			return invalid(err, "transport", "must not be negative",
				       "負にできません");
	return 0;
}

/* The need beyond own stock of one (scenario, device, prefecture), and the
 * pieces of its levels: top[j] the level a piece ends at, with
 * top[-1] = 0; at most `levels`, the highest level always kept. */
struct need {
	double *e; /* [days] */
	double *sorted, *top;
	int npieces;
};

/* The need beyond own stock, nd->e; the positive values into nd->sorted,
 * unsorted, their count returned. */
static int excess(const struct kb_stockpile *sp, size_t s, size_t k, size_t p,
		  struct need *nd)
{
	const float *d = sp->demand + ((s * sp->ndev + k) * sp->npref + p) *
					      (size_t)sp->days;
	double own = sp->stock[k * sp->npref + p];
	int t, n = 0;
	for (t = 0; t < sp->days; t++) {
		double v = ceil((double)d[t] - 1e-6) - own;
		nd->e[t] = v > 0 ? v : 0;
		if (v > 0)
			nd->sorted[n++] = v;
	}
	return n;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The need and its pieces. */
static void need_of(const struct kb_stockpile *sp, size_t s, size_t k, size_t p,
		    int levels, struct need *nd)
{
	int n = excess(sp, s, k, p, nd), distinct = 0, t, j;
	nd->npieces = 0;
	if (!n)
		return;
	/* the distinct levels, ascending */
	qsort(nd->sorted, (size_t)n, sizeof(double), by_value);
	for (t = 0; t < n; t++)
		if (!distinct || nd->sorted[t] != nd->sorted[distinct - 1])
			nd->sorted[distinct++] = nd->sorted[t];
	if (distinct <= levels) {
		memcpy(nd->top, nd->sorted, (size_t)distinct * sizeof(double));
		nd->npieces = distinct;
		return;
	}
	/* evenly through the distinct levels, ending at the highest */
	for (j = 1; j <= levels; j++)
		nd->top[j - 1] =
			nd->sorted[(size_t)j * (size_t)distinct / (size_t)levels - 1];
	nd->npieces = levels;
}

/* Unit-days served from day `from` on by the units at levels (lo, hi]. */
static double served(const struct need *nd, int days, int from, double lo,
		     double hi)
{
	int t;
	double n = 0;
	for (t = from; t < days; t++)
		if (nd->e[t] > lo)
			n += (nd->e[t] < hi ? nd->e[t] : hi) - lo;
	return n;
}

/* A column that sends units from depot d (ndepot: none, the pieces fed by
 * the sends), recorded for the plan's playing. */
static size_t send(struct kb_lp *lp, size_t **depot, size_t *adepot,
		   size_t first, size_t d, double obj, double hi,
		   const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static size_t send(struct kb_lp *lp, size_t **depot, size_t *adepot, size_t first,
		   size_t d, double obj, double hi, const char *fmt, ...)
{
	char name[128];
	va_list ap;
	size_t col;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	col = kb_lp_col(lp, obj, 0, hi, "%s", name);
	KB_ALLOC_GROW(*depot, col - first + 1, *adepot);
	(*depot)[col - first] = d;
	return col;
}

/* Unmet unit-days of one need when units[d] arrive from each depot
 * after tau[d]. */
static double unmet_of(const struct kb_stockpile *sp, const struct need *nd,
		       size_t p, const double *units)
{
	double sum = 0;
	size_t d;
	int t;
	for (t = 0; t < sp->days; t++) {
		double arrived = 0;
		for (d = 0; d < sp->ndepot; d++)
			if (sp->tau[d * sp->npref + p] <= t)
				arrived += units[d];
		if (nd->e[t] > arrived)
			sum += nd->e[t] - arrived;
	}
	return sum;
}

int kb_stockpile_solve(const struct kb_stockpile *sp, struct kb_buf *mps,
		       struct kb_stockpile_plan *out, struct kb_err *err)
{
	size_t K = sp->ndev, P = sp->npref, D = sp->ndepot, S = sp->nscen;
	size_t k, d, p, s, *X, *cap, first_send, budget = (size_t)-1;
	int levels = sp->levels > 0 ? sp->levels : DEFAULT_LEVELS, j, r;
	struct need nd;
	struct kb_lp lp;
	struct kb_lp_solution sol;
	double constant = 0, *sent;
	/* where each (s, k, p)'s sends begin among the columns, and their
	 * count (pieces times depots, only those worth something); the depot
	 * of each send */
	size_t *from, *count, *depot = NULL, adepot = 0;

	memset(out, 0, sizeof(*out));
	if ((r = check(sp, err)))
		return r;
	nd.e = kb_malloc((size_t)sp->days * sizeof(double));
	nd.sorted = kb_malloc((size_t)sp->days * sizeof(double));
	nd.top = kb_malloc((size_t)sp->days * sizeof(double));
	X = kb_malloc(K * D * sizeof(size_t));
	cap = kb_malloc(S * K * D * sizeof(size_t));
	from = kb_malloc(S * K * P * sizeof(size_t));
	count = kb_malloc(S * K * P * sizeof(size_t));
	kb_lp_init(&lp);

	for (k = 0; k < K; k++)
		for (d = 0; d < D; d++)
			X[k * D + d] = kb_lp_col(&lp, HOLD_COST, 0, KB_LP_INF,
						 "hold_%zu_%zu", k, d);
	if (sp->fixed || sp->held)
		for (k = 0; k < K; k++) {
			double lo = sp->fixed ? sp->fixed[k] : sp->held[k];
			size_t row = kb_lp_row(
				&lp, lo, sp->fixed ? lo : KB_LP_INF, "%s_%zu",
				sp->fixed ? "fixed" : "held", k);
			for (d = 0; d < D; d++)
				kb_lp_coef(&lp, row, X[k * D + d], 1);
		}
	if (!sp->fixed) {
		budget = kb_lp_row(&lp, -KB_LP_INF, sp->budget / MYEN, "budget");
		for (k = 0; k < K; k++)
			for (d = 0; d < D; d++)
				kb_lp_coef(&lp, budget, X[k * D + d],
					   sp->cost[k] / MYEN);
	}
	first_send = lp.ncols;
	for (s = 0; s < S; s++)
		for (k = 0; k < K; k++) {
			double per = sp->prob[s] / (sp->units ? sp->units[k] : 1);
			for (d = 0; d < D; d++) {
				size_t c = (s * K + k) * D + d;
				cap[c] = kb_lp_row(&lp, -KB_LP_INF, 0,
						   "cap_%zu_%zu_%zu", s, k, d);
				kb_lp_coef(&lp, cap[c], X[k * D + d], -1);
			}
			for (p = 0; p < P; p++) {
				size_t at = (s * K + k) * P + p, link = 0, col;
				int t;
				need_of(sp, s, k, p, levels, &nd);
				from[at] = lp.ncols;
				for (t = 0; t < sp->days; t++)
					constant += per * nd.e[t];
				if (!nd.npieces) {
					count[at] = 0;
					continue;
				}
				/* with one depot the pieces draw on it
				 * directly, worth what they serve after the
				 * transport; with several, the prefecture's
				 * pieces are fed by one send from each depot,
				 * charged the days it travels */
				if (D > 1) {
					link = kb_lp_row(&lp, -KB_LP_INF, 0,
							 "link_%zu_%zu_%zu", s,
							 k, p + 1);
					for (d = 0; d < D; d++) {
						int tau = sp->tau[d * P + p];
						double lost = 0;
						for (t = 0;
						     t < tau && t < sp->days; t++)
							lost += nd.e[t] > 0;
						col = send(&lp, &depot, &adepot,
							   first_send, d,
							   per * lost, KB_LP_INF,
							   "send_%zu_%zu_%zu_%zu",
							   s, k, d, p + 1);
						kb_lp_coef(
							&lp,
							cap[(s * K + k) * D + d],
							col, 1);
						kb_lp_coef(&lp, link, col, -1);
					}
				}
				for (j = 0; j < nd.npieces; j++) {
					double lo = j ? nd.top[j - 1] : 0,
					       width = nd.top[j] - lo,
					       worth = served(&nd, sp->days,
							      D > 1 ? 0
								    : sp->tau[p],
							      lo, nd.top[j]);
					if (worth <= 0)
						continue;
					col = send(&lp, &depot, &adepot,
						   first_send, D > 1 ? D : 0,
						   -per * worth / width, width,
						   "level_%zu_%zu_%zu_%d", s, k,
						   p + 1, j);
					kb_lp_coef(&lp,
						   D > 1 ? link
							 : cap[(s * K + k) * D],
						   col, 1);
				}
				count[at] = lp.ncols - from[at];
			}
		}
	if (mps)
		kb_lp_mps(&lp, "kiban_stockpile", mps);
	out->rows = lp.nrows;
	out->cols = lp.ncols;
	out->none_unmet = constant;
	if ((r = kb_lp_solve(&lp, 0, &sol, err)))
		goto done;
	out->seconds = sol.seconds;
	out->units = kb_calloc(K * D + 1, sizeof(double));
	out->value = kb_calloc(K + 1, sizeof(double));
	out->lp_unmet = constant + sol.objective;
	for (k = 0; k < K; k++)
		for (d = 0; d < D; d++) {
			double x = sol.x[X[k * D + d]], v = 0;
			out->units[k * D + d] = floor(x + 1e-6);
			out->lp_unmet -= HOLD_COST * x;
			out->spent += sp->cost[k] * out->units[k * D + d];
			for (s = 0; s < S; s++)
				v -= sol.dual[cap[(s * K + k) * D + d]];
			if (v > out->value[k])
				out->value[k] = v;
		}
	out->yen_value = budget != (size_t)-1 ? -sol.dual[budget] / MYEN : 0;
	/* the whole-unit plan played: each prefecture gets the units the
	 * model sends it from each depot, rounded down (never more than
	 * the depot holds, rounded down too) */
	sent = kb_calloc(D + 1, sizeof(double));
	for (s = 0; s < S; s++)
		for (k = 0; k < K; k++) {
			double per = sp->prob[s] / (sp->units ? sp->units[k] : 1);
			for (p = 0; p < P; p++) {
				size_t at = (s * K + k) * P + p, c;
				excess(sp, s, k, p, &nd);
				memset(sent, 0, D * sizeof(double));
				for (c = from[at]; c < from[at] + count[at]; c++)
					if (depot[c - first_send] < D)
						sent[depot[c - first_send]] +=
							sol.x[c];
				for (d = 0; d < D; d++)
					sent[d] = floor(sent[d] + 1e-6);
				out->expected_unmet +=
					per * unmet_of(sp, &nd, p, sent);
			}
		}
	free(sent);
	kb_lp_solution_release(&sol);
done:
	kb_lp_release(&lp);
	free(depot);
	free(nd.e);
	free(nd.sorted);
	free(nd.top);
	free(X);
	free(cap);
	free(from);
	free(count);
	if (r)
		kb_stockpile_plan_release(out);
	return r;
}

double kb_stockpile_rule(const struct kb_stockpile *sp, double weeks,
			 double *fixed)
{
	size_t k, s, i, n = sp->npref * (size_t)sp->days;
	double cost = 0, spend = sp->budget;
	for (k = 0; k < sp->ndev; k++) {
		double mean = 0;
		for (s = 0; s < sp->nscen; s++) {
			const float *d = sp->demand + (s * sp->ndev + k) * n;
			double sum = 0;
			for (i = 0; i < n; i++)
				sum += d[i];
			mean += sp->prob[s] * sum / sp->days;
		}
		fixed[k] = 7 * mean; /* a week of the average daily need */
		cost += sp->cost[k] * fixed[k];
	}
	if (weeks <= 0) {
		for (k = 0; sp->held && k < sp->ndev; k++)
			spend -= sp->cost[k] * sp->held[k];
		weeks = cost > 0 && spend > 0 ? spend / cost : 0;
	}
	for (k = 0; k < sp->ndev; k++) /* on top of what is held */
		fixed[k] = floor(weeks * fixed[k]) + (sp->held ? sp->held[k] : 0);
	return weeks;
}

void kb_stockpile_plan_release(struct kb_stockpile_plan *p)
{
	free(p->units);
	free(p->value);
	memset(p, 0, sizeof(*p));
}
