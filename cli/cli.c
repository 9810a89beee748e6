/*
 * cli.c - helpers shared by the kiban commands (see cli.h): common
 * options, error reporting and exit statuses, the progress bar, output.
 */
#include "cli.h"

#include "core/utf8.h"

int cli_help(struct cli *cli, const char *en, const char *ja)
{
	fputs(cli->lang == KB_LANG_EN ? en : ja, stdout);
	return 0;
}

int cli_common(struct cli *cli, int c, const char *arg)
{
	int l;
	switch (c) {
	case OPT_DB: cli->db = arg; return 1;
	case OPT_USER: cli->user = arg; return 1;
	case 'q': cli->quiet = 1; return 1;
	case OPT_LANG:
		if ((l = kb_lang_parse(arg)) < 0) {
			fprintf(stderr,
				CLI_T(cli,
				      "%s: unknown language '%s' (expected ja or en)\n",
				      "%s: 不明な言語 '%s' です（ja または en）\n"),
				cli->prog, arg);
			return -1;
		}
		cli->lang = cli->err.lang = (enum kb_lang)l;
		return 1;
	}
	return 0;
}

int cli_format_option(struct cli_format *f, int c)
{
	switch (c) {
	case OPT_JSON: f->json = 1; return 1;
	case OPT_CSV: f->csv = 1; return 1;
	case OPT_BOM: f->bom = 1; return 1;
	}
	return 0;
}

int cli_option(struct cli *cli, int c, const char *cmd, char **argv,
	       const char *help_en, const char *help_ja)
{
	int r = cli_common(cli, c, optarg);
	if (r < 0)
		return EXIT_USAGE;
	if (r)
		return -1;
	if (c == 'h')
		return cli_help(cli, help_en, help_ja);
	return cli_bad_option(cli, cmd, argv);
}

int cli_bad_option(struct cli *cli, const char *cmd, char **argv)
{
	if (argv && optind > 0)
		fprintf(stderr,
			CLI_T(cli,
			      "%s %s: unknown option or missing argument: '%s'\n",
			      "%s %s: 不明なオプションか、引数がありません: '%s'\n"),
			cli->prog, cmd, argv[optind - 1]);
	fprintf(stderr,
		CLI_T(cli, "Try '%s %s --help' for more information.\n",
		      "詳しくは '%s %s --help' を参照してください。\n"),
		cli->prog, cmd);
	return EXIT_USAGE;
}

int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s %s: ", cli->prog, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return cli_bad_option(cli, cmd, NULL);
}

static int exit_status(int code)
{
	switch (code) {
	case 0: return 0;
	case KB_EUSAGE: return EXIT_USAGE;
	case KB_EPARSE:
	case KB_EINVALID: return EXIT_INVALID;
	case KB_ENOTFOUND: return EXIT_NOTFOUND;
	case KB_EEXISTS:
	case KB_ESTATE: return EXIT_CONFLICT;
	default: return 1;
	}
}

int cli_fail(struct cli *cli, int code)
{
	struct kb_buf line = KB_BUF_INIT;
	size_t i, n = kb_err_count(&cli->err);

	for (i = 0; i < cli->err.n; i++) {
		kb_buf_reset(&line);
		kb_diag_format(&cli->err.v[i], cli->lang, &line);
		fprintf(stderr, "%s: %s%s\n", cli->prog,
			CLI_T(cli, "error: ", "エラー: "), line.buf);
	}
	if (cli->err.dropped)
		fprintf(stderr,
			CLI_T(cli, "%s: ... and %zu more problems\n",
			      "%s: ほか %zu 件の問題があります\n"),
			cli->prog, cli->err.dropped);
	if (n > 1 && (code == KB_EINVALID || code == KB_EPARSE))
		fprintf(stderr,
			CLI_T(cli, "%s: %zu problems found; nothing was written\n",
			      "%s: 問題が %zu 件あります。何も書き込んでいません\n"),
			cli->prog, n);
	else if (n == 0 && code)
		fprintf(stderr, "%s: %s%s\n", cli->prog,
			CLI_T(cli, "error: ", "エラー: "),
			kb_strerror(code, cli->lang));
	kb_buf_release(&line);
	kb_err_clear(&cli->err);
	return exit_status(code);
}

int cli_open(struct cli *cli, int flags, struct kb_store **s)
{
	int r = kb_store_open(s, cli->db, flags, &cli->err);
	return r ? cli_fail(cli, r) : 0;
}

int cli_open_csv(struct cli *cli, struct kb_csv *c, const char *path,
		 const char *encoding)
{
	int enc = KB_ENC_AUTO, r;
	if (encoding && (enc = kb_encoding_parse(encoding)) < 0) {
		fprintf(stderr,
			CLI_T(cli,
			      "%s: unknown encoding '%s' (expected auto, utf-8 or cp932)\n",
			      "%s: 不明な文字コード '%s' です（auto, utf-8, cp932）\n"),
			cli->prog, encoding);
		return EXIT_USAGE;
	}
	r = kb_csv_open(c, path, (enum kb_encoding)enc, &cli->err);
	return r ? cli_fail(cli, r) : 0;
}

/* Progress bar: on a terminal only, redrawn at most ten times a second. */
static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(void *ctx, size_t done, size_t total)
{
	struct cli *cli = ctx;
	double now = seconds();
	int width = 30, fill, i;

	if (!total ||
	    (cli->bar_shown && now - cli->bar_last < 0.1 && done < total))
		return;
	cli->bar_shown = 1;
	cli->bar_last = now;
	fill = (int)((double)done / total * width);
	if (cli->bar_label)
		fprintf(stderr, "\r%s [", cli->bar_label);
	else
		fputs(CLI_T(cli, "\rreading [", "\r読み込み中 ["), stderr);
	for (i = 0; i < width; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%%", (int)((double)done / total * 100));
	fflush(stderr);
}

void cli_import_opts(struct cli *cli, struct kb_import_opts *o, int dry_run)
{
	memset(o, 0, sizeof(*o));
	o->actor = cli->user;
	o->now = cli->now;
	o->dry_run = dry_run;
	o->only_org = cli->only_org;
	if (isatty(STDERR_FILENO) && !cli->quiet) {
		o->progress = progress;
		o->progress_ctx = cli;
	}
}

cli_progress_fn cli_progress(struct cli *cli, const char *what_en,
			     const char *what_ja)
{
	cli->bar_label = CLI_T(cli, what_en, what_ja);
	return isatty(STDERR_FILENO) && !cli->quiet ? progress : NULL;
}

void cli_progress_done(struct cli *cli)
{
	if (cli->bar_shown)
		fputs("\r\033[K", stderr); /* clear the bar's line */
	cli->bar_shown = 0;
	cli->bar_label = NULL;
}

int cli_import_file(struct cli *cli, struct kb_store *s, kb_import_fn fn,
		    const char *path, const char *encoding, int dry_run)
{
	struct kb_import_opts o;
	struct kb_import_stats st;
	struct kb_csv csv;
	int r;

	if ((r = cli_open_csv(cli, &csv, path, encoding)))
		return r;
	cli_import_opts(cli, &o, dry_run);
	r = fn(s, &csv, &o, &st, &cli->err);
	cli_progress_done(cli);
	kb_csv_release(&csv);
	if (r)
		return cli_fail(cli, r);
	if (cli->quiet)
		return 0;
	if (dry_run)
		printf(CLI_T(cli,
			     "%s: rows %zu checked, no problem found (nothing written: --dry-run)\n",
			     "%s: %zu 行を検査しました。問題はありません（--dry-run のため書き込んでいません）\n"),
		       path, st.rows);
	else
		printf(CLI_T(cli,
			     "%s: rows %zu: added %zu, changed %zu (old versions kept), unchanged %zu\n",
			     "%s: %zu 行: 追加 %zu、変更 %zu（旧版は保存）、変更なし %zu\n"),
		       path, st.rows, st.added, st.changed, st.unchanged);
	return 0;
}

static void list_commands(struct cli *cli, const char *group,
			  const struct cli_cmd *cmds, size_t n)
{
	size_t i;
	int w = 12; /* the widest name and two spaces */
	for (i = 0; i < n; i++)
		if ((int)strlen(cmds[i].name) + 1 > w)
			w = (int)strlen(cmds[i].name) + 1;
	printf(CLI_T(cli, "Usage: %s %s COMMAND [OPTION]...\n\nCommands:\n",
		     "使い方: %s %s コマンド [オプション]...\n\nコマンド:\n"),
	       cli->prog, group);
	for (i = 0; i < n; i++)
		printf("  %-*s %s\n", w, cmds[i].name,
		       cli->lang == KB_LANG_EN ? cmds[i].summary_en
					       : cmds[i].summary_ja);
	printf(CLI_T(cli,
		     "\nRun '%s %s COMMAND --help' for the options of a command.\n",
		     "\n各コマンドのオプションは '%s %s コマンド --help' で表示します。\n"),
	       cli->prog, group);
}

int cli_dispatch(struct cli *cli, const char *group, const struct cli_cmd *cmds,
		 size_t n, const char *fallback, int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (name && (!strcmp(name, "--help") || !strcmp(name, "-h") ||
		     !strcmp(name, "help"))) {
		list_commands(cli, group, cmds, n);
		return 0;
	}
	if ((!name || name[0] == '-') && fallback)
		name = fallback;
	else if (name) {
		argc--;
		argv++;
	}
	if (!name) {
		list_commands(cli, group, cmds, n);
		return EXIT_USAGE;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(name, cmds[i].name)) {
			optind = 0; /* let the command parse its own options */
			opterr = 0; /* and report bad ones in the user's language */
			return cmds[i].fn(cli, argc, argv);
		}
	fprintf(stderr,
		CLI_T(cli, "%s %s: unknown command '%s'\n",
		      "%s %s: 不明なコマンド '%s' です\n"),
		cli->prog, group, name);
	fprintf(stderr,
		CLI_T(cli, "Try '%s %s --help'.\n",
		      "'%s %s --help' を参照してください。\n"),
		cli->prog, group);
	return EXIT_USAGE;
}

int cli_write(struct cli *cli, const struct kb_buf *buf, const char *path)
{
	if (kb_buf_write_file(buf, path)) {
		fprintf(stderr,
			CLI_T(cli, "%s: error: cannot write '%s': %s\n",
			      "%s: エラー: '%s' に書き込めません: %s\n"),
			cli->prog, path, strerror(errno));
		return 1;
	}
	return 0;
}

int cli_write_json(struct cli *cli, const json_t *j, const char *path)
{
	struct kb_buf b = KB_BUF_INIT;
	char *s = json_dumps(j, JSON_INDENT(2));
	int r;
	kb_buf_adds(&b, s ? s : "null");
	kb_buf_addch(&b, '\n');
	free(s);
	r = cli_write(cli, &b, path);
	kb_buf_release(&b);
	return r;
}

int cli_print_json(struct cli *cli, json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	int r = 0;
	if (!s || fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		r = 1;
	free(s);
	json_decref(j);
	if (r)
		fprintf(stderr, "%s: %s\n", cli->prog, strerror(errno));
	return r;
}

int cli_fy(struct cli *cli, const char *arg, int *fy)
{
	if (!kb_fy_parse(arg, fy))
		return 0;
	fprintf(stderr,
		CLI_T(cli,
		      "%s: '%s' is not a fiscal year (expected e.g. 2025, FY2025 or 令和7年度)\n",
		      "%s: '%s' は年度ではありません（2025、FY2025、令和7年度 のように指定してください）\n"),
		cli->prog, arg);
	return -1;
}

/* Tables. */

void cli_table_init_v(struct cli_table *t, size_t ncols, const char *const *head)
{
	size_t i;
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->maxw = kb_calloc(ncols + 1, sizeof(size_t));
	t->cells = kb_calloc(ncols + 1, sizeof(char *));
	t->alloc = ncols + 1;
	for (i = 0; i < ncols; i++)
		t->cells[i] = kb_strdup(head[i]);
	t->nrows = 1;
}

void cli_table_init(struct cli_table *t, size_t ncols, ...)
{
	const char *head[16];
	va_list ap;
	size_t i;
	va_start(ap, ncols);
	for (i = 0; i < ncols && i < KB_ARRAY_SIZE(head); i++)
		head[i] = va_arg(ap, const char *);
	va_end(ap);
	cli_table_init_v(t, i, head);
}

void cli_table_limit(struct cli_table *t, size_t col, size_t width)
{
	t->maxw[col] = width;
}

void cli_table_add(struct cli_table *t, const char *const *cells)
{
	size_t i;
	KB_ALLOC_GROW(t->cells, (t->nrows + 1) * t->ncols, t->alloc);
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] =
			kb_strdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

void cli_table_row(struct cli_table *t, ...)
{
	const char *cells[16];
	va_list ap;
	size_t i;
	va_start(ap, t);
	for (i = 0; i < t->ncols && i < KB_ARRAY_SIZE(cells); i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	cli_table_add(t, cells);
}

void cli_fit(struct kb_buf *out, const char *s, size_t width)
{
	size_t n = strlen(s), i = 0, w = 0;
	char one[8];
	if (!width || kb__utf8_width(s) <= width) {
		kb_buf_adds(out, s);
		return;
	}
	while (i < n) {
		uint32_t cp;
		size_t k = kb__utf8_decode(s + i, n - i, &cp), cw;
		if (!k)
			k = 1;
		memcpy(one, s + i, k);
		one[k] = '\0';
		cw = kb__utf8_width(one);
		if (w + cw + 1 > width)
			break;
		kb_buf_add(out, s + i, k);
		w += cw;
		i += k;
	}
	kb_buf_adds(out, "…");
}

void cli_table_print(struct cli_table *t, FILE *fp)
{
	size_t *w = kb_calloc(t->ncols, sizeof(size_t)), r, c;
	struct kb_buf cell = KB_BUF_INIT;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t cw = kb__utf8_width(t->cells[r * t->ncols + c]);
			if (t->maxw[c] && cw > t->maxw[c])
				cw = t->maxw[c];
			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			kb_buf_reset(&cell);
			cli_fit(&cell, t->cells[r * t->ncols + c], t->maxw[c]);
			fputs(cell.buf, fp);
			if (c + 1 < t->ncols) {
				size_t pad = w[c] - kb__utf8_width(cell.buf) + 2;
				while (pad--)
					fputc(' ', fp);
			}
		}
		fputc('\n', fp);
	}
	kb_buf_release(&cell);
	free(w);
}

void cli_table_release(struct cli_table *t)
{
	size_t i;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->maxw);
	memset(t, 0, sizeof(*t));
}
