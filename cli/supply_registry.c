/*
 * supply_registry.c - the registry of 'kiban supply': importing its files
 * (one or a generated directory), generating a national data set, the
 * device types (list, show, designate as essential, thresholds), the
 * organisations and the prefectures.
 */
#include "supply.h"

#include "cli_more.h"

static const struct {
	const char *kind, *file;
	kb_import_fn fn;
} kinds[] = {
	{ "devices", "devices.csv", kb_device_import },
	{ "orgs", "orgs.csv", kb_org_import },
	{ "sites", "sites.csv", kb_site_import },
	{ "components", "components.csv", kb_component_import },
	{ "chain", "chain.csv", kb_chain_import },
	{ "production", "production.csv", kb_production_import },
	{ "stock", "stock.csv", kb_stock_import },
};

/* ---- import and load ---- */

static const struct cli_opt import_opts[] = {
	CLI_OPTS_IMPORT(SA(enc), SA(dry_run)),
	CLI_OPT_END,
};
static const struct cli_spec import_spec = {
	"supply import",
	"[OPTION]... KIND FILE",
	"[オプション]... 種類 ファイル",
	"Import a CSV or JSON file of one kind: devices, orgs, sites, components, chain\n"
	"(the supply-chain map, replacing the stored one), production (manufacturers'\n"
	"weekly reports) or stock (hospitals' weekly reports).  Formats:\n"
	"docs/supply-format.md.  All or nothing: a file with any problem changes\n"
	"nothing, and every problem is listed with file:line:column and field.\n"
	"A report id imported again replaces that report; the old lines are kept.\n",
	"CSV または JSON のファイルを種類ごとに取り込みます: devices（機器）, orgs（組織）,\n"
	"sites（拠点）, components（部品・材料）, chain（サプライチェーン。保存済みの\n"
	"ものを置き換えます）, production（製造販売業者等の週次報告）, stock（病院の\n"
	"週次在庫報告）。形式は docs/supply-format.md。全件取り込むか何もしないかの\n"
	"どちらかで、問題はすべて ファイル:行:列 と項目名付きで表示します。\n"
	"同じ報告 ID を再度取り込むと報告を置き換え、旧版は保存されます。\n",
	import_opts,
	19,
	25,
	0,
};

int supply_import(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	struct kb_store *s;
	int r;
	size_t i;

	if ((r = cli_parse(cli, &import_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_operands(cli, &import_spec, argc, 2, "expected KIND and FILE",
			      "種類とファイルを指定してください")))
		return r;
	for (i = 0; i < KB_ARRAY_SIZE(kinds); i++)
		if (!strcmp(argv[optind], kinds[i].kind))
			break;
	if (i == KB_ARRAY_SIZE(kinds))
		return cli_usage_error(
			cli, "supply import",
			CLI_T(cli,
			      "unknown kind '%s' (expected devices, orgs, sites, components, chain, production or stock)",
			      "不明な種類 '%s'（devices, orgs, sites, components, chain, production, stock のいずれか）"),
			argv[optind]);
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = cli_import_file(cli, s, kinds[i].fn, argv[optind + 1], a.enc,
			    a.dry_run);
	kb_store_close(s);
	return r;
}

static const struct cli_spec load_spec = {
	"supply load",
	"[OPTION]... DIR",
	"[オプション]... ディレクトリ",
	"Import the files of a directory written by 'kiban supply generate' (or laid\n"
	"out the same way), in order: devices.csv, orgs.csv, sites.csv,\n"
	"components.csv, chain.csv, production.csv, stock.csv.  Missing files are\n"
	"skipped; the first file with a problem stops the load (each file is all or\n"
	"nothing).\n",
	"'kiban supply generate' が書いたディレクトリ（または同じ構成のもの）の\n"
	"ファイルを順に取り込みます: devices.csv, orgs.csv, sites.csv, components.csv,\n"
	"chain.csv, production.csv, stock.csv。ないファイルは飛ばし、問題のある\n"
	"ファイルがあればそこで止めます（各ファイルは全件か無かのどちらか）。\n",
	NULL,
	0,
	0,
	0,
};

int supply_load(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	struct kb_store *s;
	int r;
	size_t i;

	if ((r = cli_parse(cli, &load_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_operands(cli, &load_spec, argc, 1, "expected one DIR",
			      "ディレクトリを一つ指定してください")) ||
	    (r = cli_open(cli, 0, &s)))
		return r;
	for (i = 0, r = 0; !r && i < KB_ARRAY_SIZE(kinds); i++) {
		struct kb_buf path = KB_BUF_INIT;
		kb_buf_addf(&path, "%s/%s", argv[optind], kinds[i].file);
		if (!access(path.buf, R_OK))
			r = cli_import_file(cli, s, kinds[i].fn, path.buf, NULL,
					    0);
		kb_buf_release(&path);
	}
	kb_store_close(s);
	return r;
}

/* ---- generate ---- */

struct gen_ctx {
	struct kb_out stock, prod;
	struct cli *cli;
	size_t done, total;
};

static int gen_week(void *ctx, int week, const struct kb_buf *stock,
		    const struct kb_buf *prod)
{
	struct gen_ctx *g = ctx;
	/* the header goes once, at the top of each file */
	size_t skip_s = strcspn(stock->buf, "\n") + 1;
	size_t skip_p = strcspn(prod->buf, "\n") + 1;
	(void)week;
	if (kb_out_write(&g->stock, stock->buf + (g->done ? skip_s : 0),
			 stock->len - (g->done ? skip_s : 0)) ||
	    kb_out_write(&g->prod, prod->buf + (g->done ? skip_p : 0),
			 prod->len - (g->done ? skip_p : 0)))
		return KB_EIO;
	g->done++;
	if (!g->cli->quiet && isatty(STDERR_FILENO)) {
		fprintf(stderr, "\r%s %zu/%zu", CLI_T(g->cli, "weeks", "週"),
			g->done, g->total);
		if (g->done == g->total)
			fputc('\n', stderr);
	}
	return 0;
}

enum { G_SEED = OPT_FIRST_OWN, G_HOSPITALS, G_DEVICES, G_SUPPLIERS, G_WEEKS };

static const struct cli_opt gen_opts[] = {
	{ "output", 'o', CLI_STR, "DIR", "ディレクトリ",
	  "directory to write (created if missing)",
	  "書き出し先（なければ作成）", SA(dir) },
	{ "seed", 0, CLI_CALL, "N", NULL, "random seed (default 1)",
	  "乱数の種（既定 1）", G_SEED },
	{ "hospitals", 0, CLI_CALL, "N", NULL,
	  "hospitals (default 8200, Japan's number)",
	  "病院数（既定 8200、全国の数）", G_HOSPITALS },
	{ "devices", 0, CLI_CALL, "N", NULL,
	  "essential device types, at most 50 (default 50)",
	  "必要不可欠な機器の種類、50 まで（既定 50）", G_DEVICES },
	{ "suppliers", 0, CLI_CALL, "N", NULL,
	  "component and material suppliers (default 500)",
	  "部品・材料の供給者数（既定 500）", G_SUPPLIERS },
	{ "weeks", 0, CLI_CALL, "N", NULL, "weeks of reports (default 104)",
	  "報告の週数（既定 104）", G_WEEKS },
	{ "last-week", 0, CLI_WEEK, "W", NULL,
	  "the last week reported (default: last week)",
	  "最後の報告週（既定: 先週）", SA(week) },
	{ "no-disruptions", 0, CLI_FLAG, NULL, NULL, "inject none",
	  "供給途絶を注入しない", SA(no_disruptions) },
	CLI_OPT_END,
};
static const struct cli_spec gen_spec = {
	"supply generate",
	"[OPTION]... -o DIR",
	"[オプション]... -o ディレクトリ",
	"Write a deterministic data set (docs/supply-data.md) into DIR: devices.csv,\n"
	"orgs.csv, sites.csv, components.csv, chain.csv, production.csv, stock.csv and\n"
	"truth.csv (the injected disruptions and the week each shortage began).\n"
	"No database is needed; load the result with 'kiban supply load DIR'.\n",
	"決定的な生成データ（docs/supply-data.md）をディレクトリに書きます: devices.csv,\n"
	"orgs.csv, sites.csv, components.csv, chain.csv, production.csv, stock.csv と\n"
	"truth.csv（注入した供給途絶と、欠品が始まった週）。データベースは不要です。\n"
	"'kiban supply load ディレクトリ' で取り込めます。\n",
	gen_opts,
	23,
	23,
	0,
};

static int write_file(struct cli *cli, const char *dir, const char *name,
		      const struct kb_buf *b)
{
	struct kb_buf path = KB_BUF_INIT;
	int r;
	kb_buf_addf(&path, "%s/%s", dir, name);
	r = cli_write(cli, b, path.buf);
	kb_buf_release(&path);
	return r;
}

int supply_generate(struct cli *cli, int argc, char **argv)
{
	struct kb_gen_opts o = { 1, 8200, 50, 500, 104, -1, 1 };
	struct kb_gen_out out;
	struct gen_ctx g = { .cli = cli };
	struct sargs a = SARGS_INIT;
	const char *dir, *cmd = "supply generate";
	struct kb_buf path = KB_BUF_INIT;
	size_t v;
	int r;

	while ((r = cli_parse(cli, &gen_spec, argc, argv, &a)) >= OPT_FIRST_OWN)
		switch (r) {
		case G_SEED:
			if (cli_size(cli, &gen_spec, optarg, 0, (size_t)-1, &v))
				return EXIT_USAGE;
			o.seed = v;
			break;
		case G_HOSPITALS:
			if (cli_size(cli, &gen_spec, optarg, 1, 100000,
				     &o.hospitals))
				return EXIT_USAGE;
			break;
		case G_DEVICES:
			if (cli_size(cli, &gen_spec, optarg, 1, 50, &o.devices))
				return EXIT_USAGE;
			break;
		case G_SUPPLIERS:
			if (cli_size(cli, &gen_spec, optarg, 10, 10000,
				     &o.suppliers))
				return EXIT_USAGE;
			break;
		case G_WEEKS:
			if (cli_size(cli, &gen_spec, optarg, 1, 520, &o.weeks))
				return EXIT_USAGE;
			break;
		}
	if (r >= 0)
		return r;
	dir = a.dir;
	o.last_week = a.week;
	if (a.no_disruptions)
		o.disruptions = 0;
	if (!dir || optind != argc)
		return cli_usage_error(
			cli, cmd, "%s",
			CLI_T(cli, "expected -o DIR and no other argument",
			      "-o ディレクトリ を指定してください（他の引数は不要です）"));
	if (o.last_week < 0)
		o.last_week = kb_week_of_time(cli->now) - 7;
	if (mkdir(dir, 0777) && errno != EEXIST) {
		kb_err_set(&cli->err, KB_EIO,
			   CLI_T(cli, "cannot create directory '%s': %s",
				 "ディレクトリ '%s' を作れません: %s"),
			   dir, strerror(errno));
		return cli_fail(cli, KB_EIO);
	}
	kb_buf_addf(&path, "%s/stock.csv", dir);
	r = kb_out_open(&g.stock, path.buf);
	kb_buf_reset(&path);
	kb_buf_addf(&path, "%s/production.csv", dir);
	if (!r && (r = kb_out_open(&g.prod, path.buf))) {
		int saved = errno;
		kb_out_close(&g.stock, 0);
		errno = saved;
	}
	kb_buf_release(&path);
	g.total = o.weeks;
	if (r) {
		kb_err_set(&cli->err, KB_EIO,
			   CLI_T(cli, "cannot write in '%s': %s",
				 "'%s' に書き込めません: %s"),
			   dir, strerror(errno));
		return cli_fail(cli, KB_EIO);
	}
	r = kb_supply_generate(&o, &out, gen_week, &g, &cli->err);
	if (kb_out_close(&g.stock, !r) && !r)
		r = kb_err_set(&cli->err, KB_EIO, "%s: %s", dir, strerror(errno));
	if (kb_out_close(&g.prod, !r) && !r)
		r = kb_err_set(&cli->err, KB_EIO, "%s: %s", dir, strerror(errno));
	if (r)
		return cli_fail(cli, r);
	r = write_file(cli, dir, "devices.csv", &out.devices);
	r = r ? r : write_file(cli, dir, "orgs.csv", &out.orgs);
	r = r ? r : write_file(cli, dir, "sites.csv", &out.sites);
	r = r ? r : write_file(cli, dir, "components.csv", &out.components);
	r = r ? r : write_file(cli, dir, "chain.csv", &out.chain);
	r = r ? r : write_file(cli, dir, "truth.csv", &out.truth);
	kb_gen_out_release(&out);
	if (!r && !cli->quiet)
		printf(CLI_T(cli,
			     "%s: %zu hospitals, %zu device types, %zu weeks (seed %llu)\n",
			     "%s: 病院 %zu、機器 %zu 種類、%zu 週（乱数の種 %llu）\n"),
		       dir, o.hospitals, o.devices, o.weeks, o.seed);
	return r;
}

/* ---- devices, designation, thresholds ---- */

static const struct cli_opt devices_opts[] = {
	{ "essential", 0, CLI_FLAG, NULL, NULL,
	  "only the devices designated as essential",
	  "必要不可欠として指定された機器のみ", SA(essential) },
	CLI_OPT_JSON(SA(f)),
	{ "csv", 0, CLI_FLAG, NULL, NULL, "in the import format; --bom for Excel",
	  "取り込み形式で出力。Excel 向けは --bom", SA(f.csv) },
	{ "bom", 0, CLI_FLAG | CLI_HIDE, NULL, NULL, NULL, NULL, SA(f.bom) },
	CLI_OPT_END,
};
static const struct cli_spec devices_spec = {
	"supply devices",
	"[OPTION]...",
	"[オプション]...",
	"List the device types: code, name, class, use, essential, score and the\n"
	"thresholds of monitoring.\n",
	"機器の種類を一覧します: コード、名称、クラス、使用区分、必要不可欠か、点数、\n"
	"監視の閾値。\n",
	devices_opts,
	17,
	17,
	0,
};

static const char *const roman[] = { "", "I", "II", "III", "IV" };

/* The table's columns and the import format's, interleaved. */
static const struct cli_col device_cols[] = {
	{ "code", "Code", "コード", CLI_TEXT, CLI_ALL, 0, NULL },
	{ NULL, "Device", "機器", CLI_TEXT, CLI_TAB, 36, NULL },
	{ "name_ja", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "name_en", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "class", "Class", "クラス", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "category", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Use", "使用区分", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "use", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "unit_ja", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "unit_en", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Essential", "必要不可欠", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "essential", NULL, NULL, CLI_BOOL, CLI_DATA, 0, NULL },
	{ "criteria", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "reasons", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "designation_reason", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "under_days", NULL, NULL, CLI_REAL, CLI_DATA, 0, NULL },
	{ "over_days", NULL, NULL, CLI_REAL, CLI_DATA, 0, NULL },
	{ "alert_days", NULL, NULL, CLI_REAL, CLI_DATA, 0, NULL },
	{ "critical_days", NULL, NULL, CLI_REAL, CLI_DATA, 0, NULL },
	{ "jump_ratio", NULL, NULL, CLI_REAL, CLI_DATA, 0, NULL },
	{ "drop_ratio", NULL, NULL, CLI_REAL, CLI_DATA, 0, NULL },
	{ NULL, "Score", "点数", CLI_INT, CLI_TAB, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

static int device_row(struct cli_row *r, size_t i, void *ctx)
{
	struct sctx *x = ctx;
	struct cli *cli = x->cli;
	const struct kb_device *d = &x->sup.devices[i];
	if (x->a.essential && !d->essential)
		return 0;
	cli_str(r, d->code);
	cli_str(r, NAME(cli, d));
	cli_str(r, d->name_ja);
	cli_str(r, d->name_en);
	cli_str(r, roman[d->klass]);
	cli_str(r, d->category);
	cli_str(r, d->reusable ? CLI_T(cli, "reusable", "再使用")
			       : CLI_T(cli, "disposable", "単回使用"));
	cli_str(r, d->reusable ? "reusable" : "disposable");
	cli_str(r, d->unit_ja);
	cli_str(r, d->unit_en);
	cli_str(r, d->essential ? CLI_T(cli, "yes", "○") : "");
	cli_bool(r, d->essential);
	cli_str(r, d->criteria);
	cli_str(r, d->reasons);
	cli_str(r, "");
	cli_num(r, d->under_days);
	cli_num(r, d->over_days);
	cli_num(r, d->alert_days);
	cli_num(r, d->critical_days);
	cli_num(r, d->jump_ratio);
	cli_num(r, d->drop_ratio);
	cli_int(r, d->score);
	return 1;
}

static json_t *device_json(size_t i, void *ctx)
{
	return kb_device_to_json(&((struct sctx *)ctx)->sup.devices[i]);
}

int supply_devices(struct cli *cli, int argc, char **argv)
{
	struct sctx x = SCTX_INIT(cli);
	struct cli_list l = { device_cols, 0,  device_row, device_json,
			      NULL,	   &x, 0,	   0 };
	int r;

	if ((r = cli_parse(cli, &devices_spec, argc, argv, &x.a)) >= 0 ||
	    (r = sctx_open(&x, KB_STORE_READONLY, 0)))
		return r;
	l.n = x.sup.ndevices;
	r = cli_list(cli, &x.a.f, &l);
	sctx_close(&x);
	return r;
}

static const struct cli_opt device_opts[] = {
	CLI_OPT_JSON(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec device_spec = {
	"supply device",
	"[OPTION]... CODE",
	"[オプション]... コード",
	"Show a device type: its criteria and score, thresholds, designation history\n"
	"and the risks of its supply chain.\n",
	"機器の種類を表示します: 該当基準と点数、閾値、指定の履歴、サプライチェーンの\n"
	"リスク。\n",
	device_opts,
	17,
	17,
	0,
};

int supply_device(struct cli *cli, int argc, char **argv)
{
	struct sctx x = SCTX_INIT(cli);
	struct kb_chain ch;
	struct kb_chain_risk k;
	struct kb_designation *hist = NULL;
	size_t nhist = 0, d, i, item;
	int r;

	if ((r = parse_code(cli, &device_spec, argc, argv, &x.a)) >= 0 ||
	    (r = sctx_open(&x, KB_STORE_READONLY, 0)))
		return r;
	memset(&ch, 0, sizeof(ch));
	memset(&k, 0, sizeof(k));
	if ((r = device_arg(cli, &x.sup, argv[optind], &d)))
		goto out;
	if ((r = kb_chain_load(x.s, &x.sup, &ch, &cli->err)) ||
	    (r = kb_device_history(x.s, argv[optind], &hist, &nhist, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	item = kb_chain_item(&ch, argv[optind]);
	if (item != KB_NONE)
		kb_chain_risk(&ch, &x.sup, item, &k);
	if (x.a.f.json) {
		json_t *j = kb_device_to_json(&x.sup.devices[d]),
		       *a = json_array();
		for (i = 0; i < nhist; i++)
			json_array_append_new(
				a, json_pack("{s:b, s:s, s:s, s:s}",
					     "essential", hist[i].essential,
					     "at", hist[i].at, "by", hist[i].by,
					     "reason", hist[i].reason));
		json_object_set_new(j, "designations", a);
		json_object_set_new(j, "chain",
				    item != KB_NONE
					    ? kb_chain_risk_to_json(&ch, &k)
					    : json_null());
		r = cli_print_json(cli, j);
	} else {
		const struct kb_device *dv = &x.sup.devices[d];
		const char *p = dv->criteria;
		printf("%s  %s\n", dv->code, NAME(cli, dv));
		printf(CLI_T(cli, "  class %s, %s, %s; unit: %s\n",
			     "  クラス %s、%s、%s。単位: %s\n"),
		       roman[dv->klass], dv->category,
		       dv->reusable ? CLI_T(cli, "reusable", "再使用")
				    : CLI_T(cli, "disposable", "単回使用"),
		       name_of(cli, dv->unit_ja, dv->unit_en));
		printf(CLI_T(cli, "  essential: %s (score %d)\n",
			     "  必要不可欠: %s（点数 %d）\n"),
		       dv->essential ? CLI_T(cli, "yes", "はい")
				     : CLI_T(cli, "no", "いいえ"),
		       dv->score);
		while (*p) {
			size_t n = strcspn(p, ";");
			for (i = 0; i < kb_ncriteria; i++)
				if (strlen(kb_criteria[i].key) == n &&
				    !strncmp(p, kb_criteria[i].key, n))
					printf("    - %s (+%d)\n",
					       NAME(cli, &kb_criteria[i]),
					       kb_criteria[i].weight);
			p += n + (p[n] == ';');
		}
		if (*dv->reasons)
			printf(CLI_T(cli, "  reasons: %s\n", "  理由: %s\n"),
			       dv->reasons);
		printf(CLI_T(cli,
			     "  thresholds: under %g days, over %g days, alert under %g days, critical under %g days, demand jump x%g, supply drop under %g%%\n",
			     "  閾値: 不足 %g 日未満、過剰 %g 日超、警報 %g 日未満、重大 %g 日未満、需要急増 %g 倍、供給減少 %g%% 未満\n"),
		       dv->under_days, dv->over_days, dv->alert_days,
		       dv->critical_days, dv->jump_ratio, dv->drop_ratio * 100);
		printf("%s\n",
		       CLI_T(cli, "  designation history:", "  指定の履歴:"));
		for (i = 0; i < nhist; i++) {
			char when[64];
			kb_time_label(hist[i].at, cli->lang, 0, when,
				      sizeof(when));
			printf("    %s  %s  %s: %s\n", when, hist[i].by,
			       hist[i].essential
				       ? CLI_T(cli, "designated", "指定")
				       : CLI_T(cli, "withdrawn", "取消"),
			       hist[i].reason);
		}
		if (item != KB_NONE)
			printf(CLI_T(cli,
				     "  supply chain: %zu sources from %zu suppliers (HHI %.0f); %zu inputs with a single supplier; most exposed to %s (%.0f%% of supply); import dependence %.0f%%\n",
				     "  サプライチェーン: 製造拠点 %zu（供給者 %zu、HHI %.0f）。供給者が一社だけの部材 %zu。最も依存する国 %s（供給の %.0f%%）。輸入依存 %.0f%%\n"),
			       k.nsources, k.nsuppliers, k.hhi, k.single_source,
			       k.top_country ? k.top_country : "-",
			       k.top_country_loss * 100,
			       k.import_dependence * 100);
		else
			printf("%s\n", CLI_T(cli, "  supply chain: not mapped",
					     "  サプライチェーン: 未登録"));
	}
out:
	free(k.top_country);
	kb_designations_free(hist, nhist);
	kb_chain_release(&ch);
	sctx_close(&x);
	return r;
}

static const struct cli_opt designate_opts[] = {
	{ "reason", 0, CLI_STR, "TEXT", "理由", "why (required)",
	  "理由（必須）", SA(reason) },
	{ "criteria", 0, CLI_STR, "LIST", "基準",
	  "the criteria, separated by ';': life_sustaining,\n"
	  "no_substitute, emergency, infection, high_volume,\n"
	  "few_suppliers",
	  "該当基準を ';' 区切りで: life_sustaining（生命維持）,\n"
	  "no_substitute（代替品なし）, emergency（救急）, infection\n"
	  "（感染症）, high_volume（使用量）, few_suppliers（供給元）",
	  SA(criteria) },
	{ "withdraw", 0, CLI_FLAG, NULL, NULL, "withdraw the designation",
	  "指定を取り消す", SA(withdraw) },
	CLI_OPT_END,
};
static const struct cli_spec designate_spec = {
	"supply designate",
	"[OPTION]... CODE",
	"[オプション]... コード",
	"Designate a device type as medically essential (or withdraw it with\n"
	"--withdraw).  The change is kept in the device's designation history with\n"
	"who, when and why.\n",
	"機器の種類を医療上必要不可欠として指定します（--withdraw で取消）。変更は\n"
	"誰が・いつ・なぜとともに指定の履歴に残ります。\n",
	designate_opts,
	21,
	21,
	0,
};

int supply_designate(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	struct kb_store *s;
	int r;

	if ((r = parse_code(cli, &designate_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_open(cli, 0, &s)))
		return r;
	r = kb_device_designate(s, argv[optind], !a.withdraw, a.criteria,
				a.reason, cli->user, cli->now, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(a.withdraw ? CLI_T(cli, "%s: designation withdrawn\n",
					  "%s: 指定を取り消しました\n")
				  : CLI_T(cli, "%s: designated as essential\n",
					  "%s: 必要不可欠として指定しました\n"),
		       argv[optind]);
	return 0;
}

static const struct cli_opt thresholds_opts[] = {
	{ "under", 0, CLI_NUM, "DAYS", "日数",
	  "days of supply under which the stock is 'under'",
	  "在庫日数がこれ未満で「不足」", SA(th[0]) },
	{ "over", 0, CLI_NUM, "DAYS", "日数",
	  "days of supply over which it is 'over'",
	  "在庫日数がこれを超えると「過剰」", SA(th[1]) },
	{ "alert", 0, CLI_NUM, "DAYS", "日数",
	  "alert (warning) under this many days of supply",
	  "在庫日数がこれ未満で警報（警告）", SA(th[2]) },
	{ "critical", 0, CLI_NUM, "DAYS", "日数",
	  "critical alert under this many days",
	  "在庫日数がこれ未満で重大な警報", SA(th[3]) },
	{ "jump", 0, CLI_NUM, "RATIO", "倍率",
	  "alert when demand reaches RATIO times its trend",
	  "需要が傾向のこの倍率に達すると警報", SA(th[4]) },
	{ "drop", 0, CLI_NUM, "RATIO", "比",
	  "alert when national supply falls under RATIO of its trend",
	  "全国の供給が傾向のこの比を下回ると警報", SA(th[5]) },
	CLI_OPT_END,
};
static const struct cli_spec thresholds_spec = {
	"supply thresholds",
	"[OPTION]... CODE",
	"[オプション]... コード",
	"Set the monitoring thresholds of a device type; those not given stay.\n",
	"機器の種類ごとの監視の閾値を設定します。指定しないものは変わりません。\n",
	thresholds_opts,
	19,
	19,
	0,
};

int supply_thresholds(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	struct kb_store *s;
	int r;

	if ((r = parse_code(cli, &thresholds_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_open(cli, 0, &s)))
		return r;
	r = kb_device_thresholds(s, argv[optind], a.th, cli->user, cli->now,
				 &cli->err);
	kb_store_close(s);
	return r ? cli_fail(cli, r) : 0;
}

/* ---- organisations and prefectures ---- */

static const struct cli_opt orgs_opts[] = {
	{ "kind", 0, CLI_STR, "KIND", "種別",
	  "hospital, mah, manufacturer, distributor or supplier",
	  "hospital, mah, manufacturer, distributor, supplier", SA(kind) },
	{ "pref", 0, CLI_STR, "P", "都道府県", "in prefecture P (code or name)",
	  "その都道府県のもの（コードか名前）", SA(pref) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec orgs_spec = {
	"supply orgs",
	"[OPTION]...",
	"[オプション]...",
	"List the organisations: hospitals, marketing-authorisation holders,\n"
	"manufacturers, distributors and suppliers.\n",
	"組織を一覧します: 病院、製造販売業者、製造業者、販売業者、部材供給者。\n",
	orgs_opts,
	18,
	18,
	0,
};

static const struct cli_col org_cols[] = {
	{ "id", "ID", "ID", CLI_TEXT, CLI_ALL, 0, NULL },
	{ NULL, "Kind", "種別", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "kind", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Name", "名称", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "name_ja", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "name_en", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Prefecture", "都道府県", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "prefecture", NULL, NULL, CLI_CODE, CLI_DATA, 0, NULL },
	{ NULL, "Beds", "病床", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "beds", NULL, NULL, CLI_INT, CLI_DATA, 0, NULL },
	{ "icu_beds", NULL, NULL, CLI_INT, CLI_DATA, 0, NULL },
	{ "country", "Country", "国", CLI_TEXT, CLI_ALL, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

static int org_row(struct cli_row *r, size_t i, void *ctx)
{
	struct sctx *x = ctx;
	struct cli *cli = x->cli;
	const struct kb_org *o = &x->sup.orgs[i];
	if ((x->a.kind && strcmp(x->a.kind, kb_org_kind_key(o->kind))) ||
	    (x->pref && o->pref != x->pref))
		return 0;
	cli_str(r, o->id);
	cli_str(r, kb_org_kind_name(o->kind, cli->lang));
	cli_str(r, kb_org_kind_key(o->kind));
	cli_str(r, NAME(cli, o));
	cli_str(r, o->name_ja);
	cli_str(r, o->name_en);
	cli_str(r, o->pref ? NAME(cli, &x->sup.prefs[o->pref - 1]) : "");
	cli_int(r, o->pref);
	if (o->kind == KB_ORG_HOSPITAL)
		cli_strf(r, "%d", o->beds);
	else
		cli_str(r, "");
	cli_int(r, o->beds);
	cli_int(r, o->icu_beds);
	cli_str(r, o->country);
	return 1;
}

int supply_orgs(struct cli *cli, int argc, char **argv)
{
	struct sctx x = SCTX_INIT(cli);
	struct cli_list l = { org_cols, 0, org_row, NULL, NULL, &x, 0, 0 };
	int r;

	if ((r = cli_parse(cli, &orgs_spec, argc, argv, &x.a)) >= 0 ||
	    (r = sctx_open(&x, KB_STORE_READONLY, SX_PREF)))
		return r;
	l.n = x.sup.norgs;
	r = cli_list(cli, &x.a.f, &l);
	sctx_close(&x);
	return r;
}

static const struct cli_opt prefs_opts[] = {
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec prefs_spec = {
	"supply prefectures",
	"[OPTION]...",
	"[オプション]...",
	"List the 47 prefectures (JIS X 0401 codes, 2020 census population) with the\n"
	"hospitals and beds registered in each.\n",
	"47 都道府県（JIS X 0401 のコード、令和2年国勢調査の人口）と、それぞれに\n"
	"登録された病院数・病床数を一覧します。\n",
	prefs_opts,
	18,
	18,
	0,
};

static const struct cli_col pref_cols[] = {
	{ "code", "Code", "コード", CLI_CODE, CLI_ALL, 0, NULL },
	{ NULL, "Prefecture", "都道府県", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "name_ja", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "name_en", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "population", "Population", "人口", CLI_INT, CLI_TAB | CLI_JSON, 0,
	  NULL },
	{ "population_2020", NULL, NULL, CLI_INT, CLI_CSV, 0, NULL },
	{ "hospitals", "Hospitals", "病院", CLI_INT, CLI_ALL, 0, NULL },
	{ "beds", "Beds", "病床", CLI_INT, CLI_ALL, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct prefs_ctx {
	struct sctx x;
	long hosp[KB_NPREF + 1], beds[KB_NPREF + 1];
};

static int pref_row(struct cli_row *r, size_t i, void *ctx)
{
	struct prefs_ctx *pc = ctx;
	const struct kb_pref *p = &pc->x.sup.prefs[i];
	cli_int(r, (long long)i + 1);
	cli_str(r, NAME(pc->x.cli, p));
	cli_str(r, p->name_ja);
	cli_str(r, p->name_en);
	cli_int(r, p->population);
	cli_int(r, p->population);
	cli_int(r, pc->hosp[i + 1]);
	cli_int(r, pc->beds[i + 1]);
	return 1;
}

int supply_prefectures(struct cli *cli, int argc, char **argv)
{
	struct prefs_ctx pc = { .x = SCTX_INIT(cli) };
	struct cli_list l = { pref_cols, KB_NPREF, pref_row, NULL,
			      NULL,	 &pc,	   0,	     0 };
	const struct kb_org *o;
	int r;

	if ((r = cli_parse(cli, &prefs_spec, argc, argv, &pc.x.a)) >= 0 ||
	    (r = sctx_open(&pc.x, KB_STORE_READONLY, 0)))
		return r;
	for (o = pc.x.sup.orgs; o < pc.x.sup.orgs + pc.x.sup.norgs; o++)
		if (o->kind == KB_ORG_HOSPITAL) {
			pc.hosp[o->pref]++;
			pc.beds[o->pref] += o->beds;
		}
	r = cli_list(cli, &pc.x.a.f, &l);
	sctx_close(&pc.x);
	return r;
}
