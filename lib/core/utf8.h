/*
 * utf8.h - the few UTF-8 and text operations kiban needs (internal).
 *
 * Decoding is strict (no overlong forms, no surrogates, nothing above
 * U+10FFFF).  Display width follows the East Asian Width property closely
 * enough for aligning Japanese in a terminal: wide and full-width
 * characters count 2, combining marks 0, the rest 1.
 */
#ifndef KB_UTF8_H
#define KB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one character at s (n bytes available); returns its length or
 * 0 if the bytes are not valid UTF-8. */
size_t kb__utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Returns 1 if s[0..n) is valid UTF-8; else 0 and *bad = offset. */
int kb__utf8_valid(const char *s, size_t n, size_t *bad);

/* Terminal columns taken by s. */
size_t kb__utf8_width(const char *s);

/*
 * Copies s with full-width ASCII (U+FF01..U+FF5E) folded to ASCII and the
 * ideographic space to a space: what a number or code typed in Japanese
 * input mode needs before parsing.  Caller frees.
 */
char *kb__fold_fullwidth(const char *s);

/*
 * Trimming, the one place for it: the blanks are ASCII white space (space,
 * tab, CR, LF, VT, FF).  kb__trim gives the part of s[0..n) without blanks
 * at either end: its length, and its first byte in *start (a string of
 * blanks only is empty, at its end).  kb__strdup_trim copies that part of
 * the string s (caller frees).  kb__trim_in_place ends the string s after
 * that part and returns its first byte.
 */
size_t kb__trim(const char *s, size_t n, const char **start);
char *kb__strdup_trim(const char *s);
char *kb__trim_in_place(char *s);

#endif
