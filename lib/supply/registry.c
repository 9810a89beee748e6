/*
 * registry.c - the registry of supply: prefectures, essential devices with
 * their criteria and designation history, organisations, sites and
 * components; loading it whole, looking things up, the weeks reports are
 * for, and a device's designation and thresholds one at a time (with who,
 * when and why).  Importing the registry from files is registry_import.c.
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

/* One row of each table into the registry; alloc: the array's room. */
static void pref_row(sqlite3_stmt *st, struct kb_supply *out, size_t *alloc)
{
	int code = sqlite3_column_int(st, 0);
	struct kb_pref *p;
	(void)alloc;
	if (code < 1 || code > KB_NPREF)
		return;
	p = &out->prefs[code - 1];
	p->code = code;
	p->name_ja = col_text(st, 1);
	p->name_en = col_text(st, 2);
	p->population = (long)sqlite3_column_int64(st, 3);
}

static void device_row(sqlite3_stmt *st, struct kb_supply *out, size_t *alloc)
{
	struct kb_device *d;
	KB_ALLOC_GROW(out->devices, out->ndevices + 1, *alloc);
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

static void org_row(sqlite3_stmt *st, struct kb_supply *out, size_t *alloc)
{
	struct kb_org *o;
	KB_ALLOC_GROW(out->orgs, out->norgs + 1, *alloc);
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
	/* the sites, read next, name their organisation */
	kb__strmap_put(&((struct maps *)out->maps)->org, o->id, out->norgs - 1);
}

static void site_row(sqlite3_stmt *st, struct kb_supply *out, size_t *alloc)
{
	struct kb_site *x;
	KB_ALLOC_GROW(out->sites, out->nsites + 1, *alloc);
	x = &out->sites[out->nsites++];
	x->n = (long)sqlite3_column_int64(st, 0);
	x->id = col_text(st, 1);
	x->org = kb__strmap_get(&((struct maps *)out->maps)->org,
				(const char *)sqlite3_column_text(st, 2));
	x->name_ja = col_text(st, 3);
	x->name_en = col_text(st, 4);
	x->country = col_text(st, 5);
	x->region = col_text(st, 6);
}

static void component_row(sqlite3_stmt *st, struct kb_supply *out, size_t *alloc)
{
	struct kb_component *x;
	KB_ALLOC_GROW(out->components, out->ncomponents + 1, *alloc);
	x = &out->components[out->ncomponents++];
	x->id = col_text(st, 0);
	x->material =
		!strcmp((const char *)sqlite3_column_text(st, 1), "material");
	x->name_ja = col_text(st, 2);
	x->name_en = col_text(st, 3);
}

static const struct {
	const char *sql;
	void (*row)(sqlite3_stmt *st, struct kb_supply *out, size_t *alloc);
} tables[] = {
	{ "SELECT code, name_ja, name_en, population_2020 FROM prefecture "
	  "ORDER BY code",
	  pref_row },
	{ "SELECT n, code, name_ja, name_en, class, category, reusable, "
	  "unit_ja, unit_en, essential, criteria, score, reasons, under_days, "
	  "over_days, alert_days, critical_days, jump_ratio, drop_ratio "
	  "FROM device ORDER BY code",
	  device_row },
	{ "SELECT n, id, kind, name_ja, name_en, prefecture, beds, icu_beds, "
	  "country FROM org ORDER BY n",
	  org_row },
	{ "SELECT s.n, s.id, o.id, s.name_ja, s.name_en, s.country, s.region "
	  "FROM site s JOIN org o ON o.n = s.org ORDER BY s.n",
	  site_row },
	{ "SELECT id, kind, name_ja, name_en FROM component ORDER BY n",
	  component_row },
};

int kb_supply_load(struct kb_store *s, struct kb_supply *out, struct kb_err *err)
{
	size_t i, alloc;

	memset(out, 0, sizeof(*out));
	out->maps = kb_calloc(1, sizeof(struct maps)); /* empty maps */
	for (i = 0; i < KB_ARRAY_SIZE(tables); i++) {
		sqlite3_stmt *st = kb__sql_prepare(s, tables[i].sql, err);
		if (!st) {
			kb_supply_release(out);
			return KB_EDB;
		}
		alloc = 0;
		while (sqlite3_step(st) == SQLITE_ROW)
			tables[i].row(st, out, &alloc);
		sqlite3_finalize(st);
	}
	kb__supply_index(out);
	return 0;
}

/* Gives the lookups' memory back; they are empty after. */
static void maps_release(struct maps *m)
{
	kb__strmap_release(&m->device);
	kb__strmap_release(&m->org);
	kb__strmap_release(&m->site);
	kb__strmap_release(&m->component);
	kb__strmap_release(&m->pref);
	free(m->device_n);
	free(m->org_n);
	m->device_n = m->org_n = NULL;
	m->max_device_n = m->max_org_n = 0;
}

/* (Re)builds the lookups after the arrays changed. */
void kb__supply_index(struct kb_supply *sup)
{
	struct maps *m = sup->maps;
	size_t i;

	maps_release(m);
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
	if (m)
		maps_release(m);
	free(m);
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

/* ---- devices ---- */

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
