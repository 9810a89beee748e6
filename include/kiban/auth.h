/*
 * auth.h - accounts, roles, login sessions, API tokens, what each role may
 * do, and the audit log.
 *
 * An account has one role and acts for what that role needs: ministry staff
 * for a ministry, a prefecture for a prefecture, a hospital or an industry
 * account (marketing-authorisation holder, manufacturer, distributor) for
 * its organisation.  Passwords are hashed with Argon2id (libsodium); a login
 * opens a session whose token lives in the browser's cookie and whose hash
 * lives in the store, with a CSRF token every form must carry; API tokens,
 * shown once and stored hashed, let a script upload reports.
 *
 * kb_allowed() is the one place that says who may do what: the server asks
 * it on every route.  Every write and every read of confidential data is
 * written to the audit log with kb_audit().
 */
#ifndef KIBAN_AUTH_H
#define KIBAN_AUTH_H

#include <time.h>

#include "kiban/error.h"
#include "kiban/lang.h"

struct kb_store;

enum kb_role {
	KB_ROLE_ADMIN,	    /* ministry administrator: everything */
	KB_ROLE_STAFF,	    /* ministry staff, for one ministry */
	KB_ROLE_COMMITTEE,  /* member of the review committee */
	KB_ROLE_PREFECTURE, /* a prefecture's health department */
	KB_ROLE_HOSPITAL,   /* a hospital */
	KB_ROLE_INDUSTRY,   /* a marketing-authorisation holder, manufacturer
			       or distributor */
	KB_ROLE_RESEARCHER,
	KB_NROLES
};

const char *kb_role_key(enum kb_role r); /* "hospital" */
const char *kb_role_label(enum kb_role r, enum kb_lang lang);
int kb_role_parse(const char *s); /* -1 if unknown */

/* What a request may ask for. */
enum kb_perm {
	KB_PERM_PLAN_READ,	     /* the plan, KPIs and their values */
	KB_PERM_KPI_WRITE,	     /* enter a KPI value (staff: their
					ministry's KPIs) */
	KB_PERM_EVAL_READ,	     /* the annual evaluation */
	KB_PERM_SUPPLY_PUBLIC,	     /* national and prefectural aggregates,
					alerts, essential devices */
	KB_PERM_SUPPLY_FACILITY,     /* one organisation's reports and status
					(its own, or any for the supply desk;
					a prefecture: its hospitals) */
	KB_PERM_SUPPLY_CONFIDENTIAL, /* the chain map and manufacturers'
					figures below 3 companies */
	KB_PERM_REPORT_UPLOAD,	     /* submit reports for an organisation */
	KB_PERM_INCIDENT_READ,
	KB_PERM_INCIDENT_WRITE,
	KB_PERM_ADMIN, /* accounts and the audit log */
	KB_PERM_MATCH, /* needs-seeds matching and consultation cases, as
			  the account's matching organisation (p->match_org)
			  may; the administrator: everything */
	KB_PERM_SUPPLY_SMALL_CELLS, /* hospitals' aggregates behind fewer than
				       3 facilities, and the cells withheld
				       to protect them (the ministry; a
				       prefecture: its own) */
	KB_NPERMS
};

const char *kb_perm_key(enum kb_perm p);

/* Who is asking: an account as loaded from a session or token. */
struct kb_principal {
	long account; /* account.n; 0 = nobody */
	char login[64];
	char name[128];
	enum kb_role role;
	char ministry[16]; /* staff */
	int prefecture;	   /* prefecture role, or the hospital's prefecture */
	long org;	   /* org.n of a hospital or industry account */
	char org_id[64];
	char match_org[64]; /* the organisation it acts for in needs-seeds
			       matching (its id; "" none) */
	enum kb_lang lang;
};

/*
 * May p do perm on something that belongs to organisation org (org.n; 0 if
 * none) in prefecture pref (0 if none)?  Hospitals and industry act for
 * their own organisation only; a prefecture sees its own hospitals.
 */
int kb_allowed(const struct kb_principal *p, enum kb_perm perm, long org,
	       int pref);

/* An account to create. */
struct kb_account_spec {
	const char *login; /* letters, digits, '_', '.', '-', '@' */
	const char *name;
	enum kb_role role;
	const char *ministry; /* code, for staff */
	int prefecture;	      /* code, for a prefecture */
	const char *org;      /* org id, for a hospital or industry */
	enum kb_lang lang;
	const char *match_org; /* any role: its matching organisation (id) */
};

/* How hard a password is to guess by trying: Argon2id's cost.  The default
 * is libsodium's interactive level (64 MiB); tests may use the minimum. */
enum kb_pw_cost { KB_PW_INTERACTIVE, KB_PW_MIN };

/* Creates an account with a password of at least 10 characters; checks the
 * role's ministry, prefecture or organisation. */
int kb_account_add(struct kb_store *s, const struct kb_account_spec *a,
		   const char *password, enum kb_pw_cost cost,
		   const char *actor, time_t now, struct kb_err *err);
int kb_account_set_password(struct kb_store *s, const char *login,
			    const char *password, enum kb_pw_cost cost,
			    struct kb_err *err);
/* Lets the account act for organisation match_org (an id of the matching
 * registry; NULL: none) in needs-seeds matching. */
int kb_account_set_match_org(struct kb_store *s, const char *login,
			     const char *match_org, struct kb_err *err);
int kb_account_disable(struct kb_store *s, const char *login, int disabled,
		       struct kb_err *err);

/* Tokens are 43 characters of URL-safe base64 (256 random bits). */
#define KB_TOKEN_LEN 44
/* A new random token (sessions, CSRF, API tokens, webhook secrets); call
 * sodium_init() first. */
void kb_token_random(char out[KB_TOKEN_LEN]);

/*
 * Checks login and password and opens a session for ttl seconds: token
 * for the cookie, csrf for the forms.  A wrong login or password is
 * KB_EAUTH with one message for both.
 */
int kb_login(struct kb_store *s, const char *login, const char *password,
	     time_t now, long ttl, struct kb_principal *p,
	     char token[KB_TOKEN_LEN], char csrf[KB_TOKEN_LEN],
	     struct kb_err *err);

/* The session of a cookie's token: KB_EAUTH if unknown or expired. */
int kb_session_get(struct kb_store *s, const char *token, time_t now,
		   struct kb_principal *p, char csrf[KB_TOKEN_LEN],
		   struct kb_err *err);
int kb_session_end(struct kb_store *s, const char *token, struct kb_err *err);

/* A new API token for login, shown once ("kb_" + 43 characters). */
#define KB_API_TOKEN_LEN (3 + KB_TOKEN_LEN)
int kb_token_create(struct kb_store *s, const char *login, const char *label,
		    time_t now, char token[KB_API_TOKEN_LEN], long *id,
		    struct kb_err *err);
int kb_token_auth(struct kb_store *s, const char *token, struct kb_principal *p,
		  struct kb_err *err);
int kb_token_revoke(struct kb_store *s, long id, time_t now, struct kb_err *err);

/* One line of the audit log. */
struct kb_audit_entry {
	const char *action; /* write, read, login, login_failed, denied */
	const char *method, *path;
	int status;
	const char *ip, *detail;
};
int kb_audit(struct kb_store *s, const struct kb_principal *p,
	     const struct kb_audit_entry *e, time_t now, struct kb_err *err);

/* The audit log, newest first, optionally of one login and one action:
 * a JSON array of {n, at, login, role, action, method, path, status, ip,
 * detail}; *total is the count of matching lines.  Caller owns *out. */
#include <jansson.h>
int kb_audit_list(struct kb_store *s, const char *login, const char *action,
		  size_t limit, size_t offset, json_t **out, size_t *total,
		  struct kb_err *err);

/* Constant-time comparison of two NUL-terminated secrets. */
int kb_secret_equal(const char *a, const char *b);

#endif
