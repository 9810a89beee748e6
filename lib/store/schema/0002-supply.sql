-- 0002: supply security in normal times: the prefectures, essential
-- devices with their designation history, organisations and their sites,
-- the supply-chain map, manufacturers' and hospitals' weekly reports with
-- every replaced version, the weekly aggregates derived from them, and the
-- supply council's incidents.
--
-- Weeks are stored as the day number (days since 1970-01-01) of their
-- Monday.  The report lines are the facts; stock_agg and production_agg are
-- derived from them and rewritten in the same transaction as any import
-- that touches their week (or by 'kiban supply recompute'), so they never
-- go stale.  Lines are keyed by week first: a week's reports are appended
-- together and read together.

CREATE TABLE prefecture (
	code INTEGER PRIMARY KEY CHECK (code BETWEEN 1 AND 47),
	name_ja TEXT NOT NULL UNIQUE,
	name_en TEXT NOT NULL UNIQUE,
	population_2020 INTEGER NOT NULL CHECK (population_2020 > 0)
);
-- kiban:load prefecture data/prefectures.csv

CREATE TABLE device (
	n INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL,
	class INTEGER NOT NULL CHECK (class BETWEEN 1 AND 4),
	category TEXT NOT NULL,
	reusable INTEGER NOT NULL CHECK (reusable IN (0, 1)),
	unit_ja TEXT NOT NULL,
	unit_en TEXT NOT NULL,
	essential INTEGER NOT NULL CHECK (essential IN (0, 1)),
	criteria TEXT NOT NULL,	-- criterion keys separated by ';'
	score INTEGER NOT NULL,
	reasons TEXT NOT NULL,
	under_days REAL NOT NULL CHECK (under_days >= 0),
	over_days REAL NOT NULL CHECK (over_days > under_days),
	alert_days REAL NOT NULL CHECK (alert_days >= 0),
	critical_days REAL NOT NULL CHECK (critical_days >= 0),
	jump_ratio REAL NOT NULL CHECK (jump_ratio > 1),
	drop_ratio REAL NOT NULL CHECK (drop_ratio > 0 AND drop_ratio < 1),
	updated_at TEXT NOT NULL,
	updated_by TEXT
);

-- Every change of a device's essential status, with who, when and why.
CREATE TABLE designation (
	device INTEGER NOT NULL REFERENCES device(n),
	seq INTEGER NOT NULL,
	essential INTEGER NOT NULL CHECK (essential IN (0, 1)),
	at TEXT NOT NULL,
	by TEXT,
	reason TEXT NOT NULL,
	PRIMARY KEY (device, seq)
);

CREATE TABLE org (
	n INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN
		('hospital', 'mah', 'manufacturer', 'distributor', 'supplier')),
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL,
	prefecture INTEGER REFERENCES prefecture(code),
	beds INTEGER CHECK (beds >= 0),
	icu_beds INTEGER CHECK (icu_beds >= 0),
	country TEXT NOT NULL
);

CREATE TABLE site (
	n INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	org INTEGER NOT NULL REFERENCES org(n),
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL,
	country TEXT NOT NULL,
	region TEXT NOT NULL
);

CREATE TABLE component (
	n INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('component', 'material')),
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL
);

-- The supply-chain map: an item (a device code or a component id) needs
-- its inputs (all of them) and is made at its sources (shares sum to 1).
CREATE TABLE chain_input (
	item TEXT NOT NULL,
	input TEXT NOT NULL REFERENCES component(id),
	seq INTEGER NOT NULL,
	PRIMARY KEY (item, input)
);
CREATE TABLE chain_source (
	item TEXT NOT NULL,
	site TEXT NOT NULL REFERENCES site(id),
	share REAL NOT NULL CHECK (share > 0 AND share <= 1),
	seq INTEGER NOT NULL,
	PRIMARY KEY (item, site)
);

-- A report is one organisation's submission for one week; the same id
-- submitted again replaces its lines, and the old lines are kept.
CREATE TABLE report (
	n INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('stock', 'production')),
	org INTEGER NOT NULL REFERENCES org(n),
	week INTEGER NOT NULL,
	version INTEGER NOT NULL,
	lines INTEGER NOT NULL,
	submitted_at TEXT NOT NULL,
	submitted_by TEXT,
	late INTEGER NOT NULL CHECK (late IN (0, 1))
);
CREATE INDEX report_by_week ON report(kind, week, org);
CREATE INDEX report_by_org ON report(org, week);

CREATE TABLE report_version (
	report INTEGER NOT NULL REFERENCES report(n),
	version INTEGER NOT NULL,
	lines INTEGER NOT NULL,
	submitted_at TEXT NOT NULL,
	submitted_by TEXT,
	late INTEGER NOT NULL,
	replaced_at TEXT NOT NULL,
	replaced_by TEXT,
	PRIMARY KEY (report, version)
);

CREATE TABLE stock_line (
	week INTEGER NOT NULL,
	facility INTEGER NOT NULL,	-- org.n of a hospital
	device INTEGER NOT NULL,	-- device.n
	report INTEGER NOT NULL,
	stock REAL NOT NULL,
	consumption REAL NOT NULL,
	stockout_days INTEGER NOT NULL,
	PRIMARY KEY (week, facility, device)
) WITHOUT ROWID;

CREATE TABLE stock_line_old (
	report INTEGER NOT NULL,
	version INTEGER NOT NULL,
	device INTEGER NOT NULL,
	stock REAL NOT NULL,
	consumption REAL NOT NULL,
	stockout_days INTEGER NOT NULL
);

CREATE TABLE production_line (
	week INTEGER NOT NULL,
	org INTEGER NOT NULL,
	device INTEGER NOT NULL,
	report INTEGER NOT NULL,
	production REAL NOT NULL,
	imports REAL NOT NULL,
	shipments REAL NOT NULL,
	inventory REAL NOT NULL,
	PRIMARY KEY (week, org, device)
) WITHOUT ROWID;

CREATE TABLE production_line_old (
	report INTEGER NOT NULL,
	version INTEGER NOT NULL,
	device INTEGER NOT NULL,
	production REAL NOT NULL,
	imports REAL NOT NULL,
	shipments REAL NOT NULL,
	inventory REAL NOT NULL
);

-- Derived: hospital figures per week, device and prefecture.  demand is
-- consumption scaled up for the days a facility was stocked out, summed
-- over the demand_facilities that had stock at least one day;
-- low_facilities ended the week with less stock than that week's demand.
CREATE TABLE stock_agg (
	week INTEGER NOT NULL,
	device INTEGER NOT NULL,
	prefecture INTEGER NOT NULL,
	facilities INTEGER NOT NULL,
	demand_facilities INTEGER NOT NULL,
	stockout_facilities INTEGER NOT NULL,
	stockout_days INTEGER NOT NULL,
	low_facilities INTEGER NOT NULL,	-- under a week of stock left
	stock REAL NOT NULL,
	consumption REAL NOT NULL,
	demand REAL NOT NULL,
	PRIMARY KEY (week, device, prefecture)
) WITHOUT ROWID;

CREATE TABLE production_agg (
	week INTEGER NOT NULL,
	device INTEGER NOT NULL,
	reporters INTEGER NOT NULL,
	production REAL NOT NULL,
	imports REAL NOT NULL,
	shipments REAL NOT NULL,
	inventory REAL NOT NULL,
	PRIMARY KEY (week, device)
) WITHOUT ROWID;

-- The supply council's incident log.
CREATE TABLE incident (
	n INTEGER PRIMARY KEY,
	device INTEGER NOT NULL REFERENCES device(n),
	title TEXT NOT NULL,
	cause TEXT NOT NULL CHECK (cause IN ('manufacturing', 'raw_material',
		'logistics', 'demand_surge', 'regulatory', 'quality_recall')),
	state TEXT NOT NULL CHECK (state IN
		('reported', 'assessing', 'mitigating', 'resolved')),
	reported_by TEXT NOT NULL,
	opened_at TEXT NOT NULL,
	opened_by TEXT,
	resolved_at TEXT
);
CREATE TABLE incident_region (
	incident INTEGER NOT NULL REFERENCES incident(n),
	prefecture INTEGER NOT NULL REFERENCES prefecture(code),
	PRIMARY KEY (incident, prefecture)
);
CREATE TABLE incident_event (
	incident INTEGER NOT NULL REFERENCES incident(n),
	seq INTEGER NOT NULL,
	at TEXT NOT NULL,
	by TEXT,
	kind TEXT NOT NULL CHECK (kind IN ('open', 'state', 'action', 'note',
		'alert')),
	state TEXT,
	text TEXT NOT NULL,
	PRIMARY KEY (incident, seq)
);
CREATE TABLE incident_alert (
	incident INTEGER NOT NULL REFERENCES incident(n),
	alert TEXT NOT NULL,
	reason TEXT NOT NULL,
	PRIMARY KEY (incident, alert)
);
