/*
 * cmd_plan.c - 'kiban plan': import, show, actions, ministries.
 *
 * Each command is its option table (struct cli_spec, read by cli_parse()
 * into the one struct pargs) and a body; the list of actions goes through
 * cli_list() with its columns.
 */
#include "cli_more.h"

#include "kiban/plan.h"

/* The arguments of the plan commands; PA(field): where a value goes. */
struct pargs {
	struct cli_format f;
	const char *enc, *plan, *ministry, *goal;
	int dry_run, full, lead;
};
#define PA(field) CLI_AT(struct pargs, field)

static int load_plan(struct cli *cli, const char *plan_id, struct kb_plan *p)
{
	struct kb_store *s;
	int r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_plan_load(s, plan_id, p, &cli->err);
	kb_store_close(s);
	return r ? cli_fail(cli, r) : 0;
}

/* For commands without operands: 0, or the exit status reported. */
static int no_operands(struct cli *cli, const char *cmd, int argc, char **argv)
{
	if (optind < argc)
		return cli_usage_error(cli, cmd,
				       CLI_T(cli, "unexpected argument '%s'",
					     "余分な引数 '%s' があります"),
				       argv[optind]);
	return 0;
}

/* ---- import ---- */

static const struct cli_opt import_opts[] = {
	CLI_OPTS_IMPORT(PA(enc), PA(dry_run)),
	CLI_OPT_END,
};
static const struct cli_spec import_spec = {
	"plan import",
	"[OPTION]... FILE",
	"[オプション]... ファイル",
	"Check a plan file (CSV, see kiban(1) and docs/plan-format.md) and import it,\n"
	"replacing the plan with the same id.  Every problem is reported with its\n"
	"file:line:column; a file with any problem changes nothing.\n",
	"計画ファイル（CSV。kiban(1) と docs/plan-format.md を参照）を検査し、同じ ID の\n"
	"計画を置き換えて取り込みます。問題はすべて ファイル:行:列 付きで報告し、\n"
	"問題が一つでもあれば何も変更しません。\n",
	import_opts,
	19,
	25,
	0,
};

static int plan_import(struct cli *cli, int argc, char **argv)
{
	struct pargs a = { .enc = NULL };
	struct kb_store *s;
	struct kb_plan p;
	struct kb_csv csv;
	int r, dry;

	if ((r = cli_parse(cli, &import_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_operands(cli, &import_spec, argc, 1, "expected one FILE",
			      "ファイルを一つ指定してください")) ||
	    (r = cli_open_csv(cli, &csv, argv[optind], a.enc)))
		return r;
	dry = a.dry_run;
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

static const struct cli_opt show_opts[] = {
	{ "full", 0, CLI_FLAG, NULL, NULL,
	  "print actions in full (default: cut to the line)",
	  "取組の全文を表示する（既定は一行に収まるよう省略）", PA(full) },
	{ "json", 0, CLI_FLAG, NULL, NULL, "the plan as JSON, for scripts",
	  "JSON で出力する（スクリプト向け）", PA(f.json) },
	{ "csv", 0, CLI_FLAG, NULL, NULL,
	  "the plan in the plan-file format (re-importable)",
	  "計画ファイルの形式で出力する（再取り込み可能）", PA(f.csv) },
	{ "bom", 0, CLI_FLAG, NULL, NULL,
	  "with --csv: start with a byte-order mark (for Excel)",
	  "--csv と共に: BOM を付ける（Excel 向け）", PA(f.bom) },
	{ "plan", 0, CLI_STR, "ID", NULL, "which plan (default: the latest)",
	  "対象の計画（既定: 最新）", PA(plan) },
	CLI_OPT_END,
};
static const struct cli_spec show_spec = {
	"plan show",
	"[OPTION]...",
	"[オプション]...",
	"Print the plan as a tree: visions, goals (re-posted goals marked), measures,\n"
	"actions with their ministries (◎ = lead), priority areas and platforms.\n",
	"計画を木の形で表示します: ビジョン、ゴール（再掲を明示）、施策、取組と府省\n"
	"（◎ は取りまとめ府省）、重点分野、プラットフォーム。\n",
	show_opts,
	16,
	16,
	0,
};

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
	struct pargs o = { .plan = NULL };
	enum kb_lang L;
	struct kb_plan p;
	struct kb_buf b = KB_BUF_INIT;
	int r, full;
	size_t v, g, m, a, x;

	if ((r = cli_parse(cli, &show_spec, argc, argv, &o)) >= 0 ||
	    (r = no_operands(cli, "plan show", argc, argv)) ||
	    (r = load_plan(cli, o.plan, &p)))
		return r;
	L = cli->lang;
	full = o.full;
	if (o.f.json) {
		r = cli_print_json(cli, kb_plan_to_json(&p));
		kb_plan_release(&p);
		return r;
	}
	if (o.f.csv) {
		kb_plan_write_csv(&p, &b, o.f.bom);
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

static const struct cli_opt actions_opts[] = {
	{ "ministry", 0, CLI_STR, "M", "府省",
	  "only actions of ministry M (厚, 経, 文, 内, 内官, 総, or\nMHLW, METI, MEXT, CAO, CAS, MIC)",
	  "その府省の取組のみ（厚, 経, 文, 内, 内官, 総。英略称 MHLW 等も可）",
	  PA(ministry) },
	{ "lead", 0, CLI_FLAG, NULL, NULL,
	  "only actions that the ministry leads (◎)",
	  "その府省が取りまとめ（◎）を担う取組のみ", PA(lead) },
	{ "goal", 0, CLI_STR, "G", NULL, "only actions under goal G",
	  "ゴール G の下の取組のみ", PA(goal) },
	{ "full", 0, CLI_FLAG, NULL, NULL, "print the text in full",
	  "本文を省略せずに表示する", PA(full) },
	{ "json", 0, CLI_FLAG | CLI_JOIN, NULL, NULL, NULL, NULL, PA(f.json) },
	{ "csv", 0, CLI_FLAG, NULL, NULL,
	  "output for scripts or spreadsheets (--bom for Excel)",
	  "スクリプトや表計算向けの出力（Excel 向けは --bom も）", PA(f.csv) },
	CLI_HIDDEN("bom", 0, CLI_FLAG, NULL, PA(f.bom)),
	{ "plan", 0, CLI_STR, "ID", NULL, "which plan (default: the latest)",
	  "対象の計画（既定: 最新）", PA(plan) },
	CLI_OPT_END,
};
static const struct cli_spec actions_spec = {
	"plan actions",
	"[OPTION]...",
	"[オプション]...",
	"List the plan's actions with their ministries (◎ = lead).\n",
	"計画の取組と府省（◎ は取りまとめ府省）を一覧します。\n",
	actions_opts,
	17,
	19,
	0,
};

/* The table's columns and the CSV's, interleaved. */
static const struct cli_col action_cols[] = {
	{ "id", "ID", "ID", CLI_TEXT, CLI_TAB | CLI_CSV, 0, NULL },
	{ NULL, "Ministries", "府省", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "goal", "Goal", "ゴール", CLI_TEXT, CLI_TAB | CLI_CSV, 0, NULL },
	{ "measure", "Measure", "施策", CLI_TEXT, CLI_TAB | CLI_CSV, 0, NULL },
	{ "ministries", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "text_ja", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "text_en", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, "Action", "取組", CLI_TEXT, CLI_TAB, 70, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct actx {
	struct cli *cli;
	struct kb_plan p;
	size_t ministry, goal; /* KB_NONE: any */
	int lead;
};

static int action_row(struct cli_row *r, size_t i, void *ctx)
{
	struct actx *x = ctx;
	const struct kb_plan *p = &x->p;
	const struct kb_action *a = &p->actions[i];
	const struct kb_measure *m = &p->measures[a->measure];
	struct kb_buf b = KB_BUF_INIT;
	int hit = x->ministry == KB_NONE;
	size_t k;
	for (k = 0; k < a->nmin && !hit; k++)
		hit = a->min[k].ministry == x->ministry &&
		      (!x->lead || a->min[k].lead);
	if (!hit || (x->goal != KB_NONE && m->goal != x->goal))
		return 0;
	kb_action_ministries(p, a, &b);
	cli_str(r, a->id);
	cli_str(r, b.buf);
	cli_str(r, p->goals[m->goal].id);
	cli_str(r, m->id);
	cli_str(r, b.buf);
	cli_str(r, a->text_ja);
	cli_str(r, a->text_en);
	cli_str(r, x->cli->lang == KB_LANG_EN ? a->text_en : a->text_ja);
	kb_buf_release(&b);
	return 1;
}

static json_t *action_json(size_t i, void *ctx)
{
	const struct kb_plan *p = &((struct actx *)ctx)->p;
	const struct kb_action *a = &p->actions[i];
	const struct kb_measure *m = &p->measures[a->measure];
	json_t *mins = json_array();
	size_t k;
	for (k = 0; k < a->nmin; k++)
		json_array_append_new(
			mins, json_pack("{s:s, s:b}", "code",
					p->ministries[a->min[k].ministry].code,
					"lead", a->min[k].lead));
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "id", a->id, "goal",
			 p->goals[m->goal].id, "measure", m->id, "ministries",
			 mins, "text_ja", a->text_ja, "text_en", a->text_en);
}

static int plan_actions(struct cli *cli, int argc, char **argv)
{
	struct pargs o = { .plan = NULL };
	struct actx x = { cli, { 0 }, KB_NONE, KB_NONE, 0 };
	struct cli_col cols[KB_ARRAY_SIZE(action_cols)];
	struct cli_list l = { cols, 0, action_row, action_json, NULL, &x, 0, 0 };
	struct kb_buf b = KB_BUF_INIT;
	size_t k;
	int r;

	if ((r = cli_parse(cli, &actions_spec, argc, argv, &o)) >= 0 ||
	    (r = no_operands(cli, "plan actions", argc, argv)))
		return r;
	if (o.lead && !o.ministry)
		return cli_usage_error(cli, "plan actions", "%s",
				       CLI_T(cli, "--lead needs --ministry",
					     "--lead には --ministry が必要です"));
	if ((r = load_plan(cli, o.plan, &x.p)))
		return r;
	x.lead = o.lead;
	if (o.ministry &&
	    (x.ministry = kb_plan_ministry(&x.p, o.ministry)) == KB_NONE) {
		for (k = 0; k < x.p.nministries; k++)
			kb_buf_addf(&b, "%s%s (%s)", k ? ", " : "",
				    x.p.ministries[k].code,
				    x.p.ministries[k].abbr);
		r = cli_usage_error(
			cli, "plan actions",
			CLI_T(cli, "unknown ministry '%s' (expected one of %s)",
			      "不明な府省 '%s' です（%s のいずれか）"),
			o.ministry, b.buf);
		goto out;
	}
	if (o.goal && (x.goal = kb_plan_goal(&x.p, o.goal)) == KB_NONE) {
		r = cli_usage_error(cli, "plan actions",
				    CLI_T(cli, "unknown goal '%s'",
					  "不明なゴール '%s' です"),
				    o.goal);
		goto out;
	}
	memcpy(cols, action_cols, sizeof(cols));
	if (o.full)
		cols[KB_ARRAY_SIZE(cols) - 2].width = 0;
	l.n = x.p.nactions;
	r = cli_list(cli, &o.f, &l);
	if (!o.f.json && !o.f.csv && !cli->quiet)
		printf(CLI_T(cli, "actions: %zu\n", "取組 %zu 件\n"), l.shown);
out:
	kb_buf_release(&b);
	kb_plan_release(&x.p);
	return r;
}

/* ---- ministries ---- */

static const struct cli_opt ministries_opts[] = {
	CLI_HIDDEN("plan", 0, CLI_STR, "ID", PA(plan)),
	CLI_OPT_END,
};
static const struct cli_spec ministries_spec = {
	"plan ministries",
	"[--plan ID]",
	"[--plan ID]",
	"List the ministries with the number of actions each takes part in and leads.\n",
	"府省ごとに、関係する取組と取りまとめ（◎）を担う取組の数を一覧します。\n",
	ministries_opts,
	0,
	0,
	0,
};

static const struct cli_col ministry_cols[] = {
	{ NULL, "Code", "略称", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Abbr.", "英略称", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Ministry", "府省", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, "Actions", "関係する取組", CLI_INT, CLI_TAB, 0, NULL },
	{ NULL, "Leads (◎)", "取りまとめ（◎）", CLI_INT, CLI_TAB, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

static int ministry_row(struct cli_row *r, size_t m, void *ctx)
{
	struct actx *x = ctx;
	const struct kb_plan *p = &x->p;
	size_t a, k, na = 0, nl = 0;
	for (a = 0; a < p->nactions; a++)
		for (k = 0; k < p->actions[a].nmin; k++)
			if (p->actions[a].min[k].ministry == m) {
				na++;
				nl += p->actions[a].min[k].lead;
			}
	cli_str(r, p->ministries[m].code);
	cli_str(r, p->ministries[m].abbr);
	cli_str(r, KB_NAME(&p->ministries[m], x->cli->lang));
	cli_int(r, (long long)na);
	cli_int(r, (long long)nl);
	return 1;
}

static int plan_ministries(struct cli *cli, int argc, char **argv)
{
	struct pargs o = { .plan = NULL };
	struct actx x = { cli, { 0 }, KB_NONE, KB_NONE, 0 };
	struct cli_list l = {
		ministry_cols, 0, ministry_row, NULL, NULL, &x, 0, 0
	};
	int r;

	if ((r = cli_parse(cli, &ministries_spec, argc, argv, &o)) >= 0 ||
	    (r = load_plan(cli, o.plan, &x.p)))
		return r;
	l.n = x.p.nministries;
	r = cli_list(cli, NULL, &l);
	kb_plan_release(&x.p);
	return r;
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
