package gateway_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	path := "/p/" + fastID + "/v1/chat/completions"
	for name, c := range map[string]struct {
		header []string
		status int
		detail string
	}{
		"no key":       {nil, 401, "Not authenticated"},
		"empty bearer": {[]string{"Authorization", "Bearer "}, 401, "Invalid authentication credentials"},
		"basic":        {[]string{"Authorization", "Basic eDp5"}, 401, "Invalid authentication credentials"},
		"unknown key":  {[]string{"Authorization", "Bearer svcpass_nope"}, 401, "Invalid API key"},
		"x-api-key":    {[]string{"x-api-key", keyA}, 200, ""},
		"bearer":       {[]string{"Authorization", "Bearer " + keyA}, 200, ""},
	} {
		r := e.send("POST", path, "", chat("", "hi"), c.header...)
		if r.status != c.status {
			t.Errorf("%s: %d %s, want %d", name, r.status, r.body, c.status)
			continue
		}
		if c.detail != "" && !strings.Contains(r.detail(t), c.detail) {
			t.Errorf("%s: detail %q, want %q", name, r.detail(t), c.detail)
		}
	}
}

func TestPathsThatAreNotGatewayRoutes(t *testing.T) {
	e := newEnv(t)
	for path, want := range map[string]string{
		"/v1/groups?owner=system&name=llm": "The control-plane API is served at http://api.test/v1: set api_url",
		"/v1/chains/":                      "not a route of the unitysvc-local gateway",
		"/":                                "serves /g/<group>, /p/<service-id>",
		"/g":                               "not a route",
		"/d/g/llm/v1/chat/completions":     "the gateway prefix /d/ is reserved but not served",
		"/l/m/r/g/llm?_ttl=1h":             "the gateway prefix /r/ is reserved but not served",
		"/x/y":                             "not a route",
	} {
		r := e.send("GET", path, keyA, "")
		if r.status != http.StatusNotFound || !strings.Contains(r.detail(t), want) {
			t.Errorf("%s: %d %s, want 404 with %q", path, r.status, r.body, want)
		}
	}
	if r := e.send("GET", "/healthz", "", ""); r.status != 200 || r.json(t)["status"] != "ok" {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
}

func TestServiceAndEnrollmentPrefixes(t *testing.T) {
	e := newEnv(t)
	r := e.post("/p/"+fastID+"/v1/chat/completions", chat("anything", "hello"))
	if r.status != 200 || r.who(t) != "fast" || r.header.Get("X-Unitysvc-Service") != "fast" || r.header.Get("X-Unitysvc-Service-Id") != fastID {
		t.Fatalf("/p/: %d %s %v", r.status, r.body, r.header)
	}
	if r := e.send("GET", "/p/"+fastID+"/v1/models", keyA, ""); r.status != 200 || !strings.Contains(string(r.body), `"id":"m-fast"`) {
		t.Fatalf("/p/ models: %d %s", r.status, r.body)
	}
	if r := e.post("/p/"+fastID+"/v1/embeddings", `{"input":"x"}`); r.status != 200 || r.json(t)["object"] != "list" {
		t.Fatalf("/p/ embeddings: %d %s", r.status, r.body)
	}
	if r := e.post("/p/pool/v1/chat/completions", chat("", "hi")); r.status != 200 || r.who(t) != "fast2" {
		t.Fatalf("/p/<capability pool>: %d %s", r.status, r.body)
	}
	if r := e.post("/p/00000000-0000-0000-0000-000000000999/v1/chat/completions", chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "not in the catalog") {
		t.Fatalf("unknown service: %d %s", r.status, r.body)
	}
	// The upstream's own error passes through unchanged.
	if r := e.post("/p/"+failingID+"/v1/chat/completions", chat("", "hi")); r.status != 503 || !strings.Contains(string(r.body), `"error"`) {
		t.Fatalf("upstream 503: %d %s", r.status, r.body)
	}

	// /e/<code>: a BYOK enrollment calls the endpoint in its parameters
	// with the customer's secret; the caller's key never goes upstream.
	en := e.enroll(e.p, map[string]any{"endpoint": e.ext.URL + "/v1"})
	r = e.post("/e/"+en.Code+"/v1/echo", `{"model":"m-byok"}`)
	if r.status != 400 || !strings.Contains(r.detail(t), "BYOK_KEY") {
		t.Fatalf("BYOK without its secret: %d %s", r.status, r.body)
	}
	e.byokSecret(e.p, "sk-customer-secret")
	r = e.send("POST", "/e/"+strings.ToLower(en.Code)+"/v1/echo", keyA, `{"model":"m-byok"}`, "x-api-key", keyA, "Cookie", "c=1", "X-Custom", "kept")
	got := e.ext.last()
	if r.status != 200 || got.Path != "/v1/echo" || got.Header.Get("Authorization") != "Bearer sk-customer-secret" || got.Header.Get("X-Api-Key") != "" ||
		got.Header.Get("Cookie") != "" || got.Header.Get("X-Custom") != "kept" || got.Body != `{"model":"m-byok"}` {
		t.Fatalf("BYOK upstream got %+v (gateway %d %s)", got, r.status, r.body)
	}
	if r.header.Get("Set-Cookie") != "" || r.header.Get("X-Unitysvc-Enrollment-Id") != en.ID {
		t.Fatalf("response headers %v", r.header)
	}
	for _, h := range got.Header {
		if strings.Contains(strings.Join(h, ","), keyA) {
			t.Fatalf("the caller's key reached the upstream: %v", got.Header)
		}
	}
	// Another customer cannot use the enrollment; a cancelled one is refused.
	if r := e.send("POST", "/e/"+en.Code+"/v1/echo", keyB, `{}`); r.status != 404 {
		t.Fatalf("another customer's enrollment: %d %s", r.status, r.body)
	}
	if _, err := e.st.CancelEnrollment(context.Background(), e.p, en.ID); err != nil {
		t.Fatal(err)
	}
	if r := e.post("/e/"+en.Code+"/v1/echo", `{}`); r.status != 403 || !strings.Contains(r.detail(t), "is cancelled") {
		t.Fatalf("cancelled enrollment: %d %s", r.status, r.body)
	}
	// An unreachable BYOK endpoint is a 502 naming the service and host.
	dead := e.enroll(e.p, map[string]any{"endpoint": "http://127.0.0.1:1"})
	if r := e.post("/e/"+dead.Code+"/v1/chat/completions", chat("", "hi")); r.status != 502 ||
		!strings.Contains(r.detail(t), "could not reach the upstream of service 'byok' at http://127.0.0.1:1") {
		t.Fatalf("unreachable: %d %s", r.status, r.body)
	}
}

func TestGroupsAndCollections(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Open group: the model picks; ties (fast, fast2) load-balance.
	seen := map[string]bool{}
	for range 40 {
		r := e.post("/g/open/v1/chat/completions", chat("m-fast", "hi"))
		if r.status != 200 {
			t.Fatalf("/g/open: %d %s", r.status, r.body)
		}
		seen[r.who(t)] = true
	}
	if !seen["fast"] || !seen["fast2"] || seen["slow"] {
		t.Fatalf("m-fast went to %v", seen)
	}
	r := e.post("/g/open/v1/chat/completions", chat("gpt-9", "hi"))
	if r.status != 404 || !strings.Contains(r.detail(t), "valid models: m-fast, m-slow") {
		t.Fatalf("unknown model: %d %s", r.status, r.body)
	}
	r = e.send("GET", "/g/open/v1/models", keyA, "")
	if r.status != 200 || r.json(t)["object"] != "list" || !strings.Contains(string(r.body), `"id":"m-fast"`) || !strings.Contains(string(r.body), `"id":"m-slow"`) {
		t.Fatalf("models: %d %s", r.status, r.body)
	}
	if r := e.post("/g/keyed/v1/chat/completions", chat("", "hi")); r.status != 400 || !strings.Contains(r.detail(t), "is keyed") {
		t.Fatalf("keyed without a model: %d %s", r.status, r.body)
	}
	if r := e.post("/g/listing/v1/chat/completions", chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "not routable") {
		t.Fatalf("a category group: %d %s", r.status, r.body)
	}
	// A body that is not JSON goes upstream unchanged where no routing key
	// is needed (the upstream judges it); a keyed group needs its model.
	if r := e.post("/g/open/v1/chat/completions", `not json`); r.status != 400 || r.header.Get("X-Unitysvc-Service") == "" {
		t.Fatalf("a body that is not JSON, to an open group: %d %s", r.status, r.body)
	}
	if r := e.post("/g/keyed/v1/chat/completions", `not json`); r.status != 400 || !strings.Contains(r.detail(t), "must be a JSON object with a model") {
		t.Fatalf("a body that is not JSON, to a keyed group: %d %s", r.status, r.body)
	}

	// A collection named like the platform group wins; its override keys.
	c, err := e.st.CreateCollection(ctx, e.p, store.CollectionWrite{Name: "open"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.AddMember(ctx, e.p, c.ID, store.MemberWrite{ServiceID: slowID, RoutingKey: []byte(`{"model":"smart"}`)}, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.AddMember(ctx, e.p, c.ID, store.MemberWrite{ServiceID: fastID}, 20); err != nil {
		t.Fatal(err)
	}
	if r := e.post("/g/open/v1/chat/completions", chat("smart", "hi")); r.status != 200 || r.who(t) != "slow" {
		t.Fatalf("collection override: %d %s", r.status, r.body)
	}
	if r := e.send("GET", "/g/open/models", keyA, ""); !strings.Contains(string(r.body), `"id":"smart"`) || strings.Contains(string(r.body), "m-slow") {
		t.Fatalf("collection models: %s", r.body)
	}
	if r := e.post("/g/open/v1/chat/completions", chat("m-slow", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "valid models: m-fast, smart") {
		t.Fatalf("collection unknown model: %d %s", r.status, r.body)
	}
	// Another customer still reaches the platform group.
	if r := e.send("POST", "/g/open/v1/chat/completions", keyB, chat("m-slow", "hi")); r.status != 200 || r.who(t) != "slow" {
		t.Fatalf("other customer: %d %s", r.status, r.body)
	}
	off := false
	if _, err := e.st.UpdateCollection(ctx, e.p, c.ID, store.CollectionUpdate{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if r := e.post("/g/open/v1/chat/completions", chat("smart", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "collection 'open' is disabled") {
		t.Fatalf("disabled collection: %d %s", r.status, r.body)
	}
	// A BYOK member without its secret is skipped.
	e.enroll(e.p, map[string]any{"endpoint": e.ext.URL})
	for range 10 {
		if r := e.post("/g/mixed/v1/chat/completions", chat("", "hi")); r.status != 200 || r.who(t) != "fast" {
			t.Fatalf("mixed without the BYOK secret: %d %s", r.status, r.body)
		}
	}
	if r := e.post("/g/mixed/v1/chat/completions", chat("m-byok", "hi")); r.status != 400 || !strings.Contains(r.detail(t), "byok needs your secret BYOK_KEY") {
		t.Fatalf("only the skipped member matches: %d %s", r.status, r.body)
	}
}

func TestStrategiesDispatch(t *testing.T) {
	e := newEnv(t)
	// by_price: fast2 (1) is cheaper than fast (3); slow (0.5) is the
	// cheapest of all.
	if r := e.post("/g/cheap/v1/chat/completions", chat("m-fast", "hi")); r.who(t) != "fast2" {
		t.Fatalf("by_price: %s", r.body)
	}
	if r := e.post("/g/cheap/v1/chat/completions", chat("", "hi")); r.who(t) != "slow" {
		t.Fatalf("by_price without a model: %s", r.body)
	}
	// lowest_latency: slow is first in member order until measured.
	if r := e.post("/g/quick/v1/chat/completions", chat("", "hi")); r.who(t) != "slow" {
		t.Fatalf("lowest_latency unmeasured: %s", r.body)
	}
	e.post("/p/"+fastID+"/v1/chat/completions", chat("", "warm up"))
	for range 3 {
		if r := e.post("/g/quick/v1/chat/completions", chat("", "hi")); r.who(t) != "fast" {
			t.Fatalf("lowest_latency measured: %s", r.body)
		}
	}
	// by_content: the same conversation always reaches the same service.
	first := e.post("/g/content/v1/chat/completions", chat("", "sticky")).who(t)
	for range 5 {
		if got := e.post("/g/content/v1/chat/completions", chat("", "sticky")).who(t); got != first {
			t.Fatalf("by_content moved from %s to %s", first, got)
		}
	}
	// Thresholds excluding every candidate: 404 naming each and why.
	r := e.post("/g/budget/v1/chat/completions", chat("", "hi"))
	if r.status != 404 || !strings.Contains(r.detail(t), "fast (summary price 3 > max_price 0.1)") || !strings.Contains(r.detail(t), "slow (summary price 0.5 > max_price 0.1)") {
		t.Fatalf("thresholds: %d %s", r.status, r.body)
	}
}

func TestAliases(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	override := `{"model":"m-slow"}`
	if _, err := e.st.CreateAlias(ctx, e.p, false, store.Alias{Name: "smart", TargetPath: "g/open", RoutingKeyOverride: &override, IsRouting: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateAlias(ctx, e.p, false, store.Alias{Name: "echo", TargetPath: "p/" + extID, IsRouting: true}); err != nil {
		t.Fatal(err)
	}
	if r := e.post("/a/smart/v1/chat/completions", chat("m-fast", "hi")); r.status != 200 || r.who(t) != "slow" {
		t.Fatalf("alias with override: %d %s", r.status, r.body)
	}
	e.post("/a/echo/v1/x?a=1", `{"model":"m-fast","n":1}`)
	if got := e.ext.last(); got.Path != "/v1/x?a=1" || got.Body != `{"model":"m-fast","n":1}` {
		t.Fatalf("alias without override passes the body and sub-path: %+v", got)
	}
	if r := e.post("/a/nope/v1/chat/completions", chat("", "hi")); r.status != 404 || !strings.Contains(r.detail(t), "no alias named 'nope'") {
		t.Fatalf("unknown alias: %d %s", r.status, r.body)
	}
}

func TestStreamingPassesThroughUnbuffered(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/p/"+extID+"/v1/hold", strings.NewReader(`{"stream":true}`))
	req.Header.Set("Authorization", "Bearer "+keyA)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	rd := bufio.NewReader(resp.Body)
	first := make(chan string, 1)
	go func() {
		line, _ := rd.ReadString('\n')
		first <- line
	}()
	select {
	case line := <-first:
		if line != "data: {\"n\":1}\n" {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first event did not arrive while the upstream was still writing: the gateway buffers")
	}
	close(e.ext.release) // only now does the upstream finish
	rest, _ := readAll(rd)
	resp.Body.Close()
	if !strings.HasSuffix(rest, "data: [DONE]\n\n") || !strings.Contains(rest, `{"n":2}`) {
		t.Fatalf("rest of the stream %q", rest)
	}

	// A built-in upstream's stream (served in process) arrives chunk by
	// chunk: the first event long before the last.
	req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/p/"+streamID+"/v1/chat/completions", strings.NewReader(`{"stream":true,"messages":[{"role":"user","content":"x"}]}`))
	req.Header.Set("Authorization", "Bearer "+keyA)
	start := time.Now()
	if resp, err = e.srv.Client().Do(req); err != nil {
		t.Fatal(err)
	}
	rd = bufio.NewReader(resp.Body)
	if line, _ := rd.ReadString('\n'); !strings.HasPrefix(line, "data: {") {
		t.Fatalf("first event %q", line)
	}
	firstAt := time.Since(start)
	rest, _ = readAll(rd)
	resp.Body.Close()
	// Five 100 ms gaps follow the first event: it must come at least
	// three gaps before the end.
	if total := time.Since(start); firstAt+300*time.Millisecond > total || !strings.HasSuffix(rest, "data: [DONE]\n\n") {
		t.Fatalf("first event after %v, whole stream after %v (events 100 ms apart): the gateway must not buffer", firstAt, total)
	}

	// The built-in upstream's stream passes through whole.
	r := e.post("/p/"+fastID+"/v1/chat/completions", `{"stream":true,"messages":[{"role":"user","content":"a b"}]}`)
	if r.header.Get("Content-Type") != "text/event-stream" || !strings.HasSuffix(string(r.body), "data: [DONE]\n\n") || strings.Count(string(r.body), "data: ") < 4 {
		t.Fatalf("built-in stream: %s", r.body)
	}
}

func readAll(rd *bufio.Reader) (string, error) {
	var b strings.Builder
	_, err := rd.WriteTo(&b)
	return b.String(), err
}

func TestClientDisconnectCancelsTheUpstreamCall(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/p/"+extID+"/v1/hold", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+keyA)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(resp.Body).ReadString('\n')
	if !strings.Contains(line, `"n":1`) {
		t.Fatalf("first line %q", line)
	}
	cancel() // the caller goes away mid-stream
	resp.Body.Close()
	select {
	case path := <-e.ext.gone:
		if path != "/v1/hold" {
			t.Fatalf("gone: %s", path)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream call was not cancelled when the caller disconnected")
	}
}

func TestRequestTimeoutNamesTheUpstream(t *testing.T) {
	short := newEnvWithTimeout(t, 50*time.Millisecond)
	r := short.post("/p/"+slowID+"/v1/chat/completions", chat("", "hi"))
	if r.status != 504 || r.detail(t) != "the upstream of service 'slow' did not answer within 50 ms" {
		t.Fatalf("timeout: %d %s", r.status, r.body)
	}
}

// The gateway caches resolved upstream endpoints; a secret written after
// a dispatch is what the next dispatch sends, and so is a secret removed.
func TestEndpointFollowsSecretRotation(t *testing.T) {
	e := newEnv(t)
	en := e.enroll(e.p, map[string]any{"endpoint": e.ext.URL + "/v1"})
	for _, key := range []string{"sk-first", "sk-second", "sk-third"} {
		e.byokSecret(e.p, key)
		for range 2 { // the second dispatch is answered from the cache
			if r := e.post("/e/"+en.Code+"/v1/echo", `{"model":"m-byok"}`); r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if got := e.ext.last().Header.Get("Authorization"); got != "Bearer "+key {
				t.Fatalf("upstream got %q after the secret became %q", got, key)
			}
		}
	}
	if err := e.st.DeleteSecret(context.Background(), e.p, "BYOK_KEY", false); err != nil {
		t.Fatal(err)
	}
	if r := e.post("/e/"+en.Code+"/v1/echo", `{"model":"m-byok"}`); r.status != 400 || !strings.Contains(r.detail(t), "BYOK_KEY") {
		t.Fatalf("after the secret was deleted: %d %s", r.status, r.body)
	}
}
