package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// apiErrorFor answers one request with status and body and returns the
// client's *APIError.
func apiErrorFor(t *testing.T, status int, body string) *APIError {
	t.Helper()
	srv := httptest.NewServer(ServeBaseCheck(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, body)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv, 0).do(context.Background(), request{method: http.MethodPatch, path: "/chains/c1", body: map[string]bool{"enabled": true}}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	return apiErr
}

func TestAPIErrorKeepsValidationEntries(t *testing.T) {
	e := apiErrorFor(t, http.StatusUnprocessableEntity, `{"detail":[
		{"loc":["body","name"],"msg":"String should have at most 64 characters","type":"string_too_long"},
		{"loc":["body","steps",2,"timeout_ms"],"msg":"Input should be greater than 0","type":"greater_than"},
		{"loc":["query","shared"],"msg":"Input should be a valid boolean","type":"bool_parsing"}]}`)
	want := []ValidationIssue{
		{Loc: []any{"body", "name"}, Msg: "String should have at most 64 characters", Type: "string_too_long"},
		{Loc: []any{"body", "steps", 2, "timeout_ms"}, Msg: "Input should be greater than 0", Type: "greater_than"},
		{Loc: []any{"query", "shared"}, Msg: "Input should be a valid boolean", Type: "bool_parsing"},
	}
	if !reflect.DeepEqual(e.Validation, want) {
		t.Fatalf("Validation = %#v, want %#v", e.Validation, want)
	}
	if e.Detail != "body.name: String should have at most 64 characters; body.steps.2.timeout_ms: Input should be greater than 0; query.shared: Input should be a valid boolean" {
		t.Errorf("Detail = %q", e.Detail)
	}
	if e.Conflict != "" || e.StatusCode != http.StatusUnprocessableEntity || e.Method != http.MethodPatch || e.Path != "/chains/c1" || e.Attempts != 1 || e.NoSuchRoute {
		t.Errorf("APIError = %+v", e)
	}
	if v, ok := e.Issue("greater_than", "steps", 2, "timeout_ms"); !ok || v.In() != "body" || !reflect.DeepEqual(v.Field(), []any{"steps", 2, "timeout_ms"}) {
		t.Errorf("Issue(steps.2.timeout_ms) = %+v, %v", v, ok)
	}
	if _, ok := e.Issue("", "name"); !ok {
		t.Error("Issue(name) with any type not found")
	}
	for _, miss := range [][]any{{"steps", 2}, {"shared"}, {"steps", "2", "timeout_ms"}} {
		if v, ok := e.Issue("", miss...); ok {
			t.Errorf("Issue(%v) = %+v, want none (query entries and partial paths do not match)", miss, v)
		}
	}
	if _, ok := e.Issue("missing", "name"); ok {
		t.Error("Issue(missing, name) matched an entry of another type")
	}
}

func TestAPIErrorStringDetails(t *testing.T) {
	cases := []struct {
		name         string
		status       int
		body         string
		wantDetail   string
		wantConflict string
	}{
		{"422 with a string detail", 422, `{"detail":"Broadcast mode 'async' is not available yet"}`, "Broadcast mode 'async' is not available yet", ""},
		{"409 with a string detail", 409, `{"detail":"A chain named 'x' already exists in the personal scope"}`,
			"A chain named 'x' already exists in the personal scope", "A chain named 'x' already exists in the personal scope"},
		{"not JSON", 502, "<html>bad gateway</html>", "<html>bad gateway</html>", ""},
		{"JSON without detail", 400, `{"error":"nope"}`, `{"error":"nope"}`, ""},
		{"empty body", 403, "", "", ""},
		{"empty validation list", 422, `{"detail":[]}`, "[]", ""},
		{"409 not JSON", 409, "conflict", "conflict", "conflict"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := apiErrorFor(t, tc.status, tc.body)
			if e.StatusCode != tc.status || e.Detail != tc.wantDetail || e.Conflict != tc.wantConflict || e.Validation != nil {
				t.Fatalf("APIError = %+v, want status %d, detail %q, conflict %q, no validation entries", e, tc.status, tc.wantDetail, tc.wantConflict)
			}
		})
	}
}

func TestAPIErrorCutsLongNonJSONBodies(t *testing.T) {
	long := make([]byte, 2000)
	for i := range long {
		long[i] = 'x'
	}
	e := apiErrorFor(t, 500, string(long))
	if len(e.Detail) != 503 || e.Detail[500:] != "..." {
		t.Fatalf("Detail has %d characters, want 500 and an ellipsis", len(e.Detail))
	}
}

func TestValidationIssueRejectsOtherLocationTypes(t *testing.T) {
	e := apiErrorFor(t, 422, `{"detail":[{"loc":["body",{"x":1}],"msg":"m","type":"t"}]}`)
	if e.Validation != nil {
		t.Fatalf("Validation = %+v, want none for a location holding an object", e.Validation)
	}
}

func TestValidationEntriesDropTheRejectedInput(t *testing.T) {
	e := apiErrorFor(t, http.StatusUnprocessableEntity, `{"detail":[{"loc":["body","value"],"msg":"String should have at most 4000 characters","type":"string_too_long","input":"svcpass_secret_value","ctx":{"max_length":4000,"got":"svcpass_secret_value"}}]}`)
	want := []ValidationIssue{{Loc: []any{"body", "value"}, Msg: "String should have at most 4000 characters", Type: "string_too_long"}}
	if !reflect.DeepEqual(e.Validation, want) {
		t.Fatalf("Validation = %#v, want %#v", e.Validation, want)
	}
	if text := fmt.Sprintf("%s %+v %#v", e.Error(), e, e.Validation); strings.Contains(text, "svcpass_secret_value") {
		t.Fatalf("the rejected input reached the error: %s", text)
	}
}
