package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawRequest sends a request with the given headers and returns the
// answer (body read).
func rawRequest(t *testing.T, ts *testServer, method, path string, header map[string]string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// jsonDetail checks that an error answer is FastAPI's JSON, never HTML
// or plain text.
func jsonDetail(t *testing.T, what string, resp *http.Response, body string) {
	t.Helper()
	var v struct {
		Detail json.RawMessage `json:"detail"`
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || json.Unmarshal([]byte(body), &v) != nil || len(v.Detail) == 0 {
		t.Errorf("%s: %d %q %q, want a JSON {\"detail\": ...} body", what, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// A wrong method gets 405 with Allow, as JSON.
func TestWrongMethodIs405WithAllow(t *testing.T) {
	ts := newUncheckedTestServer(t)
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/v1/secrets/", "GET"},
		{"POST", "/v1/secrets/X", "DELETE, GET, PUT"},
		{"PUT", "/v1/chains/", "GET, POST"},
		{"POST", "/v1/groups/" + unknownUUID + "/members/" + unknownUUID, "DELETE"},
	} {
		resp, body := rawRequest(t, ts, tc.method, tc.path, map[string]string{"Authorization": "Bearer " + keyA}, nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || sortedAllow(resp.Header.Get("Allow")) != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 with Allow %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.allow)
		}
		jsonDetail(t, tc.method+" "+tc.path, resp, body)
	}
}

func sortedAllow(h string) string {
	var ms []string
	for _, m := range strings.Split(h, ",") {
		if m = strings.TrimSpace(m); m != "" && m != "HEAD" {
			ms = append(ms, m)
		}
	}
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			if ms[j] < ms[i] {
				ms[i], ms[j] = ms[j], ms[i]
			}
		}
	}
	return strings.Join(ms, ", ")
}

// No answer is HTML or plain text: unknown routes, paths the router would
// clean or redirect, and requests it cannot parse get JSON.
func TestNoHTMLAnywhere(t *testing.T) {
	ts := newUncheckedTestServer(t)
	for _, path := range []string{"/", "/nope", "/v1", "/v1/", "/v1/nope", "/v2/groups", "//v1//secrets/", "/v1/./secrets/", "/v1/secrets/../groups", "/v1/groups/llm/services/extra"} {
		resp, body := rawRequest(t, ts, "GET", path, map[string]string{"Authorization": "Bearer " + keyA}, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
		jsonDetail(t, "GET "+path, resp, body)
	}
}

// A body over the limit is 413 with a clear detail, not a truncated
// decode error.
func TestBodyOverTheLimitIs413(t *testing.T) {
	ts := newUncheckedTestServer(t) // the body breaks the spec on purpose
	big := `{"value":"` + strings.Repeat("x", 5<<20) + `"}`
	resp, body := rawRequest(t, ts, "PUT", "/v1/secrets/BIG", map[string]string{"Authorization": "Bearer " + keyA, "Content-Type": "application/json"}, strings.NewReader(big))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "4 MiB") {
		t.Fatalf("5 MiB body: %d %.200s, want 413 naming the limit", resp.StatusCode, body)
	}
	jsonDetail(t, "413", resp, body)
}

// The Bearer scheme is case-insensitive (RFC 9110); other schemes and
// empty keys are 401.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	ts := newTestServer(t)
	for _, h := range []string{"Bearer " + keyA, "bearer " + keyA, "BEARER " + keyA, "bEaReR   " + keyA} {
		if resp, body := rawRequest(t, ts, "GET", "/v1/secrets/", map[string]string{"Authorization": h}, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("Authorization %q: %d %s, want 200", h, resp.StatusCode, body)
		}
	}
	for _, h := range []string{"Basic " + keyA, "Bearer", "bearer ", "Token " + keyA, keyA} {
		resp, body := rawRequest(t, ts, "GET", "/v1/secrets/", map[string]string{"Authorization": h}, nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d %s, want 401", h, resp.StatusCode, body)
		}
		jsonDetail(t, "401", resp, body)
	}
}

// enrollment_id is validated like service_id: it must be one of the
// caller's enrollments.
func TestRecurrentRequestEnrollmentIDIsValidated(t *testing.T) {
	ts := newTestServer(t)
	status, body := ts.do(t, "POST", "/recurrent-requests/", keyA, map[string]any{"request_path": "/e/ABCD/v1/chat/completions", "enrollment_id": unknownUUID})
	if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, body), `["body","enrollment_id"]`) || !strings.Contains(detail(t, body), "not one of your enrollments") {
		t.Fatalf("unknown enrollment: %d %s, want 422 on body.enrollment_id", status, body)
	}
	other := enrollBYOK(t, ts, keyB, map[string]any{"endpoint": "https://b.example/v1"})
	if status, body := ts.do(t, "POST", "/recurrent-requests/", keyA, map[string]any{"request_path": "/e/ABCD", "enrollment_id": other.ID}); status != http.StatusUnprocessableEntity {
		t.Fatalf("another customer's enrollment: %d %s, want 422", status, body)
	}
	mine := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "https://a.example/v1"})
	ts.doJSON(t, "POST", "/recurrent-requests/", keyA, map[string]any{"request_path": "/e/ABCD", "enrollment_id": strings.ToUpper(mine.ID)}, http.StatusCreated, nil)
}

// Header values (and names) that could split a request are refused.
func TestRecurrentRequestHeadersWithCRLFAre422(t *testing.T) {
	ts := newTestServer(t)
	for _, h := range []map[string]string{
		{"X-Ok": "fine\r\nX-Injected: yes"},
		{"X-Ok": "line\nfeed"},
		{"X-Bad\r\nName": "v"},
		{"": "v"},
		{"Bad Name": "v"},
	} {
		status, body := ts.do(t, "POST", "/recurrent-requests/", keyA, map[string]any{"request_path": "/g/llm", "request_headers": h})
		if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, body), "request_headers") {
			t.Errorf("create with headers %q: %d %s, want 422 on request_headers", h, status, body)
		}
	}
	rr := createRecurrent(t, ts, keyA, map[string]any{"request_path": "/g/llm"})
	if status, body := ts.do(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, map[string]any{"request_headers": map[string]string{"X": "a\rb"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("patch with CR in a header: %d %s, want 422", status, body)
	}
}
