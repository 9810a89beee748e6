/*
 * cmd_account.c - kiban account: the accounts people and scripts use to
 * reach the server (add, passwd, disable, enable, token, revoke).
 *
 * Passwords are read from standard input (one line), never from the
 * command line, where other users of the machine could see them.
 */
#include "cli.h"

#include <sodium.h>

#include "kiban/auth.h"
#include "kiban/supply.h"

enum {
	OPT_NAME = OPT_FIRST_OWN,
	OPT_ROLE,
	OPT_MINISTRY,
	OPT_PREF,
	OPT_ORG,
	OPT_LABEL,
	OPT_ACCOUNT_LANG,
	OPT_MATCH_ORG
};

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

static const char add_en[] =
	"Usage: kiban account add [OPTION]... LOGIN < PASSWORD-FILE\n"
	"Create an account for the server; the password (at least 10 characters)\n"
	"is read from the first line of standard input and stored as Argon2id.\n\n"
	"  --name NAME       the person's or desk's name (required)\n"
	"  --role ROLE       admin, staff, committee, prefecture, hospital, industry\n"
	"                    or researcher (required)\n"
	"  --ministry CODE   for staff: the ministry (e.g. 厚)\n"
	"  --pref P          for a prefecture: its code or name\n"
	"  --org ID          for a hospital or industry: the organisation's id\n"
	"  --account-lang L  the account's language, ja (default) or en\n"
	"  --match-org ID    any role: the organisation it acts for in needs-seeds\n"
	"                    matching (see 'kiban match')\n";
static const char add_ja[] =
	"使い方: kiban account add [オプション]... ログイン名 < パスワードのファイル\n"
	"サーバーを使うアカウントを作ります。パスワード（10 文字以上）は標準入力の\n"
	"1 行目から読み、Argon2id で保存します。\n\n"
	"  --name 名前       本人または担当部署の名前（必須）\n"
	"  --role 役割       admin, staff, committee, prefecture, hospital, industry,\n"
	"                    researcher のいずれか（必須）\n"
	"  --ministry コード staff の場合: 省庁（例: 厚）\n"
	"  --pref 都道府県   prefecture の場合: コードか名前\n"
	"  --org ID          hospital・industry の場合: 組織の ID\n"
	"  --account-lang L  アカウントの言語 ja（既定）か en\n"
	"  --match-org ID    どの役割でも: ニーズ・シーズのマッチングで代表する組織\n"
	"                    （'kiban match' を参照）\n";

static int account_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "name", required_argument, NULL, OPT_NAME },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "ministry", required_argument, NULL, OPT_MINISTRY },
		{ "pref", required_argument, NULL, OPT_PREF },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "account-lang", required_argument, NULL, OPT_ACCOUNT_LANG },
		{ "match-org", required_argument, NULL, OPT_MATCH_ORG },
		{ NULL, 0, NULL, 0 },
	};
	struct kb_account_spec a = { NULL, NULL, KB_NROLES,  NULL,
				     0,	   NULL, KB_LANG_JA, NULL };
	const char *pref = NULL;
	char pw[256];
	struct kb_store *s;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case OPT_NAME: a.name = optarg; break;
		case OPT_ROLE:
			if ((r = kb_role_parse(optarg)) < 0)
				return cli_usage_error(
					cli, "account add",
					CLI_T(cli,
					      "unknown role '%s' (expected admin, staff, committee, prefecture, hospital, industry or researcher)",
					      "役割 '%s' は不明です（admin, staff, committee, prefecture, hospital, industry, researcher）"),
					optarg);
			a.role = (enum kb_role)r;
			break;
		case OPT_MINISTRY: a.ministry = optarg; break;
		case OPT_PREF: pref = optarg; break;
		case OPT_ORG: a.org = optarg; break;
		case OPT_MATCH_ORG: a.match_org = optarg; break;
		case OPT_ACCOUNT_LANG:
			if ((r = kb_lang_parse(optarg)) < 0)
				return cli_usage_error(
					cli, "account add",
					CLI_T(cli,
					      "unknown language '%s' (ja or en)",
					      "言語 '%s' は不明です（ja か en）"),
					optarg);
			a.lang = (enum kb_lang)r;
			break;
		default:
			if ((r = cli_option(cli, c, "account add", argv, add_en,
					    add_ja)) >= 0)
				return r;
		}
	}
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

static const char passwd_en[] =
	"Usage: kiban account passwd [OPTION]... LOGIN < PASSWORD-FILE\n"
	"Set a new password, read from the first line of standard input; the\n"
	"account's open sessions end.\n";
static const char passwd_ja[] =
	"使い方: kiban account passwd [オプション]... ログイン名 < パスワードのファイル\n"
	"新しいパスワードを標準入力の 1 行目から読んで設定します。開いている\n"
	"セッションは終了します。\n";

static const char disable_en[] =
	"Usage: kiban account disable [OPTION]... LOGIN\n"
	"Stop an account from logging in; its sessions end.  Its API tokens stop\n"
	"working until it is enabled again.\n";
static const char disable_ja[] =
	"使い方: kiban account disable [オプション]... ログイン名\n"
	"アカウントのログインを止めます。セッションは終了し、API トークンも\n"
	"再び有効にするまで使えません。\n";

static const char enable_en[] = "Usage: kiban account enable [OPTION]... LOGIN\n"
				"Let a disabled account log in again.\n";
static const char enable_ja[] =
	"使い方: kiban account enable [オプション]... ログイン名\n"
	"止めたアカウントを再び使えるようにします。\n";

/* passwd, disable and enable: one LOGIN, no options of their own. */
static int account_one(struct cli *cli, int argc, char **argv, const char *cmd,
		       const char *en, const char *ja)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kb_store *s;
	char pw[256];
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(cli, c, cmd, argv, en, ja)) >= 0)
			return r;
	if (optind + 1 != argc)
		return cli_usage_error(cli, cmd, "%s",
				       CLI_T(cli, "expected one LOGIN",
					     "ログイン名を一つ指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	if (en == passwd_en) {
		if (!(r = read_password(cli, pw, sizeof(pw))))
			r = kb_account_set_password(s, argv[optind], pw,
						    KB_PW_INTERACTIVE, &cli->err);
		sodium_memzero(pw, sizeof(pw));
	} else {
		r = kb_account_disable(s, argv[optind], en == disable_en,
				       &cli->err);
	}
	kb_store_close(s);
	if (r > 0)
		return r;
	return r ? cli_fail(cli, r) : 0;
}

static int account_passwd(struct cli *cli, int argc, char **argv)
{
	return account_one(cli, argc, argv, "account passwd", passwd_en,
			   passwd_ja);
}

static int account_disable(struct cli *cli, int argc, char **argv)
{
	return account_one(cli, argc, argv, "account disable", disable_en,
			   disable_ja);
}

static int account_enable(struct cli *cli, int argc, char **argv)
{
	return account_one(cli, argc, argv, "account enable", enable_en,
			   enable_ja);
}

static const char match_org_en[] =
	"Usage: kiban account match-org [OPTION]... LOGIN [ORG]\n"
	"Let the account act for organisation ORG of the needs-seeds matching\n"
	"registry: it then sees and registers what ORG may.  Without ORG the\n"
	"account no longer acts for any.\n";
static const char match_org_ja[] =
	"使い方: kiban account match-org [オプション]... ログイン名 [組織]\n"
	"アカウントがニーズ・シーズのマッチング登録簿で組織 ORG を代表するようにします。\n"
	"以後、ORG が見られるものを見て、ORG として登録できます。ORG を省くと、\n"
	"どの組織も代表しなくなります。\n";

static int account_match_org(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kb_store *s;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(cli, c, "account match-org", argv,
				    match_org_en, match_org_ja)) >= 0)
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

static const char token_en[] =
	"Usage: kiban account token [OPTION]... LOGIN\n"
	"Create an API token with which a script acts as LOGIN (for example to\n"
	"upload reports).  The token is printed once and stored only as a hash:\n"
	"keep it where the script can read it.  The line after it gives the\n"
	"token's number, for 'kiban account revoke'.\n\n"
	"  --label TEXT   what the token is for\n";
static const char token_ja[] =
	"使い方: kiban account token [オプション]... ログイン名\n"
	"スクリプトがそのアカウントとして動く（報告のアップロードなど）ための\n"
	"API トークンを作ります。トークンは一度だけ表示され、ハッシュだけが\n"
	"保存されます。次の行は 'kiban account revoke' に使う番号です。\n\n"
	"  --label 説明   トークンの用途\n";

static int account_token(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "label", required_argument, NULL, OPT_LABEL },
		{ NULL, 0, NULL, 0 },
	};
	const char *label = NULL;
	char token[KB_API_TOKEN_LEN];
	struct kb_store *s;
	long id = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (c == OPT_LABEL)
			label = optarg;
		else if ((r = cli_option(cli, c, "account token", argv,
					 token_en, token_ja)) >= 0)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "account token", "%s",
				       CLI_T(cli, "expected one LOGIN",
					     "ログイン名を一つ指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_token_create(s, argv[optind], label, cli->now, token, &id,
			    &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	printf("%s\n", token);
	printf(CLI_T(cli, "token %ld\n", "トークン番号 %ld\n"), id);
	sodium_memzero(token, sizeof(token));
	return 0;
}

static const char revoke_en[] = "Usage: kiban account revoke [OPTION]... N\n"
				"Revoke API token number N at once.\n";
static const char revoke_ja[] =
	"使い方: kiban account revoke [オプション]... 番号\n"
	"番号 N の API トークンを直ちに失効させます。\n";

static int account_revoke(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kb_store *s;
	char *end;
	long id;
	int c, r;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1)
		if ((r = cli_option(cli, c, "account revoke", argv, revoke_en,
				    revoke_ja)) >= 0)
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
