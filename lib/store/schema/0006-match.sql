-- 0006: R&D support: the organisations that take part in needs-seeds
-- matching, the clinical needs and technology seeds they register, the
-- matches they record, and the accompaniment-support consultation cases of
-- support bodies with ventures, phase by phase.

CREATE TABLE match_org (
	n INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN
		('clinical', 'academia', 'company', 'venture', 'support')),
	licence INTEGER NOT NULL DEFAULT 0 CHECK (licence IN (0, 1)),
	support TEXT NOT NULL DEFAULT '',	-- support types, ';'-separated
	areas TEXT NOT NULL DEFAULT '',		-- clinical areas, ';'-separated
	capability TEXT NOT NULL DEFAULT '',	-- what it can do, in words
	member INTEGER NOT NULL DEFAULT 1 CHECK (member IN (0, 1)),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);

-- a need in the need-statement form: a way to PROBLEM in POPULATION in
-- order to OUTCOME
CREATE TABLE need (
	n INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	org INTEGER NOT NULL REFERENCES match_org(n),
	problem TEXT NOT NULL CHECK (problem <> ''),
	population TEXT NOT NULL CHECK (population <> ''),
	outcome TEXT NOT NULL CHECK (outcome <> ''),
	area TEXT NOT NULL,
	setting TEXT NOT NULL DEFAULT '',
	device_class TEXT NOT NULL DEFAULT ''
		CHECK (device_class IN ('', 'I', 'II', 'III', 'IV')),
	urgency INTEGER NOT NULL DEFAULT 2 CHECK (urgency BETWEEN 1 AND 3),
	confidentiality TEXT NOT NULL DEFAULT 'open'
		CHECK (confidentiality IN ('open', 'members', 'nda')),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);

CREATE TABLE seed (
	n INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	org INTEGER NOT NULL REFERENCES match_org(n),
	title TEXT NOT NULL CHECK (title <> ''),
	description TEXT NOT NULL CHECK (description <> ''),
	area TEXT NOT NULL DEFAULT '',
	trl INTEGER NOT NULL DEFAULT 3 CHECK (trl BETWEEN 1 AND 9),
	ip TEXT NOT NULL DEFAULT 'none'
		CHECK (ip IN ('none', 'filed', 'granted', 'licensed')),
	confidentiality TEXT NOT NULL DEFAULT 'open'
		CHECK (confidentiality IN ('open', 'members', 'nda')),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);

-- organisations that may see a need or seed kept under NDA
CREATE TABLE match_nda (
	kind TEXT NOT NULL CHECK (kind IN ('need', 'seed')),
	item INTEGER NOT NULL,
	org INTEGER NOT NULL REFERENCES match_org(n),
	PRIMARY KEY (kind, item, org)
);

-- a need matched to a seed, as the parties recorded it
CREATE TABLE match_link (
	need INTEGER NOT NULL REFERENCES need(n),
	seed INTEGER NOT NULL REFERENCES seed(n),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	PRIMARY KEY (need, seed)
);

CREATE TABLE consult_case (
	n INTEGER PRIMARY KEY,
	venture INTEGER NOT NULL REFERENCES match_org(n),
	support INTEGER NOT NULL REFERENCES match_org(n),
	title TEXT NOT NULL CHECK (title <> ''),
	phase TEXT NOT NULL CHECK (phase IN ('idea', 'prototype', 'nonclinical',
		'clinical', 'approval', 'insurance', 'launch', 'overseas')),
	topics TEXT NOT NULL DEFAULT '',	-- ';'-separated
	outcome TEXT,				-- set when closed
	opened_at TEXT NOT NULL,
	closed_at TEXT,
	created_by TEXT NOT NULL
);

-- what happened in a case: a meeting, a change of phase, a next action
-- (with its due date, done or not), the outcome
CREATE TABLE consult_event (
	n INTEGER PRIMARY KEY,
	"case" INTEGER NOT NULL REFERENCES consult_case(n),
	kind TEXT NOT NULL CHECK (kind IN ('meeting', 'phase', 'action',
		'done', 'outcome')),
	at TEXT NOT NULL,
	phase TEXT,
	text TEXT NOT NULL DEFAULT '',
	due TEXT,
	created_by TEXT NOT NULL
);
CREATE INDEX consult_event_case ON consult_event("case");
