/*
 * login.c - signing in without letting a guesser try for long or slow down
 * everyone else (OWASP ASVS V2.2.1): srv_login(), which both the API's and
 * the page's sign-in go through, the session's cookie, the throttle and
 * the hashers behind it, and the sign-in form.  Part of the HTTP plumbing
 * (http.h).
 *
 * The throttle counts failed sign-ins per account (the login given, known
 * or not, so that a refusal says nothing of which accounts exist) and per
 * client address (an IPv6 one by its /64).  --login-limit failures within
 * --login-window seconds lock the account out for --login-window seconds
 * (an address: four times as many failures, over any accounts); each
 * further lock-out lasts twice as long as the one before, up to a day,
 * until a day passes without a failure.  A sign-in that succeeds clears its
 * account's count, not its address's.  While locked out, or while enough
 * sign-ins are being checked to reach the limit, a sign-in is answered 429
 * with Retry-After and its password is not checked: the answer is the same
 * whether it was right.  Each lock-out is written to the audit log
 * ("lockout").  The counts live in memory, in a table of SLOTS entries:
 * when it is full, the entry idle longest that is not locked out goes.
 * Behind a proxy every client has the proxy's address.
 *
 * The hashers: checking a password (Argon2id, 64 MiB) takes a processor
 * for a tenth of a second or more, so it is not done on libmicrohttpd's
 * threads, each of which serves many connections.  A sign-in is handed to
 * one of --login-hashers threads, each with a store connection of its own
 * (kb_login also opens the session), and its connection is suspended, as
 * an upload's is (writer.c).  Once checked, the connection is resumed, the
 * request dispatched again, and srv_login() replies with the verdict.  At
 * most WAITING sign-ins per hasher wait their turn; one more is answered 503
 * with Retry-After at once.
 */
#include "core/compat.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <sodium.h>

#include "server/http.h"

#define SLOTS	       4096
#define WAITING	       4       /* sign-ins waiting per hasher */
#define DAY	       86400.0 /* the longest lock-out; strikes are forgotten after */
#define ADDRESS_FACTOR 4u /* an address may fail this many times an account's */
#define SESSION_COOKIE "kb_session"

/* The failures of one account ("a:" login) or address ("i:" address). */
struct slot {
	char key[72];
	unsigned fails;	  /* within the window that began at first */
	unsigned pending; /* sign-ins being checked */
	unsigned strikes; /* lock-outs so far: the next lasts window << strikes */
	double first, last, until; /* srv_clock(); until: locked out till then */
};

struct login_job {
	struct login_job *next;
	struct req *q;
	const char *login, *password; /* the request's form's */
	struct slot *acct, *addr;
	int rc;
	struct kb_principal p;
	char token[KB_TOKEN_LEN], csrf[KB_TOKEN_LEN];
	struct kb_err err;
};

struct hasher {
	struct srv *v;
	struct kb_store *s;
	pthread_t t;
};

struct signin {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a sign-in to check, or stop */
	struct slot *slot;
	size_t nslot;
	struct login_job *queue, **tail;
	size_t waiting;
	int stop;
	struct hasher *h;
	unsigned nh, started;
};

/* The slot of key, made when new; NULL when every slot is locked or busy.
 * Called with mu held. */
static struct slot *slot_get(struct signin *g, const char *key, double now)
{
	struct slot *e, *old = NULL;
	size_t i;
	for (i = 0; i < g->nslot; i++) {
		e = &g->slot[i];
		if (!strcmp(e->key, key))
			return e;
		if (!e->pending && e->until <= now &&
		    (!old || e->last < old->last))
			old = e;
	}
	if (g->nslot < SLOTS)
		e = &g->slot[g->nslot++];
	else if (!(e = old))
		return NULL;
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->last = now;
	return e;
}

/* Seconds before e may try again (0: now) when it may fail limit times. */
static long slot_wait(const struct slot *e, unsigned limit, double now,
		      double window)
{
	if (e->until > now)
		return (long)(e->until - now) + 1;
	if ((now - e->first > window ? 0 : e->fails) + e->pending >= limit)
		return 1; /* enough being checked to reach the limit */
	return 0;
}

/* One more failure of e; the seconds of the lock-out it starts, or 0. */
static long slot_fail(struct slot *e, unsigned limit, double now, double window)
{
	double lock;
	if (now - e->last > DAY)
		e->strikes = 0;
	if (now - e->first > window) {
		e->fails = 0;
		e->first = now;
	}
	e->last = now;
	if (++e->fails < limit)
		return 0;
	lock = window * (double)(1u << (e->strikes < 16 ? e->strikes : 16));
	if (lock > DAY)
		lock = DAY;
	e->until = now + lock;
	e->strikes++;
	e->fails = 0;
	return (long)lock;
}

/* "i:" and the client's address; an IPv6 one by its /64 (its owner has
 * them all), an IPv4 one even when mapped into IPv6. */
static void addr_key(struct req *q, char key[72])
{
	char ip[64];
	unsigned char a[16];
	client_ip(q, ip, sizeof(ip));
	if (strchr(ip, ':') && inet_pton(AF_INET6, ip, a) == 1 &&
	    memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, ip, sizeof(ip));
		snprintf(key, 72, "i:%s/64", ip);
		return;
	}
	snprintf(key, 72, "i:%s", ip);
}

/* The reply to a sign-in not checked: 429 or 503, with Retry-After. */
static int refuse(struct req *q, int status, long retry)
{
	char msg[200];
	if (status == 429)
		snprintf(msg, sizeof(msg),
			 KB_TR(q->lang,
			       "too many failed sign-ins: try again in %ld seconds",
			       "ログインの失敗が多すぎます。%ld 秒後にもう一度お試しください"),
			 retry);
	else
		snprintf(msg, sizeof(msg), "%s",
			 KB_TR(q->lang,
			       "too many sign-ins at once: try again in a moment",
			       "ログインが集中しています。少し待ってからもう一度お試しください"));
	q->retry_after = retry;
	if (q->route->flags & R_PAGE)
		login_form(q, status, msg);
	else
		reply_error(q, status,
			    status == 429 ? "too_many_requests" : "unavailable",
			    "%s", msg);
	return -1;
}

/* Hands the sign-in to the hashers and suspends the connection (1), or
 * refuses it at once with the reply sent (-1): 429 while the account or
 * the address is locked out, 503 when too many wait.  login and password
 * must live as long as q. */
static int login_submit(struct req *q, const char *login, const char *password)
{
	struct srv *v = q->srv;
	struct signin *g = v->signin;
	const struct srv_conf *c = &v->c;
	char key[72];
	struct slot *acct, *addr;
	struct login_job *j;
	double now = srv_clock();
	long wait = 0;
	int busy;

	pthread_mutex_lock(&g->mu);
	snprintf(key, sizeof(key), "a:%s", login);
	if ((acct = slot_get(g, key, now))) {
		acct->pending++; /* not the slot taken for the address */
		addr_key(q, key);
		addr = slot_get(g, key, now);
		acct->pending--;
	} else {
		addr = NULL;
	}
	if (acct && addr) {
		long w = slot_wait(addr, c->login_limit * ADDRESS_FACTOR, now,
				   c->login_window);
		wait = slot_wait(acct, c->login_limit, now, c->login_window);
		if (w > wait)
			wait = w;
	}
	busy = !acct || !addr || g->stop ||
	       g->waiting >= (size_t)g->started * WAITING;
	if (!wait && !busy) {
		acct->pending++;
		addr->pending++;
		g->waiting++;
	}
	pthread_mutex_unlock(&g->mu);
	if (wait)
		return refuse(q, 429, wait);
	if (busy)
		return refuse(q, 503, 1);

	j = kb_calloc(1, sizeof(*j));
	j->q = q;
	j->login = login;
	j->password = password;
	j->acct = acct;
	j->addr = addr;
	kb_err_init(&j->err, q->lang);
	q->login = j;
	MHD_suspend_connection(q->c);
	pthread_mutex_lock(&g->mu);
	*g->tail = j;
	g->tail = &j->next;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return 1;
}

/* Once resumed: the verdict (kb_login's code; q->p, q->csrf, q->err and
 * the session's token set), counted by the throttle and written to the
 * audit log with any lock-out it starts. */
static int login_finish(struct req *q, char token[KB_TOKEN_LEN])
{
	struct srv *v = q->srv;
	struct signin *g = v->signin;
	struct login_job *j = q->login;
	double now = srv_clock();
	long lock[2] = { 0, 0 };
	char key[2][72];
	int i;

	pthread_mutex_lock(&g->mu);
	j->acct->pending--;
	j->addr->pending--;
	if (!j->rc) {
		j->acct->fails = 0;
		j->acct->strikes = 0;
	} else if (j->rc == KB_EAUTH) {
		lock[0] = slot_fail(j->acct, v->c.login_limit, now,
				    v->c.login_window);
		lock[1] = slot_fail(j->addr, v->c.login_limit * ADDRESS_FACTOR,
				    now, v->c.login_window);
	}
	memcpy(key[0], j->acct->key, sizeof(key[0]));
	memcpy(key[1], j->addr->key, sizeof(key[1]));
	pthread_mutex_unlock(&g->mu);

	memcpy(token, j->token, KB_TOKEN_LEN);
	memcpy(q->csrf, j->csrf, KB_TOKEN_LEN);
	kb_err_release(&q->err);
	q->err = j->err;
	kb_err_init(&j->err, q->lang);
	q->p = j->p;
	if (!j->rc) {
		q->status = 200;
		audit(q, "login", NULL);
		return 0;
	}
	snprintf(q->p.login, sizeof(q->p.login), "%.63s", j->login);
	q->status = srv_status_of(j->rc);
	audit(q, "login_failed", NULL);
	for (i = 0; i < 2; i++) {
		char detail[200];
		if (!lock[i])
			continue;
		snprintf(detail, sizeof(detail),
			 "%s '%s' locked out for %ld s after %u failed "
			 "sign-ins",
			 i ? "address" : "account", key[i] + 2, lock[i],
			 v->c.login_limit * (i ? ADDRESS_FACTOR : 1));
		audit(q, "lockout", detail);
	}
	return j->rc;
}

void login_job_free(struct login_job *j)
{
	if (!j)
		return;
	kb_err_release(&j->err);
	sodium_memzero(j->token, sizeof(j->token));
	free(j);
}

static void *hasher_main(void *arg)
{
	struct hasher *h = arg;
	struct srv *v = h->v;
	struct signin *g = v->signin;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct login_job *j;
		while (!g->queue && !g->stop)
			pthread_cond_wait(&g->cv, &g->mu);
		if (!(j = g->queue))
			break; /* stopping, nothing left */
		if (!(g->queue = j->next))
			g->tail = &g->queue;
		g->waiting--;
		pthread_mutex_unlock(&g->mu);
		j->rc = kb_login(h->s, j->login, j->password, srv_now(v),
				 v->c.session_ttl, &j->p, j->token, j->csrf,
				 &j->err);
		MHD_resume_connection(j->q->c);
		pthread_mutex_lock(&g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int login_start(struct srv *v, struct kb_err *err)
{
	struct signin *g = kb_calloc(1, sizeof(*g));
	unsigned n = v->c.login_hashers;
	int r;

	if (!n)
		n = v->c.threads > 2 ? v->c.threads / 2 : 1;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->tail = &g->queue;
	g->slot = kb_calloc(SLOTS, sizeof(*g->slot));
	g->h = kb_calloc(n, sizeof(*g->h));
	g->nh = n;
	v->signin = g;
	while (g->started < n) {
		struct hasher *h = &g->h[g->started];
		h->v = v;
		if ((r = kb_store_open(&h->s, v->c.db, 0, err)))
			return r;
		if ((r = srv_thread_start(&h->t, hasher_main, h,
					  "cannot start the sign-in threads",
					  "ログインのスレッドを開始できません",
					  err)))
			return r;
		g->started++;
	}
	return 0;
}

void login_stop(struct srv *v)
{
	struct signin *g = v->signin;
	unsigned i;
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	for (i = 0; i < g->started; i++)
		pthread_join(g->h[i].t, NULL);
	g->started = 0;
}

void login_free(struct srv *v)
{
	struct signin *g = v->signin;
	unsigned i;
	if (!g)
		return;
	login_stop(v);
	for (i = 0; i < g->nh; i++)
		kb_store_close(g->h[i].s);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g->slot);
	free(g->h);
	free(g);
	v->signin = NULL;
}

/* ---- the sign-in and the session's cookie ---- */

/* A browser's login form must come from this server's own pages. */
static int same_origin(struct req *q)
{
	const char *o = header_get(q, "Origin"), *h = header_get(q, "Host");
	const char *p;
	if (!o)
		return 1;
	if (!h)
		return 0;
	p = strstr(o, "://");
	return p && !strcmp(p + 3, h);
}

int srv_login(struct req *q, const char *login, const char *password)
{
	char token[KB_TOKEN_LEN], cookie[256];
	int r;
	if (!q->login) { /* first the checks, then the hashers */
		if (!same_origin(q))
			return reply_error(
				q, 403, "forbidden", "%s",
				KB_TR(q->lang, "cross-site sign-in refused",
				      "別のサイトからのログインは受け付けません"));
		if (!login || !password)
			return reply_error(
				q, 400, "bad_request", "%s",
				KB_TR(q->lang, "give login and password",
				      "login と password を指定してください"));
		login_submit(q, login, password);
		return -1; /* suspended until checked, or refused */
	}
	if ((r = login_finish(q, token))) {
		if (q->route->flags & R_PAGE) { /* the form again, saying why */
			login_form(q, q->status, q->err.n ? q->err.v[0].msg : "");
			return -1;
		}
		return reply_kb_error(q, r);
	}
	memcpy(q->session, token, sizeof(token));
	snprintf(cookie, sizeof(cookie),
		 SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; "
				"Max-Age=%ld%s",
		 token, q->srv->c.session_ttl,
		 q->srv->c.secure_cookies ? "; Secure" : "");
	q->set_cookie = kb_strdup(cookie);
	return 0;
}

int srv_logout(struct req *q)
{
	int r = 0;
	if (q->cookie_auth)
		r = kb_session_end(q->s, q->session, &q->err);
	q->set_cookie = kb_strdup(SESSION_COOKIE "=; Path=/; HttpOnly; "
						 "SameSite=Strict; Max-Age=0");
	audit(q, "logout", NULL);
	return r;
}

int login_form(struct req *q, int status, const char *msg)
{
	struct kb_buf b = KB_BUF_INIT;
	enum kb_lang L = q->lang;
	page_head(q, &b, KB_TR(L, "Sign in", "ログイン"));
	if (msg) {
		kb_buf_adds(&b, "<p class=\"errors\" role=\"alert\">");
		page_esc(&b, msg);
		kb_buf_adds(&b, "</p>");
	}
	kb_buf_addf(
		&b,
		"<form method=\"post\" action=\"/login\" class=\"narrow\">"
		"<p><label for=\"login\">%s</label>"
		"<input id=\"login\" name=\"login\" autocomplete=\"username\" required autofocus></p>"
		"<p><label for=\"password\">%s</label>"
		"<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>"
		"<p><button type=\"submit\">%s</button></p></form>",
		KB_TR(L, "Login", "ログイン ID"),
		KB_TR(L, "Password", "パスワード"),
		KB_TR(L, "Sign in", "ログイン"));
	return page_finish(q, &b, status);
}
