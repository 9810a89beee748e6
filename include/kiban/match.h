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
 *   sum over terms t of idf(t) * tf'(t) / (k1 + tf'(t)),
 *   tf'(t) = sum over fields f of w_f * tf_f / (1 - b + b * len_f / avglen_f)
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

#endif
