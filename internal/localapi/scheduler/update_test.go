package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

func set[T any](v T) scheduler.Field[T] { return scheduler.Field[T]{Set: true, Value: &v} }

func null[T any]() scheduler.Field[T] { return scheduler.Field[T]{Set: true} }

var every60 = scheduler.Schedule{ScheduleType: scheduler.Interval, IntervalSeconds: 60}

func (e *env) update(t *testing.T, id string, c scheduler.Change) (*store.RecurrentRequest, error) {
	t.Helper()
	return e.s.Update(context.Background(), e.p, id, c)
}

func (e *env) mustUpdate(t *testing.T, id string, c scheduler.Change) *store.RecurrentRequest {
	t.Helper()
	rr, err := e.update(t, id, c)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	return rr
}

// refused asserts err is a *ChangeError of the given kind and field, and
// that the stored request did not change.
func (e *env) refused(t *testing.T, err error, conflict bool, field string, before *store.RecurrentRequest) {
	t.Helper()
	var ce *scheduler.ChangeError
	if !errors.As(err, &ce) || ce.Conflict != conflict || ce.Field != field || ce.Detail == "" {
		t.Fatalf("err = %#v, want a ChangeError (conflict %v, field %q) with a detail", err, conflict, field)
	}
	after := e.get(t, before.ID)
	if after.Status != before.Status || str(after.Schedule) != str(before.Schedule) || str(after.UpdatedAt) != str(before.UpdatedAt) {
		t.Fatalf("a refused change was saved: status %s -> %s, schedule %s -> %s", before.Status, after.Status, str(before.Schedule), str(after.Schedule))
	}
}

func TestUpdateScheduleActivatesADraftAndPlansTheNextRun(t *testing.T) {
	e := newEnv(t, time.Second)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions"})
	got := e.mustUpdate(t, rr.ID, scheduler.Change{Schedule: set(every60)})
	if got.Status != "active" {
		t.Fatalf("status after setting a schedule on a draft = %s, want active", got.Status)
	}
	if want := scheduler.Format(t0.Add(60 * time.Second)); str(got.NextRunAt) != want {
		t.Fatalf("next run = %s, want %s (one interval after the schedule was set)", str(got.NextRunAt), want)
	}
	var stored scheduler.Schedule
	if err := json.Unmarshal([]byte(str(got.Schedule)), &stored); err != nil || stored != every60 {
		t.Fatalf("stored schedule %s (%v), want %+v", str(got.Schedule), err, every60)
	}

	// Schedule and paused in one change: the draft ends paused, with no next run.
	other := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions"})
	paused := e.mustUpdate(t, other.ID, scheduler.Change{Schedule: set(every60), Status: new("paused")})
	if paused.Status != "paused" || paused.NextRunAt != nil {
		t.Fatalf("schedule+paused: status %s, next run %s; want paused with none", paused.Status, str(paused.NextRunAt))
	}
}

func TestUpdateRefusesWhatTheStateForbids(t *testing.T) {
	e := newEnv(t, time.Second)
	draft := e.create(t, store.RecurrentRequest{RequestPath: "/p"})
	for _, st := range []string{"active", "paused"} {
		_, err := e.update(t, draft.ID, scheduler.Change{Status: new(st)})
		e.refused(t, err, false, "status", draft)
	}

	active := e.mustUpdate(t, draft.ID, scheduler.Change{Schedule: set(every60)})
	_, err := e.update(t, active.ID, scheduler.Change{Schedule: null[scheduler.Schedule]()})
	e.refused(t, err, false, "schedule", active)

	cancelled := e.mustUpdate(t, active.ID, scheduler.Change{Status: new("cancelled")})
	if cancelled.Status != "cancelled" || cancelled.NextRunAt != nil {
		t.Fatalf("after cancel: status %s, next run %s; want cancelled with none", cancelled.Status, str(cancelled.NextRunAt))
	}
	for _, c := range []scheduler.Change{
		{Status: new("active")},
		{Name: set("renamed")},
		{Status: new("cancelled"), RequestPath: set("/q")},
	} {
		_, err := e.update(t, cancelled.ID, c)
		e.refused(t, err, true, "", cancelled)
		if !strings.Contains(err.Error(), cancelled.ID) {
			t.Fatalf("conflict detail %q does not name the request", err)
		}
	}
	if again := e.mustUpdate(t, cancelled.ID, scheduler.Change{Status: new("cancelled")}); again.Status != "cancelled" {
		t.Fatalf("a repeated cancel answered status %s", again.Status)
	}
	if _, err := e.update(t, "00000000-0000-0000-0000-000000000000", scheduler.Change{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown id: %v, want store.ErrNotFound", err)
	}
}

func TestUpdateResumeReanchorsTheInterval(t *testing.T) {
	e := newEnv(t, time.Second)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/p"})
	e.mustUpdate(t, rr.ID, scheduler.Change{Schedule: set(every60), Status: new("paused")})
	resume := t0.Add(95 * time.Second)
	e.clock.set(resume)
	got := e.mustUpdate(t, rr.ID, scheduler.Change{Status: new("active")})
	if want := scheduler.Format(resume.Add(60 * time.Second)); str(got.NextRunAt) != want || str(got.ScheduleAnchor) != scheduler.Format(resume) {
		t.Fatalf("after resume: next run %s, anchor %s; want %s from the resume", str(got.NextRunAt), str(got.ScheduleAnchor), want)
	}
	// A change that does not touch the schedule or status keeps the plan.
	e.clock.set(resume.Add(10 * time.Second))
	kept := e.mustUpdate(t, rr.ID, scheduler.Change{Name: set("n")})
	if str(kept.NextRunAt) != str(got.NextRunAt) || str(kept.ScheduleAnchor) != str(got.ScheduleAnchor) {
		t.Fatalf("renaming moved the plan: next run %s -> %s", str(got.NextRunAt), str(kept.NextRunAt))
	}
}

func TestUpdateSetsAndClearsTemplateFields(t *testing.T) {
	e := newEnv(t, time.Second)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/p", BodyTemplate: new(`{"a":1}`), RequestHeaders: new(`{"X":"y"}`), Name: new("n")})
	got := e.mustUpdate(t, rr.ID, scheduler.Change{
		RequestPath:    null[string](), // null leaves the path
		BodyTemplate:   set(`{"model":"m"}`),
		RequestHeaders: null[map[string]string](),
		Name:           null[string](),
	})
	if got.RequestPath != "/p" || str(got.BodyTemplate) != `{"model":"m"}` || got.RequestHeaders != nil || got.Name != nil {
		t.Fatalf("after the change: path %s, body %s, headers %s, name %s", got.RequestPath, str(got.BodyTemplate), str(got.RequestHeaders), str(got.Name))
	}
	if got.Status != "draft" || got.NextRunAt != nil {
		t.Fatalf("template changes moved a draft to %s (next run %s)", got.Status, str(got.NextRunAt))
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		want   *scheduler.Schedule
		fields []string // fields with problems, in order
	}{
		{raw: `{"schedule_type":"interval","interval_seconds":60}`, want: &every60},
		{raw: `{"schedule_type":"interval","interval_seconds":604800.0}`, want: &scheduler.Schedule{ScheduleType: "interval", IntervalSeconds: 604800}},
		{raw: `{"schedule_type":"cron","cron_expression":"0 */6 * * *"}`, want: &scheduler.Schedule{ScheduleType: "cron", CronExpression: "0 */6 * * *", Timezone: "UTC"}},
		{raw: `{"schedule_type":"cron","cron_expression":"0 9 * * 1","timezone":"Europe/Berlin"}`, want: &scheduler.Schedule{ScheduleType: "cron", CronExpression: "0 9 * * 1", Timezone: "Europe/Berlin"}},
		{raw: `{}`, fields: []string{"schedule_type"}},
		{raw: `{"schedule_type":"weekly"}`, fields: []string{"schedule_type"}},
		{raw: `{"schedule_type":"interval","interval_seconds":59}`, fields: []string{"interval_seconds"}},
		{raw: `{"schedule_type":"interval","interval_seconds":60.5}`, fields: []string{"interval_seconds"}},
		{raw: `{"schedule_type":"interval","interval_seconds":60,"timezone":"UTC"}`, fields: []string{"cron_expression"}},
		{raw: `{"schedule_type":"cron","cron_expression":"@daily","timezone":"Mars/Olympus","interval_seconds":60}`, fields: []string{"interval_seconds", "cron_expression", "timezone"}},
	} {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tc.raw), &raw); err != nil {
			t.Fatal(err)
		}
		got, problems := scheduler.Check(raw)
		var fields []string
		for _, p := range problems {
			if p.Msg == "" || p.Type == "" {
				t.Errorf("Check(%s): problem %+v without a message or type", tc.raw, p)
			}
			fields = append(fields, p.Field)
		}
		if strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("Check(%s) problems at %v, want %v", tc.raw, fields, tc.fields)
		}
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("Check(%s) = %+v, want %+v", tc.raw, got, tc.want)
		}
	}
}
