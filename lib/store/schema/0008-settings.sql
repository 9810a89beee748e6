-- 0008: settings of the installation, one row per name, kept in the
-- database so that the command and the server read the same value.  The
-- names and what their values may be are checked by the code that owns
-- them (lib/supply/completeness.c: completeness_threshold, a percentage
-- 0-100, 80 when absent).

CREATE TABLE setting (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	updated_by TEXT
);
