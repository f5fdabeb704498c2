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
func (r *secretResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var cfg, plan secretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.ValueWO.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("value"), types.StringNull())...)
		return
	}
	if !cfg.Value.IsNull() {
		return
	}
	name := plan.Name.ValueString()
	if req.State.Raw.IsNull() || len(resp.RequiresReplace) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Missing secret value",
			fmt.Sprintf("Secret %s is to be created (or replaced), and a new secret needs a value: set value_wo (write-only, with value_wo_version) or value. An empty value is allowed: value = \"\".", name))
		return
	}
	var state secretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.Sensitive.ValueBool() && !plan.Description.Equal(state.Description) {
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Missing secret value",
			fmt.Sprintf("Changing the description of secret %s writes its value again (the API's PUT always carries it), and a secret's value cannot be read back: set value_wo (with value_wo_version) or value, or leave the description as it is.", name))
	}
}
