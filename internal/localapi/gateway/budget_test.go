package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// The objects below are written through the store, as a concurrent
// write or another teammate's objects could make them past the API's
// create-time checks: dispatch must bound them on its own.

func TestSelfReferencesEndAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var targets []store.BroadcastTargetWrite
	for i := range 4 {
		targets = append(targets, store.BroadcastTargetWrite{Name: fmt.Sprint("t", i), TargetPath: "b/self", SortOrder: int64(i)})
	}
	if _, err := e.st.CreateBroadcast(ctx, e.p, false, store.BroadcastWrite{Name: "self", Mode: "sync", TargetTimeoutMS: 30000, Enabled: true, Targets: targets}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := e.post("/b/self/v1/chat/completions", chat("m", "hi"))
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil || r.status != 200 || len(env.Results) != 4 {
		t.Fatalf("self broadcast: %d %.300s", r.status, r.body)
	}
	for _, res := range env.Results {
		if res.StatusCode != http.StatusLoopDetected || res.Error == nil || !strings.Contains(*res.Error, "b/self → b/self") {
			t.Fatalf("target of a self broadcast: %d %.300s %v", res.StatusCode, res.Body, res.Error)
		}
	}
	var steps []store.ChainStepWrite
	for i := range 4 {
		steps = append(steps, step(fmt.Sprint("s", i), "c/loop4", "relay", "relay"))
	}
	e.chain("loop4", 30000, steps...)
	if r := e.post("/c/loop4/v1/chat/completions", chat("m", "hi")); r.status != http.StatusLoopDetected || !strings.Contains(r.detail(t), "c/loop4 → c/loop4") {
		t.Fatalf("self chain: %d %s", r.status, r.body)
	}
	// Through an alias and a broadcast back to a chain.
	if _, err := e.st.CreateAlias(ctx, e.p, false, store.Alias{Name: "round", TargetPath: "b/via", IsRouting: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateBroadcast(ctx, e.p, false, store.BroadcastWrite{Name: "via", Mode: "sync", TargetTimeoutMS: 30000, Enabled: true,
		Targets: []store.BroadcastTargetWrite{{Name: "back", TargetPath: "c/start"}}}); err != nil {
		t.Fatal(err)
	}
	e.chain("start", 30000, step("out", "a/round", "stop", "stop"))
	r = e.post("/c/start/v1/chat/completions", chat("m", "hi"))
	if r.status != 200 || !strings.Contains(string(r.body), `c/start → a/round → b/via → c/start`) {
		t.Fatalf("loop through an alias and a broadcast: %d %.500s", r.status, r.body)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("refusing three loops took %v", took)
	}
}

func TestBudgetBoundsDepthAndAttempts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.startLogging(e.p)
	// Ten chains, each the only step of the one before: past depth 8.
	for i := 9; i >= 0; i-- {
		target := "p/" + fastID
		if i < 9 {
			target = fmt.Sprint("c/d", i+1)
		}
		e.chain(fmt.Sprint("d", i), 5000, step("next", target, "stop", "stop"))
	}
	if r := e.post("/c/d0/v1/chat/completions", chat("", "hi")); r.status != http.StatusLoopDetected || !strings.Contains(r.detail(t), "more than 8") ||
		!strings.Contains(r.detail(t), "c/d0 → c/d1") {
		t.Fatalf("ten nested chains: %d %s", r.status, r.body)
	}
	// Twenty targets, each a chain of twenty failing steps: 400 attempts
	// wanted, 64 allowed.
	var steps []store.ChainStepWrite
	for i := range 20 {
		steps = append(steps, step(fmt.Sprint("s", i), "p/"+failingID, "stop", "continue"))
	}
	e.chain("long", 30000, steps...)
	var targets []store.BroadcastTargetWrite
	for i := range 20 {
		targets = append(targets, store.BroadcastTargetWrite{Name: fmt.Sprint("t", i), TargetPath: "c/long", SortOrder: int64(i)})
	}
	if _, err := e.st.CreateBroadcast(ctx, e.p, false, store.BroadcastWrite{Name: "wide", Mode: "sync", TargetTimeoutMS: 30000, Enabled: true, Targets: targets}); err != nil {
		t.Fatal(err)
	}
	before := len(e.rows())
	r := e.post("/b/wide/v1/chat/completions", chat("", "hi"))
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil || r.status != 200 || len(env.Results) != 20 {
		t.Fatalf("wide broadcast: %d %.300s", r.status, r.body)
	}
	for _, res := range env.Results {
		if res.StatusCode != http.StatusLoopDetected || res.Error == nil || !strings.Contains(*res.Error, "used its 64 attempts") {
			t.Fatalf("target of a wide broadcast: %d %.300s %v", res.StatusCode, res.Body, res.Error)
		}
	}
	upstream := 0
	for _, row := range e.rows()[before:] {
		if row.ServiceID != nil {
			upstream++
		}
	}
	if upstream > 64 || upstream < 40 {
		t.Fatalf("%d upstream attempts for one request, want at most 64 (and each target's share used)", upstream)
	}
}

func TestHopHeader(t *testing.T) {
	e := newEnv(t)
	// Sent on upstream calls, counting this one; the client's own hop,
	// forwarding and Connection-named headers are not passed on.
	e.send("POST", "/p/"+extID+"/v1/x", keyA, `{}`, "X-Unitysvc-Hops", "depth=2; attempts=5", "X-Forwarded-For", "10.0.0.1",
		"Forwarded", "for=10.0.0.1", "X-Real-Ip", "10.0.0.1", "Connection", "X-Private", "X-Private", "1", "X-Kept", "1")
	got := e.ext.last().Header
	if got.Get(gateway.HopHeader) != "depth=3; attempts=6" {
		t.Errorf("hop header upstream: %q", got.Get(gateway.HopHeader))
	}
	for _, h := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip", "X-Private"} {
		if got.Get(h) != "" {
			t.Errorf("%s passed upstream: %q", h, got.Get(h))
		}
	}
	if got.Get("X-Kept") != "1" {
		t.Errorf("an ordinary header was dropped: %v", got)
	}
	// Honoured: no depth or no attempt left.
	e.chain("one", 5000, step("fast", "p/"+fastID, "stop", "stop"))
	if r := e.send("POST", "/c/one/v1/chat/completions", keyA, chat("", "hi"), gateway.HopHeader, "depth=8; attempts=0"); r.status != http.StatusLoopDetected ||
		!strings.Contains(r.detail(t), "counting the gateways it came through") {
		t.Fatalf("depth from the hop header: %d %s", r.status, r.body)
	}
	r := e.send("POST", "/p/"+fastID+"/v1/chat/completions", keyA, chat("", "hi"), gateway.HopHeader, "depth=1; attempts=64")
	if r.status != http.StatusLoopDetected || !strings.Contains(r.detail(t), "used its 64 attempts") {
		t.Fatalf("attempts from the hop header: %d %s", r.status, r.body)
	}
	if r := e.send("POST", "/p/"+fastID+"/v1/chat/completions", keyA, chat("", "hi"), gateway.HopHeader, "depth=1; attempts=3"); r.status != 200 ||
		r.header.Get(gateway.HopHeader) != "depth=1; attempts=4" {
		t.Fatalf("a gateway caller is told the attempts used: %d %q", r.status, r.header.Get(gateway.HopHeader))
	}
	if r := e.post("/p/"+fastID+"/v1/chat/completions", chat("", "hi")); r.header.Get(gateway.HopHeader) != "" {
		t.Fatalf("a client that sent no hop header got one: %q", r.header.Get(gateway.HopHeader))
	}
}

func TestBYOKEndpointAtTheGatewayEnds(t *testing.T) {
	e := newEnv(t)
	// The enrollment's endpoint is this gateway's group that routes back
	// to the enrollment, with the caller's own key as the BYOK secret.
	e.enroll(e.p, map[string]any{"endpoint": e.srv.URL + "/g/mixed"})
	e.byokSecret(e.p, keyA)
	start := time.Now()
	r := e.post("/g/mixed/v1/chat/completions", chat("m-byok", "hi"))
	if r.status != http.StatusLoopDetected || !strings.Contains(string(r.body), "counting the gateways it came through") {
		t.Fatalf("a BYOK endpoint pointing at the gateway: %d %s", r.status, r.body)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("took %v", took)
	}
}

// big is an upstream answering 33 MiB, one more than the gateway holds.
func big(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Connection", "X-Hop-Only")
		w.Header().Set("X-Hop-Only", "1")
		chunk := strings.Repeat("x", 1<<20)
		_, _ = io.WriteString(w, `{"pad":"`)
		for range 33 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHeldBodiesAreBounded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	up := big(t)
	en := e.enroll(e.p, map[string]any{"endpoint": up.URL})
	e.byokSecret(e.p, "sk-x")
	// Passed through, it streams whole and is never held.
	r := e.post("/e/"+en.Code+"/v1/chat/completions", chat("", "hi"))
	if r.status != 200 || len(r.body) < 33<<20 || r.header.Get("X-Hop-Only") != "" {
		t.Fatalf("passthrough: %d, %d bytes, X-Hop-Only %q", r.status, len(r.body), r.header.Get("X-Hop-Only"))
	}
	// Relayed by a chain step: 502.
	e.chain("relay-big", 30000, step("big", "e/"+en.Code, "relay", "stop"), step("fast", "p/"+fastID, "stop", "stop"))
	if r := e.post("/c/relay-big/v1/chat/completions", chat("", "hi")); r.status != 502 || !strings.Contains(r.detail(t), "more than 32 MiB") {
		t.Fatalf("relay: %d %.300s", r.status, r.body)
	}
	// Collected by a broadcast: that target's entry is a 502.
	if _, err := e.st.CreateBroadcast(ctx, e.p, false, store.BroadcastWrite{Name: "bigfan", Mode: "sync", TargetTimeoutMS: 30000, Enabled: true,
		Targets: []store.BroadcastTargetWrite{{Name: "big", TargetPath: "e/" + en.Code}, {Name: "fast", TargetPath: "p/" + fastID, SortOrder: 1}}}); err != nil {
		t.Fatal(err)
	}
	r = e.post("/b/bigfan/v1/chat/completions", chat("", "hi"))
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil || len(env.Results) != 2 || env.Results[0].StatusCode != http.StatusBadGateway || env.Results[1].StatusCode != http.StatusOK {
		t.Fatalf("broadcast: %d %.500s", r.status, r.body)
	}
	// A scheduled or triggered run: 502.
	resp := e.gw.Do(ctx, gateway.Call{Principal: e.p, Method: "POST", Path: "e/" + en.Code + "/v1/chat/completions", Body: []byte(chat("", "hi"))})
	if resp.Status != 502 || !strings.Contains(resp.Err, "more than 32 MiB") {
		t.Fatalf("Do: %d %s", resp.Status, resp.Err)
	}
}

func TestCancelStopsPendingStepsAndTargets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.chain("held", 30000, step("hold", "p/"+extID, "relay", "relay"), step("after", "p/"+extID, "stop", "stop"))
	var targets []store.BroadcastTargetWrite
	for i := range 3 {
		targets = append(targets, store.BroadcastTargetWrite{Name: fmt.Sprint("t", i), TargetPath: "p/" + extID, SortOrder: int64(i)})
	}
	if _, err := e.st.CreateBroadcast(ctx, e.p, false, store.BroadcastWrite{Name: "holds", Mode: "sync", TargetTimeoutMS: 30000, Enabled: true, Targets: targets}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/c/held/v1/hold": 1, "/b/holds/v1/hold": 3} {
		before := e.ext.count()
		cctx, cancel := context.WithCancel(ctx)
		req, _ := http.NewRequestWithContext(cctx, http.MethodPost, e.srv.URL+path, strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+keyA)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if resp, err := e.srv.Client().Do(req); err == nil {
				_, _ = bufio.NewReader(resp.Body).ReadString('\n')
				resp.Body.Close()
			}
		}()
		deadline := time.Now().Add(5 * time.Second)
		for e.ext.count() < before+want && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		for range want {
			select {
			case <-e.ext.gone:
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: a pending upstream call was not stopped when the caller left", path)
			}
		}
		<-done
		time.Sleep(100 * time.Millisecond)
		if n := e.ext.count() - before; n != want {
			t.Fatalf("%s: %d upstream calls, want %d (no step after the caller left)", path, n, want)
		}
	}
}
