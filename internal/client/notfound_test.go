package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Only the API's own 404 ("this object does not exist") is IsNotFound; a
// 404 for a route the server does not have (a wrong api_url) is not, or a
// refresh would remove every resource from state.
func TestNotFoundOnlyFromTheAPI(t *testing.T) {
	listing := `{"data":[],"count":0}`
	cases := []struct {
		name string
		// body answers GET /v1/secrets/X with 404; probe answers the base
		// check GET /v1/groups (status 0: the same 404 as everything).
		body        string
		probeStatus int
		probeBody   string
		wantGone    bool
	}{
		{"object 404 from the API", `{"detail":"Secret 'X' not found"}`, 200, listing, true},
		{"FastAPI's generic route 404", `{"detail":"Not Found"}`, 200, listing, false},
		{"HTML page", `<html><body>404 Not Found</body></html>`, 200, listing, false},
		{"JSON that is not FastAPI's", `{"error_msg":"404 Route Not Found"}`, 200, listing, false},
		{"empty body", ``, 200, listing, false},
		{"a server whose every path answers a detailed 404", `{"detail":"No gateway route for /v1/secrets/X"}`, 0, "", false},
		{"a server that answers 501", `{"detail":"Secret 'X' not found"}`, 501, `{"detail":"not implemented"}`, false},
		{"a 200 that is not a listing", `{"detail":"Secret 'X' not found"}`, 200, `{"ok":true}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v1/groups" && tc.probeStatus != 0 {
					w.WriteHeader(tc.probeStatus)
					_, _ = fmt.Fprint(w, tc.probeBody)
					return
				}
				w.WriteHeader(http.StatusNotFound)
				_, _ = fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			_, err := newTestClient(t, srv, 0).GetSecret(context.Background(), "X")
			if got := IsNotFound(err); got != tc.wantGone {
				t.Fatalf("IsNotFound(%v) = %v, want %v", err, got, tc.wantGone)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.NoSuchRoute == tc.wantGone {
				t.Fatalf("NoSuchRoute = %v for %q", apiErr.NoSuchRoute, tc.body)
			}
			if apiErr.URL != srv.URL+"/v1/secrets/X" {
				t.Fatalf("URL = %q, want the full URL called", apiErr.URL)
			}
		})
	}
}

// The base URL is checked once per client, on the first object 404, and
// never on a refresh that finds everything.
func TestBaseCheckedOnce(t *testing.T) {
	var probes, calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/groups" {
			probes.Add(1)
			_, _ = fmt.Fprint(w, `{"data":[],"count":0}`)
			return
		}
		calls.Add(1)
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprint(w, `{"detail":"Secret not found"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, 0)
	for range 3 {
		if _, err := c.GetSecret(context.Background(), "X"); !IsNotFound(err) {
			t.Fatalf("err = %v, want not found", err)
		}
	}
	if probes.Load() != 1 || calls.Load() != 3 {
		t.Fatalf("probes = %d, calls = %d; want the base checked once for 3 lookups", probes.Load(), calls.Load())
	}
}

// A 501 is not retried, and Attempts says how often a request was sent.
func TestAttemptsAndNoRetryOf501(t *testing.T) {
	for _, tc := range []struct {
		status, want int
	}{{http.StatusNotImplemented, 1}, {http.StatusBadGateway, 3}} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(tc.status)
			_, _ = fmt.Fprint(w, `{"detail":"x"}`)
		}))
		_, err := newTestClient(t, srv, 2).ListSecrets(context.Background())
		srv.Close()
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Attempts != tc.want || int(calls.Load()) != tc.want {
			t.Errorf("HTTP %d: err = %v, attempts = %d, calls = %d; want %d", tc.status, err, apiErr.Attempts, calls.Load(), tc.want)
		}
	}
}
