package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// ListAccountFiles reads every page, one call per page, following the
// tokens, and sends the scope and path it was given.
func TestListAccountFilesReadsEveryPage(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.URL.RawQuery)
		mu.Unlock()
		q := r.URL.Query()
		if r.URL.Path != "/v1/files/list" || q.Get("scope") != "shared" || q.Get("path") != "docs/" || q.Get("max_keys") != "1000" {
			http.Error(w, `{"detail":"unexpected"}`, http.StatusBadRequest)
			return
		}
		page := map[string]any{"scope": "shared", "path": "docs/", "shared_enabled": true, "is_truncated": true, "common_prefixes": []string{}}
		switch q.Get("continuation_token") {
		case "":
			page["objects"] = []any{map[string]any{"key": "docs/a", "size": 1, "last_modified": "2026-01-01T00:00:00Z"}}
			page["next_continuation_token"] = "t1"
		case "t1":
			page["objects"] = []any{}
			page["common_prefixes"] = []string{"docs/sub/"}
			page["next_continuation_token"] = "t2"
		default:
			page["objects"] = []any{map[string]any{"key": "docs/z", "size": 2, "last_modified": "2026-01-02T00:00:00Z"}}
			page["is_truncated"] = false
			page["next_continuation_token"] = nil
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	}))
	defer srv.Close()
	c, err := client.New(client.Config{BaseURL: srv.URL + "/v1", APIKey: "svcpass_x"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.ListAccountFiles(context.Background(), client.FileScopeShared, "docs/")
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 3 || !strings.Contains(calls[2], "continuation_token=t2") {
		t.Fatalf("calls = %v, want one per page", calls)
	}
	if len(l.Objects) != 2 || l.Objects[1].Key != "docs/z" || len(l.CommonPrefixes) != 1 || l.IsTruncated || l.NextContinuationToken != nil || !l.SharedEnabled {
		t.Fatalf("listing = %+v", l)
	}
}
