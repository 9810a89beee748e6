/*
 * cmd_kpi.c - 'kiban kpi': import, list, show, retarget; and
 * 'kiban values': import, list, set.
 */
#include "cli.h"

#include "kiban/eval.h"
#include "kiban/kpi.h"

enum {
	OPT_ENCODING = OPT_FIRST_OWN,
	OPT_DRY_RUN,
	OPT_VALUE,
	OPT_YEAR,
	OPT_REASON,
	OPT_KPI,
	OPT_COMMENT,
	OPT_SOURCE,
	OPT_GOAL
};

static int load_kpis(struct cli *cli, struct kb_kpiset *set)
{
	struct kb_store *s;
	int r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_kpi_load(s, set, &cli->err);
	kb_store_close(s);
	return r ? cli_fail(cli, r) : 0;
}

static int run_import(struct cli *cli, int argc, char **argv, const char *cmd,
		      kb_import_fn fn, const char *en, const char *ja)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ NULL, 0, NULL, 0 },
	};
	const char *enc = NULL;
	struct kb_store *s;
	int c, r, dry = 0;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (c == OPT_ENCODING)
			enc = optarg;
		else if (c == OPT_DRY_RUN)
			dry = 1;
		else if ((r = cli_option(cli, c, cmd, argv, en, ja)) >= 0)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, cmd, "%s",
				       CLI_T(cli, "expected one FILE",
					     "ファイルを一つ指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = cli_import_file(cli, s, fn, argv[optind], enc, dry);
	kb_store_close(s);
	return r;
}

static const char kimport_en[] =
	"Usage: kiban kpi import [OPTION]... FILE\n"
	"Import KPI definitions from a CSV file (columns: id, name_ja, name_en, unit_ja,\n"
	"unit_en, direction, attached_to, baseline_value, baseline_year, target_value,\n"
	"target_year, target_reason, source, periodicity, rule, decimals; see kiban(1)).\n"
	"New KPIs are added, known ones updated.  A changed target needs its reason in\n"
	"target_reason; the old target is kept.  All or nothing: a file with any\n"
	"problem changes nothing, and every problem is listed with file:line:column.\n\n"
	"  --encoding ENC   auto (default), utf-8 or cp932 (Shift_JIS from Excel)\n"
	"  --dry-run        check only\n";
static const char kimport_ja[] =
	"使い方: kiban kpi import [オプション]... ファイル\n"
	"KPI の定義を CSV から取り込みます（列: id, name_ja, name_en, unit_ja, unit_en,\n"
	"direction, attached_to, baseline_value, baseline_year, target_value, target_year,\n"
	"target_reason, source, periodicity, rule, decimals。kiban(1) を参照）。\n"
	"新しい KPI は追加し、既存の KPI は更新します。目標を変える場合は target_reason に\n"
	"理由が必要で、旧目標は保存されます。全件取り込むか何もしないかのどちらかで、\n"
	"問題はすべて ファイル:行:列 付きで表示します。\n\n"
	"  --encoding 文字コード  auto（既定）, utf-8, cp932（Excel の Shift_JIS）\n"
	"  --dry-run              検査のみ行う\n";

static int kpi_import(struct cli *cli, int argc, char **argv)
{
	return run_import(cli, argc, argv, "kpi import", kb_kpi_import,
			  kimport_en, kimport_ja);
}

static const char klist_en[] =
	"Usage: kiban kpi list [OPTION]...\n"
	"List the KPIs with their baseline, current target and latest figure.\n\n"
	"  --goal G       only KPIs of goal G (and its measures)\n"
	"  --json         for scripts\n"
	"  --csv          in the import format (re-importable); --bom for Excel\n";
static const char klist_ja[] =
	"使い方: kiban kpi list [オプション]...\n"
	"KPI を基準値・現在の目標値・最新値とともに一覧します。\n\n"
	"  --goal G       ゴール G（とその施策）の KPI のみ\n"
	"  --json         スクリプト向け\n"
	"  --csv          取り込み形式で出力（再取り込み可能）。Excel 向けは --bom\n";

static int kpi_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "goal", required_argument, NULL, OPT_GOAL },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_kpiset set;
	const char *goal = NULL;
	struct cli_format f = { 0 };
	int c, r;
	size_t i, j;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_GOAL: goal = optarg; break;
		default:
			if ((r = cli_option(cli, c, "kpi list", argv, klist_en,
					    klist_ja)) >= 0)
				return r;
		}
	}
	if ((r = load_kpis(cli, &set)))
		return r;
	if (goal) {
		/* keep KPIs of the goal or of a measure under it: measures are
		 * named after their goal only in the plan, so ask the plan */
		struct kb_store *s;
		struct kb_plan p;
		size_t k = 0;
		if ((r = cli_open(cli, 0, &s)))
			goto out;
		r = kb_plan_load(s, NULL, &p, &cli->err);
		kb_store_close(s);
		if (r) {
			r = cli_fail(cli, r);
			goto out;
		}
		for (i = 0; i < set.n; i++) {
			const struct kb_kpi *x = &set.v[i];
			size_t m = x->measure_id
					   ? kb_plan_measure(&p, x->measure_id)
					   : KB_NONE;
			const char *g = x->goal_id ? x->goal_id
					: m != KB_NONE
						? p.goals[p.measures[m].goal].id
						: "";
			if (!strcmp(g, goal))
				set.v[k++] = set.v[i];
			else
				kb_kpi_release(&set.v[i]);
		}
		set.n = k;
		kb_plan_release(&p);
	}
	if (f.json) {
		json_t *arr = json_array();
		for (i = 0; i < set.n; i++)
			json_array_append_new(arr, kb_kpi_to_json(&set.v[i]));
		r = cli_print_json(cli, arr);
	} else if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		kb_kpi_write_csv(&set, &out, f.bom);
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else {
		struct cli_table t;
		struct kb_buf base = KB_BUF_INIT, tgt = KB_BUF_INIT,
			      last = KB_BUF_INIT;
		cli_table_init(&t, 7, "ID", CLI_T(cli, "KPI", "KPI"),
			       CLI_T(cli, "For", "対象"),
			       CLI_T(cli, "Unit", "単位"),
			       CLI_T(cli, "Baseline", "基準"),
			       CLI_T(cli, "Target", "目標"),
			       CLI_T(cli, "Latest", "最新値"));
		cli_table_limit(&t, 1, 44);
		for (i = 0; i < set.n; i++) {
			const struct kb_kpi *x = &set.v[i];
			const struct kb_target *tg = kb_kpi_target(x);
			int dec = x->decimals >= 0 ? x->decimals : -3;
			kb_buf_reset(&base);
			kb_buf_reset(&tgt);
			kb_buf_reset(&last);
			kb_buf_add_num(&base, x->base_value, dec);
			kb_buf_addf(&base, " (%d)", x->base_fy);
			if (tg) {
				kb_buf_add_num(&tgt, tg->value, dec);
				kb_buf_addf(&tgt, " (%d)%s", tg->fy,
					    x->ntargets > 1 ? "*" : "");
			}
			for (j = x->nobs; j-- > 0;)
				if (!x->obs[j].missing) {
					kb_buf_add_num(&last, x->obs[j].value,
						       dec);
					kb_buf_addf(&last, " (%d)", x->obs[j].fy);
					break;
				}
			cli_table_row(&t, x->id, KB_NAME(x, cli->lang),
				      x->goal_id ? x->goal_id : x->measure_id,
				      cli->lang == KB_LANG_EN ? x->unit_en
							      : x->unit_ja,
				      base.buf, tgt.buf, last.buf);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		if (!cli->quiet)
			printf(CLI_T(cli,
				     "%zu KPIs (* target revised; years are fiscal years)\n",
				     "KPI %zu 件（* は目標改定あり。年は年度）\n"),
			       set.n);
		kb_buf_release(&base);
		kb_buf_release(&tgt);
		kb_buf_release(&last);
		r = 0;
	}
out:
	kb_kpiset_release(&set);
	return r;
}

static const char kshow_en[] =
	"Usage: kiban kpi show [--year FY] [--json] ID\n"
	"Show one KPI: its definition, its target history, every figure with who\n"
	"entered it, and its status for a fiscal year (default: the last one ended).\n";
static const char kshow_ja[] =
	"使い方: kiban kpi show [--year 年度] [--json] ID\n"
	"KPI を一つ表示します: 定義、目標の履歴、各年度の値と入力者、指定年度\n"
	"（既定: 直近に終わった年度）の評価。\n";

static int kpi_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ NULL, 0, NULL, 0 },
	};
	enum kb_lang L = cli->lang;
	struct kb_kpiset set;
	struct kb_kpi_eval e;
	struct kb_buf b = KB_BUF_INIT;
	const struct kb_kpi *k = NULL;
	struct cli_format f = { 0 };
	int c, r, fy = kb_fy_last_complete(cli->now), dec;
	size_t i;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_YEAR:
			if (cli_fy(cli, optarg, &fy))
				return EXIT_USAGE;
			break;
		default:
			if ((r = cli_option(cli, c, "kpi show", argv, kshow_en,
					    kshow_ja)) >= 0)
				return r;
		}
	}
	L = cli->lang;
	if (optind + 1 != argc)
		return cli_usage_error(cli, "kpi show", "%s",
				       CLI_T(cli, "expected one KPI id",
					     "KPI の ID を一つ指定してください"));
	if ((r = load_kpis(cli, &set)))
		return r;
	for (i = 0; i < set.n; i++)
		if (!strcmp(set.v[i].id, argv[optind]))
			k = &set.v[i];
	if (!k) {
		kb_err_set(
			&cli->err, KB_ENOTFOUND,
			CLI_T(cli, "no KPI '%s' (see 'kiban kpi list')",
			      "KPI '%s' がありません（'kiban kpi list' を参照）"),
			argv[optind]);
		kb_kpiset_release(&set);
		return cli_fail(cli, KB_ENOTFOUND);
	}
	kb_kpi_evaluate(k, fy, KB_RULE_CAGR, &e);
	if (f.json) {
		json_t *j = kb_kpi_to_json(k);
		json_object_set_new(j, "evaluation",
				    json_pack("{s:i, s:s, s:s}", "fiscal_year", fy,
					      "status", kb_status_key(e.status),
					      "rule", kb_rule_key(e.rule)));
		kb_kpiset_release(&set);
		return cli_print_json(cli, j);
	}
	dec = k->decimals >= 0 ? k->decimals : -3;
	printf("%s %s\n", k->id, KB_NAME(k, L));
	printf(CLI_T(cli, "  for %s · unit %s · %s · %s\n",
		     "  対象 %s・単位 %s・%s・頻度 %s\n"),
	       k->goal_id ? k->goal_id : k->measure_id,
	       L == KB_LANG_EN ? k->unit_en : k->unit_ja,
	       k->direction == KB_LOWER
		       ? CLI_T(cli, "lower is better", "低いほど良い")
		       : CLI_T(cli, "higher is better", "高いほど良い"),
	       k->periodicity);
	kb_buf_add_num(&b, k->base_value, dec);
	printf(CLI_T(cli, "  baseline %s (FY%d)\n", "  基準値 %s（%d年度）\n"),
	       b.buf, k->base_fy);
	for (i = 0; i < k->ntargets; i++) {
		kb_buf_reset(&b);
		kb_buf_add_num(&b, k->targets[i].value, dec);
		printf(CLI_T(cli, "  %s %s (FY%d), set %.10s by %s: %s\n",
			     "  %s %s（%d年度）、%.10s 設定、設定者 %s: %s\n"),
		       i + 1 == k->ntargets
			       ? CLI_T(cli, "target", "目標値")
			       : CLI_T(cli, "former target", "旧目標値"),
		       b.buf, k->targets[i].fy,
		       k->targets[i].set_at ? k->targets[i].set_at : "",
		       k->targets[i].set_by ? k->targets[i].set_by : "-",
		       k->targets[i].reason);
	}
	printf(CLI_T(cli, "  source: %s\n", "  出典: %s\n"), k->source);
	for (i = 0; i < k->nobs; i++) {
		const struct kb_obs *o = &k->obs[i];
		kb_buf_reset(&b);
		if (o->missing)
			kb_buf_adds(&b, CLI_T(cli, "missing", "欠測"));
		else
			kb_buf_add_num(&b, o->value, dec);
		printf(CLI_T(cli, "  FY%d  %12s  %s%s(%s, %.10s)\n",
			     "  %d年度  %12s  %s%s（%s, %.10s）\n"),
		       o->fy, b.buf, o->comment, *o->comment ? " " : "",
		       o->entered_by ? o->entered_by : "-",
		       o->entered_at ? o->entered_at : "");
	}
	kb_buf_reset(&b);
	kb_kpi_eval_explain(k, &e, L, &b);
	printf(CLI_T(cli, "  FY%d: %s — %s\n", "  %d年度: %s — %s\n"), fy,
	       kb_status_label(e.status, L), b.buf);
	kb_buf_release(&b);
	kb_kpiset_release(&set);
	return 0;
}

static const char retarget_en[] =
	"Usage: kiban kpi retarget ID --value V --year FY --reason TEXT\n"
	"Revise the target of a KPI.  The former target stays in the KPI's history\n"
	"with its date and reason; frozen evaluations keep the target they used.\n";
static const char retarget_ja[] =
	"使い方: kiban kpi retarget ID --value 値 --year 年度 --reason 理由\n"
	"KPI の目標を改定します。旧目標は日付・理由とともに履歴に残り、確定済みの\n"
	"評価は当時の目標のままです。\n";

static int kpi_retarget(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "value", required_argument, NULL, OPT_VALUE },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ NULL, 0, NULL, 0 },
	};
	const char *value = NULL, *reason = NULL;
	struct kb_store *s;
	double v;
	int c, r, fy = 0;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_VALUE: value = optarg; break;
		case OPT_REASON: reason = optarg; break;
		case OPT_YEAR:
			if (cli_fy(cli, optarg, &fy))
				return EXIT_USAGE;
			break;
		default:
			if ((r = cli_option(cli, c, "kpi retarget", argv,
					    retarget_en, retarget_ja)) >= 0)
				return r;
		}
	}
	if (optind + 1 != argc || !value || !fy || !reason)
		return cli_usage_error(
			cli, "kpi retarget", "%s",
			CLI_T(cli, "expected ID, --value, --year and --reason",
			      "ID と --value, --year, --reason が必要です"));
	if (kb_parse_number(value, &v))
		return cli_usage_error(cli, "kpi retarget",
				       CLI_T(cli, "'%s' is not a number",
					     "'%s' は数値ではありません"),
				       value);
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_kpi_retarget(s, argv[optind], v, fy, reason, cli->user, cli->now,
			    &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "target of %s revised to %s (FY%d)\n",
			     "%s の目標を %s（%d年度）に改定しました\n"),
		       argv[optind], value, fy);
	return 0;
}

int cmd_kpi(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "import", kpi_import, "import KPI definitions (CSV)",
		  "KPI の定義を取り込む（CSV）" },
		{ "list", kpi_list, "list KPIs (--json, --csv)",
		  "KPI を一覧する（--json, --csv）" },
		{ "show", kpi_show, "show one KPI with its history",
		  "KPI を履歴とともに表示する" },
		{ "retarget", kpi_retarget,
		  "revise a KPI's target, keeping the old one",
		  "KPI の目標を改定する（旧目標は保存）" },
	};
	return cli_dispatch(cli, "kpi", cmds, KB_ARRAY_SIZE(cmds), NULL, argc,
			    argv);
}

/* ---- values ---- */

static const char vimport_en[] =
	"Usage: kiban values import [OPTION]... FILE\n"
	"Import yearly KPI figures from a CSV file (columns: kpi_id, fiscal_year, value,\n"
	"source, comment; Japanese headers KPI ID, 年度, 値, 出典, 備考 also work).\n"
	"Write NA (or 欠測) as the value of a figure that is not available: it is\n"
	"recorded as missing, never as zero.  Years may be written 2025, FY2025 or\n"
	"令和7年度.  A figure that replaces another keeps the old one in the history.\n"
	"All or nothing: a file with any problem changes nothing.\n\n"
	"  --encoding ENC   auto (default), utf-8 or cp932 (Shift_JIS from Excel)\n"
	"  --dry-run        check only\n";
static const char vimport_ja[] =
	"使い方: kiban values import [オプション]... ファイル\n"
	"KPI の年度ごとの値を CSV から取り込みます（列: kpi_id, fiscal_year, value, source,\n"
	"comment。日本語の見出し KPI ID, 年度, 値, 出典, 備考 も使えます）。\n"
	"値が得られない年度は値に NA（または 欠測）と書きます。欠測として記録し、0 とは\n"
	"扱いません。年度は 2025、FY2025、令和7年度 のいずれでも書けます。値を置き換えると\n"
	"旧い値は履歴に残ります。問題が一つでもあれば何も変更しません。\n\n"
	"  --encoding 文字コード  auto（既定）, utf-8, cp932（Excel の Shift_JIS）\n"
	"  --dry-run              検査のみ行う\n";

static int values_import(struct cli *cli, int argc, char **argv)
{
	return run_import(cli, argc, argv, "values import", kb_obs_import,
			  vimport_en, vimport_ja);
}

static const char vlist_en[] =
	"Usage: kiban values list [--kpi ID] [--json | --csv [--bom]]\n"
	"List the yearly figures, with who entered them and when.  --csv writes the\n"
	"import format.\n";
static const char vlist_ja[] =
	"使い方: kiban values list [--kpi ID] [--json | --csv [--bom]]\n"
	"年度ごとの値を入力者・入力日時とともに一覧します。--csv は取り込み形式です。\n";

static int values_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "kpi", required_argument, NULL, OPT_KPI },
		CLI_FORMAT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kb_kpiset set;
	const char *kpi = NULL;
	struct cli_format f = { 0 };
	int c, r;
	size_t i, j;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_KPI: kpi = optarg; break;
		default:
			if ((r = cli_option(cli, c, "values list", argv,
					    vlist_en, vlist_ja)) >= 0)
				return r;
		}
	}
	if ((r = load_kpis(cli, &set)))
		return r;
	if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		kb_obs_write_csv(&set, kpi, &out, f.bom);
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else if (f.json) {
		json_t *arr = json_array();
		for (i = 0; i < set.n; i++) {
			const struct kb_kpi *k = &set.v[i];
			if (kpi && strcmp(kpi, k->id))
				continue;
			for (j = 0; j < k->nobs; j++) {
				const struct kb_obs *o = &k->obs[j];
				json_array_append_new(
					arr,
					json_pack(
						"{s:s, s:i, s:o, s:b, s:s, s:s, s:s?, s:s?}",
						"kpi", k->id, "fiscal_year",
						o->fy, "value",
						o->missing ? json_null()
							   : json_real(o->value),
						"missing", o->missing, "source",
						o->source, "comment", o->comment,
						"entered_by", o->entered_by,
						"entered_at", o->entered_at));
			}
		}
		r = cli_print_json(cli, arr);
	} else {
		struct cli_table t;
		struct kb_buf v = KB_BUF_INIT;
		char fy[16];
		size_t n = 0;
		cli_table_init(&t, 6, "KPI", CLI_T(cli, "FY", "年度"),
			       CLI_T(cli, "Figure", "値"),
			       CLI_T(cli, "Comment", "備考"),
			       CLI_T(cli, "Entered by", "入力者"),
			       CLI_T(cli, "Entered at", "入力日時"));
		cli_table_limit(&t, 3, 40);
		for (i = 0; i < set.n; i++) {
			const struct kb_kpi *k = &set.v[i];
			if (kpi && strcmp(kpi, k->id))
				continue;
			for (j = 0; j < k->nobs; j++) {
				const struct kb_obs *o = &k->obs[j];
				kb_buf_reset(&v);
				if (o->missing)
					kb_buf_adds(&v, CLI_T(cli, "missing",
							      "欠測"));
				else
					kb_buf_add_num(&v, o->value,
						       k->decimals >= 0
							       ? k->decimals
							       : -3);
				snprintf(fy, sizeof(fy), "%d", o->fy);
				cli_table_row(&t, k->id, fy, v.buf, o->comment,
					      o->entered_by, o->entered_at);
				n++;
			}
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		kb_buf_release(&v);
		if (!cli->quiet)
			printf(CLI_T(cli, "%zu figures\n", "値 %zu 件\n"), n);
		r = 0;
	}
	kb_kpiset_release(&set);
	return r;
}

static const char vset_en[] =
	"Usage: kiban values set [--comment TEXT] [--source TEXT] KPI FY VALUE\n"
	"Enter one figure.  VALUE NA (or 欠測) records the figure as missing; give the\n"
	"reason with --comment.  A replaced figure stays in the history.\n";
static const char vset_ja[] =
	"使い方: kiban values set [--comment 備考] [--source 出典] KPI 年度 値\n"
	"値を一つ入力します。値に NA（または 欠測）を指定すると欠測として記録します\n"
	"（理由は --comment で）。置き換えた値は履歴に残ります。\n";

static int values_set(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "comment", required_argument, NULL, OPT_COMMENT },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ NULL, 0, NULL, 0 },
	};
	const char *comment = "", *source = "";
	struct kb_store *s;
	double v = 0;
	int c, r, fy, missing;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_COMMENT: comment = optarg; break;
		case OPT_SOURCE: source = optarg; break;
		default:
			if ((r = cli_option(cli, c, "values set", argv, vset_en,
					    vset_ja)) >= 0)
				return r;
		}
	}
	if (optind + 3 != argc)
		return cli_usage_error(cli, "values set", "%s",
				       CLI_T(cli, "expected KPI, FY and VALUE",
					     "KPI・年度・値を指定してください"));
	if (cli_fy(cli, argv[optind + 1], &fy))
		return EXIT_USAGE;
	missing = !strcasecmp(argv[optind + 2], "NA") ||
		  !strcmp(argv[optind + 2], "欠測");
	if (!missing && kb_parse_number(argv[optind + 2], &v))
		return cli_usage_error(
			cli, "values set",
			CLI_T(cli,
			      "'%s' is not a number (or NA for a missing figure)",
			      "'%s' は数値ではありません（欠測は NA）"),
			argv[optind + 2]);
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_obs_set(s, argv[optind], fy, missing, v, source, comment,
		       cli->user, cli->now, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "%s FY%d: %s recorded\n",
			     "%s %d年度: %s を記録しました\n"),
		       argv[optind], fy,
		       missing ? CLI_T(cli, "missing", "欠測")
			       : argv[optind + 2]);
	return 0;
}

int cmd_values(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "import", values_import, "import yearly figures (CSV)",
		  "年度ごとの値を取り込む（CSV）" },
		{ "list", values_list, "list figures (--json, --csv)",
		  "値を一覧する（--json, --csv）" },
		{ "set", values_set, "enter one figure (or NA)",
		  "値を一つ入力する（欠測は NA）" },
	};
	return cli_dispatch(cli, "values", cmds, KB_ARRAY_SIZE(cmds), NULL,
			    argc, argv);
}
