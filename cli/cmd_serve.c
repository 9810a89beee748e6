/*
 * cmd_serve.c - kiban serve: the HTTP server (JSON API and web pages) over
 * the database, configured by options and an optional config file of
 * "key = value" lines whose keys are the long options' names.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

#include "core/utf8.h"
#include "server/server.h"

enum {
	OPT_ADDR = OPT_FIRST_OWN,
	OPT_PORT,
	OPT_THREADS,
	OPT_MAX_BODY,
	OPT_TIMEOUT,
	OPT_ACCESS_LOG,
	OPT_CONFIG,
	OPT_SESSION_TTL,
	OPT_NOTIFY_INTERVAL,
	OPT_WEBHOOK_RETRY,
	OPT_WEBHOOK_PRIVATE,
	OPT_LOGIN_LIMIT,
	OPT_LOGIN_WINDOW,
	OPT_LOGIN_HASHERS,
	OPT_SECURE,
	OPT_READY_FILE,
	OPT_LIST_ROUTES,
};

static const char serve_en[] =
	"Usage: kiban serve [OPTION]...\n"
	"Serve the database over HTTP: the web pages (Japanese by default, English\n"
	"with the switch on every page) and the JSON API under /api/v1/ (described\n"
	"by /api/v1/openapi.json).  Accounts: 'kiban account add'.  SIGTERM or\n"
	"SIGINT stops it gracefully: running requests and queued reports finish.\n\n"
	"  --addr ADDR         listen address (default 127.0.0.1; :: for every IPv6)\n"
	"  --port N            port (default 8080; 0: any free port)\n"
	"  --threads N         worker threads (default: the processors, at least 2)\n"
	"  --max-body BYTES    largest request body (default 8M; K, M suffixes)\n"
	"  --timeout SECONDS   close connections idle this long (default 30)\n"
	"  --access-log FILE   one JSON line per request (- for standard error)\n"
	"  --session-ttl SECS  how long a sign-in lasts (default 43200, 12 hours)\n"
	"  --secure-cookies    mark cookies Secure (behind an HTTPS proxy)\n"
	"  --ready-file FILE   write the port there once listening\n"
	"  --notify-interval SECONDS\n"
	"                      how often new alerts and incident events become\n"
	"                      notices and webhooks are posted (default 2)\n"
	"  --webhook-retry SECONDS\n"
	"                      wait before a failed webhook's first retry; the\n"
	"                      waits double up to an hour, 10 tries (default 30)\n"
	"  --webhook-private   let webhooks reach loopback and private addresses\n"
	"                      (refused by default: users cannot make the server\n"
	"                      call into its own network)\n"
	"  --login-limit N     failed sign-ins of an account that lock it out;\n"
	"                      an address may fail 4 times as many (default 5)\n"
	"  --login-window SECONDS\n"
	"                      the failures counted over this long, and the first\n"
	"                      lock-out as long; each next one twice (default 900)\n"
	"  --login-hashers N   threads checking passwords, off those serving the\n"
	"                      rest (default: half the threads, at least 1)\n"
	"  --config FILE       read these settings from FILE (key = value lines,\n"
	"                      keys: db, addr, port, threads, max-body, timeout,\n"
	"                      access-log, session-ttl, secure-cookies, lang,\n"
	"                      notify-interval, webhook-retry, webhook-private,\n"
	"                      login-limit, login-window, login-hashers);\n"
	"                      options on the command line win\n";
static const char serve_ja[] =
	"使い方: kiban serve [オプション]...\n"
	"データベースを HTTP で公開します: 画面（既定は日本語、各ページの切り替えで\n"
	"英語）と /api/v1/ の JSON API（説明は /api/v1/openapi.json）。アカウントは\n"
	"'kiban account add' で作ります。SIGTERM か SIGINT で、処理中のリクエストと\n"
	"受付済みの報告を終えてから停止します。\n\n"
	"  --addr ADDR         待ち受けるアドレス（既定 127.0.0.1。IPv6 全体は ::）\n"
	"  --port N            ポート（既定 8080。0 は空いているポート）\n"
	"  --threads N         処理スレッド数（既定: プロセッサ数、2 以上）\n"
	"  --max-body BYTES    リクエスト本文の上限（既定 8M。K, M を付けられる）\n"
	"  --timeout 秒        この秒数使われない接続を閉じる（既定 30）\n"
	"  --access-log FILE   リクエストごとに JSON 1 行（- は標準エラー）\n"
	"  --session-ttl 秒    ログインの有効期間（既定 43200 = 12 時間）\n"
	"  --secure-cookies    cookie に Secure を付ける（HTTPS のプロキシの後ろで）\n"
	"  --ready-file FILE   待ち受けを始めたらポート番号を書く\n"
	"  --notify-interval 秒\n"
	"                      新しい警報とインシデントの記録を通知にし、Webhook を\n"
	"                      送る間隔（既定 2）\n"
	"  --webhook-retry 秒  失敗した Webhook を最初に再送するまでの待ち。待ちは\n"
	"                      1 時間まで倍になり、10 回まで試す（既定 30）\n"
	"  --webhook-private   ループバックとプライベートアドレスへの Webhook を許す\n"
	"                      （既定は拒否: 利用者にサーバー内部のネットワークを\n"
	"                      呼ばせない）\n"
	"  --login-limit N     アカウントをロックするログイン失敗の回数。アドレスは\n"
	"                      その 4 倍まで失敗できる（既定 5）\n"
	"  --login-window 秒   失敗を数える期間。最初のロックもこの長さで、次からは\n"
	"                      前回の 2 倍（既定 900）\n"
	"  --login-hashers N   パスワードを確かめるスレッド数。ほかの処理のスレッド\n"
	"                      とは別（既定: 処理スレッドの半分、1 以上）\n"
	"  --config FILE       設定を FILE から読む（key = value の行。key は db, addr,\n"
	"                      port, threads, max-body, timeout, access-log,\n"
	"                      session-ttl, secure-cookies, lang, notify-interval,\n"
	"                      webhook-retry, webhook-private, login-limit,\n"
	"                      login-window, login-hashers）。コマンド行の\n"
	"                      オプションが優先します\n";

/* A number with an optional K or M suffix, lo..hi; -1 if not. */
static long long parse_size(const char *s, long long lo, long long hi)
{
	char *end;
	long long v;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno)
		return -1;
	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024, end++;
	return *end || v < lo || v > hi ? -1 : v;
}

/* The strings settings point to, freed at the end. */
struct owned {
	char *v[40];
	size_t n;
};

static const char *keep(struct owned *o, const char *s)
{
	if (o->n == KB_ARRAY_SIZE(o->v))
		return s; /* more settings than keys: later ones repeat */
	return o->v[o->n++] = kb_strdup(s);
}

/* Applies one setting; key is the long option's name.  Returns 0, or a
 * message (in the CLI's language) saying what was expected. */
static const char *apply(struct cli *cli, struct srv_conf *c, const char *key,
			 const char *val, struct owned *owned)
{
	long long v;
	if (!strcmp(key, "db")) {
		cli->db = keep(owned, val);
	} else if (!strcmp(key, "addr")) {
		c->addr = keep(owned, val);
	} else if (!strcmp(key, "port")) {
		if ((v = parse_size(val, 0, 65535)) < 0 || strpbrk(val, "KkMm"))
			return CLI_T(cli, "a port number 0-65535",
				     "0〜65535 のポート番号");
		c->port = (int)v;
	} else if (!strcmp(key, "threads")) {
		if ((v = parse_size(val, 1, 256)) < 0 || strpbrk(val, "KkMm"))
			return CLI_T(cli, "a number of threads 1-256",
				     "1〜256 のスレッド数");
		c->threads = (unsigned)v;
	} else if (!strcmp(key, "max-body")) {
		if ((v = parse_size(val, 1024, 1LL << 30)) < 0)
			return CLI_T(cli, "a size from 1K to 1024M",
				     "1K〜1024M の大きさ");
		c->max_body = (size_t)v;
	} else if (!strcmp(key, "timeout")) {
		if ((v = parse_size(val, 1, 3600)) < 0 || strpbrk(val, "KkMm"))
			return CLI_T(cli, "seconds, 1-3600", "1〜3600 の秒数");
		c->timeout = (unsigned)v;
	} else if (!strcmp(key, "session-ttl")) {
		if ((v = parse_size(val, 60, 30LL * 86400)) < 0 ||
		    strpbrk(val, "KkMm"))
			return CLI_T(cli, "seconds, 60 to 30 days",
				     "60 秒〜30 日の秒数");
		c->session_ttl = (long)v;
	} else if (!strcmp(key, "access-log")) {
		c->access_log = keep(owned, val);
	} else if (!strcmp(key, "notify-interval")) {
		char *end;
		double d = strtod(val, &end);
		if (end == val || *end || !(d >= 0.1 && d <= 3600))
			return CLI_T(cli, "seconds, 0.1-3600",
				     "0.1〜3600 の秒数");
		c->notify_interval = d;
	} else if (!strcmp(key, "webhook-retry")) {
		if ((v = parse_size(val, 1, 3600)) < 0 || strpbrk(val, "KkMm"))
			return CLI_T(cli, "seconds, 1-3600", "1〜3600 の秒数");
		c->webhook_retry = (unsigned)v;
	} else if (!strcmp(key, "login-limit")) {
		if ((v = parse_size(val, 1, 1000000)) < 0 || strpbrk(val, "KkMm"))
			return CLI_T(cli, "a number of failures 1-1000000",
				     "1〜1000000 の失敗回数");
		c->login_limit = (unsigned)v;
	} else if (!strcmp(key, "login-window")) {
		if ((v = parse_size(val, 1, 86400)) < 0 || strpbrk(val, "KkMm"))
			return CLI_T(cli, "seconds, 1-86400", "1〜86400 の秒数");
		c->login_window = (unsigned)v;
	} else if (!strcmp(key, "login-hashers")) {
		if ((v = parse_size(val, 1, 64)) < 0 || strpbrk(val, "KkMm"))
			return CLI_T(cli, "a number of threads 1-64",
				     "1〜64 のスレッド数");
		c->login_hashers = (unsigned)v;
	} else if (!strcmp(key, "secure-cookies") ||
		   !strcmp(key, "webhook-private")) {
		if (strcmp(val, "true") && strcmp(val, "false") &&
		    strcmp(val, "1") && strcmp(val, "0"))
			return CLI_T(cli, "true or false", "true か false");
		*(key[0] == 's' ? &c->secure_cookies : &c->webhook_private) =
			!strcmp(val, "true") || !strcmp(val, "1");
	} else if (!strcmp(key, "lang")) {
		int l = kb_lang_parse(val);
		if (l < 0)
			return CLI_T(cli, "ja or en", "ja か en");
		c->lang = (enum kb_lang)l;
	} else {
		return CLI_T(
			cli,
			"a known key (db, addr, port, threads, max-body, timeout, access-log, session-ttl, secure-cookies, lang, notify-interval, webhook-retry, webhook-private, login-limit, login-window, login-hashers)",
			"既知のキー（db, addr, port, threads, max-body, timeout, access-log, session-ttl, secure-cookies, lang, notify-interval, webhook-retry, webhook-private, login-limit, login-window, login-hashers）");
	}
	return NULL;
}

/* Reads the config file; every problem is reported, then exit 3. */
static int read_config(struct cli *cli, struct srv_conf *c, const char *path,
		       struct owned *owned)
{
	struct kb_buf b = KB_BUF_INIT;
	char *line, *save = NULL;
	unsigned lineno = 0;
	if (kb_buf_read_file(&b, path)) {
		kb_err_set(&cli->err, KB_EIO,
			   CLI_T(cli, "cannot read the config file %s: %s",
				 "設定ファイル %s を読めません: %s"),
			   path, strerror(errno));
		return cli_fail(cli, KB_EIO);
	}
	for (line = b.buf ? strtok_r(b.buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key, *val;
		const char *why;
		lineno++;
		line[strcspn(line, "\r")] = 0;
		key = kb__trim_in_place(line);
		if (!*key || *key == '#')
			continue;
		if (!(eq = strchr(key, '='))) {
			kb_err_at(&cli->err, KB_EINVALID, path, lineno,
				  (unsigned)(key - line) + 1, NULL, "%s",
				  CLI_T(cli, "expected key = value",
					"key = value の形で書いてください"));
			continue;
		}
		*eq = 0;
		kb__trim_in_place(key);
		val = kb__trim_in_place(eq + 1);
		if ((why = apply(cli, c, key, val, owned)))
			kb_err_at(&cli->err, KB_EINVALID, path, lineno,
				  (unsigned)(val - line) + 1, key,
				  CLI_T(cli, "'%s' is not %s",
					"'%s' は%sではありません"),
				  val, why);
	}
	kb_buf_release(&b);
	return cli->err.n ? cli_fail(cli, KB_EINVALID) : 0;
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "addr", required_argument, NULL, OPT_ADDR },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "access-log", required_argument, NULL, OPT_ACCESS_LOG },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "session-ttl", required_argument, NULL, OPT_SESSION_TTL },
		{ "secure-cookies", no_argument, NULL, OPT_SECURE },
		{ "notify-interval", required_argument, NULL,
		  OPT_NOTIFY_INTERVAL },
		{ "webhook-retry", required_argument, NULL, OPT_WEBHOOK_RETRY },
		{ "webhook-private", no_argument, NULL, OPT_WEBHOOK_PRIVATE },
		{ "login-limit", required_argument, NULL, OPT_LOGIN_LIMIT },
		{ "login-window", required_argument, NULL, OPT_LOGIN_WINDOW },
		{ "login-hashers", required_argument, NULL, OPT_LOGIN_HASHERS },
		{ "ready-file", required_argument, NULL, OPT_READY_FILE },
		{ "list-routes", no_argument, NULL, OPT_LIST_ROUTES },
		{ NULL, 0, NULL, 0 },
	};
	struct srv_conf c = { 0 };
	struct {
		const char *key, *val;
	} set[24];
	size_t nset = 0, i;
	struct owned owned = { { 0 }, 0 };
	const char *config = NULL;
	long np = sysconf(_SC_NPROCESSORS_ONLN);
	int ch, r, list = 0;

	c.addr = "127.0.0.1";
	c.port = 8080;
	c.threads = np > 2 ? (unsigned)np : 2;
	c.max_body = 8u << 20;
	c.timeout = 30;
	c.session_ttl = 12 * 3600;
	c.notify_interval = 2;
	c.webhook_retry = 30;
	c.login_limit = 5;
	c.login_window = 900;
	c.lang = cli->lang;
	c.epoch = cli->now;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		if (ch >= OPT_ADDR && ch <= OPT_SECURE && ch != OPT_CONFIG &&
		    nset < KB_ARRAY_SIZE(set)) {
			/* a setting: applied after the config file */
			for (i = 0; opts[i].val != ch; i++)
				;
			set[nset].key = opts[i].name;
			set[nset++].val =
				ch == OPT_SECURE || ch == OPT_WEBHOOK_PRIVATE
					? "true"
					: optarg;
			continue;
		}
		switch (ch) {
		case OPT_CONFIG: config = optarg; break;
		case OPT_READY_FILE: c.ready_file = optarg; break;
		case OPT_LIST_ROUTES: list = 1; break;
		default:
			if ((r = cli_option(cli, ch, "serve", argv, serve_en,
					    serve_ja)) >= 0)
				return r;
		}
	}
	if (optind != argc)
		return cli_usage_error(cli, "serve", "%s",
				       CLI_T(cli, "serve takes no arguments",
					     "serve は引数を取りません"));
	if (list) {
		const struct route *rt;
		for (i = 0; (rt = srv_route(i)); i++) {
			if (rt->methods & M_GET)
				printf("GET %s\n", rt->pattern);
			if (rt->methods & M_POST)
				printf("POST %s\n", rt->pattern);
			if (rt->methods & M_DELETE)
				printf("DELETE %s\n", rt->pattern);
		}
		return 0;
	}
	if (config && (r = read_config(cli, &c, config, &owned)))
		goto out;
	for (i = 0; i < nset; i++) {
		const char *why = apply(cli, &c, set[i].key, set[i].val, &owned);
		if (why) {
			r = cli_usage_error(cli, "serve",
					    CLI_T(cli, "--%s: '%s' is not %s",
						  "--%s: '%s' は%sではありません"),
					    set[i].key, set[i].val, why);
			goto out;
		}
	}
	/* the database must exist: serving an empty new file helps nobody */
	{
		struct kb_store *s;
		if ((r = cli_open(cli, 0, &s)))
			goto out;
		kb_store_close(s);
	}
	c.db = cli->db;
	r = srv_run(&c, &cli->err) ? cli_fail(cli, cli->err.code) : 0;
out:
	for (i = 0; i < owned.n; i++)
		free(owned.v[i]);
	return r;
}
