/*
 * demo_supply.c - the supply part of the demonstration database: a generated
 * sample of national data (400 hospitals, 30 essential device types, a
 * year of weekly reports with disruptions, one still under way at the
 * end), loaded through the same imports a user runs, week by week as the
 * reports would arrive; one report corrected and one arriving late; and an
 * incident the council opened on the disruption under way.
 */
#include "core/compat.h"

#include "demo/demo_int.h"
#include "kiban/auth.h"
#include "kiban/supply.h"

/* 10:00 in Japan on day number day */
static time_t at_ten(int day)
{
	return (time_t)day * 86400 + 3600;
}

struct load {
	struct kb_store *s;
	struct kb_err *err;
	const struct kb_gen_out *out; /* its registry, imported before week 1 */
	time_t registry_at;
	int late_week, fix_week; /* weeks of the late and the corrected report */
	struct kb_buf late, fixed; /* their lines */
};

/* Moves the lines of report id of buf (CSV) into out, with the header. */
static void take_lines(struct kb_buf *buf, const char *id, struct kb_buf *out,
		       int remove)
{
	struct kb_buf keep = KB_BUF_INIT;
	const char *p = buf->buf, *nl;
	size_t n = strlen(id);
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (p == buf->buf || strncmp(p, id, n) || p[n] != ',') {
			kb_buf_add(&keep, p, (size_t)(nl - p) + 1);
			if (p == buf->buf)
				kb_buf_add(out, p, (size_t)(nl - p) + 1);
		} else {
			kb_buf_add(out, p, (size_t)(nl - p) + 1);
		}
	}
	if (remove) {
		kb_buf_release(buf);
		*buf = keep;
	} else {
		kb_buf_release(&keep);
	}
}

static int import_buf(struct kb_store *s, const char *name,
		      const struct kb_buf *b, kb_import_fn fn, time_t when,
		      struct kb_err *err)
{
	struct kb_import_opts o = { .actor = "demo", .now = when, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_csv c;
	int r;
	if ((r = kb_csv_open_mem(&c, name, b->buf, b->len, KB_ENC_UTF8, err)))
		return r;
	r = fn(s, &c, &o, &st, err);
	kb_csv_release(&c);
	return r;
}

static int week_loaded(void *ctx, int week, const struct kb_buf *stock,
		       const struct kb_buf *prod)
{
	struct load *l = ctx;
	struct kb_buf copy = KB_BUF_INIT;
	char id[32], wk[16];
	int r;

	if (l->out) {
		const struct kb_gen_out *out = l->out;
		time_t t = l->registry_at;
		l->out = NULL;
		if ((r = import_buf(l->s, "devices.csv", &out->devices,
				    kb_device_import, t, l->err)) ||
		    (r = import_buf(l->s, "orgs.csv", &out->orgs, kb_org_import,
				    t, l->err)) ||
		    (r = import_buf(l->s, "sites.csv", &out->sites,
				    kb_site_import, t, l->err)) ||
		    (r = import_buf(l->s, "components.csv", &out->components,
				    kb_component_import, t, l->err)) ||
		    (r = import_buf(l->s, "chain.csv", &out->chain,
				    kb_chain_import, t, l->err)))
			return r;
	}

	/* reports of a week arrive on the Monday and Tuesday after it; one
	 * hospital's report of late_week comes late, and one of fix_week is
	 * corrected later */
	kb_buf_add(&copy, stock->buf, stock->len);
	kb_week_format(week, wk);
	if (week == l->late_week) {
		snprintf(id, sizeof(id), "H00007-%s", wk);
		take_lines(&copy, id, &l->late, 1);
	} else if (week == l->fix_week) {
		snprintf(id, sizeof(id), "H00011-%s", wk);
		take_lines(&copy, id, &l->fixed, 1);
	}
	r = import_buf(l->s, "production.csv", prod, kb_production_import,
		       at_ten(week + 7), l->err);
	if (!r)
		r = import_buf(l->s, "stock.csv", &copy, kb_stock_import,
			       at_ten(week + 8), l->err);
	kb_buf_release(&copy);
	return r;
}

int kb__demo_supply(struct kb_store *s, struct kb_err *err)
{
	struct kb_gen_opts o = { 2026, 400, 30, 120, 52, 0, 1 };
	struct kb_gen_out out;
	struct load l = { s, err, NULL, 0, 0, 0, KB_BUF_INIT, KB_BUF_INIT };
	struct kb_incident_new in;
	struct kb_supply sup;
	struct kb_alerts al;
	struct kb_buf b = KB_BUF_INIT;
	char device[16] = "";
	const char *p;
	double worst = 0;
	long id;
	int r, last;
	size_t i;

	kb_week_parse("2026-11-16", &o.last_week);
	last = o.last_week;
	l.late_week = last - 7;
	l.fix_week = last - 21;
	l.out = &out;
	l.registry_at = at_ten(last - 400);
	if ((r = kb_supply_generate(&o, &out, week_loaded, &l, err)))
		goto done;
	/* the late report; the correction: the first line's stock was
	 * mistyped with a digit too many, and is sent again right */
	if ((r = import_buf(s, "stock-late.csv", &l.late, kb_stock_import,
			    at_ten(last + 3), err)))
		goto done;
	{
		char *line = strchr(l.fixed.buf, '\n') + 1, *comma = line;
		for (i = 0; i < 4; i++)
			comma = strchr(comma, ',') + 1;
		kb_buf_add(&b, l.fixed.buf, (size_t)(comma - l.fixed.buf));
		kb_buf_adds(&b, "1");
		kb_buf_adds(&b, comma);
		if ((r = import_buf(s, "stock.csv", &b, kb_stock_import,
				    at_ten(l.fix_week + 8), err)) ||
		    (r = import_buf(s, "stock-correction.csv", &l.fixed,
				    kb_stock_import, at_ten(l.fix_week + 10),
				    err)))
			goto done;
	}
	/* the disruption under way: the device that loses most */
	for (p = strstr(out.truth.buf, "\n"); p && *++p; p = strchr(p, '\n')) {
		char kind[32], dev[16];
		double loss;
		int start;
		char startw[16];
		if (sscanf(p, "%*[^,],%31[^,],%*[^,],%15[^,],%*[^,],%15[^,],%*[^,],%lf",
			   kind, dev, startw, &loss) != 4 ||
		    strcmp(kind, "site_stop") ||
		    kb_week_parse(startw, &start) || start < last - 6 * 7)
			continue;
		if (loss > worst) {
			worst = loss;
			snprintf(device, sizeof(device), "%s", dev);
		}
	}
	if (!*device)
		goto done;
	memset(&in, 0, sizeof(in));
	in.device = device;
	in.title = "製造所の停止による供給不安（例示）";
	in.cause = "manufacturing";
	in.reported_by = "製造販売業者（例示）";
	in.note =
		"製造販売業者から、海外製造所の操業停止により出荷が減るとの報告";
	if ((r = kb_incident_open(s, &in,
				  "厚生労働省 医政局 医療機器政策室（例示）",
				  at_ten(last - 10), &id, err)) ||
	    (r = kb_incident_set_state(
		     s, id, KB_INC_ASSESSING, "協議の場で影響の範囲を確認",
		     "協議の場 事務局（例示）", at_ten(last - 6), err)) ||
	    (r = kb_incident_log(s, id, "action",
				 "代替品の在庫照会と、医療機関への適正使用の依頼",
				 "協議の場 事務局（例示）", at_ten(last + 1),
				 err)))
		goto done;
	if ((r = kb_supply_load(s, &sup, err)))
		goto done;
	if (!(r = kb_supply_alerts(s, &sup, -1, -1, &al, err))) {
		for (i = 0; !r && i < al.n; i++) {
			const struct kb_alert *a = &al.v[i];
			if (a->device == KB_NONE ||
			    strcmp(sup.devices[a->device].code, device) ||
			    a->pref)
				continue;
			kb_buf_reset(&b);
			kb_alert_reason(a, &sup, KB_LANG_JA, &b);
			r = kb_incident_link(s, id, a->key, b.buf,
					     "協議の場 事務局（例示）",
					     at_ten(last + 8), err);
		}
		kb_alerts_release(&al);
	}
	kb_supply_release(&sup);
done:
	kb_buf_release(&b);
	kb_buf_release(&l.late);
	kb_buf_release(&l.fixed);
	kb_gen_out_release(&out);
	return r;
}

const struct kb_demo_account kb_demo_accounts[] = {
	{ "demo-admin", "admin", "ministry administrator: everything",
	  "省庁管理者: すべて", NULL },
	{ "demo-mhlw", "staff", "MHLW staff: KPIs of MHLW's goals, supply",
	  "厚生労働省の職員: 厚労省の KPI、供給", NULL },
	{ "demo-committee", "committee", "review committee: plan, evaluation",
	  "検討会委員: 計画、評価", NULL },
	{ "demo-tokyo", "prefecture", "Tokyo: its hospitals, incidents",
	  "東京都: 都内の病院、事案", NULL },
	{ "demo-hospital", "hospital",
	  "a Tokyo hospital: its reports; clinical needs of MH01",
	  "都内の病院: 自院の報告、MH01 の臨床ニーズ", "MH01" },
	{ "demo-maker", "industry",
	  "a marketing-authorisation holder; company MC01 in matching",
	  "製造販売業者、マッチングでは企業 MC01", "MC01" },
	{ "demo-researcher", "researcher",
	  "a researcher: public aggregates; seeds of MU01",
	  "研究者: 公開の集計、MU01 のシーズ", "MU01" },
	{ "demo-support", "researcher",
	  "a support body (MS01): consultation cases with ventures",
	  "支援機関（MS01）: ベンチャーの相談案件", "MS01" },
};
const size_t kb_demo_naccounts = KB_ARRAY_SIZE(kb_demo_accounts);

int kb__demo_accounts(struct kb_store *s, struct kb_err *err)
{
	struct kb_supply sup;
	const char *hospital = NULL, *maker = NULL;
	size_t i;
	int r;
	if ((r = kb_supply_load(s, &sup, err)))
		return r;
	for (i = 0; i < sup.norgs; i++) {
		if (!hospital && sup.orgs[i].kind == KB_ORG_HOSPITAL &&
		    sup.orgs[i].pref == 13)
			hospital = sup.orgs[i].id;
		if (!maker && sup.orgs[i].kind == KB_ORG_MAH)
			maker = sup.orgs[i].id;
	}
	for (i = 0; !r && i < kb_demo_naccounts; i++) {
		const struct kb_demo_account *d = &kb_demo_accounts[i];
		struct kb_account_spec a = { d->login,
					     d->what_ja,
					     (enum kb_role)kb_role_parse(d->role),
					     NULL,
					     0,
					     NULL,
					     KB_LANG_JA,
					     d->match_org };
		if (a.role == KB_ROLE_STAFF)
			a.ministry = "厚";
		else if (a.role == KB_ROLE_PREFECTURE)
			a.prefecture = 13;
		else if (a.role == KB_ROLE_HOSPITAL)
			a.org = hospital;
		else if (a.role == KB_ROLE_INDUSTRY)
			a.org = maker;
		r = kb_account_add(s, &a, KB_DEMO_PASSWORD, KB_PW_INTERACTIVE,
				   "demo", (time_t)1795478400, err);
	}
	kb_supply_release(&sup);
	return r;
}
