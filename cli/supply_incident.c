/*
 * supply_incident.c - the supply council's incident log ('kiban supply
 * incident'): open an incident, list and show them, move one through its
 * states, record actions and notes, link alerts and signals.
 */
#include "supply.h"

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
	       d != KB_NONE ? NAME(cli, &sup->devices[d]) : "");
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
		       NAME(cli, &sup->prefs[x->prefs[i] - 1]));
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

static const struct cli_opt incident_opts[] = {
	{ "device", 0, CLI_STR | CLI_HIDE, "CODE", NULL, NULL, NULL, SA(device) },
	{ "title", 0, CLI_STR | CLI_HIDE, "T", NULL, NULL, NULL, SA(title) },
	{ "cause", 0, CLI_STR | CLI_HIDE, "C", NULL, NULL, NULL, SA(cause) },
	{ "reported-by", 0, CLI_STR | CLI_HIDE, "WHO", NULL, NULL, NULL,
	  SA(reported_by) },
	{ "pref", 0, CLI_LIST | CLI_HIDE, "P", NULL, NULL, NULL, SA(prefs) },
	{ "note", 0, CLI_STR | CLI_HIDE, "TEXT", NULL, NULL, NULL, SA(note) },
	{ "alert", 0, CLI_LIST | CLI_HIDE, "KEY", NULL, NULL, NULL, SA(alerts) },
	{ "state", 0, CLI_STR | CLI_HIDE, "S", NULL, NULL, NULL, SA(state) },
	{ "json", 0, CLI_FLAG | CLI_HIDE, NULL, NULL, NULL, NULL, SA(f.json) },
	{ "csv", 0, CLI_FLAG | CLI_HIDE, NULL, NULL, NULL, NULL, SA(f.csv) },
	{ "bom", 0, CLI_FLAG | CLI_HIDE, NULL, NULL, NULL, NULL, SA(f.bom) },
	CLI_OPT_END,
};
/* The commands and their options are in the paragraph. */
static const struct cli_spec incident_spec = {
	"supply incident",
	"COMMAND [OPTION]... [ARG]...",
	"コマンド [オプション]... [引数]...",
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
	"                                 ('kiban supply alerts', 'kiban supply signals')\n",
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
	"                                 （'kiban supply alerts'、'kiban supply signals'）\n",
	incident_opts,
	0,
	0,
	0,
};

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

/* open: the incident, then the alerts it links; the exit status. */
static int incident_open(struct sctx *x, int argc)
{
	struct cli *cli = x->cli;
	struct kb_incident_new in = {
		x->a.device, x->a.title, x->a.cause, x->a.reported_by,
		x->a.note,   NULL,	 0
	};
	int pcodes[KB_NPREF], r;
	size_t i;
	long id = 0;

	if (optind != argc || !in.device)
		return cli_usage_error(
			cli, "supply incident open", "%s",
			CLI_T(cli,
			      "expected --device, --title, --cause and --reported-by",
			      "--device, --title, --cause, --reported-by を指定してください"));
	for (i = 0; i < x->a.prefs.n; i++)
		if ((r = pref_arg(cli, &x->sup, x->a.prefs.v[i], &pcodes[i])))
			return r;
	in.prefs = pcodes;
	in.nprefs = x->a.prefs.n;
	r = kb_incident_open(x->s, &in, cli->user, cli->now, &id, &cli->err);
	for (i = 0; !r && i < x->a.alerts.n; i++)
		r = incident_link_one(cli, x->s, &x->sup, id, x->a.alerts.v[i]);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "incident #%ld opened\n",
			     "事案 #%ld を登録しました\n"),
		       id);
	return 0;
}

static const struct cli_col incident_cols[] = {
	{ "id", NULL, NULL, CLI_INT, CLI_CSV, 0, NULL },
	{ "device", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "title", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "cause", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "state", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "reported_by", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "opened_at", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "resolved_at", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ "prefectures", NULL, NULL, CLI_TEXT, CLI_CSV, 0, NULL },
	{ NULL, NULL, NULL, CLI_TEXT, 0, 0, NULL },
};

struct incidents_ctx {
	struct sctx *x;
	struct kb_incidents v;
	int want, show;
};

static int incident_row(struct cli_row *r, size_t i, void *ctx)
{
	struct incidents_ctx *ic = ctx;
	const struct kb_incident *x = &ic->v.v[i];
	struct kb_buf pl = KB_BUF_INIT;
	size_t k;
	if (ic->want >= 0 && (int)x->state != ic->want)
		return 0;
	for (k = 0; k < x->nprefs; k++)
		kb_buf_addf(&pl, "%s%02d", k ? ";" : "", x->prefs[k]);
	cli_int(r, x->id);
	cli_str(r, x->device);
	cli_str(r, x->title);
	cli_str(r, x->cause);
	cli_str(r, kb_incident_state_key(x->state));
	cli_str(r, x->reported_by);
	cli_str(r, x->opened_at);
	cli_str(r, x->resolved_at ? x->resolved_at : "");
	cli_str(r, pl.buf);
	kb_buf_release(&pl);
	return 1;
}

static json_t *incident_json(size_t i, void *ctx)
{
	return kb_incident_to_json(&((struct incidents_ctx *)ctx)->v.v[i]);
}

static void incident_print(size_t i, void *ctx)
{
	struct incidents_ctx *ic = ctx;
	print_incident(ic->x->cli, &ic->v.v[i], &ic->x->sup, ic->show);
}

/* list, or show N: the exit status. */
static int incident_list(struct sctx *x, int argc, char **argv, int show)
{
	struct cli *cli = x->cli;
	struct incidents_ctx ic = { .x = x, .want = -1, .show = show };
	struct cli_list l = { incident_cols,
			      0,
			      incident_row,
			      incident_json,
			      incident_print,
			      &ic,
			      0,
			      0 };
	long id = 0;
	int r = 0;

	if (x->a.state)
		ic.want = kb_incident_state_parse(x->a.state);
	if (show &&
	    (optind + 1 != argc ||
	     (r = incident_id(cli, "supply incident show", argv[optind], &id))))
		return r ? r : -1;
	if (x->a.state && ic.want < 0)
		return cli_usage_error(cli, "supply incident list",
				       CLI_T(cli, "'%s' is not a state",
					     "'%s' は状態ではありません"),
				       x->a.state);
	if ((r = kb_incident_load(x->s, id, &ic.v, &cli->err))) {
		r = cli_fail(cli, r);
		goto out;
	}
	l.n = ic.v.n;
	if (x->a.f.json && show) {
		json_t *a = cli_list_json(cli, &l);
		json_t *one = json_incref(json_array_get(a, 0));
		json_decref(a);
		r = cli_print_json(cli, one);
	} else {
		r = cli_list(cli, &x->a.f, &l);
	}
out:
	kb_incidents_release(&ic.v);
	return r;
}

/* state N STATE, action N TEXT, note N TEXT, link N KEY: the exit status,
 * or -1 for wrong arguments. */
static int incident_change(struct sctx *x, const char *sub, int argc, char **argv)
{
	struct cli *cli = x->cli;
	const char *cmd = !strcmp(sub, "state")	 ? "supply incident state"
			  : !strcmp(sub, "link") ? "supply incident link"
						 : "supply incident";
	long id;
	int r, to;

	if (optind + 2 != argc || (r = incident_id(cli, cmd, argv[optind], &id)))
		return optind + 2 != argc ? -1 : r;
	if (!strcmp(sub, "state")) {
		if ((to = kb_incident_state_parse(argv[optind + 1])) < 0)
			return cli_usage_error(
				cli, "supply incident state",
				CLI_T(cli,
				      "'%s' is not a state (expected reported, assessing, mitigating or resolved)",
				      "'%s' は状態ではありません（reported, assessing, mitigating, resolved）"),
				argv[optind + 1]);
		r = kb_incident_set_state(x->s, id, (enum kb_incident_state)to,
					  x->a.note, cli->user, cli->now,
					  &cli->err);
	} else if (!strcmp(sub, "link")) {
		r = incident_link_one(cli, x->s, &x->sup, id, argv[optind + 1]);
	} else {
		r = kb_incident_log(x->s, id, sub, argv[optind + 1], cli->user,
				    cli->now, &cli->err);
	}
	return r ? cli_fail(cli, r) : 0;
}

int supply_incident(struct cli *cli, int argc, char **argv)
{
	struct sctx x = SCTX_INIT(cli);
	const char *sub;
	int r, readonly;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 &&
		    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			struct kb_buf b = KB_BUF_INIT;
			cli_spec_help(cli, &incident_spec, &b);
			fputs(b.buf, stdout);
			kb_buf_release(&b);
			return 0;
		}
		return cli_usage_error(
			cli, "supply incident", "%s",
			CLI_T(cli,
			      "expected a command: open, list, show, state, action, note, link",
			      "コマンドを指定してください: open, list, show, state, action, note, link"));
	}
	sub = argv[1];
	argc--;
	argv++;
	x.a.prefs.max = KB_NPREF;
	x.a.alerts.max = 16;
	if ((r = cli_parse(cli, &incident_spec, argc, argv, &x.a)) >= 0)
		return r;
	readonly = !strcmp(sub, "list") || !strcmp(sub, "show");
	if ((r = sctx_open(&x, readonly ? KB_STORE_READONLY : 0, 0)))
		return r;
	if (!strcmp(sub, "open"))
		r = incident_open(&x, argc);
	else if (readonly)
		r = incident_list(&x, argc, argv, !strcmp(sub, "show"));
	else if (!strcmp(sub, "state") || !strcmp(sub, "action") ||
		 !strcmp(sub, "note") || !strcmp(sub, "link"))
		r = incident_change(&x, sub, argc, argv);
	else
		r = cli_usage_error(
			cli, "supply incident",
			CLI_T(cli,
			      "unknown command '%s' (expected open, list, show, state, action, note or link)",
			      "不明なコマンド '%s'（open, list, show, state, action, note, link）"),
			sub);
	if (r < 0)
		r = cli_usage_error(
			cli, "supply incident", "%s",
			CLI_T(cli, "wrong arguments; see --help",
			      "引数が違います。--help を参照してください"));
	sctx_close(&x);
	return r;
}
