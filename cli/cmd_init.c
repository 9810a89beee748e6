/*
 * cmd_init.c - 'kiban init' (create a database) and 'kiban demo' (create
 * the demonstration database).
 */
#include "cli_more.h"

#include "kiban/demo.h"
#include "kiban/eval.h"
#include "kiban/kpi.h"
#include "kiban/plan.h"

static const struct cli_spec init_spec = {
	"init",
	"[--db PATH]",
	"[--db パス]",
	"Create an empty kiban database (SQLite), or bring an existing one up to\n"
	"the current schema.  Then import a plan with 'kiban plan import'.\n",
	"空の kiban データベース（SQLite）を作成します。既存のデータベースは最新の\n"
	"スキーマに更新します。続けて 'kiban plan import' で計画を取り込みます。\n",
	NULL,
	0,
	0,
	0,
};

int cmd_init(struct cli *cli, int argc, char **argv)
{
	struct kb_store *s;
	int r, existed;

	if ((r = cli_parse(cli, &init_spec, argc, argv, NULL)) >= 0)
		return r;
	if (optind < argc)
		return cli_usage_error(cli, "init",
				       CLI_T(cli, "unexpected argument '%s'",
					     "余分な引数 '%s' があります"),
				       argv[optind]);
	existed = !access(cli->db, F_OK);
	if ((r = cli_open(cli, KB_STORE_CREATE, &s)))
		return r;
	if (!cli->quiet)
		printf(existed ? CLI_T(cli,
				       "database '%s' is up to date (schema version %d)\n",
				       "データベース '%s' は最新です（スキーマ版 %d）\n")
			       : CLI_T(cli,
				       "created database '%s' (schema version %d)\n",
				       "データベース '%s' を作成しました（スキーマ版 %d）\n"),
		       cli->db, kb_store_schema_version(s));
	kb_store_close(s);
	return 0;
}

static const struct cli_opt demo_opts[] = {
	{ "force", 0, CLI_FLAG, NULL, NULL,
	  "replace the database if the file exists",
	  "ファイルがあれば置き換える", 0 },
	CLI_HIDDEN(NULL, 'f', CLI_FLAG, NULL, 0),
	CLI_OPT_END,
};
static const struct cli_spec demo_spec = {
	"demo",
	"[--db PATH] [--force]",
	"[--db パス] [--force]",
	"Create a demonstration database: the 2nd Basic Plan with an illustrative\n"
	"set of 30 KPIs and their figures since FY2016, a revised target, the FY2024\n"
	"evaluation frozen as published and a correction made after it.  The figures\n"
	"are invented for demonstration.\n",
	"デモ用データベースを作成します。第2期基本計画、例示用の KPI 30 件と2016年度\n"
	"以降の値、目標の改定、公表済みとして確定した2024年度の評価、確定後の修正を\n"
	"含みます。値はデモのための架空のものです。\n",
	demo_opts,
	12,
	12,
	0,
};

static int remove_db(struct cli *cli)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	struct kb_buf p = KB_BUF_INIT;
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(suffix); i++) {
		kb_buf_reset(&p);
		kb_buf_addf(&p, "%s%s", cli->db, suffix[i]);
		if (unlink(p.buf) && errno != ENOENT) {
			fprintf(stderr,
				CLI_T(cli, "kiban demo: cannot remove '%s': %s\n",
				      "kiban demo: '%s' を削除できません: %s\n"),
				p.buf, strerror(errno));
			kb_buf_release(&p);
			return 1;
		}
	}
	kb_buf_release(&p);
	return 0;
}

int cmd_demo(struct cli *cli, int argc, char **argv)
{
	struct kb_store *s;
	struct kb_plan plan;
	struct kb_kpiset kpis;
	int r, force = 0; /* the options' one value: at offset 0 */

	if ((r = cli_parse(cli, &demo_spec, argc, argv, &force)) >= 0)
		return r;
	if (!access(cli->db, F_OK)) {
		if (!force) {
			fprintf(stderr,
				CLI_T(cli,
				      "kiban demo: '%s' exists; give --force to replace it\n",
				      "kiban demo: '%s' は既にあります。置き換えるには --force を付けてください\n"),
				cli->db);
			return EXIT_CONFLICT;
		}
		if (remove_db(cli))
			return 1;
	}
	if ((r = cli_open(cli, KB_STORE_CREATE, &s)))
		return r;
	if ((r = kb_demo_load(s, &cli->err)) ||
	    (r = kb_plan_load(s, NULL, &plan, &cli->err))) {
		kb_store_close(s);
		remove_db(cli); /* a half-built demo is of no use */
		return cli_fail(cli, r);
	}
	if ((r = kb_kpi_load(s, &kpis, &cli->err))) {
		kb_plan_release(&plan);
		kb_store_close(s);
		return cli_fail(cli, r);
	}
	if (!cli->quiet)
		printf(CLI_T(cli,
			     "created demo database '%s': %s (visions %zu, goals %zu, measures %zu, actions %zu);\n"
			     "%zu illustrative KPIs with figures FY2016-FY2025; FY2024 evaluation frozen.\n",
			     "デモ用データベース '%s' を作成しました: %s（ビジョン %zu、ゴール %zu、施策 %zu、取組 %zu）、\n"
			     "例示用 KPI %zu 件（2016〜2025年度の値）、2024年度の評価は確定済み。\n"),
		       cli->db,
		       cli->lang == KB_LANG_EN ? "2nd Basic Plan" : plan.abbr,
		       plan.nvisions, plan.ngoals, plan.nmeasures,
		       plan.nactions, kpis.n);
	if (!cli->quiet) {
		size_t i;
		printf(CLI_T(cli,
			     "Demo accounts for 'kiban serve' (password %s):\n",
			     "'kiban serve' のデモ用アカウント（パスワード %s）:\n"),
		       KB_DEMO_PASSWORD);
		for (i = 0; i < kb_demo_naccounts; i++)
			printf("  %-16s %s\n", kb_demo_accounts[i].login,
			       CLI_T(cli, kb_demo_accounts[i].what_en,
				     kb_demo_accounts[i].what_ja));
	}
	kb_kpiset_release(&kpis);
	kb_plan_release(&plan);
	kb_store_close(s);
	return 0;
}
