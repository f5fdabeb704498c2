package requestlog

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource                     = &logsDataSource{}
	_ datasource.DataSourceWithConfigure        = &logsDataSource{}
	_ datasource.DataSourceWithConfigValidators = &logsDataSource{}
)

// DefaultMaxItems is how many logs unitysvc_request_logs returns unless
// max_items says otherwise.
const DefaultMaxItems = 100

// NewLogsDataSource returns the unitysvc_request_logs data source.
func NewLogsDataSource() datasource.DataSource { return &logsDataSource{} }

type logsDataSource struct{ pd *tfutil.ProviderData }

func (d *logsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_logs"
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func uuidFilter(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc, Optional: true,
		Validators: []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a UUID")},
	}
}

func statusFilter(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: desc, Optional: true, Validators: []validator.Int64{int64validator.Between(100, 599)}}
}

func (d *logsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists your request logs, newest first, with every filter of the API. Logs exist only for requests " +
			"sent while request logging was on (see `unitysvc_request_logging`); each upstream attempt is one log, chain steps " +
			"included.\n\n" +
			"Without `start_time` the API looks at the last 24 hours. Returns at most `max_items` logs (default " +
			fmt.Sprint(DefaultMaxItems) + "); `total_count` says how many matched. The API serves 200 logs per call, so up to " +
			"200 items cost one call.",
		Attributes: map[string]schema.Attribute{
			"service_id":           uuidFilter("Only logs of this service."),
			"enrollment_id":        uuidFilter("Only logs of requests through this enrollment."),
			"recurrent_request_id": uuidFilter("Only the runs of this recurrent request."),
			"status_min":           statusFilter("Lowest upstream status code (100 to 599)."),
			"status_max":           statusFilter("Highest upstream status code (100 to 599)."),
			"start_time": schema.StringAttribute{
				MarkdownDescription: "Start of the time range, RFC 3339 (for example `2026-11-24T09:00:00Z`). Defaults to 24 hours ago.",
				Optional:            true, CustomType: timetypes.RFC3339Type{},
			},
			"end_time": schema.StringAttribute{
				MarkdownDescription: "End of the time range, RFC 3339. Defaults to now.",
				Optional:            true, CustomType: timetypes.RFC3339Type{},
			},
			"path_prefix": schema.StringAttribute{
				MarkdownDescription: "Only requests whose gateway path starts with this, for example `/g/my-llms`.",
				Optional:            true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"error_source": schema.StringAttribute{
				MarkdownDescription: "Only failures from this side: `gateway` or `upstream`.",
				Optional:            true, Validators: []validator.String{stringvalidator.OneOf("gateway", "upstream")},
			},
			"error_type": schema.StringAttribute{
				MarkdownDescription: "Only failures of this type (for example `timeout`, `no_route`, `missing_secret`, `upstream_status`).",
				Optional:            true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"gateway_source": schema.StringAttribute{
				MarkdownDescription: "Only logs from this source: `apisix` (requests you sent) or `backend` (scheduled runs).",
				Optional:            true, Validators: []validator.String{stringvalidator.OneOf("apisix", "backend")},
			},
			"max_items": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most logs to return, 1 to 10000. Defaults to %d.", DefaultMaxItems),
				Optional:            true, Validators: []validator.Int64{int64validator.Between(1, 10000)},
			},
			"total_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many logs match the filters (may exceed the items returned)."},
			"items": schema.ListNestedAttribute{
				MarkdownDescription: "The logs, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                   computedString("Log UUID (read it with `unitysvc_request_log`)."),
					"time":                 computedString("When the request was made."),
					"gateway_source":       computedString("`apisix` (a request you sent) or `backend` (a scheduled run)."),
					"method":               computedString("HTTP method."),
					"path":                 computedString("Gateway path requested."),
					"service_id":           computedString("Service that answered (or was tried)."),
					"enrollment_id":        computedString("Enrollment used, if any."),
					"recurrent_request_id": computedString("Recurrent request whose run this was, if any."),
					"status_code":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Upstream status code; null when no upstream answered."},
					"time_ms":              schema.Float64Attribute{Computed: true, MarkdownDescription: "Upstream response time in milliseconds."},
					"error_source":         computedString("`gateway` or `upstream` for a failed request."),
					"error_type":           computedString("What failed, for a failed request."),
				}},
			},
		},
	}
}

// ConfigValidators checks that ranges are not upside down.
func (d *logsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{rangeValidator{}}
}

func (d *logsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func timeOf(v timetypes.RFC3339, diags *diag.Diagnostics) *time.Time {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, d := v.ValueRFC3339Time()
	diags.Append(d...)
	return &t
}

func (d *logsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m logsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := client.RequestLogFilter{
		ServiceID: m.ServiceID.ValueString(), EnrollmentID: m.EnrollmentID.ValueString(), RecurrentRequestID: m.RecurrentRequestID.ValueString(),
		StatusMin: m.StatusMin.ValueInt64Pointer(), StatusMax: m.StatusMax.ValueInt64Pointer(),
		StartTime: timeOf(m.StartTime, &resp.Diagnostics), EndTime: timeOf(m.EndTime, &resp.Diagnostics),
		PathPrefix: m.PathPrefix.ValueString(), ErrorSource: m.ErrorSource.ValueString(), ErrorType: m.ErrorType.ValueString(),
		GatewaySource: m.GatewaySource.ValueString(),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	limit := DefaultMaxItems
	if !m.MaxItems.IsNull() {
		limit = int(m.MaxItems.ValueInt64())
	}
	items, total, err := d.pd.Client.ListRequestLogs(ctx, f, limit)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to list request logs", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, logsModelFromAPI(m, items, total))...)
}

// rangeValidator refuses status_min > status_max and start_time after
// end_time, which would match nothing.
type rangeValidator struct{}

func (rangeValidator) Description(context.Context) string {
	return "status_min must not exceed status_max, and start_time must not be after end_time"
}

func (v rangeValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (rangeValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m logsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	known := func(v types.Int64) bool { return !v.IsNull() && !v.IsUnknown() }
	if known(m.StatusMin) && known(m.StatusMax) && m.StatusMin.ValueInt64() > m.StatusMax.ValueInt64() {
		resp.Diagnostics.AddAttributeError(path.Root("status_min"), "Invalid status range",
			fmt.Sprintf("status_min (%d) is greater than status_max (%d): no log could match. Swap them or drop one.", m.StatusMin.ValueInt64(), m.StatusMax.ValueInt64()))
	}
	var diags diag.Diagnostics
	start, end := timeOf(m.StartTime, &diags), timeOf(m.EndTime, &diags)
	if !diags.HasError() && start != nil && end != nil && start.After(*end) {
		resp.Diagnostics.AddAttributeError(path.Root("start_time"), "Invalid time range",
			fmt.Sprintf("start_time (%s) is after end_time (%s): no log could match.", m.StartTime.ValueString(), m.EndTime.ValueString()))
	}
}
