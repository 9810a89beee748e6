/*
 * fuzz_supply_reports.c - hospitals' stock reports and manufacturers'
 * production reports (CSV or JSON) as the command imports them and as the
 * server's writer does (the registry given, aggregates deferred, an
 * uploader's own organisation only), into the demo database, rolled back.
 */
#include "fuzz.h"

/* The first hospital (hospital = 1) or other organisation of the demo
 * registry. */
static const char *org_of(int hospital)
{
	const struct kb_supply *sup = fz_demo_supply();
	size_t i;
	for (i = 0; i < sup->norgs; i++)
		if ((sup->orgs[i].kind == KB_ORG_HOSPITAL) == hospital)
			return sup->orgs[i].id;
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_import_opts o = { .actor = "fuzz", .now = FZ_NOW };
	fz_import(kb_stock_import, "stock.csv", data, size, NULL);
	fz_import(kb_production_import, "production.csv", data, size, NULL);
	o.registry = fz_demo_supply();
	o.defer_aggregates = 1;
	o.only_org = org_of(1);
	fz_import(kb_stock_import, "stock.csv", data, size, &o);
	o.only_org = org_of(0);
	fz_import(kb_production_import, "production.csv", data, size, &o);
	return 0;
}
