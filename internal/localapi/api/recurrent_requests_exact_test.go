package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

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
