/*
 * scenario_out.c - a scenario's results as JSON and CSV, for the command's
 * --json and --csv and the server alike (one shape for both): demand,
 * stock and shortfall per device and day at the median and the bands of
 * the Monte Carlo runs, the disruptions; and the allocation's shipments.
 * The shortfall is what each prefecture lacks, summed (a surplus elsewhere
 * is the allocation's business).
 */
#include "core/compat.h"

#include <math.h>

#include "kiban/csv.h"
#include "kiban/scenario.h"

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
