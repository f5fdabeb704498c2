package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Enrollment statuses.
const (
	EnrollmentPending    = "pending"
	EnrollmentIncomplete = "incomplete"
	EnrollmentActive     = "active"
	EnrollmentPaused     = "paused"
	EnrollmentCancelled  = "cancelled"
)

// Enrollment is a customer's enrollment in a service, with its parameters
// decrypted and its status resolved at the time it was read.
type Enrollment struct {
	ID         string
	CustomerID string
	RoleID     *string // nil: shared scope
	ServiceID  string
	Status     string
	Parameters map[string]any
	// SensitiveKeys names the parameters the customer sent as sensitive
	// (on any create that made or reactivated it): reads mask them
	// whatever their names.
	SensitiveKeys []string
	Code          string
	CreatedAt     string
	UpdatedAt     *string

	pendingUntil   *string
	pendingOutcome *string
}

// EnrollmentWrite is what Enroll stores.
type EnrollmentWrite struct {
	ServiceID  string
	Parameters map[string]any
	// SensitiveKeys names the parameters sent as sensitive.
	SensitiveKeys []string
	Shared        bool
	// Outcome is the status the enrollment takes once PendingUntil has
	// passed: active, or incomplete when a required parameter is missing.
	Outcome      string
	PendingUntil time.Time
}

// DuplicateEnrollmentError is returned by Enroll when a live (not
// cancelled) enrollment with the same service and parameters exists in
// the same scope.
type DuplicateEnrollmentError struct{ Existing *Enrollment }

func (e *DuplicateEnrollmentError) Error() string {
	return fmt.Sprintf("an enrollment with these parameters already exists: %s", e.Existing.ID)
}

func (e *DuplicateEnrollmentError) Unwrap() error { return ErrConflict }

const enrollmentCols = `id, customer_id, role_id, service_id, status, pending_until, pending_outcome, parameters_sealed, code, created_at, updated_at, sensitive_keys`

// schemaEnrollmentSensitiveKeys records, per enrollment, the names of the
// parameters the customer sent as sensitive (a JSON array of strings;
// names only, so not sealed).
const schemaEnrollmentSensitiveKeys = `
ALTER TABLE enrollments ADD COLUMN sensitive_keys TEXT NOT NULL DEFAULT '[]';
`

// crockford is Crockford's base32 alphabet (no I, L, O, U).
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func (s *Store) scanEnrollment(row interface{ Scan(...any) error }) (*Enrollment, error) {
	var e Enrollment
	var sealed []byte
	var sensitive string
	if err := row.Scan(&e.ID, &e.CustomerID, &e.RoleID, &e.ServiceID, &e.Status, &e.pendingUntil, &e.pendingOutcome, &sealed, &e.Code, &e.CreatedAt, &e.UpdatedAt, &sensitive); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	plain, err := s.sealer.open(sealed)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(plain), &e.Parameters); err != nil {
		return nil, fmt.Errorf("decoding enrollment parameters: %w", err)
	}
	if e.Parameters == nil {
		e.Parameters = map[string]any{}
	}
	if err := json.Unmarshal([]byte(sensitive), &e.SensitiveKeys); err != nil {
		return nil, fmt.Errorf("decoding enrollment sensitive keys: %w", err)
	}
	e.resolve(s.Now())
	return &e, nil
}

// resolve moves a pending enrollment whose delay has passed to its
// outcome; the change is visible from pending_until on.
func (e *Enrollment) resolve(now time.Time) {
	if e.Status != EnrollmentPending || e.pendingUntil == nil || e.pendingOutcome == nil {
		return
	}
	if ts(now) < *e.pendingUntil {
		return
	}
	e.Status = *e.pendingOutcome
	at := *e.pendingUntil
	e.UpdatedAt = &at
}

func (s *Store) queryEnrollments(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, where string, args ...any) ([]*Enrollment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+enrollmentCols+` FROM enrollments WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Enrollment
	for rows.Next() {
		e, err := s.scanEnrollment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EnrollmentScope selects which enrollments ListEnrollments returns.
type EnrollmentScope int

const (
	// ScopeAll is the caller's personal enrollments and the team's shared ones.
	ScopeAll EnrollmentScope = iota
	// ScopePersonal is the caller's personal enrollments only.
	ScopePersonal
	// ScopeShared is the team's shared enrollments only.
	ScopeShared
)

func scopeWhere(scope EnrollmentScope) string {
	switch scope {
	case ScopePersonal:
		return `customer_id = ? AND role_id = ?`
	case ScopeShared:
		return `customer_id = ? AND role_id IS NULL AND ? IS NOT NULL`
	}
	return `customer_id = ? AND (role_id IS NULL OR role_id = ?)`
}

// ListEnrollments returns the enrollments of scope visible to p, oldest first.
func (s *Store) ListEnrollments(ctx context.Context, p Principal, scope EnrollmentScope) ([]*Enrollment, error) {
	return s.queryEnrollments(ctx, s.db, scopeWhere(scope), p.CustomerID, p.UserID)
}

// ServiceEnrollments returns the enrollments visible to p for one service.
func (s *Store) ServiceEnrollments(ctx context.Context, p Principal, serviceID string) ([]*Enrollment, error) {
	return s.queryEnrollments(ctx, s.db, scopeWhere(ScopeAll)+` AND service_id = ?`, p.CustomerID, p.UserID, serviceID)
}

// HasActiveEnrollment reports whether p can see an active enrollment in
// the service.
func (s *Store) HasActiveEnrollment(ctx context.Context, p Principal, serviceID string) (bool, error) {
	es, err := s.ServiceEnrollments(ctx, p, serviceID)
	if err != nil {
		return false, err
	}
	for _, e := range es {
		if e.Status == EnrollmentActive {
			return true, nil
		}
	}
	return false, nil
}

// GetEnrollment returns an enrollment visible to p.
func (s *Store) GetEnrollment(ctx context.Context, p Principal, id string) (*Enrollment, error) {
	return s.scanEnrollment(s.db.QueryRowContext(ctx, `SELECT `+enrollmentCols+` FROM enrollments
		WHERE id = ? AND `+scopeWhere(ScopeAll), id, p.CustomerID, p.UserID))
}

// sameParameters compares two parameter objects by their canonical JSON.
func sameParameters(a, b map[string]any) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// sensitiveKeysJSON is the sorted union of key lists as a JSON array.
func sensitiveKeysJSON(lists ...[]string) string {
	var all []string
	for _, l := range lists {
		for _, k := range l {
			if !slices.Contains(all, k) {
				all = append(all, k)
			}
		}
	}
	slices.Sort(all)
	if all == nil {
		all = []string{}
	}
	b, _ := json.Marshal(all)
	return string(b)
}

// Enroll creates a pending enrollment. Enrolling again in the same scope
// with the same service and parameters reactivates a cancelled enrollment
// (same id and code) and returns reactivated=true; a live one yields a
// *DuplicateEnrollmentError. Which keys were sent as sensitive does not
// make parameters different; a reactivated enrollment keeps the keys
// sent as sensitive before, plus the new ones (a value once sent as
// sensitive is never shown again).
func (s *Store) Enroll(ctx context.Context, p Principal, w EnrollmentWrite) (e *Enrollment, reactivated bool, err error) {
	defer s.enrollmentsChanged() // dispatch.go: after the write is committed
	params := w.Parameters
	if params == nil {
		params = map[string]any{}
	}
	plain, err := json.Marshal(params)
	if err != nil {
		return nil, false, err
	}
	role := scopeRole(p, w.Shared)
	now := ts(s.Now())
	until := ts(w.PendingUntil)
	var id string
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		existing, err := s.queryEnrollments(ctx, tx, `customer_id = ? AND IFNULL(role_id, '') = IFNULL(?, '') AND service_id = ?`,
			p.CustomerID, role, w.ServiceID)
		if err != nil {
			return err
		}
		for _, old := range existing {
			if !sameParameters(old.Parameters, params) {
				continue
			}
			if old.Status != EnrollmentCancelled {
				return &DuplicateEnrollmentError{Existing: old}
			}
			id, reactivated = old.ID, true
			_, err := tx.ExecContext(ctx, `UPDATE enrollments SET status = ?, pending_until = ?, pending_outcome = ?, updated_at = ?, sensitive_keys = ? WHERE id = ?`,
				EnrollmentPending, until, w.Outcome, now, sensitiveKeysJSON(old.SensitiveKeys, w.SensitiveKeys), old.ID)
			return err
		}
		sealed, err := s.sealer.seal(string(plain))
		if err != nil {
			return err
		}
		code, err := uniqueCode(ctx, tx)
		if err != nil {
			return err
		}
		id = uuid.NewString()
		_, err = tx.ExecContext(ctx, `INSERT INTO enrollments(`+enrollmentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
			id, p.CustomerID, role, w.ServiceID, EnrollmentPending, until, w.Outcome, sealed, code, now, sensitiveKeysJSON(w.SensitiveKeys))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	e, err = s.GetEnrollment(ctx, p, id)
	return e, reactivated, err
}

// uniqueCode draws 4-character Crockford base32 codes until one is free.
func uniqueCode(ctx context.Context, tx *sql.Tx) (string, error) {
	for range 64 {
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		for i := range b {
			b[i] = crockford[int(b[i])%len(crockford)]
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrollments WHERE code = ?`, string(b)).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return string(b), nil
		}
	}
	return "", errors.New("no free enrollment code found")
}

// CancelEnrollment cancels an enrollment visible to p, keeping the row.
// Cancelling a cancelled enrollment is a no-op.
func (s *Store) CancelEnrollment(ctx context.Context, p Principal, id string) (*Enrollment, error) {
	defer s.enrollmentsChanged() // dispatch.go: after the write is committed
	e, err := s.GetEnrollment(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if e.Status == EnrollmentCancelled {
		return e, nil
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE enrollments SET status = ?, pending_until = NULL, pending_outcome = NULL, updated_at = ? WHERE id = ?`,
		EnrollmentCancelled, ts(s.Now()), id); err != nil {
		return nil, err
	}
	return s.GetEnrollment(ctx, p, id)
}
