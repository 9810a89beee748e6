/*
 * writer.c - writes made durable before they are answered, in groups.
 *
 * A request hands a job to the writer and suspends its connection.  The
 * writer takes every job waiting, opens one transaction, runs each (an
 * upload imports its report in a savepoint of its own: a bad file changes
 * nothing and does not stop the others), then once per kind of job what
 * the group needs (the weekly sums of the weeks touched), and commits: one
 * fsync for the group.  Only then are the connections resumed and
 * answered, so an acknowledged write is on disk whatever happens to the
 * server after.  What a job does is its struct write_ops' (http.h): the
 * writer knows nothing of reports.  Part of the HTTP plumbing.
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "server/http.h"

static void queue_push(struct job_queue *qu, struct write_job *j)
{
	*qu->tail = j;
	qu->tail = &j->next;
}

void writer_submit(struct req *q, struct write_job *j, const struct write_ops *ops)
{
	struct srv *v = q->srv;
	j->q = q;
	j->ops = ops;
	kb_err_init(&j->err, q->lang);
	q->job = j;
	MHD_suspend_connection(q->c);
	pthread_mutex_lock(&v->mu);
	queue_push(&v->queue, j);
	pthread_cond_signal(&v->wcv);
	pthread_mutex_unlock(&v->mu);
}

/* Is j the first job of its kind in batch? */
static int first_of_kind(const struct write_job *batch, const struct write_job *j)
{
	for (; batch != j; batch = batch->next)
		if (batch->ops == j->ops)
			return 0;
	return 1;
}

static void run_group(struct srv *v, struct write_job *batch)
{
	struct kb_err err;
	struct write_job *j;
	int r;

	kb_err_init(&err, KB_LANG_EN);
	r = kb_store_begin(v->ws, &err);
	for (j = batch; !r && j; j = j->next)
		j->ops->run(v, v->ws, j);
	for (j = batch; !r && j; j = j->next)
		if (j->ops->group && first_of_kind(batch, j))
			r = j->ops->group(v, v->ws, batch, &err);
	if (!r)
		r = kb_store_commit(v->ws, &err);
	else
		kb_store_rollback(v->ws);
	if (r) {
		fprintf(stderr, "kiban serve: a group of writes failed: %s\n",
			err.n ? err.v[0].msg : "database error");
		for (j = batch; j; j = j->next)
			if (!j->rc) {
				j->rc = KB_EDB;
				kb_err_set(&j->err, KB_EDB, "%s",
					   KB_TR(j->err.lang, j->ops->lost_en,
						 j->ops->lost_ja));
			}
	} else {
		atomic_fetch_add(&v->gen, 1);
	}
	kb_err_release(&err);
}

static void *writer_main(void *arg)
{
	struct srv *v = arg;
	for (;;) {
		struct write_job *batch, *j, *next;
		pthread_mutex_lock(&v->mu);
		while (!v->queue.head && !v->stop)
			pthread_cond_wait(&v->wcv, &v->mu);
		batch = v->queue.head;
		v->queue.head = NULL;
		v->queue.tail = &v->queue.head;
		pthread_mutex_unlock(&v->mu);
		if (!batch)
			break; /* stopping, nothing left */
		run_group(v, batch);
		for (j = batch; j; j = next) {
			next = j->next;
			MHD_resume_connection(j->q->c);
		}
	}
	return NULL;
}

int writer_start(struct srv *v, struct kb_err *err)
{
	int r = srv_thread_start(&v->writer, writer_main, v,
				 "cannot start the writer thread",
				 "書き込みスレッドを開始できません", err);
	v->writer_on = !r;
	return r;
}

void writer_stop(struct srv *v)
{
	if (!v->writer_on)
		return;
	srv_thread_stop(v, v->writer, &v->wcv, &v->stop);
	v->writer_on = 0;
}
