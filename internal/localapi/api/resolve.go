package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
)

func (a *API) routeResolve() {
	a.handle("POST", "/resolve", a.resolve)
}

// resolveCandidate is ResolveCandidate: identity and enrollment binding,
// never credentials.
type resolveCandidate struct {
	ServiceID    string  `json:"service_id"`
	ServiceName  *string `json:"service_name"`
	ProviderName *string `json:"provider_name"`
	Weight       int     `json:"weight"`
	EnrollmentID *string `json:"enrollment_id"`
}

func candidateView(c *routing.Candidate) *resolveCandidate {
	if c == nil {
		return nil
	}
	v := &resolveCandidate{ServiceID: c.Service.ID, ServiceName: &c.Service.Name, ProviderName: c.Service.ProviderName, Weight: c.Weight}
	if c.Enrollment != nil {
		v.EnrollmentID = &c.Enrollment.ID
	}
	return v
}

var gatewayKinds = []string{"api", "s3", "smtp"}

// Headers of a resolve whose path the gateway would refuse outright:
// the status and the detail the gateway answers such a request with.
const (
	RefusalHeader       = "X-Unitysvc-Gateway-Refusal"
	RefusalStatusHeader = "X-Unitysvc-Gateway-Refusal-Status"
)

// resolve is the dry run of a dispatch: the candidates the gateway's own
// routing function gives for the path and routing key, the effective
// strategy and the pre-selected candidate, without calling an upstream.
// A path that reaches nothing has no candidates (200); chain and
// broadcast paths and unknown strategies are 422. Wrappers (l/ m/ f/ t/)
// and their query are seen through: l/m/g/x resolves g/x.
func (a *API) resolve(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var body struct {
		Path       *string         `json:"path"`
		RoutingKey json.RawMessage `json:"routing_key"`
		Strategy   *string         `json:"strategy"`
		Gateway    *string         `json:"gateway"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	if body.Path == nil {
		errs.add("Field required", "missing", "body", "path")
	}
	var key map[string]any
	if len(body.RoutingKey) > 0 && string(body.RoutingKey) != "null" {
		if err := json.Unmarshal(body.RoutingKey, &key); err != nil {
			errs.add("Input should be a valid dictionary", "dict_type", "body", "routing_key")
		}
	}
	gw := "api"
	if body.Gateway != nil {
		gw = *body.Gateway
		if !slices.Contains(gatewayKinds, gw) {
			errs.add("Input should be 'api', 's3' or 'smtp'", "enum", "body", "gateway")
		}
	}
	strategy := ""
	if body.Strategy != nil {
		strategy = *body.Strategy
	}
	if errs.write(w) {
		return
	}
	out := map[string]any{"candidates": []*resolveCandidate{}, "routing_strategy": nil, "selected": nil}
	if gw != "api" {
		// unitysvc-local serves no storage or email relay services.
		if strategy != "" && !slices.Contains(routing.Strategies, strategy) {
			unprocessable(w, "unknown routing strategy '"+strategy+"': use one of "+strings.Join(routing.Strategies, ", "), "value_error", "body", "strategy")
			return
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	plan, err := a.router.Resolve(r.Context(), p, *body.Path, key, strategy)
	var unknown *routing.UnknownStrategyError
	var rerr *routing.Error
	switch {
	case errors.As(err, &unknown):
		unprocessable(w, unknown.Detail, "value_error", "body", "strategy")
		return
	case errors.Is(err, routing.ErrNotResolvable):
		unprocessable(w, "'"+*body.Path+"' is a chain or broadcast path: "+err.Error(), "value_error", "body", "path")
		return
	case errors.As(err, &rerr):
		// The gateway would refuse the path outright (an unknown prefix,
		// no such group, alias or enrollment, an alias loop): no
		// candidates, and the gateway's reason in headers, since
		// ResolveResponse has no field for it.
		w.Header().Set(RefusalStatusHeader, strconv.Itoa(rerr.Status))
		w.Header().Set(RefusalHeader, rerr.Detail)
		writeJSON(w, http.StatusOK, out)
		return
	case err != nil:
		a.internal(w, r, err)
		return
	}
	cands := make([]*resolveCandidate, 0, len(plan.Candidates))
	for i := range plan.Candidates {
		cands = append(cands, candidateView(&plan.Candidates[i]))
	}
	out["candidates"] = cands
	if s := plan.Strategy; s.Explicit && (s.Name != routing.WeightedRandom || len(s.Parameters) > 0) {
		rs := map[string]any{"name": s.Name, "content_dependent": s.ContentDependent()}
		if len(s.Parameters) > 0 {
			rs["parameters"] = s.Parameters
		}
		out["routing_strategy"] = rs
	}
	out["selected"] = candidateView(plan.Selected())
	writeJSON(w, http.StatusOK, out)
}
