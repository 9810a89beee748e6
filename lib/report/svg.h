/*
 * svg.h - the charts of the reports, written as inline SVG (internal).
 *
 * Status marks are shapes (star, disc, half disc, ring, triangle, dashed
 * ring) defined once per document as <symbol>s and referenced with <use>,
 * so they read in greyscale; colour only adds to the shape.  Every chart
 * has role="img" and a <title> that says in words what it shows.
 */
#ifndef KB_SVG_H
#define KB_SVG_H

#include "kiban/buf.h"
#include "kiban/eval.h"

/* The <symbol> definitions; once per document, before any mark. */
void kb__svg_symbols(struct kb_buf *out);

/* A status mark with its accessible name. */
void kb__svg_mark(struct kb_buf *out, enum kb_status s, enum kb_lang lang);

/* Bullet chart: the figure against baseline, expected value and target. */
void kb__svg_bullet(struct kb_buf *out, const struct kb_kpi *k,
		    const struct kb_kpi_eval *e, int fy, enum kb_lang lang);

/* Sparkline of the yearly figures with the required path to the target. */
void kb__svg_sparkline(struct kb_buf *out, const struct kb_kpi *k,
		       const struct kb_kpi_eval *e, int fy, enum kb_lang lang);

/* The legend of the bullet chart's marks. */
void kb__svg_chart_legend(struct kb_buf *out, enum kb_lang lang);

#endif
