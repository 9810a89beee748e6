/*
 * scenario_file.c - reading a scenario file (kb_scenario_parse, scenario.h,
 * docs/scenario-format.md).
 *
 * A file is read whole and every problem is reported with its line,
 * column and key before anything runs.  A parameter given as "lo..hi" is
 * drawn in that range by each Monte Carlo run; with no range the scenario
 * runs once, deterministically.  Days written before the scenario's length
 * is known are checked once the whole file is read; admissions observed
 * fit the epidemic's start (fit).  Running is scenario_run.c, the results
 * as JSON and CSV scenario_out.c.
 */
#include "core/compat.h"

#include <errno.h>
#include <math.h>

#include "core/utf8.h"
#include "kiban/scenario.h"

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
