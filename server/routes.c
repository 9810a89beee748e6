/*
 * routes.c - the one route table (its rows are in routes.def: method,
 * path, handler, permission, flags) and the pages' menu.  The HTTP
 * plumbing walks the table in order (http.c, find_route) and checks each
 * route's permission before its handler runs.
 */
#include "core/compat.h"

#include "server/server.h"

#define P(x) KB_PERM_##x
#define ROUTE(methods, path, fn, perm, flags) \
	{ methods, path, fn, perm, flags },

static const struct route routes[] = {
#include "server/routes.def"
};

#undef ROUTE
#undef P

const struct route *srv_route(size_t i)
{
	return i < KB_ARRAY_SIZE(routes) ? &routes[i] : NULL;
}

/* The menu of every page, for those with the permission. */
const struct menu_item srv_menu[] = {
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
const size_t srv_nmenu = KB_ARRAY_SIZE(srv_menu);
