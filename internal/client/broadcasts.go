package client

import (
	"context"
	"net/http"
)

// BroadcastTargetPublic is one target of a broadcast as the API returns it.
type BroadcastTargetPublic struct {
	ID                 string         `json:"id"`
	BroadcastID        string         `json:"broadcast_id"`
	Name               string         `json:"name"`
	TargetPath         string         `json:"target_path"`
	RoutingKeyOverride map[string]any `json:"routing_key_override"`
	SortOrder          int64          `json:"sort_order"`
}

// BroadcastPublic is a broadcast with its targets (in sort order).
type BroadcastPublic struct {
	ID              string                  `json:"id"`
	CustomerID      string                  `json:"customer_id"`
	OwnerID         *string                 `json:"owner_id"`
	Name            string                  `json:"name"`
	Description     *string                 `json:"description"`
	Mode            string                  `json:"mode"`
	TargetTimeoutMS int64                   `json:"target_timeout_ms"`
	Enabled         bool                    `json:"enabled"`
	Details         map[string]any          `json:"details,omitempty"`
	CreatedAt       string                  `json:"created_at"`
	UpdatedAt       *string                 `json:"updated_at"`
	Targets         []BroadcastTargetPublic `json:"targets"`
}

// Shared reports whether the broadcast lives in the team scope (no owner).
func (b *BroadcastPublic) Shared() bool { return b.OwnerID == nil }

// BroadcastsPublic is the list envelope of GET /broadcasts/.
type BroadcastsPublic struct {
	Data  []BroadcastPublic `json:"data"`
	Count int               `json:"count"`
}

// BroadcastTargetCreate is one target as created (in BroadcastCreate, POST
// or PUT of targets).
type BroadcastTargetCreate struct {
	Name               string         `json:"name"`
	TargetPath         string         `json:"target_path"`
	RoutingKeyOverride map[string]any `json:"routing_key_override,omitempty"`
	SortOrder          int64          `json:"sort_order"`
}

// BroadcastCreate is the body of POST /broadcasts/.
type BroadcastCreate struct {
	Name            string                  `json:"name"`
	Description     *string                 `json:"description,omitempty"`
	Mode            string                  `json:"mode,omitempty"`
	TargetTimeoutMS *int64                  `json:"target_timeout_ms,omitempty"`
	Enabled         *bool                   `json:"enabled,omitempty"`
	Targets         []BroadcastTargetCreate `json:"targets,omitempty"`
}

// BroadcastUpdate is the body of PATCH /broadcasts/{id}; unset fields
// are left unchanged, a null description clears it.
type BroadcastUpdate struct {
	Description     Nullable[string] `json:"description,omitzero"`
	Mode            Nullable[string] `json:"mode,omitzero"`
	TargetTimeoutMS Nullable[int64]  `json:"target_timeout_ms,omitzero"`
	Enabled         Nullable[bool]   `json:"enabled,omitzero"`
}

// ListBroadcastsPage returns one page of broadcasts.
func (c *Client) ListBroadcastsPage(ctx context.Context, opts SkipLimitOptions) (*BroadcastsPublic, error) {
	return call[BroadcastsPublic](ctx, c, request{method: http.MethodGet, path: "/broadcasts/", query: opts.query()})
}

// ListBroadcasts returns every broadcast visible to the caller (personal
// and shared, or only shared when sharedOnly), following every page.
func (c *Client) ListBroadcasts(ctx context.Context, sharedOnly bool) ([]BroadcastPublic, error) {
	return allPages(func(skip, limit int) ([]BroadcastPublic, int, error) {
		p, err := c.ListBroadcastsPage(ctx, SkipLimitOptions{SharedOnly: sharedOnly, Skip: skip, Limit: limit})
		if err != nil {
			return nil, 0, err
		}
		return p.Data, p.Count, nil
	})
}

// FindBroadcastsByName returns the visible broadcasts named name: at most
// one per scope (personal first).
func (c *Client) FindBroadcastsByName(ctx context.Context, name string) ([]BroadcastPublic, error) {
	all, err := c.ListBroadcasts(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []BroadcastPublic
	for _, b := range all {
		if b.Name == name {
			out = append(out, b)
		}
	}
	return out, nil
}

// GetBroadcast returns a broadcast with its targets.
func (c *Client) GetBroadcast(ctx context.Context, id string) (*BroadcastPublic, error) {
	return call[BroadcastPublic](ctx, c, request{method: http.MethodGet, path: pathf("/broadcasts/%s", id)})
}

// CreateBroadcast creates a broadcast (with its targets) in the personal
// or shared scope.
func (c *Client) CreateBroadcast(ctx context.Context, shared bool, body BroadcastCreate) (*BroadcastPublic, error) {
	return call[BroadcastPublic](ctx, c, request{method: http.MethodPost, path: "/broadcasts/", query: sharedQuery(shared), body: body})
}

// UpdateBroadcast changes a broadcast's description, mode, target timeout
// or enabled flag.
func (c *Client) UpdateBroadcast(ctx context.Context, id string, body BroadcastUpdate) (*BroadcastPublic, error) {
	return call[BroadcastPublic](ctx, c, request{method: http.MethodPatch, path: pathf("/broadcasts/%s", id), body: body})
}

// DeleteBroadcast deletes a broadcast and its targets.
func (c *Client) DeleteBroadcast(ctx context.Context, id string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/broadcasts/%s", id)}, nil)
	return err
}

// ReplaceBroadcastTargets replaces every target of a broadcast atomically
// and returns the broadcast.
func (c *Client) ReplaceBroadcastTargets(ctx context.Context, id string, targets []BroadcastTargetCreate) (*BroadcastPublic, error) {
	if targets == nil {
		targets = []BroadcastTargetCreate{}
	}
	return call[BroadcastPublic](ctx, c, request{method: http.MethodPut, path: pathf("/broadcasts/%s/targets", id), body: targets})
}

// AddBroadcastTarget adds one target to a broadcast.
func (c *Client) AddBroadcastTarget(ctx context.Context, broadcastID string, target BroadcastTargetCreate) (*BroadcastTargetPublic, error) {
	return call[BroadcastTargetPublic](ctx, c, request{method: http.MethodPost, path: pathf("/broadcasts/%s/targets", broadcastID), body: target})
}

// DeleteBroadcastTarget removes one target from a broadcast.
func (c *Client) DeleteBroadcastTarget(ctx context.Context, broadcastID, targetID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/broadcasts/%s/targets/%s", broadcastID, targetID)}, nil)
	return err
}
