/*
 * fuzz_csv.c - the CSV reader in every encoding it accepts (detected,
 * UTF-8, CP932), with and without a byte-order mark, with the separator
 * sniffed, and JSON records read through it (csv_json.c): the header
 * mapping, every record and the field checks importers use.  Built twice:
 * fuzz_csv (CSV corpus) and fuzz_json (JSON corpus, json.dict).
 */
#include "fuzz.h"

static const struct kb_csv_col cols[] = {
	{ "id", "識別子", 1 },	      { "name_ja", "名称", 0 },
	{ "fiscal_year", "年度", 0 }, { "value", "値", 0 },
	{ "comment", NULL, 0 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* The header, then every record through the field checks. */
static void columns(struct kb_csv *c, struct kb_err *err)
{
	int idx[NCOLS], fy, r;
	size_t i;
	double v;
	char *t;
	if (kb_csv_header(c, cols, NCOLS, idx, err))
		return;
	while ((r = kb_csv_next(c, err)) == 1) {
		for (i = 0; i < NCOLS; i++) {
			if (!kb_csv_text(c, err, idx[i], cols[i].name,
					 cols[i].required, &t))
				free(t);
			(void)kb_csv_line(c, idx[i]);
			(void)kb_csv_col(c, idx[i]);
		}
		kb_csv_fy(c, err, idx[2], "fiscal_year", &fy);
		kb_csv_num(c, err, idx[3], "value", &v);
		kb_csv_bad(c, err, idx[4], "comment", "seen '%s'",
			   kb_csv_get(c, idx[4]));
	}
}

/* Every record as it comes, with the separator sniffed. */
static void records(struct kb_csv *c, struct kb_err *err)
{
	size_t i, n = 0;
	double v;
	kb_csv_sniff(c);
	while (kb_csv_next(c, err) == 1) {
		for (i = 0; i < c->nf; i++) {
			n += c->f[i].len + c->f[i].line + c->f[i].col;
			kb_parse_number(c->f[i].s, &v);
		}
	}
	(void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum kb_encoding encs[] = { KB_ENC_AUTO, KB_ENC_UTF8,
						 KB_ENC_CP932 };
	struct kb_err err;
	struct kb_csv c;
	size_t i;
	kb_err_init(&err, KB_LANG_EN);
	for (i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		if (!fz_csv(&c, "t.csv", data, size, encs[i], &err)) {
			columns(&c, &err);
			kb_csv_release(&c);
		}
		fz_diags(&err);
		if (!fz_csv(&c, "t.csv", data, size, encs[i], &err)) {
			records(&c, &err);
			kb_csv_release(&c);
		}
		fz_diags(&err);
	}
	kb_err_release(&err);
	return 0;
}
