package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/apicontract"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/api"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
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
	t.Cleanup(func() { st.Close() })
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
	handler := api.New(api.Options{Store: st, Catalog: cat, GatewayURL: gateway})
	srv := httptest.NewServer(rec.Wrap(handler))
	t.Cleanup(srv.Close)
	ts := &testServer{Server: srv, Store: st, Catalog: cat, API: handler, rec: rec}
	t.Cleanup(func() {
		violations, _ := rec.Violations()
		for _, v := range violations {
			t.Errorf("contract violation: %s", v)
		}
	})
	return ts
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
	resp, err := ts.Client().Do(req)
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
