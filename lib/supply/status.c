/*
 * status.c - the one status model: what the dashboard, the status list and
 * the reason of every row say about a device in a region.
 *
 * A row's figures and stock status (days of supply against the device's
 * thresholds) come from the weekly aggregates (kb__status_figures,
 * monitor.c); its risk is the most severe open signal of its device that
 * reaches its region (signal.c), with the signal's cause, onset and
 * regions.  The level shown is the risk when there is one, the stock
 * status otherwise, and the reason says both in a sentence.  This file
 * sits above monitor.c and signal.c; neither calls it.
 */
#include "core/compat.h"

#include "kiban/supply.h"
#include "supply/supply_int.h"

/* Sets each row's risk from the signals open at st->week: given, when they
 * are that week's, or found here. */
static int status_risk(struct kb_store *s, const struct kb_supply *sup,
		       const struct kb_signals *given,
		       struct kb_supply_status *st, struct kb_err *err)
{
	struct kb_signals own;
	const struct kb_signals *sg = given;
	struct kb_buf where = KB_BUF_INIT;
	size_t i, k;
	int r;

	if (!sg || sg->to != st->week) {
		if ((r = kb_supply_signals(s, sup, st->week, st->week, &own, err)))
			return r;
		sg = &own;
	}
	for (i = 0; i < st->n; i++) {
		struct kb_status_row *x = &st->v[i];
		for (k = 0; k < sg->n; k++) {
			const struct kb_signal *g = &sg->v[k];
			if (g->device != x->device || g->closed >= 0 ||
			    !g->severity || g->severity <= x->risk ||
			    (x->pref && !kb_signal_reaches(g, x->pref)))
				continue;
			x->risk = g->severity;
			x->risk_cause = g->cause;
			x->risk_since = g->onset;
			snprintf(x->risk_key, sizeof(x->risk_key), "%s", g->key);
			kb_buf_reset(&where);
			kb__signal_regions(g, sup, err->lang, &where);
			snprintf(x->risk_where, sizeof(x->risk_where), "%s",
				 where.buf ? where.buf : "");
		}
	}
	if (sg == &own)
		kb_signals_release(&own);
	kb_buf_release(&where);
	return 0;
}

const char *kb_status_level_key(const struct kb_status_row *x)
{
	return x->risk ? kb_severity_key(x->risk)
		       : kb_stock_status_key(x->calc.status);
}

const char *kb_status_level_name(const struct kb_status_row *x, enum kb_lang lang)
{
	return x->risk ? kb_severity_name(x->risk, lang)
		       : kb_stock_status_name(x->calc.status, lang);
}

void kb_status_reason(const struct kb_supply *sup, const struct kb_status_row *x,
		      enum kb_lang L, struct kb_buf *out)
{
	const struct kb_device *d = &sup->devices[x->device];
	char since[16];

	if (x->risk) {
		kb_week_format(x->risk_since, since);
		if (L == KB_LANG_JA)
			kb_buf_addf(
				out,
				"%s: %s の週から%sのシグナル（%s）が続いています。",
				kb_severity_name(x->risk, L), since,
				kb_signal_cause_name(x->risk_cause, L),
				x->risk_where);
		else
			kb_buf_addf(
				out,
				"%s: a %s signal (%s) open since the week of %s. ",
				kb_severity_name(x->risk, L),
				kb_signal_cause_name(x->risk_cause, L),
				x->risk_where, since);
	}
	if (x->withheld) {
		kb_buf_adds(out, kb_withheld_reason(x->withheld, 0, L));
		return;
	}
	if (!x->figs.facilities) {
		kb_buf_adds(out, KB_TR(L, "No hospital reported this week.",
				       "今週の報告はありません。"));
		return;
	}
	if (x->calc.status == KB_STATUS_OUT)
		kb_buf_adds(out, KB_TR(L, "No stock left", "在庫がありません"));
	else if (x->calc.dos >= 0)
		kb_buf_addf(
			out,
			KB_TR(L, "%.1f days of supply (adequate from %g to %g): %s",
			      "在庫日数 %.1f 日（適正 %g〜%g 日）: %s"),
			x->calc.dos, d->under_days, d->over_days,
			kb_stock_status_name(x->calc.status, L));
	else
		kb_buf_adds(
			out,
			KB_TR(L, "Days of supply unknown (no use seen yet)",
			      "在庫日数は不明です（使用量の実績がまだありません）"));
	kb_buf_addf(out,
		    KB_TR(L, "; from the reports of %d hospitals.",
			  "。報告 %d 病院の数値です。"),
		    x->figs.facilities);
}

char *kb_supply_key_reason(struct kb_store *s, const struct kb_supply *sup,
			   const char *key, enum kb_lang lang)
{
	const char *w = strrchr(key, ':');
	struct kb_buf b = KB_BUF_INIT;
	struct kb_err quiet;
	int week;
	size_t i;

	if (!w || kb_week_parse(w + 1, &week))
		return NULL;
	kb_err_init(&quiet, lang);
	if (!strncmp(key, "signal:", 7)) {
		struct kb_signals sg;
		if (!kb_supply_signals(s, sup, week, -1, &sg, &quiet)) {
			for (i = 0; i < sg.n && !b.len; i++)
				if (!strcmp(sg.v[i].key, key))
					kb_signal_reason(&sg.v[i], &sg, sup,
							 lang, &b);
			kb_signals_release(&sg);
		}
	} else {
		struct kb_alerts al;
		if (!kb_supply_alerts(s, sup, week, week, &al, &quiet)) {
			for (i = 0; i < al.n && !b.len; i++)
				if (!strcmp(al.v[i].key, key))
					kb_alert_reason(&al.v[i], sup, lang, &b);
			kb_alerts_release(&al);
		}
	}
	kb_err_release(&quiet);
	return b.len ? kb_buf_detach(&b, NULL) : NULL;
}

int kb_supply_status(struct kb_store *s, const struct kb_supply *sup,
		     const struct kb_status_query *q,
		     struct kb_supply_status *out, struct kb_err *err)
{
	int r = kb__status_figures(s, sup, q, out, err);
	if (r || q->scope == KB_SCOPE_FACILITY)
		return r;
	return status_risk(s, sup, q->signals, out, err);
}
