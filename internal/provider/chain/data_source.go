package chain

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
)

// NewDataSource returns the unitysvc_chain data source.
func NewDataSource() datasource.DataSource { return routingobject.NewDataSource(kind)() }

// dataSourceDescription and dataSourceAttributes are the chain's part of
// the data source schema (see resourceAttributes).
const dataSourceDescription = "Reads a chain by name, for referencing a chain managed elsewhere (for example its `gateway_path` as a step target)."

var dataSourceAttributes = map[string]schema.Attribute{
	"default_timeout_ms": schema.Int64Attribute{Computed: true, MarkdownDescription: "Timeout of steps without their own, in milliseconds."},
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
}
