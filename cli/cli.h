/*
 * cli.h - what the kiban command's files share.
 *
 * One file per command group (cmd_plan.c, cmd_kpi.c, supply_*.c, ...),
 * each exporting one cmd_<group>() entry point listed in main.c's table;
 * each group has a table of subcommands dispatched by cli_dispatch().  The
 * library does the work; these files parse options, call it, print the
 * result and turn its error codes into exit statuses.
 *
 * Two tables make a command (git's parse-options and builtin/ shape):
 *
 *  - its struct cli_spec: the usage line, the paragraph and the option
 *    table (struct cli_opt, opt.c).  cli_parse() builds getopt_long's
 *    tables from it, stores the values in the command's argument struct,
 *    answers the common options and --help, whose text it generates in
 *    either language from the same table;
 *  - for a list, its columns (struct cli_col, out.c): cli_list() writes
 *    the rows the command's callback fills as the aligned table, CSV
 *    (--bom for Excel) or JSON (from the columns, or the library's
 *    *_to_json where the server uses it too).
 *
 * A new list command costs: its spec (8 lines and the help paragraph), 2
 * or 3 lines an option, a line a column, a row callback (6 lines and one a
 * cell) and the command itself (about 14 lines: parse, open, cli_list,
 * close).  'supply orgs' (2 options, 12 columns: 6 in the table, 8 in CSV
 * and JSON) is 79 lines, was 121 (supply_registry.c); 'supply reports'
 * reads its rows from a statement (supply_reports.c); 'supply alerts'
 * prints its rows as text on the terminal (supply_monitor.c).
 *
 * Exit statuses: 0 success, 1 failure (file, database), 2 wrong usage,
 * 3 invalid input (with every problem listed), 4 not found, 5 conflict
 * with the current state (already exists, frozen).
 */
#ifndef KB_CLI_H
#define KB_CLI_H

#include "core/compat.h"

#include "kiban/buf.h"
#include "kiban/csv.h"
#include "kiban/error.h"
#include "kiban/import.h"
#include "kiban/store.h"

#include <stddef.h>

struct cli {
	const char *db;	   /* --db, $KIBAN_DB, or kiban.db */
	enum kb_lang lang; /* --lang, $KIBAN_LANG, or Japanese */
	const char *user;  /* --user, $KIBAN_USER, or the login name */
	time_t now;	   /* $SOURCE_DATE_EPOCH or the clock */
	const char *prog;  /* "kiban" */
	int quiet;
	struct kb_err err;
	int bar_shown;	       /* the progress bar is on the screen */
	double bar_last;       /* when it was last drawn (monotonic seconds) */
	const char *bar_label; /* what it says it is doing; NULL: reading */
	const char *only_org;  /* an import's rows must be this organisation's
				  (kb_import_opts.only_org); NULL: any */
};

enum { EXIT_USAGE = 2, EXIT_INVALID = 3, EXIT_NOTFOUND = 4, EXIT_CONFLICT = 5 };

#define CLI_T(cli, en, ja) KB_TR((cli)->lang, en, ja)

/* Options every command accepts; the values are above 255 so that
 * commands can use letters for their own options. */
enum {
	OPT_DB = 256,
	OPT_LANG,
	OPT_USER,
	OPT_JSON,
	OPT_CSV,
	OPT_BOM,       /* the output formats of list commands */
	OPT_FIRST_OWN, /* commands number their long-only options from here */
};
/* clang-format off */
#define CLI_COMMON_OPTIONS                                     \
	{ "db", required_argument, NULL, OPT_DB },             \
	{ "lang", required_argument, NULL, OPT_LANG },         \
	{ "user", required_argument, NULL, OPT_USER },         \
	{ "quiet", no_argument, NULL, 'q' },                   \
	{ "help", no_argument, NULL, 'h' }
/* clang-format on */

/* --json, --csv and --bom, for the commands that list things. */
/* clang-format off */
#define CLI_FORMAT_OPTIONS                          \
	{ "json", no_argument, NULL, OPT_JSON },    \
	{ "csv", no_argument, NULL, OPT_CSV },      \
	{ "bom", no_argument, NULL, OPT_BOM }
/* clang-format on */

struct cli_format {
	int json, csv, bom;
};

/* Records c if it is a format option; returns 1 then, else 0. */
int cli_format_option(struct cli_format *f, int c);

/* Handles a common option (not --help, which each command answers):
 * returns 1 if c was one, 0 if not, -1 on a bad value (reported). */
int cli_common(struct cli *cli, int c, const char *arg);

/*
 * For the default branch of a command's option loop: handles a common
 * option (returns -1: go on), --help (prints help_*, returns 0) or an
 * unknown option (reports it, returns EXIT_USAGE).
 */
int cli_option(struct cli *cli, int c, const char *cmd, char **argv,
	       const char *help_en, const char *help_ja);

/* Reports an unrecognised option or a missing argument (getopt's '?');
 * argv may be NULL when there is no offending argument to show. */
int cli_bad_option(struct cli *cli, const char *cmd, char **argv);

/* Prints usage text in the current language; returns 0. */
int cli_help(struct cli *cli, const char *en, const char *ja);

/* Prints "kiban: error: ..." for each diagnostic and a summary, clears the
 * error context, and returns the exit status for code. */
int cli_fail(struct cli *cli, int code);

/* Reports a usage error with a hint to --help; returns EXIT_USAGE. */
int cli_usage_error(struct cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Opens the store (flags as kb_store_open); on failure reports and returns
 * the exit status, else 0. */
int cli_open(struct cli *cli, int flags, struct kb_store **s);

/* Opens a CSV file given on the command line (encoding from --encoding). */
int cli_open_csv(struct cli *cli, struct kb_csv *c, const char *path,
		 const char *encoding);

/* Import options with a progress bar on a terminal. */
void cli_import_opts(struct cli *cli, struct kb_import_opts *o, int dry_run);
void cli_progress_done(struct cli *cli);
/* The progress bar of a long job, saying what it does (cli is its
 * context), or NULL when standard error is no terminal or --quiet. */
typedef void (*cli_progress_fn)(void *cli, size_t done, size_t total);
cli_progress_fn cli_progress(struct cli *cli, const char *what_en,
			     const char *what_ja);

/* Imports the CSV or JSON file at path into s with fn and prints what was
 * added, changed and unchanged (or, on failure, every problem).  Returns
 * the exit status. */
int cli_import_file(struct cli *cli, struct kb_store *s, kb_import_fn fn,
		    const char *path, const char *encoding, int dry_run);

/* Subcommands. */
struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *summary_en, *summary_ja;
};

int cli_dispatch(struct cli *cli, const char *group, const struct cli_cmd *cmds,
		 size_t n, const char *fallback, int argc, char **argv);

/* Writes buf to path ("-" = standard output); reports failures. */
int cli_write(struct cli *cli, const struct kb_buf *buf, const char *path);

/* Prints JSON (pretty, UTF-8) to stdout and frees it. */
int cli_print_json(struct cli *cli, json_t *j);
/* j indented, to path ("-": standard output); j stays the caller's. */
int cli_write_json(struct cli *cli, const json_t *j, const char *path);

/* Parses a fiscal year argument; reports and returns -1 if invalid. */
int cli_fy(struct cli *cli, const char *arg, int *fy);

/* Text tables aligned for Japanese (wide characters count twice). */
struct cli_table {
	size_t ncols, nrows, alloc;
	char **cells; /* row-major; row 0 is the header */
	size_t *maxw; /* column width limits (0 = none) */
};

void cli_table_init(struct cli_table *t, size_t ncols, ...);
void cli_table_limit(struct cli_table *t, size_t col, size_t width);
void cli_table_row(struct cli_table *t, ...); /* ncols strings */
void cli_table_print(struct cli_table *t, FILE *fp);
void cli_table_release(struct cli_table *t);

/* Appends s cut to at most width terminal columns (with "…"). */
void cli_fit(struct kb_buf *out, const char *s, size_t width);

/*
 * Option tables (opt.c).
 *
 * A command's options are one array of struct cli_opt ended by CLI_END;
 * the common options (--db, --lang, --user, -q, -h) are added to every
 * table.  Each entry gives
 *   name      the long name ("week"), or NULL for a short option only
 *   letter    the short option ('o'), or 0
 *   kind      what the argument is and where it goes (below), or'ed with
 *             CLI_HIDE (not in --help) or CLI_JOIN (shares the next
 *             entry's help line: "--json, --csv   ...")
 *   arg_en, arg_ja   the argument's name in --help ("FILE", "ファイル");
 *             NULL: the option takes no argument.  arg_ja NULL: as en
 *   help_en, help_ja its help; '\n' starts a continuation line
 *   id        CLI_CALL: the value cli_parse() returns for it (from
 *             OPT_FIRST_OWN); else where the value goes: CLI_AT(type,
 *             field), the offset of the field in the command's argument
 *             struct
 *
 * The help line of an option is "  -o, --output ARG" padded to the
 * command's column (col_en, col_ja, display width; a label as wide or
 * wider gets two spaces, or with CLI_HELP_BREAK a line of its own), then
 * the help; continuation lines start at the column.
 */
enum cli_kind {
	CLI_END,  /* ends a table */
	CLI_CALL, /* returned to the caller (optarg: its argument) */
	CLI_FLAG, /* sets an int to 1 */
	CLI_STR,  /* the argument, a const char * */
	CLI_LIST, /* each argument, appended to a struct cli_strs */
	CLI_SIZE, /* a whole number from 1, a size_t (others: cli_size()) */
	CLI_NUM,  /* a number of zero or more, a double */
	CLI_PCT,  /* a percentage from 0 to 100 ("80", "80%"), a double */
	CLI_WEEK, /* a week (2026-11-16 or 2026-W47), an int (kb_week_parse) */
	CLI_FY,	  /* a fiscal year (2025, FY2025, 令和7年度), an int */
	CLI_DOC,  /* a help line only: no option behind it */
	CLI_HIDE = 0x100,
	CLI_JOIN = 0x200,
};

struct cli_opt {
	const char *name;
	int letter;
	int kind;
	const char *arg_en, *arg_ja;
	const char *help_en, *help_ja;
	size_t id;
};

#define CLI_AT(type, field) offsetof(type, field)
#define CLI_OPT_END                                         \
	{                                                   \
		NULL, 0, CLI_END, NULL, NULL, NULL, NULL, 0 \
	}

/* Repeated options (CLI_LIST): at most max (0: 64) are kept. */
struct cli_strs {
	const char *v[64];
	size_t n, max;
};

/* The format options into the struct cli_format at offset at:
 * "--json, --csv   for scripts, for Excel (--bom)". */
/* clang-format off */
#define CLI_OPTS_FORMATS(at)                                                   \
	{ "json", 0, CLI_FLAG | CLI_JOIN, NULL, NULL, NULL, NULL,              \
	  (at) + offsetof(struct cli_format, json) },                    \
	{ "csv", 0, CLI_FLAG, NULL, NULL, "for scripts, for Excel (--bom)",     \
	  "スクリプト向け、Excel 向け（--bom）",                              \
	  (at) + offsetof(struct cli_format, csv) },                     \
	{ "bom", 0, CLI_FLAG | CLI_HIDE, NULL, NULL, NULL, NULL,               \
	  (at) + offsetof(struct cli_format, bom) }
/* --json alone: "--json   for scripts" */
#define CLI_OPT_JSON(at)                                                       \
	{ "json", 0, CLI_FLAG, NULL, NULL, "for scripts", "スクリプト向け",     \
	  (at) + offsetof(struct cli_format, json) }
/* clang-format on */

/* A command's table entry: what --help says and which options it takes. */
struct cli_spec {
	const char *cmd; /* "supply import", for help and messages */
	const char *usage_en, *usage_ja; /* the usage line after the command */
	const char *about_en, *about_ja; /* the paragraph, each line ending \n */
	const struct cli_opt *opts;	 /* NULL: the common options only */
	int col_en, col_ja; /* the column of the options' help; 0: widest + 2 */
	unsigned flags;
};

enum { CLI_HELP_BREAK = 1 }; /* a label too wide: the help on the next line */

/*
 * Reads the next options of argv by spec into args (the command's argument
 * struct, set to its defaults before).  Returns -1 when the options are
 * read (the operands start at optind); a CLI_CALL entry's id (at least
 * OPT_FIRST_OWN), with optarg, for the caller to handle before calling
 * again; or else the exit status to return at once: 0 after --help, 2
 * after a bad option or value (reported).
 */
int cli_parse(struct cli *cli, const struct cli_spec *spec, int argc,
	      char **argv, void *args);

/* The help of spec in the current language. */
void cli_spec_help(struct cli *cli, const struct cli_spec *spec,
		   struct kb_buf *out);

/* A whole number from lo to hi ("'%s' is not a number from 1 to 50");
 * returns 0 or, reported, 2. */
int cli_size(struct cli *cli, const struct cli_spec *spec, const char *s,
	     size_t lo, size_t hi, size_t *out);

/* Checks the operands: exactly n (or, n < 0, at least -n) after optind;
 * else reports what (a message in both languages) and returns 2. */
int cli_operands(struct cli *cli, const struct cli_spec *spec, int argc, int n,
		 const char *what_en, const char *what_ja);

/*
 * Lists (out.c).
 *
 * A list is an array of columns ended by { NULL } and rows 0..n-1 that a
 * callback fills, one cell a column in their order: cli_str(), cli_strf(),
 * cli_int(), cli_num(), cli_bool() or cli_none().  Each column says where it
 * appears (CLI_TAB table, CLI_CSV, CLI_JSON; CLI_DATA both, CLI_ALL); the JSON
 * key and the CSV header is key; the table's header head_en/head_ja, cut to
 * width (0: no limit).  Types: CLI_TEXT; CLI_INT; CLI_REAL (fmt for table and
 * CSV, default: the shortest exact in CSV, %g in the table; a real in JSON);
 * CLI_BOOL (yes/no in CSV, true/false in JSON); CLI_CODE (a prefecture: %02d,
 * empty for 0; a number in JSON).  cli_none(): empty, JSON null.
 */
enum cli_type { CLI_TEXT, CLI_INT, CLI_REAL, CLI_BOOL, CLI_CODE };
enum { CLI_TAB = 1, CLI_CSV = 2, CLI_JSON = 4, CLI_DATA = 6, CLI_ALL = 7 };

struct cli_col {
	const char *key;
	const char *head_en, *head_ja;
	enum cli_type type;
	unsigned in;
	size_t width;
	const char *fmt;
};

struct cli_row;
void cli_str(struct cli_row *r, const char *s);
void cli_strf(struct cli_row *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_int(struct cli_row *r, long long v);
void cli_num(struct cli_row *r, double v);
void cli_bool(struct cli_row *r, int v);
void cli_none(struct cli_row *r);

struct cli_list {
	const struct cli_col *cols;
	size_t n; /* the rows offered: 0..n-1 */
	/* fills row i; returns 1, or 0 to leave it out (in every format),
	 * or -1 to end the list there (rows read from a statement) */
	int (*row)(struct cli_row *r, size_t i, void *ctx);
	/* row i in JSON from the library, or NULL: from the columns */
	json_t *(*json)(size_t i, void *ctx);
	/* prints row i on the terminal instead of a table row, or NULL */
	void (*print)(size_t i, void *ctx);
	void *ctx;
	size_t limit; /* at most this many rows (0: all) */
	size_t shown; /* set by cli_list(): the rows written */
};

/* Writes l as f asks (JSON array, CSV or the table) to standard output;
 * returns the exit status. */
int cli_list(struct cli *cli, const struct cli_format *f, struct cli_list *l);
/* The JSON array of l's rows, for a command that wraps it in an object. */
json_t *cli_list_json(struct cli *cli, struct cli_list *l);

/* Appends a table row from an array of ncols strings (NULL: empty). */
void cli_table_add(struct cli_table *t, const char *const *cells);
/* cli_table_init with the header in an array. */
void cli_table_init_v(struct cli_table *t, size_t ncols, const char *const *head);

/* Command groups. */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_kpi(struct cli *cli, int argc, char **argv);
int cmd_values(struct cli *cli, int argc, char **argv);
int cmd_eval(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_supply(struct cli *cli, int argc, char **argv);
int cmd_account(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);
int cmd_scenario(struct cli *cli, int argc, char **argv);
int cmd_allocate(struct cli *cli, int argc, char **argv);
int cmd_stockpile(struct cli *cli, int argc, char **argv);
int cmd_anon(struct cli *cli, int argc, char **argv);
int cmd_match(struct cli *cli, int argc, char **argv);

#endif
