// Package store is unitysvc-local's SQLite persistence: schema,
// versioned migrations, transactions and one file of queries per API area.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique constraint would be violated.
var ErrConflict = errors.New("conflict")

// Store is an open unitysvc-local database.
type Store struct {
	db      *sql.DB
	sealer  *sealer
	now     func() time.Time
	logging loggingCache // request_logs.go
	stmts   stmtCache    // stmts.go
	// dispatch caches the gateway's lookups (dispatch.go).
	dispatch dispatchCaches
	// principals remembers authenticated keys by hash (principals.go).
	principals sync.Map
}

// Options configures Open.
type Options struct {
	// Path is the SQLite file; empty means a private in-memory database.
	Path string
	// SecretKey is the 32-byte AES-256 key for secret values at rest;
	// nil generates a random one (values then do not survive a restart).
	SecretKey []byte
	// Now overrides the clock (tests).
	Now func() time.Time
}

// Open opens (creating if needed) and migrates the database.
func Open(ctx context.Context, opts Options) (*Store, error) {
	dsn := ":memory:"
	if opts.Path != "" {
		dsn = "file:" + opts.Path
	}
	dsn += "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	// One connection: an in-memory database lives in its connection, and
	// SQLite serialises writers anyway.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	key := opts.SecretKey
	if key == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	sl, err := newSealer(key)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Store{db: db, sealer: sl, now: now, dispatch: newDispatchCaches()}
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// Close writes the queued request-log rows and closes the database.
func (s *Store) Close() error {
	s.closeLogs()
	if st := s.logging.stmt; st != nil {
		_ = st.Close()
	}
	return s.db.Close()
}

// DB returns the underlying database (tests and areas' queries).
func (s *Store) DB() *sql.DB { return s.db }

// Now returns the store's clock reading in UTC.
func (s *Store) Now() time.Time { return s.now().UTC() }

// Tx runs fn in a transaction, committing when it returns nil.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// migration is one schema step; versions are applied in order, once.
type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("creating migrations table: %w", err)
	}
	for _, m := range migrations {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`, m.version, m.name, s.Now().Format(time.RFC3339Nano))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

// ts formats a time for storage and for API responses.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
