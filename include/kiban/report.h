/*
 * report.h - the annual evaluation report: one self-contained HTML file.
 *
 * The report holds its stylesheet and its charts (SVG drawn by kiban), so
 * it opens without a network and prints on A4.  It is rendered from a
 * struct kb_eval alone, live or frozen: a frozen evaluation gives the same
 * report whatever was edited since, plus a list of those edits.
 *
 * HTML elements carry data-* attributes (data-goal, data-status, data-kpi,
 * data-ministry, data-action) so that scripts and tests can read the
 * content without parsing prose.
 */
#ifndef KIBAN_REPORT_H
#define KIBAN_REPORT_H

#include <time.h>

#include "kiban/buf.h"
#include "kiban/eval.h"

struct kb_report_opts {
	enum kb_lang lang;
	time_t now;	       /* shown as the date of writing */
	const char *generator; /* e.g. "kiban 0.1.0" */
};

/* Appends the report to out.  Cannot fail (memory aside). */
void kb_report_annual(const struct kb_eval *ev, const struct kb_report_opts *o,
		      struct kb_buf *out);

/* One KPI's charts as inline SVG, for a web page: the figures over the
 * years with the path to the target, and where the figure of fy stands. */
void kb_report_kpi_charts(const struct kb_kpi *k, int fy, enum kb_lang lang,
			  struct kb_buf *out);

#endif
