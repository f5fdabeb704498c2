package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
)

// A cache fill that read "enabled" before a stop committed must not
// overwrite the stop: logging would stay on after /stop.
func TestRequestLoggingFillRacingStopKeepsStop(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
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

func logRow(p Principal, at time.Time) *RequestLog {
	return &RequestLog{ID: uuid.NewString(), EventID: uuid.NewString(), CustomerID: p.CustomerID, UserID: p.UserID, Timestamp: at,
		GatewaySource: "apisix", Method: "POST", Path: "/g/llm", RequestContentType: "application/json"}
}

func openWithUser(t *testing.T) (*Store, Principal) {
	t.Helper()
	s, err := Open(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	p, err := s.EnsureAPIKey(context.Background(), "acme", "svcpass_logs")
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// Queued rows are written in the background; a read right after finds
// every row queued before it.
func TestQueuedRequestLogsAreReadableAtOnce(t *testing.T) {
	s, p := openWithUser(t)
	for range 1000 {
		s.EnqueueRequestLog(logRow(p, time.Now()))
	}
	_, total, err := s.ListRequestLogs(context.Background(), p, RequestLogFilter{Limit: 1})
	if err != nil || total != 1000 {
		t.Fatalf("total %d (%v), want the 1000 queued rows", total, err)
	}
	if st := s.RequestLogStats(); st != (RequestLogStats{}) {
		t.Fatalf("stats %+v", st)
	}
}

// With the database busy the queue fills; what does not fit is dropped
// and counted, never waited for.
func TestFullRequestLogQueueDropsAndCounts(t *testing.T) {
	s, p := openWithUser(t)
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil) // holds the one connection: the writer waits
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n := logQueueRows + logBatch + 100
	for range n {
		s.EnqueueRequestLog(logRow(p, time.Now()))
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("queueing %d rows took %v: it must not wait for the database", n, took)
	}
	dropped := s.RequestLogStats().Dropped
	if dropped < 100 {
		t.Fatalf("%d rows dropped, want at least 100", dropped)
	}
	_ = tx.Rollback()
	_, total, err := s.ListRequestLogs(ctx, p, RequestLogFilter{Limit: 1})
	if err != nil || uint64(total)+dropped != uint64(n) {
		t.Fatalf("total %d + dropped %d != %d queued (%v)", total, dropped, n, err)
	}
}

func TestPruneRequestLogs(t *testing.T) {
	s, p := openWithUser(t)
	ctx := context.Background()
	now := time.Now()
	var rows []*RequestLog
	for i := range 10 {
		rows = append(rows, logRow(p, now.Add(-time.Duration(i)*24*time.Hour))) // today, 1 day ago, ... 9 days ago
	}
	if err := s.InsertRequestLogs(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneRequestLogs(ctx, now.Add(-7*24*time.Hour+time.Minute), 0); err != nil || n != 3 {
		t.Fatalf("pruned %d by age (%v), want the 3 rows 7 to 9 days old", n, err)
	}
	if n, err := s.PruneRequestLogs(ctx, time.Time{}, 4); err != nil || n != 3 {
		t.Fatalf("pruned %d by count (%v), want 3 of 7", n, err)
	}
	left, total, err := s.ListRequestLogs(ctx, p, RequestLogFilter{Limit: 10})
	if err != nil || total != 4 || !left[3].Timestamp.After(now.Add(-4*24*time.Hour)) {
		t.Fatalf("%d rows left (%v), want the newest 4", total, err)
	}
}

// withLinger sets the writer's linger for one test.
func withLinger(t *testing.T, d time.Duration) {
	old := logLinger
	logLinger = d
	t.Cleanup(func() { logLinger = old })
}

// storedRows counts the rows in the table, without flushing.
func storedRows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM request_logs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitStored polls until the table holds want rows; it fails after 10 s
// (the linger under test is an hour: only a write that does not wait
// for it gets there).
func waitStored(t *testing.T, s *Store, want int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); storedRows(t, s) != want; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d rows stored, want %d", storedRows(t, s), want)
		}
	}
}

// Rows gather while the writer lingers, and are written once it ends
// with nobody waiting for them.
func TestLingeringRowsAreWrittenWithoutAReader(t *testing.T) {
	withLinger(t, 50*time.Millisecond)
	s, p := openWithUser(t)
	for range 3 {
		s.EnqueueRequestLog(logRow(p, time.Now()))
	}
	waitStored(t, s, 3)
}

// A reader does not wait for the linger: Flush ends it.
func TestFlushEndsTheLinger(t *testing.T) {
	withLinger(t, time.Hour)
	s, p := openWithUser(t)
	s.EnqueueRequestLog(logRow(p, time.Now()))
	done := make(chan struct{})
	go func() { s.FlushRequestLogs(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("FlushRequestLogs waited for the writer's linger")
	}
	if n := storedRows(t, s); n != 1 {
		t.Fatalf("%d rows stored after the flush, want 1", n)
	}
}

// A full batch does not wait for the linger.
func TestFullBatchEndsTheLinger(t *testing.T) {
	withLinger(t, time.Hour)
	s, p := openWithUser(t)
	for range logBatch {
		s.EnqueueRequestLog(logRow(p, time.Now()))
	}
	waitStored(t, s, logBatch)
}

// Close writes what lingers.
func TestCloseWritesLingeringRows(t *testing.T) {
	withLinger(t, time.Hour)
	s, p := openWithUser(t)
	s.EnqueueRequestLog(logRow(p, time.Now()))
	s.closeLogs()
	if n := storedRows(t, s); n != 1 {
		t.Fatalf("%d rows stored after close, want 1", n)
	}
}
