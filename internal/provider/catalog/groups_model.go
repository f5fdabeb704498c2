package catalog

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type groupSummaryModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	OwnerType   types.String `tfsdk:"owner_type"`
	Editable    types.Bool   `tfsdk:"editable"`
	MemberCount types.Int64  `tfsdk:"member_count"`
	GroupType   types.String `tfsdk:"group_type"`
}

type groupsModel struct {
	ID     types.String        `tfsdk:"id"`
	Name   types.String        `tfsdk:"name"`
	Owner  types.String        `tfsdk:"owner"`
	Groups []groupSummaryModel `tfsdk:"groups"`
}

// groupsModelFromAPI keeps the filters of m and fills in the listing, in
// the API's order.
func groupsModelFromAPI(m groupsModel, owner string, groups []client.CustomerGroupView) groupsModel {
	m.ID = types.StringValue(owner + "/" + m.Name.ValueString())
	m.Groups = make([]groupSummaryModel, 0, len(groups))
	for _, g := range groups {
		m.Groups = append(m.Groups, groupSummaryModel{
			ID: types.StringValue(g.ID), Name: types.StringValue(g.Name), DisplayName: tfutil.StringOrNull(g.DisplayName),
			OwnerType: types.StringValue(g.OwnerType), Editable: types.BoolValue(g.Editable),
			MemberCount: types.Int64Value(g.MemberCount), GroupType: types.StringValue(g.GroupType),
		})
	}
	return m
}
