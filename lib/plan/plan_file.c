/*
 * plan_file.c - reading and validating a plan file (docs/plan-format.md).
 *
 * Two passes.  The first copies every row and checks it alone: a known
 * kind, the fields that kind needs present, the fields it does not use
 * empty, ids well formed and unique.  The second resolves references
 * (parents, related items, ministries) once all ids are known, so rows may
 * come in any order.  Every problem is reported; the plan is built only
 * when there were none.
 *
 * Ministries are written as in the plan, "◎厚、経": separated by 、, a
 * comma or white space, ◎ before or after the code (the plan writes both 厚◎
 * and ◎厚; the file stores the normalised ◎厚).  English abbreviations (MHLW)
 * are accepted for the code.
 */
#include "core/compat.h"

#include "core/ident.h"
#include "core/strmap.h"
#include "core/utf8.h"
#include "kiban/buf.h"
#include "kiban/plan.h"

enum kind {
	K_PLAN,
	K_MINISTRY,
	K_VISION,
	K_GOAL,
	K_MEASURE,
	K_ACTION,
	K_AREA,
	K_PLATFORM,
	K_COUNT
};

static const char *const kind_name[K_COUNT] = {
	"plan",	   "ministry", "vision", "goal",
	"measure", "action",   "area",	 "platform",
};

/* For English messages: the kind with its article. */
static const char *const a_kind[K_COUNT] = {
	"a plan",    "a ministry", "a vision", "a goal",
	"a measure", "an action",  "an area",  "a platform",
};

enum col {
	C_KIND,
	C_ID,
	C_PARENT,
	C_NAME_JA,
	C_NAME_EN,
	C_ABBR,
	C_MINISTRIES,
	C_RELATED,
	C_FY_FROM,
	C_FY_TO,
	C_COUNT
};

static const struct kb_csv_col cols[C_COUNT] = {
	{ "kind", "種別", 1 },	      { "id", "ID", 1 },
	{ "parent", "親", 1 },	      { "name_ja", "名称", 1 },
	{ "name_en", "英語名", 1 },   { "abbr", "略称", 0 },
	{ "ministries", "府省", 0 },  { "related", "関連", 0 },
	{ "fy_from", "開始年度", 0 }, { "fy_to", "終了年度", 0 },
};

#define B(c)  (1u << (c))
#define NAMES (B(C_ID) | B(C_NAME_JA) | B(C_NAME_EN))

/* Which fields each kind uses, and which of those it requires. */
static const struct {
	unsigned used, required;
} usage[K_COUNT] = {
	[K_PLAN] = { NAMES | B(C_ABBR) | B(C_FY_FROM) | B(C_FY_TO),
		     NAMES | B(C_FY_FROM) | B(C_FY_TO) },
	[K_MINISTRY] = { NAMES | B(C_ABBR), NAMES | B(C_ABBR) },
	[K_VISION] = { NAMES | B(C_PARENT), NAMES | B(C_PARENT) },
	[K_GOAL] = { NAMES | B(C_PARENT), NAMES | B(C_PARENT) },
	[K_MEASURE] = { NAMES | B(C_PARENT), NAMES | B(C_PARENT) },
	[K_ACTION] = { NAMES | B(C_PARENT) | B(C_MINISTRIES),
		       NAMES | B(C_PARENT) | B(C_MINISTRIES) },
	[K_AREA] = { NAMES | B(C_PARENT), NAMES | B(C_PARENT) },
	[K_PLATFORM] = { NAMES | B(C_PARENT) | B(C_RELATED), NAMES | B(C_PARENT) },
};

struct row {
	int kind;
	size_t index; /* position among the rows of its kind */
	char *v[C_COUNT];
	unsigned line[C_COUNT], col[C_COUNT];
	unsigned rec_line;
};

struct reader {
	struct kb_err *err;
	const char *file;
	struct row *rows;
	size_t nrows, arows;
	size_t count[K_COUNT];
	struct kb__strmap ids; /* id -> row */
	int bad;
};

static void bad(struct reader *r, const struct row *w, int c, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static void bad(struct reader *r, const struct row *w, int c, const char *fmt, ...)
{
	struct kb_buf msg = KB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	kb_err_at(r->err, KB_EINVALID, r->file,
		  c >= 0 ? w->line[c] : (w ? w->rec_line : 0),
		  c >= 0 ? w->col[c] : 0, c >= 0 ? cols[c].name : NULL, "%s",
		  msg.buf);
	kb_buf_release(&msg);
	r->bad = 1;
}

/* A ministry's code is the plan's own abbreviation (厚): anything that is
 * not a separator of the ministries column or the lead mark. */
static int ministry_code_ok(const char *s)
{
	size_t n = strlen(s);
	/* multibyte separators by strstr: strpbrk is byte-wise */
	return n && n <= KB_ID_MAX && !strpbrk(s, " \t,") && !strstr(s, "、") &&
	       !strstr(s, "，") && !strstr(s, "◎");
}

static void check_row(struct reader *r, struct row *w)
{
	enum kb_lang L = r->err->lang;
	int c;

	for (c = 0; c < K_COUNT; c++)
		if (!strcmp(w->v[C_KIND], kind_name[c]))
			break;
	if (c == K_COUNT) {
		bad(r, w, C_KIND,
		    KB_TR(L, "unknown kind '%s' (expected plan, ministry, vision, goal, measure, action, area or platform)",
			  "不明な種別 '%s' です（plan, ministry, vision, goal, measure, action, area, platform のいずれか）"),
		    w->v[C_KIND]);
		w->kind = -1;
		return;
	}
	w->kind = c;
	w->index = r->count[c]++;
	for (c = C_ID; c < C_COUNT; c++) {
		int used = !!(usage[w->kind].used & B(c));
		int req = !!(usage[w->kind].required & B(c));
		if (req && !*w->v[c])
			bad(r, w, c,
			    KB_TR(L, "%s needs a value here",
				  "%s にはこの項目が必要です"),
			    L == KB_LANG_EN ? a_kind[w->kind]
					    : kind_name[w->kind]);
		else if (!used && *w->v[c])
			bad(r, w, c,
			    KB_TR(L, "not used for %s; leave it empty",
				  "%s では使いません。空にしてください"),
			    L == KB_LANG_EN ? a_kind[w->kind]
					    : kind_name[w->kind]);
	}
	if (*w->v[C_ID] && !(w->kind == K_MINISTRY ? ministry_code_ok(w->v[C_ID])
						   : kb__id_ok(w->v[C_ID])))
		bad(r, w, C_ID,
		    w->kind == K_MINISTRY
			    ? KB_TR(L, "invalid ministry code '%s' (no spaces, commas or ◎)",
				    "府省の略称 '%s' が不正です（空白・読点・◎は使えません）")
			    : KB_TR(L, "invalid id '%s' (letters, digits, '_', '.', '-'; at most 40)",
				    "ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
		    w->v[C_ID]);
	if (*w->v[C_ID]) {
		size_t first = kb__strmap_put(&r->ids, w->v[C_ID],
					      (size_t)(w - r->rows));
		if (first != (size_t)(w - r->rows))
			bad(r, w, C_ID,
			    KB_TR(L, "duplicate id '%s' (already used at line %u)",
				  "ID '%s' が重複しています（%u 行目で使用済み）"),
			    w->v[C_ID], r->rows[first].rec_line);
	}
	if (w->kind == K_PLAN) {
		int ok = 1, fy[2];
		for (c = C_FY_FROM; c <= C_FY_TO; c++)
			if (*w->v[c] && kb_fy_parse(w->v[c], &fy[c - C_FY_FROM])) {
				bad(r, w, c,
				    KB_TR(L, "'%s' is not a fiscal year (expected e.g. 2022 or 令和4年度)",
					  "'%s' は年度ではありません（2022 や 令和4年度 のように書いてください）"),
				    w->v[c]);
				ok = 0;
			}
		if (ok && *w->v[C_FY_FROM] && *w->v[C_FY_TO] && fy[1] < fy[0])
			bad(r, w, C_FY_TO,
			    KB_TR(L, "the plan ends (%d) before it starts (%d)",
				  "計画の終了年度（%d）が開始年度（%d）より前です"),
			    fy[1], fy[0]);
	}
}

/* Splits a list of ids on spaces, commas, semicolons or 、. */
static size_t split_ids(const char *s, char ***out)
{
	struct kb_buf cur = KB_BUF_INIT;
	char **v = NULL;
	size_t n = 0, alloc = 0;

	for (;; s++) {
		int sep = !*s || strchr(" \t,;", *s) ||
			  !strncmp(s, "、", strlen("、"));
		if (sep) {
			if (cur.len) {
				KB_ALLOC_GROW(v, n + 1, alloc);
				v[n++] = kb_buf_detach(&cur, NULL);
			}
			if (!*s)
				break;
			if (!strncmp(s, "、", strlen("、")))
				s += strlen("、") - 1;
			continue;
		}
		kb_buf_addch(&cur, *s);
	}
	kb_buf_release(&cur);
	*out = v;
	return n;
}

static void free_list(char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The row with this id if it is of the wanted kind; reports otherwise. */
static struct row *resolve(struct reader *r, struct row *w, int c,
			   const char *id, int want, const char *want_name)
{
	enum kb_lang L = r->err->lang;
	size_t k;
	if (!*id)
		return NULL; /* already reported as missing */
	k = kb__strmap_get(&r->ids, id);
	if (k == KB_NONE) {
		bad(r, w, c,
		    KB_TR(L, "'%s' is not defined in this file (expected the id of %s)",
			  "'%s' はこのファイルで定義されていません（%s の ID が必要です）"),
		    id, L == KB_LANG_EN ? a_kind[want] : want_name);
		return NULL;
	}
	if (r->rows[k].kind != want) {
		if (L == KB_LANG_EN)
			bad(r, w, c, "'%s' is %s, but %s belongs to %s", id,
			    a_kind[r->rows[k].kind], a_kind[w->kind],
			    a_kind[want]);
		else
			bad(r, w, c,
			    "'%s' は %s です。%s の親は %s でなければなりません",
			    id, kind_name[r->rows[k].kind], kind_name[w->kind],
			    want_name);
		return NULL;
	}
	return &r->rows[k];
}

static void build_ministries(struct reader *r, struct row *w, struct kb_plan *p,
			     struct kb_action *a)
{
	enum kb_lang L = r->err->lang;
	const char *s = w->v[C_MINISTRIES];
	struct kb_buf cur = KB_BUF_INIT;
	size_t alloc = 0, i;
	int any_lead = 0;

	for (;; s++) {
		int end = !*s, sep = end || *s == ',' || *s == ' ' ||
				     *s == '\t' ||
				     !strncmp(s, "、", strlen("、")) ||
				     !strncmp(s, "，", strlen("，"));
		if (!sep) {
			kb_buf_addch(&cur, *s);
			continue;
		}
		{
			/* one entry: trim, take ◎ off either end */
			char *e = kb__trim_in_place(cur.buf), *t;
			int lead = 0;
			while ((t = strstr(e, "◎"))) {
				lead++;
				memmove(t, t + strlen("◎"),
					strlen(t + strlen("◎")) + 1);
			}
			any_lead |=
				lead >
				0; /* even on an unknown ministry: one problem, not two */
			if (!*e && !lead && (end || *s != ' ')) {
				/* empty between two separators (spaces may repeat) */
				bad(r, w, C_MINISTRIES,
				    KB_TR(L, "an empty entry in the list of ministries '%s'",
					  "府省の並び '%s' に空の項目があります"),
				    w->v[C_MINISTRIES]);
			} else if (*e) {
				size_t m = kb_plan_ministry(p, e);
				if (m == KB_NONE) {
					struct kb_buf known = KB_BUF_INIT;
					for (i = 0; i < p->nministries; i++)
						kb_buf_addf(&known, "%s%s",
							    i ? ", " : "",
							    p->ministries[i].code);
					bad(r, w, C_MINISTRIES,
					    KB_TR(L, "unknown ministry '%s' (expected one of %s)",
						  "不明な府省 '%s' です（%s のいずれか）"),
					    e, known.buf);
					kb_buf_release(&known);
				} else {
					for (i = 0; i < a->nmin; i++)
						if (a->min[i].ministry == m)
							break;
					if (i < a->nmin) {
						bad(r, w, C_MINISTRIES,
						    KB_TR(L, "ministry '%s' is listed twice",
							  "府省 '%s' が二度書かれています"),
						    p->ministries[m].code);
					} else {
						KB_ALLOC_GROW(a->min,
							      a->nmin + 1, alloc);
						a->min[a->nmin].ministry = m;
						a->min[a->nmin++].lead = lead > 0;
					}
				}
			}
			kb_buf_reset(&cur);
		}
		if (end)
			break;
		if (*s != ',' && *s != ' ' && *s != '\t')
			s += strlen("、") - 1; /* 、 and ， are both 3 bytes */
	}
	kb_buf_release(&cur);
	if (!any_lead && a->nmin)
		bad(r, w, C_MINISTRIES,
		    KB_TR(L, "action '%s' has no lead ministry: mark the lead with ◎ (e.g. ◎厚)",
			  "取組 '%s' に取りまとめ府省がありません。◎ を付けてください（例: ◎厚）"),
		    a->id);
}

/* Second pass: build the plan, resolving every reference. */
static void build(struct reader *r, struct kb_plan *p)
{
	enum kb_lang L = r->err->lang;
	size_t i, j;

	p->ministries = kb_calloc(r->count[K_MINISTRY], sizeof(*p->ministries));
	p->visions = kb_calloc(r->count[K_VISION], sizeof(*p->visions));
	p->goals = kb_calloc(r->count[K_GOAL], sizeof(*p->goals));
	p->measures = kb_calloc(r->count[K_MEASURE], sizeof(*p->measures));
	p->actions = kb_calloc(r->count[K_ACTION], sizeof(*p->actions));
	p->areas = kb_calloc(r->count[K_AREA], sizeof(*p->areas));
	p->platforms = kb_calloc(r->count[K_PLATFORM], sizeof(*p->platforms));

	/* Plan and ministries first: everything else refers to them. */
	for (i = 0; i < r->nrows; i++) {
		struct row *w = &r->rows[i];
		if (w->kind == K_PLAN && !p->id) {
			p->id = kb_strdup(w->v[C_ID]);
			p->name_ja = kb_strdup(w->v[C_NAME_JA]);
			p->name_en = kb_strdup(w->v[C_NAME_EN]);
			p->abbr = kb_strdup(w->v[C_ABBR]);
			kb_fy_parse(w->v[C_FY_FROM], &p->fy_from);
			kb_fy_parse(w->v[C_FY_TO], &p->fy_to);
		} else if (w->kind == K_MINISTRY) {
			struct kb_ministry *m = &p->ministries[p->nministries];
			size_t k;
			for (k = 0; k < p->nministries; k++)
				if (!strcasecmp(p->ministries[k].abbr,
						w->v[C_ABBR]))
					bad(r, w, C_ABBR,
					    KB_TR(L, "abbreviation '%s' is already used by ministry '%s'",
						  "略称 '%s' は府省 '%s' が使用済みです"),
					    w->v[C_ABBR], p->ministries[k].code);
			m->code = kb_strdup(w->v[C_ID]);
			m->name_ja = kb_strdup(w->v[C_NAME_JA]);
			m->name_en = kb_strdup(w->v[C_NAME_EN]);
			m->abbr = kb_strdup(w->v[C_ABBR]);
			p->nministries++;
		}
	}
	for (i = 0; i < r->nrows; i++) {
		struct row *w = &r->rows[i], *par;
		const char *id = w->v[C_ID];
		switch (w->kind) {
		case K_VISION: {
			struct kb_vision *v = &p->visions[p->nvisions++];
			v->id = kb_strdup(id);
			v->name_ja = kb_strdup(w->v[C_NAME_JA]);
			v->name_en = kb_strdup(w->v[C_NAME_EN]);
			/* room for every goal: each is listed at most once */
			v->goals = kb_calloc(r->count[K_GOAL], sizeof(size_t));
			if (p->id && strcmp(w->v[C_PARENT], p->id))
				bad(r, w, C_PARENT,
				    KB_TR(L, "a vision belongs to the plan '%s', not '%s'",
					  "ビジョンの親は計画 '%s' です（'%s' ではありません）"),
				    p->id, w->v[C_PARENT]);
			break;
		}
		case K_GOAL: {
			struct kb_goal *g = &p->goals[p->ngoals++];
			g->id = kb_strdup(id);
			g->name_ja = kb_strdup(w->v[C_NAME_JA]);
			g->name_en = kb_strdup(w->v[C_NAME_EN]);
			g->vision = KB_NONE;
			break;
		}
		case K_MEASURE: {
			struct kb_measure *m = &p->measures[p->nmeasures++];
			m->id = kb_strdup(id);
			m->name_ja = kb_strdup(w->v[C_NAME_JA]);
			m->name_en = kb_strdup(w->v[C_NAME_EN]);
			par = resolve(r, w, C_PARENT, w->v[C_PARENT], K_GOAL,
				      "goal");
			m->goal = par ? par->index : KB_NONE;
			break;
		}
		case K_ACTION: {
			struct kb_action *a = &p->actions[p->nactions++];
			a->id = kb_strdup(id);
			a->text_ja = kb_strdup(w->v[C_NAME_JA]);
			a->text_en = kb_strdup(w->v[C_NAME_EN]);
			par = resolve(r, w, C_PARENT, w->v[C_PARENT], K_MEASURE,
				      "measure");
			a->measure = par ? par->index : KB_NONE;
			build_ministries(r, w, p, a);
			break;
		}
		case K_AREA: {
			struct kb_area *a = &p->areas[p->nareas++];
			a->id = kb_strdup(id);
			a->name_ja = kb_strdup(w->v[C_NAME_JA]);
			a->name_en = kb_strdup(w->v[C_NAME_EN]);
			par = resolve(r, w, C_PARENT, w->v[C_PARENT], K_MEASURE,
				      "measure");
			a->measure = par ? par->index : KB_NONE;
			break;
		}
		case K_PLATFORM: {
			struct kb_platform *f = &p->platforms[p->nplatforms++];
			f->id = kb_strdup(id);
			f->name_ja = kb_strdup(w->v[C_NAME_JA]);
			f->name_en = kb_strdup(w->v[C_NAME_EN]);
			par = resolve(r, w, C_PARENT, w->v[C_PARENT], K_MEASURE,
				      "measure");
			f->measure = par ? par->index : KB_NONE;
			f->nrelated = split_ids(w->v[C_RELATED], &f->related);
			for (j = 0; j < f->nrelated; j++) {
				size_t k = kb__strmap_get(&r->ids, f->related[j]);
				if (k == KB_NONE ||
				    (r->rows[k].kind != K_GOAL &&
				     r->rows[k].kind != K_MEASURE))
					bad(r, w, C_RELATED,
					    KB_TR(L, "'%s' is not a goal or measure of this plan",
						  "'%s' はこの計画のゴールでも施策でもありません"),
					    f->related[j]);
			}
			break;
		}
		default: break;
		}
	}
	/* Goals into their visions, in the order of the goal rows. */
	for (i = 0; i < r->nrows; i++) {
		struct row *w = &r->rows[i];
		char **vs;
		size_t nv;
		if (w->kind != K_GOAL)
			continue;
		nv = split_ids(w->v[C_PARENT], &vs);
		for (j = 0; j < nv; j++) {
			struct row *par = resolve(r, w, C_PARENT, vs[j],
						  K_VISION, "vision");
			struct kb_vision *v;
			size_t k;
			if (!par)
				continue;
			v = &p->visions[par->index];
			for (k = 0; k < v->ngoals; k++)
				if (v->goals[k] == w->index)
					break;
			if (k < v->ngoals) {
				bad(r, w, C_PARENT,
				    KB_TR(L, "vision '%s' is listed twice",
					  "ビジョン '%s' が二度書かれています"),
				    vs[j]);
				continue;
			}
			v->goals[v->ngoals++] = w->index;
			if (p->goals[w->index].vision == KB_NONE)
				p->goals[w->index].vision = par->index;
		}
		free_list(vs, nv);
	}
	for (i = 0; i < p->nvisions; i++) {
		if (p->visions[i].ngoals)
			continue;
		kb_err_at(r->err, KB_EINVALID, r->file, 0, 0, NULL,
			  KB_TR(L, "vision '%s' has no goals",
				"ビジョン '%s' にゴールがありません"),
			  p->visions[i].id);
		r->bad = 1;
	}
}

int kb_plan_read_csv(struct kb_plan *p, struct kb_csv *c, struct kb_err *err)
{
	struct reader r;
	int idx[C_COUNT], rc;
	size_t i, k;

	kb_plan_init(p);
	memset(&r, 0, sizeof(r));
	r.err = err;
	r.file = c->name;
	kb__strmap_init(&r.ids);
	rc = kb_csv_header(c, cols, C_COUNT, idx, err);
	if (rc)
		goto out;
	while ((rc = kb_csv_next(c, err)) == 1) {
		struct row *w;
		KB_ALLOC_GROW(r.rows, r.nrows + 1, r.arows);
		w = &r.rows[r.nrows++];
		memset(w, 0, sizeof(*w));
		w->rec_line = c->rec_line;
		for (k = 0; k < C_COUNT; k++) {
			w->v[k] = kb__strdup_trim(kb_csv_get(c, idx[k]));
			w->line[k] = kb_csv_line(c, idx[k]);
			w->col[k] = kb_csv_col(c, idx[k]);
		}
	}
	if (rc < 0)
		goto out;
	/* ids point into rows, which no longer move */
	for (i = 0; i < r.nrows; i++)
		check_row(&r, &r.rows[i]);
	if (r.count[K_PLAN] != 1) {
		if (!r.count[K_PLAN])
			kb_err_at(err, KB_EINVALID, r.file, 0, 0, NULL, "%s",
				  KB_TR(err->lang, "the file has no 'plan' row",
					"ファイルに種別 'plan' の行がありません"));
		for (i = 0, k = 0; i < r.nrows; i++)
			if (r.rows[i].kind == K_PLAN && k++)
				bad(&r, &r.rows[i], C_KIND, "%s",
				    KB_TR(err->lang,
					  "a second 'plan' row: a file holds one plan",
					  "'plan' の行が二つあります。1 ファイルに 1 計画です"));
		r.bad = 1;
	}
	if (!r.count[K_MINISTRY]) {
		kb_err_at(err, KB_EINVALID, r.file, 0, 0, NULL, "%s",
			  KB_TR(err->lang, "the file has no 'ministry' rows",
				"ファイルに種別 'ministry' の行がありません"));
		r.bad = 1;
	}
	build(&r, p);
	rc = r.bad ? KB_EINVALID : 0;
out:
	kb_err_sort(err);
	for (i = 0; i < r.nrows; i++)
		for (k = 0; k < C_COUNT; k++)
			free(r.rows[i].v[k]);
	free(r.rows);
	kb__strmap_release(&r.ids);
	if (rc)
		kb_plan_release(p);
	return rc;
}

int kb_plan_read_file(struct kb_plan *p, const char *path, enum kb_encoding enc,
		      struct kb_err *err)
{
	struct kb_csv c;
	int rc;

	kb_plan_init(p);
	if ((rc = kb_csv_open(&c, path, enc, err)))
		return rc;
	rc = kb_plan_read_csv(p, &c, err);
	kb_csv_release(&c);
	return rc;
}
