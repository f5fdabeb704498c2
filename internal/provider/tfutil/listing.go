package tfutil

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// Scope filter values: every object, the caller's personal ones, or the
// team's shared ones.
const (
	ScopeAll      = "all"
	ScopePersonal = "personal"
	ScopeShared   = "shared"
)

// ScopeFilter is the scope filter every list of scoped objects offers.
// The API's own filter (?shared=true) lists the shared ones; personal
// ones are the rest of the default listing.
var ScopeFilter = Filter{Name: "scope", OneOf: []string{ScopeAll, ScopePersonal, ScopeShared},
	Description: "Which objects: `all` (default), `personal` (yours) or `shared` (your team's)."}

// InScope reports whether an object whose scope is shared passes the
// scope filter value (empty = all).
func InScope(scope string, shared bool) bool {
	switch scope {
	case ScopePersonal:
		return !shared
	case ScopeShared:
		return shared
	}
	return true
}

// Filter is one filter of a listing: a string attribute of both its data
// source and its list resource. Null (unset) means no filtering.
type Filter struct {
	Name        string
	Description string
	// OneOf restricts the value; UUID requires a UUID.
	OneOf []string
	UUID  bool
}

func (f Filter) validators() []validator.String {
	switch {
	case len(f.OneOf) > 0:
		return []validator.String{stringvalidator.OneOf(f.OneOf...)}
	case f.UUID:
		return []validator.String{stringvalidator.RegexMatches(UUIDRegexp, "must be a UUID")}
	}
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

// Listing is one managed type's listing, shared by its list data source
// (unitysvc_<plural>) and its list resource (unitysvc_<noun>, for
// Terraform 1.14+'s `terraform query`): the same filters and the same
// API calls. T is what List returns for one object.
type Listing[T any] struct {
	// Noun is the resource's name ("secret"), Plural the data source's and
	// its list attribute's ("secrets").
	Noun, Plural string
	// Description says what is listed, for both schemas.
	Description string
	Filters     []Filter
	// List returns every matching object (every page), given the set
	// filters by name.
	List func(ctx context.Context, c *client.Client, filters map[string]string) ([]T, error)
	// Keep, when set, is the filtering the API does not do: an object
	// List returned is listed only when Keep says so.
	Keep func(o *T, filters map[string]string) bool

	// ItemAttributes are the data source's item attributes (import_id
	// included); Item converts one object to a struct with those
	// attributes.
	ItemAttributes map[string]dsschema.Attribute
	Item           func(*T, *ProviderData) any

	// Resource converts one object to the resource's state model, for
	// list results that include the resource object. It may call the API
	// when the listing lacks fields the state has. Display names the
	// object for humans. full is false when only the identity is wanted:
	// then no API call is needed.
	Resource func(ctx context.Context, c *client.Client, o *T, pd *ProviderData, full bool) (any, error)
	Display  func(*T) string
}

func (l *Listing[T]) filters(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	for _, f := range l.Filters {
		var v types.String
		diags.Append(cfg.GetAttribute(ctx, path.Root(f.Name), &v)...)
		if !v.IsNull() && !v.IsUnknown() {
			out[f.Name] = v.ValueString()
		}
	}
	return out
}

func (l *Listing[T]) list(ctx context.Context, pd *ProviderData, cfg tfsdk.Config, diags *diag.Diagnostics) []T {
	filters := l.filters(ctx, cfg, diags)
	if diags.HasError() {
		return nil
	}
	if pd == nil || !pd.Client.HasAPIKey() {
		diags.AddError("API key required", fmt.Sprintf("Listing %s needs an API key: set the provider's api_key or UNITYSVC_API_KEY.", l.Plural))
		return nil
	}
	items, err := l.List(ctx, pd.Client, filters)
	if err != nil {
		AddAPIError(diags, "Unable to list "+l.Plural, err)
		return nil
	}
	if l.Keep != nil {
		items = slices.DeleteFunc(items, func(o T) bool { return !l.Keep(&o, filters) })
	}
	return items
}

// DataSource returns the constructor of the list data source.
func (l *Listing[T]) DataSource() func() datasource.DataSource {
	return func() datasource.DataSource { return &listDataSource[T]{l: l} }
}

type listDataSource[T any] struct {
	l  *Listing[T]
	pd *ProviderData
}

var _ datasource.DataSourceWithConfigure = &listDataSource[any]{}

func (d *listDataSource[T]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.l.Plural
}

func (d *listDataSource[T]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]dsschema.Attribute{
		d.l.Plural: dsschema.ListNestedAttribute{
			MarkdownDescription: "The matching " + d.l.Plural + ". Each `import_id` is the ID `unitysvc_" + d.l.Noun + "` imports by, ready for an `import` block with `for_each`.",
			Computed:            true,
			NestedObject:        dsschema.NestedAttributeObject{Attributes: d.l.ItemAttributes},
		},
	}
	for _, f := range d.l.Filters {
		attrs[f.Name] = dsschema.StringAttribute{Optional: true, MarkdownDescription: f.Description, Validators: f.validators()}
	}
	resp.Schema = dsschema.Schema{
		MarkdownDescription: d.l.Description + " Every page is read. For adopting objects made outside Terraform: see the guide *Adopting an existing account*.",
		Attributes:          attrs,
	}
}

func (d *listDataSource[T]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = ConfigureDataSource(req, resp)
}

func (d *listDataSource[T]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	items := d.l.list(ctx, d.pd, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out := make([]any, 0, len(items))
	for i := range items {
		out = append(out, d.l.Item(&items[i], d.pd))
	}
	resp.State.Raw = req.Config.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(d.l.Plural), out)...)
}

// ListResource returns the constructor of the list resource.
func (l *Listing[T]) ListResource() func() list.ListResource {
	return func() list.ListResource { return &listResource[T]{l: l} }
}

type listResource[T any] struct {
	l  *Listing[T]
	pd *ProviderData
}

var _ list.ListResourceWithConfigure = &listResource[any]{}

func (r *listResource[T]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.l.Noun
}

func (r *listResource[T]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]listschema.Attribute{}
	for _, f := range r.l.Filters {
		attrs[f.Name] = listschema.StringAttribute{Optional: true, MarkdownDescription: f.Description, Validators: f.validators()}
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: r.l.Description + " Every page is read; each result carries the identity `unitysvc_" + r.l.Noun + "` imports by.",
		Attributes:          attrs,
	}
}

func (r *listResource[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = ConfigureResource(req, resp)
}

// List streams one result per object: its identity (copied from the
// resource object, as the resource's own Read does) and, when asked, the
// resource object.
func (r *listResource[T]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	items := r.l.list(ctx, r.pd, req.Config, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range items {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = r.l.Display(&items[i])
			m, err := r.l.Resource(ctx, r.pd.Client, &items[i], r.pd, req.IncludeResource)
			if err != nil {
				AddAPIError(&result.Diagnostics, "Unable to read "+r.l.Noun+" "+result.DisplayName, err)
				if !push(result) {
					return
				}
				continue
			}
			result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			result.Diagnostics.Append(copyIdentity(ctx, *result.Resource, result.Identity)...)
			if !req.IncludeResource {
				result.Resource = nil
			}
			if !push(result) {
				return
			}
		}
	}
}
