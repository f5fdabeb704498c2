package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
)

// dispatchCache remembers, per caller and name, the collection /g/<name>
// reaches (or that none does) with its members, so a dispatch reads no
// rows: every write to collections or members bumps gen, which retires
// what was cached before.
type dispatchCache struct {
	gen atomic.Uint64
	mu  sync.RWMutex
	m   map[string]cachedCollection
}

type cachedCollection struct {
	gen     uint64
	c       *Collection // nil: no collection of that name
	members []*Member
}

// collectionsChanged is called after every write to collections or
// their members.
func (s *Store) collectionsChanged() { s.dispatch.gen.Add(1) }

// FindCollection returns the collection named name that dispatch to
// /g/<name> reaches (the caller's personal one, else the team's shared
// one) and its members; ErrNotFound when there is none. The results are
// shared: callers must not change them.
func (s *Store) FindCollection(ctx context.Context, p Principal, name string) (*Collection, []*Member, error) {
	key := p.CustomerID + "\x00" + p.UserID + "\x00" + name
	gen := s.dispatch.gen.Load() // read before the rows: a write meanwhile retires this entry
	s.dispatch.mu.RLock()
	e, ok := s.dispatch.m[key]
	s.dispatch.mu.RUnlock()
	if !ok || e.gen != gen {
		e = cachedCollection{gen: gen}
		c, err := scanCollection(s.queryRow(ctx, `SELECT `+collectionCols+` FROM collections c WHERE c.name = ? AND `+visibleCollection+`
			ORDER BY c.role_id IS NULL LIMIT 1`, name, p.CustomerID, p.UserID))
		switch {
		case err == nil:
			if e.members, err = s.ListMembers(ctx, c.ID); err != nil {
				return nil, nil, err
			}
			e.c = c
		case !errors.Is(err, ErrNotFound):
			return nil, nil, err
		}
		s.dispatch.mu.Lock()
		if s.dispatch.m == nil {
			s.dispatch.m = map[string]cachedCollection{}
		}
		s.dispatch.m[key] = e
		s.dispatch.mu.Unlock()
	}
	if e.c == nil {
		return nil, nil, ErrNotFound
	}
	return e.c, e.members, nil
}

// FindEnrollmentByCode returns the enrollment with code (case does not
// matter) if the caller can see it.
func (s *Store) FindEnrollmentByCode(ctx context.Context, p Principal, code string) (*Enrollment, error) {
	return s.scanEnrollment(s.queryRow(ctx, `SELECT `+enrollmentCols+` FROM enrollments
		WHERE code = ? AND `+scopeWhere(ScopeAll), strings.ToUpper(code), p.CustomerID, p.UserID))
}

// SecretNames returns the names of the secrets the caller can use (its
// personal ones and the team's shared ones), without reading values.
func (s *Store) SecretNames(ctx context.Context, p Principal) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM secrets WHERE customer_id = ? AND (role_id IS NULL OR role_id = ?)`, p.CustomerID, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}
