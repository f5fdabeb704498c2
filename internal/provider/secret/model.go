package secret

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type secretModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	Value          types.String `tfsdk:"value"`
	ValueWO        types.String `tfsdk:"value_wo"`
	ValueWOVersion types.Int64  `tfsdk:"value_wo_version"`
	Sensitive      types.Bool   `tfsdk:"sensitive"`
	Description    types.String `tfsdk:"description"`
	Shared         types.Bool   `tfsdk:"shared"`
	OwnerType      types.String `tfsdk:"owner_type"`
}

// modelFromAPI is the one converter from the API's secret to state. The
// value is taken from the API only for variables managed through value;
// a sensitive value cannot be read, and value_wo never enters state.
func modelFromAPI(s *client.SecretPublic, prior secretModel) secretModel {
	m := prior
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.Sensitive = types.BoolValue(s.Sensitive)
	m.Shared = types.BoolValue(s.Shared())
	m.Description = tfutil.StringOrNull(s.Description)
	m.OwnerType = types.StringValue(s.OwnerType)
	m.ValueWO = types.StringNull()
	if !s.Sensitive && prior.ValueWOVersion.IsNull() && s.Value != nil {
		m.Value = types.StringValue(*s.Value)
	}
	return m
}
