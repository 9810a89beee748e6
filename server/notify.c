/*
 * notify.c - the server's notifier: one thread beside the requests
 * (started and stopped by server.c) that turns what changed into notices
 * (kb_notify_scan) and posts the webhooks' deliveries with libcurl.
 *
 * It wakes every --notify-interval seconds; it scans when the server has
 * committed something since its last scan, and at least once a minute
 * for what other processes wrote (`kiban supply import` on the same
 * database).  Then it posts what is due, one at a time, on one libcurl
 * handle that keeps its connections.  A receiver that fails is tried again
 * later (notify.h).  A receiver on a loopback, private or link-local
 * address is refused before any connection is made, unless
 * --webhook-private says the deployment wants one, so that a user cannot
 * make the server call inside its own network, nor learn from the errors
 * what listens there: the error recorded is only REFUSED.  Redirects are
 * not followed (a 3xx is a failed delivery), and without
 * --webhook-private no proxy is used.
 */
#include "core/compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "kiban/notify.h"
#include "server/app.h"

#define REFUSED "refused: the target is not allowed"

struct notifier {
	struct srv *v;
	pthread_t t;
	pthread_cond_t cv; /* wakes it to stop */
	struct kb_store *s;
	atomic_int stop;
};

/* Is the IPv4 address a (4 bytes, network order) one the Internet cannot
 * reach: this host, a private, shared, link-local, benchmarking or
 * multicast network, or reserved? */
static int private_v4(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
	       (a[0] == 100 && (a[1] & 0xc0) == 64) || /* 100.64/10 */
	       (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	       (a[0] == 192 && a[1] == 0 && a[2] == 0) ||
	       (a[0] == 192 && a[1] == 168) ||
	       (a[0] == 198 && (a[1] & 0xfe) == 18) || /* 198.18/15 */
	       a[0] >= 224;
}

/* The same for an address as libcurl is about to connect to it; one of a
 * family we do not know is refused.  IPv6 forms that carry an IPv4
 * address (mapped, compatible, NAT64, 6to4) are judged by that address. */
static int private_addr(const struct sockaddr *sa)
{
	const unsigned char *a;
	if (sa->sa_family == AF_INET)
		return private_v4(
			(const unsigned char *)&((const struct sockaddr_in *)sa)
				->sin_addr);
	if (sa->sa_family != AF_INET6)
		return 1;
	a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	if (!memcmp(a, "\0\0\0\0\0\0\0\0\0\0", 10) &&
	    ((a[10] == 0xff && a[11] == 0xff) || (!a[10] && !a[11])))
		return private_v4(a + 12); /* ::ffff:a.b.c.d, ::a.b.c.d, ::1 */
	if (!memcmp(a, "\0\x64\xff\x9b\0\0\0\0\0\0\0\0", 12))
		return private_v4(a + 12); /* 64:ff9b::/96 */
	if (a[0] == 0x20 && a[1] == 0x02)
		return private_v4(a + 2); /* 2002::/16 */
	return (a[0] & 0xfe) == 0xfc ||	  /* fc00::/7 unique local */
	       (a[0] == 0xfe &&
		(a[1] & 0x80) == 0x80) || /* fe80::/10, fec0::/10 */
	       a[0] == 0xff;		  /* multicast */
}

/*
 * libcurl calls this for every address it is about to connect to, once the
 * name is resolved and before any packet is sent: a private one gets no
 * socket, so nothing reaches it (and a name that resolves differently the
 * second time gains nothing: this is the address really used).  libcurl
 * then tries the name's other addresses, if any.
 */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose,
				 struct curl_sockaddr *a)
{
	int *refused = ctx;
	(void)purpose;
	if (private_addr(&a->addr)) {
		*refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* A shutdown does not wait for a slow receiver. */
static int progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c,
		    curl_off_t d)
{
	struct notifier *n = ctx;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return atomic_load(&n->stop);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* Posts one delivery; 1 if the receiver accepted it (2xx). */
static int post(struct notifier *n, CURL *h, const struct kb_delivery *d,
		long *status, char error[CURL_ERROR_SIZE])
{
	struct srv *v = n->v;
	struct curl_slist *hdr = NULL;
	int refused = 0;
	char sig[KB_SIGNATURE_LEN], line[32 + KB_SIGNATURE_LEN];
	CURLcode rc;

	kb_webhook_sign(d->secret, srv_now(v), d->body, strlen(d->body), sig);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	snprintf(line, sizeof(line), "X-Kiban-Signature: %s", sig);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-Kiban-Delivery: %ld", d->n);
	hdr = curl_slist_append(hdr, line);
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_reset(h);
	*error = 0;
	curl_easy_setopt(h, CURLOPT_URL, d->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* 3xx: a failure */
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(d->body));
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kiban/" KIBAN_VERSION);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, n);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
	if (!v->c.webhook_private) {
		/* straight to the receiver, whose address is checked: a
		 * proxy from the environment would connect anywhere */
		curl_easy_setopt(h, CURLOPT_PROXY, "");
		curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
		curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)&refused);
	}
	rc = curl_easy_perform(h);
	*status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else if (refused) /* no detail: which addresses, ports, why */
		snprintf(error, CURL_ERROR_SIZE, "%s", REFUSED);
	else if (!*error)
		snprintf(error, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(hdr);
	if (rc == CURLE_OK && (*status < 200 || *status > 299))
		snprintf(error, CURL_ERROR_SIZE, "HTTP %ld", *status);
	return rc == CURLE_OK && *status >= 200 && *status <= 299;
}

static void deliver(struct notifier *nt, CURL *h)
{
	struct srv *v = nt->v;
	struct kb_store *s = nt->s;
	struct kb_delivery *due;
	size_t n, i;
	struct kb_err err;
	char error[CURL_ERROR_SIZE];
	long status;
	kb_err_init(&err, KB_LANG_EN);
	do {
		if (kb_deliveries_due(s, srv_now(v), 32, &due, &n, &err))
			break;
		for (i = 0; i < n && !atomic_load(&nt->stop); i++) {
			int ok = post(nt, h, &due[i], &status, error);
			if (kb_delivery_done(s, due[i].n, ok, (int)status,
					     error, srv_now(v),
					     v->c.webhook_retry, &err))
				break;
		}
		kb_deliveries_release(due, n);
	} while (n == 32 && i == n);
	if (err.n)
		fprintf(stderr, "kiban serve: webhooks: %s\n", err.v[0].msg);
	kb_err_release(&err);
}

static void scan(struct srv *v, struct kb_store *s)
{
	struct registry *g = srv_registry(v);
	struct kb_err err;
	kb_err_init(&err, KB_LANG_EN);
	if (kb_notify_scan(s, &g->sup, srv_now(v), NULL, &err))
		fprintf(stderr, "kiban serve: notifications: %s\n",
			err.n ? err.v[0].msg : "database error");
	kb_err_release(&err);
	srv_registry_put(v, g);
}

static void *notifier_main(void *arg)
{
	struct notifier *n = arg;
	struct srv *v = n->v;
	CURL *h = curl_easy_init();
	long seen = -1;
	double scanned = 0;

	pthread_mutex_lock(&v->mu);
	while (!atomic_load(&n->stop)) {
		struct timespec t;
		double wait = v->c.notify_interval;
		long gen;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += (time_t)wait;
		t.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&n->cv, &v->mu, &t);
		if (atomic_load(&n->stop))
			break;
		pthread_mutex_unlock(&v->mu);
		gen = atomic_load(&v->gen);
		if (gen != seen || srv_clock() - scanned >= 60) {
			seen = gen;
			scanned = srv_clock();
			scan(v, n->s);
		}
		if (h)
			deliver(n, h);
		pthread_mutex_lock(&v->mu);
	}
	pthread_mutex_unlock(&v->mu);
	curl_easy_cleanup(h);
	return NULL;
}

static void notifier_free(struct notifier *n)
{
	kb_store_close(n->s);
	pthread_cond_destroy(&n->cv);
	free(n);
}

int notifier_start(struct srv *v, struct kb_err *err)
{
	struct notifier *n = kb_calloc(1, sizeof(*n));
	int r;
	n->v = v;
	pthread_cond_init(&n->cv, NULL);
	if ((r = kb_store_open(&n->s, v->c.db, 0, err)) ||
	    (r = srv_thread_start(&n->t, notifier_main, n,
				  "cannot start the notifier thread",
				  "通知スレッドを開始できません", err))) {
		notifier_free(n);
		return r;
	}
	shared_of(v)->notifier = n;
	return 0;
}

void notifier_stop(struct srv *v)
{
	struct notifier *n = shared_of(v)->notifier;
	if (!n)
		return;
	srv_thread_stop(v, n->t, &n->cv, &n->stop);
	notifier_free(n);
	shared_of(v)->notifier = NULL;
}
