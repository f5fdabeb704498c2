package broadcast

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
)

// NewDataSource returns the unitysvc_broadcast data source.
func NewDataSource() datasource.DataSource { return routingobject.NewDataSource(kind)() }

func dataSourceSchema() schema.Schema {
	return schema.Schema{
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
