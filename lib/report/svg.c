/*
 * svg.c - status marks, bullet charts and sparklines as inline SVG.
 *
 * Bullet chart (after Stephen Few): a dark bar for the latest figure on a
 * grey scale, the stretch from baseline to target shaded, a thick tick for
 * the target, a thin one for the baseline and a dashed one for where the
 * KPI should be this year.  The scale starts at zero whenever every value
 * is positive, so bar lengths stay honest.
 *
 * Sparkline: the yearly figures as a line broken where a year is missing
 * (missing years marked with a cross), the required path from baseline to
 * target dashed, the target as an open circle, the figure used for the
 * status as a dot in the status's colour.
 */
#include "core/compat.h"

#include "kiban/report.h"
#include "report/svg.h"

void kb__svg_symbols(struct kb_buf *o)
{
	kb_buf_adds(
		o,
		"<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\" focusable=\"false\"><defs>\n"
		"<symbol id=\"st-achieved\" viewBox=\"0 0 16 16\"><polygon points=\"8,0.8 10.2,5.8 15.5,6.1 11.4,9.6 12.8,14.9 8,12 3.2,14.9 4.6,9.6 0.5,6.1 5.8,5.8\" fill=\"currentColor\" stroke=\"#000\" stroke-width=\"0.7\"/></symbol>\n"
		"<symbol id=\"st-on_track\" viewBox=\"0 0 16 16\"><circle cx=\"8\" cy=\"8\" r=\"6.6\" fill=\"currentColor\" stroke=\"#000\" stroke-width=\"0.7\"/></symbol>\n"
		"<symbol id=\"st-needs_acceleration\" viewBox=\"0 0 16 16\"><circle cx=\"8\" cy=\"8\" r=\"6.4\" fill=\"#fff\" stroke=\"currentColor\" stroke-width=\"1.6\"/><path d=\"M8,1.6 A6.4,6.4 0 0 0 8,14.4 Z\" fill=\"currentColor\"/></symbol>\n"
		"<symbol id=\"st-limited_progress\" viewBox=\"0 0 16 16\"><circle cx=\"8\" cy=\"8\" r=\"5.9\" fill=\"#fff\" stroke=\"currentColor\" stroke-width=\"2.6\"/></symbol>\n"
		"<symbol id=\"st-deteriorating\" viewBox=\"0 0 16 16\"><polygon points=\"1,2.5 15,2.5 8,14.8\" fill=\"currentColor\" stroke=\"#000\" stroke-width=\"0.7\"/></symbol>\n"
		"<symbol id=\"st-cannot_assess\" viewBox=\"0 0 16 16\"><circle cx=\"8\" cy=\"8\" r=\"6.2\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.6\" stroke-dasharray=\"2.4 2\"/><circle cx=\"8\" cy=\"8\" r=\"1.4\" fill=\"currentColor\"/></symbol>\n"
		"</defs></svg>\n");
}

void kb__svg_mark(struct kb_buf *o, enum kb_status s, enum kb_lang lang)
{
	const char *key = kb_status_key(s), *label = kb_status_label(s, lang);
	kb_buf_addf(o,
		    "<svg class=\"mark st-%s\" viewBox=\"0 0 16 16\" role=\"img\" aria-label=\"%s\">"
		    "<title>%s</title><use href=\"#st-%s\"/></svg>",
		    key, label, label, key);
}

/* A step of 1, 2 or 5 times a power of ten giving about n ticks. */
static double nice_step(double range, int n)
{
	double raw = range / n, mag = pow(10, floor(log10(raw))), f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static int step_decimals(double step)
{
	int d = (int)ceil(-log10(step));
	return d < 0 ? 0 : d > 6 ? 6 : d;
}

static void fmin_max(double v, double *lo, double *hi)
{
	if (!isfinite(v))
		return;
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

static int kpi_decimals(const struct kb_kpi *k)
{
	return k->decimals >= 0 ? k->decimals : -3;
}

static void describe_bullet(struct kb_buf *o, const struct kb_kpi *k,
			    const struct kb_kpi_eval *e, int fy, enum kb_lang L)
{
	struct kb_buf t = KB_BUF_INIT;
	int d = kpi_decimals(k);
	const char *unit = L == KB_LANG_EN ? k->unit_en : k->unit_ja;

	if (e->latest_fy) {
		kb_buf_adds(&t, KB_TR(L, "Figure ", "実績 "));
		kb_buf_add_num(&t, e->latest, d);
		kb_buf_addf(&t, KB_TR(L, " %s (FY%d); ", "%s（%d年度）、"),
			    unit, e->latest_fy);
	} else {
		kb_buf_adds(&t, KB_TR(L, "No figure yet; ", "実績値なし、"));
	}
	kb_buf_addf(&t, KB_TR(L, "expected for FY%d ", "%d年度の期待値 "), fy);
	kb_buf_add_num(&t, e->expected, d);
	kb_buf_adds(&t, KB_TR(L, "; target ", "、目標 "));
	kb_buf_add_num(&t, e->target, d);
	kb_buf_addf(&t, KB_TR(L, " (FY%d); baseline ", "（%d年度）、基準 "),
		    e->target_fy);
	kb_buf_add_num(&t, k->base_value, d);
	kb_buf_addf(&t, KB_TR(L, " (FY%d)", "（%d年度）"), k->base_fy);
	kb_buf_adds(o, "<title>");
	kb_buf_add_html(o, t.buf);
	kb_buf_adds(o, "</title>");
	kb_buf_release(&t);
}

void kb__svg_bullet(struct kb_buf *o, const struct kb_kpi *k,
		    const struct kb_kpi_eval *e, int fy, enum kb_lang lang)
{
	const double W = 340, left = 12, right = 328;
	double lo = 0, hi = 0, step, b = k->base_value, x0, x1, v;
	int dec;

	lo = hi = b;
	fmin_max(e->target, &lo, &hi);
	fmin_max(e->expected, &lo, &hi);
	fmin_max(e->latest, &lo, &hi);
	if (lo > 0)
		lo = 0;
	if (hi < 0)
		hi = 0;
	if (hi - lo < 1e-12)
		hi = lo + 1;
	step = nice_step(hi - lo, 4);
	lo = floor(lo / step + 1e-9) * step;
	hi = ceil(hi / step - 1e-9) * step;
	dec = step_decimals(step);
#define X(val) (left + ((val)-lo) / (hi - lo) * (right - left))
	kb_buf_addf(
		o,
		"<svg class=\"bullet\" width=\"%.0f\" height=\"58\" viewBox=\"0 0 %.0f 58\" role=\"img\">",
		W, W);
	describe_bullet(o, k, e, fy, lang);
	kb_buf_addf(
		o,
		"<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"22\" fill=\"#ececec\"/>",
		left, right - left);
	x0 = X(fmin(b, e->target));
	x1 = X(fmax(b, e->target));
	kb_buf_addf(
		o,
		"<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"22\" fill=\"#cdcdcd\"/>",
		x0, x1 - x0);
	if (isfinite(e->latest)) {
		v = e->latest;
		x0 = X(fmin(0, v) < lo ? lo : fmin(0, v));
		x1 = X(fmax(0, v));
		kb_buf_addf(
			o,
			"<rect x=\"%.1f\" y=\"14\" width=\"%.1f\" height=\"10\" fill=\"#1a1a1a\"/>",
			x0, x1 - x0 < 1 ? 1 : x1 - x0);
	}
	kb_buf_addf(
		o,
		"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"11\" y2=\"27\" stroke=\"#5a5a5a\" stroke-width=\"2\"/>",
		X(b), X(b));
	if (isfinite(e->expected))
		kb_buf_addf(
			o,
			"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"4\" y2=\"34\" stroke=\"#1a1a1a\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>",
			X(e->expected), X(e->expected));
	kb_buf_addf(
		o,
		"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"5\" y2=\"33\" stroke=\"#000\" stroke-width=\"3.5\"/>",
		X(e->target), X(e->target));
	kb_buf_addf(
		o,
		"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"38\" y2=\"38\" stroke=\"#8c8c8c\"/>",
		left, right);
	for (v = lo; v <= hi + step * 1e-6; v += step) {
		double x = X(v);
		kb_buf_addf(
			o,
			"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"38\" y2=\"41\" stroke=\"#8c8c8c\"/>"
			"<text x=\"%.1f\" y=\"52\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">",
			x, x, x);
		kb_buf_add_num(o, fabs(v) < step * 1e-9 ? 0 : v, dec);
		kb_buf_adds(o, "</text>");
	}
#undef X
	kb_buf_adds(o, "</svg>");
}

void kb__svg_sparkline(struct kb_buf *o, const struct kb_kpi *k,
		       const struct kb_kpi_eval *e, int fy, enum kb_lang lang)
{
	const double W = 200, left = 8, right = 192, top = 6, bottom = 40;
	int y0 = k->base_fy, y1 = fy, y, pen = 0;
	double lo = k->base_value, hi = k->base_value, pad;
	size_t i;

	for (i = 0; i < k->nobs; i++)
		if (k->obs[i].fy <= fy && k->obs[i].fy < y0)
			y0 = k->obs[i].fy;
	if (e->target_fy > y1 && e->target_fy <= fy + 5)
		y1 = e->target_fy;
	if (y1 <= y0)
		y1 = y0 + 1;
	fmin_max(e->target, &lo, &hi);
	for (i = 0; i < k->nobs; i++)
		if (!k->obs[i].missing && k->obs[i].fy >= y0 && k->obs[i].fy <= fy)
			fmin_max(k->obs[i].value, &lo, &hi);
	pad = (hi - lo) * 0.08;
	if (pad < 1e-12)
		pad = fabs(hi) * 0.1 + 1e-9;
	lo -= pad;
	hi += pad;
#define SX(year) (left + (double)((year)-y0) / (y1 - y0) * (right - left))
#define SY(val)	 (bottom - ((val)-lo) / (hi - lo) * (bottom - top))
	kb_buf_addf(
		o,
		"<svg class=\"spark\" width=\"%.0f\" height=\"54\" viewBox=\"0 0 %.0f 54\" role=\"img\"><title>",
		W, W);
	{
		struct kb_buf t = KB_BUF_INIT;
		kb_buf_addf(&t,
			    KB_TR(lang, "Yearly figures FY%d–FY%d: ",
				  "%d〜%d年度の推移: "),
			    y0, fy);
		for (i = 0; i < k->nobs; i++) {
			if (k->obs[i].fy < y0 || k->obs[i].fy > fy)
				continue;
			kb_buf_addf(&t, KB_TR(lang, "FY%d ", "%d年度 "),
				    k->obs[i].fy);
			if (k->obs[i].missing)
				kb_buf_adds(&t, KB_TR(lang, "missing", "欠測"));
			else
				kb_buf_add_num(&t, k->obs[i].value,
					       kpi_decimals(k));
			kb_buf_adds(&t, KB_TR(lang, "; ", "、"));
		}
		kb_buf_adds(&t, KB_TR(lang, "dashed: the path to the target",
				      "破線: 目標への道筋"));
		kb_buf_add_html(o, t.buf);
		kb_buf_release(&t);
	}
	kb_buf_adds(o, "</title>");
	/* required path */
	if (e->target_fy > k->base_fy) {
		kb_buf_adds(
			o,
			"<polyline fill=\"none\" stroke=\"#777\" stroke-width=\"1.2\" stroke-dasharray=\"3 2\" points=\"");
		for (y = k->base_fy; y <= e->target_fy && y <= y1; y++)
			kb_buf_addf(o, "%.1f,%.1f ", SX(y),
				    SY(kb_kpi_path(k, e->rule, y)));
		kb_buf_adds(o, "\"/>");
	}
	/* figures, broken at gaps */
	for (y = y0; y <= fy; y++) {
		const struct kb_obs *b = kb_kpi_obs(k, y);
		if (!b || b->missing) {
			if (pen)
				kb_buf_adds(o, "\"/>");
			pen = 0;
			if (b)
				kb_buf_addf(
					o,
					"<path d=\"M%.1f,%.1f l4,4 m0,-4 l-4,4\" stroke=\"#555\" stroke-width=\"1.2\"/>",
					SX(y) - 2, bottom + 1);
			continue;
		}
		if (!pen)
			kb_buf_adds(
				o,
				"<polyline fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"1.7\" points=\"");
		kb_buf_addf(o, "%.1f,%.1f ", SX(y), SY(b->value));
		pen = 1;
	}
	if (pen)
		kb_buf_adds(o, "\"/>");
	for (y = y0; y <= fy; y++) {
		const struct kb_obs *b = kb_kpi_obs(k, y);
		if (b && !b->missing && y != e->latest_fy)
			kb_buf_addf(
				o,
				"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\" fill=\"#1a1a1a\"/>",
				SX(y), SY(b->value));
	}
	if (isfinite(e->target) && e->target_fy <= y1)
		kb_buf_addf(
			o,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"/>",
			SX(e->target_fy), SY(e->target));
	if (e->latest_fy)
		kb_buf_addf(
			o,
			"<circle class=\"st-%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.6\" fill=\"currentColor\" stroke=\"#000\" stroke-width=\"1\"/>",
			kb_status_key(e->status), SX(e->latest_fy),
			SY(e->latest));
	kb_buf_addf(
		o,
		"<text x=\"%.1f\" y=\"52\" font-size=\"9\" fill=\"#333\">%d</text>"
		"<text x=\"%.1f\" y=\"52\" font-size=\"9\" text-anchor=\"end\" fill=\"#333\">%d</text>",
		left, y0, right, y1);
#undef SX
#undef SY
	kb_buf_adds(o, "</svg>");
}

void kb__svg_chart_legend(struct kb_buf *o, enum kb_lang L)
{
	kb_buf_addf(
		o,
		"<p class=\"chart-legend\">"
		"<span><svg width=\"22\" height=\"12\" aria-hidden=\"true\"><rect x=\"1\" y=\"3\" width=\"20\" height=\"6\" fill=\"#1a1a1a\"/></svg> %s</span>"
		"<span><svg width=\"10\" height=\"14\" aria-hidden=\"true\"><line x1=\"5\" x2=\"5\" y1=\"0\" y2=\"14\" stroke=\"#000\" stroke-width=\"3.5\"/></svg> %s</span>"
		"<span><svg width=\"10\" height=\"14\" aria-hidden=\"true\"><line x1=\"5\" x2=\"5\" y1=\"0\" y2=\"14\" stroke=\"#1a1a1a\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/></svg> %s</span>"
		"<span><svg width=\"10\" height=\"14\" aria-hidden=\"true\"><line x1=\"5\" x2=\"5\" y1=\"2\" y2=\"12\" stroke=\"#5a5a5a\" stroke-width=\"2\"/></svg> %s</span>"
		"<span><svg width=\"22\" height=\"12\" aria-hidden=\"true\"><rect x=\"1\" y=\"1\" width=\"20\" height=\"10\" fill=\"#cdcdcd\"/></svg> %s</span>"
		"<span><svg width=\"22\" height=\"12\" aria-hidden=\"true\"><line x1=\"1\" x2=\"21\" y1=\"6\" y2=\"6\" stroke=\"#777\" stroke-width=\"1.2\" stroke-dasharray=\"3 2\"/></svg> %s</span>"
		"<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><circle cx=\"6\" cy=\"6\" r=\"3.6\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"/></svg> %s</span>"
		"</p>\n",
		KB_TR(L, "latest figure", "実績（最新値）"),
		KB_TR(L, "target", "目標"),
		KB_TR(L, "expected this year", "当該年度の期待値"),
		KB_TR(L, "baseline", "基準値"),
		KB_TR(L, "baseline to target", "基準値から目標までの幅"),
		KB_TR(L, "path to the target (sparkline)",
		      "目標への道筋（推移図）"),
		KB_TR(L, "target (sparkline)", "目標（推移図）"));
}

void kb_report_kpi_charts(const struct kb_kpi *k, int fy, enum kb_lang lang,
			  struct kb_buf *out)
{
	struct kb_kpi_eval e;
	kb_kpi_evaluate(k, fy, KB_RULE_DEFAULT, &e);
	kb__svg_symbols(out);
	kb__svg_sparkline(out, k, &e, fy, lang);
	kb__svg_bullet(out, k, &e, fy, lang);
}
