package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestReopenKeepsStateAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	key := bytes.Repeat([]byte{7}, 32)
	s, err := Open(ctx, Options{Path: path, SecretKey: key})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.EnsureAPIKey(ctx, "acme", "svcpass_x")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SetSecret(ctx, p, "K", false, SecretWrite{Value: "persisted"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("closing before reopening: %v", err)
	}

	s, err = Open(ctx, Options{Path: path, SecretKey: key})
	if err != nil {
		t.Fatalf("reopening (migrations must be skipped the second time): %v", err)
	}
	defer closeStore(t, s)
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(migrations) {
		t.Fatalf("%d migrations recorded (%v), want %d", n, err, len(migrations))
	}
	p2, err := s.EnsureAPIKey(ctx, "acme", "svcpass_x")
	if err != nil || p2 != p {
		t.Fatalf("the same key is a new principal after reopening: %v %v", p2, err)
	}
	sec, err := s.GetSecret(ctx, p, "K")
	if err != nil || sec.Value != "persisted" {
		t.Fatalf("secret after reopening: %+v %v", sec, err)
	}
}

func TestWrongSecretKeyCannotDecrypt(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	s, err := Open(ctx, Options{Path: path, SecretKey: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.EnsureAPIKey(ctx, "acme", "svcpass_x")
	if _, _, err := s.SetSecret(ctx, p, "K", false, SecretWrite{Value: "v"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("closing before reopening: %v", err)
	}
	s, err = Open(ctx, Options{Path: path, SecretKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	if _, err := s.GetSecret(ctx, p, "K"); err == nil {
		t.Fatal("a secret sealed with another key was decrypted")
	}
	if _, err := Open(ctx, Options{SecretKey: []byte("short")}); err == nil {
		t.Fatal("a 5-byte secret key was accepted")
	}
}

func TestSecondCustomerIsIsolated(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	a, _ := s.EnsureAPIKey(ctx, "acme", "svcpass_a")
	b, _ := s.EnsureAPIKey(ctx, "other", "svcpass_b")
	if a.CustomerID == b.CustomerID {
		t.Fatal("two customers share an id")
	}
	if _, _, err := s.SetSecret(ctx, a, "K", true, SecretWrite{Value: "team-a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSecret(ctx, b, "K"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("customer b read customer a's shared secret: %v", err)
	}
}

func TestFindCollectionSeesEveryWrite(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	p, _ := s.EnsureAPIKey(ctx, "acme", "k")
	if _, _, err := s.FindCollection(ctx, p, "mine"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before create: %v", err)
	}
	c, err := s.CreateCollection(ctx, p, CollectionWrite{Name: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	if got, ms, err := s.FindCollection(ctx, p, "mine"); err != nil || got.ID != c.ID || len(ms) != 0 {
		t.Fatalf("after create: %v %v %v", got, ms, err)
	}
	if _, err := s.AddMember(ctx, p, c.ID, MemberWrite{ServiceID: "00000000-0000-0000-0000-000000000001"}, 20); err != nil {
		t.Fatal(err)
	}
	if _, ms, _ := s.FindCollection(ctx, p, "mine"); len(ms) != 1 {
		t.Fatalf("after add: %d members", len(ms))
	}
	if err := s.RemoveMember(ctx, c.ID, "00000000-0000-0000-0000-000000000001"); err != nil {
		t.Fatal(err)
	}
	if _, ms, _ := s.FindCollection(ctx, p, "mine"); len(ms) != 0 {
		t.Fatalf("after remove: %d members", len(ms))
	}
	off := false
	if _, err := s.UpdateCollection(ctx, p, c.ID, CollectionUpdate{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.FindCollection(ctx, p, "mine"); got.Enabled {
		t.Fatal("after disabling: still enabled")
	}
	if err := s.DeleteCollection(ctx, p, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindCollection(ctx, p, "mine"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// closeStore closes s at the end of a test, failing it if that fails.
func closeStore(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("closing the store: %v", err)
	}
}
