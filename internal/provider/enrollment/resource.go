package enrollment

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                   = &enrollmentResource{}
	_ resource.ResourceWithConfigure      = &enrollmentResource{}
	_ resource.ResourceWithImportState    = &enrollmentResource{}
	_ resource.ResourceWithValidateConfig = &enrollmentResource{}
)

// secretLookingKey reports whether the API masks a parameter key on read
// (it matches key, password, token, secret, credential or passphrase,
// case-insensitively).
func secretLookingKey(k string) bool {
	lk := strings.ToLower(k)
	for _, part := range []string{"key", "password", "token", "secret", "credential", "passphrase"} {
		if strings.Contains(lk, part) {
			return true
		}
	}
	return false
}

// defaultCreateTimeout bounds the wait for activation.
const defaultCreateTimeout = 5 * time.Minute

// NewResource returns the unitysvc_enrollment resource.
func NewResource() resource.Resource { return &enrollmentResource{} }

type enrollmentResource struct {
	pd *tfutil.ProviderData
	// pollMin and pollMax bound the backoff while waiting for activation.
	pollMin, pollMax time.Duration
}

func (r *enrollmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_enrollment"
}

func (r *enrollmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An enrollment in a UnitySVC service that needs one (for example a bring-your-own-key service), " +
			"with the parameters the service asks for. Creating it waits until the enrollment is `active` " +
			"(see `timeouts`); destroying it cancels the enrollment.\n\n" +
			"The API has no update for enrollments: changing any argument replaces the enrollment.\n\n" +
			"**Sensitive parameters:** put keys, passwords and tokens in `sensitive_parameters`, or — on Terraform 1.11+ / " +
			"OpenTofu 1.11+ — in the write-only `sensitive_parameters_wo`, which never enters plan or state (change " +
			"`sensitive_parameters_wo_version` to enroll again with new values). The API masks " +
			"secret-looking parameters on read (`***masked***`), so their values are kept from your configuration " +
			"and a change made outside Terraform is not detected. A key given in either sensitive map never enters " +
			"`parameters`, whatever its name and whatever the API answers for it: the provider remembers the keys' names " +
			"(never their values) in the resource's private state.\n\n" +
			"**Import:** `terraform import unitysvc_enrollment.example <enrollment id>`. Sensitive parameters cannot " +
			"be imported (the API never returns them); `parameters` holds what the API reads back in clear, without the keys it masks. After an import, the first plan adopts the configured " +
			"`sensitive_parameters` in place, without replacing the enrollment, when their keys are the ones the API " +
			"reports as masked; their values are taken from the configuration as they are (not compared).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The enrollment's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"service_id": schema.StringAttribute{
				MarkdownDescription: "UUID of the service to enroll in (for example from the `unitysvc_service` data source). The service's enrollment mode must not be `disallowed`. Changing it replaces the enrollment.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(tfutil.UUIDRegexp, "must be a service UUID, for example data.unitysvc_service.byok.id")},
			},
			"parameters": schema.MapAttribute{
				MarkdownDescription: "Enrollment parameters the service asks for (see the `parameters` of the `unitysvc_service` data source), for example `{ endpoint = \"https://llm.example.com/v1\" }`. Values are read back and drift is shown. Do not put secrets here: use `sensitive_parameters`. Changing it replaces the enrollment.",
				ElementType:         types.StringType,
				Optional:            true,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"sensitive_parameters": schema.MapAttribute{
				MarkdownDescription: "Secret parameters such as `api_key`, merged with `parameters` into the request. Marked sensitive; the API masks them on read, so their values are kept from configuration and never reported as drift. A key may not appear in both maps. Cannot be read back by import (see above). Changing it replaces the enrollment.",
				ElementType:         types.StringType,
				Optional:            true,
				Sensitive:           true,
				Validators:          []validator.Map{mapvalidator.PreferWriteOnlyAttribute(path.MatchRoot("sensitive_parameters_wo"))},
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(adoptAfterImport,
					"Changing it replaces the enrollment, except right after an import, when configured keys the API reports as masked are adopted in place.",
					"Changing it replaces the enrollment, except right after an import, when configured keys the API reports as masked are adopted in place.")},
			},
			"sensitive_parameters_wo": schema.MapAttribute{
				MarkdownDescription: "Write-only secret parameters, merged into the request like `sensitive_parameters` but never stored in plan or state. Requires Terraform 1.11+ or OpenTofu 1.11+. Sent only when the enrollment is created: change `sensitive_parameters_wo_version` to enroll again with new values. Conflicts with `sensitive_parameters`.",
				ElementType:         types.StringType,
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
				Validators:          []validator.Map{mapvalidator.ConflictsWith(path.MatchRoot("sensitive_parameters"))},
			},
			"sensitive_parameters_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `sensitive_parameters_wo`. Changing it replaces the enrollment, sending the current write-only values (right after an import, configured keys the API reports as masked are adopted in place).",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("sensitive_parameters_wo"))},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(adoptWriteOnlyAfterImport,
					"Changing it replaces the enrollment, except right after an import, when the configured write-only keys are ones the API reports as masked.",
					"Changing it replaces the enrollment, except right after an import, when the configured write-only keys are ones the API reports as masked.")},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The enrollment's status: `active` once created; the API may later report `paused`. A `cancelled` enrollment is treated as gone.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"code": schema.StringAttribute{
				MarkdownDescription: "The enrollment's unique 4-character code (Crockford base32); the gateway path `e/<code>` reaches it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"proxy_endpoint": schema.StringAttribute{
				MarkdownDescription: "The gateway URL that reaches this enrollment (`<gateway>/e/<code>`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, CreateDescription: "How long to wait for the enrollment to become active (default `5m`), as a duration such as `30s` or `10m`."}),
		},
	}
}

func (r *enrollmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// ValidateConfig rejects a key set in both maps and warns about a
// secret-looking key in the plain map.
func (r *enrollmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg enrollmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only keys matter here; values may still be unknown (variables,
	// other resources' attributes) during validation.
	plain := mapKeys(cfg.Parameters)
	secret := mapKeys(cfg.SensitiveParameters)
	for k := range mapKeys(cfg.SensitiveParametersWO) {
		secret[k] = ""
	}
	if !cfg.SensitiveParametersWO.IsNull() && cfg.SensitiveParametersWOVersion.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("sensitive_parameters_wo_version"), "sensitive_parameters_wo without a version",
			"sensitive_parameters_wo is sent when the enrollment is created, but without sensitive_parameters_wo_version there is no way to tell Terraform the values changed. Set sensitive_parameters_wo_version = 1 and increase it to enroll again with new values.")
	}
	for _, k := range sortedKeys(plain) {
		if _, dup := secret[k]; dup {
			resp.Diagnostics.AddAttributeError(path.Root("parameters").AtMapKey(k), "Parameter set twice",
				fmt.Sprintf("Parameter %q is set in both parameters and sensitive_parameters (or sensitive_parameters_wo). Keep it in one of them (the sensitive one for secrets).", k))
		} else if secretLookingKey(k) {
			resp.Diagnostics.AddAttributeWarning(path.Root("parameters").AtMapKey(k), "Secret-looking parameter in parameters",
				fmt.Sprintf("Parameter %q looks secret: the API masks it on read and its value is stored in state unmarked. Move it to sensitive_parameters.", k))
		}
	}
}

// mapKeys returns the keys of a known map (values may be unknown).
func mapKeys(m types.Map) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k := range m.Elements() {
		out[k] = ""
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// maskedKeysPrivate is the private-state key holding the parameter keys
// the API last reported as masked, so a plan right after an import can
// tell configured sensitive_parameters that already exist from new ones.
const maskedKeysPrivate = "masked_parameter_keys"

// privateSetter is the part of a response's private state Create and
// Read write to.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// recordMaskedKeys stores the keys e reports as masked in private state.
func recordMaskedKeys(ctx context.Context, e *client.CustomerEnrollment, private privateSetter) diag.Diagnostics {
	keys := []string{}
	for k, v := range e.Parameters {
		if v == client.MaskedValue {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	b, _ := json.Marshal(keys)
	return private.SetKey(ctx, maskedKeysPrivate, b)
}

// sensitiveKeysPrivate is the private-state key holding the names (never
// the values) of the parameters given as sensitive, in
// sensitive_parameters or sensitive_parameters_wo. Write-only keys are in
// neither plan nor state, and the API masks only keys whose names look
// secret: this record is what keeps an echoed sensitive value out of
// parameters (see modelFromAPI).
const sensitiveKeysPrivate = "sensitive_parameter_keys"

// sensitiveKeys is the sorted union of the keys of the sensitive maps of
// plan and configuration, and of the keys already recorded.
func sensitiveKeys(plan, cfg enrollmentModel, recorded []string) []string {
	set := map[string]string{}
	for _, k := range recorded {
		set[k] = ""
	}
	for k := range mapKeys(plan.SensitiveParameters) {
		set[k] = ""
	}
	for k := range mapKeys(cfg.SensitiveParametersWO) {
		set[k] = ""
	}
	return sortedKeys(set)
}

// recordSensitiveKeys stores the sensitive keys' names in private state.
func recordSensitiveKeys(ctx context.Context, keys []string, private privateSetter) diag.Diagnostics {
	b, _ := json.Marshal(keys)
	return private.SetKey(ctx, sensitiveKeysPrivate, b)
}

// recordedSensitiveKeys reads the names recordSensitiveKeys stored (none
// after an import, or for state written before they were recorded).
func recordedSensitiveKeys(ctx context.Context, private privateGetter) ([]string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, sensitiveKeysPrivate)
	var keys []string
	if len(raw) > 0 && json.Unmarshal(raw, &keys) != nil {
		keys = nil
	}
	return keys, diags
}

// adoptAfterImport decides whether a change of sensitive_parameters
// replaces the enrollment. After an import the state has none (the API
// never returns them); configured keys that the API reports as masked
// already exist on the enrollment, so they are adopted in place. Any
// other change replaces it, since the API has no update.
func adoptAfterImport(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = true
	if !req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	resp.RequiresReplace = !allMasked(ctx, req.Private, req.PlanValue, &resp.Diagnostics)
}

// adoptWriteOnlyAfterImport is adoptAfterImport for
// sensitive_parameters_wo, whose keys only the configuration holds: a
// version set for the first time right after an import adopts configured
// keys the API reports as masked; any other version change replaces.
func adoptWriteOnlyAfterImport(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = true
	if !req.StateValue.IsNull() || req.PlanValue.IsNull() {
		return
	}
	var state enrollmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.SensitiveParameters.IsNull() {
		return
	}
	var wo types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("sensitive_parameters_wo"), &wo)...)
	if wo.IsNull() || wo.IsUnknown() {
		return
	}
	resp.RequiresReplace = !allMasked(ctx, req.Private, wo, &resp.Diagnostics)
}

// privateGetter is the part of a plan request's private state the
// adopt functions read.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// allMasked reports whether every key of m is one the API last reported
// as masked (recorded by Read in private state).
func allMasked(ctx context.Context, private privateGetter, m types.Map, diags *diag.Diagnostics) bool {
	raw, d := private.GetKey(ctx, maskedKeysPrivate)
	diags.Append(d...)
	var masked []string
	if len(raw) == 0 || json.Unmarshal(raw, &masked) != nil {
		return false
	}
	for k := range m.Elements() {
		if !slices.Contains(masked, k) {
			return false
		}
	}
	return true
}

// requestParameters merges the plain, sensitive and write-only
// parameters (the last only in configuration).
func requestParameters(ctx context.Context, plan, cfg enrollmentModel, diags *diag.Diagnostics) map[string]any {
	out := map[string]any{}
	for _, m := range []types.Map{plan.Parameters, plan.SensitiveParameters, cfg.SensitiveParametersWO} {
		for k, v := range tfutil.StringMap(ctx, m, diags) {
			out[k] = v
		}
	}
	return out
}

func (r *enrollmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, cfg enrollmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	params := requestParameters(ctx, plan, cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	sensitive := sensitiveKeys(plan, cfg, nil)
	resp.Diagnostics.Append(recordSensitiveKeys(ctx, sensitive, resp.Private)...)
	serviceID := plan.ServiceID.ValueString()
	created := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to enroll in service "+serviceID, tfutil.Creation[client.CustomerEnrollment]{
		Resource: "unitysvc_enrollment",
		Claims:   r.pd.Claims(),
		What:     "enrollment in service " + serviceID + " with the configured parameters",
		Create: func(ctx context.Context) (*client.CustomerEnrollment, error) {
			c, err := r.pd.Client.CreateEnrollment(ctx, client.ServiceEnrollmentCreate{ServiceID: serviceID, Parameters: params, SensitiveKeys: sensitive}, false)
			if err != nil {
				return nil, err
			}
			return &client.CustomerEnrollment{ID: c.ID, ServiceID: c.ServiceID, OwnerID: c.OwnerID, Status: c.Status}, nil
		},
		// Enrolling again with the same service and parameters reactivates
		// the same enrollment: they are its natural key.
		Find: func(ctx context.Context) ([]client.CustomerEnrollment, error) {
			all, err := r.pd.Client.ListEnrollments(ctx)
			return slices.DeleteFunc(all, func(e client.CustomerEnrollment) bool {
				return e.ServiceID != serviceID || e.OwnerID == nil || e.Status == client.EnrollmentCancelled || !sameParameters(params, e.Parameters)
			}), err
		},
		Differences: func(*client.CustomerEnrollment) []string { return nil },
		ID:          func(e *client.CustomerEnrollment) string { return e.ID },
		ImportID:    func(e *client.CustomerEnrollment) string { return e.ID },
		// Masked values compare as equal, so an older enrollment whose
		// visible parameters are the same matches too: only one that was
		// not live before this create, and was made (or reactivated) since
		// it started, is this create's.
		ListFirst: true,
		CreatedAt: madeAt,
		Schema:    req.Plan.Schema,
	})
	if created == nil {
		return
	}
	tflog.Debug(ctx, "enrollment created, waiting for activation", map[string]any{"id": created.ID, "timeout": timeout.String()})

	e, err := r.waitSettled(ctx, created.ID, timeout)
	switch {
	case err != nil && e == nil:
		// Could not read it back at all: keep it in state (tainted) so it
		// is not orphaned; the next apply replaces it.
		plan.ID = types.StringValue(created.ID)
		plan.Status = types.StringValue(created.Status)
		plan.Code, plan.ProxyEndpoint = types.StringNull(), types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read enrollment "+created.ID+" while waiting for activation", err)
		return
	case e.Status == client.EnrollmentPending:
		// Still pending: it may yet activate. Saved in state and marked
		// tainted by Terraform, so the next apply cancels and re-creates it.
		resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(e, plan, sensitive))...)
		resp.Diagnostics.AddError("Enrollment did not become active in time",
			fmt.Sprintf("Enrollment %s in service %s is still pending after %s. It is saved in state as tainted: the next apply cancels it and enrolls again. Raise timeouts.create if activation is slow.", e.ID, serviceID, timeout))
		return
	case e.Status == client.EnrollmentIncomplete:
		// It will never become active with these parameters and cannot be
		// updated: cancel it, so nothing half-made is left behind.
		missing := r.missingParameters(ctx, serviceID, params)
		cancelNote := "It was cancelled, so nothing is left behind."
		if _, cerr := r.pd.Client.CancelEnrollment(ctx, e.ID); cerr != nil && !client.IsNotFound(cerr) {
			cancelNote = "Cancelling it failed too (" + tfutil.APIErrorDetail(cerr) + "); cancel enrollment " + e.ID + " yourself."
		}
		what := "a required parameter is missing"
		if len(missing) > 0 {
			what = "missing required parameter(s): " + strings.Join(missing, ", ")
		}
		resp.Diagnostics.AddAttributeError(path.Root("parameters"), "Enrollment is incomplete",
			fmt.Sprintf("Enrollment %s in service %s ended incomplete: %s. %s Add the missing parameter(s) to parameters (or sensitive_parameters for secrets) and apply again.", e.ID, serviceID, what, cancelNote))
		return
	case e.Status != client.EnrollmentActive:
		resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(e, plan, sensitive))...)
		resp.Diagnostics.AddError("Enrollment did not become active",
			fmt.Sprintf("Enrollment %s in service %s is %s instead of active. It is saved in state as tainted: the next apply replaces it.", e.ID, serviceID, e.Status))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(e, plan, sensitive))...)
	resp.Diagnostics.Append(recordMaskedKeys(ctx, e, resp.Private)...)
}

// madeAt is when an enrollment was made or last reactivated: enrolling
// again with the parameters of a cancelled enrollment reactivates it,
// keeping its id and creation time and setting updated_at.
func madeAt(e *client.CustomerEnrollment) string {
	if e.UpdatedAt == nil {
		return e.CreatedAt
	}
	created, ok1 := tfutil.ParseAPITime(e.CreatedAt)
	updated, ok2 := tfutil.ParseAPITime(*e.UpdatedAt)
	if ok2 && (!ok1 || updated.After(created)) {
		return *e.UpdatedAt
	}
	return e.CreatedAt
}

// sameParameters reports whether an enrollment's parameters, as the API
// reads them back, are the ones sent: the same keys, and the same values
// except where the API masks a secret-looking one.
func sameParameters(sent, read map[string]any) bool {
	if len(sent) != len(read) {
		return false
	}
	for k, v := range sent {
		got, ok := read[k]
		if !ok || (got != client.MaskedValue && !tfutil.SameJSON(v, got)) {
			return false
		}
	}
	return true
}

// waitSettled polls the enrollment with exponential backoff until it
// leaves pending or timeout passes. It returns the last enrollment read.
func (r *enrollmentResource) waitSettled(ctx context.Context, id string, timeout time.Duration) (*client.CustomerEnrollment, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	wait, maxWait := r.pollMin, r.pollMax
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	if maxWait <= 0 {
		maxWait = 5 * time.Second
	}
	var last *client.CustomerEnrollment
	for {
		e, err := r.pd.Client.GetEnrollment(ctx, id)
		if err != nil {
			if ctx.Err() != nil && last != nil {
				return last, nil
			}
			return last, err
		}
		last = e
		if e.Status != client.EnrollmentPending {
			return e, nil
		}
		select {
		case <-ctx.Done():
			return last, nil
		case <-time.After(wait):
		}
		wait = min(wait*2, maxWait)
	}
}

// missingParameters names the service's required parameters absent from
// params (best effort: empty when the access plan cannot be read).
func (r *enrollmentResource) missingParameters(ctx context.Context, serviceID string, params map[string]any) []string {
	plan, err := r.pd.Client.GetServiceUsage(ctx, serviceID)
	if err != nil {
		return nil
	}
	var missing []string
	for _, p := range plan.Parameters {
		if v, ok := params[p.Name]; p.Required && (!ok || v == "") && !slices.Contains(missing, p.Name) {
			missing = append(missing, p.Name)
		}
	}
	return missing
}

func (r *enrollmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	var state enrollmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e, err := r.pd.Client.GetEnrollment(ctx, state.ID.ValueString())
	if client.IsNotFound(err) || (err == nil && e.Status == client.EnrollmentCancelled) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read enrollment "+state.ID.ValueString(), err)
		return
	}
	sensitive, diags := recordedSensitiveKeys(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(e, state, sensitive))...)
	resp.Diagnostics.Append(recordMaskedKeys(ctx, e, resp.Private)...)
}

// Update only stores what needs no API call: timeouts, and
// sensitive_parameters adopted after an import; every other argument
// requires replacement.
func (r *enrollmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, cfg enrollmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	recorded, diags := recordedSensitiveKeys(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Keys adopted after an import are sensitive from now on.
	resp.Diagnostics.Append(recordSensitiveKeys(ctx, sensitiveKeys(plan, cfg, recorded), resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *enrollmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state enrollmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := r.pd.Client.CancelEnrollment(ctx, state.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to cancel enrollment "+state.ID.ValueString(), err)
	}
}

// ImportState takes the enrollment's UUID, or the identity { id }.
func (r *enrollmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" {
		id = tfutil.IdentityString(ctx, req, "id", &resp.Diagnostics)
	}
	if !tfutil.UUIDRegexp.MatchString(id) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Unexpected import ID %q: expected the enrollment's UUID (see the unitysvc_enrollments data source).", id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
