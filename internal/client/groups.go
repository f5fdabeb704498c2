package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// AccessInterface is an access interface exposed to customers.
type AccessInterface struct {
	Name         string  `json:"name"`
	Description  *string `json:"description,omitempty"`
	AccessMethod *string `json:"access_method,omitempty"`
	BaseURL      *string `json:"base_url,omitempty"`
	GroupName    *string `json:"group_name,omitempty"`
	EnrollmentID *string `json:"enrollment_id,omitempty"`
}

// CustomerGroupView is one entry of GET /groups.
type CustomerGroupView struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	DisplayName *string         `json:"display_name"`
	OwnerType   string          `json:"owner_type"`
	Editable    bool            `json:"editable"`
	MemberCount int64           `json:"member_count"`
	Details     json.RawMessage `json:"details,omitempty"`
	GroupType   string          `json:"group_type"`
}

// CustomerGroupListResponse is the envelope of GET /groups.
type CustomerGroupListResponse struct {
	Data  []CustomerGroupView `json:"data"`
	Count int                 `json:"count"`
}

// CustomerGroupDetail is GET /groups/{name}: a platform group or one of
// the caller's collections.
type CustomerGroupDetail struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	DisplayName   *string          `json:"display_name"`
	Description   *string          `json:"description"`
	OwnerType     string           `json:"owner_type"`
	Editable      bool             `json:"editable"`
	MemberCount   int64            `json:"member_count"`
	Details       json.RawMessage  `json:"details,omitempty"`
	GroupType     *string          `json:"group_type"`
	Interface     *AccessInterface `json:"interface"`
	RoutingPolicy json.RawMessage  `json:"routing_policy,omitempty"`
	Enabled       *bool            `json:"enabled"`
}

// ServiceSummary is one service in a group listing.
type ServiceSummary struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	DisplayName *string `json:"display_name"`
	ServiceType *string `json:"service_type"`
	GatewayType *string `json:"gateway_type"`
}

// ServiceSummaryPage is one page of GET /groups/{name}/services.
type ServiceSummaryPage struct {
	Data       []ServiceSummary `json:"data"`
	NextCursor *string          `json:"next_cursor"`
	HasMore    bool             `json:"has_more"`
}

// ListGroupsOptions filters GET /groups.
type ListGroupsOptions struct {
	// Owner is all, system or own; empty means the server default.
	Owner string
	// Name filters by substring.
	Name string
	// SharedOnly lists the team's shared collections only (?shared=true).
	SharedOnly bool
}

// ListGroups lists platform groups and the caller's collections.
func (c *Client) ListGroups(ctx context.Context, opts ListGroupsOptions) ([]CustomerGroupView, error) {
	q := url.Values{}
	if opts.Owner != "" {
		q.Set("owner", opts.Owner)
	}
	if opts.Name != "" {
		q.Set("name", opts.Name)
	}
	if opts.SharedOnly {
		q.Set("shared", "true")
	}
	var out CustomerGroupListResponse
	if _, err := c.do(ctx, request{method: http.MethodGet, path: "/groups", query: q}, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// GetGroup returns a platform group by id or name, or one of the caller's
// collections by id.
func (c *Client) GetGroup(ctx context.Context, nameOrID string) (*CustomerGroupDetail, error) {
	return call[CustomerGroupDetail](ctx, c, request{method: http.MethodGet, path: pathf("/groups/%s", nameOrID)})
}

// GroupServicesPageSize is the page size ListGroupServices asks for: the
// API's default, so large groups are read in several modest requests.
const GroupServicesPageSize = 50

// ListGroupServices returns every service of a group, following the
// cursor to the last page. search filters by substring on name, display
// name or provider.
func (c *Client) ListGroupServices(ctx context.Context, group, search string) ([]ServiceSummary, error) {
	var all []ServiceSummary
	cursor := ""
	for {
		page, err := c.ListGroupServicesPage(ctx, group, search, cursor, GroupServicesPageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if !page.HasMore || page.NextCursor == nil || *page.NextCursor == "" || *page.NextCursor == cursor {
			return all, nil
		}
		cursor = *page.NextCursor
	}
}

// ListGroupServicesPage returns one page of a group's services.
func (c *Client) ListGroupServicesPage(ctx context.Context, group, search, cursor string, limit int) (*ServiceSummaryPage, error) {
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if search != "" {
		q.Set("search", search)
	}
	return call[ServiceSummaryPage](ctx, c, request{method: http.MethodGet, path: pathf("/groups/%s/services", group), query: q})
}
