package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

const (
	broadcastDefaultTargetTimeoutMS = 30000
	broadcastDefaultMode            = "sync"
	// broadcastAsyncUnavailable explains why mode "async" is refused.
	broadcastAsyncUnavailable = "Broadcast mode 'async' is not available yet: asynchronous broadcasts (enqueued per-target tasks) are not built. Use mode 'sync', which calls every target in parallel and returns their results together."
)

var broadcastModes = []string{"sync", "async"}

func (a *API) routeBroadcasts() {
	a.handle("POST", "/broadcasts/", a.createBroadcast)
	a.handle("GET", "/broadcasts/", a.listBroadcasts)
	a.handle("GET", "/broadcasts/{broadcast_id}", a.getBroadcast)
	a.handle("PATCH", "/broadcasts/{broadcast_id}", a.updateBroadcast)
	a.handle("DELETE", "/broadcasts/{broadcast_id}", a.deleteBroadcast)
	a.handle("PUT", "/broadcasts/{broadcast_id}/targets", a.replaceBroadcastTargets)
	a.handle("POST", "/broadcasts/{broadcast_id}/targets", a.addBroadcastTarget)
	a.handle("DELETE", "/broadcasts/{broadcast_id}/targets/{target_id}", a.deleteBroadcastTarget)
}

// broadcastTargetPublic is the BroadcastTargetPublic schema.
type broadcastTargetPublic struct {
	ID                 string         `json:"id"`
	BroadcastID        string         `json:"broadcast_id"`
	Name               string         `json:"name"`
	TargetPath         string         `json:"target_path"`
	RoutingKeyOverride map[string]any `json:"routing_key_override"`
	SortOrder          int64          `json:"sort_order"`
}

// broadcastPublic is the BroadcastPublic schema.
type broadcastPublic struct {
	ID              string                  `json:"id"`
	CustomerID      string                  `json:"customer_id"`
	OwnerID         *string                 `json:"owner_id"`
	Name            string                  `json:"name"`
	Description     *string                 `json:"description"`
	Mode            string                  `json:"mode"`
	TargetTimeoutMS int64                   `json:"target_timeout_ms"`
	Enabled         bool                    `json:"enabled"`
	Details         map[string]any          `json:"details"`
	CreatedAt       string                  `json:"created_at"`
	UpdatedAt       *string                 `json:"updated_at"`
	Targets         []broadcastTargetPublic `json:"targets"`
}

func broadcastTargetView(t *store.BroadcastTarget) broadcastTargetPublic {
	return broadcastTargetPublic{ID: t.ID, BroadcastID: t.BroadcastID, Name: t.Name, TargetPath: t.TargetPath,
		RoutingKeyOverride: t.RoutingKeyOverride, SortOrder: t.SortOrder}
}

func broadcastView(b *store.Broadcast) broadcastPublic {
	v := broadcastPublic{ID: b.ID, CustomerID: b.CustomerID, OwnerID: b.OwnerID, Name: b.Name, Description: b.Description,
		Mode: b.Mode, TargetTimeoutMS: b.TargetTimeoutMS, Enabled: b.Enabled, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
		Targets: make([]broadcastTargetPublic, 0, len(b.Targets))}
	for _, t := range b.Targets {
		v.Targets = append(v.Targets, broadcastTargetView(t))
	}
	return v
}

// broadcastTargetCreate is the BroadcastTargetCreate schema as received.
type broadcastTargetCreate struct {
	Name               *string        `json:"name"`
	TargetPath         *string        `json:"target_path"`
	RoutingKeyOverride map[string]any `json:"routing_key_override"`
	SortOrder          *int64         `json:"sort_order"`
}

func (b broadcastTargetCreate) validate(errs *validationErrors, loc ...any) store.BroadcastTargetWrite {
	w := store.BroadcastTargetWrite{
		Name:               routingString(b.Name, true, routingNameMax, errs, routingLoc(loc, "name")...),
		TargetPath:         routingString(b.TargetPath, true, routingTargetPathMax, errs, routingLoc(loc, "target_path")...),
		RoutingKeyOverride: b.RoutingKeyOverride,
	}
	if b.SortOrder != nil {
		w.SortOrder = *b.SortOrder
	}
	return w
}

// broadcastMode validates a requested mode: an enum value, and not async.
func broadcastMode(v *string, errs *validationErrors, loc ...any) string {
	m := routingChoice(v, broadcastDefaultMode, broadcastModes, errs, loc...)
	if m == "async" {
		errs.add(broadcastAsyncUnavailable, "value_error", loc...)
	}
	return m
}

func (a *API) broadcastNotFound(w http.ResponseWriter, id string) {
	writeDetail(w, http.StatusNotFound, "Broadcast '"+id+"' not found")
}

func (a *API) createBroadcast(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	shared := queryBool(r, "shared", false, &errs)
	var body struct {
		Name            *string                 `json:"name"`
		Description     *string                 `json:"description"`
		Mode            *string                 `json:"mode"`
		TargetTimeoutMS *int64                  `json:"target_timeout_ms"`
		Enabled         *bool                   `json:"enabled"`
		Targets         []broadcastTargetCreate `json:"targets"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	bw := store.BroadcastWrite{
		Name:            routingString(body.Name, true, routingNameMax, &errs, "body", "name"),
		Description:     body.Description,
		Mode:            broadcastMode(body.Mode, &errs, "body", "mode"),
		TargetTimeoutMS: broadcastDefaultTargetTimeoutMS,
		Enabled:         true,
	}
	routingString(body.Description, false, routingDescriptionMax, &errs, "body", "description")
	routingPositive(body.TargetTimeoutMS, &errs, "body", "target_timeout_ms")
	if body.TargetTimeoutMS != nil {
		bw.TargetTimeoutMS = *body.TargetTimeoutMS
	}
	if body.Enabled != nil {
		bw.Enabled = *body.Enabled
	}
	for i, t := range body.Targets {
		bw.Targets = append(bw.Targets, t.validate(&errs, "body", "targets", i))
	}
	if errs.write(w) {
		return
	}
	b, err := a.store.CreateBroadcast(r.Context(), p, shared, bw)
	if errors.Is(err, store.ErrConflict) {
		writeDetail(w, http.StatusConflict, fmt.Sprintf("A broadcast named '%s' already exists in the %s scope; broadcast names are unique per scope (personal or shared). Choose another name, or manage the existing broadcast.", bw.Name, routingScope(shared)))
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, broadcastView(b))
}

func (a *API) listBroadcasts(w http.ResponseWriter, r *http.Request) {
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
	bs, err := a.store.ListBroadcasts(r.Context(), p, shared)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writePage(w, bs, skip, limit, broadcastView)
}

func (a *API) getBroadcast(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "broadcast_id")
	if errs.write(w) {
		return
	}
	b, err := a.store.GetBroadcast(r.Context(), p, ids[0])
	if a.failed(w, r, err, func() { a.broadcastNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, broadcastView(b))
}

func (a *API) updateBroadcast(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "broadcast_id")
	var body struct {
		Description     optional[string] `json:"description"`
		Mode            *string          `json:"mode"`
		TargetTimeoutMS *int64           `json:"target_timeout_ms"`
		Enabled         *bool            `json:"enabled"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	routingString(body.Description.Value, false, routingDescriptionMax, &errs, "body", "description")
	if body.Mode != nil {
		broadcastMode(body.Mode, &errs, "body", "mode")
	}
	routingPositive(body.TargetTimeoutMS, &errs, "body", "target_timeout_ms")
	if errs.write(w) {
		return
	}
	b, err := a.store.UpdateBroadcast(r.Context(), p, ids[0], store.BroadcastPatch{
		SetDescription: body.Description.Set, Description: body.Description.Value,
		Mode: body.Mode, TargetTimeoutMS: body.TargetTimeoutMS, Enabled: body.Enabled,
	})
	if a.failed(w, r, err, func() { a.broadcastNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, broadcastView(b))
}

func (a *API) deleteBroadcast(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "broadcast_id")
	if errs.write(w) {
		return
	}
	err := a.store.DeleteBroadcast(r.Context(), p, ids[0])
	if a.failed(w, r, err, func() { a.broadcastNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Broadcast deleted successfully"})
}

func (a *API) replaceBroadcastTargets(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "broadcast_id")
	var body []broadcastTargetCreate
	if !decodeBody(w, r, &body) {
		return
	}
	targets := make([]store.BroadcastTargetWrite, 0, len(body))
	for i, t := range body {
		targets = append(targets, t.validate(&errs, "body", i))
	}
	if errs.write(w) {
		return
	}
	b, err := a.store.ReplaceBroadcastTargets(r.Context(), p, ids[0], targets)
	if a.failed(w, r, err, func() { a.broadcastNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusOK, broadcastView(b))
}

func (a *API) addBroadcastTarget(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "broadcast_id")
	var body broadcastTargetCreate
	if !decodeBody(w, r, &body) {
		return
	}
	tw := body.validate(&errs, "body")
	if errs.write(w) {
		return
	}
	t, err := a.store.AddBroadcastTarget(r.Context(), p, ids[0], tw)
	if a.failed(w, r, err, func() { a.broadcastNotFound(w, ids[0]) }) {
		return
	}
	writeJSON(w, http.StatusCreated, broadcastTargetView(t))
}

func (a *API) deleteBroadcastTarget(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	ids := pathUUIDs(r, &errs, "broadcast_id", "target_id")
	if errs.write(w) {
		return
	}
	err := a.store.DeleteBroadcastTarget(r.Context(), p, ids[0], ids[1])
	if a.failed(w, r, err, func() { writeDetail(w, http.StatusNotFound, "Target '"+ids[1]+"' not found in broadcast '"+ids[0]+"'") }) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Target deleted successfully"})
}
