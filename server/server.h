/*
 * server.h - kiban's HTTP server: the JSON API and the web pages over
 * libkiban (internal to the server's files; `kiban serve` starts it).
 *
 * GNU libmicrohttpd runs a pool of threads, each polling its share of the
 * connections.  A request is read whole (up to a limit), then dispatched
 * through one route table (routes.c) whose every entry names the
 * permission it needs; the handler runs on a store connection borrowed
 * from a pool (SQLite connections are not shared between threads).
 *
 * Report uploads are written by one writer thread that groups the uploads
 * waiting at the moment into one transaction (each upload in a savepoint of
 * its own, all or nothing) and one fsync: the connection waits suspended,
 * and hears "accepted" only once its report is on disk.
 *
 * Ownership: struct srv owns the daemon, the pool, the writer, the cached
 * registry and the cached responses; struct req lives from a request's
 * first byte to MHD's completion callback.
 */
#ifndef KB_SERVER_H
#define KB_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <jansson.h>

#include "kiban/auth.h"
#include "kiban/buf.h"
#include "kiban/error.h"
#include "kiban/store.h"
#include "kiban/supply.h"

struct MHD_Daemon;
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

/* The registry (devices, organisations...) shared read-only by every
 * request; replaced whole when it changes, freed when its last user is
 * done. */
struct registry {
	struct kb_supply sup;
	int refs;
	double loaded_at; /* srv_clock() when loaded */
};

struct job;	  /* an upload waiting for the writer (writer.c) */
struct login_job; /* a sign-in waiting for the hashers (login.c) */
struct signin;	  /* the sign-in throttle and hashers (login.c) */

struct cached {
	struct MHD_Response *resp;
	long gen;
	double at;
	int refreshing; /* a request is rebuilding it */
};

struct srv {
	struct srv_conf c;
	struct MHD_Daemon *d;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a store came back to the pool */
	struct kb_store **pool;
	size_t npool, nfree;
	struct registry *reg;
	/* the writer */
	pthread_t writer;
	pthread_cond_t wcv;
	struct job *queue, **tail;
	int stop;
	struct kb_store *ws;
	int writer_on;
	atomic_long gen;       /* bumped by every commit the server makes */
	struct cached dash[2]; /* the dashboard's JSON, per language */
	int logfd;
	double start; /* monotonic seconds at start */
	/* the notifier */
	pthread_t notifier;
	pthread_cond_t ncv;
	struct kb_store *ns;
	atomic_int notify_stop;
	int notifier_on;
	struct signin *signin;
};

enum { M_GET = 1, M_POST = 2, M_DELETE = 4, M_HEAD = 8 };

struct route;

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
	struct job *job;
	json_t *form; /* the fields of a form or JSON body, once parsed */
	int form_parsed;
	char *set_cookie;	 /* sent with the reply */
	long retry_after;	 /* seconds, sent as Retry-After when not 0 */
	struct login_job *login; /* its sign-in, once handed to the hashers */
	struct kb_buf file; /* a file field of a multipart form, as bytes */
};

struct route {
	int methods;
	const char *pattern; /* "/api/v1/kpis/{}/values" */
	int (*fn)(struct req *q);
	int perm;  /* enum kb_perm the route needs, or -1: signed in only,
		      -2: open to anybody */
	int flags; /* R_* */
};

enum {
	R_SCOPED = 1, /* the handler checks perm for the organisation itself */
	R_PAGE = 2,   /* an HTML page: not signed in -> the login page */
	R_WRITE = 4,  /* changes data: CSRF for cookies; audited */
};

extern const struct route srv_routes[];
extern const size_t srv_nroutes;
/* match.c: needs-seeds matching and consultation cases */
extern const struct route srv_match_routes[];
extern const size_t srv_match_nroutes;
/* Route i of all the tables, in the order they are tried; NULL past the
 * last. */
const struct route *srv_route(size_t i);

/* ---- server.c ---- */
int srv_run(struct srv_conf *c, struct kb_err *err);
double srv_clock(void);
time_t srv_now(const struct srv *v);
struct kb_store *srv_store_get(struct srv *v);
void srv_store_put(struct srv *v, struct kb_store *s);
struct registry *srv_registry(struct srv *v);
void srv_registry_put(struct srv *v, struct registry *r);

/* Responses: each queues the response and returns 0 (MHD_YES). */
int reply(struct req *q, int status, const char *type, const void *data,
	  size_t len);
int reply_json(struct req *q, int status, json_t *j); /* steals j */
int reply_error(struct req *q, int status, const char *code, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
/* The diagnostics of q->err as a JSON error (status from their code). */
int reply_kb_error(struct req *q, int rc);
int reply_html(struct req *q, int status, struct kb_buf *page);
int reply_csv(struct req *q, struct kb_buf *csv, const char *filename);
int reply_redirect(struct req *q, const char *location);
int reply_cached(struct req *q, struct MHD_Response *r);
/* A response to keep and queue many times (steals j). */
struct MHD_Response *srv_response_json(json_t *j);
/* An HTML error page (pages.c), with the diagnostics when there are. */
void page_error(struct req *q, int status, const char *msg,
		const struct kb_err *details);
int srv_status_of(int rc); /* KB_E* -> HTTP status */

/* The request's inputs. */
const char *arg_get(struct req *q, const char *name);  /* query string */
const char *form_get(struct req *q, const char *name); /* body fields */
const char *header_get(struct req *q, const char *name);
/* form.c: the fields of an urlencoded form or a JSON object body (type is
 * its Content-Type; anything else, or no type, has none) as a JSON object
 * of strings (JSON numbers and booleans as text); never NULL. */
json_t *srv_form_parse(const char *type, const char *body, size_t len);
int want_csv(struct req *q); /* ?format=csv or Accept: text/csv */
/* ?limit= and ?offset= (defaults 100 and 0; limit at most 1000); -1 and a
 * reply on a bad value. */
int page_args(struct req *q, size_t *limit, size_t *offset);
void audit(struct req *q, const char *action, const char *detail);
/* The client's numeric address into buf (n bytes); "" if unknown. */
const char *client_ip(struct req *q, char *buf, size_t n);

/* ---- writer.c ---- */
int writer_start(struct srv *v, struct kb_err *err);
void writer_stop(struct srv *v);
/* Queues the request's body as a stock (production = 0) or production
 * report and suspends the connection until it is committed. */
void writer_submit(struct req *q, int production);
/* After the writer: the reply for q's upload. */
int writer_reply(struct req *q);
void job_free(struct job *j);

/* ---- login.c: the sign-in's throttle and password hashers ---- */
int login_start(struct srv *v, struct kb_err *err);
/* Checks what waits, then stops the hashers; a sign-in coming later gets
 * 503.  The throttle stays until login_free, once no request runs. */
void login_stop(struct srv *v);
void login_free(struct srv *v);
/* Hands the sign-in to the hashers and suspends the connection (1), or
 * refuses it at once with the reply sent (-1): 429 while the account or
 * the address is locked out, 503 when too many wait.  login and password
 * must live as long as q. */
int login_submit(struct req *q, const char *login, const char *password);
/* Once resumed: the verdict (kb_login's code; q->p, q->csrf, q->err and
 * the session's token set), counted by the throttle and written to the
 * audit log with any lock-out it starts. */
int login_finish(struct req *q, char token[KB_TOKEN_LEN]);
void login_job_free(struct login_job *j); /* accepts NULL */

/* ---- notify.c ---- */
int notifier_start(struct srv *v, struct kb_err *err);
void notifier_stop(struct srv *v);

/* ---- api.c: what the pages share with the API ---- */
/* A page of a JSON array: {"items", "total", "limit", "offset"}; takes
 * all, the whole list (sliced 0) or the page already cut (sliced 1). */
int reply_page(struct req *q, json_t *all, size_t total, size_t limit,
	       size_t offset, int sliced);
long id_arg(const char *s); /* a positive number, or 0 */
json_t *dashboard_json(struct req *q, struct registry *g);
int api_dashboard(struct req *q);
/* Sign in: 0 with q->p, q->session, q->csrf and q->set_cookie set, or
 * non-zero with the reply sent. */
int srv_login(struct req *q, const char *login, const char *password);
int srv_logout(struct req *q);
/* Enter a KPI figure: 0, or -1 with the reply sent. */
int srv_kpi_value(struct req *q, const char *kpi, const char *year,
		  const char *value, const char *source, const char *comment);
int srv_may_upload(struct req *q);
/* 1 on success; 0 with the reply sent. */
int srv_incident_open(struct req *q, const char *device, const char *title,
		      const char *cause, const char *note, const char *prefs,
		      long *id);
int srv_incident_event(struct req *q, const char *kind, const char *text,
		       const char *state);

/* ---- notices.c ---- */
int api_notices(struct req *q);
int api_notices_read(struct req *q);
int api_subscriptions(struct req *q);
int api_subscribe(struct req *q);
int api_unsubscribe(struct req *q);
int api_webhooks(struct req *q);
int api_webhook_add(struct req *q);
int api_webhook_remove(struct req *q);
int page_notices(struct req *q);
int page_notices_post(struct req *q);
size_t notices_unread(struct req *q);

/* ---- pages.c ---- */
/* What every page is made of: the head with the menu, escaped text, the
 * CSRF field of a form, the end (which sends the page). */
void page_head(struct req *q, struct kb_buf *b, const char *title);
void page_esc(struct kb_buf *b, const char *s);
void page_escf(struct kb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void page_csrf_field(struct req *q, struct kb_buf *b);
/* The problems of e as a list, above a form that saved nothing. */
void page_diags(struct req *q, struct kb_buf *b, const struct kb_err *e);
int page_finish(struct req *q, struct kb_buf *b, int status);

int page_login(struct req *q);
/* The sign-in form, with msg above it when there is one. */
int page_login_form(struct req *q, int status, const char *msg);
int page_login_post(struct req *q);
int page_logout(struct req *q);
int page_dashboard(struct req *q);
int page_plan(struct req *q);
int page_kpis(struct req *q);
int page_kpi(struct req *q);
int page_kpi_post(struct req *q);
/* The KPI page again, with the form's problems (q->err) above the form. */
int page_kpi_invalid(struct req *q);
int page_alerts(struct req *q);
int page_reports(struct req *q);
int page_reports_post(struct req *q);
/* The reply to an upload made from the page, once written. */
int page_upload_done(struct req *q, int rc, const struct kb_import_stats *st);
int page_incidents(struct req *q);
int page_incidents_post(struct req *q);
int page_incident(struct req *q);
int page_incident_post(struct req *q);
int page_audit(struct req *q);
int page_static(struct req *q);
int api_openapi(struct req *q);

/* The pages' routes, appended to the API's in api.c. */
#define PAGE_ROUTES                                                               \
	{ M_GET, "/api/v1/openapi.json", api_openapi, -2, 0 },                    \
		{ M_GET, "/static/{}", page_static, -2, 0 },                      \
		{ M_GET, "/login", page_login, -2, R_PAGE },                      \
		{ M_POST, "/login", page_login_post, -2, R_PAGE },                \
		{ M_POST, "/logout", page_logout, -1, R_PAGE | R_WRITE },         \
		{ M_GET, "/", page_dashboard, KB_PERM_SUPPLY_PUBLIC, R_PAGE },    \
		{ M_GET, "/plan", page_plan, KB_PERM_PLAN_READ, R_PAGE },         \
		{ M_GET, "/kpis", page_kpis, KB_PERM_PLAN_READ, R_PAGE },         \
		{ M_GET, "/kpis/{}", page_kpi, KB_PERM_PLAN_READ, R_PAGE },       \
		{ M_POST, "/kpis/{}", page_kpi_post, KB_PERM_KPI_WRITE,           \
		  R_PAGE | R_SCOPED | R_WRITE },                                  \
		{ M_GET, "/alerts", page_alerts, KB_PERM_SUPPLY_PUBLIC, R_PAGE }, \
		{ M_GET, "/reports", page_reports, KB_PERM_REPORT_UPLOAD,         \
		  R_PAGE | R_SCOPED },                                            \
		{ M_POST, "/reports", page_reports_post,                          \
		  KB_PERM_REPORT_UPLOAD, R_PAGE | R_SCOPED | R_WRITE },           \
		{ M_GET, "/incidents", page_incidents, KB_PERM_INCIDENT_READ,     \
		  R_PAGE },                                                       \
		{ M_POST, "/incidents", page_incidents_post,                      \
		  KB_PERM_INCIDENT_WRITE, R_PAGE | R_WRITE },                     \
		{ M_GET, "/incidents/{}", page_incident,                          \
		  KB_PERM_INCIDENT_READ, R_PAGE },                                \
		{ M_GET, "/notices", page_notices, -1, R_PAGE },                  \
		{ M_POST, "/notices", page_notices_post, -1, R_PAGE | R_WRITE },  \
		{ M_POST, "/incidents/{}", page_incident_post,                    \
		  KB_PERM_INCIDENT_WRITE, R_PAGE | R_WRITE },                     \
	{                                                                         \
		M_GET, "/audit", page_audit, KB_PERM_ADMIN, R_PAGE                \
	}

#endif
