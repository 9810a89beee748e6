/*
 * plan.c - the plan in memory: lifecycle, lookups, JSON and CSV output.
 *
 * The JSON form nests the tree the way people read the plan (goal ->
 * measures -> actions), with visions listing their goal ids because a goal
 * can sit under two visions.  kb_plan_from_json() reads the same form back
 * (frozen evaluations keep the plan they were made with).
 */
#include "core/compat.h"

#include "kiban/buf.h"
#include "kiban/plan.h"

void kb_plan_init(struct kb_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void kb_plan_release(struct kb_plan *p)
{
	size_t i, j;

	free(p->id);
	free(p->name_ja);
	free(p->name_en);
	free(p->abbr);
	for (i = 0; i < p->nministries; i++) {
		free(p->ministries[i].code);
		free(p->ministries[i].name_ja);
		free(p->ministries[i].name_en);
		free(p->ministries[i].abbr);
	}
	for (i = 0; i < p->nvisions; i++) {
		free(p->visions[i].id);
		free(p->visions[i].name_ja);
		free(p->visions[i].name_en);
		free(p->visions[i].goals);
	}
	for (i = 0; i < p->ngoals; i++) {
		free(p->goals[i].id);
		free(p->goals[i].name_ja);
		free(p->goals[i].name_en);
	}
	for (i = 0; i < p->nmeasures; i++) {
		free(p->measures[i].id);
		free(p->measures[i].name_ja);
		free(p->measures[i].name_en);
	}
	for (i = 0; i < p->nactions; i++) {
		free(p->actions[i].id);
		free(p->actions[i].text_ja);
		free(p->actions[i].text_en);
		free(p->actions[i].min);
	}
	for (i = 0; i < p->nareas; i++) {
		free(p->areas[i].id);
		free(p->areas[i].name_ja);
		free(p->areas[i].name_en);
	}
	for (i = 0; i < p->nplatforms; i++) {
		free(p->platforms[i].id);
		free(p->platforms[i].name_ja);
		free(p->platforms[i].name_en);
		for (j = 0; j < p->platforms[i].nrelated; j++)
			free(p->platforms[i].related[j]);
		free(p->platforms[i].related);
	}
	free(p->ministries);
	free(p->visions);
	free(p->goals);
	free(p->measures);
	free(p->actions);
	free(p->areas);
	free(p->platforms);
	kb_plan_init(p);
}

size_t kb_plan_goal(const struct kb_plan *p, const char *id)
{
	size_t i;
	for (i = 0; i < p->ngoals; i++)
		if (!strcmp(p->goals[i].id, id))
			return i;
	return KB_NONE;
}

size_t kb_plan_measure(const struct kb_plan *p, const char *id)
{
	size_t i;
	for (i = 0; i < p->nmeasures; i++)
		if (!strcmp(p->measures[i].id, id))
			return i;
	return KB_NONE;
}

size_t kb_plan_ministry(const struct kb_plan *p, const char *code)
{
	size_t i;
	for (i = 0; i < p->nministries; i++)
		if (!strcmp(p->ministries[i].code, code) ||
		    !strcasecmp(p->ministries[i].abbr, code))
			return i;
	return KB_NONE;
}

void kb_action_ministries(const struct kb_plan *p, const struct kb_action *a,
			  struct kb_buf *out)
{
	size_t i;
	for (i = 0; i < a->nmin; i++)
		kb_buf_addf(out, "%s%s%s", i ? "、" : "",
			    a->min[i].lead ? "◎" : "",
			    p->ministries[a->min[i].ministry].code);
}

static json_t *named(const char *id, const char *ja, const char *en)
{
	return json_pack("{s:s, s:s, s:s}", "id", id, "name_ja", ja, "name_en",
			 en);
}

json_t *kb_plan_to_json(const struct kb_plan *p)
{
	json_t *root, *arr, *goals;
	size_t i, j, k;

	root = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "id", p->id,
			 "name_ja", p->name_ja, "name_en", p->name_en, "abbr",
			 p->abbr ? p->abbr : "", "fy_from", p->fy_from, "fy_to",
			 p->fy_to);
	arr = json_array();
	for (i = 0; i < p->nministries; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:s}", "code",
				       p->ministries[i].code, "name_ja",
				       p->ministries[i].name_ja, "name_en",
				       p->ministries[i].name_en, "abbr",
				       p->ministries[i].abbr));
	json_object_set_new(root, "ministries", arr);

	arr = json_array();
	for (i = 0; i < p->nvisions; i++) {
		const struct kb_vision *v = &p->visions[i];
		json_t *jv = named(v->id, v->name_ja, v->name_en),
		       *ids = json_array();
		for (j = 0; j < v->ngoals; j++)
			json_array_append_new(
				ids, json_string(p->goals[v->goals[j]].id));
		json_object_set_new(jv, "goals", ids);
		json_array_append_new(arr, jv);
	}
	json_object_set_new(root, "visions", arr);

	goals = json_array();
	for (i = 0; i < p->ngoals; i++) {
		const struct kb_goal *g = &p->goals[i];
		json_t *jg = named(g->id, g->name_ja, g->name_en);
		json_t *vis = json_array(), *ms = json_array();
		for (j = 0; j < p->nvisions; j++)
			for (k = 0; k < p->visions[j].ngoals; k++)
				if (p->visions[j].goals[k] == i)
					json_array_append_new(
						vis,
						json_string(p->visions[j].id));
		json_object_set_new(jg, "visions", vis);
		for (j = 0; j < p->nmeasures; j++) {
			const struct kb_measure *m = &p->measures[j];
			json_t *jm, *acts, *areas, *pfs;
			if (m->goal != i)
				continue;
			jm = named(m->id, m->name_ja, m->name_en);
			acts = json_array();
			for (k = 0; k < p->nactions; k++) {
				const struct kb_action *a = &p->actions[k];
				json_t *ja, *mins;
				size_t x;
				if (a->measure != j)
					continue;
				mins = json_array();
				for (x = 0; x < a->nmin; x++)
					json_array_append_new(
						mins,
						json_pack(
							"{s:s, s:b}", "code",
							p->ministries[a->min[x].ministry]
								.code,
							"lead", a->min[x].lead));
				ja = json_pack("{s:s, s:s, s:s, s:o}", "id",
					       a->id, "text_ja", a->text_ja,
					       "text_en", a->text_en,
					       "ministries", mins);
				json_array_append_new(acts, ja);
			}
			json_object_set_new(jm, "actions", acts);
			areas = json_array();
			for (k = 0; k < p->nareas; k++)
				if (p->areas[k].measure == j)
					json_array_append_new(
						areas,
						named(p->areas[k].id,
						      p->areas[k].name_ja,
						      p->areas[k].name_en));
			if (json_array_size(areas))
				json_object_set_new(jm, "priority_areas", areas);
			else
				json_decref(areas);
			pfs = json_array();
			for (k = 0; k < p->nplatforms; k++) {
				const struct kb_platform *f = &p->platforms[k];
				json_t *jf, *rel;
				size_t x;
				if (f->measure != j)
					continue;
				jf = named(f->id, f->name_ja, f->name_en);
				rel = json_array();
				for (x = 0; x < f->nrelated; x++)
					json_array_append_new(
						rel, json_string(f->related[x]));
				json_object_set_new(jf, "related", rel);
				json_array_append_new(pfs, jf);
			}
			if (json_array_size(pfs))
				json_object_set_new(jm, "platforms", pfs);
			else
				json_decref(pfs);
			json_array_append_new(ms, jm);
		}
		json_object_set_new(jg, "measures", ms);
		json_array_append_new(goals, jg);
	}
	json_object_set_new(root, "goals", goals);
	return root;
}

/* Reading JSON back: a string member, or "" when absent. */
static char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return kb_strdup(s ? s : "");
}

int kb_plan_from_json(struct kb_plan *p, json_t *root, struct kb_err *err)
{
	json_t *arr, *jg, *jm, *ja, *x;
	size_t i, j, k, n;

	kb_plan_init(p);
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "id")))
		return kb_err_set(
			err, KB_EPARSE, "%s",
			KB_TR(err->lang, "the stored plan is not a plan object",
			      "保存された計画の形式が正しくありません"));
	p->id = jstr(root, "id");
	p->name_ja = jstr(root, "name_ja");
	p->name_en = jstr(root, "name_en");
	p->abbr = jstr(root, "abbr");
	p->fy_from = (int)json_integer_value(json_object_get(root, "fy_from"));
	p->fy_to = (int)json_integer_value(json_object_get(root, "fy_to"));

	arr = json_object_get(root, "ministries");
	p->ministries = kb_calloc(json_array_size(arr), sizeof(*p->ministries));
	json_array_foreach(arr, i, x)
	{
		struct kb_ministry *m = &p->ministries[p->nministries++];
		m->code = jstr(x, "code");
		m->name_ja = jstr(x, "name_ja");
		m->name_en = jstr(x, "name_en");
		m->abbr = jstr(x, "abbr");
	}
	arr = json_object_get(root, "visions");
	p->visions = kb_calloc(json_array_size(arr), sizeof(*p->visions));
	json_array_foreach(arr, i, x)
	{
		struct kb_vision *v = &p->visions[p->nvisions++];
		v->id = jstr(x, "id");
		v->name_ja = jstr(x, "name_ja");
		v->name_en = jstr(x, "name_en");
		v->goals = kb_calloc(json_array_size(json_object_get(x, "goals")),
				     sizeof(size_t));
	}
	arr = json_object_get(root, "goals");
	n = json_array_size(arr);
	p->goals = kb_calloc(n, sizeof(*p->goals));
	/* count nested items first so the arrays never move */
	{
		size_t nm = 0, na = 0, nar = 0, npf = 0;
		json_array_foreach(arr, i, jg)
		{
			json_array_foreach(json_object_get(jg, "measures"), j, jm)
			{
				nm++;
				na += json_array_size(
					json_object_get(jm, "actions"));
				nar += json_array_size(
					json_object_get(jm, "priority_areas"));
				npf += json_array_size(
					json_object_get(jm, "platforms"));
			}
		}
		p->measures = kb_calloc(nm, sizeof(*p->measures));
		p->actions = kb_calloc(na, sizeof(*p->actions));
		p->areas = kb_calloc(nar, sizeof(*p->areas));
		p->platforms = kb_calloc(npf, sizeof(*p->platforms));
	}
	json_array_foreach(arr, i, jg)
	{
		struct kb_goal *g = &p->goals[p->ngoals++];
		g->id = jstr(jg, "id");
		g->name_ja = jstr(jg, "name_ja");
		g->name_en = jstr(jg, "name_en");
		g->vision = KB_NONE;
		json_array_foreach(json_object_get(jg, "measures"), j, jm)
		{
			struct kb_measure *m = &p->measures[p->nmeasures];
			m->id = jstr(jm, "id");
			m->name_ja = jstr(jm, "name_ja");
			m->name_en = jstr(jm, "name_en");
			m->goal = i;
			json_array_foreach(json_object_get(jm, "actions"), k, ja)
			{
				struct kb_action *a = &p->actions[p->nactions++];
				json_t *mins = json_object_get(ja, "ministries"),
				       *jmin;
				size_t q;
				a->id = jstr(ja, "id");
				a->text_ja = jstr(ja, "text_ja");
				a->text_en = jstr(ja, "text_en");
				a->measure = p->nmeasures;
				a->min = kb_calloc(json_array_size(mins),
						   sizeof(*a->min));
				json_array_foreach(mins, q, jmin)
				{
					const char *code = json_string_value(
						json_object_get(jmin, "code"));
					size_t mi =
						code ? kb_plan_ministry(p, code)
						     : KB_NONE;
					if (mi == KB_NONE)
						continue;
					a->min[a->nmin].ministry = mi;
					a->min[a->nmin++].lead = json_is_true(
						json_object_get(jmin, "lead"));
				}
			}
			json_array_foreach(json_object_get(jm, "priority_areas"),
					   k, ja)
			{
				struct kb_area *ar = &p->areas[p->nareas++];
				ar->id = jstr(ja, "id");
				ar->name_ja = jstr(ja, "name_ja");
				ar->name_en = jstr(ja, "name_en");
				ar->measure = p->nmeasures;
			}
			json_array_foreach(json_object_get(jm, "platforms"), k, ja)
			{
				struct kb_platform *f =
					&p->platforms[p->nplatforms++];
				json_t *rel = json_object_get(ja, "related");
				size_t q;
				f->id = jstr(ja, "id");
				f->name_ja = jstr(ja, "name_ja");
				f->name_en = jstr(ja, "name_en");
				f->measure = p->nmeasures;
				f->related = kb_calloc(json_array_size(rel),
						       sizeof(char *));
				json_array_foreach(rel, q, x)
					f->related[f->nrelated++] =
					kb_strdup(json_string_value(x)
							  ? json_string_value(x)
							  : "");
			}
			p->nmeasures++;
		}
	}
	/* visions list goals by id */
	json_array_foreach(json_object_get(root, "visions"), i, x)
	{
		struct kb_vision *v = &p->visions[i];
		json_t *id;
		json_array_foreach(json_object_get(x, "goals"), j, id)
		{
			size_t gi =
				json_string_value(id)
					? kb_plan_goal(p, json_string_value(id))
					: KB_NONE;
			if (gi == KB_NONE)
				continue;
			v->goals[v->ngoals++] = gi;
			if (p->goals[gi].vision == KB_NONE)
				p->goals[gi].vision = i;
		}
	}
	return 0;
}

void kb_plan_write_csv(const struct kb_plan *p, struct kb_buf *out, int bom)
{
	static const char *const head[] = { "kind",	  "id",	     "parent",
					    "name_ja",	  "name_en", "abbr",
					    "ministries", "related", "fy_from",
					    "fy_to" };
	struct kb_csvw w;
	struct kb_buf tmp = KB_BUF_INIT;
	size_t i, j, k;

#define ROW(kind, id, parent, ja, en, abbr, mins, rel, from, to) \
	do {                                                     \
		kb_csvw_field(&w, kind);                         \
		kb_csvw_field(&w, id);                           \
		kb_csvw_field(&w, parent);                       \
		kb_csvw_field(&w, ja);                           \
		kb_csvw_field(&w, en);                           \
		kb_csvw_field(&w, abbr);                         \
		kb_csvw_field(&w, mins);                         \
		kb_csvw_field(&w, rel);                          \
		kb_csvw_field(&w, from);                         \
		kb_csvw_field(&w, to);                           \
		kb_csvw_end(&w);                                 \
	} while (0)

	kb_csvw_init(&w, out, bom);
	for (i = 0; i < KB_ARRAY_SIZE(head); i++)
		kb_csvw_field(&w, head[i]);
	kb_csvw_end(&w);
	{
		char from[16], to[16];
		snprintf(from, sizeof(from), "%d", p->fy_from);
		snprintf(to, sizeof(to), "%d", p->fy_to);
		ROW("plan", p->id, "", p->name_ja, p->name_en, p->abbr, "", "",
		    from, to);
	}
	for (i = 0; i < p->nministries; i++)
		ROW("ministry", p->ministries[i].code, "",
		    p->ministries[i].name_ja, p->ministries[i].name_en,
		    p->ministries[i].abbr, "", "", "", "");
	for (i = 0; i < p->nvisions; i++)
		ROW("vision", p->visions[i].id, p->id, p->visions[i].name_ja,
		    p->visions[i].name_en, "", "", "", "", "");
	for (i = 0; i < p->ngoals; i++) {
		kb_buf_reset(&tmp);
		for (j = 0; j < p->nvisions; j++)
			for (k = 0; k < p->visions[j].ngoals; k++)
				if (p->visions[j].goals[k] == i)
					kb_buf_addf(&tmp, "%s%s",
						    tmp.len ? " " : "",
						    p->visions[j].id);
		ROW("goal", p->goals[i].id, tmp.buf, p->goals[i].name_ja,
		    p->goals[i].name_en, "", "", "", "", "");
	}
	for (i = 0; i < p->nmeasures; i++) {
		const struct kb_measure *m = &p->measures[i];
		ROW("measure", m->id, p->goals[m->goal].id, m->name_ja,
		    m->name_en, "", "", "", "", "");
		for (j = 0; j < p->nactions; j++) {
			const struct kb_action *a = &p->actions[j];
			if (a->measure != i)
				continue;
			kb_buf_reset(&tmp);
			kb_action_ministries(p, a, &tmp);
			ROW("action", a->id, m->id, a->text_ja, a->text_en, "",
			    tmp.buf, "", "", "");
		}
		for (j = 0; j < p->nareas; j++)
			if (p->areas[j].measure == i)
				ROW("area", p->areas[j].id, m->id,
				    p->areas[j].name_ja, p->areas[j].name_en,
				    "", "", "", "", "");
		for (j = 0; j < p->nplatforms; j++) {
			const struct kb_platform *f = &p->platforms[j];
			if (f->measure != i)
				continue;
			kb_buf_reset(&tmp);
			for (k = 0; k < f->nrelated; k++)
				kb_buf_addf(&tmp, "%s%s", k ? " " : "",
					    f->related[k]);
			ROW("platform", f->id, m->id, f->name_ja, f->name_en,
			    "", "", tmp.buf, "", "");
		}
	}
#undef ROW
	kb_buf_release(&tmp);
}

int kb_plan_ministry_in(const struct kb_plan *p, const char *goal_id,
			const char *measure_id, const char *ministry)
{
	size_t g = goal_id ? kb_plan_goal(p, goal_id) : KB_NONE;
	size_t m = measure_id ? kb_plan_measure(p, measure_id) : KB_NONE;
	size_t mi = ministry ? kb_plan_ministry(p, ministry) : KB_NONE;
	size_t i, j;
	if (mi == KB_NONE || (g == KB_NONE && m == KB_NONE))
		return 0;
	for (i = 0; i < p->nactions; i++) {
		const struct kb_action *a = &p->actions[i];
		if (m != KB_NONE ? a->measure != m
				 : p->measures[a->measure].goal != g)
			continue;
		for (j = 0; j < a->nmin; j++)
			if (a->min[j].ministry == mi)
				return 1;
	}
	return 0;
}
