/*
 * config.c - the anonymizer's configuration (JSON) and the records it
 * applies to (CSV, UTF-8 or CP932, ',' ';' or tab separated).
 */
#include "core/compat.h"

#include "anon_int.h"
#include "core/strmap.h"

struct kb_anon *kb_anon_new(enum kb_lang lang)
{
	struct kb_anon *a = kb_calloc(1, sizeof(*a));
	a->lang = lang;
	a->metric = KB_ANON_ENTROPY;
	return a;
}

static void free_data(struct kb_anon *a)
{
	size_t i, j;
	if (a->dict)
		for (i = 0; i < a->nattr; i++) {
			for (j = 0; j < a->ndict[i]; j++)
				free(a->dict[i][j]);
			free(a->dict[i]);
		}
	free(a->dict);
	free(a->ndict);
	free(a->cell);
	free(a->qi);
	free(a->sens);
	free(a->data_name);
	a->dict = NULL;
	a->ndict = NULL;
	a->cell = NULL;
	a->qi = a->sens = NULL;
	a->data_name = NULL;
	a->nrows = a->nqi = a->nsens = 0;
	for (i = 0; i < a->nattr; i++) {
		kb__hier_free(a->attr[i].hier);
		a->attr[i].hier = NULL;
	}
}

void kb_anon_free(struct kb_anon *a)
{
	size_t i;
	if (!a)
		return;
	free_data(a);
	for (i = 0; i < a->nattr; i++) {
		free(a->attr[i].name);
		json_decref(a->attr[i].spec);
	}
	free(a->attr);
	free(a->model);
	free(a->config_name);
	free(a->dir);
	free(a);
}

static const char *const metric_names[] = { "entropy", "loss", "discernibility",
					    "aecs", "precision" };

int kb_anon_metric_parse(const char *s)
{
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(metric_names); i++)
		if (!strcmp(s, metric_names[i]))
			return (int)i;
	return -1;
}

const char *kb_anon_metric_name(enum kb_anon_metric m)
{
	return metric_names[m];
}

static int bad(struct kb_anon *a, struct kb_err *err, const char *field,
	       const char *en, const char *ja)
{
	return kb_err_at(err, KB_EINVALID, a->config_name, 0, 0, field, "%s",
			 KB_TR(a->lang, en, ja));
}

static size_t find_attr(const struct kb_anon *a, const char *name)
{
	size_t i;
	for (i = 0; i < a->nattr; i++)
		if (!strcmp(a->attr[i].name, name))
			return i;
	return KB_NONE;
}

static int parse_role(const char *s, enum kb_anon_role *r)
{
	static const struct {
		const char *name;
		enum kb_anon_role role;
	} roles[] = {
		{ "identifying", KB_ANON_IDENTIFYING },
		{ "quasi", KB_ANON_QUASI },
		{ "quasi-identifying", KB_ANON_QUASI },
		{ "sensitive", KB_ANON_SENSITIVE },
		{ "insensitive", KB_ANON_INSENSITIVE },
	};
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(roles); i++)
		if (!strcmp(s, roles[i].name)) {
			*r = roles[i].role;
			return 0;
		}
	return -1;
}

/* Keys of obj outside allowed are typos: reported, never ignored. */
static int only_keys(struct kb_anon *a, struct kb_err *err, const json_t *obj,
		     const char *where, const char *const *allowed)
{
	const char *key;
	json_t *v;
	int ret = 0;
	json_object_foreach((json_t *)obj, key, v)
	{
		const char *const *k;
		for (k = allowed; *k && strcmp(*k, key); k++)
			;
		if (!*k)
			ret = kb_err_at(err, KB_EINVALID, a->config_name, 0, 0,
					where,
					KB_TR(a->lang, "unknown key \"%s\"",
					      "不明なキー \"%s\" です"),
					key);
	}
	return ret;
}

static int parse_attrs(struct kb_anon *a, const json_t *attrs, struct kb_err *err)
{
	static const char *const keys[] = { "type", "hierarchy", NULL };
	const char *name;
	json_t *v;
	size_t before = kb_err_count(err);

	if (!json_is_object(attrs) || !json_object_size(attrs))
		return bad(
			a, err, "attributes",
			"\"attributes\" must be an object naming each column's type, "
			"e.g. {\"age\": {\"type\": \"quasi\", \"hierarchy\": \"age.csv\"}}",
			"\"attributes\" には各列の種類をオブジェクトで書いてください"
			"（例: {\"age\": {\"type\": \"quasi\", \"hierarchy\": \"age.csv\"}}）");
	a->attr = kb_calloc(json_object_size(attrs), sizeof(*a->attr));
	json_object_foreach((json_t *)attrs, name, v)
	{
		struct kb_anon_attr *at = &a->attr[a->nattr++];
		const char *type = json_string_value(
			json_is_object(v) ? json_object_get(v, "type") : v);
		struct kb_buf field = KB_BUF_INIT;
		json_t *h = json_object_get(v, "hierarchy");

		at->name = kb_strdup(name);
		kb_buf_addf(&field, "attributes.%s", name);
		if (json_is_object(v))
			only_keys(a, err, v, field.buf, keys);
		if (!type || parse_role(type, &at->role))
			bad(a, err, field.buf,
			    "the type must be \"identifying\", \"quasi\", \"sensitive\" or \"insensitive\"",
			    "種類は \"identifying\"、\"quasi\"、\"sensitive\"、\"insensitive\" のいずれかにしてください");
		else if (at->role == KB_ANON_QUASI && !h)
			bad(a, err, field.buf,
			    "a quasi-identifier needs a \"hierarchy\": a file or a builder",
			    "準識別子には \"hierarchy\"（ファイルか生成規則）が必要です");
		else if (h && (at->role == KB_ANON_IDENTIFYING ||
			       at->role == KB_ANON_INSENSITIVE))
			bad(a, err, field.buf,
			    "only quasi-identifiers and sensitive attributes have a hierarchy",
			    "階層を持てるのは準識別子と機微属性だけです");
		else if (h && !json_is_string(h) && !json_is_object(h))
			bad(a, err, field.buf,
			    "\"hierarchy\" is a file name or an object",
			    "\"hierarchy\" はファイル名かオブジェクトにしてください");
		if (h)
			at->spec = json_incref(h);
		kb_buf_release(&field);
	}
	return kb_err_count(err) > before ? KB_EINVALID : 0;
}

static int number(const json_t *o, const char *key, double lo, double *out)
{
	json_t *x = json_object_get(o, key);
	if (!json_is_number(x) || !(json_number_value(x) >= lo))
		return -1;
	*out = json_number_value(x);
	return 0;
}

/* The sensitive attribute a model protects: named, or the only one. */
static int model_attr(struct kb_anon *a, struct kb_err *err, const json_t *o,
		      const char *field, size_t *out)
{
	const char *name = json_string_value(json_object_get(o, "attribute"));
	size_t i, n = 0;
	if (name) {
		i = find_attr(a, name);
		if (i == KB_NONE || a->attr[i].role != KB_ANON_SENSITIVE)
			return kb_err_at(
				err, KB_EINVALID, a->config_name, 0, 0, field,
				KB_TR(a->lang,
				      "\"%s\" is not a sensitive attribute of the configuration",
				      "\"%s\" は設定の機微属性ではありません"),
				name);
		*out = i;
		return 0;
	}
	for (i = 0; i < a->nattr; i++)
		if (a->attr[i].role == KB_ANON_SENSITIVE) {
			*out = i;
			n++;
		}
	if (n != 1)
		return bad(
			a, err, field,
			"name the sensitive \"attribute\" the model protects",
			"モデルが保護する機微属性を \"attribute\" で指定してください");
	return 0;
}

static int parse_model(struct kb_anon *a, struct kb_err *err, const json_t *o,
		       int is_t)
{
	static const char *const lkeys[] = { "attribute", "variant", "l", "c",
					     NULL };
	static const char *const tkeys[] = { "attribute", "distance", "t", NULL };
	const char *field = is_t ? "privacy.t-closeness" : "privacy.l-diversity";
	struct kb_anon_model m = { .kind = KB_ANON_K };
	const char *kind;

	if (!json_is_object(o))
		return bad(a, err, field, "the model must be an object",
			   "モデルはオブジェクトで書いてください");
	only_keys(a, err, o, field, is_t ? tkeys : lkeys);
	if (model_attr(a, err, o, field, &m.attr))
		return KB_EINVALID;
	if (is_t) {
		kind = json_string_value(json_object_get(o, "distance"));
		if (!kind || !strcmp(kind, "equal"))
			m.kind = KB_ANON_T_EQUAL;
		else if (!strcmp(kind, "hierarchical"))
			m.kind = KB_ANON_T_HIERARCHY;
		else if (!strcmp(kind, "ordered"))
			m.kind = KB_ANON_T_ORDERED;
		else
			return bad(
				a, err, field,
				"\"distance\" is \"equal\", \"hierarchical\" or \"ordered\"",
				"\"distance\" は \"equal\"、\"hierarchical\"、\"ordered\" のいずれかです");
		if (number(o, "t", 0, &m.t) || m.t > 1)
			return bad(a, err, field, "\"t\" is a number from 0 to 1",
				   "\"t\" は 0 から 1 の数にしてください");
		if (m.kind == KB_ANON_T_HIERARCHY && !a->attr[m.attr].spec)
			return bad(
				a, err, field,
				"hierarchical distance needs a \"hierarchy\" on the sensitive attribute",
				"階層的距離には機微属性の \"hierarchy\" が必要です");
		if (m.kind == KB_ANON_T_ORDERED)
			a->attr[m.attr].numeric_order = 1;
	} else {
		kind = json_string_value(json_object_get(o, "variant"));
		if (!kind || !strcmp(kind, "distinct"))
			m.kind = KB_ANON_L_DISTINCT;
		else if (!strcmp(kind, "entropy"))
			m.kind = KB_ANON_L_ENTROPY;
		else if (!strcmp(kind, "recursive"))
			m.kind = KB_ANON_L_RECURSIVE;
		else
			return bad(
				a, err, field,
				"\"variant\" is \"distinct\", \"entropy\" or \"recursive\"",
				"\"variant\" は \"distinct\"、\"entropy\"、\"recursive\" のいずれかです");
		if (number(o, "l", 1, &m.l) ||
		    (m.kind != KB_ANON_L_ENTROPY && m.l != floor(m.l)))
			return bad(
				a, err, field,
				"\"l\" is a whole number of at least 1 (entropy l-diversity accepts fractions)",
				"\"l\" は 1 以上の整数です（エントロピー l-多様性では小数も可）");
		if (m.kind == KB_ANON_L_RECURSIVE &&
		    (number(o, "c", 0, &m.c) || m.c <= 0))
			return bad(
				a, err, field,
				"recursive (c,l)-diversity needs \"c\" above 0",
				"再帰的 (c,l)-多様性には 0 より大きい \"c\" が必要です");
	}
	KB_ALLOC_GROW(a->model, a->nmodel + 1, a->alloc_model);
	a->model[a->nmodel++] = m;
	return 0;
}

static int parse_privacy(struct kb_anon *a, const json_t *p, struct kb_err *err)
{
	static const char *const keys[] = { "k", "l-diversity", "t-closeness",
					    "suppression", NULL };
	int t;
	json_t *x;
	size_t before = kb_err_count(err);

	if (!json_is_object(p))
		return bad(
			a, err, "privacy",
			"\"privacy\" must be an object, e.g. {\"k\": 5}",
			"\"privacy\" はオブジェクトにしてください（例: {\"k\": 5}）");
	only_keys(a, err, p, "privacy", keys);
	if ((x = json_object_get(p, "k"))) {
		struct kb_anon_model m = { .kind = KB_ANON_K };
		if (!json_is_integer(x) || json_integer_value(x) < 1)
			return bad(a, err, "privacy.k",
				   "\"k\" is a whole number of at least 1",
				   "\"k\" は 1 以上の整数です");
		m.k = (double)json_integer_value(x);
		KB_ALLOC_GROW(a->model, a->nmodel + 1, a->alloc_model);
		a->model[a->nmodel++] = m;
	}
	if ((x = json_object_get(p, "suppression")) &&
	    (number(p, "suppression", 0, &a->suppression) || a->suppression > 1))
		return bad(
			a, err, "privacy.suppression",
			"\"suppression\" is the largest share of records removed, from 0 to 1",
			"\"suppression\" は削除してよいレコードの割合（0 から 1）です");
	for (t = 0; t < 2; t++) {
		size_t i;
		json_t *m;
		x = json_object_get(p, t ? "t-closeness" : "l-diversity");
		if (json_is_array(x)) {
			json_array_foreach(x, i, m)
			{
				parse_model(a, err, m, t);
			}
		} else if (x) {
			parse_model(a, err, x, t);
		}
	}
	return kb_err_count(err) > before ? KB_EINVALID : 0;
}

int kb_anon_config_text(struct kb_anon *a, const char *name, const char *json,
			const char *dir, struct kb_err *err)
{
	static const char *const keys[] = { "attributes", "privacy", "metric",
					    NULL };
	json_error_t je;
	json_t *root, *x;
	size_t before = kb_err_count(err);
	int ret;

	free(a->config_name);
	free(a->dir);
	a->config_name = kb_strdup(name);
	a->dir = kb_strdup(dir ? dir : ".");
	root = json_loads(json, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return kb_err_at(err, KB_EPARSE, name, (unsigned)je.line,
				 (unsigned)je.column, NULL, "%s", je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(a, err, NULL, "the configuration is a JSON object",
			   "設定は JSON のオブジェクトにしてください");
	}
	only_keys(a, err, root, NULL, keys);
	ret = parse_attrs(a, json_object_get(root, "attributes"), err);
	if (!ret)
		ret = parse_privacy(a, json_object_get(root, "privacy"), err);
	if (!ret && (x = json_object_get(root, "metric"))) {
		int m = json_is_string(x)
				? kb_anon_metric_parse(json_string_value(x))
				: -1;
		if (m < 0)
			ret = bad(
				a, err, "metric",
				"\"metric\" is \"entropy\", \"loss\", \"discernibility\", \"aecs\" or \"precision\"",
				"\"metric\" は \"entropy\"、\"loss\"、\"discernibility\"、\"aecs\"、\"precision\" のいずれかです");
		else
			a->metric = (enum kb_anon_metric)m;
	}
	if (!ret && !a->nmodel)
		ret = bad(
			a, err, "privacy",
			"name at least one privacy model: \"k\", \"l-diversity\" or \"t-closeness\"",
			"プライバシーモデル（\"k\"、\"l-diversity\"、\"t-closeness\"）を一つ以上指定してください");
	json_decref(root);
	if (!ret && kb_err_count(err) > before)
		ret = KB_EINVALID;
	return ret;
}

int kb_anon_config_file(struct kb_anon *a, const char *path, struct kb_err *err)
{
	struct kb_buf text = KB_BUF_INIT, dir = KB_BUF_INIT;
	FILE *fp = fopen(path, "r");
	const char *slash;
	char tmp[65536];
	size_t n;
	int ret;

	if (!fp)
		return kb_err_at(err, KB_EIO, path, 0, 0, NULL, "%s",
				 strerror(errno));
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		kb_buf_add(&text, tmp, n);
	fclose(fp);
	slash = strrchr(path, '/');
	if (slash)
		kb_buf_add(&dir, path, (size_t)(slash - path) + 1);
	else
		kb_buf_adds(&dir, ".");
	ret = kb_anon_config_text(a, path, text.buf, dir.buf, err);
	kb_buf_release(&text);
	kb_buf_release(&dir);
	return ret;
}

/* ---- the records ---- */

/* A column's distinct values while reading, with where each first was. */
struct coldict {
	struct kb__strmap map;
	struct kb__anon_values v;
	size_t alloc;
};

static uint32_t coldict_add(struct coldict *d, const struct kb_csv_field *f)
{
	size_t id = kb__strmap_get(&d->map, f->s);
	if (id != KB_NONE)
		return (uint32_t)id;
	if (d->v.n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 64;
		d->v.v = kb_realloc(d->v.v, d->alloc * sizeof(*d->v.v));
		d->v.line = kb_realloc(d->v.line, d->alloc * sizeof(unsigned));
		d->v.col = kb_realloc(d->v.col, d->alloc * sizeof(unsigned));
	}
	d->v.v[d->v.n] = kb_strdup(f->s);
	d->v.line[d->v.n] = f->line;
	d->v.col[d->v.n] = f->col;
	kb__strmap_put(&d->map, d->v.v[d->v.n], d->v.n);
	return (uint32_t)d->v.n++;
}

static void coldict_release(struct coldict *d)
{
	size_t i;
	for (i = 0; i < d->v.n; i++)
		free(d->v.v[i]);
	free(d->v.v);
	free(d->v.line);
	free(d->v.col);
	kb__strmap_release(&d->map);
}

static char *path_in(const char *dir, const char *file)
{
	struct kb_buf b = KB_BUF_INIT;
	if (file[0] != '/' && strcmp(dir, ".")) {
		kb_buf_adds(&b, dir);
		if (b.len && b.buf[b.len - 1] != '/')
			kb_buf_addch(&b, '/');
	}
	kb_buf_adds(&b, file);
	return kb_buf_detach(&b, NULL);
}

/* Builds or reads column ci's hierarchy and renumbers its cells. */
static int encode_hier(struct kb_anon *a, size_t ci, struct coldict *d,
		       struct kb_err *err)
{
	struct kb_anon_attr *at = &a->attr[ci];
	const json_t *spec = at->spec;
	const char *file = json_string_value(
		json_is_string(spec) ? spec : json_object_get(spec, "file"));
	uint32_t *to;
	size_t i, before = kb_err_count(err);
	int ret;

	d->v.file = a->data_name;
	d->v.field = at->name;
	if (file) {
		char *path = path_in(a->dir, file);
		const char *dl =
			json_string_value(json_object_get(spec, "delimiter"));
		ret = kb__hier_file(path, dl ? dl[0] : 0, a->lang, &at->hier,
				    err);
		free(path);
	} else {
		struct kb_buf field = KB_BUF_INIT;
		kb_buf_addf(&field, "attributes.%s.hierarchy", at->name);
		ret = kb__hier_build(spec, a->config_name, field.buf, &d->v,
				     &at->hier, err);
		kb_buf_release(&field);
	}
	if (ret)
		return ret;
	to = kb_calloc(d->v.n ? d->v.n : 1, sizeof(*to));
	for (i = 0; i < d->v.n; i++) {
		size_t id = kb__hier_find(at->hier, d->v.v[i]);
		if (id == KB_NONE)
			kb_err_at(err, KB_EINVALID, a->data_name, d->v.line[i],
				  d->v.col[i], at->name,
				  KB_TR(a->lang,
					"value '%s' is not in the column's hierarchy%s%s",
					"値 '%s' がこの列の階層%s%sにありません"),
				  d->v.v[i], file ? " " : "", file ? file : "");
		to[i] = (uint32_t)id;
	}
	if (kb_err_count(err) == before)
		for (i = 0; i < a->nrows; i++)
			a->cell[i * a->nattr + ci] =
				to[a->cell[i * a->nattr + ci]];
	free(to);
	return kb_err_count(err) > before ? KB_EINVALID : 0;
}

/* Puts a->attr (and the models' columns) in the order of the header. */
static void reorder(struct kb_anon *a, const size_t *col_of_attr)
{
	struct kb_anon_attr *na = kb_calloc(a->nattr, sizeof(*na));
	size_t i;
	for (i = 0; i < a->nattr; i++)
		na[col_of_attr[i]] = a->attr[i];
	for (i = 0; i < a->nmodel; i++)
		if (a->model[i].kind != KB_ANON_K)
			a->model[i].attr = col_of_attr[a->model[i].attr];
	free(a->attr);
	a->attr = na;
}

int kb_anon_read(struct kb_anon *a, struct kb_csv *c, struct kb_err *err)
{
	struct coldict *d = NULL;
	size_t *col_of_attr = kb_calloc(a->nattr, sizeof(size_t)), i, alloc = 0;
	size_t before = kb_err_count(err);
	int ret;

	free_data(a);
	a->data_name = kb_strdup(c->name);
	kb_csv_sniff(c);
	a->delim = c->delim;
	ret = kb_csv_next(c, err);
	if (ret == 0)
		ret = kb_err_at(err, KB_EINVALID, c->name, 1, 1, NULL, "%s",
				KB_TR(a->lang, "the file is empty",
				      "ファイルが空です"));
	if (ret < 0)
		goto out;
	for (i = 0; i < a->nattr; i++)
		col_of_attr[i] = KB_NONE;
	for (i = 0; i < c->nf; i++) {
		size_t at = find_attr(a, c->f[i].s);
		if (at == KB_NONE)
			kb_err_at(
				err, KB_EINVALID, c->name, c->f[i].line,
				c->f[i].col, c->f[i].s,
				KB_TR(a->lang,
				      "column '%s' has no type in %s: add it to \"attributes\" (\"identifying\" removes it)",
				      "列 '%s' の種類が %s にありません。\"attributes\" に加えてください（\"identifying\" で削除されます）"),
				c->f[i].s, a->config_name);
		else if (col_of_attr[at] != KB_NONE)
			kb_err_at(err, KB_EINVALID, c->name, c->f[i].line,
				  c->f[i].col, c->f[i].s,
				  KB_TR(a->lang, "column '%s' appears twice",
					"列 '%s' が二度あります"),
				  c->f[i].s);
		else
			col_of_attr[at] = i;
	}
	for (i = 0; i < a->nattr; i++)
		if (col_of_attr[i] == KB_NONE)
			kb_err_at(err, KB_EINVALID, a->config_name, 0, 0,
				  a->attr[i].name,
				  KB_TR(a->lang,
					"the configuration names column '%s', which %s does not have",
					"設定にある列 '%s' が %s にありません"),
				  a->attr[i].name, c->name);
	if (kb_err_count(err) > before) {
		ret = KB_EINVALID;
		goto out;
	}
	reorder(a, col_of_attr);

	d = kb_calloc(a->nattr, sizeof(*d));
	for (i = 0; i < a->nattr; i++)
		kb__strmap_init(&d[i].map);
	while ((ret = kb_csv_next(c, err)) == 1) {
		size_t j;
		if (c->nf != a->nattr) {
			kb_err_at(
				err, KB_EINVALID, c->name, c->rec_line, 1, NULL,
				KB_TR(a->lang,
				      "the record has %zu fields; the header has %zu",
				      "レコードの項目数は %zu ですが、見出しは %zu です"),
				c->nf, a->nattr);
			continue;
		}
		if (a->nrows == alloc) {
			alloc = alloc ? 2 * alloc : 1024;
			a->cell = kb_realloc(a->cell, alloc * a->nattr *
							      sizeof(*a->cell));
		}
		for (j = 0; j < a->nattr; j++)
			a->cell[a->nrows * a->nattr + j] =
				a->attr[j].role == KB_ANON_IDENTIFYING
					? 0
					: coldict_add(&d[j], &c->f[j]);
		a->nrows++;
	}
	if (ret < 0 || kb_err_count(err) > before)
		goto out;
	if (!a->nrows) {
		ret = kb_err_at(err, KB_EINVALID, c->name, 2, 1, NULL, "%s",
				KB_TR(a->lang, "the file has no records",
				      "ファイルにレコードがありません"));
		goto out;
	}
	for (i = 0; i < a->nattr; i++)
		if (a->attr[i].spec)
			encode_hier(a, i, &d[i], err);
	for (i = 0; i < a->nmodel; i++)
		if (a->model[i].kind == KB_ANON_K &&
		    a->model[i].k > (double)a->nrows)
			kb_err_at(
				err, KB_EINVALID, a->config_name, 0, 0,
				"privacy.k",
				KB_TR(a->lang,
				      "k = %g is larger than the table's %zu records",
				      "k = %g が表のレコード数 %zu より大きくなっています"),
				a->model[i].k, a->nrows);
	/* ordered distance: the sensitive values must be numbers */
	for (i = 0; i < a->nattr; i++) {
		size_t j;
		double x;
		if (!a->attr[i].numeric_order || a->attr[i].spec)
			continue;
		for (j = 0; j < d[i].v.n; j++)
			if (kb_parse_number(d[i].v.v[j], &x))
				kb_err_at(
					err, KB_EINVALID, c->name, d[i].v.line[j],
					d[i].v.col[j], a->attr[i].name,
					KB_TR(a->lang,
					      "'%s' is not a number, as ordered t-closeness needs",
					      "'%s' は数値ではありません（順序距離の t-近接性に必要です）"),
					d[i].v.v[j]);
	}
	if (kb_err_count(err) > before) {
		ret = KB_EINVALID;
		goto out;
	}
	/* keep the dictionaries of the columns without hierarchy */
	a->dict = kb_calloc(a->nattr, sizeof(*a->dict));
	a->ndict = kb_calloc(a->nattr, sizeof(*a->ndict));
	a->qi = kb_calloc(a->nattr, sizeof(*a->qi));
	a->sens = kb_calloc(a->nattr, sizeof(*a->sens));
	for (i = 0; i < a->nattr; i++) {
		if (a->attr[i].role == KB_ANON_QUASI)
			a->qi[a->nqi++] = i;
		if (a->attr[i].role == KB_ANON_SENSITIVE)
			a->sens[a->nsens++] = i;
		if (!a->attr[i].hier) {
			a->dict[i] = d[i].v.v;
			a->ndict[i] = d[i].v.n;
			d[i].v.v = NULL;
			d[i].v.n = 0;
		}
	}
	ret = 0;
out:
	if (d)
		for (i = 0; i < a->nattr; i++)
			coldict_release(&d[i]);
	free(d);
	free(col_of_attr);
	if (ret == 0 && kb_err_count(err) > before)
		ret = KB_EINVALID;
	if (ret)
		free_data(a);
	return ret;
}

size_t kb_anon_table_bytes(const struct kb_anon *a)
{
	return a->nrows * a->nattr * sizeof(uint32_t);
}
