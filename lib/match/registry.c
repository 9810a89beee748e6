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
#include "kiban/match.h"
#include "store/sql.h"

enum ctype { TEXT, REQ, ID, ORG, ENUM, INT, BOOL, LIST };

struct mcol {
	const char *name, *name_ja;
	enum ctype type;
	const char *const *values; /* ENUM and LIST: "key|日本語" */
	int lo, hi;		   /* INT */
	const char *dflt;
};

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

static const struct mcol org_cols[] = {
	{ "id", "ID", ID, NULL, 0, 0, NULL },
	{ "name", "名称", REQ, NULL, 0, 0, NULL },
	{ "kind", "種別", ENUM, org_kinds, 0, 0, NULL },
	{ "licence", "製造販売業許可", BOOL, NULL, 0, 0, "0" },
	{ "support", "支援の種類", LIST, support_types, 0, 0, "" },
	{ "areas", "領域", TEXT, NULL, 0, 0, "" },
	{ "capability", "できること", TEXT, NULL, 0, 0, "" },
	{ "member", "会員", BOOL, NULL, 0, 0, "1" },
};
static const struct mcol need_cols[] = {
	{ "id", "ID", ID, NULL, 0, 0, NULL },
	{ "org", "組織", ORG, NULL, 0, 0, NULL },
	{ "problem", "課題", REQ, NULL, 0, 0, NULL },
	{ "population", "対象", REQ, NULL, 0, 0, NULL },
	{ "outcome", "目的", REQ, NULL, 0, 0, NULL },
	{ "area", "臨床領域", REQ, NULL, 0, 0, NULL },
	{ "setting", "場面", TEXT, NULL, 0, 0, "" },
	{ "device_class", "クラス", ENUM, classes, 0, 0, "" },
	{ "urgency", "緊急度", INT, NULL, 1, 3, "2" },
	{ "confidentiality", "公開範囲", ENUM, conf, 0, 0, "open" },
};
static const struct mcol seed_cols[] = {
	{ "id", "ID", ID, NULL, 0, 0, NULL },
	{ "org", "組織", ORG, NULL, 0, 0, NULL },
	{ "title", "題名", REQ, NULL, 0, 0, NULL },
	{ "description", "説明", REQ, NULL, 0, 0, NULL },
	{ "area", "臨床領域", TEXT, NULL, 0, 0, "" },
	{ "trl", "TRL", INT, NULL, 1, 9, "3" },
	{ "ip", "知財", ENUM, ips, 0, 0, "none" },
	{ "confidentiality", "公開範囲", ENUM, conf, 0, 0, "open" },
};
static const struct mcol nda_cols[] = {
	{ "kind", "種別", ENUM, nda_kinds, 0, 0, NULL },
	{ "item", "対象ID", REQ, NULL, 0, 0, NULL },
	{ "org", "組織", ORG, NULL, 0, 0, NULL },
};

struct reg {
	const char *table;
	const struct mcol *cols;
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

/* The key of value v in a "key|日本語" list (either spelling), or NULL. */
static const char *value_key(const char *const *values, const char *v,
			     char *key, size_t keylen)
{
	for (; *values; values++) {
		const char *bar = strchr(*values, '|');
		size_t k = (size_t)(bar - *values);
		if ((strlen(v) == k && !strncasecmp(v, *values, k)) ||
		    !strcmp(v, bar + 1)) {
			snprintf(key, keylen, "%.*s", (int)k, *values);
			return key;
		}
	}
	return NULL;
}

static void values_list(const char *const *values, struct kb_buf *out)
{
	for (; *values; values++) {
		const char *bar = strchr(*values, '|');
		if (bar == *values)
			continue;
		kb_buf_addf(out, "%s%.*s", out->len ? ", " : "",
			    (int)(bar - *values), *values);
	}
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

/* Checks field i of the row and puts its value, as stored, in *out. */
static int check_field(struct kb_store *s, struct kb_csv *c, int idx,
		       const struct mcol *m, struct kb__strmap *new_orgs,
		       char **out, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	char *v = NULL, key[32];
	double x;

	if (kb_csv_text(c, err, idx, m->name,
			m->type == REQ || m->type == ID || m->type == ORG ||
				(m->type == ENUM && !m->dflt),
			&v))
		return -1;
	if (!*v && m->dflt) {
		free(v);
		*out = kb_strdup(m->dflt);
		return 0;
	}
	*out = v;
	switch (m->type) {
	case TEXT:
	case REQ: return 0;
	case ID:
		if (kb__id_ok(v))
			return 0;
		return kb_csv_bad(
			c, err, idx, m->name,
			KB_TR(L, "invalid id '%s' (letters, digits, '_', '.', '-'; at most 40)",
			      "ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
			v);
	case ORG:
		if (kb__strmap_get(new_orgs, v) != KB_NONE ||
		    org_exists(s, v, err) == 1)
			return 0;
		return kb_csv_bad(
			c, err, idx, m->name,
			KB_TR(L, "unknown organisation '%s' (import the organisations first)",
			      "組織 '%s' は未登録です（先に組織を取り込んでください）"),
			v);
	case ENUM:
		if (value_key(m->values, v, key, sizeof(key))) {
			free(v);
			*out = kb_strdup(key);
			return 0;
		} else {
			struct kb_buf b = KB_BUF_INIT;
			values_list(m->values, &b);
			kb_csv_bad(c, err, idx, m->name,
				   KB_TR(L, "'%s' is not one of: %s",
					 "'%s' は次のいずれでもありません: %s"),
				   v, b.buf);
			kb_buf_release(&b);
			return -1;
		}
	case INT:
		if (!kb_parse_number(v, &x) && x == floor(x) && x >= m->lo &&
		    x <= m->hi) {
			struct kb_buf b = KB_BUF_INIT;
			kb_buf_addf(&b, "%d", (int)x);
			free(v);
			*out = kb_buf_detach(&b, NULL);
			return 0;
		}
		return kb_csv_bad(
			c, err, idx, m->name,
			KB_TR(L, "'%s' is not a whole number from %d to %d",
			      "'%s' は %d から %d の整数ではありません"),
			v, m->lo, m->hi);
	case BOOL:
		if (strchr("1yY", v[0]) || !strcmp(v, "true") ||
		    !strcmp(v, "はい")) {
			free(v);
			*out = kb_strdup("1");
			return 0;
		}
		if (strchr("0nN", v[0]) || !strcmp(v, "false") ||
		    !strcmp(v, "いいえ")) {
			free(v);
			*out = kb_strdup("0");
			return 0;
		}
		return kb_csv_bad(
			c, err, idx, m->name,
			KB_TR(L, "'%s' is not yes or no (1/0)",
			      "'%s' ははい・いいえ（1/0）ではありません"),
			v);
	case LIST: {
		struct kb_buf b = KB_BUF_INIT;
		char *dup = kb_strdup(v), *tok, *save = NULL;
		int bad = 0;
		for (tok = strtok_r(dup, ";、,", &save); tok;
		     tok = strtok_r(NULL, ";、,", &save)) {
			tok = kb__trim_in_place(tok);
			if (!value_key(m->values, tok, key, sizeof(key))) {
				struct kb_buf all = KB_BUF_INIT;
				values_list(m->values, &all);
				kb_csv_bad(
					c, err, idx, m->name,
					KB_TR(L, "'%s' is not one of: %s",
					      "'%s' は次のいずれでもありません: %s"),
					tok, all.buf);
				kb_buf_release(&all);
				bad = 1;
				break;
			}
			kb_buf_addf(&b, "%s%s", b.len ? ";" : "", key);
		}
		free(dup);
		free(v);
		*out = kb_buf_detach(&b, NULL);
		return bad ? -1 : 0;
	}
	}
	return 0;
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
		       enum kb_match_kind kind, const int *idx, char **row,
		       const char *as, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	const char *what = kind == KB_MATCH_NEED ? "need" : "seed";
	char *owner;
	int bad = 0;
	if (kind == KB_MATCH_NDA) {
		if (!row[0] || !row[1])
			return 0;
		what = row[0];
	} else if (row[1] && strcmp(row[1], as)) {
		kb_err_at(
			err, KB_EDENIED, c->name, c->rec_line,
			kb_csv_col(c, idx[1]), "org",
			KB_TR(L, "organisation '%s' may register only its own %ss (this one names '%s')",
			      "組織 '%s' が登録できるのは自らの%sだけです（この行は '%s' のもの）"),
			as,
			KB_TR(L, what,
			      !strcmp(what, "need") ? "ニーズ" : "シーズ"),
			row[1]);
		bad = 1;
	}
	if (!row[kind == KB_MATCH_NDA])
		return bad;
	owner = owner_of(s, what, row[kind == KB_MATCH_NDA]);
	if (owner && strcmp(owner, as)) {
		kb_err_at(
			err, KB_EDENIED, c->name, c->rec_line,
			kb_csv_col(c, idx[kind == KB_MATCH_NDA]),
			kind == KB_MATCH_NDA ? "item" : "id",
			KB_TR(L, "%s '%s' belongs to '%s': organisation '%s' may not change it",
			      "%s '%s' は '%s' のものです。組織 '%s' は変更できません"),
			KB_TR(L, what,
			      !strcmp(what, "need") ? "ニーズ" : "シーズ"),
			row[kind == KB_MATCH_NDA], owner, as);
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
		if (g->cols[i].type == ORG)
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

int kb_match_import(struct kb_store *s, enum kb_match_kind kind,
		    struct kb_csv *c, const struct kb_import_opts *o,
		    struct kb_import_stats *st, struct kb_err *err)
{
	const struct reg *g = &regs[kind];
	struct kb_csv_col *cc = kb_calloc(g->ncols, sizeof(*cc));
	int *idx = kb_calloc(g->ncols, sizeof(int)), r, bad = 0, denied = 0;
	char **cell = NULL;
	unsigned *line = NULL;
	size_t n = 0, alloc = 0, i, j;
	struct kb__strmap ids;
	struct kb_buf sql = KB_BUF_INIT;
	char when[32];
	sqlite3_stmt *ins = NULL, *exists = NULL;

	memset(st, 0, sizeof(*st));
	kb__strmap_init(&ids);
	if (o->only_org && kind != KB_MATCH_NEED && kind != KB_MATCH_SEED &&
	    kind != KB_MATCH_NDA) {
		free(cc);
		free(idx);
		return kb_err_set(
			err, KB_EDENIED, "%s",
			KB_TR(err->lang,
			      "only the registry's administrator registers organisations",
			      "組織を登録できるのは登録簿の管理者だけです"));
	}
	for (i = 0; i < g->ncols; i++)
		cc[i] = (struct kb_csv_col){ .name = g->cols[i].name,
					     .name_ja = g->cols[i].name_ja,
					     .required = !g->cols[i].dflt };
	/* an organisation's rows are checked against their owners and written
	 * under one lock: nobody takes an id between the check and the write */
	if (o->only_org && (r = kb_store_begin(s, err))) {
		free(cc);
		free(idx);
		return r;
	}
	if ((r = kb_csv_header(c, cc, g->ncols, idx, err)))
		goto out;
	while ((r = kb_csv_next(c, err)) == 1) {
		char **row;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			cell = kb_realloc(cell, alloc * g->ncols * sizeof(*cell));
			line = kb_realloc(line, alloc * sizeof(*line));
		}
		row = cell + n * g->ncols;
		line[n] = c->rec_line;
		for (i = 0; i < g->ncols; i++) {
			row[i] = NULL;
			if (check_field(s, c, idx[i], &g->cols[i], &ids,
					&row[i], err))
				bad = 1;
		}
		if (kind == KB_MATCH_NDA && row[0] && row[1] &&
		    nda_item(s, c, idx[1], row[0], row[1], err))
			bad = 1;
		if (o->only_org &&
		    check_owner(s, c, kind, idx, row, o->only_org, err))
			bad = denied = 1;
		if (g->cols[0].type == ID && row[0]) {
			size_t prev = kb__strmap_put(&ids, row[0], n);
			if (prev != n) {
				kb_csv_bad(c, err, idx[0], "id",
					   KB_TR(err->lang,
						 "id '%s' is already on line %u",
						 "ID '%s' は %u 行目にもあります"),
					   row[0], line[prev]);
				bad = 1;
			}
		}
		n++;
	}
	st->rows = n;
	if (r < 0 || bad) {
		r = r < 0 ? r : denied ? KB_EDENIED : KB_EINVALID;
		kb_err_sort(err);
		goto out;
	}
	if (g->cols[0].type == ID) {
		struct kb_buf q = KB_BUF_INIT;
		kb_buf_addf(&q, "SELECT 1 FROM %s WHERE id = ?", g->table);
		exists = kb__sql_prepare(s, q.buf, err);
		kb_buf_release(&q);
		for (i = 0; exists && i < n; i++) {
			kb__sql_bind_text(exists, 1, cell[i * g->ncols]);
			if (sqlite3_step(exists) == SQLITE_ROW)
				st->changed++;
			else
				st->added++;
			sqlite3_reset(exists);
		}
		sqlite3_finalize(exists);
	} else {
		st->added = n;
	}
	if (o->dry_run)
		goto out;
	if ((r = kb_store_begin(s, err)))
		goto out;
	insert_sql(g, &sql);
	ins = kb__sql_prepare(s, sql.buf, err);
	if (!ins)
		r = KB_EDB;
	kb__iso_time(o->now, when);
	for (i = 0; !r && i < n; i++) {
		for (j = 0; j < g->ncols; j++)
			kb__sql_bind_text(ins, (int)j + 1,
					  cell[i * g->ncols + j]);
		if (kind != KB_MATCH_NDA) {
			kb__sql_bind_text(ins, (int)g->ncols + 1, when);
			kb__sql_bind_text(ins, (int)g->ncols + 2,
					  o->actor ? o->actor : "");
		}
		r = kb__sql_done(s, ins, err);
	}
	sqlite3_finalize(ins);
	r = kb_store_end(s, r, err);
out:
	for (i = 0; i < n * g->ncols; i++)
		free(cell[i]);
	free(cell);
	free(line);
	free(cc);
	free(idx);
	kb_buf_release(&sql);
	kb__strmap_release(&ids);
	return o->only_org ? kb_store_end(s, r, err) : r;
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
