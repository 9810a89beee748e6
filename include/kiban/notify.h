/*
 * notify.h - notifications: subscriptions to the alerts and incidents of
 * devices and prefectures, the notices they produce, and the webhooks that
 * carry the notices to other systems.
 *
 * kb_notify_scan() looks at what changed since its last run: signals
 * (kb_supply_signals: one per problem) raised, escalated or closed, and
 * new events of the incident log.  Each becomes a notice for every account
 * subscribed to its device or one of its prefectures (a national signal or
 * incident concerns every prefecture) whose role may read it, one per
 * account, and a delivery for each webhook of that account.  A signal is
 * told when it is raised (or reaches a subscriber's prefecture), when its
 * severity rises above the one told, and when it closes; not while it
 * stays the same.  Running it twice makes nothing twice.
 *
 * A delivery is an HTTP POST of the notice as JSON ({id, at, kind, ref,
 * change, severity, device, prefecture, lang, text}, text in the
 * account's language) with the header
 *     X-Kiban-Signature: t=<Unix time>,v1=<hex HMAC-SHA256>
 * computed with the webhook's secret over "<t>.<body>", so the receiver
 * can check who sent it and when.  libkiban keeps the queue and the
 * backoff; the server does the HTTP.
 *
 * Listings are JSON arrays the caller owns.
 */
#ifndef KIBAN_NOTIFY_H
#define KIBAN_NOTIFY_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "kiban/auth.h"
#include "kiban/error.h"

struct kb_store;
struct kb_supply;

/* Subscribes an account to a device (kind "device", what its code) or a
 * prefecture (kind "prefecture", what its code or name).  Subscribing
 * again to the same is not an error; *id is the subscription either way. */
int kb_subscribe(struct kb_store *s, const struct kb_supply *sup, long account,
		 const char *kind, const char *what, time_t now, long *id,
		 struct kb_err *err);
int kb_unsubscribe(struct kb_store *s, long account, long id, struct kb_err *err);
/* [{n, kind, code, name, created_at}] with names in lang. */
int kb_subscriptions(struct kb_store *s, long account, enum kb_lang lang,
		     json_t **out, struct kb_err *err);

/* Registers a webhook (an http:// or https:// URL) and makes its secret,
 * which the caller shows once. */
int kb_webhook_add(struct kb_store *s, long account, const char *url, time_t now,
		   char secret[KB_TOKEN_LEN], long *id, struct kb_err *err);
/* Removes it; its pending deliveries fail. */
int kb_webhook_remove(struct kb_store *s, long account, long id, time_t now,
		      struct kb_err *err);
/* [{n, url, created_at, pending, delivered, failed, last_status,
 * last_error}], active webhooks only. */
int kb_webhooks(struct kb_store *s, long account, json_t **out,
		struct kb_err *err);

/* Makes the notices and deliveries of what is new; *made counts the
 * notices (may be NULL). */
int kb_notify_scan(struct kb_store *s, const struct kb_supply *sup, time_t now,
		   size_t *made, struct kb_err *err);

/* An account's notices, newest first: [{n, at, kind, ref, change,
 * severity, device, prefecture, text, read}] with text in lang.  kind is
 * "signal" (ref its key, change "raised", "escalated" or "closed"),
 * "incident" (ref its number) or, before schema 9, "alert"; change is
 * null but for signals.  *total counts those listed with no limit,
 * *unread the unread ones (either may be NULL). */
int kb_notices(struct kb_store *s, long account, enum kb_lang lang,
	       int unread_only, size_t limit, size_t offset, json_t **out,
	       size_t *total, size_t *unread, struct kb_err *err);
/* Marks one notice (id) or all of them (id 0) read. */
int kb_notice_read(struct kb_store *s, long account, long id, time_t now,
		   struct kb_err *err);

/* ---- the webhook queue (for the server) ---- */

/* Tries per delivery; the waits between them double from the first (30 s
 * in the server) up to 1 h. */
#define KB_DELIVERY_TRIES 10

struct kb_delivery {
	long n;
	char *url, *secret, *body;
	int attempts; /* made before this one */
};
/* At most max deliveries due at now, oldest first. */
int kb_deliveries_due(struct kb_store *s, time_t now, size_t max,
		      struct kb_delivery **out, size_t *n, struct kb_err *err);
void kb_deliveries_release(struct kb_delivery *v, size_t n);
/* Records an attempt: delivered (ok), or retried later, or given up.
 * status is the receiver's HTTP status (0 if none), error what went wrong. */
int kb_delivery_done(struct kb_store *s, long n, int ok, int status,
		     const char *error, time_t now, unsigned first_wait,
		     struct kb_err *err);

/* The X-Kiban-Signature header's value for body sent at t. */
#define KB_SIGNATURE_LEN 96
void kb_webhook_sign(const char *secret, time_t t, const char *body, size_t len,
		     char out[KB_SIGNATURE_LEN]);

#endif
