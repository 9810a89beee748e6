/*
 * cmd_plan.c - 'kiban plan': import, show, actions, ministries.
 */
#include "cli.h"

#include "kiban/plan.h"

enum {
	OPT_FULL = OPT_FIRST_OWN,
	OPT_ENCODING,
	OPT_DRY_RUN,
	OPT_PLAN,
	OPT_MINISTRY,
	OPT_LEAD,
	OPT_GOAL
};

static int load_plan(struct cli *cli, const char *plan_id, struct kb_store **s,
		     struct kb_plan *p)
{
	int r;
	if ((r = cli_open(cli, 0, s)))
		return r;
	if ((r = kb_plan_load(*s, plan_id, p, &cli->err))) {
		kb_store_close(*s);
		return cli_fail(cli, r);
	}
	return 0;
}

/* ---- import ---- */

static const char import_en[] =
	"Usage: kiban plan import [OPTION]... FILE\n"
	"Check a plan file (CSV, see kiban(1) and docs/plan-format.md) and import it,\n"
	"replacing the plan with the same id.  Every problem is reported with its\n"
	"file:line:column; a file with any problem changes nothing.\n\n"
	"  --encoding ENC   auto (default), utf-8 or cp932 (Shift_JIS from Excel)\n"
	"  --dry-run        check only\n";
static const char import_ja[] =
	"使い方: kiban plan import [オプション]... ファイル\n"
	"計画ファイル（CSV。kiban(1) と docs/plan-format.md を参照）を検査し、同じ ID の\n"
	"計画を置き換えて取り込みます。問題はすべて ファイル:行:列 付きで報告し、\n"
	"問題が一つでもあれば何も変更しません。\n\n"
	"  --encoding 文字コード  auto（既定）, utf-8, cp932（Excel の Shift_JIS）\n"
	"  --dry-run              検査のみ行う\n";

static int plan_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ NULL, 0, NULL, 0 },
	};
	const char *enc = NULL;
	struct kb_store *s;
	struct kb_plan p;
	struct kb_csv csv;
	int c, r, dry = 0;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (c == OPT_ENCODING)
			enc = optarg;
		else if (c == OPT_DRY_RUN)
			dry = 1;
		else if ((r = cli_option(cli, c, "plan import", argv, import_en,
					 import_ja)) >= 0)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "plan import", "%s",
				       CLI_T(cli, "expected one FILE",
					     "ファイルを一つ指定してください"));
	if ((r = cli_open_csv(cli, &csv, argv[optind], enc)))
		return r;
	r = kb_plan_read_csv(&p, &csv, &cli->err);
	kb_csv_release(&csv);
	if (r)
		return cli_fail(cli, r);
	if (!dry) {
		if ((r = cli_open(cli, KB_STORE_CREATE, &s))) {
			kb_plan_release(&p);
			return r;
		}
		r = kb_plan_import(s, &p, argv[optind], cli->user, cli->now,
				   &cli->err);
		kb_store_close(s);
		if (r) {
			kb_plan_release(&p);
			return cli_fail(cli, r);
		}
	}
	if (!cli->quiet)
		printf(dry ? CLI_T(cli,
				   "%s: plan '%s' is valid: visions %zu, goals %zu, measures %zu, actions %zu, priority areas %zu, platforms %zu\n",
				   "%s: 計画 '%s' に問題はありません: ビジョン %zu、ゴール %zu、施策 %zu、取組 %zu、重点分野 %zu、プラットフォーム %zu\n")
			   : CLI_T(cli,
				   "%s: imported plan '%s': visions %zu, goals %zu, measures %zu, actions %zu, priority areas %zu, platforms %zu\n",
				   "%s: 計画 '%s' を取り込みました: ビジョン %zu、ゴール %zu、施策 %zu、取組 %zu、重点分野 %zu、プラットフォーム %zu\n"),
		       argv[optind], p.id, p.nvisions, p.ngoals, p.nmeasures,
		       p.nactions, p.nareas, p.nplatforms);
	kb_plan_release(&p);
	return 0;
}

/* ---- show ---- */

static const char show_en[] =
	"Usage: kiban plan show [OPTION]...\n"
	"Print the plan as a tree: visions, goals (re-posted goals marked), measures,\n"
	"actions with their ministries (◎ = lead), priority areas and platforms.\n\n"
	"  --full        print actions in full (default: cut to the line)\n"
	"  --json        the plan as JSON, for scripts\n"
	"  --csv         the plan in the plan-file format (re-importable)\n"
	"  --bom         with --csv: start with a byte-order mark (for Excel)\n"
	"  --plan ID     which plan (default: the latest)\n";
static const char show_ja[] =
	"使い方: kiban plan show [オプション]...\n"
	"計画を木の形で表示します: ビジョン、ゴール（再掲を明示）、施策、取組と府省\n"
	"（◎ は取りまとめ府省）、重点分野、プラットフォーム。\n\n"
	"  --full        取組の全文を表示する（既定は一行に収まるよう省略）\n"
	"  --json        JSON で出力する（スクリプト向け）\n"
	"  --csv         計画ファイルの形式で出力する（再取り込み可能）\n"
	"  --bom         --csv と共に: BOM を付ける（Excel 向け）\n"
	"  --plan ID     対象の計画（既定: 最新）\n";

static void line(int indent, const char *text, int full)
{
	struct kb_buf b = KB_BUF_INIT;
	int i;
	for (i = 0; i < indent; i++)
		kb_buf_addch(&b, ' ');
	if (full)
		kb_buf_adds(&b, text);
	else
		cli_fit(&b, text, 100 - (size_t)indent);
	puts(b.buf);
	kb_buf_release(&b);
}

static int plan_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "full", no_argument, NULL, OPT_FULL },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ NULL, 0, NULL, 0 },
	};
	enum kb_lang L;
	const char *plan_id = NULL;
	struct kb_store *s;
	struct kb_plan p;
	struct kb_buf b = KB_BUF_INIT;
	struct cli_format f = { 0 };
	int c, r, full = 0;
	size_t v, g, m, a, x;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_FULL: full = 1; break;
		case OPT_PLAN: plan_id = optarg; break;
		default:
			if ((r = cli_option(cli, c, "plan show", argv, show_en,
					    show_ja)) >= 0)
				return r;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "plan show",
				       CLI_T(cli, "unexpected argument '%s'",
					     "余分な引数 '%s' があります"),
				       argv[optind]);
	if ((r = load_plan(cli, plan_id, &s, &p)))
		return r;
	kb_store_close(s);
	L = cli->lang;
	if (f.json) {
		r = cli_print_json(cli, kb_plan_to_json(&p));
		kb_plan_release(&p);
		return r;
	}
	if (f.csv) {
		kb_plan_write_csv(&p, &b, f.bom);
		r = cli_write(cli, &b, "-");
		kb_buf_release(&b);
		kb_plan_release(&p);
		return r;
	}
	printf("%s (%s, ", KB_NAME(&p, L), p.id);
	printf(CLI_T(cli, "FY%d–FY%d)\n", "%d〜%d年度)\n"), p.fy_from, p.fy_to);
	for (v = 0; v < p.nvisions; v++) {
		kb_buf_reset(&b);
		kb_buf_addf(&b, "%s %s", p.visions[v].id,
			    KB_NAME(&p.visions[v], L));
		line(0, b.buf, 1);
		for (x = 0; x < p.visions[v].ngoals; x++) {
			g = p.visions[v].goals[x];
			kb_buf_reset(&b);
			kb_buf_addf(&b, "%s %s", p.goals[g].id,
				    KB_NAME(&p.goals[g], L));
			if (p.goals[g].vision != v) {
				kb_buf_addf(&b,
					    CLI_T(cli, " (re-posted from %s)",
						  "（再掲: %s）"),
					    p.visions[p.goals[g].vision].id);
				line(2, b.buf, 1);
				continue;
			}
			line(2, b.buf, 1);
			for (m = 0; m < p.nmeasures; m++) {
				if (p.measures[m].goal != g)
					continue;
				kb_buf_reset(&b);
				kb_buf_addf(&b, "%s %s", p.measures[m].id,
					    KB_NAME(&p.measures[m], L));
				line(4, b.buf, full);
				for (a = 0; a < p.nactions; a++) {
					if (p.actions[a].measure != m)
						continue;
					kb_buf_reset(&b);
					kb_buf_addf(&b, "%s ［", p.actions[a].id);
					kb_action_ministries(&p, &p.actions[a],
							     &b);
					kb_buf_addf(
						&b, "］ %s",
						L == KB_LANG_EN
							? p.actions[a].text_en
							: p.actions[a].text_ja);
					line(6, b.buf, full);
				}
				for (a = 0; a < p.nareas; a++)
					if (p.areas[a].measure == m) {
						kb_buf_reset(&b);
						kb_buf_addf(&b, "%s %s",
							    p.areas[a].id,
							    KB_NAME(&p.areas[a],
								    L));
						line(6, b.buf, full);
					}
				for (a = 0; a < p.nplatforms; a++)
					if (p.platforms[a].measure == m) {
						size_t k;
						kb_buf_reset(&b);
						kb_buf_addf(
							&b, "%s %s →",
							p.platforms[a].id,
							KB_NAME(&p.platforms[a],
								L));
						for (k = 0;
						     k < p.platforms[a].nrelated;
						     k++)
							kb_buf_addf(
								&b, " %s",
								p.platforms[a]
									.related[k]);
						line(6, b.buf, full);
					}
			}
		}
	}
	printf(CLI_T(cli,
		     "\nvisions %zu, goals %zu, measures %zu, actions %zu, priority areas %zu, platforms %zu\n",
		     "\nビジョン %zu、ゴール %zu、施策 %zu、取組 %zu、重点分野 %zu、プラットフォーム %zu\n"),
	       p.nvisions, p.ngoals, p.nmeasures, p.nactions, p.nareas,
	       p.nplatforms);
	kb_buf_release(&b);
	kb_plan_release(&p);
	return 0;
}

/* ---- actions ---- */

static const char actions_en[] =
	"Usage: kiban plan actions [OPTION]...\n"
	"List the plan's actions with their ministries (◎ = lead).\n\n"
	"  --ministry M   only actions of ministry M (厚, 経, 文, 内, 内官, 総, or\n"
	"                 MHLW, METI, MEXT, CAO, CAS, MIC)\n"
	"  --lead         only actions that the ministry leads (◎)\n"
	"  --goal G       only actions under goal G\n"
	"  --full         print the text in full\n"
	"  --json, --csv  output for scripts or spreadsheets (--bom for Excel)\n"
	"  --plan ID      which plan (default: the latest)\n";
static const char actions_ja[] =
	"使い方: kiban plan actions [オプション]...\n"
	"計画の取組と府省（◎ は取りまとめ府省）を一覧します。\n\n"
	"  --ministry 府省  その府省の取組のみ（厚, 経, 文, 内, 内官, 総。英略称 MHLW 等も可）\n"
	"  --lead           その府省が取りまとめ（◎）を担う取組のみ\n"
	"  --goal G         ゴール G の下の取組のみ\n"
	"  --full           本文を省略せずに表示する\n"
	"  --json, --csv    スクリプトや表計算向けの出力（Excel 向けは --bom も）\n"
	"  --plan ID        対象の計画（既定: 最新）\n";

static int plan_actions(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "ministry", required_argument, NULL, OPT_MINISTRY },
		{ "lead", no_argument, NULL, OPT_LEAD },
		{ "goal", required_argument, NULL, OPT_GOAL },
		{ "full", no_argument, NULL, OPT_FULL },
		CLI_FORMAT_OPTIONS,
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ NULL, 0, NULL, 0 },
	};
	enum kb_lang L;
	const char *ministry = NULL, *goal = NULL, *plan_id = NULL;
	size_t mi = KB_NONE, gi = KB_NONE, a, k, n = 0;
	struct cli_format f = { 0 };
	int c, r, lead = 0, full = 0;
	struct kb_store *s;
	struct kb_plan p;
	struct cli_table t;
	struct kb_buf b = KB_BUF_INIT, out = KB_BUF_INIT;
	struct kb_csvw w;
	json_t *arr = NULL;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_MINISTRY: ministry = optarg; break;
		case OPT_LEAD: lead = 1; break;
		case OPT_GOAL: goal = optarg; break;
		case OPT_FULL: full = 1; break;
		case OPT_PLAN: plan_id = optarg; break;
		default:
			if ((r = cli_option(cli, c, "plan actions", argv,
					    actions_en, actions_ja)) >= 0)
				return r;
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "plan actions",
				       CLI_T(cli, "unexpected argument '%s'",
					     "余分な引数 '%s' があります"),
				       argv[optind]);
	if (lead && !ministry)
		return cli_usage_error(cli, "plan actions", "%s",
				       CLI_T(cli, "--lead needs --ministry",
					     "--lead には --ministry が必要です"));
	if ((r = load_plan(cli, plan_id, &s, &p)))
		return r;
	kb_store_close(s);
	L = cli->lang;
	if (ministry && (mi = kb_plan_ministry(&p, ministry)) == KB_NONE) {
		kb_buf_reset(&b);
		for (k = 0; k < p.nministries; k++)
			kb_buf_addf(&b, "%s%s (%s)", k ? ", " : "",
				    p.ministries[k].code, p.ministries[k].abbr);
		r = cli_usage_error(
			cli, "plan actions",
			CLI_T(cli, "unknown ministry '%s' (expected one of %s)",
			      "不明な府省 '%s' です（%s のいずれか）"),
			ministry, b.buf);
		goto out;
	}
	if (goal && (gi = kb_plan_goal(&p, goal)) == KB_NONE) {
		r = cli_usage_error(cli, "plan actions",
				    CLI_T(cli, "unknown goal '%s'",
					  "不明なゴール '%s' です"),
				    goal);
		goto out;
	}
	if (f.json)
		arr = json_array();
	else if (f.csv) {
		kb_csvw_init(&w, &out, f.bom);
		kb_csvw_field(&w, "id");
		kb_csvw_field(&w, "goal");
		kb_csvw_field(&w, "measure");
		kb_csvw_field(&w, "ministries");
		kb_csvw_field(&w, "text_ja");
		kb_csvw_field(&w, "text_en");
		kb_csvw_end(&w);
	} else {
		cli_table_init(&t, 5, "ID", CLI_T(cli, "Ministries", "府省"),
			       CLI_T(cli, "Goal", "ゴール"),
			       CLI_T(cli, "Measure", "施策"),
			       CLI_T(cli, "Action", "取組"));
		if (!full)
			cli_table_limit(&t, 4, 70);
	}
	for (a = 0; a < p.nactions; a++) {
		const struct kb_action *x = &p.actions[a];
		const struct kb_measure *m = &p.measures[x->measure];
		int hit = mi == KB_NONE;
		for (k = 0; k < x->nmin && !hit; k++)
			hit = x->min[k].ministry == mi &&
			      (!lead || x->min[k].lead);
		if (!hit || (gi != KB_NONE && m->goal != gi))
			continue;
		n++;
		kb_buf_reset(&b);
		kb_action_ministries(&p, x, &b);
		if (f.json) {
			json_t *mins = json_array();
			for (k = 0; k < x->nmin; k++)
				json_array_append_new(
					mins,
					json_pack(
						"{s:s, s:b}", "code",
						p.ministries[x->min[k].ministry].code,
						"lead", x->min[k].lead));
			json_array_append_new(
				arr,
				json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}",
					  "id", x->id, "goal",
					  p.goals[m->goal].id, "measure", m->id,
					  "ministries", mins, "text_ja",
					  x->text_ja, "text_en", x->text_en));
		} else if (f.csv) {
			kb_csvw_field(&w, x->id);
			kb_csvw_field(&w, p.goals[m->goal].id);
			kb_csvw_field(&w, m->id);
			kb_csvw_field(&w, b.buf);
			kb_csvw_field(&w, x->text_ja);
			kb_csvw_field(&w, x->text_en);
			kb_csvw_end(&w);
		} else {
			cli_table_row(&t, x->id, b.buf, p.goals[m->goal].id,
				      m->id,
				      L == KB_LANG_EN ? x->text_en : x->text_ja);
		}
	}
	if (f.json) {
		r = cli_print_json(cli, arr);
	} else if (f.csv) {
		r = cli_write(cli, &out, "-");
	} else {
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		if (!cli->quiet)
			printf(CLI_T(cli, "actions: %zu\n", "取組 %zu 件\n"), n);
		r = 0;
	}
out:
	kb_buf_release(&b);
	kb_buf_release(&out);
	kb_plan_release(&p);
	return r;
}

/* ---- ministries ---- */

static const char ministries_en[] =
	"Usage: kiban plan ministries [--plan ID]\n"
	"List the ministries with the number of actions each takes part in and leads.\n";
static const char ministries_ja[] =
	"使い方: kiban plan ministries [--plan ID]\n"
	"府省ごとに、関係する取組と取りまとめ（◎）を担う取組の数を一覧します。\n";

static int plan_ministries(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ NULL, 0, NULL, 0 },
	};
	const char *plan_id = NULL;
	struct kb_store *s;
	struct kb_plan p;
	struct cli_table t;
	int c, r;
	size_t m, a, k;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (c == OPT_PLAN)
			plan_id = optarg;
		else if ((r = cli_option(cli, c, "plan ministries", argv,
					 ministries_en, ministries_ja)) >= 0)
			return r;
	}
	if ((r = load_plan(cli, plan_id, &s, &p)))
		return r;
	kb_store_close(s);
	cli_table_init(&t, 5, CLI_T(cli, "Code", "略称"),
		       CLI_T(cli, "Abbr.", "英略称"),
		       CLI_T(cli, "Ministry", "府省"),
		       CLI_T(cli, "Actions", "関係する取組"),
		       CLI_T(cli, "Leads (◎)", "取りまとめ（◎）"));
	for (m = 0; m < p.nministries; m++) {
		char all[16], lead[16];
		size_t na = 0, nl = 0;
		for (a = 0; a < p.nactions; a++)
			for (k = 0; k < p.actions[a].nmin; k++)
				if (p.actions[a].min[k].ministry == m) {
					na++;
					nl += p.actions[a].min[k].lead;
				}
		snprintf(all, sizeof(all), "%zu", na);
		snprintf(lead, sizeof(lead), "%zu", nl);
		cli_table_row(&t, p.ministries[m].code, p.ministries[m].abbr,
			      KB_NAME(&p.ministries[m], cli->lang), all, lead);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	kb_plan_release(&p);
	return 0;
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "import", plan_import, "check and import a plan file",
		  "計画ファイルを検査して取り込む" },
		{ "show", plan_show, "print the plan as a tree (--json, --csv)",
		  "計画を木の形で表示する（--json, --csv）" },
		{ "actions", plan_actions, "list actions, by ministry and lead",
		  "取組を府省・取りまとめ別に一覧する" },
		{ "ministries", plan_ministries,
		  "list the ministries and their actions",
		  "府省と関係する取組の数を一覧する" },
	};
	return cli_dispatch(cli, "plan", cmds, KB_ARRAY_SIZE(cmds), NULL, argc,
			    argv);
}
