/*
 * test_store.c - opening, creating and migrating the database; refusing
 * files that are not kiban's; transactions; the database-level guarantees
 * (history of replaced figures, frozen evaluations that cannot change).
 */
#include "helpers.h"

#include "store/sql.h"

static void missing_database_says_how_to_create_it(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	char *path = t_path("none.db");
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(kb_store_open(&s, path, 0, &err), KB_ENOTFOUND);
	assert_null(s);
	t_assert_error(&err, "kiban init --db");
	assert_int_equal(access(path, F_OK), -1); /* nothing created */
	kb_err_release(&err);
	free(path);
}

static void created_database_is_current_with_wal_and_foreign_keys(void **state)
{
	struct kb_store *s = t_store();
	struct kb_err err;
	char *path;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(kb_store_schema_version(s), kb_store_latest_version());
	assert_true(kb_store_latest_version() >= 1);
	assert_int_equal(t_sql_int(s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(
		t_sql_int(s,
			  "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
		1);
	assert_int_equal(t_sql_int(s, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(t_sql_int(s, "PRAGMA application_id"), 0x4b42414e);
	/* reopening changes nothing */
	path = kb_strdup(kb_store_path(s));
	kb_store_close(s);
	T_OK(kb_store_open(&s, path, 0, &err), &err);
	assert_int_equal(kb_store_schema_version(s), kb_store_latest_version());
	kb_store_close(s);
	kb_err_release(&err);
	free(path);
}

static void foreign_files_are_refused_untouched(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_buf before = KB_BUF_INIT, after = KB_BUF_INIT;
	char *text = t_file(
		"notes.txt",
		"this is not a database, just some text that is long enough\n");
	char *other = t_path("other.db");
	char *newer = t_path("newer.db");
	sqlite3 *db;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);

	assert_int_equal(kb_buf_read_file(&before, text), 0);
	assert_int_equal(kb_store_open(&s, text, 0, &err), KB_ESCHEMA);
	t_assert_error(&err, "is not a kiban database");
	assert_int_equal(kb_buf_read_file(&after, text), 0);
	assert_string_equal(before.buf, after.buf);
	kb_err_clear(&err);

	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(kb_store_open(&s, other, 0, &err), KB_ESCHEMA);
	t_assert_error(&err, "is an SQLite database but not a kiban database");
	kb_err_clear(&err);

	s = NULL;
	T_OK(kb_store_open(&s, newer, KB_STORE_CREATE, &err), &err);
	kb_store_close(s);
	assert_int_equal(sqlite3_open(newer, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(kb_store_open(&s, newer, 0, &err), KB_ESCHEMA);
	t_assert_error(&err, "schema version 999, newer than this kiban");

	kb_buf_release(&before);
	kb_buf_release(&after);
	kb_err_release(&err);
	free(text);
	free(other);
	free(newer);
}

static void rollback_leaves_nothing(void **state)
{
	struct kb_store *s = t_store();
	struct kb_err err;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_store_begin(s, &err), &err);
	assert_int_equal(
		sqlite3_exec(
			kb_store_sqlite(s),
			"INSERT INTO ministry VALUES ('厚', 0, '厚生労働省', 'MHLW', 'MHLW')",
			NULL, NULL, NULL),
		SQLITE_OK);
	kb_store_rollback(s);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM ministry"), 0);
	kb_store_close(s);
	kb_err_release(&err);
}

static void replaced_figures_are_kept_and_frozen_rows_cannot_change(void **state)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	sqlite3 *db = kb_store_sqlite(s);
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s,
			   "id,name_ja,name_en,unit_ja,direction,attached_to,baseline_value,baseline_year,target_value,target_year\n"
			   "K1,指標,Indicator,件,higher,G01,10,2021,20,2026\n",
			   &err),
	     &err);
	T_OK(kb_obs_set(s, "K1", 2023, 0, 12, NULL, NULL, "a", T_NOW, &err),
	     &err);
	T_OK(kb_obs_set(s, "K1", 2023, 0, 13, NULL, "corrected", "b", T_NOW, &err),
	     &err);
	assert_int_equal(
		t_sql_int(s,
			  "SELECT value FROM observation WHERE kpi_id = 'K1' AND fy = 2023"),
		13);
	assert_int_equal(
		t_sql_int(s,
			  "SELECT value FROM observation_history WHERE kpi_id = 'K1' AND fy = 2023"),
		12);
	assert_int_equal(
		sqlite3_exec(db, "DELETE FROM observation", NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(
		t_sql_int(s, "SELECT count(*) FROM observation_history"), 2);

	assert_int_equal(
		sqlite3_exec(
			db,
			"INSERT INTO evaluation (plan_id, fy, version, rule, frozen_at, snapshot) "
			"VALUES ('plan2', 2024, 1, 'cagr', '2025-06-30T00:00:00Z', '{}')",
			NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE evaluation SET note = 'x'",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(
		sqlite3_exec(db, "DELETE FROM evaluation", NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(
		t_sql_int(s, "SELECT count(*) FROM evaluation WHERE note = ''"),
		1);
	kb_store_close(s);
	kb_err_release(&err);
}

/* A kept statement comes back ready for the next call (reset, no
 * bindings); one still in use is not handed out twice; the store frees
 * them all when closed (ASan and valgrind check). */
static void kept_statements_are_reused_only_when_finished(void **state)
{
	struct kb_err err;
	struct kb_store *s = t_store();
	static const char sql[] = "SELECT ?1 IS NULL, ?2";
	sqlite3_stmt *a, *b, *c;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	a = kb__sql_cached(s, sql, &err);
	assert_non_null(a);
	sqlite3_bind_int(a, 1, 7);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 0);
	b = kb__sql_cached(s, sql, &err); /* a is busy: another */
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	kb__sql_finish(s, a);
	c = kb__sql_cached(s, sql, &err);
	assert_ptr_equal(c, a);
	assert_int_equal(sqlite3_step(c), SQLITE_ROW); /* from the start */
	assert_int_equal(sqlite3_column_int(c, 0), 1); /* bindings cleared */
	kb__sql_finish(s, b);
	assert_null(kb__sql_cached(s, "SELEC nonsense", &err));
	t_assert_error(&err, "syntax error");
	kb_store_close(s); /* c still handed out: finalized here */
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_database_says_how_to_create_it),
		cmocka_unit_test(
			created_database_is_current_with_wal_and_foreign_keys),
		cmocka_unit_test(foreign_files_are_refused_untouched),
		cmocka_unit_test(rollback_leaves_nothing),
		cmocka_unit_test(kept_statements_are_reused_only_when_finished),
		cmocka_unit_test(
			replaced_figures_are_kept_and_frozen_rows_cannot_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
