package tfutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestParseImportID(t *testing.T) {
	cases := []struct {
		id, format string
		want       []string
		wantErr    string
	}{
		{"abc/def", "<collection>/<service_id>", []string{"abc", "def"}, ""},
		{"my%2Fname/x", "<collection>/<service_id>", []string{"my/name", "x"}, ""},
		{"only", "<collection>/<service_id>", nil, `expected <collection>/<service_id>`},
		{"a/b/c", "<collection>/<service_id>", nil, `expected <collection>/<service_id>`},
		{"a/", "<collection>/<service_id>", nil, "no empty part"},
		{"%zz/b", "<collection>/<service_id>", nil, "no empty part"},
		{"single", "<id>", []string{"single"}, ""},
	}
	for _, c := range cases {
		got, err := ParseImportID(c.id, c.format)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), c.id) {
				t.Errorf("ParseImportID(%q) err = %v, want one naming the ID and %q", c.id, err, c.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("ParseImportID(%q) = %v, %v; want %v", c.id, got, err, c.want)
		}
	}
}

func TestAPIErrorDetail(t *testing.T) {
	msg := APIErrorDetail(&client.APIError{StatusCode: 409, Detail: "Collection 'x' already exists", Method: "POST", Path: "/groups"})
	for _, want := range []string{"HTTP 409", "POST /groups", "Collection 'x' already exists", "Import the existing object"} {
		if !strings.Contains(msg, want) {
			t.Errorf("detail %q lacks %q", msg, want)
		}
	}
	msg = APIErrorDetail(&client.TransportError{Method: "GET", Path: "/groups", Err: errors.New("connection refused")})
	if !strings.Contains(msg, "could not be reached") || !strings.Contains(msg, "connection refused") {
		t.Errorf("transport detail = %q", msg)
	}
	if msg := APIErrorDetail(&client.APIError{StatusCode: 401, Method: "GET", Path: "/secrets/"}); !strings.Contains(msg, "api_key") || !strings.Contains(msg, "Unauthorized") {
		t.Errorf("401 detail = %q", msg)
	}
}

func TestPickInScope(t *testing.T) {
	type obj struct {
		id     string
		shared bool
	}
	isShared := func(o *obj) bool { return o.shared }
	both := []obj{{"team", true}, {"mine", false}}
	cases := []struct {
		matches []obj
		shared  types.Bool
		want    string
	}{
		{both, types.BoolNull(), "mine"}, // personal shadows shared
		{both, types.BoolValue(true), "team"},
		{both, types.BoolValue(false), "mine"},
		{both[:1], types.BoolValue(false), ""},
		{nil, types.BoolNull(), ""},
	}
	for _, c := range cases {
		got := PickInScope(c.matches, c.shared, isShared)
		if (got == nil) != (c.want == "") || (got != nil && got.id != c.want) {
			t.Errorf("PickInScope(%v, %v) = %v, want %q", c.matches, c.shared, got, c.want)
		}
	}
	if ScopeWords(types.BoolNull()) != "personal or shared" || ScopeWords(types.BoolValue(true)) != "shared" || ScopeWords(types.BoolValue(false)) != "personal" {
		t.Error("ScopeWords")
	}
}
