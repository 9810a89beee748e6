/*
 * main.c - the kiban command: global options, then one of the command
 * groups in the table below (git's shape: cmd_<group>() per file).
 */
#include "cli.h"

static const struct cli_cmd groups[] = {
	{ "init", cmd_init, "create a database", "データベースを作成する" },
	{ "demo", cmd_demo, "create the demonstration database",
	  "デモ用データベースを作成する" },
	{ "plan", cmd_plan, "import and show the Basic Plan",
	  "基本計画の取り込みと表示" },
	{ "kpi", cmd_kpi, "define KPIs and revise their targets",
	  "KPI の定義と目標の改定" },
	{ "values", cmd_values, "enter and list the yearly KPI figures",
	  "KPI の年度ごとの値の入力と一覧" },
	{ "eval", cmd_eval, "evaluate progress, freeze an evaluation, follow-up",
	  "進捗の評価、評価の確定、府省別フォローアップ" },
	{ "report", cmd_report, "write the annual evaluation report",
	  "年次評価報告書を作成する" },
	{ "supply", cmd_supply,
	  "essential devices, supply chains, reports, alerts, incidents",
	  "必要不可欠な機器、サプライチェーン、報告、警報、事案" },
	{ "scenario", cmd_scenario, "epidemic scenarios and the devices they need",
	  "流行シナリオと必要な機器" },
	{ "stockpile", cmd_stockpile,
	  "how much of each device to stockpile across scenarios",
	  "シナリオに備えた機器ごとの備蓄量" },
	{ "allocate", cmd_allocate, "emergency allocation of a scenario's demand",
	  "シナリオの需要に対する緊急配分" },
	{ "anon", cmd_anon,
	  "anonymize records for the medical-data bank, check releases",
	  "医療データバンクのためのレコードの匿名化と公開データの検査" },
	{ "match", cmd_match,
	  "needs-seeds matching, consultation cases, their KPIs",
	  "ニーズ・シーズのマッチング、相談案件、その KPI" },
	{ "account", cmd_account, "accounts and API tokens for the server",
	  "サーバーのアカウントと API トークン" },
	{ "serve", cmd_serve, "the web pages and the JSON API over HTTP",
	  "画面と JSON API を HTTP で公開する" },
};

static int usage(struct cli *cli, FILE *fp)
{
	size_t i;
	fprintf(fp,
		CLI_T(cli,
		      "Usage: kiban [--db PATH] [--lang ja|en] COMMAND [ARGS]...\n"
		      "kiban runs Japan's 2nd Basic Plan for medical devices: the plan, its KPIs,\n"
		      "the annual evaluation and the stable supply of essential devices.\n\nCommands:\n",
		      "使い方: kiban [--db パス] [--lang ja|en] コマンド [引数]...\n"
		      "kiban は第2期医療機器基本計画（計画・KPI・年次評価・必要不可欠な医療機器の安定供給）を\n運用するためのツールです。\n\nコマンド:\n"));
	for (i = 0; i < KB_ARRAY_SIZE(groups); i++)
		fprintf(fp, "  %-9s %s\n", groups[i].name,
			cli->lang == KB_LANG_EN ? groups[i].summary_en
						: groups[i].summary_ja);
	fprintf(fp,
		CLI_T(cli,
		      "\nOptions for every command:\n"
		      "  --db PATH      database file (default: $KIBAN_DB, else ./kiban.db)\n"
		      "  --lang ja|en   language of output and messages (default: $KIBAN_LANG, else ja)\n"
		      "  --user NAME    who is entering data (default: $KIBAN_USER, else the login name)\n"
		      "  -q, --quiet    no progress bar or summaries\n"
		      "  -h, --help     help for a command: 'kiban plan --help', 'kiban plan show --help'\n"
		      "  --version      print the version\n\n"
		      "Quick start: 'kiban demo --db demo.db', then\n"
		      "'kiban --db demo.db report annual --year 2025 -o report.html'.\n"
		      "Full manual: man kiban.\n",
		      "\nすべてのコマンドに共通のオプション:\n"
		      "  --db パス      データベースのファイル（既定: $KIBAN_DB、なければ ./kiban.db）\n"
		      "  --lang ja|en   出力とメッセージの言語（既定: $KIBAN_LANG、なければ日本語）\n"
		      "  --user 名前    データを入力する人（既定: $KIBAN_USER、なければログイン名）\n"
		      "  -q, --quiet    進捗表示や要約を出さない\n"
		      "  -h, --help     コマンドごとのヘルプ: 'kiban plan --help', 'kiban plan show --help'\n"
		      "  --version      版を表示する\n\n"
		      "はじめに: 'kiban demo --db demo.db' の後、\n"
		      "'kiban --db demo.db report annual --year 2025 -o report.html'。\n"
		      "詳しくは man kiban を参照してください。\n"));
	return fp == stdout ? 0 : EXIT_USAGE;
}

static const char *login_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

static time_t clock_now(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (!*end && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli;
	const char *env;
	int c, r, l;
	size_t i;

	memset(&cli, 0, sizeof(cli));
	cli.prog = "kiban";
	cli.db = (env = getenv("KIBAN_DB")) && *env ? env : "kiban.db";
	cli.lang = (env = getenv("KIBAN_LANG")) && *env &&
				   (l = kb_lang_parse(env)) >= 0
			   ? (enum kb_lang)l
			   : KB_LANG_JA;
	cli.user = (env = getenv("KIBAN_USER")) && *env ? env : login_name();
	cli.now = clock_now();
	kb_err_init(&cli.err, cli.lang);

	/* Global options stop at the command name ("+"). */
	while ((c = getopt_long(argc, argv, "+hqV", opts, NULL)) != -1) {
		if ((r = cli_common(&cli, c, optarg)) < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		if (c == 'h')
			return usage(&cli, stdout);
		if (c == 'V') {
			printf("kiban %s\n", KIBAN_VERSION);
			return 0;
		}
		return usage(&cli, stderr);
	}
	cli.err.lang = cli.lang;
	if (optind >= argc)
		return usage(&cli, stderr);
	for (i = 0; i < KB_ARRAY_SIZE(groups); i++)
		if (!strcmp(argv[optind], groups[i].name)) {
			int ac = argc - optind;
			char **av = argv + optind;
			optind = 0;
			opterr = 0;
			r = groups[i].fn(&cli, ac, av);
			kb_err_release(&cli.err);
			return r;
		}
	if (!strcmp(argv[optind], "help"))
		return usage(&cli, stdout);
	if (!strcmp(argv[optind], "version")) {
		printf("kiban %s\n", KIBAN_VERSION);
		return 0;
	}
	fprintf(stderr,
		CLI_T(&cli, "kiban: unknown command '%s'; see 'kiban --help'\n",
		      "kiban: 不明なコマンド '%s' です。'kiban --help' を参照してください\n"),
		argv[optind]);
	return EXIT_USAGE;
}
