package enrollment

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var statuses = []string{client.EnrollmentPending, client.EnrollmentIncomplete, client.EnrollmentActive, client.EnrollmentPaused, client.EnrollmentCancelled}

// listing is the enrollments' listing: the unitysvc_enrollments data
// source and the unitysvc_enrollment list resource.
var listing = &tfutil.Listing[client.CustomerEnrollment]{
	Noun: "enrollment", Plural: "enrollments",
	Description: "Your enrollments (personal and your team's shared ones), oldest first (personal ones, then shared ones), optionally filtered by service, status and scope. " +
		"Cancelled enrollments are listed only when `status = \"cancelled\"`: there is nothing left of them to manage.",
	Filters: []tfutil.Filter{
		{Name: "service_id", UUID: true, Description: "Only enrollments in this service (UUID)."},
		{Name: "status", OneOf: statuses, Description: "Only enrollments with this status: one of `" + strings.Join(statuses, "`, `") + "`."},
		tfutil.ScopeFilter,
	},
	List: func(ctx context.Context, c *client.Client, f map[string]string) ([]client.CustomerEnrollment, error) {
		switch f["scope"] {
		case tfutil.ScopePersonal, tfutil.ScopeShared:
			return c.ListEnrollmentsIn(ctx, f["scope"] == tfutil.ScopeShared)
		}
		return c.ListEnrollments(ctx)
	},
	Keep: func(e *client.CustomerEnrollment, f map[string]string) bool {
		status, wanted := f["status"]
		switch {
		case f["service_id"] != "" && !strings.EqualFold(e.ServiceID, f["service_id"]):
		case wanted && e.Status != status:
		case !wanted && e.Status == client.EnrollmentCancelled:
		default:
			return true
		}
		return false
	},
	ItemAttributes: map[string]schema.Attribute{
		"id":             schema.StringAttribute{Computed: true, MarkdownDescription: "The enrollment's UUID."},
		"service_id":     schema.StringAttribute{Computed: true, MarkdownDescription: "The service's UUID."},
		"service_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "The service's name, when the API includes service details."},
		"status":         schema.StringAttribute{Computed: true, MarkdownDescription: "`pending`, `incomplete`, `active`, `paused` or `cancelled`."},
		"shared":         schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is your team's (shared) enrollment."},
		"code":           schema.StringAttribute{Computed: true, MarkdownDescription: "The 4-character enrollment code."},
		"proxy_endpoint": schema.StringAttribute{Computed: true, MarkdownDescription: "The gateway URL that reaches the enrollment."},
		"parameters": schema.MapAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The parameters as the API returns them: secret-looking ones read `***masked***`."},
		"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the enrollment was created (RFC 3339)."},
		"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When it last changed, if ever."},
		"import_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "The ID `unitysvc_enrollment` imports it by (its UUID)."},
	},
	Item: func(e *client.CustomerEnrollment, _ *tfutil.ProviderData) any { return enrollmentItemModelFromAPI(*e) },
	Resource: func(_ context.Context, _ *client.Client, e *client.CustomerEnrollment, _ *tfutil.ProviderData, _ bool) (any, error) {
		return modelFromAPI(e, enrollmentModel{Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType})}}, nil), nil
	},
	Display: func(e *client.CustomerEnrollment) string {
		if name, ok := e.Service["name"].(string); ok {
			return name + " (" + e.ID + ")"
		}
		return e.ID
	},
}

// NewEnrollmentsDataSource returns the unitysvc_enrollments data source.
func NewEnrollmentsDataSource() datasource.DataSource { return listing.DataSource()() }

// NewListResource returns the unitysvc_enrollment list resource.
func NewListResource() list.ListResource { return listing.ListResource()() }
