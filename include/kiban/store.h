/*
 * store.h - the database behind kiban: SQLite, embedded, one file.
 *
 * Opening a store turns on foreign keys and write-ahead logging with full
 * synchronisation (a committed import survives a crash or power loss), and
 * brings the schema up to date: migrations are numbered SQL scripts applied
 * in order, each in its own transaction, recorded in PRAGMA user_version.
 * A file written by a newer kiban, or a SQLite file that is not a kiban
 * database, is refused rather than changed.
 *
 * Every import and every edit runs inside kb_store_begin()/kb_store_commit():
 * all or nothing.  The caller owns the struct kb_store from kb_store_open()
 * and gives it back with kb_store_close() (which accepts NULL).  A store
 * is one SQLite connection without locks of its own: one thread uses it at
 * a time (a server opens one per worker).
 */
#ifndef KIBAN_STORE_H
#define KIBAN_STORE_H

#include "kiban/error.h"

struct kb_store;
struct sqlite3;

enum kb_store_flags {
	KB_STORE_CREATE = 1,   /* create the file if it does not exist */
	KB_STORE_READONLY = 2, /* open for reading only (no migration) */
};

/*
 * Opens the database at path.  Without KB_STORE_CREATE a missing file is
 * KB_ENOTFOUND (with the command that creates it in the message).
 * Returns 0 and sets *out, or a negative code; on failure *out is NULL.
 */
int kb_store_open(struct kb_store **out, const char *path, int flags,
		  struct kb_err *err);
void kb_store_close(struct kb_store *s);

const char *kb_store_path(const struct kb_store *s);
int kb_store_schema_version(const struct kb_store *s);
int kb_store_latest_version(void);
struct sqlite3 *kb_store_sqlite(struct kb_store *s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Rollback never fails.  Inside a
 * transaction, begin opens a savepoint that commit releases and rollback
 * undoes alone: a server groups many uploads into one durable commit, each
 * upload still all or nothing. */
int kb_store_begin(struct kb_store *s, struct kb_err *err);
int kb_store_commit(struct kb_store *s, struct kb_err *err);
void kb_store_rollback(struct kb_store *s);

/*
 * Ends the transaction of kb_store_begin(): commits when rc is 0, rolls
 * back otherwise.  Returns rc, or the error of a failed commit.  The
 * pattern of every write:
 *     if ((r = kb_store_begin(s, err)))
 *             return r;
 *     r = write_things(s, ..., err);
 *     return kb_store_end(s, r, err);
 */
int kb_store_end(struct kb_store *s, int rc, struct kb_err *err);

#endif
