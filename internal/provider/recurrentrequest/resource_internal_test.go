package recurrentrequest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// fakeAPI is a minimal recurrent-requests API whose schedule and status
// PATCHes can be made to fail.
type fakeAPI struct {
	mu            sync.Mutex
	failSchedule  int // status to answer a PATCH with a schedule
	failStatus    int // status to answer a PATCH with only a status
	failDelete    int
	calls         []string
	deletedDrafts []string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	rr := map[string]any{"id": "11111111-1111-1111-1111-111111111111", "status": "draft", "customer_id": "c", "request_path": "/g/llm", "http_method": "POST", "created_at": "t"}
	switch r.Method {
	case http.MethodPost:
		reply(http.StatusCreated, rr)
	case http.MethodPatch:
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if _, ok := body["schedule"]; ok {
			if f.failSchedule != 0 {
				reply(f.failSchedule, map[string]any{"detail": "schedule refused by the test"})
				return
			}
			rr["status"], rr["schedule"] = "active", body["schedule"]
			reply(http.StatusOK, rr)
			return
		}
		if f.failStatus != 0 {
			reply(f.failStatus, map[string]any{"detail": "status refused by the test"})
			return
		}
		rr["status"] = body["status"]
		reply(http.StatusOK, rr)
	case http.MethodDelete:
		if f.failDelete != 0 {
			reply(f.failDelete, map[string]any{"detail": "delete refused by the test"})
			return
		}
		f.deletedDrafts = append(f.deletedDrafts, strings.TrimPrefix(r.URL.Path, "/v1/recurrent-requests/"))
		w.WriteHeader(http.StatusNoContent)
	default:
		reply(http.StatusNotFound, map[string]any{"detail": "no route"})
	}
}

func newFakeClient(t *testing.T, f *fakeAPI) *client.Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL + "/v1", APIKey: "k", MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var createBody = client.RecurrentRequestCreate{RequestPath: "/g/llm"}

// createScheduled creates a draft and activates it, as Create does.
func createScheduled(ctx context.Context, c *client.Client, body client.RecurrentRequestCreate, schedule *client.RecurrentSchedule, status string) (*client.RecurrentRequestPublic, error) {
	draft, err := c.CreateRecurrentRequest(ctx, body)
	if err != nil {
		return nil, err
	}
	return activate(ctx, c, draft.ID, schedule, status)
}

func TestCreateScheduledActivates(t *testing.T) {
	f := &fakeAPI{}
	rr, err := createScheduled(context.Background(), newFakeClient(t, f), createBody, client.IntervalSchedule(300), client.RecurrentStatusActive)
	if err != nil || rr.Status != "active" {
		t.Fatalf("create: %+v, %v", rr, err)
	}
	if len(f.calls) != 2 || len(f.deletedDrafts) != 0 {
		t.Fatalf("calls %v; want POST + one PATCH, nothing deleted", f.calls)
	}
}

func TestCreateScheduledPausesWhenAsked(t *testing.T) {
	f := &fakeAPI{}
	rr, err := createScheduled(context.Background(), newFakeClient(t, f), createBody, client.CronSchedule("0 */6 * * *", "UTC"), client.RecurrentStatusPaused)
	if err != nil || rr.Status != "paused" {
		t.Fatalf("create paused: %+v, %v", rr, err)
	}
	if len(f.calls) != 3 {
		t.Fatalf("calls %v; want POST, schedule PATCH, status PATCH", f.calls)
	}
}

func TestCreateScheduledDeletesDraftWhenScheduleFails(t *testing.T) {
	f := &fakeAPI{failSchedule: http.StatusUnprocessableEntity}
	_, err := createScheduled(context.Background(), newFakeClient(t, f), createBody, client.IntervalSchedule(300), client.RecurrentStatusActive)
	if err == nil {
		t.Fatal("create succeeded although the schedule was refused")
	}
	if len(f.deletedDrafts) != 1 || f.deletedDrafts[0] != "11111111-1111-1111-1111-111111111111" {
		t.Fatalf("drafts deleted: %v (calls %v); want the draft deleted", f.deletedDrafts, f.calls)
	}
	msg := err.Error()
	if !strings.Contains(msg, "Setting the schedule failed") || !strings.Contains(msg, "schedule refused by the test") || !strings.Contains(msg, "was deleted, so nothing was left behind") {
		t.Fatalf("error %q should name the step, carry the server's detail and say the draft was removed", msg)
	}
	if client.StatusCode(err) != http.StatusUnprocessableEntity {
		t.Fatalf("the API error is not in the chain: %v", err)
	}
}

func TestCreateScheduledDeletesWhenPauseFails(t *testing.T) {
	f := &fakeAPI{failStatus: http.StatusConflict}
	_, err := createScheduled(context.Background(), newFakeClient(t, f), createBody, client.IntervalSchedule(300), client.RecurrentStatusPaused)
	if err == nil || len(f.deletedDrafts) != 1 {
		t.Fatalf("err %v, deleted %v; want an error and the request deleted", err, f.deletedDrafts)
	}
}

func TestCreateScheduledReportsFailedCleanup(t *testing.T) {
	f := &fakeAPI{failSchedule: http.StatusUnprocessableEntity, failDelete: http.StatusForbidden}
	_, err := createScheduled(context.Background(), newFakeClient(t, f), createBody, client.IntervalSchedule(300), client.RecurrentStatusActive)
	if err == nil || !strings.Contains(err.Error(), "could not be deleted") || !strings.Contains(err.Error(), "11111111-1111-1111-1111-111111111111") {
		t.Fatalf("error %v; want it to say the draft could not be deleted and name it", err)
	}
}
