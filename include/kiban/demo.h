/*
 * demo.h - the demonstration database: the 2nd Basic Plan with an
 * illustrative KPI set and a few years of history.
 *
 * The figures are invented (data/demo/README.md) and marked as such in every
 * KPI's source.  The history is dated as it would have happened: the plan
 * and KPIs imported in June 2022, a target revised in April 2024, figures
 * up to FY2024 entered in June 2025, the FY2024 evaluation frozen on 30
 * June 2025, one FY2024 figure corrected afterwards, FY2025 figures
 * entered in June 2026.  Everything comes from files embedded in the
 * library, so the demo needs nothing but the binary.
 */
#ifndef KIBAN_DEMO_H
#define KIBAN_DEMO_H

#include "kiban/error.h"
#include "kiban/store.h"

/* The demo's accounts, one per role, all with this password (a demo's:
 * printed by 'make run', never for real data). */
#define KB_DEMO_PASSWORD "kiban-demo-2026"
struct kb_demo_account {
	const char *login, *role, *what_en, *what_ja;
	const char *match_org; /* its organisation in matching, or NULL */
};
extern const struct kb_demo_account kb_demo_accounts[];
extern const size_t kb_demo_naccounts;

/* Loads the demo into an empty store.  KB_ESTATE if it holds a plan. */
int kb_demo_load(struct kb_store *s, struct kb_err *err);

/* The embedded 2nd Basic Plan file (data/plan2.csv). */
const char *kb_demo_plan_csv(size_t *len);

#endif
