package alias

import (
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type aliasModel struct {
	ID                 types.String `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	Description        types.String `tfsdk:"description"`
	TargetPath         types.String `tfsdk:"target_path"`
	RequestRoutingKey  types.Map    `tfsdk:"request_routing_key"`
	RoutingKeyOverride types.Map    `tfsdk:"routing_key_override"`
	Routing            types.Bool   `tfsdk:"routing"`
	Shared             types.Bool   `tfsdk:"shared"`
	GatewayPath        types.String `tfsdk:"gateway_path"`
	GatewayURL         types.String `tfsdk:"gateway_url"`
}

// gatewayPath is where the gateway serves an alias.
func gatewayPath(name string) string { return "a/" + name }

// modelFromAPI is the one converter from the API's alias to state, used
// by Create, Read, Update and import. routing is the server's truth.
func modelFromAPI(a *client.ServiceAliasPublic, pd *tfutil.ProviderData) aliasModel {
	gp := gatewayPath(a.Name)
	return aliasModel{
		ID:                 types.StringValue(a.ID),
		Name:               types.StringValue(a.Name),
		Description:        tfutil.StringOrNull(a.Description),
		TargetPath:         types.StringValue(a.TargetPath),
		RequestRoutingKey:  tfutil.StringMapValue(stringValues(a.RequestRoutingKey)),
		RoutingKeyOverride: tfutil.StringMapValue(stringValues(a.RoutingKeyOverride)),
		Routing:            types.BoolValue(a.IsRouting),
		Shared:             types.BoolValue(a.Shared()),
		GatewayPath:        types.StringValue(gp),
		GatewayURL:         pd.GatewayURLOf(gp),
	}
}

// stringValues renders an API object as a map of strings: strings as they
// are, other JSON values (numbers, booleans, objects set outside
// Terraform) as their JSON text.
func stringValues(m map[string]any) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		b, _ := json.Marshal(v)
		out[k] = string(b)
	}
	return out
}

// anyValues is the reverse of stringValues for a request body; nil stays
// nil (no object).
func anyValues(m map[string]string) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
