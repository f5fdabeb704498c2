package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

type requestLogItem struct {
	LogID              string   `json:"log_id"`
	EventID            string   `json:"event_id"`
	EventTimestamp     string   `json:"event_timestamp"`
	GatewaySource      string   `json:"gateway_source"`
	ServiceID          *string  `json:"service_id"`
	EnrollmentID       *string  `json:"service_enrollment_id"`
	Method             string   `json:"user_request_method"`
	Path               string   `json:"user_request_path"`
	StatusCode         *int     `json:"upstream_response_status_code"`
	TimeMS             *float64 `json:"upstream_response_time_ms"`
	ErrorSource        *string  `json:"error_source"`
	ErrorType          *string  `json:"error_type"`
	RecurrentRequestID *string  `json:"recurrent_request_id"`
}

type requestLogList struct {
	TotalCount int              `json:"total_count"`
	Skip       int              `json:"skip"`
	Limit      int              `json:"limit"`
	Items      []requestLogItem `json:"items"`
}

type requestLogDetail struct {
	LogID       string `json:"log_id"`
	UserID      string `json:"user_id"`
	UserRequest struct {
		Method      string            `json:"method"`
		Path        string            `json:"path"`
		Headers     map[string]string `json:"headers"`
		Body        any               `json:"body"`
		ContentType string            `json:"content_type"`
	} `json:"user_request"`
	UpstreamResponse *struct {
		StatusCode int               `json:"status_code"`
		Headers    map[string]string `json:"headers"`
		Body       any               `json:"body"`
	} `json:"upstream_response"`
	UsageEvent *struct {
		CustomerCharge string `json:"customer_charge"`
		UsageMetrics   string `json:"usage_metrics"`
	} `json:"usage_event"`
	Error *struct {
		Category  string `json:"category"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

func (ts *testServer) logs(t *testing.T, key, query string) requestLogList {
	t.Helper()
	var l requestLogList
	ts.doJSON(t, "GET", "/request-logs"+query, key, nil, http.StatusOK, &l)
	return l
}

func chat(model, text string) string {
	return `{"model":"` + model + `","messages":[{"role":"user","content":"` + text + `"}]}`
}

func TestRequestLogsAreOptInPerUserAndStayAfterStop(t *testing.T) {
	ts := newTestServer(t)
	groq := ts.serviceID(t, "llama-3.1-8b-groq")
	if status, _ := ts.dispatch(t, "/p/"+groq+"/v1/chat/completions", keyA, chat("llama-3.1-8b", "before")); status != 200 {
		t.Fatalf("dispatch: %d", status)
	}
	if l := ts.logs(t, keyA, ""); l.TotalCount != 0 || l.Limit != 50 || l.Skip != 0 {
		t.Fatalf("before start: %+v", l)
	}
	var st struct {
		Enabled bool `json:"enabled"`
	}
	for range 2 { // idempotent
		ts.doJSON(t, "POST", "/request-logs/start", keyA, nil, http.StatusOK, &st)
		if !st.Enabled {
			t.Fatal("start: enabled false")
		}
	}
	ts.dispatch(t, "/p/"+groq+"/v1/chat/completions", keyA, chat("llama-3.1-8b", "logged"), "X-Secret-Token", "s3cr3t", "X-Trace", "t-1")
	ts.dispatch(t, "/p/"+groq+"/v1/chat/completions", keyA2, chat("llama-3.1-8b", "teammate, not logging"))
	l := ts.logs(t, keyA2, "") // the customer's rows: teammates see them
	if l.TotalCount != 1 || *l.Items[0].ServiceID != groq || *l.Items[0].StatusCode != 200 || l.Items[0].GatewaySource != "apisix" ||
		l.Items[0].Method != http.MethodPost || l.Items[0].Path != "/p/"+groq+"/v1/chat/completions" || l.Items[0].ErrorType != nil || *l.Items[0].TimeMS <= 0 {
		t.Fatalf("after one logged dispatch: %+v", l)
	}
	var d requestLogDetail
	ts.doJSON(t, "GET", "/request-logs/"+l.Items[0].LogID, keyA, nil, http.StatusOK, &d)
	if d.UserRequest.Headers["x-secret-token"] != "[redacted]" || d.UserRequest.Headers["x-trace"] != "t-1" || d.UserRequest.Headers["authorization"] != "" ||
		d.UserRequest.ContentType != "" && d.UserRequest.ContentType != "application/json" {
		t.Fatalf("stored request headers: %+v", d.UserRequest.Headers)
	}
	if body, _ := d.UserRequest.Body.(map[string]any); body["model"] != "llama-3.1-8b" {
		t.Fatalf("stored request body: %#v", d.UserRequest.Body)
	}
	if d.UpstreamResponse == nil || d.UpstreamResponse.StatusCode != http.StatusOK || !strings.Contains(toJSON(d.UpstreamResponse.Body), "llama-3.1-8b-groq (groq) answered: logged") {
		t.Fatalf("stored response: %+v", d.UpstreamResponse)
	}
	if d.UsageEvent == nil || d.UsageEvent.CustomerCharge == "" || !strings.Contains(d.UsageEvent.UsageMetrics, "prompt_tokens") || d.Error != nil {
		t.Fatalf("usage event %+v, error %+v", d.UsageEvent, d.Error)
	}
	for key, want := range map[string]string{keyA: "svcpass_test_a", keyA2: "svcpass_test_a2"} {
		if strings.Contains(toJSON(d), want) {
			t.Fatalf("a stored row contains the API key of %s", key)
		}
	}
	for range 2 {
		ts.doJSON(t, "POST", "/request-logs/stop", keyA, nil, http.StatusOK, &st)
		if st.Enabled {
			t.Fatal("stop: enabled true")
		}
	}
	ts.dispatch(t, "/p/"+groq+"/v1/chat/completions", keyA, chat("llama-3.1-8b", "after stop"))
	if l := ts.logs(t, keyA, ""); l.TotalCount != 1 {
		t.Fatalf("after stop: %d rows, want the one logged before", l.TotalCount)
	}
	if l := ts.logs(t, keyB, ""); l.TotalCount != 0 {
		t.Fatalf("another customer sees %d rows", l.TotalCount)
	}
	if status, _ := ts.do(t, "GET", "/request-logs/"+l.Items[0].LogID, keyB, nil); status != http.StatusNotFound {
		t.Fatalf("another customer's detail: %d, want 404", status)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestRequestLogsTruncationModeIsKept(t *testing.T) {
	ts := newTestServer(t)
	groq := ts.serviceID(t, "llama-3.1-8b-groq")
	long := strings.Repeat("word ", 3000) // 15 KB
	send := func() requestLogDetail {
		t.Helper()
		ts.dispatch(t, "/p/"+groq+"/v1/chat/completions", keyA, chat("llama-3.1-8b", long))
		l := ts.logs(t, keyA, "?limit=1")
		var d requestLogDetail
		ts.doJSON(t, "GET", "/request-logs/"+l.Items[0].LogID, keyA, nil, http.StatusOK, &d)
		return d
	}
	ts.doJSON(t, "POST", "/request-logs/start?truncate_long_message=false", keyA, nil, http.StatusOK, nil)
	if d := send(); len(d.UserRequest.Body.(map[string]any)["messages"].([]any)[0].(map[string]any)["content"].(string)) != len(long) {
		t.Fatal("complete mode must keep the whole request body")
	}
	ts.doJSON(t, "POST", "/request-logs/stop", keyA, nil, http.StatusOK, nil)
	ts.doJSON(t, "POST", "/request-logs/start", keyA, nil, http.StatusOK, nil) // keeps complete
	if d := send(); d.UserRequest.Body == nil || toJSON(d.UserRequest.Body)[0] != '{' {
		t.Fatal("start without truncate_long_message must keep the complete mode")
	}
	ts.doJSON(t, "POST", "/request-logs/start?truncate_long_message=true", keyA, nil, http.StatusOK, nil)
	if d := send(); len(d.UserRequest.Body.(string)) != 8<<10 {
		t.Fatalf("truncated mode keeps an 8 KB preview, got %d bytes", len(d.UserRequest.Body.(string)))
	}
	if status, _ := ts.do(t, "POST", "/request-logs/start?truncate_long_message=maybe", keyA, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad truncate_long_message: %d", status)
	}
}

func TestRequestLogFilters(t *testing.T) {
	ts := newTestServer(t)
	ts.doJSON(t, "POST", "/request-logs/start", keyA, nil, http.StatusOK, nil)
	groq := ts.serviceID(t, "llama-3.1-8b-groq")
	fw := ts.serviceID(t, "llama-3.1-8b-fireworks")
	ts.dispatch(t, "/p/"+groq+"/v1/chat/completions", keyA, chat("llama-3.1-8b", "one"))
	ts.dispatch(t, "/p/"+fw+"/v1/chat/completions", keyA, chat("llama-3.1-8b", "two"))
	ts.dispatch(t, "/p/"+fw+"/v1/images", keyA, `{"prompt":"x"}`) // the upstream's 404
	ts.dispatch(t, "/g/no-such-group/v1/chat/completions", keyA, chat("x", "three"))
	// A row from two days ago: outside the default window.
	old := &store.RequestLog{ID: "00000000-0000-0000-0000-0000000000aa", EventID: "e-old", CustomerID: customerOf(t, ts, keyA), UserID: userOf(t, ts, keyA),
		Timestamp: time.Now().Add(-48 * time.Hour), GatewaySource: "backend", Method: "POST", Path: "/g/llm/v1/chat/completions", RequestContentType: "application/json"}
	if err := ts.Store.InsertRequestLogs(context.Background(), []*store.RequestLog{old}); err != nil {
		t.Fatal(err)
	}
	ago := func(d time.Duration) string { return url.QueryEscape(time.Now().Add(-d).UTC().Format(time.RFC3339)) }
	for _, c := range []struct {
		query string
		want  int
	}{
		{"", 4},
		{"?service_id=" + fw, 2},
		{"?status_min=200&status_max=299", 2},
		{"?status_min=400", 2},
		{"?error_source=upstream", 1},
		{"?error_source=gateway&error_type=no_route", 1},
		{"?error_type=upstream_status", 1},
		{"?user_request_path=/p/" + fw, 2},
		{"?user_request_path=g/no-such", 1},
		{"?gateway_source=apisix", 4},
		{"?gateway_source=backend", 0},
		{"?start_time=" + ago(72*time.Hour), 5},
		{"?start_time=" + ago(72*time.Hour) + "&end_time=" + ago(24*time.Hour), 1},
		{"?end_time=" + ago(time.Hour), 1},
		{"?recurrent_request_id=00000000-0000-0000-0000-000000000001", 0},
	} {
		if l := ts.logs(t, keyA, c.query); l.TotalCount != c.want || len(l.Items) != c.want {
			t.Errorf("%s: %d rows (%d items), want %d", c.query, l.TotalCount, len(l.Items), c.want)
		}
	}
	page := ts.logs(t, keyA, "?skip=1&limit=2")
	all := ts.logs(t, keyA, "")
	if page.TotalCount != 4 || len(page.Items) != 2 || page.Items[0].LogID != all.Items[1].LogID || page.Skip != 1 || page.Limit != 2 {
		t.Fatalf("page = %+v", page)
	}
	if all.Items[0].Path != "/g/no-such-group/v1/chat/completions" {
		t.Fatalf("newest first: %+v", all.Items[0])
	}
	var d requestLogDetail
	ts.doJSON(t, "GET", "/request-logs/"+all.Items[0].LogID, keyA, nil, http.StatusOK, &d)
	if d.UpstreamResponse != nil || d.Error == nil || d.Error.Category != "no_route" {
		t.Fatalf("a refused request: %+v", d)
	}
	for _, q := range []string{"?limit=0", "?limit=201", "?skip=-1", "?status_min=99", "?status_max=600", "?service_id=nope",
		"?start_time=yesterday", "?error_source=client", "?gateway_source=nginx", "?recurrent_request_id=x"} {
		if status, data := ts.do(t, "GET", "/request-logs"+q, keyA, nil); status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s, want 422", q, status, data)
		}
	}
	if status, _ := ts.do(t, "GET", "/request-logs/not-a-uuid", keyA, nil); status != http.StatusUnprocessableEntity {
		t.Errorf("malformed log id: %d", status)
	}
	if status, _ := ts.do(t, "GET", "/request-logs/00000000-0000-0000-0000-000000000000", keyA, nil); status != http.StatusNotFound {
		t.Errorf("unknown log id: %d", status)
	}
	if status, _ := ts.do(t, "GET", "/request-logs", noAuth, nil); status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", status)
	}
}

func userOf(t *testing.T, ts *testServer, key string) string {
	t.Helper()
	p, err := ts.Store.Authenticate(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return p.UserID
}

func customerOf(t *testing.T, ts *testServer, key string) string {
	t.Helper()
	p, err := ts.Store.Authenticate(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return p.CustomerID
}
