/*
 * cmd_scenario.c - kiban scenario: epidemic scenarios and the demand they
 * put on essential devices, against the stock the hospitals reported.
 */
#include "cli.h"

#include <unistd.h>

#include "core/resource.h"
#include "kiban/scenario.h"
#include "kiban/supply.h"

enum { OPT_RUNS = OPT_FIRST_OWN, OPT_THREADS, OPT_SEED };

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

static int parse_count(struct cli *cli, const char *arg, long lo, long hi,
		       long *v)
{
	char *end;
	*v = strtol(arg, &end, 10);
	if (end == arg || *end || *v < lo || *v > hi)
		return cli_usage_error(
			cli, "scenario run",
			CLI_T(cli, "'%s' is not a number from %ld to %ld",
			      "'%s' は %ld〜%ld の数ではありません"),
			arg, lo, hi);
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
	long runs = 0, seed = -1, threads = sysconf(_SC_NPROCESSORS_ONLN);
	struct kb_store *s = NULL;
	struct kb_supply sup;
	struct kb_scenario sc;
	struct kb_scenario_result res;
	struct kb_buf text = KB_BUF_INIT, out = KB_BUF_INIT;
	int c, r;

	while ((c = getopt_long(argc, argv, "hqo:", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_RUNS:
			if ((r = parse_count(cli, optarg, 1, 100000, &runs)))
				return r;
			break;
		case OPT_SEED:
			if ((r = parse_count(cli, optarg, 0, 2147483647L, &seed)))
				return r;
			break;
		case OPT_THREADS:
			if ((r = parse_count(cli, optarg, 1, 64, &threads)))
				return r;
			break;
		case 'o': output = optarg; break;
		default:
			if ((r = cli_option(cli, c, "scenario run", argv,
					    run_en, run_ja)) >= 0)
				return r;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(
			cli, "scenario run", "%s",
			CLI_T(cli, "give one scenario file",
			      "シナリオのファイルを 1 つ指定してください"));
	if (kb_buf_read_file(&text, argv[optind])) {
		kb_err_set(&cli->err, KB_EIO,
			   CLI_T(cli, "cannot read %s: %s", "%s を読めません: %s"),
			   argv[optind], strerror(errno));
		return cli_fail(cli, KB_EIO);
	}
	if ((r = cli_open(cli, KB_STORE_READONLY, &s)))
		goto done;
	if ((r = kb_supply_load(s, &sup, &cli->err))) {
		r = cli_fail(cli, r);
		goto done;
	}
	if ((r = kb_scenario_parse(argv[optind], text.buf ? text.buf : "",
				   text.len, &sup, (int)(cli->now / 86400), &sc,
				   &cli->err))) {
		r = cli_fail(cli, r);
		goto sup;
	}
	if (runs)
		sc.runs = (size_t)runs;
	if (seed >= 0)
		sc.seed = (unsigned long long)seed;
	r = kb_scenario_run(s, &sup, &sc, (int)threads,
			    cli_progress(cli, "simulating", "計算中"), cli,
			    &res, &cli->err);
	cli_progress_done(cli);
	if (r) {
		r = cli_fail(cli, r);
		goto scen;
	}
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
	kb_scenario_result_release(&res);
scen:
	kb_scenario_release(&sc);
sup:
	kb_supply_release(&sup);
done:
	kb_store_close(s);
	kb_buf_release(&text);
	kb_buf_release(&out);
	return r;
}

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
		{ "example", scenario_example, "print an example scenario file",
		  "シナリオファイルの例を出力する" },
	};
	return cli_dispatch(cli, "scenario", cmds, KB_ARRAY_SIZE(cmds), NULL,
			    argc, argv);
}
