package enrollment

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type enrollmentModel struct {
	ID                  types.String `tfsdk:"id"`
	ServiceID           types.String `tfsdk:"service_id"`
	Parameters          types.Map    `tfsdk:"parameters"`
	SensitiveParameters types.Map    `tfsdk:"sensitive_parameters"`
	// SensitiveParametersWO is write-only: always null in plan and state.
	SensitiveParametersWO        types.Map      `tfsdk:"sensitive_parameters_wo"`
	SensitiveParametersWOVersion types.Int64    `tfsdk:"sensitive_parameters_wo_version"`
	Status                       types.String   `tfsdk:"status"`
	Code                         types.String   `tfsdk:"code"`
	ProxyEndpoint                types.String   `tfsdk:"proxy_endpoint"`
	Timeouts                     timeouts.Value `tfsdk:"timeouts"`
}

// modelFromAPI is the one converter from the API's enrollment to state.
// Parameters the API masks keep their values from prior state (or
// configuration); sensitive_parameters is never read back. The keys in
// sensitive (those given in sensitive_parameters or
// sensitive_parameters_wo, remembered in private state) never enter
// parameters, whatever the API answers for them: it masks only keys whose
// names look secret, so a sensitive value under another name (an
// endpoint with a signed query string) comes back in clear.
func modelFromAPI(e *client.CustomerEnrollment, prior enrollmentModel, sensitive []string) enrollmentModel {
	m := prior
	m.SensitiveParametersWO = types.MapNull(types.StringType)
	m.ID = types.StringValue(e.ID)
	m.ServiceID = types.StringValue(e.ServiceID)
	m.Status = types.StringValue(e.Status)
	m.Code = tfutil.StringOrNull(e.Code)
	m.ProxyEndpoint = tfutil.StringOrNull(e.ProxyEndpoint)

	priorPlain := map[string]string{}
	if !prior.Parameters.IsNull() && !prior.Parameters.IsUnknown() {
		for k, v := range prior.Parameters.Elements() {
			if s, ok := v.(types.String); ok {
				priorPlain[k] = s.ValueString()
			}
		}
	}
	priorSecret := map[string]bool{}
	for _, k := range sensitive {
		priorSecret[k] = true
	}
	if !prior.SensitiveParameters.IsNull() && !prior.SensitiveParameters.IsUnknown() {
		for k := range prior.SensitiveParameters.Elements() {
			priorSecret[k] = true
		}
	}
	plain := map[string]string{}
	for k, v := range e.Parameters {
		if priorSecret[k] {
			continue
		}
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		if s == client.MaskedValue {
			// A masked value cannot be compared: keep the configured one,
			// and leave out one that was never configured (import).
			if pv, ok := priorPlain[k]; ok {
				plain[k] = pv
			}
			continue
		}
		plain[k] = s
	}
	if len(plain) == 0 && !prior.Parameters.IsNull() && !prior.Parameters.IsUnknown() && len(prior.Parameters.Elements()) == 0 {
		m.Parameters = prior.Parameters // keep an explicitly empty map
	} else {
		m.Parameters = tfutil.StringMapValue(plain)
	}
	return m
}

type enrollmentsModel struct {
	ServiceID   types.String          `tfsdk:"service_id"`
	Status      types.String          `tfsdk:"status"`
	Enrollments []enrollmentItemModel `tfsdk:"enrollments"`
}

type enrollmentItemModel struct {
	ID            types.String `tfsdk:"id"`
	ServiceID     types.String `tfsdk:"service_id"`
	ServiceName   types.String `tfsdk:"service_name"`
	Status        types.String `tfsdk:"status"`
	Code          types.String `tfsdk:"code"`
	ProxyEndpoint types.String `tfsdk:"proxy_endpoint"`
	Parameters    types.Map    `tfsdk:"parameters"`
	CreatedAt     types.String `tfsdk:"created_at"`
	UpdatedAt     types.String `tfsdk:"updated_at"`
}

func enrollmentItemModelFromAPI(e client.CustomerEnrollment) enrollmentItemModel {
	params := map[string]string{}
	for k, v := range e.Parameters {
		if s, ok := v.(string); ok {
			params[k] = s
		} else {
			params[k] = fmt.Sprint(v)
		}
	}
	m := enrollmentItemModel{
		ID: types.StringValue(e.ID), ServiceID: types.StringValue(e.ServiceID), Status: types.StringValue(e.Status),
		Code: tfutil.StringOrNull(e.Code), ProxyEndpoint: tfutil.StringOrNull(e.ProxyEndpoint),
		Parameters: tfutil.StringMapValue(params), CreatedAt: types.StringValue(e.CreatedAt), UpdatedAt: tfutil.StringOrNull(e.UpdatedAt),
		ServiceName: types.StringNull(),
	}
	if name, ok := e.Service["name"].(string); ok {
		m.ServiceName = types.StringValue(name)
	}
	return m
}
