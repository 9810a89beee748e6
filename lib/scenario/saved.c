/*
 * saved.c - scenario results kept in the store (scenario.h).
 */
#include "core/compat.h"

#include "kiban/scenario.h"
#include "store/sql.h"

int kb_scenario_save(struct kb_store *s, const char *kind, const char *name,
		     const char *scenario, const json_t *result,
		     const char *actor, time_t now, long *id, struct kb_err *err)
{
	char when[32], *text = json_dumps(result, JSON_COMPACT);
	int r;
	kb__iso_time(now, when);
	if ((r = kb_store_begin(s, err))) {
		free(text);
		return r;
	}
	r = kb__sql_run(s, err,
			"INSERT INTO scenario_result (kind, name, scenario, "
			"result, created_at, created_by) VALUES (?1, ?2, ?3, "
			"?4, ?5, ?6)",
			"tttttt", kind, name, scenario, text, when, actor);
	if (!r)
		*id = (long)sqlite3_last_insert_rowid(kb_store_sqlite(s));
	free(text);
	return kb_store_end(s, r, err);
}

int kb_scenario_saved(struct kb_store *s, json_t **out, struct kb_err *err)
{
	return kb__sql_json(s, err, out,
			    "SELECT n AS id, kind, name, created_at, created_by "
			    "FROM scenario_result ORDER BY n DESC",
			    "");
}

int kb_scenario_load(struct kb_store *s, long id, json_t **out, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT n, kind, name, scenario, result, created_at, created_by "
		"FROM scenario_result WHERE n = ?1",
		err);
	json_t *result;
	*out = NULL;
	if (!st)
		return KB_EDB;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return kb_err_set(err, KB_ENOTFOUND,
				  KB_TR(err->lang, "no scenario result %ld",
					"シナリオの結果 %ld はありません"),
				  id);
	}
	result = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
	*out = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "kind",
			 (const char *)sqlite3_column_text(st, 1), "name",
			 (const char *)sqlite3_column_text(st, 2), "scenario",
			 (const char *)sqlite3_column_text(st, 3), "result",
			 result ? result : json_null(), "created_at",
			 (const char *)sqlite3_column_text(st, 5), "created_by",
			 (const char *)sqlite3_column_text(st, 6));
	sqlite3_finalize(st);
	return 0;
}
