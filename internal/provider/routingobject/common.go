package routingobject

import (
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// Limits of the API every routing object shares (ChainCreate,
// BroadcastCreate and their children).
const (
	NameMax        = 64
	DescriptionMax = 500
	TargetPathMax  = 500
)

// Common is the state every routing object has; each area's model embeds
// it (the framework reads embedded structs' tfsdk tags).
type Common struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Enabled     types.Bool   `tfsdk:"enabled"`
	Shared      types.Bool   `tfsdk:"shared"`
	GatewayPath types.String `tfsdk:"gateway_path"`
	GatewayURL  types.String `tfsdk:"gateway_url"`
}

// Object is what every routing object of the API has in common.
type Object struct {
	ID, Name, CreatedAt string
	Description         *string
	Enabled, Shared     bool
}

// gatewayPath is an object's gateway-relative path: "<prefix>/<name>",
// the string the gateway matches (a target path is never unescaped, so a
// name is never escaped in it; the names the provider accepts need no
// escaping anyway).
func gatewayPath(prefix, name string) string { return prefix + "/" + name }

// common is the one conversion of an API object's common part to state.
func (k *Kind[M, O, C, U, K]) common(o Object, pd *tfutil.ProviderData) Common {
	gp := gatewayPath(k.Prefix, o.Name)
	return Common{
		ID:          types.StringValue(o.ID),
		Name:        types.StringValue(o.Name),
		Description: tfutil.StringOrNull(o.Description),
		Enabled:     types.BoolValue(o.Enabled),
		Shared:      types.BoolValue(o.Shared),
		GatewayPath: types.StringValue(gp),
		// A URL carries the name as one escaped segment: the same as gp
		// for every name the provider accepts, and still one segment for
		// an imported object whose name is not routable.
		GatewayURL: pd.GatewayURLOf(k.Prefix + "/" + url.PathEscape(o.Name)),
	}
}

// resourceSchema is the area's resource schema: the common attributes
// and the area's own.
func (k *Kind[M, O, C, U, K]) resourceSchema() schema.Schema {
	n, at := k.Noun, "`/"+k.Prefix+"/<name>`"
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The " + n + "'s UUID.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "Name, 1 to 64 characters, unique within its scope (personal or shared); the " + n + " is dispatched at " + at + ", so it uses only " + tfutil.RoutingNameRule + ". Changing it replaces the " + n + ".",
			Required:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, NameMax), tfutil.RoutingNameValidator(k.Prefix)},
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "Free-text description, 1 to 500 characters.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, DescriptionMax)},
		},
		"enabled": schema.BoolAttribute{
			MarkdownDescription: "Whether the " + n + " serves requests; a disabled " + n + " answers 404 at the gateway. Defaults to `true`.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(true),
		},
		"shared": schema.BoolAttribute{
			MarkdownDescription: "`true` creates the " + n + " in the team (shared) scope, visible to every member of your organisation; `false` (default) in your personal scope. A personal and a shared " + n + " may have the same name. Changing it replaces the " + n + ".",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"gateway_path": schema.StringAttribute{
			MarkdownDescription: "Gateway-relative path of the " + n + ", `" + k.Prefix + "/<name>`: usable as the `target_path` of a chain step or a broadcast target.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"gateway_url": schema.StringAttribute{
			MarkdownDescription: "Full gateway URL of the " + n + " (the provider's `gateway_url` followed by " + at + "); send requests here, followed by the upstream sub-path such as `/v1/chat/completions`.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
	for name, a := range k.ResourceAttributes {
		attrs[name] = a
	}
	return schema.Schema{MarkdownDescription: k.ResourceDescription, Attributes: attrs}
}

// dataSourceSchema is the area's data source schema: the common
// attributes and the area's own.
func (k *Kind[M, O, C, U, K]) dataSourceSchema() dsschema.Schema {
	n := k.Noun
	attrs := map[string]dsschema.Attribute{
		"name": dsschema.StringAttribute{
			MarkdownDescription: "The " + n + "'s name.",
			Required:            true,
			Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, NameMax), tfutil.RoutingNameValidator(k.Prefix)},
		},
		"shared": dsschema.BoolAttribute{
			MarkdownDescription: "`true` looks only in the team (shared) scope, `false` only in your personal scope. Unset: your personal " + n + " of that name if there is one, else the shared one (the one `/" + k.Prefix + "/<name>` dispatches to).",
			Optional:            true,
			Computed:            true,
		},
		"id":           dsschema.StringAttribute{Computed: true, MarkdownDescription: "The " + n + "'s UUID."},
		"description":  dsschema.StringAttribute{Computed: true, MarkdownDescription: "Description."},
		"enabled":      dsschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the " + n + " serves requests."},
		"gateway_path": dsschema.StringAttribute{Computed: true, MarkdownDescription: "Gateway-relative path, `" + k.Prefix + "/<name>`."},
		"gateway_url":  dsschema.StringAttribute{Computed: true, MarkdownDescription: "Full gateway URL of the " + n + ", when the provider knows the gateway URL."},
	}
	for name, a := range k.DataSourceAttributes {
		attrs[name] = a
	}
	return dsschema.Schema{MarkdownDescription: k.DataSourceDescription, Attributes: attrs}
}
