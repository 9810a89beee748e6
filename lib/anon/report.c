/*
 * report.c - the anonymizer's report as JSON: the transformation, the
 * information lost, the search, and the check and risk of the release.
 */
#include "core/compat.h"

#include "anon_int.h"

static const char *strategy_name(enum kb_anon_strategy s)
{
	return s == KB_ANON_EXHAUSTIVE ? "exhaustive"
	       : s == KB_ANON_GREEDY   ? "greedy"
				       : "flash";
}

json_t *kb_anon_check_json(const struct kb_anon_check *c)
{
	json_t *j = json_object(), *sizes = json_array();
	size_t b;

	json_object_set_new(j, "satisfied",
			    json_boolean(c->failing_classes == 0));
	json_object_set_new(j, "records", json_integer((json_int_t)c->records));
	json_object_set_new(j, "classes", json_integer((json_int_t)c->classes));
	json_object_set_new(j, "failing_classes",
			    json_integer((json_int_t)c->failing_classes));
	json_object_set_new(j, "failing_records",
			    json_integer((json_int_t)c->failing_records));
	if (c->first_failure)
		json_object_set_new(j, "first_failure",
				    json_string(c->first_failure));
	json_object_set_new(j, "smallest_class",
			    json_integer((json_int_t)c->min_class));
	json_object_set_new(j, "prosecutor",
			    json_pack("{s:f,s:f}", "highest", c->prosecutor_max,
				      "average", c->prosecutor_avg));
	json_object_set_new(j, "journalist",
			    json_pack("{s:f,s:f}", "highest", c->journalist_max,
				      "average", c->journalist_avg));
	json_object_set_new(j, "marketer", json_real(c->marketer));
	json_object_set_new(
		j, "above_threshold",
		json_pack("{s:f,s:I,s:f}", "threshold", c->threshold, "records",
			  (json_int_t)c->above_threshold, "share",
			  c->records ? (double)c->above_threshold / (double)c->records
				     : 0.0));
	for (b = 0; b < 9; b++)
		json_array_append_new(
			sizes, json_pack("{s:s,s:I,s:I}", "size",
					 kb_anon_size_bands[b], "classes",
					 (json_int_t)c->sizes[b][0], "records",
					 (json_int_t)c->sizes[b][1]));
	json_object_set_new(j, "class_sizes", sizes);
	return j;
}

json_t *kb_anon_report(const struct kb_anon *a, const struct kb_anon_result *r,
		       const struct kb_anon_check *check)
{
	json_t *j = json_object(), *tr = json_object(), *models = json_array(),
	       *qi = json_array();
	size_t i;

	json_object_set_new(j, "found", json_boolean(r->found));
	json_object_set_new(j, "optimal", json_boolean(r->found && r->optimal));
	for (i = 0; i < a->nqi; i++) {
		const struct kb_anon_attr *at = &a->attr[a->qi[i]];
		json_array_append_new(qi, json_string(at->name));
		if (r->found)
			json_object_set_new(tr, at->name,
					    json_pack("{s:i,s:i}", "level",
						      (int)r->levels[i], "levels",
						      (int)at->hier->nlevels));
	}
	json_object_set_new(j, "quasi_identifiers", qi);
	if (r->found) {
		json_t *lv = json_array();
		for (i = 0; i < a->nqi; i++)
			json_array_append_new(lv, json_integer(r->levels[i]));
		json_object_set_new(j, "levels", lv);
		json_object_set_new(j, "transformation", tr);
	} else {
		json_decref(tr);
	}
	for (i = 0; i < a->nmodel; i++) {
		struct kb_buf b = KB_BUF_INIT;
		kb__anon_model_name(&a->model[i], &b);
		json_array_append_new(models, json_string(b.buf));
		kb_buf_release(&b);
	}
	json_object_set_new(j, "models", models);
	json_object_set_new(j, "suppression_limit", json_real(a->suppression));
	json_object_set_new(j, "metric",
			    json_string(kb_anon_metric_name(a->metric)));
	if (r->found) {
		json_object_set_new(j, "loss", json_real(r->loss));
		json_object_set_new(j, "loss_arx", json_real(r->loss_arx));
		json_object_set_new(j, "records",
				    json_integer((json_int_t)a->nrows));
		json_object_set_new(
			j, "released",
			json_integer((json_int_t)(a->nrows - r->suppressed)));
		json_object_set_new(j, "suppressed",
				    json_integer((json_int_t)r->suppressed));
		json_object_set_new(j, "classes",
				    json_integer((json_int_t)r->classes));
	}
	json_object_set_new(j, "search",
			    json_pack("{s:s,s:I,s:I,s:f,s:I}", "strategy",
				      strategy_name(r->strategy), "lattice",
				      (json_int_t)r->lattice, "checked",
				      (json_int_t)r->checked, "seconds",
				      r->seconds, "peak_bytes",
				      (json_int_t)r->peak_bytes));
	if (check)
		json_object_set_new(j, "check", kb_anon_check_json(check));
	return j;
}
