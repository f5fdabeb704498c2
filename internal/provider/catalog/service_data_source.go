package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource                     = &serviceDataSource{}
	_ datasource.DataSourceWithConfigure        = &serviceDataSource{}
	_ datasource.DataSourceWithConfigValidators = &serviceDataSource{}
)

// NewServiceDataSource returns the unitysvc_service data source.
func NewServiceDataSource() datasource.DataSource { return &serviceDataSource{} }

type serviceDataSource struct{ pd *tfutil.ProviderData }

func (d *serviceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service"
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func computedStrings(desc string) schema.ListAttribute {
	return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
}

func (d *serviceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a service: its detail, how to reach it (interfaces), and what using it takes — whether an enrollment is needed, which parameters, and which secrets (for example a BYOK upstream key).\n\nLook it up by `id`, or by `group` and `name`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Service UUID. Set either `id`, or `group` and `name`; none may be empty.",
				Optional:            true, Computed: true,
				Validators: []validator.String{tfutil.NotEmpty(serviceIDWant)},
			},
			"group": schema.StringAttribute{
				MarkdownDescription: "Group to find the service in by `name`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("name")), tfutil.NotEmpty(serviceGroupWant)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Service name (exact), looked up in `group`.",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("group")), tfutil.NotEmpty(serviceNameWant)},
			},
			"display_name":       computedString("Human-readable name."),
			"description":        computedString("Description."),
			"service_type":       computedString("Kind of service, e.g. `llm`."),
			"gateway_type":       computedString("Gateway that serves it, e.g. `api`."),
			"provider_name":      computedString("Upstream provider."),
			"seller_name":        computedString("Seller."),
			"capabilities":       computedStrings("Capabilities, e.g. `chat`, `streaming`."),
			"tags":               computedStrings("Tags."),
			"list_price":         computedString("List price as a JSON string; decode with `jsondecode`."),
			"enrollment_channel": computedString("Channel enrollments go through (e.g. `byok`), if any."),
			"listing_type":       computedString("Listing type."),
			"enrollment_mode":    computedString("`disallowed`, `optional` or `required`: whether using the service needs a `unitysvc_enrollment`."),
			"parameters": schema.ListNestedAttribute{
				MarkdownDescription: "Enrollment parameters the service asks for.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":     computedString("Parameter name."),
					"required": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether an enrollment must set it."},
				}},
			},
			"required_secrets": computedStrings("Names of the secrets any channel requires (set them with `unitysvc_secret`)."),
			"optional_secrets": computedStrings("Names of the secrets any channel can use."),
			"channels": schema.ListNestedAttribute{
				MarkdownDescription: "Ways of reaching and paying for the service.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":                computedString("Channel name."),
					"channel_type":        computedString("Channel type, e.g. `platform` or `byok`."),
					"free":                schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is free."},
					"price":               computedString("Price."),
					"currency":            computedString("Currency of the price."),
					"price_description":   computedString("Price in words."),
					"requires_enrollment": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it needs an enrollment."},
					"required_secrets":    computedStrings("Secrets it requires."),
					"optional_secrets":    computedStrings("Secrets it can use."),
				}},
			},
			"interfaces": schema.ListNestedAttribute{
				MarkdownDescription: "Interfaces you can dispatch to: shared ones, plus your own enrollment-bound ones (with `enrollment_id`).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":          computedString("Interface name."),
					"description":   computedString("What it offers."),
					"access_method": computedString("How it is reached, e.g. `http`."),
					"base_url":      computedString("Base URL to send requests to."),
					"group_name":    computedString("Group that declares it, for group-level interfaces."),
					"enrollment_id": computedString("Enrollment it is bound to, for BYOK interfaces."),
				}},
			},
		},
	}
}

const (
	serviceIDWant    = "Set id to a service's UUID (for example another unitysvc_service's id), or look the service up by group and name instead."
	serviceGroupWant = "Set group to the name of the group to look the service up in, such as llm."
	serviceNameWant  = "Set name to the service's exact name in group, such as gpt-4o-mini."
)

// ConfigValidators requires exactly one way of naming the object.
func (d *serviceDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *serviceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *serviceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m serviceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if tfutil.CheckNotEmpty(&resp.Diagnostics, path.Root("id"), m.ID, serviceIDWant) ||
		tfutil.CheckNotEmpty(&resp.Diagnostics, path.Root("group"), m.Group, serviceGroupWant) ||
		tfutil.CheckNotEmpty(&resp.Diagnostics, path.Root("name"), m.Name, serviceNameWant) {
		return
	}
	id := m.ID.ValueString()
	if id == "" {
		var err error
		id, err = d.lookup(ctx, m.Group.ValueString(), m.Name.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Unable to find service", tfutil.APIErrorDetail(err))
			return
		}
	}
	svc, err := d.pd.Client.GetService(ctx, id)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read service "+id, err)
		return
	}
	usage, err := d.pd.Client.GetServiceUsage(ctx, id)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read the usage (access plan) of service "+id, err)
		return
	}
	ifaces, err := d.pd.Client.ListServiceInterfaces(ctx, id)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read the interfaces of service "+id, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, serviceModelFromAPI(m.Group, svc, usage, ifaces))...)
}

// lookup finds a service's id by exact name within a group.
func (d *serviceDataSource) lookup(ctx context.Context, group, name string) (string, error) {
	services, err := d.pd.Client.ListGroupServices(ctx, group, name)
	if err != nil {
		return "", err
	}
	var ids []string
	for _, s := range services {
		if s.Name == name {
			ids = append(ids, s.ID)
		}
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("group %q has no service named %q; list its services with the unitysvc_group_services data source", group, name)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("group %q has %d services named %q (%s); set id instead", group, len(ids), name, strings.Join(ids, ", "))
}
