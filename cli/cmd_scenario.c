/*
 * cmd_scenario.c - kiban scenario: epidemic scenarios and the demand they
 * put on essential devices, against the stock the hospitals reported.
 */
#include "cli_more.h"

#include <errno.h>
#include <unistd.h>

#include "core/resource.h"
#include "kiban/scenario.h"
#include "kiban/supply.h"

enum {
	OPT_RUNS = OPT_FIRST_OWN,
	OPT_THREADS,
	OPT_SEED,
	OPT_BUDGET,
	OPT_WEEKS,
	OPT_LEVELS,
};

/* --runs, --seed and --threads, shared by the commands that run a
 * scenario. */
struct run_opts {
	long runs, seed, threads; /* 0, -1: the file's */
};

/* The arguments of scenario run, allocate and stockpile; SC(field):
 * where a value goes. */
struct scargs {
	struct cli_format f;
	const char *output, *mps;
	struct run_opts ro;
	int save, fair, no_worse, hospitals;
	double budget, weeks;
	long levels;
};
#define SC(field) CLI_AT(struct scargs, field)

static void init_args(struct scargs *a)
{
	memset(a, 0, sizeof(*a));
	a->output = "-";
	a->ro.seed = -1;
	a->ro.threads = sysconf(_SC_NPROCESSORS_ONLN);
	a->budget = -1;
}

/* -o FILE in --help, with --output FILE as another name. */
/* clang-format off */
#define OUTPUT_OPTION                                                         \
	{ NULL, 'o', CLI_STR, "FILE", NULL,                                   \
	  "write there instead of standard output",                           \
	  "標準出力の代わりに FILE へ書く", SC(output) },                       \
	CLI_HIDDEN("output", 0, CLI_STR, "FILE", SC(output))
/* clang-format on */

/* Reads the options of sp into a, checking the numbers cli_parse()
 * returns; returns as cli_parse() does once they are read. */
static int parse_run(struct cli *cli, const struct cli_spec *sp, int argc,
		     char **argv, struct scargs *a)
{
	long lo = 0, hi = 0, *v = NULL;
	double x;
	char *end;
	int r;
	while ((r = cli_parse(cli, sp, argc, argv, a)) >= OPT_FIRST_OWN) {
		switch (r) {
		case OPT_RUNS: lo = 1, hi = 100000, v = &a->ro.runs; break;
		case OPT_SEED: lo = 0, hi = 2147483647L, v = &a->ro.seed; break;
		case OPT_THREADS: lo = 1, hi = 64, v = &a->ro.threads; break;
		case OPT_BUDGET:
		case OPT_WEEKS:
			errno = 0;
			x = strtod(optarg, &end);
			*(r == OPT_BUDGET ? &a->budget : &a->weeks) = x;
			if (end == optarg || *end || errno || !(x >= 0))
				return cli_usage_error(
					cli, sp->cmd,
					CLI_T(cli,
					      "--%s: '%s' is not a number of 0 or more",
					      "--%s: '%s' は 0 以上の数ではありません"),
					r == OPT_BUDGET ? "budget" : "weeks",
					optarg);
			continue;
		case OPT_LEVELS:
			a->levels = strtol(optarg, &end, 10);
			if (end == optarg || *end || a->levels < 1 ||
			    a->levels > 1000)
				return cli_usage_error(
					cli, sp->cmd,
					CLI_T(cli,
					      "--levels: '%s' is not a number from 1 to 1000",
					      "--levels: '%s' は 1〜1000 の数ではありません"),
					optarg);
			continue;
		}
		*v = strtol(optarg, &end, 10);
		if (end == optarg || *end || *v < lo || *v > hi)
			return cli_usage_error(
				cli, sp->cmd,
				CLI_T(cli, "'%s' is not a number from %ld to %ld",
				      "'%s' は %ld〜%ld の数ではありません"),
				optarg, lo, hi);
	}
	return r;
}

static const struct cli_opt run_opts[] = {
	{ "runs", 0, CLI_CALL, "N", NULL,
	  "Monte Carlo runs (default: the file's, else 1000 with ranges)",
	  "モンテカルロ試行の回数（既定: ファイルの値、範囲があれば 1000）",
	  OPT_RUNS },
	{ "seed", 0, CLI_CALL, "N", NULL,
	  "random seed (default: the file's, else 1)",
	  "乱数の種（既定: ファイルの値、なければ 1）", OPT_SEED },
	{ "threads", 0, CLI_CALL, "N", NULL, "threads (default: the processors)",
	  "スレッド数（既定: プロセッサ数）", OPT_THREADS },
	{ "json", 0, CLI_FLAG, NULL, NULL,
	  "the summary and national series as JSON",
	  "要約と全国の系列を JSON で", SC(f.json) },
	{ "csv", 0, CLI_FLAG, NULL, NULL,
	  "one row per day, prefecture and device (--bom for Excel)",
	  "日・都道府県・機器ごとに 1 行（Excel 用は --bom）", SC(f.csv) },
	CLI_HIDDEN("bom", 0, CLI_FLAG, NULL, SC(f.bom)),
	{ "save", 0, CLI_FLAG, NULL, NULL,
	  "keep the result for 'kiban scenario report'",
	  "結果を保存する（'kiban scenario report' 用）", SC(save) },
	OUTPUT_OPTION,
	CLI_OPT_END,
};

/* The options of allocate and stockpile, all said in their paragraphs. */
/* clang-format off */
#define PLAN_OPTIONS                                                          \
	CLI_OPTS_FORMATS_HIDDEN(SC(f)),                                        \
	CLI_HIDDEN("runs", 0, CLI_CALL, "N", OPT_RUNS),                        \
	CLI_HIDDEN("seed", 0, CLI_CALL, "N", OPT_SEED),                        \
	CLI_HIDDEN("threads", 0, CLI_CALL, "N", OPT_THREADS),                  \
	CLI_HIDDEN("mps", 0, CLI_STR, "FILE", SC(mps)),                        \
	CLI_HIDDEN("save", 0, CLI_FLAG, NULL, SC(save)),                       \
	CLI_HIDDEN("output", 'o', CLI_STR, "FILE", SC(output))
/* clang-format on */
static const struct cli_spec run_spec = {
	"scenario run",
	"FILE [OPTION]...",
	"FILE [オプション]...",
	"Run an epidemic scenario (docs/scenario-format.md; 'kiban scenario example'\n"
	"prints one): an SEIR model per prefecture, the patients in each care day by\n"
	"day, and the units of each device they need, with 5-95% bands over the Monte\n"
	"Carlo runs when parameters are given as ranges; against the stock the\n"
	"hospitals reported in the latest week.\n",
	"流行シナリオ（docs/scenario-format.md。例は 'kiban scenario example'）を\n"
	"実行します: 都道府県ごとの SEIR モデルで、ケアごとの患者数と必要な機器の台数を\n"
	"日ごとに求めます。パラメータを範囲で与えるとモンテカルロ試行の 5〜95% の幅を\n"
	"示します。在庫は直近の週に病院が報告したものです。\n",
	run_opts,
	16,
	16,
	0,
};

static const char *num(struct kb_buf *b, double v)
{
	kb_buf_reset(b);
	kb_buf_add_num(b, v, 0);
	return b->buf;
}

/* A device's totals in a plan's JSON, as "CODE name: shipped 1, ...". */
struct total {
	const char *key, *en, *ja;
};
static const struct total plan_totals[] = {
	{ "shipped", "shipped ", "発送 " },
	{ "returned", ", returned ", "、返却 " },
	{ "bought", ", bought ", "、購入 " },
	{ "unmet", ", unmet ", "、不足 " },
	{ NULL, NULL, NULL },
};
static const struct total hospital_totals[] = {
	{ "shipped", "shipped ", "発送 " },
	{ "returned", ", returned ", "、返却 " },
	{ "unmet", ", unmet ", "、不足 " },
	{ "hospitals_short", ", hospitals short ", "、不足する病院 " },
	{ NULL, NULL, NULL },
};

/* One line per device of j's "devices" with the totals t names. */
static void print_totals(struct cli *cli, json_t *j, const struct total *t)
{
	struct kb_buf a = KB_BUF_INIT;
	json_t *x;
	size_t i, k;
	json_array_foreach(json_object_get(j, "devices"), i, x)
	{
		printf("%s %s: ", json_string_value(json_object_get(x, "code")),
		       json_string_value(json_object_get(x, "name")));
		for (k = 0; t[k].key; k++) {
			fputs(CLI_T(cli, t[k].en, t[k].ja), stdout);
			fputs(num(&a, json_number_value(
					      json_object_get(x, t[k].key))),
			      stdout);
		}
		putchar('\n');
	}
	kb_buf_release(&a);
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
	if (sc->fit_r0 >= 0)
		printf(CLI_T(cli,
			     "Fitted to the admissions: growth %.3f a day, R0 %.2f, "
			     "%.0f infectious on day 0\n",
			     "入院数から推定: 増加率 1 日 %.3f、R0 %.2f、0 日目の感染者 "
			     "%.0f 人\n"),
		       sc->fit_growth, sc->fit_r0, sc->fit_infected);
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
	json_array_foreach(json_object_get(j, "devices"), i, x)
	{
		json_t *low = json_object_get(x, "supply_lowest"),
		       *st = json_object_get(json_object_get(x, "national"),
					     "stock");
		if (!low)
			continue;
		if (!i)
			printf(CLI_T(cli, "\nDisruptions:\n", "\n供給の途絶:\n"));
		printf(CLI_T(cli,
			     "  %s: supply down to %.0f%%, %s days of resupply "
			     "missed, stock at the end %s\n",
			     "  %s: 供給は最低 %.0f%%、補充の遅れ %s 日分、"
			     "最終日の在庫 %s\n"),
		       json_string_value(json_object_get(x, "code")),
		       100 * json_number_value(low),
		       num(&a, json_number_value(json_object_get(
				       x, "resupply_missed_days"))),
		       num(&b, json_number_value(json_array_get(
				       st, json_array_size(st) - 1))));
	}
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

/* Opens the database and loads the registry: 0, or the exit status
 * reported. */
static int open_registry(struct cli *cli, int write, struct kb_store **s,
			 struct kb_supply *sup)
{
	int r;
	if ((r = cli_open(cli, write ? 0 : KB_STORE_READONLY, s)))
		return r;
	if ((r = kb_supply_load(*s, sup, &cli->err))) {
		kb_store_close(*s);
		*s = NULL;
		return cli_fail(cli, r);
	}
	return 0;
}

/* Reads the scenario file at path and runs it: 0 with sc and res filled,
 * or the exit status reported.  max_runs: the most runs when --runs does
 * not say (0: the file's). */
static int load_scenario(struct cli *cli, const char *path,
			 const struct run_opts *ro, size_t max_runs,
			 struct kb_store *s, const struct kb_supply *sup,
			 struct kb_scenario *sc, struct kb_scenario_result *res)
{
	struct kb_buf text = KB_BUF_INIT;
	int r;
	if (kb_buf_read_file(&text, path)) {
		kb_err_set(&cli->err, KB_EIO,
			   CLI_T(cli, "cannot read %s: %s", "%s を読めません: %s"),
			   path, strerror(errno));
		kb_buf_release(&text);
		return cli_fail(cli, KB_EIO);
	}
	r = kb_scenario_parse(path, text.buf ? text.buf : "", text.len, sup,
			      (int)(cli->now / 86400), sc, &cli->err);
	kb_buf_release(&text);
	if (r)
		return cli_fail(cli, r);
	if (ro->runs)
		sc->runs = (size_t)ro->runs;
	else if (max_runs && sc->runs > max_runs)
		sc->runs = max_runs;
	if (ro->seed >= 0)
		sc->seed = (unsigned long long)ro->seed;
	sc->keep_runs = max_runs > 0;
	r = kb_scenario_run(s, sup, sc, (int)ro->threads,
			    cli_progress(cli, "simulating", "計算中"), cli, res,
			    &cli->err);
	cli_progress_done(cli);
	if (!r)
		return 0;
	kb_scenario_release(sc);
	return cli_fail(cli, r);
}

/* Reads the one scenario file the command line names against the
 * database and runs it: 0 with everything loaded (finish() frees it), or
 * the exit status reported. */
static int prepare(struct cli *cli, const char *cmd, int argc, char **argv,
		   const struct run_opts *ro, int write, struct kb_store **s,
		   struct kb_supply *sup, struct kb_scenario *sc,
		   struct kb_scenario_result *res)
{
	int r;
	*s = NULL;
	if (optind + 1 != argc)
		return cli_usage_error(
			cli, cmd, "%s",
			CLI_T(cli, "give one scenario file",
			      "シナリオのファイルを 1 つ指定してください"));
	if ((r = open_registry(cli, write, s, sup)))
		return r;
	if ((r = load_scenario(cli, argv[optind], ro, 0, *s, sup, sc, res))) {
		kb_supply_release(sup);
		kb_store_close(*s);
		*s = NULL;
	}
	return r;
}

/* Keeps a result with the text of the scenario file it came from; says
 * its number unless quiet.  Takes j. */
static int save(struct cli *cli, struct kb_store *s, const char *kind,
		const struct kb_scenario *sc, json_t *j)
{
	struct kb_buf text = KB_BUF_INIT;
	long id = 0;
	int r;
	if (kb_buf_read_file(&text, sc->file)) {
		kb_err_set(&cli->err, KB_EIO,
			   CLI_T(cli, "cannot read %s: %s", "%s を読めません: %s"),
			   sc->file, strerror(errno));
		json_decref(j);
		kb_buf_release(&text);
		return cli_fail(cli, KB_EIO);
	}
	r = kb_scenario_save(s, kind, sc->name, text.buf ? text.buf : "", j,
			     cli->user, cli->now, &id, &cli->err);
	json_decref(j);
	kb_buf_release(&text);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		fprintf(stderr,
			CLI_T(cli,
			      "kept as scenario result %ld ('kiban scenario report %ld')\n",
			      "シナリオの結果 %ld として保存しました（'kiban scenario report %ld'）\n"),
			id, id);
	return 0;
}

static void finish(struct kb_store *s, struct kb_supply *sup,
		   struct kb_scenario *sc, struct kb_scenario_result *res)
{
	kb_scenario_result_release(res);
	kb_scenario_release(sc);
	kb_supply_release(sup);
	kb_store_close(s);
}

static int scenario_run(struct cli *cli, int argc, char **argv)
{
	struct scargs o;
	struct kb_store *s = NULL;
	struct kb_supply sup;
	struct kb_scenario sc;
	struct kb_scenario_result res;
	struct kb_buf out = KB_BUF_INIT;
	int r;

	init_args(&o);
	if ((r = parse_run(cli, &run_spec, argc, argv, &o)) >= 0)
		return r;
	if ((r = prepare(cli, "scenario run", argc, argv, &o.ro, o.save, &s,
			 &sup, &sc, &res)))
		return r;
	if (o.save && (r = save(cli, s, "run", &sc,
				kb_scenario_to_json(&sc, &res, &sup, cli->lang))))
		goto done;
	if (o.f.csv) {
		kb_scenario_csv(&sc, &res, &sup, cli->lang, o.f.bom, &out);
		r = cli_write(cli, &out, o.output);
	} else {
		json_t *j = kb_scenario_to_json(&sc, &res, &sup, cli->lang);
		if (o.f.json) {
			r = cli_write_json(cli, j, o.output);
		} else {
			print_summary(cli, &sc, j);
		}
		json_decref(j);
	}
done:
	finish(s, &sup, &sc, &res);
	kb_buf_release(&out);
	return r;
}

static const struct cli_opt alloc_opts[] = {
	PLAN_OPTIONS,
	CLI_HIDDEN("fair", 0, CLI_FLAG, NULL, SC(fair)),
	CLI_HIDDEN("no-worse-off", 0, CLI_FLAG, NULL, SC(no_worse)),
	CLI_HIDDEN("hospitals", 0, CLI_FLAG, NULL, SC(hospitals)),
	CLI_OPT_END,
};
static const struct cli_spec alloc_spec = {
	"allocate",
	"FILE [OPTION]...",
	"FILE [オプション]...",
	"Plan the emergency allocation of a scenario: its median demand, in whole\n"
	"units, met day by day from the hospitals' stock, the national stockpile\n"
	"('depot = CODE UNITS') and urgent purchases ('purchase = CODE PER_DAY\n"
	"LEAD_DAYS'), with idle units returned and lent onward ('transport =\n"
	"PREFECTURE DAYS'; a day by default, two to Hokkaido and Okinawa).  A linear\n"
	"program solved by COIN-OR CLP, checked, rounded to whole units; compared\n"
	"with each prefecture on its own stock and with the stockpile shared in\n"
	"proportion to population or to recent consumption.\n"
	"\n"
	"  --fair          first the smallest worst unmet share of a prefecture\n"
	"  --no-worse-off  no prefecture lacks more than on its own stock\n"
	"  --hospitals     down to the registry's hospitals: each prefecture's demand\n"
	"                  shared by beds, each hospital's own stock, a day from the\n"
	"                  prefecture's hub; prefectures first, then the hospitals\n"
	"                  of each, with a bound on the best single plan\n"
	"  --mps FILE      also write the model as MPS, for another solver\n"
	"  --runs N, --seed N, --threads N   as for 'kiban scenario run'\n"
	"  --save          keep the result for 'kiban scenario report'\n"
	"  --json          the summary and totals per device as JSON\n"
	"  --csv           shipments, returns and unmet demand by day, device and\n"
	"                  prefecture (--bom for Excel)\n"
	"  -o FILE         write there instead of standard output\n",
	"シナリオの緊急配分を計画します: 需要（中央値、整数台）を日ごとに、病院の在庫、\n"
	"国の備蓄（'depot = 機器コード 台数'）、緊急購入（'purchase = 機器コード 1日の台数\n"
	"納期の日数'）で満たし、使っていない機器は返却して他県へ貸し出します（'transport =\n"
	"都道府県 日数'。既定は 1 日、北海道と沖縄は 2 日）。COIN-OR CLP で解く線形計画を\n"
	"検証して整数台に丸め、各県が自県の在庫だけの場合、備蓄を人口比または直近の\n"
	"消費量比で配る場合と比べます。\n"
	"\n"
	"  --fair          まず都道府県の不足割合の最大を最小にする\n"
	"  --no-worse-off  どの都道府県も自県の在庫だけの場合より不足を増やさない\n"
	"  --hospitals     登録された病院ごとに: 都道府県の需要を病床数で分け、各病院の\n"
	"                  在庫を使い、県の拠点から 1 日で届ける。まず都道府県、次に\n"
	"                  各県の病院を解き、単一モデルの最適値の下限も示す\n"
	"  --mps FILE      モデルを MPS でも書く（他のソルバー用）\n"
	"  --runs N, --seed N, --threads N   'kiban scenario run' と同じ\n"
	"  --save          結果を保存する（'kiban scenario report' 用）\n"
	"  --json          要約と機器ごとの合計を JSON で\n"
	"  --csv           日・機器・都道府県ごとの発送・返却・不足（Excel 用は --bom）\n"
	"  -o FILE         標準出力の代わりに FILE へ書く\n",
	alloc_opts,
	0,
	0,
	0,
};

static int allocate_hospitals(struct cli *cli, struct kb_store *s,
			      const struct kb_supply *sup,
			      const struct kb_scenario *sc,
			      const struct kb_scenario_result *res,
			      const struct cli_format *f, int threads,
			      const char *output)
{
	struct kb_hospital_plan hp;
	struct kb_buf out = KB_BUF_INIT, a = KB_BUF_INIT;
	json_t *j;
	int r;
	if ((r = kb_scenario_allocate_hospitals(s, sc, res, sup, threads, &hp,
						&cli->err)))
		return cli_fail(cli, r);
	if (f->csv) {
		kb_hospital_plan_csv(sc, &hp, sup, cli->lang, f->bom, &out);
		r = cli_write(cli, &out, output);
		goto done;
	}
	j = kb_hospital_plan_to_json(sc, &hp, sup, cli->lang);
	if (f->json) {
		r = cli_write_json(cli, j, output);
	} else {
		printf("%s\n", sc->name);
		printf(CLI_T(cli, "%zu hospitals; unmet unit-days: this plan %s",
			     "病院 %zu。満たせない需要（台・日）: この計画 %s"),
		       hp.nhospitals, num(&a, hp.plan.unmet_total));
		printf(CLI_T(cli, ", the best single plan at least %s",
			     "、単一モデルの最適値は %s 以上"),
		       num(&a, hp.plan.bound));
		printf(CLI_T(cli, ", each on its own stock %s\n",
			     "、各病院の在庫のみ %s\n"),
		       num(&a, hp.plan.own_unmet));
		printf(CLI_T(cli, "%zu models, %.2f s in CLP\n\n",
			     "モデル %zu、CLP で %.2f 秒\n\n"),
		       hp.plan.models, hp.plan.seconds);
		print_totals(cli, j, hospital_totals);
	}
	json_decref(j);
done:
	kb_hospital_plan_release(&hp);
	kb_buf_release(&out);
	kb_buf_release(&a);
	return r;
}

int cmd_allocate(struct cli *cli, int argc, char **argv)
{
	struct scargs o;
	int r;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_scenario sc;
	struct kb_scenario_result res;
	struct kb_alloc_plan pl;
	struct kb_buf out = KB_BUF_INIT, mps = KB_BUF_INIT;
	json_t *j;

	init_args(&o);
	if ((r = parse_run(cli, &alloc_spec, argc, argv, &o)) >= 0)
		return r;
	if (o.hospitals && (o.fair || o.no_worse || o.mps || o.save))
		return cli_usage_error(
			cli, "allocate", "%s",
			CLI_T(cli,
			      "--hospitals goes without --fair, --no-worse-off, --mps and --save",
			      "--hospitals は --fair、--no-worse-off、--mps、--save と併用できません"));
	if ((r = prepare(cli, "allocate", argc, argv, &o.ro, o.save, &s, &sup,
			 &sc, &res)))
		return r;
	if (o.hospitals) {
		r = allocate_hospitals(cli, s, &sup, &sc, &res, &o.f,
				       (int)o.ro.threads, o.output);
		finish(s, &sup, &sc, &res);
		return r;
	}
	if ((r = kb_scenario_allocate(&sc, &res, &sup, o.fair, o.no_worse,
				      (int)o.ro.threads, o.mps ? &mps : NULL,
				      &pl, &cli->err))) {
		r = cli_fail(cli, r);
		goto done;
	}
	if (o.save &&
	    (r = save(cli, s, "allocate", &sc,
		      json_pack("{s:o, s:o}", "run",
				kb_scenario_to_json(&sc, &res, &sup, cli->lang),
				"allocation",
				kb_alloc_to_json(&sc, &pl, &sup, cli->lang)))))
		goto plan;
	if (o.mps && (r = cli_write(cli, &mps, o.mps)))
		goto plan;
	if (o.f.csv) {
		kb_alloc_csv(&sc, &pl, &sup, cli->lang, o.f.bom, &out);
		r = cli_write(cli, &out, o.output);
		goto plan;
	}
	j = kb_alloc_to_json(&sc, &pl, &sup, cli->lang);
	if (o.f.json) {
		r = cli_write_json(cli, j, o.output);
	} else {
		struct kb_buf a = KB_BUF_INIT;
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
		print_totals(cli, j, plan_totals);
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

static const struct cli_opt stock_opts[] = {
	PLAN_OPTIONS,
	CLI_HIDDEN("budget", 0, CLI_CALL, "YEN", OPT_BUDGET),
	CLI_HIDDEN("weeks", 0, CLI_CALL, "N", OPT_WEEKS),
	CLI_HIDDEN("levels", 0, CLI_CALL, "N", OPT_LEVELS),
	CLI_OPT_END,
};
static const struct cli_spec stock_spec = {
	"stockpile",
	"FILE... [OPTION]...",
	"FILE... [オプション]...",
	"Plan the national stockpile across scenarios: how many units of each device\n"
	"to hold (at each 'warehouse = PREFECTURE', else at the one depot) for a\n"
	"yearly budget, to least expected unmet patient-days.  Every Monte Carlo run\n"
	"of each file is a scenario, sharing its file's 'probability'; the devices,\n"
	"'cost = CODE PRICE SHELF_LIFE_YEARS [HOLDING [MAINTENANCE]]', 'budget' and\n"
	"what is already held ('depot = CODE UNITS', kept) come from the first file.\n"
	"A two-stage stochastic linear program solved by COIN-OR CLP, checked, and\n"
	"compared with N weeks of each device's average need.\n"
	"\n"
	"  --budget YEN    yen a year (default: the first file's 'budget')\n"
	"  --weeks N       the rule compared: N weeks of average need (default: as\n"
	"                  many weeks as the budget buys)\n"
	"  --levels N      pieces per scenario, device and prefecture (default 12)\n"
	"  --runs N        runs per file (default: the file's, at most 100)\n"
	"  --seed N, --threads N   as for 'kiban scenario run'\n"
	"  --mps FILE      also write the model as MPS, for another solver\n"
	"  --save          keep the result for 'kiban scenario report'\n"
	"  --json          the plan as JSON\n"
	"  --csv           one row per device and warehouse (--bom for Excel)\n"
	"  -o FILE         write there instead of standard output\n",
	"複数のシナリオに備える国の備蓄を計画します: 年間の予算で、満たせない患者・日の\n"
	"期待値が最も小さくなるよう、機器ごとに保有する台数（'warehouse = 都道府県' ごと、\n"
	"なければ国の備蓄 1 か所）を求めます。各ファイルのモンテカルロ試行がそれぞれ\n"
	"シナリオとなり、ファイルの 'probability' を分け合います。機器、'cost = 機器コード\n"
	"価格 耐用年数 [保管費 [保守費]]'、'budget'、既にある備蓄（'depot = 機器コード\n"
	"台数'、維持）は最初のファイルのものです。COIN-OR CLP で解く 2 段階確率計画を\n"
	"検証し、平均需要の N 週分という目安と比べます。\n"
	"\n"
	"  --budget YEN    年間の予算（円。既定: 最初のファイルの 'budget'）\n"
	"  --weeks N       比べる目安: 平均需要の N 週分（既定: 予算で買える週数）\n"
	"  --levels N      シナリオ・機器・都道府県ごとの区分の数（既定 12）\n"
	"  --runs N        ファイルごとの試行回数（既定: ファイルの値、最大 100）\n"
	"  --seed N, --threads N   'kiban scenario run' と同じ\n"
	"  --mps FILE      モデルを MPS でも書く（他のソルバー用）\n"
	"  --save          結果を保存する（'kiban scenario report' 用）\n"
	"  --json          計画を JSON で\n"
	"  --csv           機器・保管場所ごとに 1 行（Excel 用は --bom）\n"
	"  -o FILE         標準出力の代わりに FILE へ書く\n",
	stock_opts,
	0,
	0,
	0,
};

static void print_stockpile(struct cli *cli, const struct kb_scenario *sc,
			    const struct kb_stockpile_result *res,
			    const struct kb_supply *sup, json_t *j)
{
	struct kb_buf a = KB_BUF_INIT, b = KB_BUF_INIT, c = KB_BUF_INIT,
		      d = KB_BUF_INIT, e = KB_BUF_INIT, wh = KB_BUF_INIT;
	const struct kb_stockpile_plan *pl = &res->plan;
	struct cli_table t;
	json_t *x, *u;
	size_t i, w;
	printf("%s\n", sc->name);
	printf(CLI_T(cli, "%zu scenarios; budget %s yen a year, %s spent\n\n",
		     "シナリオ %zu 件。予算 年 %s 円、うち %s 円を使用\n\n"),
	       res->scenarios, num(&a, res->budget), num(&b, pl->spent));
	cli_table_init(&t, 6, CLI_T(cli, "device", "機器"),
		       CLI_T(cli, "units to hold", "保有する台数"),
		       CLI_T(cli, "yen a year each", "1台の年額（円）"),
		       CLI_T(cli, "one more avoids", "1台増で減る不足"),
		       CLI_T(cli, "per million yen", "100万円あたり"),
		       CLI_T(cli, "rule", "目安"));
	cli_table_limit(&t, 0, 24);
	json_array_foreach(json_object_get(j, "devices"), i, x)
	{
		char name[160];
		snprintf(name, sizeof(name), "%s %s",
			 json_string_value(json_object_get(x, "code")),
			 json_string_value(json_object_get(x, "name")));
		kb_buf_reset(&wh);
		kb_buf_adds(&wh, num(&a, json_number_value(
						 json_object_get(x, "units"))));
		if (sc->nwarehouses) {
			kb_buf_adds(&wh, " (");
			json_array_foreach(json_object_get(x, "by_warehouse"),
					   w, u)
			{
				kb_buf_addf(
					&wh, "%s%s ", w ? ", " : "",
					KB_NAME(&sup->prefs[sc->warehouse[w] - 1],
						cli->lang));
				kb_buf_adds(&wh, num(&a, json_number_value(u)));
			}
			kb_buf_adds(&wh, ")");
		}
		cli_table_row(&t, name, wh.buf,
			      num(&b, json_number_value(json_object_get(
					      x, "yen_a_year_each"))),
			      num(&c, json_number_value(json_object_get(
					      x, "value_per_unit"))),
			      num(&d, json_number_value(json_object_get(
					      x, "value_per_million_yen"))),
			      num(&e, json_number_value(json_object_get(
					      x, "rule_units"))));
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	printf(CLI_T(cli,
		     "\nExpected unmet patient-days: this plan %s (model %s); %.2f "
		     "weeks of average need %s; no stockpile %s.\n",
		     "\n満たせない患者・日の期待値: この計画 %s（モデル %s）、平均需要の "
		     "%.2f 週分 %s、備蓄なし %s。\n"),
	       num(&a, pl->expected_unmet), num(&b, pl->lp_unmet),
	       res->rule_weeks, num(&c, res->rule.expected_unmet),
	       num(&d, pl->none_unmet));
	printf(CLI_T(cli,
		     "One more million yen a year avoids %.2f patient-days; one "
		     "more unit: the expected patient-days it avoids.  %zu rows x "
		     "%zu columns, %.2f s in CLP.\n",
		     "予算を年 100 万円増やすと %.2f 患者・日の不足が減ります。1台増は"
		     "その台数で減る不足の期待値です。%zu 行 x %zu 列、CLP で %.2f 秒。\n"),
	       pl->yen_value * 1e6, pl->rows, pl->cols, pl->seconds);
	kb_buf_release(&a);
	kb_buf_release(&b);
	kb_buf_release(&c);
	kb_buf_release(&d);
	kb_buf_release(&e);
	kb_buf_release(&wh);
}

int cmd_stockpile(struct cli *cli, int argc, char **argv)
{
	struct scargs o;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_scenario *sc;
	struct kb_scenario_result *res;
	struct kb_stockpile_result sp;
	struct kb_buf out = KB_BUF_INIT, mps = KB_BUF_INIT;
	size_t n, i, loaded = 0;
	int r;

	init_args(&o);
	if ((r = parse_run(cli, &stock_spec, argc, argv, &o)) >= 0)
		return r;
	if (optind >= argc)
		return cli_usage_error(
			cli, "stockpile", "%s",
			CLI_T(cli, "give one or more scenario files",
			      "シナリオのファイルを 1 つ以上指定してください"));
	if ((r = open_registry(cli, o.save, &s, &sup)))
		return r;
	n = (size_t)(argc - optind);
	sc = kb_calloc(n, sizeof(*sc));
	res = kb_calloc(n, sizeof(*res));
	for (i = 0; i < n; i++, loaded++)
		if ((r = load_scenario(cli, argv[optind + (int)i], &o.ro, 100,
				       s, &sup, &sc[i], &res[i])))
			goto done;
	if ((r = kb_scenario_stockpile(sc, res, n, &sup, o.budget, o.weeks,
				       (int)o.levels, o.mps ? &mps : NULL, &sp,
				       &cli->err))) {
		r = cli_fail(cli, r);
		goto done;
	}
	if (o.save &&
	    (r = save(cli, s, "stockpile", &sc[0],
		      kb_stockpile_to_json(&sc[0], &sp, &sup, cli->lang))))
		goto plan;
	if (o.mps && (r = cli_write(cli, &mps, o.mps)))
		goto plan;
	if (o.f.csv) {
		kb_stockpile_csv(&sc[0], &sp, &sup, cli->lang, o.f.bom, &out);
		r = cli_write(cli, &out, o.output);
	} else {
		json_t *j = kb_stockpile_to_json(&sc[0], &sp, &sup, cli->lang);
		if (o.f.json) {
			r = cli_write_json(cli, j, o.output);
		} else {
			print_stockpile(cli, &sc[0], &sp, &sup, j);
		}
		json_decref(j);
	}
plan:
	kb_stockpile_result_release(&sp);
done:
	for (i = 0; i < loaded; i++) {
		kb_scenario_result_release(&res[i]);
		kb_scenario_release(&sc[i]);
	}
	free(sc);
	free(res);
	kb_supply_release(&sup);
	kb_store_close(s);
	kb_buf_release(&out);
	kb_buf_release(&mps);
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

static int scenario_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
					      CLI_FORMAT_OPTIONS,
					      { NULL, 0, NULL, 0 } };
	struct cli_format f = { 0 };
	struct kb_store *s;
	json_t *rows, *x;
	size_t i;
	int c, r;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		if ((r = cli_option(
			     cli, c, "scenario list", argv,
			     "Usage: kiban scenario list [--json]\n"
			     "List the scenario results kept with --save, newest first.\n",
			     "使い方: kiban scenario list [--json]\n"
			     "--save で保存したシナリオの結果を新しい順に一覧します。\n")) >=
		    0)
			return r;
	}
	if ((r = cli_open(cli, KB_STORE_READONLY, &s)))
		return r;
	if ((r = kb_scenario_saved(s, &rows, &cli->err))) {
		kb_store_close(s);
		return cli_fail(cli, r);
	}
	if (f.json) {
		r = cli_write_json(cli, rows, "-");
	} else {
		struct cli_table t;
		cli_table_init(&t, 5, "id", CLI_T(cli, "kind", "種類"),
			       CLI_T(cli, "name", "名前"),
			       CLI_T(cli, "kept", "保存日時"),
			       CLI_T(cli, "by", "保存者"));
		json_array_foreach(rows, i, x)
		{
			char id[24];
			snprintf(id, sizeof(id), "%lld",
				 (long long)json_integer_value(
					 json_object_get(x, "id")));
			cli_table_row(
				&t, id,
				json_string_value(json_object_get(x, "kind")),
				json_string_value(json_object_get(x, "name")),
				json_string_value(
					json_object_get(x, "created_at")),
				json_string_value(
					json_object_get(x, "created_by")));
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	json_decref(rows);
	kb_store_close(s);
	return r;
}

static int scenario_report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = "-";
	struct kb_store *s;
	struct kb_buf out = KB_BUF_INIT;
	json_t *saved;
	char *end;
	long id;
	int c, r;
	while ((c = getopt_long(argc, argv, "hqo:", opts, NULL)) != -1) {
		if (c == 'o') {
			output = optarg;
			continue;
		}
		if ((r = cli_option(
			     cli, c, "scenario report", argv,
			     "Usage: kiban scenario report ID [-o FILE]\n"
			     "Write the report of a scenario result kept with --save\n"
			     "('kiban scenario list'): one HTML page with, per device, the\n"
			     "demand curve with its 5-95% band and the stock, a prefecture x\n"
			     "day heat map of the shortfall, and the shipment plan or the\n"
			     "stockpile.\n\n"
			     "  -o FILE   write there instead of standard output\n",
			     "使い方: kiban scenario report ID [-o FILE]\n"
			     "--save で保存したシナリオの結果（'kiban scenario list'）の報告を\n"
			     "HTML で書きます: 機器ごとの需要曲線と 5〜95% の幅と在庫、\n"
			     "都道府県 x 日の不足のヒートマップ、配分計画または備蓄計画。\n\n"
			     "  -o FILE   標準出力の代わりに FILE へ書く\n")) >= 0)
			return r;
	}
	if (optind + 1 != argc ||
	    (id = strtol(argv[optind], &end, 10), *end || id < 1))
		return cli_usage_error(
			cli, "scenario report", "%s",
			CLI_T(cli, "give the number of a result kept",
			      "保存した結果の番号を指定してください"));
	if ((r = cli_open(cli, KB_STORE_READONLY, &s)))
		return r;
	if ((r = kb_scenario_load(s, id, &saved, &cli->err))) {
		kb_store_close(s);
		return cli_fail(cli, r);
	}
	kb_scenario_report(saved, cli->lang, &out);
	r = cli_write(cli, &out, output);
	json_decref(saved);
	kb_store_close(s);
	kb_buf_release(&out);
	return r;
}

int cmd_scenario(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "run", scenario_run,
		  "demand for devices in an epidemic scenario, with bands",
		  "流行シナリオでの機器の需要（幅つき）" },
		{ "example", scenario_example, "print an example scenario file",
		  "シナリオファイルの例を出力する" },
		{ "list", scenario_list, "the scenario results kept",
		  "保存したシナリオの結果" },
		{ "report", scenario_report,
		  "the HTML report of a result kept, with charts",
		  "保存した結果の HTML 報告（図つき）" },
	};
	return cli_dispatch(cli, "scenario", cmds, KB_ARRAY_SIZE(cmds), NULL,
			    argc, argv);
}
