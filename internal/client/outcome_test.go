package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// OutcomeUnknown holds exactly for failures after which a create may or
// may not have taken effect.
func TestOutcomeUnknown(t *testing.T) {
	reset := &TransportError{Method: "POST", Path: "/chains/", Err: errors.New("read: connection reset by peer")}
	refused := &TransportError{Method: "POST", Path: "/chains/", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"503 after sending", &APIError{StatusCode: 503}, true},
		{"500", &APIError{StatusCode: 500}, true},
		{"504 from a proxy", &APIError{StatusCode: 504}, true},
		{"501 processes nothing", &APIError{StatusCode: 501}, false},
		{"409", &APIError{StatusCode: 409}, false},
		{"422", &APIError{StatusCode: 422}, false},
		{"429", &APIError{StatusCode: 429}, false},
		{"wrong server", &APIError{StatusCode: 502, NoSuchRoute: true}, false},
		{"reset after the request was written", reset, true},
		{"wrapped", fmt.Errorf("creating: %w", reset), true},
		{"refused: never sent", refused, false},
		{"nil", nil, false},
	} {
		if got := OutcomeUnknown(tc.err); got != tc.want {
			t.Errorf("%s: OutcomeUnknown = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A time-out after the request was sent leaves the outcome unknown, and
// the POST is not sent again.
func TestPOSTTimeoutIsUnknownAndNotRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		time.Sleep(200 * time.Millisecond)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL + "/v1", Timeout: 50 * time.Millisecond, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateChain(context.Background(), false, ChainCreate{Name: "x"})
	if !OutcomeUnknown(err) {
		t.Fatalf("err = %v: a time-out after sending must leave the outcome unknown", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("POST sent %d times after a time-out, want 1", calls.Load())
	}
}

// CreateSecret's PUT is never resent once it may have been processed;
// SetSecret's (an update) is.
func TestCreateSecretIsSentOnce(t *testing.T) {
	srv, calls := answering(t, http.StatusServiceUnavailable, `{"detail":"lost"}`)
	c := newTestClient(t, srv, 3)
	_, _, err := c.CreateSecret(context.Background(), "K", false, SecretUpdate{Value: "v"})
	if !OutcomeUnknown(err) || calls.Load() != 1 {
		t.Fatalf("CreateSecret: err = %v, sent %d times; want an unknown outcome after one send", err, calls.Load())
	}
	calls.Store(0)
	_, _, err = c.SetSecret(context.Background(), "K", false, SecretUpdate{Value: "v"})
	if err == nil || calls.Load() != 4 {
		t.Fatalf("SetSecret: err = %v, sent %d times; want 1 + 3 retries", err, calls.Load())
	}
}

// CreateSecret still retries a 429, which the server did not process.
func TestCreateSecretRetries429(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprint(w, `{"name":"K","id":"1","owner_type":"customer","role_id":"u","owner_id":"c","sensitive":true,"value":null,"created_at":"2026-01-01T00:00:00.000000Z","updated_at":null,"last_used_at":null}`)
	}))
	defer srv.Close()
	_, created, err := newTestClient(t, srv, 2).CreateSecret(context.Background(), "K", false, SecretUpdate{Value: "v"})
	if err != nil || !created || calls.Load() != 2 {
		t.Fatalf("err = %v created = %v calls = %d", err, created, calls.Load())
	}
}

// An insert is told from an update by the status or, for servers that
// answer 200 to both, by the timestamps.
func TestSecretInserted(t *testing.T) {
	at := "2026-01-01T00:00:00.000000Z"
	later := "2026-01-01T00:00:05.000000Z"
	for _, tc := range []struct {
		status  int
		updated *string
		want    bool
	}{
		{http.StatusCreated, nil, true},
		{http.StatusOK, nil, true},
		{http.StatusOK, &at, true},
		{http.StatusOK, &later, false},
	} {
		s := SecretPublic{CreatedAt: at, UpdatedAt: tc.updated}
		if got := s.Inserted(tc.status); got != tc.want {
			t.Errorf("status %d updated_at %v: Inserted = %v, want %v", tc.status, tc.updated, got, tc.want)
		}
	}
}

// Switching an alias's routing to a given state is repeatable, so a lost
// answer is retried.
func TestSwitchAliasRoutingIsRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = fmt.Fprint(w, `{"alias":{"id":"a","customer_id":"c","owner_id":null,"name":"n","target_path":"g/x","is_routing":true,"created_at":"t"},"demoted_alias_id":null}`)
	}))
	defer srv.Close()
	if _, err := newTestClient(t, srv, 2).SwitchAliasRouting(context.Background(), "a", true, SwitchAliasOptions{}); err != nil || calls.Load() != 2 {
		t.Fatalf("err = %v calls = %d", err, calls.Load())
	}
}

// answering is a server that answers every request with status and body,
// counting the requests.
func answering(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	calls := &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}
