/*
 * supply.c - what the supply routes (api_supply.c) and pages
 * (page_supply.c) share: uploads of stock and production reports, written
 * by the writer (writer.c) in groups, each import in a savepoint of its
 * own, the weekly sums of the weeks touched rewritten once per group.
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/app.h"

/* ---- uploads ---- */

struct upload {
	struct write_job w; /* first: the writer's */
	int production;
	struct kb_import_stats st;
	int (*reply)(struct req *q, int rc, const struct kb_import_stats *st);
};

/* One upload, in the group's transaction, written to the audit log. */
static void upload_run(struct srv *v, struct kb_store *ws, struct write_job *w)
{
	struct upload *u = (struct upload *)w;
	struct req *q = w->q;
	struct registry *g = srv_registry(v);
	struct kb_import_opts o = { 0 };
	struct kb_csv c;
	const char *name = u->production ? "production.csv" : "stock.csv";
	char detail[160];
	struct kb_audit_entry e = { "write", "POST", q->url, 0, "", detail };
	struct kb_err err;

	o.actor = q->p.login;
	o.now = srv_now(v);
	o.registry = &g->sup;
	o.defer_aggregates = 1;
	if (q->p.role == KB_ROLE_HOSPITAL || q->p.role == KB_ROLE_INDUSTRY)
		o.only_org = q->p.org_id;
	w->rc = kb_csv_open_mem(&c, name, q->body.buf ? q->body.buf : "",
				q->body.len, KB_ENC_AUTO, &w->err);
	if (!w->rc) {
		w->rc = (u->production ? kb_production_import : kb_stock_import)(
			ws, &c, &o, &u->st, &w->err);
		kb_csv_release(&c);
	}
	srv_registry_put(v, g);
	if (w->rc)
		snprintf(detail, sizeof(detail), "refused: %zu problems",
			 kb_err_count(&w->err));
	else
		snprintf(detail, sizeof(detail),
			 "rows %zu, added %zu, changed %zu, unchanged %zu",
			 u->st.rows, u->st.added, u->st.changed, u->st.unchanged);
	e.status = w->rc ? srv_status_of(w->rc) : 200;
	kb_err_init(&err, KB_LANG_EN);
	kb_audit(ws, &q->p, &e, srv_now(v), &err);
	kb_err_release(&err);
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

static void upload_free(struct write_job *w)
{
	free(w);
}

static int upload_reply(struct req *q, struct write_job *w);
static int upload_group(struct srv *v, struct kb_store *ws,
			const struct write_job *batch, struct kb_err *err);

static const struct write_ops upload_ops = {
	upload_run,
	upload_group,
	upload_reply,
	upload_free,
	"the report could not be saved: try again",
	"報告を保存できませんでした。もう一度送ってください",
};

/* The weekly sums of every week the group's accepted uploads touched. */
static int upload_group(struct srv *v, struct kb_store *ws,
			const struct write_job *batch, struct kb_err *err)
{
	const struct write_job *j;
	int *weeks = NULL, r = 0;
	size_t nweeks = 0, aweeks = 0;
	(void)v;
	for (j = batch; j; j = j->next)
		if (j->ops == &upload_ops && !j->rc)
			add_weeks(&weeks, &nweeks, &aweeks,
				  &((const struct upload *)j)->st);
	if (nweeks)
		r = kb_supply_aggregate(ws, weeks, nweeks, err);
	free(weeks);
	return r;
}

/* The job's diagnostics become the request's, for its reply. */
static int upload_reply(struct req *q, struct write_job *w)
{
	struct upload *u = (struct upload *)w;
	kb_err_release(&q->err);
	q->err = w->err;
	kb_err_init(&w->err, q->lang);
	return u->reply(q, w->rc, &u->st);
}

int may_upload(struct req *q)
{
	return kb_allowed(&q->p, KB_PERM_REPORT_UPLOAD, q->p.org, 0);
}

void upload_submit(struct req *q, int production,
		   int (*done)(struct req *q, int rc,
			       const struct kb_import_stats *st))
{
	struct upload *u = kb_calloc(1, sizeof(*u));
	u->production = production;
	u->reply = done;
	writer_submit(q, &u->w, &upload_ops);
}
