/*
 * api_notices.c - notifications' routes of the JSON API: the account's
 * notices, what it follows, its webhooks.  Everything belongs to the
 * account signed in: the library's queries take its number.
 */
#include "core/compat.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "kiban/notify.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

int api_notices(struct req *q)
{
	size_t limit, offset, total = 0, unread = 0;
	const char *u = arg_get(q, "unread");
	json_t *a;
	int r;
	if (page_args(q, &limit, &offset))
		return HANDLED;
	if ((r = kb_notices(q->s, q->p.account, q->lang,
			    u && (!strcmp(u, "1") || !strcmp(u, "true")), limit,
			    offset, &a, &total, &unread, &q->err)))
		return reply_kb_error(q, r);
	return reply_json(
		q, 200,
		json_pack("{s:o, s:I, s:I, s:I, s:I}", "items", a, "total",
			  (json_int_t)total, "limit", (json_int_t)limit, "offset",
			  (json_int_t)offset, "unread", (json_int_t)unread));
}

int api_notices_read(struct req *q)
{
	const char *id = form_get(q, "id");
	long n = id ? id_arg(id) : 0;
	size_t unread = 0;
	json_t *a;
	if (id && !n)
		return reply_error(q, 422, "invalid",
				   T("field 'id': '%s' is not a notice number",
				     "項目 'id': '%s' は通知の番号ではありません"),
				   id);
	if (notices_read(q, n))
		return HANDLED;
	if (!kb_notices(q->s, q->p.account, q->lang, 1, 0, 0, &a, NULL, &unread,
			&q->err))
		json_decref(a);
	return reply_json(q, 200,
			  json_pack("{s:I}", "unread", (json_int_t)unread));
}

int api_subscriptions(struct req *q)
{
	json_t *a;
	int r = kb_subscriptions(q->s, q->p.account, q->lang, &a, &q->err);
	if (r)
		return reply_kb_error(q, r);
	return reply_json(q, 200, json_pack("{s:o}", "items", a));
}

int api_subscribe(struct req *q)
{
	long id = 0;
	if (notices_follow(q, &id))
		return HANDLED;
	return reply_json(q, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* The {} of the URL as a number, or a 404 sent. */
static long url_id(struct req *q, const char *what_en, const char *what_ja)
{
	long id = id_arg(q->arg[0]);
	if (!id)
		reply_error(q, 404, "not_found",
			    T("no %s %s", "%s %s はありません"),
			    T(what_en, what_ja), q->arg[0]);
	return id;
}

/* Deletes the {} of the URL (a what) with del. */
static int delete_reply(struct req *q, const char *what_en, const char *what_ja,
			int (*del)(struct req *q, long id))
{
	long id = url_id(q, what_en, what_ja);
	if (!id || del(q, id))
		return HANDLED;
	return reply_json(q, 200, json_pack("{s:I}", "deleted", (json_int_t)id));
}

int api_unsubscribe(struct req *q)
{
	return delete_reply(q, "subscription", "購読", notices_unfollow);
}

int api_webhooks(struct req *q)
{
	json_t *a;
	int r = kb_webhooks(q->s, q->p.account, &a, &q->err);
	if (r)
		return reply_kb_error(q, r);
	return reply_json(q, 200, json_pack("{s:o}", "items", a));
}

int api_webhook_add(struct req *q)
{
	char secret[KB_TOKEN_LEN];
	long id;
	int r;
	if (notices_webhook_add(q, secret, &id))
		return HANDLED;
	r = reply_json(q, 201,
		       json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
				 "url", form_get(q, "url"), "secret", secret,
				 "signature",
				 "X-Kiban-Signature: t=<unix time>,v1=<hex "
				 "HMAC-SHA256 of \"<t>.<body>\" with the "
				 "secret>"));
	sodium_memzero(secret, sizeof(secret));
	return r;
}

int api_webhook_remove(struct req *q)
{
	return delete_reply(q, "webhook", "Webhook", notices_webhook_remove);
}
