/*
 * test_scenario.c - the epidemic engine: its invariants (the population is
 * conserved; the final size of a constant-R0 epidemic satisfies the
 * final-size equation; patient-days are admissions times the stay), how
 * mixing and interventions act, Monte Carlo bands, the growth fit, and
 * refused models.
 */
#include "helpers.h"

#include <math.h>

#include "kiban/lp.h"
#include "kiban/scenario.h"

static struct kb_epi_params params(double r0)
{
	struct kb_epi_params p;
	int c;
	memset(&p, 0, sizeof(p));
	p.r0 = r0;
	p.incubation = 5;
	p.infectious = 7;
	for (c = 0; c < KB_NCARE; c++) {
		p.share[c] = 0.01 * (c + 1);
		p.stay[c] = 5 + 3 * c;
	}
	return p;
}

/* S + E + I + R is each prefecture's population every day, nothing goes
 * negative, and a change of contacts only acts where and when it says. */
static void test_conservation(void **state)
{
	const double pop[3] = { 14e6, 8.8e6, 0.55e6 }, inf0[3] = { 100, 0, 5 };
	const struct kb_epi_change ch[2] = { { 30, 0, 0.6 }, { 60, 1, 1.2 } };
	struct kb_epi m = { 3, pop, inf0, NULL, 200, 0, params(2.2), ch, 2 };
	struct kb_epi_run r;
	struct kb_err err;
	size_t d, i;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	m.p.mixing = 0.05;
	T_OK(kb_epi_simulate(&m, &r, &err), &err);
	for (d = 0; d <= 200; d++)
		for (i = 0; i < 3; i++) {
			size_t x = d * 3 + i;
			double sum = r.s[x] + r.e[x] + r.i[x] + r.r[x];
			assert_true(fabs(sum - pop[i]) < 1e-6 * pop[i]);
			assert_true(r.s[x] >= 0 && r.e[x] >= -1e-9 &&
				    r.i[x] >= -1e-9 && r.r[x] >= 0);
		}
	/* the second prefecture had nobody infected: mixing brings it */
	assert_true(r.r[200 * 3 + 1] > 1000);
	kb_epi_run_release(&r);

	/* without mixing it stays untouched */
	m.p.mixing = 0;
	T_OK(kb_epi_simulate(&m, &r, &err), &err);
	assert_true(r.r[200 * 3 + 1] == 0);
	kb_epi_run_release(&r);
	kb_err_release(&err);
}

/* ln(S0 / Sinf) = R0 (N - Sinf) / N for a constant R0 (the SIR final-size
 * relation holds for SEIR), solved by bisection. */
static double final_susceptible(double r0, double n, double s0)
{
	double lo = 0, hi = s0;
	int k;
	for (k = 0; k < 200; k++) {
		double mid = (lo + hi) / 2;
		if (log(s0 / mid) - r0 * (n - mid) / n > 0)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static void test_final_size(void **state)
{
	const double r0s[3] = { 1.5, 2.5, 4 };
	struct kb_err err;
	int k;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	for (k = 0; k < 3; k++) {
		const double pop[1] = { 1e6 }, inf0[1] = { 10 };
		struct kb_epi m = { 1,	  pop, inf0,	       NULL,
				    1500, 0,   params(r0s[k]), NULL,
				    0 };
		struct kb_epi_run r;
		double want, got, days = 0;
		size_t d;
		T_OK(kb_epi_simulate(&m, &r, &err), &err);
		want = final_susceptible(r0s[k], 1e6, 1e6 - 10);
		got = r.s[1500];
		print_message("R0 %.1f: final susceptible %.1f, equation %.1f\n",
			      r0s[k], got, want);
		assert_true(fabs(got - want) < 1e-4 * 1e6);
		/* patient-days = admissions x mean stay, for every care */
		for (d = 1; d <= 1500; d++)
			days += r.census[d * KB_NCARE + KB_CARE_ICU];
		want = m.p.share[KB_CARE_ICU] * (1e6 - r.s[1500]) *
		       m.p.stay[KB_CARE_ICU];
		print_message("  ICU patient-days %.0f, expected %.0f\n", days,
			      want);
		assert_true(fabs(days - want) < 0.01 * want);
		kb_epi_run_release(&r);
	}
	kb_err_release(&err);
}

/* Halving contacts from day 20 lowers and delays the peak of the ward. */
static void test_intervention(void **state)
{
	const double pop[1] = { 5e6 }, inf0[1] = { 50 };
	const struct kb_epi_change half = { 20, 1, 0.5 };
	struct kb_epi m = { 1, pop, inf0, NULL, 365, 0, params(2.5), NULL, 0 };
	struct kb_epi_run a, b;
	struct kb_err err;
	double pa = 0, pb = 0;
	size_t d, da = 0, db = 0;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_epi_simulate(&m, &a, &err), &err);
	m.changes = &half;
	m.nchanges = 1;
	T_OK(kb_epi_simulate(&m, &b, &err), &err);
	for (d = 0; d <= 365; d++) {
		if (a.census[d * KB_NCARE] > pa)
			pa = a.census[d * KB_NCARE], da = d;
		if (b.census[d * KB_NCARE] > pb)
			pb = b.census[d * KB_NCARE], db = d;
	}
	for (d = 0; d <= 20; d++) /* the same until the change */
		assert_true(a.s[d] == b.s[d]);
	assert_true(pb < pa / 2 && db > da);
	kb_epi_run_release(&a);
	kb_epi_run_release(&b);
	kb_err_release(&err);
}

/* Bands: no spread gives the deterministic run; a spread gives ordered
 * bands, the same whatever the number of threads. */
static void test_monte_carlo(void **state)
{
	const double pop[2] = { 2e6, 1e6 }, inf0[2] = { 20, 10 };
	const double census0[2 * KB_NCARE] = { 0, 0, 30, 0, 0, 0, 0, 12, 0, 0 };
	struct kb_epi m = { 2, pop, inf0, census0, 120, 0, params(2), NULL, 0 };
	struct kb_epi_params lo = m.p, hi = m.p;
	struct kb_epi_bands b, b4;
	struct kb_epi_run r;
	struct kb_err err;
	unsigned keep = 1u << KB_CARE_VENT | 1u << KB_CARE_OXYGEN;
	size_t x, n = 121 * 2 * KB_NCARE;
	int k;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	m.p.mixing = lo.mixing = hi.mixing = 0.02;
	T_OK(kb_epi_simulate(&m, &r, &err), &err);
	T_OK(kb_epi_monte_carlo(&m, &lo, &hi, 7, 1, keep, 2, NULL, NULL, &b, &err),
	     &err);
	for (x = 0; x < n; x++)
		for (k = 0; k < 3; k++) {
			double want =
				keep & (1u << (x % KB_NCARE)) ? r.census[x] : 0;
			assert_true(fabs(b.p[k][x] - want) <= 1e-5 * want + 1e-3);
		}
	assert_true(fabs(b.p[1][KB_CARE_VENT] - 30) < 1e-6); /* day 0 */
	kb_epi_bands_release(&b);
	kb_epi_run_release(&r);

	lo.r0 = 1.5;
	hi.r0 = 3;
	hi.share[KB_CARE_VENT] = 0.05;
	T_OK(kb_epi_monte_carlo(&m, &lo, &hi, 200, 42, keep, 1, NULL, NULL, &b,
				&err),
	     &err);
	T_OK(kb_epi_monte_carlo(&m, &lo, &hi, 200, 42, keep, 4, NULL, NULL, &b4,
				&err),
	     &err);
	for (x = 0; x < n; x++) {
		assert_true(b.p[0][x] <= b.p[1][x] && b.p[1][x] <= b.p[2][x]);
		for (k = 0; k < 3; k++)
			assert_true(b.p[k][x] == b4.p[k][x]);
	}
	/* a real spread at day 90 */
	x = (90 * 2) * KB_NCARE + KB_CARE_VENT;
	assert_true(b.p[2][x] > 2 * b.p[0][x] + 1);
	assert_true(b.nation[0][90 * KB_NCARE + KB_CARE_VENT] <
		    b.nation[2][90 * KB_NCARE + KB_CARE_VENT]);
	kb_epi_bands_release(&b);
	kb_epi_bands_release(&b4);
	kb_err_release(&err);
}

/* The growth of early admissions gives back the R0 that made them. */
static void test_fit(void **state)
{
	const double pop[1] = { 1e7 }, inf0[1] = { 20 };
	struct kb_epi m = { 1, pop, inf0, NULL, 60, 0, params(2), NULL, 0 };
	struct kb_epi_run r;
	struct kb_err err;
	double adm[30], rate, r0;
	size_t d;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_epi_simulate(&m, &r, &err), &err);
	for (d = 0; d < 30; d++) /* days 30-59: past the start-up */
		adm[d] = m.p.share[KB_CARE_WARD] * r.onset[30 + d];
	T_OK(kb_epi_fit_growth(adm, 30, 5, 7, &rate, &r0, &err), &err);
	print_message("growth %.4f/day, R0 %.3f (true 2)\n", rate, r0);
	assert_true(fabs(r0 - 2) < 0.05);
	memset(adm, 0, sizeof(adm));
	adm[3] = 5;
	assert_int_equal(kb_epi_fit_growth(adm, 30, 5, 7, &rate, &r0, &err),
			 KB_EINVALID);
	kb_epi_run_release(&r);
	kb_err_release(&err);
}

static void test_refused(void **state)
{
	const double pop[2] = { 1e6, -5 }, inf0[2] = { 10, 0 };
	const struct kb_epi_change late = { 400, 0, 0.5 };
	struct kb_epi m = { 2, pop, inf0, NULL, 100, 0, params(2), NULL, 0 };
	struct kb_epi_run r;
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(kb_epi_simulate(&m, &r, &err), KB_EINVALID);
	t_assert_error(&err, "field 'population'");
	kb_err_clear(&err);
	m.npref = 1;
	m.changes = &late;
	m.nchanges = 1;
	assert_int_equal(kb_epi_simulate(&m, &r, &err), KB_EINVALID);
	t_assert_error(&err, "field 'intervention': its day is outside");
	kb_err_clear(&err);
	m.nchanges = 0;
	m.p.stay[KB_CARE_ECMO] = 0;
	assert_int_equal(kb_epi_simulate(&m, &r, &err), KB_EINVALID);
	t_assert_error(&err, "field 'ecmo'");
	kb_err_release(&err);
}

/* Solves the MPS text with another solver's command ("tool pre FILE post
 * OUTPUT"), when it is installed, and checks that the objective it writes
 * after `mark` is want. */
static void mps_resolved(const struct kb_buf *mps, const char *tool,
			 const char *package, const char *pre, const char *post,
			 const char *mark, double want)
{
	char *path, *out, line[512];
	struct kb_buf b = KB_BUF_INIT;
	const char *at;
	snprintf(line, sizeof(line), "command -v %s >/dev/null 2>&1", tool);
	if (system(line)) {
		print_message("%s is not installed: MPS not re-solved by it "
			      "(Debian package %s: apt-get install %s)\n",
			      tool, package, package);
		return;
	}
	path = t_file("test.mps", mps->buf);
	out = t_path("solver.txt");
	snprintf(line, sizeof(line), "%s %s %s %s %s >/dev/null 2>&1", tool,
		 pre, path, post, out);
	assert_int_equal(system(line), 0);
	assert_int_equal(kb_buf_read_file(&b, out), 0);
	at = strstr(b.buf, mark);
	assert_non_null(at);
	assert_true(fabs(strtod(at + strlen(mark), NULL) - want) < 1e-9);
	kb_buf_release(&b);
	free(path);
	free(out);
}

/* The LP layer: a known optimum with its duals, repeated coefficients
 * summed, an infeasible model explained by the row that cannot be met,
 * our own check of a solution, and the MPS text (re-solved by GLPK's
 * glpsol and CLP's clp when they are installed: the same optimum). */
static void test_lp(void **state)
{
	struct kb_lp lp;
	struct kb_lp_solution sol;
	struct kb_err err;
	struct kb_buf mps = KB_BUF_INIT;
	size_t x, y, r1, r2, r3, where;
	double bad[2] = { 3, 1.2 };
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	kb_lp_init(&lp);
	/* maximise 3x + 2y: x + y <= 4, x + 3y <= 7, 1 <= x <= 3 */
	x = kb_lp_col(&lp, -3, 1, 3, "x");
	y = kb_lp_col(&lp, -2, 0, KB_LP_INF, "y");
	r1 = kb_lp_row(&lp, -KB_LP_INF, 4, "cap_%d", 1);
	r2 = kb_lp_row(&lp, -KB_LP_INF, 7, "cap_%d", 2);
	r3 = kb_lp_row(&lp, -1, 10, "range"); /* ranged, slack */
	kb_lp_coef(&lp, r1, x, 1);
	kb_lp_coef(&lp, r1, y, 1);
	kb_lp_coef(&lp, r2, x, 1);
	kb_lp_coef(&lp, r2, y, 2);
	kb_lp_coef(&lp, r2, y, 1); /* 2 + 1: 3 */
	kb_lp_coef(&lp, r3, x, 1);
	T_OK(kb_lp_solve(&lp, 0, &sol, &err), &err);
	assert_true(fabs(sol.x[x] - 3) < 1e-9 && fabs(sol.x[y] - 1) < 1e-9);
	assert_true(fabs(sol.objective + 11) < 1e-9);
	assert_true(fabs(sol.dual[r1] + 2) < 1e-9); /* one more unit: -2 */
	assert_true(fabs(sol.dual[r2]) < 1e-9);	    /* not binding */
	assert_true(sol.max_violation < 1e-9);
	kb_lp_solution_release(&sol);
	assert_true(fabs(kb_lp_violation(&lp, bad, &where, NULL) - 0.2) < 1e-9);
	assert_int_equal(where, r1);

	kb_lp_mps(&lp, "test", &mps);
	/* short names, fixed columns, the model's names as comments */
	assert_non_null(strstr(mps.buf, "* r0 cap_1\n* r1 cap_2\n* r2 range\n"));
	assert_non_null(strstr(mps.buf, "* c0 x\n* c1 y\n"));
	assert_non_null(strstr(mps.buf, " L  r0\n"));
	assert_non_null(strstr(mps.buf, "    c1        r1        3\n"));
	assert_non_null(strstr(mps.buf, "    rng       r2        11\n"));
	assert_non_null(strstr(mps.buf, " LO bnd       c0        1\n"
					" UP bnd       c0        3\n"));
	/* GLPK (free and fixed MPS) and CLP's command: the same optimum */
	mps_resolved(&mps, "glpsol", "glpk-utils", "--freemps", "-o",
		     "obj = ", -11);
	mps_resolved(&mps, "glpsol", "glpk-utils", "--mps", "-o", "obj = ", -11);
	mps_resolved(&mps, "clp", "coinor-clp", "", "-dualsimplex -solution",
		     "Optimal - objective value", -11);
	kb_buf_release(&mps);

	/* x + y >= 10 cannot be met beside x + y <= 4: the row is named */
	lp.col_hi[y] = 4;
	r1 = kb_lp_row(&lp, 10, KB_LP_INF, "demand");
	kb_lp_coef(&lp, r1, x, 1);
	kb_lp_coef(&lp, r1, y, 1);
	assert_int_equal(kb_lp_solve(&lp, 0, &sol, &err), KB_EINVALID);
	t_assert_error(&err, "constraint");
	print_message("%s\n", err.v[0].msg);
	assert_null(sol.x);
	kb_err_clear(&err);
	lp.col_lo[x] = 5; /* above its upper bound */
	assert_int_equal(kb_lp_solve(&lp, 0, &sol, &err), KB_EINVALID);
	t_assert_error(&err, "variable 'x' has its lower bound 5 above");
	kb_lp_release(&lp);
	kb_err_release(&err);
}

/* Emergency allocation: idle units move through the pool to where they
 * are needed, in time; purchases arrive after their lead time; nobody
 * ends worse off when asked; fairness evens the shares; bad input. */
static void test_alloc(void **state)
{
	enum { T = 12 };
	double demand[2 * T], stock[2] = { 10, 0 }, depot[1] = { 0 },
			      cap[1] = { 0 }, pop[2] = { 1, 1 };
	int lead[1] = { 2 }, tau[2] = { 1, 1 }, t;
	struct kb_alloc a = { .ndev = 1,
			      .npref = 2,
			      .days = T,
			      .demand = demand,
			      .stock = stock,
			      .depot = depot,
			      .cap = cap,
			      .lead = lead,
			      .tau = tau };
	struct kb_alloc_plan pl;
	struct kb_err err;
	struct kb_buf mps = KB_BUF_INIT;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	for (t = 0; t < T; t++) {
		demand[t] = 2;			/* A: 2 a day, holds 10 */
		demand[T + t] = t >= 3 ? 5 : 0; /* B: 5 from day 3, holds 0 */
	}
	T_OK(kb_alloc_mps(&a, &mps, &err), &err);
	T_OK(kb_alloc_solve(&a, pop, 1, &pl, &err), &err);
	print_message("A lends to B: LP %.3f, whole %.0f, own %.0f, by "
		      "population %.0f, %zu rows, %.3f s\n",
		      pl.lp_unmet, pl.unmet_total, pl.own_unmet,
		      pl.population_unmet, pl.rows, pl.seconds);
	assert_true(pl.lp_unmet < 1e-6 && pl.unmet_total == 0);
	assert_true(pl.own_unmet == 5 * (T - 3));
	assert_true(pl.population_unmet == pl.own_unmet); /* empty depot */
	assert_non_null(strstr(mps.buf, "NAME          kiban_allocation"));
	kb_buf_release(&mps);
	kb_alloc_plan_release(&pl);

	/* A needs all 10 from day 6: lending is free only until then; asked
	 * that nobody ends worse off, A keeps its own */
	for (t = 6; t < T; t++)
		demand[t] = 10;
	T_OK(kb_alloc_solve(&a, pop, 1, &pl, &err), &err);
	{
		double free_total = pl.unmet_total, a_unmet = 0;
		kb_alloc_plan_release(&pl);
		a.no_worse_off = 1;
		T_OK(kb_alloc_solve(&a, pop, 1, &pl, &err), &err);
		for (t = 0; t < T; t++)
			a_unmet += pl.unmet[t];
		print_message("no worse off: A lacks %.0f; total %.0f (free "
			      "%.0f)\n",
			      a_unmet, pl.unmet_total, free_total);
		assert_true(a_unmet == 0);
		assert_true(pl.unmet_total >= free_total);
		kb_alloc_plan_release(&pl);
		a.no_worse_off = 0;
	}

	/* urgent purchases: 3 a day, at the depot 2 days after the order,
	 * at B one day later: on day 3 B has 3 of its 5, from day 4 enough */
	stock[0] = 0;
	for (t = 0; t < T; t++)
		demand[t] = 0;
	cap[0] = 3;
	T_OK(kb_alloc_solve(&a, pop, 1, &pl, &err), &err);
	assert_true(pl.unmet_total == 2);
	{
		double bought = 0;
		for (t = 0; t < T; t++)
			bought += pl.buy[t];
		assert_true(bought == 5 || bought == 6); /* no more than needed */
	}
	kb_alloc_plan_release(&pl);

	/* fairness: 4 units for two prefectures needing 4 each */
	cap[0] = 0;
	depot[0] = 4;
	for (t = 0; t < T; t++)
		demand[t] = demand[T + t] = 4;
	T_OK(kb_alloc_solve(&a, pop, 1, &pl, &err), &err);
	{
		double plain = pl.worst_share;
		kb_alloc_plan_release(&pl);
		a.fair = 1;
		T_OK(kb_alloc_solve(&a, pop, 1, &pl, &err), &err);
		print_message("worst share: %.3f, fair %.3f\n", plain,
			      pl.worst_share);
		assert_true(pl.worst_share <= plain + 1e-9);
		assert_true(pl.worst_share < 0.6);
		kb_alloc_plan_release(&pl);
	}

	/* two devices, solved one model each on two threads: the sum of
	 * solving each alone */
	{
		double dem2[2 * 2 * T], st2[4] = { 10, 0, 1, 3 };
		double dep2[2] = { 0, 2 }, cap2[2] = { 0, 1 };
		int lead2[2] = { 2, 1 };
		struct kb_alloc two = a, one;
		double alone = 0;
		int k;
		two.ndev = 2;
		two.demand = dem2;
		two.stock = st2;
		two.depot = dep2;
		two.cap = cap2;
		two.lead = lead2;
		two.fair = 0;
		for (t = 0; t < 4 * T; t++)
			dem2[t] = (t % T) >= 3 ? 1 + t % 4 : 0.5;
		for (k = 0; k < 2; k++) {
			one = two;
			one.ndev = 1;
			one.demand = dem2 + k * 2 * T;
			one.stock = st2 + 2 * k;
			one.depot = dep2 + k;
			one.cap = cap2 + k;
			one.lead = lead2 + k;
			T_OK(kb_alloc_solve(&one, pop, 1, &pl, &err), &err);
			alone += pl.unmet_total;
			kb_alloc_plan_release(&pl);
		}
		T_OK(kb_alloc_solve(&two, pop, 2, &pl, &err), &err);
		assert_true(fabs(pl.unmet_total - alone) < 1e-9);
		assert_true(fabs(pl.lp_unmet - pl.unmet_total) < 1e-6);
		kb_alloc_plan_release(&pl);
	}

	stock[1] = -1;
	assert_int_equal(kb_alloc_solve(&a, pop, 1, &pl, &err), KB_EINVALID);
	t_assert_error(&err, "field 'stock'");
	kb_err_release(&err);
}

/* The hospital-level plan by decomposition: with hubs that reach their
 * hospitals the same day it loses nothing against the bound (the pooled
 * model is then the single model's equal); a day away, it stays between
 * the bound and each hospital on its own stock, and every unit counted
 * is one that was there. */
static void test_alloc_tree(void **state)
{
	enum { H = 6, T = 10 };
	double demand[2 * H * T], stock[2 * H], depot[2] = { 4, 0 },
						cap[2] = { 1, 2 };
	int lead[2] = { 2, 1 }, tau[H], group[H] = { 0, 0, 0, 1, 1, 1 },
	    gtau[2] = { 1, 2 }, h, t, k, local;
	unsigned seed = 3;
	struct kb_alloc a = { .ndev = 2,
			      .npref = H,
			      .days = T,
			      .demand = demand,
			      .stock = stock,
			      .depot = depot,
			      .cap = cap,
			      .lead = lead,
			      .tau = tau };
	struct kb_alloc_tree tr = { &a, 2, group, gtau };
	struct kb_alloc_tree_plan pl;
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	for (k = 0; k < 2; k++)
		for (h = 0; h < H; h++) {
			stock[k * H + h] =
				h % 3 == 0 ? 6 : 0; /* one lender each */
			for (t = 0; t < T; t++) {
				seed = seed * 1103515245u + 12345u;
				demand[(k * H + h) * T + t] =
					h % 3 ? (double)((seed >> 16) % 40) / 10
					      : 0;
			}
		}
	for (local = 0; local <= 1; local++) {
		for (h = 0; h < H; h++)
			tau[h] = local;
		T_OK(kb_alloc_tree_solve(&tr, 2, &pl, &err), &err);
		print_message("hubs %d day(s) away: plan %.0f, bound %.1f, "
			      "own stock %.0f\n",
			      local, pl.unmet_total, pl.bound, pl.own_unmet);
		assert_true(pl.unmet_total >= pl.bound - 1e-6);
		assert_true(pl.unmet_total <= pl.own_unmet + 1e-9);
		assert_true(pl.own_unmet > pl.bound + 1);
		if (!local)
			assert_true(fabs(pl.unmet_total - pl.bound) < 1e-6);
		/* unmet by hospital and day sums to the total, and never
		 * exceeds the demand */
		{
			double sum = 0;
			for (k = 0; k < 2 * H * T; k++) {
				assert_true(pl.unmet[k] <=
					    ceil(demand[k] - 1e-9) + 1e-9);
				sum += pl.unmet[k];
			}
			assert_true(fabs(sum - pl.unmet_total) < 1e-6);
		}
		kb_alloc_tree_plan_release(&pl);
	}
	group[2] = 5;
	assert_int_equal(kb_alloc_tree_solve(&tr, 1, &pl, &err), KB_EINVALID);
	t_assert_error(&err, "field 'group'");
	kb_err_release(&err);
}

/* The best expected unmet unit-days of one device over scenarios when x
 * units go out from one depot, arriving after tau days: every split of
 * the units between the prefectures tried. */
enum { SP_P = 3, SP_S = 3, SP_T = 6, SP_K = 2 };

static double split_best(const float *d, const double *stock, int x, int tau)
{
	double best = 1e300;
	int a, b;
	for (a = 0; a <= x; a++)
		for (b = 0; a + b <= x; b++) {
			int give[SP_P] = { a, b, x - a - b }, p, t;
			double un = 0;
			for (p = 0; p < SP_P; p++)
				for (t = 0; t < SP_T; t++) {
					double need =
						ceil(d[p * SP_T + t] - 1e-6) -
						stock[p] -
						(t >= tau ? give[p] : 0);
					un += need > 0 ? need : 0;
				}
			if (un < best)
				best = un;
		}
	return best;
}

/* Stockpile planning on an instance small enough to try every stockpile
 * and every split: the model's optimum is the true one (its matrix is
 * totally unimodular, so the plan comes out whole), the budget's dual is a
 * subgradient of the optimum in the budget, the rule spends no more than
 * the budget, several depots are played exactly, and bad input. */
static void test_stockpile(void **state)
{
	float demand[SP_S * SP_K * SP_P * SP_T];
	double prob[SP_S] = { 0.5, 0.3, 0.2 }, cost[SP_K] = { 1, 1 },
	       stock[SP_K * SP_P] = { 0, 2, 1, 1, 0, 3 }, held[SP_K] = { 0, 2 },
	       fixed[SP_K], best = 1e300, v0, spent;
	int tau[2 * SP_P] = { 1, 1, 1, 3, 0, 3 }, x1, x2, k;
	unsigned seed = 7;
	size_t i, s;
	struct kb_stockpile sp;
	struct kb_stockpile_plan pl, more, less;
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	for (i = 0; i < KB_ARRAY_SIZE(demand); i++) {
		seed = seed * 1103515245u + 12345u;
		demand[i] = (float)((seed >> 16) % 70) / 10.0f; /* 0 - 6.9 */
	}
	memset(&sp, 0, sizeof(sp));
	sp.ndev = SP_K;
	sp.npref = SP_P;
	sp.nscen = SP_S;
	sp.ndepot = 1;
	sp.days = SP_T;
	sp.demand = demand;
	sp.prob = prob;
	sp.stock = stock;
	sp.cost = cost;
	sp.held = held;
	sp.tau = tau;
	sp.budget = 9;
	sp.levels = 100; /* every level: the model is exact */
	for (x1 = 0; x1 <= 9; x1++)
		for (x2 = 2; x1 + x2 <= 9; x2++) {
			double e = 0;
			for (s = 0; s < SP_S; s++)
				for (k = 0; k < SP_K; k++)
					e += prob[s] *
					     split_best(demand + (s * SP_K +
								  (size_t)k) *
									 SP_P *
									 SP_T,
							stock + k * SP_P,
							k ? x2 : x1, 1);
			if (e < best)
				best = e;
		}
	T_OK(kb_stockpile_solve(&sp, NULL, &pl, &err), &err);
	assert_true(fabs(pl.lp_unmet - best) < 1e-6);
	assert_true(fabs(pl.expected_unmet - best) < 1e-6);
	assert_true(pl.units[0] + pl.units[1] <= 9 && pl.units[1] >= 2);
	assert_true(pl.none_unmet > best);
	assert_true(pl.yen_value > 0);
	v0 = pl.lp_unmet;
	sp.budget = 10;
	T_OK(kb_stockpile_solve(&sp, NULL, &more, &err), &err);
	sp.budget = 8;
	T_OK(kb_stockpile_solve(&sp, NULL, &less, &err), &err);
	assert_true(more.lp_unmet >= v0 - pl.yen_value - 1e-6);
	assert_true(less.lp_unmet >= v0 + pl.yen_value - 1e-6);
	assert_true(more.lp_unmet <= v0 + 1e-9 && less.lp_unmet >= v0 - 1e-9);
	kb_stockpile_plan_release(&more);
	kb_stockpile_plan_release(&less);

	/* the rule: the same money, a week of average need each */
	sp.budget = 9;
	kb_stockpile_rule(&sp, 0, fixed);
	for (spent = 0, k = 0; k < SP_K; k++)
		spent += cost[k] * fixed[k];
	assert_true(spent <= 9 + 1e-9 && fixed[1] >= held[1]);
	sp.fixed = fixed;
	T_OK(kb_stockpile_solve(&sp, NULL, &more, &err), &err);
	assert_true(more.expected_unmet >= pl.expected_unmet - 1e-9);
	kb_stockpile_plan_release(&more);
	sp.fixed = NULL;

	/* two depots, one next to the first prefecture: played exactly, the
	 * model never below it, and no better than everything arriving at
	 * once */
	sp.ndepot = 2;
	sp.levels = 3; /* chords */
	T_OK(kb_stockpile_solve(&sp, NULL, &more, &err), &err);
	assert_true(more.expected_unmet <= more.lp_unmet + 1e-6);
	assert_true(more.units[0] + more.units[1] + more.units[2] + more.units[3] <=
		    9);
	{
		int zero[SP_P] = { 0, 0, 0 };
		struct kb_stockpile at_once = sp;
		at_once.ndepot = 1;
		at_once.tau = zero;
		at_once.levels = 100;
		T_OK(kb_stockpile_solve(&at_once, NULL, &less, &err), &err);
		assert_true(more.expected_unmet >= less.lp_unmet - 1e-6);
		kb_stockpile_plan_release(&less);
	}
	kb_stockpile_plan_release(&more);
	kb_stockpile_plan_release(&pl);

	/* bad input */
	sp.budget = 1; /* the 2 units held cost 2 */
	assert_int_equal(kb_stockpile_solve(&sp, NULL, &pl, &err), KB_EINVALID);
	t_assert_error(&err, "already held costs 2 yen a year");
	kb_err_clear(&err);
	sp.budget = 9;
	prob[2] = 0.1;
	assert_int_equal(kb_stockpile_solve(&sp, NULL, &pl, &err), KB_EINVALID);
	t_assert_error(&err, "sum to 1");
	kb_err_clear(&err);
	prob[2] = 0.2;
	cost[1] = 0;
	assert_int_equal(kb_stockpile_solve(&sp, NULL, &pl, &err), KB_EINVALID);
	t_assert_error(&err, "field 'price'");
	kb_err_release(&err);
	assert_int_equal(kb_pref_transport(13, 13), 0);
	assert_int_equal(kb_pref_transport(13, 11), 1);
	assert_int_equal(kb_pref_transport(13, 27), 2);
	assert_int_equal(kb_pref_transport(1, 2), 3);
	assert_int_equal(kb_pref_transport(47, 40), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conservation),
		cmocka_unit_test(test_final_size),
		cmocka_unit_test(test_intervention),
		cmocka_unit_test(test_monte_carlo),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_lp),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_alloc_tree),
		cmocka_unit_test(test_stockpile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
