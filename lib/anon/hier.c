/*
 * hier.c - generalization hierarchies: read from files in the common
 * format, or built from a column's values (numeric intervals, dates,
 * masking from the right, ordered groupings).
 *
 * A hierarchy is a table: one row per value, the value first and its
 * generalizations after it, the most general last.  Every row has the same
 * depth, every value appears once, and a label has one parent: the same
 * label at one level always generalizes to the same label at the next.
 * Otherwise the lattice would not be a lattice of generalizations.
 */
#include "core/compat.h"

#include "anon_int.h"
#include "core/strmap.h"

/* Rows of labels, n x nlevels, owned by the caller until from_rows(). */
struct rows {
	char **cell;
	unsigned *line; /* file line of each row, 0 for a builder */
	size_t n, alloc;
	unsigned nlevels;
};

void kb__hier_free(struct kb_anon_hier *h)
{
	unsigned l;
	if (!h)
		return;
	for (l = 0; l < h->nlevels; l++) {
		size_t i;
		for (i = 0; i < h->nlabels[l]; i++)
			free(h->labels[l][i]);
		free(h->labels[l]);
		free(h->map[l]);
		free(h->leaves[l]);
	}
	if (h->up)
		for (l = 0; l < h->nlevels * h->nlevels; l++)
			free(h->up[l]);
	if (h->index) {
		kb__strmap_release(h->index);
		free(h->index);
	}
	free(h->up);
	free(h->labels);
	free(h->map);
	free(h->leaves);
	free(h->nlabels);
	free(h);
}

size_t kb__hier_find(const struct kb_anon_hier *h, const char *value)
{
	return kb__strmap_get(h->index, value);
}

static void rows_release(struct rows *r)
{
	size_t i;
	for (i = 0; i < r->n * r->nlevels; i++)
		free(r->cell[i]);
	free(r->cell);
	free(r->line);
	memset(r, 0, sizeof(*r));
}

static void rows_add(struct rows *r, char **labels, unsigned line)
{
	unsigned l;
	size_t need = (r->n + 1) * r->nlevels;
	if (need > r->alloc) {
		r->alloc = need * 2;
		r->cell = kb_realloc(r->cell, r->alloc * sizeof(*r->cell));
		r->line = kb_realloc(r->line,
				     (r->alloc / r->nlevels) * sizeof(*r->line));
	}
	for (l = 0; l < r->nlevels; l++)
		r->cell[r->n * r->nlevels + l] = labels[l];
	r->line[r->n++] = line;
}

/*
 * Turns rows into a hierarchy, checking that values are unique and that
 * every label has one parent.  file names the hierarchy file when the rows
 * come from one; builder rows are correct by construction.
 */
static int from_rows(struct rows *r, const char *file, enum kb_lang lang,
		     struct kb_anon_hier **out, struct kb_err *err)
{
	struct kb_anon_hier *h = kb_calloc(1, sizeof(*h));
	struct kb__strmap *lab = kb_calloc(r->nlevels, sizeof(*lab));
	size_t **first = kb_calloc(r->nlevels, sizeof(*first));
	uint32_t **parent = kb_calloc(r->nlevels, sizeof(*parent));
	unsigned l, a, b;
	size_t i, before = kb_err_count(err);

	h->nlevels = r->nlevels;
	h->nlabels = kb_calloc(h->nlevels, sizeof(*h->nlabels));
	h->labels = kb_calloc(h->nlevels, sizeof(*h->labels));
	h->map = kb_calloc(h->nlevels, sizeof(*h->map));
	h->leaves = kb_calloc(h->nlevels, sizeof(*h->leaves));
	h->index = lab; /* level 0's map is the index; the others go below */
	for (l = 0; l < h->nlevels; l++) {
		kb__strmap_init(&lab[l]);
		h->labels[l] = kb_calloc(r->n, sizeof(char *));
		h->map[l] = kb_calloc(r->n ? r->n : 1, sizeof(uint32_t));
		first[l] = kb_calloc(r->n ? r->n : 1, sizeof(size_t));
		parent[l] = kb_calloc(r->n ? r->n : 1, sizeof(uint32_t));
	}
	for (i = 0; i < r->n; i++) {
		char *s0 = r->cell[i * h->nlevels];
		size_t v = kb__strmap_get(&lab[0], s0);
		if (v != KB_NONE) {
			kb_err_at(
				err, KB_EINVALID, file, r->line[i], 1, NULL,
				KB_TR(lang,
				      "value '%s' is listed twice (first on line %u): each value has one row",
				      "値 '%s' が二度あります（最初は %u 行目）。値ごとに一行にしてください"),
				s0, r->line[first[0][v]]);
			continue;
		}
		v = h->nlabels[0];
		for (l = 0; l < h->nlevels; l++) {
			char *s = r->cell[i * h->nlevels + l];
			size_t id = kb__strmap_put(&lab[l], s, h->nlabels[l]);
			uint32_t child;
			if (id == h->nlabels[l]) {
				h->labels[l][id] = s;
				first[l][id] = i;
				h->nlabels[l]++;
				r->cell[i * h->nlevels + l] = NULL;
			}
			h->map[l][v] = (uint32_t)id;
			if (l == 0)
				continue;
			/* the label one level down must have this parent */
			child = h->map[l - 1][v];
			if (!parent[l - 1][child])
				parent[l - 1][child] = (uint32_t)id + 1;
			else if (parent[l - 1][child] != id + 1)
				kb_err_at(
					err, KB_EINVALID, file, r->line[i], 1,
					NULL,
					KB_TR(lang,
					      "'%s' at level %u has two parents: '%s' here and '%s' on line %u; a label generalizes to one label",
					      "レベル %2$u の '%1$s' に親が二つあります（ここでは '%3$s'、%5$u 行目では '%4$s'）。ラベルの一般化先は一つにしてください"),
					h->labels[l - 1][child], l - 1,
					h->labels[l][id],
					h->labels[l][parent[l - 1][child] - 1],
					r->line[first[l - 1][child]]);
		}
	}
	for (l = 0; l < h->nlevels; l++) {
		free(first[l]);
		free(parent[l]);
		if (l > 0)
			kb__strmap_release(&lab[l]);
	}
	free(first);
	free(parent);
	if (kb_err_count(err) > before) {
		kb__hier_free(h);
		return KB_EINVALID;
	}
	/* values under each label, and the label maps between levels */
	for (l = 0; l < h->nlevels; l++) {
		h->leaves[l] = kb_calloc(h->nlabels[l] ? h->nlabels[l] : 1,
					 sizeof(size_t));
		for (i = 0; i < h->nlabels[0]; i++)
			h->leaves[l][h->map[l][i]]++;
	}
	h->up = kb_calloc((size_t)h->nlevels * h->nlevels, sizeof(*h->up));
	for (a = 0; a < h->nlevels; a++)
		for (b = a + 1; b < h->nlevels; b++) {
			uint32_t *u = kb_calloc(h->nlabels[a], sizeof(*u));
			for (i = 0; i < h->nlabels[0]; i++)
				u[h->map[a][i]] = h->map[b][i];
			h->up[a * h->nlevels + b] = u;
		}
	*out = h;
	return 0;
}

int kb__hier_file(const char *path, char delim, enum kb_lang lang,
		  struct kb_anon_hier **out, struct kb_err *err)
{
	struct kb_csv c;
	struct rows r = { .n = 0 };
	size_t before = kb_err_count(err);
	int ret;

	if ((ret = kb_csv_open(&c, path, KB_ENC_AUTO, err)))
		return ret;
	if (delim)
		c.delim = delim;
	else
		kb_csv_sniff(&c);
	while ((ret = kb_csv_next(&c, err)) == 1) {
		char **labels;
		unsigned l;
		if (!r.nlevels)
			r.nlevels = (unsigned)c.nf;
		if (c.nf != r.nlevels) {
			kb_err_at(
				err, KB_EINVALID, c.name, c.rec_line, 1, NULL,
				KB_TR(lang,
				      "value '%s' has %zu levels but the first row has %u: every row of a hierarchy has the same depth",
				      "値 '%s' のレベル数は %zu ですが、最初の行は %u です。階層のすべての行は同じ深さにしてください"),
				c.f[0].s, c.nf, r.nlevels);
			continue;
		}
		labels = kb_calloc(r.nlevels, sizeof(*labels));
		for (l = 0; l < r.nlevels; l++)
			labels[l] = kb_strdup(c.f[l].s);
		rows_add(&r, labels, c.rec_line);
		free(labels);
	}
	if (ret == 0 && !r.n)
		ret = kb_err_at(err, KB_EINVALID, c.name, 1, 1, NULL, "%s",
				KB_TR(lang, "the hierarchy has no rows",
				      "階層に行がありません"));
	if (ret == 0 && kb_err_count(err) == before)
		ret = from_rows(&r, c.name, lang, out, err);
	else if (ret == 0)
		ret = KB_EINVALID;
	rows_release(&r);
	kb_csv_release(&c);
	return ret;
}

/* ---- builders ---- */

static int value_error(const struct kb__anon_values *v, size_t i,
		       struct kb_err *err, const char *what)
{
	return kb_err_at(
		err, KB_EINVALID, v->file, v->line[i], v->col[i], v->field,
		KB_TR(err->lang, "'%s' is not %s, as the column's hierarchy needs",
		      "'%s' は%sではありません（この列の階層に必要です）"),
		v->v[i], what);
}

static int spec_error(const char *cfg, const char *attr, struct kb_err *err,
		      const char *msg)
{
	return kb_err_at(err, KB_EINVALID, cfg, 0, 0, attr, "%s", msg);
}

static char *fmt_num(double x)
{
	struct kb_buf b = KB_BUF_INIT;
	kb_buf_addf(&b, "%.15g", x);
	return kb_buf_detach(&b, NULL);
}

/* Reads a list of positive numbers, each a multiple of the one before. */
static int widths(const json_t *arr, int empty_ok, double **out, size_t *n)
{
	size_t i;
	json_t *x;
	if (!json_is_array(arr) || (!empty_ok && !json_array_size(arr)))
		return -1;
	*n = json_array_size(arr);
	*out = kb_calloc(*n ? *n : 1, sizeof(**out));
	json_array_foreach(arr, i, x)
	{
		double w = json_number_value(x), q;
		if (!json_is_number(x) || !(w > 0))
			return -1;
		q = i ? w / (*out)[i - 1] : 1;
		if (i && (q < 1 || fabs(q - round(q)) > 1e-9))
			return -1;
		(*out)[i] = w;
	}
	return 0;
}

static int cmp_num(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* Values sorted as numbers when all are numbers, else as text. */
struct sortv {
	const char *s;
	double x;
	size_t i;
};
static int sortv_num(const void *a, const void *b)
{
	const struct sortv *x = a, *y = b;
	int c = cmp_num(x->x, y->x);
	return c ? c : strcmp(x->s, y->s);
}
static int sortv_text(const void *a, const void *b)
{
	const struct sortv *x = a, *y = b;
	return strcmp(x->s, y->s);
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
	char sep;
	int n = 0;
	if (sscanf(s, "%4d%c%2d%*c%2d%n", y, &sep, m, d, &n) != 4 ||
	    (sep != '-' && sep != '/') || s[n] || *m < 1 || *m > 12 || *d < 1 ||
	    *d > 31 || strlen(s) != 10 || s[7] != sep)
		return -1;
	return 0;
}

int kb__hier_build(const json_t *spec, const char *cfg, const char *attr,
		   const struct kb__anon_values *vals,
		   struct kb_anon_hier **out, struct kb_err *err)
{
	enum kb_lang lang = err->lang;
	struct rows r = { .n = 0 };
	json_t *x;
	double *w = NULL;
	size_t nw = 0, i, before = kb_err_count(err);
	int kind, ret;

	if ((x = json_object_get(spec, "intervals")))
		kind = 0;
	else if ((x = json_object_get(spec, "dates")))
		kind = 1;
	else if ((x = json_object_get(spec, "mask")))
		kind = 2;
	else if ((x = json_object_get(spec, "groups")))
		kind = 3;
	else
		return spec_error(
			cfg, attr, err,
			KB_TR(lang,
			      "the hierarchy needs one of \"file\", \"intervals\", \"dates\", \"mask\" or \"groups\"",
			      "階層には \"file\"、\"intervals\"、\"dates\"、\"mask\"、\"groups\" のいずれかが必要です"));

	if (kind == 0 || kind == 3) {
		if (widths(x, kind == 3, &w, &nw)) {
			free(w);
			return spec_error(
				cfg, attr, err,
				kind == 0
					? KB_TR(lang,
						"\"intervals\" must be a list of widths, each a multiple of the one before, e.g. [5, 10, 20]",
						"\"intervals\" は幅の一覧で、各幅は前の幅の倍数にしてください（例: [5, 10, 20]）")
					: KB_TR(lang,
						"\"groups\" must be a list of group sizes, each a multiple of the one before, e.g. [2, 4]",
						"\"groups\" はグループの大きさの一覧で、各大きさは前の倍数にしてください（例: [2, 4]）"));
		}
	} else if (kind == 1) {
		static const char *const units[] = { "month", "quarter", "year",
						     "decade" };
		size_t last = 0;
		json_t *u;
		if (!json_is_array(x) || !json_array_size(x))
			goto bad_dates;
		nw = json_array_size(x);
		w = kb_calloc(nw, sizeof(*w));
		json_array_foreach(x, i, u)
		{
			size_t k;
			for (k = 0; k < 4; k++)
				if (json_is_string(u) &&
				    !strcmp(json_string_value(u), units[k]))
					break;
			if (k == 4 || (i && k + 1 <= last))
				goto bad_dates;
			last = k + 1;
			w[i] = (double)k;
		}
	} else {
		json_t *u;
		/* a level per character masked: more than 64 characters is
		 * no quasi-identifier, and the levels are allocated */
		if (json_is_integer(x) && json_integer_value(x) > 0 &&
		    json_integer_value(x) <= 64) {
			nw = (size_t)json_integer_value(x);
			w = kb_calloc(nw, sizeof(*w));
			for (i = 0; i < nw; i++)
				w[i] = (double)(i + 1);
		} else if (json_is_array(x) && json_array_size(x)) {
			nw = json_array_size(x);
			w = kb_calloc(nw, sizeof(*w));
			json_array_foreach(x, i, u)
			{
				if (!json_is_integer(u) ||
				    json_integer_value(u) < 1 ||
				    (i && json_integer_value(u) <= w[i - 1])) {
					free(w);
					goto bad_mask;
				}
				w[i] = (double)json_integer_value(u);
			}
		} else {
			goto bad_mask;
		}
	}

	r.nlevels = (unsigned)nw + 2; /* the value, the built levels, '*' */
	{
		struct sortv *sv = NULL;
		size_t nv = vals->n;
		double start = json_number_value(json_object_get(spec, "start"));
		if (kind == 3) {
			/* the order: given, else numeric or alphabetical */
			json_t *ord = json_object_get(spec, "order");
			size_t nnum = 0;
			sv = kb_calloc(vals->n ? vals->n : 1, sizeof(*sv));
			for (i = 0; i < vals->n; i++) {
				sv[i].s = vals->v[i];
				sv[i].i = i;
				nnum += !kb_parse_number(vals->v[i], &sv[i].x);
			}
			if (json_is_array(ord)) {
				/* the groups are made over the whole list, so
				 * that they do not depend on the data */
				struct kb__strmap pos;
				json_t *o;
				size_t k;
				kb__strmap_init(&pos);
				nv = 0;
				sv = kb_realloc(sv, (json_array_size(ord) + 1) *
							    sizeof(*sv));
				json_array_foreach(ord, k, o)
				{
					if (json_is_string(o) &&
					    kb__strmap_put(&pos,
							   json_string_value(o),
							   nv) == nv) {
						sv[nv].s = json_string_value(o);
						sv[nv].i = nv;
						nv++;
					}
				}
				for (i = 0; i < vals->n; i++) {
					size_t p =
						kb__strmap_get(&pos, vals->v[i]);
					if (p == KB_NONE)
						kb_err_at(
							err, KB_EINVALID,
							vals->file, vals->line[i],
							vals->col[i], vals->field,
							KB_TR(lang,
							      "'%s' is not in the hierarchy's \"order\" list in %s",
							      "'%s' は %s の階層の \"order\" の一覧にありません"),
							vals->v[i], cfg);
				}
				kb__strmap_release(&pos);
			} else {
				qsort(sv, vals->n, sizeof(*sv),
				      nnum == vals->n ? sortv_num : sortv_text);
			}
		}
		for (i = 0; i < nv && kb_err_count(err) == before; i++) {
			size_t vi = sv ? sv[i].i : i;
			const char *v = sv ? sv[i].s : vals->v[i];
			char **lab = kb_calloc(r.nlevels, sizeof(*lab));
			size_t k;
			lab[0] = kb_strdup(v);
			lab[r.nlevels - 1] = kb_strdup("*");
			for (k = 0; k < nw; k++) {
				struct kb_buf b = KB_BUF_INIT;
				if (kind == 0) {
					double num, lo;
					char *s1, *s2;
					if (kb_parse_number(v, &num)) {
						value_error(vals, vi, err,
							    KB_TR(lang, "a number",
								  "数値"));
						break;
					}
					lo = start +
					     floor((num - start) / w[k]) * w[k];
					s1 = fmt_num(lo);
					s2 = fmt_num(lo + w[k]);
					kb_buf_addf(&b, "[%s,%s)", s1, s2);
					free(s1);
					free(s2);
				} else if (kind == 1) {
					int y, m, d;
					if (parse_date(v, &y, &m, &d)) {
						value_error(
							vals, vi, err,
							KB_TR(lang,
							      "a date (YYYY-MM-DD)",
							      "日付（YYYY-MM-DD）"));
						break;
					}
					if (w[k] == 0)
						kb_buf_addf(&b, "%04d-%02d", y,
							    m);
					else if (w[k] == 1)
						kb_buf_addf(&b, "%04d-Q%d", y,
							    (m + 2) / 3);
					else if (w[k] == 2)
						kb_buf_addf(&b, "%04d", y);
					else
						kb_buf_addf(&b, "%04ds",
							    y / 10 * 10);
				} else if (kind == 2) {
					size_t len = strlen(v),
					       n = (size_t)w[k], j;
					kb_buf_add(&b, v, len > n ? len - n : 0);
					for (j = len > n ? len - n : 0; j < len;
					     j++)
						kb_buf_addch(&b, '*');
				} else {
					size_t g = (size_t)w[k], lo = i / g * g,
					       hi = lo + g - 1 < nv - 1
							    ? lo + g - 1
							    : nv - 1;
					if (lo == hi)
						kb_buf_adds(&b, sv[lo].s);
					else
						kb_buf_addf(&b, "%s..%s",
							    sv[lo].s, sv[hi].s);
				}
				lab[k + 1] = kb_buf_detach(&b, NULL);
			}
			if (k < nw) {
				for (k = 0; k < r.nlevels; k++)
					free(lab[k]);
				free(lab);
				continue;
			}
			rows_add(&r, lab, 0);
			free(lab);
		}
		/* report every bad value, not only the first */
		for (; i < vals->n && kind != 3 && kind != 2; i++) {
			double num;
			int y, m, d;
			if (kind == 0 && kb_parse_number(vals->v[i], &num))
				value_error(vals, i, err,
					    KB_TR(lang, "a number", "数値"));
			if (kind == 1 && parse_date(vals->v[i], &y, &m, &d))
				value_error(vals, i, err,
					    KB_TR(lang, "a date (YYYY-MM-DD)",
						  "日付（YYYY-MM-DD）"));
		}
		free(sv);
	}
	free(w);
	if (kb_err_count(err) > before)
		ret = KB_EINVALID;
	else
		ret = from_rows(&r, cfg, lang, out, err);
	rows_release(&r);
	return ret;

bad_dates:
	free(w);
	return spec_error(
		cfg, attr, err,
		KB_TR(lang,
		      "\"dates\" must list coarser and coarser units among \"month\", \"quarter\", \"year\", \"decade\"",
		      "\"dates\" には \"month\"、\"quarter\"、\"year\"、\"decade\" から、しだいに粗くなる単位を並べてください"));
bad_mask:
	return spec_error(
		cfg, attr, err,
		KB_TR(lang,
		      "\"mask\" must be a number of levels from 1 to 64 (one more character masked at each) or a rising list of characters masked, e.g. 3 or [1, 3]",
		      "\"mask\" は 1〜64 のレベル数（レベルごとに一文字ずつ伏せる）か、伏せる文字数の増加する一覧にしてください（例: 3 や [1, 3]）"));
}
