/*
 * anon.c - the anonymizer harnesses' shared pass (see anon.h).
 */
#include "anon.h"

char *fz_anon_dir(void)
{
	static const char sex[] = "男;*\n女;*\n", icd[] = FZ_ANON_ICD;
	static int written;
	char *p;
	if (!written) {
		p = fz_path("sex.csv");
		fz_write(p, sex, sizeof(sex) - 1);
		free(p);
		p = fz_path("icd.csv");
		fz_write(p, icd, sizeof(icd) - 1);
		free(p);
		written = 1;
	}
	p = fz_path("");
	p[strlen(p) - 1] = 0; /* the directory, without its '/' */
	return p;
}

void fz_anon_run(const char *config, const char *dir, const uint8_t *records,
		 size_t nrecords)
{
	struct kb_anon_search_opts so = { .max_nodes = 64 };
	struct kb_anon_result res = { 0 };
	struct kb_anon_check chk;
	struct kb_anon *a = kb_anon_new(KB_LANG_EN);
	struct kb_buf out = KB_BUF_INIT;
	struct kb_err err;
	struct kb_csv c, rel;
	json_t *j;

	kb_err_init(&err, KB_LANG_EN);
	if (kb_anon_config_text(a, "cfg.json", config, dir, &err) ||
	    fz_csv(&c, "data.csv", records, nrecords, KB_ENC_AUTO, &err))
		goto out;
	if (kb_anon_read(a, &c, &err)) {
		kb_csv_release(&c);
		goto out;
	}
	kb_csv_release(&c);
	if (kb_anon_search(a, &so, &res, &err))
		goto out;
	if (res.found) {
		kb_anon_write(a, res.levels, 1, &out);
		if (!fz_csv(&rel, "release.csv", (const uint8_t *)out.buf,
			    out.len, KB_ENC_UTF8, &err)) {
			if (!kb_anon_check(a, &rel, NULL, 0.2, &chk, &err))
				json_decref(kb_anon_check_json(&chk));
			kb_csv_release(&rel);
		}
	}
	j = kb_anon_report(a, &res, NULL);
	json_decref(j);
	kb_anon_result_release(&res);
out:
	fz_diags(&err);
	kb_err_release(&err);
	kb_buf_release(&out);
	kb_anon_free(a);
}
