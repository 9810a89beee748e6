/*
 * chain.c - the supply-chain map: importing it, loading it as arrays, and
 * the figures computed from it.
 *
 * The map is a directed acyclic graph of items (devices and components):
 * an item needs every one of its inputs and is made at one or more sites,
 * each with a share of its supply.  Availability when a set of sites stops
 * is computed in one pass in topological order (inputs first):
 *     avail(i) = (sum of shares of i's running sources) * min avail(input)
 * which is Leontief production (output limited by the scarcest input) over
 * a mix of sources.  Every risk figure is a question to that function:
 * single-source inputs, the Herfindahl-Hirschman index of suppliers
 * (sum of squared percentage shares, 0-10000), the loss if a country
 * stops, the loss if every site abroad stops (import dependence).
 *
 * Importing replaces the whole map, all or nothing, through the one import
 * loop (kiban/import.h); a cycle is reported with its path at the row that
 * closes it.
 */
#include "core/compat.h"

#include "core/strmap.h"
#include "kiban/import.h"
#include "kiban/supply.h"
#include "store/sql.h"
#include "supply/supply_int.h"

enum { CH_ITEM, CH_INPUT, CH_SITE, CH_SHARE, CH_NCOLS };

struct crow {
	char *item, *input, *site;
	double share;
	unsigned line, col_item, col_input, col_share;
};

/* The columns for the import loop (kiban/import.h); a share is read with
 * the rest of its row, by read_row(). */
static const struct kb_import_col chcols[CH_NCOLS] = {
	{ KB_COL("item", "品目", 1, KB_IMPORT_TEXT, offsetof(struct crow, item)) },
	{ KB_COL("input", "投入部材", 0, KB_IMPORT_TEXT,
		 offsetof(struct crow, input)) },
	{ KB_COL("site", "拠点", 0, KB_IMPORT_TEXT, offsetof(struct crow, site)) },
	{ KB_COL("share", "シェア", 0, KB_IMPORT_RAW, 0) },
};

/* What the import holds while it runs. */
struct chain_import {
	struct kb_supply sup;
	struct kb_chain ch;
};

/* The graph being built: items by id, edges as pairs. */
struct graph {
	struct kb__strmap ids;
	char **id;
	size_t n, alloc;
};

static size_t node(struct graph *g, char *id)
{
	size_t i = kb__strmap_get(&g->ids, id);
	if (i != KB_NONE)
		return i;
	KB_ALLOC_GROW(g->id, g->n + 1, g->alloc);
	g->id[g->n] = id;
	kb__strmap_put(&g->ids, id, g->n);
	return g->n++;
}

static int parse_share(const char *t, double *out)
{
	size_t n = strlen(t);
	char buf[64];
	if (n && n < sizeof(buf) && (t[n - 1] == '%')) {
		snprintf(buf, sizeof(buf), "%.*s", (int)n - 1, t);
		if (kb_parse_number(buf, out))
			return -1;
		*out /= 100;
		return 0;
	}
	if (!strcmp(t + (n >= 3 ? n - 3 : 0), "％") && n >= 3) {
		snprintf(buf, sizeof(buf), "%.*s", (int)n - 3, t);
		if (kb_parse_number(buf, out))
			return -1;
		*out /= 100;
		return 0;
	}
	return kb_parse_number(t, out);
}

/* Builds the CSR arrays of a chain from edge lists. */
static void build(struct kb_chain *ch, size_t nitem, const size_t *ein_from,
		  const size_t *ein_to, size_t nin, const size_t *esrc_item,
		  const size_t *esrc_site, const double *esrc_share, size_t nsrc)
{
	size_t i, *fill, *indeg, *queue, qh = 0, qt = 0;

	ch->nitem = nitem;
	ch->in_off = kb_calloc(nitem + 1, sizeof(size_t));
	ch->src_off = kb_calloc(nitem + 1, sizeof(size_t));
	ch->in = kb_calloc(nin + 1, sizeof(size_t));
	ch->src_site = kb_calloc(nsrc + 1, sizeof(size_t));
	ch->src_share = kb_calloc(nsrc + 1, sizeof(double));
	ch->order = kb_calloc(nitem + 1, sizeof(size_t));
	for (i = 0; i < nin; i++)
		ch->in_off[ein_from[i] + 1]++;
	for (i = 0; i < nsrc; i++)
		ch->src_off[esrc_item[i] + 1]++;
	for (i = 0; i < nitem; i++) {
		ch->in_off[i + 1] += ch->in_off[i];
		ch->src_off[i + 1] += ch->src_off[i];
	}
	fill = kb_calloc(nitem + 1, sizeof(size_t));
	for (i = 0; i < nin; i++)
		ch->in[ch->in_off[ein_from[i]] + fill[ein_from[i]]++] = ein_to[i];
	memset(fill, 0, (nitem + 1) * sizeof(size_t));
	for (i = 0; i < nsrc; i++) {
		size_t at = ch->src_off[esrc_item[i]] + fill[esrc_item[i]]++;
		ch->src_site[at] = esrc_site[i];
		ch->src_share[at] = esrc_share[i];
	}
	free(fill);
	/* Kahn: an item is ready when all of its inputs are placed */
	indeg = kb_calloc(nitem + 1, sizeof(size_t));
	queue = kb_calloc(nitem + 1, sizeof(size_t));
	for (i = 0; i < nitem; i++)
		indeg[i] = ch->in_off[i + 1] - ch->in_off[i];
	for (i = 0; i < nitem; i++)
		if (!indeg[i])
			queue[qt++] = i;
	while (qh < qt) {
		size_t x = queue[qh++];
		ch->order[qh - 1] = x;
		/* users of x: scan (maps are small: thousands of edges) */
		for (i = 0; i < nin; i++)
			if (ein_to[i] == x && !--indeg[ein_from[i]])
				queue[qt++] = ein_from[i];
	}
	free(indeg);
	free(queue);
}

/* Depth-first search for a cycle through input edges; fills path. */
static int find_cycle(const struct kb_chain *ch, size_t x, unsigned char *mark,
		      size_t *path, size_t *depth)
{
	size_t j;
	mark[x] = 1;
	path[(*depth)++] = x;
	for (j = ch->in_off[x]; j < ch->in_off[x + 1]; j++) {
		size_t y = ch->in[j];
		if (mark[y] == 1) {
			path[(*depth)++] = y;
			return 1;
		}
		if (!mark[y] && find_cycle(ch, y, mark, path, depth))
			return 1;
	}
	mark[x] = 2;
	(*depth)--;
	return 0;
}

void kb_chain_release(struct kb_chain *ch)
{
	size_t i;
	for (i = 0; i < ch->nitem; i++)
		free(ch->item[i]);
	free(ch->item);
	free(ch->device);
	free(ch->in_off);
	free(ch->in);
	free(ch->src_off);
	free(ch->src_site);
	free(ch->src_share);
	free(ch->order);
	memset(ch, 0, sizeof(*ch));
}

size_t kb_chain_item(const struct kb_chain *ch, const char *id)
{
	size_t i;
	for (i = 0; i < ch->nitem; i++)
		if (!strcmp(ch->item[i], id))
			return i;
	return KB_NONE;
}

/* The checks of a row, once its text fields are read. */
static int read_row(struct kb_import *im, void *row, int r)
{
	const struct kb_supply *sup = &((struct chain_import *)im->ctx)->sup;
	enum kb_lang L = im->err->lang;
	struct kb_csv *c = im->c;
	const int *idx = im->idx;
	struct crow *x = row;
	const char *t;

	x->line = c->rec_line;
	x->col_item = kb_csv_col(c, idx[CH_ITEM]);
	x->col_input = kb_csv_col(c, idx[CH_INPUT]);
	x->col_share = kb_csv_col(c, idx[CH_SHARE]);
	if (x->item && *x->item && kb_supply_device(sup, x->item) == KB_NONE &&
	    kb_supply_component(sup, x->item) == KB_NONE)
		r |= kb_import_bad(
			im, CH_ITEM,
			KB_TR(L, "unknown item '%s' (expected a registered device code or component id)",
			      "品目 '%s' は未登録です（登録済みの機器コードか部品 ID が必要です）"),
			x->item);
	if (!*x->input == !*x->site) {
		kb_import_bad(
			im, *x->input ? CH_SITE : CH_INPUT, "%s",
			KB_TR(L, "give either an input (the item needs it) or a site (the item is made there), not both or neither",
			      "input（必要な部材）か site（製造拠点）のどちらか一方を指定してください"));
		return -1;
	}
	if (*x->input) {
		if (kb_supply_component(sup, x->input) == KB_NONE)
			r |= kb_import_bad(
				im, CH_INPUT,
				KB_TR(L, "unknown component '%s' (import the components first)",
				      "部品 '%s' は未登録です（先に部品を取り込んでください）"),
				x->input);
		else if (x->item && !strcmp(x->item, x->input))
			r |= kb_import_bad(
				im, CH_INPUT,
				KB_TR(L, "'%s' cannot be an input of itself",
				      "'%s' を自分自身の部材にはできません"),
				x->input);
		if (*kb_csv_get(c, idx[CH_SHARE]))
			r |= kb_import_bad(
				im, CH_SHARE, "%s",
				KB_TR(L, "a share belongs to a site row, not an input row",
				      "シェアは拠点の行に書きます（部材の行には書けません）"));
		return r ? -1 : 0;
	}
	if (kb_supply_site(sup, x->site) == KB_NONE)
		r |= kb_import_bad(
			im, CH_SITE,
			KB_TR(L, "unknown site '%s' (import the sites first)",
			      "拠点 '%s' は未登録です（先に拠点を取り込んでください）"),
			x->site);
	t = kb_csv_get(c, idx[CH_SHARE]);
	if (!*t)
		x->share = 1;
	else if (parse_share(t, &x->share) || x->share <= 0 || x->share > 1)
		r |= kb_import_bad(
			im, CH_SHARE,
			KB_TR(L, "'%s' is not a share (expected a fraction above 0 up to 1, or a percentage such as 60%%)",
			      "'%s' はシェアではありません（0 より大きく 1 以下の割合か、60%% のような百分率）"),
			t);
	return r ? -1 : 0;
}

static int check_map(const struct crow *rows, size_t n,
		     const struct kb_supply *sup, const char *file,
		     struct kb_chain *ch, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	struct graph g;
	struct kb__strmap pairs;
	struct kb_buf key = KB_BUF_INIT;
	char **keys = kb_calloc(n + 1, sizeof(char *));
	size_t *ef = kb_calloc(n + 1, sizeof(size_t)),
	       *et = kb_calloc(n + 1, sizeof(size_t)),
	       *si = kb_calloc(n + 1, sizeof(size_t)),
	       *ss = kb_calloc(n + 1, sizeof(size_t));
	double *sh = kb_calloc(n + 1, sizeof(double)), *sum;
	size_t *first_src, *first_use, nin = 0, nsrc = 0, i;
	unsigned char *mark;
	int r = 0;

	memset(&g, 0, sizeof(g));
	kb__strmap_init(&g.ids);
	kb__strmap_init(&pairs);
	for (i = 0; i < n; i++) {
		const struct crow *x = &rows[i];
		size_t a = node(&g, x->item), prev;
		kb_buf_reset(&key);
		kb_buf_addf(&key, "%s\x1f%s", x->item,
			    x->input && *x->input ? x->input : x->site);
		keys[i] = kb_buf_detach(&key, NULL);
		if ((prev = kb__strmap_put(&pairs, keys[i], i)) != i) {
			r = kb_err_at(
				err, KB_EINVALID, file, x->line, x->col_item,
				"item",
				KB_TR(L, "'%s' with '%s' appears twice (also on line %u)",
				      "'%s' と '%s' の組が二度出てきます（%u 行目にも）"),
				x->item, *x->input ? x->input : x->site,
				rows[prev].line);
			continue;
		}
		if (*x->input) {
			ef[nin] = a;
			et[nin++] = node(&g, x->input);
		} else {
			si[nsrc] = a;
			ss[nsrc] = kb_supply_site(sup, x->site);
			sh[nsrc++] = x->share;
		}
	}
	sum = kb_calloc(g.n + 1, sizeof(double));
	first_src = kb_malloc((g.n + 1) * sizeof(size_t));
	first_use = kb_malloc((g.n + 1) * sizeof(size_t));
	memset(first_src, 0xff, (g.n + 1) * sizeof(size_t));
	memset(first_use, 0xff, (g.n + 1) * sizeof(size_t));
	for (i = 0; i < n; i++) {
		size_t a = kb__strmap_get(&g.ids, rows[i].item);
		if (*rows[i].site) {
			sum[a] += rows[i].share;
			if (first_src[a] == KB_NONE)
				first_src[a] = i;
		} else {
			size_t b = kb__strmap_get(&g.ids, rows[i].input);
			if (first_use[b] == KB_NONE)
				first_use[b] = i;
		}
	}
	for (i = 0; i < g.n; i++) {
		if (first_src[i] == KB_NONE) {
			size_t at = first_use[i] != KB_NONE ? first_use[i] : 0;
			r = kb_err_at(
				err, KB_EINVALID, file, rows[at].line,
				first_use[i] != KB_NONE ? rows[at].col_input
							: rows[at].col_item,
				first_use[i] != KB_NONE ? "input" : "item",
				KB_TR(L, "'%s' has no source: add a row with item %s and the site where it is made",
				      "'%s' の製造拠点がありません。item が %s で site に製造拠点を書いた行を加えてください"),
				g.id[i], g.id[i]);
		} else if (fabs(sum[i] - 1) > 1e-6) {
			const struct crow *x = &rows[first_src[i]];
			r = kb_err_at(
				err, KB_EINVALID, file, x->line, x->col_share,
				"share",
				KB_TR(L, "the shares of '%s' sum to %.4g%%; they must sum to 100%%",
				      "'%s' のシェアの合計が %.4g%% です。合計は 100%% でなければなりません"),
				g.id[i], sum[i] * 100);
		}
	}
	build(ch, g.n, ef, et, nin, si, ss, sh, nsrc);
	ch->item = g.id;
	ch->device = kb_calloc(g.n + 1, sizeof(size_t));
	for (i = 0; i < g.n; i++)
		ch->device[i] = kb_supply_device(sup, g.id[i]);
	/* a cycle leaves items out of the topological order */
	mark = kb_calloc(g.n + 1, 1);
	for (i = 0; i < g.n && !r; i++) {
		size_t path[256], depth = 0, j, k;
		if (mark[i] || !find_cycle(ch, i, mark, path, &depth))
			continue;
		/* path ends with the repeated item; start the cycle there */
		for (k = 0; path[k] != path[depth - 1]; k++)
			;
		kb_buf_reset(&key);
		for (j = k; j < depth; j++)
			kb_buf_addf(&key, "%s%s", j > k ? " → " : "",
				    g.id[path[j]]);
		/* the row of the closing edge path[depth-2] -> path[depth-1] */
		for (j = 0; j < n; j++)
			if (*rows[j].input &&
			    !strcmp(rows[j].item, g.id[path[depth - 2]]) &&
			    !strcmp(rows[j].input, g.id[path[depth - 1]]))
				break;
		r = kb_err_at(
			err, KB_EINVALID, file, j < n ? rows[j].line : 0,
			j < n ? rows[j].col_input : 0, "input",
			KB_TR(L, "a cycle in the supply chain: %s (an item cannot need itself, directly or through its inputs)",
			      "サプライチェーンが循環しています: %s（品目は直接にも部材を通しても自分自身を必要とできません）"),
			key.buf);
	}
	free(mark);
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(ef);
	free(et);
	free(si);
	free(ss);
	free(sh);
	free(sum);
	free(first_src);
	free(first_use);
	kb__strmap_release(&g.ids);
	kb__strmap_release(&pairs);
	kb_buf_release(&key);
	/* the ids are owned by the rows; the chain gets copies */
	for (i = 0; i < ch->nitem; i++)
		ch->item[i] = kb_strdup(ch->item[i]);
	return r ? KB_EINVALID : 0;
}

static int chain_prepare(struct kb_import *im)
{
	return kb_supply_load(im->s, &((struct chain_import *)im->ctx)->sup,
			      im->err);
}

static int chain_check(struct kb_import *im)
{
	struct chain_import *x = im->ctx;
	return check_map((const struct crow *)im->rows, im->n, &x->sup,
			 im->c->name, &x->ch, im->err);
}

/* A row is unchanged when the stored map has it, else added. */
static enum kb_import_state chain_compare(struct kb_import *im, const void *row)
{
	const struct crow *x = row;
	sqlite3_stmt *has = kb__sql_cached(
		im->s,
		"SELECT EXISTS (SELECT 1 FROM chain_input WHERE item = ?1 "
		"AND input = ?2) OR EXISTS (SELECT 1 FROM chain_source "
		"WHERE item = ?1 AND site = ?3 AND share = ?4)",
		im->err);
	int found;
	if (!has)
		return KB_IMPORT_NEW;
	kb__sql_bind_text(has, 1, x->item);
	kb__sql_bind_text(has, 2, x->input);
	kb__sql_bind_text(has, 3, x->site);
	sqlite3_bind_double(has, 4, x->share);
	found = sqlite3_step(has) == SQLITE_ROW && sqlite3_column_int(has, 0);
	kb__sql_finish(im->s, has);
	return found ? KB_IMPORT_SAME : KB_IMPORT_NEW;
}

/* The rows of the old map that the new one drops are the changed. */
static int chain_count(struct kb_import *im)
{
	sqlite3_stmt *old =
		kb__sql_prepare(im->s,
				"SELECT (SELECT count(*) FROM chain_input) + "
				"(SELECT count(*) FROM chain_source)",
				im->err);
	size_t before;
	if (!old)
		return KB_EDB;
	before = sqlite3_step(old) == SQLITE_ROW
			 ? (size_t)sqlite3_column_int64(old, 0)
			 : 0;
	sqlite3_finalize(old);
	im->st->changed =
		before > im->st->unchanged ? before - im->st->unchanged : 0;
	return 0;
}

/* Replaces the whole map. */
static int chain_write(struct kb_import *im)
{
	sqlite3_stmt *in, *src;
	size_t i;
	int r = kb__sql_exec(im->s,
			     "DELETE FROM chain_input; DELETE FROM chain_source",
			     im->err);
	in = kb__sql_prepare(im->s,
			     "INSERT INTO chain_input (item, input, seq) "
			     "VALUES (?1, ?2, ?3)",
			     im->err);
	src = kb__sql_prepare(im->s,
			      "INSERT INTO chain_source (item, site, share, seq) "
			      "VALUES (?1, ?2, ?3, ?4)",
			      im->err);
	if (!in || !src)
		r = KB_EDB;
	for (i = 0; !r && i < im->n; i++) {
		const struct crow *x = kb_import_row(im, i);
		sqlite3_stmt *q = *x->input ? in : src;
		kb__sql_bind_text(q, 1, x->item);
		kb__sql_bind_text(q, 2, *x->input ? x->input : x->site);
		if (q == in) {
			sqlite3_bind_int64(q, 3, (sqlite3_int64)i);
		} else {
			sqlite3_bind_double(q, 3, x->share);
			sqlite3_bind_int64(q, 4, (sqlite3_int64)i);
		}
		r = kb__sql_done(im->s, q, im->err);
	}
	sqlite3_finalize(in);
	sqlite3_finalize(src);
	return r;
}

static int chain_finish(struct kb_import *im, int r)
{
	struct chain_import *x = im->ctx;
	kb_chain_release(&x->ch);
	kb_supply_release(&x->sup);
	return r;
}

static const struct kb_import_spec chain_spec = {
	.cols = chcols,
	.ncols = CH_NCOLS,
	.row_size = sizeof(struct crow),
	.progress_every = 1,
	.prepare = chain_prepare,
	.check_row = read_row,
	.check_all = chain_check,
	.compare = chain_compare,
	.count = chain_count,
	.write = chain_write,
	.finish = chain_finish,
};

int kb_chain_import(struct kb_store *s, struct kb_csv *c,
		    const struct kb_import_opts *o, struct kb_import_stats *st,
		    struct kb_err *err)
{
	struct chain_import x;
	memset(&x, 0, sizeof(x));
	return kb_import_run(&chain_spec, &x, s, c, o, st, err);
}

int kb_chain_load(struct kb_store *s, const struct kb_supply *sup,
		  struct kb_chain *out, struct kb_err *err)
{
	struct graph g;
	size_t *ef = NULL, *et = NULL, *si = NULL, *ss = NULL;
	double *sh = NULL;
	size_t nin = 0, ain = 0, ain2 = 0, nsrc = 0, as = 0, as2 = 0, as3 = 0, i;
	sqlite3_stmt *st;
	int r = 0;

	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	kb__strmap_init(&g.ids);
	st = kb__sql_prepare(
		s, "SELECT item, input FROM chain_input ORDER BY seq", err);
	if (!st) {
		r = KB_EDB;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *a = kb__sql_text(st, 0), *b = kb__sql_text(st, 1);
		size_t x = node(&g, a), y = node(&g, b);
		if (g.id[x] != a)
			free(a);
		if (g.id[y] != b)
			free(b);
		KB_ALLOC_GROW(ef, nin + 1, ain);
		KB_ALLOC_GROW(et, nin + 1, ain2);
		ef[nin] = x;
		et[nin++] = y;
	}
	sqlite3_finalize(st);
	st = kb__sql_prepare(s,
			     "SELECT item, site, share FROM chain_source "
			     "ORDER BY seq",
			     err);
	if (!st) {
		r = KB_EDB;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *a = kb__sql_text(st, 0);
		size_t x = node(&g, a),
		       y = kb_supply_site(
			       sup, (const char *)sqlite3_column_text(st, 1));
		if (g.id[x] != a)
			free(a);
		if (y == KB_NONE)
			continue;
		KB_ALLOC_GROW(si, nsrc + 1, as);
		KB_ALLOC_GROW(ss, nsrc + 1, as2);
		KB_ALLOC_GROW(sh, nsrc + 1, as3);
		si[nsrc] = x;
		ss[nsrc] = y;
		sh[nsrc++] = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	build(out, g.n, ef, et, nin, si, ss, sh, nsrc);
	out->item = g.id;
	g.id = NULL;
	out->device = kb_calloc(g.n + 1, sizeof(size_t));
	for (i = 0; i < g.n; i++)
		out->device[i] = kb_supply_device(sup, out->item[i]);
out:
	for (i = 0; g.id && i < g.n; i++)
		free(g.id[i]);
	free(g.id);
	kb__strmap_release(&g.ids);
	free(ef);
	free(et);
	free(si);
	free(ss);
	free(sh);
	return r;
}

void kb_chain_avail(const struct kb_chain *ch, const unsigned char *down,
		    double *avail)
{
	size_t k, j;
	for (k = 0; k < ch->nitem; k++) {
		size_t i = ch->order[k];
		double src = 0, in = 1;
		if (ch->src_off[i] == ch->src_off[i + 1])
			src = 1;
		for (j = ch->src_off[i]; j < ch->src_off[i + 1]; j++)
			if (!down[ch->src_site[j]])
				src += ch->src_share[j];
		for (j = ch->in_off[i]; j < ch->in_off[i + 1]; j++)
			if (avail[ch->in[j]] < in)
				in = avail[ch->in[j]];
		avail[i] = src > 1 ? in : src * in;
	}
}

size_t kb_chain_stop(const struct kb_supply *sup, enum kb_stop what,
		     const char *id, unsigned char *down)
{
	size_t i, n = 0;
	for (i = 0; i < sup->nsites; i++) {
		const struct kb_site *x = &sup->sites[i];
		switch (what) {
		case KB_STOP_SITE: down[i] = !strcmp(x->id, id); break;
		case KB_STOP_SUPPLIER:
			down[i] = !strcmp(sup->orgs[x->org].id, id);
			break;
		case KB_STOP_COUNTRY: down[i] = !strcmp(x->country, id); break;
		case KB_STOP_REGION:
			down[i] = !strcasecmp(x->region, id);
			break;
		}
		n += down[i];
	}
	return n;
}

/* HHI over the supplier organisations of item i's sources. */
static double item_hhi(const struct kb_chain *ch, const struct kb_supply *sup,
		       size_t i, size_t *nsup)
{
	size_t j, k;
	double h = 0;
	*nsup = 0;
	for (j = ch->src_off[i]; j < ch->src_off[i + 1]; j++) {
		size_t org = sup->sites[ch->src_site[j]].org;
		double share = 0;
		int first = 1;
		for (k = ch->src_off[i]; k < j; k++)
			if (sup->sites[ch->src_site[k]].org == org)
				first = 0;
		if (!first)
			continue;
		for (k = j; k < ch->src_off[i + 1]; k++)
			if (sup->sites[ch->src_site[k]].org == org)
				share += ch->src_share[k];
		h += (share * 100) * (share * 100);
		(*nsup)++;
	}
	return h;
}

static void mark_inputs(const struct kb_chain *ch, size_t i, unsigned char *seen)
{
	size_t j;
	for (j = ch->in_off[i]; j < ch->in_off[i + 1]; j++)
		if (!seen[ch->in[j]]) {
			seen[ch->in[j]] = 1;
			mark_inputs(ch, ch->in[j], seen);
		}
}

void kb_chain_risk(const struct kb_chain *ch, const struct kb_supply *sup,
		   size_t i, struct kb_chain_risk *r)
{
	unsigned char *seen = kb_calloc(ch->nitem + 1, 1),
		      *down = kb_calloc(sup->nsites + 1, 1),
		      *cseen = kb_calloc(sup->nsites + 1, 1);
	double *avail = kb_calloc(ch->nitem + 1, sizeof(double));
	size_t j, k, nsup;

	memset(r, 0, sizeof(*r));
	r->item = i;
	r->nsources = ch->src_off[i + 1] - ch->src_off[i];
	r->hhi = item_hhi(ch, sup, i, &r->nsuppliers);
	r->worst_input = KB_NONE;
	mark_inputs(ch, i, seen);
	seen[i] = 2;
	for (j = 0; j < ch->nitem; j++) {
		double h;
		if (seen[j] != 1)
			continue;
		h = item_hhi(ch, sup, j, &nsup);
		if (nsup == 1)
			r->single_source++;
		if (r->worst_input == KB_NONE || h > r->worst_hhi) {
			r->worst_input = j;
			r->worst_hhi = h;
		}
	}
	/* every country with a site anywhere under the item */
	for (j = 0; j < ch->nitem; j++) {
		if (!seen[j])
			continue;
		for (k = ch->src_off[j]; k < ch->src_off[j + 1]; k++) {
			const char *country = sup->sites[ch->src_site[k]].country;
			size_t m;
			if (cseen[ch->src_site[k]])
				continue;
			for (m = 0; m < sup->nsites; m++) {
				down[m] = !strcmp(sup->sites[m].country, country);
				if (down[m])
					cseen[m] = 1;
			}
			kb_chain_avail(ch, down, avail);
			if (1 - avail[i] > r->top_country_loss + 1e-12 ||
			    !r->top_country) {
				free(r->top_country);
				r->top_country = kb_strdup(country);
				r->top_country_loss = 1 - avail[i];
			}
		}
	}
	for (k = 0; k < sup->nsites; k++)
		down[k] = strcmp(sup->sites[k].country, "JP") != 0;
	kb_chain_avail(ch, down, avail);
	r->import_dependence = 1 - avail[i];
	free(seen);
	free(down);
	free(cseen);
	free(avail);
}
