package api

import (
	"net/http"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Limits and defaults of chains (and, where shared, broadcasts).
const (
	routingNameMax        = 64
	routingDescriptionMax = 500
	routingTargetPathMax  = 500

	chainDefaultTimeoutMS     = 10000
	chainStepDefaultOnSuccess = "stop"
	chainStepDefaultOnFailure = "relay"
)

var (
	chainOnSuccessValues = []string{"stop", "continue", "relay"}
	chainOnFailureValues = []string{"continue", "relay", "stop"}
)

func (a *API) routeChains() {
	k := &routingObject[store.Chain, store.ChainStep, chainStepCreate, store.ChainStepWrite]{
		noun: "chain", idParam: "chain_id", childNoun: "step", childParam: "step_id",
		view:      func(c *store.Chain) any { return chainView(c) },
		childView: func(s *store.ChainStep) any { return chainStepView(s) },
		list:      a.store.ListChains, get: a.store.GetChain, delete: a.store.DeleteChain,
		replace: a.store.ReplaceChainSteps, add: a.store.AddChainStep, deleteChild: a.store.DeleteChainStep,
		prefix: "c", name: func(c *store.Chain) string { return c.Name }, count: func(c *store.Chain) int { return len(c.Steps) },
		target: func(s store.ChainStepWrite) string { return s.TargetPath },
	}
	create := guardedCreate(a, k.prefix, func(w store.ChainWrite) (string, []store.ChainStepWrite) { return w.Name, w.Steps }, k.target, "steps", a.store.CreateChain)
	k.route(a, createRouting(a, k, checkChainCreate, create), updateRouting(a, k, checkChainPatch, a.store.UpdateChain))
	a.handle("PATCH", "/chains/{chain_id}/steps/{step_id}", a.updateChainStep(k))
}

// --- views ---

// chainStepPublic is the ChainStepPublic schema.
type chainStepPublic struct {
	ID         string `json:"id"`
	ChainID    string `json:"chain_id"`
	Name       string `json:"name"`
	TargetPath string `json:"target_path"`
	OnSuccess  string `json:"on_success"`
	OnFailure  string `json:"on_failure"`
	TimeoutMS  *int64 `json:"timeout_ms"`
	SortOrder  int64  `json:"sort_order"`
}

// chainPublic is the ChainPublic schema.
type chainPublic struct {
	ID               string            `json:"id"`
	CustomerID       string            `json:"customer_id"`
	OwnerID          *string           `json:"owner_id"`
	Name             string            `json:"name"`
	Description      *string           `json:"description"`
	DefaultTimeoutMS int64             `json:"default_timeout_ms"`
	Enabled          bool              `json:"enabled"`
	Details          map[string]any    `json:"details"`
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        *string           `json:"updated_at"`
	Steps            []chainStepPublic `json:"steps"`
}

func chainStepView(s *store.ChainStep) chainStepPublic {
	return chainStepPublic{ID: s.ID, ChainID: s.ChainID, Name: s.Name, TargetPath: s.TargetPath,
		OnSuccess: s.OnSuccess, OnFailure: s.OnFailure, TimeoutMS: s.TimeoutMS, SortOrder: s.SortOrder}
}

func chainView(c *store.Chain) chainPublic {
	v := chainPublic{ID: c.ID, CustomerID: c.CustomerID, OwnerID: c.OwnerID, Name: c.Name, Description: c.Description,
		DefaultTimeoutMS: c.DefaultTimeoutMS, Enabled: c.Enabled, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Steps: make([]chainStepPublic, 0, len(c.Steps))}
	for _, s := range c.Steps {
		v.Steps = append(v.Steps, chainStepView(s))
	}
	return v
}

// --- request bodies ---

// chainStepCreate is the ChainStepCreate schema as received.
type chainStepCreate struct {
	Name       *string `json:"name"`
	TargetPath *string `json:"target_path"`
	OnSuccess  *string `json:"on_success"`
	OnFailure  *string `json:"on_failure"`
	TimeoutMS  *int64  `json:"timeout_ms"`
	SortOrder  *int64  `json:"sort_order"`
}

func (b chainStepCreate) validate(errs *validationErrors, loc ...any) store.ChainStepWrite {
	w := store.ChainStepWrite{
		Name:       routingString(b.Name, true, routingNameMax, errs, routingLoc(loc, "name")...),
		TargetPath: routingString(b.TargetPath, true, routingTargetPathMax, errs, routingLoc(loc, "target_path")...),
		OnSuccess:  routingChoice(b.OnSuccess, chainStepDefaultOnSuccess, chainOnSuccessValues, errs, routingLoc(loc, "on_success")...),
		OnFailure:  routingChoice(b.OnFailure, chainStepDefaultOnFailure, chainOnFailureValues, errs, routingLoc(loc, "on_failure")...),
		TimeoutMS:  b.TimeoutMS,
	}
	routingPositive(b.TimeoutMS, errs, routingLoc(loc, "timeout_ms")...)
	if b.SortOrder == nil {
		errs.add("Field required", "missing", routingLoc(loc, "sort_order")...)
	} else {
		w.SortOrder = *b.SortOrder
	}
	return w
}

// --- bodies of POST and PATCH /chains/ ---

// chainCreate is the ChainCreate schema as received.
type chainCreate struct {
	Name             *string           `json:"name"`
	Description      *string           `json:"description"`
	DefaultTimeoutMS *int64            `json:"default_timeout_ms"`
	Enabled          *bool             `json:"enabled"`
	Steps            []chainStepCreate `json:"steps"`
}

func checkChainCreate(body *chainCreate, errs *validationErrors) (store.ChainWrite, string) {
	cw := store.ChainWrite{
		Name:             routingName(body.Name, routingNameMax, errs, "body", "name"),
		Description:      body.Description,
		DefaultTimeoutMS: chainDefaultTimeoutMS,
		Enabled:          true,
	}
	routingString(body.Description, false, routingDescriptionMax, errs, "body", "description")
	routingPositive(body.DefaultTimeoutMS, errs, "body", "default_timeout_ms")
	if body.DefaultTimeoutMS != nil {
		cw.DefaultTimeoutMS = *body.DefaultTimeoutMS
	}
	if body.Enabled != nil {
		cw.Enabled = *body.Enabled
	}
	cw.Steps = checkChildren(body.Steps, errs, "body", "steps")
	return cw, cw.Name
}

// chainUpdate is the ChainUpdate schema as received.
type chainUpdate struct {
	Description      optional[string] `json:"description"`
	DefaultTimeoutMS *int64           `json:"default_timeout_ms"`
	Enabled          *bool            `json:"enabled"`
}

func checkChainPatch(body *chainUpdate, errs *validationErrors) store.ChainPatch {
	routingString(body.Description.Value, false, routingDescriptionMax, errs, "body", "description")
	routingPositive(body.DefaultTimeoutMS, errs, "body", "default_timeout_ms")
	return store.ChainPatch{
		SetDescription: body.Description.Set, Description: body.Description.Value,
		DefaultTimeoutMS: body.DefaultTimeoutMS, Enabled: body.Enabled,
	}
}

// chainStepUpdate is the ChainStepUpdate schema as received.
type chainStepUpdate struct {
	Name       *string         `json:"name"`
	TargetPath *string         `json:"target_path"`
	OnSuccess  *string         `json:"on_success"`
	OnFailure  *string         `json:"on_failure"`
	TimeoutMS  optional[int64] `json:"timeout_ms"`
	SortOrder  *int64          `json:"sort_order"`
}

func checkChainStepPatch(body *chainStepUpdate, errs *validationErrors) store.ChainStepPatch {
	if body.Name != nil {
		routingString(body.Name, true, routingNameMax, errs, "body", "name")
	}
	if body.TargetPath != nil {
		routingString(body.TargetPath, true, routingTargetPathMax, errs, "body", "target_path")
	}
	routingChoice(body.OnSuccess, "", chainOnSuccessValues, errs, "body", "on_success")
	routingChoice(body.OnFailure, "", chainOnFailureValues, errs, "body", "on_failure")
	routingPositive(body.TimeoutMS.Value, errs, "body", "timeout_ms")
	return store.ChainStepPatch{
		Name: body.Name, TargetPath: body.TargetPath, OnSuccess: body.OnSuccess, OnFailure: body.OnFailure,
		SetTimeout: body.TimeoutMS.Set, TimeoutMS: body.TimeoutMS.Value, SortOrder: body.SortOrder,
	}
}

// updateChainStep is PATCH /chains/{chain_id}/steps/{step_id}, the one
// route broadcasts do not have.
func (a *API) updateChainStep(k *routingObject[store.Chain, store.ChainStep, chainStepCreate, store.ChainStepWrite]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := principal(w, r)
		if !ok {
			return
		}
		var errs validationErrors
		ids := pathUUIDs(r, &errs, k.idParam, k.childParam)
		patch, ok := readBody(w, r, &errs, checkChainStepPatch)
		if !ok {
			return
		}
		if patch.TargetPath != nil && len(errs) == 0 {
			c, err := a.store.GetChain(r.Context(), p, ids[0])
			if err == nil {
				err = a.checkLoops(r.Context(), p, "c/"+c.Name, ids[0], []routeTarget{{path: *patch.TargetPath, loc: []any{"body", "target_path"}}})
			}
			if writeInvalid(w, err) || a.failed(w, r, err, k.notFound(w, ids[0])) {
				return
			}
		}
		s, err := a.store.UpdateChainStep(r.Context(), p, ids[0], ids[1], patch)
		if a.failed(w, r, err, k.childNotFound(w, ids[0], ids[1])) {
			return
		}
		writeJSON(w, http.StatusOK, chainStepView(s))
	}
}
