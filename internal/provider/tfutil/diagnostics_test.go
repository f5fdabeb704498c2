package tfutil

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// testSchema has the shapes AttributePath walks: plain attributes, a map
// and a list of objects.
var testSchema = schema.Schema{Attributes: map[string]schema.Attribute{
	"name":        schema.StringAttribute{Required: true},
	"description": schema.StringAttribute{Optional: true},
	"routing_key": schema.MapAttribute{Optional: true, ElementType: types.StringType},
	"steps": schema.ListNestedAttribute{Required: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"name":       schema.StringAttribute{Required: true},
		"timeout_ms": schema.Int64Attribute{Optional: true},
	}}},
}}

func TestAPIFieldsAttributePath(t *testing.T) {
	renamed := APIFields{Names: map[string]string{"request_routing_key": "routing_key", "title": "name", "settings": ""}}
	cases := []struct {
		name   string
		fields APIFields
		loc    []any
		want   path.Path
		ok     bool
	}{
		{"top-level field", APIFields{}, []any{"body", "name"}, path.Root("name"), true},
		{"list element field", APIFields{}, []any{"body", "steps", 2, "timeout_ms"}, path.Root("steps").AtListIndex(2).AtName("timeout_ms"), true},
		{"list element", APIFields{}, []any{"body", "steps", 0}, path.Root("steps").AtListIndex(0), true},
		{"derived field names its element", APIFields{}, []any{"body", "steps", 1, "sort_order"}, path.Root("steps").AtListIndex(1), true},
		{"renamed field", renamed, []any{"body", "request_routing_key"}, path.Root("routing_key"), true},
		{"renamed nested field", renamed, []any{"body", "steps", 3, "title"}, path.Root("steps").AtListIndex(3).AtName("name"), true},
		{"map key", APIFields{}, []any{"body", "routing_key", "model"}, path.Root("routing_key").AtMapKey("model"), true},
		{"map key that is also an API field name", renamed, []any{"body", "routing_key", "title"}, path.Root("routing_key").AtMapKey("title"), true},
		{"flattened object", renamed, []any{"body", "settings", "description"}, path.Root("description"), true},
		{"flattened object's unknown field", renamed, []any{"body", "settings", "colour"}, path.Empty(), false},
		{"array body fills the list", APIFields{List: "steps"}, []any{"body", 2, "timeout_ms"}, path.Root("steps").AtListIndex(2).AtName("timeout_ms"), true},
		{"array body as a whole", APIFields{List: "steps"}, []any{"body"}, path.Root("steps"), true},
		{"unknown field", APIFields{}, []any{"body", "mode"}, path.Empty(), false},
		{"query parameter", APIFields{}, []any{"query", "shared"}, path.Empty(), false},
		{"path parameter", APIFields{}, []any{"path", "chain_id"}, path.Empty(), false},
		{"whole body", APIFields{}, []any{"body"}, path.Empty(), false},
		{"empty location", APIFields{}, nil, path.Empty(), false},
		{"index at the top", APIFields{}, []any{"body", 0}, path.Empty(), false},
		{"unknown list attribute", APIFields{List: "targets"}, []any{"body", 0, "name"}, path.Empty(), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.fields.AttributePath(context.Background(), testSchema, tc.loc)
			if ok != tc.ok || !got.Equal(tc.want) {
				t.Fatalf("AttributePath(%v) = %s, %v; want %s, %v", tc.loc, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestAddAPIErrorAt(t *testing.T) {
	validation := &client.APIError{StatusCode: 422, Method: "POST", Path: "/chains/", Validation: []client.ValidationIssue{
		{Loc: []any{"body", "steps", 2, "timeout_ms"}, Msg: "Input should be greater than 0", Type: "greater_than"},
		{Loc: []any{"body", "name"}, Msg: "String should have at most 64 characters", Type: "string_too_long"},
		{Loc: []any{"query", "shared"}, Msg: "Input should be a valid boolean", Type: "bool_parsing"},
		{Loc: []any{"body", "colour"}, Msg: "Extra inputs are not permitted", Type: "extra_forbidden"},
	}}
	type want struct {
		path   path.Path // empty: a plain error
		detail string
	}
	cases := []struct {
		name string
		err  error
		want []want
	}{
		{"validation entries", validation, []want{
			{path.Root("steps").AtListIndex(2).AtName("timeout_ms"), "HTTP 422 to POST /chains/: body.steps.2.timeout_ms: Input should be greater than 0"},
			{path.Root("name"), "body.name: String should have at most 64 characters"},
			{path.Empty(), "query.shared: Input should be a valid boolean; body.colour: Extra inputs are not permitted"},
		}},
		{"422 with a string detail", &client.APIError{StatusCode: 422, Method: "PATCH", Path: "/broadcasts/b", Detail: "mode async is not available"},
			[]want{{path.Empty(), "HTTP 422 to PATCH /broadcasts/b: mode async is not available"}}},
		{"409", &client.APIError{StatusCode: 409, Method: "POST", Path: "/chains/", Detail: "exists", Conflict: "exists"},
			[]want{{path.Empty(), "HTTP 409 to POST /chains/: exists"}}},
		{"transport error", &client.TransportError{Method: "POST", Path: "/chains/", Err: context.DeadlineExceeded},
			[]want{{path.Empty(), "could not be reached"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			AddAPIErrorAt(context.Background(), &diags, testSchema, APIFields{}, "Unable to create chain x", tc.err)
			if len(diags) != len(tc.want) {
				t.Fatalf("got %d diagnostics, want %d: %v", len(diags), len(tc.want), diags)
			}
			for i, w := range tc.want {
				d := diags[i]
				got := path.Empty()
				if wp, ok := d.(diag.DiagnosticWithPath); ok {
					got = wp.Path()
				}
				if !got.Equal(w.path) || d.Summary() != "Unable to create chain x" || !strings.Contains(d.Detail(), w.detail) {
					t.Errorf("diagnostic %d = %s %q: %q; want path %s and detail containing %q", i, got, d.Summary(), d.Detail(), w.path, w.detail)
				}
			}
		})
	}
}

func TestErrorPath(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want path.Path
		ok   bool
	}{
		{"first entry that names an attribute", fmt.Errorf("activating: %w", &client.APIError{StatusCode: 422, Validation: []client.ValidationIssue{
			{Loc: []any{"query", "shared"}, Type: "bool_parsing"},
			{Loc: []any{"body", "name"}, Type: "string_too_long"},
		}}), path.Root("name"), true},
		{"no entry names an attribute", &client.APIError{StatusCode: 422, Validation: []client.ValidationIssue{{Loc: []any{"body", "colour"}}}}, path.Empty(), false},
		{"string detail", &client.APIError{StatusCode: 422, Detail: "no"}, path.Empty(), false},
		{"not an API error", context.DeadlineExceeded, path.Empty(), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := APIFields{}.ErrorPath(context.Background(), testSchema, tc.err)
			if ok != tc.ok || !got.Equal(tc.want) {
				t.Fatalf("ErrorPath = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
