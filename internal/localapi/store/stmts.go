package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds statements prepared once per Store, for the lookups
// the gateway makes on every request: SQLite then skips parsing them.
type stmtCache struct{ m sync.Map } // query -> *sql.Stmt

// queryRow is db.QueryRowContext through a prepared statement.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := s.stmts.m.Load(query); ok {
		return st.(*sql.Stmt).QueryRowContext(ctx, args...)
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return s.db.QueryRowContext(ctx, query, args...) // reports the error
	}
	if prev, loaded := s.stmts.m.LoadOrStore(query, st); loaded {
		st.Close()
		st = prev.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...)
}
