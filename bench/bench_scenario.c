/*
 * bench_scenario.c - epidemic demand at national scale.
 *
 * Usage: bench_scenario [RUNS [THREADS]]   (defaults 1,000 and 2)
 *
 * Monte Carlo over RUNS runs x 47 prefectures (2020 census populations)
 * x 365 days, R0, periods, shares and stays drawn from ranges, keeping the
 * bands of ventilation, ECMO and oxygen: target under 5 s on a 2-core
 * machine.  Its peer, measured in the same run: the same model on one
 * thread (the ratio is the speed-up of the threads).  Peak memory.
 */
#include "core/compat.h"

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

int main(int argc, char **argv)
{
	size_t runs = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000;
	int threads = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2, i;
	char path[] = "/tmp/bench_scenario.XXXXXX";
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_err err;
	double pop[KB_NPREF], inf0[KB_NPREF], t0, t_mc, t_one;
	struct kb_epi_change wave = { 60, 0, 0.7 };
	struct kb_epi m;
	struct kb_epi_params lo, hi;
	struct kb_epi_bands b;
	unsigned keep =
		1u << KB_CARE_VENT | 1u << KB_CARE_ECMO | 1u << KB_CARE_OXYGEN;
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

	t0 = now_s();
	if (kb_epi_monte_carlo(&m, &lo, &hi, runs, 2026, keep, threads, NULL,
			       NULL, &b, &err))
		die(&err, "Monte Carlo");
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
	if (kb_epi_monte_carlo(&m, &lo, &hi, runs, 2026, keep, 1, NULL, NULL,
			       &b, &err))
		die(&err, "Monte Carlo on one thread");
	t_one = now_s() - t0;
	kb_epi_bands_release(&b);
	printf("peer, one thread: %.2f s; ratio %.2f\n", t_one, t_mc / t_one);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak memory: %.0f MiB\n", ru.ru_maxrss / 1024.0);

	kb_supply_release(&sup);
	kb_store_close(s);
	unlink(path);
	kb_err_release(&err);
	return 0;
}
