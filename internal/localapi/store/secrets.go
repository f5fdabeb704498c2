package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
)

// Secret is a stored secret with its value decrypted.
type Secret struct {
	ID          string
	CustomerID  string
	RoleID      *string // nil: shared scope
	Name        string
	Description *string
	Sensitive   bool
	Value       string
	CreatedAt   string
	UpdatedAt   *string
	LastUsedAt  *string
}

const secretCols = `id, customer_id, role_id, name, description, sensitive, value_sealed, created_at, updated_at, last_used_at`

func (s *Store) scanSecret(row interface{ Scan(...any) error }) (*Secret, error) {
	var sec Secret
	var sealed []byte
	if err := row.Scan(&sec.ID, &sec.CustomerID, &sec.RoleID, &sec.Name, &sec.Description, &sec.Sensitive, &sealed, &sec.CreatedAt, &sec.UpdatedAt, &sec.LastUsedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	v, err := s.sealer.open(sealed)
	if err != nil {
		return nil, err
	}
	sec.Value = v
	return &sec, nil
}

// scopeRole returns the role id of a scope: the user for personal, nil
// for shared.
func scopeRole(p Principal, shared bool) *string {
	if shared {
		return nil
	}
	return &p.UserID
}

// ListSecrets returns the caller's personal secrets and the team's
// shared ones, ordered by name then scope (personal first).
func (s *Store) ListSecrets(ctx context.Context, p Principal) ([]*Secret, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+secretCols+` FROM secrets
		WHERE customer_id = ? AND (role_id IS NULL OR role_id = ?)
		ORDER BY name, role_id IS NULL`, p.CustomerID, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Secret
	for rows.Next() {
		sec, err := s.scanSecret(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	return out, rows.Err()
}

// GetSecretInScope returns the secret named name in exactly one scope.
func (s *Store) GetSecretInScope(ctx context.Context, p Principal, name string, shared bool) (*Secret, error) {
	return s.scanSecret(s.db.QueryRowContext(ctx, `SELECT `+secretCols+` FROM secrets
		WHERE customer_id = ? AND name = ? AND IFNULL(role_id, '') = IFNULL(?, '')`, p.CustomerID, name, scopeRole(p, shared)))
}

// SecretWrite is what PUT /secrets/{name} asks for.
type SecretWrite struct {
	Value       string
	Sensitive   *bool
	Description *string
}

// SetSecret creates or updates a secret in one scope. created reports an
// insert. Changing sensitive on an existing secret is ErrConflict.
func (s *Store) SetSecret(ctx context.Context, p Principal, name string, shared bool, w SecretWrite) (sec *Secret, created bool, err error) {
	defer s.secretsChanged() // dispatch.go: after the write is committed
	sealed, err := s.sealer.seal(w.Value)
	if err != nil {
		return nil, false, err
	}
	now := ts(s.Now())
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		role := scopeRole(p, shared)
		var id string
		var sensitive bool
		err := tx.QueryRowContext(ctx, `SELECT id, sensitive FROM secrets WHERE customer_id = ? AND name = ? AND IFNULL(role_id, '') = IFNULL(?, '')`,
			p.CustomerID, name, role).Scan(&id, &sensitive)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created = true
			sens := true
			if w.Sensitive != nil {
				sens = *w.Sensitive
			}
			id = uuid.NewString()
			_, err = tx.ExecContext(ctx, `INSERT INTO secrets(`+secretCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
				id, p.CustomerID, role, name, w.Description, sens, sealed, now)
			return err
		case err != nil:
			return err
		}
		if w.Sensitive != nil && *w.Sensitive != sensitive {
			return ErrConflict
		}
		if w.Description != nil {
			_, err = tx.ExecContext(ctx, `UPDATE secrets SET value_sealed = ?, description = ?, updated_at = ? WHERE id = ?`, sealed, *w.Description, now, id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE secrets SET value_sealed = ?, updated_at = ? WHERE id = ?`, sealed, now, id)
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	sec, err = s.GetSecretInScope(ctx, p, name, shared)
	return sec, created, err
}

// DeleteSecret deletes the secret named name in one scope.
func (s *Store) DeleteSecret(ctx context.Context, p Principal, name string, shared bool) error {
	defer s.secretsChanged() // dispatch.go: after the write is committed
	res, err := s.db.ExecContext(ctx, `DELETE FROM secrets WHERE customer_id = ? AND name = ? AND IFNULL(role_id, '') = IFNULL(?, '')`,
		p.CustomerID, name, scopeRole(p, shared))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
