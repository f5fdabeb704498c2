package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

func targetBody(name, path string, sort int) map[string]any {
	return map[string]any{"name": name, "target_path": path, "sort_order": sort}
}

func TestChainAndBroadcastSizeLimits(t *testing.T) {
	ts := newTestServer(t)
	var steps, targets []any
	for i := range 21 {
		steps = append(steps, step(fmt.Sprint("s", i), "g/llm", i))
		targets = append(targets, targetBody(fmt.Sprint("t", i), "g/llm", i))
	}
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "big", "steps": steps}, `["body","steps"] List should have at most 20 items after validation, not 21`)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "big", "targets": targets}, `["body","targets"] List should have at most 20 items after validation, not 21`)
	c := createChain(t, ts, keyA, "", map[string]any{"name": "full", "steps": steps[:20]})
	expect422(t, ts, "PUT", "/chains/"+c.ID+"/steps", steps, `["body"] List should have at most 20 items`)
	expect422(t, ts, "POST", "/chains/"+c.ID+"/steps", step("one-more", "g/llm", 21), "Chain 'full' already has 20 steps, the most it may have")
	var b struct{ ID string }
	ts.doJSON(t, "POST", "/broadcasts/", keyA, map[string]any{"name": "full", "targets": targets[:20]}, http.StatusCreated, &b)
	expect422(t, ts, "PUT", "/broadcasts/"+b.ID+"/targets", targets, `["body"] List should have at most 20 items`)
	expect422(t, ts, "POST", "/broadcasts/"+b.ID+"/targets", targetBody("one-more", "g/llm", 21), "Broadcast 'full' already has 20 targets")
}

func TestLoopsAreRefusedAtWrite(t *testing.T) {
	ts := newTestServer(t)
	// Directly.
	expect422(t, ts, "POST", "/chains/", map[string]any{"name": "self", "steps": []any{step("a", "g/llm", 0), step("b", "c/self/v1/chat", 1)}},
		`["body","steps",1,"target_path"] target_path 'c/self/v1/chat' leads back to chain 'self' (c/self → c/self)`)
	expect422(t, ts, "POST", "/broadcasts/", map[string]any{"name": "self", "targets": []any{targetBody("t", "/b/self", 0)}},
		`leads back to broadcast 'self' (b/self → b/self)`)
	expect422(t, ts, "POST", "/aliases/", map[string]any{"name": "self", "target_path": "a/self"}, `leads back to alias 'self' (a/self → a/self)`)

	// Through an alias, a broadcast and a chain made first, each fine alone.
	var al struct{ ID string }
	ts.doJSON(t, "POST", "/aliases/", keyA, map[string]any{"name": "front", "target_path": "b/fan"}, http.StatusCreated, &al)
	var fan struct{ ID string }
	ts.doJSON(t, "POST", "/broadcasts/", keyA, map[string]any{"name": "fan", "targets": []any{targetBody("llm", "g/llm", 0), targetBody("next", "c/last", 1)}}, http.StatusCreated, &fan)
	last := createChain(t, ts, keyA, "", map[string]any{"name": "last", "steps": []any{step("llm", "g/llm", 0)}})
	cycle := "(c/last → a/front → b/fan → c/last)"
	expect422(t, ts, "PUT", "/chains/"+last.ID+"/steps", []any{step("llm", "g/llm", 0), step("back", "a/front", 1)}, `["body",1,"target_path"] target_path 'a/front' leads back to chain 'last' `+cycle)
	expect422(t, ts, "POST", "/chains/"+last.ID+"/steps", step("back", "a/front", 1), `["body","target_path"] target_path 'a/front' leads back to chain 'last' `+cycle)
	expect422(t, ts, "PATCH", "/chains/"+last.ID+"/steps/"+last.Steps[0].ID, map[string]any{"target_path": "a/front"}, cycle)
	expect422(t, ts, "PUT", "/broadcasts/"+fan.ID+"/targets", []any{targetBody("back", "b/fan", 0)}, "(b/fan → b/fan)")
	expect422(t, ts, "POST", "/broadcasts/"+fan.ID+"/targets", targetBody("back", "a/front", 2), "(b/fan → a/front → b/fan)")
	createChain(t, ts, keyA, "", map[string]any{"name": "closing", "steps": []any{step("to", "a/front", 0)}})
	expect422(t, ts, "PATCH", "/aliases/"+al.ID, map[string]any{"target_path": "c/closing"}, "(a/front → c/closing → a/front)")
	// A second alias of the same name, even non-routing, counts: a switch
	// would make it route.
	expect422(t, ts, "POST", "/aliases/", map[string]any{"name": "front", "target_path": "c/closing", "is_routing": false}, "(a/front → c/closing → a/front)")
	// One written past these checks (as a concurrent write could) does
	// not start routing either.
	ctx := context.Background()
	p, err := ts.Store.Authenticate(ctx, keyA)
	if err != nil {
		t.Fatal(err)
	}
	sneaked, err := ts.Store.CreateAlias(ctx, p, false, store.Alias{Name: "front", TargetPath: "c/closing", IsRouting: false})
	if err != nil {
		t.Fatal(err)
	}
	expect422(t, ts, "POST", "/aliases/"+sneaked.ID+"/switch", nil, `["path","identifier"] target_path 'c/closing' leads back to alias 'front' (a/front → c/closing → a/front)`)
}

// A disabled chain still counts: enabling it must not close a loop the
// check let through. A teammate's shared objects count too.
func TestLoopChecksSeeDisabledAndSharedObjects(t *testing.T) {
	ts := newTestServer(t)
	createChain(t, ts, keyA, "?shared=true", map[string]any{"name": "team", "enabled": false, "steps": []any{step("to", "a/mine", 0)}})
	expect422(t, ts, "POST", "/aliases/", map[string]any{"name": "mine", "target_path": "c/team"}, "(a/mine → c/team → a/mine)")
	status, body := ts.do(t, "POST", "/aliases/", keyA2, map[string]any{"name": "mine", "target_path": "c/team"})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a teammate closing the loop through the shared chain: %d %s", status, body)
	}
	// Another customer's names are not in the graph.
	if status, body := ts.do(t, "POST", "/aliases/", keyB, map[string]any{"name": "mine", "target_path": "c/team"}); status != http.StatusCreated {
		t.Fatalf("another customer: %d %s", status, body)
	}
}
