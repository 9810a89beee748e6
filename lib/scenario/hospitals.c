/*
 * hospitals.c - a scenario's emergency allocation down to the hospitals
 * of the registry (scenario.h): their share of their prefecture's demand,
 * their own stock, and the plan as JSON and CSV.
 */
#include "core/compat.h"

#include <math.h>

#include "kiban/csv.h"
#include "kiban/scenario.h"
#include "store/sql.h"

/* Each hospital's stock of the scenario's devices in the latest week
 * reported: stock[k * n + h]. */
static int hospital_stock(struct kb_store *s, const struct kb_supply *sup,
			  const struct kb_scenario *sc, const size_t *place,
			  size_t n, double *stock, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT facility, device, stock FROM stock_line WHERE week = "
		"(SELECT max(week) FROM stock_agg)",
		err);
	int rc;
	if (!st)
		return KB_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t org = kb_supply_org_n(sup, sqlite3_column_int64(st, 0)),
		       dev = kb_supply_device_n(sup, sqlite3_column_int64(st, 1)),
		       k;
		if (org == KB_NONE || place[org] == KB_NONE)
			continue;
		for (k = 0; k < sc->ndevices; k++)
			if (sc->devices[k].device == dev)
				stock[k * n + place[org]] =
					floor(sqlite3_column_double(st, 2));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE
		       ? 0
		       : kb__sql_fail(err, kb_store_sqlite(s), "stock_line");
}

int kb_scenario_allocate_hospitals(struct kb_store *s,
				   const struct kb_scenario *sc,
				   const struct kb_scenario_result *r,
				   const struct kb_supply *sup, int threads,
				   struct kb_hospital_plan *out,
				   struct kb_err *err)
{
	size_t K = sc->ndevices, T = (size_t)sc->days, n = 0, i, h, k, t;
	size_t *place = kb_malloc((sup->norgs + 1) * sizeof(size_t));
	double *weight[2], *sum[2], *demand, *stock,
		*depot = kb_malloc((K + 1) * sizeof(double)),
		*cap = kb_malloc((K + 1) * sizeof(double));
	int *group, *tau, *lead = kb_malloc((K + 1) * sizeof(int)), rc;
	struct kb_alloc a;
	struct kb_alloc_tree tr;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sup->norgs; i++) {
		const struct kb_org *o = &sup->orgs[i];
		place[i] = o->kind == KB_ORG_HOSPITAL && o->pref ? n++ : KB_NONE;
	}
	if (!n) {
		free(place);
		free(depot);
		free(cap);
		free(lead);
		return kb_err_set(
			err, KB_EINVALID, "%s",
			KB_TR(err->lang,
			      "the registry has no hospitals in a prefecture",
			      "登録に都道府県の病院がありません"));
	}
	out->hospital = kb_malloc(n * sizeof(size_t));
	out->nhospitals = n;
	group = kb_malloc(n * sizeof(int));
	tau = kb_malloc(n * sizeof(int));
	for (i = 0; i < 2; i++) {
		weight[i] = kb_malloc(n * sizeof(double));
		sum[i] = kb_calloc(KB_NPREF, sizeof(double));
	}
	/* weights: beds, and intensive care beds (beds where none) */
	for (i = 0; i < sup->norgs; i++) {
		const struct kb_org *o = &sup->orgs[i];
		if ((h = place[i]) == KB_NONE)
			continue;
		out->hospital[h] = i;
		group[h] = o->pref - 1;
		tau[h] = 1;
		weight[0][h] = o->beds > 0 ? o->beds : 1;
		weight[1][h] = o->icu_beds > 0 ? o->icu_beds : weight[0][h] / 50;
		sum[0][group[h]] += weight[0][h];
		sum[1][group[h]] += weight[1][h];
	}
	demand = kb_malloc((K * n * T + 1) * sizeof(double));
	stock = kb_calloc(K * n + 1, sizeof(double));
	for (k = 0; k < K; k++) {
		enum kb_care c = sc->devices[k].care;
		int w = c == KB_CARE_ICU || c == KB_CARE_VENT ||
			c == KB_CARE_ECMO;
		depot[k] = sc->devices[k].depot;
		cap[k] = sc->devices[k].cap;
		lead[k] = sc->devices[k].lead;
		for (h = 0; h < n; h++)
			for (t = 0; t < T; t++) /* days 1..days */
				demand[(k * n + h) * T + t] =
					kb_scenario_demand(sc, r, k, 1,
							   (int)t + 1,
							   group[h] + 1) *
					weight[w][h] / sum[w][group[h]];
	}
	if ((rc = hospital_stock(s, sup, sc, place, n, stock, err)))
		goto done;
	memset(&a, 0, sizeof(a));
	a.ndev = K;
	a.npref = n;
	a.days = sc->days;
	a.demand = demand;
	a.stock = stock;
	a.depot = depot;
	a.cap = cap;
	a.lead = lead;
	a.tau = tau;
	a.supply = NULL;
	tr.a = &a;
	tr.ngroup = KB_NPREF;
	tr.group = group;
	tr.group_tau = sc->tau;
	rc = kb_alloc_tree_solve(&tr, threads, &out->plan, err);
done:
	if (rc) {
		free(out->hospital);
		memset(out, 0, sizeof(*out));
	}
	free(place);
	free(group);
	free(tau);
	for (i = 0; i < 2; i++) {
		free(weight[i]);
		free(sum[i]);
	}
	free(demand);
	free(stock);
	free(depot);
	free(cap);
	free(lead);
	return rc;
}

void kb_hospital_plan_release(struct kb_hospital_plan *p)
{
	kb_alloc_tree_plan_release(&p->plan);
	free(p->hospital);
	memset(p, 0, sizeof(*p));
}

json_t *kb_hospital_plan_to_json(const struct kb_scenario *sc,
				 const struct kb_hospital_plan *hp,
				 const struct kb_supply *sup, enum kb_lang lang)
{
	const struct kb_alloc_tree_plan *pl = &hp->plan;
	size_t T = (size_t)sc->days, n = hp->nhospitals, k, h, t;
	json_t *devs = json_array();
	for (k = 0; k < sc->ndevices; k++) {
		const struct kb_device *d = &sup->devices[sc->devices[k].device];
		double ship = 0, ret = 0, unmet = 0, short_h = 0;
		for (h = 0; h < n; h++) {
			double u = 0;
			for (t = 0; t < T; t++) {
				size_t c = (k * n + h) * T + t;
				ship += pl->ship[c];
				ret += pl->ret[c];
				u += pl->unmet[c];
			}
			unmet += u;
			short_h += u > 0;
		}
		json_array_append_new(
			devs, json_pack("{s:s, s:s, s:f, s:f, s:f, s:f}", "code",
					d->code, "name", KB_NAME(d, lang),
					"shipped", ship, "returned", ret, "unmet",
					unmet, "hospitals_short", short_h));
	}
	return json_pack("{s:s, s:i, s:I, s:{s:f, s:f, s:f}, s:f, s:I, s:I, "
			 "s:I, s:o}",
			 "name", sc->name, "days", sc->days, "hospitals",
			 (json_int_t)n, "unmet_unit_days", "plan",
			 pl->unmet_total, "bound", pl->bound, "own_stock_only",
			 pl->own_unmet, "solver_seconds", pl->seconds, "models",
			 (json_int_t)pl->models, "rows", (json_int_t)pl->rows,
			 "columns", (json_int_t)pl->cols, "devices", devs);
}

void kb_hospital_plan_csv(const struct kb_scenario *sc,
			  const struct kb_hospital_plan *hp,
			  const struct kb_supply *sup, enum kb_lang lang,
			  int bom, struct kb_buf *out)
{
	static const char *const head[] = { "date",	   "day",
					    "hospital",	   "hospital_name",
					    "prefecture",  "device",
					    "device_name", "shipped",
					    "returned",	   "unmet" };
	const struct kb_alloc_tree_plan *pl = &hp->plan;
	size_t T = (size_t)sc->days, n = hp->nhospitals, k, h, t, i;
	struct kb_csvw w;
	kb_csvw_init(&w, out, bom);
	for (i = 0; i < KB_ARRAY_SIZE(head); i++)
		kb_csvw_field(&w, head[i]);
	kb_csvw_end(&w);
	for (t = 0; t < T; t++)
		for (h = 0; h < n; h++)
			for (k = 0; k < sc->ndevices; k++) {
				size_t c = (k * n + h) * T + t;
				const struct kb_org *o =
					&sup->orgs[hp->hospital[h]];
				const struct kb_device *d =
					&sup->devices[sc->devices[k].device];
				char date[16];
				if (!pl->ship[c] && !pl->ret[c] && !pl->unmet[c])
					continue;
				kb_week_format(sc->start + (int)t + 1, date);
				kb_csvw_field(&w, date);
				kb_csvw_fieldf(&w, "%zu", t + 1);
				kb_csvw_field(&w, o->id);
				kb_csvw_field(&w, KB_NAME(o, lang));
				kb_csvw_fieldf(&w, "%02d", o->pref);
				kb_csvw_field(&w, d->code);
				kb_csvw_field(&w, KB_NAME(d, lang));
				kb_csvw_num(&w, pl->ship[c]);
				kb_csvw_num(&w, pl->ret[c]);
				kb_csvw_num(&w, pl->unmet[c]);
				kb_csvw_end(&w);
			}
}
