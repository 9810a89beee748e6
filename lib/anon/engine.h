/*
 * engine.h - the anonymizer's evaluation engine, shared by engine.c (the
 * node tables and their evaluation against the models and the metric) and
 * lattice.c (the search over the lattice of nodes).  Internal.
 *
 * A node gives each quasi-identifier a level of its hierarchy; its table
 * is the packed keys (value ids, then the sensitive values) and counts of
 * its equivalence classes.  struct engine holds the encoded records, the
 * cache of recent tables, the losses per level and the scratch of one
 * evaluation.
 */
#ifndef KB_ANON_ENGINE_H
#define KB_ANON_ENGINE_H

#include "anon_int.h"

struct col {
	unsigned word, shift;
	uint64_t mask;
	const struct kb_anon_hier *h; /* NULL for a sensitive column */
	size_t ci;
};

struct table {
	unsigned *lv;
	size_t n;
	uint64_t *key; /* n * W */
	uint32_t *cnt;
	size_t bytes;
	unsigned long used;
};

struct engine {
	const struct kb_anon *a;
	size_t nq, ns, N, max_supp;
	struct col *q, *s;
	unsigned W, Wq;
	unsigned *nlev;
	double k;
	int cheap; /* the metric has a lower bound from the levels alone */
	struct kb__anon_sdom *dom; /* [ns] */
	size_t *model_s; /* [nmodel]: its sensitive column, or KB_NONE */
	double **lb;	 /* [nq][level] */
	double ***supp;	 /* [nq][level][label] a suppressed record's extra */
	struct table *bottom;
	struct table **cache;
	size_t ncache, cache_bytes, budget;
	uint32_t *slot;
	size_t nslot;
	struct slot1 *slot1; /* one-word keys: the key and count in the slot */
	size_t nslot1;
	/* evaluation scratch, as large as the bottom table */
	uint32_t *cls, *csize, *cstart, *corder, *rep;
	uint32_t **hc; /* [ns][value] counts of the class at hand */
	uint32_t *hv, *hn;
	size_t bytes, peak;
	unsigned long tick;
	size_t checked;
};

struct slot1 {
	uint64_t key;
	uint64_t cnt; /* 0: empty */
};

struct eval {
	int anon;
	double loss;
	size_t classes, supp;
	double dm, extra; /* sums for the metrics while classes are counted */
};

/* Encodes the records of a into the bottom table, the losses and the
 * domains of the sensitive attributes; and frees it all. */
void kb__anon_engine_init(struct engine *e, const struct kb_anon *a);
void kb__anon_engine_free(struct engine *e);

/* Evaluates node lv, its table from the cache (use_cache) or the bottom. */
struct eval kb__anon_eval_node(struct engine *e, const unsigned *lv,
			       int use_cache);

/* The loss of node lv's generalization alone: a lower bound of its loss
 * when the metric has one (e->cheap). */
static inline double kb__anon_lower_bound(const struct engine *e,
					  const unsigned *lv)
{
	double s = 0;
	size_t j;
	for (j = 0; j < e->nq; j++)
		s += e->lb[j][lv[j]];
	return s;
}

/* Counts delta bytes against the search's memory (its peak). */
void kb__anon_mem(struct engine *e, long long delta);

/* The figures of the release at r->levels: suppressed records, classes,
 * ARX's loss. */
void kb__anon_release_figures(struct engine *e, struct kb_anon_result *r);

#endif
