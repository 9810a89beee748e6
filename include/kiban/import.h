/*
 * import.h - options and results shared by every import in libkiban.
 *
 * Every import reads the whole input, checks all of it, and writes in one
 * transaction only if there was no error: all or nothing.  The caller says
 * who is importing and when (so tests and reproducible runs can fix the
 * clock), may ask for a dry run, and may watch progress.
 */
#ifndef KIBAN_IMPORT_H
#define KIBAN_IMPORT_H

#include <stddef.h>
#include <time.h>

struct kb_supply;

struct kb_import_opts {
	const char *actor; /* the person or account entering the data */
	time_t now;	   /* timestamp recorded with the data */
	int dry_run;	   /* check everything, write nothing */
	/* Called now and then with the bytes read so far and the total. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* Reports only: when set, every row must belong to this organisation
	 * (its id); another's is refused (KB_EDENIED) at its line. */
	const char *only_org;
	/* Reports only: the registry as loaded by kb_supply_load() (the
	 * import loads it when NULL), and whether to leave the weekly
	 * aggregates to the caller (kb_supply_aggregate() on the weeks in
	 * the stats, before the commit of the enclosing transaction). */
	const struct kb_supply *registry;
	int defer_aggregates;
};

struct kb_import_stats {
	size_t rows;		/* data rows read */
	size_t added;		/* new records */
	size_t changed;		/* records replaced (their old version kept) */
	size_t unchanged;	/* rows identical to what the database holds */
	int week_min, week_max; /* reports: the weeks written (0: none) */
};

/* The signature every import shares (kb_kpi_import, kb_stock_import...). */
struct kb_store;
struct kb_csv;
struct kb_err;
typedef int (*kb_import_fn)(struct kb_store *s, struct kb_csv *c,
			    const struct kb_import_opts *o,
			    struct kb_import_stats *st, struct kb_err *err);

#endif
