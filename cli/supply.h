/*
 * supply.h - what the files of 'kiban supply' share: the arguments of
 * all its commands in one struct (filled by cli_parse() from each
 * command's option table), the store and registry a command has open, the
 * checks of the device, prefecture and severity arguments, and the
 * commands themselves for the table in cmd_supply.c.
 *
 * The commands live by group: supply_registry.c (import, load, generate,
 * devices, device, designate, thresholds, orgs, prefectures),
 * supply_chain.c (chain, risk, impact), supply_reports.c (reports,
 * recompute, completeness, missing), supply_monitor.c (status, alerts,
 * signals, kpi) and supply_incident.c (the incident log).
 */
#ifndef KB_CLI_SUPPLY_H
#define KB_CLI_SUPPLY_H

#include "cli.h"

#include "kiban/supply.h"

/* The arguments of the supply commands; SA(field): where a value goes. */
struct sargs {
	struct cli_format f;
	const char *enc, *dir, *kind, *org, *pref, *device, *facility;
	const char *reason, *criteria, *state, *cause, *title, *reported_by;
	const char *note, *by;
	int dry_run, essential, withdraw, late, evidence, no_disruptions;
	int week, from, year;
	double completeness, set_threshold, th[6];
	size_t limit;
	struct cli_strs prefs, alerts, records;
};
#define SA(field) CLI_AT(struct sargs, field)
/* clang-format off */
#define SARGS_INIT { .week = -1, .from = -1, .completeness = -1, \
		     .set_threshold = -1, .th = { -1, -1, -1, -1, -1, -1 } }
/* clang-format on */

/* What a supply command has open: the store, the registry, its arguments
 * and the device (dev, KB_NONE if none) and prefecture (pref) they name. */
struct sctx {
	struct cli *cli;
	struct kb_store *s;
	struct kb_supply sup;
	struct sargs a;
	size_t dev;
	int pref;
};
/* clang-format off */
#define SCTX_INIT(c) { .cli = (c), .a = SARGS_INIT, .dev = KB_NONE }
/* clang-format on */

/* Opens the store (flags as kb_store_open) and loads the registry; then
 * checks, as check says, --device (into dev) and --pref (into pref; with
 * SX_REGION 0, national or 全国 is the nation, and no --pref is -1).  On
 * failure, reported, the exit status, and nothing is left open. */
enum { SX_DEVICE = 1, SX_PREF = 2, SX_REGION = 4 };
int sctx_open(struct sctx *x, int flags, int check);
void sctx_close(struct sctx *x);

/* Reads the options of a command taking one device code; -1 to go on,
 * else the exit status. */
int parse_code(struct cli *cli, const struct cli_spec *spec, int argc,
	       char **argv, struct sargs *a);

/* Loads the registry of an open store; the exit status. */
int open_registry(struct cli *cli, int flags, struct kb_store **s,
		  struct kb_supply *sup);

const char *name_of(struct cli *cli, const char *ja, const char *en);
/* The name of a device, organisation, prefecture in the user's language. */
#define NAME(cli, x) name_of(cli, (x)->name_ja, (x)->name_en)

/* The device with that code (*d), the prefecture s names (*p), or that
 * or the nation (0, national, 全国); else reported, the exit status. */
int device_arg(struct cli *cli, const struct kb_supply *sup, const char *code,
	       size_t *d);
int pref_arg(struct cli *cli, const struct kb_supply *sup, const char *s, int *p);
int region_arg(struct cli *cli, const struct kb_supply *sup, const char *s,
	       int *p);
/* A severity from lowest up (info or warning), into *sev. */
int severity_arg(struct cli *cli, const char *cmd, const char *s, int lowest,
		 int *sev);

/* "Week of 2026-11-16: 1,979 of 2,000 hospitals reported (99.0%)" */
void print_compl(struct cli *cli, const char *label_en, const char *label_ja,
		 const struct kb_compl *c, const char *scope);

int supply_import(struct cli *cli, int argc, char **argv);
int supply_load(struct cli *cli, int argc, char **argv);
int supply_generate(struct cli *cli, int argc, char **argv);
int supply_devices(struct cli *cli, int argc, char **argv);
int supply_device(struct cli *cli, int argc, char **argv);
int supply_designate(struct cli *cli, int argc, char **argv);
int supply_thresholds(struct cli *cli, int argc, char **argv);
int supply_orgs(struct cli *cli, int argc, char **argv);
int supply_prefectures(struct cli *cli, int argc, char **argv);
int supply_chain(struct cli *cli, int argc, char **argv);
int supply_risk(struct cli *cli, int argc, char **argv);
int supply_impact(struct cli *cli, int argc, char **argv);
int supply_reports(struct cli *cli, int argc, char **argv);
int supply_recompute(struct cli *cli, int argc, char **argv);
int supply_completeness(struct cli *cli, int argc, char **argv);
int supply_missing(struct cli *cli, int argc, char **argv);
int supply_status(struct cli *cli, int argc, char **argv);
int supply_alerts(struct cli *cli, int argc, char **argv);
int supply_signals(struct cli *cli, int argc, char **argv);
int supply_kpi(struct cli *cli, int argc, char **argv);
int supply_incident(struct cli *cli, int argc, char **argv);

#endif
