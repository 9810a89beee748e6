/*
 * incident.c - the supply council's incident log, and the figures it and
 * the stock reports give the plan's KPIs.
 *
 * An incident names the device, the prefectures affected (none: the whole
 * country), who reported it and the cause.  It moves forward through
 * reported -> assessing -> mitigating -> resolved (steps may be skipped; a
 * resolved incident may be reopened to assessing).  Every change, action
 * and note is an event of its timeline, with who and when; linked alerts
 * keep the reason they gave when they were linked.  Nothing is deleted.
 */
#include "core/compat.h"

#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

const char *const kb_incident_causes[] = { "manufacturing", "raw_material",
					   "logistics",	    "demand_surge",
					   "regulatory",    "quality_recall" };
const size_t kb_nincident_causes = KB_ARRAY_SIZE(kb_incident_causes);

static const char *const cause_names[][2] = {
	{ "製造上の問題", "manufacturing" },
	{ "原材料の不足", "raw material" },
	{ "物流の問題", "logistics" },
	{ "需要の急増", "demand surge" },
	{ "規制上の問題", "regulatory" },
	{ "品質問題・回収", "quality or recall" },
};

static const char *const state_names[][3] = {
	{ "reported", "報告受付", "reported" },
	{ "assessing", "評価中", "assessing" },
	{ "mitigating", "対応中", "mitigating" },
	{ "resolved", "解決", "resolved" },
};

const char *kb_incident_state_key(enum kb_incident_state s)
{
	return state_names[s][0];
}

const char *kb_incident_state_name(enum kb_incident_state s, enum kb_lang lang)
{
	return state_names[s][lang == KB_LANG_JA ? 1 : 2];
}

int kb_incident_state_parse(const char *s)
{
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(state_names); i++)
		if (!strcasecmp(s, state_names[i][0]) ||
		    !strcmp(s, state_names[i][1]))
			return (int)i;
	return -1;
}

static int cause_index(const char *c)
{
	size_t i;
	for (i = 0; i < kb_nincident_causes; i++)
		if (!strcmp(c, kb_incident_causes[i]) ||
		    !strcmp(c, cause_names[i][0]))
			return (int)i;
	return -1;
}

const char *kb_incident_cause_name(const char *cause, enum kb_lang lang)
{
	int i = cause_index(cause);
	return i < 0 ? cause : cause_names[i][lang == KB_LANG_JA ? 0 : 1];
}

static int add_event(struct kb_store *s, long id, const char *when,
		     const char *actor, const char *kind, const char *state,
		     const char *text, struct kb_err *err)
{
	return kb__sql_run(
		s, err,
		"INSERT INTO incident_event (incident, seq, at, by, "
		"kind, state, text) VALUES (?1, (SELECT count(*) FROM "
		"incident_event WHERE incident = ?1), ?2, ?3, ?4, ?5, "
		"?6)",
		"lttttt", id, when, actor, kind, state, text ? text : "");
}

int kb_incident_open(struct kb_store *s, const struct kb_incident_new *in,
		     const char *actor, time_t now, long *id, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	sqlite3_stmt *st;
	char when[32];
	int ci, r;
	size_t i;

	*id = 0;
	if (!in->title || !*in->title)
		return kb_err_set(err, KB_EUSAGE, "%s",
				  KB_TR(L, "an incident needs a title",
					"事案には件名が必要です"));
	if (!in->reported_by || !*in->reported_by)
		return kb_err_set(err, KB_EUSAGE, "%s",
				  KB_TR(L, "an incident needs who reported it",
					"事案には報告者が必要です"));
	if ((ci = in->cause ? cause_index(in->cause) : -1) < 0) {
		struct kb_buf known = KB_BUF_INIT;
		for (i = 0; i < kb_nincident_causes; i++)
			kb_buf_addf(&known, "%s%s", i ? ", " : "",
				    kb_incident_causes[i]);
		r = kb_err_set(
			err, KB_EINVALID,
			KB_TR(L, "'%s' is not a cause (expected one of %s)",
			      "'%s' は原因の区分ではありません（%s のいずれか）"),
			in->cause ? in->cause : "", known.buf);
		kb_buf_release(&known);
		return r;
	}
	for (i = 0; i < in->nprefs; i++)
		if (in->prefs[i] < 1 || in->prefs[i] > KB_NPREF)
			return kb_err_set(
				err, KB_EINVALID,
				KB_TR(L, "%d is not a prefecture code (01-47)",
				      "%d は都道府県コードではありません（01〜47）"),
				in->prefs[i]);
	if ((r = kb_store_begin(s, err)))
		return r;
	kb__iso_time(now, when);
	r = kb__sql_run(s, err,
			"INSERT INTO incident (device, title, cause, state, "
			"reported_by, opened_at, opened_by) SELECT n, ?2, ?3, "
			"'reported', ?4, ?5, ?6 FROM device WHERE code = ?1",
			"tttttt", in->device, in->title, kb_incident_causes[ci],
			in->reported_by, when, actor);
	if (!r && !sqlite3_changes(kb_store_sqlite(s)))
		r = kb_err_set(err, KB_ENOTFOUND,
			       KB_TR(L, "no device with code '%s'",
				     "コード '%s' の機器はありません"),
			       in->device ? in->device : "");
	if (!r) {
		*id = (long)sqlite3_last_insert_rowid(kb_store_sqlite(s));
		st = kb__sql_prepare(s,
				     "INSERT OR IGNORE INTO incident_region "
				     "(incident, prefecture) VALUES (?1, ?2)",
				     err);
		r = st ? 0 : KB_EDB;
		for (i = 0; !r && i < in->nprefs; i++) {
			sqlite3_bind_int64(st, 1, *id);
			sqlite3_bind_int(st, 2, in->prefs[i]);
			r = kb__sql_done(s, st, err);
		}
		sqlite3_finalize(st);
	}
	if (!r)
		r = add_event(s, *id, when, actor, "open", "reported",
			      in->note ? in->note : in->title, err);
	if (r)
		*id = 0;
	return kb_store_end(s, r, err);
}

static int current_state(struct kb_store *s, long id, int *state,
			 struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_query(
		s, err, "SELECT state FROM incident WHERE n = ?1", "l", id);
	if (!st)
		return KB_EDB;
	*state = sqlite3_step(st) == SQLITE_ROW
			 ? kb_incident_state_parse(
				   (const char *)sqlite3_column_text(st, 0))
			 : -1;
	sqlite3_finalize(st);
	if (*state < 0)
		return kb_err_set(err, KB_ENOTFOUND,
				  KB_TR(err->lang, "no incident number %ld",
					"事案番号 %ld はありません"),
				  id);
	return 0;
}

int kb_incident_set_state(struct kb_store *s, long id,
			  enum kb_incident_state to, const char *note,
			  const char *actor, time_t now, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	char when[32];
	int from, r;

	if ((r = kb_store_begin(s, err)))
		return r;
	if ((r = current_state(s, id, &from, err)))
		return kb_store_end(s, r, err);
	if (!((int)to > from ||
	      (from == KB_INC_RESOLVED && to == KB_INC_ASSESSING)))
		return kb_store_end(
			s,
			kb_err_set(
				err, KB_ESTATE,
				KB_TR(L, "incident %ld is %s and cannot move to %s (states go forward: reported, assessing, mitigating, resolved; a resolved incident can be reopened to assessing)",
				      "事案 %ld は「%s」で、「%s」には移れません（状態は 報告受付→評価中→対応中→解決 と進みます。解決済みの事案は評価中に戻せます）"),
				id,
				kb_incident_state_name(
					(enum kb_incident_state)from, L),
				kb_incident_state_name(to, L)),
			err);
	kb__iso_time(now, when);
	r = kb__sql_run(s, err,
			"UPDATE incident SET state = ?2, resolved_at = CASE "
			"WHEN ?2 = 'resolved' THEN ?3 ELSE NULL END WHERE n = ?1",
			"ltt", id, kb_incident_state_key(to), when);
	if (!r)
		r = add_event(s, id, when, actor, "state",
			      kb_incident_state_key(to), note, err);
	return kb_store_end(s, r, err);
}

int kb_incident_log(struct kb_store *s, long id, const char *kind,
		    const char *text, const char *actor, time_t now,
		    struct kb_err *err)
{
	char when[32];
	int state, r;
	if (!text || !*text)
		return kb_err_set(
			err, KB_EUSAGE, "%s",
			KB_TR(err->lang, "the text is empty", "内容が空です"));
	if ((r = kb_store_begin(s, err)))
		return r;
	if ((r = current_state(s, id, &state, err)))
		return kb_store_end(s, r, err);
	kb__iso_time(now, when);
	return kb_store_end(
		s,
		add_event(s, id, when, actor, kind,
			  kb_incident_state_key((enum kb_incident_state)state),
			  text, err),
		err);
}

int kb_incident_link(struct kb_store *s, long id, const char *alert_key,
		     const char *reason, const char *actor, time_t now,
		     struct kb_err *err)
{
	char when[32];
	int state, r;

	if ((r = kb_store_begin(s, err)))
		return r;
	if ((r = current_state(s, id, &state, err)))
		return kb_store_end(s, r, err);
	r = kb__sql_run(s, err,
			"INSERT INTO incident_alert (incident, alert, reason) "
			"VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
			"ltt", id, alert_key, reason ? reason : "");
	if (!r && sqlite3_changes(kb_store_sqlite(s))) {
		struct kb_buf t = KB_BUF_INIT;
		kb_buf_addf(&t, "%s: %s", alert_key, reason ? reason : "");
		kb__iso_time(now, when);
		r = add_event(s, id, when, actor, "alert",
			      kb_incident_state_key((enum kb_incident_state)state),
			      t.buf, err);
		kb_buf_release(&t);
	}
	return kb_store_end(s, r, err);
}

static char *text(sqlite3_stmt *st, int i)
{
	char *t = kb__sql_text(st, i);
	return t ? t : kb_strdup("");
}

void kb_incidents_release(struct kb_incidents *v)
{
	size_t i, j;
	for (i = 0; i < v->n; i++) {
		struct kb_incident *x = &v->v[i];
		free(x->device);
		free(x->title);
		free(x->cause);
		free(x->reported_by);
		free(x->opened_at);
		free(x->opened_by);
		free(x->resolved_at);
		free(x->prefs);
		for (j = 0; j < x->nalerts; j++)
			free(x->alerts[j]);
		free(x->alerts);
		for (j = 0; j < x->nevents; j++) {
			free(x->events[j].at);
			free(x->events[j].by);
			free(x->events[j].kind);
			free(x->events[j].state);
			free(x->events[j].text);
		}
		free(x->events);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}

int kb_incident_load(struct kb_store *s, long id, struct kb_incidents *out,
		     struct kb_err *err)
{
	sqlite3_stmt *st, *reg = NULL, *al = NULL, *ev = NULL;
	size_t i;
	int r = 0;

	memset(out, 0, sizeof(*out));
	st = kb__sql_prepare(
		s,
		"SELECT i.n, d.code, i.title, i.cause, i.state, i.reported_by, "
		"i.opened_at, i.opened_by, i.resolved_at FROM incident i "
		"JOIN device d ON d.n = i.device WHERE ?1 = 0 OR i.n = ?1 "
		"ORDER BY i.n",
		err);
	if (!st)
		return KB_EDB;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct kb_incident *x;
		KB_ALLOC_GROW(out->v, out->n + 1, out->alloc);
		x = &out->v[out->n++];
		memset(x, 0, sizeof(*x));
		x->id = (long)sqlite3_column_int64(st, 0);
		x->device = text(st, 1);
		x->title = text(st, 2);
		x->cause = text(st, 3);
		x->state = (enum kb_incident_state)kb_incident_state_parse(
			(const char *)sqlite3_column_text(st, 4));
		x->reported_by = text(st, 5);
		x->opened_at = text(st, 6);
		x->opened_by = kb__sql_text(st, 7);
		x->resolved_at = kb__sql_text(st, 8);
	}
	sqlite3_finalize(st);
	if (id && !out->n)
		return kb_err_set(err, KB_ENOTFOUND,
				  KB_TR(err->lang, "no incident number %ld",
					"事案番号 %ld はありません"),
				  id);
	reg = kb__sql_prepare(s,
			      "SELECT prefecture FROM incident_region WHERE "
			      "incident = ?1 ORDER BY prefecture",
			      err);
	al = kb__sql_prepare(s,
			     "SELECT alert FROM incident_alert WHERE incident = "
			     "?1 ORDER BY alert",
			     err);
	ev = kb__sql_prepare(s,
			     "SELECT at, by, kind, state, text FROM incident_event "
			     "WHERE incident = ?1 ORDER BY seq",
			     err);
	if (!reg || !al || !ev)
		r = KB_EDB;
	for (i = 0; !r && i < out->n; i++) {
		struct kb_incident *x = &out->v[i];
		size_t a1 = 0, a2 = 0, a3 = 0;
		sqlite3_bind_int64(reg, 1, x->id);
		while (sqlite3_step(reg) == SQLITE_ROW) {
			KB_ALLOC_GROW(x->prefs, x->nprefs + 1, a1);
			x->prefs[x->nprefs++] = sqlite3_column_int(reg, 0);
		}
		sqlite3_reset(reg);
		sqlite3_bind_int64(al, 1, x->id);
		while (sqlite3_step(al) == SQLITE_ROW) {
			KB_ALLOC_GROW(x->alerts, x->nalerts + 1, a2);
			x->alerts[x->nalerts++] = text(al, 0);
		}
		sqlite3_reset(al);
		sqlite3_bind_int64(ev, 1, x->id);
		while (sqlite3_step(ev) == SQLITE_ROW) {
			struct kb_incident_event *e;
			KB_ALLOC_GROW(x->events, x->nevents + 1, a3);
			e = &x->events[x->nevents++];
			e->at = text(ev, 0);
			e->by = text(ev, 1);
			e->kind = text(ev, 2);
			e->state = text(ev, 3);
			e->text = text(ev, 4);
		}
		sqlite3_reset(ev);
	}
	sqlite3_finalize(reg);
	sqlite3_finalize(al);
	sqlite3_finalize(ev);
	if (r)
		kb_incidents_release(out);
	return r;
}

json_t *kb_incident_to_json(const struct kb_incident *x)
{
	json_t *j = json_object(), *a;
	size_t i;
	json_object_set_new(j, "id", json_integer(x->id));
	json_object_set_new(j, "device", json_string(x->device));
	json_object_set_new(j, "title", json_string(x->title));
	json_object_set_new(j, "cause", json_string(x->cause));
	json_object_set_new(j, "state",
			    json_string(kb_incident_state_key(x->state)));
	json_object_set_new(j, "reported_by", json_string(x->reported_by));
	json_object_set_new(j, "opened_at", json_string(x->opened_at));
	json_object_set_new(j, "opened_by",
			    x->opened_by ? json_string(x->opened_by)
					 : json_null());
	json_object_set_new(j, "resolved_at",
			    x->resolved_at ? json_string(x->resolved_at)
					   : json_null());
	a = json_array();
	for (i = 0; i < x->nprefs; i++)
		json_array_append_new(a, json_integer(x->prefs[i]));
	json_object_set_new(j, "prefectures", a);
	a = json_array();
	for (i = 0; i < x->nalerts; i++)
		json_array_append_new(a, json_string(x->alerts[i]));
	json_object_set_new(j, "alerts", a);
	a = json_array();
	for (i = 0; i < x->nevents; i++) {
		const struct kb_incident_event *e = &x->events[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}",
						   "at", e->at, "by", e->by,
						   "kind", e->kind, "state",
						   e->state, "text", e->text));
	}
	json_object_set_new(j, "timeline", a);
	return j;
}

/* ---- KPI figures ---- */

/* Days from one ISO 8601 UTC timestamp to another. */
static double days_between(const char *a, const char *b)
{
	struct tm ta, tb;
	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	if (!strptime(a, "%Y-%m-%dT%H:%M:%SZ", &ta) ||
	    !strptime(b, "%Y-%m-%dT%H:%M:%SZ", &tb))
		return -1;
	return difftime(timegm(&tb), timegm(&ta)) / 86400;
}

int kb_supply_kpis(struct kb_store *s, int fy, struct kb_supply_kpis *out,
		   struct kb_err *err)
{
	/* the fiscal year runs from April 1st to March 31st */
	char from[32], to[32];
	struct tm tm;
	sqlite3_stmt *st;
	int wfrom, wto;
	size_t nres = 0;
	double total = 0;

	memset(out, 0, sizeof(*out));
	out->fy = fy;
	out->mean_days_to_resolve = -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = fy - 1900;
	tm.tm_mon = 3;
	tm.tm_mday = 1;
	wfrom = (int)(timegm(&tm) / 86400);
	snprintf(from, sizeof(from), "%04d-04-01T00:00:00Z", fy % 10000);
	snprintf(to, sizeof(to), "%04d-04-01T00:00:00Z", (fy + 1) % 10000);
	tm.tm_year++;
	wto = (int)(timegm(&tm) / 86400);
	st = kb__sql_query(s, err,
			   "SELECT coalesce(sum(a.stockout_days), 0) FROM "
			   "stock_agg a JOIN device d ON d.n = a.device WHERE "
			   "d.essential = 1 AND a.prefecture = 0 AND a.week "
			   ">= ?1 AND a.week < ?2",
			   "ii", wfrom, wto);
	if (!st)
		return KB_EDB;
	if (sqlite3_step(st) == SQLITE_ROW)
		out->stockout_facility_days = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	st = kb__sql_query(s, err,
			   "SELECT opened_at, resolved_at FROM incident WHERE "
			   "opened_at >= ?1 AND opened_at < ?2",
			   "tt", from, to);
	if (!st)
		return KB_EDB;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *b = (const char *)sqlite3_column_text(st, 1);
		out->incidents_opened++;
		if (b) {
			double d = days_between(a, b);
			out->incidents_resolved++;
			if (d >= 0 && d <= 30)
				out->resolved_within_30++;
			if (d >= 0) {
				total += d;
				nres++;
			}
		}
	}
	sqlite3_finalize(st);
	if (nres)
		out->mean_days_to_resolve = total / nres;
	return 0;
}
