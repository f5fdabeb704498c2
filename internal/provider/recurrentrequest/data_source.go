package recurrentrequest

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

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource                     = &recurrentDataSource{}
	_ datasource.DataSourceWithConfigure        = &recurrentDataSource{}
	_ datasource.DataSourceWithConfigValidators = &recurrentDataSource{}
)

// NewDataSource returns the unitysvc_recurrent_request data source.
func NewDataSource() datasource.DataSource { return &recurrentDataSource{} }

type recurrentDataSource struct{ pd *tfutil.ProviderData }

func (d *recurrentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recurrent_request"
}

func (d *recurrentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one of your recurrent requests by `id` or `name`, with its **run state**: when it runs next, " +
			"when it ran last, how often it ran and how the last run went. The `unitysvc_recurrent_request` resource keeps " +
			"these out of its own state (they change on every run); read them here, for example in an output or a `check`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The recurrent request's UUID. Exactly one of `id` and `name` must be set.",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a UUID")},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The recurrent request's exact name.",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"status":           computed("`draft`, `active`, `paused` or `cancelled`."),
			"service_id":       computed("Service the request targets, if one."),
			"enrollment_id":    computed("Enrollment the request goes through, if one."),
			"request_path":     computed("Gateway-relative path the request is sent to."),
			"http_method":      computed("HTTP method."),
			"body":             computed("Body template as a JSON string, if any."),
			"headers":          schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Request headers, without those the API masks (credential headers, whose values it never shows)."},
			"interval_seconds": schema.Int64Attribute{Computed: true, MarkdownDescription: "Interval of an interval schedule."},
			"cron_expression":  computed("Cron expression of a cron schedule."),
			"timezone":         computed("Time zone of a cron schedule."),
			"created_at":       computed("Creation time."),
			"updated_at":       computed("Last change."),
			"state": schema.SingleNestedAttribute{
				MarkdownDescription: "Run state. Null until the API reports one (a draft).",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"next_run_at":      computed("When it runs next (RFC 3339); null while paused, cancelled or a draft."),
					"last_run_at":      computed("When it last ran."),
					"run_count":        schema.Int64Attribute{Computed: true, MarkdownDescription: "How many times it ran (scheduled runs and triggers)."},
					"last_status_code": schema.Int64Attribute{Computed: true, MarkdownDescription: "HTTP status of the last run."},
					"last_error":       computed("Why the last run failed, when it did."),
				},
			},
		},
	}
}

// ConfigValidators requires exactly one way of naming the object.
func (d *recurrentDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *recurrentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *recurrentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m recurrentDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var rr *client.RecurrentRequestPublic
	if id := m.ID.ValueString(); id != "" {
		var err error
		if rr, err = d.pd.Client.GetRecurrentRequest(ctx, id); err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, "Unable to read recurrent request "+id, err)
			return
		}
	} else {
		name := m.Name.ValueString()
		matches, err := d.pd.Client.FindRecurrentRequestsByName(ctx, name)
		if err != nil {
			tfutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to look up recurrent request %q", name), err)
			return
		}
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Recurrent request not found",
				fmt.Sprintf("No recurrent request named %q is visible to this API key.", name))
			return
		case 1:
			rr = &matches[0]
		default:
			ids := make([]string, 0, len(matches))
			for _, x := range matches {
				ids = append(ids, x.ID+" ("+x.Status+")")
			}
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Ambiguous recurrent request name",
				fmt.Sprintf("%d recurrent requests are named %q: %s. Set id to the one you mean.", len(matches), name, strings.Join(ids, ", ")))
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, recurrentDataModelFromAPI(rr))...)
}
