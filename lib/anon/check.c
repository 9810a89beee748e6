/*
 * check.c - checking a release against the privacy models, and the
 * re-identification risk that remains, from the release's text alone.
 *
 * The records are grouped by the text of their quasi-identifiers (sorted,
 * not hashed, and without the search's tables), so the check is a second,
 * independent route to the same answer: kiban checks every release it
 * writes this way before it reports it.
 *
 * Risk (El Emam's measures; f the size of a record's class in the
 * release, F in the population, n the records, J the classes):
 * prosecutor: highest 1/min f, average J/n; journalist: highest 1/min F,
 * average J / sum F; marketer: (1/n) sum f/F.  Without a population the
 * release is its own population (F = f).
 */
#include "core/compat.h"

#include "anon_int.h"
#include "core/strmap.h"

const char *const kb_anon_size_bands[9] = { "1",     "2",	"3-4",
					    "5-9",   "10-19",	"20-49",
					    "50-99", "100-999", "1000+" };

static size_t band(size_t f)
{
	static const size_t lo[] = { 1, 2, 3, 5, 10, 20, 50, 100, 1000 };
	size_t b = 0;
	while (b + 1 < 9 && f >= lo[b + 1])
		b++;
	return b;
}

/* One sensitive attribute's values in the release. */
struct sattr {
	size_t col;	       /* in the release */
	size_t ci;	       /* in the configuration */
	struct kb__strmap map; /* value -> id (when no hierarchy) */
	char **v;	       /* owned values */
	size_t n, alloc;
	const struct kb_anon_hier *h;
	struct kb_anon_hier *own; /* built or read here */
	uint32_t *id;		  /* [row] */
	struct kb__anon_sdom dom;
};

struct rows {
	char **key; /* [row] the quasi-identifiers' text */
	size_t n, alloc;
};

static int cmp_key(const void *x, const void *y)
{
	return strcmp(**(char *const *const *)x, **(char *const *const *)y);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

static size_t sattr_id(struct sattr *s, const char *v)
{
	size_t id;
	if (s->h)
		return kb__hier_find(s->h, v);
	id = kb__strmap_get(&s->map, v);
	if (id != KB_NONE)
		return id;
	KB_ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n] = kb_strdup(v);
	kb__strmap_put(&s->map, s->v[s->n], s->n);
	return s->n++;
}

/* Reads the release's header and rows: the key text of each row and the
 * ids of its sensitive values. */
static int read_rows(const struct kb_anon *a, struct kb_csv *c, const size_t *qa,
		     size_t nq, size_t *qcol, struct sattr *sa, size_t nsa,
		     struct rows *rows, struct kb_err *err)
{
	size_t i, j, before = kb_err_count(err);
	int ret;

	kb_csv_sniff(c);
	if ((ret = kb_csv_next(c, err)) <= 0)
		return ret ? ret
			   : kb_err_at(err, KB_EINVALID, c->name, 1, 1, NULL,
				       "%s",
				       KB_TR(a->lang, "the file is empty",
					     "ファイルが空です"));
	for (i = 0; i < nq; i++)
		qcol[i] = KB_NONE;
	for (i = 0; i < nsa; i++)
		sa[i].col = KB_NONE;
	for (j = 0; j < c->nf; j++) {
		const char *h = c->f[j].s;
		size_t q = 0;
		for (i = 0; i < a->nattr; i++)
			if (!strcmp(a->attr[i].name, h))
				break;
		if (i < a->nattr && a->attr[i].role == KB_ANON_IDENTIFYING)
			kb_err_at(
				err, KB_EINVALID, c->name, c->f[j].line,
				c->f[j].col, h,
				KB_TR(a->lang,
				      "the release still has the identifying column '%s'",
				      "公開データに識別子の列 '%s' が残っています"),
				h);
		for (q = 0; q < nq; q++)
			if (qa[q] == i)
				qcol[q] = j;
		for (q = 0; q < nsa; q++)
			if (sa[q].ci == i)
				sa[q].col = j;
	}
	for (i = 0; i < nq; i++)
		if (qcol[i] == KB_NONE)
			kb_err_at(
				err, KB_EINVALID, c->name, 1, 1, NULL,
				KB_TR(a->lang,
				      "the quasi-identifier '%s' is not a column of the release",
				      "準識別子 '%s' が公開データの列にありません"),
				a->attr[qa[i]].name);
	for (i = 0; i < nsa; i++)
		if (sa[i].col == KB_NONE)
			kb_err_at(
				err, KB_EINVALID, c->name, 1, 1, NULL,
				KB_TR(a->lang,
				      "the sensitive attribute '%s' is not a column of the release",
				      "機微属性 '%s' が公開データの列にありません"),
				a->attr[sa[i].ci].name);
	if (kb_err_count(err) > before)
		return KB_EINVALID;
	c->header_nf = c->nf; /* a wider row is then refused */
	while ((ret = kb_csv_next(c, err)) == 1) {
		struct kb_buf k = KB_BUF_INIT;
		for (i = 0; i < nq; i++) {
			if (i)
				kb_buf_addch(&k, '\x1f');
			kb_buf_adds(&k, kb_csv_get(c, (int)qcol[i]));
		}
		if (rows->n == rows->alloc) {
			/* the keys and the sensitive ids grow together */
			KB_ALLOC_GROW(rows->key, rows->n + 1, rows->alloc);
			for (i = 0; i < nsa; i++)
				sa[i].id = kb_realloc(
					sa[i].id, rows->alloc * sizeof(uint32_t));
		}
		rows->key[rows->n] = kb_buf_detach(&k, NULL);
		for (i = 0; i < nsa; i++) {
			const char *v = kb_csv_get(c, (int)sa[i].col);
			size_t id = sattr_id(&sa[i], v);
			if (id == KB_NONE)
				kb_csv_bad(
					c, err, (int)sa[i].col,
					a->attr[sa[i].ci].name,
					KB_TR(a->lang,
					      "'%s' is not in the attribute's hierarchy",
					      "'%s' が属性の階層にありません"),
					v);
			sa[i].id[rows->n] = (uint32_t)id;
		}
		rows->n++;
	}
	if (ret < 0)
		return ret;
	return kb_err_count(err) > before ? KB_EINVALID : 0;
}

/* The domain of a sensitive attribute: reference shares (the original
 * records when a holds them, else the release) and the order. */
static int sattr_domain(const struct kb_anon *a, struct sattr *s, size_t nrows,
			struct kb_err *err)
{
	const struct kb_anon_attr *at = &a->attr[s->ci];
	double total = 0;
	size_t i, n;

	if (a->nrows) /* the original's values join the domain */
		for (i = 0; i < a->nrows; i++) {
			uint32_t v = a->cell[i * a->nattr + s->ci];
			const char *txt = at->hier ? at->hier->labels[0][v]
						   : a->dict[s->ci][v];
			sattr_id(s, txt);
		}
	n = s->h ? s->h->nlabels[0] : s->n;
	s->dom.ndom = n;
	s->dom.h = s->h;
	s->dom.ref = kb_calloc(n ? n : 1, sizeof(double));
	s->dom.rank = kb_calloc(n ? n : 1, sizeof(uint32_t));
	s->dom.scratch = kb_calloc(3 * (n ? n : 1), sizeof(double));
	if (a->nrows) {
		for (i = 0; i < a->nrows; i++) {
			uint32_t v = a->cell[i * a->nattr + s->ci];
			s->dom.ref[sattr_id(s, at->hier ? at->hier->labels[0][v]
							: a->dict[s->ci][v])] +=
				1;
		}
		total = (double)a->nrows;
	} else {
		for (i = 0; i < nrows; i++)
			s->dom.ref[s->id[i]] += 1;
		total = (double)nrows;
	}
	for (i = 0; i < n; i++)
		s->dom.ref[i] /= total ? total : 1;
	if (at->numeric_order) {
		const char **txt = kb_calloc(n ? n : 1, sizeof(*txt));
		for (i = 0; i < n; i++)
			txt[i] = s->h ? s->h->labels[0][i] : s->v[i];
		i = kb__anon_rank(txt, n, s->dom.rank);
		free(txt);
		if (i != KB_NONE)
			return kb_err_at(
				err, KB_EINVALID, NULL, 0, 0, at->name,
				KB_TR(a->lang,
				      "'%s' is not a number, as ordered t-closeness needs",
				      "'%s' は数値ではありません（順序距離の t-近接性に必要です）"),
				s->h ? s->h->labels[0][i] : s->v[i]);
	} else {
		for (i = 0; i < n; i++)
			s->dom.rank[i] = (uint32_t)i;
	}
	return 0;
}

/* A hierarchy for hierarchical distance when a has none loaded. */
static int sattr_hier(const struct kb_anon *a, struct sattr *s, struct kb_err *err)
{
	const struct kb_anon_attr *at = &a->attr[s->ci];
	const char *file;
	char *path;
	size_t m;
	int ret;

	for (m = 0; m < a->nmodel; m++)
		if (a->model[m].kind == KB_ANON_T_HIERARCHY &&
		    a->model[m].attr == s->ci)
			break;
	if (m == a->nmodel)
		return 0;
	if (at->hier) {
		s->h = at->hier;
		return 0;
	}
	file = json_string_value(json_is_string(at->spec)
					 ? at->spec
					 : json_object_get(at->spec, "file"));
	if (!file)
		return kb_err_at(
			err, KB_EINVALID, a->config_name, 0, 0, at->name, "%s",
			KB_TR(a->lang,
			      "checking hierarchical t-closeness without the original records needs a hierarchy file",
			      "元のレコードなしで階層的 t-近接性を検査するには階層ファイルが必要です"));
	path = kb_strdup(file);
	if (file[0] != '/' && a->dir && strcmp(a->dir, ".")) {
		struct kb_buf b = KB_BUF_INIT;
		kb_buf_addf(&b, "%s%s%s", a->dir,
			    a->dir[strlen(a->dir) - 1] == '/' ? "" : "/", file);
		free(path);
		path = kb_buf_detach(&b, NULL);
	}
	ret = kb__hier_file(path, 0, a->lang, &s->own, err);
	free(path);
	s->h = s->own;
	return ret;
}

static void sattr_release(struct sattr *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->id);
	kb__strmap_release(&s->map);
	kb__hier_free(s->own);
	free(s->dom.ref);
	free(s->dom.rank);
	free(s->dom.scratch);
}

/* Population class sizes: the rows of pop with each key. */
static int population(const struct kb_anon *a, struct kb_csv *pop,
		      const size_t *qa, size_t nq, struct kb__strmap *map,
		      struct rows *prow, size_t **count, struct kb_err *err)
{
	size_t *qcol = kb_calloc(nq ? nq : 1, sizeof(*qcol)), i, n = 0;
	int ret = read_rows(a, pop, qa, nq, qcol, NULL, 0, prow, err);
	free(qcol);
	if (ret)
		return ret;
	*count = kb_calloc(prow->n ? prow->n : 1, sizeof(**count));
	for (i = 0; i < prow->n; i++) {
		size_t id = kb__strmap_put(map, prow->key[i], n);
		if (id == n)
			n++;
		(*count)[id]++;
	}
	return 0;
}

int kb_anon_check(const struct kb_anon *a, struct kb_csv *csv,
		  struct kb_csv *pop, double threshold,
		  struct kb_anon_check *out, struct kb_err *err)
{
	struct sattr *sa = kb_calloc(a->nattr ? a->nattr : 1, sizeof(*sa));
	size_t *qcol = kb_calloc(a->nattr ? a->nattr : 1, sizeof(*qcol));
	size_t *qa = kb_calloc(a->nattr ? a->nattr : 1, sizeof(*qa)), nq = 0;
	struct rows rows = { .n = 0 }, prow = { .n = 0 };
	struct kb__strmap pmap;
	size_t *pcount = NULL, nsa = 0, i, m, g;
	char ***order = NULL;
	uint32_t **vals = NULL, **cnts = NULL;
	double sumF = 0, marketer = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	out->threshold = threshold;
	kb__strmap_init(&pmap);
	for (i = 0; i < a->nattr; i++)
		if (a->attr[i].role == KB_ANON_QUASI)
			qa[nq++] = i;
	for (m = 0; m < a->nmodel; m++) {
		if (a->model[m].kind == KB_ANON_K)
			continue;
		for (i = 0; i < nsa; i++)
			if (sa[i].ci == a->model[m].attr)
				break;
		if (i == nsa) {
			sa[nsa].ci = a->model[m].attr;
			kb__strmap_init(&sa[nsa].map);
			nsa++;
		}
	}
	for (i = 0; i < nsa; i++)
		if ((ret = sattr_hier(a, &sa[i], err)))
			goto out;
	if ((ret = read_rows(a, csv, qa, nq, qcol, sa, nsa, &rows, err)))
		goto out;
	for (i = 0; i < nsa; i++)
		if ((ret = sattr_domain(a, &sa[i], rows.n, err)))
			goto out;
	if (pop && (ret = population(a, pop, qa, nq, &pmap, &prow, &pcount, err)))
		goto out;

	/* classes: rows sorted by key text */
	order = kb_malloc((rows.n ? rows.n : 1) * sizeof(*order));
	for (i = 0; i < rows.n; i++)
		order[i] = &rows.key[i];
	qsort(order, rows.n, sizeof(*order), cmp_key);
	vals = kb_calloc(nsa ? nsa : 1, sizeof(*vals));
	cnts = kb_calloc(nsa ? nsa : 1, sizeof(*cnts));
	for (i = 0; i < nsa; i++) {
		vals[i] = kb_malloc((rows.n ? rows.n : 1) * sizeof(uint32_t));
		cnts[i] = kb_malloc((rows.n ? rows.n : 1) * sizeof(uint32_t));
	}
	out->records = rows.n;
	out->min_class = rows.n;
	for (g = 0; g < rows.n;) {
		size_t end = g + 1, f, F, s;
		int pass = 1;
		while (end < rows.n && !strcmp(*order[end], *order[g]))
			end++;
		f = end - g;
		/* the sensitive values of the class, counted */
		for (s = 0; s < nsa; s++) {
			size_t k, nv = 0;
			for (k = g; k < end; k++)
				vals[s][k - g] = sa[s].id[order[k] - rows.key];
			qsort(vals[s], f, sizeof(uint32_t), cmp_u32);
			for (k = 0; k < f; k++) {
				if (!k || vals[s][k] != vals[s][nv - 1]) {
					vals[s][nv] = vals[s][k];
					cnts[s][nv++] = 0;
				}
				cnts[s][nv - 1]++;
			}
			for (m = 0; m < a->nmodel && pass; m++)
				if (a->model[m].kind != KB_ANON_K &&
				    a->model[m].attr == sa[s].ci &&
				    !kb__anon_class_ok(&a->model[m], vals[s],
						       cnts[s], nv, f,
						       &sa[s].dom)) {
					pass = 0;
					if (!out->first_failure)
						out->first_failure =
							kb__anon_model_label(
								a->model[m].kind);
				}
		}
		for (m = 0; m < a->nmodel && pass; m++)
			if (a->model[m].kind == KB_ANON_K &&
			    (double)f < a->model[m].k) {
				pass = 0;
				if (!out->first_failure)
					out->first_failure =
						kb__anon_model_label(KB_ANON_K);
			}
		if (!pass) {
			out->failing_classes++;
			out->failing_records += f;
		}
		F = f;
		if (pop) {
			size_t id = kb__strmap_get(&pmap, *order[g]);
			F = id == KB_NONE ? 0 : pcount[id];
			if (F < f) {
				ret = kb_err_at(
					err, KB_EINVALID, pop->name, 0, 0, NULL,
					KB_TR(a->lang,
					      "the release's class '%s' (line %zu) has %zu records in the population but %zu in the release: is the population generalized the same way?",
					      "公開データのクラス '%s'（%zu 行目）の母集団のレコードは %zu 件で、公開データの %zu 件より少なくなっています。同じ一般化をした母集団ですか"),
					*order[g],
					(size_t)(order[g] - rows.key) + 2, F, f);
				goto out;
			}
		}
		out->classes++;
		if (f < out->min_class)
			out->min_class = f;
		if (1.0 / (double)F > out->journalist_max)
			out->journalist_max = 1.0 / (double)F;
		sumF += (double)F;
		marketer += (double)f / (double)F;
		if (1.0 / (double)f > threshold)
			out->above_threshold += f;
		out->sizes[band(f)][0]++;
		out->sizes[band(f)][1] += f;
		g = end;
	}
	if (rows.n) {
		out->prosecutor_max = 1.0 / (double)out->min_class;
		out->prosecutor_avg = (double)out->classes / (double)rows.n;
		out->journalist_avg = (double)out->classes / sumF;
		out->marketer = marketer / (double)rows.n;
	}
	ret = 0;
out:
	for (i = 0; i < nsa; i++) {
		sattr_release(&sa[i]);
		if (vals)
			free(vals[i]);
		if (cnts)
			free(cnts[i]);
	}
	for (i = 0; i < rows.n; i++)
		free(rows.key[i]);
	for (i = 0; i < prow.n; i++)
		free(prow.key[i]);
	free(rows.key);
	free(prow.key);
	free(pcount);
	kb__strmap_release(&pmap);
	free(vals);
	free(cnts);
	free(order);
	free(qcol);
	free(qa);
	free(sa);
	return ret;
}
