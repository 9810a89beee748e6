/*
 * notices.c - what the notifications' routes (api_notices.c) and page
 * (page_notices.c) share: following a device or a prefecture, adding and
 * removing a webhook, marking notices read (each written to the audit
 * log), and the count of unread notices in the pages' menu.
 *
 * Everything here belongs to the account signed in: the library's queries
 * take its number, so nobody reads or changes another's.  The notices
 * themselves are made by the notifier (notify.c).
 */
#include "core/compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiban/notify.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

/* ---- the actions, shared by the API and the page: 0, or -1 with the
 * reply sent ---- */

/* The end of an action: r's error sent, or the audit log's line. */
static int done(struct req *q, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int done(struct req *q, int r, const char *fmt, ...)
{
	char detail[160];
	va_list ap;
	if (r) {
		reply_kb_error(q, r);
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	audit(q, "write", detail);
	return 0;
}

int notices_follow(struct req *q, long *id)
{
	struct registry *g = srv_registry(q->srv);
	const char *kind = form_get(q, "kind"), *code = form_get(q, "code");
	int r = kb_subscribe(q->s, &g->sup, q->p.account, kind, code,
			     srv_now(q->srv), id, &q->err);
	srv_registry_put(q->srv, g);
	return done(q, r, "subscribe %.16s %.40s", kind, code);
}

int notices_unfollow(struct req *q, long id)
{
	return done(q, kb_unsubscribe(q->s, q->p.account, id, &q->err),
		    "unsubscribe %ld", id);
}

int notices_webhook_remove(struct req *q, long id)
{
	return done(q,
		    kb_webhook_remove(q->s, q->p.account, id, srv_now(q->srv),
				      &q->err),
		    "webhook remove %ld", id);
}

int notices_read(struct req *q, long id)
{
	return done(q,
		    kb_notice_read(q->s, q->p.account, id, srv_now(q->srv),
				   &q->err),
		    "notice read %ld", id);
}

int notices_webhook_add(struct req *q, char secret[KB_TOKEN_LEN], long *id)
{
	const char *url = form_get(q, "url");
	return done(q,
		    kb_webhook_add(q->s, q->p.account, url, srv_now(q->srv),
				   secret, id, &q->err),
		    "webhook add %.140s", url);
}

/* The count shown beside "Notifications" in the menu. */
size_t notices_unread(struct req *q)
{
	size_t unread = 0;
	json_t *a;
	struct kb_err err;
	/* a page finished after the writer has given its store back */
	struct kb_store *s = srv_store_any(q);
	kb_err_init(&err, KB_LANG_EN);
	if (!kb_notices(s, q->p.account, q->lang, 1, 0, 0, &a, NULL, &unread,
			&err))
		json_decref(a);
	kb_err_release(&err);
	srv_store_done(q, s);
	return unread;
}
