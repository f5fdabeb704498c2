package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestCreateBroadcastSendsTargets(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/broadcasts/" || r.URL.RawQuery != "" {
			t.Errorf("request = %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery)
		}
		got, _ := json.Marshal(readRoutingJSON(t, r))
		want := `{"mode":"sync","name":"eval-fanout","targets":[{"name":"anthropic","sort_order":0,"target_path":"anthropic"},{"name":"openai","routing_key_override":{"model":"gpt-4o"},"sort_order":1,"target_path":"openai"}]}`
		if string(got) != want {
			t.Errorf("body = %s\nwant   %s", got, want)
		}
		writeRoutingJSON(w, http.StatusCreated, map[string]any{"id": "b1", "customer_id": "cu", "owner_id": "u1", "name": "eval-fanout", "mode": "sync",
			"target_timeout_ms": 30000, "enabled": true, "created_at": "x",
			"targets": []any{map[string]any{"id": "t1", "broadcast_id": "b1", "name": "openai", "target_path": "openai", "routing_key_override": map[string]any{"model": "gpt-4o"}, "sort_order": 1}}})
	})
	b, err := c.CreateBroadcast(context.Background(), false, client.BroadcastCreate{Name: "eval-fanout", Mode: "sync", Targets: []client.BroadcastTargetCreate{
		{Name: "anthropic", TargetPath: "anthropic", SortOrder: 0},
		{Name: "openai", TargetPath: "openai", RoutingKeyOverride: map[string]any{"model": "gpt-4o"}, SortOrder: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Shared() || b.TargetTimeoutMS != 30000 || len(b.Targets) != 1 || b.Targets[0].RoutingKeyOverride["model"] != "gpt-4o" {
		t.Fatalf("broadcast = %+v", b)
	}
}

func TestUpdateBroadcastAsyncRejectedDetail(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got, _ := json.Marshal(readRoutingJSON(t, r))
		if string(got) != `{"mode":"async"}` {
			t.Errorf("body = %s", got)
		}
		writeRoutingJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{map[string]any{"loc": []any{"body", "mode"}, "msg": "Broadcast mode 'async' is not available yet", "type": "value_error"}}})
	})
	_, err := c.UpdateBroadcast(context.Background(), "b1", client.BroadcastUpdate{Mode: client.NullableOf("async")})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity || apiErr.Detail != "body.mode: Broadcast mode 'async' is not available yet" {
		t.Fatalf("err = %v", err)
	}
}

func TestListBroadcastsSharedOnlyFollowsPages(t *testing.T) {
	const total = 101
	calls := 0
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Query().Get("shared") != "true" {
			t.Errorf("query = %s", r.URL.RawQuery)
		}
		skip, _ := strconv.Atoi(r.URL.Query().Get("skip"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		data := []any{}
		for i := skip; i < total && i < skip+limit; i++ {
			data = append(data, map[string]any{"id": fmt.Sprint(i), "name": fmt.Sprint("b", i), "mode": "sync"})
		}
		writeRoutingJSON(w, http.StatusOK, map[string]any{"data": data, "count": total})
	})
	all, err := c.ListBroadcasts(context.Background(), true)
	if err != nil || len(all) != total || calls != 2 {
		t.Fatalf("got %d broadcasts in %d calls (%v), want %d in 2", len(all), calls, err, total)
	}
}

func TestFindBroadcastsByName(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeRoutingJSON(w, http.StatusOK, map[string]any{"count": 2, "data": []any{
			map[string]any{"id": "a", "name": "fan", "owner_id": nil},
			map[string]any{"id": "b", "name": "fan-out", "owner_id": nil},
		}})
	})
	got, err := c.FindBroadcastsByName(context.Background(), "fan")
	if err != nil || len(got) != 1 || got[0].ID != "a" {
		t.Fatalf("matches = %+v, %v", got, err)
	}
}

func TestBroadcastTargetRoutes(t *testing.T) {
	c := newRoutingTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "PUT /v1/broadcasts/b1/targets":
			got, _ := json.Marshal(readRoutingJSON(t, r))
			if string(got) != `[{"name":"m","sort_order":0,"target_path":"mistral"}]` {
				t.Errorf("put body = %s", got)
			}
			writeRoutingJSON(w, http.StatusOK, map[string]any{"id": "b1", "name": "n", "mode": "sync", "targets": []any{map[string]any{"id": "t1", "broadcast_id": "b1", "name": "m", "target_path": "mistral", "sort_order": 0}}})
		case "POST /v1/broadcasts/b1/targets":
			writeRoutingJSON(w, http.StatusCreated, map[string]any{"id": "t2", "broadcast_id": "b1", "name": "x", "target_path": "g/x", "sort_order": 0})
		case "DELETE /v1/broadcasts/b1/targets/t2":
			writeRoutingJSON(w, http.StatusOK, map[string]string{"message": "deleted"})
		case "GET /v1/broadcasts/b1", "DELETE /v1/broadcasts/b1":
			writeRoutingJSON(w, http.StatusNotFound, map[string]string{"detail": "Broadcast 'b1' not found"})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusTeapot)
		}
	})
	ctx := context.Background()
	b, err := c.ReplaceBroadcastTargets(ctx, "b1", []client.BroadcastTargetCreate{{Name: "m", TargetPath: "mistral"}})
	if err != nil || len(b.Targets) != 1 {
		t.Fatalf("replace = %+v, %v", b, err)
	}
	tg, err := c.AddBroadcastTarget(ctx, "b1", client.BroadcastTargetCreate{Name: "x", TargetPath: "g/x"})
	if err != nil || tg.ID != "t2" {
		t.Fatalf("add = %+v, %v", tg, err)
	}
	if err := c.DeleteBroadcastTarget(ctx, "b1", "t2"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBroadcast(ctx, "b1"); !client.IsNotFound(err) {
		t.Fatalf("get err = %v, want 404", err)
	}
	if err := c.DeleteBroadcast(ctx, "b1"); !client.IsNotFound(err) {
		t.Fatalf("delete err = %v, want 404", err)
	}
}
