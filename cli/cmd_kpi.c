/*
 * cmd_kpi.c - 'kiban kpi': import, list, show, retarget; and
 * 'kiban values': import, list, set.
 *
 * Each command is its option table (struct cli_spec, read by cli_parse()
 * into the one struct kargs) and a body; the lists go through cli_list()
 * with their columns, their JSON from the library's kb_kpi_to_json() where
 * the server writes the same, their CSV in the import format.
 */
#include "cli_more.h"

#include "kiban/eval.h"
#include "kiban/kpi.h"

/* The arguments of the kpi and values commands; KA(field): where. */
struct kargs {
	struct cli_format f;
	const char *enc, *goal, *kpi, *value, *reason, *comment, *source;
	int dry_run, fy;
};
#define KA(field) CLI_AT(struct kargs, field)

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

/* ---- import ---- */

static const struct cli_opt import_opts[] = {
	CLI_OPTS_IMPORT(KA(enc), KA(dry_run)),
	CLI_OPT_END,
};

static int run_import(struct cli *cli, const struct cli_spec *sp, int argc,
		      char **argv, kb_import_fn fn)
{
	struct kargs a = { .enc = NULL };
	struct kb_store *s;
	int r;

	if ((r = cli_parse(cli, sp, argc, argv, &a)) >= 0 ||
	    (r = cli_operands(cli, sp, argc, 1, "expected one FILE",
			      "ファイルを一つ指定してください")))
		return r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = cli_import_file(cli, s, fn, argv[optind], a.enc, a.dry_run);
	kb_store_close(s);
	return r;
}

static const struct cli_spec kimport_spec = {
	"kpi import",
	"[OPTION]... FILE",
	"[オプション]... ファイル",
	"Import KPI definitions from a CSV file (columns: id, name_ja, name_en, unit_ja,\n"
	"unit_en, direction, attached_to, baseline_value, baseline_year, target_value,\n"
	"target_year, target_reason, source, periodicity, rule, decimals; see kiban(1)).\n"
	"New KPIs are added, known ones updated.  A changed target needs its reason in\n"
	"target_reason; the old target is kept.  All or nothing: a file with any\n"
	"problem changes nothing, and every problem is listed with file:line:column.\n",
	"KPI の定義を CSV から取り込みます（列: id, name_ja, name_en, unit_ja, unit_en,\n"
	"direction, attached_to, baseline_value, baseline_year, target_value, target_year,\n"
	"target_reason, source, periodicity, rule, decimals。kiban(1) を参照）。\n"
	"新しい KPI は追加し、既存の KPI は更新します。目標を変える場合は target_reason に\n"
	"理由が必要で、旧目標は保存されます。全件取り込むか何もしないかのどちらかで、\n"
	"問題はすべて ファイル:行:列 付きで表示します。\n",
	import_opts,
	19,
	25,
	0,
};

static int kpi_import(struct cli *cli, int argc, char **argv)
{
	return run_import(cli, &kimport_spec, argc, argv, kb_kpi_import);
}

/* ---- list ---- */

static const struct cli_opt klist_opts[] = {
	{ "goal", 0, CLI_STR, "G", NULL, "only KPIs of goal G (and its measures)",
	  "ゴール G（とその施策）の KPI のみ", KA(goal) },
	CLI_OPT_JSON(KA(f)),
	{ "csv", 0, CLI_FLAG, NULL, NULL,
	  "in the import format (re-importable); --bom for Excel",
	  "取り込み形式で出力（再取り込み可能）。Excel 向けは --bom", KA(f.csv) },
	CLI_HIDDEN("bom", 0, CLI_FLAG, NULL, KA(f.bom)),
	CLI_OPT_END,
};
static const struct cli_spec klist_spec = {
	"kpi list",
	"[OPTION]...",
	"[オプション]...",
	"List the KPIs with their baseline, current target and latest figure.\n",
	"KPI を基準値・現在の目標値・最新値とともに一覧します。\n",
	klist_opts,
	17,
	17,
	0,
};

static const struct cli_col kpi_cols[] = {
	{ NULL, "ID", "ID", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "KPI", "KPI", CLI_TEXT, CLI_TAB, 44, NULL },
	{ NULL, "For", "対象", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Unit", "単位", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Baseline", "基準", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Target", "目標", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Latest", "最新値", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct kctx {
	struct cli *cli;
	struct kb_kpiset set;
};

/* v with the KPI's decimals and " (FY)" */
static void figure(struct cli_row *r, const struct kb_kpi *x, double v, int fy,
		   const char *mark)
{
	struct kb_buf b = KB_BUF_INIT;
	kb_buf_add_num(&b, v, x->decimals >= 0 ? x->decimals : -3);
	kb_buf_addf(&b, " (%d)%s", fy, mark);
	cli_str(r, b.buf);
	kb_buf_release(&b);
}

static int kpi_row(struct cli_row *r, size_t i, void *ctx)
{
	struct kctx *k = ctx;
	const struct kb_kpi *x = &k->set.v[i];
	const struct kb_target *tg = kb_kpi_target(x);
	size_t j;
	cli_str(r, x->id);
	cli_str(r, KB_NAME(x, k->cli->lang));
	cli_str(r, x->goal_id ? x->goal_id : x->measure_id);
	cli_str(r, k->cli->lang == KB_LANG_EN ? x->unit_en : x->unit_ja);
	figure(r, x, x->base_value, x->base_fy, "");
	if (tg)
		figure(r, x, tg->value, tg->fy, x->ntargets > 1 ? "*" : "");
	else
		cli_str(r, "");
	for (j = x->nobs; j-- > 0 && x->obs[j].missing;)
		;
	if (j < x->nobs)
		figure(r, x, x->obs[j].value, x->obs[j].fy, "");
	else
		cli_str(r, "");
	return 1;
}

static json_t *kpi_json(size_t i, void *ctx)
{
	return kb_kpi_to_json(&((struct kctx *)ctx)->set.v[i]);
}

/* Keeps the KPIs of goal or of a measure under it: measures are named
 * after their goal only in the plan, so it asks the plan. */
static int only_goal(struct cli *cli, struct kb_kpiset *set, const char *goal)
{
	struct kb_store *s;
	struct kb_plan p;
	size_t i, k = 0;
	int r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_plan_load(s, NULL, &p, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	for (i = 0; i < set->n; i++) {
		const struct kb_kpi *x = &set->v[i];
		size_t m = x->measure_id ? kb_plan_measure(&p, x->measure_id)
					 : KB_NONE;
		const char *g = x->goal_id     ? x->goal_id
				: m != KB_NONE ? p.goals[p.measures[m].goal].id
					       : "";
		if (!strcmp(g, goal))
			set->v[k++] = set->v[i];
		else
			kb_kpi_release(&set->v[i]);
	}
	set->n = k;
	kb_plan_release(&p);
	return 0;
}

static int kpi_list(struct cli *cli, int argc, char **argv)
{
	struct kargs a = { .goal = NULL };
	struct kctx k = { cli, { 0 } };
	struct cli_list l = { kpi_cols, 0, kpi_row, kpi_json, NULL, &k, 0, 0 };
	int r;

	if ((r = cli_parse(cli, &klist_spec, argc, argv, &a)) >= 0 ||
	    (r = load_kpis(cli, &k.set)))
		return r;
	if (a.goal && (r = only_goal(cli, &k.set, a.goal)))
		goto out;
	if (a.f.csv && !a.f.json) {
		struct kb_buf out = KB_BUF_INIT;
		kb_kpi_write_csv(&k.set, &out, a.f.bom);
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
		goto out;
	}
	l.n = k.set.n;
	r = cli_list(cli, &a.f, &l);
	if (!a.f.json && !cli->quiet)
		printf(CLI_T(cli,
			     "%zu KPIs (* target revised; years are fiscal years)\n",
			     "KPI %zu 件（* は目標改定あり。年は年度）\n"),
		       k.set.n);
out:
	kb_kpiset_release(&k.set);
	return r;
}

/* ---- show ---- */

static const struct cli_opt kshow_opts[] = {
	CLI_HIDDEN("json", 0, CLI_FLAG, NULL, KA(f.json)),
	CLI_HIDDEN("year", 0, CLI_FY, "FY", KA(fy)),
	CLI_OPT_END,
};
static const struct cli_spec kshow_spec = {
	"kpi show",
	"[--year FY] [--json] ID",
	"[--year 年度] [--json] ID",
	"Show one KPI: its definition, its target history, every figure with who\n"
	"entered it, and its status for a fiscal year (default: the last one ended).\n",
	"KPI を一つ表示します: 定義、目標の履歴、各年度の値と入力者、指定年度\n"
	"（既定: 直近に終わった年度）の評価。\n",
	kshow_opts,
	0,
	0,
	0,
};

static void print_kpi(struct cli *cli, const struct kb_kpi *k,
		      const struct kb_kpi_eval *e, int fy)
{
	enum kb_lang L = cli->lang;
	struct kb_buf b = KB_BUF_INIT;
	int dec = k->decimals >= 0 ? k->decimals : -3;
	size_t i;

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
	kb_kpi_eval_explain(k, e, L, &b);
	printf(CLI_T(cli, "  FY%d: %s — %s\n", "  %d年度: %s — %s\n"), fy,
	       kb_status_label(e->status, L), b.buf);
	kb_buf_release(&b);
}

static int kpi_show(struct cli *cli, int argc, char **argv)
{
	struct kargs a = { .fy = kb_fy_last_complete(cli->now) };
	struct kb_kpiset set;
	struct kb_kpi_eval e;
	const struct kb_kpi *k = NULL;
	int r;
	size_t i;

	if ((r = cli_parse(cli, &kshow_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_operands(cli, &kshow_spec, argc, 1, "expected one KPI id",
			      "KPI の ID を一つ指定してください")) ||
	    (r = load_kpis(cli, &set)))
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
	kb_kpi_evaluate(k, a.fy, KB_RULE_CAGR, &e);
	if (a.f.json) {
		json_t *j = kb_kpi_to_json(k);
		json_object_set_new(j, "evaluation",
				    json_pack("{s:i, s:s, s:s}", "fiscal_year",
					      a.fy, "status",
					      kb_status_key(e.status), "rule",
					      kb_rule_key(e.rule)));
		kb_kpiset_release(&set);
		return cli_print_json(cli, j);
	}
	print_kpi(cli, k, &e, a.fy);
	kb_kpiset_release(&set);
	return 0;
}

/* ---- retarget ---- */

static const struct cli_opt retarget_opts[] = {
	CLI_HIDDEN("value", 0, CLI_STR, "V", KA(value)),
	CLI_HIDDEN("year", 0, CLI_FY, "FY", KA(fy)),
	CLI_HIDDEN("reason", 0, CLI_STR, "TEXT", KA(reason)),
	CLI_OPT_END,
};
static const struct cli_spec retarget_spec = {
	"kpi retarget",
	"ID --value V --year FY --reason TEXT",
	"ID --value 値 --year 年度 --reason 理由",
	"Revise the target of a KPI.  The former target stays in the KPI's history\n"
	"with its date and reason; frozen evaluations keep the target they used.\n",
	"KPI の目標を改定します。旧目標は日付・理由とともに履歴に残り、確定済みの\n"
	"評価は当時の目標のままです。\n",
	retarget_opts,
	0,
	0,
	0,
};

static int kpi_retarget(struct cli *cli, int argc, char **argv)
{
	struct kargs a = { .fy = 0 };
	struct kb_store *s;
	double v;
	int r;

	if ((r = cli_parse(cli, &retarget_spec, argc, argv, &a)) >= 0)
		return r;
	if (optind + 1 != argc || !a.value || !a.fy || !a.reason)
		return cli_usage_error(
			cli, "kpi retarget", "%s",
			CLI_T(cli, "expected ID, --value, --year and --reason",
			      "ID と --value, --year, --reason が必要です"));
	if (kb_parse_number(a.value, &v))
		return cli_usage_error(cli, "kpi retarget",
				       CLI_T(cli, "'%s' is not a number",
					     "'%s' は数値ではありません"),
				       a.value);
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_kpi_retarget(s, argv[optind], v, a.fy, a.reason, cli->user,
			    cli->now, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "target of %s revised to %s (FY%d)\n",
			     "%s の目標を %s（%d年度）に改定しました\n"),
		       argv[optind], a.value, a.fy);
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

static const struct cli_spec vimport_spec = {
	"values import",
	"[OPTION]... FILE",
	"[オプション]... ファイル",
	"Import yearly KPI figures from a CSV file (columns: kpi_id, fiscal_year, value,\n"
	"source, comment; Japanese headers KPI ID, 年度, 値, 出典, 備考 also work).\n"
	"Write NA (or 欠測) as the value of a figure that is not available: it is\n"
	"recorded as missing, never as zero.  Years may be written 2025, FY2025 or\n"
	"令和7年度.  A figure that replaces another keeps the old one in the history.\n"
	"All or nothing: a file with any problem changes nothing.\n",
	"KPI の年度ごとの値を CSV から取り込みます（列: kpi_id, fiscal_year, value, source,\n"
	"comment。日本語の見出し KPI ID, 年度, 値, 出典, 備考 も使えます）。\n"
	"値が得られない年度は値に NA（または 欠測）と書きます。欠測として記録し、0 とは\n"
	"扱いません。年度は 2025、FY2025、令和7年度 のいずれでも書けます。値を置き換えると\n"
	"旧い値は履歴に残ります。問題が一つでもあれば何も変更しません。\n",
	import_opts,
	19,
	25,
	0,
};

static int values_import(struct cli *cli, int argc, char **argv)
{
	return run_import(cli, &vimport_spec, argc, argv, kb_obs_import);
}

static const struct cli_opt vlist_opts[] = {
	CLI_HIDDEN("kpi", 0, CLI_STR, "ID", KA(kpi)),
	CLI_OPTS_FORMATS_HIDDEN(KA(f)),
	CLI_OPT_END,
};
static const struct cli_spec vlist_spec = {
	"values list",
	"[--kpi ID] [--json | --csv [--bom]]",
	"[--kpi ID] [--json | --csv [--bom]]",
	"List the yearly figures, with who entered them and when.  --csv writes the\n"
	"import format.\n",
	"年度ごとの値を入力者・入力日時とともに一覧します。--csv は取り込み形式です。\n",
	vlist_opts,
	0,
	0,
	0,
};

/* The figures in one list: row i is figure obs[i] of KPI kpi[i]. */
struct vctx {
	struct cli *cli;
	struct kb_kpiset set;
	const struct kb_kpi **kpi;
	const struct kb_obs **obs;
};

static const struct cli_col value_cols[] = {
	{ "kpi", "KPI", "KPI", CLI_TEXT, CLI_TAB | CLI_JSON, 0, NULL },
	{ "fiscal_year", "FY", "年度", CLI_INT, CLI_TAB | CLI_JSON, 0, NULL },
	{ NULL, "Figure", "値", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "value", NULL, NULL, CLI_REAL, CLI_JSON, 0, NULL },
	{ "missing", NULL, NULL, CLI_BOOL, CLI_JSON, 0, NULL },
	{ "source", NULL, NULL, CLI_TEXT, CLI_JSON, 0, NULL },
	{ "comment", "Comment", "備考", CLI_TEXT, CLI_TAB | CLI_JSON, 40, NULL },
	{ "entered_by", "Entered by", "入力者", CLI_TEXT, CLI_TAB | CLI_JSON, 0,
	  NULL },
	{ "entered_at", "Entered at", "入力日時", CLI_TEXT, CLI_TAB | CLI_JSON,
	  0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

static int value_row(struct cli_row *r, size_t i, void *ctx)
{
	struct vctx *v = ctx;
	const struct kb_kpi *k = v->kpi[i];
	const struct kb_obs *o = v->obs[i];
	struct kb_buf b = KB_BUF_INIT;
	cli_str(r, k->id);
	cli_int(r, o->fy);
	if (o->missing)
		kb_buf_adds(&b, CLI_T(v->cli, "missing", "欠測"));
	else
		kb_buf_add_num(&b, o->value, k->decimals >= 0 ? k->decimals : -3);
	cli_str(r, b.buf);
	kb_buf_release(&b);
	if (o->missing)
		cli_none(r);
	else
		cli_num(r, o->value);
	cli_bool(r, o->missing);
	cli_str(r, o->source);
	cli_str(r, o->comment);
	cli_str(r, o->entered_by);
	cli_str(r, o->entered_at);
	return 1;
}

static int values_list(struct cli *cli, int argc, char **argv)
{
	struct kargs a = { .kpi = NULL };
	struct vctx v = { cli, { 0 }, NULL, NULL };
	struct cli_list l = { value_cols, 0, value_row, NULL, NULL, &v, 0, 0 };
	size_t i, j, n = 0;
	int r;

	if ((r = cli_parse(cli, &vlist_spec, argc, argv, &a)) >= 0 ||
	    (r = load_kpis(cli, &v.set)))
		return r;
	if (a.f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		kb_obs_write_csv(&v.set, a.kpi, &out, a.f.bom);
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
		kb_kpiset_release(&v.set);
		return r;
	}
	for (i = 0; i < v.set.n; i++)
		n += v.set.v[i].nobs;
	v.kpi = kb_calloc(n + 1, sizeof(*v.kpi));
	v.obs = kb_calloc(n + 1, sizeof(*v.obs));
	for (i = 0; i < v.set.n; i++)
		if (!a.kpi || !strcmp(a.kpi, v.set.v[i].id))
			for (j = 0; j < v.set.v[i].nobs; j++) {
				v.kpi[l.n] = &v.set.v[i];
				v.obs[l.n++] = &v.set.v[i].obs[j];
			}
	r = cli_list(cli, &a.f, &l);
	if (!a.f.json && !cli->quiet)
		printf(CLI_T(cli, "%zu figures\n", "値 %zu 件\n"), l.n);
	free(v.kpi);
	free(v.obs);
	kb_kpiset_release(&v.set);
	return r;
}

static const struct cli_opt vset_opts[] = {
	CLI_HIDDEN("comment", 0, CLI_STR, "TEXT", KA(comment)),
	CLI_HIDDEN("source", 0, CLI_STR, "TEXT", KA(source)),
	CLI_OPT_END,
};
static const struct cli_spec vset_spec = {
	"values set",
	"[--comment TEXT] [--source TEXT] KPI FY VALUE",
	"[--comment 備考] [--source 出典] KPI 年度 値",
	"Enter one figure.  VALUE NA (or 欠測) records the figure as missing; give the\n"
	"reason with --comment.  A replaced figure stays in the history.\n",
	"値を一つ入力します。値に NA（または 欠測）を指定すると欠測として記録します\n"
	"（理由は --comment で）。置き換えた値は履歴に残ります。\n",
	vset_opts,
	0,
	0,
	0,
};

static int values_set(struct cli *cli, int argc, char **argv)
{
	struct kargs a = { .comment = "", .source = "" };
	struct kb_store *s;
	double v = 0;
	int r, fy, missing;

	if ((r = cli_parse(cli, &vset_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_operands(cli, &vset_spec, argc, 3,
			      "expected KPI, FY and VALUE",
			      "KPI・年度・値を指定してください")))
		return r;
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
	r = kb_obs_set(s, argv[optind], fy, missing, v, a.source, a.comment,
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
