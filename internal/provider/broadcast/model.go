package broadcast

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// Defaults of the API (see BroadcastCreate); the limits are
// routingobject's.
const (
	defaultMode    = "sync"
	defaultTimeout = 30000
)

var modes = []string{"sync", "async"}

// broadcastModel is the state of unitysvc_broadcast (and the data source).
type broadcastModel struct {
	routingobject.Common
	Mode            types.String `tfsdk:"mode"`
	TargetTimeoutMS types.Int64  `tfsdk:"target_timeout_ms"`
	Targets         types.List   `tfsdk:"targets"`
}

// targetModel is one element of targets.
type targetModel struct {
	Name               types.String `tfsdk:"name"`
	TargetPath         types.String `tfsdk:"target_path"`
	RoutingKeyOverride types.Map    `tfsdk:"routing_key_override"`
}

var targetAttrTypes = map[string]attr.Type{
	"name":                 types.StringType,
	"target_path":          types.StringType,
	"routing_key_override": types.MapType{ElemType: types.StringType},
}

var targetObjectType = types.ObjectType{AttrTypes: targetAttrTypes}

// overrideStrings renders routing_key_override values as strings: strings
// as they are, anything else (set outside Terraform) as its JSON text.
func overrideStrings(m map[string]any) map[string]string {
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

// modelFromAPI is the one converter from the API's broadcast to state,
// used by Create, Read, Update, import and the data source; routingobject
// converts the common part.
func modelFromAPI(b *client.BroadcastPublic, common routingobject.Common) broadcastModel {
	targets := make([]attr.Value, 0, len(b.Targets))
	for _, t := range b.Targets {
		targets = append(targets, types.ObjectValueMust(targetAttrTypes, map[string]attr.Value{
			"name":                 types.StringValue(t.Name),
			"target_path":          types.StringValue(t.TargetPath),
			"routing_key_override": tfutil.StringMapValue(overrideStrings(t.RoutingKeyOverride)),
		}))
	}
	return broadcastModel{
		Common:          common,
		Mode:            types.StringValue(b.Mode),
		TargetTimeoutMS: types.Int64Value(b.TargetTimeoutMS),
		Targets:         types.ListValueMust(targetObjectType, targets),
	}
}

// targetsToAPI converts the planned targets to the API's body; sort_order
// is the list position.
func targetsToAPI(ctx context.Context, l types.List, diags *diag.Diagnostics) []client.BroadcastTargetCreate {
	var targets []targetModel
	diags.Append(l.ElementsAs(ctx, &targets, false)...)
	out := make([]client.BroadcastTargetCreate, 0, len(targets))
	for i, t := range targets {
		bt := client.BroadcastTargetCreate{Name: t.Name.ValueString(), TargetPath: t.TargetPath.ValueString(), SortOrder: int64(i)}
		if m := tfutil.StringMap(ctx, t.RoutingKeyOverride, diags); len(m) > 0 {
			bt.RoutingKeyOverride = make(map[string]any, len(m))
			for k, v := range m {
				bt.RoutingKeyOverride[k] = v
			}
		}
		out = append(out, bt)
	}
	return out
}
