package catalog

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &serviceDocumentsDataSource{}
	_ datasource.DataSourceWithConfigure = &serviceDocumentsDataSource{}
)

// DocumentCategories are the API's document categories.
var DocumentCategories = []string{
	"getting_started", "api_reference", "tutorial", "code_example", "code_example_output", "connectivity_test",
	"request_template", "use_case", "troubleshooting", "changelog", "best_practice", "specification",
	"service_level_agreement", "terms_of_service", "statement", "invoice", "logo", "avatar", "blog_content",
	"blog_banner", "attachment", "other",
}

// NewServiceDocumentsDataSource returns the unitysvc_service_documents data source.
func NewServiceDocumentsDataSource() datasource.DataSource { return &serviceDocumentsDataSource{} }

type serviceDocumentsDataSource struct{ pd *tfutil.ProviderData }

func (d *serviceDocumentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_documents"
}

func (d *serviceDocumentsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a service's public documents — getting-started guides, API references, code examples, " +
			"connectivity tests — in one API call. Readable without an API key.\n\n" +
			"Code examples and connectivity tests come back **rendered against one access interface** (the gateway base URL " +
			"filled in), so `content` is runnable as it is. Set `interface` to pick another one of `available_interfaces`.",
		Attributes: map[string]schema.Attribute{
			"service_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the service (for example `data.unitysvc_service.x.id`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a service UUID")},
			},
			"category": schema.StringAttribute{
				MarkdownDescription: "Only documents of this category: one of " + tfutil.BacktickList(DocumentCategories) + ".",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(DocumentCategories...)},
			},
			"mime_type": schema.StringAttribute{
				MarkdownDescription: "Only documents of this mime type, which is the language for code examples: `python`, `javascript`, `bash`, ...",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"include_content": schema.BoolAttribute{
				MarkdownDescription: "Return each document's `content` (rendered where applicable). Defaults to `false`: content is null.",
				Optional:            true,
			},
			"interface": schema.StringAttribute{
				MarkdownDescription: "Interface key to render examples against (one of `available_interfaces`). When unset, the service's default is used and reported here.",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"available_interfaces": computedStrings("Interface keys the documents can be rendered against."),
			"documents": schema.ListNestedAttribute{
				MarkdownDescription: "The documents, in the service's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":           computedString("Document UUID."),
					"title":        computedString("Title."),
					"description":  computedString("Description."),
					"category":     computedString("Category."),
					"mime_type":    computedString("Mime type (the language, for code examples)."),
					"version":      computedString("Version."),
					"sort_order":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Position in the service's order."},
					"external_url": computedString("Where a URL-backed document lives (its `content` is null)."),
					"filename":     computedString("File name (a template's `.j2` removed)."),
					"content":      computedString("Content, rendered for renderable documents; null unless `include_content` is true, and for URL-backed documents."),
					"render_error": computedString("Why rendering failed, when it did."),
				}},
			},
		},
	}
}

func (d *serviceDocumentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *serviceDocumentsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m serviceDocumentsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := client.DocumentFilter{
		Category: m.Category.ValueString(), MimeType: m.MimeType.ValueString(),
		IncludeContent: m.IncludeContent.ValueBool(), Interface: m.Interface.ValueString(),
	}
	docs, err := d.pd.Client.ListServiceDocuments(ctx, m.ServiceID.ValueString(), f)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read the documents of service "+m.ServiceID.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, serviceDocumentsModelFromAPI(m, docs))...)
}
