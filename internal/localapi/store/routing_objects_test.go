package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"testing"
	"time"
)

// routingStore opens an in-memory store whose clock moves one second per
// reading, so every write has its own updated_at.
func routingStore(t *testing.T) (*Store, Principal) {
	t.Helper()
	ctx := context.Background()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := Open(ctx, Options{Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	p, err := s.EnsureAPIKey(ctx, "acme", "svcpass_routing")
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

func stepNames(c *Chain) []string {
	var out []string
	for _, st := range c.Steps {
		out = append(out, st.Name)
	}
	return out
}

func TestReplaceChildrenReplacesEveryChildInSortOrder(t *testing.T) {
	ctx := context.Background()
	s, p := routingStore(t)
	c, err := s.CreateChain(ctx, p, false, ChainWrite{Name: "c", DefaultTimeoutMS: 1000, Enabled: true, Steps: []ChainStepWrite{
		{Name: "old1", TargetPath: "g/a", OnSuccess: "stop", OnFailure: "relay", SortOrder: 1},
		{Name: "old2", TargetPath: "g/b", OnSuccess: "stop", OnFailure: "relay", SortOrder: 2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if c.UpdatedAt != nil {
		t.Fatalf("a new chain has updated_at %q, want none", *c.UpdatedAt)
	}
	got, err := s.ReplaceChainSteps(ctx, p, c.ID, []ChainStepWrite{
		{Name: "second", TargetPath: "g/y", OnSuccess: "continue", OnFailure: "stop", SortOrder: 2},
		{Name: "first", TargetPath: "g/x", OnSuccess: "relay", OnFailure: "continue", SortOrder: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if names := stepNames(got); len(names) != 2 || names[0] != "first" || names[1] != "second" {
		t.Fatalf("steps after replace: %v, want [first second] (sort order)", names)
	}
	if got.UpdatedAt == nil {
		t.Fatal("replacing the steps did not set updated_at")
	}
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM chain_steps WHERE chain_id = ?`, c.ID).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d step rows stored (%v), want 2: the old steps must be gone", n, err)
	}
	empty, err := s.ReplaceChainSteps(ctx, p, c.ID, nil)
	if err != nil || len(empty.Steps) != 0 {
		t.Fatalf("replacing with no steps: %v steps, err %v; want none", stepNames(empty), err)
	}
}

func TestReplaceChildrenRollsBackOnABadChild(t *testing.T) {
	ctx := context.Background()
	s, p := routingStore(t)
	c, err := s.CreateChain(ctx, p, false, ChainWrite{Name: "c", DefaultTimeoutMS: 1000, Enabled: true, Steps: []ChainStepWrite{
		{Name: "kept", TargetPath: "g/a", OnSuccess: "stop", OnFailure: "relay"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// A chain kind whose second child cannot be written.
	errBad := errors.New("bad child")
	failing := *chains
	failing.insertChild = func(ctx context.Context, tx *sql.Tx, id, parentID string, w ChainStepWrite) error {
		if w.Name == "bad" {
			return errBad
		}
		return chains.insertChild(ctx, tx, id, parentID, w)
	}
	_, err = failing.replaceChildren(ctx, s, p, c.ID, []ChainStepWrite{
		{Name: "good", TargetPath: "g/x", OnSuccess: "stop", OnFailure: "relay"},
		{Name: "bad", TargetPath: "g/y", OnSuccess: "stop", OnFailure: "relay"},
	})
	if !errors.Is(err, errBad) {
		t.Fatalf("replace with a bad child: err %v, want the child's error", err)
	}
	after, err := s.GetChain(ctx, p, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if names := stepNames(after); len(names) != 1 || names[0] != "kept" {
		t.Fatalf("steps after a failed replace: %v, want the old [kept]", names)
	}
	if after.UpdatedAt != nil {
		t.Fatalf("a failed replace set updated_at to %q", *after.UpdatedAt)
	}

	// The same through the broadcast flavour: a routing key override that
	// is not JSON (NaN) fails the second target's insert.
	b, err := s.CreateBroadcast(ctx, p, true, BroadcastWrite{Name: "b", Mode: "sync", TargetTimeoutMS: 1000, Enabled: true, Targets: []BroadcastTargetWrite{
		{Name: "kept", TargetPath: "g/a"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceBroadcastTargets(ctx, p, b.ID, []BroadcastTargetWrite{
		{Name: "good", TargetPath: "g/x"},
		{Name: "bad", TargetPath: "g/y", RoutingKeyOverride: map[string]any{"weight": math.NaN()}},
	}); err == nil {
		t.Fatal("replacing with a target whose override is not JSON succeeded")
	}
	bAfter, err := s.GetBroadcast(ctx, p, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(bAfter.Targets) != 1 || bAfter.Targets[0].Name != "kept" || bAfter.UpdatedAt != nil {
		t.Fatalf("broadcast after a failed replace: %d targets, updated_at %v; want the old target, untouched", len(bAfter.Targets), bAfter.UpdatedAt)
	}
}

func TestRoutingObjectScopesAndNotFound(t *testing.T) {
	ctx := context.Background()
	s, p := routingStore(t)
	other, err := s.EnsureAPIKey(ctx, "other", "svcpass_other")
	if err != nil {
		t.Fatal(err)
	}
	w := ChainWrite{Name: "same", DefaultTimeoutMS: 1000, Enabled: true}
	personal, err := s.CreateChain(ctx, p, false, w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateChain(ctx, p, false, w); !errors.Is(err, ErrConflict) {
		t.Fatalf("second personal chain of one name: err %v, want ErrConflict", err)
	}
	shared, err := s.CreateChain(ctx, p, true, w)
	if err != nil {
		t.Fatalf("a shared chain may share a personal chain's name: %v", err)
	}
	if r, err := s.ResolveChain(ctx, p, "same"); err != nil || r.ID != personal.ID {
		t.Fatalf("resolve picked %v (%v), want the personal chain", r, err)
	}
	if l, err := s.ListChains(ctx, p, true); err != nil || len(l) != 1 || l[0].ID != shared.ID {
		t.Fatalf("shared-only list: %d chains (%v), want the shared one", len(l), err)
	}
	// Another customer sees none of them, and cannot change them.
	if _, err := s.GetChain(ctx, other, personal.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another customer's get: %v, want ErrNotFound", err)
	}
	if _, err := s.ReplaceChainSteps(ctx, other, shared.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another customer's replace: %v, want ErrNotFound", err)
	}
	if _, err := s.AddChainStep(ctx, other, shared.ID, ChainStepWrite{Name: "x", TargetPath: "g/x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another customer's add: %v, want ErrNotFound", err)
	}
	if err := s.DeleteChainStep(ctx, p, shared.ID, personal.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting a step the chain does not have: %v, want ErrNotFound", err)
	}
	if err := s.DeleteChain(ctx, other, personal.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another customer's delete: %v, want ErrNotFound", err)
	}
}
