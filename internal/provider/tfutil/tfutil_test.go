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

// Messages never claim retries that did not happen, and answers that are
// not the API's own point at api_url with the URL that was called.
func TestAPIErrorDetailHints(t *testing.T) {
	cases := []struct {
		name    string
		err     *client.APIError
		want    []string
		notWant []string
	}{
		{"route-level 404", &client.APIError{StatusCode: 404, Detail: "Not Found", Method: "GET", Path: "/secrets/X", URL: "http://h:8000/secrets/X", NoSuchRoute: true},
			[]string{"http://h:8000/secrets/X", "not an answer of the UnitySVC customer API", "Check api_url", "state was left as it was"}, []string{"retries"}},
		{"501", &client.APIError{StatusCode: 501, Method: "GET", Path: "/secrets/X", URL: "http://h:8001/v1/secrets/X", Attempts: 1},
			[]string{"http://h:8001/v1/secrets/X", "not retried", "Check api_url"}, []string{"retries were exhausted"}},
		{"503 retried", &client.APIError{StatusCode: 503, Method: "GET", Path: "/secrets/X", Attempts: 5},
			[]string{"sent 5 times"}, nil},
		{"503 not retried", &client.APIError{StatusCode: 503, Method: "GET", Path: "/secrets/X", Attempts: 1},
			[]string{"Try again later"}, []string{"retries", "times"}},
		{"503 on a create", &client.APIError{StatusCode: 503, Method: "POST", Path: "/chains/", Attempts: 1},
			[]string{"never sent twice", "import"}, []string{"retries were exhausted"}},
		{"429 retried", &client.APIError{StatusCode: 429, Method: "GET", Path: "/secrets/", Attempts: 3},
			[]string{"sent 3 times", "max_retries"}, nil},
		{"429 without retries", &client.APIError{StatusCode: 429, Method: "GET", Path: "/secrets/", Attempts: 1},
			[]string{"max_retries is 0"}, []string{"exhausted"}},
	}
	for _, c := range cases {
		msg := APIErrorDetail(c.err)
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q lacks %q", c.name, msg, w)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(msg, w) {
				t.Errorf("%s: %q must not say %q", c.name, msg, w)
			}
		}
	}
}
