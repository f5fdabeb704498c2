package localapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// A key dropped from --api-key stops working after a restart on the same
// data dir: 401 on both ports, the count reported for the banner, and
// the recurrent requests of its user do not run, with last_error saying
// why.
func TestADroppedKeyIsRefusedAfterARestart(t *testing.T) {
	dir := t.TempDir()
	start := func(keys ...string) *localapi.Instance {
		t.Helper()
		inst, err := localapi.Start(context.Background(), localapi.Config{APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", DataDir: dir,
			APIKeys: keys, SchedulerTick: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return inst
	}
	inst := start("svcpass_keep@acme", "svcpass_drop@acme")
	if inst.DisabledKeys != 0 {
		t.Fatalf("first start: %d keys disabled", inst.DisabledKeys)
	}
	status, body := call(t, "POST", inst.APIURL+"/recurrent-requests/", "svcpass_drop", map[string]any{"request_path": "/g/llm/v1/chat/completions",
		"body_template": map[string]any{"model": "llama-3.1-8b", "messages": []any{map[string]any{"role": "user", "content": "x"}}}})
	var rr struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &rr); status != 201 || err != nil {
		t.Fatalf("create: %d %s", status, body)
	}
	if status, body := call(t, "PATCH", inst.APIURL+"/recurrent-requests/"+rr.ID, "svcpass_drop", map[string]any{"status": "paused",
		"schedule": map[string]any{"schedule_type": "interval", "interval_seconds": 60}}); status != 200 {
		t.Fatalf("schedule: %d %s", status, body)
	}
	if err := inst.Close(); err != nil {
		t.Fatal(err)
	}

	inst = start("svcpass_keep@acme")
	t.Cleanup(func() { _ = inst.Close() })
	if inst.DisabledKeys != 1 {
		t.Fatalf("restart without svcpass_drop: %d keys disabled, want 1", inst.DisabledKeys)
	}
	if status, _ := call(t, "GET", inst.APIURL+"/recurrent-requests/", "svcpass_drop", nil); status != 401 {
		t.Fatalf("API with the dropped key: %d, want 401", status)
	}
	if status, _ := call(t, "POST", inst.GatewayURL+"/g/llm/v1/chat/completions", "svcpass_drop", map[string]any{"model": "llama-3.1-8b"}); status != 401 {
		t.Fatalf("gateway with the dropped key: %d, want 401", status)
	}
	// The team's other user resumes it: it still runs as the dropped user
	// (who last changed what it sends), so it does not run.
	if status, body := call(t, "PATCH", inst.APIURL+"/recurrent-requests/"+rr.ID, "svcpass_keep", map[string]any{"status": "active"}); status != 200 {
		t.Fatalf("resume: %d %s", status, body)
	}
	var got struct {
		State struct {
			RunCount  int     `json:"run_count"`
			LastError *string `json:"last_error"`
		} `json:"state"`
	}
	deadline := time.Now().Add(15 * time.Second)
	for (got.State.LastError == nil) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		_, body = call(t, "GET", inst.APIURL+"/recurrent-requests/"+rr.ID, "svcpass_keep", nil)
		_ = json.Unmarshal(body, &got)
	}
	if got.State.RunCount != 0 || got.State.LastError == nil || !strings.Contains(*got.State.LastError, "no longer accepted") {
		t.Fatalf("the dropped user's request: %s; want no run and a last_error saying why", body)
	}
}
