package recurrentrequest

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var listStatuses = []string{client.RecurrentStatusDraft, client.RecurrentStatusActive, client.RecurrentStatusPaused, client.RecurrentStatusCancelled}

// listing is the recurrent requests' listing: the
// unitysvc_recurrent_requests data source and the
// unitysvc_recurrent_request list resource. The filters are the API's
// own. Cancelled ones (final: nothing left to manage) are listed only
// when status = "cancelled".
var listing = &tfutil.Listing[client.RecurrentRequestPublic]{
	Noun: "recurrent_request", Plural: "recurrent_requests",
	Description: "Your recurrent requests, optionally filtered by service, enrollment and status (the API's filters). Cancelled ones are listed only when `status = \"cancelled\"`.",
	Filters: []tfutil.Filter{
		{Name: "service_id", UUID: true, Description: "Only requests to this service (UUID)."},
		{Name: "enrollment_id", UUID: true, Description: "Only requests through this enrollment (UUID)."},
		{Name: "status", OneOf: listStatuses, Description: "Only requests with this status: one of `" + strings.Join(listStatuses, "`, `") + "`."},
	},
	List: func(ctx context.Context, c *client.Client, f map[string]string) ([]client.RecurrentRequestPublic, error) {
		return c.ListRecurrentRequests(ctx, client.ListRecurrentRequestsOptions{ServiceID: f["service_id"], EnrollmentID: f["enrollment_id"], Status: f["status"]})
	},
	Keep: func(rr *client.RecurrentRequestPublic, f map[string]string) bool {
		return f["status"] != "" || rr.Status != client.RecurrentStatusCancelled
	},
	ItemAttributes: map[string]schema.Attribute{
		"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "The recurrent request's UUID."},
		"name":          schema.StringAttribute{Computed: true, MarkdownDescription: "Its name, if any."},
		"status":        schema.StringAttribute{Computed: true, MarkdownDescription: "`draft`, `active`, `paused` or `cancelled`."},
		"service_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The service it calls, if set."},
		"enrollment_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The enrollment it calls through, if set."},
		"request_path":  schema.StringAttribute{Computed: true, MarkdownDescription: "The gateway path it calls."},
		"import_id":     schema.StringAttribute{Computed: true, MarkdownDescription: "The ID `unitysvc_recurrent_request` imports it by (its UUID)."},
	},
	Item: func(rr *client.RecurrentRequestPublic, _ *tfutil.ProviderData) any {
		return recurrentItemModel{
			ID: types.StringValue(rr.ID), Name: tfutil.StringOrNull(rr.Name), Status: types.StringValue(rr.Status),
			ServiceID: tfutil.StringOrNull(rr.ServiceID), EnrollmentID: tfutil.StringOrNull(rr.EnrollmentID),
			RequestPath: types.StringValue(rr.RequestPath), ImportID: types.StringValue(rr.ID),
		}
	},
	Resource: func(_ context.Context, _ *client.Client, rr *client.RecurrentRequestPublic, _ *tfutil.ProviderData, _ bool) (any, error) {
		return modelFromAPI(rr, recurrentModel{}, nil), nil
	},
	Display: func(rr *client.RecurrentRequestPublic) string {
		if rr.Name != nil {
			return *rr.Name + " (" + rr.ID + ")"
		}
		return rr.ID
	},
}

type recurrentItemModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Status       types.String `tfsdk:"status"`
	ServiceID    types.String `tfsdk:"service_id"`
	EnrollmentID types.String `tfsdk:"enrollment_id"`
	RequestPath  types.String `tfsdk:"request_path"`
	ImportID     types.String `tfsdk:"import_id"`
}

// NewRecurrentRequestsDataSource returns the unitysvc_recurrent_requests
// data source.
func NewRecurrentRequestsDataSource() datasource.DataSource { return listing.DataSource()() }

// NewListResource returns the unitysvc_recurrent_request list resource.
func NewListResource() list.ListResource { return listing.ListResource()() }
