package api_test

import (
	"net/http"
	"strings"
	"testing"
)

type secretBody struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	RoleID      *string `json:"role_id"`
	Sensitive   bool    `json:"sensitive"`
	Value       *string `json:"value"`
	OwnerType   string  `json:"owner_type"`
}

func TestSecretsCreateUpdateReadDelete(t *testing.T) {
	ts := newTestServer(t)
	var s secretBody
	ts.doJSON(t, "PUT", "/secrets/MY_KEY", keyA, map[string]any{"value": "v1", "description": "first"}, http.StatusCreated, &s)
	if !s.Sensitive || s.Value != nil || s.RoleID == nil || s.OwnerType != "customer" {
		t.Fatalf("created secret = %+v; want sensitive, no value, personal", s)
	}
	ts.doJSON(t, "PUT", "/secrets/MY_KEY", keyA, map[string]any{"value": "v2"}, http.StatusOK, &s)
	if s.Description == nil || *s.Description != "first" {
		t.Fatalf("description after value-only update = %v, want kept", s.Description)
	}
	ts.doJSON(t, "GET", "/secrets/MY_KEY", keyA, nil, http.StatusOK, &s)
	if s.Value != nil {
		t.Fatal("a sensitive value was returned")
	}
	var list struct {
		Data  []secretBody `json:"data"`
		Count int          `json:"count"`
	}
	ts.doJSON(t, "GET", "/secrets/", keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || len(list.Data) != 1 {
		t.Fatalf("list = %+v", list)
	}
	ts.doJSON(t, "DELETE", "/secrets/MY_KEY", keyA, nil, http.StatusOK, nil)
	status, _ := ts.do(t, "GET", "/secrets/MY_KEY", keyA, nil)
	if status != http.StatusNotFound {
		t.Fatalf("get after delete: %d", status)
	}
	status, _ = ts.do(t, "DELETE", "/secrets/MY_KEY", keyA, nil)
	if status != http.StatusNotFound {
		t.Fatalf("second delete: %d, want 404", status)
	}
}

func TestSecretsValuesEncryptedAtRest(t *testing.T) {
	ts := newTestServer(t)
	ts.doJSON(t, "PUT", "/secrets/AT_REST", keyA, map[string]any{"value": "plain-text-marker"}, http.StatusCreated, nil)
	var sealed []byte
	if err := ts.Store.DB().QueryRow(`SELECT value_sealed FROM secrets WHERE name = 'AT_REST'`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), "plain-text-marker") {
		t.Fatal("secret value stored in plain text")
	}
}

func TestSecretsVariableValueReturned(t *testing.T) {
	ts := newTestServer(t)
	var s secretBody
	ts.doJSON(t, "PUT", "/secrets/REGION", keyA, map[string]any{"value": "eu-west-1", "sensitive": false}, http.StatusCreated, &s)
	if s.Value == nil || *s.Value != "eu-west-1" {
		t.Fatalf("variable value = %v", s.Value)
	}
	ts.doJSON(t, "PUT", "/secrets/EMPTY", keyA, map[string]any{"value": "", "sensitive": false}, http.StatusCreated, &s)
	if s.Value == nil || *s.Value != "" {
		t.Fatalf("empty variable value = %v", s.Value)
	}
}

func TestSecretsSensitiveFixedAfterCreate(t *testing.T) {
	ts := newTestServer(t)
	ts.doJSON(t, "PUT", "/secrets/FIXED", keyA, map[string]any{"value": "x"}, http.StatusCreated, nil)
	status, data := ts.do(t, "PUT", "/secrets/FIXED", keyA, map[string]any{"value": "x", "sensitive": false})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "sensitive") {
		t.Fatalf("changing sensitive: %d %s, want 409 naming sensitive", status, data)
	}
	// Repeating the same flag is fine.
	ts.doJSON(t, "PUT", "/secrets/FIXED", keyA, map[string]any{"value": "y", "sensitive": true}, http.StatusOK, nil)
}

func TestSecretsScopes(t *testing.T) {
	ts := newTestServer(t)
	var s secretBody
	ts.doJSON(t, "PUT", "/secrets/TEAM?shared=true", keyA, map[string]any{"value": "shared", "sensitive": false}, http.StatusCreated, &s)
	if s.RoleID != nil {
		t.Fatal("shared secret has a role id")
	}
	// A teammate sees the shared secret; another customer does not.
	ts.doJSON(t, "GET", "/secrets/TEAM", keyA2, nil, http.StatusOK, &s)
	if status, _ := ts.do(t, "GET", "/secrets/TEAM", keyB, nil); status != http.StatusNotFound {
		t.Fatalf("other customer read shared secret: %d", status)
	}
	// A personal secret of the same name shadows the shared one.
	ts.doJSON(t, "PUT", "/secrets/TEAM", keyA, map[string]any{"value": "mine", "sensitive": false}, http.StatusCreated, nil)
	ts.doJSON(t, "GET", "/secrets/TEAM", keyA, nil, http.StatusOK, &s)
	if *s.Value != "mine" {
		t.Fatalf("personal did not shadow shared: %q", *s.Value)
	}
	ts.doJSON(t, "GET", "/secrets/TEAM", keyA2, nil, http.StatusOK, &s)
	if *s.Value != "shared" {
		t.Fatalf("teammate sees %q, want the shared value", *s.Value)
	}
	var list struct {
		Count int `json:"count"`
	}
	ts.doJSON(t, "GET", "/secrets/", keyA, nil, http.StatusOK, &list)
	if list.Count != 2 {
		t.Fatalf("A lists %d secrets, want personal + shared", list.Count)
	}
	// Deleting the shared scope leaves the personal one.
	ts.doJSON(t, "DELETE", "/secrets/TEAM?shared=true", keyA, nil, http.StatusOK, nil)
	ts.doJSON(t, "GET", "/secrets/TEAM", keyA, nil, http.StatusOK, &s)
	if status, _ := ts.do(t, "DELETE", "/secrets/TEAM?shared=true", keyA, nil); status != http.StatusNotFound {
		t.Fatalf("deleting absent shared secret: %d", status)
	}
}

func TestSecretsValidation(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("A", 101)
	cases := []struct {
		name, path string
		body       any
		wantLoc    string
	}{
		{"lower-case name", "/secrets/lower", map[string]any{"value": "x"}, `["path","name"]`},
		{"leading digit", "/secrets/1ABC", map[string]any{"value": "x"}, `["path","name"]`},
		{"over-long name", "/secrets/" + long, map[string]any{"value": "x"}, `["path","name"]`},
		{"over-long value", "/secrets/OK", map[string]any{"value": strings.Repeat("x", 4001)}, `["body","value"]`},
		{"missing value", "/secrets/OK", map[string]any{"description": "d"}, `["body","value"]`},
		{"over-long description", "/secrets/OK", map[string]any{"value": "x", "description": strings.Repeat("d", 10001)}, `["body","description"]`},
		{"bad shared flag", "/secrets/OK?shared=maybe", map[string]any{"value": "x"}, `["query","shared"]`},
		{"no body", "/secrets/OK", nil, `["body"]`},
		{"malformed JSON", "/secrets/OK", "{", `["body"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, data := ts.do(t, "PUT", c.path, keyA, c.body)
			if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), c.wantLoc) {
				t.Fatalf("status %d body %s; want 422 at %s", status, data, c.wantLoc)
			}
		})
	}
	// A value of exactly 4000 characters and 100-character names are fine.
	ts.doJSON(t, "PUT", "/secrets/"+long[:100], keyA, map[string]any{"value": strings.Repeat("x", 4000)}, http.StatusCreated, nil)
}

func TestAuth(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct {
		name, key string
		want      int
	}{
		{"anonymous", noAuth, http.StatusUnauthorized},
		{"empty bearer", emptyKey, http.StatusUnauthorized},
		{"unknown key", "svcpass_nope", http.StatusUnauthorized},
		{"good key", keyA, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			if status, data := ts.do(t, "GET", "/secrets/", c.key, nil); status != c.want {
				t.Fatalf("status %d (%s), want %d", status, data, c.want)
			}
		})
	}
	// Anonymous catalog reads work; a bad key is refused even there.
	if status, _ := ts.do(t, "GET", "/groups", noAuth, nil); status != http.StatusOK {
		t.Fatalf("anonymous GET /groups: %d", status)
	}
	if status, _ := ts.do(t, "GET", "/groups", emptyKey, nil); status != http.StatusUnauthorized {
		t.Fatalf("empty bearer GET /groups: %d", status)
	}
}
