/*
 * app.c - the application's state for the server's life (struct shared):
 * the registry of devices, organisations, sites and prefectures, which
 * every request reads and none writes, kept loaded and reread now and
 * then; the dashboard's kept replies; the notifier's place.
 */
#include "core/compat.h"

#include <stdlib.h>

#include "server/app.h"

#define REGISTRY_MAX_AGE 30.0 /* seconds before the registry is reread */

static void registry_unref(struct registry *g)
{
	if (g && --g->refs == 0) {
		kb_supply_release(&g->sup);
		free(g);
	}
}

static struct registry *registry_load(struct kb_store *s, struct kb_err *err)
{
	struct registry *g = kb_calloc(1, sizeof(*g));
	if (kb_supply_load(s, &g->sup, err)) {
		free(g);
		return NULL;
	}
	g->refs = 1;
	g->loaded_at = srv_clock();
	return g;
}

/*
 * The registry for one request.  It is reread when older than
 * REGISTRY_MAX_AGE, so that devices and organisations registered with the
 * command while the server runs appear without a restart; a failed reread
 * keeps the old one.
 */
struct registry *srv_registry(struct srv *v)
{
	struct shared *a = shared_of(v);
	struct registry *g;
	pthread_mutex_lock(&v->mu);
	if (srv_clock() - a->reg->loaded_at > REGISTRY_MAX_AGE) {
		struct kb_err err;
		a->reg->loaded_at = srv_clock(); /* one reader rereads */
		pthread_mutex_unlock(&v->mu);
		kb_err_init(&err, KB_LANG_EN);
		{
			struct kb_store *s = srv_store_get(v);
			g = registry_load(s, &err);
			srv_store_put(v, s);
		}
		kb_err_release(&err);
		pthread_mutex_lock(&v->mu);
		if (g) {
			registry_unref(a->reg);
			a->reg = g;
		}
	}
	g = a->reg;
	g->refs++;
	pthread_mutex_unlock(&v->mu);
	return g;
}

void srv_registry_put(struct srv *v, struct registry *g)
{
	pthread_mutex_lock(&v->mu);
	registry_unref(g);
	pthread_mutex_unlock(&v->mu);
}

int shared_open(struct srv *v, struct kb_err *err)
{
	struct shared *a = kb_calloc(1, sizeof(*a));
	v->shared = a;
	if (!(a->reg = registry_load(v->pool[0], err)))
		return err->code ? err->code : KB_EDB;
	return 0;
}

void shared_close(struct srv *v)
{
	struct shared *a = shared_of(v);
	size_t i;
	if (!a)
		return;
	for (i = 0; i < KB_ARRAY_SIZE(a->dash); i++)
		memo_release(&a->dash[i]);
	registry_unref(a->reg);
	free(a);
	v->shared = NULL;
}
