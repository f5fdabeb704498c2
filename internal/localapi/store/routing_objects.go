package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
)

// routingVisible is the WHERE fragment selecting the rows a principal may see:
// its customer's shared rows and its own personal rows. Its arguments are
// p.CustomerID, p.UserID.
const routingVisible = `customer_id = ? AND (owner_id IS NULL OR owner_id = ?)`

type routingQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// routingObject is a routing object with ordered children: a chain with
// its steps, a broadcast with its targets. It holds what differs between
// them (tables, columns, scanning, inserting a child); the flow they share
// is written once, in its methods: visibility (personal and shared rows),
// unique names per scope, partial updates, replacing every child
// atomically, adding and removing one child, and touching updated_at
// whenever the children change.
type routingObject[O, C, CW any] struct {
	table      string // "chains"
	cols       string // its columns, id first
	childTable string // "chain_steps"
	childCols  string // its columns, id first
	parentCol  string // the child's column naming its parent: "chain_id"

	// scan reads one object row (without children); scanChild one child row.
	scan      func(scanner) (*O, error)
	scanChild func(scanner) (*C, error)
	// insertChild inserts the child w, with id, of parentID.
	insertChild func(ctx context.Context, tx *sql.Tx, id, parentID string, w CW) error
	// id returns an object's id; attach appends a child to an object.
	id     func(*O) string
	attach func(*O, *C)
}

func (k *routingObject[O, C, CW]) scanOne(row scanner) (*O, error) {
	o, err := k.scan(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, ErrNotFound
	case err != nil:
		return nil, err
	}
	return o, nil
}

func (k *routingObject[O, C, CW]) scanOneChild(row scanner) (*C, error) {
	c, err := k.scanChild(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, ErrNotFound
	case err != nil:
		return nil, err
	}
	return c, nil
}

// loadChildren fills the children of objs, in sort order then insertion.
func (k *routingObject[O, C, CW]) loadChildren(ctx context.Context, q routingQueryer, objs ...*O) error {
	for _, o := range objs {
		rows, err := q.QueryContext(ctx, `SELECT `+k.childCols+` FROM `+k.childTable+` WHERE `+k.parentCol+` = ? ORDER BY sort_order, rowid`, k.id(o))
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := k.scanOneChild(rows)
			if err != nil {
				rows.Close()
				return err
			}
			k.attach(o, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// get returns an object p sees, by id, with its children.
func (k *routingObject[O, C, CW]) get(ctx context.Context, q routingQueryer, p Principal, id string) (*O, error) {
	o, err := k.scanOne(q.QueryRowContext(ctx, `SELECT `+k.cols+` FROM `+k.table+` WHERE id = ? AND `+routingVisible, id, p.CustomerID, p.UserID))
	if err != nil {
		return nil, err
	}
	return o, k.loadChildren(ctx, q, o)
}

// list returns the objects p sees (personal and shared, or only shared
// when sharedOnly), ordered by name then scope (personal first), with
// their children.
func (k *routingObject[O, C, CW]) list(ctx context.Context, q routingQueryer, p Principal, sharedOnly bool) ([]*O, error) {
	query := `SELECT ` + k.cols + ` FROM ` + k.table + ` WHERE ` + routingVisible
	if sharedOnly {
		query += ` AND owner_id IS NULL`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY name, owner_id IS NULL, created_at`, p.CustomerID, p.UserID)
	if err != nil {
		return nil, err
	}
	var out []*O
	for rows.Next() {
		o, err := k.scanOne(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, o)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	return out, k.loadChildren(ctx, q, out...)
}

// resolve returns the object named name for dispatch: p's personal one
// if there is one, else the team's shared one.
func (k *routingObject[O, C, CW]) resolve(ctx context.Context, q routingQueryer, p Principal, name string) (*O, error) {
	o, err := k.scanOne(q.QueryRowContext(ctx, `SELECT `+k.cols+` FROM `+k.table+` WHERE `+routingVisible+` AND name = ?
		ORDER BY owner_id IS NULL LIMIT 1`, p.CustomerID, p.UserID, name))
	if err != nil {
		return nil, err
	}
	return o, k.loadChildren(ctx, q, o)
}

// insertChildren inserts children of parentID, each with a new id.
func (k *routingObject[O, C, CW]) insertChildren(ctx context.Context, tx *sql.Tx, parentID string, children []CW) error {
	for _, c := range children {
		if err := k.insertChild(ctx, tx, uuid.NewString(), parentID, c); err != nil {
			return err
		}
	}
	return nil
}

// create creates an object named name with its children in p's personal
// or the shared scope, atomically. insert writes the object's row (id,
// owner and created_at given). A name taken in that scope is ErrConflict.
func (k *routingObject[O, C, CW]) create(ctx context.Context, s *Store, p Principal, shared bool, name string,
	insert func(tx *sql.Tx, id string, owner *string, now string) error, children []CW) (*O, error) {
	var out *O
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		owner := scopeRole(p, shared)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+k.table+` WHERE customer_id = ? AND IFNULL(owner_id, '') = IFNULL(?, '') AND name = ?`,
			p.CustomerID, owner, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		id := uuid.NewString()
		if err := insert(tx, id, owner, ts(s.Now())); err != nil {
			return err
		}
		if err := k.insertChildren(ctx, tx, id, children); err != nil {
			return err
		}
		var err error
		out, err = k.get(ctx, tx, p, id)
		return err
	})
	return out, err
}

// update applies a partial update to an object p sees: save changes the
// object and writes its row (now is the new updated_at). It answers the
// object as stored.
func (k *routingObject[O, C, CW]) update(ctx context.Context, s *Store, p Principal, id string,
	save func(tx *sql.Tx, o *O, now string) error) (*O, error) {
	var out *O
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		o, err := k.get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := save(tx, o, ts(s.Now())); err != nil {
			return err
		}
		out, err = k.get(ctx, tx, p, id)
		return err
	})
	return out, err
}

// delete deletes an object p sees, with its children.
func (k *routingObject[O, C, CW]) delete(ctx context.Context, s *Store, p Principal, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE id = ? AND `+routingVisible, id, p.CustomerID, p.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// replaceChildren replaces every child of an object atomically: when one
// child cannot be written, nothing changes.
func (k *routingObject[O, C, CW]) replaceChildren(ctx context.Context, s *Store, p Principal, id string, children []CW) (*O, error) {
	var out *O
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := k.get(ctx, tx, p, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+k.childTable+` WHERE `+k.parentCol+` = ?`, id); err != nil {
			return err
		}
		if err := k.insertChildren(ctx, tx, id, children); err != nil {
			return err
		}
		if err := k.touch(ctx, tx, s, id); err != nil {
			return err
		}
		var err error
		out, err = k.get(ctx, tx, p, id)
		return err
	})
	return out, err
}

// addChild adds one child to an object p sees and answers it.
func (k *routingObject[O, C, CW]) addChild(ctx context.Context, s *Store, p Principal, parentID string, w CW) (*C, error) {
	var out *C
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := k.get(ctx, tx, p, parentID); err != nil {
			return err
		}
		id := uuid.NewString()
		if err := k.insertChild(ctx, tx, id, parentID, w); err != nil {
			return err
		}
		if err := k.touch(ctx, tx, s, parentID); err != nil {
			return err
		}
		var err error
		out, err = k.scanOneChild(tx.QueryRowContext(ctx, `SELECT `+k.childCols+` FROM `+k.childTable+` WHERE id = ?`, id))
		return err
	})
	return out, err
}

// updateChild applies a partial update to one child: save changes the
// child and writes its row. A child that is not the object's is
// ErrNotFound.
func (k *routingObject[O, C, CW]) updateChild(ctx context.Context, s *Store, p Principal, parentID, childID string,
	save func(tx *sql.Tx, c *C) error) (*C, error) {
	var out *C
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := k.get(ctx, tx, p, parentID); err != nil {
			return err
		}
		c, err := k.scanOneChild(tx.QueryRowContext(ctx, `SELECT `+k.childCols+` FROM `+k.childTable+` WHERE id = ? AND `+k.parentCol+` = ?`, childID, parentID))
		if err != nil {
			return err
		}
		if err := save(tx, c); err != nil {
			return err
		}
		out = c
		return k.touch(ctx, tx, s, parentID)
	})
	return out, err
}

// deleteChild removes one child from an object p sees.
func (k *routingObject[O, C, CW]) deleteChild(ctx context.Context, s *Store, p Principal, parentID, childID string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := k.get(ctx, tx, p, parentID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM `+k.childTable+` WHERE id = ? AND `+k.parentCol+` = ?`, childID, parentID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return k.touch(ctx, tx, s, parentID)
	})
}

// touch sets the object's updated_at.
func (k *routingObject[O, C, CW]) touch(ctx context.Context, tx *sql.Tx, s *Store, id string) error {
	_, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET updated_at = ? WHERE id = ?`, ts(s.Now()), id)
	return err
}
