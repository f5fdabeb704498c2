package files

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type filesModel struct {
	ID             types.String `tfsdk:"id"`
	Scope          types.String `tfsdk:"scope"`
	Path           types.String `tfsdk:"path"`
	Objects        types.List   `tfsdk:"objects"`
	Keys           types.List   `tfsdk:"keys"`
	CommonPrefixes types.List   `tfsdk:"common_prefixes"`
	SharedEnabled  types.Bool   `tfsdk:"shared_enabled"`
}

var objectAttrTypes = map[string]attr.Type{
	"key":           types.StringType,
	"size":          types.Int64Type,
	"last_modified": types.StringType,
}

// modelFromAPI is the one conversion of a (whole) listing to state.
func modelFromAPI(l *client.AccountFilesList, scope, path string) filesModel {
	objs := make([]attr.Value, 0, len(l.Objects))
	keys := make([]string, 0, len(l.Objects))
	for _, o := range l.Objects {
		objs = append(objs, types.ObjectValueMust(objectAttrTypes, map[string]attr.Value{
			"key": types.StringValue(o.Key), "size": types.Int64Value(o.Size), "last_modified": types.StringValue(o.LastModified),
		}))
		keys = append(keys, o.Key)
	}
	prefixes := l.CommonPrefixes
	if prefixes == nil {
		prefixes = []string{}
	}
	return filesModel{
		ID:             types.StringValue(scope + ":" + path),
		Scope:          types.StringValue(scope),
		Path:           types.StringValue(path),
		Objects:        types.ListValueMust(types.ObjectType{AttrTypes: objectAttrTypes}, objs),
		Keys:           tfutil.StringList(keys),
		CommonPrefixes: tfutil.StringList(prefixes),
		SharedEnabled:  types.BoolValue(l.SharedEnabled),
	}
}
