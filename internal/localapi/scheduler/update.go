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
	RequestPath    Field[string] // null leaves the path as it is
	BodyTemplate   Field[map[string]any]
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

// Update applies c to the recurrent request id of p's customer,
// atomically, and plans its next run. A store error (ErrNotFound, a name
// taken) or a *ChangeError is returned as is.
func (s *Scheduler) Update(ctx context.Context, p store.Principal, id string, c Change) (*store.RecurrentRequest, error) {
	return s.store.UpdateRecurrentRequest(ctx, p, id, func(rr *store.RecurrentRequest) error { return s.apply(rr, c) })
}

// apply is the status machine of a recurrent request. Setting a schedule
// on a draft activates it (or pauses it, when the same change asks for
// paused); active <-> paused; any status -> cancelled, which is final
// (a repeated cancel alone is accepted); never back to draft; a request
// without a schedule cannot be activated or paused, and a schedule,
// once set, cannot be removed. Activating (again) or setting a schedule
// re-anchors intervals at now.
func (s *Scheduler) apply(rr *store.RecurrentRequest, c Change) error {
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
	if c.RequestPath.Value != nil {
		rr.RequestPath = *c.RequestPath.Value
	}
	if c.BodyTemplate.Set {
		rr.BodyTemplate = jsonOrNil(c.BodyTemplate.Value)
	}
	if c.RequestHeaders.Set {
		rr.RequestHeaders = jsonOrNil(c.RequestHeaders.Value)
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

// jsonOrNil is v as stored JSON text, or nil for nil.
func jsonOrNil[T any](v *T) *string {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(*v)
	return new(string(b))
}
