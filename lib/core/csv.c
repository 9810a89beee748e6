/*
 * csv.c - RFC 4180 reader with encoding detection (see csv.h).  A JSON
 * file of records is turned into CSV text first (csv_json.c); the writer
 * is csv_write.c, numbers as people write them number.c.
 *
 * The reader decodes the whole input to UTF-8 first (iconv for CP932) and
 * then walks it once, keeping line and column (characters, 1-based) so that
 * every error and every field carries its position in the file as the user
 * sees it in an editor.  Line breaks are CRLF, LF or a lone CR; inside a
 * quoted field a CRLF becomes LF.  Fields are unescaped into one buffer per
 * record, NUL-separated.
 */
#include "core/compat.h"

#include "core/csv_json.h"
#include "core/utf8.h"
#include "kiban/csv.h"

int kb_encoding_parse(const char *s)
{
	if (!strcasecmp(s, "auto"))
		return KB_ENC_AUTO;
	if (!strcasecmp(s, "utf-8") || !strcasecmp(s, "utf8"))
		return KB_ENC_UTF8;
	if (!strcasecmp(s, "cp932") || !strcasecmp(s, "shift_jis") ||
	    !strcasecmp(s, "shift-jis") || !strcasecmp(s, "sjis") ||
	    !strcasecmp(s, "windows-31j"))
		return KB_ENC_CP932;
	return -1;
}

/*
 * Line and column of byte offset off in the n bytes at t, counted in
 * characters as in UTF-8 (in other bytes, as near as can be).  Reads
 * nothing outside t[0..n): an offset past the end is the end.
 */
static void position(const char *t, size_t n, size_t off, unsigned *line,
		     unsigned *col)
{
	size_t i;
	*line = 1;
	*col = 1;
	if (off > n)
		off = n;
	for (i = 0; i < off; i++) {
		if (t[i] == '\n' ||
		    (t[i] == '\r' && (i + 1 == n || t[i + 1] != '\n'))) {
			(*line)++;
			*col = 1;
		} else if (t[i] != '\r' && ((unsigned char)t[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/* Converts CP932 to UTF-8.  Returns 0, or -1 with *bad = input offset. */
static int from_cp932(const char *in, size_t n, struct kb_buf *out, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", "CP932");
	char *ip = (char *)in;
	size_t il = n;

	if (cd == (iconv_t)-1) {
		*bad = 0;
		return -1;
	}
	while (il) {
		char *op;
		size_t ol, r;
		kb_buf_grow(out, il * 3 / 2 + 16);
		op = out->buf + out->len;
		ol = out->alloc - out->len - 1;
		r = iconv(cd, &ip, &il, &op, &ol);
		kb_buf_setlen(out, (size_t)(op - out->buf));
		if (r == (size_t)-1 && errno != E2BIG) {
			*bad = (size_t)(ip - in);
			iconv_close(cd);
			return -1;
		}
	}
	iconv_close(cd);
	return 0;
}

/* An invalid byte at offset off of the n bytes at text. */
static int bad_byte(struct kb_err *err, const char *name, const char *text,
		    size_t n, size_t off, unsigned char byte, const char *what,
		    const char *hint)
{
	unsigned line, col;
	position(text, n, off, &line, &col);
	return kb_err_at(err, KB_EPARSE, name, line, col, NULL,
			 KB_TR(err->lang, "invalid %s byte 0x%02X%s",
			       "%s として不正なバイト 0x%02X があります%s"),
			 what, byte, hint);
}

/*
 * A file that is valid UTF-8 on a line with non-ASCII text and invalid on
 * another has been pasted together from two encodings.  CP932 would accept
 * it (UTF-8 kanji happen to be valid CP932 byte pairs) and turn the UTF-8
 * lines into mojibake, so auto-detection refuses it.  Returns 1 and the
 * offsets of the start of a UTF-8 line and of the first invalid byte.
 */
static int mixed_encodings(const unsigned char *u, size_t n, size_t *utf8_line,
			   size_t *bad)
{
	size_t start = 0, i;
	int found_utf8 = 0, found_bad = 0;
	for (i = 0; i <= n; i++) {
		if (i < n && u[i] != '\n')
			continue;
		{
			const char *line = (const char *)u + start;
			size_t len = i - start, off, k;
			int ascii = 1;
			for (k = 0; k < len && ascii; k++)
				ascii = u[start + k] < 0x80;
			if (!ascii) {
				if (kb__utf8_valid(line, len, &off)) {
					if (!found_utf8)
						*utf8_line = start;
					found_utf8 = 1;
				} else if (!found_bad) {
					*bad = start + off;
					found_bad = 1;
				}
			}
		}
		start = i + 1;
	}
	return found_utf8 && found_bad;
}

int kb_csv_open_mem(struct kb_csv *c, const char *name, const void *data,
		    size_t len, enum kb_encoding enc, struct kb_err *err)
{
	const unsigned char *u = data;
	struct kb_buf text = KB_BUF_INIT;
	size_t bad = 0;
	int bom = 0;

	memset(c, 0, sizeof(*c));
	if (len >= 2 &&
	    ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
		return kb_err_at(
			err, KB_EPARSE, name, 1, 1, NULL, "%s",
			KB_TR(err->lang,
			      "the file is UTF-16 (Excel 'Unicode text'); save it as 'CSV UTF-8' or 'CSV'",
			      "ファイルが UTF-16（Excel の「Unicode テキスト」）です。「CSV UTF-8」または「CSV」形式で保存し直してください"));
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		u += 3;
		len -= 3;
		bom = 1;
	}
	if (bom || enc == KB_ENC_UTF8 ||
	    (enc == KB_ENC_AUTO && kb__utf8_valid((const char *)u, len, NULL))) {
		if ((bom || enc == KB_ENC_UTF8) &&
		    !kb__utf8_valid((const char *)u, len, &bad)) {
			return bad_byte(
				err, name, (const char *)u, len, bad, u[bad],
				"UTF-8",
				KB_TR(err->lang,
				      " (if the file is Shift_JIS, give the encoding cp932)",
				      "（Shift_JIS のファイルなら文字コード cp932 を指定してください）"));
		}
		kb_buf_add(&text, u, len);
		c->enc = KB_ENC_UTF8;
	} else {
		size_t utf8_line = 0;
		if (enc == KB_ENC_AUTO &&
		    mixed_encodings(u, len, &utf8_line, &bad)) {
			unsigned l1, c1, l2, c2;
			position((const char *)u, len, utf8_line, &l1, &c1);
			position((const char *)u, len, bad, &l2, &c2);
			return kb_err_at(
				err, KB_EPARSE, name, l2, c2, NULL,
				KB_TR(err->lang,
				      "the file mixes encodings: line %u is UTF-8 but this line is not (Shift_JIS?); "
				      "save the whole file in one encoding, or give the encoding cp932 if it is Shift_JIS throughout",
				      "ファイル内で文字コードが混在しています: %u 行目は UTF-8 ですが、この行は違います（Shift_JIS?）。"
				      "全体を一つの文字コードで保存し直すか、全体が Shift_JIS なら文字コード cp932 を指定してください"),
				l1);
		}
		if (from_cp932((const char *)u, len, &text, &bad)) {
			int r;
			if (enc == KB_ENC_AUTO) {
				/* Neither: report the first byte that is not UTF-8. */
				kb__utf8_valid((const char *)u, len, &bad);
				r = bad_byte(
					err, name, (const char *)u, len, bad,
					u[bad], "UTF-8",
					KB_TR(err->lang,
					      " (and the file is not valid CP932 either)",
					      "（CP932 としても読めません）"));
			} else {
				r = bad_byte(err, name, text.buf, text.len,
					     text.len, u[bad], "CP932", "");
			}
			kb_buf_release(&text);
			return r;
		}
		c->enc = KB_ENC_CP932;
	}
	if (memchr(text.buf, '\0', text.len)) {
		size_t off = (size_t)((char *)memchr(text.buf, '\0', text.len) -
				      text.buf);
		int r = bad_byte(err, name, text.buf, text.len, off, 0, "CSV",
				 KB_TR(err->lang, " (NUL): is this a text file?",
				       "（NUL）: テキストファイルですか"));
		kb_buf_release(&text);
		return r;
	}
	c->name = kb_strdup(name);
	c->delim = ',';
	c->text = kb_buf_detach(&text, &c->len);
	c->line = 1;
	c->col = 1;
	{
		size_t i = strspn(c->text, " \t\r\n");
		if (i < c->len && (c->text[i] == '[' || c->text[i] == '{')) {
			int r = kb__csv_from_json(c, err);
			if (r)
				kb_csv_release(c);
			return r;
		}
	}
	return 0;
}

int kb_csv_open(struct kb_csv *c, const char *path, enum kb_encoding enc,
		struct kb_err *err)
{
	struct kb_buf raw = KB_BUF_INIT;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	int r;

	memset(c, 0, sizeof(*c));
	if (kb_buf_read_file(&raw, path)) {
		int e = errno;
		kb_buf_release(&raw);
		return kb_err_at(err, KB_EIO, name, 0, 0, NULL,
				 KB_TR(err->lang, "cannot read the file: %s",
				       "ファイルを読めません: %s"),
				 strerror(e));
	}
	r = kb_csv_open_mem(c, name, raw.buf, raw.len, enc, err);
	kb_buf_release(&raw);
	return r;
}

void kb_csv_release(struct kb_csv *c)
{
	free(c->name);
	free(c->text);
	free(c->f);
	free(c->jpos);
	kb_buf_release(&c->store);
	memset(c, 0, sizeof(*c));
}

static int at_newline(const struct kb_csv *c)
{
	return c->pos < c->len &&
	       (c->text[c->pos] == '\n' || c->text[c->pos] == '\r');
}

static void eat_newline(struct kb_csv *c)
{
	if (c->text[c->pos] == '\r' && c->pos + 1 < c->len &&
	    c->text[c->pos + 1] == '\n')
		c->pos++;
	c->pos++;
	c->line++;
	c->col = 1;
}

static void advance(struct kb_csv *c)
{
	if (((unsigned char)c->text[c->pos] & 0xc0) != 0x80)
		c->col++;
	c->pos++;
}

static int syntax(struct kb_csv *c, struct kb_err *err, unsigned line,
		  unsigned col, const char *msg)
{
	return kb_err_at(err, KB_EPARSE, c->name, line, col, NULL, "%s", msg);
}

void kb_csv_sniff(struct kb_csv *c)
{
	size_t i = c->pos;
	int q = 0;
	if (c->jpos)
		return;
	for (; i < c->len && (q || (c->text[i] != '\n' && c->text[i] != '\r'));
	     i++) {
		if (c->text[i] == '"')
			q = !q;
		else if (!q && (c->text[i] == ';' || c->text[i] == '\t')) {
			c->delim = c->text[i];
			return;
		}
	}
}

int kb_csv_next(struct kb_csv *c, struct kb_err *err)
{
	size_t i, off;

	while (at_newline(c))
		eat_newline(c);
	if (c->pos >= c->len)
		return c->nwide ? KB_EINVALID : 0;
	c->nf = 0;
	c->rec_line = c->line;
	kb_buf_reset(&c->store);
	for (;;) {
		struct kb_csv_field *f;
		size_t start = c->store.len;

		KB_ALLOC_GROW(c->f, c->nf + 1, c->af);
		f = &c->f[c->nf++];
		f->line = c->line;
		f->col = c->col;
		if (c->pos < c->len && c->text[c->pos] == '"') {
			advance(c);
			for (;;) {
				char ch;
				if (c->pos >= c->len)
					return syntax(
						c, err, f->line, f->col,
						KB_TR(err->lang,
						      "unterminated quoted field: the closing '\"' is missing",
						      "引用符で始まる項目が閉じられていません（閉じる '\"' がありません）"));
				ch = c->text[c->pos];
				if (ch == '"') {
					if (c->pos + 1 < c->len &&
					    c->text[c->pos + 1] == '"') {
						kb_buf_addch(&c->store, '"');
						advance(c);
						advance(c);
						continue;
					}
					advance(c);
					break;
				}
				if (ch == '\n' || ch == '\r') {
					kb_buf_addch(&c->store, '\n');
					eat_newline(c);
					continue;
				}
				kb_buf_addch(&c->store, ch);
				advance(c);
			}
			if (c->pos < c->len && c->text[c->pos] != c->delim &&
			    !at_newline(c))
				return syntax(
					c, err, c->line, c->col,
					KB_TR(err->lang,
					      "unexpected text after a closing quote: expected ',' or the end of the line",
					      "閉じる引用符の後に余分な文字があります（',' か行末が必要です）"));
		} else {
			/* the common case, copied as one run */
			size_t end = c->pos;
			const char *t = c->text;
			while (end < c->len && t[end] != c->delim &&
			       t[end] != '\n' && t[end] != '\r' && t[end] != '"')
				c->col += ((unsigned char)t[end++] & 0xc0) !=
					  0x80;
			kb_buf_add(&c->store, t + c->pos, end - c->pos);
			c->pos = end;
			if (end < c->len && t[end] == '"')
				return syntax(
					c, err, c->line, c->col,
					KB_TR(err->lang,
					      "a '\"' inside an unquoted field: quote the whole field and double the '\"'",
					      "引用符で囲まれていない項目に '\"' があります。項目全体を '\"' で囲み、中の '\"' は二重にしてください"));
		}
		f->len = c->store.len - start;
		kb_buf_addch(&c->store, '\0');
		if (c->pos < c->len && c->text[c->pos] == c->delim) {
			advance(c);
			continue;
		}
		if (at_newline(c))
			eat_newline(c);
		break;
	}
	for (i = 0, off = 0; i < c->nf; i++) {
		c->f[i].s = c->store.buf + off;
		off += c->f[i].len + 1;
	}
	if (c->jpos && c->jrec < c->njpos) {
		c->rec_line = c->jpos[2 * c->jrec];
		for (i = 0; i < c->nf; i++) {
			c->f[i].line = c->jpos[2 * c->jrec];
			c->f[i].col = c->jpos[2 * c->jrec + 1];
		}
		c->jrec++;
	}
	if (c->header_nf && c->nf > c->header_nf) {
		/* the one place where rows meet the header: a wider row is
		 * reported and cut to the header, so that no reader takes a
		 * field past it; the end of the file is then KB_EINVALID */
		kb_err_at(
			err, KB_EINVALID, c->name, c->rec_line,
			c->f[c->header_nf].col, NULL,
			KB_TR(err->lang,
			      "this row has %zu fields but the header has %zu (a comma too many, or a field that needs quotes?)",
			      "この行の項目数は %zu ですが、見出しは %zu 列です（余分なカンマか、引用符が必要な項目がありませんか）"),
			c->nf, c->header_nf);
		c->nf = c->header_nf;
		c->nwide++;
	}
	return 1;
}

int kb_csv_header(struct kb_csv *c, const struct kb_csv_col *cols, size_t ncols,
		  int *idx, struct kb_err *err)
{
	struct kb_buf expected = KB_BUF_INIT;
	size_t i, j;
	int r, bad = 0;

	for (j = 0; j < ncols; j++) {
		idx[j] = -1;
		kb_buf_addf(&expected, "%s%s", j ? ", " : "", cols[j].name);
	}
	r = kb_csv_next(c, err);
	if (r <= 0) {
		if (r == 0)
			r = kb_err_at(
				err, KB_EINVALID, c->name, 1, 1, NULL,
				KB_TR(err->lang,
				      "the file is empty: expected a header row with the columns %s",
				      "ファイルが空です。見出し行（%s）が必要です"),
				expected.buf);
		kb_buf_release(&expected);
		return r;
	}
	for (i = 0; i < c->nf; i++) {
		char *name = kb__strdup_trim(c->f[i].s);
		for (j = 0; j < ncols; j++)
			if (!strcasecmp(name, cols[j].name) ||
			    (cols[j].name_ja && !strcmp(name, cols[j].name_ja)))
				break;
		if (j == ncols) {
			if (!*name && i + 1 < c->nf) {
				kb_err_at(
					err, KB_EINVALID, c->name, c->f[i].line,
					c->f[i].col, NULL,
					KB_TR(err->lang,
					      "column %zu has no name in the header row (expected: %s)",
					      "見出し行の %zu 列目に列名がありません（使える列: %s）"),
					i + 1, expected.buf);
				bad = 1;
			} else if (*name) {
				kb_err_at(
					err, KB_EINVALID, c->name, c->f[i].line,
					c->f[i].col, NULL,
					KB_TR(err->lang,
					      "unknown column '%s' (expected: %s)",
					      "不明な列 '%s' があります（使える列: %s）"),
					name, expected.buf);
				bad = 1;
			}
		} else if (idx[j] >= 0) {
			kb_err_at(
				err, KB_EINVALID, c->name, c->f[i].line,
				c->f[i].col, NULL,
				KB_TR(err->lang,
				      "column '%s' appears twice (first as column %d)",
				      "列 '%s' が重複しています（最初は %d 列目）"),
				cols[j].name, idx[j] + 1);
			bad = 1;
		} else {
			idx[j] = (int)i;
		}
		free(name);
	}
	for (j = 0; j < ncols; j++)
		if (cols[j].required && idx[j] < 0) {
			kb_err_at(err, KB_EINVALID, c->name, c->rec_line, 0, NULL,
				  KB_TR(err->lang,
					"missing column '%s' in the header row",
					"見出し行に列 '%s' がありません"),
				  cols[j].name);
			bad = 1;
		}
	kb_buf_release(&expected);
	c->header_nf = c->nf;
	return bad ? KB_EINVALID : 0;
}

const char *kb_csv_get(const struct kb_csv *c, int idx)
{
	if (idx < 0 || (size_t)idx >= c->nf)
		return "";
	return c->f[idx].s;
}

unsigned kb_csv_line(const struct kb_csv *c, int idx)
{
	if (idx < 0 || (size_t)idx >= c->nf)
		return c->rec_line;
	return c->f[idx].line;
}

unsigned kb_csv_col(const struct kb_csv *c, int idx)
{
	if (idx < 0 || (size_t)idx >= c->nf)
		return 0;
	return c->f[idx].col;
}

int kb_csv_bad(const struct kb_csv *c, struct kb_err *err, int idx,
	       const char *field, const char *fmt, ...)
{
	struct kb_buf msg = KB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	kb_err_at(err, KB_EINVALID, c->name, kb_csv_line(c, idx),
		  kb_csv_col(c, idx), field, "%s", msg.buf);
	kb_buf_release(&msg);
	return -1;
}

int kb_csv_text(const struct kb_csv *c, struct kb_err *err, int idx,
		const char *field, int required, char **out)
{
	char *t = kb__strdup_trim(kb_csv_get(c, idx));
	if (required && !*t) {
		free(t);
		*out = NULL;
		return kb_csv_bad(c, err, idx, field, "%s",
				  KB_TR(err->lang, "a value is required here",
					"値が必要です"));
	}
	*out = t;
	return 0;
}

int kb_csv_num(const struct kb_csv *c, struct kb_err *err, int idx,
	       const char *field, double *out)
{
	const char *v = kb_csv_get(c, idx), *t;
	if (!kb__trim(v, strlen(v), &t))
		return kb_csv_bad(c, err, idx, field, "%s",
				  KB_TR(err->lang, "a number is required here",
					"数値が必要です"));
	if (kb_parse_number(v, out))
		return kb_csv_bad(c, err, idx, field,
				  KB_TR(err->lang, "'%s' is not a number",
					"'%s' は数値ではありません"),
				  v);
	return 0;
}

int kb_csv_fy(const struct kb_csv *c, struct kb_err *err, int idx,
	      const char *field, int *out)
{
	char *v = kb__strdup_trim(kb_csv_get(c, idx));
	int r = 0;
	if (!*v)
		r = kb_csv_bad(
			c, err, idx, field, "%s",
			KB_TR(err->lang,
			      "a fiscal year is required here (e.g. 2025, FY2025 or 令和7年度)",
			      "年度が必要です（2025、FY2025、令和7年度 のように書いてください）"));
	else if (kb_fy_parse(v, out))
		r = kb_csv_bad(
			c, err, idx, field,
			KB_TR(err->lang,
			      "'%s' is not a fiscal year (expected e.g. 2025, FY2025 or 令和7年度)",
			      "'%s' は年度ではありません（2025、FY2025、令和7年度 のように書いてください）"),
			v);
	free(v);
	return r;
}
