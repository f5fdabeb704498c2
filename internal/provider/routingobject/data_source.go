package routingobject

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// DataSource is the data source of one kind of routing object: it reads
// one by name, in the scope asked for (or the one its gateway path
// dispatches to: personal first).
type DataSource[M, O, C, U, K any] struct {
	kind *Kind[M, O, C, U, K]
	pd   *tfutil.ProviderData
}

var (
	_ datasource.DataSource              = &DataSource[any, any, any, any, any]{}
	_ datasource.DataSourceWithConfigure = &DataSource[any, any, any, any, any]{}
)

// NewDataSource returns the constructor of kind's data source.
func NewDataSource[M, O, C, U, K any](kind *Kind[M, O, C, U, K]) func() datasource.DataSource {
	return func() datasource.DataSource { return &DataSource[M, O, C, U, K]{kind: kind} }
}

// Metadata names the data source unitysvc_<noun>.
func (d *DataSource[M, O, C, U, K]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.kind.Noun
}

// Schema is the area's data source schema.
func (d *DataSource[M, O, C, U, K]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.kind.dataSourceSchema()
}

// Configure keeps the provider's client.
func (d *DataSource[M, O, C, U, K]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

// Read finds the object by name and scope.
func (d *DataSource[M, O, C, U, K]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	k := d.kind
	var cfg M
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	base := k.Base(&cfg)
	name := base.Name.ValueString()
	matches, err := k.Find(d.pd.Client, ctx, name)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to list "+k.Noun+"s", err)
		return
	}
	found := tfutil.PickInScope(matches, base.Shared, k.shared)
	if found == nil {
		resp.Diagnostics.AddError(k.title()+" not found", fmt.Sprintf("No %s %s named %q is visible to this API key.", tfutil.ScopeWords(base.Shared), k.Noun, name))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, k.Model(found, d.pd))...)
}
