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

// InsertRequestLogs stores rows in one transaction.
func (s *Store) InsertRequestLogs(ctx context.Context, logs []*RequestLog) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO request_logs(`+requestLogCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
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
