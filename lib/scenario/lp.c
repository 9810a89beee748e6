/*
 * lp.c - building, solving (COIN-OR CLP), checking and writing linear
 * programs (lp.h).
 *
 * An infeasible model is explained by solving it again with every row
 * allowed to bend at a cost of one per unit: the rows that bend in that
 * least-bending solution are those that could not be met, by how much.
 */
#include "core/compat.h"

#include <math.h>
#include <stdarg.h>

#include <Clp_C_Interface.h>

#include "kiban/lp.h"

void kb_lp_init(struct kb_lp *lp)
{
	memset(lp, 0, sizeof(*lp));
}

void kb_lp_release(struct kb_lp *lp)
{
	size_t i;
	for (i = 0; i < lp->ncols; i++)
		free(lp->col_name[i]);
	for (i = 0; i < lp->nrows; i++)
		free(lp->row_name[i]);
	free(lp->obj);
	free(lp->col_lo);
	free(lp->col_hi);
	free(lp->col_name);
	free(lp->row_lo);
	free(lp->row_hi);
	free(lp->row_name);
	free(lp->ti);
	free(lp->tj);
	free(lp->tv);
	kb_lp_init(lp);
}

static __attribute__((format(printf, 1, 0))) char *vname(const char *fmt,
							 va_list ap)
{
	char buf[128];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	return kb_strdup(buf);
}

size_t kb_lp_col(struct kb_lp *lp, double obj, double lo, double hi,
		 const char *name, ...)
{
	va_list ap;
	size_t j = lp->ncols;
	if (j == lp->acols) {
		lp->acols = lp->acols ? 2 * lp->acols : 64;
		lp->obj = kb_realloc(lp->obj, lp->acols * sizeof(double));
		lp->col_lo = kb_realloc(lp->col_lo, lp->acols * sizeof(double));
		lp->col_hi = kb_realloc(lp->col_hi, lp->acols * sizeof(double));
		lp->col_name =
			kb_realloc(lp->col_name, lp->acols * sizeof(char *));
	}
	lp->obj[j] = obj;
	lp->col_lo[j] = lo;
	lp->col_hi[j] = hi;
	va_start(ap, name);
	lp->col_name[j] = vname(name, ap);
	va_end(ap);
	lp->ncols++;
	return j;
}

size_t kb_lp_row(struct kb_lp *lp, double lo, double hi, const char *name, ...)
{
	va_list ap;
	size_t i = lp->nrows;
	if (i == lp->arows) {
		lp->arows = lp->arows ? 2 * lp->arows : 64;
		lp->row_lo = kb_realloc(lp->row_lo, lp->arows * sizeof(double));
		lp->row_hi = kb_realloc(lp->row_hi, lp->arows * sizeof(double));
		lp->row_name =
			kb_realloc(lp->row_name, lp->arows * sizeof(char *));
	}
	lp->row_lo[i] = lo;
	lp->row_hi[i] = hi;
	va_start(ap, name);
	lp->row_name[i] = vname(name, ap);
	va_end(ap);
	lp->nrows++;
	return i;
}

void kb_lp_coef(struct kb_lp *lp, size_t row, size_t col, double v)
{
	if (lp->nz == lp->anz) {
		lp->anz = lp->anz ? 2 * lp->anz : 256;
		lp->ti = kb_realloc(lp->ti, lp->anz * sizeof(int));
		lp->tj = kb_realloc(lp->tj, lp->anz * sizeof(int));
		lp->tv = kb_realloc(lp->tv, lp->anz * sizeof(double));
	}
	lp->ti[lp->nz] = (int)row;
	lp->tj[lp->nz] = (int)col;
	lp->tv[lp->nz++] = v;
}

/* The coefficients by column (CLP's and MPS's order), a repeated
 * (row, column) summed. */
struct csc {
	CoinBigIndex *start;
	int *index;
	double *value;
};

static void to_csc(const struct kb_lp *lp, struct csc *m)
{
	size_t j, k, *fill = kb_calloc(lp->ncols + 1, sizeof(size_t));
	m->start = kb_calloc(lp->ncols + 1, sizeof(CoinBigIndex));
	m->index = kb_malloc((lp->nz + 1) * sizeof(int));
	m->value = kb_malloc((lp->nz + 1) * sizeof(double));
	for (k = 0; k < lp->nz; k++)
		fill[lp->tj[k] + 1]++;
	for (j = 0; j < lp->ncols; j++)
		fill[j + 1] += fill[j];
	for (k = 0; k < lp->nz; k++) {
		size_t at = fill[lp->tj[k]]++;
		m->index[at] = lp->ti[k];
		m->value[at] = lp->tv[k];
	}
	/* fill[j] is now the end of column j: sort each by row, sum repeats */
	{
		size_t out = 0, from = 0;
		for (j = 0; j < lp->ncols; j++) {
			size_t a, b, end = fill[j];
			for (a = from + 1; a < end; a++) /* insertion sort */
				for (b = a;
				     b > from && m->index[b - 1] > m->index[b];
				     b--) {
					int ti = m->index[b];
					double tv = m->value[b];
					m->index[b] = m->index[b - 1];
					m->value[b] = m->value[b - 1];
					m->index[b - 1] = ti;
					m->value[b - 1] = tv;
				}
			m->start[j] = (CoinBigIndex)out;
			for (a = from; a < end; a++) {
				if (out > (size_t)m->start[j] &&
				    m->index[out - 1] == m->index[a])
					m->value[out - 1] += m->value[a];
				else {
					m->index[out] = m->index[a];
					m->value[out++] = m->value[a];
				}
			}
			from = end;
		}
		m->start[lp->ncols] = (CoinBigIndex)out;
	}
	free(fill);
}

static void csc_release(struct csc *m)
{
	free(m->start);
	free(m->index);
	free(m->value);
}

double kb_lp_violation(const struct kb_lp *lp, const double *x,
		       size_t *where_row, size_t *where_col)
{
	double worst = 0, *act = kb_calloc(lp->nrows + 1, sizeof(double));
	size_t i, j, k;
	if (where_row)
		*where_row = (size_t)-1;
	if (where_col)
		*where_col = (size_t)-1;
	for (j = 0; j < lp->ncols; j++) {
		double v = fmax(lp->col_lo[j] - x[j], x[j] - lp->col_hi[j]);
		if (v > worst) {
			worst = v;
			if (where_col)
				*where_col = j;
		}
	}
	for (k = 0; k < lp->nz; k++)
		act[lp->ti[k]] += lp->tv[k] * x[lp->tj[k]];
	for (i = 0; i < lp->nrows; i++) {
		double v = fmax(lp->row_lo[i] - act[i], act[i] - lp->row_hi[i]);
		if (v > worst) {
			worst = v;
			if (where_row)
				*where_row = i;
			if (where_col)
				*where_col = (size_t)-1;
		}
	}
	free(act);
	return worst;
}

/* Runs CLP on the model given; its status (Clp_status). */
static int clp(const struct kb_lp *lp, const struct csc *m, const double *obj,
	       double limit, Clp_Simplex **out)
{
	Clp_Simplex *s = Clp_newModel();
	Clp_setLogLevel(s, 0);
	Clp_loadProblem(s, (int)lp->ncols, (int)lp->nrows, m->start, m->index,
			m->value, lp->col_lo, lp->col_hi, obj, lp->row_lo,
			lp->row_hi);
	if (limit > 0)
		Clp_setMaximumSeconds(s, limit);
	if (lp->primal)
		Clp_initialPrimalSolve(s);
	else
		Clp_initialSolve(s);
	*out = s;
	return Clp_status(s);
}

/* The rows that cannot be met: the model again, each row with slack
 * either way at a cost of one, the original objective dropped. */
static int explain(const struct kb_lp *lp, struct kb_err *err)
{
	struct kb_lp el;
	struct csc m;
	Clp_Simplex *s;
	size_t i, j, *slack = kb_calloc(lp->nrows + 1, sizeof(size_t) * 2);
	int st, shown = 0;

	kb_lp_init(&el);
	for (j = 0; j < lp->ncols; j++)
		kb_lp_col(&el, 0, lp->col_lo[j], lp->col_hi[j], "%s",
			  lp->col_name[j]);
	for (i = 0; i < lp->nrows; i++)
		kb_lp_row(&el, lp->row_lo[i], lp->row_hi[i], "%s",
			  lp->row_name[i]);
	for (i = 0; i < lp->nz; i++)
		kb_lp_coef(&el, (size_t)lp->ti[i], (size_t)lp->tj[i], lp->tv[i]);
	for (i = 0; i < lp->nrows; i++) {
		slack[2 * i] = kb_lp_col(&el, 1, 0, KB_LP_INF, "up_%zu", i);
		slack[2 * i + 1] = kb_lp_col(&el, 1, 0, KB_LP_INF, "down_%zu", i);
		kb_lp_coef(&el, i, slack[2 * i], 1);
		kb_lp_coef(&el, i, slack[2 * i + 1], -1);
	}
	to_csc(&el, &m);
	st = clp(&el, &m, el.obj, 0, &s);
	if (st == 0) {
		const double *x = Clp_primalColumnSolution(s);
		double *amt = kb_malloc((lp->nrows + 1) * sizeof(double));
		for (i = 0; i < lp->nrows; i++)
			amt[i] = x[slack[2 * i]] + x[slack[2 * i + 1]];
		while (shown < 10) { /* the largest first, at most 10 */
			double best = 1e-6;
			size_t at = (size_t)-1;
			for (i = 0; i < lp->nrows; i++)
				if (amt[i] > best) {
					best = amt[i];
					at = i;
				}
			if (at == (size_t)-1)
				break;
			kb_err_set(
				err, KB_EINVALID,
				KB_TR(err->lang,
				      "constraint '%s' cannot be met: it lacks %.6g",
				      "制約 '%s' を満たせません: %.6g 足りません"),
				lp->row_name[at], best);
			amt[at] = 0;
			shown++;
		}
		free(amt);
	}
	if (!shown)
		kb_err_set(
			err, KB_EINVALID, "%s",
			KB_TR(err->lang,
			      "the model has no solution: its bounds contradict each other",
			      "モデルに解がありません: 上下限が矛盾しています"));
	Clp_deleteModel(s);
	csc_release(&m);
	kb_lp_release(&el);
	free(slack);
	return KB_EINVALID;
}

int kb_lp_solve(const struct kb_lp *lp, double limit,
		struct kb_lp_solution *sol, struct kb_err *err)
{
	struct csc m;
	Clp_Simplex *s;
	struct timespec t0, t1;
	size_t j, row, col;
	int st;

	memset(sol, 0, sizeof(*sol));
	for (j = 0; j < lp->ncols; j++)
		if (lp->col_lo[j] > lp->col_hi[j])
			return kb_err_set(
				err, KB_EINVALID,
				KB_TR(err->lang,
				      "variable '%s' has its lower bound %g above its upper bound %g",
				      "変数 '%s' の下限 %g が上限 %g を超えています"),
				lp->col_name[j], lp->col_lo[j], lp->col_hi[j]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	to_csc(lp, &m);
	st = clp(lp, &m, lp->obj, limit, &s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sol->seconds = (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (st == 0) {
		sol->x = kb_malloc((lp->ncols + 1) * sizeof(double));
		sol->dual = kb_malloc((lp->nrows + 1) * sizeof(double));
		memcpy(sol->x, Clp_primalColumnSolution(s),
		       lp->ncols * sizeof(double));
		memcpy(sol->dual, Clp_dualRowSolution(s),
		       lp->nrows * sizeof(double));
		sol->objective = Clp_objectiveValue(s);
	}
	Clp_deleteModel(s);
	csc_release(&m);
	if (st == 1)
		return explain(lp, err);
	if (st == 2)
		return kb_err_set(
			err, KB_ESTATE, "%s",
			KB_TR(err->lang,
			      "the model is unbounded: some cost can fall without end",
			      "モデルが有界ではありません"));
	if (st != 0)
		return kb_err_set(
			err, KB_ESTATE, "%s",
			KB_TR(err->lang,
			      "the solver stopped before the optimum (time limit or numerical trouble)",
			      "ソルバーが最適解の前に止まりました（時間制限か数値上の問題）"));
	/* our own check: a solution is shown only if it is one */
	sol->max_violation = kb_lp_violation(lp, sol->x, &row, &col);
	if (sol->max_violation > 1e-6) {
		int r = kb_err_set(
			err, KB_ESTATE,
			KB_TR(err->lang,
			      "the solver's answer breaks '%s' by %g: not shown",
			      "ソルバーの解が '%s' を %g 破っているため表示しません"),
			row != (size_t)-1 ? lp->row_name[row] : lp->col_name[col],
			sol->max_violation);
		kb_lp_solution_release(sol);
		return r;
	}
	return 0;
}

void kb_lp_solution_release(struct kb_lp_solution *sol)
{
	free(sol->x);
	free(sol->dual);
	memset(sol, 0, sizeof(*sol));
}

/* ---- MPS ---- */

/*
 * Names in the file are short, so that it reads as fixed MPS as well as
 * free (CLP's reader takes a name past 8 characters for a fixed-format
 * error): a row is r and its index in base 36 (0-9, A-Z), a column c and
 * its index (7 digits: 78 billion), the objective obj; the lower-case
 * prefix keeps them apart from the section names (RHS, ROWS, COLUMNS).
 * The model's own names are in the comment lines at the top ("* r0
 * depot_0_0"), which glpsol and CLP skip.  Each field starts at its
 * fixed column; numbers have 17 digits, which both readers take past
 * column 36.
 */
static const char *short_name(char *buf, char prefix, size_t i)
{
	char tmp[16];
	size_t n = 0, k = 0;
	do {
		tmp[n++] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 36];
		i /= 36;
	} while (i && n < 7);
	buf[k++] = prefix;
	while (n)
		buf[k++] = tmp[--n];
	buf[k] = 0;
	return buf;
}

/* A data line: field 1 (type) at column 2, field 2 at 5, field 3 at 15,
 * the number at 25; v NULL: none (a row, a free bound). */
static void line(struct kb_buf *out, const char *type, const char *f2,
		 const char *f3, const double *v)
{
	if (v)
		kb_buf_addf(out, " %-2s %-8s  %-8s  %.17g\n", type, f2, f3, *v);
	else if (*f3)
		kb_buf_addf(out, " %-2s %-8s  %s\n", type, f2, f3);
	else
		kb_buf_addf(out, " %-2s %s\n", type, f2);
}

void kb_lp_mps(const struct kb_lp *lp, const char *name, struct kb_buf *out)
{
	struct csc m;
	size_t i, j;
	CoinBigIndex k;
	char a[16], b[16];
	to_csc(lp, &m);
	kb_buf_addf(out, "NAME          %s\n", name);
	kb_buf_adds(out, "* the model's names: r rows, c columns (base 36)\n");
	for (i = 0; i < lp->nrows; i++)
		kb_buf_addf(out, "* %s %s\n", short_name(a, 'r', i),
			    lp->row_name[i]);
	for (j = 0; j < lp->ncols; j++)
		kb_buf_addf(out, "* %s %s\n", short_name(a, 'c', j),
			    lp->col_name[j]);
	kb_buf_adds(out, "ROWS\n");
	line(out, "N", "obj", "", NULL);
	for (i = 0; i < lp->nrows; i++) {
		double lo = lp->row_lo[i], hi = lp->row_hi[i];
		const char *type = lo == hi ? "E"
				   : lo <= -KB_LP_INF
					   ? (hi >= KB_LP_INF ? "N" : "L")
					   : "G";
		line(out, type, short_name(a, 'r', i), "", NULL);
	}
	kb_buf_adds(out, "COLUMNS\n");
	for (j = 0; j < lp->ncols; j++) {
		short_name(a, 'c', j);
		if (lp->obj[j] != 0)
			line(out, "", a, "obj", &lp->obj[j]);
		for (k = m.start[j]; k < m.start[j + 1]; k++)
			line(out, "", a, short_name(b, 'r', (size_t)m.index[k]),
			     &m.value[k]);
	}
	kb_buf_adds(out, "RHS\n");
	for (i = 0; i < lp->nrows; i++) {
		double lo = lp->row_lo[i], hi = lp->row_hi[i];
		double rhs = lo <= -KB_LP_INF ? hi : lo;
		if (rhs != 0 && !(lo <= -KB_LP_INF && hi >= KB_LP_INF))
			line(out, "", "rhs", short_name(a, 'r', i), &rhs);
	}
	kb_buf_adds(out, "RANGES\n");
	for (i = 0; i < lp->nrows; i++) {
		double lo = lp->row_lo[i], hi = lp->row_hi[i], r = hi - lo;
		if (lo > -KB_LP_INF && hi < KB_LP_INF && lo != hi)
			line(out, "", "rng", short_name(a, 'r', i), &r);
	}
	kb_buf_adds(out, "BOUNDS\n");
	for (j = 0; j < lp->ncols; j++) {
		double lo = lp->col_lo[j], hi = lp->col_hi[j];
		short_name(a, 'c', j);
		if (lo == hi) {
			line(out, "FX", "bnd", a, &lo);
			continue;
		}
		if (lo <= -KB_LP_INF && hi >= KB_LP_INF) {
			line(out, "FR", "bnd", a, NULL);
			continue;
		}
		if (lo <= -KB_LP_INF)
			line(out, "MI", "bnd", a, NULL);
		else if (lo != 0)
			line(out, "LO", "bnd", a, &lo);
		if (hi < KB_LP_INF)
			line(out, "UP", "bnd", a, &hi);
	}
	kb_buf_adds(out, "ENDATA\n");
	csc_release(&m);
}
