/*
 * http.h - the server's HTTP plumbing, the lowest of its three layers:
 * libmicrohttpd's daemon, a request's life (body, route, sign-in, CSRF,
 * permission, handler, reply), the store pool, the replies (JSON, CSV,
 * HTML pages' frame, errors), the sign-in's throttle and sessions, and the
 * writer that makes uploads durable in groups.  It knows nothing of plans,
 * devices or matching: the application above it (app.h: the routes per
 * domain, api_*.c, and the pages per domain, page_*.c) gives it a route
 * table, a menu and its services' start and stop (struct http_app).
 *
 * Files, each calling only those after it: http.c (the daemon and a
 * request's life), login.c (signing in), writer.c (durable writes),
 * reply.c (the replies and the pages' frame), request.c (the request's
 * inputs, the clock, threads, the store pool, the audit log), form.c (a
 * body's fields).
 *
 * GNU libmicrohttpd runs a pool of threads, each polling its share of the
 * connections.  A request is read whole (up to a limit), then dispatched
 * through the route table, whose every entry names the permission it
 * needs; the handler runs on a store connection borrowed from the pool
 * (SQLite connections are not shared between threads).
 *
 * Ownership: struct srv owns the daemon, the pool, the writer and the
 * sign-in's threads; what the application keeps is behind srv->shared.
 * struct req lives from a request's first byte to MHD's completion
 * callback.
 */
#ifndef KB_SERVER_HTTP_H
#define KB_SERVER_HTTP_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <jansson.h>

#include "kiban/auth.h"
#include "kiban/buf.h"
#include "kiban/error.h"
#include "kiban/store.h"

struct MHD_Connection;
struct MHD_Response;

/* What `kiban serve` configures (options and the config file). */
struct srv_conf {
	const char *db;
	const char *addr; /* listen address, numeric IPv4 or IPv6 */
	int port;	  /* 0: any free port (printed) */
	unsigned threads;
	size_t max_body;	/* bytes of one request body */
	unsigned timeout;	/* seconds a connection may stay idle */
	const char *access_log; /* path, "-" standard error, NULL none */
	enum kb_lang lang;	/* default language of the pages */
	long session_ttl;	/* seconds */
	int secure_cookies;	/* add Secure (behind an HTTPS proxy) */
	time_t epoch;		/* the clock at start ($SOURCE_DATE_EPOCH) */
	const char *ready_file; /* written with the port once listening */
	double notify_interval; /* seconds between the notifier's runs */
	unsigned webhook_retry; /* seconds before a failed delivery's
				   first retry (then doubling) */
	int webhook_private;	/* may post to private addresses */
	unsigned login_limit;	/* failed sign-ins of an account that lock
				   it out (an address: 4 times as many) */
	unsigned login_window;	/* seconds they are counted over, and of
				   the first lock-out */
	unsigned login_hashers; /* threads checking passwords; 0: half the
				   threads, at least 1 */
};

enum { M_GET = 1, M_POST = 2, M_DELETE = 4, M_HEAD = 8 };

/* What a handler returns once it has replied or suspended the request
 * (libmicrohttpd's MHD_YES); a reply returns it too. */
enum { HANDLED = 1 };

enum {
	R_SCOPED = 1, /* the handler checks perm for the organisation itself */
	R_PAGE = 2,   /* an HTML page: not signed in -> the login page */
	R_WRITE = 4,  /* changes data: CSRF for cookies; audited */
};

/* Permissions of a route besides enum kb_perm. */
#define PERM_SIGNED_IN (-1)
#define PERM_OPEN      (-2)

struct req;

struct route {
	int methods;
	const char *pattern; /* "/api/v1/kpis/{}/values" */
	int (*fn)(struct req *q);
	int perm;  /* enum kb_perm the route needs, PERM_SIGNED_IN or
		      PERM_OPEN (anybody) */
	int flags; /* R_* */
};

/* An entry of the pages' menu, shown to those with perm (for their own
 * organisation with R_SCOPED); badge: a count beside it, 0 for none. */
struct menu_item {
	const char *path, *en, *ja;
	int perm, flags;
	size_t (*badge)(struct req *q);
};

struct srv;

/* What the application gives the plumbing. */
struct http_app {
	/* Route i, in the order they are tried; NULL past the last. */
	const struct route *(*route)(size_t i);
	const struct menu_item *menu;
	size_t nmenu;
	/* The message for an account without perm, or NULL for the usual
	 * one; NULL: always the usual one. */
	const char *(*denied)(struct req *q, int perm);
	/* Its services, started once the stores are open and before the
	 * daemon; stopped before the writer stops; released last. */
	int (*start)(struct srv *v, struct kb_err *err);
	void (*stop)(struct srv *v);
	void (*release)(struct srv *v);
};

/* ---- writer.c: writes made durable before they are answered ---- */

struct write_job;

/* What a kind of write does; the job's struct begins with a struct
 * write_job. */
struct write_ops {
	/* The job on the writer's store, inside the group's transaction:
	 * sets j->rc and j->err. */
	void (*run)(struct srv *v, struct kb_store *ws, struct write_job *j);
	/* Once per group with a job of these ops, after every job and
	 * before the commit: 0 or KB_E* with err.  May be NULL. */
	int (*group)(struct srv *v, struct kb_store *ws,
		     const struct write_job *batch, struct kb_err *err);
	/* The reply, once the connection is resumed. */
	int (*reply)(struct req *q, struct write_job *j);
	void (*free)(struct write_job *j);
	/* What a job hears when its group could not be committed. */
	const char *lost_en, *lost_ja;
};

struct write_job {
	struct write_job *next;
	struct req *q;
	const struct write_ops *ops;
	int rc;		   /* 0 or KB_E*, set by ops->run */
	struct kb_err err; /* the problems, in the request's language */
};

/* Queues j (its ops, q and err set here) and suspends the connection
 * until its group is committed; then ops->reply answers. */
void writer_submit(struct req *q, struct write_job *j,
		   const struct write_ops *ops);
struct srv;
int writer_start(struct srv *v, struct kb_err *err);
void writer_stop(struct srv *v); /* commits what was queued first */

/* ---- the server and one request ---- */

struct job_queue {
	struct write_job *head, **tail;
};

struct login_job; /* a sign-in waiting for the hashers (login.c) */
struct signin;	  /* the sign-in throttle and hashers (login.c) */

struct srv {
	struct srv_conf c;
	const struct http_app *app;
	void *shared; /* the application's state (app.h) */
	struct MHD_Daemon *d;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a store came back to the pool */
	struct kb_store **pool;
	size_t npool, nfree;
	/* the writer */
	pthread_t writer;
	pthread_cond_t wcv;
	struct job_queue queue;
	atomic_int stop;
	struct kb_store *ws;
	int writer_on;
	atomic_long gen; /* bumped by every commit the server makes */
	int logfd;
	double start; /* monotonic seconds at start */
	struct signin *signin;
};

struct req {
	struct srv *srv;
	struct MHD_Connection *c;
	const char *url;
	int method;
	struct kb_buf body;
	int too_big, answered, www_auth;
	const struct route *route;
	char *arg[2]; /* the {} segments of the route, decoded */
	struct kb_principal p;
	int cookie_auth; /* signed in by the session cookie (needs CSRF) */
	char session[KB_TOKEN_LEN], csrf[KB_TOKEN_LEN];
	enum kb_lang lang;
	struct kb_store *s;
	struct kb_err err;
	int status;
	size_t bytes;
	double t0;
	struct write_job *job;
	json_t *form; /* the fields of a form or JSON body, once parsed */
	int form_parsed;
	char *set_cookie;	 /* sent with the reply */
	long retry_after;	 /* seconds, sent as Retry-After when not 0 */
	struct login_job *login; /* its sign-in, once handed to the hashers */
	struct kb_buf file; /* a file field of a multipart form, as bytes */
};

/* ---- http.c ---- */
/* Serves until SIGINT or SIGTERM; then stops gracefully (stops accepting,
 * lets running requests and queued writes finish). */
int http_run(const struct srv_conf *c, const struct http_app *app,
	     struct kb_err *err);
/* ---- request.c: the clock, threads, the store pool, the request's
 * inputs ---- */
double srv_clock(void);
time_t srv_now(const struct srv *v);
/* Starts a thread with the blocked signals of the caller. */
int srv_thread_start(pthread_t *t, void *(*fn)(void *), void *arg,
		     const char *what_en, const char *what_ja,
		     struct kb_err *err);
/* Raises *flag under v->mu, wakes cv and joins t. */
void srv_thread_stop(struct srv *v, pthread_t t, pthread_cond_t *cv,
		     atomic_int *flag);

struct kb_store *srv_store_get(struct srv *v);
void srv_store_put(struct srv *v, struct kb_store *s);
/* The request's store, or one borrowed when it has none (a reply made
 * after the handler gave its store back); give it to srv_store_done. */
struct kb_store *srv_store_any(struct req *q);
void srv_store_done(struct req *q, struct kb_store *s);

const char *arg_get(struct req *q, const char *name);  /* query string */
const char *form_get(struct req *q, const char *name); /* body fields */
const char *header_get(struct req *q, const char *name);
const char *cookie_get(struct req *q, const char *name);
/* form.c: the fields of an urlencoded form or a JSON object body (type is
 * its Content-Type; anything else, or no type, has none) as a JSON object
 * of strings (JSON numbers and booleans as text); never NULL. */
json_t *srv_form_parse(const char *type, const char *body, size_t len);
int want_csv(struct req *q); /* ?format=csv or Accept: text/csv */
long id_arg(const char *s);  /* a positive number, or 0 */
/* A string member of a JSON object, "" when absent; an integer, 0. */
const char *jstr(const json_t *o, const char *k);
json_int_t jint(const json_t *o, const char *k);

const char *method_name(int m);
/* The client's numeric address into buf (n bytes); "" if unknown. */
const char *client_ip(struct req *q, char *buf, size_t n);
void audit(struct req *q, const char *action, const char *detail);
/* The request changed data: its status, the audit log's line, and the
 * generation that tells caches they are stale. */
void srv_wrote(struct req *q, int status, const char *detail);

/* ---- reply.c: each reply queues the response and returns 0 (MHD_YES) */
int srv_status_of(int rc); /* KB_E* -> HTTP status */
const char *http_status_text(int status, enum kb_lang L);
int reply(struct req *q, int status, const char *type, const void *data,
	  size_t len);
int reply_json(struct req *q, int status, json_t *j); /* steals j */
int reply_error(struct req *q, int status, const char *code, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
/* The same with the error's details (a JSON array, stolen). */
int reply_error_details(struct req *q, int status, const char *code,
			const char *msg, json_t *details);
/* A 400 "bad_request" for a query argument; returns -1. */
int reply_bad_arg(struct req *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The diagnostics of q->err as a JSON error (status from their code). */
int reply_kb_error(struct req *q, int rc);
/* A 403, written to the audit log as "denied" with detail (and 403). */
int reply_denied(struct req *q, const char *detail, const char *msg);
int reply_html(struct req *q, int status, struct kb_buf *page);
int reply_csv(struct req *q, struct kb_buf *csv, const char *filename);
/* A CSV download of an array of flat objects (stolen), with these
 * columns (NULL-terminated; text cells guarded against spreadsheet
 * formulas).  withheld: written for a null in a row marked "suppressed"
 * (NULL: the empty cell). */
int reply_rows_csv(struct req *q, json_t *rows, const char *const *cols,
		   const char *filename, const char *withheld);
/* A page of a JSON array: {"items", "total", "limit", "offset"}; takes
 * all, the whole list (sliced 0) or the page already cut (sliced 1). */
int reply_page(struct req *q, json_t *all, size_t total, size_t limit,
	       size_t offset, int sliced);
int reply_redirect(struct req *q, const char *location);
/* A body that could not be read as fields (not UTF-8, not an object):
 * 1 with a 400 sent; 0 when it has fields or is empty. */
int body_unreadable(struct req *q);
/* ?limit= and ?offset= (defaults 100 and 0; limit at most 1000); -1 and a
 * reply on a bad value. */
int page_args(struct req *q, size_t *limit, size_t *offset);

/* A JSON reply kept and sent again until the server writes something or
 * max_age seconds pass; one request rebuilds a stale one while the others
 * still get the last. */
struct memo {
	struct MHD_Response *resp;
	long gen;
	double at;
	int refreshing;
};
int reply_memo(struct req *q, struct memo *m, double max_age,
	       json_t *(*build)(struct req *q));
void memo_release(struct memo *m);

/* The pages' frame: the head with the menu, escaped text, the CSRF field
 * of a form, the end (which sends the page). */
void page_head(struct req *q, struct kb_buf *b, const char *title);
void page_esc(struct kb_buf *b, const char *s);
void page_escf(struct kb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void page_csrf_field(struct req *q, struct kb_buf *b);
/* The problems of e as a list, above a form that saved nothing. */
void page_diags(struct req *q, struct kb_buf *b, const struct kb_err *e);
int page_finish(struct req *q, struct kb_buf *b, int status);
/* An HTML error page, with the diagnostics when there are. */
void page_error(struct req *q, int status, const char *msg,
		const struct kb_err *details);
/* Parts of pages: a column's head, a fact of a <dl>, a text field of a
 * form refilled with what was sent (type "textarea" for one), a select of
 * "key|English|日本語" options with the sent one selected. */
void page_th(struct kb_buf *b, const char *label);
/* <thead> with n column heads (the labels, const char *), <tbody>. */
void page_thead(struct kb_buf *b, size_t n, ...);
void page_fact(struct kb_buf *b, const char *label, const char *value);
void page_field(struct req *q, struct kb_buf *b, const char *form,
		const char *name, const char *label, const char *type,
		int required);
void page_select(struct req *q, struct kb_buf *b, const char *form,
		 const char *name, const char *label, const char *const *opts,
		 size_t n);

/* ---- login.c: signing in ---- */
int login_start(struct srv *v, struct kb_err *err);
/* Checks what waits, then stops the hashers; a sign-in coming later gets
 * 503.  The throttle stays until login_free, once no request runs. */
void login_stop(struct srv *v);
void login_free(struct srv *v);
void login_job_free(struct login_job *j); /* accepts NULL */
/* Sign in: 0 with q->p, q->session, q->csrf and q->set_cookie set, or
 * non-zero with the reply sent (or the request suspended while the
 * password is checked: it is dispatched again once checked). */
int srv_login(struct req *q, const char *login, const char *password);
/* Sign out: ends the cookie's session; 0 or KB_E*. */
int srv_logout(struct req *q);
/* The sign-in form, with msg above it when there is one. */
int login_form(struct req *q, int status, const char *msg);

#endif
