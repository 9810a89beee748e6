/*
 * fuzz_supply_registry.c - the supply registry's imports (devices,
 * organisations, sites, components, the supply chain; CSV or JSON) into
 * the demo database, rolled back.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_import(kb_device_import, "devices.csv", data, size, NULL);
	fz_import(kb_org_import, "orgs.csv", data, size, NULL);
	fz_import(kb_site_import, "sites.csv", data, size, NULL);
	fz_import(kb_component_import, "components.csv", data, size, NULL);
	fz_import(kb_chain_import, "chain.csv", data, size, NULL);
	return 0;
}
