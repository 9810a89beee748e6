-- 0003: the people who use kiban through its server: accounts with their
-- role and the organisation they act for, login sessions, API tokens for
-- machine uploads, and the audit log of every write and every read of
-- confidential data.
--
-- Secrets are never stored: a password is kept as its Argon2id string, a
-- session or API token as its BLAKE2b hash.  An account acts for exactly
-- what its role needs: ministry staff for a ministry, a prefecture for a
-- prefecture, a hospital or a manufacturer for its organisation.

CREATE TABLE account (
	n INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'committee',
		'prefecture', 'hospital', 'industry', 'researcher')),
	ministry TEXT REFERENCES ministry(code),
	prefecture INTEGER REFERENCES prefecture(code),
	org INTEGER REFERENCES org(n),
	password TEXT,			-- Argon2id (libsodium's string form)
	lang TEXT NOT NULL DEFAULT 'ja' CHECK (lang IN ('ja', 'en')),
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL,
	created_by TEXT,
	CHECK ((role = 'staff') = (ministry IS NOT NULL)),
	CHECK ((role = 'prefecture') = (prefecture IS NOT NULL)),
	CHECK ((role IN ('hospital', 'industry')) = (org IS NOT NULL))
);

CREATE TABLE session (
	hash BLOB PRIMARY KEY,		-- of the cookie's token
	account INTEGER NOT NULL REFERENCES account(n) ON DELETE CASCADE,
	csrf TEXT NOT NULL,		-- the token every form must carry
	created_at INTEGER NOT NULL,	-- Unix time
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_by_account ON session(account);

CREATE TABLE api_token (
	n INTEGER PRIMARY KEY,
	hash BLOB NOT NULL UNIQUE,
	account INTEGER NOT NULL REFERENCES account(n) ON DELETE CASCADE,
	label TEXT NOT NULL,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);

CREATE TABLE audit (
	n INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	login TEXT,			-- kept as it was, whatever the account becomes
	role TEXT,
	action TEXT NOT NULL,		-- write, read, login, login_failed, denied
	method TEXT,
	path TEXT,
	status INTEGER,
	ip TEXT,
	detail TEXT
);
CREATE INDEX audit_by_login ON audit(login, at);
