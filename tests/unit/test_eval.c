/*
 * test_eval.c - the evaluation: the status rules case by case (from the
 * data file tests/cases/eval-status.csv: a new case needs no C), the
 * roll-up, the ministries' follow-up, freezing.
 */
#include "helpers.h"

static const char *const note_names[] = {
	"fallback_linear",  "stale",	     "missing",
	"past_target_year", "reached_early", "retargeted",
};

static unsigned parse_notes(const char *s)
{
	unsigned bits = 0;
	size_t i;
	char *copy = kb_strdup(s), *w, *save = NULL;
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		for (i = 0; i < KB_ARRAY_SIZE(note_names); i++)
			if (!strcmp(w, note_names[i]))
				break;
		if (i == KB_ARRAY_SIZE(note_names))
			fail_msg("unknown note '%s' in the case file", w);
		bits |= 1u << i;
	}
	free(copy);
	return bits;
}

/* Builds a KPI from one row of the case file. */
static void case_kpi(struct kb_kpi *k, const struct kb_csv *c, const int *idx)
{
	char *vals = kb_strdup(kb_csv_get(c, idx[7])), *item, *save = NULL;
	size_t alloc = 0;
	memset(k, 0, sizeof(*k));
	k->id = kb_strdup("K");
	k->direction =
		!strcmp(kb_csv_get(c, idx[1]), "lower") ? KB_LOWER : KB_HIGHER;
	k->rule = (enum kb_rule)kb_rule_parse(kb_csv_get(c, idx[2]));
	k->base_value = strtod(kb_csv_get(c, idx[3]), NULL);
	k->base_fy = (int)strtol(kb_csv_get(c, idx[4]), NULL, 10);
	k->targets = kb_calloc(1, sizeof(*k->targets));
	k->ntargets = 1;
	k->targets[0].value = strtod(kb_csv_get(c, idx[5]), NULL);
	k->targets[0].fy = (int)strtol(kb_csv_get(c, idx[6]), NULL, 10);
	k->decimals = -1;
	for (item = strtok_r(vals, ";", &save); item;
	     item = strtok_r(NULL, ";", &save)) {
		struct kb_obs *o;
		char *eq = strchr(item, '=');
		assert_non_null(eq);
		KB_ALLOC_GROW(k->obs, k->nobs + 1, alloc);
		o = &k->obs[k->nobs++];
		memset(o, 0, sizeof(*o));
		o->fy = (int)strtol(item, NULL, 10);
		o->missing = !strcmp(eq + 1, "NA");
		o->value = o->missing ? 0 : strtod(eq + 1, NULL);
	}
	free(vals);
}

static void status_rules_from_the_case_file(void **state)
{
	static const struct kb_csv_col cols[] = {
		{ "case", NULL, 1 },	      { "direction", NULL, 1 },
		{ "rule", NULL, 1 },	      { "baseline_value", NULL, 1 },
		{ "baseline_year", NULL, 1 }, { "target_value", NULL, 1 },
		{ "target_year", NULL, 1 },   { "values", NULL, 1 },
		{ "year", NULL, 1 },	      { "status", NULL, 1 },
		{ "ratio", NULL, 1 },	      { "notes", NULL, 1 },
		{ "comment", NULL, 0 },
	};
	struct kb_buf path = KB_BUF_INIT;
	const char *src = getenv("KIBAN_SRC");
	struct kb_err err;
	struct kb_csv c;
	int idx[13], r, n = 0;
	(void)state;
	if (!src) {
		print_message("KIBAN_SRC not set: run through ctest\n");
		skip();
	}
	kb_err_init(&err, KB_LANG_EN);
	kb_buf_addf(&path, "%s/tests/cases/eval-status.csv", src);
	T_OK(kb_csv_open(&c, path.buf, KB_ENC_UTF8, &err), &err);
	T_OK(kb_csv_header(&c, cols, KB_ARRAY_SIZE(cols), idx, &err), &err);
	while ((r = kb_csv_next(&c, &err)) == 1) {
		struct kb_kpi k;
		struct kb_kpi_eval e;
		const char *want = kb_csv_get(&c, idx[9]),
			   *ratio = kb_csv_get(&c, idx[10]);
		unsigned notes = parse_notes(kb_csv_get(&c, idx[11]));
		case_kpi(&k, &c, idx);
		kb_kpi_evaluate(&k, (int)strtol(kb_csv_get(&c, idx[8]), NULL, 10),
				KB_RULE_CAGR, &e);
		if (strcmp(kb_status_key(e.status), want))
			fail_msg("line %u (%s): status %s, want %s (ratio %.6f)",
				 c.rec_line, kb_csv_get(&c, idx[0]),
				 kb_status_key(e.status), want, e.ratio);
		if (*ratio && fabs(e.ratio - strtod(ratio, NULL)) > 1e-6)
			fail_msg("line %u (%s): ratio %.9f, want %s", c.rec_line,
				 kb_csv_get(&c, idx[0]), e.ratio, ratio);
		if (!*ratio && !isnan(e.ratio))
			fail_msg("line %u (%s): ratio %.9f, want none",
				 c.rec_line, kb_csv_get(&c, idx[0]), e.ratio);
		if (e.notes != notes)
			fail_msg("line %u (%s): notes %#x, want %#x", c.rec_line,
				 kb_csv_get(&c, idx[0]), e.notes, notes);
		kb_kpi_release(&k);
		n++;
	}
	assert_int_equal(r, 0);
	assert_true(n >= 25);
	kb_csv_release(&c);
	kb_buf_release(&path);
	kb_err_release(&err);
}

static void expected_value_follows_the_path(void **state)
{
	struct kb_kpi k;
	struct kb_target t = { 200, 2026, NULL, NULL, NULL };
	struct kb_kpi_eval e;
	(void)state;
	memset(&k, 0, sizeof(k));
	k.direction = KB_HIGHER;
	k.base_value = 100;
	k.base_fy = 2021;
	k.targets = &t;
	k.ntargets = 1;
	kb_kpi_evaluate(&k, 2026, KB_RULE_CAGR, &e);
	assert_true(fabs(e.expected - 200) < 1e-9);
	kb_kpi_evaluate(&k, 2023, KB_RULE_LINEAR, &e);
	assert_true(fabs(e.expected - 140) < 1e-9);
	assert_int_equal(e.status, KB_ST_NO_DATA);
	assert_true(fabs(kb_kpi_path(&k, KB_RULE_CAGR, 2022) -
			 100 * pow(2, 0.2)) < 1e-9);
	assert_true(fabs(kb_kpi_path(&k, KB_RULE_LINEAR, 2030) - 200) < 1e-9);
}

static void median_rolls_up(void **state)
{
	unsigned c[KB_ST_COUNT];
	(void)state;
	memset(c, 0, sizeof(c));
	assert_int_equal(kb_status_median(c), KB_ST_NO_DATA);
	c[KB_ST_NO_DATA] = 3;
	assert_int_equal(kb_status_median(c), KB_ST_NO_DATA);
	c[KB_ST_ACHIEVED] = 1;
	c[KB_ST_ON_TRACK] = 1;
	c[KB_ST_NEEDS_ACCEL] = 1;
	assert_int_equal(kb_status_median(c), KB_ST_ON_TRACK);
	c[KB_ST_ACHIEVED] = 0; /* even: the worse of the two middle ones */
	assert_int_equal(kb_status_median(c), KB_ST_NEEDS_ACCEL);
	memset(c, 0, sizeof(c));
	c[KB_ST_ACHIEVED] = 3;
	c[KB_ST_DETERIORATING] = 1;
	assert_int_equal(kb_status_median(c), KB_ST_ACHIEVED);
	c[KB_ST_DETERIORATING] = 3;
	assert_int_equal(kb_status_median(c), KB_ST_DETERIORATING);
	assert_true(kb_status_behind(KB_ST_NEEDS_ACCEL));
	assert_true(kb_status_behind(KB_ST_LIMITED));
	assert_true(kb_status_behind(KB_ST_DETERIORATING));
	assert_false(kb_status_behind(KB_ST_ON_TRACK));
	assert_false(kb_status_behind(KB_ST_NO_DATA));
}

#define KHEAD \
	"id,name_ja,name_en,unit_ja,direction,attached_to,baseline_value,baseline_year,target_value,target_year\n"

/* G11 has two achieved KPIs on the goal and a deteriorating one on M42;
 * G02 has one deteriorating KPI; G07 one on track. */
static struct kb_store *fixture(void)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(
		     s,
		     KHEAD
		     "S1,指定品目数,Designated devices,品目,higher,G11,0,2021,100,2026\n"
		     "S2,把握率,Mapped share,%,higher,G11,10,2021,80,2026\n"
		     "S3,解決日数,Days to resolve,日,lower,M42,60,2021,30,2026\n"
		     "V1,ベンチャー数,Ventures,社,higher,G02,400,2021,600,2026\n"
		     "X1,輸出額,Exports,億円,higher,G07,100,2021,200,2026\n",
		     &err),
	     &err);
	T_OK(t_import_values(
		     s,
		     "kpi_id,fiscal_year,value\n"
		     "S1,2024,100\nS2,2024,85\nS3,2024,70\nV1,2024,380\nX1,2024,170\n",
		     &err),
	     &err);
	kb_err_release(&err);
	return s;
}

static size_t goal_index(const struct kb_eval *ev, const char *id)
{
	size_t g = kb_plan_goal(&ev->plan, id);
	assert_true(g != KB_NONE);
	return g;
}

static void goals_visions_and_follow_up(void **state)
{
	struct kb_store *s = fixture();
	struct kb_err err;
	struct kb_eval ev;
	size_t *idx, n, i, kou, kei, bun;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_eval_live(s, NULL, 2024, KB_RULE_CAGR, T_NOW, &ev, &err), &err);
	assert_int_equal(ev.goals[goal_index(&ev, "G11")].status, KB_ST_ACHIEVED);
	assert_int_equal(ev.measures[kb_plan_measure(&ev.plan, "M42")].status,
			 KB_ST_DETERIORATING);
	assert_int_equal(ev.goals[goal_index(&ev, "G02")].status,
			 KB_ST_DETERIORATING);
	assert_int_equal(ev.goals[goal_index(&ev, "G07")].status, KB_ST_ON_TRACK);
	assert_int_equal(ev.goals[goal_index(&ev, "G01")].status, KB_ST_NO_DATA);
	/* V3 = G07 (re-posted) + G09 (re-posted) + G11: on track, ach ×2, det */
	assert_int_equal(ev.visions[2].count[KB_ST_ACHIEVED], 2);
	assert_int_equal(ev.visions[2].count[KB_ST_ON_TRACK], 1);
	assert_int_equal(ev.visions[2].count[KB_ST_DETERIORATING], 1);
	assert_int_equal(ev.visions[2].status, KB_ST_ON_TRACK);
	/* V1 = G02 (det) + G07 (on track): worse of two */
	assert_int_equal(ev.visions[0].status, KB_ST_DETERIORATING);
	assert_int_equal(ev.overall.count[KB_ST_ACHIEVED] +
				 ev.overall.count[KB_ST_ON_TRACK] +
				 ev.overall.count[KB_ST_DETERIORATING],
			 5);

	kou = kb_plan_ministry(&ev.plan, "厚");
	kei = kb_plan_ministry(&ev.plan, "METI");
	bun = kb_plan_ministry(&ev.plan, "文");
	/* 経 leads A09–A16 under G02 (det) and A58 under M42 (det), not A55–A57 */
	n = kb_eval_followups(&ev, kei, &idx);
	{
		static const char *const want[] = { "A09", "A10", "A11", "A12",
						    "A13", "A14", "A58" };
		assert_int_equal(n, KB_ARRAY_SIZE(want));
		for (i = 0; i < n; i++)
			assert_string_equal(ev.plan.actions[idx[i]].id, want[i]);
	}
	free(idx);
	/* 厚 leads A09 (G02) and A58 (M42) */
	n = kb_eval_followups(&ev, kou, &idx);
	assert_int_equal(n, 2);
	assert_string_equal(ev.plan.actions[idx[0]].id, "A09");
	assert_string_equal(ev.plan.actions[idx[1]].id, "A58");
	free(idx);
	/* 文 takes part in nothing behind as a lead */
	n = kb_eval_followups(&ev, bun, &idx);
	assert_int_equal(n, 0);
	free(idx);
	kb_eval_release(&ev);
	kb_store_close(s);
	kb_err_release(&err);
}

static char *results_json(const struct kb_eval *ev)
{
	json_t *j = kb_eval_to_json(ev), *keep = json_object();
	char *s;
	json_object_set(keep, "results", json_object_get(j, "results"));
	json_object_set(keep, "goals", json_object_get(j, "goals"));
	json_object_set(keep, "visions", json_object_get(j, "visions"));
	s = json_dumps(keep, JSON_SORT_KEYS);
	json_decref(j);
	json_decref(keep);
	return s;
}

static void frozen_evaluation_does_not_change(void **state)
{
	struct kb_store *s = fixture();
	struct kb_err err;
	struct kb_eval ev, again, live;
	struct kb_eval_info *infos;
	size_t ninfo, i;
	char *before, *after;
	int version = 0, saw_value = 0, saw_target = 0, saw_status = 0,
	    saw_added = 0, saw_new_year = 0;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_eval_live(s, NULL, 2024, KB_RULE_CAGR, T_NOW, &ev, &err), &err);
	before = results_json(&ev);
	T_OK(kb_eval_freeze(s, &ev, "committee", "approved", T_NOW, 0, &version,
			    &err),
	     &err);
	assert_int_equal(version, 1);
	assert_int_equal(
		kb_eval_freeze(s, &ev, "committee", "", T_NOW, 0, NULL, &err),
		KB_EEXISTS);
	t_assert_error(&err, "--supersede");
	kb_err_clear(&err);
	kb_eval_release(&ev);

	/* edits after freezing: a figure, a target, a new KPI */
	T_OK(kb_obs_set(s, "V1", 2024, 0, 520, NULL, "確報", "clerk", T_NOW, &err),
	     &err);
	T_OK(kb_obs_set(s, "X1", 2023, 0, 150, NULL, "遡って追加", "clerk",
			T_NOW, &err),
	     &err);
	T_OK(kb_obs_set(s, "X1", 2025, 0, 190, NULL, NULL, "clerk", T_NOW, &err),
	     &err);
	T_OK(kb_kpi_retarget(s, "X1", 300, 2026, "上方修正", "clerk", T_NOW, &err),
	     &err);
	T_OK(t_import_kpis(s, KHEAD "N1,新指標,New,件,higher,G01,1,2021,2,2026\n",
			   &err),
	     &err);

	T_OK(kb_eval_open(s, NULL, 2024, KB_RULE_CAGR, T_NOW, &again, &err),
	     &err);
	assert_true(again.frozen);
	assert_int_equal(again.version, 1);
	assert_string_equal(again.frozen_by, "committee");
	assert_string_equal(again.note, "approved");
	after = results_json(&again);
	assert_string_equal(before, after); /* nothing changed silently */
	assert_int_equal(again.kpis.n, 5);
	for (i = 0; i < again.nchanges; i++) {
		const struct kb_eval_change *c = &again.changes[i];
		if (c->kind == KB_CHG_VALUE && !strcmp(c->kpi_id, "V1") &&
		    c->fy == 2024 && c->old_value == 380 && c->new_value == 520)
			saw_value = 1;
		if (c->kind == KB_CHG_TARGET && !strcmp(c->kpi_id, "X1") &&
		    c->new_value == 300)
			saw_target = 1;
		if (c->kind == KB_CHG_STATUS && !strcmp(c->kpi_id, "V1") &&
		    c->old_status == KB_ST_DETERIORATING &&
		    c->new_status != KB_ST_DETERIORATING)
			saw_status = 1;
		if (c->kind == KB_CHG_KPI_ADDED && !strcmp(c->kpi_id, "N1"))
			saw_added = 1;
		if (c->kind == KB_CHG_VALUE && !strcmp(c->kpi_id, "X1")) {
			/* added for 2023; 2025 is after the year, not listed */
			assert_int_equal(c->fy, 2023);
			assert_false(c->had_old);
			assert_true(c->has_new && c->new_value == 150);
			saw_new_year = 1;
		}
	}
	assert_true(saw_value && saw_target && saw_status && saw_added &&
		    saw_new_year);
	free(after);

	/* a revision is a new version; the first stays */
	T_OK(kb_eval_live(s, NULL, 2024, KB_RULE_CAGR, T_NOW, &live, &err), &err);
	T_OK(kb_eval_freeze(s, &live, "committee", "revised", T_NOW, 1,
			    &version, &err),
	     &err);
	assert_int_equal(version, 2);
	kb_eval_release(&live);
	kb_eval_release(&again);
	T_OK(kb_eval_load(s, NULL, 2024, 0, T_NOW, &again, &err), &err);
	assert_int_equal(again.version, 2);
	assert_int_equal(again.nchanges, 0);
	assert_int_equal(again.kpis.n, 6);
	kb_eval_release(&again);
	T_OK(kb_eval_load(s, NULL, 2024, 1, T_NOW, &again, &err), &err);
	after = results_json(&again);
	assert_string_equal(before, after);
	free(after);
	kb_eval_release(&again);
	assert_int_equal(kb_eval_load(s, NULL, 2023, 0, T_NOW, &again, &err),
			 KB_ENOTFOUND);
	kb_err_clear(&err);
	T_OK(kb_eval_list(s, &infos, &ninfo, &err), &err);
	assert_int_equal(ninfo, 2);
	assert_int_equal(infos[0].version, 2);
	kb_eval_infos_free(infos, ninfo);
	/* a year never frozen opens live */
	T_OK(kb_eval_open(s, NULL, 2023, KB_RULE_CAGR, T_NOW, &again, &err),
	     &err);
	assert_false(again.frozen);
	kb_eval_release(&again);
	free(before);
	kb_store_close(s);
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_rules_from_the_case_file),
		cmocka_unit_test(expected_value_follows_the_path),
		cmocka_unit_test(median_rolls_up),
		cmocka_unit_test(goals_visions_and_follow_up),
		cmocka_unit_test(frozen_evaluation_does_not_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
