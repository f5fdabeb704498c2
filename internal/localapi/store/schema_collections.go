package store

// schemaCollections creates the tables for enrollments, collections and
// collection members.
//
// An enrollment's status is stored as written; a "pending" one carries
// pending_until and pending_outcome, and reads resolve it lazily once the
// clock passes pending_until (see Enrollment.resolve), so activation is
// deterministic and needs no background worker.
const schemaCollections = `
CREATE TABLE enrollments (
	id                TEXT PRIMARY KEY,
	customer_id       TEXT NOT NULL REFERENCES customers(id),
	role_id           TEXT REFERENCES users(id),          -- NULL: shared (team) scope
	service_id        TEXT NOT NULL,
	status            TEXT NOT NULL,                      -- pending|incomplete|active|paused|cancelled
	pending_until     TEXT,                               -- when a pending enrollment resolves
	pending_outcome   TEXT,                               -- what it resolves to: active|incomplete
	parameters_sealed BLOB NOT NULL,                      -- JSON object, encrypted (may hold keys)
	code              TEXT NOT NULL UNIQUE,               -- 4 characters, Crockford base32
	created_at        TEXT NOT NULL,
	updated_at        TEXT
);
CREATE INDEX enrollments_customer_service ON enrollments(customer_id, service_id);

CREATE TABLE collections (
	id           TEXT PRIMARY KEY,
	customer_id  TEXT NOT NULL REFERENCES customers(id),
	role_id      TEXT REFERENCES users(id),               -- NULL: shared (team) scope
	name         TEXT NOT NULL,
	display_name TEXT,
	description  TEXT,
	enabled      INTEGER NOT NULL DEFAULT 1,
	created_at   TEXT NOT NULL,
	updated_at   TEXT
);
CREATE UNIQUE INDEX collections_scope_name ON collections(customer_id, IFNULL(role_id, ''), name);

CREATE TABLE collection_members (
	id            TEXT PRIMARY KEY,
	collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
	service_id    TEXT NOT NULL,
	routing_key   TEXT,                                   -- JSON object or NULL
	sort_order    INTEGER NOT NULL DEFAULT 0,
	seq           INTEGER NOT NULL,                       -- insertion order, for stable listing
	created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX collection_members_service ON collection_members(collection_id, service_id);
`
