/*
 * bench_scenario.c - epidemic demand at national scale.
 *
 * Usage: bench_scenario [RUNS [THREADS [PART]]]   (defaults 1,000 and 2;
 * PART: mc, allocation, hospitals or stockpile, else all)
 *
 * Monte Carlo over RUNS runs x 47 prefectures (2020 census populations)
 * x 365 days, R0, periods, shares and stays drawn from ranges, keeping the
 * bands of ventilation, ECMO and oxygen: target under 5 s on a 2-core
 * machine.  Its peer, measured in the same run: the same model on one
 * thread (the ratio is the speed-up of the threads).  Peak memory.
 *
 * Emergency allocation, 47 prefectures x 10 devices x 90 days, the demand
 * of a wave from the same model: target under 2 s; its peers, GLPK's
 * glpsol and CLP's command clp on our MPS file (60 s limit each), when
 * installed, with their objectives against kiban's.
 *
 * Hospital-level allocation, 8,200 hospitals x 3 devices x 28 days, by
 * decomposition: target under 60 s, with the gap to the bound on the
 * single model; peers, glpsol and clp on the decomposition's largest
 * model.
 *
 * Stockpile plan, 100 scenarios x 10 devices, one depot and three: target
 * under 10 s; peers, glpsol and clp on our MPS file.
 */
#include "core/compat.h"

#include <math.h>
#include <sys/resource.h>

#include "kiban/scenario.h"
#include "kiban/store.h"
#include "kiban/supply.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(struct kb_err *err, const char *what)
{
	size_t i;
	fprintf(stderr, "bench_scenario: %s failed\n", what);
	for (i = 0; i < err->n; i++)
		fprintf(stderr, "  %s\n", err->v[i].msg);
	exit(1);
}

/* The objective a solver wrote in `path` after `mark`, if the file also
 * says `optimal`; NAN if not. */
static double objective_in(const char *path, const char *optimal, const char *mark)
{
	struct kb_buf b = KB_BUF_INIT;
	const char *at;
	double v = NAN;
	if (!kb_buf_read_file(&b, path) && strstr(b.buf, optimal) &&
	    (at = strstr(b.buf, mark)))
		v = strtod(at + strlen(mark), NULL);
	kb_buf_release(&b);
	return v;
}

/* One peer on the MPS file: its command (the solution written to out),
 * its time, the ratio ours / its, and its objective against ours
 * (objective: NAN when kiban does not report one). */
static void peer(const char *tool, const char *cmd, const char *out,
		 const char *optimal, const char *mark, double ours,
		 double objective)
{
	char check[64];
	double t0, got;
	int rc;
	snprintf(check, sizeof(check), "command -v %s >/dev/null 2>&1", tool);
	if (system(check)) {
		printf("  peer: %s is not installed (scripts/deps.sh bench)\n",
		       tool);
		return;
	}
	unlink(out);
	t0 = now_s();
	rc = system(cmd);
	t0 = now_s() - t0;
	got = objective_in(out, optimal, mark);
	printf("  peer, %s on the same MPS file: %.2f s%s; ratio kiban / %s "
	       "%.2f",
	       tool, t0,
	       rc || isnan(got) ? " (stopped before the optimum, or failed)" : "",
	       tool, ours / t0);
	if (!isnan(got) && !isnan(objective))
		printf("; objective %.10g, kiban's %.10g (%s)", got, objective,
		       fabs(got - objective) <= 1e-6 * fmax(1, fabs(objective))
			       ? "the same"
			       : "DIFFERENT");
	printf("\n");
	unlink(out);
}

/* The peers, GLPK's glpsol and CLP's command clp, on our MPS file in one
 * run, 60 s at most each; ratios ours / theirs. */
static void mps_peers(const struct kb_buf *mps, double ours, double objective)
{
	char file[] = "/tmp/bench_lp.XXXXXX", out[64], cmd[512];
	int fd = mkstemp(file);
	if (fd < 0 || write(fd, mps->buf, mps->len) != (ssize_t)mps->len) {
		printf("  peers: the MPS file could not be written\n");
	} else {
		snprintf(out, sizeof(out), "%s.out", file);
		snprintf(cmd, sizeof(cmd),
			 "glpsol --freemps %s --tmlim 60 -o %s >/dev/null 2>&1",
			 file, out);
		peer("glpsol", cmd, out, "Status:     OPTIMAL", "obj = ", ours,
		     objective);
		snprintf(cmd, sizeof(cmd),
			 "clp %s -seconds 60 -dualsimplex -solution %s "
			 ">/dev/null 2>&1",
			 file, out);
		peer("clp", cmd, out, "Optimal - objective value",
		     "Optimal - objective value", ours, objective);
	}
	if (fd >= 0) {
		close(fd);
		unlink(file);
	}
}

/* One deterministic wave of the model over `days`: R0 2.2, the cares'
 * shares and stays rising with their index. */
static void wave_run(struct kb_epi *m, int days, struct kb_epi_run *run,
		     struct kb_err *err)
{
	int c;
	m->days = days;
	m->p.r0 = 2.2;
	m->p.incubation = 4;
	m->p.infectious = 6;
	m->p.mixing = 0.05;
	for (c = 0; c < KB_NCARE; c++) {
		m->p.share[c] = 0.002 * (c + 1);
		m->p.stay[c] = 8 + c;
	}
	if (kb_epi_simulate(m, run, err))
		die(err, "the wave");
}

/* 10 devices whose demand follows the wave's care census at different
 * rates, stock spread unevenly (some prefectures hold two days' peak,
 * others little), a depot and urgent purchases. */
static void alloc_bench(const struct kb_epi *wave, const double *pop,
			struct kb_err *err)
{
	enum { D = 10, T = 90 };
	struct kb_epi m = *wave;
	struct kb_epi_run run;
	struct kb_alloc a;
	struct kb_alloc_plan pl;
	struct kb_buf mps = KB_BUF_INIT;
	double *demand = kb_calloc(D * KB_NPREF * T, sizeof(double));
	double stock[D * KB_NPREF], depot[D], cap[D];
	int lead[D], tau[KB_NPREF], k, p, t;
	double t0;

	wave_run(&m, 200, &run, err);
	for (k = 0; k < D; k++) {
		double peak = 0;
		depot[k] = 0;
		for (p = 0; p < KB_NPREF; p++) {
			double mx = 0;
			for (t = 0; t < T; t++) {
				/* days 60-149 of the wave */
				double v =
					run.census[((size_t)(60 + t) * KB_NPREF +
						    (size_t)p) *
							   KB_NCARE +
						   (size_t)(k % KB_NCARE)] *
					(0.5 + 0.1 * k);
				demand[((size_t)k * KB_NPREF + (size_t)p) * T +
				       (size_t)t] = v;
				if (v > mx)
					mx = v;
			}
			stock[k * KB_NPREF + p] = floor(mx * (p % 3) * 0.4);
			peak += mx;
		}
		depot[k] = floor(0.2 * peak);
		cap[k] = floor(0.01 * peak);
		lead[k] = 3 + k % 4;
	}
	for (p = 0; p < KB_NPREF; p++)
		tau[p] = p == 0 || p == 46 ? 2 : 1;
	memset(&a, 0, sizeof(a));
	a.ndev = D;
	a.npref = KB_NPREF;
	a.days = T;
	a.demand = demand;
	a.stock = stock;
	a.depot = depot;
	a.cap = cap;
	a.lead = lead;
	a.tau = tau;
	t0 = now_s();
	if (kb_alloc_solve(&a, pop, 2, &pl, err))
		die(err, "the allocation");
	t0 = now_s() - t0;
	if (kb_alloc_mps(&a, &mps, err))
		die(err, "the MPS file");
	printf("allocation: 47 prefectures x %d devices x %d days, %zu rows x "
	       "%zu columns, one model per device on 2 threads: %.2f s (solver "
	       "%.2f s in all; target 2 s: ratio %.2f)\n",
	       D, T, pl.rows, pl.cols, t0, pl.seconds, t0 / 2);
	printf("  unmet unit-days: plan %.0f (LP bound %.1f, gap %.2f%%); each "
	       "on its own stock %.0f; by population %.0f\n",
	       pl.unmet_total, pl.lp_unmet,
	       pl.lp_unmet > 0 ? 100 * (pl.unmet_total - pl.lp_unmet) / pl.lp_unmet
			       : 0.0,
	       pl.own_unmet, pl.population_unmet);
	mps_peers(&mps, t0, pl.objective);
	kb_alloc_plan_release(&pl);
	kb_buf_release(&mps);
	kb_epi_run_release(&run);
	free(demand);
}

/* Hospital-level allocation: 8,200 hospitals (by prefecture in proportion
 * to population, beds drawn from a skewed distribution) x 3 devices x 28
 * days, each prefecture's demand from the wave shared by beds with noise,
 * stocks uneven, a day from the hub to most hospitals.  Target under 60 s;
 * the loss against the single hospital-level model is at most the gap to
 * the relaxation's bound; its peers, glpsol and clp on the largest model
 * of the decomposition (Tokyo's hospitals, one device). */
static void hospital_bench(const struct kb_epi *wave, const double *pop,
			   struct kb_err *err)
{
	enum { K = 3, T = 28, H = 8200 };
	struct kb_epi m = *wave;
	struct kb_epi_run run;
	struct kb_alloc a, tokyo;
	struct kb_alloc_tree tr;
	struct kb_alloc_tree_plan pl;
	struct kb_alloc_plan one;
	struct kb_buf mps = KB_BUF_INIT;
	double *demand = kb_malloc((size_t)K * H * T * sizeof(double)),
	       *stock = kb_malloc((size_t)K * H * sizeof(double)),
	       *beds = kb_malloc(H * sizeof(double)), bedsum[KB_NPREF] = { 0 },
	       total = 0, depot[K], cap[K], t0, zero = 0;
	int *group = kb_malloc(H * sizeof(int)),
	    *tau = kb_malloc(H * sizeof(int)), gtau[KB_NPREF],
	    lead[K] = { 3, 5, 7 }, lead0 = 0, p, h, k, t, n0 = 0;
	unsigned x = 12345;

	wave_run(&m, 120, &run, err);
	for (p = 0; p < KB_NPREF; p++)
		total += pop[p];
	for (p = 0, h = 0; p < KB_NPREF; p++) {
		int n = p == KB_NPREF - 1 ? H - h
					  : (int)floor(H * pop[p] / total + 0.5);
		for (; n > 0 && h < H; n--, h++) {
			x = x * 1103515245u + 12345u;
			group[h] = p;
			/* 20 to ~1,000 beds, most small */
			beds[h] = 20 + 1000 * pow((x >> 8) / 16777216.0, 3);
			bedsum[p] += beds[h];
			tau[h] = h % 5 ? 1 : 0;
		}
		gtau[p] = p == 0 || p == 46 ? 2 : 1;
	}
	for (k = 0; k < K; k++) {
		double peak = 0;
		for (h = 0; h < H; h++) {
			double mx = 0;
			p = group[h];
			for (t = 0; t < T; t++) {
				double v;
				x = x * 1103515245u + 12345u;
				v = run.census[((size_t)(50 + t) * KB_NPREF +
						(size_t)p) *
						       KB_NCARE +
					       (size_t)(k + 2)] *
				    beds[h] / bedsum[p] *
				    (0.5 + (x >> 8) / 16777216.0);
				demand[((size_t)k * H + (size_t)h) * T + (size_t)t] =
					v;
				mx = v > mx ? v : mx;
			}
			x = x * 1103515245u + 12345u;
			stock[k * H + h] =
				floor(mx * 0.8 * (x >> 8) / 16777216.0);
			peak += mx;
		}
		depot[k] = floor(0.2 * peak);
		cap[k] = floor(0.01 * peak);
	}
	memset(&a, 0, sizeof(a));
	a.ndev = K;
	a.npref = H;
	a.days = T;
	a.demand = demand;
	a.stock = stock;
	a.depot = depot;
	a.cap = cap;
	a.lead = lead;
	a.tau = tau;
	tr.a = &a;
	tr.ngroup = KB_NPREF;
	tr.group = group;
	tr.group_tau = gtau;
	t0 = now_s();
	if (kb_alloc_tree_solve(&tr, 2, &pl, err))
		die(err, "the hospital-level allocation");
	t0 = now_s() - t0;
	printf("hospital-level allocation: %d hospitals x %d devices x %d days, "
	       "%zu models (%zu rows x %zu columns in all), 2 threads: %.2f s "
	       "(solver %.2f s; target 60 s: ratio %.2f)\n",
	       H, K, T, pl.models, pl.rows, pl.cols, t0, pl.seconds, t0 / 60);
	printf("  unmet unit-days: plan %.0f; bound %.0f (the single model's "
	       "optimum lies between: the plan is at most %.2f%% above it); "
	       "each on its own stock %.0f\n",
	       pl.unmet_total, pl.bound,
	       100 * (pl.unmet_total - pl.bound) / (pl.bound > 0 ? pl.bound : 1),
	       pl.own_unmet);
	kb_alloc_tree_plan_release(&pl);
	/* the peer: Tokyo's hospitals for the first device */
	for (h = 0; h < H && group[h] != 12; h++)
		;
	for (n0 = 0; h + n0 < H && group[h + n0] == 12; n0++)
		;
	memset(&tokyo, 0, sizeof(tokyo));
	tokyo.ndev = 1;
	tokyo.npref = (size_t)n0;
	tokyo.days = T;
	tokyo.demand = demand + (size_t)h * T;
	tokyo.stock = stock + h;
	tokyo.depot = &zero;
	tokyo.cap = &zero;
	tokyo.lead = &lead0;
	tokyo.tau = tau + h;
	if (kb_alloc_mps(&tokyo, &mps, err))
		die(err, "Tokyo's model");
	t0 = now_s();
	if (kb_alloc_solve(&tokyo, beds, 1, &one, err))
		die(err, "Tokyo's model");
	t0 = now_s() - t0;
	printf("  the largest model of the decomposition, Tokyo's %d hospitals "
	       "and one device, alone: %.2f s\n",
	       n0, t0);
	mps_peers(&mps, t0, one.objective);
	kb_alloc_plan_release(&one);
	kb_buf_release(&mps);
	kb_epi_run_release(&run);
	free(demand);
	free(stock);
	free(beds);
	free(group);
	free(tau);
}

/* 100 scenarios (Monte Carlo runs of the model, 240 days) x 10 devices,
 * each following a care's census at its own rate, stock spread unevenly,
 * yearly costs from 0.2 to 2 million yen, a budget that buys about a third
 * of the p95 peak shortfall; one national depot, then three.  Target under
 * 10 s; its peers glpsol and clp on our MPS file. */
static void stockpile_bench(const struct kb_epi *wave,
			    const struct kb_epi_params *lo,
			    const struct kb_epi_params *hi, struct kb_err *err)
{
	enum { K = 10, S = 100, T = 240 };
	struct kb_epi m = *wave;
	struct kb_epi_bands b;
	struct kb_stockpile sp;
	struct kb_stockpile_plan pl, rule;
	struct kb_buf mps = KB_BUF_INIT;
	size_t cells = (size_t)(T + 1) * KB_NPREF, s, k, p, t;
	float *demand = kb_malloc((size_t)S * K * KB_NPREF * T * sizeof(float));
	double stock[K * KB_NPREF], cost[K], prob[S], fixed[K], weeks, t0,
		short95 = 0;
	int tau[3 * KB_NPREF], wh[3] = { 11, 27, 40 }, nd;

	m.days = T;
	if (kb_epi_monte_carlo(&m, lo, hi, S, 7, 0x1f | KB_EPI_KEEP_RUNS, 2,
			       NULL, NULL, &b, err))
		die(err, "the scenarios");
	for (k = 0; k < K; k++) {
		float *run = b.run[k % KB_NCARE];
		double rate = 0.3 + 0.15 * (double)k;
		cost[k] = 2e5 * (double)(1 + k);
		for (p = 0; p < KB_NPREF; p++) {
			/* stock: the median peak times 0, 0.3 or 0.6 */
			double peak = 0;
			for (t = 0; t <= (size_t)T; t++)
				if (b.p[1][(t * KB_NPREF + p) * KB_NCARE +
					   k % KB_NCARE] > peak)
					peak = b.p[1][(t * KB_NPREF + p) * KB_NCARE +
						      k % KB_NCARE];
			stock[k * KB_NPREF + p] =
				floor(rate * peak * 0.3 * (double)(p % 3));
			for (s = 0; s < S; s++)
				for (t = 0; t < (size_t)T; t++)
					demand[((s * K + k) * KB_NPREF + p) * T + t] =
						(float)(rate *
							run[s * cells +
							    (t + 1) * KB_NPREF + p]);
		}
		for (t = 0; t <= (size_t)T; t++) {
			double sh = 0;
			for (p = 0; p < KB_NPREF; p++)
				sh += fmax(0,
					   rate * b.p[2][(t * KB_NPREF + p) * KB_NCARE +
							 k % KB_NCARE] -
						   stock[k * KB_NPREF + p]);
			if (sh * cost[k] > short95)
				short95 = sh * cost[k];
		}
	}
	for (s = 0; s < S; s++)
		prob[s] = 1.0 / S;
	for (nd = 0; nd < 3; nd++)
		for (p = 0; p < KB_NPREF; p++)
			tau[nd * KB_NPREF + p] =
				kb_pref_transport(wh[nd], (int)p + 1);
	memset(&sp, 0, sizeof(sp));
	sp.ndev = K;
	sp.npref = KB_NPREF;
	sp.nscen = S;
	sp.days = T;
	sp.demand = demand;
	sp.prob = prob;
	sp.stock = stock;
	sp.cost = cost;
	sp.budget = K * short95 / 3;
	for (nd = 1; nd <= 3; nd += 2) {
		sp.ndepot = (size_t)nd;
		sp.tau = nd == 1 ? tau + KB_NPREF /* Osaka */ : tau;
		sp.fixed = NULL;
		t0 = now_s();
		if (kb_stockpile_solve(&sp, &mps, &pl, err))
			die(err, "the stockpile");
		t0 = now_s() - t0;
		printf("stockpile: %d scenarios x %d devices x 47 prefectures, "
		       "%d depot%s, %zu rows x %zu columns: %.2f s (solver "
		       "%.2f s; target 10 s: ratio %.2f)\n",
		       S, K, nd, nd > 1 ? "s" : "", pl.rows, pl.cols, t0,
		       pl.seconds, t0 / 10);
		weeks = kb_stockpile_rule(&sp, 0, fixed);
		sp.fixed = fixed;
		if (kb_stockpile_solve(&sp, NULL, &rule, err))
			die(err, "the rule");
		printf("  expected unmet patient-days: plan %.0f (model %.0f), "
		       "%.2f weeks of average need %.0f, none %.0f; one more "
		       "million yen avoids %.2f\n",
		       pl.expected_unmet, pl.lp_unmet, weeks,
		       rule.expected_unmet, pl.none_unmet, pl.yen_value * 1e6);
		mps_peers(&mps, t0, NAN);
		kb_buf_reset(&mps);
		kb_stockpile_plan_release(&pl);
		kb_stockpile_plan_release(&rule);
	}
	kb_buf_release(&mps);
	kb_epi_bands_release(&b);
	free(demand);
}

/* Monte Carlo over RUNS runs, on THREADS threads and on one. */
static void mc_bench(const struct kb_epi *m, const struct kb_epi_params *lo,
		     const struct kb_epi_params *hi, size_t runs, int threads,
		     struct kb_err *err)
{
	unsigned keep =
		1u << KB_CARE_VENT | 1u << KB_CARE_ECMO | 1u << KB_CARE_OXYGEN;
	struct kb_epi_bands b;
	struct rusage ru;
	double t0, t_mc, t_one;
	t0 = now_s();
	if (kb_epi_monte_carlo(m, lo, hi, runs, 2026, keep, threads, NULL, NULL,
			       &b, err))
		die(err, "Monte Carlo");
	t_mc = now_s() - t0;
	printf("Monte Carlo: %zu runs x 47 prefectures x 365 days, 3 cares "
	       "kept, %d threads: %.2f s (target 5 s: ratio %.2f)\n",
	       runs, threads, t_mc, t_mc / 5);
	printf("  national ventilation on day 180: p5 %.0f, p50 "
	       "%.0f, p95 %.0f patients\n",
	       b.nation[0][180 * KB_NCARE + KB_CARE_VENT],
	       b.nation[1][180 * KB_NCARE + KB_CARE_VENT],
	       b.nation[2][180 * KB_NCARE + KB_CARE_VENT]);
	kb_epi_bands_release(&b);

	t0 = now_s();
	if (kb_epi_monte_carlo(m, lo, hi, runs, 2026, keep, 1, NULL, NULL, &b,
			       err))
		die(err, "Monte Carlo on one thread");
	t_one = now_s() - t0;
	kb_epi_bands_release(&b);
	printf("peer, one thread: %.2f s; ratio %.2f\n", t_one, t_mc / t_one);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak memory: %.0f MiB\n", ru.ru_maxrss / 1024.0);
}

int main(int argc, char **argv)
{
	size_t runs = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000;
	int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2, i;
	const char *part = argc > 3 ? argv[3] : "all";
#define PART(x) (!strcmp(part, "all") || !strcmp(part, x))
	char path[] = "/tmp/bench_scenario.XXXXXX";
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_err err;
	double pop[KB_NPREF], inf0[KB_NPREF];
	struct kb_epi_change wave = { 60, 0, 0.7 };
	struct kb_epi m;
	struct kb_epi_params lo, hi;
	struct rusage ru;
	int fd = mkstemp(path);

	kb_err_init(&err, KB_LANG_EN);
	if (fd < 0)
		return 1;
	close(fd);
	unlink(path);
	if (kb_store_open(&s, path, KB_STORE_CREATE, &err) ||
	    kb_supply_load(s, &sup, &err))
		die(&err, "the prefectures");
	for (i = 0; i < KB_NPREF; i++) {
		pop[i] = (double)sup.prefs[i].population;
		inf0[i] = pop[i] * 2e-6; /* 2 per million */
	}
	memset(&m, 0, sizeof(m));
	m.npref = KB_NPREF;
	m.pop = pop;
	m.infected0 = inf0;
	m.days = 365;
	m.changes = &wave;
	m.nchanges = 1;
	memset(&lo, 0, sizeof(lo));
	lo.r0 = 1.6;
	lo.incubation = 3;
	lo.infectious = 5;
	lo.mixing = 0.02;
	for (i = 0; i < KB_NCARE; i++) {
		lo.share[i] = 0.001 * (KB_NCARE - i);
		lo.stay[i] = 6 + 2 * i;
	}
	hi = lo;
	hi.r0 = 2.6;
	hi.incubation = 5;
	hi.infectious = 8;
	hi.mixing = 0.1;
	for (i = 0; i < KB_NCARE; i++) {
		hi.share[i] = 2 * lo.share[i];
		hi.stay[i] = 1.5 * lo.stay[i];
	}

	if (PART("mc"))
		mc_bench(&m, &lo, &hi, runs, threads, &err);
	if (PART("allocation"))
		alloc_bench(&m, pop, &err);
	if (PART("hospitals"))
		hospital_bench(&m, pop, &err);
	if (PART("stockpile"))
		stockpile_bench(&m, &lo, &hi, &err);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak memory of the whole run: %.0f MiB\n", ru.ru_maxrss / 1024.0);

	kb_supply_release(&sup);
	kb_store_close(s);
	unlink(path);
	kb_err_release(&err);
	return 0;
}
