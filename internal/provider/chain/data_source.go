package chain

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
)

// NewDataSource returns the unitysvc_chain data source.
func NewDataSource() datasource.DataSource { return routingobject.NewDataSource(kind)() }

func dataSourceSchema() schema.Schema {
	return schema.Schema{
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
