/*
 * cmd_account.c - kiban account: the accounts people and scripts use to
 * reach the server (add, passwd, disable, enable, token, revoke).
 *
 * Passwords are read from standard input (one line), never from the
 * command line, where other users of the machine could see them.
 */
#include "cli_more.h"

#include <sodium.h>

#include "kiban/auth.h"
#include "kiban/supply.h"

enum { OPT_ROLE = OPT_FIRST_OWN, OPT_ACCOUNT_LANG };

/* The arguments of account add and token; AA(field): where they go. */
struct aargs {
	struct kb_account_spec a;
	const char *pref, *label;
};
#define AA(field) CLI_AT(struct aargs, field)

/* The password on the first line of standard input. */
static int read_password(struct cli *cli, char *out, size_t n)
{
	size_t len;
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "%s",
			CLI_T(cli, "Password (at least 10 characters): ",
			      "パスワード（10 文字以上）: "));
	if (!fgets(out, (int)n, stdin)) {
		fprintf(stderr, "%s: %s\n", cli->prog,
			CLI_T(cli, "no password on standard input",
			      "標準入力にパスワードがありません"));
		return EXIT_USAGE;
	}
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	return 0;
}

static const struct cli_opt add_opts[] = {
	{ "name", 0, CLI_STR, "NAME", "名前",
	  "the person's or desk's name (required)",
	  "本人または担当部署の名前（必須）", AA(a.name) },
	{ "role", 0, CLI_CALL, "ROLE", "役割",
	  "admin, staff, committee, prefecture, hospital, industry\nor researcher (required)",
	  "admin, staff, committee, prefecture, hospital, industry,\nresearcher のいずれか（必須）",
	  OPT_ROLE },
	{ "ministry", 0, CLI_STR, "CODE", "コード",
	  "for staff: the ministry (e.g. 厚)", "staff の場合: 省庁（例: 厚）",
	  AA(a.ministry) },
	{ "pref", 0, CLI_STR, "P", "都道府県",
	  "for a prefecture: its code or name",
	  "prefecture の場合: コードか名前", AA(pref) },
	{ "org", 0, CLI_STR, "ID", NULL,
	  "for a hospital or industry: the organisation's id",
	  "hospital・industry の場合: 組織の ID", AA(a.org) },
	{ "account-lang", 0, CLI_CALL, "L", NULL,
	  "the account's language, ja (default) or en",
	  "アカウントの言語 ja（既定）か en", OPT_ACCOUNT_LANG },
	{ "match-org", 0, CLI_STR, "ID", NULL,
	  "any role: the organisation it acts for in needs-seeds\nmatching (see 'kiban match')",
	  "どの役割でも: ニーズ・シーズのマッチングで代表する組織\n（'kiban match' を参照）",
	  AA(a.match_org) },
	CLI_OPT_END,
};
static const struct cli_spec add_spec = {
	"account add",
	"[OPTION]... LOGIN < PASSWORD-FILE",
	"[オプション]... ログイン名 < パスワードのファイル",
	"Create an account for the server; the password (at least 10 characters)\n"
	"is read from the first line of standard input and stored as Argon2id.\n",
	"サーバーを使うアカウントを作ります。パスワード（10 文字以上）は標準入力の\n"
	"1 行目から読み、Argon2id で保存します。\n",
	add_opts,
	20,
	20,
	0,
};

static int account_add(struct cli *cli, int argc, char **argv)
{
	struct aargs x = { { NULL, NULL, KB_NROLES, NULL, 0, NULL, KB_LANG_JA,
			     NULL },
			   NULL,
			   NULL };
	struct kb_account_spec a;
	const char *pref;
	char pw[256];
	struct kb_store *s;
	int r, v;

	while ((r = cli_parse(cli, &add_spec, argc, argv, &x)) == OPT_ROLE ||
	       r == OPT_ACCOUNT_LANG) {
		if (r == OPT_ROLE && (v = kb_role_parse(optarg)) < 0)
			return cli_usage_error(
				cli, "account add",
				CLI_T(cli,
				      "unknown role '%s' (expected admin, staff, committee, prefecture, hospital, industry or researcher)",
				      "役割 '%s' は不明です（admin, staff, committee, prefecture, hospital, industry, researcher）"),
				optarg);
		if (r == OPT_ROLE) {
			x.a.role = (enum kb_role)v;
			continue;
		}
		if ((v = kb_lang_parse(optarg)) < 0)
			return cli_usage_error(
				cli, "account add",
				CLI_T(cli, "unknown language '%s' (ja or en)",
				      "言語 '%s' は不明です（ja か en）"),
				optarg);
		x.a.lang = (enum kb_lang)v;
	}
	if (r >= 0)
		return r;
	a = x.a;
	pref = x.pref;
	if (optind + 1 != argc || !a.name || a.role == KB_NROLES)
		return cli_usage_error(
			cli, "account add", "%s",
			CLI_T(cli, "expected one LOGIN, --name and --role",
			      "ログイン名を一つと --name、--role を指定してください"));
	a.login = argv[optind];
	if ((r = cli_open(cli, 0, &s)))
		return r;
	if (pref) {
		struct kb_supply sup;
		if ((r = kb_supply_load(s, &sup, &cli->err))) {
			kb_store_close(s);
			return cli_fail(cli, r);
		}
		a.prefecture = kb_supply_pref(&sup, pref);
		kb_supply_release(&sup);
		if (!a.prefecture) {
			kb_store_close(s);
			return cli_usage_error(cli, "account add",
					       CLI_T(cli,
						     "unknown prefecture '%s'",
						     "都道府県 '%s' は不明です"),
					       pref);
		}
	}
	if (!(r = read_password(cli, pw, sizeof(pw))))
		r = kb_account_add(s, &a, pw, KB_PW_INTERACTIVE, cli->user,
				   cli->now, &cli->err);
	sodium_memzero(pw, sizeof(pw));
	kb_store_close(s);
	if (r > 0)
		return r;
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "account '%s' created (%s)\n",
			     "アカウント '%s' を作成しました（%s）\n"),
		       a.login, kb_role_label(a.role, cli->lang));
	return 0;
}

static const struct cli_spec passwd_spec = {
	"account passwd",
	"[OPTION]... LOGIN < PASSWORD-FILE",
	"[オプション]... ログイン名 < パスワードのファイル",
	"Set a new password, read from the first line of standard input; the\n"
	"account's open sessions end.\n",
	"新しいパスワードを標準入力の 1 行目から読んで設定します。開いている\n"
	"セッションは終了します。\n",
	NULL,
	0,
	0,
	0,
};

static const struct cli_spec disable_spec = {
	"account disable",
	"[OPTION]... LOGIN",
	"[オプション]... ログイン名",
	"Stop an account from logging in; its sessions end.  Its API tokens stop\n"
	"working until it is enabled again.\n",
	"アカウントのログインを止めます。セッションは終了し、API トークンも\n"
	"再び有効にするまで使えません。\n",
	NULL,
	0,
	0,
	0,
};

static const struct cli_spec enable_spec = {
	"account enable",
	"[OPTION]... LOGIN",
	"[オプション]... ログイン名",
	"Let a disabled account log in again.\n",
	"止めたアカウントを再び使えるようにします。\n",
	NULL,
	0,
	0,
	0,
};

/* passwd, disable and enable: one LOGIN, no options of their own. */
static int account_one(struct cli *cli, int argc, char **argv,
		       const struct cli_spec *sp)
{
	struct kb_store *s;
	char pw[256];
	int r;

	if ((r = cli_parse(cli, sp, argc, argv, NULL)) >= 0 ||
	    (r = cli_operands(cli, sp, argc, 1, "expected one LOGIN",
			      "ログイン名を一つ指定してください")) ||
	    (r = cli_open(cli, 0, &s)))
		return r;
	if (sp == &passwd_spec) {
		if (!(r = read_password(cli, pw, sizeof(pw))))
			r = kb_account_set_password(s, argv[optind], pw,
						    KB_PW_INTERACTIVE, &cli->err);
		sodium_memzero(pw, sizeof(pw));
	} else {
		r = kb_account_disable(s, argv[optind], sp == &disable_spec,
				       &cli->err);
	}
	kb_store_close(s);
	if (r > 0)
		return r;
	return r ? cli_fail(cli, r) : 0;
}

static int account_passwd(struct cli *cli, int argc, char **argv)
{
	return account_one(cli, argc, argv, &passwd_spec);
}

static int account_disable(struct cli *cli, int argc, char **argv)
{
	return account_one(cli, argc, argv, &disable_spec);
}

static int account_enable(struct cli *cli, int argc, char **argv)
{
	return account_one(cli, argc, argv, &enable_spec);
}

static const struct cli_spec match_org_spec = {
	"account match-org",
	"[OPTION]... LOGIN [ORG]",
	"[オプション]... ログイン名 [組織]",
	"Let the account act for organisation ORG of the needs-seeds matching\n"
	"registry: it then sees and registers what ORG may.  Without ORG the\n"
	"account no longer acts for any.\n",
	"アカウントがニーズ・シーズのマッチング登録簿で組織 ORG を代表するようにします。\n"
	"以後、ORG が見られるものを見て、ORG として登録できます。ORG を省くと、\n"
	"どの組織も代表しなくなります。\n",
	NULL,
	0,
	0,
	0,
};

static int account_match_org(struct cli *cli, int argc, char **argv)
{
	struct kb_store *s;
	int r;

	if ((r = cli_parse(cli, &match_org_spec, argc, argv, NULL)) >= 0)
		return r;
	if (optind + 1 != argc && optind + 2 != argc)
		return cli_usage_error(
			cli, "account match-org", "%s",
			CLI_T(cli, "expected a LOGIN and, optionally, an ORG",
			      "ログイン名と、必要なら組織を指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_account_set_match_org(s, argv[optind], argv[optind + 1],
				     &cli->err);
	kb_store_close(s);
	return r ? cli_fail(cli, r) : 0;
}

static const struct cli_opt token_opts[] = {
	{ "label", 0, CLI_STR, "TEXT", "説明", "what the token is for",
	  "トークンの用途", AA(label) },
	CLI_OPT_END,
};
static const struct cli_spec token_spec = {
	"account token",
	"[OPTION]... LOGIN",
	"[オプション]... ログイン名",
	"Create an API token with which a script acts as LOGIN (for example to\n"
	"upload reports).  The token is printed once and stored only as a hash:\n"
	"keep it where the script can read it.  The line after it gives the\n"
	"token's number, for 'kiban account revoke'.\n",
	"スクリプトがそのアカウントとして動く（報告のアップロードなど）ための\n"
	"API トークンを作ります。トークンは一度だけ表示され、ハッシュだけが\n"
	"保存されます。次の行は 'kiban account revoke' に使う番号です。\n",
	token_opts,
	17,
	17,
	0,
};

static int account_token(struct cli *cli, int argc, char **argv)
{
	struct aargs x = { .label = NULL };
	char token[KB_API_TOKEN_LEN];
	struct kb_store *s;
	long id = 0;
	int r;

	if ((r = cli_parse(cli, &token_spec, argc, argv, &x)) >= 0 ||
	    (r = cli_operands(cli, &token_spec, argc, 1, "expected one LOGIN",
			      "ログイン名を一つ指定してください")) ||
	    (r = cli_open(cli, 0, &s)))
		return r;
	r = kb_token_create(s, argv[optind], x.label, cli->now, token, &id,
			    &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	printf("%s\n", token);
	printf(CLI_T(cli, "token %ld\n", "トークン番号 %ld\n"), id);
	sodium_memzero(token, sizeof(token));
	return 0;
}

static const struct cli_spec revoke_spec = {
	"account revoke",
	"[OPTION]... N",
	"[オプション]... 番号",
	"Revoke API token number N at once.\n",
	"番号 N の API トークンを直ちに失効させます。\n",
	NULL,
	0,
	0,
	0,
};

static int account_revoke(struct cli *cli, int argc, char **argv)
{
	struct kb_store *s;
	char *end;
	long id;
	int r;

	if ((r = cli_parse(cli, &revoke_spec, argc, argv, NULL)) >= 0)
		return r;
	if (optind + 1 != argc || (id = strtol(argv[optind], &end, 10)) <= 0 ||
	    *end)
		return cli_usage_error(
			cli, "account revoke", "%s",
			CLI_T(cli, "expected one token number",
			      "トークン番号を一つ指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_token_revoke(s, id, cli->now, &cli->err);
	kb_store_close(s);
	return r ? cli_fail(cli, r) : 0;
}

static const struct cli_cmd cmds[] = {
	{ "add", account_add, "create an account", "アカウントを作る" },
	{ "passwd", account_passwd, "set an account's password",
	  "パスワードを設定する" },
	{ "disable", account_disable, "stop an account", "アカウントを止める" },
	{ "enable", account_enable, "let a stopped account in again",
	  "止めたアカウントを戻す" },
	{ "match-org", account_match_org,
	  "set the organisation an account acts for in matching",
	  "マッチングで代表する組織を設定する" },
	{ "token", account_token, "create an API token for scripts",
	  "スクリプト用の API トークンを作る" },
	{ "revoke", account_revoke, "revoke an API token",
	  "API トークンを失効させる" },
};

int cmd_account(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "account", cmds, KB_ARRAY_SIZE(cmds), NULL,
			    argc, argv);
}
