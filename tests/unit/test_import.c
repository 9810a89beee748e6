/*
 * test_import.c - the one import loop (lib/store/import.c) on a table of
 * its own: the header by English names or Japanese aliases, a missing or
 * unknown column, a bad value of every type, every problem collected with
 * its line and field, nothing written unless the whole file is right, the
 * dry run, the counts, CSV and JSON alike.
 */
#include "helpers.h"

#include "kiban/import.h"
#include "store/sql.h"

struct row {
	char *id, *name, *name_en, *kind, *tags;
	int n, flag, fy;
	double x;
	int raw; /* 1 for "ok" */
};

enum { C_ID, C_NAME, C_NAME_EN, C_N, C_X, C_FY, C_FLAG, C_KIND, C_TAGS, C_RAW };

static const char *const kinds[] = { "a|甲", "b|乙", NULL };

static int raw_ok(struct kb_import *im, void *row, int col, const char *t,
		  void *out)
{
	(void)row;
	if (!*t)
		return 0;
	if (!strcmp(t, "ok")) {
		*(int *)out = 1;
		return 0;
	}
	return kb_import_bad(im, col, "'%s' is not ok", t);
}

#define R(m) offsetof(struct row, m)

static const struct kb_import_col cols[] = {
	[C_ID] = { KB_COL("id", "ID", 1, KB_IMPORT_ID, R(id)) },
	[C_NAME] = { KB_COL("name", "名前", 1, KB_IMPORT_TEXT, R(name)) },
	[C_NAME_EN] = { KB_COL("name_en", "英語名", 0, KB_IMPORT_TEXT, R(name_en)),
			.fallback = "name" },
	[C_N] = { KB_COL("n", "個数", 0, KB_IMPORT_INT, R(n)), .dflt = "3",
		  .lo = 1, .hi = 5 },
	[C_X] = { KB_COL("x", "値", 1, KB_IMPORT_NUM, R(x)) },
	[C_FY] = { KB_COL("fy", "年度", 1, KB_IMPORT_FY, R(fy)) },
	[C_FLAG] = { KB_COL("flag", "旗", 0, KB_IMPORT_BOOL, R(flag)),
		     .dflt = "0" },
	[C_KIND] = { KB_COL("kind", "種類", 1, KB_IMPORT_KEY, R(kind)),
		     .values = kinds },
	[C_TAGS] = { KB_COL("tags", "タグ", 0, KB_IMPORT_KEYS, R(tags)),
		     .dflt = "", .values = kinds },
	[C_RAW] = { KB_COL("raw", "生", 0, KB_IMPORT_RAW, R(raw)),
		    .parse = raw_ok },
};

static int once(struct kb_import *im, void *row, int bad)
{
	const struct row *x = row;
	unsigned prev = x->id ? kb_import_once(im, x->id) : 0;
	if (prev)
		bad = kb_import_bad(im, C_ID, "'%s' is also on line %u", x->id,
				    prev);
	return bad;
}

static enum kb_import_state compare(struct kb_import *im, const void *row)
{
	sqlite3_stmt *q =
		kb__sql_cached(im->s, "SELECT 1 FROM t WHERE id = ?", im->err);
	int found;
	kb__sql_bind_text(q, 1, ((const struct row *)row)->id);
	found = sqlite3_step(q) == SQLITE_ROW;
	kb__sql_finish(im->s, q);
	return found ? KB_IMPORT_CHANGED : KB_IMPORT_NEW;
}

static int write_rows(struct kb_import *im)
{
	sqlite3_stmt *ins = kb__sql_prepare(
		im->s,
		"INSERT OR REPLACE INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10)",
		im->err);
	size_t i;
	int r = ins ? 0 : KB_EDB;
	for (i = 0; !r && i < im->n; i++) {
		const struct row *x = kb_import_row(im, i);
		kb__sql_bind_text(ins, 1, x->id);
		kb__sql_bind_text(ins, 2, x->name);
		kb__sql_bind_text(ins, 3, x->name_en);
		sqlite3_bind_int(ins, 4, x->n);
		sqlite3_bind_double(ins, 5, x->x);
		sqlite3_bind_int(ins, 6, x->fy);
		sqlite3_bind_int(ins, 7, x->flag);
		kb__sql_bind_text(ins, 8, x->kind);
		kb__sql_bind_text(ins, 9, x->tags);
		sqlite3_bind_int(ins, 10, x->raw);
		r = kb__sql_done(im->s, ins, im->err);
	}
	sqlite3_finalize(ins);
	return r;
}

static const struct kb_import_spec spec = {
	.cols = cols,
	.ncols = KB_ARRAY_SIZE(cols),
	.row_size = sizeof(struct row),
	.check_row = once,
	.compare = compare,
	.write = write_rows,
};

static struct kb_store *store(void)
{
	struct kb_store *s = t_store();
	struct kb_err err;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb__sql_exec(s,
			  "CREATE TABLE t (id TEXT PRIMARY KEY, name, name_en, "
			  "n, x, fy, flag, kind, tags, raw)",
			  &err),
	     &err);
	kb_err_release(&err);
	return s;
}

static int run(struct kb_store *s, const char *text, int dry_run,
	       struct kb_import_stats *st, struct kb_err *err)
{
	struct kb_import_opts o = { .actor = "t",
				    .now = T_NOW,
				    .dry_run = dry_run };
	struct kb_csv c;
	int r;
	t_csv(&c, "t.csv", text);
	r = kb_import_run(&spec, NULL, s, &c, &o, st, err);
	kb_csv_release(&c);
	return r;
}

static void aliases_defaults_and_fallbacks(void **state)
{
	struct kb_store *s = store();
	struct kb_import_stats st;
	struct kb_err err;
	char *t;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	/* Japanese headers, English ones in another case, in any order */
	T_OK(run(s,
		 "名前,ID,値,年度,種類,タグ,N,生\n"
		 "Alpha,A1,\"1,234.5\",令和7年度,甲,乙;a,,ok\n"
		 "Beta,B2,2,FY2024,b,,5,ok\n",
		 0, &st, &err),
	     &err);
	assert_int_equal(st.rows, 2);
	assert_int_equal(st.added, 2);
	t = t_sql_text(s, "SELECT group_concat(id || ':' || name || ':' || "
			  "name_en || ':' || n || ':' || x || ':' || fy || "
			  "':' || flag || ':' || kind || ':' || tags || ':' "
			  "|| raw, ' ') FROM (SELECT * FROM t ORDER BY id)");
	assert_string_equal(t, "A1:Alpha:Alpha:3:1234.5:2025:0:a:b;a:1 "
			       "B2:Beta:Beta:5:2.0:2024:0:b::1");
	free(t);
	/* again: the same ids are counted as changed */
	T_OK(run(s, "id,name,x,fy,kind\nA1,A,1,2025,a\n", 0, &st, &err), &err);
	assert_int_equal(st.changed, 1);
	assert_int_equal(st.added, 0);
	kb_err_release(&err);
	kb_store_close(s);
}

static void missing_and_unknown_columns(void **state)
{
	struct kb_store *s = store();
	struct kb_import_stats st;
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(
		run(s, "name,x,fy,kind,colour\nA,1,2025,a,red\n", 0, &st, &err),
		KB_EINVALID);
	assert_int_equal(kb_err_count(&err), 2);
	t_assert_error(&err, "unknown column 'colour'");
	t_assert_error(&err, "missing column 'id' in the header row");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM t"), 0);
	kb_err_release(&err);
	kb_store_close(s);
}

/* One bad value of each type, a row each, and an id given twice: every
 * problem is listed, at its line and field, and nothing is written. */
static void every_bad_value_is_reported_and_nothing_written(void **state)
{
	static const char *const want[][2] = {
		{ "2", "id" },	 { "3", "name" }, { "4", "n" },
		{ "5", "x" },	 { "6", "fy" },	  { "7", "flag" },
		{ "8", "kind" }, { "9", "tags" }, { "10", "raw" },
		{ "11", "id" },
	};
	struct kb_store *s = store();
	struct kb_import_stats st;
	struct kb_err err;
	size_t i;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(run(s,
			     "id,name,n,x,fy,flag,kind,tags,raw\n"
			     "bad id!,A,1,1,2025,1,a,,ok\n"
			     "R2,,1,1,2025,1,a,,ok\n"
			     "R3,C,9,1,2025,1,a,,ok\n"
			     "R4,D,1,abc,2025,1,a,,ok\n"
			     "R5,E,1,1,20xx,1,a,,ok\n"
			     "R6,F,1,1,2025,maybe,a,,ok\n"
			     "R7,G,1,1,2025,1,z,,ok\n"
			     "R8,H,1,1,2025,1,a,a;zz,ok\n"
			     "R9,I,1,1,2025,1,a,,no\n"
			     "R2,J,1,1,2025,1,a,,ok\n",
			     0, &st, &err),
			 KB_EINVALID);
	assert_int_equal(st.rows, 10);
	assert_int_equal(st.added + st.changed + st.unchanged, 0);
	assert_int_equal(err.n, KB_ARRAY_SIZE(want));
	for (i = 0; i < err.n; i++) {
		char line[16];
		snprintf(line, sizeof(line), "%u", err.v[i].line);
		assert_string_equal(line, want[i][0]);
		assert_string_equal(err.v[i].field, want[i][1]);
		assert_string_equal(err.v[i].file, "t.csv");
		assert_true(err.v[i].col > 0);
	}
	t_assert_error(&err, "invalid id 'bad id!'");
	t_assert_error(&err, "a value is required here");
	t_assert_error(&err, "'9' is not a whole number from 1 to 5");
	t_assert_error(&err, "'abc' is not a number");
	t_assert_error(&err, "'20xx' is not a fiscal year");
	t_assert_error(&err, "'maybe' is not yes or no");
	t_assert_error(&err, "'z' is not one of: a, b");
	t_assert_error(&err, "'zz' is not one of: a, b");
	t_assert_error(&err, "'no' is not ok");
	t_assert_error(&err, "'R2' is also on line 3");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM t"), 0);
	kb_err_release(&err);
	kb_store_close(s);
}

static void dry_run_counts_and_writes_nothing(void **state)
{
	struct kb_store *s = store();
	struct kb_import_stats st;
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(run(s, "id,name,x,fy,kind\nA1,A,1,2025,a\nA2,B,2,2025,b\n", 1, &st,
		 &err),
	     &err);
	assert_int_equal(st.rows, 2);
	assert_int_equal(st.added, 2);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM t"), 0);
	kb_err_release(&err);
	kb_store_close(s);
}

/* JSON records take the same columns; each field is at its object. */
static void json_records_alike(void **state)
{
	struct kb_store *s = store();
	struct kb_import_stats st;
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(run(s,
		 "[{\"id\": \"J1\", \"名前\": \"J\", \"x\": 3, \"fy\": 2025, "
		 "\"kind\": \"乙\", \"flag\": \"はい\"}]",
		 0, &st, &err),
	     &err);
	assert_int_equal(t_sql_int(s, "SELECT flag FROM t WHERE kind = 'b'"), 1);
	assert_int_equal(run(s,
			     "[{\"id\": \"J2\", \"name\": \"J\", \"x\": 3, "
			     "\"fy\": 2025, \"kind\": \"c\"},\n"
			     " {\"id\": \"J3\", \"name\": \"\", \"x\": \"y\", "
			     "\"fy\": 2025, \"kind\": \"a\"}]",
			     0, &st, &err),
			 KB_EINVALID);
	assert_int_equal(err.n, 3);
	assert_int_equal(err.v[0].line, 1);
	assert_int_equal(err.v[1].line, 2);
	assert_string_equal(err.v[1].field, "name");
	assert_string_equal(err.v[2].field, "x");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM t"), 1);
	kb_err_release(&err);
	kb_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aliases_defaults_and_fallbacks),
		cmocka_unit_test(missing_and_unknown_columns),
		cmocka_unit_test(every_bad_value_is_reported_and_nothing_written),
		cmocka_unit_test(dry_run_counts_and_writes_nothing),
		cmocka_unit_test(json_records_alike),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
