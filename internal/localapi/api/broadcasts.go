package api

import (
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
	k := &routingObject[store.Broadcast, store.BroadcastTarget, broadcastTargetCreate, store.BroadcastTargetWrite]{
		noun: "broadcast", idParam: "broadcast_id", childNoun: "target", childParam: "target_id",
		view:      func(b *store.Broadcast) any { return broadcastView(b) },
		childView: func(t *store.BroadcastTarget) any { return broadcastTargetView(t) },
		list:      a.store.ListBroadcasts, get: a.store.GetBroadcast, delete: a.store.DeleteBroadcast,
		replace: a.store.ReplaceBroadcastTargets, add: a.store.AddBroadcastTarget, deleteChild: a.store.DeleteBroadcastTarget,
		prefix: "b", name: func(b *store.Broadcast) string { return b.Name }, count: func(b *store.Broadcast) int { return len(b.Targets) },
		target: func(t store.BroadcastTargetWrite) string { return t.TargetPath },
	}
	create := guardedCreate(a, k.prefix, func(w store.BroadcastWrite) (string, []store.BroadcastTargetWrite) { return w.Name, w.Targets }, k.target, "targets", a.store.CreateBroadcast)
	k.route(a, createRouting(a, k, checkBroadcastCreate, create), updateRouting(a, k, checkBroadcastPatch, a.store.UpdateBroadcast))
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

// broadcastCreate is the BroadcastCreate schema as received.
type broadcastCreate struct {
	Name            *string                 `json:"name"`
	Description     *string                 `json:"description"`
	Mode            *string                 `json:"mode"`
	TargetTimeoutMS *int64                  `json:"target_timeout_ms"`
	Enabled         *bool                   `json:"enabled"`
	Targets         []broadcastTargetCreate `json:"targets"`
}

func checkBroadcastCreate(body *broadcastCreate, errs *validationErrors) (store.BroadcastWrite, string) {
	bw := store.BroadcastWrite{
		Name:            routingName(body.Name, routingNameMax, errs, "body", "name"),
		Description:     body.Description,
		Mode:            broadcastMode(body.Mode, errs, "body", "mode"),
		TargetTimeoutMS: broadcastDefaultTargetTimeoutMS,
		Enabled:         true,
	}
	routingString(body.Description, false, routingDescriptionMax, errs, "body", "description")
	routingPositive(body.TargetTimeoutMS, errs, "body", "target_timeout_ms")
	if body.TargetTimeoutMS != nil {
		bw.TargetTimeoutMS = *body.TargetTimeoutMS
	}
	if body.Enabled != nil {
		bw.Enabled = *body.Enabled
	}
	bw.Targets = checkChildren(body.Targets, errs, "body", "targets")
	return bw, bw.Name
}

// broadcastUpdate is the BroadcastUpdate schema as received.
type broadcastUpdate struct {
	Description     optional[string] `json:"description"`
	Mode            *string          `json:"mode"`
	TargetTimeoutMS *int64           `json:"target_timeout_ms"`
	Enabled         *bool            `json:"enabled"`
}

func checkBroadcastPatch(body *broadcastUpdate, errs *validationErrors) store.BroadcastPatch {
	routingString(body.Description.Value, false, routingDescriptionMax, errs, "body", "description")
	if body.Mode != nil {
		broadcastMode(body.Mode, errs, "body", "mode")
	}
	routingPositive(body.TargetTimeoutMS, errs, "body", "target_timeout_ms")
	return store.BroadcastPatch{
		SetDescription: body.Description.Set, Description: body.Description.Value,
		Mode: body.Mode, TargetTimeoutMS: body.TargetTimeoutMS, Enabled: body.Enabled,
	}
}
