/*
 * server.h - kiban's HTTP server, `kiban serve`: the JSON API and the web
 * pages over libkiban, in three layers that call downwards only: the HTTP
 * plumbing (http.h), the routes and pages per domain over what they share
 * (app.h), and the route table with the server's assembly (server.c).
 * This header is what the command (cli/cmd_serve.c) sees.
 */
#ifndef KB_SERVER_H
#define KB_SERVER_H

#include "server/app.h"
#include "server/http.h"

/* Serves c's database until SIGINT or SIGTERM (server.c). */
int srv_run(struct srv_conf *c, struct kb_err *err);
/* Route i of the table, in the order they are tried; NULL past the last. */
const struct route *srv_route(size_t i);

extern const struct route srv_routes[];
extern const size_t srv_nroutes;
/* match.c: needs-seeds matching and consultation cases */
extern const struct route srv_match_routes[];
extern const size_t srv_match_nroutes;

/* ---- api.c: what the pages share with the API ---- */
json_t *dashboard_json(struct req *q, struct registry *g);
int api_dashboard(struct req *q);
/* Enter a KPI figure: 0, or -1 with the reply sent. */
int srv_kpi_value(struct req *q, const char *kpi, const char *year,
		  const char *value, const char *source, const char *comment);
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
int page_login(struct req *q);
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
