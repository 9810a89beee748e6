/*
 * fuzz_server_form.c - what the server parses of a request itself
 * (server/form.c): a body as an urlencoded form and as a JSON object, and
 * the field values through the parsers the handlers apply to query and
 * form values (language, fiscal year, week, number, incident state, case
 * phase, kind, encoding).  Query strings, cookies and headers are split by
 * libmicrohttpd; a query string has the form's syntax, so the same input
 * stands for both.
 */
#include "fuzz.h"

#include "kiban/lang.h"
#include "kiban/match.h"
#include "kiban/supply.h"
#include "server/server.h"

static void values(json_t *form)
{
	const char *k;
	json_t *v;
	json_object_foreach(form, k, v)
	{
		const char *s = json_string_value(v);
		double d;
		int n;
		if (!s)
			continue;
		(void)kb_lang_parse(s);
		(void)kb_fy_parse(s, &n);
		(void)kb_week_parse(s, &n);
		(void)kb_parse_number(s, &d);
		(void)kb_incident_state_parse(s);
		(void)kb_case_phase_parse(s);
		(void)kb_match_kind_parse(s);
		(void)kb_encoding_parse(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		"application/x-www-form-urlencoded",
		"application/json; charset=utf-8",
	};
	size_t i;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		json_t *form = srv_form_parse(types[i], (const char *)data, size);
		values(form);
		json_decref(form);
	}
	return 0;
}
