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

/* Loads the supply part of the demonstration database (supply/demo.c). */
int kb__demo_supply(struct kb_store *s, struct kb_err *err);

/* Rewrites the aggregates of the weeks weeks[0..n) from the lines; *rows
 * (unless NULL) = lines read.  committed: no line of these weeks was written
 * in the open transaction (a recomputation), so a second connection may
 * read them. */
int kb__supply_aggregate(struct kb_store *s, const int *weeks, size_t n,
			 int committed, size_t *rows, struct kb_err *err);

/* The demo's accounts (kiban/demo.h), after its registry. */
int kb__demo_accounts(struct kb_store *s, struct kb_err *err);

#endif
