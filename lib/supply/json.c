/*
 * json.c - the supply module's records as JSON, for the command's --json
 * and the server's API alike (one shape for both).
 */
#include "core/compat.h"

#include <jansson.h>

#include "kiban/buf.h"
#include "kiban/supply.h"
#include "supply/supply_int.h"

json_t *kb_device_to_json(const struct kb_device *d)
{
	return json_pack(
		"{s:s, s:s, s:s, s:i, s:s, s:b, s:s, s:s, s:b, s:s, s:i, s:s, "
		"s:{s:f, s:f, s:f, s:f, s:f, s:f}}",
		"code", d->code, "name_ja", d->name_ja, "name_en", d->name_en,
		"class", d->klass, "category", d->category, "reusable",
		d->reusable, "unit_ja", d->unit_ja, "unit_en", d->unit_en,
		"essential", d->essential, "criteria", d->criteria, "score",
		d->score, "reasons", d->reasons, "thresholds", "under_days",
		d->under_days, "over_days", d->over_days, "alert_days",
		d->alert_days, "critical_days", d->critical_days, "jump_ratio",
		d->jump_ratio, "drop_ratio", d->drop_ratio);
}

json_t *kb_chain_risk_to_json(const struct kb_chain *ch,
			      const struct kb_chain_risk *k)
{
	return json_pack(
		"{s:i, s:i, s:f, s:i, s:s?, s:f, s:s?, s:f, s:f}", "sources",
		(int)k->nsources, "suppliers", (int)k->nsuppliers, "hhi",
		k->hhi, "single_source_inputs", (int)k->single_source,
		"most_concentrated_input",
		k->worst_input != KB_NONE ? ch->item[k->worst_input] : NULL,
		"most_concentrated_hhi", k->worst_hhi, "top_country",
		k->top_country, "top_country_loss", k->top_country_loss,
		"import_dependence", k->import_dependence);
}

json_t *kb_status_row_to_json(const struct kb_supply *sup, int week,
			      const struct kb_status_row *x, enum kb_lang lang)
{
	char wk[16];
	json_t *j;
	kb_week_format(week, wk);
	j = json_pack("{s:s, s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:s, s:i, s:i}",
		      "week", wk, "device", sup->devices[x->device].code,
		      "prefecture", x->pref, "facilities", x->figs.facilities,
		      "stock", x->figs.stock, "consumption", x->figs.consumption,
		      "expected_daily_use", x->calc.daily, "days_of_supply",
		      x->calc.dos, "status", kb_stock_status_key(x->calc.status),
		      "stockout_facilities", x->figs.stockout_facilities,
		      "stockout_days", x->figs.stockout_days);
	json_object_set_new(j, "level", json_string(kb_status_level_key(x)));
	{
		struct kb_buf why = KB_BUF_INIT;
		kb_status_reason(sup, x, lang, &why);
		json_object_set_new(j, "reason",
				    json_string(why.buf ? why.buf : ""));
		kb_buf_release(&why);
	}
	json_object_set_new(j, "risk",
			    x->risk ? json_string(kb_severity_key(x->risk))
				    : json_null());
	if (x->risk) {
		char since[16];
		kb_week_format(x->risk_since, since);
		json_object_set_new(
			j, "risk_cause",
			json_string(kb_signal_cause_key(x->risk_cause)));
		json_object_set_new(j, "signal", json_string(x->risk_key));
		json_object_set_new(j, "risk_since", json_string(since));
	}
	if (x->facility >= 0)
		json_object_set_new(j, "facility",
				    json_string(sup->orgs[x->facility].id));
	if (x->withheld) {
		static const char *const figs[] = {
			"stock",	  "consumption", "expected_daily_use",
			"days_of_supply", "status",	 "stockout_facilities",
			"stockout_days",  NULL
		};
		size_t i;
		for (i = 0; figs[i]; i++)
			json_object_set_new(j, figs[i], json_null());
		json_object_set_new(j, "suppressed", json_true());
		json_object_set_new(j, "suppressed_reason",
				    json_string(kb_withheld_key(x->withheld, 0)));
	}
	if (x->supply >= 0 && x->supply_withheld) {
		json_object_set_new(j, "supply", json_null());
		json_object_set_new(j, "shipments", json_null());
		json_object_set_new(j, "manufacturer_inventory", json_null());
		json_object_set_new(j, "suppressed", json_true());
		json_object_set_new(
			j, "supply_suppressed_reason",
			json_string(kb_withheld_key(x->supply_withheld, 1)));
	} else if (x->supply >= 0) {
		json_object_set_new(j, "supply", json_real(x->supply));
		json_object_set_new(j, "shipments", json_real(x->shipments));
		json_object_set_new(j, "manufacturer_inventory",
				    json_real(x->inventory));
	}
	if (x->supply >= 0 && x->suppliers >= 0)
		json_object_set_new(j, "suppliers", json_integer(x->suppliers));
	return j;
}

json_t *kb_alert_to_json(const struct kb_supply *sup, const struct kb_alert *a,
			 enum kb_lang lang)
{
	struct kb_buf reason = KB_BUF_INIT;
	char wk[16];
	json_t *j;
	kb_alert_reason(a, sup, lang, &reason);
	kb_week_format(a->week, wk);
	j = json_pack("{s:s, s:s, s:s, s:s?, s:i, s:s, s:f, s:f, s:s}", "key",
		      a->key, "severity", kb_severity_key(a->severity), "rule",
		      kb_alert_rule_key(a->rule), "device",
		      a->device != KB_NONE ? sup->devices[a->device].code : NULL,
		      "prefecture", a->pref, "week", wk, "value", a->value,
		      "threshold", a->threshold, "reason",
		      reason.buf ? reason.buf : "");
	if (a->withheld) {
		json_object_set_new(j, "value", json_null());
		json_object_set_new(j, "suppressed", json_true());
		json_object_set_new(
			j, "suppressed_reason",
			json_string(kb_withheld_key(
				a->withheld, a->rule == KB_ALERT_SUPPLY_DROP)));
	}
	kb_buf_release(&reason);
	return j;
}

json_t *kb_signal_to_json(const struct kb_signal *g, const struct kb_signals *all,
			  const struct kb_supply *sup, enum kb_lang lang,
			  int evidence)
{
	struct kb_buf reason = KB_BUF_INIT;
	char on[16], last[16], cl[16];
	json_t *j, *rg = json_array(), *st = json_array();
	size_t i;

	kb_week_format(g->onset, on);
	kb_week_format(g->latest, last);
	if (g->closed >= 0)
		kb_week_format(g->closed, cl);
	kb_signal_reason(g, all, sup, lang, &reason);
	for (i = 0; i < g->nregions; i++)
		json_array_append_new(
			rg,
			json_pack("{s:i, s:s, s:s, s:s?}", "prefecture",
				  g->regions[i].pref, "name",
				  kb__region_name(sup, g->regions[i].pref, lang),
				  "peak", kb_severity_key(g->regions[i].peak),
				  "severity",
				  g->regions[i].severity
					  ? kb_severity_key(g->regions[i].severity)
					  : NULL));
	for (i = 0; i < g->nsteps; i++) {
		char w[16];
		kb_week_format(g->steps[i].week, w);
		json_array_append_new(
			st,
			json_pack("{s:s, s:s}", "week", w, "severity",
				  g->steps[i].severity
					  ? kb_severity_key(g->steps[i].severity)
					  : "closed"));
	}
	j = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s, s:s?, s:s, "
		      "s:s, s:o, s:i, s:I, s:f, s:o, s:i, s:s}",
		      "key", g->key, "state", g->closed >= 0 ? "closed" : "open",
		      "cause", kb_signal_cause_key(g->cause), "device",
		      g->device != KB_NONE ? sup->devices[g->device].code : NULL,
		      "onset", on, "latest", last, "closed",
		      g->closed >= 0 ? cl : NULL, "peak",
		      kb_severity_key(g->peak), "severity",
		      g->severity ? kb_severity_key(g->severity) : NULL,
		      "trend", kb_signal_trend_key(g->trend), "cause_name",
		      kb_signal_cause_name(g->cause, lang), "regions", rg,
		      "facilities", g->facilities, "population",
		      (json_int_t)g->population, "score", g->score, "steps", st,
		      "alerts", (int)g->nalerts, "reason",
		      reason.buf ? reason.buf : "");
	/* the hospitals short are a count of the regions' hospitals: not
	 * for a viewer from whom a figure behind the signal is withheld
	 * (kb_alerts_disclose on all->alerts) */
	for (i = 0; i < g->nalerts; i++)
		if (all->alerts.v[g->alerts[i]].withheld) {
			json_object_set_new(j, "facilities", json_null());
			json_object_set_new(j, "suppressed", json_true());
			break;
		}
	if (evidence) {
		json_t *ev = json_array();
		for (i = 0; i < g->nalerts; i++)
			json_array_append_new(
				ev, kb_alert_to_json(sup,
						     &all->alerts.v[g->alerts[i]],
						     lang));
		json_object_set_new(j, "evidence", ev);
	}
	kb_buf_release(&reason);
	return j;
}
