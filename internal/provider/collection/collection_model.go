package collection

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type collectionModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	Description types.String `tfsdk:"description"`
	Enabled     types.Bool   `tfsdk:"enabled"`
	Shared      types.Bool   `tfsdk:"shared"`
	GroupType   types.String `tfsdk:"group_type"`
	GatewayPath types.String `tfsdk:"gateway_path"`
	GatewayURL  types.String `tfsdk:"gateway_url"`
}

// gatewayPath is a collection's gateway-relative path: /g/<name>
// dispatches to the caller's collection of that name first.
func gatewayPath(name string) string { return "g/" + name }

// collectionModelFromAPI is the one converter from the API's collection to
// state.
func collectionModelFromAPI(g *client.CustomerGroupDetail, prior collectionModel, pd *tfutil.ProviderData) collectionModel {
	m := prior
	m.ID = types.StringValue(g.ID)
	m.Name = types.StringValue(g.Name)
	m.DisplayName = tfutil.StringOrNull(g.DisplayName)
	m.Description = tfutil.StringOrNull(g.Description)
	if g.Enabled != nil {
		m.Enabled = types.BoolValue(*g.Enabled)
	}
	if shared, known := client.CollectionShared(g.Details); known {
		m.Shared = types.BoolValue(shared)
	} else if m.Shared.IsNull() || m.Shared.IsUnknown() {
		m.Shared = types.BoolValue(false)
	}
	m.GroupType = tfutil.StringOrNull(g.GroupType)
	m.GatewayPath = types.StringValue(gatewayPath(g.Name))
	m.GatewayURL = pd.GatewayURLOf(m.GatewayPath.ValueString())
	return m
}
