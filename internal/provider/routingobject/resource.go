package routingobject

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// Resource is the resource of one kind of routing object.
type Resource[M, O, C, U, K any] struct {
	kind *Kind[M, O, C, U, K]
	pd   *tfutil.ProviderData
}

var (
	_ resource.Resource                = &Resource[any, any, any, any, any]{}
	_ resource.ResourceWithConfigure   = &Resource[any, any, any, any, any]{}
	_ resource.ResourceWithImportState = &Resource[any, any, any, any, any]{}
	_ resource.ResourceWithModifyPlan  = &Resource[any, any, any, any, any]{}
	_ resource.ResourceWithIdentity    = &Resource[any, any, any, any, any]{}
)

// IdentitySchema: a routing object is identified by its UUID.
func (r *Resource[M, O, C, U, K]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tfutil.IDIdentitySchema(r.kind.Noun)
}

// NewResource returns the constructor of kind's resource.
func NewResource[M, O, C, U, K any](kind *Kind[M, O, C, U, K]) func() resource.Resource {
	return func() resource.Resource { return &Resource[M, O, C, U, K]{kind: kind} }
}

// Metadata names the resource unitysvc_<noun>.
func (r *Resource[M, O, C, U, K]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.Noun
}

// Schema is the area's resource schema.
func (r *Resource[M, O, C, U, K]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.kind.resourceSchema()
}

// Configure keeps the provider's client.
func (r *Resource[M, O, C, U, K]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// ModifyPlan makes gateway_path and gateway_url known at plan time (they
// follow from the name), so other chain steps and broadcast targets can
// reference a new object's path in the same apply.
func (r *Resource[M, O, C, U, K]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	tfutil.PlanGatewayPath(ctx, r.pd, r.kind.GatewayPath, req, resp)
}

// Create sends the object with its children in one request; a lost
// answer is recovered by name and scope (see tfutil.RunCreate).
func (r *Resource[M, O, C, U, K]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	k := r.kind
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := k.CreateBody(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	base := k.Base(&plan)
	name, shared := base.Name.ValueString(), base.Shared.ValueBool()
	o := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to create "+k.Noun+" "+name, tfutil.Creation[O]{
		Resource: k.resourceType(),
		Claims:   r.pd.Claims(),
		What:     tfutil.Named(k.Noun, name, shared),
		Create: func(ctx context.Context) (*O, error) {
			return k.Create(r.pd.Client, ctx, shared, body)
		},
		Find: func(ctx context.Context) ([]O, error) {
			return k.findInScope(ctx, r.pd.Client, name, shared)
		},
		Differences: func(o *O) []string { return k.Differences(body, o) },
		ID:          func(o *O) string { return k.Object(o).ID },
		ImportID:    func(o *O) string { return k.Object(o).ID },
		CreatedAt:   func(o *O) string { return k.Object(o).CreatedAt },
		Schema:      req.Plan.Schema,
	})
	if o == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, k.Model(o, r.pd))...)
}

// Read refreshes the state; an object that no longer exists leaves it.
func (r *Resource[M, O, C, U, K]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	k := r.kind
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	base := k.Base(&state)
	o, err := k.Get(r.pd.Client, ctx, base.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read "+k.Noun+" "+base.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, k.Model(o, r.pd))...)
}

// Update PATCHes the settings that changed, then replaces the children
// atomically when they changed; when neither did (a change only the
// state saw), it reads the object. A failed replacement keeps the new
// settings with the old children in the state.
func (r *Resource[M, O, C, U, K]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	k := r.kind
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, name := k.Base(&state).ID.ValueString(), k.Base(&plan).Name.ValueString()
	var latest *O
	if body, changed := k.UpdateBody(plan, state); changed {
		o, err := k.Update(r.pd.Client, ctx, id, body)
		if err != nil {
			tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, tfutil.APIFields{}, "Unable to update "+k.Noun+" "+name, err)
			return
		}
		latest = o
	}
	if planned, current := *k.ChildList(&plan), *k.ChildList(&state); !planned.Equal(current) {
		children := k.ChildrenBody(ctx, planned, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		o, err := k.Replace(r.pd.Client, ctx, id, children)
		if err != nil {
			tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, tfutil.APIFields{List: k.Children},
				"Unable to replace the "+k.Children+" of "+k.Noun+" "+name, err)
			if latest != nil {
				// Keep what did change: the settings, with the old children.
				m := k.Model(latest, r.pd)
				*k.ChildList(&m) = current
				resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
			}
			return
		}
		latest = o
	}
	if latest == nil {
		o, err := k.Get(r.pd.Client, ctx, id)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to read "+k.Noun+" "+name, err)
			return
		}
		latest = o
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, k.Model(latest, r.pd))...)
}

// Delete deletes the object with its children; one already gone is fine.
func (r *Resource[M, O, C, U, K]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	k := r.kind
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	base := k.Base(&state)
	if err := k.Delete(r.pd.Client, ctx, base.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to delete "+k.Noun+" "+base.Name.ValueString(), err)
	}
}

// ImportState accepts the object's UUID or its name. A name held by both
// a personal and a shared object is ambiguous: import those by UUID.
func (r *Resource[M, O, C, U, K]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := tfutil.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := r.kind.resolveImportID(ctx, r.pd, importID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import "+r.kind.Noun, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
