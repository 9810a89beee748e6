/*
 * cli.h - what the kiban command's files share.
 *
 * One file per command group (cmd_plan.c, cmd_kpi.c, ...), each exporting
 * one cmd_<group>() entry point listed in main.c's table; each group has a
 * table of subcommands dispatched by cli_dispatch().  The library does the
 * work; these files parse options, call it, print the result and turn its
 * error codes into exit statuses.
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
