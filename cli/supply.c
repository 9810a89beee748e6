/*
 * supply.c - 'kiban supply': its table of commands, and what they share
 * (supply.h): the registry opened with the arguments that name a device or
 * a prefecture checked, and the messages of those checks.  The commands
 * are in supply_registry.c, supply_chain.c, supply_reports.c,
 * supply_monitor.c and supply_incident.c.
 */
#include "supply.h"

int open_registry(struct cli *cli, int flags, struct kb_store **s,
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

int sctx_open(struct sctx *x, int flags, int check)
{
	const struct sargs *a = &x->a;
	int r;
	x->dev = KB_NONE;
	x->pref = check & SX_REGION ? -1 : 0;
	if ((r = open_registry(x->cli, flags, &x->s, &x->sup)))
		return r;
	if ((check & SX_DEVICE) && a->device &&
	    (r = device_arg(x->cli, &x->sup, a->device, &x->dev)))
		goto fail;
	if ((check & (SX_PREF | SX_REGION)) && a->pref &&
	    (r = (check & SX_REGION ? region_arg : pref_arg)(x->cli, &x->sup,
							     a->pref, &x->pref)))
		goto fail;
	return 0;
fail:
	sctx_close(x);
	return r;
}

void sctx_close(struct sctx *x)
{
	if (!x->s)
		return;
	kb_supply_release(&x->sup);
	kb_store_close(x->s);
	x->s = NULL;
}

int parse_code(struct cli *cli, const struct cli_spec *sp, int argc,
	       char **argv, struct sargs *a)
{
	int r = cli_parse(cli, sp, argc, argv, a);
	if (r >= 0 || (r = cli_operands(cli, sp, argc, 1, "expected one CODE",
					"コードを一つ指定してください")))
		return r;
	return -1;
}

const char *name_of(struct cli *cli, const char *ja, const char *en)
{
	return cli->lang == KB_LANG_JA ? ja : en;
}

int device_arg(struct cli *cli, const struct kb_supply *sup, const char *code,
	       size_t *d)
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

int pref_arg(struct cli *cli, const struct kb_supply *sup, const char *s, int *p)
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

int region_arg(struct cli *cli, const struct kb_supply *sup, const char *s,
	       int *p)
{
	if (!strcmp(s, "0") || !strcasecmp(s, "national") || !strcmp(s, "全国")) {
		*p = 0;
		return 0;
	}
	return pref_arg(cli, sup, s, p);
}

int severity_arg(struct cli *cli, const char *cmd, const char *s, int lowest,
		 int *sev)
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

void print_compl(struct cli *cli, const char *label_en, const char *label_ja,
		 const struct kb_compl *c, const char *scope)
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
