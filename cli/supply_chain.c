/*
 * supply_chain.c - the supply-chain map of 'kiban supply': a device's
 * chain as a tree (chain), the risks of the essential devices' chains
 * (risk), and what a stopped site, supplier, country or region costs
 * (impact).
 */
#include "supply.h"

/* Opens the registry and the chain; the exit status. */
static int open_chain(struct sctx *x, struct kb_chain *ch)
{
	int r;
	memset(ch, 0, sizeof(*ch));
	if ((r = sctx_open(x, KB_STORE_READONLY, 0)))
		return r;
	if ((r = kb_chain_load(x->s, &x->sup, ch, &x->cli->err))) {
		sctx_close(x);
		return cli_fail(x->cli, r);
	}
	return 0;
}

static void close_chain(struct sctx *x, struct kb_chain *ch)
{
	kb_chain_release(ch);
	sctx_close(x);
}

static void print_tree(struct cli *cli, const struct kb_chain *ch,
		       const struct kb_supply *sup, size_t i, int depth)
{
	size_t j, c = kb_supply_component(sup, ch->item[i]);
	const char *name = c != KB_NONE ? NAME(cli, &sup->components[c])
			   : ch->device[i] != KB_NONE
				   ? NAME(cli, &sup->devices[ch->device[i]])
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

static const struct cli_spec chain_spec = {
	"supply chain",
	"[OPTION]... CODE",
	"[オプション]... コード",
	"Show the supply chain of a device: its sources (@ site, organisation,\n"
	"country, region, share) and, indented, its inputs with theirs, every tier.\n",
	"機器のサプライチェーンを表示します: 製造拠点（@ 拠点、組織、国、地域、\n"
	"シェア）と、字下げしてその部材とそれぞれの製造拠点を全階層。\n",
	NULL,
	0,
	0,
	0,
};

int supply_chain(struct cli *cli, int argc, char **argv)
{
	struct sctx x = SCTX_INIT(cli);
	struct kb_chain ch;
	size_t i;
	int r;

	if ((r = parse_code(cli, &chain_spec, argc, argv, &x.a)) >= 0 ||
	    (r = open_chain(&x, &ch)))
		return r;
	if ((i = kb_chain_item(&ch, argv[optind])) == KB_NONE) {
		kb_err_set(&cli->err, KB_ENOTFOUND,
			   CLI_T(cli, "'%s' has no supply chain mapped",
				 "'%s' のサプライチェーンは登録されていません"),
			   argv[optind]);
		r = cli_fail(cli, KB_ENOTFOUND);
	} else {
		print_tree(cli, &ch, &x.sup, i, 0);
	}
	close_chain(&x, &ch);
	return r;
}

static const struct cli_opt formats_opts[] = {
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec risk_spec = {
	"supply risk",
	"[OPTION]...",
	"[オプション]...",
	"For each essential device with a mapped chain: its sources and suppliers,\n"
	"the Herfindahl-Hirschman index of its suppliers (10000 = one supplier),\n"
	"inputs at any tier that have a single supplier, the country whose stop\n"
	"would cost it most, and its import dependence; most exposed first.\n",
	"サプライチェーンが登録された必要不可欠な機器ごとに、製造拠点と供給者、\n"
	"供給者のハーフィンダール・ハーシュマン指数（10000 = 一社）、供給者が一社\n"
	"だけの部材（全階層）、止まると最も影響の大きい国、輸入依存度を、影響の\n"
	"大きい順に表示します。\n",
	formats_opts,
	18,
	18,
	0,
};

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

static const struct cli_col risk_cols[] = {
	{ "device", "Code", "コード", CLI_TEXT, CLI_ALL, 0, NULL },
	{ NULL, "Device", "機器", CLI_TEXT, CLI_TAB, 28, NULL },
	{ "name_ja", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "name_en", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "sources", NULL, NULL, CLI_INT, CLI_DATA, 0, NULL },
	{ "suppliers", NULL, NULL, CLI_INT, CLI_DATA, 0, NULL },
	{ "hhi", "HHI", "HHI", CLI_REAL, CLI_ALL, 0, "%.0f" },
	{ "single_source_inputs", "1-supplier inputs", "一社依存部材", CLI_INT,
	  CLI_ALL, 0, NULL },
	{ "most_concentrated_input", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Top country", "最大依存国", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "top_country", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ NULL, "Loss if it stops", "停止時の減少", CLI_REAL, CLI_TAB, 0,
	  "%.0f%%" },
	{ "top_country_loss", NULL, NULL, CLI_REAL, CLI_DATA, 0, "%.4f" },
	{ NULL, "Import dep.", "輸入依存", CLI_REAL, CLI_TAB, 0, "%.0f%%" },
	{ "import_dependence", NULL, NULL, CLI_REAL, CLI_DATA, 0, "%.4f" },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct risk_ctx {
	struct sctx x;
	struct kb_chain ch;
	struct risk_row *rows;
};

static int risk_cells(struct cli_row *r, size_t i, void *ctx)
{
	struct risk_ctx *rc = ctx;
	const struct kb_device *d = &rc->x.sup.devices[rc->rows[i].dev];
	const struct kb_chain_risk *k = &rc->rows[i].k;
	cli_str(r, d->code);
	cli_str(r, NAME(rc->x.cli, d));
	cli_str(r, d->name_ja);
	cli_str(r, d->name_en);
	cli_int(r, (long long)k->nsources);
	cli_int(r, (long long)k->nsuppliers);
	cli_num(r, k->hhi);
	cli_int(r, (long long)k->single_source);
	cli_str(r, k->worst_input != KB_NONE ? rc->ch.item[k->worst_input] : "");
	cli_str(r, k->top_country ? k->top_country : "-");
	cli_str(r, k->top_country ? k->top_country : "");
	cli_num(r, k->top_country_loss * 100);
	cli_num(r, k->top_country_loss);
	cli_num(r, k->import_dependence * 100);
	cli_num(r, k->import_dependence);
	return 1;
}

static json_t *risk_json(size_t i, void *ctx)
{
	struct risk_ctx *rc = ctx;
	json_t *j = kb_chain_risk_to_json(&rc->ch, &rc->rows[i].k);
	json_object_set_new(j, "device",
			    json_string(rc->x.sup.devices[rc->rows[i].dev].code));
	return j;
}

int supply_risk(struct cli *cli, int argc, char **argv)
{
	struct risk_ctx rc = { .x = SCTX_INIT(cli) };
	struct cli_list l = { risk_cols, 0,   risk_cells, risk_json,
			      NULL,	 &rc, 0,	  0 };
	size_t i;
	int r;

	if ((r = cli_parse(cli, &risk_spec, argc, argv, &rc.x.a)) >= 0 ||
	    (r = open_chain(&rc.x, &rc.ch)))
		return r;
	rc.rows = kb_calloc(rc.ch.nitem + 1, sizeof(*rc.rows));
	for (i = 0; i < rc.ch.nitem; i++) {
		size_t d = rc.ch.device[i];
		if (d == KB_NONE || !rc.x.sup.devices[d].essential)
			continue;
		rc.rows[l.n].dev = d;
		kb_chain_risk(&rc.ch, &rc.x.sup, i, &rc.rows[l.n].k);
		l.n++;
	}
	qsort(rc.rows, l.n, sizeof(*rc.rows), by_exposure);
	r = cli_list(cli, &rc.x.a.f, &l);
	for (i = 0; i < l.n; i++)
		free(rc.rows[i].k.top_country);
	free(rc.rows);
	close_chain(&rc.x, &rc.ch);
	return r;
}

enum { I_SITE = OPT_FIRST_OWN, I_SUPPLIER, I_COUNTRY, I_REGION };

/* The stops are in the usage line: the help lists the formats only. */
static const struct cli_opt impact_opts[] = {
	{ "site", 0, CLI_CALL | CLI_HIDE, "ID", NULL, NULL, NULL, I_SITE },
	{ "supplier", 0, CLI_CALL | CLI_HIDE, "ID", NULL, NULL, NULL, I_SUPPLIER },
	{ "country", 0, CLI_CALL | CLI_HIDE, "CC", NULL, NULL, NULL, I_COUNTRY },
	{ "region", 0, CLI_CALL | CLI_HIDE, "R", NULL, NULL, NULL, I_REGION },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec impact_spec = {
	"supply impact",
	"[OPTION]... (--site ID | --supplier ID | --country CC | --region R)",
	"[オプション]... (--site ID | --supplier ID | --country 国 | --region 地域)",
	"If this site, supplier, country or region stops, which devices lose what\n"
	"share of their supply (through every tier of the chain); largest loss first.\n",
	"この拠点・供給者・国・地域が止まると、どの機器の供給がどれだけ失われるか\n"
	"（サプライチェーンの全階層を通して）を、影響の大きい順に表示します。\n",
	impact_opts,
	18,
	18,
	0,
};

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

static const struct cli_col impact_cols[] = {
	{ "device", "Code", "コード", CLI_TEXT, CLI_ALL, 0, NULL },
	{ NULL, "Device", "機器", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "name_ja", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "name_en", NULL, NULL, CLI_TEXT, CLI_DATA, 0, NULL },
	{ "essential", NULL, NULL, CLI_BOOL, CLI_DATA, 0, NULL },
	{ "loss", NULL, NULL, CLI_REAL, CLI_DATA, 0, "%.4f" },
	{ NULL, "Supply lost", "失われる供給", CLI_REAL, CLI_TAB, 0, "%.0f%%" },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct impact_ctx {
	struct sctx x;
	struct loss *ls;
};

static int impact_row(struct cli_row *r, size_t i, void *ctx)
{
	struct impact_ctx *ic = ctx;
	const struct kb_device *d = &ic->x.sup.devices[ic->ls[i].dev];
	cli_str(r, d->code);
	cli_str(r, NAME(ic->x.cli, d));
	cli_str(r, d->name_ja);
	cli_str(r, d->name_en);
	cli_bool(r, d->essential);
	cli_num(r, ic->ls[i].loss);
	cli_num(r, ic->ls[i].loss * 100);
	return 1;
}

int supply_impact(struct cli *cli, int argc, char **argv)
{
	struct impact_ctx ic = { .x = SCTX_INIT(cli) };
	struct cli_list l = { impact_cols, 0, impact_row, NULL, NULL, &ic, 0, 0 };
	struct kb_chain ch;
	unsigned char *down;
	double *avail;
	const char *id = NULL;
	enum kb_stop what = KB_STOP_SITE;
	size_t i, nd;
	int r, given = 0;

	while ((r = cli_parse(cli, &impact_spec, argc, argv, &ic.x.a)) >=
	       OPT_FIRST_OWN) {
		what = (enum kb_stop)(r - I_SITE);
		id = optarg;
		given++;
	}
	if (r >= 0)
		return r;
	if (given != 1 || optind != argc)
		return cli_usage_error(
			cli, "supply impact", "%s",
			CLI_T(cli,
			      "expected one of --site, --supplier, --country, --region",
			      "--site, --supplier, --country, --region のいずれか一つを指定してください"));
	if ((r = open_chain(&ic.x, &ch)))
		return r;
	down = kb_calloc(ic.x.sup.nsites + 1, 1);
	avail = kb_calloc(ch.nitem + 1, sizeof(double));
	ic.ls = kb_calloc(ch.nitem + 1, sizeof(*ic.ls));
	nd = kb_chain_stop(&ic.x.sup, what, id, down);
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
			ic.ls[l.n].dev = ch.device[i];
			ic.ls[l.n++].loss = 1 - avail[i];
		}
	qsort(ic.ls, l.n, sizeof(*ic.ls), by_loss);
	if (!ic.x.a.f.json && !ic.x.a.f.csv && !cli->quiet)
		printf(CLI_T(cli, "%zu sites stop; %zu device types lose supply\n",
			     "停止する拠点 %zu、供給が減る機器 %zu 種類\n"),
		       nd, l.n);
	r = cli_list(cli, &ic.x.a.f, &l);
out:
	free(down);
	free(avail);
	free(ic.ls);
	close_chain(&ic.x, &ch);
	return r;
}
