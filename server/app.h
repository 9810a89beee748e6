/*
 * app.h - the server's application over the HTTP plumbing (http.h): what
 * the routes of every domain (api_*.c, JSON) and the pages of every domain
 * (page_*.c, HTML) share, below both of them.  Neither a route nor a page
 * calls another handler: what both need is here, or in libkiban.
 *
 *   app.c      the registry (devices, organisations...) shared read-only
 *              by every request, the application's state
 *   notify.c   the notifier: notices and webhooks' deliveries
 *   plan.c     a KPI looked up, a KPI's figure entered
 *   supply.c   uploads (the writer's jobs), incidents, the dashboard's data
 *   notices.c  following, webhooks, notices read
 *   match.c    needs, seeds, links and consultation cases written
 *
 * The route table (routes.def, compiled by routes.c) declares every
 * handler: including this header declares them all.
 */
#ifndef KB_SERVER_APP_H
#define KB_SERVER_APP_H

#include "kiban/match.h"
#include "kiban/supply.h"
#include "server/http.h"

/* The registry (devices, organisations...) shared read-only by every
 * request; replaced whole when it changes, freed when its last user is
 * done. */
struct registry {
	struct kb_supply sup;
	int refs;
	double loaded_at; /* srv_clock() when loaded */
};

struct notifier;

/* What the application keeps for the server's life (srv->shared). */
struct shared {
	struct registry *reg;
	struct memo dash[2]; /* the dashboard's JSON, per language */
	struct notifier *notifier;
};

static inline struct shared *shared_of(struct srv *v)
{
	return v->shared;
}

/* ---- app.c ---- */
struct registry *srv_registry(struct srv *v);
void srv_registry_put(struct srv *v, struct registry *r);
/* The state made at start (the registry loaded), and freed at the end. */
int shared_open(struct srv *v, struct kb_err *err);
void shared_close(struct srv *v); /* accepts none */

/* ---- notify.c ---- */
int notifier_start(struct srv *v, struct kb_err *err);
void notifier_stop(struct srv *v); /* and frees it; accepts none */

/* ---- plan.c ---- */
struct kb_kpi;
struct kb_kpiset;
/* The KPI id, loaded into set; NULL and a 404 (or the error) sent. */
const struct kb_kpi *kpi_find(struct req *q, struct kb_kpiset *set,
			      const char *id);
/* Enters a KPI's figure: 0 when saved; 1 when the form is wrong, its
 * problems in q->err and nothing sent; -1 with the reply sent (no such
 * KPI, not allowed, a database error). */
int kpi_value_set(struct req *q, const char *kpi, const char *year,
		  const char *value, const char *source, const char *comment);

/* ---- supply.c ---- */
/* Whether q may upload reports at all (a hospital or a company for its
 * own organisation; the supply desk for any). */
int may_upload(struct req *q);
/* Hands the request's body to the writer as a stock (production = 0) or
 * production report; once written, done answers with the import's code
 * (q->err holding its problems) and counts. */
void upload_submit(struct req *q, int production,
		   int (*done)(struct req *q, int rc,
			       const struct kb_import_stats *st));
/* Opens an incident from fields: 1 with *id; 0 with the reply sent. */
int incident_open(struct req *q, const char *device, const char *title,
		  const char *cause, const char *note, const char *prefs,
		  long *id);
/* Adds an event to incident q->arg[0] (a note, an action or a new
 * state): 1; 0 with the reply sent. */
int incident_event(struct req *q, const char *kind, const char *text,
		   const char *state);
/* The national dashboard: the same for every account (the public's
 * figures, small cells withheld). */
json_t *dashboard_json(struct req *q);

/* ---- notices.c: 0, or -1 with the reply sent ---- */
int notices_follow(struct req *q, long *id); /* fields kind and code */
int notices_unfollow(struct req *q, long id);
int notices_read(struct req *q, long id); /* 0: all */
int notices_webhook_add(struct req *q, char secret[KB_TOKEN_LEN], long *id);
int notices_webhook_remove(struct req *q, long id);
/* The count shown beside "Notifications" in the menu. */
size_t notices_unread(struct req *q);

/* ---- match.c ---- */
/* The organisation q acts for; NULL: the administrator, who sees all. */
const char *match_as_of(const struct req *q);
/* Registers a need or seed from the form: 0 with its id, or the error. */
int match_add(struct req *q, enum kb_match_kind kind, char *id, size_t idlen);
/* What the organisation says it can do, from the form: 0 or the error
 * (the administrator acts for none: KB_EUSAGE). */
int match_profile(struct req *q);
/* The row of the organisation q acts for; NULL for the administrator. */
json_t *match_own_org(struct req *q);
/* Records the match of the form's need and seed: 1; 0 with the reply
 * sent. */
int match_link(struct req *q);
/* The case of the URL, as q may see it; NULL with the reply sent. */
json_t *match_case(struct req *q);
/* Opens a case from the body: 0 with *id, or the error. */
int match_case_open(struct req *q, long *id);
/* Adds the body's event to the case of the URL: 1; 0 with the reply
 * sent. */
int match_case_event(struct req *q);

/* ---- the handlers: api_*.c and page_*.c, one a row of routes.def ---- */
#define ROUTE(methods, path, fn, perm, flags) int fn(struct req *q);
#include "server/routes.def"
#undef ROUTE

#endif
