/*
 * api_match.c - needs-seeds matching and consultation cases in the JSON
 * API, under /api/v1/match/: the registry's needs, seeds and
 * organisations as the acting organisation may see them, their ranked
 * matches, what is registered, matched and followed.
 */
#include "core/compat.h"

#include <stdio.h>
#include <string.h>

#include "kiban/match.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

static int list(struct req *q, enum kb_match_kind kind, const char *file)
{
	size_t limit, offset;
	json_t *rows;
	int r;
	if (page_args(q, &limit, &offset))
		return HANDLED;
	if ((r = kb_match_export(q->s, match_as_of(q), kind, &rows, &q->err)))
		return reply_kb_error(q, r);
	if (want_csv(q)) {
		struct kb_buf out = KB_BUF_INIT;
		kb_csvw_rows(&out, rows, 1);
		json_decref(rows);
		return reply_csv(q, &out, file);
	}
	return reply_page(q, rows, 0, limit, offset, 0);
}

int api_needs(struct req *q)
{
	return list(q, KB_MATCH_NEED, "needs.csv");
}

int api_seeds(struct req *q)
{
	return list(q, KB_MATCH_SEED, "seeds.csv");
}

int api_orgs(struct req *q)
{
	return list(q, KB_MATCH_ORG, "organisations.csv");
}

static int one(struct req *q, enum kb_match_kind kind)
{
	json_t *x;
	int r = kb_match_get(q->s, match_as_of(q), kind, q->arg[0], &x, &q->err);
	return r ? reply_kb_error(q, r) : reply_json(q, 200, x);
}

int api_need(struct req *q)
{
	return one(q, KB_MATCH_NEED);
}

int api_seed(struct req *q)
{
	return one(q, KB_MATCH_SEED);
}

/* The targets a source is matched to, by the name in ?to=. */
static int target_of(enum kb_match_kind from, const char *to)
{
	int k = to ? kb_match_kind_parse(to) : -1;
	if (!to)
		return from == KB_MATCH_NEED   ? KB_MATCH_SEED
		       : from == KB_MATCH_SEED ? KB_MATCH_SUPPORT
					       : KB_MATCH_NEED;
	return k == KB_MATCH_ORG || k == KB_MATCH_NDA ? -1 : k;
}

static int matches(struct req *q, enum kb_match_kind from)
{
	const char *to = arg_get(q, "to"), *lim = arg_get(q, "limit");
	int target = target_of(from, to), r;
	long limit = lim ? id_arg(lim) : 10;
	json_t *rows;
	if (target < 0 || limit < 1 || limit > 100)
		return reply_error(
			q, 400, "bad_request", "%s",
			T("to: seeds, needs, companies or support; limit: 1 to 100",
			  "to: seeds, needs, companies, support のいずれか。limit: 1 から 100"));
	if ((r = kb_match_rank(q->s, match_as_of(q), from, q->arg[0],
			       (enum kb_match_kind)target, (size_t)limit,
			       arg_get(q, "mecab") != NULL, &rows, &q->err)))
		return reply_kb_error(q, r);
	return reply_json(
		q, 200,
		json_pack("{s:s, s:o}", "from", q->arg[0], "items", rows));
}

int api_need_matches(struct req *q)
{
	return matches(q, KB_MATCH_NEED);
}

int api_seed_matches(struct req *q)
{
	return matches(q, KB_MATCH_SEED);
}

int api_org_matches(struct req *q)
{
	return matches(q, KB_MATCH_COMPANY);
}

static int add_reply(struct req *q, enum kb_match_kind kind)
{
	char id[64];
	int r;
	if (body_unreadable(q))
		return HANDLED;
	if ((r = match_add(q, kind, id, sizeof(id))))
		return reply_kb_error(q, r);
	return reply_json(q, 201, json_pack("{s:s}", "id", id));
}

int api_need_post(struct req *q)
{
	return add_reply(q, KB_MATCH_NEED);
}

int api_seed_post(struct req *q)
{
	return add_reply(q, KB_MATCH_SEED);
}

int api_profile_post(struct req *q)
{
	json_t *x;
	int r;
	if (body_unreadable(q))
		return HANDLED;
	if ((r = match_profile(q)))
		return reply_kb_error(q, r);
	x = match_own_org(q);
	return reply_json(q, 201, x ? x : json_object());
}

int api_link_post(struct req *q)
{
	if (!match_link(q))
		return HANDLED;
	return reply_json(q, 201,
			  json_pack("{s:s, s:s}", "need", form_get(q, "need"),
				    "seed", form_get(q, "seed")));
}

int api_cases(struct req *q)
{
	size_t limit, offset;
	json_t *rows;
	int r;
	if (page_args(q, &limit, &offset))
		return HANDLED;
	if ((r = kb_case_list(q->s, match_as_of(q), &rows, &q->err)))
		return reply_kb_error(q, r);
	return reply_page(q, rows, 0, limit, offset, 0);
}

int api_case(struct req *q)
{
	json_t *c = match_case(q);
	return c ? reply_json(q, 200, c) : HANDLED;
}

int api_case_post(struct req *q)
{
	long id = 0;
	int r;
	if (body_unreadable(q))
		return HANDLED;
	if ((r = match_case_open(q, &id)))
		return reply_kb_error(q, r);
	srv_wrote(q, 201, form_get(q, "title"));
	return reply_json(q, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

int api_case_event(struct req *q)
{
	json_t *c;
	if (!match_case_event(q) || !(c = match_case(q)))
		return HANDLED;
	return reply_json(q, 201, c);
}

int api_match_kpi(struct req *q)
{
	const char *year = arg_get(q, "year");
	json_t *k;
	int fy = 0, r;
	if (year && kb_fy_parse(year, &fy))
		return reply_error(q, 400, "bad_request",
				   T("year: '%s' is not a fiscal year",
				     "year: '%s' は年度ではありません"),
				   year);
	if ((r = kb_match_kpi(q->s, fy, &k, &q->err)))
		return reply_kb_error(q, r);
	return reply_json(q, 200, k);
}
