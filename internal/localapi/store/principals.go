package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// Principal is the caller an API key identifies: a user of a customer.
type Principal struct {
	UserID     string
	CustomerID string
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// EnsureAPIKey makes key a user of the customer named customerName,
// creating both as needed, and returns the principal. Idempotent; a key
// that was disabled (RetainAPIKeys) works again. A key that already
// belongs to another customer is an error: a key names one user of one
// customer for good.
func (s *Store) EnsureAPIKey(ctx context.Context, customerName, key string) (Principal, error) {
	var p Principal
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT u.id, u.customer_id, c.name FROM users u JOIN customers c ON c.id = u.customer_id WHERE u.api_key_hash = ?`,
			hashKey(key)).Scan(&p.UserID, &p.CustomerID, &current)
		if err == nil {
			if current != customerName {
				return fmt.Errorf("the API key already belongs to customer %q, not %q (the data directory remembers it)", current, customerName)
			}
			_, err = tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL WHERE id = ?`, p.UserID)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT id FROM customers WHERE name = ?`, customerName).Scan(&p.CustomerID)
		if errors.Is(err, sql.ErrNoRows) {
			p.CustomerID = uuid.NewString()
			_, err = tx.ExecContext(ctx, `INSERT INTO customers(id, name, created_at) VALUES (?, ?, ?)`, p.CustomerID, customerName, ts(s.Now()))
		}
		if err != nil {
			return err
		}
		p.UserID = uuid.NewString()
		_, err = tx.ExecContext(ctx, `INSERT INTO users(id, customer_id, api_key_hash, created_at) VALUES (?, ?, ?, ?)`, p.UserID, p.CustomerID, hashKey(key), ts(s.Now()))
		return err
	})
	if err != nil {
		return Principal{}, err
	}
	s.principals.Clear()
	return p, nil
}

// RetainAPIKeys disables every stored key that is not in keys (the keys
// the server accepts now): Authenticate refuses a disabled key and the
// scheduler does not run its user's recurrent requests. It returns how
// many stored keys are disabled. Keys are compared by their hash; the
// store never holds a key itself.
func (s *Store) RetainAPIKeys(ctx context.Context, keys []string) (int, error) {
	keep := map[string]bool{}
	for _, k := range keys {
		keep[hashKey(k)] = true
	}
	var disabled int
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, api_key_hash FROM users WHERE disabled_at IS NULL`)
		if err != nil {
			return err
		}
		var drop []string
		for rows.Next() {
			var id, h string
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return err
			}
			if !keep[h] {
				drop = append(drop, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := ts(s.Now())
		for _, id := range drop {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, now, id); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL`).Scan(&disabled)
	})
	s.principals.Clear()
	return disabled, err
}

// UserDisabled reports whether the user's key has been disabled (or the
// user does not exist).
func (s *Store) UserDisabled(ctx context.Context, userID string) (bool, error) {
	var disabled *string
	err := s.queryRow(ctx, `SELECT disabled_at FROM users WHERE id = ?`, userID).Scan(&disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return disabled != nil, err
}

// Authenticate returns the principal of an API key, or ErrNotFound for
// a key that is unknown or disabled. Working keys are remembered until
// the keys change (EnsureAPIKey, RetainAPIKeys).
func (s *Store) Authenticate(ctx context.Context, key string) (Principal, error) {
	h := hashKey(key)
	if p, ok := s.principals.Load(h); ok {
		return p.(Principal), nil
	}
	var p Principal
	err := s.queryRow(ctx, `SELECT id, customer_id FROM users WHERE api_key_hash = ? AND disabled_at IS NULL`, h).Scan(&p.UserID, &p.CustomerID)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err == nil {
		s.principals.Store(h, p)
	}
	return p, err
}
