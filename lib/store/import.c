/*
 * import.c - the one import loop: a table of columns in, every problem or
 * one transaction out (see kiban/import.h for the contract).
 *
 * Method.  The header is mapped by kb_csv_header() from the columns'
 * names and Japanese aliases.  Each record becomes one row of the
 * import's struct, zeroed: every column is read by its parser or its
 * type's check into the row at its offset; empty text columns take their
 * default or, once the row is read, their fallback column's value; then
 * the import's row check runs, which sees whether a field was refused.
 * Problems are collected, never fatal: every row is read, and only a file
 * with none is compared with the store (the stats), and, unless this is a
 * dry run, written by the import's hook between kb_store_begin() and
 * kb_store_end().  Rows are kept in one array that grows by doubling;
 * keys that must be unique in a file (kb_import_once) are copied into a
 * hash map that owns them.
 *
 * The weekly reports (lib/supply/report.c) keep a loop of their own: a
 * national week is 410,000 rows, read without allocating.
 */
#include "core/compat.h"

#include "core/ident.h"
#include "core/strmap.h"
#include "core/utf8.h"
#include "kiban/csv.h"
#include "kiban/import.h"
#include "store/sql.h"

struct kb_import_keys {
	struct kb__strmap map; /* key -> row */
	char **own;	       /* the copies the map borrows */
	size_t n, alloc;
};

void *kb_import_row(const struct kb_import *im, size_t i)
{
	return im->rows + i * im->spec->row_size;
}

int kb_import_bad(struct kb_import *im, int col, const char *fmt, ...)
{
	struct kb_buf msg = KB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	kb_csv_bad(im->c, im->err, im->idx[col], im->spec->cols[col].name, "%s",
		   msg.buf);
	kb_buf_release(&msg);
	return -1;
}

unsigned kb_import_seen(const struct kb_import *im, const char *key)
{
	size_t i = kb__strmap_get(&im->keys->map, key);
	return i == KB_NONE ? 0 : im->lines[i];
}

unsigned kb_import_once(struct kb_import *im, const char *key)
{
	struct kb_import_keys *k = im->keys;
	size_t prev = kb__strmap_get(&k->map, key);
	if (prev != KB_NONE)
		return im->lines[prev];
	KB_ALLOC_GROW(k->own, k->n + 1, k->alloc);
	k->own[k->n] = kb_strdup(key);
	kb__strmap_put(&k->map, k->own[k->n++], im->n);
	return 0;
}

/* ---- the types' checks ---- */

int kb_import_id(struct kb_import *im, void *row, int col, const char *text,
		 void *out)
{
	(void)row;
	(void)out;
	if (kb__id_ok(text))
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "invalid id '%s' (letters, digits, '_', '.', '-'; at most 40)",
		      "ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
		text);
}

/* The key of value v in a "key|日本語" list (either spelling), or NULL. */
static const char *value_key(const char *const *values, const char *v,
			     char *key, size_t keylen)
{
	for (; *values; values++) {
		const char *bar = strchr(*values, '|');
		size_t k = (size_t)(bar - *values);
		if ((strlen(v) == k && !strncasecmp(v, *values, k)) ||
		    !strcmp(v, bar + 1)) {
			snprintf(key, keylen, "%.*s", (int)k, *values);
			return key;
		}
	}
	return NULL;
}

static int not_one_of(struct kb_import *im, int col, const char *v)
{
	const char *const *values = im->spec->cols[col].values;
	struct kb_buf all = KB_BUF_INIT;
	for (; *values; values++) {
		const char *bar = strchr(*values, '|');
		if (bar != *values)
			kb_buf_addf(&all, "%s%.*s", all.len ? ", " : "",
				    (int)(bar - *values), *values);
	}
	kb_import_bad(im, col,
		      KB_TR(im->err->lang, "'%s' is not one of: %s",
			    "'%s' は次のいずれでもありません: %s"),
		      v, all.buf);
	kb_buf_release(&all);
	return -1;
}

static void replace(char **s, const char *v)
{
	free(*s);
	*s = kb_strdup(v);
}

static int check_key(struct kb_import *im, int col, char **s)
{
	char key[32];
	if (!value_key(im->spec->cols[col].values, *s, key, sizeof(key)))
		return not_one_of(im, col, *s);
	replace(s, key);
	return 0;
}

static int check_keys(struct kb_import *im, int col, char **s)
{
	struct kb_buf b = KB_BUF_INIT;
	char *dup = kb_strdup(*s), *tok, *save = NULL, key[32];
	int bad = 0;
	for (tok = strtok_r(dup, ";、,", &save); tok;
	     tok = strtok_r(NULL, ";、,", &save)) {
		tok = kb__trim_in_place(tok);
		if (!value_key(im->spec->cols[col].values, tok, key, sizeof(key))) {
			bad = not_one_of(im, col, tok);
			break;
		}
		kb_buf_addf(&b, "%s%s", b.len ? ";" : "", key);
	}
	free(dup);
	free(*s);
	*s = kb_buf_detach(&b, NULL);
	return bad;
}

static int check_int(struct kb_import *im, int col, const char *v, int *out)
{
	const struct kb_import_col *m = &im->spec->cols[col];
	double x;
	if (!kb_parse_number(v, &x) && x == floor(x) && x >= m->lo && x <= m->hi) {
		*out = (int)x;
		return 0;
	}
	return kb_import_bad(im, col,
			     KB_TR(im->err->lang,
				   "'%s' is not a whole number from %d to %d",
				   "'%s' は %d から %d の整数ではありません"),
			     v, m->lo, m->hi);
}

static int check_bool(struct kb_import *im, int col, const char *v, int *out)
{
	if (strchr("1yY", v[0]) || !strcmp(v, "true") || !strcmp(v, "はい")) {
		*out = 1;
		return 0;
	}
	if (strchr("0nN", v[0]) || !strcmp(v, "false") || !strcmp(v, "いいえ")) {
		*out = 0;
		return 0;
	}
	return kb_import_bad(im, col,
			     KB_TR(im->err->lang, "'%s' is not yes or no (1/0)",
				   "'%s' ははい・いいえ（1/0）ではありません"),
			     v);
}

/* The message of a value that a column's check() refuses. */
static int refused(struct kb_import *im, int col, const char *v)
{
	const struct kb_import_col *m = &im->spec->cols[col];
	const char *p = KB_TR(im->err->lang, m->bad_en, m->bad_ja);
	struct kb_buf msg = KB_BUF_INIT;
	for (; *p; p++)
		if (p[0] == '%' && (p[1] == 's' || p[1] == '%'))
			kb_buf_adds(&msg, *++p == 's' ? v : "%");
		else
			kb_buf_addch(&msg, *p);
	kb_import_bad(im, col, "%s", msg.buf);
	kb_buf_release(&msg);
	return -1;
}

static int is_text(enum kb_import_type t)
{
	return t == KB_IMPORT_TEXT || t == KB_IMPORT_ID || t == KB_IMPORT_KEY ||
	       t == KB_IMPORT_KEYS;
}

/* Reads column j of the current record into row. */
static int read_field(struct kb_import *im, char *row, int j)
{
	const struct kb_import_col *m = &im->spec->cols[j];
	int idx = im->idx[j], r;
	void *out = row + m->off;
	char *t;

	if (is_text(m->type)) {
		char **s = out;
		if (kb_csv_text(im->c, im->err, idx, m->name, m->required, s))
			return -1;
		if (!**s && m->dflt) {
			replace(s, m->dflt);
			return 0;
		}
		if (m->check && !m->check(*s))
			return refused(im, j, *s);
		if (m->parse)
			return m->parse(im, row, j, *s, out);
		switch (m->type) {
		case KB_IMPORT_ID: return kb_import_id(im, row, j, *s, out);
		case KB_IMPORT_KEY: return check_key(im, j, s);
		case KB_IMPORT_KEYS: return check_keys(im, j, s);
		default: return 0;
		}
	}
	if (m->parse)
		return m->parse(im, row, j, kb_csv_get(im->c, idx), out);
	switch (m->type) {
	case KB_IMPORT_NUM:
		return kb_csv_num(im->c, im->err, idx, m->name, out);
	case KB_IMPORT_FY: return kb_csv_fy(im->c, im->err, idx, m->name, out);
	case KB_IMPORT_INT:
	case KB_IMPORT_BOOL:
		t = kb__strdup_trim(kb_csv_get(im->c, idx));
		if (!*t && m->dflt)
			replace(&t, m->dflt);
		r = m->type == KB_IMPORT_INT ? check_int(im, j, t, out)
					     : check_bool(im, j, t, out);
		free(t);
		return r;
	default: return 0;
	}
}

/* The fallbacks of the text columns: the index of the column each takes
 * an empty value from, or -1. */
static int *fallbacks(const struct kb_import_spec *sp)
{
	int *fb = kb_malloc((sp->ncols + 1) * sizeof(int));
	size_t i, j;
	for (i = 0; i < sp->ncols; i++) {
		fb[i] = -1;
		for (j = 0; sp->cols[i].fallback && j < sp->ncols; j++)
			if (!strcmp(sp->cols[j].name, sp->cols[i].fallback))
				fb[i] = (int)j;
	}
	return fb;
}

static int read_row(struct kb_import *im, char *row, const int *fb)
{
	const struct kb_import_spec *sp = im->spec;
	int bad = 0, j;
	for (j = 0, im->row_bad = 0; j < (int)sp->ncols; j++)
		if (read_field(im, row, j))
			bad = im->row_bad = 1;
	for (j = 0; j < (int)sp->ncols; j++) {
		char **s = (char **)(row + sp->cols[j].off), *from;
		if (fb[j] < 0)
			continue;
		from = *(char **)(row + sp->cols[fb[j]].off);
		if (from && *s && !**s)
			replace(s, from);
	}
	if (sp->check_row && sp->check_row(im, row, bad))
		bad = 1;
	return bad;
}

static void progress(const struct kb_import *im)
{
	if (im->o->progress)
		im->o->progress(im->o->progress_ctx, im->c->pos, im->c->len);
}

static void release_rows(struct kb_import *im)
{
	const struct kb_import_spec *sp = im->spec;
	size_t i, j;
	for (i = 0; i < im->n; i++) {
		char *row = kb_import_row(im, i);
		for (j = 0; j < sp->ncols; j++)
			if (is_text(sp->cols[j].type)) {
				char **s = (char **)(row + sp->cols[j].off);
				free(*s);
				*s = NULL;
			}
		if (sp->release)
			sp->release(row);
	}
	free(im->rows);
}

static int count(struct kb_import *im)
{
	const struct kb_import_spec *sp = im->spec;
	size_t i;
	for (i = 0; sp->compare && i < im->n; i++)
		switch (sp->compare(im, kb_import_row(im, i))) {
		case KB_IMPORT_NEW: im->st->added++; break;
		case KB_IMPORT_CHANGED: im->st->changed++; break;
		case KB_IMPORT_SAME: im->st->unchanged++; break;
		}
	return sp->count ? sp->count(im) : 0;
}

int kb_import_header(struct kb_csv *c, const struct kb_import_col *cols,
		     size_t ncols, int *idx, struct kb_err *err)
{
	struct kb_csv_col *h = kb_calloc(ncols + 1, sizeof(*h));
	size_t i;
	int r;
	for (i = 0; i < ncols; i++)
		h[i] = (struct kb_csv_col){ cols[i].name, cols[i].name_ja,
					    cols[i].required };
	r = kb_csv_header(c, h, ncols, idx, err);
	free(h);
	return r;
}

/* Reads and checks every row; 0 when all are right. */
static int read_rows(struct kb_import *im)
{
	const struct kb_import_spec *sp = im->spec;
	int *fb = fallbacks(sp), r, bad = 0;
	size_t alloc = 0;

	if ((r = kb_import_header(im->c, sp->cols, sp->ncols, im->idx, im->err)))
		goto out;
	while ((r = kb_csv_next(im->c, im->err)) == 1) {
		char *row;
		if (im->n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			im->rows = kb_realloc(im->rows, alloc * sp->row_size);
			im->lines = kb_realloc(im->lines,
					       alloc * sizeof(*im->lines));
		}
		row = kb_import_row(im, im->n);
		memset(row, 0, sp->row_size);
		im->lines[im->n] = im->c->rec_line;
		bad |= read_row(im, row, fb);
		im->n++;
		if (sp->progress_every && !(im->n % sp->progress_every))
			progress(im);
	}
	progress(im);
	im->st->rows = im->n;
	if (!r && !bad && sp->check_all && sp->check_all(im))
		bad = 1;
	if (r < 0 || bad) {
		r = r < 0 ? r : im->code;
		kb_err_sort(im->err);
	}
out:
	free(fb);
	return r;
}

int kb_import_run(const struct kb_import_spec *spec, void *ctx,
		  struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err)
{
	struct kb_import_keys keys;
	struct kb_import im = { .spec = spec,
				.s = s,
				.c = c,
				.o = o,
				.st = st,
				.err = err,
				.ctx = ctx,
				.code = KB_EINVALID,
				.keys = &keys };
	size_t i;
	int r;

	memset(st, 0, sizeof(*st));
	memset(&keys, 0, sizeof(keys));
	kb__strmap_init(&keys.map);
	im.idx = kb_malloc((spec->ncols + 1) * sizeof(int));
	kb__iso_time(o->now, im.when);
	r = spec->prepare ? spec->prepare(&im) : 0;
	if (!r)
		r = read_rows(&im);
	if (!r && !(r = count(&im))) {
		if (!o->dry_run && !(r = kb_store_begin(s, err)))
			r = kb_store_end(s, spec->write ? spec->write(&im) : 0,
					 err);
	}
	if (r)
		st->added = st->changed = st->unchanged = 0;
	release_rows(&im);
	free(im.lines);
	free(im.idx);
	for (i = 0; i < keys.n; i++)
		free(keys.own[i]);
	free(keys.own);
	kb__strmap_release(&keys.map);
	return spec->finish ? spec->finish(&im, r) : r;
}
