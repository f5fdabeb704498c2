package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Response shaping shared by the handlers: how values are written in
// answers and messages.

// scopeName names the scope of a shared or personal object in messages.
func scopeName(shared bool) string {
	if shared {
		return "shared"
	}
	return "personal"
}

// capitalized is an ASCII noun with its first letter upper case
// ("chain" -> "Chain"), to start a message with.
func capitalized(noun string) string {
	if noun == "" {
		return noun
	}
	return strings.ToUpper(noun[:1]) + noun[1:]
}

// writeJSON writes v as the JSON answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeDetail writes FastAPI's {"detail": "..."} error body.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string]string{"detail": detail})
}

// writePage writes a {data, count} listing: the skip/limit window of
// items, each rendered with view, and the total count.
func writePage[T, V any](w http.ResponseWriter, items []T, skip, limit int, view func(T) V) {
	out := make([]V, 0, len(items))
	for _, it := range page(items, skip, limit) {
		out = append(out, view(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "count": len(items)})
}

// page applies skip/limit to a slice.
func page[T any](items []T, skip, limit int) []T {
	if skip >= len(items) {
		return []T{}
	}
	items = items[skip:]
	if limit >= 0 && limit < len(items) {
		items = items[:limit]
	}
	return items
}

// JSON columns: the store keeps objects as JSON text.

// rawJSON writes a stored JSON column as it is (null when unset).
func rawJSON(s *string) json.RawMessage {
	if s == nil {
		return json.RawMessage("null")
	}
	return json.RawMessage(*s)
}

// canonicalObject stores a JSON object with sorted keys; an empty or
// null object is no object (nil), so {} and null mean the same thing.
func canonicalObject(m map[string]any) *string {
	if len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(m)
	return new(string(b))
}

// jsonText is v as JSON text to store.
func jsonText(v any) *string {
	b, _ := json.Marshal(v)
	return new(string(b))
}

// nullJSON is raw, or null when it is empty.
func nullJSON(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

// deref is *s, or "" when s is nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// logTime writes a request-log time as the API does (microseconds, UTC).
func logTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// logBody is a stored body as JSON when it is JSON, else as text.
func logBody(s *string) json.RawMessage {
	if s == nil {
		return json.RawMessage("null")
	}
	if json.Valid([]byte(*s)) {
		return json.RawMessage(*s)
	}
	b, _ := json.Marshal(*s)
	return b
}

// preview is the first n bytes of b as text.
func preview(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
