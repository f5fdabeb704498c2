package store

import (
	"context"
	"strings"
)

// Sizes of the gateway's read caches (cache.go): lookups beyond them
// evict the least recently used.
const (
	// dispatchCacheSize bounds the /g/<name> and /e/<code> lookups
	// remembered: their keys hold names callers choose.
	dispatchCacheSize = 4096
	// principalCacheSize bounds the per-caller lists (secret names,
	// enrollments) and secret lookups.
	principalCacheSize = 4096
)

// dispatchCaches are the lookups the gateway makes on every request.
// Each is retired by every write to the rows it reads: collections and
// members (collectionsChanged), secrets (secretsChanged), enrollments
// (enrollmentsChanged).
type dispatchCaches struct {
	collections readCache[cachedCollection]
	codes       readCache[*Enrollment]
	enrollments readCache[[]*Enrollment]
	secrets     readCache[*Secret]
	secretNames readCache[map[string]bool]
}

func newDispatchCaches() dispatchCaches {
	return dispatchCaches{
		collections: newReadCache[cachedCollection](dispatchCacheSize),
		codes:       newReadCache[*Enrollment](dispatchCacheSize),
		enrollments: newReadCache[[]*Enrollment](principalCacheSize),
		secrets:     newReadCache[*Secret](principalCacheSize),
		secretNames: newReadCache[map[string]bool](principalCacheSize),
	}
}

// cachedCollection is what /g/<name> reaches: a collection and its members.
type cachedCollection struct {
	c       *Collection
	members []*Member
}

// collectionsChanged is called after every write to collections or
// their members.
func (s *Store) collectionsChanged() { s.dispatch.collections.retire() }

// EndpointGeneration changes after every write to secrets and to
// enrollments: a value derived from both (an upstream endpoint, expanded
// with an enrollment's parameters and the caller's secrets) and read at
// one generation is current while the generation is unchanged. Each
// generation only grows, and so does their sum.
func (s *Store) EndpointGeneration() uint64 {
	return s.dispatch.secrets.gen.Load() + s.dispatch.codes.gen.Load() + s.dispatch.enrollments.gen.Load()
}

// secretsChanged is called after every write to secrets.
func (s *Store) secretsChanged() {
	s.dispatch.secrets.retire()
	s.dispatch.secretNames.retire()
}

// enrollmentsChanged is called after every write to enrollments.
func (s *Store) enrollmentsChanged() {
	s.dispatch.codes.retire()
	s.dispatch.enrollments.retire()
}

func principalKey(p Principal, name string) string {
	return p.CustomerID + "\x00" + p.UserID + "\x00" + name
}

// FindCollection returns the collection named name that dispatch to
// /g/<name> reaches (the caller's personal one, else the team's shared
// one) and its members; ErrNotFound when there is none. The results are
// shared: callers must not change them.
func (s *Store) FindCollection(ctx context.Context, p Principal, name string) (*Collection, []*Member, error) {
	e, err := s.dispatch.collections.get(principalKey(p, name), func() (cachedCollection, error) {
		c, err := scanCollection(s.queryRow(ctx, `SELECT `+collectionCols+` FROM collections c WHERE c.name = ? AND `+visibleCollection+`
			ORDER BY c.role_id IS NULL LIMIT 1`, name, p.CustomerID, p.UserID))
		if err != nil {
			return cachedCollection{}, err
		}
		members, err := s.ListMembers(ctx, c.ID)
		if err != nil {
			return cachedCollection{}, err
		}
		return cachedCollection{c: c, members: members}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return e.c, e.members, nil
}

// FindEnrollmentByCode returns the enrollment with code (case does not
// matter) if the caller can see it. Its Parameters are shared: callers
// must not change them.
func (s *Store) FindEnrollmentByCode(ctx context.Context, p Principal, code string) (*Enrollment, error) {
	code = strings.ToUpper(code)
	e, err := s.dispatch.codes.get(principalKey(p, code), func() (*Enrollment, error) {
		return s.scanEnrollment(s.queryRow(ctx, `SELECT `+enrollmentCols+` FROM enrollments
			WHERE code = ? AND `+scopeWhere(ScopeAll), code, p.CustomerID, p.UserID))
	})
	if err != nil {
		return nil, err
	}
	return s.current(e), nil
}

// DispatchEnrollments is ListEnrollments(ScopeAll) for dispatch: the
// caller's personal enrollments and the team's shared ones, oldest
// first. Their Parameters are shared: callers must not change them.
func (s *Store) DispatchEnrollments(ctx context.Context, p Principal) ([]*Enrollment, error) {
	all, err := s.dispatch.enrollments.get(principalKey(p, ""), func() ([]*Enrollment, error) {
		return s.ListEnrollments(ctx, p, ScopeAll)
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Enrollment, len(all))
	for i, e := range all {
		out[i] = s.current(e)
	}
	return out, nil
}

// current is a copy of a cached enrollment with its status as of now:
// a pending enrollment becomes active (or incomplete) when its delay has
// passed, which no write announces.
func (s *Store) current(e *Enrollment) *Enrollment {
	c := *e
	c.resolve(s.Now())
	return &c
}

// SecretNames returns the names of the secrets the caller can use (its
// personal ones and the team's shared ones), without reading values. The
// map is shared: callers must not change it.
func (s *Store) SecretNames(ctx context.Context, p Principal) (map[string]bool, error) {
	return s.dispatch.secretNames.get(principalKey(p, ""), func() (map[string]bool, error) {
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
	})
}

// GetSecret returns the caller's secret named name: the personal one if
// it exists, else the shared one.
func (s *Store) GetSecret(ctx context.Context, p Principal, name string) (*Secret, error) {
	sec, err := s.dispatch.secrets.get(principalKey(p, name), func() (*Secret, error) {
		return s.scanSecret(s.queryRow(ctx, `SELECT `+secretCols+` FROM secrets
			WHERE customer_id = ? AND name = ? AND (role_id IS NULL OR role_id = ?)
			ORDER BY role_id IS NULL LIMIT 1`, p.CustomerID, name, p.UserID))
	})
	if err != nil {
		return nil, err
	}
	c := *sec
	return &c, nil
}
