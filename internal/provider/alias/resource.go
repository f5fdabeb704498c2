package alias

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                = &aliasResource{}
	_ resource.ResourceWithConfigure   = &aliasResource{}
	_ resource.ResourceWithImportState = &aliasResource{}
	_ resource.ResourceWithModifyPlan  = &aliasResource{}
)

// NewResource returns the unitysvc_alias resource.
func NewResource() resource.Resource { return &aliasResource{} }

type aliasResource struct {
	pd *tfutil.ProviderData
}

func (r *aliasResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alias"
}

func (r *aliasResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A UnitySVC alias: a stable gateway path `/a/<name>` that forwards to a target such as a " +
			"collection (`g/my-llms`), a platform group (`g/llm`), a chain (`c/...`) or an enrollment (`e/CEFF`).\n\n" +
			"Several aliases may share a name, one per target (and request routing key): exactly one of them **routes** the " +
			"requests for a given (name, `request_routing_key`). Moving routing between them is what lets you fail over or " +
			"switch providers without touching clients.\n\n" +
			"**Routing.** Leave `routing` unset to take the API's behaviour: a new alias routes unless another alias already " +
			"routes the same name and routing key, in which case the API creates it non-routing (Terraform shows a warning). " +
			"`routing` then always reports what the API says, and routing moved outside Terraform (for example with " +
			"the SDK or the API's switch endpoint) shows up in state without making a plan. Set `routing = true` or `false` to manage it: " +
			"Terraform calls the switch endpoint to make the API match (switching one alias on demotes the sibling that routed " +
			"before). Set it explicitly on at most one alias per name and routing key, or two configurations take routing from " +
			"each other on every apply.\n\n" +
			"Destroying the resource deactivates the alias (the API keeps it with `deactivated_at` set); a deactivated alias " +
			"is treated as gone.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The alias's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name: lower-case letters, digits, hyphens and underscores, starting with a letter or digit, at most 100 characters. The alias is served at `/a/<name>`. Changing it replaces the alias.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, 100),
					stringvalidator.RegexMatches(tfutil.SlugRegexp, "must use only lower-case letters a-z, digits 0-9, hyphens and underscores, and start with a letter or digit (for example my-llm)"),
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free-text description, 1 to 500 characters.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, 500)},
			},
			"target_path": schema.StringAttribute{
				MarkdownDescription: "Gateway-relative path the alias forwards to, at most 500 characters: a collection or group (`g/my-llms`, `g/llm`), a chain (`c/my-chain`), a broadcast (`b/...`), an enrollment (`e/CEFF`) or a service (`p/<service id>`), optionally followed by a sub-path and wrapped in the gateway's wrapper primitives (`l/`, `m/`, `f/`, `t/`; see the `wrapped_path` function). A path the gateway would not route is refused at plan time. Can be changed in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, 500), tfutil.GatewayPathValidator()},
			},
			"request_routing_key": schema.MapAttribute{
				MarkdownDescription: "Routing key this alias answers for, matched against the request (for example `{ model = \"gpt-4o\" }`): aliases of one name can route different keys to different targets. Unset means every request. Can be changed in place; if another alias already routes the new (name, key), this one stops routing.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1)},
			},
			"routing_key_override": schema.MapAttribute{
				MarkdownDescription: "Routing key sent on to the target instead of the request's own (for example `{ model = \"llama-3.1-70b\" }`). Can be changed in place.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1)},
			},
			"routing": schema.BoolAttribute{
				MarkdownDescription: "Whether this alias routes its (name, `request_routing_key`). Unset: the API decides on create (`true` unless a sibling already routes) and the attribute reports the API's value, including switches made outside Terraform. Set: Terraform switches routing on or off to match, demoting the sibling that routed before. Changed in place.",
				Optional:            true,
				Computed:            true,
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "`true` creates the alias in the team (shared) scope, visible to every member of your organisation; `false` (default) in your personal scope. Changing it replaces the alias.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"gateway_path": schema.StringAttribute{
				MarkdownDescription: "Gateway-relative path of the alias, `a/<name>`, usable as another object's `target_path`.",
				Computed:            true,
			},
			"gateway_url": schema.StringAttribute{
				MarkdownDescription: "Full gateway URL of the alias (`<gateway_url>/a/<name>`), or null when the provider's `gateway_url` is not known.",
				Computed:            true,
			},
		},
	}
}

func (r *aliasResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// ModifyPlan makes gateway_path and gateway_url known at plan time, and
// plans routing: a configured value is the plan; unset, it keeps the
// state's value unless the routing key changes or the alias is replaced
// (then the API decides, so it is unknown).
func (r *aliasResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, cfg aliasModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tfutil.PlanGatewayPath(ctx, r.pd, gatewayPath, req, resp)
	if !cfg.Routing.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var state aliasModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	routing := state.Routing
	if len(resp.RequiresReplace) > 0 || !plan.RequestRoutingKey.Equal(state.RequestRoutingKey) {
		routing = types.BoolUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("routing"), routing)...)
}

func (r *aliasResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan aliasModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	body := client.ServiceAliasCreate{
		Name:               name,
		Description:        tfutil.StringPtr(plan.Description),
		RequestRoutingKey:  anyValues(tfutil.StringMap(ctx, plan.RequestRoutingKey, &resp.Diagnostics)),
		TargetPath:         plan.TargetPath.ValueString(),
		RoutingKeyOverride: anyValues(tfutil.StringMap(ctx, plan.RoutingKeyOverride, &resp.Diagnostics)),
	}
	if !plan.Routing.IsUnknown() { // unknown when not configured: take the API's default
		body.IsRouting = plan.Routing.ValueBoolPointer()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	shared := plan.Shared.ValueBool()
	a := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to create alias "+name, tfutil.Creation[client.ServiceAliasPublic]{
		Resource: "unitysvc_alias",
		Claims:   r.pd.Claims(),
		What:     tfutil.Named("alias", name, shared) + " to " + body.TargetPath,
		Create: func(ctx context.Context) (*client.ServiceAliasPublic, error) {
			return r.pd.Client.CreateAlias(ctx, shared, body)
		},
		Find: func(ctx context.Context) ([]client.ServiceAliasPublic, error) {
			found, err := r.pd.Client.FindAliasesByName(ctx, name)
			return slices.DeleteFunc(found, func(a client.ServiceAliasPublic) bool { return a.Shared() != shared }), err
		},
		Differences: func(a *client.ServiceAliasPublic) []string {
			var m tfutil.Mismatches
			m.Check("target_path", a.TargetPath == body.TargetPath)
			m.Check("description", tfutil.SameJSON(body.Description, a.Description))
			m.Check("request_routing_key", tfutil.SameJSON(body.RequestRoutingKey, a.RequestRoutingKey))
			m.Check("routing_key_override", tfutil.SameJSON(body.RoutingKeyOverride, a.RoutingKeyOverride))
			return m
		},
		ID:        func(a *client.ServiceAliasPublic) string { return a.ID },
		ImportID:  func(a *client.ServiceAliasPublic) string { return a.ID },
		CreatedAt: func(a *client.ServiceAliasPublic) string { return a.CreatedAt },
		Schema:    req.Plan.Schema,
		Fields:    apiFields,
	})
	if a == nil {
		return
	}
	// Store the object at once, so a failure below leaves it tracked.
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(a, r.pd))...)
	switch {
	case plan.Routing.IsUnknown() && !a.IsRouting:
		resp.Diagnostics.AddAttributeWarning(path.Root("routing"), "Alias created non-routing",
			fmt.Sprintf("Another alias already routes the name %q with this request_routing_key, so the API created alias %s without routing. "+
				"Set routing = true on this resource to move routing here (Terraform then calls the switch endpoint, demoting the other alias).", name, a.ID))
	case !plan.Routing.IsUnknown() && a.IsRouting != plan.Routing.ValueBool():
		res, err := r.pd.Client.SwitchAliasRouting(ctx, a.ID, plan.Routing.ValueBool(), client.SwitchAliasOptions{})
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to switch routing of alias "+name, err)
			return
		}
		a = &res.Alias
		if res.DemotedAliasID != nil {
			resp.Diagnostics.AddAttributeWarning(path.Root("routing"), "Alias took routing from another alias",
				fmt.Sprintf("Alias %s (%q) now routes its name and request_routing_key; alias %s, which routed them before, was demoted. %s",
					a.ID, name, *res.DemotedAliasID, flipFlop))
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(a, r.pd))...)
	}
	resp.Diagnostics.Append(recordRouting(ctx, resp.Private, plan, a)...)
}

// flipFlop explains what two resources that both claim routing do.
const flipFlop = "If that alias is managed by another unitysvc_alias resource that also sets routing = true, the two take routing from each other on every apply " +
	"(a flip-flop: each apply moves requests to one target, the next moves them back). Set routing = true on only one alias per name and request_routing_key; " +
	"leave routing unset on the others."

// heldRouting is the private-state key recording that this resource
// configured routing = true and held it when its last apply ended.
const heldRouting = "held_routing"

// recordRouting notes in private state whether this resource holds the
// routing it asks for, so the next Update can tell routing taken away
// since (another alias claiming it) from routing never held.
func recordRouting(ctx context.Context, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, plan aliasModel, a *client.ServiceAliasPublic) diag.Diagnostics {
	held := []byte("false")
	if !plan.Routing.IsUnknown() && plan.Routing.ValueBool() && a.IsRouting {
		held = []byte("true")
	}
	return private.SetKey(ctx, heldRouting, held)
}

func (r *aliasResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	var state aliasModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := r.pd.Client.GetAlias(ctx, state.ID.ValueString())
	if client.IsNotFound(err) || (err == nil && a.Deactivated()) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read alias "+state.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(a, r.pd))...)
}

// apiFields maps the alias bodies' fields to the attributes.
var apiFields = tfutil.APIFields{Names: map[string]string{"is_routing": "routing"}}

func (r *aliasResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, state aliasModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, id := plan.Name.ValueString(), state.ID.ValueString()
	rk := anyValues(tfutil.StringMap(ctx, plan.RequestRoutingKey, &resp.Diagnostics))
	override := anyValues(tfutil.StringMap(ctx, plan.RoutingKeyOverride, &resp.Diagnostics))
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.ServiceAliasUpdate{
		Description:        client.NullableFrom(tfutil.StringPtr(plan.Description)),
		RequestRoutingKey:  client.NullableFrom(mapPtr(rk)),
		TargetPath:         client.NullableOf(plan.TargetPath.ValueString()),
		RoutingKeyOverride: client.NullableFrom(mapPtr(override)),
	}
	a, err := r.pd.Client.UpdateAlias(ctx, id, body)
	if err != nil {
		tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, apiFields, "Unable to update alias "+name, err)
		return
	}
	if !plan.Routing.IsUnknown() && a.IsRouting != plan.Routing.ValueBool() {
		res, err := r.pd.Client.SwitchAliasRouting(ctx, id, plan.Routing.ValueBool(), client.SwitchAliasOptions{})
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to switch routing of alias "+name, err)
			return
		}
		a = &res.Alias
		held, d := req.Private.GetKey(ctx, heldRouting)
		resp.Diagnostics.Append(d...)
		if res.DemotedAliasID != nil && string(held) == "true" {
			// This resource held routing when its last apply ended, and
			// another alias took it since: the sibling was not this
			// resource's own prior state.
			resp.Diagnostics.AddAttributeWarning(path.Root("routing"), "Routing flip-flop between aliases",
				fmt.Sprintf("Alias %s (%q) routed its name and request_routing_key when the last apply ended, but alias %s took routing since, and this apply took it back. %s",
					id, name, *res.DemotedAliasID, flipFlop))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(a, r.pd))...)
	resp.Diagnostics.Append(recordRouting(ctx, resp.Private, plan, a)...)
}

func mapPtr(m map[string]any) *map[string]any {
	if m == nil {
		return nil
	}
	return &m
}

func (r *aliasResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state aliasModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.pd.Client.DeleteAlias(ctx, state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to delete alias "+state.Name.ValueString(), err)
	}
}

// ImportState accepts the alias's UUID, or its name when one live alias
// has it (aliases of one name with different routing keys are imported
// by UUID; the error lists them).
func (r *aliasResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := tfutil.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := tfutil.ResolveIDOrName(ctx, "alias", importID, r.pd.Client.FindAliasesByName, func(a *client.ServiceAliasPublic) (string, bool) { return a.ID, a.Shared() })
	if err != nil {
		resp.Diagnostics.AddError("Unable to import alias", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
