/*
 * suppress.c - small cells: which aggregates a viewer may see.
 *
 * Hospitals report to the ministry and to their prefecture.  Everyone else
 * (researchers, companies, hospitals, other prefectures, committee members,
 * the dashboard everyone shares) sees only aggregates from which no one
 * hospital's figures can be read.  The rules are the threshold rule of
 * statistical disclosure control (as in tau-argus, and as official
 * statistics mark 秘匿 cells):
 *
 * Primary suppression.  A cell with fewer than KB_MIN_CONTRIBUTORS (3)
 *   facilities behind it is withheld: of two, either reads the other's
 *   figures off the sum.  A cell with none has nothing to protect and
 *   stays shown (it reads "no report").
 *
 * Complementary suppression.  A device's national figures of a week are the
 *   sums of its 47 prefectures' (stock, consumption, demand, stock-out days,
 *   facilities stocked out).  Were one prefecture alone withheld, the
 *   national total minus the prefectures shown would give it back.  So in
 *   each such table the cells hidden from the viewer must be
 *     - none, or
 *     - the total and at least one cell (total minus hidden cells is then
 *       only the sum of the cells shown), or
 *     - at least two cells, with together at least KB_MIN_CONTRIBUTORS
 *       facilities (the viewer learns their sum, which must pass the same
 *       threshold: two withheld cells of one hospital each would give away
 *       the sum of two hospitals).
 *   While that does not hold, the cell still shown with the fewest
 *   facilities (then the lowest prefecture code) is withheld too, as the
 *   one that loses least; when no cell is left, the total.  This is the
 *   "at least two suppressed cells per marginal" rule, with the smallest
 *   complement.
 *
 * A cell the viewer is entitled to see (a prefecture's own, every cell for
 * the ministry) is "known": never withheld from it, and never taken as a
 * complement, since hiding from the viewer what it knows hides nothing.
 * The complement is therefore chosen per viewer (a prefecture's own cell
 * cannot protect another's from it), and the same viewer always gets the
 * same pattern for a week, whichever scope it asks for.
 *
 * Facility counts stay shown: which hospitals report is not confidential,
 * and the reason a cell is withheld is then plain.  A withheld cell loses
 * every figure in it and derived from it (days of supply, status, the
 * alert's figures).
 *
 * Manufacturers' national figures of a device (production, imports,
 * shipments, inventory) are a table of one cell: withheld below
 * KB_MIN_CONTRIBUTORS companies from all without
 * KB_PERM_SUPPLY_CONFIDENTIAL.  Nothing adds them up across devices (their
 * units differ), so they need no complement; nor do hospitals' figures
 * across devices.
 *
 * Limits.  Each week's table is protected on its own: days of supply and
 * expected use are smoothed over past weeks, so a prefecture that drops
 * under 3 reporting hospitals for a single week while its neighbouring
 * weeks are shown leaks a smoothed rate of that week.  Alerts of a withheld
 * cell stay listed, with their rule and severity but without figures: an
 * early warning is the point of the system, and it tells a range, not the
 * figure.
 */
#include "core/compat.h"

#include "kiban/auth.h"
#include "kiban/supply.h"
#include "store/sql.h"

const char *kb_withheld_key(enum kb_withheld w, int companies)
{
	if (w == KB_WITHHELD_COMPLEMENT)
		return "complementary";
	if (w == KB_WITHHELD_FEW)
		return companies ? "few_companies" : "few_facilities";
	return "shown";
}

const char *kb_withheld_mark(enum kb_lang L)
{
	return KB_TR(L, "suppressed", "秘匿");
}

const char *kb_withheld_reason(enum kb_withheld w, int companies, enum kb_lang L)
{
	if (w == KB_WITHHELD_COMPLEMENT)
		return KB_TR(
			L,
			"withheld: with the totals shown it would give away a figure withheld for fewer than 3 reporters",
			"秘匿: 公表する合計との差し引きで、報告者が 3 未満のため秘匿した数値が分かってしまいます");
	if (w == KB_WITHHELD_FEW && companies)
		return KB_TR(L,
			     "withheld: fewer than 3 companies stand behind it",
			     "秘匿: 報告した企業が 3 社未満です");
	if (w == KB_WITHHELD_FEW)
		return KB_TR(L,
			     "withheld: fewer than 3 hospitals stand behind it",
			     "秘匿: 報告した医療機関が 3 施設未満です");
	return "";
}

/* Whether no withheld cell of the table can be recomputed from the cells
 * shown (see the rule above). */
static int protected(const struct kb_cell *c, size_t n)
{
	size_t i, hidden = 0;
	long sum = 0;
	for (i = 1; i < n; i++)
		if (c[i].withheld) {
			hidden++;
			sum += c[i].contributors;
		}
	if (c[0].withheld)
		return hidden > 0 || n == 1;
	return hidden == 0 || (hidden >= 2 && sum >= KB_MIN_CONTRIBUTORS);
}

void kb_suppress_cells(struct kb_cell *c, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		c[i].withheld =
			!c[i].known && c[i].contributors > 0 &&
					c[i].contributors < KB_MIN_CONTRIBUTORS
				? KB_WITHHELD_FEW
				: KB_SHOWN;
	while (n && !protected(c, n)) {
		size_t best = 0;
		for (i = 1; i < n; i++)
			if (!c[i].withheld && !c[i].known &&
			    c[i].contributors > 0 &&
			    (!best || c[i].contributors < c[best].contributors))
				best = i;
		if (!best &&
		    (c[0].withheld || c[0].known || c[0].contributors <= 0))
			break; /* nothing left that would hide anything */
		c[best].withheld = KB_WITHHELD_COMPLEMENT;
	}
}

/* ---- a week's pattern for a viewer ---- */

struct pattern {
	int week;
	unsigned char *cell;   /* [dev * (KB_NPREF + 1) + pref] */
	unsigned char *supply; /* [dev] */
};

static int pattern_load(struct kb_store *s, const struct kb_supply *sup,
			const struct kb_principal *p, int week,
			struct pattern *pt, struct kb_err *err)
{
	size_t nd = sup->ndevices, i;
	struct kb_cell *c = kb_calloc(nd * (KB_NPREF + 1) + 1, sizeof(*c));
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"SELECT device, prefecture, facilities FROM stock_agg "
		"WHERE week = ?1",
		err);
	int pref;

	pt->week = week;
	pt->cell = kb_calloc(nd * (KB_NPREF + 1) + 1, 1);
	pt->supply = kb_calloc(nd + 1, 1);
	if (!st) {
		free(c);
		return KB_EDB;
	}
	sqlite3_bind_int(st, 1, week);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t d = kb_supply_device_n(sup,
					      (long)sqlite3_column_int64(st, 0));
		pref = sqlite3_column_int(st, 1);
		if (d != KB_NONE && pref >= 0 && pref <= KB_NPREF)
			c[d * (KB_NPREF + 1) + (size_t)pref].contributors =
				sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	for (i = 0; i < nd; i++) {
		struct kb_cell *t = &c[i * (KB_NPREF + 1)];
		for (pref = 0; pref <= KB_NPREF; pref++)
			t[pref].known = kb_allowed(p, KB_PERM_SUPPLY_SMALL_CELLS,
						   0, pref);
		kb_suppress_cells(t, KB_NPREF + 1);
		for (pref = 0; pref <= KB_NPREF; pref++)
			pt->cell[i * (KB_NPREF + 1) + (size_t)pref] =
				(unsigned char)t[pref].withheld;
	}
	free(c);
	st = kb__sql_prepare(
		s, "SELECT device, reporters FROM production_agg WHERE week = ?1",
		err);
	if (!st)
		return KB_EDB;
	sqlite3_bind_int(st, 1, week);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t d = kb_supply_device_n(sup,
					      (long)sqlite3_column_int64(st, 0));
		struct kb_cell one = { sqlite3_column_int(st, 1),
				       kb_allowed(p, KB_PERM_SUPPLY_CONFIDENTIAL,
						  0, 0),
				       KB_SHOWN };
		if (d == KB_NONE)
			continue;
		kb_suppress_cells(&one, 1);
		pt->supply[d] = (unsigned char)one.withheld;
	}
	sqlite3_finalize(st);
	return 0;
}

static void pattern_release(struct pattern *pt)
{
	free(pt->cell);
	free(pt->supply);
	memset(pt, 0, sizeof(*pt));
}

int kb_supply_status_disclose(struct kb_store *s, const struct kb_supply *sup,
			      const struct kb_principal *p,
			      struct kb_supply_status *st, struct kb_err *err)
{
	struct pattern pt;
	int conf = kb_allowed(p, KB_PERM_SUPPLY_CONFIDENTIAL, 0, 0), r;
	size_t i;

	if (!st->n || st->v[0].facility >= 0) /* one facility's own rows */
		return 0;
	if ((r = pattern_load(s, sup, p, st->week, &pt, err))) {
		pattern_release(&pt);
		return r;
	}
	for (i = 0; i < st->n; i++) {
		struct kb_status_row *x = &st->v[i];
		if (x->facility >= 0 || x->pref < 0 || x->pref > KB_NPREF)
			continue;
		x->withheld =
			(enum kb_withheld)pt.cell[x->device * (KB_NPREF + 1) +
						  (size_t)x->pref];
		if (x->supply >= 0)
			x->supply_withheld =
				(enum kb_withheld)pt.supply[x->device];
		if (!conf)
			x->suppliers = -1; /* how many: theirs to know */
	}
	pattern_release(&pt);
	return 0;
}

int kb_alerts_disclose(struct kb_store *s, const struct kb_supply *sup,
		       const struct kb_principal *p, struct kb_alerts *al,
		       struct kb_err *err)
{
	unsigned char *done = kb_calloc(al->n + 1, 1);
	size_t i, k;
	int r = 0;

	for (i = 0; !r && i < al->n; i++) {
		struct pattern pt;
		if (done[i])
			continue;
		if ((r = pattern_load(s, sup, p, al->v[i].week, &pt, err))) {
			pattern_release(&pt);
			break;
		}
		for (k = i; k < al->n; k++) {
			struct kb_alert *a = &al->v[k];
			if (done[k] || a->week != pt.week)
				continue;
			done[k] = 1;
			if (a->rule == KB_ALERT_SUPPLY_DROP)
				a->withheld =
					(enum kb_withheld)pt.supply[a->device];
			else if (a->rule != KB_ALERT_SILENT &&
				 a->device != KB_NONE && a->pref >= 0 &&
				 a->pref <= KB_NPREF)
				a->withheld =
					(enum kb_withheld)
						pt.cell[a->device * (KB_NPREF + 1) +
							(size_t)a->pref];
		}
		pattern_release(&pt);
	}
	free(done);
	return r;
}
