package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

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
	a.handle("POST", "/chains/", a.createChain)
	a.handle("GET", "/chains/", a.listChains)
	a.handle("GET", "/chains/{chain_id}", a.getChain)
	a.handle("PATCH", "/chains/{chain_id}", a.updateChain)
	a.handle("DELETE", "/chains/{chain_id}", a.deleteChain)
	a.handle("PUT", "/chains/{chain_id}/steps", a.replaceChainSteps)
	a.handle("POST", "/chains/{chain_id}/steps", a.addChainStep)
	a.handle("PATCH", "/chains/{chain_id}/steps/{step_id}", a.updateChainStep)
	a.handle("DELETE", "/chains/{chain_id}/steps/{step_id}", a.deleteChainStep)
}

// --- helpers shared by chains and broadcasts ---

// routingString checks a string field's presence and length (in
// characters, at least 1 when required) and returns its value.
func routingString(v *string, required bool, max int, errs *validationErrors, loc ...any) string {
	if v == nil {
		if required {
			errs.add("Field required", "missing", loc...)
		}
		return ""
	}
	n := utf8.RuneCountInString(*v)
	switch {
	case required && n == 0:
		errs.add("String should have at least 1 character", "string_too_short", loc...)
	case n > max:
		errs.add(fmt.Sprintf("String should have at most %d characters", max), "string_too_long", loc...)
	}
	return *v
}

// routingPositive checks an optional integer is at least 1.
func routingPositive(v *int64, errs *validationErrors, loc ...any) {
	if v != nil && *v < 1 {
		errs.add("Input should be greater than or equal to 1", "greater_than_equal", loc...)
	}
}

// routingChoice checks v is one of allowed (when set) and returns it or def.
func routingChoice(v *string, def string, allowed []string, errs *validationErrors, loc ...any) string {
	if v == nil {
		return def
	}
	for _, a := range allowed {
		if *v == a {
			return *v
		}
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = "'" + a + "'"
	}
	errs.add("Input should be "+strings.Join(quoted[:len(quoted)-1], ", ")+" or "+quoted[len(quoted)-1], "literal_error", loc...)
	return *v
}

func routingLoc(loc []any, more ...any) []any {
	return append(append([]any{}, loc...), more...)
}

func routingScope(shared bool) string {
	if shared {
		return "shared"
	}
	return "personal"
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

// --- handlers ---

func (a *API) chainNotFound(w http.ResponseWriter, id string) {
	writeDetail(w, http.StatusNotFound, "Chain '"+id+"' not found")
}

func (a *API) createChain(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	shared := queryBool(r, "shared", false, &errs)
	var body struct {
		Name             *string           `json:"name"`
		Description      *string           `json:"description"`
		DefaultTimeoutMS *int64            `json:"default_timeout_ms"`
		Enabled          *bool             `json:"enabled"`
		Steps            []chainStepCreate `json:"steps"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	cw := store.ChainWrite{
		Name:             routingString(body.Name, true, routingNameMax, &errs, "body", "name"),
		Description:      body.Description,
		DefaultTimeoutMS: chainDefaultTimeoutMS,
		Enabled:          true,
	}
	routingString(body.Description, false, routingDescriptionMax, &errs, "body", "description")
	routingPositive(body.DefaultTimeoutMS, &errs, "body", "default_timeout_ms")
	if body.DefaultTimeoutMS != nil {
		cw.DefaultTimeoutMS = *body.DefaultTimeoutMS
	}
	if body.Enabled != nil {
		cw.Enabled = *body.Enabled
	}
	for i, s := range body.Steps {
		cw.Steps = append(cw.Steps, s.validate(&errs, "body", "steps", i))
	}
	if errs.write(w) {
		return
	}
	c, err := a.store.CreateChain(r.Context(), p, shared, cw)
	if errors.Is(err, store.ErrConflict) {
		writeDetail(w, http.StatusConflict, fmt.Sprintf("A chain named '%s' already exists in the %s scope; chain names are unique per scope (personal or shared). Choose another name, or manage the existing chain.", cw.Name, routingScope(shared)))
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, chainView(c))
}

func (a *API) listChains(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	skip := queryInt(r, "skip", 0, 0, 0, &errs)
	limit := queryInt(r, "limit", 100, 0, 0, &errs)
	shared := queryBool(r, "shared", false, &errs)
	if errs.write(w) {
		return
	}
	chains, err := a.store.ListChains(r.Context(), p, shared)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writePage(w, chains, skip, limit, chainView)
}

func (a *API) getChain(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "chain_id")
	if errs.write(w) {
		return
	}
	c, err := a.store.GetChain(r.Context(), p, ids[0])
	if a.failed(w, r, err, func() { a.chainNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, chainView(c))
}

func (a *API) updateChain(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "chain_id")
	var body struct {
		Description      optional[string] `json:"description"`
		DefaultTimeoutMS *int64           `json:"default_timeout_ms"`
		Enabled          *bool            `json:"enabled"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	routingString(body.Description.Value, false, routingDescriptionMax, &errs, "body", "description")
	routingPositive(body.DefaultTimeoutMS, &errs, "body", "default_timeout_ms")
	if errs.write(w) {
		return
	}
	c, err := a.store.UpdateChain(r.Context(), p, ids[0], store.ChainPatch{
		SetDescription: body.Description.Set, Description: body.Description.Value,
		DefaultTimeoutMS: body.DefaultTimeoutMS, Enabled: body.Enabled,
	})
	if a.failed(w, r, err, func() { a.chainNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, chainView(c))
}

func (a *API) deleteChain(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "chain_id")
	if errs.write(w) {
		return
	}
	err := a.store.DeleteChain(r.Context(), p, ids[0])
	if a.failed(w, r, err, func() { a.chainNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Chain deleted successfully"})
}

func (a *API) replaceChainSteps(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "chain_id")
	var body []chainStepCreate
	if !decodeBody(w, r, &body) {
		return
	}
	steps := make([]store.ChainStepWrite, 0, len(body))
	for i, s := range body {
		steps = append(steps, s.validate(&errs, "body", i))
	}
	if errs.write(w) {
		return
	}
	c, err := a.store.ReplaceChainSteps(r.Context(), p, ids[0], steps)
	if a.failed(w, r, err, func() { a.chainNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, chainView(c))
}

func (a *API) addChainStep(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "chain_id")
	var body chainStepCreate
	if !decodeBody(w, r, &body) {
		return
	}
	sw := body.validate(&errs, "body")
	if errs.write(w) {
		return
	}
	s, err := a.store.AddChainStep(r.Context(), p, ids[0], sw)
	if a.failed(w, r, err, func() { a.chainNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusCreated, chainStepView(s))
}

func (a *API) updateChainStep(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "chain_id", "step_id")
	var body struct {
		Name       *string         `json:"name"`
		TargetPath *string         `json:"target_path"`
		OnSuccess  *string         `json:"on_success"`
		OnFailure  *string         `json:"on_failure"`
		TimeoutMS  optional[int64] `json:"timeout_ms"`
		SortOrder  *int64          `json:"sort_order"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Name != nil {
		routingString(body.Name, true, routingNameMax, &errs, "body", "name")
	}
	if body.TargetPath != nil {
		routingString(body.TargetPath, true, routingTargetPathMax, &errs, "body", "target_path")
	}
	routingChoice(body.OnSuccess, "", chainOnSuccessValues, &errs, "body", "on_success")
	routingChoice(body.OnFailure, "", chainOnFailureValues, &errs, "body", "on_failure")
	routingPositive(body.TimeoutMS.Value, &errs, "body", "timeout_ms")
	if errs.write(w) {
		return
	}
	s, err := a.store.UpdateChainStep(r.Context(), p, ids[0], ids[1], store.ChainStepPatch{
		Name: body.Name, TargetPath: body.TargetPath, OnSuccess: body.OnSuccess, OnFailure: body.OnFailure,
		SetTimeout: body.TimeoutMS.Set, TimeoutMS: body.TimeoutMS.Value, SortOrder: body.SortOrder,
	})
	if a.failed(w, r, err, func() { writeDetail(w, http.StatusNotFound, "Step '"+ids[1]+"' not found in chain '"+ids[0]+"'") }) {
		return
	}
	writeJSON(w, http.StatusOK, chainStepView(s))
}

func (a *API) deleteChainStep(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "chain_id", "step_id")
	if errs.write(w) {
		return
	}
	err := a.store.DeleteChainStep(r.Context(), p, ids[0], ids[1])
	if a.failed(w, r, err, func() { writeDetail(w, http.StatusNotFound, "Step '"+ids[1]+"' not found in chain '"+ids[0]+"'") }) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Step deleted successfully"})
}
