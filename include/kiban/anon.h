/*
 * anon.h - the medical-data bank's anonymizer: a table of records in, a
 * release that satisfies the chosen privacy models out, with the least
 * information lost over the full-domain generalizations of the lattice.
 *
 * The steps: kb_anon_config_*() reads the configuration (each column's
 * role, each quasi-identifier's hierarchy, the privacy models, the
 * suppression limit, the metric), kb_anon_read() reads the records and
 * encodes them (every value of a quasi-identifier must be in its
 * hierarchy), kb_anon_search() finds the transformation, kb_anon_write()
 * writes the release and kb_anon_check() checks a release (this one or
 * one received) against the models by grouping its text, independently
 * of the search, and measures the re-identification risk that remains.
 *
 * Search: the lattice of transformations (one generalization level per
 * quasi-identifier) is classified with Flash's strategy (binary search on
 * paths, predictive tagging up and down) where the models are monotonic,
 * and the optimum is found among the anonymous nodes with lower bounds;
 * every node's classes are rolled up from the classes of a more specific
 * node already evaluated.  A lattice larger than max_nodes is searched
 * greedily from the top, and the result says it is not proven optimal.
 * docs/anon-format.md defines the configuration, the metrics and the
 * risk figures.
 *
 * Ownership: struct kb_anon owns everything it points at; kb_anon_free().
 */
#ifndef KIBAN_ANON_H
#define KIBAN_ANON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "kiban/buf.h"
#include "kiban/csv.h"
#include "kiban/error.h"

enum kb_anon_role {
	KB_ANON_IDENTIFYING, /* removed from the release */
	KB_ANON_QUASI,	     /* generalized */
	KB_ANON_SENSITIVE, /* kept; what l-diversity and t-closeness protect */
	KB_ANON_INSENSITIVE, /* kept as it is */
};

enum kb_anon_model_kind {
	KB_ANON_K,	     /* every class at least k records */
	KB_ANON_L_DISTINCT,  /* at least l distinct sensitive values */
	KB_ANON_L_ENTROPY,   /* entropy of the sensitive values >= log l */
	KB_ANON_L_RECURSIVE, /* (c,l): r1 < c (r_l + ... + r_m) */
	KB_ANON_T_EQUAL,     /* EMD with equal ground distance <= t */
	KB_ANON_T_HIERARCHY, /* EMD with hierarchical ground distance */
	KB_ANON_T_ORDERED,   /* EMD with ordered distance (numbers) */
};

enum kb_anon_metric {
	KB_ANON_ENTROPY, /* non-uniform entropy (bits) */
	KB_ANON_LOSS,	 /* Iyengar's loss, 0..1 */
	KB_ANON_DISCERNIBILITY,
	KB_ANON_AECS,	   /* average equivalence class size */
	KB_ANON_PRECISION, /* Sweeney's precision loss, 0..1 */
};

enum kb_anon_strategy {
	KB_ANON_AUTO,	    /* optimal search, greedy past max_nodes */
	KB_ANON_EXHAUSTIVE, /* every node evaluated from the records' classes */
	KB_ANON_GREEDY,	    /* top-down greedy, not proven optimal */
};

/* A generalization hierarchy: level 0 the values, the last most general. */
struct kb_anon_hier {
	unsigned nlevels;
	size_t *nlabels; /* [level] distinct labels */
	char ***labels;	 /* [level][id] */
	uint32_t **map;	 /* [level][value id] -> label id at that level */
	uint32_t **up;	 /* [a * nlevels + b], a < b: label at a -> at b */
	size_t **leaves; /* [level][id] values under the label */
	void *index;	 /* value -> id */
};

struct kb_anon_model {
	enum kb_anon_model_kind kind;
	double k, l, c, t;
	size_t attr; /* the sensitive attribute's column (l and t) */
};

struct kb_anon_attr {
	char *name;
	enum kb_anon_role role;
	struct kb_anon_hier *hier; /* quasi; sensitive with hierarchical t */
	json_t *spec;		   /* the hierarchy as configured */
	int numeric_order;	   /* ordered t-closeness: values as numbers */
};

struct kb_anon {
	enum kb_lang lang;
	/* configuration */
	char *config_name, *dir; /* hierarchy files are relative to dir */
	struct kb_anon_attr *attr;
	size_t nattr;
	struct kb_anon_model *model;
	size_t nmodel, alloc_model;
	double suppression; /* fraction of the records that may be removed */
	enum kb_anon_metric metric;
	/* the records: column ci of record r is id cell[r * nattr + ci] in
	 * the column's dictionary (for a quasi-identifier, its hierarchy's
	 * value id); identifying columns are not kept */
	char *data_name;
	char delim;
	size_t nrows;
	uint32_t *cell;
	char ***dict; /* [column][id] for the other kept columns */
	size_t *ndict;
	size_t *qi, nqi; /* the quasi-identifiers' columns, in order */
	size_t *sens, nsens;
};

struct kb_anon_result {
	int found;	  /* a transformation satisfies the models */
	int optimal;	  /* proven optimal (not greedy) */
	unsigned *levels; /* [nqi] */
	double loss;
	double loss_arx;   /* the same transformation's loss as ARX 3.9 reports
			      it (docs/anon-format.md) */
	size_t suppressed; /* records removed */
	size_t classes;	   /* classes released */
	/* the search */
	uint64_t lattice;  /* nodes (0 when too large to count) */
	size_t checked;	   /* nodes whose classes were computed */
	size_t peak_bytes; /* the search's own memory at its peak */
	double seconds;
	enum kb_anon_strategy strategy;
};

struct kb_anon_search_opts {
	enum kb_anon_strategy strategy;
	uint64_t max_nodes; /* 0: 1,000,000 */
	/* exhaustive only: evaluate this many nodes spread over the lattice
	 * and report the time the whole would take (benchmarks) */
	size_t sample;
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
};

struct kb_anon *kb_anon_new(enum kb_lang lang);
void kb_anon_free(struct kb_anon *a);

/* The configuration from a JSON file, or from text (name for messages,
 * dir for hierarchy files).  Returns 0, KB_EIO, KB_EPARSE, KB_EINVALID. */
int kb_anon_config_file(struct kb_anon *a, const char *path, struct kb_err *err);
int kb_anon_config_text(struct kb_anon *a, const char *name, const char *json,
			const char *dir, struct kb_err *err);

/* Names for the command line and the report; -1 if unknown. */
int kb_anon_metric_parse(const char *s);
const char *kb_anon_metric_name(enum kb_anon_metric m);

/* Reads the records from an open CSV (its header names the columns; the
 * separator is sniffed), builds the hierarchies and encodes the table.
 * Every problem is reported; nothing is kept on failure. */
int kb_anon_read(struct kb_anon *a, struct kb_csv *c, struct kb_err *err);

/* Bytes of the encoded table (records x kept columns x 4). */
size_t kb_anon_table_bytes(const struct kb_anon *a);

int kb_anon_search(struct kb_anon *a, const struct kb_anon_search_opts *o,
		   struct kb_anon_result *r, struct kb_err *err);
void kb_anon_result_release(struct kb_anon_result *r);

/* The records at r's levels, without the suppressed ones and the
 * identifying columns, as CSV with the input's separator (suppress = 0:
 * every record, for a population). */
void kb_anon_write(const struct kb_anon *a, const unsigned *levels,
		   int suppress, struct kb_buf *out);

/* A check of a release: its classes against the models, and the risk. */
struct kb_anon_check {
	size_t records, classes;
	size_t failing_classes, failing_records;
	const char *first_failure; /* the first model a class fails, or NULL */
	size_t min_class;
	double prosecutor_max, prosecutor_avg;
	double journalist_max, journalist_avg;
	double marketer;
	double threshold;
	size_t above_threshold; /* records with prosecutor risk above it */
	size_t sizes[9][2];	/* classes and records by size band */
};

/* The class-size bands of kb_anon_check.sizes: 1, 2, 3-4, 5-9, 10-19,
 * 20-49, 50-99, 100-999, 1000 and more. */
extern const char *const kb_anon_size_bands[9];

/*
 * Checks the release in csv against a's models (a holds a configuration;
 * its records, if read, give t-closeness its reference distribution, else
 * the release's own does).  pop, if not NULL, is the population
 * generalized the same way, for the journalist and marketer risks.
 * Returns 0 with the findings in *out (satisfied when failing_classes is
 * 0), or an error for a release that cannot be read.
 */
int kb_anon_check(const struct kb_anon *a, struct kb_csv *csv,
		  struct kb_csv *pop, double threshold,
		  struct kb_anon_check *out, struct kb_err *err);

/* The report as JSON: the transformation, the loss, the search, and the
 * check of the release (check may be NULL). */
json_t *kb_anon_report(const struct kb_anon *a, const struct kb_anon_result *r,
		       const struct kb_anon_check *check);
json_t *kb_anon_check_json(const struct kb_anon_check *c);

/* For the exhaustive comparison in tests: the loss of one node and whether
 * it satisfies the models, evaluated from the records' classes. */
int kb_anon_node(struct kb_anon *a, const unsigned *levels, double *loss);

#endif
