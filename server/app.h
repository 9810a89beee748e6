/*
 * app.h - the server's application over the HTTP plumbing (http.h): what
 * the routes of every domain (api_*.c, JSON) and the pages of every domain
 * (page_*.c, HTML) share, below both of them.  Neither a route nor a page
 * calls another handler: what both need is here, or in libkiban.
 *
 *   app.c      the registry (devices, organisations...) shared read-only
 *              by every request, the application's start and stop
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
int app_start(struct srv *v, struct kb_err *err);
void app_stop(struct srv *v);
void app_release(struct srv *v);

/* ---- notify.c ---- */
int notifier_start(struct srv *v, struct kb_err *err);
void notifier_stop(struct srv *v); /* and frees it; accepts none */

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

#endif
