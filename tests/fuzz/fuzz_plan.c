/*
 * fuzz_plan.c - the plan file (lib/plan/plan_file.c): read and validated;
 * a plan that reads must write back to a file that reads the same, go to
 * JSON and back, and import into a store (rolled back).
 */
#include "fuzz.h"

#include "kiban/plan.h"

/* A plan that was accepted and written back must be accepted again. */
static void round_trip(const struct kb_plan *p)
{
	struct kb_buf out = KB_BUF_INIT;
	struct kb_plan q;
	struct kb_err err;
	struct kb_csv c;
	json_t *j;
	kb_err_init(&err, KB_LANG_EN);
	kb_plan_write_csv(p, &out, 0);
	if (fz_csv(&c, "written.csv", (const uint8_t *)out.buf, out.len,
		   KB_ENC_UTF8, &err) ||
	    kb_plan_read_csv(&q, &c, &err)) {
		fprintf(stderr, "the plan as written does not read back: %s\n",
			err.n ? err.v[0].msg : "?");
		abort();
	}
	kb_csv_release(&c);
	if (q.nactions != p->nactions || q.ngoals != p->ngoals) {
		fprintf(stderr, "the plan as written reads differently\n");
		abort();
	}
	kb_plan_release(&q);
	j = kb_plan_to_json(p);
	if (kb_plan_from_json(&q, j, &err)) {
		fprintf(stderr, "the plan's JSON does not read back: %s\n",
			err.n ? err.v[0].msg : "?");
		abort();
	}
	kb_plan_release(&q);
	json_decref(j);
	kb_buf_release(&out);
	kb_err_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_store *s = fz_demo();
	struct kb_err err;
	struct kb_plan p;
	struct kb_csv c;
	kb_err_init(&err, KB_LANG_EN);
	if (!fz_csv(&c, "plan.csv", data, size, KB_ENC_AUTO, &err)) {
		if (!kb_plan_read_csv(&p, &c, &err)) {
			round_trip(&p);
			if (kb_store_begin(s, &err))
				abort();
			kb_plan_import(s, &p, "plan.csv", "fuzz", FZ_NOW, &err);
			kb_store_rollback(s);
			kb_plan_release(&p);
		}
		kb_csv_release(&c);
	}
	fz_diags(&err);
	kb_err_release(&err);
	return 0;
}
