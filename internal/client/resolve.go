package client

import (
	"context"
	"net/http"
	"strconv"
)

// Gateway kinds a resolve request names.
const (
	GatewayAPI  = "api"
	GatewaySMTP = "smtp"
	GatewayS3   = "s3"
)

// ResolveRequest is the body of POST /resolve: a gateway-relative path
// (g/my-llms, a/prod-chat, e/CEFF, p/<uuid>), an optional routing key
// and an optional strategy override.
type ResolveRequest struct {
	Path       string         `json:"path"`
	RoutingKey map[string]any `json:"routing_key,omitempty"`
	Strategy   *string        `json:"strategy,omitempty"`
	Gateway    string         `json:"gateway,omitempty"`
}

// ResolveCandidate is one service the gateway would route to.
type ResolveCandidate struct {
	ServiceID    string  `json:"service_id"`
	ServiceName  *string `json:"service_name"`
	ProviderName *string `json:"provider_name"`
	Weight       *int64  `json:"weight"`
	EnrollmentID *string `json:"enrollment_id"`
}

// RoutingStrategy is the effective strategy a resolve reports; nil in a
// ResolveResponse means the baseline weighted_random.
type RoutingStrategy struct {
	Name             string         `json:"name"`
	ContentDependent bool           `json:"content_dependent"`
	TimeoutMS        *int64         `json:"timeout_ms,omitempty"`
	Parameters       map[string]any `json:"parameters,omitempty"`
}

// ResolveResponse is the answer of POST /resolve.
type ResolveResponse struct {
	Candidates      []ResolveCandidate `json:"candidates"`
	RoutingStrategy *RoutingStrategy   `json:"routing_strategy"`
	Selected        *ResolveCandidate  `json:"selected"`
	// Refusal is why the gateway would refuse a request to the path
	// outright (no such group, alias or enrollment, an unknown prefix, an
	// alias loop), when the API says so; nil otherwise. unitysvc-local
	// sends it in headers, since the spec's ResolveResponse has no field
	// for it.
	Refusal *Refusal `json:"-"`
}

// Refusal is a gateway's answer to a path it does not route: its HTTP
// status and detail.
type Refusal struct {
	Status int
	Detail string
}

// Headers carrying a Refusal.
const (
	RefusalHeader       = "X-Unitysvc-Gateway-Refusal"
	RefusalStatusHeader = "X-Unitysvc-Gateway-Refusal-Status"
)

// Resolve dry-runs the gateway's routing decision for a path: no request
// is sent upstream and nothing is cached.
func (c *Client) Resolve(ctx context.Context, body ResolveRequest) (*ResolveResponse, error) {
	var h http.Header
	out, err := call[ResolveResponse](ctx, c, request{method: http.MethodPost, path: "/resolve", body: body, repeatable: true, respHeader: &h})
	if err != nil {
		return nil, err
	}
	if d := h.Get(RefusalHeader); d != "" {
		status, _ := strconv.Atoi(h.Get(RefusalStatusHeader))
		out.Refusal = &Refusal{Status: status, Detail: d}
	}
	return out, nil
}
