/*
 * supply.c - what the supply routes (api_supply.c) and pages
 * (page_supply.c) share: uploads of stock and production reports, written
 * by the writer (writer.c) in groups, each import in a savepoint of its
 * own, the weekly sums of the weeks touched rewritten once per group;
 * incidents opened and followed; the national dashboard's data, which the
 * JSON route keeps and the page renders.
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiban/eval.h"
#include "kiban/kpi.h"
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

/* ---- the dashboard ---- */

/* What the dashboard says of the reports behind its figures: the week's
 * completeness and the weeks still coming in (kb_report_weeks); the
 * facilities behind each device's row are in the row. */
static void dashboard_completeness(struct req *q, json_t *j)
{
	struct kb_report_weeks rw;
	if (!kb_report_weeks(q->s, -1, &rw, &q->err))
		json_object_set_new(j, "completeness",
				    kb_report_weeks_to_json(&rw));
	kb_report_weeks_release(&rw);
	kb_err_clear(&q->err);
}

json_t *dashboard_json(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_status_query sq = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
	struct kb_supply_status st;
	struct kb_signals sg;
	struct kb_incidents inc = { 0 };
	struct kb_eval ev;
	json_t *j = json_object(), *prefs = json_array(), *risk = json_array(),
	       *open = json_array(), *sigs = json_array();
	int worst[KB_NPREF + 1] = { 0 }, count[KB_NPREF + 1] = { 0 };
	int bysev[4] = { 0 }, sigsev[4] = { 0 };
	int *devalerts = kb_calloc(g->sup.ndevices + 1, sizeof(int));
	size_t i;
	char wk[16];

	memset(&st, 0, sizeof(st));
	kb_eval_init(&ev);
	/* one dashboard for every account: the public's figures (small
	 * cells withheld) */
	/* the signals of the week shown, found once: the status rows take
	 * their risk from them, the tiles and the list show them */
	sq.signals = &sg;
	if (!kb_supply_signals(q->s, &g->sup, -1, -1, &sg, &q->err) &&
	    !kb_supply_status(q->s, &g->sup, &sq, &st, &q->err) &&
	    !kb_supply_status_disclose(q->s, &g->sup, NULL, &st, &q->err) &&
	    !kb_alerts_disclose(q->s, &g->sup, NULL, &sg.alerts, &q->err)) {
		kb_week_format(st.week, wk);
		json_object_set_new(j, "week", json_string(wk));
		/* the week's alerts, and the signals they make: the tiles
		 * and the counts are the signals open (one per problem) */
		for (i = 0; i < sg.alerts.n; i++) {
			const struct kb_alert *a = &sg.alerts.v[i];
			if (a->week != st.week)
				continue;
			bysev[a->severity]++;
			if (a->device != KB_NONE)
				devalerts[a->device]++;
		}
		for (i = 0; i < sg.n; i++) {
			const struct kb_signal *x = &sg.v[i];
			size_t k;
			if (x->closed >= 0 || !x->severity)
				continue;
			sigsev[x->severity]++;
			for (k = 0; k < x->nregions; k++) {
				int p = x->regions[k].pref;
				if (p <= 0 || p > KB_NPREF ||
				    !x->regions[k].severity)
					continue;
				count[p]++;
				if ((int)x->regions[k].severity > worst[p])
					worst[p] = (int)x->regions[k].severity;
			}
			if (json_array_size(sigs) < 20)
				json_array_append_new(
					sigs, kb_signal_to_json(x, &sg, &g->sup,
								q->lang, 0));
		}
		for (i = 0; i < st.n; i++) {
			const struct kb_status_row *x = &st.v[i];
			const struct kb_device *d = &g->sup.devices[x->device];
			int low = !x->withheld &&
				  (x->calc.status == KB_STATUS_OUT ||
				   x->calc.status == KB_STATUS_UNDER);
			json_t *r;
			struct kb_buf why = KB_BUF_INIT;
			if (!d->essential || (!low && !x->risk))
				continue;
			kb_status_reason(&g->sup, x, q->lang, &why);
			r = json_pack(
				"{s:s, s:s, s:s, s:s, s:s, s:f, s:i, s:i, s:s, "
				"s:s?}",
				"code", d->code, "name",
				q->lang == KB_LANG_EN ? d->name_en : d->name_ja,
				"status", kb_stock_status_key(x->calc.status),
				"level", kb_status_level_key(x), "level_name",
				kb_status_level_name(x, q->lang),
				"days_of_supply", x->calc.dos, "alerts",
				devalerts[x->device], "facilities",
				x->figs.facilities, "reason",
				why.buf ? why.buf : "", "signal",
				x->risk ? x->risk_key : NULL);
			kb_buf_release(&why);
			if (x->withheld) {
				json_object_set_new(r, "status", json_null());
				json_object_set_new(r, "days_of_supply",
						    json_null());
				json_object_set_new(r, "suppressed", json_true());
				json_object_set_new(r, "suppressed_reason",
						    json_string(kb_withheld_key(
							    x->withheld, 0)));
			}
			json_array_append_new(risk, r);
		}
	}
	kb_err_clear(&q->err);
	for (i = 1; i <= KB_NPREF; i++) {
		const struct kb_pref *p = &g->sup.prefs[i - 1];
		json_array_append_new(
			prefs,
			json_pack("{s:i, s:s, s:i, s:s?}", "code", (int)i, "name",
				  p->name_ja
					  ? (q->lang == KB_LANG_EN ? p->name_en
								   : p->name_ja)
					  : "",
				  "alerts", count[i], "worst",
				  worst[i] ? kb_severity_key(worst[i]) : NULL));
	}
	json_object_set_new(j, "prefectures", prefs);
	json_object_set_new(j, "alerts",
			    json_pack("{s:i, s:i, s:i}", "critical",
				      bysev[KB_SEV_CRITICAL], "warning",
				      bysev[KB_SEV_WARNING], "info",
				      bysev[KB_SEV_INFO]));
	json_object_set_new(j, "signals",
			    json_pack("{s:i, s:i}", "critical",
				      sigsev[KB_SEV_CRITICAL], "warning",
				      sigsev[KB_SEV_WARNING]));
	json_object_set_new(j, "signals_open", sigs);
	json_object_set_new(j, "devices_at_risk", risk);
	dashboard_completeness(q, j);
	if (!kb_incident_load(q->s, 0, &inc, &q->err))
		for (i = 0; i < inc.n; i++)
			if (inc.v[i].state != KB_INC_RESOLVED)
				json_array_append_new(
					open,
					json_pack("{s:I, s:s, s:s, s:s?}", "id",
						  (json_int_t)inc.v[i].id,
						  "title", inc.v[i].title, "state",
						  kb_incident_state_key(
							  inc.v[i].state),
						  "device", inc.v[i].device));
	kb_err_clear(&q->err);
	json_object_set_new(j, "incidents_open", open);
	{
		int fy = kb_fy_last_complete(srv_now(q->srv));
		json_t *k = json_object(), *c = json_object();
		if (!kb_eval_open(q->s, NULL, fy, KB_RULE_DEFAULT,
				  srv_now(q->srv), &ev, &q->err)) {
			int s;
			for (s = 0; s < KB_ST_COUNT; s++)
				if (ev.overall.count[s])
					json_object_set_new(
						c,
						kb_status_key((enum kb_status)s),
						json_integer(ev.overall.count[s]));
			json_object_set_new(
				k, "overall",
				json_string(kb_status_key(ev.overall.status)));
		}
		kb_err_clear(&q->err);
		json_object_set_new(k, "fiscal_year", json_integer(fy));
		json_object_set_new(k, "counts", c);
		json_object_set_new(j, "kpis", k);
	}
	free(devalerts);
	kb_eval_release(&ev);
	kb_incidents_release(&inc);
	kb_signals_release(&sg);
	kb_supply_status_release(&st);
	srv_registry_put(q->srv, g);
	return j;
}

/* Opens an incident from fields; *id on success (0 and a reply else). */
int incident_open(struct req *q, const char *device, const char *title,
		  const char *cause, const char *note, const char *prefs,
		  long *id)
{
	struct registry *g = srv_registry(q->srv);
	int pv[KB_NPREF], r;
	size_t np = 0;
	struct kb_incident_new in = { device, title, cause, q->p.login,
				      note,   pv,    0 };
	*id = 0;
	if (prefs && *prefs) {
		char *s = kb_strdup(prefs), *p, *save = NULL;
		for (p = strtok_r(s, ",; ", &save); p;
		     p = strtok_r(NULL, ",; ", &save)) {
			int c = kb_supply_pref(&g->sup, p);
			if (c <= 0)
				kb_err_at(&q->err, KB_EINVALID, NULL, 0, 0,
					  "prefectures",
					  KB_TR(q->lang,
						"'%s' is not a prefecture",
						"'%s' は都道府県ではありません"),
					  p);
			else if (np < KB_NPREF)
				pv[np++] = c;
		}
		free(s);
	}
	in.nprefs = np;
	srv_registry_put(q->srv, g);
	if (!title || !*title)
		kb_err_at(&q->err, KB_EINVALID, NULL, 0, 0, "title", "%s",
			  KB_TR(q->lang, "give the incident a title",
				"事案の件名を入力してください"));
	if (q->err.n) {
		reply_kb_error(q, KB_EINVALID);
		return 0;
	}
	if ((r = kb_incident_open(q->s, &in, q->p.login, srv_now(q->srv), id,
				  &q->err))) {
		reply_kb_error(q, r);
		return 0;
	}
	srv_wrote(q, 201, title);
	return 1;
}

/* Adds an event to incident q->arg[0]: a note, an action or a new state. */
int incident_event(struct req *q, const char *kind, const char *text,
		   const char *state)
{
	long id = id_arg(q->arg[0]);
	int r, st;
	if (!id) {
		reply_error(q, 404, "not_found",
			    KB_TR(q->lang, "no incident %s",
				  "事案 %s はありません"),
			    q->arg[0]);
		return 0;
	}
	if (kind && !strcmp(kind, "state")) {
		if (!state || (st = kb_incident_state_parse(state)) < 0) {
			reply_error(
				q, 422, "invalid",
				KB_TR(q->lang,
				      "state: '%s' is not reported, assessing, mitigating or resolved",
				      "state: '%s' は reported, assessing, mitigating, resolved のいずれでもありません"),
				state ? state : "");
			return 0;
		}
		r = kb_incident_set_state(q->s, id, (enum kb_incident_state)st,
					  text, q->p.login, srv_now(q->srv),
					  &q->err);
	} else if (kind && (!strcmp(kind, "note") || !strcmp(kind, "action"))) {
		if (!text || !*text) {
			reply_error(q, 422, "invalid", "%s",
				    KB_TR(q->lang, "text: write what happened",
					  "text: 内容を入力してください"));
			return 0;
		}
		r = kb_incident_log(q->s, id, kind, text, q->p.login,
				    srv_now(q->srv), &q->err);
	} else {
		reply_error(
			q, 422, "invalid",
			KB_TR(q->lang, "kind: '%s' is not note, action or state",
			      "kind: '%s' は note, action, state のいずれでもありません"),
			kind ? kind : "");
		return 0;
	}
	if (r) {
		reply_kb_error(q, r);
		return 0;
	}
	srv_wrote(q, 201, kind);
	return 1;
}
