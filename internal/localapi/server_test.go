package localapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

func call(t *testing.T, method, url, key string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestScheduledRunsThroughTheGateway starts unitysvc-local with a fast
// scheduler clock and watches an interval request run on its own, with
// its runs in the request logs.
func TestScheduledRunsThroughTheGateway(t *testing.T) {
	inst, err := localapi.Start(context.Background(), localapi.Config{APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true,
		SchedulerTick: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("closing unitysvc-local: %v", err)
		}
	})
	key := inst.APIKeys[0]
	if status, body := call(t, "POST", inst.APIURL+"/request-logs/start", key, nil); status != 200 {
		t.Fatalf("start logging: %d %s", status, body)
	}
	status, body := call(t, "POST", inst.APIURL+"/recurrent-requests/", key, map[string]any{
		"name": "probe", "request_path": "/g/llm/v1/chat/completions",
		"body_template": map[string]any{"model": "llama-3.1-8b", "messages": []any{map[string]any{"role": "user", "content": "probe"}}},
	})
	var rr struct {
		ID    string `json:"id"`
		State struct {
			NextRunAt      *string `json:"next_run_at"`
			RunCount       int     `json:"run_count"`
			LastStatusCode *int    `json:"last_status_code"`
		} `json:"state"`
	}
	if err := json.Unmarshal(body, &rr); status != 201 || err != nil {
		t.Fatalf("create: %d %s", status, body)
	}
	status, body = call(t, "PATCH", inst.APIURL+"/recurrent-requests/"+rr.ID, key, map[string]any{"schedule": map[string]any{"schedule_type": "interval", "interval_seconds": 60}})
	if status != 200 {
		t.Fatalf("schedule: %d %s", status, body)
	}
	deadline := time.Now().Add(15 * time.Second)
	for rr.State.RunCount < 2 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		_, body = call(t, "GET", inst.APIURL+"/recurrent-requests/"+rr.ID, key, nil)
		_ = json.Unmarshal(body, &rr)
	}
	if rr.State.RunCount < 2 || rr.State.LastStatusCode == nil || *rr.State.LastStatusCode != 200 || rr.State.NextRunAt == nil {
		t.Fatalf("after waiting for two scheduled runs: %s", body)
	}
	_, body = call(t, "GET", inst.APIURL+"/request-logs?gateway_source=backend&recurrent_request_id="+rr.ID, key, nil)
	var logs struct {
		TotalCount int `json:"total_count"`
		Items      []struct {
			Path      string  `json:"user_request_path"`
			ServiceID *string `json:"service_id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &logs); err != nil || logs.TotalCount < 2 || logs.Items[0].Path != "/g/llm/v1/chat/completions" || logs.Items[0].ServiceID == nil {
		t.Fatalf("runs in the request logs: %s", body)
	}
	// Paused: no next run, and no more runs.
	call(t, "PATCH", inst.APIURL+"/recurrent-requests/"+rr.ID, key, map[string]any{"status": "paused"})
	_, body = call(t, "GET", inst.APIURL+"/recurrent-requests/"+rr.ID, key, nil)
	_ = json.Unmarshal(body, &rr)
	paused := rr.State.RunCount
	time.Sleep(1500 * time.Millisecond) // more than two intervals at this tick
	_, body = call(t, "GET", inst.APIURL+"/recurrent-requests/"+rr.ID, key, nil)
	_ = json.Unmarshal(body, &rr)
	if rr.State.NextRunAt != nil || rr.State.RunCount != paused {
		t.Fatalf("paused: %s (run_count was %d)", body, paused)
	}
}

// TestGatewayPort answers gateway routes and refuses the API's paths
// with a JSON 404 naming the API's URL, never a 2xx or a 501.
func TestGatewayPort(t *testing.T) {
	inst, err := localapi.Start(context.Background(), localapi.Config{APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("closing unitysvc-local: %v", err)
		}
	})
	status, body := call(t, "GET", inst.GatewayURL+"/v1/groups?owner=system&name=llm", inst.APIKeys[0], nil)
	if status != 404 || !strings.Contains(string(body), "The control-plane API is served at "+inst.APIURL) {
		t.Fatalf("the API's path on the gateway: %d %s", status, body)
	}
	status, body = call(t, "POST", inst.GatewayURL+"/g/llm/v1/chat/completions", inst.APIKeys[0],
		map[string]any{"model": "llama-3.1-8b", "messages": []any{map[string]any{"role": "user", "content": "hi"}}})
	if status != 200 || !strings.Contains(string(body), "llama-3.1-8b-") {
		t.Fatalf("a chat completion through the gateway: %d %s", status, body)
	}
	// The built-in upstream is reachable directly too (the benchmark's baseline).
	status, _ = call(t, "GET", inst.UpstreamURL+"/f9be74cf-42e7-54f2-a600-d7420174d368/v1/models", "", nil)
	if status != 200 {
		t.Fatalf("built-in upstream: %d", status)
	}
}

// TestVerboseLoggingKeepsStreaming: the request logging of --verbose must
// not buffer a stream.
func TestVerboseLoggingKeepsStreaming(t *testing.T) {
	cat, err := catalog.Parse([]byte(`{"services":[{"id":"00000000-0000-0000-0000-0000000000c0","name":"streamer","routing_key":{"model":"s"},"upstream":{"chunk_delay_ms":100}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := localapi.Start(context.Background(), localapi.Config{APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true, Catalog: cat,
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("closing unitysvc-local: %v", err)
		}
	})
	req, _ := http.NewRequest(http.MethodPost, inst.GatewayURL+"/p/00000000-0000-0000-0000-0000000000c0/v1/chat/completions",
		strings.NewReader(`{"stream":true,"messages":[{"role":"user","content":"x"}]}`))
	req.Header.Set("Authorization", "Bearer "+inst.APIKeys[0])
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	if _, err := rd.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	first := time.Since(start)
	if _, err := io.ReadAll(rd); err != nil {
		t.Fatal(err)
	}
	// Five 100 ms gaps follow the first event.
	if total := time.Since(start); first+300*time.Millisecond > total {
		t.Fatalf("first event after %v, whole stream after %v: the stream was buffered", first, total)
	}
}
