package chain

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
)

// Defaults of the API and the provider (see ChainCreate /
// ChainStepCreate); the limits are routingobject's.
const (
	defaultTimeoutMS = 10000
	// The provider's step defaults: stop on success, fail over
	// (continue) on failure. The API's own on_failure default is relay,
	// so both are always sent.
	defaultOnSuccess = "stop"
	defaultOnFailure = "continue"
)

var (
	onSuccessValues = []string{"stop", "continue", "relay"}
	onFailureValues = []string{"continue", "relay", "stop"}
)

// chainModel is the state of unitysvc_chain (and the data source).
type chainModel struct {
	routingobject.Common
	DefaultTimeoutMS types.Int64 `tfsdk:"default_timeout_ms"`
	Steps            types.List  `tfsdk:"steps"`
}

// stepModel is one element of steps.
type stepModel struct {
	Name       types.String `tfsdk:"name"`
	TargetPath types.String `tfsdk:"target_path"`
	OnSuccess  types.String `tfsdk:"on_success"`
	OnFailure  types.String `tfsdk:"on_failure"`
	TimeoutMS  types.Int64  `tfsdk:"timeout_ms"`
}

var stepAttrTypes = map[string]attr.Type{
	"name":        types.StringType,
	"target_path": types.StringType,
	"on_success":  types.StringType,
	"on_failure":  types.StringType,
	"timeout_ms":  types.Int64Type,
}

var stepObjectType = types.ObjectType{AttrTypes: stepAttrTypes}

// modelFromAPI is the one converter from the API's chain to state, used by
// Create, Read, Update, import and the data source; routingobject
// converts the common part.
func modelFromAPI(c *client.ChainPublic, common routingobject.Common) chainModel {
	steps := make([]attr.Value, 0, len(c.Steps))
	for _, s := range c.Steps {
		timeout := types.Int64Null()
		if s.TimeoutMS != nil {
			timeout = types.Int64Value(*s.TimeoutMS)
		}
		steps = append(steps, types.ObjectValueMust(stepAttrTypes, map[string]attr.Value{
			"name":        types.StringValue(s.Name),
			"target_path": types.StringValue(s.TargetPath),
			"on_success":  types.StringValue(s.OnSuccess),
			"on_failure":  types.StringValue(s.OnFailure),
			"timeout_ms":  timeout,
		}))
	}
	return chainModel{
		Common:           common,
		DefaultTimeoutMS: types.Int64Value(c.DefaultTimeoutMS),
		Steps:            types.ListValueMust(stepObjectType, steps),
	}
}

// stepsToAPI converts the planned steps to the API's body; sort_order is
// the list position, and on_success / on_failure are always sent.
func stepsToAPI(ctx context.Context, l types.List, diags *diag.Diagnostics) []client.ChainStepCreate {
	var steps []stepModel
	diags.Append(l.ElementsAs(ctx, &steps, false)...)
	out := make([]client.ChainStepCreate, 0, len(steps))
	for i, s := range steps {
		st := client.ChainStepCreate{
			Name:       s.Name.ValueString(),
			TargetPath: s.TargetPath.ValueString(),
			OnSuccess:  s.OnSuccess.ValueString(),
			OnFailure:  s.OnFailure.ValueString(),
			SortOrder:  int64(i),
		}
		if st.OnSuccess == "" {
			st.OnSuccess = defaultOnSuccess
		}
		if st.OnFailure == "" {
			st.OnFailure = defaultOnFailure
		}
		if !s.TimeoutMS.IsNull() && !s.TimeoutMS.IsUnknown() {
			v := s.TimeoutMS.ValueInt64()
			st.TimeoutMS = &v
		}
		out = append(out, st)
	}
	return out
}
