/*
 * csv_json.h - JSON records read through the CSV reader (internal; see
 * csv.h for the behaviour and csv_json.c for the method).
 */
#ifndef KB_CSV_JSON_H
#define KB_CSV_JSON_H

#include "kiban/csv.h"

/* Replaces c->text (JSON) with the same records as CSV and fills c->jpos.
 * Returns 0, KB_EPARSE (invalid JSON) or KB_EINVALID (not records). */
int kb__csv_from_json(struct kb_csv *c, struct kb_err *err);

#endif
