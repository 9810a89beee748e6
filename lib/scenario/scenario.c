/*
 * scenario.c - scenario files, their runs against the stock reported, and
 * the results as JSON and CSV (scenario.h, docs/scenario-format.md).
 *
 * A file is read whole and every problem is reported with its line,
 * column and key before anything runs.  A parameter given as "lo..hi" is
 * drawn in that range by each Monte Carlo run; with no range the scenario
 * runs once, deterministically.
 */
#include "core/compat.h"

#include <errno.h>
#include <math.h>

#include "core/utf8.h"
#include "kiban/csv.h"
#include "kiban/scenario.h"
#include "store/sql.h"

/* Illustrative defaults, to be replaced by the desk's own figures. */
static const double default_share[KB_NCARE] = { 0.03, 0.005, 0.003, 0.0003,
						0.015 };
static const double default_stay[KB_NCARE] = { 10, 10, 12, 20, 8 };

/* A day written in the file, checked against the scenario's days once
 * the whole file is read. */
struct late {
	unsigned line, col;
	int day;
	const char *key;
};

struct parser {
	const char *file;
	unsigned line;
	const char *text; /* the line */
	const struct kb_supply *sup;
	struct kb_err *err;
	int ranged; /* some parameter has a range */
	struct late *late;
	size_t nlate, alate;
	size_t achanges, astops, asurges;
	double per_million;
	int per_million_given;
	double *adm; /* admissions observed, the last on day 0 */
	size_t nadm;
	unsigned adm_line;
};

/* The column of at in the line, in characters as an editor counts. */
static unsigned column(const struct parser *ps, const char *at)
{
	const char *p;
	unsigned col = 1;
	for (p = ps->text; p < at; p++)
		col += ((unsigned char)*p & 0xC0) != 0x80;
	return col;
}

static void fail_at(struct parser *ps, const char *at, const char *key,
		    const char *en, const char *ja, const char *val)
{
	kb_err_at(ps->err, KB_EINVALID, ps->file, ps->line, column(ps, at), key,
		  KB_TR(ps->err->lang, "'%s' is not %s",
			"'%s' は%sではありません"),
		  val, KB_TR(ps->err->lang, en, ja));
}

/* A number in [lo, hi] (open at lo when open_lo); 0, or -1 reported. */
static int number(struct parser *ps, const char *key, const char *at,
		  const char *s, double lo, double hi, int open_lo, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end || errno || !(open_lo ? *v > lo : *v >= lo) ||
	    !(*v <= hi)) {
		char what_en[96], what_ja[96];
		snprintf(what_en, sizeof(what_en),
			 "a number %s %.10g, at most %.10g",
			 open_lo ? "above" : "from", lo, hi);
		snprintf(what_ja, sizeof(what_ja), "%.10g %s %.10g 以下の数",
			 lo, open_lo ? "より大きく" : "以上", hi);
		fail_at(ps, at, key, what_en, what_ja, s);
		return -1;
	}
	return 0;
}

/* A value or a range "lo..hi" into *lo and *hi. */
static int param(struct parser *ps, const char *key, const char *at,
		 const char *s, double min, double max, int open_lo, double *lo,
		 double *hi)
{
	const char *dots = strstr(s, "..");
	char a[64];
	if (!dots)
		return number(ps, key, at, s, min, max, open_lo, lo)
			       ? -1
			       : (*hi = *lo, 0);
	snprintf(a, sizeof(a), "%.*s", (int)(dots - s), s);
	if (number(ps, key, at, a, min, max, open_lo, lo) ||
	    number(ps, key, at + (dots + 2 - s), dots + 2, min, max, open_lo, hi))
		return -1;
	if (*lo > *hi) {
		fail_at(ps, at, key, "a range from low to high",
			"小さい値から大きい値への範囲", s);
		return -1;
	}
	ps->ranged |= *lo != *hi;
	return 0;
}

static int pref_of(struct parser *ps, const char *key, const char *at,
		   const char *s)
{
	int p = kb_supply_pref(ps->sup, s);
	if (!p)
		fail_at(ps, at, key, "a prefecture (a code 1-47 or a name)",
			"都道府県（1〜47 のコードか名称）", s);
	return p;
}

static int care_of(struct parser *ps, const char *key, const char *at,
		   const char *s)
{
	int c = kb_care_parse(s);
	if (c < 0)
		fail_at(ps, at, key,
			"a care: ward, icu, ventilation, ecmo or oxygen",
			"ケアの種類（ward, icu, ventilation, ecmo, oxygen）", s);
	return c;
}

/* The words of a value, with where each starts. */
struct words {
	char *w[8];
	const char *at[8];
	int n;
};

static void split(char *val, const char *at, struct words *ws)
{
	char *p = val;
	ws->n = 0;
	while (*p && ws->n < 8) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		ws->at[ws->n] = at + (p - val);
		ws->w[ws->n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
}

static int date_of(struct parser *ps, const char *at, const char *s, int *day)
{
	struct tm tm;
	char *end;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end || tm.tm_year < 90 || tm.tm_year > 300) {
		fail_at(ps, at, "start", "a date such as 2026-12-01",
			"2026-12-01 のような日付", s);
		return -1;
	}
	*day = (int)(timegm(&tm) / 86400);
	return 0;
}

static int whole(struct parser *ps, const char *key, const char *at,
		 const char *s, long lo, long hi, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	if (end == s || *end || errno || *v < lo || *v > hi) {
		char en[64], ja[64];
		snprintf(en, sizeof(en), "a whole number %ld to %ld", lo, hi);
		snprintf(ja, sizeof(ja), "%ld〜%ld の整数", lo, hi);
		fail_at(ps, at, key, en, ja, s);
		return -1;
	}
	return 0;
}

/* The index in sc->devices of a device given on an earlier 'device'
 * line, or KB_NONE reported. */
static size_t device_of(struct parser *ps, const struct kb_scenario *sc,
			const char *key, const char *at, const char *code)
{
	size_t i = kb_supply_device(ps->sup, code), k;
	if (i == KB_NONE) {
		fail_at(ps, at, key, "a device of the registry",
			"登録されている機器", code);
		return KB_NONE;
	}
	for (k = 0; k < sc->ndevices && sc->devices[k].device != i; k++)
		;
	if (k == sc->ndevices) {
		fail_at(ps, at, key, "a device given on an earlier 'device' line",
			"前の 'device' 行にある機器", code);
		return KB_NONE;
	}
	return k;
}

static void check_later(struct parser *ps, const char *key, const char *at,
			int day)
{
	KB_ALLOC_GROW(ps->late, ps->nlate + 1, ps->alate);
	ps->late[ps->nlate++] =
		(struct late){ ps->line, column(ps, at), day, key };
}

/* "FROM TO" days, from <= to: 0, or -1 reported. */
static int period(struct parser *ps, const char *key, const struct words *ws,
		  int at, int *from, int *to)
{
	long a, b;
	if (whole(ps, key, ws->at[at], ws->w[at], 0, 3650, &a) ||
	    whole(ps, key, ws->at[at + 1], ws->w[at + 1], 0, 3650, &b))
		return -1;
	if (a > b) {
		fail_at(ps, ws->at[at + 1], key, "a day on or after the first",
			"始まりの日以後の日", ws->w[at + 1]);
		return -1;
	}
	*from = (int)a;
	*to = (int)b;
	check_later(ps, key, ws->at[at + 1], *to);
	return 0;
}

static const char *const stop_kinds[][2] = {
	[KB_STOP_SITE] = { "site", "拠点" },
	[KB_STOP_SUPPLIER] = { "supplier", "企業" },
	[KB_STOP_COUNTRY] = { "country", "国" },
	[KB_STOP_REGION] = { "region", "地域" },
};

/* A stop's id must name something of the registry. */
static int stop_known(const struct kb_supply *sup, enum kb_stop what,
		      const char *id)
{
	size_t i;
	if (what == KB_STOP_SITE)
		return kb_supply_site(sup, id) != KB_NONE;
	if (what == KB_STOP_SUPPLIER)
		return kb_supply_org(sup, id) != KB_NONE;
	for (i = 0; i < sup->nsites; i++)
		if (what == KB_STOP_COUNTRY
			    ? !strcmp(sup->sites[i].country, id)
			    : !strcasecmp(sup->sites[i].region, id))
			return 1;
	return 0;
}

static void stop_line(struct parser *ps, struct kb_scenario *sc,
		      const char *key, const char *val, const struct words *ws)
{
	struct kb_scenario_stop x;
	int w;
	if (ws->n != 4) {
		fail_at(ps, val, key, "site|supplier|country|region ID FROM TO",
			"site|supplier|country|region ID 開始日 終了日", val);
		return;
	}
	for (w = 0; w < 4 && strcmp(ws->w[0], stop_kinds[w][0]) &&
		    strcmp(ws->w[0], stop_kinds[w][1]);
	     w++)
		;
	if (w == 4) {
		fail_at(ps, ws->at[0], key, "site, supplier, country or region",
			"site, supplier, country, region のいずれか", ws->w[0]);
		return;
	}
	if (!stop_known(ps->sup, (enum kb_stop)w, ws->w[1])) {
		fail_at(ps, ws->at[1], key,
			w == KB_STOP_SITE	? "a site of the registry"
			: w == KB_STOP_SUPPLIER ? "an organisation of the registry"
			: w == KB_STOP_COUNTRY
				? "a country with a site of the registry"
				: "a region with a site of the registry",
			w == KB_STOP_SITE	? "登録されている拠点"
			: w == KB_STOP_SUPPLIER ? "登録されている組織"
			: w == KB_STOP_COUNTRY	? "拠点のある国"
						: "拠点のある地域",
			ws->w[1]);
		return;
	}
	if (period(ps, key, ws, 2, &x.from, &x.to))
		return;
	x.what = (enum kb_stop)w;
	x.id = kb_strdup(ws->w[1]);
	KB_ALLOC_GROW(sc->stops, sc->nstops + 1, ps->astops);
	sc->stops[sc->nstops++] = x;
}

static void surge_line(struct parser *ps, struct kb_scenario *sc,
		       const char *key, const char *val, struct words *ws)
{
	struct kb_scenario_surge x;
	char *save = NULL, *p;
	if (ws->n < 3 || ws->n > 4) {
		fail_at(ps, val, key, "FACTOR FROM TO [PREFECTURE,...]",
			"倍率 開始日 終了日 [都道府県,...]", val);
		return;
	}
	if (number(ps, key, ws->at[0], ws->w[0], 0, 100, 0, &x.factor) ||
	    period(ps, key, ws, 1, &x.from, &x.to))
		return;
	x.pref = 0;
	if (ws->n == 3) {
		KB_ALLOC_GROW(sc->surges, sc->nsurges + 1, ps->asurges);
		sc->surges[sc->nsurges++] = x;
		return;
	}
	for (p = strtok_r(ws->w[3], ",", &save); p;
	     p = strtok_r(NULL, ",", &save))
		if ((x.pref = pref_of(ps, key, ws->at[3] + (p - ws->w[3]), p))) {
			KB_ALLOC_GROW(sc->surges, sc->nsurges + 1, ps->asurges);
			sc->surges[sc->nsurges++] = x;
		}
}

static void add_change(struct parser *ps, struct kb_scenario *sc,
		       const struct kb_epi_change *x, const char *day_at)
{
	KB_ALLOC_GROW(sc->changes, sc->nchanges + 1, ps->achanges);
	sc->changes[sc->nchanges++] = *x;
	check_later(ps, "intervention", day_at, x->day);
}

static void line_of(struct parser *ps, struct kb_scenario *sc, char *key,
		    char *val)
{
	struct words ws;
	char words[512];
	double v, hi;
	long n;
	int c;
	if (!strcmp(key, "name")) {
		free(sc->name);
		sc->name = kb_strdup(val);
		return;
	}
	if (!strcmp(key, "start")) {
		date_of(ps, val, val, &sc->start);
		return;
	}
	if (!strcmp(key, "days")) {
		if (!whole(ps, key, val, val, 1, 3650, &n))
			sc->days = (int)n;
		return;
	}
	if (!strcmp(key, "runs")) {
		if (!whole(ps, key, val, val, 1, 100000, &n))
			sc->runs = (size_t)n;
		return;
	}
	if (!strcmp(key, "seed")) {
		if (!whole(ps, key, val, val, 0, 2147483647L, &n))
			sc->seed = (unsigned long long)n;
		return;
	}
	if (!strcmp(key, "r0")) {
		param(ps, key, val, val, 0, 50, 0, &sc->lo.r0, &sc->hi.r0);
		return;
	}
	if (!strcmp(key, "incubation")) {
		param(ps, key, val, val, 0, 60, 1, &sc->lo.incubation,
		      &sc->hi.incubation);
		return;
	}
	if (!strcmp(key, "infectious")) {
		param(ps, key, val, val, 0, 60, 1, &sc->lo.infectious,
		      &sc->hi.infectious);
		return;
	}
	if (!strcmp(key, "mixing")) {
		param(ps, key, val, val, 0, 1, 0, &sc->lo.mixing, &sc->hi.mixing);
		return;
	}
	if (!strncmp(key, "share.", 6) || !strncmp(key, "stay.", 5)) {
		int share = key[1] == 'h';
		if ((c = care_of(ps, key, key + (share ? 6 : 5),
				 key + (share ? 6 : 5))) < 0)
			return;
		if (share)
			param(ps, key, val, val, 0, 1, 0, &sc->lo.share[c],
			      &sc->hi.share[c]);
		else
			param(ps, key, val, val, 0, 365, 1, &sc->lo.stay[c],
			      &sc->hi.stay[c]);
		return;
	}
	if (!strcmp(key, "infected_per_million")) {
		number(ps, key, val, val, 0, 1e6, 0, &ps->per_million);
		ps->per_million_given = 1;
		return;
	}
	if (!strcmp(key, "admissions")) {
		/* "N N N ...": whole numbers, any count */
		char *p = val, *end;
		ps->nadm = 0;
		ps->adm_line = ps->line;
		while (*p) {
			errno = 0;
			v = strtod(p, &end);
			if (end == p || errno || !(v >= 0) ||
			    (*end && *end != ' ' && *end != '\t')) {
				char bad[64];
				size_t len = strcspn(p, " \t");
				snprintf(bad, sizeof(bad), "%.*s",
					 (int)(len < 60 ? len : 60), p);
				fail_at(ps, p, key,
					"a count of admissions (0 or more)",
					"入院数（0 以上）", bad);
				return;
			}
			ps->adm = kb_realloc(ps->adm,
					     (ps->nadm + 1) * sizeof(double));
			ps->adm[ps->nadm++] = v;
			p = end + strspn(end, " \t");
		}
		return;
	}
	/* the words of a copy: messages quote the whole value */
	snprintf(words, sizeof(words), "%s", val);
	split(words, val, &ws);
	if (!strcmp(key, "infected")) {
		int p;
		if (ws.n != 2) {
			fail_at(ps, val, key, "PREFECTURE COUNT",
				"都道府県 人数", val);
			return;
		}
		if ((p = pref_of(ps, key, ws.at[0], ws.w[0])) &&
		    !number(ps, key, ws.at[1], ws.w[1], 0,
			    (double)ps->sup->prefs[p - 1].population, 0, &v))
			sc->infected[p - 1] = v;
		return;
	}
	if (!strcmp(key, "census")) {
		int p;
		if (ws.n != 3) {
			fail_at(ps, val, key, "PREFECTURE CARE PATIENTS",
				"都道府県 ケア 患者数", val);
			return;
		}
		if ((p = pref_of(ps, key, ws.at[0], ws.w[0])) &&
		    (c = care_of(ps, key, ws.at[1], ws.w[1])) >= 0 &&
		    !number(ps, key, ws.at[2], ws.w[2], 0, 1e7, 0, &v))
			sc->census[(p - 1) * KB_NCARE + c] = v;
		return;
	}
	if (!strcmp(key, "intervention")) {
		struct kb_epi_change x = { 0, 0, 1 };
		const char *day_at = ws.n ? ws.at[0] : val;
		if (ws.n < 2) {
			fail_at(ps, val, key, "DAY CONTACT [PREFECTURE,...]",
				"日 接触倍率 [都道府県,...]", val);
			return;
		}
		if (whole(ps, key, ws.at[0], ws.w[0], 0, 3650, &n) ||
		    number(ps, key, ws.at[1], ws.w[1], 0, 10, 0, &hi))
			return;
		x.day = (int)n;
		x.contact = hi;
		if (ws.n == 2) {
			add_change(ps, sc, &x, day_at);
			return;
		}
		{
			char *save = NULL, *p;
			for (p = strtok_r(ws.w[2], ",", &save); p;
			     p = strtok_r(NULL, ",", &save))
				if ((x.pref = pref_of(ps, key,
						      ws.at[2] + (p - ws.w[2]),
						      p)))
					add_change(ps, sc, &x, day_at);
		}
		return;
	}
	if (!strcmp(key, "depot") || !strcmp(key, "purchase")) {
		int purchase = key[0] == 'p';
		size_t k;
		long lead = 0;
		if (ws.n != (purchase ? 3 : 2)) {
			if (purchase)
				fail_at(ps, val, key,
					"CODE UNITS_PER_DAY LEAD_DAYS",
					"機器コード 1日の台数 納期の日数", val);
			else
				fail_at(ps, val, key, "CODE UNITS",
					"機器コード 台数", val);
			return;
		}
		if ((k = device_of(ps, sc, key, ws.at[0], ws.w[0])) == KB_NONE)
			return;
		if (number(ps, key, ws.at[1], ws.w[1], 0, 1e9, 0, &v) ||
		    (purchase && whole(ps, key, ws.at[2], ws.w[2], 0, 365, &lead)))
			return;
		if (purchase) {
			sc->devices[k].cap = floor(v);
			sc->devices[k].lead = (int)lead;
		} else {
			sc->devices[k].depot = floor(v);
		}
		return;
	}
	if (!strcmp(key, "stop")) {
		stop_line(ps, sc, key, val, &ws);
		return;
	}
	if (!strcmp(key, "surge")) {
		surge_line(ps, sc, key, val, &ws);
		return;
	}
	if (!strcmp(key, "delay")) {
		if (ws.n != 3) {
			fail_at(ps, val, key, "DAYS FROM TO",
				"日数 開始日 終了日", val);
			return;
		}
		if (!whole(ps, key, ws.at[0], ws.w[0], 0, 365, &n) &&
		    !period(ps, key, &ws, 1, &sc->delay_from, &sc->delay_to))
			sc->delay = (int)n;
		return;
	}
	if (!strcmp(key, "cost")) {
		size_t k;
		struct kb_scenario_device *dv;
		double x[4] = { 0, 0, 0, 0 };
		int i;
		if (ws.n < 3 || ws.n > 5) {
			fail_at(ps, val, key,
				"CODE PRICE SHELF_LIFE_YEARS [HOLDING [MAINTENANCE]]",
				"機器コード 価格 耐用年数 [保管費 [保守費]]",
				val);
			return;
		}
		if ((k = device_of(ps, sc, key, ws.at[0], ws.w[0])) == KB_NONE)
			return;
		for (i = 1; i < ws.n; i++)
			if (number(ps, key, ws.at[i], ws.w[i], 0,
				   i == 2 ? 100 : 1e12, i <= 2, &x[i - 1]))
				return;
		dv = &sc->devices[k];
		dv->price = x[0];
		dv->shelf_life = x[1];
		dv->holding = x[2];
		dv->maintenance = x[3];
		return;
	}
	if (!strcmp(key, "budget")) {
		number(ps, key, val, val, 0, 1e15, 0, &sc->budget);
		return;
	}
	if (!strcmp(key, "probability")) {
		number(ps, key, val, val, 0, 1, 0, &sc->probability);
		return;
	}
	if (!strcmp(key, "warehouse")) {
		int p;
		size_t i;
		if (ws.n != 1) {
			fail_at(ps, val, key, "PREFECTURE", "都道府県", val);
			return;
		}
		if (!(p = pref_of(ps, key, ws.at[0], ws.w[0])))
			return;
		for (i = 0; i < sc->nwarehouses && sc->warehouse[i] != p; i++)
			;
		if (i == sc->nwarehouses)
			sc->warehouse[sc->nwarehouses++] = p;
		return;
	}
	if (!strcmp(key, "transport")) {
		int p;
		if (ws.n != 2) {
			fail_at(ps, val, key, "PREFECTURE DAYS",
				"都道府県 日数", val);
			return;
		}
		if ((p = pref_of(ps, key, ws.at[0], ws.w[0])) &&
		    !whole(ps, key, ws.at[1], ws.w[1], 0, 30, &n))
			sc->tau[p - 1] = (int)n;
		return;
	}
	if (!strcmp(key, "device")) {
		struct kb_scenario_device d = { .units = 1 };
		size_t i;
		if (ws.n < 2 || ws.n > 3) {
			fail_at(ps, val, key, "CODE CARE [UNITS PER PATIENT]",
				"機器コード ケア [患者1人あたりの台数]", val);
			return;
		}
		if ((i = kb_supply_device(ps->sup, ws.w[0])) == KB_NONE) {
			fail_at(ps, ws.at[0], key, "a device of the registry",
				"登録されている機器", ws.w[0]);
			return;
		}
		if ((c = care_of(ps, key, ws.at[1], ws.w[1])) < 0 ||
		    (ws.n == 3 &&
		     number(ps, key, ws.at[2], ws.w[2], 0, 100, 1, &d.units)))
			return;
		d.device = i;
		d.care = (enum kb_care)c;
		sc->devices =
			kb_realloc(sc->devices, (sc->ndevices + 1) * sizeof(d));
		sc->devices[sc->ndevices++] = d;
		return;
	}
	kb_err_at(ps->err, KB_EINVALID, ps->file, ps->line, column(ps, key), key,
		  KB_TR(ps->err->lang,
			"unknown key '%s' (see docs/scenario-format.md)",
			"不明なキー '%s'（docs/scenario-format.md を参照）"),
		  key);
}

static double total_population(const struct kb_supply *sup)
{
	double sum = 0;
	int i;
	for (i = 0; i < KB_NPREF; i++)
		sum += (double)sup->prefs[i].population;
	return sum;
}

/* R0 and the infectious on day 0 from the admissions observed: their
 * growth r a day (kb_epi_fit_growth), R0 = (1 + r incubation)(1 + r
 * infectious) with the periods' middle values; the last day's admissions
 * are the ward's share of the day's new infectious, and in steady growth
 * the infectious are the new ones times infectious / (1 + r infectious). */
static void fit(struct parser *ps, struct kb_scenario *sc, struct kb_err *err)
{
	double inc = (sc->lo.incubation + sc->hi.incubation) / 2,
	       inf = (sc->lo.infectious + sc->hi.infectious) / 2,
	       ward = (sc->lo.share[KB_CARE_WARD] + sc->hi.share[KB_CARE_WARD]) /
		      2,
	       r, r0;
	struct kb_err e;
	kb_err_init(&e, err->lang);
	if (kb_epi_fit_growth(ps->adm, ps->nadm, inc, inf, &r, &r0, &e)) {
		kb_err_at(err, KB_EINVALID, ps->file, ps->adm_line, 1,
			  "admissions", "%s", e.v[0].msg);
		kb_err_release(&e);
		return;
	}
	kb_err_release(&e);
	if (r0 < 0 || r0 > 50 || ward <= 0) {
		kb_err_at(
			err, KB_EINVALID, ps->file, ps->adm_line, 1, "admissions",
			KB_TR(err->lang,
			      "they imply a reproduction number of %.3g, outside 0-50 (or no one is admitted: share.ward is 0)",
			      "推定される再生産数 %.3g が 0〜50 の外です（または share.ward が 0 です）"),
			r0);
		return;
	}
	sc->fit_growth = r;
	sc->fit_r0 = r0;
	sc->lo.r0 = sc->hi.r0 = r0;
	sc->fit_infected = ps->adm[ps->nadm - 1] / ward * inf / (1 + r * inf);
	if (sc->fit_infected < 0)
		sc->fit_infected = 0;
}

int kb_scenario_parse(const char *file, const char *text, size_t len,
		      const struct kb_supply *sup, int today,
		      struct kb_scenario *out, struct kb_err *err)
{
	struct parser ps;
	struct kb_scenario *sc = out;
	char *buf = kb_malloc(len + 1), *line, *save = NULL;
	size_t i, before = kb_err_count(err);
	int c, r0_given = 0, device_lines = 0;

	memset(&ps, 0, sizeof(ps));
	ps.file = file;
	ps.sup = sup;
	ps.err = err;
	ps.per_million = 1;
	memset(sc, 0, sizeof(*sc));
	memcpy(buf, text, len);
	buf[len] = 0;
	sc->start = today;
	sc->days = 180;
	sc->seed = 1;
	sc->lo.incubation = sc->hi.incubation = 5;
	sc->lo.infectious = sc->hi.infectious = 7;
	sc->lo.mixing = sc->hi.mixing = 0.05;
	for (c = 0; c < KB_NCARE; c++) {
		sc->lo.share[c] = sc->hi.share[c] = default_share[c];
		sc->lo.stay[c] = sc->hi.stay[c] = default_stay[c];
	}
	sc->lo.r0 = sc->hi.r0 = -1;
	sc->probability = sc->budget = -1;
	sc->fit_r0 = -1;
	for (i = 0; i < KB_NPREF; i++) /* a day; two to Hokkaido, Okinawa */
		sc->tau[i] = i == 0 || i == KB_NPREF - 1 ? 2 : 1;
	/* lines are split by hand: strtok would skip empty ones */
	for (line = buf; line; line = save) {
		char *eq, *key, *val;
		save = strchr(line, '\n');
		if (save)
			*save++ = 0;
		ps.line++;
		ps.text = line;
		line[strcspn(line, "\r")] = 0;
		if (ps.line == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
			line += 3, ps.text = line; /* a BOM */
		key = kb__trim_in_place(line);
		if (!*key || *key == '#')
			continue;
		if (!(eq = strchr(key, '='))) {
			kb_err_at(err, KB_EINVALID, file, ps.line,
				  column(&ps, key), NULL, "%s",
				  KB_TR(err->lang, "expected key = value",
					"key = value の形で書いてください"));
			continue;
		}
		*eq = 0;
		kb__trim_in_place(key);
		val = kb__trim_in_place(eq + 1);
		r0_given |= !strcmp(key, "r0");
		device_lines += !strcmp(key, "device");
		line_of(&ps, sc, key, val);
	}
	if (ps.nadm && r0_given)
		kb_err_at(
			err, KB_EINVALID, file, ps.adm_line, 1, "admissions",
			"%s",
			KB_TR(err->lang,
			      "give either r0 or the admissions it is fitted to, not both",
			      "r0 と、それを推定する入院数の両方は指定できません"));
	else if (ps.nadm) /* the growth of the admissions, then R0 */
		fit(&ps, sc, err);
	else if (!r0_given)
		kb_err_at(
			err, KB_EINVALID, file, 0, 0, "r0", "%s",
			KB_TR(err->lang,
			      "the reproduction number is missing: add a line 'r0 = 2.5' (or a range, 'r0 = 2..3')",
			      "再生産数がありません。'r0 = 2.5'（範囲なら 'r0 = 2..3'）の行を加えてください"));
	if (!device_lines)
		kb_err_at(
			err, KB_EINVALID, file, 0, 0, "device", "%s",
			KB_TR(err->lang,
			      "no device: add a line such as 'device = 30001013 ventilation'",
			      "機器がありません。'device = 30001013 ventilation' のような行を加えてください"));
	for (i = 0; i < ps.nlate; i++)
		if (ps.late[i].day > sc->days)
			kb_err_at(
				err, KB_EINVALID, file, ps.late[i].line,
				ps.late[i].col, ps.late[i].key,
				KB_TR(err->lang,
				      "day %d is after the scenario's last day, %d",
				      "%d 日目はシナリオの最終日 %d 日目より後です"),
				ps.late[i].day, sc->days);
	free(ps.late);
	free(ps.adm);
	free(buf);
	if (kb_err_count(err) > before) {
		kb_err_sort(err);
		kb_scenario_release(sc);
		return KB_EINVALID;
	}
	for (i = 0; i < KB_NPREF; i++) {
		double pop = (double)sup->prefs[i].population;
		if (sc->infected[i])
			continue;
		/* fitted: the infectious by population, unless given */
		sc->infected[i] =
			sc->fit_r0 >= 0 && !ps.per_million_given
				? sc->fit_infected * pop / total_population(sup)
				: pop * ps.per_million / 1e6;
	}
	if (!sc->runs)
		sc->runs = ps.ranged ? 1000 : 1;
	if (!sc->name)
		sc->name = kb_strdup(file);
	sc->file = kb_strdup(file);
	return 0;
}

void kb_scenario_release(struct kb_scenario *sc)
{
	size_t i;
	for (i = 0; i < sc->nstops; i++)
		free(sc->stops[i].id);
	free(sc->stops);
	free(sc->surges);
	free(sc->name);
	free(sc->file);
	free(sc->changes);
	free(sc->devices);
	memset(sc, 0, sizeof(*sc));
}

/* ---- running ---- */

static int load_stock(struct kb_store *s, const struct kb_supply *sup,
		      const struct kb_scenario *sc,
		      struct kb_scenario_result *r, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT week, device, prefecture, stock, consumption FROM "
		"stock_agg WHERE "
		"week = (SELECT max(week) FROM stock_agg) AND prefecture > 0",
		err);
	int rc;
	if (!st)
		return KB_EDB;
	r->stock_week = -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t dev = kb_supply_device_n(sup, sqlite3_column_int64(st, 1)),
		       k;
		int p = sqlite3_column_int(st, 2);
		r->stock_week = sqlite3_column_int(st, 0);
		if (p < 1 || p > KB_NPREF)
			continue;
		for (k = 0; k < sc->ndevices; k++)
			if (sc->devices[k].device == dev) {
				size_t at = k * KB_NPREF + (size_t)(p - 1);
				r->stock[at] = sqlite3_column_double(st, 3);
				r->consumption[at] = sqlite3_column_double(st, 4);
			}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE
		       ? 0
		       : kb__sql_fail(err, kb_store_sqlite(s), "stock");
}

/* With stops or a delay: the share of each device's supply still made on
 * each day (through the chain map; a device not in it is not affected)
 * and the days of resupply the hospitals have missed by each day (a
 * delivery shipped in the delay's window arrives `delay` days late). */
static int disrupt(struct kb_store *s, const struct kb_supply *sup,
		   const struct kb_scenario *sc, struct kb_scenario_result *r,
		   struct kb_err *err)
{
	size_t K = sc->ndevices, N = (size_t)sc->days + 1, k, i, *item;
	struct kb_chain ch;
	unsigned char *down, *one;
	double *avail, *recv;
	int d, rc;
	if (!sc->nstops && !sc->delay)
		return 0;
	if ((rc = kb_chain_load(s, sup, &ch, err)))
		return rc;
	r->supply = kb_malloc(K * N * sizeof(double));
	r->missed = kb_calloc(K * N, sizeof(double));
	item = kb_malloc((K + 1) * sizeof(size_t));
	down = kb_calloc(sup->nsites + 1, 1);
	one = kb_calloc(sup->nsites + 1, 1);
	avail = kb_calloc(ch.nitem + 1, sizeof(double));
	recv = kb_malloc((N + 366) * sizeof(double));
	for (k = 0; k < K; k++) {
		item[k] = kb_chain_item(
			&ch, sup->devices[sc->devices[k].device].code);
		r->chained += item[k] != KB_NONE;
	}
	for (d = 0; d <= sc->days; d++) {
		memset(down, 0, sup->nsites);
		for (i = 0; i < sc->nstops; i++) {
			const struct kb_scenario_stop *x = &sc->stops[i];
			size_t j;
			if (d < x->from || d > x->to)
				continue;
			kb_chain_stop(sup, x->what, x->id, one);
			for (j = 0; j < sup->nsites; j++)
				down[j] |= one[j];
		}
		kb_chain_avail(&ch, down, avail);
		for (k = 0; k < K; k++)
			r->supply[k * N + (size_t)d] =
				item[k] == KB_NONE ? 1 : avail[item[k]];
	}
	for (k = 0; k < K; k++) {
		memset(recv, 0, (N + 366) * sizeof(double));
		for (d = 1; d <= sc->days; d++) {
			int late = sc->delay && d >= sc->delay_from &&
				   d <= sc->delay_to;
			recv[(size_t)d + (size_t)(late ? sc->delay : 0)] +=
				r->supply[k * N + (size_t)d];
		}
		for (d = 1; d <= sc->days; d++)
			r->missed[k * N + (size_t)d] =
				r->missed[k * N + (size_t)d - 1] + 1 -
				recv[(size_t)d];
	}
	kb_chain_release(&ch);
	free(item);
	free(down);
	free(one);
	free(avail);
	free(recv);
	return 0;
}

int kb_scenario_run(struct kb_store *s, const struct kb_supply *sup,
		    const struct kb_scenario *sc, int threads,
		    kb_epi_progress_fn progress, void *ctx,
		    struct kb_scenario_result *out, struct kb_err *err)
{
	double pop[KB_NPREF];
	struct kb_epi m;
	unsigned cares = 0;
	size_t k;
	int i, r;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < KB_NPREF; i++)
		pop[i] = (double)sup->prefs[i].population;
	for (k = 0; k < sc->ndevices; k++)
		cares |= 1u << sc->devices[k].care;
	memset(&m, 0, sizeof(m));
	m.npref = KB_NPREF;
	m.pop = pop;
	m.infected0 = sc->infected;
	m.census0 = sc->census;
	m.days = sc->days;
	m.p = sc->lo;
	m.changes = sc->changes;
	m.nchanges = sc->nchanges;
	out->stock = kb_calloc(sc->ndevices * KB_NPREF + 1, sizeof(double));
	out->consumption = kb_calloc(sc->ndevices * KB_NPREF + 1, sizeof(double));
	if ((r = load_stock(s, sup, sc, out, err)) ||
	    (r = disrupt(s, sup, sc, out, err)) ||
	    (r = kb_epi_monte_carlo(&m, &sc->lo, &sc->hi, sc->runs, sc->seed,
				    cares | (sc->keep_runs ? KB_EPI_KEEP_RUNS : 0),
				    threads, progress, ctx, &out->bands, err))) {
		kb_scenario_result_release(out);
		return r;
	}
	return 0;
}

void kb_scenario_result_release(struct kb_scenario_result *r)
{
	kb_epi_bands_release(&r->bands);
	free(r->stock);
	free(r->consumption);
	free(r->supply);
	free(r->missed);
	memset(r, 0, sizeof(*r));
}

/* The demand surges' factor on day d in prefecture pref (1..47). */
static double surge(const struct kb_scenario *sc, int d, int pref)
{
	double f = 1;
	size_t i;
	for (i = 0; i < sc->nsurges; i++) {
		const struct kb_scenario_surge *x = &sc->surges[i];
		if (d >= x->from && d <= x->to && (!x->pref || x->pref == pref))
			f *= x->factor;
	}
	return f;
}

double kb_scenario_demand(const struct kb_scenario *sc,
			  const struct kb_scenario_result *r, size_t k, int q,
			  int d, int pref)
{
	const struct kb_scenario_device *dv = &sc->devices[k];
	const struct kb_epi_bands *b = &r->bands;
	const float *day = b->p[1] + (size_t)d * b->npref * KB_NCARE + dv->care;
	double v, with = 0, without = 0;
	int p;
	if (pref)
		return dv->units * surge(sc, d, pref) *
		       b->p[q][((size_t)d * b->npref + (size_t)(pref - 1)) * KB_NCARE +
			       dv->care];
	v = b->nation[q][(size_t)d * KB_NCARE + dv->care];
	if (!sc->nsurges)
		return dv->units * v;
	/* the national band scaled as the prefectures' medians are */
	for (p = 1; p <= KB_NPREF; p++) {
		double m = day[(size_t)(p - 1) * KB_NCARE];
		with += surge(sc, d, p) * m;
		without += m;
	}
	return dv->units * v * (without > 0 ? with / without : surge(sc, d, 1));
}

double kb_scenario_stock(const struct kb_scenario *sc,
			 const struct kb_scenario_result *r, size_t k, int d,
			 int pref)
{
	double sum = 0, v;
	int i;
	if (!pref) {
		for (i = 1; i <= KB_NPREF; i++)
			sum += kb_scenario_stock(sc, r, k, d, i);
		return sum;
	}
	v = r->stock[k * KB_NPREF + (size_t)(pref - 1)];
	if (r->missed) /* a day missed costs a day of consumption */
		v -= r->consumption[k * KB_NPREF + (size_t)(pref - 1)] / 7 *
		     r->missed[k * ((size_t)sc->days + 1) + (size_t)d];
	return v > 0 ? v : 0;
}

/* The shortfall of device k on day d across the prefectures, at the
 * median: what each prefecture lacks, summed (a surplus elsewhere is not
 * counted: moving it is the allocation's business); under half a unit is
 * no shortfall. */
static double shortfall(const struct kb_scenario *sc,
			const struct kb_scenario_result *r, size_t k, int d)
{
	double sum = 0;
	int p;
	for (p = 1; p <= KB_NPREF; p++) {
		double lack = kb_scenario_demand(sc, r, k, 1, d, p) -
			      kb_scenario_stock(sc, r, k, d, p);
		if (lack >= 0.5) /* whole units */
			sum += lack;
	}
	return sum;
}

static json_t *pref_names(const struct kb_supply *sup, enum kb_lang lang)
{
	json_t *a = json_array();
	int p;
	for (p = 0; p < KB_NPREF; p++)
		json_array_append_new(
			a, json_string(KB_NAME(&sup->prefs[p], lang)));
	return a;
}

static json_t *disruptions_json(const struct kb_scenario *sc,
				const struct kb_scenario_result *r)
{
	static const char *const what[] = { "site", "supplier", "country",
					    "region" };
	json_t *stops = json_array(), *surges = json_array();
	size_t i;
	for (i = 0; i < sc->nstops; i++)
		json_array_append_new(stops,
				      json_pack("{s:s, s:s, s:i, s:i}", "what",
						what[sc->stops[i].what], "id",
						sc->stops[i].id, "from",
						sc->stops[i].from, "to",
						sc->stops[i].to));
	for (i = 0; i < sc->nsurges; i++) {
		const struct kb_scenario_surge *x = &sc->surges[i];
		json_array_append_new(
			surges,
			json_pack("{s:f, s:i, s:i, s:o}", "factor", x->factor,
				  "from", x->from, "to", x->to, "prefecture",
				  x->pref ? json_integer(x->pref) : json_null()));
	}
	return json_pack("{s:o, s:o, s:o, s:i}", "stops", stops, "delay",
			 sc->delay ? json_pack("{s:i, s:i, s:i}", "days",
					       sc->delay, "from", sc->delay_from,
					       "to", sc->delay_to)
				   : json_null(),
			 "surges", surges, "devices_in_chain_map", r->chained);
}

json_t *kb_scenario_to_json(const struct kb_scenario *sc,
			    const struct kb_scenario_result *r,
			    const struct kb_supply *sup, enum kb_lang lang)
{
	json_t *j = json_object(), *devs = json_array();
	char date[16];
	size_t k;
	kb_week_format(sc->start, date);
	json_object_set_new(j, "name", json_string(sc->name));
	json_object_set_new(j, "start", json_string(date));
	json_object_set_new(j, "days", json_integer(sc->days));
	json_object_set_new(j, "runs", json_integer((json_int_t)sc->runs));
	if (r->stock_week >= 0) {
		kb_week_format(r->stock_week, date);
		json_object_set_new(j, "stock_week", json_string(date));
	} else {
		json_object_set_new(j, "stock_week", json_null());
	}
	for (k = 0; k < sc->ndevices; k++) {
		const struct kb_device *d = &sup->devices[sc->devices[k].device];
		json_t *x, *series[3], *shortj = json_array();
		double peak = -1, worst = 0;
		int day = 0, t, q, p, first_short = -1, nshort = 0;
		for (q = 0; q < 3; q++)
			series[q] = json_array();
		for (t = 0; t <= sc->days; t++) {
			double v = kb_scenario_demand(sc, r, k, 1, t, 0),
			       sf = shortfall(sc, r, k, t);
			if (v > peak)
				peak = v, day = t;
			if (sf > worst)
				worst = sf;
			if (sf > 0 && first_short < 0)
				first_short = t;
			for (q = 0; q < 3; q++)
				json_array_append_new(
					series[q], json_real(kb_scenario_demand(
							   sc, r, k, q, t, 0)));
			json_array_append_new(shortj, json_real(sf));
		}
		for (p = 1; p <= KB_NPREF; p++)
			for (t = 0; t <= sc->days; t++)
				if (kb_scenario_demand(sc, r, k, 1, t, p) -
					    kb_scenario_stock(sc, r, k, t, p) >=
				    0.5) {
					nshort++;
					break;
				}
		kb_week_format(sc->start + day, date);
		x = json_pack(
			"{s:s, s:s, s:s, s:f, s:{s:s, s:i, s:f, s:f, s:f}, s:f, "
			"s:f, s:i}",
			"code", d->code, "name", KB_NAME(d, lang), "care",
			kb_care_key(sc->devices[k].care), "units_per_patient",
			sc->devices[k].units, "peak", "date", date, "day", day,
			"p5", kb_scenario_demand(sc, r, k, 0, day, 0), "p50",
			peak, "p95", kb_scenario_demand(sc, r, k, 2, day, 0),
			"stock", kb_scenario_stock(sc, r, k, 0, 0),
			"shortfall_max", worst, "prefectures_short", nshort);
		if (first_short >= 0) {
			kb_week_format(sc->start + first_short, date);
			json_object_set_new(x, "first_short", json_string(date));
		} else {
			json_object_set_new(x, "first_short", json_null());
		}
		json_object_set_new(x, "national",
				    json_pack("{s:o, s:o, s:o, s:o}", "p5",
					      series[0], "p50", series[1], "p95",
					      series[2], "shortfall", shortj));
		/* the shortfall by prefecture and day, whole units */
		{
			json_t *by = json_array();
			for (p = 1; p <= KB_NPREF; p++) {
				json_t *row = json_array();
				for (t = 0; t <= sc->days; t++) {
					double lack =
						kb_scenario_demand(sc, r, k, 1,
								   t, p) -
						kb_scenario_stock(sc, r, k, t, p);
					json_array_append_new(
						row,
						json_integer(
							lack >= 0.5
								? (json_int_t)floor(
									  lack + 0.5)
								: 0));
				}
				json_array_append_new(by, row);
			}
			json_object_set_new(x, "shortfall_by_prefecture", by);
		}
		if (r->missed) {
			/* what the disruptions leave: the share of supply
			 * made, the national stock by day */
			json_t *sup_j = json_array(), *st_j = json_array();
			double low = 1;
			size_t N = (size_t)sc->days + 1;
			for (t = 0; t <= sc->days; t++) {
				double v = r->supply[k * N + (size_t)t];
				low = v < low ? v : low;
				json_array_append_new(sup_j, json_real(v));
				json_array_append_new(
					st_j, json_real(kb_scenario_stock(
						      sc, r, k, t, 0)));
			}
			json_object_set_new(x, "supply_lowest", json_real(low));
			json_object_set_new(
				x, "resupply_missed_days",
				json_real(r->missed[k * N + (size_t)sc->days]));
			json_object_set_new(json_object_get(x, "national"),
					    "supply", sup_j);
			json_object_set_new(json_object_get(x, "national"),
					    "stock", st_j);
		}
		json_array_append_new(devs, x);
	}
	json_object_set_new(j, "devices", devs);
	json_object_set_new(j, "disruptions", disruptions_json(sc, r));
	json_object_set_new(j, "prefectures", pref_names(sup, lang));
	json_object_set_new(
		j, "fitted",
		sc->fit_r0 >= 0 ? json_pack("{s:f, s:f, s:f}", "growth_per_day",
					    sc->fit_growth, "r0", sc->fit_r0,
					    "infected_day0", sc->fit_infected)
				: json_null());
	return j;
}

void kb_scenario_csv(const struct kb_scenario *sc,
		     const struct kb_scenario_result *r,
		     const struct kb_supply *sup, enum kb_lang lang, int bom,
		     struct kb_buf *out)
{
	static const char *const head[] = {
		"date",	      "day",	     "prefecture", "prefecture_name",
		"device",     "device_name", "care",	   "demand_p5",
		"demand_p50", "demand_p95",  "stock",	   "shortfall"
	};
	struct kb_csvw w;
	size_t k, i;
	int t, p;
	kb_csvw_init(&w, out, bom);
	for (i = 0; i < KB_ARRAY_SIZE(head); i++)
		kb_csvw_field(&w, head[i]);
	kb_csvw_end(&w);
	for (t = 0; t <= sc->days; t++) {
		char date[16];
		kb_week_format(sc->start + t, date);
		for (p = 1; p <= KB_NPREF; p++)
			for (k = 0; k < sc->ndevices; k++) {
				const struct kb_device *d =
					&sup->devices[sc->devices[k].device];
				double med = kb_scenario_demand(sc, r, k, 1, t,
								p),
				       st = kb_scenario_stock(sc, r, k, t, p);
				kb_csvw_field(&w, date);
				kb_csvw_fieldf(&w, "%d", t);
				kb_csvw_fieldf(&w, "%02d", p);
				kb_csvw_field(&w,
					      KB_NAME(&sup->prefs[p - 1], lang));
				kb_csvw_field(&w, d->code);
				kb_csvw_field(&w, KB_NAME(d, lang));
				kb_csvw_field(&w,
					      kb_care_key(sc->devices[k].care));
				kb_csvw_num(&w, kb_scenario_demand(sc, r, k, 0,
								   t, p));
				kb_csvw_num(&w, med);
				kb_csvw_num(&w, kb_scenario_demand(sc, r, k, 2,
								   t, p));
				kb_csvw_num(&w, st);
				kb_csvw_num(&w, med - st >= 0.5 ? med - st : 0);
				kb_csvw_end(&w);
			}
	}
}

/* ---- the emergency allocation of a scenario ---- */

int kb_scenario_allocate(const struct kb_scenario *sc,
			 const struct kb_scenario_result *r,
			 const struct kb_supply *sup, int fair,
			 int no_worse_off, int threads, struct kb_buf *mps,
			 struct kb_alloc_plan *out, struct kb_err *err)
{
	size_t D = sc->ndevices, T = (size_t)sc->days, k;
	double *demand = kb_calloc(D * KB_NPREF * T + 1, sizeof(double));
	double *stock = kb_calloc(D * KB_NPREF + 1, sizeof(double));
	double *depot = kb_calloc(D + 1, sizeof(double)),
	       *cap = kb_calloc(D + 1, sizeof(double)), pop[KB_NPREF],
	       *supply = r->supply ? kb_malloc(D * T * sizeof(double)) : NULL;
	int *lead = kb_calloc(D + 1, sizeof(int)), p, t, rc;
	struct kb_alloc a;

	for (p = 0; p < KB_NPREF; p++)
		pop[p] = (double)sup->prefs[p].population;
	for (k = 0; k < D; k++) {
		depot[k] = sc->devices[k].depot;
		cap[k] = sc->devices[k].cap;
		lead[k] = sc->devices[k].lead;
		for (t = 0; supply && t < sc->days; t++) /* days 1..days */
			supply[k * T + (size_t)t] =
				r->supply[k * (T + 1) + (size_t)t + 1];
		for (p = 0; p < KB_NPREF; p++) {
			stock[k * KB_NPREF + (size_t)p] =
				floor(r->stock[k * KB_NPREF + (size_t)p]);
			for (t = 0; t < sc->days; t++) /* days 1..days */
				demand[(k * KB_NPREF + (size_t)p) * T + (size_t)t] =
					kb_scenario_demand(sc, r, k, 1, t + 1,
							   p + 1);
		}
	}
	memset(&a, 0, sizeof(a));
	a.ndev = D;
	a.npref = KB_NPREF;
	a.days = sc->days;
	a.demand = demand;
	a.stock = stock;
	a.depot = depot;
	a.cap = cap;
	a.lead = lead;
	a.tau = sc->tau;
	a.consumption = r->stock_week >= 0 ? r->consumption : NULL;
	a.supply = supply;
	a.fair = fair;
	a.no_worse_off = no_worse_off;
	rc = mps ? kb_alloc_mps(&a, mps, err) : 0;
	if (!rc)
		rc = kb_alloc_solve(&a, pop, threads, out, err);
	free(demand);
	free(stock);
	free(depot);
	free(cap);
	free(lead);
	free(supply);
	return rc;
}

json_t *kb_alloc_to_json(const struct kb_scenario *sc,
			 const struct kb_alloc_plan *pl,
			 const struct kb_supply *sup, enum kb_lang lang)
{
	size_t T = (size_t)sc->days, k, p, t;
	json_t *devs = json_array();
	for (k = 0; k < sc->ndevices; k++) {
		const struct kb_device *d = &sup->devices[sc->devices[k].device];
		double ship = 0, ret = 0, buy = 0, unmet = 0;
		json_t *day[4], *by = json_array(), *x;
		int q;
		for (q = 0; q < 4; q++)
			day[q] = json_array();
		for (t = 0; t < T; t++) {
			double v[4] = { 0, 0, pl->buy[k * T + t], 0 };
			for (p = 0; p < KB_NPREF; p++) {
				size_t c = (k * KB_NPREF + p) * T + t;
				v[0] += pl->ship[c];
				v[1] += pl->ret[c];
				v[3] += pl->unmet[c];
			}
			for (q = 0; q < 4; q++)
				json_array_append_new(day[q], json_real(v[q]));
			ship += v[0];
			ret += v[1];
			buy += v[2];
			unmet += v[3];
		}
		for (p = 0; p < KB_NPREF; p++) {
			double sp = 0, up = 0;
			for (t = 0; t < T; t++) {
				sp += pl->ship[(k * KB_NPREF + p) * T + t];
				up += pl->unmet[(k * KB_NPREF + p) * T + t];
			}
			json_array_append_new(
				by, json_pack("{s:i, s:f, s:f}", "prefecture",
					      (int)p + 1, "shipped", sp,
					      "unmet", up));
		}
		x = json_pack("{s:s, s:s, s:f, s:f, s:f, s:f}", "code", d->code,
			      "name", KB_NAME(d, lang), "shipped", ship,
			      "returned", ret, "bought", buy, "unmet", unmet);
		json_object_set_new(x, "daily",
				    json_pack("{s:o, s:o, s:o, s:o}", "shipped",
					      day[0], "returned", day[1],
					      "bought", day[2], "unmet", day[3]));
		json_object_set_new(x, "by_prefecture", by);
		json_array_append_new(devs, x);
	}
	return json_pack(
		"{s:s, s:i, s:{s:f, s:f, s:f, s:f, s:f, s:o}, s:f, s:f, s:f, "
		"s:I, s:I, s:o}",
		"name", sc->name, "days", sc->days, "unmet_unit_days", "plan",
		pl->unmet_total, "lp_bound", pl->lp_unmet, "own_stock_only",
		pl->own_unmet, "by_population", pl->population_unmet,
		"worst_share", pl->worst_share, "by_consumption",
		pl->consumption_unmet >= 0 ? json_real(pl->consumption_unmet)
					   : json_null(),
		"gap", pl->unmet_total - pl->lp_unmet, "objective", pl->objective,
		"solver_seconds", pl->seconds, "rows", (json_int_t)pl->rows,
		"columns", (json_int_t)pl->cols, "devices", devs);
}

void kb_alloc_csv(const struct kb_scenario *sc, const struct kb_alloc_plan *pl,
		  const struct kb_supply *sup, enum kb_lang lang, int bom,
		  struct kb_buf *out)
{
	static const char *const head[] = { "date",	  "day",
					    "device",	  "device_name",
					    "prefecture", "prefecture_name",
					    "shipped",	  "returned",
					    "unmet" };
	size_t T = (size_t)sc->days, k, p, t, i;
	struct kb_csvw w;
	kb_csvw_init(&w, out, bom);
	for (i = 0; i < KB_ARRAY_SIZE(head); i++)
		kb_csvw_field(&w, head[i]);
	kb_csvw_end(&w);
	for (t = 0; t < T; t++)
		for (k = 0; k < sc->ndevices; k++)
			for (p = 0; p < KB_NPREF; p++) {
				size_t c = (k * KB_NPREF + p) * T + t;
				const struct kb_device *d =
					&sup->devices[sc->devices[k].device];
				char date[16];
				if (!pl->ship[c] && !pl->ret[c] && !pl->unmet[c])
					continue;
				kb_week_format(sc->start + (int)t + 1, date);
				kb_csvw_field(&w, date);
				kb_csvw_fieldf(&w, "%zu", t + 1);
				kb_csvw_field(&w, d->code);
				kb_csvw_field(&w, KB_NAME(d, lang));
				kb_csvw_fieldf(&w, "%02zu", p + 1);
				kb_csvw_field(&w, KB_NAME(&sup->prefs[p], lang));
				kb_csvw_num(&w, pl->ship[c]);
				kb_csvw_num(&w, pl->ret[c]);
				kb_csvw_num(&w, pl->unmet[c]);
				kb_csvw_end(&w);
			}
}
