package scheduler

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Field is a PATCH field: Set when it was sent, Value nil when it was
// sent as null.
type Field[T any] struct {
	Set   bool
	Value *T
}

// Change is a PATCH of a recurrent request, its values already checked:
// Schedule by Check, Status one of "active", "paused", "cancelled".
type Change struct {
	RequestPath Field[string] // null leaves the path as it is
	// BodyTemplate is the JSON object as stored (CompactBody).
	BodyTemplate Field[string]
	// RequestHeaders replace the stored ones; a value equal to the mask
	// the API shows for a credential header keeps the stored value.
	RequestHeaders Field[map[string]string]
	Schedule       Field[Schedule]
	Name           Field[string]
	Status         *string
}

// onlyCancels reports whether c asks for nothing but status cancelled.
func (c Change) onlyCancels() bool {
	return c.Status != nil && *c.Status == "cancelled" && !c.RequestPath.Set && !c.BodyTemplate.Set &&
		!c.RequestHeaders.Set && !c.Schedule.Set && !c.Name.Set
}

// ChangeError is a change the request's state refuses: a change to a
// cancelled request (Conflict), or one that is invalid for the state it
// finds (Field names the body field).
type ChangeError struct {
	Conflict bool
	Field    string
	Detail   string
}

func (e *ChangeError) Error() string { return e.Detail }

// MaskedValue is what the API shows instead of a credential header's
// value.
const MaskedValue = "***masked***"

// Update applies c, made by p, to the recurrent request id of p's
// customer, atomically, and plans its next run. A store error
// (ErrNotFound, a name taken) or a *ChangeError is returned as is.
func (s *Scheduler) Update(ctx context.Context, p store.Principal, id string, c Change) (*store.RecurrentRequest, error) {
	return s.store.UpdateRecurrentRequest(ctx, p, id, func(rr *store.RecurrentRequest) error { return s.apply(rr, p, c) })
}

// apply is the status machine of a recurrent request. Setting a schedule
// on a draft activates it (or pauses it, when the same change asks for
// paused); active <-> paused; any status -> cancelled, which is final
// (a repeated cancel alone is accepted); never back to draft; a request
// without a schedule cannot be activated or paused, and a schedule,
// once set, cannot be removed. Activating (again) or setting a schedule
// re-anchors intervals at now. A change to what the request sends (path,
// body, headers) makes its author the user it runs as, and a path must
// be one the request can run (PathProblem).
func (s *Scheduler) apply(rr *store.RecurrentRequest, by store.Principal, c Change) error {
	if rr.Status == "cancelled" {
		if c.onlyCancels() {
			return nil
		}
		return &ChangeError{Conflict: true, Detail: "Recurrent request " + rr.ID + " is cancelled; a cancelled request cannot be changed or reactivated. Delete it and create a new one."}
	}
	if c.Schedule.Set && c.Schedule.Value == nil && rr.Schedule != nil {
		return &ChangeError{Field: "schedule", Detail: "schedule cannot be removed; pause (status \"paused\") or cancel (status \"cancelled\") the request instead"}
	}
	now := Format(s.Now())
	sends := func() string { return rr.RequestPath + "\x00" + str(rr.BodyTemplate) + "\x00" + str(rr.RequestHeaders) }
	before := sends()
	if p := c.RequestPath.Value; p != nil {
		if msg := PathProblem(*p, rr.ServiceID != nil || rr.EnrollmentID != nil); msg != "" {
			return &ChangeError{Field: "request_path", Detail: msg}
		}
		rr.RequestPath = *p
	}
	if c.BodyTemplate.Set {
		rr.BodyTemplate = c.BodyTemplate.Value
	}
	if c.RequestHeaders.Set {
		rr.RequestHeaders = jsonOrNil(keepMasked(c.RequestHeaders.Value, rr.RequestHeaders))
	}
	if sends() != before {
		rr.RunAs = &by.UserID
	}
	if c.Name.Set {
		rr.Name = c.Name.Value
	}
	replan := c.Schedule.Value != nil
	if replan {
		rr.Schedule = jsonOrNil(c.Schedule.Value)
		rr.ScheduleAnchor = &now
		if rr.Status == "draft" {
			rr.Status = "active"
		}
	}
	if st := c.Status; st != nil && *st != rr.Status {
		if rr.Schedule == nil && *st != "cancelled" {
			return &ChangeError{Field: "status", Detail: fmt.Sprintf("a draft recurrent request has no schedule and cannot be %s; set a schedule (which activates it) first", map[string]string{"active": "activated", "paused": "paused"}[*st])}
		}
		if *st == "active" {
			rr.ScheduleAnchor = &now // intervals count from the resume
		}
		rr.Status, replan = *st, true
	}
	if replan {
		s.Plan(rr)
	}
	return nil
}

// keepMasked is the headers h with every value that is the mask of a
// stored credential header replaced by the stored value, so a client
// that sends back what it read keeps the credential.
func keepMasked(h *map[string]string, stored *string) *map[string]string {
	if h == nil || stored == nil {
		return h
	}
	var old map[string]string
	if json.Unmarshal([]byte(*stored), &old) != nil {
		return h
	}
	out := make(map[string]string, len(*h))
	for k, v := range *h {
		if prev, ok := old[k]; ok && v == MaskedValue && CredentialHeader(k) {
			v = prev
		}
		out[k] = v
	}
	return &out
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// jsonOrNil is v as stored JSON text, or nil for nil.
func jsonOrNil[T any](v *T) *string {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(*v)
	return new(string(b))
}
