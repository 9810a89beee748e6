/*
 * import.h - the one import loop of libkiban, and the options and results
 * every import shares.
 *
 * Every import reads the whole input, checks all of it, and writes in one
 * transaction only if there was no error: all or nothing.  The caller says
 * who is importing and when (so tests and reproducible runs can fix the
 * clock), may ask for a dry run, and may watch progress.
 *
 * An import is a table of columns and a few hooks (struct kb_import_spec)
 * given to kb_import_run(), which maps the header (English names or the
 * Japanese aliases, CSV or JSON records as kb_csv reads them), reads each
 * field of each row by its column's type or parser into a row of the
 * import's own struct, lets the import check the row as a whole, collects
 * every problem with its file:line:column and field, and only when there
 * is none counts what changes and writes it in one transaction
 * (lib/store/import.c).  A new import is its columns, its row struct and
 * its write; the rest is shared.
 */
#ifndef KIBAN_IMPORT_H
#define KIBAN_IMPORT_H

#include <stddef.h>
#include <time.h>

struct kb_supply;

struct kb_import_opts {
	const char *actor; /* the person or account entering the data */
	time_t now;	   /* timestamp recorded with the data */
	int dry_run;	   /* check everything, write nothing */
	/* Called now and then with the bytes read so far and the total. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* Reports only: when set, every row must belong to this organisation
	 * (its id); another's is refused (KB_EDENIED) at its line. */
	const char *only_org;
	/* Reports only: the registry as loaded by kb_supply_load() (the
	 * import loads it when NULL), and whether to leave the weekly
	 * aggregates to the caller (kb_supply_aggregate() on the weeks in
	 * the stats, before the commit of the enclosing transaction). */
	const struct kb_supply *registry;
	int defer_aggregates;
};

struct kb_import_stats {
	size_t rows;		/* data rows read */
	size_t added;		/* new records */
	size_t changed;		/* records replaced (their old version kept) */
	size_t unchanged;	/* rows identical to what the database holds */
	int week_min, week_max; /* reports: the weeks written (0: none) */
};

/* The signature every import shares (kb_kpi_import, kb_stock_import...). */
struct kb_store;
struct kb_csv;
struct kb_err;
typedef int (*kb_import_fn)(struct kb_store *s, struct kb_csv *c,
			    const struct kb_import_opts *o,
			    struct kb_import_stats *st, struct kb_err *err);

/* ---- the one import loop ---- */

/*
 * What a column's value is.  The text types store a char * the loop owns
 * (and frees); KB_IMPORT_NUM a double; KB_IMPORT_INT, _BOOL and _FY an
 * int; KB_IMPORT_RAW nothing: its parser (or the row check) reads the
 * field as typed and stores what it wants.
 */
enum kb_import_type {
	KB_IMPORT_TEXT, /* the text, trimmed */
	KB_IMPORT_ID,	/* an id: letters, digits, '_', '.', '-'; at most 40 */
	KB_IMPORT_KEY,	/* one of values, stored as its key */
	KB_IMPORT_KEYS, /* some of values, stored as keys joined by ';' */
	KB_IMPORT_NUM,	/* a number as people type it (kb_parse_number) */
	KB_IMPORT_INT,	/* a whole number from lo to hi */
	KB_IMPORT_BOOL, /* 1 (1, y, true, はい) or 0 (0, n, false, いいえ) */
	KB_IMPORT_FY,	/* a fiscal year (2025, FY2025, 令和7年度, R7) */
	KB_IMPORT_RAW, /* the field as typed, for the parser */
};

struct kb_import;

struct kb_import_col {
	const char *name;    /* the English header; the field in messages */
	const char *name_ja; /* the Japanese header; NULL if none */
	int required;	     /* the header must have it; a text needs a value */
	enum kb_import_type type;
	size_t off; /* where the value goes in a row: offsetof(row, member) */
	/* Text, INT and BOOL: the value of an empty field, taken unchecked. */
	const char *dflt;
	/* Text: an empty field takes the value of the column of this name. */
	const char *fallback;
	int lo, hi;		   /* KB_IMPORT_INT: the bounds */
	const char *const *values; /* KEY, KEYS: "key|日本語"..., NULL */
	/* Text: a value that check() refuses is reported with bad_en or
	 * bad_ja, where %s stands for the value (and %% for %). */
	int (*check)(const char *text);
	const char *bad_en, *bad_ja;
	/*
	 * Reads the field instead of the type's check.  For a text type,
	 * text is the value, trimmed and non-NULL, already in *out (a
	 * parser may replace it); else text is the field as typed.  out is
	 * the column's place in row.  Returns 0, or -1 once it has reported
	 * the problem (kb_import_bad).
	 */
	int (*parse)(struct kb_import *im, void *row, int col, const char *text,
		     void *out);
};

/* The first five members of a column: { KB_COL("id", "ID", 1,
 * KB_IMPORT_ID, offsetof(struct row, id)), .parse = ... }. */
#define KB_COL(n, ja, req, t, o) \
	.name = (n), .name_ja = (ja), .required = (req), .type = (t), .off = (o)

/* How a row stands against what the store holds. */
enum kb_import_state { KB_IMPORT_NEW, KB_IMPORT_CHANGED, KB_IMPORT_SAME };

struct kb_import_spec {
	const struct kb_import_col *cols;
	size_t ncols;
	size_t row_size;	 /* sizeof the import's row */
	unsigned progress_every; /* rows between progress calls (and at the end) */
	/* Every hook is optional; those returning int give 0 or, having
	 * reported the problems, nonzero (a KB_E* code where it matters). */
	/* Before the header: load what the checks need into im->ctx. */
	int (*prepare)(struct kb_import *im);
	/* After the fields of a row: the checks across fields, against the
	 * store and against earlier rows.  bad: a field was refused. */
	int (*check_row)(struct kb_import *im, void *row, int bad);
	/* After the last row, when none was refused: the file as a whole. */
	int (*check_all)(struct kb_import *im);
	/* Each row against the store, counted into the stats. */
	enum kb_import_state (*compare)(struct kb_import *im, const void *row);
	/* Then, before a dry run stops: any other counting. */
	int (*count)(struct kb_import *im);
	/* Writes the rows, inside the transaction (a savepoint in another). */
	int (*write)(struct kb_import *im);
	/* Frees what a row holds beyond its text columns (already freed). */
	void (*release)(void *row);
	/* Last, always: frees im->ctx; returns the result, given r. */
	int (*finish)(struct kb_import *im, int r);
};

/* One run of the loop, as the hooks see it. */
struct kb_import {
	const struct kb_import_spec *spec;
	struct kb_store *s;
	struct kb_csv *c;
	const struct kb_import_opts *o;
	struct kb_import_stats *st;
	struct kb_err *err;
	void *ctx;	 /* the import's own */
	char *rows;	 /* row i at rows + i * spec->row_size */
	size_t n;	 /* rows read (the current one is row n) */
	unsigned *lines; /* the line where each row starts */
	int *idx;	 /* each column's field in a record; -1 when absent */
	int row_bad;	 /* a field of the current row was refused already */
	int code;      /* refusal: KB_EINVALID unless a check says otherwise */
	char when[32]; /* o->now as ISO 8601 UTC, for the write */
	struct kb_import_keys *keys; /* internal: kb_import_once() */
};

/*
 * Runs the import of spec over c into s: all or nothing, every problem in
 * err, sorted by position once the rows are read.  Returns 0 or a KB_E*
 * code (im.code for refused rows).  ctx becomes im->ctx.
 */
int kb_import_run(const struct kb_import_spec *spec, void *ctx,
		  struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err);

/* The header mapping alone, for an import with a loop of its own (the
 * weekly reports): kb_csv_header() over the columns' names and aliases. */
int kb_import_header(struct kb_csv *c, const struct kb_import_col *cols,
		     size_t ncols, int *idx, struct kb_err *err);

/* Row i of the rows read. */
void *kb_import_row(const struct kb_import *im, size_t i);

/* Reports a problem of column col in the current row (its field's line
 * and column, the column's name); returns -1. */
int kb_import_bad(struct kb_import *im, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A key seen in an earlier row: kb_import_once() records key for the
 * current row and returns 0, or the line of the row that has it already;
 * kb_import_seen() only looks. */
unsigned kb_import_once(struct kb_import *im, const char *key);
unsigned kb_import_seen(const struct kb_import *im, const char *key);

/* The check of KB_IMPORT_ID, for a parser that adds its own. */
int kb_import_id(struct kb_import *im, void *row, int col, const char *text,
		 void *out);

#endif
