package store

// schemaRouting creates the tables for chains, chain steps, broadcasts and
// broadcast targets. owner_id NULL is the shared (team) scope; names are
// unique per scope. Steps and targets go with their parent (ON DELETE
// CASCADE) and are ordered by sort_order, then insertion (rowid).
const schemaRouting = `
CREATE TABLE chains (
	id                 TEXT PRIMARY KEY,
	customer_id        TEXT NOT NULL REFERENCES customers(id),
	owner_id           TEXT REFERENCES users(id),
	name               TEXT NOT NULL,
	description        TEXT,
	default_timeout_ms INTEGER NOT NULL,
	enabled            INTEGER NOT NULL,
	created_at         TEXT NOT NULL,
	updated_at         TEXT
);
CREATE UNIQUE INDEX chains_scope_name ON chains(customer_id, IFNULL(owner_id, ''), name);
CREATE TABLE chain_steps (
	id          TEXT PRIMARY KEY,
	chain_id    TEXT NOT NULL REFERENCES chains(id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	target_path TEXT NOT NULL,
	on_success  TEXT NOT NULL,
	on_failure  TEXT NOT NULL,
	timeout_ms  INTEGER,
	sort_order  INTEGER NOT NULL
);
CREATE INDEX chain_steps_chain ON chain_steps(chain_id, sort_order);
CREATE TABLE broadcasts (
	id                TEXT PRIMARY KEY,
	customer_id       TEXT NOT NULL REFERENCES customers(id),
	owner_id          TEXT REFERENCES users(id),
	name              TEXT NOT NULL,
	description       TEXT,
	mode              TEXT NOT NULL,
	target_timeout_ms INTEGER NOT NULL,
	enabled           INTEGER NOT NULL,
	created_at        TEXT NOT NULL,
	updated_at        TEXT
);
CREATE UNIQUE INDEX broadcasts_scope_name ON broadcasts(customer_id, IFNULL(owner_id, ''), name);
CREATE TABLE broadcast_targets (
	id                   TEXT PRIMARY KEY,
	broadcast_id         TEXT NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
	name                 TEXT NOT NULL,
	target_path          TEXT NOT NULL,
	routing_key_override TEXT,
	sort_order           INTEGER NOT NULL
);
CREATE INDEX broadcast_targets_broadcast ON broadcast_targets(broadcast_id, sort_order);
`
