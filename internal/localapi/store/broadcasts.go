package store

import (
	"context"
	"database/sql"
	"encoding/json"
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

// broadcasts is the broadcast flavour of routingObject: broadcasts and
// their targets.
var broadcasts = &routingObject[Broadcast, BroadcastTarget, BroadcastTargetWrite]{
	table: "broadcasts", cols: broadcastCols, childTable: "broadcast_targets", childCols: broadcastTargetCols, parentCol: "broadcast_id",
	scan: func(row scanner) (*Broadcast, error) {
		b := Broadcast{Targets: []*BroadcastTarget{}}
		return &b, row.Scan(&b.ID, &b.CustomerID, &b.OwnerID, &b.Name, &b.Description, &b.Mode, &b.TargetTimeoutMS, &b.Enabled, &b.CreatedAt, &b.UpdatedAt)
	},
	scanChild:   scanBroadcastTarget,
	insertChild: insertBroadcastTarget,
	id:          func(b *Broadcast) string { return b.ID },
	attach:      func(b *Broadcast, t *BroadcastTarget) { b.Targets = append(b.Targets, t) },
}

func scanBroadcastTarget(row scanner) (*BroadcastTarget, error) {
	var t BroadcastTarget
	var rko *string
	if err := row.Scan(&t.ID, &t.BroadcastID, &t.Name, &t.TargetPath, &rko, &t.SortOrder); err != nil {
		return nil, err
	}
	if rko != nil {
		if err := json.Unmarshal([]byte(*rko), &t.RoutingKeyOverride); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

func insertBroadcastTarget(ctx context.Context, tx *sql.Tx, id, broadcastID string, t BroadcastTargetWrite) error {
	var rko *string
	if t.RoutingKeyOverride != nil {
		b, err := json.Marshal(t.RoutingKeyOverride)
		if err != nil {
			return err
		}
		rko = new(string(b))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO broadcast_targets(`+broadcastTargetCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		id, broadcastID, t.Name, t.TargetPath, rko, t.SortOrder)
	return err
}

// ListBroadcasts returns the broadcasts the caller sees (personal and
// shared, or only shared when sharedOnly), ordered by name then scope
// (personal first), with their targets.
func (s *Store) ListBroadcasts(ctx context.Context, p Principal, sharedOnly bool) ([]*Broadcast, error) {
	return broadcasts.list(ctx, s.db, p, sharedOnly)
}

// GetBroadcast returns a broadcast the caller sees, by id.
func (s *Store) GetBroadcast(ctx context.Context, p Principal, id string) (*Broadcast, error) {
	return broadcasts.get(ctx, s.db, p, id)
}

// ResolveBroadcast returns the broadcast named name for dispatch: the
// caller's personal one if there is one, else the team's shared one.
func (s *Store) ResolveBroadcast(ctx context.Context, p Principal, name string) (*Broadcast, error) {
	return broadcasts.resolve(ctx, s.db, p, name)
}

// CreateBroadcast creates a broadcast with its targets in the personal or
// shared scope. A broadcast of the same name in that scope is ErrConflict.
func (s *Store) CreateBroadcast(ctx context.Context, p Principal, shared bool, w BroadcastWrite) (*Broadcast, error) {
	return broadcasts.create(ctx, s, p, shared, w.Name, func(tx *sql.Tx, id string, owner *string, now string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO broadcasts(`+broadcastCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
			id, p.CustomerID, owner, w.Name, w.Description, w.Mode, w.TargetTimeoutMS, w.Enabled, now)
		return err
	}, w.Targets)
}

// UpdateBroadcast applies a partial update to a broadcast the caller sees.
func (s *Store) UpdateBroadcast(ctx context.Context, p Principal, id string, w BroadcastPatch) (*Broadcast, error) {
	return broadcasts.update(ctx, s, p, id, func(tx *sql.Tx, b *Broadcast, now string) error {
		if w.SetDescription {
			b.Description = w.Description
		}
		setIf(&b.Mode, w.Mode)
		setIf(&b.TargetTimeoutMS, w.TargetTimeoutMS)
		setIf(&b.Enabled, w.Enabled)
		_, err := tx.ExecContext(ctx, `UPDATE broadcasts SET description = ?, mode = ?, target_timeout_ms = ?, enabled = ?, updated_at = ? WHERE id = ?`,
			b.Description, b.Mode, b.TargetTimeoutMS, b.Enabled, now, id)
		return err
	})
}

// DeleteBroadcast deletes a broadcast the caller sees, with its targets.
func (s *Store) DeleteBroadcast(ctx context.Context, p Principal, id string) error {
	return broadcasts.delete(ctx, s, p, id)
}

// ReplaceBroadcastTargets replaces every target of a broadcast atomically.
func (s *Store) ReplaceBroadcastTargets(ctx context.Context, p Principal, id string, targets []BroadcastTargetWrite) (*Broadcast, error) {
	return broadcasts.replaceChildren(ctx, s, p, id, targets)
}

// AddBroadcastTarget adds one target to a broadcast.
func (s *Store) AddBroadcastTarget(ctx context.Context, p Principal, broadcastID string, w BroadcastTargetWrite) (*BroadcastTarget, error) {
	return broadcasts.addChild(ctx, s, p, broadcastID, w)
}

// DeleteBroadcastTarget removes one target from a broadcast.
func (s *Store) DeleteBroadcastTarget(ctx context.Context, p Principal, broadcastID, targetID string) error {
	return broadcasts.deleteChild(ctx, s, p, broadcastID, targetID)
}
