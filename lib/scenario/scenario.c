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

#include "kiban/csv.h"
#include "kiban/scenario.h"
#include "store/sql.h"

/* Illustrative defaults, to be replaced by the desk's own figures. */
static const double default_share[KB_NCARE] = { 0.03, 0.005, 0.003, 0.0003,
						0.015 };
static const double default_stay[KB_NCARE] = { 10, 10, 12, 20, 8 };

struct parser {
	const char *file;
	unsigned line;
	const char *text; /* the line */
	const struct kb_supply *sup;
	struct kb_err *err;
	int ranged; /* some parameter has a range */
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

/* Where each intervention was written, to place a late complaint. */
struct where {
	unsigned line, col;
};

static void add_change(struct kb_scenario *sc, struct where **wh, size_t *awh,
		       size_t *ach, const struct kb_epi_change *x,
		       unsigned line, unsigned col)
{
	KB_ALLOC_GROW(sc->changes, sc->nchanges + 1, *ach);
	KB_ALLOC_GROW(*wh, sc->nchanges + 1, *awh);
	(*wh)[sc->nchanges] = (struct where){ line, col };
	sc->changes[sc->nchanges++] = *x;
}

static void line_of(struct parser *ps, struct kb_scenario *sc, char *key,
		    char *val, struct where **wh, size_t *awh, size_t *ach,
		    double *per_million)
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
		number(ps, key, val, val, 0, 1e6, 0, per_million);
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
			add_change(sc, wh, awh, ach, &x, ps->line,
				   column(ps, day_at));
			return;
		}
		{
			char *save = NULL, *p;
			for (p = strtok_r(ws.w[2], ",", &save); p;
			     p = strtok_r(NULL, ",", &save))
				if ((x.pref = pref_of(ps, key,
						      ws.at[2] + (p - ws.w[2]),
						      p)))
					add_change(sc, wh, awh, ach, &x,
						   ps->line, column(ps, day_at));
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

int kb_scenario_parse(const char *file, const char *text, size_t len,
		      const struct kb_supply *sup, int today,
		      struct kb_scenario *out, struct kb_err *err)
{
	struct parser ps = { file, 0, NULL, sup, err, 0 };
	struct kb_scenario *sc = out;
	char *buf = kb_malloc(len + 1), *line, *save = NULL;
	struct where *wh = NULL;
	size_t awh = 0, ach = 0, i, before = kb_err_count(err);
	double per_million = 1;
	int c, r0_given = 0, device_lines = 0;

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
	for (i = 0; i < KB_NPREF; i++) /* a day; two to Hokkaido, Okinawa */
		sc->tau[i] = i == 0 || i == KB_NPREF - 1 ? 2 : 1;
	/* lines are split by hand: strtok would skip empty ones */
	for (line = buf; line; line = save) {
		char *eq, *key, *val, *e;
		save = strchr(line, '\n');
		if (save)
			*save++ = 0;
		ps.line++;
		ps.text = line;
		line[strcspn(line, "\r")] = 0;
		if (ps.line == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
			line += 3, ps.text = line; /* a BOM */
		key = line + strspn(line, " \t");
		if (!*key || *key == '#')
			continue;
		if (!(eq = strchr(key, '='))) {
			kb_err_at(err, KB_EINVALID, file, ps.line,
				  column(&ps, key), NULL, "%s",
				  KB_TR(err->lang, "expected key = value",
					"key = value の形で書いてください"));
			continue;
		}
		for (e = eq; e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = 0;
		val = eq + 1 + strspn(eq + 1, " \t");
		for (e = val + strlen(val);
		     e > val && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = 0;
		r0_given |= !strcmp(key, "r0");
		device_lines += !strcmp(key, "device");
		line_of(&ps, sc, key, val, &wh, &awh, &ach, &per_million);
	}
	if (!r0_given)
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
	for (i = 0; i < sc->nchanges; i++)
		if (sc->changes[i].day > sc->days)
			kb_err_at(
				err, KB_EINVALID, file, wh[i].line, wh[i].col,
				"intervention",
				KB_TR(err->lang,
				      "day %d is after the scenario's last day, %d",
				      "%d 日目はシナリオの最終日 %d 日目より後です"),
				sc->changes[i].day, sc->days);
	free(wh);
	free(buf);
	if (kb_err_count(err) > before) {
		kb_err_sort(err);
		kb_scenario_release(sc);
		return KB_EINVALID;
	}
	for (i = 0; i < KB_NPREF; i++)
		if (!sc->infected[i])
			sc->infected[i] = (double)sup->prefs[i].population *
					  per_million / 1e6;
	if (!sc->runs)
		sc->runs = ps.ranged ? 1000 : 1;
	if (!sc->name)
		sc->name = kb_strdup(file);
	sc->file = kb_strdup(file);
	return 0;
}

void kb_scenario_release(struct kb_scenario *sc)
{
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
	memset(r, 0, sizeof(*r));
}

double kb_scenario_demand(const struct kb_scenario *sc,
			  const struct kb_scenario_result *r, size_t k, int q,
			  int d, int pref)
{
	const struct kb_scenario_device *dv = &sc->devices[k];
	const struct kb_epi_bands *b = &r->bands;
	double v =
		pref ? b->p[q][((size_t)d * b->npref + (size_t)(pref - 1)) * KB_NCARE +
			       dv->care]
		     : b->nation[q][(size_t)d * KB_NCARE + dv->care];
	return dv->units * v;
}

double kb_scenario_stock(const struct kb_scenario *sc,
			 const struct kb_scenario_result *r, size_t k, int pref)
{
	double sum = 0;
	int i;
	(void)sc;
	if (pref)
		return r->stock[k * KB_NPREF + (size_t)(pref - 1)];
	for (i = 0; i < KB_NPREF; i++)
		sum += r->stock[k * KB_NPREF + (size_t)i];
	return sum;
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
			      kb_scenario_stock(sc, r, k, p);
		if (lack >= 0.5) /* whole units */
			sum += lack;
	}
	return sum;
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
					    kb_scenario_stock(sc, r, k, p) >=
				    0.5) {
					nshort++;
					break;
				}
		kb_week_format(sc->start + day, date);
		x = json_pack(
			"{s:s, s:s, s:s, s:f, s:{s:s, s:i, s:f, s:f, s:f}, s:f, "
			"s:f, s:i}",
			"code", d->code, "name",
			lang == KB_LANG_EN ? d->name_en : d->name_ja, "care",
			kb_care_key(sc->devices[k].care), "units_per_patient",
			sc->devices[k].units, "peak", "date", date, "day", day,
			"p5", kb_scenario_demand(sc, r, k, 0, day, 0), "p50",
			peak, "p95", kb_scenario_demand(sc, r, k, 2, day, 0),
			"stock", kb_scenario_stock(sc, r, k, 0),
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
		json_array_append_new(devs, x);
	}
	json_object_set_new(j, "devices", devs);
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
				       st = kb_scenario_stock(sc, r, k, p);
				kb_csvw_field(&w, date);
				kb_csvw_fieldf(&w, "%d", t);
				kb_csvw_fieldf(&w, "%02d", p);
				kb_csvw_field(
					&w, lang == KB_LANG_EN
						    ? sup->prefs[p - 1].name_en
						    : sup->prefs[p - 1].name_ja);
				kb_csvw_field(&w, d->code);
				kb_csvw_field(&w, lang == KB_LANG_EN
							  ? d->name_en
							  : d->name_ja);
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
	       *cap = kb_calloc(D + 1, sizeof(double)), pop[KB_NPREF];
	int *lead = kb_calloc(D + 1, sizeof(int)), p, t, rc;
	struct kb_alloc a;

	for (p = 0; p < KB_NPREF; p++)
		pop[p] = (double)sup->prefs[p].population;
	for (k = 0; k < D; k++) {
		depot[k] = sc->devices[k].depot;
		cap[k] = sc->devices[k].cap;
		lead[k] = sc->devices[k].lead;
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
		for (p = 0; p < KB_NPREF; p++)
			for (t = 0; t < T; t++) {
				size_t c = (k * KB_NPREF + p) * T + t;
				ship += pl->ship[c];
				ret += pl->ret[c];
				unmet += pl->unmet[c];
			}
		for (t = 0; t < T; t++)
			buy += pl->buy[k * T + t];
		json_array_append_new(
			devs,
			json_pack("{s:s, s:s, s:f, s:f, s:f, s:f}", "code",
				  d->code, "name",
				  lang == KB_LANG_EN ? d->name_en : d->name_ja,
				  "shipped", ship, "returned", ret, "bought",
				  buy, "unmet", unmet));
	}
	return json_pack(
		"{s:s, s:i, s:{s:f, s:f, s:f, s:f, s:f, s:o}, s:f, s:f, s:I, "
		"s:I, s:o}",
		"name", sc->name, "days", sc->days, "unmet_unit_days", "plan",
		pl->unmet_total, "lp_bound", pl->lp_unmet, "own_stock_only",
		pl->own_unmet, "by_population", pl->population_unmet,
		"worst_share", pl->worst_share, "by_consumption",
		pl->consumption_unmet >= 0 ? json_real(pl->consumption_unmet)
					   : json_null(),
		"gap", pl->unmet_total - pl->lp_unmet, "solver_seconds",
		pl->seconds, "rows", (json_int_t)pl->rows, "columns",
		(json_int_t)pl->cols, "devices", devs);
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
				kb_csvw_field(&w, lang == KB_LANG_EN
							  ? d->name_en
							  : d->name_ja);
				kb_csvw_fieldf(&w, "%02zu", p + 1);
				kb_csvw_field(&w,
					      lang == KB_LANG_EN
						      ? sup->prefs[p].name_en
						      : sup->prefs[p].name_ja);
				kb_csvw_num(&w, pl->ship[c]);
				kb_csvw_num(&w, pl->ret[c]);
				kb_csvw_num(&w, pl->unmet[c]);
				kb_csvw_end(&w);
			}
}
