package client

import (
	"context"
	"encoding/json"
	"net/http"
)

// ServiceDetail is GET /services/{id}.
type ServiceDetail struct {
	ID                string          `json:"id"`
	Name              string          `json:"name"`
	DisplayName       *string         `json:"display_name"`
	ServiceType       *string         `json:"service_type"`
	GatewayType       *string         `json:"gateway_type"`
	Description       *string         `json:"description"`
	ProviderName      *string         `json:"provider_name"`
	SellerName        *string         `json:"seller_name"`
	Capabilities      []string        `json:"capabilities"`
	Tags              []string        `json:"tags"`
	ListPrice         json.RawMessage `json:"list_price,omitempty"`
	EnrollmentChannel *string         `json:"enrollment_channel"`
	ListingType       *string         `json:"listing_type"`
}

// ParameterRequirement is one enrollment parameter a service asks for.
type ParameterRequirement struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
}

// SecretRequirement names a secret a channel needs.
type SecretRequirement struct {
	Name    string  `json:"name"`
	Default *string `json:"default,omitempty"`
}

// ChannelPlan is one way of paying for and reaching a service.
type ChannelPlan struct {
	Name               string              `json:"name"`
	ChannelType        string              `json:"channel_type"`
	Free               bool                `json:"free"`
	PriceDescription   *string             `json:"price_description"`
	Price              *string             `json:"price"`
	Currency           *string             `json:"currency"`
	RequiresEnrollment bool                `json:"requires_enrollment"`
	RequiredSecrets    []SecretRequirement `json:"required_secrets"`
	OptionalSecrets    []SecretRequirement `json:"optional_secrets"`
}

// AccessInterfacePlan is an interface in a service's access plan.
type AccessInterfacePlan struct {
	Name       string         `json:"name"`
	BaseURL    *string        `json:"base_url"`
	RoutingKey map[string]any `json:"routing_key"`
}

// RoutingEndpointPlan is a gateway endpoint that can route to a service.
type RoutingEndpointPlan struct {
	BaseURL            *string        `json:"base_url"`
	RoutingKey         map[string]any `json:"routing_key"`
	RoutingKeyRequired bool           `json:"routing_key_required"`
}

// AccessPlan is GET /services/{id}/usage.
type AccessPlan struct {
	EnrollmentMode   string                 `json:"enrollment_mode"`
	Parameters       []ParameterRequirement `json:"parameters"`
	Interfaces       []AccessInterfacePlan  `json:"interfaces"`
	Channels         []ChannelPlan          `json:"channels"`
	RoutingEndpoints []RoutingEndpointPlan  `json:"routing_endpoints"`
}

// GetService returns a service's detail.
func (c *Client) GetService(ctx context.Context, id string) (*ServiceDetail, error) {
	return call[ServiceDetail](ctx, c, request{method: http.MethodGet, path: pathf("/services/%s", id)})
}

// ListServiceInterfaces returns the interfaces the caller can dispatch to
// a service: shared ones plus the caller's enrollment-bound ones.
func (c *Client) ListServiceInterfaces(ctx context.Context, id string) ([]AccessInterface, error) {
	var out []AccessInterface
	if _, err := c.do(ctx, request{method: http.MethodGet, path: pathf("/services/%s/interfaces", id)}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetServiceUsage returns a service's access plan.
func (c *Client) GetServiceUsage(ctx context.Context, id string) (*AccessPlan, error) {
	return call[AccessPlan](ctx, c, request{method: http.MethodGet, path: pathf("/services/%s/usage", id)})
}
