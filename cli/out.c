/*
 * out.c - the output of list commands (see cli.h): one description of the
 * columns and one callback filling a row's cells give the aligned table
 * (cli_table), the CSV (kb_csvw, with a byte-order mark for Excel on
 * --bom) and the JSON array.
 *
 * Method: the rows are filled one at a time into a struct cli_row, whose
 * setters take the next column and keep only what the format being
 * written needs: the cell's text for the table and CSV, a JSON value
 * (in an object keyed by the columns) for JSON.  A table is collected
 * and printed once, for its widths; CSV goes to a buffer written at the
 * end; JSON to an array.
 */
#include "cli.h"

struct cli_row {
	const struct cli_col *cols;
	size_t ncols, k; /* k: the next column */
	unsigned mode;	 /* CLI_TAB, CLI_CSV or CLI_JSON */
	struct kb_buf *text;
	json_t *obj;
};

/* The column the next setter fills, or NULL if it is not in this format. */
static const struct cli_col *next(struct cli_row *r, size_t *k)
{
	const struct cli_col *c;
	if (r->k >= r->ncols)
		return NULL;
	*k = r->k++;
	c = &r->cols[*k];
	return c->in & r->mode ? c : NULL;
}

static void put_json(struct cli_row *r, const struct cli_col *c, json_t *v)
{
	if (r->obj)
		json_object_set_new(r->obj, c->key, v);
	else
		json_decref(v);
}

void cli_str(struct cli_row *r, const char *s)
{
	size_t k;
	const struct cli_col *c = next(r, &k);
	if (!c)
		return;
	if (r->mode == CLI_JSON)
		put_json(r, c, s ? json_string(s) : json_null());
	else
		kb_buf_adds(&r->text[k], s ? s : "");
}

void cli_strf(struct cli_row *r, const char *fmt, ...)
{
	struct kb_buf b = KB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	cli_str(r, b.buf);
	kb_buf_release(&b);
}

void cli_int(struct cli_row *r, long long v)
{
	size_t k;
	const struct cli_col *c = next(r, &k);
	if (!c)
		return;
	if (r->mode == CLI_JSON)
		put_json(r, c, json_integer(v));
	else if (c->type == CLI_CODE && !v)
		kb_buf_adds(&r->text[k], "");
	else
		kb_buf_addf(&r->text[k],
			    c->type == CLI_CODE ? "%02lld" : "%lld", v);
}

/* The formats of numbers are the columns' own (fmt: one double). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void cli_num(struct cli_row *r, double v)
{
	size_t k;
	const struct cli_col *c = next(r, &k);
	char tmp[40];
	if (!c)
		return;
	if (r->mode == CLI_JSON) {
		put_json(r, c, json_real(v));
		return;
	}
	if (c->fmt) {
		kb_buf_addf(&r->text[k], c->fmt, v);
		return;
	}
	if (r->mode == CLI_TAB) {
		kb_buf_addf(&r->text[k], "%g", v);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.15g", v); /* as kb_csvw_num */
	if (strtod(tmp, NULL) != v)
		snprintf(tmp, sizeof(tmp), "%.17g", v);
	kb_buf_adds(&r->text[k], tmp);
}
#pragma GCC diagnostic pop

void cli_bool(struct cli_row *r, int v)
{
	size_t k;
	const struct cli_col *c = next(r, &k);
	if (!c)
		return;
	if (r->mode == CLI_JSON)
		put_json(r, c, json_boolean(v));
	else
		kb_buf_adds(&r->text[k], v ? "yes" : "no");
}

void cli_none(struct cli_row *r)
{
	size_t k;
	const struct cli_col *c = next(r, &k);
	if (c && r->mode == CLI_JSON)
		put_json(r, c, json_null());
}

static size_t ncols_of(const struct cli_col *c)
{
	size_t n = 0;
	while (c[n].key || c[n].head_en)
		n++;
	return n;
}

/* Writes l in mode into the table t, the CSV out or the array arr. */
static void rows(struct cli *cli, unsigned mode, int bom, struct cli_list *l,
		 struct kb_buf *out, json_t *arr)
{
	struct cli_row r = { l->cols, ncols_of(l->cols), 0, mode, NULL, NULL };
	const char **cells = kb_calloc(r.ncols + 1, sizeof(char *));
	struct cli_table t;
	struct kb_csvw w;
	size_t i, k, m = 0;
	int keep;

	r.text = kb_calloc(r.ncols + 1, sizeof(struct kb_buf));
	for (k = 0; k < r.ncols; k++)
		kb_buf_init(&r.text[k], 0);
	if (mode == CLI_TAB && !l->print) {
		for (k = 0; k < r.ncols; k++)
			if (l->cols[k].in & CLI_TAB)
				cells[m++] = CLI_T(cli, l->cols[k].head_en,
						   l->cols[k].head_ja);
		cli_table_init_v(&t, m, cells);
		for (k = 0, m = 0; k < r.ncols; k++)
			if (l->cols[k].in & CLI_TAB)
				cli_table_limit(&t, m++, l->cols[k].width);
	}
	if (mode == CLI_CSV) {
		kb_csvw_init(&w, out, bom);
		for (k = 0; k < r.ncols; k++)
			if (l->cols[k].in & CLI_CSV)
				kb_csvw_field(&w, l->cols[k].key);
		kb_csvw_end(&w);
	}
	l->shown = 0;
	for (i = 0; i < l->n && (!l->limit || l->shown < l->limit); i++) {
		r.k = 0;
		for (k = 0; k < r.ncols; k++)
			kb_buf_reset(&r.text[k]);
		r.obj = mode == CLI_JSON && !l->json ? json_object() : NULL;
		if ((keep = l->row(&r, i, l->ctx)) <= 0) {
			json_decref(r.obj);
			if (keep < 0)
				break;
			continue;
		}
		l->shown++;
		if (mode == CLI_JSON) {
			json_array_append_new(arr, l->json ? l->json(i, l->ctx)
							   : r.obj);
			continue;
		}
		if (mode == CLI_TAB && l->print) {
			l->print(i, l->ctx);
			continue;
		}
		for (k = 0, m = 0; k < r.ncols; k++)
			if (l->cols[k].in & mode)
				cells[m++] = r.text[k].buf;
		if (mode == CLI_CSV) {
			for (k = 0; k < m; k++)
				kb_csvw_field(&w, cells[k]);
			kb_csvw_end(&w);
		} else {
			cli_table_add(&t, cells);
		}
	}
	if (mode == CLI_TAB && !l->print) {
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	for (k = 0; k < r.ncols; k++)
		kb_buf_release(&r.text[k]);
	free(r.text);
	free(cells);
}

json_t *cli_list_json(struct cli *cli, struct cli_list *l)
{
	json_t *a = json_array();
	rows(cli, CLI_JSON, 0, l, NULL, a);
	return a;
}

int cli_list(struct cli *cli, const struct cli_format *f, struct cli_list *l)
{
	struct kb_buf out = KB_BUF_INIT;
	int r = 0;
	if (f && f->json)
		return cli_print_json(cli, cli_list_json(cli, l));
	if (f && f->csv) {
		rows(cli, CLI_CSV, f->bom, l, &out, NULL);
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
		return r;
	}
	rows(cli, CLI_TAB, 0, l, NULL, NULL);
	return 0;
}
