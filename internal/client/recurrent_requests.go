package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Recurrent request statuses. Lifecycle: draft → active ⇄ paused →
// cancelled.
const (
	RecurrentStatusDraft     = "draft"
	RecurrentStatusActive    = "active"
	RecurrentStatusPaused    = "paused"
	RecurrentStatusCancelled = "cancelled"
)

// Schedule types.
const (
	ScheduleTypeInterval = "interval"
	ScheduleTypeCron     = "cron"
)

// RecurrentSchedule is a recurrent request's schedule: an interval in
// seconds, or a cron expression in a time zone.
type RecurrentSchedule struct {
	ScheduleType    string  `json:"schedule_type"`
	IntervalSeconds *int64  `json:"interval_seconds,omitempty"`
	CronExpression  *string `json:"cron_expression,omitempty"`
	Timezone        *string `json:"timezone,omitempty"`
}

// IntervalSchedule returns an interval schedule.
func IntervalSchedule(seconds int64) *RecurrentSchedule {
	return &RecurrentSchedule{ScheduleType: ScheduleTypeInterval, IntervalSeconds: &seconds}
}

// CronSchedule returns a cron schedule in the time zone tz (an IANA name).
func CronSchedule(expr, tz string) *RecurrentSchedule {
	return &RecurrentSchedule{ScheduleType: ScheduleTypeCron, CronExpression: &expr, Timezone: &tz}
}

// RecurrentRequestState is the run state the API reports. It changes as
// the request runs.
type RecurrentRequestState struct {
	NextRunAt      *string `json:"next_run_at,omitempty"`
	LastRunAt      *string `json:"last_run_at,omitempty"`
	RunCount       *int64  `json:"run_count,omitempty"`
	LastStatusCode *int64  `json:"last_status_code,omitempty"`
	LastError      *string `json:"last_error,omitempty"`
}

// RecurrentRequestPublic is a recurrent request as the API returns it.
type RecurrentRequestPublic struct {
	ID           string          `json:"id"`
	Status       string          `json:"status"`
	CustomerID   string          `json:"customer_id"`
	ServiceID    *string         `json:"service_id"`
	EnrollmentID *string         `json:"enrollment_id"`
	RequestPath  string          `json:"request_path"`
	HTTPMethod   string          `json:"http_method"`
	BodyTemplate json.RawMessage `json:"body_template,omitempty"`
	// RequestHeaders are the headers sent with each run; the value of a
	// header that carries a credential reads back as MaskedValue.
	RequestHeaders map[string]string      `json:"request_headers"`
	Schedule       *RecurrentSchedule     `json:"schedule"`
	State          *RecurrentRequestState `json:"state"`
	Name           *string                `json:"name"`
	CreatedAt      string                 `json:"created_at"`
	UpdatedAt      *string                `json:"updated_at"`
}

// RecurrentRequestsPublic is the list envelope of GET /recurrent-requests/.
type RecurrentRequestsPublic struct {
	Data  []RecurrentRequestPublic `json:"data"`
	Count int                      `json:"count"`
}

// RecurrentRequestCreate is the body of POST /recurrent-requests/, which
// creates a draft; set a schedule with UpdateRecurrentRequest to activate
// it.
type RecurrentRequestCreate struct {
	ServiceID      *string           `json:"service_id,omitempty"`
	EnrollmentID   *string           `json:"enrollment_id,omitempty"`
	RequestPath    string            `json:"request_path"`
	HTTPMethod     string            `json:"http_method,omitempty"`
	BodyTemplate   json.RawMessage   `json:"body_template,omitempty"`
	RequestHeaders map[string]string `json:"request_headers,omitempty"`
	Name           *string           `json:"name,omitempty"`
}

// RecurrentRequestUpdate is the body of PATCH /recurrent-requests/{id}.
// Unset fields are left unchanged; request_headers and body_template
// replace the stored values wholesale. The HTTP method, service and
// enrollment cannot change.
type RecurrentRequestUpdate struct {
	RequestPath    Nullable[string]            `json:"request_path,omitzero"`
	BodyTemplate   Nullable[json.RawMessage]   `json:"body_template,omitzero"`
	RequestHeaders Nullable[map[string]string] `json:"request_headers,omitzero"`
	// Schedule set on a draft activates it.
	Schedule Nullable[RecurrentSchedule] `json:"schedule,omitzero"`
	Name     Nullable[string]            `json:"name,omitzero"`
	Status   Nullable[string]            `json:"status,omitzero"`
}

// ListRecurrentRequestsOptions filters GET /recurrent-requests/.
type ListRecurrentRequestsOptions struct {
	ServiceID    string
	EnrollmentID string
	Status       string
	Skip, Limit  int
}

func (o ListRecurrentRequestsOptions) query() url.Values {
	q := url.Values{}
	if o.ServiceID != "" {
		q.Set("service_id", o.ServiceID)
	}
	if o.EnrollmentID != "" {
		q.Set("enrollment_id", o.EnrollmentID)
	}
	if o.Status != "" {
		q.Set("status", o.Status)
	}
	if o.Skip > 0 {
		q.Set("skip", strconv.Itoa(o.Skip))
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	return q
}

// ListRecurrentRequestsPage returns one page of recurrent requests.
func (c *Client) ListRecurrentRequestsPage(ctx context.Context, opts ListRecurrentRequestsOptions) (*RecurrentRequestsPublic, error) {
	return call[RecurrentRequestsPublic](ctx, c, request{method: http.MethodGet, path: "/recurrent-requests/", query: opts.query()})
}

// ListRecurrentRequests returns every recurrent request matching opts,
// following every page (opts.Skip and opts.Limit are ignored).
func (c *Client) ListRecurrentRequests(ctx context.Context, opts ListRecurrentRequestsOptions) ([]RecurrentRequestPublic, error) {
	return allPages(func(skip, limit int) ([]RecurrentRequestPublic, int, error) {
		opts.Skip, opts.Limit = skip, limit
		page, err := c.ListRecurrentRequestsPage(ctx, opts)
		if err != nil {
			return nil, 0, err
		}
		return page.Data, page.Count, nil
	})
}

// FindRecurrentRequestsByName lists the caller's recurrent requests
// named name that are not cancelled: the names the API keeps unique (it
// has no name filter, so this pages through the listing).
func (c *Client) FindRecurrentRequestsByName(ctx context.Context, name string) ([]RecurrentRequestPublic, error) {
	all, err := c.ListRecurrentRequests(ctx, ListRecurrentRequestsOptions{})
	if err != nil {
		return nil, err
	}
	var out []RecurrentRequestPublic
	for _, rr := range all {
		if rr.Name != nil && *rr.Name == name && rr.Status != RecurrentStatusCancelled {
			out = append(out, rr)
		}
	}
	return out, nil
}

// GetRecurrentRequest returns a recurrent request by id.
func (c *Client) GetRecurrentRequest(ctx context.Context, id string) (*RecurrentRequestPublic, error) {
	return call[RecurrentRequestPublic](ctx, c, request{method: http.MethodGet, path: pathf("/recurrent-requests/%s", id)})
}

// CreateRecurrentRequest creates a draft recurrent request.
func (c *Client) CreateRecurrentRequest(ctx context.Context, body RecurrentRequestCreate) (*RecurrentRequestPublic, error) {
	return call[RecurrentRequestPublic](ctx, c, request{method: http.MethodPost, path: "/recurrent-requests/", body: body})
}

// UpdateRecurrentRequest changes a recurrent request's template, name,
// schedule or status.
func (c *Client) UpdateRecurrentRequest(ctx context.Context, id string, body RecurrentRequestUpdate) (*RecurrentRequestPublic, error) {
	return call[RecurrentRequestPublic](ctx, c, request{method: http.MethodPatch, path: pathf("/recurrent-requests/%s", id), body: body})
}

// DeleteRecurrentRequest removes a recurrent request.
func (c *Client) DeleteRecurrentRequest(ctx context.Context, id string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathf("/recurrent-requests/%s", id)}, nil)
	return err
}

// TriggerRecurrentRequest runs a recurrent request once through the
// gateway and returns the upstream response body.
func (c *Client) TriggerRecurrentRequest(ctx context.Context, id string) (json.RawMessage, error) {
	var out json.RawMessage
	if _, err := c.do(ctx, request{method: http.MethodPost, path: pathf("/recurrent-requests/%s/trigger", id)}, &out); err != nil {
		return nil, err
	}
	return out, nil
}
