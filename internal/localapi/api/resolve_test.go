package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

type resolveCandidate struct {
	ServiceID    string  `json:"service_id"`
	ServiceName  *string `json:"service_name"`
	ProviderName *string `json:"provider_name"`
	Weight       int     `json:"weight"`
	EnrollmentID *string `json:"enrollment_id"`
}

type resolveResponse struct {
	Candidates      []resolveCandidate `json:"candidates"`
	RoutingStrategy map[string]any     `json:"routing_strategy"`
	Selected        *resolveCandidate  `json:"selected"`
}

// resolve asks POST /resolve as keyA.
func (ts *testServer) resolve(t *testing.T, body map[string]any) resolveResponse {
	t.Helper()
	var out resolveResponse
	ts.doJSON(t, "POST", "/resolve", keyA, body, http.StatusOK, &out)
	return out
}

func candidateNames(r resolveResponse) string {
	var out []string
	for _, c := range r.Candidates {
		out = append(out, *c.ServiceName)
	}
	return strings.Join(out, ",")
}

func fingerprint(t *testing.T, data []byte) string {
	t.Helper()
	var out struct {
		SystemFingerprint string `json:"system_fingerprint"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	return strings.TrimPrefix(out.SystemFingerprint, "unitysvc-local/")
}

func TestResolveStrategies(t *testing.T) {
	ts := newTestServer(t)
	// The llm group's weighted_random is the baseline: no strategy object.
	r := ts.resolve(t, map[string]any{"path": "g/llm/v1/chat/completions", "routing_key": map[string]any{"model": "gpt-4o"}})
	if candidateNames(r) != "gpt-4o" || r.RoutingStrategy != nil || r.Selected == nil || *r.Selected.ServiceName != "gpt-4o" ||
		r.Candidates[0].Weight != 10 || *r.Candidates[0].ProviderName != "openai" || r.Candidates[0].EnrollmentID != nil {
		t.Fatalf("one candidate: %+v", r)
	}
	r = ts.resolve(t, map[string]any{"path": "g/llm", "routing_key": map[string]any{"model": "llama-3.1-8b"}})
	if len(r.Candidates) != 3 || r.Selected != nil {
		t.Fatalf("three weighted candidates select none: %+v", r)
	}
	// by_price override: the cheapest, and dispatch agrees.
	r = ts.resolve(t, map[string]any{"path": "g/llm", "routing_key": map[string]any{"model": "llama-3.1-8b"}, "strategy": "by_price"})
	if r.RoutingStrategy["name"] != "by_price" || r.RoutingStrategy["content_dependent"] != false || *r.Selected.ServiceName != "llama-3.1-8b-groq" ||
		*r.Candidates[0].ServiceName != "llama-3.1-8b-groq" {
		t.Fatalf("by_price: %+v", r)
	}
	// The chat-router group: by_content with a max_price threshold.
	r = ts.resolve(t, map[string]any{"path": "g/chat-router/v1/chat/completions"})
	if r.RoutingStrategy["name"] != "by_content" || r.RoutingStrategy["content_dependent"] != true || r.Selected != nil ||
		candidateNames(r) != "claude-3-5-haiku,mistral-small" || r.RoutingStrategy["parameters"].(map[string]any)["max_price"] != float64(5) {
		t.Fatalf("by_content: %+v", r)
	}
	// lowest_latency follows what the gateway measured.
	r = ts.resolve(t, map[string]any{"path": "g/llm", "routing_key": map[string]any{"model": "llama-3.1-8b"}, "strategy": "lowest_latency"})
	if *r.Selected.ServiceName != "llama-3.1-8b-together" {
		t.Fatalf("nothing measured: member order, got %+v", r.Selected)
	}
	for _, name := range []string{"llama-3.1-8b-together", "llama-3.1-8b-groq"} {
		if status, data := ts.dispatch(t, "/p/"+ts.serviceID(t, name)+"/v1/chat/completions", keyA, chat("llama-3.1-8b", "hi")); status != 200 {
			t.Fatalf("%s: %d %s", name, status, data)
		}
	}
	r = ts.resolve(t, map[string]any{"path": "g/llm", "routing_key": map[string]any{"model": "llama-3.1-8b"}, "strategy": "lowest_latency"})
	if candidateNames(r) != "llama-3.1-8b-groq,llama-3.1-8b-together,llama-3.1-8b-fireworks" || *r.Selected.ServiceName != "llama-3.1-8b-groq" {
		t.Fatalf("measured (groq 60 ms, together 160 ms) first, unmeasured last: %s", candidateNames(r))
	}
	// The embeddings group is keyed: without a key every candidate is
	// listed and none is selected (a dispatch needs the key).
	r = ts.resolve(t, map[string]any{"path": "g/embeddings"})
	if len(r.Candidates) != 2 || r.Selected != nil || r.RoutingStrategy["name"] != "by_price" {
		t.Fatalf("keyed without a key: %+v", r)
	}
}

func TestResolveAndDispatchAgree(t *testing.T) {
	ts := newTestServer(t)
	var coll struct{ ID string }
	ts.doJSON(t, "POST", "/groups", keyA, map[string]any{"name": "mine"}, http.StatusCreated, &coll)
	for _, name := range []string{"llama-3.1-8b-fireworks", "mistral-small"} {
		ts.doJSON(t, "POST", "/groups/"+coll.ID+"/members", keyA, map[string]any{"service_id": ts.serviceID(t, name), "routing_key": map[string]any{"model": "fast"}}, http.StatusCreated, nil)
	}
	ts.doJSON(t, "POST", "/aliases/", keyA, map[string]any{"name": "cheap", "target_path": "g/llm", "routing_key_override": map[string]any{"model": "mistral-small"}}, http.StatusCreated, nil)
	for _, c := range []struct {
		path, model, want string
	}{
		{"a/cheap/v1/chat/completions", "", "mistral-small"},
		{"g/mine/v1/chat/completions", "fast", ""}, // two candidates: dispatch picks either
		{"p/" + ts.serviceID(t, "gpt-4o-mini") + "/v1/chat/completions", "", "gpt-4o-mini"},
	} {
		body := map[string]any{"path": c.path}
		if c.model != "" {
			body["routing_key"] = map[string]any{"model": c.model}
		}
		r := ts.resolve(t, body)
		status, data := ts.dispatch(t, "/"+c.path, keyA, chat(c.model, "agree?"))
		if status != 200 {
			t.Fatalf("%s: %d %s", c.path, status, data)
		}
		got := fingerprint(t, data)
		if c.want != "" && (r.Selected == nil || *r.Selected.ServiceName != c.want || got != c.want) {
			t.Errorf("%s: resolve selected %+v, dispatch answered by %s, want %s", c.path, r.Selected, got, c.want)
		}
		if !strings.Contains(","+candidateNames(r)+",", ","+got+",") {
			t.Errorf("%s: dispatch answered by %s, not among resolve's candidates %s", c.path, got, candidateNames(r))
		}
	}
}

func TestResolveBYOKEnrollmentAndNoSecrets(t *testing.T) {
	ts := newTestServer(t)
	byok := byokServiceID
	var enr struct {
		ID string `json:"id"`
	}
	ts.doJSON(t, "POST", "/enrollments/", keyA, map[string]any{"service_id": byok, "parameters": map[string]any{"endpoint": "http://127.0.0.1:1", "api_key": "sk-param-secret"}}, http.StatusAccepted, &enr)
	var got struct {
		Code   string `json:"code"`
		Status string `json:"status"`
	}
	deadline := time.Now().Add(5 * time.Second)
	for got.Status != "active" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		ts.doJSON(t, "GET", "/enrollments/"+enr.ID, keyA, nil, http.StatusOK, &got)
	}
	// Without the BYOK secret the enrollment cannot be dispatched.
	if r := ts.resolve(t, map[string]any{"path": "e/" + got.Code}); len(r.Candidates) != 0 || r.Selected != nil {
		t.Fatalf("without the secret: %+v", r)
	}
	ts.doJSON(t, "PUT", "/secrets/MY_PROVIDER_API_KEY", keyA, map[string]any{"value": "sk-very-secret"}, http.StatusCreated, nil)
	status, data := ts.do(t, "POST", "/resolve", keyA, map[string]any{"path": "e/" + got.Code + "/v1/chat/completions"})
	var r resolveResponse
	_ = json.Unmarshal(data, &r)
	if status != 200 || r.Selected == nil || r.Selected.EnrollmentID == nil || *r.Selected.EnrollmentID != enr.ID || *r.Selected.ServiceName != "my-provider-llm" {
		t.Fatalf("with the secret: %d %s", status, data)
	}
	for _, secret := range []string{"sk-very-secret", "sk-param-secret", "MY_PROVIDER_API_KEY", "127.0.0.1:1"} {
		if strings.Contains(string(data), secret) {
			t.Fatalf("resolve leaks %q: %s", secret, data)
		}
	}
}

func TestResolveRefusals(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct {
		body   map[string]any
		status int
		detail string
	}{
		{map[string]any{"path": "c/my-chain"}, 422, "resolve each step's or target's target_path"},
		{map[string]any{"path": "b/fanout/v1/chat/completions"}, 422, "resolve each step's or target's target_path"},
		{map[string]any{"path": "g/llm", "strategy": "fastest"}, 422, "unknown routing strategy \"fastest\""},
		{map[string]any{"path": "g/llm", "gateway": "ftp"}, 422, "'api', 's3' or 'smtp'"},
		{map[string]any{"routing_key": map[string]any{"model": "x"}}, 422, "Field required"},
		{map[string]any{"path": "g/llm", "routing_key": "gpt-4o"}, 422, "valid dictionary"},
	} {
		status, data := ts.do(t, "POST", "/resolve", keyA, c.body)
		if status != c.status || !strings.Contains(detail(t, data), c.detail) {
			t.Errorf("%v: %d %s, want %d with %q", c.body, status, data, c.status, c.detail)
		}
	}
	// Nothing matches: 200 and no candidates.
	for _, body := range []map[string]any{
		{"path": "g/no-such-group"},
		{"path": "v1/chat/completions"},
		{"path": "g/llm", "routing_key": map[string]any{"model": "no-such-model"}},
		{"path": "a/no-such-alias"},
		{"path": "g/llm", "gateway": "s3"},
	} {
		if r := ts.resolve(t, body); len(r.Candidates) != 0 || r.Selected != nil {
			t.Errorf("%v: %+v, want no candidates", body, r)
		}
	}
	if status, _ := ts.do(t, "POST", "/resolve", noAuth, map[string]any{"path": "g/llm"}); status != http.StatusUnauthorized {
		t.Errorf("anonymous resolve: %d, want 401", status)
	}
}

// TestResolveSeesThroughWrappers: a wrapped path resolves as the path it
// wraps (l/m/g/llm resolves g/llm), whatever the wrappers' order and
// parameters; a reserved prefix (d/, r/) matches nothing.
func TestResolveSeesThroughWrappers(t *testing.T) {
	ts := newTestServer(t)
	key := map[string]any{"model": "gpt-4o"}
	want := candidateNames(ts.resolve(t, map[string]any{"path": "g/llm/v1/chat/completions", "routing_key": key}))
	if want == "" {
		t.Fatal("no candidates for the unwrapped path")
	}
	for _, path := range []string{
		"l/g/llm", "l/m/g/llm?_ttl=1h", "/t/f/m/l/g/llm/v1/chat/completions?_else=p%2Fx&_to=g%2Fy&_ttl=7d",
		"m/l/g/llm?_complete=?_ttl=15m",
	} {
		if got := candidateNames(ts.resolve(t, map[string]any{"path": path, "routing_key": key})); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	if status, data := ts.do(t, "POST", "/resolve", keyA, map[string]any{"path": "l/m/c/my-chain"}); status != 422 || !strings.Contains(detail(t, data), "resolve each step's") {
		t.Errorf("a wrapped chain: %d %s", status, data)
	}
	for _, path := range []string{"d/g/llm", "l/r/g/llm"} {
		if r := ts.resolve(t, map[string]any{"path": path, "routing_key": key}); len(r.Candidates) != 0 {
			t.Errorf("%s: %+v, want no candidates", path, r)
		}
	}
}
