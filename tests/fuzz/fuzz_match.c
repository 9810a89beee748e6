/*
 * fuzz_match.c - the matching registry's imports (lib/match/registry.c:
 * organisations, needs, seeds, NDAs; CSV or JSON) and, for a JSON object,
 * one need or seed added and a profile written as the server's forms do,
 * all into the demo database and rolled back.
 */
#include "fuzz.h"

#include "kiban/match.h"

/* As the server's API and pages call them: fields from a JSON body. */
static void fields(const uint8_t *data, size_t size)
{
	static const char *const as[] = { NULL, "MC01" };
	struct kb_store *s = fz_demo();
	json_t *j = json_loadb((const char *)data, size, 0, NULL);
	struct kb_err err;
	char id[32];
	size_t i;
	if (!json_is_object(j)) {
		json_decref(j);
		return;
	}
	kb_err_init(&err, KB_LANG_EN);
	for (i = 0; i < 2; i++) {
		if (kb_store_begin(s, &err))
			abort();
		kb_match_add(s, as[i], KB_MATCH_NEED, j, "fuzz", FZ_NOW, id,
			     sizeof(id), &err);
		kb_match_add(s, as[i], KB_MATCH_SEED, j, "fuzz", FZ_NOW, id,
			     sizeof(id), &err);
		kb_match_profile(s, as[i] ? as[i] : "MC01", j, "fuzz", FZ_NOW,
				 &err);
		kb_store_rollback(s);
		fz_diags(&err);
		kb_err_clear(&err);
	}
	kb_err_release(&err);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_import(fz_match_orgs, "match-orgs.csv", data, size, NULL);
	fz_import(fz_match_needs, "match-needs.csv", data, size, NULL);
	fz_import(fz_match_seeds, "match-seeds.csv", data, size, NULL);
	fz_import(fz_match_ndas, "match-ndas.csv", data, size, NULL);
	fields(data, size);
	return 0;
}
