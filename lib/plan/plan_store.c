/*
 * plan_store.c - writing a plan into the store and reading it back.
 *
 * Import replaces the plan with the same id inside one transaction: its
 * items are deleted (the foreign keys cascade down the tree) and written
 * again.  KPIs point at goals and measures through deferred foreign keys,
 * so they survive the rewrite as long as the ids come back; an id that does
 * not come back is reported before anything is touched.
 */
#include "core/compat.h"

#include "core/strmap.h"
#include "kiban/buf.h"
#include "kiban/plan.h"
#include "store/sql.h"

/* Collects every id of the new plan, to compare with the database. */
static void plan_ids(const struct kb_plan *p, struct kb__strmap *m)
{
	size_t i;
	kb__strmap_init(m);
	for (i = 0; i < p->nvisions; i++)
		kb__strmap_put(m, p->visions[i].id, i);
	for (i = 0; i < p->ngoals; i++)
		kb__strmap_put(m, p->goals[i].id, i);
	for (i = 0; i < p->nmeasures; i++)
		kb__strmap_put(m, p->measures[i].id, i);
	for (i = 0; i < p->nactions; i++)
		kb__strmap_put(m, p->actions[i].id, i);
	for (i = 0; i < p->nareas; i++)
		kb__strmap_put(m, p->areas[i].id, i);
	for (i = 0; i < p->nplatforms; i++)
		kb__strmap_put(m, p->platforms[i].id, i);
}

static int check_conflicts(struct kb_store *s, const struct kb_plan *p,
			   struct kb_err *err)
{
	static const char sql_owned[] =
		"SELECT id, plan_id FROM vision WHERE plan_id <> ?1 "
		"UNION ALL SELECT id, plan_id FROM goal WHERE plan_id <> ?1 "
		"UNION ALL SELECT m.id, g.plan_id FROM measure m JOIN goal g ON g.id = m.goal_id WHERE g.plan_id <> ?1 "
		"UNION ALL SELECT a.id, g.plan_id FROM action a JOIN measure m ON m.id = a.measure_id "
		"  JOIN goal g ON g.id = m.goal_id WHERE g.plan_id <> ?1 "
		"UNION ALL SELECT x.id, g.plan_id FROM priority_area x JOIN measure m ON m.id = x.measure_id "
		"  JOIN goal g ON g.id = m.goal_id WHERE g.plan_id <> ?1 "
		"UNION ALL SELECT x.id, g.plan_id FROM platform x JOIN measure m ON m.id = x.measure_id "
		"  JOIN goal g ON g.id = m.goal_id WHERE g.plan_id <> ?1";
	static const char sql_kpis[] =
		"SELECT k.id, coalesce(k.goal_id, k.measure_id) FROM kpi k "
		"WHERE k.goal_id IN (SELECT id FROM goal WHERE plan_id = ?1) "
		"   OR k.measure_id IN (SELECT m.id FROM measure m JOIN goal g ON g.id = m.goal_id WHERE g.plan_id = ?1) "
		"ORDER BY k.seq";
	struct kb__strmap ids;
	sqlite3_stmt *st;
	int bad = 0;

	plan_ids(p, &ids);
	if (!(st = kb__sql_prepare(s, sql_owned, err)))
		goto fail;
	kb__sql_bind_text(st, 1, p->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (kb__strmap_get(&ids, id) != KB_NONE) {
			kb_err_set(
				err, KB_EEXISTS,
				KB_TR(err->lang,
				      "id '%s' already belongs to plan '%s' in the database; ids must be unique across plans",
				      "ID '%s' はデータベースの計画 '%s' で使用済みです。ID は計画をまたいで一意にしてください"),
				id, (const char *)sqlite3_column_text(st, 1));
			bad = 1;
		}
	}
	sqlite3_finalize(st);
	if (!(st = kb__sql_prepare(s, sql_kpis, err)))
		goto fail;
	kb__sql_bind_text(st, 1, p->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *target = (const char *)sqlite3_column_text(st, 1);
		if (kb_plan_goal(p, target) == KB_NONE &&
		    kb_plan_measure(p, target) == KB_NONE) {
			kb_err_set(
				err, KB_EINVALID,
				KB_TR(err->lang,
				      "KPI '%s' is attached to '%s', which the new plan no longer has; attach the KPI elsewhere first",
				      "KPI '%s' が紐づく '%s' が新しい計画にありません。先に KPI の紐づけ先を変更してください"),
				(const char *)sqlite3_column_text(st, 0), target);
			bad = 1;
		}
	}
	sqlite3_finalize(st);
	kb__strmap_release(&ids);
	return bad ? KB_EINVALID : 0;
fail:
	kb__strmap_release(&ids);
	return KB_EDB;
}

/* Runs one prepared insert per item; a tiny helper keeps it readable. */
static int insert(struct kb_store *s, sqlite3_stmt *st, struct kb_err *err,
		  const char *fmt, ...)
{
	va_list ap;
	int i = 1;
	va_start(ap, fmt);
	for (; *fmt; fmt++, i++) {
		if (*fmt == 's')
			kb__sql_bind_text(st, i, va_arg(ap, const char *));
		else
			sqlite3_bind_int64(st, i,
					   (sqlite3_int64)va_arg(ap, long));
	}
	va_end(ap);
	return kb__sql_done(s, st, err);
}

static int write_plan(struct kb_store *s, const struct kb_plan *p,
		      const char *source, const char *actor, time_t now,
		      struct kb_err *err)
{
	static const char *const sql[] = {
		"DELETE FROM vision WHERE plan_id = ?1",
		"DELETE FROM goal WHERE plan_id = ?1",
		"INSERT INTO plan (id, name_ja, name_en, abbr, fy_from, fy_to, source, imported_at, imported_by) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET "
		"name_ja = excluded.name_ja, name_en = excluded.name_en, abbr = excluded.abbr, "
		"fy_from = excluded.fy_from, fy_to = excluded.fy_to, source = excluded.source, "
		"imported_at = excluded.imported_at, imported_by = excluded.imported_by",
		"INSERT INTO ministry (code, seq, name_ja, name_en, abbr) VALUES (?1, ?2, ?3, ?4, ?5) "
		"ON CONFLICT (code) DO UPDATE SET seq = excluded.seq, name_ja = excluded.name_ja, "
		"name_en = excluded.name_en, abbr = excluded.abbr",
		"INSERT INTO vision (id, plan_id, seq, name_ja, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
		"INSERT INTO goal (id, plan_id, seq, name_ja, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
		"INSERT INTO vision_goal (vision_id, goal_id, seq) VALUES (?1, ?2, ?3)",
		"INSERT INTO measure (id, goal_id, seq, name_ja, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
		"INSERT INTO action (id, measure_id, seq, text_ja, text_en) VALUES (?1, ?2, ?3, ?4, ?5)",
		"INSERT INTO action_ministry (action_id, ministry, seq, lead) VALUES (?1, ?2, ?3, ?4)",
		"INSERT INTO priority_area (id, measure_id, seq, name_ja, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
		"INSERT INTO platform (id, measure_id, seq, name_ja, name_en) VALUES (?1, ?2, ?3, ?4, ?5)",
		"INSERT INTO platform_link (platform_id, target_id, seq) VALUES (?1, ?2, ?3)",
	};
	enum {
		DEL_V,
		DEL_G,
		PLAN,
		MIN,
		VIS,
		GOAL,
		VG,
		MEAS,
		ACT,
		AMIN,
		AREA,
		PF,
		PFL,
		NSQL
	};
	sqlite3_stmt *st[NSQL] = { 0 };
	char when[32];
	size_t i, j;
	int r = 0;

	for (i = 0; i < NSQL; i++)
		if (!(st[i] = kb__sql_prepare(s, sql[i], err))) {
			r = KB_EDB;
			goto out;
		}
	kb__iso_time(now, when);
	if ((r = insert(s, st[DEL_V], err, "s", p->id)) ||
	    (r = insert(s, st[DEL_G], err, "s", p->id)) ||
	    (r = insert(s, st[PLAN], err, "ssssiisss", p->id, p->name_ja,
			p->name_en, p->abbr ? p->abbr : "", (long)p->fy_from,
			(long)p->fy_to, source, when, actor)))
		goto out;
	for (i = 0; i < p->nministries && !r; i++)
		r = insert(s, st[MIN], err, "sisss", p->ministries[i].code,
			   (long)i, p->ministries[i].name_ja,
			   p->ministries[i].name_en, p->ministries[i].abbr);
	for (i = 0; i < p->nvisions && !r; i++)
		r = insert(s, st[VIS], err, "ssiss", p->visions[i].id, p->id,
			   (long)i, p->visions[i].name_ja, p->visions[i].name_en);
	for (i = 0; i < p->ngoals && !r; i++)
		r = insert(s, st[GOAL], err, "ssiss", p->goals[i].id, p->id,
			   (long)i, p->goals[i].name_ja, p->goals[i].name_en);
	for (i = 0; i < p->nvisions && !r; i++)
		for (j = 0; j < p->visions[i].ngoals && !r; j++)
			r = insert(s, st[VG], err, "ssi", p->visions[i].id,
				   p->goals[p->visions[i].goals[j]].id, (long)j);
	for (i = 0; i < p->nmeasures && !r; i++)
		r = insert(s, st[MEAS], err, "ssiss", p->measures[i].id,
			   p->goals[p->measures[i].goal].id, (long)i,
			   p->measures[i].name_ja, p->measures[i].name_en);
	for (i = 0; i < p->nactions && !r; i++) {
		const struct kb_action *a = &p->actions[i];
		r = insert(s, st[ACT], err, "ssiss", a->id,
			   p->measures[a->measure].id, (long)i, a->text_ja,
			   a->text_en);
		for (j = 0; j < a->nmin && !r; j++)
			r = insert(s, st[AMIN], err, "ssii", a->id,
				   p->ministries[a->min[j].ministry].code,
				   (long)j, (long)a->min[j].lead);
	}
	for (i = 0; i < p->nareas && !r; i++)
		r = insert(s, st[AREA], err, "ssiss", p->areas[i].id,
			   p->measures[p->areas[i].measure].id, (long)i,
			   p->areas[i].name_ja, p->areas[i].name_en);
	for (i = 0; i < p->nplatforms && !r; i++) {
		const struct kb_platform *f = &p->platforms[i];
		r = insert(s, st[PF], err, "ssiss", f->id,
			   p->measures[f->measure].id, (long)i, f->name_ja,
			   f->name_en);
		for (j = 0; j < f->nrelated && !r; j++)
			r = insert(s, st[PFL], err, "ssi", f->id, f->related[j],
				   (long)j);
	}
out:
	for (i = 0; i < NSQL; i++)
		sqlite3_finalize(st[i]);
	return r;
}

int kb_plan_import(struct kb_store *s, const struct kb_plan *p,
		   const char *source, const char *actor, time_t now,
		   struct kb_err *err)
{
	int r;
	if ((r = kb_store_begin(s, err)))
		return r;
	if (!(r = check_conflicts(s, p, err)))
		r = write_plan(s, p, source, actor, now, err);
	return kb_store_end(s, r, err);
}

/* Loading. */

static int load_named(struct kb_store *s, const char *sql, const char *plan_id,
		      struct kb_err *err,
		      void (*row)(struct kb_plan *, sqlite3_stmt *),
		      struct kb_plan *p)
{
	sqlite3_stmt *st = kb__sql_prepare(s, sql, err);
	int rc;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, plan_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(p, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kb__sql_fail(err, kb_store_sqlite(s), "plan");
	return 0;
}

#define GROW(arr, n) ((arr) = kb_realloc((arr), ((n) + 1) * sizeof(*(arr))))

static void row_ministry(struct kb_plan *p, sqlite3_stmt *st)
{
	struct kb_ministry *m;
	GROW(p->ministries, p->nministries);
	m = &p->ministries[p->nministries++];
	m->code = kb__sql_text(st, 0);
	m->name_ja = kb__sql_text(st, 1);
	m->name_en = kb__sql_text(st, 2);
	m->abbr = kb__sql_text(st, 3);
}

static void row_vision(struct kb_plan *p, sqlite3_stmt *st)
{
	struct kb_vision *v;
	GROW(p->visions, p->nvisions);
	v = &p->visions[p->nvisions++];
	memset(v, 0, sizeof(*v));
	v->id = kb__sql_text(st, 0);
	v->name_ja = kb__sql_text(st, 1);
	v->name_en = kb__sql_text(st, 2);
}

static void row_goal(struct kb_plan *p, sqlite3_stmt *st)
{
	struct kb_goal *g;
	GROW(p->goals, p->ngoals);
	g = &p->goals[p->ngoals++];
	g->id = kb__sql_text(st, 0);
	g->name_ja = kb__sql_text(st, 1);
	g->name_en = kb__sql_text(st, 2);
	g->vision = KB_NONE;
}

static void row_vision_goal(struct kb_plan *p, sqlite3_stmt *st)
{
	const char *vid = (const char *)sqlite3_column_text(st, 0);
	size_t gi = kb_plan_goal(p, (const char *)sqlite3_column_text(st, 1)), vi;
	for (vi = 0; vi < p->nvisions; vi++)
		if (!strcmp(p->visions[vi].id, vid))
			break;
	if (vi == p->nvisions || gi == KB_NONE)
		return;
	GROW(p->visions[vi].goals, p->visions[vi].ngoals);
	p->visions[vi].goals[p->visions[vi].ngoals++] = gi;
	if (p->goals[gi].vision == KB_NONE)
		p->goals[gi].vision = vi;
}

static void row_measure(struct kb_plan *p, sqlite3_stmt *st)
{
	struct kb_measure *m;
	GROW(p->measures, p->nmeasures);
	m = &p->measures[p->nmeasures];
	m->id = kb__sql_text(st, 0);
	m->goal = kb_plan_goal(p, (const char *)sqlite3_column_text(st, 1));
	m->name_ja = kb__sql_text(st, 2);
	m->name_en = kb__sql_text(st, 3);
	p->nmeasures++;
}

static void row_action(struct kb_plan *p, sqlite3_stmt *st)
{
	struct kb_action *a;
	GROW(p->actions, p->nactions);
	a = &p->actions[p->nactions++];
	memset(a, 0, sizeof(*a));
	a->id = kb__sql_text(st, 0);
	a->measure = kb_plan_measure(p, (const char *)sqlite3_column_text(st, 1));
	a->text_ja = kb__sql_text(st, 2);
	a->text_en = kb__sql_text(st, 3);
}

static void row_action_ministry(struct kb_plan *p, sqlite3_stmt *st)
{
	const char *aid = (const char *)sqlite3_column_text(st, 0);
	struct kb_action *a = NULL;
	size_t i;
	/* rows come ordered by action seq: the action is usually the last */
	for (i = p->nactions; i-- > 0;)
		if (!strcmp(p->actions[i].id, aid)) {
			a = &p->actions[i];
			break;
		}
	if (!a)
		return;
	GROW(a->min, a->nmin);
	a->min[a->nmin].ministry =
		kb_plan_ministry(p, (const char *)sqlite3_column_text(st, 1));
	a->min[a->nmin++].lead = sqlite3_column_int(st, 2);
}

static void row_area(struct kb_plan *p, sqlite3_stmt *st)
{
	struct kb_area *a;
	GROW(p->areas, p->nareas);
	a = &p->areas[p->nareas++];
	a->id = kb__sql_text(st, 0);
	a->measure = kb_plan_measure(p, (const char *)sqlite3_column_text(st, 1));
	a->name_ja = kb__sql_text(st, 2);
	a->name_en = kb__sql_text(st, 3);
}

static void row_platform(struct kb_plan *p, sqlite3_stmt *st)
{
	struct kb_platform *f;
	GROW(p->platforms, p->nplatforms);
	f = &p->platforms[p->nplatforms++];
	memset(f, 0, sizeof(*f));
	f->id = kb__sql_text(st, 0);
	f->measure = kb_plan_measure(p, (const char *)sqlite3_column_text(st, 1));
	f->name_ja = kb__sql_text(st, 2);
	f->name_en = kb__sql_text(st, 3);
}

static void row_platform_link(struct kb_plan *p, sqlite3_stmt *st)
{
	const char *pid = (const char *)sqlite3_column_text(st, 0);
	size_t i;
	for (i = 0; i < p->nplatforms; i++)
		if (!strcmp(p->platforms[i].id, pid)) {
			struct kb_platform *f = &p->platforms[i];
			GROW(f->related, f->nrelated);
			f->related[f->nrelated++] = kb__sql_text(st, 1);
			return;
		}
}

int kb_plan_load(struct kb_store *s, const char *plan_id, struct kb_plan *p,
		 struct kb_err *err)
{
	static const char sql_plan[] =
		"SELECT id, name_ja, name_en, abbr, fy_from, fy_to FROM plan "
		"WHERE ?1 IS NULL OR id = ?1 ORDER BY fy_from DESC, id LIMIT 1";
	static const struct {
		const char *sql;
		void (*row)(struct kb_plan *, sqlite3_stmt *);
	} parts[] = {
		{ "SELECT code, name_ja, name_en, abbr FROM ministry ORDER BY seq, code",
		  row_ministry },
		{ "SELECT id, name_ja, name_en FROM vision WHERE plan_id = ?1 ORDER BY seq",
		  row_vision },
		{ "SELECT id, name_ja, name_en FROM goal WHERE plan_id = ?1 ORDER BY seq",
		  row_goal },
		{ "SELECT vg.vision_id, vg.goal_id FROM vision_goal vg JOIN vision v ON v.id = vg.vision_id "
		  "WHERE v.plan_id = ?1 ORDER BY v.seq, vg.seq",
		  row_vision_goal },
		{ "SELECT m.id, m.goal_id, m.name_ja, m.name_en FROM measure m JOIN goal g ON g.id = m.goal_id "
		  "WHERE g.plan_id = ?1 ORDER BY m.seq",
		  row_measure },
		{ "SELECT a.id, a.measure_id, a.text_ja, a.text_en FROM action a JOIN measure m ON m.id = a.measure_id "
		  "JOIN goal g ON g.id = m.goal_id WHERE g.plan_id = ?1 ORDER BY a.seq",
		  row_action },
		{ "SELECT am.action_id, am.ministry, am.lead FROM action_ministry am JOIN action a ON a.id = am.action_id "
		  "JOIN measure m ON m.id = a.measure_id JOIN goal g ON g.id = m.goal_id "
		  "WHERE g.plan_id = ?1 ORDER BY a.seq, am.seq",
		  row_action_ministry },
		{ "SELECT x.id, x.measure_id, x.name_ja, x.name_en FROM priority_area x JOIN measure m ON m.id = x.measure_id "
		  "JOIN goal g ON g.id = m.goal_id WHERE g.plan_id = ?1 ORDER BY x.seq",
		  row_area },
		{ "SELECT x.id, x.measure_id, x.name_ja, x.name_en FROM platform x JOIN measure m ON m.id = x.measure_id "
		  "JOIN goal g ON g.id = m.goal_id WHERE g.plan_id = ?1 ORDER BY x.seq",
		  row_platform },
		{ "SELECT l.platform_id, l.target_id FROM platform_link l JOIN platform x ON x.id = l.platform_id "
		  "JOIN measure m ON m.id = x.measure_id JOIN goal g ON g.id = m.goal_id "
		  "WHERE g.plan_id = ?1 ORDER BY x.seq, l.seq",
		  row_platform_link },
	};
	sqlite3_stmt *st;
	size_t i;
	int r = 0;

	kb_plan_init(p);
	if (!(st = kb__sql_prepare(s, sql_plan, err)))
		return KB_EDB;
	kb__sql_bind_text(st, 1, plan_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (plan_id)
			return kb_err_set(
				err, KB_ENOTFOUND,
				KB_TR(err->lang, "no plan '%s' in database '%s'",
				      "データベース '%2$s' に計画 '%1$s' がありません"),
				plan_id, kb_store_path(s));
		return kb_err_set(
			err, KB_ENOTFOUND,
			KB_TR(err->lang,
			      "database '%s' holds no plan yet; import one with 'kiban plan import FILE'",
			      "データベース '%s' に計画がまだありません。'kiban plan import FILE' で取り込んでください"),
			kb_store_path(s));
	}
	p->id = kb__sql_text(st, 0);
	p->name_ja = kb__sql_text(st, 1);
	p->name_en = kb__sql_text(st, 2);
	p->abbr = kb__sql_text(st, 3);
	p->fy_from = sqlite3_column_int(st, 4);
	p->fy_to = sqlite3_column_int(st, 5);
	sqlite3_finalize(st);

	for (i = 0; i < KB_ARRAY_SIZE(parts) && !r; i++)
		r = load_named(s, parts[i].sql, p->id, err, parts[i].row, p);
	if (r)
		kb_plan_release(p);
	return r;
}
