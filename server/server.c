/*
 * server.c - the HTTP plumbing: libmicrohttpd's daemon, a request's life
 * (body, route, sign-in, CSRF, permission, handler, reply), the store pool,
 * the shared registry, the access log, and a graceful stop on SIGTERM or
 * SIGINT (stop accepting, let running requests and queued uploads finish,
 * then close).
 */
#include "core/compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "core/utf8.h"
#include "server/server.h"

#define REGISTRY_MAX_AGE 30.0 /* seconds before the registry is reread */

double srv_clock(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

time_t srv_now(const struct srv *v)
{
	return v->c.epoch + (time_t)(srv_clock() - v->start);
}

/* ---- the store pool ---- */

struct kb_store *srv_store_get(struct srv *v)
{
	struct kb_store *s;
	pthread_mutex_lock(&v->mu);
	while (!v->nfree)
		pthread_cond_wait(&v->cv, &v->mu);
	s = v->pool[--v->nfree];
	pthread_mutex_unlock(&v->mu);
	return s;
}

void srv_store_put(struct srv *v, struct kb_store *s)
{
	pthread_mutex_lock(&v->mu);
	v->pool[v->nfree++] = s;
	pthread_cond_signal(&v->cv);
	pthread_mutex_unlock(&v->mu);
}

/* ---- the registry, shared ---- */

static void registry_unref(struct registry *g)
{
	if (g && --g->refs == 0) {
		kb_supply_release(&g->sup);
		free(g);
	}
}

static struct registry *registry_load(struct kb_store *s, struct kb_err *err)
{
	struct registry *g = kb_calloc(1, sizeof(*g));
	if (kb_supply_load(s, &g->sup, err)) {
		free(g);
		return NULL;
	}
	g->refs = 1;
	g->loaded_at = srv_clock();
	return g;
}

/*
 * The registry for one request.  It is reread when older than
 * REGISTRY_MAX_AGE, so that devices and organisations registered with the
 * command while the server runs appear without a restart; a failed reread
 * keeps the old one.
 */
struct registry *srv_registry(struct srv *v)
{
	struct registry *g;
	pthread_mutex_lock(&v->mu);
	if (srv_clock() - v->reg->loaded_at > REGISTRY_MAX_AGE) {
		struct kb_err err;
		v->reg->loaded_at = srv_clock(); /* one reader rereads */
		pthread_mutex_unlock(&v->mu);
		kb_err_init(&err, KB_LANG_EN);
		{
			struct kb_store *s = srv_store_get(v);
			g = registry_load(s, &err);
			srv_store_put(v, s);
		}
		kb_err_release(&err);
		pthread_mutex_lock(&v->mu);
		if (g) {
			registry_unref(v->reg);
			v->reg = g;
		}
	}
	g = v->reg;
	g->refs++;
	pthread_mutex_unlock(&v->mu);
	return g;
}

void srv_registry_put(struct srv *v, struct registry *g)
{
	pthread_mutex_lock(&v->mu);
	registry_unref(g);
	pthread_mutex_unlock(&v->mu);
}

/* ---- replies ---- */

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
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	common_headers(r);
	q->bytes = len;
	return queue(q, status, r);
}

int reply_cached(struct req *q, struct MHD_Response *r)
{
	q->status = 200;
	q->answered = 1;
	return MHD_queue_response(q->c, 200, r);
}

/* A response to keep and queue many times (the dashboard's). */
struct MHD_Response *srv_response_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
	struct MHD_Response *r;
	json_decref(j);
	r = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type",
				"application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	common_headers(r);
	return r;
}

int reply_json(struct req *q, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
	int r;
	json_decref(j);
	if (!s)
		return reply_error(q, 500, "internal", "%s", "JSON");
	r = reply(q, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
	return r;
}

static const char *status_text(int status, enum kb_lang L)
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

static int error_reply(struct req *q, int status, const char *code,
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

int reply_error(struct req *q, int status, const char *code, const char *fmt, ...)
{
	struct kb_buf m = KB_BUF_INIT;
	va_list ap;
	int r;
	va_start(ap, fmt);
	kb_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	r = error_reply(q, status, code, m.buf ? m.buf : "", NULL);
	kb_buf_release(&m);
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
		kb_buf_addf(&first,
			    KB_TR(q->lang, " (and %zu more)", "（ほか %zu 件）"),
			    kb_err_count(&q->err) - 1);
	status = error_reply(q, status,
			     status == 403 ? "forbidden" : code_key(rc),
			     first.buf, details);
	kb_buf_release(&first);
	return status;
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
	struct MHD_Response *r = MHD_create_response_from_buffer(
		csv->len, csv->buf, MHD_RESPMEM_MUST_COPY);
	char disp[160];
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
	MHD_add_response_header(r, "Content-Disposition", disp);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	common_headers(r);
	q->bytes = csv->len;
	kb_buf_release(csv);
	return queue(q, 200, r);
}

int reply_redirect(struct req *q, const char *location)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Location", location);
	common_headers(r);
	return queue(q, 303, r);
}

/* ---- the request's inputs ---- */

const char *arg_get(struct req *q, const char *name)
{
	return MHD_lookup_connection_value(q->c, MHD_GET_ARGUMENT_KIND, name);
}

/* A name or value of the request is text: UTF-8, without NUL. */
static int is_text(const char *s, size_t n)
{
	return !memchr(s, '\0', n) && kb__utf8_valid(s, n, NULL);
}

struct arg_check {
	int bad;	  /* 1: a value is not text, 2: a name is not */
	const char *name; /* the parameter whose value is not text */
};

static enum MHD_Result arg_check(void *cls, enum MHD_ValueKind kind,
				 const char *key, size_t nkey,
				 const char *value, size_t nvalue)
{
	struct arg_check *a = cls;
	(void)kind;
	if (!is_text(key, nkey))
		a->bad = 2;
	else if (value && !is_text(value, nvalue))
		a->bad = 1, a->name = key;
	return a->bad ? MHD_NO : MHD_YES;
}

/*
 * The one check of the query string and the path, before any handler
 * reads them: every parameter's name and value, and the path, must be
 * UTF-8 text.  Anything else is the client's error, a 400 that names the
 * parameter (a handler would echo it into a JSON reply, which cannot hold
 * it).  Returns 0, or -1 with the reply queued in *r.
 */
static int args_check(struct req *q, int *r)
{
	struct arg_check a = { 0, NULL };
	enum kb_lang L = q->lang;
	struct kb_buf m = KB_BUF_INIT;
	json_t *d;

	if (!is_text(q->url, strlen(q->url))) {
		a.bad = 3;
	} else {
		MHD_get_connection_values_n(q->c, MHD_GET_ARGUMENT_KIND,
					    arg_check, &a);
		if (!a.bad)
			return 0;
	}
	if (a.bad == 1)
		kb_buf_addf(
			&m,
			KB_TR(L, "query parameter '%s': the value is not UTF-8 text (send UTF-8, percent-encoded: 東 is %%E6%%9D%%B1)",
			      "クエリパラメータ '%s' の値が UTF-8 の文字列ではありません（UTF-8 をパーセントエンコードして送ってください。東 は %%E6%%9D%%B1）"),
			a.name);
	else
		kb_buf_adds(
			&m,
			a.bad == 2
				? KB_TR(L, "the name of a query parameter is not UTF-8 text (send UTF-8, percent-encoded)",
					"クエリパラメータの名前が UTF-8 の文字列ではありません（UTF-8 をパーセントエンコードして送ってください）")
				: KB_TR(L, "the path is not UTF-8 text (send UTF-8, percent-encoded)",
					"パスが UTF-8 の文字列ではありません（UTF-8 をパーセントエンコードして送ってください）"));
	d = json_pack("[{s:s, s:s}]", "code", "bad_request", "message", m.buf);
	if (a.bad == 1)
		json_object_set_new(json_array_get(d, 0), "field",
				    json_string(a.name));
	*r = error_reply(q, 400, "bad_request", m.buf, d);
	kb_buf_release(&m);
	return -1;
}

const char *header_get(struct req *q, const char *name)
{
	return MHD_lookup_connection_value(q->c, MHD_HEADER_KIND, name);
}

int want_csv(struct req *q)
{
	const char *f = arg_get(q, "format"), *a = header_get(q, "Accept");
	return (f && !strcmp(f, "csv")) ||
	       (!f && a && !strncmp(a, "text/csv", 8));
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
				    KB_TR(q->lang, "%s: '%s' is not a number %s",
					  "%s: '%s' は %s の数ではありません"),
				    names[i], s,
				    i == 0 ? "1-1000"
					   : KB_TR(q->lang, ">= 0", "0 以上"));
			return -1;
		}
		*out[i] = (size_t)v;
	}
	return 0;
}

struct mp {
	json_t *form;
	struct req *q;
};

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *filename,
			       const char *type, const char *enc,
			       const char *data, uint64_t off, size_t size)
{
	struct mp *m = cls;
	json_t *old;
	(void)kind;
	(void)type;
	(void)enc;
	(void)off;
	if (!key)
		return MHD_YES;
	if (filename) { /* a file: bytes in any encoding, kept apart */
		kb_buf_add(&m->q->file, data, size);
		return MHD_YES;
	}
	old = json_object_get(m->form, key);
	{
		struct kb_buf b = KB_BUF_INIT;
		if (old)
			kb_buf_adds(&b, json_string_value(old));
		kb_buf_add(&b, data, size);
		json_object_set_new(m->form, key,
				    json_stringn(b.buf ? b.buf : "", b.len));
		kb_buf_release(&b);
	}
	return MHD_YES;
}

/*
 * The body's fields: a form (urlencoded or multipart) or a JSON object
 * (form.c; multipart through libmicrohttpd's post processor).  A field
 * that is not valid UTF-8 is missing.
 */
static void parse_form(struct req *q)
{
	const char *ct = header_get(q, "Content-Type");
	q->form_parsed = 1;
	if (ct && q->body.len && !strncasecmp(ct, "multipart/form-data", 19)) {
		struct mp m = { json_object(), q };
		struct MHD_PostProcessor *pp =
			MHD_create_post_processor(q->c, 64 * 1024, on_part, &m);
		q->form = m.form;
		if (pp) {
			MHD_post_process(pp, q->body.buf, q->body.len);
			MHD_destroy_post_processor(pp);
		}
		return;
	}
	q->form = srv_form_parse(ct, q->body.buf, q->body.len);
}

const char *form_get(struct req *q, const char *name)
{
	json_t *v;
	if (!q->form_parsed)
		parse_form(q);
	v = json_object_get(q->form, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- the audit log ---- */

const char *client_ip(struct req *q, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(q->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	*buf = 0;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  buf, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  buf, (socklen_t)n);
	return buf;
}

static const char *method_name(int m)
{
	switch (m) {
	case M_GET: return "GET";
	case M_POST: return "POST";
	case M_DELETE: return "DELETE";
	case M_HEAD: return "HEAD";
	default: return "?";
	}
}

void audit(struct req *q, const char *action, const char *detail)
{
	char ip[64];
	struct kb_audit_entry e = { action,
				    method_name(q->method),
				    q->url,
				    q->status ? q->status : 200,
				    client_ip(q, ip, sizeof(ip)),
				    detail };
	struct kb_err err;
	struct kb_store *s = q->s ? q->s : srv_store_get(q->srv);
	kb_err_init(&err, KB_LANG_EN);
	if (kb_audit(s, &q->p, &e, srv_now(q->srv), &err))
		fprintf(stderr, "kiban serve: audit: %s\n",
			err.n ? err.v[0].msg : "failed");
	kb_err_release(&err);
	if (!q->s)
		srv_store_put(q->srv, s);
}

/* ---- one request ---- */

static int route_match(const char *pattern, const char *url, char *arg[2])
{
	int n = 0;
	while (*pattern && *url) {
		if (!strncmp(pattern, "{}", 2)) {
			size_t len = strcspn(url, "/");
			if (!len || n == 2)
				return 0;
			arg[n] = kb_malloc(len + 1);
			memcpy(arg[n], url, len);
			arg[n++][len] = 0;
			url += len;
			pattern += 2;
		} else if (*pattern++ != *url++) {
			return 0;
		}
	}
	return !*pattern && !*url;
}

static void free_args(struct req *q)
{
	free(q->arg[0]);
	free(q->arg[1]);
	q->arg[0] = q->arg[1] = NULL;
}

const struct route *srv_route(size_t i)
{
	if (i < srv_nroutes)
		return &srv_routes[i];
	i -= srv_nroutes;
	return i < srv_match_nroutes ? &srv_match_routes[i] : NULL;
}

static int find_route(struct req *q)
{
	const struct route *rt;
	size_t i;
	int allowed = 0;
	for (i = 0; (rt = srv_route(i)); i++) {
		if (!route_match(rt->pattern, q->url, q->arg)) {
			free_args(q);
			continue;
		}
		if (rt->methods & q->method) {
			q->route = rt;
			return 0;
		}
		allowed |= rt->methods;
		free_args(q);
	}
	return allowed ? 405 : 404;
}

static void choose_lang(struct req *q)
{
	const char *l = arg_get(q, "lang");
	int v;
	if (!l)
		l = MHD_lookup_connection_value(q->c, MHD_COOKIE_KIND, "kb_lang");
	if (l && (v = kb_lang_parse(l)) >= 0) {
		q->lang = (enum kb_lang)v;
		return;
	}
	if (q->p.account) {
		q->lang = q->p.lang;
		return;
	}
	q->lang = q->srv->c.lang; /* Japanese unless the switch was used */
}

/* The language of the reply and of the library's messages. */
static void pick_lang(struct req *q)
{
	choose_lang(q);
	q->err.lang = q->lang;
}

/* Signs the request in: an API token (Authorization: Bearer) or the
 * session cookie.  A bad token is an error; a stale cookie is ignored. */
static int sign_in(struct req *q)
{
	const char *h = header_get(q, "Authorization");
	const char *cookie =
		MHD_lookup_connection_value(q->c, MHD_COOKIE_KIND, "kb_session");
	int r;
	if (h) {
		if (strncasecmp(h, "Bearer ", 7))
			return KB_EAUTH;
		h += 7;
		return kb_token_auth(q->s, h, &q->p, &q->err);
	}
	if (cookie && strlen(cookie) < KB_TOKEN_LEN) {
		r = kb_session_get(q->s, cookie, srv_now(q->srv), &q->p,
				   q->csrf, &q->err);
		if (!r) {
			q->cookie_auth = 1;
			memcpy(q->session, cookie, strlen(cookie) + 1);
		}
		kb_err_clear(&q->err);
	}
	return 0;
}

/* A cookie-signed write must carry the session's CSRF token, as the form
 * field "csrf" or the header X-CSRF-Token. */
static int csrf_ok(struct req *q)
{
	const char *t = header_get(q, "X-CSRF-Token");
	if (!t)
		t = form_get(q, "csrf");
	return t && *q->csrf && kb_secret_equal(t, q->csrf);
}

static int dispatch(struct req *q)
{
	int r, st = find_route(q);
	const struct route *rt;

	q->s = srv_store_get(q->srv);
	if ((r = sign_in(q))) {
		pick_lang(q);
		kb_err_clear(&q->err);
		r = reply_error(q, 401, "unauthenticated", "%s",
				KB_TR(q->lang,
				      "the API token is unknown or revoked",
				      "API トークンが不明か、失効しています"));
		audit(q, "login_failed", "token");
		goto out;
	}
	pick_lang(q);
	if (args_check(q, &r))
		goto out;
	if (st) {
		r = reply_error(q, st,
				st == 404 ? "not_found" : "method_not_allowed",
				"%s", status_text(st, q->lang));
		goto out;
	}
	rt = q->route;
	if (rt->perm != -2 && !q->p.account) {
		if (rt->flags & R_PAGE) {
			struct kb_buf loc = KB_BUF_INIT;
			kb_buf_adds(&loc, "/login");
			r = reply_redirect(q, loc.buf);
			kb_buf_release(&loc);
		} else {
			r = reply_error(
				q, 401, "unauthenticated", "%s",
				KB_TR(q->lang,
				      "sign in first (a session cookie or an API token: Authorization: Bearer ...)",
				      "先にログインしてください（セッション cookie または API トークン: Authorization: Bearer ...）"));
		}
		goto out;
	}
	if ((rt->flags & R_WRITE) && q->cookie_auth && !csrf_ok(q)) {
		r = reply_error(
			q, 403, "csrf", "%s",
			KB_TR(q->lang,
			      "the form's security token is missing or wrong: reload the page and try again",
			      "フォームのセキュリティトークンがないか誤っています。ページを再読み込みしてやり直してください"));
		audit(q, "denied", "csrf");
		goto out;
	}
	if (rt->perm == KB_PERM_MATCH && !kb_allowed(&q->p, KB_PERM_MATCH, 0, 0)) {
		r = reply_error(
			q, 403, "forbidden", "%s",
			KB_TR(q->lang,
			      "this account does not act for an organisation of the needs-seeds registry: ask the administrator to link it ('kiban account match-org')",
			      "このアカウントはニーズ・シーズ登録簿のどの組織も代表していません。管理者に紐づけを依頼してください（'kiban account match-org'）"));
		audit(q, "denied", kb_perm_key(KB_PERM_MATCH));
		goto out;
	}
	if (rt->perm >= 0 && !(rt->flags & R_SCOPED) &&
	    !kb_allowed(&q->p, (enum kb_perm)rt->perm, 0, 0)) {
		r = reply_error(
			q, 403, "forbidden",
			KB_TR(q->lang, "a %s account may not do this (%s)",
			      "%sのアカウントにはこの操作の権限がありません（%s）"),
			kb_role_label(q->p.role, q->lang),
			kb_perm_key((enum kb_perm)rt->perm));
		audit(q, "denied", kb_perm_key((enum kb_perm)rt->perm));
		goto out;
	}
	r = rt->fn(q);
	if (!q->answered && !q->job && !q->login)
		r = reply_error(q, 500, "internal", "%s",
				status_text(500, q->lang));
out:
	srv_store_put(q->srv, q->s);
	q->s = NULL;
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *data,
				  size_t *size, void **ctx)
{
	struct srv *v = cls;
	struct req *q = *ctx;
	(void)version;

	if (!q) {
		const char *cl;
		q = kb_calloc(1, sizeof(*q));
		q->srv = v;
		q->c = c;
		q->url = url;
		q->t0 = srv_clock();
		q->lang = v->c.lang;
		kb_err_init(&q->err, v->c.lang);
		q->method = !strcmp(method, "GET")	? M_GET
			    : !strcmp(method, "POST")	? M_POST
			    : !strcmp(method, "DELETE") ? M_DELETE
			    : !strcmp(method, "HEAD")	? M_HEAD
							: 0;
		*ctx = q;
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > v->c.max_body)
			q->too_big = 1;
		return MHD_YES;
	}
	if (*size) {
		if (!q->too_big && q->body.len + *size > v->c.max_body) {
			q->too_big = 1;
			kb_buf_release(&q->body);
		}
		if (!q->too_big)
			kb_buf_add(&q->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (q->answered)
		return MHD_YES;
	if (q->job)
		return (enum MHD_Result)writer_reply(q);
	if (q->login) /* back from the hashers: the handler again */
		return (enum MHD_Result)dispatch(q);
	if (q->too_big) {
		pick_lang(q);
		return (enum MHD_Result)reply_error(
			q, 413, "too_large",
			KB_TR(q->lang, "the request body is over %zu bytes",
			      "リクエストの本文が %zu バイトを超えています"),
			v->c.max_body);
	}
	if (!q->method) {
		pick_lang(q);
		return (enum MHD_Result)reply_error(q, 405,
						    "method_not_allowed", "%s",
						    status_text(405, q->lang));
	}
	return (enum MHD_Result)dispatch(q);
}

static void log_line(struct srv *v, struct req *q)
{
	struct kb_buf b = KB_BUF_INIT;
	char ip[64], when[32];
	time_t now = srv_now(v);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	kb_buf_addf(&b,
		    "{\"time\":\"%s\",\"ip\":\"%s\",\"method\":\"%s\",\"path\":",
		    when, client_ip(q, ip, sizeof(ip)), method_name(q->method));
	{
		json_t *u = json_string(q->url); /* NULL: not UTF-8 */
		char *p = u ? json_dumps(u, JSON_ENCODE_ANY) : NULL;
		kb_buf_adds(&b, p ? p : "\"?\"");
		free(p);
		json_decref(u);
	}
	kb_buf_addf(
		&b,
		",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"login\":\"%s\"}\n",
		q->status, q->bytes, (srv_clock() - q->t0) * 1000, q->p.login);
	if (write(v->logfd, b.buf, b.len) < 0) {
		/* the log is best effort: a full disk must not stop service */
	}
	kb_buf_release(&b);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
			 enum MHD_RequestTerminationCode toe)
{
	struct srv *v = cls;
	struct req *q = *ctx;
	(void)c;
	(void)toe;
	if (!q)
		return;
	if (v->logfd >= 0)
		log_line(v, q);
	free_args(q);
	kb_buf_release(&q->body);
	kb_buf_release(&q->file);
	kb_err_release(&q->err);
	json_decref(q->form);
	free(q->set_cookie);
	if (q->job)
		job_free(q->job);
	login_job_free(q->login);
	free(q);
	*ctx = NULL;
}

/* ---- start and stop ---- */

static int listen_addr(const struct srv_conf *c, struct sockaddr_storage *ss,
		       int *v6)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *b = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	*v6 = 0;
	if (inet_pton(AF_INET, c->addr, &a->sin_addr) == 1) {
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)c->port);
		return 0;
	}
	if (inet_pton(AF_INET6, c->addr, &b->sin6_addr) == 1) {
		b->sin6_family = AF_INET6;
		b->sin6_port = htons((uint16_t)c->port);
		*v6 = 1;
		return 0;
	}
	return -1;
}

int srv_run(struct srv_conf *c, struct kb_err *err)
{
	struct srv v;
	struct sockaddr_storage ss;
	sigset_t sigs;
	int sig = 0, r = 0, v6;
	size_t i;
	unsigned port;

	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return kb_err_set(err, KB_EIO, "%s",
				  KB_TR(err->lang, "cannot start libcurl",
					"libcurl を開始できません"));
	memset(&v, 0, sizeof(v));
	v.c = *c;
	v.start = srv_clock();
	v.logfd = -1;
	pthread_mutex_init(&v.mu, NULL);
	pthread_cond_init(&v.cv, NULL);
	pthread_cond_init(&v.wcv, NULL);
	pthread_cond_init(&v.ncv, NULL);
	v.tail = &v.queue;
	if (listen_addr(c, &ss, &v6))
		return kb_err_set(
			err, KB_EUSAGE,
			KB_TR(err->lang,
			      "'%s' is not a numeric IPv4 or IPv6 address",
			      "'%s' は数値の IPv4 または IPv6 アドレスではありません"),
			c->addr);
	if (c->access_log) {
		v.logfd =
			!strcmp(c->access_log, "-")
				? STDERR_FILENO
				: open(c->access_log,
				       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				       0640);
		if (v.logfd < 0)
			return kb_err_set(
				err, KB_EIO,
				KB_TR(err->lang,
				      "cannot open the access log %s: %s",
				      "アクセスログ %s を開けません: %s"),
				c->access_log, strerror(errno));
	}
	v.npool = c->threads + 2;
	v.pool = kb_calloc(v.npool, sizeof(*v.pool));
	for (i = 0; i < v.npool && !r; i++)
		r = kb_store_open(&v.pool[i], c->db, 0, err);
	v.nfree = v.npool;
	if (!r && !(v.reg = registry_load(v.pool[0], err)))
		r = err->code ? err->code : KB_EDB;
	if (!r)
		r = kb_store_open(&v.ws, c->db, 0, err);
	if (!r)
		r = kb_store_open(&v.ns, c->db, 0, err);
	/* the threads started from here inherit the blocked signals: only
	 * sigwait() below sees SIGINT and SIGTERM */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!r)
		r = writer_start(&v, err);
	if (!r)
		r = notifier_start(&v, err);
	if (!r)
		r = login_start(&v, err);
	if (!r) {
		v.d = MHD_start_daemon(
			MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
				MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0),
			(uint16_t)c->port, NULL, NULL, on_request, &v,
			MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			MHD_OPTION_THREAD_POOL_SIZE, c->threads,
			MHD_OPTION_CONNECTION_TIMEOUT, c->timeout,
			MHD_OPTION_CONNECTION_LIMIT, 4096u,
			MHD_OPTION_NOTIFY_COMPLETED, on_completed, &v,
			MHD_OPTION_END);
		if (!v.d)
			r = kb_err_set(
				err, KB_EIO,
				KB_TR(err->lang, "cannot listen on %s port %d: %s",
				      "%s のポート %d で待ち受けできません: %s"),
				c->addr, c->port, strerror(errno));
	}
	if (r)
		goto out;
	port = MHD_get_daemon_info(v.d, MHD_DAEMON_INFO_BIND_PORT)->port;
	printf(KB_TR(c->lang,
		     "kiban: serving %s on http://%s%s%s:%u/ (Ctrl-C stops)\n",
		     "kiban: %s を http://%s%s%s:%u/ で公開しています（Ctrl-C で停止）\n"),
	       c->db, v6 ? "[" : "", c->addr, v6 ? "]" : "", port);
	fflush(stdout);
	if (c->ready_file) {
		FILE *f = fopen(c->ready_file, "w");
		if (f) {
			fprintf(f, "%u\n", port);
			fclose(f);
		}
	}
	while (sigwait(&sigs, &sig) || (sig != SIGINT && sig != SIGTERM))
		;
	fprintf(stderr,
		KB_TR(c->lang, "kiban: stopping (signal %d)\n",
		      "kiban: 停止します（シグナル %d）\n"),
		sig);
	/* stop accepting; let what runs finish, up to 10 seconds */
	{
		int lfd = MHD_quiesce_daemon(v.d);
		double t = srv_clock();
		while (srv_clock() - t < 10 &&
		       MHD_get_daemon_info(v.d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS)
			       ->num_connections)
			usleep(20000);
		if (lfd >= 0)
			close(lfd);
	}
out:
	notifier_stop(&v);
	writer_stop(&v); /* commits what was queued, wakes its connections */
	login_stop(&v);	 /* the same for sign-ins */
	if (v.d)
		MHD_stop_daemon(v.d);
	login_free(&v);
	for (i = 0; i < 2; i++)
		if (v.dash[i].resp)
			MHD_destroy_response(v.dash[i].resp);
	for (i = 0; i < v.npool; i++)
		kb_store_close(v.pool[i]);
	free(v.pool);
	kb_store_close(v.ws);
	kb_store_close(v.ns);
	if (v.reg)
		registry_unref(v.reg);
	if (v.logfd > STDERR_FILENO)
		close(v.logfd);
	pthread_mutex_destroy(&v.mu);
	pthread_cond_destroy(&v.cv);
	pthread_cond_destroy(&v.wcv);
	pthread_cond_destroy(&v.ncv);
	curl_global_cleanup();
	return r;
}
