/*
 * registry.c - the registry of needs-seeds matching: organisations, needs,
 * seeds and NDAs imported from CSV or JSON (all or nothing), exported as
 * the acting organisation may see them, ranked against each other, and the
 * matches the parties record.
 *
 * Each registry is a table described by its columns: the import checks
 * every field against its column's type (text, id, organisation, one of a
 * list, a whole number in a range, yes/no, a list), then writes every row
 * in one transaction, replacing the rows whose id it already holds.
 */
#include "core/compat.h"

#include "core/ident.h"
#include "core/strmap.h"
#include "core/utf8.h"
#include "kiban/import.h"
#include "kiban/match.h"
#include "store/sql.h"

/* A row of any registry: its fields in column order, text or (INT,
 * BOOL) a number. */
#define MAXCOLS 10
union mval {
	char *s;
	int i;
};
struct mrow {
	union mval v[MAXCOLS];
};
#define V(i) offsetof(struct mrow, v[i])

static int org_ref(struct kb_import *im, void *row, int col, const char *t,
		   void *out);

static const char *const org_kinds[] = {
	"clinical|医療機関",  "academia|大学・研究機関", "company|企業",
	"venture|ベンチャー", "support|支援機関",	 NULL
};
static const char *const support_types[] = { "regulatory|薬事",
					     "ip|知財",
					     "finance|資金",
					     "sales|販路",
					     "overseas|海外",
					     "insurance|保険",
					     NULL };
static const char *const classes[] = { "|",	  "I|I",   "II|II",
				       "III|III", "IV|IV", NULL };
static const char *const conf[] = { "open|公開", "members|会員限定", "nda|NDA",
				    NULL };
static const char *const ips[] = { "none|なし", "filed|出願中",
				   "granted|登録済み", "licensed|実施許諾済み",
				   NULL };
static const char *const nda_kinds[] = { "need|ニーズ", "seed|シーズ", NULL };

/* A column with a default is optional; one without is required. */
#define TEXT(i, name, ja)                                             \
	{                                                             \
		KB_COL(name, ja, 0, KB_IMPORT_TEXT, V(i)), .dflt = "" \
	}
#define REQ(i, name, ja)                                  \
	{                                                 \
		KB_COL(name, ja, 1, KB_IMPORT_TEXT, V(i)) \
	}
#define ORG(i, name, ja)                                                    \
	{                                                                   \
		KB_COL(name, ja, 1, KB_IMPORT_TEXT, V(i)), .parse = org_ref \
	}
#define ONE_OF(i, name, ja, vals, d)                                        \
	{                                                                   \
		KB_COL(name, ja, !(d), KB_IMPORT_KEY, V(i)), .dflt = (d),   \
							     .values = vals \
	}
#define INT(i, name, ja, l, h, d)                                             \
	{                                                                     \
		KB_COL(name, ja, 0, KB_IMPORT_INT, V(i)), .dflt = d, .lo = l, \
							  .hi = h             \
	}
#define BOOL(i, name, ja, d)                                         \
	{                                                            \
		KB_COL(name, ja, 0, KB_IMPORT_BOOL, V(i)), .dflt = d \
	}

static const struct kb_import_col org_cols[] = {
	{ KB_COL("id", "ID", 1, KB_IMPORT_ID, V(0)) },
	REQ(1, "name", "名称"),
	ONE_OF(2, "kind", "種別", org_kinds, NULL),
	BOOL(3, "licence", "製造販売業許可", "0"),
	{ KB_COL("support", "支援の種類", 0, KB_IMPORT_KEYS, V(4)), .dflt = "",
	  .values = support_types },
	TEXT(5, "areas", "領域"),
	TEXT(6, "capability", "できること"),
	BOOL(7, "member", "会員", "1"),
};
static const struct kb_import_col need_cols[] = {
	{ KB_COL("id", "ID", 1, KB_IMPORT_ID, V(0)) },
	ORG(1, "org", "組織"),
	REQ(2, "problem", "課題"),
	REQ(3, "population", "対象"),
	REQ(4, "outcome", "目的"),
	REQ(5, "area", "臨床領域"),
	TEXT(6, "setting", "場面"),
	ONE_OF(7, "device_class", "クラス", classes, ""),
	INT(8, "urgency", "緊急度", 1, 3, "2"),
	ONE_OF(9, "confidentiality", "公開範囲", conf, "open"),
};
static const struct kb_import_col seed_cols[] = {
	{ KB_COL("id", "ID", 1, KB_IMPORT_ID, V(0)) },
	ORG(1, "org", "組織"),
	REQ(2, "title", "題名"),
	REQ(3, "description", "説明"),
	TEXT(4, "area", "臨床領域"),
	INT(5, "trl", "TRL", 1, 9, "3"),
	ONE_OF(6, "ip", "知財", ips, "none"),
	ONE_OF(7, "confidentiality", "公開範囲", conf, "open"),
};
static const struct kb_import_col nda_cols[] = {
	ONE_OF(0, "kind", "種別", nda_kinds, NULL),
	REQ(1, "item", "対象ID"),
	ORG(2, "org", "組織"),
};

struct reg {
	const char *table;
	const struct kb_import_col *cols;
	size_t ncols;
};

static const struct reg regs[] = {
	[KB_MATCH_NEED] = { "need", need_cols, KB_ARRAY_SIZE(need_cols) },
	[KB_MATCH_SEED] = { "seed", seed_cols, KB_ARRAY_SIZE(seed_cols) },
	[KB_MATCH_COMPANY] = { "match_org", org_cols, KB_ARRAY_SIZE(org_cols) },
	[KB_MATCH_SUPPORT] = { "match_org", org_cols, KB_ARRAY_SIZE(org_cols) },
	[KB_MATCH_ORG] = { "match_org", org_cols, KB_ARRAY_SIZE(org_cols) },
	[KB_MATCH_NDA] = { "match_nda", nda_cols, KB_ARRAY_SIZE(nda_cols) },
};

int kb_match_kind_parse(const char *s)
{
	static const char *const names[][2] = {
		{ "need", "needs" },	    { "seed", "seeds" },
		{ "company", "companies" }, { "support", "supports" },
		{ "org", "orgs" },	    { "nda", "ndas" },
	};
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i][0]) || !strcmp(s, names[i][1]))
			return (int)i;
	return -1;
}

static int org_exists(struct kb_store *s, const char *id, struct kb_err *err)
{
	sqlite3_stmt *st =
		kb__sql_cached(s, "SELECT 1 FROM match_org WHERE id = ?", err);
	int found;
	if (!st)
		return -1;
	kb__sql_bind_text(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	kb__sql_finish(s, st);
	return found;
}

/* An organisation of the store, or an id given earlier in the file (which
 * is an id of the table imported: it has been so since the first version;
 * the write then refuses it). */
static int org_ref(struct kb_import *im, void *row, int col, const char *t,
		   void *out)
{
	(void)row;
	(void)out;
	if (kb_import_seen(im, t) || org_exists(im->s, t, im->err) == 1)
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "unknown organisation '%s' (import the organisations first)",
		      "組織 '%s' は未登録です（先に組織を取り込んでください）"),
		t);
}

/* The item of an NDA row must exist in its kind's table. */
static int nda_item(struct kb_store *s, struct kb_csv *c, int idx,
		    const char *kind, const char *item, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		!strcmp(kind, "need") ? "SELECT 1 FROM need WHERE id = ?"
				      : "SELECT 1 FROM seed WHERE id = ?",
		err);
	int found;
	if (!st)
		return -1;
	kb__sql_bind_text(st, 1, item);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (found)
		return 0;
	return kb_csv_bad(c, err, idx, "item",
			  KB_TR(err->lang, "there is no %s '%s'",
				"%s '%s' は登録されていません"),
			  kind, item);
}

/* The id of the organisation that owns need or seed id; NULL if none. */
static char *owner_of(struct kb_store *s, const char *kind, const char *id)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		!strcmp(kind, "need")
			? "SELECT o.id FROM need t JOIN match_org o ON o.n = t.org WHERE t.id = ?"
			: "SELECT o.id FROM seed t JOIN match_org o ON o.n = t.org WHERE t.id = ?",
		NULL);
	char *owner = NULL;
	if (!st)
		return NULL;
	kb__sql_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		owner = kb_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return owner;
}

/* An organisation importing (only_org) writes its own needs and seeds, and
 * says who may see them under NDA: a row for another's is refused. */
static int check_owner(struct kb_store *s, struct kb_csv *c,
		       enum kb_match_kind kind, const int *idx,
		       const union mval *row, const char *as, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	const char *what = kind == KB_MATCH_NEED ? "need" : "seed";
	const char *item = row[kind == KB_MATCH_NDA].s;
	char *owner;
	int bad = 0;
	if (kind == KB_MATCH_NDA) {
		if (!row[0].s || !row[1].s)
			return 0;
		what = row[0].s;
	} else if (row[1].s && strcmp(row[1].s, as)) {
		kb_err_at(
			err, KB_EDENIED, c->name, c->rec_line,
			kb_csv_col(c, idx[1]), "org",
			KB_TR(L, "organisation '%s' may register only its own %ss (this one names '%s')",
			      "組織 '%s' が登録できるのは自らの%sだけです（この行は '%s' のもの）"),
			as,
			KB_TR(L, what,
			      !strcmp(what, "need") ? "ニーズ" : "シーズ"),
			row[1].s);
		bad = 1;
	}
	if (!item)
		return bad;
	owner = owner_of(s, what, item);
	if (owner && strcmp(owner, as)) {
		kb_err_at(
			err, KB_EDENIED, c->name, c->rec_line,
			kb_csv_col(c, idx[kind == KB_MATCH_NDA]),
			kind == KB_MATCH_NDA ? "item" : "id",
			KB_TR(L, "%s '%s' belongs to '%s': organisation '%s' may not change it",
			      "%s '%s' は '%s' のものです。組織 '%s' は変更できません"),
			KB_TR(L, what,
			      !strcmp(what, "need") ? "ニーズ" : "シーズ"),
			item, owner, as);
		bad = 1;
	}
	free(owner);
	return bad;
}

/* INSERT ... ON CONFLICT for the table's columns. */
static void insert_sql(const struct reg *g, struct kb_buf *sql)
{
	size_t i;
	kb_buf_addf(sql, "INSERT INTO %s (", g->table);
	for (i = 0; i < g->ncols; i++)
		kb_buf_addf(sql, "%s%s", i ? ", " : "",
			    g == &regs[KB_MATCH_NDA] && i == 1 ? "item"
							       : g->cols[i].name);
	if (g != &regs[KB_MATCH_NDA])
		kb_buf_adds(sql, ", created_at, created_by");
	kb_buf_adds(sql, ") VALUES (");
	for (i = 0; i < g->ncols; i++) {
		const char *sep = i ? ", " : "";
		if (g->cols[i].parse == org_ref)
			kb_buf_addf(sql,
				    "%s(SELECT n FROM match_org WHERE id = ?%zu)",
				    sep, i + 1);
		else if (g == &regs[KB_MATCH_NDA] && i == 1)
			kb_buf_addf(sql,
				    "%sCASE ?1 WHEN 'need' THEN (SELECT n FROM need WHERE id = ?2) "
				    "ELSE (SELECT n FROM seed WHERE id = ?2) END",
				    sep);
		else
			kb_buf_addf(sql, "%s?%zu", sep, i + 1);
	}
	if (g == &regs[KB_MATCH_NDA]) {
		kb_buf_adds(sql, ") ON CONFLICT DO NOTHING");
		return;
	}
	kb_buf_addf(sql, ", ?%zu, ?%zu) ON CONFLICT (id) DO UPDATE SET ",
		    g->ncols + 1, g->ncols + 2);
	for (i = 1; i < g->ncols; i++)
		kb_buf_addf(sql, "%s%s = excluded.%s", i > 1 ? ", " : "",
			    g->cols[i].name, g->cols[i].name);
}

/* ---- importing: one table of columns per registry ---- */

struct mctx {
	enum kb_match_kind kind;
	const struct reg *g;
	int began; /* an organisation's import holds one transaction */
};

static int match_prepare(struct kb_import *im)
{
	struct mctx *x = im->ctx;
	int r;
	if (!im->o->only_org)
		return 0;
	if (x->kind != KB_MATCH_NEED && x->kind != KB_MATCH_SEED &&
	    x->kind != KB_MATCH_NDA)
		return kb_err_set(
			im->err, KB_EDENIED, "%s",
			KB_TR(im->err->lang,
			      "only the registry's administrator registers organisations",
			      "組織を登録できるのは登録簿の管理者だけです"));
	/* an organisation's rows are checked against their owners and written
	 * under one lock: nobody takes an id between the check and the write */
	if ((r = kb_store_begin(im->s, im->err)))
		return r;
	x->began = 1;
	return 0;
}

static int match_check(struct kb_import *im, void *row, int bad)
{
	const struct mctx *x = im->ctx;
	const union mval *v = ((struct mrow *)row)->v;
	unsigned prev;

	if (x->kind == KB_MATCH_NDA && v[0].s && v[1].s &&
	    nda_item(im->s, im->c, im->idx[1], v[0].s, v[1].s, im->err))
		bad = 1;
	if (im->o->only_org && check_owner(im->s, im->c, x->kind, im->idx, v,
					   im->o->only_org, im->err)) {
		bad = 1;
		im->code = KB_EDENIED;
	}
	if (x->g->cols[0].type == KB_IMPORT_ID && v[0].s &&
	    (prev = kb_import_once(im, v[0].s)))
		bad = kb_csv_bad(im->c, im->err, im->idx[0], "id",
				 KB_TR(im->err->lang,
				       "id '%s' is already on line %u",
				       "ID '%s' は %u 行目にもあります"),
				 v[0].s, prev);
	return bad;
}

/* A row of a table with ids replaces the one of its id; NDAs are added. */
static enum kb_import_state match_compare(struct kb_import *im, const void *row)
{
	const struct reg *g = ((const struct mctx *)im->ctx)->g;
	struct kb_buf q = KB_BUF_INIT;
	sqlite3_stmt *exists;
	int found = 0;
	if (g->cols[0].type != KB_IMPORT_ID)
		return KB_IMPORT_NEW;
	kb_buf_addf(&q, "SELECT 1 FROM %s WHERE id = ?", g->table);
	if ((exists = kb__sql_cached(im->s, q.buf, im->err))) {
		kb__sql_bind_text(exists, 1, ((const struct mrow *)row)->v[0].s);
		found = sqlite3_step(exists) == SQLITE_ROW;
		kb__sql_finish(im->s, exists);
	}
	kb_buf_release(&q);
	return found ? KB_IMPORT_CHANGED : KB_IMPORT_NEW;
}

static int match_write(struct kb_import *im)
{
	const struct mctx *x = im->ctx;
	const struct reg *g = x->g;
	struct kb_buf sql = KB_BUF_INIT;
	sqlite3_stmt *ins;
	size_t i, j;
	int r;

	insert_sql(g, &sql);
	ins = kb__sql_prepare(im->s, sql.buf, im->err);
	r = ins ? 0 : KB_EDB;
	for (i = 0; !r && i < im->n; i++) {
		const union mval *v = ((struct mrow *)kb_import_row(im, i))->v;
		for (j = 0; j < g->ncols; j++)
			if (g->cols[j].type == KB_IMPORT_INT ||
			    g->cols[j].type == KB_IMPORT_BOOL)
				sqlite3_bind_int(ins, (int)j + 1, v[j].i);
			else
				kb__sql_bind_text(ins, (int)j + 1, v[j].s);
		if (x->kind != KB_MATCH_NDA) {
			kb__sql_bind_text(ins, (int)g->ncols + 1, im->when);
			kb__sql_bind_text(ins, (int)g->ncols + 2,
					  im->o->actor ? im->o->actor : "");
		}
		r = kb__sql_done(im->s, ins, im->err);
	}
	sqlite3_finalize(ins);
	kb_buf_release(&sql);
	return r;
}

static int match_finish(struct kb_import *im, int r)
{
	const struct mctx *x = im->ctx;
	return x->began ? kb_store_end(im->s, r, im->err) : r;
}

int kb_match_import(struct kb_store *s, enum kb_match_kind kind,
		    struct kb_csv *c, const struct kb_import_opts *o,
		    struct kb_import_stats *st, struct kb_err *err)
{
	struct mctx x = { kind, &regs[kind], 0 };
	struct kb_import_spec spec = {
		.cols = x.g->cols,
		.ncols = x.g->ncols,
		.row_size = sizeof(struct mrow),
		.prepare = match_prepare,
		.check_row = match_check,
		.compare = match_compare,
		.write = match_write,
		.finish = match_finish,
	};
	return kb_import_run(&spec, &x, s, c, o, st, err);
}

/* ---- visibility ---- */

/* SQL true when the row T (need or seed, alias t) is visible to ?1. */
#define VISIBLE(kind)                                                     \
	"(?1 IS NULL OR t.confidentiality = 'open' "                      \
	"OR t.org = (SELECT n FROM match_org WHERE id = ?1) "             \
	"OR (t.confidentiality = 'members' AND "                          \
	"(SELECT member FROM match_org WHERE id = ?1) = 1) "              \
	"OR EXISTS (SELECT 1 FROM match_nda d WHERE d.kind = '" kind "' " \
	"AND d.item = t.n AND d.org = (SELECT n FROM match_org WHERE id = ?1)))"

static int check_as(struct kb_store *s, const char *as, struct kb_err *err)
{
	int e;
	if (!as)
		return 0;
	e = org_exists(s, as, err);
	if (e < 0)
		return KB_EDB;
	if (!e)
		return kb_err_set(err, KB_ENOTFOUND,
				  KB_TR(err->lang, "there is no organisation '%s'",
					"組織 '%s' は登録されていません"),
				  as);
	return 0;
}

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* A free id for a new need or seed: N0061, S0301... */
static int new_id(struct kb_store *s, enum kb_match_kind kind, char *id,
		  size_t idlen, struct kb_err *err)
{
	const char *table = kind == KB_MATCH_NEED ? "need" : "seed";
	char sql[64], *owner = NULL;
	sqlite3_stmt *st;
	long n = 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (!(st = kb__sql_prepare(s, sql, err)))
		return KB_EDB;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	do {
		free(owner);
		snprintf(id, idlen, "%c%04ld",
			 kind == KB_MATCH_NEED ? 'N' : 'S', ++n);
	} while ((owner = owner_of(s, table, id)));
	return 0;
}

/* Imports rows (a JSON array of objects, stolen) whose problems are of
 * fields a form or a command line gave, not of lines in a file. */
static int import_fields(struct kb_store *s, enum kb_match_kind kind,
			 json_t *rows, const struct kb_import_opts *o,
			 struct kb_err *err)
{
	struct kb_import_stats st;
	struct kb_csv c;
	char *text = json_dumps(rows, JSON_COMPACT);
	size_t i, first = err->n;
	int r;
	json_decref(rows);
	r = kb_csv_open_mem(&c, "-", text, strlen(text), KB_ENC_UTF8, err);
	free(text);
	if (!r) {
		r = kb_match_import(s, kind, &c, o, &st, err);
		kb_csv_release(&c);
	}
	for (i = first; i < err->n; i++) {
		free(err->v[i].file);
		err->v[i].file = NULL;
		err->v[i].line = err->v[i].col = 0;
	}
	return r;
}

int kb_match_add(struct kb_store *s, const char *as, enum kb_match_kind kind,
		 const json_t *fields, const char *actor, time_t now, char *id,
		 size_t idlen, struct kb_err *err)
{
	const struct reg *g = &regs[kind];
	struct kb_import_opts o = { .actor = actor, .now = now, .only_org = as };
	json_t *row;
	char *text;
	size_t i;
	int r;

	if (kind != KB_MATCH_NEED && kind != KB_MATCH_SEED)
		return kb_err_set(
			err, KB_EUSAGE, "%s",
			KB_TR(err->lang,
			      "one at a time, needs and seeds are added",
			      "一件ずつ登録できるのはニーズとシーズです"));
	if ((r = check_as(s, as, err)) || (r = kb_store_begin(s, err)))
		return r;    /* the id is chosen and taken under one lock */
	row = json_object(); /* every column, so that a missing one is empty */
	for (i = 0; i < g->ncols; i++) {
		json_t *v = json_object_get(fields, g->cols[i].name);
		if (v && !json_is_null(v))
			json_object_set(row, g->cols[i].name, v);
		else if (i != 1 || !as)
			json_object_set_new(row, g->cols[i].name,
					    json_string(""));
	}
	if (as && !json_object_get(row, "org"))
		json_object_set_new(row, "org", json_string(as));
	snprintf(id, idlen, "%s", str(row, "id"));
	if (!*id) {
		if (!(r = new_id(s, kind, id, idlen, err)))
			json_object_set_new(row, "id", json_string(id));
	} else if ((text = owner_of(s, g->table, id))) {
		free(text);
		r = kb_err_at(err, KB_EEXISTS, NULL, 0, 0, "id",
			      KB_TR(err->lang, "%s '%s' already exists",
				    "%s '%s' はすでにあります"),
			      KB_TR(err->lang, g->table,
				    kind == KB_MATCH_NEED ? "ニーズ" : "シーズ"),
			      id);
	}
	if (r) {
		json_decref(row);
		return kb_store_end(s, r, err);
	}
	r = import_fields(s, kind, json_pack("[o]", row), &o, err);
	return kb_store_end(s, r, err);
}

static json_t *query_rows(struct kb_store *s, const char *sql, const char *as,
			  const char *id, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(s, sql, err);
	json_t *rows;
	if (!st)
		return NULL;
	kb__sql_bind_text(st, 1, as);
	if (id)
		kb__sql_bind_text(st, 2, id);
	rows = kb__sql_rows_json(st);
	sqlite3_finalize(st);
	return rows;
}

static const char *const export_sql[] = {
	[KB_MATCH_NEED] =
		"SELECT t.id, o.id AS org, t.problem, t.population, t.outcome, "
		"t.area, t.setting, t.device_class, t.urgency, t.confidentiality, "
		"t.created_at FROM need t JOIN match_org o ON o.n = t.org "
		"WHERE " VISIBLE(
			"need") " AND (?2 IS NULL OR t.id = ?2) ORDER BY t.id",
	[KB_MATCH_SEED] =
		"SELECT t.id, o.id AS org, t.title, t.description, t.area, t.trl, "
		"t.ip, t.confidentiality, t.created_at FROM seed t "
		"JOIN match_org o ON o.n = t.org WHERE " VISIBLE(
			"seed") " "
				"AND (?2 IS NULL OR t.id = ?2) ORDER BY t.id",
	[KB_MATCH_COMPANY] =
		"SELECT id, name, kind, licence, support, areas, capability, "
		"member FROM match_org WHERE kind IN ('company', 'venture') "
		"AND ?1 IS ?1 AND (?2 IS NULL OR id = ?2) ORDER BY id",
	[KB_MATCH_SUPPORT] =
		"SELECT id, name, kind, licence, support, areas, capability, "
		"member FROM match_org WHERE kind = 'support' "
		"AND ?1 IS ?1 AND (?2 IS NULL OR id = ?2) ORDER BY id",
	[KB_MATCH_ORG] =
		"SELECT id, name, kind, licence, support, areas, capability, "
		"member FROM match_org WHERE ?1 IS ?1 AND (?2 IS NULL OR id = ?2) "
		"ORDER BY id",
	[KB_MATCH_NDA] =
		"SELECT d.kind, CASE d.kind WHEN 'need' THEN (SELECT id FROM need "
		"WHERE n = d.item) ELSE (SELECT id FROM seed WHERE n = d.item) END "
		"AS item, o.id AS org FROM match_nda d JOIN match_org o "
		"ON o.n = d.org WHERE ?1 IS NULL AND ?2 IS NULL ORDER BY 1, 2, 3",
};

int kb_match_export(struct kb_store *s, const char *as, enum kb_match_kind kind,
		    json_t **out, struct kb_err *err)
{
	int r = check_as(s, as, err);
	if (r)
		return r;
	*out = query_rows(s, export_sql[kind], as, NULL, err);
	return *out ? 0 : KB_EDB;
}

int kb_match_profile(struct kb_store *s, const char *as, const json_t *fields,
		     const char *actor, time_t now, struct kb_err *err)
{
	static const char *const own[] = { "capability", "areas", "support" };
	struct kb_import_opts o = { .actor = actor, .now = now };
	json_t *rows, *row;
	size_t i;
	int r;

	if (!as)
		return kb_err_set(
			err, KB_EUSAGE, "%s",
			KB_TR(err->lang,
			      "say whose profile it is: the registry's administrator acts for no organisation",
			      "どの組織のプロフィールか指定してください（登録簿の管理者はどの組織も代表しません）"));
	if ((r = check_as(s, as, err)) || (r = kb_store_begin(s, err)))
		return r;
	rows = query_rows(s, export_sql[KB_MATCH_ORG], NULL, as, err);
	if (!rows) {
		kb_store_rollback(s);
		return KB_EDB;
	}
	/* the row as held, with what the organisation says it can do */
	row = json_array_get(rows, 0);
	for (i = 0; i < KB_ARRAY_SIZE(own); i++) {
		json_t *v = json_object_get(fields, own[i]);
		if (json_is_string(v))
			json_object_set(row, own[i], v);
	}
	r = import_fields(s, KB_MATCH_ORG, rows, &o, err);
	return kb_store_end(s, r, err);
}

int kb_match_kind_of(struct kb_store *s, const char *id, struct kb_err *err)
{
	sqlite3_stmt *st =
		kb__sql_prepare(s,
				"SELECT 0 FROM need WHERE id = ?1 UNION ALL "
				"SELECT 1 FROM seed WHERE id = ?1 UNION ALL "
				"SELECT 2 FROM match_org WHERE id = ?1 "
				"AND kind IN ('company', 'venture')",
				err);
	int r;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, id);
	r = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (r >= 0)
		return r == 0	? KB_MATCH_NEED
		       : r == 1 ? KB_MATCH_SEED
				: KB_MATCH_COMPANY;
	return kb_err_set(
		err, KB_ENOTFOUND,
		KB_TR(err->lang, "there is no need, seed or company '%s'",
		      "ニーズ・シーズ・企業 '%s' は登録されていません"),
		id);
}

/* One need or seed by id, if as may see it; KB_ENOTFOUND or KB_EDENIED. */
static int fetch(struct kb_store *s, const char *as, enum kb_match_kind kind,
		 const char *id, json_t **row, struct kb_err *err)
{
	static const char *const names[][2] = {
		[KB_MATCH_NEED] = { "need", "ニーズ" },
		[KB_MATCH_SEED] = { "seed", "シーズ" },
		[KB_MATCH_COMPANY] = { "company", "企業" },
		[KB_MATCH_SUPPORT] = { "support body", "支援機関" },
		[KB_MATCH_ORG] = { "organisation", "組織" },
	};
	json_t *all = query_rows(s, export_sql[kind], NULL, id, err), *mine;
	int r = 0;
	if (!all)
		return KB_EDB;
	if (!json_array_size(all)) {
		json_decref(all);
		return kb_err_set(
			err, KB_ENOTFOUND,
			KB_TR(err->lang, "there is no %s '%s'",
			      "%s '%s' は登録されていません"),
			KB_TR(err->lang, names[kind][0], names[kind][1]), id);
	}
	mine = query_rows(s, export_sql[kind], as, id, err);
	if (!mine)
		r = KB_EDB;
	else if (!json_array_size(mine))
		r = kb_err_set(
			err, KB_EDENIED,
			KB_TR(err->lang,
			      "organisation '%s' may not see %s '%s' (its owner keeps it for members or under NDA)",
			      "組織 '%s' は %s '%s' を見られません（所有者が会員限定または NDA にしています）"),
			as, KB_TR(err->lang, names[kind][0], names[kind][1]), id);
	else
		*row = json_incref(json_array_get(mine, 0));
	json_decref(all);
	json_decref(mine);
	return r;
}

int kb_match_get(struct kb_store *s, const char *as, enum kb_match_kind kind,
		 const char *id, json_t **out, struct kb_err *err)
{
	int r = check_as(s, as, err);
	return r ? r : fetch(s, as, kind, id, out, err);
}

/* ---- ranking ---- */

/* A document's fields for the index, and the text that queries with it. */
static void doc_text(enum kb_match_kind kind, const json_t *o, const char **f,
		     struct kb_buf *query)
{
	switch (kind) {
	case KB_MATCH_NEED:
		f[0] = str(o, "problem");
		f[1] = str(o, "population");
		f[2] = str(o, "outcome");
		break;
	case KB_MATCH_SEED:
		f[0] = str(o, "title");
		f[1] = str(o, "description");
		f[2] = str(o, "area");
		break;
	default:
		f[0] = str(o, "name");
		f[1] = str(o, "capability");
		f[2] = str(o, "areas");
		break;
	}
	if (query)
		kb_buf_addf(query, "%s %s %s", f[0], f[1], f[2]);
}

static int has_item(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p = list;
	if (!*item)
		return 0;
	while ((p = strstr(p, item))) {
		if ((p == list || p[-1] == ';') && (p[n] == ';' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

/* Appends the words of each support type in list ("ip;finance"). */
static void support_words(const char *list, struct kb_buf *out)
{
	static const char *const words[][2] = {
		{ "regulatory", "薬事 承認申請 規制 regulatory" },
		{ "ip", "知財 特許 知的財産 ip" },
		{ "finance", "資金 資金調達 補助金 finance" },
		{ "sales", "販路 販売 sales" },
		{ "overseas", "海外 海外展開 overseas" },
		{ "insurance", "保険 保険適用 診療報酬 insurance" },
	};
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(words); i++)
		if (has_item(list, words[i][0]))
			kb_buf_addf(out, " %s", words[i][1]);
}

/* The bounded boosts of a target for the source, with their reasons. */
static double boosts(enum kb_match_kind from, const json_t *src,
		     enum kb_match_kind to, const json_t *t, json_t *why,
		     enum kb_lang L)
{
	double b = 1;
	const char *area = str(src, "area");
	const char *tarea = to == KB_MATCH_NEED || to == KB_MATCH_SEED
				    ? str(t, "area")
				    : str(t, "areas");
	if (*area && (!strcmp(area, tarea) || has_item(tarea, area))) {
		b *= 1.2;
		json_array_append_new(why,
				      json_string(KB_TR(L, "same clinical area",
							"同じ臨床領域")));
	}
	if (from == KB_MATCH_NEED && to == KB_MATCH_COMPANY &&
	    (!strcmp(str(src, "device_class"), "III") ||
	     !strcmp(str(src, "device_class"), "IV")) &&
	    json_integer_value(json_object_get(t, "licence"))) {
		b *= 1.1;
		json_array_append_new(
			why,
			json_string(KB_TR(
				L, "holds a marketing-authorisation licence (class III/IV)",
				"製造販売業許可あり（クラスIII・IV）")));
	}
	if (from == KB_MATCH_SEED && to == KB_MATCH_SUPPORT) {
		json_int_t trl = json_integer_value(json_object_get(src, "trl"));
		const char *sup = str(t, "support");
		const char *fit = trl <= 4   ? "ip"
				  : trl <= 7 ? "regulatory"
					     : "insurance";
		if (has_item(sup, fit) || (trl <= 4 && has_item(sup, "finance")) ||
		    (trl >= 8 &&
		     (has_item(sup, "sales") || has_item(sup, "overseas")))) {
			b *= 1.1;
			json_array_append_new(
				why,
				json_string(KB_TR(
					L, "support that fits the seed's readiness",
					"シーズの成熟度に合う支援")));
		}
	}
	return b;
}

int kb_match_rank(struct kb_store *s, const char *as, enum kb_match_kind from,
		  const char *id, enum kb_match_kind to, size_t limit,
		  int mecab, json_t **out, struct kb_err *err)
{
	static const struct kb_match_field fields[][2][3] = {
		[KB_MATCH_NEED] = { { { "problem", 1.5 },
				      { "population", 1 },
				      { "outcome", 1 } },
				    { { "課題", 1.5 },
				      { "対象", 1 },
				      { "目的", 1 } } },
		[KB_MATCH_SEED] = { { { "title", 2 },
				      { "description", 1 },
				      { "area", 0.5 } },
				    { { "題名", 2 },
				      { "説明", 1 },
				      { "領域", 0.5 } } },
		[KB_MATCH_COMPANY] = { { { "name", 0.5 },
					 { "capability", 1.5 },
					 { "areas", 0.5 } },
				       { { "名称", 0.5 },
					 { "できること", 1.5 },
					 { "領域", 0.5 } } },
		[KB_MATCH_SUPPORT] = { { { "name", 0.5 },
					 { "capability", 1.5 },
					 { "areas", 0.5 } },
				       { { "名称", 0.5 },
					 { "できること", 1.5 },
					 { "領域", 0.5 } } },
	};
	json_t *src = NULL, *cand = NULL, *t;
	struct kb_match_index *ix = NULL;
	struct kb_match_hit *hits = NULL;
	struct kb_buf query = KB_BUF_INIT;
	double *boost = NULL;
	json_t **why = NULL;
	const char *f[3];
	size_t i, n;
	int r;

	if (!((from == KB_MATCH_NEED &&
	       (to == KB_MATCH_SEED || to == KB_MATCH_COMPANY)) ||
	      (from == KB_MATCH_SEED &&
	       (to == KB_MATCH_SUPPORT || to == KB_MATCH_NEED)) ||
	      (from == KB_MATCH_COMPANY && to == KB_MATCH_NEED)))
		return kb_err_set(
			err, KB_EUSAGE, "%s",
			KB_TR(err->lang,
			      "matches are made need -> seed, need -> company, seed -> support, seed -> need and company -> need",
			      "照合できるのは ニーズ→シーズ、ニーズ→企業、シーズ→支援機関、シーズ→ニーズ、企業→ニーズ です"));
	if ((r = check_as(s, as, err)) || (r = fetch(s, as, from, id, &src, err)))
		return r;
	cand = query_rows(s, export_sql[to], as, NULL, err);
	if (!cand) {
		json_decref(src);
		return KB_EDB;
	}
	ix = kb_match_index_new(fields[to][err->lang != KB_LANG_EN], 3, mecab);
	boost = kb_calloc(json_array_size(cand) + 1, sizeof(*boost));
	why = kb_calloc(json_array_size(cand) + 1, sizeof(*why));
	json_array_foreach(cand, i, t)
	{
		struct kb_buf cap = KB_BUF_INIT;
		doc_text(to, t, f, NULL);
		if (to == KB_MATCH_SUPPORT) {
			/* the kinds of support, in words, with what it says */
			kb_buf_adds(&cap, f[1]);
			support_words(str(t, "support"), &cap);
			f[1] = cap.buf;
		}
		kb_match_index_add(ix, f);
		kb_buf_release(&cap);
		why[i] = json_array();
		boost[i] = boosts(from, src, to, t, why[i], err->lang);
	}
	doc_text(from, src, f, &query);
	if (from == KB_MATCH_SEED && to == KB_MATCH_SUPPORT) {
		/* what a seed at its readiness needs next */
		json_int_t trl = json_integer_value(json_object_get(src, "trl"));
		support_words(trl <= 4	 ? "ip;finance"
			      : trl <= 7 ? "regulatory"
					 : "insurance;sales;overseas",
			      &query);
	}
	hits = kb_calloc(limit ? limit : 1, sizeof(*hits));
	n = kb_match_search(ix, query.buf, NULL, boost, limit, hits);
	*out = json_array();
	for (i = 0; i < n; i++) {
		struct kb_buf w = KB_BUF_INIT;
		json_t *row = json_array_get(cand, hits[i].doc), *o;
		kb_match_explain(ix, query.buf, hits[i].doc, 8, &w);
		o = json_pack("{s:I,s:s,s:s,s:f,s:s,s:O}", "rank",
			      (json_int_t)i + 1, "id", str(row, "id"), "name",
			      to == KB_MATCH_SEED   ? str(row, "title")
			      : to == KB_MATCH_NEED ? str(row, "problem")
						    : str(row, "name"),
			      "score", round(hits[i].score * 1000) / 1000,
			      "why", w.buf, "boosts", why[hits[i].doc]);
		if (*str(row, "org"))
			json_object_set_new(o, "org",
					    json_string(str(row, "org")));
		json_array_append_new(*out, o);
		kb_buf_release(&w);
	}
	for (i = 0; i < json_array_size(cand); i++)
		json_decref(why[i]);
	free(why);
	free(hits);
	free(boost);
	kb_buf_release(&query);
	kb_match_index_free(ix);
	json_decref(cand);
	json_decref(src);
	return 0;
}

int kb_match_link(struct kb_store *s, const char *as, const char *need,
		  const char *seed, const char *actor, time_t now,
		  struct kb_err *err)
{
	json_t *nd = NULL, *sd = NULL;
	sqlite3_stmt *st;
	char when[32];
	int r;

	if ((r = check_as(s, as, err)) ||
	    (r = fetch(s, as, KB_MATCH_NEED, need, &nd, err)) ||
	    (r = fetch(s, as, KB_MATCH_SEED, seed, &sd, err)))
		goto out;
	if (as && strcmp(str(nd, "org"), as) && strcmp(str(sd, "org"), as)) {
		r = kb_err_set(
			err, KB_EDENIED,
			KB_TR(err->lang,
			      "only the owner of the need or of the seed records their match ('%s' owns neither)",
			      "マッチを記録できるのはニーズかシーズの所有者だけです（'%s' はどちらも所有していません）"),
			as);
		goto out;
	}
	kb__iso_time(now, when);
	if ((r = kb_store_begin(s, err)))
		goto out;
	st = kb__sql_prepare(
		s,
		"INSERT INTO match_link (need, seed, created_at, created_by) "
		"VALUES ((SELECT n FROM need WHERE id = ?1), "
		"(SELECT n FROM seed WHERE id = ?2), ?3, ?4) ON CONFLICT DO NOTHING",
		err);
	if (!st) {
		r = KB_EDB;
	} else {
		kb__sql_bind_text(st, 1, need);
		kb__sql_bind_text(st, 2, seed);
		kb__sql_bind_text(st, 3, when);
		kb__sql_bind_text(st, 4, actor ? actor : "");
		r = kb__sql_done(s, st, err);
		sqlite3_finalize(st);
	}
	r = kb_store_end(s, r, err);
out:
	json_decref(nd);
	json_decref(sd);
	return r;
}
