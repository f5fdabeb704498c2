package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func recurrentJSON() map[string]any {
	return map[string]any{
		"id": "r1", "status": "active", "customer_id": "c1", "request_path": "/g/llm/v1/chat/completions", "http_method": "POST",
		"body_template": map[string]any{"prompt": "ping"}, "request_headers": map[string]string{"X-A": "1"},
		"schedule": map[string]any{"schedule_type": "cron", "cron_expression": "0 */6 * * *", "timezone": "UTC"},
		"state":    map[string]any{"next_run_at": "2026-01-01T06:00:00Z", "run_count": 0},
		"name":     "summary", "created_at": "2026-01-01T00:00:00Z",
	}
}

func TestCreateRecurrentRequestSendsTemplate(t *testing.T) {
	var got map[string]any
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/recurrent-requests/" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		got = scheduleBody(t, r)
		out := recurrentJSON()
		out["status"], out["schedule"] = "draft", nil
		scheduleJSON(w, http.StatusCreated, out)
	})
	name := "summary"
	rr, err := c.CreateRecurrentRequest(context.Background(), client.RecurrentRequestCreate{
		RequestPath: "/g/llm/v1/chat/completions", BodyTemplate: json.RawMessage(`{"prompt":"ping"}`), Name: &name,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rr.Status != client.RecurrentStatusDraft || rr.Schedule != nil {
		t.Fatalf("created = %+v", rr)
	}
	if bt, _ := got["body_template"].(map[string]any); bt["prompt"] != "ping" || got["name"] != "summary" {
		t.Fatalf("body = %v", got)
	}
	for _, k := range []string{"http_method", "service_id", "enrollment_id", "request_headers"} {
		if _, ok := got[k]; ok {
			t.Errorf("unset %s was sent: %v", k, got)
		}
	}
}

func TestUpdateRecurrentRequestScheduleAndNulls(t *testing.T) {
	var got map[string]any
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || r.URL.Path != "/v1/recurrent-requests/r1" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		got = scheduleBody(t, r)
		scheduleJSON(w, http.StatusOK, recurrentJSON())
	})
	_, err := c.UpdateRecurrentRequest(context.Background(), "r1", client.RecurrentRequestUpdate{
		Schedule:       client.NullableFrom(client.CronSchedule("0 */6 * * *", "Europe/Berlin")),
		Name:           client.NullOf[string](),
		RequestHeaders: client.NullableFrom[map[string]string](nil),
		Status:         client.NullableOf(client.RecurrentStatusPaused),
	})
	if err != nil {
		t.Fatal(err)
	}
	sched, _ := got["schedule"].(map[string]any)
	if sched["schedule_type"] != "cron" || sched["cron_expression"] != "0 */6 * * *" || sched["timezone"] != "Europe/Berlin" {
		t.Errorf("schedule = %v", sched)
	}
	if _, ok := sched["interval_seconds"]; ok {
		t.Errorf("cron schedule carries interval_seconds: %v", sched)
	}
	for _, k := range []string{"name", "request_headers"} {
		if v, ok := got[k]; !ok || v != nil {
			t.Errorf("%s should be sent as null: %v", k, got)
		}
	}
	for _, k := range []string{"body_template", "request_path"} {
		if _, ok := got[k]; ok {
			t.Errorf("unset %s was sent: %v", k, got)
		}
	}
	if got["status"] != "paused" {
		t.Errorf("status = %v", got["status"])
	}
	b, _ := json.Marshal(client.IntervalSchedule(300))
	if string(b) != `{"schedule_type":"interval","interval_seconds":300}` {
		t.Errorf("interval schedule marshalled %s", b)
	}
}

func TestGetRecurrentRequestDecodesScheduleAndState(t *testing.T) {
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		scheduleJSON(w, http.StatusOK, recurrentJSON())
	})
	rr, err := c.GetRecurrentRequest(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if rr.Schedule == nil || *rr.Schedule.CronExpression != "0 */6 * * *" || *rr.Schedule.Timezone != "UTC" {
		t.Fatalf("schedule = %+v", rr.Schedule)
	}
	if rr.State == nil || *rr.State.NextRunAt != "2026-01-01T06:00:00Z" || *rr.State.RunCount != 0 {
		t.Fatalf("state = %+v", rr.State)
	}
	if string(rr.BodyTemplate) != `{"prompt":"ping"}` || rr.RequestHeaders["X-A"] != "1" {
		t.Fatalf("template = %s %v", rr.BodyTemplate, rr.RequestHeaders)
	}
}

func TestTriggerRecurrentRequestNotImplementedIsNotRetried(t *testing.T) {
	calls := 0
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Method != http.MethodPost || r.URL.Path != "/v1/recurrent-requests/r1/trigger" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		scheduleJSON(w, http.StatusNotImplemented, map[string]string{"detail": "unitysvc-local does not dispatch gateway requests yet"})
	})
	_, err := c.TriggerRecurrentRequest(context.Background(), "r1")
	if client.StatusCode(err) != http.StatusNotImplemented || !strings.Contains(err.Error(), "does not dispatch") || calls != 1 {
		t.Fatalf("error = %v after %d calls; want one 501 with the detail", err, calls)
	}
}

func TestDeleteRecurrentRequestRetriesServerErrors(t *testing.T) {
	calls := 0
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Method != http.MethodDelete || r.URL.Path != "/v1/recurrent-requests/r1" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		if calls == 1 {
			scheduleJSON(w, http.StatusServiceUnavailable, map[string]string{"detail": "busy"})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	if err := c.DeleteRecurrentRequest(context.Background(), "r1"); err != nil || calls != 2 {
		t.Fatalf("delete: %v after %d calls; want success on the retry", err, calls)
	}
}

func TestListRecurrentRequestsFilters(t *testing.T) {
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("status") != "active" || q.Get("service_id") != "s1" || q.Has("enrollment_id") {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		scheduleJSON(w, http.StatusOK, map[string]any{"data": []any{recurrentJSON()}, "count": 1})
	})
	all, err := c.ListRecurrentRequests(context.Background(), client.ListRecurrentRequestsOptions{Status: "active", ServiceID: "s1"})
	if err != nil || len(all) != 1 || all[0].ID != "r1" {
		t.Fatalf("list = %+v, %v", all, err)
	}
}
