package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/api"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// resolveRefusal asks POST /resolve as keyA and returns the answer and
// the refusal headers (status 0 and "" when there are none).
func (ts *testServer) resolveRefusal(t *testing.T, body map[string]any) (resolveResponse, int, string) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/v1/resolve", strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+keyA)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out resolveResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v: HTTP %d (%v)", body, resp.StatusCode, err)
	}
	status := 0
	if s := resp.Header.Get(api.RefusalStatusHeader); s != "" {
		if status, err = strconv.Atoi(s); err != nil {
			t.Fatalf("%s: %q", api.RefusalStatusHeader, s)
		}
	}
	return out, status, resp.Header.Get(api.RefusalHeader)
}

// TestResolveNamesTheGatewaysRefusal: a path the gateway would refuse
// outright still resolves to no candidates, and the answer carries the
// status and detail the gateway gives a request to it; a path whose
// target exists but where no service matches carries no refusal.
func TestResolveNamesTheGatewaysRefusal(t *testing.T) {
	ts := newTestServer(t)
	p, err := ts.Store.Authenticate(context.Background(), keyA)
	if err != nil {
		t.Fatal(err)
	}
	// An alias loop, made in the store (the API refuses to make one).
	for _, a := range []store.Alias{{Name: "loop-a", TargetPath: "a/loop-b", IsRouting: true}, {Name: "loop-b", TargetPath: "a/loop-a", IsRouting: true}} {
		if _, err := ts.Store.CreateAlias(context.Background(), p, false, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		path   string
		status int
		want   string
		// same: the gateway answers a request to the path with this very detail.
		same bool
	}{
		{"x/foo/v1/chat/completions", 404, "'x/foo/v1/chat/completions' is not a gateway route", false},
		{"g/no-such-group/v1/chat/completions", 404, "no collection or platform group named 'no-such-group'", true},
		{"a/no-such-alias", 404, "no alias named 'no-such-alias'", true},
		{"e/ZZZZ/v1/chat/completions", 404, "no enrollment with code 'ZZZZ' among yours", true},
		{"a/loop-a/v1/chat/completions", 508, "leads through more than", false},
	} {
		r, status, refusal := ts.resolveRefusal(t, map[string]any{"path": c.path})
		if len(r.Candidates) != 0 || r.Selected != nil {
			t.Errorf("%s: %+v, want no candidates", c.path, r)
		}
		if status != c.status || !strings.Contains(refusal, c.want) {
			t.Errorf("%s: refusal %d %q, want %d naming %q", c.path, status, refusal, c.status, c.want)
		}
		gwStatus, data := ts.dispatch(t, "/"+c.path, keyA, chat("", "refused?"))
		if gwStatus != c.status {
			t.Errorf("%s: the gateway answers %d %s, resolve says %d", c.path, gwStatus, data, status)
		}
		if c.same && detail(t, data) != refusal {
			t.Errorf("%s: the gateway's detail %q, resolve's refusal %q", c.path, detail(t, data), refusal)
		}
	}
	// No service matches, but the target exists: no refusal.
	for _, body := range []map[string]any{
		{"path": "g/llm", "routing_key": map[string]any{"model": "no-such-model"}},
		{"path": "g/llm", "gateway": "s3"},
	} {
		if r, status, refusal := ts.resolveRefusal(t, body); len(r.Candidates) != 0 || status != 0 || refusal != "" {
			t.Errorf("%v: %+v, refusal %d %q; want no candidates and no refusal", body, r, status, refusal)
		}
	}
}

// TestResolveEmptyModelIsNoModel: {"model": ""} reaches what a request
// without a model reaches, in resolve as at the gateway (which reads a
// body's empty model as none and picks among every member).
func TestResolveEmptyModelIsNoModel(t *testing.T) {
	ts := newTestServer(t)
	var coll struct{ ID string }
	ts.doJSON(t, "POST", "/groups", keyA, map[string]any{"name": "two"}, http.StatusCreated, &coll)
	for _, name := range []string{"llama-3.1-8b-fireworks", "mistral-small"} {
		ts.doJSON(t, "POST", "/groups/"+coll.ID+"/members", keyA, map[string]any{"service_id": ts.serviceID(t, name)}, http.StatusCreated, nil)
	}
	none := ts.resolve(t, map[string]any{"path": "g/two"})
	empty := ts.resolve(t, map[string]any{"path": "g/two", "routing_key": map[string]any{"model": ""}})
	if len(none.Candidates) != 2 || candidateNames(empty) != candidateNames(none) {
		t.Fatalf("model \"\" resolves to [%s], no model to [%s]; want both members for both", candidateNames(empty), candidateNames(none))
	}
	status, data := ts.dispatch(t, "/g/two/v1/chat/completions", keyA, `{"model": "", "messages": [{"role": "user", "content": "hi"}]}`)
	if got := fingerprint(t, data); status != 200 || !strings.Contains(","+candidateNames(empty)+",", ","+got+",") {
		t.Fatalf("dispatch with model \"\": %d %s, not among [%s]", status, data, candidateNames(empty))
	}
}
