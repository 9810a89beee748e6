/*
 * kpi_import.c - importing KPI definitions and yearly values, and the
 * single-record edits (a value, a target revision).
 *
 * Both imports are tables of columns for the one import loop
 * (kiban/import.h): it reads every row, and the parsers here check each
 * field against the plan and the KPIs already in the store, in the order
 * of the columns (which is the order of the messages of a JSON record).
 * Only a file with no problem is written, in one transaction.  Rows
 * identical to what the store holds are counted and left alone, so
 * re-importing a file does not pile up history.
 */
#include "core/compat.h"

#include "core/ident.h"
#include "core/strmap.h"
#include "core/utf8.h"
#include "kiban/buf.h"
#include "kiban/import.h"
#include "kiban/kpi.h"
#include "store/sql.h"

/* ---- KPI definitions ---- */

enum {
	K_ID,
	K_NAME_JA,
	K_NAME_EN,
	K_UNIT_JA,
	K_UNIT_EN,
	K_DIR,
	K_PARENT,
	K_BASE_V,
	K_BASE_Y,
	K_TGT_V,
	K_TGT_Y,
	K_TGT_WHY,
	K_SOURCE,
	K_PERIOD,
	K_RULE,
	K_DEC,
	K_NCOLS
};

static const char *const periodicities[][2] = {
	{ "annual", "毎年" },
	{ "biennial", "隔年" },
	{ "triennial", "3年ごと" },
	{ "irregular", "不定期" },
};

/* A row: the definition as read, its one target, the fields read as text
 * for the parsers. */
struct kdef {
	struct kb_kpi k;
	struct kb_target t;
	char *target_reason, *dir, *parent, *rule, *dec;
};

/* What the checks hold: the plan's goals and measures, the KPIs stored. */
struct kctx {
	struct kb__strmap parents, oldids;
	char **pkeys;
	size_t npkeys;
	struct kb_kpiset old;
};

static int direction_parse(const char *s)
{
	if (!strcasecmp(s, "higher") || !strcmp(s, "高いほど良い") ||
	    !strcmp(s, "高"))
		return KB_HIGHER;
	if (!strcasecmp(s, "lower") || !strcmp(s, "低いほど良い") ||
	    !strcmp(s, "低"))
		return KB_LOWER;
	return 0;
}

/* Ids of the plan's goals and measures: value 0 = goal, 1 = measure. */
static int load_targets_of_kpis(struct kb_store *s, struct kb__strmap *m,
				char ***keys, size_t *nkeys, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s, "SELECT id, 0 FROM goal UNION ALL SELECT id, 1 FROM measure",
		err);
	size_t alloc = 0;
	if (!st)
		return KB_EDB;
	while (sqlite3_step(st) == SQLITE_ROW) {
		KB_ALLOC_GROW(*keys, *nkeys + 1, alloc);
		(*keys)[*nkeys] = kb__sql_text(st, 0);
		kb__strmap_put(m, (*keys)[*nkeys],
			       (size_t)sqlite3_column_int(st, 1));
		(*nkeys)++;
	}
	sqlite3_finalize(st);
	return 0;
}

static const char sql_add_target[] =
	"INSERT INTO kpi_target (kpi_id, seq, value, fy, set_at, set_by, reason) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/*
 * What is wrong with a target, or NULL: its year must follow the baseline
 * year, its value must improve on the baseline in the KPI's direction.
 * The message is appended to msg; the result names the field at fault.
 */
static const char *target_problem(enum kb_lang L, int dir, double base,
				  int base_fy, double value, int fy,
				  struct kb_buf *msg)
{
	if (fy <= base_fy) {
		kb_buf_addf(
			msg,
			KB_TR(L, "the target year %d must come after the baseline year %d",
			      "目標年度 %d は基準年度 %d より後でなければなりません"),
			fy, base_fy);
		return "target_year";
	}
	if ((value - base) * dir <= 0) {
		kb_buf_addf(
			msg,
			dir == KB_HIGHER
				? KB_TR(L, "the target %g is not above the baseline %g, but higher is better",
					"目標値 %g が基準値 %g を上回っていません（高いほど良い指標です）")
				: KB_TR(L, "the target %g is not below the baseline %g, but lower is better",
					"目標値 %g が基準値 %g を下回っていません（低いほど良い指標です）"),
			value, base);
		return "target_value";
	}
	return NULL;
}

/* Adds target number seq of a KPI with the prepared sql_add_target. */
static int add_target(struct kb_store *s, sqlite3_stmt *st, const char *kpi,
		      int seq, double value, int fy, const char *when,
		      const char *actor, const char *reason, struct kb_err *err)
{
	kb__sql_bind_text(st, 1, kpi);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_double(st, 3, value);
	sqlite3_bind_int(st, 4, fy);
	kb__sql_bind_text(st, 5, when);
	kb__sql_bind_text(st, 6, actor);
	kb__sql_bind_text(st, 7, reason);
	return kb__sql_done(s, st, err);
}

static int direction(struct kb_import *im, void *row, int col, const char *t,
		     void *out)
{
	struct kdef *d = row;
	(void)out;
	if ((d->k.direction = direction_parse(t)))
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "'%s' is not a direction (expected higher or lower)",
		      "'%s' は方向ではありません（higher（高いほど良い）か lower（低いほど良い））"),
		t);
}

static int attached_to(struct kb_import *im, void *row, int col, const char *t,
		       void *out)
{
	const struct kctx *x = im->ctx;
	struct kdef *d = row;
	size_t kind = kb__strmap_get(&x->parents, t);
	(void)out;
	if (kind == KB_NONE)
		return kb_import_bad(
			im, col,
			KB_TR(im->err->lang,
			      "'%s' is not a goal or measure of the plan (expected e.g. G01 or M01)",
			      "'%s' は計画のゴールでも施策でもありません（G01 や M01 のような ID が必要です）"),
			t);
	if (kind == 0)
		d->k.goal_id = kb_strdup(t);
	else
		d->k.measure_id = kb_strdup(t);
	return 0;
}

/* The target year, and the target against the baseline once every field
 * before it is right. */
static int target_year(struct kb_import *im, void *row, int col, const char *t,
		       void *out)
{
	const struct kb_kpi *k = &((struct kdef *)row)->k;
	const struct kb_target *tg = &((struct kdef *)row)->t;
	struct kb_buf msg = KB_BUF_INIT;
	const char *field;
	int r;
	(void)t;
	if ((r = kb_csv_fy(im->c, im->err, im->idx[col], "target_year", out)) ||
	    im->row_bad)
		return r;
	field = target_problem(im->err->lang, k->direction, k->base_value,
			       k->base_fy, tg->value, tg->fy, &msg);
	if (field)
		r = kb_import_bad(
			im, strcmp(field, "target_year") ? K_TGT_V : K_TGT_Y,
			"%s", msg.buf);
	kb_buf_release(&msg);
	return r;
}

static int periodicity(struct kb_import *im, void *row, int col, const char *t,
		       void *out)
{
	size_t i;
	(void)row;
	for (i = 0; i < KB_ARRAY_SIZE(periodicities); i++)
		if (!strcasecmp(t, periodicities[i][0]) ||
		    !strcmp(t, periodicities[i][1])) {
			free(*(char **)out);
			*(char **)out = kb_strdup(periodicities[i][0]);
			return 0;
		}
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "'%s' is not a periodicity (expected annual, biennial, triennial or irregular)",
		      "'%s' は頻度ではありません（annual（毎年）, biennial（隔年）, triennial（3年ごと）, irregular（不定期））"),
		t);
}

static int rule(struct kb_import *im, void *row, int col, const char *t, void *out)
{
	int r = kb_rule_parse(t);
	(void)out;
	if (r >= 0) {
		((struct kdef *)row)->k.rule = (enum kb_rule)r;
		return 0;
	}
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "'%s' is not a rule (expected cagr, linear, or empty for the default)",
		      "'%s' は評価方法ではありません（cagr, linear, または空欄で既定）"),
		t);
}

static int decimals(struct kb_import *im, void *row, int col, const char *t,
		    void *out)
{
	struct kb_kpi *k = &((struct kdef *)row)->k;
	char *end;
	long v = strtol(t, &end, 10);
	(void)out;
	k->decimals = -1;
	if (!*t)
		return 0;
	if (!*end && v >= 0 && v <= 6) {
		k->decimals = (int)v;
		return 0;
	}
	return kb_import_bad(im, col,
			     KB_TR(im->err->lang,
				   "'%s' is not a number of decimals (0 to 6)",
				   "'%s' は小数桁数ではありません（0〜6）"),
			     t);
}

#define KPI(m) offsetof(struct kdef, k.m)
#define DEF(m) offsetof(struct kdef, m)

static const struct kb_import_col kcols[K_NCOLS] = {
	[K_ID] = { KB_COL("id", "KPI ID", 1, KB_IMPORT_TEXT, KPI(id)),
		   .check = kb__id_ok,
		   .bad_en = "invalid KPI id '%s' (letters, digits, '_', '.', '-'; at most 40)",
		   .bad_ja = "KPI の ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）" },
	[K_NAME_JA] = { KB_COL("name_ja", "名称", 1, KB_IMPORT_TEXT,
			       KPI(name_ja)) },
	[K_NAME_EN] = { KB_COL("name_en", "英語名", 1, KB_IMPORT_TEXT,
			       KPI(name_en)) },
	[K_UNIT_JA] = { KB_COL("unit_ja", "単位", 1, KB_IMPORT_TEXT,
			       KPI(unit_ja)) },
	[K_UNIT_EN] = { KB_COL("unit_en", "英語単位", 0, KB_IMPORT_TEXT,
			       KPI(unit_en)),
			.fallback = "unit_ja" },
	[K_DIR] = { KB_COL("direction", "方向", 1, KB_IMPORT_TEXT, DEF(dir)),
		    .parse = direction },
	[K_PARENT] = { KB_COL("attached_to", "対象", 1, KB_IMPORT_TEXT,
			      DEF(parent)),
		       .parse = attached_to },
	[K_BASE_V] = { KB_COL("baseline_value", "基準値", 1, KB_IMPORT_NUM,
			      KPI(base_value)) },
	[K_BASE_Y] = { KB_COL("baseline_year", "基準年度", 1, KB_IMPORT_FY,
			      KPI(base_fy)) },
	[K_TGT_V] = { KB_COL("target_value", "目標値", 1, KB_IMPORT_NUM,
			     DEF(t.value)) },
	[K_TGT_Y] = { KB_COL("target_year", "目標年度", 1, KB_IMPORT_FY,
			     DEF(t.fy)),
		      .parse = target_year },
	[K_TGT_WHY] = { KB_COL("target_reason", "目標変更理由", 0,
			       KB_IMPORT_TEXT, DEF(target_reason)) },
	[K_SOURCE] = { KB_COL("source", "出典", 0, KB_IMPORT_TEXT, KPI(source)) },
	[K_PERIOD] = { KB_COL("periodicity", "頻度", 0, KB_IMPORT_TEXT,
			      KPI(periodicity)),
		       .dflt = "annual", .parse = periodicity },
	[K_RULE] = { KB_COL("rule", "評価方法", 0, KB_IMPORT_TEXT, DEF(rule)),
		     .parse = rule },
	[K_DEC] = { KB_COL("decimals", "小数桁数", 0, KB_IMPORT_TEXT, DEF(dec)),
		    .parse = decimals },
};

static int same_text(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* Would writing k over was change the definition (targets aside)? */
static int same_definition(const struct kb_kpi *k, const struct kb_kpi *was)
{
	return same_text(k->name_ja, was->name_ja) &&
	       same_text(k->name_en, was->name_en) &&
	       same_text(k->unit_ja, was->unit_ja) &&
	       same_text(k->unit_en, was->unit_en) &&
	       k->direction == was->direction &&
	       same_text(k->goal_id, was->goal_id) &&
	       same_text(k->measure_id, was->measure_id) &&
	       k->base_value == was->base_value && k->base_fy == was->base_fy &&
	       same_text(k->source, was->source) &&
	       same_text(k->periodicity, was->periodicity) &&
	       k->rule == was->rule && k->decimals == was->decimals;
}

static int same_target(const struct kb_target *t, const struct kb_target *was)
{
	return was && t->value == was->value && t->fy == was->fy;
}

/* The stored KPI of this id, or NULL. */
static const struct kb_kpi *stored(const struct kctx *x, const char *id)
{
	size_t e = kb__strmap_get(&x->oldids, id);
	return e == KB_NONE ? NULL : &x->old.v[e];
}

/* Each id once; a changed target needs its reason. */
static int check_kpi(struct kb_import *im, void *row, int bad)
{
	const struct kb_kpi *was;
	const struct kb_target *ot;
	struct kdef *d = row;
	unsigned prev;

	if (d->k.id && *d->k.id && (prev = kb_import_once(im, d->k.id)))
		bad = kb_import_bad(
			im, K_ID,
			KB_TR(im->err->lang,
			      "KPI '%s' appears twice (first at line %u)",
			      "KPI '%s' が重複しています（最初は %u 行目）"),
			d->k.id, prev);
	if (bad)
		return bad; /* the target check below needs a whole row */
	was = stored(im->ctx, d->k.id);
	ot = was ? kb_kpi_target(was) : NULL;
	if (ot && !*d->target_reason && !same_target(&d->t, ot))
		return kb_csv_bad(
			im->c, im->err,
			im->idx[K_TGT_WHY] >= 0 ? im->idx[K_TGT_WHY]
						: im->idx[K_TGT_V],
			"target_reason",
			KB_TR(im->err->lang,
			      "the target of KPI '%s' changes from %g (FY%d) to %g (FY%d): give the reason in column 'target_reason'",
			      "KPI '%s' の目標が %g（%d年度）から %g（%d年度）に変わります。理由を列 'target_reason' に書いてください"),
			d->k.id, ot->value, ot->fy, d->t.value, d->t.fy);
	return 0;
}

/* The order number the next new KPI gets. */
static int next_seq(struct kb_store *s, int *seq, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s, "SELECT coalesce(max(seq), -1) + 1 FROM kpi", err);
	if (!st)
		return KB_EDB;
	*seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

static int write_kpis(struct kb_import *im)
{
	struct kb_import_stats *stats = im->st;
	sqlite3_stmt *ins = kb__sql_prepare(
		im->s,
		"INSERT INTO kpi (id, seq, name_ja, name_en, unit_ja, unit_en, direction, goal_id, "
		"measure_id, baseline_value, baseline_fy, source, periodicity, rule, decimals, "
		"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
		"?13, nullif(?14, ''), nullif(?15, -1), ?16, ?16) ON CONFLICT (id) DO UPDATE SET "
		"name_ja = excluded.name_ja, name_en = excluded.name_en, unit_ja = excluded.unit_ja, "
		"unit_en = excluded.unit_en, direction = excluded.direction, goal_id = excluded.goal_id, "
		"measure_id = excluded.measure_id, baseline_value = excluded.baseline_value, "
		"baseline_fy = excluded.baseline_fy, source = excluded.source, "
		"periodicity = excluded.periodicity, rule = excluded.rule, decimals = excluded.decimals, "
		"updated_at = excluded.updated_at",
		im->err);
	sqlite3_stmt *tgt = kb__sql_prepare(im->s, sql_add_target, im->err);
	size_t i;
	int r, seq;

	if ((r = next_seq(im->s, &seq, im->err)))
		goto out;
	for (i = 0; i < im->n && !r && ins && tgt; i++) {
		const struct kdef *d = kb_import_row(im, i);
		const struct kb_kpi *k = &d->k;
		const struct kb_kpi *was = stored(im->ctx, k->id);
		int newtarget = !was || !same_target(&d->t, kb_kpi_target(was));

		if (was && !newtarget && same_definition(k, was)) {
			stats->unchanged++;
			continue;
		}
		if (was)
			stats->changed++;
		else
			stats->added++;
		kb__sql_bind_text(ins, 1, k->id);
		sqlite3_bind_int(ins, 2, seq++); /* kept by an update */
		kb__sql_bind_text(ins, 3, k->name_ja);
		kb__sql_bind_text(ins, 4, k->name_en);
		kb__sql_bind_text(ins, 5, k->unit_ja);
		kb__sql_bind_text(ins, 6, k->unit_en);
		sqlite3_bind_int(ins, 7, k->direction);
		kb__sql_bind_text(ins, 8, k->goal_id);
		kb__sql_bind_text(ins, 9, k->measure_id);
		sqlite3_bind_double(ins, 10, k->base_value);
		sqlite3_bind_int(ins, 11, k->base_fy);
		kb__sql_bind_text(ins, 12, k->source);
		kb__sql_bind_text(ins, 13, k->periodicity);
		kb__sql_bind_text(ins, 14, kb_rule_key(k->rule));
		sqlite3_bind_int(ins, 15, k->decimals);
		kb__sql_bind_text(ins, 16, im->when);
		if ((r = kb__sql_done(im->s, ins, im->err)))
			break;
		if (!newtarget)
			continue;
		/* targets are numbered 0, 1, ... in the order they were set */
		r = add_target(im->s, tgt, k->id, was ? (int)was->ntargets : 0,
			       d->t.value, d->t.fy, im->when, im->o->actor,
			       *d->target_reason
				       ? d->target_reason
				       : KB_TR(im->err->lang, "initial target",
					       "当初目標"),
			       im->err);
	}
	if (!ins || !tgt)
		r = KB_EDB;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(tgt);
	return r;
}

static int kpi_prepare(struct kb_import *im)
{
	struct kctx *x = im->ctx;
	size_t i;
	int r;
	if ((r = load_targets_of_kpis(im->s, &x->parents, &x->pkeys, &x->npkeys,
				      im->err)) ||
	    (r = kb_kpi_load(im->s, &x->old, im->err)))
		return r;
	for (i = 0; i < x->old.n; i++)
		kb__strmap_put(&x->oldids, x->old.v[i].id, i);
	if (!x->npkeys)
		return kb_err_set(
			im->err, KB_ESTATE, "%s",
			KB_TR(im->err->lang,
			      "the database holds no plan yet: import the plan first ('kiban plan import')",
			      "データベースに計画がまだありません。先に計画を取り込んでください（kiban plan import）"));
	return 0;
}

static void kdef_release(void *row)
{
	kb_kpi_release(&((struct kdef *)row)->k);
}

static int kpi_finish(struct kb_import *im, int r)
{
	struct kctx *x = im->ctx;
	size_t i;
	kb_err_sort(im->err);
	for (i = 0; i < x->npkeys; i++)
		free(x->pkeys[i]);
	free(x->pkeys);
	kb_kpiset_release(&x->old);
	kb__strmap_release(&x->parents);
	kb__strmap_release(&x->oldids);
	return r;
}

static const struct kb_import_spec kpi_spec = {
	.cols = kcols,
	.ncols = K_NCOLS,
	.row_size = sizeof(struct kdef),
	.progress_every = 256,
	.prepare = kpi_prepare,
	.check_row = check_kpi,
	.write = write_kpis, /* which counts, as it compares targets too */
	.release = kdef_release,
	.finish = kpi_finish,
};

int kb_kpi_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *stats,
		  struct kb_err *err)
{
	struct kctx x;
	memset(&x, 0, sizeof(x));
	kb__strmap_init(&x.parents);
	kb__strmap_init(&x.oldids);
	return kb_import_run(&kpi_spec, &x, s, c, o, stats, err);
}

/* ---- yearly values ---- */

enum { O_KPI, O_FY, O_VALUE, O_SOURCE, O_COMMENT, O_NCOLS };

static int is_missing_marker(const char *s)
{
	static const char *const m[] = { "NA",	 "N/A",	   "missing",
					 "欠測", "未公表", "不明" };
	size_t i;
	for (i = 0; i < KB_ARRAY_SIZE(m); i++)
		if (!strcasecmp(s, m[i]))
			return 1;
	return 0;
}

struct orow {
	char *kpi;
	int fy, missing;
	double value;
	char *source, *comment;
};

/* The ids of the stored KPIs, and the copies the map borrows. */
struct octx {
	struct kb__strmap kpis;
	char **keys;
	size_t n;
};

static int load_kpi_ids(struct kb_store *s, struct kb__strmap *m, char ***keys,
			size_t *n, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(s, "SELECT id FROM kpi", err);
	if (!st)
		return KB_EDB;
	while (sqlite3_step(st) == SQLITE_ROW) {
		*keys = kb_realloc(*keys, (*n + 1) * sizeof(char *));
		(*keys)[*n] = kb__sql_text(st, 0);
		kb__strmap_put(m, (*keys)[*n], *n);
		(*n)++;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Checks the fiscal year of a figure against the clock. */
static int fy_in_past(int fy, time_t now)
{
	return fy <= kb_fy_of_time(now);
}

static int known_kpi(struct kb_import *im, void *row, int col, const char *t,
		     void *out)
{
	const struct octx *x = im->ctx;
	(void)row;
	(void)out;
	if (kb__strmap_get(&x->kpis, t) != KB_NONE)
		return 0;
	return kb_import_bad(
		im, col,
		KB_TR(im->err->lang,
		      "unknown KPI '%s' (import the KPI definitions first)",
		      "KPI '%s' が定義されていません（先に KPI の定義を取り込んでください）"),
		t);
}

static int past_fy(struct kb_import *im, void *row, int col, const char *t,
		   void *out)
{
	int *fy = out;
	(void)row;
	(void)t;
	if (kb_csv_fy(im->c, im->err, im->idx[col], "fiscal_year", fy))
		return -1;
	if (fy_in_past(*fy, im->o->now))
		return 0;
	return kb_import_bad(im, col,
			     KB_TR(im->err->lang,
				   "fiscal year %d has not begun yet",
				   "%d年度はまだ始まっていません"),
			     *fy);
}

/* A number, or a marker of a missing figure; never empty. */
static int obs_value(struct kb_import *im, void *row, int col, const char *raw,
		     void *out)
{
	struct orow *w = row;
	char *t = kb__strdup_trim(raw);
	int r = 0;
	(void)out;
	if (is_missing_marker(t))
		w->missing = 1;
	else if (!*t)
		r = kb_import_bad(
			im, col, "%s",
			KB_TR(im->err->lang,
			      "the value is empty: write the number, or NA (欠測) if the figure is missing",
			      "値が空です。数値を書くか、数値が得られない場合は NA（欠測）と書いてください"));
	else
		r = kb_csv_num(im->c, im->err, im->idx[col], "value", &w->value);
	free(t);
	return r;
}

#define OBS(m) offsetof(struct orow, m)

static const struct kb_import_col ocols[O_NCOLS] = {
	[O_KPI] = { KB_COL("kpi_id", "KPI ID", 1, KB_IMPORT_TEXT, OBS(kpi)),
		    .parse = known_kpi },
	[O_FY] = { KB_COL("fiscal_year", "年度", 1, KB_IMPORT_FY, OBS(fy)),
		   .parse = past_fy },
	[O_VALUE] = { KB_COL("value", "値", 1, KB_IMPORT_RAW, OBS(value)),
		      .parse = obs_value },
	[O_SOURCE] = { KB_COL("source", "出典", 0, KB_IMPORT_TEXT, OBS(source)) },
	[O_COMMENT] = { KB_COL("comment", "備考", 0, KB_IMPORT_TEXT,
			       OBS(comment)) },
};

/* One value per KPI and year. */
static int check_obs(struct kb_import *im, void *row, int bad)
{
	struct orow *w = row;
	struct kb_buf key = KB_BUF_INIT;
	unsigned prev = 0;
	if (w->kpi && *w->kpi && w->fy) {
		kb_buf_addf(&key, "%s\x1f%d", w->kpi, w->fy);
		prev = kb_import_once(im, key.buf);
		kb_buf_release(&key);
	}
	if (prev)
		bad = kb_import_bad(
			im, O_FY,
			KB_TR(im->err->lang,
			      "KPI '%s' has a second value for fiscal year %d (first at line %u)",
			      "KPI '%s' の %d年度の値が二つあります（最初は %u 行目）"),
			w->kpi, w->fy, prev);
	return bad;
}

static int upsert_obs(struct kb_store *s, sqlite3_stmt *get, sqlite3_stmt *put,
		      const struct orow *w, const char *actor, const char *when,
		      struct kb_import_stats *stats, struct kb_err *err)
{
	int rc;
	sqlite3_reset(get);
	kb__sql_bind_text(get, 1, w->kpi);
	sqlite3_bind_int(get, 2, w->fy);
	rc = sqlite3_step(get);
	if (rc == SQLITE_ROW) {
		int was_missing = !strcmp(
			(const char *)sqlite3_column_text(get, 0), "missing");
		if (was_missing == w->missing &&
		    (w->missing || sqlite3_column_double(get, 1) == w->value) &&
		    !strcmp((const char *)sqlite3_column_text(get, 2), w->source) &&
		    !strcmp((const char *)sqlite3_column_text(get, 3),
			    w->comment)) {
			stats->unchanged++;
			sqlite3_reset(get);
			return 0;
		}
		stats->changed++;
	} else if (rc == SQLITE_DONE) {
		stats->added++;
	} else {
		return kb__sql_fail(err, kb_store_sqlite(s), "observation");
	}
	sqlite3_reset(get);
	kb__sql_bind_text(put, 1, w->kpi);
	sqlite3_bind_int(put, 2, w->fy);
	kb__sql_bind_text(put, 3, w->missing ? "missing" : "value");
	if (w->missing)
		sqlite3_bind_null(put, 4);
	else
		sqlite3_bind_double(put, 4, w->value);
	kb__sql_bind_text(put, 5, w->source);
	kb__sql_bind_text(put, 6, w->comment);
	kb__sql_bind_text(put, 7, actor);
	kb__sql_bind_text(put, 8, when);
	return kb__sql_done(s, put, err);
}

static const char sql_get_obs[] =
	"SELECT state, value, source, comment FROM observation WHERE kpi_id = ?1 AND fy = ?2";
static const char sql_put_obs[] =
	"INSERT INTO observation (kpi_id, fy, state, value, source, comment, entered_by, entered_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (kpi_id, fy) DO UPDATE SET "
	"state = excluded.state, value = excluded.value, source = excluded.source, "
	"comment = excluded.comment, entered_by = excluded.entered_by, entered_at = excluded.entered_at";

static int write_obs(struct kb_import *im)
{
	sqlite3_stmt *get = kb__sql_prepare(im->s, sql_get_obs, im->err);
	sqlite3_stmt *put =
		get ? kb__sql_prepare(im->s, sql_put_obs, im->err) : NULL;
	size_t i;
	int r = get && put ? 0 : KB_EDB;

	for (i = 0; i < im->n && !r; i++)
		r = upsert_obs(im->s, get, put, kb_import_row(im, i),
			       im->o->actor, im->when, im->st, im->err);
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return r;
}

static int obs_prepare(struct kb_import *im)
{
	struct octx *x = im->ctx;
	return load_kpi_ids(im->s, &x->kpis, &x->keys, &x->n, im->err);
}

static int obs_finish(struct kb_import *im, int r)
{
	struct octx *x = im->ctx;
	size_t i;
	kb_err_sort(im->err);
	for (i = 0; i < x->n; i++)
		free(x->keys[i]);
	free(x->keys);
	kb__strmap_release(&x->kpis);
	return r;
}

static const struct kb_import_spec obs_spec = {
	.cols = ocols,
	.ncols = O_NCOLS,
	.row_size = sizeof(struct orow),
	.progress_every = 1024,
	.prepare = obs_prepare,
	.check_row = check_obs,
	.write = write_obs, /* which counts, comparing with each stored value */
	.finish = obs_finish,
};

int kb_obs_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *stats,
		  struct kb_err *err)
{
	struct octx x;
	memset(&x, 0, sizeof(x));
	kb__strmap_init(&x.kpis);
	return kb_import_run(&obs_spec, &x, s, c, o, stats, err);
}

/* ---- single edits ---- */

static int kpi_row(struct kb_store *s, const char *id, int *base_fy,
		   double *base_value, int *direction, int *tseq,
		   struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT baseline_fy, baseline_value, direction, "
		"(SELECT max(seq) FROM kpi_target WHERE kpi_id = kpi.id) FROM kpi WHERE id = ?1",
		err);
	int rc;
	/* set on every path: callers read them only on success */
	*base_fy = *direction = *tseq = 0;
	*base_value = 0;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*base_fy = sqlite3_column_int(st, 0);
		*base_value = sqlite3_column_double(st, 1);
		*direction = sqlite3_column_int(st, 2);
		*tseq = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return kb_err_set(
			err, KB_ENOTFOUND,
			KB_TR(err->lang, "no KPI '%s' (see 'kiban kpi list')",
			      "KPI '%s' がありません（'kiban kpi list' を参照）"),
			id);
	return 0;
}

int kb_obs_set(struct kb_store *s, const char *kpi_id, int fy, int missing,
	       double value, const char *source, const char *comment,
	       const char *actor, time_t now, struct kb_err *err)
{
	struct kb_import_stats stats;
	struct orow w;
	double bv;
	int bfy, dir, tseq, r;
	char when[32];
	sqlite3_stmt *get, *put;

	if ((r = kpi_row(s, kpi_id, &bfy, &bv, &dir, &tseq, err)))
		return r;
	if (!fy_in_past(fy, now))
		return kb_err_set(err, KB_EINVALID,
				  KB_TR(err->lang,
					"fiscal year %d has not begun yet",
					"%d年度はまだ始まっていません"),
				  fy);
	if (!missing && !isfinite(value))
		return kb_err_set(err, KB_EINVALID, "%s",
				  KB_TR(err->lang,
					"the value is not a finite number",
					"値が有限の数値ではありません"));
	memset(&w, 0, sizeof(w));
	memset(&stats, 0, sizeof(stats));
	w.kpi = (char *)kpi_id;
	w.fy = fy;
	w.missing = missing;
	w.value = value;
	w.source = (char *)(source ? source : "");
	w.comment = (char *)(comment ? comment : "");
	kb__iso_time(now, when);
	if ((r = kb_store_begin(s, err)))
		return r;
	get = kb__sql_prepare(s, sql_get_obs, err);
	put = get ? kb__sql_prepare(s, sql_put_obs, err) : NULL;
	r = get && put ? upsert_obs(s, get, put, &w, actor, when, &stats, err)
		       : KB_EDB;
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return kb_store_end(s, r, err);
}

int kb_kpi_retarget(struct kb_store *s, const char *kpi_id, double value,
		    int fy, const char *reason, const char *actor, time_t now,
		    struct kb_err *err)
{
	struct kb_buf msg = KB_BUF_INIT;
	sqlite3_stmt *st;
	double bv;
	int bfy, dir, tseq, r;
	char when[32];

	if ((r = kpi_row(s, kpi_id, &bfy, &bv, &dir, &tseq, err)))
		return r;
	if (!reason || !*reason)
		return kb_err_set(err, KB_EINVALID, "%s",
				  KB_TR(err->lang,
					"a revised target needs a reason",
					"目標の変更には理由が必要です"));
	if (target_problem(err->lang, dir, bv, bfy, value, fy, &msg)) {
		r = kb_err_set(err, KB_EINVALID, "%s", msg.buf);
		kb_buf_release(&msg);
		return r;
	}
	kb__iso_time(now, when);
	if ((r = kb_store_begin(s, err)))
		return r;
	st = kb__sql_prepare(s, sql_add_target, err);
	r = st ? add_target(s, st, kpi_id, tseq + 1, value, fy, when, actor,
			    reason, err)
	       : KB_EDB;
	sqlite3_finalize(st);
	return kb_store_end(s, r, err);
}
