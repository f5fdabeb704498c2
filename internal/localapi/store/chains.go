package store

import (
	"context"
	"database/sql"
)

// Chain is a stored chain with its steps in dispatch order.
type Chain struct {
	ID               string
	CustomerID       string
	OwnerID          *string // nil: shared (team) scope
	Name             string
	Description      *string
	DefaultTimeoutMS int64
	Enabled          bool
	CreatedAt        string
	UpdatedAt        *string
	Steps            []*ChainStep
}

// ChainStep is one step of a chain.
type ChainStep struct {
	ID         string
	ChainID    string
	Name       string
	TargetPath string
	OnSuccess  string
	OnFailure  string
	TimeoutMS  *int64
	SortOrder  int64
}

// ChainStepWrite is a step as created (POST or PUT of steps).
type ChainStepWrite struct {
	Name       string
	TargetPath string
	OnSuccess  string
	OnFailure  string
	TimeoutMS  *int64
	SortOrder  int64
}

// ChainWrite is what creating a chain asks for (defaults already applied).
type ChainWrite struct {
	Name             string
	Description      *string
	DefaultTimeoutMS int64
	Enabled          bool
	Steps            []ChainStepWrite
}

// ChainPatch is a partial update; nil fields are left alone, and
// Description is applied when SetDescription is true (nil clears it).
type ChainPatch struct {
	SetDescription   bool
	Description      *string
	DefaultTimeoutMS *int64
	Enabled          *bool
}

// ChainStepPatch is a partial step update; nil fields are left alone,
// TimeoutMS is applied when SetTimeout is true (nil clears it).
type ChainStepPatch struct {
	Name       *string
	TargetPath *string
	OnSuccess  *string
	OnFailure  *string
	SetTimeout bool
	TimeoutMS  *int64
	SortOrder  *int64
}

const chainCols = `id, customer_id, owner_id, name, description, default_timeout_ms, enabled, created_at, updated_at`
const chainStepCols = `id, chain_id, name, target_path, on_success, on_failure, timeout_ms, sort_order`

// chains is the chain flavour of routingObject: chains and their steps.
var chains = &routingObject[Chain, ChainStep, ChainStepWrite]{
	table: "chains", cols: chainCols, childTable: "chain_steps", childCols: chainStepCols, parentCol: "chain_id",
	scan: func(row scanner) (*Chain, error) {
		c := Chain{Steps: []*ChainStep{}}
		return &c, row.Scan(&c.ID, &c.CustomerID, &c.OwnerID, &c.Name, &c.Description, &c.DefaultTimeoutMS, &c.Enabled, &c.CreatedAt, &c.UpdatedAt)
	},
	scanChild: func(row scanner) (*ChainStep, error) {
		var st ChainStep
		return &st, row.Scan(&st.ID, &st.ChainID, &st.Name, &st.TargetPath, &st.OnSuccess, &st.OnFailure, &st.TimeoutMS, &st.SortOrder)
	},
	insertChild: func(ctx context.Context, tx *sql.Tx, id, chainID string, st ChainStepWrite) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO chain_steps(`+chainStepCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, chainID, st.Name, st.TargetPath, st.OnSuccess, st.OnFailure, st.TimeoutMS, st.SortOrder)
		return err
	},
	id:     func(c *Chain) string { return c.ID },
	attach: func(c *Chain, st *ChainStep) { c.Steps = append(c.Steps, st) },
}

// ListChains returns the chains the caller sees (personal and shared, or
// only shared when sharedOnly), ordered by name then scope (personal
// first), with their steps.
func (s *Store) ListChains(ctx context.Context, p Principal, sharedOnly bool) ([]*Chain, error) {
	return chains.list(ctx, s.db, p, sharedOnly)
}

// GetChain returns a chain the caller sees, by id.
func (s *Store) GetChain(ctx context.Context, p Principal, id string) (*Chain, error) {
	return chains.get(ctx, s.db, p, id)
}

// ResolveChain returns the chain named name for dispatch: the caller's
// personal chain if there is one, else the team's shared one.
func (s *Store) ResolveChain(ctx context.Context, p Principal, name string) (*Chain, error) {
	return chains.resolve(ctx, s.db, p, name)
}

// CreateChain creates a chain with its steps in the personal or shared
// scope. A chain of the same name in that scope is ErrConflict.
func (s *Store) CreateChain(ctx context.Context, p Principal, shared bool, w ChainWrite) (*Chain, error) {
	return chains.create(ctx, s, p, shared, w.Name, func(tx *sql.Tx, id string, owner *string, now string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO chains(`+chainCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
			id, p.CustomerID, owner, w.Name, w.Description, w.DefaultTimeoutMS, w.Enabled, now)
		return err
	}, w.Steps)
}

// UpdateChain applies a partial update to a chain the caller sees.
func (s *Store) UpdateChain(ctx context.Context, p Principal, id string, w ChainPatch) (*Chain, error) {
	return chains.update(ctx, s, p, id, func(tx *sql.Tx, c *Chain, now string) error {
		if w.SetDescription {
			c.Description = w.Description
		}
		setIf(&c.DefaultTimeoutMS, w.DefaultTimeoutMS)
		setIf(&c.Enabled, w.Enabled)
		_, err := tx.ExecContext(ctx, `UPDATE chains SET description = ?, default_timeout_ms = ?, enabled = ?, updated_at = ? WHERE id = ?`,
			c.Description, c.DefaultTimeoutMS, c.Enabled, now, id)
		return err
	})
}

// DeleteChain deletes a chain the caller sees, with its steps.
func (s *Store) DeleteChain(ctx context.Context, p Principal, id string) error {
	return chains.delete(ctx, s, p, id)
}

// ReplaceChainSteps replaces every step of a chain atomically.
func (s *Store) ReplaceChainSteps(ctx context.Context, p Principal, id string, steps []ChainStepWrite) (*Chain, error) {
	return chains.replaceChildren(ctx, s, p, id, steps)
}

// AddChainStep appends one step to a chain.
func (s *Store) AddChainStep(ctx context.Context, p Principal, chainID string, w ChainStepWrite) (*ChainStep, error) {
	return chains.addChild(ctx, s, p, chainID, w)
}

// UpdateChainStep applies a partial update to one step. A step that is
// not in the chain is ErrNotFound.
func (s *Store) UpdateChainStep(ctx context.Context, p Principal, chainID, stepID string, w ChainStepPatch) (*ChainStep, error) {
	return chains.updateChild(ctx, s, p, chainID, stepID, func(tx *sql.Tx, st *ChainStep) error {
		setIf(&st.Name, w.Name)
		setIf(&st.TargetPath, w.TargetPath)
		setIf(&st.OnSuccess, w.OnSuccess)
		setIf(&st.OnFailure, w.OnFailure)
		if w.SetTimeout {
			st.TimeoutMS = w.TimeoutMS
		}
		setIf(&st.SortOrder, w.SortOrder)
		_, err := tx.ExecContext(ctx, `UPDATE chain_steps SET name = ?, target_path = ?, on_success = ?, on_failure = ?, timeout_ms = ?, sort_order = ? WHERE id = ?`,
			st.Name, st.TargetPath, st.OnSuccess, st.OnFailure, st.TimeoutMS, st.SortOrder, stepID)
		return err
	})
}

// DeleteChainStep removes one step from a chain.
func (s *Store) DeleteChainStep(ctx context.Context, p Principal, chainID, stepID string) error {
	return chains.deleteChild(ctx, s, p, chainID, stepID)
}

// setIf sets *dst to *v when v is not nil (a PATCH field that was sent).
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
