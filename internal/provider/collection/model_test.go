package collection

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

func TestCollectionModelFromAPI(t *testing.T) {
	pd := &tfutil.ProviderData{GatewayURL: "http://gw.test"}
	prior := collectionModel{Shared: types.BoolValue(true), Enabled: types.BoolValue(true)}
	for _, tc := range []struct {
		name  string
		api   client.CustomerGroupDetail
		prior collectionModel
		want  collectionModel
	}{
		{
			// Empty and absent texts are null; the scope comes from the
			// API's details when it says; enabled from the API.
			name: "personal, empty texts",
			api: client.CustomerGroupDetail{ID: "g1", Name: "my-llms", DisplayName: new(""), Enabled: new(false),
				Details: json.RawMessage(`{"shared":false}`), GroupType: new("open")},
			prior: prior,
			want: collectionModel{
				ID: types.StringValue("g1"), Name: types.StringValue("my-llms"), DisplayName: types.StringNull(), Description: types.StringNull(),
				Enabled: types.BoolValue(false), Shared: types.BoolValue(false), GroupType: types.StringValue("open"),
				GatewayPath: types.StringValue("g/my-llms"), GatewayURL: types.StringValue("http://gw.test/g/my-llms"),
			},
		},
		{
			// The API does not say the scope or enabled: the prior values
			// stay (shared from configuration); no group type is null.
			name:  "scope unknown keeps prior",
			api:   client.CustomerGroupDetail{ID: "g2", Name: "team", DisplayName: new("Team"), Description: new("d")},
			prior: prior,
			want: collectionModel{
				ID: types.StringValue("g2"), Name: types.StringValue("team"), DisplayName: types.StringValue("Team"), Description: types.StringValue("d"),
				Enabled: types.BoolValue(true), Shared: types.BoolValue(true), GroupType: types.StringNull(),
				GatewayPath: types.StringValue("g/team"), GatewayURL: types.StringValue("http://gw.test/g/team"),
			},
		},
		{
			// Import: no prior scope and none from the API means personal.
			name:  "import defaults to personal",
			api:   client.CustomerGroupDetail{ID: "g3", Name: "imp", Enabled: new(true)},
			prior: collectionModel{Shared: types.BoolNull(), Enabled: types.BoolNull()},
			want: collectionModel{
				ID: types.StringValue("g3"), Name: types.StringValue("imp"), DisplayName: types.StringNull(), Description: types.StringNull(),
				Enabled: types.BoolValue(true), Shared: types.BoolValue(false), GroupType: types.StringNull(),
				GatewayPath: types.StringValue("g/imp"), GatewayURL: types.StringValue("http://gw.test/g/imp"),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := collectionModelFromAPI(&tc.api, tc.prior, pd); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("collectionModelFromAPI =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestMemberModelFromAPI(t *testing.T) {
	for _, tc := range []struct {
		name string
		api  client.ServiceCollectionMemberPublic
		want memberModel
	}{
		{
			// No routing key (absent or empty) is null.
			name: "no routing key",
			api:  client.ServiceCollectionMemberPublic{ID: "m1", ServiceID: "s1", RoutingKey: map[string]any{}, SortOrder: 0},
			want: memberModel{ID: types.StringValue("c/s1"), CollectionID: types.StringValue("c"), ServiceID: types.StringValue("s1"),
				RoutingKey: types.MapNull(types.StringType), SortOrder: types.Int64Value(0), MemberID: types.StringValue("m1")},
		},
		{
			// Routing-key values that are not strings read as text.
			name: "routing key",
			api:  client.ServiceCollectionMemberPublic{ID: "m2", ServiceID: "s2", RoutingKey: map[string]any{"model": "fast-gpt", "v": float64(2)}, SortOrder: 7},
			want: memberModel{ID: types.StringValue("c/s2"), CollectionID: types.StringValue("c"), ServiceID: types.StringValue("s2"),
				RoutingKey: tfutil.StringMapValue(map[string]string{"model": "fast-gpt", "v": "2"}), SortOrder: types.Int64Value(7), MemberID: types.StringValue("m2")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := memberModelFromAPI("c", &tc.api); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("memberModelFromAPI =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}
