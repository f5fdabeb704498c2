// Package catalog holds the platform's groups and services that
// unitysvc-local serves read-only: an embedded default, or a JSON file
// given with --catalog.
package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// Policy is RoutingPolicy decoded; nil when the group has none.
	Policy *RoutingPolicy `json:"-"`
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

// Upstream is how a service is reached. Without BaseURL it is served by
// unitysvc-local's built-in OpenAI-compatible upstream, whose latency and
// failure profile the other fields set; with BaseURL the gateway calls
// that endpoint instead (a BYOK service calls the one in the enrollment's
// parameters).
type Upstream struct {
	// LatencyMS is the fixed delay before the answer's first byte.
	LatencyMS int `json:"latency_ms"`
	// JitterMS adds a uniformly random delay in [0, JitterMS).
	JitterMS int `json:"jitter_ms,omitempty"`
	// ChunkDelayMS separates the chunks of a streamed answer.
	ChunkDelayMS int `json:"chunk_delay_ms,omitempty"`
	// FailureRate is the share of calls (0..1) answered with FailureStatus.
	FailureRate float64 `json:"failure_rate"`
	// FailureStatus is the status of those failures; 0 means 503.
	FailureStatus int `json:"failure_status,omitempty"`
	// Status, when set, forces every answer to this status.
	Status int `json:"status,omitempty"`
	// BaseURL is an external OpenAI-compatible endpoint; it may use
	// ${ parameters.NAME } (the enrollment's parameters).
	BaseURL string `json:"base_url,omitempty"`
	// Headers are sent upstream; values may use ${ parameters.NAME } and
	// ${ customer_secrets.NAME } (the customer's secret, resolved at
	// dispatch).
	Headers map[string]string `json:"headers,omitempty"`

	// secrets is SecretsUsed, worked out once by Parse (dispatch asks on
	// every request); known says it was.
	secrets []string
	known   bool
}

// Builtin reports whether the service is served by the built-in upstream.
func (u Upstream) Builtin() bool { return u.BaseURL == "" }

// RoutingPolicy is a platform group's routing_policy, decoded: the
// strategy's name and its optional numeric parameters (thresholds such as
// max_price and max_latency_ms).
type RoutingPolicy struct {
	Strategy   string             `json:"strategy"`
	Parameters map[string]float64 `json:"parameters,omitempty"`
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

	// price is ListPrice decoded, once by Parse (routing by price and
	// request-log usage ask on every request); priced says it was.
	price  listPrice
	priced bool
}

// listPrice is a list_price decoded: its prices per 1M input and output
// tokens as written, and whether the document decoded without error.
type listPrice struct {
	Input  *string `json:"input"`
	Output *string `json:"output"`
	ok     bool
}

func decodeListPrice(raw json.RawMessage) listPrice {
	var lp listPrice
	lp.ok = len(raw) > 0 && json.Unmarshal(raw, &lp) == nil
	return lp
}

// listPrice returns the decoded list price: Parse's, or decoded now for
// a service Parse did not make.
func (s *Service) listPrice() listPrice {
	if s.priced {
		return s.price
	}
	return decodeListPrice(s.ListPrice)
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
		if err := s.Upstream.validate(); err != nil {
			return nil, fmt.Errorf("service %s: upstream: %w", s.Name, err)
		}
		s.Upstream.secrets, s.Upstream.known = s.Upstream.secretsUsed(), true
		s.price, s.priced = decodeListPrice(s.ListPrice), true
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
		if len(g.RoutingPolicy) > 0 && string(g.RoutingPolicy) != "null" {
			g.Policy = &RoutingPolicy{}
			if err := json.Unmarshal(g.RoutingPolicy, g.Policy); err != nil || g.Policy.Strategy == "" {
				return nil, fmt.Errorf("group %s: routing_policy must be {\"strategy\": NAME, \"parameters\": {NAME: NUMBER}}: %s", g.Name, g.RoutingPolicy)
			}
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

// templateRE matches a ${ kind.NAME } placeholder in an upstream template.
var templateRE = regexp.MustCompile(`\$\{\s*([a-z_]+)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}`)

// Template kinds an upstream's base_url and headers may use.
const (
	TemplateParameters      = "parameters"
	TemplateCustomerSecrets = "customer_secrets"
)

// Expand replaces the ${ kind.NAME } placeholders of tmpl with lookup's
// answers; the first lookup error is returned.
func Expand(tmpl string, lookup func(kind, name string) (string, error)) (string, error) {
	var firstErr error
	var b strings.Builder
	for _, p := range parsedTemplate(tmpl) {
		if p.kind == "" {
			b.WriteString(p.text)
			continue
		}
		v, err := lookup(p.kind, p.text)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		b.WriteString(v)
	}
	return b.String(), firstErr
}

// templatePart is a literal (kind empty) or a placeholder's kind and name.
type templatePart struct{ kind, text string }

// parsedTemplates holds each template split into parts once: dispatch
// expands a service's base_url and headers on every request. Only the
// catalog's templates are expanded, so it holds as many as the catalog.
var parsedTemplates sync.Map // string -> []templatePart

func parsedTemplate(tmpl string) []templatePart {
	if v, ok := parsedTemplates.Load(tmpl); ok {
		return v.([]templatePart)
	}
	var parts []templatePart
	last := 0
	for _, m := range templateRE.FindAllStringSubmatchIndex(tmpl, -1) {
		if m[0] > last {
			parts = append(parts, templatePart{text: tmpl[last:m[0]]})
		}
		parts = append(parts, templatePart{kind: tmpl[m[2]:m[3]], text: tmpl[m[4]:m[5]]})
		last = m[1]
	}
	if last < len(tmpl) {
		parts = append(parts, templatePart{text: tmpl[last:]})
	}
	parsedTemplates.Store(tmpl, parts)
	return parts
}

// SecretsUsed lists the customer secrets the upstream's templates name.
// The list is shared: callers must not change it.
func (u Upstream) SecretsUsed() []string {
	if u.known {
		return u.secrets
	}
	return u.secretsUsed()
}

func (u Upstream) secretsUsed() []string {
	var out []string
	for _, tmpl := range append([]string{u.BaseURL}, sortedValues(u.Headers)...) {
		for _, m := range templateRE.FindAllStringSubmatch(tmpl, -1) {
			if m[1] == TemplateCustomerSecrets && !slices.Contains(out, m[2]) {
				out = append(out, m[2])
			}
		}
	}
	return out
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

func (u Upstream) validate() error {
	switch {
	case u.LatencyMS < 0 || u.JitterMS < 0 || u.ChunkDelayMS < 0:
		return fmt.Errorf("latency_ms, jitter_ms and chunk_delay_ms must not be negative")
	case u.FailureRate < 0 || u.FailureRate > 1:
		return fmt.Errorf("failure_rate must be between 0 and 1, got %v", u.FailureRate)
	case u.FailureStatus != 0 && (u.FailureStatus < 400 || u.FailureStatus > 599):
		return fmt.Errorf("failure_status must be an HTTP error status (400..599), got %d", u.FailureStatus)
	case u.Status != 0 && (u.Status < 200 || u.Status > 599):
		return fmt.Errorf("status must be an HTTP status (200..599), got %d", u.Status)
	}
	for _, tmpl := range append([]string{u.BaseURL}, sortedValues(u.Headers)...) {
		for _, m := range templateRE.FindAllStringSubmatch(tmpl, -1) {
			if m[1] != TemplateParameters && m[1] != TemplateCustomerSecrets {
				return fmt.Errorf("template %s: only ${ parameters.NAME } and ${ customer_secrets.NAME } are supported", m[0])
			}
		}
	}
	return nil
}

// SummaryPrice is the service's list price as one number, per 1M tokens:
// (input + 4 × output) / 5, the input price alone when there is no
// output price (embeddings), and ok=false without a list price.
func (s *Service) SummaryPrice() (price float64, ok bool) {
	lp := s.listPrice()
	if !lp.ok || lp.Input == nil {
		return 0, false
	}
	in, err := strconv.ParseFloat(*lp.Input, 64)
	if err != nil {
		return 0, false
	}
	if lp.Output == nil {
		return in, true
	}
	out, err := strconv.ParseFloat(*lp.Output, 64)
	if err != nil {
		return 0, false
	}
	return (in + 4*out) / 5, true
}

// TokenPrices are the service's list prices per 1M input and output
// tokens, what a usage event is charged at; a price that is missing or
// not a number counts as 0.
func (s *Service) TokenPrices() (in, out float64) {
	lp := s.listPrice()
	price := func(p *string) float64 {
		if p == nil {
			return 0
		}
		f, _ := strconv.ParseFloat(*p, 64)
		return f
	}
	return price(lp.Input), price(lp.Output)
}

// Model is the service's native model id (its routing key's "model").
func (s *Service) Model() string {
	m, _ := s.RoutingKey["model"].(string)
	return m
}
