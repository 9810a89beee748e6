/*
 * helpers.h - what the unit tests share: temporary files and stores, the
 * shipped plan, small CSV inputs.  Everything a test creates lives under a
 * fresh temporary directory removed at exit.
 */
#ifndef KB_TEST_HELPERS_H
#define KB_TEST_HELPERS_H

#include "core/compat.h"

#include <cmocka.h>

#include "kiban/buf.h"
#include "kiban/csv.h"
#include "kiban/error.h"
#include "kiban/eval.h"
#include "kiban/kpi.h"
#include "kiban/plan.h"
#include "kiban/store.h"

/* A path inside the test's temporary directory (static buffer per call
 * site is not needed: the result is owned by the caller). */
char *t_path(const char *name);

/* Writes text to a temporary file and returns its path (caller frees). */
char *t_file(const char *name, const char *text);

/* A new empty store in the temporary directory. */
struct kb_store *t_store(void);

/* A new store holding the shipped 2nd Basic Plan. */
struct kb_store *t_store_with_plan(void);

/* Opens CSV text from memory as file "name". */
void t_csv(struct kb_csv *c, const char *name, const char *text);

/* Imports KPI definitions / values given as CSV text; returns the code. */
int t_import_kpis(struct kb_store *s, const char *csv, struct kb_err *err);
int t_import_values(struct kb_store *s, const char *csv, struct kb_err *err);

/* Runs a SQL query returning one integer / one text (caller frees). */
long t_sql_int(struct kb_store *s, const char *sql);
char *t_sql_text(struct kb_store *s, const char *sql);

/* The diagnostics of err joined by newlines (caller frees). */
char *t_errors(const struct kb_err *err);

/* Fails the test, printing the diagnostics, if err holds any. */
#define T_OK(expr, err)                                                \
	do {                                                           \
		int t_r_ = (expr);                                     \
		if (t_r_) {                                            \
			char *t_m_ = t_errors(err);                    \
			print_error("%s failed (%d):\n", #expr, t_r_); \
			print_error("%.900s\n", t_m_);                 \
			free(t_m_);                                    \
			fail();                                        \
		}                                                      \
	} while (0)

/* Asserts that the diagnostics contain text (printing them if not). */
void t_assert_error(const struct kb_err *err, const char *text);

/* 2026-11-24 09:00 JST, the clock of the tests. */
#define T_NOW ((time_t)1795478400)

#endif
