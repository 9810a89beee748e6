/*
 * cmd_anon.c - kiban anon: anonymize records for the medical-data bank,
 * check a release, show a column's hierarchy.
 */
#include "cli_more.h"

#include "kiban/anon.h"

enum {
	OPT_K = OPT_FIRST_OWN,
	OPT_SUPPRESSION,
	OPT_METRIC,
	OPT_SEARCH,
	OPT_MAX_NODES,
	OPT_THRESHOLD,
};

/* The arguments of run, check and hierarchy; AA(field): where. */
struct anon_opts {
	const char *config, *encoding, *population, *original, *report;
	const char *output, *attribute;
	double k, suppression, threshold;
	int metric, bom, json;
	struct kb_anon_search_opts search;
};
#define AA(field) CLI_AT(struct anon_opts, field)
#define ANON_OPTS_INIT                                            \
	{                                                         \
		.suppression = -1, .metric = -1, .threshold = 0.2 \
	}

/* The options shared by the commands, all said in their paragraphs. */
/* clang-format off */
#define CONFIG_OPTIONS                                                        \
	CLI_HIDDEN("config", 'c', CLI_STR, "FILE", AA(config)),                \
	CLI_HIDDEN("encoding", 0, CLI_STR, "E", AA(encoding))
#define RISK_OPTIONS                                                          \
	CLI_HIDDEN("json", 0, CLI_FLAG, NULL, AA(json)),                       \
	CLI_HIDDEN("k", 'k', CLI_CALL, "K", OPT_K),                            \
	CLI_HIDDEN("threshold", 0, CLI_CALL, "P", OPT_THRESHOLD),              \
	CLI_HIDDEN("population", 0, CLI_STR, "FILE", AA(population))
/* clang-format on */

static int number_arg(struct cli *cli, const char *cmd, const char *opt,
		      const char *arg, double lo, double hi, double *out)
{
	if (kb_parse_number(arg, out) || *out < lo || *out > hi)
		return cli_usage_error(
			cli, cmd,
			CLI_T(cli, "%s takes a number from %g to %g, not '%s'",
			      "%s には %g から %g の数を指定してください（'%s' は不可）"),
			opt, lo, hi, arg);
	return 0;
}

/* Reads the options of sp into o, checking the values cli_parse()
 * returns; returns as cli_parse() does once they are read. */
static int parse_anon(struct cli *cli, const struct cli_spec *sp, int argc,
		      char **argv, struct anon_opts *o)
{
	const char *cmd = sp->cmd;
	double x;
	int r;
	while ((r = cli_parse(cli, sp, argc, argv, o)) >= OPT_FIRST_OWN) {
		switch (r) {
		case OPT_THRESHOLD:
			if (number_arg(cli, cmd, "--threshold", optarg, 0, 1,
				       &o->threshold))
				return EXIT_USAGE;
			break;
		case OPT_K:
			if (number_arg(cli, cmd, "-k", optarg, 1, 1e9, &x))
				return EXIT_USAGE;
			o->k = floor(x);
			break;
		case OPT_SUPPRESSION:
			if (number_arg(cli, cmd, "--suppression", optarg, 0, 1,
				       &x))
				return EXIT_USAGE;
			o->suppression = x;
			break;
		case OPT_METRIC:
			if ((o->metric = kb_anon_metric_parse(optarg)) < 0)
				return cli_usage_error(
					cli, cmd,
					CLI_T(cli,
					      "unknown metric '%s' (expected entropy, loss, discernibility, aecs or precision)",
					      "不明な指標 '%s' です（entropy, loss, discernibility, aecs, precision）"),
					optarg);
			break;
		case OPT_SEARCH:
			if (!strcmp(optarg, "auto"))
				o->search.strategy = KB_ANON_AUTO;
			else if (!strcmp(optarg, "exhaustive"))
				o->search.strategy = KB_ANON_EXHAUSTIVE;
			else if (!strcmp(optarg, "greedy"))
				o->search.strategy = KB_ANON_GREEDY;
			else
				return cli_usage_error(
					cli, cmd,
					CLI_T(cli,
					      "unknown search '%s' (expected auto, exhaustive or greedy)",
					      "不明な探索方法 '%s' です（auto, exhaustive, greedy）"),
					optarg);
			break;
		case OPT_MAX_NODES:
			if (number_arg(cli, cmd, "--max-nodes", optarg, 1, 4e9,
				       &x))
				return EXIT_USAGE;
			o->search.max_nodes = (uint64_t)x;
			break;
		}
	}
	return r;
}

/* The configuration, with the command line's overrides. */
static int load_config(struct cli *cli, const char *cmd,
		       const struct anon_opts *o, struct kb_anon **out)
{
	struct kb_anon *a;
	int r;
	if (!o->config)
		return cli_usage_error(
			cli, cmd, "%s",
			CLI_T(cli, "give the configuration with -c FILE",
			      "設定ファイルを -c で指定してください"));
	a = kb_anon_new(cli->lang);
	if ((r = kb_anon_config_file(a, o->config, &cli->err))) {
		kb_anon_free(a);
		return cli_fail(cli, r);
	}
	if (o->k > 0) {
		size_t i;
		for (i = 0; i < a->nmodel && a->model[i].kind != KB_ANON_K; i++)
			;
		if (i == a->nmodel) {
			KB_ALLOC_GROW(a->model, a->nmodel + 1, a->alloc_model);
			a->nmodel++;
		}
		a->model[i] =
			(struct kb_anon_model){ .kind = KB_ANON_K, .k = o->k };
	}
	if (o->suppression >= 0)
		a->suppression = o->suppression;
	if (o->metric >= 0)
		a->metric = (enum kb_anon_metric)o->metric;
	*out = a;
	return 0;
}

static int read_records(struct cli *cli, struct kb_anon *a, const char *path,
			const char *encoding)
{
	struct kb_csv csv;
	int r;
	if ((r = cli_open_csv(cli, &csv, path, encoding)))
		return r;
	r = kb_anon_read(a, &csv, &cli->err);
	kb_csv_release(&csv);
	return r ? cli_fail(cli, r) : 0;
}

static void pct(struct kb_buf *b, double x)
{
	kb_buf_addf(b, "%.2f%%", 100 * x);
}

/* The check's findings for people. */
static void print_check(struct cli *cli, const struct kb_anon_check *c)
{
	struct kb_buf b = KB_BUF_INIT;
	size_t i;

	kb_buf_addf(&b,
		    CLI_T(cli,
			  "records:        %zu in %zu classes (smallest %zu)\n",
			  "レコード:       %zu 件、%zu クラス（最小 %zu 件）\n"),
		    c->records, c->classes, c->min_class);
	kb_buf_adds(&b, CLI_T(cli, "prosecutor risk: highest ",
			      "検察官リスク:   最大 "));
	pct(&b, c->prosecutor_max);
	kb_buf_adds(&b, CLI_T(cli, ", average ", "、平均 "));
	pct(&b, c->prosecutor_avg);
	kb_buf_adds(&b, CLI_T(cli, "\njournalist risk: highest ",
			      "\n記者リスク:     最大 "));
	pct(&b, c->journalist_max);
	kb_buf_adds(&b, CLI_T(cli, ", average ", "、平均 "));
	pct(&b, c->journalist_avg);
	kb_buf_adds(&b, CLI_T(cli, "\nmarketer risk:  ", "\nマーケターリスク: "));
	pct(&b, c->marketer);
	kb_buf_addf(&b,
		    CLI_T(cli, "\nrecords above a risk of %.4g%%: %zu (",
			  "\nリスク %.4g%% を超えるレコード: %zu 件（"),
		    100 * c->threshold, c->above_threshold);
	pct(&b, c->records ? (double)c->above_threshold / (double)c->records : 0);
	kb_buf_adds(&b, CLI_T(cli, ")\nclass sizes:   ", "）\nクラスの大きさ: "));
	for (i = 0; i < 9; i++)
		if (c->sizes[i][0])
			kb_buf_addf(&b,
				    CLI_T(cli, " %s: %zu (%zu records)",
					  " %s: %zu（%zu 件）"),
				    kb_anon_size_bands[i], c->sizes[i][0],
				    c->sizes[i][1]);
	kb_buf_addch(&b, '\n');
	fputs(b.buf, stdout);
	kb_buf_release(&b);
}

static void print_result(struct cli *cli, const struct kb_anon *a,
			 const struct kb_anon_result *res)
{
	size_t i;
	printf("%s", CLI_T(cli, "transformation: ", "変換:           "));
	for (i = 0; i < a->nqi; i++)
		printf("%s%s=%u/%u", i ? " " : "", a->attr[a->qi[i]].name,
		       res->levels[i], a->attr[a->qi[i]].hier->nlevels - 1);
	printf("%s\n", res->optimal ? CLI_T(cli, " (optimal)", "（最適）")
				    : CLI_T(cli, " (greedy: not proven optimal)",
					    "（貪欲法: 最適とは限りません）"));
	printf(CLI_T(cli, "information loss (%s): %.2f\n",
		     "情報損失（%s）: %.2f\n"),
	       kb_anon_metric_name(a->metric), res->loss);
	printf(CLI_T(cli, "  as ARX reports it: %.2f\n",
		     "  ARX の計算では:  %.2f\n"),
	       res->loss_arx);
	printf(CLI_T(cli,
		     "released:       %zu of %zu records; suppressed %zu (limit %.4g%%)\n",
		     "公開:           %2$zu 件中 %1$zu 件、削除 %3$zu 件（上限 %4$.4g%%）\n"),
	       a->nrows - res->suppressed, a->nrows, res->suppressed,
	       100 * a->suppression);
}

static const struct cli_opt run_opts[] = {
	CONFIG_OPTIONS,
	RISK_OPTIONS,
	CLI_HIDDEN("output", 'o', CLI_STR, "FILE", AA(output)),
	CLI_HIDDEN("report", 0, CLI_STR, "FILE", AA(report)),
	CLI_HIDDEN("bom", 0, CLI_FLAG, NULL, AA(bom)),
	CLI_HIDDEN("suppression", 0, CLI_CALL, "S", OPT_SUPPRESSION),
	CLI_HIDDEN("metric", 0, CLI_CALL, "M", OPT_METRIC),
	CLI_HIDDEN("search", 0, CLI_CALL, "S", OPT_SEARCH),
	CLI_HIDDEN("max-nodes", 0, CLI_CALL, "N", OPT_MAX_NODES),
	CLI_OPT_END,
};
static const struct cli_spec run_spec = {
	"anon run",
	"DATA.csv -c CONFIG.json [-o RELEASE.csv] [OPTION]...",
	"データ.csv -c 設定.json [-o 公開.csv] [オプション]...",
	"Anonymize records: find the generalization that satisfies the privacy\n"
	"models of CONFIG with the least information lost, write the release and\n"
	"report the transformation, the loss and the re-identification risk.\n"
	"The release is checked against the models, by grouping its text, before\n"
	"it is written.  Nothing is written when the input has a problem.\n"
	"\n"
	"  -c, --config FILE     roles, hierarchies, models (docs/anon-format.md)\n"
	"  -o, --output FILE     the release (CSV, the input's separator)\n"
	"      --bom             begin the release with a byte-order mark (Excel)\n"
	"      --report FILE     the report as JSON\n"
	"      --json            print the report as JSON\n"
	"  -k K                  k-anonymity with this k (replaces the file's)\n"
	"      --suppression S   share of records that may be removed (0 to 1)\n"
	"      --metric M        entropy, loss, discernibility, aecs or precision\n"
	"      --search S        auto (optimal; greedy past --max-nodes), exhaustive\n"
	"                        or greedy\n"
	"      --max-nodes N     largest lattice searched exactly (default 1000000)\n"
	"      --threshold P     risk above which records are counted (default 0.2)\n"
	"      --population FILE the population, for journalist and marketer risk\n"
	"      --encoding E      auto, utf-8 or cp932 (default auto)\n",
	"レコードを匿名化します。設定のプライバシーモデルを満たし、情報損失が最小の\n"
	"一般化を求めて公開データを書き、変換・情報損失・再識別リスクを報告します。\n"
	"公開データは書く前にその文字列のグループ化でモデルに照らして検査します。\n"
	"入力に問題があるときは何も書きません。\n"
	"\n"
	"  -c, --config ファイル  列の種類・階層・モデル（docs/anon-format.md）\n"
	"  -o, --output ファイル  公開データ（CSV、入力と同じ区切り文字）\n"
	"      --bom              公開データの先頭に BOM を付ける（Excel 用）\n"
	"      --report ファイル  報告を JSON で書く\n"
	"      --json             報告を JSON で出力する\n"
	"  -k K                   この k の k-匿名性（設定の k を置き換える）\n"
	"      --suppression S    削除してよいレコードの割合（0 から 1）\n"
	"      --metric M         entropy, loss, discernibility, aecs, precision\n"
	"      --search S         auto（最適。--max-nodes を超えると貪欲法）、\n"
	"                         exhaustive、greedy\n"
	"      --max-nodes N      厳密に探索する束の大きさの上限（既定 1000000）\n"
	"      --threshold P      この値を超えるリスクのレコードを数える（既定 0.2）\n"
	"      --population ファイル 母集団（記者・マーケターのリスク用）\n"
	"      --encoding E       auto, utf-8, cp932（既定 auto）\n",
	run_opts,
	0,
	0,
	0,
};

static int anon_run(struct cli *cli, int argc, char **argv)
{
	struct anon_opts o = ANON_OPTS_INIT;
	struct kb_anon *a = NULL, *pa = NULL;
	struct kb_anon_result res = { .found = 0 };
	struct kb_anon_check chk;
	struct kb_buf rel = KB_BUF_INIT, pop = KB_BUF_INIT;
	struct kb_csv rc, pc;
	json_t *rep;
	int r;

	if ((r = parse_anon(cli, &run_spec, argc, argv, &o)) >= 0)
		return r;
	if (optind + 1 != argc)
		return cli_usage_error(
			cli, "anon run", "%s",
			CLI_T(cli, "give one data file",
			      "データファイルを一つ指定してください"));
	if ((r = load_config(cli, "anon run", &o, &a)))
		return r;
	if ((r = read_records(cli, a, argv[optind], o.encoding)))
		goto out;
	if (o.population) {
		pa = kb_anon_new(cli->lang);
		if ((r = kb_anon_config_file(pa, o.config, &cli->err))) {
			r = cli_fail(cli, r);
			goto out;
		}
		if ((r = read_records(cli, pa, o.population, o.encoding)))
			goto out;
	}
	o.search.progress = cli_progress(cli, "searching", "探索中");
	o.search.progress_ctx = cli;
	r = kb_anon_search(a, &o.search, &res, &cli->err);
	cli_progress_done(cli);
	if (r) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (!res.found) {
		rep = kb_anon_report(a, &res, NULL);
		if (o.report)
			cli_write_json(cli, rep, o.report);
		if (o.json)
			cli_write_json(cli, rep, "-");
		json_decref(rep);
		fprintf(stderr,
			CLI_T(cli,
			      "%s: no transformation satisfies the models, not even the most general one with %.4g%% of the records suppressed; nothing written\n",
			      "%s: モデルを満たす変換がありません（最も一般的な変換で %.4g%% のレコードを削除しても満たしません）。何も書いていません\n"),
			cli->prog, 100 * a->suppression);
		r = 1;
		goto out;
	}
	/* the release, checked by its text before anything is written */
	kb_anon_write(a, res.levels, 1, &rel);
	if (pa)
		kb_anon_write(pa, res.levels, 0, &pop);
	if ((r = kb_csv_open_mem(&rc, "release", rel.buf, rel.len, KB_ENC_UTF8,
				 &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (pa && (r = kb_csv_open_mem(&pc, o.population, pop.buf, pop.len,
				       KB_ENC_UTF8, &cli->err))) {
		kb_csv_release(&rc);
		r = cli_fail(cli, r);
		goto out;
	}
	r = kb_anon_check(a, &rc, pa ? &pc : NULL, o.threshold, &chk, &cli->err);
	kb_csv_release(&rc);
	if (pa)
		kb_csv_release(&pc);
	if (r) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (chk.failing_classes || chk.records != a->nrows - res.suppressed) {
		fprintf(stderr,
			CLI_T(cli,
			      "%s: internal error: the release fails its check (%zu classes fail %s); nothing written\n",
			      "%s: 内部エラー: 公開データが検査に通りません（%zu クラスが %s を満たしません）。何も書いていません\n"),
			cli->prog, chk.failing_classes,
			chk.first_failure ? chk.first_failure : "-");
		r = 1;
		goto out;
	}
	if (o.output) {
		if (o.bom) {
			struct kb_buf b = KB_BUF_INIT;
			kb_buf_adds(&b, "\xef\xbb\xbf");
			kb_buf_add(&b, rel.buf, rel.len);
			kb_buf_release(&rel);
			rel = b;
		}
		if ((r = cli_write(cli, &rel, o.output)))
			goto out;
	}
	rep = kb_anon_report(a, &res, &chk);
	if (o.report && (r = cli_write_json(cli, rep, o.report))) {
		json_decref(rep);
		goto out;
	}
	if (o.json) {
		r = cli_print_json(cli, rep);
	} else {
		json_decref(rep);
		if (!cli->quiet) {
			print_result(cli, a, &res);
			print_check(cli, &chk);
			printf(CLI_T(cli,
				     "search:         %zu of %" PRIu64
				     " nodes evaluated in %.3f s (%s)\n",
				     "探索:           %2$" PRIu64
				     " ノード中 %1$zu を評価、%3$.3f 秒（%4$s）\n"),
			       res.checked, res.lattice, res.seconds,
			       res.strategy == KB_ANON_EXHAUSTIVE ? "exhaustive"
			       : res.strategy == KB_ANON_GREEDY	  ? "greedy"
								  : "flash");
		}
	}
out:
	kb_anon_result_release(&res);
	kb_buf_release(&rel);
	kb_buf_release(&pop);
	kb_anon_free(a);
	kb_anon_free(pa);
	return r;
}

static const struct cli_opt check_opts[] = {
	CONFIG_OPTIONS,
	RISK_OPTIONS,
	CLI_HIDDEN("original", 0, CLI_STR, "FILE", AA(original)),
	CLI_OPT_END,
};
static const struct cli_spec check_spec = {
	"anon check",
	"RELEASE.csv -c CONFIG.json [OPTION]...",
	"公開.csv -c 設定.json [オプション]...",
	"Check a release against the privacy models of CONFIG and measure the\n"
	"re-identification risk that remains.  Exit status 0 when every class\n"
	"satisfies the models, 1 when one does not.\n"
	"\n"
	"  -c, --config FILE     the models (and hierarchies) to check against\n"
	"  -k K                  k-anonymity with this k (replaces the file's)\n"
	"      --original FILE   the original records: t-closeness's reference\n"
	"                        distribution (else the release's own)\n"
	"      --population FILE the population, generalized as the release\n"
	"      --threshold P     risk above which records are counted (default 0.2)\n"
	"      --json            print the findings as JSON\n"
	"      --encoding E      auto, utf-8 or cp932 (default auto)\n",
	"公開データを設定のプライバシーモデルに照らして検査し、残る再識別リスクを\n"
	"測ります。すべてのクラスがモデルを満たせば終了コード 0、満たさなければ 1。\n"
	"\n"
	"  -c, --config ファイル  検査に使うモデル（と階層）\n"
	"  -k K                   この k の k-匿名性（設定の k を置き換える）\n"
	"      --original ファイル 元のレコード（t-近接性の基準分布。なければ公開データ自身）\n"
	"      --population ファイル 公開データと同じく一般化した母集団\n"
	"      --threshold P      この値を超えるリスクのレコードを数える（既定 0.2）\n"
	"      --json             結果を JSON で出力する\n"
	"      --encoding E       auto, utf-8, cp932（既定 auto）\n",
	check_opts,
	0,
	0,
	0,
};

static int anon_check(struct cli *cli, int argc, char **argv)
{
	struct anon_opts o = ANON_OPTS_INIT;
	struct kb_anon *a = NULL;
	struct kb_anon_check chk;
	struct kb_csv rc, pc;
	int r;

	if ((r = parse_anon(cli, &check_spec, argc, argv, &o)) >= 0)
		return r;
	if (optind + 1 != argc)
		return cli_usage_error(
			cli, "anon check", "%s",
			CLI_T(cli, "give one release file",
			      "公開データのファイルを一つ指定してください"));
	if ((r = load_config(cli, "anon check", &o, &a)))
		return r;
	if (o.original && (r = read_records(cli, a, o.original, o.encoding)))
		goto out;
	if ((r = cli_open_csv(cli, &rc, argv[optind], o.encoding)))
		goto out;
	if (o.population &&
	    (r = cli_open_csv(cli, &pc, o.population, o.encoding))) {
		kb_csv_release(&rc);
		goto out;
	}
	r = kb_anon_check(a, &rc, o.population ? &pc : NULL, o.threshold, &chk,
			  &cli->err);
	kb_csv_release(&rc);
	if (o.population)
		kb_csv_release(&pc);
	if (r) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (o.json) {
		r = cli_print_json(cli, kb_anon_check_json(&chk));
	} else {
		if (chk.failing_classes)
			printf(CLI_T(cli,
				     "NOT satisfied: %zu classes (%zu records) fail, first %s\n",
				     "満たしていません: %zu クラス（%zu 件）が満たさず、最初は %s\n"),
			       chk.failing_classes, chk.failing_records,
			       chk.first_failure);
		else
			printf("%s\n",
			       CLI_T(cli,
				     "satisfied: every class meets the models",
				     "満たしています: すべてのクラスがモデルを満たします"));
		print_check(cli, &chk);
	}
	if (!r && chk.failing_classes)
		r = 1;
out:
	kb_anon_free(a);
	return r;
}

static const struct cli_opt hierarchy_opts[] = {
	CONFIG_OPTIONS,
	CLI_HIDDEN("attribute", 0, CLI_STR, "NAME", AA(attribute)),
	CLI_OPT_END,
};
static const struct cli_spec hierarchy_spec = {
	"anon hierarchy",
	"DATA.csv -c CONFIG.json --attribute NAME",
	"データ.csv -c 設定.json --attribute 列名",
	"Print the hierarchy of a column as the configuration builds it over the\n"
	"data, in the common format (value;level 1;...;most general).\n",
	"設定がデータから作る列の階層を共通形式（値;レベル1;...;最も一般的）で出力します。\n",
	hierarchy_opts,
	0,
	0,
	0,
};

static int anon_hierarchy(struct cli *cli, int argc, char **argv)
{
	struct anon_opts o = ANON_OPTS_INIT;
	struct kb_anon *a = NULL;
	struct kb_buf out = KB_BUF_INIT;
	struct kb_csvw w;
	size_t i, v;
	int r;

	if ((r = parse_anon(cli, &hierarchy_spec, argc, argv, &o)) >= 0)
		return r;
	if (optind + 1 != argc || !o.attribute)
		return cli_usage_error(
			cli, "anon hierarchy", "%s",
			CLI_T(cli, "give one data file and --attribute",
			      "データファイルを一つと --attribute を指定してください"));
	if ((r = load_config(cli, "anon hierarchy", &o, &a)))
		return r;
	if ((r = read_records(cli, a, argv[optind], o.encoding)))
		goto out;
	for (i = 0; i < a->nattr && strcmp(a->attr[i].name, o.attribute); i++)
		;
	if (i == a->nattr || !a->attr[i].hier) {
		fprintf(stderr,
			CLI_T(cli,
			      "%s: error: '%s' is not a column with a hierarchy\n",
			      "%s: エラー: '%s' は階層のある列ではありません\n"),
			cli->prog, o.attribute);
		r = EXIT_NOTFOUND;
		goto out;
	}
	kb_csvw_init(&w, &out, 0);
	w.delim = ';';
	for (v = 0; v < a->attr[i].hier->nlabels[0]; v++) {
		const struct kb_anon_hier *h = a->attr[i].hier;
		unsigned l;
		for (l = 0; l < h->nlevels; l++)
			kb_csvw_field(&w, h->labels[l][h->map[l][v]]);
		kb_csvw_end(&w);
	}
	r = cli_write(cli, &out, "-");
out:
	kb_buf_release(&out);
	kb_anon_free(a);
	return r;
}

int cmd_anon(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "run", anon_run,
		  "anonymize records: the optimal transformation, release, risk",
		  "レコードの匿名化: 最適な変換、公開データ、リスク" },
		{ "check", anon_check,
		  "check a release against privacy models, with its risk",
		  "公開データをプライバシーモデルで検査し、リスクを測る" },
		{ "hierarchy", anon_hierarchy,
		  "print a column's hierarchy as the configuration builds it",
		  "設定が作る列の階層を出力する" },
	};
	return cli_dispatch(cli, "anon", cmds, KB_ARRAY_SIZE(cmds), NULL, argc,
			    argv);
}
