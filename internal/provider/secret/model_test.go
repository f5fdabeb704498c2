package secret

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestModelFromAPI(t *testing.T) {
	base := secretModel{
		ID: types.StringUnknown(), Name: types.StringValue("KEY"), Value: types.StringValue("configured"),
		ValueWO: types.StringValue("never stored"), ValueWOVersion: types.Int64Null(), Sensitive: types.BoolValue(true),
		Description: types.StringNull(), Shared: types.BoolValue(false), OwnerType: types.StringUnknown(),
	}
	withWO := base
	withWO.Value, withWO.ValueWOVersion = types.StringNull(), types.Int64Value(3)
	for _, tc := range []struct {
		name  string
		api   client.SecretPublic
		prior secretModel
		want  func(secretModel) secretModel
	}{
		{
			// The API masks a sensitive value (it sends none): the
			// configured value stays; value_wo never enters state.
			name:  "sensitive value kept from configuration",
			api:   client.SecretPublic{ID: "s1", Name: "KEY", OwnerType: "user", RoleID: new("r"), Sensitive: true},
			prior: base,
			want: func(m secretModel) secretModel {
				m.ID, m.OwnerType, m.ValueWO = types.StringValue("s1"), types.StringValue("user"), types.StringNull()
				return m
			},
		},
		{
			// A variable (not sensitive) is read back, so drift shows; an
			// empty description is null, like an absent one; no role is
			// the team's secret.
			name:  "variable read back",
			api:   client.SecretPublic{ID: "s2", Name: "KEY", Description: new(""), OwnerType: "team", Value: new("changed outside")},
			prior: base,
			want: func(m secretModel) secretModel {
				m.ID, m.OwnerType, m.ValueWO = types.StringValue("s2"), types.StringValue("team"), types.StringNull()
				m.Value, m.Sensitive, m.Shared = types.StringValue("changed outside"), types.BoolValue(false), types.BoolValue(true)
				return m
			},
		},
		{
			// Managed through value_wo: value stays null even for a
			// variable the API returns, so it never lands in state.
			name:  "write-only keeps value null",
			api:   client.SecretPublic{ID: "s3", Name: "KEY", Description: new("d"), OwnerType: "user", RoleID: new("r"), Value: new("plain")},
			prior: withWO,
			want: func(m secretModel) secretModel {
				m.ID, m.OwnerType, m.ValueWO = types.StringValue("s3"), types.StringValue("user"), types.StringNull()
				m.Sensitive, m.Description = types.BoolValue(false), types.StringValue("d")
				return m
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want(tc.prior)
			if got := modelFromAPI(&tc.api, tc.prior); !reflect.DeepEqual(got, want) {
				t.Errorf("modelFromAPI =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}
