/*
 * lang.c - language names and Japanese fiscal years (see lang.h).
 *
 * Fiscal years are computed on Japan Standard Time (UTC+9, no daylight
 * saving), so a machine in another time zone agrees on when a fiscal year
 * ends.  Era years: 令和 N = N + 2018 (令和元年 = 2019), 平成 N = N + 1988.
 * Fiscal year 2019 began in 平成31年 and is called 令和元年度; both names
 * are accepted.
 */
#include "core/compat.h"

#include "core/utf8.h"
#include "kiban/lang.h"

int kb_lang_parse(const char *s)
{
	if (!strcasecmp(s, "ja") || !strcasecmp(s, "ja_JP") ||
	    !strcasecmp(s, "japanese") || !strcmp(s, "日本語"))
		return KB_LANG_JA;
	if (!strcasecmp(s, "en") || !strcasecmp(s, "english"))
		return KB_LANG_EN;
	return -1;
}

int kb_fy_of_time(time_t t)
{
	struct tm tm;
	time_t jst = t + 9 * 3600;
	gmtime_r(&jst, &tm);
	return tm.tm_year + 1900 - (tm.tm_mon < 3 ? 1 : 0);
}

int kb_fy_last_complete(time_t t)
{
	return kb_fy_of_time(t) - 1;
}

static int skip(const char **p, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncasecmp(*p, prefix, n))
		return 0;
	*p += n;
	return 1;
}

static int digits(const char **p, int *v)
{
	int n = 0, any = 0;
	while (isdigit((unsigned char)**p)) {
		if (n > 100000)
			return 0;
		n = n * 10 + (**p - '0');
		(*p)++;
		any = 1;
	}
	*v = n;
	return any;
}

int kb_fy_parse(const char *in, int *fy)
{
	char *s = kb__fold_fullwidth(in);
	const char *p = s;
	int base = 0, n = 0, ok = 0;

	while (*p == ' ')
		p++;
	if (skip(&p, "令和") || skip(&p, "R"))
		base = 2018;
	else if (skip(&p, "平成") || skip(&p, "H"))
		base = 1988;
	else
		skip(&p, "FY");
	while (*p == ' ')
		p++;
	if (base && skip(&p, "元"))
		n = 1, ok = 1;
	else
		ok = digits(&p, &n);
	while (*p == ' ')
		p++;
	if (!skip(&p, "年度") && base)
		skip(&p, "年");
	while (*p == ' ')
		p++;
	if (!ok || *p) {
		free(s);
		return -1;
	}
	free(s);
	if (base == 2018 && n < 1)
		return -1;
	if (base == 1988 && (n < 1 || n > 31))
		return -1;
	n += base;
	if (n < 1989 || n > 2200)
		return -1;
	*fy = n;
	return 0;
}

void kb_date_label(time_t t, enum kb_lang lang, int date_only, char *out, size_t n)
{
	static const char *const months[] = {
		"January",   "February", "March",    "April",
		"May",	     "June",	 "July",     "August",
		"September", "October",	 "November", "December"
	};
	struct tm tm;
	time_t jst = t + 9 * 3600;

	gmtime_r(&jst, &tm);
	if (lang == KB_LANG_EN && date_only)
		snprintf(out, n, "%d %s %d", tm.tm_mday, months[tm.tm_mon],
			 tm.tm_year + 1900);
	else if (lang == KB_LANG_EN)
		snprintf(out, n, "%d %s %d, %02d:%02d JST", tm.tm_mday,
			 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
			 tm.tm_min);
	else if (date_only)
		snprintf(out, n, "%d年%d月%d日", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
	else
		snprintf(out, n, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

void kb_time_label(const char *iso, enum kb_lang lang, int date_only, char *out,
		   size_t n)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end) {
		snprintf(out, n, "%s", iso ? iso : "");
		return;
	}
	kb_date_label(timegm(&tm), lang, date_only, out, n);
}

void kb_fy_label(int fy, enum kb_lang lang, char *out, size_t n)
{
	int reiwa = fy - 2018, heisei = fy - 1988;

	if (lang == KB_LANG_EN) {
		if (reiwa >= 1)
			snprintf(out, n, "FY%d (Reiwa %d)", fy, reiwa);
		else
			snprintf(out, n, "FY%d (Heisei %d)", fy, heisei);
	} else if (reiwa == 1) {
		snprintf(out, n, "%d年度（令和元年度）", fy);
	} else if (reiwa > 1) {
		snprintf(out, n, "%d年度（令和%d年度）", fy, reiwa);
	} else if (heisei == 1) {
		snprintf(out, n, "%d年度（平成元年度）", fy);
	} else {
		snprintf(out, n, "%d年度（平成%d年度）", fy, heisei);
	}
}

void kb_fy_label_short(int fy, enum kb_lang lang, char *out, size_t n)
{
	snprintf(out, n, KB_TR(lang, "FY%d", "%d年度"), fy);
}
