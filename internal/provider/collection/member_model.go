package collection

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type memberModel struct {
	ID           types.String `tfsdk:"id"`
	CollectionID types.String `tfsdk:"collection_id"`
	ServiceID    types.String `tfsdk:"service_id"`
	RoutingKey   types.Map    `tfsdk:"routing_key"`
	SortOrder    types.Int64  `tfsdk:"sort_order"`
	MemberID     types.String `tfsdk:"member_id"`
}

// memberModelFromAPI is the one converter from the API's member to state.
func memberModelFromAPI(collectionID string, m *client.ServiceCollectionMemberPublic) memberModel {
	rk := map[string]string{}
	for k, v := range m.RoutingKey {
		if s, ok := v.(string); ok {
			rk[k] = s
		} else {
			rk[k] = fmt.Sprint(v)
		}
	}
	return memberModel{
		ID:           types.StringValue(collectionID + "/" + m.ServiceID),
		CollectionID: types.StringValue(collectionID),
		ServiceID:    types.StringValue(m.ServiceID),
		RoutingKey:   tfutil.StringMapValue(rk),
		SortOrder:    types.Int64Value(m.SortOrder),
		MemberID:     types.StringValue(m.ID),
	}
}
