package chain

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// NewResource returns the unitysvc_chain resource.
func NewResource() resource.Resource { return routingobject.NewResource(kind)() }

// resourceDescription and resourceAttributes are the chain's part of the
// resource schema; routingobject adds id, name, description, enabled,
// shared, gateway_path and gateway_url.
const resourceDescription = "A UnitySVC chain: an ordered list of steps the gateway runs one after another for each request " +
	"sent to `/c/<name>`. Each step targets a gateway-relative path (a group `g/llm`, an alias `a/my-alias`, an " +
	"enrollment `e/CEFF`, a service path, ...); `on_success` and `on_failure` decide whether the chain stops there " +
	"or moves on, which covers failover (continue on failure) and ordered workflows (relay on success).\n\n" +
	"Steps are replaced as a whole, atomically, whenever any of them changes; their `sort_order` is their position in the list."

var resourceAttributes = map[string]schema.Attribute{
	"default_timeout_ms": schema.Int64Attribute{
		MarkdownDescription: "Timeout of a step that sets no `timeout_ms`, in milliseconds (at least 1). Defaults to `10000`.",
		Optional:            true,
		Computed:            true,
		Default:             int64default.StaticInt64(defaultTimeoutMS),
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	},
	"steps": schema.ListNestedAttribute{
		MarkdownDescription: "The steps, in the order they run (at least one). Reordering, adding or removing steps updates the chain in place with one atomic replacement of its step list.",
		Required:            true,
		Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{
					MarkdownDescription: "Step name, 1 to 64 characters (shown in request logs).",
					Required:            true,
					Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, routingobject.NameMax)},
				},
				"target_path": schema.StringAttribute{
					MarkdownDescription: "Gateway-relative path the step sends the request to, 1 to 500 characters, for example `g/llm`, `a/my-alias`, `e/CEFF` or another chain's `gateway_path`, optionally followed by a sub-path and wrapped in the gateway's wrapper primitives (`l/`, `m/`, `f/`, `t/`; see the `wrapped_path` function). A path the gateway would not route is refused at plan time.",
					Required:            true,
					Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, routingobject.TargetPathMax), tfutil.GatewayPathValidator()},
				},
				"on_success": schema.StringAttribute{
					MarkdownDescription: "What happens when the step succeeds: `stop` (default) returns its response; `continue` runs the next step with the original request; `relay` runs the next step with this step's response as its request.",
					Optional:            true,
					Computed:            true,
					Default:             stringdefault.StaticString(defaultOnSuccess),
					Validators:          []validator.String{stringvalidator.OneOf(onSuccessValues...)},
				},
				"on_failure": schema.StringAttribute{
					MarkdownDescription: "What happens when the step fails (5xx, 429, timeout or transport error): `continue` (default) and `relay` run the next step with the original request (failover); `stop` returns the failure. Note: the provider's default `continue` differs from the API's own default (`relay`); the value is always sent.",
					Optional:            true,
					Computed:            true,
					Default:             stringdefault.StaticString(defaultOnFailure),
					Validators:          []validator.String{stringvalidator.OneOf(onFailureValues...)},
				},
				"timeout_ms": schema.Int64Attribute{
					MarkdownDescription: "Timeout of this step in milliseconds (at least 1). Unset means the chain's `default_timeout_ms`.",
					Optional:            true,
					Validators:          []validator.Int64{int64validator.AtLeast(1)},
				},
			},
		},
	},
}

// createBody is the body of POST /chains/, steps included.
func createBody(ctx context.Context, plan chainModel, diags *diag.Diagnostics) client.ChainCreate {
	return client.ChainCreate{
		Name:             plan.Name.ValueString(),
		Description:      tfutil.StringPtr(plan.Description),
		DefaultTimeoutMS: plan.DefaultTimeoutMS.ValueInt64Pointer(),
		Enabled:          plan.Enabled.ValueBoolPointer(),
		Steps:            stepsToAPI(ctx, plan.Steps, diags),
	}
}

// updateBody is the PATCH body of the settings that changed; a removed
// description is sent as null, which clears it.
func updateBody(plan, state chainModel) (client.ChainUpdate, bool) {
	var body client.ChainUpdate
	changed := false
	if !plan.Description.Equal(state.Description) {
		body.Description, changed = client.NullableFrom(tfutil.StringPtr(plan.Description)), true
	}
	if !plan.DefaultTimeoutMS.Equal(state.DefaultTimeoutMS) {
		body.DefaultTimeoutMS, changed = client.NullableOf(plan.DefaultTimeoutMS.ValueInt64()), true
	}
	if !plan.Enabled.Equal(state.Enabled) {
		body.Enabled, changed = client.NullableOf(plan.Enabled.ValueBool()), true
	}
	return body, changed
}

// differences names the fields in which a chain differs from the create
// body (for a create whose answer was lost).
func differences(body client.ChainCreate, c *client.ChainPublic) []string {
	var m tfutil.Mismatches
	m.Check("description", tfutil.SameJSON(body.Description, c.Description))
	m.Check("default_timeout_ms", body.DefaultTimeoutMS == nil || *body.DefaultTimeoutMS == c.DefaultTimeoutMS)
	m.Check("enabled", body.Enabled == nil || *body.Enabled == c.Enabled)
	steps := make([]client.ChainStepCreate, 0, len(c.Steps))
	for _, s := range c.Steps {
		steps = append(steps, client.ChainStepCreate{Name: s.Name, TargetPath: s.TargetPath, OnSuccess: s.OnSuccess, OnFailure: s.OnFailure, TimeoutMS: s.TimeoutMS, SortOrder: s.SortOrder})
	}
	m.Check("steps", tfutil.SameJSON(body.Steps, steps))
	return m
}
