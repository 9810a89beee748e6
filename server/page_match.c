/*
 * page_match.c - needs-seeds matching and consultation cases as pages,
 * under /match: the registry as the acting organisation may see it with
 * the forms that register needs, seeds and what it can do; a need or a
 * seed with its ranked matches; the cases and their timelines.
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiban/match.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

static const char *conf_label(struct req *q, const char *k)
{
	return !strcmp(k, "open")      ? T("open", "公開")
	       : !strcmp(k, "members") ? T("members", "会員限定")
	       : !strcmp(k, "nda")     ? T("under NDA", "NDA")
				       : k;
}

/* The figures offered to the plan's KPIs. */
static void kpi_box(struct req *q, struct kb_buf *b)
{
	json_t *k;
	json_t *med;
	if (kb_match_kpi(q->s, 0, &k, &q->err)) {
		kb_err_clear(&q->err);
		return;
	}
	med = json_object_get(k, "days_to_first_match_median");
	kb_buf_addf(
		b,
		"<dl class=\"facts\" id=\"match-kpi\"><dt>%s</dt><dd data-kpi=\"ventures_launched\">%lld / %lld</dd>"
		"<dt>%s</dt><dd data-kpi=\"needs_matched\">%lld / %lld</dd><dt>%s</dt><dd data-kpi=\"days\">",
		T("Ventures that reached launch (of those supported)",
		  "上市に至ったベンチャー（支援した数のうち）"),
		(long long)jint(k, "ventures_launched"),
		(long long)jint(k, "ventures_supported"),
		T("Needs matched to a seed", "シーズとマッチしたニーズ"),
		(long long)jint(k, "needs_matched"), (long long)jint(k, "needs"),
		T("Days from a need to its first match (median)",
		  "ニーズから最初のマッチまでの日数（中央値）"));
	if (json_is_number(med))
		kb_buf_addf(b, "%.1f", json_number_value(med));
	else
		kb_buf_adds(b, "—");
	kb_buf_adds(b, "</dd></dl>");
	json_decref(k);
}

static const char *const conf_opts[] = { "open|open|公開",
					 "members|members only|会員限定",
					 "nda|under NDA|NDA" };

/* A field of a form: a text field of type, or with opts a select. */
struct field {
	const char *name, *en, *ja, *type;
	int required;
	const char *const *opts;
	size_t nopts;
};

#define SELECT(name, en, ja, opts)                               \
	{                                                        \
		name, en, ja, NULL, 0, opts, KB_ARRAY_SIZE(opts) \
	}

/* A form registering a need or a seed: its title (and a hint), its
 * fields, refilled with what was sent. */
static void register_form(struct req *q, struct kb_buf *b, const char *what,
			  const char *title, const char *hint,
			  const struct field *f, size_t n)
{
	kb_buf_addf(
		b,
		"<form method=\"post\" action=\"/match/%ss\" class=\"narrow\" id=\"%s-form\"><h3>%s</h3>",
		what, what, title);
	if (hint)
		kb_buf_addf(b, "<p class=\"hint\">%s</p>", hint);
	page_csrf_field(q, b);
	for (; n--; f++)
		if (f->opts)
			page_select(q, b, what, f->name,
				    KB_TR(q->lang, f->en, f->ja), f->opts,
				    f->nopts);
		else
			page_field(q, b, what, f->name,
				   KB_TR(q->lang, f->en, f->ja), f->type,
				   f->required);
	kb_buf_addf(b, "<p><button type=\"submit\">%s</button></p></form>",
		    T("Register", "登録"));
}

static void need_form(struct req *q, struct kb_buf *b)
{
	static const char *const classes[] = { "|—|—", "I|I|I", "II|II|II",
					       "III|III|III", "IV|IV|IV" };
	static const char *const urgency[] = { "2|normal|通常", "1|low|低",
					       "3|high|高" };
	static const struct field f[] = {
		{ "problem", "Problem", "課題", "textarea", 1, NULL, 0 },
		{ "population", "Population", "対象", "text", 1, NULL, 0 },
		{ "outcome", "Outcome", "目的", "text", 1, NULL, 0 },
		{ "area", "Clinical area", "臨床領域", "text", 1, NULL, 0 },
		{ "setting", "Care setting", "場面", "text", 0, NULL, 0 },
		SELECT("device_class", "Expected device class", "想定クラス",
		       classes),
		SELECT("urgency", "Urgency", "緊急度", urgency),
		SELECT("confidentiality", "Who may see it", "公開範囲", conf_opts),
	};
	register_form(
		q, b, "need", T("Register a clinical need", "臨床ニーズの登録"),
		T("A way to [problem] in [population] in order to [outcome].",
		  "［対象］における［課題］を解決し、［目的］を達成する方法。"),
		f, KB_ARRAY_SIZE(f));
}

static void seed_form(struct req *q, struct kb_buf *b)
{
	static const char *const ips[] = { "none|none|なし", "filed|filed|出願中",
					   "granted|granted|登録済み",
					   "licensed|licensed|実施許諾済み" };
	static const struct field f[] = {
		{ "title", "Title", "題名", "text", 1, NULL, 0 },
		{ "description", "Description, in plain language",
		  "説明（平易なことばで）", "textarea", 1, NULL, 0 },
		{ "area", "Clinical area", "臨床領域", "text", 0, NULL, 0 },
		{ "trl", "Technology readiness level (1-9)",
		  "技術成熟度 TRL（1〜9）", "number", 0, NULL, 0 },
		SELECT("ip", "IP status", "知財", ips),
		SELECT("confidentiality", "Who may see it", "公開範囲", conf_opts),
	};
	register_form(q, b, "seed",
		      T("Register a technology seed", "技術シーズの登録"), NULL,
		      f, KB_ARRAY_SIZE(f));
}

/* What the organisation says it can do, refilled from what was sent or
 * from its row. */
static void profile_form(struct req *q, struct kb_buf *b)
{
	static const char *const names[] = { "capability", "areas", "support" };
	json_t *org = match_own_org(q);
	size_t i;
	if (!org) {
		kb_err_clear(&q->err);
		return;
	}
	kb_buf_addf(
		b,
		"<form method=\"post\" action=\"/match/profile\" class=\"narrow\" id=\"profile-form\"><h3>%s</h3>",
		T("What your organisation can do", "組織ができること"));
	page_csrf_field(q, b);
	for (i = 0; i < KB_ARRAY_SIZE(names); i++) {
		const char *v = q->form_parsed ? form_get(q, names[i])
					       : jstr(org, names[i]);
		if (i == 2 && strcmp(jstr(org, "kind"), "support"))
			break;
		kb_buf_addf(
			b, "<p><label for=\"profile-%s\">%s</label>", names[i],
			i == 0 ? T("Capability, in words", "できること（ことばで）")
			: i == 1
				? T("Clinical areas (separated by ;)",
				    "臨床領域（; 区切り）")
				: T("Support types (regulatory;ip;finance;sales;overseas;insurance)",
				    "支援の種類（regulatory;ip;finance;sales;overseas;insurance）"));
		kb_buf_addf(b,
			    "<textarea id=\"profile-%s\" name=\"%s\" rows=\"2\">",
			    names[i], names[i]);
		page_esc(b, v);
		kb_buf_adds(b, "</textarea></p>");
	}
	kb_buf_addf(b, "<p><button type=\"submit\">%s</button></p></form>",
		    T("Save", "保存"));
	json_decref(org);
}

static void items_table(struct req *q, struct kb_buf *b, json_t *rows,
			enum kb_match_kind kind)
{
	const char *path = kind == KB_MATCH_NEED ? "needs" : "seeds";
	json_t *x;
	size_t i;
	kb_buf_addf(b, "<table id=\"%s\"><thead><tr>", path);
	page_th(b, "ID");
	page_th(b, kind == KB_MATCH_NEED ? T("Problem", "課題")
					 : T("Title", "題名"));
	page_th(b, T("Organisation", "組織"));
	page_th(b, T("Clinical area", "臨床領域"));
	page_th(b, T("Who may see it", "公開範囲"));
	kb_buf_adds(b, "</tr></thead><tbody>");
	json_array_foreach(rows, i, x)
	{
		kb_buf_adds(b, "<tr data-id=\"");
		page_esc(b, jstr(x, "id"));
		kb_buf_addf(b, "\"><td><a href=\"/match/%s/", path);
		page_esc(b, jstr(x, "id"));
		kb_buf_adds(b, "\">");
		page_esc(b, jstr(x, "id"));
		kb_buf_adds(b, "</a></td><td>");
		page_esc(b, jstr(x, kind == KB_MATCH_NEED ? "problem" : "title"));
		kb_buf_adds(b, "</td><td>");
		page_esc(b, jstr(x, "org"));
		kb_buf_adds(b, "</td><td>");
		page_esc(b, jstr(x, "area"));
		kb_buf_adds(b, "</td><td>");
		page_esc(b, conf_label(q, jstr(x, "confidentiality")));
		kb_buf_adds(b, "</td></tr>");
	}
	kb_buf_adds(b, "</tbody></table>");
}

/* The registry's page; with the problems of a form that saved nothing. */
static int match_page(struct req *q, int status)
{
	struct kb_buf b = KB_BUF_INIT;
	json_t *needs = NULL, *seeds = NULL;
	struct kb_err keep;
	int r;
	kb_err_init(&keep, q->lang);
	if (status != 200) { /* the form's problems, kept for the page */
		keep = q->err;
		kb_err_init(&q->err, q->lang);
	}
	if ((r = kb_match_export(q->s, match_as_of(q), KB_MATCH_NEED, &needs,
				 &q->err)) ||
	    (r = kb_match_export(q->s, match_as_of(q), KB_MATCH_SEED, &seeds,
				 &q->err))) {
		json_decref(needs);
		kb_err_release(&keep);
		return reply_kb_error(q, r);
	}
	page_head(q, &b, T("Needs and seeds", "ニーズ・シーズ"));
	kb_buf_adds(&b, "<p class=\"who-as\">");
	if (match_as_of(q)) {
		kb_buf_adds(&b, T("Acting for ", "代表する組織: "));
		page_esc(&b, match_as_of(q));
	} else {
		kb_buf_adds(&b,
			    T("The registry's administrator: everything.",
			      "登録簿の管理者として、すべてを表示しています。"));
	}
	kb_buf_addf(&b, " <a href=\"/match/cases\">%s</a></p>",
		    T("Consultation cases", "相談案件"));
	kpi_box(q, &b);
	if (arg_get(q, "saved"))
		kb_buf_addf(&b, "<p class=\"saved\" role=\"status\">%s</p>",
			    T("Saved.", "保存しました。"));
	if (keep.n)
		page_diags(q, &b, &keep);
	kb_buf_addf(&b, "<h2>%s (%zu)</h2>", T("Clinical needs", "臨床ニーズ"),
		    json_array_size(needs));
	items_table(q, &b, needs, KB_MATCH_NEED);
	kb_buf_addf(&b, "<h2>%s (%zu)</h2>",
		    T("Technology seeds", "技術シーズ"), json_array_size(seeds));
	items_table(q, &b, seeds, KB_MATCH_SEED);
	if (match_as_of(q)) {
		kb_buf_addf(&b, "<h2>%s</h2><div class=\"forms\">",
			    T("Register", "登録"));
		need_form(q, &b);
		seed_form(q, &b);
		profile_form(q, &b);
		kb_buf_adds(&b, "</div>");
	}
	json_decref(needs);
	json_decref(seeds);
	kb_err_release(&keep);
	return page_finish(q, &b, status);
}

int page_match(struct req *q)
{
	return match_page(q, 200);
}

static int page_add(struct req *q, enum kb_match_kind kind)
{
	char id[64], loc[96];
	int r;
	if (body_unreadable(q))
		return HANDLED;
	if ((r = match_add(q, kind, id, sizeof(id))))
		return r == KB_EINVALID || r == KB_EEXISTS
			       ? match_page(q, 422)
			       : reply_kb_error(q, r);
	snprintf(loc, sizeof(loc), "/match/%s/%s?added=1",
		 kind == KB_MATCH_NEED ? "needs" : "seeds", id);
	return reply_redirect(q, loc);
}

int page_profile_post(struct req *q)
{
	int r;
	if (body_unreadable(q))
		return HANDLED;
	if ((r = match_profile(q)))
		return r == KB_EINVALID ? match_page(q, 422)
					: reply_kb_error(q, r);
	return reply_redirect(q, "/match?saved=1");
}

int page_need_post(struct req *q)
{
	return page_add(q, KB_MATCH_NEED);
}

int page_seed_post(struct req *q)
{
	return page_add(q, KB_MATCH_SEED);
}

/* A ranked list of matches, each with its reasons; when the acting
 * organisation owns the need or the seed, a button records the match. */
static void ranked(struct req *q, struct kb_buf *b, enum kb_match_kind from,
		   const json_t *src, enum kb_match_kind to, const char *title)
{
	const char *path = to == KB_MATCH_NEED	 ? "needs"
			   : to == KB_MATCH_SEED ? "seeds"
						 : NULL;
	int mine = !match_as_of(q) || !strcmp(jstr(src, "org"), match_as_of(q));
	int can_link = (from == KB_MATCH_NEED && to == KB_MATCH_SEED) ||
		       (from == KB_MATCH_SEED && to == KB_MATCH_NEED);
	json_t *rows, *x;
	size_t i;
	int r = kb_match_rank(q->s, match_as_of(q), from, jstr(src, "id"), to,
			      10, 0, &rows, &q->err);
	kb_buf_addf(b, "<h2>");
	page_esc(b, title);
	kb_buf_adds(b, "</h2>");
	if (r) {
		kb_err_clear(&q->err);
		return;
	}
	if (!json_array_size(rows)) {
		kb_buf_addf(b, "<p>%s</p>",
			    T("No match among what you may see.",
			      "見られる範囲に候補はありません。"));
		json_decref(rows);
		return;
	}
	kb_buf_addf(b, "<table class=\"matches\" data-to=\"%s\"><thead><tr>",
		    path ? path : "orgs");
	page_th(b, T("Rank", "順位"));
	page_th(b, "ID");
	page_th(b, T("Name", "名称"));
	page_th(b, T("Score", "得点"));
	page_th(b, T("Why", "理由"));
	if (can_link)
		page_th(b, T("Match", "マッチ"));
	kb_buf_adds(b, "</tr></thead><tbody>");
	json_array_foreach(rows, i, x)
	{
		json_t *boost;
		size_t k;
		int link = can_link &&
			   (mine || !strcmp(jstr(x, "org"), match_as_of(q)));
		kb_buf_addf(b, "<tr data-id=\"");
		page_esc(b, jstr(x, "id"));
		kb_buf_addf(b, "\"><td>%lld</td><td>",
			    (long long)jint(x, "rank"));
		if (path) {
			kb_buf_addf(b, "<a href=\"/match/%s/", path);
			page_esc(b, jstr(x, "id"));
			kb_buf_adds(b, "\">");
		}
		page_esc(b, jstr(x, "id"));
		kb_buf_adds(b, path ? "</a></td><td>" : "</td><td>");
		page_esc(b, jstr(x, "name"));
		kb_buf_addf(b, "</td><td>%.2f</td><td class=\"why\">",
			    json_number_value(json_object_get(x, "score")));
		page_esc(b, jstr(x, "why"));
		json_array_foreach(json_object_get(x, "boosts"), k, boost)
		{
			kb_buf_adds(b, "<br><span class=\"boost\">");
			page_esc(b, json_string_value(boost));
			kb_buf_adds(b, "</span>");
		}
		kb_buf_adds(b, "</td>");
		if (can_link) {
			kb_buf_adds(b, "<td>");
			if (link) {
				const char *need = from == KB_MATCH_NEED
							   ? jstr(src, "id")
							   : jstr(x, "id");
				const char *seed = from == KB_MATCH_NEED
							   ? jstr(x, "id")
							   : jstr(src, "id");
				kb_buf_adds(b, "<form method=\"post\" "
					       "action=\"/match/links\">");
				page_csrf_field(q, b);
				kb_buf_adds(b, "<input type=\"hidden\" "
					       "name=\"need\" value=\"");
				page_esc(b, need);
				kb_buf_adds(b, "\"><input type=\"hidden\" "
					       "name=\"seed\" value=\"");
				page_esc(b, seed);
				kb_buf_addf(
					b,
					"\"><input type=\"hidden\" name=\"back\" value=\"%s\">"
					"<button type=\"submit\">%s</button></form>",
					from == KB_MATCH_NEED ? "need" : "seed",
					T("Record", "記録"));
			}
			kb_buf_adds(b, "</td>");
		}
		kb_buf_adds(b, "</tr>");
	}
	kb_buf_adds(b, "</tbody></table>");
	json_decref(rows);
}

static int item_page(struct req *q, enum kb_match_kind kind)
{
	struct kb_buf b = KB_BUF_INIT, t = KB_BUF_INIT;
	json_t *x;
	char n[32];
	int r = kb_match_get(q->s, match_as_of(q), kind, q->arg[0], &x, &q->err);
	if (r)
		return reply_kb_error(q, r);
	kb_buf_addf(&t, "%s %s",
		    kind == KB_MATCH_NEED ? T("Need", "ニーズ")
					  : T("Seed", "シーズ"),
		    jstr(x, "id"));
	page_head(q, &b, t.buf);
	kb_buf_release(&t);
	if (arg_get(q, "added"))
		kb_buf_addf(&b, "<p class=\"saved\" role=\"status\">%s</p>",
			    T("Registered.", "登録しました。"));
	if (arg_get(q, "linked"))
		kb_buf_addf(
			&b, "<p class=\"saved\" role=\"status\">%s</p>",
			T("The match was recorded.", "マッチを記録しました。"));
	kb_buf_adds(&b, "<dl class=\"facts\">");
	page_fact(&b, T("Organisation", "組織"), jstr(x, "org"));
	if (kind == KB_MATCH_NEED) {
		page_fact(&b, T("Problem", "課題"), jstr(x, "problem"));
		page_fact(&b, T("Population", "対象"), jstr(x, "population"));
		page_fact(&b, T("Outcome", "目的"), jstr(x, "outcome"));
		page_fact(&b, T("Clinical area", "臨床領域"), jstr(x, "area"));
		page_fact(&b, T("Care setting", "場面"), jstr(x, "setting"));
		page_fact(&b, T("Expected device class", "想定クラス"),
			  jstr(x, "device_class"));
		snprintf(n, sizeof(n), "%lld", (long long)jint(x, "urgency"));
		page_fact(&b, T("Urgency (1-3)", "緊急度（1〜3）"), n);
	} else {
		page_fact(&b, T("Title", "題名"), jstr(x, "title"));
		page_fact(&b, T("Description", "説明"), jstr(x, "description"));
		page_fact(&b, T("Clinical area", "臨床領域"), jstr(x, "area"));
		snprintf(n, sizeof(n), "%lld", (long long)jint(x, "trl"));
		page_fact(&b, T("Technology readiness level", "技術成熟度 TRL"),
			  n);
		page_fact(&b, T("IP status", "知財"), jstr(x, "ip"));
	}
	page_fact(&b, T("Who may see it", "公開範囲"),
		  conf_label(q, jstr(x, "confidentiality")));
	page_fact(&b, T("Registered", "登録日時"), jstr(x, "created_at"));
	kb_buf_adds(&b, "</dl>");
	if (kind == KB_MATCH_NEED) {
		ranked(q, &b, kind, x, KB_MATCH_SEED,
		       T("Seeds that may answer it", "応えうるシーズ"));
		ranked(q, &b, kind, x, KB_MATCH_COMPANY,
		       T("Companies that could develop it", "開発しうる企業"));
	} else {
		ranked(q, &b, kind, x, KB_MATCH_SUPPORT,
		       T("Support bodies for its next step",
			 "次の段階に向けた支援機関"));
		ranked(q, &b, kind, x, KB_MATCH_NEED,
		       T("Needs it may answer", "応えうるニーズ"));
	}
	json_decref(x);
	return page_finish(q, &b, 200);
}

int page_need(struct req *q)
{
	return item_page(q, KB_MATCH_NEED);
}

int page_seed(struct req *q)
{
	return item_page(q, KB_MATCH_SEED);
}

int page_link_post(struct req *q)
{
	const char *back = form_get(q, "back");
	struct kb_buf loc = KB_BUF_INIT;
	int seed_page = back && !strcmp(back, "seed");
	if (!match_link(q))
		return HANDLED;
	/* the ids were checked against the registry: they are safe */
	kb_buf_addf(&loc, "/match/%s/%s?linked=1", seed_page ? "seeds" : "needs",
		    form_get(q, seed_page ? "seed" : "need"));
	reply_redirect(q, loc.buf);
	kb_buf_release(&loc);
	return HANDLED;
}

static void case_form(struct req *q, struct kb_buf *b)
{
	static const char *const phases[] = {
		"idea|idea|アイデア",
		"prototype|prototype|試作",
		"nonclinical|non-clinical evaluation|非臨床評価",
		"clinical|clinical evaluation|臨床評価",
		"approval|approval|承認",
		"insurance|insurance coverage|保険適用",
		"launch|launch|上市",
		"overseas|overseas expansion|海外展開",
	};
	kb_buf_addf(
		b,
		"<h2>%s</h2><form method=\"post\" action=\"/match/cases\" class=\"narrow\" id=\"case-form\">",
		T("Open a case", "相談案件を開く"));
	page_csrf_field(q, b);
	page_field(q, b, "case", "venture",
		   T("Venture or company (id)", "ベンチャー・企業（ID）"),
		   "text", 1);
	if (!match_as_of(q))
		page_field(q, b, "case", "support",
			   T("Support body (id)", "支援機関（ID）"), "text", 1);
	page_field(q, b, "case", "title", T("Title", "件名"), "text", 1);
	page_select(q, b, "case", "phase", T("Phase", "フェーズ"), phases,
		    KB_ARRAY_SIZE(phases));
	page_field(q, b, "case", "topics",
		   T("Topics (IP, regulatory filing, management, international expansion, insurance)",
		     "相談の主題（知財、薬事申請、経営、海外展開、保険など）"),
		   "text", 0);
	kb_buf_addf(b, "<p><button type=\"submit\">%s</button></p></form>",
		    T("Open", "開く"));
}

static int cases_page(struct req *q, int status)
{
	struct kb_buf b = KB_BUF_INIT;
	struct kb_err keep;
	json_t *rows, *x;
	size_t i;
	int r;
	kb_err_init(&keep, q->lang);
	if (status != 200) {
		keep = q->err;
		kb_err_init(&q->err, q->lang);
	}
	if ((r = kb_case_list(q->s, match_as_of(q), &rows, &q->err))) {
		kb_err_release(&keep);
		return reply_kb_error(q, r);
	}
	page_head(q, &b, T("Consultation cases", "相談案件"));
	kb_buf_addf(&b, "<p><a href=\"/match\">%s</a></p>",
		    T("Needs and seeds", "ニーズ・シーズ"));
	kpi_box(q, &b);
	if (keep.n)
		page_diags(q, &b, &keep);
	kb_buf_adds(&b, "<table id=\"cases\"><thead><tr>");
	page_th(&b, "#");
	page_th(&b, T("Title", "件名"));
	page_th(&b, T("Venture", "ベンチャー"));
	page_th(&b, T("Support body", "支援機関"));
	page_th(&b, T("Phase", "フェーズ"));
	page_th(&b, T("Meetings", "面談"));
	page_th(&b, T("Next action due", "次の対応の期日"));
	page_th(&b, T("Outcome", "結果"));
	kb_buf_adds(&b, "</tr></thead><tbody>");
	json_array_foreach(rows, i, x)
	{
		kb_buf_addf(
			&b,
			"<tr data-case=\"%lld\"><td>%lld</td><td><a href=\"/match/cases/%lld\">",
			(long long)jint(x, "id"), (long long)jint(x, "id"),
			(long long)jint(x, "id"));
		page_esc(&b, jstr(x, "title"));
		kb_buf_adds(&b, "</a></td><td>");
		page_esc(&b, jstr(x, "venture"));
		kb_buf_adds(&b, "</td><td>");
		page_esc(&b, jstr(x, "support"));
		kb_buf_addf(&b, "</td><td data-phase=\"%s\">", jstr(x, "phase"));
		page_esc(&b, kb_case_phase_label(
				     kb_case_phase_parse(jstr(x, "phase")),
				     q->lang));
		kb_buf_addf(&b, "</td><td>%lld</td><td>",
			    (long long)jint(x, "meetings"));
		page_esc(&b, jstr(x, "next_due"));
		kb_buf_adds(&b, "</td><td>");
		page_esc(&b, jstr(x, "outcome"));
		kb_buf_adds(&b, "</td></tr>");
	}
	kb_buf_adds(&b, "</tbody></table>");
	json_decref(rows);
	case_form(q, &b);
	kb_err_release(&keep);
	return page_finish(q, &b, status);
}

int page_cases(struct req *q)
{
	return cases_page(q, 200);
}

int page_cases_post(struct req *q)
{
	char loc[64];
	long id = 0;
	int r;
	if (body_unreadable(q))
		return HANDLED;
	if ((r = match_case_open(q, &id))) /* mistakes come back on the page */
		return r == KB_EINVALID || r == KB_ENOTFOUND
			       ? cases_page(q, 422)
			       : reply_kb_error(q, r);
	srv_wrote(q, 201, form_get(q, "title"));
	snprintf(loc, sizeof(loc), "/match/cases/%ld", id);
	return reply_redirect(q, loc);
}

int page_case(struct req *q)
{
	static const char *const kinds[] = {
		"meeting|meeting|面談",
		"phase|change of phase|フェーズの変更",
		"action|next action|次の対応",
		"done|action done (its event number)|対応の完了（記録番号）",
		"outcome|outcome (closes the case)|結果（案件を閉じる）",
	};
	struct kb_buf b = KB_BUF_INIT, t = KB_BUF_INIT;
	json_t *c = match_case(q), *e;
	size_t i;
	if (!c)
		return HANDLED;
	kb_buf_addf(&t, "#%lld %s", (long long)jint(c, "id"), jstr(c, "title"));
	page_head(q, &b, t.buf);
	kb_buf_release(&t);
	kb_buf_addf(&b, "<p><a href=\"/match/cases\">%s</a></p>",
		    T("All cases", "相談案件の一覧"));
	kb_buf_adds(&b, "<dl class=\"facts\">");
	page_fact(&b, T("Venture", "ベンチャー"), jstr(c, "venture"));
	page_fact(&b, T("Support body", "支援機関"), jstr(c, "support"));
	page_fact(&b, T("Phase", "フェーズ"),
		  kb_case_phase_label(kb_case_phase_parse(jstr(c, "phase")),
				      q->lang));
	page_fact(&b, T("Topics", "主題"), jstr(c, "topics"));
	page_fact(&b, T("Opened", "開始"), jstr(c, "opened_at"));
	page_fact(&b, T("Outcome", "結果"), jstr(c, "outcome"));
	kb_buf_addf(&b, "</dl><h2>%s</h2><ol class=\"timeline\">",
		    T("Timeline", "経過"));
	json_array_foreach(json_object_get(c, "events"), i, e)
	{
		kb_buf_addf(&b, "<li data-kind=\"%s\" value=\"%lld\"><time>",
			    jstr(e, "kind"), (long long)jint(e, "event"));
		page_esc(&b, jstr(e, "at"));
		kb_buf_adds(&b, "</time> <span class=\"kind\">");
		page_esc(&b, jstr(e, "kind"));
		if (*jstr(e, "phase")) {
			kb_buf_adds(&b, " → ");
			page_esc(&b,
				 kb_case_phase_label(
					 kb_case_phase_parse(jstr(e, "phase")),
					 q->lang));
		}
		if (*jstr(e, "due")) {
			kb_buf_addf(&b, " (%s ", T("due", "期日"));
			page_esc(&b, jstr(e, "due"));
			kb_buf_adds(&b, ")");
		}
		kb_buf_adds(&b, "</span><p>");
		page_esc(&b, jstr(e, "text"));
		kb_buf_adds(&b, "</p></li>");
	}
	kb_buf_adds(&b, "</ol>");
	if (!json_is_string(json_object_get(c, "outcome"))) {
		kb_buf_addf(
			&b,
			"<h2>%s</h2><form method=\"post\" action=\"/match/cases/%lld\" class=\"narrow\" id=\"event-form\">",
			T("Add to the timeline", "経過の追加"),
			(long long)jint(c, "id"));
		page_csrf_field(q, &b);
		page_select(q, &b, "event", "kind", T("Kind", "種類"), kinds,
			    KB_ARRAY_SIZE(kinds));
		kb_buf_addf(
			&b,
			"<p><label for=\"event-phase\">%s</label><select id=\"event-phase\" name=\"phase\"><option value=\"\">—</option>",
			T("New phase", "新しいフェーズ"));
		for (i = 0; i < 8; i++)
			kb_buf_addf(&b, "<option value=\"%s\">%s</option>",
				    kb_case_phases[i],
				    kb_case_phase_label((int)i, q->lang));
		kb_buf_adds(&b, "</select></p>");
		page_field(q, &b, "event", "text", T("Text", "内容"),
			   "textarea", 0);
		page_field(q, &b, "event", "due",
			   T("Due (for a next action)", "期日（次の対応）"),
			   "date", 0);
		kb_buf_addf(&b,
			    "<p><button type=\"submit\">%s</button></p></form>",
			    T("Add", "追加"));
	}
	json_decref(c);
	return page_finish(q, &b, 200);
}

int page_case_post(struct req *q)
{
	char loc[64];
	if (!match_case_event(q))
		return HANDLED;
	snprintf(loc, sizeof(loc), "/match/cases/%ld", id_arg(q->arg[0]));
	return reply_redirect(q, loc);
}
