/*
 * api_supply.c - the supply's routes of the JSON API: devices, the chain
 * map, supply status, signals and alerts, reports and their uploads,
 * reporting completeness, incidents and the dashboard.  Each handler
 * reads its inputs, checks what the route table could not (an
 * organisation's own data), calls libkiban and replies; what a figure
 * shows a role outside the ministry and the prefecture passes the
 * small-cell rule first (kb_*_disclose).
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/app.h"

/* A CSV download of rows, a withheld figure written as the mark. */
static int rows_csv(struct req *q, json_t *rows, const char *const *cols,
		    const char *filename)
{
	return reply_rows_csv(q, rows, cols, filename, kb_withheld_mark(q->lang));
}

/* A list as a CSV download (these columns) or a page of JSON. */
static int list_reply(struct req *q, json_t *a, const char *const *cols,
		      const char *file, size_t limit, size_t offset)
{
	if (want_csv(q))
		return rows_csv(q, a, cols, file);
	return reply_page(q, a, 0, limit, offset, 0);
}

/* An optional query argument parsed as a prefecture; -1 and a reply when
 * it is not one. */
static int pref_arg(struct req *q, const struct kb_supply *sup,
		    const char *name, int *pref)
{
	const char *s = arg_get(q, name);
	*pref = 0;
	if (!s)
		return 0;
	if ((*pref = kb_supply_pref(sup, s)) <= 0)
		return reply_bad_arg(
			q,
			KB_TR(q->lang,
			      "%s: '%s' is not a prefecture (a code 1-47 or a name)",
			      "%s: '%s' は都道府県ではありません（1〜47 のコードか名称）"),
			name, s);
	return 0;
}

/* A prefecture, or the nation (0, national), or -1 when absent. */
static int region_arg(struct req *q, const struct kb_supply *sup,
		      const char *name, int *pref)
{
	const char *s = arg_get(q, name);
	*pref = -1;
	if (!s)
		return 0;
	if (!strcmp(s, "0") || !strcmp(s, "national")) {
		*pref = 0;
		return 0;
	}
	return pref_arg(q, sup, name, pref);
}

static int device_arg(struct req *q, const struct kb_supply *sup,
		      const char *code, size_t *d)
{
	*d = KB_NONE;
	if (!code)
		return 0;
	if ((*d = kb_supply_device(sup, code)) == KB_NONE) {
		reply_error(q, 404, "not_found",
			    KB_TR(q->lang, "no device with code '%s'",
				  "コード '%s' の機器はありません"),
			    code);
		return -1;
	}
	return 0;
}

static int week_arg(struct req *q, const char *name, int *week)
{
	const char *s = arg_get(q, name);
	*week = -1;
	if (s && kb_week_parse(s, week))
		return reply_bad_arg(
			q,
			KB_TR(q->lang,
			      "%s: '%s' is not a week (2026-11-16 or 2026-W47)",
			      "%s: '%s' は週ではありません（2026-11-16 または 2026-W47）"),
			name, s);
	return 0;
}

/* ---- devices, chains ---- */

int api_devices(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	const char *ess = arg_get(q, "essential");
	int only = ess && (!strcmp(ess, "true") || !strcmp(ess, "1"));
	static const char *const cols[] = { "code",    "name_ja",   "name_en",
					    "class",   "category",  "unit_ja",
					    "unit_en", "essential", "criteria",
					    "score",   "reasons",   NULL };
	size_t limit, offset, i;
	json_t *a;
	if (page_args(q, &limit, &offset)) {
		srv_registry_put(q->srv, g);
		return HANDLED;
	}
	a = json_array();
	for (i = 0; i < g->sup.ndevices; i++)
		if (!only || g->sup.devices[i].essential)
			json_array_append_new(
				a, kb_device_to_json(&g->sup.devices[i]));
	srv_registry_put(q->srv, g);
	return list_reply(q, a, cols, "devices.csv", limit, offset);
}

int api_device(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_designation *hist = NULL;
	size_t nhist = 0, d, i;
	json_t *j, *a;
	int r;
	if (device_arg(q, &g->sup, q->arg[0], &d)) {
		srv_registry_put(q->srv, g);
		return HANDLED;
	}
	if ((r = kb_device_history(q->s, q->arg[0], &hist, &nhist, &q->err))) {
		srv_registry_put(q->srv, g);
		return reply_kb_error(q, r);
	}
	j = kb_device_to_json(&g->sup.devices[d]);
	a = json_array();
	for (i = 0; i < nhist; i++)
		json_array_append_new(
			a, json_pack("{s:b, s:s, s:s, s:s}", "essential",
				     hist[i].essential, "at", hist[i].at, "by",
				     hist[i].by, "reason", hist[i].reason));
	json_object_set_new(j, "designations", a);
	kb_designations_free(hist, nhist);
	srv_registry_put(q->srv, g);
	return reply_json(q, 200, j);
}

static json_t *chain_tree(const struct kb_chain *ch,
			  const struct kb_supply *sup, size_t i, int depth)
{
	json_t *j = json_pack("{s:s}", "item", ch->item[i]),
	       *src = json_array(), *in = json_array();
	size_t k;
	for (k = ch->src_off[i]; k < ch->src_off[i + 1]; k++) {
		const struct kb_site *s = &sup->sites[ch->src_site[k]];
		json_array_append_new(
			src, json_pack("{s:s, s:s, s:s, s:s, s:f}", "site",
				       s->id, "supplier", sup->orgs[s->org].id,
				       "country", s->country, "region",
				       s->region, "share", ch->src_share[k]));
	}
	if (depth < 8)
		for (k = ch->in_off[i]; k < ch->in_off[i + 1]; k++)
			json_array_append_new(
				in, chain_tree(ch, sup, ch->in[k], depth + 1));
	json_object_set_new(j, "sources", src);
	json_object_set_new(j, "inputs", in);
	return j;
}

int api_chain(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_chain ch;
	struct kb_chain_risk k;
	size_t item;
	int r;
	memset(&ch, 0, sizeof(ch));
	memset(&k, 0, sizeof(k));
	if ((r = kb_chain_load(q->s, &g->sup, &ch, &q->err))) {
		r = reply_kb_error(q, r);
	} else if ((item = kb_chain_item(&ch, q->arg[0])) == KB_NONE) {
		r = reply_error(
			q, 404, "not_found",
			KB_TR(q->lang, "'%s' is not in the supply-chain map",
			      "'%s' はサプライチェーンの地図にありません"),
			q->arg[0]);
	} else {
		json_t *j = chain_tree(&ch, &g->sup, item, 0);
		kb_chain_risk(&ch, &g->sup, item, &k);
		json_object_set_new(j, "risk", kb_chain_risk_to_json(&ch, &k));
		q->status = 200;
		audit(q, "read", q->arg[0]); /* the map is confidential */
		r = reply_json(q, 200, j);
	}
	free(k.top_country);
	kb_chain_release(&ch);
	srv_registry_put(q->srv, g);
	return r;
}

/* ---- supply status, alerts ---- */

int api_status(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_status_query sq = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
	struct kb_supply_status st;
	const char *fac = arg_get(q, "facility"), *dev = arg_get(q, "device");
	json_t *a;
	size_t i;
	int r = HANDLED;

	memset(&st, 0, sizeof(st));
	if (week_arg(q, "week", &sq.week) ||
	    pref_arg(q, &g->sup, "pref", &sq.pref) ||
	    device_arg(q, &g->sup, dev, &sq.device))
		goto out;
	if (fac) {
		size_t o = kb_supply_org(&g->sup, fac);
		if (o == KB_NONE || g->sup.orgs[o].kind != KB_ORG_HOSPITAL) {
			r = reply_error(q, 404, "not_found",
					KB_TR(q->lang, "no hospital with id '%s'",
					      "ID '%s' の病院はありません"),
					fac);
			goto out;
		}
		if (!kb_allowed(&q->p, KB_PERM_SUPPLY_FACILITY,
				g->sup.orgs[o].n, g->sup.orgs[o].pref)) {
			r = reply_error(
				q, 403, "forbidden",
				KB_TR(q->lang,
				      "this account may not see the figures of '%s'",
				      "このアカウントは '%s' の数値を見られません"),
				fac);
			audit(q, "denied", fac);
			goto out;
		}
		sq.scope = KB_SCOPE_FACILITY;
		sq.facility = o;
	} else if (sq.device != KB_NONE) {
		sq.scope = KB_SCOPE_BY_PREF;
	} else if (sq.pref) {
		sq.scope = KB_SCOPE_PREF;
	}
	/* small cells withheld from those outside the ministry and the
	 * prefecture itself, and manufacturers' below 3 companies */
	if ((r = kb_supply_status(q->s, &g->sup, &sq, &st, &q->err)) ||
	    (r = kb_supply_status_disclose(q->s, &g->sup, &q->p, &st, &q->err))) {
		r = reply_kb_error(q, r);
		goto out;
	}
	a = json_array();
	for (i = 0; i < st.n; i++)
		json_array_append_new(a,
				      kb_status_row_to_json(&g->sup, st.week,
							    &st.v[i], q->lang));
	if (want_csv(q)) {
		static const char *const cols[] = { "week",
						    "device",
						    "prefecture",
						    "facilities",
						    "stock",
						    "consumption",
						    "expected_daily_use",
						    "days_of_supply",
						    "status",
						    "stockout_facilities",
						    "stockout_days",
						    "supply",
						    "shipments",
						    "suppressed_reason",
						    "supply_suppressed_reason",
						    "level",
						    "signal",
						    "reason",
						    NULL };
		r = rows_csv(q, a, cols, "status.csv");
	} else {
		r = reply_json(q, 200, a);
	}
out:
	kb_supply_status_release(&st);
	srv_registry_put(q->srv, g);
	return r;
}

/* What a list of signals or alerts is asked for: a page of it, the weeks
 * (week, from), a device and a region (pref). */
struct watch {
	size_t limit, offset, device;
	int from, week, pref;
};

/* -1 with a reply sent when an argument is wrong. */
static int watch_args(struct req *q, const struct kb_supply *sup, struct watch *w)
{
	w->pref = -1;
	w->device = KB_NONE;
	return page_args(q, &w->limit, &w->offset) ||
			       week_arg(q, "week", &w->week) ||
			       week_arg(q, "from", &w->from) ||
			       device_arg(q, sup, arg_get(q, "device"),
					  &w->device) ||
			       region_arg(q, sup, "pref", &w->pref)
		       ? -1
		       : 0;
}

/* Signals: the alerts of each problem grouped (kb_supply_signals), open
 * ones by default, or all of a range with from; evidence=1 adds the
 * alerts behind each, disclosed as the alerts route discloses them. */
int api_signals(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_signals sg;
	const char *state = arg_get(q, "state"), *cs = arg_get(q, "cause");
	const char *evs = arg_get(q, "evidence");
	static const char *const cols[] = {
		"key",	      "state",	    "cause",  "device",	  "onset",
		"latest",     "closed",	    "peak",   "severity", "trend",
		"facilities", "population", "alerts", "reason",	  NULL
	};
	struct watch w;
	size_t i;
	int cause = -1, r = HANDLED;
	json_t *a;

	memset(&sg, 0, sizeof(sg));
	if (watch_args(q, &g->sup, &w))
		goto out;
	if (cs && (cause = kb_signal_cause_parse(cs)) < 0) {
		r = reply_error(
			q, 400, "bad_request",
			KB_TR(q->lang,
			      "cause: '%s' is not stock, supply, demand or reporting",
			      "cause: '%s' は stock, supply, demand, reporting のいずれでもありません"),
			cs);
		goto out;
	}
	if (!state)
		state = w.from < 0 ? "open" : "all";
	if (strcmp(state, "open") && strcmp(state, "closed") &&
	    strcmp(state, "all")) {
		r = reply_error(
			q, 400, "bad_request",
			KB_TR(q->lang, "state: '%s' is not open, closed or all",
			      "state: '%s' は open, closed, all のいずれでもありません"),
			state);
		goto out;
	}
	if ((r = kb_supply_signals(q->s, &g->sup, w.from, w.week, &sg, &q->err)) ||
	    (r = kb_alerts_disclose(q->s, &g->sup, &q->p, &sg.alerts, &q->err))) {
		r = reply_kb_error(q, r);
		goto out;
	}
	a = json_array();
	for (i = 0; i < sg.n; i++) {
		const struct kb_signal *x = &sg.v[i];
		if ((w.pref >= 0 && !kb_signal_reaches(x, w.pref)) ||
		    (w.device != KB_NONE && x->device != w.device) ||
		    (cause >= 0 && (int)x->cause != cause) ||
		    (!strcmp(state, "open") && x->closed >= 0) ||
		    (!strcmp(state, "closed") && x->closed < 0))
			continue;
		json_array_append_new(
			a, kb_signal_to_json(x, &sg, &g->sup, q->lang,
					     evs && !strcmp(evs, "1")));
	}
	r = list_reply(q, a, cols, "signals.csv", w.limit, w.offset);
out:
	kb_signals_release(&sg);
	srv_registry_put(q->srv, g);
	return r;
}

int api_alerts(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_alerts al;
	const char *sev = arg_get(q, "severity");
	static const char *const cols[] = {
		"key",	"severity", "rule",	 "device", "prefecture",
		"week", "value",    "threshold", "reason", "suppressed_reason",
		NULL
	};
	struct watch w;
	size_t i;
	int min = KB_SEV_INFO, r = HANDLED;
	json_t *a;

	memset(&al, 0, sizeof(al));
	if (watch_args(q, &g->sup, &w))
		goto out;
	if (sev) {
		for (min = KB_SEV_INFO; min <= KB_SEV_CRITICAL; min++)
			if (!strcmp(sev, kb_severity_key(min)))
				break;
		if (min > KB_SEV_CRITICAL) {
			r = reply_error(
				q, 400, "bad_request",
				KB_TR(q->lang,
				      "severity: '%s' is not info, warning or critical",
				      "severity: '%s' は info, warning, critical のいずれでもありません"),
				sev);
			goto out;
		}
	}
	if ((r = kb_supply_alerts(q->s, &g->sup, w.from, w.week, &al, &q->err)) ||
	    (r = kb_alerts_disclose(q->s, &g->sup, &q->p, &al, &q->err))) {
		r = reply_kb_error(q, r);
		goto out;
	}
	a = json_array();
	for (i = 0; i < al.n; i++) {
		const struct kb_alert *x = &al.v[i];
		if ((int)x->severity < min ||
		    (w.device != KB_NONE && x->device != w.device) ||
		    (w.pref >= 0 && x->pref != w.pref))
			continue;
		json_array_append_new(a, kb_alert_to_json(&g->sup, x, q->lang));
	}
	r = list_reply(q, a, cols, "alerts.csv", w.limit, w.offset);
out:
	kb_alerts_release(&al);
	srv_registry_put(q->srv, g);
	return r;
}

/* ---- reports ---- */

/* The reply to an upload, once written. */
static int upload_done(struct req *q, int rc, const struct kb_import_stats *st)
{
	if (rc)
		return reply_kb_error(q, rc);
	return reply_json(q, st->added || st->changed ? 201 : 200,
			  json_pack("{s:s, s:i, s:i, s:i, s:i}", "status",
				    "accepted", "rows", (int)st->rows, "added",
				    (int)st->added, "changed", (int)st->changed,
				    "unchanged", (int)st->unchanged));
}

static int upload(struct req *q, int production)
{
	const char *ct = header_get(q, "Content-Type");
	if (!may_upload(q)) {
		int r = reply_error(
			q, 403, "forbidden",
			KB_TR(q->lang, "a %s account may not submit reports",
			      "%sのアカウントは報告を提出できません"),
			kb_role_label(q->p.role, q->lang));
		audit(q, "denied", "report_upload");
		return r;
	}
	if (ct && strncasecmp(ct, "text/csv", 8) &&
	    strncasecmp(ct, "application/json", 16) &&
	    strncasecmp(ct, "text/plain", 10))
		return reply_error(
			q, 415, "unsupported_type",
			KB_TR(q->lang,
			      "send the report as text/csv or application/json, not %s",
			      "報告は text/csv か application/json で送ってください（%s は不可）"),
			ct);
	if (!q->body.len)
		return reply_error(q, 422, "invalid", "%s",
				   KB_TR(q->lang,
					 "the request has no report in its body",
					 "リクエストの本文に報告がありません"));
	upload_submit(q, production, upload_done);
	return HANDLED;
}

int api_upload_stock(struct req *q)
{
	return upload(q, 0);
}

int api_upload_production(struct req *q)
{
	return upload(q, 1);
}

static const char *const report_cols[] = {
	"id",	 "kind",	 "org",		 "week", "version",
	"lines", "submitted_at", "submitted_by", "late", NULL
};

int api_reports(struct req *q)
{
	struct kb_report_query rq = { arg_get(q, "org"), 0, -1, 0, 100, 0 };
	struct registry *g = srv_registry(q->srv);
	const char *late = arg_get(q, "late");
	json_t *a;
	size_t total;
	int r = HANDLED;

	if (page_args(q, &rq.limit, &rq.offset) || week_arg(q, "week", &rq.week) ||
	    pref_arg(q, &g->sup, "pref", &rq.pref))
		goto out;
	rq.late = late && (!strcmp(late, "true") || !strcmp(late, "1"));
	/* a hospital or company sees its own; a prefecture its own hospitals */
	if (!kb_allowed(&q->p, KB_PERM_SUPPLY_FACILITY, 0, 0)) {
		if (q->p.org) {
			rq.org = q->p.org_id;
		} else if (q->p.prefecture) {
			rq.pref = q->p.prefecture;
		} else {
			r = reply_error(
				q, 403, "forbidden", "%s",
				KB_TR(q->lang, "this account may not see reports",
				      "このアカウントは報告を見られません"));
			goto out;
		}
		if (arg_get(q, "org") && strcmp(arg_get(q, "org"), q->p.org_id)) {
			size_t o = kb_supply_org(&g->sup, arg_get(q, "org"));
			if (o == KB_NONE ||
			    !kb_allowed(&q->p, KB_PERM_SUPPLY_FACILITY,
					g->sup.orgs[o].n, g->sup.orgs[o].pref)) {
				r = reply_error(
					q, 403, "forbidden",
					KB_TR(q->lang,
					      "this account may not see the reports of '%s'",
					      "このアカウントは '%s' の報告を見られません"),
					arg_get(q, "org"));
				audit(q, "denied", arg_get(q, "org"));
				goto out;
			}
			rq.org = arg_get(q, "org");
		}
	}
	if (want_csv(q)) { /* a download holds every report */
		rq.limit = (size_t)-1 >> 1;
		rq.offset = 0;
	}
	if ((r = kb_reports_list(q->s, &rq, &a, &total, &q->err)))
		r = reply_kb_error(q, r);
	else if (want_csv(q))
		r = rows_csv(q, a, report_cols, "reports.csv");
	else
		r = reply_page(q, a, total, rq.limit, rq.offset, 1);
out:
	srv_registry_put(q->srv, g);
	return r;
}

/* ---- reporting completeness ---- */

/* ?completeness=PCT: this request's threshold of a complete week; -1 (the
 * stored one) when absent, -2 and a reply when it is not a percentage. */
static double threshold_arg(struct req *q)
{
	const char *s = arg_get(q, "completeness");
	char *end;
	double v;
	if (!s)
		return -1;
	v = strtod(s, &end);
	if (end == s || *end || !(v >= 0 && v <= 100)) {
		reply_bad_arg(
			q,
			KB_TR(q->lang,
			      "completeness: '%s' is not a percentage from 0 to 100",
			      "completeness: '%s' は 0〜100 のパーセントではありません"),
			s);
		return -2;
	}
	return v;
}

/* Counts of hospitals reporting, for every account that sees the public
 * aggregates: nationally, by prefecture, by device nationally; by device
 * within a prefecture only for those who see its small cells (the
 * ministry, the prefecture itself), as a device's count in a prefecture
 * can be one hospital. */
int api_completeness(struct req *q)
{
	static const char *const cols[] = {
		"week",	   "prefecture", "device",	 "expected", "reported",
		"on_time", "rate",	 "on_time_rate", NULL
	};
	struct registry *g = srv_registry(q->srv);
	struct kb_compl_query cq = { -1, -1, 0, KB_COMPL_TOTAL };
	struct kb_compl_table t = { 0 };
	struct kb_report_weeks rw;
	const char *by = arg_get(q, "by");
	double threshold;
	json_t *j, *a;
	size_t i;
	int r = HANDLED;

	memset(&rw, 0, sizeof(rw));
	if (week_arg(q, "week", &cq.to) || week_arg(q, "from", &cq.from) ||
	    pref_arg(q, &g->sup, "pref", &cq.pref) ||
	    (threshold = threshold_arg(q)) < -1)
		goto out;
	if (by && !strcmp(by, "pref")) {
		cq.by = KB_COMPL_BY_PREF;
	} else if (by && !strcmp(by, "device")) {
		cq.by = KB_COMPL_BY_DEVICE;
	} else if (by) {
		r = reply_error(
			q, 400, "bad_request",
			KB_TR(q->lang, "by: '%s' is neither 'pref' nor 'device'",
			      "by: '%s' は 'pref' でも 'device' でもありません"),
			by);
		goto out;
	}
	if (cq.by == KB_COMPL_BY_PREF && cq.pref) {
		r = reply_error(
			q, 400, "bad_request", "%s",
			KB_TR(q->lang, "by=pref is national: give no pref",
			      "by=pref は全国についてです（pref は指定できません）"));
		goto out;
	}
	if (cq.by == KB_COMPL_BY_DEVICE && cq.pref &&
	    !kb_allowed(&q->p, KB_PERM_SUPPLY_SMALL_CELLS, 0, cq.pref)) {
		r = reply_denied(
			q, "completeness by device",
			KB_TR(q->lang,
			      "this account sees the completeness of a prefecture's devices only for its own prefecture",
			      "都道府県の機器別の報告率は、その都道府県のアカウント（と国）だけが見られます"));
		goto out;
	}
	if ((r = kb_report_weeks(q->s, threshold, &rw, &q->err))) {
		r = reply_kb_error(q, r);
		goto out;
	}
	if (cq.to < 0) {
		cq.to = rw.shown.week;
		if (cq.from > cq.to && cq.to >= 0)
			cq.to = cq.from;
	}
	if ((r = kb_completeness(q->s, &g->sup, &cq, &t, &q->err))) {
		r = reply_kb_error(q, r);
		goto out;
	}
	a = json_array();
	for (i = 0; i < t.n; i++)
		json_array_append_new(a, kb_compl_to_json(&g->sup, &t.v[i]));
	if (want_csv(q)) {
		r = rows_csv(q, a, cols, "completeness.csv");
	} else {
		j = kb_report_weeks_to_json(&rw);
		json_object_set_new(j, "rows", a);
		r = reply_json(q, 200, j);
	}
out:
	kb_compl_table_release(&t);
	kb_report_weeks_release(&rw);
	srv_registry_put(q->srv, g);
	return r;
}

/* The hospitals that have not reported a week: a prefecture's own (its
 * hospitals report to it), every one for the ministry; nobody else sees
 * another hospital's name. */
int api_missing(struct req *q)
{
	static const char *const cols[] = { "facility",	   "name_ja",
					    "name_en",	   "prefecture",
					    "last_report", "silent_weeks",
					    NULL };
	struct registry *g = srv_registry(q->srv);
	struct kb_missing_list m = { 0 };
	size_t limit, offset, i;
	double threshold;
	int week, pref, r = HANDLED;
	char wk[16];
	json_t *a;

	if (page_args(q, &limit, &offset) || week_arg(q, "week", &week) ||
	    pref_arg(q, &g->sup, "pref", &pref) ||
	    (threshold = threshold_arg(q)) < -1)
		goto out;
	if (!arg_get(q, "pref") &&
	    !kb_allowed(&q->p, KB_PERM_SUPPLY_FACILITY, 0, 0))
		pref = q->p.prefecture; /* a prefecture: its own by default */
	if (!kb_allowed(&q->p, KB_PERM_SUPPLY_FACILITY, 0, pref) ||
	    (!pref && !kb_allowed(&q->p, KB_PERM_SUPPLY_FACILITY, 0, 0))) {
		r = reply_denied(
			q, "missing reports",
			KB_TR(q->lang,
			      "this account may not see which hospitals have not reported (a prefecture sees its own)",
			      "このアカウントは報告のない病院を見られません（都道府県は自らの病院を見られます）"));
		goto out;
	}
	if (week < 0 && threshold >= 0 &&
	    (week = kb_supply_shown_week(q->s, threshold, &q->err)) < -1) {
		r = reply_kb_error(q, week);
		goto out;
	}
	if ((r = kb_missing_reports(q->s, &g->sup, week, pref, &m, &q->err))) {
		r = reply_kb_error(q, r);
		goto out;
	}
	q->status = 200;
	audit(q, "read",
	      pref ? "missing reports of a prefecture" : "missing reports");
	a = json_array();
	if (want_csv(q)) {
		for (i = 0; i < m.n; i++)
			json_array_append_new(
				a, kb_missing_to_json(&g->sup, &m.v[i]));
		r = rows_csv(q, a, cols, "missing.csv");
		goto out;
	}
	for (i = offset; i < m.n && i < offset + limit; i++)
		json_array_append_new(a, kb_missing_to_json(&g->sup, &m.v[i]));
	kb_week_format(m.week, wk);
	r = reply_json(q, 200,
		       json_pack("{s:s, s:i, s:i, s:o, s:i, s:i, s:i}", "week",
				 wk, "prefecture", pref, "expected", m.expected,
				 "items", a, "total", (json_int_t)m.n, "limit",
				 (json_int_t)limit, "offset", (json_int_t)offset));
out:
	kb_missing_list_release(&m);
	srv_registry_put(q->srv, g);
	return r;
}

/* ---- incidents ---- */

int api_incidents(struct req *q)
{
	struct kb_incidents v = { 0 };
	const char *state = arg_get(q, "state");
	size_t limit, offset, i;
	json_t *a;
	int r;
	if (page_args(q, &limit, &offset))
		return HANDLED;
	if ((r = kb_incident_load(q->s, 0, &v, &q->err)))
		return reply_kb_error(q, r);
	a = json_array();
	for (i = 0; i < v.n; i++) {
		const struct kb_incident *x = &v.v[i];
		if (state && !strcmp(state, "open") && x->state == KB_INC_RESOLVED)
			continue;
		if (state && strcmp(state, "open") &&
		    strcmp(state, kb_incident_state_key(x->state)))
			continue;
		json_array_append_new(a, kb_incident_to_json(x));
	}
	kb_incidents_release(&v);
	return reply_page(q, a, 0, limit, offset, 0);
}

static int incident_reply(struct req *q, int status)
{
	struct kb_incidents v = { 0 };
	long id = id_arg(q->arg[0]);
	int r;
	if (!id || (r = kb_incident_load(q->s, id, &v, &q->err)) || !v.n) {
		kb_incidents_release(&v);
		kb_err_clear(&q->err);
		return reply_error(q, 404, "not_found",
				   KB_TR(q->lang, "no incident %s",
					 "事案 %s はありません"),
				   q->arg[0]);
	}
	r = reply_json(q, status, kb_incident_to_json(&v.v[0]));
	kb_incidents_release(&v);
	return r;
}

int api_incident(struct req *q)
{
	return incident_reply(q, 200);
}

int api_incident_post(struct req *q)
{
	long id;
	const char *dev = form_get(q, "device");
	if (!incident_open(q, dev && *dev ? dev : NULL, form_get(q, "title"),
			   form_get(q, "cause"), form_get(q, "note"),
			   form_get(q, "prefectures"), &id))
		return HANDLED;
	return reply_json(q, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

int api_incident_event(struct req *q)
{
	if (!incident_event(q, form_get(q, "kind"), form_get(q, "text"),
			    form_get(q, "state")))
		return HANDLED;
	return incident_reply(q, 201);
}

/* ---- the dashboard ---- */

/*
 * The dashboard is the same for every account (public aggregates only),
 * so it is built once and the same response is sent until the server
 * writes something, or for 5 seconds at most (the command may write to
 * the database meanwhile).
 */
int api_dashboard(struct req *q)
{
	struct shared *a = shared_of(q->srv);
	return reply_memo(q, &a->dash[q->lang == KB_LANG_EN], 5.0,
			  dashboard_json);
}
