package requestlog

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                = &loggingResource{}
	_ resource.ResourceWithConfigure   = &loggingResource{}
	_ resource.ResourceWithImportState = &loggingResource{}
	_ resource.ResourceWithModifyPlan  = &loggingResource{}
)

// SettingID is the id of the one request-logging setting per user.
const SettingID = "current"

// NewResource returns the unitysvc_request_logging resource.
func NewResource() resource.Resource { return &loggingResource{} }

type loggingResource struct{ pd *tfutil.ProviderData }

type loggingModel struct {
	ID                  types.String `tfsdk:"id"`
	Enabled             types.Bool   `tfsdk:"enabled"`
	TruncateLongMessage types.Bool   `tfsdk:"truncate_long_message"`
}

func (r *loggingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request_logging"
}

func (r *loggingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Request logging for the API key's user: while it is on, the gateway records each request you send " +
			"(and each upstream attempt, chain steps included) so that `unitysvc_request_logs` and `unitysvc_request_log` can " +
			"read them. Logging is opt-in and per user; logs already recorded stay readable after it is turned off.\n\n" +
			"Declare it once per API key: a second `unitysvc_request_logging` resource for the same provider configuration is refused at plan. Creating or changing it turns logging on (`enabled = true`) or off; destroying it " +
			"turns logging off.\n\n" +
			"**Drift is not detected.** The API has no way to read the current setting, so the state holds what was last " +
			"applied: if logging is switched outside Terraform, the next plan does not notice. Change an argument (or taint " +
			"the resource) to send the setting again.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Always `" + SettingID + "`: there is one setting per user.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether requests are logged. Defaults to `true`.",
				Optional:            true, Computed: true,
				Default: booldefault.StaticBool(true),
			},
			"truncate_long_message": schema.BoolAttribute{
				MarkdownDescription: "`true` stores an 8 KB inline preview of long bodies; `false` stores them in full (readable through `unitysvc_request_log`). Unset keeps the preference stored with your account.",
				Optional:            true,
			},
		},
	}
}

func (r *loggingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// plannedPrivate is the private-state key holding the token that tells
// one unitysvc_request_logging resource instance from another during a
// plan: Terraform plans a replaced instance twice, handing the second
// call what the first one planned.
const plannedPrivate = "planned_singleton"

// ModifyPlan refuses a second unitysvc_request_logging resource for the
// same provider configuration (API key): request logging is one setting
// per user, so two resources would overwrite each other and the last
// call to land would win.
func (r *loggingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.pd == nil {
		return // destroyed, or not configured yet
	}
	token, diags := req.Private.GetKey(ctx, plannedPrivate)
	resp.Diagnostics.Append(diags...)
	if len(token) == 0 {
		token = []byte(`"` + rand.Text() + `"`)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, plannedPrivate, token)...)
	}
	if !r.pd.Claims().ClaimAs("unitysvc_request_logging", SettingID, string(token)) {
		resp.Diagnostics.AddError("unitysvc_request_logging declared twice",
			"This configuration has more than one unitysvc_request_logging resource for the same provider configuration (API key). "+
				"Request logging is one setting per user: two resources would overwrite each other, and the last call to land would win. "+
				"Keep one unitysvc_request_logging resource per API key (a provider alias with another api_key is another user).")
	}
}

// send turns logging on or off as m says, adding an error to diags when
// the API refuses (at the attribute a 422 names, in schema s).
func (r *loggingResource) send(ctx context.Context, s tfutil.SchemaPaths, m loggingModel, diags *diag.Diagnostics) {
	var err error
	if m.Enabled.ValueBool() {
		_, err = r.pd.Client.StartRequestLogging(ctx, m.TruncateLongMessage.ValueBoolPointer())
	} else {
		_, err = r.pd.Client.StopRequestLogging(ctx)
	}
	if err != nil {
		verb := map[bool]string{true: "start", false: "stop"}[m.Enabled.ValueBool()]
		tfutil.AddAPIErrorAt(ctx, diags, s, tfutil.APIFields{}, "Unable to "+verb+" request logging", err)
	}
}

func (r *loggingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var m loggingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.send(ctx, req.Plan.Schema, m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(SettingID)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read keeps the state: the API cannot tell the current setting.
func (r *loggingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	var m loggingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Enabled.IsNull() {
		// Just imported: the API cannot say, so assume the default.
		m.Enabled = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *loggingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var m loggingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.send(ctx, req.Plan.Schema, m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(SettingID)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Delete turns logging off.
func (r *loggingResource) Delete(ctx context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	if _, err := r.pd.Client.StopRequestLogging(ctx); err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to stop request logging", err)
	}
}

// ImportState accepts the fixed id "current".
func (r *loggingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if id := tfutil.ImportID(ctx, req, &resp.Diagnostics); id != SettingID {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Unexpected import ID %q: request logging is one setting per user, imported with the ID %q.", id, SettingID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), SettingID)...)
}
