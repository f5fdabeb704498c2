// Package tfutil holds the helpers every resource and data source of the
// provider shares: the configured API handle, API errors as diagnostics,
// import-ID parsing and value conversions. Nothing here is copied per
// resource.
package tfutil

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// ProviderData is what the provider hands every resource and data source.
type ProviderData struct {
	Client *client.Client
	// GatewayURL is the gateway's base URL (no trailing slash); empty when
	// unknown.
	GatewayURL string

	claims Claims
}

// Claims is what the resources of this configuration created or adopted
// during this run of the provider (see Creation.Claims); nil before the
// provider is configured.
func (p *ProviderData) Claims() *Claims {
	if p == nil {
		return nil
	}
	return &p.claims
}

// GatewayURLOf returns the full gateway URL of a gateway-relative path
// such as "g/my-llms", or null when the gateway URL is unknown (also
// before the provider is configured, when p is nil).
func (p *ProviderData) GatewayURLOf(path string) types.String {
	if p == nil || p.GatewayURL == "" {
		return types.StringNull()
	}
	return types.StringValue(p.GatewayURL + "/" + path)
}

// ConfigureResource extracts ProviderData in a resource's Configure. It
// returns nil (and no error) before the provider is configured, as
// happens during validation.
func ConfigureResource(req resource.ConfigureRequest, resp *resource.ConfigureResponse) *ProviderData {
	if req.ProviderData == nil {
		return nil
	}
	pd, ok := req.ProviderData.(*ProviderData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *tfutil.ProviderData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return nil
	}
	return pd
}

// ConfigureDataSource is ConfigureResource for data sources.
func ConfigureDataSource(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *ProviderData {
	if req.ProviderData == nil {
		return nil
	}
	pd, ok := req.ProviderData.(*ProviderData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *tfutil.ProviderData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return nil
	}
	return pd
}

// PlanGatewayPath sets gateway_path (pathOf the planned name) and
// gateway_url in a plan whose name is known. The paths follow from the
// name alone, so a new object's paths are known at plan time and what
// targets them (a chain step, an alias) is not shown as unknown.
func PlanGatewayPath(ctx context.Context, pd *ProviderData, pathOf func(name string) string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() || name.IsUnknown() || name.IsNull() {
		return
	}
	gp := pathOf(name.ValueString())
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("gateway_path"), gp)...)
	if pd != nil {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("gateway_url"), pd.GatewayURLOf(gp))...)
	}
}
