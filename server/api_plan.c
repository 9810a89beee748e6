/*
 * api_plan.c - the plan's routes of the JSON API: the plan, its KPIs with
 * their evaluation and figures, a figure entered, the evaluations.
 */
#include "core/compat.h"

#include <stdio.h>
#include <string.h>

#include "kiban/eval.h"
#include "kiban/kpi.h"
#include "kiban/plan.h"
#include "server/app.h"

int api_plan(struct req *q)
{
	struct kb_plan p;
	int r;
	kb_plan_init(&p);
	if ((r = kb_plan_load(q->s, NULL, &p, &q->err))) {
		kb_plan_release(&p);
		return reply_kb_error(q, r);
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
	if (s && kb_fy_parse(s, fy))
		return reply_bad_arg(q,
				     KB_TR(q->lang,
					   "year: '%s' is not a fiscal year",
					   "year: '%s' は年度ではありません"),
				     s);
	return 0;
}

int api_kpis(struct req *q)
{
	struct kb_kpiset set = { 0 };
	const char *goal = arg_get(q, "goal"), *measure = arg_get(q, "measure");
	size_t limit, offset, i;
	json_t *a;
	int r, fy;
	if (page_args(q, &limit, &offset) || fy_arg(q, &fy))
		return HANDLED;
	if ((r = kb_kpi_load(q->s, &set, &q->err)))
		return reply_kb_error(q, r);
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

int api_kpi(struct req *q)
{
	struct kb_kpiset set = { 0 };
	const struct kb_kpi *k;
	int r, fy;
	if (fy_arg(q, &fy))
		return HANDLED;
	if (!(k = kpi_find(q, &set, q->arg[0])))
		r = HANDLED;
	else
		r = reply_json(q, 200, kpi_json(k, fy, q->lang));
	kb_kpiset_release(&set);
	return r;
}

int api_kpi_values(struct req *q)
{
	struct kb_kpiset set = { 0 };
	const struct kb_kpi *k;
	int r;
	if (!(k = kpi_find(q, &set, q->arg[0]))) {
		r = HANDLED;
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

int api_kpi_value_post(struct req *q)
{
	const char *year = form_get(q, "fiscal_year"),
		   *value = form_get(q, "value");
	int r = kpi_value_set(q, q->arg[0], year ? year : "", value ? value : "",
			      form_get(q, "source"), form_get(q, "comment"));
	if (r > 0)
		return reply_kb_error(q, KB_EINVALID);
	if (r)
		return HANDLED;
	return reply_json(q, 201,
			  json_pack("{s:s, s:s, s:s}", "kpi", q->arg[0],
				    "fiscal_year", year ? year : "", "value",
				    value ? value : ""));
}

int api_evaluations(struct req *q)
{
	struct kb_eval_info *v = NULL;
	size_t n = 0, i;
	json_t *a;
	int r;
	if ((r = kb_eval_list(q->s, &v, &n, &q->err)))
		return reply_kb_error(q, r);
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

int api_evaluation(struct req *q)
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
		r = reply_kb_error(q, r);
	else
		r = reply_json(q, 200, kb_eval_to_json(&ev));
	kb_eval_release(&ev);
	return r;
}
