package catalog

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource                     = &groupDataSource{}
	_ datasource.DataSourceWithConfigure        = &groupDataSource{}
	_ datasource.DataSourceWithConfigValidators = &groupDataSource{}
)

// NewGroupDataSource returns the unitysvc_group data source.
func NewGroupDataSource() datasource.DataSource { return &groupDataSource{} }

type groupDataSource struct{ pd *tfutil.ProviderData }

func (d *groupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func interfaceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":          schema.StringAttribute{Computed: true, MarkdownDescription: "Interface name."},
		"description":   schema.StringAttribute{Computed: true, MarkdownDescription: "What the interface offers."},
		"access_method": schema.StringAttribute{Computed: true, MarkdownDescription: "How it is reached, e.g. `http`."},
		"base_url":      schema.StringAttribute{Computed: true, MarkdownDescription: "Base URL to send requests to."},
	}
}

func (d *groupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one service group by `name` or `id`: a platform group, or one of your collections. A name is resolved as the gateway resolves `/g/<name>`: your personal collection of that name, then your team's shared one, then the platform group.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Group UUID. Exactly one of `id` and `name` must be set; neither may be empty.",
				Optional:            true, Computed: true,
				Validators: []validator.String{tfutil.NotEmpty(groupIDWant)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Group name, such as `llm`, or the name of one of your collections.",
				Optional:            true, Computed: true,
				Validators: []validator.String{tfutil.NotEmpty(groupNameWant)},
			},
			"display_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "Human-readable name."},
			"description":    schema.StringAttribute{Computed: true, MarkdownDescription: "Description."},
			"owner_type":     schema.StringAttribute{Computed: true, MarkdownDescription: "`platform` or `customer`."},
			"editable":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether you can change it."},
			"enabled":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a collection serves requests; null for a platform group."},
			"member_count":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of member services."},
			"group_type":     schema.StringAttribute{Computed: true, MarkdownDescription: "`open`, `keyed`, `collection`, `category` or `capability_pool`."},
			"routing_policy": schema.StringAttribute{Computed: true, MarkdownDescription: "The group's routing policy as a JSON string (for example `{\"strategy\":\"weighted_random\"}`); decode with `jsondecode`. Null when the group has none."},
			"interface": schema.SingleNestedAttribute{
				MarkdownDescription: "The group-level access interface of a platform group, when it has one; null for a collection (reach it at `g/<name>`).",
				Computed:            true,
				Attributes:          interfaceAttributes(),
			},
		},
	}
}

const (
	groupIDWant   = "Set id to a group's or collection's UUID, or set name instead."
	groupNameWant = "Set name to a group's name, such as llm, or set id instead."
)

// ConfigValidators requires exactly one way of naming the object.
func (d *groupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *groupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if tfutil.CheckNotEmpty(&resp.Diagnostics, path.Root("id"), m.ID, groupIDWant) || tfutil.CheckNotEmpty(&resp.Diagnostics, path.Root("name"), m.Name, groupNameWant) {
		return
	}
	key := m.ID.ValueString()
	if key == "" {
		key = m.Name.ValueString()
	}
	g, err := d.pd.Client.GetGroup(ctx, key)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read group "+key, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, groupModelFromAPI(g))...)
}
