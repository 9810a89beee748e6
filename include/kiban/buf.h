/*
 * buf.h - the growable string buffer that all text output goes through
 * (HTML, SVG, JSON, CSV, terminal tables).
 *
 * Invariants: b->buf is never NULL and always NUL-terminated at b->len, so
 * b->buf can be used as a C string at any time (a buffer made with
 * KB_BUF_INIT points at a shared empty string until it first grows).
 * Memory: the buffer owns b->buf; kb_buf_release() frees it and leaves an
 * empty buffer; kb_buf_detach() hands it to the caller.  Allocation failure
 * aborts the process (the one condition libkiban does not report as an
 * error code), as in git's strbuf.
 */
#ifndef KIBAN_BUF_H
#define KIBAN_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* "No such index": what lookups by id return when the id is absent. */
#define KB_NONE ((size_t)-1)

struct kb_buf {
	char *buf;
	size_t len;
	size_t alloc; /* 0 while buf points at the shared empty string */
};

extern char kb_buf_empty[];
#define KB_BUF_INIT                \
	{                          \
		kb_buf_empty, 0, 0 \
	}

void kb_buf_init(struct kb_buf *b, size_t hint);
void kb_buf_release(struct kb_buf *b);
char *kb_buf_detach(struct kb_buf *b, size_t *len);

/* Ensures room for extra more bytes plus the terminating NUL. */
void kb_buf_grow(struct kb_buf *b, size_t extra);
void kb_buf_setlen(struct kb_buf *b, size_t len);
static inline void kb_buf_reset(struct kb_buf *b)
{
	kb_buf_setlen(b, 0);
}

void kb_buf_add(struct kb_buf *b, const void *data, size_t len);
void kb_buf_adds(struct kb_buf *b, const char *s);
void kb_buf_addch(struct kb_buf *b, int c);
void kb_buf_addf(struct kb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kb_buf_vaddf(struct kb_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Appends s with &, <, >, " and ' escaped for HTML text and attributes. */
void kb_buf_add_html(struct kb_buf *b, const char *s);

/*
 * Appends a number for people: thousands separators, `decimals` digits
 * after the point (0 to 6); when decimals < 0, up to -decimals digits with
 * trailing zeros dropped.
 */
void kb_buf_add_num(struct kb_buf *b, double v, int decimals);

/* Reads a whole file into b (appending).  Returns 0, or -1 with errno set. */
int kb_buf_read_file(struct kb_buf *b, const char *path);

/*
 * An output file, written the way every kiban output is:
 *  - "-" is standard output;
 *  - a path that names something other than a regular file (a character
 *    device such as /dev/null, a FIFO, a terminal) is written in place and
 *    never renamed over;
 *  - a regular file, or a path where nothing is yet, is replaced atomically:
 *    a temporary file beside it, fsync, rename; an existing file keeps its
 *    mode and (where permitted) its owner, a new one gets 0666 less the
 *    umask;
 *  - a symlink is followed: the file it names is replaced, not the link.
 * kb_out_open returns 0 or -1 with errno set; kb_out_write remembers the
 * first error; kb_out_close(o, 1) finishes the file (0, or -1 with errno:
 * the target is then unchanged when it was a regular file), and
 * kb_out_close(o, 0) abandons it (the temporary is removed).
 */
enum kb_out_mode { KB_OUT_STDOUT, KB_OUT_IN_PLACE, KB_OUT_REPLACE };
struct kb_out {
	int fd;
	enum kb_out_mode mode;
	int error;  /* the first write error, or 0 */
	char *path; /* the target, symlinks resolved */
	char *tmp;  /* the temporary beside it (KB_OUT_REPLACE) */
};
int kb_out_open(struct kb_out *o, const char *path);
int kb_out_write(struct kb_out *o, const void *data, size_t len);
int kb_out_close(struct kb_out *o, int commit);

/* Writes b to path as a kb_out does (see above).  0, or -1 with errno. */
int kb_buf_write_file(const struct kb_buf *b, const char *path);

/* Duplicates memory or a string; aborts when out of memory. */
char *kb_strdup(const char *s);
char *kb_strndup(const char *s, size_t n);
void *kb_malloc(size_t n);
void *kb_calloc(size_t n, size_t size);
void *kb_realloc(void *p, size_t n);

/* Grows an array to hold at least n elements (git's ALLOC_GROW). */
#define KB_ALLOC_GROW(p, n, alloc)                                     \
	do {                                                           \
		if ((n) > (alloc)) {                                   \
			size_t kb_new_ = (alloc) < 8 ? 8 : (alloc)*2;  \
			if (kb_new_ < (n))                             \
				kb_new_ = (n);                         \
			(p) = kb_realloc((p), kb_new_ * sizeof(*(p))); \
			(alloc) = kb_new_;                             \
		}                                                      \
	} while (0)

#endif
