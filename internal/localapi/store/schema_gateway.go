package store

// schemaGateway creates what the gateway and the scheduler write:
//
// request_logs holds one row per upstream attempt (a chain's steps each
// get one) and per request the gateway refused, for users who started
// logging; event_id groups the rows of one gateway request. Stored
// headers have credentials redacted; bodies are 8 KB previews unless the
// user chose complete logging.
//
// request_logging is each user's logging switch and mode.
//
// recurrent_requests gains next_run_at (when the scheduler runs it next;
// NULL unless active) and last_error.
const schemaGateway = `
CREATE TABLE request_logs (
	id                   TEXT PRIMARY KEY,
	event_id             TEXT NOT NULL,
	customer_id          TEXT NOT NULL REFERENCES customers(id),
	user_id              TEXT NOT NULL REFERENCES users(id),
	event_timestamp      TEXT NOT NULL,
	gateway_source       TEXT NOT NULL,                  -- apisix (dispatch) | backend (scheduled runs)
	service_id           TEXT,
	enrollment_id        TEXT,
	method               TEXT NOT NULL,
	path                 TEXT NOT NULL,                  -- the gateway path the caller requested
	target_path          TEXT,                           -- what this attempt dispatched (a chain step's path)
	status_code          INTEGER,
	time_ms              REAL,
	error_source         TEXT,                           -- gateway | upstream
	error_type           TEXT,                           -- no_route | missing_secret | timeout | transport | upstream_status
	error_detail         TEXT,
	recurrent_request_id TEXT,
	request_headers      TEXT,                           -- JSON object, credentials redacted
	request_body         TEXT,
	request_content_type TEXT NOT NULL,
	has_response         INTEGER NOT NULL,               -- whether an upstream answered
	response_headers     TEXT,
	response_body        TEXT,
	usage_charge         TEXT,
	usage_metrics        TEXT
);
CREATE INDEX request_logs_customer_time ON request_logs(customer_id, event_timestamp);
CREATE TABLE request_logging (
	user_id  TEXT PRIMARY KEY REFERENCES users(id),
	enabled  INTEGER NOT NULL,
	truncate INTEGER NOT NULL                            -- 1: 8 KB previews; 0: complete bodies
);
ALTER TABLE recurrent_requests ADD COLUMN next_run_at TEXT;
ALTER TABLE recurrent_requests ADD COLUMN last_error TEXT;
CREATE INDEX recurrent_requests_due ON recurrent_requests(status, next_run_at);
`
