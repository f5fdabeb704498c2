package requestlog

import (
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type logItemModel struct {
	ID                 types.String  `tfsdk:"id"`
	Time               types.String  `tfsdk:"time"`
	GatewaySource      types.String  `tfsdk:"gateway_source"`
	Method             types.String  `tfsdk:"method"`
	Path               types.String  `tfsdk:"path"`
	ServiceID          types.String  `tfsdk:"service_id"`
	EnrollmentID       types.String  `tfsdk:"enrollment_id"`
	RecurrentRequestID types.String  `tfsdk:"recurrent_request_id"`
	StatusCode         types.Int64   `tfsdk:"status_code"`
	TimeMS             types.Float64 `tfsdk:"time_ms"`
	ErrorSource        types.String  `tfsdk:"error_source"`
	ErrorType          types.String  `tfsdk:"error_type"`
}

type logsModel struct {
	ServiceID          types.String      `tfsdk:"service_id"`
	EnrollmentID       types.String      `tfsdk:"enrollment_id"`
	RecurrentRequestID types.String      `tfsdk:"recurrent_request_id"`
	StatusMin          types.Int64       `tfsdk:"status_min"`
	StatusMax          types.Int64       `tfsdk:"status_max"`
	StartTime          timetypes.RFC3339 `tfsdk:"start_time"`
	EndTime            timetypes.RFC3339 `tfsdk:"end_time"`
	PathPrefix         types.String      `tfsdk:"path_prefix"`
	ErrorSource        types.String      `tfsdk:"error_source"`
	ErrorType          types.String      `tfsdk:"error_type"`
	GatewaySource      types.String      `tfsdk:"gateway_source"`
	MaxItems           types.Int64       `tfsdk:"max_items"`
	TotalCount         types.Int64       `tfsdk:"total_count"`
	Items              []logItemModel    `tfsdk:"items"`
}

// logItemModelFromAPI converts one listing row.
func logItemModelFromAPI(it client.RequestLogItem) logItemModel {
	return logItemModel{
		ID: types.StringValue(it.LogID), Time: types.StringValue(it.EventTimestamp), GatewaySource: types.StringValue(it.GatewaySource),
		Method: types.StringValue(it.UserRequestMethod), Path: types.StringValue(it.UserRequestPath),
		ServiceID: tfutil.StringOrNull(it.ServiceID), EnrollmentID: tfutil.StringOrNull(it.ServiceEnrollmentID),
		RecurrentRequestID: tfutil.StringOrNull(it.RecurrentRequestID),
		StatusCode:         types.Int64PointerValue(it.UpstreamResponseStatusCode), TimeMS: types.Float64PointerValue(it.UpstreamResponseTimeMS),
		ErrorSource: tfutil.StringOrNull(it.ErrorSource), ErrorType: tfutil.StringOrNull(it.ErrorType),
	}
}

// logsModelFromAPI keeps the filters of m and fills in the answer.
func logsModelFromAPI(m logsModel, items []client.RequestLogItem, total int) logsModel {
	m.TotalCount = types.Int64Value(int64(total))
	m.Items = make([]logItemModel, 0, len(items))
	for _, it := range items {
		m.Items = append(m.Items, logItemModelFromAPI(it))
	}
	return m
}
