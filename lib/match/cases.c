/*
 * cases.c - accompaniment-support consultation cases (伴走支援): a support
 * body follows a venture phase by phase, from the idea to launch and
 * overseas, with its meetings, next actions and outcome; and the figures
 * that the plan's KPIs take from the cases and the matches.
 */
#include "core/compat.h"

#include "kiban/match.h"
#include "store/sql.h"

const char *const kb_case_phases[8] = { "idea",	    "prototype", "nonclinical",
					"clinical", "approval",	 "insurance",
					"launch",   "overseas" };

static const char *const phases_ja[8] = { "アイデア", "試作",	 "非臨床評価",
					  "臨床評価", "承認",	 "保険適用",
					  "上市",     "海外展開" };

const char *kb_case_phase_label(int phase, enum kb_lang lang)
{
	static const char *const en[8] = {
		"idea",
		"prototype",
		"non-clinical evaluation",
		"clinical evaluation",
		"approval",
		"insurance coverage",
		"launch",
		"overseas expansion",
	};
	if (phase < 0 || phase >= 8)
		return "?";
	return KB_TR(lang, en[phase], phases_ja[phase]);
}

int kb_case_phase_parse(const char *s)
{
	int i;
	for (i = 0; i < 8; i++)
		if (!strcmp(s, kb_case_phases[i]) || !strcmp(s, phases_ja[i]))
			return i;
	return -1;
}

static int bad_phase(struct kb_err *err, const char *p)
{
	return kb_err_set(
		err, KB_EINVALID,
		KB_TR(err->lang,
		      "'%s' is not a phase (idea, prototype, nonclinical, clinical, approval, insurance, launch, overseas)",
		      "'%s' はフェーズではありません（idea, prototype, nonclinical, clinical, approval, insurance, launch, overseas）"),
		p);
}

/* The organisation's number and kind; KB_ENOTFOUND when unknown. */
static int org_of(struct kb_store *s, const char *id, long *n, char **kind,
		  struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s, "SELECT n, kind FROM match_org WHERE id = ?", err);
	int r = 0;
	*n = 0; /* set on every path: callers read them only on success */
	if (kind)
		*kind = NULL;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = (long)sqlite3_column_int64(st, 0);
		if (kind)
			*kind = kb__sql_text(st, 1);
	} else {
		r = kb_err_set(err, KB_ENOTFOUND,
			       KB_TR(err->lang, "there is no organisation '%s'",
				     "組織 '%s' は登録されていません"),
			       id);
	}
	sqlite3_finalize(st);
	return r;
}

int kb_case_open(struct kb_store *s, const char *as, const char *venture,
		 const char *support, const char *title, const char *phase,
		 const char *topics, const char *actor, time_t now, long *id,
		 struct kb_err *err)
{
	long vn, sn;
	char *vk = NULL, *sk = NULL, when[32];
	int r;

	if (!phase || !*phase)
		phase = "idea";
	if (kb_case_phase_parse(phase) < 0)
		return bad_phase(err, phase);
	if (!venture || !*venture || !support || !*support)
		return kb_err_at(
			err, KB_EINVALID, NULL, 0, 0,
			!venture || !*venture ? "venture" : "support", "%s",
			KB_TR(err->lang,
			      "a case needs its venture and its support body",
			      "相談案件にはベンチャーと支援機関が必要です"));
	if (!title || !*title)
		return kb_err_at(err, KB_EINVALID, NULL, 0, 0, "title", "%s",
				 KB_TR(err->lang, "a case needs a title",
				       "相談案件には件名が必要です"));
	if ((r = org_of(s, venture, &vn, &vk, err)) ||
	    (r = org_of(s, support, &sn, &sk, err)))
		goto out;
	if (strcmp(sk, "support")) {
		r = kb_err_set(
			err, KB_EINVALID,
			KB_TR(err->lang,
			      "'%s' is not a support body (its kind is %s)",
			      "'%s' は支援機関ではありません（種別は %s）"),
			support, sk);
		goto out;
	}
	if (as && strcmp(as, support)) {
		r = kb_err_set(
			err, KB_EDENIED,
			KB_TR(err->lang,
			      "only the support body '%s' opens its cases, not '%s'",
			      "相談案件を開けるのは支援機関 '%s' だけです（'%s' は不可）"),
			support, as);
		goto out;
	}
	kb__iso_time(now, when);
	if ((r = kb_store_begin(s, err)))
		goto out;
	r = kb__sql_run(s, err,
			"INSERT INTO consult_case (venture, support, title, "
			"phase, topics, opened_at, created_by, opened_phase) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4)",
			"llttttt", vn, sn, title,
			kb_case_phases[kb_case_phase_parse(phase)],
			topics ? topics : "", when, actor ? actor : "");
	if (!r)
		*id = (long)sqlite3_last_insert_rowid(kb_store_sqlite(s));
	r = kb_store_end(s, r, err);
out:
	free(vk);
	free(sk);
	return r;
}

/* Whether as may act on case id (a party, or the administrator). */
static int case_party(struct kb_store *s, const char *as, long id, int *closed,
		      struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT v.id, p.id, c.closed_at IS NOT NULL FROM consult_case c "
		"JOIN match_org v ON v.n = c.venture JOIN match_org p "
		"ON p.n = c.support WHERE c.n = ?",
		err);
	int r = 0;
	if (!st)
		return KB_EDB;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		r = kb_err_set(err, KB_ENOTFOUND,
			       KB_TR(err->lang, "there is no case %ld",
				     "相談案件 %ld はありません"),
			       id);
	else if (as && strcmp(as, (const char *)sqlite3_column_text(st, 0)) &&
		 strcmp(as, (const char *)sqlite3_column_text(st, 1)))
		r = kb_err_set(
			err, KB_EDENIED,
			KB_TR(err->lang,
			      "organisation '%s' is not a party to case %ld",
			      "組織 '%s' は相談案件 %ld の当事者ではありません"),
			as, id);
	else if (closed)
		*closed = sqlite3_column_int(st, 2);
	sqlite3_finalize(st);
	return r;
}

static int valid_date(const char *d)
{
	int y, m, dd, n = 0;
	return d && sscanf(d, "%4d-%2d-%2d%n", &y, &m, &dd, &n) == 3 &&
	       n == 10 && !d[10] && m >= 1 && m <= 12 && dd >= 1 && dd <= 31;
}

int kb_case_event(struct kb_store *s, const char *as, long id, const char *kind,
		  const char *phase, const char *text, const char *due,
		  const char *actor, time_t now, struct kb_err *err)
{
	static const char *const kinds[] = { "meeting", "phase", "action",
					     "done", "outcome" };
	char when[32];
	size_t k;
	int r, closed = 0, ph = -1;

	for (k = 0; k < KB_ARRAY_SIZE(kinds) && strcmp(kind, kinds[k]); k++)
		;
	if (k == KB_ARRAY_SIZE(kinds))
		return kb_err_set(err, KB_EUSAGE, "unknown case event '%s'",
				  kind);
	if ((r = case_party(s, as, id, &closed, err)))
		return r;
	if (closed)
		return kb_err_set(err, KB_ESTATE,
				  KB_TR(err->lang, "case %ld is closed",
					"相談案件 %ld は終了しています"),
				  id);
	if (!strcmp(kind, "phase") &&
	    (!phase || (ph = kb_case_phase_parse(phase)) < 0))
		return bad_phase(err, phase ? phase : "");
	if (!strcmp(kind, "action") && !valid_date(due))
		return kb_err_set(
			err, KB_EINVALID,
			KB_TR(err->lang,
			      "a next action needs its due date as YYYY-MM-DD, not '%s'",
			      "次のアクションには期日（YYYY-MM-DD）が必要です（'%s' は不可）"),
			due ? due : "");
	if (strcmp(kind, "phase") && (!text || !*text))
		return kb_err_set(err, KB_EINVALID, "%s",
				  KB_TR(err->lang,
					"say what happened (the text is empty)",
					"内容を書いてください（空です）"));
	kb__iso_time(now, when);
	if ((r = kb_store_begin(s, err)))
		return r;
	r = kb__sql_run(s, err,
			"INSERT INTO consult_event (\"case\", kind, at, phase, "
			"text, due, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
			"ltttttt", id, kind, when,
			ph >= 0 ? kb_case_phases[ph] : NULL, text ? text : "",
			due, actor ? actor : "");
	if (!r && ph >= 0)
		r = kb__sql_run(s, err,
				"UPDATE consult_case SET phase = ? WHERE n = ?",
				"tl", kb_case_phases[ph], id);
	if (!r && !strcmp(kind, "outcome"))
		r = kb__sql_run(s, err,
				"UPDATE consult_case SET outcome = ?, "
				"closed_at = ? WHERE n = ?",
				"ttl", text, when, id);
	return kb_store_end(s, r, err);
}

#define CASE_COLUMNS                                                             \
	"SELECT c.n AS id, v.id AS venture, p.id AS support, c.title, c.phase, " \
	"c.topics, c.opened_at, c.closed_at, c.outcome, "                        \
	"(SELECT count(*) FROM consult_event e WHERE e.\"case\" = c.n AND "      \
	"e.kind = 'meeting') AS meetings, "                                      \
	"(SELECT min(e.due) FROM consult_event e WHERE e.\"case\" = c.n AND "    \
	"e.kind = 'action' AND NOT EXISTS (SELECT 1 FROM consult_event d "       \
	"WHERE d.\"case\" = c.n AND d.kind = 'done' AND d.text = "               \
	"CAST(e.n AS TEXT))) AS next_due "                                       \
	"FROM consult_case c JOIN match_org v ON v.n = c.venture "               \
	"JOIN match_org p ON p.n = c.support "

int kb_case_list(struct kb_store *s, const char *as, json_t **out,
		 struct kb_err *err)
{
	return kb__sql_json(
		s, err, out,
		CASE_COLUMNS
		"WHERE ?1 IS NULL OR v.id = ?1 OR p.id = ?1 ORDER BY c.n",
		"t", as);
}

int kb_case_show(struct kb_store *s, const char *as, long id, json_t **out,
		 struct kb_err *err)
{
	json_t *rows, *events;
	int r;
	if ((r = case_party(s, as, id, NULL, err)) ||
	    (r = kb__sql_json(s, err, &rows, CASE_COLUMNS "WHERE c.n = ?", "l",
			      id)))
		return r;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if ((r = kb__sql_json(s, err, &events,
			      "SELECT n AS event, kind, at, phase, text, due, "
			      "created_by FROM consult_event WHERE \"case\" = ? "
			      "ORDER BY n",
			      "l", id))) {
		json_decref(*out);
		return r;
	}
	json_object_set_new(*out, "events", events);
	return 0;
}

/* A number from sql over the window [?1, ?2) of ISO times; NaN if none. */
static double scalar(struct kb_store *s, const char *sql, const char *from,
		     const char *to, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(s, sql, err);
	double v = NAN;
	if (!st)
		return NAN;
	kb__sql_bind_text(st, 1, from);
	kb__sql_bind_text(st, 2, to);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* When each venture first reached launch: a case opened at launch or
 * later, or a change of phase to it. */
#define LAUNCHED                                                              \
	"SELECT c.venture, min(x.at) AS at FROM consult_case c JOIN ("        \
	"SELECT n AS c, opened_at AS at, coalesce(opened_phase, phase) AS p " \
	"FROM consult_case UNION ALL SELECT \"case\", at, phase "             \
	"FROM consult_event WHERE kind = 'phase') x ON x.c = c.n "            \
	"WHERE x.p IN ('launch', 'overseas') GROUP BY c.venture"
/* When each need was first matched. */
#define FIRST_MATCH                                                      \
	"SELECT l.need, min(l.created_at) AS at, n.created_at AS since " \
	"FROM match_link l JOIN need n ON n.n = l.need GROUP BY l.need"

const char *const kb_match_kpi_figures[] = {
	"matches",
	"needs",
	"needs_matched",
	"ventures_supported",
	"ventures_launched",
	"days_to_first_match_median",
	NULL,
};

int kb_match_kpi(struct kb_store *s, int fy, json_t **out, struct kb_err *err)
{
	static const struct {
		const char *key, *sql;
	} figures[] = {
		{ "matches", "SELECT count(*) FROM match_link "
			     "WHERE created_at >= ?1 AND created_at < ?2" },
		{ "needs", "SELECT count(*) FROM need "
			   "WHERE created_at >= ?1 AND created_at < ?2" },
		{ "needs_matched", "SELECT count(*) FROM (" FIRST_MATCH ") "
				   "WHERE at >= ?1 AND at < ?2" },
		{ "ventures_supported",
		  "SELECT count(DISTINCT venture) FROM consult_case WHERE "
		  "opened_at < ?2 AND (closed_at IS NULL OR closed_at >= ?1)" },
		{ "ventures_launched", "SELECT count(*) FROM (" LAUNCHED ") "
				       "WHERE at >= ?1 AND at < ?2" },
	};
	char from[32] = "", to[32] = "9999";
	sqlite3_stmt *st;
	double *d = NULL, median = NAN;
	size_t nd = 0, ad = 0, i;
	json_t *j;

	if (fy) { /* 1 April to 31 March, in Japan's time */
		snprintf(from, sizeof(from), "%04d-03-31T15:00:00Z", fy);
		snprintf(to, sizeof(to), "%04d-03-31T15:00:00Z", fy + 1);
	}
	st = kb__sql_prepare(
		s,
		"SELECT julianday(at) - julianday(since) FROM (" FIRST_MATCH
		") WHERE at >= ?1 AND at < ?2 ORDER BY 1",
		err);
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, from);
	kb__sql_bind_text(st, 2, to);
	while (sqlite3_step(st) == SQLITE_ROW) {
		KB_ALLOC_GROW(d, nd + 1, ad);
		d[nd++] = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	if (nd)
		median = nd % 2 ? d[nd / 2] : (d[nd / 2 - 1] + d[nd / 2]) / 2;
	free(d);
	j = json_object();
	if (fy)
		json_object_set_new(j, "fiscal_year", json_integer(fy));
	for (i = 0; i < KB_ARRAY_SIZE(figures); i++) {
		double v = scalar(s, figures[i].sql, from, to, err);
		if (isnan(v)) {
			json_decref(j);
			return KB_EDB;
		}
		json_object_set_new(j, figures[i].key,
				    json_integer((json_int_t)v));
	}
	json_object_set_new(j, "days_to_first_match_median",
			    isnan(median) ? json_null()
					  : json_real(round(median * 10) / 10));
	*out = j;
	return 0;
}
