/*
 * ident.c - the id rule (see ident.h).
 */
#include "core/compat.h"

#include "core/ident.h"

int kb__id_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > KB_ID_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}
