/*
 * number.c - numbers as people write them (kb_parse_number, see csv.h):
 * full-width digits folded, blanks trimmed, thousands separators accepted
 * only between groups of three digits; anything else, or a value out of
 * range, is not a number.  Shared by the CSV reader's fields and the
 * writer's formula guard.
 */
#include "core/compat.h"

#include "core/utf8.h"
#include "kiban/csv.h"

int kb_parse_number(const char *in, double *out)
{
	char *s = kb__fold_fullwidth(in), *p, *q, *end;
	const char *dot;
	size_t n;
	int ok = 1;

	p = kb__trim_in_place(s);
	n = strlen(p);
	/* thousands separators: only between groups of three digits */
	dot = strchr(p, '.');
	if (strchr(p, ',')) {
		const char *digits_start = p + (*p == '-' || *p == '+');
		const char *int_end = dot ? dot : p + n;
		const char *c;
		size_t run = 0;
		int groups = 0;
		for (c = digits_start; c < int_end; c++) {
			if (*c == ',') {
				if ((groups == 0 && (run == 0 || run > 3)) ||
				    (groups > 0 && run != 3))
					ok = 0;
				groups++;
				run = 0;
			} else {
				run++;
			}
		}
		if (run != 3 || (dot && strchr(dot, ',')))
			ok = 0;
		for (q = p, c = p; *c; c++)
			if (*c != ',')
				*q++ = *c;
		*q = '\0';
	}
	for (q = p; *q && ok; q++)
		if (!isdigit((unsigned char)*q) && !strchr(".-+eE", *q))
			ok = 0;
	if (ok && *p) {
		errno = 0;
		*out = strtod(p, &end);
		if (*end || errno == ERANGE || !isfinite(*out) || end == p)
			ok = 0;
	} else {
		ok = 0;
	}
	free(s);
	return ok ? 0 : -1;
}
