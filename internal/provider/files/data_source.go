package files

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ datasource.DataSource              = &filesDataSource{}
	_ datasource.DataSourceWithConfigure = &filesDataSource{}
)

// Scopes are the account-file scopes.
var Scopes = []string{client.FileScopePersonal, client.FileScopeShared}

// NewDataSource returns the unitysvc_account_files data source.
func NewDataSource() datasource.DataSource { return &filesDataSource{} }

type filesDataSource struct{ pd *tfutil.ProviderData }

func (d *filesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_files"
}

func (d *filesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists one folder of your account files: the objects in it and its sub-folders, every page of the " +
			"listing (one API call per page of up to 1,000 entries).\n\n" +
			"Account files are uploaded and downloaded with the SDK or the API (`POST /v1/files/upload` gives a presigned-POST " +
			"ticket, `GET /v1/files/download` a presigned URL); there is no managed resource for them, because the API has no " +
			"delete: a resource could not remove on destroy what it created. Use this data source to read what is there, for " +
			"example to check that a file a configuration relies on exists.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<scope>:<path>`."},
			"scope": schema.StringAttribute{
				MarkdownDescription: "`personal` (default): your own folder; `shared`: the team's folder, which needs a team plan " +
					"(the read fails with the API's 403 otherwise; `shared_enabled` of a personal listing tells).",
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(Scopes...)},
			},
			"path": schema.StringAttribute{
				MarkdownDescription: "Folder relative to the scope root, such as `reports/2026/` (a missing trailing `/` is added). Defaults to the root (`\"\"`).",
				Optional:            true, Computed: true,
				Validators: []validator.String{folderValidator{}},
			},
			"objects": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The files in the folder, sorted by key.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":           schema.StringAttribute{Computed: true, MarkdownDescription: "Key relative to the scope root (the folder included)."},
					"size":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Size in bytes."},
					"last_modified": schema.StringAttribute{Computed: true, MarkdownDescription: "When it was last written (RFC 3339)."},
				}},
			},
			"keys":            schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "`key` of each object, in order."},
			"common_prefixes": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The sub-folders, each ending in `/`, sorted."},
			"shared_enabled":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether your plan has the shared scope."},
		},
	}
}

func (d *filesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.pd = tfutil.ConfigureDataSource(req, resp)
}

func (d *filesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m filesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	scope := m.Scope.ValueString()
	if scope == "" {
		scope = client.FileScopePersonal
	}
	folder := m.Path.ValueString()
	if folder != "" && !strings.HasSuffix(folder, "/") {
		folder += "/"
	}
	l, err := d.pd.Client.ListAccountFiles(ctx, scope, folder)
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the %s account files in %q", scope, folder), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(l, scope, folder))...)
}

// folderValidator refuses a folder that would leave the scope root or
// that the API would refuse.
type folderValidator struct{}

func (folderValidator) Description(context.Context) string {
	return "must be a folder relative to the scope root: no leading '/', no '.' or '..' segment, no '//'"
}

func (v folderValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (folderValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	p := strings.TrimSuffix(req.ConfigValue.ValueString(), "/")
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "\\\x00") {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid path",
				fmt.Sprintf("%q is not a folder relative to the scope root: it may not start with '/', hold an empty, '.' or '..' segment, or a backslash. Write it as reports/2026/, or leave path unset for the root.", req.ConfigValue.ValueString()))
			return
		}
	}
}
