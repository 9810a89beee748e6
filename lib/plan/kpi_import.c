/*
 * kpi_import.c - importing KPI definitions and yearly values, and the
 * single-record edits (a value, a target revision).
 *
 * Both imports read every row, check each field against the plan and the
 * KPIs already in the store, and collect every problem.  Only a file with
 * no problem is written, in one transaction.  Rows identical to what the
 * store holds are counted and left alone, so re-importing a file does not
 * pile up history.
 */
#include "core/compat.h"

#include "core/ident.h"
#include "core/strmap.h"
#include "kiban/buf.h"
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

static const struct kb_csv_col kcols[K_NCOLS] = {
	{ "id", "KPI ID", 1 },
	{ "name_ja", "名称", 1 },
	{ "name_en", "英語名", 1 },
	{ "unit_ja", "単位", 1 },
	{ "unit_en", "英語単位", 0 },
	{ "direction", "方向", 1 },
	{ "attached_to", "対象", 1 },
	{ "baseline_value", "基準値", 1 },
	{ "baseline_year", "基準年度", 1 },
	{ "target_value", "目標値", 1 },
	{ "target_year", "目標年度", 1 },
	{ "target_reason", "目標変更理由", 0 },
	{ "source", "出典", 0 },
	{ "periodicity", "頻度", 0 },
	{ "rule", "評価方法", 0 },
	{ "decimals", "小数桁数", 0 },
};

static const char *const periodicities[][2] = {
	{ "annual", "毎年" },
	{ "biennial", "隔年" },
	{ "triennial", "3年ごと" },
	{ "irregular", "不定期" },
};

struct kdef {
	struct kb_kpi k; /* the row as read; one target */
	char *target_reason;
	unsigned line;
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

static int read_kpi_row(struct kb_csv *c, const int *idx, struct kb_err *err,
			struct kdef *d, const struct kb__strmap *parents)
{
	enum kb_lang L = err->lang;
	struct kb_kpi *k = &d->k;
	struct kb_target *t;
	char *dir = NULL, *parent = NULL, *per = NULL, *rule = NULL, *dec = NULL;
	int bad = 0, r;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->line = c->rec_line;
	k->decimals = -1;
	k->targets = t = kb_calloc(1, sizeof(*t));
	k->ntargets = 1;
	bad |= kb_csv_text(c, err, idx[K_ID], "id", 1, &k->id);
	if (k->id && !kb__id_ok(k->id))
		bad |= kb_csv_bad(
			c, err, idx[K_ID], "id",
			KB_TR(L, "invalid KPI id '%s' (letters, digits, '_', '.', '-'; at most 40)",
			      "KPI の ID '%s' が不正です（英数字と _ . - のみ、40 文字まで）"),
			k->id);
	bad |= kb_csv_text(c, err, idx[K_NAME_JA], "name_ja", 1, &k->name_ja);
	bad |= kb_csv_text(c, err, idx[K_NAME_EN], "name_en", 1, &k->name_en);
	bad |= kb_csv_text(c, err, idx[K_UNIT_JA], "unit_ja", 1, &k->unit_ja);
	kb_csv_text(c, err, idx[K_UNIT_EN], "unit_en", 0, &k->unit_en);
	if (k->unit_en && !*k->unit_en && k->unit_ja) {
		free(k->unit_en);
		k->unit_en = kb_strdup(k->unit_ja);
	}
	if (kb_csv_text(c, err, idx[K_DIR], "direction", 1, &dir))
		bad = -1;
	else if (!(k->direction = direction_parse(dir)))
		bad |= kb_csv_bad(
			c, err, idx[K_DIR], "direction",
			KB_TR(L, "'%s' is not a direction (expected higher or lower)",
			      "'%s' は方向ではありません（higher（高いほど良い）か lower（低いほど良い））"),
			dir);
	if (kb_csv_text(c, err, idx[K_PARENT], "attached_to", 1, &parent)) {
		bad = -1;
	} else {
		size_t kind = kb__strmap_get(parents, parent);
		if (kind == KB_NONE)
			bad |= kb_csv_bad(
				c, err, idx[K_PARENT], "attached_to",
				KB_TR(L, "'%s' is not a goal or measure of the plan (expected e.g. G01 or M01)",
				      "'%s' は計画のゴールでも施策でもありません（G01 や M01 のような ID が必要です）"),
				parent);
		else if (kind == 0)
			k->goal_id = kb_strdup(parent);
		else
			k->measure_id = kb_strdup(parent);
	}
	bad |= kb_csv_num(c, err, idx[K_BASE_V], "baseline_value",
			  &k->base_value);
	bad |= kb_csv_fy(c, err, idx[K_BASE_Y], "baseline_year", &k->base_fy);
	r = kb_csv_num(c, err, idx[K_TGT_V], "target_value", &t->value);
	r |= kb_csv_fy(c, err, idx[K_TGT_Y], "target_year", &t->fy);
	bad |= r;
	if (!bad) {
		struct kb_buf msg = KB_BUF_INIT;
		const char *field =
			target_problem(L, k->direction, k->base_value,
				       k->base_fy, t->value, t->fy, &msg);
		if (field)
			bad |= kb_csv_bad(
				c, err,
				idx[strcmp(field, "target_year") ? K_TGT_V : K_TGT_Y],
				field, "%s", msg.buf);
		kb_buf_release(&msg);
	}
	kb_csv_text(c, err, idx[K_TGT_WHY], "target_reason", 0,
		    &d->target_reason);
	kb_csv_text(c, err, idx[K_SOURCE], "source", 0, &k->source);
	kb_csv_text(c, err, idx[K_PERIOD], "periodicity", 0, &per);
	if (!*per) {
		k->periodicity = kb_strdup("annual");
	} else {
		for (i = 0; i < KB_ARRAY_SIZE(periodicities); i++)
			if (!strcasecmp(per, periodicities[i][0]) ||
			    !strcmp(per, periodicities[i][1]))
				k->periodicity = kb_strdup(periodicities[i][0]);
		if (!k->periodicity)
			bad |= kb_csv_bad(
				c, err, idx[K_PERIOD], "periodicity",
				KB_TR(L, "'%s' is not a periodicity (expected annual, biennial, triennial or irregular)",
				      "'%s' は頻度ではありません（annual（毎年）, biennial（隔年）, triennial（3年ごと）, irregular（不定期））"),
				per);
	}
	kb_csv_text(c, err, idx[K_RULE], "rule", 0, &rule);
	if ((r = kb_rule_parse(rule)) < 0)
		bad |= kb_csv_bad(
			c, err, idx[K_RULE], "rule",
			KB_TR(L, "'%s' is not a rule (expected cagr, linear, or empty for the default)",
			      "'%s' は評価方法ではありません（cagr, linear, または空欄で既定）"),
			rule);
	else
		k->rule = (enum kb_rule)r;
	kb_csv_text(c, err, idx[K_DEC], "decimals", 0, &dec);
	if (*dec) {
		char *end;
		long v = strtol(dec, &end, 10);
		if (*end || v < 0 || v > 6)
			bad |= kb_csv_bad(
				c, err, idx[K_DEC], "decimals",
				KB_TR(L, "'%s' is not a number of decimals (0 to 6)",
				      "'%s' は小数桁数ではありません（0〜6）"),
				dec);
		else
			k->decimals = (int)v;
	}
	if (!k->source)
		k->source = kb_strdup("");
	free(dir);
	free(parent);
	free(per);
	free(rule);
	free(dec);
	return bad ? -1 : 0;
}

static void kdef_release(struct kdef *d)
{
	kb_kpi_release(&d->k);
	free(d->target_reason);
}

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

static void progress(const struct kb_import_opts *o, const struct kb_csv *c)
{
	if (o->progress)
		o->progress(o->progress_ctx, c->pos, c->len);
}

static int write_kpis(struct kb_store *s, struct kdef *d, size_t n,
		      const struct kb__strmap *oldids,
		      const struct kb_kpiset *old, const struct kb_import_opts *o,
		      struct kb_import_stats *stats, struct kb_err *err)
{
	sqlite3_stmt *ins = kb__sql_prepare(
		s,
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
		err);
	sqlite3_stmt *tgt = kb__sql_prepare(s, sql_add_target, err);
	char when[32];
	size_t i;
	int r, seq;

	if ((r = next_seq(s, &seq, err)))
		goto out;
	kb__iso_time(o->now, when);
	for (i = 0; i < n && !r && ins && tgt; i++) {
		const struct kb_kpi *k = &d[i].k;
		const struct kb_target *t = &k->targets[0];
		size_t e = kb__strmap_get(oldids, k->id);
		const struct kb_kpi *was = e == KB_NONE ? NULL : &old->v[e];
		int newtarget = !was || !same_target(t, kb_kpi_target(was));

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
		kb__sql_bind_text(ins, 16, when);
		if ((r = kb__sql_done(s, ins, err)))
			break;
		if (!newtarget)
			continue;
		/* targets are numbered 0, 1, ... in the order they were set */
		r = add_target(s, tgt, k->id, was ? (int)was->ntargets : 0,
			       t->value, t->fy, when, o->actor,
			       *d[i].target_reason
				       ? d[i].target_reason
				       : KB_TR(err->lang, "initial target",
					       "当初目標"),
			       err);
	}
	if (!ins || !tgt)
		r = KB_EDB;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(tgt);
	return r;
}

int kb_kpi_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *stats,
		  struct kb_err *err)
{
	struct kb__strmap parents, oldids, infile;
	struct kb_kpiset old = { 0 };
	char **pkeys = NULL;
	size_t npkeys = 0, n = 0, alloc = 0, i;
	struct kdef *d = NULL;
	int idx[K_NCOLS], r, bad = 0;

	memset(stats, 0, sizeof(*stats));
	kb__strmap_init(&parents);
	kb__strmap_init(&oldids);
	kb__strmap_init(&infile);
	if ((r = load_targets_of_kpis(s, &parents, &pkeys, &npkeys, err)) ||
	    (r = kb_kpi_load(s, &old, err)))
		goto out;
	for (i = 0; i < old.n; i++)
		kb__strmap_put(&oldids, old.v[i].id, i);
	if (!npkeys) {
		r = kb_err_set(
			err, KB_ESTATE, "%s",
			KB_TR(err->lang,
			      "the database holds no plan yet: import the plan first ('kiban plan import')",
			      "データベースに計画がまだありません。先に計画を取り込んでください（kiban plan import）"));
		goto out;
	}
	if ((r = kb_csv_header(c, kcols, K_NCOLS, idx, err)))
		goto out;
	while ((r = kb_csv_next(c, err)) == 1) {
		const struct kb_target *ot;
		struct kdef *row;
		int rowbad = 0;
		KB_ALLOC_GROW(d, n + 1, alloc);
		row = &d[n++];
		stats->rows++;
		if (read_kpi_row(c, idx, err, row, &parents))
			rowbad = 1;
		if (row->k.id && *row->k.id &&
		    kb__strmap_put(&infile, row->k.id, n - 1) != n - 1) {
			kb_csv_bad(
				c, err, idx[K_ID], "id",
				KB_TR(err->lang,
				      "KPI '%s' appears twice (first at line %u)",
				      "KPI '%s' が重複しています（最初は %u 行目）"),
				row->k.id,
				d[kb__strmap_get(&infile, row->k.id)].line);
			rowbad = 1;
		}
		bad |= rowbad;
		if (rowbad)
			continue; /* the target check below needs a whole row */
		i = kb__strmap_get(&oldids, row->k.id);
		ot = i == KB_NONE ? NULL : kb_kpi_target(&old.v[i]);
		if (ot && !*row->target_reason &&
		    !same_target(&row->k.targets[0], ot)) {
			kb_csv_bad(
				c, err,
				idx[K_TGT_WHY] >= 0 ? idx[K_TGT_WHY]
						    : idx[K_TGT_V],
				"target_reason",
				KB_TR(err->lang,
				      "the target of KPI '%s' changes from %g (FY%d) to %g (FY%d): give the reason in column 'target_reason'",
				      "KPI '%s' の目標が %g（%d年度）から %g（%d年度）に変わります。理由を列 'target_reason' に書いてください"),
				row->k.id, ot->value, ot->fy,
				row->k.targets[0].value, row->k.targets[0].fy);
			bad = 1;
		}
		if (!(stats->rows % 256))
			progress(o, c);
	}
	progress(o, c);
	if (r < 0)
		goto out;
	if (bad) {
		r = KB_EINVALID;
		goto out;
	}
	if (o->dry_run) {
		r = 0;
		goto out;
	}
	if (!(r = kb_store_begin(s, err)))
		r = kb_store_end(
			s, write_kpis(s, d, n, &oldids, &old, o, stats, err),
			err);
out:
	kb_err_sort(err);
	for (i = 0; i < n; i++)
		kdef_release(&d[i]);
	free(d);
	for (i = 0; i < npkeys; i++)
		free(pkeys[i]);
	free(pkeys);
	kb_kpiset_release(&old);
	kb__strmap_release(&parents);
	kb__strmap_release(&oldids);
	kb__strmap_release(&infile);
	if (r && stats->added + stats->changed) {
		stats->added = stats->changed = 0; /* nothing was written */
	}
	return r;
}

/* ---- yearly values ---- */

enum { O_KPI, O_FY, O_VALUE, O_SOURCE, O_COMMENT, O_NCOLS };

static const struct kb_csv_col ocols[O_NCOLS] = {
	{ "kpi_id", "KPI ID", 1 }, { "fiscal_year", "年度", 1 },
	{ "value", "値", 1 },	   { "source", "出典", 0 },
	{ "comment", "備考", 0 },
};

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
	unsigned line;
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

static int write_obs(struct kb_store *s, const struct orow *rows, size_t n,
		     const struct kb_import_opts *o,
		     struct kb_import_stats *stats, struct kb_err *err)
{
	sqlite3_stmt *get = kb__sql_prepare(s, sql_get_obs, err);
	sqlite3_stmt *put = get ? kb__sql_prepare(s, sql_put_obs, err) : NULL;
	char when[32];
	size_t i;
	int r = get && put ? 0 : KB_EDB;

	kb__iso_time(o->now, when);
	for (i = 0; i < n && !r; i++)
		r = upsert_obs(s, get, put, &rows[i], o->actor, when, stats, err);
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return r;
}

int kb_obs_import(struct kb_store *s, struct kb_csv *c,
		  const struct kb_import_opts *o, struct kb_import_stats *stats,
		  struct kb_err *err)
{
	enum kb_lang L = err->lang;
	struct kb__strmap kpis, seen;
	struct kb_buf key = KB_BUF_INIT;
	char **keys = NULL, **seenkeys = NULL;
	size_t nkeys = 0, n = 0, alloc = 0, i;
	struct orow *rows = NULL;
	int idx[O_NCOLS], r, bad = 0;

	memset(stats, 0, sizeof(*stats));
	kb__strmap_init(&kpis);
	kb__strmap_init(&seen);
	if ((r = load_kpi_ids(s, &kpis, &keys, &nkeys, err)) ||
	    (r = kb_csv_header(c, ocols, O_NCOLS, idx, err)))
		goto out;
	while ((r = kb_csv_next(c, err)) == 1) {
		struct orow *w;
		int rowbad = 0;

		KB_ALLOC_GROW(rows, n + 1, alloc);
		seenkeys = kb_realloc(seenkeys, (n + 1) * sizeof(char *));
		seenkeys[n] = NULL;
		w = &rows[n++];
		memset(w, 0, sizeof(*w));
		w->line = c->rec_line;
		stats->rows++;
		rowbad |= kb_csv_text(c, err, idx[O_KPI], "kpi_id", 1, &w->kpi);
		if (w->kpi && kb__strmap_get(&kpis, w->kpi) == KB_NONE)
			rowbad |= kb_csv_bad(
				c, err, idx[O_KPI], "kpi_id",
				KB_TR(L, "unknown KPI '%s' (import the KPI definitions first)",
				      "KPI '%s' が定義されていません（先に KPI の定義を取り込んでください）"),
				w->kpi);
		if (!kb_csv_fy(c, err, idx[O_FY], "fiscal_year", &w->fy)) {
			if (!fy_in_past(w->fy, o->now))
				rowbad |= kb_csv_bad(
					c, err, idx[O_FY], "fiscal_year",
					KB_TR(L, "fiscal year %d has not begun yet",
					      "%d年度はまだ始まっていません"),
					w->fy);
		} else {
			rowbad = -1;
		}
		{
			char *t;
			kb_csv_text(c, err, idx[O_VALUE], "value", 0, &t);
			if (is_missing_marker(t))
				w->missing = 1;
			else if (!*t)
				rowbad |= kb_csv_bad(
					c, err, idx[O_VALUE], "value", "%s",
					KB_TR(L, "the value is empty: write the number, or NA (欠測) if the figure is missing",
					      "値が空です。数値を書くか、数値が得られない場合は NA（欠測）と書いてください"));
			else
				rowbad |= kb_csv_num(c, err, idx[O_VALUE],
						     "value", &w->value);
			free(t);
		}
		kb_csv_text(c, err, idx[O_SOURCE], "source", 0, &w->source);
		kb_csv_text(c, err, idx[O_COMMENT], "comment", 0, &w->comment);
		if (w->kpi && *w->kpi && w->fy) {
			kb_buf_reset(&key);
			kb_buf_addf(&key, "%s\x1f%d", w->kpi, w->fy);
			seenkeys[n - 1] = kb_strdup(key.buf);
			if (kb__strmap_put(&seen, seenkeys[n - 1], n - 1) !=
			    n - 1) {
				rowbad |= kb_csv_bad(
					c, err, idx[O_FY], "fiscal_year",
					KB_TR(L, "KPI '%s' has a second value for fiscal year %d (first at line %u)",
					      "KPI '%s' の %d年度の値が二つあります（最初は %u 行目）"),
					w->kpi, w->fy,
					rows[kb__strmap_get(&seen, seenkeys[n - 1])]
						.line);
			}
		}
		if (rowbad)
			bad = 1;
		if (!(stats->rows % 1024))
			progress(o, c);
	}
	progress(o, c);
	if (r < 0)
		goto out;
	if (bad) {
		r = KB_EINVALID;
		goto out;
	}
	if (o->dry_run) {
		r = 0;
		goto out;
	}
	if (!(r = kb_store_begin(s, err)))
		r = kb_store_end(s, write_obs(s, rows, n, o, stats, err), err);
	if (r)
		stats->added = stats->changed = stats->unchanged = 0;
out:
	kb_err_sort(err);
	for (i = 0; i < n; i++) {
		free(rows[i].kpi);
		free(rows[i].source);
		free(rows[i].comment);
		free(seenkeys[i]);
	}
	free(rows);
	free(seenkeys);
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	kb_buf_release(&key);
	kb__strmap_release(&kpis);
	kb__strmap_release(&seen);
	return r;
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
