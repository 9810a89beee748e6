/*
 * supply.h - supply security in normal times: essential devices, the
 * organisations and places of supply, the supply-chain map, weekly
 * reports, monitoring, early warning and the supply council's incidents.
 *
 * The registry (prefectures, devices, organisations, sites, components) is
 * loaded whole into a struct kb_supply: Japan has some 8,200 hospitals and
 * tens of essential device types, which fit in memory many times over.
 * Reports are the facts: hospitals report stock on hand, consumption and
 * the days they were stocked out; manufacturers and distributors report
 * production, imports, shipments and inventory; each per week.  Weekly
 * aggregates per device and prefecture are derived in the same
 * transaction as the reports.
 *
 * Every import has the signature of kb_kpi_import() (see import.h), reads
 * CSV or JSON through struct kb_csv, and is all or nothing.  File formats:
 * docs/supply-format.md.
 *
 * Ownership: a struct kb_supply, kb_chain, kb_alerts, kb_status or
 * kb_incident owns everything in it; the matching _release() frees it and
 * accepts a zeroed struct.  On failure an out-parameter is left zeroed.
 */
#ifndef KIBAN_SUPPLY_H
#define KIBAN_SUPPLY_H

#include <jansson.h>

#include "kiban/csv.h"
#include "kiban/error.h"
#include "kiban/import.h"
#include "kiban/store.h"

#define KB_NPREF 47

/* Weeks: the day number (days since 1970-01-01) of the week's Monday. */
/* Parses "2026-11-16" (any day of the week) or "2026-W47"; 0 or -1. */
int kb_week_parse(const char *s, int *week);
/* "2026-11-16" */
void kb_week_format(int week, char out[16]);
/* The week containing t. */
int kb_week_of_time(time_t t);

/* ---- the registry ---- */

struct kb_pref {
	int code; /* JIS X 0401 */
	char *name_ja, *name_en;
	long population; /* 2020 census */
};

/* What makes a device essential, with its weight in the score. */
struct kb_criterion {
	const char *key, *name_ja, *name_en;
	int weight;
};
extern const struct kb_criterion kb_criteria[];
extern const size_t kb_ncriteria;

struct kb_device {
	long n;
	char *code; /* JMDN-style: 8 digits */
	char *name_ja, *name_en;
	int klass; /* 1 to 4 (I to IV) */
	char *category;
	int reusable;
	char *unit_ja, *unit_en;
	int essential;
	char *criteria; /* keys separated by ';' */
	int score;	/* sum of the criteria's weights */
	char *reasons;
	/* thresholds, in days of supply and ratios */
	double under_days, over_days, alert_days, critical_days;
	double jump_ratio, drop_ratio;
};

enum kb_org_kind {
	KB_ORG_HOSPITAL,
	KB_ORG_MAH, /* marketing-authorisation holder */
	KB_ORG_MANUFACTURER,
	KB_ORG_DISTRIBUTOR,
	KB_ORG_SUPPLIER,
};
const char *kb_org_kind_key(enum kb_org_kind k);
const char *kb_org_kind_name(enum kb_org_kind k, enum kb_lang lang);

struct kb_org {
	long n;
	char *id;
	enum kb_org_kind kind;
	char *name_ja, *name_en;
	int pref; /* 0 when none */
	int beds, icu_beds;
	char *country; /* ISO 3166-1 alpha-2 */
};

struct kb_site {
	long n;
	char *id;
	size_t org; /* index into orgs */
	char *name_ja, *name_en;
	char *country, *region;
};

struct kb_component {
	char *id;
	int material; /* 0 component, 1 material */
	char *name_ja, *name_en;
};

struct kb_supply {
	struct kb_pref prefs[KB_NPREF]; /* prefs[code - 1] */
	struct kb_device *devices;
	size_t ndevices;
	struct kb_org *orgs;
	size_t norgs;
	struct kb_site *sites;
	size_t nsites;
	struct kb_component *components;
	size_t ncomponents;
	void *maps; /* id lookups (internal) */
};

int kb_supply_load(struct kb_store *s, struct kb_supply *out, struct kb_err *err);
void kb_supply_release(struct kb_supply *sup);

/* Lookups; KB_NONE when absent.  A device matches its code, an
 * organisation or site its id, a prefecture its code ("13", "13" as a
 * number) or its name in either language ("東京都", "東京", "Tokyo"). */
size_t kb_supply_device(const struct kb_supply *sup, const char *code);
size_t kb_supply_org(const struct kb_supply *sup, const char *id);
size_t kb_supply_site(const struct kb_supply *sup, const char *id);
size_t kb_supply_component(const struct kb_supply *sup, const char *id);
int kb_supply_pref(const struct kb_supply *sup, const char *s);
/* The device or organisation with store number n (rowid); KB_NONE. */
size_t kb_supply_device_n(const struct kb_supply *sup, long n);
size_t kb_supply_org_n(const struct kb_supply *sup, long n);

/* Registry imports (CSV or JSON; docs/supply-format.md). */
int kb_device_import(struct kb_store *s, struct kb_csv *c,
		     const struct kb_import_opts *o, struct kb_import_stats *st,
		     struct kb_err *err);
int kb_org_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err);
int kb_site_import(struct kb_store *s, struct kb_csv *c,
		   const struct kb_import_opts *o, struct kb_import_stats *st,
		   struct kb_err *err);
int kb_component_import(struct kb_store *s, struct kb_csv *c,
			const struct kb_import_opts *o,
			struct kb_import_stats *st, struct kb_err *err);

/* Designates a device as essential (essential=1) or withdraws it, with a
 * reason; criteria (keys separated by ';') may be NULL to keep them. */
int kb_device_designate(struct kb_store *s, const char *code, int essential,
			const char *criteria, const char *reason,
			const char *actor, time_t now, struct kb_err *err);

/* Sets a device's thresholds; a negative value keeps the current one. */
int kb_device_thresholds(struct kb_store *s, const char *code, const double th[6],
			 const char *actor, time_t now, struct kb_err *err);

struct kb_designation {
	int essential;
	char *at, *by, *reason;
};
/* The designation history of a device, oldest first. */
int kb_device_history(struct kb_store *s, const char *code,
		      struct kb_designation **out, size_t *n, struct kb_err *err);
void kb_designations_free(struct kb_designation *v, size_t n);

/* ---- the supply-chain map ---- */

/*
 * Items are devices and components.  An item needs all of its inputs and
 * is made at its sources, each with a share of its supply (summing to 1).
 * If a set of sites stops, the supply of an item that is still available
 * is (sum of the shares of its sources that run) times the least available
 * of its inputs: output is limited by its scarcest input (Leontief).
 */
struct kb_chain {
	size_t nitem;
	char **item;	  /* device codes and component ids */
	size_t *device;	  /* index into the registry's devices, or KB_NONE */
	size_t *in_off;	  /* inputs of item i: in[in_off[i] .. in_off[i+1]) */
	size_t *in;	  /* item indices */
	size_t *src_off;  /* sources of item i: src_off[i] .. src_off[i+1] */
	size_t *src_site; /* site indices into the registry */
	double *src_share;
	size_t *order; /* topological: every input before the items using it */
};

/* Imports the map (replacing the stored one).  A cycle, an unknown item or
 * site, shares that do not sum to 1, an input that has no source: errors. */
int kb_chain_import(struct kb_store *s, struct kb_csv *c,
		    const struct kb_import_opts *o, struct kb_import_stats *st,
		    struct kb_err *err);
int kb_chain_load(struct kb_store *s, const struct kb_supply *sup,
		  struct kb_chain *out, struct kb_err *err);
void kb_chain_release(struct kb_chain *ch);
size_t kb_chain_item(const struct kb_chain *ch, const char *id);

/* avail[i] for every item when the sites with down[site] != 0 stop. */
void kb_chain_avail(const struct kb_chain *ch, const unsigned char *down,
		    double *avail);

/* What stops: a site, every site of a supplier, of a country or of a
 * region.  Fills down (nsites) and returns the number of sites stopped. */
enum kb_stop {
	KB_STOP_SITE,
	KB_STOP_SUPPLIER,
	KB_STOP_COUNTRY,
	KB_STOP_REGION
};
size_t kb_chain_stop(const struct kb_supply *sup, enum kb_stop what,
		     const char *id, unsigned char *down);

/* Risk figures of one item. */
struct kb_chain_risk {
	size_t item;
	size_t nsources;
	size_t nsuppliers; /* distinct organisations among the sources */
	double hhi; /* Herfindahl-Hirschman index over suppliers, 0-10000 */
	size_t single_source; /* inputs (any tier) with one supplier */
	size_t worst_input;   /* the input with the highest HHI, or KB_NONE */
	double worst_hhi;
	char *top_country;	  /* the country whose stop costs most */
	double top_country_loss;  /* share of supply lost if it stops */
	double import_dependence; /* share lost if every site abroad stops */
};
/* Risk of item i (ch and sup as loaded); r->top_country is owned by r. */
void kb_chain_risk(const struct kb_chain *ch, const struct kb_supply *sup,
		   size_t i, struct kb_chain_risk *r);

/* ---- reports ---- */

/* Hospitals' stock reports and manufacturers' production reports.  A
 * report id seen before replaces that report (same organisation and week
 * required) and keeps the old lines; a report arriving after the Wednesday
 * following its week is recorded as late. */
int kb_stock_import(struct kb_store *s, struct kb_csv *c,
		    const struct kb_import_opts *o, struct kb_import_stats *st,
		    struct kb_err *err);
int kb_production_import(struct kb_store *s, struct kb_csv *c,
			 const struct kb_import_opts *o,
			 struct kb_import_stats *st, struct kb_err *err);

/* Rewrites every weekly aggregate from the report lines; *rows = lines read
 * (found while aggregating, not counted apart). */
int kb_supply_recompute(struct kb_store *s, size_t *rows, struct kb_err *err);

/* Rewrites the weekly aggregates of these weeks, inside the caller's
 * transaction: after imports made with defer_aggregates (import.h). */
int kb_supply_aggregate(struct kb_store *s, const int *weeks, size_t n,
			struct kb_err *err);
/* Received reports, by week then organisation: of one organisation (id),
 * of a prefecture's organisations (pref > 0), of one week (week >= 0),
 * late only.  A JSON array of {id, kind, org, week, version, lines,
 * submitted_at, submitted_by, late} (week as "2026-11-16"); *total counts
 * every match.  Caller owns *out. */
struct kb_report_query {
	const char *org;
	int pref, week, late;
	size_t limit, offset;
};
int kb_reports_list(struct kb_store *s, const struct kb_report_query *q,
		    json_t **out, size_t *total, struct kb_err *err);
/* The last week with any stock report, or -1. */
int kb_supply_latest_week(struct kb_store *s, struct kb_err *err);

/* ---- reporting completeness (completeness.c) ---- */

/*
 * How many of the hospitals expected to report a week did, and how many
 * did so on time.  Expected: the hospitals of the scope in the registry
 * (org kind 'hospital'); for a device, those of them that gave a line for
 * it in any of the KB_COMPL_DEVICE_WEEKS weeks up to and including the
 * week.  Reported: those with a stock report for the week (for a device:
 * a line for it).  On time: the first version of that report came by the
 * deadline the import records as `late` (the Wednesday after the week,
 * Japan time); a correction sent later does not make it late.  The
 * method: completeness.c and docs/supply-format.md.
 */
#define KB_COMPL_DEVICE_WEEKS	   13
#define KB_COMPL_THRESHOLD_DEFAULT 80.0 /* percent */

struct kb_compl {
	int week;
	int pref;      /* 0 national */
	size_t device; /* KB_NONE: the hospital's report, any device */
	int expected, reported, on_time;
	double rate, on_time_rate; /* percent of expected; -1 when none */
};
struct kb_compl_table {
	struct kb_compl *v;
	size_t n, alloc;
};
void kb_compl_table_release(struct kb_compl_table *t);

enum kb_compl_by {
	KB_COMPL_TOTAL,	    /* one row a week: the nation, or prefecture pref */
	KB_COMPL_BY_PREF,   /* the nation, then each prefecture (pref 0) */
	KB_COMPL_BY_DEVICE, /* each device, nationally or in prefecture pref */
};
struct kb_compl_query {
	int from, to; /* Mondays; to -1: the week shown (kb_report_weeks
			 with the stored threshold); from -1: the same as to */
	int pref;     /* 0 nationally */
	enum kb_compl_by by;
};
/* The rows of every week from..to, oldest first, each week's rows in
 * the order above; weeks without any report included (0 reported). */
int kb_completeness(struct kb_store *s, const struct kb_supply *sup,
		    const struct kb_compl_query *q, struct kb_compl_table *out,
		    struct kb_err *err);

/* The installation's threshold of a complete week, in percent: the
 * setting completeness_threshold, or KB_COMPL_THRESHOLD_DEFAULT. */
int kb_completeness_threshold(struct kb_store *s, double *pct,
			      struct kb_err *err);
/* Stores it (0 to 100) for every later call of the command and server. */
int kb_completeness_threshold_set(struct kb_store *s, double pct,
				  const char *actor, time_t now,
				  struct kb_err *err);

/* Which week monitoring shows.  Walking back from the latest week with a
 * stock report, the first whose national completeness reaches the
 * threshold is the latest complete week and is shown; the weeks after it
 * with reports are still coming in.  When no week reaches it, the week
 * shown is the most complete one (the latest of equals) and complete is
 * 0.  shown.week -1: no stock report at all. */
struct kb_report_weeks {
	double threshold; /* percent */
	int complete;	  /* shown reaches the threshold */
	struct kb_compl shown;
	struct kb_compl *coming; /* the weeks after it with reports, oldest
				    first (national) */
	size_t ncoming;
};
/* threshold < 0: the stored one. */
int kb_report_weeks(struct kb_store *s, double threshold,
		    struct kb_report_weeks *out, struct kb_err *err);
void kb_report_weeks_release(struct kb_report_weeks *w);
/* kb_report_weeks()'s shown week, or -1 when nothing is reported; what
 * kb_supply_status and kb_supply_alerts show when asked for no week. */
int kb_supply_shown_week(struct kb_store *s, double threshold,
			 struct kb_err *err);

/* The hospitals of prefecture pref (0: every one) without a stock report
 * for the week (-1: the week shown), by prefecture, the longest silent
 * first. */
struct kb_missing {
	size_t org;	  /* index into the registry's orgs */
	int last;	  /* its last week reported before the week, -1 never */
	int silent_weeks; /* weeks since then, up to the week; -1 never */
};
struct kb_missing_list {
	int week;
	int expected; /* the hospitals of the scope */
	struct kb_missing *v;
	size_t n, alloc;
};
int kb_missing_reports(struct kb_store *s, const struct kb_supply *sup, int week,
		       int pref, struct kb_missing_list *out, struct kb_err *err);
void kb_missing_list_release(struct kb_missing_list *m);

/* As JSON (rate and on_time_rate null when none is expected; device only
 * for a device's row), and the phrase people read: "報告 1,979 / 2,000 病院
 * （99.0%）", "1,979 of 2,000 hospitals reported (99.0%)". */
json_t *kb_compl_to_json(const struct kb_supply *sup, const struct kb_compl *c);
json_t *kb_report_weeks_to_json(const struct kb_report_weeks *w);
json_t *kb_missing_to_json(const struct kb_supply *sup,
			   const struct kb_missing *m);
void kb_compl_phrase(const struct kb_compl *c, enum kb_lang lang,
		     struct kb_buf *out);

/* ---- monitoring ---- */

enum kb_stock_status {
	KB_STATUS_UNKNOWN,
	KB_STATUS_OUT, /* stocked out */
	KB_STATUS_UNDER,
	KB_STATUS_ADEQUATE,
	KB_STATUS_OVER,
};
const char *kb_stock_status_key(enum kb_stock_status st);
const char *kb_stock_status_name(enum kb_stock_status st, enum kb_lang lang);

/* One week of hospital figures for a device in a scope (a facility, a
 * prefecture, or the nation). */
struct kb_week_figs {
	int week;
	int facilities, demand_facilities, stockout_facilities;
	int stockout_days;
	int low_facilities; /* ended the week with less than its demand */
	double stock, consumption, demand;
};

/* What monitoring derives for each week of such a series. */
struct kb_week_calc {
	double rate;  /* demand per facility per week */
	double trend; /* smoothed rate (EWMA), up to and including this week */
	double baseline; /* smoothed rate up to the week before */
	double daily;	 /* expected consumption per day, for all facilities */
	double dos;	 /* days of supply: stock / daily; -1 unknown */
	enum kb_stock_status status;
};

#define KB_EWMA_ALPHA	0.3
#define KB_WARMUP_WEEKS 4

/* Derives calc[i] from figs[0..n) (consecutive weeks, oldest first). */
void kb_monitor_series(const struct kb_week_figs *figs, size_t n,
		       const struct kb_device *d, struct kb_week_calc *calc);

/*
 * Small cells.  An aggregate of hospitals' reports (a device's figures in
 * a prefecture or the nation, one week) is withheld from a viewer outside
 * the ministry and the prefecture itself when fewer than
 * KB_MIN_CONTRIBUTORS facilities stand behind it, and so are the cells
 * that would give it away by difference from a total; manufacturers'
 * national figures likewise below KB_MIN_CONTRIBUTORS companies.  The rule
 * is explained in suppress.c and docs/supply-format.md.
 */
#define KB_MIN_CONTRIBUTORS 3

enum kb_withheld {
	KB_SHOWN,
	KB_WITHHELD_FEW,	/* fewer than KB_MIN_CONTRIBUTORS behind it */
	KB_WITHHELD_COMPLEMENT, /* would give a withheld cell away by
				   difference from a total */
};
/* "few_facilities", "few_companies" (companies != 0), "complementary" */
const char *kb_withheld_key(enum kb_withheld w, int companies);
/* The mark that stands for a withheld figure in CSV and on the pages:
 * 秘匿 / suppressed. */
const char *kb_withheld_mark(enum kb_lang lang);
/* Why, in a sentence. */
const char *kb_withheld_reason(enum kb_withheld w, int companies,
			       enum kb_lang lang);

/* One cell of an additive table: cells[0] is the total of cells[1..n). */
struct kb_cell {
	int contributors; /* facilities (or companies) behind the figure */
	int known;	  /* the viewer sees it whatever its size (its own) */
	enum kb_withheld withheld; /* out */
};
/* Sets withheld in every cell: primary suppression below
 * KB_MIN_CONTRIBUTORS, then complementary suppression (suppress.c). */
void kb_suppress_cells(struct kb_cell *cells, size_t n);

enum kb_severity { KB_SEV_INFO = 1, KB_SEV_WARNING, KB_SEV_CRITICAL };

/* Why a device is in trouble: its stock (low_stock, low_facilities), its
 * supply (supply_drop), its demand (demand_jump); or a region's hospitals
 * that stopped reporting (silent). */
enum kb_signal_cause {
	KB_CAUSE_STOCK,
	KB_CAUSE_SUPPLY,
	KB_CAUSE_DEMAND,
	KB_CAUSE_REPORTING,
};
#define KB_NCAUSES 4
/* Status of a device per scope at one week. */
struct kb_status_row {
	size_t device;
	int pref;      /* 0 national */
	long facility; /* org index, or -1 */
	struct kb_week_figs figs;
	struct kb_week_calc calc;
	double supply;	  /* national only: production + imports, or -1 */
	double shipments; /* national only, or -1 */
	double inventory; /* national only: manufacturers' inventory, or -1 */
	int suppliers;	  /* national only: the companies behind supply,
			     shipments and inventory (confidential below 3) */
	enum kb_withheld withheld;	  /* hospitals' figures, for a viewer */
	enum kb_withheld supply_withheld; /* manufacturers' figures */
	/* The one status model: the most severe signal of the device open at
	 * the week and reaching this row's region (the nation's row: any),
	 * or risk 0.  Pages and the API show this, with kb_status_reason(). */
	enum kb_severity risk;
	enum kb_signal_cause risk_cause;
	int risk_since;	      /* the signal's onset */
	char risk_key[64];    /* the signal's key */
	char risk_where[160]; /* its regions, in the language asked */
};
struct kb_supply_status {
	int week;
	struct kb_status_row *v;
	size_t n, alloc;
};

enum kb_status_scope {
	KB_SCOPE_NATION,   /* each device, nationally */
	KB_SCOPE_PREF,	   /* each device in prefecture `pref` */
	KB_SCOPE_BY_PREF,  /* device `device` in each prefecture */
	KB_SCOPE_FACILITY, /* each device at facility `facility` */
};
struct kb_signals;
struct kb_status_query {
	enum kb_status_scope scope;
	int week; /* -1: the latest */
	int pref;
	size_t device, facility;
	/* The signals of that week (kb_supply_signals to it) when the caller
	 * has them already, as the dashboard does; NULL: found here. */
	const struct kb_signals *signals;
};
int kb_supply_status(struct kb_store *s, const struct kb_supply *sup,
		     const struct kb_status_query *q,
		     struct kb_supply_status *out, struct kb_err *err);
void kb_supply_status_release(struct kb_supply_status *st);

/* Why a row has its status, in a sentence a person can check: the signal
 * open for it, else its days of supply against the device's thresholds;
 * and the facilities behind the figures. */
void kb_status_reason(const struct kb_supply *sup, const struct kb_status_row *x,
		      enum kb_lang lang, struct kb_buf *out);
/* The status a person reads first: the risk's severity when a signal is
 * open ("critical", "warning"), else the stock status's key. */
const char *kb_status_level_key(const struct kb_status_row *x);
const char *kb_status_level_name(const struct kb_status_row *x,
				 enum kb_lang lang);

struct kb_principal;
/* Marks in st what viewer p (NULL: the public) may not see, as the cells
 * of the whole national table of that week decide: rows' withheld and
 * supply_withheld.  A facility's own rows are left as they are (who may
 * ask for them is kb_allowed's). */
int kb_supply_status_disclose(struct kb_store *s, const struct kb_supply *sup,
			      const struct kb_principal *p,
			      struct kb_supply_status *st, struct kb_err *err);

/* ---- early warning ---- */

enum kb_alert_rule {
	KB_ALERT_LOW_STOCK,   /* days of supply under the device's threshold */
	KB_ALERT_DEMAND_JUMP, /* demand well above its smoothed trend */
	KB_ALERT_SUPPLY_DROP, /* production + imports well below trend */
	KB_ALERT_SILENT,      /* facilities that stopped reporting */
	KB_ALERT_LOW_FACILITIES, /* many facilities with under a week left */
};
const char *kb_alert_rule_key(enum kb_alert_rule r);
const char *kb_severity_key(enum kb_severity s);
const char *kb_severity_name(enum kb_severity s, enum kb_lang lang);

struct kb_alert {
	enum kb_alert_rule rule;
	enum kb_severity severity;
	size_t device; /* KB_NONE for silent facilities */
	int pref;      /* 0 national */
	int week;
	double value, threshold; /* the figure and the limit it crossed */
	double a, b;		 /* rule-specific: see kb_alert_reason() */
	char key[80]; /* rule:device:scope:week, stable across runs */
	enum kb_withheld withheld; /* its figures, for a viewer */
};
struct kb_alerts {
	struct kb_alert *v;
	size_t n, alloc;
};

/* Alerts of the weeks from..to (day numbers of Mondays; to = -1: the
 * latest week, from = -1: the same as to), most severe first. */
int kb_supply_alerts(struct kb_store *s, const struct kb_supply *sup, int from,
		     int to, struct kb_alerts *out, struct kb_err *err);
void kb_alerts_release(struct kb_alerts *a);
/* Marks the alerts whose figures viewer p (NULL: the public) may not see,
 * by the cell each is about (kb_supply_status_disclose); the alert itself,
 * its rule and severity stay, as early warning. */
int kb_alerts_disclose(struct kb_store *s, const struct kb_supply *sup,
		       const struct kb_principal *p, struct kb_alerts *al,
		       struct kb_err *err);
/* The reason, with the figures a person can check. */
void kb_alert_reason(const struct kb_alert *a, const struct kb_supply *sup,
		     enum kb_lang lang, struct kb_buf *out);

/* ---- signals: the alerts of one problem, grouped (signal.c) ---- */

enum kb_signal_trend {
	KB_TREND_WORSENING,
	KB_TREND_STABLE,
	KB_TREND_RECOVERING,
};
const char *kb_signal_cause_key(enum kb_signal_cause c);
const char *kb_signal_cause_name(enum kb_signal_cause c, enum kb_lang lang);
/* The cause of a key ("stock", "supply", "demand", "reporting"), or -1. */
int kb_signal_cause_parse(const char *key);
const char *kb_signal_trend_key(enum kb_signal_trend t);
const char *kb_signal_trend_name(enum kb_signal_trend t, enum kb_lang lang);
/* The cause an alert rule belongs to. */
enum kb_signal_cause kb_alert_cause(enum kb_alert_rule r);

struct kb_signal_step { /* opened, escalated, de-escalated, closed */
	int week;
	enum kb_severity severity; /* 0: closed */
};
struct kb_signal_region {
	int pref;			 /* 0: the nation */
	enum kb_severity peak, severity; /* severity: at the latest week */
};
struct kb_signal {
	char key[64]; /* signal:cause:device:region:onset, stable */
	enum kb_signal_cause cause;
	size_t device;	   /* KB_NONE for reporting */
	int pref;	   /* reporting: its region; otherwise -1 */
	int onset, latest; /* first and last week the condition held */
	int closed;	   /* the week it was closed, or -1: open */
	enum kb_severity severity, peak;
	enum kb_signal_trend trend;
	struct kb_signal_region *regions; /* the nation first, if affected */
	size_t nregions;
	int facilities;	 /* hospitals short (missing, for reporting) at the
			    latest week, in the affected regions */
	long population; /* of the affected regions (2020 census) */
	struct kb_signal_step *steps;
	size_t nsteps;
	size_t *alerts; /* the evidence: indices into kb_signals.alerts */
	size_t nalerts;
	double score; /* the latest week's, 1 at the entering threshold */
};
struct kb_signals {
	int from, to;
	struct kb_signal *v;
	size_t n, alloc;
	struct kb_alerts alerts; /* every alert of the weeks judged */
};

/*
 * Signals active in the weeks from..to (day numbers of Mondays; to = -1:
 * the latest complete week, from = -1: the same as to), judged over the
 * year before from as well, most severe first.  A signal opens when a rule
 * of its cause fires for its device and something confirms it (the nation,
 * a second region, a critical level, a second rule or a second week:
 * steps[0] is the week it was raised), stays open while the
 * looser leaving condition holds, closes after KB_SIGNAL_QUIET weeks
 * without it; its severity escalates when a rule fires at critical level
 * and de-escalates only when the critical leaving condition no longer
 * holds.  See signal.c and docs/supply-monitoring.md.
 */
#define KB_SIGNAL_QUIET 3
int kb_supply_signals(struct kb_store *s, const struct kb_supply *sup, int from,
		      int to, struct kb_signals *out, struct kb_err *err);
void kb_signals_release(struct kb_signals *v);
/* Whether g reaches prefecture pref: the nation or pref among its regions
 * (pref 0: the nation among them). */
int kb_signal_reaches(const struct kb_signal *g, int pref);
/* What it is and why, in a sentence with the figures behind it. */
void kb_signal_reason(const struct kb_signal *g, const struct kb_signals *all,
		      const struct kb_supply *sup, enum kb_lang lang,
		      struct kb_buf *out);
/* The reason of an alert or a signal by its key (as linked to an
 * incident), or NULL when no such alert or signal is found; caller frees. */
char *kb_supply_key_reason(struct kb_store *s, const struct kb_supply *sup,
			   const char *key, enum kb_lang lang);
/* With regions, steps, its reason and (evidence != 0) its alerts. */
json_t *kb_signal_to_json(const struct kb_signal *g, const struct kb_signals *all,
			  const struct kb_supply *sup, enum kb_lang lang,
			  int evidence);

/* ---- the supply council's incidents ---- */

enum kb_incident_state {
	KB_INC_REPORTED,
	KB_INC_ASSESSING,
	KB_INC_MITIGATING,
	KB_INC_RESOLVED,
};
extern const char *const kb_incident_causes[];
extern const size_t kb_nincident_causes;
const char *kb_incident_state_key(enum kb_incident_state s);
const char *kb_incident_state_name(enum kb_incident_state s, enum kb_lang lang);
const char *kb_incident_cause_name(const char *cause, enum kb_lang lang);
int kb_incident_state_parse(const char *s);

struct kb_incident_event {
	char *at, *by, *kind, *state, *text;
};
struct kb_incident {
	long id;
	char *device; /* code */
	char *title, *cause, *reported_by;
	enum kb_incident_state state;
	char *opened_at, *opened_by, *resolved_at;
	int *prefs; /* empty: national */
	size_t nprefs;
	char **alerts; /* linked alert keys */
	size_t nalerts;
	struct kb_incident_event *events;
	size_t nevents;
};
struct kb_incidents {
	struct kb_incident *v;
	size_t n, alloc;
};

struct kb_incident_new {
	const char *device, *title, *cause, *reported_by, *note;
	const int *prefs;
	size_t nprefs;
};
/* Opens an incident; *id is its number. */
int kb_incident_open(struct kb_store *s, const struct kb_incident_new *in,
		     const char *actor, time_t now, long *id, struct kb_err *err);
/* Moves it to a later state (or reopens a resolved one to assessing). */
int kb_incident_set_state(struct kb_store *s, long id,
			  enum kb_incident_state to, const char *note,
			  const char *actor, time_t now, struct kb_err *err);
/* Records an action taken (kind "action") or a note ("note"). */
int kb_incident_log(struct kb_store *s, long id, const char *kind,
		    const char *text, const char *actor, time_t now,
		    struct kb_err *err);
/* Links an alert by its key, keeping its reason as it read then. */
int kb_incident_link(struct kb_store *s, long id, const char *alert_key,
		     const char *reason, const char *actor, time_t now,
		     struct kb_err *err);
/* Every incident (id 0) or one, with regions, alerts and timeline. */
int kb_incident_load(struct kb_store *s, long id, struct kb_incidents *out,
		     struct kb_err *err);
void kb_incidents_release(struct kb_incidents *v);
json_t *kb_incident_to_json(const struct kb_incident *inc);

/* ---- the records above as JSON (the command's --json, the server's API) */
json_t *kb_device_to_json(const struct kb_device *d);
json_t *kb_chain_risk_to_json(const struct kb_chain *ch,
			      const struct kb_chain_risk *k);
/* With the reason of its status in lang (kb_status_reason). */
json_t *kb_status_row_to_json(const struct kb_supply *sup, int week,
			      const struct kb_status_row *x, enum kb_lang lang);
/* With its reason in lang. */
json_t *kb_alert_to_json(const struct kb_supply *sup, const struct kb_alert *a,
			 enum kb_lang lang);

/* ---- figures for the plan's KPIs (goal G11, measure M42) ---- */
struct kb_supply_kpis {
	int fy;
	double stockout_facility_days; /* essential devices, hospitals */
	size_t incidents_opened, incidents_resolved;
	size_t resolved_within_30;   /* of those opened in the year */
	double mean_days_to_resolve; /* -1 when none resolved */
};
int kb_supply_kpis(struct kb_store *s, int fy, struct kb_supply_kpis *out,
		   struct kb_err *err);

/* ---- generated national data (docs/supply-data.md) ---- */

struct kb_gen_opts {
	unsigned long long seed;
	size_t hospitals; /* 8,200 for Japan */
	size_t devices;	  /* at most 50 */
	size_t suppliers; /* about 500 */
	size_t weeks;	  /* of reports, ending with last_week */
	int last_week;	  /* Monday of the last week reported */
	int disruptions;  /* inject disruptions and write their ground truth */
};

/* The registry, the chain and the ground truth, as CSV in import format. */
struct kb_gen_out {
	struct kb_buf devices, orgs, sites, components, chain, truth;
};
void kb_gen_out_release(struct kb_gen_out *out);

/* Called once per week, oldest first, with that week's stock reports
 * and production reports as CSV (header included); non-zero stops.  The
 * registry and the chain in out are complete before the first call, so a
 * loader imports them then, and one run both builds and loads the data. */
typedef int (*kb_gen_week_fn)(void *ctx, int week, const struct kb_buf *stock,
			      const struct kb_buf *production);

/*
 * Generates a deterministic national data set from o->seed: hospitals in
 * proportion to the 2020 census, essential devices, a three-tier supply
 * chain across some 15 countries, and weekly reports simulated from
 * demand with seasonality, hospitals' ordering and manufacturers'
 * capacity through the chain, with injected disruptions.
 */
int kb_supply_generate(const struct kb_gen_opts *o, struct kb_gen_out *out,
		       kb_gen_week_fn week_fn, void *ctx, struct kb_err *err);

#endif
