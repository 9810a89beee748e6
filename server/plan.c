/*
 * plan.c - what the plan's routes (api_plan.c) and pages (page_plan.c)
 * share: a KPI looked up by its id, and a KPI's figure entered, checked
 * against who may enter it (a ministry's staff: the KPIs under goals and
 * measures where their ministry acts).
 */
#include "core/compat.h"

#include <stdio.h>
#include <string.h>

#include "kiban/kpi.h"
#include "kiban/plan.h"
#include "server/app.h"

/* The KPI named by the route's {}, loaded into set; NULL and a reply. */
const struct kb_kpi *kpi_find(struct req *q, struct kb_kpiset *set, const char *id)
{
	size_t i;
	int r;
	if ((r = kb_kpi_load(q->s, set, &q->err))) {
		reply_kb_error(q, r);
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

int kpi_value_set(struct req *q, const char *kpi, const char *year,
		  const char *value, const char *source, const char *comment)
{
	struct kb_kpiset set = { 0 };
	const struct kb_kpi *k;
	double v = 0;
	int fy = 0, missing = 0, r = 0, invalid = 0;

	if (!(k = kpi_find(q, &set, kpi)))
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
		invalid = 1;
		goto out;
	}
	if ((r = kb_obs_set(q->s, k->id, fy, missing, v, source, comment,
			    q->p.login, srv_now(q->srv), &q->err))) {
		r = reply_kb_error(q, r);
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
	return q->answered ? -1 : invalid;
}
