package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A body template is kept as written: floats stay floats, big integers
// are not rounded, exponents, escapes and key order survive, in every
// answer (create, PATCH, GET, list).
func TestRecurrentRequestsBodyIsKeptAsWritten(t *testing.T) {
	ts := newTestServer(t)
	body := `{"temperature": 1.0, "big": 12345678901234567890123, "e": 1E-7, "neg": -0.0, "u": "caf\u00e9 \ud83d\ude00", "z": 0, "a": 1, "nested": {"x": [1.50, 2e+3]}}`
	want := `{"temperature":1.0,"big":12345678901234567890123,"e":1E-7,"neg":-0.0,"u":"caf\u00e9 \ud83d\ude00","z":0,"a":1,"nested":{"x":[1.50,2e+3]}}`
	bodyOf := func(data []byte) string {
		var out struct {
			BodyTemplate json.RawMessage `json:"body_template"`
		}
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("decoding %s: %v", data, err)
		}
		return string(out.BodyTemplate)
	}
	status, data := ts.do(t, "POST", "/recurrent-requests/", keyA, `{"request_path": "/g/llm/v1/chat/completions", "body_template": `+body+`}`)
	if status != http.StatusCreated || bodyOf(data) != want {
		t.Fatalf("create: %d, body_template %s; want %s", status, bodyOf(data), want)
	}
	var rr recurrentBody
	_ = json.Unmarshal(data, &rr)
	path := "/recurrent-requests/" + rr.ID
	if _, data = ts.do(t, "GET", path, keyA, nil); bodyOf(data) != want {
		t.Fatalf("GET: body_template %s, want %s", bodyOf(data), want)
	}
	patched := `{"big": 98765432109876543210987654321, "t": 0.7}`
	if status, data = ts.do(t, "PATCH", path, keyA, `{"body_template": `+patched+`}`); status != 200 || bodyOf(data) != `{"big":98765432109876543210987654321,"t":0.7}` {
		t.Fatalf("PATCH: %d, body_template %s", status, bodyOf(data))
	}
	for _, bad := range []string{`"a string"`, `[1, 2]`, `12`} {
		status, data := ts.do(t, "POST", "/recurrent-requests/", keyA, `{"request_path": "/g/llm", "body_template": `+bad+`}`)
		if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), `["body","body_template"]`) {
			t.Fatalf("body_template %s: %d %s; want a 422 at body_template", bad, status, data)
		}
	}
}

// A path, cron, header or name that could never run, or never be sent
// as written, is refused with a 422 naming the field.
func TestRecurrentRequestsRefuseWhatCouldNeverRun(t *testing.T) {
	ts := newTestServer(t)
	emb := ts.serviceID(t, "text-embedding-3-small")
	for _, tc := range []struct {
		name string
		body map[string]any
		loc  string
		want string
	}{
		{"unknown prefix", map[string]any{"request_path": "/x/nowhere"}, `["body","request_path"]`, "not a gateway route"},
		{"prefix without a name", map[string]any{"request_path": "/g/"}, `["body","request_path"]`, "not a gateway route"},
		{"reserved d/", map[string]any{"request_path": "/d/g/llm"}, `["body","request_path"]`, "not a gateway route"},
		{"only wrappers", map[string]any{"request_path": "/l/m/"}, `["body","request_path"]`, "not a gateway route"},
		{"full URL", map[string]any{"request_path": "http://127.0.0.1:8001/g/llm/v1/chat/completions"}, `["body","request_path"]`, "is a URL"},
		{"trailing space", map[string]any{"request_path": "/g/llm/v1/chat/completions "}, `["body","request_path"]`, "white space"},
		{"full URL with a service", map[string]any{"request_path": "https://gw.example/v1/embeddings", "service_id": emb}, `["body","request_path"]`, "is a URL"},
		{"white-space name", map[string]any{"request_path": "/g/llm", "name": "   "}, `["body","name"]`, "white space"},
		{"empty name", map[string]any{"request_path": "/g/llm", "name": ""}, `["body","name"]`, "empty"},
		{"Authorization", map[string]any{"request_path": "/g/llm", "request_headers": map[string]string{"Authorization": "Bearer sk-x"}}, `["body","request_headers","Authorization"]`, "never forwards"},
		{"x-api-key", map[string]any{"request_path": "/g/llm", "request_headers": map[string]string{"x-api-key": "k"}}, `["body","request_headers","x-api-key"]`, "never forwards"},
		{"Host", map[string]any{"request_path": "/g/llm", "request_headers": map[string]string{"Host": "h"}}, `["body","request_headers","Host"]`, "upstream's URL"},
		{"hop-by-hop", map[string]any{"request_path": "/g/llm", "request_headers": map[string]string{"Transfer-Encoding": "chunked"}}, `["body","request_headers","Transfer-Encoding"]`, "hop-by-hop"},
		{"forwarding", map[string]any{"request_path": "/g/llm", "request_headers": map[string]string{"X-Forwarded-For": "1.2.3.4"}}, `["body","request_headers","X-Forwarded-For"]`, "forwarding"},
		{"twice in two cases", map[string]any{"request_path": "/g/llm", "request_headers": map[string]string{"X-Trace": "a", "x-trace": "b"}}, `["body","request_headers","x-trace"]`, "set twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, data := ts.do(t, "POST", "/recurrent-requests/", keyA, tc.body)
			if d := detail(t, data); status != http.StatusUnprocessableEntity || !strings.Contains(d, tc.loc) || !strings.Contains(d, tc.want) {
				t.Fatalf("status %d, detail %s; want 422 at %s mentioning %q", status, d, tc.loc, tc.want)
			}
		})
	}
	// A cron that never matches a date is refused.
	rr := createRecurrent(t, ts, keyA, map[string]any{"request_path": "/g/llm/v1/chat/completions"})
	path := "/recurrent-requests/" + rr.ID
	status, data := ts.do(t, "PATCH", path, keyA, cronSchedule("0 0 31 2 *", ""))
	if d := detail(t, data); status != http.StatusUnprocessableEntity || !strings.Contains(d, `["body","schedule","cron_expression"]`) || !strings.Contains(d, "never matches") {
		t.Fatalf("cron 0 0 31 2 *: %d %s; want a 422 saying it never matches", status, d)
	}
	// A PATCH to a path that is no gateway route is refused for a request
	// that names no service; relative paths are fine with a service, and
	// wrapper prefixes are gateway routes.
	status, data = ts.do(t, "PATCH", path, keyA, map[string]any{"request_path": "/x/nowhere"})
	if d := detail(t, data); status != http.StatusUnprocessableEntity || !strings.Contains(d, `["body","request_path"]`) {
		t.Fatalf("PATCH to /x/nowhere: %d %s; want 422", status, d)
	}
	for _, ok := range []string{"/l/g/llm/v1/chat/completions", "/m/f/a/chat/v1/chat/completions", "t/c/pipeline", "/e/ABCD"} {
		ts.doJSON(t, "PATCH", path, keyA, map[string]any{"request_path": ok}, http.StatusOK, nil)
	}
	svc := createRecurrent(t, ts, keyA, map[string]any{"service_id": emb, "request_path": "/v1/embeddings"})
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+svc.ID, keyA, map[string]any{"request_path": "/v1/models"}, http.StatusOK, nil)
}

// A credential header's value is never echoed: every answer masks it,
// it is stored and sent as given, and a PATCH that sends the mask back
// keeps the stored value.
func TestRecurrentRequestsMaskCredentialHeaders(t *testing.T) {
	ts := newTestServer(t)
	var rr recurrentBody
	status, data := ts.do(t, "POST", "/recurrent-requests/", keyA, map[string]any{"request_path": "/g/llm/v1/chat/completions",
		"request_headers": map[string]string{"X-Upstream-Token": "tok-123", "OpenAI-Beta": "v2"}})
	if status != http.StatusCreated || strings.Contains(string(data), "tok-123") {
		t.Fatalf("create: %d %s; want 201 without the token", status, data)
	}
	_ = json.Unmarshal(data, &rr)
	if rr.RequestHeaders["X-Upstream-Token"] != "***masked***" || rr.RequestHeaders["OpenAI-Beta"] != "v2" {
		t.Fatalf("headers answered %v", rr.RequestHeaders)
	}
	path := "/recurrent-requests/" + rr.ID
	for _, p := range []string{path, "/recurrent-requests/"} {
		if _, data := ts.do(t, "GET", p, keyA, nil); strings.Contains(string(data), "tok-123") {
			t.Fatalf("GET %s echoes the token: %s", p, data)
		}
	}
	// Sending back what was read keeps the token.
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"request_headers": rr.RequestHeaders}, http.StatusOK, nil)
	p, err := ts.Store.Authenticate(context.Background(), keyA)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := ts.Store.GetRecurrentRequest(context.Background(), p, rr.ID)
	if err != nil || stored.RequestHeaders == nil || !strings.Contains(*stored.RequestHeaders, `"X-Upstream-Token":"tok-123"`) {
		t.Fatalf("stored headers after sending the mask back: %v (%v)", stored, err)
	}
}

// Who a request runs as follows who last changed what it sends; a
// change of name only does not move it.
func TestRecurrentRequestsRunAsTheLastChanger(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	path := "/recurrent-requests/" + rr.ID
	runsAs := func() string {
		p, _ := ts.Store.Authenticate(context.Background(), keyA)
		stored, err := ts.Store.GetRecurrentRequest(context.Background(), p, rr.ID)
		if err != nil || stored.RunAs == nil {
			t.Fatalf("stored: %+v %v", stored, err)
		}
		return *stored.RunAs
	}
	a, _ := ts.Store.Authenticate(context.Background(), keyA)
	a2, _ := ts.Store.Authenticate(context.Background(), keyA2)
	if runsAs() != a.UserID {
		t.Fatal("a new request does not run as its creator")
	}
	ts.doJSON(t, "PATCH", path, keyA2, map[string]any{"name": "renamed"}, http.StatusOK, nil)
	if runsAs() != a.UserID {
		t.Fatal("a rename by a team member moved who the request runs as")
	}
	ts.doJSON(t, "PATCH", path, keyA2, map[string]any{"request_path": "/g/llm/v1/embeddings"}, http.StatusOK, nil)
	if runsAs() != a2.UserID {
		t.Fatal("a team member changed the path, and the request still runs as its creator")
	}
}

// recordingUpstream is a BYOK upstream that records what reaches it.
type recordingUpstream struct {
	mu    sync.Mutex
	seen  []http.Header
	paths []string
	body  []string
}

func (u *recordingUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.seen = append(u.seen, r.Header.Clone())
	u.paths = append(u.paths, r.URL.Path)
	u.body = append(u.body, string(b))
	u.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
}

func (u *recordingUpstream) last(t *testing.T) (http.Header, string) {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.seen) == 0 {
		t.Fatal("nothing reached the upstream")
	}
	return u.seen[len(u.seen)-1], u.body[len(u.body)-1]
}

// activeEnrollment enrolls key in the BYOK service with its endpoint at
// url and waits until the enrollment is active; it returns its id and
// code.
func activeEnrollment(t *testing.T, ts *testServer, key, url string) (id, code string) {
	t.Helper()
	e := enrollBYOK(t, ts, key, map[string]any{"endpoint": url})
	activateNow(t, ts)
	var got struct {
		Code   string `json:"code"`
		Status string `json:"status"`
	}
	deadline := time.Now().Add(5 * time.Second)
	for got.Status != "active" && time.Now().Before(deadline) {
		ts.doJSON(t, "GET", "/enrollments/"+e.ID, key, nil, http.StatusOK, &got)
		time.Sleep(20 * time.Millisecond)
	}
	if got.Status != "active" {
		t.Fatalf("enrollment %s: %s", e.ID, got.Status)
	}
	return e.ID, got.Code
}

// What a recurrent request sets reaches the upstream: its headers
// (credential headers included) and its body byte for byte, with the
// service's own credential from the running user's secret; never the
// caller's svcpass key.
func TestRecurrentRequestsSendTheirHeadersAndBody(t *testing.T) {
	ts := newTestServer(t)
	up := &recordingUpstream{}
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	ts.doJSON(t, "PUT", "/secrets/MY_PROVIDER_API_KEY", keyA, map[string]any{"value": "sk-a-personal"}, http.StatusCreated, nil)
	enrID, _ := activeEnrollment(t, ts, keyA, srv.URL)
	body := `{"temperature": 1.0, "seed": 12345678901234567890123, "u": "caf\u00e9"}`
	status, data := ts.do(t, "POST", "/recurrent-requests/", keyA, `{"enrollment_id": "`+enrID+`", "request_path": "/v1/chat/completions",
		"request_headers": {"X-Upstream-Token": "tok-123", "OpenAI-Beta": "assistants=v2"}, "body_template": `+body+`}`)
	var rr recurrentBody
	if err := json.Unmarshal(data, &rr); status != http.StatusCreated || err != nil {
		t.Fatalf("create: %d %s", status, data)
	}
	ts.doJSON(t, "POST", "/recurrent-requests/"+rr.ID+"/trigger", keyA, nil, http.StatusOK, nil)
	h, sent := up.last(t)
	if h.Get("X-Upstream-Token") != "tok-123" || h.Get("OpenAI-Beta") != "assistants=v2" {
		t.Fatalf("headers at the upstream: %v; want X-Upstream-Token and OpenAI-Beta as set", h)
	}
	if h.Get("Authorization") != "Bearer sk-a-personal" || strings.Contains(fmt.Sprint(h), keyA) {
		t.Fatalf("credentials at the upstream: Authorization %q; want the BYOK secret and never the svcpass key", h.Get("Authorization"))
	}
	if want := `{"temperature":1.0,"seed":12345678901234567890123,"u":"caf\u00e9"}`; sent != want {
		t.Fatalf("body at the upstream %s, want %s", sent, want)
	}
}

// The attack of issue 15: a team member points another member's request
// at an endpoint they control and triggers it. The request then runs as
// that member, with that member's secrets: the owner's personal secret
// never reaches the attacker's endpoint, by trigger or by schedule.
func TestRecurrentRequestsNeverRunWithAnotherMembersSecrets(t *testing.T) {
	ts := newTestServer(t)
	owner, attacker := &recordingUpstream{}, &recordingUpstream{}
	ownerSrv, attackerSrv := httptest.NewServer(owner), httptest.NewServer(attacker)
	t.Cleanup(ownerSrv.Close)
	t.Cleanup(attackerSrv.Close)
	ts.doJSON(t, "PUT", "/secrets/MY_PROVIDER_API_KEY", keyA, map[string]any{"value": "sk-a-personal"}, http.StatusCreated, nil)
	enrA, _ := activeEnrollment(t, ts, keyA, ownerSrv.URL)
	_, codeB := activeEnrollment(t, ts, keyA2, attackerSrv.URL)
	rr := createRecurrent(t, ts, keyA, map[string]any{"enrollment_id": enrA, "request_path": "/v1/chat/completions", "body_template": map[string]any{"q": 1}})
	path := "/recurrent-requests/" + rr.ID
	ts.doJSON(t, "PATCH", path, keyA2, map[string]any{"request_path": "/e/" + codeB + "/v1/chat/completions"}, http.StatusOK, nil)
	status, data := ts.do(t, "POST", path+"/trigger", keyA2, nil)
	if strings.Contains(string(data), "sk-a-personal") {
		t.Fatalf("the trigger answer carries A's secret: %s", data)
	}
	// A2 has no MY_PROVIDER_API_KEY of its own: the run is refused naming
	// the secret, and nothing reaches the attacker's endpoint.
	if status != http.StatusBadRequest || !strings.Contains(detail(t, data), "MY_PROVIDER_API_KEY") {
		t.Fatalf("trigger by the team member: %d %s; want the 400 for a missing secret (the run is A2's)", status, data)
	}
	// The scheduled runs run as A2 too (who last changed the path).
	a2, _ := ts.Store.Authenticate(context.Background(), keyA2)
	a, _ := ts.Store.Authenticate(context.Background(), keyA)
	if stored, err := ts.Store.GetRecurrentRequest(context.Background(), a, rr.ID); err != nil || stored.RunAs == nil || *stored.RunAs != a2.UserID {
		t.Fatalf("after A2's change the request runs as %v (%v), want A2", stored.RunAs, err)
	}
	attacker.mu.Lock()
	n := len(attacker.seen)
	attacker.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d requests reached the attacker's endpoint", n)
	}
}

// A request with X-Unitysvc-Log-Request: true is logged although its
// user never started request logging; one without it is not.
func TestRecurrentRequestsLogRequestHeaderLogsTheRun(t *testing.T) {
	ts := newTestServer(t)
	count := func(id string) int {
		var logs struct {
			TotalCount int `json:"total_count"`
		}
		ts.doJSON(t, "GET", "/request-logs?recurrent_request_id="+id, keyA, nil, http.StatusOK, &logs)
		return logs.TotalCount
	}
	for header, want := range map[string]int{"true": 1, "": 0} {
		req := map[string]any{"request_path": "/g/llm/v1/chat/completions",
			"body_template": map[string]any{"model": "llama-3.1-8b", "messages": []any{map[string]any{"role": "user", "content": "x"}}}}
		if header != "" {
			req["request_headers"] = map[string]string{"X-Unitysvc-Log-Request": header}
		}
		rr := createRecurrent(t, ts, keyA, req)
		ts.doJSON(t, "POST", "/recurrent-requests/"+rr.ID+"/trigger", keyA, nil, http.StatusOK, nil)
		if got := count(rr.ID); got != want {
			t.Fatalf("X-Unitysvc-Log-Request %q: %d log rows, want %d", header, got, want)
		}
	}
}
