/*
 * engine.c - the anonymizer's node tables and their evaluation (engine.h).
 *
 * A node gives each quasi-identifier a level of its hierarchy.  The
 * records are encoded once as packed keys (each quasi-identifier's value
 * id, then the sensitive values) with counts: the bottom node's table.  A
 * node's table is rolled up from the table of a more specific node (one
 * whose levels are all lower or equal): each key's ids are replaced by
 * their labels at the node's levels and equal keys merge.  The work is
 * proportional to the source table, not to the records, and a cache of
 * recent tables (within a memory budget) keeps sources close.  A table is
 * evaluated class by class against the privacy models, with suppression
 * and the metric's loss; the search over the nodes is lattice.c.  Also
 * here: one node's evaluation (kb_anon_node) and the release written at a
 * node (kb_anon_write).
 */
#include "core/compat.h"

#include "engine.h"

void kb__anon_mem(struct engine *e, long long delta)
{
	e->bytes = (size_t)((long long)e->bytes + delta);
	if (e->bytes > e->peak)
		e->peak = e->bytes;
}

static unsigned bits_for(size_t n)
{
	unsigned b = 1;
	while (b < 32 && ((size_t)1 << b) < n)
		b++;
	return b;
}

static void table_free(struct engine *e, struct table *t)
{
	if (!t)
		return;
	kb__anon_mem(e, -(long long)t->bytes);
	free(t->lv);
	free(t->key);
	free(t->cnt);
	free(t);
}

static uint64_t hkey(const uint64_t *k, unsigned W)
{
	uint64_t h = 0x243f6a8885a308d3ULL;
	unsigned w;
	for (w = 0; w < W; w++) {
		h ^= k[w];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 31;
	}
	return h;
}

static int keq(const uint64_t *x, const uint64_t *y, unsigned W)
{
	unsigned w;
	for (w = 0; w < W; w++)
		if (x[w] != y[w])
			return 0;
	return 1;
}

/* A slot array of at least 1.5 n entries, cleared; returns the mask. */
static size_t slots(struct engine *e, size_t n)
{
	size_t cap = 16;
	while (cap < n + n / 2 + 1)
		cap *= 2;
	if (cap > e->nslot) {
		kb__anon_mem(e, (long long)(cap - e->nslot) * 4);
		free(e->slot);
		e->slot = kb_malloc(cap * sizeof(*e->slot));
		e->nslot = cap;
	}
	memset(e->slot, 0, cap * sizeof(*e->slot));
	return cap - 1;
}

/* Adds count c of key k to t (keys with room for cap entries). */
static void table_add(struct engine *e, struct table *t, size_t mask,
		      const uint64_t *k, uint32_t c)
{
	size_t h = (size_t)hkey(k, e->W) & mask;
	for (;;) {
		uint32_t s = e->slot[h];
		if (!s) {
			memcpy(t->key + t->n * e->W, k, e->W * sizeof(*k));
			t->cnt[t->n] = c;
			e->slot[h] = (uint32_t)++t->n;
			return;
		}
		if (keq(t->key + (size_t)(s - 1) * e->W, k, e->W)) {
			t->cnt[s - 1] += c;
			return;
		}
		h = (h + 1) & mask;
	}
}

static struct table *table_new(struct engine *e, const unsigned *lv, size_t cap)
{
	struct table *t = kb_calloc(1, sizeof(*t));
	t->lv = kb_malloc((e->nq ? e->nq : 1) * sizeof(*t->lv));
	memcpy(t->lv, lv, e->nq * sizeof(*lv));
	t->key = kb_malloc((cap ? cap : 1) * e->W * sizeof(*t->key));
	t->cnt = kb_malloc((cap ? cap : 1) * sizeof(*t->cnt));
	t->bytes = cap * (e->W * 8 + 4);
	kb__anon_mem(e, (long long)t->bytes);
	return t;
}

static void table_fit(struct engine *e, struct table *t)
{
	size_t bytes = t->n * (e->W * 8 + 4);
	t->key = kb_realloc(t->key, (t->n ? t->n : 1) * e->W * sizeof(*t->key));
	t->cnt = kb_realloc(t->cnt, (t->n ? t->n : 1) * sizeof(*t->cnt));
	kb__anon_mem(e, (long long)bytes - (long long)t->bytes);
	t->bytes = bytes;
}

static uint32_t get_id(const struct col *c, const uint64_t *k)
{
	return (uint32_t)((k[c->word] >> c->shift) & c->mask);
}

static void set_id(const struct col *c, uint64_t *k, uint32_t id)
{
	k[c->word] = (k[c->word] & ~(c->mask << c->shift)) |
		     ((uint64_t)id << c->shift);
}

/* The record's key at levels lv (NULL: the values themselves). */
static void record_key(const struct engine *e, size_t r, const unsigned *lv,
		       uint64_t *k)
{
	const uint32_t *cell = e->a->cell + r * e->a->nattr;
	size_t j;
	memset(k, 0, e->W * sizeof(*k));
	for (j = 0; j < e->nq; j++) {
		uint32_t v = cell[e->q[j].ci];
		set_id(&e->q[j], k, lv ? e->q[j].h->map[lv[j]][v] : v);
	}
	for (j = 0; j < e->ns; j++)
		set_id(&e->s[j], k, cell[e->s[j].ci]);
}

/* One-word keys, the common case: one random access per entry, into a
 * slot that holds the key and its count; the table is read off the slots
 * afterwards.  Returns the slot count (cleared) and its bits. */
static size_t slots1(struct engine *e, size_t n, unsigned *bits)
{
	size_t cap = 16;
	*bits = 4;
	while (cap < n + n / 2 + 1) {
		cap *= 2;
		++*bits;
	}
	if (cap > e->nslot1) {
		kb__anon_mem(e, (long long)(cap - e->nslot1) *
					(long long)sizeof(struct slot1));
		free(e->slot1);
		e->slot1 = kb_malloc(cap * sizeof(*e->slot1));
		e->nslot1 = cap;
	}
	memset(e->slot1, 0, cap * sizeof(*e->slot1));
	return cap;
}

static inline void add1(struct slot1 *s, unsigned bits, uint64_t k, uint64_t c)
{
	size_t mask = ((size_t)1 << bits) - 1,
	       h = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
	while (s[h].cnt && s[h].key != k)
		h = (h + 1) & mask;
	s[h].key = k;
	s[h].cnt += c;
}

static void collect1(struct engine *e, struct table *t, size_t cap)
{
	size_t h;
	for (h = 0; h < cap; h++)
		if (e->slot1[h].cnt) {
			t->key[t->n] = e->slot1[h].key;
			t->cnt[t->n++] = (uint32_t)e->slot1[h].cnt;
		}
}

static struct table *rollup(struct engine *e, const struct table *src,
			    const unsigned *lv)
{
	struct table *t = table_new(e, lv, src->n);
	size_t mask = e->W == 1 ? 0 : slots(e, src->n), i, j, nch = 0;
	const uint32_t **up = kb_calloc(e->nq ? e->nq : 1, sizeof(*up));
	size_t *ch = kb_calloc(e->nq ? e->nq : 1, sizeof(*ch));
	uint64_t *k = kb_malloc(e->W * sizeof(*k));

	for (j = 0; j < e->nq; j++)
		if (lv[j] != src->lv[j]) {
			const struct kb_anon_hier *h = e->q[j].h;
			up[nch] = h->up[src->lv[j] * h->nlevels + lv[j]];
			ch[nch++] = j;
		}
	if (e->W == 1) {
		unsigned bits;
		size_t cap = slots1(e, src->n, &bits);
		for (i = 0; i < src->n; i++) {
			uint64_t k1 = src->key[i];
			for (j = 0; j < nch; j++) {
				const struct col *c = &e->q[ch[j]];
				uint64_t id = (k1 >> c->shift) & c->mask;
				k1 = (k1 & ~(c->mask << c->shift)) |
				     ((uint64_t)up[j][id] << c->shift);
			}
			add1(e->slot1, bits, k1, src->cnt[i]);
		}
		collect1(e, t, cap);
	} else {
		for (i = 0; i < src->n; i++) {
			memcpy(k, src->key + i * e->W, e->W * sizeof(*k));
			for (j = 0; j < nch; j++) {
				const struct col *c = &e->q[ch[j]];
				set_id(c, k, up[j][get_id(c, k)]);
			}
			table_add(e, t, mask, k, src->cnt[i]);
		}
	}
	free(k);
	free(up);
	free(ch);
	table_fit(e, t);
	return t;
}

static int le(const unsigned *x, const unsigned *y, size_t n)
{
	size_t j;
	for (j = 0; j < n; j++)
		if (x[j] > y[j])
			return 0;
	return 1;
}

/* The table of node lv, from the smallest cached table below it. *temp
 * is set when the caller must free it (too large to cache, or no cache). */
static struct table *node_table(struct engine *e, const unsigned *lv,
				int use_cache, int *temp)
{
	const struct table *src = e->bottom;
	struct table *t;
	size_t i;

	*temp = 0;
	if (use_cache)
		for (i = 0; i < e->ncache; i++) {
			struct table *c = e->cache[i];
			if (!memcmp(c->lv, lv, e->nq * sizeof(*lv))) {
				c->used = ++e->tick;
				return c;
			}
			if (c->n < src->n && le(c->lv, lv, e->nq))
				src = c;
		}
	if (!memcmp(src->lv, lv, e->nq * sizeof(*lv)))
		return (struct table *)src;
	t = rollup(e, src, lv);
	if (!use_cache || t->bytes > e->budget) {
		*temp = 1;
		return t;
	}
	while (e->cache_bytes + t->bytes > e->budget) {
		size_t old = 0;
		for (i = 1; i < e->ncache; i++)
			if (e->cache[i]->used < e->cache[old]->used)
				old = i;
		e->cache_bytes -= e->cache[old]->bytes;
		table_free(e, e->cache[old]);
		e->cache[old] = e->cache[--e->ncache];
	}
	e->cache = kb_realloc(e->cache, (e->ncache + 1) * sizeof(*e->cache));
	e->cache[e->ncache++] = t;
	e->cache_bytes += t->bytes;
	t->used = ++e->tick;
	return t;
}

/* Whether the class of entries order[0..n) passes the models. */
static int class_passes(struct engine *e, const struct table *t,
			const uint32_t *order, size_t n, size_t size)
{
	const struct kb_anon *a = e->a;
	size_t s, i, m;
	if ((double)size < e->k)
		return 0;
	for (s = 0; s < e->ns; s++) {
		size_t nv = 0;
		uint32_t *hc = e->hc[s];
		int ok = 1;
		for (i = 0; i < n; i++) {
			uint32_t v = get_id(&e->s[s], t->key + order[i] * e->W);
			if (!hc[v]++)
				e->hv[nv++] = v;
			hc[v] += t->cnt[order[i]] - 1;
		}
		for (i = 0; i < nv; i++)
			e->hn[i] = hc[e->hv[i]];
		for (m = 0; m < a->nmodel && ok; m++)
			if (e->model_s[m] == s)
				ok = kb__anon_class_ok(&a->model[m], e->hv, e->hn,
						       nv, size, &e->dom[s]);
		for (i = 0; i < nv; i++)
			hc[e->hv[i]] = 0;
		if (!ok)
			return 0;
	}
	return 1;
}

/* The loss a suppressed class of size records adds (cheap metrics). */
static double supp_loss(const struct engine *e, const uint64_t *k,
			const unsigned *lv, size_t size)
{
	double s = 0;
	size_t j;
	for (j = 0; j < e->nq; j++)
		s += e->supp[j][lv[j]][get_id(&e->q[j], k)];
	return s * (double)size;
}

/* Counts one class of size records (key: one of its entries's keys). */
static void tally(const struct engine *e, const struct table *t,
		  const uint64_t *key, size_t size, int pass, struct eval *ev)
{
	if (pass) {
		ev->classes++;
		ev->dm += (double)size * (double)size;
	} else {
		ev->supp += size;
		if (e->cheap)
			ev->extra += supp_loss(e, key, t->lv, size);
	}
}

/*
 * Evaluates the node of table t: its classes, the records they suppress,
 * whether that is within the limit, and the loss.  ok, if not NULL, gets
 * for each entry whether its class is released.
 */
static void evaluate(struct engine *e, const struct table *t, struct eval *ev,
		     uint8_t *ok)
{
	const struct kb_anon *a = e->a;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	e->checked++;
	if (!e->ns) {
		for (i = 0; i < t->n; i++) {
			size_t size = t->cnt[i];
			int pass = (double)size >= e->k;
			if (ok)
				ok[i] = (uint8_t)pass;
			tally(e, t, t->key + i * e->W, size, pass, ev);
		}
	} else {
		/* classes: entries with equal quasi-identifiers */
		size_t mask = slots(e, t->n), nc = 0, c;
		for (i = 0; i < t->n; i++) {
			const uint64_t *k = t->key + i * e->W;
			size_t h = (size_t)hkey(k, e->Wq) & mask;
			for (;;) {
				uint32_t s = e->slot[h];
				if (!s) {
					e->slot[h] = (uint32_t)++nc;
					e->rep[nc - 1] = (uint32_t)i;
					e->csize[nc - 1] = 0;
					e->cstart[nc - 1] = 0;
					e->cls[i] = (uint32_t)(nc - 1);
					break;
				}
				if (keq(t->key + (size_t)e->rep[s - 1] * e->W,
					k, e->Wq)) {
					e->cls[i] = s - 1;
					break;
				}
				h = (h + 1) & mask;
			}
			e->csize[e->cls[i]] += t->cnt[i];
			e->cstart[e->cls[i]]++;
		}
		/* entries by class (counting sort) */
		for (c = 0, i = 0; c < nc; c++) {
			size_t n = e->cstart[c];
			e->cstart[c] = (uint32_t)i;
			i += n;
		}
		for (i = 0; i < t->n; i++)
			e->corder[e->cstart[e->cls[i]]++] = (uint32_t)i;
		for (c = 0, i = 0; c < nc; c++) {
			size_t end = e->cstart[c], size = e->csize[c];
			int pass =
				class_passes(e, t, e->corder + i, end - i, size);
			e->cstart[c] = (uint32_t)pass;
			tally(e, t, t->key + (size_t)e->rep[c] * e->W, size,
			      pass, ev);
			i = end;
		}
		if (ok)
			for (i = 0; i < t->n; i++)
				ok[i] = (uint8_t)e->cstart[e->cls[i]];
	}
	ev->anon = ev->supp <= e->max_supp;
	switch (a->metric) {
	case KB_ANON_DISCERNIBILITY:
		ev->loss = ev->dm + (double)ev->supp * (double)e->N;
		break;
	case KB_ANON_AECS:
		ev->loss = (double)e->N / (double)(ev->classes + (ev->supp > 0));
		break;
	default: ev->loss = kb__anon_lower_bound(e, t->lv) + ev->extra;
	}
}

/*
 * The loss of the evaluated table t (ok: its entries released) as ARX 3.9
 * computes it with its defaults (generalization and suppression weighed
 * alike, attributes alike), for the metrics where it differs from ours:
 * - entropy: a suppressed record keeps its generalized values' entropy,
 *   and adds, in each column, log2(S / c) where S records are suppressed
 *   and c of them have its generalized value (MetricMDNUNMEntropy);
 * - loss: the loss of each column, (Σ share - N/D) / (N - N/D) with share
 *   the values under the record's label / D (1 for a suppressed record),
 *   D the values in the hierarchy, is the same as ours, but the columns
 *   are aggregated by the geometric mean, (Π (1 + loss)) ^ (1/q) - 1,
 *   not the arithmetic (MetricMDNMLoss).
 * Discernibility, AECS and precision are ARX's own formulas.
 */
static double arx_loss(const struct engine *e, const struct table *t,
		       const uint8_t *ok, const struct eval *ev)
{
	const struct kb_anon *a = e->a;
	double N = (double)e->N, S = (double)ev->supp, out;
	size_t i, j;

	if (a->metric != KB_ANON_ENTROPY && a->metric != KB_ANON_LOSS)
		return ev->loss;
	out = a->metric == KB_ANON_ENTROPY ? 0 : 1;
	for (j = 0; j < e->nq; j++) {
		const struct kb_anon_hier *h = e->q[j].h;
		unsigned l = t->lv[j];
		size_t nl = h->nlabels[l], D = h->nlabels[0];
		double *c = kb_calloc(nl ? nl : 1, sizeof(*c)), share = 0, g;
		for (i = 0; i < t->n; i++) {
			uint32_t id = get_id(&e->q[j], t->key + i * e->W);
			if (!ok[i])
				c[id] += t->cnt[i];
			share += ok[i] ? (double)t->cnt[i] *
						 (double)h->leaves[l][id] /
						 (double)D
				       : (double)t->cnt[i];
		}
		if (a->metric == KB_ANON_ENTROPY) {
			out += e->lb[j][l];
			for (g = 0, i = 0; i < nl; i++)
				if (c[i] > 0)
					g += c[i] * log2(S / c[i]);
			out += g;
		} else {
			g = D > 1 ? (share - N / (double)D) / (N - N / (double)D)
				  : 0;
			out *= pow(1 + fmax(0, g), 1 / (double)e->nq);
		}
		free(c);
	}
	return a->metric == KB_ANON_ENTROPY ? out : out - 1;
}

/* Evaluates node lv, its table from the cache (use_cache) or the bottom. */
struct eval kb__anon_eval_node(struct engine *e, const unsigned *lv, int use_cache)
{
	struct eval ev;
	int temp;
	struct table *t = node_table(e, lv, use_cache, &temp);
	evaluate(e, t, &ev, NULL);
	if (temp)
		table_free(e, t);
	return ev;
}

/* ---- set-up ---- */

void kb__anon_engine_free(struct engine *e)
{
	size_t i, j;
	for (i = 0; i < e->ncache; i++)
		table_free(e, e->cache[i]);
	free(e->cache);
	table_free(e, e->bottom);
	for (j = 0; j < e->nq; j++) {
		if (e->supp)
			for (i = 0; i < e->nlev[j]; i++)
				free(e->supp[j][i]);
		if (e->supp)
			free(e->supp[j]);
		free(e->lb[j]);
	}
	for (i = 0; i < e->ns; i++) {
		free(e->dom[i].ref);
		free(e->dom[i].rank);
		free(e->dom[i].scratch);
		free(e->hc[i]);
	}
	free(e->supp);
	free(e->lb);
	free(e->dom);
	free(e->hc);
	free(e->hv);
	free(e->hn);
	free(e->model_s);
	free(e->q);
	free(e->s);
	free(e->nlev);
	free(e->slot);
	free(e->slot1);
	free(e->cls);
	free(e->csize);
	free(e->cstart);
	free(e->corder);
	free(e->rep);
}

/* The sensitive column's domain: its reference distribution, order and
 * hierarchy. */
static void domain(struct engine *e, size_t s)
{
	const struct kb_anon *a = e->a;
	const struct kb_anon_attr *at = &a->attr[e->s[s].ci];
	struct kb__anon_sdom *d = &e->dom[s];
	size_t n = at->hier ? at->hier->nlabels[0] : a->ndict[e->s[s].ci], r;

	d->ndom = n;
	d->h = at->hier;
	d->ref = kb_calloc(n ? n : 1, sizeof(*d->ref));
	for (r = 0; r < a->nrows; r++)
		d->ref[a->cell[r * a->nattr + e->s[s].ci]] += 1;
	for (r = 0; r < n; r++)
		d->ref[r] /= (double)a->nrows;
	d->rank = kb_calloc(n ? n : 1, sizeof(*d->rank));
	if (at->numeric_order) {
		const char **txt = kb_calloc(n ? n : 1, sizeof(*txt));
		for (r = 0; r < n; r++)
			txt[r] = at->hier ? at->hier->labels[0][r]
					  : a->dict[e->s[s].ci][r];
		kb__anon_rank(txt, n, d->rank); /* numbers: checked on reading */
		free(txt);
	} else {
		for (r = 0; r < n; r++)
			d->rank[r] = (uint32_t)r;
	}
	d->scratch = kb_calloc(3 * (n ? n : 1), sizeof(*d->scratch));
	e->hc[s] = kb_calloc(n ? n : 1, sizeof(*e->hc[s]));
}

/* The per-level loss of each quasi-identifier (the lower bound) and what
 * a suppressed record adds on top of its generalized values. */
static void losses(struct engine *e)
{
	const struct kb_anon *a = e->a;
	double N = (double)e->N, q = (double)(e->nq ? e->nq : 1);
	size_t j, r;

	e->lb = kb_calloc(e->nq ? e->nq : 1, sizeof(*e->lb));
	e->cheap = a->metric == KB_ANON_ENTROPY || a->metric == KB_ANON_LOSS ||
		   a->metric == KB_ANON_PRECISION;
	if (e->cheap)
		e->supp = kb_calloc(e->nq ? e->nq : 1, sizeof(*e->supp));
	for (j = 0; j < e->nq; j++) {
		const struct kb_anon_hier *h = e->q[j].h;
		size_t n0 = h->nlabels[0], *cnt0 = kb_calloc(n0, sizeof(*cnt0));
		unsigned l, H = h->nlevels - 1;
		e->lb[j] = kb_calloc(h->nlevels, sizeof(double));
		if (!e->cheap) {
			free(cnt0);
			continue;
		}
		e->supp[j] = kb_calloc(h->nlevels, sizeof(double *));
		for (r = 0; r < a->nrows; r++)
			cnt0[a->cell[r * a->nattr + e->q[j].ci]]++;
		for (l = 0; l < h->nlevels; l++) {
			size_t nl = h->nlabels[l], v, g;
			size_t *cntl = kb_calloc(nl, sizeof(*cntl));
			double *sp = kb_calloc(nl, sizeof(*sp)), s = 0;
			for (v = 0; v < n0; v++)
				cntl[h->map[l][v]] += cnt0[v];
			for (v = 0; v < n0; v++) {
				double c = (double)cnt0[v];
				if (!cnt0[v])
					continue;
				g = h->map[l][v];
				if (a->metric == KB_ANON_ENTROPY)
					s += c * log2((double)cntl[g] / c);
				else if (a->metric == KB_ANON_LOSS)
					s += n0 > 1 ? c * (double)(h->leaves[l][g] - 1) /
							      (double)(n0 - 1)
						    : 0;
				else
					s += H ? c * l / H : 0;
			}
			for (g = 0; g < nl; g++) {
				if (a->metric == KB_ANON_ENTROPY)
					sp[g] = cntl[g] ? log2(N / (double)cntl[g])
							: 0;
				else if (a->metric == KB_ANON_LOSS)
					sp[g] = n0 > 1 ? (1 -
							  (double)(h->leaves[l][g] -
								   1) /
								  (double)(n0 -
									   1)) /
								 (N * q)
						       : 1 / (N * q);
				else
					sp[g] = (1 - (H ? (double)l / H : 1)) /
						(N * q);
			}
			e->lb[j][l] =
				a->metric == KB_ANON_ENTROPY ? s : s / (N * q);
			e->supp[j][l] = sp;
			free(cntl);
		}
		free(cnt0);
	}
}

void kb__anon_engine_init(struct engine *e, const struct kb_anon *a)
{
	size_t j, m, r, bit = 0, word = 0;
	uint64_t *k;

	memset(e, 0, sizeof(*e));
	e->a = a;
	e->N = a->nrows;
	e->max_supp = (size_t)floor(a->suppression * (double)a->nrows + 1e-9);
	e->k = 1;
	e->nq = a->nqi;
	e->q = kb_calloc(a->nqi ? a->nqi : 1, sizeof(*e->q));
	e->nlev = kb_calloc(a->nqi ? a->nqi : 1, sizeof(*e->nlev));
	e->model_s = kb_calloc(a->nmodel ? a->nmodel : 1, sizeof(size_t));
	e->s = kb_calloc(a->nsens ? a->nsens : 1, sizeof(*e->s));
	for (m = 0; m < a->nmodel; m++) {
		e->model_s[m] = KB_NONE;
		if (a->model[m].kind == KB_ANON_K) {
			e->k = fmax(e->k, a->model[m].k);
			continue;
		}
		for (j = 0; j < e->ns; j++)
			if (e->s[j].ci == a->model[m].attr)
				break;
		if (j == e->ns)
			e->s[e->ns++].ci = a->model[m].attr;
		e->model_s[m] = j;
	}
	/* pack: each column within one word */
	for (j = 0; j < e->nq + e->ns; j++) {
		struct col *c = j < e->nq ? &e->q[j] : &e->s[j - e->nq];
		size_t n;
		unsigned b;
		if (j < e->nq) {
			c->ci = a->qi[j];
			c->h = a->attr[c->ci].hier;
			e->nlev[j] = c->h->nlevels;
			n = c->h->nlabels[0];
		} else {
			const struct kb_anon_attr *at = &a->attr[c->ci];
			n = at->hier ? at->hier->nlabels[0] : a->ndict[c->ci];
			if (j == e->nq && bit) {
				word++; /* the sensitive part starts a word */
				bit = 0;
			}
		}
		b = bits_for(n);
		if (bit + b > 64) {
			word++;
			bit = 0;
		}
		c->word = (unsigned)word;
		c->shift = (unsigned)bit;
		c->mask = b == 64 ? ~0ULL : ((1ULL << b) - 1);
		bit += b;
		if (j + 1 == e->nq)
			e->Wq = (unsigned)word + 1;
	}
	e->W = (unsigned)word + 1;
	if (!e->nq)
		e->Wq = e->ns ? 0 : 1;
	if (e->nq && !e->ns)
		e->Wq = e->W;
	e->dom = kb_calloc(e->ns ? e->ns : 1, sizeof(*e->dom));
	e->hc = kb_calloc(e->ns ? e->ns : 1, sizeof(*e->hc));
	for (j = 0; j < e->ns; j++)
		domain(e, j);
	losses(e);

	/* the bottom table */
	{
		unsigned *lv = kb_calloc(e->nq ? e->nq : 1, sizeof(*lv));
		e->bottom = table_new(e, lv, e->N);
		k = kb_malloc(e->W * sizeof(*k));
		if (e->W == 1) {
			unsigned bits;
			size_t cap = slots1(e, e->N, &bits);
			for (r = 0; r < e->N; r++) {
				record_key(e, r, NULL, k);
				add1(e->slot1, bits, k[0], 1);
			}
			collect1(e, e->bottom, cap);
		} else {
			size_t mask = slots(e, e->N);
			for (r = 0; r < e->N; r++) {
				record_key(e, r, NULL, k);
				table_add(e, e->bottom, mask, k, 1);
			}
		}
		free(k);
		free(lv);
		table_fit(e, e->bottom);
	}
	if (e->ns) {
		size_t n = e->bottom->n ? e->bottom->n : 1, maxdom = 1;
		e->cls = kb_malloc(n * 4);
		e->csize = kb_malloc(n * 4);
		e->cstart = kb_malloc(n * 4);
		e->corder = kb_malloc(n * 4);
		e->rep = kb_malloc(n * 4);
		for (j = 0; j < e->ns; j++)
			maxdom = e->dom[j].ndom > maxdom ? e->dom[j].ndom
							 : maxdom;
		e->hv = kb_malloc(maxdom * 4);
		e->hn = kb_malloc(maxdom * 4);
		kb__anon_mem(e, (long long)(n * 20 + maxdom * 8));
	}
	/* the cache: half the encoded table, and at least 8 MiB */
	e->budget = kb_anon_table_bytes(a) / 2;
	if (e->budget < ((size_t)8 << 20))
		e->budget = (size_t)8 << 20;
}

/* The figures of the release at r->levels: suppressed records, classes,
 * ARX's loss. */
void kb__anon_release_figures(struct engine *e, struct kb_anon_result *r)
{
	struct eval ev;
	int temp;
	struct table *t = node_table(e, r->levels, 1, &temp);
	uint8_t *ok = kb_malloc(t->n ? t->n : 1);
	evaluate(e, t, &ev, ok);
	r->suppressed = ev.supp;
	r->classes = ev.classes;
	r->loss_arx = arx_loss(e, t, ok, &ev);
	free(ok);
	if (temp)
		table_free(e, t);
}

int kb_anon_node(struct kb_anon *a, const unsigned *levels, double *loss)
{
	struct engine e;
	struct eval ev;
	kb__anon_engine_init(&e, a);
	ev = kb__anon_eval_node(&e, levels, 0);
	kb__anon_engine_free(&e);
	*loss = ev.loss;
	return ev.anon;
}

void kb_anon_write(const struct kb_anon *a, const unsigned *levels,
		   int suppress, struct kb_buf *out)
{
	struct engine e;
	struct table *t;
	struct kb_csvw w;
	uint8_t *ok;
	uint64_t *k;
	size_t mask, i, j, r;
	int temp;

	kb__anon_engine_init(&e, a);
	t = node_table(&e, levels, 0, &temp);
	ok = kb_malloc(t->n ? t->n : 1);
	{
		struct eval ev;
		evaluate(&e, t, &ev, ok);
	}
	/* look the records' keys up in the node's table */
	mask = slots(&e, t->n);
	for (i = 0; i < t->n; i++) {
		size_t h = (size_t)hkey(t->key + i * e.W, e.W) & mask;
		while (e.slot[h])
			h = (h + 1) & mask;
		e.slot[h] = (uint32_t)(i + 1);
	}
	kb_csvw_init(&w, out, 0);
	w.delim = a->delim ? a->delim : ',';
	for (j = 0; j < a->nattr; j++)
		if (a->attr[j].role != KB_ANON_IDENTIFYING)
			kb_csvw_field(&w, a->attr[j].name);
	kb_csvw_end(&w);
	k = kb_malloc(e.W * sizeof(*k));
	for (r = 0; r < a->nrows; r++) {
		const uint32_t *cell = a->cell + r * a->nattr;
		size_t h, q = 0;
		record_key(&e, r, levels, k);
		h = (size_t)hkey(k, e.W) & mask;
		while (!keq(t->key + (size_t)(e.slot[h] - 1) * e.W, k, e.W))
			h = (h + 1) & mask;
		if (suppress && !ok[e.slot[h] - 1])
			continue;
		for (j = 0; j < a->nattr; j++) {
			const struct kb_anon_attr *at = &a->attr[j];
			if (at->role == KB_ANON_IDENTIFYING)
				continue;
			if (at->role == KB_ANON_QUASI) {
				unsigned l = levels[q++];
				kb_csvw_field(
					&w,
					at->hier->labels[l][at->hier->map[l][cell[j]]]);
			} else if (at->hier)
				kb_csvw_field(&w, at->hier->labels[0][cell[j]]);
			else
				kb_csvw_field(&w, a->dict[j][cell[j]]);
		}
		kb_csvw_end(&w);
	}
	free(k);
	free(ok);
	if (temp)
		table_free(&e, t);
	kb__anon_engine_free(&e);
}
