package catalog

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type interfaceModel struct {
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	AccessMethod types.String `tfsdk:"access_method"`
	BaseURL      types.String `tfsdk:"base_url"`
}

type groupModel struct {
	ID            types.String    `tfsdk:"id"`
	Name          types.String    `tfsdk:"name"`
	DisplayName   types.String    `tfsdk:"display_name"`
	Description   types.String    `tfsdk:"description"`
	OwnerType     types.String    `tfsdk:"owner_type"`
	Editable      types.Bool      `tfsdk:"editable"`
	Enabled       types.Bool      `tfsdk:"enabled"`
	MemberCount   types.Int64     `tfsdk:"member_count"`
	GroupType     types.String    `tfsdk:"group_type"`
	RoutingPolicy types.String    `tfsdk:"routing_policy"`
	Interface     *interfaceModel `tfsdk:"interface"`
}

func groupModelFromAPI(g *client.CustomerGroupDetail) groupModel {
	m := groupModel{
		ID: types.StringValue(g.ID), Name: types.StringValue(g.Name), DisplayName: tfutil.StringOrNull(g.DisplayName),
		Description: tfutil.StringOrNull(g.Description), OwnerType: types.StringValue(g.OwnerType),
		Editable: types.BoolValue(g.Editable), MemberCount: types.Int64Value(g.MemberCount),
		GroupType: tfutil.StringOrNull(g.GroupType), RoutingPolicy: tfutil.JSONString(g.RoutingPolicy),
		Enabled: types.BoolPointerValue(g.Enabled),
	}
	if g.Interface != nil {
		m.Interface = &interfaceModel{
			Name: types.StringValue(g.Interface.Name), Description: tfutil.StringOrNull(g.Interface.Description),
			AccessMethod: tfutil.StringOrNull(g.Interface.AccessMethod), BaseURL: tfutil.StringOrNull(g.Interface.BaseURL),
		}
	}
	return m
}
