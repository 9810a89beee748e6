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

/* The handlers of the route table (server.c): the routes per domain
 * (api_*.c), the pages per domain (page_*.c). */
int api_health(struct req *q);
int api_login(struct req *q);
int api_me(struct req *q);
int api_logout(struct req *q);
int api_dashboard(struct req *q);
int api_plan(struct req *q);
int api_kpis(struct req *q);
int api_kpi(struct req *q);
int api_kpi_values(struct req *q);
int api_kpi_value_post(struct req *q);
int api_evaluations(struct req *q);
int api_evaluation(struct req *q);
int api_devices(struct req *q);
int api_device(struct req *q);
int api_chain(struct req *q);
int api_status(struct req *q);
int api_alerts(struct req *q);
int api_signals(struct req *q);
int api_reports(struct req *q);
int api_upload_stock(struct req *q);
int api_upload_production(struct req *q);
int api_incidents(struct req *q);
int api_incident_post(struct req *q);
int api_incident(struct req *q);
int api_incident_event(struct req *q);
int api_completeness(struct req *q);
int api_missing(struct req *q);
int api_notices(struct req *q);
int api_notices_read(struct req *q);
int api_subscriptions(struct req *q);
int api_subscribe(struct req *q);
int api_unsubscribe(struct req *q);
int api_webhooks(struct req *q);
int api_webhook_add(struct req *q);
int api_webhook_remove(struct req *q);
int api_audit(struct req *q);
int api_openapi(struct req *q);
int page_static(struct req *q);
int page_login(struct req *q);
int page_login_post(struct req *q);
int page_logout(struct req *q);
int page_dashboard(struct req *q);
int page_plan(struct req *q);
int page_kpis(struct req *q);
int page_kpi(struct req *q);
int page_kpi_post(struct req *q);
int page_alerts(struct req *q);
int page_reports(struct req *q);
int page_reports_post(struct req *q);
int page_incidents(struct req *q);
int page_incidents_post(struct req *q);
int page_incident(struct req *q);
int page_notices(struct req *q);
int page_notices_post(struct req *q);
int page_incident_post(struct req *q);
int api_needs(struct req *q);
int api_need_post(struct req *q);
int api_need(struct req *q);
int api_need_matches(struct req *q);
int api_seeds(struct req *q);
int api_seed_post(struct req *q);
int api_seed(struct req *q);
int api_seed_matches(struct req *q);
int api_orgs(struct req *q);
int api_org_matches(struct req *q);
int api_link_post(struct req *q);
int api_profile_post(struct req *q);
int api_cases(struct req *q);
int api_case_post(struct req *q);
int api_case(struct req *q);
int api_case_event(struct req *q);
int api_match_kpi(struct req *q);
int page_match(struct req *q);
int page_need_post(struct req *q);
int page_seed_post(struct req *q);
int page_need(struct req *q);
int page_seed(struct req *q);
int page_link_post(struct req *q);
int page_profile_post(struct req *q);
int page_cases(struct req *q);
int page_cases_post(struct req *q);
int page_case(struct req *q);
int page_case_post(struct req *q);
int page_audit(struct req *q);

/* The pages' routes, appended to the API's in server.c. */
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
