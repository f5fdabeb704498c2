package broadcast

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &broadcastDataSource{}
	_ datasource.DataSourceWithConfigure = &broadcastDataSource{}
)

// NewDataSource returns the unitysvc_broadcast data source.
func NewDataSource() datasource.DataSource { return &broadcastDataSource{} }

type broadcastDataSource struct{ pd *tfutil.ProviderData }

func (d *broadcastDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_broadcast"
}

func (d *broadcastDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a broadcast by name, for referencing a broadcast managed elsewhere (for example its `gateway_path`).",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "The broadcast's name.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, nameMax)},
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "`true` looks only in the team (shared) scope, `false` only in your personal scope. Unset: your personal broadcast of that name if there is one, else the shared one (the one `/b/<name>` dispatches to).",
				Optional:            true,
				Computed:            true,
			},
			"id":                schema.StringAttribute{Computed: true, MarkdownDescription: "The broadcast's UUID."},
			"description":       schema.StringAttribute{Computed: true, MarkdownDescription: "Description."},
			"mode":              schema.StringAttribute{Computed: true, MarkdownDescription: "`sync` or `async`."},
			"target_timeout_ms": schema.Int64Attribute{Computed: true, MarkdownDescription: "Timeout of each target call in milliseconds."},
			"enabled":           schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the broadcast serves requests."},
			"targets": schema.ListNestedAttribute{
				MarkdownDescription: "The targets, in result order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"name":                 schema.StringAttribute{Computed: true, MarkdownDescription: "Target name."},
						"target_path":          schema.StringAttribute{Computed: true, MarkdownDescription: "Gateway-relative path the target calls."},
						"routing_key_override": schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Request fields overridden for this target."},
					},
				},
			},
			"gateway_path": schema.StringAttribute{Computed: true, MarkdownDescription: "Gateway-relative path, `b/<name>`."},
			"gateway_url":  schema.StringAttribute{Computed: true, MarkdownDescription: "Full gateway URL of the broadcast, when the provider knows the gateway URL."},
		},
	}
}

func (d *broadcastDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *broadcastDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg broadcastModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := cfg.Name.ValueString()
	matches, err := d.pd.Client.FindBroadcastsByName(ctx, name)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to list broadcasts", err)
		return
	}
	found := tfutil.PickInScope(matches, cfg.Shared, func(o *client.BroadcastPublic) bool { return o.Shared() })
	if found == nil {
		resp.Diagnostics.AddError("Broadcast not found", fmt.Sprintf("No %s broadcast named %q is visible to this API key.", tfutil.ScopeWords(cfg.Shared), name))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(found, d.pd))...)
}
