/*
 * fuzz.h - what the libFuzzer harnesses share (tests/fuzz/README.md): a
 * scratch directory, a small demonstration store prepared once per process,
 * and an import run inside a transaction that is rolled back, so that
 * every input meets the same database and leaves nothing behind.
 */
#ifndef KB_FUZZ_H
#define KB_FUZZ_H

#include "core/compat.h"

#include "kiban/csv.h"
#include "kiban/error.h"
#include "kiban/import.h"
#include "kiban/store.h"
#include "kiban/supply.h"

/* The libFuzzer entry point every harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path in the process's scratch directory (removed at exit); caller
 * frees. */
char *fz_path(const char *name);

/* Writes data to path (aborts if it cannot: the harness is broken). */
void fz_write(const char *path, const void *data, size_t size);

/* The demo database in small (plan, KPIs, supply registry and reports,
 * matching registry), made on the first call; its registry as
 * kb_supply_load() reads it. */
struct kb_store *fz_demo(void);
const struct kb_supply *fz_demo_supply(void);

/* The clock of the tests, 2026-11-24 09:00 JST. */
#define FZ_NOW ((time_t)1795478400)

/* Opens data as CSV or JSON named name in encoding enc; 0 or the reader's
 * error (err is cleared first). */
int fz_csv(struct kb_csv *c, const char *name, const uint8_t *data, size_t size,
	   enum kb_encoding enc, struct kb_err *err);

/* Runs fn over data (as file name, encoding detected) on the demo store,
 * inside a transaction rolled back afterwards.  o may be NULL. */
/* The matching registry's imports (organisations, needs, seeds, NDAs) as
 * kb_import_fn, for the fixture and the match harness. */
int fz_match_orgs(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err);
int fz_match_needs(struct kb_store *s, struct kb_csv *c,
		   const struct kb_import_opts *o, struct kb_import_stats *st,
		   struct kb_err *err);
int fz_match_seeds(struct kb_store *s, struct kb_csv *c,
		   const struct kb_import_opts *o, struct kb_import_stats *st,
		   struct kb_err *err);
int fz_match_ndas(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err);

void fz_import(kb_import_fn fn, const char *name, const uint8_t *data,
	       size_t size, const struct kb_import_opts *o);

/* Formats every diagnostic of err, in both languages, as a user would
 * see them (a message that reads past its data is a finding too); with
 * FUZZ_DEBUG set, prints them: why a seed stops where it does. */
void fz_diags(const struct kb_err *err);

#endif
