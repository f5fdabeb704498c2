package collection

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// TestAddMemberErrorDecidesByLocAndType checks that a refused member is
// explained by the 422's location and type (and the collection's member
// count), whatever the message says.
func TestAddMemberErrorDecidesByLocAndType(t *testing.T) {
	refused := `{"detail":[{"loc":["body","service_id"],"msg":"any wording","type":"value_error"}]}`
	cases := []struct {
		name     string
		status   int
		body     string
		members  int
		wantPath path.Path
		wantText string
	}{
		{"full collection", http.StatusUnprocessableEntity, refused, client.CollectionMemberLimit, path.Root("collection_id"), "Remove a unitysvc_collection_member"},
		{"service needs an enrollment", http.StatusUnprocessableEntity, refused, 3, path.Root("service_id"), "Add a unitysvc_enrollment for this service"},
		{"other 422 at service_id", http.StatusUnprocessableEntity, `{"detail":[{"loc":["body","service_id"],"msg":"Input should be a valid UUID","type":"uuid_parsing"}]}`, 0, path.Root("service_id"), "Input should be a valid UUID"},
		{"platform group", http.StatusForbidden, `{"detail":"Platform groups are read-only"}`, 0, path.Root("collection_id"), "names a platform group"},
		{"unknown collection", http.StatusNotFound, `{"detail":"Collection 'x' not found"}`, 0, path.Empty(), "Check that collection_id is one of your collections"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.Method == http.MethodGet && r.URL.Path == "/v1/groups" {
					// The client's one check that a 404 comes from the API.
					_, _ = fmt.Fprint(w, `{"data":[],"count":0}`)
					return
				}
				if r.Method == http.MethodGet {
					items := make([]string, tc.members)
					for i := range items {
						items[i] = fmt.Sprintf(`{"id":"m%d","service_id":"s%d","routing_key":null,"sort_order":%d}`, i, i, i)
					}
					_, _ = fmt.Fprint(w, "["+strings.Join(items, ",")+"]")
					return
				}
				w.WriteHeader(tc.status)
				_, _ = fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			c, err := client.New(client.Config{BaseURL: srv.URL + "/v1", APIKey: "k", RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			r := &memberResource{pd: &tfutil.ProviderData{Client: c}}
			_, addErr := c.AddCollectionMember(context.Background(), "c1", client.ServiceCollectionMemberCreate{ServiceID: "s1"})
			var req resource.CreateRequest
			var sr resource.SchemaResponse
			r.Schema(context.Background(), resource.SchemaRequest{}, &sr)
			req.Plan.Schema = sr.Schema
			resp := &resource.CreateResponse{}
			r.addMemberError(context.Background(), req, resp, "c1", "s1", addErr)
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("diagnostics = %v", resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			got := path.Empty()
			if wp, ok := d.(diag.DiagnosticWithPath); ok {
				got = wp.Path()
			}
			if !got.Equal(tc.wantPath) || !strings.Contains(d.Detail(), tc.wantText) {
				t.Fatalf("diagnostic at %s: %q; want it at %s, saying %q", got, d.Detail(), tc.wantPath, tc.wantText)
			}
		})
	}
}
