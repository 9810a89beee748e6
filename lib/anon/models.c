/*
 * models.c - the privacy models over one equivalence class's sensitive
 * values: l-diversity (distinct, entropy, recursive (c,l)) and
 * t-closeness (earth mover's distance with equal, hierarchical or ordered
 * ground distance, after Li, Li and Venkatasubramanian 2007).
 */
#include "core/compat.h"

#include "anon_int.h"

double kb__anon_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct numrank {
	double x;
	uint32_t id;
};
static int cmp_numrank(const void *a, const void *b)
{
	const struct numrank *x = a, *y = b;
	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

size_t kb__anon_rank(const char *const *txt, size_t n, uint32_t *rank)
{
	struct numrank *nr = kb_calloc(n ? n : 1, sizeof(*nr));
	size_t i;
	for (i = 0; i < n; i++) {
		if (kb_parse_number(txt[i], &nr[i].x)) {
			free(nr);
			return i;
		}
		nr[i].id = (uint32_t)i;
	}
	qsort(nr, n, sizeof(*nr), cmp_numrank);
	for (i = 0; i < n; i++)
		rank[nr[i].id] = (uint32_t)i;
	free(nr);
	return KB_NONE;
}

const char *kb__anon_model_label(enum kb_anon_model_kind k)
{
	static const char *const names[] = {
		"k-anonymity",		 "distinct l-diversity",
		"entropy l-diversity",	 "recursive (c,l)-diversity",
		"t-closeness (equal)",	 "t-closeness (hierarchical)",
		"t-closeness (ordered)",
	};
	return names[k];
}

static int cmp_desc(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

static double emd_equal(const uint32_t *vals, const uint32_t *cnt, size_t n,
			size_t size, const struct kb__anon_sdom *d)
{
	/* half the L1 distance: the values absent from the class count
	 * their reference share */
	double s = 1, inv = 1.0 / (double)size;
	size_t i;
	for (i = 0; i < n; i++) {
		double q = d->ref[vals[i]];
		s += fabs(cnt[i] * inv - q) - q;
	}
	return s / 2;
}

static double emd_ordered(const uint32_t *vals, const uint32_t *cnt, size_t n,
			  size_t size, const struct kb__anon_sdom *d)
{
	double *diff = d->scratch, run = 0, s = 0, inv = 1.0 / (double)size;
	size_t i, r, m = d->ndom;
	if (m < 2)
		return 0;
	for (r = 0; r < m; r++)
		diff[r] = 0;
	for (r = 0; r < m; r++)
		diff[d->rank[r]] -= d->ref[r];
	for (i = 0; i < n; i++)
		diff[d->rank[vals[i]]] += cnt[i] * inv;
	for (r = 0; r + 1 < m; r++) {
		run += diff[r];
		s += fabs(run);
	}
	return s / (double)(m - 1);
}

static double emd_hierarchy(const uint32_t *vals, const uint32_t *cnt, size_t n,
			    size_t size, const struct kb__anon_sdom *d)
{
	/* extra(N) of each label, level by level: what a subtree has too
	 * much (> 0) or too little; moving min(pos, neg) across the label
	 * costs its level / the tree's height */
	const struct kb_anon_hier *h = d->h;
	unsigned H = h->nlevels - 1, l;
	double *extra = d->scratch, *pos = extra + d->ndom,
	       *neg = pos + d->ndom, inv = 1.0 / (double)size, s = 0;
	size_t i, v;
	if (H == 0)
		return 0;
	for (v = 0; v < d->ndom; v++)
		extra[v] = -d->ref[v];
	for (i = 0; i < n; i++)
		extra[vals[i]] += cnt[i] * inv;
	for (l = 1; l <= H; l++) {
		const uint32_t *up = h->up[(l - 1) * h->nlevels + l];
		size_t nl = h->nlabels[l];
		for (i = 0; i < nl; i++)
			pos[i] = neg[i] = 0;
		for (i = 0; i < h->nlabels[l - 1]; i++) {
			if (extra[i] > 0)
				pos[up[i]] += extra[i];
			else
				neg[up[i]] -= extra[i];
		}
		for (i = 0; i < nl; i++) {
			s += (double)l / H * fmin(pos[i], neg[i]);
			extra[i] = pos[i] - neg[i];
		}
	}
	return s;
}

int kb__anon_class_ok(const struct kb_anon_model *m, const uint32_t *vals,
		      const uint32_t *cnt, size_t n, size_t size,
		      const struct kb__anon_sdom *d)
{
	size_t i;
	switch (m->kind) {
	case KB_ANON_K: return (double)size >= m->k;
	case KB_ANON_L_DISTINCT: return (double)n >= m->l;
	case KB_ANON_L_ENTROPY: {
		double e = 0;
		for (i = 0; i < n; i++) {
			double p = (double)cnt[i] / (double)size;
			e -= p * log(p);
		}
		return e >= log(m->l) - 1e-12;
	}
	case KB_ANON_L_RECURSIVE: {
		uint32_t *r;
		size_t l = (size_t)m->l;
		double tail = 0;
		int ok;
		if (n < l)
			return 0;
		r = kb_malloc(n * sizeof(*r));
		memcpy(r, cnt, n * sizeof(*r));
		qsort(r, n, sizeof(*r), cmp_desc);
		for (i = l - 1; i < n; i++)
			tail += r[i];
		ok = (double)r[0] < m->c * tail;
		free(r);
		return ok;
	}
	case KB_ANON_T_EQUAL:
		return emd_equal(vals, cnt, n, size, d) <= m->t + 1e-12;
	case KB_ANON_T_ORDERED:
		return emd_ordered(vals, cnt, n, size, d) <= m->t + 1e-12;
	case KB_ANON_T_HIERARCHY:
		return emd_hierarchy(vals, cnt, n, size, d) <= m->t + 1e-12;
	}
	return 0;
}

void kb__anon_model_name(const struct kb_anon_model *m, struct kb_buf *out)
{
	switch (m->kind) {
	case KB_ANON_K: kb_buf_addf(out, "k-anonymity (k=%g)", m->k); break;
	case KB_ANON_L_DISTINCT:
		kb_buf_addf(out, "distinct l-diversity (l=%g)", m->l);
		break;
	case KB_ANON_L_ENTROPY:
		kb_buf_addf(out, "entropy l-diversity (l=%g)", m->l);
		break;
	case KB_ANON_L_RECURSIVE:
		kb_buf_addf(out, "recursive (c,l)-diversity (c=%g, l=%g)", m->c,
			    m->l);
		break;
	case KB_ANON_T_EQUAL:
		kb_buf_addf(out, "t-closeness, equal distance (t=%g)", m->t);
		break;
	case KB_ANON_T_HIERARCHY:
		kb_buf_addf(out, "t-closeness, hierarchical distance (t=%g)",
			    m->t);
		break;
	case KB_ANON_T_ORDERED:
		kb_buf_addf(out, "t-closeness, ordered distance (t=%g)", m->t);
		break;
	}
}
