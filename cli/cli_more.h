/*
 * cli_more.h - option-table pieces that the plan, KPI, evaluation,
 * matching, anonymization and scenario commands share, on top of cli.h's
 * (struct cli_opt entries as macros, since each command stores them in
 * its own argument struct).
 */
#ifndef KB_CLI_MORE_H
#define KB_CLI_MORE_H

#include "cli.h"

/* --encoding ENC and --dry-run of an import, into a const char * and an
 * int at the offsets enc and dry of the command's argument struct. */
/* clang-format off */
#define CLI_OPTS_IMPORT(enc, dry)                                             \
	{ "encoding", 0, CLI_STR, "ENC", "文字コード",                          \
	  "auto (default), utf-8 or cp932 (Shift_JIS from Excel)",            \
	  "auto（既定）, utf-8, cp932（Excel の Shift_JIS）", (enc) },          \
	{ "dry-run", 0, CLI_FLAG, NULL, NULL, "check only", "検査のみ行う",     \
	  (dry) }

/* An option left out of --help (the usage line or the paragraph says it). */
#define CLI_HIDDEN(name, letter, kind, arg, at)                               \
	{ name, letter, (kind) | CLI_HIDE, arg, NULL, NULL, NULL, (at) }

/* --json, --csv and --bom left out of --help, into the struct cli_format
 * at offset at. */
#define CLI_OPTS_FORMATS_HIDDEN(at)                                           \
	CLI_HIDDEN("json", 0, CLI_FLAG, NULL,                                  \
		   (at) + offsetof(struct cli_format, json)),                  \
	CLI_HIDDEN("csv", 0, CLI_FLAG, NULL,                                   \
		   (at) + offsetof(struct cli_format, csv)),                   \
	CLI_HIDDEN("bom", 0, CLI_FLAG, NULL,                                   \
		   (at) + offsetof(struct cli_format, bom))
/* clang-format on */

#endif
