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

// SecretUpdate is the body of PUT /secrets/{name}.
type SecretUpdate struct {
	Value       string  `json:"value"`
	Sensitive   *bool   `json:"sensitive,omitempty"`
	Description *string `json:"description,omitempty"`
}

// SecretsPublic is the list envelope of GET /secrets/.
type SecretsPublic struct {
	Data  []SecretPublic `json:"data"`
	Count int            `json:"count"`
}

// ListSecrets returns every secret visible to the caller, personal and
// shared (the endpoint returns all rows by default).
func (c *Client) ListSecrets(ctx context.Context) ([]SecretPublic, error) {
	var out SecretsPublic
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/secrets/"}, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// GetSecret returns the secret named name; a personal secret shadows a
// shared one of the same name.
func (c *Client) GetSecret(ctx context.Context, name string) (*SecretPublic, error) {
	return call[SecretPublic](ctx, c, request{method: http.MethodGet, path: pathf("/secrets/%s", name)})
}

// SetSecret creates (created=true, HTTP 201) or updates (HTTP 200) a
// secret in the personal or shared scope.
func (c *Client) SetSecret(ctx context.Context, name string, shared bool, body SecretUpdate) (secret *SecretPublic, created bool, err error) {
	var out SecretPublic
	status, err := c.do(ctx, request{method: http.MethodPut, path: pathf("/secrets/%s", name), query: sharedQuery(shared), body: body}, &out)
	if err != nil {
		return nil, false, err
	}
	return &out, status == http.StatusCreated, nil
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
