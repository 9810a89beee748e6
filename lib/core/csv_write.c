/*
 * csv_write.c - the CSV writer (struct kb_csvw, see csv.h): RFC 4180 with
 * CRLF line ends, an optional UTF-8 byte order mark for Excel, and fields a
 * spreadsheet would run as formulas kept as text.  Used by every --csv
 * output and by the JSON reader (csv_json.c), which renders records as CSV.
 */
#include "core/compat.h"

#include "kiban/csv.h"

void kb_csvw_init(struct kb_csvw *w, struct kb_buf *out, int bom)
{
	w->out = out;
	w->nfield = 0;
	w->delim = ',';
	if (bom)
		kb_buf_adds(out, "\xef\xbb\xbf");
}

void kb_csvw_field(struct kb_csvw *w, const char *s)
{
	size_t n;
	if (!s)
		s = "";
	n = strlen(s);
	if (w->nfield++)
		kb_buf_addch(w->out, w->delim);
	if (n && strchr("=+-@\t\r", s[0]) &&
	    (n > 1 || s[0] == '=' || s[0] == '@')) {
		double v;
		/* a spreadsheet would run it as a formula: keep it text with a
		 * leading apostrophe (OWASP's advice); numbers stay numbers */
		if (kb_parse_number(s, &v)) {
			kb_buf_adds(w->out, "\"'");
			for (; *s; s++) {
				if (*s == '"')
					kb_buf_addch(w->out, '"');
				kb_buf_addch(w->out, *s);
			}
			kb_buf_addch(w->out, '"');
			return;
		}
	}
	if (strpbrk(s, "\"\r\n") || strchr(s, w->delim) ||
	    (n && (s[0] == ' ' || s[n - 1] == ' '))) {
		kb_buf_addch(w->out, '"');
		for (; *s; s++) {
			if (*s == '"')
				kb_buf_addch(w->out, '"');
			kb_buf_addch(w->out, *s);
		}
		kb_buf_addch(w->out, '"');
	} else {
		kb_buf_add(w->out, s, n);
	}
}

void kb_csvw_fieldf(struct kb_csvw *w, const char *fmt, ...)
{
	struct kb_buf tmp = KB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vaddf(&tmp, fmt, ap);
	va_end(ap);
	kb_csvw_field(w, tmp.buf);
	kb_buf_release(&tmp);
}

void kb_csvw_num(struct kb_csvw *w, double v)
{
	char tmp[40];
	snprintf(tmp, sizeof(tmp), "%.15g", v);
	if (strtod(tmp, NULL) != v)
		snprintf(tmp, sizeof(tmp), "%.17g", v);
	kb_csvw_field(w, tmp);
}

void kb_csvw_end(struct kb_csvw *w)
{
	kb_buf_adds(w->out, "\r\n");
	w->nfield = 0;
}
