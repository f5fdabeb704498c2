package scheduler_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// fakeGateway records calls and answers with status. With block set, a
// call waits until block is closed or its context ends.
type fakeGateway struct {
	mu     sync.Mutex
	calls  []gateway.Call
	status int
	err    string
	block  chan struct{}
}

func (f *fakeGateway) Do(ctx context.Context, c gateway.Call) gateway.Response {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return gateway.Response{Status: 499, Err: "cancelled: " + context.Cause(ctx).Error()}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return gateway.Response{Status: f.status, Body: []byte(`{"ok":true}`), Err: f.err}
}

func (f *fakeGateway) call(i int) gateway.Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[i]
}

func (f *fakeGateway) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// clock is a settable real clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type env struct {
	st    *store.Store
	gw    *fakeGateway
	clock *clock
	s     *scheduler.Scheduler
	p     store.Principal
}

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, tick time.Duration) *env {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	p, err := st.EnsureAPIKey(context.Background(), "acme", "k")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, gw: &fakeGateway{status: 200}, clock: &clock{t: t0}, p: p}
	e.s = scheduler.New(scheduler.Options{Store: st, Gateway: e.gw, Tick: tick, Now: e.clock.now})
	return e
}

// create stores a request and applies fn to it as a PATCH would
// (setting a schedule, moving its status), planning its next run.
func (e *env) create(t *testing.T, rr store.RecurrentRequest) *store.RecurrentRequest {
	t.Helper()
	if rr.Status == "" {
		rr.Status = "draft"
	}
	if rr.HTTPMethod == "" {
		rr.HTTPMethod = "POST"
	}
	out, err := e.st.CreateRecurrentRequest(context.Background(), e.p, rr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) patch(t *testing.T, id string, fn func(rr *store.RecurrentRequest)) *store.RecurrentRequest {
	t.Helper()
	out, err := e.st.UpdateRecurrentRequest(context.Background(), e.p, id, func(rr *store.RecurrentRequest) error {
		fn(rr)
		e.s.Plan(rr)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) get(t *testing.T, id string) *store.RecurrentRequest {
	t.Helper()
	rr, err := e.st.GetRecurrentRequest(context.Background(), e.p, id)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

func (e *env) runDue(t *testing.T) {
	t.Helper()
	if err := e.s.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.s.Wait()
}

func ptr(s string) *string { return &s }

func activate(schedule string, at time.Time) func(rr *store.RecurrentRequest) {
	return func(rr *store.RecurrentRequest) {
		rr.Schedule = ptr(schedule)
		rr.ScheduleAnchor = ptr(scheduler.Format(at))
		rr.Status = "active"
	}
}

func TestIntervalRunsOnScheduleWithoutCatchUp(t *testing.T) {
	e := newEnv(t, 0)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions", BodyTemplate: ptr(`{"model":"m"}`),
		RequestHeaders: ptr(`{"X-Trace":"sched"}`)})
	if rr.NextRunAt != nil {
		t.Fatal("a draft has no next run")
	}
	rr = e.patch(t, rr.ID, activate(`{"schedule_type":"interval","interval_seconds":60}`, t0))
	if str(rr.NextRunAt) != "2026-03-10T12:01:00.000000Z" {
		t.Fatalf("next run %s, want activation + 60 s", str(rr.NextRunAt))
	}
	e.clock.set(t0.Add(59 * time.Second))
	e.runDue(t)
	if e.gw.count() != 0 {
		t.Fatal("ran before it was due")
	}
	e.clock.set(t0.Add(61 * time.Second))
	e.runDue(t)
	e.runDue(t) // claimed: not run twice
	if e.gw.count() != 1 {
		t.Fatalf("%d runs at 61 s, want 1", e.gw.count())
	}
	c := e.gw.calls[0]
	if c.Path != "g/llm/v1/chat/completions" || c.Method != http.MethodPost || string(c.Body) != `{"model":"m"}` || c.Header.Get("X-Trace") != "sched" ||
		c.Header.Get("Content-Type") != "application/json" || c.Principal != e.p || c.RecurrentRequestID != rr.ID {
		t.Fatalf("call %+v", c)
	}
	rr = e.get(t, rr.ID)
	if rr.RunCount != 1 || str(rr.LastRunAt) != "2026-03-10T12:01:01.000000Z" || *rr.LastStatusCode != 200 || rr.LastError != nil ||
		str(rr.NextRunAt) != "2026-03-10T12:02:00.000000Z" {
		t.Fatalf("after a run: %+v next %s", rr, str(rr.NextRunAt))
	}
	// The server was down for ten intervals: one run, then back on the grid.
	e.clock.set(t0.Add(10*time.Minute + 30*time.Second))
	e.runDue(t)
	e.runDue(t)
	if rr = e.get(t, rr.ID); e.gw.count() != 2 || rr.RunCount != 2 || str(rr.NextRunAt) != "2026-03-10T12:11:00.000000Z" {
		t.Fatalf("overdue: %d runs, next %s; want one run and the next grid time", e.gw.count(), str(rr.NextRunAt))
	}
}

func TestPauseResumeAndCancel(t *testing.T) {
	e := newEnv(t, 0)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "g/llm"})
	rr = e.patch(t, rr.ID, activate(`{"schedule_type":"interval","interval_seconds":300}`, t0))
	rr = e.patch(t, rr.ID, func(rr *store.RecurrentRequest) { rr.Status = "paused" })
	if rr.NextRunAt != nil {
		t.Fatal("a paused request has a next run")
	}
	e.clock.set(t0.Add(time.Hour))
	e.runDue(t)
	if e.gw.count() != 0 {
		t.Fatal("a paused request ran")
	}
	resume := t0.Add(time.Hour)
	rr = e.patch(t, rr.ID, func(rr *store.RecurrentRequest) {
		rr.Status = "active"
		rr.ScheduleAnchor = ptr(scheduler.Format(resume))
	})
	if str(rr.NextRunAt) != scheduler.Format(resume.Add(5*time.Minute)) {
		t.Fatalf("after resume: %s, want resume + 300 s", str(rr.NextRunAt))
	}
	rr = e.patch(t, rr.ID, func(rr *store.RecurrentRequest) { rr.Status = "cancelled" })
	e.clock.set(t0.Add(2 * time.Hour))
	e.runDue(t)
	if rr.NextRunAt != nil || e.gw.count() != 0 {
		t.Fatal("a cancelled request is scheduled")
	}
}

func TestCronInItsTimeZone(t *testing.T) {
	e := newEnv(t, 0)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "g/llm"})
	// 09:00 in Tokyo is 00:00 UTC.
	rr = e.patch(t, rr.ID, activate(`{"schedule_type":"cron","cron_expression":"0 9 * * *","timezone":"Asia/Tokyo"}`, t0))
	if str(rr.NextRunAt) != "2026-03-11T00:00:00.000000Z" {
		t.Fatalf("next %s", str(rr.NextRunAt))
	}
	e.clock.set(time.Date(2026, 3, 11, 0, 0, 5, 0, time.UTC))
	e.runDue(t)
	if rr = e.get(t, rr.ID); e.gw.count() != 1 || str(rr.NextRunAt) != "2026-03-12T00:00:00.000000Z" {
		t.Fatalf("%d runs, next %s", e.gw.count(), str(rr.NextRunAt))
	}
}

func TestFailuresAreRecordedAndNeverPause(t *testing.T) {
	e := newEnv(t, 0)
	e.gw.status = 503
	rr := e.create(t, store.RecurrentRequest{RequestPath: "g/llm"})
	e.patch(t, rr.ID, activate(`{"schedule_type":"interval","interval_seconds":60}`, t0))
	e.clock.set(t0.Add(61 * time.Second))
	e.runDue(t)
	rr = e.get(t, rr.ID)
	if rr.Status != "active" || *rr.LastStatusCode != 503 || !strings.Contains(str(rr.LastError), "503 Service Unavailable") || rr.NextRunAt == nil {
		t.Fatalf("after an upstream failure: %+v", rr)
	}
	e.gw.status, e.gw.err = 504, "the upstream did not answer within 120000 ms"
	e.clock.set(t0.Add(121 * time.Second))
	e.runDue(t)
	if rr = e.get(t, rr.ID); str(rr.LastError) != e.gw.err || rr.RunCount != 2 || rr.Status != "active" {
		t.Fatalf("after a gateway error: %+v", rr)
	}
}

func TestTriggerCountsARunAndKeepsTheNextRun(t *testing.T) {
	e := newEnv(t, 0)
	svc := "00000000-0000-0000-0000-000000000001"
	rr := e.create(t, store.RecurrentRequest{RequestPath: "v1/embeddings", ServiceID: &svc, HTTPMethod: "PUT"})
	rr = e.patch(t, rr.ID, activate(`{"schedule_type":"interval","interval_seconds":60}`, t0))
	next := str(rr.NextRunAt)
	resp := e.s.Trigger(context.Background(), e.p, rr)
	if resp.Status != 200 || e.gw.calls[0].Path != "p/"+svc+"/v1/embeddings" || e.gw.calls[0].Method != http.MethodPut {
		t.Fatalf("trigger: %+v %+v", resp, e.gw.calls)
	}
	if rr = e.get(t, rr.ID); rr.RunCount != 1 || str(rr.NextRunAt) != next {
		t.Fatalf("after trigger: run_count %d, next %s (was %s)", rr.RunCount, str(rr.NextRunAt), next)
	}
	// A path relative to an enrollment runs at /e/<code>.
	en, _, err := e.st.Enroll(context.Background(), e.p, store.EnrollmentWrite{ServiceID: svc, Outcome: store.EnrollmentActive, PendingUntil: t0})
	if err != nil {
		t.Fatal(err)
	}
	byEnrollment := e.create(t, store.RecurrentRequest{RequestPath: "/v1/chat/completions", EnrollmentID: &en.ID})
	e.s.Trigger(context.Background(), e.p, byEnrollment)
	if got := e.gw.calls[1].Path; got != "e/"+en.Code+"/v1/chat/completions" {
		t.Fatalf("enrollment-relative path: %s", got)
	}
	// A request whose enrollment is gone records why it could not run.
	missing := "00000000-0000-0000-0000-00000000dead"
	orphan := e.create(t, store.RecurrentRequest{RequestPath: "v1/chat/completions", EnrollmentID: &missing})
	if resp := e.s.Trigger(context.Background(), e.p, orphan); resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Err, missing) {
		t.Fatalf("orphan: %+v", resp)
	}
	if orphan = e.get(t, orphan.ID); orphan.RunCount != 1 || orphan.LastStatusCode != nil || !strings.Contains(str(orphan.LastError), "cannot be used") {
		t.Fatalf("orphan state: %+v", orphan)
	}
}

func TestTickRunsTheClockFast(t *testing.T) {
	e := newEnv(t, 10*time.Millisecond)
	if got := e.s.Now(); !got.Equal(t0) {
		t.Fatalf("schedule time starts at real time: %v", got)
	}
	e.clock.set(t0.Add(600 * time.Millisecond))
	if got := e.s.Now(); !got.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after 600 ms at a 10 ms tick: %v, want one minute later", got)
	}
	// The loop, against the real clock: a 60 s interval fires within a
	// second or so of real time.
	real := scheduler.New(scheduler.Options{Store: e.st, Gateway: e.gw, Tick: 10 * time.Millisecond})
	rr := e.create(t, store.RecurrentRequest{RequestPath: "g/llm"})
	_, err := e.st.UpdateRecurrentRequest(context.Background(), e.p, rr.ID, func(r *store.RecurrentRequest) error {
		activate(`{"schedule_type":"interval","interval_seconds":60}`, real.Now())(r)
		real.Plan(r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { real.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for e.gw.count() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if e.gw.count() < 2 {
		t.Fatalf("%d runs in 10 s of real time at a 10 ms tick; want a run every 0.6 s", e.gw.count())
	}
}

func TestRules(t *testing.T) {
	for expr, want := range map[string]string{
		"*/5 * * * *":      "",
		"@daily":           "descriptors such as @daily are not supported",
		"TZ=UTC 0 * * * *": "must not carry a time zone prefix",
		"0 0 * *":          "not a standard 5-field cron expression",
		"0 0 0 * * *":      "not a standard 5-field cron expression",
	} {
		if got := scheduler.CronError(expr); (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CronError(%q) = %q, want %q", expr, got, want)
		}
	}
	for tz, ok := range map[string]bool{"UTC": true, "Europe/Berlin": true, "Local": false, "": false, "Mars/Olympus": false} {
		if got := scheduler.TimezoneError(tz) == ""; got != ok {
			t.Errorf("TimezoneError(%q) ok = %v", tz, got)
		}
	}
	for _, bad := range []string{`{`, `{"schedule_type":"weekly"}`, `{"schedule_type":"interval"}`, `{"schedule_type":"cron","cron_expression":"x","timezone":"UTC"}`} {
		if _, err := scheduler.Parse(bad); err == nil {
			t.Errorf("Parse(%s) accepted", bad)
		}
	}
	s, _ := scheduler.Parse(`{"schedule_type":"interval","interval_seconds":60}`)
	if got := s.Next(t0.Add(60*time.Second), t0); !got.Equal(t0.Add(120 * time.Second)) {
		t.Errorf("Next exactly on a run time = %v, want the following one", got)
	}
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
