package broadcast

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
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
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                = &broadcastResource{}
	_ resource.ResourceWithConfigure   = &broadcastResource{}
	_ resource.ResourceWithImportState = &broadcastResource{}
	_ resource.ResourceWithModifyPlan  = &broadcastResource{}
)

// NewResource returns the unitysvc_broadcast resource.
func NewResource() resource.Resource { return &broadcastResource{} }

type broadcastResource struct {
	pd *tfutil.ProviderData
}

func (r *broadcastResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_broadcast"
}

func (r *broadcastResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A UnitySVC broadcast: the gateway sends each request made to `/b/<name>` to every target in parallel " +
			"and, in `sync` mode, answers with one envelope holding every target's result, in target order.\n\n" +
			"Targets are replaced as a whole, atomically, whenever any of them changes; their `sort_order` is their position in the list.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The broadcast's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name, 1 to 64 characters, unique within its scope (personal or shared); the broadcast is dispatched at `/b/<name>`. Changing it replaces the broadcast.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, nameMax)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free-text description, 1 to 500 characters.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, descriptionMax)},
			},
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
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the broadcast serves requests. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "`true` creates the broadcast in the team (shared) scope, visible to every member of your organisation; `false` (default) in your personal scope. A personal and a shared broadcast may have the same name. Changing it replaces the broadcast.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
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
							Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, nameMax)},
						},
						"target_path": schema.StringAttribute{
							MarkdownDescription: "Gateway-relative path the request is sent to, 1 to 500 characters, for example `g/llm`, `a/my-alias`, `e/CEFF` or a chain's `gateway_path`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, targetPathMax)},
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
			"gateway_path": schema.StringAttribute{
				MarkdownDescription: "Gateway-relative path of the broadcast, `b/<name>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"gateway_url": schema.StringAttribute{
				MarkdownDescription: "Full gateway URL of the broadcast (the provider's `gateway_url` followed by `/b/<name>`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *broadcastResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// ModifyPlan makes gateway_path and gateway_url known at plan time (they
// follow from the name).
func (r *broadcastResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	tfutil.PlanGatewayPath(ctx, r.pd, gatewayPath, req, resp)
}

func (r *broadcastResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan broadcastModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.BroadcastCreate{
		Name:            plan.Name.ValueString(),
		Description:     tfutil.StringPtr(plan.Description),
		Mode:            plan.Mode.ValueString(),
		TargetTimeoutMS: plan.TargetTimeoutMS.ValueInt64Pointer(),
		Enabled:         plan.Enabled.ValueBoolPointer(),
		Targets:         targetsToAPI(ctx, plan.Targets, &resp.Diagnostics),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	shared := plan.Shared.ValueBool()
	b := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to create broadcast "+body.Name, tfutil.Creation[client.BroadcastPublic]{
		Resource: "unitysvc_broadcast",
		What:     tfutil.Named("broadcast", body.Name, shared),
		Create: func(ctx context.Context) (*client.BroadcastPublic, error) {
			return r.pd.Client.CreateBroadcast(ctx, shared, body)
		},
		Find: func(ctx context.Context) ([]client.BroadcastPublic, error) {
			found, err := r.pd.Client.FindBroadcastsByName(ctx, body.Name)
			return slices.DeleteFunc(found, func(b client.BroadcastPublic) bool { return b.Shared() != shared }), err
		},
		Differences: func(b *client.BroadcastPublic) []string { return differences(body, b) },
		ID:          func(b *client.BroadcastPublic) string { return b.ID },
		ImportID:    func(b *client.BroadcastPublic) string { return b.ID },
		CreatedAt:   func(b *client.BroadcastPublic) string { return b.CreatedAt },
	})
	if b == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(b, r.pd))...)
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

func (r *broadcastResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state broadcastModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b, err := r.pd.Client.GetBroadcast(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read broadcast "+state.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(b, r.pd))...)
}

func (r *broadcastResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state broadcastModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, name := state.ID.ValueString(), plan.Name.ValueString()
	var latest *client.BroadcastPublic
	if !plan.Description.Equal(state.Description) || !plan.Mode.Equal(state.Mode) ||
		!plan.TargetTimeoutMS.Equal(state.TargetTimeoutMS) || !plan.Enabled.Equal(state.Enabled) {
		body := client.BroadcastUpdate{
			TargetTimeoutMS: plan.TargetTimeoutMS.ValueInt64Pointer(),
			Enabled:         plan.Enabled.ValueBoolPointer(),
		}
		if !plan.Description.Equal(state.Description) {
			// An empty description clears it (the provider never sets "" itself).
			desc := plan.Description.ValueString()
			body.Description = &desc
		}
		if !plan.Mode.Equal(state.Mode) {
			body.Mode = plan.Mode.ValueStringPointer()
		}
		b, err := r.pd.Client.UpdateBroadcast(ctx, id, body)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to update broadcast "+name, err)
			return
		}
		latest = b
	}
	if !plan.Targets.Equal(state.Targets) {
		targets := targetsToAPI(ctx, plan.Targets, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		b, err := r.pd.Client.ReplaceBroadcastTargets(ctx, id, targets)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to replace the targets of broadcast "+name, err)
			if latest != nil {
				m := modelFromAPI(latest, r.pd)
				m.Targets = state.Targets
				resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
			}
			return
		}
		latest = b
	}
	if latest == nil {
		b, err := r.pd.Client.GetBroadcast(ctx, id)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to read broadcast "+name, err)
			return
		}
		latest = b
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(latest, r.pd))...)
}

func (r *broadcastResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state broadcastModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.pd.Client.DeleteBroadcast(ctx, state.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to delete broadcast "+state.Name.ValueString(), err)
	}
}

// ImportState accepts the broadcast's UUID or its name. A name held by
// both a personal and a shared broadcast is ambiguous: import by UUID.
func (r *broadcastResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := resolveImportID(ctx, r.pd, req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import broadcast", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// resolveImportID turns an import ID (UUID or name) into a broadcast UUID.
func resolveImportID(ctx context.Context, pd *tfutil.ProviderData, importID string) (string, error) {
	if pd == nil {
		return "", fmt.Errorf("the provider is not configured")
	}
	return tfutil.ResolveIDOrName(ctx, "broadcast", importID, pd.Client.FindBroadcastsByName, func(o *client.BroadcastPublic) (string, bool) { return o.ID, o.Shared() })
}
