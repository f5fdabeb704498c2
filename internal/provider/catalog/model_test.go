package catalog

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// The converters of the catalog's data sources, one test each: null
// versus empty, and the API's order kept.

func TestGroupModelFromAPI(t *testing.T) {
	for _, tc := range []struct {
		name string
		api  client.CustomerGroupDetail
		want groupModel
	}{
		{
			// A collection: no interface, no routing policy, enabled set;
			// an empty display name is null.
			name: "collection",
			api:  client.CustomerGroupDetail{ID: "g", Name: "mine", DisplayName: new(""), OwnerType: "customer", Editable: true, MemberCount: 2, GroupType: new("keyed"), Enabled: new(true)},
			want: groupModel{ID: types.StringValue("g"), Name: types.StringValue("mine"), DisplayName: types.StringNull(), Description: types.StringNull(),
				OwnerType: types.StringValue("customer"), Editable: types.BoolValue(true), Enabled: types.BoolValue(true), MemberCount: types.Int64Value(2),
				GroupType: types.StringValue("keyed"), RoutingPolicy: types.StringNull()},
		},
		{
			// A platform group: enabled is null (not false), the routing
			// policy compact JSON, the interface filled in.
			name: "platform group",
			api: client.CustomerGroupDetail{ID: "p", Name: "llm", Description: new("LLMs"), OwnerType: "platform", GroupType: new("category"),
				RoutingPolicy: json.RawMessage(`{ "strategy": "weighted_random" }`),
				Interface:     &client.AccessInterface{Name: "api", BaseURL: new("https://gw/g/llm")}},
			want: groupModel{ID: types.StringValue("p"), Name: types.StringValue("llm"), DisplayName: types.StringNull(), Description: types.StringValue("LLMs"),
				OwnerType: types.StringValue("platform"), Editable: types.BoolValue(false), Enabled: types.BoolNull(), MemberCount: types.Int64Value(0),
				GroupType: types.StringValue("category"), RoutingPolicy: types.StringValue(`{"strategy":"weighted_random"}`),
				Interface: &interfaceModel{Name: types.StringValue("api"), Description: types.StringNull(), AccessMethod: types.StringNull(), BaseURL: types.StringValue("https://gw/g/llm")}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := groupModelFromAPI(&tc.api); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("groupModelFromAPI =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestGroupsModelFromAPI(t *testing.T) {
	cfg := groupsModel{Name: types.StringNull(), Owner: types.StringNull()}
	// Nothing found is an empty list, never null.
	if got := groupsModelFromAPI(cfg, "all", nil); got.Groups == nil || len(got.Groups) != 0 || got.ID.ValueString() != "all/" {
		t.Errorf("empty listing = %+v", got)
	}
	// The API's order is kept, and the filters stay as configured.
	cfg.Name = types.StringValue("l")
	got := groupsModelFromAPI(cfg, "system", []client.CustomerGroupView{
		{ID: "2", Name: "llm", OwnerType: "platform", GroupType: "category", MemberCount: 5},
		{ID: "1", Name: "all-llm", DisplayName: new("All"), OwnerType: "platform", GroupType: "open"},
	})
	want := []groupSummaryModel{
		{ID: types.StringValue("2"), Name: types.StringValue("llm"), DisplayName: types.StringNull(), OwnerType: types.StringValue("platform"),
			Editable: types.BoolValue(false), MemberCount: types.Int64Value(5), GroupType: types.StringValue("category")},
		{ID: types.StringValue("1"), Name: types.StringValue("all-llm"), DisplayName: types.StringValue("All"), OwnerType: types.StringValue("platform"),
			Editable: types.BoolValue(false), MemberCount: types.Int64Value(0), GroupType: types.StringValue("open")},
	}
	if !reflect.DeepEqual(got.Groups, want) || got.ID.ValueString() != "system/l" || got.Name.ValueString() != "l" || !got.Owner.IsNull() {
		t.Errorf("listing = %+v, want groups %+v", got, want)
	}
}

func TestGroupServicesModelFromAPI(t *testing.T) {
	cfg := groupServicesModel{Group: types.StringValue("llm"), Search: types.StringNull()}
	if got := groupServicesModelFromAPI(cfg, nil); got.Services == nil || len(got.Services) != 0 || got.ID.ValueString() != "llm/" {
		t.Errorf("empty group = %+v", got)
	}
	got := groupServicesModelFromAPI(cfg, []client.ServiceSummary{
		{ID: "b", Name: "zeta", DisplayName: new(""), ServiceType: new("llm")},
		{ID: "a", Name: "alpha", GatewayType: new("api")},
	})
	want := []serviceSummaryModel{
		{ID: types.StringValue("b"), Name: types.StringValue("zeta"), DisplayName: types.StringNull(), ServiceType: types.StringValue("llm"), GatewayType: types.StringNull()},
		{ID: types.StringValue("a"), Name: types.StringValue("alpha"), DisplayName: types.StringNull(), ServiceType: types.StringNull(), GatewayType: types.StringValue("api")},
	}
	if !reflect.DeepEqual(got.Services, want) {
		t.Errorf("services = %+v, want %+v (the group's order)", got.Services, want)
	}
}

func TestServiceModelFromAPI(t *testing.T) {
	svc := &client.ServiceDetail{ID: "s", Name: "byok", Capabilities: nil, Tags: []string{"b", "a"}, ListPrice: json.RawMessage(`null`)}
	plan := &client.AccessPlan{
		EnrollmentMode: "required",
		Parameters:     []client.ParameterRequirement{{Name: "endpoint", Required: true}, {Name: "region"}},
		Channels: []client.ChannelPlan{
			{Name: "byok", ChannelType: "byok", RequiresEnrollment: true, RequiredSecrets: []client.SecretRequirement{{Name: "KEY"}}, OptionalSecrets: []client.SecretRequirement{{Name: "ORG"}}},
			{Name: "again", ChannelType: "byok", Free: true, Price: new("0"), RequiredSecrets: []client.SecretRequirement{{Name: "KEY"}, {Name: "OTHER"}}},
		},
	}
	m := serviceModelFromAPI(types.StringNull(), svc, plan, nil)
	// Lists are empty rather than null; order is the API's; the secrets of
	// all channels are merged without repeats, in first-seen order.
	checks := []struct {
		what      string
		got, want any
	}{
		{"capabilities", m.Capabilities, tfutil.StringList(nil)},
		{"tags", m.Tags, tfutil.StringList([]string{"b", "a"})},
		{"list_price", m.ListPrice, types.StringNull()},
		{"display_name", m.DisplayName, types.StringNull()},
		{"enrollment_mode", m.EnrollmentMode, types.StringValue("required")},
		{"parameters", m.Parameters, []parameterModel{{Name: types.StringValue("endpoint"), Required: types.BoolValue(true)}, {Name: types.StringValue("region"), Required: types.BoolValue(false)}}},
		{"required_secrets", m.RequiredSecrets, tfutil.StringList([]string{"KEY", "OTHER"})},
		{"optional_secrets", m.OptionalSecrets, tfutil.StringList([]string{"ORG"})},
		{"channel 0 optional", m.Channels[0].OptionalSecrets, tfutil.StringList([]string{"ORG"})},
		{"channel 1 optional", m.Channels[1].OptionalSecrets, tfutil.StringList(nil)},
		{"channel 1 price", m.Channels[1].Price, types.StringValue("0")},
		{"channel 0 price", m.Channels[0].Price, types.StringNull()},
		{"interfaces", m.Interfaces, []serviceInterfaceModel{}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.what, c.got, c.want)
		}
	}
}

func TestServiceDocumentsModelFromAPI(t *testing.T) {
	cfg := serviceDocumentsModel{ServiceID: types.StringValue("s"), IncludeContent: types.BoolValue(true), Interface: types.StringNull()}
	got := serviceDocumentsModelFromAPI(cfg, &client.ServiceDocuments{
		Interface: new("default"), AvailableInterfaces: []string{"default", "byok"},
		Documents: []client.ServiceDocument{
			{ID: "2", Title: "Example", Category: "code_example", MimeType: "python", SortOrder: 0, Content: new(""), Filename: new("ex.py")},
			{ID: "1", Title: "Docs", Category: "api_reference", MimeType: "url", SortOrder: 1, ExternalURL: new("https://docs")},
		},
	})
	want := []documentModel{
		// An empty content is kept as "" (the document is empty), not null.
		{ID: types.StringValue("2"), Title: types.StringValue("Example"), Description: types.StringNull(), Category: types.StringValue("code_example"),
			MimeType: types.StringValue("python"), Version: types.StringNull(), SortOrder: types.Int64Value(0), ExternalURL: types.StringNull(),
			Filename: types.StringValue("ex.py"), Content: types.StringValue(""), RenderError: types.StringNull()},
		// A URL-backed document has no content: null.
		{ID: types.StringValue("1"), Title: types.StringValue("Docs"), Description: types.StringNull(), Category: types.StringValue("api_reference"),
			MimeType: types.StringValue("url"), Version: types.StringNull(), SortOrder: types.Int64Value(1), ExternalURL: types.StringValue("https://docs"),
			Filename: types.StringNull(), Content: types.StringNull(), RenderError: types.StringNull()},
	}
	if !reflect.DeepEqual(got.Documents, want) {
		t.Errorf("documents =\n%+v\nwant\n%+v", got.Documents, want)
	}
	if got.Interface.ValueString() != "default" || !got.AvailableInterfaces.Equal(tfutil.StringList([]string{"default", "byok"})) || !got.IncludeContent.ValueBool() {
		t.Errorf("interface %v, available %v, include_content %v", got.Interface, got.AvailableInterfaces, got.IncludeContent)
	}
}
