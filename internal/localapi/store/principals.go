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
// creating both as needed, and returns the principal. Idempotent.
// A key that already belongs to another customer is an error: a key
// names one user of one customer for good.
func (s *Store) EnsureAPIKey(ctx context.Context, customerName, key string) (Principal, error) {
	if p, err := s.Authenticate(ctx, key); err == nil {
		var current string
		if err := s.db.QueryRowContext(ctx, `SELECT name FROM customers WHERE id = ?`, p.CustomerID).Scan(&current); err != nil {
			return Principal{}, err
		}
		if current != customerName {
			return Principal{}, fmt.Errorf("the API key already belongs to customer %q, not %q (the data directory remembers it)", current, customerName)
		}
		return p, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Principal{}, err
	}
	var p Principal
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM customers WHERE name = ?`, customerName).Scan(&p.CustomerID)
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
	return p, err
}

// Authenticate returns the principal of an API key, or ErrNotFound.
// Known keys are remembered: a key, once stored, is never removed.
func (s *Store) Authenticate(ctx context.Context, key string) (Principal, error) {
	h := hashKey(key)
	if p, ok := s.principals.Load(h); ok {
		return p.(Principal), nil
	}
	var p Principal
	err := s.queryRow(ctx, `SELECT id, customer_id FROM users WHERE api_key_hash = ?`, h).Scan(&p.UserID, &p.CustomerID)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err == nil {
		s.principals.Store(h, p)
	}
	return p, err
}
