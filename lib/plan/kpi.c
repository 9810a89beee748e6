/*
 * kpi.c - KPIs in memory: lifecycle, JSON, CSV output.
 *
 * The CSV written here is exactly what kb_kpi_import()/kb_obs_import()
 * read, so an export can be edited in a spreadsheet and imported again.
 */
#include "core/compat.h"

#include "kiban/buf.h"
#include "kiban/kpi.h"

const char *kb_rule_key(enum kb_rule r)
{
	switch (r) {
	case KB_RULE_CAGR: return "cagr";
	case KB_RULE_LINEAR: return "linear";
	default: return "";
	}
}

int kb_rule_parse(const char *s)
{
	if (!*s)
		return KB_RULE_DEFAULT;
	if (!strcasecmp(s, "cagr") || !strcmp(s, "年平均成長率"))
		return KB_RULE_CAGR;
	if (!strcasecmp(s, "linear") || !strcmp(s, "直線"))
		return KB_RULE_LINEAR;
	return -1;
}

void kb_kpi_release(struct kb_kpi *k)
{
	size_t i;
	free(k->id);
	free(k->name_ja);
	free(k->name_en);
	free(k->unit_ja);
	free(k->unit_en);
	free(k->goal_id);
	free(k->measure_id);
	free(k->source);
	free(k->periodicity);
	for (i = 0; i < k->ntargets; i++) {
		free(k->targets[i].set_at);
		free(k->targets[i].set_by);
		free(k->targets[i].reason);
	}
	free(k->targets);
	for (i = 0; i < k->nobs; i++) {
		free(k->obs[i].source);
		free(k->obs[i].comment);
		free(k->obs[i].entered_by);
		free(k->obs[i].entered_at);
	}
	free(k->obs);
	memset(k, 0, sizeof(*k));
}

void kb_kpiset_release(struct kb_kpiset *set)
{
	size_t i;
	for (i = 0; i < set->n; i++)
		kb_kpi_release(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

const struct kb_obs *kb_kpi_obs(const struct kb_kpi *k, int fy)
{
	size_t i;
	for (i = 0; i < k->nobs; i++)
		if (k->obs[i].fy == fy)
			return &k->obs[i];
	return NULL;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *kb_kpi_to_json(const struct kb_kpi *k)
{
	json_t *o, *arr;
	size_t i;

	o = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:{s:f, s:i}, s:s, s:s, s:o, s:o}",
		"id", k->id, "name_ja", k->name_ja, "name_en", k->name_en,
		"unit_ja", k->unit_ja, "unit_en", k->unit_en, "direction",
		k->direction == KB_LOWER ? "lower" : "higher", "goal",
		str_or_null(k->goal_id), "measure", str_or_null(k->measure_id),
		"baseline", "value", k->base_value, "fy", k->base_fy, "source",
		k->source ? k->source : "", "periodicity",
		k->periodicity ? k->periodicity : "annual", "rule",
		k->rule ? json_string(kb_rule_key(k->rule)) : json_null(),
		"decimals",
		k->decimals >= 0 ? json_integer(k->decimals) : json_null());
	arr = json_array();
	for (i = 0; i < k->ntargets; i++) {
		const struct kb_target *t = &k->targets[i];
		json_array_append_new(
			arr, json_pack("{s:f, s:i, s:o, s:o, s:o}", "value",
				       t->value, "fy", t->fy, "set_at",
				       str_or_null(t->set_at), "set_by",
				       str_or_null(t->set_by), "reason",
				       str_or_null(t->reason)));
	}
	json_object_set_new(o, "targets", arr);
	arr = json_array();
	for (i = 0; i < k->nobs; i++) {
		const struct kb_obs *b = &k->obs[i];
		json_array_append_new(
			arr,
			json_pack("{s:i, s:o, s:b, s:s, s:s, s:o, s:o}", "fy",
				  b->fy, "value",
				  b->missing ? json_null() : json_real(b->value),
				  "missing", b->missing, "source",
				  b->source ? b->source : "", "comment",
				  b->comment ? b->comment : "", "entered_by",
				  str_or_null(b->entered_by), "entered_at",
				  str_or_null(b->entered_at)));
	}
	json_object_set_new(o, "values", arr);
	return o;
}

static char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? kb_strdup(s) : NULL;
}

int kb_kpi_from_json(struct kb_kpi *k, json_t *o, struct kb_err *err)
{
	json_t *arr, *x;
	size_t i;
	const char *dir, *rule;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(o) || !json_is_string(json_object_get(o, "id")))
		return kb_err_set(
			err, KB_EPARSE, "%s",
			KB_TR(err->lang, "a stored KPI is not a KPI object",
			      "保存された KPI の形式が正しくありません"));
	k->id = jstr(o, "id");
	k->name_ja = jstr(o, "name_ja");
	k->name_en = jstr(o, "name_en");
	k->unit_ja = jstr(o, "unit_ja");
	k->unit_en = jstr(o, "unit_en");
	dir = json_string_value(json_object_get(o, "direction"));
	k->direction = dir && !strcmp(dir, "lower") ? KB_LOWER : KB_HIGHER;
	k->goal_id = jstr(o, "goal");
	k->measure_id = jstr(o, "measure");
	x = json_object_get(o, "baseline");
	k->base_value = json_number_value(json_object_get(x, "value"));
	k->base_fy = (int)json_integer_value(json_object_get(x, "fy"));
	k->source = jstr(o, "source");
	k->periodicity = jstr(o, "periodicity");
	rule = json_string_value(json_object_get(o, "rule"));
	k->rule = rule ? (enum kb_rule)kb_rule_parse(rule) : KB_RULE_DEFAULT;
	x = json_object_get(o, "decimals");
	k->decimals = json_is_integer(x) ? (int)json_integer_value(x) : -1;
	arr = json_object_get(o, "targets");
	k->targets = kb_calloc(json_array_size(arr), sizeof(*k->targets));
	json_array_foreach(arr, i, x)
	{
		struct kb_target *t = &k->targets[k->ntargets++];
		t->value = json_number_value(json_object_get(x, "value"));
		t->fy = (int)json_integer_value(json_object_get(x, "fy"));
		t->set_at = jstr(x, "set_at");
		t->set_by = jstr(x, "set_by");
		t->reason = jstr(x, "reason");
	}
	arr = json_object_get(o, "values");
	k->obs = kb_calloc(json_array_size(arr), sizeof(*k->obs));
	json_array_foreach(arr, i, x)
	{
		struct kb_obs *b = &k->obs[k->nobs++];
		b->fy = (int)json_integer_value(json_object_get(x, "fy"));
		b->missing = json_is_true(json_object_get(x, "missing"));
		b->value = json_number_value(json_object_get(x, "value"));
		b->source = jstr(x, "source");
		b->comment = jstr(x, "comment");
		b->entered_by = jstr(x, "entered_by");
		b->entered_at = jstr(x, "entered_at");
	}
	return 0;
}

void kb_kpi_write_csv(const struct kb_kpiset *set, struct kb_buf *out, int bom)
{
	static const char *const head[] = {
		"id",		"name_ja",	  "name_en",
		"unit_ja",	"unit_en",	  "direction",
		"attached_to",	"baseline_value", "baseline_year",
		"target_value", "target_year",	  "target_reason",
		"source",	"periodicity",	  "rule",
		"decimals"
	};
	struct kb_csvw w;
	size_t i;

	kb_csvw_init(&w, out, bom);
	for (i = 0; i < KB_ARRAY_SIZE(head); i++)
		kb_csvw_field(&w, head[i]);
	kb_csvw_end(&w);
	for (i = 0; i < set->n; i++) {
		const struct kb_kpi *k = &set->v[i];
		const struct kb_target *t = kb_kpi_target(k);
		kb_csvw_field(&w, k->id);
		kb_csvw_field(&w, k->name_ja);
		kb_csvw_field(&w, k->name_en);
		kb_csvw_field(&w, k->unit_ja);
		kb_csvw_field(&w, k->unit_en);
		kb_csvw_field(&w, k->direction == KB_LOWER ? "lower" : "higher");
		kb_csvw_field(&w, k->goal_id ? k->goal_id : k->measure_id);
		kb_csvw_num(&w, k->base_value);
		kb_csvw_fieldf(&w, "%d", k->base_fy);
		if (t) {
			kb_csvw_num(&w, t->value);
			kb_csvw_fieldf(&w, "%d", t->fy);
		} else {
			kb_csvw_field(&w, "");
			kb_csvw_field(&w, "");
		}
		kb_csvw_field(&w, "");
		kb_csvw_field(&w, k->source);
		kb_csvw_field(&w, k->periodicity);
		kb_csvw_field(&w, kb_rule_key(k->rule));
		if (k->decimals >= 0)
			kb_csvw_fieldf(&w, "%d", k->decimals);
		else
			kb_csvw_field(&w, "");
		kb_csvw_end(&w);
	}
}

void kb_obs_write_csv(const struct kb_kpiset *set, const char *kpi_id,
		      struct kb_buf *out, int bom)
{
	struct kb_csvw w;
	size_t i, j;

	kb_csvw_init(&w, out, bom);
	kb_csvw_field(&w, "kpi_id");
	kb_csvw_field(&w, "fiscal_year");
	kb_csvw_field(&w, "value");
	kb_csvw_field(&w, "source");
	kb_csvw_field(&w, "comment");
	kb_csvw_end(&w);
	for (i = 0; i < set->n; i++) {
		const struct kb_kpi *k = &set->v[i];
		if (kpi_id && strcmp(kpi_id, k->id))
			continue;
		for (j = 0; j < k->nobs; j++) {
			const struct kb_obs *b = &k->obs[j];
			kb_csvw_field(&w, k->id);
			kb_csvw_fieldf(&w, "%d", b->fy);
			if (b->missing)
				kb_csvw_field(&w, "NA");
			else
				kb_csvw_num(&w, b->value);
			kb_csvw_field(&w, b->source);
			kb_csvw_field(&w, b->comment);
			kb_csvw_end(&w);
		}
	}
}
