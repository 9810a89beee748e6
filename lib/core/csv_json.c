/*
 * csv_json.c - reading a JSON array of records through the CSV reader.
 *
 * Every import reads records through struct kb_csv.  A JSON file (an
 * array of flat objects, or an object with one member holding such an
 * array) is rendered here as CSV text: the union of the keys, in the order
 * first seen, is the header; each object is a record, a key it lacks an
 * empty field.  A separate scan of the JSON text finds where each object
 * starts, so that kb_csv_next() can give every field of a record that
 * line and column: an error in a JSON record points into the JSON file.
 *
 * Values: strings as they are, integers in decimal, reals with 17
 * significant digits, true/false, null as empty.  A nested object or
 * array is an error at its record.
 */
#include "core/compat.h"

#include "core/csv_json.h"
#include "core/strmap.h"

/*
 * Positions of the objects of the record array: walks the text keeping
 * the nesting depth, and records each '{' found directly inside the array
 * (depth 1 for a top-level array, 2 when the array is a member).
 */
static void object_positions(const char *t, size_t len, int member,
			     unsigned *pos, size_t n)
{
	unsigned line = 1, col = 1;
	int depth = 0, in_str = 0, array_depth = -1;
	size_t i, k = 0;

	for (i = 0; i < len && k < n; i++) {
		char ch = t[i];
		if (in_str) {
			if (ch == '\\')
				i++, col++;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"') {
			in_str = 1;
		} else if (ch == '{' || ch == '[') {
			if (ch == '{' && depth == array_depth + 1 &&
			    array_depth >= 0) {
				pos[2 * k] = line;
				pos[2 * k + 1] = col;
				k++;
			}
			if (ch == '[' && array_depth < 0 && depth == member)
				array_depth = depth;
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
		if (ch == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)ch & 0xc0) != 0x80) {
			col++;
		}
	}
}

static int scalar(json_t *v, struct kb_buf *out)
{
	switch (json_typeof(v)) {
	case JSON_STRING: kb_buf_adds(out, json_string_value(v)); return 0;
	case JSON_INTEGER:
		kb_buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	case JSON_REAL: kb_buf_addf(out, "%.17g", json_real_value(v)); return 0;
	case JSON_TRUE: kb_buf_adds(out, "true"); return 0;
	case JSON_FALSE: kb_buf_adds(out, "false"); return 0;
	case JSON_NULL: return 0;
	default: return -1;
	}
}

int kb__csv_from_json(struct kb_csv *c, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	struct kb__strmap keys;
	const char **names = NULL;
	size_t nnames = 0, anames = 0, i, j;
	struct kb_buf out = KB_BUF_INIT, cell = KB_BUF_INIT;
	struct kb_csvw w;
	json_error_t je;
	json_t *root, *arr = NULL;
	int member = 0, r = 0;

	root = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return kb_err_at(
			err, KB_EPARSE, c->name, (unsigned)je.line,
			je.column > 0 ? (unsigned)je.column : 1, NULL,
			KB_TR(L, "invalid JSON: %s", "JSON が不正です: %s"),
			je.text);
	if (json_is_array(root)) {
		arr = root;
	} else {
		const char *k;
		json_t *v;
		int narrays = 0;
		json_object_foreach(root, k, v)
		{
			if (json_is_array(v) && !narrays++)
				arr = v;
		}
		if (narrays != 1)
			arr = NULL;
		member = 1;
	}
	if (!arr) {
		json_decref(root);
		return kb_err_at(
			err, KB_EINVALID, c->name, 1, 1, NULL, "%s",
			KB_TR(L, "expected an array of records, or an object with one member that is an array of records",
			      "レコードの配列か、レコードの配列を一つだけ持つオブジェクトが必要です"));
	}
	kb__strmap_init(&keys);
	c->njpos = json_array_size(arr) + 1;
	c->jpos = kb_calloc(c->njpos * 2, sizeof(*c->jpos));
	object_positions(c->text, c->len, member, c->jpos + 2, c->njpos - 1);
	c->jpos[0] = c->njpos > 1 ? c->jpos[2] : 1;
	c->jpos[1] = c->njpos > 1 ? c->jpos[3] : 1;
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		const char *k;
		json_t *v;
		if (!json_is_object(o)) {
			r = kb_err_at(
				err, KB_EINVALID, c->name, c->jpos[2 * i + 2],
				c->jpos[2 * i + 3], NULL,
				KB_TR(L, "record %zu is not an object: expected {\"column\": value, ...}",
				      "%zu 番目のレコードがオブジェクトではありません（{\"列名\": 値, ...} が必要です）"),
				i + 1);
			continue;
		}
		json_object_foreach(o, k, v)
		{
			if (kb__strmap_get(&keys, k) != KB_NONE)
				continue;
			kb__strmap_put(&keys, k, nnames);
			KB_ALLOC_GROW(names, nnames + 1, anames);
			names[nnames++] = k;
		}
	}
	kb_csvw_init(&w, &out, 0);
	for (j = 0; j < nnames; j++)
		kb_csvw_field(&w, names[j]);
	kb_csvw_end(&w);
	for (i = 0; !r && i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		for (j = 0; j < nnames; j++) {
			json_t *v = json_object_get(o, names[j]);
			kb_buf_reset(&cell);
			if (v && scalar(v, &cell)) {
				r = kb_err_at(
					err, KB_EINVALID, c->name,
					c->jpos[2 * i + 2], c->jpos[2 * i + 3],
					names[j], "%s",
					KB_TR(L, "expected a string or a number, not a nested object or array",
					      "文字列か数値が必要です（入れ子のオブジェクトや配列は使えません）"));
				break;
			}
			kb_csvw_field(&w, cell.len ? cell.buf : "");
		}
		kb_csvw_end(&w);
	}
	kb__strmap_release(&keys);
	free(names);
	kb_buf_release(&cell);
	json_decref(root);
	if (r) {
		kb_buf_release(&out);
		return r;
	}
	free(c->text);
	c->text = kb_buf_detach(&out, &c->len);
	return 0;
}

void kb_csvw_json(struct kb_csvw *w, const json_t *v)
{
	if (json_is_string(v))
		kb_csvw_field(w, json_string_value(v));
	else if (json_is_integer(v))
		kb_csvw_fieldf(w, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		kb_csvw_num(w, json_real_value(v));
	else if (json_is_boolean(v))
		kb_csvw_field(w, json_is_true(v) ? "true" : "false");
	else
		kb_csvw_field(w, "");
}

void kb_csvw_rows(struct kb_buf *out, const json_t *rows, int bom)
{
	struct kb_csvw w;
	const json_t *row = json_array_get(rows, 0);
	json_t *v;
	const char *k;
	size_t i;
	kb_csvw_init(&w, out, bom);
	if (!row)
		return;
	json_object_foreach((json_t *)row, k, v)
	{
		kb_csvw_field(&w, k);
	}
	kb_csvw_end(&w);
	json_array_foreach(rows, i, row)
	{
		json_object_foreach((json_t *)row, k, v)
		{
			kb_csvw_json(&w, v);
		}
		kb_csvw_end(&w);
	}
}
