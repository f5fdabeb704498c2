package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ChainStepPublic is one step of a chain as the API returns it.
type ChainStepPublic struct {
	ID         string `json:"id"`
	ChainID    string `json:"chain_id"`
	Name       string `json:"name"`
	TargetPath string `json:"target_path"`
	OnSuccess  string `json:"on_success"`
	OnFailure  string `json:"on_failure"`
	TimeoutMS  *int64 `json:"timeout_ms"`
	SortOrder  int64  `json:"sort_order"`
}

// ChainPublic is a chain with its steps (in dispatch order).
type ChainPublic struct {
	ID               string            `json:"id"`
	CustomerID       string            `json:"customer_id"`
	OwnerID          *string           `json:"owner_id"`
	Name             string            `json:"name"`
	Description      *string           `json:"description"`
	DefaultTimeoutMS int64             `json:"default_timeout_ms"`
	Enabled          bool              `json:"enabled"`
	Details          map[string]any    `json:"details,omitempty"`
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        *string           `json:"updated_at"`
	Steps            []ChainStepPublic `json:"steps"`
}

// Shared reports whether the chain lives in the team scope (no owner).
func (c *ChainPublic) Shared() bool { return c.OwnerID == nil }

// ChainsPublic is the list envelope of GET /chains/.
type ChainsPublic struct {
	Data  []ChainPublic `json:"data"`
	Count int           `json:"count"`
}

// ChainStepCreate is one step as created (in ChainCreate, POST or PUT of
// steps). Empty OnSuccess / OnFailure leave the API's defaults (stop /
// relay).
type ChainStepCreate struct {
	Name       string `json:"name"`
	TargetPath string `json:"target_path"`
	OnSuccess  string `json:"on_success,omitempty"`
	OnFailure  string `json:"on_failure,omitempty"`
	TimeoutMS  *int64 `json:"timeout_ms,omitempty"`
	SortOrder  int64  `json:"sort_order"`
}

// ChainCreate is the body of POST /chains/.
type ChainCreate struct {
	Name             string            `json:"name"`
	Description      *string           `json:"description,omitempty"`
	DefaultTimeoutMS *int64            `json:"default_timeout_ms,omitempty"`
	Enabled          *bool             `json:"enabled,omitempty"`
	Steps            []ChainStepCreate `json:"steps,omitempty"`
}

// ChainUpdate is the body of PATCH /chains/{id}; unset fields are left
// unchanged, a null description clears it.
type ChainUpdate struct {
	Description      Nullable[string] `json:"description,omitzero"`
	DefaultTimeoutMS Nullable[int64]  `json:"default_timeout_ms,omitzero"`
	Enabled          Nullable[bool]   `json:"enabled,omitzero"`
}

// ChainStepUpdate is the body of PATCH /chains/{id}/steps/{step_id};
// unset fields are left unchanged, a null timeout_ms clears it (the step
// then uses the chain's default).
type ChainStepUpdate struct {
	Name       Nullable[string] `json:"name,omitzero"`
	TargetPath Nullable[string] `json:"target_path,omitzero"`
	OnSuccess  Nullable[string] `json:"on_success,omitzero"`
	OnFailure  Nullable[string] `json:"on_failure,omitzero"`
	TimeoutMS  Nullable[int64]  `json:"timeout_ms,omitzero"`
	SortOrder  Nullable[int64]  `json:"sort_order,omitzero"`
}

// SkipLimitOptions selects one page of a skip/limit collection. SharedOnly
// asks for team objects only (?shared=true); otherwise the caller's
// personal objects and the shared ones are listed.
type SkipLimitOptions struct {
	SharedOnly bool
	Skip       int
	Limit      int
}

func (o SkipLimitOptions) query() url.Values {
	q := url.Values{}
	if o.SharedOnly {
		q.Set("shared", "true")
	}
	if o.Skip > 0 {
		q.Set("skip", strconv.Itoa(o.Skip))
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	return q
}

// ListChainsPage returns one page of chains.
func (c *Client) ListChainsPage(ctx context.Context, opts SkipLimitOptions) (*ChainsPublic, error) {
	return call[ChainsPublic](ctx, c, request{method: http.MethodGet, path: "/chains/", query: opts.query()})
}

// ListChains returns every chain visible to the caller (personal and
// shared, or only shared when sharedOnly), following every page.
func (c *Client) ListChains(ctx context.Context, sharedOnly bool) ([]ChainPublic, error) {
	return allPages(func(skip, limit int) ([]ChainPublic, int, error) {
		p, err := c.ListChainsPage(ctx, SkipLimitOptions{SharedOnly: sharedOnly, Skip: skip, Limit: limit})
		if err != nil {
			return nil, 0, err
		}
		return p.Data, p.Count, nil
	})
}

// FindChainsByName returns the visible chains named name: at most one per
// scope (personal first).
func (c *Client) FindChainsByName(ctx context.Context, name string) ([]ChainPublic, error) {
	all, err := c.ListChains(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []ChainPublic
	for _, ch := range all {
		if ch.Name == name {
			out = append(out, ch)
		}
	}
	return out, nil
}

// GetChain returns a chain with its steps.
func (c *Client) GetChain(ctx context.Context, id string) (*ChainPublic, error) {
	return call[ChainPublic](ctx, c, request{method: http.MethodGet, path: pathf("/chains/%s", id)})
}

// CreateChain creates a chain (with its steps) in the personal or shared
// scope.
func (c *Client) CreateChain(ctx context.Context, shared bool, body ChainCreate) (*ChainPublic, error) {
	return call[ChainPublic](ctx, c, request{method: http.MethodPost, path: "/chains/", query: sharedQuery(shared), body: body})
}

// UpdateChain changes a chain's description, default timeout or enabled
// flag.
func (c *Client) UpdateChain(ctx context.Context, id string, body ChainUpdate) (*ChainPublic, error) {
	return call[ChainPublic](ctx, c, request{method: http.MethodPatch, path: pathf("/chains/%s", id), body: body})
}

// DeleteChain deletes a chain and its steps.
func (c *Client) DeleteChain(ctx context.Context, id string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/chains/%s", id)}, nil)
	return err
}

// ReplaceChainSteps replaces every step of a chain atomically and returns
// the chain.
func (c *Client) ReplaceChainSteps(ctx context.Context, id string, steps []ChainStepCreate) (*ChainPublic, error) {
	if steps == nil {
		steps = []ChainStepCreate{}
	}
	return call[ChainPublic](ctx, c, request{method: http.MethodPut, path: pathf("/chains/%s/steps", id), body: steps})
}

// AddChainStep adds one step to a chain.
func (c *Client) AddChainStep(ctx context.Context, chainID string, step ChainStepCreate) (*ChainStepPublic, error) {
	return call[ChainStepPublic](ctx, c, request{method: http.MethodPost, path: pathf("/chains/%s/steps", chainID), body: step})
}

// UpdateChainStep changes one step.
func (c *Client) UpdateChainStep(ctx context.Context, chainID, stepID string, body ChainStepUpdate) (*ChainStepPublic, error) {
	return call[ChainStepPublic](ctx, c, request{method: http.MethodPatch, path: pathf("/chains/%s/steps/%s", chainID, stepID), body: body})
}

// DeleteChainStep removes one step from a chain.
func (c *Client) DeleteChainStep(ctx context.Context, chainID, stepID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/chains/%s/steps/%s", chainID, stepID)}, nil)
	return err
}
