/*
 * notify.c - subscriptions, notices and the webhook queue (notify.h).
 *
 * Notices follow signals (signal.c), not alerts: a national event is one
 * signal of a device however many regions and weeks its alerts cover, so
 * its follower hears of it once when it is raised, once when it escalates
 * and once when it closes.  The scan finds the signals active from the
 * week of its last scan to the latest complete week (the one the dashboard
 * shows), before its transaction; those that closed since are among them.
 * Their reasons quote the alerts as the public sees them (small cells
 * withheld), since one text goes to every follower and webhook.
 *
 * It keeps, per signal key (signal_told), the highest severity told, the
 * regions told and whether its closing was told.  A key not told before
 * is raised; a severity above the one told is an escalation (a signal
 * that de-escalates and escalates again has told nothing new); the close
 * is told once, to those told of the signal.  Who hears: the followers of
 * the device, and of each prefecture among the signal's regions (the
 * nation concerns every prefecture); when the signal reaches a prefecture
 * it had not, that prefecture's followers hear it raised then.  One
 * notice per account and change: those told of the signal hear the
 * escalation, the others its raising.  It also keeps the last incident
 * event read.  The first scan of a database only takes note of what is
 * there: subscribers hear of what happens after, not of the history.
 */
#include "core/compat.h"

#include <sodium.h>

#include "kiban/buf.h"
#include "kiban/notify.h"
#include "kiban/supply.h"
#include "store/sql.h"

static int not_found(struct kb_err *err, const char *what_en,
		     const char *what_ja, long id)
{
	return kb_err_set(err, KB_ENOTFOUND,
			  KB_TR(err->lang, "no %s %ld of yours",
				"あなたの%s %ld はありません"),
			  KB_TR(err->lang, what_en, what_ja), id);
}

/* Runs st (no rows); KB_ENOTFOUND when it changed nothing. */
static int change_one(struct kb_store *s, sqlite3_stmt *st, const char *en,
		      const char *ja, long id, struct kb_err *err)
{
	int r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	if (!r && !sqlite3_changes(kb_store_sqlite(s)))
		r = not_found(err, en, ja, id);
	return r;
}

/* ---- subscriptions ---- */

int kb_subscribe(struct kb_store *s, const struct kb_supply *sup, long account,
		 const char *kind, const char *what, time_t now, long *id,
		 struct kb_err *err)
{
	sqlite3_stmt *st;
	long device = 0;
	int pref = 0, r;
	char when[32];

	if (kind && !strcmp(kind, "device")) {
		size_t i = what ? kb_supply_device(sup, what) : KB_NONE;
		if (i == KB_NONE)
			return kb_err_set(
				err, KB_ENOTFOUND,
				KB_TR(err->lang, "field 'code': no device '%s'",
				      "項目 'code': 機器 '%s' はありません"),
				what ? what : "");
		device = sup->devices[i].n;
	} else if (kind && !strcmp(kind, "prefecture")) {
		if (!what || !(pref = kb_supply_pref(sup, what)))
			return kb_err_set(
				err, KB_ENOTFOUND,
				KB_TR(err->lang,
				      "field 'code': no prefecture '%s' (a code 1 to 47 or a name)",
				      "項目 'code': 都道府県 '%s' はありません（1〜47 のコードか名前）"),
				what ? what : "");
	} else {
		return kb_err_set(
			err, KB_EINVALID,
			KB_TR(err->lang,
			      "field 'kind': '%s' is neither 'device' nor 'prefecture'",
			      "項目 'kind': '%s' は 'device' でも 'prefecture' でもありません"),
			kind ? kind : "");
	}
	kb__iso_time(now, when);
	r = kb__sql_run(s, err,
			"INSERT INTO subscription (account, device, prefecture, "
			"created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO "
			"NOTHING",
			"lLIt", account, device, pref, when);
	if (r || !id)
		return r;
	if (!(st = kb__sql_query(s, err,
				 "SELECT n FROM subscription WHERE account = "
				 "?1 AND device IS ?2 AND prefecture IS ?3",
				 "lLI", account, device, pref)))
		return KB_EDB;
	*id = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0)
					     : 0;
	sqlite3_finalize(st);
	return 0;
}

int kb_unsubscribe(struct kb_store *s, long account, long id, struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_query(
		s, err, "DELETE FROM subscription WHERE n = ?1 AND account = ?2",
		"ll", id, account);
	if (!st)
		return KB_EDB;
	return change_one(s, st, "subscription", "購読", id, err);
}

int kb_subscriptions(struct kb_store *s, long account, enum kb_lang lang,
		     json_t **out, struct kb_err *err)
{
	const char *sql =
		lang == KB_LANG_JA
			? "SELECT s.n, CASE WHEN s.device IS NULL THEN "
			  "'prefecture' ELSE 'device' END AS kind, "
			  "coalesce(d.code, s.prefecture) AS code, "
			  "coalesce(d.name_ja, p.name_ja) AS name, s.created_at "
			  "FROM subscription s LEFT JOIN device d ON d.n = "
			  "s.device LEFT JOIN prefecture p ON p.code = "
			  "s.prefecture WHERE s.account = ?1 ORDER BY s.n"
			: "SELECT s.n, CASE WHEN s.device IS NULL THEN "
			  "'prefecture' ELSE 'device' END AS kind, "
			  "coalesce(d.code, s.prefecture) AS code, "
			  "coalesce(d.name_en, p.name_en) AS name, s.created_at "
			  "FROM subscription s LEFT JOIN device d ON d.n = "
			  "s.device LEFT JOIN prefecture p ON p.code = "
			  "s.prefecture WHERE s.account = ?1 ORDER BY s.n";
	return kb__sql_json(s, err, out, sql, "l", account);
}

/* ---- webhooks ---- */

/* http:// or https://, a host, no spaces or control characters. */
static int url_ok(const char *u)
{
	const char *p;
	size_t n = strlen(u);
	if (n > 2000)
		return 0;
	if (!strncmp(u, "http://", 7))
		p = u + 7;
	else if (!strncmp(u, "https://", 8))
		p = u + 8;
	else
		return 0;
	if (!*p || *p == '/' || *p == ':' || *p == '?' || *p == '#')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

int kb_webhook_add(struct kb_store *s, long account, const char *url, time_t now,
		   char secret[KB_TOKEN_LEN], long *id, struct kb_err *err)
{
	char when[32];
	int r;

	if (!url || !url_ok(url))
		return kb_err_set(
			err, KB_EINVALID,
			KB_TR(err->lang,
			      "field 'url': '%s' is not an http:// or https:// URL",
			      "項目 'url': '%s' は http:// か https:// の URL ではありません"),
			url ? url : "");
	if (sodium_init() < 0)
		return KB_EIO;
	kb_token_random(secret);
	kb__iso_time(now, when);
	r = kb__sql_run(s, err,
			"INSERT INTO webhook (account, url, secret, created_at) "
			"VALUES (?1, ?2, ?3, ?4)",
			"lttt", account, url, secret, when);
	if (!r && id)
		*id = (long)sqlite3_last_insert_rowid(kb_store_sqlite(s));
	if (r)
		sodium_memzero(secret, KB_TOKEN_LEN);
	return r;
}

int kb_webhook_remove(struct kb_store *s, long account, long id, time_t now,
		      struct kb_err *err)
{
	sqlite3_stmt *st;
	char when[32];
	int r;
	kb__iso_time(now, when);
	if ((r = kb_store_begin(s, err)))
		return r;
	if (!(st = kb__sql_query(s, err,
				 "UPDATE webhook SET removed_at = ?3 WHERE n = "
				 "?1 AND account = ?2 AND removed_at IS NULL",
				 "llt", id, account, when)))
		return kb_store_end(s, KB_EDB, err);
	r = change_one(s, st, "webhook", "Webhook", id, err);
	if (!r)
		r = kb__sql_run(s, err,
				"UPDATE delivery SET state = 'failed', error = "
				"'webhook removed', done_at = ?2 WHERE webhook "
				"= ?1 AND state = 'pending'",
				"lt", id, when);
	return kb_store_end(s, r, err);
}

int kb_webhooks(struct kb_store *s, long account, json_t **out, struct kb_err *err)
{
	return kb__sql_json(
		s, err, out,
		"SELECT w.n, w.url, w.created_at, (SELECT count(*) FROM "
		"delivery WHERE webhook = w.n AND state = 'pending') AS "
		"pending, (SELECT count(*) FROM delivery WHERE webhook = "
		"w.n AND state = 'delivered') AS delivered, (SELECT "
		"count(*) FROM delivery WHERE webhook = w.n AND state = "
		"'failed') AS failed, l.status AS last_status, l.error AS "
		"last_error FROM webhook w LEFT JOIN delivery l ON l.n = "
		"(SELECT max(n) FROM delivery WHERE webhook = w.n AND "
		"attempts > 0) WHERE w.account = ?1 AND w.removed_at IS "
		"NULL ORDER BY w.n",
		"l", account);
}

/* ---- the scan ---- */

struct scan {
	struct kb_store *s;
	const struct kb_supply *sup;
	char when[32];
	size_t made;
	sqlite3_stmt *who, *notice, *hooks, *delivery;
	struct kb_err *err;
	struct kb_signals sg; /* active in the weeks cursor (or latest) to
				 latest */
	long cursor;	      /* the signal week of the last scan, -1 none */
	int latest;	      /* the latest complete week, -1 none */
};

/* What a notice says, in both languages, and to whom: the followers of
 * device, and of the regions (bit p: prefecture p; bit 0: the nation,
 * which concerns every prefecture) or of the incident's; less those told
 * already (the followers of told_device and of the regions told). */
struct notice {
	const char *kind, *ref, *severity, *device; /* device: code or NULL */
	const char *change; /* a signal's: raised, escalated, closed */
	int pref;	    /* 0 national */
	long incident;	    /* 0 for a signal */
	sqlite3_int64 regions, told;
	const char *told_device;
	struct kb_buf ja, en;
};

static int cursor_get(struct kb_store *s, const char *name, long *v,
		      struct kb_err *err)
{
	sqlite3_stmt *st = kb__sql_query(
		s, err, "SELECT value FROM notify_cursor WHERE name = ?1", "t",
		name);
	if (!st)
		return KB_EDB;
	*v = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0)
					    : -1;
	sqlite3_finalize(st);
	return 0;
}

static int cursor_set(struct kb_store *s, const char *name, long v,
		      struct kb_err *err)
{
	return kb__sql_run(s, err,
			   "INSERT OR REPLACE INTO notify_cursor VALUES (?1, ?2)",
			   "tl", name, v);
}

/* The webhook's body: the notice in the account's language. */
static char *delivery_body(const struct notice *nt, long n, const char *when,
			   const char *lang)
{
	json_t *j = json_pack(
		"{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:i, s:s, s:s}", "id",
		(json_int_t)n, "at", when, "kind", nt->kind, "ref", nt->ref,
		"change", nt->change, "severity", nt->severity, "device",
		nt->device, "prefecture", nt->pref, "lang", lang, "text",
		strcmp(lang, "en") ? nt->ja.buf : nt->en.buf);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* A notice for every subscriber allowed to read it, and its deliveries. */
static int fan_out(struct scan *sc, const struct notice *nt)
{
	sqlite3_stmt *who = sc->who;
	enum kb_perm need =
		nt->incident ? KB_PERM_INCIDENT_READ : KB_PERM_SUPPLY_PUBLIC;
	int r = 0, rc;

	sqlite3_reset(who);
	kb__sql_bind_text(who, 1, nt->device);
	sqlite3_bind_int64(who, 2, nt->regions);
	sqlite3_bind_int64(who, 3, nt->incident);
	sqlite3_bind_int64(who, 4, nt->told);
	kb__sql_bind_text(who, 5, nt->told_device);
	while (!r && (rc = sqlite3_step(who)) == SQLITE_ROW) {
		struct kb_principal p = { 0 };
		const char *lang = (const char *)sqlite3_column_text(who, 2);
		long n;
		p.account = (long)sqlite3_column_int64(who, 0);
		p.role = kb_role_parse((const char *)sqlite3_column_text(who, 1));
		if (!kb_allowed(&p, need, 0, 0))
			continue;
		sqlite3_reset(sc->notice);
		sqlite3_bind_int64(sc->notice, 1, p.account);
		kb__sql_bind_text(sc->notice, 2, sc->when);
		kb__sql_bind_text(sc->notice, 3, nt->kind);
		kb__sql_bind_text(sc->notice, 4, nt->ref);
		kb__sql_bind_text(sc->notice, 5, nt->severity);
		kb__sql_bind_text(sc->notice, 6, nt->device);
		sqlite3_bind_int(sc->notice, 7, nt->pref);
		kb__sql_bind_text(sc->notice, 8, nt->ja.buf);
		kb__sql_bind_text(sc->notice, 9, nt->en.buf);
		kb__sql_bind_text(sc->notice, 10, nt->change);
		if ((r = kb__sql_done(sc->s, sc->notice, sc->err)))
			break;
		n = (long)sqlite3_last_insert_rowid(kb_store_sqlite(sc->s));
		sc->made++;
		sqlite3_reset(sc->hooks);
		sqlite3_bind_int64(sc->hooks, 1, p.account);
		while (!r && sqlite3_step(sc->hooks) == SQLITE_ROW) {
			char *body = delivery_body(nt, n, sc->when, lang);
			sqlite3_reset(sc->delivery);
			sqlite3_bind_int64(sc->delivery, 1,
					   sqlite3_column_int64(sc->hooks, 0));
			sqlite3_bind_int64(sc->delivery, 2, n);
			kb__sql_bind_text(sc->delivery, 3, body);
			r = kb__sql_done(sc->s, sc->delivery, sc->err);
			free(body);
		}
	}
	if (!r && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = kb__sql_fail(sc->err, kb_store_sqlite(sc->s),
				 "finding subscribers");
	return r;
}

/* The public's view of the alerts a reason may quote: those of each
 * signal's latest week (kb_signal_reason), disclosed for nobody in
 * particular, so that one text serves every subscriber and webhook and
 * never carries a withheld figure (suppress.c).  The other weeks' alerts
 * are marked withheld without asking: no text quotes them. */
static int disclose(struct scan *sc)
{
	struct kb_alerts *all = &sc->sg.alerts, sub = { 0 };
	size_t *from = NULL, alloc = 0, nweeks = 0, i, k;
	int *weeks = kb_calloc(sc->sg.n + 1, sizeof(*weeks)), r;

	for (i = 0; i < sc->sg.n; i++) {
		for (k = 0; k < nweeks && weeks[k] != sc->sg.v[i].latest; k++)
			;
		if (k == nweeks)
			weeks[nweeks++] = sc->sg.v[i].latest;
	}
	for (i = 0; i < all->n; i++) {
		for (k = 0; k < nweeks && weeks[k] != all->v[i].week; k++)
			;
		if (k == nweeks) {
			all->v[i].withheld = KB_WITHHELD_FEW;
			continue;
		}
		KB_ALLOC_GROW(sub.v, sub.n + 1, sub.alloc);
		KB_ALLOC_GROW(from, sub.n + 1, alloc);
		sub.v[sub.n] = all->v[i];
		from[sub.n++] = i;
	}
	r = kb_alerts_disclose(sc->s, sc->sup, NULL, &sub, sc->err);
	for (i = 0; !r && i < sub.n; i++)
		all->v[from[i]].withheld = sub.v[i].withheld;
	free(from);
	free(weeks);
	kb_alerts_release(&sub);
	return r;
}

/* The signals active since the last scan's week, found before the scan's
 * transaction so that the writers do not wait on the computing.  From
 * that week rather than the latest alone: a signal that closed since is
 * among them (kb_supply_signals leaves out those closed by its first
 * week), so its closing is told. */
static int find_signals(struct scan *sc)
{
	int r = cursor_get(sc->s, "signal_week", &sc->cursor, sc->err);
	if (r)
		return r;
	/* the latest complete week (completeness.c), as the dashboard */
	sc->latest = kb_supply_shown_week(sc->s, -1, sc->err);
	if (sc->latest == -1)
		return 0;
	if (sc->latest < 0)
		return sc->latest;
	if ((r = kb_supply_signals(sc->s, sc->sup,
				   sc->cursor < 0 || sc->cursor > sc->latest
					   ? sc->latest
					   : (int)sc->cursor,
				   sc->latest, &sc->sg, sc->err)))
		return r;
	return disclose(sc);
}

static sqlite3_int64 regions_of(const struct kb_signal *g)
{
	sqlite3_uint64 m = 0;
	size_t i;
	for (i = 0; i < g->nregions; i++)
		if (g->regions[i].pref >= 0 && g->regions[i].pref <= KB_NPREF)
			m |= (sqlite3_uint64)1 << g->regions[i].pref;
	return (sqlite3_int64)m;
}

enum change { RAISED, ESCALATED, CLOSED };

/* Tells what changed of signal g at severity sev to the followers of
 * regions, less those of told (and of the device, with told_device). */
static int tell(struct scan *sc, const struct kb_signal *g, enum change c,
		enum kb_severity sev, sqlite3_int64 regions, sqlite3_int64 told,
		int told_device)
{
	static const char *const keys[] = { "raised", "escalated", "closed" };
	const struct kb_device *d =
		g->device != KB_NONE ? &sc->sup->devices[g->device] : NULL;
	struct notice nt = { .kind = "signal",
			     .ref = g->key,
			     .severity = kb_severity_key(sev),
			     .device = d ? d->code : NULL,
			     .change = keys[c],
			     .pref = g->nregions ? g->regions[0].pref : 0,
			     .regions = regions,
			     .told = told,
			     .told_device = told_device && d ? d->code : NULL,
			     .ja = KB_BUF_INIT,
			     .en = KB_BUF_INIT };
	int r;
	if (c == RAISED) {
		kb_buf_addf(&nt.ja, "シグナル発生（%s）: ",
			    kb_severity_name(sev, KB_LANG_JA));
		kb_buf_addf(&nt.en, "Signal raised (%s): ",
			    kb_severity_name(sev, KB_LANG_EN));
	} else if (c == ESCALATED) {
		kb_buf_addf(&nt.ja, "シグナルが「%s」に引き上げられました: ",
			    kb_severity_name(sev, KB_LANG_JA));
		kb_buf_addf(&nt.en, "Signal escalated to %s: ",
			    kb_severity_name(sev, KB_LANG_EN));
	} else {
		kb_buf_adds(&nt.ja, "シグナル終了: ");
		kb_buf_adds(&nt.en, "Signal closed: ");
	}
	if (d) {
		kb_buf_addf(&nt.ja, "%s ", d->code);
		kb_buf_addf(&nt.en, "%s ", d->code);
	}
	kb_signal_reason(g, &sc->sg, sc->sup, KB_LANG_JA, &nt.ja);
	kb_signal_reason(g, &sc->sg, sc->sup, KB_LANG_EN, &nt.en);
	r = fan_out(sc, &nt);
	kb_buf_release(&nt.ja);
	kb_buf_release(&nt.en);
	return r;
}

/* Notices of the signals raised, escalated, reaching new regions, or
 * closed since the last scan; what was told is kept in signal_told. */
static int scan_signals(struct scan *sc)
{
	struct kb_store *s = sc->s;
	sqlite3_stmt *get = NULL, *put = NULL;
	long cursor;
	int r, first = sc->cursor < 0;
	size_t i;

	if ((r = cursor_get(s, "signal_week", &cursor, sc->err)))
		return r;
	if (cursor != sc->cursor || sc->latest == -1)
		return 0; /* nothing reported yet, or another scan was first */
	if (!(get = kb__sql_prepare(s,
				    "SELECT severity, regions, closed FROM "
				    "signal_told WHERE key = ?1",
				    sc->err)) ||
	    !(put = kb__sql_prepare(s,
				    "INSERT OR REPLACE INTO signal_told VALUES "
				    "(?1, ?2, ?3, ?4)",
				    sc->err)))
		r = KB_EDB;
	for (i = 0; !r && i < sc->sg.n; i++) {
		const struct kb_signal *g = &sc->sg.v[i];
		sqlite3_int64 regions = regions_of(g), was = 0;
		enum kb_severity sev = g->closed >= 0 ? 0 : g->severity, told = 0;
		int known, closed = 0;

		sqlite3_reset(get);
		kb__sql_bind_text(get, 1, g->key);
		if ((known = sqlite3_step(get) == SQLITE_ROW)) {
			told = (enum kb_severity)sqlite3_column_int(get, 0);
			was = sqlite3_column_int64(get, 1);
			closed = sqlite3_column_int(get, 2);
		}
		sqlite3_reset(get);
		if (closed)
			continue; /* its closing told already */
		if (first || (!known && !sev)) {
			/* the history, or a problem that came and went
			 * between two scans: noted, not news */
		} else if (!known) {
			r = tell(sc, g, RAISED, sev, regions, 0, 0);
		} else if (!sev) {
			r = tell(sc, g, CLOSED, told, was, 0, 0);
		} else {
			/* an account hears one notice of a change: the
			 * escalation if it was told of the signal, else that
			 * the signal now reaches its prefecture */
			if (sev > told)
				r = tell(sc, g, ESCALATED, sev, was, 0, 0);
			if (!r && (regions & ~was))
				r = tell(sc, g, RAISED, sev, regions, was, 1);
			if (sev <= told && !(regions & ~was))
				continue; /* the same as told */
		}
		if (r)
			break;
		sqlite3_reset(put);
		kb__sql_bind_text(put, 1, g->key);
		sqlite3_bind_int(put, 2, sev > told ? (int)sev : (int)told);
		sqlite3_bind_int64(put, 3, first || sev ? (regions | was) : was);
		sqlite3_bind_int(put, 4, !sev);
		r = kb__sql_done(s, put, sc->err);
	}
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return r ? r : cursor_set(s, "signal_week", sc->latest, sc->err);
}

/* What an event of the incident log says. */
static void event_text(struct kb_buf *b, enum kb_lang L, long id,
		       const char *title, const char *code, const char *dev,
		       const char *kind, const char *state, const char *text)
{
	int k = state ? kb_incident_state_parse(state) : -1;
	kb_buf_addf(b,
		    KB_TR(L, "Incident #%ld %s (%s %s): ",
			  "インシデント #%ld %s（%s %s）: "),
		    id, title, code, dev);
	if (!strcmp(kind, "open") && !strcmp(text, title))
		kb_buf_adds(b, KB_TR(L, "reported", "報告されました"));
	else if (!strcmp(kind, "open"))
		kb_buf_addf(b, KB_TR(L, "reported: %s", "報告されました: %s"),
			    text);
	else if (!strcmp(kind, "state") && k >= 0)
		kb_buf_addf(
			b, KB_TR(L, "now %s%s%s", "状態が「%s」になりました%s%s"),
			kb_incident_state_name(k, L), *text ? ": " : "", text);
	else if (!strcmp(kind, "action"))
		kb_buf_addf(b, KB_TR(L, "action: %s", "対応: %s"), text);
	else if (!strcmp(kind, "alert"))
		kb_buf_addf(b, KB_TR(L, "alert linked: %s", "警報を関連付け: %s"),
			    text);
	else
		kb_buf_addf(b, KB_TR(L, "note: %s", "メモ: %s"), text);
}

static int scan_incidents(struct scan *sc)
{
	struct kb_store *s = sc->s;
	sqlite3_stmt *st;
	long cursor, last;
	int r, rc;

	if ((r = cursor_get(s, "incident_event", &cursor, sc->err)))
		return r;
	if (!(st = kb__sql_prepare(
		      s,
		      "SELECT e.rowid, i.n, i.title, d.code, d.name_ja, "
		      "d.name_en, e.kind, e.state, coalesce(e.text, ''), "
		      "(SELECT CASE count(*) WHEN 1 THEN max(prefecture) ELSE 0 "
		      "END FROM incident_region WHERE incident = i.n) FROM "
		      "incident_event e JOIN incident i ON i.n = e.incident "
		      "JOIN device d ON d.n = i.device WHERE e.rowid > ?1 ORDER "
		      "BY e.rowid",
		      sc->err)))
		return KB_EDB;
	sqlite3_bind_int64(st, 1, cursor < 0 ? 0 : cursor);
	last = cursor < 0 ? 0 : cursor;
	while (!r && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char ref[24];
		const char *t[8];
		int c;
		struct notice nt = { .kind = "incident",
				     .ref = ref,
				     .ja = KB_BUF_INIT,
				     .en = KB_BUF_INIT };
		last = (long)sqlite3_column_int64(st, 0);
		if (cursor < 0)
			continue; /* the first scan: the history is not news */
		for (c = 0; c < 8; c++)
			t[c] = (const char *)sqlite3_column_text(st, c + 1);
		nt.incident = (long)sqlite3_column_int64(st, 1);
		snprintf(ref, sizeof(ref), "%ld", nt.incident);
		nt.device = t[2];
		nt.pref = sqlite3_column_int(st, 9);
		event_text(&nt.ja, KB_LANG_JA, nt.incident, t[1], t[2], t[3],
			   t[5], t[6], t[7]);
		event_text(&nt.en, KB_LANG_EN, nt.incident, t[1], t[2], t[4],
			   t[5], t[6], t[7]);
		r = fan_out(sc, &nt);
		kb_buf_release(&nt.ja);
		kb_buf_release(&nt.en);
	}
	sqlite3_finalize(st);
	return r ? r : cursor_set(s, "incident_event", last, sc->err);
}

int kb_notify_scan(struct kb_store *s, const struct kb_supply *sup, time_t now,
		   size_t *made, struct kb_err *err)
{
	/* the followers of the device, or of a prefecture among the regions
	 * (bit p of ?2; bit 0, the nation, concerns every prefecture) or
	 * among the incident's (none: the whole country); less the followers
	 * of the device ?5 and of the regions ?4, told already */
	static const char who[] =
		"SELECT a.n, a.role, a.lang FROM account a WHERE a.disabled = 0 "
		"AND EXISTS (SELECT 1 FROM subscription s LEFT JOIN device d ON "
		"d.n = s.device WHERE s.account = a.n AND (d.code = ?1 OR "
		"(s.prefecture IS NOT NULL AND (CASE WHEN ?3 = 0 THEN (?2 & 1) "
		"OR ((?2 >> s.prefecture) & 1) ELSE NOT EXISTS (SELECT 1 FROM "
		"incident_region WHERE incident = ?3) OR s.prefecture IN "
		"(SELECT prefecture FROM incident_region WHERE incident = ?3) "
		"END)))) AND NOT EXISTS (SELECT 1 FROM subscription s LEFT JOIN "
		"device d ON d.n = s.device WHERE s.account = a.n AND (d.code = "
		"?5 OR (s.prefecture IS NOT NULL AND ((?4 & 1) OR ((?4 >> "
		"s.prefecture) & 1))))) ORDER BY a.n";
	struct scan sc;
	int r;

	memset(&sc, 0, sizeof(sc));
	sc.s = s;
	sc.sup = sup;
	sc.err = err;
	kb__iso_time(now, sc.when);
	if (made)
		*made = 0;
	if ((r = find_signals(&sc)) || (r = kb_store_begin(s, err))) {
		kb_signals_release(&sc.sg);
		return r;
	}
	if (!(sc.who = kb__sql_prepare(s, who, err)) ||
	    !(sc.notice = kb__sql_prepare(
		      s,
		      "INSERT INTO notice (account, at, kind, ref, severity, "
		      "device, prefecture, text_ja, text_en, change) VALUES "
		      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		      err)) ||
	    !(sc.hooks = kb__sql_prepare(s,
					 "SELECT n FROM webhook WHERE account "
					 "= ?1 AND removed_at IS NULL",
					 err)) ||
	    !(sc.delivery = kb__sql_prepare(
		      s,
		      "INSERT INTO delivery (webhook, notice, body, next_at) "
		      "VALUES (?1, ?2, ?3, ?4)",
		      err)))
		r = KB_EDB;
	if (!r) {
		sqlite3_bind_int64(sc.delivery, 4, (sqlite3_int64)now);
		r = scan_signals(&sc);
	}
	if (!r)
		r = scan_incidents(&sc);
	sqlite3_finalize(sc.who);
	sqlite3_finalize(sc.notice);
	sqlite3_finalize(sc.hooks);
	sqlite3_finalize(sc.delivery);
	kb_signals_release(&sc.sg);
	if ((r = kb_store_end(s, r, err)))
		return r;
	if (made)
		*made = sc.made;
	return 0;
}

/* ---- notices ---- */

int kb_notices(struct kb_store *s, long account, enum kb_lang lang,
	       int unread_only, size_t limit, size_t offset, json_t **out,
	       size_t *total, size_t *unread, struct kb_err *err)
{
	sqlite3_stmt *st, *cnt;
	*out = NULL;
	if (!(st = kb__sql_prepare(
		      s,
		      "SELECT n, at, kind, ref, change, severity, device, "
		      "prefecture, CASE ?2 WHEN 'en' THEN text_en ELSE text_ja END AS text, "
		      "read_at IS NOT NULL AS read FROM notice WHERE account = "
		      "?1 AND (?3 = 0 OR read_at IS NULL) ORDER BY n DESC LIMIT "
		      "?4 OFFSET ?5",
		      err)))
		return KB_EDB;
	if (!(cnt = kb__sql_prepare(s,
				    "SELECT count(*), count(*) FILTER (WHERE "
				    "read_at IS NULL) FROM notice WHERE "
				    "account = ?1",
				    err))) {
		sqlite3_finalize(st);
		return KB_EDB;
	}
	sqlite3_bind_int64(st, 1, account);
	kb__sql_bind_text(st, 2, lang == KB_LANG_EN ? "en" : "ja");
	sqlite3_bind_int(st, 3, unread_only);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)offset);
	sqlite3_bind_int64(cnt, 1, account);
	if (sqlite3_step(cnt) == SQLITE_ROW) {
		size_t all = (size_t)sqlite3_column_int64(cnt, 0);
		size_t un = (size_t)sqlite3_column_int64(cnt, 1);
		if (total)
			*total = unread_only ? un : all;
		if (unread)
			*unread = un;
	}
	*out = kb__sql_rows_json(st);
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	{
		size_t i;
		json_t *x;
		json_array_foreach(*out, i, x) json_object_set_new(
			x, "read",
			json_boolean(
				json_integer_value(json_object_get(x, "read"))));
	}
	return 0;
}

int kb_notice_read(struct kb_store *s, long account, long id, time_t now,
		   struct kb_err *err)
{
	sqlite3_stmt *st;
	char when[32];
	int r;
	kb__iso_time(now, when);
	if (!(st = kb__sql_query(s, err,
				 "UPDATE notice SET read_at = coalesce(read_at, "
				 "?3) WHERE account = ?1 AND (?2 = 0 OR n = ?2)",
				 "llt", account, id, when)))
		return KB_EDB;
	if (id)
		return change_one(s, st, "notice", "通知", id, err);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	return r;
}

/* ---- the webhook queue ---- */

int kb_deliveries_due(struct kb_store *s, time_t now, size_t max,
		      struct kb_delivery **out, size_t *n, struct kb_err *err)
{
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!(st = kb__sql_prepare(
		      s,
		      "SELECT d.n, w.url, w.secret, d.body, d.attempts FROM "
		      "delivery d JOIN webhook w ON w.n = d.webhook WHERE "
		      "d.state = 'pending' AND d.next_at <= ?1 ORDER BY "
		      "d.next_at, d.n LIMIT ?2",
		      err)))
		return KB_EDB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kb_delivery *d;
		KB_ALLOC_GROW(*out, *n + 1, alloc);
		d = &(*out)[(*n)++];
		d->n = (long)sqlite3_column_int64(st, 0);
		d->url = kb__sql_text(st, 1);
		d->secret = kb__sql_text(st, 2);
		d->body = kb__sql_text(st, 3);
		d->attempts = sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		kb_deliveries_release(*out, *n);
		*out = NULL;
		*n = 0;
		return kb__sql_fail(err, kb_store_sqlite(s),
				    "reading deliveries");
	}
	return 0;
}

void kb_deliveries_release(struct kb_delivery *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i].url);
		if (v[i].secret)
			sodium_memzero(v[i].secret, strlen(v[i].secret));
		free(v[i].secret);
		free(v[i].body);
	}
	free(v);
}

int kb_delivery_done(struct kb_store *s, long n, int ok, int status,
		     const char *error, time_t now, unsigned first_wait,
		     struct kb_err *err)
{
	sqlite3_stmt *st;
	char when[32];
	int r;
	kb__iso_time(now, when);
	/* the wait before try k + 1 (k made): first_wait * 2^(k - 1), at
	 * most 1 h */
	if (!(st = kb__sql_prepare(
		      s,
		      "UPDATE delivery SET attempts = attempts + 1, status = ?3, "
		      "error = ?4, state = CASE WHEN ?2 THEN 'delivered' WHEN "
		      "attempts + 1 >= ?6 THEN 'failed' ELSE 'pending' END, "
		      "done_at = CASE WHEN ?2 OR attempts + 1 >= ?6 THEN ?5 END, "
		      "next_at = ?7 + min(3600, ?8 << min(attempts, 12)) WHERE n "
		      "= ?1 AND state = 'pending'",
		      err)))
		return KB_EDB;
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_int(st, 2, ok);
	if (status)
		sqlite3_bind_int(st, 3, status);
	kb__sql_bind_text(st, 4, ok ? NULL : error);
	kb__sql_bind_text(st, 5, when);
	sqlite3_bind_int(st, 6, KB_DELIVERY_TRIES);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 8, first_wait ? first_wait : 1);
	r = kb__sql_done(s, st, err);
	sqlite3_finalize(st);
	return r;
}

void kb_webhook_sign(const char *secret, time_t t, const char *body, size_t len,
		     char out[KB_SIGNATURE_LEN])
{
	crypto_auth_hmacsha256_state h;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * sizeof(mac) + 1];
	int n = snprintf(ts, sizeof(ts), "%lld.", (long long)t);
	crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret,
				    strlen(secret));
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)ts, (size_t)n);
	crypto_auth_hmacsha256_update(&h, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&h, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, KB_SIGNATURE_LEN, "t=%lld,v1=%s", (long long)t, hex);
}
