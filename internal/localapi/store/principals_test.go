package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// The keys a start gives are the whole list: a stored key left out is
// refused, even after it authenticated (and was cached) once; giving it
// again makes it work again, as the same user.
func TestRetainAPIKeysDisablesTheOthers(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	a, err := s.EnsureAPIKey(ctx, "acme", "svcpass_a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.EnsureAPIKey(ctx, "acme", "svcpass_b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "svcpass_b"); err != nil { // cached now
		t.Fatal(err)
	}
	n, err := s.RetainAPIKeys(ctx, []string{"svcpass_a"})
	if err != nil || n != 1 {
		t.Fatalf("RetainAPIKeys = %d, %v; want 1 disabled", n, err)
	}
	if _, err := s.Authenticate(ctx, "svcpass_b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a dropped key authenticates: %v", err)
	}
	if p, err := s.Authenticate(ctx, "svcpass_a"); err != nil || p != a {
		t.Fatalf("a kept key: %+v, %v", p, err)
	}
	if off, err := s.UserDisabled(ctx, b.UserID); err != nil || !off {
		t.Fatalf("UserDisabled(b) = %v, %v", off, err)
	}
	again, err := s.EnsureAPIKey(ctx, "acme", "svcpass_b")
	if err != nil || again != b {
		t.Fatalf("the key given again: %+v, %v; want the same user %+v", again, err, b)
	}
	if p, err := s.Authenticate(ctx, "svcpass_b"); err != nil || p != b {
		t.Fatalf("the key given again does not authenticate: %v", err)
	}
	if n, err := s.RetainAPIKeys(ctx, []string{"svcpass_a", "svcpass_b"}); err != nil || n != 0 {
		t.Fatalf("RetainAPIKeys with every key = %d, %v; want 0", n, err)
	}
}
