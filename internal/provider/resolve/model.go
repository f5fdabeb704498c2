package resolve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// DefaultStrategy is the baseline the API reports as a null
// routing_strategy.
const DefaultStrategy = "weighted_random"

type resolveModel struct {
	ID                  types.String `tfsdk:"id"`
	Path                types.String `tfsdk:"path"`
	RoutingKey          types.Map    `tfsdk:"routing_key"`
	Strategy            types.String `tfsdk:"strategy"`
	Gateway             types.String `tfsdk:"gateway"`
	ContentDependent    types.Bool   `tfsdk:"content_dependent"`
	Candidates          types.List   `tfsdk:"candidates"`
	CandidateServiceIDs types.List   `tfsdk:"candidate_service_ids"`
	Selected            types.Object `tfsdk:"selected"`
	SelectedServiceID   types.String `tfsdk:"selected_service_id"`
	GatewayRefusal      types.String `tfsdk:"gateway_refusal"`
}

// candidateAttrTypes is the object type of one candidate.
var candidateAttrTypes = map[string]attr.Type{
	"service_id":    types.StringType,
	"service_name":  types.StringType,
	"provider_name": types.StringType,
	"weight":        types.Int64Type,
	"enrollment_id": types.StringType,
}

func candidateValue(c client.ResolveCandidate) types.Object {
	weight := int64(10)
	if c.Weight != nil {
		weight = *c.Weight
	}
	return types.ObjectValueMust(candidateAttrTypes, map[string]attr.Value{
		"service_id":    types.StringValue(c.ServiceID),
		"service_name":  tfutil.StringOrNull(c.ServiceName),
		"provider_name": tfutil.StringOrNull(c.ProviderName),
		"weight":        types.Int64Value(weight),
		"enrollment_id": tfutil.StringOrNull(c.EnrollmentID),
	})
}

// modelFromAPI fills the answer into m, whose inputs (path normalised)
// it keeps. A strategy the user set stays as set: it is the one in force.
func modelFromAPI(m resolveModel, r *client.ResolveResponse) resolveModel {
	candidates := make([]attr.Value, 0, len(r.Candidates))
	ids := make([]string, 0, len(r.Candidates))
	for _, c := range r.Candidates {
		candidates = append(candidates, candidateValue(c))
		ids = append(ids, c.ServiceID)
	}
	m.Candidates = types.ListValueMust(types.ObjectType{AttrTypes: candidateAttrTypes}, candidates)
	m.CandidateServiceIDs = tfutil.StringList(ids)
	m.ContentDependent = types.BoolValue(false)
	inForce := DefaultStrategy
	if s := r.RoutingStrategy; s != nil {
		if s.Name != "" {
			inForce = s.Name
		}
		m.ContentDependent = types.BoolValue(s.ContentDependent)
	}
	if m.Strategy.IsNull() || m.Strategy.IsUnknown() {
		m.Strategy = types.StringValue(inForce)
	}
	m.Selected = types.ObjectNull(candidateAttrTypes)
	m.SelectedServiceID = types.StringNull()
	if r.Selected != nil {
		m.Selected = candidateValue(*r.Selected)
		m.SelectedServiceID = types.StringValue(r.Selected.ServiceID)
	}
	m.GatewayRefusal = types.StringNull()
	if r.Refusal != nil {
		m.GatewayRefusal = types.StringValue(r.Refusal.Detail)
	}
	return m
}

// requestOf is the API request m asks for.
func requestOf(ctx context.Context, m resolveModel, path string, diags *diag.Diagnostics) client.ResolveRequest {
	req := client.ResolveRequest{Path: path, Gateway: m.Gateway.ValueString()}
	if req.Gateway == "" {
		req.Gateway = client.GatewayAPI
	}
	if !m.Strategy.IsNull() && !m.Strategy.IsUnknown() {
		s := m.Strategy.ValueString()
		req.Strategy = &s
	}
	if !m.RoutingKey.IsNull() && !m.RoutingKey.IsUnknown() {
		keys := tfutil.StringMap(ctx, m.RoutingKey, diags)
		req.RoutingKey = make(map[string]any, len(keys))
		for k, v := range keys {
			req.RoutingKey[k] = v
		}
	}
	return req
}

// stableID is the same for the same inputs: a hash of the request.
func stableID(req client.ResolveRequest) string {
	b, _ := json.Marshal(req) // map keys are marshalled sorted
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}
