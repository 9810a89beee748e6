/*
 * fuzz_kpi.c - KPI definitions and yearly values (lib/plan/kpi_import.c),
 * CSV or JSON, imported into the demo database (its plan, KPIs and
 * figures) and rolled back.
 */
#include "fuzz.h"

#include "kiban/kpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_import(kb_kpi_import, "kpis.csv", data, size, NULL);
	fz_import(kb_obs_import, "values.csv", data, size, NULL);
	return 0;
}
