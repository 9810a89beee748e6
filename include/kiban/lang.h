/*
 * lang.h - the two languages of kiban's interface and the fiscal-year
 * helpers that every module shares.
 *
 * Japanese is the default (KB_LANG_JA is zero, so a zeroed struct speaks
 * Japanese); English is available everywhere.  Text that users see is
 * written at the call site in both languages with KB_TR(), so the compiler
 * checks both format strings against the same arguments.
 *
 * The Japanese fiscal year N runs from 1 April N to 31 March N+1.  Japanese
 * text shows the era year beside the Western year: 2025年度（令和7年度）.
 */
#ifndef KIBAN_LANG_H
#define KIBAN_LANG_H

#include <stddef.h>
#include <time.h>

enum kb_lang {
	KB_LANG_JA = 0,
	KB_LANG_EN = 1,
};

/* Picks the English or Japanese literal; both stay visible to -Wformat. */
#define KB_TR(lang, en, ja) ((lang) == KB_LANG_EN ? (en) : (ja))

/* The name of anything that has name_en and name_ja. */
#define KB_NAME(obj, lang) \
	((lang) == KB_LANG_EN ? (obj)->name_en : (obj)->name_ja)

/* Parses "ja" or "en" (case-insensitive); returns -1 for anything else. */
int kb_lang_parse(const char *s);

/* The fiscal year that contains the given time (local calendar date). */
int kb_fy_of_time(time_t t);

/* The last fiscal year that has ended at time t: kb_fy_of_time(t) - 1. */
int kb_fy_last_complete(time_t t);

/*
 * Parses a fiscal year written as 2025, FY2025, 2025年度, R7, 令和7年度,
 * 令和元年度, H30 or 平成30年度 (full-width digits allowed).  Returns 0 and
 * sets *fy, or -1 if s is not a fiscal year between 1989 and 2200.
 */
int kb_fy_parse(const char *s, int *fy);

/* Writes time t as a date in Japan, with the time unless date_only:
 * "2025年6月30日 18:00" / "30 June 2025, 18:00 JST". */
void kb_date_label(time_t t, enum kb_lang lang, int date_only, char *out,
		   size_t n);

/*
 * Writes a stored ISO 8601 UTC time ("2025-06-30T09:00:00Z") as people in
 * Japan read it: "2025年6月30日 18:00" or "30 June 2025, 18:00 JST"; with
 * date_only, the date alone.  Text that is not such a time is copied.
 */
void kb_time_label(const char *iso, enum kb_lang lang, int date_only, char *out,
		   size_t n);

/*
 * Writes the label of fiscal year fy into out (size n): "2025年度（令和7年度）"
 * or "FY2025 (Reiwa 7)"; short form "2025年度" / "FY2025".
 */
void kb_fy_label(int fy, enum kb_lang lang, char *out, size_t n);
void kb_fy_label_short(int fy, enum kb_lang lang, char *out, size_t n);

#endif
