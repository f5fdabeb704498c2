package recurrentrequest

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

const defaultTimezone = "UTC"

type recurrentModel struct {
	ID              types.String         `tfsdk:"id"`
	Name            types.String         `tfsdk:"name"`
	ServiceID       types.String         `tfsdk:"service_id"`
	EnrollmentID    types.String         `tfsdk:"enrollment_id"`
	RequestPath     types.String         `tfsdk:"request_path"`
	HTTPMethod      types.String         `tfsdk:"http_method"`
	Body            jsontypes.Normalized `tfsdk:"body"`
	Headers         types.Map            `tfsdk:"headers"`
	IntervalSeconds types.Int64          `tfsdk:"interval_seconds"`
	CronExpression  types.String         `tfsdk:"cron_expression"`
	Timezone        types.String         `tfsdk:"timezone"`
	Status          types.String         `tfsdk:"status"`
	NextRunAt       types.String         `tfsdk:"next_run_at"`
}

// modelFromAPI is the one converter from the API's recurrent request to
// state, used by Create, Read, Update and import.
func modelFromAPI(rr *client.RecurrentRequestPublic) recurrentModel {
	m := recurrentModel{
		ID:              types.StringValue(rr.ID),
		Name:            tfutil.StringOrNull(rr.Name),
		ServiceID:       tfutil.StringOrNull(rr.ServiceID),
		EnrollmentID:    tfutil.StringOrNull(rr.EnrollmentID),
		RequestPath:     types.StringValue(rr.RequestPath),
		HTTPMethod:      types.StringValue(rr.HTTPMethod),
		Body:            jsontypes.NewNormalizedNull(),
		Headers:         tfutil.StringMapValue(rr.RequestHeaders),
		IntervalSeconds: types.Int64Null(),
		CronExpression:  types.StringNull(),
		Timezone:        types.StringValue(defaultTimezone),
		Status:          types.StringValue(rr.Status),
		NextRunAt:       types.StringNull(),
	}
	if body := tfutil.JSONString(rr.BodyTemplate); !body.IsNull() {
		m.Body = jsontypes.NewNormalizedValue(body.ValueString())
	}
	if s := rr.Schedule; s != nil {
		switch s.ScheduleType {
		case client.ScheduleTypeInterval:
			m.IntervalSeconds = types.Int64PointerValue(s.IntervalSeconds)
		case client.ScheduleTypeCron:
			m.CronExpression = types.StringPointerValue(s.CronExpression)
			if s.Timezone != nil && *s.Timezone != "" {
				m.Timezone = types.StringValue(*s.Timezone)
			}
		}
	}
	if rr.State != nil {
		m.NextRunAt = types.StringPointerValue(rr.State.NextRunAt)
	}
	return m
}

// schedule is the API schedule the model asks for.
func (m recurrentModel) schedule() *client.RecurrentSchedule {
	if !m.IntervalSeconds.IsNull() && !m.IntervalSeconds.IsUnknown() {
		return client.IntervalSchedule(m.IntervalSeconds.ValueInt64())
	}
	tz := m.Timezone.ValueString()
	if tz == "" {
		tz = defaultTimezone
	}
	return client.CronSchedule(m.CronExpression.ValueString(), tz)
}

// scheduleChanged reports whether the schedule attributes differ.
func (m recurrentModel) scheduleChanged(prior recurrentModel) bool {
	return !m.IntervalSeconds.Equal(prior.IntervalSeconds) || !m.CronExpression.Equal(prior.CronExpression) || !m.Timezone.Equal(prior.Timezone)
}

// bodyJSON is the body template to send, or nil for none.
func (m recurrentModel) bodyJSON() *json.RawMessage {
	if m.Body.IsNull() || m.Body.IsUnknown() {
		return nil
	}
	raw := json.RawMessage(m.Body.ValueString())
	return &raw
}

// headers is the request headers to send, or nil for none.
func (m recurrentModel) headers(ctx context.Context, diags *diag.Diagnostics) *map[string]string {
	h := tfutil.StringMap(ctx, m.Headers, diags)
	if h == nil {
		return nil
	}
	return &h
}

// runStateModel is the run state the resource deliberately keeps out of
// its own state: it changes with every run.
type runStateModel struct {
	NextRunAt      types.String `tfsdk:"next_run_at"`
	LastRunAt      types.String `tfsdk:"last_run_at"`
	RunCount       types.Int64  `tfsdk:"run_count"`
	LastStatusCode types.Int64  `tfsdk:"last_status_code"`
	LastError      types.String `tfsdk:"last_error"`
}

type recurrentDataModel struct {
	ID              types.String   `tfsdk:"id"`
	Name            types.String   `tfsdk:"name"`
	Status          types.String   `tfsdk:"status"`
	ServiceID       types.String   `tfsdk:"service_id"`
	EnrollmentID    types.String   `tfsdk:"enrollment_id"`
	RequestPath     types.String   `tfsdk:"request_path"`
	HTTPMethod      types.String   `tfsdk:"http_method"`
	Body            types.String   `tfsdk:"body"`
	Headers         types.Map      `tfsdk:"headers"`
	IntervalSeconds types.Int64    `tfsdk:"interval_seconds"`
	CronExpression  types.String   `tfsdk:"cron_expression"`
	Timezone        types.String   `tfsdk:"timezone"`
	CreatedAt       types.String   `tfsdk:"created_at"`
	UpdatedAt       types.String   `tfsdk:"updated_at"`
	State           *runStateModel `tfsdk:"state"`
}

// recurrentDataModelFromAPI is the data source's converter; the schedule fields
// come from the resource's converter so the two read the API alike.
func recurrentDataModelFromAPI(rr *client.RecurrentRequestPublic) recurrentDataModel {
	r := modelFromAPI(rr)
	m := recurrentDataModel{
		ID: r.ID, Name: r.Name, Status: r.Status, ServiceID: r.ServiceID, EnrollmentID: r.EnrollmentID,
		RequestPath: r.RequestPath, HTTPMethod: r.HTTPMethod, Body: types.StringNull(), Headers: r.Headers,
		IntervalSeconds: r.IntervalSeconds, CronExpression: r.CronExpression, Timezone: r.Timezone,
		CreatedAt: types.StringValue(rr.CreatedAt), UpdatedAt: tfutil.StringOrNull(rr.UpdatedAt),
	}
	if r.IntervalSeconds.IsNull() && r.CronExpression.IsNull() {
		m.Timezone = types.StringNull()
	}
	if !r.Body.IsNull() {
		m.Body = types.StringValue(r.Body.ValueString())
	}
	if s := rr.State; s != nil {
		m.State = &runStateModel{
			NextRunAt: tfutil.StringOrNull(s.NextRunAt), LastRunAt: tfutil.StringOrNull(s.LastRunAt),
			RunCount: types.Int64PointerValue(s.RunCount), LastStatusCode: types.Int64PointerValue(s.LastStatusCode),
			LastError: tfutil.StringOrNull(s.LastError),
		}
	}
	return m
}
