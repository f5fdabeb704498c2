package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newTestClient returns a client for srv with fast retries.
func newTestClient(t *testing.T, srv *httptest.Server, maxRetries int) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: srv.URL + "/v1", APIKey: "svcpass_test", UserAgent: "terraform-provider-unitysvc/test",
		MaxRetries: maxRetries, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRequestHeadersAndPath(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, `{"name":"A_B","id":"1","owner_type":"customer","role_id":"u","owner_id":"c","sensitive":true,"value":null,"created_at":"t","updated_at":null,"last_used_at":null}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, 0)
	if _, err := c.GetSecret(context.Background(), "A_B"); err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/v1/secrets/A_B" {
		t.Errorf("path = %s", got.URL.Path)
	}
	if h := got.Header.Get("Authorization"); h != "Bearer svcpass_test" {
		t.Errorf("Authorization = %q", h)
	}
	if ua := got.Header.Get("User-Agent"); ua != "terraform-provider-unitysvc/test" {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	var raw string
	srv := httptest.NewServer(ServeBaseCheck(func(w http.ResponseWriter, r *http.Request) {
		raw = r.URL.EscapedPath()
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprint(w, `{"detail":"nope"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, 0)
	_, _ = c.GetGroup(context.Background(), "a/b?c")
	if raw != "/v1/groups/a%2Fb%3Fc" {
		t.Fatalf("escaped path = %s", raw)
	}
}

func TestAnonymousSendsNoAuthorization(t *testing.T) {
	var hdr []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr = r.Header.Values("Authorization")
		_, _ = fmt.Fprint(w, `{"data":[],"count":0}`)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListGroups(context.Background(), ListGroupsOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(hdr) != 0 {
		t.Fatalf("anonymous client sent Authorization %v", hdr)
	}
}

func TestAPIErrorDetail(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"string detail", `{"detail":"Group 'x' not found"}`, 404, "Group 'x' not found"},
		{"validation list", `{"detail":[{"loc":["body","name"],"msg":"String should have at most 100 characters","type":"string_too_long"},{"loc":["query","shared"],"msg":"bad","type":"bool_parsing"}]}`, 422,
			"body.name: String should have at most 100 characters; query.shared: bad"},
		{"not json", `upstream exploded`, 502, "upstream exploded"},
		{"empty", ``, 403, "Forbidden"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			_, err := newTestClient(t, srv, 0).GetGroup(context.Background(), "x")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.StatusCode != tc.status || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET /groups/x") {
				t.Fatalf("err = %q (status %d), want status %d and %q", err, apiErr.StatusCode, tc.status, tc.want)
			}
		})
	}
	if !IsNotFound(&APIError{StatusCode: 404}) || IsNotFound(&APIError{StatusCode: 404, NoSuchRoute: true}) || IsNotFound(errors.New("x")) || !IsConflict(fmt.Errorf("wrapped: %w", &APIError{StatusCode: 409})) {
		t.Fatal("IsNotFound / IsConflict helpers are wrong")
	}
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	var calls atomic.Int32
	var first, second time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = fmt.Fprint(w, `{"detail":"slow down"}`)
			return
		}
		second = time.Now()
		_, _ = fmt.Fprint(w, `{"data":[],"count":0}`)
	}))
	defer srv.Close()
	if _, err := newTestClient(t, srv, 3).ListSecrets(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Fatalf("calls = %d, want 2", calls.Load())
	}
	// RetryWaitMax is 5ms: only Retry-After explains a wait near a second.
	if waited := second.Sub(first); waited < 900*time.Millisecond {
		t.Fatalf("waited %v between attempts, want Retry-After's 1s", waited)
	}
}

func TestRetry429OnPOST(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, 3)
	if _, err := c.do(context.Background(), request{method: http.MethodPost, path: "/chains/", body: map[string]string{"name": "x"}}, nil); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Fatalf("POST after 429: calls = %d, want 2 (a 429 was not processed, so retrying is safe)", calls.Load())
	}
}

func TestNoRetryOf500OnPOST(t *testing.T) {
	srv, calls := answering(t, http.StatusInternalServerError, `{"detail":"boom"}`)
	_, err := newTestClient(t, srv, 4).do(context.Background(), request{method: http.MethodPost, path: "/groups", body: map[string]string{"name": "x"}}, nil)
	if StatusCode(err) != 500 || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v, want the 500 with its detail", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("POST was sent %d times after a 500; it may have been processed, so it must not be retried", calls.Load())
	}
}

func TestRetry5xxOnIdempotent(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) < 3 {
					w.WriteHeader(http.StatusBadGateway)
					return
				}
				_, _ = fmt.Fprint(w, `{}`)
			}))
			defer srv.Close()
			if _, err := newTestClient(t, srv, 4).do(context.Background(), request{method: method, path: "/x"}, nil); err != nil {
				t.Fatal(err)
			}
			if calls.Load() != 3 {
				t.Fatalf("calls = %d, want 3", calls.Load())
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	srv, calls := answering(t, http.StatusServiceUnavailable, `{"detail":"maintenance"}`)
	_, err := newTestClient(t, srv, 2).ListSecrets(context.Background())
	if StatusCode(err) != 503 || !strings.Contains(err.Error(), "maintenance") {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 1 + max_retries(2)", calls.Load())
	}
}

func TestNoRetryOf4xx(t *testing.T) {
	srv, calls := answering(t, http.StatusConflict, `{"detail":"exists"}`)
	_, _, err := newTestClient(t, srv, 4).SetSecret(context.Background(), "X", false, SecretUpdate{Value: "v"})
	if !IsConflict(err) || calls.Load() != 1 {
		t.Fatalf("err = %v calls = %d", err, calls.Load())
	}
}

func TestPOSTRetriedWhenConnectionRefused(t *testing.T) {
	// A port nothing listens on: the request provably never reached a server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var attempts atomic.Int32
	c, err := New(Config{BaseURL: "http://" + addr + "/v1", MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond,
		Logger: func(_ context.Context, msg string, _ map[string]any) {
			if msg == "unitysvc API request" {
				attempts.Add(1)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.do(context.Background(), request{method: http.MethodPost, path: "/groups", body: map[string]string{}}, nil)
	var te *TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a TransportError", err)
	}
	if attempts.Load() != 3 {
		t.Fatalf("attempts = %d, want 3 (refused connections are safe to retry)", attempts.Load())
	}
}

func TestSetSecretReportsCreated(t *testing.T) {
	status, updatedAt := http.StatusCreated, "null"
	var body map[string]any
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		body = nil
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"name":"K","id":"1","owner_type":"customer","role_id":null,"owner_id":"c","sensitive":false,"value":"v","created_at":"2026-01-01T00:00:00.000000Z","updated_at":%s,"last_used_at":null}`, updatedAt)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, 0)
	s, created, err := c.SetSecret(context.Background(), "K", true, SecretUpdate{Value: "v", Sensitive: NullableOf(false)})
	if err != nil || !created || !s.Shared() || *s.Value != "v" {
		t.Fatalf("created=%v shared=%v err=%v", created, s.Shared(), err)
	}
	if query != "shared=true" || body["value"] != "v" || body["sensitive"] != false {
		t.Fatalf("query %q body %v", query, body)
	}
	status, updatedAt = http.StatusOK, `"2026-01-01T00:00:05.000000Z"`
	if _, created, _ = c.SetSecret(context.Background(), "K", false, SecretUpdate{Value: "v"}); created {
		t.Fatal("200 with a later updated_at reported as created")
	}
	if query != "" {
		t.Fatalf("personal scope sent query %q", query)
	}
	if _, ok := body["sensitive"]; ok {
		t.Fatal("unset sensitive was sent")
	}
}

func TestListGroupServicesFollowsCursor(t *testing.T) {
	const total = 123
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Query().Get("search") != "llama" {
			t.Errorf("search = %q", r.URL.Query().Get("search"))
		}
		start := 0
		if c := r.URL.Query().Get("cursor"); c != "" {
			if _, err := fmt.Sscanf(c, "c%d", &start); err != nil {
				t.Errorf("cursor %q: %v", c, err)
			}
		}
		limit := GroupServicesPageSize
		if r.URL.Query().Get("limit") != fmt.Sprint(limit) {
			t.Errorf("limit = %q", r.URL.Query().Get("limit"))
		}
		var data []map[string]string
		for i := start; i < total && i < start+limit; i++ {
			data = append(data, map[string]string{"id": fmt.Sprint(i), "name": fmt.Sprintf("s%d", i)})
		}
		end := start + len(data)
		resp := map[string]any{"data": data, "has_more": end < total, "next_cursor": nil}
		if end < total {
			resp["next_cursor"] = fmt.Sprintf("c%d", end)
		}
		_ = json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()
	all, err := newTestClient(t, srv, 0).ListGroupServices(context.Background(), "g", "llama")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != total || all[0].ID != "0" || all[total-1].ID != fmt.Sprint(total-1) {
		t.Fatalf("got %d services", len(all))
	}
	if want := (total + GroupServicesPageSize - 1) / GroupServicesPageSize; calls != want {
		t.Fatalf("calls = %d, want %d", calls, want)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for _, u := range []string{"ftp://x", "not a url", "http://"} {
		if _, err := New(Config{BaseURL: u}); err == nil {
			t.Errorf("New accepted base URL %q", u)
		}
	}
	if _, err := New(Config{MaxRetries: -1}); err == nil {
		t.Error("New accepted negative retries")
	}
	c, err := New(Config{})
	if err != nil || c.BaseURL() != DefaultBaseURL {
		t.Fatalf("default base URL = %v, %v", c, err)
	}
}
