/*
 * supply_monitor.c - the monitoring of 'kiban supply': days of supply and
 * stock status of a week (status), the early warnings (alerts), the
 * alerts of each problem grouped into signals (signals), and the figures
 * for the plan's KPIs (kpi).
 */
#include "supply.h"

#include "kiban/kpi.h"

enum { M_SEVERITY = OPT_FIRST_OWN, M_STATE, M_CAUSE };

/* ---- status ---- */

static const struct cli_opt status_opts[] = {
	{ "week", 0, CLI_WEEK, "W", NULL,
	  "the week (a date such as 2026-11-16, or 2026-W47)",
	  "週（2026-11-16 のような日付か 2026-W47）", SA(week) },
	{ "completeness", 0, CLI_PCT, "PCT", NULL,
	  "a week is complete at PCT% of hospitals reporting\n"
	  "(for this call; the stored threshold otherwise)",
	  "病院の PCT% が報告した週を「そろった週」とする\n"
	  "（この実行のみ。既定は保存された閾値）",
	  SA(completeness) },
	{ "pref", 0, CLI_STR, "P", NULL, "every device in prefecture P",
	  "都道府県 P の全機器", SA(pref) },
	{ "device", 0, CLI_STR, "CODE", "コード",
	  "that device in every prefecture", "その機器の全都道府県", SA(device) },
	{ "facility", 0, CLI_STR, "ID", NULL, "every device at that hospital",
	  "その病院の全機器", SA(facility) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec status_spec = {
	"supply status",
	"[OPTION]...",
	"[オプション]...",
	"Days of supply and stock status of the essential devices for one week (the\n"
	"latest complete week by default): nationally with supply against demand, in\n"
	"a prefecture, for one device in every prefecture, or at one facility.\n"
	"Consumption is adjusted for the days a facility was stocked out and smoothed\n"
	"over recent weeks.  Status: stocked out, under, adequate, over, unknown\n"
	"(thresholds per device: 'kiban supply thresholds').  The header says how many\n"
	"hospitals reported the week, and apart the week still coming in, which the\n"
	"figures leave out ('kiban supply completeness').\n",
	"ある週（既定は報告のそろった最新の週）の必要不可欠な機器の在庫日数と在庫状況を\n"
	"表示します: 全国（供給と需要の比較つき）、都道府県ごと、一つの機器の全都道府県、\n"
	"一つの医療機関。使用量は欠品日数で補正し、直近数週で平滑化します。\n"
	"状況: 欠品、不足、適正、過剰、不明（閾値は機器ごと: 'kiban supply thresholds'）。\n"
	"見出しにその週に報告した病院の数を、別の行に報告受付中の週（数値には含めません）\n"
	"を示します（'kiban supply completeness'）。\n",
	status_opts,
	18,
	18,
	0,
};

/* Column 1 is a device's name, or the prefecture's with --device; the
 * last, supply against demand, is the nation's only. */
static const struct cli_col status_cols[] = {
	{ "week", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, "Device", "機器", CLI_TEXT, CLI_TAB, 30, NULL },
	{ "device", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "prefecture", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "facilities", "Reporting", "報告数", CLI_INT, CLI_ALL, 0, NULL },
	{ NULL, "Stock", "在庫", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "stock", NULL, NULL, CLI_REAL, CLI_CSV, 0, NULL },
	{ "consumption", NULL, NULL, CLI_REAL, CLI_CSV, 0, NULL },
	{ NULL, "Use/day", "使用/日", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "expected_daily_use", NULL, NULL, CLI_REAL, CLI_CSV, 0, "%.2f" },
	{ NULL, "Days", "在庫日数", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "days_of_supply", NULL, NULL, CLI_REAL, CLI_CSV, 0, "%.1f" },
	{ NULL, "Status", "状況", CLI_TEXT, CLI_TAB, 0, NULL },
	{ "status", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "stockout_facilities", "Out", "欠品施設", CLI_INT, CLI_ALL, 0, NULL },
	{ "stockout_days", NULL, NULL, CLI_INT, CLI_CSV, 0, NULL },
	{ "supply", NULL, NULL, CLI_REAL, CLI_CSV, 0, NULL },
	{ "shipments", NULL, NULL, CLI_REAL, CLI_CSV, 0, NULL },
	{ "level", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "signal", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, "Supply/demand", "供給/需要", CLI_TEXT, CLI_TAB, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct status_ctx {
	struct sctx x;
	struct kb_supply_status st;
	enum kb_status_scope scope;
	char wk[16];
};

/* A figure for the table: "-" when unknown. */
static void fig(struct cli_row *r, double v, int dec)
{
	if (v < 0)
		cli_str(r, "-");
	else
		cli_strf(r, "%.*f", dec, v);
}

/* What a row is about: the device, or with --device the prefecture. */
static const char *status_who(struct status_ctx *sc,
			      const struct kb_status_row *x)
{
	const struct kb_supply *sup = &sc->x.sup;
	return sc->scope == KB_SCOPE_BY_PREF
		       ? NAME(sc->x.cli, &sup->prefs[x->pref - 1])
		       : NAME(sc->x.cli, &sup->devices[x->device]);
}

static int status_row(struct cli_row *r, size_t i, void *ctx)
{
	struct status_ctx *sc = ctx;
	const struct kb_status_row *x = &sc->st.v[i];
	cli_str(r, sc->wk);
	cli_str(r, status_who(sc, x));
	cli_str(r, sc->x.sup.devices[x->device].code);
	cli_strf(r, "%02d", x->pref);
	cli_int(r, x->figs.facilities);
	fig(r, x->figs.stock, 0);
	cli_num(r, x->figs.stock);
	cli_num(r, x->figs.consumption);
	fig(r, x->calc.daily, 1);
	cli_num(r, x->calc.daily);
	fig(r, x->calc.dos, 1);
	cli_num(r, x->calc.dos);
	cli_str(r, kb_status_level_name(x, sc->x.cli->lang));
	cli_str(r, kb_stock_status_key(x->calc.status));
	cli_int(r, x->figs.stockout_facilities);
	cli_int(r, x->figs.stockout_days);
	if (x->supply >= 0) {
		cli_num(r, x->supply);
		cli_num(r, x->shipments);
	} else {
		cli_none(r);
		cli_none(r);
	}
	cli_str(r, kb_status_level_key(x));
	cli_str(r, x->risk_key);
	if (x->supply >= 0 && x->calc.daily > 0)
		cli_strf(r, "%.2f", x->shipments / (x->calc.daily * 7));
	else
		cli_str(r, "-");
	return 1;
}

static json_t *status_json(size_t i, void *ctx)
{
	struct status_ctx *sc = ctx;
	return kb_status_row_to_json(&sc->x.sup, sc->st.week, &sc->st.v[i],
				     sc->x.cli->lang);
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

/* The header: the week's completeness and the weeks coming in. */
static void status_head(struct cli *cli, const struct kb_report_weeks *rw,
			int asked, const struct kb_compl *here,
			const struct kb_compl *coming, size_t ncoming,
			const char *scope)
{
	size_t i;
	print_compl(cli, "Week of", "", here, scope);
	putchar('\n');
	if (!asked && !rw->complete)
		printf(CLI_T(cli,
			     "(no week has reached %g%% of hospitals reporting: the most complete one is shown)\n",
			     "（病院の %g%% の報告がそろった週がないため、最も報告の多い週を表示しています）\n"),
		       rw->threshold);
	for (i = 0; i < ncoming; i++) {
		print_compl(cli, "Still coming in: week of",
			    "報告受付中: ", &coming[i], scope);
		fputs(CLI_T(cli, "; not in the figures below\n",
			    "（以下の数値には含めていません）\n"),
		      stdout);
	}
}

int supply_status(struct cli *cli, int argc, char **argv)
{
	struct status_ctx sc = { .x = SCTX_INIT(cli) };
	struct sctx *x = &sc.x;
	struct cli_col cols[KB_ARRAY_SIZE(status_cols)];
	struct cli_list l = { cols, 0, status_row, status_json, NULL, &sc, 0, 0 };
	struct kb_status_query q = { KB_SCOPE_NATION, -1, 0, 0, 0, NULL };
	struct kb_report_weeks rw;
	struct kb_compl here, nation, *coming = NULL;
	size_t ncoming = 0, i;
	const char *fac;
	int r, asked;

	if ((r = cli_parse(cli, &status_spec, argc, argv, &x->a)) >= 0)
		return r;
	fac = x->a.facility;
	if (!!x->a.pref + !!x->a.device + !!fac > 1)
		return cli_usage_error(
			cli, "supply status", "%s",
			CLI_T(cli,
			      "give at most one of --pref, --device, --facility",
			      "--pref, --device, --facility は一つまでです"));
	if ((r = sctx_open(x, KB_STORE_READONLY, SX_PREF | SX_DEVICE)))
		return r;
	memset(&rw, 0, sizeof(rw));
	q.week = x->a.week;
	asked = q.week >= 0;
	if (x->a.pref) {
		q.scope = KB_SCOPE_PREF;
		q.pref = x->pref;
	} else if (x->a.device) {
		q.scope = KB_SCOPE_BY_PREF;
		q.device = x->dev;
	} else if (fac) {
		q.scope = KB_SCOPE_FACILITY;
		if ((q.facility = kb_supply_org(&x->sup, fac)) == KB_NONE ||
		    x->sup.orgs[q.facility].kind != KB_ORG_HOSPITAL) {
			kb_err_set(&cli->err, KB_ENOTFOUND,
				   CLI_T(cli, "no hospital with id '%s'",
					 "ID '%s' の病院はありません"),
				   fac);
			r = cli_fail(cli, KB_ENOTFOUND);
			goto out;
		}
	}
	sc.scope = q.scope;
	/* the week shown: the latest complete one, unless asked */
	if ((r = kb_report_weeks(x->s, x->a.completeness, &rw, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	if (!asked)
		q.week = rw.shown.week;
	if ((r = kb_supply_status(x->s, &x->sup, &q, &sc.st, &cli->err)) ||
	    (r = week_compl(cli, x->s, &x->sup, sc.st.week, 0, &nation)) ||
	    (r = week_compl(cli, x->s, &x->sup, sc.st.week, q.pref, &here))) {
		r = cli_fail(cli, r);
		goto out;
	}
	/* the weeks still coming in, in the same scope */
	if (!asked && rw.ncoming) {
		coming = kb_calloc(rw.ncoming, sizeof(*coming));
		for (ncoming = 0; ncoming < rw.ncoming; ncoming++) {
			if (!q.pref) {
				coming[ncoming] = rw.coming[ncoming];
			} else if ((r = week_compl(cli, x->s, &x->sup,
						   rw.coming[ncoming].week,
						   q.pref, &coming[ncoming]))) {
				r = cli_fail(cli, r);
				goto out;
			}
		}
	}
	kb_week_format(sc.st.week, sc.wk);
	memcpy(cols, status_cols, sizeof(cols));
	if (q.scope == KB_SCOPE_BY_PREF) {
		cols[1].head_en = "Prefecture";
		cols[1].head_ja = "都道府県";
	}
	if (q.scope != KB_SCOPE_NATION)
		cols[KB_ARRAY_SIZE(cols) - 2].in = 0;
	l.n = sc.st.n;
	if (x->a.f.json) {
		json_t *cm = json_array();
		for (i = 0; i < ncoming; i++)
			json_array_append_new(
				cm, kb_compl_to_json(&x->sup, &coming[i]));
		r = cli_print_json(
			cli,
			json_pack("{s:s, s:o, s:f, s:b, s:o, s:o}", "week",
				  sc.wk, "completeness",
				  kb_compl_to_json(&x->sup, &here), "threshold",
				  rw.threshold, "complete",
				  nation.rate >= 0 &&
					  nation.rate >= rw.threshold - 1e-9,
				  "coming", cm, "rows", cli_list_json(cli, &l)));
		goto out;
	}
	if (!x->a.f.csv && !cli->quiet)
		status_head(cli, &rw, asked, &here, coming, ncoming,
			    q.pref ? NAME(cli, &x->sup.prefs[q.pref - 1]) : NULL);
	r = cli_list(cli, &x->a.f, &l);
	/* why each row at risk is so, in a sentence */
	for (i = 0; !x->a.f.csv && !cli->quiet && i < sc.st.n; i++) {
		struct kb_buf why = KB_BUF_INIT;
		if (!sc.st.v[i].risk)
			continue;
		kb_status_reason(&x->sup, &sc.st.v[i], cli->lang, &why);
		printf("%s %s\n", status_who(&sc, &sc.st.v[i]), why.buf);
		kb_buf_release(&why);
	}
out:
	free(coming);
	kb_report_weeks_release(&rw);
	kb_supply_status_release(&sc.st);
	sctx_close(x);
	return r;
}

/* ---- alerts and signals ---- */

/* Writes the list, with on the terminal a count ("12 alerts"). */
static int list_counted(struct sctx *x, struct cli_list *l, const char *en,
			const char *ja)
{
	struct cli *cli = x->cli;
	int r = cli_list(cli, &x->a.f, l);
	if (x->a.f.json || x->a.f.csv || cli->quiet)
		return r;
	if (cli->lang == KB_LANG_JA)
		printf("%s %zu 件\n", ja, l->shown);
	else
		printf("%zu %s\n", l->shown, en);
	return r;
}

static const struct cli_opt alerts_opts[] = {
	{ "week", 0, CLI_WEEK, "W", NULL,
	  "the week, or the last week of the range", "週、または期間の最後の週",
	  SA(week) },
	{ "from", 0, CLI_WEEK, "W", NULL, "the first week of the range",
	  "期間の最初の週", SA(from) },
	{ "severity", 0, CLI_CALL, "S", NULL, "at least info, warning or critical",
	  "info（情報）, warning（警告）, critical（重大）以上", M_SEVERITY },
	{ "device", 0, CLI_STR, "CODE", "コード", "only this device",
	  "この機器のみ", SA(device) },
	{ "pref", 0, CLI_STR, "P", NULL,
	  "only this prefecture (0 or 'national' for the nation)",
	  "この都道府県のみ（0 または national で全国）", SA(pref) },
	{ "limit", 0, CLI_SIZE, "N", NULL, "at most N alerts", "最大 N 件",
	  SA(limit) },
	{ "completeness", 0, CLI_PCT, "PCT", NULL,
	  "the default week: the latest with PCT% of hospitals\n"
	  "reporting (for this call; the stored threshold otherwise)",
	  "既定の週: 病院の PCT% の報告がそろった最新の週\n"
	  "（この実行のみ。既定は保存された閾値）",
	  SA(completeness) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec alerts_spec = {
	"supply alerts",
	"[OPTION]...",
	"[オプション]...",
	"Early warnings of one week (the latest complete week by default) or of a\n"
	"range of weeks,\n"
	"most severe first, each with its reason and the figures behind it.  Rules:\n"
	"low_stock (days of supply under the device's alert threshold), demand_jump\n"
	"(demand well above its trend), supply_drop (national production and imports\n"
	"well below their trend), silent (hospitals that stopped reporting).\n",
	"ある週（既定は報告のそろった最新の週）またはある期間の早期警報を、\n"
	"重大なものから順に、理由と\n"
	"根拠の数値とともに表示します。規則: low_stock（在庫日数が機器の警報閾値\n"
	"未満）、demand_jump（需要が傾向を大きく上回る）、supply_drop（全国の生産・\n"
	"輸入が傾向を大きく下回る）、silent（報告が途絶えた病院）。\n",
	alerts_opts,
	20,
	20,
	0,
};

static const struct cli_col alert_cols[] = {
	{ "key", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "severity", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "rule", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "device", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "prefecture", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "week", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "value", NULL, NULL, CLI_REAL, CLI_CSV, 0, "%.4g" },
	{ "threshold", NULL, NULL, CLI_REAL, CLI_CSV, 0, "%.4g" },
	{ "reason", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct alerts_ctx {
	struct sctx x;
	struct kb_alerts al;
	int min_sev;
	struct kb_buf reason;
	char wk[16];
};

static int alert_row(struct cli_row *r, size_t i, void *ctx)
{
	struct alerts_ctx *ac = ctx;
	const struct kb_alert *a = &ac->al.v[i];
	if ((int)a->severity < ac->min_sev ||
	    (ac->x.dev != KB_NONE && a->device != ac->x.dev) ||
	    (ac->x.pref >= 0 && a->pref != ac->x.pref))
		return 0;
	kb_buf_reset(&ac->reason);
	kb_alert_reason(a, &ac->x.sup, ac->x.cli->lang, &ac->reason);
	kb_week_format(a->week, ac->wk);
	cli_str(r, a->key);
	cli_str(r, kb_severity_key(a->severity));
	cli_str(r, kb_alert_rule_key(a->rule));
	cli_str(r, a->device != KB_NONE ? ac->x.sup.devices[a->device].code : "");
	cli_strf(r, "%02d", a->pref);
	cli_str(r, ac->wk);
	cli_num(r, a->value);
	cli_num(r, a->threshold);
	cli_str(r, ac->reason.buf);
	return 1;
}

static json_t *alert_json(size_t i, void *ctx)
{
	struct alerts_ctx *ac = ctx;
	return kb_alert_to_json(&ac->x.sup, &ac->al.v[i], ac->x.cli->lang);
}

static void alert_print(size_t i, void *ctx)
{
	struct alerts_ctx *ac = ctx;
	struct cli *cli = ac->x.cli;
	const struct kb_alert *a = &ac->al.v[i];
	const struct kb_device *dv =
		a->device != KB_NONE ? &ac->x.sup.devices[a->device] : NULL;
	printf("[%s] %s %s%s%s\n    %s\n    %s\n",
	       kb_severity_name(a->severity, cli->lang), ac->wk,
	       dv ? dv->code : "", dv ? " " : "",
	       dv ? NAME(cli, dv) : CLI_T(cli, "reporting", "報告"),
	       ac->reason.buf, a->key);
}

int supply_alerts(struct cli *cli, int argc, char **argv)
{
	struct alerts_ctx ac = { .x = SCTX_INIT(cli),
				 .min_sev = KB_SEV_INFO,
				 .reason = KB_BUF_INIT };
	struct sctx *x = &ac.x;
	struct cli_list l = { alert_cols,  0,	alert_row, alert_json,
			      alert_print, &ac, 0,	   0 };
	int week, r;

	while ((r = cli_parse(cli, &alerts_spec, argc, argv, &x->a)) == M_SEVERITY)
		if ((r = severity_arg(cli, "supply alerts", optarg, KB_SEV_INFO,
				      &ac.min_sev)))
			return r;
	if (r >= 0 ||
	    (r = sctx_open(x, KB_STORE_READONLY, SX_DEVICE | SX_REGION)))
		return r;
	week = x->a.week;
	/* the latest complete week by this call's threshold */
	if (week < 0 && x->a.completeness >= 0 &&
	    (week = kb_supply_shown_week(x->s, x->a.completeness, &cli->err)) <
		    -1) {
		r = cli_fail(cli, week);
		goto out;
	}
	if ((r = kb_supply_alerts(x->s, &x->sup, x->a.from, week, &ac.al,
				  &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	l.n = ac.al.n;
	l.limit = x->a.limit;
	r = list_counted(x, &l, "alerts", "警報");
out:
	kb_buf_release(&ac.reason);
	kb_alerts_release(&ac.al);
	sctx_close(x);
	return r;
}

static const struct cli_opt signals_opts[] = {
	{ "week", 0, CLI_WEEK, "W", NULL,
	  "the week, or the last week of the range", "週、または期間の最後の週",
	  SA(week) },
	{ "from", 0, CLI_WEEK, "W", NULL,
	  "the first week of the range (signals active in it)",
	  "期間の最初の週（期間中に続いていたもの）", SA(from) },
	{ "state", 0, CLI_CALL, "S", NULL,
	  "open (default without --from), closed or all",
	  "open（--from がなければ既定）, closed, all", M_STATE },
	{ "cause", 0, CLI_CALL, "C", NULL, "stock, supply, demand or reporting",
	  "stock（在庫）, supply（供給）, demand（需要）, reporting（報告）",
	  M_CAUSE },
	{ "severity", 0, CLI_CALL, "S", NULL,
	  "at least warning or critical (the peak)",
	  "warning（警告）, critical（重大）以上（最大時）", M_SEVERITY },
	{ "device", 0, CLI_STR, "CODE", "コード", "only this device",
	  "この機器のみ", SA(device) },
	{ "pref", 0, CLI_STR, "P", NULL, "only signals reaching this prefecture",
	  "この都道府県に及ぶもののみ", SA(pref) },
	{ "evidence", 0, CLI_FLAG, NULL, NULL,
	  "list the alerts behind each signal", "根拠の警報も表示", SA(evidence) },
	{ "limit", 0, CLI_SIZE, "N", NULL, "at most N signals", "最大 N 件",
	  SA(limit) },
	CLI_OPTS_FORMATS(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec signals_spec = {
	"supply signals",
	"[OPTION]...",
	"[オプション]...",
	"Signals: the alerts of one problem grouped into one line, per device and\n"
	"cause (stock, supply, demand; reporting per region), over consecutive weeks,\n"
	"with its onset, latest week, regions, severity and trend.  A signal opens\n"
	"when a rule fires, stays open while a looser leaving threshold holds, and\n"
	"closes after 3 quiet weeks.  By default the signals open in the latest\n"
	"complete week.\n",
	"シグナル: 一つの問題の警報を、機器と原因（在庫・供給・需要。報告途絶は地域\n"
	"ごと）ごとに連続した週でまとめた一行です。発生週、最新週、地域、重大度、\n"
	"傾向を示します。規則が発動すると開き、より緩い解除の閾値を満たす間は続き、\n"
	"3 週続けて満たさなければ閉じます。既定では最新の確定週に開いているものです。\n",
	signals_opts,
	20,
	20,
	0,
};

static const struct cli_col signal_cols[] = {
	{ "key", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "state", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "cause", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "device", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "onset", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "latest", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "closed", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "peak", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "severity", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "trend", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "regions", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "facilities", NULL, NULL, CLI_INT, CLI_CSV, 0, NULL },
	{ "population", NULL, NULL, CLI_INT, CLI_CSV, 0, NULL },
	{ "alerts", NULL, NULL, CLI_INT, CLI_CSV, 0, NULL },
	{ "reason", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct signals_ctx {
	struct sctx x;
	struct kb_signals sg;
	const char *state;
	int min_sev, cause;
	struct kb_buf reason;
};

static int signal_row(struct cli_row *r, size_t i, void *ctx)
{
	struct signals_ctx *sc = ctx;
	const struct kb_signal *g = &sc->sg.v[i];
	struct kb_buf rg = KB_BUF_INIT;
	char on[16], last[16], cl[16] = "";
	size_t k;
	if ((int)g->peak < sc->min_sev ||
	    (sc->x.dev != KB_NONE && g->device != sc->x.dev) ||
	    (sc->cause >= 0 && (int)g->cause != sc->cause) ||
	    (sc->x.pref >= 0 && !kb_signal_reaches(g, sc->x.pref)) ||
	    (!strcmp(sc->state, "open") && g->closed >= 0) ||
	    (!strcmp(sc->state, "closed") && g->closed < 0))
		return 0;
	kb_buf_reset(&sc->reason);
	kb_signal_reason(g, &sc->sg, &sc->x.sup, sc->x.cli->lang, &sc->reason);
	kb_week_format(g->onset, on);
	kb_week_format(g->latest, last);
	if (g->closed >= 0)
		kb_week_format(g->closed, cl);
	for (k = 0; k < g->nregions; k++)
		kb_buf_addf(&rg, "%s%02d", k ? ";" : "", g->regions[k].pref);
	cli_str(r, g->key);
	cli_str(r, g->closed >= 0 ? "closed" : "open");
	cli_str(r, kb_signal_cause_key(g->cause));
	cli_str(r, g->device != KB_NONE ? sc->x.sup.devices[g->device].code : "");
	cli_str(r, on);
	cli_str(r, last);
	cli_str(r, cl);
	cli_str(r, kb_severity_key(g->peak));
	cli_str(r, g->severity ? kb_severity_key(g->severity) : "");
	cli_str(r, kb_signal_trend_key(g->trend));
	cli_str(r, rg.buf);
	cli_int(r, g->facilities);
	cli_int(r, g->population);
	cli_int(r, (long long)g->nalerts);
	cli_str(r, sc->reason.buf);
	kb_buf_release(&rg);
	return 1;
}

static json_t *signal_json(size_t i, void *ctx)
{
	struct signals_ctx *sc = ctx;
	return kb_signal_to_json(&sc->sg.v[i], &sc->sg, &sc->x.sup,
				 sc->x.cli->lang, sc->x.a.evidence);
}

static void signal_print(size_t i, void *ctx)
{
	struct signals_ctx *sc = ctx;
	struct cli *cli = sc->x.cli;
	const struct kb_signal *g = &sc->sg.v[i];
	char on[16];
	size_t k;
	printf("[%s] %s\n    %s\n",
	       g->closed >= 0 ? CLI_T(cli, "closed", "終了")
			      : kb_severity_name(g->severity, cli->lang),
	       sc->reason.buf, g->key);
	for (k = 0; sc->x.a.evidence && k < g->nalerts; k++) {
		const struct kb_alert *a = &sc->sg.alerts.v[g->alerts[k]];
		kb_buf_reset(&sc->reason);
		kb_alert_reason(a, &sc->x.sup, cli->lang, &sc->reason);
		kb_week_format(a->week, on);
		printf("      %s [%s] %s\n", on,
		       kb_severity_name(a->severity, cli->lang), sc->reason.buf);
	}
}

int supply_signals(struct cli *cli, int argc, char **argv)
{
	struct signals_ctx sc = { .x = SCTX_INIT(cli),
				  .min_sev = KB_SEV_WARNING,
				  .cause = -1,
				  .reason = KB_BUF_INIT };
	struct sctx *x = &sc.x;
	struct cli_list l = { signal_cols,  0,	 signal_row, signal_json,
			      signal_print, &sc, 0,	     0 };
	int r;

	while ((r = cli_parse(cli, &signals_spec, argc, argv, &x->a)) >=
	       OPT_FIRST_OWN) {
		if (r == M_STATE && strcmp(optarg, "open") &&
		    strcmp(optarg, "closed") && strcmp(optarg, "all"))
			return cli_usage_error(
				cli, "supply signals",
				CLI_T(cli,
				      "'%s' is not a state (expected open, closed or all)",
				      "'%s' は状態ではありません（open, closed, all）"),
				optarg);
		if (r == M_STATE)
			sc.state = optarg;
		if (r == M_CAUSE && (sc.cause = kb_signal_cause_parse(optarg)) < 0)
			return cli_usage_error(
				cli, "supply signals",
				CLI_T(cli,
				      "'%s' is not a cause (expected stock, supply, demand or reporting)",
				      "'%s' は原因ではありません（stock, supply, demand, reporting）"),
				optarg);
		if (r == M_SEVERITY &&
		    (r = severity_arg(cli, "supply signals", optarg,
				      KB_SEV_WARNING, &sc.min_sev)))
			return r;
	}
	if (r >= 0)
		return r;
	if (!sc.state)
		sc.state = x->a.from < 0 ? "open" : "all";
	if ((r = sctx_open(x, KB_STORE_READONLY, SX_DEVICE | SX_REGION)))
		return r;
	if ((r = kb_supply_signals(x->s, &x->sup, x->a.from, x->a.week, &sc.sg,
				   &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	l.n = sc.sg.n;
	l.limit = x->a.limit;
	r = list_counted(x, &l, "signals", "シグナル");
out:
	kb_buf_release(&sc.reason);
	kb_signals_release(&sc.sg);
	sctx_close(x);
	return r;
}

/* ---- KPI figures ---- */

static const struct cli_opt kpi_opts[] = {
	{ "year", 0, CLI_FY, "FY", "年度",
	  "fiscal year (default: the last complete one)",
	  "年度（既定: 直近の終了した年度）", SA(year) },
	{ "record", 0, CLI_LIST, "KPI=FIGURE", "KPI=数値名",
	  "record FIGURE (stockout_days, resolved_within_30_pct\n"
	  "or mean_days_to_resolve) as the value of KPI",
	  "数値名（stockout_days, resolved_within_30_pct,\n"
	  "mean_days_to_resolve）を KPI の値として記録",
	  SA(records) },
	CLI_OPT_JSON(SA(f)),
	CLI_OPT_END,
};
static const struct cli_spec kpi_spec = {
	"supply kpi",
	"[OPTION]...",
	"[オプション]...",
	"The figures that supply monitoring and the council's log give the plan's\n"
	"KPIs for a fiscal year: stock-out facility-days of essential devices,\n"
	"incidents opened and resolved, resolved within 30 days, mean days to\n"
	"resolve.  With --record, store them as KPI values.\n",
	"供給モニタリングと協議の場の記録から、ある年度の計画の KPI 向けの数値を\n"
	"出します: 必要不可欠な機器の欠品延べ施設日数、事案の登録数と解決数、30 日\n"
	"以内の解決数、解決までの平均日数。--record で KPI の値として記録します。\n",
	kpi_opts,
	23,
	23,
	0,
};

int supply_kpi(struct cli *cli, int argc, char **argv)
{
	struct sargs a = SARGS_INIT;
	const char *const *records = a.records.v;
	size_t nrec, i;
	int fy, r, json;
	struct kb_supply_kpis k;
	struct kb_store *s;

	a.year = kb_fy_last_complete(cli->now);
	a.records.max = 8;
	if ((r = cli_parse(cli, &kpi_spec, argc, argv, &a)) >= 0)
		return r;
	fy = a.year;
	nrec = a.records.n;
	json = a.f.json;
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
