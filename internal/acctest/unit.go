package acctest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// The helpers below are for unit tests of a resource's methods: a fake
// API (an httptest server) behind the real client, and states built from
// the resource's own schema, so Read and Delete run exactly as the
// framework calls them, without tofu or unitysvc-local.

// FakeAPI is an httptest server standing in for the UnitySVC API, with
// the provider data (a real client) that points at it.
type FakeAPI struct {
	ProviderData *tfutil.ProviderData

	mu       sync.Mutex
	requests []string
}

// NewFakeAPI serves handler for the test's duration. Every request is
// recorded as "METHOD /path" (see Requests).
func NewFakeAPI(t *testing.T, handler http.HandlerFunc) *FakeAPI {
	t.Helper()
	f := &FakeAPI{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != baseCheckPath {
			f.mu.Lock()
			f.requests = append(f.requests, r.Method+" "+r.URL.Path)
			f.mu.Unlock()
		}
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL + "/v1", APIKey: "svcpass_unit", MaxRetries: 0, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f.ProviderData = &tfutil.ProviderData{Client: c, GatewayURL: "http://gateway.test"}
	return f
}

// NotFoundAPI answers every request as the API does for an object that
// does not exist: HTTP 404 with a detail naming it (not the generic
// "Not Found" of an unknown route, which the client never takes for
// "gone"). The group listing answers as the API's does, since the client
// lists groups once to make sure a 404 comes from the UnitySVC API; that
// check is not recorded in Requests.
func NotFoundAPI(t *testing.T) *FakeAPI {
	t.Helper()
	return NewFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet && r.URL.Path == baseCheckPath {
			_, _ = w.Write([]byte(`{"data":[],"next_cursor":null}`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"The object does not exist"}`))
	})
}

// baseCheckPath is the listing the client reads to check its base URL.
const baseCheckPath = "/v1/groups"

// Requests returns the requests served so far, as "METHOD /path".
func (f *FakeAPI) Requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// Resource returns a new resource configured with the fake API's
// provider data, as the framework configures it.
func (f *FakeAPI) Resource(t *testing.T, newResource func() resource.Resource) resource.Resource {
	t.Helper()
	r := newResource()
	if rc, ok := r.(resource.ResourceWithConfigure); ok {
		var resp resource.ConfigureResponse
		rc.Configure(context.Background(), resource.ConfigureRequest{ProviderData: f.ProviderData}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("configure: %v", resp.Diagnostics)
		}
	}
	return r
}

// ResourceState builds a state of r from its schema: the attributes in
// values (strings, bools and int64s) are set, every other one is null.
func ResourceState(t *testing.T, r resource.Resource, values map[string]any) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	if sresp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", sresp.Diagnostics)
	}
	objType, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T, not an object", sresp.Schema.Type().TerraformType(ctx))
	}
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		vals[name] = tftypes.NewValue(typ, nil)
	}
	for name, v := range values {
		typ, ok := objType.AttributeTypes[name]
		if !ok {
			t.Fatalf("the schema has no attribute %q", name)
		}
		vals[name] = tftypes.NewValue(typ, v)
	}
	return tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(objType, vals)}
}

// Read calls r.Read on state and returns the response.
func Read(r resource.Resource, state tfsdk.State) *resource.ReadResponse {
	resp := &resource.ReadResponse{State: state}
	r.Read(context.Background(), resource.ReadRequest{State: state}, resp)
	return resp
}

// Delete calls r.Delete on state and returns the response.
func Delete(r resource.Resource, state tfsdk.State) *resource.DeleteResponse {
	resp := &resource.DeleteResponse{State: state}
	r.Delete(context.Background(), resource.DeleteRequest{State: state}, resp)
	return resp
}

// ExpectReadRemoves asserts that reading the resource in state values,
// with the API answering 404, removes it from state without an error,
// after asking the API with the given requests ("GET /v1/chains/<id>").
func ExpectReadRemoves(t *testing.T, newResource func() resource.Resource, values map[string]any, requests ...string) {
	t.Helper()
	api := NotFoundAPI(t)
	r := api.Resource(t, newResource)
	resp := Read(r, ResourceState(t, r, values))
	if resp.Diagnostics.HasError() {
		t.Fatalf("read after a 404 failed instead of removing the resource: %v", resp.Diagnostics)
	}
	if !resp.State.Raw.IsNull() {
		t.Fatalf("read after a 404 kept the resource in state: %v", resp.State.Raw)
	}
	expectRequests(t, api, requests)
}

// ExpectDeleteSucceeds asserts that deleting the resource in state
// values succeeds when the API answers 404 (it is gone already), after
// sending the given requests.
func ExpectDeleteSucceeds(t *testing.T, newResource func() resource.Resource, values map[string]any, requests ...string) {
	t.Helper()
	api := NotFoundAPI(t)
	r := api.Resource(t, newResource)
	resp := Delete(r, ResourceState(t, r, values))
	if resp.Diagnostics.HasError() {
		t.Fatalf("delete of an object already gone (404) failed: %v", resp.Diagnostics)
	}
	expectRequests(t, api, requests)
}

func expectRequests(t *testing.T, api *FakeAPI, want []string) {
	t.Helper()
	if got := api.Requests(); !slices.Equal(got, want) {
		t.Fatalf("requests = %q, want %q", got, want)
	}
}
