/*
 * test_plan.c - the shipped 2nd Basic Plan as data, plan-file validation,
 * import and load, JSON and CSV round trips.
 *
 * The expected ministries of the 59 actions and the measure of each action
 * below were read off the seed (../shared/seeds/000_39bd54d51a1a6858.txt),
 * with the seed's 厚◎ written ◎厚.  When the seed is present the test also
 * parses it directly and compares.
 */
#include "helpers.h"

#include "kiban/demo.h"

static const char *const want_ministries[59] = {
	"◎厚",
	"◎文",
	"◎厚",
	"文、◎経",
	"◎厚、◎文",
	"◎厚、◎経",
	"◎文",
	"◎厚、◎経",
	"◎厚、◎経",
	"◎経",
	"内、◎経",
	"◎経",
	"◎経",
	"◎経",
	"◎経",
	"◎経",
	"文、◎厚、◎経",
	"◎厚",
	"文、◎厚",
	"◎厚",
	"◎厚、◎経",
	"◎厚",
	"◎厚",
	"◎経",
	"◎厚",
	"◎厚、◎経",
	"内、文、◎厚、◎経",
	"文、◎厚、経",
	"◎内、文、厚、経",
	"◎内、文、厚、経",
	"◎文",
	"◎厚、◎経",
	"厚、◎経",
	"◎内官、総、厚、経",
	"◎厚、経",
	"◎厚、経",
	"◎厚",
	"◎厚",
	"◎厚、◎経",
	"◎内官、厚、経",
	"◎厚、◎経",
	"◎厚、◎経",
	"◎厚、◎経",
	"◎経",
	"◎経",
	"◎厚",
	"◎厚、経",
	"◎厚",
	"◎厚",
	"◎厚",
	"◎厚",
	"◎厚",
	"◎厚、◎経",
	"厚、◎経",
	"◎厚、◎経",
	"◎厚、◎経",
	"◎厚、◎経",
	"◎厚、◎経",
	"◎厚",
};

/* measure (1-based) of each action */
static const int want_measure[59] = {
	1,  1,	2,  3,	3,  4,	5,  6,	7,  8,	9,  10, 11, 12, 13,
	13, 13, 14, 14, 14, 14, 15, 15, 16, 17, 17, 18, 19, 20, 21,
	23, 23, 24, 25, 26, 27, 28, 28, 29, 30, 30, 31, 32, 33, 33,
	34, 34, 35, 36, 37, 38, 39, 40, 40, 41, 41, 41, 42, 43,
};

/* goal (1-based) of each measure */
static const int want_goal[43] = {
	1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3,	 4,  5,	 5,  5,	 6,  6,
	6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 8, 9, 9, 10, 10, 10, 11, 11, 11,
};

static void shipped(struct kb_plan *p)
{
	struct kb_err err;
	struct kb_csv c;
	size_t len;
	const char *csv = kb_demo_plan_csv(&len);
	kb_err_init(&err, KB_LANG_EN);
	T_OK(kb_csv_open_mem(&c, "plan2.csv", csv, len, KB_ENC_AUTO, &err), &err);
	T_OK(kb_plan_read_csv(p, &c, &err), &err);
	kb_csv_release(&c);
	kb_err_release(&err);
}

static void shipped_plan_has_the_plans_shape(void **state)
{
	struct kb_plan p;
	struct kb_buf b = KB_BUF_INIT;
	size_t i, j;
	(void)state;
	shipped(&p);
	assert_int_equal(p.nvisions, 3);
	assert_int_equal(p.ngoals, 11);
	assert_int_equal(p.nmeasures, 43);
	assert_int_equal(p.nactions, 59);
	assert_int_equal(p.nareas, 5);
	assert_int_equal(p.nplatforms, 3);
	assert_int_equal(p.nministries, 6);
	assert_int_equal(p.fy_from, 2022);
	assert_int_equal(p.fy_to, 2026);
	/* vision goals: 7, 3, and 3 of which two are the same goals as under
	 * visions 1 and 2 (re-posted, not copies) */
	assert_int_equal(p.visions[0].ngoals, 7);
	assert_int_equal(p.visions[1].ngoals, 3);
	assert_int_equal(p.visions[2].ngoals, 3);
	assert_int_equal(p.visions[2].goals[0], p.visions[0].goals[6]);
	assert_int_equal(p.visions[2].goals[1], p.visions[1].goals[1]);
	assert_string_equal(p.goals[p.visions[2].goals[0]].name_ja,
			    "国際展開に積極的に取り組む日本企業の増加");
	assert_string_equal(
		p.goals[p.visions[2].goals[2]].name_ja,
		"自然災害やパンデミック等の有事における安定供給の確保");
	assert_int_equal(p.goals[p.visions[2].goals[0]].vision, 0);
	for (i = 0; i < p.nmeasures; i++)
		assert_int_equal(p.measures[i].goal, (size_t)want_goal[i] - 1);
	for (i = 0; i < p.nactions; i++) {
		int lead = 0;
		assert_int_equal(p.actions[i].measure,
				 (size_t)want_measure[i] - 1);
		kb_buf_reset(&b);
		kb_action_ministries(&p, &p.actions[i], &b);
		if (strcmp(b.buf, want_ministries[i]))
			fail_msg("action %s: ministries %s, want %s",
				 p.actions[i].id, b.buf, want_ministries[i]);
		for (j = 0; j < p.actions[i].nmin; j++)
			lead |= p.actions[i].min[j].lead;
		assert_true(lead);
		assert_true(strlen(p.actions[i].text_en) > 20);
	}
	/* every measure has English; M22 (platforms) has no action of its own */
	for (i = 0; i < p.nmeasures; i++)
		assert_true(*p.measures[i].name_en);
	for (i = 0; i < p.nplatforms; i++)
		assert_string_equal(p.measures[p.platforms[i].measure].id, "M22");
	for (i = 0; i < p.nareas; i++)
		assert_string_equal(p.measures[p.areas[i].measure].id, "M21");
	kb_buf_release(&b);
	kb_plan_release(&p);
}

static void shipped_file_and_embedded_copy_agree(void **state)
{
	struct kb_buf file = KB_BUF_INIT, path = KB_BUF_INIT;
	const char *src = getenv("KIBAN_SRC");
	size_t len;
	const char *emb = kb_demo_plan_csv(&len);
	(void)state;
	if (!src) {
		print_message("KIBAN_SRC not set: run through ctest\n");
		skip();
	}
	kb_buf_addf(&path, "%s/data/plan2.csv", src);
	assert_int_equal(kb_buf_read_file(&file, path.buf), 0);
	assert_int_equal(file.len, len);
	assert_memory_equal(file.buf, emb, len);
	kb_buf_release(&file);
	kb_buf_release(&path);
}

/* The seed with all white space removed (the PDF text breaks lines anywhere). */
static char *seed_text(void)
{
	struct kb_buf raw = KB_BUF_INIT, out = KB_BUF_INIT, path = KB_BUF_INIT;
	const char *shared = getenv("KIBAN_SHARED");
	size_t i;
	kb_buf_addf(&path, "%s/seeds/000_39bd54d51a1a6858.txt",
		    shared ? shared : "../shared");
	if (kb_buf_read_file(&raw, path.buf)) {
		print_message(
			"the seed %s is not here (../shared is absent): skipping the comparison with it\n",
			path.buf);
		kb_buf_release(&path);
		kb_buf_release(&raw);
		return NULL;
	}
	for (i = 0; i < raw.len; i++)
		if (!strchr(" \t\r\n", raw.buf[i]))
			kb_buf_addch(&out, raw.buf[i]);
	kb_buf_release(&raw);
	kb_buf_release(&path);
	return kb_buf_detach(&out, NULL);
}

static char *strip(const char *s)
{
	struct kb_buf b = KB_BUF_INIT;
	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			kb_buf_addch(&b, *s);
	return kb_buf_detach(&b, NULL);
}

/* Normalises "厚◎、経" to "◎厚、経". */
static void normalise(const char *in, size_t n, struct kb_buf *out)
{
	char *s = kb_strndup(in, n), *item = s, *next;
	const char *sep = "、", *lead = "◎";
	do {
		char *t;
		int l = 0;
		next = strstr(item, sep);
		if (next)
			*next = '\0';
		while ((t = strstr(item, lead))) {
			memmove(t, t + strlen(lead),
				strlen(t + strlen(lead)) + 1);
			l = 1;
		}
		kb_buf_addf(out, "%s%s%s", out->len ? sep : "", l ? lead : "",
			    item);
		item = next ? next + strlen(sep) : NULL;
	} while (item);
	free(s);
}

static void shipped_plan_matches_the_seed(void **state)
{
	const char *bullet = "\xef\x83\xbc"; /* U+F0FC, the seed's bullet */
	char *seed = seed_text(), *p, *end;
	struct kb_plan plan;
	size_t na = 0, nm = 0, ng = 0, i;
	(void)state;
	if (!seed)
		skip();
	shipped(&plan);
	p = strstr(seed, "３．第2期基本計画のゴールに向けた");
	end = strstr(seed, "４．基本計画を推進するために必要な事項");
	assert_non_null(p);
	assert_non_null(end);
	*end = '\0';
	for (; *p; p++) {
		if (!strncmp(p, "【", strlen("【"))) {
			char *close = strstr(p, "】"), *name;
			size_t g;
			assert_non_null(close);
			name = kb_strndup(p + strlen("【"),
					  (size_t)(close - p) - strlen("【"));
			for (g = 0; g < plan.ngoals; g++) {
				char *s = strip(plan.goals[g].name_ja);
				int same = !strcmp(s, name);
				free(s);
				if (same)
					break;
			}
			if (g == plan.ngoals)
				fail_msg("goal heading %s is not a goal of the shipped plan",
					 name);
			free(name);
			ng++;
		} else if (!strncmp(p, "＜", strlen("＜"))) {
			char *close = strstr(p, "＞"), *name, *s;
			assert_non_null(close);
			assert_true(nm < plan.nmeasures);
			name = kb_strndup(p + strlen("＜"),
					  (size_t)(close - p) - strlen("＜"));
			s = strip(plan.measures[nm].name_ja);
			if (strcmp(s, name))
				fail_msg("measure %zu: seed %s, shipped %s",
					 nm + 1, name, s);
			free(s);
			free(name);
			nm++;
		} else if (!strncmp(p, "［", strlen("［"))) {
			char *close = strstr(p, "］"), *start, *text;
			struct kb_buf got = KB_BUF_INIT, want = KB_BUF_INIT;
			assert_non_null(close);
			assert_true(na < plan.nactions);
			normalise(p + strlen("［"),
				  (size_t)(close - p) - strlen("［"), &want);
			kb_action_ministries(&plan, &plan.actions[na], &got);
			if (strcmp(got.buf, want.buf))
				fail_msg("action %zu: seed %s, shipped %s",
					 na + 1, want.buf, got.buf);
			/* the action's text starts where the seed's bullet does */
			for (start = p; start > seed &&
					strncmp(start, bullet, strlen(bullet));
			     start--)
				;
			start += strlen(bullet);
			text = strip(plan.actions[na].text_ja);
			if (strncmp(text, start, 30))
				fail_msg("action %zu text: seed %.30s, shipped %.30s",
					 na + 1, start, text);
			free(text);
			kb_buf_release(&got);
			kb_buf_release(&want);
			na++;
		}
	}
	assert_int_equal(
		ng,
		13); /* 7 + 3 + 3 headings: 11 goals, two re-posted under vision 3 */
	assert_int_equal(nm, 43);
	assert_int_equal(na, 59);
	for (i = 0; i < plan.nmeasures; i++)
		assert_non_null(plan.measures[i].name_ja);
	kb_plan_release(&plan);
	free(seed);
}

static const char mini[] =
	"kind,id,parent,name_ja,name_en,abbr,ministries,related,fy_from,fy_to\n"
	"plan,p,,計画,Plan,,,,2022,2026\n"
	"ministry,厚,,厚生労働省,MHLW,MHLW,,,,\n"
	"ministry,経,,経済産業省,METI,METI,,,,\n"
	"vision,V1,p,ビジョン,Vision,,,,,\n"
	"goal,G1,V1,ゴール,Goal,,,,,\n"
	"measure,M1,G1,施策,Measure,,,,,\n"
	"action,A1,M1,取組,Action,,◎厚、経,,,\n"
	"action,A2,M1,取組2,Action 2,,経◎ MHLW,,,\n";

/* mini with line `line` (1-based) replaced by `with` (NULL: removed). */
static char *variant(int line, const char *with)
{
	struct kb_buf b = KB_BUF_INIT;
	const char *s = mini;
	int n = 1;
	while (*s) {
		const char *nl = strchr(s, '\n');
		if (n == line) {
			if (with)
				kb_buf_addf(&b, "%s\n", with);
		} else {
			kb_buf_add(&b, s, (size_t)(nl - s) + 1);
		}
		s = nl + 1;
		n++;
	}
	if (line >= n && with)
		kb_buf_addf(&b, "%s\n", with);
	return kb_buf_detach(&b, NULL);
}

static int read_text(struct kb_plan *p, const char *text, struct kb_err *err)
{
	struct kb_csv c;
	int r;
	t_csv(&c, "plan.csv", text);
	r = kb_plan_read_csv(p, &c, err);
	kb_csv_release(&c);
	return r;
}

static void ministries_are_normalised(void **state)
{
	struct kb_err err;
	struct kb_plan p;
	struct kb_buf b = KB_BUF_INIT;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(read_text(&p, mini, &err), &err);
	kb_action_ministries(&p, &p.actions[0], &b);
	assert_string_equal(b.buf, "◎厚、経");
	kb_buf_reset(&b);
	kb_action_ministries(&p, &p.actions[1],
			     &b); /* 経◎ and an English abbreviation */
	assert_string_equal(b.buf, "◎経、厚");
	kb_buf_release(&b);
	kb_plan_release(&p);
	kb_err_release(&err);
}

static void each_kind_of_mistake_is_reported_where_it_is(void **state)
{
	static const struct {
		int line;
		const char *with, *want;
	} cases[] = {
		{ 8, "action,A1,M1,取組,Action,,◎厚労,,,",
		  "plan.csv:8:25: field 'ministries': unknown ministry '厚労' (expected one of 厚, 経)" },
		{ 8, "action,A1,M1,取組,Action,,厚、経,,,",
		  "plan.csv:8:25: field 'ministries': action 'A1' has no lead ministry" },
		{ 8, "action,A1,M1,取組,Action,,◎厚、厚,,,",
		  "plan.csv:8:25: field 'ministries': ministry '厚' is listed twice" },
		{ 8, "action,A2,M1,取組,Action,,◎厚,,,",
		  "plan.csv:9:8: field 'id': duplicate id 'A2' (already used at line 8)" },
		{ 8, "action,A1,M9,取組,Action,,◎厚,,,",
		  "plan.csv:8:11: field 'parent': 'M9' is not defined in this file (expected the id of a measure)" },
		{ 8, "action,A1,G1,取組,Action,,◎厚,,,",
		  "plan.csv:8:11: field 'parent': 'G1' is a goal, but an action belongs to a measure" },
		{ 6, "goal,G1,V1,ゴール,Goal,,◎厚,,,",
		  "plan.csv:6:22: field 'ministries': not used for a goal; leave it empty" },
		{ 6, "goal,G1,V1,ゴール,,,,,,",
		  "plan.csv:6:16: field 'name_en': a goal needs a value here" },
		{ 6, "goal,G1,V1 V1,ゴール,Goal,,,,,",
		  "field 'parent': vision 'V1' is listed twice" },
		{ 5, "vision,V1,q,ビジョン,Vision,,,,,",
		  "a vision belongs to the plan 'p', not 'q'" },
		{ 2, NULL, "the file has no 'plan' row" },
		{ 2, "plan,p,,計画,Plan,,,,2026,2022",
		  "plan.csv:2:25: field 'fy_to': the plan ends (2022) before it starts (2026)" },
		{ 10, "task,T1,M1,x,y,,,,,",
		  "plan.csv:10:1: field 'kind': unknown kind 'task'" },
		{ 10, "vision,V2,p,空,Empty,,,,,", "vision 'V2' has no goals" },
		{ 10, "platform,PF1,M1,基盤,Platform,,,G9,,",
		  "field 'related': 'G9' is not a goal or measure of this plan" },
		{ 10, "measure,M 2,G1,施策,Measure,,,,,",
		  "field 'id': invalid id 'M 2'" },
		{ 3, "ministry,厚,,厚生労働省,MHLW,METI,,,,",
		  "field 'abbr': abbreviation 'METI' is already used by ministry '厚'" },
		{ 10, "plan,q,,計画2,Plan 2,,,,2027,2031",
		  "plan.csv:10:1: field 'kind': a second 'plan' row: a file holds one plan" },
		{ 2, "plan,p,,計画,Plan,,,,令和四年度,2026",
		  "plan.csv:2:20: field 'fy_from': '令和四年度' is not a fiscal year" },
		{ 8, "action,A1,M1,取組,Action,,◎厚、、経,,,",
		  "plan.csv:8:25: field 'ministries': an empty entry in the list of ministries '◎厚、、経'" },
		{ 3, "ministry,厚 生,,厚生労働省,MHLW,MHLW,,,,",
		  "plan.csv:3:10: field 'id': invalid ministry code '厚 生'" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < KB_ARRAY_SIZE(cases); i++) {
		struct kb_err err;
		struct kb_plan p;
		char *text = variant(cases[i].line, cases[i].with);
		kb_err_init(&err, KB_LANG_EN);
		if (read_text(&p, text, &err) != KB_EINVALID)
			fail_msg("case %zu was accepted:\n%s", i, text);
		t_assert_error(&err, cases[i].want);
		assert_null(p.id); /* nothing built */
		kb_err_release(&err);
		free(text);
	}
}

static void all_problems_are_listed_at_once(void **state)
{
	struct kb_err err;
	struct kb_plan p;
	struct kb_buf b = KB_BUF_INIT;
	char *t = variant(8, "action,A1,M9,取組,Action,,厚労,,,");
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	kb_buf_adds(&b, t);
	kb_buf_adds(&b, "goal,G1,V7,x,y,,,,,\n");
	assert_int_equal(read_text(&p, b.buf, &err), KB_EINVALID);
	t_assert_error(&err, "'M9' is not defined");
	t_assert_error(&err, "unknown ministry '厚労'");
	t_assert_error(&err, "duplicate id 'G1'");
	t_assert_error(&err, "'V7' is not defined");
	assert_true(err.n >= 4);
	kb_buf_release(&b);
	kb_err_release(&err);
	free(t);
}

static char *json_of(const struct kb_plan *p)
{
	json_t *j = kb_plan_to_json(p);
	char *s = json_dumps(j, JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

static void round_trips_through_csv_json_and_store(void **state)
{
	struct kb_plan p, q, r, l;
	struct kb_err err;
	struct kb_buf csv = KB_BUF_INIT;
	struct kb_store *s = t_store();
	char *a, *b;
	json_t *j;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	shipped(&p);
	a = json_of(&p);

	kb_plan_write_csv(&p, &csv, 1);
	T_OK(read_text(&q, csv.buf, &err), &err);
	b = json_of(&q);
	assert_string_equal(a, b);
	free(b);

	j = kb_plan_to_json(&p);
	T_OK(kb_plan_from_json(&r, j, &err), &err);
	json_decref(j);
	b = json_of(&r);
	assert_string_equal(a, b);
	free(b);

	T_OK(kb_plan_import(s, &p, "plan2.csv", "t", T_NOW, &err), &err);
	T_OK(kb_plan_import(s, &p, "plan2.csv", "t", T_NOW, &err),
	     &err); /* again: replaces */
	T_OK(kb_plan_load(s, NULL, &l, &err), &err);
	b = json_of(&l);
	assert_string_equal(a, b);
	free(b);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM action"), 59);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM goal"), 11);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM vision_goal"), 13);

	kb_plan_release(&p);
	kb_plan_release(&q);
	kb_plan_release(&r);
	kb_plan_release(&l);
	kb_buf_release(&csv);
	free(a);
	kb_store_close(s);
	kb_err_release(&err);
}

static void reimport_that_drops_a_kpis_goal_is_refused(void **state)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_err err;
	struct kb_plan p;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(t_import_kpis(s,
			   "id,name_ja,name_en,unit_ja,direction,attached_to,baseline_value,baseline_year,target_value,target_year\n"
			   "K1,指標,Indicator,件,higher,M43,10,2021,20,2026\n",
			   &err),
	     &err);
	shipped(&p);
	/* a plan without measure M43 (drop the last measure and its action) */
	free(p.measures[42].id);
	free(p.measures[42].name_ja);
	free(p.measures[42].name_en);
	p.nmeasures--;
	free(p.actions[58].id);
	free(p.actions[58].text_ja);
	free(p.actions[58].text_en);
	free(p.actions[58].min);
	p.nactions--;
	assert_int_equal(kb_plan_import(s, &p, "x.csv", "t", T_NOW, &err),
			 KB_EINVALID);
	t_assert_error(
		&err,
		"KPI 'K1' is attached to 'M43', which the new plan no longer has");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM measure"), 43);
	kb_plan_release(&p);
	kb_store_close(s);
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_plan_has_the_plans_shape),
		cmocka_unit_test(shipped_file_and_embedded_copy_agree),
		cmocka_unit_test(shipped_plan_matches_the_seed),
		cmocka_unit_test(ministries_are_normalised),
		cmocka_unit_test(each_kind_of_mistake_is_reported_where_it_is),
		cmocka_unit_test(all_problems_are_listed_at_once),
		cmocka_unit_test(round_trips_through_csv_json_and_store),
		cmocka_unit_test(reimport_that_drops_a_kpis_goal_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
