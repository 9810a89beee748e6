/*
 * form.c - a request body's fields: an urlencoded form or a JSON object,
 * as one JSON object of strings.  Pure parsing, no connection, so that the
 * fuzz harness (tests/fuzz/fuzz_server_form.c) reaches it as it is.
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/http.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes application/x-www-form-urlencoded in place; 0 if malformed. */
static int url_decode(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '+') {
			*o++ = ' ';
		} else if (*s == '%') {
			int a = hexval((unsigned char)s[1]), b;
			if (a < 0 || (b = hexval((unsigned char)s[2])) < 0)
				return 0;
			*o++ = (char)(a * 16 + b);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return 1;
}

/* A field that is not valid UTF-8 makes json_string fail: it is then
 * missing. */
json_t *srv_form_parse(const char *type, const char *body, size_t len)
{
	json_t *form = json_object();
	if (!type || !len)
		return form;
	if (!strncasecmp(type, "application/json", 16)) {
		json_t *j = json_loadb(body, len, 0, NULL), *v;
		const char *k;
		if (json_is_object(j)) {
			json_decref(form);
			form = j;
		} else {
			json_decref(j);
		}
		/* numbers and booleans read as the text a form would send */
		json_object_foreach(form, k, v)
		{
			char num[40];
			if (json_is_integer(v))
				snprintf(num, sizeof(num),
					 "%" JSON_INTEGER_FORMAT,
					 json_integer_value(v));
			else if (json_is_real(v)) {
				double d = json_real_value(v);
				snprintf(num, sizeof(num), "%.15g", d);
				if (strtod(num, NULL) != d)
					snprintf(num, sizeof(num), "%.17g", d);
			} else if (json_is_boolean(v))
				snprintf(num, sizeof(num), "%s",
					 json_is_true(v) ? "true" : "false");
			else
				continue;
			json_object_set_new(form, k, json_string(num));
		}
	} else if (!strncasecmp(type, "application/x-www-form-urlencoded", 33)) {
		char *s = kb_malloc(len + 1), *p, *save = NULL;
		memcpy(s, body, len);
		s[len] = 0;
		for (p = strtok_r(s, "&", &save); p;
		     p = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(p, '=');
			if (!eq)
				continue;
			*eq = 0;
			if (url_decode(p) && url_decode(eq + 1))
				json_object_set_new(form, p, json_string(eq + 1));
		}
		free(s);
	}
	return form;
}
