package api_test

import (
	"net/http"
	"strings"
	"testing"
)

type chainStepBody struct {
	ID         string `json:"id"`
	ChainID    string `json:"chain_id"`
	Name       string `json:"name"`
	TargetPath string `json:"target_path"`
	OnSuccess  string `json:"on_success"`
	OnFailure  string `json:"on_failure"`
	TimeoutMS  *int64 `json:"timeout_ms"`
	SortOrder  int64  `json:"sort_order"`
}

type chainBody struct {
	ID               string          `json:"id"`
	CustomerID       string          `json:"customer_id"`
	OwnerID          *string         `json:"owner_id"`
	Name             string          `json:"name"`
	Description      *string         `json:"description"`
	DefaultTimeoutMS int64           `json:"default_timeout_ms"`
	Enabled          bool            `json:"enabled"`
	UpdatedAt        *string         `json:"updated_at"`
	Steps            []chainStepBody `json:"steps"`
}

type chainList struct {
	Data  []chainBody `json:"data"`
	Count int         `json:"count"`
}

func createChain(t *testing.T, ts *testServer, key, query string, body any) chainBody {
	t.Helper()
	var c chainBody
	ts.doJSON(t, "POST", "/chains/"+query, key, body, http.StatusCreated, &c)
	return c
}

func step(name, target string, sort int) map[string]any {
	return map[string]any{"name": name, "target_path": target, "sort_order": sort}
}

// expect422 asserts a 422 to keyA's request whose detail mentions want.
func expect422(t *testing.T, ts *testServer, method, path string, body any, want string) {
	t.Helper()
	status, data := ts.do(t, method, path, keyA, body)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("%s %s: status %d, want 422; body %s", method, path, status, data)
	}
	if d := detail(t, data); !strings.Contains(d, want) {
		t.Fatalf("%s %s: detail %q does not mention %q", method, path, d, want)
	}
}

func TestChainsCreateAppliesDefaults(t *testing.T) {
	ts := newTestServer(t)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "llm-failover", "steps": []any{step("primary", "g/llm", 0)}})
	if c.DefaultTimeoutMS != 10000 || !c.Enabled || c.Description != nil || c.OwnerID == nil {
		t.Fatalf("created chain = %+v; want default_timeout_ms 10000, enabled, no description, personal", c)
	}
	if len(c.Steps) != 1 {
		t.Fatalf("steps = %+v", c.Steps)
	}
	s := c.Steps[0]
	if s.OnSuccess != "stop" || s.OnFailure != "relay" || s.TimeoutMS != nil || s.ChainID != c.ID {
		t.Fatalf("step = %+v; want on_success stop, on_failure relay, no timeout", s)
	}
}

func TestChainsCreateWithoutSteps(t *testing.T) {
	ts := newTestServer(t)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "empty"})
	if c.Steps == nil || len(c.Steps) != 0 {
		t.Fatalf("steps = %v, want []", c.Steps)
	}
}

func TestChainsNameLength(t *testing.T) {
	ts := newTestServer(t)
	createChain(t, ts, keyA, "", map[string]any{"name": strings.Repeat("n", 64)})
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": strings.Repeat("n", 65)}, `["body","name"] String should have at most 64 characters`)
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": ""}, `["body","name"] String should have at least 1 character`)
	expect422(t, ts, "POST", "/chains/", map[string]any{"description": "x"}, `["body","name"] Field required`)
}

func TestChainsDescriptionLength(t *testing.T) {
	ts := newTestServer(t)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "d", "description": strings.Repeat("d", 500)})
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "d2", "description": strings.Repeat("d", 501)}, "at most 500 characters")
	expect422(t, ts, "PATCH", "/chains/"+c.ID, map[string]any{"description": strings.Repeat("d", 501)}, `["body","description"] String should have at most 500`)
}

func TestChainsStepLimits(t *testing.T) {
	ts := newTestServer(t)
	createChain(t, ts, keyA, "", map[string]any{"name": "ok", "steps": []any{step(strings.Repeat("s", 64), strings.Repeat("p", 500), 0)}})
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "c", "steps": []any{step(strings.Repeat("s", 65), "g/llm", 0)}},
		`["body","steps",0,"name"] String should have at most 64 characters`)
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "c", "steps": []any{step("a", "g/llm", 0), step("b", strings.Repeat("p", 501), 1)}},
		`["body","steps",1,"target_path"] String should have at most 500 characters`)
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "c", "steps": []any{map[string]any{"name": "a", "target_path": "g/llm"}}},
		`["body","steps",0,"sort_order"] Field required`)
}

func TestChainsStepOutcomeValues(t *testing.T) {
	ts := newTestServer(t)
	bad := step("a", "g/llm", 0)
	bad["on_success"] = "retry"
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "c", "steps": []any{bad}}, "Input should be 'stop', 'continue' or 'relay'")
	bad = step("a", "g/llm", 0)
	bad["on_failure"] = "panic"
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "c", "steps": []any{bad}}, "Input should be 'continue', 'relay' or 'stop'")
	good := step("a", "g/llm", 0)
	good["on_success"], good["on_failure"], good["timeout_ms"] = "relay", "stop", 2500
	c := createChain(t, ts, keyA, "", map[string]any{"name": "c", "steps": []any{good}})
	if s := c.Steps[0]; s.OnSuccess != "relay" || s.OnFailure != "stop" || s.TimeoutMS == nil || *s.TimeoutMS != 2500 {
		t.Fatalf("step = %+v", s)
	}
}

func TestChainsTimeoutsPositive(t *testing.T) {
	ts := newTestServer(t)
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "c", "default_timeout_ms": 0}, "greater than or equal to 1")
	bad := step("a", "g/llm", 0)
	bad["timeout_ms"] = -5
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "c", "steps": []any{bad}}, `["body","steps",0,"timeout_ms"]`)
}

func TestChainsNameUniquePerScope(t *testing.T) {
	ts := newTestServer(t)
	createChain(t, ts, keyA, "", map[string]any{"name": "dup"})
	status, data := ts.do(t, "POST", "/chains/", keyA, map[string]any{"name": "dup"})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "personal scope") {
		t.Fatalf("duplicate personal chain: %d %s, want 409", status, data)
	}
	// The same name in the shared scope, for another user and for another
	// customer is fine.
	shared := createChain(t, ts, keyA, "?shared=true", map[string]any{"name": "dup"})
	if shared.OwnerID != nil {
		t.Fatalf("shared chain owner_id = %v, want null", *shared.OwnerID)
	}
	createChain(t, ts, keyA2, "", map[string]any{"name": "dup"})
	createChain(t, ts, keyB, "?shared=true", map[string]any{"name": "dup"})
	// A second shared one in the same team conflicts, whoever creates it.
	status, data = ts.do(t, "POST", "/chains/?shared=true", keyA2, map[string]any{"name": "dup"})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "shared scope") {
		t.Fatalf("duplicate shared chain: %d %s, want 409", status, data)
	}
}

func TestChainsScopeVisibility(t *testing.T) {
	ts := newTestServer(t)
	personal := createChain(t, ts, keyA, "", map[string]any{"name": "mine"})
	shared := createChain(t, ts, keyA, "?shared=true", map[string]any{"name": "team"})
	// A2 (same team) sees the shared chain only, and may change it.
	if status, _ := ts.do(t, "GET", "/chains/"+personal.ID, keyA2, nil); status != http.StatusNotFound {
		t.Fatalf("A2 reading A's personal chain: %d, want 404", status)
	}
	ts.doJSON(t, "PATCH", "/chains/"+shared.ID, keyA2, map[string]any{"enabled": false}, http.StatusOK, nil)
	// Another customer sees neither.
	for _, id := range []string{personal.ID, shared.ID} {
		if status, _ := ts.do(t, "GET", "/chains/"+id, keyB, nil); status != http.StatusNotFound {
			t.Fatalf("other customer reading %s: %d, want 404", id, status)
		}
		if status, _ := ts.do(t, "DELETE", "/chains/"+id, keyB, nil); status != http.StatusNotFound {
			t.Fatalf("other customer deleting %s: %d, want 404", id, status)
		}
	}
	var list chainList
	ts.doJSON(t, "GET", "/chains/", keyA, nil, http.StatusOK, &list)
	if list.Count != 2 {
		t.Fatalf("A's list = %+v, want personal + shared", list)
	}
	ts.doJSON(t, "GET", "/chains/?shared=true", keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].ID != shared.ID {
		t.Fatalf("A's shared list = %+v, want only the shared chain", list)
	}
	ts.doJSON(t, "GET", "/chains/", keyA2, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].ID != shared.ID {
		t.Fatalf("A2's list = %+v, want only the shared chain", list)
	}
}

func TestChainsListPaging(t *testing.T) {
	ts := newTestServer(t)
	for _, n := range []string{"c1", "c2", "c3"} {
		createChain(t, ts, keyA, "", map[string]any{"name": n, "steps": []any{step("s", "g/llm", 0)}})
	}
	var list chainList
	ts.doJSON(t, "GET", "/chains/?skip=1&limit=1", keyA, nil, http.StatusOK, &list)
	if list.Count != 3 || len(list.Data) != 1 || list.Data[0].Name != "c2" || len(list.Data[0].Steps) != 1 {
		t.Fatalf("page = %+v, want count 3 and c2 with its step", list)
	}
	expect422(t, ts, "GET", "/chains/?skip=-1", nil, "greater than or equal to 0")
}

func TestChainsPatchLeavesOmittedFields(t *testing.T) {
	ts := newTestServer(t)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "p", "description": "first", "steps": []any{step("s", "g/llm", 0)}})
	var got chainBody
	ts.doJSON(t, "PATCH", "/chains/"+c.ID, keyA, map[string]any{"default_timeout_ms": 5000}, http.StatusOK, &got)
	if got.DefaultTimeoutMS != 5000 || got.Description == nil || *got.Description != "first" || !got.Enabled || len(got.Steps) != 1 || got.UpdatedAt == nil {
		t.Fatalf("after patch = %+v", got)
	}
	ts.doJSON(t, "PATCH", "/chains/"+c.ID, keyA, map[string]any{"description": nil, "enabled": false}, http.StatusOK, &got)
	if got.Description != nil || got.Enabled || got.DefaultTimeoutMS != 5000 {
		t.Fatalf("after clearing description = %+v", got)
	}
	// name is not part of ChainUpdate: it is ignored.
	ts.doJSON(t, "PATCH", "/chains/"+c.ID, keyA, map[string]any{"name": "renamed"}, http.StatusOK, &got)
	if got.Name != "p" {
		t.Fatalf("name changed by PATCH to %q", got.Name)
	}
}

func TestChainsReplaceStepsAtomically(t *testing.T) {
	ts := newTestServer(t)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "r", "steps": []any{step("a", "g/a", 0), step("b", "g/b", 1)}})
	var got chainBody
	ts.doJSON(t, "PUT", "/chains/"+c.ID+"/steps", keyA, []any{step("z", "g/z", 2), step("b", "g/b", 0), step("c", "g/c", 1)}, http.StatusOK, &got)
	names := []string{}
	for _, s := range got.Steps {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "b,c,z" {
		t.Fatalf("steps after replace = %v, want b,c,z (sort_order)", names)
	}
	// An invalid list changes nothing.
	expect422(t, ts, "PUT", "/chains/"+c.ID+"/steps", []any{step("ok", "g/ok", 0), step(strings.Repeat("x", 65), "g/x", 1)}, `["body",1,"name"]`)
	ts.doJSON(t, "GET", "/chains/"+c.ID, keyA, nil, http.StatusOK, &got)
	if len(got.Steps) != 3 {
		t.Fatalf("steps after rejected replace = %+v", got.Steps)
	}
	// An empty list removes every step.
	ts.doJSON(t, "PUT", "/chains/"+c.ID+"/steps", keyA, []any{}, http.StatusOK, &got)
	if len(got.Steps) != 0 {
		t.Fatalf("steps after empty replace = %+v", got.Steps)
	}
}

func TestChainsStepSubRoutes(t *testing.T) {
	ts := newTestServer(t)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "s", "steps": []any{step("a", "g/a", 0)}})
	var added chainStepBody
	ts.doJSON(t, "POST", "/chains/"+c.ID+"/steps", keyA, step("b", "g/b", 1), http.StatusCreated, &added)
	if added.Name != "b" || added.OnFailure != "relay" || added.ChainID != c.ID {
		t.Fatalf("added step = %+v", added)
	}
	var updated chainStepBody
	ts.doJSON(t, "PATCH", "/chains/"+c.ID+"/steps/"+added.ID, keyA, map[string]any{"on_failure": "stop", "timeout_ms": 900, "sort_order": -1}, http.StatusOK, &updated)
	if updated.OnFailure != "stop" || updated.TimeoutMS == nil || *updated.TimeoutMS != 900 || updated.Name != "b" {
		t.Fatalf("updated step = %+v", updated)
	}
	var got chainBody
	ts.doJSON(t, "GET", "/chains/"+c.ID, keyA, nil, http.StatusOK, &got)
	if len(got.Steps) != 2 || got.Steps[0].ID != added.ID {
		t.Fatalf("steps = %+v, want b first after sort_order -1", got.Steps)
	}
	ts.doJSON(t, "PATCH", "/chains/"+c.ID+"/steps/"+added.ID, keyA, map[string]any{"timeout_ms": nil}, http.StatusOK, &updated)
	if updated.TimeoutMS != nil {
		t.Fatalf("timeout after clearing = %v", *updated.TimeoutMS)
	}
	expect422(t, ts, "PATCH", "/chains/"+c.ID+"/steps/"+added.ID, map[string]any{"on_success": "maybe"}, "on_success")
	ts.doJSON(t, "DELETE", "/chains/"+c.ID+"/steps/"+added.ID, keyA, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "DELETE", "/chains/"+c.ID+"/steps/"+added.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("second step delete: %d, want 404", status)
	}
	// A step of another chain is not found through this one.
	other := createChain(t, ts, keyA, "", map[string]any{"name": "o", "steps": []any{step("x", "g/x", 0)}})
	if status, _ := ts.do(t, "PATCH", "/chains/"+c.ID+"/steps/"+other.Steps[0].ID, keyA, map[string]any{"name": "y"}); status != http.StatusNotFound {
		t.Fatalf("patching another chain's step: %d, want 404", status)
	}
}

func TestChainsDeleteRemovesSteps(t *testing.T) {
	ts := newTestServer(t)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "gone", "steps": []any{step("a", "g/a", 0)}})
	ts.doJSON(t, "DELETE", "/chains/"+c.ID, keyA, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "GET", "/chains/"+c.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("get after delete: %d", status)
	}
	if status, _ := ts.do(t, "DELETE", "/chains/"+c.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("second delete: %d, want 404", status)
	}
	var n int
	if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM chain_steps WHERE chain_id = ?`, c.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("steps left after delete: %d (%v)", n, err)
	}
	// The name is free again.
	createChain(t, ts, keyA, "", map[string]any{"name": "gone"})
}

func TestChainsIDMustBeUUID(t *testing.T) {
	ts := newTestServer(t)
	expect422(t, ts, "GET", "/chains/not-a-uuid", nil, `["path","chain_id"] Input should be a valid UUID`)
	expect422(t, ts, "DELETE", "/chains/00000000-0000-0000-0000-000000000000/steps/nope", nil, `["path","step_id"]`)
	if status, _ := ts.do(t, "GET", "/chains/00000000-0000-0000-0000-000000000000", keyA, nil); status != http.StatusNotFound {
		t.Fatalf("unknown chain: %d, want 404", status)
	}
}

func TestChainsRequireAuthentication(t *testing.T) {
	ts := newTestServer(t)
	if status, _ := ts.do(t, "GET", "/chains/", noAuth, nil); status != http.StatusUnauthorized {
		t.Fatalf("anonymous list: %d, want 401", status)
	}
	if status, _ := ts.do(t, "POST", "/chains/", noAuth, map[string]any{"name": "x"}); status != http.StatusUnauthorized {
		t.Fatalf("anonymous create: %d, want 401", status)
	}
}
