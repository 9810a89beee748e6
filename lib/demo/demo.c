/*
 * demo.c - builds the demonstration database from embedded files (see
 * demo.h).  Every step goes through the same public functions a user's
 * commands use: plan import, KPI import, value import, target revision,
 * freezing, a single correction; then the supply part (demo_supply.c), the
 * matching registry and the accounts.  The demo composes the engines, so it
 * lives above them, beside the report (docs/ARCHITECTURE.md).
 */
#include "core/compat.h"

#include "core/resource.h"
#include "kiban/eval.h"
#include "kiban/kpi.h"
#include "kiban/match.h"
#include "kiban/plan.h"
#include "demo/demo_int.h"
#include "store/sql.h"

/* 10:00 in Japan (01:00 UTC) on the given date */
static time_t jst(int y, int m, int d)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 1;
	return timegm(&tm);
}

const char *kb_demo_plan_csv(size_t *len)
{
	const struct kb__resource *r = kb__resource_find("data/plan2.csv");
	*len = r->len;
	return (const char *)r->data;
}

static int open_res(struct kb_csv *c, const char *name, struct kb_err *err)
{
	const struct kb__resource *r = kb__resource_find(name);
	return kb_csv_open_mem(c, name, r->data, r->len, KB_ENC_UTF8, err);
}

static int import(struct kb_store *s, const char *name, int kpis,
		  const char *actor, time_t when, struct kb_err *err)
{
	struct kb_import_opts o = { .actor = actor, .now = when, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_csv c;
	int r;

	if ((r = open_res(&c, name, err)))
		return r;
	r = kpis ? kb_kpi_import(s, &c, &o, &st, err)
		 : kb_obs_import(s, &c, &o, &st, err);
	kb_csv_release(&c);
	return r;
}

/* The matching registry: organisations, the judged set's needs and seeds,
 * two recorded matches and a venture's consultation case. */
static int demo_match(struct kb_store *s, struct kb_err *err)
{
	static const struct {
		const char *file;
		enum kb_match_kind kind;
	} regs[] = {
		{ "data/demo/match-orgs.csv", KB_MATCH_ORG },
		{ "data/demo/match-needs.csv", KB_MATCH_NEED },
		{ "data/demo/match-seeds.csv", KB_MATCH_SEED },
	};
	const char *who = "医療機器開発支援ネットワーク（例示）";
	struct kb_import_opts o = { .actor = who, .now = jst(2025, 4, 1) };
	struct kb_import_stats st;
	size_t i;
	long id;
	int r = 0;

	for (i = 0; !r && i < KB_ARRAY_SIZE(regs); i++) {
		struct kb_csv c;
		if ((r = open_res(&c, regs[i].file, err)))
			return r;
		r = kb_match_import(s, regs[i].kind, &c, &o, &st, err);
		kb_csv_release(&c);
	}
	if (r ||
	    (r = kb_match_link(s, "MH01", "N001", "S001", who, jst(2025, 5, 20),
			       err)) ||
	    (r = kb_match_link(s, "MH02", "N011", "S070", who, jst(2025, 7, 10),
			       err)) ||
	    (r = kb_case_open(s, "MS01", "MV01", "MS01",
			      "心電図パッチの薬事承認と保険適用の相談",
			      "prototype", "regulatory;insurance", who,
			      jst(2025, 4, 15), &id, err)) ||
	    (r = kb_case_event(s, "MS01", id, "meeting", NULL,
			       "初回面談: 非臨床評価と臨床評価の計画を確認",
			       NULL, who, jst(2025, 4, 22), err)) ||
	    (r = kb_case_event(s, "MS01", id, "phase", "nonclinical",
			       "試作機が完成し非臨床評価へ", NULL, who,
			       jst(2025, 9, 1), err)))
		return r;
	return kb_case_event(s, "MS01", id, "action", NULL, "PMDA 事前相談の申込",
			     "2026-12-15", who, jst(2025, 11, 1), err);
}

int kb_demo_load(struct kb_store *s, struct kb_err *err)
{
	const char *office = "厚生労働省 医政局（例示）";
	struct kb_plan plan;
	struct kb_csv c;
	struct kb_eval ev;
	sqlite3_stmt *st;
	int r, nplans = 0;

	st = kb__sql_prepare(s, "SELECT count(*) FROM plan", err);
	if (!st)
		return KB_EDB;
	if (sqlite3_step(st) == SQLITE_ROW)
		nplans = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (nplans)
		return kb_err_set(
			err, KB_ESTATE,
			KB_TR(err->lang,
			      "database '%s' already holds a plan; the demo needs an empty database",
			      "データベース '%s' には既に計画があります。デモには空のデータベースが必要です"),
			kb_store_path(s));
	if ((r = open_res(&c, "data/plan2.csv", err)))
		return r;
	r = kb_plan_read_csv(&plan, &c, err);
	kb_csv_release(&c);
	if (r)
		return r;
	r = kb_plan_import(s, &plan, "data/plan2.csv",
			   "内閣府 健康・医療戦略推進事務局（例示）",
			   jst(2022, 6, 1), err);
	kb_plan_release(&plan);
	if (r ||
	    (r = import(s, "data/demo/kpis.csv", 1, office, jst(2022, 6, 1), err)) ||
	    (r = kb_kpi_retarget(
		     s, "K15", 24, 2026,
		     "2023年度に目標を前倒しで達成する見込みとなったため上方修正（例示）",
		     office, jst(2024, 4, 15), err)) ||
	    (r = import(s, "data/demo/values.csv", 0, office, jst(2025, 6, 1),
			err)))
		return r;
	if ((r = kb_eval_live(s, NULL, 2024, KB_RULE_CAGR, jst(2025, 6, 30),
			      &ev, err)))
		return r;
	r = kb_eval_freeze(s, &ev, "検討会事務局（例示）", "検討会（例示）で了承",
			   jst(2025, 6, 30), 0, NULL, err);
	kb_eval_release(&ev);
	if (r ||
	    (r = kb_obs_set(s, "K05", 2024, 0, 1561, NULL,
			    "速報値を確報値に修正（例示）", office,
			    jst(2025, 9, 1), err)) ||
	    (r = import(s, "data/demo/values-fy2025.csv", 0, office,
			jst(2026, 6, 1), err)))
		return r;
	if ((r = kb__demo_supply(s, err)) || (r = demo_match(s, err)))
		return r;
	return kb__demo_accounts(s, err);
}
