/*
 * server.c - `kiban serve` assembled: the HTTP plumbing (http.c) given the
 * route table, the pages' menu and the application's start and stop
 * (app.c).
 */
#include "core/compat.h"

#include "server/server.h"

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
