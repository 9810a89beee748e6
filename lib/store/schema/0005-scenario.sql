-- 0005: scenario results kept for the report.  A result is the JSON that
-- 'kiban scenario run', 'kiban allocate' and 'kiban stockpile' print with
-- --json (the demand bands, the shortfall by prefecture and day, the
-- shipment plan, the stockpile), under the scenario's name, with the
-- scenario file it came from, who saved it and when.

CREATE TABLE scenario_result (
	n INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('run', 'allocate', 'stockpile')),
	name TEXT NOT NULL,
	scenario TEXT NOT NULL,
	result TEXT NOT NULL CHECK (json_valid(result)),
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);
