// Package routing is candidate selection: which services a gateway path
// and routing key reach for a caller, ranked and filtered by the
// strategy. The gateway's dispatch and POST /resolve both call Resolve,
// so a dry run and a real request never disagree.
package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Error types, as request logs record them.
const (
	NoRoute       = "no_route"
	MissingSecret = "missing_secret"
)

// Error is a routing failure the gateway answers with Status and a
// {"detail": Detail} body.
type Error struct {
	Status int
	Type   string
	Detail string
}

func (e *Error) Error() string { return e.Detail }

func noRoute(status int, format string, args ...any) *Error {
	return &Error{Status: status, Type: NoRoute, Detail: fmt.Sprintf(format, args...)}
}

// ErrNotResolvable is returned for chain (c/) and broadcast (b/) paths,
// which run several paths rather than route one.
var ErrNotResolvable = errors.New("chains (c/) and broadcasts (b/) run several paths and do not resolve to one route: resolve each step's or target's target_path instead")

// UnknownStrategyError is an unknown strategy override.
type UnknownStrategyError struct{ Detail string }

func (e *UnknownStrategyError) Error() string { return e.Detail }

// maxAliasDepth bounds alias chains (an alias targeting an alias ...).
const maxAliasDepth = 8

// Router resolves gateway paths against the catalog and a customer's
// objects.
type Router struct {
	store   *store.Store
	catalog *catalog.Catalog
	latency *Latency
}

// New returns a router, checking the catalog's routing policies.
func New(st *store.Store, cat *catalog.Catalog, lat *Latency) (*Router, error) {
	for _, g := range cat.Groups {
		if g.Policy == nil {
			continue
		}
		if msg := validStrategy(g.Policy.Strategy); msg != "" {
			return nil, fmt.Errorf("catalog group %s: %s", g.Name, msg)
		}
		if msg := validParameters(g.Policy.Parameters); msg != "" {
			return nil, fmt.Errorf("catalog group %s: %s", g.Name, msg)
		}
	}
	return &Router{store: st, catalog: cat, latency: lat}, nil
}

// Latency returns the tracker the gateway records observations in.
func (r *Router) Latency() *Latency { return r.latency }

// Candidate is one service a plan may route to.
type Candidate struct {
	Service *catalog.Service
	// Enrollment is the caller's enrollment whose interface is used; nil
	// for the service's shared interface.
	Enrollment *store.Enrollment
	Weight     int
	// RoutingKey is the effective routing key: the member's override,
	// else the service's native key.
	RoutingKey map[string]any
}

// Rejection is a candidate the strategy's thresholds excluded.
type Rejection struct {
	Service *catalog.Service
	Reason  string
}

// Skip is a candidate the caller cannot dispatch to: a secret its
// upstream needs is not set, or it needs an enrollment the caller lacks.
type Skip struct {
	Service *catalog.Service
	// Secret names the missing secret; empty when an enrollment is missing.
	Secret string
}

// Plan is what a path and routing key resolve to for a caller.
type Plan struct {
	// Kind is "group", "pool", "collection", "service" or "enrollment";
	// Name is the group's or collection's name, the service's id or the
	// enrollment's code.
	Kind, Name string
	// SubPath is what follows the target in the path (v1/chat/completions).
	SubPath    string
	RoutingKey map[string]any
	Strategy   Strategy
	// Candidates are the eligible services, in the strategy's order.
	Candidates []Candidate
	Rejected   []Rejection
	Skipped    []Skip
	// Keys are the routing keys (model ids) the target offers.
	Keys []string
	// KeyRequired is set for keyed groups.
	KeyRequired bool
	// Target is the one service (and enrollment) of a p/<service-id> or
	// e/<code> plan, even when the caller cannot dispatch to it.
	Target *Candidate
	// matched is whether any member's key matched RoutingKey.
	matched bool
}

// Selected is the candidate a dispatch would use when that is known
// without the request's body: the only one, or the best of a
// deterministic strategy; nil otherwise.
func (p *Plan) Selected() *Candidate {
	if p.Err() != nil || p.Strategy.ContentDependent() {
		return nil
	}
	if len(p.Candidates) == 1 || p.Strategy.Name == ByPrice || p.Strategy.Name == LowestLatency {
		return &p.Candidates[0]
	}
	return nil
}

// Pick chooses the candidate for a request with body, or explains (as
// an *Error) why there is none.
func (p *Plan) Pick(body []byte) (*Candidate, error) {
	if err := p.Err(); err != nil {
		return nil, err
	}
	return pick(p.Strategy, p.Candidates, body), nil
}

// target names the plan's target for messages.
func (p *Plan) target() string {
	switch p.Kind {
	case "service":
		return "service " + p.Name
	case "enrollment":
		return "enrollment " + p.Name
	}
	return p.Kind + " '" + p.Name + "'"
}

// Err explains why the plan has no candidate, or returns nil.
func (p *Plan) Err() error {
	keys := "none"
	if len(p.Keys) > 0 {
		keys = strings.Join(p.Keys, ", ")
	}
	switch {
	case p.KeyRequired && len(p.RoutingKey) == 0:
		return noRoute(http.StatusBadRequest, "%s is keyed: send the routing key as the body's model, one of: %s", p.target(), keys)
	case len(p.Candidates) > 0:
		return nil
	case len(p.RoutingKey) > 0 && !p.matched:
		return noRoute(http.StatusNotFound, "%s has no service for %s; valid models: %s (GET /g/%s/v1/models lists them)", p.target(), describeKey(p.RoutingKey), keys, p.Name)
	case len(p.Rejected) > 0:
		var why []string
		for _, r := range p.Rejected {
			why = append(why, fmt.Sprintf("%s (%s)", r.Service.Name, r.Reason))
		}
		return noRoute(http.StatusNotFound, "no service of %s meets the %s strategy's thresholds: %s", p.target(), p.Strategy.Name, strings.Join(why, "; "))
	case len(p.Skipped) > 0:
		var secrets, enroll []string
		for _, s := range p.Skipped {
			if s.Secret != "" {
				secrets = append(secrets, fmt.Sprintf("%s needs your secret %s", s.Service.Name, s.Secret))
			} else {
				enroll = append(enroll, s.Service.Name)
			}
		}
		if len(secrets) > 0 {
			return &Error{Status: http.StatusBadRequest, Type: MissingSecret,
				Detail: fmt.Sprintf("%s cannot be dispatched: %s; create the secret (PUT /v1/secrets/NAME) and retry", p.target(), strings.Join(secrets, "; "))}
		}
		return noRoute(http.StatusForbidden, "%s cannot be dispatched: %s requires an active enrollment and you have none; enroll first (POST /v1/enrollments/)", p.target(), strings.Join(enroll, ", "))
	}
	return noRoute(http.StatusNotFound, "%s has no services to route to", p.target())
}

func describeKey(k map[string]any) string {
	if m, ok := k["model"].(string); ok && len(k) == 1 {
		return "model '" + m + "'"
	}
	b, _ := json.Marshal(k)
	return "routing key " + string(b)
}

// AliasTarget is where an alias sends a request.
type AliasTarget struct {
	Alias *store.Alias
	// Path is the target path with the request's sub-path appended.
	Path string
	// Override is merged into the request body (and its routing key).
	Override map[string]any
}

// FollowAlias finds the routing alias name for a request with key: among
// the caller's live routing aliases of that name (personal before
// shared), one whose request_routing_key the key matches, preferring a
// specific one over one without a request_routing_key.
func (r *Router) FollowAlias(ctx context.Context, p store.Principal, name, rest string, key map[string]any) (*AliasTarget, error) {
	aliases, err := r.store.ListAliases(ctx, p, store.AliasFilter{Name: &name})
	if err != nil {
		return nil, err
	}
	var best *store.Alias
	score := func(a *store.Alias) int {
		s := 0
		if a.RequestRoutingKey != nil {
			s += 2
		}
		if a.OwnerID != nil {
			s++
		}
		return s
	}
	for _, a := range aliases {
		if !a.IsRouting {
			continue
		}
		if a.RequestRoutingKey != nil {
			var want map[string]any
			if json.Unmarshal([]byte(*a.RequestRoutingKey), &want) != nil || !contains(key, want) {
				continue
			}
		}
		if best == nil || score(a) > score(best) {
			best = a
		}
	}
	if best == nil {
		if len(aliases) == 0 {
			return nil, noRoute(http.StatusNotFound, "no alias named '%s': create it (POST /v1/aliases/) or check the name", name)
		}
		return nil, noRoute(http.StatusNotFound, "alias '%s' has no routing target for %s", name, describeKeyOrNone(key))
	}
	t := &AliasTarget{Alias: best, Path: Join(best.TargetPath, rest)}
	if best.RoutingKeyOverride != nil {
		_ = json.Unmarshal([]byte(*best.RoutingKeyOverride), &t.Override)
	}
	return t, nil
}

func describeKeyOrNone(k map[string]any) string {
	if len(k) == 0 {
		return "a request without a routing key"
	}
	return describeKey(k)
}

// contains reports whether every field of want has the same value in have.
func contains(have, want map[string]any) bool {
	for k, v := range want {
		hv, ok := have[k]
		if !ok || !sameValue(hv, v) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// matches reports whether a request's routing key reaches a candidate
// whose effective key is have: they share at least one field, and every
// shared field is equal (fields the candidate does not route on are
// ignored).
func matches(req, have map[string]any) bool {
	shared := 0
	for k, v := range req {
		hv, ok := have[k]
		if !ok {
			continue
		}
		if !sameValue(hv, v) {
			return false
		}
		shared++
	}
	return shared > 0
}

// Merge returns key with override's fields set.
func Merge(key, override map[string]any) map[string]any {
	if len(override) == 0 {
		return key
	}
	out := make(map[string]any, len(key)+len(override))
	maps.Copy(out, key)
	maps.Copy(out, override)
	return out
}

// Resolve resolves a gateway-relative path (g/, p/, e/, a/) and routing
// key for the caller. strategy overrides the target's routing policy
// ("" keeps it). A target that does not exist, or is disabled, is an
// *Error; a target without eligible candidates is a Plan whose Err says
// why.
func (r *Router) Resolve(ctx context.Context, p store.Principal, path string, key map[string]any, strategy string) (*Plan, error) {
	if strategy != "" {
		if msg := validStrategy(strategy); msg != "" {
			return nil, &UnknownStrategyError{Detail: msg}
		}
	}
	return r.resolve(ctx, p, path, NoEmptyModel(key), strategy, 0)
}

// NoEmptyModel reads an empty model ("") as no model, as the gateway
// reads a request body's: a key of {"model": ""} reaches every member
// (a weighted pick), not none. The gateway and resolve both route on
// the key it returns.
func NoEmptyModel(key map[string]any) map[string]any {
	if m, ok := key["model"].(string); !ok || m != "" {
		return key
	}
	out := maps.Clone(key)
	delete(out, "model")
	if len(out) == 0 {
		return nil
	}
	return out
}

func (r *Router) resolve(ctx context.Context, p store.Principal, path string, key map[string]any, strategy string, depth int) (*Plan, error) {
	rt, ok := ParsePath(path)
	if !ok {
		return nil, noRoute(http.StatusNotFound, "'%s' is not a gateway route: a path starts with g/<group>, p/<service-id>, e/<enrollment-code> or a/<alias>", path)
	}
	switch rt.Prefix {
	case "c", "b":
		return nil, ErrNotResolvable
	case "a":
		if depth >= maxAliasDepth {
			return nil, noRoute(http.StatusLoopDetected, "alias '%s' leads through more than %d aliases; check the aliases' target paths for a loop", rt.Name, maxAliasDepth)
		}
		t, err := r.FollowAlias(ctx, p, rt.Name, rt.Rest, key)
		if err != nil {
			return nil, err
		}
		return r.resolve(ctx, p, t.Path, Merge(key, t.Override), strategy, depth+1)
	}
	plan := &Plan{Name: rt.Name, SubPath: rt.Rest, RoutingKey: key, Strategy: Strategy{Name: WeightedRandom}}
	var members []Candidate
	switch rt.Prefix {
	case "g":
		var err error
		if members, err = r.groupMembers(ctx, p, plan); err != nil {
			return nil, err
		}
	case "p":
		if uuid.Validate(rt.Name) != nil {
			plan.Kind = "pool"
			g, ok := r.catalog.Group(rt.Name)
			if !ok || g.GroupType != "capability_pool" {
				return nil, noRoute(http.StatusNotFound, "no service with id or capability pool named '%s': /p/ takes a service id (a UUID) or a capability pool's name", rt.Name)
			}
			members = r.platformMembers(g, plan)
			break
		}
		s, ok := r.catalog.Service(rt.Name)
		if !ok {
			return nil, noRoute(http.StatusNotFound, "service '%s' is not in the catalog", rt.Name)
		}
		plan.Kind, plan.Name = "service", s.ID
		members = []Candidate{{Service: s, RoutingKey: s.RoutingKey}}
		plan.Target = &members[0]
	case "e":
		e, err := r.store.FindEnrollmentByCode(ctx, p, rt.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, noRoute(http.StatusNotFound, "no enrollment with code '%s' among yours", rt.Name)
		}
		if err != nil {
			return nil, err
		}
		plan.Kind, plan.Name = "enrollment", e.Code
		if e.Status != store.EnrollmentActive {
			return nil, noRoute(http.StatusForbidden, "enrollment %s is %s, not active: only an active enrollment can be dispatched", e.Code, e.Status)
		}
		s, ok := r.catalog.Service(e.ServiceID)
		if !ok {
			return nil, noRoute(http.StatusNotFound, "enrollment %s is for service %s, which is no longer in the catalog", e.Code, e.ServiceID)
		}
		members = []Candidate{{Service: s, RoutingKey: s.RoutingKey, Enrollment: e}}
		plan.Target = &members[0]
	}
	if strategy != "" {
		plan.Strategy = Strategy{Name: strategy, Parameters: plan.Strategy.Parameters, Explicit: true}
	}
	return plan, r.fill(ctx, p, plan, members)
}

// groupMembers resolves /g/<name>: the caller's collection of that name,
// else the platform group.
func (r *Router) groupMembers(ctx context.Context, p store.Principal, plan *Plan) ([]Candidate, error) {
	c, ms, err := r.store.FindCollection(ctx, p, plan.Name)
	if err == nil {
		plan.Kind = "collection"
		if !c.Enabled {
			return nil, noRoute(http.StatusNotFound, "collection '%s' is disabled; enable it (PATCH /v1/groups/%s with {\"enabled\": true}) to route to it", c.Name, c.ID)
		}
		out := make([]Candidate, 0, len(ms))
		for _, m := range ms {
			s, ok := r.catalog.Service(m.ServiceID)
			if !ok {
				continue
			}
			key := s.RoutingKey
			if len(m.RoutingKey) > 0 {
				var override map[string]any // a new map: the catalog's is shared
				if json.Unmarshal(m.RoutingKey, &override) == nil {
					key = override
				}
			}
			out = append(out, Candidate{Service: s, RoutingKey: key})
		}
		return out, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	g, ok := r.catalog.Group(plan.Name)
	if !ok {
		return nil, noRoute(http.StatusNotFound, "no collection or platform group named '%s'", plan.Name)
	}
	plan.Kind, plan.Name = "group", g.Name
	switch g.GroupType {
	case "open", "keyed", "capability_pool":
	default:
		return nil, noRoute(http.StatusNotFound, "group '%s' is a %s and is not routable: dispatch to one of its services at /p/<service-id>", g.Name, g.GroupType)
	}
	plan.KeyRequired = g.GroupType == "keyed"
	return r.platformMembers(g, plan), nil
}

// platformMembers are a platform group's services, with its policy.
func (r *Router) platformMembers(g *catalog.Group, plan *Plan) []Candidate {
	if g.Policy != nil {
		plan.Strategy = Strategy{Name: g.Policy.Strategy, Parameters: g.Policy.Parameters, Explicit: true}
	}
	ss := r.catalog.GroupServices(g)
	out := make([]Candidate, 0, len(ss))
	for _, s := range ss {
		out = append(out, Candidate{Service: s, RoutingKey: s.RoutingKey})
	}
	return out
}

// fill narrows members to the plan's candidates: those matching the
// routing key, dispatchable by the caller, within the thresholds,
// ranked by the strategy.
func (r *Router) fill(ctx context.Context, p store.Principal, plan *Plan, members []Candidate) error {
	seen := map[string]bool{}
	for _, m := range members {
		k := keyName(m.RoutingKey)
		if k != "" && !seen[k] {
			seen[k] = true
			plan.Keys = append(plan.Keys, k)
		}
	}
	slices.Sort(plan.Keys)
	single := plan.Kind == "service" || plan.Kind == "enrollment"
	elig := &eligibility{router: r, principal: p}
	for _, m := range members {
		if !single && len(plan.RoutingKey) > 0 && !matches(plan.RoutingKey, m.RoutingKey) {
			continue
		}
		plan.matched = true
		c, skip, err := elig.check(ctx, m)
		if err != nil {
			return err
		}
		if skip != nil {
			plan.Skipped = append(plan.Skipped, *skip)
			continue
		}
		if why := threshold(plan.Strategy.Parameters, c, r.latency); why != "" {
			plan.Rejected = append(plan.Rejected, Rejection{Service: c.Service, Reason: why})
			continue
		}
		plan.Candidates = append(plan.Candidates, c)
	}
	if single {
		plan.matched = true
	}
	rank(plan.Strategy.Name, plan.Candidates, r.latency)
	return nil
}

// keyName is how a routing key is listed: its model, else its JSON.
func keyName(k map[string]any) string {
	if m, ok := k["model"].(string); ok {
		return m
	}
	if len(k) == 0 {
		return ""
	}
	b, _ := json.Marshal(k)
	return string(b)
}

// eligibility decides whether the caller can dispatch to a candidate,
// reading the caller's enrollments and secret names once, and only when
// a candidate needs them.
type eligibility struct {
	router      *Router
	principal   store.Principal
	enrollments map[string][]*store.Enrollment // active ones by service, personal first
	secrets     map[string]bool
}

func (e *eligibility) check(ctx context.Context, m Candidate) (Candidate, *Skip, error) {
	s := m.Service
	m.Weight = DefaultWeight
	if m.Enrollment == nil && s.EnrollmentMode != "disallowed" {
		if e.enrollments == nil {
			all, err := e.router.store.DispatchEnrollments(ctx, e.principal)
			if err != nil {
				return m, nil, err
			}
			e.enrollments = map[string][]*store.Enrollment{}
			for _, en := range all {
				if en.Status == store.EnrollmentActive {
					e.enrollments[en.ServiceID] = append(e.enrollments[en.ServiceID], en)
				}
			}
			for _, list := range e.enrollments {
				sort.SliceStable(list, func(i, j int) bool { return list[i].RoleID != nil && list[j].RoleID == nil })
			}
		}
		if list := e.enrollments[s.ID]; len(list) > 0 {
			m.Enrollment = list[0]
		} else if s.EnrollmentMode == "required" {
			return m, &Skip{Service: s}, nil
		}
	}
	if needed := s.Upstream.SecretsUsed(); len(needed) > 0 {
		if e.secrets == nil {
			names, err := e.router.store.SecretNames(ctx, e.principal)
			if err != nil {
				return m, nil, err
			}
			e.secrets = names
		}
		for _, n := range needed {
			if !e.secrets[n] {
				return m, &Skip{Service: s, Secret: n}, nil
			}
		}
	}
	return m, nil, nil
}
