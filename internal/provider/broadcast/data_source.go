package broadcast

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
)

// NewDataSource returns the unitysvc_broadcast data source.
func NewDataSource() datasource.DataSource { return routingobject.NewDataSource(kind)() }

// dataSourceDescription and dataSourceAttributes are the broadcast's part
// of the data source schema (see resourceAttributes).
const dataSourceDescription = "Reads a broadcast by name, for referencing a broadcast managed elsewhere (for example its `gateway_path`)."

var dataSourceAttributes = map[string]schema.Attribute{
	"mode":              schema.StringAttribute{Computed: true, MarkdownDescription: "`sync` or `async`."},
	"target_timeout_ms": schema.Int64Attribute{Computed: true, MarkdownDescription: "Timeout of each target call in milliseconds."},
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
}
