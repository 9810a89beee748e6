/*
 * test_csv.c - the CSV reader (RFC 4180, encodings, positions, errors),
 * the header mapping, the field checks and the writer.
 */
#include "helpers.h"

#include "core/utf8.h"

static int open_bytes(struct kb_csv *c, const char *bytes, size_t n,
		      enum kb_encoding enc, struct kb_err *err)
{
	return kb_csv_open_mem(c, "t.csv", bytes, n, enc, err);
}

/* Reads every record of text and returns them as "a|b|c\n" lines. */
static char *records(const char *text, size_t n)
{
	struct kb_err err;
	struct kb_csv c;
	struct kb_buf out = KB_BUF_INIT;
	size_t i;
	int r;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(open_bytes(&c, text, n, KB_ENC_AUTO, &err), &err);
	while ((r = kb_csv_next(&c, &err)) == 1) {
		for (i = 0; i < c.nf; i++)
			kb_buf_addf(&out, "%s%s", i ? "|" : "", c.f[i].s);
		kb_buf_addch(&out, '\n');
	}
	assert_int_equal(r, 0);
	kb_csv_release(&c);
	kb_err_release(&err);
	return kb_buf_detach(&out, NULL);
}

#define RECORDS(lit) records(lit, sizeof(lit) - 1)

static void rfc4180_quoting(void **state)
{
	char *r;
	(void)state;
	r = RECORDS("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n");
	assert_string_equal(r, "a|b|c\nx,1|say \"hi\"|\n");
	free(r);
	/* a line break inside quotes, CRLF inside becomes LF; no final newline */
	r = RECORDS("id,text\n1,\"two\r\nlines\"\n2,\"\"");
	assert_string_equal(r, "id|text\n1|two\nlines\n2|\n");
	free(r);
	/* blank lines are skipped, lone CR ends a line, empty fields kept */
	r = RECORDS("a,,c\n\n\r\nx,y,z\r,,\n");
	assert_string_equal(r, "a||c\nx|y|z\n||\n");
	free(r);
}

static void utf8_bom_and_positions(void **state)
{
	struct kb_err err;
	struct kb_csv c;
	static const char text[] = "\xef\xbb\xbf名称,値\n\"厚生\n労働省\",１２\n";
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(open_bytes(&c, text, sizeof(text) - 1, KB_ENC_AUTO, &err), &err);
	assert_int_equal(c.enc, KB_ENC_UTF8);
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(c.f[0].s, "名称"); /* BOM gone */
	assert_int_equal(c.f[1].col, 4);       /* columns count characters */
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(c.f[0].s, "厚生\n労働省");
	assert_int_equal(c.f[0].line, 2);
	assert_int_equal(c.f[1].line, 3); /* after the embedded line break */
	assert_int_equal(c.f[1].col, 6);
	assert_int_equal(c.rec_line, 2);
	kb_csv_release(&c);
	kb_err_release(&err);
}

static void cp932_as_excel_writes_it(void **state)
{
	struct kb_err err;
	struct kb_csv c;
	/* 名称,値 / 厚生労働省,"1,234" / ～①髙 (CP932-only characters) */
	static const char sjis[] =
		"\x96\xbc\x8f\xcc,\x92l\x0d\x0a\x8c\xfa\x90\xb6\x98J\x93\xad\x8f\xc8,\"1,234\"\x0d\x0a"
		"\x81`\x87@\xee\xe0\x0d\x0a";
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	T_OK(open_bytes(&c, sjis, sizeof(sjis) - 1, KB_ENC_AUTO, &err), &err);
	assert_int_equal(c.enc, KB_ENC_CP932);
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(c.f[0].s, "名称");
	assert_string_equal(c.f[1].s, "値");
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(c.f[0].s, "厚生労働省");
	assert_string_equal(c.f[1].s, "1,234");
	assert_int_equal(c.f[1].col, 7);
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(c.f[0].s, "～①髙");
	kb_csv_release(&c);
	/* the same bytes forced as UTF-8: an error at the first bad byte */
	assert_int_equal(open_bytes(&c, sjis, sizeof(sjis) - 1, KB_ENC_UTF8, &err),
			 KB_EPARSE);
	t_assert_error(&err, "t.csv:1:1: invalid UTF-8 byte 0x96");
	t_assert_error(&err, "cp932");
	kb_err_release(&err);
}

static void encoding_errors_have_positions(void **state)
{
	struct kb_err err;
	struct kb_csv c;
	/* valid UTF-8 on line 1, a byte that is neither UTF-8 nor CP932 (0xff)
	 * at line 2 column 3 */
	static const char bad[] = "a,b\nxy\xff,z\n";
	static const char utf16[] = "\xff\xfe"
				    "a\x00";
	static const char nul[] = "a,b\nc,\0\n";
	static const char mixed[] =
		"a,b\nK1,\xe7\xa2\xba\xe5\xa0\xb1\nK2,\x8am\x95\xf1\n";
	static const char mixed_rev[] =
		"a,b\nK2,\x8am\x95\xf1\nK1,\xe7\xa2\xba\xe5\xa0\xb1\n";
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	assert_int_equal(open_bytes(&c, bad, sizeof(bad) - 1, KB_ENC_AUTO, &err),
			 KB_EPARSE);
	t_assert_error(
		&err,
		"t.csv:2:3: invalid UTF-8 byte 0xFF (and the file is not valid CP932 either)");
	kb_err_clear(&err);
	assert_int_equal(open_bytes(&c, bad, sizeof(bad) - 1, KB_ENC_CP932, &err),
			 KB_EPARSE);
	t_assert_error(&err, "t.csv:2:3: invalid CP932 byte 0xFF");
	kb_err_clear(&err);
	/* UTF-8 on line 2, Shift_JIS on line 3: refused, not read as mojibake */
	assert_int_equal(
		open_bytes(&c, mixed, sizeof(mixed) - 1, KB_ENC_AUTO, &err),
		KB_EPARSE);
	t_assert_error(
		&err,
		"t.csv:3:4: the file mixes encodings: line 2 is UTF-8 but this line is not");
	kb_err_clear(&err);
	/* the other way round: the UTF-8 line after the bad byte is found
	 * without reading past the input */
	assert_int_equal(open_bytes(&c, mixed_rev, sizeof(mixed_rev) - 1,
				    KB_ENC_AUTO, &err),
			 KB_EPARSE);
	t_assert_error(
		&err,
		"t.csv:2:4: the file mixes encodings: line 3 is UTF-8 but this line is not");
	kb_err_clear(&err);
	assert_int_equal(
		open_bytes(&c, utf16, sizeof(utf16) - 1, KB_ENC_AUTO, &err),
		KB_EPARSE);
	t_assert_error(&err, "UTF-16");
	kb_err_clear(&err);
	assert_int_equal(open_bytes(&c, nul, sizeof(nul) - 1, KB_ENC_AUTO, &err),
			 KB_EPARSE);
	t_assert_error(&err, "t.csv:2:3: invalid CSV byte 0x00");
	kb_err_release(&err);
}

static void syntax_errors_have_positions(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "a,b\n1,\"open\n", "t.csv:2:3: unterminated quoted field" },
		{ "a,b\n1,\"x\"y\n",
		  "t.csv:2:6: unexpected text after a closing quote" },
		{ "a,b\n1,x\"y\n", "t.csv:2:4: a '\"' inside an unquoted field" },
		{ "名前,b\n値,\"x\" \n",
		  "t.csv:2:6: unexpected text after a closing quote" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < KB_ARRAY_SIZE(cases); i++) {
		struct kb_err err;
		struct kb_csv c;
		int r;
		kb_err_init(&err, KB_LANG_EN);
		T_OK(open_bytes(&c, cases[i].text, strlen(cases[i].text),
				KB_ENC_AUTO, &err),
		     &err);
		while ((r = kb_csv_next(&c, &err)) == 1)
			;
		assert_int_equal(r, KB_EPARSE);
		t_assert_error(&err, cases[i].want);
		kb_csv_release(&c);
		kb_err_release(&err);
	}
}

static void header_maps_columns_and_reports_all(void **state)
{
	static const struct kb_csv_col cols[] = {
		{ "kpi_id", "KPI ID", 1 },
		{ "fiscal_year", "年度", 1 },
		{ "value", "値", 1 },
		{ "comment", "備考", 0 },
	};
	struct kb_err err;
	struct kb_csv c;
	int idx[4];
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	t_csv(&c, "h.csv", "値, KPI ID ,年度\nx,K1,2025\n");
	T_OK(kb_csv_header(&c, cols, 4, idx, &err), &err);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 2);
	assert_int_equal(idx[2], 0);
	assert_int_equal(idx[3], -1);
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(kb_csv_get(&c, idx[0]), "K1");
	assert_string_equal(kb_csv_get(&c, idx[3]), "");
	kb_csv_release(&c);

	t_csv(&c, "h.csv", "kpi_id,vaule,kpi_id\n");
	assert_int_equal(kb_csv_header(&c, cols, 4, idx, &err), KB_EINVALID);
	t_assert_error(
		&err,
		"h.csv:1:8: unknown column 'vaule' (expected: kpi_id, fiscal_year, value, comment)");
	t_assert_error(
		&err,
		"h.csv:1:14: column 'kpi_id' appears twice (first as column 1)");
	t_assert_error(&err, "h.csv:1: missing column 'fiscal_year'");
	t_assert_error(&err, "h.csv:1: missing column 'value'");
	assert_int_equal(err.n, 4);
	kb_csv_release(&c);
	kb_err_clear(&err);

	t_csv(&c, "e.csv", "\n\n");
	assert_int_equal(kb_csv_header(&c, cols, 4, idx, &err), KB_EINVALID);
	t_assert_error(&err, "the file is empty");
	kb_csv_release(&c);

	/* a row wider than the header is reported and cut to it, the rows
	 * after it are read, and the end is then an error */
	kb_err_clear(&err);
	t_csv(&c, "w.csv", "kpi_id,fiscal_year,value\nK1,2025,1,2\nK2,2024\n");
	T_OK(kb_csv_header(&c, cols, 4, idx, &err), &err);
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_int_equal(c.nf, 3);
	assert_string_equal(kb_csv_get(&c, 2), "1");
	assert_string_equal(kb_csv_get(&c, 3), "");
	t_assert_error(&err,
		       "w.csv:2:11: this row has 4 fields but the header has 3");
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_string_equal(kb_csv_get(&c, 0), "K2");
	assert_string_equal(kb_csv_get(&c, 2), ""); /* a short row: "" */
	assert_int_equal(kb_csv_next(&c, &err), KB_EINVALID);
	assert_int_equal(err.n, 1);
	kb_csv_release(&c);

	/* header cells of blanks only: named as such, the last one allowed */
	kb_err_clear(&err);
	t_csv(&c, "b.csv", "kpi_id, \t ,value,fiscal_year,  \n");
	assert_int_equal(kb_csv_header(&c, cols, 4, idx, &err), KB_EINVALID);
	t_assert_error(&err, "b.csv:1:8: column 2 has no name in the header row");
	assert_int_equal(err.n, 1);
	kb_csv_release(&c);
	kb_err_release(&err);
}

/* The one trim: ASCII blanks at either end, whatever the length. */
static void blanks_are_trimmed(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "" },
		{ " ", "" },
		{ "\t", "" },
		{ "  \t\r\n", "" },
		{ "a", "a" },
		{ " a", "a" },
		{ "a ", "a" },
		{ "\t a b \n", "a b" },
		{ "　全角　", "　全角　" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < KB_ARRAY_SIZE(cases); i++) {
		char *t = kb__strdup_trim(cases[i].in),
		     *m = kb_strdup(cases[i].in);
		const char *start;
		size_t n = kb__trim(cases[i].in, strlen(cases[i].in), &start);
		assert_string_equal(t, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
		assert_memory_equal(start, cases[i].want, n);
		assert_string_equal(kb__trim_in_place(m), cases[i].want);
		free(t);
		free(m);
	}
	/* a part of a string, blanks only: empty, nothing read outside it */
	assert_int_equal(kb__trim("  x", 2, &(const char *){ NULL }), 0);
	{
		char empty[] = "";
		assert_ptr_equal(kb__trim_in_place(empty), empty);
	}
}

static void field_checks(void **state)
{
	struct kb_err err;
	struct kb_csv c;
	double v;
	int fy;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	t_csv(&c, "f.csv", "12x,令和6年度,,2025年\n");
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_int_equal(kb_csv_num(&c, &err, 0, "value", &v), -1);
	t_assert_error(&err, "f.csv:1:1: field 'value': '12x' is not a number");
	assert_int_equal(kb_csv_fy(&c, &err, 1, "fiscal_year", &fy), 0);
	assert_int_equal(fy, 2024);
	assert_int_equal(kb_csv_num(&c, &err, 2, "value", &v), -1);
	t_assert_error(&err,
		       "f.csv:1:11: field 'value': a number is required here");
	assert_int_equal(kb_csv_fy(&c, &err, 3, "fiscal_year", &fy), -1);
	t_assert_error(
		&err,
		"f.csv:1:12: field 'fiscal_year': '2025年' is not a fiscal year");
	kb_csv_release(&c);
	kb_err_release(&err);
}

static void numbers_as_people_type_them(void **state)
{
	static const struct {
		const char *s;
		double v;
	} ok[] = {
		{ "12", 12 },	    { " 12.5 ", 12.5 },
		{ "1,234", 1234 },  { "1,234,567.5", 1234567.5 },
		{ "-3.5e2", -350 }, { "１２３", 123 },
		{ "－５", -5 },	    { "0", 0 },
		{ "+7", 7 },
	};
	static const char *const bad[] = { "",		" ",	  "abc", "1,23",
					   "12,34,567", "1,2345", "inf", "nan",
					   "0x10",	"1.2.3",  "12%", ",123",
					   "1e999" };
	size_t i;
	double v;
	(void)state;
	for (i = 0; i < KB_ARRAY_SIZE(ok); i++) {
		assert_int_equal(kb_parse_number(ok[i].s, &v), 0);
		assert_true(v == ok[i].v);
	}
	for (i = 0; i < KB_ARRAY_SIZE(bad); i++)
		if (kb_parse_number(bad[i], &v) != -1)
			fail_msg("'%s' was read as a number", bad[i]);
}

static void writer_quotes_and_round_trips(void **state)
{
	static const char *const fields[] = { "plain",	    "a,b",
					      "say \"hi\"", "two\nlines",
					      " lead",	    "",
					      "厚生労働省" };
	struct kb_buf out = KB_BUF_INIT;
	struct kb_csvw w;
	struct kb_err err;
	struct kb_csv c;
	size_t i;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	kb_csvw_init(&w, &out, 1);
	for (i = 0; i < KB_ARRAY_SIZE(fields); i++)
		kb_csvw_field(&w, fields[i]);
	kb_csvw_num(&w, 0.1 + 0.2);
	kb_csvw_num(&w, 1200);
	kb_csvw_end(&w);
	assert_memory_equal(
		out.buf,
		"\xef\xbb\xbfplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",,厚生労働省,",
		strlen("\xef\xbb\xbfplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",,厚生労働省,"));
	assert_string_equal(out.buf + out.len - 2, "\r\n");
	T_OK(kb_csv_open_mem(&c, "w.csv", out.buf, out.len, KB_ENC_AUTO, &err),
	     &err);
	assert_int_equal(kb_csv_next(&c, &err), 1);
	assert_int_equal(c.nf, KB_ARRAY_SIZE(fields) + 2);
	for (i = 0; i < KB_ARRAY_SIZE(fields); i++)
		assert_string_equal(c.f[i].s, fields[i]);
	assert_true(strtod(c.f[i].s, NULL) == 0.1 + 0.2);
	assert_string_equal(c.f[i + 1].s, "1200");
	kb_csv_release(&c);
	kb_buf_release(&out);
	kb_err_release(&err);
}

static void missing_file_is_an_io_error(void **state)
{
	struct kb_err err;
	struct kb_csv c;
	(void)state;
	kb_err_init(&err, KB_LANG_JA);
	assert_int_equal(kb_csv_open(&c, "/nonexistent/x.csv", KB_ENC_AUTO, &err),
			 KB_EIO);
	t_assert_error(&err, "/nonexistent/x.csv: ファイルを読めません");
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4180_quoting),
		cmocka_unit_test(utf8_bom_and_positions),
		cmocka_unit_test(cp932_as_excel_writes_it),
		cmocka_unit_test(encoding_errors_have_positions),
		cmocka_unit_test(syntax_errors_have_positions),
		cmocka_unit_test(header_maps_columns_and_reports_all),
		cmocka_unit_test(blanks_are_trimmed),
		cmocka_unit_test(field_checks),
		cmocka_unit_test(numbers_as_people_type_them),
		cmocka_unit_test(writer_quotes_and_round_trips),
		cmocka_unit_test(missing_file_is_an_io_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
