-- 0009: notices follow signals (lib/supply/signal.c), not alerts: one
-- notice when a problem is raised, one when it escalates, one when it
-- closes, instead of one for every alert that starts (a national event was
-- dozens a week for a device's follower).
--
-- signal_told keeps, per signal key, what its followers have been told:
-- the highest severity told (enum kb_severity), the regions told (bit p
-- for prefecture p, bit 0 for the nation) so that a prefecture the signal
-- reaches later hears of it once, and whether its closing was told.  The
-- alerts' state (alert_seen, the cursor alert_week) goes: nothing else
-- read it.  Without the cursor signal_week the next scan is a first one:
-- it takes note of the open signals and tells nobody of them.
--
-- notice and delivery are rebuilt (SQLite cannot change a CHECK) to allow
-- the kind 'signal' and to add what changed; their rows are kept.  The
-- foreign keys are on during migrations, so the new tables are filled
-- first and the old ones dropped child first: no cascade reaches a row.

CREATE TABLE signal_told (
	key TEXT PRIMARY KEY,		-- the signal's key
	severity INTEGER NOT NULL,	-- the highest told: 2 warning, 3 critical
	regions INTEGER NOT NULL,	-- told to: bit p prefecture p, bit 0 the nation
	closed INTEGER NOT NULL		-- 1: its closing was told
) WITHOUT ROWID;

DROP TABLE alert_seen;
DELETE FROM notify_cursor WHERE name = 'alert_week';

CREATE TABLE notice_new (
	n INTEGER PRIMARY KEY,
	account INTEGER NOT NULL REFERENCES account(n) ON DELETE CASCADE,
	at TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('alert', 'incident', 'signal')),
	ref TEXT NOT NULL,		-- the signal's key, the incident's number
					-- (or, before 0009, the alert's key)
	severity TEXT,
	device TEXT,			-- code
	prefecture INTEGER,		-- 0 national
	text_ja TEXT NOT NULL,
	text_en TEXT NOT NULL,
	read_at TEXT,
	change TEXT CHECK (change IN ('raised', 'escalated', 'closed'))
					-- a signal's; NULL for the other kinds
);
INSERT INTO notice_new (n, account, at, kind, ref, severity, device,
	prefecture, text_ja, text_en, read_at)
	SELECT n, account, at, kind, ref, severity, device, prefecture,
	text_ja, text_en, read_at FROM notice;

CREATE TABLE delivery_new (
	n INTEGER PRIMARY KEY,
	webhook INTEGER NOT NULL REFERENCES webhook(n) ON DELETE CASCADE,
	notice INTEGER NOT NULL REFERENCES notice_new(n) ON DELETE CASCADE,
	body TEXT NOT NULL,		-- the JSON posted, as signed
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',
		'delivered', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,	-- Unix time of the next attempt
	status INTEGER,			-- the receiver's last HTTP status
	error TEXT,
	done_at TEXT
);
INSERT INTO delivery_new (n, webhook, notice, body, state, attempts,
	next_at, status, error, done_at)
	SELECT n, webhook, notice, body, state, attempts, next_at, status,
	error, done_at FROM delivery;

DROP TABLE delivery;
DROP TABLE notice;
-- renaming rewrites delivery_new's reference to notice_new
ALTER TABLE notice_new RENAME TO notice;
ALTER TABLE delivery_new RENAME TO delivery;
CREATE INDEX notice_by_account ON notice(account, n);
CREATE INDEX delivery_due ON delivery(next_at) WHERE state = 'pending';
