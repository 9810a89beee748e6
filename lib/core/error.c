/*
 * error.c - the error context (see error.h).
 *
 * Diagnostics are kept in the order they were found, up to KB_ERR_MAX;
 * later ones are only counted, so that a file with a million bad rows still
 * produces a readable report and a bounded amount of memory.
 */
#include "core/compat.h"

#include "kiban/buf.h"
#include "kiban/error.h"

const char *kb_strerror(int code, enum kb_lang lang)
{
	switch (code) {
	case KB_OK: return KB_TR(lang, "success", "成功");
	case KB_EIO: return KB_TR(lang, "input/output error", "入出力エラー");
	case KB_EPARSE:
		return KB_TR(lang, "malformed input", "入力の形式が不正です");
	case KB_EINVALID:
		return KB_TR(lang, "invalid input", "入力内容が不正です");
	case KB_ENOTFOUND: return KB_TR(lang, "not found", "見つかりません");
	case KB_EEXISTS: return KB_TR(lang, "already exists", "既に存在します");
	case KB_EDB:
		return KB_TR(lang, "database error", "データベースのエラー");
	case KB_ESCHEMA:
		return KB_TR(lang, "unsupported database",
			     "対応していないデータベースです");
	case KB_ESTATE:
		return KB_TR(lang, "not allowed now",
			     "現在の状態では実行できません");
	case KB_EUSAGE:
		return KB_TR(lang, "invalid usage", "使い方が正しくありません");
	case KB_EAUTH:
		return KB_TR(lang, "not authenticated", "認証されていません");
	case KB_EDENIED:
		return KB_TR(lang, "not allowed for this account",
			     "このアカウントには許可されていません");
	}
	return KB_TR(lang, "unknown error", "不明なエラー");
}

void kb_err_init(struct kb_err *e, enum kb_lang lang)
{
	memset(e, 0, sizeof(*e));
	e->lang = lang;
}

void kb_err_clear(struct kb_err *e)
{
	size_t i;
	for (i = 0; i < e->n; i++) {
		free(e->v[i].file);
		free(e->v[i].field);
		free(e->v[i].msg);
	}
	e->n = 0;
	e->dropped = 0;
	e->code = 0;
}

void kb_err_release(struct kb_err *e)
{
	kb_err_clear(e);
	free(e->v);
	e->v = NULL;
	e->alloc = 0;
}

static __attribute__((format(printf, 7, 0))) int
vadd(struct kb_err *e, int code, const char *file, unsigned line, unsigned col,
     const char *field, const char *fmt, va_list ap)
{
	struct kb_buf msg = KB_BUF_INIT;
	struct kb_diag *d;

	if (!e->code)
		e->code = code;
	if (e->n >= KB_ERR_MAX) {
		e->dropped++;
		return code;
	}
	kb_buf_vaddf(&msg, fmt, ap);
	KB_ALLOC_GROW(e->v, e->n + 1, e->alloc);
	d = &e->v[e->n++];
	d->code = code;
	d->file = kb_strdup(file);
	d->line = line;
	d->col = col;
	d->field = kb_strdup(field);
	d->msg = kb_buf_detach(&msg, NULL);
	return code;
}

int kb_err_set(struct kb_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(e, code, NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int kb_err_at(struct kb_err *e, int code, const char *file, unsigned line,
	      unsigned col, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(e, code, file, line, col, field, fmt, ap);
	va_end(ap);
	return code;
}

static int before(const struct kb_diag *x, const struct kb_diag *y)
{
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (c)
		return c < 0;
	if (x->line != y->line)
		return x->line < y->line;
	return x->col < y->col;
}

void kb_err_sort(struct kb_err *e)
{
	size_t i, j;
	/* insertion sort: stable, and there are at most KB_ERR_MAX */
	for (i = 1; i < e->n; i++) {
		struct kb_diag d = e->v[i];
		for (j = i; j > 0 && before(&d, &e->v[j - 1]); j--)
			e->v[j] = e->v[j - 1];
		e->v[j] = d;
	}
}

size_t kb_err_count(const struct kb_err *e)
{
	return e->n + e->dropped;
}

void kb_diag_format(const struct kb_diag *d, enum kb_lang lang, struct kb_buf *out)
{
	if (d->file) {
		kb_buf_adds(out, d->file);
		if (d->line)
			kb_buf_addf(out, ":%u", d->line);
		if (d->line && d->col)
			kb_buf_addf(out, ":%u", d->col);
		kb_buf_adds(out, ": ");
	}
	if (d->field)
		kb_buf_addf(out, KB_TR(lang, "field '%s': ", "項目 '%s': "),
			    d->field);
	kb_buf_adds(out, d->msg);
}
