/*
 * demo_int.h - the parts of the demonstration database (kiban/demo.h),
 * shared inside lib/demo/: demo.c loads the plan, its KPIs and figures and
 * the matching registry, and composes the whole; demo_supply.c the supply
 * part and the accounts.  The demo sits above the engines (plan, supply,
 * match, auth) and uses only their public interfaces.
 */
#ifndef KIBAN_DEMO_INT_H
#define KIBAN_DEMO_INT_H

#include "kiban/demo.h"

/* Loads the supply part of the demonstration database (demo_supply.c). */
int kb__demo_supply(struct kb_store *s, struct kb_err *err);

/* The demo's accounts (kiban/demo.h), after its registry. */
int kb__demo_accounts(struct kb_store *s, struct kb_err *err);

#endif
