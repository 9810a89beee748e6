/*
 * utf8.c - strict UTF-8 decoding, display width, full-width folding, trimming.
 */
#include "core/compat.h"

#include "core/utf8.h"
#include "kiban/buf.h"

size_t kb__utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t len, i;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int kb__utf8_valid(const char *s, size_t n, size_t *bad)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k;
		uint64_t w;
		/* ASCII eight bytes at a time */
		if (i + 8 <= n &&
		    (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ull))) {
			i += 8;
			continue;
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		k = kb__utf8_decode(s + i, n - i, &cp);
		if (!k) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

static int is_wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	       (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	       (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	       (c >= 0x20000 && c <= 0x3fffd) || c == 0x25ce /* ◎ */ ||
	       c == 0x2605 /* ★ */;
}

size_t kb__utf8_width(const char *s)
{
	size_t n = strlen(s), i = 0, w = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = kb__utf8_decode(s + i, n - i, &cp);
		if (!k) {
			i++;
			w++;
			continue;
		}
		i += k;
		if ((cp >= 0x300 && cp <= 0x36f) || cp == 0x200b ||
		    (cp >= 0xfe00 && cp <= 0xfe0f))
			continue;
		w += is_wide(cp) ? 2 : 1;
	}
	return w;
}

char *kb__fold_fullwidth(const char *s)
{
	struct kb_buf b = KB_BUF_INIT;
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = kb__utf8_decode(s + i, n - i, &cp);
		if (!k) {
			kb_buf_addch(&b, s[i++]);
			continue;
		}
		if (cp >= 0xff01 && cp <= 0xff5e)
			kb_buf_addch(&b, (int)(cp - 0xff01 + 0x21));
		else if (cp == 0x3000)
			kb_buf_addch(&b, ' ');
		else if (cp == 0x2212 || cp == 0x2015 || cp == 0x30fc)
			kb_buf_addch(&b, '-'); /* minus, dash, long vowel */
		else
			kb_buf_add(&b, s + i, k);
		i += k;
	}
	return kb_buf_detach(&b, NULL);
}

static int blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

size_t kb__trim(const char *s, size_t n, const char **start)
{
	while (n && blank(*s))
		s++, n--;
	while (n && blank(s[n - 1]))
		n--;
	*start = s;
	return n;
}

char *kb__strdup_trim(const char *s)
{
	const char *t;
	size_t n = kb__trim(s, strlen(s), &t);
	return kb_strndup(t, n);
}

char *kb__trim_in_place(char *s)
{
	const char *t;
	size_t n = kb__trim(s, strlen(s), &t);
	char *p = s + (t - s);
	if (p[n]) /* an empty string may be a constant */
		p[n] = '\0';
	return p;
}
