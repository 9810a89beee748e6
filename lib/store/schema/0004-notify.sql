-- 0004: notifications.  An account subscribes to the devices and the
-- prefectures it cares about; each new shortage alert or incident event
-- that concerns one of them becomes a notice on its page and, for every
-- webhook the account registered, a delivery: an HTTP POST signed with the
-- webhook's secret, retried with backoff until the receiver accepts it.
--
-- The webhook's secret is kept as it is: the server needs it to sign.

CREATE TABLE subscription (
	n INTEGER PRIMARY KEY,
	account INTEGER NOT NULL REFERENCES account(n) ON DELETE CASCADE,
	device INTEGER REFERENCES device(n),
	prefecture INTEGER REFERENCES prefecture(code),
	created_at TEXT NOT NULL,
	CHECK ((device IS NULL) <> (prefecture IS NULL))
);
-- once each (NULLs are distinct in a UNIQUE constraint, hence coalesce)
CREATE UNIQUE INDEX subscription_once ON subscription(account,
	coalesce(device, 0), coalesce(prefecture, 0));
CREATE INDEX subscription_by_device ON subscription(device);
CREATE INDEX subscription_by_prefecture ON subscription(prefecture);

CREATE TABLE webhook (
	n INTEGER PRIMARY KEY,
	account INTEGER NOT NULL REFERENCES account(n) ON DELETE CASCADE,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	created_at TEXT NOT NULL,
	removed_at TEXT
);

CREATE TABLE notice (
	n INTEGER PRIMARY KEY,
	account INTEGER NOT NULL REFERENCES account(n) ON DELETE CASCADE,
	at TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('alert', 'incident')),
	ref TEXT NOT NULL,		-- the alert's key, or the incident's number
	severity TEXT,
	device TEXT,			-- code
	prefecture INTEGER,		-- 0 national
	text_ja TEXT NOT NULL,
	text_en TEXT NOT NULL,
	read_at TEXT
);
CREATE INDEX notice_by_account ON notice(account, n);

CREATE TABLE delivery (
	n INTEGER PRIMARY KEY,
	webhook INTEGER NOT NULL REFERENCES webhook(n) ON DELETE CASCADE,
	notice INTEGER NOT NULL REFERENCES notice(n) ON DELETE CASCADE,
	body TEXT NOT NULL,		-- the JSON posted, as signed
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',
		'delivered', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,	-- Unix time of the next attempt
	status INTEGER,			-- the receiver's last HTTP status
	error TEXT,
	done_at TEXT
);
CREATE INDEX delivery_due ON delivery(next_at) WHERE state = 'pending';

-- What the scans have seen: the latest week each alert (its key without
-- the week) was raised, and how far the incident log has been read.
CREATE TABLE alert_seen (
	stem TEXT PRIMARY KEY,
	week INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notify_cursor (
	name TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
