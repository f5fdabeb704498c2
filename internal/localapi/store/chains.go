package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
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

// routingVisible is the WHERE fragment selecting the rows a principal may see:
// its customer's shared rows and its own personal rows. Its arguments are
// p.CustomerID, p.UserID.
const routingVisible = `customer_id = ? AND (owner_id IS NULL OR owner_id = ?)`

type routingQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func scanChain(row interface{ Scan(...any) error }) (*Chain, error) {
	var c Chain
	if err := row.Scan(&c.ID, &c.CustomerID, &c.OwnerID, &c.Name, &c.Description, &c.DefaultTimeoutMS, &c.Enabled, &c.CreatedAt, &c.UpdatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	c.Steps = []*ChainStep{}
	return &c, nil
}

func scanChainStep(row interface{ Scan(...any) error }) (*ChainStep, error) {
	var st ChainStep
	if err := row.Scan(&st.ID, &st.ChainID, &st.Name, &st.TargetPath, &st.OnSuccess, &st.OnFailure, &st.TimeoutMS, &st.SortOrder); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &st, nil
}

// loadChainSteps fills the steps of chains, in dispatch order.
func loadChainSteps(ctx context.Context, q routingQueryer, chains ...*Chain) error {
	for _, c := range chains {
		rows, err := q.QueryContext(ctx, `SELECT `+chainStepCols+` FROM chain_steps WHERE chain_id = ? ORDER BY sort_order, rowid`, c.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			st, err := scanChainStep(rows)
			if err != nil {
				rows.Close()
				return err
			}
			c.Steps = append(c.Steps, st)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func getChain(ctx context.Context, q routingQueryer, p Principal, id string) (*Chain, error) {
	c, err := scanChain(q.QueryRowContext(ctx, `SELECT `+chainCols+` FROM chains WHERE id = ? AND `+routingVisible, id, p.CustomerID, p.UserID))
	if err != nil {
		return nil, err
	}
	return c, loadChainSteps(ctx, q, c)
}

// ListChains returns the chains the caller sees (personal and shared, or
// only shared when sharedOnly), ordered by name then scope (personal
// first), with their steps.
func (s *Store) ListChains(ctx context.Context, p Principal, sharedOnly bool) ([]*Chain, error) {
	query := `SELECT ` + chainCols + ` FROM chains WHERE ` + routingVisible
	if sharedOnly {
		query += ` AND owner_id IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY name, owner_id IS NULL, created_at`, p.CustomerID, p.UserID)
	if err != nil {
		return nil, err
	}
	var out []*Chain
	for rows.Next() {
		c, err := scanChain(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	return out, loadChainSteps(ctx, s.db, out...)
}

// GetChain returns a chain the caller sees, by id.
func (s *Store) GetChain(ctx context.Context, p Principal, id string) (*Chain, error) {
	return getChain(ctx, s.db, p, id)
}

// ResolveChain returns the chain named name for dispatch: the caller's
// personal chain if there is one, else the team's shared one.
func (s *Store) ResolveChain(ctx context.Context, p Principal, name string) (*Chain, error) {
	c, err := scanChain(s.db.QueryRowContext(ctx, `SELECT `+chainCols+` FROM chains WHERE `+routingVisible+` AND name = ?
		ORDER BY owner_id IS NULL LIMIT 1`, p.CustomerID, p.UserID, name))
	if err != nil {
		return nil, err
	}
	return c, loadChainSteps(ctx, s.db, c)
}

func insertChainSteps(ctx context.Context, tx *sql.Tx, chainID string, steps []ChainStepWrite) error {
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_steps(`+chainStepCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			uuid.NewString(), chainID, st.Name, st.TargetPath, st.OnSuccess, st.OnFailure, st.TimeoutMS, st.SortOrder); err != nil {
			return err
		}
	}
	return nil
}

// CreateChain creates a chain with its steps in the personal or shared
// scope. A chain of the same name in that scope is ErrConflict.
func (s *Store) CreateChain(ctx context.Context, p Principal, shared bool, w ChainWrite) (*Chain, error) {
	var out *Chain
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		owner := scopeRole(p, shared)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM chains WHERE customer_id = ? AND IFNULL(owner_id, '') = IFNULL(?, '') AND name = ?`,
			p.CustomerID, owner, w.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		id := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO chains(`+chainCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
			id, p.CustomerID, owner, w.Name, w.Description, w.DefaultTimeoutMS, w.Enabled, ts(s.Now())); err != nil {
			return err
		}
		if err := insertChainSteps(ctx, tx, id, w.Steps); err != nil {
			return err
		}
		var err error
		out, err = getChain(ctx, tx, p, id)
		return err
	})
	return out, err
}

// UpdateChain applies a partial update to a chain the caller sees.
func (s *Store) UpdateChain(ctx context.Context, p Principal, id string, w ChainPatch) (*Chain, error) {
	var out *Chain
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getChain(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if w.SetDescription {
			c.Description = w.Description
		}
		if w.DefaultTimeoutMS != nil {
			c.DefaultTimeoutMS = *w.DefaultTimeoutMS
		}
		if w.Enabled != nil {
			c.Enabled = *w.Enabled
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chains SET description = ?, default_timeout_ms = ?, enabled = ?, updated_at = ? WHERE id = ?`,
			c.Description, c.DefaultTimeoutMS, c.Enabled, ts(s.Now()), id); err != nil {
			return err
		}
		out, err = getChain(ctx, tx, p, id)
		return err
	})
	return out, err
}

// DeleteChain deletes a chain the caller sees, with its steps.
func (s *Store) DeleteChain(ctx context.Context, p Principal, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM chains WHERE id = ? AND `+routingVisible, id, p.CustomerID, p.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ReplaceChainSteps replaces every step of a chain atomically.
func (s *Store) ReplaceChainSteps(ctx context.Context, p Principal, id string, steps []ChainStepWrite) (*Chain, error) {
	var out *Chain
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := getChain(ctx, tx, p, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM chain_steps WHERE chain_id = ?`, id); err != nil {
			return err
		}
		if err := insertChainSteps(ctx, tx, id, steps); err != nil {
			return err
		}
		if err := routingTouch(ctx, tx, "chains", id, s); err != nil {
			return err
		}
		var err error
		out, err = getChain(ctx, tx, p, id)
		return err
	})
	return out, err
}

// AddChainStep appends one step to a chain.
func (s *Store) AddChainStep(ctx context.Context, p Principal, chainID string, w ChainStepWrite) (*ChainStep, error) {
	var out *ChainStep
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := getChain(ctx, tx, p, chainID); err != nil {
			return err
		}
		id := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_steps(`+chainStepCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, chainID, w.Name, w.TargetPath, w.OnSuccess, w.OnFailure, w.TimeoutMS, w.SortOrder); err != nil {
			return err
		}
		if err := routingTouch(ctx, tx, "chains", chainID, s); err != nil {
			return err
		}
		var err error
		out, err = scanChainStep(tx.QueryRowContext(ctx, `SELECT `+chainStepCols+` FROM chain_steps WHERE id = ?`, id))
		return err
	})
	return out, err
}

// UpdateChainStep applies a partial update to one step. A step that is
// not in the chain is ErrNotFound.
func (s *Store) UpdateChainStep(ctx context.Context, p Principal, chainID, stepID string, w ChainStepPatch) (*ChainStep, error) {
	var out *ChainStep
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := getChain(ctx, tx, p, chainID); err != nil {
			return err
		}
		st, err := scanChainStep(tx.QueryRowContext(ctx, `SELECT `+chainStepCols+` FROM chain_steps WHERE id = ? AND chain_id = ?`, stepID, chainID))
		if err != nil {
			return err
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&st.Name, w.Name)
		set(&st.TargetPath, w.TargetPath)
		set(&st.OnSuccess, w.OnSuccess)
		set(&st.OnFailure, w.OnFailure)
		if w.SetTimeout {
			st.TimeoutMS = w.TimeoutMS
		}
		if w.SortOrder != nil {
			st.SortOrder = *w.SortOrder
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chain_steps SET name = ?, target_path = ?, on_success = ?, on_failure = ?, timeout_ms = ?, sort_order = ? WHERE id = ?`,
			st.Name, st.TargetPath, st.OnSuccess, st.OnFailure, st.TimeoutMS, st.SortOrder, stepID); err != nil {
			return err
		}
		out = st
		return routingTouch(ctx, tx, "chains", chainID, s)
	})
	return out, err
}

// DeleteChainStep removes one step from a chain.
func (s *Store) DeleteChainStep(ctx context.Context, p Principal, chainID, stepID string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := getChain(ctx, tx, p, chainID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM chain_steps WHERE id = ? AND chain_id = ?`, stepID, chainID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return routingTouch(ctx, tx, "chains", chainID, s)
	})
}

// routingTouch sets updated_at of one row of table (chains or broadcasts).
func routingTouch(ctx context.Context, tx *sql.Tx, table, id string, s *Store) error {
	_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET updated_at = ? WHERE id = ?`, ts(s.Now()), id)
	return err
}
