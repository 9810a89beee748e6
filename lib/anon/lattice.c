/*
 * lattice.c - the search over the lattice of full-domain generalizations
 * (kb_anon_search).  Each node is evaluated by the engine (engine.c: its
 * table rolled up from a cached more specific one, checked against the
 * models, its loss).
 *
 * Classification (Flash, Kohlmayer et al. 2012): nodes are taken by
 * height; from each untagged one a path goes up through untagged nodes and
 * is searched by bisection for its lowest anonymous node.  An anonymous
 * node tags all its generalizations anonymous, a node that is not tags all
 * its specializations, when the models are monotonic: always without
 * suppression; with it, for k-anonymity and distinct l-diversity only.
 * The optimum is then the best of the evaluated minimal anonymous nodes
 * when the metric is monotonic too (no suppression), else the anonymous
 * nodes are evaluated in order of a lower bound (the loss of their
 * generalization alone) until the bound passes the best loss found.  A
 * lattice too large for that is searched greedily, down from the top.
 */
#include "core/compat.h"

#include "engine.h"

enum { UNKNOWN = 0, ANON = 1, NOT = 2 };

struct lattice {
	uint64_t n;
	uint64_t *stride;
	uint8_t *st;
	double *loss;
	uint32_t *stack, *path;
	size_t nstack;
	size_t classified;
};

static void levels_of(const struct engine *e, const struct lattice *L,
		      uint64_t idx, unsigned *lv)
{
	size_t j;
	for (j = 0; j < e->nq; j++)
		lv[j] = (unsigned)((idx / L->stride[j]) % e->nlev[j]);
}

/* The best node so far. */
struct best {
	unsigned *lv;
	double loss;
	int have;
};

/* Is (la, lva) better than (lb, lvb)?  Lower loss, then lower height,
 * then the lexicographically smaller levels. */
static int better(const struct engine *e, double la, const unsigned *lva,
		  double lb, const unsigned *lvb)
{
	double tol = 1e-9 * fmax(1, fmax(fabs(la), fabs(lb)));
	unsigned ha = 0, hb = 0;
	size_t j;
	if (!lvb)
		return 1;
	if (la < lb - tol)
		return 1;
	if (la > lb + tol)
		return 0;
	for (j = 0; j < e->nq; j++) {
		ha += lva[j];
		hb += lvb[j];
	}
	if (ha != hb)
		return ha < hb;
	for (j = 0; j < e->nq; j++)
		if (lva[j] != lvb[j])
			return lva[j] < lvb[j];
	return 0;
}

/* Keeps (loss, lv) in b if it is the first or better. */
static void keep(const struct engine *e, struct best *b, double loss,
		 const unsigned *lv)
{
	if (b->have && !better(e, loss, lv, b->loss, b->lv))
		return;
	b->loss = loss;
	memcpy(b->lv, lv, e->nq * sizeof(*lv));
	b->have = 1;
}

static void tag(struct engine *e, struct lattice *L, uint64_t idx, int up)
{
	uint8_t want = up ? ANON : NOT;
	unsigned *lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(*lv));
	size_t n = 0, j;
	uint32_t *stk = L->stack + L->nstack; /* above the caller's stack */

	if (L->st[idx] != want)
		L->classified++;
	L->st[idx] = want;
	stk[n++] = (uint32_t)idx;
	while (n) {
		uint64_t x = stk[--n];
		levels_of(e, L, x, lv);
		for (j = 0; j < e->nq; j++) {
			uint64_t y;
			if (up ? lv[j] + 1 >= e->nlev[j] : lv[j] == 0)
				continue;
			y = up ? x + L->stride[j] : x - L->stride[j];
			if (L->st[y] == want)
				continue;
			if (L->st[y] == UNKNOWN)
				L->classified++;
			L->st[y] = want;
			stk[n++] = (uint32_t)y;
		}
	}
	free(lv);
}

static int check(struct engine *e, struct lattice *L, uint64_t idx,
		 const struct kb_anon_search_opts *o)
{
	unsigned *lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(*lv));
	struct eval ev;

	levels_of(e, L, idx, lv);
	ev = kb__anon_eval_node(e, lv, 1);
	free(lv);
	if (ev.anon)
		L->loss[idx] = ev.loss;
	if (o->progress)
		o->progress(o->progress_ctx, L->classified, (size_t)L->n);
	return ev.anon;
}

/* A path up from idx through untagged nodes, then bisection on it. */
static void check_path(struct engine *e, struct lattice *L, uint64_t idx,
		       const struct kb_anon_search_opts *o)
{
	unsigned *lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(*lv));
	size_t len = 0, j;
	long lo, hi;

	L->path[len++] = (uint32_t)idx;
	for (;;) {
		uint64_t best = UINT64_MAX;
		double bl = 0;
		levels_of(e, L, idx, lv);
		for (j = 0; j < e->nq; j++) {
			uint64_t y;
			double b;
			if (lv[j] + 1 >= e->nlev[j])
				continue;
			y = idx + L->stride[j];
			if (L->st[y] != UNKNOWN)
				continue;
			lv[j]++;
			b = kb__anon_lower_bound(e, lv);
			lv[j]--;
			if (best == UINT64_MAX || b < bl) {
				best = y;
				bl = b;
			}
		}
		if (best == UINT64_MAX)
			break;
		L->path[len++] = (uint32_t)best;
		idx = best;
	}
	free(lv);
	lo = 0;
	hi = (long)len - 1;
	while (lo <= hi) {
		long mid = (lo + hi) / 2;
		uint64_t x = L->path[mid];
		if (check(e, L, x, o)) {
			tag(e, L, x, 1);
			hi = mid - 1;
		} else {
			tag(e, L, x, 0);
			L->stack[L->nstack++] = (uint32_t)x;
			lo = mid + 1;
		}
	}
}

static void flash(struct engine *e, struct lattice *L, const uint32_t *order,
		  const struct kb_anon_search_opts *o)
{
	unsigned *lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(*lv));
	uint64_t i;
	size_t j;

	for (i = 0; i < L->n; i++) {
		if (L->st[order[i]] != UNKNOWN)
			continue;
		check_path(e, L, order[i], o);
		while (L->nstack) {
			uint64_t x = L->stack[--L->nstack];
			levels_of(e, L, x, lv);
			for (j = 0; j < e->nq; j++) {
				uint64_t y = x + L->stride[j];
				if (lv[j] + 1 < e->nlev[j] && L->st[y] == UNKNOWN)
					check_path(e, L, y, o);
			}
		}
	}
	free(lv);
}

struct cand {
	double lb;
	uint32_t idx;
};
static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->lb != y->lb)
		return x->lb < y->lb ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Heights first, then index: the order Flash takes nodes in. */
static uint32_t *by_height(const struct engine *e, const struct lattice *L)
{
	size_t H = 0, j, h;
	uint64_t i;
	size_t *cnt;
	uint32_t *order = kb_malloc(L->n * sizeof(*order));
	unsigned *lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(*lv));
	uint8_t *ht = kb_malloc(L->n);

	for (j = 0; j < e->nq; j++)
		H += e->nlev[j] - 1;
	cnt = kb_calloc(H + 2, sizeof(*cnt));
	for (i = 0; i < L->n; i++) {
		levels_of(e, L, i, lv);
		for (h = 0, j = 0; j < e->nq; j++)
			h += lv[j];
		ht[i] = (uint8_t)h;
		cnt[h + 1]++;
	}
	for (h = 1; h <= H + 1; h++)
		cnt[h] += cnt[h - 1];
	for (i = 0; i < L->n; i++)
		order[cnt[ht[i]]++] = (uint32_t)i;
	free(cnt);
	free(ht);
	free(lv);
	return order;
}

static int models_monotonic(const struct engine *e)
{
	size_t m;
	if (!e->max_supp)
		return 1;
	for (m = 0; m < e->a->nmodel; m++)
		if (e->a->model[m].kind != KB_ANON_K &&
		    e->a->model[m].kind != KB_ANON_L_DISTINCT)
			return 0;
	return 1;
}

static void search_exact(struct engine *e, struct lattice *L,
			 const struct kb_anon_search_opts *o, int exhaustive,
			 struct kb_anon_result *r)
{
	unsigned *lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(*lv));
	struct best b = { .lv = r->levels };
	uint32_t *order;
	uint64_t i;

	L->st = kb_calloc(L->n, 1);
	L->loss = kb_malloc(L->n * sizeof(*L->loss));
	for (i = 0; i < L->n; i++)
		L->loss[i] = NAN;
	L->stack = kb_malloc(2 * (L->n + 1) * sizeof(*L->stack));
	L->path = kb_malloc((L->n + 1) * sizeof(*L->path));
	kb__anon_mem(e, (long long)(L->n * 21));
	order = by_height(e, L);

	if (exhaustive) {
		uint64_t step =
			o->sample && o->sample < L->n ? L->n / o->sample : 1;
		double t0 = kb__anon_now();
		for (i = 0; i < L->n; i += step) {
			struct eval ev;
			levels_of(e, L, order[i], lv);
			ev = kb__anon_eval_node(e, lv, 0);
			if (ev.anon)
				keep(e, &b, ev.loss, lv);
			if (o->progress)
				o->progress(o->progress_ctx, (size_t)i + 1,
					    (size_t)L->n);
		}
		if (step > 1)
			r->seconds = (kb__anon_now() - t0) /
				     (double)e->checked * (double)L->n;
	} else if (models_monotonic(e) && !e->max_supp) {
		/* the optimum is a minimal anonymous node, and all of those
		 * were checked */
		flash(e, L, order, o);
		for (i = 0; i < L->n; i++) {
			if (L->st[i] != ANON || isnan(L->loss[i]))
				continue;
			levels_of(e, L, i, lv);
			keep(e, &b, L->loss[i], lv);
		}
	} else {
		int mono = models_monotonic(e);
		struct cand *c = kb_malloc(L->n * sizeof(*c));
		size_t nc = 0, ci;
		if (mono)
			flash(e, L, order, o);
		for (i = 0; i < L->n; i++) {
			if (mono && L->st[order[i]] != ANON)
				continue;
			levels_of(e, L, order[i], lv);
			c[nc].lb = e->cheap ? kb__anon_lower_bound(e, lv) : 0;
			c[nc++].idx = order[i];
		}
		if (e->cheap)
			qsort(c, nc, sizeof(*c), cmp_cand);
		for (ci = 0; ci < nc; ci++) {
			uint64_t x = c[ci].idx;
			double tol = 1e-9 * fmax(1, fabs(b.loss));
			if (b.have && e->cheap && c[ci].lb > b.loss + tol)
				break;
			if (isnan(L->loss[x]) && !check(e, L, x, o))
				continue;
			levels_of(e, L, x, lv);
			keep(e, &b, L->loss[x], lv);
		}
		free(c);
	}
	free(order);
	r->found = b.have;
	r->loss = b.loss;
	r->optimal = 1;
	free(lv);
}

/* Down from the top, each step to the best anonymous specialization. */
static void search_greedy(struct engine *e, struct kb_anon_result *r,
			  const struct kb_anon_search_opts *o)
{
	unsigned *cur = r->levels;
	struct best b = { .lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(unsigned)) };
	struct eval ev;
	size_t j, steps = 0, H = 0;

	for (j = 0; j < e->nq; j++) {
		cur[j] = e->nlev[j] - 1;
		H += cur[j];
	}
	ev = kb__anon_eval_node(e, cur, 1);
	r->optimal = 0;
	r->found = ev.anon;
	r->loss = ev.loss;
	while (r->found) {
		b.have = 0;
		for (j = 0; j < e->nq; j++) {
			if (!cur[j])
				continue;
			cur[j]--;
			ev = kb__anon_eval_node(e, cur, 1);
			if (ev.anon)
				keep(e, &b, ev.loss, cur);
			cur[j]++;
		}
		if (o->progress)
			o->progress(o->progress_ctx, ++steps, H);
		if (!b.have)
			break;
		memcpy(cur, b.lv, e->nq * sizeof(*cur));
		r->loss = b.loss;
	}
	free(b.lv);
}

void kb_anon_result_release(struct kb_anon_result *r)
{
	free(r->levels);
	memset(r, 0, sizeof(*r));
}

int kb_anon_search(struct kb_anon *a, const struct kb_anon_search_opts *o,
		   struct kb_anon_result *r, struct kb_err *err)
{
	struct kb_anon_search_opts dflt = { .strategy = KB_ANON_AUTO };
	struct engine e;
	struct lattice L = { .n = 1 };
	uint64_t max;
	double t0 = kb__anon_now(), size = 1;
	size_t j;

	if (!o)
		o = &dflt;
	memset(r, 0, sizeof(*r));
	if (!a->nrows)
		return kb_err_set(err, KB_EUSAGE, "%s",
				  KB_TR(a->lang, "no records have been read",
					"レコードが読み込まれていません"));
	r->levels = kb_calloc(a->nqi ? a->nqi : 1, sizeof(*r->levels));
	kb__anon_engine_init(&e, a);
	/* node numbers are 32 bits, and each node costs 21 bytes */
	max = o->max_nodes ? o->max_nodes : 1000000;
	if (max > UINT32_MAX - 1)
		max = UINT32_MAX - 1;
	L.stride = kb_calloc(e.nq ? e.nq : 1, sizeof(*L.stride));
	for (j = 0; j < e.nq; j++) {
		size *= e.nlev[j];
		L.stride[j] = L.n;
		L.n = size > (double)max ? UINT64_MAX : L.n * e.nlev[j];
	}
	r->lattice = L.n > max ? 0 : L.n;
	r->strategy = o->strategy;
	if (o->strategy == KB_ANON_GREEDY ||
	    (o->strategy == KB_ANON_AUTO && L.n > max)) {
		r->strategy = KB_ANON_GREEDY;
		search_greedy(&e, r, o);
	} else if (L.n > max) {
		free(L.stride);
		kb__anon_engine_free(&e);
		kb_anon_result_release(r);
		return kb_err_set(err, KB_EUSAGE,
				  KB_TR(a->lang,
					"the lattice has more than %" PRIu64
					" nodes: too many for an exhaustive search",
					"束のノードが %" PRIu64
					" を超えるため、全探索はできません"),
				  max);
	} else {
		search_exact(&e, &L, o, o->strategy == KB_ANON_EXHAUSTIVE, r);
	}
	r->checked = e.checked;
	if (r->found)
		kb__anon_release_figures(&e, r);
	r->peak_bytes = e.peak;
	free(L.stride);
	free(L.st);
	free(L.loss);
	free(L.stack);
	free(L.path);
	kb__anon_engine_free(&e);
	if (!r->seconds) /* a sample has its estimate */
		r->seconds = kb__anon_now() - t0;
	return 0;
}
