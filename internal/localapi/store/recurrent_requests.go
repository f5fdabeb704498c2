package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
)

// RecurrentRequest is a stored recurrent request. BodyTemplate,
// RequestHeaders and Schedule hold JSON, or nil.
type RecurrentRequest struct {
	ID             string
	CustomerID     string
	CreatedBy      *string
	ServiceID      *string
	EnrollmentID   *string
	RequestPath    string
	HTTPMethod     string
	BodyTemplate   *string
	RequestHeaders *string
	Schedule       *string
	ScheduleAnchor *string
	Name           *string
	Status         string
	RunCount       int64
	LastRunAt      *string
	LastStatusCode *int64
	CreatedAt      string
	UpdatedAt      *string
	// NextRunAt is when the scheduler runs it next (nil unless active);
	// LastError is why its last run failed (nil when it got an answer).
	NextRunAt *string
	LastError *string
	// RunAs is the user the request runs as: the one who last changed
	// what it sends (path, body, headers, enrollment).
	RunAs *string
}

const recurrentCols = `id, customer_id, created_by, service_id, enrollment_id, request_path, http_method, body_template, request_headers,
	schedule, schedule_anchor, name, status, run_count, last_run_at, last_status_code, created_at, updated_at, next_run_at, last_error, run_as`

func scanRecurrent(row interface{ Scan(...any) error }) (*RecurrentRequest, error) {
	var r RecurrentRequest
	if err := row.Scan(&r.ID, &r.CustomerID, &r.CreatedBy, &r.ServiceID, &r.EnrollmentID, &r.RequestPath, &r.HTTPMethod, &r.BodyTemplate,
		&r.RequestHeaders, &r.Schedule, &r.ScheduleAnchor, &r.Name, &r.Status, &r.RunCount, &r.LastRunAt, &r.LastStatusCode,
		&r.CreatedAt, &r.UpdatedAt, &r.NextRunAt, &r.LastError, &r.RunAs); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &r, nil
}

// RecurrentFilter narrows ListRecurrentRequests.
type RecurrentFilter struct {
	ServiceID    *string
	EnrollmentID *string
	Status       *string
}

// CreateRecurrentRequest inserts a recurrent request for p's customer.
func (s *Store) CreateRecurrentRequest(ctx context.Context, p Principal, r RecurrentRequest) (*RecurrentRequest, error) {
	r.ID = uuid.NewString()
	r.CustomerID = p.CustomerID
	r.CreatedBy, r.RunAs = &p.UserID, &p.UserID
	r.CreatedAt = ts(s.Now())
	r.RunCount, r.LastRunAt, r.LastStatusCode, r.UpdatedAt, r.LastError = 0, nil, nil, nil, nil
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := recurrentNameFree(ctx, tx, r.CustomerID, r.Name, ""); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO recurrent_requests(`+recurrentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, NULL, ?, NULL, ?)`,
			r.ID, r.CustomerID, r.CreatedBy, r.ServiceID, r.EnrollmentID, r.RequestPath, r.HTTPMethod, r.BodyTemplate, r.RequestHeaders,
			r.Schedule, r.ScheduleAnchor, r.Name, r.Status, r.CreatedAt, r.NextRunAt, r.RunAs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// RecurrentNameTakenError is ErrConflict for a recurrent request name
// another live request of the customer has.
type RecurrentNameTakenError struct{ ExistingID string }

func (e *RecurrentNameTakenError) Error() string {
	return "name taken by recurrent request " + e.ExistingID
}
func (e *RecurrentNameTakenError) Unwrap() error { return ErrConflict }

// recurrentNameFree checks that no recurrent request of the customer
// other than except, and not cancelled, is named name. Names are unique
// per customer among live requests, so a client can find the request a
// lost create made; an unnamed request never clashes.
func recurrentNameFree(ctx context.Context, tx *sql.Tx, customerID string, name *string, except string) error {
	if name == nil {
		return nil
	}
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM recurrent_requests WHERE customer_id = ? AND name = ? AND status != 'cancelled' AND id != ? LIMIT 1`,
		customerID, *name, except).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return &RecurrentNameTakenError{ExistingID: id}
}

// GetRecurrentRequest returns one of p's customer's recurrent requests.
func (s *Store) GetRecurrentRequest(ctx context.Context, p Principal, id string) (*RecurrentRequest, error) {
	return scanRecurrent(s.db.QueryRowContext(ctx, `SELECT `+recurrentCols+` FROM recurrent_requests WHERE id = ? AND customer_id = ?`, id, p.CustomerID))
}

// ListRecurrentRequests returns p's customer's recurrent requests, oldest
// first.
func (s *Store) ListRecurrentRequests(ctx context.Context, p Principal, f RecurrentFilter) ([]*RecurrentRequest, error) {
	q := `SELECT ` + recurrentCols + ` FROM recurrent_requests WHERE customer_id = ?`
	args := []any{p.CustomerID}
	if f.ServiceID != nil {
		q += ` AND service_id = ?`
		args = append(args, *f.ServiceID)
	}
	if f.EnrollmentID != nil {
		q += ` AND enrollment_id = ?`
		args = append(args, *f.EnrollmentID)
	}
	if f.Status != nil {
		q += ` AND status = ?`
		args = append(args, *f.Status)
	}
	return s.queryRecurrent(ctx, q+` ORDER BY created_at, rowid`, args...)
}

// queryRecurrent runs a SELECT of recurrentCols and scans every row.
func (s *Store) queryRecurrent(ctx context.Context, query string, args ...any) ([]*RecurrentRequest, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*RecurrentRequest
	for rows.Next() {
		r, err := scanRecurrent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UpdateRecurrentRequest applies fn to the request id and saves it,
// atomically. fn's error aborts the update and is returned as is. fn may
// change the template fields, schedule, schedule anchor, name, status,
// next run and the user it runs as.
func (s *Store) UpdateRecurrentRequest(ctx context.Context, p Principal, id string, fn func(r *RecurrentRequest) error) (*RecurrentRequest, error) {
	var out *RecurrentRequest
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		r, err := scanRecurrent(tx.QueryRowContext(ctx, `SELECT `+recurrentCols+` FROM recurrent_requests WHERE id = ? AND customer_id = ?`, id, p.CustomerID))
		if err != nil {
			return err
		}
		oldName := r.Name
		if err := fn(r); err != nil {
			return err
		}
		if r.Name != nil && (oldName == nil || *oldName != *r.Name) {
			if err := recurrentNameFree(ctx, tx, r.CustomerID, r.Name, r.ID); err != nil {
				return err
			}
		}
		now := ts(s.Now())
		r.UpdatedAt = &now
		_, err = tx.ExecContext(ctx, `UPDATE recurrent_requests SET request_path = ?, http_method = ?, body_template = ?, request_headers = ?,
			schedule = ?, schedule_anchor = ?, name = ?, status = ?, updated_at = ?, next_run_at = ?, run_as = ? WHERE id = ?`,
			r.RequestPath, r.HTTPMethod, r.BodyTemplate, r.RequestHeaders, r.Schedule, r.ScheduleAnchor, r.Name, r.Status, now, r.NextRunAt, r.RunAs, r.ID)
		out = r
		return err
	})
	return out, err
}

// DeleteRecurrentRequest removes one of p's customer's recurrent requests.
func (s *Store) DeleteRecurrentRequest(ctx context.Context, p Principal, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM recurrent_requests WHERE id = ? AND customer_id = ?`, id, p.CustomerID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
