package broadcast

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// NewResource returns the unitysvc_broadcast resource.
func NewResource() resource.Resource { return routingobject.NewResource(kind)() }

// resourceDescription and resourceAttributes are the broadcast's part of
// the resource schema; routingobject adds id, name, description, enabled,
// shared, gateway_path and gateway_url.
const resourceDescription = "A UnitySVC broadcast: the gateway sends each request made to `/b/<name>` to every target in parallel " +
	"and, in `sync` mode, answers with one envelope holding every target's result, in target order.\n\n" +
	"Targets are replaced as a whole, atomically, whenever any of them changes; their `sort_order` is their position in the list."

var resourceAttributes = map[string]schema.Attribute{
	"mode": schema.StringAttribute{
		MarkdownDescription: "`sync` (default): call every target in parallel and return all results in one response. `async` (enqueue one task per target) is part of the API but not available yet: the API currently rejects it.",
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(defaultMode),
		Validators:          []validator.String{stringvalidator.OneOf(modes...)},
	},
	"target_timeout_ms": schema.Int64Attribute{
		MarkdownDescription: "Timeout of each target call in milliseconds (at least 1). Defaults to `30000`.",
		Optional:            true,
		Computed:            true,
		Default:             int64default.StaticInt64(defaultTimeout),
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	},
	"targets": schema.ListNestedAttribute{
		MarkdownDescription: "The targets, in result order (at least one). Reordering, adding or removing targets updates the broadcast in place with one atomic replacement of its target list.",
		Required:            true,
		Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{
					MarkdownDescription: "Target name, 1 to 64 characters; labels this target's entry in the results.",
					Required:            true,
					Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, routingobject.NameMax)},
				},
				"target_path": schema.StringAttribute{
					MarkdownDescription: "Gateway-relative path the request is sent to, 1 to 500 characters, for example `g/llm`, `a/my-alias`, `e/CEFF` or a chain's `gateway_path`, optionally followed by a sub-path and wrapped in the gateway's wrapper primitives (`l/`, `m/`, `f/`, `t/`; see the `wrapped_path` function). A path the gateway would not route is refused at plan time.",
					Required:            true,
					Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, routingobject.TargetPathMax), tfutil.GatewayPathValidator()},
				},
				"routing_key_override": schema.MapAttribute{
					MarkdownDescription: "Request fields overridden for this target, for example `{ model = \"gpt-4o-mini\" }` to send a different routing key (model) to this target than the caller asked for. Omit it rather than setting an empty map.",
					ElementType:         types.StringType,
					Optional:            true,
					Validators:          []validator.Map{mapvalidator.SizeAtLeast(1)},
				},
			},
		},
	},
}

// createBody is the body of POST /broadcasts/, targets included.
func createBody(ctx context.Context, plan broadcastModel, diags *diag.Diagnostics) client.BroadcastCreate {
	return client.BroadcastCreate{
		Name:            plan.Name.ValueString(),
		Description:     tfutil.StringPtr(plan.Description),
		Mode:            plan.Mode.ValueString(),
		TargetTimeoutMS: plan.TargetTimeoutMS.ValueInt64Pointer(),
		Enabled:         plan.Enabled.ValueBoolPointer(),
		Targets:         targetsToAPI(ctx, plan.Targets, diags),
	}
}

// updateBody is the PATCH body of the settings that changed; a removed
// description is sent as null, which clears it.
func updateBody(plan, state broadcastModel) (client.BroadcastUpdate, bool) {
	var body client.BroadcastUpdate
	changed := false
	if !plan.Description.Equal(state.Description) {
		body.Description, changed = client.NullableFrom(tfutil.StringPtr(plan.Description)), true
	}
	if !plan.Mode.Equal(state.Mode) {
		body.Mode, changed = client.NullableOf(plan.Mode.ValueString()), true
	}
	if !plan.TargetTimeoutMS.Equal(state.TargetTimeoutMS) {
		body.TargetTimeoutMS, changed = client.NullableOf(plan.TargetTimeoutMS.ValueInt64()), true
	}
	if !plan.Enabled.Equal(state.Enabled) {
		body.Enabled, changed = client.NullableOf(plan.Enabled.ValueBool()), true
	}
	return body, changed
}

// differences names the fields in which a broadcast differs from the
// create body (for a create whose answer was lost).
func differences(body client.BroadcastCreate, b *client.BroadcastPublic) []string {
	var m tfutil.Mismatches
	m.Check("description", tfutil.SameJSON(body.Description, b.Description))
	m.Check("mode", body.Mode == "" || body.Mode == b.Mode)
	m.Check("target_timeout_ms", body.TargetTimeoutMS == nil || *body.TargetTimeoutMS == b.TargetTimeoutMS)
	m.Check("enabled", body.Enabled == nil || *body.Enabled == b.Enabled)
	targets := make([]client.BroadcastTargetCreate, 0, len(b.Targets))
	for _, t := range b.Targets {
		targets = append(targets, client.BroadcastTargetCreate{Name: t.Name, TargetPath: t.TargetPath, RoutingKeyOverride: t.RoutingKeyOverride, SortOrder: t.SortOrder})
	}
	m.Check("targets", tfutil.SameJSON(body.Targets, targets))
	return m
}
