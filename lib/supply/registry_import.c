/*
 * registry_import.c - importing the registry of supply: essential devices,
 * organisations, sites and components, each a table of columns for the
 * one import loop (kiban/import.h) and the checks a column cannot make
 * alone.
 *
 * Each import checks every field and each reference (to the store, or to
 * rows earlier in the same file), and writes nothing unless the whole file
 * is correct.  A row identical to what the store holds is counted as
 * unchanged and not written again.  A device whose essential status
 * changes gets a designation record with who, when and why; a hospital
 * that moves to another prefecture has the weeks of its stock reports
 * summed again, in the same transaction (the aggregates are by
 * prefecture).  The checks are made in the order a row's fields are read,
 * which is the order of their messages for JSON records (whose fields all
 * share their object's position).
 */
#include "core/compat.h"

#include "core/ident.h"
#include "kiban/import.h"
#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

/* ---- shared by the four imports ---- */

/* The registry as it was, for the checks and the comparisons. */
static int load(struct kb_import *im)
{
	return kb_supply_load(im->s, im->ctx, im->err);
}

static int unload(struct kb_import *im, int r)
{
	kb_supply_release(im->ctx);
	return r;
}

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Reports an id seen on an earlier line of the same file. */
static int twice(struct kb_import *im, int col, const char *id)
{
	unsigned prev = id ? kb_import_once(im, id) : 0;
	if (!prev)
		return 0;
	return kb_csv_bad(im->c, im->err, im->idx[col], "id",
			  KB_TR(im->err->lang,
				"'%s' appears twice (also on line %u)",
				"'%s' が二度出てきます（%u 行目にも）"),
			  id, prev);
}

static int device_code_ok(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return i == 8;
}

#define COUNTRY_EN \
	"'%s' is not a country code (expected two capital letters, ISO 3166: JP, US, CN)"
#define COUNTRY_JA \
	"'%s' は国コードではありません（ISO 3166 の英大文字 2 字: JP, US, CN）"

static int country(struct kb_import *im, int col, const char *s)
{
	if (!*s || kb__country_ok(s))
		return 0;
	return kb_import_bad(im, col,
			     KB_TR(im->err->lang, COUNTRY_EN, COUNTRY_JA), s);
}

/* ---- devices ---- */

enum {
	D_CODE,
	D_NAME_JA,
	D_NAME_EN,
	D_CLASS,
	D_CATEGORY,
	D_USE,
	D_UNIT_JA,
	D_UNIT_EN,
	D_ESSENTIAL,
	D_CRITERIA,
	D_REASONS,
	D_WHY,
	D_UNDER, /* the six thresholds, in the order of struct kb_device */
	D_NCOLS = D_UNDER + 6
};

struct drow {
	size_t old; /* index in the registry, or KB_NONE */
	struct kb_device d;
	char *why;
};

static int class_parse(const char *s)
{
	static const char *const roman[] = { "I", "II", "III", "IV" };
	size_t i;
	for (i = 0; i < 4; i++)
		if (!strcasecmp(s, roman[i]) || (s[0] == '1' + (int)i && !s[1]))
			return (int)i + 1;
	if (!strncmp(s, "クラス", 9))
		return class_parse(s + 9);
	return 0;
}

static int device_class(struct kb_import *im, void *row, int col, const char *t,
			void *out)
{
	(void)row;
	if ((*(int *)out = class_parse(t)))
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "'%s' is not a device class (expected I, II, III or IV)",
		      "'%s' はクラスではありません（I, II, III, IV のいずれか）"),
		t);
}

static int device_use(struct kb_import *im, void *row, int col, const char *t,
		      void *out)
{
	int *v = out;
	(void)row;
	*v = -1;
	if (!strcasecmp(t, "reusable") || !strcmp(t, "再使用"))
		*v = 1;
	else if (!strcasecmp(t, "disposable") || !strcmp(t, "単回使用"))
		*v = 0;
	if (*v >= 0)
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "'%s' is not a use (expected reusable or disposable)",
		      "'%s' は使用区分ではありません（reusable（再使用）か disposable（単回使用））"),
		t);
}

static int yes_no(struct kb_import *im, void *row, int col, const char *t,
		  void *out)
{
	(void)row;
	if ((*(int *)out = kb__yes_no(t)) >= 0)
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang, "'%s' is not yes or no",
		      "'%s' は yes（はい）でも no（いいえ）でもありません"),
		t);
}

/* The criteria as keys, the score, and the criteria an essential device
 * needs (its essential column is read before). */
static int criteria(struct kb_import *im, void *row, int col, const char *t,
		    void *out)
{
	enum kb_lang L = im->err->lang;
	struct kb_device *d = &((struct drow *)row)->d;
	struct kb_buf keys = KB_BUF_INIT;
	char bad[96];
	int r = 0;

	if (kb__criteria_parse(t, &keys, &d->score, bad, sizeof(bad))) {
		struct kb_buf known = KB_BUF_INIT;
		size_t i;
		for (i = 0; i < kb_ncriteria; i++)
			kb_buf_addf(&known, "%s%s", i ? ", " : "",
				    kb_criteria[i].key);
		r = kb_import_bad(
			im, col,
			KB_TR(L, "unknown criterion '%s' (expected some of %s, separated by ';')",
			      "不明な基準 '%s'（%s を ';' 区切りで）"),
			bad, known.buf);
		kb_buf_release(&known);
	}
	free(*(char **)out);
	*(char **)out = kb_buf_detach(&keys, NULL);
	if (d->essential == 1 && !*d->criteria)
		r = kb_import_bad(
			im, col, "%s",
			KB_TR(L, "an essential device needs the criteria that make it essential",
			      "必要不可欠な機器には該当する基準が必要です"));
	return r;
}

/* An optional number of zero or more; empty: NAN, for the row to fill. */
static int opt_num(struct kb_import *im, void *row, int col, const char *t,
		   void *out)
{
	double v;
	(void)row;
	*(double *)out = NAN;
	if (!*t)
		return 0;
	if (!kb_parse_number(t, &v) && v >= 0) {
		*(double *)out = v;
		return 0;
	}
	return kb_import_bad(im, col,
			     KB_TR(im->err->lang,
				   "'%s' is not a number of zero or more",
				   "'%s' は 0 以上の数ではありません"),
			     t);
}

#define DEV(m) offsetof(struct drow, d.m)
#define THRESHOLD(col, name, ja, m) \
	[col] = { KB_COL(name, ja, 0, KB_IMPORT_RAW, DEV(m)), .parse = opt_num }

static const struct kb_import_col dcols[D_NCOLS] = {
	[D_CODE] = { KB_COL("code", "コード", 1, KB_IMPORT_TEXT, DEV(code)),
		     .check = device_code_ok,
		     .bad_en = "'%s' is not a device code (expected 8 digits, as in JMDN: 70592000)",
		     .bad_ja = "'%s' は機器コードではありません（JMDN のような 8 桁の数字が必要です: 70592000）" },
	[D_NAME_JA] = { KB_COL("name_ja", "名称", 1, KB_IMPORT_TEXT,
			       DEV(name_ja)) },
	[D_NAME_EN] = { KB_COL("name_en", "英語名", 1, KB_IMPORT_TEXT,
			       DEV(name_en)) },
	[D_CLASS] = { KB_COL("class", "クラス", 1, KB_IMPORT_RAW, DEV(klass)),
		      .parse = device_class },
	[D_CATEGORY] = { KB_COL("category", "分類", 1, KB_IMPORT_TEXT,
				DEV(category)) },
	[D_USE] = { KB_COL("use", "使用区分", 1, KB_IMPORT_RAW, DEV(reusable)),
		    .parse = device_use },
	[D_UNIT_JA] = { KB_COL("unit_ja", "単位", 1, KB_IMPORT_TEXT,
			       DEV(unit_ja)) },
	[D_UNIT_EN] = { KB_COL("unit_en", "英語単位", 0, KB_IMPORT_TEXT,
			       DEV(unit_en)),
			.fallback = "unit_ja" },
	[D_ESSENTIAL] = { KB_COL("essential", "必要不可欠", 1, KB_IMPORT_RAW,
				 DEV(essential)),
			  .parse = yes_no },
	[D_CRITERIA] = { KB_COL("criteria", "該当基準", 0, KB_IMPORT_TEXT,
				DEV(criteria)),
			 .parse = criteria },
	[D_REASONS] = { KB_COL("reasons", "理由", 0, KB_IMPORT_TEXT,
			       DEV(reasons)) },
	[D_WHY] = { KB_COL("designation_reason", "指定理由", 0, KB_IMPORT_TEXT,
			   offsetof(struct drow, why)) },
	THRESHOLD(D_UNDER, "under_days", "不足日数", under_days),
	THRESHOLD(D_UNDER + 1, "over_days", "過剰日数", over_days),
	THRESHOLD(D_UNDER + 2, "alert_days", "警報日数", alert_days),
	THRESHOLD(D_UNDER + 3, "critical_days", "重大日数", critical_days),
	THRESHOLD(D_UNDER + 4, "jump_ratio", "需要急増倍率", jump_ratio),
	THRESHOLD(D_UNDER + 5, "drop_ratio", "供給減少比", drop_ratio),
};

static int check_device(struct kb_import *im, void *row, int bad)
{
	static const double dflt[6] = { 10, 60, 10, 5, 1.5, 0.7 };
	const struct kb_supply *sup = im->ctx;
	enum kb_lang L = im->err->lang;
	struct drow *x = row;
	struct kb_device *d = &x->d;
	double *th = &d->under_days;
	const char *msg;
	int i, was;

	x->old = d->code ? kb_supply_device(sup, d->code) : KB_NONE;
	/* an empty threshold keeps the stored one, or the default */
	for (i = 0; i < 6; i++)
		if (isnan(th[i]))
			th[i] = x->old != KB_NONE
					? (&sup->devices[x->old].under_days)[i]
					: dflt[i];
	if (!bad && (msg = kb__thresholds_problem(d, L)))
		bad = kb_import_bad(im, D_UNDER + 1, "%s", msg);
	was = x->old != KB_NONE ? sup->devices[x->old].essential : 0;
	if (!bad && d->essential != was && !*x->why)
		bad = kb_import_bad(
			im, D_WHY, "%s",
			d->essential
				? KB_TR(L, "designating a device as essential needs a reason",
					"必要不可欠として指定するには理由が必要です")
				: KB_TR(L, "withdrawing a designation needs a reason",
					"指定を取り消すには理由が必要です"));
	return twice(im, D_CODE, d->code) | bad;
}

static int same_device(const struct kb_device *a, const struct kb_device *b)
{
	return same(a->name_ja, b->name_ja) && same(a->name_en, b->name_en) &&
	       a->klass == b->klass && same(a->category, b->category) &&
	       a->reusable == b->reusable && same(a->unit_ja, b->unit_ja) &&
	       same(a->unit_en, b->unit_en) && a->essential == b->essential &&
	       same(a->criteria, b->criteria) && same(a->reasons, b->reasons) &&
	       a->under_days == b->under_days && a->over_days == b->over_days &&
	       a->alert_days == b->alert_days &&
	       a->critical_days == b->critical_days &&
	       a->jump_ratio == b->jump_ratio && a->drop_ratio == b->drop_ratio;
}

static enum kb_import_state compare_device(struct kb_import *im, const void *row)
{
	const struct kb_supply *sup = im->ctx;
	const struct drow *x = row;
	if (x->old == KB_NONE)
		return KB_IMPORT_NEW;
	return same_device(&x->d, &sup->devices[x->old]) ? KB_IMPORT_SAME
							 : KB_IMPORT_CHANGED;
}

static int write_devices(struct kb_import *im)
{
	const struct kb_supply *sup = im->ctx;
	size_t i;
	int r = 0;
	for (i = 0; !r && i < im->n; i++) {
		const struct drow *x = kb_import_row(im, i);
		int was = x->old != KB_NONE ? sup->devices[x->old].essential : -1;
		if (compare_device(im, x) == KB_IMPORT_SAME)
			continue;
		r = kb__device_write(im->s, &x->d,
				     x->d.essential != was &&
					     (was >= 0 || x->d.essential),
				     x->why, im->o->actor, im->when, im->err);
	}
	return r;
}

/* ---- organisations ---- */

enum {
	O_ID,
	O_KIND,
	O_NAME_JA,
	O_NAME_EN,
	O_PREF,
	O_BEDS,
	O_ICU,
	O_COUNTRY,
	O_NCOLS
};

struct orow {
	size_t old;
	struct kb_org o;
};

static int org_kind(struct kb_import *im, void *row, int col, const char *t,
		    void *out)
{
	int k;
	(void)row;
	for (k = KB_ORG_SUPPLIER; k >= 0; k--)
		if (!strcasecmp(t, kb_org_kind_key((enum kb_org_kind)k)) ||
		    !strcmp(t, kb_org_kind_name((enum kb_org_kind)k, KB_LANG_JA)))
			break;
	*(enum kb_org_kind *)out = (enum kb_org_kind)(k < 0 ? 0 : k);
	if (k >= 0)
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "'%s' is not a kind of organisation (expected hospital, mah, manufacturer, distributor or supplier)",
		      "'%s' は組織の種別ではありません（hospital（病院）, mah（製造販売業者）, manufacturer（製造業者）, distributor（販売業者）, supplier（部材供給者））"),
		t);
}

static int prefecture(struct kb_import *im, void *row, int col, const char *t,
		      void *out)
{
	(void)row;
	if (!*t || (*(int *)out = kb_supply_pref(im->ctx, t)))
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "'%s' is not a prefecture (expected a code 01-47 or a name such as 東京都)",
		      "'%s' は都道府県ではありません（01〜47 のコードか 東京都 のような名前）"),
		t);
}

/* A whole number of zero or more; empty: -1. */
static int beds(struct kb_import *im, void *row, int col, const char *t, void *out)
{
	double v;
	(void)row;
	*(int *)out = -1;
	if (!*t)
		return 0;
	if (!kb_parse_number(t, &v) && v >= 0 && v == floor(v) && v <= 1e7) {
		*(int *)out = (int)v;
		return 0;
	}
	return kb_import_bad(im, col,
			     KB_TR(im->err->lang,
				   "'%s' is not a whole number of zero or more",
				   "'%s' は 0 以上の整数ではありません"),
			     t);
}

#define ORG(m) offsetof(struct orow, o.m)

static const struct kb_import_col ocols[O_NCOLS] = {
	[O_ID] = { KB_COL("id", "ID", 1, KB_IMPORT_ID, ORG(id)) },
	[O_KIND] = { KB_COL("kind", "種別", 1, KB_IMPORT_RAW, ORG(kind)),
		     .parse = org_kind },
	[O_NAME_JA] = { KB_COL("name_ja", "名称", 1, KB_IMPORT_TEXT,
			       ORG(name_ja)) },
	[O_NAME_EN] = { KB_COL("name_en", "英語名", 0, KB_IMPORT_TEXT,
			       ORG(name_en)),
			.fallback = "name_ja" },
	[O_PREF] = { KB_COL("prefecture", "都道府県", 0, KB_IMPORT_RAW, ORG(pref)),
		     .parse = prefecture },
	[O_BEDS] = { KB_COL("beds", "病床数", 0, KB_IMPORT_RAW, ORG(beds)),
		     .parse = beds },
	[O_ICU] = { KB_COL("icu_beds", "ICU病床数", 0, KB_IMPORT_RAW,
			   ORG(icu_beds)),
		    .parse = beds },
	[O_COUNTRY] = { KB_COL("country", "国", 0, KB_IMPORT_TEXT, ORG(country)),
			.dflt = "JP", .check = kb__country_ok,
			.bad_en = COUNTRY_EN, .bad_ja = COUNTRY_JA },
};

static int check_org(struct kb_import *im, void *row, int r)
{
	const struct kb_supply *sup = im->ctx;
	enum kb_lang L = im->err->lang;
	struct orow *x = row;
	struct kb_org *o = &x->o;

	x->old = o->id ? kb_supply_org(sup, o->id) : KB_NONE;
	if (!r && o->kind == KB_ORG_HOSPITAL) {
		if (!o->pref)
			r |= kb_import_bad(
				im, O_PREF, "%s",
				KB_TR(L, "a hospital needs its prefecture",
				      "病院には都道府県が必要です"));
		if (o->beds < 0)
			r |= kb_import_bad(
				im, O_BEDS, "%s",
				KB_TR(L, "a hospital needs its number of beds",
				      "病院には病床数が必要です"));
		if (o->icu_beds > o->beds)
			r |= kb_import_bad(
				im, O_ICU,
				KB_TR(L, "%d ICU beds is more than the %d beds",
				      "ICU 病床数 %d が病床数 %d を超えています"),
				o->icu_beds, o->beds);
	}
	if (o->beds < 0)
		o->beds = 0;
	if (o->icu_beds < 0)
		o->icu_beds = 0;
	if (!r && x->old != KB_NONE && sup->orgs[x->old].kind != o->kind)
		r |= kb_import_bad(
			im, O_KIND,
			KB_TR(L, "'%s' is registered as %s and cannot change its kind",
			      "'%s' は %s として登録済みで、種別は変えられません"),
			o->id, kb_org_kind_key(sup->orgs[x->old].kind));
	return twice(im, O_ID, o->id) | r;
}

static enum kb_import_state compare_org(struct kb_import *im, const void *row)
{
	const struct kb_supply *sup = im->ctx;
	const struct orow *x = row;
	const struct kb_org *a = &x->o, *b;
	if (x->old == KB_NONE)
		return KB_IMPORT_NEW;
	b = &sup->orgs[x->old];
	return same(a->name_ja, b->name_ja) && same(a->name_en, b->name_en) &&
			       a->kind == b->kind && a->pref == b->pref &&
			       a->beds == b->beds && a->icu_beds == b->icu_beds &&
			       same(a->country, b->country)
		       ? KB_IMPORT_SAME
		       : KB_IMPORT_CHANGED;
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* Adds the weeks a hospital reported stock for to weeks[0..*n): a
 * hospital that moves to another prefecture takes its lines out of the
 * sums of its old prefecture and into those of its new one, so those
 * weeks are summed again (the weekly aggregates are a function of the
 * lines and of where each hospital is). */
static int moved_weeks(struct kb_store *s, long org, int **weeks, size_t *n,
		       size_t *alloc, struct kb_err *err)
{
	sqlite3_stmt *q = kb__sql_cached(
		s,
		"SELECT DISTINCT week FROM report WHERE org = ?1 AND "
		"kind = 'stock'",
		err);
	size_t i;
	int rc;
	if (!q)
		return KB_EDB;
	sqlite3_bind_int64(q, 1, org);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int w = sqlite3_column_int(q, 0);
		for (i = 0; i < *n && (*weeks)[i] != w; i++)
			;
		if (i == *n) {
			KB_ALLOC_GROW(*weeks, *n + 1, *alloc);
			(*weeks)[(*n)++] = w;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : kb__sql_fail(err, kb_store_sqlite(s), "org");
	kb__sql_finish(s, q);
	return rc;
}

static int write_orgs(struct kb_import *im)
{
	const struct kb_supply *sup = im->ctx;
	size_t i, nweeks = 0, aweeks = 0;
	int r = 0, *weeks = NULL;
	sqlite3_stmt *ins = kb__sql_prepare(
		im->s,
		"INSERT INTO org (id, kind, name_ja, name_en, prefecture, beds, "
		"icu_beds, country) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
		"ON CONFLICT (id) DO UPDATE SET name_ja = ?3, name_en = ?4, "
		"prefecture = ?5, beds = ?6, icu_beds = ?7, country = ?8",
		im->err);

	if (!ins)
		r = KB_EDB;
	for (i = 0; !r && i < im->n; i++) {
		const struct orow *row = kb_import_row(im, i);
		const struct kb_org *x = &row->o;
		if (compare_org(im, row) == KB_IMPORT_SAME)
			continue;
		if (row->old != KB_NONE && x->pref != sup->orgs[row->old].pref)
			if ((r = moved_weeks(im->s, sup->orgs[row->old].n,
					     &weeks, &nweeks, &aweeks, im->err)))
				break;
		kb__sql_bind_text(ins, 1, x->id);
		kb__sql_bind_text(ins, 2, kb_org_kind_key(x->kind));
		kb__sql_bind_text(ins, 3, x->name_ja);
		kb__sql_bind_text(ins, 4, x->name_en);
		if (x->pref)
			sqlite3_bind_int(ins, 5, x->pref);
		else
			sqlite3_bind_null(ins, 5);
		sqlite3_bind_int(ins, 6, x->beds);
		sqlite3_bind_int(ins, 7, x->icu_beds);
		kb__sql_bind_text(ins, 8, x->country);
		r = kb__sql_done(im->s, ins, im->err);
	}
	sqlite3_finalize(ins);
	/* the sums of its old and its new prefecture, in this transaction */
	if (!r && nweeks) {
		qsort(weeks, nweeks, sizeof(*weeks), int_cmp);
		r = kb__supply_aggregate(im->s, weeks, nweeks, 0, NULL, im->err);
	}
	free(weeks);
	return r;
}

/* ---- sites and components: small tables of ids and names ---- */

enum { S_ID, S_ORG, S_NAME_JA, S_NAME_EN, S_COUNTRY, S_REGION, S_NCOLS };
enum { C_ID, C_KIND, C_NAME_JA, C_NAME_EN, C_NCOLS };

/* A row of either table: its fields in column order. */
struct trow {
	size_t old;
	char *f[S_NCOLS];
};

#define F(i) offsetof(struct trow, f[i])

static const struct kb_import_col scols[S_NCOLS] = {
	{ KB_COL("id", "ID", 1, KB_IMPORT_TEXT, F(S_ID)) },
	{ KB_COL("org", "組織", 1, KB_IMPORT_TEXT, F(S_ORG)) },
	{ KB_COL("name_ja", "名称", 1, KB_IMPORT_TEXT, F(S_NAME_JA)) },
	{ KB_COL("name_en", "英語名", 0, KB_IMPORT_TEXT, F(S_NAME_EN)),
	  .fallback = "name_ja" },
	{ KB_COL("country", "国", 1, KB_IMPORT_TEXT, F(S_COUNTRY)) },
	{ KB_COL("region", "地域", 1, KB_IMPORT_TEXT, F(S_REGION)) },
};

static const struct kb_import_col ccols[C_NCOLS] = {
	{ KB_COL("id", "ID", 1, KB_IMPORT_TEXT, F(C_ID)) },
	{ KB_COL("kind", "種別", 1, KB_IMPORT_TEXT, F(C_KIND)) },
	{ KB_COL("name_ja", "名称", 1, KB_IMPORT_TEXT, F(C_NAME_JA)) },
	{ KB_COL("name_en", "英語名", 0, KB_IMPORT_TEXT, F(C_NAME_EN)),
	  .fallback = "name_ja" },
};

/* The checks of a site's fields come after all of them are read. */
static int check_site(struct kb_import *im, void *row, int r)
{
	const struct kb_supply *sup = im->ctx;
	struct trow *x = row;

	if (x->f[S_ID])
		r |= kb_import_id(im, row, S_ID, x->f[S_ID], NULL);
	if (x->f[S_ORG] && kb_supply_org(sup, x->f[S_ORG]) == KB_NONE)
		r |= kb_import_bad(
			im, S_ORG,
			KB_TR(im->err->lang,
			      "unknown organisation '%s' (import the organisations first)",
			      "組織 '%s' は未登録です（先に組織を取り込んでください）"),
			x->f[S_ORG]);
	if (x->f[S_COUNTRY])
		r |= country(im, S_COUNTRY, x->f[S_COUNTRY]);
	x->old = x->f[S_ID] ? kb_supply_site(sup, x->f[S_ID]) : KB_NONE;
	return twice(im, S_ID, x->f[S_ID]) | r;
}

static int check_component(struct kb_import *im, void *row, int r)
{
	enum kb_lang L = im->err->lang;
	struct trow *x = row;
	const char *k = x->f[C_KIND];

	if (x->f[C_ID]) {
		r |= kb_import_id(im, row, C_ID, x->f[C_ID], NULL);
		if (device_code_ok(x->f[C_ID]))
			r |= kb_import_bad(
				im, C_ID,
				KB_TR(L, "'%s' looks like a device code; give components ids of their own",
				      "'%s' は機器コードと同じ形です。部品には別の ID を付けてください"),
				x->f[C_ID]);
	}
	if (k && !strcmp(k, "部品"))
		k = "component";
	else if (k && (!strcmp(k, "材料") || !strcmp(k, "原材料")))
		k = "material";
	if (k && strcmp(k, "component") && strcmp(k, "material"))
		r |= kb_import_bad(
			im, C_KIND,
			KB_TR(L, "'%s' is not a kind (expected component or material)",
			      "'%s' は種別ではありません（component（部品）か material（材料））"),
			k);
	else if (k != x->f[C_KIND]) {
		free(x->f[C_KIND]);
		x->f[C_KIND] = kb_strdup(k);
	}
	x->old = x->f[C_ID] ? kb_supply_component(im->ctx, x->f[C_ID]) : KB_NONE;
	return twice(im, C_ID, x->f[C_ID]) | r;
}

static enum kb_import_state compare_site(struct kb_import *im, const void *row)
{
	const struct kb_supply *sup = im->ctx;
	const struct trow *x = row;
	const struct kb_site *o;
	if (x->old == KB_NONE)
		return KB_IMPORT_NEW;
	o = &sup->sites[x->old];
	return !strcmp(sup->orgs[o->org].id, x->f[S_ORG]) &&
			       same(o->name_ja, x->f[S_NAME_JA]) &&
			       same(o->name_en, x->f[S_NAME_EN]) &&
			       same(o->country, x->f[S_COUNTRY]) &&
			       same(o->region, x->f[S_REGION])
		       ? KB_IMPORT_SAME
		       : KB_IMPORT_CHANGED;
}

static enum kb_import_state compare_component(struct kb_import *im,
					      const void *row)
{
	const struct kb_supply *sup = im->ctx;
	const struct trow *x = row;
	const struct kb_component *o;
	if (x->old == KB_NONE)
		return KB_IMPORT_NEW;
	o = &sup->components[x->old];
	return same(o->material ? "material" : "component", x->f[C_KIND]) &&
			       same(o->name_ja, x->f[C_NAME_JA]) &&
			       same(o->name_en, x->f[C_NAME_EN])
		       ? KB_IMPORT_SAME
		       : KB_IMPORT_CHANGED;
}

/* Every row that is not the same, its fields bound in column order. */
static int write_table(struct kb_import *im, const char *sql)
{
	sqlite3_stmt *ins = kb__sql_prepare(im->s, sql, im->err);
	size_t i, j;
	int r = ins ? 0 : KB_EDB;
	for (i = 0; !r && i < im->n; i++) {
		const struct trow *x = kb_import_row(im, i);
		if (im->spec->compare(im, x) == KB_IMPORT_SAME)
			continue;
		for (j = 0; j < im->spec->ncols; j++)
			kb__sql_bind_text(ins, (int)j + 1, x->f[j]);
		r = kb__sql_done(im->s, ins, im->err);
	}
	sqlite3_finalize(ins);
	return r;
}

static int write_sites(struct kb_import *im)
{
	return write_table(
		im, "INSERT INTO site (id, org, name_ja, name_en, country, "
		    "region) VALUES (?1, (SELECT n FROM org WHERE id = ?2), "
		    "?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET "
		    "org = excluded.org, name_ja = ?3, name_en = ?4, "
		    "country = ?5, region = ?6");
}

static int write_components(struct kb_import *im)
{
	return write_table(
		im, "INSERT INTO component (id, kind, name_ja, name_en) "
		    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
		    "kind = ?2, name_ja = ?3, name_en = ?4");
}

/* ---- the four imports: the registry loaded before, released after ---- */

#define SUPPLY_SPEC(c, row, check, cmp, wr)                                    \
	{                                                                      \
		.cols = c, .ncols = KB_ARRAY_SIZE(c), .row_size = sizeof(row), \
		.progress_every = 1, .prepare = load, .check_row = check,      \
		.compare = cmp, .write = wr, .finish = unload                  \
	}

enum { DEVICES, ORGS, SITES, COMPONENTS };

static const struct kb_import_spec specs[] = {
	[DEVICES] = SUPPLY_SPEC(dcols, struct drow, check_device,
				compare_device, write_devices),
	[ORGS] = SUPPLY_SPEC(ocols, struct orow, check_org, compare_org,
			     write_orgs),
	[SITES] = SUPPLY_SPEC(scols, struct trow, check_site, compare_site,
			      write_sites),
	[COMPONENTS] = SUPPLY_SPEC(ccols, struct trow, check_component,
				   compare_component, write_components),
};

static int run(int which, struct kb_store *s, struct kb_csv *c,
	       const struct kb_import_opts *o, struct kb_import_stats *st,
	       struct kb_err *err)
{
	struct kb_supply sup;
	return kb_import_run(&specs[which], &sup, s, c, o, st, err);
}

int kb_device_import(struct kb_store *s, struct kb_csv *c,
		     const struct kb_import_opts *o, struct kb_import_stats *st,
		     struct kb_err *err)
{
	return run(DEVICES, s, c, o, st, err);
}

int kb_org_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err)
{
	return run(ORGS, s, c, o, st, err);
}

int kb_site_import(struct kb_store *s, struct kb_csv *c,
		   const struct kb_import_opts *o, struct kb_import_stats *st,
		   struct kb_err *err)
{
	return run(SITES, s, c, o, st, err);
}

int kb_component_import(struct kb_store *s, struct kb_csv *c,
			const struct kb_import_opts *o,
			struct kb_import_stats *st, struct kb_err *err)
{
	return run(COMPONENTS, s, c, o, st, err);
}
