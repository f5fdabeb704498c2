package api_test

import (
	"net/http"
	"strings"
	"testing"
)

type broadcastTargetBody struct {
	ID                 string         `json:"id"`
	BroadcastID        string         `json:"broadcast_id"`
	Name               string         `json:"name"`
	TargetPath         string         `json:"target_path"`
	RoutingKeyOverride map[string]any `json:"routing_key_override"`
	SortOrder          int64          `json:"sort_order"`
}

type broadcastBody struct {
	ID              string                `json:"id"`
	OwnerID         *string               `json:"owner_id"`
	Name            string                `json:"name"`
	Description     *string               `json:"description"`
	Mode            string                `json:"mode"`
	TargetTimeoutMS int64                 `json:"target_timeout_ms"`
	Enabled         bool                  `json:"enabled"`
	Targets         []broadcastTargetBody `json:"targets"`
}

type broadcastList struct {
	Data  []broadcastBody `json:"data"`
	Count int             `json:"count"`
}

func createBroadcast(t *testing.T, ts *testServer, key, query string, body any) broadcastBody {
	t.Helper()
	var b broadcastBody
	ts.doJSON(t, "POST", "/broadcasts/"+query, key, body, http.StatusCreated, &b)
	return b
}

func target(name, path string) map[string]any {
	return map[string]any{"name": name, "target_path": path}
}

func TestBroadcastsCreateAppliesDefaults(t *testing.T) {
	ts := newTestServer(t)
	b := createBroadcast(t, ts, keyA, "", map[string]any{"name": "eval-fanout", "targets": []any{target("anthropic", "anthropic"), target("openai", "openai")}})
	if b.Mode != "sync" || b.TargetTimeoutMS != 30000 || !b.Enabled || b.OwnerID == nil || b.Description != nil {
		t.Fatalf("created broadcast = %+v; want sync, 30000, enabled, personal", b)
	}
	if len(b.Targets) != 2 || b.Targets[0].Name != "anthropic" || b.Targets[1].Name != "openai" || b.Targets[0].RoutingKeyOverride != nil || b.Targets[0].SortOrder != 0 {
		t.Fatalf("targets = %+v; want both in request order with sort_order 0 and no override", b.Targets)
	}
}

func TestBroadcastsNameAndDescriptionLength(t *testing.T) {
	ts := newTestServer(t)
	createBroadcast(t, ts, keyA, "", map[string]any{"name": strings.Repeat("n", 64), "description": strings.Repeat("d", 500)})
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": strings.Repeat("n", 65)}, `["body","name"] String should have at most 64 characters`)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "x", "description": strings.Repeat("d", 501)}, `["body","description"] String should have at most 500 characters`)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{}, `["body","name"] Field required`)
}

func TestBroadcastsTargetLimits(t *testing.T) {
	ts := newTestServer(t)
	createBroadcast(t, ts, keyA, "", map[string]any{"name": "ok", "targets": []any{target(strings.Repeat("t", 64), strings.Repeat("p", 500))}})
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "b", "targets": []any{target(strings.Repeat("t", 65), "g/llm")}},
		`["body","targets",0,"name"] String should have at most 64 characters`)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "b", "targets": []any{target("a", strings.Repeat("p", 501))}},
		`["body","targets",0,"target_path"] String should have at most 500 characters`)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "b", "targets": []any{map[string]any{"name": "a"}}},
		`["body","targets",0,"target_path"] Field required`)
}

func TestBroadcastsAsyncModeRejected(t *testing.T) {
	ts := newTestServer(t)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "a", "mode": "async"}, "'async' is not available yet")
	b := createBroadcast(t, ts, keyA, "", map[string]any{"name": "a", "mode": "sync"})
	expect422(t, ts, "PATCH", "/broadcasts/"+b.ID, map[string]any{"mode": "async"}, `["body","mode"] Broadcast mode 'async' is not available yet`)
	var got broadcastBody
	ts.doJSON(t, "PATCH", "/broadcasts/"+b.ID, keyA, map[string]any{"mode": "sync"}, http.StatusOK, &got)
	if got.Mode != "sync" {
		t.Fatalf("mode = %q", got.Mode)
	}
}

func TestBroadcastsModeEnum(t *testing.T) {
	ts := newTestServer(t)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "a", "mode": "fanout"}, "Input should be 'sync' or 'async'")
}

func TestBroadcastsTargetTimeoutPositive(t *testing.T) {
	ts := newTestServer(t)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "a", "target_timeout_ms": 0}, `["body","target_timeout_ms"]`)
}

func TestBroadcastsNameUniquePerScope(t *testing.T) {
	ts := newTestServer(t)
	createBroadcast(t, ts, keyA, "", map[string]any{"name": "dup"})
	status, data := ts.do(t, "POST", "/broadcasts/", keyA, map[string]any{"name": "dup"})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "personal scope") {
		t.Fatalf("duplicate personal broadcast: %d %s, want 409", status, data)
	}
	shared := createBroadcast(t, ts, keyA, "?shared=true", map[string]any{"name": "dup"})
	if shared.OwnerID != nil {
		t.Fatalf("shared broadcast owner_id = %v", *shared.OwnerID)
	}
	createBroadcast(t, ts, keyA2, "", map[string]any{"name": "dup"})
	status, data = ts.do(t, "POST", "/broadcasts/?shared=true", keyA2, map[string]any{"name": "dup"})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "shared scope") {
		t.Fatalf("duplicate shared broadcast: %d %s, want 409", status, data)
	}
}

func TestBroadcastsScopeVisibility(t *testing.T) {
	ts := newTestServer(t)
	personal := createBroadcast(t, ts, keyA, "", map[string]any{"name": "mine"})
	shared := createBroadcast(t, ts, keyA, "?shared=true", map[string]any{"name": "team"})
	if status, _ := ts.do(t, "GET", "/broadcasts/"+personal.ID, keyA2, nil); status != http.StatusNotFound {
		t.Fatalf("A2 reading A's personal broadcast: %d, want 404", status)
	}
	ts.doJSON(t, "GET", "/broadcasts/"+shared.ID, keyA2, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "GET", "/broadcasts/"+shared.ID, keyB, nil); status != http.StatusNotFound {
		t.Fatalf("other customer reading a shared broadcast: %d, want 404", status)
	}
	var list broadcastList
	ts.doJSON(t, "GET", "/broadcasts/", keyA, nil, http.StatusOK, &list)
	if list.Count != 2 {
		t.Fatalf("A's list = %+v", list)
	}
	ts.doJSON(t, "GET", "/broadcasts/?shared=true", keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].ID != shared.ID {
		t.Fatalf("A's shared list = %+v", list)
	}
	ts.doJSON(t, "GET", "/broadcasts/?skip=1&limit=5", keyA, nil, http.StatusOK, &list)
	if list.Count != 2 || len(list.Data) != 1 {
		t.Fatalf("second page = %+v", list)
	}
}

func TestBroadcastsPatch(t *testing.T) {
	ts := newTestServer(t)
	b := createBroadcast(t, ts, keyA, "", map[string]any{"name": "p", "description": "d", "targets": []any{target("a", "g/a")}})
	var got broadcastBody
	ts.doJSON(t, "PATCH", "/broadcasts/"+b.ID, keyA, map[string]any{"target_timeout_ms": 1500, "enabled": false}, http.StatusOK, &got)
	if got.TargetTimeoutMS != 1500 || got.Enabled || got.Description == nil || len(got.Targets) != 1 {
		t.Fatalf("after patch = %+v", got)
	}
	ts.doJSON(t, "PATCH", "/broadcasts/"+b.ID, keyA, map[string]any{"description": nil}, http.StatusOK, &got)
	if got.Description != nil || got.TargetTimeoutMS != 1500 {
		t.Fatalf("after clearing description = %+v", got)
	}
}

func TestBroadcastsReplaceTargetsAtomically(t *testing.T) {
	ts := newTestServer(t)
	b := createBroadcast(t, ts, keyA, "", map[string]any{"name": "r", "targets": []any{target("a", "g/a")}})
	withOverride := target("c", "g/c")
	withOverride["routing_key_override"] = map[string]any{"model": "gpt-4o-mini"}
	withOverride["sort_order"] = 0
	second := target("b", "g/b")
	second["sort_order"] = 1
	var got broadcastBody
	ts.doJSON(t, "PUT", "/broadcasts/"+b.ID+"/targets", keyA, []any{second, withOverride}, http.StatusOK, &got)
	if len(got.Targets) != 2 || got.Targets[0].Name != "c" || got.Targets[1].Name != "b" || got.Targets[0].RoutingKeyOverride["model"] != "gpt-4o-mini" {
		t.Fatalf("targets after replace = %+v", got.Targets)
	}
	expect422(t, ts, "PUT", "/broadcasts/"+b.ID+"/targets", []any{target("x", "g/x"), target("", "g/y")}, `["body",1,"name"]`)
	ts.doJSON(t, "GET", "/broadcasts/"+b.ID, keyA, nil, http.StatusOK, &got)
	if len(got.Targets) != 2 {
		t.Fatalf("targets after rejected replace = %+v", got.Targets)
	}
}

func TestBroadcastsTargetSubRoutes(t *testing.T) {
	ts := newTestServer(t)
	b := createBroadcast(t, ts, keyA, "", map[string]any{"name": "s"})
	var added broadcastTargetBody
	ts.doJSON(t, "POST", "/broadcasts/"+b.ID+"/targets", keyA, target("mistral", "mistral"), http.StatusCreated, &added)
	if added.Name != "mistral" || added.BroadcastID != b.ID {
		t.Fatalf("added target = %+v", added)
	}
	ts.doJSON(t, "DELETE", "/broadcasts/"+b.ID+"/targets/"+added.ID, keyA, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "DELETE", "/broadcasts/"+b.ID+"/targets/"+added.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("second target delete: %d, want 404", status)
	}
	if status, _ := ts.do(t, "POST", "/broadcasts/00000000-0000-0000-0000-000000000000/targets", keyA, target("x", "g/x")); status != http.StatusNotFound {
		t.Fatalf("target of unknown broadcast: %d, want 404", status)
	}
}

func TestBroadcastsDelete(t *testing.T) {
	ts := newTestServer(t)
	b := createBroadcast(t, ts, keyA, "", map[string]any{"name": "gone", "targets": []any{target("a", "g/a")}})
	ts.doJSON(t, "DELETE", "/broadcasts/"+b.ID, keyA, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "GET", "/broadcasts/"+b.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("get after delete: %d", status)
	}
	if status, _ := ts.do(t, "DELETE", "/broadcasts/"+b.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("second delete: %d", status)
	}
	var n int
	if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM broadcast_targets WHERE broadcast_id = ?`, b.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("targets left after delete: %d (%v)", n, err)
	}
}

func TestBroadcastsIDMustBeUUID(t *testing.T) {
	ts := newTestServer(t)
	expect422(t, ts, "PATCH", "/broadcasts/xyz", map[string]any{"enabled": true}, `["path","broadcast_id"] Input should be a valid UUID`)
	if status, _ := ts.do(t, "GET", "/broadcasts/", noAuth, nil); status != http.StatusUnauthorized {
		t.Fatalf("anonymous list: %d, want 401", status)
	}
}
