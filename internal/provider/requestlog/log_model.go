package requestlog

import (
	"bytes"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type logModel struct {
	ID                  types.String  `tfsdk:"id"`
	Time                types.String  `tfsdk:"time"`
	GatewaySource       types.String  `tfsdk:"gateway_source"`
	ServiceID           types.String  `tfsdk:"service_id"`
	EnrollmentID        types.String  `tfsdk:"enrollment_id"`
	RecurrentRequestID  types.String  `tfsdk:"recurrent_request_id"`
	Method              types.String  `tfsdk:"method"`
	Path                types.String  `tfsdk:"path"`
	RequestContentType  types.String  `tfsdk:"request_content_type"`
	RequestHeaders      types.Map     `tfsdk:"request_headers"`
	RequestBody         types.String  `tfsdk:"request_body"`
	StatusCode          types.Int64   `tfsdk:"status_code"`
	TimeMS              types.Float64 `tfsdk:"time_ms"`
	ResponseHeaders     types.Map     `tfsdk:"response_headers"`
	ResponseBody        types.String  `tfsdk:"response_body"`
	ErrorCategory       types.String  `tfsdk:"error_category"`
	ErrorRequestID      types.String  `tfsdk:"error_request_id"`
	UsageCustomerCharge types.String  `tfsdk:"usage_customer_charge"`
}

// bodyString renders a logged body: a JSON string as its text, anything
// else as compact JSON, null when absent.
func bodyString(raw json.RawMessage) types.String {
	var s string
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '"' && json.Unmarshal(t, &s) == nil {
		return types.StringValue(s)
	}
	return tfutil.JSONString(raw)
}

// logModelFromAPI converts one log's detail.
func logModelFromAPI(d *client.RequestLogDetail) logModel {
	m := logModel{
		ID: types.StringValue(d.LogID), Time: types.StringValue(d.EventTimestamp), GatewaySource: types.StringValue(d.GatewaySource),
		ServiceID: tfutil.StringOrNull(d.ServiceID), EnrollmentID: tfutil.StringOrNull(d.ServiceEnrollmentID),
		RecurrentRequestID: tfutil.StringOrNull(d.RecurrentRequestID),
		Method:             types.StringValue(d.UserRequest.Method), Path: types.StringValue(d.UserRequest.Path),
		RequestContentType: types.StringValue(d.UserRequest.ContentType),
		RequestHeaders:     tfutil.StringMapValue(d.UserRequest.Headers), RequestBody: bodyString(d.UserRequest.Body),
		StatusCode: types.Int64Null(), TimeMS: types.Float64Null(), ResponseHeaders: types.MapNull(types.StringType),
		ResponseBody: types.StringNull(), ErrorCategory: types.StringNull(), ErrorRequestID: types.StringNull(),
		UsageCustomerCharge: types.StringNull(),
	}
	if u := d.UpstreamResponse; u != nil {
		m.StatusCode = types.Int64Value(int64(u.StatusCode))
		m.TimeMS = types.Float64PointerValue(u.TimeMS)
		m.ResponseHeaders = tfutil.StringMapValue(u.Headers)
		m.ResponseBody = bodyString(u.Body)
	}
	if e := d.Error; e != nil {
		m.ErrorCategory, m.ErrorRequestID = types.StringValue(e.Category), types.StringValue(e.RequestID)
	}
	if u := d.UsageEvent; u != nil {
		m.UsageCustomerCharge = types.StringValue(u.CustomerCharge)
	}
	return m
}
