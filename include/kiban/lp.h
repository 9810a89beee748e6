/*
 * lp.h - linear programs for the stockpile and allocation models: built
 * row by row with names, solved by COIN-OR CLP (dual simplex), written as
 * MPS for any other solver, and every solution checked by our own code
 * before anyone sees it.
 *
 *   minimise    sum obj[j] x[j]
 *   subject to  row_lo[i] <= sum a[i][j] x[j] <= row_hi[i]
 *               col_lo[j] <= x[j] <= col_hi[j]
 *
 * Bounds may be -KB_LP_INF / KB_LP_INF.  Names are ASCII without spaces
 * (MPS); the model copies them.
 *
 * Ownership: struct kb_lp owns its arrays; kb_lp_release() frees them.
 */
#ifndef KIBAN_LP_H
#define KIBAN_LP_H

#include <stddef.h>

#include "kiban/buf.h"
#include "kiban/error.h"

#define KB_LP_INF 1e30

struct kb_lp {
	size_t ncols, nrows, nz;
	double *obj, *col_lo, *col_hi, *row_lo, *row_hi;
	char **col_name, **row_name;
	int *ti, *tj; /* coefficients as triplets (row, column, value) */
	double *tv;
	size_t acols, arows, anz;
	int primal; /* solve by primal simplex (faster on flows over days);
		       else CLP chooses */
};

void kb_lp_init(struct kb_lp *lp);
void kb_lp_release(struct kb_lp *lp);
/* A new column or row; returns its index.  name is printf-like. */
size_t kb_lp_col(struct kb_lp *lp, double obj, double lo, double hi,
		 const char *name, ...) __attribute__((format(printf, 5, 6)));
size_t kb_lp_row(struct kb_lp *lp, double lo, double hi, const char *name, ...)
	__attribute__((format(printf, 4, 5)));
void kb_lp_coef(struct kb_lp *lp, size_t row, size_t col, double v);

struct kb_lp_solution {
	double *x;    /* [ncols] */
	double *dual; /* [nrows]: d objective / d row bound */
	double objective;
	double seconds;
	double max_violation; /* found by kb_lp_check on x */
};

/*
 * Solves with CLP, then checks the solution with kb_lp_check.  An
 * infeasible model is KB_EINVALID with one diagnostic for each constraint
 * that could not be met (the rows that need slack in the model that
 * allows it, the largest first, at most 10); an unbounded one or a failed
 * check is KB_ESTATE.  limit: seconds, 0 none.
 */
int kb_lp_solve(const struct kb_lp *lp, double limit,
		struct kb_lp_solution *sol, struct kb_err *err);
void kb_lp_solution_release(struct kb_lp_solution *sol);

/* The largest violation of a bound or a row by x (0 when feasible). */
double kb_lp_violation(const struct kb_lp *lp, const double *x,
		       size_t *where_row, size_t *where_col);

/* The model in MPS, readable as fixed and as free MPS: rows r0, r1, ...,
 * columns c0, ... (base 36), the objective obj, the model's own names in
 * comment lines at the top; ranged rows in RANGES. */
void kb_lp_mps(const struct kb_lp *lp, const char *name, struct kb_buf *out);

#endif
