/*
 * cmd_match.c - kiban match: the registry of needs, seeds and
 * organisations, ranked matches with their reasons, recorded matches,
 * consultation cases and the figures for the plan's KPIs.
 */
#include "cli_more.h"

#include "kiban/kpi.h"
#include "kiban/match.h"

/* The arguments of the match commands; MA(field): where a value goes. */
struct margs {
	struct cli_format f;
	const char *as, *to, *enc, *venture, *support, *title, *phase, *topics;
	const char *due;
	int dry_run, mecab, fy;
	long limit;
	struct cli_strs records;
};
#define MA(field) CLI_AT(struct margs, field)
#define MARGS_INIT                                  \
	{                                           \
		.limit = 10, .records = {.max = 8 } \
	}
enum { OPT_LIMIT = OPT_FIRST_OWN };
#define AS_OPTION   CLI_HIDDEN("as", 0, CLI_STR, "ORG", MA(as))
#define JSON_OPTION CLI_HIDDEN("json", 0, CLI_FLAG, NULL, MA(f.json))

#define IMPORT_FN(name, kind)                                           \
	static int name(struct kb_store *s, struct kb_csv *c,           \
			const struct kb_import_opts *o,                 \
			struct kb_import_stats *st, struct kb_err *err) \
	{                                                               \
		return kb_match_import(s, kind, c, o, st, err);         \
	}
IMPORT_FN(import_orgs, KB_MATCH_ORG)
IMPORT_FN(import_needs, KB_MATCH_NEED)
IMPORT_FN(import_seeds, KB_MATCH_SEED)
IMPORT_FN(import_nda, KB_MATCH_NDA)

static const struct cli_opt import_opts[] = {
	CLI_HIDDEN("encoding", 0, CLI_STR, "ENC", MA(enc)),
	CLI_HIDDEN("dry-run", 0, CLI_FLAG, NULL, MA(dry_run)),
	AS_OPTION,
	CLI_OPT_END,
};
static const struct cli_spec import_spec = {
	"match import",
	"[--as ORG] [--dry-run] [--encoding ENC] orgs|needs|seeds|nda FILE",
	"[--as 組織] [--dry-run] [--encoding ENC] orgs|needs|seeds|nda ファイル",
	"Import organisations, clinical needs, technology seeds, or who may see\n"
	"what is under NDA, from CSV (UTF-8 or CP932) or JSON: all or nothing,\n"
	"every problem with its line and column.  Rows with an id already held\n"
	"replace it.  With --as, ORG imports its own needs, seeds and NDAs only\n"
	"(organisations are the administrator's).  Columns: docs/match-format.md.\n",
	"組織・臨床ニーズ・技術シーズ・NDA の相手を CSV（UTF-8 か CP932）または JSON から\n"
	"取り込みます。すべてかゼロか。問題は行と列つきですべて示します。登録済みの ID の行は\n"
	"置き換えます。--as では組織 ORG が自らのニーズ・シーズ・NDA だけを取り込みます\n"
	"（組織の登録は管理者が行います）。列: docs/match-format.md\n",
	import_opts,
	0,
	0,
	0,
};

static int match_import(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	struct kb_store *s;
	kb_import_fn fn;
	int r, kind;
	if ((r = cli_parse(cli, &import_spec, argc, argv, &a)) >= 0)
		return r;
	cli->only_org = a.as;
	if (optind + 2 != argc)
		return cli_usage_error(
			cli, "match import", "%s",
			CLI_T(cli, "give the kind and one file",
			      "種類とファイルを一つ指定してください"));
	kind = kb_match_kind_parse(argv[optind]);
	fn = kind == KB_MATCH_ORG    ? import_orgs
	     : kind == KB_MATCH_NEED ? import_needs
	     : kind == KB_MATCH_SEED ? import_seeds
	     : kind == KB_MATCH_NDA  ? import_nda
				     : NULL;
	if (!fn)
		return cli_usage_error(
			cli, "match import",
			CLI_T(cli, "unknown kind '%s' (orgs, needs, seeds or nda)",
			      "不明な種類 '%s' です（orgs, needs, seeds, nda）"),
			argv[optind]);
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = cli_import_file(cli, s, fn, argv[optind + 1], a.enc, a.dry_run);
	kb_store_close(s);
	return r;
}

/* The FIELD=VALUE arguments from argv[i] on, as an object in *out. */
static int fields_of(struct cli *cli, const char *cmd, int argc, char **argv,
		     int i, json_t **out)
{
	*out = json_object();
	for (; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		char key[64];
		if (!eq || eq == argv[i] ||
		    (size_t)(eq - argv[i]) >= sizeof(key)) {
			json_decref(*out);
			return cli_usage_error(
				cli, cmd,
				CLI_T(cli, "'%s' is not FIELD=VALUE",
				      "'%s' は 項目=値 の形ではありません"),
				argv[i]);
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[i]), argv[i]);
		json_object_set_new(*out, key, json_string(eq + 1));
	}
	return 0;
}

static const struct cli_opt profile_opts[] = {
	AS_OPTION,
	CLI_OPT_END,
};
static const struct cli_spec profile_spec = {
	"match profile",
	"--as ORG FIELD=VALUE...",
	"--as 組織 項目=値...",
	"Say what organisation ORG can do: capability= (in words), areas=\n"
	"(clinical areas, ';'-separated) and, for a support body, support=\n"
	"(regulatory;ip;finance;sales;overseas;insurance).  Companies and support\n"
	"bodies are ranked by these.  The rest of ORG's row is the\n"
	"administrator's.\n",
	"組織 ORG ができることを登録します: capability=（ことばで）、areas=（臨床領域、\n"
	"; 区切り）、支援機関は support=（regulatory;ip;finance;sales;overseas;insurance）。\n"
	"企業と支援機関はこれで順位づけされます。ほかの項目は管理者が登録します。\n",
	profile_opts,
	0,
	0,
	0,
};

static int match_profile(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	struct kb_store *s;
	json_t *fields;
	int r;
	if ((r = cli_parse(cli, &profile_spec, argc, argv, &a)) >= 0)
		return r;
	if (!a.as || optind == argc)
		return cli_usage_error(
			cli, "match profile", "%s",
			CLI_T(cli, "give --as ORG and at least one FIELD=VALUE",
			      "--as 組織 と 項目=値 を一つ以上指定してください"));
	if ((r = fields_of(cli, "match profile", argc, argv, optind, &fields)))
		return r;
	if ((r = cli_open(cli, 0, &s))) {
		json_decref(fields);
		return r;
	}
	r = kb_match_profile(s, a.as, fields, cli->user, cli->now, &cli->err);
	kb_store_close(s);
	json_decref(fields);
	return r ? cli_fail(cli, r) : 0;
}

static const struct cli_opt add_opts[] = {
	AS_OPTION,
	JSON_OPTION,
	CLI_OPT_END,
};
static const struct cli_spec add_spec = {
	"match add",
	"[--as ORG] [--json] need|seed FIELD=VALUE...",
	"[--as 組織] [--json] need|seed 項目=値...",
	"Register one need or seed of organisation ORG (without --as, the\n"
	"administrator's, naming org=).  The fields are the import's columns\n"
	"(docs/match-format.md); without id= one is made (N0061, S0301...) and\n"
	"printed.  Example:\n"
	"  kiban match add need --as MH01 problem=... population=... outcome=... area=循環器\n",
	"組織 ORG のニーズかシーズを一件登録します（--as なしは管理者として、org= を指定）。\n"
	"項目は取り込みの列と同じです（docs/match-format.md）。id= がなければ作って\n"
	"（N0061、S0301 など）表示します。例:\n"
	"  kiban match add need --as MH01 problem=... population=... outcome=... area=循環器\n",
	add_opts,
	0,
	0,
	0,
};

static int match_add(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	struct kb_store *s;
	json_t *fields;
	char id[64];
	int r, kind;
	if ((r = cli_parse(cli, &add_spec, argc, argv, &a)) >= 0)
		return r;
	kind = optind < argc ? kb_match_kind_parse(argv[optind]) : -1;
	if (kind != KB_MATCH_NEED && kind != KB_MATCH_SEED)
		return cli_usage_error(
			cli, "match add", "%s",
			CLI_T(cli, "give the kind, need or seed, and its fields",
			      "種類（need か seed）と項目を指定してください"));
	if ((r = fields_of(cli, "match add", argc, argv, optind + 1, &fields)))
		return r;
	if ((r = cli_open(cli, 0, &s))) {
		json_decref(fields);
		return r;
	}
	r = kb_match_add(s, a.as, (enum kb_match_kind)kind, fields, cli->user,
			 cli->now, id, sizeof(id), &cli->err);
	kb_store_close(s);
	json_decref(fields);
	if (r)
		return cli_fail(cli, r);
	if (a.f.json)
		return cli_print_json(cli, json_pack("{s:s}", "id", id));
	if (!cli->quiet)
		printf(CLI_T(cli, "%s %s registered\n", "%s %s を登録しました\n"),
		       kind == KB_MATCH_NEED ? CLI_T(cli, "need", "ニーズ")
					     : CLI_T(cli, "seed", "シーズ"),
		       id);
	return 0;
}

static const struct cli_opt export_opts[] = {
	AS_OPTION,
	JSON_OPTION,
	CLI_HIDDEN("bom", 0, CLI_FLAG, NULL, MA(f.bom)),
	CLI_OPT_END,
};
static const struct cli_spec export_spec = {
	"match export",
	"[--as ORG] [--json | --bom] orgs|needs|seeds|nda",
	"[--as 組織] [--json | --bom] orgs|needs|seeds|nda",
	"Write a registry as CSV (or JSON) to standard output, as the organisation\n"
	"ORG may see it (without --as: everything, as the administrator).\n",
	"登録簿を CSV（または JSON）で標準出力に書きます。組織 ORG が見られる範囲だけです\n"
	"（--as なし: 管理者としてすべて）。\n",
	export_opts,
	0,
	0,
	0,
};

static int match_export(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	struct kb_store *s;
	struct kb_buf out = KB_BUF_INIT;
	json_t *rows;
	int r, kind;
	if ((r = cli_parse(cli, &export_spec, argc, argv, &a)) >= 0)
		return r;
	if (optind + 1 != argc || (kind = kb_match_kind_parse(argv[optind])) < 0)
		return cli_usage_error(
			cli, "match export", "%s",
			CLI_T(cli, "give the kind: orgs, needs, seeds or nda",
			      "種類を指定してください: orgs, needs, seeds, nda"));
	if ((r = cli_open(cli, KB_STORE_READONLY, &s)))
		return r;
	r = kb_match_export(s, a.as, (enum kb_match_kind)kind, &rows, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (a.f.json)
		return cli_print_json(cli, rows);
	kb_csvw_rows(&out, rows, a.f.bom);
	json_decref(rows);
	r = cli_write(cli, &out, "-");
	kb_buf_release(&out);
	return r;
}

static const struct cli_opt find_opts[] = {
	AS_OPTION,
	CLI_HIDDEN("to", 0, CLI_STR, "KIND", MA(to)),
	CLI_HIDDEN("limit", 0, CLI_CALL, "N", OPT_LIMIT),
	CLI_HIDDEN("mecab", 0, CLI_FLAG, NULL, MA(mecab)),
	JSON_OPTION,
	CLI_OPT_END,
};
static const struct cli_spec find_spec = {
	"match find",
	"[--as ORG] [--to KIND] [--limit N] [--mecab] [--json] ID",
	"[--as 組織] [--to 種類] [--limit N] [--mecab] [--json] ID",
	"The best matches of a need (to seeds, or --to companies), a seed (to\n"
	"support bodies, or --to needs) or a company (to needs), with the words\n"
	"and fields they share and the boosts they got.  ORG sees only what it\n"
	"may see; asking for a need or seed it may not see is refused.\n"
	"  --mecab   add MeCab's words to the character bigrams (when installed)\n",
	"ニーズ（シーズへ、または --to companies で企業へ）、シーズ（支援機関へ、または\n"
	"--to needs でニーズへ）、企業（ニーズへ）の良い組み合わせを、共通する語と項目、\n"
	"加点の理由とともに示します。組織 ORG には見てよいものだけを示し、見られない\n"
	"ニーズやシーズの照会は拒否します。\n"
	"  --mecab   文字の2文字組に MeCab の単語を加える（インストール時）\n",
	find_opts,
	0,
	0,
	0,
};

static int match_find(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	struct kb_store *s;
	json_t *rows, *x;
	int r, from, target;
	size_t i;
	while ((r = cli_parse(cli, &find_spec, argc, argv, &a)) == OPT_LIMIT) {
		a.limit = strtol(optarg, NULL, 10);
		if (a.limit < 1 || a.limit > 1000)
			return cli_usage_error(
				cli, "match find", "%s",
				CLI_T(cli, "--limit takes 1 to 1000",
				      "--limit は 1 から 1000 です"));
	}
	if (r >= 0)
		return r;
	if (optind + 1 != argc)
		return cli_usage_error(
			cli, "match find", "%s",
			CLI_T(cli, "give one need, seed or company id",
			      "ニーズ・シーズ・企業の ID を一つ指定してください"));
	if ((r = cli_open(cli, KB_STORE_READONLY, &s)))
		return r;
	from = kb_match_kind_of(s, argv[optind], &cli->err);
	if (from < 0) {
		kb_store_close(s);
		return cli_fail(cli, from);
	}
	target = a.to			 ? kb_match_kind_parse(a.to)
		 : from == KB_MATCH_NEED ? KB_MATCH_SEED
		 : from == KB_MATCH_SEED ? KB_MATCH_SUPPORT
					 : KB_MATCH_NEED;
	if (target < 0) {
		kb_store_close(s);
		return cli_usage_error(
			cli, "match find",
			CLI_T(cli,
			      "unknown kind '%s' (seeds, needs, companies or support)",
			      "不明な種類 '%s' です（seeds, needs, companies, support）"),
			a.to);
	}
	r = kb_match_rank(s, a.as, (enum kb_match_kind)from, argv[optind],
			  (enum kb_match_kind)target, (size_t)a.limit, a.mecab,
			  &rows, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (a.f.json)
		return cli_print_json(cli, rows);
	{
		struct cli_table t;
		cli_table_init(&t, 5, CLI_T(cli, "rank", "順位"), "ID",
			       CLI_T(cli, "name", "名称"),
			       CLI_T(cli, "score", "得点"),
			       CLI_T(cli, "why", "理由"));
		cli_table_limit(&t, 2, 30);
		cli_table_limit(&t, 4, 60);
		json_array_foreach(rows, i, x)
		{
			char rank[24], score[32];
			struct kb_buf why = KB_BUF_INIT;
			json_t *b;
			size_t k;
			snprintf(rank, sizeof(rank), "%zu", i + 1);
			snprintf(score, sizeof(score), "%.2f",
				 json_real_value(json_object_get(x, "score")));
			kb_buf_adds(&why,
				    json_string_value(json_object_get(x, "why")));
			json_array_foreach(json_object_get(x, "boosts"), k, b)
			{
				kb_buf_addf(&why, "; %s", json_string_value(b));
			}
			cli_table_row(
				&t, rank,
				json_string_value(json_object_get(x, "id")),
				json_string_value(json_object_get(x, "name")),
				score, why.buf);
			kb_buf_release(&why);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	json_decref(rows);
	return 0;
}

static const struct cli_opt link_opts[] = {
	AS_OPTION,
	CLI_OPT_END,
};
static const struct cli_spec link_spec = {
	"match link",
	"[--as ORG] NEED SEED",
	"[--as 組織] ニーズ シーズ",
	"Record that a need was matched to a seed (by the owner of either).\n"
	"The KPIs count the needs matched and the days to their first match.\n",
	"ニーズとシーズのマッチを記録します（どちらかの所有者が行います）。KPI は\n"
	"マッチしたニーズの数と最初のマッチまでの日数を数えます。\n",
	link_opts,
	0,
	0,
	0,
};

static int match_link(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	struct kb_store *s;
	int r;
	if ((r = cli_parse(cli, &link_spec, argc, argv, &a)) >= 0)
		return r;
	if (optind + 2 != argc)
		return cli_usage_error(cli, "match link", "%s",
				       CLI_T(cli, "give a need and a seed",
					     "ニーズとシーズを指定してください"));
	if ((r = cli_open(cli, 0, &s)))
		return r;
	r = kb_match_link(s, a.as, argv[optind], argv[optind + 1], cli->user,
			  cli->now, &cli->err);
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (!cli->quiet)
		printf(CLI_T(cli, "matched %s with %s\n",
			     "%s と %s のマッチを記録しました\n"),
		       argv[optind], argv[optind + 1]);
	return 0;
}

static void print_case(struct cli *cli, json_t *c)
{
	json_t *e;
	size_t i;
	printf(CLI_T(cli,
		     "case %lld: %s\n  venture %s, support %s, phase %s, topics %s\n  opened %s%s%s\n",
		     "相談案件 %lld: %s\n  ベンチャー %s、支援機関 %s、フェーズ %s、話題 %s\n  開始 %s%s%s\n"),
	       (long long)json_integer_value(json_object_get(c, "id")),
	       json_string_value(json_object_get(c, "title")),
	       json_string_value(json_object_get(c, "venture")),
	       json_string_value(json_object_get(c, "support")),
	       json_string_value(json_object_get(c, "phase")),
	       json_string_value(json_object_get(c, "topics")),
	       json_string_value(json_object_get(c, "opened_at")),
	       json_is_string(json_object_get(c, "closed_at"))
		       ? CLI_T(cli, ", closed ", "、終了 ")
		       : "",
	       json_is_string(json_object_get(c, "closed_at"))
		       ? json_string_value(json_object_get(c, "closed_at"))
		       : "");
	json_array_foreach(json_object_get(c, "events"), i, e)
	{
		const char *due = json_string_value(json_object_get(e, "due"));
		const char *ph = json_string_value(json_object_get(e, "phase"));
		struct kb_buf b = KB_BUF_INIT;
		kb_buf_addf(&b, "  #%lld %s %s",
			    (long long)json_integer_value(
				    json_object_get(e, "event")),
			    json_string_value(json_object_get(e, "at")),
			    json_string_value(json_object_get(e, "kind")));
		if (ph)
			kb_buf_addf(&b, " %s", ph);
		kb_buf_addf(&b, " %s",
			    json_string_value(json_object_get(e, "text")));
		if (due)
			kb_buf_addf(&b, CLI_T(cli, " (due %s)", "（期日 %s）"),
				    due);
		puts(b.buf);
		kb_buf_release(&b);
	}
}

static const struct cli_opt case_opts[] = {
	AS_OPTION,
	CLI_HIDDEN("venture", 0, CLI_STR, "ORG", MA(venture)),
	CLI_HIDDEN("support", 0, CLI_STR, "ORG", MA(support)),
	CLI_HIDDEN("title", 0, CLI_STR, "TEXT", MA(title)),
	CLI_HIDDEN("phase", 0, CLI_STR, "PHASE", MA(phase)),
	CLI_HIDDEN("topics", 0, CLI_STR, "LIST", MA(topics)),
	CLI_HIDDEN("due", 0, CLI_STR, "DATE", MA(due)),
	JSON_OPTION,
	CLI_OPT_END,
};
static const struct cli_spec case_spec = {
	"match case",
	"open --venture ORG --support ORG --title TEXT",
	"open --venture 組織 --support 組織 --title 件名",
	"                             [--phase PHASE] [--topics LIST]\n"
	"       kiban match case meet ID TEXT | phase ID PHASE [TEXT]\n"
	"       kiban match case action ID TEXT --due YYYY-MM-DD | done ID EVENT\n"
	"       kiban match case close ID OUTCOME | list | show ID   [--as ORG] [--json]\n"
	"Accompaniment-support cases of a support body with a venture, phase by\n"
	"phase: idea, prototype, nonclinical, clinical, approval, insurance,\n"
	"launch, overseas.  Topics: ip, regulatory, management, international,\n"
	"insurance.  A case is seen and changed by its two parties only.\n",
	"                             [--phase フェーズ] [--topics 一覧]\n"
	"       kiban match case meet ID 内容 | phase ID フェーズ [内容]\n"
	"       kiban match case action ID 内容 --due YYYY-MM-DD | done ID 番号\n"
	"       kiban match case close ID 結果 | list | show ID   [--as 組織] [--json]\n"
	"支援機関がベンチャーを伴走支援する相談案件をフェーズごとに記録します: idea, prototype,\n"
	"nonclinical, clinical, approval, insurance, launch, overseas。話題: ip, regulatory,\n"
	"management, international, insurance。案件を見て変えられるのは当事者の二者だけです。\n",
	case_opts,
	0,
	0,
	0,
};

static int match_case(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	const char *op;
	struct kb_store *s;
	json_t *out = NULL;
	int r;
	long id = 0;
	if ((r = cli_parse(cli, &case_spec, argc, argv, &a)) >= 0)
		return r;
	if (optind >= argc)
		return cli_usage_error(
			cli, "match case", "%s",
			CLI_T(cli,
			      "give what to do: open, meet, phase, action, done, close, list or show",
			      "操作を指定してください: open, meet, phase, action, done, close, list, show"));
	op = argv[optind++];
	if (strcmp(op, "open") && strcmp(op, "list")) {
		char *end;
		if (optind >= argc ||
		    (id = strtol(argv[optind], &end, 10)) <= 0 || *end)
			return cli_usage_error(
				cli, "match case", "%s",
				CLI_T(cli, "give the case number",
				      "案件番号を指定してください"));
		optind++;
	}
	if ((r = cli_open(cli,
			  strcmp(op, "list") && strcmp(op, "show")
				  ? 0
				  : KB_STORE_READONLY,
			  &s)))
		return r;
	if (!strcmp(op, "open")) {
		if (!a.venture || !a.support) {
			kb_store_close(s);
			return cli_usage_error(
				cli, "match case", "%s",
				CLI_T(cli, "open needs --venture and --support",
				      "open には --venture と --support が必要です"));
		}
		r = kb_case_open(s, a.as, a.venture, a.support, a.title, a.phase,
				 a.topics, cli->user, cli->now, &id, &cli->err);
		if (!r && !cli->quiet)
			printf(CLI_T(cli, "opened case %ld\n",
				     "相談案件 %ld を開きました\n"),
			       id);
	} else if (!strcmp(op, "list")) {
		r = kb_case_list(s, a.as, &out, &cli->err);
	} else if (!strcmp(op, "show")) {
		r = kb_case_show(s, a.as, id, &out, &cli->err);
	} else if (!strcmp(op, "meet") || !strcmp(op, "action") ||
		   !strcmp(op, "done") || !strcmp(op, "close") ||
		   !strcmp(op, "phase")) {
		const char *kind = !strcmp(op, "meet")	  ? "meeting"
				   : !strcmp(op, "close") ? "outcome"
							  : op;
		const char *ph = NULL, *text = NULL;
		if (!strcmp(op, "phase")) {
			ph = optind < argc ? argv[optind++] : "";
			text = optind < argc ? argv[optind++] : "";
		} else {
			text = optind < argc ? argv[optind++] : "";
		}
		r = kb_case_event(s, a.as, id, kind, ph, text, a.due, cli->user,
				  cli->now, &cli->err);
		if (!r && !cli->quiet)
			printf(CLI_T(cli, "case %ld: %s recorded\n",
				     "相談案件 %ld: %s を記録しました\n"),
			       id, op);
	} else {
		kb_store_close(s);
		return cli_usage_error(cli, "match case",
				       CLI_T(cli, "unknown operation '%s'",
					     "不明な操作 '%s' です"),
				       op);
	}
	kb_store_close(s);
	if (r)
		return cli_fail(cli, r);
	if (out && a.f.json)
		return cli_print_json(cli, out);
	if (out && !strcmp(op, "show")) {
		print_case(cli, out);
	} else if (out) {
		struct cli_table t;
		json_t *x;
		size_t i;
		cli_table_init(&t, 6, CLI_T(cli, "case", "案件"),
			       CLI_T(cli, "venture", "ベンチャー"),
			       CLI_T(cli, "support", "支援機関"),
			       CLI_T(cli, "phase", "フェーズ"),
			       CLI_T(cli, "next due", "次の期日"),
			       CLI_T(cli, "title", "件名"));
		json_array_foreach(out, i, x)
		{
			char n[24];
			const char *d =
				json_string_value(json_object_get(x, "next_due"));
			snprintf(n, sizeof(n), "%lld",
				 (long long)json_integer_value(
					 json_object_get(x, "id")));
			cli_table_row(
				&t, n,
				json_string_value(json_object_get(x, "venture")),
				json_string_value(json_object_get(x, "support")),
				json_string_value(json_object_get(x, "phase")),
				d ? d : "-",
				json_string_value(json_object_get(x, "title")));
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	json_decref(out);
	return 0;
}

static const struct cli_opt kpi_opts[] = {
	{ "year", 0, CLI_FY, "FY", "年度", "the fiscal year (April to March)",
	  "年度（4 月〜3 月）", MA(fy) },
	{ "record", 0, CLI_LIST, "KPI=FIGURE", "KPI=数値名",
	  "store FIGURE (matches, needs, needs_matched,\n"
	  "ventures_supported, ventures_launched or\n"
	  "days_to_first_match_median) as KPI's value for FY",
	  "数値名（matches, needs, needs_matched,\n"
	  "ventures_supported, ventures_launched,\n"
	  "days_to_first_match_median）を KPI のその年度の値として記録",
	  MA(records) },
	{ "json", 0, CLI_FLAG, NULL, NULL, "for scripts", "スクリプト向け",
	  MA(f.json) },
	CLI_OPT_END,
};
static const struct cli_spec kpi_spec = {
	"match kpi",
	"[--year FY [--record KPI=FIGURE]...] [--json]",
	"[--year 年度 [--record KPI=数値名]...] [--json]",
	"The figures the plan's KPIs take from matching and the cases, for a\n"
	"fiscal year (default: all time): matches recorded, needs registered and\n"
	"first matched, ventures supported and those that reached launch (crossed\n"
	"the valley of death), the median days from a need to its first match.\n",
	"マッチングと相談案件から計画の KPI に渡す数値（既定は全期間）: 記録したマッチ、\n"
	"登録されたニーズと初めてマッチしたニーズ、支援したベンチャーと上市に至った\n"
	"ベンチャー（死の谷を越えた数）、ニーズから最初のマッチまでの日数（中央値）。\n",
	kpi_opts,
	23,
	23,
	0,
};

static int match_kpi(struct cli *cli, int argc, char **argv)
{
	struct margs a = MARGS_INIT;
	const char *const *records = a.records.v;
	size_t nrec, i;
	struct kb_store *s;
	json_t *k = NULL;
	int r, fy;
	if ((r = cli_parse(cli, &kpi_spec, argc, argv, &a)) >= 0)
		return r;
	nrec = a.records.n;
	fy = a.fy;
	if (nrec && !fy)
		return cli_usage_error(cli, "match kpi", "%s",
				       CLI_T(cli, "--record needs --year",
					     "--record には --year が必要です"));
	if ((r = cli_open(cli, nrec ? 0 : KB_STORE_READONLY, &s)))
		return r;
	r = kb_match_kpi(s, fy, &k, &cli->err);
	for (i = 0; !r && i < nrec; i++) {
		const char *eq = strchr(records[i], '=');
		char kpi[64];
		json_t *v;
		size_t f;
		for (f = 0; eq && kb_match_kpi_figures[f]; f++)
			if (!strcmp(eq + 1, kb_match_kpi_figures[f]))
				break;
		if (!eq || (size_t)(eq - records[i]) >= sizeof(kpi) ||
		    !kb_match_kpi_figures[f]) {
			kb_store_close(s);
			json_decref(k);
			return cli_usage_error(
				cli, "match kpi",
				CLI_T(cli,
				      "'%s' is not KPI=FIGURE with a figure of 'kiban match kpi --json'",
				      "'%s' は KPI=数値名 ではありません（数値名は 'kiban match kpi --json' の項目）"),
				records[i]);
		}
		snprintf(kpi, sizeof(kpi), "%.*s", (int)(eq - records[i]),
			 records[i]);
		v = json_object_get(k, eq + 1);
		r = kb_obs_set(s, kpi, fy, !json_is_number(v),
			       json_is_number(v) ? json_number_value(v) : 0,
			       "kiban match kpi",
			       json_is_number(v)
				       ? ""
				       : CLI_T(cli, "no need matched in the year",
					       "年度内にマッチしたニーズなし"),
			       cli->user, cli->now, &cli->err);
	}
	kb_store_close(s);
	if (r) {
		json_decref(k);
		return cli_fail(cli, r);
	}
	if (a.f.json)
		return cli_print_json(cli, k);
	if (fy) {
		char label[32];
		kb_fy_label(fy, cli->lang, label, sizeof(label));
		printf("%s\n", label);
	}
	printf(CLI_T(cli,
		     "matches recorded:             %lld\n"
		     "needs registered:             %lld, first matched %lld\n"
		     "ventures supported:           %lld, reached launch %lld\n",
		     "記録したマッチ:               %lld 件\n"
		     "登録されたニーズ:             %lld 件、初めてマッチ %lld 件\n"
		     "支援したベンチャー:           %lld 社、上市に至った %lld 社\n"),
	       (long long)json_integer_value(json_object_get(k, "matches")),
	       (long long)json_integer_value(json_object_get(k, "needs")),
	       (long long)json_integer_value(json_object_get(k, "needs_matched")),
	       (long long)json_integer_value(
		       json_object_get(k, "ventures_supported")),
	       (long long)json_integer_value(
		       json_object_get(k, "ventures_launched")));
	if (json_is_real(json_object_get(k, "days_to_first_match_median")))
		printf(CLI_T(cli, "days to the first match:      %.1f (median)\n",
			     "最初のマッチまでの日数:       %.1f（中央値）\n"),
		       json_real_value(json_object_get(
			       k, "days_to_first_match_median")));
	json_decref(k);
	return 0;
}

int cmd_match(struct cli *cli, int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "import", match_import,
		  "import organisations, needs, seeds or NDAs (CSV or JSON)",
		  "組織・ニーズ・シーズ・NDA の取り込み（CSV か JSON）" },
		{ "add", match_add, "register one need or seed",
		  "ニーズかシーズを一件登録" },
		{ "profile", match_profile,
		  "say what an organisation can do (capability, areas, support)",
		  "組織ができること（能力・領域・支援の種類）を登録" },
		{ "export", match_export, "a registry as CSV or JSON",
		  "登録簿を CSV か JSON で出力" },
		{ "find", match_find, "ranked matches with their reasons",
		  "理由つきの順位づけされた組み合わせ" },
		{ "link", match_link, "record a need matched to a seed",
		  "ニーズとシーズのマッチを記録" },
		{ "case", match_case, "accompaniment-support consultation cases",
		  "伴走支援の相談案件" },
		{ "kpi", match_kpi, "the figures for the plan's KPIs",
		  "計画の KPI に渡す数値" },
	};
	return cli_dispatch(cli, "match", cmds, KB_ARRAY_SIZE(cmds), NULL, argc,
			    argv);
}
