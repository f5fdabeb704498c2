package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// RequestLogPageLimit is the largest page GET /request-logs serves.
const RequestLogPageLimit = 200

// RequestLogItem is one row of GET /request-logs (no bodies or headers).
type RequestLogItem struct {
	LogID                      string   `json:"log_id"`
	EventID                    string   `json:"event_id"`
	EventTimestamp             string   `json:"event_timestamp"`
	GatewaySource              string   `json:"gateway_source"`
	CustomerID                 *string  `json:"customer_id"`
	ServiceID                  *string  `json:"service_id"`
	ServiceEnrollmentID        *string  `json:"service_enrollment_id"`
	UserRequestMethod          string   `json:"user_request_method"`
	UserRequestPath            string   `json:"user_request_path"`
	UpstreamResponseStatusCode *int64   `json:"upstream_response_status_code"`
	UpstreamResponseTimeMS     *float64 `json:"upstream_response_time_ms"`
	ErrorSource                *string  `json:"error_source"`
	ErrorType                  *string  `json:"error_type"`
	RecurrentRequestID         *string  `json:"recurrent_request_id"`
}

// RequestLogList is one page of GET /request-logs.
type RequestLogList struct {
	TotalCount int              `json:"total_count"`
	Skip       int              `json:"skip"`
	Limit      int              `json:"limit"`
	Items      []RequestLogItem `json:"items"`
}

// UserRequestInfo is the caller's request as logged.
type UserRequestInfo struct {
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Headers     map[string]string `json:"headers"`
	Body        json.RawMessage   `json:"body,omitempty"`
	ContentType string            `json:"content_type"`
}

// UpstreamResponseInfo is the upstream's answer as logged.
type UpstreamResponseInfo struct {
	StatusCode int               `json:"status_code"`
	Headers    map[string]string `json:"headers"`
	Body       json.RawMessage   `json:"body,omitempty"`
	TimeMS     *float64          `json:"time_ms"`
}

// SanitizedErrorInfo is the customer-safe error summary of a log.
type SanitizedErrorInfo struct {
	Category  string `json:"category"`
	RequestID string `json:"request_id"`
}

// UsageEventInfo is the usage/billing event linked to a log.
type UsageEventInfo struct {
	CustomerCharge string `json:"customer_charge"`
	UsageMetrics   string `json:"usage_metrics"`
}

// RequestLogDetail is GET /request-logs/{log_id}.
type RequestLogDetail struct {
	LogID               string                `json:"log_id"`
	EventID             string                `json:"event_id"`
	EventTimestamp      string                `json:"event_timestamp"`
	GatewaySource       string                `json:"gateway_source"`
	CustomerID          string                `json:"customer_id"`
	UserID              string                `json:"user_id"`
	ServiceID           *string               `json:"service_id"`
	ServiceEnrollmentID *string               `json:"service_enrollment_id"`
	UserRequest         UserRequestInfo       `json:"user_request"`
	UpstreamResponse    *UpstreamResponseInfo `json:"upstream_response"`
	UsageEvent          *UsageEventInfo       `json:"usage_event"`
	RecurrentRequestID  *string               `json:"recurrent_request_id"`
	Error               *SanitizedErrorInfo   `json:"error"`
}

// RequestLogFilter filters GET /request-logs; zero values are not sent.
type RequestLogFilter struct {
	ServiceID          string
	EnrollmentID       string
	RecurrentRequestID string
	StatusMin          *int64
	StatusMax          *int64
	StartTime          *time.Time
	EndTime            *time.Time
	PathPrefix         string
	ErrorSource        string
	ErrorType          string
	GatewaySource      string
}

func (f RequestLogFilter) query(skip, limit int) url.Values {
	q := url.Values{"skip": {strconv.Itoa(skip)}, "limit": {strconv.Itoa(limit)}}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("service_id", f.ServiceID)
	set("service_enrollment_id", f.EnrollmentID)
	set("recurrent_request_id", f.RecurrentRequestID)
	set("user_request_path", f.PathPrefix)
	set("error_source", f.ErrorSource)
	set("error_type", f.ErrorType)
	set("gateway_source", f.GatewaySource)
	if f.StatusMin != nil {
		q.Set("status_min", strconv.FormatInt(*f.StatusMin, 10))
	}
	if f.StatusMax != nil {
		q.Set("status_max", strconv.FormatInt(*f.StatusMax, 10))
	}
	if f.StartTime != nil {
		q.Set("start_time", f.StartTime.UTC().Format(time.RFC3339Nano))
	}
	if f.EndTime != nil {
		q.Set("end_time", f.EndTime.UTC().Format(time.RFC3339Nano))
	}
	return q
}

// ListRequestLogsPage returns one page of request logs.
func (c *Client) ListRequestLogsPage(ctx context.Context, f RequestLogFilter, skip, limit int) (*RequestLogList, error) {
	return call[RequestLogList](ctx, c, request{method: http.MethodGet, path: "/request-logs", query: f.query(skip, limit)})
}

// ListRequestLogs returns up to max logs matching f, newest first as the
// API orders them, following pages of the API's largest size, and the
// total count the API reports.
func (c *Client) ListRequestLogs(ctx context.Context, f RequestLogFilter, max int) ([]RequestLogItem, int, error) {
	var items []RequestLogItem
	total := 0
	for len(items) < max {
		limit := min(RequestLogPageLimit, max-len(items))
		page, err := c.ListRequestLogsPage(ctx, f, len(items), limit)
		if err != nil {
			return nil, 0, err
		}
		total = page.TotalCount
		items = append(items, page.Items...)
		if len(page.Items) < limit || len(items) >= total {
			break
		}
	}
	return items, total, nil
}

// GetRequestLog returns one log with its bodies.
func (c *Client) GetRequestLog(ctx context.Context, id string) (*RequestLogDetail, error) {
	return call[RequestLogDetail](ctx, c, request{method: http.MethodGet, path: pathf("/request-logs/%s", id)})
}

// LoggingStatus is the answer of the request-logging switches.
type LoggingStatus struct {
	Enabled bool `json:"enabled"`
}

// StartRequestLogging turns request logging on for the caller. truncate
// picks the body mode (nil keeps the stored preference).
func (c *Client) StartRequestLogging(ctx context.Context, truncate *bool) (*LoggingStatus, error) {
	var q url.Values
	if truncate != nil {
		q = url.Values{"truncate_long_message": {strconv.FormatBool(*truncate)}}
	}
	return call[LoggingStatus](ctx, c, request{method: http.MethodPost, path: "/request-logs/start", query: q, repeatable: true})
}

// StopRequestLogging turns request logging off for the caller.
func (c *Client) StopRequestLogging(ctx context.Context) (*LoggingStatus, error) {
	return call[LoggingStatus](ctx, c, request{method: http.MethodPost, path: "/request-logs/stop", repeatable: true})
}
