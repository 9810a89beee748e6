/*
 * resource.h - files embedded into libkiban at build time (internal).
 *
 * cmake/embed.cmake turns each listed file into a byte array; the names are
 * the paths relative to the source tree ("data/plan2.csv",
 * "lib/store/schema/0001-plan-kpi.sql").  Each array is NUL-terminated
 * (len does not count the NUL), so text resources are C strings.
 */
#ifndef KB_RESOURCE_H
#define KB_RESOURCE_H

#include <stddef.h>

struct kb__resource {
	const char *name;
	const unsigned char *data;
	size_t len;
};

extern const struct kb__resource kb__resources[];
extern const size_t kb__nresources;

/* The resource with this name, or NULL. */
const struct kb__resource *kb__resource_find(const char *name);

#endif
