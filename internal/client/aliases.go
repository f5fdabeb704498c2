package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// ServiceAliasPublic is an alias as the API returns it. An alias is
// reachable on the gateway at a/<name>.
type ServiceAliasPublic struct {
	ID                 string          `json:"id"`
	CustomerID         string          `json:"customer_id"`
	OwnerID            *string         `json:"owner_id"`
	Name               string          `json:"name"`
	Description        *string         `json:"description"`
	RequestRoutingKey  map[string]any  `json:"request_routing_key"`
	TargetPath         string          `json:"target_path"`
	RoutingKeyOverride map[string]any  `json:"routing_key_override"`
	IsRouting          bool            `json:"is_routing"`
	Details            json.RawMessage `json:"details,omitempty"`
	CreatedAt          string          `json:"created_at"`
	UpdatedAt          *string         `json:"updated_at"`
	DeactivatedAt      *string         `json:"deactivated_at"`
}

// Shared reports whether the alias lives in the team scope (personal
// aliases carry their user's owner id).
func (a *ServiceAliasPublic) Shared() bool { return a.OwnerID == nil }

// Deactivated reports whether the alias was deleted: the API keeps
// deleted aliases, with deactivated_at set.
func (a *ServiceAliasPublic) Deactivated() bool { return a.DeactivatedAt != nil }

// ServiceAliasesPublic is the list envelope of GET /aliases/.
type ServiceAliasesPublic struct {
	Data  []ServiceAliasPublic `json:"data"`
	Count int                  `json:"count"`
}

// ServiceAliasCreate is the body of POST /aliases/.
type ServiceAliasCreate struct {
	Name              string         `json:"name"`
	Description       *string        `json:"description,omitempty"`
	RequestRoutingKey map[string]any `json:"request_routing_key,omitempty"`
	// IsRouting defaults to true on the server. A routing alias whose
	// (name, request_routing_key) another alias already routes is created
	// non-routing: check IsRouting in the answer.
	IsRouting          *bool          `json:"is_routing,omitempty"`
	TargetPath         string         `json:"target_path"`
	RoutingKeyOverride map[string]any `json:"routing_key_override,omitempty"`
}

// ServiceAliasUpdate is the body of PATCH /aliases/{id}. Unset fields are
// left unchanged. The name and scope cannot change; routing moves with
// SwitchAliasRouting.
type ServiceAliasUpdate struct {
	Description        Nullable[string]         `json:"description,omitzero"`
	RequestRoutingKey  Nullable[map[string]any] `json:"request_routing_key,omitzero"`
	TargetPath         Nullable[string]         `json:"target_path,omitzero"`
	RoutingKeyOverride Nullable[map[string]any] `json:"routing_key_override,omitzero"`
}

// SwitchRoutingResponse is the answer of POST /aliases/{identifier}/switch.
type SwitchRoutingResponse struct {
	Alias ServiceAliasPublic `json:"alias"`
	// DemotedAliasID is the sibling that stopped routing when switching on.
	DemotedAliasID *string `json:"demoted_alias_id"`
}

// ListAliasesOptions filters GET /aliases/.
type ListAliasesOptions struct {
	// Name selects aliases with exactly this name.
	Name               string
	IncludeDeactivated bool
	// SharedOnly lists team aliases only; otherwise personal and shared.
	SharedOnly  bool
	Skip, Limit int
}

func (o ListAliasesOptions) query() url.Values {
	q := url.Values{}
	if o.Name != "" {
		q.Set("name", o.Name)
	}
	if o.IncludeDeactivated {
		q.Set("include_deactivated", "true")
	}
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

// ListAliasesPage returns one page of aliases.
func (c *Client) ListAliasesPage(ctx context.Context, opts ListAliasesOptions) (*ServiceAliasesPublic, error) {
	return call[ServiceAliasesPublic](ctx, c, request{method: http.MethodGet, path: "/aliases/", query: opts.query()})
}

// ListAliases returns every alias matching opts, following every page
// (opts.Skip and opts.Limit are ignored).
func (c *Client) ListAliases(ctx context.Context, opts ListAliasesOptions) ([]ServiceAliasPublic, error) {
	return allPages(func(skip, limit int) ([]ServiceAliasPublic, int, error) {
		opts.Skip, opts.Limit = skip, limit
		page, err := c.ListAliasesPage(ctx, opts)
		if err != nil {
			return nil, 0, err
		}
		return page.Data, page.Count, nil
	})
}

// FindAliasesByName returns the live (not deleted) aliases named exactly
// name, personal and shared.
func (c *Client) FindAliasesByName(ctx context.Context, name string) ([]ServiceAliasPublic, error) {
	found, err := c.ListAliases(ctx, ListAliasesOptions{Name: name})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(found, func(a ServiceAliasPublic) bool { return a.Name != name || a.Deactivated() }), nil
}

// GetAlias returns an alias by id. A deleted alias is still returned,
// with DeactivatedAt set.
func (c *Client) GetAlias(ctx context.Context, id string) (*ServiceAliasPublic, error) {
	return call[ServiceAliasPublic](ctx, c, request{method: http.MethodGet, path: pathf("/aliases/%s", id)})
}

// CreateAlias creates an alias in the personal or shared scope.
func (c *Client) CreateAlias(ctx context.Context, shared bool, body ServiceAliasCreate) (*ServiceAliasPublic, error) {
	return call[ServiceAliasPublic](ctx, c, request{method: http.MethodPost, path: "/aliases/", query: sharedQuery(shared), body: body})
}

// UpdateAlias changes an alias's description, routing key, target path or
// routing key override.
func (c *Client) UpdateAlias(ctx context.Context, id string, body ServiceAliasUpdate) (*ServiceAliasPublic, error) {
	return call[ServiceAliasPublic](ctx, c, request{method: http.MethodPatch, path: pathf("/aliases/%s", id), body: body})
}

// DeleteAlias deactivates an alias (the API sets deactivated_at).
func (c *Client) DeleteAlias(ctx context.Context, id string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/aliases/%s", id)}, nil)
	return err
}

// SwitchAliasOptions narrows a switch by name: substrings of the target
// path and of a routing-key value.
type SwitchAliasOptions struct {
	Target     string
	RoutingKey string
}

// SwitchAliasRouting turns routing on (demoting the sibling that routed
// the same name and routing key) or off for the alias identifier names: a
// UUID, a partial UUID of at least 8 hex digits, or an alias name. A
// switch to a given state can be repeated safely, so it is retried like
// a PUT.
func (c *Client) SwitchAliasRouting(ctx context.Context, identifier string, on bool, opts SwitchAliasOptions) (*SwitchRoutingResponse, error) {
	q := url.Values{"on": {strconv.FormatBool(on)}}
	if opts.Target != "" {
		q.Set("target", opts.Target)
	}
	if opts.RoutingKey != "" {
		q.Set("routing_key", opts.RoutingKey)
	}
	return call[SwitchRoutingResponse](ctx, c, request{method: http.MethodPost, path: pathf("/aliases/%s/switch", identifier), query: q, repeatable: true})
}
