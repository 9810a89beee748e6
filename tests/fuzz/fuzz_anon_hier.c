/*
 * fuzz_anon_hier.c - a hierarchy file (lib/anon/hier.c), written where
 * the configuration looks for it: the disease's, as a quasi-identifier's
 * hierarchy and as the sensitive attribute's for hierarchical
 * t-closeness.
 */
#include "anon.h"

static const char config[] =
	"{\"attributes\": {\"患者ID\": \"identifying\","
	" \"年齢\": {\"type\": \"quasi\", \"hierarchy\": {\"intervals\": [10, 20]}},"
	" \"性別\": \"insensitive\", \"郵便番号\": \"insensitive\","
	" \"入院日\": \"insensitive\","
	" \"病名\": {\"type\": \"quasi\", \"hierarchy\": \"h.csv\"},"
	" \"在院日数\": \"insensitive\"},"
	" \"privacy\": {\"k\": 2, \"suppression\": 0.1}}";

static const char config_sens[] =
	"{\"attributes\": {\"患者ID\": \"identifying\","
	" \"年齢\": {\"type\": \"quasi\", \"hierarchy\": {\"intervals\": [10, 20]}},"
	" \"性別\": {\"type\": \"quasi\", \"hierarchy\": \"sex.csv\"},"
	" \"郵便番号\": \"insensitive\", \"入院日\": \"insensitive\","
	" \"病名\": {\"type\": \"sensitive\", \"hierarchy\": \"h.csv\"},"
	" \"在院日数\": \"insensitive\"},"
	" \"privacy\": {\"k\": 2, \"l-diversity\": {\"variant\": \"distinct\", \"l\": 2},"
	" \"t-closeness\": {\"distance\": \"hierarchical\", \"t\": 0.6},"
	" \"suppression\": 0.1}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char records[] = FZ_ANON_DATA;
	char *dir = fz_anon_dir(), *h = fz_path("h.csv");
	fz_write(h, data, size);
	fz_anon_run(config, dir, (const uint8_t *)records, sizeof(records) - 1);
	fz_anon_run(config_sens, dir, (const uint8_t *)records,
		    sizeof(records) - 1);
	free(h);
	free(dir);
	return 0;
}
