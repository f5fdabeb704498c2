package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Enrollment statuses (ServiceEnrollmentStatusEnum).
const (
	EnrollmentPending    = "pending"
	EnrollmentIncomplete = "incomplete"
	EnrollmentActive     = "active"
	EnrollmentPaused     = "paused"
	EnrollmentCancelled  = "cancelled"
)

// MaskedValue is what reads return for a secret-looking parameter.
const MaskedValue = "***masked***"

// ServiceEnrollmentCreate is the body of POST /enrollments/.
type ServiceEnrollmentCreate struct {
	ServiceID  string         `json:"service_id"`
	Parameters map[string]any `json:"parameters,omitempty"`
	// SensitiveKeys names the parameters given as sensitive. They are not
	// part of the body: CreateEnrollment sends the names (never the
	// values) in SensitiveParametersHeader, which the UnitySVC API
	// ignores and unitysvc-local honours by masking those parameters on
	// every read. The provider never relies on it.
	SensitiveKeys []string `json:"-"`
}

// SensitiveParametersHeader carries the names of the parameters a create
// gives as sensitive: a comma-separated list of names, each
// percent-encoded (url.QueryEscape).
const SensitiveParametersHeader = "X-Unitysvc-Sensitive-Parameters"

// SensitiveParametersValue is the SensitiveParametersHeader value naming
// keys.
func SensitiveParametersValue(keys []string) string {
	enc := make([]string, len(keys))
	for i, k := range keys {
		enc[i] = url.QueryEscape(k)
	}
	return strings.Join(enc, ",")
}

// CustomerEnrollmentCreateResponse is the 202 answer to POST
// /enrollments/: the enrollment is pending until activation completes.
type CustomerEnrollmentCreateResponse struct {
	ID        string  `json:"id"`
	ServiceID string  `json:"service_id"`
	OwnerID   *string `json:"owner_id"`
	Status    string  `json:"status"`
	TaskID    string  `json:"task_id"`
	Message   string  `json:"message"`
}

// CustomerEnrollment is an enrollment as the API returns it. Parameters
// whose key looks secret read back as MaskedValue.
type CustomerEnrollment struct {
	ID            string         `json:"id"`
	ServiceID     string         `json:"service_id"`
	OwnerID       *string        `json:"owner_id"`
	Status        string         `json:"status"`
	Parameters    map[string]any `json:"parameters"`
	CreatedAt     string         `json:"created_at"`
	UpdatedAt     *string        `json:"updated_at"`
	Service       map[string]any `json:"service"`
	ProxyEndpoint *string        `json:"proxy_endpoint"`
	Code          *string        `json:"code"`
}

// CustomerEnrollmentsResponse is one page of GET /enrollments/.
type CustomerEnrollmentsResponse struct {
	Data  []CustomerEnrollment `json:"data"`
	Count int                  `json:"count"`
	Skip  int                  `json:"skip"`
	Limit int                  `json:"limit"`
}

// CustomerEnrollmentCancelResponse is the answer to DELETE
// /enrollments/{id}.
type CustomerEnrollmentCancelResponse struct {
	EnrollmentID string `json:"enrollment_id"`
	Status       string `json:"status"`
	Message      string `json:"message"`
}

// CreateEnrollment enrolls the caller (or, with shared, the team) in a
// service. The enrollment starts pending; poll GetEnrollment until it is
// active (or incomplete).
func (c *Client) CreateEnrollment(ctx context.Context, body ServiceEnrollmentCreate, shared bool) (*CustomerEnrollmentCreateResponse, error) {
	r := request{method: http.MethodPost, path: "/enrollments/", query: sharedQuery(shared), body: body}
	if len(body.SensitiveKeys) > 0 {
		r.header = http.Header{SensitiveParametersHeader: {SensitiveParametersValue(body.SensitiveKeys)}}
	}
	return call[CustomerEnrollmentCreateResponse](ctx, c, r)
}

// GetEnrollment returns an enrollment with its service details and proxy
// endpoint. A cancelled enrollment is still returned (status cancelled).
func (c *Client) GetEnrollment(ctx context.Context, id string) (*CustomerEnrollment, error) {
	return call[CustomerEnrollment](ctx, c, request{method: http.MethodGet, path: pathf("/enrollments/%s", id)})
}

// CancelEnrollment cancels an enrollment. The API keeps the row (status
// cancelled); enrolling again with the same parameters reactivates it.
func (c *Client) CancelEnrollment(ctx context.Context, id string) (*CustomerEnrollmentCancelResponse, error) {
	return call[CustomerEnrollmentCancelResponse](ctx, c, request{method: http.MethodDelete, path: pathf("/enrollments/%s", id)})
}

// ListEnrollmentsPage returns one page of the shared team enrollments
// (shared) or of the caller's personal ones.
func (c *Client) ListEnrollmentsPage(ctx context.Context, shared bool, skip, limit int) (*CustomerEnrollmentsResponse, error) {
	q := url.Values{"shared": {strconv.FormatBool(shared)}, "skip": {strconv.Itoa(skip)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return call[CustomerEnrollmentsResponse](ctx, c, request{method: http.MethodGet, path: "/enrollments/", query: q})
}

// ListEnrollments returns every enrollment the caller can see: personal
// ones, then the team's shared ones, following every page of each.
func (c *Client) ListEnrollments(ctx context.Context) ([]CustomerEnrollment, error) {
	var all []CustomerEnrollment
	seen := map[string]bool{}
	for _, shared := range []bool{false, true} {
		scope, err := allPages(func(skip, limit int) ([]CustomerEnrollment, int, error) {
			page, err := c.ListEnrollmentsPage(ctx, shared, skip, limit)
			if err != nil {
				return nil, 0, err
			}
			return page.Data, page.Count, nil
		})
		if err != nil {
			return nil, err
		}
		for _, e := range scope {
			if !seen[e.ID] {
				seen[e.ID] = true
				all = append(all, e)
			}
		}
	}
	return all, nil
}
