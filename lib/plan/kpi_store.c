/*
 * kpi_store.c - loading KPIs with their targets and observations.
 *
 * Three queries (KPIs in their order, targets by KPI and sequence, values
 * by KPI and year) stitched together through an id -> index map.
 */
#include "core/compat.h"

#include "core/strmap.h"
#include "kiban/buf.h"
#include "kiban/kpi.h"
#include "store/sql.h"

int kb_kpi_load(struct kb_store *s, struct kb_kpiset *out, struct kb_err *err)
{
	sqlite3_stmt *st;
	struct kb__strmap ids;
	int rc;

	memset(out, 0, sizeof(*out));
	kb__strmap_init(&ids);
	st = kb__sql_prepare(
		s,
		"SELECT id, name_ja, name_en, unit_ja, unit_en, direction, goal_id, measure_id, "
		"baseline_value, baseline_fy, source, periodicity, coalesce(rule, ''), "
		"coalesce(decimals, -1) FROM kpi ORDER BY seq, id",
		err);
	if (!st)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kb_kpi *k;
		KB_ALLOC_GROW(out->v, out->n + 1, out->alloc);
		k = &out->v[out->n];
		memset(k, 0, sizeof(*k));
		k->id = kb__sql_text(st, 0);
		k->name_ja = kb__sql_text(st, 1);
		k->name_en = kb__sql_text(st, 2);
		k->unit_ja = kb__sql_text(st, 3);
		k->unit_en = kb__sql_text(st, 4);
		k->direction = sqlite3_column_int(st, 5);
		k->goal_id = kb__sql_text(st, 6);
		k->measure_id = kb__sql_text(st, 7);
		k->base_value = sqlite3_column_double(st, 8);
		k->base_fy = sqlite3_column_int(st, 9);
		k->source = kb__sql_text(st, 10);
		k->periodicity = kb__sql_text(st, 11);
		k->rule = (enum kb_rule)kb_rule_parse(
			(const char *)sqlite3_column_text(st, 12));
		k->decimals = sqlite3_column_int(st, 13);
		out->n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dbfail;
	/* ids point into the KPIs, which no longer move */
	for (size_t i = 0; i < out->n; i++)
		kb__strmap_put(&ids, out->v[i].id, i);

	st = kb__sql_prepare(
		s,
		"SELECT kpi_id, value, fy, set_at, set_by, reason FROM kpi_target ORDER BY kpi_id, seq",
		err);
	if (!st)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = kb__strmap_get(
			&ids, (const char *)sqlite3_column_text(st, 0));
		struct kb_kpi *k;
		struct kb_target *t;
		if (i == KB_NONE)
			continue;
		k = &out->v[i];
		k->targets =
			kb_realloc(k->targets, (k->ntargets + 1) * sizeof(*t));
		t = &k->targets[k->ntargets++];
		t->value = sqlite3_column_double(st, 1);
		t->fy = sqlite3_column_int(st, 2);
		t->set_at = kb__sql_text(st, 3);
		t->set_by = kb__sql_text(st, 4);
		t->reason = kb__sql_text(st, 5);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dbfail;

	st = kb__sql_prepare(
		s,
		"SELECT kpi_id, fy, state, value, source, comment, entered_by, entered_at "
		"FROM observation ORDER BY kpi_id, fy",
		err);
	if (!st)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = kb__strmap_get(
			&ids, (const char *)sqlite3_column_text(st, 0));
		struct kb_kpi *k;
		struct kb_obs *b;
		if (i == KB_NONE)
			continue;
		k = &out->v[i];
		k->obs = kb_realloc(k->obs, (k->nobs + 1) * sizeof(*b));
		b = &k->obs[k->nobs++];
		b->fy = sqlite3_column_int(st, 1);
		b->missing = !strcmp((const char *)sqlite3_column_text(st, 2),
				     "missing");
		b->value = b->missing ? 0 : sqlite3_column_double(st, 3);
		b->source = kb__sql_text(st, 4);
		b->comment = kb__sql_text(st, 5);
		b->entered_by = kb__sql_text(st, 6);
		b->entered_at = kb__sql_text(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dbfail;
	kb__strmap_release(&ids);
	return 0;
dbfail:
	kb__sql_fail(err, kb_store_sqlite(s), "KPI");
fail:
	kb__strmap_release(&ids);
	kb_kpiset_release(out);
	return KB_EDB;
}
