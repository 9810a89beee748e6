/*
 * match.c - what the matching routes (api_match.c, /api/v1/match/) and
 * pages (page_match.c, /match) share: needs, seeds, the organisation's
 * profile, matches and consultation cases written from a request's fields.
 *
 * An account acts for the organisation of the matching registry it is
 * linked to (account.match_org): it sees what that organisation may see,
 * registers its needs and seeds, records its matches and follows its
 * cases.  The administrator acts for the registry (everything).  The
 * routes need KB_PERM_MATCH; libkiban refuses the rest (KB_EDENIED).
 */
#include "core/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiban/match.h"
#include "server/app.h"

#define T(en, ja) KB_TR(q->lang, en, ja)

/* ---- what the API and the pages share ---- */

/* The organisation q acts for; NULL: the administrator, who sees all. */
const char *match_as_of(const struct req *q)
{
	return q->p.role == KB_ROLE_ADMIN ? NULL : q->p.match_org;
}

/* Registers a need or seed from the form: 0 with its id, or the error. */
int match_add(struct req *q, enum kb_match_kind kind, char *id, size_t idlen)
{
	int r = kb_match_add(q->s, match_as_of(q), kind, q->form, q->p.login,
			     srv_now(q->srv), id, idlen, &q->err);
	if (!r)
		srv_wrote(q, 201, id);
	return r;
}

/* What the organisation says it can do, from the form: 0 or the error
 * (the administrator acts for none: KB_EUSAGE). */
int match_profile(struct req *q)
{
	int r = kb_match_profile(q->s, match_as_of(q), q->form, q->p.login,
				 srv_now(q->srv), &q->err);
	if (!r)
		srv_wrote(q, 201, match_as_of(q));
	return r;
}

/* The row of the organisation q acts for; NULL for the administrator. */
json_t *match_own_org(struct req *q)
{
	json_t *x = NULL;
	if (match_as_of(q) &&
	    kb_match_get(q->s, NULL, KB_MATCH_ORG, match_as_of(q), &x, &q->err))
		x = NULL;
	return x;
}

int match_link(struct req *q)
{
	const char *need = form_get(q, "need"), *seed = form_get(q, "seed");
	int r;
	if (body_unreadable(q))
		return 0;
	if (!need || !seed) {
		reply_error(q, 422, "invalid", "%s",
			    T("give the need and the seed",
			      "ニーズとシーズを指定してください"));
		return 0;
	}
	if ((r = kb_match_link(q->s, match_as_of(q), need, seed, q->p.login,
			       srv_now(q->srv), &q->err))) {
		reply_kb_error(q, r);
		return 0;
	}
	srv_wrote(q, 201, need);
	return 1;
}

/* The case of the URL, as q may see it; NULL with the reply sent. */
json_t *match_case(struct req *q)
{
	long id = id_arg(q->arg[0]);
	json_t *c = NULL;
	int r;
	if (!id) {
		reply_error(q, 404, "not_found",
			    T("no case %s", "相談案件 %s はありません"),
			    q->arg[0]);
		return NULL;
	}
	if ((r = kb_case_show(q->s, match_as_of(q), id, &c, &q->err))) {
		reply_kb_error(q, r);
		return NULL;
	}
	return c;
}

/* Opens a case from the body.  A support body opens its own cases; the
 * administrator names the body. */
int match_case_open(struct req *q, long *id)
{
	const char *as = match_as_of(q),
		   *support = as ? as : form_get(q, "support");
	return kb_case_open(q->s, as, form_get(q, "venture"), support,
			    form_get(q, "title"), form_get(q, "phase"),
			    form_get(q, "topics"), q->p.login, srv_now(q->srv),
			    id, &q->err);
}

int match_case_event(struct req *q)
{
	long id = id_arg(q->arg[0]);
	int r;
	if (body_unreadable(q))
		return 0;
	if (!id) {
		reply_error(q, 404, "not_found",
			    T("no case %s", "相談案件 %s はありません"),
			    q->arg[0]);
		return 0;
	}
	if ((r = kb_case_event(q->s, match_as_of(q), id, form_get(q, "kind"),
			       form_get(q, "phase"), form_get(q, "text"),
			       form_get(q, "due"), q->p.login, srv_now(q->srv),
			       &q->err))) {
		reply_kb_error(q, r);
		return 0;
	}
	srv_wrote(q, 201, form_get(q, "kind"));
	return 1;
}
