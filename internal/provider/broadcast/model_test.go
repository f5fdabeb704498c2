package broadcast

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

func target(name, path string, override types.Map) attr.Value {
	return types.ObjectValueMust(targetAttrTypes, map[string]attr.Value{
		"name": types.StringValue(name), "target_path": types.StringValue(path), "routing_key_override": override,
	})
}

func TestModelFromAPI(t *testing.T) {
	pd := &tfutil.ProviderData{GatewayURL: "http://gw.test"}
	for _, tc := range []struct {
		name string
		api  client.BroadcastPublic
		pd   *tfutil.ProviderData
		want broadcastModel
	}{
		{
			// No description and no targets: null description, an empty
			// (not null) target list; no owner means the team's broadcast.
			name: "empty",
			api:  client.BroadcastPublic{ID: "b1", Name: "fan", Mode: "sync", TargetTimeoutMS: 30000, Enabled: true},
			pd:   pd,
			want: broadcastModel{
				Common: routingobject.Common{
					ID:          types.StringValue("b1"),
					Name:        types.StringValue("fan"),
					Description: types.StringNull(),
					Enabled:     types.BoolValue(true),
					Shared:      types.BoolValue(true),
					GatewayPath: types.StringValue("b/fan"),
					GatewayURL:  types.StringValue("http://gw.test/b/fan"),
				},
				Mode:            types.StringValue("sync"),
				TargetTimeoutMS: types.Int64Value(30000),
				Targets:         types.ListValueMust(targetObjectType, []attr.Value{}),
			},
		},
		{
			// Targets keep the API's order. An empty or absent override is
			// null; values that are not strings (set outside Terraform)
			// read as their JSON text.
			name: "targets in order",
			api: client.BroadcastPublic{ID: "b2", Name: "two", Description: new("both"), OwnerID: new("me"), Mode: "async", TargetTimeoutMS: 100,
				Targets: []client.BroadcastTargetPublic{
					{Name: "zeta", TargetPath: "g/llm", RoutingKeyOverride: map[string]any{"model": "fast", "n": float64(2), "on": true}, SortOrder: 0},
					{Name: "alpha", TargetPath: "s/x", RoutingKeyOverride: map[string]any{}, SortOrder: 1},
					{Name: "mid", TargetPath: "c/y", SortOrder: 2},
				}},
			pd: &tfutil.ProviderData{},
			want: broadcastModel{
				Common: routingobject.Common{
					ID:          types.StringValue("b2"),
					Name:        types.StringValue("two"),
					Description: types.StringValue("both"),
					Enabled:     types.BoolValue(false),
					Shared:      types.BoolValue(false),
					GatewayPath: types.StringValue("b/two"),
					GatewayURL:  types.StringNull(),
				},
				Mode:            types.StringValue("async"),
				TargetTimeoutMS: types.Int64Value(100),
				Targets: types.ListValueMust(targetObjectType, []attr.Value{
					target("zeta", "g/llm", tfutil.StringMapValue(map[string]string{"model": "fast", "n": "2", "on": "true"})),
					target("alpha", "s/x", types.MapNull(types.StringType)),
					target("mid", "c/y", types.MapNull(types.StringType)),
				}),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := kind.Model(&tc.api, tc.pd); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("modelFromAPI =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}
