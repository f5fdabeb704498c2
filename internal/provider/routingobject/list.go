package routingobject

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// Listing returns the kind's listing: the unitysvc_<noun>s data source
// and the unitysvc_<noun> list resource. The API's listing holds each
// object whole (children included), so a list result's resource object
// needs no further call.
func (k *Kind[M, O, C, U, K]) Listing() *tfutil.Listing[O] {
	return &tfutil.Listing[O]{
		Noun: k.Noun, Plural: k.Noun + "s",
		Description: "Your " + k.Noun + "s (personal and your team's shared ones).",
		Filters:     []tfutil.Filter{tfutil.ScopeFilter},
		List: func(ctx context.Context, c *client.Client, f map[string]string) ([]O, error) {
			return k.List(c, ctx, f["scope"] == tfutil.ScopeShared)
		},
		Keep: func(o *O, f map[string]string) bool { return tfutil.InScope(f["scope"], k.shared(o)) },
		ItemAttributes: map[string]schema.Attribute{
			"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The " + k.Noun + "'s UUID."},
			"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Its name."},
			"shared":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is your team's (shared) " + k.Noun + "."},
			"enabled":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is enabled."},
			"description":  schema.StringAttribute{Computed: true, MarkdownDescription: "Its description, if any."},
			"gateway_path": schema.StringAttribute{Computed: true, MarkdownDescription: "`" + k.Prefix + "/<name>`."},
			"import_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The ID `unitysvc_" + k.Noun + "` imports it by (its UUID)."},
		},
		Item: func(o *O, _ *tfutil.ProviderData) any {
			obj := k.Object(o)
			return itemModel{
				ID: types.StringValue(obj.ID), Name: types.StringValue(obj.Name), Shared: types.BoolValue(obj.Shared),
				Enabled: types.BoolValue(obj.Enabled), Description: tfutil.StringOrNull(obj.Description),
				GatewayPath: types.StringValue(k.GatewayPath(obj.Name)), ImportID: types.StringValue(obj.ID),
			}
		},
		Resource: func(_ context.Context, _ *client.Client, o *O, pd *tfutil.ProviderData, _ bool) (any, error) {
			return k.Model(o, pd), nil
		},
		Display: func(o *O) string { return k.Object(o).Name },
	}
}

type itemModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Shared      types.Bool   `tfsdk:"shared"`
	Enabled     types.Bool   `tfsdk:"enabled"`
	Description types.String `tfsdk:"description"`
	GatewayPath types.String `tfsdk:"gateway_path"`
	ImportID    types.String `tfsdk:"import_id"`
}
