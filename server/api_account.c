/*
 * api_account.c - the routes of the JSON API that are the server's own:
 * health, the API's description (docs/openapi.json), the session (sign
 * in, who am I, sign out) and the audit log.
 */
#include "core/compat.h"

#include "core/resource.h"
#include "server/app.h"

static json_t *principal_json(const struct kb_principal *p, const char *csrf)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "login", p->login, "name",
			      p->name, "role", kb_role_key(p->role), "lang",
			      p->lang == KB_LANG_EN ? "en" : "ja");
	if (*p->ministry)
		json_object_set_new(j, "ministry", json_string(p->ministry));
	if (p->prefecture)
		json_object_set_new(j, "prefecture", json_integer(p->prefecture));
	if (*p->org_id)
		json_object_set_new(j, "org", json_string(p->org_id));
	if (csrf && *csrf)
		json_object_set_new(j, "csrf", json_string(csrf));
	return j;
}

int api_login(struct req *q)
{
	if (srv_login(q, form_get(q, "login"), form_get(q, "password")))
		return HANDLED;
	if (q->answered)
		return HANDLED;
	return reply_json(q, 200, principal_json(&q->p, q->csrf));
}

int api_me(struct req *q)
{
	return reply_json(
		q, 200, principal_json(&q->p, q->cookie_auth ? q->csrf : NULL));
}

int api_logout(struct req *q)
{
	int r = srv_logout(q);
	if (r)
		return reply_kb_error(q, r);
	return reply_json(q, 200, json_pack("{s:s}", "status", "signed out"));
}

int api_audit(struct req *q)
{
	static const char *const cols[] = { "n",      "at",	"login",
					    "role",   "action", "method",
					    "path",   "status", "ip",
					    "detail", NULL };
	size_t limit, offset, total;
	int csv = want_csv(q), r;
	json_t *a;
	if (page_args(q, &limit, &offset))
		return HANDLED;
	if (csv) { /* a download holds every line */
		limit = (size_t)-1 >> 1;
		offset = 0;
	}
	if ((r = kb_audit_list(q->s, arg_get(q, "login"), arg_get(q, "action"),
			       limit, offset, &a, &total, &q->err)))
		return reply_kb_error(q, r);
	return csv ? reply_rows_csv(q, a, cols, "audit.csv", NULL)
		   : reply_page(q, a, total, limit, offset, 1);
}

int api_health(struct req *q)
{
	return reply_json(q, 200,
			  json_pack("{s:s, s:s}", "status", "ok", "version",
				    KIBAN_VERSION));
}

int api_openapi(struct req *q)
{
	const struct kb__resource *r = kb__resource_find("docs/openapi.json");
	return reply(q, 200, "application/json; charset=utf-8", r->data, r->len);
}
