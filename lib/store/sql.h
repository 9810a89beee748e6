/*
 * sql.h - small helpers over the SQLite API shared by the modules that
 * read and write the store (internal).
 *
 * kb__sql_fail() turns the database's last error into a diagnostic; the
 * bind helpers bind NULL for a NULL string; kb__sql_text() returns a copy
 * the caller frees (NULL for SQL NULL); kb__sql_query() and kb__sql_run()
 * prepare and bind in one call (and run, for a statement without rows).
 */
#ifndef KB_SQL_H
#define KB_SQL_H

#include <sqlite3.h>

#include "kiban/error.h"
#include "kiban/store.h"

int kb__sql_fail(struct kb_err *err, sqlite3 *db, const char *what);
int kb__sql_exec(struct kb_store *s, const char *sql, struct kb_err *err);

/* Prepares sql; on failure records the error and returns NULL. */
sqlite3_stmt *kb__sql_prepare(struct kb_store *s, const char *sql,
			      struct kb_err *err);

/* The same, kept prepared in the store for the next call with the same
 * sql: give it back with kb__sql_finish() (which finalizes any other
 * statement), never with sqlite3_finalize(). */
sqlite3_stmt *kb__sql_cached(struct kb_store *s, const char *sql,
			     struct kb_err *err);
void kb__sql_finish(struct kb_store *s, sqlite3_stmt *st);

void kb__sql_bind_text(sqlite3_stmt *st, int i, const char *s);
char *kb__sql_text(sqlite3_stmt *st, int col);

/* Steps a statement that returns no row; 0 or KB_EDB. */
int kb__sql_done(struct kb_store *s, sqlite3_stmt *st, struct kb_err *err);

/* Prepares sql and binds its parameters ?1, ?2, ... from the arguments
 * that follow, one letter of args each: 'i' an int, 'l' a long, 'd' a
 * double, 't' a string (NULL binds NULL); 'I' and 'L' an int and a long
 * that bind NULL when 0.  NULL, with the error recorded,
 * when it does not prepare.  The caller steps and finalizes. */
sqlite3_stmt *kb__sql_query(struct kb_store *s, struct kb_err *err,
			    const char *sql, const char *args, ...);

/* The same for a statement that returns no row: prepared, bound, stepped
 * and finalized here; 0 or KB_EDB. */
int kb__sql_run(struct kb_store *s, struct kb_err *err, const char *sql,
		const char *args, ...);

/* ISO 8601 UTC timestamp of t: "2026-11-24T09:30:00Z". */
void kb__iso_time(time_t t, char out[32]);

/* Steps st to its end and returns its rows as a JSON array of objects
 * keyed by column name (integers, reals, text, null); resets st. */
#include <jansson.h>
json_t *kb__sql_rows_json(sqlite3_stmt *st);

/* The rows of sql, its parameters bound as by kb__sql_query(), as by
 * kb__sql_rows_json() into *out (NULL on failure); 0 or KB_EDB. */
int kb__sql_json(struct kb_store *s, struct kb_err *err, json_t **out,
		 const char *sql, const char *args, ...);

/* Every connection to a store reads through a map of its file (the largest
 * SQLite allows), for scans over the national weekly reports. */
#define KB__SQL_MMAP "PRAGMA mmap_size = 2147418112"

#endif
