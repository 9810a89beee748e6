-- 0001: the plan (visions, goals, measures, actions with their ministries,
-- priority areas, platforms), KPIs with their target history, yearly
-- observations with their history, and frozen evaluations.
--
-- Goals are shared between visions (the plan re-posts two goals under its
-- third vision): vision_goal lists them, a goal row exists once.
-- KPI references to goals and measures are deferred so that a plan can be
-- re-imported (deleted and written again) inside one transaction.

CREATE TABLE plan (
	id TEXT PRIMARY KEY,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL,
	abbr TEXT NOT NULL DEFAULT '',
	fy_from INTEGER NOT NULL,
	fy_to INTEGER NOT NULL CHECK (fy_to >= fy_from),
	source TEXT,
	imported_at TEXT NOT NULL,
	imported_by TEXT
);

CREATE TABLE ministry (
	code TEXT PRIMARY KEY,
	seq INTEGER NOT NULL,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL,
	abbr TEXT NOT NULL UNIQUE
);

CREATE TABLE vision (
	id TEXT PRIMARY KEY,
	plan_id TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL
);

CREATE TABLE goal (
	id TEXT PRIMARY KEY,
	plan_id TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL
);

CREATE TABLE vision_goal (
	vision_id TEXT NOT NULL REFERENCES vision(id) ON DELETE CASCADE,
	goal_id TEXT NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	PRIMARY KEY (vision_id, goal_id)
);

CREATE TABLE measure (
	id TEXT PRIMARY KEY,
	goal_id TEXT NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL
);

CREATE TABLE action (
	id TEXT PRIMARY KEY,
	measure_id TEXT NOT NULL REFERENCES measure(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	text_ja TEXT NOT NULL,
	text_en TEXT NOT NULL
);

CREATE TABLE action_ministry (
	action_id TEXT NOT NULL REFERENCES action(id) ON DELETE CASCADE,
	ministry TEXT NOT NULL REFERENCES ministry(code),
	seq INTEGER NOT NULL,
	lead INTEGER NOT NULL CHECK (lead IN (0, 1)),
	PRIMARY KEY (action_id, ministry)
);
CREATE INDEX action_ministry_by_ministry ON action_ministry(ministry, lead);

CREATE TABLE priority_area (
	id TEXT PRIMARY KEY,
	measure_id TEXT NOT NULL REFERENCES measure(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL
);

CREATE TABLE platform (
	id TEXT PRIMARY KEY,
	measure_id TEXT NOT NULL REFERENCES measure(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL
);

CREATE TABLE platform_link (
	platform_id TEXT NOT NULL REFERENCES platform(id) ON DELETE CASCADE,
	target_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	PRIMARY KEY (platform_id, target_id)
);

CREATE TABLE kpi (
	id TEXT PRIMARY KEY,
	seq INTEGER NOT NULL,
	name_ja TEXT NOT NULL,
	name_en TEXT NOT NULL,
	unit_ja TEXT NOT NULL,
	unit_en TEXT NOT NULL,
	direction INTEGER NOT NULL CHECK (direction IN (1, -1)),
	goal_id TEXT REFERENCES goal(id) DEFERRABLE INITIALLY DEFERRED,
	measure_id TEXT REFERENCES measure(id) DEFERRABLE INITIALLY DEFERRED,
	baseline_value REAL NOT NULL,
	baseline_fy INTEGER NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	periodicity TEXT NOT NULL DEFAULT 'annual'
		CHECK (periodicity IN ('annual', 'biennial', 'triennial', 'irregular')),
	rule TEXT CHECK (rule IN ('cagr', 'linear')),
	decimals INTEGER CHECK (decimals BETWEEN 0 AND 6),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	CHECK ((goal_id IS NULL) <> (measure_id IS NULL))
);

-- Targets in the order they were set; the last one is current.  A revision
-- never replaces a row: it adds one with its date and reason.
CREATE TABLE kpi_target (
	kpi_id TEXT NOT NULL REFERENCES kpi(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	value REAL NOT NULL,
	fy INTEGER NOT NULL,
	set_at TEXT NOT NULL,
	set_by TEXT,
	reason TEXT NOT NULL,
	PRIMARY KEY (kpi_id, seq)
);

-- One figure per KPI and fiscal year.  A missing figure is a row of its own
-- (state 'missing', value NULL), never a zero.
CREATE TABLE observation (
	kpi_id TEXT NOT NULL REFERENCES kpi(id) ON DELETE CASCADE,
	fy INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('value', 'missing')),
	value REAL,
	source TEXT NOT NULL DEFAULT '',
	comment TEXT NOT NULL DEFAULT '',
	entered_by TEXT,
	entered_at TEXT NOT NULL,
	PRIMARY KEY (kpi_id, fy),
	CHECK ((state = 'value') = (value IS NOT NULL))
);

CREATE TABLE observation_history (
	kpi_id TEXT NOT NULL,
	fy INTEGER NOT NULL,
	state TEXT NOT NULL,
	value REAL,
	source TEXT NOT NULL,
	comment TEXT NOT NULL,
	entered_by TEXT,
	entered_at TEXT NOT NULL,
	replaced_at TEXT NOT NULL
);
CREATE INDEX observation_history_by_kpi ON observation_history(kpi_id, fy);

CREATE TRIGGER observation_keep_on_update BEFORE UPDATE ON observation
BEGIN
	INSERT INTO observation_history
	VALUES (OLD.kpi_id, OLD.fy, OLD.state, OLD.value, OLD.source, OLD.comment,
		OLD.entered_by, OLD.entered_at, NEW.entered_at);
END;

CREATE TRIGGER observation_keep_on_delete BEFORE DELETE ON observation
BEGIN
	INSERT INTO observation_history
	VALUES (OLD.kpi_id, OLD.fy, OLD.state, OLD.value, OLD.source, OLD.comment,
		OLD.entered_by, OLD.entered_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

-- A published (frozen) evaluation: the complete inputs and results as JSON.
-- Rows are never changed or deleted; a revision is a new version.
CREATE TABLE evaluation (
	id INTEGER PRIMARY KEY,
	plan_id TEXT NOT NULL,
	fy INTEGER NOT NULL,
	version INTEGER NOT NULL,
	rule TEXT NOT NULL,
	frozen_at TEXT NOT NULL,
	frozen_by TEXT,
	note TEXT NOT NULL DEFAULT '',
	snapshot TEXT NOT NULL,
	UNIQUE (plan_id, fy, version)
);

CREATE TRIGGER evaluation_frozen_update BEFORE UPDATE ON evaluation
BEGIN
	SELECT RAISE(ABORT, 'a frozen evaluation cannot be changed');
END;

CREATE TRIGGER evaluation_frozen_delete BEFORE DELETE ON evaluation
BEGIN
	SELECT RAISE(ABORT, 'a frozen evaluation cannot be deleted');
END;
