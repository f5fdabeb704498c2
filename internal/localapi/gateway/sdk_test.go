package gateway_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// These tests replay the wire calls of the official Python SDK
// (unitysvc/unitysvc-py): dispatch() on a group, service, enrollment,
// chain, broadcast or alias POSTs to the bare interface path, and the
// wrapper builders (_wrappers.py build_wrapped_path) put l/ m/ f/ t/ in
// front, with their parameters urlencoded (quote_plus) in the query.

// object is the "object" field of an OpenAI answer: chat.completion,
// list (embeddings and models).
func (r response) object(t *testing.T) string {
	t.Helper()
	o, _ := r.json(t)["object"].(string)
	return o
}

// q is Python's urlencode of one value (quote_plus).
func q(v string) string { return url.QueryEscape(v) }

func TestBarePathsAreTheDefaultEndpoint(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	en := e.enroll(e.p, map[string]any{"endpoint": e.ext.URL})
	e.byokSecret(e.p, "sk-byok")
	e.chain("steps", 5000, store.ChainStepWrite{Name: "one", TargetPath: "p/" + fastID})
	if _, err := e.st.CreateBroadcast(ctx, e.p, false, store.BroadcastWrite{Name: "fan", Mode: "sync", TargetTimeoutMS: 5000, Enabled: true,
		Targets: []store.BroadcastTargetWrite{{Name: "a", TargetPath: "p/" + fastID}, {Name: "b", TargetPath: "g/open", RoutingKeyOverride: map[string]any{"model": "m-slow"}, SortOrder: 1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateAlias(ctx, e.p, false, store.Alias{Name: "mine", TargetPath: "g/open", IsRouting: true}); err != nil {
		t.Fatal(err)
	}
	// group.dispatch(json=...), svc.dispatch(json=...), enrollment,
	// chain, broadcast and alias dispatch: POST to the bare path.
	for path, want := range map[string]string{
		"/g/open":       "chat.completion",
		"/p/" + fastID:  "chat.completion",
		"/c/steps":      "chat.completion",
		"/a/mine":       "chat.completion",
		"/g/open/":      "chat.completion",
		"/p/pool":       "chat.completion",
		"/b/fan":        "",
		"/e/" + en.Code: "",
		"/p/" + embedID: "list", // an "input" body without "messages": embeddings
	} {
		body := chat("m-fast", "hi")
		if path == "/p/"+embedID {
			body = `{"model":"m-embed","input":"hello"}`
		}
		r := e.post(path, body)
		if r.status != 200 {
			t.Errorf("POST %s: %d %s", path, r.status, r.body)
			continue
		}
		switch path {
		case "/b/fan":
			if !strings.Contains(string(r.body), `"object":"chat.completion"`) || strings.Contains(string(r.body), "there is no") {
				t.Errorf("POST %s: %s", path, r.body)
			}
		case "/e/" + en.Code:
			if got := e.ext.last().Path; got != "/v1/chat/completions" {
				t.Errorf("POST %s reached %s, want /v1/chat/completions", path, got)
			}
		default:
			if got := r.object(t); got != want {
				t.Errorf("POST %s: object %q, want %q: %s", path, got, want, r.body)
			}
		}
	}
	// GET on a bare path lists the models.
	if r := e.send("GET", "/g/open", keyA, ""); r.status != 200 || r.object(t) != "list" || !strings.Contains(string(r.body), `"id":"m-slow"`) {
		t.Errorf("GET /g/open: %d %s", r.status, r.body)
	}
	if r := e.send("GET", "/p/"+fastID, keyA, ""); r.status != 200 || !strings.Contains(string(r.body), `"id":"m-fast"`) {
		t.Errorf("GET /p/<id>: %d %s", r.status, r.body)
	}
	// dispatch(path="chat/completions") appends the path: read under /v1.
	if r := e.post("/g/open/chat/completions", chat("m-fast", "hi")); r.status != 200 || r.object(t) != "chat.completion" {
		t.Errorf("chat/completions without v1/: %d %s", r.status, r.body)
	}
	extCalls := []struct{ path, want string }{
		{"/p/" + extID, "/v1/chat/completions"},
		{"/p/" + extID + "/chat/completions", "/v1/chat/completions"},
		{"/p/" + extID + "/embeddings", "/v1/embeddings"},
		{"/p/" + extID + "/custom/thing", "/custom/thing"}, // not an OpenAI path: as written
		{"/c/ext-chain", "/v1/chat/completions"},
		{"/c/ext-chain/chat/completions", "/v1/chat/completions"},
	}
	e.chain("ext-chain", 5000, store.ChainStepWrite{Name: "ext", TargetPath: "p/" + extID})
	for _, c := range extCalls {
		if r := e.post(c.path, chat("", "hi")); r.status != 200 || e.ext.last().Path != c.want {
			t.Errorf("POST %s: %d, upstream path %s, want %s", c.path, r.status, e.ext.last().Path, c.want)
		}
	}
	// svc.schedule(...) stores the bare path: a scheduled run reaches the
	// default endpoint.
	res := e.gw.Do(ctx, gateway.Call{Principal: e.p, Method: "POST", Path: "p/" + extID, Body: []byte(chat("", "scheduled"))})
	if res.Status != 200 || e.ext.last().Path != "/v1/chat/completions" {
		t.Errorf("a scheduled bare path: %d %s, upstream %s", res.Status, res.Body, e.ext.last().Path)
	}
}

func TestMemoize(t *testing.T) {
	e := newEnv(t)
	ext := "/m/p/" + extID + "?_ttl=1h" // svc.cached(_ttl="1h")
	body := chat("", "what is 2+2")
	first := e.post(ext, body)
	if first.status != 200 || first.header.Get("X-Unitysvc-Cache") != "miss" || e.ext.count() != 1 {
		t.Fatalf("first call: %d %v %s, upstream calls %d", first.status, first.header, first.body, e.ext.count())
	}
	second := e.post(ext, body)
	if second.status != 200 || second.header.Get("X-Unitysvc-Cache") != "hit" || second.header.Get("X-Unitysvc-Wrapper") != "m" ||
		string(second.body) != string(first.body) || second.header.Get("X-Unitysvc-Service") != "ext" || e.ext.count() != 1 {
		t.Fatalf("second call: %d %v %s, upstream calls %d", second.status, second.header, second.body, e.ext.count())
	}
	// The _-parameters never reach the upstream; other parameters do.
	if got := e.ext.last().Path; got != "/v1/chat/completions" {
		t.Errorf("upstream path %s", got)
	}
	// svc.cached(_renew=True): an upstream call, stored.
	if r := e.post("/m/p/"+extID+"?_renew=", body); r.header.Get("X-Unitysvc-Cache") != "miss" || e.ext.count() != 2 {
		t.Errorf("_renew: %v, upstream calls %d", r.header, e.ext.count())
	}
	if r := e.post("/m/p/"+extID, body); r.header.Get("X-Unitysvc-Cache") != "hit" || e.ext.count() != 2 {
		t.Errorf("after _renew: %v, upstream calls %d", r.header, e.ext.count())
	}
	// Keyed on the body, the path, the query and the customer.
	for _, c := range []struct{ key, path, body string }{
		{keyA, ext, chat("", "another question")},
		{keyA, "/m/p/" + extID + "/chat/completions", body},
		{keyA, ext + "&user=1", body},
		{keyB, ext, body},
	} {
		before := e.ext.count()
		if r := e.send("POST", c.path, c.key, c.body); r.header.Get("X-Unitysvc-Cache") != "miss" || e.ext.count() != before+1 {
			t.Errorf("%s %s as %s: %v, want a miss", c.path, c.body, c.key, r.header)
		}
	}
	if got := e.ext.last().Path; got != "/v1/chat/completions" {
		t.Errorf("the other customer's call: upstream path %s", got)
	}
	e.post(ext+"&user=1", body)
	if got := e.ext.reqs[len(e.ext.reqs)-2].Path; got != "/v1/chat/completions?user=1" {
		t.Errorf("non-_ parameters go upstream: %s", got)
	}
	// Failures and streams are not stored.
	for _, path := range []string{"/m/p/" + failingID, "/m/p/" + limitedID} {
		e.post(path, body)
		if r := e.post(path, body); r.header.Get("X-Unitysvc-Cache") != "miss" || r.status < 429 {
			t.Errorf("%s twice: %d %v", path, r.status, r.header)
		}
	}
	stream := `{"stream":true,"messages":[{"role":"user","content":"hi"}]}`
	e.post("/m/p/"+fastID, stream)
	if r := e.post("/m/p/"+fastID, stream); r.header.Get("X-Unitysvc-Cache") != "miss" || !strings.Contains(string(r.body), "data: ") {
		t.Errorf("a stream twice: %v %s", r.header, r.body)
	}
	// An entry lives for its own _ttl.
	e.post("/m/p/"+extID+"?_ttl=1s", chat("", "short"))
	if r := e.post("/m/p/"+extID+"?_ttl=1s", chat("", "short")); r.header.Get("X-Unitysvc-Cache") != "hit" {
		t.Errorf("within 1s: %v", r.header)
	}
	time.Sleep(1100 * time.Millisecond)
	if r := e.post("/m/p/"+extID+"?_ttl=1s", chat("", "short")); r.header.Get("X-Unitysvc-Cache") != "miss" {
		t.Errorf("after 1s: %v", r.header)
	}
	// _ttl: 30s, 15m, 1h, 7d; anything else is a 422.
	for _, ttl := range []string{"30s", "15m", "1h", "7d", "168h"} {
		if r := e.post("/m/p/"+fastID+"?_ttl="+ttl, body); r.status != 200 {
			t.Errorf("_ttl=%s: %d %s", ttl, r.status, r.body)
		}
	}
	for _, ttl := range []string{"8d", "169h", "0s", "1w", "-1h", "1.5h", "", "abc", "99999999999d"} {
		if r := e.post("/m/p/"+fastID+"?_ttl="+q(ttl), body); r.status != 422 || !strings.Contains(r.detail(t), "30s, 15m, 1h, 7d") {
			t.Errorf("_ttl=%s: %d %s", ttl, r.status, r.body)
		}
	}
}

func TestFailover(t *testing.T) {
	e := newEnv(t)
	// svc.with_failover(backup): f/p/<id>?_else=p%2F<backup>
	for _, primary := range []string{failingID, limitedID} {
		r := e.post("/f/p/"+primary+"?_else="+q("p/"+fastID), chat("", "hi"))
		if r.status != 200 || r.who(t) != "fast" || r.header.Get("X-Unitysvc-Wrapper") != "f" {
			t.Errorf("failover from %s: %d %v %s", primary, r.status, r.header, r.body)
		}
	}
	// A primary that answers is the answer; the secondary is not called.
	if r := e.post("/f/p/"+fastID+"?_else="+q("p/"+extID), chat("", "hi")); r.who(t) != "fast" || e.ext.count() != 0 || r.header.Get("X-Unitysvc-Wrapper") != "" {
		t.Errorf("a healthy primary: %v %s, ext calls %d", r.header, r.body, e.ext.count())
	}
	// A 4xx is the caller's problem: no failover.
	if r := e.post("/f/g/keyed?_else="+q("p/"+fastID), chat("", "hi")); r.status != 400 {
		t.Errorf("a 400 primary: %d %s", r.status, r.body)
	}
	// The secondary may be wrapped itself: svc.with_failover(other.cached(_ttl="1h")).
	sec := q("m/p/" + extID + "?_ttl=1h")
	e.post("/f/p/"+failingID+"?_else="+sec, chat("", "hi"))
	if r := e.post("/f/p/"+failingID+"?_else="+sec, chat("", "hi")); r.status != 200 || r.header.Get("X-Unitysvc-Cache") != "hit" || e.ext.count() != 1 {
		t.Errorf("a cached secondary: %d %v, ext calls %d", r.status, r.header, e.ext.count())
	}
	// A URL as the secondary is refused.
	if r := e.post("/f/p/"+failingID+"?_else="+q("https://example.com/v1"), chat("", "hi")); r.status != 400 || !strings.Contains(r.detail(t), "not a URL") {
		t.Errorf("a URL secondary: %d %s", r.status, r.body)
	}
	// A timeout fails over too.
	e2 := newEnvWithTimeout(t, 100*time.Millisecond)
	if r := e2.post("/f/p/"+slowID+"?_else="+q("p/"+fastID), chat("", "hi")); r.status != 200 || r.who(t) != "fast" {
		t.Errorf("failover on a timeout: %d %s", r.status, r.body)
	}
}

func TestTee(t *testing.T) {
	e := newEnv(t)
	// The copy's upstream takes a second: the caller does not wait for it.
	body := chat("", "sleep-1s")
	start := time.Now()
	r := e.post("/t/p/"+fastID+"?_to="+q("p/"+extID), body) // svc.with_tee(other)
	took := time.Since(start)
	if r.status != 200 || r.who(t) != "fast" {
		t.Fatalf("tee: %d %s", r.status, r.body)
	}
	if took > 500*time.Millisecond {
		t.Errorf("the caller waited %v for a tee whose secondary takes 1s", took)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.ext.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if e.ext.count() != 1 || e.ext.last().Body != body || e.ext.last().Path != "/v1/chat/completions" {
		t.Fatalf("the copy: %d calls", e.ext.count())
	}
	t.Logf("FIGURES tee: caller %v with a 1s secondary", took.Round(time.Millisecond))
	if r := e.post("/t/p/"+fastID, body); r.status != 400 || !strings.Contains(r.detail(t), "_to=") {
		t.Errorf("t/ without _to: %d %s", r.status, r.body)
	}
	if r := e.post("/t/p/"+fastID+"?_to="+q("http://evil/"), body); r.status != 400 {
		t.Errorf("a URL as the tee's secondary: %d %s", r.status, r.body)
	}
}

func TestTeeCopiesAreBounded(t *testing.T) {
	e := newEnv(t)
	e.startLogging(e.p)
	const calls = 20
	for range calls {
		if r := e.post("/t/p/"+fastID+"?_to="+q("p/"+extID), chat("", "sleep-1s")); r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	dropped := 0
	for _, row := range e.rows() {
		if str(row.ErrorType) == "tee_dropped" {
			dropped++
		}
	}
	if dropped != calls-16 {
		t.Errorf("%d copies dropped, want %d (16 in flight per customer)", dropped, calls-16)
	}
}

func TestLogWrapperAndWrapperRows(t *testing.T) {
	e := newEnv(t)
	// Logging is off: only l/ calls are logged.
	e.post("/p/"+fastID, chat("", "not logged"))
	e.post("/l/p/"+fastID, chat("", "logged")) // svc.logged()
	big := strings.Repeat("x", 20<<10)
	e.post("/l/p/"+extID+"/v1/echo?_complete=", chat("", big)) // svc.logged(_complete=True)
	rows := e.rows()
	if len(rows) != 2 || rows[0].Path != "/l/p/"+fastID || str(rows[0].ServiceID) != fastID {
		t.Fatalf("rows: %d", len(rows))
	}
	if got := len(str(rows[1].RequestBody)); got < 20<<10 {
		t.Errorf("_complete kept %d bytes of the request body", got)
	}
	// A cache hit is logged without an upstream attempt; a failover
	// secondary's row says so. Compositions in any order.
	for _, path := range []string{
		"/l/m/p/" + extID + "?_ttl=1h",             // svc.cached(_ttl="1h").logged()
		"/m/l/p/" + extID + "?_complete=?_ttl=15m", // svc.logged(_complete=True).cached(_ttl="15m")
	} {
		before := e.ext.count()
		e.post(path, chat("", path))
		r := e.post(path, chat("", path))
		if r.header.Get("X-Unitysvc-Cache") != "hit" || e.ext.count() != before+1 {
			t.Errorf("%s: %v, upstream calls %d", path, r.header, e.ext.count()-before)
		}
		rows = e.rows()
		hit := rows[len(rows)-1]
		if hit.ResponseHeaders["x-unitysvc-wrapper"] != "m" || hit.ResponseHeaders["x-unitysvc-cache"] != "hit" || hit.UsageCharge != nil ||
			str(hit.ServiceID) != extID || *hit.StatusCode != 200 {
			t.Errorf("%s: the hit's row %+v", path, hit)
		}
	}
	// l m f t composed (canonical order and shuffled).
	for _, path := range []string{
		"/l/m/f/t/p/" + failingID + "?_ttl=1h&_else=" + q("p/"+fastID) + "&_to=" + q("p/"+extID),
		"/t/f/m/l/p/" + failingID + "?_to=" + q("p/"+extID) + "&_else=" + q("p/"+fastID) + "&_ttl=1h",
	} {
		r := e.post(path, chat("", "composed "+path))
		if r.status != 200 || r.who(t) != "fast" || r.header.Get("X-Unitysvc-Wrapper") != "f" || r.header.Get("X-Unitysvc-Cache") != "miss" {
			t.Errorf("%s: %d %v %s", path, r.status, r.header, r.body)
		}
		r = e.post(path, chat("", "composed "+path))
		if r.header.Get("X-Unitysvc-Cache") != "hit" {
			t.Errorf("%s again: %v", path, r.header)
		}
	}
	// URL order is cosmetic: the shuffled spelling finds the canonical one's entry.
	canonical := "/l/m/f/t/p/" + failingID + "?_ttl=1h&_else=" + q("p/"+fastID) + "&_to=" + q("p/"+extID)
	shuffled := "/t/f/m/l/p/" + failingID + "?_to=" + q("p/"+extID) + "&_else=" + q("p/"+fastID) + "&_ttl=1h"
	if r := e.post(shuffled, chat("", "composed "+canonical)); r.header.Get("X-Unitysvc-Cache") != "hit" {
		t.Errorf("the shuffled wrappers: %v", r.header)
	}
	var primary, secondary bool
	for _, row := range e.rows() {
		if str(row.ServiceID) == failingID && *row.StatusCode == 503 {
			primary = true
		}
		if str(row.ServiceID) == fastID && row.ResponseHeaders["x-unitysvc-wrapper"] == "f" {
			secondary = true
		}
	}
	if !primary || !secondary {
		t.Errorf("the failover's rows: primary %v, secondary %v", primary, secondary)
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		for _, row := range e.rows() {
			if str(row.ServiceID) == extID && row.ResponseHeaders["x-unitysvc-wrapper"] == "t" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("no row for the tee copy")
}

func TestWrapperRefusals(t *testing.T) {
	e := newEnv(t)
	for path, want := range map[string]string{
		"/l/l/p/" + fastID:                           "appears twice",
		"/p/" + fastID + "?_ttl=1h":                  "put m/ in front",
		"/m/p/" + fastID + "?_colour=blue":           "unknown wrapper parameter '_colour'",
		"/m/p/" + fastID + "?_ttl=1h&_ttl=2h":        "given twice",
		"/f/p/" + fastID:                             "needs ?_else=",
		"/f/p/" + fastID + "?_else=x/y":              "is not a gateway route",
		"/f/p/" + fastID + "?_else=" + q("p/a/../b"): "dot segment",
	} {
		r := e.post(path, chat("", "hi"))
		if r.status != http.StatusBadRequest || !strings.Contains(r.detail(t), want) {
			t.Errorf("%s: %d %s, want 400 with %q", path, r.status, r.body, want)
		}
	}
	for _, path := range []string{"/d/p/" + fastID + "?_in=5s", "/r/p/" + fastID + "?_every=5m", "/l/d/p/" + fastID} {
		if r := e.post(path, chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "reserved but not served") {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
}
