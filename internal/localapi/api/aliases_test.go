package api_test

import (
	"net/http"
	"strings"
	"testing"
)

type aliasBody struct {
	ID                 string         `json:"id"`
	CustomerID         string         `json:"customer_id"`
	OwnerID            *string        `json:"owner_id"`
	Name               string         `json:"name"`
	Description        *string        `json:"description"`
	RequestRoutingKey  map[string]any `json:"request_routing_key"`
	TargetPath         string         `json:"target_path"`
	RoutingKeyOverride map[string]any `json:"routing_key_override"`
	IsRouting          bool           `json:"is_routing"`
	DeactivatedAt      *string        `json:"deactivated_at"`
}

type aliasList struct {
	Data  []aliasBody `json:"data"`
	Count int         `json:"count"`
}

type switchBody struct {
	Alias          aliasBody `json:"alias"`
	DemotedAliasID *string   `json:"demoted_alias_id"`
}

func createAlias(t *testing.T, ts *testServer, key, query string, body map[string]any) aliasBody {
	t.Helper()
	var a aliasBody
	ts.doJSON(t, "POST", "/aliases/"+query, key, body, http.StatusCreated, &a)
	return a
}

func TestAliasesCreateReadUpdateDeactivate(t *testing.T) {
	ts := newTestServer(t)
	a := createAlias(t, ts, keyA, "", map[string]any{
		"name": "my-llm", "target_path": "g/llm", "description": "first",
		"routing_key_override": map[string]any{"model": "gpt-4o"},
	})
	if !a.IsRouting || a.OwnerID == nil || a.Name != "my-llm" || a.RoutingKeyOverride["model"] != "gpt-4o" || a.RequestRoutingKey != nil {
		t.Fatalf("created alias = %+v; want routing, personal, override kept, no routing key", a)
	}
	var got aliasBody
	ts.doJSON(t, "GET", "/aliases/"+a.ID, keyA, nil, http.StatusOK, &got)
	if got.ID != a.ID || got.TargetPath != "g/llm" {
		t.Fatalf("get = %+v", got)
	}
	// PATCH changes only what it names; null clears a nullable field.
	ts.doJSON(t, "PATCH", "/aliases/"+a.ID, keyA, map[string]any{"target_path": "g/embeddings", "routing_key_override": nil}, http.StatusOK, &got)
	if got.TargetPath != "g/embeddings" || got.RoutingKeyOverride != nil || got.Description == nil || *got.Description != "first" {
		t.Fatalf("after patch = %+v", got)
	}
	ts.doJSON(t, "DELETE", "/aliases/"+a.ID, keyA, nil, http.StatusOK, nil)
	// Still readable by id, with deactivated_at set and no longer routing.
	ts.doJSON(t, "GET", "/aliases/"+a.ID, keyA, nil, http.StatusOK, &got)
	if got.DeactivatedAt == nil || got.IsRouting {
		t.Fatalf("deactivated alias = %+v; want deactivated_at set, not routing", got)
	}
	if status, _ := ts.do(t, "DELETE", "/aliases/"+a.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("second delete: %d, want 404", status)
	}
	if status, _ := ts.do(t, "PATCH", "/aliases/"+a.ID, keyA, map[string]any{"description": "x"}); status != http.StatusNotFound {
		t.Fatalf("patch deactivated: %d, want 404", status)
	}
}

func TestAliasesDeactivatedHiddenUnlessAsked(t *testing.T) {
	ts := newTestServer(t)
	a := createAlias(t, ts, keyA, "", map[string]any{"name": "gone", "target_path": "g/llm"})
	createAlias(t, ts, keyA, "", map[string]any{"name": "kept", "target_path": "g/llm"})
	ts.doJSON(t, "DELETE", "/aliases/"+a.ID, keyA, nil, http.StatusOK, nil)
	var list aliasList
	ts.doJSON(t, "GET", "/aliases/", keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].Name != "kept" {
		t.Fatalf("default list = %+v; want only the live alias", list)
	}
	ts.doJSON(t, "GET", "/aliases/?include_deactivated=true", keyA, nil, http.StatusOK, &list)
	if list.Count != 2 {
		t.Fatalf("include_deactivated list has %d aliases, want 2", list.Count)
	}
}

func TestAliasesNameAndFieldValidation(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("a", 101)
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"too long", map[string]any{"name": long, "target_path": "g/llm"}, "at most 100"},
		{"upper case", map[string]any{"name": "My-Alias", "target_path": "g/llm"}, "lower-case"},
		{"leading hyphen", map[string]any{"name": "-x", "target_path": "g/llm"}, "pattern"},
		{"missing name", map[string]any{"target_path": "g/llm"}, "name"},
		{"missing target", map[string]any{"name": "x"}, "target_path"},
		{"empty target", map[string]any{"name": "x", "target_path": " "}, "target_path"},
		{"long target", map[string]any{"name": "x", "target_path": strings.Repeat("t", 501)}, "at most 500"},
		{"long description", map[string]any{"name": "x", "target_path": "g/llm", "description": strings.Repeat("d", 501)}, "at most 500"},
		{"routing key not an object", map[string]any{"name": "x", "target_path": "g/llm", "request_routing_key": "gpt"}, "valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, data := ts.do(t, "POST", "/aliases/", keyA, tc.body)
			if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), tc.want) {
				t.Fatalf("status %d, detail %s; want 422 mentioning %q", status, detail(t, data), tc.want)
			}
		})
	}
	// The longest allowed name works.
	createAlias(t, ts, keyA, "", map[string]any{"name": strings.Repeat("a", 100), "target_path": "g/llm"})
	if status, _ := ts.do(t, "PATCH", "/aliases/"+"00000000-0000-0000-0000-000000000000", keyA, map[string]any{"description": strings.Repeat("d", 501)}); status != http.StatusUnprocessableEntity {
		t.Fatalf("patch long description: %d, want 422", status)
	}
}

func TestAliasesIdentityUniquePerScope(t *testing.T) {
	ts := newTestServer(t)
	body := map[string]any{"name": "dup", "target_path": "g/llm"}
	createAlias(t, ts, keyA, "", body)
	status, data := ts.do(t, "POST", "/aliases/", keyA, body)
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "already exists in the personal scope") {
		t.Fatalf("duplicate: %d %s, want 409", status, data)
	}
	// The same identity in the shared scope, for a teammate's personal
	// scope and for another customer is fine.
	shared := createAlias(t, ts, keyA, "?shared=true", body)
	if shared.OwnerID != nil {
		t.Fatal("shared alias has an owner")
	}
	if status, _ := ts.do(t, "POST", "/aliases/?shared=true", keyA2, body); status != http.StatusConflict {
		t.Fatalf("teammate duplicating the shared alias: %d, want 409", status)
	}
	createAlias(t, ts, keyA2, "", body)
	createAlias(t, ts, keyB, "", body)
	// A deactivated alias frees its identity.
	list := aliasList{}
	ts.doJSON(t, "GET", "/aliases/?name=dup", keyA, nil, http.StatusOK, &list)
	for _, a := range list.Data {
		if a.OwnerID != nil {
			ts.doJSON(t, "DELETE", "/aliases/"+a.ID, keyA, nil, http.StatusOK, nil)
		}
	}
	createAlias(t, ts, keyA, "", body)
}

func TestAliasesOneRoutingPerNameAndRoutingKey(t *testing.T) {
	ts := newTestServer(t)
	first := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/llm"})
	second := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/open-weights"})
	if !first.IsRouting || second.IsRouting {
		t.Fatalf("first routing=%v second routing=%v; want the second created non-routing", first.IsRouting, second.IsRouting)
	}
	keyed := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/llm", "request_routing_key": map[string]any{"model": "gpt-4o"}})
	if !keyed.IsRouting {
		t.Fatal("an alias with another request_routing_key should route")
	}
	// Key order does not make a different routing key.
	same := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/open-weights", "request_routing_key": map[string]any{"model": "gpt-4o"}})
	if same.IsRouting {
		t.Fatal("a second alias for the same (name, routing key) routes")
	}
	off := createAlias(t, ts, keyA, "", map[string]any{"name": "quiet", "target_path": "g/llm", "is_routing": false})
	if off.IsRouting {
		t.Fatal("is_routing=false was not honoured")
	}
	// Changing the routing key onto a routed pair makes the alias non-routing.
	var got aliasBody
	ts.doJSON(t, "PATCH", "/aliases/"+keyed.ID, keyA, map[string]any{"request_routing_key": nil, "target_path": "g/embeddings"}, http.StatusOK, &got)
	if got.IsRouting {
		t.Fatal("alias moved onto a routed (name, routing key) still routes")
	}
}

func TestAliasesSwitchMovesRouting(t *testing.T) {
	ts := newTestServer(t)
	first := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/llm"})
	second := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/open-weights"})
	var sw switchBody
	ts.doJSON(t, "POST", "/aliases/"+second.ID+"/switch", keyA, nil, http.StatusOK, &sw)
	if !sw.Alias.IsRouting || sw.DemotedAliasID == nil || *sw.DemotedAliasID != first.ID {
		t.Fatalf("switch on = %+v; want second routing, first demoted", sw)
	}
	var got aliasBody
	ts.doJSON(t, "GET", "/aliases/"+first.ID, keyA, nil, http.StatusOK, &got)
	if got.IsRouting {
		t.Fatal("demoted alias still routes")
	}
	// Switching on what already routes changes nothing.
	ts.doJSON(t, "POST", "/aliases/"+second.ID+"/switch?on=true", keyA, nil, http.StatusOK, &sw)
	if !sw.Alias.IsRouting || sw.DemotedAliasID != nil {
		t.Fatalf("repeated switch on = %+v", sw)
	}
	// on=false turns it off and promotes nobody.
	ts.doJSON(t, "POST", "/aliases/"+second.ID+"/switch?on=false", keyA, nil, http.StatusOK, &sw)
	if sw.Alias.IsRouting || sw.DemotedAliasID != nil {
		t.Fatalf("switch off = %+v", sw)
	}
	ts.doJSON(t, "GET", "/aliases/"+first.ID, keyA, nil, http.StatusOK, &got)
	if got.IsRouting {
		t.Fatal("switch off promoted a sibling")
	}
}

func TestAliasesSwitchByNameCyclesAndFilters(t *testing.T) {
	ts := newTestServer(t)
	first := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/llm", "is_routing": false})
	second := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/open-weights", "is_routing": false})
	var sw switchBody
	// None routing: the first.
	ts.doJSON(t, "POST", "/aliases/chat/switch", keyA, nil, http.StatusOK, &sw)
	if sw.Alias.ID != first.ID || !sw.Alias.IsRouting {
		t.Fatalf("bare switch with none routing chose %s, want the first", sw.Alias.TargetPath)
	}
	// One routing: the next, wrapping.
	ts.doJSON(t, "POST", "/aliases/chat/switch", keyA, nil, http.StatusOK, &sw)
	if sw.Alias.ID != second.ID || sw.DemotedAliasID == nil || *sw.DemotedAliasID != first.ID {
		t.Fatalf("second bare switch = %+v, want the second alias, first demoted", sw)
	}
	ts.doJSON(t, "POST", "/aliases/chat/switch", keyA, nil, http.StatusOK, &sw)
	if sw.Alias.ID != first.ID {
		t.Fatal("switch did not wrap around to the first alias")
	}
	// A target filter picks by substring.
	ts.doJSON(t, "POST", "/aliases/chat/switch?target=weights", keyA, nil, http.StatusOK, &sw)
	if sw.Alias.ID != second.ID {
		t.Fatalf("target filter chose %s", sw.Alias.TargetPath)
	}
	// A partial id (8+ hex digits) addresses one alias.
	ts.doJSON(t, "POST", "/aliases/"+first.ID[:8]+"/switch", keyA, nil, http.StatusOK, &sw)
	if sw.Alias.ID != first.ID {
		t.Fatal("partial id did not select the alias")
	}
	if status, _ := ts.do(t, "POST", "/aliases/nope/switch", keyA, nil); status != http.StatusNotFound {
		t.Fatalf("unknown name: %d, want 404", status)
	}
	if status, _ := ts.do(t, "POST", "/aliases/chat/switch?target=zzz", keyA, nil); status != http.StatusNotFound {
		t.Fatalf("filter matching nothing: %d, want 404", status)
	}
	// Another customer cannot switch it.
	if status, _ := ts.do(t, "POST", "/aliases/"+first.ID+"/switch", keyB, nil); status != http.StatusNotFound {
		t.Fatalf("other customer switch: %d, want 404", status)
	}
}

func TestAliasesUpdateConflict(t *testing.T) {
	ts := newTestServer(t)
	createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/llm"})
	b := createAlias(t, ts, keyA, "", map[string]any{"name": "chat", "target_path": "g/open-weights"})
	status, data := ts.do(t, "PATCH", "/aliases/"+b.ID, keyA, map[string]any{"target_path": "g/llm"})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "g/llm") {
		t.Fatalf("patch onto an existing identity: %d %s, want 409", status, data)
	}
}

func TestAliasesIDsAndVisibility(t *testing.T) {
	ts := newTestServer(t)
	a := createAlias(t, ts, keyA, "", map[string]any{"name": "mine", "target_path": "g/llm"})
	s := createAlias(t, ts, keyA, "?shared=true", map[string]any{"name": "ours", "target_path": "g/llm"})
	if status, _ := ts.do(t, "GET", "/aliases/not-a-uuid", keyA, nil); status != http.StatusUnprocessableEntity {
		t.Fatalf("malformed id: %d, want 422", status)
	}
	if status, _ := ts.do(t, "GET", "/aliases/00000000-0000-0000-0000-000000000000", keyA, nil); status != http.StatusNotFound {
		t.Fatalf("unknown id: %d, want 404", status)
	}
	// A teammate sees the shared alias but not the personal one; another
	// customer sees neither.
	if status, _ := ts.do(t, "GET", "/aliases/"+a.ID, keyA2, nil); status != http.StatusNotFound {
		t.Fatalf("teammate read personal alias: %d", status)
	}
	ts.doJSON(t, "GET", "/aliases/"+s.ID, keyA2, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "GET", "/aliases/"+s.ID, keyB, nil); status != http.StatusNotFound {
		t.Fatalf("other customer read shared alias: %d", status)
	}
	var list aliasList
	ts.doJSON(t, "GET", "/aliases/?shared=true", keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].ID != s.ID {
		t.Fatalf("shared-only list = %+v", list)
	}
	ts.doJSON(t, "GET", "/aliases/?limit=1&skip=1", keyA, nil, http.StatusOK, &list)
	if list.Count != 2 || len(list.Data) != 1 || list.Data[0].ID != s.ID {
		t.Fatalf("paged list = %+v", list)
	}
	if status, _ := ts.do(t, "GET", "/aliases/", noAuth, nil); status != http.StatusUnauthorized {
		t.Fatalf("anonymous list: %d, want 401", status)
	}
}
