package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/apicontract"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/api"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	gatewaypkg "github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/upstream"
)

const (
	keyA     = "svcpass_test_a"  // user A of customer "acme"
	keyA2    = "svcpass_test_a2" // user A2 of customer "acme" (same team as A)
	keyB     = "svcpass_test_b"  // user B of customer "other"
	gateway  = "http://gateway.test"
	noAuth   = ""
	emptyKey = "\x00empty" // sends "Authorization: Bearer " with nothing after it
)

// testServer is an API on a fresh in-memory store whose every exchange is
// checked against the OpenAPI spec (when ../shared is present).
type testServer struct {
	*httptest.Server
	Store   *store.Store
	Catalog *catalog.Catalog
	API     *api.API
	// Gateway serves the data plane over the same store.
	Gateway *httptest.Server
	rec     *apicontract.Recorder
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, true)
}

// newUncheckedTestServer is newTestServer without the contract checks,
// for tests that send what the spec has no route for on purpose (wrong
// methods, unknown paths).
func newUncheckedTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, false)
}

func newTestServerWith(t *testing.T, checked bool) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	for key, customer := range map[string]string{keyA: "acme", keyA2: "acme", keyB: "other"} {
		if _, err := st.EnsureAPIKey(ctx, customer, key); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	checker, err := apicontract.Load()
	if err != nil && !errors.Is(err, apicontract.ErrNoSpec) {
		t.Fatal(err)
	}
	if !checked {
		checker = nil
	}
	rec := apicontract.NewRecorder(checker)
	handler, gw := newWiredAPI(t, st, cat)
	srv := httptest.NewServer(rec.Wrap(handler))
	t.Cleanup(srv.Close)
	gwSrv := httptest.NewServer(gw)
	t.Cleanup(gwSrv.Close)
	ts := &testServer{Server: srv, Store: st, Catalog: cat, API: handler, Gateway: gwSrv, rec: rec}
	t.Cleanup(func() {
		violations, _ := rec.Violations()
		for _, v := range violations {
			t.Errorf("contract violation: %s", v)
		}
	})
	return ts
}

// newWiredAPI is the API as unitysvc-local serves it, with the router and
// the scheduler behind resolve and trigger, and the gateway they use,
// which routes to the built-in upstreams.
func newWiredAPI(tb testing.TB, st *store.Store, cat *catalog.Catalog) (*api.API, *gatewaypkg.Gateway) {
	tb.Helper()
	builtin := httptest.NewServer(upstream.NewBuiltin(cat))
	tb.Cleanup(builtin.Close)
	router, err := routing.New(st, cat, routing.NewLatency())
	if err != nil {
		tb.Fatal(err)
	}
	gw := gatewaypkg.New(gatewaypkg.Options{Store: st, Catalog: cat, Router: router, BuiltinURL: builtin.URL})
	sched := scheduler.New(scheduler.Options{Store: st, Gateway: gw})
	return api.New(api.Options{Store: st, Catalog: cat, GatewayURL: gateway, Router: router, Scheduler: sched}), gw
}

// do sends one request as key (noAuth for anonymous) with body marshalled
// to JSON (a string or []byte is sent as is) and returns the status and
// raw response body.
func (ts *testServer) do(t *testing.T, method, path, key string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.URL+"/v1"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch key {
	case noAuth:
	case emptyKey:
		req.Header.Set("Authorization", "Bearer ")
	default:
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return roundTrip(t, ts.Client(), req)
}

// roundTrip sends req and returns the status and raw response body.
func roundTrip(t *testing.T, c *http.Client, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// doJSON is do, asserting the status and decoding the body into out.
func (ts *testServer) doJSON(t *testing.T, method, path, key string, body any, wantStatus int, out any) {
	t.Helper()
	status, data := ts.do(t, method, path, key, body)
	if status != wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, wantStatus, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, path, data, err)
		}
	}
}

// detail returns the "detail" of an error body: the string, or for a 422
// the entries' messages joined.
func detail(t *testing.T, data []byte) string {
	t.Helper()
	var body struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("error body %s: %v", data, err)
	}
	var s string
	if json.Unmarshal(body.Detail, &s) == nil {
		return s
	}
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if err := json.Unmarshal(body.Detail, &items); err != nil {
		t.Fatalf("detail %s is neither a string nor a list: %v", body.Detail, err)
	}
	out := ""
	for _, it := range items {
		b, _ := json.Marshal(it.Loc)
		out += string(b) + " " + it.Msg + "; "
	}
	return out
}

// dispatch POSTs a request through the gateway as key and returns the
// status and body.
func (ts *testServer) dispatch(t *testing.T, path, key string, body string, header ...string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(http.MethodPost, ts.Gateway.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return roundTrip(t, ts.Gateway.Client(), req)
}

// serviceID returns the id of the catalog's service named name.
func (ts *testServer) serviceID(t *testing.T, name string) string {
	t.Helper()
	for _, s := range ts.Catalog.Services {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no service %s in the catalog", name)
	return ""
}
