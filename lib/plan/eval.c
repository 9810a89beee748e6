/*
 * eval.c - the evaluation engine: KPI status, roll-ups, follow-ups.
 *
 * The method is stated in eval.h.  Everything here is a plain function of
 * the KPIs and the plan: no database, no allocation in kb_kpi_evaluate(),
 * so it can be tested edge case by edge case.  Comparisons with the
 * thresholds allow for rounding (1e-9): a KPI exactly on the 95 % line is
 * on track, not behind by a rounding error.
 */
#include "core/compat.h"

#include "kiban/buf.h"
#include "kiban/eval.h"

#define EPS 1e-9

static const struct {
	const char *key, *en, *ja;
} status_names[KB_ST_COUNT] = {
	[KB_ST_ACHIEVED] = { "achieved", "Achieved", "達成" },
	[KB_ST_ON_TRACK] = { "on_track", "On track", "順調" },
	[KB_ST_NEEDS_ACCEL] = { "needs_acceleration", "Needs acceleration",
				"加速が必要" },
	[KB_ST_LIMITED] = { "limited_progress", "Limited progress",
			    "進捗が限定的" },
	[KB_ST_DETERIORATING] = { "deteriorating", "Deteriorating", "悪化" },
	[KB_ST_NO_DATA] = { "cannot_assess", "Cannot assess", "評価不能" },
};

const char *kb_status_key(enum kb_status s)
{
	return s < KB_ST_COUNT ? status_names[s].key : "?";
}

const char *kb_status_label(enum kb_status s, enum kb_lang lang)
{
	if (s >= KB_ST_COUNT)
		return "?";
	return lang == KB_LANG_EN ? status_names[s].en : status_names[s].ja;
}

int kb_status_parse(const char *key)
{
	int i;
	for (i = 0; i < KB_ST_COUNT; i++)
		if (!strcmp(key, status_names[i].key))
			return i;
	return -1;
}

int kb_status_behind(enum kb_status s)
{
	return s == KB_ST_NEEDS_ACCEL || s == KB_ST_LIMITED ||
	       s == KB_ST_DETERIORATING;
}

double kb_kpi_path(const struct kb_kpi *k, enum kb_rule rule, int y)
{
	const struct kb_target *tg = kb_kpi_target(k);
	double b = k->base_value, T, t;
	if (!tg || y <= k->base_fy)
		return b;
	T = tg->value;
	t = (double)(y - k->base_fy) / (tg->fy - k->base_fy);
	if (t > 1)
		t = 1;
	if (rule == KB_RULE_CAGR && b > 0 && T > 0)
		return b * pow(T / b, t);
	return b + (T - b) * t;
}

void kb_kpi_evaluate(const struct kb_kpi *k, int fy, enum kb_rule rule,
		     struct kb_kpi_eval *e)
{
	const struct kb_target *t = kb_kpi_target(k);
	const struct kb_obs *latest = NULL;
	double b = k->base_value, v, T;
	size_t i;

	memset(e, 0, sizeof(*e));
	e->status = KB_ST_NO_DATA;
	e->ratio = e->actual_rate = e->required_rate = e->expected = NAN;
	e->latest = NAN;
	e->rule = k->rule ? k->rule : (rule ? rule : KB_RULE_CAGR);
	if (!t)
		return;
	T = e->target = t->value;
	e->target_fy = t->fy;
	if (k->ntargets > 1)
		e->notes |= KB_NOTE_RETARGETED;
	for (i = 0; i < k->nobs; i++) {
		if (k->obs[i].fy > fy)
			break;
		if (k->obs[i].fy == fy && k->obs[i].missing)
			e->notes |= KB_NOTE_MISSING;
		if (!k->obs[i].missing)
			latest = &k->obs[i];
	}
	if (e->rule == KB_RULE_CAGR &&
	    (b <= 0 || T <= 0 || (latest && latest->value <= 0))) {
		e->rule = KB_RULE_LINEAR;
		e->notes |= KB_NOTE_FALLBACK_LINEAR;
	}
	e->expected = kb_kpi_path(k, e->rule, fy);
	if (e->rule == KB_RULE_CAGR)
		e->required_rate = pow(T / b, 1.0 / (t->fy - k->base_fy)) - 1;
	if (!latest || latest->fy <= k->base_fy)
		return; /* cannot assess */
	v = e->latest = latest->value;
	e->latest_fy = latest->fy;
	if (latest->fy < fy)
		e->notes |= KB_NOTE_STALE;
	if ((v - T) * k->direction >= -EPS * fabs(T)) {
		e->status = KB_ST_ACHIEVED;
		if (latest->fy < t->fy)
			e->notes |= KB_NOTE_REACHED_EARLY;
		return;
	}
	if (latest->fy >= t->fy)
		e->notes |= KB_NOTE_PAST_TARGET_YEAR;
	if (e->rule == KB_RULE_CAGR) {
		e->actual_rate = pow(v / b, 1.0 / (latest->fy - k->base_fy)) - 1;
		e->ratio = e->actual_rate / e->required_rate;
	} else {
		double due = kb_kpi_path(k, KB_RULE_LINEAR, latest->fy);
		e->ratio = (v - b) / (due - b);
	}
	if (e->ratio >= KB_ON_TRACK_RATIO - EPS)
		e->status = KB_ST_ON_TRACK;
	else if (e->ratio >= KB_ACCEL_RATIO - EPS)
		e->status = KB_ST_NEEDS_ACCEL;
	else if (e->ratio >= -EPS)
		e->status = KB_ST_LIMITED;
	else
		e->status = KB_ST_DETERIORATING;
}

void kb_kpi_eval_explain(const struct kb_kpi *k, const struct kb_kpi_eval *e,
			 enum kb_lang L, struct kb_buf *out)
{
	int dec = k->decimals >= 0 ? k->decimals : -3;

	if (e->status == KB_ST_NO_DATA) {
		kb_buf_addf(out,
			    KB_TR(L, "no figure after the baseline year FY%d",
				  "基準年度（%d年度）より後の値がありません"),
			    k->base_fy);
		return;
	}
	if (e->status == KB_ST_ACHIEVED) {
		kb_buf_addf(out, KB_TR(L, "FY%d figure ", "%d年度の値 "),
			    e->latest_fy);
		kb_buf_add_num(out, e->latest, dec);
		kb_buf_adds(out,
			    KB_TR(L, " has reached the target ", " が目標値 "));
		kb_buf_add_num(out, e->target, dec);
		kb_buf_addf(out, KB_TR(L, " (FY%d)", "（%d年度）に到達"),
			    e->target_fy);
		return;
	}
	if (e->rule == KB_RULE_CAGR)
		kb_buf_addf(
			out,
			KB_TR(L, "growth %+.1f%%/year against %+.1f%%/year required: %.0f%% of the pace needed",
			      "年平均成長率 %+.1f%%（必要 %+.1f%%）: 必要なペースの %.0f%%"),
			e->actual_rate * 100, e->required_rate * 100,
			e->ratio * 100);
	else
		kb_buf_addf(
			out,
			KB_TR(L, "%.0f%% of the progress due by FY%d on the straight line to the target",
			      "目標への直線上で %2$d年度までに求められる進捗の %1$.0f%%"),
			e->ratio * 100, e->latest_fy);
	if (e->notes & KB_NOTE_FALLBACK_LINEAR)
		kb_buf_adds(
			out,
			KB_TR(L, " (straight line: growth rates are undefined at zero or below)",
			      "（0 以下の値を含むため直線で評価）"));
	if (e->notes & KB_NOTE_STALE)
		kb_buf_addf(out,
			    KB_TR(L, " (latest figure: FY%d)",
				  "（最新の値は%d年度）"),
			    e->latest_fy);
}

enum kb_status kb_status_median(const unsigned count[KB_ST_COUNT])
{
	unsigned n = 0, seen = 0;
	int s;
	for (s = 0; s < KB_ST_NO_DATA; s++)
		n += count[s];
	if (!n)
		return KB_ST_NO_DATA;
	for (s = 0; s < KB_ST_NO_DATA; s++) {
		seen += count[s];
		if (seen > n / 2)
			return (enum kb_status)s;
	}
	return KB_ST_NO_DATA; /* not reached */
}

void kb_eval_init(struct kb_eval *ev)
{
	memset(ev, 0, sizeof(*ev));
}

void kb_eval_release(struct kb_eval *ev)
{
	size_t i;
	kb_plan_release(&ev->plan);
	kb_kpiset_release(&ev->kpis);
	free(ev->ke);
	free(ev->visions);
	free(ev->goals);
	free(ev->measures);
	free(ev->computed_at);
	free(ev->frozen_at);
	free(ev->frozen_by);
	free(ev->note);
	for (i = 0; i < ev->nchanges; i++)
		free(ev->changes[i].kpi_id);
	free(ev->changes);
	kb_eval_init(ev);
}

/* The goal a KPI belongs to (directly or through its measure). */
static size_t kpi_goal(const struct kb_eval *ev, const struct kb_kpi *k)
{
	size_t m;
	if (k->goal_id)
		return kb_plan_goal(&ev->plan, k->goal_id);
	m = kb_plan_measure(&ev->plan, k->measure_id);
	return m == KB_NONE ? KB_NONE : ev->plan.measures[m].goal;
}

void kb_eval_keep_plan_kpis(struct kb_eval *ev)
{
	size_t i, n = 0;
	for (i = 0; i < ev->kpis.n; i++) {
		if (kpi_goal(ev, &ev->kpis.v[i]) == KB_NONE)
			kb_kpi_release(&ev->kpis.v[i]);
		else
			ev->kpis.v[n++] = ev->kpis.v[i];
	}
	ev->kpis.n = n;
}

void kb_eval_compute(struct kb_eval *ev)
{
	const struct kb_plan *p = &ev->plan;
	size_t i, j;

	free(ev->ke);
	free(ev->visions);
	free(ev->goals);
	free(ev->measures);
	ev->ke = kb_calloc(ev->kpis.n, sizeof(*ev->ke));
	ev->visions = kb_calloc(p->nvisions, sizeof(*ev->visions));
	ev->goals = kb_calloc(p->ngoals, sizeof(*ev->goals));
	ev->measures = kb_calloc(p->nmeasures, sizeof(*ev->measures));
	memset(&ev->overall, 0, sizeof(ev->overall));
	for (i = 0; i < ev->kpis.n; i++) {
		const struct kb_kpi *k = &ev->kpis.v[i];
		enum kb_status s;
		size_t g = kpi_goal(ev, k);

		kb_kpi_evaluate(k, ev->fy, ev->rule, &ev->ke[i]);
		s = ev->ke[i].status;
		ev->overall.count[s]++;
		if (g == KB_NONE)
			continue;
		ev->goals[g].count[s]++;
		if (k->measure_id)
			ev->measures[kb_plan_measure(p, k->measure_id)].count[s]++;
		for (j = 0; j < p->nvisions; j++) {
			size_t x;
			for (x = 0; x < p->visions[j].ngoals; x++)
				if (p->visions[j].goals[x] == g)
					ev->visions[j].count[s]++;
		}
	}
	ev->overall.status = kb_status_median(ev->overall.count);
	for (i = 0; i < p->nvisions; i++)
		ev->visions[i].status = kb_status_median(ev->visions[i].count);
	for (i = 0; i < p->ngoals; i++)
		ev->goals[i].status = kb_status_median(ev->goals[i].count);
	for (i = 0; i < p->nmeasures; i++)
		ev->measures[i].status = kb_status_median(ev->measures[i].count);
}

size_t kb_eval_goal_kpis(const struct kb_eval *ev, size_t g, size_t **idx)
{
	size_t i, n = 0;
	*idx = kb_calloc(ev->kpis.n, sizeof(size_t));
	for (i = 0; i < ev->kpis.n; i++)
		if (kpi_goal(ev, &ev->kpis.v[i]) == g)
			(*idx)[n++] = i;
	return n;
}

int kb_eval_action_behind(const struct kb_eval *ev, size_t action)
{
	const struct kb_action *a = &ev->plan.actions[action];
	size_t g = ev->plan.measures[a->measure].goal;
	return kb_status_behind(ev->goals[g].status) ||
	       kb_status_behind(ev->measures[a->measure].status);
}

size_t kb_eval_followups(const struct kb_eval *ev, size_t m, size_t **idx)
{
	size_t i, j, n = 0;
	*idx = kb_calloc(ev->plan.nactions, sizeof(size_t));
	for (i = 0; i < ev->plan.nactions; i++) {
		const struct kb_action *a = &ev->plan.actions[i];
		for (j = 0; j < a->nmin; j++)
			if (a->min[j].ministry == m && a->min[j].lead)
				break;
		if (j < a->nmin && kb_eval_action_behind(ev, i))
			(*idx)[n++] = i;
	}
	return n;
}

void kb_eval_change_describe(const struct kb_eval_change *c, enum kb_lang L,
			     struct kb_buf *out)
{
	switch (c->kind) {
	case KB_CHG_KPI_ADDED:
		kb_buf_addf(out,
			    KB_TR(L, "KPI %s was added after freezing",
				  "KPI %s は確定後に追加されました"),
			    c->kpi_id);
		break;
	case KB_CHG_KPI_REMOVED:
		kb_buf_addf(out,
			    KB_TR(L, "KPI %s no longer exists",
				  "KPI %s は現在ありません"),
			    c->kpi_id);
		break;
	case KB_CHG_TARGET:
		kb_buf_addf(
			out,
			KB_TR(L, "KPI %s: target changed from %g (FY%d) to %g (FY%d)",
			      "KPI %s: 目標値が %g（%d年度）から %g（%d年度）に変更"),
			c->kpi_id, c->old_value, c->old_fy, c->new_value, c->fy);
		break;
	case KB_CHG_VALUE:
		kb_buf_addf(
			out,
			KB_TR(L, "KPI %s: FY%d figure ", "KPI %s: %d年度の値 "),
			c->kpi_id, c->fy);
		if (!c->had_old)
			kb_buf_adds(out, KB_TR(L, "(none)", "（なし）"));
		else if (c->old_missing)
			kb_buf_adds(out, KB_TR(L, "missing", "欠測"));
		else
			kb_buf_addf(out, "%g", c->old_value);
		kb_buf_adds(out, " → ");
		if (!c->has_new)
			kb_buf_adds(out, KB_TR(L, "(deleted)", "（削除）"));
		else if (c->new_missing)
			kb_buf_adds(out, KB_TR(L, "missing", "欠測"));
		else
			kb_buf_addf(out, "%g", c->new_value);
		break;
	case KB_CHG_STATUS:
		kb_buf_addf(
			out,
			KB_TR(L, "KPI %s: status would now be %s (frozen: %s)",
			      "KPI %s: 現在のデータでは「%s」（確定時は「%s」）"),
			c->kpi_id, kb_status_label(c->new_status, L),
			kb_status_label(c->old_status, L));
		break;
	}
}
