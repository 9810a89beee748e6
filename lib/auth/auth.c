/*
 * auth.c - accounts, sessions, API tokens, permissions and the audit log
 * (see auth.h).
 */
#include "core/compat.h"

#include <sodium.h>

#include "core/ident.h"
#include "kiban/auth.h"
#include "store/sql.h"

static const char *const role_keys[KB_NROLES] = {
	"admin",    "staff",	"committee",  "prefecture",
	"hospital", "industry", "researcher",
};

const char *kb_role_key(enum kb_role r)
{
	return (unsigned)r < KB_NROLES ? role_keys[r] : "?";
}

const char *kb_role_label(enum kb_role r, enum kb_lang L)
{
	switch (r) {
	case KB_ROLE_ADMIN:
		return KB_TR(L, "ministry administrator", "省庁管理者");
	case KB_ROLE_STAFF: return KB_TR(L, "ministry staff", "省庁職員");
	case KB_ROLE_COMMITTEE:
		return KB_TR(L, "committee member", "検討会委員");
	case KB_ROLE_PREFECTURE: return KB_TR(L, "prefecture", "都道府県");
	case KB_ROLE_HOSPITAL: return KB_TR(L, "hospital", "医療機関");
	case KB_ROLE_INDUSTRY:
		return KB_TR(L, "manufacturer or distributor",
			     "製造販売業者・販売業者");
	case KB_ROLE_RESEARCHER: return KB_TR(L, "researcher", "研究者");
	default: return "?";
	}
}

int kb_role_parse(const char *s)
{
	int i;
	for (i = 0; i < KB_NROLES; i++)
		if (!strcmp(s, role_keys[i]))
			return i;
	return -1;
}

const char *kb_perm_key(enum kb_perm p)
{
	static const char *const keys[KB_NPERMS] = {
		"plan_read",	 "kpi_write",	    "eval_read",
		"supply_public", "supply_facility", "supply_confidential",
		"report_upload", "incident_read",   "incident_write",
		"admin",	 "match",	    "supply_small_cells",
	};
	return (unsigned)p < KB_NPERMS ? keys[p] : "?";
}

/*
 * The policy.  Rows are roles, columns permissions: 1 allowed outright,
 * 'o' allowed on the account's own organisation, 'p' on the organisations
 * of the account's prefecture, 'm' when the account acts for an
 * organisation of the matching registry, 0 refused.  "small" is
 * hospitals' figures behind fewer than 3 facilities: for the ministry, and
 * for a prefecture its own (its hospitals report to it); everyone else
 * sees them withheld (kb_supply_status_disclose).
 */
static const char policy[KB_NROLES][KB_NPERMS] = {
	/*	    plan kpi  eval pub  fac  conf up   ir   iw   adm  match small */
	[KB_ROLE_ADMIN] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
	[KB_ROLE_STAFF] = { 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 'm', 1 },
	[KB_ROLE_COMMITTEE] = { 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 'm', 0 },
	[KB_ROLE_PREFECTURE] = { 1, 0, 0, 1, 'p', 0, 0, 1, 0, 0, 'm', 'p' },
	[KB_ROLE_HOSPITAL] = { 1, 0, 0, 1, 'o', 0, 'o', 0, 0, 0, 'm', 0 },
	[KB_ROLE_INDUSTRY] = { 1, 0, 0, 1, 'o', 'o', 'o', 0, 0, 0, 'm', 0 },
	[KB_ROLE_RESEARCHER] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 'm', 0 },
};

int kb_allowed(const struct kb_principal *p, enum kb_perm perm, long org, int pref)
{
	char v;
	if (!p || !p->account || (unsigned)p->role >= KB_NROLES ||
	    (unsigned)perm >= KB_NPERMS)
		return 0;
	v = policy[p->role][perm];
	if (v == 'o')
		return org && org == p->org;
	if (v == 'p')
		return pref && pref == p->prefecture;
	if (v == 'm')
		return p->match_org[0] != '\0';
	return v == 1;
}

int kb_secret_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && !sodium_memcmp(a, b, n);
}

/* ---- accounts ---- */

static int login_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n >= sizeof(((struct kb_principal *)0)->login))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-@", *s))
			return 0;
	return 1;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int hash_password(const char *pw, enum kb_pw_cost cost,
			 char out[crypto_pwhash_STRBYTES], struct kb_err *err)
{
	unsigned long long ops = cost == KB_PW_MIN
					 ? crypto_pwhash_OPSLIMIT_MIN
					 : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = cost == KB_PW_MIN ? crypto_pwhash_MEMLIMIT_MIN
				       : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (utf8_chars(pw) < 10)
		return kb_err_set(
			err, KB_EINVALID, "%s",
			KB_TR(err->lang,
			      "the password is too short: at least 10 characters",
			      "パスワードが短すぎます（10 文字以上）"));
	if (sodium_init() < 0 || crypto_pwhash_str(out, pw, strlen(pw), ops, mem))
		return kb_err_set(
			err, KB_EIO, "%s",
			KB_TR(err->lang,
			      "cannot hash the password (out of memory?)",
			      "パスワードをハッシュできません（メモリ不足?）"));
	return 0;
}

/* The row of matching organisation id in *n; KB_ENOTFOUND if none. */
static int match_org_n(struct kb_store *s, const char *id, long *n,
		       struct kb_err *err)
{
	sqlite3_stmt *st =
		kb__sql_prepare(s, "SELECT n FROM match_org WHERE id = ?1", err);
	*n = 0;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (*n)
		return 0;
	return kb_err_set(
		err, KB_ENOTFOUND,
		KB_TR(err->lang,
		      "there is no organisation '%s' in the matching registry",
		      "マッチング登録簿に組織 '%s' はありません"),
		id);
}

int kb_account_add(struct kb_store *s, const struct kb_account_spec *a,
		   const char *password, enum kb_pw_cost cost,
		   const char *actor, time_t now, struct kb_err *err)
{
	enum kb_lang L = err->lang;
	char hash[crypto_pwhash_STRBYTES], when[32];
	sqlite3_stmt *st;
	long org = 0, morg = 0;
	int r;

	if (!login_ok(a->login))
		return kb_err_set(
			err, KB_EINVALID,
			KB_TR(L, "invalid login '%s' (letters, digits, '_', '.', '-', '@'; at most 63)",
			      "ログイン名 '%s' が不正です（英数字と _ . - @ のみ、63 文字まで）"),
			a->login);
	if (!a->name || !*a->name)
		return kb_err_set(err, KB_EINVALID, "%s",
				  KB_TR(L, "an account needs a name",
					"アカウントには名前が必要です"));
	if ((unsigned)a->role >= KB_NROLES)
		return kb_err_set(err, KB_EINVALID, "%s",
				  KB_TR(L, "unknown role", "不明な役割です"));
	if ((a->role == KB_ROLE_STAFF) != (a->ministry && *a->ministry) ||
	    (a->role == KB_ROLE_PREFECTURE) != (a->prefecture != 0) ||
	    (a->role == KB_ROLE_HOSPITAL || a->role == KB_ROLE_INDUSTRY) !=
		    (a->org && *a->org))
		return kb_err_set(
			err, KB_EINVALID,
			KB_TR(L, "a %s account needs %s",
			      "%s のアカウントには %s が必要です"),
			kb_role_label(a->role, L),
			a->role == KB_ROLE_STAFF
				? KB_TR(L, "a ministry (and nothing else)",
					"省庁（のみ）")
			: a->role == KB_ROLE_PREFECTURE
				? KB_TR(L, "a prefecture (and nothing else)",
					"都道府県（のみ）")
			: a->role == KB_ROLE_HOSPITAL || a->role == KB_ROLE_INDUSTRY
				? KB_TR(L, "an organisation (and nothing else)",
					"組織（のみ）")
				: KB_TR(L, "no ministry, prefecture or organisation",
					"省庁・都道府県・組織の指定なし"));
	if (a->org && *a->org) {
		const char *want = a->role == KB_ROLE_HOSPITAL
					   ? "kind = 'hospital'"
					   : "kind IN ('mah', 'manufacturer', "
					     "'distributor')";
		char sql[160];
		snprintf(sql, sizeof(sql),
			 "SELECT n FROM org WHERE id = ?1 AND %s", want);
		if (!(st = kb__sql_prepare(s, sql, err)))
			return KB_EDB;
		kb__sql_bind_text(st, 1, a->org);
		if (sqlite3_step(st) == SQLITE_ROW)
			org = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (!org)
			return kb_err_set(
				err, KB_ENOTFOUND,
				KB_TR(L, "no %s '%s' is registered",
				      "%s '%s' は登録されていません"),
				a->role == KB_ROLE_HOSPITAL
					? KB_TR(L, "hospital", "医療機関")
					: KB_TR(L, "manufacturer or distributor",
						"製造販売業者・販売業者"),
				a->org);
	}
	if (a->match_org && *a->match_org &&
	    (r = match_org_n(s, a->match_org, &morg, err)))
		return r;
	if ((r = hash_password(password, cost, hash, err)))
		return r;
	kb__iso_time(now, when);
	if (!(st = kb__sql_prepare(
		      s,
		      "INSERT INTO account (login, name, role, ministry, "
		      "prefecture, org, password, lang, created_at, created_by, "
		      "match_org) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		      "?10, ?11)",
		      err)))
		return KB_EDB;
	kb__sql_bind_text(st, 1, a->login);
	kb__sql_bind_text(st, 2, a->name);
	kb__sql_bind_text(st, 3, kb_role_key(a->role));
	kb__sql_bind_text(st, 4, a->role == KB_ROLE_STAFF ? a->ministry : NULL);
	if (a->role == KB_ROLE_PREFECTURE)
		sqlite3_bind_int(st, 5, a->prefecture);
	if (org)
		sqlite3_bind_int64(st, 6, org);
	kb__sql_bind_text(st, 7, hash);
	kb__sql_bind_text(st, 8, a->lang == KB_LANG_EN ? "en" : "ja");
	kb__sql_bind_text(st, 9, when);
	kb__sql_bind_text(st, 10, actor);
	if (morg)
		sqlite3_bind_int64(st, 11, morg);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_DONE)
		return 0;
	if ((r & 0xff) == SQLITE_CONSTRAINT) { /* extended codes are on */
		int ext = r;
		if (ext == SQLITE_CONSTRAINT_UNIQUE)
			return kb_err_set(
				err, KB_EEXISTS,
				KB_TR(L, "account '%s' already exists",
				      "アカウント '%s' はすでにあります"),
				a->login);
		if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
			return kb_err_set(
				err, KB_ENOTFOUND, "%s",
				KB_TR(L, "unknown ministry or prefecture",
				      "不明な省庁または都道府県です"));
	}
	return kb__sql_fail(err, kb_store_sqlite(s), "account");
}

static int account_update(struct kb_store *s, const char *sql, const char *login,
			  const char *value, int ivalue, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(s, sql, err);
	int r;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, login);
	if (value)
		kb__sql_bind_text(st, 2, value);
	else
		sqlite3_bind_int(st, 2, ivalue);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	if (!r && !sqlite3_changes(kb_store_sqlite(s)))
		return kb_err_set(err, KB_ENOTFOUND,
				  KB_TR(err->lang, "no account '%s'",
					"アカウント '%s' はありません"),
				  login);
	return r;
}

/* A new password or a disabled account ends the account's sessions. */
static int end_sessions(struct kb_store *s, const char *login, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_prepare(
		s,
		"DELETE FROM session WHERE account = (SELECT n FROM account "
		"WHERE login = ?1)",
		err);
	int r;
	if (!st)
		return KB_EDB;
	kb__sql_bind_text(st, 1, login);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	return r;
}

int kb_account_set_password(struct kb_store *s, const char *login,
			    const char *password, enum kb_pw_cost cost,
			    struct kb_err *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int r;
	if ((r = hash_password(password, cost, hash, err)) ||
	    (r = account_update(
		     s, "UPDATE account SET password = ?2 WHERE login = ?1",
		     login, hash, 0, err)))
		return r;
	return end_sessions(s, login, err);
}

int kb_account_set_match_org(struct kb_store *s, const char *login,
			     const char *match_org, struct kb_err *err)
{
	long n = 0;
	int r = match_org ? match_org_n(s, match_org, &n, err) : 0;
	return r ? r
		 : account_update(s,
				  "UPDATE account SET match_org = nullif(?2, 0) "
				  "WHERE login = ?1",
				  login, NULL, (int)n, err);
}

int kb_account_disable(struct kb_store *s, const char *login, int disabled,
		       struct kb_err *err)
{
	int r = account_update(
		s, "UPDATE account SET disabled = ?2 WHERE login = ?1", login,
		NULL, !!disabled, err);
	return r || !disabled ? r : end_sessions(s, login, err);
}

/* ---- principals, sessions, tokens ---- */

#define PRINCIPAL_COLS                                                  \
	"a.n, a.login, a.name, a.role, coalesce(a.ministry, ''), "      \
	"coalesce(a.prefecture, o.prefecture, 0), coalesce(a.org, 0), " \
	"coalesce(o.id, ''), a.lang, a.disabled, "                      \
	"coalesce((SELECT id FROM match_org WHERE n = a.match_org), '')"
#define PRINCIPAL_FROM " FROM account a LEFT JOIN org o ON o.n = a.org "

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* Reads a principal from columns 0..10 of st; 0, or -1 if disabled. */
static int read_principal(sqlite3_stmt *st, struct kb_principal *p)
{
	memset(p, 0, sizeof(*p));
	p->account = (long)sqlite3_column_int64(st, 0);
	copy_col(p->login, sizeof(p->login), st, 1);
	copy_col(p->name, sizeof(p->name), st, 2);
	p->role = (enum kb_role)kb_role_parse(
		(const char *)sqlite3_column_text(st, 3));
	copy_col(p->ministry, sizeof(p->ministry), st, 4);
	p->prefecture = sqlite3_column_int(st, 5);
	p->org = (long)sqlite3_column_int64(st, 6);
	copy_col(p->org_id, sizeof(p->org_id), st, 7);
	copy_col(p->match_org, sizeof(p->match_org), st, 10);
	p->lang = strcmp((const char *)sqlite3_column_text(st, 8), "en")
			  ? KB_LANG_JA
			  : KB_LANG_EN;
	if (sqlite3_column_int(st, 9) || (int)p->role < 0) {
		memset(p, 0, sizeof(*p));
		return -1;
	}
	return 0;
}

void kb_token_random(char out[KB_TOKEN_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, KB_TOKEN_LEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

/* The hash of a random password nobody knows, at the interactive cost:
 * what kb_login checks when there is no account (as long as any hash,
 * as libsodium's prototype asks). */
static const char nobody[crypto_pwhash_STRBYTES] =
	"$argon2id$v=19$m=65536,t=2,p=1$wLtiAIyuYm+gAbgNB0xcBA$"
	"2NUF/yQOLwVWAyO1QuDFISYTy1TSKmAEm0k5lrp3uhI";

static int auth_failed(struct kb_err *err)
{
	return kb_err_set(err, KB_EAUTH, "%s",
			  KB_TR(err->lang, "wrong login or password",
				"ログイン名またはパスワードが違います"));
}

int kb_login(struct kb_store *s, const char *login, const char *password,
	     time_t now, long ttl, struct kb_principal *p,
	     char token[KB_TOKEN_LEN], char csrf[KB_TOKEN_LEN],
	     struct kb_err *err)
{
	sqlite3_stmt *st;
	char *hash = NULL;
	unsigned char h[32];
	int ok = 0, r;

	memset(p, 0, sizeof(*p));
	if (sodium_init() < 0)
		return auth_failed(err);
	if (!(st = kb__sql_prepare(s,
				   "SELECT " PRINCIPAL_COLS
				   ", a.password" PRINCIPAL_FROM
				   "WHERE a.login = ?1",
				   err)))
		return KB_EDB;
	kb__sql_bind_text(st, 1, login);
	if (sqlite3_step(st) == SQLITE_ROW && !read_principal(st, p))
		hash = kb__sql_text(st, 11);
	sqlite3_finalize(st);
	/* an unknown or disabled account takes as long to refuse, so that
	 * the time of the answer does not tell which accounts exist */
	ok = !crypto_pwhash_str_verify(hash ? hash : nobody, password,
				       strlen(password)) &&
	     hash;
	free(hash);
	if (!ok) {
		memset(p, 0, sizeof(*p));
		return auth_failed(err);
	}
	kb_token_random(token);
	kb_token_random(csrf);
	token_hash(token, h);
	if (!(st = kb__sql_prepare(s,
				   "INSERT INTO session (hash, account, csrf, "
				   "created_at, expires_at) VALUES (?1, ?2, ?3, "
				   "?4, ?5)",
				   err)))
		return KB_EDB;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, p->account);
	kb__sql_bind_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)(now + ttl));
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	/* expired sessions go as new ones come */
	if (!r &&
	    (st = kb__sql_prepare(
		     s, "DELETE FROM session WHERE expires_at <= ?1", err))) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
		r = kb__sql_done(s, st, err);
		sqlite3_finalize(st);
	}
	return r;
}

/*
 * The account behind a secret token: sql selects PRINCIPAL_COLS (and, for
 * a session, its CSRF token as column 10) where the hash is ?1 (and the
 * session has not expired by ?2).
 */
static int by_token(struct kb_store *s, const char *sql, const char *token,
		    time_t now, struct kb_principal *p, char csrf[KB_TOKEN_LEN],
		    const char *unknown, struct kb_err *err)
{
	sqlite3_stmt *st;
	unsigned char h[32];
	int found = 0;

	memset(p, 0, sizeof(*p));
	token_hash(token, h);
	if (!(st = kb__sql_cached(s, sql, err)))
		return KB_EDB;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	if (csrf)
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (sqlite3_step(st) == SQLITE_ROW && !read_principal(st, p)) {
		if (csrf)
			copy_col(csrf, KB_TOKEN_LEN, st, 11);
		found = 1;
	}
	kb__sql_finish(s, st);
	return found ? 0 : kb_err_set(err, KB_EAUTH, "%s", unknown);
}

int kb_session_get(struct kb_store *s, const char *token, time_t now,
		   struct kb_principal *p, char csrf[KB_TOKEN_LEN],
		   struct kb_err *err)
{
	return by_token(
		s,
		"SELECT " PRINCIPAL_COLS ", s.csrf FROM session s JOIN "
		"account a ON a.n = s.account LEFT JOIN org o ON o.n = "
		"a.org WHERE s.hash = ?1 AND s.expires_at > ?2",
		token, now, p, csrf,
		KB_TR(err->lang, "the session has ended: log in again",
		      "セッションが終了しました。もう一度ログインしてください"),
		err);
}

int kb_session_end(struct kb_store *s, const char *token, struct kb_err *err)
{
	sqlite3_stmt *st;
	unsigned char h[32];
	int r;
	token_hash(token, h);
	if (!(st = kb__sql_prepare(s, "DELETE FROM session WHERE hash = ?1", err)))
		return KB_EDB;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	return r;
}

int kb_token_create(struct kb_store *s, const char *login, const char *label,
		    time_t now, char token[KB_API_TOKEN_LEN], long *id,
		    struct kb_err *err)
{
	sqlite3_stmt *st;
	unsigned char h[32];
	char when[32];
	int r;

	if (sodium_init() < 0)
		return KB_EIO;
	memcpy(token, "kb_", 3);
	kb_token_random(token + 3);
	token_hash(token, h);
	kb__iso_time(now, when);
	if (!(st = kb__sql_prepare(s,
				   "INSERT INTO api_token (hash, account, label, "
				   "created_at) SELECT ?1, n, ?3, ?4 FROM account "
				   "WHERE login = ?2",
				   err)))
		return KB_EDB;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	kb__sql_bind_text(st, 2, login);
	kb__sql_bind_text(st, 3, label && *label ? label : "api");
	kb__sql_bind_text(st, 4, when);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	if (!r && !sqlite3_changes(kb_store_sqlite(s)))
		r = kb_err_set(err, KB_ENOTFOUND,
			       KB_TR(err->lang, "no account '%s'",
				     "アカウント '%s' はありません"),
			       login);
	if (!r && id)
		*id = (long)sqlite3_last_insert_rowid(kb_store_sqlite(s));
	if (r)
		sodium_memzero(token, KB_API_TOKEN_LEN);
	return r;
}

int kb_token_auth(struct kb_store *s, const char *token, struct kb_principal *p,
		  struct kb_err *err)
{
	return by_token(s,
			"SELECT " PRINCIPAL_COLS " FROM api_token t JOIN "
			"account a ON a.n = t.account LEFT JOIN org o ON o.n = "
			"a.org WHERE t.hash = ?1 AND t.revoked_at IS NULL",
			token, 0, p, NULL,
			KB_TR(err->lang, "unknown or revoked API token",
			      "API トークンが不明か、失効しています"),
			err);
}

int kb_token_revoke(struct kb_store *s, long id, time_t now, struct kb_err *err)
{
	char when[32];
	int r;
	kb__iso_time(now, when);
	r = kb__sql_run(s, err,
			"UPDATE api_token SET revoked_at = ?2 WHERE n = ?1 AND "
			"revoked_at IS NULL",
			"lt", id, when);
	if (!r && !sqlite3_changes(kb_store_sqlite(s)))
		r = kb_err_set(err, KB_ENOTFOUND,
			       KB_TR(err->lang, "no active API token %ld",
				     "有効な API トークン %ld はありません"),
			       id);
	return r;
}

int kb_audit(struct kb_store *s, const struct kb_principal *p,
	     const struct kb_audit_entry *e, time_t now, struct kb_err *err)
{
	sqlite3_stmt *st;
	char when[32];
	int r;
	kb__iso_time(now, when);
	if (!(st = kb__sql_cached(s,
				  "INSERT INTO audit (at, login, role, action, "
				  "method, path, status, ip, detail) VALUES (?1, "
				  "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				  err)))
		return KB_EDB;
	kb__sql_bind_text(st, 1, when);
	kb__sql_bind_text(st, 2, p && p->account ? p->login : NULL);
	kb__sql_bind_text(st, 3, p && p->account ? kb_role_key(p->role) : NULL);
	kb__sql_bind_text(st, 4, e->action);
	kb__sql_bind_text(st, 5, e->method);
	kb__sql_bind_text(st, 6, e->path);
	if (e->status)
		sqlite3_bind_int(st, 7, e->status);
	kb__sql_bind_text(st, 8, e->ip);
	kb__sql_bind_text(st, 9, e->detail);
	r = kb__sql_done(s, st, err);
	kb__sql_finish(s, st);
	return r;
}

int kb_audit_list(struct kb_store *s, const char *login, const char *action,
		  size_t limit, size_t offset, json_t **out, size_t *total,
		  struct kb_err *err)
{
#define AUDIT_WHERE                                                     \
	" FROM audit WHERE (?1 IS NULL OR login = ?1) AND (?2 IS NULL " \
	"OR action = ?2)"
	sqlite3_stmt *st, *cnt;
	*out = NULL;
	if (!(st = kb__sql_prepare(s,
				   "SELECT n, at, login, role, action, method, "
				   "path, status, ip, detail" AUDIT_WHERE
				   " ORDER BY n DESC LIMIT ?3 OFFSET ?4",
				   err)))
		return KB_EDB;
	if (!(cnt = kb__sql_prepare(s, "SELECT count(*)" AUDIT_WHERE, err))) {
		sqlite3_finalize(st);
		return KB_EDB;
	}
#undef AUDIT_WHERE
	kb__sql_bind_text(st, 1, login);
	kb__sql_bind_text(st, 2, action);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)offset);
	kb__sql_bind_text(cnt, 1, login);
	kb__sql_bind_text(cnt, 2, action);
	*total = sqlite3_step(cnt) == SQLITE_ROW
			 ? (size_t)sqlite3_column_int64(cnt, 0)
			 : 0;
	*out = kb__sql_rows_json(st);
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	return 0;
}
