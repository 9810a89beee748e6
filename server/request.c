/*
 * request.c - what every handler reads of its request and the resources
 * it borrows: the clock, threads, the store pool, the query string, the
 * headers and cookies, the body's fields (urlencoded, multipart or JSON),
 * and the audit log's lines.  Part of the HTTP plumbing (http.h).
 */
#include "core/compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "server/http.h"

double srv_clock(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

time_t srv_now(const struct srv *v)
{
	return v->c.epoch + (time_t)(srv_clock() - v->start);
}

/* ---- threads ---- */

int srv_thread_start(pthread_t *t, void *(*fn)(void *), void *arg,
		     const char *what_en, const char *what_ja, struct kb_err *err)
{
	if (pthread_create(t, NULL, fn, arg))
		return kb_err_set(err, KB_EIO, "%s",
				  KB_TR(err->lang, what_en, what_ja));
	return 0;
}

void srv_thread_stop(struct srv *v, pthread_t t, pthread_cond_t *cv,
		     atomic_int *flag)
{
	pthread_mutex_lock(&v->mu);
	atomic_store(flag, 1);
	pthread_cond_signal(cv);
	pthread_mutex_unlock(&v->mu);
	pthread_join(t, NULL);
}

/* ---- the store pool ---- */

struct kb_store *srv_store_get(struct srv *v)
{
	struct kb_store *s;
	pthread_mutex_lock(&v->mu);
	while (!v->nfree)
		pthread_cond_wait(&v->cv, &v->mu);
	s = v->pool[--v->nfree];
	pthread_mutex_unlock(&v->mu);
	return s;
}

void srv_store_put(struct srv *v, struct kb_store *s)
{
	pthread_mutex_lock(&v->mu);
	v->pool[v->nfree++] = s;
	pthread_cond_signal(&v->cv);
	pthread_mutex_unlock(&v->mu);
}

struct kb_store *srv_store_any(struct req *q)
{
	return q->s ? q->s : srv_store_get(q->srv);
}

void srv_store_done(struct req *q, struct kb_store *s)
{
	if (s != q->s)
		srv_store_put(q->srv, s);
}

/* ---- the request's inputs ---- */

const char *arg_get(struct req *q, const char *name)
{
	return MHD_lookup_connection_value(q->c, MHD_GET_ARGUMENT_KIND, name);
}

const char *header_get(struct req *q, const char *name)
{
	return MHD_lookup_connection_value(q->c, MHD_HEADER_KIND, name);
}

const char *cookie_get(struct req *q, const char *name)
{
	return MHD_lookup_connection_value(q->c, MHD_COOKIE_KIND, name);
}

int want_csv(struct req *q)
{
	const char *f = arg_get(q, "format"), *a = header_get(q, "Accept");
	return (f && !strcmp(f, "csv")) ||
	       (!f && a && !strncmp(a, "text/csv", 8));
}

long id_arg(const char *s)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	return *s && !*end && !errno && v > 0 ? v : 0;
}

const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

json_int_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

struct mp {
	json_t *form;
	struct req *q;
};

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *filename,
			       const char *type, const char *enc,
			       const char *data, uint64_t off, size_t size)
{
	struct mp *m = cls;
	json_t *old;
	(void)kind;
	(void)type;
	(void)enc;
	(void)off;
	if (!key)
		return MHD_YES;
	if (filename) { /* a file: bytes in any encoding, kept apart */
		kb_buf_add(&m->q->file, data, size);
		return MHD_YES;
	}
	old = json_object_get(m->form, key);
	{
		struct kb_buf b = KB_BUF_INIT;
		if (old)
			kb_buf_adds(&b, json_string_value(old));
		kb_buf_add(&b, data, size);
		json_object_set_new(m->form, key,
				    json_stringn(b.buf ? b.buf : "", b.len));
		kb_buf_release(&b);
	}
	return MHD_YES;
}

/*
 * The body's fields: a form (urlencoded or multipart) or a JSON object
 * (form.c; multipart through libmicrohttpd's post processor).  A field
 * that is not valid UTF-8 is missing.
 */
static void parse_form(struct req *q)
{
	const char *ct = header_get(q, "Content-Type");
	q->form_parsed = 1;
	if (ct && q->body.len && !strncasecmp(ct, "multipart/form-data", 19)) {
		struct mp m = { json_object(), q };
		struct MHD_PostProcessor *pp =
			MHD_create_post_processor(q->c, 64 * 1024, on_part, &m);
		q->form = m.form;
		if (pp) {
			MHD_post_process(pp, q->body.buf, q->body.len);
			MHD_destroy_post_processor(pp);
		}
		return;
	}
	q->form = srv_form_parse(ct, q->body.buf, q->body.len);
}

const char *form_get(struct req *q, const char *name)
{
	json_t *v;
	if (!q->form_parsed)
		parse_form(q);
	v = json_object_get(q->form, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- the audit log ---- */

const char *client_ip(struct req *q, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(q->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	*buf = 0;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  buf, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  buf, (socklen_t)n);
	return buf;
}

const char *method_name(int m)
{
	switch (m) {
	case M_GET: return "GET";
	case M_POST: return "POST";
	case M_DELETE: return "DELETE";
	case M_HEAD: return "HEAD";
	default: return "?";
	}
}

void audit(struct req *q, const char *action, const char *detail)
{
	char ip[64];
	struct kb_audit_entry e = { action,
				    method_name(q->method),
				    q->url,
				    q->status ? q->status : 200,
				    client_ip(q, ip, sizeof(ip)),
				    detail };
	struct kb_err err;
	struct kb_store *s = srv_store_any(q);
	kb_err_init(&err, KB_LANG_EN);
	if (kb_audit(s, &q->p, &e, srv_now(q->srv), &err))
		fprintf(stderr, "kiban serve: audit: %s\n",
			err.n ? err.v[0].msg : "failed");
	kb_err_release(&err);
	srv_store_done(q, s);
}

void srv_wrote(struct req *q, int status, const char *detail)
{
	q->status = status;
	audit(q, "write", detail);
	atomic_fetch_add(&q->srv->gen, 1);
}
