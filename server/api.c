/*
 * api.c - the JSON API under /api/v1/: sessions, the plan, KPIs and their
 * figures, evaluations, devices, the chain map, supply status, alerts,
 * reports, incidents, the dashboard and the audit log.  Each handler reads
 * its inputs, checks what the route table could not (an organisation's
 * own data), calls libkiban and replies; docs/openapi.json documents them.
 */
#include "core/compat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "kiban/eval.h"
#include "kiban/kpi.h"
#include "kiban/plan.h"
#include "server/server.h"

/* ---- small helpers ---- */

static int fail(struct req *q, int rc)
{
	return reply_kb_error(q, rc);
}

/* A CSV download of rows, a withheld figure written as the mark. */
static int rows_csv(struct req *q, json_t *rows, const char *const *cols,
		    const char *filename)
{
	return reply_rows_csv(q, rows, cols, filename, kb_withheld_mark(q->lang));
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
	if ((*pref = kb_supply_pref(sup, s)) <= 0) {
		reply_error(
			q, 400, "bad_request",
			KB_TR(q->lang,
			      "%s: '%s' is not a prefecture (a code 1-47 or a name)",
			      "%s: '%s' は都道府県ではありません（1〜47 のコードか名称）"),
			name, s);
		return -1;
	}
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
	if (s && kb_week_parse(s, week)) {
		reply_error(
			q, 400, "bad_request",
			KB_TR(q->lang,
			      "%s: '%s' is not a week (2026-11-16 or 2026-W47)",
			      "%s: '%s' は週ではありません（2026-11-16 または 2026-W47）"),
			name, s);
		return -1;
	}
	return 0;
}

static json_t *principal_json(const struct kb_principal *p, const char *csrf)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "login", p->login, "name",
			      p->name, "role", kb_role_key(p->role), "lang",
			      p->lang == KB_LANG_EN ? "en" : "ja");
	if (*p->ministry)
		json_object_set_new(j, "ministry", json_string(p->ministry));
	if (p->prefecture)
		json_object_set_new(j, "prefecture", json_integer(p->prefecture));
	if (*p->org_id)
		json_object_set_new(j, "org", json_string(p->org_id));
	if (csrf && *csrf)
		json_object_set_new(j, "csrf", json_string(csrf));
	return j;
}

/* ---- sessions ---- */

static int api_login(struct req *q)
{
	if (srv_login(q, form_get(q, "login"), form_get(q, "password")))
		return MHD_YES;
	if (q->answered)
		return MHD_YES;
	return reply_json(q, 200, principal_json(&q->p, q->csrf));
}

static int api_me(struct req *q)
{
	return reply_json(
		q, 200, principal_json(&q->p, q->cookie_auth ? q->csrf : NULL));
}

static int api_logout(struct req *q)
{
	int r = srv_logout(q);
	if (r)
		return fail(q, r);
	return reply_json(q, 200, json_pack("{s:s}", "status", "signed out"));
}

/* ---- the plan, KPIs, evaluations ---- */

static int api_plan(struct req *q)
{
	struct kb_plan p;
	int r;
	kb_plan_init(&p);
	if ((r = kb_plan_load(q->s, NULL, &p, &q->err))) {
		kb_plan_release(&p);
		return fail(q, r);
	}
	r = reply_json(q, 200, kb_plan_to_json(&p));
	kb_plan_release(&p);
	return r;
}

static json_t *kpi_json(const struct kb_kpi *k, int fy, enum kb_lang L)
{
	json_t *j = kb_kpi_to_json(k);
	struct kb_kpi_eval e;
	struct kb_buf why = KB_BUF_INIT;
	kb_kpi_evaluate(k, fy, KB_RULE_DEFAULT, &e);
	kb_kpi_eval_explain(k, &e, L, &why);
	json_object_set_new(j, "evaluation",
			    json_pack("{s:i, s:s, s:s, s:s}", "fiscal_year", fy,
				      "status", kb_status_key(e.status),
				      "label", kb_status_label(e.status, L),
				      "explanation", why.buf ? why.buf : ""));
	kb_buf_release(&why);
	return j;
}

static int fy_arg(struct req *q, int *fy)
{
	const char *s = arg_get(q, "year");
	*fy = kb_fy_last_complete(srv_now(q->srv));
	if (s && kb_fy_parse(s, fy)) {
		reply_error(q, 400, "bad_request",
			    KB_TR(q->lang, "year: '%s' is not a fiscal year",
				  "year: '%s' は年度ではありません"),
			    s);
		return -1;
	}
	return 0;
}

static int api_kpis(struct req *q)
{
	struct kb_kpiset set = { 0 };
	const char *goal = arg_get(q, "goal"), *measure = arg_get(q, "measure");
	size_t limit, offset, i;
	json_t *a;
	int r, fy;
	if (page_args(q, &limit, &offset) || fy_arg(q, &fy))
		return MHD_YES;
	if ((r = kb_kpi_load(q->s, &set, &q->err)))
		return fail(q, r);
	if (want_csv(q)) {
		struct kb_buf out = KB_BUF_INIT;
		kb_kpi_write_csv(&set, &out, 1);
		kb_kpiset_release(&set);
		return reply_csv(q, &out, "kpis.csv");
	}
	a = json_array();
	for (i = 0; i < set.n; i++) {
		const struct kb_kpi *k = &set.v[i];
		if ((goal && (!k->goal_id || strcmp(goal, k->goal_id))) ||
		    (measure &&
		     (!k->measure_id || strcmp(measure, k->measure_id))))
			continue;
		json_array_append_new(a, kpi_json(k, fy, q->lang));
	}
	kb_kpiset_release(&set);
	return reply_page(q, a, 0, limit, offset, 0);
}

/* The KPI named by the route's {}, loaded into set; NULL and a reply. */
static const struct kb_kpi *find_kpi(struct req *q, struct kb_kpiset *set,
				     const char *id)
{
	size_t i;
	int r;
	if ((r = kb_kpi_load(q->s, set, &q->err))) {
		fail(q, r);
		return NULL;
	}
	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].id, id))
			return &set->v[i];
	reply_error(q, 404, "not_found",
		    KB_TR(q->lang, "no KPI with id '%s'",
			  "ID '%s' の KPI はありません"),
		    id);
	return NULL;
}

static int api_kpi(struct req *q)
{
	struct kb_kpiset set = { 0 };
	const struct kb_kpi *k;
	int r, fy;
	if (fy_arg(q, &fy))
		return MHD_YES;
	if (!(k = find_kpi(q, &set, q->arg[0])))
		r = MHD_YES;
	else
		r = reply_json(q, 200, kpi_json(k, fy, q->lang));
	kb_kpiset_release(&set);
	return r;
}

static int api_kpi_values(struct req *q)
{
	struct kb_kpiset set = { 0 };
	const struct kb_kpi *k;
	int r;
	if (!(k = find_kpi(q, &set, q->arg[0]))) {
		r = MHD_YES;
	} else if (want_csv(q)) {
		struct kb_buf out = KB_BUF_INIT;
		kb_obs_write_csv(&set, k->id, &out, 1);
		r = reply_csv(q, &out, "values.csv");
	} else {
		json_t *a = json_array();
		size_t i;
		for (i = 0; i < k->nobs; i++) {
			const struct kb_obs *o = &k->obs[i];
			json_array_append_new(
				a,
				json_pack("{s:i, s:o, s:s?, s:s?, s:s?, s:s?}",
					  "fiscal_year", o->fy, "value",
					  o->missing ? json_null()
						     : json_real(o->value),
					  "source", o->source, "comment",
					  o->comment, "entered_by", o->entered_by,
					  "entered_at", o->entered_at));
		}
		r = reply_json(q, 200, a);
	}
	kb_kpiset_release(&set);
	return r;
}

/* May q's account enter figures for KPI k?  Staff: KPIs under a goal or
 * measure where their ministry has an action. */
static int may_write_kpi(struct req *q, const struct kb_kpi *k)
{
	struct kb_plan p;
	int ok;
	if (!kb_allowed(&q->p, KB_PERM_KPI_WRITE, 0, 0))
		return 0;
	if (q->p.role != KB_ROLE_STAFF)
		return 1;
	kb_plan_init(&p);
	ok = !kb_plan_load(q->s, NULL, &p, &q->err) &&
	     kb_plan_ministry_in(&p, k->goal_id, k->measure_id, q->p.ministry);
	kb_err_clear(&q->err);
	kb_plan_release(&p);
	return ok;
}

/* Enters one figure; the reply is 0 and nothing sent on success. */
int srv_kpi_value(struct req *q, const char *kpi, const char *year,
		  const char *value, const char *source, const char *comment)
{
	struct kb_kpiset set = { 0 };
	const struct kb_kpi *k;
	double v = 0;
	int fy = 0, missing = 0, r = 0;

	if (!(k = find_kpi(q, &set, kpi)))
		goto out;
	if (!may_write_kpi(q, k)) {
		r = reply_error(q, 403, "forbidden",
				KB_TR(q->lang,
				      "this account may not enter figures for %s",
				      "このアカウントは %s の値を入力できません"),
				k->id);
		audit(q, "denied", k->id);
		goto out;
	}
	if (!year || kb_fy_parse(year, &fy))
		kb_err_at(
			&q->err, KB_EINVALID, NULL, 0, 0, "fiscal_year",
			KB_TR(q->lang,
			      "'%s' is not a fiscal year (2025, FY2025, 令和7年度)",
			      "'%s' は年度ではありません（2025、FY2025、令和7年度）"),
			year ? year : "");
	if (!value || !*value || !strcmp(value, "NA") || !strcmp(value, "欠測"))
		missing = 1;
	else if (kb_parse_number(value, &v))
		kb_err_at(&q->err, KB_EINVALID, NULL, 0, 0, "value",
			  KB_TR(q->lang,
				"'%s' is not a number (or NA when the figure is not available)",
				"'%s' は数値ではありません（値がない場合は NA）"),
			  value);
	if (q->err.n) {
		r = q->route->flags & R_PAGE ? page_kpi_invalid(q)
					     : fail(q, KB_EINVALID);
		goto out;
	}
	if ((r = kb_obs_set(q->s, k->id, fy, missing, v, source, comment,
			    q->p.login, srv_now(q->srv), &q->err))) {
		r = fail(q, r);
		goto out;
	}
	{
		char d[96];
		snprintf(d, sizeof(d), "%s FY%d = %s", k->id, fy,
			 missing ? "NA" : value);
		srv_wrote(q, 200, d);
	}
out:
	kb_kpiset_release(&set);
	return q->answered ? -1 : 0;
}

static int api_kpi_value_post(struct req *q)
{
	const char *year = form_get(q, "fiscal_year"),
		   *value = form_get(q, "value");
	if (srv_kpi_value(q, q->arg[0], year ? year : "", value ? value : "",
			  form_get(q, "source"), form_get(q, "comment")))
		return MHD_YES;
	return reply_json(q, 201,
			  json_pack("{s:s, s:s, s:s}", "kpi", q->arg[0],
				    "fiscal_year", year ? year : "", "value",
				    value ? value : ""));
}

static int api_evaluations(struct req *q)
{
	struct kb_eval_info *v = NULL;
	size_t n = 0, i;
	json_t *a;
	int r;
	if ((r = kb_eval_list(q->s, &v, &n, &q->err)))
		return fail(q, r);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(
			a, json_pack("{s:i, s:i, s:s?, s:s?, s:s?, s:s?}",
				     "fiscal_year", v[i].fy, "version",
				     v[i].version, "rule", v[i].rule,
				     "frozen_at", v[i].frozen_at, "frozen_by",
				     v[i].frozen_by, "note", v[i].note));
	kb_eval_infos_free(v, n);
	return reply_json(q, 200, a);
}

static int api_evaluation(struct req *q)
{
	struct kb_eval ev;
	int fy, r;
	if (kb_fy_parse(q->arg[0], &fy))
		return reply_error(q, 404, "not_found",
				   KB_TR(q->lang, "'%s' is not a fiscal year",
					 "'%s' は年度ではありません"),
				   q->arg[0]);
	kb_eval_init(&ev);
	if ((r = kb_eval_open(q->s, NULL, fy, KB_RULE_DEFAULT, srv_now(q->srv),
			      &ev, &q->err)))
		r = fail(q, r);
	else
		r = reply_json(q, 200, kb_eval_to_json(&ev));
	kb_eval_release(&ev);
	return r;
}

/* ---- devices, chains ---- */

static int api_devices(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	const char *ess = arg_get(q, "essential");
	int only = ess && (!strcmp(ess, "true") || !strcmp(ess, "1"));
	size_t limit, offset, i;
	json_t *a;
	if (page_args(q, &limit, &offset)) {
		srv_registry_put(q->srv, g);
		return MHD_YES;
	}
	a = json_array();
	for (i = 0; i < g->sup.ndevices; i++)
		if (!only || g->sup.devices[i].essential)
			json_array_append_new(
				a, kb_device_to_json(&g->sup.devices[i]));
	srv_registry_put(q->srv, g);
	if (want_csv(q)) {
		static const char *const cols[] = {
			"code",	    "name_ja", "name_en", "class",
			"category", "unit_ja", "unit_en", "essential",
			"criteria", "score",   "reasons", NULL
		};
		return rows_csv(q, a, cols, "devices.csv");
	}
	return reply_page(q, a, 0, limit, offset, 0);
}

static int api_device(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_designation *hist = NULL;
	size_t nhist = 0, d, i;
	json_t *j, *a;
	int r;
	if (device_arg(q, &g->sup, q->arg[0], &d)) {
		srv_registry_put(q->srv, g);
		return MHD_YES;
	}
	if ((r = kb_device_history(q->s, q->arg[0], &hist, &nhist, &q->err))) {
		srv_registry_put(q->srv, g);
		return fail(q, r);
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

static int api_chain(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_chain ch;
	struct kb_chain_risk k;
	size_t item;
	int r;
	memset(&ch, 0, sizeof(ch));
	memset(&k, 0, sizeof(k));
	if ((r = kb_chain_load(q->s, &g->sup, &ch, &q->err))) {
		r = fail(q, r);
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

static int api_status(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_status_query sq = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
	struct kb_supply_status st;
	const char *fac = arg_get(q, "facility"), *dev = arg_get(q, "device");
	json_t *a;
	size_t i;
	int r = MHD_YES;

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
		r = fail(q, r);
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

/* Signals: the alerts of each problem grouped (kb_supply_signals), open
 * ones by default, or all of a range with from; evidence=1 adds the
 * alerts behind each, disclosed as the alerts route discloses them. */
static int api_signals(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_signals sg;
	const char *state = arg_get(q, "state"), *cs = arg_get(q, "cause");
	const char *evs = arg_get(q, "evidence");
	size_t limit, offset, i, d = KB_NONE;
	int from, week, pref = -1, cause = -1, r = MHD_YES;
	json_t *a;

	memset(&sg, 0, sizeof(sg));
	if (page_args(q, &limit, &offset) || week_arg(q, "week", &week) ||
	    week_arg(q, "from", &from) ||
	    device_arg(q, &g->sup, arg_get(q, "device"), &d))
		goto out;
	if (region_arg(q, &g->sup, "pref", &pref))
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
		state = from < 0 ? "open" : "all";
	if (strcmp(state, "open") && strcmp(state, "closed") &&
	    strcmp(state, "all")) {
		r = reply_error(
			q, 400, "bad_request",
			KB_TR(q->lang, "state: '%s' is not open, closed or all",
			      "state: '%s' は open, closed, all のいずれでもありません"),
			state);
		goto out;
	}
	if ((r = kb_supply_signals(q->s, &g->sup, from, week, &sg, &q->err)) ||
	    (r = kb_alerts_disclose(q->s, &g->sup, &q->p, &sg.alerts, &q->err))) {
		r = fail(q, r);
		goto out;
	}
	a = json_array();
	for (i = 0; i < sg.n; i++) {
		const struct kb_signal *x = &sg.v[i];
		if ((pref >= 0 && !kb_signal_reaches(x, pref)) ||
		    (d != KB_NONE && x->device != d) ||
		    (cause >= 0 && (int)x->cause != cause) ||
		    (!strcmp(state, "open") && x->closed >= 0) ||
		    (!strcmp(state, "closed") && x->closed < 0))
			continue;
		json_array_append_new(
			a, kb_signal_to_json(x, &sg, &g->sup, q->lang,
					     evs && !strcmp(evs, "1")));
	}
	if (want_csv(q)) {
		static const char *const cols[] = {
			"key",	    "state",  "cause",	    "device",
			"onset",    "latest", "closed",	    "peak",
			"severity", "trend",  "facilities", "population",
			"alerts",   "reason", NULL
		};
		r = rows_csv(q, a, cols, "signals.csv");
	} else {
		r = reply_page(q, a, 0, limit, offset, 0);
	}
out:
	kb_signals_release(&sg);
	srv_registry_put(q->srv, g);
	return r;
}

static int api_alerts(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	struct kb_alerts al;
	const char *sev = arg_get(q, "severity");
	size_t limit, offset, i, d = KB_NONE;
	int from, week, min = KB_SEV_INFO, pref = -1, r = MHD_YES;
	json_t *a;

	memset(&al, 0, sizeof(al));
	if (page_args(q, &limit, &offset) || week_arg(q, "week", &week) ||
	    week_arg(q, "from", &from) ||
	    device_arg(q, &g->sup, arg_get(q, "device"), &d))
		goto out;
	if (region_arg(q, &g->sup, "pref", &pref))
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
	if ((r = kb_supply_alerts(q->s, &g->sup, from, week, &al, &q->err)) ||
	    (r = kb_alerts_disclose(q->s, &g->sup, &q->p, &al, &q->err))) {
		r = fail(q, r);
		goto out;
	}
	a = json_array();
	for (i = 0; i < al.n; i++) {
		const struct kb_alert *x = &al.v[i];
		if ((int)x->severity < min || (d != KB_NONE && x->device != d) ||
		    (pref >= 0 && x->pref != pref))
			continue;
		json_array_append_new(a, kb_alert_to_json(&g->sup, x, q->lang));
	}
	if (want_csv(q)) {
		static const char *const cols[] = {
			"key",	      "severity",
			"rule",	      "device",
			"prefecture", "week",
			"value",      "threshold",
			"reason",     "suppressed_reason",
			NULL
		};
		r = rows_csv(q, a, cols, "alerts.csv");
	} else {
		r = reply_page(q, a, 0, limit, offset, 0);
	}
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
		audit(q, "denied", "report_upload");
		return reply_error(q, 403, "forbidden",
				   KB_TR(q->lang,
					 "a %s account may not submit reports",
					 "%sのアカウントは報告を提出できません"),
				   kb_role_label(q->p.role, q->lang));
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
	return MHD_YES;
}

static int api_upload_stock(struct req *q)
{
	return upload(q, 0);
}

static int api_upload_production(struct req *q)
{
	return upload(q, 1);
}

static const char *const report_cols[] = {
	"id",	 "kind",	 "org",		 "week", "version",
	"lines", "submitted_at", "submitted_by", "late", NULL
};

static int api_reports(struct req *q)
{
	struct kb_report_query rq = { arg_get(q, "org"), 0, -1, 0, 100, 0 };
	struct registry *g = srv_registry(q->srv);
	const char *late = arg_get(q, "late");
	json_t *a;
	size_t total;
	int r = MHD_YES;

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
				audit(q, "denied", arg_get(q, "org"));
				r = reply_error(
					q, 403, "forbidden",
					KB_TR(q->lang,
					      "this account may not see the reports of '%s'",
					      "このアカウントは '%s' の報告を見られません"),
					arg_get(q, "org"));
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
		r = fail(q, r);
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
		reply_error(
			q, 400, "bad_request",
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
static int api_completeness(struct req *q)
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
	int r = MHD_YES;

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
		audit(q, "denied", "completeness by device");
		r = reply_error(
			q, 403, "forbidden", "%s",
			KB_TR(q->lang,
			      "this account sees the completeness of a prefecture's devices only for its own prefecture",
			      "都道府県の機器別の報告率は、その都道府県のアカウント（と国）だけが見られます"));
		goto out;
	}
	if ((r = kb_report_weeks(q->s, threshold, &rw, &q->err))) {
		r = fail(q, r);
		goto out;
	}
	if (cq.to < 0) {
		cq.to = rw.shown.week;
		if (cq.from > cq.to && cq.to >= 0)
			cq.to = cq.from;
	}
	if ((r = kb_completeness(q->s, &g->sup, &cq, &t, &q->err))) {
		r = fail(q, r);
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
static int api_missing(struct req *q)
{
	static const char *const cols[] = { "facility",	   "name_ja",
					    "name_en",	   "prefecture",
					    "last_report", "silent_weeks",
					    NULL };
	struct registry *g = srv_registry(q->srv);
	struct kb_missing_list m = { 0 };
	size_t limit, offset, i;
	double threshold;
	int week, pref, r = MHD_YES;
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
		audit(q, "denied", "missing reports");
		r = reply_error(
			q, 403, "forbidden", "%s",
			KB_TR(q->lang,
			      "this account may not see which hospitals have not reported (a prefecture sees its own)",
			      "このアカウントは報告のない病院を見られません（都道府県は自らの病院を見られます）"));
		goto out;
	}
	if (week < 0 && threshold >= 0 &&
	    (week = kb_supply_shown_week(q->s, threshold, &q->err)) < -1) {
		r = fail(q, week);
		goto out;
	}
	if ((r = kb_missing_reports(q->s, &g->sup, week, pref, &m, &q->err))) {
		r = fail(q, r);
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

/* ---- incidents ---- */

static int api_incidents(struct req *q)
{
	struct kb_incidents v = { 0 };
	const char *state = arg_get(q, "state");
	size_t limit, offset, i;
	json_t *a;
	int r;
	if (page_args(q, &limit, &offset))
		return MHD_YES;
	if ((r = kb_incident_load(q->s, 0, &v, &q->err)))
		return fail(q, r);
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

static int api_incident(struct req *q)
{
	return incident_reply(q, 200);
}

/* Opens an incident from fields; *id on success (0 and a reply else). */
int srv_incident_open(struct req *q, const char *device, const char *title,
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
		fail(q, KB_EINVALID);
		return 0;
	}
	if ((r = kb_incident_open(q->s, &in, q->p.login, srv_now(q->srv), id,
				  &q->err))) {
		fail(q, r);
		return 0;
	}
	srv_wrote(q, 201, title);
	return 1;
}

static int api_incident_post(struct req *q)
{
	long id;
	const char *dev = form_get(q, "device");
	if (!srv_incident_open(q, dev && *dev ? dev : NULL, form_get(q, "title"),
			       form_get(q, "cause"), form_get(q, "note"),
			       form_get(q, "prefectures"), &id))
		return MHD_YES;
	return reply_json(q, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* Adds an event to incident q->arg[0]: a note, an action or a new state. */
int srv_incident_event(struct req *q, const char *kind, const char *text,
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
		fail(q, r);
		return 0;
	}
	srv_wrote(q, 201, kind);
	return 1;
}

static int api_incident_event(struct req *q)
{
	if (!srv_incident_event(q, form_get(q, "kind"), form_get(q, "text"),
				form_get(q, "state")))
		return MHD_YES;
	return incident_reply(q, 201);
}

/* ---- the dashboard ---- */

json_t *dashboard_json(struct req *q, struct registry *g)
{
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
	return j;
}

static json_t *dashboard_build(struct req *q)
{
	struct registry *g = srv_registry(q->srv);
	json_t *j = dashboard_json(q, g);
	srv_registry_put(q->srv, g);
	return j;
}

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
			  dashboard_build);
}

/* ---- the audit log ---- */

static int api_audit(struct req *q)
{
	static const char *const cols[] = { "n",      "at",	"login",
					    "role",   "action", "method",
					    "path",   "status", "ip",
					    "detail", NULL };
	size_t limit, offset, total;
	int csv = want_csv(q), r;
	json_t *a;
	if (page_args(q, &limit, &offset))
		return MHD_YES;
	if (csv) { /* a download holds every line */
		limit = (size_t)-1 >> 1;
		offset = 0;
	}
	if ((r = kb_audit_list(q->s, arg_get(q, "login"), arg_get(q, "action"),
			       limit, offset, &a, &total, &q->err)))
		return fail(q, r);
	return csv ? reply_rows_csv(q, a, cols, "audit.csv", NULL)
		   : reply_page(q, a, total, limit, offset, 1);
}

static int api_health(struct req *q)
{
	return reply_json(q, 200,
			  json_pack("{s:s, s:s}", "status", "ok", "version",
				    KIBAN_VERSION));
}

/* ---- the route table: every route the server answers ---- */

#define P(x) KB_PERM_##x
const struct route srv_routes[] = {
	{ M_GET, "/api/v1/health", api_health, -2, 0 },
	{ M_POST, "/api/v1/session", api_login, -2, 0 },
	{ M_GET, "/api/v1/session", api_me, -1, 0 },
	{ M_DELETE, "/api/v1/session", api_logout, -1, R_WRITE },
	{ M_GET, "/api/v1/dashboard", api_dashboard, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/plan", api_plan, P(PLAN_READ), 0 },
	{ M_GET, "/api/v1/kpis", api_kpis, P(PLAN_READ), 0 },
	{ M_GET, "/api/v1/kpis/{}", api_kpi, P(PLAN_READ), 0 },
	{ M_GET, "/api/v1/kpis/{}/values", api_kpi_values, P(PLAN_READ), 0 },
	{ M_POST, "/api/v1/kpis/{}/values", api_kpi_value_post, P(KPI_WRITE),
	  R_SCOPED | R_WRITE },
	{ M_GET, "/api/v1/evaluations", api_evaluations, P(EVAL_READ), 0 },
	{ M_GET, "/api/v1/evaluations/{}", api_evaluation, P(EVAL_READ), 0 },
	{ M_GET, "/api/v1/devices", api_devices, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/devices/{}", api_device, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/chains/{}", api_chain, P(SUPPLY_CONFIDENTIAL), 0 },
	{ M_GET, "/api/v1/status", api_status, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/alerts", api_alerts, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/signals", api_signals, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/reports", api_reports, P(SUPPLY_FACILITY), R_SCOPED },
	{ M_POST, "/api/v1/reports/stock", api_upload_stock, P(REPORT_UPLOAD),
	  R_SCOPED | R_WRITE },
	{ M_POST, "/api/v1/reports/production", api_upload_production,
	  P(REPORT_UPLOAD), R_SCOPED | R_WRITE },
	{ M_GET, "/api/v1/incidents", api_incidents, P(INCIDENT_READ), 0 },
	{ M_POST, "/api/v1/incidents", api_incident_post, P(INCIDENT_WRITE),
	  R_WRITE },
	{ M_GET, "/api/v1/incidents/{}", api_incident, P(INCIDENT_READ), 0 },
	{ M_POST, "/api/v1/incidents/{}/events", api_incident_event,
	  P(INCIDENT_WRITE), R_WRITE },
	{ M_GET, "/api/v1/completeness", api_completeness, P(SUPPLY_PUBLIC), 0 },
	{ M_GET, "/api/v1/completeness/missing", api_missing,
	  P(SUPPLY_FACILITY), R_SCOPED },
	{ M_GET, "/api/v1/notices", api_notices, -1, 0 },
	{ M_POST, "/api/v1/notices/read", api_notices_read, -1, R_WRITE },
	{ M_GET, "/api/v1/subscriptions", api_subscriptions, -1, 0 },
	{ M_POST, "/api/v1/subscriptions", api_subscribe, -1, R_WRITE },
	{ M_DELETE, "/api/v1/subscriptions/{}", api_unsubscribe, -1, R_WRITE },
	{ M_GET, "/api/v1/webhooks", api_webhooks, -1, 0 },
	{ M_POST, "/api/v1/webhooks", api_webhook_add, -1, R_WRITE },
	{ M_DELETE, "/api/v1/webhooks/{}", api_webhook_remove, -1, R_WRITE },
	{ M_GET, "/api/v1/audit", api_audit, P(ADMIN), 0 },
	PAGE_ROUTES
};
const size_t srv_nroutes = sizeof(srv_routes) / sizeof(srv_routes[0]);
