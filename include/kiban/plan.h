/*
 * plan.h - the Basic Plan as data: visions, goals, measures, actions with
 * their ministries (◎ = lead), priority areas and platforms.
 *
 * The plan file is one CSV table, one row per item (docs/plan-format.md);
 * data/plan2.csv is the 2nd Basic Plan.  Reading it checks everything a
 * plan must satisfy (known kinds and ministries, unique ids, parents that
 * exist and are of the right kind, every action with a lead ministry, ...)
 * and reports every problem with its file:line:column before anything is
 * written.
 *
 * In memory, items refer to each other by index into the plan's arrays.
 * A goal may belong to several visions (the plan re-posts two goals under
 * its third vision): it is one goal listed by each vision.
 *
 * Ownership: a struct kb_plan owns all its strings and arrays;
 * kb_plan_release() frees them and leaves an empty plan.
 */
#ifndef KIBAN_PLAN_H
#define KIBAN_PLAN_H

#include <jansson.h>
#include <stddef.h>

#include "kiban/csv.h"
#include "kiban/error.h"
#include "kiban/lang.h"
#include "kiban/store.h"

struct kb_ministry {
	char *code; /* the plan's abbreviation: 厚, 経, 文, 内, 内官, 総 */
	char *name_ja, *name_en;
	char *abbr; /* English abbreviation: MHLW, METI, ... */
};

struct kb_vision {
	char *id, *name_ja, *name_en;
	size_t *goals; /* indices into plan->goals, in the plan's order */
	size_t ngoals;
};

struct kb_goal {
	char *id, *name_ja, *name_en;
	size_t vision; /* the vision it is first posted under */
};

struct kb_measure {
	char *id, *name_ja, *name_en;
	size_t goal;
};

struct kb_action_ministry {
	size_t ministry; /* index into plan->ministries */
	int lead;	 /* 1 for ◎ */
};

struct kb_action {
	char *id;
	char *text_ja; /* the action as written in the plan */
	char *text_en; /* an English summary */
	size_t measure;
	struct kb_action_ministry *min;
	size_t nmin;
};

struct kb_area { /* a priority area (重点分野) */
	char *id, *name_ja, *name_en;
	size_t measure;
};

struct kb_platform { /* a platform (プラットフォーム) and what it serves */
	char *id, *name_ja, *name_en;
	size_t measure;
	char **related; /* goal or measure ids */
	size_t nrelated;
};

struct kb_plan {
	char *id, *name_ja, *name_en, *abbr;
	int fy_from, fy_to;
	struct kb_ministry *ministries;
	size_t nministries;
	struct kb_vision *visions;
	size_t nvisions;
	struct kb_goal *goals;
	size_t ngoals;
	struct kb_measure *measures;
	size_t nmeasures;
	struct kb_action *actions;
	size_t nactions;
	struct kb_area *areas;
	size_t nareas;
	struct kb_platform *platforms;
	size_t nplatforms;
};

void kb_plan_init(struct kb_plan *p);
void kb_plan_release(struct kb_plan *p);

/*
 * Reads and validates a plan file from an opened CSV.  Returns 0, or
 * KB_EINVALID / KB_EPARSE with every problem in err; on failure the plan
 * is left empty.
 */
int kb_plan_read_csv(struct kb_plan *p, struct kb_csv *c, struct kb_err *err);
int kb_plan_read_file(struct kb_plan *p, const char *path, enum kb_encoding enc,
		      struct kb_err *err);

/* Writes the plan in the plan-file format (round-trips with read). */
void kb_plan_write_csv(const struct kb_plan *p, struct kb_buf *out, int bom);

/*
 * Writes the plan into the store in one transaction, replacing a plan with
 * the same id.  Fails, writing nothing, if an id belongs to another plan or
 * a KPI refers to a goal or measure that the new plan no longer has.
 */
int kb_plan_import(struct kb_store *s, const struct kb_plan *p,
		   const char *source, const char *actor, time_t now,
		   struct kb_err *err);

/*
 * Loads a plan from the store: plan_id, or when NULL the plan with the
 * latest fy_from.  KB_ENOTFOUND if there is none.
 */
int kb_plan_load(struct kb_store *s, const char *plan_id, struct kb_plan *p,
		 struct kb_err *err);

/* The plan as a JSON tree (visions list goal ids; goals hold measures,
 * measures hold actions, areas and platforms).  Caller owns the result. */
json_t *kb_plan_to_json(const struct kb_plan *p);
/* The inverse, for frozen snapshots.  0 or KB_EPARSE. */
int kb_plan_from_json(struct kb_plan *p, json_t *j, struct kb_err *err);

/* Lookups by id; KB_NONE when absent.  A ministry matches its code or
 * its English abbreviation (case-insensitive). */
size_t kb_plan_goal(const struct kb_plan *p, const char *id);
size_t kb_plan_measure(const struct kb_plan *p, const char *id);
size_t kb_plan_ministry(const struct kb_plan *p, const char *code);

/* Whether the ministry (code or abbreviation) takes part in an action of
 * the goal or measure (one of the ids may be NULL): whose staff may enter
 * the figures of a KPI posted there. */
int kb_plan_ministry_in(const struct kb_plan *p, const char *goal_id,
			const char *measure_id, const char *ministry);

/* "◎厚、経" for an action, appended to out. */
struct kb_buf;
void kb_action_ministries(const struct kb_plan *p, const struct kb_action *a,
			  struct kb_buf *out);

#endif
