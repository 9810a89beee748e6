/*
 * writer.c - report uploads, written durably in groups.
 *
 * A request hands its body to the writer and suspends its connection.  The
 * writer takes every upload waiting, opens one transaction, imports each
 * in a savepoint of its own (a bad file changes nothing and does not stop
 * the others), rewrites the weekly sums of the weeks touched once, records
 * each upload in the audit log, and commits: one fsync for the group.
 * Only then are the connections resumed and told "accepted", so an
 * acknowledged report is on disk whatever happens to the server after.
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "server/server.h"

struct job {
	struct job *next;
	struct req *q;
	int production;
	int done, rc;
	struct kb_import_stats st;
	struct kb_err err;
};

void job_free(struct job *j)
{
	kb_err_release(&j->err);
	free(j);
}

void writer_submit(struct req *q, int production)
{
	struct srv *v = q->srv;
	struct job *j = kb_calloc(1, sizeof(*j));
	j->q = q;
	j->production = production;
	kb_err_init(&j->err, q->lang);
	q->job = j;
	MHD_suspend_connection(q->c);
	pthread_mutex_lock(&v->mu);
	*v->tail = j;
	v->tail = &j->next;
	pthread_cond_signal(&v->wcv);
	pthread_mutex_unlock(&v->mu);
}

static void add_weeks(int **weeks, size_t *n, size_t *alloc,
		      const struct kb_import_stats *st)
{
	int w;
	size_t i;
	if (!st->week_min)
		return;
	for (w = st->week_min; w <= st->week_max; w += 7) {
		for (i = 0; i < *n && (*weeks)[i] != w; i++)
			;
		if (i == *n) {
			KB_ALLOC_GROW(*weeks, *n + 1, *alloc);
			(*weeks)[(*n)++] = w;
		}
	}
}

static void run_one(struct srv *v, struct registry *g, struct job *j)
{
	struct req *q = j->q;
	struct kb_import_opts o = { 0 };
	struct kb_csv c;
	const char *name = j->production ? "production.csv" : "stock.csv";
	o.actor = q->p.login;
	o.now = srv_now(v);
	o.registry = &g->sup;
	o.defer_aggregates = 1;
	if (q->p.role == KB_ROLE_HOSPITAL || q->p.role == KB_ROLE_INDUSTRY)
		o.only_org = q->p.org_id;
	j->rc = kb_csv_open_mem(&c, name, q->body.buf ? q->body.buf : "",
				q->body.len, KB_ENC_AUTO, &j->err);
	if (j->rc)
		return;
	j->rc = (j->production ? kb_production_import : kb_stock_import)(
		v->ws, &c, &o, &j->st, &j->err);
	kb_csv_release(&c);
}

static void audit_job(struct srv *v, struct job *j)
{
	struct req *q = j->q;
	char detail[160];
	struct kb_audit_entry e = { "write", "POST", q->url, 0, "", detail };
	struct kb_err err;
	if (j->rc)
		snprintf(detail, sizeof(detail), "refused: %zu problems",
			 kb_err_count(&j->err));
	else
		snprintf(detail, sizeof(detail),
			 "rows %zu, added %zu, changed %zu, unchanged %zu",
			 j->st.rows, j->st.added, j->st.changed, j->st.unchanged);
	e.status = j->rc ? srv_status_of(j->rc) : 200;
	kb_err_init(&err, KB_LANG_EN);
	kb_audit(v->ws, &q->p, &e, srv_now(v), &err);
	kb_err_release(&err);
}

static void run_group(struct srv *v, struct job *batch)
{
	struct registry *g = srv_registry(v);
	struct kb_err err;
	struct job *j;
	int *weeks = NULL, r;
	size_t nweeks = 0, aweeks = 0;

	kb_err_init(&err, KB_LANG_EN);
	r = kb_store_begin(v->ws, &err);
	for (j = batch; !r && j; j = j->next) {
		run_one(v, g, j);
		if (!j->rc)
			add_weeks(&weeks, &nweeks, &aweeks, &j->st);
		audit_job(v, j);
	}
	if (!r && nweeks)
		r = kb_supply_aggregate(v->ws, weeks, nweeks, &err);
	if (!r)
		r = kb_store_commit(v->ws, &err);
	else
		kb_store_rollback(v->ws);
	if (r) {
		fprintf(stderr, "kiban serve: a group of uploads failed: %s\n",
			err.n ? err.v[0].msg : "database error");
		for (j = batch; j; j = j->next)
			if (!j->rc) {
				j->rc = KB_EDB;
				kb_err_set(
					&j->err, KB_EDB, "%s",
					KB_TR(j->err.lang,
					      "the report could not be saved: try again",
					      "報告を保存できませんでした。もう一度送ってください"));
			}
	} else {
		atomic_fetch_add(&v->gen, 1);
	}
	free(weeks);
	kb_err_release(&err);
	srv_registry_put(v, g);
}

static void *writer_main(void *arg)
{
	struct srv *v = arg;
	for (;;) {
		struct job *batch, *j, *next;
		pthread_mutex_lock(&v->mu);
		while (!v->queue && !v->stop)
			pthread_cond_wait(&v->wcv, &v->mu);
		batch = v->queue;
		v->queue = NULL;
		v->tail = &v->queue;
		pthread_mutex_unlock(&v->mu);
		if (!batch)
			break; /* stopping, nothing left */
		run_group(v, batch);
		for (j = batch; j; j = next) {
			next = j->next;
			j->done = 1;
			MHD_resume_connection(j->q->c);
		}
	}
	return NULL;
}

int writer_start(struct srv *v, struct kb_err *err)
{
	if (pthread_create(&v->writer, NULL, writer_main, v))
		return kb_err_set(err, KB_EIO, "%s",
				  KB_TR(err->lang,
					"cannot start the writer thread",
					"書き込みスレッドを開始できません"));
	v->writer_on = 1;
	return 0;
}

void writer_stop(struct srv *v)
{
	if (!v->writer_on)
		return;
	pthread_mutex_lock(&v->mu);
	v->stop = 1;
	pthread_cond_signal(&v->wcv);
	pthread_mutex_unlock(&v->mu);
	pthread_join(v->writer, NULL);
	v->writer_on = 0;
}

int writer_reply(struct req *q)
{
	struct job *j = q->job;
	json_t *b;
	if (q->route->flags & R_PAGE) {
		kb_err_release(&q->err);
		q->err = j->err;
		kb_err_init(&j->err, q->lang);
		return page_upload_done(q, j->rc, &j->st);
	}
	if (j->rc) {
		/* the job's diagnostics become the request's */
		kb_err_release(&q->err);
		q->err = j->err;
		kb_err_init(&j->err, q->lang);
		return reply_kb_error(q, j->rc);
	}
	b = json_pack("{s:s, s:i, s:i, s:i, s:i}", "status", "accepted", "rows",
		      (int)j->st.rows, "added", (int)j->st.added, "changed",
		      (int)j->st.changed, "unchanged", (int)j->st.unchanged);
	return reply_json(q, j->st.added || j->st.changed ? 201 : 200, b);
}
