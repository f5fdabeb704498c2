package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/google/uuid"
)

// Broadcast is a stored broadcast with its targets in sort order.
type Broadcast struct {
	ID              string
	CustomerID      string
	OwnerID         *string // nil: shared (team) scope
	Name            string
	Description     *string
	Mode            string
	TargetTimeoutMS int64
	Enabled         bool
	CreatedAt       string
	UpdatedAt       *string
	Targets         []*BroadcastTarget
}

// BroadcastTarget is one target of a broadcast.
type BroadcastTarget struct {
	ID                 string
	BroadcastID        string
	Name               string
	TargetPath         string
	RoutingKeyOverride map[string]any // nil when unset
	SortOrder          int64
}

// BroadcastTargetWrite is a target as created (POST or PUT of targets).
type BroadcastTargetWrite struct {
	Name               string
	TargetPath         string
	RoutingKeyOverride map[string]any
	SortOrder          int64
}

// BroadcastWrite is what creating a broadcast asks for (defaults applied).
type BroadcastWrite struct {
	Name            string
	Description     *string
	Mode            string
	TargetTimeoutMS int64
	Enabled         bool
	Targets         []BroadcastTargetWrite
}

// BroadcastPatch is a partial update; nil fields are left alone, and
// Description is applied when SetDescription is true (nil clears it).
type BroadcastPatch struct {
	SetDescription  bool
	Description     *string
	Mode            *string
	TargetTimeoutMS *int64
	Enabled         *bool
}

const broadcastCols = `id, customer_id, owner_id, name, description, mode, target_timeout_ms, enabled, created_at, updated_at`
const broadcastTargetCols = `id, broadcast_id, name, target_path, routing_key_override, sort_order`

func scanBroadcast(row interface{ Scan(...any) error }) (*Broadcast, error) {
	var b Broadcast
	if err := row.Scan(&b.ID, &b.CustomerID, &b.OwnerID, &b.Name, &b.Description, &b.Mode, &b.TargetTimeoutMS, &b.Enabled, &b.CreatedAt, &b.UpdatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	b.Targets = []*BroadcastTarget{}
	return &b, nil
}

func scanBroadcastTarget(row interface{ Scan(...any) error }) (*BroadcastTarget, error) {
	var t BroadcastTarget
	var rko *string
	if err := row.Scan(&t.ID, &t.BroadcastID, &t.Name, &t.TargetPath, &rko, &t.SortOrder); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if rko != nil {
		if err := json.Unmarshal([]byte(*rko), &t.RoutingKeyOverride); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

func loadBroadcastTargets(ctx context.Context, q routingQueryer, bs ...*Broadcast) error {
	for _, b := range bs {
		rows, err := q.QueryContext(ctx, `SELECT `+broadcastTargetCols+` FROM broadcast_targets WHERE broadcast_id = ? ORDER BY sort_order, rowid`, b.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			t, err := scanBroadcastTarget(rows)
			if err != nil {
				rows.Close()
				return err
			}
			b.Targets = append(b.Targets, t)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func getBroadcast(ctx context.Context, q routingQueryer, p Principal, id string) (*Broadcast, error) {
	b, err := scanBroadcast(q.QueryRowContext(ctx, `SELECT `+broadcastCols+` FROM broadcasts WHERE id = ? AND `+routingVisible, id, p.CustomerID, p.UserID))
	if err != nil {
		return nil, err
	}
	return b, loadBroadcastTargets(ctx, q, b)
}

// ListBroadcasts returns the broadcasts the caller sees (personal and
// shared, or only shared when sharedOnly), ordered by name then scope
// (personal first), with their targets.
func (s *Store) ListBroadcasts(ctx context.Context, p Principal, sharedOnly bool) ([]*Broadcast, error) {
	query := `SELECT ` + broadcastCols + ` FROM broadcasts WHERE ` + routingVisible
	if sharedOnly {
		query += ` AND owner_id IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY name, owner_id IS NULL, created_at`, p.CustomerID, p.UserID)
	if err != nil {
		return nil, err
	}
	var out []*Broadcast
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	return out, loadBroadcastTargets(ctx, s.db, out...)
}

// GetBroadcast returns a broadcast the caller sees, by id.
func (s *Store) GetBroadcast(ctx context.Context, p Principal, id string) (*Broadcast, error) {
	return getBroadcast(ctx, s.db, p, id)
}

// ResolveBroadcast returns the broadcast named name for dispatch: the
// caller's personal one if there is one, else the team's shared one.
func (s *Store) ResolveBroadcast(ctx context.Context, p Principal, name string) (*Broadcast, error) {
	b, err := scanBroadcast(s.db.QueryRowContext(ctx, `SELECT `+broadcastCols+` FROM broadcasts WHERE `+routingVisible+` AND name = ?
		ORDER BY owner_id IS NULL LIMIT 1`, p.CustomerID, p.UserID, name))
	if err != nil {
		return nil, err
	}
	return b, loadBroadcastTargets(ctx, s.db, b)
}

func insertBroadcastTarget(ctx context.Context, tx *sql.Tx, broadcastID string, t BroadcastTargetWrite) (string, error) {
	var rko *string
	if t.RoutingKeyOverride != nil {
		b, err := json.Marshal(t.RoutingKeyOverride)
		if err != nil {
			return "", err
		}
		s := string(b)
		rko = &s
	}
	id := uuid.NewString()
	_, err := tx.ExecContext(ctx, `INSERT INTO broadcast_targets(`+broadcastTargetCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		id, broadcastID, t.Name, t.TargetPath, rko, t.SortOrder)
	return id, err
}

// CreateBroadcast creates a broadcast with its targets in the personal or
// shared scope. A broadcast of the same name in that scope is ErrConflict.
func (s *Store) CreateBroadcast(ctx context.Context, p Principal, shared bool, w BroadcastWrite) (*Broadcast, error) {
	var out *Broadcast
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		owner := scopeRole(p, shared)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM broadcasts WHERE customer_id = ? AND IFNULL(owner_id, '') = IFNULL(?, '') AND name = ?`,
			p.CustomerID, owner, w.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		id := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO broadcasts(`+broadcastCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
			id, p.CustomerID, owner, w.Name, w.Description, w.Mode, w.TargetTimeoutMS, w.Enabled, ts(s.Now())); err != nil {
			return err
		}
		for _, t := range w.Targets {
			if _, err := insertBroadcastTarget(ctx, tx, id, t); err != nil {
				return err
			}
		}
		var err error
		out, err = getBroadcast(ctx, tx, p, id)
		return err
	})
	return out, err
}

// UpdateBroadcast applies a partial update to a broadcast the caller sees.
func (s *Store) UpdateBroadcast(ctx context.Context, p Principal, id string, w BroadcastPatch) (*Broadcast, error) {
	var out *Broadcast
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		b, err := getBroadcast(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if w.SetDescription {
			b.Description = w.Description
		}
		if w.Mode != nil {
			b.Mode = *w.Mode
		}
		if w.TargetTimeoutMS != nil {
			b.TargetTimeoutMS = *w.TargetTimeoutMS
		}
		if w.Enabled != nil {
			b.Enabled = *w.Enabled
		}
		if _, err := tx.ExecContext(ctx, `UPDATE broadcasts SET description = ?, mode = ?, target_timeout_ms = ?, enabled = ?, updated_at = ? WHERE id = ?`,
			b.Description, b.Mode, b.TargetTimeoutMS, b.Enabled, ts(s.Now()), id); err != nil {
			return err
		}
		out, err = getBroadcast(ctx, tx, p, id)
		return err
	})
	return out, err
}

// DeleteBroadcast deletes a broadcast the caller sees, with its targets.
func (s *Store) DeleteBroadcast(ctx context.Context, p Principal, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM broadcasts WHERE id = ? AND `+routingVisible, id, p.CustomerID, p.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ReplaceBroadcastTargets replaces every target of a broadcast atomically.
func (s *Store) ReplaceBroadcastTargets(ctx context.Context, p Principal, id string, targets []BroadcastTargetWrite) (*Broadcast, error) {
	var out *Broadcast
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := getBroadcast(ctx, tx, p, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM broadcast_targets WHERE broadcast_id = ?`, id); err != nil {
			return err
		}
		for _, t := range targets {
			if _, err := insertBroadcastTarget(ctx, tx, id, t); err != nil {
				return err
			}
		}
		if err := routingTouch(ctx, tx, "broadcasts", id, s); err != nil {
			return err
		}
		var err error
		out, err = getBroadcast(ctx, tx, p, id)
		return err
	})
	return out, err
}

// AddBroadcastTarget adds one target to a broadcast.
func (s *Store) AddBroadcastTarget(ctx context.Context, p Principal, broadcastID string, w BroadcastTargetWrite) (*BroadcastTarget, error) {
	var out *BroadcastTarget
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := getBroadcast(ctx, tx, p, broadcastID); err != nil {
			return err
		}
		id, err := insertBroadcastTarget(ctx, tx, broadcastID, w)
		if err != nil {
			return err
		}
		if err := routingTouch(ctx, tx, "broadcasts", broadcastID, s); err != nil {
			return err
		}
		out, err = scanBroadcastTarget(tx.QueryRowContext(ctx, `SELECT `+broadcastTargetCols+` FROM broadcast_targets WHERE id = ?`, id))
		return err
	})
	return out, err
}

// DeleteBroadcastTarget removes one target from a broadcast.
func (s *Store) DeleteBroadcastTarget(ctx context.Context, p Principal, broadcastID, targetID string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := getBroadcast(ctx, tx, p, broadcastID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM broadcast_targets WHERE id = ? AND broadcast_id = ?`, targetID, broadcastID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return routingTouch(ctx, tx, "broadcasts", broadcastID, s)
	})
}
