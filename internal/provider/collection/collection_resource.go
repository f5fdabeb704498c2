package collection

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                = &collectionResource{}
	_ resource.ResourceWithConfigure   = &collectionResource{}
	_ resource.ResourceWithImportState = &collectionResource{}
	_ resource.ResourceWithModifyPlan  = &collectionResource{}
)

// NewResource returns the unitysvc_collection resource.
func NewResource() resource.Resource { return &collectionResource{} }

type collectionResource struct{ pd *tfutil.ProviderData }

func (r *collectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_collection"
}

func (r *collectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A collection: your own group of services, reachable on the gateway at `/g/<name>`, where the request body's " +
			"`model` picks among the members' routing keys. Add services with `unitysvc_collection_member` (at most 20).\n\n" +
			"**Import:** by id (`terraform import unitysvc_collection.example <uuid>`) or by name " +
			"(`terraform import unitysvc_collection.example my-llms`; when a personal and a shared collection share the name, use `shared/<name>` for the shared one).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The collection's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name, a slug of at most 100 characters (`^[a-z0-9][a-z0-9_-]*$`), unique in its scope; the gateway path is `g/<name>`. The API cannot rename a collection: changing it replaces the collection (and its members).",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 100),
					stringvalidator.RegexMatches(tfutil.SlugRegexp, "must be a slug: lower-case letters, digits, '-' and '_', starting with a letter or digit (for example my-llms)"),
				},
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Human-readable name. Updated in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free-text description. Updated in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the collection accepts requests (default `true`). Updated in place.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "`true` creates the collection in your team's shared scope, visible to every member of your organisation; `false` (default) in your personal scope. A personal and a shared collection may share a name. Changing it replaces the collection.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"group_type": schema.StringAttribute{
				MarkdownDescription: "How the gateway routes the collection, derived by the API from its members: `open` (a request without a model fans across members), `keyed` (a model is required) or `collection` (not routable).",
				Computed:            true,
			},
			"gateway_path": schema.StringAttribute{
				MarkdownDescription: "The gateway-relative path of the collection, `g/<name>` (usable as a chain step's or alias's target).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"gateway_url": schema.StringAttribute{
				MarkdownDescription: "The full gateway URL of the collection, when the provider knows the gateway URL (`gateway_url` or `UNITYSVC_API_BASE_URL`); null otherwise.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *collectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// ModifyPlan makes gateway_path and gateway_url known at plan time (they
// follow from the name), so chain steps, aliases and broadcast targets
// that point at a new collection are not shown as unknown.
func (r *collectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	tfutil.PlanGatewayPath(ctx, r.pd, gatewayPath, req, resp)
}

func (r *collectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan collectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, shared := plan.Name.ValueString(), plan.Shared.ValueBool()
	body := client.ServiceCollectionCreate{Name: name, DisplayName: tfutil.StringPtr(plan.DisplayName), Description: tfutil.StringPtr(plan.Description)}
	created := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to create collection "+name, tfutil.Creation[client.CustomerGroupDetail]{
		Resource: "unitysvc_collection",
		Claims:   r.pd.Claims(),
		What:     tfutil.Named("collection", name, shared),
		Create: func(ctx context.Context) (*client.CustomerGroupDetail, error) {
			v, err := r.pd.Client.CreateCollection(ctx, body, shared)
			if err != nil {
				return nil, err
			}
			return &client.CustomerGroupDetail{ID: v.ID, Name: v.Name}, nil
		},
		Find: func(ctx context.Context) ([]client.CustomerGroupDetail, error) {
			return findCollections(ctx, r.pd.Client, name, shared)
		},
		Differences: func(g *client.CustomerGroupDetail) []string {
			var m tfutil.Mismatches
			m.Check("display_name", tfutil.SameJSON(body.DisplayName, g.DisplayName))
			m.Check("description", tfutil.SameJSON(body.Description, g.Description))
			m.Check("members (a new collection has none)", g.MemberCount == 0)
			return m
		},
		ID:       func(g *client.CustomerGroupDetail) string { return g.ID },
		ImportID: func(g *client.CustomerGroupDetail) string { return importName(g.Name, shared) },
		// The API reports no creation time for collections: what existed
		// before the create is listed first instead.
		ListFirst: true,
		Schema:    req.Plan.Schema,
	})
	if created == nil {
		return
	}
	// The create body has no enabled flag: apply it afterwards.
	if !plan.Enabled.ValueBool() {
		if _, err := r.pd.Client.UpdateCollection(ctx, created.ID, client.ServiceCollectionUpdate{Enabled: client.NullableOf(false)}); err != nil {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), created.ID)...)
			tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, tfutil.APIFields{}, "Unable to disable new collection "+name, err)
			return
		}
	}
	g, err := r.pd.Client.GetCollection(ctx, created.ID)
	if err != nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), created.ID)...)
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read new collection "+name, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, collectionModelFromAPI(g, plan, r.pd))...)
}

func (r *collectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	var state collectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := r.pd.Client.GetCollection(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read collection "+state.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, collectionModelFromAPI(g, state, r.pd))...)
}

func (r *collectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, state collectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// A null display name or description (removed from the configuration)
	// clears it.
	if _, err := r.pd.Client.UpdateCollection(ctx, id, client.ServiceCollectionUpdate{
		DisplayName: client.NullableFrom(tfutil.StringPtr(plan.DisplayName)),
		Description: client.NullableFrom(tfutil.StringPtr(plan.Description)),
		Enabled:     client.NullableOf(plan.Enabled.ValueBool()),
	}); err != nil {
		tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, tfutil.APIFields{}, "Unable to update collection "+plan.Name.ValueString(), err)
		return
	}
	g, err := r.pd.Client.GetCollection(ctx, id)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read collection "+plan.Name.ValueString()+" after updating it", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, collectionModelFromAPI(g, plan, r.pd))...)
}

func (r *collectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state collectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.pd.Client.DeleteCollection(ctx, state.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to delete collection "+state.Name.ValueString(), err)
	}
}

// ImportState accepts the collection's UUID, its name, or shared/<name>.
func (r *collectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := tfutil.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := resolveCollection(ctx, r.pd.Client, importID)
	if err != nil {
		resp.Diagnostics.AddError("Unable to import collection", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// findCollections reads the caller's collections named exactly name in
// the given scope (one list call, then one read of each, at most two).
func findCollections(ctx context.Context, c *client.Client, name string, shared bool) ([]client.CustomerGroupDetail, error) {
	all, err := c.ListCollections(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []client.CustomerGroupDetail
	for _, g := range all {
		if s, known := client.CollectionShared(g.Details); g.Name != name || g.OwnerType == "platform" || (known && s != shared) {
			continue
		}
		d, err := c.GetCollection(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, nil
}

func importName(name string, shared bool) string {
	if shared {
		return "shared/" + name
	}
	return name
}

// resolveCollection turns a collection reference (UUID, name, or
// shared/<name>) into the collection's id, with one list call for names.
func resolveCollection(ctx context.Context, c *client.Client, ref string) (string, error) {
	if tfutil.UUIDRegexp.MatchString(ref) {
		return ref, nil
	}
	name, wantShared, scoped := ref, false, false
	if parts, err := tfutil.ParseImportID(ref, "shared/<name>"); err == nil && parts[0] == "shared" {
		name, wantShared, scoped = parts[1], true, true
	}
	if !tfutil.SlugRegexp.MatchString(name) {
		return "", fmt.Errorf("unexpected collection reference %q: expected the collection's UUID, its name (a slug such as my-llms), or shared/<name>", ref)
	}
	all, err := c.ListCollections(ctx, name)
	if err != nil {
		return "", fmt.Errorf("listing collections to find %q: %s", name, tfutil.APIErrorDetail(err))
	}
	var matches []client.CustomerGroupView
	for _, g := range all {
		if g.Name != name || g.OwnerType == "platform" {
			continue
		}
		if shared, known := client.CollectionShared(g.Details); scoped && known && shared != wantShared {
			continue
		}
		matches = append(matches, g)
	}
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("no collection named %q among your collections", ref)
	case 1:
		return matches[0].ID, nil
	}
	// A personal and a shared collection share the name: prefer the
	// personal one unless shared/ was given.
	for _, g := range matches {
		if shared, known := client.CollectionShared(g.Details); known && !shared {
			return g.ID, nil
		}
	}
	return "", fmt.Errorf("several collections are named %q; import by UUID instead", name)
}
