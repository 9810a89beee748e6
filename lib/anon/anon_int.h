/*
 * anon_int.h - what the anonymizer's files share (internal).
 */
#ifndef KB_ANON_INT_H
#define KB_ANON_INT_H

#include "kiban/anon.h"

/* Where each distinct value of a column first appears in the data. */
struct kb__anon_values {
	const char *file, *field;
	char **v;
	size_t n;
	unsigned *line, *col;
};

/* A hierarchy from a file in the common format (value;level 1;...;most
 * general, one row per value), located by the configuration at cfg_line. */
int kb__hier_file(const char *path, char delim, enum kb_lang lang,
		  struct kb_anon_hier **out, struct kb_err *err);

/* A hierarchy built by spec ({"intervals": ...}, {"dates": ...},
 * {"mask": ...}, {"groups": ...}) over the column's distinct values. */
int kb__hier_build(const json_t *spec, const char *cfg, const char *attr,
		   const struct kb__anon_values *vals,
		   struct kb_anon_hier **out, struct kb_err *err);

void kb__hier_free(struct kb_anon_hier *h);

/* The id of a value at level 0, or KB_NONE. */
size_t kb__hier_find(const struct kb_anon_hier *h, const char *value);

/* l-diversity and t-closeness over one class's sensitive values: vals[i]
 * appears cnt[i] times (n distinct, size in all).  ref is the reference
 * distribution over the attribute's domain (ndom values, summing to 1),
 * rank the order of each value (ordered distance), h the hierarchy
 * (hierarchical distance).  Returns 1 when the class passes. */
struct kb__anon_sdom {
	size_t ndom;
	double *ref;
	uint32_t *rank; /* value id -> position in the order */
	const struct kb_anon_hier *h;
	double *scratch; /* ndom * (levels + 1) */
};

int kb__anon_class_ok(const struct kb_anon_model *m, const uint32_t *vals,
		      const uint32_t *cnt, size_t n, size_t size,
		      const struct kb__anon_sdom *d);

/* The positions of the values in numeric order (rank[i] for txt[i]);
 * KB_NONE, or the index of the first text that is not a number. */
size_t kb__anon_rank(const char *const *txt, size_t n, uint32_t *rank);

/* A model kind's name: "k-anonymity", "entropy l-diversity", ... */
const char *kb__anon_model_label(enum kb_anon_model_kind k);

/* The model's name, for reports ("k-anonymity (k=5)"). */
void kb__anon_model_name(const struct kb_anon_model *m, struct kb_buf *out);

double kb__anon_now(void);

#endif
