package localapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestFaults(t *testing.T) {
	cases := []struct {
		name          string
		f             Faults
		method, path  string
		wantCodes     string
		wantProcessed int
	}{
		// The 2nd request is rate limited, unprocessed; its retry passes.
		{"429 is transient and unprocessed", Faults{RateLimitEvery: 2}, "GET", "/v1/a", "[200 429 200]", 2},
		// The 2nd idempotent request is processed, then answered 503; its retry passes.
		{"503 after processing", Faults{ErrorAfterEvery: 2}, "PUT", "/v1/a", "[200 503 200]", 3},
		// POSTs are never hit by ErrorAfterEvery.
		{"POST spared by 503s", Faults{ErrorAfterEvery: 1}, "POST", "/v1/a", "[200 200 200]", 3},
		// A lost create: processed, then 503.
		{"lost create", Faults{LoseCreateEvery: 2}, "POST", "/v1/a", "[200 503 200]", 3},
		// A POST that creates nothing is treated like any idempotent request.
		{"resolve is not a create", Faults{LoseCreateEvery: 1}, "POST", "/v1/resolve", "[200 200 200]", 3},
		{"logging switch lost like a PUT", Faults{ErrorAfterEvery: 2}, "POST", "/v1/request-logs/start", "[200 503 200]", 3},
		// Only API paths are faulted.
		{"health never faulted", Faults{RateLimitEvery: 1, ErrorAfterEvery: 1}, "GET", "/healthz", "[200 200 200]", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			processed := 0
			fi := &faultInjector{f: c.f, next: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { processed++ })}
			var codes []int
			for range 3 {
				rec := httptest.NewRecorder()
				fi.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
				codes = append(codes, rec.Code)
			}
			if got := fmt.Sprint(codes); got != c.wantCodes || processed != c.wantProcessed {
				t.Fatalf("codes %s processed %d, want %s processed %d", got, processed, c.wantCodes, c.wantProcessed)
			}
		})
	}
}

// CrashAfterCreate processes the Nth POST, then crashes instead of
// answering; other requests and other POSTs are served.
func TestFaultCrashAfterCreate(t *testing.T) {
	processed, crashed := 0, 0
	fi := &faultInjector{f: Faults{CrashAfterCreate: 2}, next: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { processed++ }),
		crash: func() { crashed++ }}
	for _, m := range []string{"POST", "GET", "POST", "POST"} {
		fi.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(m, "/v1/a", nil))
	}
	if processed != 4 || crashed != 1 {
		t.Fatalf("processed %d crashed %d, want 4 processed and one crash (at the 2nd POST)", processed, crashed)
	}
}
