package store

// migrations lists every schema step in order. Each API area owns its
// step; a released step is never edited, only followed by a new one.
var migrations = []migration{
	{1, "customers, users and secrets", schemaCore},
	{2, "enrollments and collections", schemaCollections},                         // schema_collections.go
	{3, "chains and broadcasts", schemaRouting},                                   // schema_routing.go
	{4, "aliases and recurrent requests", schemaSchedules},                        // schema_schedules.go
	{5, "request logs and recurrent run state", schemaGateway},                    // schema_gateway.go
	{6, "enrollment parameters sent as sensitive", schemaEnrollmentSensitiveKeys}, // enrollments.go
}

const schemaCore = `
CREATE TABLE customers (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE TABLE users (
	id           TEXT PRIMARY KEY,
	customer_id  TEXT NOT NULL REFERENCES customers(id),
	api_key_hash TEXT NOT NULL UNIQUE,
	created_at   TEXT NOT NULL
);
CREATE TABLE secrets (
	id           TEXT PRIMARY KEY,
	customer_id  TEXT NOT NULL REFERENCES customers(id),
	role_id      TEXT REFERENCES users(id),          -- NULL: shared (team) scope
	name         TEXT NOT NULL,
	description  TEXT,
	sensitive    INTEGER NOT NULL,
	value_sealed BLOB NOT NULL,
	created_at   TEXT NOT NULL,
	updated_at   TEXT,
	last_used_at TEXT
);
CREATE UNIQUE INDEX secrets_scope_name ON secrets(customer_id, IFNULL(role_id, ''), name);
`
