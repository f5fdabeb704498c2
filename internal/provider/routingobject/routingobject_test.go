package routingobject

import (
	"context"
	"slices"
	"strings"
	"testing"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type testModel struct {
	Common
	Items types.List `tfsdk:"items"`
}

type testObject struct{ id string }

var testKind = &Kind[testModel, testObject, struct{}, struct{}, struct{}]{
	Noun: "widget", Prefix: "w", Children: "items",
	ResourceDescription:   "A widget.",
	ResourceAttributes:    map[string]schema.Attribute{"items": schema.ListAttribute{ElementType: types.StringType, Required: true}},
	DataSourceDescription: "Reads a widget.",
	DataSourceAttributes:  map[string]dsschema.Attribute{"items": dsschema.ListAttribute{ElementType: types.StringType, Computed: true}},
	Object: func(o *testObject) Object {
		return Object{ID: o.id, Name: "my widget/1", Enabled: true, Shared: true}
	},
	FromAPI: func(_ *testObject, c Common) testModel { return testModel{Common: c} },
}

func TestSchemasJoinCommonAndAreaAttributes(t *testing.T) {
	want := []string{"description", "enabled", "gateway_path", "gateway_url", "id", "items", "name", "shared"}
	rs := testKind.resourceSchema()
	if got := keys(rs.Attributes); !slices.Equal(got, want) {
		t.Fatalf("resource attributes = %v, want %v", got, want)
	}
	if rs.MarkdownDescription != "A widget." || !strings.Contains(rs.Attributes["name"].GetMarkdownDescription(), "the widget is dispatched at `/w/<name>`") {
		t.Errorf("resource schema texts: %q / %q", rs.MarkdownDescription, rs.Attributes["name"].GetMarkdownDescription())
	}
	if diags := rs.ValidateImplementation(context.Background()); diags.HasError() {
		t.Errorf("resource schema invalid: %v", diags)
	}
	ds := testKind.dataSourceSchema()
	if got := keys(ds.Attributes); !slices.Equal(got, want) {
		t.Fatalf("data source attributes = %v, want %v", got, want)
	}
	if !ds.Attributes["name"].IsRequired() || !ds.Attributes["shared"].IsOptional() || !ds.Attributes["id"].IsComputed() {
		t.Error("data source: name must be required, shared optional, id computed")
	}
}

func TestModelFillsCommonPart(t *testing.T) {
	m := testKind.Model(&testObject{id: "u1"}, &tfutil.ProviderData{GatewayURL: "http://gw.test"})
	if m.ID.ValueString() != "u1" || m.Name.ValueString() != "my widget/1" || !m.Shared.ValueBool() || !m.Enabled.ValueBool() || !m.Description.IsNull() {
		t.Fatalf("common = %+v", m.Common)
	}
	// gateway_path is what the gateway matches (a target path is never
	// unescaped); the URL carries the name as one escaped segment.
	if m.GatewayPath.ValueString() != "w/my widget/1" || testKind.GatewayPath("a-b") != "w/a-b" {
		t.Errorf("gateway path = %s, want the name as written", m.GatewayPath.ValueString())
	}
	if m.GatewayURL.ValueString() != "http://gw.test/w/my%20widget%2F1" {
		t.Errorf("gateway url = %s, want the name escaped as one segment", m.GatewayURL.ValueString())
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
