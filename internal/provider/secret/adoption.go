package secret

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithModifyPlan = &secretResource{}

// ModifyPlan decides what happens to the value. A value can never be
// read back from a sensitive secret, so configuration generated from an
// imported one (`tofu plan -generate-config-out`) has neither value nor
// value_wo: that leaves the value as it is, and plans nothing. A new
// secret, or a change the API can only make by writing the value again
// (the PUT always carries it), needs the value in the configuration: that
// is refused here, at plan time, saying which attribute to set. With
// value_wo the state keeps no value.
//
// It reads the few attributes it needs one by one: Get into the whole
// model costs the plugin framework a regexp compilation per field, a
// tenth of the provider's CPU per planned secret.
func (r *secretResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var valueWO, value, name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &valueWO)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value"), &value)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !valueWO.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("value"), types.StringNull())...)
		return
	}
	if !value.IsNull() {
		return
	}
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() || len(resp.RequiresReplace) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Missing secret value",
			fmt.Sprintf("Secret %s is to be created (or replaced), and a new secret needs a value: set value_wo (write-only, with value_wo_version) or value. An empty value is allowed: value = \"\".", name.ValueString()))
		return
	}
	var sensitive types.Bool
	var planned, stored types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("sensitive"), &sensitive)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("description"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("description"), &stored)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if sensitive.ValueBool() && !planned.Equal(stored) {
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Missing secret value",
			fmt.Sprintf("Changing the description of secret %s writes its value again (the API's PUT always carries it), and a secret's value cannot be read back: set value_wo (with value_wo_version) or value, or leave the description as it is.", name.ValueString()))
	}
}
