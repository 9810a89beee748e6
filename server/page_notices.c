/*
 * page_notices.c - the page /notices: the account's notices, what it
 * follows and its webhooks, with the forms that change them (over the
 * actions of notices.c, as the API's routes).
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "kiban/notify.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

/* A form posting action to /notices (of class cls when not NULL), up to
 * its fields. */
static void form_open(struct req *q, struct kb_buf *b, const char *cls,
		      const char *action)
{
	kb_buf_adds(b, "<form method=\"post\" action=\"/notices\"");
	if (cls)
		kb_buf_addf(b, " class=\"%s\"", cls);
	kb_buf_adds(b, ">");
	page_csrf_field(q, b);
	kb_buf_addf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">",
		    action);
}

static void notices_section(struct req *q, struct kb_buf *b)
{
	json_t *a, *x;
	size_t i, total = 0, unread = 0;
	if (kb_notices(q->s, q->p.account, q->lang, 0, 100, 0, &a, &total,
		       &unread, &q->err))
		return;
	kb_buf_addf(b, "<section aria-labelledby=\"nl\"><h2 id=\"nl\">%s</h2>",
		    T("Notices", "お知らせ"));
	if (!total)
		kb_buf_addf(
			b, "<p>%s</p>",
			T("None yet: follow a device or a prefecture below.",
			  "まだありません。下で機器か都道府県を登録してください。"));
	else {
		kb_buf_addf(b, "<p>%s: %zu / %zu</p>", T("Unread", "未読"),
			    unread, total);
		if (unread) {
			form_open(q, b, NULL, "read");
			kb_buf_addf(b,
				    "<button type=\"submit\">%s</button></form>",
				    T("Mark all read", "すべて既読にする"));
		}
		kb_buf_adds(b, "<table class=\"notices\">");
		page_thead(b, 3, T("When", "日時"), T("Kind", "種類"),
			   T("Notice", "内容"));
	}
	json_array_foreach(a, i, x)
	{
		int read = json_is_true(json_object_get(x, "read")) ||
			   json_integer_value(json_object_get(x, "read"));
		const char *kind = jstr(x, "kind");
		kb_buf_addf(b, "<tr data-notice=\"%lld\"%s><td>",
			    (long long)json_integer_value(json_object_get(x, "n")),
			    read ? "" : " class=\"unread\"");
		page_esc(b, jstr(x, "at"));
		kb_buf_addf(b, "</td><td>%s</td><td>",
			    !strcmp(kind, "signal") ? T("signal", "シグナル")
			    : !strcmp(kind, "alert") ? T("alert", "警報")
						     : T("incident", "供給事案"));
		if (!strcmp(kind, "incident"))
			kb_buf_addf(b, "<a href=\"/incidents/%lld\">",
				    strtoll(jstr(x, "ref"), NULL, 10));
		page_esc(b, jstr(x, "text"));
		kb_buf_adds(b, !strcmp(kind, "incident") ? "</a></td></tr>"
							 : "</td></tr>");
	}
	if (total)
		kb_buf_adds(b, "</tbody></table>");
	kb_buf_adds(b, "</section>");
	json_decref(a);
}

/* A one-button form posting action (and id) to /notices. */
static void button(struct req *q, struct kb_buf *b, const char *action,
		   long long id, const char *label)
{
	form_open(q, b, "inline", action);
	kb_buf_addf(b,
		    "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
		    "<button type=\"submit\">%s</button></form>",
		    id, label);
}

static void follow_section(struct req *q, struct kb_buf *b)
{
	struct registry *g;
	json_t *a, *x;
	size_t i;
	if (kb_subscriptions(q->s, q->p.account, q->lang, &a, &q->err))
		return;
	kb_buf_addf(b, "<section aria-labelledby=\"fl\"><h2 id=\"fl\">%s</h2>",
		    T("What you follow", "登録している機器と地域"));
	if (json_array_size(a)) {
		kb_buf_adds(b, "<ul class=\"follows\">");
		json_array_foreach(a, i, x)
		{
			json_t *code = json_object_get(x, "code");
			kb_buf_adds(b, "<li>");
			if (json_is_integer(code))
				kb_buf_addf(b, "%s %lld ",
					    T("Prefecture", "都道府県"),
					    (long long)json_integer_value(code));
			else
				page_escf(b, "%s %s ", T("Device", "機器"),
					  json_string_value(code));
			page_esc(b, jstr(x, "name"));
			kb_buf_adds(b, " ");
			button(q, b, "unsubscribe", (long long)jint(x, "n"),
			       T("Stop", "解除"));
			kb_buf_adds(b, "</li>");
		}
		kb_buf_adds(b, "</ul>");
	}
	json_decref(a);
	form_open(q, b, "narrow", "subscribe");
	kb_buf_addf(
		b,
		"<p><label for=\"kind\">%s</label><select id=\"kind\" name=\"kind\">"
		"<option value=\"device\">%s</option><option value=\"prefecture\">%s</option></select></p>"
		"<p><label for=\"code\">%s</label><input id=\"code\" name=\"code\" list=\"codes\" required aria-describedby=\"code-h\">"
		"<small id=\"code-h\">%s</small></p><datalist id=\"codes\">",
		T("Follow", "種類"), T("a device", "機器"),
		T("a prefecture", "都道府県"), T("Code or name", "コードか名称"),
		T("a device's code (8 digits), or a prefecture's code or name",
		  "機器コード（8 桁）、または都道府県のコードか名称"));
	g = srv_registry(q->srv);
	for (i = 0; i < g->sup.ndevices; i++) {
		const struct kb_device *d = &g->sup.devices[i];
		kb_buf_adds(b, "<option value=\"");
		page_esc(b, d->code);
		kb_buf_adds(b, "\">");
		page_esc(b, q->lang == KB_LANG_EN ? d->name_en : d->name_ja);
		kb_buf_adds(b, "</option>");
	}
	for (i = 0; i < KB_NPREF; i++) {
		kb_buf_adds(b, "<option value=\"");
		page_esc(b, q->lang == KB_LANG_EN ? g->sup.prefs[i].name_en
						  : g->sup.prefs[i].name_ja);
		kb_buf_adds(b, "\"></option>");
	}
	srv_registry_put(q->srv, g);
	kb_buf_addf(
		b,
		"</datalist><p><button type=\"submit\">%s</button></p></form></section>",
		T("Follow", "登録"));
}

static void webhook_section(struct req *q, struct kb_buf *b, const char *secret)
{
	json_t *a, *x;
	size_t i;
	if (kb_webhooks(q->s, q->p.account, &a, &q->err))
		return;
	kb_buf_addf(
		b,
		"<section aria-labelledby=\"wl\"><h2 id=\"wl\">%s</h2><p>%s</p>",
		T("Webhooks", "Webhook"),
		T("Each notice is also sent as JSON by HTTP POST to these addresses, signed in the header X-Kiban-Signature (t=time,v1=HMAC-SHA256 of \"t.body\" with the secret); a receiver that fails is tried again, ten times over some hours.",
		  "お知らせはこのアドレスにも HTTP POST の JSON で送られ、ヘッダー X-Kiban-Signature（t=時刻,v1=秘密鍵による \"t.本文\" の HMAC-SHA256）で署名されます。受信に失敗すると数時間で 10 回まで再送します。"));
	if (secret) {
		kb_buf_addf(b, "<p class=\"secret\" role=\"status\">%s <code>",
			    T("The webhook's secret, shown only now:",
			      "Webhook の秘密鍵です（表示はこの一度だけです）:"));
		page_esc(b, secret);
		kb_buf_adds(b, "</code></p>");
	}
	if (json_array_size(a)) {
		kb_buf_addf(
			b,
			"<table><thead><tr><th scope=\"col\">URL</th><th scope=\"col\">%s</th>"
			"<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><td></td></tr></thead><tbody>",
			T("Delivered", "送信済み"), T("Waiting", "送信待ち"),
			T("Failed", "失敗"), T("Last problem", "直近の問題"));
		json_array_foreach(a, i, x)
		{
			kb_buf_adds(b, "<tr><td>");
			page_esc(b, jstr(x, "url"));
			kb_buf_addf(
				b,
				"</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
				(long long)json_integer_value(
					json_object_get(x, "delivered")),
				(long long)json_integer_value(
					json_object_get(x, "pending")),
				(long long)json_integer_value(
					json_object_get(x, "failed")));
			page_esc(b, jstr(x, "last_error"));
			kb_buf_adds(b, "</td><td>");
			button(q, b, "webhook_remove", (long long)jint(x, "n"),
			       T("Remove", "削除"));
			kb_buf_adds(b, "</td></tr>");
		}
		kb_buf_adds(b, "</tbody></table>");
	}
	json_decref(a);
	form_open(q, b, "narrow", "webhook_add");
	kb_buf_addf(b,
		    "<p><label for=\"url\">URL</label><input id=\"url\" name=\"url\" type=\"url\" required placeholder=\"https://\"></p>"
		    "<p><button type=\"submit\">%s</button></p></form></section>",
		    T("Add a webhook", "Webhook を追加"));
}

static int notices_page(struct req *q, const char *secret)
{
	struct kb_buf b = KB_BUF_INIT;
	page_head(q, &b, T("Notifications", "通知"));
	notices_section(q, &b);
	follow_section(q, &b);
	webhook_section(q, &b, secret);
	if (q->err.n) {
		kb_buf_release(&b);
		return reply_kb_error(q, q->err.code ? q->err.code : KB_EDB);
	}
	return page_finish(q, &b, 200);
}

int page_notices(struct req *q)
{
	return notices_page(q, NULL);
}

int page_notices_post(struct req *q)
{
	const char *action = form_get(q, "action"), *sid = form_get(q, "id");
	long id = sid ? id_arg(sid) : 0;
	int r;
	if (action && !strcmp(action, "webhook_add")) {
		char secret[KB_TOKEN_LEN];
		long n;
		if (notices_webhook_add(q, secret, &n))
			return HANDLED;
		r = notices_page(q, secret);
		sodium_memzero(secret, sizeof(secret));
		return r;
	}
	if (action && !strcmp(action, "subscribe"))
		r = notices_follow(q, &id);
	else if (action && !strcmp(action, "read"))
		r = notices_read(q, 0);
	else if (action && id && !strcmp(action, "unsubscribe"))
		r = notices_unfollow(q, id);
	else if (action && id && !strcmp(action, "webhook_remove"))
		r = notices_webhook_remove(q, id);
	else
		return reply_error(
			q, 422, "invalid",
			T("field 'action': expected subscribe, unsubscribe, read, webhook_add or webhook_remove (with an id)",
			  "項目 'action': subscribe, unsubscribe, read, webhook_add, webhook_remove（と id）のいずれかです"));
	return r ? HANDLED : reply_redirect(q, "/notices");
}
