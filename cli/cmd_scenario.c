/*
 * cmd_scenario.c - kiban scenario: epidemic scenarios and the demand they
 * put on essential devices, against the stock the hospitals reported.
 */
#include "cli.h"

#include <unistd.h>

#include "core/resource.h"
#include "kiban/scenario.h"
#include "kiban/supply.h"

enum {
	OPT_RUNS = OPT_FIRST_OWN,
	OPT_THREADS,
	OPT_SEED,
	OPT_FAIR,
	OPT_NO_WORSE,
	OPT_MPS
};

static const char run_en[] =
	"Usage: kiban scenario run FILE [OPTION]...\n"
	"Run an epidemic scenario (docs/scenario-format.md; 'kiban scenario example'\n"
	"prints one): an SEIR model per prefecture, the patients in each care day by\n"
	"day, and the units of each device they need, with 5-95% bands over the Monte\n"
	"Carlo runs when parameters are given as ranges; against the stock the\n"
	"hospitals reported in the latest week.\n\n"
	"  --runs N      Monte Carlo runs (default: the file's, else 1000 with ranges)\n"
	"  --seed N      random seed (default: the file's, else 1)\n"
	"  --threads N   threads (default: the processors)\n"
	"  --json        the summary and national series as JSON\n"
	"  --csv         one row per day, prefecture and device (--bom for Excel)\n"
	"  -o FILE       write there instead of standard output\n";
static const char run_ja[] =
	"使い方: kiban scenario run FILE [オプション]...\n"
	"流行シナリオ（docs/scenario-format.md。例は 'kiban scenario example'）を\n"
	"実行します: 都道府県ごとの SEIR モデルで、ケアごとの患者数と必要な機器の台数を\n"
	"日ごとに求めます。パラメータを範囲で与えるとモンテカルロ試行の 5〜95% の幅を\n"
	"示します。在庫は直近の週に病院が報告したものです。\n\n"
	"  --runs N      モンテカルロ試行の回数（既定: ファイルの値、範囲があれば 1000）\n"
	"  --seed N      乱数の種（既定: ファイルの値、なければ 1）\n"
	"  --threads N   スレッド数（既定: プロセッサ数）\n"
	"  --json        要約と全国の系列を JSON で\n"
	"  --csv         日・都道府県・機器ごとに 1 行（Excel 用は --bom）\n"
	"  -o FILE       標準出力の代わりに FILE へ書く\n";

/* --runs, --seed and --threads, shared by the commands that run a
 * scenario. */
struct run_opts {
	long runs, seed, threads; /* 0, -1: the file's */
};

/* -1 if c is none of them, 0 once taken, else the exit status of a bad
 * value (reported). */
static int run_option(struct cli *cli, const char *cmd, int c, struct run_opts *o)
{
	long lo, hi, *v;
	char *end;
	switch (c) {
	case OPT_RUNS: lo = 1, hi = 100000, v = &o->runs; break;
	case OPT_SEED: lo = 0, hi = 2147483647L, v = &o->seed; break;
	case OPT_THREADS: lo = 1, hi = 64, v = &o->threads; break;
	default: return -1;
	}
	*v = strtol(optarg, &end, 10);
	if (end == optarg || *end || *v < lo || *v > hi)
		return cli_usage_error(
			cli, cmd,
			CLI_T(cli, "'%s' is not a number from %ld to %ld",
			      "'%s' は %ld〜%ld の数ではありません"),
			optarg, lo, hi);
	return 0;
}

static const char *num(struct kb_buf *b, double v)
{
	kb_buf_reset(b);
	kb_buf_add_num(b, v, 0);
	return b->buf;
}

static void print_summary(struct cli *cli, const struct kb_scenario *sc,
			  json_t *j)
{
	struct cli_table t;
	struct kb_buf a = KB_BUF_INIT, b = KB_BUF_INIT, c = KB_BUF_INIT,
		      d = KB_BUF_INIT, band = KB_BUF_INIT;
	json_t *x;
	size_t i;
	const char *wk = json_string_value(json_object_get(j, "stock_week"));
	printf("%s\n", sc->name);
	printf(CLI_T(cli, "%s, %d days, %zu runs; stock of the week of %s\n\n",
		     "%s から %d 日間、試行 %zu 回。在庫は %s の週の報告\n\n"),
	       json_string_value(json_object_get(j, "start")), sc->days,
	       sc->runs, wk ? wk : CLI_T(cli, "(no report yet)", "（報告なし）"));
	cli_table_init(&t, 8, CLI_T(cli, "device", "機器"),
		       CLI_T(cli, "care", "ケア"),
		       CLI_T(cli, "peak need [5-95%]", "需要のピーク [5〜95%]"),
		       CLI_T(cli, "on", "ピーク日"), CLI_T(cli, "stock", "在庫"),
		       CLI_T(cli, "largest shortfall", "最大の不足"),
		       CLI_T(cli, "prefectures short", "不足する都道府県"),
		       CLI_T(cli, "first short", "最初の不足"));
	cli_table_limit(&t, 0, 24);
	json_array_foreach(json_object_get(j, "devices"), i, x)
	{
		json_t *pk = json_object_get(x, "peak");
		const char *first =
			json_string_value(json_object_get(x, "first_short"));
		char name[160], prefs[16];
		snprintf(name, sizeof(name), "%s %s",
			 json_string_value(json_object_get(x, "code")),
			 json_string_value(json_object_get(x, "name")));
		kb_buf_reset(&band);
		kb_buf_adds(&band, num(&a, json_number_value(
						   json_object_get(pk, "p50"))));
		kb_buf_adds(&band, " [");
		kb_buf_adds(&band, num(&a, json_number_value(
						   json_object_get(pk, "p5"))));
		kb_buf_adds(&band, "-");
		kb_buf_adds(&band, num(&a, json_number_value(
						   json_object_get(pk, "p95"))));
		kb_buf_adds(&band, "]");
		snprintf(prefs, sizeof(prefs), "%lld",
			 (long long)json_integer_value(
				 json_object_get(x, "prefectures_short")));
		cli_table_row(
			&t, name,
			kb_care_name(kb_care_parse(json_string_value(
					     json_object_get(x, "care"))),
				     cli->lang),
			band.buf, json_string_value(json_object_get(pk, "date")),
			num(&b, json_number_value(json_object_get(x, "stock"))),
			num(&c, json_number_value(
					json_object_get(x, "shortfall_max"))),
			prefs, first ? first : "-");
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	printf(CLI_T(
		cli,
		"\nNeed: units in use at the median run; shortfall: what the short\n"
		"prefectures lack beyond their own stock, summed (--csv for every day and\n"
		"prefecture).\n",
		"\n需要は試行の中央値で同時に使う台数。不足は自県の在庫で足りない分の\n"
		"都道府県の合計です（日・都道府県ごとは --csv）。\n"));
	kb_buf_release(&a);
	kb_buf_release(&b);
	kb_buf_release(&c);
	kb_buf_release(&d);
	kb_buf_release(&band);
}

/* Reads the one scenario file the command line names against the
 * database and runs it: 0 with everything loaded (finish() frees it), or
 * the exit status reported. */
static int prepare(struct cli *cli, const char *cmd, int argc, char **argv,
		   const struct run_opts *ro, struct kb_store **s,
		   struct kb_supply *sup, struct kb_scenario *sc,
		   struct kb_scenario_result *res)
{
	struct kb_buf text = KB_BUF_INIT;
	const char *path;
	int r;
	*s = NULL;
	if (optind + 1 != argc)
		return cli_usage_error(
			cli, cmd, "%s",
			CLI_T(cli, "give one scenario file",
			      "シナリオのファイルを 1 つ指定してください"));
	path = argv[optind];
	if (kb_buf_read_file(&text, path)) {
		kb_err_set(&cli->err, KB_EIO,
			   CLI_T(cli, "cannot read %s: %s", "%s を読めません: %s"),
			   path, strerror(errno));
		return cli_fail(cli, KB_EIO);
	}
	if ((r = cli_open(cli, KB_STORE_READONLY, s))) {
		kb_buf_release(&text);
		return r;
	}
	if ((r = kb_supply_load(*s, sup, &cli->err))) {
		r = cli_fail(cli, r);
		goto fail;
	}
	r = kb_scenario_parse(path, text.buf ? text.buf : "", text.len, sup,
			      (int)(cli->now / 86400), sc, &cli->err);
	kb_buf_release(&text);
	if (r) {
		kb_supply_release(sup);
		r = cli_fail(cli, r);
		goto fail;
	}
	if (ro->runs)
		sc->runs = (size_t)ro->runs;
	if (ro->seed >= 0)
		sc->seed = (unsigned long long)ro->seed;
	r = kb_scenario_run(*s, sup, sc, (int)ro->threads,
			    cli_progress(cli, "simulating", "計算中"), cli, res,
			    &cli->err);
	cli_progress_done(cli);
	if (!r)
		return 0;
	kb_scenario_release(sc);
	kb_supply_release(sup);
	r = cli_fail(cli, r);
fail:
	kb_buf_release(&text);
	kb_store_close(*s);
	*s = NULL;
	return r;
}

static void finish(struct kb_store *s, struct kb_supply *sup,
		   struct kb_scenario *sc, struct kb_scenario_result *res)
{
	kb_scenario_result_release(res);
	kb_scenario_release(sc);
	kb_supply_release(sup);
	kb_store_close(s);
}

#define CMD "scenario run"
static int scenario_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "runs", required_argument, NULL, OPT_RUNS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	const char *output = "-";
	struct run_opts ro = { 0, -1, sysconf(_SC_NPROCESSORS_ONLN) };
	struct kb_store *s = NULL;
	struct kb_supply sup;
	struct kb_scenario sc;
	struct kb_scenario_result res;
	struct kb_buf out = KB_BUF_INIT;
	int c, r;

	while ((c = getopt_long(argc, argv, "hqo:", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		if ((r = run_option(cli, CMD, c, &ro)) >= 0) {
			if (r)
				return r;
			continue;
		}
		switch (c) {
		case 'o': output = optarg; break;
		default:
			if ((r = cli_option(cli, c, "scenario run", argv,
					    run_en, run_ja)) >= 0)
				return r;
		}
	}
	if ((r = prepare(cli, CMD, argc, argv, &ro, &s, &sup, &sc, &res)))
		return r;
	if (f.csv) {
		kb_scenario_csv(&sc, &res, &sup, cli->lang, f.bom, &out);
		r = cli_write(cli, &out, output);
	} else {
		json_t *j = kb_scenario_to_json(&sc, &res, &sup, cli->lang);
		if (f.json) {
			char *dump = json_dumps(j, JSON_INDENT(2));
			kb_buf_adds(&out, dump);
			kb_buf_addch(&out, '\n');
			free(dump);
			r = cli_write(cli, &out, output);
		} else {
			print_summary(cli, &sc, j);
		}
		json_decref(j);
	}
	finish(s, &sup, &sc, &res);
	kb_buf_release(&out);
	return r;
}

static const char alloc_en[] =
	"Usage: kiban scenario allocate FILE [OPTION]...\n"
	"Plan the emergency allocation of a scenario: its median demand, in whole\n"
	"units, met day by day from the hospitals' stock, the national stockpile\n"
	"('depot = CODE UNITS') and urgent purchases ('purchase = CODE PER_DAY\n"
	"LEAD_DAYS'), with idle units returned and lent onward ('transport =\n"
	"PREFECTURE DAYS'; a day by default, two to Hokkaido and Okinawa).  A linear\n"
	"program solved by COIN-OR CLP, checked, rounded to whole units; compared\n"
	"with each prefecture on its own stock and with the stockpile shared in\n"
	"proportion to population or to recent consumption.\n\n"
	"  --fair          first the smallest worst unmet share of a prefecture\n"
	"  --no-worse-off  no prefecture lacks more than on its own stock\n"
	"  --mps FILE      also write the model as MPS, for another solver\n"
	"  --runs N, --seed N, --threads N   as for 'scenario run'\n"
	"  --json          the summary and totals per device as JSON\n"
	"  --csv           shipments, returns and unmet demand by day, device and\n"
	"                  prefecture (--bom for Excel)\n"
	"  -o FILE         write there instead of standard output\n";
static const char alloc_ja[] =
	"使い方: kiban scenario allocate FILE [オプション]...\n"
	"シナリオの緊急配分を計画します: 需要（中央値、整数台）を日ごとに、病院の在庫、\n"
	"国の備蓄（'depot = 機器コード 台数'）、緊急購入（'purchase = 機器コード 1日の台数\n"
	"納期の日数'）で満たし、使っていない機器は返却して他県へ貸し出します（'transport =\n"
	"都道府県 日数'。既定は 1 日、北海道と沖縄は 2 日）。COIN-OR CLP で解く線形計画を\n"
	"検証して整数台に丸め、各県が自県の在庫だけの場合、備蓄を人口比または直近の\n"
	"消費量比で配る場合と比べます。\n\n"
	"  --fair          まず都道府県の不足割合の最大を最小にする\n"
	"  --no-worse-off  どの都道府県も自県の在庫だけの場合より不足を増やさない\n"
	"  --mps FILE      モデルを MPS でも書く（他のソルバー用）\n"
	"  --runs N, --seed N, --threads N   'scenario run' と同じ\n"
	"  --json          要約と機器ごとの合計を JSON で\n"
	"  --csv           日・機器・都道府県ごとの発送・返却・不足（Excel 用は --bom）\n"
	"  -o FILE         標準出力の代わりに FILE へ書く\n";

#undef CMD
#define CMD "scenario allocate"
static int scenario_allocate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "runs", required_argument, NULL, OPT_RUNS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "fair", no_argument, NULL, OPT_FAIR },
		{ "no-worse-off", no_argument, NULL, OPT_NO_WORSE },
		{ "mps", required_argument, NULL, OPT_MPS },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	const char *output = "-", *mps_path = NULL;
	struct run_opts ro = { 0, -1, sysconf(_SC_NPROCESSORS_ONLN) };
	int fair = 0, no_worse = 0, c, r;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_scenario sc;
	struct kb_scenario_result res;
	struct kb_alloc_plan pl;
	struct kb_buf out = KB_BUF_INIT, mps = KB_BUF_INIT;
	json_t *j;

	while ((c = getopt_long(argc, argv, "hqo:", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		if ((r = run_option(cli, CMD, c, &ro)) >= 0) {
			if (r)
				return r;
			continue;
		}
		switch (c) {
		case OPT_FAIR: fair = 1; break;
		case OPT_NO_WORSE: no_worse = 1; break;
		case OPT_MPS: mps_path = optarg; break;
		case 'o': output = optarg; break;
		default:
			if ((r = cli_option(cli, c, "scenario allocate", argv,
					    alloc_en, alloc_ja)) >= 0)
				return r;
		}
	}
	if ((r = prepare(cli, CMD, argc, argv, &ro, &s, &sup, &sc, &res)))
		return r;
	if ((r = kb_scenario_allocate(&sc, &res, &sup, fair, no_worse,
				      (int)ro.threads, mps_path ? &mps : NULL,
				      &pl, &cli->err))) {
		r = cli_fail(cli, r);
		goto done;
	}
	if (mps_path && (r = cli_write(cli, &mps, mps_path)))
		goto plan;
	if (f.csv) {
		kb_alloc_csv(&sc, &pl, &sup, cli->lang, f.bom, &out);
		r = cli_write(cli, &out, output);
		goto plan;
	}
	j = kb_alloc_to_json(&sc, &pl, &sup, cli->lang);
	if (f.json) {
		char *dump = json_dumps(j, JSON_INDENT(2));
		kb_buf_adds(&out, dump);
		kb_buf_addch(&out, '\n');
		free(dump);
		r = cli_write(cli, &out, output);
	} else {
		json_t *x;
		struct kb_buf a = KB_BUF_INIT;
		size_t i;
		printf("%s\n", sc.name);
		struct cli_table t;
		struct kb_buf b = KB_BUF_INIT;
		printf(CLI_T(cli, "unmet demand, unit-days (lower is better):\n",
			     "満たせない需要（台・日、少ないほど良い）:\n"));
		cli_table_init(&t, 2, CLI_T(cli, "allocation", "配分"),
			       CLI_T(cli, "unmet", "不足"));
		kb_buf_adds(&b, num(&a, pl.unmet_total));
		kb_buf_addf(&b, CLI_T(cli, " (LP bound %s)", "（LP の下限 %s）"),
			    num(&a, pl.lp_unmet));
		cli_table_row(&t, CLI_T(cli, "this plan", "この計画"), b.buf);
		cli_table_row(
			&t, CLI_T(cli, "each on its own stock", "各県の在庫のみ"),
			num(&a, pl.own_unmet));
		cli_table_row(&t,
			      CLI_T(cli, "stockpile by population",
				    "備蓄を人口比で配分"),
			      num(&a, pl.population_unmet));
		if (pl.consumption_unmet >= 0)
			cli_table_row(&t,
				      CLI_T(cli, "stockpile by consumption",
					    "備蓄を消費量比で配分"),
				      num(&a, pl.consumption_unmet));
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		kb_buf_release(&b);
		printf(CLI_T(cli,
			     "largest unmet share of a prefecture: %.1f%%; %zu rows x %zu columns, %.2f s in CLP\n\n",
			     "都道府県の不足割合の最大: %.1f%%。%zu 行 x %zu 列、CLP で %.2f 秒\n\n"),
		       100 * pl.worst_share, pl.rows, pl.cols, pl.seconds);
		json_array_foreach(json_object_get(j, "devices"), i, x)
		{
			printf("%s %s: ",
			       json_string_value(json_object_get(x, "code")),
			       json_string_value(json_object_get(x, "name")));
			printf(CLI_T(cli, "shipped %s", "発送 %s"),
			       num(&a, json_number_value(
					       json_object_get(x, "shipped"))));
			printf(CLI_T(cli, ", returned %s", "、返却 %s"),
			       num(&a, json_number_value(
					       json_object_get(x, "returned"))));
			printf(CLI_T(cli, ", bought %s", "、購入 %s"),
			       num(&a, json_number_value(
					       json_object_get(x, "bought"))));
			printf(CLI_T(cli, ", unmet %s\n", "、不足 %s\n"),
			       num(&a, json_number_value(
					       json_object_get(x, "unmet"))));
		}
		kb_buf_release(&a);
	}
	json_decref(j);
plan:
	kb_alloc_plan_release(&pl);
done:
	finish(s, &sup, &sc, &res);
	kb_buf_release(&out);
	kb_buf_release(&mps);
	return r;
}

#undef CMD

static int scenario_example(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
					      { NULL, 0, NULL, 0 } };
	const struct kb__resource *ex =
		kb__resource_find("data/scenarios/winter-wave.txt");
	int c, r;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(
			     cli, c, "scenario example", argv,
			     "Usage: kiban scenario example\n"
			     "Print an example scenario file, with every kind of line, to edit.\n",
			     "使い方: kiban scenario example\n"
			     "編集して使えるシナリオファイルの例（すべての種類の行を含む）を出力します。\n")) >=
		    0)
			return r;
	fwrite(ex->data, 1, ex->len, stdout);
	return 0;
}

int cmd_scenario(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "run", scenario_run,
		  "demand for devices in an epidemic scenario, with bands",
		  "流行シナリオでの機器の需要（幅つき）" },
		{ "allocate", scenario_allocate,
		  "emergency allocation of a scenario's demand",
		  "シナリオの需要に対する緊急配分" },
		{ "example", scenario_example, "print an example scenario file",
		  "シナリオファイルの例を出力する" },
	};
	return cli_dispatch(cli, "scenario", cmds, KB_ARRAY_SIZE(cmds), NULL,
			    argc, argv);
}
