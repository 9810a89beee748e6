/*
 * page_account.c - the pages that are the server's own: its stylesheet
 * and script (web/, embedded), signing in and out (the form is the
 * plumbing's, login.c), and the audit log.
 */
#include "core/compat.h"

#include <string.h>

#include "core/resource.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

/* ---- static files and the API's description ---- */

int page_static(struct req *q)
{
	static const struct {
		const char *name, *res, *type;
	} files[] = {
		{ "kiban.css", "web/kiban.css", "text/css; charset=utf-8" },
		{ "kiban.js", "web/kiban.js", "text/javascript; charset=utf-8" },
	};
	size_t i;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(q->arg[0], files[i].name)) {
			const struct kb__resource *r =
				kb__resource_find(files[i].res);
			return reply(q, 200, files[i].type, r->data, r->len);
		}
	return reply_error(q, 404, "not_found", "%s",
			   T("Not found", "見つかりません"));
}

/* ---- signing in and out ---- */

int page_login(struct req *q)
{
	if (q->p.account)
		return reply_redirect(q, "/");
	return login_form(q, 200, NULL);
}

int page_login_post(struct req *q)
{
	if (srv_login(q, form_get(q, "login"), form_get(q, "password")))
		return HANDLED; /* refused: srv_login replied */
	return reply_redirect(q, "/");
}

int page_logout(struct req *q)
{
	srv_logout(q);
	return reply_redirect(q, "/login");
}

/* ---- the audit log ---- */

int page_audit(struct req *q)
{
	struct kb_buf b = KB_BUF_INIT;
	json_t *a = NULL;
	size_t total, i;
	int r;
	static const char *const cols[] = { "at",     "login",	"role",
					    "action", "method", "path",
					    "status", "ip",	"detail" };
	if ((r = kb_audit_list(q->s, arg_get(q, "login"), arg_get(q, "action"),
			       200, 0, &a, &total, &q->err)))
		return reply_kb_error(q, r);
	page_head(q, &b, T("Audit log", "監査ログ"));
	kb_buf_addf(
		&b,
		"<p>%s %zu. <a href=\"/api/v1/audit?format=csv\">%s</a></p><table class=\"audit\"><thead><tr>",
		T("Entries:", "件数:"), total,
		T("Download as CSV", "CSV でダウンロード"));
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		kb_buf_addf(&b, "<th scope=\"col\">%s</th>", cols[i]);
	kb_buf_adds(&b, "</tr></thead><tbody>");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i);
		size_t k;
		kb_buf_adds(&b, "<tr>");
		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
			json_t *v = json_object_get(x, cols[k]);
			kb_buf_adds(&b, "<td>");
			if (json_is_string(v))
				page_esc(&b, json_string_value(v));
			else if (json_is_integer(v))
				kb_buf_addf(&b, "%lld", json_integer_value(v));
			kb_buf_adds(&b, "</td>");
		}
		kb_buf_adds(&b, "</tr>");
	}
	kb_buf_adds(&b, "</tbody></table>");
	json_decref(a);
	return page_finish(q, &b, 200);
}
