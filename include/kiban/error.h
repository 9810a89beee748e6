/*
 * error.h - error codes and the error context every libkiban call fills.
 *
 * A library function returns 0 on success or one of the negative KB_E*
 * codes below, and records what went wrong in a struct kb_err owned by the
 * caller.  One context holds many diagnostics: an import checks a whole file
 * and reports every problem it finds, each with its file, line, column and
 * field, before it writes nothing.  Messages are complete sentences a user
 * can act on (what, where, what was expected), lower case, without a
 * trailing full stop, in the language the context was initialised with.
 *
 * Ownership: the context owns every string it holds; kb_err_release() frees
 * them.  A context may be reused after kb_err_clear().
 */
#ifndef KIBAN_ERROR_H
#define KIBAN_ERROR_H

#include <stddef.h>

#include "kiban/lang.h"

enum kb_code {
	KB_OK = 0,
	KB_EIO = -1,	   /* a file cannot be read or written */
	KB_EPARSE = -2,	   /* input is malformed (CSV syntax, encoding, JSON) */
	KB_EINVALID = -3,  /* input is well formed but violates a rule */
	KB_ENOTFOUND = -4, /* a named object does not exist */
	KB_EEXISTS = -5,   /* an object exists where it must not */
	KB_EDB = -6,	   /* the database failed */
	KB_ESCHEMA = -7,   /* the file is not a kiban database, or too new */
	KB_ESTATE = -8,	   /* not allowed in the current state (e.g. frozen) */
	KB_EUSAGE = -9,	   /* the caller passed a bad argument or option */
	KB_EAUTH = -10,	   /* not logged in: unknown login, password or token */
	KB_EDENIED = -11,  /* logged in, but the role may not do this */
};

/* A short description of a code in the given language; never NULL. */
const char *kb_strerror(int code, enum kb_lang lang);

struct kb_diag {
	int code;
	char *file;    /* NULL when the problem has no file */
	unsigned line; /* 1-based; 0 when unknown */
	unsigned col;  /* 1-based, in characters; 0 when unknown */
	char *field;   /* column or field name; NULL when none */
	char *msg;
};

struct kb_err {
	enum kb_lang lang;
	int code; /* code of the first diagnostic, 0 when none */
	struct kb_diag *v;
	size_t n, alloc;
	size_t dropped; /* diagnostics beyond KB_ERR_MAX, counted only */
};

/* An import stops collecting (but keeps counting) after this many. */
#define KB_ERR_MAX 200

void kb_err_init(struct kb_err *e, enum kb_lang lang);
void kb_err_release(struct kb_err *e);
void kb_err_clear(struct kb_err *e);

/*
 * Records a diagnostic without a position and returns code, so that a
 * function can end with `return kb_err_set(err, KB_EIO, ...)`.
 */
int kb_err_set(struct kb_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a diagnostic at file:line:col in field (any may be NULL/0). */
int kb_err_at(struct kb_err *e, int code, const char *file, unsigned line,
	      unsigned col, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Orders the diagnostics by file, line and column (stable): an import
 * finds problems in passes, a user reads them top to bottom. */
void kb_err_sort(struct kb_err *e);

/* Number of diagnostics, including dropped ones. */
size_t kb_err_count(const struct kb_err *e);

/*
 * Formats one diagnostic as "file:line:col: field 'f': message" (the parts
 * that are known).  The result is appended to out (a struct kb_buf).
 */
struct kb_buf;
void kb_diag_format(const struct kb_diag *d, enum kb_lang lang,
		    struct kb_buf *out);

#endif
