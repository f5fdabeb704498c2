package chain

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &chainDataSource{}
	_ datasource.DataSourceWithConfigure = &chainDataSource{}
)

// NewDataSource returns the unitysvc_chain data source.
func NewDataSource() datasource.DataSource { return &chainDataSource{} }

type chainDataSource struct{ pd *tfutil.ProviderData }

func (d *chainDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_chain"
}

func (d *chainDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a chain by name, for referencing a chain managed elsewhere (for example its `gateway_path` as a step target).",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "The chain's name.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, nameMax)},
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "`true` looks only in the team (shared) scope, `false` only in your personal scope. Unset: your personal chain of that name if there is one, else the shared one (the one `/c/<name>` dispatches to).",
				Optional:            true,
				Computed:            true,
			},
			"id":                 schema.StringAttribute{Computed: true, MarkdownDescription: "The chain's UUID."},
			"description":        schema.StringAttribute{Computed: true, MarkdownDescription: "Description."},
			"default_timeout_ms": schema.Int64Attribute{Computed: true, MarkdownDescription: "Timeout of steps without their own, in milliseconds."},
			"enabled":            schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the chain serves requests."},
			"steps": schema.ListNestedAttribute{
				MarkdownDescription: "The steps, in the order they run.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "Step name."},
						"target_path": schema.StringAttribute{Computed: true, MarkdownDescription: "Gateway-relative path the step calls."},
						"on_success":  schema.StringAttribute{Computed: true, MarkdownDescription: "`stop`, `continue` or `relay`."},
						"on_failure":  schema.StringAttribute{Computed: true, MarkdownDescription: "`continue`, `relay` or `stop`."},
						"timeout_ms":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Step timeout in milliseconds; null uses `default_timeout_ms`."},
					},
				},
			},
			"gateway_path": schema.StringAttribute{Computed: true, MarkdownDescription: "Gateway-relative path, `c/<name>`."},
			"gateway_url":  schema.StringAttribute{Computed: true, MarkdownDescription: "Full gateway URL of the chain, when the provider knows the gateway URL."},
		},
	}
}

func (d *chainDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *chainDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg chainModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := cfg.Name.ValueString()
	matches, err := d.pd.Client.FindChainsByName(ctx, name)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to list chains", err)
		return
	}
	found := tfutil.PickInScope(matches, cfg.Shared, func(o *client.ChainPublic) bool { return o.Shared() })
	if found == nil {
		resp.Diagnostics.AddError("Chain not found", fmt.Sprintf("No %s chain named %q is visible to this API key.", tfutil.ScopeWords(cfg.Shared), name))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(found, d.pd))...)
}
