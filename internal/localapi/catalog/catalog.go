// Package catalog holds the platform's groups and services that
// unitysvc-local serves read-only: an embedded default, or a JSON file
// given with --catalog.
package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

//go:embed default.json
var defaultJSON []byte

// Interface is a group-level access interface. BaseURL may contain
// "{gateway}", replaced with the gateway's URL when served.
type Interface struct {
	Name         string  `json:"name"`
	Description  *string `json:"description"`
	AccessMethod *string `json:"access_method"`
	BaseURL      *string `json:"base_url"`
}

// Group is a platform service group.
type Group struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	DisplayName   *string         `json:"display_name"`
	Description   *string         `json:"description"`
	GroupType     string          `json:"group_type"`
	Interface     *Interface      `json:"interface"`
	RoutingPolicy json.RawMessage `json:"routing_policy"`
	// Services names the member services, in listing order.
	Services []string `json:"services"`
}

// Parameter is an enrollment parameter.
type Parameter struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
}

// SecretRequirement names a secret a channel needs.
type SecretRequirement struct {
	Name    string  `json:"name"`
	Default *string `json:"default"`
}

// Channel is one way of reaching and paying for a service.
type Channel struct {
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

// Upstream describes the built-in test upstream behind a service.
type Upstream struct {
	LatencyMS   int     `json:"latency_ms"`
	FailureRate float64 `json:"failure_rate"`
}

// Service is a platform service.
type Service struct {
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
	ListPrice         json.RawMessage `json:"list_price"`
	EnrollmentChannel *string         `json:"enrollment_channel"`
	ListingType       *string         `json:"listing_type"`
	// RoutingKey is the service's native routing key, e.g. {"model": "gpt-4o"}.
	RoutingKey     map[string]any `json:"routing_key"`
	EnrollmentMode string         `json:"enrollment_mode"`
	Parameters     []Parameter    `json:"parameters"`
	Channels       []Channel      `json:"channels"`
	Upstream       Upstream       `json:"upstream"`
}

// Catalog is the loaded, indexed catalog. It is immutable after Load.
type Catalog struct {
	Groups   []*Group
	Services []*Service

	groupsByID, groupsByName map[string]*Group
	servicesByID             map[string]*Service
	servicesByName           map[string]*Service
	groupsOfService          map[string][]*Group
	documents                map[string][]*Document
}

// Default returns the embedded default catalog.
func Default() (*Catalog, error) { return Parse(defaultJSON) }

// Load reads a catalog file; an empty path gives the default.
func Load(path string) (*Catalog, error) {
	if path == "" {
		return Default()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading catalog: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and validates a catalog document.
func Parse(b []byte) (*Catalog, error) {
	var doc struct {
		Groups    []*Group        `json:"groups"`
		Services  []*Service      `json:"services"`
		Documents []*DocumentSpec `json:"documents"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("decoding catalog: %w", err)
	}
	c := &Catalog{
		Groups: doc.Groups, Services: doc.Services,
		groupsByID: map[string]*Group{}, groupsByName: map[string]*Group{},
		servicesByID: map[string]*Service{}, servicesByName: map[string]*Service{},
		groupsOfService: map[string][]*Group{},
	}
	for _, s := range doc.Services {
		if s.ID == "" || s.Name == "" {
			return nil, fmt.Errorf("a service needs an id and a name")
		}
		if _, dup := c.servicesByID[s.ID]; dup {
			return nil, fmt.Errorf("duplicate service id %s", s.ID)
		}
		if s.EnrollmentMode == "" {
			s.EnrollmentMode = "disallowed"
		}
		c.servicesByID[s.ID] = s
		c.servicesByName[s.Name] = s
	}
	for _, g := range doc.Groups {
		if g.ID == "" || g.Name == "" {
			return nil, fmt.Errorf("a group needs an id and a name")
		}
		c.groupsByID[g.ID] = g
		c.groupsByName[g.Name] = g
		for _, n := range g.Services {
			s, ok := c.servicesByName[n]
			if !ok {
				return nil, fmt.Errorf("group %s names unknown service %q", g.Name, n)
			}
			c.groupsOfService[s.ID] = append(c.groupsOfService[s.ID], g)
		}
	}
	if err := c.indexDocuments(doc.Documents); err != nil {
		return nil, err
	}
	return c, nil
}

// Group returns a group by id or name.
func (c *Catalog) Group(idOrName string) (*Group, bool) {
	if g, ok := c.groupsByID[idOrName]; ok {
		return g, true
	}
	g, ok := c.groupsByName[idOrName]
	return g, ok
}

// Service returns a service by id.
func (c *Catalog) Service(id string) (*Service, bool) {
	s, ok := c.servicesByID[strings.ToLower(id)]
	return s, ok
}

// GroupServices returns a group's member services in listing order.
func (c *Catalog) GroupServices(g *Group) []*Service {
	out := make([]*Service, 0, len(g.Services))
	for _, n := range g.Services {
		out = append(out, c.servicesByName[n])
	}
	return out
}

// GroupsOf returns the platform groups a service belongs to.
func (c *Catalog) GroupsOf(serviceID string) []*Group { return c.groupsOfService[serviceID] }

// RequiredSecrets returns the names of the secrets any of the service's
// channels requires.
func (s *Service) RequiredSecrets() []string {
	var out []string
	for _, ch := range s.Channels {
		for _, r := range ch.RequiredSecrets {
			out = append(out, r.Name)
		}
	}
	return out
}
