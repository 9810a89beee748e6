/*
 * eval.h - the annual progress evaluation of the plan's KPIs.
 *
 * Status of a KPI for fiscal year Y, from its baseline b (year y0), its
 * current target T (year yT) and its latest figure v (year y <= Y):
 *
 *   achieved            v has reached T (in the KPI's direction)
 *   cannot assess       no figure after the baseline year
 *   otherwise, with the ratio r of actual to required progress:
 *   on track            r >= 0.95
 *   needs acceleration  0.60 <= r < 0.95
 *   limited progress    0 <= r < 0.60
 *   deteriorating       r < 0 (moved away from the target)
 *
 * Rules for r.  CAGR (default): r = ((v/b)^(1/(y-y0)) - 1) /
 * ((T/b)^(1/(yT-y0)) - 1), the actual compound annual growth rate over the
 * rate required to reach the target on time; it works for lower-is-better
 * KPIs too (both rates negative).  When b, T or v is zero or negative the
 * rate is undefined and the straight-line rule is used instead (noted).
 * Linear: r = (v - b) / (e - b), where e is the value on the straight line
 * from (y0, b) to (yT, T) at year y, held at T after yT.  Gaps in the years
 * are handled by using the latest figure and its own year.
 *
 * Roll-up: a measure's status is the median of the statuses of the KPIs
 * attached to it, a goal's the median over the KPIs of the goal and of its
 * measures, a vision's over all KPIs of its goals (a goal re-posted under a
 * second vision counts for both).  The median of an even number is the
 * worse of the two middle statuses; KPIs that cannot be assessed are left
 * out (all of them: cannot assess).  A goal or measure is behind when its
 * status is needs acceleration, limited progress or deteriorating; each
 * ministry follows up the actions it leads (◎) under goals or measures
 * that are behind.
 *
 * Freezing: an evaluation, once published, is frozen: its inputs and
 * results are stored as they were.  Loading it later gives the same
 * results whatever was edited since, together with the list of those
 * edits, so that nothing changes silently.
 *
 * Ownership: struct kb_eval owns copies of the plan and KPIs it evaluated;
 * kb_eval_release() frees everything.
 */
#ifndef KIBAN_EVAL_H
#define KIBAN_EVAL_H

#include <jansson.h>

#include "kiban/kpi.h"
#include "kiban/plan.h"

enum kb_status {
	KB_ST_ACHIEVED = 0,
	KB_ST_ON_TRACK,
	KB_ST_NEEDS_ACCEL,
	KB_ST_LIMITED,
	KB_ST_DETERIORATING,
	KB_ST_NO_DATA,
	KB_ST_COUNT
};

/* Thresholds of the ratio of actual to required progress. */
#define KB_ON_TRACK_RATIO 0.95
#define KB_ACCEL_RATIO	  0.60

const char *kb_status_key(enum kb_status s); /* "on_track" */
const char *kb_status_label(enum kb_status s, enum kb_lang lang);
int kb_status_parse(const char *key); /* -1 if unknown */
int kb_status_behind(enum kb_status s);

enum kb_eval_note {
	KB_NOTE_FALLBACK_LINEAR = 1 << 0, /* zero or negative values: linear */
	KB_NOTE_STALE = 1 << 1,	  /* latest figure older than the year */
	KB_NOTE_MISSING = 1 << 2, /* the year's figure is missing */
	KB_NOTE_PAST_TARGET_YEAR = 1 << 3, /* target year passed, not reached */
	KB_NOTE_REACHED_EARLY = 1 << 4,	   /* target reached before its year */
	KB_NOTE_RETARGETED = 1 << 5,	   /* the target has been revised */
};

struct kb_kpi_eval {
	enum kb_status status;
	enum kb_rule rule;  /* the rule applied (CAGR or linear) */
	unsigned notes;	    /* enum kb_eval_note bits */
	int latest_fy;	    /* year of the figure used; 0 when none */
	double latest;	    /* that figure */
	double ratio;	    /* actual / required progress; NAN if none */
	double actual_rate; /* CAGR rule: yearly rates; NAN otherwise */
	double required_rate;
	double expected; /* where the KPI should be in the evaluated year */
	double target;
	int target_fy;
};

/* Evaluates one KPI for fiscal year fy (rule used unless the KPI fixes
 * one).  Pure: no allocation, no I/O. */
void kb_kpi_evaluate(const struct kb_kpi *k, int fy, enum kb_rule rule,
		     struct kb_kpi_eval *out);

/* The value the KPI should have in year fy on the way from its baseline to
 * its current target under the rule (held at the target after its year). */
double kb_kpi_path(const struct kb_kpi *k, enum kb_rule rule, int fy);

/* One line explaining a KPI's status (what was compared), appended. */
void kb_kpi_eval_explain(const struct kb_kpi *k, const struct kb_kpi_eval *e,
			 enum kb_lang lang, struct kb_buf *out);

struct kb_rollup {
	enum kb_status status;
	unsigned count[KB_ST_COUNT];
};

/* The median status of the counted statuses (see above). */
enum kb_status kb_status_median(const unsigned count[KB_ST_COUNT]);

enum kb_change_kind {
	KB_CHG_KPI_ADDED,   /* a KPI defined after freezing */
	KB_CHG_KPI_REMOVED, /* a KPI of the frozen evaluation no longer exists */
	KB_CHG_TARGET,	    /* the current target differs */
	KB_CHG_VALUE,  /* a figure up to the year was added, changed, removed */
	KB_CHG_STATUS, /* the status would now be different */
};

struct kb_eval_change {
	enum kb_change_kind kind;
	char *kpi_id;
	int fy;		      /* KB_CHG_VALUE, KB_CHG_TARGET: year */
	int old_fy;	      /* KB_CHG_TARGET: old target year */
	int had_old, has_new; /* KB_CHG_VALUE: figure present before/now */
	int old_missing, new_missing;
	double old_value, new_value;
	enum kb_status old_status, new_status;
};

void kb_eval_change_describe(const struct kb_eval_change *c, enum kb_lang lang,
			     struct kb_buf *out);

struct kb_eval {
	int fy;
	enum kb_rule rule; /* the default rule (KPIs may fix their own) */
	struct kb_plan plan;
	struct kb_kpiset kpis;
	struct kb_kpi_eval *ke; /* one per KPI, same order */
	struct kb_rollup *visions, *goals, *measures; /* parallel to the plan */
	struct kb_rollup overall;
	char *computed_at;
	/* set when this is a frozen (published) evaluation */
	int frozen, version;
	char *frozen_at, *frozen_by, *note;
	struct kb_eval_change *changes; /* edits since freezing */
	size_t nchanges;
};

void kb_eval_init(struct kb_eval *ev);
void kb_eval_release(struct kb_eval *ev);

/* Drops the KPIs that belong to another plan than ev->plan (a database
 * may hold several plans). */
void kb_eval_keep_plan_kpis(struct kb_eval *ev);

/* Computes ke[] and the roll-ups from ev->plan, ev->kpis, ev->fy and
 * ev->rule.  Pure. */
void kb_eval_compute(struct kb_eval *ev);

/* Loads the plan and KPIs from the store and computes the evaluation. */
int kb_eval_live(struct kb_store *s, const char *plan_id, int fy,
		 enum kb_rule rule, time_t now, struct kb_eval *ev,
		 struct kb_err *err);

/*
 * Freezes a live evaluation: stores its inputs and results as version 1,
 * or as the next version when supersede is set (earlier versions stay).
 * KB_EEXISTS when the year is already frozen and supersede is not set.
 */
int kb_eval_freeze(struct kb_store *s, const struct kb_eval *ev,
		   const char *actor, const char *note, time_t now,
		   int supersede, int *version, struct kb_err *err);

/*
 * Loads a frozen evaluation (version 0 = the latest) and lists, in
 * ev->changes, what the live data now say differently.  KB_ENOTFOUND when
 * the year was never frozen.
 */
int kb_eval_load(struct kb_store *s, const char *plan_id, int fy, int version,
		 time_t now, struct kb_eval *ev, struct kb_err *err);

/* The frozen evaluation of fy if there is one, else the live one. */
int kb_eval_open(struct kb_store *s, const char *plan_id, int fy,
		 enum kb_rule rule, time_t now, struct kb_eval *ev,
		 struct kb_err *err);

struct kb_eval_info {
	int fy, version;
	char *rule, *frozen_at, *frozen_by, *note;
};

/* Lists the frozen evaluations, newest year first.  Caller frees with
 * kb_eval_infos_free(). */
int kb_eval_list(struct kb_store *s, struct kb_eval_info **out, size_t *n,
		 struct kb_err *err);
void kb_eval_infos_free(struct kb_eval_info *v, size_t n);

/* Everything about the evaluation, for scripts and for freezing. */
json_t *kb_eval_to_json(const struct kb_eval *ev);

/* Index of the KPIs attached to goal g or to its measures, in order;
 * returns their number and sets *idx (caller frees). */
size_t kb_eval_goal_kpis(const struct kb_eval *ev, size_t g, size_t **idx);

/* Does the action fall under a goal or measure that is behind? */
int kb_eval_action_behind(const struct kb_eval *ev, size_t action);

/* The actions that ministry m leads (◎) and that are behind, in plan
 * order; returns their number and sets *idx (caller frees). */
size_t kb_eval_followups(const struct kb_eval *ev, size_t m, size_t **idx);

#endif
