/*
 * server.c - `kiban serve` assembled: the HTTP plumbing (http.c) given the
 * route table and the pages' menu (routes.c), the application's state
 * (app.c) and its notifier (notify.c).
 */
#include "core/compat.h"

#include "server/server.h"

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

/* The application's part of the server's start and stop: its state,
 * then the notifier. */
static int start(struct srv *v, struct kb_err *err)
{
	int r = shared_open(v, err);
	return r ? r : notifier_start(v, err);
}

static void stop(struct srv *v)
{
	notifier_stop(v);
}

static void release(struct srv *v)
{
	if (v->shared)
		notifier_stop(v);
	shared_close(v);
}

int srv_run(struct srv_conf *c, struct kb_err *err)
{
	const struct http_app app = {
		srv_route, srv_menu, srv_nmenu, denied, start, stop, release,
	};
	return http_run(c, &app, err);
}
