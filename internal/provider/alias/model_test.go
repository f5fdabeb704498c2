package alias

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

func TestModelFromAPI(t *testing.T) {
	for _, tc := range []struct {
		name string
		api  client.ServiceAliasPublic
		pd   *tfutil.ProviderData
		want aliasModel
	}{
		{
			// Empty and absent routing keys are both null; no description
			// is null; no owner is the team's alias.
			name: "plain",
			api:  client.ServiceAliasPublic{ID: "a1", Name: "gpt", TargetPath: "g/llm", RequestRoutingKey: map[string]any{}},
			pd:   &tfutil.ProviderData{GatewayURL: "http://gw.test"},
			want: aliasModel{
				ID: types.StringValue("a1"), Name: types.StringValue("gpt"), Description: types.StringNull(), TargetPath: types.StringValue("g/llm"),
				RequestRoutingKey: types.MapNull(types.StringType), RoutingKeyOverride: types.MapNull(types.StringType),
				Routing: types.BoolValue(false), Shared: types.BoolValue(true),
				GatewayPath: types.StringValue("a/gpt"), GatewayURL: types.StringValue("http://gw.test/a/gpt"),
			},
		},
		{
			// A routing alias: the keys read back as strings, other JSON
			// values as their JSON text; routing is the server's flag.
			name: "routing",
			api: client.ServiceAliasPublic{ID: "a2", Name: "fast", Description: new("d"), OwnerID: new("me"), TargetPath: "g/llm", IsRouting: true,
				RequestRoutingKey:  map[string]any{"model": "fast"},
				RoutingKeyOverride: map[string]any{"model": "gpt-4o-mini", "tier": float64(2)}},
			pd: &tfutil.ProviderData{},
			want: aliasModel{
				ID: types.StringValue("a2"), Name: types.StringValue("fast"), Description: types.StringValue("d"), TargetPath: types.StringValue("g/llm"),
				RequestRoutingKey:  tfutil.StringMapValue(map[string]string{"model": "fast"}),
				RoutingKeyOverride: tfutil.StringMapValue(map[string]string{"model": "gpt-4o-mini", "tier": "2"}),
				Routing:            types.BoolValue(true), Shared: types.BoolValue(false),
				GatewayPath: types.StringValue("a/fast"), GatewayURL: types.StringNull(),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := modelFromAPI(&tc.api, tc.pd); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("modelFromAPI =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}
