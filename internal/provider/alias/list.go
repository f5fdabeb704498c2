package alias

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// listing is the aliases' listing: the unitysvc_aliases data source and
// the unitysvc_alias list resource. Deleted (deactivated) aliases are
// left out, as the API does by default.
var listing = &tfutil.Listing[client.ServiceAliasPublic]{
	Noun: "alias", Plural: "aliases",
	Description: "Your aliases (personal and your team's shared ones), without deleted ones.",
	Filters: []tfutil.Filter{
		{Name: "name", Description: "Only aliases with exactly this name (the API's filter): the routing one and the others of that name."},
		tfutil.ScopeFilter,
	},
	List: func(ctx context.Context, c *client.Client, f map[string]string) ([]client.ServiceAliasPublic, error) {
		return c.ListAliases(ctx, client.ListAliasesOptions{Name: f["name"], SharedOnly: f["scope"] == tfutil.ScopeShared})
	},
	Keep: func(a *client.ServiceAliasPublic, f map[string]string) bool {
		return tfutil.InScope(f["scope"], a.Shared()) && !a.Deactivated()
	},
	ItemAttributes: map[string]schema.Attribute{
		"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The alias's UUID."},
		"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Its name (the gateway path is `a/<name>`)."},
		"shared":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is your team's (shared) alias."},
		"target_path":  schema.StringAttribute{Computed: true, MarkdownDescription: "The gateway path it forwards to."},
		"routing":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is the one of its name (and request routing key) that routes."},
		"gateway_path": schema.StringAttribute{Computed: true, MarkdownDescription: "`a/<name>`."},
		"import_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The ID `unitysvc_alias` imports it by (its UUID)."},
	},
	Item: func(a *client.ServiceAliasPublic, _ *tfutil.ProviderData) any {
		return aliasItemModel{
			ID: types.StringValue(a.ID), Name: types.StringValue(a.Name), Shared: types.BoolValue(a.Shared()),
			TargetPath: types.StringValue(a.TargetPath), Routing: types.BoolValue(a.IsRouting),
			GatewayPath: types.StringValue(gatewayPath(a.Name)), ImportID: types.StringValue(a.ID),
		}
	},
	Resource: func(_ context.Context, _ *client.Client, a *client.ServiceAliasPublic, pd *tfutil.ProviderData, _ bool) (any, error) {
		return modelFromAPI(a, pd), nil
	},
	Display: func(a *client.ServiceAliasPublic) string { return a.Name + " (" + a.ID + ")" },
}

type aliasItemModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Shared      types.Bool   `tfsdk:"shared"`
	TargetPath  types.String `tfsdk:"target_path"`
	Routing     types.Bool   `tfsdk:"routing"`
	GatewayPath types.String `tfsdk:"gateway_path"`
	ImportID    types.String `tfsdk:"import_id"`
}

// NewAliasesDataSource returns the unitysvc_aliases data source.
func NewAliasesDataSource() datasource.DataSource { return listing.DataSource()() }

// NewListResource returns the unitysvc_alias list resource.
func NewListResource() list.ListResource { return listing.ListResource()() }
