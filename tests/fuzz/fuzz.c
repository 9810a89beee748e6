/*
 * fuzz.c - the harnesses' shared fixtures (see fuzz.h).
 */
#include "fuzz.h"

#include "core/resource.h"
#include "kiban/kpi.h"
#include "kiban/match.h"
#include "kiban/plan.h"

static char *dir;
static struct kb_store *demo;
static struct kb_supply demo_sup;

static void cleanup(void)
{
	struct kb_buf cmd = KB_BUF_INIT;
	if (demo) {
		kb_supply_release(&demo_sup);
		kb_store_close(demo);
		demo = NULL;
	}
	if (!dir)
		return;
	kb_buf_addf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.buf))
		fprintf(stderr, "fuzz: could not remove %s\n", dir);
	kb_buf_release(&cmd);
	free(dir);
	dir = NULL;
}

char *fz_path(const char *name)
{
	struct kb_buf p = KB_BUF_INIT;
	if (!dir) {
		const char *t = getenv("TMPDIR");
		kb_buf_addf(&p, "%s/kiban-fuzz-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(p.buf)) {
			perror(p.buf);
			abort();
		}
		dir = kb_buf_detach(&p, NULL);
		atexit(cleanup);
	}
	kb_buf_addf(&p, "%s/%s", dir, name);
	return kb_buf_detach(&p, NULL);
}

void fz_write(const char *path, const void *data, size_t size)
{
	struct kb_buf b = KB_BUF_INIT;
	kb_buf_add(&b, data, size);
	if (kb_buf_write_file(&b, path)) {
		perror(path);
		abort();
	}
	kb_buf_release(&b);
}

static void die(const char *what, const struct kb_err *err)
{
	fprintf(stderr, "fuzz: %s failed: %s\n", what,
		err->n ? err->v[0].msg : "?");
	abort();
}

/* The plan file as an import, for load(). */
static int plan_import(struct kb_store *s, struct kb_csv *c,
		       const struct kb_import_opts *o,
		       struct kb_import_stats *st, struct kb_err *err)
{
	struct kb_plan p;
	int r;
	(void)st;
	if ((r = kb_plan_read_csv(&p, c, err)))
		return r;
	r = kb_plan_import(s, &p, c->name, o->actor, o->now, err);
	kb_plan_release(&p);
	return r;
}

/* Imports bytes (embedded or generated) with fn; aborts on an error. */
static void load(kb_import_fn fn, const char *name, const void *data, size_t len)
{
	struct kb_import_opts o = { .actor = "fuzz", .now = FZ_NOW - 86400 };
	struct kb_import_stats st;
	struct kb_err err;
	struct kb_csv c;
	kb_err_init(&err, KB_LANG_EN);
	if (kb_csv_open_mem(&c, name, data, len, KB_ENC_UTF8, &err) ||
	    fn(demo, &c, &o, &st, &err))
		die(name, &err);
	kb_csv_release(&c);
	kb_err_release(&err);
}

static void load_res(kb_import_fn fn, const char *name)
{
	const struct kb__resource *r = kb__resource_find(name);
	load(fn, name, r->data, r->len);
}

static void load_buf(kb_import_fn fn, const char *name, const struct kb_buf *b)
{
	load(fn, name, b->buf, b->len);
}

/* The matching registry's imports as kb_import_fn (fuzz.h). */
#define MATCH_IMPORT(k, kind)                                            \
	int fz_match_##k(struct kb_store *s, struct kb_csv *c,           \
			 const struct kb_import_opts *o,                 \
			 struct kb_import_stats *st, struct kb_err *err) \
	{                                                                \
		return kb_match_import(s, kind, c, o, st, err);          \
	}
MATCH_IMPORT(orgs, KB_MATCH_ORG)
MATCH_IMPORT(needs, KB_MATCH_NEED)
MATCH_IMPORT(seeds, KB_MATCH_SEED)
MATCH_IMPORT(ndas, KB_MATCH_NDA)

/* The generator's registry before its first week, then each week's
 * reports. */
static int week(void *ctx, int w, const struct kb_buf *stock,
		const struct kb_buf *prod)
{
	struct kb_gen_out **out = ctx;
	(void)w;
	if (*out) {
		load_buf(kb_device_import, "devices.csv", &(*out)->devices);
		load_buf(kb_org_import, "orgs.csv", &(*out)->orgs);
		load_buf(kb_site_import, "sites.csv", &(*out)->sites);
		load_buf(kb_component_import, "components.csv",
			 &(*out)->components);
		load_buf(kb_chain_import, "chain.csv", &(*out)->chain);
		*out = NULL;
	}
	load_buf(kb_production_import, "production.csv", prod);
	load_buf(kb_stock_import, "stock.csv", stock);
	return 0;
}

/* The demo's plan, KPIs, figures and matching registry, and a generated
 * supply registry of 40 hospitals with four weeks of reports: the demo
 * in small (kb_demo_load takes most of a minute under the sanitizers). */
struct kb_store *fz_demo(void)
{
	struct kb_gen_opts go = { 2026, 40, 12, 30, 4, 0, 1 };
	struct kb_gen_out out, *first = &out;
	struct kb_err err;
	char *path;
	if (demo)
		return demo;
	path = fz_path("demo.db");
	kb_err_init(&err, KB_LANG_EN);
	if (kb_store_open(&demo, path, KB_STORE_CREATE, &err))
		die("opening the store", &err);
	load_res(plan_import, "data/plan2.csv");
	load_res(kb_kpi_import, "data/demo/kpis.csv");
	load_res(kb_obs_import, "data/demo/values.csv");
	load_res(fz_match_orgs, "data/demo/match-orgs.csv");
	load_res(fz_match_needs, "data/demo/match-needs.csv");
	load_res(fz_match_seeds, "data/demo/match-seeds.csv");
	kb_week_parse("2026-11-16", &go.last_week);
	if (kb_supply_generate(&go, &out, week, &first, &err))
		die("generating the registry", &err);
	kb_gen_out_release(&out);
	if (kb_supply_load(demo, &demo_sup, &err))
		die("loading the registry", &err);
	kb_err_release(&err);
	free(path);
	return demo;
}

const struct kb_supply *fz_demo_supply(void)
{
	fz_demo();
	return &demo_sup;
}

int fz_csv(struct kb_csv *c, const char *name, const uint8_t *data, size_t size,
	   enum kb_encoding enc, struct kb_err *err)
{
	kb_err_clear(err);
	return kb_csv_open_mem(c, name, data, size, enc, err);
}

void fz_diags(const struct kb_err *err)
{
	static int debug = -1;
	struct kb_buf b = KB_BUF_INIT;
	size_t i;
	if (debug < 0)
		debug = getenv("FUZZ_DEBUG") != NULL;
	for (i = 0; i < err->n; i++) {
		kb_diag_format(&err->v[i], KB_LANG_EN, &b);
		if (debug)
			fprintf(stderr, "%s\n", b.buf);
		kb_diag_format(&err->v[i], KB_LANG_JA, &b);
		kb_buf_release(&b);
	}
}

void fz_import(kb_import_fn fn, const char *name, const uint8_t *data,
	       size_t size, const struct kb_import_opts *o)
{
	struct kb_store *s = fz_demo();
	struct kb_import_opts def = { .actor = "fuzz", .now = FZ_NOW };
	struct kb_import_stats st;
	struct kb_err err;
	struct kb_csv c;

	kb_err_init(&err, KB_LANG_EN);
	if (fz_csv(&c, name, data, size, KB_ENC_AUTO, &err) == 0) {
		if (kb_store_begin(s, &err))
			die("begin", &err);
		fn(s, &c, o ? o : &def, &st, &err);
		kb_store_rollback(s);
		kb_csv_release(&c);
	}
	fz_diags(&err);
	kb_err_release(&err);
}
