package scheduler_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// member adds a second user to the env's customer.
func (e *env) member(t *testing.T, key string) store.Principal {
	t.Helper()
	p, err := e.st.EnsureAPIKey(context.Background(), "acme", key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dueNow makes rr active and due at t0 + 60 s, and moves the clock there.
func (e *env) dueNow(t *testing.T, id string) {
	t.Helper()
	e.patch(t, id, activate(`{"schedule_type":"interval","interval_seconds":60}`, t0))
	e.clock.set(t0.Add(60 * time.Second))
}

// A team member who changes what a request sends makes it run as
// themselves, never as its creator: B cannot send A's request, with A's
// personal secrets, somewhere B chose. A change that leaves what it sends
// alone (a rename, the same body again) keeps who it runs as.
func TestARequestRunsAsWhoLastChangedWhatItSends(t *testing.T) {
	e := newEnv(t, time.Second)
	b := e.member(t, "k-b")
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions", BodyTemplate: ptr(`{"model":"m"}`)})
	if str(rr.RunAs) != e.p.UserID {
		t.Fatalf("a new request runs as %s, want its creator %s", str(rr.RunAs), e.p.UserID)
	}
	for _, c := range []scheduler.Change{
		{Name: set("renamed")},
		{BodyTemplate: set(`{"model":"m"}`)},
		{RequestPath: set("/g/llm/v1/chat/completions")},
	} {
		got, err := e.s.Update(context.Background(), b, rr.ID, c)
		if err != nil || str(got.RunAs) != e.p.UserID {
			t.Fatalf("after %+v by B (nothing it sends changed): runs as %s (%v), want A", c, str(got.RunAs), err)
		}
	}
	for _, c := range []scheduler.Change{
		{RequestPath: set("/e/BBBB/v1/chat/completions")},
		{BodyTemplate: set(`{"model":"other"}`)},
		{RequestHeaders: set(map[string]string{"X-To": "b"})},
	} {
		before := e.mustUpdate(t, rr.ID, scheduler.Change{Name: set("reset")})
		e.patch(t, rr.ID, func(r *store.RecurrentRequest) { r.RunAs = &e.p.UserID })
		got, err := e.s.Update(context.Background(), b, before.ID, c)
		if err != nil || str(got.RunAs) != b.UserID {
			t.Fatalf("after %+v by B: runs as %s (%v), want B %s", c, str(got.RunAs), err, b.UserID)
		}
	}
	// The scheduled run goes through the gateway as B.
	e.dueNow(t, rr.ID)
	e.runDue(t)
	if e.gw.count() != 1 || e.gw.call(0).Principal.UserID != b.UserID {
		t.Fatalf("the scheduled run went out as %+v, want B", e.gw.call(0).Principal)
	}
}

// trigger runs the request as the caller, whoever made it.
func TestTriggerRunsAsTheCaller(t *testing.T) {
	e := newEnv(t, time.Second)
	b := e.member(t, "k-b")
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions"})
	e.s.Trigger(context.Background(), b, rr)
	if e.gw.count() != 1 || e.gw.call(0).Principal != b {
		t.Fatalf("trigger by B went out as %+v, want B", e.gw.call(0).Principal)
	}
	if got := e.get(t, rr.ID); got.RunCount != 1 || str(got.RunAs) != e.p.UserID {
		t.Fatalf("after the trigger: run_count %d, runs as %s; want one run and A still the one it runs as", got.RunCount, str(got.RunAs))
	}
}

// A request whose user's key is no longer accepted does not run, and
// last_error says why; once the key is accepted again, it runs.
func TestARequestOfADisabledKeyDoesNotRun(t *testing.T) {
	e := newEnv(t, time.Second)
	e.member(t, "k-b")
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions"})
	if n, err := e.st.RetainAPIKeys(context.Background(), []string{"k-b"}); err != nil || n != 1 {
		t.Fatalf("RetainAPIKeys = %d, %v; want 1 key disabled", n, err)
	}
	e.dueNow(t, rr.ID)
	e.runDue(t)
	got := e.get(t, rr.ID)
	if e.gw.count() != 0 || got.RunCount != 0 || !strings.Contains(str(got.LastError), "no longer accepted") || got.NextRunAt == nil {
		t.Fatalf("calls %d, run_count %d, last_error %q, next run %s; want no run, a last_error saying why, and a next run", e.gw.count(), got.RunCount, str(got.LastError), str(got.NextRunAt))
	}
	if _, err := e.st.EnsureAPIKey(context.Background(), "acme", "k"); err != nil {
		t.Fatal(err)
	}
	e.clock.set(t0.Add(120 * time.Second))
	e.runDue(t)
	if e.gw.count() != 1 {
		t.Fatalf("with the key accepted again: %d calls, want 1", e.gw.count())
	}
}

// While a run is in flight, the request's next run is not claimed; it
// runs once the first has ended.
func TestARunInFlightBlocksTheNextClaim(t *testing.T) {
	e := newEnv(t, time.Second)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions"})
	e.dueNow(t, rr.ID)
	e.gw.block = make(chan struct{})
	if err := e.s.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.gw.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	claimedNext := str(e.get(t, rr.ID).NextRunAt)
	e.clock.set(t0.Add(125 * time.Second)) // the next run is due too
	if err := e.s.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, next := e.gw.count(), str(e.get(t, rr.ID).NextRunAt); n != 1 || next != claimedNext {
		t.Fatalf("with a run in flight: %d calls, next run %s (was %s); want 1 call and the next run left unclaimed", n, next, claimedNext)
	}
	close(e.gw.block)
	e.s.Wait()
	e.runDue(t)
	if n := e.gw.count(); n != 2 {
		t.Fatalf("after the first run ended: %d calls, want 2", n)
	}
}

// A run sends the request as it is when its run is claimed, not as it
// was when it was found due.
func TestAClaimReturnsTheCurrentVersion(t *testing.T) {
	e := newEnv(t, time.Second)
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions", BodyTemplate: ptr(`{"v":1}`)})
	e.dueNow(t, rr.ID)
	due, err := e.st.DueRecurrentRequests(context.Background(), scheduler.Format(e.s.Now()))
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %d, %v", len(due), err)
	}
	e.mustUpdate(t, rr.ID, scheduler.Change{BodyTemplate: set(`{"v":2}`)}) // between finding and claiming
	claimed, err := e.st.ClaimRecurrentRun(context.Background(), rr.ID, due[0].NextRunAt, ptr(scheduler.Format(t0.Add(120*time.Second))))
	if err != nil || claimed == nil || str(claimed.BodyTemplate) != `{"v":2}` {
		t.Fatalf("claimed %+v (%v); want the request with body {\"v\":2}", claimed, err)
	}
	if again, err := e.st.ClaimRecurrentRun(context.Background(), rr.ID, due[0].NextRunAt, nil); again != nil || err != nil {
		t.Fatalf("a second claim of the same run: %+v, %v; want none", again, err)
	}
}

// Every run has an overall deadline: past it the run is stopped and
// recorded as failed, saying so.
func TestARunHasADeadline(t *testing.T) {
	e := newEnv(t, time.Second)
	e.s = scheduler.New(scheduler.Options{Store: e.st, Gateway: e.gw, Now: e.clock.now, RunTimeout: 50 * time.Millisecond})
	e.gw.block = make(chan struct{}) // never answers
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions"})
	start := time.Now()
	resp := e.s.Trigger(context.Background(), e.p, rr)
	if took := time.Since(start); took > 5*time.Second || resp.Status != 504 {
		t.Fatalf("trigger answered %d after %v; want 504 soon after the 50 ms deadline", resp.Status, took)
	}
	got := e.get(t, rr.ID)
	if got.RunCount != 1 || !strings.Contains(str(got.LastError), "deadline") {
		t.Fatalf("run_count %d, last_error %q; want a failed run naming the deadline", got.RunCount, str(got.LastError))
	}
}

// Bodies are sent exactly as stored: numbers, escapes and key order as
// written.
func TestABodyIsSentAsWritten(t *testing.T) {
	e := newEnv(t, time.Second)
	raw := `{ "temperature": 1.0, "big": 12345678901234567890123, "e": 1E-7, "u": "caf\u00e9", "z": 0, "a": [1.50] }`
	body, err := scheduler.CompactBody(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"temperature":1.0,"big":12345678901234567890123,"e":1E-7,"u":"caf\u00e9","z":0,"a":[1.50]}`
	if body != want {
		t.Fatalf("CompactBody = %s, want %s", body, want)
	}
	rr := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm/v1/chat/completions", BodyTemplate: &body})
	e.s.Trigger(context.Background(), e.p, rr)
	if got := string(e.gw.call(0).Body); got != want {
		t.Fatalf("sent %s, want %s", got, want)
	}
}

// X-Unitysvc-Log-Request: true asks the gateway to log the run; it is a
// directive to the gateway and is not sent upstream.
func TestLogRequestHeaderIsADirective(t *testing.T) {
	e := newEnv(t, time.Second)
	logged := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm", RequestHeaders: ptr(`{"X-Unitysvc-Log-Request":"true","X-Trace":"t"}`)})
	plain := e.create(t, store.RecurrentRequest{RequestPath: "/g/llm", RequestHeaders: ptr(`{"X-Trace":"t"}`)})
	e.s.Trigger(context.Background(), e.p, logged)
	e.s.Trigger(context.Background(), e.p, plain)
	if c := e.gw.call(0); !c.Log || c.Header.Get("X-Unitysvc-Log-Request") != "" || c.Header.Get("X-Trace") != "t" {
		t.Fatalf("with the header: Log %v, headers %v; want Log and the directive removed", c.Log, c.Header)
	}
	if c := e.gw.call(1); c.Log {
		t.Fatal("without the header the run asks to be logged")
	}
}
