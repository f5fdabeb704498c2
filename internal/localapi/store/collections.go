package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// DefaultCollectionName is the personal collection PUT
// /services/{id}/groups creates on first use of include_default.
const DefaultCollectionName = "favorites"

// ErrMemberLimit is returned when a collection is full.
var ErrMemberLimit = errors.New("collection member limit reached")

// ErrNotEligible is returned when a service the caller cannot dispatch
// would be added to a collection.
var ErrNotEligible = errors.New("service not dispatchable by the customer")

// CollectionError names the collection an error is about.
type CollectionError struct {
	Collection *Collection
	Err        error
}

func (e *CollectionError) Error() string {
	return fmt.Sprintf("collection %s: %v", e.Collection.Name, e.Err)
}
func (e *CollectionError) Unwrap() error { return e.Err }

// Collection is a customer-owned service collection.
type Collection struct {
	ID          string
	CustomerID  string
	RoleID      *string // nil: shared scope
	Name        string
	DisplayName *string
	Description *string
	Enabled     bool
	CreatedAt   string
	UpdatedAt   *string
	// MemberCount is counted live.
	MemberCount int
}

// Shared reports whether the collection lives in the team scope.
func (c *Collection) Shared() bool { return c.RoleID == nil }

// Member is one service in a collection.
type Member struct {
	ID           string
	CollectionID string
	ServiceID    string
	// RoutingKey is the member's routing-key override (a JSON object), nil
	// when it uses the service's native key.
	RoutingKey json.RawMessage
	SortOrder  int
	CreatedAt  string
}

// CollectionWrite is what CreateCollection stores.
type CollectionWrite struct {
	Name        string
	DisplayName *string
	Description *string
	Shared      bool
}

// CollectionUpdate changes a collection; a Set* flag means the matching
// field is written (a nil value clears it).
type CollectionUpdate struct {
	SetDisplayName bool
	DisplayName    *string
	SetDescription bool
	Description    *string
	Enabled        *bool
}

// MemberWrite is what AddMember stores.
type MemberWrite struct {
	ServiceID  string
	RoutingKey json.RawMessage
	SortOrder  int
}

const collectionCols = `c.id, c.customer_id, c.role_id, c.name, c.display_name, c.description, c.enabled, c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM collection_members m WHERE m.collection_id = c.id)`

type collQueryer interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

func scanCollection(row interface{ Scan(...any) error }) (*Collection, error) {
	var c Collection
	if err := row.Scan(&c.ID, &c.CustomerID, &c.RoleID, &c.Name, &c.DisplayName, &c.Description, &c.Enabled, &c.CreatedAt, &c.UpdatedAt, &c.MemberCount); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &c, nil
}

const visibleCollection = `c.customer_id = ? AND (c.role_id IS NULL OR c.role_id = ?)`

func listCollections(ctx context.Context, q collQueryer, p Principal) ([]*Collection, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+collectionCols+` FROM collections c WHERE `+visibleCollection+`
		ORDER BY c.name, c.role_id IS NULL`, p.CustomerID, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Collection
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func getCollection(ctx context.Context, q collQueryer, p Principal, id string) (*Collection, error) {
	return scanCollection(q.QueryRowContext(ctx, `SELECT `+collectionCols+` FROM collections c WHERE c.id = ? AND `+visibleCollection,
		strings.ToLower(id), p.CustomerID, p.UserID))
}

// ListCollections returns the caller's personal collections and the
// team's shared ones, by name (personal first).
func (s *Store) ListCollections(ctx context.Context, p Principal) ([]*Collection, error) {
	return listCollections(ctx, s.db, p)
}

// GetCollection returns a collection visible to p by id.
func (s *Store) GetCollection(ctx context.Context, p Principal, id string) (*Collection, error) {
	return getCollection(ctx, s.db, p, id)
}

func insertCollection(ctx context.Context, tx *sql.Tx, p Principal, w CollectionWrite, now string) (string, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM collections WHERE customer_id = ? AND IFNULL(role_id, '') = IFNULL(?, '') AND name = ?`,
		p.CustomerID, scopeRole(p, w.Shared), w.Name).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		return "", ErrConflict
	}
	id := uuid.NewString()
	_, err := tx.ExecContext(ctx, `INSERT INTO collections(id, customer_id, role_id, name, display_name, description, enabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?)`, id, p.CustomerID, scopeRole(p, w.Shared), w.Name, w.DisplayName, w.Description, now)
	return id, err
}

// CreateCollection creates an enabled, empty collection; ErrConflict when
// the scope already holds one of that name.
func (s *Store) CreateCollection(ctx context.Context, p Principal, w CollectionWrite) (*Collection, error) {
	defer s.collectionsChanged() // dispatch.go: after the write is committed
	var id string
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertCollection(ctx, tx, p, w, ts(s.Now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetCollection(ctx, p, id)
}

// UpdateCollection changes a collection visible to p.
func (s *Store) UpdateCollection(ctx context.Context, p Principal, id string, u CollectionUpdate) (*Collection, error) {
	defer s.collectionsChanged() // dispatch.go: after the write is committed
	c, err := s.GetCollection(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if u.SetDisplayName {
		c.DisplayName = u.DisplayName
	}
	if u.SetDescription {
		c.Description = u.Description
	}
	if u.Enabled != nil {
		c.Enabled = *u.Enabled
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE collections SET display_name = ?, description = ?, enabled = ?, updated_at = ? WHERE id = ?`,
		c.DisplayName, c.Description, c.Enabled, ts(s.Now()), c.ID); err != nil {
		return nil, err
	}
	return s.GetCollection(ctx, p, c.ID)
}

// DeleteCollection deletes a collection visible to p and its members.
func (s *Store) DeleteCollection(ctx context.Context, p Principal, id string) error {
	defer s.collectionsChanged() // dispatch.go: after the write is committed
	c, err := s.GetCollection(ctx, p, id)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM collection_members WHERE collection_id = ?`, c.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM collections WHERE id = ?`, c.ID)
		return err
	})
}

const memberCols = `id, collection_id, service_id, routing_key, sort_order, created_at`

func listMembers(ctx context.Context, q collQueryer, collectionID string) ([]*Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+memberCols+` FROM collection_members WHERE collection_id = ? ORDER BY sort_order, seq`, collectionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		var m Member
		var rk *string
		if err := rows.Scan(&m.ID, &m.CollectionID, &m.ServiceID, &rk, &m.SortOrder, &m.CreatedAt); err != nil {
			return nil, err
		}
		if rk != nil {
			m.RoutingKey = json.RawMessage(*rk)
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}

// ListMembers returns a collection's members by sort_order, then the
// order they were added.
func (s *Store) ListMembers(ctx context.Context, collectionID string) ([]*Member, error) {
	return listMembers(ctx, s.db, collectionID)
}

// addMember inserts a member after the duplicate and limit checks.
func addMember(ctx context.Context, tx *sql.Tx, c *Collection, w MemberWrite, limit int, now string) (string, error) {
	var dup, count, seq int
	if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM collection_members WHERE collection_id = ?1 AND service_id = ?2),
			(SELECT COUNT(*) FROM collection_members WHERE collection_id = ?1),
			(SELECT IFNULL(MAX(seq), 0) + 1 FROM collection_members WHERE collection_id = ?1)`,
		c.ID, w.ServiceID).Scan(&dup, &count, &seq); err != nil {
		return "", err
	}
	if dup > 0 {
		return "", &CollectionError{Collection: c, Err: ErrConflict}
	}
	if count >= limit {
		return "", &CollectionError{Collection: c, Err: ErrMemberLimit}
	}
	var rk *string
	if len(w.RoutingKey) > 0 && string(w.RoutingKey) != "null" {
		v := string(w.RoutingKey)
		rk = &v
	}
	id := uuid.NewString()
	_, err := tx.ExecContext(ctx, `INSERT INTO collection_members(id, collection_id, service_id, routing_key, sort_order, seq, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, c.ID, w.ServiceID, rk, w.SortOrder, seq, now)
	return id, err
}

// AddMember adds a service to a collection visible to p. It returns a
// *CollectionError wrapping ErrConflict when the service is already a
// member, or ErrMemberLimit when the collection holds limit members.
func (s *Store) AddMember(ctx context.Context, p Principal, collectionID string, w MemberWrite, limit int) (*Member, error) {
	defer s.collectionsChanged() // dispatch.go: after the write is committed
	var id string
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		c, err := getCollection(ctx, tx, p, collectionID)
		if err != nil {
			return err
		}
		id, err = addMember(ctx, tx, c, w, limit, ts(s.Now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	members, err := s.ListMembers(ctx, strings.ToLower(collectionID))
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.ID == id {
			return m, nil
		}
	}
	return nil, ErrNotFound
}

// RemoveMember removes a service from a collection; ErrNotFound when it
// is not a member.
func (s *Store) RemoveMember(ctx context.Context, collectionID, serviceID string) error {
	defer s.collectionsChanged() // dispatch.go: after the write is committed
	res, err := s.db.ExecContext(ctx, `DELETE FROM collection_members WHERE collection_id = ? AND service_id = ?`,
		strings.ToLower(collectionID), strings.ToLower(serviceID))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Membership is one of the caller's collections with whether it holds a
// given service.
type Membership struct {
	Collection *Collection
	Member     bool
	IsDefault  bool
}

// isDefault reports whether c is the caller's default (Favorites)
// collection: the personal one named DefaultCollectionName.
func isDefault(c *Collection, p Principal) bool {
	return c.Name == DefaultCollectionName && c.RoleID != nil && *c.RoleID == p.UserID
}

func memberships(ctx context.Context, q collQueryer, p Principal, serviceID string) ([]Membership, error) {
	cs, err := listCollections(ctx, q, p)
	if err != nil {
		return nil, err
	}
	out := make([]Membership, 0, len(cs))
	for _, c := range cs {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_members WHERE collection_id = ? AND service_id = ?`, c.ID, serviceID).Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, Membership{Collection: c, Member: n > 0, IsDefault: isDefault(c, p)})
	}
	return out, nil
}

// ServiceMemberships returns every collection visible to p flagged with
// whether it holds the service.
func (s *Store) ServiceMemberships(ctx context.Context, p Principal, serviceID string) ([]Membership, error) {
	return memberships(ctx, s.db, p, strings.ToLower(serviceID))
}

// SetServiceMemberships makes the service a member of exactly the
// collections in want (ids visible to p) plus, when includeDefault, the
// caller's default collection (created on first use); it is removed from
// every other visible collection. Additions need eligible; they fail
// with ErrNotEligible otherwise, or with a *CollectionError wrapping
// ErrMemberLimit. An id in want that p cannot see is ErrNotFound
// (wrapped with the id). All or nothing.
func (s *Store) SetServiceMemberships(ctx context.Context, p Principal, serviceID string, want []string, includeDefault, eligible bool, limit int) ([]Membership, error) {
	defer s.collectionsChanged() // dispatch.go: after the write is committed
	serviceID = strings.ToLower(serviceID)
	wanted := map[string]bool{}
	for _, id := range want {
		wanted[strings.ToLower(id)] = true
	}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		now := ts(s.Now())
		ms, err := memberships(ctx, tx, p, serviceID)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		hasDefault := false
		for _, m := range ms {
			seen[m.Collection.ID] = true
			hasDefault = hasDefault || m.IsDefault
		}
		for id := range wanted {
			if !seen[id] {
				return fmt.Errorf("collection %s: %w", id, ErrNotFound)
			}
		}
		if includeDefault && !hasDefault {
			if !eligible {
				return ErrNotEligible
			}
			id, err := insertCollection(ctx, tx, p, CollectionWrite{Name: DefaultCollectionName, DisplayName: new("Favorites")}, now)
			if err != nil {
				return err
			}
			c, err := getCollection(ctx, tx, p, id)
			if err != nil {
				return err
			}
			ms = append(ms, Membership{Collection: c, IsDefault: true})
		}
		for _, m := range ms {
			should := wanted[m.Collection.ID] || (m.IsDefault && includeDefault)
			switch {
			case should && !m.Member:
				if !eligible {
					return ErrNotEligible
				}
				if _, err := addMember(ctx, tx, m.Collection, MemberWrite{ServiceID: serviceID}, limit, now); err != nil {
					return err
				}
			case !should && m.Member:
				if _, err := tx.ExecContext(ctx, `DELETE FROM collection_members WHERE collection_id = ? AND service_id = ?`, m.Collection.ID, serviceID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.ServiceMemberships(ctx, p, serviceID)
}
