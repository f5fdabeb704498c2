package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
)

// Alias is a stored alias. RequestRoutingKey and RoutingKeyOverride hold
// canonical JSON objects, or nil.
type Alias struct {
	ID                 string
	CustomerID         string
	OwnerID            *string // nil: shared scope
	Name               string
	Description        *string
	RequestRoutingKey  *string
	TargetPath         string
	RoutingKeyOverride *string
	IsRouting          bool
	CreatedAt          string
	UpdatedAt          *string
	DeactivatedAt      *string
}

const aliasCols = `id, customer_id, owner_id, name, description, request_routing_key, target_path, routing_key_override, is_routing, created_at, updated_at, deactivated_at`

func scanAlias(row interface{ Scan(...any) error }) (*Alias, error) {
	var a Alias
	if err := row.Scan(&a.ID, &a.CustomerID, &a.OwnerID, &a.Name, &a.Description, &a.RequestRoutingKey, &a.TargetPath,
		&a.RoutingKeyOverride, &a.IsRouting, &a.CreatedAt, &a.UpdatedAt, &a.DeactivatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &a, nil
}

// aliasVisible restricts a query to the aliases the principal sees: its
// customer's shared ones and its own personal ones.
const aliasVisible = `customer_id = ? AND (owner_id IS NULL OR owner_id = ?)`

// AliasFilter narrows ListAliases.
type AliasFilter struct {
	Name               *string // exact name
	IncludeDeactivated bool
	SharedOnly         bool
}

// ListAliases returns the aliases visible to p, oldest first.
func (s *Store) ListAliases(ctx context.Context, p Principal, f AliasFilter) ([]*Alias, error) {
	q := `SELECT ` + aliasCols + ` FROM aliases WHERE ` + aliasVisible
	args := []any{p.CustomerID, p.UserID}
	if f.Name != nil {
		q += ` AND name = ?`
		args = append(args, *f.Name)
	}
	if !f.IncludeDeactivated {
		q += ` AND deactivated_at IS NULL`
	}
	if f.SharedOnly {
		q += ` AND owner_id IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at, rowid`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Alias
	for rows.Next() {
		a, err := scanAlias(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAlias returns an alias visible to p by id, deactivated or not.
func (s *Store) GetAlias(ctx context.Context, p Principal, id string) (*Alias, error) {
	return scanAlias(s.db.QueryRowContext(ctx, `SELECT `+aliasCols+` FROM aliases WHERE id = ? AND `+aliasVisible, id, p.CustomerID, p.UserID))
}

func getAliasTx(ctx context.Context, tx *sql.Tx, p Principal, id string) (*Alias, error) {
	return scanAlias(tx.QueryRowContext(ctx, `SELECT `+aliasCols+` FROM aliases WHERE id = ? AND `+aliasVisible, id, p.CustomerID, p.UserID))
}

// routingSibling returns the id of the live alias other than exceptID
// routing a's (scope, name, request_routing_key), or "".
func routingSibling(ctx context.Context, tx *sql.Tx, a *Alias, exceptID string) (string, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM aliases WHERE customer_id = ? AND IFNULL(owner_id, '') = IFNULL(?, '')
		AND name = ? AND IFNULL(request_routing_key, '') = IFNULL(?, '') AND is_routing = 1 AND deactivated_at IS NULL AND id <> ?`,
		a.CustomerID, a.OwnerID, a.Name, a.RequestRoutingKey, exceptID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// identityTaken reports whether another live alias of a's scope has a's
// (name, request_routing_key, target_path).
func identityTaken(ctx context.Context, tx *sql.Tx, a *Alias) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM aliases WHERE customer_id = ? AND IFNULL(owner_id, '') = IFNULL(?, '')
		AND name = ? AND IFNULL(request_routing_key, '') = IFNULL(?, '') AND target_path = ? AND deactivated_at IS NULL AND id <> ?`,
		a.CustomerID, a.OwnerID, a.Name, a.RequestRoutingKey, a.TargetPath, a.ID).Scan(&n)
	return n > 0, err
}

// CreateAlias inserts an alias in p's personal or the shared scope. An
// alias with the same (name, request_routing_key, target_path) alive in
// that scope is ErrConflict. A routing alias whose (name,
// request_routing_key) another alias already routes is created
// non-routing.
func (s *Store) CreateAlias(ctx context.Context, p Principal, shared bool, a Alias) (*Alias, error) {
	a.ID = uuid.NewString()
	a.CustomerID = p.CustomerID
	a.OwnerID = scopeRole(p, shared)
	a.CreatedAt = ts(s.Now())
	a.UpdatedAt, a.DeactivatedAt = nil, nil
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if taken, err := identityTaken(ctx, tx, &a); err != nil {
			return err
		} else if taken {
			return ErrConflict
		}
		if a.IsRouting {
			sib, err := routingSibling(ctx, tx, &a, a.ID)
			if err != nil {
				return err
			}
			a.IsRouting = sib == ""
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO aliases(`+aliasCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
			a.ID, a.CustomerID, a.OwnerID, a.Name, a.Description, a.RequestRoutingKey, a.TargetPath, a.RoutingKeyOverride, a.IsRouting, a.CreatedAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// UpdateAlias applies fn to the live alias id and saves it, atomically.
// fn may change description, request_routing_key, target_path and
// routing_key_override. A clash with another alias's identity is
// ErrConflict; if the alias routes and its new (name, request_routing_key)
// is already routed by another alias, it becomes non-routing (the rule
// create follows). A deactivated alias is ErrNotFound.
func (s *Store) UpdateAlias(ctx context.Context, p Principal, id string, fn func(a *Alias) error) (*Alias, error) {
	var out *Alias
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		a, err := getAliasTx(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if a.DeactivatedAt != nil {
			return ErrNotFound
		}
		if err := fn(a); err != nil {
			return err
		}
		if taken, err := identityTaken(ctx, tx, a); err != nil {
			return err
		} else if taken {
			return ErrConflict
		}
		if a.IsRouting {
			sib, err := routingSibling(ctx, tx, a, a.ID)
			if err != nil {
				return err
			}
			a.IsRouting = sib == ""
		}
		now := ts(s.Now())
		a.UpdatedAt = &now
		_, err = tx.ExecContext(ctx, `UPDATE aliases SET description = ?, request_routing_key = ?, target_path = ?, routing_key_override = ?,
			is_routing = ?, updated_at = ? WHERE id = ?`, a.Description, a.RequestRoutingKey, a.TargetPath, a.RoutingKeyOverride, a.IsRouting, now, a.ID)
		out = a
		return err
	})
	return out, err
}

// DeactivateAlias sets deactivated_at on a live alias (which also stops
// it routing). A missing or already deactivated alias is ErrNotFound.
func (s *Store) DeactivateAlias(ctx context.Context, p Principal, id string) error {
	now := ts(s.Now())
	res, err := s.db.ExecContext(ctx, `UPDATE aliases SET deactivated_at = ?, is_routing = 0, updated_at = ?
		WHERE id = ? AND deactivated_at IS NULL AND `+aliasVisible, now, now, id, p.CustomerID, p.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SwitchAlias turns routing on or off for the live alias id. Switching on
// atomically demotes the sibling routing the same (scope, name,
// request_routing_key), whose id is returned; switching off promotes
// nobody.
func (s *Store) SwitchAlias(ctx context.Context, p Principal, id string, on bool) (a *Alias, demoted *string, err error) {
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = getAliasTx(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if a.DeactivatedAt != nil {
			return ErrNotFound
		}
		now := ts(s.Now())
		if on && !a.IsRouting {
			sib, err := routingSibling(ctx, tx, a, a.ID)
			if err != nil {
				return err
			}
			if sib != "" {
				if _, err := tx.ExecContext(ctx, `UPDATE aliases SET is_routing = 0, updated_at = ? WHERE id = ?`, now, sib); err != nil {
					return err
				}
				demoted = &sib
			}
		}
		if a.IsRouting != on {
			a.IsRouting = on
			a.UpdatedAt = &now
			_, err = tx.ExecContext(ctx, `UPDATE aliases SET is_routing = ?, updated_at = ? WHERE id = ?`, on, now, a.ID)
		}
		return err
	})
	return a, demoted, err
}
