/*
 * cmd_eval.c - 'kiban eval': show, freeze, followup, list; and
 * 'kiban report annual'.
 */
#include "cli_more.h"

#include "kiban/eval.h"
#include "kiban/report.h"

enum { OPT_RULE = OPT_FIRST_OWN, OPT_VERSION };

/* The arguments of the eval and report commands; EA(field): where. */
struct eargs {
	struct cli_format f;
	const char *note, *ministry, *output;
	int fy, live, version, supersede, full;
	enum kb_rule rule;
};
#define EA(field) CLI_AT(struct eargs, field)

static void init_year(struct cli *cli, struct eargs *y)
{
	memset(y, 0, sizeof(*y));
	y->fy = kb_fy_last_complete(cli->now);
	y->rule = KB_RULE_CAGR;
	y->output = "-";
}

/* Reads the options of spec, taking --rule and --version (returned by
 * cli_parse()) here; returns as cli_parse() does once they are read. */
static int parse_year(struct cli *cli, const struct cli_spec *sp, int argc,
		      char **argv, struct eargs *y)
{
	char *end;
	long v;
	int r, k;
	while ((r = cli_parse(cli, sp, argc, argv, y)) == OPT_RULE ||
	       r == OPT_VERSION) {
		if (r == OPT_RULE) {
			if ((k = kb_rule_parse(optarg)) <= 0) {
				fprintf(stderr,
					CLI_T(cli,
					      "%s: unknown rule '%s' (expected cagr or linear)\n",
					      "%s: 不明な評価方法 '%s' です（cagr または linear）\n"),
					cli->prog, optarg);
				return EXIT_USAGE;
			}
			y->rule = (enum kb_rule)k;
			y->live = 1; /* a frozen evaluation keeps its own rule */
			continue;
		}
		v = strtol(optarg, &end, 10);
		if (*end || v < 1) {
			fprintf(stderr,
				CLI_T(cli, "%s: '%s' is not a version number\n",
				      "%s: '%s' は版番号ではありません\n"),
				cli->prog, optarg);
			return EXIT_USAGE;
		}
		y->version = (int)v;
	}
	return r;
}

/* clang-format off */
#define YEAR_OPTIONS                                                          \
	{ "year", 0, CLI_FY, "FY", "年度",                                       \
	  "fiscal year (2025, FY2025, 令和7年度; default: the last one\n"       \
	  "that has ended)",                                                  \
	  "評価する年度（2025, FY2025, 令和7年度。既定: 直近に終わった年度）",  \
	  EA(fy) },                                                           \
	{ "live", 0, CLI_FLAG, NULL, NULL,                                    \
	  "evaluate the data as they stand, even if the year is frozen",      \
	  "確定済みの年度でも現在のデータで評価する", EA(live) },              \
	{ "version", 0, CLI_CALL, "N", NULL,                                  \
	  "a given version of a frozen evaluation (default: latest)",         \
	  "確定評価の版を指定する（既定: 最新）", OPT_VERSION },               \
	{ "rule", 0, CLI_CALL, "RULE", "方法",                                  \
	  "cagr (default) or linear: the straight line to the target\n"       \
	  "(implies --live)",                                                 \
	  "cagr（既定）または linear（目標への直線）。--live を伴う",           \
	  OPT_RULE }
/* clang-format on */

static int open_eval(struct cli *cli, const struct eargs *y, struct kb_eval *ev)
{
	struct kb_store *s;
	int r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	if (y->version)
		r = kb_eval_load(s, NULL, y->fy, y->version, cli->now, ev,
				 &cli->err);
	else if (y->live)
		r = kb_eval_live(s, NULL, y->fy, y->rule, cli->now, ev,
				 &cli->err);
	else
		r = kb_eval_open(s, NULL, y->fy, y->rule, cli->now, ev,
				 &cli->err);
	kb_store_close(s);
	return r ? cli_fail(cli, r) : 0;
}

static void counts_text(struct kb_buf *b, const struct kb_rollup *r,
			enum kb_lang L)
{
	int s;
	for (s = 0; s < KB_ST_COUNT; s++)
		if (r->count[s])
			kb_buf_addf(b, "%s%s %u",
				    b->len ? KB_TR(L, ", ", "、") : "",
				    kb_status_label((enum kb_status)s, L),
				    r->count[s]);
}

static void state_line(struct cli *cli, const struct kb_eval *ev)
{
	char fy[64], when[64];
	kb_fy_label(ev->fy, cli->lang, fy, sizeof(fy));
	kb_time_label(ev->frozen_at, cli->lang, 0, when, sizeof(when));
	printf(CLI_T(cli, "Evaluation of %s — %s\n", "%sの評価 — %s\n"), fy,
	       KB_NAME(&ev->plan, cli->lang));
	if (ev->frozen)
		printf(CLI_T(cli, "Final: version %d, frozen %s by %s%s%s\n",
			     "確定版: 第 %d 版、%s 確定、確定者 %s%s%s\n"),
		       ev->version, when, ev->frozen_by ? ev->frozen_by : "-",
		       ev->note && *ev->note ? CLI_T(cli, " — ", "。") : "",
		       ev->note ? ev->note : "");
	else
		printf("%s\n",
		       CLI_T(cli,
			     "Draft: computed from the data as they stand (not frozen)",
			     "暫定: 現在のデータによる集計（未確定）"));
}

static const struct cli_opt show_opts[] = {
	YEAR_OPTIONS,
	{ "json", 0, CLI_FLAG, NULL, NULL,
	  "everything (plan, KPIs, results) as JSON",
	  "すべて（計画・KPI・結果）を JSON で出力する", EA(f.json) },
	CLI_OPT_END,
};
static const struct cli_spec show_spec = {
	"eval show",
	"[OPTION]...",
	"[オプション]...",
	"Show the evaluation of a fiscal year: each vision and goal with its status and\n"
	"the statuses of its KPIs, the goals that are behind, and for a frozen\n"
	"evaluation the data edited since it was frozen.\n",
	"年度の評価を表示します: ビジョン・ゴールごとの評価と KPI の評価内訳、遅れている\n"
	"ゴール、確定済みの評価では確定後に修正されたデータ。\n",
	show_opts,
	20,
	20,
	0,
};

static int eval_show(struct cli *cli, int argc, char **argv)
{
	struct eargs y;
	struct kb_eval ev;
	struct cli_table t;
	struct kb_buf b = KB_BUF_INIT;
	enum kb_lang L;
	int r;
	size_t i, j, behind = 0;

	init_year(cli, &y);
	if ((r = parse_year(cli, &show_spec, argc, argv, &y)) >= 0 ||
	    (r = open_eval(cli, &y, &ev)))
		return r;
	L = cli->lang;
	if (y.f.json) {
		r = cli_print_json(cli, kb_eval_to_json(&ev));
		kb_eval_release(&ev);
		return r;
	}
	state_line(cli, &ev);
	counts_text(&b, &ev.overall, L);
	printf(CLI_T(cli, "Rule: %s · %zu KPIs: %s\n\n",
		     "評価方法: %s・KPI %zu 件: %s\n\n"),
	       ev.rule == KB_RULE_LINEAR
		       ? CLI_T(cli, "straight line", "直線")
		       : CLI_T(cli, "ratio of growth rates (CAGR)",
			       "年平均成長率（CAGR）の比"),
	       ev.kpis.n, b.buf);
	cli_table_init(
		&t, 4, "ID", CLI_T(cli, "Vision / goal", "ビジョン・ゴール"),
		CLI_T(cli, "Status", "評価"), CLI_T(cli, "KPIs", "KPI の内訳"));
	cli_table_limit(&t, 1, 56);
	for (i = 0; i < ev.plan.nvisions; i++) {
		const struct kb_vision *v = &ev.plan.visions[i];
		kb_buf_reset(&b);
		counts_text(&b, &ev.visions[i], L);
		cli_table_row(&t, v->id, KB_NAME(v, L),
			      kb_status_label(ev.visions[i].status, L), b.buf);
		for (j = 0; j < v->ngoals; j++) {
			size_t g = v->goals[j];
			struct kb_buf name = KB_BUF_INIT;
			kb_buf_reset(&b);
			counts_text(&b, &ev.goals[g], L);
			kb_buf_adds(&name, "  ");
			if (ev.plan.goals[g].vision !=
			    i) { /* keep the mark when the name is cut */
				cli_fit(&name, KB_NAME(&ev.plan.goals[g], L), 44);
				kb_buf_adds(&name, CLI_T(cli, " (re-posted)",
							 "（再掲）"));
			} else {
				kb_buf_adds(&name, KB_NAME(&ev.plan.goals[g], L));
			}
			cli_table_row(&t, ev.plan.goals[g].id, name.buf,
				      kb_status_label(ev.goals[g].status, L),
				      b.buf);
			kb_buf_release(&name);
		}
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	kb_buf_reset(&b);
	for (i = 0; i < ev.plan.ngoals; i++)
		if (kb_status_behind(ev.goals[i].status)) {
			kb_buf_addf(&b, "%s%s", behind ? ", " : "",
				    ev.plan.goals[i].id);
			behind++;
		}
	printf(CLI_T(cli, "\nGoals behind (%zu of %zu): %s\n",
		     "\n遅れているゴール（%zu / %zu）: %s\n"),
	       behind, ev.plan.ngoals,
	       behind ? b.buf : CLI_T(cli, "none", "なし"));
	if (behind)
		printf("%s\n",
		       CLI_T(cli, "Follow-up by ministry: 'kiban eval followup'",
			     "府省別のフォローアップ: 'kiban eval followup'"));
	if (ev.frozen && ev.nchanges) {
		printf(CLI_T(cli,
			     "\nEdited since frozen (%zu; not part of this evaluation):\n",
			     "\n確定後の変更（%zu 件。この評価には含まれません）:\n"),
		       ev.nchanges);
		for (i = 0; i < ev.nchanges; i++) {
			kb_buf_reset(&b);
			kb_eval_change_describe(&ev.changes[i], L, &b);
			printf("  %s\n", b.buf);
		}
	}
	kb_buf_release(&b);
	kb_eval_release(&ev);
	return 0;
}

static const struct cli_opt freeze_opts[] = {
	CLI_HIDDEN("year", 0, CLI_FY, "FY", EA(fy)),
	CLI_HIDDEN("rule", 0, CLI_CALL, "RULE", OPT_RULE),
	CLI_HIDDEN("note", 0, CLI_STR, "TEXT", EA(note)),
	CLI_HIDDEN("supersede", 0, CLI_FLAG, NULL, EA(supersede)),
	CLI_OPT_END,
};
static const struct cli_spec freeze_spec = {
	"eval freeze",
	"--year FY [--note TEXT] [--supersede] [--rule RULE]",
	"--year 年度 [--note 備考] [--supersede] [--rule 方法]",
	"Freeze (publish) the evaluation of a fiscal year as it stands now.  Its inputs\n"
	"and results are stored: later edits to figures or definitions do not change it,\n"
	"and are listed when it is shown.  A year is frozen once; --supersede publishes\n"
	"a revised version, keeping the earlier ones.\n",
	"年度の評価を現時点の内容で確定（公表）します。入力と結果を保存し、後から値や\n"
	"定義を修正しても変わりません（修正は表示時に一覧されます）。確定は年度ごとに\n"
	"一度で、--supersede で改訂版を確定します（旧版も残ります）。\n",
	freeze_opts,
	0,
	0,
	0,
};

static int eval_freeze(struct cli *cli, int argc, char **argv)
{
	struct eargs y;
	struct kb_store *s;
	struct kb_eval ev;
	int r, version = 0;
	char fy[64];

	init_year(cli, &y);
	y.fy = 0; /* no default: --year says which */
	y.note = "";
	if ((r = parse_year(cli, &freeze_spec, argc, argv, &y)) >= 0)
		return r;
	if (!y.fy)
		return cli_usage_error(
			cli, "eval freeze", "%s",
			CLI_T(cli, "give the year to freeze with --year",
			      "確定する年度を --year で指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_eval_live(s, NULL, y.fy, y.rule, cli->now, &ev, &cli->err);
	if (!r)
		r = kb_eval_freeze(s, &ev, cli->user, y.note, cli->now,
				   y.supersede, &version, &cli->err);
	kb_store_close(s);
	if (r) {
		kb_eval_release(&ev);
		return cli_fail(cli, r);
	}
	kb_fy_label(y.fy, cli->lang, fy, sizeof(fy));
	if (!cli->quiet)
		printf(CLI_T(cli, "the evaluation of %s is frozen as version %d\n",
			     "%sの評価を第 %d 版として確定しました\n"),
		       fy, version);
	kb_eval_release(&ev);
	return 0;
}

static const struct cli_opt followup_opts[] = {
	{ "ministry", 0, CLI_STR, "M", "府省",
	  "one ministry (厚, 経, ... or MHLW, METI, ...)",
	  "一つの府省のみ（厚, 経, … または MHLW, METI, …）", EA(ministry) },
	{ "full", 0, CLI_FLAG, NULL, NULL, "print the actions in full",
	  "取組の全文を表示する", EA(full) },
	YEAR_OPTIONS,
	{ "json", 0, CLI_FLAG, NULL, NULL, "for scripts", "スクリプト向け",
	  EA(f.json) },
	CLI_OPT_END,
};
static const struct cli_spec followup_spec = {
	"eval followup",
	"[--ministry M] [OPTION]...",
	"[--ministry 府省] [オプション]...",
	"List, for each ministry, the actions it leads (◎) under goals or measures that\n"
	"are behind (needs acceleration, limited progress, deteriorating).\n",
	"府省ごとに、遅れているゴール・施策（加速が必要・進捗が限定的・悪化）の下で\n"
	"その府省が取りまとめ（◎）を担う取組を一覧します。\n",
	followup_opts,
	20,
	20,
	0,
};

static int eval_followup(struct cli *cli, int argc, char **argv)
{
	struct eargs y;
	struct kb_eval ev;
	const char *ministry;
	enum kb_lang L;
	struct cli_format f;
	int r, full;
	size_t m, i, only = KB_NONE, total = 0;
	json_t *arr = NULL;

	init_year(cli, &y);
	if ((r = parse_year(cli, &followup_spec, argc, argv, &y)) >= 0 ||
	    (r = open_eval(cli, &y, &ev)))
		return r;
	L = cli->lang;
	f = y.f;
	ministry = y.ministry;
	full = y.full;
	if (ministry && (only = kb_plan_ministry(&ev.plan, ministry)) == KB_NONE) {
		kb_eval_release(&ev);
		return cli_usage_error(cli, "eval followup",
				       CLI_T(cli, "unknown ministry '%s'",
					     "不明な府省 '%s' です"),
				       ministry);
	}
	if (f.json)
		arr = json_array();
	else
		state_line(cli, &ev);
	for (m = 0; m < ev.plan.nministries; m++) {
		size_t *idx, n;
		if (only != KB_NONE && m != only)
			continue;
		n = kb_eval_followups(&ev, m, &idx);
		total += n;
		if (f.json) {
			json_t *acts = json_array();
			for (i = 0; i < n; i++) {
				const struct kb_action *a =
					&ev.plan.actions[idx[i]];
				size_t g = ev.plan.measures[a->measure].goal;
				json_array_append_new(
					acts,
					json_pack(
						"{s:s, s:s, s:s, s:s, s:s, s:s}",
						"id", a->id, "goal",
						ev.plan.goals[g].id, "goal_status",
						kb_status_key(ev.goals[g].status),
						"measure",
						ev.plan.measures[a->measure].id,
						"measure_status",
						kb_status_key(
							ev.measures[a->measure].status),
						"text",
						L == KB_LANG_EN ? a->text_en
								: a->text_ja));
			}
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:o}", "ministry",
					       ev.plan.ministries[m].code,
					       "abbr", ev.plan.ministries[m].abbr,
					       "actions", acts));
		} else if (n || only != KB_NONE) {
			struct cli_table t;
			printf(CLI_T(cli, "\n%s (%s): %zu actions to follow up\n",
				     "\n%s（%s）: フォローアップ対象 %zu 件\n"),
			       KB_NAME(&ev.plan.ministries[m], L),
			       L == KB_LANG_EN ? ev.plan.ministries[m].abbr
					       : ev.plan.ministries[m].code,
			       n);
			cli_table_init(&t, 4, CLI_T(cli, "Action", "取組"),
				       CLI_T(cli, "Goal", "ゴール"),
				       CLI_T(cli, "Status", "評価"),
				       CLI_T(cli, "Text", "内容"));
			if (!full)
				cli_table_limit(&t, 3, 64);
			for (i = 0; i < n; i++) {
				const struct kb_action *a =
					&ev.plan.actions[idx[i]];
				size_t g = ev.plan.measures[a->measure].goal;
				cli_table_row(
					&t, a->id, ev.plan.goals[g].id,
					kb_status_label(ev.goals[g].status, L),
					L == KB_LANG_EN ? a->text_en
							: a->text_ja);
			}
			if (n)
				cli_table_print(&t, stdout);
			cli_table_release(&t);
		}
		free(idx);
	}
	if (f.json)
		r = cli_print_json(cli, arr);
	else if (!total && only != KB_NONE)
		printf("%s\n",
		       CLI_T(cli,
			     "It leads no action under a goal or measure that is behind.",
			     "遅れているゴール・施策の下で取りまとめを担う取組はありません。"));
	else if (!total)
		printf("%s\n",
		       CLI_T(cli,
			     "\nNo action needs follow-up: no goal or measure is behind.",
			     "\nフォローアップが必要な取組はありません（遅れているゴール・施策はありません）。"));
	kb_eval_release(&ev);
	return r;
}

/* Not a struct cli_spec: its usage line has no operands, which
 * cli_spec_help() would end with a space. */
static const char list_en[] =
	"Usage: kiban eval list\nList the frozen (published) evaluations, newest first.\n";
static const char list_ja[] =
	"使い方: kiban eval list\n確定（公表）済みの評価を新しい順に一覧します。\n";

static const struct cli_col frozen_cols[] = {
	{ NULL, "FY", "年度", CLI_INT, CLI_TAB, 0, NULL },
	{ NULL, "Version", "版", CLI_INT, CLI_TAB, 0, NULL },
	{ NULL, "Rule", "方法", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Frozen at", "確定日時", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "By", "確定者", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Note", "備考", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

static int frozen_row(struct cli_row *r, size_t i, void *ctx)
{
	const struct kb_eval_info *v = (const struct kb_eval_info *)ctx + i;
	cli_int(r, v->fy);
	cli_int(r, v->version);
	cli_str(r, v->rule);
	cli_str(r, v->frozen_at);
	cli_str(r, v->frozen_by);
	cli_str(r, v->note);
	return 1;
}

static int eval_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
					      { NULL, 0, NULL, 0 } };
	struct cli_list l = { frozen_cols, 0, frozen_row, NULL, NULL, NULL, 0, 0 };
	struct kb_eval_info *v;
	struct kb_store *s;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(cli, c, "eval list", argv, list_en,
				    list_ja)) >= 0)
			return r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_eval_list(s, &v, &l.n, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	l.ctx = v;
	if (l.n)
		cli_list(cli, NULL, &l);
	else if (!cli->quiet)
		printf("%s\n", CLI_T(cli, "no evaluation has been frozen yet",
				     "確定済みの評価はまだありません"));
	kb_eval_infos_free(v, l.n);
	return 0;
}

int cmd_eval(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "show", eval_show, "show the evaluation of a year (default)",
		  "年度の評価を表示する（既定）" },
		{ "freeze", eval_freeze,
		  "freeze (publish) the evaluation of a year",
		  "年度の評価を確定（公表）する" },
		{ "followup", eval_followup,
		  "actions each ministry must follow up",
		  "府省別のフォローアップ対象" },
		{ "list", eval_list, "list frozen evaluations",
		  "確定済みの評価を一覧する" },
	};
	return cli_dispatch(cli, "eval", cmds, KB_ARRAY_SIZE(cmds), "show",
			    argc, argv);
}

/* ---- report ---- */

/* The help of -o and --lang stands at another column than the year's
 * options': all of it is in the paragraph. */
static const struct cli_opt annual_opts[] = {
	CLI_HIDDEN("year", 0, CLI_FY, "FY", EA(fy)),
	CLI_HIDDEN("live", 0, CLI_FLAG, NULL, EA(live)),
	CLI_HIDDEN("version", 0, CLI_CALL, "N", OPT_VERSION),
	CLI_HIDDEN("rule", 0, CLI_CALL, "RULE", OPT_RULE),
	CLI_HIDDEN("output", 'o', CLI_STR, "FILE", EA(output)),
	CLI_OPT_END,
};
static const struct cli_spec annual_spec = {
	"report annual",
	"[--year FY] [-o FILE] [OPTION]...",
	"[--year 年度] [-o ファイル] [オプション]...",
	"Write the annual evaluation report as one self-contained HTML file (no network\n"
	"needed to view it; prints on A4): summary per vision and goal, follow-up per\n"
	"ministry, each KPI with a bullet chart and a sparkline, sources and comments,\n"
	"the method.  A frozen year gives the frozen report; otherwise a draft.\n\n"
	"  -o, --output FILE  where to write (default: standard output)\n"
	"  --lang ja|en       language of the report (default: Japanese)\n"
	"  --year FY         fiscal year (2025, FY2025, 令和7年度; default: the last one\n"
	"                    that has ended)\n"
	"  --live            evaluate the data as they stand, even if the year is frozen\n"
	"  --version N       a given version of a frozen evaluation (default: latest)\n"
	"  --rule RULE       cagr (default) or linear: the straight line to the target\n"
	"                    (implies --live)\n",
	"年次評価報告書を一つの HTML ファイルとして書き出します（閲覧にネットワーク不要、\n"
	"A4 で印刷可能）: ビジョン・ゴール別の概要、府省別フォローアップ、KPI ごとのブレット\n"
	"チャートと推移、出典と備考、評価方法。確定済みの年度は確定版、その他は暫定版です。\n\n"
	"  -o, --output ファイル  書き出し先（既定: 標準出力）\n"
	"  --lang ja|en           報告書の言語（既定: 日本語）\n"
	"  --year 年度       評価する年度（2025, FY2025, 令和7年度。既定: 直近に終わった年度）\n"
	"  --live            確定済みの年度でも現在のデータで評価する\n"
	"  --version N       確定評価の版を指定する（既定: 最新）\n"
	"  --rule 方法       cagr（既定）または linear（目標への直線）。--live を伴う\n",
	annual_opts,
	0,
	0,
	0,
};

static int report_annual(struct cli *cli, int argc, char **argv)
{
	struct kb_report_opts ro;
	struct eargs y;
	struct kb_eval ev;
	struct kb_buf out = KB_BUF_INIT;
	const char *path;
	char fy[64];
	int r;
	size_t i, behind = 0;

	init_year(cli, &y);
	if ((r = parse_year(cli, &annual_spec, argc, argv, &y)) >= 0)
		return r;
	path = y.output;
	if (optind < argc)
		return cli_usage_error(cli, "report annual",
				       CLI_T(cli, "unexpected argument '%s'",
					     "余分な引数 '%s' があります"),
				       argv[optind]);
	if ((r = open_eval(cli, &y, &ev)))
		return r;
	ro.lang = cli->lang;
	ro.now = cli->now;
	ro.generator = "kiban " KIBAN_VERSION;
	kb_report_annual(&ev, &ro, &out);
	r = cli_write(cli, &out, path);
	for (i = 0; i < ev.plan.ngoals; i++)
		behind += kb_status_behind(ev.goals[i].status);
	kb_fy_label(ev.fy, cli->lang, fy, sizeof(fy));
	if (!r && strcmp(path, "-") && !cli->quiet)
		printf(CLI_T(cli,
			     "wrote %s: %s, %s, %zu KPIs, %zu of %zu goals behind\n",
			     "%s を書き出しました: %s・%s・KPI %zu 件・遅れているゴール %zu / %zu\n"),
		       path, fy,
		       ev.frozen ? CLI_T(cli, "final", "確定版")
				 : CLI_T(cli, "draft", "暫定版"),
		       ev.kpis.n, behind, ev.plan.ngoals);
	kb_buf_release(&out);
	kb_eval_release(&ev);
	return r;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "annual", report_annual, "the annual evaluation report (HTML)",
		  "年次評価報告書（HTML）" },
	};
	return cli_dispatch(cli, "report", cmds, KB_ARRAY_SIZE(cmds), NULL,
			    argc, argv);
}
