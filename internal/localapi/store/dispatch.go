package store

import (
	"context"
	"strings"
)

// FindCollection returns the collection named name that dispatch to
// /g/<name> reaches: the caller's personal one, else the team's shared
// one.
func (s *Store) FindCollection(ctx context.Context, p Principal, name string) (*Collection, error) {
	return scanCollection(s.db.QueryRowContext(ctx, `SELECT `+collectionCols+` FROM collections c WHERE c.name = ? AND `+visibleCollection+`
		ORDER BY c.role_id IS NULL LIMIT 1`, name, p.CustomerID, p.UserID))
}

// FindEnrollmentByCode returns the enrollment with code (case does not
// matter) if the caller can see it.
func (s *Store) FindEnrollmentByCode(ctx context.Context, p Principal, code string) (*Enrollment, error) {
	return s.scanEnrollment(s.db.QueryRowContext(ctx, `SELECT `+enrollmentCols+` FROM enrollments
		WHERE code = ? AND `+scopeWhere(ScopeAll), strings.ToUpper(code), p.CustomerID, p.UserID))
}

// SecretNames returns the names of the secrets the caller can use (its
// personal ones and the team's shared ones), without reading values.
func (s *Store) SecretNames(ctx context.Context, p Principal) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM secrets WHERE customer_id = ? AND (role_id IS NULL OR role_id = ?)`, p.CustomerID, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}
