/*
 * fuzz_scenario.c - scenario files (lib/scenario/scenario_file.c) read against
 * the demo registry, as the command reads them (text NUL-terminated).
 */
#include "fuzz.h"

#include "kiban/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kb_supply *sup = fz_demo_supply();
	struct kb_scenario sc;
	struct kb_err err;
	char *text = kb_malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	kb_err_init(&err, KB_LANG_EN);
	if (!kb_scenario_parse("s.txt", text, size, sup, (int)(FZ_NOW / 86400),
			       &sc, &err))
		kb_scenario_release(&sc);
	fz_diags(&err);
	kb_err_release(&err);
	free(text);
	return 0;
}
