/*
 * opt.c - option tables (see cli.h): from a command's struct cli_spec,
 * the getopt_long tables, the values stored into the command's argument
 * struct with their checks and messages, and the --help text.
 *
 * Method: each call of cli_parse() builds getopt_long's long options and
 * short string on the stack from the table (a few dozen entries: cheaper
 * than keeping them), appends the common options, and reads options until
 * one the caller must handle (CLI_CALL), the end, or a reason to stop.
 * Long-only entries get getopt values CLI_VAL + their index, clear of the
 * letters and of the common options' values.
 *
 * The help is laid out as the hand-written texts were: "  " and the label
 * ("-o, --output DIR"), padded to the command's column in display width
 * (wide characters count twice), the help, continuation lines at the
 * column; a label reaching the column gets two spaces, or with
 * CLI_HELP_BREAK its own line.
 */
#include "cli.h"

#include "core/utf8.h"
#include "kiban/supply.h"

#define MAXOPT	64
#define CLI_VAL 0x10000

static int kind_of(const struct cli_opt *o)
{
	return o->kind & 0xff;
}

int cli_size(struct cli *cli, const struct cli_spec *sp, const char *s,
	     size_t lo, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	*out = lo; /* set on every path: read only on success */
	if (*s == '-' || *end || v < lo || v > hi)
		return cli_usage_error(
			cli, sp->cmd,
			CLI_T(cli, "'%s' is not a number from %zu to %zu",
			      "'%s' は %zu〜%zu の数ではありません"),
			s, lo, hi);
	*out = (size_t)v;
	return 0;
}

/* Stores optarg as entry o says; returns -1 (go on) or the exit status. */
static int store(struct cli *cli, const struct cli_spec *sp,
		 const struct cli_opt *o, void *args)
{
	char *at = (char *)args + o->id, *end;
	const char *s = optarg;
	double v;

	switch (kind_of(o)) {
	case CLI_FLAG: *(int *)at = 1; return -1;
	case CLI_STR: *(const char **)at = s; return -1;
	case CLI_LIST: {
		struct cli_strs *l = (struct cli_strs *)at;
		size_t cap = l->max && l->max < KB_ARRAY_SIZE(l->v)
				     ? l->max
				     : KB_ARRAY_SIZE(l->v);
		if (l->n < cap)
			l->v[l->n++] = s;
		return -1;
	}
	case CLI_SIZE:
		return cli_size(cli, sp, s, 1, (size_t)-1, (size_t *)at)
			       ? EXIT_USAGE
			       : -1;
	case CLI_NUM:
		if (kb_parse_number(s, &v) || v < 0)
			return cli_usage_error(
				cli, sp->cmd,
				CLI_T(cli, "'%s' is not a number of zero or more",
				      "'%s' は 0 以上の数ではありません"),
				s);
		*(double *)at = v;
		return -1;
	case CLI_PCT:
		v = strtod(s, &end);
		if (end != s && *end == '%')
			end++;
		if (end == s || *end || !(v >= 0 && v <= 100))
			return cli_usage_error(
				cli, sp->cmd,
				CLI_T(cli,
				      "'%s' is not a percentage from 0 to 100 (such as 80)",
				      "'%s' は 0〜100 のパーセントではありません（80 など）"),
				s);
		*(double *)at = v;
		return -1;
	case CLI_WEEK:
		if (kb_week_parse(s, (int *)at))
			return cli_usage_error(
				cli, sp->cmd,
				CLI_T(cli,
				      "'%s' is not a week (expected a date such as 2026-11-16, or 2026-W47)",
				      "'%s' は週ではありません（2026-11-16 のような日付か 2026-W47）"),
				s);
		return -1;
	case CLI_FY: return cli_fy(cli, s, (int *)at) ? EXIT_USAGE : -1;
	}
	return -1;
}

int cli_parse(struct cli *cli, const struct cli_spec *sp, int argc, char **argv,
	      void *args)
{
	static const struct option common[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct option lo[MAXOPT + KB_ARRAY_SIZE(common)];
	char so[2 * MAXOPT + 3] = "hq";
	const struct cli_opt *t = sp->opts;
	size_t n = 0, ns = 2, k, i;
	int c, r;

	for (k = 0; t && kind_of(&t[k]) != CLI_END; k++) {
		if (kind_of(&t[k]) == CLI_DOC)
			continue;
		if (t[k].name)
			lo[n++] = (struct option){
				t[k].name,
				t[k].arg_en ? required_argument : no_argument,
				NULL, t[k].letter ? t[k].letter : CLI_VAL + (int)k
			};
		if (t[k].letter) {
			so[ns++] = (char)t[k].letter;
			if (t[k].arg_en)
				so[ns++] = ':';
		}
	}
	so[ns] = '\0';
	for (i = 0; i < KB_ARRAY_SIZE(common); i++)
		lo[n++] = common[i];

	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct cli_opt *o = NULL;
		if (c >= CLI_VAL && c < CLI_VAL + (int)k)
			o = &t[c - CLI_VAL];
		for (i = 0;
		     !o && c > 0 && c < 256 && c != 'h' && c != 'q' && i < k; i++)
			if (t[i].letter == c && kind_of(&t[i]) != CLI_DOC)
				o = &t[i];
		if (!o) {
			if ((r = cli_common(cli, c, optarg)) < 0)
				return EXIT_USAGE;
			if (r)
				continue;
			if (c == 'h') {
				struct kb_buf b = KB_BUF_INIT;
				cli_spec_help(cli, sp, &b);
				fputs(b.buf ? b.buf : "", stdout);
				kb_buf_release(&b);
				return 0;
			}
			return cli_bad_option(cli, sp->cmd, argv);
		}
		if (kind_of(o) == CLI_CALL)
			return (int)o->id;
		if ((r = store(cli, sp, o, args)) >= 0)
			return r;
	}
	return -1;
}

int cli_operands(struct cli *cli, const struct cli_spec *sp, int argc, int n,
		 const char *what_en, const char *what_ja)
{
	int have = argc - optind;
	if (n >= 0 ? have == n : have >= -n)
		return 0;
	return cli_usage_error(cli, sp->cmd, "%s", CLI_T(cli, what_en, what_ja));
}

/* The label of entry o ("-o, --output DIR") appended to b. */
static void label(struct cli *cli, const struct cli_opt *o, struct kb_buf *b)
{
	const char *arg =
		cli->lang == KB_LANG_JA && o->arg_ja ? o->arg_ja : o->arg_en;
	if (o->letter && o->name)
		kb_buf_addf(b, "-%c, ", o->letter);
	else if (o->letter)
		kb_buf_addf(b, "-%c", o->letter);
	if (o->name)
		kb_buf_addf(b, "--%s", o->name);
	if (arg)
		kb_buf_addf(b, " %s", arg);
}

static void pad(struct kb_buf *b, size_t n)
{
	while (n--)
		kb_buf_addch(b, ' ');
}

/* Appends help text h, its continuation lines starting at column col. */
static void help_text(struct kb_buf *b, const char *h, size_t col)
{
	for (;;) {
		size_t n = strcspn(h, "\n");
		kb_buf_add(b, h, n);
		kb_buf_addch(b, '\n');
		if (!h[n] || !h[n + 1])
			return;
		h += n + 1;
		pad(b, col);
	}
}

void cli_spec_help(struct cli *cli, const struct cli_spec *sp, struct kb_buf *out)
{
	const struct cli_opt *t = sp->opts;
	int ja = cli->lang == KB_LANG_JA;
	struct kb_buf lab = KB_BUF_INIT;
	size_t col = (size_t)(ja ? sp->col_ja : sp->col_en), k, shown = 0;

	kb_buf_addf(out, "%s%s %s %s\n", ja ? "使い方: " : "Usage: ", cli->prog,
		    sp->cmd, ja ? sp->usage_ja : sp->usage_en);
	kb_buf_adds(out, ja ? sp->about_ja : sp->about_en);
	for (k = 0; t && kind_of(&t[k]) != CLI_END; k++) {
		const char *h = ja ? t[k].help_ja : t[k].help_en;
		size_t w;
		if (t[k].kind & CLI_HIDE)
			continue;
		label(cli, &t[k], &lab);
		if (t[k].kind & CLI_JOIN) {
			kb_buf_adds(&lab, ", ");
			continue;
		}
		if (!shown++) {
			kb_buf_addch(out, '\n');
			if (!col) { /* the widest label and two spaces */
				size_t j;
				struct kb_buf l2 = KB_BUF_INIT;
				for (j = 0; kind_of(&t[j]) != CLI_END; j++) {
					if (t[j].kind & CLI_HIDE)
						continue;
					label(cli, &t[j], &l2);
					if (t[j].kind & CLI_JOIN) {
						kb_buf_adds(&l2, ", ");
						continue;
					}
					w = 2 + kb__utf8_width(l2.buf);
					if (w + 2 > col)
						col = w + 2;
					kb_buf_reset(&l2);
				}
				kb_buf_release(&l2);
			}
		}
		kb_buf_addf(out, "  %s", lab.buf);
		w = 2 + kb__utf8_width(lab.buf);
		if (w < col) {
			pad(out, col - w);
		} else if (sp->flags & CLI_HELP_BREAK) {
			kb_buf_addch(out, '\n');
			pad(out, col);
		} else {
			pad(out, 2);
		}
		help_text(out, h ? h : "", col);
		kb_buf_reset(&lab);
	}
	kb_buf_release(&lab);
}
