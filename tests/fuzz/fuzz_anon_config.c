/*
 * fuzz_anon_config.c - the anonymizer's configuration (JSON; lib/anon/
 * config.c and the hierarchy builders of hier.c), used on the records of
 * anon.h.
 */
#include "anon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char records[] = FZ_ANON_DATA;
	char *dir = fz_anon_dir(), *cfg = kb_malloc(size + 1);
	memcpy(cfg, data, size);
	cfg[size] = 0;
	fz_anon_run(cfg, dir, (const uint8_t *)records, sizeof(records) - 1);
	free(cfg);
	free(dir);
	return 0;
}
