package chain

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

func step(name, target, onSuccess, onFailure string, timeout types.Int64) attr.Value {
	return types.ObjectValueMust(stepAttrTypes, map[string]attr.Value{
		"name": types.StringValue(name), "target_path": types.StringValue(target),
		"on_success": types.StringValue(onSuccess), "on_failure": types.StringValue(onFailure), "timeout_ms": timeout,
	})
}

func TestModelFromAPI(t *testing.T) {
	pd := &tfutil.ProviderData{GatewayURL: "http://gw.test"}
	for _, tc := range []struct {
		name string
		api  client.ChainPublic
		pd   *tfutil.ProviderData
		want chainModel
	}{
		{
			// No description and no steps: description is null, steps an
			// empty list (never null); no owner means the team's chain.
			name: "empty",
			api:  client.ChainPublic{ID: "c1", Name: "empty", DefaultTimeoutMS: 10000, Enabled: true},
			pd:   pd,
			want: chainModel{
				Common: routingobject.Common{
					ID:          types.StringValue("c1"),
					Name:        types.StringValue("empty"),
					Description: types.StringNull(),
					Enabled:     types.BoolValue(true),
					Shared:      types.BoolValue(true),
					GatewayPath: types.StringValue("c/empty"),
					GatewayURL:  types.StringValue("http://gw.test/c/empty"),
				},
				DefaultTimeoutMS: types.Int64Value(10000),
				Steps:            types.ListValueMust(stepObjectType, []attr.Value{}),
			},
		},
		{
			// Steps keep the API's order (not sorted by name); a step
			// without its own timeout has a null timeout_ms; an empty
			// description is null, like an absent one.
			name: "steps in order",
			api: client.ChainPublic{ID: "c2", Name: "two steps", Description: new(""), OwnerID: new("me"), DefaultTimeoutMS: 500,
				Steps: []client.ChainStepPublic{
					{Name: "zeta", TargetPath: "g/llm", OnSuccess: "stop", OnFailure: "continue", TimeoutMS: new(int64(250)), SortOrder: 0},
					{Name: "alpha", TargetPath: "s/other", OnSuccess: "relay", OnFailure: "stop", SortOrder: 1},
				}},
			pd: pd,
			want: chainModel{
				Common: routingobject.Common{
					ID:          types.StringValue("c2"),
					Name:        types.StringValue("two steps"),
					Description: types.StringNull(),
					Enabled:     types.BoolValue(false),
					Shared:      types.BoolValue(false),
					// gateway_path is the name as the gateway matches it; the URL escapes it.
					GatewayPath: types.StringValue("c/two steps"),
					GatewayURL:  types.StringValue("http://gw.test/c/two%20steps"),
				},
				DefaultTimeoutMS: types.Int64Value(500),
				Steps: types.ListValueMust(stepObjectType, []attr.Value{
					step("zeta", "g/llm", "stop", "continue", types.Int64Value(250)),
					step("alpha", "s/other", "relay", "stop", types.Int64Null()),
				}),
			},
		},
		{
			// Without a known gateway URL, gateway_url is null.
			name: "no gateway",
			api:  client.ChainPublic{ID: "c3", Name: "x", Description: new("d"), OwnerID: new("me")},
			pd:   &tfutil.ProviderData{},
			want: chainModel{
				Common: routingobject.Common{
					ID:          types.StringValue("c3"),
					Name:        types.StringValue("x"),
					Description: types.StringValue("d"),
					Enabled:     types.BoolValue(false),
					Shared:      types.BoolValue(false),
					GatewayPath: types.StringValue("c/x"),
					GatewayURL:  types.StringNull(),
				},
				DefaultTimeoutMS: types.Int64Value(0),
				Steps:            types.ListValueMust(stepObjectType, []attr.Value{}),
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
