package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/api"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// fuzzAPI is an API on a fresh store with one object of every kind for
// the update routes to address, called without the network.
type fuzzAPI struct {
	h    http.Handler
	ids  map[string]string // placeholder ("{chain}") -> id
	body []bodyRoute
}

// bodyRoute is a create or update route and a valid body for it.
type bodyRoute struct {
	route, method, path string
	seed                string
}

func newFuzzAPI(tb testing.TB) *fuzzAPI {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("closing the store: %v", err)
		}
	})
	if _, err := st.EnsureAPIKey(ctx, "acme", keyA); err != nil {
		tb.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		tb.Fatal(err)
	}
	h, _ := newWiredAPI(tb, st, cat)
	f := &fuzzAPI{h: h, ids: map[string]string{}}
	create := func(placeholder, path, body string, pick func(map[string]any) string) {
		status, out := f.do("POST", path, body)
		if status >= 300 {
			tb.Fatalf("fixture POST %s: %d %s", path, status, out)
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			tb.Fatal(err)
		}
		f.ids[placeholder] = pick(v)
	}
	id := func(v map[string]any) string { return v["id"].(string) }
	create("{collection}", "/groups", `{"name":"fuzz"}`, id)
	create("{chain}", "/chains/", `{"name":"fuzz","steps":[{"name":"s","target_path":"g/llm","sort_order":0}]}`, id)
	f.ids["{step}"] = f.get("/chains/"+f.ids["{chain}"], "steps")
	create("{broadcast}", "/broadcasts/", `{"name":"fuzz","targets":[{"name":"t","target_path":"g/llm","sort_order":0}]}`, id)
	create("{alias}", "/aliases/", `{"name":"fuzz","target_path":"g/llm"}`, id)
	create("{recurrent}", "/recurrent-requests/", `{"name":"fuzz","request_path":"/g/llm"}`, id)
	f.ids["{service}"] = gpt4oMiniID
	f.body = []bodyRoute{
		{"PUT /secrets/{name}", "PUT", "/secrets/FUZZ", `{"value":"v","sensitive":false,"description":"d"}`},
		{"POST /enrollments/", "POST", "/enrollments/", `{"service_id":"` + byokServiceID + `","parameters":{"endpoint":"https://x.example/v1","api_key":"k"}}`},
		{"POST /groups", "POST", "/groups", `{"name":"fuzz-new","display_name":"D","description":"d"}`},
		{"PATCH /groups/{group_id}", "PATCH", "/groups/{collection}", `{"display_name":"D","description":null,"enabled":false}`},
		{"POST /groups/{group_id}/members", "POST", "/groups/{collection}/members", `{"service_id":"` + gpt4oMiniID + `","routing_key":{"model":"m"},"sort_order":1}`},
		{"PUT /services/{service_id}/groups", "PUT", "/services/{service}/groups", `{"group_ids":["{collection}"],"include_default":true}`},
		{"POST /chains/", "POST", "/chains/", `{"name":"fuzz-new","description":"d","default_timeout_ms":100,"enabled":true,"steps":[{"name":"s","target_path":"g/llm","on_success":"relay","on_failure":"stop","timeout_ms":5,"sort_order":0}]}`},
		{"PATCH /chains/{chain_id}", "PATCH", "/chains/{chain}", `{"description":"d","default_timeout_ms":5,"enabled":false}`},
		{"PATCH /chains/{chain_id}/steps/{step_id}", "PATCH", "/chains/{chain}/steps/{step}", `{"name":"n","on_failure":"continue","timeout_ms":9}`},
		{"POST /chains/{chain_id}/steps", "POST", "/chains/{chain}/steps", `{"name":"c","target_path":"g/llm","sort_order":2}`},
		{"PUT /chains/{chain_id}/steps", "PUT", "/chains/{chain}/steps", `[{"name":"a","target_path":"g/llm","sort_order":0},{"name":"b","target_path":"a/x","sort_order":1}]`},
		{"POST /broadcasts/", "POST", "/broadcasts/", `{"name":"fuzz-new","mode":"sync","target_timeout_ms":50,"targets":[{"name":"t","target_path":"g/llm","routing_key_override":{"model":"m"},"sort_order":0}]}`},
		{"PATCH /broadcasts/{broadcast_id}", "PATCH", "/broadcasts/{broadcast}", `{"description":"d","mode":"sync","enabled":false}`},
		{"PUT /broadcasts/{broadcast_id}/targets", "PUT", "/broadcasts/{broadcast}/targets", `[{"name":"t","target_path":"g/llm","sort_order":0}]`},
		{"POST /broadcasts/{broadcast_id}/targets", "POST", "/broadcasts/{broadcast}/targets", `{"name":"u","target_path":"c/x","sort_order":1}`},
		{"POST /aliases/", "POST", "/aliases/", `{"name":"fuzz","target_path":"g/other","request_routing_key":{"model":"m"},"routing_key_override":{"model":"n"},"is_routing":true}`},
		{"PATCH /aliases/{alias_id}", "PATCH", "/aliases/{alias}", `{"description":null,"target_path":"g/x","request_routing_key":{"model":"m"}}`},
		{"POST /recurrent-requests/", "POST", "/recurrent-requests/", `{"name":"fuzz-new","request_path":"/g/llm","http_method":"GET","body_template":{"a":[1]},"request_headers":{"X-A":"b"},"service_id":"` + gpt4oMiniID + `"}`},
		{"POST /resolve", "POST", "/resolve", `{"path":"g/fuzz","routing_key":{"model":"gpt-4o-mini"},"strategy":"by_price","gateway":"api"}`},
		{"POST /files/upload", "POST", "/files/upload", `{"filename":"f.txt","size":3,"content_type":"text/plain","path":"docs/","scope":"personal"}`},
		{"PATCH /recurrent-requests/{request_id}", "PATCH", "/recurrent-requests/{recurrent}", `{"schedule":{"schedule_type":"cron","cron_expression":"0 * * * *","timezone":"Europe/Berlin"},"status":"paused","name":"n"}`},
	}
	return f
}

// do sends one request as keyA and returns the status and body.
func (f *fuzzAPI) do(method, target, body string) (int, []byte) {
	for k, v := range f.ids {
		target = strings.ReplaceAll(target, k, v)
		body = strings.ReplaceAll(body, k, v)
	}
	pathPart, query, _ := strings.Cut(target, "?")
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	req.URL = &url.URL{Path: "/v1" + pathPart, RawQuery: query}
	req.RequestURI = req.URL.RequestURI()
	req.Header.Set("Authorization", "Bearer "+keyA)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// get reads the id of the first element of a list field of an object.
func (f *fuzzAPI) get(path, field string) string {
	_, out := f.do("GET", path, "")
	var v map[string][]map[string]any
	_ = json.Unmarshal(out, &v)
	return v[field][0]["id"].(string)
}

// checkAnswer fails unless the answer is below 500 (501 is the answer of
// what unitysvc-local does not do yet) and JSON (or empty for 204).
func checkAnswer(t *testing.T, what string, status int, body []byte) {
	t.Helper()
	if status >= 500 && status != http.StatusNotImplemented {
		t.Fatalf("%s: HTTP %d %s", what, status, body)
	}
	if status == http.StatusNoContent && len(body) == 0 {
		return
	}
	if !json.Valid(body) {
		t.Fatalf("%s: HTTP %d with a body that is not JSON: %q", what, status, body)
	}
	if status >= 400 {
		var e struct {
			Detail json.RawMessage `json:"detail"`
		}
		if json.Unmarshal(body, &e) != nil || len(e.Detail) == 0 {
			t.Fatalf("%s: HTTP %d without a detail: %s", what, status, body)
		}
	}
}

// Every create and update body is decoded without a panic or a 5xx: any
// bytes get a 2xx or a 4xx with a JSON detail.
func FuzzRequestBodies(f *testing.F) {
	api := newFuzzAPI(f)
	for i, r := range api.body {
		f.Add(uint8(i), []byte(r.seed))
		f.Add(uint8(i), []byte(`{}`))
		f.Add(uint8(i), []byte(`null`))
		f.Add(uint8(i), []byte(`[{"name":1}]`))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		r := api.body[int(route)%len(api.body)]
		status, out := api.do(r.method, r.path, string(body))
		checkAnswer(t, r.method+" "+r.path+" "+string(body), status, out)
	})
}

// Any path and query, under any method, is answered without a panic or a
// 5xx, in JSON: the UUID, name and cursor parsers included.
func FuzzPaths(f *testing.F) {
	api := newFuzzAPI(f)
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
	for _, p := range []string{
		"groups/llm/services?cursor=bzoxMA&limit=2&search=gpt", "groups/{collection}/services?cursor=%%%", "groups?owner=own&name=x&shared=maybe",
		"secrets/A_B?shared=true", "secrets/a-b", "chains/{chain}/steps/{step}", "chains/not-a-uuid", "broadcasts/{broadcast}/targets/" + unknownUUID,
		"aliases/fuzz/switch?on=true&target=g&routing_key=m", "aliases/?name=fuzz&include_deactivated=1&skip=-1", "recurrent-requests/?status=draft&limit=0",
		"recurrent-requests/{recurrent}/trigger", "enrollments/?shared=false&skip=2&limit=x", "services/{service}/usage", "services/" + strings.ToUpper(gpt4oMiniID) + "/groups",
		"groups/{collection}/members/{service}", "../secrets/", "secrets//X",
		"files/list?scope=shared&path=../x&max_keys=0&continuation_token=%%", "files/download?key=a/../../b&expires_in=x", "storage/download?token=a.b",
	} {
		for i := range methods {
			f.Add(uint8(i), p)
		}
	}
	f.Fuzz(func(t *testing.T, method uint8, path string) {
		m := methods[int(method)%len(methods)]
		status, out := api.do(m, "/"+path, "")
		if m == "HEAD" {
			if status >= 500 && status != http.StatusNotImplemented {
				t.Fatalf("HEAD /%s: HTTP %d", path, status)
			}
			return
		}
		checkAnswer(t, m+" /"+path, status, out)
	})
}

// FuzzRequestBodies covers the body of every route that takes one.
func TestFuzzCoversEveryBody(t *testing.T) {
	f := newFuzzAPI(t)
	fuzzed := map[string]bool{}
	for _, r := range f.body {
		fuzzed[r.route] = true
		// Every seed is a valid body.
		status, out := f.do(r.method, r.path, r.seed)
		if status >= 300 {
			t.Errorf("seed for %s: %d %s", r.route, status, out)
		}
	}
	noBody := map[string]bool{"POST /aliases/{identifier}/switch": true, "POST /recurrent-requests/{request_id}/trigger": true,
		"POST /request-logs/start": true, "POST /request-logs/stop": true}
	for _, r := range f.Routes() {
		if m, _, _ := strings.Cut(r, " "); (m == "POST" || m == "PUT" || m == "PATCH") && !fuzzed[r] && !noBody[r] {
			t.Errorf("route %s takes a body that FuzzRequestBodies does not fuzz", r)
		}
	}
}

// Routes lists the API's routes.
func (f *fuzzAPI) Routes() []string { return f.h.(*api.API).Routes() }
