/*
 * fuzz_anon_records.c - the anonymizer's input records (lib/anon: the
 * table read and encoded, the search, the release and its check) under
 * the configuration of tests/e2e/anon.sh.
 */
#include "anon.h"

static const char config[] =
	"{\"attributes\": {\"患者ID\": \"identifying\","
	" \"年齢\": {\"type\": \"quasi\", \"hierarchy\": {\"intervals\": [5, 10, 20]}},"
	" \"性別\": {\"type\": \"quasi\", \"hierarchy\": \"sex.csv\"},"
	" \"郵便番号\": {\"type\": \"quasi\", \"hierarchy\": {\"mask\": [4, 5, 6]}},"
	" \"入院日\": {\"type\": \"quasi\", \"hierarchy\": {\"dates\": [\"month\", \"quarter\", \"year\"]}},"
	" \"病名\": {\"type\": \"sensitive\", \"hierarchy\": \"icd.csv\"},"
	" \"在院日数\": \"insensitive\"},"
	" \"privacy\": {\"k\": 2, \"l-diversity\": {\"variant\": \"distinct\", \"l\": 2},"
	" \"t-closeness\": {\"distance\": \"hierarchical\", \"t\": 0.6},"
	" \"suppression\": 0.1}, \"metric\": \"loss\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *dir = fz_anon_dir();
	fz_anon_run(config, dir, data, size);
	free(dir);
	return 0;
}
