package localapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
)

// Faults makes unitysvc-local misbehave on purpose, so clients can prove
// they retry safely. Counts are per API request. Faults are transient: a
// request that just got one (same method, path and query) passes on its
// next attempt, so a client that retries always gets through, however
// its requests interleave.
type Faults struct {
	// RateLimitEvery answers every Nth request with 429 and
	// "Retry-After: 0" without processing it (0 = never).
	RateLimitEvery int
	// ErrorAfterEvery processes every Nth idempotent request (GET, PUT,
	// PATCH, DELETE, and the POSTs that create nothing: resolve, the
	// request-logging switches, alias switches, triggers) and then
	// answers 503 instead of the result, as a failing proxy in front of
	// the API would (0 = never). Creates are left alone: after a 5xx the
	// client cannot know whether a create was processed, so it must not
	// retry it.
	ErrorAfterEvery int
	// LoseCreateEvery processes every Nth create (a POST that makes an
	// object) and then answers 503: the
	// case a client must never retry, since a retry would create the
	// object twice (0 = never).
	LoseCreateEvery int
	// CrashAfterCreate processes the Nth create and then ends the process
	// before it answers, as a server killed right after a commit would
	// (0 = never). Only for the binary: Config.Crash says how to die.
	CrashAfterCreate int
}

// faultInjector wraps the API with Faults, counting what it injected.
type faultInjector struct {
	f                   Faults
	next                http.Handler
	requests, idempot   atomic.Int64
	posts               atomic.Int64
	rateLimited, failed atomic.Int64
	lostCreates         atomic.Int64
	crashPosts          atomic.Int64
	// crash ends the process (Config.Crash).
	crash func()

	mu      sync.Mutex
	faulted map[string]bool // request keys whose last attempt got a fault
}

// retryOfFault reports whether this request repeats one that just got a
// fault (and forgets it), so the repeat passes.
func (fi *faultInjector) retryOfFault(key string) bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.faulted[key] {
		delete(fi.faulted, key)
		return true
	}
	return false
}

func (fi *faultInjector) markFaulted(key string) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.faulted == nil {
		fi.faulted = map[string]bool{}
	}
	fi.faulted[key] = true
}

func (fi *faultInjector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		fi.next.ServeHTTP(w, r)
		return
	}
	n := fi.requests.Add(1)
	key := r.Method + " " + r.URL.RequestURI()
	if fi.retryOfFault(key) {
		fi.next.ServeHTTP(w, r)
		return
	}
	if fi.f.RateLimitEvery > 0 && n%int64(fi.f.RateLimitEvery) == 0 {
		fi.rateLimited.Add(1)
		fi.markFaulted(key)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"detail":"Rate limit exceeded (unitysvc-local fault injection); retry after 0 seconds"}`)
		return
	}
	create := isCreate(r)
	if create && fi.f.CrashAfterCreate > 0 && fi.crashPosts.Add(1) == int64(fi.f.CrashAfterCreate) {
		fi.next.ServeHTTP(httptest.NewRecorder(), r) // committed, never answered
		fi.crash()
		return
	}
	every, counter := fi.f.ErrorAfterEvery, &fi.idempot
	if create {
		every, counter = fi.f.LoseCreateEvery, &fi.posts
	}
	if every > 0 && counter.Add(1)%int64(every) == 0 {
		fi.next.ServeHTTP(httptest.NewRecorder(), r) // processed, result lost
		fi.failed.Add(1)
		if create {
			fi.lostCreates.Add(1)
		}
		fi.markFaulted(key)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"detail":"Upstream connection reset after the request was processed (unitysvc-local fault injection)"}`)
		return
	}
	fi.next.ServeHTTP(w, r)
}

// isCreate reports whether r is a POST that makes an object, as opposed
// to one that only asks (resolve) or switches something (request
// logging, an alias's routing) or runs something (a trigger), whose
// repeat does no harm.
func isCreate(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "/v1/resolve", strings.HasPrefix(p, "/v1/request-logs/"),
		strings.HasSuffix(p, "/switch"), strings.HasSuffix(p, "/trigger"):
		return false
	}
	return true
}

// FaultCounts reports how many 429s and processed-then-503s were
// injected.
func (i *Instance) FaultCounts() (rateLimited, failedAfterProcessing int64) {
	if i.faults == nil {
		return 0, 0
	}
	return i.faults.rateLimited.Load(), i.faults.failed.Load()
}

// LostCreates reports how many POSTs were processed and then answered
// 503 (counted in FaultCounts' second figure too).
func (i *Instance) LostCreates() int64 {
	if i.faults == nil {
		return 0
	}
	return i.faults.lostCreates.Load()
}
