/*
 * index.c - an inverted index with BM25F ranking (Robertson and Zaragoza
 * 2009): each term's postings (document, field, count) in document order,
 * the length of each field of each document, and a query that walks the
 * postings of its distinct terms.
 */
#include "core/compat.h"

#include "core/strmap.h"
#include "kiban/match.h"

#define MAXF 8
#define K1   1.2
#define B    0.75
#define K3   8.0 /* Robertson's usual value, not tuned on the judged set */

struct post {
	uint32_t doc;
	uint16_t tf;
	uint8_t field;
};

struct term {
	char *text;
	struct post *p;
	size_t n, alloc;
	size_t df; /* documents */
};

struct kb_match_index {
	size_t nf;
	char *fname[MAXF];
	double w[MAXF];
	int mecab;
	struct kb__strmap map;
	struct term *t;
	size_t nt, at;
	uint32_t *len; /* [doc * nf + field] terms */
	size_t ndocs, adocs;
	double avglen[MAXF];
	double sumlen[MAXF];
	/* query scratch */
	double *score; /* zero between queries */
	uint32_t *scored;
	size_t nscore;
};

struct kb_match_index *kb_match_index_new(const struct kb_match_field *f,
					  size_t nfields, int mecab)
{
	struct kb_match_index *ix = kb_calloc(1, sizeof(*ix));
	size_t i;
	ix->nf = nfields > MAXF ? MAXF : nfields;
	for (i = 0; i < ix->nf; i++) {
		ix->fname[i] = kb_strdup(f[i].name);
		ix->w[i] = f[i].weight;
	}
	ix->mecab = mecab && kb_match_mecab_available();
	kb__strmap_init(&ix->map);
	return ix;
}

void kb_match_index_free(struct kb_match_index *ix)
{
	size_t i;
	if (!ix)
		return;
	for (i = 0; i < ix->nt; i++) {
		free(ix->t[i].text);
		free(ix->t[i].p);
	}
	for (i = 0; i < ix->nf; i++)
		free(ix->fname[i]);
	kb__strmap_release(&ix->map);
	free(ix->t);
	free(ix->len);
	free(ix->score);
	free(ix->scored);
	free(ix);
}

size_t kb_match_index_size(const struct kb_match_index *ix)
{
	return ix->ndocs;
}

static size_t term_id(struct kb_match_index *ix, const char *s)
{
	size_t id = kb__strmap_get(&ix->map, s);
	if (id != KB_NONE)
		return id;
	KB_ALLOC_GROW(ix->t, ix->nt + 1, ix->at);
	memset(&ix->t[ix->nt], 0, sizeof(ix->t[0]));
	ix->t[ix->nt].text = kb_strdup(s);
	kb__strmap_put(&ix->map, ix->t[ix->nt].text, ix->nt);
	return ix->nt++;
}

long kb_match_index_add(struct kb_match_index *ix, const char *const *text)
{
	struct kb_buf terms[MAXF];
	long nterms[MAXF];
	uint32_t doc = (uint32_t)ix->ndocs;
	size_t f;
	int bad = 0;

	/* every text's terms first, so that a bad one adds nothing */
	for (f = 0; f < ix->nf; f++) {
		kb_buf_init(&terms[f], 0);
		nterms[f] = kb_match_terms(text[f], ix->mecab, &terms[f]);
		bad |= nterms[f] < 0;
	}
	if (bad) {
		for (f = 0; f < ix->nf; f++)
			kb_buf_release(&terms[f]);
		return -1;
	}
	KB_ALLOC_GROW(ix->len, (ix->ndocs + 1) * ix->nf, ix->adocs);
	for (f = 0; f < ix->nf; f++) {
		long n = nterms[f], i;
		const char *s;
		ix->len[doc * ix->nf + f] = (uint32_t)n;
		ix->sumlen[f] += (double)n;
		for (i = 0, s = terms[f].buf; i < n; i++, s += strlen(s) + 1) {
			size_t id = term_id(ix, s); /* may move ix->t */
			struct term *t = &ix->t[id];
			struct post *last = t->n ? &t->p[t->n - 1] : NULL;
			if (last && last->doc == doc && last->field == f) {
				if (last->tf < UINT16_MAX)
					last->tf++;
				continue;
			}
			if (!last || last->doc != doc)
				t->df++;
			KB_ALLOC_GROW(t->p, t->n + 1, t->alloc);
			t->p[t->n++] = (struct post){ .doc = doc,
						      .tf = 1,
						      .field = (uint8_t)f };
		}
		kb_buf_release(&terms[f]);
	}
	ix->ndocs++;
	for (f = 0; f < ix->nf; f++)
		ix->avglen[f] = ix->sumlen[f] / (double)ix->ndocs;
	return (long)doc;
}

/* The query's distinct terms that the index has, as term ids, and the
 * weight of each: qtf (K3 + 1) / (K3 + qtf), BM25's for a term the query
 * repeats (a need says what matters to it more than once). */
static size_t query_terms(struct kb_match_index *ix, const char *text,
			  size_t **out, double **qw)
{
	struct kb_buf terms = KB_BUF_INIT;
	struct kb__strmap seen;
	long n = kb_match_terms(text, ix->mecab, &terms), i;
	size_t nq = 0, at;
	const char *s;

	kb__strmap_init(&seen);
	*out = kb_malloc((n > 0 ? (size_t)n : 1) * sizeof(**out));
	*qw = kb_malloc((n > 0 ? (size_t)n : 1) * sizeof(**qw));
	for (i = 0, s = terms.buf; i < n; i++, s += strlen(s) + 1) {
		size_t id = kb__strmap_get(&ix->map, s);
		if (id == KB_NONE)
			continue;
		if ((at = kb__strmap_put(&seen, s, nq)) != nq) {
			(*qw)[at]++;
			continue;
		}
		(*qw)[nq] = 1;
		(*out)[nq++] = id;
	}
	for (at = 0; at < nq; at++)
		(*qw)[at] = (*qw)[at] * (K3 + 1) / (K3 + (*qw)[at]);
	kb__strmap_release(&seen);
	kb_buf_release(&terms);
	return nq;
}

static double idf(const struct kb_match_index *ix, const struct term *t)
{
	double N = (double)ix->ndocs, df = (double)t->df;
	return log(1 + (N - df + 0.5) / (df + 0.5));
}

/* Field f of doc's weighted, length-normalized count. */
static double tfw(const struct kb_match_index *ix, const struct post *p)
{
	double avg = ix->avglen[p->field];
	double norm =
		1 - B +
		B * (avg > 0 ? ix->len[p->doc * ix->nf + p->field] / avg : 1);
	return ix->w[p->field] * p->tf / norm;
}

/* hits[0..n) is a min-heap on (score, then the higher doc is worse). */
static int worse(const struct kb_match_hit *a, const struct kb_match_hit *b)
{
	return a->score < b->score || (a->score == b->score && a->doc > b->doc);
}

static void sift_down(struct kb_match_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && worse(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && worse(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		struct kb_match_hit x = h[i];
		h[i] = h[m];
		h[m] = x;
		i = m;
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const struct kb_match_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

size_t kb_match_search(struct kb_match_index *ix, const char *text,
		       const unsigned char *keep, const double *boost, size_t k,
		       struct kb_match_hit *hits)
{
	size_t *q, nq, i, nscored = 0, nh = 0;
	double *qw;

	if (ix->nscore < ix->ndocs) {
		ix->score = kb_realloc(ix->score, ix->ndocs * sizeof(double));
		ix->scored = kb_realloc(ix->scored, ix->ndocs * sizeof(uint32_t));
		memset(ix->score + ix->nscore, 0,
		       (ix->ndocs - ix->nscore) * sizeof(double));
		ix->nscore = ix->ndocs;
	}
	nq = query_terms(ix, text, &q, &qw);
	for (i = 0; i < nq; i++) {
		const struct term *t = &ix->t[q[i]];
		double w = idf(ix, t) * qw[i], acc = 0;
		size_t j;
		for (j = 0; j < t->n; j++) {
			const struct post *p = &t->p[j];
			acc += tfw(ix, p);
			if (j + 1 < t->n && t->p[j + 1].doc == p->doc)
				continue;
			if (ix->score[p->doc] == 0)
				ix->scored[nscored++] = p->doc;
			ix->score[p->doc] += w * acc / (K1 + acc);
			acc = 0;
		}
	}
	free(q);
	free(qw);
	for (i = 0; i < nscored; i++) {
		uint32_t d = ix->scored[i];
		struct kb_match_hit h = { .doc = d, .score = ix->score[d] };
		ix->score[d] = 0;
		if (keep && !keep[d])
			continue;
		if (boost)
			h.score *= boost[d];
		if (nh < k) {
			size_t c = nh++;
			hits[c] = h;
			while (c && worse(&hits[c], &hits[(c - 1) / 2])) {
				struct kb_match_hit x = hits[c];
				hits[c] = hits[(c - 1) / 2];
				hits[(c - 1) / 2] = x;
				c = (c - 1) / 2;
			}
		} else if (k && worse(&hits[0], &h)) {
			hits[0] = h;
			sift_down(hits, nh, 0);
		}
	}
	qsort(hits, nh, sizeof(*hits), cmp_hit);
	return nh;
}

struct why {
	size_t term;
	double w;
	unsigned fields;
};
static int cmp_why(const void *a, const void *b)
{
	const struct why *x = a, *y = b;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return (x->term > y->term) - (x->term < y->term);
}

void kb_match_explain(struct kb_match_index *ix, const char *text, size_t doc,
		      size_t max, struct kb_buf *out)
{
	double *qw;
	size_t *q, nq = query_terms(ix, text, &q, &qw), i, nw = 0;
	struct why *w = kb_calloc(nq ? nq : 1, sizeof(*w));

	for (i = 0; i < nq; i++) {
		const struct term *t = &ix->t[q[i]];
		size_t lo = 0, hi = t->n;
		double acc = 0;
		unsigned fields = 0;
		while (lo < hi) { /* the first posting of doc */
			size_t mid = (lo + hi) / 2;
			if (t->p[mid].doc < doc)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < t->n && t->p[lo].doc == doc; lo++) {
			acc += tfw(ix, &t->p[lo]);
			fields |= 1u << t->p[lo].field;
		}
		if (fields)
			w[nw++] = (struct why){ .term = q[i],
						.w = idf(ix, t) * qw[i] * acc /
						     (K1 + acc),
						.fields = fields };
	}
	qsort(w, nw, sizeof(*w), cmp_why);
	for (i = 0; i < nw && i < max; i++) {
		size_t f;
		const char *sep = " (";
		const char *term = ix->t[w[i].term].text;
		kb_buf_addf(out, "%s%s", i ? ", " : "",
			    strncmp(term, "w:", 2) ? term : term + 2);
		for (f = 0; f < ix->nf; f++)
			if (w[i].fields & (1u << f)) {
				kb_buf_addf(out, "%s%s", sep, ix->fname[f]);
				sep = ", ";
			}
		kb_buf_addch(out, ')');
	}
	free(w);
	free(q);
	free(qw);
}
