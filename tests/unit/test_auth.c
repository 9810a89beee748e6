/*
 * test_auth.c - accounts, passwords, sessions, API tokens, the policy of
 * who may do what, and the audit log.
 */
#include "helpers.h"

#include "kiban/auth.h"
#include "kiban/supply.h"

static const char orgs_csv[] =
	"id,kind,name_ja,name_en,prefecture,beds,icu_beds,country\n"
	"H1,hospital,東京病院,Tokyo Hospital,13,300,10,JP\n"
	"H2,hospital,大阪病院,Osaka Hospital,27,100,0,JP\n"
	"M1,mah,製販,MAH One,13,,,JP\n";

static struct kb_store *store(struct kb_err *err)
{
	struct kb_store *s = t_store_with_plan();
	struct kb_import_opts o = { .actor = "tester", .now = T_NOW, .dry_run = 0 };
	struct kb_import_stats st;
	struct kb_csv c;
	t_csv(&c, "orgs.csv", orgs_csv);
	T_OK(kb_org_import(s, &c, &o, &st, err), err);
	kb_csv_release(&c);
	return s;
}

static int add(struct kb_store *s, const char *login, enum kb_role role,
	       const char *ministry, int pref, const char *org,
	       const char *password, struct kb_err *err)
{
	struct kb_account_spec a = { login, login, role,       ministry,
				     pref,  org,   KB_LANG_JA, NULL };
	return kb_account_add(s, &a, password, KB_PW_MIN, "tester", T_NOW, err);
}

static void test_accounts(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = store(&err);
	T_OK(add(s, "admin", KB_ROLE_ADMIN, NULL, 0, NULL, "correct horse", &err),
	     &err);
	T_OK(add(s, "mhlw", KB_ROLE_STAFF, "厚", 0, NULL, "correct horse", &err),
	     &err);
	T_OK(add(s, "h1", KB_ROLE_HOSPITAL, NULL, 0, "H1", "correct horse", &err),
	     &err);
	/* what each role needs, and nothing else */
	assert_int_equal(add(s, "x", KB_ROLE_STAFF, NULL, 0, NULL,
			     "correct horse", &err),
			 KB_EINVALID);
	assert_int_equal(add(s, "x", KB_ROLE_HOSPITAL, NULL, 13, "H1",
			     "correct horse", &err),
			 KB_EINVALID);
	assert_int_equal(add(s, "x", KB_ROLE_HOSPITAL, NULL, 0, "M1",
			     "correct horse", &err),
			 KB_ENOTFOUND);
	assert_int_equal(add(s, "x", KB_ROLE_STAFF, "財", 0, NULL,
			     "correct horse", &err),
			 KB_ENOTFOUND);
	assert_int_equal(add(s, "x y", KB_ROLE_ADMIN, NULL, 0, NULL,
			     "correct horse", &err),
			 KB_EINVALID);
	assert_int_equal(add(s, "x", KB_ROLE_ADMIN, NULL, 0, NULL,
			     "短いパスワード", &err),
			 KB_EINVALID);
	assert_int_equal(add(s, "h1", KB_ROLE_ADMIN, NULL, 0, NULL,
			     "correct horse", &err),
			 KB_EEXISTS);
	t_assert_error(&err, "the password is too short");
	t_assert_error(&err, "account 'h1' already exists");
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM account"), 3);
	/* the password is stored as Argon2id, never as given */
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM account WHERE "
				      "password LIKE '$argon2id$%'"),
			 3);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_sessions(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_principal p;
	char token[KB_TOKEN_LEN], csrf[KB_TOKEN_LEN], csrf2[KB_TOKEN_LEN];
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = store(&err);
	T_OK(add(s, "h1", KB_ROLE_HOSPITAL, NULL, 0, "H1", "correct horse", &err),
	     &err);
	assert_int_equal(kb_login(s, "h1", "wrong horse", T_NOW, 3600, &p,
				  token, csrf, &err),
			 KB_EAUTH);
	assert_int_equal(kb_login(s, "nobody", "correct horse", T_NOW, 3600, &p,
				  token, csrf, &err),
			 KB_EAUTH);
	assert_int_equal(p.account, 0);
	T_OK(kb_login(s, "h1", "correct horse", T_NOW, 3600, &p, token, csrf,
		      &err),
	     &err);
	assert_int_equal(p.role, KB_ROLE_HOSPITAL);
	assert_string_equal(p.org_id, "H1");
	assert_int_equal(p.prefecture, 13); /* the hospital's */
	assert_int_equal(strlen(token), 43);
	T_OK(kb_session_get(s, token, T_NOW + 10, &p, csrf2, &err), &err);
	assert_string_equal(csrf, csrf2);
	assert_true(kb_secret_equal(csrf, csrf2));
	assert_false(kb_secret_equal(csrf, token));
	/* the store keeps a hash of the token, not the token */
	assert_int_equal(t_sql_int(s, "SELECT length(hash) FROM session"), 32);
	/* expiry, a wrong token, logging out */
	assert_int_equal(kb_session_get(s, token, T_NOW + 3600, &p, csrf2, &err),
			 KB_EAUTH);
	assert_int_equal(kb_session_get(s, "forged", T_NOW, &p, csrf2, &err),
			 KB_EAUTH);
	T_OK(kb_session_end(s, token, &err), &err);
	assert_int_equal(kb_session_get(s, token, T_NOW, &p, csrf2, &err),
			 KB_EAUTH);
	/* a disabled account cannot log in and loses its sessions */
	T_OK(kb_login(s, "h1", "correct horse", T_NOW, 3600, &p, token, csrf,
		      &err),
	     &err);
	T_OK(kb_account_disable(s, "h1", 1, &err), &err);
	assert_int_equal(kb_session_get(s, token, T_NOW, &p, csrf2, &err),
			 KB_EAUTH);
	assert_int_equal(kb_login(s, "h1", "correct horse", T_NOW, 3600, &p,
				  token, csrf, &err),
			 KB_EAUTH);
	T_OK(kb_account_disable(s, "h1", 0, &err), &err);
	/* a new password ends the old sessions */
	T_OK(kb_login(s, "h1", "correct horse", T_NOW, 3600, &p, token, csrf,
		      &err),
	     &err);
	T_OK(kb_account_set_password(s, "h1", "battery staple", KB_PW_MIN, &err),
	     &err);
	assert_int_equal(kb_session_get(s, token, T_NOW, &p, csrf2, &err),
			 KB_EAUTH);
	T_OK(kb_login(s, "h1", "battery staple", T_NOW, 3600, &p, token, csrf,
		      &err),
	     &err);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_tokens(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_principal p;
	char token[KB_API_TOKEN_LEN];
	long id;
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = store(&err);
	T_OK(add(s, "m1", KB_ROLE_INDUSTRY, NULL, 0, "M1", "correct horse", &err),
	     &err);
	T_OK(kb_token_create(s, "m1", "uploader", T_NOW, token, &id, &err), &err);
	assert_int_equal(strncmp(token, "kb_", 3), 0);
	T_OK(kb_token_auth(s, token, &p, &err), &err);
	assert_string_equal(p.login, "m1");
	assert_int_equal(p.role, KB_ROLE_INDUSTRY);
	token[10] ^= 1;
	assert_int_equal(kb_token_auth(s, token, &p, &err), KB_EAUTH);
	token[10] ^= 1;
	T_OK(kb_token_revoke(s, id, T_NOW, &err), &err);
	assert_int_equal(kb_token_auth(s, token, &p, &err), KB_EAUTH);
	assert_int_equal(kb_token_revoke(s, id, T_NOW, &err), KB_ENOTFOUND);
	assert_int_equal(
		kb_token_create(s, "nobody", "x", T_NOW, token, &id, &err),
		KB_ENOTFOUND);
	kb_store_close(s);
	kb_err_release(&err);
}

static void test_policy(void **state)
{
	struct kb_principal p;
	(void)state;
	memset(&p, 0, sizeof(p));
	/* nobody may do anything */
	assert_false(kb_allowed(&p, KB_PERM_PLAN_READ, 0, 0));
	assert_false(kb_allowed(NULL, KB_PERM_PLAN_READ, 0, 0));
	p.account = 1;
	p.role = KB_ROLE_HOSPITAL;
	p.org = 5;
	p.prefecture = 13;
	assert_true(kb_allowed(&p, KB_PERM_PLAN_READ, 0, 0));
	assert_true(kb_allowed(&p, KB_PERM_SUPPLY_PUBLIC, 0, 0));
	assert_true(kb_allowed(&p, KB_PERM_REPORT_UPLOAD, 5, 13));
	assert_false(kb_allowed(&p, KB_PERM_REPORT_UPLOAD, 6, 13));
	assert_true(kb_allowed(&p, KB_PERM_SUPPLY_FACILITY, 5, 13));
	assert_false(kb_allowed(&p, KB_PERM_SUPPLY_FACILITY, 6, 13));
	assert_false(kb_allowed(&p, KB_PERM_SUPPLY_FACILITY, 0, 0));
	assert_false(kb_allowed(&p, KB_PERM_KPI_WRITE, 0, 0));
	assert_false(kb_allowed(&p, KB_PERM_INCIDENT_READ, 0, 0));
	assert_false(kb_allowed(&p, KB_PERM_ADMIN, 0, 0));
	p.role = KB_ROLE_PREFECTURE;
	p.org = 0;
	assert_true(kb_allowed(&p, KB_PERM_SUPPLY_FACILITY, 6, 13));
	assert_false(kb_allowed(&p, KB_PERM_SUPPLY_FACILITY, 6, 27));
	assert_false(kb_allowed(&p, KB_PERM_REPORT_UPLOAD, 6, 13));
	p.role = KB_ROLE_ADMIN;
	assert_true(kb_allowed(&p, KB_PERM_ADMIN, 0, 0));
	assert_true(kb_allowed(&p, KB_PERM_REPORT_UPLOAD, 6, 27));
	p.role = KB_ROLE_RESEARCHER;
	assert_false(kb_allowed(&p, KB_PERM_EVAL_READ, 0, 0));
	assert_false(kb_allowed(&p, KB_PERM_SUPPLY_CONFIDENTIAL, 0, 0));
}

static void test_audit(void **state)
{
	struct kb_err err;
	struct kb_store *s;
	struct kb_principal p;
	struct kb_audit_entry e = {
		"write", "POST",      "/api/v1/reports/stock",
		201,	 "127.0.0.1", "rows 3"
	};
	(void)state;
	kb_err_init(&err, KB_LANG_EN);
	s = store(&err);
	memset(&p, 0, sizeof(p));
	p.account = 1;
	p.role = KB_ROLE_HOSPITAL;
	snprintf(p.login, sizeof(p.login), "h1");
	T_OK(kb_audit(s, &p, &e, T_NOW, &err), &err);
	T_OK(kb_audit(s, NULL, &e, T_NOW, &err), &err);
	assert_int_equal(t_sql_int(s, "SELECT count(*) FROM audit WHERE login "
				      "= 'h1' AND role = 'hospital' AND "
				      "status = 201 AND at LIKE '2026-11-24%'"),
			 1);
	assert_int_equal(
		t_sql_int(s, "SELECT count(*) FROM audit WHERE login IS NULL"),
		1);
	kb_store_close(s);
	kb_err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_audit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
