package recurrentrequest

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

const defaultTimezone = "UTC"

type recurrentModel struct {
	ID           types.String     `tfsdk:"id"`
	Name         types.String     `tfsdk:"name"`
	ServiceID    types.String     `tfsdk:"service_id"`
	EnrollmentID types.String     `tfsdk:"enrollment_id"`
	RequestPath  types.String     `tfsdk:"request_path"`
	HTTPMethod   types.String     `tfsdk:"http_method"`
	Body         tfutil.JSONValue `tfsdk:"body"`
	Headers      types.Map        `tfsdk:"headers"`
	// SensitiveHeaders are kept from the configuration: the API masks
	// credentials, and the provider never copies them from its answers.
	SensitiveHeaders          types.Map    `tfsdk:"sensitive_headers"`
	SensitiveHeadersWO        types.Map    `tfsdk:"sensitive_headers_wo"`
	SensitiveHeadersWOVersion types.Int64  `tfsdk:"sensitive_headers_wo_version"`
	IntervalSeconds           types.Int64  `tfsdk:"interval_seconds"`
	CronExpression            types.String `tfsdk:"cron_expression"`
	Timezone                  types.String `tfsdk:"timezone"`
	Status                    types.String `tfsdk:"status"`
	NextRunAt                 types.String `tfsdk:"next_run_at"`
}

// modelFromAPI is the one converter from the API's recurrent request to
// state, used by Create, Read, Update and import. sensitive names the
// headers sent as sensitive (from the configuration, or remembered in
// private state): they, and every header the API masks, stay out of
// headers; sensitive_headers keeps, of prior's, those the API still has.
// The write-only attributes are never in state.
func modelFromAPI(rr *client.RecurrentRequestPublic, prior recurrentModel, sensitive []string) recurrentModel {
	plain := map[string]string{}
	for k, v := range rr.RequestHeaders {
		if v != client.MaskedValue && !containsFold(sensitive, k) {
			plain[k] = v
		}
	}
	m := recurrentModel{
		ID:                        types.StringValue(rr.ID),
		Name:                      tfutil.StringOrNull(rr.Name),
		ServiceID:                 tfutil.StringOrNull(rr.ServiceID),
		EnrollmentID:              tfutil.StringOrNull(rr.EnrollmentID),
		RequestPath:               types.StringValue(rr.RequestPath),
		HTTPMethod:                types.StringValue(rr.HTTPMethod),
		Body:                      tfutil.NewJSONNull(),
		Headers:                   tfutil.StringMapValue(plain),
		SensitiveHeaders:          keptSensitive(prior.SensitiveHeaders, rr.RequestHeaders),
		SensitiveHeadersWO:        types.MapNull(types.StringType),
		SensitiveHeadersWOVersion: prior.SensitiveHeadersWOVersion,
		IntervalSeconds:           types.Int64Null(),
		CronExpression:            types.StringNull(),
		Timezone:                  types.StringValue(defaultTimezone),
		Status:                    types.StringValue(rr.Status),
		NextRunAt:                 types.StringNull(),
	}
	if m.SensitiveHeadersWOVersion.IsUnknown() {
		m.SensitiveHeadersWOVersion = types.Int64Null()
	}
	if body := tfutil.JSONString(rr.BodyTemplate); !body.IsNull() {
		m.Body = tfutil.NewJSONValue(body.ValueString())
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

// keptSensitive is the prior sensitive_headers without those the API no
// longer has (removed outside Terraform: the plan sets them again).
// Values are never read from the API, which masks them.
func keptSensitive(prior types.Map, api map[string]string) types.Map {
	if prior.IsNull() || prior.IsUnknown() {
		return types.MapNull(types.StringType)
	}
	names := slices.Collect(maps.Keys(api))
	kept := map[string]attr.Value{}
	for k, v := range prior.Elements() {
		if containsFold(names, k) {
			kept[k] = v
		}
	}
	if len(kept) == 0 {
		return types.MapNull(types.StringType)
	}
	return types.MapValueMust(types.StringType, kept)
}

// containsFold reports whether names holds name, ignoring case (header
// names are case-insensitive).
func containsFold(names []string, name string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return http.CanonicalHeaderKey(n) == http.CanonicalHeaderKey(name) })
}

// sensitiveNames are the names of the headers the configuration sends
// as sensitive: sensitive_headers and sensitive_headers_wo (the latter
// only in configuration), sorted.
func sensitiveNames(plan, cfg recurrentModel) []string {
	names := map[string]bool{}
	for _, m := range []types.Map{plan.SensitiveHeaders, cfg.SensitiveHeaders, cfg.SensitiveHeadersWO} {
		if !m.IsNull() && !m.IsUnknown() {
			for k := range m.Elements() {
				names[k] = true
			}
		}
	}
	out := slices.Collect(maps.Keys(names))
	sort.Strings(out)
	return out
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

// headers is the request headers to send: headers, sensitive_headers
// and (from cfg, the configuration) sensitive_headers_wo; nil for none.
func (m recurrentModel) headers(ctx context.Context, cfg recurrentModel, diags *diag.Diagnostics) *map[string]string {
	h := map[string]string{}
	for _, src := range []types.Map{m.Headers, m.SensitiveHeaders, cfg.SensitiveHeadersWO} {
		maps.Copy(h, tfutil.StringMap(ctx, src, diags))
	}
	if len(h) == 0 {
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
	r := modelFromAPI(rr, recurrentModel{}, nil)
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
