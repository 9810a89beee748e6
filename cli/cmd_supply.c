/*
 * cmd_supply.c - 'kiban supply': the registry of essential devices and
 * organisations, the supply-chain map and its risks, weekly reports,
 * monitoring, alerts, the council's incidents and the figures for the
 * plan's KPIs; and the generator of national data.
 */
#include "cli.h"

#include "kiban/kpi.h"
#include "kiban/supply.h"

enum {
	OPT_ENCODING = OPT_FIRST_OWN,
	OPT_DRY_RUN,
	OPT_ESSENTIAL,
	OPT_REASON,
	OPT_CRITERIA,
	OPT_WITHDRAW,
	OPT_UNDER,
	OPT_OVER,
	OPT_ALERT,
	OPT_CRITICAL,
	OPT_JUMP,
	OPT_DROP,
	OPT_KIND,
	OPT_PREF,
	OPT_SITE,
	OPT_SUPPLIER,
	OPT_COUNTRY,
	OPT_REGION,
	OPT_WEEK,
	OPT_FROM,
	OPT_BY,
	OPT_COMPLETENESS,
	OPT_SET_THRESHOLD,
	OPT_DEVICE,
	OPT_FACILITY,
	OPT_LIMIT,
	OPT_SEVERITY,
	OPT_ORG,
	OPT_LATE,
	OPT_SEED,
	OPT_HOSPITALS,
	OPT_DEVICES,
	OPT_SUPPLIERS,
	OPT_WEEKS,
	OPT_LAST_WEEK,
	OPT_NO_DISRUPTIONS,
	OPT_TITLE,
	OPT_CAUSE,
	OPT_REPORTED_BY,
	OPT_NOTE,
	OPT_STATE,
	OPT_EVIDENCE,
	OPT_YEAR,
	OPT_RECORD,
};

/* The arguments of the supply commands: one struct for them all, filled
 * by cli_parse() from each command's option table (SA: where a value
 * goes). */
struct sargs {
	struct cli_format f;
	const char *enc, *kind, *org, *pref, *device;
	int dry_run, essential, late, week;
};
#define SA(field) CLI_AT(struct sargs, field)
#define SARGS_INIT         \
	{                  \
		.week = -1 \
	}

/* Opens the store and loads the registry; on failure, the exit status. */
static int open_registry(struct cli *cli, int flags, struct kb_store **s,
			 struct kb_supply *sup)
{
	int r;
	if ((r = cli_open(cli, flags, s)))
		return r;
	if ((r = kb_supply_load(*s, sup, &cli->err))) {
		kb_store_close(*s);
		*s = NULL;
		return cli_fail(cli, r);
	}
	return 0;
}

static const char *name_of(struct cli *cli, const char *ja, const char *en)
{
	return cli->lang == KB_LANG_JA ? ja : en;
}

/* The name of a device, organisation, prefecture in the user's language. */
#define NAME(cli, x) name_of(cli, (x)->name_ja, (x)->name_en)

/* What a supply command has open: the store, the registry, its arguments. */
struct sctx {
	struct cli *cli;
	struct kb_store *s;
	struct kb_supply sup;
	struct sargs a;
};
#define SCTX_INIT(c)                        \
	{                                   \
		.cli = (c), .a = SARGS_INIT \
	}

static int sctx_open(struct sctx *x, int flags)
{
	return open_registry(x->cli, flags, &x->s, &x->sup);
}

static void sctx_close(struct sctx *x)
{
	kb_supply_release(&x->sup);
	kb_store_close(x->s);
}

static int week_arg(struct cli *cli, const char *cmd, const char *s, int *w)
{
	if (kb_week_parse(s, w))
		return cli_usage_error(
			cli, cmd,
			CLI_T(cli,
			      "'%s' is not a week (expected a date such as 2026-11-16, or 2026-W47)",
			      "'%s' は週ではありません（2026-11-16 のような日付か 2026-W47）"),
			s);
	return 0;
}

static int device_arg(struct cli *cli, const struct kb_supply *sup,
		      const char *code, size_t *d)
{
	if ((*d = kb_supply_device(sup, code)) != KB_NONE)
		return 0;
	kb_err_set(
		&cli->err, KB_ENOTFOUND,
		CLI_T(cli,
		      "no device with code '%s' ('kiban supply devices' lists them)",
		      "コード '%s' の機器はありません（'kiban supply devices' で一覧できます）"),
		code);
	return cli_fail(cli, KB_ENOTFOUND);
}

static int pref_arg(struct cli *cli, const struct kb_supply *sup, const char *s,
		    int *p)
{
	if ((*p = kb_supply_pref(sup, s)))
		return 0;
	kb_err_set(
		&cli->err, KB_ENOTFOUND,
		CLI_T(cli,
		      "'%s' is not a prefecture (expected a code 01-47 or a name such as 東京都 or Tokyo)",
		      "'%s' は都道府県ではありません（01〜47 のコードか 東京都・Tokyo のような名前）"),
		s);
	return cli_fail(cli, KB_ENOTFOUND);
}

/* A prefecture, or the nation: 0, national, 全国 (*p = 0). */
static int region_arg(struct cli *cli, const struct kb_supply *sup,
		      const char *s, int *p)
{
	if (!strcmp(s, "0") || !strcasecmp(s, "national") || !strcmp(s, "全国")) {
		*p = 0;
		return 0;
	}
	return pref_arg(cli, sup, s, p);
}

/* A severity from lowest up (info or warning), into *sev. */
static int severity_arg(struct cli *cli, const char *cmd, const char *s,
			int lowest, int *sev)
{
	for (*sev = lowest; *sev <= KB_SEV_CRITICAL; (*sev)++)
		if (!strcmp(s, kb_severity_key(*sev)))
			return 0;
	return cli_usage_error(
		cli, cmd,
		lowest == KB_SEV_INFO
			? CLI_T(cli,
				"'%s' is not a severity (expected info, warning or critical)",
				"'%s' は重大度ではありません（info, warning, critical）")
			: CLI_T(cli,
				"'%s' is not a severity (expected warning or critical)",
				"'%s' は重大度ではありません（warning, critical）"),
		s);
}

/* ---- import and load ---- */

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

static const struct cli_opt import_opts[] = {
	{ "encoding", 0, CLI_STR, "ENC", "文字コード",
	  "auto (default), utf-8 or cp932 (Shift_JIS from Excel)",
	  "auto（既定）, utf-8, cp932（Excel の Shift_JIS）", SA(enc) },
	{ "dry-run", 0, CLI_FLAG, NULL, NULL, "check only", "検査のみ行う",
	  SA(dry_run) },
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

static int supply_import(struct cli *cli, int argc, char **argv)
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

static const char load_en[] =
	"Usage: kiban supply load [OPTION]... DIR\n"
	"Import the files of a directory written by 'kiban supply generate' (or laid\n"
	"out the same way), in order: devices.csv, orgs.csv, sites.csv,\n"
	"components.csv, chain.csv, production.csv, stock.csv.  Missing files are\n"
	"skipped; the first file with a problem stops the load (each file is all or\n"
	"nothing).\n";
static const char load_ja[] =
	"使い方: kiban supply load [オプション]... ディレクトリ\n"
	"'kiban supply generate' が書いたディレクトリ（または同じ構成のもの）の\n"
	"ファイルを順に取り込みます: devices.csv, orgs.csv, sites.csv, components.csv,\n"
	"chain.csv, production.csv, stock.csv。ないファイルは飛ばし、問題のある\n"
	"ファイルがあればそこで止めます（各ファイルは全件か無かのどちらか）。\n";

static int supply_load(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kb_store *s;
	int c, r = 0;
	size_t i;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(cli, c, "supply load", argv, load_en,
				    load_ja)) >= 0)
			return r;
	if (optind + 1 != argc)
		return cli_usage_error(
			cli, "supply load", "%s",
			CLI_T(cli, "expected one DIR",
			      "ディレクトリを一つ指定してください"));
	if ((r = cli_open(cli, 0, &s)))
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

static const char gen_en[] =
	"Usage: kiban supply generate [OPTION]... -o DIR\n"
	"Write a deterministic data set (docs/supply-data.md) into DIR: devices.csv,\n"
	"orgs.csv, sites.csv, components.csv, chain.csv, production.csv, stock.csv and\n"
	"truth.csv (the injected disruptions and the week each shortage began).\n"
	"No database is needed; load the result with 'kiban supply load DIR'.\n\n"
	"  -o, --output DIR     directory to write (created if missing)\n"
	"  --seed N             random seed (default 1)\n"
	"  --hospitals N        hospitals (default 8200, Japan's number)\n"
	"  --devices N          essential device types, at most 50 (default 50)\n"
	"  --suppliers N        component and material suppliers (default 500)\n"
	"  --weeks N            weeks of reports (default 104)\n"
	"  --last-week W        the last week reported (default: last week)\n"
	"  --no-disruptions     inject none\n";
static const char gen_ja[] =
	"使い方: kiban supply generate [オプション]... -o ディレクトリ\n"
	"決定的な生成データ（docs/supply-data.md）をディレクトリに書きます: devices.csv,\n"
	"orgs.csv, sites.csv, components.csv, chain.csv, production.csv, stock.csv と\n"
	"truth.csv（注入した供給途絶と、欠品が始まった週）。データベースは不要です。\n"
	"'kiban supply load ディレクトリ' で取り込めます。\n\n"
	"  -o, --output ディレクトリ  書き出し先（なければ作成）\n"
	"  --seed N             乱数の種（既定 1）\n"
	"  --hospitals N        病院数（既定 8200、全国の数）\n"
	"  --devices N          必要不可欠な機器の種類、50 まで（既定 50）\n"
	"  --suppliers N        部品・材料の供給者数（既定 500）\n"
	"  --weeks N            報告の週数（既定 104）\n"
	"  --last-week W        最後の報告週（既定: 先週）\n"
	"  --no-disruptions     供給途絶を注入しない\n";

static int size_arg(struct cli *cli, const char *cmd, const char *s, size_t lo,
		    size_t hi, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	*out = lo; /* set on every path: read only on success */
	if (*s == '-' || *end || v < lo || v > hi)
		return cli_usage_error(
			cli, cmd,
			CLI_T(cli, "'%s' is not a number from %zu to %zu",
			      "'%s' は %zu〜%zu の数ではありません"),
			s, lo, hi);
	*out = (size_t)v;
	return 0;
}

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

static int supply_generate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "hospitals", required_argument, NULL, OPT_HOSPITALS },
		{ "devices", required_argument, NULL, OPT_DEVICES },
		{ "suppliers", required_argument, NULL, OPT_SUPPLIERS },
		{ "weeks", required_argument, NULL, OPT_WEEKS },
		{ "last-week", required_argument, NULL, OPT_LAST_WEEK },
		{ "no-disruptions", no_argument, NULL, OPT_NO_DISRUPTIONS },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_gen_opts o = { 1, 8200, 50, 500, 104, -1, 1 };
	struct kb_gen_out out;
	struct gen_ctx g = { .cli = cli };
	const char *dir = NULL, *cmd = "supply generate";
	struct kb_buf path = KB_BUF_INIT;
	size_t v;
	int c, r;

	while ((c = getopt_long(argc, argv, "hqo:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case OPT_SEED:
			if ((r = size_arg(cli, cmd, optarg, 0, (size_t)-1, &v)))
				return r;
			o.seed = v;
			break;
		case OPT_HOSPITALS:
			if ((r = size_arg(cli, cmd, optarg, 1, 100000,
					  &o.hospitals)))
				return r;
			break;
		case OPT_DEVICES:
			if ((r = size_arg(cli, cmd, optarg, 1, 50, &o.devices)))
				return r;
			break;
		case OPT_SUPPLIERS:
			if ((r = size_arg(cli, cmd, optarg, 10, 10000,
					  &o.suppliers)))
				return r;
			break;
		case OPT_WEEKS:
			if ((r = size_arg(cli, cmd, optarg, 1, 520, &o.weeks)))
				return r;
			break;
		case OPT_LAST_WEEK:
			if ((r = week_arg(cli, cmd, optarg, &o.last_week)))
				return r;
			break;
		case OPT_NO_DISRUPTIONS: o.disruptions = 0; break;
		default:
			if ((r = cli_option(cli, c, cmd, argv, gen_en, gen_ja)) >=
			    0)
				return r;
		}
	}
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

static int supply_devices(struct cli *cli, int argc, char **argv)
{
	struct sctx x = SCTX_INIT(cli);
	struct cli_list l = { device_cols, 0,  device_row, device_json,
			      NULL,	   &x, 0,	   0 };
	int r;

	if ((r = cli_parse(cli, &devices_spec, argc, argv, &x.a)) >= 0 ||
	    (r = sctx_open(&x, KB_STORE_READONLY)))
		return r;
	l.n = x.sup.ndevices;
	r = cli_list(cli, &x.a.f, &l);
	sctx_close(&x);
	return r;
}

static const char device_en[] =
	"Usage: kiban supply device [OPTION]... CODE\n"
	"Show a device type: its criteria and score, thresholds, designation history\n"
	"and the risks of its supply chain.\n\n"
	"  --json         for scripts\n";
static const char device_ja[] =
	"使い方: kiban supply device [オプション]... コード\n"
	"機器の種類を表示します: 該当基準と点数、閾値、指定の履歴、サプライチェーンの\n"
	"リスク。\n\n"
	"  --json         スクリプト向け\n";

static int supply_device(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_chain ch;
	struct kb_chain_risk k;
	struct kb_designation *hist = NULL;
	size_t nhist = 0, d, i, item;
	int c, r, json = 0;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (c == OPT_JSON)
			json = 1;
		else if ((r = cli_option(cli, c, "supply device", argv,
					 device_en, device_ja)) >= 0)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "supply device", "%s",
				       CLI_T(cli, "expected one CODE",
					     "コードを一つ指定してください"));
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	memset(&ch, 0, sizeof(ch));
	memset(&k, 0, sizeof(k));
	if ((r = device_arg(cli, &sup, argv[optind], &d)))
		goto out;
	if ((r = kb_chain_load(s, &sup, &ch, &cli->err)) ||
	    (r = kb_device_history(s, argv[optind], &hist, &nhist, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	item = kb_chain_item(&ch, argv[optind]);
	if (item != KB_NONE)
		kb_chain_risk(&ch, &sup, item, &k);
	if (json) {
		json_t *j = kb_device_to_json(&sup.devices[d]), *a = json_array();
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
		const struct kb_device *x = &sup.devices[d];
		const char *p = x->criteria;
		printf("%s  %s\n", x->code, name_of(cli, x->name_ja, x->name_en));
		printf(CLI_T(cli, "  class %s, %s, %s; unit: %s\n",
			     "  クラス %s、%s、%s。単位: %s\n"),
		       roman[x->klass], x->category,
		       x->reusable ? CLI_T(cli, "reusable", "再使用")
				   : CLI_T(cli, "disposable", "単回使用"),
		       name_of(cli, x->unit_ja, x->unit_en));
		printf(CLI_T(cli, "  essential: %s (score %d)\n",
			     "  必要不可欠: %s（点数 %d）\n"),
		       x->essential ? CLI_T(cli, "yes", "はい")
				    : CLI_T(cli, "no", "いいえ"),
		       x->score);
		while (*p) {
			size_t n = strcspn(p, ";");
			for (i = 0; i < kb_ncriteria; i++)
				if (strlen(kb_criteria[i].key) == n &&
				    !strncmp(p, kb_criteria[i].key, n))
					printf("    - %s (+%d)\n",
					       name_of(cli, kb_criteria[i].name_ja,
						       kb_criteria[i].name_en),
					       kb_criteria[i].weight);
			p += n + (p[n] == ';');
		}
		if (*x->reasons)
			printf(CLI_T(cli, "  reasons: %s\n", "  理由: %s\n"),
			       x->reasons);
		printf(CLI_T(cli,
			     "  thresholds: under %g days, over %g days, alert under %g days, critical under %g days, demand jump x%g, supply drop under %g%%\n",
			     "  閾値: 不足 %g 日未満、過剰 %g 日超、警報 %g 日未満、重大 %g 日未満、需要急増 %g 倍、供給減少 %g%% 未満\n"),
		       x->under_days, x->over_days, x->alert_days,
		       x->critical_days, x->jump_ratio, x->drop_ratio * 100);
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
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const char designate_en[] =
	"Usage: kiban supply designate [OPTION]... CODE\n"
	"Designate a device type as medically essential (or withdraw it with\n"
	"--withdraw).  The change is kept in the device's designation history with\n"
	"who, when and why.\n\n"
	"  --reason TEXT      why (required)\n"
	"  --criteria LIST    the criteria, separated by ';': life_sustaining,\n"
	"                     no_substitute, emergency, infection, high_volume,\n"
	"                     few_suppliers\n"
	"  --withdraw         withdraw the designation\n";
static const char designate_ja[] =
	"使い方: kiban supply designate [オプション]... コード\n"
	"機器の種類を医療上必要不可欠として指定します（--withdraw で取消）。変更は\n"
	"誰が・いつ・なぜとともに指定の履歴に残ります。\n\n"
	"  --reason 理由      理由（必須）\n"
	"  --criteria 基準    該当基準を ';' 区切りで: life_sustaining（生命維持）,\n"
	"                     no_substitute（代替品なし）, emergency（救急）, infection\n"
	"                     （感染症）, high_volume（使用量）, few_suppliers（供給元）\n"
	"  --withdraw         指定を取り消す\n";

static int supply_designate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "criteria", required_argument, NULL, OPT_CRITERIA },
		{ "withdraw", no_argument, NULL, OPT_WITHDRAW },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL, *criteria = NULL;
	struct kb_store *s;
	int c, r, withdraw = 0;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_REASON: reason = optarg; break;
		case OPT_CRITERIA: criteria = optarg; break;
		case OPT_WITHDRAW: withdraw = 1; break;
		default:
			if ((r = cli_option(cli, c, "supply designate", argv,
					    designate_en, designate_ja)) >= 0)
				return r;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "supply designate", "%s",
				       CLI_T(cli, "expected one CODE",
					     "コードを一つ指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_device_designate(s, argv[optind], !withdraw, criteria, reason,
				cli->user, cli->now, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(withdraw ? CLI_T(cli, "%s: designation withdrawn\n",
					"%s: 指定を取り消しました\n")
				: CLI_T(cli, "%s: designated as essential\n",
					"%s: 必要不可欠として指定しました\n"),
		       argv[optind]);
	return 0;
}

static const char thresholds_en[] =
	"Usage: kiban supply thresholds [OPTION]... CODE\n"
	"Set the monitoring thresholds of a device type; those not given stay.\n\n"
	"  --under DAYS     days of supply under which the stock is 'under'\n"
	"  --over DAYS      days of supply over which it is 'over'\n"
	"  --alert DAYS     alert (warning) under this many days of supply\n"
	"  --critical DAYS  critical alert under this many days\n"
	"  --jump RATIO     alert when demand reaches RATIO times its trend\n"
	"  --drop RATIO     alert when national supply falls under RATIO of its trend\n";
static const char thresholds_ja[] =
	"使い方: kiban supply thresholds [オプション]... コード\n"
	"機器の種類ごとの監視の閾値を設定します。指定しないものは変わりません。\n\n"
	"  --under 日数     在庫日数がこれ未満で「不足」\n"
	"  --over 日数      在庫日数がこれを超えると「過剰」\n"
	"  --alert 日数     在庫日数がこれ未満で警報（警告）\n"
	"  --critical 日数  在庫日数がこれ未満で重大な警報\n"
	"  --jump 倍率      需要が傾向のこの倍率に達すると警報\n"
	"  --drop 比        全国の供給が傾向のこの比を下回ると警報\n";

static int supply_thresholds(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "under", required_argument, NULL, OPT_UNDER },
		{ "over", required_argument, NULL, OPT_OVER },
		{ "alert", required_argument, NULL, OPT_ALERT },
		{ "critical", required_argument, NULL, OPT_CRITICAL },
		{ "jump", required_argument, NULL, OPT_JUMP },
		{ "drop", required_argument, NULL, OPT_DROP },
		{ NULL, 0, NULL, 0 },
	};
	double th[6] = { -1, -1, -1, -1, -1, -1 };
	struct kb_store *s;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (c >= OPT_UNDER && c <= OPT_DROP) {
			double v;
			if (kb_parse_number(optarg, &v) || v < 0)
				return cli_usage_error(
					cli, "supply thresholds",
					CLI_T(cli,
					      "'%s' is not a number of zero or more",
					      "'%s' は 0 以上の数ではありません"),
					optarg);
			th[c - OPT_UNDER] = v;
		} else if ((r = cli_option(cli, c, "supply thresholds", argv,
					   thresholds_en, thresholds_ja)) >= 0) {
			return r;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "supply thresholds", "%s",
				       CLI_T(cli, "expected one CODE",
					     "コードを一つ指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_device_thresholds(s, argv[optind], th, cli->user, cli->now,
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

struct orgs_ctx {
	struct sctx x;
	int pref;
};

static int org_row(struct cli_row *r, size_t i, void *ctx)
{
	struct orgs_ctx *oc = ctx;
	struct cli *cli = oc->x.cli;
	const struct kb_org *o = &oc->x.sup.orgs[i];
	if ((oc->x.a.kind && strcmp(oc->x.a.kind, kb_org_kind_key(o->kind))) ||
	    (oc->pref && o->pref != oc->pref))
		return 0;
	cli_str(r, o->id);
	cli_str(r, kb_org_kind_name(o->kind, cli->lang));
	cli_str(r, kb_org_kind_key(o->kind));
	cli_str(r, NAME(cli, o));
	cli_str(r, o->name_ja);
	cli_str(r, o->name_en);
	cli_str(r, o->pref ? NAME(cli, &oc->x.sup.prefs[o->pref - 1]) : "");
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

static int supply_orgs(struct cli *cli, int argc, char **argv)
{
	struct orgs_ctx oc = { SCTX_INIT(cli), 0 };
	struct cli_list l = { org_cols, 0, org_row, NULL, NULL, &oc, 0, 0 };
	int r;

	if ((r = cli_parse(cli, &orgs_spec, argc, argv, &oc.x.a)) >= 0 ||
	    (r = sctx_open(&oc.x, KB_STORE_READONLY)))
		return r;
	l.n = oc.x.sup.norgs;
	if (!oc.x.a.pref ||
	    !(r = pref_arg(cli, &oc.x.sup, oc.x.a.pref, &oc.pref)))
		r = cli_list(cli, &oc.x.a.f, &l);
	sctx_close(&oc.x);
	return r;
}

static const char prefs_en[] =
	"Usage: kiban supply prefectures [OPTION]...\n"
	"List the 47 prefectures (JIS X 0401 codes, 2020 census population) with the\n"
	"hospitals and beds registered in each.\n\n"
	"  --json, --csv   for scripts, for Excel (--bom)\n";
static const char prefs_ja[] =
	"使い方: kiban supply prefectures [オプション]...\n"
	"47 都道府県（JIS X 0401 のコード、令和2年国勢調査の人口）と、それぞれに\n"
	"登録された病院数・病床数を一覧します。\n\n"
	"  --json, --csv   スクリプト向け、Excel 向け（--bom）\n";

static int supply_prefectures(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	struct kb_store *s;
	struct kb_supply sup;
	long hosp[KB_NPREF + 1] = { 0 }, beds[KB_NPREF + 1] = { 0 };
	int c, r, p;
	size_t i;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		if ((r = cli_option(cli, c, "supply prefectures", argv,
				    prefs_en, prefs_ja)) >= 0)
			return r;
	}
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	for (i = 0; i < sup.norgs; i++)
		if (sup.orgs[i].kind == KB_ORG_HOSPITAL) {
			hosp[sup.orgs[i].pref]++;
			beds[sup.orgs[i].pref] += sup.orgs[i].beds;
		}
	if (f.json) {
		json_t *a = json_array();
		for (p = 1; p <= KB_NPREF; p++) {
			const struct kb_pref *x = &sup.prefs[p - 1];
			json_array_append_new(
				a, json_pack("{s:i, s:s, s:s, s:I, s:I, s:I}",
					     "code", p, "name_ja", x->name_ja,
					     "name_en", x->name_en, "population",
					     (json_int_t)x->population,
					     "hospitals", (json_int_t)hosp[p],
					     "beds", (json_int_t)beds[p]));
		}
		r = cli_print_json(cli, a);
	} else if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		struct kb_csvw w;
		kb_csvw_init(&w, &out, f.bom);
		kb_buf_adds(&out, "code,name_ja,name_en,population_2020,"
				  "hospitals,beds\r\n");
		for (p = 1; p <= KB_NPREF; p++) {
			const struct kb_pref *x = &sup.prefs[p - 1];
			kb_csvw_fieldf(&w, "%02d", p);
			kb_csvw_field(&w, x->name_ja);
			kb_csvw_field(&w, x->name_en);
			kb_csvw_fieldf(&w, "%ld", x->population);
			kb_csvw_fieldf(&w, "%ld", hosp[p]);
			kb_csvw_fieldf(&w, "%ld", beds[p]);
			kb_csvw_end(&w);
		}
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else {
		struct cli_table t;
		cli_table_init(&t, 5, CLI_T(cli, "Code", "コード"),
			       CLI_T(cli, "Prefecture", "都道府県"),
			       CLI_T(cli, "Population", "人口"),
			       CLI_T(cli, "Hospitals", "病院"),
			       CLI_T(cli, "Beds", "病床"));
		for (p = 1; p <= KB_NPREF; p++) {
			const struct kb_pref *x = &sup.prefs[p - 1];
			char a[8], b[24], h[24], bd[24];
			snprintf(a, sizeof(a), "%02d", p);
			snprintf(b, sizeof(b), "%ld", x->population);
			snprintf(h, sizeof(h), "%ld", hosp[p]);
			snprintf(bd, sizeof(bd), "%ld", beds[p]);
			cli_table_row(&t, a, name_of(cli, x->name_ja, x->name_en),
				      b, h, bd);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

/* ---- the chain: tree, risk, impact ---- */

static void print_tree(struct cli *cli, const struct kb_chain *ch,
		       const struct kb_supply *sup, size_t i, int depth)
{
	size_t j, c = kb_supply_component(sup, ch->item[i]);
	const char *name =
		c != KB_NONE ? name_of(cli, sup->components[c].name_ja,
				       sup->components[c].name_en)
		: ch->device[i] != KB_NONE
			? name_of(cli, sup->devices[ch->device[i]].name_ja,
				  sup->devices[ch->device[i]].name_en)
			: "";
	printf("%*s%s %s\n", depth * 2, "", ch->item[i], name);
	for (j = ch->src_off[i]; j < ch->src_off[i + 1]; j++) {
		const struct kb_site *x = &sup->sites[ch->src_site[j]];
		printf("%*s@ %s %s (%s, %s) %.0f%%\n", depth * 2 + 2, "", x->id,
		       sup->orgs[x->org].id, x->country, x->region,
		       ch->src_share[j] * 100);
	}
	if (depth < 8)
		for (j = ch->in_off[i]; j < ch->in_off[i + 1]; j++)
			print_tree(cli, ch, sup, ch->in[j], depth + 1);
}

static const char chain_en[] =
	"Usage: kiban supply chain [OPTION]... CODE\n"
	"Show the supply chain of a device: its sources (@ site, organisation,\n"
	"country, region, share) and, indented, its inputs with theirs, every tier.\n";
static const char chain_ja[] =
	"使い方: kiban supply chain [オプション]... コード\n"
	"機器のサプライチェーンを表示します: 製造拠点（@ 拠点、組織、国、地域、\n"
	"シェア）と、字下げしてその部材とそれぞれの製造拠点を全階層。\n";

static int supply_chain(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_chain ch;
	size_t i;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(cli, c, "supply chain", argv, chain_en,
				    chain_ja)) >= 0)
			return r;
	if (optind + 1 != argc)
		return cli_usage_error(cli, "supply chain", "%s",
				       CLI_T(cli, "expected one CODE",
					     "コードを一つ指定してください"));
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	if ((r = kb_chain_load(s, &sup, &ch, &cli->err))) {
		r = cli_fail(cli, r);
	} else if ((i = kb_chain_item(&ch, argv[optind])) == KB_NONE) {
		kb_err_set(&cli->err, KB_ENOTFOUND,
			   CLI_T(cli, "'%s' has no supply chain mapped",
				 "'%s' のサプライチェーンは登録されていません"),
			   argv[optind]);
		r = cli_fail(cli, KB_ENOTFOUND);
	} else {
		print_tree(cli, &ch, &sup, i, 0);
	}
	kb_chain_release(&ch);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const char risk_en[] =
	"Usage: kiban supply risk [OPTION]...\n"
	"For each essential device with a mapped chain: its sources and suppliers,\n"
	"the Herfindahl-Hirschman index of its suppliers (10000 = one supplier),\n"
	"inputs at any tier that have a single supplier, the country whose stop\n"
	"would cost it most, and its import dependence; most exposed first.\n\n"
	"  --json, --csv   for scripts, for Excel (--bom)\n";
static const char risk_ja[] =
	"使い方: kiban supply risk [オプション]...\n"
	"サプライチェーンが登録された必要不可欠な機器ごとに、製造拠点と供給者、\n"
	"供給者のハーフィンダール・ハーシュマン指数（10000 = 一社）、供給者が一社\n"
	"だけの部材（全階層）、止まると最も影響の大きい国、輸入依存度を、影響の\n"
	"大きい順に表示します。\n\n"
	"  --json, --csv   スクリプト向け、Excel 向け（--bom）\n";

struct risk_row {
	size_t dev;
	struct kb_chain_risk k;
};

static int by_exposure(const void *a, const void *b)
{
	const struct risk_row *x = a, *y = b;
	if (x->k.top_country_loss != y->k.top_country_loss)
		return x->k.top_country_loss > y->k.top_country_loss ? -1 : 1;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

static int supply_risk(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_chain ch;
	struct risk_row *rows;
	size_t n = 0, i;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		if ((r = cli_option(cli, c, "supply risk", argv, risk_en,
				    risk_ja)) >= 0)
			return r;
	}
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	if ((r = kb_chain_load(s, &sup, &ch, &cli->err))) {
		kb_supply_release(&sup);
		kb_store_close(s);
		return cli_fail(cli, r);
	}
	rows = kb_calloc(ch.nitem + 1, sizeof(*rows));
	for (i = 0; i < ch.nitem; i++) {
		if (ch.device[i] == KB_NONE ||
		    !sup.devices[ch.device[i]].essential)
			continue;
		rows[n].dev = ch.device[i];
		kb_chain_risk(&ch, &sup, i, &rows[n].k);
		n++;
	}
	qsort(rows, n, sizeof(*rows), by_exposure);
	if (f.json) {
		json_t *a = json_array();
		for (i = 0; i < n; i++) {
			json_t *j = kb_chain_risk_to_json(&ch, &rows[i].k);
			json_object_set_new(
				j, "device",
				json_string(sup.devices[rows[i].dev].code));
			json_array_append_new(a, j);
		}
		r = cli_print_json(cli, a);
	} else if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		struct kb_csvw w;
		kb_csvw_init(&w, &out, f.bom);
		kb_buf_adds(&out,
			    "device,name_ja,name_en,sources,suppliers,hhi,"
			    "single_source_inputs,most_concentrated_input,"
			    "top_country,top_country_loss,import_dependence\r\n");
		for (i = 0; i < n; i++) {
			const struct kb_device *d = &sup.devices[rows[i].dev];
			const struct kb_chain_risk *k = &rows[i].k;
			kb_csvw_field(&w, d->code);
			kb_csvw_field(&w, d->name_ja);
			kb_csvw_field(&w, d->name_en);
			kb_csvw_fieldf(&w, "%zu", k->nsources);
			kb_csvw_fieldf(&w, "%zu", k->nsuppliers);
			kb_csvw_fieldf(&w, "%.0f", k->hhi);
			kb_csvw_fieldf(&w, "%zu", k->single_source);
			kb_csvw_field(&w, k->worst_input != KB_NONE
						  ? ch.item[k->worst_input]
						  : "");
			kb_csvw_field(&w, k->top_country ? k->top_country : "");
			kb_csvw_fieldf(&w, "%.4f", k->top_country_loss);
			kb_csvw_fieldf(&w, "%.4f", k->import_dependence);
			kb_csvw_end(&w);
		}
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else {
		struct cli_table t;
		cli_table_init(&t, 7, CLI_T(cli, "Code", "コード"),
			       CLI_T(cli, "Device", "機器"), "HHI",
			       CLI_T(cli, "1-supplier inputs", "一社依存部材"),
			       CLI_T(cli, "Top country", "最大依存国"),
			       CLI_T(cli, "Loss if it stops", "停止時の減少"),
			       CLI_T(cli, "Import dep.", "輸入依存"));
		cli_table_limit(&t, 1, 28);
		for (i = 0; i < n; i++) {
			const struct kb_device *d = &sup.devices[rows[i].dev];
			const struct kb_chain_risk *k = &rows[i].k;
			char h[16], ss[16], loss[16], imp[16];
			snprintf(h, sizeof(h), "%.0f", k->hhi);
			snprintf(ss, sizeof(ss), "%zu", k->single_source);
			snprintf(loss, sizeof(loss), "%.0f%%",
				 k->top_country_loss * 100);
			snprintf(imp, sizeof(imp), "%.0f%%",
				 k->import_dependence * 100);
			cli_table_row(&t, d->code,
				      name_of(cli, d->name_ja, d->name_en), h,
				      ss, k->top_country ? k->top_country : "-",
				      loss, imp);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	for (i = 0; i < n; i++)
		free(rows[i].k.top_country);
	free(rows);
	kb_chain_release(&ch);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const char impact_en[] =
	"Usage: kiban supply impact [OPTION]... (--site ID | --supplier ID | --country CC | --region R)\n"
	"If this site, supplier, country or region stops, which devices lose what\n"
	"share of their supply (through every tier of the chain); largest loss first.\n\n"
	"  --json, --csv   for scripts, for Excel (--bom)\n";
static const char impact_ja[] =
	"使い方: kiban supply impact [オプション]... (--site ID | --supplier ID | --country 国 | --region 地域)\n"
	"この拠点・供給者・国・地域が止まると、どの機器の供給がどれだけ失われるか\n"
	"（サプライチェーンの全階層を通して）を、影響の大きい順に表示します。\n\n"
	"  --json, --csv   スクリプト向け、Excel 向け（--bom）\n";

struct loss {
	size_t dev;
	double loss;
};

static int by_loss(const void *a, const void *b)
{
	const struct loss *x = a, *y = b;
	if (x->loss != y->loss)
		return x->loss > y->loss ? -1 : 1;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

static int supply_impact(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "site", required_argument, NULL, OPT_SITE },
		{ "supplier", required_argument, NULL, OPT_SUPPLIER },
		{ "country", required_argument, NULL, OPT_COUNTRY },
		{ "region", required_argument, NULL, OPT_REGION },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_chain ch;
	struct loss *ls;
	unsigned char *down;
	double *avail;
	const char *id = NULL;
	enum kb_stop what = KB_STOP_SITE;
	size_t n = 0, i, nd;
	int c, r, given = 0;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		if (c >= OPT_SITE && c <= OPT_REGION) {
			what = (enum kb_stop)(c - OPT_SITE);
			id = optarg;
			given++;
		} else if ((r = cli_option(cli, c, "supply impact", argv,
					   impact_en, impact_ja)) >= 0) {
			return r;
		}
	}
	if (given != 1 || optind != argc)
		return cli_usage_error(
			cli, "supply impact", "%s",
			CLI_T(cli,
			      "expected one of --site, --supplier, --country, --region",
			      "--site, --supplier, --country, --region のいずれか一つを指定してください"));
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	if ((r = kb_chain_load(s, &sup, &ch, &cli->err))) {
		kb_supply_release(&sup);
		kb_store_close(s);
		return cli_fail(cli, r);
	}
	down = kb_calloc(sup.nsites + 1, 1);
	avail = kb_calloc(ch.nitem + 1, sizeof(double));
	ls = kb_calloc(ch.nitem + 1, sizeof(*ls));
	nd = kb_chain_stop(&sup, what, id, down);
	if (!nd) {
		kb_err_set(&cli->err, KB_ENOTFOUND,
			   CLI_T(cli, "no site matches '%s'",
				 "'%s' に当たる拠点はありません"),
			   id);
		r = cli_fail(cli, KB_ENOTFOUND);
		goto out;
	}
	kb_chain_avail(&ch, down, avail);
	for (i = 0; i < ch.nitem; i++)
		if (ch.device[i] != KB_NONE && avail[i] < 1 - 1e-9) {
			ls[n].dev = ch.device[i];
			ls[n++].loss = 1 - avail[i];
		}
	qsort(ls, n, sizeof(*ls), by_loss);
	if (f.json) {
		json_t *a = json_array();
		for (i = 0; i < n; i++) {
			const struct kb_device *d = &sup.devices[ls[i].dev];
			json_array_append_new(
				a, json_pack("{s:s, s:s, s:s, s:b, s:f}", "device",
					     d->code, "name_ja", d->name_ja,
					     "name_en", d->name_en, "essential",
					     d->essential, "loss", ls[i].loss));
		}
		r = cli_print_json(cli, a);
	} else if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		struct kb_csvw w;
		kb_csvw_init(&w, &out, f.bom);
		kb_buf_adds(&out, "device,name_ja,name_en,essential,loss\r\n");
		for (i = 0; i < n; i++) {
			const struct kb_device *d = &sup.devices[ls[i].dev];
			kb_csvw_field(&w, d->code);
			kb_csvw_field(&w, d->name_ja);
			kb_csvw_field(&w, d->name_en);
			kb_csvw_field(&w, d->essential ? "yes" : "no");
			kb_csvw_fieldf(&w, "%.4f", ls[i].loss);
			kb_csvw_end(&w);
		}
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else {
		struct cli_table t;
		if (!cli->quiet)
			printf(CLI_T(cli,
				     "%zu sites stop; %zu device types lose supply\n",
				     "停止する拠点 %zu、供給が減る機器 %zu 種類\n"),
			       nd, n);
		cli_table_init(&t, 3, CLI_T(cli, "Code", "コード"),
			       CLI_T(cli, "Device", "機器"),
			       CLI_T(cli, "Supply lost", "失われる供給"));
		for (i = 0; i < n; i++) {
			const struct kb_device *d = &sup.devices[ls[i].dev];
			char l[16];
			snprintf(l, sizeof(l), "%.0f%%", ls[i].loss * 100);
			cli_table_row(&t, d->code,
				      name_of(cli, d->name_ja, d->name_en), l);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
out:
	free(down);
	free(avail);
	free(ls);
	kb_chain_release(&ch);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

/* ---- status and alerts ---- */

static const char status_en[] =
	"Usage: kiban supply status [OPTION]...\n"
	"Days of supply and stock status of the essential devices for one week (the\n"
	"latest complete week by default): nationally with supply against demand, in\n"
	"a prefecture, for one device in every prefecture, or at one facility.\n"
	"Consumption is adjusted for the days a facility was stocked out and smoothed\n"
	"over recent weeks.  Status: stocked out, under, adequate, over, unknown\n"
	"(thresholds per device: 'kiban supply thresholds').  The header says how many\n"
	"hospitals reported the week, and apart the week still coming in, which the\n"
	"figures leave out ('kiban supply completeness').\n\n"
	"  --week W        the week (a date such as 2026-11-16, or 2026-W47)\n"
	"  --completeness PCT  a week is complete at PCT% of hospitals reporting\n"
	"                  (for this call; the stored threshold otherwise)\n"
	"  --pref P        every device in prefecture P\n"
	"  --device CODE   that device in every prefecture\n"
	"  --facility ID   every device at that hospital\n"
	"  --json, --csv   for scripts, for Excel (--bom)\n";
static const char status_ja[] =
	"使い方: kiban supply status [オプション]...\n"
	"ある週（既定は報告のそろった最新の週）の必要不可欠な機器の在庫日数と在庫状況を\n"
	"表示します: 全国（供給と需要の比較つき）、都道府県ごと、一つの機器の全都道府県、\n"
	"一つの医療機関。使用量は欠品日数で補正し、直近数週で平滑化します。\n"
	"状況: 欠品、不足、適正、過剰、不明（閾値は機器ごと: 'kiban supply thresholds'）。\n"
	"見出しにその週に報告した病院の数を、別の行に報告受付中の週（数値には含めません）\n"
	"を示します（'kiban supply completeness'）。\n\n"
	"  --week W        週（2026-11-16 のような日付か 2026-W47）\n"
	"  --completeness PCT  病院の PCT% が報告した週を「そろった週」とする\n"
	"                  （この実行のみ。既定は保存された閾値）\n"
	"  --pref P        都道府県 P の全機器\n"
	"  --device コード  その機器の全都道府県\n"
	"  --facility ID   その病院の全機器\n"
	"  --json, --csv   スクリプト向け、Excel 向け（--bom）\n";

/* --completeness PCT: a percentage from 0 to 100 ("80", "80%", "99.5"). */
static int pct_arg(struct cli *cli, const char *cmd, const char *s, double *v)
{
	char *end;
	*v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	if (end == s || *end || !(*v >= 0 && *v <= 100))
		return cli_usage_error(
			cli, cmd,
			CLI_T(cli,
			      "'%s' is not a percentage from 0 to 100 (such as 80)",
			      "'%s' は 0〜100 のパーセントではありません（80 など）"),
			s);
	return 0;
}

/* The completeness of one week in a scope (a prefecture, or 0). */
static int week_compl(struct cli *cli, struct kb_store *s,
		      const struct kb_supply *sup, int week, int pref,
		      struct kb_compl *out)
{
	struct kb_compl_query cq = { week, week, pref, KB_COMPL_TOTAL };
	struct kb_compl_table t;
	int r = kb_completeness(s, sup, &cq, &t, &cli->err);
	if (r)
		return r;
	*out = t.v[0];
	kb_compl_table_release(&t);
	return 0;
}

/* "Week of 2026-11-16: 1,979 of 2,000 hospitals reported (99.0%)" */
static void print_compl(struct cli *cli, const char *label_en,
			const char *label_ja, const struct kb_compl *c,
			const char *scope)
{
	struct kb_buf b = KB_BUF_INIT;
	char wk[16];
	kb_week_format(c->week, wk);
	kb_compl_phrase(c, cli->lang, &b);
	if (cli->lang == KB_LANG_JA)
		printf("%s%s の週%s%s%s　%s", label_ja, wk, scope ? "（" : "",
		       scope ? scope : "", scope ? "）" : "", b.buf);
	else
		printf("%s %s%s%s: %s", label_en, wk, scope ? ", " : "",
		       scope ? scope : "", b.buf);
	kb_buf_release(&b);
}

static void fmt_num(char *out, size_t n, double v, int dec)
{
	if (v < 0)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.*f", dec, v);
}

static int supply_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "week", required_argument, NULL, OPT_WEEK },
		{ "pref", required_argument, NULL, OPT_PREF },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "facility", required_argument, NULL, OPT_FACILITY },
		{ "completeness", required_argument, NULL, OPT_COMPLETENESS },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	struct kb_status_query q = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
	const char *pref = NULL, *dev = NULL, *fac = NULL;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_supply_status st;
	struct kb_report_weeks rw;
	struct kb_compl here, nation, *coming = NULL;
	size_t ncoming = 0;
	double threshold = -1;
	char wk[16];
	int c, r, asked;
	size_t i;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_WEEK:
			if ((r = week_arg(cli, "supply status", optarg, &q.week)))
				return r;
			break;
		case OPT_PREF: pref = optarg; break;
		case OPT_DEVICE: dev = optarg; break;
		case OPT_FACILITY: fac = optarg; break;
		case OPT_COMPLETENESS:
			if ((r = pct_arg(cli, "supply status", optarg,
					 &threshold)))
				return r;
			break;
		default:
			if ((r = cli_option(cli, c, "supply status", argv,
					    status_en, status_ja)) >= 0)
				return r;
		}
	}
	if (!!pref + !!dev + !!fac > 1)
		return cli_usage_error(
			cli, "supply status", "%s",
			CLI_T(cli,
			      "give at most one of --pref, --device, --facility",
			      "--pref, --device, --facility は一つまでです"));
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	memset(&st, 0, sizeof(st));
	memset(&rw, 0, sizeof(rw));
	asked = q.week >= 0;
	if (pref) {
		q.scope = KB_SCOPE_PREF;
		if ((r = pref_arg(cli, &sup, pref, &q.pref)))
			goto out;
	} else if (dev) {
		q.scope = KB_SCOPE_BY_PREF;
		if ((r = device_arg(cli, &sup, dev, &q.device)))
			goto out;
	} else if (fac) {
		q.scope = KB_SCOPE_FACILITY;
		if ((q.facility = kb_supply_org(&sup, fac)) == KB_NONE ||
		    sup.orgs[q.facility].kind != KB_ORG_HOSPITAL) {
			kb_err_set(&cli->err, KB_ENOTFOUND,
				   CLI_T(cli, "no hospital with id '%s'",
					 "ID '%s' の病院はありません"),
				   fac);
			r = cli_fail(cli, KB_ENOTFOUND);
			goto out;
		}
	}
	/* the week shown: the latest complete one, unless asked */
	if ((r = kb_report_weeks(s, threshold, &rw, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (!asked)
		q.week = rw.shown.week;
	if ((r = kb_supply_status(s, &sup, &q, &st, &cli->err)) ||
	    (r = week_compl(cli, s, &sup, st.week, 0, &nation)) ||
	    (r = week_compl(cli, s, &sup, st.week, q.pref, &here))) {
		r = cli_fail(cli, r);
		goto out;
	}
	/* the weeks still coming in, in the same scope */
	if (!asked && rw.ncoming) {
		coming = kb_calloc(rw.ncoming, sizeof(*coming));
		for (ncoming = 0; ncoming < rw.ncoming; ncoming++) {
			if (!q.pref) {
				coming[ncoming] = rw.coming[ncoming];
			} else if ((r = week_compl(cli, s, &sup,
						   rw.coming[ncoming].week,
						   q.pref, &coming[ncoming]))) {
				r = cli_fail(cli, r);
				goto out;
			}
		}
	}
	kb_week_format(st.week, wk);
	if (f.json) {
		json_t *a = json_array(), *cm = json_array();
		for (i = 0; i < st.n; i++) {
			json_array_append_new(
				a, kb_status_row_to_json(&sup, st.week,
							 &st.v[i], cli->lang));
		}
		for (i = 0; i < ncoming; i++)
			json_array_append_new(
				cm, kb_compl_to_json(&sup, &coming[i]));
		r = cli_print_json(
			cli,
			json_pack("{s:s, s:o, s:f, s:b, s:o, s:o}", "week", wk,
				  "completeness", kb_compl_to_json(&sup, &here),
				  "threshold", rw.threshold, "complete",
				  nation.rate >= 0 &&
					  nation.rate >= rw.threshold - 1e-9,
				  "coming", cm, "rows", a));
	} else if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		struct kb_csvw w;
		kb_csvw_init(&w, &out, f.bom);
		kb_buf_adds(&out,
			    "week,device,prefecture,facilities,stock,"
			    "consumption,expected_daily_use,days_of_supply,"
			    "status,stockout_facilities,stockout_days,supply,"
			    "shipments,level,signal\r\n");
		for (i = 0; i < st.n; i++) {
			const struct kb_status_row *x = &st.v[i];
			kb_csvw_field(&w, wk);
			kb_csvw_field(&w, sup.devices[x->device].code);
			kb_csvw_fieldf(&w, "%02d", x->pref);
			kb_csvw_fieldf(&w, "%d", x->figs.facilities);
			kb_csvw_num(&w, x->figs.stock);
			kb_csvw_num(&w, x->figs.consumption);
			kb_csvw_fieldf(&w, "%.2f", x->calc.daily);
			kb_csvw_fieldf(&w, "%.1f", x->calc.dos);
			kb_csvw_field(&w, kb_stock_status_key(x->calc.status));
			kb_csvw_fieldf(&w, "%d", x->figs.stockout_facilities);
			kb_csvw_fieldf(&w, "%d", x->figs.stockout_days);
			if (x->supply >= 0) {
				kb_csvw_num(&w, x->supply);
				kb_csvw_num(&w, x->shipments);
			} else {
				kb_csvw_field(&w, "");
				kb_csvw_field(&w, "");
			}
			kb_csvw_field(&w, kb_status_level_key(x));
			kb_csvw_field(&w, x->risk_key);
			kb_csvw_end(&w);
		}
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else {
		struct cli_table t;
		int nation_scope = q.scope == KB_SCOPE_NATION;
		const char *scope =
			q.pref ? name_of(cli, sup.prefs[q.pref - 1].name_ja,
					 sup.prefs[q.pref - 1].name_en)
			       : NULL;
		if (!cli->quiet) {
			print_compl(cli, "Week of", "", &here, scope);
			putchar('\n');
			if (!asked && !rw.complete)
				printf(CLI_T(cli,
					     "(no week has reached %g%% of hospitals reporting: the most complete one is shown)\n",
					     "（病院の %g%% の報告がそろった週がないため、最も報告の多い週を表示しています）\n"),
				       rw.threshold);
			for (i = 0; i < ncoming; i++) {
				print_compl(cli, "Still coming in: week of",
					    "報告受付中: ", &coming[i], scope);
				fputs(CLI_T(cli, "; not in the figures below\n",
					    "（以下の数値には含めていません）\n"),
				      stdout);
			}
		}
		cli_table_init(&t, nation_scope ? 8 : 7,
			       q.scope == KB_SCOPE_BY_PREF
				       ? CLI_T(cli, "Prefecture", "都道府県")
				       : CLI_T(cli, "Device", "機器"),
			       CLI_T(cli, "Reporting", "報告数"),
			       CLI_T(cli, "Stock", "在庫"),
			       CLI_T(cli, "Use/day", "使用/日"),
			       CLI_T(cli, "Days", "在庫日数"),
			       CLI_T(cli, "Status", "状況"),
			       CLI_T(cli, "Out", "欠品施設"),
			       CLI_T(cli, "Supply/demand", "供給/需要"));
		cli_table_limit(&t, 0, 30);
		for (i = 0; i < st.n; i++) {
			const struct kb_status_row *x = &st.v[i];
			char a[16], b[24], d2[24], e[24], g[16], h[16];
			const struct kb_device *d = &sup.devices[x->device];
			snprintf(a, sizeof(a), "%d", x->figs.facilities);
			fmt_num(b, sizeof(b), x->figs.stock, 0);
			fmt_num(d2, sizeof(d2), x->calc.daily, 1);
			fmt_num(e, sizeof(e), x->calc.dos, 1);
			snprintf(g, sizeof(g), "%d", x->figs.stockout_facilities);
			if (x->supply >= 0 && x->calc.daily > 0)
				snprintf(h, sizeof(h), "%.2f",
					 x->shipments / (x->calc.daily * 7));
			else
				snprintf(h, sizeof(h), "-");
			cli_table_row(
				&t,
				q.scope == KB_SCOPE_BY_PREF
					? name_of(cli,
						  sup.prefs[x->pref - 1].name_ja,
						  sup.prefs[x->pref - 1].name_en)
					: name_of(cli, d->name_ja, d->name_en),
				a, b, d2, e, kb_status_level_name(x, cli->lang),
				g, h);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		/* why each row at risk is so, in a sentence */
		for (i = 0; !cli->quiet && i < st.n; i++) {
			const struct kb_status_row *x = &st.v[i];
			const struct kb_device *d = &sup.devices[x->device];
			struct kb_buf why = KB_BUF_INIT;
			if (!x->risk)
				continue;
			kb_status_reason(&sup, x, cli->lang, &why);
			printf("%s %s\n",
			       q.scope == KB_SCOPE_BY_PREF
				       ? name_of(cli,
						 sup.prefs[x->pref - 1].name_ja,
						 sup.prefs[x->pref - 1].name_en)
				       : name_of(cli, d->name_ja, d->name_en),
			       why.buf);
			kb_buf_release(&why);
		}
	}
out:
	free(coming);
	kb_report_weeks_release(&rw);
	kb_supply_status_release(&st);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const char alerts_en[] =
	"Usage: kiban supply alerts [OPTION]...\n"
	"Early warnings of one week (the latest complete week by default) or of a\n"
	"range of weeks,\n"
	"most severe first, each with its reason and the figures behind it.  Rules:\n"
	"low_stock (days of supply under the device's alert threshold), demand_jump\n"
	"(demand well above its trend), supply_drop (national production and imports\n"
	"well below their trend), silent (hospitals that stopped reporting).\n\n"
	"  --week W          the week, or the last week of the range\n"
	"  --from W          the first week of the range\n"
	"  --severity S      at least info, warning or critical\n"
	"  --device CODE     only this device\n"
	"  --pref P          only this prefecture (0 or 'national' for the nation)\n"
	"  --limit N         at most N alerts\n"
	"  --completeness PCT  the default week: the latest with PCT% of hospitals\n"
	"                    reporting (for this call; the stored threshold otherwise)\n"
	"  --json, --csv     for scripts, for Excel (--bom)\n";
static const char alerts_ja[] =
	"使い方: kiban supply alerts [オプション]...\n"
	"ある週（既定は報告のそろった最新の週）またはある期間の早期警報を、\n"
	"重大なものから順に、理由と\n"
	"根拠の数値とともに表示します。規則: low_stock（在庫日数が機器の警報閾値\n"
	"未満）、demand_jump（需要が傾向を大きく上回る）、supply_drop（全国の生産・\n"
	"輸入が傾向を大きく下回る）、silent（報告が途絶えた病院）。\n\n"
	"  --week W          週、または期間の最後の週\n"
	"  --from W          期間の最初の週\n"
	"  --severity S      info（情報）, warning（警告）, critical（重大）以上\n"
	"  --device コード    この機器のみ\n"
	"  --pref P          この都道府県のみ（0 または national で全国）\n"
	"  --limit N         最大 N 件\n"
	"  --completeness PCT  既定の週: 病院の PCT% の報告がそろった最新の週\n"
	"                    （この実行のみ。既定は保存された閾値）\n"
	"  --json, --csv     スクリプト向け、Excel 向け（--bom）\n";

static int supply_alerts(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "week", required_argument, NULL, OPT_WEEK },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "pref", required_argument, NULL, OPT_PREF },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "completeness", required_argument, NULL, OPT_COMPLETENESS },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	const char *dev = NULL, *pref = NULL;
	double threshold = -1;
	int week = -1, from = -1, min_sev = KB_SEV_INFO, p = -1, c, r;
	size_t limit = (size_t)-1, shown = 0, i, d = KB_NONE;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_alerts al;
	struct kb_buf reason = KB_BUF_INIT, out = KB_BUF_INIT;
	struct kb_csvw w;
	json_t *arr = NULL;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_WEEK:
			if ((r = week_arg(cli, "supply alerts", optarg, &week)))
				return r;
			break;
		case OPT_FROM:
			if ((r = week_arg(cli, "supply alerts", optarg, &from)))
				return r;
			break;
		case OPT_SEVERITY:
			if ((r = severity_arg(cli, "supply alerts", optarg,
					      KB_SEV_INFO, &min_sev)))
				return r;
			break;
		case OPT_DEVICE: dev = optarg; break;
		case OPT_PREF: pref = optarg; break;
		case OPT_LIMIT:
			if ((r = size_arg(cli, "supply alerts", optarg, 1,
					  (size_t)-1, &limit)))
				return r;
			break;
		case OPT_COMPLETENESS:
			if ((r = pct_arg(cli, "supply alerts", optarg,
					 &threshold)))
				return r;
			break;
		default:
			if ((r = cli_option(cli, c, "supply alerts", argv,
					    alerts_en, alerts_ja)) >= 0)
				return r;
		}
	}
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	memset(&al, 0, sizeof(al));
	if (dev && (r = device_arg(cli, &sup, dev, &d)))
		goto out;
	if (pref && (r = region_arg(cli, &sup, pref, &p)))
		goto out;
	/* the latest complete week by this call's threshold */
	if (week < 0 && threshold >= 0 &&
	    (week = kb_supply_shown_week(s, threshold, &cli->err)) < -1) {
		r = cli_fail(cli, week);
		goto out;
	}
	if ((r = kb_supply_alerts(s, &sup, from, week, &al, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	arr = json_array();
	kb_csvw_init(&w, &out, f.bom);
	if (f.csv)
		kb_buf_adds(&out, "key,severity,rule,device,prefecture,week,"
				  "value,threshold,reason\r\n");
	for (i = 0; i < al.n && shown < limit; i++) {
		const struct kb_alert *a = &al.v[i];
		char wk[16];
		if ((int)a->severity < min_sev ||
		    (d != KB_NONE && a->device != d) || (p >= 0 && a->pref != p))
			continue;
		shown++;
		kb_buf_reset(&reason);
		kb_alert_reason(a, &sup, cli->lang, &reason);
		kb_week_format(a->week, wk);
		if (f.json) {
			json_array_append_new(
				arr, kb_alert_to_json(&sup, a, cli->lang));
		} else if (f.csv) {
			kb_csvw_field(&w, a->key);
			kb_csvw_field(&w, kb_severity_key(a->severity));
			kb_csvw_field(&w, kb_alert_rule_key(a->rule));
			kb_csvw_field(&w, a->device != KB_NONE
						  ? sup.devices[a->device].code
						  : "");
			kb_csvw_fieldf(&w, "%02d", a->pref);
			kb_csvw_field(&w, wk);
			kb_csvw_fieldf(&w, "%.4g", a->value);
			kb_csvw_fieldf(&w, "%.4g", a->threshold);
			kb_csvw_field(&w, reason.buf);
			kb_csvw_end(&w);
		} else {
			const struct kb_device *dv =
				a->device != KB_NONE ? &sup.devices[a->device]
						     : NULL;
			printf("[%s] %s %s%s%s\n    %s\n    %s\n",
			       kb_severity_name(a->severity, cli->lang), wk,
			       dv ? dv->code : "", dv ? " " : "",
			       dv ? name_of(cli, dv->name_ja, dv->name_en)
				  : CLI_T(cli, "reporting", "報告"),
			       reason.buf, a->key);
		}
	}
	if (f.json) {
		r = cli_print_json(cli, arr);
		arr = NULL;
	} else if (f.csv) {
		r = cli_write(cli, &out, "-");
	} else if (!cli->quiet) {
		printf(CLI_T(cli, "%zu alerts\n", "警報 %zu 件\n"), shown);
	}
out:
	json_decref(arr);
	kb_buf_release(&reason);
	kb_buf_release(&out);
	kb_alerts_release(&al);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const char signals_en[] =
	"Usage: kiban supply signals [OPTION]...\n"
	"Signals: the alerts of one problem grouped into one line, per device and\n"
	"cause (stock, supply, demand; reporting per region), over consecutive weeks,\n"
	"with its onset, latest week, regions, severity and trend.  A signal opens\n"
	"when a rule fires, stays open while a looser leaving threshold holds, and\n"
	"closes after 3 quiet weeks.  By default the signals open in the latest\n"
	"complete week.\n\n"
	"  --week W          the week, or the last week of the range\n"
	"  --from W          the first week of the range (signals active in it)\n"
	"  --state S         open (default without --from), closed or all\n"
	"  --cause C         stock, supply, demand or reporting\n"
	"  --severity S      at least warning or critical (the peak)\n"
	"  --device CODE     only this device\n"
	"  --pref P          only signals reaching this prefecture\n"
	"  --evidence        list the alerts behind each signal\n"
	"  --limit N         at most N signals\n"
	"  --json, --csv     for scripts, for Excel (--bom)\n";
static const char signals_ja[] =
	"使い方: kiban supply signals [オプション]...\n"
	"シグナル: 一つの問題の警報を、機器と原因（在庫・供給・需要。報告途絶は地域\n"
	"ごと）ごとに連続した週でまとめた一行です。発生週、最新週、地域、重大度、\n"
	"傾向を示します。規則が発動すると開き、より緩い解除の閾値を満たす間は続き、\n"
	"3 週続けて満たさなければ閉じます。既定では最新の確定週に開いているものです。\n\n"
	"  --week W          週、または期間の最後の週\n"
	"  --from W          期間の最初の週（期間中に続いていたもの）\n"
	"  --state S         open（--from がなければ既定）, closed, all\n"
	"  --cause C         stock（在庫）, supply（供給）, demand（需要）, reporting（報告）\n"
	"  --severity S      warning（警告）, critical（重大）以上（最大時）\n"
	"  --device コード    この機器のみ\n"
	"  --pref P          この都道府県に及ぶもののみ\n"
	"  --evidence        根拠の警報も表示\n"
	"  --limit N         最大 N 件\n"
	"  --json, --csv     スクリプト向け、Excel 向け（--bom）\n";

static int supply_signals(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "week", required_argument, NULL, OPT_WEEK },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "cause", required_argument, NULL, OPT_CAUSE },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "pref", required_argument, NULL, OPT_PREF },
		{ "evidence", no_argument, NULL, OPT_EVIDENCE },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	const char *dev = NULL, *pref = NULL, *state = NULL;
	int week = -1, from = -1, min_sev = KB_SEV_WARNING, p = -1, cause = -1;
	int evidence = 0, c, r;
	size_t limit = (size_t)-1, shown = 0, i, k, d = KB_NONE;
	struct kb_store *s;
	struct kb_supply sup;
	struct kb_signals sg;
	struct kb_buf reason = KB_BUF_INIT, out = KB_BUF_INIT;
	struct kb_csvw w;
	json_t *arr = NULL;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_WEEK:
			if ((r = week_arg(cli, "supply signals", optarg, &week)))
				return r;
			break;
		case OPT_FROM:
			if ((r = week_arg(cli, "supply signals", optarg, &from)))
				return r;
			break;
		case OPT_STATE:
			if (strcmp(optarg, "open") &&
			    strcmp(optarg, "closed") && strcmp(optarg, "all"))
				return cli_usage_error(
					cli, "supply signals",
					CLI_T(cli,
					      "'%s' is not a state (expected open, closed or all)",
					      "'%s' は状態ではありません（open, closed, all）"),
					optarg);
			state = optarg;
			break;
		case OPT_CAUSE:
			if ((cause = kb_signal_cause_parse(optarg)) < 0)
				return cli_usage_error(
					cli, "supply signals",
					CLI_T(cli,
					      "'%s' is not a cause (expected stock, supply, demand or reporting)",
					      "'%s' は原因ではありません（stock, supply, demand, reporting）"),
					optarg);
			break;
		case OPT_SEVERITY:
			if ((r = severity_arg(cli, "supply signals", optarg,
					      KB_SEV_WARNING, &min_sev)))
				return r;
			break;
		case OPT_DEVICE: dev = optarg; break;
		case OPT_PREF: pref = optarg; break;
		case OPT_EVIDENCE: evidence = 1; break;
		case OPT_LIMIT:
			if ((r = size_arg(cli, "supply signals", optarg, 1,
					  (size_t)-1, &limit)))
				return r;
			break;
		default:
			if ((r = cli_option(cli, c, "supply signals", argv,
					    signals_en, signals_ja)) >= 0)
				return r;
		}
	}
	if (!state)
		state = from < 0 ? "open" : "all";
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	memset(&sg, 0, sizeof(sg));
	if (dev && (r = device_arg(cli, &sup, dev, &d)))
		goto out;
	if (pref && (r = region_arg(cli, &sup, pref, &p)))
		goto out;
	if ((r = kb_supply_signals(s, &sup, from, week, &sg, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	arr = json_array();
	kb_csvw_init(&w, &out, f.bom);
	if (f.csv)
		kb_buf_adds(&out, "key,state,cause,device,onset,latest,closed,"
				  "peak,severity,trend,regions,facilities,"
				  "population,alerts,reason\r\n");
	for (i = 0; i < sg.n && shown < limit; i++) {
		const struct kb_signal *g = &sg.v[i];
		char on[16], last[16], cl[16] = "";
		if ((int)g->peak < min_sev || (d != KB_NONE && g->device != d) ||
		    (cause >= 0 && (int)g->cause != cause) ||
		    (p >= 0 && !kb_signal_reaches(g, p)) ||
		    (!strcmp(state, "open") && g->closed >= 0) ||
		    (!strcmp(state, "closed") && g->closed < 0))
			continue;
		shown++;
		kb_buf_reset(&reason);
		kb_signal_reason(g, &sg, &sup, cli->lang, &reason);
		kb_week_format(g->onset, on);
		kb_week_format(g->latest, last);
		if (g->closed >= 0)
			kb_week_format(g->closed, cl);
		if (f.json) {
			json_array_append_new(
				arr, kb_signal_to_json(g, &sg, &sup, cli->lang,
						       evidence));
		} else if (f.csv) {
			struct kb_buf rg = KB_BUF_INIT;
			for (k = 0; k < g->nregions; k++)
				kb_buf_addf(&rg, "%s%02d", k ? ";" : "",
					    g->regions[k].pref);
			kb_csvw_field(&w, g->key);
			kb_csvw_field(&w, g->closed >= 0 ? "closed" : "open");
			kb_csvw_field(&w, kb_signal_cause_key(g->cause));
			kb_csvw_field(&w, g->device != KB_NONE
						  ? sup.devices[g->device].code
						  : "");
			kb_csvw_field(&w, on);
			kb_csvw_field(&w, last);
			kb_csvw_field(&w, cl);
			kb_csvw_field(&w, kb_severity_key(g->peak));
			kb_csvw_field(&w, g->severity
						  ? kb_severity_key(g->severity)
						  : "");
			kb_csvw_field(&w, kb_signal_trend_key(g->trend));
			kb_csvw_field(&w, rg.buf ? rg.buf : "");
			kb_csvw_fieldf(&w, "%d", g->facilities);
			kb_csvw_fieldf(&w, "%ld", g->population);
			kb_csvw_fieldf(&w, "%zu", g->nalerts);
			kb_csvw_field(&w, reason.buf);
			kb_csvw_end(&w);
			kb_buf_release(&rg);
		} else {
			printf("[%s] %s\n    %s\n",
			       g->closed >= 0
				       ? CLI_T(cli, "closed", "終了")
				       : kb_severity_name(g->severity, cli->lang),
			       reason.buf, g->key);
			for (k = 0; evidence && k < g->nalerts; k++) {
				const struct kb_alert *a =
					&sg.alerts.v[g->alerts[k]];
				kb_buf_reset(&reason);
				kb_alert_reason(a, &sup, cli->lang, &reason);
				kb_week_format(a->week, on);
				printf("      %s [%s] %s\n", on,
				       kb_severity_name(a->severity, cli->lang),
				       reason.buf);
			}
		}
	}
	if (f.json) {
		r = cli_print_json(cli, arr);
		arr = NULL;
	} else if (f.csv) {
		r = cli_write(cli, &out, "-");
	} else if (!cli->quiet) {
		printf(CLI_T(cli, "%zu signals\n", "シグナル %zu 件\n"), shown);
	}
out:
	json_decref(arr);
	kb_buf_release(&reason);
	kb_buf_release(&out);
	kb_signals_release(&sg);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const char recompute_en[] =
	"Usage: kiban supply recompute [OPTION]...\n"
	"Rewrite every weekly aggregate from the report lines, in one transaction.\n"
	"Imports keep them current already; this is for after a restore or an\n"
	"upgrade, and to check.\n";
static const char recompute_ja[] =
	"使い方: kiban supply recompute [オプション]...\n"
	"報告の明細から週次の集計をすべて作り直します（一つのトランザクション）。\n"
	"取り込みのたびに集計は更新されるので、復元や更新の後、確認のためのものです。\n";

static int supply_recompute(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kb_store *s;
	size_t rows;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(cli, c, "supply recompute", argv,
				    recompute_en, recompute_ja)) >= 0)
			return r;
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_supply_recompute(s, &rows, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "aggregates rewritten from %zu report lines\n",
			     "報告の明細 %zu 行から集計を作り直しました\n"),
		       rows);
	return 0;
}

static const struct cli_opt reports_opts[] = {
	{ "org", 0, CLI_STR, "ID", NULL, "of this organisation",
	  "この組織のもの", SA(org) },
	{ "week", 0, CLI_WEEK, "W", NULL, "of this week", "この週のもの",
	  SA(week) },
	{ "late", 0, CLI_FLAG, NULL, NULL, "only late ones",
	  "遅れて届いたもののみ", SA(late) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec reports_spec = {
	"supply reports",
	"[OPTION]...",
	"[オプション]...",
	"List the reports received: id, kind, organisation, week, version (2 or more:\n"
	"corrected), lines, when and by whom, and whether it came late (after the\n"
	"Wednesday following its week).\n",
	"受け付けた報告を一覧します: ID、種類、組織、週、版（2 以上は訂正あり）、行数、\n"
	"受付日時と提出者、遅延（その週の翌週水曜日より後）の有無。\n",
	reports_opts,
	18,
	18,
	0,
};

static const struct cli_col report_cols[] = {
	{ "report_id", "Report", "報告", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "kind", "Kind", "種類", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "org", "Org", "組織", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "week", "Week", "週", CLI_TEXT, CLI_ALL, 0, NULL },
	{ "version", "Version", "版", CLI_INT, CLI_ALL, 0, NULL },
	{ "lines", "Lines", "行", CLI_INT, CLI_ALL, 0, NULL },
	{ NULL, "Received", "受付", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "submitted_at", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "submitted_by", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Late", "遅延", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "late", NULL, NULL, CLI_BOOL, CLI_DATA, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct reports_ctx {
	struct cli *cli;
	sqlite3_stmt *st;
};

/* The rows come from the statement, one step a row. */
static int report_row(struct cli_row *r, size_t i, void *ctx)
{
	struct reports_ctx *rc = ctx;
	sqlite3_stmt *st = rc->st;
	const char *at;
	char wk[16], when[64];
	(void)i;
	if (sqlite3_step(st) != SQLITE_ROW)
		return -1;
	at = (const char *)sqlite3_column_text(st, 6);
	kb_week_format(sqlite3_column_int(st, 3), wk);
	kb_time_label(at, rc->cli->lang, 0, when, sizeof(when));
	cli_str(r, (const char *)sqlite3_column_text(st, 0));
	cli_str(r, (const char *)sqlite3_column_text(st, 1));
	cli_str(r, (const char *)sqlite3_column_text(st, 2));
	cli_str(r, wk);
	cli_int(r, sqlite3_column_int(st, 4));
	cli_int(r, sqlite3_column_int(st, 5));
	cli_str(r, when);
	cli_str(r, at);
	cli_str(r, (const char *)sqlite3_column_text(st, 7));
	cli_str(r, sqlite3_column_int(st, 8) ? CLI_T(rc->cli, "late", "遅延")
					     : "");
	cli_bool(r, sqlite3_column_int(st, 8));
	return 1;
}

static int supply_reports(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	struct reports_ctx rc = { cli, NULL };
	struct cli_list l = { report_cols, (size_t)-1, report_row, NULL,
			      NULL,	   &rc,	       0,	   0 };
	struct kb_store *s;
	int r;

	if ((r = cli_parse(cli, &reports_spec, argc, argv, &a)) >= 0 ||
	    (r = cli_open(cli, KB_STORE_READONLY, &s)))
		return r;
	if (sqlite3_prepare_v2(
		    kb_store_sqlite(s),
		    "SELECT r.id, r.kind, o.id, r.week, r.version, r.lines, "
		    "r.submitted_at, coalesce(r.submitted_by, ''), r.late FROM "
		    "report r JOIN org o ON o.n = r.org WHERE (?1 IS NULL OR o.id "
		    "= ?1) AND (?2 < 0 OR r.week = ?2) AND (?3 = 0 OR r.late) "
		    "ORDER BY r.week, o.id, r.id",
		    -1, &rc.st, NULL) != SQLITE_OK) {
		kb_err_set(&cli->err, KB_EDB, "%s",
			   sqlite3_errmsg(kb_store_sqlite(s)));
		kb_store_close(s);
		return cli_fail(cli, KB_EDB);
	}
	if (a.org)
		sqlite3_bind_text(rc.st, 1, a.org, -1, SQLITE_STATIC);
	sqlite3_bind_int(rc.st, 2, a.week);
	sqlite3_bind_int(rc.st, 3, a.late);
	r = cli_list(cli, &a.f, &l);
	sqlite3_finalize(rc.st);
	kb_store_close(s);
	return r;
}

/* ---- incidents ---- */

static int incident_id(struct cli *cli, const char *cmd, const char *s, long *id)
{
	char *end;
	*id = strtol(s, &end, 10);
	if (*end || *id <= 0)
		return cli_usage_error(cli, cmd,
				       CLI_T(cli, "'%s' is not an incident number",
					     "'%s' は事案番号ではありません"),
				       s);
	return 0;
}

static void print_incident(struct cli *cli, const struct kb_incident *x,
			   const struct kb_supply *sup, int full)
{
	size_t d = kb_supply_device(sup, x->device), i;
	char when[64];
	kb_time_label(x->opened_at, cli->lang, 0, when, sizeof(when));
	printf("#%ld [%s] %s  %s %s\n", x->id,
	       kb_incident_state_name(x->state, cli->lang), x->title, x->device,
	       d != KB_NONE ? name_of(cli, sup->devices[d].name_ja,
				      sup->devices[d].name_en)
			    : "");
	if (!full)
		return;
	printf(CLI_T(cli, "  cause: %s; reported by %s; opened %s by %s\n",
		     "  原因: %s。報告者 %s。%s に %s が登録\n"),
	       kb_incident_cause_name(x->cause, cli->lang), x->reported_by,
	       when, x->opened_by ? x->opened_by : "-");
	printf("%s", CLI_T(cli, "  regions: ", "  地域: "));
	if (!x->nprefs)
		printf("%s", CLI_T(cli, "the whole country", "全国"));
	for (i = 0; i < x->nprefs; i++)
		printf("%s%s", i ? ", " : "",
		       name_of(cli, sup->prefs[x->prefs[i] - 1].name_ja,
			       sup->prefs[x->prefs[i] - 1].name_en));
	printf("\n%s\n", CLI_T(cli, "  timeline:", "  経過:"));
	for (i = 0; i < x->nevents; i++) {
		const struct kb_incident_event *e = &x->events[i];
		int st = kb_incident_state_parse(e->state);
		kb_time_label(e->at, cli->lang, 0, when, sizeof(when));
		printf("    %s  %-8s %s  [%s] %s\n", when, e->kind, e->by,
		       st >= 0 ? kb_incident_state_name(
					 (enum kb_incident_state)st, cli->lang)
			       : e->state,
		       e->text);
	}
}

static const char incident_en[] =
	"Usage: kiban supply incident COMMAND [OPTION]... [ARG]...\n"
	"The supply council's incident log.\n\n"
	"  open --device CODE --title T --cause C --reported-by WHO [--pref P]...\n"
	"       [--note TEXT] [--alert KEY]...\n"
	"       causes: manufacturing, raw_material, logistics, demand_surge,\n"
	"       regulatory, quality_recall; no --pref: the whole country\n"
	"  list [--state S] [--json | --csv]\n"
	"  show N [--json]\n"
	"  state N STATE [--note TEXT]    reported, assessing, mitigating, resolved\n"
	"  action N TEXT                  an action taken\n"
	"  note N TEXT                    a note\n"
	"  link N KEY                     link an alert or a signal\n"
	"                                 ('kiban supply alerts', 'kiban supply signals')\n";
static const char incident_ja[] =
	"使い方: kiban supply incident コマンド [オプション]... [引数]...\n"
	"供給不安に関する協議の場の事案記録です。\n\n"
	"  open --device コード --title 件名 --cause 原因 --reported-by 報告者\n"
	"       [--pref 都道府県]... [--note 内容] [--alert キー]...\n"
	"       原因: manufacturing（製造）, raw_material（原材料）, logistics（物流）,\n"
	"       demand_surge（需要急増）, regulatory（規制）, quality_recall（品質・回収）。\n"
	"       --pref なしは全国\n"
	"  list [--state 状態] [--json | --csv]\n"
	"  show N [--json]\n"
	"  state N 状態 [--note 内容]     reported（報告受付）, assessing（評価中）,\n"
	"                                 mitigating（対応中）, resolved（解決）\n"
	"  action N 内容                  講じた措置を記録\n"
	"  note N 内容                    メモを記録\n"
	"  link N キー                    警報またはシグナルを関連付ける\n"
	"                                 （'kiban supply alerts'、'kiban supply signals'）\n";

static int incident_link_one(struct cli *cli, struct kb_store *s,
			     const struct kb_supply *sup, long id,
			     const char *key)
{
	char *reason = kb_supply_key_reason(s, sup, key, cli->lang);
	int r;
	if (!reason) {
		kb_err_set(
			&cli->err, KB_ENOTFOUND,
			CLI_T(cli,
			      "no alert or signal with key '%s' ('kiban supply alerts' and 'kiban supply signals' show the keys)",
			      "キー '%s' の警報・シグナルはありません（'kiban supply alerts' と 'kiban supply signals' でキーを確認できます）"),
			key);
		return KB_ENOTFOUND;
	}
	r = kb_incident_link(s, id, key, reason, cli->user, cli->now, &cli->err);
	free(reason);
	return r;
}

static int supply_incident(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "cause", required_argument, NULL, OPT_CAUSE },
		{ "reported-by", required_argument, NULL, OPT_REPORTED_BY },
		{ "pref", required_argument, NULL, OPT_PREF },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "alert", required_argument, NULL, OPT_ALERT },
		{ "state", required_argument, NULL, OPT_STATE },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_incident_new in;
	struct cli_format f = { 0 };
	const char *prefs[KB_NPREF], *alerts[16], *state = NULL, *sub;
	size_t nprefs = 0, nalerts = 0, i;
	int pcodes[KB_NPREF], c, r;
	struct kb_store *s = NULL;
	struct kb_supply sup;
	struct kb_incidents v;
	long id = 0;

	memset(&in, 0, sizeof(in));
	memset(&v, 0, sizeof(v));
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 &&
		    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
			return cli_help(cli, incident_en, incident_ja);
		return cli_usage_error(
			cli, "supply incident", "%s",
			CLI_T(cli,
			      "expected a command: open, list, show, state, action, note, link",
			      "コマンドを指定してください: open, list, show, state, action, note, link"));
	}
	sub = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_DEVICE: in.device = optarg; break;
		case OPT_TITLE: in.title = optarg; break;
		case OPT_CAUSE: in.cause = optarg; break;
		case OPT_REPORTED_BY: in.reported_by = optarg; break;
		case OPT_NOTE: in.note = optarg; break;
		case OPT_STATE: state = optarg; break;
		case OPT_PREF:
			if (nprefs < KB_NPREF)
				prefs[nprefs++] = optarg;
			break;
		case OPT_ALERT:
			if (nalerts < KB_ARRAY_SIZE(alerts))
				alerts[nalerts++] = optarg;
			break;
		default:
			if ((r = cli_option(cli, c, "supply incident", argv,
					    incident_en, incident_ja)) >= 0)
				return r;
		}
	}
	if ((r = open_registry(cli,
			       strcmp(sub, "list") && strcmp(sub, "show")
				       ? 0
				       : KB_STORE_READONLY,
			       &s, &sup)))
		return r;
	if (!strcmp(sub, "open")) {
		if (optind != argc || !in.device) {
			r = cli_usage_error(
				cli, "supply incident open", "%s",
				CLI_T(cli,
				      "expected --device, --title, --cause and --reported-by",
				      "--device, --title, --cause, --reported-by を指定してください"));
			goto out;
		}
		for (i = 0; i < nprefs; i++)
			if ((r = pref_arg(cli, &sup, prefs[i], &pcodes[i])))
				goto out;
		in.prefs = pcodes;
		in.nprefs = nprefs;
		r = kb_incident_open(s, &in, cli->user, cli->now, &id, &cli->err);
		for (i = 0; !r && i < nalerts; i++)
			r = incident_link_one(cli, s, &sup, id, alerts[i]);
		if (r)
			r = cli_fail(cli, r);
		else if (!cli->quiet)
			printf(CLI_T(cli, "incident #%ld opened\n",
				     "事案 #%ld を登録しました\n"),
			       id);
	} else if (!strcmp(sub, "list") || !strcmp(sub, "show")) {
		int show = !strcmp(sub, "show");
		int want = state ? kb_incident_state_parse(state) : -1;
		if (show && (optind + 1 != argc ||
			     (r = incident_id(cli, "supply incident show",
					      argv[optind], &id))))
			goto usage;
		if (state && want < 0) {
			r = cli_usage_error(cli, "supply incident list",
					    CLI_T(cli, "'%s' is not a state",
						  "'%s' は状態ではありません"),
					    state);
			goto out;
		}
		if ((r = kb_incident_load(s, id, &v, &cli->err))) {
			r = cli_fail(cli, r);
			goto out;
		}
		if (f.json) {
			json_t *a = json_array();
			for (i = 0; i < v.n; i++)
				if (want < 0 || (int)v.v[i].state == want)
					json_array_append_new(
						a, kb_incident_to_json(&v.v[i]));
			if (show) {
				json_t *one = json_incref(json_array_get(a, 0));
				json_decref(a);
				a = one;
			}
			r = cli_print_json(cli, a);
		} else if (f.csv) {
			struct kb_buf out = KB_BUF_INIT;
			struct kb_csvw w;
			kb_csvw_init(&w, &out, f.bom);
			kb_buf_adds(&out,
				    "id,device,title,cause,state,reported_by,"
				    "opened_at,resolved_at,prefectures\r\n");
			for (i = 0; i < v.n; i++) {
				const struct kb_incident *x = &v.v[i];
				struct kb_buf pl = KB_BUF_INIT;
				size_t k;
				if (want >= 0 && (int)x->state != want)
					continue;
				for (k = 0; k < x->nprefs; k++)
					kb_buf_addf(&pl, "%s%02d", k ? ";" : "",
						    x->prefs[k]);
				kb_csvw_fieldf(&w, "%ld", x->id);
				kb_csvw_field(&w, x->device);
				kb_csvw_field(&w, x->title);
				kb_csvw_field(&w, x->cause);
				kb_csvw_field(&w,
					      kb_incident_state_key(x->state));
				kb_csvw_field(&w, x->reported_by);
				kb_csvw_field(&w, x->opened_at);
				kb_csvw_field(&w, x->resolved_at ? x->resolved_at
								 : "");
				kb_csvw_field(&w, pl.len ? pl.buf : "");
				kb_csvw_end(&w);
				kb_buf_release(&pl);
			}
			r = cli_write(cli, &out, "-");
			kb_buf_release(&out);
		} else {
			for (i = 0; i < v.n; i++)
				if (want < 0 || (int)v.v[i].state == want)
					print_incident(cli, &v.v[i], &sup, show);
		}
	} else if (!strcmp(sub, "state")) {
		int to;
		if (optind + 2 != argc ||
		    (r = incident_id(cli, "supply incident state", argv[optind],
				     &id)))
			goto usage;
		if ((to = kb_incident_state_parse(argv[optind + 1])) < 0) {
			r = cli_usage_error(
				cli, "supply incident state",
				CLI_T(cli,
				      "'%s' is not a state (expected reported, assessing, mitigating or resolved)",
				      "'%s' は状態ではありません（reported, assessing, mitigating, resolved）"),
				argv[optind + 1]);
			goto out;
		}
		r = kb_incident_set_state(s, id, (enum kb_incident_state)to,
					  in.note, cli->user, cli->now,
					  &cli->err);
		if (r)
			r = cli_fail(cli, r);
	} else if (!strcmp(sub, "action") || !strcmp(sub, "note")) {
		if (optind + 2 != argc ||
		    (r = incident_id(cli, "supply incident", argv[optind], &id)))
			goto usage;
		r = kb_incident_log(s, id, sub, argv[optind + 1], cli->user,
				    cli->now, &cli->err);
		if (r)
			r = cli_fail(cli, r);
	} else if (!strcmp(sub, "link")) {
		if (optind + 2 != argc ||
		    (r = incident_id(cli, "supply incident link", argv[optind],
				     &id)))
			goto usage;
		if ((r = incident_link_one(cli, s, &sup, id, argv[optind + 1])))
			r = cli_fail(cli, r);
	} else {
		r = cli_usage_error(
			cli, "supply incident",
			CLI_T(cli,
			      "unknown command '%s' (expected open, list, show, state, action, note or link)",
			      "不明なコマンド '%s'（open, list, show, state, action, note, link）"),
			sub);
	}
	goto out;
usage:
	if (!r)
		r = cli_usage_error(
			cli, "supply incident", "%s",
			CLI_T(cli, "wrong arguments; see --help",
			      "引数が違います。--help を参照してください"));
out:
	kb_incidents_release(&v);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

/* ---- KPI figures ---- */

static const char kpi_en[] =
	"Usage: kiban supply kpi [OPTION]...\n"
	"The figures that supply monitoring and the council's log give the plan's\n"
	"KPIs for a fiscal year: stock-out facility-days of essential devices,\n"
	"incidents opened and resolved, resolved within 30 days, mean days to\n"
	"resolve.  With --record, store them as KPI values.\n\n"
	"  --year FY            fiscal year (default: the last complete one)\n"
	"  --record KPI=FIGURE  record FIGURE (stockout_days, resolved_within_30_pct\n"
	"                       or mean_days_to_resolve) as the value of KPI\n"
	"  --json               for scripts\n";
static const char kpi_ja[] =
	"使い方: kiban supply kpi [オプション]...\n"
	"供給モニタリングと協議の場の記録から、ある年度の計画の KPI 向けの数値を\n"
	"出します: 必要不可欠な機器の欠品延べ施設日数、事案の登録数と解決数、30 日\n"
	"以内の解決数、解決までの平均日数。--record で KPI の値として記録します。\n\n"
	"  --year 年度          年度（既定: 直近の終了した年度）\n"
	"  --record KPI=数値名  数値名（stockout_days, resolved_within_30_pct,\n"
	"                       mean_days_to_resolve）を KPI の値として記録\n"
	"  --json               スクリプト向け\n";

static int supply_kpi(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ NULL, 0, NULL, 0 },
	};
	const char *records[8];
	size_t nrec = 0, i;
	int fy = kb_fy_last_complete(cli->now), c, r, json = 0;
	struct kb_supply_kpis k;
	struct kb_store *s;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = 1; break;
		case OPT_YEAR:
			if (cli_fy(cli, optarg, &fy))
				return EXIT_USAGE;
			break;
		case OPT_RECORD:
			if (nrec < KB_ARRAY_SIZE(records))
				records[nrec++] = optarg;
			break;
		default:
			if ((r = cli_option(cli, c, "supply kpi", argv, kpi_en,
					    kpi_ja)) >= 0)
				return r;
		}
	}
	if ((r = cli_open(cli, nrec ? 0 : KB_STORE_READONLY, &s)))
		return r;
	if ((r = kb_supply_kpis(s, fy, &k, &cli->err))) {
		kb_store_close(s);
		return cli_fail(cli, r);
	}
	for (i = 0; !r && i < nrec; i++) {
		char kpi[64];
		const char *eq = strchr(records[i], '=');
		double v = -1;
		if (!eq || (size_t)(eq - records[i]) >= sizeof(kpi)) {
			kb_store_close(s);
			return cli_usage_error(
				cli, "supply kpi",
				CLI_T(cli, "'%s' is not KPI=FIGURE",
				      "'%s' は KPI=数値名 ではありません"),
				records[i]);
		}
		snprintf(kpi, sizeof(kpi), "%.*s", (int)(eq - records[i]),
			 records[i]);
		if (!strcmp(eq + 1, "stockout_days"))
			v = k.stockout_facility_days;
		else if (!strcmp(eq + 1, "resolved_within_30_pct") &&
			 k.incidents_opened)
			v = 100.0 * k.resolved_within_30 / k.incidents_opened;
		else if (!strcmp(eq + 1, "mean_days_to_resolve"))
			v = k.mean_days_to_resolve;
		else if (strcmp(eq + 1, "resolved_within_30_pct")) {
			kb_store_close(s);
			return cli_usage_error(cli, "supply kpi",
					       CLI_T(cli, "unknown figure '%s'",
						     "不明な数値名 '%s'"),
					       eq + 1);
		}
		r = kb_obs_set(s, kpi, fy, v < 0, v < 0 ? 0 : v,
			       "kiban supply kpi",
			       v < 0 ? CLI_T(cli, "no incident in the year",
					     "年度内に事案なし")
				     : "",
			       cli->user, cli->now, &cli->err);
	}
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (json)
		return cli_print_json(
			cli,
			json_pack("{s:i, s:f, s:i, s:i, s:i, s:o}",
				  "fiscal_year", fy, "stockout_facility_days",
				  k.stockout_facility_days, "incidents_opened",
				  (int)k.incidents_opened, "incidents_resolved",
				  (int)k.incidents_resolved,
				  "resolved_within_30_days",
				  (int)k.resolved_within_30,
				  "mean_days_to_resolve",
				  k.mean_days_to_resolve < 0
					  ? json_null()
					  : json_real(k.mean_days_to_resolve)));
	{
		char label[32];
		kb_fy_label(fy, cli->lang, label, sizeof(label));
		printf("%s\n", label);
	}
	printf(CLI_T(cli, "  stock-out facility-days of essential devices: %.0f\n",
		     "  必要不可欠な機器の欠品延べ施設日数: %.0f\n"),
	       k.stockout_facility_days);
	printf(CLI_T(cli,
		     "  incidents opened %zu, resolved %zu, resolved within 30 days %zu\n",
		     "  事案 登録 %zu、解決 %zu、30 日以内に解決 %zu\n"),
	       k.incidents_opened, k.incidents_resolved, k.resolved_within_30);
	if (k.mean_days_to_resolve >= 0)
		printf(CLI_T(cli, "  mean days to resolve: %.1f\n",
			     "  解決までの平均日数: %.1f\n"),
		       k.mean_days_to_resolve);
	return 0;
}

/* ---- reporting completeness ---- */

static const char completeness_en[] =
	"Usage: kiban supply completeness [OPTION]...\n"
	"Reporting completeness of the hospitals' weekly stock reports: for each week,\n"
	"the hospitals expected to report, those that did, those that did on time (the\n"
	"first version by the Wednesday after the week; a later correction keeps it on\n"
	"time) and the rates; nationally, in a prefecture, by prefecture or by device\n"
	"(a device's expected hospitals: those that reported it in the 13 weeks up to\n"
	"the week).  It also names the latest complete week, the one monitoring shows\n"
	"(the latest whose national rate reaches the threshold, 80% unless set), and\n"
	"the weeks still coming in.\n\n"
	"  --week W            the week, or the last of the range (default: the latest\n"
	"                      complete week)\n"
	"  --from W            the first week of the range\n"
	"  --pref P            in prefecture P\n"
	"  --by pref|device    the nation and each prefecture, or each device\n"
	"  --completeness PCT  the threshold of a complete week, for this call\n"
	"  --set-threshold PCT store the threshold for every later call and the server\n"
	"  --json, --csv       for scripts, for Excel (--bom)\n";
static const char completeness_ja[] =
	"使い方: kiban supply completeness [オプション]...\n"
	"病院の週次在庫報告の報告率を表示します: 週ごとに、報告すべき病院数、報告した\n"
	"病院数、期限内に報告した病院数（最初の版が翌週水曜まで。後の訂正でも期限内の\n"
	"まま）と、その割合。全国、都道府県、都道府県別、機器別（機器の報告すべき病院は、\n"
	"その週までの 13 週にその機器を報告した病院）。監視が表示する「報告のそろった\n"
	"最新の週」（全国の報告率が閾値（既定 80%）に達した最新の週）と、報告受付中の\n"
	"週も示します。\n\n"
	"  --week W            週、または期間の最後の週（既定: 報告のそろった最新の週）\n"
	"  --from W            期間の最初の週\n"
	"  --pref P            都道府県 P について\n"
	"  --by pref|device    全国と都道府県別、または機器別\n"
	"  --completeness PCT  そろった週とする報告率の閾値（この実行のみ）\n"
	"  --set-threshold PCT 閾値を保存する（以後のコマンドとサーバーの既定）\n"
	"  --json, --csv       スクリプト向け、Excel 向け（--bom）\n";

static void fmt_rate(char *out, size_t n, double v)
{
	if (v < 0)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.1f%%", v);
}

static int supply_completeness(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "week", required_argument, NULL, OPT_WEEK },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "pref", required_argument, NULL, OPT_PREF },
		{ "by", required_argument, NULL, OPT_BY },
		{ "completeness", required_argument, NULL, OPT_COMPLETENESS },
		{ "set-threshold", required_argument, NULL, OPT_SET_THRESHOLD },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	struct kb_compl_query cq = { -1, -1, 0, KB_COMPL_TOTAL };
	struct kb_compl_table t = { 0 };
	struct kb_report_weeks rw;
	const char *pref = NULL;
	double threshold = -1, set = -1;
	struct kb_store *s;
	struct kb_supply sup;
	int c, r;
	size_t i;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_WEEK:
			if ((r = week_arg(cli, "supply completeness", optarg,
					  &cq.to)))
				return r;
			break;
		case OPT_FROM:
			if ((r = week_arg(cli, "supply completeness", optarg,
					  &cq.from)))
				return r;
			break;
		case OPT_PREF: pref = optarg; break;
		case OPT_BY:
			if (!strcmp(optarg, "pref"))
				cq.by = KB_COMPL_BY_PREF;
			else if (!strcmp(optarg, "device"))
				cq.by = KB_COMPL_BY_DEVICE;
			else
				return cli_usage_error(
					cli, "supply completeness",
					CLI_T(cli,
					      "--by: '%s' is neither 'pref' nor 'device'",
					      "--by: '%s' は 'pref' でも 'device' でもありません"),
					optarg);
			break;
		case OPT_COMPLETENESS:
			if ((r = pct_arg(cli, "supply completeness", optarg,
					 &threshold)))
				return r;
			break;
		case OPT_SET_THRESHOLD:
			if ((r = pct_arg(cli, "supply completeness", optarg,
					 &set)))
				return r;
			break;
		default:
			if ((r = cli_option(cli, c, "supply completeness", argv,
					    completeness_en, completeness_ja)) >=
			    0)
				return r;
		}
	}
	if (pref && cq.by == KB_COMPL_BY_PREF)
		return cli_usage_error(
			cli, "supply completeness", "%s",
			CLI_T(cli, "--by pref is national: give no --pref",
			      "--by pref は全国についてです（--pref は指定できません）"));
	if (set >= 0) {
		if ((r = cli_open(cli, 0, &s)))
			return r;
		r = kb_completeness_threshold_set(s, set, cli->user, cli->now,
						  &cli->err);
		kb_store_close(s);
		if (r)
			return cli_fail(cli, r);
		if (!cli->quiet)
			printf(CLI_T(cli,
				     "a week is complete from now on when %g%% of hospitals have reported it\n",
				     "以後、病院の %g%% が報告した週を「報告のそろった週」とします\n"),
			       set);
		return 0;
	}
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	memset(&rw, 0, sizeof(rw));
	if (pref && (r = pref_arg(cli, &sup, pref, &cq.pref)))
		goto out;
	if ((r = kb_report_weeks(s, threshold, &rw, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (cq.to < 0) {
		cq.to = rw.shown.week;
		if (cq.from > cq.to && cq.to >= 0)
			cq.to = cq.from;
	}
	if ((r = kb_completeness(s, &sup, &cq, &t, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (f.json) {
		json_t *j = kb_report_weeks_to_json(&rw), *a = json_array();
		for (i = 0; i < t.n; i++)
			json_array_append_new(a, kb_compl_to_json(&sup, &t.v[i]));
		json_object_set_new(j, "rows", a);
		r = cli_print_json(cli, j);
	} else if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		struct kb_csvw w;
		kb_csvw_init(&w, &out, f.bom);
		kb_buf_adds(&out, "week,prefecture,device,expected,reported,"
				  "on_time,rate,on_time_rate\r\n");
		for (i = 0; i < t.n; i++) {
			const struct kb_compl *x = &t.v[i];
			char wk[16];
			kb_week_format(x->week, wk);
			kb_csvw_field(&w, wk);
			kb_csvw_fieldf(&w, "%02d", x->pref);
			kb_csvw_field(&w, x->device != KB_NONE
						  ? sup.devices[x->device].code
						  : "");
			kb_csvw_fieldf(&w, "%d", x->expected);
			kb_csvw_fieldf(&w, "%d", x->reported);
			kb_csvw_fieldf(&w, "%d", x->on_time);
			if (x->rate < 0) {
				kb_csvw_field(&w, "NA");
				kb_csvw_field(&w, "NA");
			} else {
				kb_csvw_fieldf(&w, "%.2f", x->rate);
				kb_csvw_fieldf(&w, "%.2f", x->on_time_rate);
			}
			kb_csvw_end(&w);
		}
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else {
		struct cli_table tb;
		int scoped = cq.by != KB_COMPL_TOTAL;
		if (!cli->quiet) {
			printf(CLI_T(cli,
				     "A week is complete at %g%% of hospitals reporting.\n",
				     "病院の %g%% が報告した週を「報告のそろった週」とします。\n"),
			       rw.threshold);
			if (rw.shown.week >= 0) {
				print_compl(
					cli,
					rw.complete
						? "Latest complete week:"
						: "Most complete week (none has reached it):",
					rw.complete
						? "報告のそろった最新の週: "
						: "最も報告の多い週（閾値に達した週なし）: ",
					&rw.shown, NULL);
				putchar('\n');
			}
			for (i = 0; i < rw.ncoming; i++) {
				print_compl(cli, "Still coming in:",
					    "報告受付中: ", &rw.coming[i], NULL);
				putchar('\n');
			}
			putchar('\n');
		}
		if (scoped)
			cli_table_init(
				&tb, 7, CLI_T(cli, "Week", "週"),
				cq.by == KB_COMPL_BY_DEVICE
					? CLI_T(cli, "Device", "機器")
					: CLI_T(cli, "Prefecture", "都道府県"),
				CLI_T(cli, "Expected", "報告すべき病院"),
				CLI_T(cli, "Reported", "報告"),
				CLI_T(cli, "On time", "期限内"),
				CLI_T(cli, "Rate", "報告率"),
				CLI_T(cli, "On time %", "期限内率"));
		else
			cli_table_init(&tb, 6, CLI_T(cli, "Week", "週"),
				       CLI_T(cli, "Expected", "報告すべき病院"),
				       CLI_T(cli, "Reported", "報告"),
				       CLI_T(cli, "On time", "期限内"),
				       CLI_T(cli, "Rate", "報告率"),
				       CLI_T(cli, "On time %", "期限内率"));
		if (scoped)
			cli_table_limit(&tb, 1, 30);
		for (i = 0; i < t.n; i++) {
			const struct kb_compl *x = &t.v[i];
			char wk[16], e[16], rp[16], ot[16], ra[16], or [16];
			const char *who;
			kb_week_format(x->week, wk);
			snprintf(e, sizeof(e), "%d", x->expected);
			snprintf(rp, sizeof(rp), "%d", x->reported);
			snprintf(ot, sizeof(ot), "%d", x->on_time);
			fmt_rate(ra, sizeof(ra), x->rate);
			fmt_rate(or, sizeof(or), x->on_time_rate);
			if (!scoped) {
				cli_table_row(&tb, wk, e, rp, ot, ra, or);
				continue;
			}
			if (x->device != KB_NONE)
				who = name_of(cli, sup.devices[x->device].name_ja,
					      sup.devices[x->device].name_en);
			else if (x->pref)
				who = name_of(cli, sup.prefs[x->pref - 1].name_ja,
					      sup.prefs[x->pref - 1].name_en);
			else
				who = CLI_T(cli, "National", "全国");
			cli_table_row(&tb, wk, who, e, rp, ot, ra, or);
		}
		cli_table_print(&tb, stdout);
		cli_table_release(&tb);
	}
out:
	kb_compl_table_release(&t);
	kb_report_weeks_release(&rw);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const char missing_en[] =
	"Usage: kiban supply missing [OPTION]...\n"
	"The hospitals that have not sent a stock report for a week (the latest\n"
	"complete week by default), nationally or in a prefecture, each with the week\n"
	"of its last report before it (or never) and for how many weeks it has been\n"
	"silent; by prefecture, the longest silent first.\n\n"
	"  --week W            the week\n"
	"  --pref P            the hospitals of prefecture P\n"
	"  --completeness PCT  the default week: the latest with PCT% of hospitals\n"
	"                      reporting (for this call)\n"
	"  --json, --csv       for scripts, for Excel (--bom)\n";
static const char missing_ja[] =
	"使い方: kiban supply missing [オプション]...\n"
	"ある週（既定は報告のそろった最新の週）に在庫報告のない病院を、全国または\n"
	"都道府県について、その前の最後の報告の週（なければ「なし」）と、報告のない\n"
	"週数とともに表示します。都道府県順、報告のない期間の長い順です。\n\n"
	"  --week W            週\n"
	"  --pref P            都道府県 P の病院\n"
	"  --completeness PCT  既定の週: 病院の PCT% の報告がそろった最新の週\n"
	"                      （この実行のみ）\n"
	"  --json, --csv       スクリプト向け、Excel 向け（--bom）\n";

static int supply_missing(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_FORMAT_OPTIONS,
		{ "week", required_argument, NULL, OPT_WEEK },
		{ "pref", required_argument, NULL, OPT_PREF },
		{ "completeness", required_argument, NULL, OPT_COMPLETENESS },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_format f = { 0 };
	struct kb_missing_list m = { 0 };
	const char *pref = NULL;
	double threshold = -1;
	struct kb_store *s;
	struct kb_supply sup;
	int c, r, week = -1, p = 0;
	size_t i;
	char wk[16];

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (cli_format_option(&f, c))
			continue;
		switch (c) {
		case OPT_WEEK:
			if ((r = week_arg(cli, "supply missing", optarg, &week)))
				return r;
			break;
		case OPT_PREF: pref = optarg; break;
		case OPT_COMPLETENESS:
			if ((r = pct_arg(cli, "supply missing", optarg,
					 &threshold)))
				return r;
			break;
		default:
			if ((r = cli_option(cli, c, "supply missing", argv,
					    missing_en, missing_ja)) >= 0)
				return r;
		}
	}
	if ((r = open_registry(cli, KB_STORE_READONLY, &s, &sup)))
		return r;
	if (pref && (r = pref_arg(cli, &sup, pref, &p)))
		goto out;
	if (week < 0 && threshold >= 0 &&
	    (week = kb_supply_shown_week(s, threshold, &cli->err)) < -1) {
		r = cli_fail(cli, week);
		goto out;
	}
	if ((r = kb_missing_reports(s, &sup, week, p, &m, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	kb_week_format(m.week, wk);
	if (f.json) {
		json_t *a = json_array();
		for (i = 0; i < m.n; i++)
			json_array_append_new(a,
					      kb_missing_to_json(&sup, &m.v[i]));
		r = cli_print_json(
			cli, json_pack("{s:s, s:i, s:i, s:i, s:o}", "week", wk,
				       "prefecture", p, "expected", m.expected,
				       "missing", (int)m.n, "hospitals", a));
	} else if (f.csv) {
		struct kb_buf out = KB_BUF_INIT;
		struct kb_csvw w;
		kb_csvw_init(&w, &out, f.bom);
		kb_buf_adds(&out, "week,facility,name_ja,name_en,prefecture,"
				  "last_report,silent_weeks\r\n");
		for (i = 0; i < m.n; i++) {
			const struct kb_org *o = &sup.orgs[m.v[i].org];
			char lw[16];
			kb_csvw_field(&w, wk);
			kb_csvw_field(&w, o->id);
			kb_csvw_field(&w, o->name_ja);
			kb_csvw_field(&w, o->name_en);
			kb_csvw_fieldf(&w, "%02d", o->pref);
			if (m.v[i].last >= 0) {
				kb_week_format(m.v[i].last, lw);
				kb_csvw_field(&w, lw);
				kb_csvw_fieldf(&w, "%d", m.v[i].silent_weeks);
			} else {
				kb_csvw_field(&w, "");
				kb_csvw_field(&w, "");
			}
			kb_csvw_end(&w);
		}
		r = cli_write(cli, &out, "-");
		kb_buf_release(&out);
	} else {
		struct cli_table t;
		const char *where = p ? name_of(cli, sup.prefs[p - 1].name_ja,
						sup.prefs[p - 1].name_en)
				      : CLI_T(cli, "nationally", "全国");
		if (!cli->quiet && cli->lang == KB_LANG_JA)
			printf("%s の週（%s）: %d 病院中 %zu 病院から在庫報告がありません\n",
			       wk, where, m.expected, m.n);
		else if (!cli->quiet)
			printf("Week of %s (%s): %zu of %d hospitals have sent no stock report\n",
			       wk, where, m.n, m.expected);
		cli_table_init(&t, 5, CLI_T(cli, "Hospital", "病院"),
			       CLI_T(cli, "Name", "名称"),
			       CLI_T(cli, "Prefecture", "都道府県"),
			       CLI_T(cli, "Last report", "最終報告"),
			       CLI_T(cli, "Weeks silent", "報告なしの週数"));
		cli_table_limit(&t, 1, 30);
		for (i = 0; i < m.n; i++) {
			const struct kb_org *o = &sup.orgs[m.v[i].org];
			char lw[16], n[16];
			if (m.v[i].last >= 0) {
				kb_week_format(m.v[i].last, lw);
				snprintf(n, sizeof(n), "%d", m.v[i].silent_weeks);
			} else {
				snprintf(lw, sizeof(lw), "%s",
					 CLI_T(cli, "never", "なし"));
				snprintf(n, sizeof(n), "-");
			}
			cli_table_row(
				&t, o->id, name_of(cli, o->name_ja, o->name_en),
				o->pref ? name_of(cli,
						  sup.prefs[o->pref - 1].name_ja,
						  sup.prefs[o->pref - 1].name_en)
					: "-",
				lw, n);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
out:
	kb_missing_list_release(&m);
	kb_supply_release(&sup);
	kb_store_close(s);
	return r;
}

static const struct cli_cmd cmds[] = {
	{ "import", supply_import,
	  "import devices, organisations, sites, components, the chain or reports",
	  "機器・組織・拠点・部品・サプライチェーン・報告を取り込む" },
	{ "load", supply_load, "import a directory of generated files",
	  "生成データのディレクトリを取り込む" },
	{ "generate", supply_generate, "write a generated national data set",
	  "全国規模の生成データを書き出す" },
	{ "devices", supply_devices, "list the device types",
	  "機器の種類を一覧する" },
	{ "device", supply_device, "show a device: criteria, history, chain risk",
	  "機器を表示する（基準、履歴、供給リスク）" },
	{ "designate", supply_designate,
	  "designate an essential device, or withdraw it",
	  "必要不可欠な機器を指定・取消する" },
	{ "thresholds", supply_thresholds,
	  "set a device's monitoring thresholds", "機器の監視閾値を設定する" },
	{ "orgs", supply_orgs, "list hospitals, manufacturers, suppliers",
	  "病院・製造販売業者・供給者を一覧する" },
	{ "prefectures", supply_prefectures, "list the 47 prefectures",
	  "47 都道府県を一覧する" },
	{ "chain", supply_chain, "show a device's supply chain",
	  "機器のサプライチェーンを表示する" },
	{ "risk", supply_risk, "single sources, concentration, country dependence",
	  "単一供給源、集中度、国への依存" },
	{ "impact", supply_impact,
	  "what a stopped site, supplier, country or region costs",
	  "拠点・供給者・国・地域の停止の影響" },
	{ "reports", supply_reports, "list the reports received",
	  "受け付けた報告を一覧する" },
	{ "status", supply_status, "days of supply and stock status",
	  "在庫日数と在庫状況" },
	{ "alerts", supply_alerts, "early warnings with their reasons",
	  "早期警報とその理由" },
	{ "signals", supply_signals,
	  "the alerts of each problem grouped, with onset and trend",
	  "問題ごとにまとめた警報（発生週・傾向）" },
	{ "recompute", supply_recompute, "rewrite the weekly aggregates",
	  "週次集計を作り直す" },
	{ "incident", supply_incident, "the supply council's incident log",
	  "供給不安に関する協議の場の事案記録" },
	{ "kpi", supply_kpi, "figures for the plan's KPIs",
	  "計画の KPI 向けの数値" },
	{ "completeness", supply_completeness,
	  "how many hospitals reported each week, on time",
	  "週ごとの病院の報告率と期限内の報告" },
	{ "missing", supply_missing, "the hospitals that have not reported a week",
	  "ある週に報告のない病院" },
};

int cmd_supply(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "supply", cmds, KB_ARRAY_SIZE(cmds), NULL,
			    argc, argv);
}
