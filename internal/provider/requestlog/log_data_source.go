package requestlog

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &logDataSource{}
	_ datasource.DataSourceWithConfigure = &logDataSource{}
)

// NewLogDataSource returns the unitysvc_request_log data source.
func NewLogDataSource() datasource.DataSource { return &logDataSource{} }

type logDataSource struct{ pd *tfutil.ProviderData }

func (d *logDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_log"
}

func (d *logDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	sensitive := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one request log by id, with the request you sent and the upstream's answer. The bodies are " +
			"sensitive attributes (they may hold prompts and answers); credentials are redacted from logged headers by the API.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The log's UUID (from `unitysvc_request_logs`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a UUID")},
			},
			"time":                  computedString("When the request was made."),
			"gateway_source":        computedString("`apisix` (a request you sent) or `backend` (a scheduled run)."),
			"service_id":            computedString("Service that answered (or was tried)."),
			"enrollment_id":         computedString("Enrollment used, if any."),
			"recurrent_request_id":  computedString("Recurrent request whose run this was, if any."),
			"method":                computedString("HTTP method."),
			"path":                  computedString("Gateway path requested."),
			"request_content_type":  computedString("Content type of the request."),
			"request_headers":       schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Request headers, credentials redacted."},
			"request_body":          sensitive("Request body (a preview of long bodies unless logging keeps them in full)."),
			"status_code":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Upstream status code; null when no upstream answered."},
			"time_ms":               schema.Float64Attribute{Computed: true, MarkdownDescription: "Upstream response time in milliseconds."},
			"response_headers":      schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Upstream response headers."},
			"response_body":         sensitive("Upstream response body."),
			"error_category":        computedString("Category of the failure, for a failed request."),
			"error_request_id":      computedString("Request id to quote to support, for a failed request."),
			"usage_customer_charge": computedString("What the request cost, when a usage event is linked."),
		},
	}
}

func (d *logDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *logDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	l, err := d.pd.Client.GetRequestLog(ctx, id.ValueString())
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read request log "+id.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, logModelFromAPI(l))...)
}
