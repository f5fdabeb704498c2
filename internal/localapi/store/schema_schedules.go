package store

// schemaSchedules creates the tables for aliases and recurrent requests.
//
// Aliases: owner_id NULL is the shared (team) scope. Several aliases may
// share a name (one per target, so `switch` can cycle between them); what
// is unique among live (not deactivated) aliases of one scope is the
// identity (name, request_routing_key, target_path), and at most one of
// them routes per (name, request_routing_key). request_routing_key and
// routing_key_override hold canonical JSON (sorted keys) or NULL.
// Deleting an alias only sets deactivated_at.
//
// Recurrent requests belong to the customer; created_by records the user.
// schedule is the normalised schedule JSON; schedule_anchor is when it was
// last set (interval runs count from it).
const schemaSchedules = `
CREATE TABLE aliases (
	id                   TEXT PRIMARY KEY,
	customer_id          TEXT NOT NULL REFERENCES customers(id),
	owner_id             TEXT REFERENCES users(id),
	name                 TEXT NOT NULL,
	description          TEXT,
	request_routing_key  TEXT,
	target_path          TEXT NOT NULL,
	routing_key_override TEXT,
	is_routing           INTEGER NOT NULL,
	created_at           TEXT NOT NULL,
	updated_at           TEXT,
	deactivated_at       TEXT
);
CREATE UNIQUE INDEX aliases_identity ON aliases(customer_id, IFNULL(owner_id, ''), name, IFNULL(request_routing_key, ''), target_path)
	WHERE deactivated_at IS NULL;
CREATE UNIQUE INDEX aliases_routing ON aliases(customer_id, IFNULL(owner_id, ''), name, IFNULL(request_routing_key, ''))
	WHERE deactivated_at IS NULL AND is_routing = 1;
CREATE INDEX aliases_customer ON aliases(customer_id, created_at);
CREATE TABLE recurrent_requests (
	id               TEXT PRIMARY KEY,
	customer_id      TEXT NOT NULL REFERENCES customers(id),
	created_by       TEXT REFERENCES users(id),
	service_id       TEXT,
	enrollment_id    TEXT,
	request_path     TEXT NOT NULL,
	http_method      TEXT NOT NULL,
	body_template    TEXT,
	request_headers  TEXT,
	schedule         TEXT,
	schedule_anchor  TEXT,
	name             TEXT,
	status           TEXT NOT NULL,
	run_count        INTEGER NOT NULL DEFAULT 0,
	last_run_at      TEXT,
	last_status_code INTEGER,
	created_at       TEXT NOT NULL,
	updated_at       TEXT
);
CREATE INDEX recurrent_requests_customer ON recurrent_requests(customer_id, created_at);
`

// schemaRunsAs makes API keys revocable and records who a recurrent
// request runs as.
//
// users.disabled_at is set when a start no longer lists the user's key:
// the key is refused and the user's recurrent requests do not run.
//
// recurrent_requests.run_as is the user who last changed what the
// request sends (path, body, headers, enrollment): the scheduler runs it
// with that user's identity and secrets, so a team member's change can
// never make it run with another member's personal secrets.
const schemaRunsAs = `
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE recurrent_requests ADD COLUMN run_as TEXT REFERENCES users(id);
UPDATE recurrent_requests SET run_as = created_by;
`
