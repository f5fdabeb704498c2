package client_test

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

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// newRoutingTestClient returns a client to a server running h, with fast retries.
func newRoutingTestClient(t *testing.T, h http.HandlerFunc) *client.Client {
	t.Helper()
	srv := httptest.NewServer(client.ServeBaseCheck(h))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL + "/v1", APIKey: "svcpass_test", MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readRoutingJSON(t *testing.T, r *http.Request) any {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Error(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Errorf("request body %q is not JSON: %v", b, err)
	}
	return v
}

func writeRoutingJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func TestCreateChainSendsScopeAndSteps(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chains/" || r.URL.Query().Get("shared") != "true" {
			t.Errorf("request = %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery)
		}
		if r.Header.Get("Authorization") != "Bearer svcpass_test" {
			t.Errorf("authorization = %q", r.Header.Get("Authorization"))
		}
		got, _ := json.Marshal(readRoutingJSON(t, r))
		want := `{"default_timeout_ms":5000,"name":"llm-failover","steps":[{"name":"primary","on_failure":"continue","on_success":"stop","sort_order":0,"target_path":"anthropic"},{"name":"backup","on_failure":"stop","on_success":"stop","sort_order":1,"target_path":"openai","timeout_ms":100}]}`
		if string(got) != want {
			t.Errorf("body = %s\nwant   %s", got, want)
		}
		writeRoutingJSON(w, http.StatusCreated, map[string]any{"id": "c1", "customer_id": "cu", "owner_id": nil, "name": "llm-failover",
			"default_timeout_ms": 5000, "enabled": true, "created_at": "2024-01-01T00:00:00Z",
			"steps": []any{map[string]any{"id": "s1", "chain_id": "c1", "name": "primary", "target_path": "anthropic", "on_success": "stop", "on_failure": "continue", "timeout_ms": nil, "sort_order": 0}}})
	})
	timeout, stepTimeout := int64(5000), int64(100)
	ch, err := c.CreateChain(context.Background(), true, client.ChainCreate{
		Name: "llm-failover", DefaultTimeoutMS: &timeout,
		Steps: []client.ChainStepCreate{
			{Name: "primary", TargetPath: "anthropic", OnSuccess: "stop", OnFailure: "continue", SortOrder: 0},
			{Name: "backup", TargetPath: "openai", OnSuccess: "stop", OnFailure: "stop", TimeoutMS: &stepTimeout, SortOrder: 1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID != "c1" || !ch.Shared() || len(ch.Steps) != 1 || ch.Steps[0].OnFailure != "continue" || ch.Steps[0].TimeoutMS != nil {
		t.Fatalf("chain = %+v", ch)
	}
}

func TestCreateChainIsNotRetriedOnServerError(t *testing.T) {
	var calls atomic.Int32
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeRoutingJSON(w, http.StatusBadGateway, map[string]string{"detail": "upstream"})
	})
	_, err := c.CreateChain(context.Background(), false, client.ChainCreate{Name: "x"})
	if client.StatusCode(err) != http.StatusBadGateway || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls; want one 502", err, calls.Load())
	}
}

func TestCreateChainConflict(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeRoutingJSON(w, http.StatusConflict, map[string]string{"detail": "A chain named 'x' already exists in the personal scope"})
	})
	_, err := c.CreateChain(context.Background(), false, client.ChainCreate{Name: "x"})
	if !client.IsConflict(err) {
		t.Fatalf("err = %v, want a 409", err)
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Detail != "A chain named 'x' already exists in the personal scope" {
		t.Fatalf("detail = %v", err)
	}
}

func TestListChainsFollowsPages(t *testing.T) {
	const total = 230
	var calls atomic.Int32
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v1/chains/" || r.URL.Query().Get("shared") != "" {
			t.Errorf("request = %s?%s", r.URL.Path, r.URL.RawQuery)
		}
		skip, _ := strconv.Atoi(r.URL.Query().Get("skip"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit != client.PageSize {
			t.Errorf("limit = %d", limit)
		}
		data := []any{}
		for i := skip; i < total && i < skip+limit; i++ {
			data = append(data, map[string]any{"id": fmt.Sprint(i), "customer_id": "cu", "name": fmt.Sprintf("c%03d", i), "default_timeout_ms": 1, "enabled": true, "created_at": "x"})
		}
		writeRoutingJSON(w, http.StatusOK, map[string]any{"data": data, "count": total})
	})
	all, err := c.ListChains(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != total || all[total-1].Name != "c229" || calls.Load() != 3 {
		t.Fatalf("got %d chains in %d calls, want %d in 3", len(all), calls.Load(), total)
	}
}

func TestFindChainsByNameMatchesExactly(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		owner := "u1"
		writeRoutingJSON(w, http.StatusOK, map[string]any{"count": 3, "data": []any{
			map[string]any{"id": "a", "name": "llm", "owner_id": owner},
			map[string]any{"id": "b", "name": "llm", "owner_id": nil},
			map[string]any{"id": "c", "name": "llm-2", "owner_id": owner},
		}})
	})
	got, err := c.FindChainsByName(context.Background(), "llm")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "a" || got[0].Shared() || !got[1].Shared() {
		t.Fatalf("matches = %+v", got)
	}
}

func TestGetChainNotFoundAndEscaping(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/v1/chains/a%2Fb" {
			t.Errorf("path = %s", r.URL.EscapedPath())
		}
		writeRoutingJSON(w, http.StatusNotFound, map[string]string{"detail": "Chain 'a/b' not found"})
	})
	_, err := c.GetChain(context.Background(), "a/b")
	if !client.IsNotFound(err) {
		t.Fatalf("err = %v, want 404", err)
	}
}

func TestUpdateChainSendsOnlySetFields(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || r.URL.Path != "/v1/chains/c1" {
			t.Errorf("request = %s %s", r.Method, r.URL.Path)
		}
		got, _ := json.Marshal(readRoutingJSON(t, r))
		if string(got) != `{"description":null,"enabled":false}` {
			t.Errorf("body = %s", got)
		}
		writeRoutingJSON(w, http.StatusOK, map[string]any{"id": "c1", "name": "n", "enabled": false})
	})
	if _, err := c.UpdateChain(context.Background(), "c1", client.ChainUpdate{Description: client.NullOf[string](), Enabled: client.NullableOf(false)}); err != nil {
		t.Fatal(err)
	}
}

func TestReplaceChainStepsSendsEmptyList(t *testing.T) {
	var calls atomic.Int32
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			// A PUT is idempotent: a 503 is retried.
			writeRoutingJSON(w, http.StatusServiceUnavailable, map[string]string{"detail": "busy"})
			return
		}
		if r.Method != http.MethodPut || r.URL.Path != "/v1/chains/c1/steps" {
			t.Errorf("request = %s %s", r.Method, r.URL.Path)
		}
		got, _ := json.Marshal(readRoutingJSON(t, r))
		if string(got) != `[]` {
			t.Errorf("body = %s", got)
		}
		writeRoutingJSON(w, http.StatusOK, map[string]any{"id": "c1", "name": "n", "steps": []any{}})
	})
	ch, err := c.ReplaceChainSteps(context.Background(), "c1", nil)
	if err != nil || len(ch.Steps) != 0 || calls.Load() != 2 {
		t.Fatalf("chain = %+v, err = %v, calls = %d", ch, err, calls.Load())
	}
}

func TestChainStepSubRoutes(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /v1/chains/c1/steps":
			writeRoutingJSON(w, http.StatusCreated, map[string]any{"id": "s9", "chain_id": "c1", "name": "tertiary", "target_path": "mistral", "on_success": "stop", "on_failure": "relay", "sort_order": 2})
		case "PATCH /v1/chains/c1/steps/s9":
			got, _ := json.Marshal(readRoutingJSON(t, r))
			if string(got) != `{"on_failure":"stop"}` {
				t.Errorf("patch body = %s", got)
			}
			writeRoutingJSON(w, http.StatusOK, map[string]any{"id": "s9", "chain_id": "c1", "name": "tertiary", "target_path": "mistral", "on_success": "stop", "on_failure": "stop", "sort_order": 2})
		case "DELETE /v1/chains/c1/steps/s9", "DELETE /v1/chains/c1":
			writeRoutingJSON(w, http.StatusOK, map[string]string{"message": "deleted"})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusTeapot)
		}
	})
	ctx := context.Background()
	s, err := c.AddChainStep(ctx, "c1", client.ChainStepCreate{Name: "tertiary", TargetPath: "mistral", SortOrder: 2})
	if err != nil || s.ID != "s9" {
		t.Fatalf("add = %+v, %v", s, err)
	}
	if s, err = c.UpdateChainStep(ctx, "c1", "s9", client.ChainStepUpdate{OnFailure: client.NullableOf("stop")}); err != nil || s.OnFailure != "stop" {
		t.Fatalf("update = %+v, %v", s, err)
	}
	if err := c.DeleteChainStep(ctx, "c1", "s9"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteChain(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
}
