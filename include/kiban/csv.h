/*
 * csv.h - reading and writing CSV as people actually exchange it.
 *
 * Reader: RFC 4180 (quoted fields, doubled quotes, commas and line breaks
 * inside quotes, CRLF or LF), UTF-8 with or without a byte-order mark, or
 * CP932 (Shift_JIS as Japanese Excel writes it), detected or given.  The
 * whole file is decoded to UTF-8 in memory first, so positions are exact:
 * every field knows the line and the column (in characters) where it
 * starts.  Blank lines are skipped.  Syntax errors name file:line:column.
 *
 * Columns: kb_csv_header() maps a header row onto the columns a caller
 * expects (each with an English name and an optional Japanese alias),
 * reporting unknown, duplicate and missing columns all at once.
 *
 * JSON: a file whose first character is '[' or '{' is read as JSON, an
 * array of objects (or an object with one member that is such an array):
 * the keys are the columns, each object a record, and every field reports
 * the line and column where its object starts.  So each import takes CSV
 * or JSON with the same column names.
 *
 * Writer: UTF-8, CRLF line ends (RFC 4180), fields quoted only when they
 * need it, optional byte-order mark so that Excel reads UTF-8.  A text
 * field that a spreadsheet would take for a formula (=, +, -, @, tab or CR
 * first, and not a number) is written with a leading apostrophe.
 *
 * Ownership: a struct kb_csv owns the decoded text; the field pointers it
 * hands out stay valid until the next kb_csv_next() or kb_csv_release().
 */
#ifndef KIBAN_CSV_H
#define KIBAN_CSV_H

#include <stddef.h>

#include "kiban/buf.h"
#include "kiban/error.h"

enum kb_encoding {
	KB_ENC_AUTO = 0, /* BOM, else valid UTF-8, else CP932 */
	KB_ENC_UTF8,
	KB_ENC_CP932,
};

/* Parses "auto", "utf-8"/"utf8", "cp932"/"shift_jis"/"sjis"; -1 if unknown. */
int kb_encoding_parse(const char *s);

struct kb_csv_field {
	char *s; /* NUL-terminated UTF-8; quotes already removed */
	size_t len;
	unsigned line; /* where the field starts */
	unsigned col;
};

struct kb_csv {
	char *name;	      /* file name used in messages */
	enum kb_encoding enc; /* the encoding actually found */
	char *text;	      /* whole decoded file */
	size_t len, pos;
	unsigned line, col; /* position of text[pos] */
	char delim;	    /* ',' unless set (or sniffed) after opening */
	struct kb_csv_field *f;
	size_t nf, af;
	struct kb_buf store; /* unescaped field contents of this record */
	unsigned rec_line;   /* line where the current record starts */
	size_t header_nf;    /* fields in the header row, once read */
	size_t nwide;	     /* rows found wider than the header */
	/* JSON input: the records were rendered as CSV; jpos[2*i], jpos[2*i+1]
	 * are the line and column of record i (0 = the keys) in the JSON. */
	unsigned *jpos;
	size_t njpos, jrec;
};

/*
 * Opens path (or "-" for standard input) and decodes it.  Returns 0, or
 * KB_EIO / KB_EPARSE with a diagnostic (invalid byte with its position,
 * UTF-16 file).  On failure c needs no release.
 */
int kb_csv_open(struct kb_csv *c, const char *path, enum kb_encoding enc,
		struct kb_err *err);

/* The same over bytes in memory; name is used in messages. */
int kb_csv_open_mem(struct kb_csv *c, const char *name, const void *data,
		    size_t len, enum kb_encoding enc, struct kb_err *err);

/*
 * Takes the field separator from the first line: the first ';' or tab
 * outside quotes, else ','.  For files that are not always comma-separated
 * (the anonymizer's data and hierarchies); JSON input keeps ','.
 */
void kb_csv_sniff(struct kb_csv *c);

/*
 * Reads the next record into c->f[0..c->nf).  Returns 1 when a record was
 * read, 0 at the end, KB_EPARSE on a syntax error (unterminated quote,
 * text after a closing quote, a quote inside an unquoted field, NUL).
 * Once the header is read (header_nf set), a record is never wider than
 * it: a wider one is reported (its line, the first extra field) and cut
 * to the header, its other fields still there to check, and the end of
 * the file is then KB_EINVALID instead of 0.  A shorter one reads "" for
 * the fields it lacks (kb_csv_get).
 */
int kb_csv_next(struct kb_csv *c, struct kb_err *err);

void kb_csv_release(struct kb_csv *c);

/* A column a reader expects. */
struct kb_csv_col {
	const char *name;    /* English header, e.g. "fiscal_year" */
	const char *name_ja; /* Japanese alias, e.g. "年度"; may be NULL */
	int required;
};

/*
 * Reads the header record and fills idx[i] with the field index of
 * cols[i], or -1 if an optional column is absent.  Every unknown,
 * duplicate or missing column is reported.  Returns 0, KB_EINVALID, or
 * what kb_csv_next() returned; an empty file is KB_EINVALID.  Sets
 * header_nf (a reader that takes the header row itself may set it too).
 */
int kb_csv_header(struct kb_csv *c, const struct kb_csv_col *cols, size_t ncols,
		  int *idx, struct kb_err *err);

/* Field idx of the current record, or "" if idx < 0 or the row is short. */
const char *kb_csv_get(const struct kb_csv *c, int idx);
/* Line and column of field idx (of the record when the field is absent). */
unsigned kb_csv_line(const struct kb_csv *c, int idx);
unsigned kb_csv_col(const struct kb_csv *c, int idx);

/*
 * Field checks for importers.  Each reads field idx of the current record
 * (named `field` in messages), and on a problem records KB_EINVALID at the
 * field's line and column and returns -1.
 *   kb_csv_bad   records a message of the caller's.
 *   kb_csv_text  the trimmed text; empty is an error when required.
 *   kb_csv_num   a number ("1,234.5", full-width digits accepted).
 *   kb_csv_fy    a fiscal year (2025, FY2025, 令和7年度, R7).
 */
int kb_csv_bad(const struct kb_csv *c, struct kb_err *err, int idx,
	       const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int kb_csv_text(const struct kb_csv *c, struct kb_err *err, int idx,
		const char *field, int required, char **out);
int kb_csv_num(const struct kb_csv *c, struct kb_err *err, int idx,
	       const char *field, double *out);
int kb_csv_fy(const struct kb_csv *c, struct kb_err *err, int idx,
	      const char *field, int *out);

/* Writer. */
struct kb_csvw {
	struct kb_buf *out;
	char delim;    /* ',' after kb_csvw_init; a caller may change it */
	size_t nfield; /* fields written on the current line */
};

void kb_csvw_init(struct kb_csvw *w, struct kb_buf *out, int bom);
void kb_csvw_field(struct kb_csvw *w, const char *s);
void kb_csvw_fieldf(struct kb_csvw *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A number written exactly enough to read back the same double. */
void kb_csvw_num(struct kb_csvw *w, double v);
void kb_csvw_end(struct kb_csvw *w);

/* A JSON value as one field: text, a number, true/false; else empty. */
struct json_t;
void kb_csvw_json(struct kb_csvw *w, const struct json_t *v);
/* An array of flat JSON objects as CSV into out, the first object's keys
 * as the header. */
void kb_csvw_rows(struct kb_buf *out, const struct json_t *rows, int bom);

/* Parses a number as people type it: spaces, "1,234.5", full-width digits. */
int kb_parse_number(const char *s, double *out);

#endif
