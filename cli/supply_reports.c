/*
 * supply_reports.c - the reports of 'kiban supply': those received
 * (reports), the weekly aggregates rewritten from them (recompute), how
 * many hospitals reported each week and on time (completeness) and which
 * did not (missing).
 */
#include "supply.h"

static const struct cli_opt reports_opts[] = {
	{ "org", 0, CLI_STR, "ID", NULL, "of this organisation",
	  "この組織のもの", SA(org) },
	{ "week", 0, CLI_WEEK, "W", NULL, "of this week", "この週のもの",
	  SA(week) },
	{ "late", 0, CLI_FLAG, NULL, NULL, "only late ones",
	  "遅れて届いたもののみ", SA(late) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec reports_spec = {
	"supply reports",
	"[OPTION]...",
	"[オプション]...",
	"List the reports received: id, kind, organisation, week, version (2 or more:\n"
	"corrected), lines, when and by whom, and whether it came late (after the\n"
	"Wednesday following its week).\n",
	"受け付けた報告を一覧します: ID、種類、組織、週、版（2 以上は訂正あり）、行数、\n"
	"受付日時と提出者、遅延（その週の翌週水曜日より後）の有無。\n",
	reports_opts,
	18,
	18,
	0,
};

static const struct cli_col report_cols[] = {
	{ "report_id", "Report", "報告", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "kind", "Kind", "種類", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "org", "Org", "組織", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "week", "Week", "週", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "version", "Version", "版", CLI_INT, CLI_ALL, 0, NULL },
	{ "lines", "Lines", "行", CLI_INT, CLI_ALL, 0, NULL },
	{ NULL, "Received", "受付", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "submitted_at", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "submitted_by", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Late", "遅延", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "late", NULL, NULL, CLI_BOOL, CLI_DATA, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct reports_ctx {
	struct cli *cli;
	sqlite3_stmt *st;
};

/* The rows come from the statement, one step a row. */
static int report_row(struct cli_row *r, size_t i, void *ctx)
{
	struct reports_ctx *rc = ctx;
	sqlite3_stmt *st = rc->st;
	const char *at;
	char wk[16], when[64];
	(void)i;
	if (sqlite3_step(st) != SQLITE_ROW)
		return -1;
	at = (const char *)sqlite3_column_text(st, 6);
	kb_week_format(sqlite3_column_int(st, 3), wk);
	kb_time_label(at, rc->cli->lang, 0, when, sizeof(when));
	cli_str(r, (const char *)sqlite3_column_text(st, 0));
	cli_str(r, (const char *)sqlite3_column_text(st, 1));
	cli_str(r, (const char *)sqlite3_column_text(st, 2));
	cli_str(r, wk);
	cli_int(r, sqlite3_column_int(st, 4));
	cli_int(r, sqlite3_column_int(st, 5));
	cli_str(r, when);
	cli_str(r, at);
	cli_str(r, (const char *)sqlite3_column_text(st, 7));
	cli_str(r, sqlite3_column_int(st, 8) ? CLI_T(rc->cli, "late", "遅延")
					     : "");
	cli_bool(r, sqlite3_column_int(st, 8));
	return 1;
}

int supply_reports(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	struct reports_ctx rc = { cli, NULL };
	struct cli_list l = { report_cols, (size_t)-1, report_row, NULL,
			      NULL,	   &rc,	       0,	   0 };
	struct kb_store *s;
	int r;

	if ((r = cli_parse(cli, &reports_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_open(cli, KB_STORE_READONLY, &s)))
		return r;
	if (sqlite3_prepare_v2(
		    kb_store_sqlite(s),
		    "SELECT r.id, r.kind, o.id, r.week, r.version, r.lines, "
		    "r.submitted_at, coalesce(r.submitted_by, ''), r.late FROM "
		    "report r JOIN org o ON o.n = r.org WHERE (?1 IS NULL OR o.id "
		    "= ?1) AND (?2 < 0 OR r.week = ?2) AND (?3 = 0 OR r.late) "
		    "ORDER BY r.week, o.id, r.id",
		    -1, &rc.st, NULL) != SQLITE_OK) {
		kb_err_set(&cli->err, KB_EDB, "%s",
			   sqlite3_errmsg(kb_store_sqlite(s)));
		kb_store_close(s);
		return cli_fail(cli, KB_EDB);
	}
	if (a.org)
		sqlite3_bind_text(rc.st, 1, a.org, -1, SQLITE_STATIC);
	sqlite3_bind_int(rc.st, 2, a.week);
	sqlite3_bind_int(rc.st, 3, a.late);
	r = cli_list(cli, &a.f, &l);
	sqlite3_finalize(rc.st);
	kb_store_close(s);
	return r;
}

static const struct cli_spec recompute_spec = {
	"supply recompute",
	"[OPTION]...",
	"[オプション]...",
	"Rewrite every weekly aggregate from the report lines, in one transaction.\n"
	"Imports keep them current already; this is for after a restore or an\n"
	"upgrade, and to check.\n",
	"報告の明細から週次の集計をすべて作り直します（一つのトランザクション）。\n"
	"取り込みのたびに集計は更新されるので、復元や更新の後、確認のためのものです。\n",
	NULL,
	0,
	0,
	0,
};

int supply_recompute(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	struct kb_store *s;
	size_t rows;
	int r;

	if ((r = cli_parse(cli, &recompute_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_open(cli, 0, &s)))
		return r;
	r = kb_supply_recompute(s, &rows, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "aggregates rewritten from %zu report lines\n",
			     "報告の明細 %zu 行から集計を作り直しました\n"),
		       rows);
	return 0;
}

/* ---- reporting completeness ---- */

enum { C_BY = OPT_FIRST_OWN };

static const struct cli_opt completeness_opts[] = {
	{ "week", 0, CLI_WEEK, "W", NULL,
	  "the week, or the last of the range (default: the latest\n"
	  "complete week)",
	  "週、または期間の最後の週（既定: 報告のそろった最新の週）", SA(week) },
	{ "from", 0, CLI_WEEK, "W", NULL, "the first week of the range",
	  "期間の最初の週", SA(from) },
	{ "pref", 0, CLI_STR, "P", NULL, "in prefecture P",
	  "都道府県 P について", SA(pref) },
	{ "by", 0, CLI_CALL, "pref|device", NULL,
	  "the nation and each prefecture, or each device",
	  "全国と都道府県別、または機器別", C_BY },
	{ "completeness", 0, CLI_PCT, "PCT", NULL,
	  "the threshold of a complete week, for this call",
	  "そろった週とする報告率の閾値（この実行のみ）", SA(completeness) },
	{ "set-threshold", 0, CLI_PCT, "PCT", NULL,
	  "store the threshold for every later call and the server",
	  "閾値を保存する（以後のコマンドとサーバーの既定）", SA(set_threshold) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec completeness_spec = {
	"supply completeness",
	"[OPTION]...",
	"[オプション]...",
	"Reporting completeness of the hospitals' weekly stock reports: for each week,\n"
	"the hospitals expected to report, those that did, those that did on time (the\n"
	"first version by the Wednesday after the week; a later correction keeps it on\n"
	"time) and the rates; nationally, in a prefecture, by prefecture or by device\n"
	"(a device's expected hospitals: those that reported it in the 13 weeks up to\n"
	"the week).  It also names the latest complete week, the one monitoring shows\n"
	"(the latest whose national rate reaches the threshold, 80% unless set), and\n"
	"the weeks still coming in.\n",
	"病院の週次在庫報告の報告率を表示します: 週ごとに、報告すべき病院数、報告した\n"
	"病院数、期限内に報告した病院数（最初の版が翌週水曜まで。後の訂正でも期限内の\n"
	"まま）と、その割合。全国、都道府県、都道府県別、機器別（機器の報告すべき病院は、\n"
	"その週までの 13 週にその機器を報告した病院）。監視が表示する「報告のそろった\n"
	"最新の週」（全国の報告率が閾値（既定 80%）に達した最新の週）と、報告受付中の\n"
	"週も示します。\n",
	completeness_opts,
	22,
	22,
	0,
};

/* Column 1 is the scope's: its header and presence are set per call. */
static const struct cli_col compl_cols[] = {
	{ "week", "Week", "週", CLI_TEXT, CLI_ALL, 0, NULL },
	{ NULL, "Prefecture", "都道府県", CLI_TEXT, CLI_TAB, 30, NULL },
	{ "prefecture", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "device", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "expected", "Expected", "報告すべき病院", CLI_INT, CLI_ALL, 0, NULL },
	{ "reported", "Reported", "報告", CLI_INT, CLI_ALL, 0, NULL },
	{ "on_time", "On time", "期限内", CLI_INT, CLI_ALL, 0, NULL },
	{ NULL, "Rate", "報告率", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "rate", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, "On time %", "期限内率", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "on_time_rate", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct compl_ctx {
	struct sctx x;
	struct kb_compl_table t;
};

/* A rate in the table ("97.5%", "-") and in CSV ("97.50", "NA"). */
static void rate_cells(struct cli_row *r, double v)
{
	if (v < 0) {
		cli_str(r, "-");
		cli_str(r, "NA");
	} else {
		cli_strf(r, "%.1f%%", v);
		cli_strf(r, "%.2f", v);
	}
}

static int compl_row(struct cli_row *r, size_t i, void *ctx)
{
	struct compl_ctx *cc = ctx;
	const struct kb_supply *sup = &cc->x.sup;
	const struct kb_compl *c = &cc->t.v[i];
	struct cli *cli = cc->x.cli;
	char wk[16];
	kb_week_format(c->week, wk);
	cli_str(r, wk);
	cli_str(r, c->device != KB_NONE ? NAME(cli, &sup->devices[c->device])
		   : c->pref		? NAME(cli, &sup->prefs[c->pref - 1])
					: CLI_T(cli, "National", "全国"));
	cli_strf(r, "%02d", c->pref);
	cli_str(r, c->device != KB_NONE ? sup->devices[c->device].code : "");
	cli_int(r, c->expected);
	cli_int(r, c->reported);
	cli_int(r, c->on_time);
	rate_cells(r, c->rate);
	rate_cells(r, c->on_time_rate);
	return 1;
}

static json_t *compl_json(size_t i, void *ctx)
{
	struct compl_ctx *cc = ctx;
	return kb_compl_to_json(&cc->x.sup, &cc->t.v[i]);
}

/* The threshold, the latest complete week and those coming in. */
static void print_weeks(struct cli *cli, const struct kb_report_weeks *rw)
{
	size_t i;
	printf(CLI_T(cli, "A week is complete at %g%% of hospitals reporting.\n",
		     "病院の %g%% が報告した週を「報告のそろった週」とします。\n"),
	       rw->threshold);
	if (rw->shown.week >= 0) {
		print_compl(cli,
			    rw->complete
				    ? "Latest complete week:"
				    : "Most complete week (none has reached it):",
			    rw->complete
				    ? "報告のそろった最新の週: "
				    : "最も報告の多い週（閾値に達した週なし）: ",
			    &rw->shown, NULL);
		putchar('\n');
	}
	for (i = 0; i < rw->ncoming; i++) {
		print_compl(cli,
			    "Still coming in:", "報告受付中: ", &rw->coming[i],
			    NULL);
		putchar('\n');
	}
	putchar('\n');
}

/* --set-threshold: stores it; the exit status. */
static int set_threshold(struct cli *cli, double set)
{
	struct kb_store *s;
	int r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_completeness_threshold_set(s, set, cli->user, cli->now, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli,
			     "a week is complete from now on when %g%% of hospitals have reported it\n",
			     "以後、病院の %g%% が報告した週を「報告のそろった週」とします\n"),
		       set);
	return 0;
}

int supply_completeness(struct cli *cli, int argc, char **argv)
{
	struct compl_ctx cc = { .x = SCTX_INIT(cli) };
	struct cli_col cols[KB_ARRAY_SIZE(compl_cols)];
	struct cli_list l = { cols, 0, compl_row, compl_json, NULL, &cc, 0, 0 };
	struct kb_compl_query cq = { -1, -1, 0, KB_COMPL_TOTAL };
	struct kb_report_weeks rw;
	int r;

	while ((r = cli_parse(cli, &completeness_spec, argc, argv, &cc.x.a)) ==
	       C_BY) {
		if (!strcmp(optarg, "pref"))
			cq.by = KB_COMPL_BY_PREF;
		else if (!strcmp(optarg, "device"))
			cq.by = KB_COMPL_BY_DEVICE;
		else
			return cli_usage_error(
				cli, "supply completeness",
				CLI_T(cli,
				      "--by: '%s' is neither 'pref' nor 'device'",
				      "--by: '%s' は 'pref' でも 'device' でもありません"),
				optarg);
	}
	if (r >= 0)
		return r;
	if (cc.x.a.pref && cq.by == KB_COMPL_BY_PREF)
		return cli_usage_error(
			cli, "supply completeness", "%s",
			CLI_T(cli, "--by pref is national: give no --pref",
			      "--by pref は全国についてです（--pref は指定できません）"));
	if (cc.x.a.set_threshold >= 0)
		return set_threshold(cli, cc.x.a.set_threshold);
	if ((r = sctx_open(&cc.x, KB_STORE_READONLY, SX_PREF)))
		return r;
	memset(&rw, 0, sizeof(rw));
	cq.pref = cc.x.pref;
	cq.from = cc.x.a.from;
	cq.to = cc.x.a.week;
	if ((r = kb_report_weeks(cc.x.s, cc.x.a.completeness, &rw, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (cq.to < 0) {
		cq.to = rw.shown.week;
		if (cq.from > cq.to && cq.to >= 0)
			cq.to = cq.from;
	}
	if ((r = kb_completeness(cc.x.s, &cc.x.sup, &cq, &cc.t, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	memcpy(cols, compl_cols, sizeof(cols));
	cols[1].in = cq.by != KB_COMPL_TOTAL ? CLI_TAB : 0;
	if (cq.by == KB_COMPL_BY_DEVICE) {
		cols[1].head_en = "Device";
		cols[1].head_ja = "機器";
	}
	l.n = cc.t.n;
	if (cc.x.a.f.json) {
		json_t *j = kb_report_weeks_to_json(&rw);
		json_object_set_new(j, "rows", cli_list_json(cli, &l));
		r = cli_print_json(cli, j);
		goto out;
	}
	if (!cc.x.a.f.csv && !cli->quiet)
		print_weeks(cli, &rw);
	r = cli_list(cli, &cc.x.a.f, &l);
out:
	kb_compl_table_release(&cc.t);
	kb_report_weeks_release(&rw);
	sctx_close(&cc.x);
	return r;
}

static const struct cli_opt missing_opts[] = {
	{ "week", 0, CLI_WEEK, "W", NULL, "the week", "週", SA(week) },
	{ "pref", 0, CLI_STR, "P", NULL, "the hospitals of prefecture P",
	  "都道府県 P の病院", SA(pref) },
	{ "completeness", 0, CLI_PCT, "PCT", NULL,
	  "the default week: the latest with PCT% of hospitals\n"
	  "reporting (for this call)",
	  "既定の週: 病院の PCT% の報告がそろった最新の週\n"
	  "（この実行のみ）",
	  SA(completeness) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec missing_spec = {
	"supply missing",
	"[OPTION]...",
	"[オプション]...",
	"The hospitals that have not sent a stock report for a week (the latest\n"
	"complete week by default), nationally or in a prefecture, each with the week\n"
	"of its last report before it (or never) and for how many weeks it has been\n"
	"silent; by prefecture, the longest silent first.\n",
	"ある週（既定は報告のそろった最新の週）に在庫報告のない病院を、全国または\n"
	"都道府県について、その前の最後の報告の週（なければ「なし」）と、報告のない\n"
	"週数とともに表示します。都道府県順、報告のない期間の長い順です。\n",
	missing_opts,
	22,
	22,
	0,
};

static const struct cli_col missing_cols[] = {
	{ "week", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "facility", "Hospital", "病院", CLI_TEXT, CLI_ALL, 0, NULL },
	{ NULL, "Name", "名称", CLI_TEXT, CLI_TAB, 30, NULL },
	{ "name_ja", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "name_en", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, "Prefecture", "都道府県", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "prefecture", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, "Last report", "最終報告", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "last_report", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, "Weeks silent", "報告なしの週数", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "silent_weeks", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct missing_ctx {
	struct sctx x;
	struct kb_missing_list m;
	char wk[16];
};

static int missing_row(struct cli_row *r, size_t i, void *ctx)
{
	struct missing_ctx *mc = ctx;
	struct cli *cli = mc->x.cli;
	const struct kb_missing *h = &mc->m.v[i];
	const struct kb_org *o = &mc->x.sup.orgs[h->org];
	char lw[16] = "";
	if (h->last >= 0)
		kb_week_format(h->last, lw);
	cli_str(r, mc->wk);
	cli_str(r, o->id);
	cli_str(r, NAME(cli, o));
	cli_str(r, o->name_ja);
	cli_str(r, o->name_en);
	cli_str(r, o->pref ? NAME(cli, &mc->x.sup.prefs[o->pref - 1]) : "-");
	cli_strf(r, "%02d", o->pref);
	cli_str(r, h->last >= 0 ? lw : CLI_T(cli, "never", "なし"));
	cli_str(r, lw);
	if (h->last >= 0) {
		cli_strf(r, "%d", h->silent_weeks);
		cli_strf(r, "%d", h->silent_weeks);
	} else {
		cli_str(r, "-");
		cli_str(r, "");
	}
	return 1;
}

static json_t *missing_json(size_t i, void *ctx)
{
	struct missing_ctx *mc = ctx;
	return kb_missing_to_json(&mc->x.sup, &mc->m.v[i]);
}

int supply_missing(struct cli *cli, int argc, char **argv)
{
	struct missing_ctx mc = { .x = SCTX_INIT(cli) };
	struct cli_list l = { missing_cols, 0,	 missing_row, missing_json,
			      NULL,	    &mc, 0,	      0 };
	int r, week, p;

	if ((r = cli_parse(cli, &missing_spec, argc, argv, &mc.x.a)) >= 0 ||
	    (r = sctx_open(&mc.x, KB_STORE_READONLY, SX_PREF)))
		return r;
	week = mc.x.a.week;
	p = mc.x.pref;
	if (week < 0 && mc.x.a.completeness >= 0 &&
	    (week = kb_supply_shown_week(mc.x.s, mc.x.a.completeness,
					 &cli->err)) < -1) {
		r = cli_fail(cli, week);
		goto out;
	}
	if ((r = kb_missing_reports(mc.x.s, &mc.x.sup, week, p, &mc.m,
				    &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	kb_week_format(mc.m.week, mc.wk);
	l.n = mc.m.n;
	if (mc.x.a.f.json) {
		r = cli_print_json(
			cli, json_pack("{s:s, s:i, s:i, s:i, s:o}", "week",
				       mc.wk, "prefecture", p, "expected",
				       mc.m.expected, "missing", (int)mc.m.n,
				       "hospitals", cli_list_json(cli, &l)));
		goto out;
	}
	if (!mc.x.a.f.csv && !cli->quiet) {
		const char *where = p ? NAME(cli, &mc.x.sup.prefs[p - 1])
				      : CLI_T(cli, "nationally", "全国");
		if (cli->lang == KB_LANG_JA)
			printf("%s の週（%s）: %d 病院中 %zu 病院から在庫報告がありません\n",
			       mc.wk, where, mc.m.expected, mc.m.n);
		else
			printf("Week of %s (%s): %zu of %d hospitals have sent no stock report\n",
			       mc.wk, where, mc.m.n, mc.m.expected);
	}
	r = cli_list(cli, &mc.x.a.f, &l);
out:
	kb_missing_list_release(&mc.m);
	sctx_close(&mc.x);
	return r;
}
