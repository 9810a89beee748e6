/*
 * strmap.c - string-to-index hash map (see strmap.h).
 */
#include "core/compat.h"

#include "core/strmap.h"
#include "kiban/buf.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	/* FNV's low bits see only the low bits of each byte, and keys such
	 * as device codes differ in a digit or two: fold the high bits in */
	return h ^ (h >> 32) ^ (h >> 17);
}

void kb__strmap_init(struct kb__strmap *m)
{
	m->slots = NULL;
	m->cap = m->n = 0;
}

void kb__strmap_release(struct kb__strmap *m)
{
	free(m->slots);
	kb__strmap_init(m);
}

static struct kb__strmap_slot *find(const struct kb__strmap *m, const char *key)
{
	size_t i = (size_t)hash(key) & (m->cap - 1);
	while (m->slots[i].key && strcmp(m->slots[i].key, key))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

size_t kb__strmap_put(struct kb__strmap *m, const char *key, size_t val)
{
	struct kb__strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap) {
		struct kb__strmap old = *m;
		size_t i;
		m->cap = m->cap ? m->cap * 2 : 16;
		m->slots = kb_calloc(m->cap, sizeof(*m->slots));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				kb__strmap_put(m, old.slots[i].key,
					       old.slots[i].val);
		free(old.slots);
	}
	s = find(m, key);
	if (s->key)
		return s->val;
	s->key = key;
	s->val = val;
	m->n++;
	return val;
}

size_t kb__strmap_get(const struct kb__strmap *m, const char *key)
{
	const struct kb__strmap_slot *s;
	if (!m->cap)
		return (size_t)-1;
	s = find(m, key);
	return s->key ? s->val : (size_t)-1;
}
