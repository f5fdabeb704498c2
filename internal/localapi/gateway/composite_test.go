package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

func step(name, target, onSuccess, onFailure string) store.ChainStepWrite {
	return store.ChainStepWrite{Name: name, TargetPath: target, OnSuccess: onSuccess, OnFailure: onFailure}
}

// TestChainVerbs runs a two-step chain for every on_success and
// on_failure of its first step, with a first step that succeeds and
// one that fails, and checks who answered and with which body.
func TestChainVerbs(t *testing.T) {
	e := newEnv(t)
	ok := "p/" + fastID      // answers 200
	fail := "p/" + failingID // answers 503
	second := "p/" + extID   // records the body it got
	for _, first := range []struct {
		name, target string
		fails        bool
	}{{"ok", ok, false}, {"fail", fail, true}} {
		for _, onSuccess := range []string{"stop", "continue", "relay"} {
			for _, onFailure := range []string{"stop", "continue", "relay"} {
				name := fmt.Sprintf("c-%s-%s-%s", first.name, onSuccess, onFailure)
				e.chain(name, 5000, step("first", first.target, onSuccess, onFailure), step("second", second, "stop", "stop"))
				before := e.ext.count()
				r := e.post("/c/"+name+"/v1/chat/completions", chat("m", "original"))
				ranSecond := e.ext.count() > before
				var wantStep string
				switch {
				case first.fails && onFailure == "stop":
					wantStep = "first"
					if r.status != 503 || ranSecond {
						t.Errorf("%s: %d, second ran %v; want the failure returned", name, r.status, ranSecond)
					}
				case !first.fails && onSuccess == "stop":
					wantStep = "first"
					if r.status != 200 || r.who(t) != "fast" || ranSecond {
						t.Errorf("%s: %d %s; want the first answer", name, r.status, r.body)
					}
				default:
					wantStep = "second"
					got := e.ext.last().Body
					relayed := !first.fails && onSuccess == "relay"
					switch {
					case r.status != 200 || !ranSecond:
						t.Errorf("%s: %d, second ran %v", name, r.status, ranSecond)
					case relayed && !strings.Contains(got, `"system_fingerprint":"unitysvc-local/fast"`):
						t.Errorf("%s: relay must send the first answer to the second step, it got %s", name, got)
					case !relayed && got != chat("m", "original"):
						t.Errorf("%s: the second step must get the original request, it got %s", name, got)
					}
				}
				if r.header.Get("X-Unitysvc-Chain-Step") != wantStep {
					t.Errorf("%s: answered by step %q, want %q", name, r.header.Get("X-Unitysvc-Chain-Step"), wantStep)
				}
			}
		}
	}
}

func TestChainFailures(t *testing.T) {
	e := newEnv(t)
	e.startLogging(e.p)
	// A timeout (the step's, else the chain's default), a 429 and a
	// transport error are failures; the last step's answer stands.
	e.chain("timeouts", 60, step("slow", "p/"+slowID, "stop", "continue"), step("limited", "p/"+limitedID, "stop", "relay"), step("fast", "p/"+fastID, "stop", "stop"))
	r := e.post("/c/timeouts/v1/chat/completions", chat("", "hi"))
	if r.status != 200 || r.who(t) != "fast" || r.header.Get("X-Unitysvc-Chain-Step") != "fast" {
		t.Fatalf("failover past a timeout and a 429: %d %s", r.status, r.body)
	}
	rows := e.rows()
	if len(rows) != 3 {
		t.Fatalf("%d rows, want one per attempt", len(rows))
	}
	for i, want := range []struct{ service, typ, source string }{
		{slowID, "timeout", "upstream"}, {limitedID, "upstream_status", "upstream"}, {fastID, "<nil>", "<nil>"},
	} {
		r := rows[i]
		if str(r.ServiceID) != want.service || str(r.ErrorType) != want.typ || str(r.ErrorSource) != want.source ||
			r.Path != "/c/timeouts/v1/chat/completions" || r.EventID != rows[0].EventID {
			t.Errorf("row %d: service %s, error %s/%s, path %s, target %s", i, str(r.ServiceID), str(r.ErrorSource), str(r.ErrorType), r.Path, str(r.TargetPath))
		}
	}
	if str(rows[0].ErrorDetail) != "the upstream of service 'slow' did not answer within 60 ms (the timeout of step 'slow' of chain 'timeouts')" || *rows[0].StatusCode != 504 {
		t.Errorf("timeout row: %d %s", *rows[0].StatusCode, str(rows[0].ErrorDetail))
	}
	if str(rows[2].TargetPath) != "/p/"+fastID+"/v1/chat/completions" {
		t.Errorf("target path %s", str(rows[2].TargetPath))
	}

	timeout := int64(50)
	last := e.chain("last-fails", 5000, step("a", "p/"+failingID, "stop", "continue"), store.ChainStepWrite{Name: "b", TargetPath: "p/" + slowID, OnSuccess: "stop", OnFailure: "continue", TimeoutMS: &timeout})
	r = e.post("/c/last-fails/v1/chat/completions", chat("", "hi"))
	if r.status != 504 || !strings.Contains(r.detail(t), "the timeout of step 'b' of chain 'last-fails'") {
		t.Fatalf("last step failing: %d %s", r.status, r.body)
	}
	// A gateway 404 is not a failure: on_success stop returns it.
	e.chain("no-route", 5000, step("nowhere", "g/nope", "stop", "continue"), step("fast", "p/"+fastID, "stop", "stop"))
	if r := e.post("/c/no-route/v1/chat/completions", chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "no collection or platform group named 'nope'") {
		t.Fatalf("a step without a route: %d %s", r.status, r.body)
	}
	off := false
	if _, err := e.st.UpdateChain(context.Background(), e.p, last.ID, store.ChainPatch{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if r := e.post("/c/last-fails/v1/chat/completions", chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "chain 'last-fails' is disabled") {
		t.Fatalf("disabled chain: %d %s", r.status, r.body)
	}
	if r := e.post("/c/nope/v1/chat/completions", chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "no chain named 'nope'") {
		t.Fatalf("unknown chain: %d %s", r.status, r.body)
	}
	if r := e.send("POST", "/c/timeouts/v1/chat/completions", keyB, chat("", "hi")); r.status != 404 {
		t.Fatalf("another customer's chain: %d", r.status)
	}
	// A chain whose step is the chain itself ends, with a clear detail.
	e.chain("loop", 5000, step("self", "c/loop", "stop", "stop"))
	if r := e.post("/c/loop", chat("", "hi")); r.status != http.StatusLoopDetected || !strings.Contains(r.detail(t), "check their target paths for a loop") {
		t.Fatalf("loop: %d %s", r.status, r.body)
	}
}

type envelope struct {
	Results []struct {
		Name       string          `json:"name"`
		TargetPath string          `json:"target_path"`
		StatusCode int             `json:"status_code"`
		ElapsedMS  int64           `json:"elapsed_ms"`
		Body       json.RawMessage `json:"body"`
		Error      *string         `json:"error"`
	} `json:"results"`
}

func TestBroadcast(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	targets := []store.BroadcastTargetWrite{
		{Name: "slow", TargetPath: "p/" + slowID, SortOrder: 0},
		{Name: "open-slow", TargetPath: "g/open", RoutingKeyOverride: map[string]any{"model": "m-slow"}, SortOrder: 1},
		{Name: "failing", TargetPath: "p/" + failingID, SortOrder: 2},
		{Name: "fast", TargetPath: "g/open", RoutingKeyOverride: map[string]any{"model": "m-fast"}, SortOrder: 3},
		{Name: "nowhere", TargetPath: "g/nope", SortOrder: 4},
	}
	b, err := e.st.CreateBroadcast(ctx, e.p, false, store.BroadcastWrite{Name: "fan", Mode: "sync", TargetTimeoutMS: 150, Enabled: true, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := e.post("/b/fan/v1/chat/completions", chat("ignored", "hi"))
	took := time.Since(start)
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("broadcast: %d %s", r.status, r.body)
	}
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil || len(env.Results) != 5 {
		t.Fatalf("envelope %s: %v", r.body, err)
	}
	for i, want := range []struct {
		name   string
		status int
		who    string
		err    string
	}{
		{"slow", 504, "", "the upstream of service 'slow' did not answer within 150 ms (the timeout of target 'slow' of broadcast 'fan')"},
		{"open-slow", 504, "", "did not answer within 150 ms"},
		{"failing", 503, "", ""},
		{"fast", 200, "unitysvc-local/fast", ""}, // fast or fast2
		{"nowhere", 404, "", "no collection or platform group named 'nope'"},
	} {
		got := env.Results[i]
		if got.Name != want.name || got.StatusCode != want.status || got.TargetPath != targets[i].TargetPath {
			t.Errorf("result %d: %+v, want %s %d", i, got, want.name, want.status)
		}
		if want.err != "" && (got.Error == nil || !strings.Contains(*got.Error, want.err) || got.Body != nil) {
			t.Errorf("result %d: error %v, want %q and no body", i, got.Error, want.err)
		}
		if want.err == "" && (got.Error != nil || len(got.Body) == 0) {
			t.Errorf("result %d: want a body, got error %v", i, got.Error)
		}
		if want.who != "" && !strings.Contains(string(got.Body), `"system_fingerprint":"`+want.who) {
			t.Errorf("result %d: body %s, want an answer from %s", i, got.Body, want.who)
		}
	}
	if env.Results[0].ElapsedMS < 150 || took > 2*time.Second {
		t.Errorf("targets run in parallel, bounded by 150 ms: slow took %d ms, the broadcast %v", env.Results[0].ElapsedMS, took)
	}
	off := false
	if _, err := e.st.UpdateBroadcast(ctx, e.p, b.ID, store.BroadcastPatch{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if r := e.post("/b/fan/v1/chat/completions", chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "broadcast 'fan' is disabled") {
		t.Fatalf("disabled broadcast: %d %s", r.status, r.body)
	}
	if r := e.post("/b/nope", chat("", "hi")); r.status != 404 {
		t.Fatalf("unknown broadcast: %d", r.status)
	}
}

func TestRequestLogRows(t *testing.T) {
	e := newEnv(t)
	e.post("/p/"+fastID+"/v1/chat/completions", chat("", "not logged"))
	if rows := e.rows(); len(rows) != 0 {
		t.Fatalf("%d rows before logging started", len(rows))
	}
	e.startLogging(e.p)
	e.send("POST", "/p/"+fastID+"/v1/chat/completions", keyA2, chat("", "a teammate who did not start logging"))
	e.send("POST", "/p/"+fastID+"/v1/chat/completions", keyA, chat("", "logged"), "X-Api-Key", keyA, "X-Trace", "t1")
	e.post("/g/nope/v1/chat/completions", chat("", "no route"))
	e.post("/g/mixed/v1/chat/completions", chat("m-byok", "needs an enrollment"))
	dead := e.enroll(e.p, map[string]any{"endpoint": "http://127.0.0.1:1"})
	e.byokSecret(e.p, "sk-must-not-be-logged")
	e.post("/e/"+dead.Code+"/v1/chat/completions", chat("", "transport"))
	rows := e.rows()
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4 (the teammate's request is not logged)", len(rows))
	}
	ok := rows[0]
	if str(ok.ServiceID) != fastID || *ok.StatusCode != 200 || ok.GatewaySource != gateway.SourceDispatch || !ok.HasResponse ||
		ok.RequestHeaders["x-api-key"] != "" || ok.RequestHeaders["x-trace"] != "t1" || ok.ResponseHeaders["content-type"] != "application/json" ||
		!strings.Contains(str(ok.ResponseBody), "fast (p1) answered: logged") || ok.UsageCharge == nil || ok.ErrorType != nil {
		t.Fatalf("success row: %+v", ok)
	}
	for i, want := range []struct{ typ, source string }{{"no_route", "gateway"}, {"no_route", "gateway"}, {"transport", "upstream"}} {
		r := rows[i+1]
		if str(r.ErrorType) != want.typ || str(r.ErrorSource) != want.source || r.HasResponse || r.ErrorDetail == nil {
			t.Errorf("row %d: %s/%s %v", i+1, str(r.ErrorSource), str(r.ErrorType), str(r.ErrorDetail))
		}
	}
	for _, r := range rows {
		b, _ := json.Marshal(r)
		for _, secret := range []string{keyA, keyA2, "sk-must-not-be-logged"} {
			if strings.Contains(string(b), secret) {
				t.Fatalf("a row contains %q: %s", secret, b)
			}
		}
	}
	// A missing secret is its own error type.
	if err := e.st.DeleteSecret(context.Background(), e.p, "BYOK_KEY", false); err != nil {
		t.Fatal(err)
	}
	e.post("/e/"+dead.Code+"/v1/chat/completions", chat("", "no secret"))
	if r := e.rows()[4]; str(r.ErrorType) != "missing_secret" || *r.StatusCode != 400 || !strings.Contains(str(r.ErrorDetail), "BYOK_KEY") || str(r.EnrollmentID) != dead.ID {
		t.Fatalf("missing secret row: %s %v %s", str(r.ErrorType), r.StatusCode, str(r.ErrorDetail))
	}
}

func TestDoRunsAsTheBackend(t *testing.T) {
	e := newEnv(t)
	e.startLogging(e.p)
	resp := e.gw.Do(context.Background(), gateway.Call{Principal: e.p, Method: "POST", Path: "g/open/v1/chat/completions",
		Body: []byte(chat("m-slow", "scheduled")), RecurrentRequestID: "00000000-0000-0000-0000-0000000000aa"})
	if resp.Status != 200 || resp.Err != "" || !strings.Contains(string(resp.Body), "slow answered: scheduled") {
		t.Fatalf("Do: %+v", resp)
	}
	rows := e.rows()
	if len(rows) != 1 || rows[0].GatewaySource != gateway.SourceBackend || str(rows[0].RecurrentRequestID) != "00000000-0000-0000-0000-0000000000aa" ||
		rows[0].Path != "/g/open/v1/chat/completions" {
		t.Fatalf("row of a backend run: %+v", rows)
	}
	resp = e.gw.Do(context.Background(), gateway.Call{Principal: e.p, Method: "POST", Path: "v1/chat/completions"})
	if resp.Status != 404 || !strings.Contains(resp.Err, "is not a gateway route") {
		t.Fatalf("Do with a path that is no route: %+v", resp)
	}
}

func TestNestedChainIsBoundedByTheOuterStep(t *testing.T) {
	e := newEnv(t)
	e.chain("inner", 5000, step("slow", "p/"+slowID, "stop", "stop"))
	timeout := int64(80)
	e.chain("outer", 5000, store.ChainStepWrite{Name: "nested", TargetPath: "c/inner", OnSuccess: "stop", OnFailure: "continue", TimeoutMS: &timeout},
		step("fast", "p/"+fastID, "stop", "stop"))
	r := e.post("/c/outer/v1/chat/completions", chat("", "hi"))
	if r.status != 200 || r.who(t) != "fast" || r.header.Get("X-Unitysvc-Chain-Step") != "fast" {
		t.Fatalf("the nested chain must time out after the outer step's 80 ms: %d %s", r.status, r.body)
	}
	// A broadcast as a chain step: its envelope is the step's answer.
	if _, err := e.st.CreateBroadcast(context.Background(), e.p, false, store.BroadcastWrite{Name: "fan", Mode: "sync", TargetTimeoutMS: 1000, Enabled: true,
		Targets: []store.BroadcastTargetWrite{{Name: "f", TargetPath: "p/" + fastID}}}); err != nil {
		t.Fatal(err)
	}
	e.chain("to-fan", 5000, step("fan", "b/fan", "stop", "stop"))
	if r := e.post("/c/to-fan/v1/chat/completions", chat("", "hi")); r.status != 200 || !strings.Contains(string(r.body), `"results":[{"name":"f"`) {
		t.Fatalf("a broadcast step: %d %s", r.status, r.body)
	}
}
