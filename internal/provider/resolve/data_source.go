package resolve

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &resolveDataSource{}
	_ datasource.DataSourceWithConfigure = &resolveDataSource{}
)

// Strategies are the routing strategies the API knows.
var Strategies = []string{"weighted_random", "by_price", "lowest_latency", "by_content"}

// Gateways are the gateway kinds a path can belong to.
var Gateways = []string{client.GatewayAPI, client.GatewayS3, client.GatewaySMTP}

// NewDataSource returns the unitysvc_resolve data source.
func NewDataSource() datasource.DataSource { return &resolveDataSource{} }

type resolveDataSource struct{ pd *tfutil.ProviderData }

func (d *resolveDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resolve"
}

func candidateAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"service_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "Service UUID."},
		"service_name":  schema.StringAttribute{Computed: true, MarkdownDescription: "Service name."},
		"provider_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Upstream provider."},
		"weight":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Weight in a weighted random pick (10 unless set)."},
		"enrollment_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Your enrollment the request would go through (BYOK), if any."},
	}
}

func (d *resolveDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Dry-runs the gateway's routing decision: which services a request to `path` (with `routing_key`) " +
			"would be routed to, under which strategy, and — when the choice does not depend on the request — which one " +
			"would be picked. Nothing is sent upstream. One API call per read.\n\n" +
			"Use it in a `check` block to warn when routing is not what you expect (a failed assertion warns without blocking " +
			"the apply), or in a `lifecycle { postcondition }` to fail the plan. See the *Routing checks* guide.\n\n" +
			"`selected` is set only when the pick is decided before a request arrives: exactly one candidate, or a " +
			"deterministic strategy (`by_price`, `lowest_latency`). It is null for a weighted random pick among several " +
			"candidates and for `by_content`, whose pick depends on the request body (`content_dependent = true`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier derived from the inputs: the same for the same path, routing key, strategy and gateway."},
			"path": schema.StringAttribute{
				MarkdownDescription: "Gateway-relative path: `g/<group or collection>`, `a/<alias>`, `e/<enrollment code>`, `p/<service id>`, " +
					"optionally followed by a sub-path. A leading `/` or a full gateway URL is normalised to that form, with a warning. " +
					"Chains (`c/`) and broadcasts (`b/`) are not resolvable as a whole: resolve each step's or target's path.",
				Required:   true,
				Validators: []validator.String{pathValidator{}},
			},
			"routing_key": schema.MapAttribute{
				MarkdownDescription: "Routing key the gateway matches against members' keys, for example `{ model = \"gpt-4o\" }` (a request body's `model`). Omit to see every candidate of the path.",
				Optional:            true,
				ElementType:         types.StringType,
			},
			"strategy": schema.StringAttribute{
				MarkdownDescription: "Strategy to resolve with instead of the group's own: one of " + tfutil.BacktickList(Strategies) + ". " +
					"When unset, reports the strategy in force (`weighted_random` when the group declares none).",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(Strategies...)},
			},
			"gateway": schema.StringAttribute{
				MarkdownDescription: "Which gateway the path belongs to: " + tfutil.BacktickList(Gateways) + ". Defaults to `api`.",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(Gateways...)},
			},
			"content_dependent": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the pick depends on the request body (then `selected` is null)."},
			"candidates": schema.ListNestedAttribute{
				MarkdownDescription: "Services the request could be routed to, in the gateway's order. Empty when nothing matches.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: candidateAttributes()},
			},
			"candidate_service_ids": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "`service_id` of each candidate, in order."},
			"selected": schema.SingleNestedAttribute{
				MarkdownDescription: "The candidate that would serve the request, when that is decided before the request arrives; otherwise null.",
				Computed:            true,
				Attributes:          candidateAttributes(),
			},
			"selected_service_id": schema.StringAttribute{Computed: true, MarkdownDescription: "`selected.service_id`, or null."},
			"gateway_refusal": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Why the gateway would refuse a request to `path` outright, in the gateway's words: an unknown prefix (`x/...`), " +
					"no such collection, group, alias or enrollment, an alias loop. `candidates` is then empty and the read warns with the same text. " +
					"Null when the path routes, and when its target exists but no service matches (an unknown `model`, say): that is an empty " +
					"`candidates` without a refusal. Set when the API gives the reason (unitysvc-local does); otherwise the warning names what the " +
					"provider can tell from the path itself.",
			},
		},
	}
}

func (d *resolveDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *resolveDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m resolveModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, warning, err := normalizePath(m.Path.ValueString(), d.pd.GatewayURL)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Invalid path", err.Error())
		return
	}
	if warning != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("path"), "Path normalised", warning)
	}
	r := requestOf(ctx, m, p, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := d.pd.Client.Resolve(ctx, r)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to resolve %q", p), err)
		return
	}
	warnRefusal(&resp.Diagnostics, p, out)
	m.Path = types.StringValue(p)
	m.Gateway = types.StringValue(r.Gateway)
	m.ID = types.StringValue(stableID(r))
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(m, out))...)
}

// normalizePath turns what a user may write for a path into the
// gateway-relative form the API takes: a full gateway URL loses its base,
// a leading "/" is dropped. warning says what was changed.
func normalizePath(raw, gatewayURL string) (p, warning string, err error) {
	p = strings.TrimSpace(raw)
	switch {
	case tfutil.IsURL(p):
		rel, err := tfutil.GatewayRelative(p, gatewayURL)
		if err != nil {
			return "", "", fmt.Errorf("path %w", err)
		}
		p = rel
		warning = fmt.Sprintf("path %q is a full URL; resolving its gateway-relative part %q. Write path = %q to silence this warning.", raw, p, p)
	case strings.HasPrefix(p, "/"):
		p = strings.TrimLeft(p, "/")
		warning = fmt.Sprintf("path %q starts with \"/\"; resolving %q. Paths are gateway-relative: write path = %q to silence this warning.", raw, p, p)
	}
	if p == "" {
		return "", "", fmt.Errorf("path %q names no gateway path: give a gateway-relative path such as g/my-llms, a/prod-chat, e/CEFF or p/<service id>", raw)
	}
	if prefix, _, _ := strings.Cut(p, "/"); prefix == "c" || prefix == "b" {
		kind := map[string]string{"c": "chain", "b": "broadcast"}[prefix]
		return "", "", fmt.Errorf("path %q is a %s: a %s runs several paths, so it cannot be resolved as one. Resolve each step's or target's target_path instead (for example with a unitysvc_resolve per step)", raw, kind, kind)
	}
	return p, warning, nil
}

// pathValidator refuses at plan time what normalizePath refuses.
type pathValidator struct{}

func (pathValidator) Description(context.Context) string {
	return "must be a gateway-relative path such as g/my-llms, a/prod-chat, e/CEFF or p/<service id>; not a chain (c/) or broadcast (b/)"
}

func (v pathValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (pathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, _, err := normalizePath(req.ConfigValue.ValueString(), ""); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid path", err.Error())
	}
}

// warnRefusal warns when a path has no candidates because the gateway
// would refuse it outright, naming the gateway's reason (from the API,
// else what the provider reads in the path itself). An empty list
// because no service matches is no warning: that is the answer.
func warnRefusal(diags *diag.Diagnostics, p string, out *client.ResolveResponse) {
	if len(out.Candidates) > 0 {
		return
	}
	if r := out.Refusal; r != nil {
		diags.AddAttributeWarning(path.Root("path"), "The gateway would refuse this path",
			fmt.Sprintf("No candidates: the gateway answers a request to %q with HTTP %d: %s", p, r.Status, r.Detail))
		return
	}
	if err := tfutil.GatewayPathProblem(p); err != "" {
		diags.AddAttributeWarning(path.Root("path"), "The gateway would refuse this path", "No candidates: "+err)
	}
}
