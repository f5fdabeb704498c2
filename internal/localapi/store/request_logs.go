package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"
)

// RequestLog is one request-log row: an upstream attempt, or a request
// the gateway refused.
type RequestLog struct {
	ID                 string
	EventID            string
	CustomerID         string
	UserID             string
	Timestamp          time.Time
	GatewaySource      string
	ServiceID          *string
	EnrollmentID       *string
	Method             string
	Path               string
	TargetPath         *string
	StatusCode         *int
	TimeMS             *float64
	ErrorSource        *string
	ErrorType          *string
	ErrorDetail        *string
	RecurrentRequestID *string
	RequestHeaders     map[string]string
	RequestBody        *string
	RequestContentType string
	HasResponse        bool
	ResponseHeaders    map[string]string
	ResponseBody       *string
	UsageCharge        *string
	UsageMetrics       *string
}

const requestLogCols = `id, event_id, customer_id, user_id, event_timestamp, gateway_source, service_id, enrollment_id, method, path,
	target_path, status_code, time_ms, error_source, error_type, error_detail, recurrent_request_id, request_headers, request_body,
	request_content_type, has_response, response_headers, response_body, usage_charge, usage_metrics`

func headersJSON(h map[string]string) *string {
	if h == nil {
		return nil
	}
	b, _ := json.Marshal(h)
	s := string(b)
	return &s
}

// insertRequestLog is the statement InsertRequestLogs runs per row.
const insertRequestLog = `INSERT INTO request_logs(` + requestLogCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// InsertRequestLogs stores rows in one transaction. The statement is
// prepared once per store (parsing it again for every batch was a tenth
// of the writer's time).
func (s *Store) InsertRequestLogs(ctx context.Context, logs []*RequestLog) error {
	prepared, err := s.logging.insert(ctx, s.db)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		stmt := tx.StmtContext(ctx, prepared)
		defer stmt.Close()
		for _, l := range logs {
			if _, err := stmt.ExecContext(ctx, l.ID, l.EventID, l.CustomerID, l.UserID, ts(l.Timestamp), l.GatewaySource, l.ServiceID, l.EnrollmentID,
				l.Method, l.Path, l.TargetPath, l.StatusCode, l.TimeMS, l.ErrorSource, l.ErrorType, l.ErrorDetail, l.RecurrentRequestID,
				headersJSON(l.RequestHeaders), l.RequestBody, l.RequestContentType, l.HasResponse, headersJSON(l.ResponseHeaders),
				l.ResponseBody, l.UsageCharge, l.UsageMetrics); err != nil {
				return err
			}
		}
		return nil
	})
}

// insert returns the prepared insert statement, preparing it on first
// use.
func (c *loggingCache) insert(ctx context.Context, db *sql.DB) (*sql.Stmt, error) {
	c.stmtMu.Lock()
	defer c.stmtMu.Unlock()
	if c.stmt == nil {
		stmt, err := db.PrepareContext(ctx, insertRequestLog)
		if err != nil {
			return nil, err
		}
		c.stmt = stmt
	}
	return c.stmt, nil
}

func scanRequestLog(row interface{ Scan(...any) error }) (*RequestLog, error) {
	var l RequestLog
	var at string
	var reqH, respH *string
	if err := row.Scan(&l.ID, &l.EventID, &l.CustomerID, &l.UserID, &at, &l.GatewaySource, &l.ServiceID, &l.EnrollmentID, &l.Method, &l.Path,
		&l.TargetPath, &l.StatusCode, &l.TimeMS, &l.ErrorSource, &l.ErrorType, &l.ErrorDetail, &l.RecurrentRequestID, &reqH, &l.RequestBody,
		&l.RequestContentType, &l.HasResponse, &respH, &l.ResponseBody, &l.UsageCharge, &l.UsageMetrics); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return nil, err
	}
	l.Timestamp = t
	for _, h := range []struct {
		raw *string
		dst *map[string]string
	}{{reqH, &l.RequestHeaders}, {respH, &l.ResponseHeaders}} {
		if h.raw != nil {
			if err := json.Unmarshal([]byte(*h.raw), h.dst); err != nil {
				return nil, err
			}
		}
	}
	return &l, nil
}

// RequestLogFilter narrows ListRequestLogs; nil and zero fields do not
// filter. Start and End are inclusive.
type RequestLogFilter struct {
	ServiceID, EnrollmentID, RecurrentRequestID *string
	StatusMin, StatusMax                        *int
	Start, End                                  time.Time
	PathPrefix                                  *string
	ErrorSource, ErrorType, GatewaySource       *string
	Skip, Limit                                 int
}

// ListRequestLogs returns one page of the customer's rows matching f,
// newest first, and how many match in all.
func (s *Store) ListRequestLogs(ctx context.Context, p Principal, f RequestLogFilter) ([]*RequestLog, int, error) {
	s.FlushRequestLogs()
	where := `customer_id = ?`
	args := []any{p.CustomerID}
	eq := func(col string, v *string) {
		if v != nil {
			where += ` AND ` + col + ` = ?`
			args = append(args, *v)
		}
	}
	eq("service_id", f.ServiceID)
	eq("enrollment_id", f.EnrollmentID)
	eq("recurrent_request_id", f.RecurrentRequestID)
	eq("error_source", f.ErrorSource)
	eq("error_type", f.ErrorType)
	eq("gateway_source", f.GatewaySource)
	if f.StatusMin != nil {
		where += ` AND status_code >= ?`
		args = append(args, *f.StatusMin)
	}
	if f.StatusMax != nil {
		where += ` AND status_code <= ?`
		args = append(args, *f.StatusMax)
	}
	if !f.Start.IsZero() {
		where += ` AND event_timestamp >= ?`
		args = append(args, ts(f.Start))
	}
	if !f.End.IsZero() {
		where += ` AND event_timestamp <= ?`
		args = append(args, ts(f.End))
	}
	if f.PathPrefix != nil {
		prefix := "/" + strings.TrimLeft(*f.PathPrefix, "/")
		where += ` AND substr(path, 1, ?) = ?`
		args = append(args, len(prefix), prefix)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM request_logs WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestLogCols+` FROM request_logs WHERE `+where+`
		ORDER BY event_timestamp DESC, rowid DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*RequestLog{}
	for rows.Next() {
		l, err := scanRequestLog(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, l)
	}
	return out, total, rows.Err()
}

// GetRequestLog returns one of the customer's rows.
func (s *Store) GetRequestLog(ctx context.Context, p Principal, id string) (*RequestLog, error) {
	s.FlushRequestLogs()
	return scanRequestLog(s.db.QueryRowContext(ctx, `SELECT `+requestLogCols+` FROM request_logs WHERE id = ? AND customer_id = ?`, id, p.CustomerID))
}

// LoggingPreference is a user's request-logging switch and mode.
type LoggingPreference struct {
	Enabled bool
	// Truncate keeps 8 KB previews of bodies; false keeps them whole.
	Truncate bool
}

// loggingCache holds every user's preference once read: the gateway
// asks on every request, and only this store changes it. gen counts
// changes, so a fill that read the database before a change does not
// store what it read over that change.
type loggingCache struct {
	mu    sync.RWMutex
	prefs map[string]LoggingPreference
	gen   uint64
	// queue holds rows on their way to the database.
	queue logQueue
	// stmt is the prepared insert (insert).
	stmtMu sync.Mutex
	stmt   *sql.Stmt
}

// testHookLoggingFilled runs between a cache fill's read and its store
// (tests: a stop landing in that window).
var testHookLoggingFilled func()

// RequestLogging returns the user's preference; a user who never started
// logging has it off, in truncated mode.
func (s *Store) RequestLogging(ctx context.Context, userID string) (LoggingPreference, error) {
	s.logging.mu.RLock()
	p, ok := s.logging.prefs[userID]
	gen := s.logging.gen
	s.logging.mu.RUnlock()
	if ok {
		return p, nil
	}
	p = LoggingPreference{Truncate: true}
	err := s.db.QueryRowContext(ctx, `SELECT enabled, truncate FROM request_logging WHERE user_id = ?`, userID).Scan(&p.Enabled, &p.Truncate)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	if testHookLoggingFilled != nil {
		testHookLoggingFilled()
	}
	s.logging.fill(userID, p, gen)
	return p, nil
}

// fill caches what a read found, unless a change came after the read
// began (gen moved): the next read then asks the database again.
func (c *loggingCache) fill(userID string, p LoggingPreference, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.prefs == nil {
		c.prefs = map[string]LoggingPreference{}
	}
	c.prefs[userID] = p
}

// changed records a committed change of the user's preference.
func (c *loggingCache) changed(userID string, p LoggingPreference) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.prefs == nil {
		c.prefs = map[string]LoggingPreference{}
	}
	c.prefs[userID] = p
}

// forget drops the user's cached preference (tests: a cold cache).
func (c *loggingCache) forget(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.prefs, userID)
}

// SetRequestLogging switches the user's logging on or off; truncate nil
// keeps the stored mode (truncated when there is none).
func (s *Store) SetRequestLogging(ctx context.Context, userID string, enabled bool, truncate *bool) (LoggingPreference, error) {
	var p LoggingPreference
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		p = LoggingPreference{Enabled: enabled, Truncate: true}
		err := tx.QueryRowContext(ctx, `SELECT truncate FROM request_logging WHERE user_id = ?`, userID).Scan(&p.Truncate)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if truncate != nil {
			p.Truncate = *truncate
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO request_logging(user_id, enabled, truncate) VALUES (?, ?, ?)
			ON CONFLICT(user_id) DO UPDATE SET enabled = excluded.enabled, truncate = excluded.truncate`, userID, p.Enabled, p.Truncate)
		return err
	})
	if err == nil {
		s.logging.changed(userID, p)
	}
	return p, err
}

// Request-log writes are queued and written in batches off the
// gateway's path (SQLite has one connection; a write per attempt would
// make every dispatch wait for it). The queue is bounded in rows and in
// bytes: past either, rows are dropped and counted.
const (
	logQueueRows  = 4096
	logQueueBytes = 64 << 20
	logBatch      = 256
)

// logLinger is how long the writer lets rows gather before it starts a
// transaction, unless a batch is full or a reader waits (Flush):
// one transaction per few rows cost more than the rows themselves. A
// variable for tests.
var logLinger = 20 * time.Millisecond

// logQueue is the pending rows and the writer's progress.
type logQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	rows    []*RequestLog
	bytes   int
	queued  uint64 // rows accepted, in all
	written uint64 // rows the writer has finished with (stored or failed)
	dropped uint64
	failed  uint64
	started bool
	closed  bool
	wake    chan struct{}
	done    chan struct{}
	// urgent ends the writer's linger: a batch is full, a reader waits
	// (flushing counts the waiting readers) or the queue is closed.
	urgent   chan struct{}
	flushing int
}

// hurry ends the writer's linger (q.mu held).
func (q *logQueue) hurry() {
	select {
	case q.urgent <- struct{}{}:
	default:
	}
}

func rowBytes(l *RequestLog) int {
	n := 512
	for _, s := range []*string{l.RequestBody, l.ResponseBody, l.ErrorDetail} {
		if s != nil {
			n += len(*s)
		}
	}
	return n
}

// EnqueueRequestLog queues a row for the writer; it never blocks. A row
// that does not fit in the queue is dropped and counted
// (RequestLogStats).
func (s *Store) EnqueueRequestLog(l *RequestLog) {
	q := &s.logging.queue
	size := rowBytes(l)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || len(q.rows) >= logQueueRows || q.bytes+size > logQueueBytes {
		q.dropped++
		return
	}
	if !q.started {
		q.started = true
		q.cond = sync.NewCond(&q.mu)
		q.wake, q.done, q.urgent = make(chan struct{}, 1), make(chan struct{}), make(chan struct{}, 1)
		go s.writeLogs()
	}
	q.rows = append(q.rows, l)
	q.bytes += size
	q.queued++
	select {
	case q.wake <- struct{}{}:
	default:
	}
	if len(q.rows) >= logBatch {
		q.hurry()
	}
}

// writeLogs is the writer: it stores what is queued, up to logBatch rows
// per transaction, until the queue is closed and empty. Rows that arrive
// while nobody waits for them gather for logLinger first.
func (s *Store) writeLogs() {
	q := &s.logging.queue
	defer close(q.done)
	linger := time.NewTimer(logLinger)
	for {
		q.mu.Lock()
		for len(q.rows) == 0 && !q.closed {
			q.mu.Unlock()
			<-q.wake
			q.mu.Lock()
		}
		if len(q.rows) < logBatch && !q.closed && q.flushing == 0 {
			q.mu.Unlock()
			linger.Reset(logLinger)
			select {
			case <-linger.C:
			case <-q.urgent:
				linger.Stop()
			}
			q.mu.Lock()
		}
		if len(q.rows) == 0 && q.closed {
			q.mu.Unlock()
			return
		}
		n := min(len(q.rows), logBatch)
		batch := q.rows[:n:n]
		q.rows = q.rows[n:]
		for _, l := range batch {
			q.bytes -= rowBytes(l)
		}
		q.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := s.InsertRequestLogs(ctx, batch)
		cancel()
		q.mu.Lock()
		if err != nil {
			q.failed += uint64(n)
		}
		q.written += uint64(n)
		q.cond.Broadcast()
		q.mu.Unlock()
	}
}

// FlushRequestLogs waits until every row queued before the call is
// written. Reads of request logs call it, so a caller that has its
// answer finds its rows.
func (s *Store) FlushRequestLogs() {
	q := &s.logging.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	target := q.queued
	if !q.started || q.written >= target {
		return
	}
	q.flushing++
	defer func() { q.flushing-- }()
	q.hurry()
	for q.written < target {
		q.cond.Wait()
	}
}

// closeLogs writes what is queued and stops the writer (Close).
func (s *Store) closeLogs() {
	q := &s.logging.queue
	q.mu.Lock()
	q.closed = true
	started := q.started
	if started {
		select {
		case q.wake <- struct{}{}:
		default:
		}
		q.hurry()
	}
	q.mu.Unlock()
	if started {
		<-q.done
	}
}

// RequestLogStats counts rows dropped because the queue was full and
// rows the writer could not store.
type RequestLogStats struct {
	Dropped, Failed uint64
}

// RequestLogStats returns the counts since the store was opened.
func (s *Store) RequestLogStats() RequestLogStats {
	q := &s.logging.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	return RequestLogStats{Dropped: q.dropped, Failed: q.failed}
}

// PruneRequestLogs deletes rows older than before (zero: none by age) and
// then the oldest rows past maxRows (zero or less: no cap). It returns how
// many rows it deleted.
func (s *Store) PruneRequestLogs(ctx context.Context, before time.Time, maxRows int) (int64, error) {
	var deleted int64
	if !before.IsZero() {
		res, err := s.db.ExecContext(ctx, `DELETE FROM request_logs WHERE event_timestamp < ?`, ts(before))
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		deleted += n
	}
	if maxRows > 0 {
		res, err := s.db.ExecContext(ctx, `DELETE FROM request_logs WHERE rowid IN (
			SELECT rowid FROM request_logs ORDER BY event_timestamp DESC, rowid DESC LIMIT -1 OFFSET ?)`, maxRows)
		if err != nil {
			return deleted, err
		}
		n, _ := res.RowsAffected()
		deleted += n
	}
	return deleted, nil
}
