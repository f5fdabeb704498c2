package secret

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// listing is the secrets' listing: the unitysvc_secrets data source and
// the unitysvc_secret list resource.
var listing = &tfutil.Listing[client.SecretPublic]{
	Noun: "secret", Plural: "secrets",
	Description: "Your secrets and variables (personal and your team's shared ones), without their values.",
	Filters:     []tfutil.Filter{tfutil.ScopeFilter},
	List: func(ctx context.Context, c *client.Client, f map[string]string) ([]client.SecretPublic, error) {
		return c.ListSecrets(ctx)
	},
	Keep: func(s *client.SecretPublic, f map[string]string) bool { return tfutil.InScope(f["scope"], s.Shared()) },
	ItemAttributes: map[string]schema.Attribute{
		"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The secret's UUID."},
		"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "Its name."},
		"shared":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is in the team (shared) scope."},
		"sensitive":   schema.BoolAttribute{Computed: true, MarkdownDescription: "`true` for a secret (its value is never returned), `false` for a variable."},
		"description": schema.StringAttribute{Computed: true, MarkdownDescription: "Its description, if any."},
		"import_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The ID `unitysvc_secret` imports it by: `NAME` or `shared/NAME`."},
	},
	Item: func(s *client.SecretPublic, _ *tfutil.ProviderData) any {
		return secretItemModel{
			ID: types.StringValue(s.ID), Name: types.StringValue(s.Name), Shared: types.BoolValue(s.Shared()),
			Sensitive: types.BoolValue(s.Sensitive), Description: tfutil.StringOrNull(s.Description),
			ImportID: types.StringValue(importID(s.Name, s.Shared())),
		}
	},
	Resource: func(_ context.Context, _ *client.Client, s *client.SecretPublic, _ *tfutil.ProviderData, _ bool) (any, error) {
		return modelFromAPI(s, secretModel{}), nil
	},
	Display: func(s *client.SecretPublic) string { return importID(s.Name, s.Shared()) },
}

type secretItemModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Shared      types.Bool   `tfsdk:"shared"`
	Sensitive   types.Bool   `tfsdk:"sensitive"`
	Description types.String `tfsdk:"description"`
	ImportID    types.String `tfsdk:"import_id"`
}

// NewSecretsDataSource returns the unitysvc_secrets data source.
func NewSecretsDataSource() datasource.DataSource { return listing.DataSource()() }

// NewListResource returns the unitysvc_secret list resource.
func NewListResource() list.ListResource { return listing.ListResource()() }
