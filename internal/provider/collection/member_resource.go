package collection

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                = &memberResource{}
	_ resource.ResourceWithConfigure   = &memberResource{}
	_ resource.ResourceWithImportState = &memberResource{}
)

// NewMemberResource returns the unitysvc_collection_member resource.
func NewMemberResource() resource.Resource { return &memberResource{} }

type memberResource struct{ pd *tfutil.ProviderData }

func (r *memberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_collection_member"
}

func (r *memberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A service in a `unitysvc_collection`. A collection holds at most 20 members, and a member must be a service " +
			"you can dispatch: one that needs no enrollment, or one you have an **active** `unitysvc_enrollment` in " +
			"(reference the enrollment, for example `service_id = unitysvc_enrollment.byok.service_id`, so it is created first).\n\n" +
			"The API cannot change a member in place: changing any argument removes the member and adds it again.\n\n" +
			"**Import:** `terraform import unitysvc_collection_member.example <collection_id>/<service_id>` or `<collection_name>/<service_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<collection_id>/<service_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"collection_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the collection (`unitysvc_collection.<name>.id`). Changing it replaces the member.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a collection UUID, for example unitysvc_collection.my_llms.id")},
			},
			"service_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the service to add. Changing it replaces the member.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a service UUID, for example data.unitysvc_service.gpt.id")},
			},
			"routing_key": schema.MapAttribute{
				MarkdownDescription: "Routing-key override, for example `{ model = \"fast-gpt\" }`: a request to the collection whose `model` is `fast-gpt` reaches this member. Unset, the service's own routing key applies. Changing it replaces the member.",
				ElementType:         types.StringType,
				Optional:            true,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"sort_order": schema.Int64Attribute{
				MarkdownDescription: "Position among the collection's members (ascending; default `0`). Changing it replaces the member.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(0),
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"member_id": schema.StringAttribute{
				MarkdownDescription: "The API's UUID of this membership.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *memberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// addMemberError explains the API's member rules in the diagnostic (a
// 409, the service being a member already, is RunCreate's). It decides by
// status and by the 422 entry's location and type, never by its text:
// both a full collection and a service that needs an enrollment are a
// value_error at body.service_id, so a full collection is told apart by
// its member count.
func (r *memberResource) addMemberError(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, collectionID, serviceID string, err error) {
	summary := "Unable to add service " + serviceID + " to collection " + collectionID
	detail := tfutil.APIErrorDetail(err)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.NoSuchRoute {
		tfutil.AddAPIError(&resp.Diagnostics, summary, err)
		return
	}
	_, serviceRefused := apiErr.Issue("value_error", "service_id")
	switch {
	case serviceRefused && r.full(ctx, collectionID):
		resp.Diagnostics.AddAttributeError(path.Root("collection_id"), summary, detail+
			fmt.Sprintf("\n\nA collection holds up to %d members. Remove a unitysvc_collection_member from this collection, or put the service in another collection.", client.CollectionMemberLimit))
	case serviceRefused:
		resp.Diagnostics.AddAttributeError(path.Root("service_id"), summary, detail+
			"\n\nAdd a unitysvc_enrollment for this service and make the member depend on it (for example service_id = unitysvc_enrollment.<name>.service_id), so the member is added once the enrollment is active.")
	case apiErr.StatusCode == http.StatusForbidden:
		resp.Diagnostics.AddAttributeError(path.Root("collection_id"), summary, detail+
			"\n\ncollection_id names a platform group, which cannot be changed. Create a unitysvc_collection and use its id.")
	case apiErr.StatusCode == http.StatusNotFound:
		resp.Diagnostics.AddError(summary, detail+"\n\nCheck that collection_id is one of your collections and service_id a catalog service.")
	default:
		tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, tfutil.APIFields{}, summary, err)
	}
}

// full reports whether a collection holds as many members as it can (false
// when they cannot be listed).
func (r *memberResource) full(ctx context.Context, collectionID string) bool {
	members, err := r.pd.Client.ListCollectionMembers(ctx, collectionID)
	return err == nil && len(members) >= client.CollectionMemberLimit
}

func (r *memberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan memberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.ServiceCollectionMemberCreate{ServiceID: plan.ServiceID.ValueString(), SortOrder: plan.SortOrder.ValueInt64()}
	if rk := tfutil.StringMap(ctx, plan.RoutingKey, &resp.Diagnostics); len(rk) > 0 {
		body.RoutingKey = map[string]any{}
		for k, v := range rk {
			body.RoutingKey[k] = v
		}
	}
	collectionID := plan.CollectionID.ValueString()
	m := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to add service "+body.ServiceID+" to collection "+collectionID, tfutil.Creation[client.ServiceCollectionMemberPublic]{
		Resource: "unitysvc_collection_member",
		Claims:   r.pd.Claims(),
		What:     fmt.Sprintf("member %s of collection %s", body.ServiceID, collectionID),
		Create: func(ctx context.Context) (*client.ServiceCollectionMemberPublic, error) {
			return r.pd.Client.AddCollectionMember(ctx, collectionID, body)
		},
		Find: func(ctx context.Context) ([]client.ServiceCollectionMemberPublic, error) {
			m, err := r.find(ctx, collectionID, body.ServiceID)
			if m == nil {
				return nil, err
			}
			return []client.ServiceCollectionMemberPublic{*m}, nil
		},
		Differences: func(m *client.ServiceCollectionMemberPublic) []string {
			var d tfutil.Mismatches
			d.Check("routing_key", tfutil.SameJSON(body.RoutingKey, m.RoutingKey))
			d.Check("sort_order", body.SortOrder == m.SortOrder)
			return d
		},
		ID:       func(m *client.ServiceCollectionMemberPublic) string { return m.ID },
		ImportID: func(m *client.ServiceCollectionMemberPublic) string { return collectionID + "/" + m.ServiceID },
		Fail:     func(err error) { r.addMemberError(ctx, req, resp, collectionID, body.ServiceID, err) },
	})
	if m == nil {
		return
	}
	out := memberModelFromAPI(collectionID, m)
	if !plan.RoutingKey.IsNull() && len(plan.RoutingKey.Elements()) == 0 {
		out.RoutingKey = plan.RoutingKey
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}

// find reads the member with one list call; nil when it is gone.
func (r *memberResource) find(ctx context.Context, collectionID, serviceID string) (*client.ServiceCollectionMemberPublic, error) {
	members, err := r.pd.Client.ListCollectionMembers(ctx, collectionID)
	if err != nil {
		return nil, err
	}
	for i := range members {
		if strings.EqualFold(members[i].ServiceID, serviceID) {
			return &members[i], nil
		}
	}
	return nil, nil
}

func (r *memberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	var state memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	collectionID := state.CollectionID.ValueString()
	m, err := r.find(ctx, collectionID, state.ServiceID.ValueString())
	if client.IsNotFound(err) || (err == nil && m == nil) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read the members of collection "+collectionID, err)
		return
	}
	out := memberModelFromAPI(collectionID, m)
	if !state.RoutingKey.IsNull() && len(state.RoutingKey.Elements()) == 0 && out.RoutingKey.IsNull() {
		out.RoutingKey = state.RoutingKey // keep an explicitly empty map
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}

// Update is never called with a change the API could make: every
// argument requires replacement.
func (r *memberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan memberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *memberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state memberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.pd.Client.RemoveCollectionMember(ctx, state.CollectionID.ValueString(), state.ServiceID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to remove service "+state.ServiceID.ValueString()+" from collection "+state.CollectionID.ValueString(), err)
	}
}

// ImportState accepts <collection_id>/<service_id> or
// <collection_name>/<service_id>.
func (r *memberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := req.ID
	if importID == "" {
		collectionID := tfutil.IdentityString(ctx, req, "collection_id", &resp.Diagnostics)
		serviceID := tfutil.IdentityString(ctx, req, "service_id", &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		importID = collectionID + "/" + serviceID
	}
	parts, err := tfutil.ParseImportID(importID, "<collection_id or collection_name>/<service_id>")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error()+" (for example my-llms/d175bccd-8530-54b0-bd66-a4f8e6510e25)")
		return
	}
	if !tfutil.UUIDRegexp.MatchString(parts[1]) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Unexpected import ID %q: the part after '/' must be the service's UUID.", importID))
		return
	}
	collectionID, err := resolveCollection(ctx, r.pd.Client, parts[0])
	if err != nil {
		resp.Diagnostics.AddError("Unable to import collection member", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), collectionID+"/"+parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("collection_id"), collectionID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("service_id"), parts[1])...)
}
