/*
 * registry.c - the registry of supply: prefectures, essential devices with
 * their criteria and designation history, organisations, sites and
 * components; loading it whole, looking things up, importing it.
 *
 * Imports read every row, check each field and each reference (to the
 * store, or to rows earlier in the same file), and write nothing unless
 * the whole file is correct.  A row identical to what the store holds is
 * counted as unchanged and not written again.  A device whose essential
 * status changes gets a designation record with who, when and why.
 */
#include "core/compat.h"

#include "core/ident.h"
#include "core/strmap.h"
#include "core/utf8.h"
#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

const struct kb_criterion kb_criteria[] = {
	{ "life_sustaining", "生命維持に必要", "life-sustaining", 3 },
	{ "no_substitute", "代替品がない", "no substitute", 3 },
	{ "emergency", "救急・集中治療で使用",
	  "used in emergency and intensive care", 2 },
	{ "infection", "感染症の診療に必要", "needed to treat infections", 2 },
	{ "high_volume", "使用量が多い", "used in large numbers", 1 },
	{ "few_suppliers", "供給元が限られる", "few suppliers", 1 },
};
const size_t kb_ncriteria = KB_ARRAY_SIZE(kb_criteria);

static const char *const org_kinds[][3] = {
	{ "hospital", "病院", "hospital" },
	{ "mah", "製造販売業者", "marketing-authorisation holder" },
	{ "manufacturer", "製造業者", "manufacturer" },
	{ "distributor", "販売業者", "distributor" },
	{ "supplier", "部材供給者", "supplier" },
};

const char *kb_org_kind_key(enum kb_org_kind k)
{
	return org_kinds[k][0];
}

const char *kb_org_kind_name(enum kb_org_kind k, enum kb_lang lang)
{
	return org_kinds[k][lang == KB_LANG_JA ? 1 : 2];
}

static int org_kind_parse(const char *s)
{
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(org_kinds); i++)
		if (!strcasecmp(s, org_kinds[i][0]) ||
		    !strcmp(s, org_kinds[i][1]))
			return (int)i;
	return -1;
}

/* ---- weeks ---- */

static int days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's algorithm: days since 1970-01-01 */
	int era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int monday_of(int day)
{
	/* 1970-01-01 was a Thursday: day 0 has weekday 3 (Monday = 0) */
	int wd = ((day % 7) + 7 + 3) % 7;
	return day - wd;
}

/* n decimal digits at s, or -1 */
static int digits(const char *s, int n)
{
	int v = 0;
	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = 10 * v + (*s - '0');
	}
	return v;
}

int kb_week_parse(const char *s, int *week)
{
	size_t len = strlen(s);
	int y = digits(s, 4), m, d;

	if (y < 1990 || y > 2200 || s[4] != '-')
		return -1;
	if (s[5] == 'W' && (len == 7 || len == 8)) {
		/* ISO week: week 1 holds January 4th */
		int w = digits(s + 6, (int)len - 6);
		int w1 = monday_of(days_from_civil(y, 1, 4));
		int last = monday_of(days_from_civil(y, 12, 28));
		if (w < 1 || w1 + (w - 1) * 7 > last)
			return -1;
		*week = w1 + (w - 1) * 7;
		return 0;
	}
	if (len != 10 || s[7] != '-' || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0)
		return -1;
	if (m < 1 || m > 12 || d < 1)
		return -1;
	{
		static const int mdays[] = { 31, 28, 31, 30, 31, 30,
					     31, 31, 30, 31, 30, 31 };
		int leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
		if (d > mdays[m - 1] + (m == 2 && leap))
			return -1;
	}
	*week = monday_of(days_from_civil(y, m, d));
	return 0;
}

void kb_week_format(int week, char out[16])
{
	time_t t = (time_t)week * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 16, "%04u-%02u-%02u",
		 (unsigned)(tm.tm_year + 1900) % 10000u,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

int kb_week_of_time(time_t t)
{
	/* the week as people in Japan see it */
	return monday_of((int)((t + 9 * 3600) / 86400));
}

/* ---- loading ---- */

struct maps {
	struct kb__strmap device, org, site, component, pref;
	size_t *device_n, *org_n; /* store number -> index */
	long max_device_n, max_org_n;
};

static char *col_text(sqlite3_stmt *st, int i)
{
	char *t = kb__sql_text(st, i);
	return t ? t : kb_strdup("");
}

int kb_supply_load(struct kb_store *s, struct kb_supply *out, struct kb_err *err)
{
	struct maps *m;
	sqlite3_stmt *st;
	size_t alloc, i;
	int r = 0;

	memset(out, 0, sizeof(*out));
	out->maps = m = kb_calloc(1, sizeof(*m));
	kb__strmap_init(&m->device);
	kb__strmap_init(&m->org);
	kb__strmap_init(&m->site);
	kb__strmap_init(&m->component);
	kb__strmap_init(&m->pref);

	st = kb__sql_prepare(s,
			     "SELECT code, name_ja, name_en, population_2020 "
			     "FROM prefecture ORDER BY code",
			     err);
	if (!st)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int code = sqlite3_column_int(st, 0);
		struct kb_pref *p;
		if (code < 1 || code > KB_NPREF)
			continue;
		p = &out->prefs[code - 1];
		p->code = code;
		p->name_ja = col_text(st, 1);
		p->name_en = col_text(st, 2);
		p->population = (long)sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);

	st = kb__sql_prepare(
		s,
		"SELECT n, code, name_ja, name_en, class, category, reusable, "
		"unit_ja, unit_en, essential, criteria, score, reasons, "
		"under_days, over_days, alert_days, critical_days, jump_ratio, "
		"drop_ratio FROM device ORDER BY code",
		err);
	if (!st)
		goto fail;
	alloc = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct kb_device *d;
		KB_ALLOC_GROW(out->devices, out->ndevices + 1, alloc);
		d = &out->devices[out->ndevices++];
		d->n = (long)sqlite3_column_int64(st, 0);
		d->code = col_text(st, 1);
		d->name_ja = col_text(st, 2);
		d->name_en = col_text(st, 3);
		d->klass = sqlite3_column_int(st, 4);
		d->category = col_text(st, 5);
		d->reusable = sqlite3_column_int(st, 6);
		d->unit_ja = col_text(st, 7);
		d->unit_en = col_text(st, 8);
		d->essential = sqlite3_column_int(st, 9);
		d->criteria = col_text(st, 10);
		d->score = sqlite3_column_int(st, 11);
		d->reasons = col_text(st, 12);
		d->under_days = sqlite3_column_double(st, 13);
		d->over_days = sqlite3_column_double(st, 14);
		d->alert_days = sqlite3_column_double(st, 15);
		d->critical_days = sqlite3_column_double(st, 16);
		d->jump_ratio = sqlite3_column_double(st, 17);
		d->drop_ratio = sqlite3_column_double(st, 18);
	}
	sqlite3_finalize(st);

	st = kb__sql_prepare(s,
			     "SELECT n, id, kind, name_ja, name_en, prefecture, "
			     "beds, icu_beds, country FROM org ORDER BY n",
			     err);
	if (!st)
		goto fail;
	alloc = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct kb_org *o;
		KB_ALLOC_GROW(out->orgs, out->norgs + 1, alloc);
		o = &out->orgs[out->norgs++];
		o->n = (long)sqlite3_column_int64(st, 0);
		o->id = col_text(st, 1);
		o->kind = (enum kb_org_kind)org_kind_parse(
			(const char *)sqlite3_column_text(st, 2));
		o->name_ja = col_text(st, 3);
		o->name_en = col_text(st, 4);
		o->pref = sqlite3_column_int(st, 5);
		o->beds = sqlite3_column_int(st, 6);
		o->icu_beds = sqlite3_column_int(st, 7);
		o->country = col_text(st, 8);
	}
	sqlite3_finalize(st);

	for (i = 0; i < out->norgs; i++)
		kb__strmap_put(&m->org, out->orgs[i].id, i);

	st = kb__sql_prepare(s,
			     "SELECT s.n, s.id, o.id, s.name_ja, s.name_en, "
			     "s.country, s.region FROM site s "
			     "JOIN org o ON o.n = s.org ORDER BY s.n",
			     err);
	if (!st)
		goto fail;
	alloc = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct kb_site *x;
		KB_ALLOC_GROW(out->sites, out->nsites + 1, alloc);
		x = &out->sites[out->nsites++];
		x->n = (long)sqlite3_column_int64(st, 0);
		x->id = col_text(st, 1);
		x->org = kb__strmap_get(
			&m->org, (const char *)sqlite3_column_text(st, 2));
		x->name_ja = col_text(st, 3);
		x->name_en = col_text(st, 4);
		x->country = col_text(st, 5);
		x->region = col_text(st, 6);
	}
	sqlite3_finalize(st);

	st = kb__sql_prepare(s,
			     "SELECT id, kind, name_ja, name_en FROM component "
			     "ORDER BY n",
			     err);
	if (!st)
		goto fail;
	alloc = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct kb_component *x;
		KB_ALLOC_GROW(out->components, out->ncomponents + 1, alloc);
		x = &out->components[out->ncomponents++];
		x->id = col_text(st, 0);
		x->material = !strcmp((const char *)sqlite3_column_text(st, 1),
				      "material");
		x->name_ja = col_text(st, 2);
		x->name_en = col_text(st, 3);
	}
	sqlite3_finalize(st);

	kb__supply_index(out);
	return 0;
fail:
	r = KB_EDB;
	kb_supply_release(out);
	return r;
}

/* (Re)builds the lookups after the arrays changed. */
void kb__supply_index(struct kb_supply *sup)
{
	struct maps *m = sup->maps;
	size_t i;

	kb__strmap_release(&m->device);
	kb__strmap_release(&m->org);
	kb__strmap_release(&m->site);
	kb__strmap_release(&m->component);
	kb__strmap_release(&m->pref);
	free(m->device_n);
	free(m->org_n);
	kb__strmap_init(&m->device);
	kb__strmap_init(&m->org);
	kb__strmap_init(&m->site);
	kb__strmap_init(&m->component);
	kb__strmap_init(&m->pref);
	m->max_device_n = m->max_org_n = 0;
	for (i = 0; i < sup->ndevices; i++) {
		kb__strmap_put(&m->device, sup->devices[i].code, i);
		if (sup->devices[i].n > m->max_device_n)
			m->max_device_n = sup->devices[i].n;
	}
	for (i = 0; i < sup->norgs; i++) {
		kb__strmap_put(&m->org, sup->orgs[i].id, i);
		if (sup->orgs[i].n > m->max_org_n)
			m->max_org_n = sup->orgs[i].n;
	}
	m->device_n = kb_malloc(((size_t)m->max_device_n + 1) * sizeof(size_t));
	m->org_n = kb_malloc(((size_t)m->max_org_n + 1) * sizeof(size_t));
	memset(m->device_n, 0xff, ((size_t)m->max_device_n + 1) * sizeof(size_t));
	memset(m->org_n, 0xff, ((size_t)m->max_org_n + 1) * sizeof(size_t));
	for (i = 0; i < sup->ndevices; i++)
		if (sup->devices[i].n > 0)
			m->device_n[sup->devices[i].n] = i;
	for (i = 0; i < sup->norgs; i++)
		if (sup->orgs[i].n > 0)
			m->org_n[sup->orgs[i].n] = i;
	for (i = 0; i < sup->nsites; i++)
		kb__strmap_put(&m->site, sup->sites[i].id, i);
	for (i = 0; i < sup->ncomponents; i++)
		kb__strmap_put(&m->component, sup->components[i].id, i);
	for (i = 0; i < KB_NPREF; i++) {
		if (!sup->prefs[i].code)
			continue;
		kb__strmap_put(&m->pref, sup->prefs[i].name_ja, i);
		kb__strmap_put(&m->pref, sup->prefs[i].name_en, i);
	}
}

void kb_supply_release(struct kb_supply *sup)
{
	struct maps *m = sup->maps;
	size_t i;

	for (i = 0; i < KB_NPREF; i++) {
		free(sup->prefs[i].name_ja);
		free(sup->prefs[i].name_en);
	}
	for (i = 0; i < sup->ndevices; i++) {
		struct kb_device *d = &sup->devices[i];
		free(d->code);
		free(d->name_ja);
		free(d->name_en);
		free(d->category);
		free(d->unit_ja);
		free(d->unit_en);
		free(d->criteria);
		free(d->reasons);
	}
	for (i = 0; i < sup->norgs; i++) {
		free(sup->orgs[i].id);
		free(sup->orgs[i].name_ja);
		free(sup->orgs[i].name_en);
		free(sup->orgs[i].country);
	}
	for (i = 0; i < sup->nsites; i++) {
		free(sup->sites[i].id);
		free(sup->sites[i].name_ja);
		free(sup->sites[i].name_en);
		free(sup->sites[i].country);
		free(sup->sites[i].region);
	}
	for (i = 0; i < sup->ncomponents; i++) {
		free(sup->components[i].id);
		free(sup->components[i].name_ja);
		free(sup->components[i].name_en);
	}
	free(sup->devices);
	free(sup->orgs);
	free(sup->sites);
	free(sup->components);
	if (m) {
		kb__strmap_release(&m->device);
		kb__strmap_release(&m->org);
		kb__strmap_release(&m->site);
		kb__strmap_release(&m->component);
		kb__strmap_release(&m->pref);
		free(m->device_n);
		free(m->org_n);
		free(m);
	}
	memset(sup, 0, sizeof(*sup));
}

size_t kb_supply_device(const struct kb_supply *sup, const char *code)
{
	return kb__strmap_get(&((struct maps *)sup->maps)->device, code);
}

size_t kb_supply_org(const struct kb_supply *sup, const char *id)
{
	return kb__strmap_get(&((struct maps *)sup->maps)->org, id);
}

size_t kb_supply_site(const struct kb_supply *sup, const char *id)
{
	return kb__strmap_get(&((struct maps *)sup->maps)->site, id);
}

size_t kb_supply_component(const struct kb_supply *sup, const char *id)
{
	return kb__strmap_get(&((struct maps *)sup->maps)->component, id);
}

size_t kb_supply_device_n(const struct kb_supply *sup, long n)
{
	const struct maps *m = sup->maps;
	return n > 0 && n <= m->max_device_n ? m->device_n[n] : KB_NONE;
}

size_t kb_supply_org_n(const struct kb_supply *sup, long n)
{
	const struct maps *m = sup->maps;
	return n > 0 && n <= m->max_org_n ? m->org_n[n] : KB_NONE;
}

int kb_supply_pref(const struct kb_supply *sup, const char *s)
{
	const struct maps *m = sup->maps;
	char *end, buf[64];
	long code = strtol(s, &end, 10);
	size_t i, n = strlen(s);

	if (*s && !*end)
		return code >= 1 && code <= KB_NPREF ? (int)code : 0;
	if ((i = kb__strmap_get(&m->pref, s)) != KB_NONE)
		return (int)i + 1;
	/* "東京" for "東京都", "大阪" for "大阪府", "Tokyo-to" is not asked for */
	if (n + 4 < sizeof(buf)) {
		static const char *const suffix[] = { "都", "道", "府", "県" };
		for (i = 0; i < KB_ARRAY_SIZE(suffix); i++) {
			size_t k;
			snprintf(buf, sizeof(buf), "%s%s", s, suffix[i]);
			if ((k = kb__strmap_get(&m->pref, buf)) != KB_NONE)
				return (int)k + 1;
		}
	}
	for (i = 0; i < KB_NPREF; i++)
		if (sup->prefs[i].name_en && !strcasecmp(s, sup->prefs[i].name_en))
			return (int)i + 1;
	return 0;
}

/* ---- shared by the importers ---- */

int kb__yes_no(const char *s)
{
	static const char *const yes[] = { "yes",  "true", "1",	 "y",
					   "はい", "○",	   "〇", "必要不可欠" };
	static const char *const no[] = { "no",	    "false", "0", "n",
					  "いいえ", "",	     "×", "-" };
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(yes); i++)
		if (!strcasecmp(s, yes[i]))
			return 1;
	for (i = 0; i < KB_ARRAY_SIZE(no); i++)
		if (!strcasecmp(s, no[i]))
			return 0;
	return -1;
}

static int criterion_parse(const char *s)
{
	size_t i;
	for (i = 0; i < kb_ncriteria; i++)
		if (!strcasecmp(s, kb_criteria[i].key) ||
		    !strcmp(s, kb_criteria[i].name_ja))
			return (int)i;
	return -1;
}

/*
 * Normalises a criteria list ("life_sustaining; 代替品がない") to keys in
 * the table's order, and its score.  Returns 0, or -1 with the first
 * unknown criterion copied to bad.
 */
int kb__criteria_parse(const char *s, struct kb_buf *keys, int *score,
		       char *bad, size_t nbad)
{
	int have[16] = { 0 };
	const char *p = s;
	size_t i;

	*score = 0;
	while (*p) {
		size_t n = strcspn(p, ";；,、"), len;
		char item[96];
		const char *t;
		if ((len = kb__trim(p, n, &t))) {
			int k;
			snprintf(item, sizeof(item), "%.*s", (int)len, t);
			if ((k = criterion_parse(item)) < 0) {
				snprintf(bad, nbad, "%s", item);
				return -1;
			}
			have[k] = 1;
		}
		p += n;
		if (*p)
			p += (unsigned char)*p < 0x80 ? 1 : 3;
	}
	for (i = 0; i < kb_ncriteria; i++) {
		if (!have[i])
			continue;
		kb_buf_addf(keys, "%s%s", keys->len ? ";" : "",
			    kb_criteria[i].key);
		*score += kb_criteria[i].weight;
	}
	return 0;
}

int kb__country_ok(const char *s)
{
	return strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	       isupper((unsigned char)s[1]);
}

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Reads an optional non-negative number; keeps *out when empty. */
static int opt_num(const struct kb_csv *c, struct kb_err *err, int idx,
		   const char *field, double *out)
{
	const char *t = kb_csv_get(c, idx);
	double v;
	if (!*t)
		return 0;
	if (kb_parse_number(t, &v) || v < 0)
		return kb_csv_bad(c, err, idx, field,
				  KB_TR(err->lang,
					"'%s' is not a number of zero or more",
					"'%s' は 0 以上の数ではありません"),
				  t);
	*out = v;
	return 0;
}

static void progress(const struct kb_import_opts *o, const struct kb_csv *c)
{
	if (o->progress)
		o->progress(o->progress_ctx, c->pos, c->len);
}

/* Reports an id seen on an earlier line of the same file. */
static int dup_id(struct kb__strmap *seen, const char *id, const unsigned *lines,
		  size_t n, const struct kb_csv *c, struct kb_err *err, int idx)
{
	size_t prev = kb__strmap_put(seen, id, n);
	if (prev == n)
		return 0;
	return kb_csv_bad(c, err, idx, "id",
			  KB_TR(err->lang, "'%s' appears twice (also on line %u)",
				"'%s' が二度出てきます（%u 行目にも）"),
			  id, lines[prev]);
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
	D_UNDER,
	D_OVER,
	D_ALERT,
	D_CRITICAL,
	D_JUMP,
	D_DROP,
	D_NCOLS
};

static const struct kb_csv_col dcols[D_NCOLS] = {
	{ "code", "コード", 1 },
	{ "name_ja", "名称", 1 },
	{ "name_en", "英語名", 1 },
	{ "class", "クラス", 1 },
	{ "category", "分類", 1 },
	{ "use", "使用区分", 1 },
	{ "unit_ja", "単位", 1 },
	{ "unit_en", "英語単位", 0 },
	{ "essential", "必要不可欠", 1 },
	{ "criteria", "該当基準", 0 },
	{ "reasons", "理由", 0 },
	{ "designation_reason", "指定理由", 0 },
	{ "under_days", "不足日数", 0 },
	{ "over_days", "過剰日数", 0 },
	{ "alert_days", "警報日数", 0 },
	{ "critical_days", "重大日数", 0 },
	{ "jump_ratio", "需要急増倍率", 0 },
	{ "drop_ratio", "供給減少比", 0 },
};

struct drow {
	struct kb_device d;
	char *why;
	unsigned line;
	size_t old; /* index in the registry, or KB_NONE */
};

static int device_code_ok(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return i == 8;
}

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

static int use_parse(const char *s)
{
	if (!strcasecmp(s, "reusable") || !strcmp(s, "再使用"))
		return 1;
	if (!strcasecmp(s, "disposable") || !strcmp(s, "単回使用"))
		return 0;
	return -1;
}

static void device_free(struct kb_device *d)
{
	free(d->code);
	free(d->name_ja);
	free(d->name_en);
	free(d->category);
	free(d->unit_ja);
	free(d->unit_en);
	free(d->criteria);
	free(d->reasons);
}

static int read_device(struct kb_csv *c, const int *idx, struct kb_err *err,
		       const struct kb_supply *sup, struct drow *row)
{
	enum kb_lang L = err->lang;
	struct kb_device *d = &row->d;
	struct kb_buf keys = KB_BUF_INIT;
	const char *t;
	char bad[96];
	int r = 0, v;

	memset(row, 0, sizeof(*row));
	row->line = c->rec_line;
	r |= kb_csv_text(c, err, idx[D_CODE], "code", 1, &d->code);
	if (d->code && !device_code_ok(d->code))
		r |= kb_csv_bad(
			c, err, idx[D_CODE], "code",
			KB_TR(L, "'%s' is not a device code (expected 8 digits, as in JMDN: 70592000)",
			      "'%s' は機器コードではありません（JMDN のような 8 桁の数字が必要です: 70592000）"),
			d->code);
	row->old = d->code ? kb_supply_device(sup, d->code) : KB_NONE;
	if (row->old != KB_NONE) {
		const struct kb_device *o = &sup->devices[row->old];
		d->under_days = o->under_days;
		d->over_days = o->over_days;
		d->alert_days = o->alert_days;
		d->critical_days = o->critical_days;
		d->jump_ratio = o->jump_ratio;
		d->drop_ratio = o->drop_ratio;
	} else {
		d->under_days = 10;
		d->over_days = 60;
		d->alert_days = 10;
		d->critical_days = 5;
		d->jump_ratio = 1.5;
		d->drop_ratio = 0.7;
	}
	r |= kb_csv_text(c, err, idx[D_NAME_JA], "name_ja", 1, &d->name_ja);
	r |= kb_csv_text(c, err, idx[D_NAME_EN], "name_en", 1, &d->name_en);
	t = kb_csv_get(c, idx[D_CLASS]);
	if (!(d->klass = class_parse(t)))
		r |= kb_csv_bad(
			c, err, idx[D_CLASS], "class",
			KB_TR(L, "'%s' is not a device class (expected I, II, III or IV)",
			      "'%s' はクラスではありません（I, II, III, IV のいずれか）"),
			t);
	r |= kb_csv_text(c, err, idx[D_CATEGORY], "category", 1, &d->category);
	t = kb_csv_get(c, idx[D_USE]);
	if ((v = use_parse(t)) < 0)
		r |= kb_csv_bad(
			c, err, idx[D_USE], "use",
			KB_TR(L, "'%s' is not a use (expected reusable or disposable)",
			      "'%s' は使用区分ではありません（reusable（再使用）か disposable（単回使用））"),
			t);
	d->reusable = v;
	r |= kb_csv_text(c, err, idx[D_UNIT_JA], "unit_ja", 1, &d->unit_ja);
	kb_csv_text(c, err, idx[D_UNIT_EN], "unit_en", 0, &d->unit_en);
	if (!*d->unit_en && d->unit_ja) {
		free(d->unit_en);
		d->unit_en = kb_strdup(d->unit_ja);
	}
	t = kb_csv_get(c, idx[D_ESSENTIAL]);
	if ((d->essential = kb__yes_no(t)) < 0)
		r |= kb_csv_bad(
			c, err, idx[D_ESSENTIAL], "essential",
			KB_TR(L, "'%s' is not yes or no",
			      "'%s' は yes（はい）でも no（いいえ）でもありません"),
			t);
	if (kb__criteria_parse(kb_csv_get(c, idx[D_CRITERIA]), &keys, &d->score,
			       bad, sizeof(bad))) {
		struct kb_buf known = KB_BUF_INIT;
		size_t i;
		for (i = 0; i < kb_ncriteria; i++)
			kb_buf_addf(&known, "%s%s", i ? ", " : "",
				    kb_criteria[i].key);
		r |= kb_csv_bad(
			c, err, idx[D_CRITERIA], "criteria",
			KB_TR(L, "unknown criterion '%s' (expected some of %s, separated by ';')",
			      "不明な基準 '%s'（%s を ';' 区切りで）"),
			bad, known.buf);
		kb_buf_release(&known);
	}
	d->criteria = kb_buf_detach(&keys, NULL);
	if (d->essential == 1 && !*d->criteria)
		r |= kb_csv_bad(
			c, err, idx[D_CRITERIA], "criteria", "%s",
			KB_TR(L, "an essential device needs the criteria that make it essential",
			      "必要不可欠な機器には該当する基準が必要です"));
	kb_csv_text(c, err, idx[D_REASONS], "reasons", 0, &d->reasons);
	kb_csv_text(c, err, idx[D_WHY], "designation_reason", 0, &row->why);
	r |= opt_num(c, err, idx[D_UNDER], "under_days", &d->under_days);
	r |= opt_num(c, err, idx[D_OVER], "over_days", &d->over_days);
	r |= opt_num(c, err, idx[D_ALERT], "alert_days", &d->alert_days);
	r |= opt_num(c, err, idx[D_CRITICAL], "critical_days", &d->critical_days);
	r |= opt_num(c, err, idx[D_JUMP], "jump_ratio", &d->jump_ratio);
	r |= opt_num(c, err, idx[D_DROP], "drop_ratio", &d->drop_ratio);
	if (!r) {
		const char *msg = kb__thresholds_problem(d, L);
		if (msg)
			r |= kb_csv_bad(c, err, idx[D_OVER], "over_days", "%s",
					msg);
	}
	{
		int was = row->old != KB_NONE ? sup->devices[row->old].essential
					      : 0;
		if (!r && d->essential != was && !*row->why)
			r |= kb_csv_bad(
				c, err, idx[D_WHY], "designation_reason", "%s",
				d->essential
					? KB_TR(L, "designating a device as essential needs a reason",
						"必要不可欠として指定するには理由が必要です")
					: KB_TR(L, "withdrawing a designation needs a reason",
						"指定を取り消すには理由が必要です"));
	}
	return r ? -1 : 0;
}

const char *kb__thresholds_problem(const struct kb_device *d, enum kb_lang L)
{
	if (d->over_days <= d->under_days)
		return KB_TR(
			L, "over_days must be greater than under_days",
			"過剰日数（over_days）は不足日数（under_days）より大きくなければなりません");
	if (d->critical_days > d->alert_days)
		return KB_TR(
			L, "critical_days must not exceed alert_days",
			"重大日数（critical_days）は警報日数（alert_days）以下でなければなりません");
	if (d->jump_ratio <= 1)
		return KB_TR(
			L, "jump_ratio must be greater than 1",
			"需要急増倍率（jump_ratio）は 1 より大きくなければなりません");
	if (d->drop_ratio <= 0 || d->drop_ratio >= 1)
		return KB_TR(
			L, "drop_ratio must be between 0 and 1",
			"供給減少比（drop_ratio）は 0 と 1 の間でなければなりません");
	return NULL;
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

static const char sql_device[] =
	"INSERT INTO device (code, name_ja, name_en, class, category, "
	"reusable, unit_ja, unit_en, essential, criteria, score, reasons, "
	"under_days, over_days, alert_days, critical_days, jump_ratio, "
	"drop_ratio, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) "
	"ON CONFLICT (code) DO UPDATE SET name_ja = ?2, name_en = ?3, "
	"class = ?4, category = ?5, reusable = ?6, unit_ja = ?7, unit_en = ?8, "
	"essential = ?9, criteria = ?10, score = ?11, reasons = ?12, "
	"under_days = ?13, over_days = ?14, alert_days = ?15, "
	"critical_days = ?16, jump_ratio = ?17, drop_ratio = ?18, "
	"updated_at = ?19, updated_by = ?20";

static const char sql_designation[] =
	"INSERT INTO designation (device, seq, essential, at, by, reason) "
	"SELECT n, (SELECT count(*) FROM designation WHERE device = n), ?2, "
	"?3, ?4, ?5 FROM device WHERE code = ?1";

int kb__device_write(struct kb_store *s, const struct kb_device *d,
		     int designate, const char *why, const char *actor,
		     const char *when, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(s, sql_device, err);
	int r;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, d->code);
	kb__sql_bind_text(st, 2, d->name_ja);
	kb__sql_bind_text(st, 3, d->name_en);
	sqlite3_bind_int(st, 4, d->klass);
	kb__sql_bind_text(st, 5, d->category);
	sqlite3_bind_int(st, 6, d->reusable);
	kb__sql_bind_text(st, 7, d->unit_ja);
	kb__sql_bind_text(st, 8, d->unit_en);
	sqlite3_bind_int(st, 9, d->essential);
	kb__sql_bind_text(st, 10, d->criteria);
	sqlite3_bind_int(st, 11, d->score);
	kb__sql_bind_text(st, 12, d->reasons ? d->reasons : "");
	sqlite3_bind_double(st, 13, d->under_days);
	sqlite3_bind_double(st, 14, d->over_days);
	sqlite3_bind_double(st, 15, d->alert_days);
	sqlite3_bind_double(st, 16, d->critical_days);
	sqlite3_bind_double(st, 17, d->jump_ratio);
	sqlite3_bind_double(st, 18, d->drop_ratio);
	kb__sql_bind_text(st, 19, when);
	kb__sql_bind_text(st, 20, actor);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	if (r || !designate)
		return r;
	if (!(st = kb__sql_prepare(s, sql_designation, err)))
		return KB_EDB;
	kb__sql_bind_text(st, 1, d->code);
	sqlite3_bind_int(st, 2, d->essential);
	kb__sql_bind_text(st, 3, when);
	kb__sql_bind_text(st, 4, actor);
	kb__sql_bind_text(st, 5, why);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	return r;
}

int kb_device_import(struct kb_store *s, struct kb_csv *c,
		     const struct kb_import_opts *o, struct kb_import_stats *st,
		     struct kb_err *err)
{
	struct kb_supply sup;
	struct kb__strmap seen;
	struct drow *rows = NULL;
	unsigned *lines = NULL;
	size_t n = 0, alloc = 0, la = 0, i;
	int idx[D_NCOLS], r, bad = 0;
	char when[32];

	memset(st, 0, sizeof(*st));
	if ((r = kb_supply_load(s, &sup, err)))
		return r;
	kb__strmap_init(&seen);
	if ((r = kb_csv_header(c, dcols, D_NCOLS, idx, err)))
		goto out;
	while ((r = kb_csv_next(c, err)) == 1) {
		KB_ALLOC_GROW(rows, n + 1, alloc);
		KB_ALLOC_GROW(lines, n + 1, la);
		if (read_device(c, idx, err, &sup, &rows[n]))
			bad = 1;
		lines[n] = c->rec_line;
		if (rows[n].d.code &&
		    dup_id(&seen, rows[n].d.code, lines, n, c, err, idx[D_CODE]))
			bad = 1;
		n++;
		progress(o, c);
	}
	st->rows = n;
	if (r < 0 || bad) {
		r = r < 0 ? r : KB_EINVALID;
		kb_err_sort(err);
		goto out;
	}
	kb__iso_time(o->now, when);
	for (i = 0; i < n; i++) {
		if (rows[i].old == KB_NONE)
			st->added++;
		else if (same_device(&rows[i].d, &sup.devices[rows[i].old]))
			st->unchanged++;
		else
			st->changed++;
	}
	if (o->dry_run)
		goto out;
	if ((r = kb_store_begin(s, err)))
		goto out;
	for (i = 0; !r && i < n; i++) {
		const struct drow *x = &rows[i];
		int was = x->old != KB_NONE ? sup.devices[x->old].essential : -1;
		if (x->old != KB_NONE && same_device(&x->d, &sup.devices[x->old]))
			continue;
		r = kb__device_write(s, &x->d,
				     x->d.essential != was &&
					     (was >= 0 || x->d.essential),
				     x->why, o->actor, when, err);
	}
	r = kb_store_end(s, r, err);
out:
	for (i = 0; i < n; i++) {
		device_free(&rows[i].d);
		free(rows[i].why);
	}
	free(rows);
	free(lines);
	kb__strmap_release(&seen);
	kb_supply_release(&sup);
	return r;
}

int kb_device_designate(struct kb_store *s, const char *code, int essential,
			const char *criteria, const char *reason,
			const char *actor, time_t now, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	struct kb_supply sup;
	struct kb_device d;
	struct kb_buf keys = KB_BUF_INIT;
	char when[32], bad[96];
	size_t i;
	int r;

	if (!reason || !*reason)
		return kb_err_set(
			err, KB_EUSAGE, "%s",
			KB_TR(L, "a designation needs a reason (--reason)",
			      "指定には理由（--reason）が必要です"));
	if ((r = kb_supply_load(s, &sup, err)))
		return r;
	if ((i = kb_supply_device(&sup, code)) == KB_NONE) {
		kb_supply_release(&sup);
		return kb_err_set(err, KB_ENOTFOUND,
				  KB_TR(L, "no device with code '%s'",
					"コード '%s' の機器はありません"),
				  code);
	}
	d = sup.devices[i];
	if (criteria) {
		if (kb__criteria_parse(criteria, &keys, &d.score, bad,
				       sizeof(bad))) {
			kb_supply_release(&sup);
			kb_buf_release(&keys);
			return kb_err_set(err, KB_EINVALID,
					  KB_TR(L, "unknown criterion '%s'",
						"不明な基準 '%s'"),
					  bad);
		}
		d.criteria = keys.buf ? keys.buf : (char *)"";
	}
	if (essential && !*d.criteria)
		r = kb_err_set(
			err, KB_EINVALID, "%s",
			KB_TR(L, "an essential device needs the criteria that make it essential (--criteria)",
			      "必要不可欠な機器には該当する基準（--criteria）が必要です"));
	else if (d.essential == essential && !criteria)
		r = kb_err_set(
			err, KB_ESTATE,
			essential
				? KB_TR(L, "device '%s' is already designated as essential",
					"機器 '%s' はすでに必要不可欠として指定されています")
				: KB_TR(L, "device '%s' is not designated as essential",
					"機器 '%s' は必要不可欠として指定されていません"),
			code);
	if (!r) {
		int change = d.essential != essential;
		d.essential = essential;
		kb__iso_time(now, when);
		if (!(r = kb_store_begin(s, err)))
			r = kb_store_end(s,
					 kb__device_write(s, &d, change, reason,
							  actor, when, err),
					 err);
	}
	kb_buf_release(&keys);
	kb_supply_release(&sup);
	return r;
}

int kb_device_thresholds(struct kb_store *s, const char *code, const double th[6],
			 const char *actor, time_t now, struct kb_err *err)
{
	struct kb_supply sup;
	struct kb_device d;
	const char *msg;
	char when[32];
	size_t i;
	int r;

	if ((r = kb_supply_load(s, &sup, err)))
		return r;
	if ((i = kb_supply_device(&sup, code)) == KB_NONE) {
		kb_supply_release(&sup);
		return kb_err_set(err, KB_ENOTFOUND,
				  KB_TR(err->lang, "no device with code '%s'",
					"コード '%s' の機器はありません"),
				  code);
	}
	d = sup.devices[i];
	if (th[0] >= 0)
		d.under_days = th[0];
	if (th[1] >= 0)
		d.over_days = th[1];
	if (th[2] >= 0)
		d.alert_days = th[2];
	if (th[3] >= 0)
		d.critical_days = th[3];
	if (th[4] >= 0)
		d.jump_ratio = th[4];
	if (th[5] >= 0)
		d.drop_ratio = th[5];
	if ((msg = kb__thresholds_problem(&d, err->lang))) {
		r = kb_err_set(err, KB_EINVALID, "%s", msg);
	} else {
		kb__iso_time(now, when);
		if (!(r = kb_store_begin(s, err)))
			r = kb_store_end(s,
					 kb__device_write(s, &d, 0, NULL, actor,
							  when, err),
					 err);
	}
	kb_supply_release(&sup);
	return r;
}

int kb_device_history(struct kb_store *s, const char *code,
		      struct kb_designation **out, size_t *n, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT g.essential, g.at, g.by, g.reason FROM designation g "
		"JOIN device d ON d.n = g.device WHERE d.code = ?1 "
		"ORDER BY g.seq",
		err);
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, code);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct kb_designation *g;
		KB_ALLOC_GROW(*out, *n + 1, alloc);
		g = &(*out)[(*n)++];
		g->essential = sqlite3_column_int(st, 0);
		g->at = col_text(st, 1);
		g->by = col_text(st, 2);
		g->reason = col_text(st, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

void kb_designations_free(struct kb_designation *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].at);
		free(v[i].by);
		free(v[i].reason);
	}
	free(v);
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

static const struct kb_csv_col ocols[O_NCOLS] = {
	{ "id", "ID", 1 },
	{ "kind", "種別", 1 },
	{ "name_ja", "名称", 1 },
	{ "name_en", "英語名", 0 },
	{ "prefecture", "都道府県", 0 },
	{ "beds", "病床数", 0 },
	{ "icu_beds", "ICU病床数", 0 },
	{ "country", "国", 0 },
};

struct orow {
	struct kb_org o;
	size_t old;
};

static int int_field(const struct kb_csv *c, struct kb_err *err, int idx,
		     const char *field, int *out)
{
	const char *t = kb_csv_get(c, idx);
	double v;
	if (!*t) {
		*out = -1;
		return 0;
	}
	if (kb_parse_number(t, &v) || v < 0 || v != floor(v) || v > 1e7)
		return kb_csv_bad(
			c, err, idx, field,
			KB_TR(err->lang,
			      "'%s' is not a whole number of zero or more",
			      "'%s' は 0 以上の整数ではありません"),
			t);
	*out = (int)v;
	return 0;
}

static int read_org(struct kb_csv *c, const int *idx, struct kb_err *err,
		    const struct kb_supply *sup, struct orow *row)
{
	enum kb_lang L = err->lang;
	struct kb_org *o = &row->o;
	const char *t;
	int r = 0, k;

	memset(row, 0, sizeof(*row));
	r |= kb_csv_text(c, err, idx[O_ID], "id", 1, &o->id);
	if (o->id && !kb__id_ok(o->id))
		r |= kb_csv_bad(
			c, err, idx[O_ID], "id",
			KB_TR(L, "invalid id '%s' (letters, digits, '_', '.', '-'; at most 40)",
			      "ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
			o->id);
	row->old = o->id ? kb_supply_org(sup, o->id) : KB_NONE;
	t = kb_csv_get(c, idx[O_KIND]);
	if ((k = org_kind_parse(t)) < 0)
		r |= kb_csv_bad(
			c, err, idx[O_KIND], "kind",
			KB_TR(L, "'%s' is not a kind of organisation (expected hospital, mah, manufacturer, distributor or supplier)",
			      "'%s' は組織の種別ではありません（hospital（病院）, mah（製造販売業者）, manufacturer（製造業者）, distributor（販売業者）, supplier（部材供給者））"),
			t);
	o->kind = (enum kb_org_kind)(k < 0 ? 0 : k);
	r |= kb_csv_text(c, err, idx[O_NAME_JA], "name_ja", 1, &o->name_ja);
	kb_csv_text(c, err, idx[O_NAME_EN], "name_en", 0, &o->name_en);
	if (!*o->name_en && o->name_ja) {
		free(o->name_en);
		o->name_en = kb_strdup(o->name_ja);
	}
	t = kb_csv_get(c, idx[O_PREF]);
	if (*t && !(o->pref = kb_supply_pref(sup, t)))
		r |= kb_csv_bad(
			c, err, idx[O_PREF], "prefecture",
			KB_TR(L, "'%s' is not a prefecture (expected a code 01-47 or a name such as 東京都)",
			      "'%s' は都道府県ではありません（01〜47 のコードか 東京都 のような名前）"),
			t);
	r |= int_field(c, err, idx[O_BEDS], "beds", &o->beds);
	r |= int_field(c, err, idx[O_ICU], "icu_beds", &o->icu_beds);
	kb_csv_text(c, err, idx[O_COUNTRY], "country", 0, &o->country);
	if (!*o->country) {
		free(o->country);
		o->country = kb_strdup("JP");
	} else if (!kb__country_ok(o->country)) {
		r |= kb_csv_bad(
			c, err, idx[O_COUNTRY], "country",
			KB_TR(L, "'%s' is not a country code (expected two capital letters, ISO 3166: JP, US, CN)",
			      "'%s' は国コードではありません（ISO 3166 の英大文字 2 字: JP, US, CN）"),
			o->country);
	}
	if (!r && o->kind == KB_ORG_HOSPITAL) {
		if (!o->pref)
			r |= kb_csv_bad(c, err, idx[O_PREF], "prefecture", "%s",
					KB_TR(L, "a hospital needs its prefecture",
					      "病院には都道府県が必要です"));
		if (o->beds < 0)
			r |= kb_csv_bad(
				c, err, idx[O_BEDS], "beds", "%s",
				KB_TR(L, "a hospital needs its number of beds",
				      "病院には病床数が必要です"));
		if (o->icu_beds > o->beds)
			r |= kb_csv_bad(
				c, err, idx[O_ICU], "icu_beds",
				KB_TR(L, "%d ICU beds is more than the %d beds",
				      "ICU 病床数 %d が病床数 %d を超えています"),
				o->icu_beds, o->beds);
	}
	if (o->beds < 0)
		o->beds = 0;
	if (o->icu_beds < 0)
		o->icu_beds = 0;
	if (!r && row->old != KB_NONE && sup->orgs[row->old].kind != o->kind)
		r |= kb_csv_bad(
			c, err, idx[O_KIND], "kind",
			KB_TR(L, "'%s' is registered as %s and cannot change its kind",
			      "'%s' は %s として登録済みで、種別は変えられません"),
			o->id, kb_org_kind_key(sup->orgs[row->old].kind));
	return r ? -1 : 0;
}

static int same_org(const struct kb_org *a, const struct kb_org *b)
{
	return same(a->name_ja, b->name_ja) && same(a->name_en, b->name_en) &&
	       a->kind == b->kind && a->pref == b->pref && a->beds == b->beds &&
	       a->icu_beds == b->icu_beds && same(a->country, b->country);
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

int kb_org_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *st,
		  struct kb_err *err)
{
	struct kb_supply sup;
	struct kb__strmap seen;
	struct orow *rows = NULL;
	unsigned *lines = NULL;
	size_t n = 0, alloc = 0, la = 0, i, nweeks = 0, aweeks = 0;
	int idx[O_NCOLS], r, bad = 0, *weeks = NULL;
	sqlite3_stmt *ins = NULL;

	memset(st, 0, sizeof(*st));
	if ((r = kb_supply_load(s, &sup, err)))
		return r;
	kb__strmap_init(&seen);
	if ((r = kb_csv_header(c, ocols, O_NCOLS, idx, err)))
		goto out;
	while ((r = kb_csv_next(c, err)) == 1) {
		KB_ALLOC_GROW(rows, n + 1, alloc);
		KB_ALLOC_GROW(lines, n + 1, la);
		if (read_org(c, idx, err, &sup, &rows[n]))
			bad = 1;
		lines[n] = c->rec_line;
		if (rows[n].o.id &&
		    dup_id(&seen, rows[n].o.id, lines, n, c, err, idx[O_ID]))
			bad = 1;
		n++;
		progress(o, c);
	}
	st->rows = n;
	if (r < 0 || bad) {
		r = r < 0 ? r : KB_EINVALID;
		kb_err_sort(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (rows[i].old == KB_NONE)
			st->added++;
		else if (same_org(&rows[i].o, &sup.orgs[rows[i].old]))
			st->unchanged++;
		else
			st->changed++;
	}
	if (o->dry_run)
		goto out;
	if ((r = kb_store_begin(s, err)))
		goto out;
	ins = kb__sql_prepare(
		s,
		"INSERT INTO org (id, kind, name_ja, name_en, prefecture, beds, "
		"icu_beds, country) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
		"ON CONFLICT (id) DO UPDATE SET name_ja = ?3, name_en = ?4, "
		"prefecture = ?5, beds = ?6, icu_beds = ?7, country = ?8",
		err);
	if (!ins)
		r = KB_EDB;
	for (i = 0; !r && i < n; i++) {
		const struct kb_org *x = &rows[i].o;
		if (rows[i].old != KB_NONE && same_org(x, &sup.orgs[rows[i].old]))
			continue;
		if (rows[i].old != KB_NONE &&
		    x->pref != sup.orgs[rows[i].old].pref)
			if ((r = moved_weeks(s, sup.orgs[rows[i].old].n, &weeks,
					     &nweeks, &aweeks, err)))
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
		r = kb__sql_done(s, ins, err);
	}
	sqlite3_finalize(ins);
	/* the sums of its old and its new prefecture, in this transaction */
	if (!r && nweeks) {
		qsort(weeks, nweeks, sizeof(*weeks), int_cmp);
		r = kb__supply_aggregate(s, weeks, nweeks, 0, NULL, err);
	}
	r = kb_store_end(s, r, err);
out:
	free(weeks);
	for (i = 0; i < n; i++) {
		free(rows[i].o.id);
		free(rows[i].o.name_ja);
		free(rows[i].o.name_en);
		free(rows[i].o.country);
	}
	free(rows);
	free(lines);
	kb__strmap_release(&seen);
	kb_supply_release(&sup);
	return r;
}

/* ---- sites and components: small tables of ids and names ---- */

enum { S_ID, S_ORG, S_NAME_JA, S_NAME_EN, S_COUNTRY, S_REGION, S_NCOLS };

static const struct kb_csv_col scols[S_NCOLS] = {
	{ "id", "ID", 1 },	  { "org", "組織", 1 },
	{ "name_ja", "名称", 1 }, { "name_en", "英語名", 0 },
	{ "country", "国", 1 },	  { "region", "地域", 1 },
};

enum { C_ID, C_KIND, C_NAME_JA, C_NAME_EN, C_NCOLS };

static const struct kb_csv_col ccols[C_NCOLS] = {
	{ "id", "ID", 1 },
	{ "kind", "種別", 1 },
	{ "name_ja", "名称", 1 },
	{ "name_en", "英語名", 0 },
};

/* A row of either table: text fields in column order. */
struct trow {
	char *f[S_NCOLS];
	size_t old;
};

static int read_site(struct kb_csv *c, const int *idx, struct kb_err *err,
		     const struct kb_supply *sup, struct trow *row)
{
	enum kb_lang L = err->lang;
	int r = 0, i;

	for (i = 0; i < S_NCOLS; i++)
		r |= kb_csv_text(c, err, idx[i], scols[i].name,
				 scols[i].required, &row->f[i]);
	if (row->f[S_ID] && !kb__id_ok(row->f[S_ID]))
		r |= kb_csv_bad(
			c, err, idx[S_ID], "id",
			KB_TR(L, "invalid id '%s' (letters, digits, '_', '.', '-'; at most 40)",
			      "ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
			row->f[S_ID]);
	if (row->f[S_ORG] && kb_supply_org(sup, row->f[S_ORG]) == KB_NONE)
		r |= kb_csv_bad(
			c, err, idx[S_ORG], "org",
			KB_TR(L, "unknown organisation '%s' (import the organisations first)",
			      "組織 '%s' は未登録です（先に組織を取り込んでください）"),
			row->f[S_ORG]);
	if (row->f[S_COUNTRY] && *row->f[S_COUNTRY] &&
	    !kb__country_ok(row->f[S_COUNTRY]))
		r |= kb_csv_bad(
			c, err, idx[S_COUNTRY], "country",
			KB_TR(L, "'%s' is not a country code (expected two capital letters, ISO 3166: JP, US, CN)",
			      "'%s' は国コードではありません（ISO 3166 の英大文字 2 字: JP, US, CN）"),
			row->f[S_COUNTRY]);
	if (row->f[S_NAME_EN] && !*row->f[S_NAME_EN] && row->f[S_NAME_JA]) {
		free(row->f[S_NAME_EN]);
		row->f[S_NAME_EN] = kb_strdup(row->f[S_NAME_JA]);
	}
	row->old = row->f[S_ID] ? kb_supply_site(sup, row->f[S_ID]) : KB_NONE;
	return r ? -1 : 0;
}

static int read_component(struct kb_csv *c, const int *idx, struct kb_err *err,
			  const struct kb_supply *sup, struct trow *row)
{
	enum kb_lang L = err->lang;
	int r = 0, i;

	for (i = 0; i < C_NCOLS; i++)
		r |= kb_csv_text(c, err, idx[i], ccols[i].name,
				 ccols[i].required, &row->f[i]);
	if (row->f[C_ID] && !kb__id_ok(row->f[C_ID]))
		r |= kb_csv_bad(
			c, err, idx[C_ID], "id",
			KB_TR(L, "invalid id '%s' (letters, digits, '_', '.', '-'; at most 40)",
			      "ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
			row->f[C_ID]);
	if (row->f[C_ID] && device_code_ok(row->f[C_ID]))
		r |= kb_csv_bad(
			c, err, idx[C_ID], "id",
			KB_TR(L, "'%s' looks like a device code; give components ids of their own",
			      "'%s' は機器コードと同じ形です。部品には別の ID を付けてください"),
			row->f[C_ID]);
	if (row->f[C_KIND]) {
		const char *k = row->f[C_KIND];
		if (!strcmp(k, "部品"))
			k = "component";
		else if (!strcmp(k, "材料") || !strcmp(k, "原材料"))
			k = "material";
		if (strcmp(k, "component") && strcmp(k, "material"))
			r |= kb_csv_bad(
				c, err, idx[C_KIND], "kind",
				KB_TR(L, "'%s' is not a kind (expected component or material)",
				      "'%s' は種別ではありません（component（部品）か material（材料））"),
				row->f[C_KIND]);
		else if (k != row->f[C_KIND]) {
			free(row->f[C_KIND]);
			row->f[C_KIND] = kb_strdup(k);
		}
	}
	if (row->f[C_NAME_EN] && !*row->f[C_NAME_EN] && row->f[C_NAME_JA]) {
		free(row->f[C_NAME_EN]);
		row->f[C_NAME_EN] = kb_strdup(row->f[C_NAME_JA]);
	}
	row->old =
		row->f[C_ID] ? kb_supply_component(sup, row->f[C_ID]) : KB_NONE;
	return r ? -1 : 0;
}

static int same_site(const struct trow *x, const struct kb_supply *sup)
{
	const struct kb_site *o = &sup->sites[x->old];
	return !strcmp(sup->orgs[o->org].id, x->f[S_ORG]) &&
	       same(o->name_ja, x->f[S_NAME_JA]) &&
	       same(o->name_en, x->f[S_NAME_EN]) &&
	       same(o->country, x->f[S_COUNTRY]) &&
	       same(o->region, x->f[S_REGION]);
}

static int same_component(const struct trow *x, const struct kb_supply *sup)
{
	const struct kb_component *o = &sup->components[x->old];
	return same(o->material ? "material" : "component", x->f[C_KIND]) &&
	       same(o->name_ja, x->f[C_NAME_JA]) &&
	       same(o->name_en, x->f[C_NAME_EN]);
}

static int table_import(struct kb_store *s, struct kb_csv *c,
			const struct kb_import_opts *o,
			struct kb_import_stats *st, struct kb_err *err, int site)
{
	const struct kb_csv_col *cols = site ? scols : ccols;
	int ncols = site ? S_NCOLS : C_NCOLS;
	struct kb_supply sup;
	struct kb__strmap seen;
	struct trow *rows = NULL;
	unsigned *lines = NULL;
	size_t n = 0, alloc = 0, la = 0, i;
	int idx[S_NCOLS], r, bad = 0, j;
	sqlite3_stmt *ins = NULL;

	memset(st, 0, sizeof(*st));
	if ((r = kb_supply_load(s, &sup, err)))
		return r;
	kb__strmap_init(&seen);
	if ((r = kb_csv_header(c, cols, (size_t)ncols, idx, err)))
		goto out;
	while ((r = kb_csv_next(c, err)) == 1) {
		KB_ALLOC_GROW(rows, n + 1, alloc);
		KB_ALLOC_GROW(lines, n + 1, la);
		memset(&rows[n], 0, sizeof(rows[n]));
		if ((site ? read_site : read_component)(c, idx, err, &sup,
							&rows[n]))
			bad = 1;
		lines[n] = c->rec_line;
		if (rows[n].f[0] &&
		    dup_id(&seen, rows[n].f[0], lines, n, c, err, idx[0]))
			bad = 1;
		n++;
		progress(o, c);
	}
	st->rows = n;
	if (r < 0 || bad) {
		r = r < 0 ? r : KB_EINVALID;
		kb_err_sort(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (rows[i].old == KB_NONE)
			st->added++;
		else if (site ? same_site(&rows[i], &sup)
			      : same_component(&rows[i], &sup))
			st->unchanged++;
		else
			st->changed++;
	}
	if (o->dry_run)
		goto out;
	if ((r = kb_store_begin(s, err)))
		goto out;
	ins = kb__sql_prepare(
		s,
		site ? "INSERT INTO site (id, org, name_ja, name_en, country, "
		       "region) VALUES (?1, (SELECT n FROM org WHERE id = ?2), "
		       "?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET "
		       "org = excluded.org, name_ja = ?3, name_en = ?4, "
		       "country = ?5, region = ?6"
		     : "INSERT INTO component (id, kind, name_ja, name_en) "
		       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
		       "kind = ?2, name_ja = ?3, name_en = ?4",
		err);
	if (!ins)
		r = KB_EDB;
	for (i = 0; !r && i < n; i++) {
		if (rows[i].old != KB_NONE &&
		    (site ? same_site(&rows[i], &sup)
			  : same_component(&rows[i], &sup)))
			continue;
		for (j = 0; j < ncols; j++)
			kb__sql_bind_text(ins, j + 1, rows[i].f[j]);
		r = kb__sql_done(s, ins, err);
	}
	sqlite3_finalize(ins);
	r = kb_store_end(s, r, err);
out:
	for (i = 0; i < n; i++)
		for (j = 0; j < S_NCOLS; j++)
			free(rows[i].f[j]);
	free(rows);
	free(lines);
	kb__strmap_release(&seen);
	kb_supply_release(&sup);
	return r;
}

int kb_site_import(struct kb_store *s, struct kb_csv *c,
		   const struct kb_import_opts *o, struct kb_import_stats *st,
		   struct kb_err *err)
{
	return table_import(s, c, o, st, err, 1);
}

int kb_component_import(struct kb_store *s, struct kb_csv *c,
			const struct kb_import_opts *o,
			struct kb_import_stats *st, struct kb_err *err)
{
	return table_import(s, c, o, st, err, 0);
}
