/*
 * reply.c - every reply the server sends: JSON, CSV, a page of a list,
 * redirects, errors (JSON under /api/, an HTML page for a page's route),
 * a JSON reply kept for many requests (struct memo), and the frame every
 * HTML page is made of: the head with the menu (the application's, struct
 * http_app), escaping, the CSRF field, the list of a form's problems, the
 * foot, and the small parts forms and tables repeat.  Part of the HTTP
 * plumbing (http.h).
 *
 * Pages are Japanese by default with an English switch (?lang=, kept in a
 * cookie).  Every value from the store or the request is escaped
 * (kb_buf_add_html); every form carries the session's CSRF token; every
 * page has one <h1>, labels on its fields, a skip link and landmarks.
 */
#include "core/compat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "kiban/csv.h"
#include "server/http.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

int srv_status_of(int rc)
{
	switch (rc) {
	case KB_EPARSE:
	case KB_EINVALID: return 422;
	case KB_ENOTFOUND: return 404;
	case KB_EEXISTS:
	case KB_ESTATE: return 409;
	case KB_EUSAGE: return 400;
	case KB_EAUTH: return 401;
	case KB_EDENIED: return 403;
	default: return 500;
	}
}

const char *http_status_text(int status, enum kb_lang L)
{
	switch (status) {
	case 400: return KB_TR(L, "Bad request", "リクエストが不正です");
	case 401: return KB_TR(L, "Sign-in needed", "ログインが必要です");
	case 403: return KB_TR(L, "Not allowed", "権限がありません");
	case 404: return KB_TR(L, "Not found", "見つかりません");
	case 405:
		return KB_TR(L, "Method not allowed",
			     "許可されていないメソッドです");
	case 409: return KB_TR(L, "Conflict", "競合しています");
	case 413: return KB_TR(L, "Too large", "大きすぎます");
	case 415: return KB_TR(L, "Unsupported type", "未対応の形式です");
	case 422: return KB_TR(L, "Invalid input", "入力に誤りがあります");
	case 429:
		return KB_TR(L, "Too many requests", "リクエストが多すぎます");
	case 503:
		return KB_TR(L, "Busy: try again shortly",
			     "混み合っています。少し待ってからお試しください");
	default: return KB_TR(L, "Server error", "サーバーのエラー");
	}
}

/* ---- responses ---- */

static void common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(
		r, "Content-Security-Policy",
		"default-src 'self'; img-src 'self' data:; "
		"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
		"form-action 'self'");
}

/* A response of data (copied, or freed by MHD with must_free). */
static struct MHD_Response *response(const char *type, void *data, size_t len,
				     int must_free)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, data,
		must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_MUST_COPY);
	if (!r)
		return NULL;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	common_headers(r);
	return r;
}

static int queue(struct req *q, int status, struct MHD_Response *r)
{
	const char *lang = arg_get(q, "lang");
	int ok;
	if (q->set_cookie)
		MHD_add_response_header(r, "Set-Cookie", q->set_cookie);
	if (q->www_auth)
		MHD_add_response_header(r, "WWW-Authenticate",
					"Bearer realm=\"kiban\"");
	if (q->retry_after) {
		char s[24];
		snprintf(s, sizeof(s), "%ld", q->retry_after);
		MHD_add_response_header(r, "Retry-After", s);
	}
	if (lang && kb_lang_parse(lang) >= 0) {
		char c[64];
		snprintf(c, sizeof(c),
			 "kb_lang=%s; Path=/; SameSite=Lax; Max-Age=31536000",
			 kb_lang_parse(lang) == KB_LANG_EN ? "en" : "ja");
		MHD_add_response_header(r, "Set-Cookie", c);
	}
	q->status = status;
	q->answered = 1;
	ok = MHD_queue_response(q->c, (unsigned)status, r) == MHD_YES;
	MHD_destroy_response(r);
	return ok ? MHD_YES : MHD_NO;
}

int reply(struct req *q, int status, const char *type, const void *data,
	  size_t len)
{
	struct MHD_Response *r = response(type, (void *)data, len, 0);
	if (!r)
		return MHD_NO;
	q->bytes = len;
	return queue(q, status, r);
}

static char *json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(j);
	return s;
}

int reply_json(struct req *q, int status, json_t *j)
{
	char *s = json_text(j);
	int r;
	if (!s)
		return reply_error(q, 500, "internal", "%s", "JSON");
	r = reply(q, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
	return r;
}

int reply_html(struct req *q, int status, struct kb_buf *page)
{
	int r = reply(q, status, "text/html; charset=utf-8", page->buf,
		      page->len);
	kb_buf_release(page);
	return r;
}

int reply_csv(struct req *q, struct kb_buf *csv, const char *filename)
{
	struct MHD_Response *r =
		response("text/csv; charset=utf-8", csv->buf, csv->len, 0);
	char disp[160];
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	MHD_add_response_header(r, "Content-Disposition", disp);
	q->bytes = csv->len;
	kb_buf_release(csv);
	return queue(q, 200, r);
}

int reply_rows_csv(struct req *q, json_t *rows, const char *const *cols,
		   const char *filename, const char *withheld)
{
	struct kb_buf out = KB_BUF_INIT;
	struct kb_csvw w;
	size_t i, k;
	kb_csvw_init(&w, &out, 1);
	for (k = 0; cols[k]; k++)
		kb_csvw_field(&w, cols[k]);
	kb_csvw_end(&w);
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *x = json_array_get(rows, i);
		int supp = withheld &&
			   json_is_true(json_object_get(x, "suppressed"));
		for (k = 0; cols[k]; k++) {
			json_t *v = json_object_get(x, cols[k]);
			if (supp && json_is_null(v))
				kb_csvw_field(&w, withheld);
			else
				kb_csvw_json(&w, v);
		}
		kb_csvw_end(&w);
	}
	json_decref(rows);
	return reply_csv(q, &out, filename);
}

int reply_page(struct req *q, json_t *all, size_t total, size_t limit,
	       size_t offset, int sliced)
{
	json_t *items = all;
	if (!sliced) {
		size_t i;
		items = json_array();
		for (i = offset; i < json_array_size(all) && i < offset + limit;
		     i++)
			json_array_append(items, json_array_get(all, i));
		total = json_array_size(all);
		json_decref(all);
	}
	return reply_json(q, 200,
			  json_pack("{s:o, s:i, s:i, s:i}", "items", items,
				    "total", (json_int_t)total, "limit",
				    (json_int_t)limit, "offset",
				    (json_int_t)offset));
}

int reply_redirect(struct req *q, const char *location)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Location", location);
	common_headers(r);
	return queue(q, 303, r);
}

int page_args(struct req *q, size_t *limit, size_t *offset)
{
	const char *names[2] = { "limit", "offset" };
	size_t *out[2] = { limit, offset };
	int i;
	*limit = 100;
	*offset = 0;
	for (i = 0; i < 2; i++) {
		const char *s = arg_get(q, names[i]);
		char *end;
		unsigned long long v;
		if (!s)
			continue;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (!*s || *end || errno || *s == '-' ||
		    (i == 0 && (v < 1 || v > 1000))) {
			reply_error(q, 400, "bad_request",
				    T("%s: '%s' is not a number %s",
				      "%s: '%s' は %s の数ではありません"),
				    names[i], s,
				    i == 0 ? "1-1000" : T(">= 0", "0 以上"));
			return -1;
		}
		*out[i] = (size_t)v;
	}
	return 0;
}

int body_unreadable(struct req *q)
{
	form_get(q, "");
	if (!q->body.len || json_object_size(q->form))
		return 0;
	reply_error(
		q, 400, "bad_request", "%s",
		KB_TR(q->lang,
		      "the request body is not a form or a JSON object in UTF-8",
		      "リクエストの本文が UTF-8 のフォームまたは JSON オブジェクトではありません"));
	return 1;
}

/* ---- a reply kept for many requests ---- */

static int queue_memo(struct req *q, struct MHD_Response *r)
{
	q->status = 200;
	q->answered = 1;
	return MHD_queue_response(q->c, 200, r);
}

int reply_memo(struct req *q, struct memo *m, double max_age,
	       json_t *(*build)(struct req *q))
{
	struct srv *v = q->srv;
	struct MHD_Response *resp;
	long gen = atomic_load(&v->gen);
	double now = srv_clock();
	char *s;
	int r;

	/* queued under the lock: a response replaced meanwhile is freed
	 * only after MHD holds its own reference */
	pthread_mutex_lock(&v->mu);
	if (m->resp &&
	    (m->refreshing || (m->gen == gen && now - m->at < max_age))) {
		r = queue_memo(q, m->resp);
		pthread_mutex_unlock(&v->mu);
		return r;
	}
	m->refreshing = 1;
	pthread_mutex_unlock(&v->mu);
	s = json_text(build(q));
	resp = response("application/json; charset=utf-8", s, strlen(s), 1);
	pthread_mutex_lock(&v->mu);
	memo_release(m);
	m->resp = resp;
	m->gen = gen;
	m->at = now;
	m->refreshing = 0;
	r = queue_memo(q, resp);
	pthread_mutex_unlock(&v->mu);
	return r;
}

void memo_release(struct memo *m)
{
	if (m->resp)
		MHD_destroy_response(m->resp);
	m->resp = NULL;
}

/* ---- errors ---- */

int reply_error_details(struct req *q, int status, const char *code,
			const char *msg, json_t *details)
{
	json_t *e;
	if (q->route ? (q->route->flags & R_PAGE) != 0
		     : strncmp(q->url, "/api/", 5) != 0) {
		json_decref(details);
		page_error(q, status, msg, q->err.n ? &q->err : NULL);
		return MHD_YES;
	}
	if (status == 401)
		q->www_auth = 1;
	e = json_pack("{s:s, s:s}", "code", code, "message", msg);
	if (details)
		json_object_set_new(e, "details", details);
	return reply_json(q, status, json_pack("{s:o}", "error", e));
}

static int vreply_error(struct req *q, int status, const char *code,
			const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static int vreply_error(struct req *q, int status, const char *code,
			const char *fmt, va_list ap)
{
	struct kb_buf m = KB_BUF_INIT;
	int r;
	kb_buf_vaddf(&m, fmt, ap);
	r = reply_error_details(q, status, code, m.buf ? m.buf : "", NULL);
	kb_buf_release(&m);
	return r;
}

int reply_error(struct req *q, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = vreply_error(q, status, code, fmt, ap);
	va_end(ap);
	return r;
}

int reply_bad_arg(struct req *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreply_error(q, 400, "bad_request", fmt, ap);
	va_end(ap);
	return -1;
}

int reply_denied(struct req *q, const char *detail, const char *msg)
{
	int r = reply_error(q, 403, "forbidden", "%s", msg);
	audit(q, "denied", detail);
	return r;
}

static const char *code_key(int rc)
{
	switch (rc) {
	case KB_EPARSE: return "malformed";
	case KB_EINVALID: return "invalid";
	case KB_ENOTFOUND: return "not_found";
	case KB_EEXISTS: return "exists";
	case KB_ESTATE: return "conflict";
	case KB_EUSAGE: return "bad_request";
	case KB_EAUTH: return "unauthenticated";
	case KB_EDENIED: return "forbidden";
	default: return "internal";
	}
}

int reply_kb_error(struct req *q, int rc)
{
	json_t *details = json_array();
	struct kb_buf first = KB_BUF_INIT;
	size_t i;
	int status = srv_status_of(rc);
	for (i = 0; i < q->err.n; i++) {
		const struct kb_diag *d = &q->err.v[i];
		json_t *x = json_pack("{s:s, s:s}", "code", code_key(d->code),
				      "message", d->msg);
		if (d->code == KB_EDENIED)
			status = 403;
		if (d->file)
			json_object_set_new(x, "file", json_string(d->file));
		if (d->line)
			json_object_set_new(x, "line", json_integer(d->line));
		if (d->col)
			json_object_set_new(x, "column", json_integer(d->col));
		if (d->field)
			json_object_set_new(x, "field", json_string(d->field));
		json_array_append_new(details, x);
	}
	if (q->err.n)
		kb_diag_format(&q->err.v[0], q->lang, &first);
	else
		kb_buf_adds(&first, kb_strerror(rc, q->lang));
	if (q->err.n > 1)
		kb_buf_addf(&first, T(" (and %zu more)", "（ほか %zu 件）"),
			    kb_err_count(&q->err) - 1);
	status = reply_error_details(q, status,
				     status == 403 ? "forbidden" : code_key(rc),
				     first.buf, details);
	kb_buf_release(&first);
	return status;
}

/* ---- the pages' frame ---- */

void page_esc(struct kb_buf *b, const char *s)
{
	kb_buf_add_html(b, s ? s : "");
}

void page_escf(struct kb_buf *b, const char *fmt, ...)
{
	struct kb_buf t = KB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vaddf(&t, fmt, ap);
	va_end(ap);
	page_esc(b, t.buf);
	kb_buf_release(&t);
}

void page_csrf_field(struct req *q, struct kb_buf *b)
{
	kb_buf_adds(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	page_esc(b, q->csrf);
	kb_buf_adds(b, "\">");
}

static int menu_shown(struct req *q, const struct menu_item *m)
{
	if (m->perm < 0)
		return 1;
	return kb_allowed(&q->p, (enum kb_perm)m->perm,
			  m->flags & R_SCOPED ? q->p.org : 0, 0);
}

static void menu(struct req *q, struct kb_buf *b)
{
	const struct http_app *app = q->srv->app;
	size_t i;
	kb_buf_addf(b, "<nav aria-label=\"%s\"><ul>", T("Main", "メイン"));
	for (i = 0; i < app->nmenu; i++) {
		const struct menu_item *m = &app->menu[i];
		int here = !strcmp(q->url, m->path) ||
			   (m->path[1] &&
			    !strncmp(q->url, m->path, strlen(m->path)));
		size_t n;
		if (!menu_shown(q, m))
			continue;
		kb_buf_addf(b, "<li><a href=\"%s\"%s>%s", m->path,
			    here ? " aria-current=\"page\"" : "",
			    q->lang == KB_LANG_EN ? m->en : m->ja);
		if (m->badge && (n = m->badge(q)))
			kb_buf_addf(
				b,
				" <span class=\"badge\" aria-label=\"%s\">%zu</span>",
				T("unread", "未読"), n);
		kb_buf_adds(b, "</a></li>");
	}
	kb_buf_adds(b, "</ul></nav>");
}

void page_head(struct req *q, struct kb_buf *b, const char *title)
{
	kb_buf_addf(
		b,
		"<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>",
		q->lang == KB_LANG_EN ? "en" : "ja");
	page_esc(b, title);
	kb_buf_addf(
		b,
		" — kiban</title><link rel=\"stylesheet\" href=\"/static/kiban.css\">"
		"<script src=\"/static/kiban.js\" defer></script></head><body>"
		"<a class=\"skip\" href=\"#main\">%s</a><header><div class=\"bar\">"
		"<a class=\"brand\" href=\"/\">kiban <span>%s</span></a>",
		T("Skip to content", "本文へ移動"),
		T("Medical devices: 2nd Basic Plan", "医療機器基本計画（第2期）"));
	if (q->p.account)
		menu(q, b);
	kb_buf_adds(b, "<div class=\"who\">");
	kb_buf_addf(b, "<a href=\"?lang=%s\" lang=\"%s\">%s</a>",
		    q->lang == KB_LANG_EN ? "ja" : "en",
		    q->lang == KB_LANG_EN ? "ja" : "en",
		    q->lang == KB_LANG_EN ? "日本語" : "English");
	if (q->p.account) {
		kb_buf_adds(b, " <span class=\"user\">");
		page_esc(b, q->p.name);
		kb_buf_adds(b, "（");
		page_esc(b, kb_role_label(q->p.role, q->lang));
		kb_buf_adds(
			b, "）</span><form method=\"post\" action=\"/logout\">");
		page_csrf_field(q, b);
		kb_buf_addf(b, "<button type=\"submit\">%s</button></form>",
			    T("Sign out", "ログアウト"));
	}
	kb_buf_adds(b, "</div></div></header><main id=\"main\">");
	kb_buf_adds(b, "<h1>");
	page_esc(b, title);
	kb_buf_adds(b, "</h1>");
}

int page_finish(struct req *q, struct kb_buf *b, int status)
{
	kb_buf_adds(b, "</main><footer><p>kiban " KIBAN_VERSION " — ");
	kb_buf_adds(
		b,
		T("Japan's 2nd Basic Plan for medical devices",
		  "国民が受ける医療の質の向上のための医療機器の研究開発及び普及の促進に関する基本計画（第2期）"));
	kb_buf_adds(b, "</p></footer></body></html>\n");
	return reply_html(q, status, b);
}

void page_diags(struct req *q, struct kb_buf *b, const struct kb_err *e)
{
	size_t i;
	kb_buf_addf(b, "<div class=\"errors\" role=\"alert\"><p>%s</p><ol>",
		    T("Nothing was saved. Correct these and try again:",
		      "何も保存していません。次の点を直してやり直してください:"));
	for (i = 0; i < e->n; i++) {
		struct kb_buf line = KB_BUF_INIT;
		kb_diag_format(&e->v[i], q->lang, &line);
		kb_buf_addf(b, "<li data-line=\"%u\" data-field=\"",
			    e->v[i].line);
		page_esc(b, e->v[i].field);
		kb_buf_adds(b, "\">");
		page_esc(b, line.buf);
		kb_buf_adds(b, "</li>");
		kb_buf_release(&line);
	}
	if (e->dropped)
		kb_buf_addf(b, "<li>%s %zu</li>",
			    T("more problems:", "ほかの問題:"), e->dropped);
	kb_buf_adds(b, "</ol></div>");
}

void page_error(struct req *q, int status, const char *msg,
		const struct kb_err *details)
{
	struct kb_buf b = KB_BUF_INIT;
	page_head(q, &b,
		  status == 403	  ? T("Not allowed", "権限がありません")
		  : status == 404 ? T("Not found", "見つかりません")
		  : status == 422 ? T("Invalid input", "入力に誤りがあります")
				  : T("Error", "エラー"));
	kb_buf_adds(&b, "<p class=\"message\" data-status=\"");
	kb_buf_addf(&b, "%d\">", status);
	page_esc(&b, msg);
	kb_buf_adds(&b, "</p>");
	if (details && details->n > 1)
		page_diags(q, &b, details);
	kb_buf_addf(&b, "<p><a href=\"/\">%s</a></p>",
		    T("Back to the dashboard", "ダッシュボードへ戻る"));
	page_finish(q, &b, status);
}

/* ---- parts of pages ---- */

void page_th(struct kb_buf *b, const char *label)
{
	kb_buf_adds(b, "<th scope=\"col\">");
	page_esc(b, label);
	kb_buf_adds(b, "</th>");
}

void page_thead(struct kb_buf *b, size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	kb_buf_adds(b, "<thead><tr>");
	while (n--)
		page_th(b, va_arg(ap, const char *));
	kb_buf_adds(b, "</tr></thead><tbody>");
	va_end(ap);
}

void page_fact(struct kb_buf *b, const char *label, const char *value)
{
	kb_buf_adds(b, "<dt>");
	page_esc(b, label);
	kb_buf_adds(b, "</dt><dd>");
	page_esc(b, *value ? value : "—");
	kb_buf_adds(b, "</dd>");
}

/* <p><label for="FORM-NAME">LABEL (the label's start of a field). */
static void field_label(struct kb_buf *b, const char *form, const char *name,
			const char *label)
{
	kb_buf_addf(b, "<p><label for=\"%s-%s\">", form, name);
	page_esc(b, label);
}

void page_field(struct req *q, struct kb_buf *b, const char *form,
		const char *name, const char *label, const char *type,
		int required)
{
	const char *v = q->form_parsed ? form_get(q, name) : NULL;
	field_label(b, form, name, label);
	if (!strcmp(type, "textarea")) {
		kb_buf_addf(
			b,
			"</label><textarea id=\"%s-%s\" name=\"%s\" rows=\"2\"%s>",
			form, name, name, required ? " required" : "");
		page_esc(b, v);
		kb_buf_adds(b, "</textarea></p>");
		return;
	}
	kb_buf_addf(b, "</label><input id=\"%s-%s\" name=\"%s\" type=\"%s\"%s",
		    form, name, name, type, required ? " required" : "");
	if (!strcmp(type, "number"))
		kb_buf_adds(b, " min=\"1\" max=\"9\"");
	kb_buf_adds(b, " value=\"");
	page_esc(b, v);
	kb_buf_adds(b, "\"></p>");
}

void page_select(struct req *q, struct kb_buf *b, const char *form,
		 const char *name, const char *label, const char *const *opts,
		 size_t n)
{
	const char *v = q->form_parsed ? form_get(q, name) : NULL;
	size_t i;
	field_label(b, form, name, label);
	kb_buf_addf(b, "</label><select id=\"%s-%s\" name=\"%s\">", form, name,
		    name);
	for (i = 0; i < n; i++) {
		const char *en = strchr(opts[i], '|') + 1;
		const char *ja = strchr(en, '|') + 1;
		int klen = (int)(en - 1 - opts[i]);
		kb_buf_addf(b, "<option value=\"%.*s\"%s>", klen, opts[i],
			    v && (int)strlen(v) == klen &&
					    !strncmp(v, opts[i], (size_t)klen)
				    ? " selected"
				    : "");
		if (q->lang == KB_LANG_EN)
			kb_buf_addf(b, "%.*s</option>", (int)(ja - 1 - en), en);
		else
			kb_buf_addf(b, "%s</option>", ja);
	}
	kb_buf_adds(b, "</select></p>");
}
