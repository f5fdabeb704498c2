package chain

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                = &chainResource{}
	_ resource.ResourceWithConfigure   = &chainResource{}
	_ resource.ResourceWithImportState = &chainResource{}
	_ resource.ResourceWithModifyPlan  = &chainResource{}
)

// NewResource returns the unitysvc_chain resource.
func NewResource() resource.Resource { return &chainResource{} }

type chainResource struct {
	pd *tfutil.ProviderData
}

func (r *chainResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_chain"
}

func (r *chainResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A UnitySVC chain: an ordered list of steps the gateway runs one after another for each request " +
			"sent to `/c/<name>`. Each step targets a gateway-relative path (a group `g/llm`, an alias `a/my-alias`, an " +
			"enrollment `e/CEFF`, a service path, ...); `on_success` and `on_failure` decide whether the chain stops there " +
			"or moves on, which covers failover (continue on failure) and ordered workflows (relay on success).\n\n" +
			"Steps are replaced as a whole, atomically, whenever any of them changes; their `sort_order` is their position in the list.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The chain's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name, 1 to 64 characters, unique within its scope (personal or shared); the chain is dispatched at `/c/<name>`. Changing it replaces the chain.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, nameMax)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free-text description, 1 to 500 characters.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, descriptionMax)},
			},
			"default_timeout_ms": schema.Int64Attribute{
				MarkdownDescription: "Timeout of a step that sets no `timeout_ms`, in milliseconds (at least 1). Defaults to `10000`.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(defaultTimeoutMS),
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the chain serves requests; a disabled chain answers 404 at the gateway. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "`true` creates the chain in the team (shared) scope, visible to every member of your organisation; `false` (default) in your personal scope. A personal and a shared chain may have the same name. Changing it replaces the chain.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
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
							Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, nameMax)},
						},
						"target_path": schema.StringAttribute{
							MarkdownDescription: "Gateway-relative path the step sends the request to, 1 to 500 characters, for example `g/llm`, `a/my-alias`, `e/CEFF` or another chain's `gateway_path`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, targetPathMax)},
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
			"gateway_path": schema.StringAttribute{
				MarkdownDescription: "Gateway-relative path of the chain, `c/<name>`: usable as another chain step's or broadcast target's `target_path`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"gateway_url": schema.StringAttribute{
				MarkdownDescription: "Full gateway URL of the chain (the provider's `gateway_url` followed by `/c/<name>`); send requests here, followed by the upstream sub-path such as `/v1/chat/completions`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *chainResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// ModifyPlan makes gateway_path and gateway_url known at plan time (they
// follow from the name), so other steps and targets can reference a new
// chain's path in the same apply.
func (r *chainResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	tfutil.PlanGatewayPath(ctx, r.pd, gatewayPath, req, resp)
}

func (r *chainResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan chainModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.ChainCreate{
		Name:             plan.Name.ValueString(),
		Description:      tfutil.StringPtr(plan.Description),
		DefaultTimeoutMS: plan.DefaultTimeoutMS.ValueInt64Pointer(),
		Enabled:          plan.Enabled.ValueBoolPointer(),
		Steps:            stepsToAPI(ctx, plan.Steps, &resp.Diagnostics),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	shared := plan.Shared.ValueBool()
	c := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to create chain "+body.Name, tfutil.Creation[client.ChainPublic]{
		Resource: "unitysvc_chain",
		What:     tfutil.Named("chain", body.Name, shared),
		Create: func(ctx context.Context) (*client.ChainPublic, error) {
			return r.pd.Client.CreateChain(ctx, shared, body)
		},
		Find: func(ctx context.Context) ([]client.ChainPublic, error) {
			found, err := r.pd.Client.FindChainsByName(ctx, body.Name)
			return slices.DeleteFunc(found, func(c client.ChainPublic) bool { return c.Shared() != shared }), err
		},
		Differences: func(c *client.ChainPublic) []string { return differences(body, c) },
		ID:          func(c *client.ChainPublic) string { return c.ID },
		ImportID:    func(c *client.ChainPublic) string { return c.ID },
		CreatedAt:   func(c *client.ChainPublic) string { return c.CreatedAt },
	})
	if c == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(c, r.pd))...)
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

func (r *chainResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state chainModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := r.pd.Client.GetChain(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read chain "+state.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(c, r.pd))...)
}

func (r *chainResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state chainModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, name := state.ID.ValueString(), plan.Name.ValueString()
	var latest *client.ChainPublic
	if !plan.Description.Equal(state.Description) || !plan.DefaultTimeoutMS.Equal(state.DefaultTimeoutMS) || !plan.Enabled.Equal(state.Enabled) {
		body := client.ChainUpdate{
			DefaultTimeoutMS: plan.DefaultTimeoutMS.ValueInt64Pointer(),
			Enabled:          plan.Enabled.ValueBoolPointer(),
		}
		if !plan.Description.Equal(state.Description) {
			// An empty description clears it (the provider never sets "" itself).
			desc := plan.Description.ValueString()
			body.Description = &desc
		}
		c, err := r.pd.Client.UpdateChain(ctx, id, body)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to update chain "+name, err)
			return
		}
		latest = c
	}
	if !plan.Steps.Equal(state.Steps) {
		steps := stepsToAPI(ctx, plan.Steps, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		c, err := r.pd.Client.ReplaceChainSteps(ctx, id, steps)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to replace the steps of chain "+name, err)
			if latest != nil {
				// Keep what did change: the settings, with the old steps.
				m := modelFromAPI(latest, r.pd)
				m.Steps = state.Steps
				resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
			}
			return
		}
		latest = c
	}
	if latest == nil {
		c, err := r.pd.Client.GetChain(ctx, id)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to read chain "+name, err)
			return
		}
		latest = c
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(latest, r.pd))...)
}

func (r *chainResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state chainModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.pd.Client.DeleteChain(ctx, state.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to delete chain "+state.Name.ValueString(), err)
	}
}

// ImportState accepts the chain's UUID or its name. A name held by both a
// personal and a shared chain is ambiguous: import those by UUID.
func (r *chainResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := resolveImportID(ctx, r.pd, req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import chain", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// resolveImportID turns an import ID (UUID or name) into a chain UUID.
func resolveImportID(ctx context.Context, pd *tfutil.ProviderData, importID string) (string, error) {
	if pd == nil {
		return "", fmt.Errorf("the provider is not configured")
	}
	return tfutil.ResolveIDOrName(ctx, "chain", importID, pd.Client.FindChainsByName, func(o *client.ChainPublic) (string, bool) { return o.ID, o.Shared() })
}
