/*
 * kpi.h - key performance indicators of the plan and their yearly values.
 *
 * A KPI measures a goal or a measure of the plan.  It has a baseline
 * (value, fiscal year) and a target (value, fiscal year); a revised target
 * does not overwrite the old one: the targets are kept in the order they
 * were set, each with its date and reason, and the last one is current.
 *
 * An observation is the figure of one fiscal year.  A figure that is not
 * available is recorded as missing (with a comment saying why), which is a
 * state of its own and never a zero.  Replacing a figure keeps the old one
 * in the history.
 *
 * File formats: docs/kpi-format.md.  Ownership: a struct kb_kpiset owns
 * its KPIs and everything in them; kb_kpiset_release() frees it all.
 */
#ifndef KIBAN_KPI_H
#define KIBAN_KPI_H

#include <jansson.h>

#include "kiban/csv.h"
#include "kiban/error.h"
#include "kiban/import.h"
#include "kiban/store.h"

enum kb_direction {
	KB_HIGHER = 1, /* higher is better */
	KB_LOWER = -1, /* lower is better */
};

enum kb_rule {
	KB_RULE_DEFAULT = 0, /* the evaluation's rule */
	KB_RULE_CAGR,	     /* ratio of compound annual growth rates */
	KB_RULE_LINEAR,	     /* progress along the straight line */
};

/* "cagr" / "linear"; parse returns -1 for anything else ("" is DEFAULT). */
const char *kb_rule_key(enum kb_rule r);
int kb_rule_parse(const char *s);

struct kb_target {
	double value;
	int fy;
	char *set_at; /* ISO 8601 */
	char *set_by;
	char *reason;
};

struct kb_obs {
	int fy;
	int missing; /* 1: the figure is not available (value unused) */
	double value;
	char *source, *comment;
	char *entered_by, *entered_at;
};

struct kb_kpi {
	char *id, *name_ja, *name_en;
	char *unit_ja, *unit_en;
	int direction; /* KB_HIGHER or KB_LOWER */
	char *goal_id; /* exactly one of goal_id, measure_id */
	char *measure_id;
	double base_value;
	int base_fy;
	struct kb_target *targets; /* oldest first; the last is current */
	size_t ntargets;
	char *source;
	char *periodicity;  /* annual, biennial, triennial, irregular */
	enum kb_rule rule;  /* KB_RULE_DEFAULT unless fixed for this KPI */
	int decimals;	    /* digits shown; -1 = as entered */
	struct kb_obs *obs; /* ascending fiscal year, one per year */
	size_t nobs;
};

struct kb_kpiset {
	struct kb_kpi *v;
	size_t n, alloc;
};

void kb_kpiset_release(struct kb_kpiset *set);
void kb_kpi_release(struct kb_kpi *k);

static inline const struct kb_target *kb_kpi_target(const struct kb_kpi *k)
{
	return k->ntargets ? &k->targets[k->ntargets - 1] : NULL;
}

/* The observation of fiscal year fy, or NULL. */
const struct kb_obs *kb_kpi_obs(const struct kb_kpi *k, int fy);

/*
 * Imports KPI definitions (docs/kpi-format.md) against the plan in the
 * store: new KPIs are added, known ones updated; a changed target needs a
 * reason (column target_reason) and is added to the KPI's target history.
 */
int kb_kpi_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err);

/* Imports yearly values; a value of NA (欠測) records a missing figure. */
int kb_obs_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err);

/* Sets one figure (missing=1 records it as not available). */
int kb_obs_set(struct kb_store *s, const char *kpi_id, int fy, int missing,
	       double value, const char *source, const char *comment,
	       const char *actor, time_t now, struct kb_err *err);

/* Revises the target of a KPI, keeping the previous one. */
int kb_kpi_retarget(struct kb_store *s, const char *kpi_id, double value,
		    int fy, const char *reason, const char *actor, time_t now,
		    struct kb_err *err);

/* Loads every KPI with its targets and observations, in file order. */
int kb_kpi_load(struct kb_store *s, struct kb_kpiset *out, struct kb_err *err);

/* JSON of a KPI (definition, targets, observations) and back. */
json_t *kb_kpi_to_json(const struct kb_kpi *k);
int kb_kpi_from_json(struct kb_kpi *k, json_t *j, struct kb_err *err);

/* CSV in the import formats (round-trip). */
void kb_kpi_write_csv(const struct kb_kpiset *set, struct kb_buf *out, int bom);
void kb_obs_write_csv(const struct kb_kpiset *set, const char *kpi_id,
		      struct kb_buf *out, int bom);

#endif
