package store

import (
	"context"
	"testing"
)

// A cache fill that read "enabled" before a stop committed must not
// overwrite the stop: logging would stay on after /stop.
func TestRequestLoggingFillRacingStopKeepsStop(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.EnsureAPIKey(ctx, "acme", "svcpass_race")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetRequestLogging(ctx, p.UserID, true, nil); err != nil {
		t.Fatal(err)
	}
	s.logging.forget(p.UserID) // as after a restart: the next read fills the cache
	stopped := false
	testHookLoggingFilled = func() {
		if stopped {
			return
		}
		stopped = true
		// The stop lands between the fill's read and its store in the cache.
		if _, err := s.SetRequestLogging(ctx, p.UserID, false, nil); err != nil {
			t.Error(err)
		}
	}
	defer func() { testHookLoggingFilled = nil }()
	if _, err := s.RequestLogging(ctx, p.UserID); err != nil {
		t.Fatal(err)
	}
	got, err := s.RequestLogging(ctx, p.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Enabled {
		t.Fatal("request logging is still on after a stop that raced a cache fill")
	}
}
