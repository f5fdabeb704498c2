package enrollment

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &enrollmentsDataSource{}
	_ datasource.DataSourceWithConfigure = &enrollmentsDataSource{}
)

var statuses = []string{client.EnrollmentPending, client.EnrollmentIncomplete, client.EnrollmentActive, client.EnrollmentPaused, client.EnrollmentCancelled}

// NewEnrollmentsDataSource returns the unitysvc_enrollments data source.
func NewEnrollmentsDataSource() datasource.DataSource { return &enrollmentsDataSource{} }

type enrollmentsDataSource struct{ pd *tfutil.ProviderData }

func (d *enrollmentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollments"
}

func (d *enrollmentsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Your enrollments (personal and your team's shared ones), every page of them, optionally filtered by service and status.",
		Attributes: map[string]schema.Attribute{
			"service_id": schema.StringAttribute{
				MarkdownDescription: "Only enrollments in this service (UUID).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a service UUID")},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only enrollments with this status: one of `" + strings.Join(statuses, "`, `") + "`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(statuses...)},
			},
			"enrollments": schema.ListNestedAttribute{
				MarkdownDescription: "The matching enrollments, oldest first (personal ones, then shared ones).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":             schema.StringAttribute{Computed: true, MarkdownDescription: "The enrollment's UUID."},
					"service_id":     schema.StringAttribute{Computed: true, MarkdownDescription: "The service's UUID."},
					"service_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "The service's name, when the API includes service details."},
					"status":         schema.StringAttribute{Computed: true, MarkdownDescription: "`pending`, `incomplete`, `active`, `paused` or `cancelled`."},
					"code":           schema.StringAttribute{Computed: true, MarkdownDescription: "The 4-character enrollment code."},
					"proxy_endpoint": schema.StringAttribute{Computed: true, MarkdownDescription: "The gateway URL that reaches the enrollment."},
					"parameters": schema.MapAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "The parameters as the API returns them: secret-looking ones read `***masked***`."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the enrollment was created (RFC 3339)."},
					"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When it last changed, if ever."},
				}},
			},
		},
	}
}

func (d *enrollmentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *enrollmentsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg enrollmentsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.pd == nil || !d.pd.Client.HasAPIKey() {
		resp.Diagnostics.AddError("API key required", "Listing enrollments needs an API key: set the provider's api_key or UNITYSVC_API_KEY.")
		return
	}
	all, err := d.pd.Client.ListEnrollments(ctx)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to list enrollments", err)
		return
	}
	cfg.Enrollments = []enrollmentItemModel{}
	for _, e := range all {
		if !cfg.ServiceID.IsNull() && !strings.EqualFold(e.ServiceID, cfg.ServiceID.ValueString()) {
			continue
		}
		if !cfg.Status.IsNull() && e.Status != cfg.Status.ValueString() {
			continue
		}
		cfg.Enrollments = append(cfg.Enrollments, enrollmentItemModelFromAPI(e))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
