package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// newAreaTestClient serves h and returns a client for it (one retry, short
// waits).
func newAreaTestClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(ServeBaseCheck(h))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL + "/v1", APIKey: "svcpass_test", MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeTestJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func TestCreateEnrollment(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(strconv.FormatBool(shared), func(t *testing.T) {
			c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/v1/enrollments/" {
					t.Errorf("request %s %s", r.Method, r.URL.Path)
				}
				if got := r.URL.Query().Get("shared"); (got == "true") != shared {
					t.Errorf("shared query = %q", got)
				}
				if r.Header.Get("Authorization") != "Bearer svcpass_test" {
					t.Errorf("authorization = %q", r.Header.Get("Authorization"))
				}
				var body map[string]any
				_ = json.NewDecoder(r.Body).Decode(&body)
				params, _ := body["parameters"].(map[string]any)
				if body["service_id"] != "svc-1" || params["endpoint"] != "https://x" || params["api_key"] != "k" {
					t.Errorf("body = %v", body)
				}
				writeTestJSON(w, http.StatusAccepted, map[string]any{"id": "e-1", "service_id": "svc-1", "status": "pending", "task_id": "t", "message": "m"})
			})
			out, err := c.CreateEnrollment(context.Background(), ServiceEnrollmentCreate{ServiceID: "svc-1", Parameters: map[string]any{"endpoint": "https://x", "api_key": "k"}}, shared)
			if err != nil {
				t.Fatal(err)
			}
			if out.ID != "e-1" || out.Status != EnrollmentPending || out.TaskID != "t" {
				t.Fatalf("response = %+v", out)
			}
		})
	}
}

// The names (never the values) of the parameters sent as sensitive go in
// SensitiveParametersHeader, percent-encoded; the body is the spec's.
func TestCreateEnrollmentNamesSensitiveParameters(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get(SensitiveParametersHeader); got != "api_key,odd%2Cname" {
			t.Errorf("%s = %q", SensitiveParametersHeader, got)
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		if len(body) != 2 || body["service_id"] != "svc-1" || body["parameters"] == nil {
			t.Errorf("body = %s, want service_id and parameters only", raw)
		}
		writeTestJSON(w, http.StatusAccepted, map[string]any{"id": "e-1", "service_id": "svc-1", "status": "pending", "task_id": "t", "message": "m"})
	})
	if _, err := c.CreateEnrollment(context.Background(), ServiceEnrollmentCreate{ServiceID: "svc-1",
		Parameters: map[string]any{"api_key": "k", "odd,name": "v"}, SensitiveKeys: []string{"api_key", "odd,name"}}, false); err != nil {
		t.Fatal(err)
	}
}

func TestCreateEnrollmentIsNotRetriedOn5xx(t *testing.T) {
	var calls atomic.Int32
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeTestJSON(w, http.StatusBadGateway, map[string]any{"detail": "upstream"})
	})
	_, err := c.CreateEnrollment(context.Background(), ServiceEnrollmentCreate{ServiceID: "s"}, false)
	if StatusCode(err) != http.StatusBadGateway || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls; want one 502 and no retry (a retry could enroll twice)", err, calls.Load())
	}
}

func TestCreateEnrollmentValidationError(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeTestJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []map[string]any{{"loc": []any{"body", "service_id"}, "msg": "Service 'x' does not accept enrollments", "type": "value_error"}}})
	})
	_, err := c.CreateEnrollment(context.Background(), ServiceEnrollmentCreate{ServiceID: "s"}, false)
	var apiErr *APIError
	if !asAPIError(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity || apiErr.Detail != "body.service_id: Service 'x' does not accept enrollments" {
		t.Fatalf("err = %#v", err)
	}
}

func asAPIError(err error, target **APIError) bool { return errors.As(err, target) }

func TestGetEnrollment(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.EscapedPath() {
		case "/v1/enrollments/e-1":
			writeTestJSON(w, http.StatusOK, map[string]any{"id": "e-1", "service_id": "s", "status": "active", "created_at": "2026-01-01T00:00:00Z",
				"parameters": map[string]any{"endpoint": "https://x", "api_key": MaskedValue}, "code": "CEFF", "proxy_endpoint": "http://gw/e/CEFF"})
		case "/v1/enrollments/a%2Fb":
			writeTestJSON(w, http.StatusNotFound, map[string]any{"detail": "Enrollment 'a/b' not found"})
		default:
			t.Errorf("unexpected path %s", r.URL.EscapedPath())
		}
	})
	e, err := c.GetEnrollment(context.Background(), "e-1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != EnrollmentActive || *e.Code != "CEFF" || *e.ProxyEndpoint != "http://gw/e/CEFF" || e.Parameters["api_key"] != MaskedValue {
		t.Fatalf("enrollment = %+v", e)
	}
	if _, err := c.GetEnrollment(context.Background(), "a/b"); !IsNotFound(err) {
		t.Fatalf("err = %v, want a 404 (with the id escaped as one segment)", err)
	}
}

func TestCancelEnrollment(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/v1/enrollments/e-1" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		writeTestJSON(w, http.StatusOK, map[string]any{"enrollment_id": "e-1", "status": "cancelled", "message": "ok"})
	})
	out, err := c.CancelEnrollment(context.Background(), "e-1")
	if err != nil || out.Status != EnrollmentCancelled {
		t.Fatalf("cancel = %+v, %v", out, err)
	}
}

func TestListEnrollmentsFollowsPagesOfBothScopes(t *testing.T) {
	personal := 230
	var calls atomic.Int32
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		q := r.URL.Query()
		skip, _ := strconv.Atoi(q.Get("skip"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit != PageSize {
			t.Errorf("limit = %d", limit)
		}
		var all []map[string]any
		switch q.Get("shared") {
		case "false":
			for i := range personal {
				all = append(all, map[string]any{"id": fmt.Sprintf("p-%d", i), "service_id": "s", "status": "active", "created_at": "2026-01-01T00:00:00Z"})
			}
		case "true":
			all = append(all, map[string]any{"id": "t-1", "service_id": "s", "status": "active", "created_at": "2026-01-01T00:00:00Z"})
			// The same enrollment seen in both scopes is listed once.
			all = append(all, map[string]any{"id": "p-0", "service_id": "s", "status": "active", "created_at": "2026-01-01T00:00:00Z"})
		default:
			t.Errorf("shared = %q, want it explicit", q.Get("shared"))
		}
		end := min(skip+limit, len(all))
		data := []map[string]any{}
		if skip < len(all) {
			data = all[skip:end]
		}
		writeTestJSON(w, http.StatusOK, map[string]any{"data": data, "count": len(all), "skip": skip, "limit": limit})
	})
	es, err := c.ListEnrollments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != personal+1 || es[0].ID != "p-0" || es[len(es)-1].ID != "t-1" {
		t.Fatalf("got %d enrollments (first %s, last %s)", len(es), es[0].ID, es[len(es)-1].ID)
	}
	if calls.Load() != 4 {
		t.Fatalf("%d calls, want 3 personal pages + 1 shared", calls.Load())
	}
}

func TestListEnrollmentsStopsOnEmptyPage(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		// A count that overstates the rows must not loop forever.
		writeTestJSON(w, http.StatusOK, map[string]any{"data": []any{}, "count": 50, "skip": 0, "limit": 100})
	})
	es, err := c.ListEnrollments(context.Background())
	if err != nil || len(es) != 0 {
		t.Fatalf("got %v, %v", es, err)
	}
}

func TestListEnrollmentsError(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeTestJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Invalid API key"})
	})
	if _, err := c.ListEnrollments(context.Background()); StatusCode(err) != http.StatusUnauthorized {
		t.Fatalf("err = %v", err)
	}
}
