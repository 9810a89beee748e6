/*
 * stockpile_files.c - the stockpile plan of a set of scenario files: their
 * Monte Carlo runs become the scenarios of the stochastic program
 * (stockpile.c), the first file gives the economics (scenario.h).
 */
#include "core/compat.h"

#include <math.h>

#include "kiban/csv.h"
#include "kiban/scenario.h"

/* Each file's probability: as given, the rest shared by the files that
 * give none.  0, or KB_EINVALID reported. */
static int probabilities(const struct kb_scenario *sc, size_t n, double *prob,
			 struct kb_err *err)
{
	double given = 0;
	size_t i, open = 0;
	for (i = 0; i < n; i++) {
		if (sc[i].probability >= 0)
			given += sc[i].probability;
		else
			open++;
	}
	if (given > 1 + 1e-9 || (!open && fabs(given - 1) > 1e-6))
		return kb_err_at(
			err, KB_EINVALID, sc[0].file, 0, 0, "probability",
			KB_TR(err->lang,
			      "the scenarios' probabilities sum to %g, not 1",
			      "シナリオの確率の合計が 1 ではなく %g です"),
			given);
	for (i = 0; i < n; i++)
		prob[i] = sc[i].probability >= 0 ? sc[i].probability
						 : (1 - given) / (double)open;
	return 0;
}

int kb_scenario_stockpile(const struct kb_scenario *sc,
			  const struct kb_scenario_result *res, size_t n,
			  const struct kb_supply *sup, double budget,
			  double weeks, int levels, struct kb_buf *mps,
			  struct kb_stockpile_result *out, struct kb_err *err)
{
	const struct kb_scenario *first = &sc[0];
	size_t K = first->ndevices, P = KB_NPREF, S = 0, D, f, r, k, p, s;
	int days = 0, t, rc;
	double *fprob = kb_malloc((n + 1) * sizeof(double)), *prob, *cost,
	       *units, *held, *fixed;
	int *tau;
	float *demand;
	struct kb_stockpile sp;

	memset(out, 0, sizeof(*out));
	out->budget = budget >= 0 ? budget : first->budget;
	for (k = 0; k < K; k++)
		if (!(first->devices[k].price > 0))
			kb_err_at(err, KB_EINVALID, first->file, 0, 0, "cost",
				  KB_TR(err->lang,
					"device %s has no cost: add a line "
					"'cost = %s PRICE SHELF_LIFE_YEARS'",
					"機器 %s に費用がありません。'cost = %s "
					"価格 耐用年数' の行を加えてください"),
				  sup->devices[first->devices[k].device].code,
				  sup->devices[first->devices[k].device].code);
	if (out->budget < 0)
		kb_err_at(
			err, KB_EINVALID, first->file, 0, 0, "budget", "%s",
			KB_TR(err->lang,
			      "no budget: add a line 'budget = YEN_A_YEAR' or give --budget",
			      "予算がありません。'budget = 年額（円）' の行を加えるか --budget を指定してください"));
	if (err->n || probabilities(sc, n, fprob, err)) {
		free(fprob);
		return KB_EINVALID;
	}
	for (f = 0; f < n; f++) {
		S += res[f].bands.runs;
		if (sc[f].days > days)
			days = sc[f].days;
	}
	D = first->nwarehouses ? first->nwarehouses : 1;
	prob = kb_malloc(S * sizeof(double));
	cost = kb_malloc(K * sizeof(double));
	units = kb_malloc(K * sizeof(double));
	held = kb_malloc(K * sizeof(double));
	fixed = kb_malloc(K * sizeof(double));
	tau = kb_malloc(D * P * sizeof(int));
	demand = kb_calloc(S * K * P * (size_t)days, sizeof(float));
	for (k = 0; k < K; k++) {
		const struct kb_scenario_device *dv = &first->devices[k];
		cost[k] = dv->price / dv->shelf_life + dv->holding +
			  dv->maintenance;
		units[k] = dv->units;
		held[k] = dv->depot;
	}
	for (p = 0; p < P; p++)
		for (f = 0; f < D; f++)
			tau[f * P + p] =
				first->nwarehouses
					? kb_pref_transport(first->warehouse[f],
							    (int)p + 1)
					: first->tau[p];
	/* the runs of each file, in the first file's devices: a device a
	 * file does not name is not needed in its runs */
	for (f = 0, s = 0; f < n; f++) {
		const struct kb_epi_bands *b = &res[f].bands;
		size_t cells = (size_t)(b->days + 1) * P;
		for (r = 0; r < b->runs; r++, s++) {
			prob[s] = fprob[f] / (double)b->runs;
			for (k = 0; k < K; k++) {
				size_t j;
				for (j = 0; j < sc[f].ndevices &&
					    sc[f].devices[j].device !=
						    first->devices[k].device;
				     j++)
					;
				if (j == sc[f].ndevices)
					continue;
				for (p = 0; p < P; p++)
					for (t = 0; t < b->days; t++)
						demand[((s * K + k) * P + p) *
							       (size_t)days +
						       (size_t)t] =
							(float)(sc[f].devices[j].units *
								b->run[sc[f].devices[j]
									       .care]
								      [r * cells +
								       (size_t)(t + 1) * P +
								       p]);
			}
		}
	}
	memset(&sp, 0, sizeof(sp));
	sp.ndev = K;
	sp.npref = P;
	sp.nscen = S;
	sp.ndepot = D;
	sp.days = days;
	sp.demand = demand;
	sp.prob = prob;
	sp.stock = res[0].stock;
	sp.units = units;
	sp.cost = cost;
	sp.held = held;
	sp.tau = tau;
	sp.budget = out->budget;
	sp.levels = levels;
	out->scenarios = S;
	if (!(rc = kb_stockpile_solve(&sp, mps, &out->plan, err))) {
		out->rule_weeks = kb_stockpile_rule(&sp, weeks, fixed);
		sp.fixed = fixed;
		if ((rc = kb_stockpile_solve(&sp, NULL, &out->rule, err)))
			kb_stockpile_plan_release(&out->plan);
	}
	free(fprob);
	free(prob);
	free(cost);
	free(units);
	free(held);
	free(fixed);
	free(tau);
	free(demand);
	return rc;
}

void kb_stockpile_result_release(struct kb_stockpile_result *r)
{
	kb_stockpile_plan_release(&r->plan);
	kb_stockpile_plan_release(&r->rule);
	memset(r, 0, sizeof(*r));
}

json_t *kb_stockpile_to_json(const struct kb_scenario *sc,
			     const struct kb_stockpile_result *r,
			     const struct kb_supply *sup, enum kb_lang lang)
{
	const struct kb_stockpile_plan *pl = &r->plan;
	size_t D = sc->nwarehouses ? sc->nwarehouses : 1, k, d;
	json_t *devs = json_array(), *wh = json_array();
	for (d = 0; d < sc->nwarehouses; d++)
		json_array_append_new(
			wh, json_pack("{s:i, s:s}", "prefecture",
				      sc->warehouse[d], "name",
				      KB_NAME(&sup->prefs[sc->warehouse[d] - 1],
					      lang)));
	for (k = 0; k < sc->ndevices; k++) {
		const struct kb_scenario_device *dv = &sc->devices[k];
		const struct kb_device *x = &sup->devices[dv->device];
		double yearly = dv->price / dv->shelf_life + dv->holding +
				dv->maintenance,
		       total = 0, rule = 0;
		json_t *at = json_array();
		for (d = 0; d < D; d++) {
			total += pl->units[k * D + d];
			rule += r->rule.units[k * D + d];
			if (sc->nwarehouses)
				json_array_append_new(
					at, json_real(pl->units[k * D + d]));
		}
		json_array_append_new(
			devs,
			json_pack("{s:s, s:s, s:f, s:o, s:f, s:f, s:f, s:f, s:f}",
				  "code", x->code, "name", KB_NAME(x, lang),
				  "units", total, "by_warehouse", at,
				  "held_before", dv->depot, "yen_a_year_each",
				  yearly, "value_per_unit", pl->value[k],
				  "value_per_million_yen",
				  pl->value[k] / yearly * 1e6, "rule_units",
				  rule));
	}
	return json_pack(
		"{s:s, s:I, s:f, s:f, s:f, s:o, s:{s:f, s:f, s:f, s:f}, s:f, "
		"s:f, s:I, s:I, s:o}",
		"name", sc->name, "scenarios", (json_int_t)r->scenarios,
		"budget", r->budget, "spent", pl->spent,
		"value_per_million_yen", pl->yen_value * 1e6, "warehouses", wh,
		"expected_unmet_patient_days", "plan", pl->expected_unmet,
		"model", pl->lp_unmet, "rule", r->rule.expected_unmet,
		"no_stockpile", pl->none_unmet, "rule_weeks", r->rule_weeks,
		"solver_seconds", pl->seconds, "rows", (json_int_t)pl->rows,
		"columns", (json_int_t)pl->cols, "devices", devs);
}

void kb_stockpile_csv(const struct kb_scenario *sc,
		      const struct kb_stockpile_result *r,
		      const struct kb_supply *sup, enum kb_lang lang, int bom,
		      struct kb_buf *out)
{
	static const char *const head[] = {
		"device", "device_name", "warehouse",	   "warehouse_name",
		"units",  "yen_a_year",	 "value_per_unit", "rule_units",
	};
	size_t D = sc->nwarehouses ? sc->nwarehouses : 1, k, d, i;
	struct kb_csvw w;
	kb_csvw_init(&w, out, bom);
	for (i = 0; i < KB_ARRAY_SIZE(head); i++)
		kb_csvw_field(&w, head[i]);
	kb_csvw_end(&w);
	for (k = 0; k < sc->ndevices; k++)
		for (d = 0; d < D; d++) {
			const struct kb_scenario_device *dv = &sc->devices[k];
			const struct kb_device *x = &sup->devices[dv->device];
			double u = r->plan.units[k * D + d];
			kb_csvw_field(&w, x->code);
			kb_csvw_field(&w, KB_NAME(x, lang));
			if (sc->nwarehouses) {
				kb_csvw_fieldf(&w, "%02d", sc->warehouse[d]);
				kb_csvw_field(
					&w,
					KB_NAME(&sup->prefs[sc->warehouse[d] - 1],
						lang));
			} else {
				kb_csvw_field(&w, "");
				kb_csvw_field(&w, KB_TR(lang, "national depot",
							"国の備蓄"));
			}
			kb_csvw_num(&w, u);
			kb_csvw_num(&w, u * (dv->price / dv->shelf_life +
					     dv->holding + dv->maintenance));
			kb_csvw_num(&w, r->plan.value[k]);
			kb_csvw_num(&w, r->rule.units[k * D + d]);
			kb_csvw_end(&w);
		}
}
