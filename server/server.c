/*
 * server.c - `kiban serve` assembled: the HTTP plumbing (http.c) given the
 * route table, the pages' menu and the application's start and stop
 * (app.c).
 */
#include "core/compat.h"

#include "server/server.h"

/* ---- the route table: every route the server answers ---- */

#define P(x) KB_PERM_##x
static const struct route srv_routes[] = {
	{ M_GET, "/api/v1/health", api_health, -2, 0 },
	{ M_POST, "/api/v1/session", api_login, -2, 0 },
	{ M_GET, "/api/v1/session", api_me, -1, 0 },
	{ M_DELETE, "/api/v1/session", api_logout, -1, R_WRITE },
	{ M_GET, "/api/v1/dashboard", api_dashboard, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/plan", api_plan, P(PLAN_READ), 0 },
	{ M_GET, "/api/v1/kpis", api_kpis, P(PLAN_READ), 0 },
	{ M_GET, "/api/v1/kpis/{}", api_kpi, P(PLAN_READ), 0 },
	{ M_GET, "/api/v1/kpis/{}/values", api_kpi_values, P(PLAN_READ), 0 },
	{ M_POST, "/api/v1/kpis/{}/values", api_kpi_value_post, P(KPI_WRITE),
	  R_SCOPED | R_WRITE },
	{ M_GET, "/api/v1/evaluations", api_evaluations, P(EVAL_READ), 0 },
	{ M_GET, "/api/v1/evaluations/{}", api_evaluation, P(EVAL_READ), 0 },
	{ M_GET, "/api/v1/devices", api_devices, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/devices/{}", api_device, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/chains/{}", api_chain, P(SUPPLY_CONFIDENTIAL), 0 },
	{ M_GET, "/api/v1/status", api_status, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/alerts", api_alerts, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/signals", api_signals, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/reports", api_reports, P(SUPPLY_FACILITY), R_SCOPED },
	{ M_POST, "/api/v1/reports/stock", api_upload_stock, P(REPORT_UPLOAD),
	  R_SCOPED | R_WRITE },
	{ M_POST, "/api/v1/reports/production", api_upload_production,
	  P(REPORT_UPLOAD), R_SCOPED | R_WRITE },
	{ M_GET, "/api/v1/incidents", api_incidents, P(INCIDENT_READ), 0 },
	{ M_POST, "/api/v1/incidents", api_incident_post, P(INCIDENT_WRITE),
	  R_WRITE },
	{ M_GET, "/api/v1/incidents/{}", api_incident, P(INCIDENT_READ), 0 },
	{ M_POST, "/api/v1/incidents/{}/events", api_incident_event,
	  P(INCIDENT_WRITE), R_WRITE },
	{ M_GET, "/api/v1/completeness", api_completeness, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/completeness/missing", api_missing,
	  P(SUPPLY_FACILITY), R_SCOPED },
	{ M_GET, "/api/v1/notices", api_notices, -1, 0 },
	{ M_POST, "/api/v1/notices/read", api_notices_read, -1, R_WRITE },
	{ M_GET, "/api/v1/subscriptions", api_subscriptions, -1, 0 },
	{ M_POST, "/api/v1/subscriptions", api_subscribe, -1, R_WRITE },
	{ M_DELETE, "/api/v1/subscriptions/{}", api_unsubscribe, -1, R_WRITE },
	{ M_GET, "/api/v1/webhooks", api_webhooks, -1, 0 },
	{ M_POST, "/api/v1/webhooks", api_webhook_add, -1, R_WRITE },
	{ M_DELETE, "/api/v1/webhooks/{}", api_webhook_remove, -1, R_WRITE },
	{ M_GET, "/api/v1/audit", api_audit, P(ADMIN), 0 },
	PAGE_ROUTES
};
static const size_t srv_nroutes = sizeof(srv_routes) / sizeof(srv_routes[0]);

#undef P
#define P KB_PERM_MATCH
static const struct route srv_match_routes[] = {
	{ M_GET, "/api/v1/match/needs", api_needs, P, 0 },
	{ M_POST, "/api/v1/match/needs", api_need_post, P, R_WRITE },
	{ M_GET, "/api/v1/match/needs/{}", api_need, P, 0 },
	{ M_GET, "/api/v1/match/needs/{}/matches", api_need_matches, P, 0 },
	{ M_GET, "/api/v1/match/seeds", api_seeds, P, 0 },
	{ M_POST, "/api/v1/match/seeds", api_seed_post, P, R_WRITE },
	{ M_GET, "/api/v1/match/seeds/{}", api_seed, P, 0 },
	{ M_GET, "/api/v1/match/seeds/{}/matches", api_seed_matches, P, 0 },
	{ M_GET, "/api/v1/match/orgs", api_orgs, P, 0 },
	{ M_GET, "/api/v1/match/orgs/{}/matches", api_org_matches, P, 0 },
	{ M_POST, "/api/v1/match/links", api_link_post, P, R_WRITE },
	{ M_POST, "/api/v1/match/profile", api_profile_post, P, R_WRITE },
	{ M_GET, "/api/v1/match/cases", api_cases, P, 0 },
	{ M_POST, "/api/v1/match/cases", api_case_post, P, R_WRITE },
	{ M_GET, "/api/v1/match/cases/{}", api_case, P, 0 },
	{ M_POST, "/api/v1/match/cases/{}/events", api_case_event, P, R_WRITE },
	{ M_GET, "/api/v1/match/kpi", api_match_kpi, KB_PERM_PLAN_READ, 0 },
	{ M_GET, "/match", page_match, P, R_PAGE },
	{ M_POST, "/match/needs", page_need_post, P, R_PAGE | R_WRITE },
	{ M_POST, "/match/seeds", page_seed_post, P, R_PAGE | R_WRITE },
	{ M_GET, "/match/needs/{}", page_need, P, R_PAGE },
	{ M_GET, "/match/seeds/{}", page_seed, P, R_PAGE },
	{ M_POST, "/match/links", page_link_post, P, R_PAGE | R_WRITE },
	{ M_POST, "/match/profile", page_profile_post, P, R_PAGE | R_WRITE },
	{ M_GET, "/match/cases", page_cases, P, R_PAGE },
	{ M_POST, "/match/cases", page_cases_post, P, R_PAGE | R_WRITE },
	{ M_GET, "/match/cases/{}", page_case, P, R_PAGE },
	{ M_POST, "/match/cases/{}", page_case_post, P, R_PAGE | R_WRITE },
};
static const size_t srv_match_nroutes = KB_ARRAY_SIZE(srv_match_routes);

const struct route *srv_route(size_t i)
{
	if (i < srv_nroutes)
		return &srv_routes[i];
	i -= srv_nroutes;
	return i < srv_match_nroutes ? &srv_match_routes[i] : NULL;
}

static const struct menu_item menu[] = {
	{ "/", "Dashboard", "ダッシュボード", KB_PERM_SUPPLY_PUBLIC, 0, NULL },
	{ "/plan", "Plan", "基本計画", KB_PERM_PLAN_READ, 0, NULL },
	{ "/kpis", "KPIs", "KPI", KB_PERM_PLAN_READ, 0, NULL },
	{ "/alerts", "Alerts", "警報", KB_PERM_SUPPLY_PUBLIC, 0, NULL },
	{ "/reports", "Reports", "報告", KB_PERM_REPORT_UPLOAD, R_SCOPED, NULL },
	{ "/incidents", "Incidents", "供給事案", KB_PERM_INCIDENT_READ, 0, NULL },
	{ "/match", "Needs & seeds", "ニーズ・シーズ", KB_PERM_MATCH, 0, NULL },
	{ "/notices", "Notifications", "通知", PERM_SIGNED_IN, 0, notices_unread },
	{ "/audit", "Audit log", "監査ログ", KB_PERM_ADMIN, 0, NULL },
};

/* Matching needs an organisation of its registry, not only a role. */
static const char *denied(struct req *q, int perm)
{
	if (perm != KB_PERM_MATCH)
		return NULL;
	return KB_TR(
		q->lang,
		"this account does not act for an organisation of the needs-seeds registry: ask the administrator to link it ('kiban account match-org')",
		"このアカウントはニーズ・シーズ登録簿のどの組織も代表していません。管理者に紐づけを依頼してください（'kiban account match-org'）");
}

static const struct http_app app = {
	srv_route, menu,     KB_ARRAY_SIZE(menu), denied,
	app_start, app_stop, app_release,
};

int srv_run(struct srv_conf *c, struct kb_err *err)
{
	return http_run(c, &app, err);
}
