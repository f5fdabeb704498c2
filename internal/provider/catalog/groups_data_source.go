package catalog

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &groupsDataSource{}
	_ datasource.DataSourceWithConfigure = &groupsDataSource{}
)

// NewGroupsDataSource returns the unitysvc_groups data source.
func NewGroupsDataSource() datasource.DataSource { return &groupsDataSource{} }

type groupsDataSource struct{ pd *tfutil.ProviderData }

func (d *groupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_groups"
}

func (d *groupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists service groups: the platform's groups (readable without an API key) and, with a key, your own collections.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "An identifier of this listing (the filters).", Computed: true},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only groups whose name contains this text.",
				Optional:            true,
			},
			"owner": schema.StringAttribute{
				MarkdownDescription: "Which groups: `all` (default: platform groups and your collections), `system` (platform only) or `own` (your collections only).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("all", "system", "own")},
			},
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "The matching groups, in the API's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "Group UUID."},
					"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Group name (the `/g/<name>` path)."},
					"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Human-readable name."},
					"owner_type":   schema.StringAttribute{Computed: true, MarkdownDescription: "`platform` or `customer`."},
					"editable":     schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether you can change it (your collections)."},
					"member_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of member services."},
					"group_type":   schema.StringAttribute{Computed: true, MarkdownDescription: "`open`, `keyed`, `collection`, `category` or `capability_pool`."},
				}},
			},
		},
	}
}

func (d *groupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *groupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	owner := m.Owner.ValueString()
	if owner == "" {
		owner = "all"
	}
	groups, err := d.pd.Client.ListGroups(ctx, client.ListGroupsOptions{Owner: owner, Name: m.Name.ValueString()})
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to list groups", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, groupsModelFromAPI(m, owner, groups))...)
}
