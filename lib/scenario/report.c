/*
 * report.c - the report of a scenario result kept (scenario.h): one HTML
 * page, its charts inline SVG, readable without colour (the band is a
 * lighter fill, the stock a dashed line, the heat map's darkness the
 * shortfall, with its scale).
 */
#include "core/compat.h"

#include <math.h>

#include "kiban/scenario.h"

#define W  640.0 /* plot width */
#define HT 180.0 /* plot height */
#define ML 56.0	 /* left margin, for the axis labels */

static void esc(struct kb_buf *o, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': kb_buf_adds(o, "&lt;"); break;
		case '>': kb_buf_adds(o, "&gt;"); break;
		case '&': kb_buf_adds(o, "&amp;"); break;
		case '"': kb_buf_adds(o, "&quot;"); break;
		default: kb_buf_addch(o, *s);
		}
}

static const char *str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

static double num(const json_t *j, const char *key)
{
	return json_number_value(json_object_get(j, key));
}

static void fmt(struct kb_buf *o, double v)
{
	kb_buf_add_num(o, v, 0);
}

/* An SVG chart of the page's width and the height given, up to its
 * <title>, which the caller writes. */
static void chart_open(struct kb_buf *o, double height)
{
	kb_buf_addf(o,
		    "<svg viewBox='0 0 %.0f %.0f' role='img' class='chart'>"
		    "<title>",
		    ML + W + 10, height);
}

/* A series as an SVG polyline's points, x over n values, y scaled to max. */
static void points(struct kb_buf *o, const json_t *a, double max, int reverse)
{
	size_t n = json_array_size(a), i;
	for (i = 0; i < n; i++) {
		size_t at = reverse ? n - 1 - i : i;
		double v = json_number_value(json_array_get(a, at));
		kb_buf_addf(o, "%.1f,%.1f ",
			    ML + W * (double)at / (double)(n > 1 ? n - 1 : 1),
			    10 + HT - HT * (max > 0 ? v / max : 0));
	}
}

static void axis(struct kb_buf *o, double max, int days, const char *start,
		 enum kb_lang L)
{
	kb_buf_addf(o,
		    "<line x1='%.0f' y1='%.0f' x2='%.0f' y2='%.0f' "
		    "class='ax'/><line x1='%.0f' y1='10' x2='%.0f' y2='%.0f' "
		    "class='ax'/>",
		    ML, 10 + HT, ML + W, 10 + HT, ML, ML, 10 + HT);
	kb_buf_addf(o, "<text x='%.0f' y='16' class='lab' text-anchor='end'>",
		    ML - 4);
	fmt(o, max);
	kb_buf_addf(o,
		    "</text><text x='%.0f' y='%.0f' class='lab' "
		    "text-anchor='end'>0</text>",
		    ML - 4, 10 + HT);
	kb_buf_addf(o, "<text x='%.0f' y='%.0f' class='lab'>", ML, 26 + HT);
	esc(o, start);
	kb_buf_addf(o,
		    "</text><text x='%.0f' y='%.0f' class='lab' "
		    "text-anchor='end'>",
		    ML + W, 26 + HT);
	kb_buf_addf(o, KB_TR(L, "day %d", "%d 日目"), days);
	kb_buf_adds(o, "</text>");
}

/* The national need with its band, and the stock. */
static void demand_chart(struct kb_buf *o, const json_t *d, int days,
			 const char *start, enum kb_lang L)
{
	const json_t *nat = json_object_get(d, "national"),
		     *stock = json_object_get(nat, "stock");
	double max = 0, st = num(d, "stock");
	size_t i;
	for (i = 0; i < json_array_size(json_object_get(nat, "p95")); i++) {
		double v = json_number_value(
			json_array_get(json_object_get(nat, "p95"), i));
		max = v > max ? v : max;
	}
	max = st > max ? st : max;
	max = max > 0 ? max * 1.05 : 1;
	chart_open(o, HT + 34);
	kb_buf_addf(o,
		    KB_TR(L,
			  "Units of %s needed nation-wide by day: the median run "
			  "and the 5-95%% band, with the stock",
			  "%s の全国の必要台数（日ごと）: 試行の中央値と 5〜95%% "
			  "の幅、在庫"),
		    str(d, "name"));
	kb_buf_adds(o, "</title>");
	axis(o, max, days, start, L);
	kb_buf_adds(o, "<polygon class='band' points='");
	points(o, json_object_get(nat, "p95"), max, 0);
	points(o, json_object_get(nat, "p5"), max, 1);
	kb_buf_adds(o, "'/><polyline class='med' points='");
	points(o, json_object_get(nat, "p50"), max, 0);
	kb_buf_adds(o, "'/><polyline class='stock' points='");
	if (stock) {
		points(o, stock, max, 0);
	} else {
		double y = 10 + HT - HT * st / max;
		kb_buf_addf(o, "%.1f,%.1f %.1f,%.1f", ML, y, ML + W, y);
	}
	kb_buf_adds(o, "'/></svg>\n");
}

/* Prefecture x day: the darker, the larger the shortfall. */
static void heat_map(struct kb_buf *o, const json_t *d, const json_t *names,
		     int days, enum kb_lang L)
{
	const json_t *by = json_object_get(d, "shortfall_by_prefecture");
	double max = 0, cw = W / (days + 1), ch = 9;
	size_t p, t;
	for (p = 0; p < json_array_size(by); p++)
		for (t = 0; t < json_array_size(json_array_get(by, p)); t++) {
			double v = json_number_value(
				json_array_get(json_array_get(by, p), t));
			max = v > max ? v : max;
		}
	if (max <= 0) {
		kb_buf_addf(o, "<p>%s</p>\n",
			    KB_TR(L, "No prefecture is short on any day.",
				  "不足する都道府県はありません。"));
		return;
	}
	chart_open(o, ch * (double)json_array_size(by) + 30);
	kb_buf_addf(o,
		    KB_TR(L,
			  "Shortfall of %s by prefecture (rows, north to south) "
			  "and day (columns): the darker, the more units lacking, "
			  "up to %.0f",
			  "%s の不足: 都道府県（行、北から南）と日（列）。濃いほど"
			  "不足が多い（最大 %.0f 台）"),
		    str(d, "name"), max);
	kb_buf_adds(o, "</title>");
	for (p = 0; p < json_array_size(by); p++) {
		const json_t *row = json_array_get(by, p);
		kb_buf_addf(o,
			    "<text x='%.0f' y='%.1f' class='small' "
			    "text-anchor='end'>",
			    ML - 3, ch * (double)p + ch - 1);
		esc(o, json_string_value(json_array_get(names, p)));
		kb_buf_adds(o, "</text>");
		for (t = 0; t < json_array_size(row); t++) {
			double v = json_number_value(json_array_get(row, t));
			if (v <= 0)
				continue;
			kb_buf_addf(o,
				    "<rect x='%.2f' y='%.1f' width='%.2f' "
				    "height='%.1f' fill-opacity='%.2f' "
				    "class='heat'/>",
				    ML + cw * (double)t, ch * (double)p,
				    cw + 0.05, ch - 1, 0.15 + 0.85 * v / max);
		}
	}
	kb_buf_addf(o, "</svg>\n");
}

/* The shipment plan: shipped, returned and bought by day. */
static void plan_chart(struct kb_buf *o, const json_t *d, int days,
		       const char *start, enum kb_lang L)
{
	const json_t *daily = json_object_get(d, "daily");
	static const char *const what[] = { "shipped", "returned", "bought" };
	double max = 0;
	size_t i, q;
	for (q = 0; q < 3; q++)
		for (i = 0;
		     i < json_array_size(json_object_get(daily, what[q])); i++) {
			double v = json_number_value(json_array_get(
				json_object_get(daily, what[q]), i));
			max = v > max ? v : max;
		}
	if (max <= 0)
		return;
	max *= 1.05;
	chart_open(o, HT + 34);
	kb_buf_addf(o,
		    KB_TR(L,
			  "The plan for %s by day: units shipped from the depot "
			  "(solid), returned to it (dashed), bought (dotted)",
			  "%s の計画（日ごと）: 備蓄からの発送（実線）、返却（破線）、"
			  "購入（点線）"),
		    str(d, "name"));
	kb_buf_adds(o, "</title>");
	axis(o, max, days, start, L);
	for (q = 0; q < 3; q++) {
		kb_buf_addf(o, "<polyline class='%s' points='", what[q]);
		points(o, json_object_get(daily, what[q]), max, 0);
		kb_buf_adds(o, "'/>");
	}
	kb_buf_adds(o, "</svg>\n");
}

static void head(struct kb_buf *o, const json_t *saved, enum kb_lang L)
{
	kb_buf_addf(o,
		    "<!DOCTYPE html>\n<html lang='%s'><head><meta "
		    "charset='utf-8'><title>",
		    L == KB_LANG_EN ? "en" : "ja");
	esc(o, str(saved, "name"));
	kb_buf_adds(
		o,
		"</title><style>"
		"body{font-family:sans-serif;max-width:60rem;margin:2rem auto;"
		"padding:0 1rem;color:#222}"
		".chart{width:100%;height:auto;display:block;margin:.5rem 0 1.5rem}"
		".ax{stroke:#444}.lab{font-size:11px;fill:#333}"
		".small{font-size:7px;fill:#333}"
		".band{fill:#9ec5e8;fill-opacity:.6;stroke:none}"
		".med{fill:none;stroke:#08519c;stroke-width:2}"
		".stock{fill:none;stroke:#000;stroke-width:1.5;"
		"stroke-dasharray:6 4}"
		".heat{fill:#a50f15}"
		".shipped{fill:none;stroke:#08519c;stroke-width:1.5}"
		".returned{fill:none;stroke:#31a354;stroke-width:1.5;"
		"stroke-dasharray:6 3}"
		".bought{fill:none;stroke:#e6550d;stroke-width:1.5;"
		"stroke-dasharray:2 2}"
		"table{border-collapse:collapse}td,th{border-bottom:1px solid "
		"#ccc;padding:.2rem .6rem;text-align:right}"
		"td:first-child,th:first-child{text-align:left}"
		"</style></head><body>\n<h1>");
	esc(o, str(saved, "name"));
	kb_buf_adds(o, "</h1>\n<p>");
	kb_buf_addf(o,
		    KB_TR(L, "Result %lld (%s), kept %s by ",
			  "結果 %lld（%s）、%s 保存、保存者 "),
		    (long long)json_integer_value(json_object_get(saved, "id")),
		    str(saved, "kind"), str(saved, "created_at"));
	esc(o, str(saved, "created_by"));
	kb_buf_adds(o, "</p>\n");
}

static void run_part(struct kb_buf *o, const json_t *run, const json_t *alloc,
		     enum kb_lang L)
{
	const json_t *d, *names = json_object_get(run, "prefectures");
	int days = (int)json_integer_value(json_object_get(run, "days"));
	const char *start = str(run, "start");
	size_t i;
	kb_buf_addf(o, "<p>");
	kb_buf_addf(o,
		    KB_TR(L,
			  "From %s, %d days, %lld runs; stock of the week of "
			  "%s.</p>\n",
			  "%s から %d 日間、試行 %lld 回。在庫は %s の週の報告。"
			  "</p>\n"),
		    start, days,
		    (long long)json_integer_value(json_object_get(run, "runs")),
		    json_is_string(json_object_get(run, "stock_week"))
			    ? str(run, "stock_week")
			    : "-");
	json_array_foreach(json_object_get(run, "devices"), i, d)
	{
		const json_t *a =
			json_array_get(json_object_get(alloc, "devices"), i);
		kb_buf_adds(o, "<h2>");
		esc(o, str(d, "code"));
		kb_buf_adds(o, " ");
		esc(o, str(d, "name"));
		kb_buf_adds(o, "</h2>\n<p>");
		kb_buf_addf(
			o,
			KB_TR(L,
			      "Peak need %.0f units on %s (5-95%%: %.0f to "
			      "%.0f); stock %.0f; largest shortfall %.0f; %lld "
			      "prefectures short.",
			      "需要のピーク %.0f 台（%s、5〜95%%: %.0f〜%.0f）。"
			      "在庫 %.0f。最大の不足 %.0f。不足する都道府県 "
			      "%lld。"),
			num(json_object_get(d, "peak"), "p50"),
			str(json_object_get(d, "peak"), "date"),
			num(json_object_get(d, "peak"), "p5"),
			num(json_object_get(d, "peak"), "p95"), num(d, "stock"),
			num(d, "shortfall_max"),
			(long long)json_integer_value(
				json_object_get(d, "prefectures_short")));
		kb_buf_adds(o, "</p>\n");
		demand_chart(o, d, days, start, L);
		heat_map(o, d, names, days, L);
		if (a) {
			kb_buf_addf(o, "<p>");
			kb_buf_addf(
				o,
				KB_TR(L,
				      "Emergency allocation: %.0f shipped, "
				      "%.0f returned, %.0f bought, %.0f unit-days "
				      "unmet.</p>\n",
				      "緊急配分: 発送 %.0f、返却 %.0f、購入 %.0f、"
				      "不足 %.0f 台・日。</p>\n"),
				num(a, "shipped"), num(a, "returned"),
				num(a, "bought"), num(a, "unmet"));
			plan_chart(o, a, days - 1, start, L);
		}
	}
}

static void stockpile_part(struct kb_buf *o, const json_t *sp, enum kb_lang L)
{
	const json_t *d, *e = json_object_get(sp, "expected_unmet_patient_days");
	size_t i;
	kb_buf_addf(o, "<p>");
	kb_buf_addf(
		o,
		KB_TR(L,
		      "%lld scenarios; budget %.0f yen a year, %.0f spent. "
		      "Expected unmet patient-days: this plan %.0f, %.2f weeks "
		      "of average need %.0f, no stockpile %.0f. One more "
		      "million yen avoids %.2f.</p>\n",
		      "シナリオ %lld 件。予算 年 %.0f 円、使用 %.0f 円。満たせ"
		      "ない患者・日の期待値: この計画 %.0f、平均需要の %.2f 週分 "
		      "%.0f、備蓄なし %.0f。予算 100 万円増で %.2f 減。</p>\n"),
		(long long)json_integer_value(json_object_get(sp, "scenarios")),
		num(sp, "budget"), num(sp, "spent"), num(e, "plan"),
		num(sp, "rule_weeks"), num(e, "rule"), num(e, "no_stockpile"),
		num(sp, "value_per_million_yen"));
	kb_buf_addf(o,
		    "<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th></tr>\n",
		    KB_TR(L, "device", "機器"),
		    KB_TR(L, "units to hold", "保有する台数"),
		    KB_TR(L, "yen a year each", "1台の年額（円）"),
		    KB_TR(L, "one more avoids", "1台増で減る不足"),
		    KB_TR(L, "rule", "目安"));
	json_array_foreach(json_object_get(sp, "devices"), i, d)
	{
		kb_buf_adds(o, "<tr><td>");
		esc(o, str(d, "code"));
		kb_buf_adds(o, " ");
		esc(o, str(d, "name"));
		kb_buf_addf(o,
			    "</td><td>%.0f</td><td>%.0f</td><td>%.2f</td>"
			    "<td>%.0f</td></tr>\n",
			    num(d, "units"), num(d, "yen_a_year_each"),
			    num(d, "value_per_unit"), num(d, "rule_units"));
	}
	kb_buf_adds(o, "</table>\n");
}

void kb_scenario_report(const json_t *saved, enum kb_lang lang, struct kb_buf *out)
{
	const json_t *r = json_object_get(saved, "result");
	const char *kind = str(saved, "kind");
	head(out, saved, lang);
	if (!strcmp(kind, "stockpile"))
		stockpile_part(out, r, lang);
	else if (!strcmp(kind, "allocate"))
		run_part(out, json_object_get(r, "run"),
			 json_object_get(r, "allocation"), lang);
	else
		run_part(out, r, NULL, lang);
	kb_buf_adds(out, "<h2>");
	kb_buf_adds(out, KB_TR(lang, "The scenario", "シナリオ"));
	kb_buf_adds(out, "</h2>\n<pre>");
	esc(out, str(saved, "scenario"));
	kb_buf_adds(out, "</pre>\n</body></html>\n");
}
