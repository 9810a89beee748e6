/*
 * cmd_supply.c - 'kiban supply': its table of commands.  Each command is in
 * the file of its group (supply_registry.c, supply_chain.c,
 * supply_reports.c, supply_monitor.c, supply_incident.c) over what they
 * share in supply.c.
 */
#include "supply.h"

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
