/*
 * buf.c - growable string buffer and the allocation helpers (see buf.h).
 *
 * Every allocation in libkiban goes through kb_malloc/kb_realloc, which
 * abort on failure; the rest of the library can then treat memory as
 * available and keep its error paths for errors a user can do something
 * about.
 */
#include "core/compat.h"

#include "kiban/buf.h"

char kb_buf_empty[1];

static void oom(void)
{
	/* The library does not print; abort() leaves a core for the cause. */
	abort();
}

void *kb_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *kb_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *kb_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *kb_strndup(const char *s, size_t n)
{
	char *p = kb_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *kb_strdup(const char *s)
{
	return s ? kb_strndup(s, strlen(s)) : NULL;
}

void kb_buf_init(struct kb_buf *b, size_t hint)
{
	b->buf = kb_buf_empty;
	b->len = 0;
	b->alloc = 0;
	if (hint)
		kb_buf_grow(b, hint);
}

void kb_buf_release(struct kb_buf *b)
{
	if (b->alloc)
		free(b->buf);
	kb_buf_init(b, 0);
}

char *kb_buf_detach(struct kb_buf *b, size_t *len)
{
	char *s;
	if (len)
		*len = b->len;
	s = b->alloc ? b->buf : kb_strdup("");
	kb_buf_init(b, 0);
	return s;
}

void kb_buf_grow(struct kb_buf *b, size_t extra)
{
	size_t need;
	if (extra > SIZE_MAX - b->len - 1)
		oom();
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	if (!b->alloc)
		b->buf = NULL;
	b->alloc = b->alloc * 3 / 2 > need ? b->alloc * 3 / 2 : need;
	if (b->alloc < 64)
		b->alloc = 64;
	b->buf = kb_realloc(b->buf, b->alloc);
	if (b->len == 0)
		b->buf[0] = '\0';
}

void kb_buf_setlen(struct kb_buf *b, size_t len)
{
	assert(len <= (b->alloc ? b->alloc - 1 : 0));
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

void kb_buf_add(struct kb_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	kb_buf_grow(b, len);
	memcpy(b->buf + b->len, data, len);
	kb_buf_setlen(b, b->len + len);
}

void kb_buf_adds(struct kb_buf *b, const char *s)
{
	kb_buf_add(b, s, strlen(s));
}

void kb_buf_addch(struct kb_buf *b, int c)
{
	kb_buf_grow(b, 1);
	b->buf[b->len] = (char)c;
	kb_buf_setlen(b, b->len + 1);
}

void kb_buf_vaddf(struct kb_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	kb_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return; /* only for an invalid format, which -Wformat rules out */
	if ((size_t)n >= b->alloc - b->len) {
		kb_buf_grow(b, (size_t)n);
		n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	kb_buf_setlen(b, b->len + (size_t)n);
}

void kb_buf_addf(struct kb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void kb_buf_add_html(struct kb_buf *b, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		kb_buf_add(b, run, (size_t)(s - run));
		kb_buf_adds(b, rep);
		run = s + 1;
	}
	kb_buf_add(b, run, (size_t)(s - run));
}

void kb_buf_add_num(struct kb_buf *b, double v, int decimals)
{
	char tmp[DBL_MAX_10_EXP + 32], *dot, *p; /* any finite double, %.6f */
	int keep = decimals < 0 ? -decimals : decimals;
	size_t intlen, i;

	if (!isfinite(v)) {
		kb_buf_adds(b, "–");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.*f", keep, v);
	if (decimals < 0 && strchr(tmp, '.')) {
		p = tmp + strlen(tmp) - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
	}
	if (tmp[0] == '-' && !strpbrk(tmp, "123456789"))
		memmove(tmp, tmp + 1, strlen(tmp)); /* -0.00 is 0.00 */
	p = tmp;
	if (*p == '-') {
		kb_buf_addch(b, '-');
		p++;
	}
	dot = strchr(p, '.');
	intlen = dot ? (size_t)(dot - p) : strlen(p);
	for (i = 0; i < intlen; i++) {
		if (i && (intlen - i) % 3 == 0)
			kb_buf_addch(b, ',');
		kb_buf_addch(b, p[i]);
	}
	if (dot)
		kb_buf_adds(b, dot);
}

int kb_buf_read_file(struct kb_buf *b, const char *path)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t n;
	int saved;

	if (!fp)
		return -1;
	for (;;) {
		kb_buf_grow(b, 65536);
		n = fread(b->buf + b->len, 1, b->alloc - b->len - 1, fp);
		kb_buf_setlen(b, b->len + n);
		if (n == 0)
			break;
	}
	saved = ferror(fp) ? EIO : 0;
	if (fp != stdin)
		fclose(fp);
	if (saved) {
		errno = saved;
		return -1;
	}
	return 0;
}

/*
 * Where output for `path` really goes: a symlink is followed (to its final
 * target, which need not exist yet), so that writing through a link
 * replaces the file it names, never the link.  Returns a new string.
 */
static char *resolve_target(const char *path)
{
	char *cur = kb_strdup(path);
	int hops;

	for (hops = 0; hops < 40; hops++) {
		struct stat st;
		char link[PATH_MAX];
		ssize_t n;
		char *slash, *next;

		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0)
			return cur;
		link[n] = '\0';
		slash = strrchr(cur, '/');
		if (link[0] == '/' || !slash) {
			next = kb_strdup(link);
		} else {
			struct kb_buf b = KB_BUF_INIT;
			kb_buf_add(&b, cur, (size_t)(slash - cur) + 1);
			kb_buf_adds(&b, link);
			next = kb_buf_detach(&b, NULL);
		}
		free(cur);
		cur = next;
	}
	return cur; /* a loop: open() will say ELOOP */
}

int kb_out_open(struct kb_out *o, const char *path)
{
	static unsigned seq; /* temporaries of one process differ */
	struct stat st;
	int have;
	unsigned attempt;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (!strcmp(path, "-")) {
		fflush(stdout);
		o->fd = STDOUT_FILENO;
		o->mode = KB_OUT_STDOUT;
		return 0;
	}
	o->path = resolve_target(path);
	have = !stat(o->path, &st);
	if (have && !S_ISREG(st.st_mode)) {
		/* a device, a FIFO, a terminal: written in place, never renamed over */
		o->fd = open(o->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (o->fd < 0)
			goto fail;
		o->mode = KB_OUT_IN_PLACE;
		return 0;
	}
	/* a regular file, or none yet: a temporary beside it, then rename */
	for (attempt = 0; attempt < 100; attempt++) {
		struct kb_buf t = KB_BUF_INIT;
		const char *slash = strrchr(o->path, '/');
		size_t dirlen = slash ? (size_t)(slash - o->path) + 1 : 0;
		kb_buf_add(&t, o->path, dirlen);
		kb_buf_addf(&t, ".%s.tmp.%ld.%u", o->path + dirlen,
			    (long)getpid(),
			    __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
		/* new files get 0666 less the umask, as any other program's */
		o->fd = open(t.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     have ? 0600 : 0666);
		if (o->fd >= 0) {
			o->tmp = kb_buf_detach(&t, NULL);
			break;
		}
		kb_buf_release(&t);
		if (errno != EEXIST)
			goto fail;
	}
	if (o->fd < 0)
		goto fail;
	if (have) {
		/* an existing file keeps its mode and, where we may, its owner */
		if (fchown(o->fd, st.st_uid, st.st_gid) && errno != EPERM)
			goto fail_tmp;
		if (fchmod(o->fd, st.st_mode & 07777))
			goto fail_tmp;
	}
	o->mode = KB_OUT_REPLACE;
	return 0;
fail_tmp : {
	int saved = errno;
	close(o->fd);
	unlink(o->tmp);
	errno = saved;
}
fail : {
	int saved = errno;
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	errno = saved;
	return -1;
}
}

int kb_out_write(struct kb_out *o, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(o->fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (!o->error)
				o->error = errno;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int kb_out_close(struct kb_out *o, int commit)
{
	int saved = o->error;

	if (!commit && !saved)
		saved = ECANCELED;
	switch (o->mode) {
	case KB_OUT_STDOUT: break;
	case KB_OUT_IN_PLACE:
		if (close(o->fd) && !saved)
			saved = errno;
		break;
	case KB_OUT_REPLACE:
		if (!saved && fsync(o->fd))
			saved = errno;
		if (close(o->fd) && !saved)
			saved = errno;
		if (!saved && rename(o->tmp, o->path))
			saved = errno;
		if (saved)
			unlink(o->tmp);
		break;
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (saved == ECANCELED && !commit)
		saved = 0;
	errno = saved;
	return saved ? -1 : 0;
}

int kb_buf_write_file(const struct kb_buf *b, const char *path)
{
	struct kb_out o;

	if (kb_out_open(&o, path))
		return -1;
	kb_out_write(&o, b->buf, b->len);
	return kb_out_close(&o, 1);
}
