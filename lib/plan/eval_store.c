/*
 * eval_store.c - live and frozen evaluations, and their JSON form.
 *
 * A frozen evaluation is one row of the evaluation table holding the JSON
 * of kb_eval_to_json(): the plan and KPIs (with their figures) as they
 * were, and every result.  Loading restores the results as stored rather
 * than recomputing them, so neither edited data nor a later change of
 * method alters what was published; the edits are then listed by
 * comparing with a live evaluation of the same year.
 */
#include "core/compat.h"

#include "core/strmap.h"
#include "kiban/buf.h"
#include "kiban/eval.h"
#include "store/sql.h"

#define SNAPSHOT_FORMAT	 "kiban-evaluation"
#define SNAPSHOT_VERSION 1

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static double jnum(json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);
	return json_is_number(x) ? json_number_value(x) : NAN;
}

static json_t *rollup_json(const char *id, const struct kb_rollup *r)
{
	json_t *o = json_pack("{s:s, s:s}", "id", id, "status",
			      kb_status_key(r->status));
	json_t *counts = json_object();
	int s;
	for (s = 0; s < KB_ST_COUNT; s++)
		json_object_set_new(counts, kb_status_key((enum kb_status)s),
				    json_integer(r->count[s]));
	json_object_set_new(o, "counts", counts);
	return o;
}

static void rollup_from_json(json_t *o, struct kb_rollup *r)
{
	json_t *counts = json_object_get(o, "counts");
	const char *st = json_string_value(json_object_get(o, "status"));
	int s, k = st ? kb_status_parse(st) : -1;
	r->status = k >= 0 ? (enum kb_status)k : KB_ST_NO_DATA;
	for (s = 0; s < KB_ST_COUNT; s++)
		r->count[s] = (unsigned)json_integer_value(json_object_get(
			counts, kb_status_key((enum kb_status)s)));
}

json_t *kb_eval_to_json(const struct kb_eval *ev)
{
	json_t *root, *arr;
	size_t i;

	root = json_pack("{s:s, s:i, s:i, s:s, s:s?}", "format",
			 SNAPSHOT_FORMAT, "format_version", SNAPSHOT_VERSION,
			 "fiscal_year", ev->fy, "rule",
			 kb_rule_key(ev->rule ? ev->rule : KB_RULE_CAGR),
			 "computed_at", ev->computed_at);
	if (ev->frozen) {
		json_object_set_new(
			root, "frozen",
			json_pack("{s:i, s:s?, s:s?, s:s?}", "version",
				  ev->version, "frozen_at", ev->frozen_at,
				  "frozen_by", ev->frozen_by, "note", ev->note));
		arr = json_array();
		for (i = 0; i < ev->nchanges; i++) {
			struct kb_buf ja = KB_BUF_INIT, en = KB_BUF_INIT;
			kb_eval_change_describe(&ev->changes[i], KB_LANG_JA, &ja);
			kb_eval_change_describe(&ev->changes[i], KB_LANG_EN, &en);
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:s}", "kpi",
					       ev->changes[i].kpi_id, "text_ja",
					       ja.buf, "text_en", en.buf));
			kb_buf_release(&ja);
			kb_buf_release(&en);
		}
		json_object_set_new(root, "changes_since_frozen", arr);
	}
	json_object_set_new(root, "overall",
			    rollup_json("overall", &ev->overall));
	arr = json_array();
	for (i = 0; i < ev->plan.nvisions; i++)
		json_array_append_new(arr, rollup_json(ev->plan.visions[i].id,
						       &ev->visions[i]));
	json_object_set_new(root, "visions", arr);
	arr = json_array();
	for (i = 0; i < ev->plan.ngoals; i++)
		json_array_append_new(
			arr, rollup_json(ev->plan.goals[i].id, &ev->goals[i]));
	json_object_set_new(root, "goals", arr);
	arr = json_array();
	for (i = 0; i < ev->plan.nmeasures; i++)
		if (ev->measures[i].status != KB_ST_NO_DATA ||
		    ev->measures[i].count[KB_ST_NO_DATA])
			json_array_append_new(
				arr, rollup_json(ev->plan.measures[i].id,
						 &ev->measures[i]));
	json_object_set_new(root, "measures", arr);
	arr = json_array();
	for (i = 0; i < ev->kpis.n; i++) {
		const struct kb_kpi_eval *e = &ev->ke[i];
		json_array_append_new(
			arr,
			json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:i}",
				  "kpi", ev->kpis.v[i].id, "status",
				  kb_status_key(e->status), "rule",
				  kb_rule_key(e->rule), "notes", (int)e->notes,
				  "latest_fy", e->latest_fy, "latest",
				  num(e->latest), "ratio", num(e->ratio),
				  "actual_rate", num(e->actual_rate),
				  "required_rate", num(e->required_rate),
				  "expected", num(e->expected), "target",
				  num(e->target), "target_fy", e->target_fy));
	}
	json_object_set_new(root, "results", arr);
	json_object_set_new(root, "plan", kb_plan_to_json(&ev->plan));
	arr = json_array();
	for (i = 0; i < ev->kpis.n; i++)
		json_array_append_new(arr, kb_kpi_to_json(&ev->kpis.v[i]));
	json_object_set_new(root, "kpis", arr);
	return root;
}

/* Restores an evaluation from its snapshot, results as stored. */
static int from_snapshot(struct kb_eval *ev, json_t *root, struct kb_err *err)
{
	json_t *arr, *x;
	size_t i;
	int r;

	if (!json_is_object(root) ||
	    strcmp(json_string_value(json_object_get(root, "format"))
			   ? json_string_value(json_object_get(root, "format"))
			   : "",
		   SNAPSHOT_FORMAT))
		return kb_err_set(err, KB_EPARSE, "%s",
				  KB_TR(err->lang,
					"a stored evaluation is damaged",
					"保存された評価が壊れています"));
	if (json_integer_value(json_object_get(root, "format_version")) >
	    SNAPSHOT_VERSION)
		return kb_err_set(
			err, KB_ESCHEMA, "%s",
			KB_TR(err->lang,
			      "a stored evaluation was written by a newer kiban",
			      "保存された評価は新しい kiban で書かれています"));
	ev->fy = (int)json_integer_value(json_object_get(root, "fiscal_year"));
	ev->rule = (enum kb_rule)kb_rule_parse(
		json_string_value(json_object_get(root, "rule"))
			? json_string_value(json_object_get(root, "rule"))
			: "");
	ev->computed_at = kb_strdup(
		json_string_value(json_object_get(root, "computed_at")));
	if ((r = kb_plan_from_json(&ev->plan, json_object_get(root, "plan"), err)))
		return r;
	arr = json_object_get(root, "kpis");
	ev->kpis.v = kb_calloc(json_array_size(arr), sizeof(struct kb_kpi));
	ev->kpis.alloc = json_array_size(arr);
	json_array_foreach(arr, i, x)
	{
		if ((r = kb_kpi_from_json(&ev->kpis.v[ev->kpis.n], x, err)))
			return r;
		ev->kpis.n++;
	}
	/* Start from a computation (fills every array), then put the stored
	 * results in place. */
	kb_eval_compute(ev);
	json_array_foreach(json_object_get(root, "results"), i, x)
	{
		struct kb_kpi_eval *e;
		const char *st = json_string_value(json_object_get(x, "status"));
		const char *rule = json_string_value(json_object_get(x, "rule"));
		if (i >= ev->kpis.n)
			break;
		e = &ev->ke[i];
		e->status = st && kb_status_parse(st) >= 0
				    ? (enum kb_status)kb_status_parse(st)
				    : KB_ST_NO_DATA;
		e->rule = rule ? (enum kb_rule)kb_rule_parse(rule) : KB_RULE_CAGR;
		e->notes =
			(unsigned)json_integer_value(json_object_get(x, "notes"));
		e->latest_fy =
			(int)json_integer_value(json_object_get(x, "latest_fy"));
		e->latest = jnum(x, "latest");
		e->ratio = jnum(x, "ratio");
		e->actual_rate = jnum(x, "actual_rate");
		e->required_rate = jnum(x, "required_rate");
		e->expected = jnum(x, "expected");
		e->target = jnum(x, "target");
		e->target_fy =
			(int)json_integer_value(json_object_get(x, "target_fy"));
	}
	rollup_from_json(json_object_get(root, "overall"), &ev->overall);
	json_array_foreach(json_object_get(root, "visions"), i,
			   x) if (i < ev->plan.nvisions)
		rollup_from_json(x, &ev->visions[i]);
	json_array_foreach(json_object_get(root, "goals"), i,
			   x) if (i < ev->plan.ngoals)
		rollup_from_json(x, &ev->goals[i]);
	json_array_foreach(json_object_get(root, "measures"), i, x)
	{
		const char *id = json_string_value(json_object_get(x, "id"));
		size_t m = id ? kb_plan_measure(&ev->plan, id) : KB_NONE;
		if (m != KB_NONE)
			rollup_from_json(x, &ev->measures[m]);
	}
	return 0;
}

int kb_eval_live(struct kb_store *s, const char *plan_id, int fy,
		 enum kb_rule rule, time_t now, struct kb_eval *ev,
		 struct kb_err *err)
{
	char when[32];
	int r;

	kb_eval_init(ev);
	ev->fy = fy;
	ev->rule = rule ? rule : KB_RULE_CAGR;
	if ((r = kb_plan_load(s, plan_id, &ev->plan, err)) ||
	    (r = kb_kpi_load(s, &ev->kpis, err))) {
		kb_eval_release(ev);
		return r;
	}
	kb_eval_keep_plan_kpis(ev);
	kb__iso_time(now, when);
	ev->computed_at = kb_strdup(when);
	kb_eval_compute(ev);
	return 0;
}

/* The writes of kb_eval_freeze(), inside its transaction. */
static int freeze(struct kb_store *s, const struct kb_eval *ev,
		  const char *actor, const char *note, time_t now,
		  int supersede, int *version, struct kb_err *err)
{
	sqlite3_stmt *st;
	json_t *j;
	char *snapshot, when[32];
	int r, latest = 0;

	st = kb__sql_prepare(
		s,
		"SELECT coalesce(max(version), 0), max(frozen_at) FROM evaluation "
		"WHERE plan_id = ?1 AND fy = ?2",
		err);
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, ev->plan.id);
	sqlite3_bind_int(st, 2, ev->fy);
	if (sqlite3_step(st) == SQLITE_ROW)
		latest = sqlite3_column_int(st, 0);
	if (latest && !supersede) {
		char frozen[64];
		kb_time_label((const char *)sqlite3_column_text(st, 1),
			      err->lang, 0, frozen, sizeof(frozen));
		r = kb_err_set(
			err, KB_EEXISTS,
			KB_TR(err->lang,
			      "the evaluation of FY%d was already frozen on %s (version %d); to publish a revision, freeze again with --supersede",
			      "%d年度の評価は %s に確定済みです（第 %d 版）。改訂版を確定するには --supersede を付けてください"),
			ev->fy, frozen, latest);
		sqlite3_finalize(st);
		return r;
	}
	sqlite3_finalize(st);
	st = kb__sql_prepare(
		s,
		"INSERT INTO evaluation (plan_id, fy, version, rule, frozen_at, "
		"frozen_by, note, snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		err);
	if (!st)
		return KB_EDB;
	j = kb_eval_to_json(ev);
	snapshot = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(j);
	kb__iso_time(now, when);
	kb__sql_bind_text(st, 1, ev->plan.id);
	sqlite3_bind_int(st, 2, ev->fy);
	sqlite3_bind_int(st, 3, latest + 1);
	kb__sql_bind_text(st, 4, kb_rule_key(ev->rule));
	kb__sql_bind_text(st, 5, when);
	kb__sql_bind_text(st, 6, actor);
	kb__sql_bind_text(st, 7, note ? note : "");
	kb__sql_bind_text(st, 8, snapshot);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	free(snapshot);
	if (!r && version)
		*version = latest + 1;
	return r;
}

int kb_eval_freeze(struct kb_store *s, const struct kb_eval *ev,
		   const char *actor, const char *note, time_t now,
		   int supersede, int *version, struct kb_err *err)
{
	int r;
	if (ev->frozen)
		return kb_err_set(err, KB_ESTATE, "%s",
				  KB_TR(err->lang,
					"this evaluation is already frozen",
					"この評価は既に確定済みです"));
	if (ev->fy > kb_fy_last_complete(now))
		return kb_err_set(
			err, KB_EINVALID,
			KB_TR(err->lang,
			      "FY%d has not ended (it ends on 31 March %d): an evaluation is frozen once its year is over",
			      "%d年度はまだ終わっていません（%d年3月31日まで）。評価の確定は年度の終了後に行います"),
			ev->fy, ev->fy + 1);
	if ((r = kb_store_begin(s, err)))
		return r;
	r = freeze(s, ev, actor, note, now, supersede, version, err);
	return kb_store_end(s, r, err);
}

static void add_change(struct kb_eval *ev, size_t *alloc,
		       const struct kb_eval_change *c)
{
	KB_ALLOC_GROW(ev->changes, ev->nchanges + 1, *alloc);
	ev->changes[ev->nchanges] = *c;
	ev->changes[ev->nchanges++].kpi_id = kb_strdup(c->kpi_id);
}

/* Lists what the live data say differently from the frozen evaluation. */
static void diff_live(struct kb_eval *ev, const struct kb_eval *live)
{
	struct kb__strmap ids;
	size_t i, j, x, alloc = 0;

	kb__strmap_init(&ids);
	for (i = 0; i < live->kpis.n; i++)
		kb__strmap_put(&ids, live->kpis.v[i].id, i);
	for (i = 0; i < ev->kpis.n; i++) {
		const struct kb_kpi *f = &ev->kpis.v[i], *l;
		const struct kb_target *ft = kb_kpi_target(f), *lt;
		struct kb_eval_change c;
		size_t k = kb__strmap_get(&ids, f->id);

		memset(&c, 0, sizeof(c));
		c.kpi_id = f->id;
		if (k == KB_NONE) {
			c.kind = KB_CHG_KPI_REMOVED;
			add_change(ev, &alloc, &c);
			continue;
		}
		l = &live->kpis.v[k];
		lt = kb_kpi_target(l);
		if (ft && lt && (ft->value != lt->value || ft->fy != lt->fy)) {
			c.kind = KB_CHG_TARGET;
			c.old_value = ft->value;
			c.old_fy = ft->fy;
			c.new_value = lt->value;
			c.fy = lt->fy;
			add_change(ev, &alloc, &c);
		}
		/* both lists are in ascending years: walk them together */
		for (j = 0, x = 0; j < f->nobs || x < l->nobs;) {
			const struct kb_obs *a = j < f->nobs ? &f->obs[j] : NULL,
					    *b = x < l->nobs ? &l->obs[x] : NULL;
			if (a && b && a->fy != b->fy) {
				if (a->fy < b->fy)
					b = NULL;
				else
					a = NULL;
			}
			j += !!a;
			x += !!b;
			if ((a ? a->fy : b->fy) > ev->fy)
				continue;
			if (a && b && a->missing == b->missing &&
			    (a->missing || a->value == b->value))
				continue;
			memset(&c, 0, sizeof(c));
			c.kind = KB_CHG_VALUE;
			c.kpi_id = f->id;
			c.fy = a ? a->fy : b->fy;
			c.had_old = !!a;
			c.has_new = !!b;
			c.old_missing = a && a->missing;
			c.new_missing = b && b->missing;
			c.old_value = a ? a->value : 0;
			c.new_value = b ? b->value : 0;
			add_change(ev, &alloc, &c);
		}
		if (live->ke[k].status != ev->ke[i].status) {
			memset(&c, 0, sizeof(c));
			c.kind = KB_CHG_STATUS;
			c.kpi_id = f->id;
			c.old_status = ev->ke[i].status;
			c.new_status = live->ke[k].status;
			add_change(ev, &alloc, &c);
		}
	}
	kb__strmap_release(&ids);
	kb__strmap_init(&ids);
	for (i = 0; i < ev->kpis.n; i++)
		kb__strmap_put(&ids, ev->kpis.v[i].id, i);
	for (i = 0; i < live->kpis.n; i++)
		if (kb__strmap_get(&ids, live->kpis.v[i].id) == KB_NONE) {
			struct kb_eval_change c;
			memset(&c, 0, sizeof(c));
			c.kind = KB_CHG_KPI_ADDED;
			c.kpi_id = live->kpis.v[i].id;
			add_change(ev, &alloc, &c);
		}
	kb__strmap_release(&ids);
}

int kb_eval_load(struct kb_store *s, const char *plan_id, int fy, int version,
		 time_t now, struct kb_eval *ev, struct kb_err *err)
{
	sqlite3_stmt *st;
	struct kb_eval live;
	json_error_t jerr;
	json_t *root;
	int r;

	kb_eval_init(ev);
	st = kb__sql_prepare(
		s,
		"SELECT version, frozen_at, frozen_by, note, snapshot, plan_id FROM evaluation "
		"WHERE (?1 IS NULL OR plan_id = ?1) AND fy = ?2 AND (?3 = 0 OR version = ?3) "
		"ORDER BY version DESC LIMIT 1",
		err);
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, plan_id);
	sqlite3_bind_int(st, 2, fy);
	sqlite3_bind_int(st, 3, version);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (version)
			return kb_err_set(
				err, KB_ENOTFOUND,
				KB_TR(err->lang,
				      "no frozen evaluation of FY%d, version %d",
				      "%d年度の確定評価（第 %d 版）はありません"),
				fy, version);
		return kb_err_set(
			err, KB_ENOTFOUND,
			KB_TR(err->lang,
			      "the evaluation of FY%d has not been frozen",
			      "%d年度の評価はまだ確定されていません"),
			fy);
	}
	root = json_loads((const char *)sqlite3_column_text(st, 4), 0, &jerr);
	if (!root) {
		sqlite3_finalize(st);
		return kb_err_set(
			err, KB_EPARSE,
			KB_TR(err->lang,
			      "the stored evaluation of FY%d is damaged: %s",
			      "保存された %d年度の評価が壊れています: %s"),
			fy, jerr.text);
	}
	r = from_snapshot(ev, root, err);
	json_decref(root);
	if (r) {
		sqlite3_finalize(st);
		kb_eval_release(ev);
		return r;
	}
	ev->frozen = 1;
	ev->version = sqlite3_column_int(st, 0);
	ev->frozen_at = kb__sql_text(st, 1);
	ev->frozen_by = kb__sql_text(st, 2);
	ev->note = kb__sql_text(st, 3);
	sqlite3_finalize(st);
	/* What changed since: compare with the live data of the same year. */
	if (!kb_eval_live(s, ev->plan.id, fy, ev->rule, now, &live, err)) {
		diff_live(ev, &live);
		kb_eval_release(&live);
	} else {
		kb_err_clear(err); /* the plan may be gone: nothing to compare */
	}
	return 0;
}

int kb_eval_open(struct kb_store *s, const char *plan_id, int fy,
		 enum kb_rule rule, time_t now, struct kb_eval *ev,
		 struct kb_err *err)
{
	int r = kb_eval_load(s, plan_id, fy, 0, now, ev, err);
	if (r != KB_ENOTFOUND)
		return r;
	kb_err_clear(err);
	return kb_eval_live(s, plan_id, fy, rule, now, ev, err);
}

int kb_eval_list(struct kb_store *s, struct kb_eval_info **out, size_t *n,
		 struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT fy, version, rule, frozen_at, frozen_by, note FROM evaluation "
		"ORDER BY fy DESC, version DESC",
		err);
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	if (!st)
		return KB_EDB;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct kb_eval_info *e;
		KB_ALLOC_GROW(*out, *n + 1, alloc);
		e = &(*out)[(*n)++];
		e->fy = sqlite3_column_int(st, 0);
		e->version = sqlite3_column_int(st, 1);
		e->rule = kb__sql_text(st, 2);
		e->frozen_at = kb__sql_text(st, 3);
		e->frozen_by = kb__sql_text(st, 4);
		e->note = kb__sql_text(st, 5);
	}
	sqlite3_finalize(st);
	return 0;
}

void kb_eval_infos_free(struct kb_eval_info *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].rule);
		free(v[i].frozen_at);
		free(v[i].frozen_by);
		free(v[i].note);
	}
	free(v);
}
