/*
 * match.h - the ranking engine of needs-seeds matching: Japanese and
 * English text normalized (Unicode NFKC and case folding), cut into terms
 * (character bigrams within runs of kanji, of katakana and of hiragana;
 * words within runs of letters and digits; optionally MeCab's words), and
 * ranked by BM25F over weighted fields.
 *
 * An index holds documents with the same fields (title, description,
 * keywords, ...), each with a weight.  A query is text; its distinct terms
 * are looked up, and every document that shares one is scored:
 *   sum over terms t of idf(t) * q(t) * tf'(t) / (k1 + tf'(t)),
 *   tf'(t) = sum over fields f of w_f * tf_f / (1 - b + b * len_f / avglen_f)
 *   q(t) = qtf (k3 + 1) / (k3 + qtf), qtf the times the query has t
 * with k1 = 1.2, b = 0.75, k3 = 8.
 * Each hit says which terms matched in which fields (as the text shows
 * them), so a ranking can be explained.  Ties go to the lower document.
 *
 * Ownership: the index owns copies of everything added; hits point into
 * the index's terms and stay valid until kb_match_index_free().
 */
#ifndef KIBAN_MATCH_H
#define KIBAN_MATCH_H

#include <stddef.h>

#include "kiban/buf.h"
#include "kiban/error.h"

/* Normalizes UTF-8 text (NFKC, case folding) into out; KB_EINVALID (with
 * the byte offset in *bad) when text is not valid UTF-8. */
int kb_match_normalize(const char *text, struct kb_buf *out, size_t *bad);

/* The terms of text, NUL-separated in out (for tests and explanations);
 * their number, or -1 when text is not valid UTF-8. */
long kb_match_terms(const char *text, int mecab, struct kb_buf *out);

/* Whether MeCab and a dictionary can be used on this machine. */
int kb_match_mecab_available(void);

struct kb_match_field {
	const char *name; /* for explanations: "title", "description" */
	double weight;
};

struct kb_match_index;

/* A new index over nfields fields (at most 8); mecab adds MeCab's words
 * as terms when available. */
struct kb_match_index *kb_match_index_new(const struct kb_match_field *f,
					  size_t nfields, int mecab);
void kb_match_index_free(struct kb_match_index *ix);

/* Adds a document: text[i] for field i (NULL or "" when empty).  Returns
 * its number (0, 1, ...), or -1 when a text is not valid UTF-8. */
long kb_match_index_add(struct kb_match_index *ix, const char *const *text);

/* Documents added so far. */
size_t kb_match_index_size(const struct kb_match_index *ix);

struct kb_match_hit {
	size_t doc;
	double score;
};

/*
 * The k best documents for text, best first, into hits (room for k);
 * keep, if not NULL, says which documents may be returned (1) and may
 * multiply the score by boost[doc] (bounded boosts from structured
 * fields; NULL: 1).  Returns the number of hits.
 */
size_t kb_match_search(struct kb_match_index *ix, const char *text,
		       const unsigned char *keep, const double *boost, size_t k,
		       struct kb_match_hit *hits);

/* Appends why doc matches text: the shared terms with their fields, most
 * weight first, at most max of them ("心不 (title, description), ..."). */
void kb_match_explain(struct kb_match_index *ix, const char *text, size_t doc,
		      size_t max, struct kb_buf *out);

/* ---- the registry (the store's match_org, need, seed, cases) ----
 *
 * Organisations take part as clinical sites, academia, companies (with or
 * without a marketing-authorisation licence), ventures and support bodies.
 * A need or seed is 'open' (everyone), 'members' (member organisations)
 * or 'nda' (its owner and the organisations named for it).  Every reading
 * function takes the organisation acting (its id; NULL: the registry's
 * administrator, who sees everything) and never returns what it may not
 * see; asking for such a thing by id is refused (KB_EDENIED).
 */
#include <jansson.h>

#include "kiban/csv.h"
#include "kiban/import.h"
#include "kiban/store.h"

enum kb_match_kind {
	KB_MATCH_NEED,
	KB_MATCH_SEED,
	KB_MATCH_COMPANY, /* companies and ventures */
	KB_MATCH_SUPPORT, /* support bodies */
	KB_MATCH_ORG,	  /* every organisation (import, export) */
	KB_MATCH_NDA,	  /* who may see what is under NDA (import) */
};

/* "need", "seed", "company", "support", "org", "nda"; -1 if unknown. */
int kb_match_kind_parse(const char *s);

/* One need, seed, company, support body or organisation of any kind
 * (kind) as the organisation as may see it: KB_ENOTFOUND, or KB_EDENIED
 * when as may not see it. */
int kb_match_get(struct kb_store *s, const char *as, enum kb_match_kind kind,
		 const char *id, json_t **out, struct kb_err *err);

/* What id names: KB_MATCH_NEED, KB_MATCH_SEED or KB_MATCH_COMPANY (a
 * company or venture); KB_ENOTFOUND (recorded) when none. */
int kb_match_kind_of(struct kb_store *s, const char *id, struct kb_err *err);

/* Imports the registry of kind from CSV or JSON: all or nothing, every
 * problem with its line, column and field. */
int kb_match_import(struct kb_store *s, enum kb_match_kind kind,
		    struct kb_csv *c, const struct kb_import_opts *o,
		    struct kb_import_stats *st, struct kb_err *err);

/*
 * Registers one need or seed for organisation as (NULL: the administrator,
 * and fields name the org) from fields, an object with the import's
 * columns (other keys are ignored).  Without an id one is made (N0061,
 * S0301...); an id already held is KB_EEXISTS.  Its id goes to id (room
 * for idlen).  Each problem names its field; nothing is written then.
 * With o->only_org set, kb_match_import() likewise takes the needs, seeds
 * and NDA rows of that organisation only (KB_EDENIED for another's).
 */
int kb_match_add(struct kb_store *s, const char *as, enum kb_match_kind kind,
		 const json_t *fields, const char *actor, time_t now, char *id,
		 size_t idlen, struct kb_err *err);

/* Organisation as says what it can do: fields may hold its capability (in
 * words), its clinical areas and, for a support body, its support types
 * (the import's columns; the rest of its row is the administrator's). */
int kb_match_profile(struct kb_store *s, const char *as, const json_t *fields,
		     const char *actor, time_t now, struct kb_err *err);

/* The registry of kind as the organisation as may see it: a JSON array
 * of objects with the import's columns. */
int kb_match_export(struct kb_store *s, const char *as, enum kb_match_kind kind,
		    json_t **out, struct kb_err *err);

/*
 * The best limit matches of the need or seed id (from) among the targets
 * of kind to (need -> seed, need -> company, seed -> support, seed ->
 * need, company -> need), as the organisation as may see them.  A JSON
 * array, best first: rank, id, name, org, score, why (the shared words
 * and their fields) and boosts (same clinical area; a licence for class
 * III and IV; support that fits the seed's readiness).
 */
int kb_match_rank(struct kb_store *s, const char *as, enum kb_match_kind from,
		  const char *id, enum kb_match_kind to, size_t limit,
		  int mecab, json_t **out, struct kb_err *err);

/* Records that need matched seed (as: the owner of either, or NULL). */
int kb_match_link(struct kb_store *s, const char *as, const char *need,
		  const char *seed, const char *actor, time_t now,
		  struct kb_err *err);

/* The phases of a venture's way to market, in order. */
extern const char *const kb_case_phases[8];
int kb_case_phase_parse(const char *s); /* key or Japanese; -1 if neither */
const char *kb_case_phase_label(int phase, enum kb_lang lang);

/* Opens a consultation case of the support body for the venture; its
 * number in *id.  as must be the support body (or NULL). */
int kb_case_open(struct kb_store *s, const char *as, const char *venture,
		 const char *support, const char *title, const char *phase,
		 const char *topics, const char *actor, time_t now, long *id,
		 struct kb_err *err);

/* Adds to case id: kind "meeting" (text), "phase" (phase, text),
 * "action" (text, due YYYY-MM-DD), "done" (text: the action's event
 * number), "outcome" (text; closes the case).  as: one of its parties. */
int kb_case_event(struct kb_store *s, const char *as, long id, const char *kind,
		  const char *phase, const char *text, const char *due,
		  const char *actor, time_t now, struct kb_err *err);

/* The cases as may see (its own), or one case with its events. */
int kb_case_list(struct kb_store *s, const char *as, json_t **out,
		 struct kb_err *err);
int kb_case_show(struct kb_store *s, const char *as, long id, json_t **out,
		 struct kb_err *err);

/*
 * The figures offered to the plan's KPIs, for fiscal year fy (April to
 * March, Japan's time; 0: all time): matches recorded, needs registered,
 * needs first matched, ventures supported by a case open in the year,
 * ventures that reached launch (crossed 死の谷) in it, and the median
 * days from a need to its first match (null when none).
 */
int kb_match_kpi(struct kb_store *s, int fy, json_t **out, struct kb_err *err);

/* The names of kb_match_kpi()'s figures, NULL-ended. */
extern const char *const kb_match_kpi_figures[];

#endif
