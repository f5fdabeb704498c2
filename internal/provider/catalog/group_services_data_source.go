package catalog

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &groupServicesDataSource{}
	_ datasource.DataSourceWithConfigure = &groupServicesDataSource{}
)

// NewGroupServicesDataSource returns the unitysvc_group_services data source.
func NewGroupServicesDataSource() datasource.DataSource { return &groupServicesDataSource{} }

type groupServicesDataSource struct{ pd *tfutil.ProviderData }

func (d *groupServicesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_services"
}

func (d *groupServicesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every service of a group, following the API's pagination to the last page.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "An identifier of this listing (group and search)."},
			"group": schema.StringAttribute{
				MarkdownDescription: "Group name or UUID (a collection by UUID).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"search": schema.StringAttribute{
				MarkdownDescription: "Only services whose name, display name or provider contains this text (case-insensitive).",
				Optional:            true,
			},
			"services": schema.ListNestedAttribute{
				MarkdownDescription: "The services, in the group's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "Service UUID."},
					"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Service name."},
					"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Human-readable name."},
					"service_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Kind of service, e.g. `llm`."},
					"gateway_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Gateway that serves it, e.g. `api`."},
				}},
			},
		},
	}
}

func (d *groupServicesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *groupServicesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupServicesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	services, err := d.pd.Client.ListGroupServices(ctx, m.Group.ValueString(), m.Search.ValueString())
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to list the services of group "+m.Group.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, groupServicesModelFromAPI(m, services))...)
}
