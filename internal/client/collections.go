package client

import (
	"context"
	"encoding/json"
	"net/http"
)

// ServiceCollectionCreate is the body of POST /groups.
type ServiceCollectionCreate struct {
	Name        string  `json:"name"`
	DisplayName *string `json:"display_name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// ServiceCollectionUpdate is the body of PATCH /groups/{id}. Unset
// fields are left unchanged; a null display name or description clears
// it.
type ServiceCollectionUpdate struct {
	DisplayName Nullable[string] `json:"display_name,omitzero"`
	Description Nullable[string] `json:"description,omitzero"`
	Enabled     Nullable[bool]   `json:"enabled,omitzero"`
}

// ServiceCollectionPublic is the answer to PATCH /groups/{id}.
type ServiceCollectionPublic struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	DisplayName *string `json:"display_name"`
	Description *string `json:"description"`
	Enabled     bool    `json:"enabled"`
	MemberCount int64   `json:"member_count"`
}

// CollectionMemberLimit is how many members a collection holds at most;
// adding one more is a 422.
const CollectionMemberLimit = 20

// ServiceCollectionMemberCreate is the body of POST /groups/{id}/members.
type ServiceCollectionMemberCreate struct {
	ServiceID  string         `json:"service_id"`
	RoutingKey map[string]any `json:"routing_key,omitempty"`
	SortOrder  int64          `json:"sort_order"`
}

// ServiceCollectionMemberPublic is a collection member. RoutingKey is nil
// when the member uses the service's native routing key.
type ServiceCollectionMemberPublic struct {
	ID         string         `json:"id"`
	ServiceID  string         `json:"service_id"`
	RoutingKey map[string]any `json:"routing_key"`
	SortOrder  int64          `json:"sort_order"`
}

// CustomerGroupMembershipEntry is one of the caller's collections flagged
// with whether it holds a service (ID is nil for the Favorites entry
// until that collection exists).
type CustomerGroupMembershipEntry struct {
	ID          *string `json:"id"`
	Name        string  `json:"name"`
	DisplayName *string `json:"display_name"`
	Member      bool    `json:"member"`
	IsDefault   bool    `json:"is_default"`
}

// CustomerGroupMembershipResponse is GET/PUT /services/{id}/groups.
type CustomerGroupMembershipResponse struct {
	ServiceID string                         `json:"service_id"`
	Eligible  bool                           `json:"eligible"`
	Groups    []CustomerGroupMembershipEntry `json:"groups"`
}

// CustomerGroupMembershipUpdate is the body of PUT /services/{id}/groups:
// the collections that should hold the service afterwards.
type CustomerGroupMembershipUpdate struct {
	GroupIDs       []string `json:"group_ids"`
	IncludeDefault bool     `json:"include_default"`
}

// CollectionShared reads the scope of a collection from a group's
// details ({"shared": true|false}); known is false when the API did not
// say.
func CollectionShared(details json.RawMessage) (shared, known bool) {
	var d struct {
		Shared *bool `json:"shared"`
	}
	if len(details) == 0 || json.Unmarshal(details, &d) != nil || d.Shared == nil {
		return false, false
	}
	return *d.Shared, true
}

// CreateCollection creates a collection in the caller's personal scope,
// or with shared in the team's.
func (c *Client) CreateCollection(ctx context.Context, body ServiceCollectionCreate, shared bool) (*CustomerGroupView, error) {
	return call[CustomerGroupView](ctx, c, request{method: http.MethodPost, path: "/groups", query: sharedQuery(shared), body: body})
}

// GetCollection returns one of the caller's collections by id. It is
// GetGroup, answering 404 when the id names a platform group instead.
func (c *Client) GetCollection(ctx context.Context, id string) (*CustomerGroupDetail, error) {
	g, err := c.GetGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	if g.OwnerType == "platform" {
		return nil, &APIError{StatusCode: http.StatusNotFound, Detail: "'" + id + "' is a platform group, not one of your collections", Method: http.MethodGet, Path: pathf("/groups/%s", id)}
	}
	return g, nil
}

// ListCollections returns the caller's collections (personal and shared)
// whose name contains name.
func (c *Client) ListCollections(ctx context.Context, name string) ([]CustomerGroupView, error) {
	return c.ListGroups(ctx, ListGroupsOptions{Owner: "own", Name: name})
}

// UpdateCollection changes a collection's display name, description and
// enabled flag (its name and scope cannot change).
func (c *Client) UpdateCollection(ctx context.Context, id string, body ServiceCollectionUpdate) (*ServiceCollectionPublic, error) {
	return call[ServiceCollectionPublic](ctx, c, request{method: http.MethodPatch, path: pathf("/groups/%s", id), body: body})
}

// DeleteCollection deletes a collection and its members.
func (c *Client) DeleteCollection(ctx context.Context, id string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/groups/%s", id)}, nil)
	return err
}

// ListCollectionMembers returns a collection's members.
func (c *Client) ListCollectionMembers(ctx context.Context, id string) ([]ServiceCollectionMemberPublic, error) {
	var out []ServiceCollectionMemberPublic
	if _, err := c.do(ctx, request{method: http.MethodGet, path: pathf("/groups/%s/members", id)}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AddCollectionMember adds a service to a collection. The API refuses a
// 21st member, a service the caller cannot dispatch (422) and a service
// that is already a member (409).
func (c *Client) AddCollectionMember(ctx context.Context, id string, body ServiceCollectionMemberCreate) (*ServiceCollectionMemberPublic, error) {
	return call[ServiceCollectionMemberPublic](ctx, c, request{method: http.MethodPost, path: pathf("/groups/%s/members", id), body: body})
}

// RemoveCollectionMember removes a service from a collection.
func (c *Client) RemoveCollectionMember(ctx context.Context, id, serviceID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/groups/%s/members/%s", id, serviceID)}, nil)
	return err
}

// GetServiceGroupMembership returns the caller's collections flagged with
// whether they hold the service, and whether the caller may add it.
func (c *Client) GetServiceGroupMembership(ctx context.Context, serviceID string) (*CustomerGroupMembershipResponse, error) {
	return call[CustomerGroupMembershipResponse](ctx, c, request{method: http.MethodGet, path: pathf("/services/%s/groups", serviceID)})
}

// SetServiceGroupMembership makes the service a member of exactly the
// given collections (and Favorites with IncludeDefault).
func (c *Client) SetServiceGroupMembership(ctx context.Context, serviceID string, body CustomerGroupMembershipUpdate) (*CustomerGroupMembershipResponse, error) {
	if body.GroupIDs == nil {
		body.GroupIDs = []string{}
	}
	return call[CustomerGroupMembershipResponse](ctx, c, request{method: http.MethodPut, path: pathf("/services/%s/groups", serviceID), body: body})
}
