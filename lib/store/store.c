/*
 * store.c - opening the SQLite database and migrating its schema.
 *
 * Migrations are the embedded files lib/store/schema/NNNN-*.sql, applied in
 * name order; migration i (0-based) takes the schema from version i to
 * i + 1, in one transaction together with the new PRAGMA user_version, so
 * a failed migration leaves the file as it was.  PRAGMA application_id
 * marks the file as kiban's ("KBAN").
 */
#include "core/compat.h"

#include <pthread.h>

#include "core/resource.h"
#include "kiban/csv.h"
#include "kiban/buf.h"
#include "kiban/store.h"
#include "store/sql.h"

#define KB_APP_ID     0x4b42414e
#define SCHEMA_PREFIX "lib/store/schema/"

/* Statements kept prepared for the calls that run often (a server's
 * sign-ins, uploads, audit lines): parsing and planning cost more than
 * running them. */
enum { STMT_CACHE = 24 };

struct kb_store {
	sqlite3 *db;
	char *path;
	int version;
	int depth; /* transactions open: the outer one, then savepoints */
	struct {
		char *sql;
		sqlite3_stmt *st;
		int busy; /* handed out, not yet finished */
	} cache[STMT_CACHE];
	size_t ncache;
};

/* SQLite's memory statistics take a lock shared by every connection on
 * each allocation; kiban never reads them.  (Too late, and harmless, if
 * the program has used SQLite already.) */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static const struct kb__resource *migration(int i)
{
	size_t k;
	int n = 0;
	for (k = 0; k < kb__nresources; k++)
		if (!strncmp(kb__resources[k].name, SCHEMA_PREFIX,
			     strlen(SCHEMA_PREFIX)) &&
		    n++ == i)
			return &kb__resources[k];
	return NULL;
}

int kb_store_latest_version(void)
{
	int n = 0;
	while (migration(n))
		n++;
	return n;
}

int kb__sql_fail(struct kb_err *err, sqlite3 *db, const char *what)
{
	int rc = sqlite3_extended_errcode(db);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return kb_err_set(
			err, KB_ESCHEMA,
			KB_TR(err->lang,
			      "'%s' is not a kiban database (not an SQLite file)",
			      "'%s' は kiban のデータベースではありません（SQLite のファイルではありません）"),
			sqlite3_db_filename(db, "main"));
	if ((rc & 0xff) == SQLITE_BUSY)
		return kb_err_set(
			err, KB_EDB,
			KB_TR(err->lang,
			      "%s: the database is busy (another kiban is writing); try again",
			      "%s: データベースが使用中です（別の kiban が書き込み中）。もう一度実行してください"),
			what);
	return kb_err_set(err, KB_EDB, "%s: %s", what, sqlite3_errmsg(db));
}

int kb__sql_exec(struct kb_store *s, const char *sql, struct kb_err *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return kb__sql_fail(err, s->db,
				    KB_TR(err->lang, "database", "データベース"));
	return 0;
}

sqlite3_stmt *kb__sql_prepare(struct kb_store *s, const char *sql,
			      struct kb_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		kb__sql_fail(err, s->db,
			     KB_TR(err->lang, "database", "データベース"));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *kb__sql_cached(struct kb_store *s, const char *sql,
			     struct kb_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	for (i = 0; i < s->ncache; i++)
		if (!s->cache[i].busy && !strcmp(s->cache[i].sql, sql)) {
			s->cache[i].busy = 1;
			return s->cache[i].st;
		}
	if (s->ncache == STMT_CACHE)
		return kb__sql_prepare(s, sql, err);
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		kb__sql_fail(err, s->db,
			     KB_TR(err->lang, "database", "データベース"));
		sqlite3_finalize(st);
		return NULL;
	}
	s->cache[s->ncache].sql = kb_strdup(sql);
	s->cache[s->ncache].st = st;
	s->cache[s->ncache++].busy = 1;
	return st;
}

void kb__sql_finish(struct kb_store *s, sqlite3_stmt *st)
{
	size_t i;
	if (!st)
		return;
	for (i = 0; i < s->ncache; i++)
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->cache[i].busy = 0;
			return;
		}
	sqlite3_finalize(st);
}

void kb__sql_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

char *kb__sql_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? kb_strdup((const char *)t) : NULL;
}

int kb__sql_done(struct kb_store *s, sqlite3_stmt *st, struct kb_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return kb__sql_fail(err, s->db,
				    KB_TR(err->lang, "database", "データベース"));
	return 0;
}

/* Prepares sql and binds ?1, ?2, ... from ap, one letter of args each. */
static sqlite3_stmt *prepare_bound(struct kb_store *s, struct kb_err *err,
				   const char *sql, const char *args, va_list ap)
{
	sqlite3_stmt *st = kb__sql_prepare(s, sql, err);
	int i;
	if (!st)
		return NULL;
	for (i = 0; args[i]; i++)
		switch (args[i]) {
		case 'i': sqlite3_bind_int(st, i + 1, va_arg(ap, int)); break;
		case 'l':
			sqlite3_bind_int64(st, i + 1, va_arg(ap, long));
			break;
		case 'I': { /* 0 binds NULL */
			int v = va_arg(ap, int);
			if (v)
				sqlite3_bind_int(st, i + 1, v);
			break;
		}
		case 'L': {
			long v = va_arg(ap, long);
			if (v)
				sqlite3_bind_int64(st, i + 1, v);
			break;
		}
		case 'd':
			sqlite3_bind_double(st, i + 1, va_arg(ap, double));
			break;
		case 't':
			kb__sql_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		default: abort(); /* a caller's mistake */
		}
	return st;
}

sqlite3_stmt *kb__sql_query(struct kb_store *s, struct kb_err *err,
			    const char *sql, const char *args, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, args);
	st = prepare_bound(s, err, sql, args, ap);
	va_end(ap);
	return st;
}

int kb__sql_run(struct kb_store *s, struct kb_err *err, const char *sql,
		const char *args, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int r;
	va_start(ap, args);
	st = prepare_bound(s, err, sql, args, ap);
	va_end(ap);
	if (!st)
		return KB_EDB;
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	return r;
}

int kb__sql_json(struct kb_store *s, struct kb_err *err, json_t **out,
		 const char *sql, const char *args, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	va_start(ap, args);
	st = prepare_bound(s, err, sql, args, ap);
	va_end(ap);
	*out = st ? kb__sql_rows_json(st) : NULL;
	sqlite3_finalize(st);
	return st ? 0 : KB_EDB;
}

void kb__iso_time(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int pragma_int(struct kb_store *s, const char *sql, int *out,
		      struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(s, sql, err);
	int rc;
	if (!st)
		return KB_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return kb__sql_fail(err, s->db, "PRAGMA");
	return 0;
}

/* The first read of the file: a file that is not SQLite is named as the
 * user named it. */
static int first_read(struct kb_store *s, const char *path, int *app_id,
		      struct kb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &st,
				    NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		*app_id = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_NOTADB)
		return kb_err_set(
			err, KB_ESCHEMA,
			KB_TR(err->lang,
			      "'%s' is not a kiban database (not an SQLite file)",
			      "'%s' は kiban のデータベースではありません（SQLite のファイルではありません）"),
			path);
	return kb__sql_fail(err, s->db, path);
}

/*
 * Loads an embedded CSV resource into table: the header names the
 * columns.  A migration asks for it with a line "-- kiban:load TABLE FILE",
 * so that facts such as the prefectures live in one data file.
 */
static int load_table(struct kb_store *s, const char *table, const char *file,
		      struct kb_err *err)
{
	const struct kb__resource *res = kb__resource_find(file);
	struct kb_buf sql = KB_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct kb_csv c;
	size_t i;
	int r;

	if (!res)
		return kb_err_set(err, KB_ESCHEMA, "missing resource '%s'", file);
	if ((r = kb_csv_open_mem(&c, file, res->data, res->len, KB_ENC_UTF8, err)))
		return r;
	if (kb_csv_next(&c, err) != 1) {
		kb_csv_release(&c);
		return kb_err_set(err, KB_ESCHEMA, "empty resource '%s'", file);
	}
	kb_buf_addf(&sql, "INSERT INTO %s (", table);
	for (i = 0; i < c.nf; i++)
		kb_buf_addf(&sql, "%s%s", i ? ", " : "", c.f[i].s);
	kb_buf_adds(&sql, ") VALUES (");
	for (i = 0; i < c.nf; i++)
		kb_buf_addf(&sql, "%s?", i ? ", " : "");
	kb_buf_adds(&sql, ")");
	if (!(st = kb__sql_prepare(s, sql.buf, err)))
		r = KB_EDB;
	while (!r && (r = kb_csv_next(&c, err)) == 1) {
		for (i = 0; i < c.nf; i++)
			kb__sql_bind_text(st, (int)i + 1, c.f[i].s);
		r = kb__sql_done(s, st, err);
	}
	sqlite3_finalize(st);
	kb_csv_release(&c);
	kb_buf_release(&sql);
	return r;
}

static int load_tables(struct kb_store *s, const char *text, struct kb_err *err)
{
	static const char tag[] = "-- kiban:load ";
	const char *p = text;
	int r = 0;

	while (!r && (p = strstr(p, tag))) {
		char table[64], file[256];
		if (sscanf(p + sizeof(tag) - 1, "%63s %255s", table, file) != 2)
			return kb_err_set(err, KB_ESCHEMA, "bad load line");
		r = load_table(s, table, file, err);
		p += sizeof(tag) - 1;
	}
	return r;
}

static int migrate(struct kb_store *s, struct kb_err *err)
{
	int latest = kb_store_latest_version();
	while (s->version < latest) {
		const struct kb__resource *m = migration(s->version);
		struct kb_buf sql = KB_BUF_INIT;
		int r;

		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
			return kb__sql_fail(err, s->db, m->name);
		kb_buf_addf(&sql,
			    "%s\nPRAGMA user_version = %d;\n"
			    "PRAGMA application_id = %d;\n",
			    (const char *)m->data, s->version + 1, KB_APP_ID);
		r = sqlite3_exec(s->db, sql.buf, NULL, NULL, NULL);
		kb_buf_release(&sql);
		if (r != SQLITE_OK)
			r = kb__sql_fail(err, s->db, m->name);
		else
			r = load_tables(s, (const char *)m->data, err);
		if (!r && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL))
			r = kb__sql_fail(err, s->db, m->name);
		if (r) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return r;
		}
		s->version++;
	}
	return 0;
}

int kb_store_open(struct kb_store **out, const char *path, int flags,
		  struct kb_err *err)
{
	struct kb_store *s;
	int oflags, app_id = 0, ntables = 0, r;

	*out = NULL;
	if (!(flags & KB_STORE_CREATE) && access(path, F_OK))
		return kb_err_set(
			err, KB_ENOTFOUND,
			KB_TR(err->lang,
			      "database '%s' does not exist; create it with 'kiban init --db %s' or 'kiban demo --db %s'",
			      "データベース '%s' がありません。'kiban init --db %s' または 'kiban demo --db %s' で作成してください"),
			path, path, path);
	pthread_once(&sqlite_once, sqlite_setup);
	s = kb_calloc(1, sizeof(*s));
	s->path = kb_strdup(path);
	oflags = (flags & KB_STORE_READONLY)
			 ? SQLITE_OPEN_READONLY
			 : SQLITE_OPEN_READWRITE |
				   (flags & KB_STORE_CREATE ? SQLITE_OPEN_CREATE
							    : 0);
	/* a store is used by one thread at a time: no locking inside SQLite */
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		r = kb_err_set(err, KB_EIO,
			       KB_TR(err->lang, "cannot open database '%s': %s",
				     "データベース '%s' を開けません: %s"),
			       path, s->db ? sqlite3_errmsg(s->db) : "");
		kb_store_close(s);
		return r;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	if ((r = kb__sql_exec(s, "PRAGMA foreign_keys = ON", err)))
		goto fail;
	if ((r = first_read(s, path, &app_id, err)) ||
	    (r = pragma_int(s, "PRAGMA user_version", &s->version, err)) ||
	    (r = pragma_int(s, "SELECT count(*) FROM sqlite_master", &ntables,
			    err)))
		goto fail;
	if (ntables && app_id != KB_APP_ID) {
		r = kb_err_set(
			err, KB_ESCHEMA,
			KB_TR(err->lang,
			      "'%s' is an SQLite database but not a kiban database",
			      "'%s' は SQLite のデータベースですが kiban のものではありません"),
			path);
		goto fail;
	}
	if (s->version > kb_store_latest_version()) {
		r = kb_err_set(
			err, KB_ESCHEMA,
			KB_TR(err->lang,
			      "database '%s' has schema version %d, newer than this kiban understands (%d); use a newer kiban",
			      "データベース '%s' のスキーマ版 %d はこの kiban（%d まで対応）より新しいものです。新しい kiban を使ってください"),
			path, s->version, kb_store_latest_version());
		goto fail;
	}
	/* reads straight from the mapped file (scans over national weekly
	 * reports), and a page cache of 64 MiB */
	if ((r = kb__sql_exec(s, KB__SQL_MMAP, err)) ||
	    (r = kb__sql_exec(s, "PRAGMA cache_size = -65536", err)))
		goto fail;
	if (!(flags & KB_STORE_READONLY)) {
		if ((r = kb__sql_exec(s, "PRAGMA journal_mode = WAL", err)) ||
		    (r = kb__sql_exec(s, "PRAGMA synchronous = FULL", err)) ||
		    (r = migrate(s, err)))
			goto fail;
	} else if (s->version < kb_store_latest_version()) {
		r = kb_err_set(
			err, KB_ESCHEMA,
			KB_TR(err->lang,
			      "database '%s' has an older schema (%d); open it once for writing to upgrade it",
			      "データベース '%s' のスキーマ（%d）が古いため、一度書き込み可能で開いて更新してください"),
			path, s->version);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	kb_store_close(s);
	return r;
}

void kb_store_close(struct kb_store *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->ncache; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *kb_store_path(const struct kb_store *s)
{
	return s->path;
}

int kb_store_schema_version(const struct kb_store *s)
{
	return s->version;
}

sqlite3 *kb_store_sqlite(struct kb_store *s)
{
	return s->db;
}

int kb_store_begin(struct kb_store *s, struct kb_err *err)
{
	int r = kb__sql_exec(s, s->depth ? "SAVEPOINT kb" : "BEGIN IMMEDIATE",
			     err);
	if (!r)
		s->depth++;
	return r;
}

int kb_store_commit(struct kb_store *s, struct kb_err *err)
{
	const char *sql = s->depth > 1 ? "RELEASE kb" : "COMMIT";
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		int r = kb__sql_fail(err, s->db,
				     KB_TR(err->lang, "commit", "確定"));
		kb_store_rollback(s);
		return r;
	}
	if (s->depth)
		s->depth--;
	return 0;
}

int kb_store_end(struct kb_store *s, int rc, struct kb_err *err)
{
	if (rc) {
		kb_store_rollback(s);
		return rc;
	}
	return kb_store_commit(s, err);
}

void kb_store_rollback(struct kb_store *s)
{
	if (s->depth > 1) {
		sqlite3_exec(s->db, "ROLLBACK TO kb; RELEASE kb", NULL, NULL,
			     NULL);
		s->depth--;
		return;
	}
	s->depth = 0;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

json_t *kb__sql_rows_json(sqlite3_stmt *st)
{
	json_t *a = json_array();
	int i, n = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object();
		for (i = 0; i < n; i++) {
			json_t *v;
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				v = json_integer(sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				v = json_real(sqlite3_column_double(st, i));
				break;
			case SQLITE_NULL: v = json_null(); break;
			default:
				v = json_stringn(
					(const char *)sqlite3_column_text(st, i),
					(size_t)sqlite3_column_bytes(st, i));
				if (!v)
					v = json_string("?");
			}
			json_object_set_new(o, sqlite3_column_name(st, i), v);
		}
		json_array_append_new(a, o);
	}
	sqlite3_reset(st);
	return a;
}
