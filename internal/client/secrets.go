package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// SecretPublic is a secret or variable as the API returns it. Value is nil
// for sensitive secrets.
type SecretPublic struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description,omitempty"`
	OwnerType   string  `json:"owner_type"`
	RoleID      *string `json:"role_id"`
	OwnerID     *string `json:"owner_id"`
	Sensitive   bool    `json:"sensitive"`
	Value       *string `json:"value,omitempty"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   *string `json:"updated_at"`
	LastUsedAt  *string `json:"last_used_at"`
}

// Shared reports whether the secret lives in the team scope rather than a
// user's personal scope (personal secrets carry the user's role id).
func (s *SecretPublic) Shared() bool { return s.RoleID == nil }

// SecretUpdate is the body of PUT /secrets/{name}. The value is always
// sent; an unset (or null) sensitive flag or description is left as it
// is (a new secret is sensitive, without description), and an empty
// description clears it.
type SecretUpdate struct {
	Value       string           `json:"value"`
	Sensitive   Nullable[bool]   `json:"sensitive,omitzero"`
	Description Nullable[string] `json:"description,omitzero"`
}

// SecretsPublic is the list envelope of GET /secrets/.
type SecretsPublic struct {
	Data  []SecretPublic `json:"data"`
	Count int            `json:"count"`
}

// ListSecretsPage returns one page of the secrets visible to the caller.
func (c *Client) ListSecretsPage(ctx context.Context, skip, limit int) (*SecretsPublic, error) {
	q := url.Values{"skip": {strconv.Itoa(skip)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return call[SecretsPublic](ctx, c, request{method: http.MethodGet, path: "/secrets/", query: q})
}

// ListSecrets returns every secret visible to the caller, personal and
// shared, following every page.
func (c *Client) ListSecrets(ctx context.Context) ([]SecretPublic, error) {
	return allPages(func(skip, limit int) ([]SecretPublic, int, error) {
		page, err := c.ListSecretsPage(ctx, skip, limit)
		if err != nil {
			return nil, 0, err
		}
		return page.Data, page.Count, nil
	})
}

// GetSecret returns the secret named name; a personal secret shadows a
// shared one of the same name.
func (c *Client) GetSecret(ctx context.Context, name string) (*SecretPublic, error) {
	return call[SecretPublic](ctx, c, request{method: http.MethodGet, path: pathf("/secrets/%s", name)})
}

// SetSecret creates or updates a secret in the personal or shared scope
// (PUT is an upsert). created reports an insert (see Inserted). A PUT
// whose answer is lost is sent again, which is right for an update.
func (c *Client) SetSecret(ctx context.Context, name string, shared bool, body SecretUpdate) (secret *SecretPublic, created bool, err error) {
	return c.putSecret(ctx, request{method: http.MethodPut, path: pathf("/secrets/%s", name), query: sharedQuery(shared), body: body})
}

// CreateSecret is SetSecret for a secret that should not exist yet. Its
// PUT is never sent again once it may have reached the server: a repeat
// would answer "updated" and hide whether the first one inserted the
// secret or found someone else's. A lost answer is an error for which
// OutcomeUnknown holds; check the secret on the server then.
func (c *Client) CreateSecret(ctx context.Context, name string, shared bool, body SecretUpdate) (secret *SecretPublic, created bool, err error) {
	return c.putSecret(ctx, request{method: http.MethodPut, path: pathf("/secrets/%s", name), query: sharedQuery(shared), body: body, once: true})
}

func (c *Client) putSecret(ctx context.Context, r request) (*SecretPublic, bool, error) {
	var out SecretPublic
	status, err := c.do(ctx, r, &out)
	if err != nil {
		return nil, false, err
	}
	return &out, out.Inserted(status), nil
}

// Inserted reports whether the answer to a PUT with the given status
// created the secret rather than updating it. The spec's text says 201
// for an insert and 200 for an update, but clients of the API (the
// official SDK among them) accept 200 for both, so the timestamps decide
// too: a secret written once has no updated_at (or one equal to
// created_at).
func (s *SecretPublic) Inserted(status int) bool {
	if status == http.StatusCreated {
		return true
	}
	return s.UpdatedAt == nil || *s.UpdatedAt == s.CreatedAt
}

// DeleteSecret deletes a secret in the personal or shared scope.
func (c *Client) DeleteSecret(ctx context.Context, name string, shared bool) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/secrets/%s", name), query: sharedQuery(shared)}, nil)
	return err
}

// sharedQuery returns ?shared=true when shared is set, and no query
// otherwise (the API's default is personal).
func sharedQuery(shared bool) url.Values {
	if !shared {
		return nil
	}
	return url.Values{"shared": {strconv.FormatBool(true)}}
}
