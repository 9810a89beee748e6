/*
 * helpers.c - shared test fixtures (see helpers.h).
 */
#include "helpers.h"

#include "kiban/demo.h"

static char *tmpdir;

static void cleanup(void)
{
	struct kb_buf cmd = KB_BUF_INIT;
	if (!tmpdir)
		return;
	kb_buf_addf(&cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd.buf))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	kb_buf_release(&cmd);
	free(tmpdir);
	tmpdir = NULL;
}

char *t_path(const char *name)
{
	struct kb_buf p = KB_BUF_INIT;
	static unsigned seq;
	if (!tmpdir) {
		char tmpl[] = "/tmp/kiban-test-XXXXXX";
		assert_non_null(mkdtemp(tmpl));
		tmpdir = kb_strdup(tmpl);
		atexit(cleanup);
	}
	kb_buf_addf(&p, "%s/%u-%s", tmpdir, seq++, name);
	return kb_buf_detach(&p, NULL);
}

char *t_file(const char *name, const char *text)
{
	struct kb_buf b = KB_BUF_INIT;
	char *path = t_path(name);
	kb_buf_adds(&b, text);
	assert_int_equal(kb_buf_write_file(&b, path), 0);
	kb_buf_release(&b);
	return path;
}

struct kb_store *t_store(void)
{
	struct kb_err err;
	struct kb_store *s;
	char *path = t_path("t.db");
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_store_open(&s, path, KB_STORE_CREATE, &err), &err);
	kb_err_release(&err);
	free(path);
	return s;
}

struct kb_store *t_store_with_plan(void)
{
	struct kb_store *s = t_store();
	struct kb_err err;
	struct kb_plan p;
	struct kb_csv c;
	size_t len;
	const char *csv = kb_demo_plan_csv(&len);

	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_csv_open_mem(&c, "plan2.csv", csv, len, KB_ENC_AUTO, &err), &err);
	T_OK(kb_plan_read_csv(&p, &c, &err), &err);
	T_OK(kb_plan_import(s, &p, "plan2.csv", "test", T_NOW, &err), &err);
	kb_csv_release(&c);
	kb_plan_release(&p);
	kb_err_release(&err);
	return s;
}

void t_csv(struct kb_csv *c, const char *name, const char *text)
{
	struct kb_err err;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_csv_open_mem(c, name, text, strlen(text), KB_ENC_AUTO, &err),
	     &err);
	kb_err_release(&err);
}

static int import(struct kb_store *s, const char *name, const char *csv,
		  int kpis, struct kb_err *err)
{
	struct kb_import_opts o = { .actor = "test", .now = T_NOW };
	struct kb_import_stats st;
	struct kb_csv c;
	int r;
	t_csv(&c, name, csv);
	r = kpis ? kb_kpi_import(s, &c, &o, &st, err)
		 : kb_obs_import(s, &c, &o, &st, err);
	kb_csv_release(&c);
	return r;
}

int t_import_kpis(struct kb_store *s, const char *csv, struct kb_err *err)
{
	return import(s, "kpis.csv", csv, 1, err);
}

int t_import_values(struct kb_store *s, const char *csv, struct kb_err *err)
{
	return import(s, "values.csv", csv, 0, err);
}

long t_sql_int(struct kb_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long v = -1;
	assert_int_equal(
		sqlite3_prepare_v2(kb_store_sqlite(s), sql, -1, &st, NULL),
		SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

char *t_sql_text(struct kb_store *s, const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;
	assert_int_equal(
		sqlite3_prepare_v2(kb_store_sqlite(s), sql, -1, &st, NULL),
		SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = kb_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(v);
	return v;
}

char *t_errors(const struct kb_err *err)
{
	struct kb_buf b = KB_BUF_INIT;
	size_t i;
	for (i = 0; i < err->n; i++) {
		kb_diag_format(&err->v[i], err->lang, &b);
		kb_buf_addch(&b, '\n');
	}
	return kb_buf_detach(&b, NULL);
}

void t_assert_error(const struct kb_err *err, const char *text)
{
	char *all = t_errors(err);
	size_t i;
	if (!strstr(all, text)) {
		print_error("expected an error containing\n  %s\ngot %zu:\n",
			    text, err->n);
		for (i = 0; i < err->n; i++) {
			struct kb_buf b = KB_BUF_INIT;
			kb_diag_format(&err->v[i], err->lang, &b);
			print_error("  %s\n", b.buf);
			kb_buf_release(&b);
		}
		free(all);
		fail();
	}
	free(all);
}
