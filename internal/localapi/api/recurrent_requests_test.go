package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

type recurrentBody struct {
	ID             string            `json:"id"`
	Status         string            `json:"status"`
	CustomerID     string            `json:"customer_id"`
	ServiceID      *string           `json:"service_id"`
	RequestPath    string            `json:"request_path"`
	HTTPMethod     string            `json:"http_method"`
	BodyTemplate   map[string]any    `json:"body_template"`
	RequestHeaders map[string]string `json:"request_headers"`
	Schedule       map[string]any    `json:"schedule"`
	State          struct {
		NextRunAt      *string `json:"next_run_at"`
		LastRunAt      *string `json:"last_run_at"`
		RunCount       int     `json:"run_count"`
		LastStatusCode *int    `json:"last_status_code"`
		LastError      *string `json:"last_error"`
	} `json:"state"`
	Name *string `json:"name"`
}

func createRecurrent(t *testing.T, ts *testServer, key string, body map[string]any) recurrentBody {
	t.Helper()
	var rr recurrentBody
	ts.doJSON(t, "POST", "/recurrent-requests/", key, body, http.StatusCreated, &rr)
	return rr
}

func pingRequest() map[string]any {
	return map[string]any{
		"name": "chat-ping", "request_path": "/g/llm/v1/chat/completions",
		"body_template":   map[string]any{"messages": []any{map[string]any{"role": "user", "content": "ping"}}},
		"request_headers": map[string]string{"X-Unitysvc-Log-Request": "true"},
	}
}

func interval(n any) map[string]any {
	return map[string]any{"schedule": map[string]any{"schedule_type": "interval", "interval_seconds": n}}
}

func cronSchedule(expr, tz string) map[string]any {
	s := map[string]any{"schedule_type": "cron", "cron_expression": expr}
	if tz != "" {
		s["timezone"] = tz
	}
	return map[string]any{"schedule": s}
}

func TestRecurrentRequestsLifecycle(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	if rr.Status != "draft" || rr.HTTPMethod != "POST" || rr.Schedule != nil || rr.State.NextRunAt != nil || rr.State.RunCount != 0 {
		t.Fatalf("created = %+v; want a draft, POST by default, no schedule, nothing scheduled", rr)
	}
	path := "/recurrent-requests/" + rr.ID
	// Setting a schedule on a draft activates it.
	ts.doJSON(t, "PATCH", path, keyA, interval(300), http.StatusOK, &rr)
	if rr.Status != "active" || rr.Schedule["interval_seconds"] != float64(300) || rr.State.NextRunAt == nil {
		t.Fatalf("after schedule = %+v; want active with a next run", rr)
	}
	next, err := time.Parse(time.RFC3339, *rr.State.NextRunAt)
	if err != nil || time.Until(next) <= 0 || time.Until(next) > 300*time.Second {
		t.Fatalf("next_run_at %s is not within the next 300s", *rr.State.NextRunAt)
	}
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"status": "paused"}, http.StatusOK, &rr)
	if rr.Status != "paused" || rr.State.NextRunAt != nil {
		t.Fatalf("paused = %+v; want no next run", rr)
	}
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"status": "active"}, http.StatusOK, &rr)
	if rr.Status != "active" {
		t.Fatalf("resume: %s", rr.Status)
	}
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"status": "cancelled"}, http.StatusOK, &rr)
	if rr.Status != "cancelled" {
		t.Fatalf("cancel: %s", rr.Status)
	}
	// Cancelled is final; repeating the cancel is harmless.
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"status": "cancelled"}, http.StatusOK, nil)
	status, data := ts.do(t, "PATCH", path, keyA, map[string]any{"status": "active"})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "cancelled") {
		t.Fatalf("reactivating a cancelled request: %d %s, want 409", status, data)
	}
	if status, _ := ts.do(t, "DELETE", path, keyA, nil); status != http.StatusNoContent {
		t.Fatalf("delete: %d, want 204", status)
	}
	if status, _ := ts.do(t, "GET", path, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("get after delete: %d, want 404", status)
	}
	if status, _ := ts.do(t, "DELETE", path, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("second delete: %d, want 404", status)
	}
}

func TestRecurrentRequestsScheduleAndPauseInOneCall(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	body := cronSchedule("0 */6 * * *", "")
	body["status"] = "paused"
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, body, http.StatusOK, &rr)
	if rr.Status != "paused" || rr.Schedule["timezone"] != "UTC" {
		t.Fatalf("schedule+pause = %+v; want paused with timezone defaulted to UTC", rr)
	}
}

func TestRecurrentRequestsDraftNeedsSchedule(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	for _, st := range []string{"active", "paused"} {
		status, data := ts.do(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, map[string]any{"status": st})
		if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), "set a schedule") {
			t.Fatalf("status %s on a draft: %d %s, want 422 asking for a schedule", st, status, data)
		}
	}
	status, data := ts.do(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, map[string]any{"status": "draft"})
	if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), "draft") {
		t.Fatalf("status draft: %d %s, want 422", status, data)
	}
	// A draft can be cancelled.
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, map[string]any{"status": "cancelled"}, http.StatusOK, nil)
}

func TestRecurrentRequestsScheduleValidation(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"interval below 60", interval(59), "between 60 and 604800"},
		{"interval above 7 days", interval(604801), "between 60 and 604800"},
		{"fractional interval", interval(300.5), "whole number"},
		{"interval missing", map[string]any{"schedule": map[string]any{"schedule_type": "interval"}}, "interval_seconds is required"},
		{"cron too few fields", cronSchedule("* * *", ""), "5-field"},
		{"cron with seconds", cronSchedule("0 0 */6 * * *", ""), "5-field"},
		{"cron out of range", cronSchedule("61 * * * *", ""), "5-field"},
		{"cron descriptor", cronSchedule("@daily", ""), "descriptors"},
		{"cron tz prefix", cronSchedule("CRON_TZ=UTC 0 * * * *", ""), "time zone prefix"},
		{"unknown timezone", cronSchedule("0 * * * *", "Mars/Olympus_Mons"), "not a known IANA time zone"},
		{"Local timezone", cronSchedule("0 * * * *", "Local"), "IANA"},
		{"both interval and cron", map[string]any{"schedule": map[string]any{"schedule_type": "cron", "cron_expression": "0 * * * *", "interval_seconds": 300}}, "interval_seconds belongs"},
		{"cron fields on interval", map[string]any{"schedule": map[string]any{"schedule_type": "interval", "interval_seconds": 300, "cron_expression": "0 * * * *"}}, "interval_seconds only"},
		{"unknown type", map[string]any{"schedule": map[string]any{"schedule_type": "weekly"}}, "\"interval\" or \"cron\""},
		{"missing type", map[string]any{"schedule": map[string]any{"interval_seconds": 300}}, "schedule_type is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, data := ts.do(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, tc.body)
			if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), tc.want) {
				t.Fatalf("status %d, detail %s; want 422 mentioning %q", status, detail(t, data), tc.want)
			}
		})
	}
	// Nothing was stored by the rejected calls.
	ts.doJSON(t, "GET", "/recurrent-requests/"+rr.ID, keyA, nil, http.StatusOK, &rr)
	if rr.Status != "draft" || rr.Schedule != nil {
		t.Fatalf("after rejected updates = %+v", rr)
	}
	// The bounds themselves are allowed.
	for _, n := range []int{60, 604800} {
		ts.doJSON(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, interval(n), http.StatusOK, &rr)
	}
	id := rr.ID
	rr = recurrentBody{} // decode afresh: json.Unmarshal merges into existing maps
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+id, keyA, cronSchedule("*/5 9-17 * * MON-FRI", "America/New_York"), http.StatusOK, &rr)
	if rr.Schedule["schedule_type"] != "cron" || rr.Schedule["interval_seconds"] != nil {
		t.Fatalf("switching to cron kept interval fields: %+v", rr.Schedule)
	}
}

func TestRecurrentRequestsCronNextRunInTimeZone(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, cronSchedule("0 */6 * * *", "UTC"), http.StatusOK, &rr)
	next, err := time.Parse(time.RFC3339, *rr.State.NextRunAt)
	if err != nil || next.Minute() != 0 || next.Hour()%6 != 0 || !next.After(time.Now()) {
		t.Fatalf("next_run_at %v for 0 */6 * * * UTC", rr.State.NextRunAt)
	}
	// Midnight in Kolkata (UTC+05:30) is 18:30 UTC.
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, cronSchedule("0 0 * * *", "Asia/Kolkata"), http.StatusOK, &rr)
	if !strings.HasSuffix(*rr.State.NextRunAt, "T18:30:00.000000Z") {
		t.Fatalf("next_run_at %s for midnight Asia/Kolkata, want 18:30 UTC", *rr.State.NextRunAt)
	}
}

func TestRecurrentRequestsCreateValidation(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"missing path", map[string]any{"name": "x"}, "request_path"},
		{"empty path", map[string]any{"request_path": ""}, "must not be empty"},
		{"bad method", map[string]any{"request_path": "/g/llm", "http_method": "FETCH"}, "http_method must be one of"},
		{"lower-case method", map[string]any{"request_path": "/g/llm", "http_method": "post"}, "upper case"},
		{"long name", map[string]any{"request_path": "/g/llm", "name": strings.Repeat("n", 201)}, "at most 200"},
		{"service id not a uuid", map[string]any{"request_path": "/g/llm", "service_id": "abc"}, "UUID"},
		{"unknown service", map[string]any{"request_path": "/g/llm", "service_id": "00000000-0000-0000-0000-000000000001"}, "not in the catalog"},
		{"body not an object", map[string]any{"request_path": "/g/llm", "body_template": []any{1}}, "valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, data := ts.do(t, "POST", "/recurrent-requests/", keyA, tc.body)
			if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), tc.want) {
				t.Fatalf("status %d, detail %s; want 422 mentioning %q", status, detail(t, data), tc.want)
			}
		})
	}
	createRecurrent(t, ts, keyA, map[string]any{"request_path": "/g/llm", "name": strings.Repeat("n", 200), "http_method": "GET"})
}

func TestRecurrentRequestsPatchReplacesAndClears(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	path := "/recurrent-requests/" + rr.ID
	rr = recurrentBody{} // decode afresh: json.Unmarshal merges into existing maps
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"request_headers": map[string]string{"X-A": "1"}, "body_template": map[string]any{"prompt": "hi"}}, http.StatusOK, &rr)
	if len(rr.RequestHeaders) != 1 || rr.RequestHeaders["X-A"] != "1" || rr.BodyTemplate["prompt"] != "hi" || rr.BodyTemplate["messages"] != nil {
		t.Fatalf("headers and body are replaced wholesale: %+v", rr)
	}
	if rr.Name == nil || *rr.Name != "chat-ping" || rr.Status != "draft" {
		t.Fatalf("fields not named by the PATCH changed: %+v", rr)
	}
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"name": nil, "request_headers": nil, "body_template": nil, "request_path": "/g/embeddings"}, http.StatusOK, &rr)
	if rr.Name != nil || rr.RequestHeaders != nil || rr.BodyTemplate != nil || rr.RequestPath != "/g/embeddings" {
		t.Fatalf("null did not clear: %+v", rr)
	}
	ts.doJSON(t, "PATCH", path, keyA, interval(120), http.StatusOK, &rr)
	status, data := ts.do(t, "PATCH", path, keyA, map[string]any{"schedule": nil})
	if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), "cannot be removed") {
		t.Fatalf("removing the schedule: %d %s, want 422", status, data)
	}
}

func TestRecurrentRequestsTriggerRunsNowAndReturnsTheAnswer(t *testing.T) {
	ts := newTestServer(t)
	ts.doJSON(t, "POST", "/request-logs/start", keyA, nil, http.StatusOK, nil)
	body := pingRequest()
	body["request_path"] = "/g/llm/v1/chat/completions"
	body["body_template"] = map[string]any{"model": "mistral-small", "messages": []any{map[string]any{"role": "user", "content": "ping"}}}
	rr := createRecurrent(t, ts, keyA, body)
	path := "/recurrent-requests/" + rr.ID
	ts.doJSON(t, "PATCH", path, keyA, interval(600), http.StatusOK, &rr)
	next := *rr.State.NextRunAt
	var answer struct {
		SystemFingerprint string `json:"system_fingerprint"`
		Choices           []struct {
			Message struct{ Content string }
		}
	}
	ts.doJSON(t, "POST", path+"/trigger", keyA, nil, http.StatusOK, &answer)
	if answer.SystemFingerprint != "unitysvc-local/mistral-small" || answer.Choices[0].Message.Content != "mistral-small (mistral) answered: ping" {
		t.Fatalf("trigger answered %+v", answer)
	}
	ts.doJSON(t, "GET", path, keyA2, nil, http.StatusOK, &rr)
	if rr.State.RunCount != 1 || rr.State.LastStatusCode == nil || *rr.State.LastStatusCode != 200 || rr.State.LastRunAt == nil ||
		rr.State.NextRunAt == nil || *rr.State.NextRunAt != next || rr.State.LastError != nil {
		t.Fatalf("state after trigger = %+v; want one run, 200, next_run_at unchanged (%s)", rr.State, next)
	}
	// The run is in the request logs, from the backend, with the id.
	var logs requestLogList
	ts.doJSON(t, "GET", "/request-logs?recurrent_request_id="+rr.ID, keyA, nil, http.StatusOK, &logs)
	if logs.TotalCount != 1 || logs.Items[0].GatewaySource != "backend" || logs.Items[0].Path != "/g/llm/v1/chat/completions" ||
		*logs.Items[0].StatusCode != 200 {
		t.Fatalf("logs of the run = %+v", logs)
	}

	// A run whose path routes nowhere answers the gateway's error and
	// records it.
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"request_path": "/g/no-such-group/v1/chat/completions"}, http.StatusOK, nil)
	status, data := ts.do(t, "POST", path+"/trigger", keyA, nil)
	if status != http.StatusNotFound || !strings.Contains(detail(t, data), "no collection or platform group named 'no-such-group'") {
		t.Fatalf("trigger to nowhere: %d %s", status, data)
	}
	ts.doJSON(t, "GET", path, keyA, nil, http.StatusOK, &rr)
	if rr.State.RunCount != 2 || *rr.State.LastStatusCode != 404 || rr.State.LastError == nil || !strings.Contains(*rr.State.LastError, "no-such-group") {
		t.Fatalf("state after a failed run = %+v", rr.State)
	}
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"status": "cancelled"}, http.StatusOK, nil)
	if status, data := ts.do(t, "POST", path+"/trigger", keyA, nil); status != http.StatusConflict || !strings.Contains(detail(t, data), "cancelled") {
		t.Fatalf("trigger of a cancelled request: %d %s, want 409", status, data)
	}
	if status, _ := ts.do(t, "POST", "/recurrent-requests/00000000-0000-0000-0000-000000000000/trigger", keyA, nil); status != http.StatusNotFound {
		t.Fatalf("trigger unknown: %d, want 404", status)
	}
	if status, _ := ts.do(t, "POST", path+"/trigger", keyB, nil); status != http.StatusNotFound {
		t.Fatalf("trigger by another customer: %d, want 404", status)
	}
}

func TestRecurrentRequestsTriggerRelativeToItsService(t *testing.T) {
	ts := newTestServer(t)
	var emb *struct{ ID string }
	for _, s := range ts.Catalog.Services {
		if s.Name == "text-embedding-3-small" {
			emb = &struct{ ID string }{s.ID}
		}
	}
	rr := createRecurrent(t, ts, keyA, map[string]any{"service_id": emb.ID, "request_path": "v1/embeddings", "body_template": map[string]any{"input": "hello"}})
	var out struct {
		Model string `json:"model"`
		Data  []struct {
			Embedding []float64 `json:"embedding"`
		} `json:"data"`
	}
	ts.doJSON(t, "POST", "/recurrent-requests/"+rr.ID+"/trigger", keyA, nil, http.StatusOK, &out)
	if out.Model != "text-embedding-3-small" || len(out.Data) != 1 || len(out.Data[0].Embedding) != 8 {
		t.Fatalf("a path relative to the service: %+v", out)
	}
}

func TestRecurrentRequestsResumeCountsFromTheResume(t *testing.T) {
	ts := newTestServer(t)
	rr := createRecurrent(t, ts, keyA, pingRequest())
	path := "/recurrent-requests/" + rr.ID
	ts.doJSON(t, "PATCH", path, keyA, interval(60), http.StatusOK, &rr)
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"status": "paused"}, http.StatusOK, &rr)
	time.Sleep(20 * time.Millisecond)
	before := time.Now().UTC()
	ts.doJSON(t, "PATCH", path, keyA, map[string]any{"status": "active"}, http.StatusOK, &rr)
	next, err := time.Parse(time.RFC3339, *rr.State.NextRunAt)
	if err != nil || next.Before(before.Add(59*time.Second)) || next.After(time.Now().Add(60*time.Second)) {
		t.Fatalf("next_run_at %v after resuming at %v: want one interval after the resume", rr.State.NextRunAt, before)
	}
}

func TestRecurrentRequestsCustomerScopeAndFilters(t *testing.T) {
	ts := newTestServer(t)
	g, _ := ts.Catalog.Group("llm")
	svc := ts.Catalog.GroupServices(g)[0]
	withService := pingRequest()
	withService["service_id"] = strings.ToUpper(svc.ID)
	a := createRecurrent(t, ts, keyA, withService)
	if a.ServiceID == nil || *a.ServiceID != svc.ID {
		t.Fatalf("service_id = %v, want %s (canonical)", a.ServiceID, svc.ID)
	}
	other := pingRequest()
	other["name"] = "chat-ping-2"
	b := createRecurrent(t, ts, keyA2, other)
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+b.ID, keyA, interval(600), http.StatusOK, nil)
	// Recurrent requests belong to the customer: teammates share them.
	ts.doJSON(t, "GET", "/recurrent-requests/"+a.ID, keyA2, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "GET", "/recurrent-requests/"+a.ID, keyB, nil); status != http.StatusNotFound {
		t.Fatalf("other customer read: %d, want 404", status)
	}
	var list struct {
		Data  []recurrentBody `json:"data"`
		Count int             `json:"count"`
	}
	ts.doJSON(t, "GET", "/recurrent-requests/", keyA, nil, http.StatusOK, &list)
	if list.Count != 2 {
		t.Fatalf("list count %d, want 2", list.Count)
	}
	ts.doJSON(t, "GET", "/recurrent-requests/?status=active", keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].ID != b.ID {
		t.Fatalf("status filter = %+v", list)
	}
	ts.doJSON(t, "GET", "/recurrent-requests/?service_id="+svc.ID, keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].ID != a.ID {
		t.Fatalf("service filter = %+v", list)
	}
	ts.doJSON(t, "GET", "/recurrent-requests/", keyB, nil, http.StatusOK, &list)
	if list.Count != 0 {
		t.Fatalf("other customer lists %d", list.Count)
	}
	if status, _ := ts.do(t, "GET", "/recurrent-requests/?limit=0", keyA, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("limit=0: %d, want 422", status)
	}
	if status, _ := ts.do(t, "GET", "/recurrent-requests/nope", keyA, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("malformed id: %d, want 422", status)
	}
}

// Names are unique per customer among requests that are not cancelled
// (teammates included; other customers and unnamed requests never clash).
func TestRecurrentRequestsNamesAreUniquePerCustomer(t *testing.T) {
	ts := newTestServer(t)
	first := createRecurrent(t, ts, keyA, pingRequest())
	status, body := ts.do(t, "POST", "/recurrent-requests/", keyA2, pingRequest())
	if status != http.StatusConflict || !strings.Contains(detail(t, body), first.ID) || !strings.Contains(detail(t, body), `"chat-ping"`) {
		t.Fatalf("duplicate name: %d %s, want 409 naming the existing request", status, body)
	}
	createRecurrent(t, ts, keyB, pingRequest()) // another customer
	unnamed := map[string]any{"request_path": "/g/llm/v1/chat/completions"}
	createRecurrent(t, ts, keyA, unnamed)
	createRecurrent(t, ts, keyA, unnamed)
	// A rename onto a taken name is refused too; keeping one's own is not.
	second := createRecurrent(t, ts, keyA, map[string]any{"name": "second", "request_path": "/g/llm"})
	if status, body := ts.do(t, "PATCH", "/recurrent-requests/"+second.ID, keyA, map[string]any{"name": "chat-ping"}); status != http.StatusConflict {
		t.Fatalf("rename onto a taken name: %d %s, want 409", status, body)
	}
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+second.ID, keyA, map[string]any{"name": "second", "request_path": "/g/other"}, http.StatusOK, nil)
	// Once the first is cancelled, its name is free again.
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+first.ID, keyA, map[string]any{"status": "cancelled"}, http.StatusOK, nil)
	createRecurrent(t, ts, keyA, pingRequest())
}
