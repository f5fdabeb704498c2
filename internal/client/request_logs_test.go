package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestListRequestLogsPagesAndFilters(t *testing.T) {
	var pages []string
	const total = 450
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/request-logs" {
			t.Errorf("path %s", r.URL.Path)
		}
		q := r.URL.Query()
		pages = append(pages, q.Get("skip")+"/"+q.Get("limit"))
		for k, want := range map[string]string{
			"service_id": "s1", "service_enrollment_id": "e1", "recurrent_request_id": "r1", "status_min": "500", "status_max": "599",
			"start_time": "2026-11-24T08:00:00Z", "user_request_path": "/g/x", "error_source": "upstream", "error_type": "timeout",
			"gateway_source": "apisix",
		} {
			if got := q.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if q.Has("end_time") {
			t.Errorf("end_time sent though unset")
		}
		skip, _ := strconv.Atoi(q.Get("skip"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		items := []map[string]any{}
		for i := skip; i < min(skip+limit, total); i++ {
			items = append(items, map[string]any{"log_id": fmt.Sprint(i), "event_id": "e", "event_timestamp": "t", "gateway_source": "apisix",
				"user_request_method": "POST", "user_request_path": "/g/x"})
		}
		writeTestJSON(w, http.StatusOK, map[string]any{"total_count": total, "skip": skip, "limit": limit, "items": items})
	})
	lo, hi := int64(500), int64(599)
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	f := RequestLogFilter{ServiceID: "s1", EnrollmentID: "e1", RecurrentRequestID: "r1", StatusMin: &lo, StatusMax: &hi, StartTime: &start,
		PathPrefix: "/g/x", ErrorSource: "upstream", ErrorType: "timeout", GatewaySource: "apisix"}
	items, n, err := c.ListRequestLogs(context.Background(), f, 300)
	if err != nil || len(items) != 300 || n != total {
		t.Fatalf("%d items of %d, %v", len(items), n, err)
	}
	if fmt.Sprint(pages) != "[0/200 200/100]" {
		t.Fatalf("pages %v, want the API's largest page then the rest", pages)
	}
	pages = nil
	items, _, err = c.ListRequestLogs(context.Background(), f, 1000)
	if err != nil || len(items) != total || fmt.Sprint(pages) != "[0/200 200/200 400/200]" {
		t.Fatalf("%d items, pages %v, %v", len(items), pages, err)
	}
}

// Resolve and the logging switches create nothing, so a lost answer is
// safely sent again, unlike a create.
func TestIdempotentPOSTsAreRetried(t *testing.T) {
	var calls atomic.Int32
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		switch r.URL.Path {
		case "/v1/resolve":
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			if body["path"] != "g/x" || body["gateway"] != "api" {
				t.Errorf("resolve body %v", body)
			}
			writeTestJSON(w, http.StatusOK, map[string]any{"candidates": []any{map[string]any{"service_id": "s"}}, "routing_strategy": nil, "selected": map[string]any{"service_id": "s"}})
		case "/v1/request-logs/start":
			if r.URL.Query().Get("truncate_long_message") != "false" {
				t.Errorf("start query %s", r.URL.RawQuery)
			}
			writeTestJSON(w, http.StatusOK, map[string]any{"enabled": true})
		case "/v1/request-logs/stop":
			writeTestJSON(w, http.StatusOK, map[string]any{"enabled": false})
		}
	})
	ctx := context.Background()
	res, err := c.Resolve(ctx, ResolveRequest{Path: "g/x", Gateway: GatewayAPI})
	if err != nil || len(res.Candidates) != 1 || res.Selected == nil {
		t.Fatalf("resolve %+v, %v", res, err)
	}
	f := false
	if st, err := c.StartRequestLogging(ctx, &f); err != nil || !st.Enabled {
		t.Fatalf("start %+v, %v", st, err)
	}
	if st, err := c.StopRequestLogging(ctx); err != nil || st.Enabled {
		t.Fatalf("stop %+v, %v", st, err)
	}
	if calls.Load() != 6 {
		t.Fatalf("%d calls, want each of the 3 sent twice", calls.Load())
	}
}
