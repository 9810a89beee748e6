/*
 * http.c - the daemon and a request's life: libmicrohttpd's callbacks read
 * the body (bounded), check the path and the query string, find the route,
 * sign the request in (an API token or the session cookie), check CSRF and
 * the route's permission, run the handler on a store borrowed from the
 * pool and write the access log's line.  http_run() opens the stores,
 * starts the writer, the application's services and the sign-in's
 * hashers, listens, and stops gracefully on SIGTERM or SIGINT (stop
 * accepting, let running requests and queued writes finish, then close).
 * Part of the HTTP plumbing (http.h).
 */
#include "core/compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "core/utf8.h"
#include "server/http.h"

_Static_assert((int)HANDLED == (int)MHD_YES, "a handler returns MHD_YES");

/* ---- the path and the query string ---- */

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
	*r = reply_error_details(q, 400, "bad_request", m.buf, d);
	kb_buf_release(&m);
	return -1;
}

/* ---- the route walker ---- */

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

static int find_route(struct req *q)
{
	const struct route *rt;
	size_t i;
	int allowed = 0;
	for (i = 0; (rt = q->srv->app->route(i)); i++) {
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

/* ---- the language, the sign-in, CSRF ---- */

static void choose_lang(struct req *q)
{
	const char *l = arg_get(q, "lang");
	int v;
	if (!l)
		l = cookie_get(q, "kb_lang");
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
	const char *cookie = cookie_get(q, "kb_session");
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

/* 0 when q may take its route; else the reply, sent. */
static int refused(struct req *q, int *r)
{
	const struct route *rt = q->route;
	const char *why;
	if (rt->perm != PERM_OPEN && !q->p.account) {
		if (rt->flags & R_PAGE)
			*r = reply_redirect(q, "/login");
		else
			*r = reply_error(
				q, 401, "unauthenticated", "%s",
				KB_TR(q->lang,
				      "sign in first (a session cookie or an API token: Authorization: Bearer ...)",
				      "先にログインしてください（セッション cookie または API トークン: Authorization: Bearer ...）"));
		return 1;
	}
	if ((rt->flags & R_WRITE) && q->cookie_auth && !csrf_ok(q)) {
		*r = reply_denied(
			q, "csrf",
			KB_TR(q->lang,
			      "the form's security token is missing or wrong: reload the page and try again",
			      "フォームのセキュリティトークンがないか誤っています。ページを再読み込みしてやり直してください"));
		return 1;
	}
	if (rt->perm < 0 || (rt->flags & R_SCOPED) ||
	    kb_allowed(&q->p, (enum kb_perm)rt->perm, 0, 0))
		return 0;
	why = q->srv->app->denied ? q->srv->app->denied(q, rt->perm) : NULL;
	if (why)
		*r = reply_error(q, 403, "forbidden", "%s", why);
	else
		*r = reply_error(
			q, 403, "forbidden",
			KB_TR(q->lang, "a %s account may not do this (%s)",
			      "%sのアカウントにはこの操作の権限がありません（%s）"),
			kb_role_label(q->p.role, q->lang),
			kb_perm_key((enum kb_perm)rt->perm));
	audit(q, "denied", kb_perm_key((enum kb_perm)rt->perm));
	return 1;
}

static int dispatch(struct req *q)
{
	int r, st = find_route(q);

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
				"%s", http_status_text(st, q->lang));
		goto out;
	}
	if (refused(q, &r))
		goto out;
	r = q->route->fn(q);
	if (!q->answered && !q->job && !q->login)
		r = reply_error(q, 500, "internal", "%s",
				http_status_text(500, q->lang));
out:
	srv_store_put(q->srv, q->s);
	q->s = NULL;
	return r;
}

/* ---- a request's life ---- */

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
	if (q->job) /* back from the writer */
		return (enum MHD_Result)q->job->ops->reply(q, q->job);
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
		return (enum MHD_Result)reply_error(
			q, 405, "method_not_allowed", "%s",
			http_status_text(405, q->lang));
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
	if (q->job) {
		kb_err_release(&q->job->err);
		q->job->ops->free(q->job);
	}
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

static int open_log(struct srv *v, const struct srv_conf *c, struct kb_err *err)
{
	if (!c->access_log)
		return 0;
	v->logfd =
		!strcmp(c->access_log, "-")
			? STDERR_FILENO
			: open(c->access_log,
			       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (v->logfd < 0)
		return kb_err_set(err, KB_EIO,
				  KB_TR(err->lang,
					"cannot open the access log %s: %s",
					"アクセスログ %s を開けません: %s"),
				  c->access_log, strerror(errno));
	return 0;
}

static int start_daemon(struct srv *v, const struct srv_conf *c,
			struct sockaddr_storage *ss, int v6, struct kb_err *err)
{
	v->d = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0),
		(uint16_t)c->port, NULL, NULL, on_request, v,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)ss,
		MHD_OPTION_THREAD_POOL_SIZE, c->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, c->timeout,
		MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, v, MHD_OPTION_END);
	if (!v->d)
		return kb_err_set(
			err, KB_EIO,
			KB_TR(err->lang, "cannot listen on %s port %d: %s",
			      "%s のポート %d で待ち受けできません: %s"),
			c->addr, c->port, strerror(errno));
	return 0;
}

/* Says where it listens, then waits for SIGINT or SIGTERM and lets what
 * runs finish, up to 10 seconds. */
static void serve(struct srv *v, const struct srv_conf *c, int v6, sigset_t *sigs)
{
	unsigned port =
		MHD_get_daemon_info(v->d, MHD_DAEMON_INFO_BIND_PORT)->port;
	int sig = 0, lfd;
	double t;
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
	while (sigwait(sigs, &sig) || (sig != SIGINT && sig != SIGTERM))
		;
	fprintf(stderr,
		KB_TR(c->lang, "kiban: stopping (signal %d)\n",
		      "kiban: 停止します（シグナル %d）\n"),
		sig);
	lfd = MHD_quiesce_daemon(v->d);
	t = srv_clock();
	while (srv_clock() - t < 10 &&
	       MHD_get_daemon_info(v->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS)
		       ->num_connections)
		usleep(20000);
	if (lfd >= 0)
		close(lfd);
}

int http_run(const struct srv_conf *c, const struct http_app *app,
	     struct kb_err *err)
{
	struct srv v;
	struct sockaddr_storage ss;
	sigset_t sigs;
	int r = 0, v6, started = 0;
	size_t i;

	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return kb_err_set(err, KB_EIO, "%s",
				  KB_TR(err->lang, "cannot start libcurl",
					"libcurl を開始できません"));
	memset(&v, 0, sizeof(v));
	v.c = *c;
	v.app = app;
	v.start = srv_clock();
	v.logfd = -1;
	pthread_mutex_init(&v.mu, NULL);
	pthread_cond_init(&v.cv, NULL);
	pthread_cond_init(&v.wcv, NULL);
	v.queue.tail = &v.queue.head;
	if (listen_addr(c, &ss, &v6))
		return kb_err_set(
			err, KB_EUSAGE,
			KB_TR(err->lang,
			      "'%s' is not a numeric IPv4 or IPv6 address",
			      "'%s' は数値の IPv4 または IPv6 アドレスではありません"),
			c->addr);
	if ((r = open_log(&v, c, err)))
		return r;
	v.npool = c->threads + 2;
	v.pool = kb_calloc(v.npool, sizeof(*v.pool));
	for (i = 0; i < v.npool && !r; i++)
		r = kb_store_open(&v.pool[i], c->db, 0, err);
	v.nfree = v.npool;
	if (!r)
		r = kb_store_open(&v.ws, c->db, 0, err);
	/* the threads started from here inherit the blocked signals: only
	 * sigwait() below sees SIGINT and SIGTERM */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!r && !(r = app->start(&v, err)))
		started = 1;
	if (!r)
		r = writer_start(&v, err);
	if (!r)
		r = login_start(&v, err);
	if (!r)
		r = start_daemon(&v, c, &ss, v6, err);
	if (!r)
		serve(&v, c, v6, &sigs);
	if (started)
		app->stop(&v);
	writer_stop(&v); /* commits what was queued, wakes its connections */
	login_stop(&v);	 /* the same for sign-ins */
	if (v.d)
		MHD_stop_daemon(v.d);
	login_free(&v);
	app->release(&v);
	for (i = 0; i < v.npool; i++)
		kb_store_close(v.pool[i]);
	free(v.pool);
	kb_store_close(v.ws);
	if (v.logfd > STDERR_FILENO)
		close(v.logfd);
	pthread_mutex_destroy(&v.mu);
	pthread_cond_destroy(&v.cv);
	pthread_cond_destroy(&v.wcv);
	curl_global_cleanup();
	return r;
}
