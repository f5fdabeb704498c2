package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestRoutingObjectsShareOneFlow pins what chains and broadcasts answer
// alike, through the one flow they share: the 409 for a name taken in a
// scope, the 404s for an object and for a child, the delete messages,
// and a PUT of the children that is refused whole (nothing changes).
func TestRoutingObjectsShareOneFlow(t *testing.T) {
	ts := newTestServer(t)
	const missing = "00000000-0000-4000-8000-000000000000"
	for _, kind := range []struct {
		noun, title, children, childTitle string
		child                             func(name string) map[string]any
	}{
		{"chain", "Chain", "steps", "Step", func(name string) map[string]any { return step(name, "g/"+name, 0) }},
		{"broadcast", "Broadcast", "targets", "Target", func(name string) map[string]any {
			return map[string]any{"name": name, "target_path": "g/" + name}
		}},
	} {
		t.Run(kind.noun, func(t *testing.T) {
			base := "/" + kind.noun + "s/"
			body := map[string]any{"name": "shared-flow", kind.children: []any{kind.child("kept")}}
			var obj struct {
				ID string `json:"id"`
			}
			ts.doJSON(t, "POST", base, keyA, body, http.StatusCreated, &obj)
			wantDetail(t, ts, "POST", base, body, http.StatusConflict,
				"A "+kind.noun+" named 'shared-flow' already exists in the personal scope; "+kind.noun+" names are unique per scope (personal or shared). Choose another name, or manage the existing "+kind.noun+".")
			wantDetail(t, ts, "POST", base+"?shared=true", body, http.StatusCreated, "")
			wantDetail(t, ts, "POST", base+"?shared=true", body, http.StatusConflict,
				"A "+kind.noun+" named 'shared-flow' already exists in the shared scope; "+kind.noun+" names are unique per scope (personal or shared). Choose another name, or manage the existing "+kind.noun+".")

			wantDetail(t, ts, "GET", base+missing, nil, http.StatusNotFound, kind.title+" '"+missing+"' not found")
			wantDetail(t, ts, "PATCH", base+missing, map[string]any{"enabled": false}, http.StatusNotFound, kind.title+" '"+missing+"' not found")
			wantDetail(t, ts, "PUT", base+missing+"/"+kind.children, []any{}, http.StatusNotFound, kind.title+" '"+missing+"' not found")
			wantDetail(t, ts, "POST", base+missing+"/"+kind.children, kind.child("x"), http.StatusNotFound, kind.title+" '"+missing+"' not found")
			// Another customer's object is not found either.
			status, _ := ts.do(t, "GET", base+obj.ID, keyB, nil)
			if status != http.StatusNotFound {
				t.Fatalf("another customer's GET: status %d, want 404", status)
			}
			wantDetail(t, ts, "DELETE", base+obj.ID+"/"+kind.children+"/"+missing, nil, http.StatusNotFound,
				kind.childTitle+" '"+missing+"' not found in "+kind.noun+" '"+obj.ID+"'")

			// A PUT with one bad child changes nothing.
			expect422(t, ts, "PUT", base+obj.ID+"/"+kind.children, []any{kind.child("new"), kind.child("")}, `["body",1,"name"]`)
			var after map[string]any
			ts.doJSON(t, "GET", base+obj.ID, keyA, nil, http.StatusOK, &after)
			kids, _ := after[kind.children].([]any)
			if len(kids) != 1 || kids[0].(map[string]any)["name"] != "kept" || after["updated_at"] != nil {
				t.Fatalf("after a refused PUT: %s %v, updated_at %v; want the old child, untouched", kind.children, kids, after["updated_at"])
			}

			var added map[string]any
			ts.doJSON(t, "POST", base+obj.ID+"/"+kind.children, keyA, kind.child("added"), http.StatusCreated, &added)
			var msg struct {
				Message string `json:"message"`
			}
			ts.doJSON(t, "DELETE", base+obj.ID+"/"+kind.children+"/"+added["id"].(string), keyA, nil, http.StatusOK, &msg)
			if msg.Message != kind.childTitle+" deleted successfully" {
				t.Fatalf("deleting a child answered %q", msg.Message)
			}
			ts.doJSON(t, "DELETE", base+obj.ID, keyA, nil, http.StatusOK, &msg)
			if msg.Message != kind.title+" deleted successfully" {
				t.Fatalf("deleting the %s answered %q", kind.noun, msg.Message)
			}
			wantDetail(t, ts, "DELETE", base+obj.ID, nil, http.StatusNotFound, kind.title+" '"+obj.ID+"' not found")
		})
	}
}

// wantDetail asserts keyA's request answers status and, when want is set,
// the detail want.
func wantDetail(t *testing.T, ts *testServer, method, path string, body any, status int, want string) {
	t.Helper()
	got, data := ts.do(t, method, path, keyA, body)
	if got != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, got, status, data)
	}
	if want != "" {
		if d := detail(t, data); d != want {
			t.Fatalf("%s %s: detail %q, want %q", method, path, d, want)
		}
	}
}

// TestRoutingObjectNamesRoutable: every named routing object refuses at
// create a name the gateway could not route at /<prefix>/<name> (a space
// or "%" would be escaped in the URL, and "/" splits the path), with a
// 422 saying what is allowed; every routable name is kept as written.
func TestRoutingObjectNamesRoutable(t *testing.T) {
	ts := newTestServer(t)
	unroutable := []string{"sp ace", "a/b", "50%", "-lead", ".", "..", "tab\tname", "café", "q?x"}
	for _, kind := range []struct {
		base, want string
		body       func(name string) map[string]any
		ok         []string
	}{
		{"/chains/", "letters, digits, '-', '_', '.' and '~'", func(n string) map[string]any { return map[string]any{"name": n} },
			[]string{"My.Chain_1~x", "a-b", "0"}},
		{"/broadcasts/", "letters, digits, '-', '_', '.' and '~'", func(n string) map[string]any { return map[string]any{"name": n} },
			[]string{"Fan.Out_2~y", "b-c", "9"}},
		{"/aliases/", "lower-case letters, digits, hyphens and underscores", func(n string) map[string]any {
			return map[string]any{"name": n, "target_path": "g/llm"}
		}, []string{"my-alias_1"}},
		{"/groups", "a slug", func(n string) map[string]any { return map[string]any{"name": n} }, []string{"my-llms_2"}},
	} {
		t.Run(strings.Trim(kind.base, "/"), func(t *testing.T) {
			for _, n := range unroutable {
				expect422(t, ts, "POST", kind.base, kind.body(n), `["body","name"] String should match pattern`)
				expect422(t, ts, "POST", kind.base, kind.body(n), kind.want)
			}
			for _, n := range kind.ok {
				var got struct {
					Name string `json:"name"`
				}
				ts.doJSON(t, "POST", kind.base, keyA, kind.body(n), http.StatusCreated, &got)
				if got.Name != n {
					t.Errorf("created %q, API answered name %q", n, got.Name)
				}
			}
		})
	}
}
