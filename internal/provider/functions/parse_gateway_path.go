package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// parsedAttrTypes is parse_gateway_path's result.
var parsedAttrTypes = map[string]attr.Type{
	"wrappers":     types.ListType{ElemType: types.StringType},
	"routed_path":  types.StringType,
	"kind":         types.StringType,
	"name":         types.StringType,
	"sub_path":     types.StringType,
	"log":          types.BoolType,
	"log_complete": types.BoolType,
	"cache":        types.BoolType,
	"cache_ttl":    types.StringType,
	"cache_renew":  types.BoolType,
	"failover_to":  types.StringType,
	"tee_to":       types.StringType,
	"query":        types.StringType,
}

// kinds names each routed prefix.
var kinds = map[string]string{"g": "group", "p": "service", "e": "enrollment", "a": "alias", "c": "chain", "b": "broadcast", "": "service_path"}

// NewParseGatewayPath returns provider::unitysvc::parse_gateway_path.
func NewParseGatewayPath() function.Function { return &parseGatewayPath{} }

type parseGatewayPath struct{}

func (f *parseGatewayPath) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_gateway_path"
}

func (f *parseGatewayPath) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Take a gateway path apart: its wrappers, its target and its sub-path",
		MarkdownDescription: "Returns the parts of a gateway-relative path, the inverse of `wrapped_path`: `wrappers` (the wrapper prefixes in the order " +
			"written, such as `[\"l\", \"m\"]`), `routed_path` (the path without wrappers or query, such as `g/my-llms/v1/chat/completions`), " +
			"`kind` (`group`, `service`, `enrollment`, `alias`, `chain`, `broadcast`, or `service_path` for a path such as `openai/...` whose first segment is longer than one letter), `name` (for a service path, its first segment), `sub_path` (`\"\"` when none), the wrappers' " +
			"settings `log`, `log_complete`, `cache`, `cache_ttl`, `cache_renew`, `failover_to`, `tee_to` (null strings when unset), and " +
			"`query`, the parameters that are not the wrappers' (they go upstream; `\"\"` when none). A path the gateway would not route is an error " +
			"saying why, so the function also validates a path.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "path", MarkdownDescription: "Gateway-relative path, with or without a leading `/`."},
		},
		Return: function.ObjectReturn{AttributeTypes: parsedAttrTypes},
	}
}

func (f *parseGatewayPath) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var p string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &p))
	if resp.Error != nil {
		return
	}
	g, err := tfutil.ParseGatewayPath(p)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	orNull := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	wrappers := g.Wrappers
	if wrappers == nil {
		wrappers = []string{}
	}
	obj, diags := types.ObjectValue(parsedAttrTypes, map[string]attr.Value{
		"wrappers":     tfutil.StringList(wrappers),
		"routed_path":  types.StringValue(g.Routed()),
		"kind":         types.StringValue(kinds[g.Prefix]),
		"name":         types.StringValue(g.Name),
		"sub_path":     types.StringValue(g.SubPath),
		"log":          types.BoolValue(g.Log),
		"log_complete": types.BoolValue(g.LogComplete),
		"cache":        types.BoolValue(g.Cache),
		"cache_ttl":    orNull(g.CacheTTL),
		"cache_renew":  types.BoolValue(g.CacheRenew),
		"failover_to":  orNull(g.FailoverTo),
		"tee_to":       orNull(g.TeeTo),
		"query":        types.StringValue(g.Query),
	})
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, obj))
}
