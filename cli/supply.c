/*
 * supply.c - what the 'kiban supply' commands share (supply.h): the
 * registry opened with the arguments that name a device or a prefecture
 * checked, and the messages of those checks.  The table of commands is in
 * cmd_supply.c, the commands in supply_registry.c, supply_chain.c,
 * supply_reports.c, supply_monitor.c and supply_incident.c; they call this
 * file, never the other way.
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
