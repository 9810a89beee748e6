/*
 * strmap.h - a string-to-index hash map (internal).
 *
 * Open addressing with linear probing, FNV-1a hashing, grown at 50% load.
 * Keys are borrowed: the caller keeps them alive and unchanged while they
 * are in the map.  Values are indices (size_t); KB_NONE means absent.
 */
#ifndef KB_STRMAP_H
#define KB_STRMAP_H

#include <stddef.h>

struct kb__strmap_slot {
	const char *key;
	size_t val;
};

struct kb__strmap {
	struct kb__strmap_slot *slots;
	size_t cap, n;
};

void kb__strmap_init(struct kb__strmap *m);
void kb__strmap_release(struct kb__strmap *m);

/* Adds key -> val unless key is present; returns the value now stored
 * (the old one if key was present, which the caller can compare). */
size_t kb__strmap_put(struct kb__strmap *m, const char *key, size_t val);

/* The value for key, or (size_t)-1. */
size_t kb__strmap_get(const struct kb__strmap *m, const char *key);

#endif
