/*
 * scenario.h - epidemic demand for medical devices: an SEIR model per
 * prefecture, optionally mixing with the national pool, its patients in
 * each kind of care, deterministic runs and Monte Carlo bands; and the
 * scenario files that describe them.
 *
 * The engine works on plain arrays, with no database: a prefecture is an
 * index 0..npref-1.  Days run 0..days; day 0 is the state given.
 *
 *   S' = -lambda S      E' = lambda S - E / incubation
 *   I' = E / incubation - I / infectious       R' = I / infectious
 *   lambda_i = R0 c_i(t) / infectious * ((1 - m) I_i / N_i + m sum I / sum N)
 *
 * with c_i(t) the contact factor of the interventions in force (1 before
 * any) and m the mixing.  Each person who becomes infectious needs a kind
 * of care with its probability (share) and stays in it an exponentially
 * distributed time with the mean given (stay); the census of each care is
 * the number of patients in it.  Integrated by classical Runge-Kutta with
 * `steps` steps a day, which keeps S + E + I + R equal to the population.
 */
#ifndef KIBAN_SCENARIO_H
#define KIBAN_SCENARIO_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "kiban/buf.h"
#include "kiban/error.h"
#include "kiban/lang.h"
#include "kiban/supply.h"

struct kb_store;

enum kb_care {
	KB_CARE_WARD,	/* hospital admission */
	KB_CARE_ICU,	/* intensive care */
	KB_CARE_VENT,	/* mechanical ventilation */
	KB_CARE_ECMO,	/* extracorporeal membrane oxygenation */
	KB_CARE_OXYGEN, /* oxygen therapy */
	KB_NCARE
};
const char *kb_care_key(enum kb_care c); /* "ward", "icu", "ventilation"... */
const char *kb_care_name(enum kb_care c, enum kb_lang lang);
int kb_care_parse(const char *s); /* -1 if unknown */

struct kb_epi_params {
	double r0;	   /* reproduction number without interventions */
	double incubation; /* mean days from infection to infectious */
	double infectious; /* mean days infectious */
	double mixing;	   /* share of contacts with the whole country, 0-1 */
	double share[KB_NCARE]; /* of infections needing each care */
	double stay[KB_NCARE];	/* mean days in it */
};

/* From day `day` on, contacts in prefecture pref (index + 1; 0 every
 * prefecture) are multiplied by contact (a later change replaces an
 * earlier one). */
struct kb_epi_change {
	int day;
	int pref;
	double contact;
};

struct kb_epi {
	size_t npref;
	const double *pop;	 /* [npref] */
	const double *infected0; /* [npref] infectious on day 0 */
	const double *census0;	 /* [npref * KB_NCARE] in care on day 0, or
				    NULL */
	int days;
	int steps; /* Runge-Kutta steps per day; 0: 2 */
	struct kb_epi_params p;
	const struct kb_epi_change *changes;
	size_t nchanges;
};

/* Checks a model: 0, or KB_EINVALID naming what is wrong. */
int kb_epi_check(const struct kb_epi *m, struct kb_err *err);

/* One run.  Every array has (days + 1) * npref entries, day-major
 * (x[d * npref + i]); census has KB_NCARE per (day, prefecture); onset[d]
 * counts those who became infectious during day d - 1 (onset[0] = 0). */
struct kb_epi_run {
	double *s, *e, *i, *r, *onset, *census;
};
int kb_epi_simulate(const struct kb_epi *m, struct kb_epi_run *out,
		    struct kb_err *err);
void kb_epi_run_release(struct kb_epi_run *r);

/* Percentile bands over Monte Carlo runs: for each care kept, the 5th,
 * 50th and 95th percentiles of the census by day and prefecture
 * (p[k][(d * npref + i) * KB_NCARE + c], k = 0, 1, 2) and of the national
 * total by day (nation[k][d * KB_NCARE + c]).  Cares not kept are 0. */
struct kb_epi_bands {
	size_t runs, npref;
	int days;
	unsigned cares; /* bit c set: care c kept */
	float *p[3];
	double *nation[3];
	/* with KB_EPI_KEEP_RUNS: every run's census of each care kept,
	 * run[c][r * (days + 1) * npref + d * npref + i]; else NULL */
	float *run[KB_NCARE];
};
#define KB_EPI_KEEP_RUNS (1u << 31)

typedef void (*kb_epi_progress_fn)(void *ctx, size_t done, size_t total);

/*
 * Runs the model `runs` times with each parameter drawn uniformly between
 * its value in lo and in hi (m->p is ignored), on `threads` threads, each
 * run from its own stream of seed so that the result does not depend on
 * the threads.  Memory: runs * (days + 1) * npref floats per care kept.
 * cares | KB_EPI_KEEP_RUNS keeps the runs themselves in out->run.
 */
int kb_epi_monte_carlo(const struct kb_epi *m, const struct kb_epi_params *lo,
		       const struct kb_epi_params *hi, size_t runs,
		       unsigned long long seed, unsigned cares, int threads,
		       kb_epi_progress_fn progress, void *ctx,
		       struct kb_epi_bands *out, struct kb_err *err);
void kb_epi_bands_release(struct kb_epi_bands *b);

/*
 * The growth rate r (per day) of observed daily admissions adm[0..n-1]
 * (least squares on their logarithms; zero days skipped) and the
 * reproduction number it implies for the given periods:
 * R0 = (1 + r incubation)(1 + r infectious).  KB_EINVALID with fewer than
 * 3 positive days.
 */
int kb_epi_fit_growth(const double *adm, size_t n, double incubation,
		      double infectious, double *r, double *r0,
		      struct kb_err *err);

/* ---- emergency allocation ---- */

/*
 * Devices shared between prefectures through a national pool (the depot)
 * day by day: the depot ships units out (they arrive tau[p] days later),
 * prefectures send idle units back (arriving tau[p] days later), urgent
 * purchases arrive at the depot lead days after they are ordered, at most
 * cap a day.  A unit serves one patient a day where it is; demand is the
 * units needed at once (reusable devices: a unit returns to its holder
 * when the patient is done).  Demand is rounded up to whole units; stocks,
 * depots and capacities are expected whole.
 *
 * Arrays are device-major: demand[(k * npref + p) * days + t],
 * stock[k * npref + p], depot[k], cap[k], lead[k], tau[p].
 */
struct kb_alloc {
	size_t ndev, npref;
	int days;
	const double *demand, *stock, *depot, *cap;
	const int *lead, *tau;
	const double *consumption; /* [k * npref + p] recent use, for the
				      rationing rule; NULL: not compared */
	const double *supply; /* [k * days + t] the share of cap that can be
				 bought on day t (the makers still running);
				 NULL: all of it */
	/* [k * days + t]: units reaching the depot on day t from outside
	 * (besides purchases and returns), and the most it may send away
	 * on day t, each unit sent worth half a unit-day; NULL: none.  A
	 * prefecture's hub in the hospital-level plan (kb_alloc_tree). */
	const double *arrive, *release;
	int fair;	  /* first the smallest worst unmet share,
			     then the least unmet */
	int no_worse_off; /* no prefecture lacks more than on its own stock */
};

/* A plan.  Unmet demand in unit-days.  rounded: whole units shipped
 * (the LP's shipments rounded down, then served greedily). */
struct kb_alloc_plan {
	double *ship, *ret, *buy;     /* [(k * npref + p) * days + t], buy
					 [k * days + t] */
	double *sent;		      /* [k * days + t] sent away (release) */
	double *unmet;		      /* [(k * npref + p) * days + t] */
	double lp_unmet, unmet_total; /* the LP's bound, the whole-unit plan */
	double own_unmet;	      /* each on its own stock, nothing moved */
	double population_unmet;      /* depot and purchases in proportion to
					 population, nothing returned */
	double consumption_unmet;     /* the same in proportion to recent
					 consumption (-1: not compared) */
	double worst_share; /* the largest unmet share of a prefecture */
	double objective;   /* the LP's optimum, the MPS file's objective */
	double seconds;	    /* in the solver */
	size_t rows, cols;
};

/* Builds and solves the model; without `fair` one model per device (the
 * devices share nothing then), on `threads` threads.  population: for
 * the rule of thumb compared. */
int kb_alloc_solve(const struct kb_alloc *a, const double *population,
		   int threads, struct kb_alloc_plan *out, struct kb_err *err);
/* The whole model (every device in one) in MPS, for another solver. */
int kb_alloc_mps(const struct kb_alloc *a, struct kb_buf *mps,
		 struct kb_err *err);
void kb_alloc_plan_release(struct kb_alloc_plan *p);

/*
 * The hospital-level plan: places are hospitals, each in a group (its
 * prefecture) whose hub the depot reaches in group_tau[g] days and which
 * reaches its hospitals in tau[h] days (a->tau).  Solved by decomposition:
 * first the prefectures, their hospitals pooled, against the national
 * depot and purchases; then each prefecture's hospitals against its hub,
 * fed by what the first plan ships there and sending back what it
 * returns; then the whole played day by day in whole units, every
 * movement limited to the units actually there.  The bound: the
 * prefecture model with hub-to-hospital transport free and every unit of a
 * prefecture usable by each of its hospitals, a relaxation of the single
 * hospital-level model, so the plan's loss against that model's optimum is
 * at most unmet_total - bound.
 */
struct kb_alloc_tree {
	const struct kb_alloc *a; /* npref: hospitals; no fair, no_worse_off */
	size_t ngroup;
	const int *group;     /* [npref] 0..ngroup-1 */
	const int *group_tau; /* [ngroup] */
};
struct kb_alloc_tree_plan {
	double unmet_total; /* unit-days, the whole-unit plan played */
	double bound;	    /* a lower bound on the single model's optimum */
	double own_unmet;   /* each hospital on its own stock */
	/* [(k * npref + h) * days + t]: unmet, shipped from the hub,
	 * returned to it */
	double *unmet, *ship, *ret;
	double seconds; /* in the solver, all models */
	size_t models, rows, cols;
};
int kb_alloc_tree_solve(const struct kb_alloc_tree *tr, int threads,
			struct kb_alloc_tree_plan *out, struct kb_err *err);
void kb_alloc_tree_plan_release(struct kb_alloc_tree_plan *p);

/* ---- stockpile planning ---- */

/*
 * How many units of each device to hold in the national stockpile (at
 * each depot) for a yearly budget, to minimise the expected unmet
 * patient-days over scenarios with probabilities: a two-stage stochastic
 * linear program.  First stage: x[k][d], the units of device k held at
 * depot d, each costing cost[k] yen a year (price / shelf life + holding
 * + maintenance).  Second stage, in each scenario: the depots' units are
 * sent once to the prefectures, arriving tau[d][p] days later, and stay
 * there; a prefecture's unmet need on a day is what its own stock and the
 * units arrived leave uncovered.
 *
 * The unmet unit-days of a prefecture as a function of the units sent is
 * convex and piecewise linear, one piece per level of need; the model
 * keeps at most `levels` pieces (chords over the others, which never
 * understate the unmet need) and is exact where the need takes no more
 * distinct values than that.
 *
 * demand[((s * ndev + k) * npref + p) * days + t]: units needed at once
 * (rounded up to whole units); stock[k * npref + p]; tau[d * npref + p].
 */
struct kb_stockpile {
	size_t ndev, npref, nscen, ndepot;
	int days;
	const float *demand;
	const double *prob;  /* [nscen], summing to 1 */
	const double *stock; /* the hospitals' own */
	const double *units; /* [k] units per patient; NULL: 1 */
	const double *cost;  /* [k] yen a year for a unit held, > 0 */
	const double *held;  /* [k] units already held, kept; NULL: none */
	const int *tau;
	double budget; /* yen a year */
	/* NULL: choose; else hold exactly fixed[k] units of each device
	 * (a rule to compare), whatever they cost */
	const double *fixed;
	int levels; /* 0: 12 */
};

struct kb_stockpile_plan {
	double *units;	  /* [k * ndepot + d] whole units to hold */
	double *value;	  /* [k]: expected patient-days one more unit avoids */
	double yen_value; /* the budget's dual: patient-days one more yen
			     avoids */
	double spent;	  /* yen a year */
	double expected_unmet; /* patient-days, the whole-unit plan played */
	double lp_unmet;       /* the model's */
	double none_unmet;     /* with no stockpile at all */
	double seconds;
	size_t rows, cols;
};

int kb_stockpile_solve(const struct kb_stockpile *sp, struct kb_buf *mps,
		       struct kb_stockpile_plan *out, struct kb_err *err);
void kb_stockpile_plan_release(struct kb_stockpile_plan *p);

/* The rule of thumb: N weeks of each device's average daily need (over
 * the scenarios, nation-wide) on top of what is held; weeks <= 0: N such
 * that the rule spends the budget.  Fills fixed[k] and returns N. */
double kb_stockpile_rule(const struct kb_stockpile *sp, double weeks,
			 double *fixed);

/* Days from a depot in prefecture `from` to prefecture `to` (codes): 0 in
 * the same prefecture, 1 in the same region, 2 beyond it, 3 between
 * Hokkaido or Okinawa and another region. */
int kb_pref_transport(int from, int to);

/* ---- scenario files (docs/scenario-format.md) ---- */

/* A device whose demand follows a care: units per patient in it. */
struct kb_scenario_device {
	size_t device; /* index in the registry */
	enum kb_care care;
	double units;
	/* for the allocation: the national stockpile, urgent purchases a
	 * day and the days they take to arrive */
	double depot, cap;
	int lead;
	/* for the stockpile plan: the price, the years a unit lasts, and
	 * yen a year to hold and to maintain it (price 0: not given) */
	double price, shelf_life, holding, maintenance;
};

/* A disruption: what stops from day `from` to day `to` (inclusive). */
struct kb_scenario_stop {
	enum kb_stop what;
	char *id; /* a site's or supplier's id, a country code, a region */
	int from, to;
};

/* Demand multiplied by factor from day `from` to `to` in prefecture pref
 * (0 every one). */
struct kb_scenario_surge {
	double factor;
	int from, to, pref;
};

struct kb_scenario {
	char *name;
	char *file;    /* the path it was read from */
	int keep_runs; /* set before kb_scenario_run: keep every run (the
			  stockpile plan needs them) */
	int start;     /* day number (days since 1970-01-01) of day 0 */
	int days;
	size_t runs;
	unsigned long long seed;
	struct kb_epi_params lo, hi; /* equal where no range was given */
	double infected[KB_NPREF];
	double census[KB_NPREF * KB_NCARE];
	struct kb_epi_change *changes;
	size_t nchanges;
	struct kb_scenario_device *devices;
	size_t ndevices;
	int tau[KB_NPREF]; /* days between the depot and each prefecture */
	/* disruptions: stops through the supply-chain map, deliveries
	 * shipped from day delay_from to delay_to arriving `delay` days late,
	 * demand surges */
	struct kb_scenario_stop *stops;
	size_t nstops;
	int delay, delay_from, delay_to;
	struct kb_scenario_surge *surges;
	size_t nsurges;
	/* fitted to the admissions observed ('admissions' line): the growth
	 * a day, the reproduction number and the infectious on day 0
	 * nation-wide; growth 0 and r0 -1 when not fitted */
	double fit_growth, fit_r0, fit_infected;
	/* for the stockpile plan */
	double probability; /* of this scenario among several; -1 not given */
	double budget;	    /* yen a year; -1 not given */
	int warehouse[KB_NPREF]; /* prefectures holding the stockpile */
	size_t nwarehouses;	 /* 0: the one national depot (tau) */
};

/*
 * Reads a scenario file ("key = value" lines; docs/scenario-format.md)
 * against the registry (prefectures, devices); today is the day number
 * day 0 defaults to.  Every problem is reported with file:line:column and
 * its key; then nothing is returned (KB_EINVALID).
 */
int kb_scenario_parse(const char *file, const char *text, size_t len,
		      const struct kb_supply *sup, int today,
		      struct kb_scenario *out, struct kb_err *err);
void kb_scenario_release(struct kb_scenario *sc);

/* A scenario's demand bands, with the stock it meets: the hospitals'
 * stock of each device by prefecture in the latest week reported. */
struct kb_scenario_result {
	struct kb_epi_bands bands;
	double *stock;	     /* [ndevices * KB_NPREF] */
	double *consumption; /* [ndevices * KB_NPREF], the same week's */
	int stock_week;	     /* -1: no report yet (stock 0) */
	/* with disruptions, [k * (days + 1) + d]: the share of device k's
	 * supply still made on day d (the chain map), and the days of
	 * resupply the hospitals have missed by day d (each costs a day of
	 * their consumption from the stock); NULL without */
	double *supply, *missed;
	int chained; /* devices found in the chain map */
};
int kb_scenario_run(struct kb_store *s, const struct kb_supply *sup,
		    const struct kb_scenario *sc, int threads,
		    kb_epi_progress_fn progress, void *ctx,
		    struct kb_scenario_result *out, struct kb_err *err);
void kb_scenario_result_release(struct kb_scenario_result *r);

/* Units of device k (index in sc->devices) needed on day d in prefecture
 * pref (code; 0 the whole country) at band q (0 p5, 1 median, 2 p95). */
double kb_scenario_demand(const struct kb_scenario *sc,
			  const struct kb_scenario_result *r, size_t k, int q,
			  int d, int pref);
/* The stock it meets there on day d (0 the whole country): the stock
 * reported, less the resupply the disruptions keep away. */
double kb_scenario_stock(const struct kb_scenario *sc,
			 const struct kb_scenario_result *r, size_t k, int d,
			 int pref);

/* The emergency allocation of the scenario's median demand (whole units)
 * against the stock, the depots and the purchases the file gives. */
int kb_scenario_allocate(const struct kb_scenario *sc,
			 const struct kb_scenario_result *r,
			 const struct kb_supply *sup, int fair,
			 int no_worse_off, int threads, struct kb_buf *mps,
			 struct kb_alloc_plan *out, struct kb_err *err);
/* The same down to the hospitals of the registry: each prefecture's
 * median demand shared among its hospitals by their beds (intensive care
 * beds for icu, ventilation and ecmo), each hospital's own stock of the
 * latest week reported, a day from the prefecture's hub to each of its
 * hospitals.  hospital[h]: the registry's org index of place h. */
struct kb_hospital_plan {
	struct kb_alloc_tree_plan plan;
	size_t *hospital;
	size_t nhospitals;
};
int kb_scenario_allocate_hospitals(struct kb_store *s,
				   const struct kb_scenario *sc,
				   const struct kb_scenario_result *r,
				   const struct kb_supply *sup, int threads,
				   struct kb_hospital_plan *out,
				   struct kb_err *err);
void kb_hospital_plan_release(struct kb_hospital_plan *p);
json_t *kb_hospital_plan_to_json(const struct kb_scenario *sc,
				 const struct kb_hospital_plan *hp,
				 const struct kb_supply *sup, enum kb_lang lang);
/* One row per hospital, device and day where something moves or is
 * lacking. */
void kb_hospital_plan_csv(const struct kb_scenario *sc,
			  const struct kb_hospital_plan *hp,
			  const struct kb_supply *sup, enum kb_lang lang,
			  int bom, struct kb_buf *out);

json_t *kb_alloc_to_json(const struct kb_scenario *sc,
			 const struct kb_alloc_plan *pl,
			 const struct kb_supply *sup, enum kb_lang lang);
/* The plan's movements and unmet demand, one row per device, prefecture
 * and day where something happens. */
void kb_alloc_csv(const struct kb_scenario *sc, const struct kb_alloc_plan *pl,
		  const struct kb_supply *sup, enum kb_lang lang, int bom,
		  struct kb_buf *out);

/* The stockpile plan over scenario files sc[0..n-1], each run with
 * keep_runs: every Monte Carlo run is a scenario, sharing its file's
 * probability (files without one share what the others leave).  The
 * devices, their costs, the budget (unless budget >= 0 overrides it), the
 * warehouses and the stockpile already held ('depot') are the first
 * file's; the others add scenarios.  The rule compared: `weeks` weeks of
 * average need (0: as many as the same money buys). */
struct kb_stockpile_result {
	struct kb_stockpile_plan plan, rule;
	double budget, rule_weeks;
	size_t scenarios;
};
int kb_scenario_stockpile(const struct kb_scenario *sc,
			  const struct kb_scenario_result *res, size_t n,
			  const struct kb_supply *sup, double budget,
			  double weeks, int levels, struct kb_buf *mps,
			  struct kb_stockpile_result *out, struct kb_err *err);
void kb_stockpile_result_release(struct kb_stockpile_result *r);
json_t *kb_stockpile_to_json(const struct kb_scenario *sc,
			     const struct kb_stockpile_result *r,
			     const struct kb_supply *sup, enum kb_lang lang);
/* One row per device and warehouse. */
void kb_stockpile_csv(const struct kb_scenario *sc,
		      const struct kb_stockpile_result *r,
		      const struct kb_supply *sup, enum kb_lang lang, int bom,
		      struct kb_buf *out);

/* Per device: the national median peak with its band and day, the stock,
 * the largest shortfall, the prefectures short at some point; and the
 * national series by day.  Names in lang. */
json_t *kb_scenario_to_json(const struct kb_scenario *sc,
			    const struct kb_scenario_result *r,
			    const struct kb_supply *sup, enum kb_lang lang);
/* One row per day, prefecture and device: the demand band, the stock,
 * the shortfall at the median. */
void kb_scenario_csv(const struct kb_scenario *sc,
		     const struct kb_scenario_result *r,
		     const struct kb_supply *sup, enum kb_lang lang, int bom,
		     struct kb_buf *out);

/* ---- results kept, and their report ---- */

/* Keeps a result (kind "run", "allocate" or "stockpile"; the JSON the
 * command prints) with the scenario's text; *id is its number. */
int kb_scenario_save(struct kb_store *s, const char *kind, const char *name,
		     const char *scenario, const json_t *result,
		     const char *actor, time_t now, long *id, struct kb_err *err);
/* The results kept, newest first: [{id, kind, name, created_at,
 * created_by}]. */
int kb_scenario_saved(struct kb_store *s, json_t **out, struct kb_err *err);
/* One result: {id, kind, name, scenario, result, created_at, created_by};
 * KB_ENOTFOUND if there is none. */
int kb_scenario_load(struct kb_store *s, long id, json_t **out,
		     struct kb_err *err);
/* A self-contained HTML page of a result kept: per device the demand
 * curve with its 5-95% band and the stock, a prefecture x day heat map of
 * the shortfall, and the shipment plan (allocation) or the stockpile. */
void kb_scenario_report(const json_t *saved, enum kb_lang lang,
			struct kb_buf *out);

#endif
