/*
 * supply_int.h - what the files of lib/supply share (internal).
 */
#ifndef KB_SUPPLY_INT_H
#define KB_SUPPLY_INT_H

#include "kiban/buf.h"
#include "kiban/store.h"
#include "kiban/supply.h"

/* Rebuilds the lookups of a registry whose arrays changed. */
void kb__supply_index(struct kb_supply *sup);

/* yes/no in the forms people write (yes, はい, ○, 1); -1 if neither. */
int kb__yes_no(const char *s);

/* Two capital letters (ISO 3166-1 alpha-2). */
int kb__country_ok(const char *s);

/* Normalised criteria keys and their score; -1 with the unknown one. */
int kb__criteria_parse(const char *s, struct kb_buf *keys, int *score,
		       char *bad, size_t nbad);

/* What is wrong with a device's thresholds, or NULL. */
const char *kb__thresholds_problem(const struct kb_device *d, enum kb_lang L);

/* Inserts or updates a device; with designate, records the change of its
 * essential status (why, who, when).  Inside a transaction. */
int kb__device_write(struct kb_store *s, const struct kb_device *d,
		     int designate, const char *why, const char *actor,
		     const char *when, struct kb_err *err);

/* Rewrites the aggregates of the weeks weeks[0..n) from the lines; *rows
 * (unless NULL) = lines read.  committed: no line of these weeks was written
 * in the open transaction (a recomputation), so a second connection may
 * read them. */
int kb__supply_aggregate(struct kb_store *s, const int *weeks, size_t n,
			 int committed, size_t *rows, struct kb_err *err);

/* ---- the rules' verdicts, shared by alerts and signals (monitor.c) ---- */

#define KB__NRULES    5	     /* enum kb_alert_rule */
#define KB__C2_SD     3.0    /* an unusual share: mean + 3 sd (EARS C2) */
#define KB__HOLD_SD   1.5    /* and still unusual enough to stay open */
#define KB__MIN_SD    0.02   /* the least deviation of a share */
#define KB__LEAVE     1.25   /* days of supply a quarter above the threshold */
#define KB__RARE      10000  /* a count chance gives once in as many weeks */
#define KB__RARE_JUMP 100000 /* and a demand jump, tested far more often */

/* One rule on one region's week.  on: the rule fires (1 warning, 2
 * critical): an alert; hold: the looser condition that keeps a signal
 * open (1, 2 at critical level; at least on); score: 1 at the entering
 * threshold; n: the facilities the figure is about (low, reporting,
 * missing: the rule's own). */
struct kb__verdict {
	unsigned char on, hold;
	float score;
	int n;
};

/* Every rule's verdict on every region and week first.. (nweeks): device
 * rows 0..ndev-2, and the last row for reporting (silent). */
struct kb__eval {
	int first;
	size_t nweeks, ndev;
	struct kb__verdict *v;
};
/* The nweeks verdicts of one rule on one device row and region. */
struct kb__verdict *kb__eval_at(const struct kb__eval *ev, size_t dev, int pref,
				enum kb_alert_rule rule);
/* Judges the weeks first..to; alerts (unless out is NULL) of from..to. */
int kb__supply_evaluate(struct kb_store *s, const struct kb_supply *sup,
			int first, int from, int to, struct kb_alerts *out,
			struct kb__eval *ev, struct kb_err *err);
void kb__eval_release(struct kb__eval *ev);
/* Resolves a range of weeks as kb_supply_alerts() takes it (to = -1: the
 * latest complete week; from = -1: to) to Mondays; KB_EUSAGE if reversed. */
int kb__supply_weeks(struct kb_store *s, int *from, int *to, struct kb_err *err);
/* The rows of a status query with their figures and stock status, without
 * the signals' risk (monitor.c; kb_supply_status in status.c adds it). */
int kb__status_figures(struct kb_store *s, const struct kb_supply *sup,
		       const struct kb_status_query *q,
		       struct kb_supply_status *out, struct kb_err *err);
/* A region's name: the nation ("nationwide", 0) or a prefecture 1..47
 * (signal.c). */
const char *kb__region_name(const struct kb_supply *sup, int p, enum kb_lang L);
/* The regions of a signal as a person reads them: the nation, or up to
 * five prefectures and how many more (signal.c). */
void kb__signal_regions(const struct kb_signal *g, const struct kb_supply *sup,
			enum kb_lang L, struct kb_buf *out);

#endif
