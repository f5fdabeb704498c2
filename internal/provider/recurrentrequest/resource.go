package recurrentrequest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                     = &recurrentResource{}
	_ resource.ResourceWithConfigure        = &recurrentResource{}
	_ resource.ResourceWithImportState      = &recurrentResource{}
	_ resource.ResourceWithConfigValidators = &recurrentResource{}
	_ resource.ResourceWithValidateConfig   = &recurrentResource{}
	_ resource.ResourceWithModifyPlan       = &recurrentResource{}
)

// Interval bounds, in seconds (the API's default per-service limits).
const (
	IntervalMin = 60
	IntervalMax = 604800
)

var lowerUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// NewResource returns the unitysvc_recurrent_request resource.
func NewResource() resource.Resource { return &recurrentResource{} }

type recurrentResource struct {
	pd *tfutil.ProviderData
}

func (r *recurrentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_recurrent_request"
}

func (r *recurrentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A UnitySVC recurrent request: a gateway request the platform sends for you on a schedule — every " +
			"`interval_seconds`, or on a `cron_expression` in a `timezone` — with your API key, the same way a one-shot request " +
			"would be routed.\n\n" +
			"The API creates recurrent requests as drafts and activates them when a schedule is set; this resource does both in " +
			"one apply (and pauses the request when `status = \"paused\"`). If setting the schedule fails, the draft is deleted " +
			"so nothing is left behind.\n\n" +
			"Run statistics (`run_count`, `last_run_at`, `last_status_code`) change on every run and are not part of the " +
			"resource; `next_run_at` is exposed read-only and refreshes with each plan. A request cancelled outside Terraform " +
			"cannot be reactivated, so it is treated as gone and planned for re-creation.\n\n" +
			"**What is sent.** The body is sent exactly as written. Headers in `headers`, `sensitive_headers` and " +
			"`sensitive_headers_wo` are passed on to the upstream unchanged, except `X-Unitysvc-Log-Request = \"true\"`, " +
			"which asks the gateway to keep each run in the request logs and is not sent upstream; the service's own " +
			"credential headers are added by the gateway. Headers the gateway would drop or replace are refused at plan time, with the reason: " +
			"`Authorization`, `X-Api-Key`, `Cookie`, `Host`, `Content-Length`, `Accept-Encoding`, hop-by-hop and forwarding " +
			"headers. Credentials for the upstream belong in `sensitive_headers` (or the write-only `sensitive_headers_wo`): " +
			"the API masks credential headers in its answers (`***masked***`), and the provider never copies them into " +
			"`headers`.\n\n" +
			"**Who it runs as.** Each scheduled run is made with the identity, and the personal secrets, of the user who last " +
			"changed what the request sends (its path, body or headers); a trigger runs as the user who triggers it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The recurrent request's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name, 1 to 200 characters and not only white space, unique among your recurrent requests that are not cancelled (a duplicate is refused with 409). If the answer to a create is lost, the provider finds the request it made by this name, so set one. Changed in place.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, 200),
					stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be only white space"),
				},
			},
			"service_id": schema.StringAttribute{
				MarkdownDescription: "UUID (lower case) of the catalog service the request is for, when it targets one service. Changing it replaces the request.",
				Optional:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(lowerUUID, "must be a UUID in lower case, for example 3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a9b")},
			},
			"enrollment_id": schema.StringAttribute{
				MarkdownDescription: "UUID (lower case) of the enrollment the request runs through, for BYOK services. Changing it replaces the request.",
				Optional:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(lowerUUID, "must be a UUID in lower case, for example 3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a9b")},
			},
			"request_path": schema.StringAttribute{
				MarkdownDescription: "Gateway path the request is sent to, for example `/g/llm/v1/chat/completions`: `/g/`, `/p/`, `/e/`, `/a/`, `/c/` or `/b/` and a name (optionally behind the wrappers `/l/`, `/m/`, `/f/`, `/t/`), then the upstream's path. With `service_id` or `enrollment_id`, a path that is not a gateway route (such as `/v1/chat/completions`) is taken relative to that service or enrollment. A path that could never run (another prefix, white space around it) is refused at plan time. A full gateway URL is sent as its path, with a warning. Changed in place.",
				Required:            true,
				Validators:          []validator.String{requestPathValidator{}},
			},
			"http_method": schema.StringAttribute{
				MarkdownDescription: "HTTP method: `GET`, `POST` (default), `PUT`, `PATCH` or `DELETE`. The API cannot change it, so changing it replaces the request.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("POST"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.OneOf("GET", "POST", "PUT", "PATCH", "DELETE")},
			},
			"body": schema.StringAttribute{
				MarkdownDescription: "Request body template, a JSON object as a string — usually `jsonencode({...})`. Sent exactly as written (numbers such as `1.0` or `12345678901234567890123` are never rounded). Compared as JSON by value, so formatting, key order, string escapes and the form of a number (`1.0` and `1`) never make a diff. Changed in place.",
				Optional:            true,
				CustomType:          tfutil.JSONType{},
				Validators:          []validator.String{jsonObjectValidator{}},
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Headers sent with each request, passed on to the upstream as they are (for example `OpenAI-Beta = \"assistants=v2\"`). Headers the gateway drops or replaces are refused at plan time: `Authorization` and `X-Api-Key` (each run is authenticated as you, and the upstream's credentials come from the service and your secrets), `Cookie`, `Host`, `Content-Length`, `Accept-Encoding`, hop-by-hop headers (`Connection`, `Keep-Alive`, `Proxy-*`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`) and forwarding headers (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`). A header whose name says it carries a credential (it contains key, token, secret, password, passphrase, credential, auth, signature or session) belongs in `sensitive_headers` or `sensitive_headers_wo`. Replaced as a whole when changed, in place.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1), headersValidator{plain: true}},
			},
			"sensitive_headers": schema.MapAttribute{
				MarkdownDescription: "Headers that carry credentials (for example `X-Upstream-Token`), sent with each request like `headers` but marked sensitive. The API masks credential headers in its answers, so their values are kept from your configuration and a change made outside Terraform is not detected (a header removed outside Terraform is). The same names as `headers` are refused. Changed in place.",
				ElementType:         types.StringType,
				Optional:            true,
				Sensitive:           true,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1), headersValidator{},
					mapvalidator.PreferWriteOnlyAttribute(path.MatchRoot("sensitive_headers_wo")),
				},
			},
			"sensitive_headers_wo": schema.MapAttribute{
				MarkdownDescription: "Write-only credential headers, sent like `sensitive_headers` but never stored in plan or state. Requires Terraform 1.11+ or OpenTofu 1.11+. Sent with every create and update: change `sensitive_headers_wo_version` to send new values. Conflicts with `sensitive_headers`.",
				ElementType:         types.StringType,
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1), headersValidator{},
					mapvalidator.ConflictsWith(path.MatchRoot("sensitive_headers")),
				},
			},
			"sensitive_headers_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `sensitive_headers_wo`. Changing it updates the request in place, sending the current write-only values.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("sensitive_headers_wo"))},
			},
			"interval_seconds": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Run every this many seconds, %d (1 minute) to %d (7 days). Exactly one of `interval_seconds` and `cron_expression` must be set. Changed in place.", IntervalMin, IntervalMax),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(IntervalMin, IntervalMax)},
			},
			"cron_expression": schema.StringAttribute{
				MarkdownDescription: "Run on this standard 5-field cron expression (minute hour day-of-month month day-of-week), for example `0 */6 * * *`; no seconds field, `@daily`-style descriptors or `TZ=` prefixes. Evaluated in `timezone`. Exactly one of `interval_seconds` and `cron_expression` must be set. Changed in place.",
				Optional:            true,
				Validators:          []validator.String{cronValidator{}},
			},
			"timezone": schema.StringAttribute{
				MarkdownDescription: "IANA time zone the `cron_expression` is evaluated in, for example `Europe/Berlin`. Defaults to `UTC`; any other value needs `cron_expression`. Changed in place.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultTimezone),
				Validators: []validator.String{
					timezoneValidator{},
					timezoneNeedsCron{},
				},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active` (default) runs the request on its schedule; `paused` keeps it without running it. Changed in place.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(client.RecurrentStatusActive),
				Validators:          []validator.String{stringvalidator.OneOf(client.RecurrentStatusActive, client.RecurrentStatusPaused)},
			},
			"next_run_at": schema.StringAttribute{
				MarkdownDescription: "When the request runs next (RFC 3339, UTC), as the API reports it; null while paused. Refreshed on every read.",
				Computed:            true,
			},
		},
	}
}

func (r *recurrentResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("interval_seconds"), path.MatchRoot("cron_expression")),
	}
}

// ValidateConfig checks what spans attributes: a path must be a gateway
// route unless service_id or enrollment_id is set; a header is set once
// across headers, sensitive_headers and sensitive_headers_wo (names are
// case-insensitive); write-only headers want a version.
func (r *recurrentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg recurrentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.RequestPath.IsUnknown() && !cfg.RequestPath.IsNull() && cfg.ServiceID.IsNull() && cfg.EnrollmentID.IsNull() {
		if p := requestPathProblem(cfg.RequestPath.ValueString(), false); p != "" {
			resp.Diagnostics.AddAttributeError(path.Root("request_path"), "Invalid request_path", p)
		}
	}
	seen := map[string]string{}
	for _, a := range []struct {
		attr string
		m    types.Map
	}{{"headers", cfg.Headers}, {"sensitive_headers", cfg.SensitiveHeaders}, {"sensitive_headers_wo", cfg.SensitiveHeadersWO}} {
		if a.m.IsNull() || a.m.IsUnknown() {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(a.m.Elements())) {
			canon := http.CanonicalHeaderKey(name)
			if prev, dup := seen[canon]; dup {
				resp.Diagnostics.AddAttributeError(path.Root(a.attr).AtMapKey(name), "Header set twice",
					fmt.Sprintf("Header %q is also set in %s (header names are case-insensitive). Set each header once.", name, prev))
			}
			seen[canon] = a.attr
			if a.attr != "headers" && !credentialHeader(name) {
				resp.Diagnostics.AddAttributeWarning(path.Root(a.attr).AtMapKey(name), "Sensitive header the API may show",
					fmt.Sprintf("Header %q is kept out of state, but its name does not say it carries a credential (none of %s), so API answers (GET /recurrent-requests) may show its value. Prefer a name the API masks.", name, strings.Join(credentialParts, ", ")))
			}
		}
	}
	if !cfg.SensitiveHeadersWO.IsNull() && cfg.SensitiveHeadersWOVersion.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("sensitive_headers_wo_version"), "sensitive_headers_wo without a version",
			"sensitive_headers_wo is sent with every create and update, but without sensitive_headers_wo_version there is no way to tell Terraform the values changed. Set sensitive_headers_wo_version = 1 and increase it to send new values.")
	}
}

// ModifyPlan warns when request_path is a full URL: the request is sent
// to its gateway-relative path.
func (r *recurrentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.pd == nil {
		return
	}
	var raw types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("request_path"), &raw)...)
	if raw.IsUnknown() || raw.IsNull() {
		return
	}
	if _, warning := r.requestPath(raw.ValueString()); warning != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("request_path"), "request_path normalised", warning)
	}
}

// requestPath is the path to send for request_path as written: a full
// gateway URL is sent as its gateway-relative path, and warning says so.
func (r *recurrentResource) requestPath(raw string) (sent, warning string) {
	if !tfutil.IsURL(raw) {
		return raw, ""
	}
	gw := ""
	if r.pd != nil {
		gw = r.pd.GatewayURL
	}
	rel, err := tfutil.GatewayRelative(raw, gw)
	if err != nil {
		return raw, "" // refused by the validator
	}
	sent = "/" + rel
	return sent, fmt.Sprintf("request_path %q is a full URL; the request is sent to its gateway path %q. Write request_path = %q to silence this warning.", raw, sent, sent)
}

// samePath keeps the request_path as written (prior) when it is what
// the API holds (api), so a full URL written in the configuration is no
// change.
func (r *recurrentResource) samePath(m *recurrentModel, prior types.String) {
	if prior.IsNull() || prior.IsUnknown() {
		return
	}
	if sent, _ := r.requestPath(prior.ValueString()); sent == m.RequestPath.ValueString() {
		m.RequestPath = prior
	}
}

// sensitiveNamesKey is the private-state key holding the names of the
// headers sent as sensitive, so a read keeps them out of headers even
// when they were write-only (and so absent from state).
const sensitiveNamesKey = "sensitive_header_names"

func storedSensitiveNames(ctx context.Context, private interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}, diags *diag.Diagnostics) []string {
	raw, d := private.GetKey(ctx, sensitiveNamesKey)
	diags.Append(d...)
	var names []string
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &names)
	}
	return names
}

func storeSensitiveNames(ctx context.Context, private interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}, names []string, diags *diag.Diagnostics) {
	if names == nil {
		names = []string{}
	}
	b, _ := json.Marshal(names)
	diags.Append(private.SetKey(ctx, sensitiveNamesKey, b)...)
}

func (r *recurrentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

func (r *recurrentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, cfg recurrentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sentPath, _ := r.requestPath(plan.RequestPath.ValueString())
	body := client.RecurrentRequestCreate{
		ServiceID:    tfutil.StringPtr(plan.ServiceID),
		EnrollmentID: tfutil.StringPtr(plan.EnrollmentID),
		RequestPath:  sentPath,
		HTTPMethod:   plan.HTTPMethod.ValueString(),
		Name:         tfutil.StringPtr(plan.Name),
	}
	if b := plan.bodyJSON(); b != nil {
		body.BodyTemplate = *b
	}
	if h := plan.headers(ctx, cfg, &resp.Diagnostics); h != nil {
		body.RequestHeaders = *h
	}
	names := sensitiveNames(plan, cfg)
	if resp.Diagnostics.HasError() {
		return
	}
	draft := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to create recurrent request", tfutil.Creation[client.RecurrentRequestPublic]{
		Resource: "unitysvc_recurrent_request",
		Claims:   r.pd.Claims(),
		What:     recurrentWhat(body.Name),
		Create: func(ctx context.Context) (*client.RecurrentRequestPublic, error) {
			return r.pd.Client.CreateRecurrentRequest(ctx, body)
		},
		// Names are unique per customer among requests that are not
		// cancelled; an unnamed request is looked for among the unnamed.
		Find: func(ctx context.Context) ([]client.RecurrentRequestPublic, error) {
			all, err := r.pd.Client.ListRecurrentRequests(ctx, client.ListRecurrentRequestsOptions{})
			return slices.DeleteFunc(all, func(rr client.RecurrentRequestPublic) bool {
				return rr.Status == client.RecurrentStatusCancelled || !tfutil.SameJSON(rr.Name, body.Name)
			}), err
		},
		Differences: func(rr *client.RecurrentRequestPublic) []string { return differences(body, rr) },
		ID:          func(rr *client.RecurrentRequestPublic) string { return rr.ID },
		ImportID:    func(rr *client.RecurrentRequestPublic) string { return rr.ID },
		CreatedAt:   func(rr *client.RecurrentRequestPublic) string { return rr.CreatedAt },
		Schema:      req.Plan.Schema,
		Fields:      apiFields,
	})
	if draft == nil {
		return
	}
	rr, err := activate(ctx, r.pd.Client, draft.ID, plan.schedule(), plan.Status.ValueString())
	if err != nil {
		var cerr *createError
		if errors.As(err, &cerr) {
			if p, ok := apiFields.ErrorPath(ctx, req.Plan.Schema, err); ok {
				resp.Diagnostics.AddAttributeError(p, "Unable to create recurrent request", cerr.Error())
				return
			}
			resp.Diagnostics.AddError("Unable to create recurrent request", cerr.Error())
			return
		}
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to create recurrent request", err)
		return
	}
	m := modelFromAPI(rr, plan, names)
	r.samePath(&m, plan.RequestPath)
	storeSensitiveNames(ctx, resp.Private, names, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *recurrentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	var state recurrentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rr, err := r.pd.Client.GetRecurrentRequest(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read recurrent request "+state.ID.ValueString(), err)
		return
	}
	if rr.Status == client.RecurrentStatusCancelled {
		// Cancelled is final: nothing can bring it back, so plan a new one.
		tflog.Info(ctx, "recurrent request was cancelled outside Terraform; treating it as gone", map[string]any{"id": rr.ID})
		resp.State.RemoveResource(ctx)
		return
	}
	names := storedSensitiveNames(ctx, req.Private, &resp.Diagnostics)
	for _, k := range sensitiveNames(state, recurrentModel{}) {
		if !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	m := modelFromAPI(rr, state, names)
	r.samePath(&m, state.RequestPath)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// apiFields maps the bodies' fields to the attributes: the schedule's
// fields are top-level attributes.
var apiFields = tfutil.APIFields{Names: map[string]string{"body_template": "body", "request_headers": "headers", "schedule": ""}}

func (r *recurrentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, state, cfg recurrentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	sentPath, _ := r.requestPath(plan.RequestPath.ValueString())
	patch := client.RecurrentRequestUpdate{
		RequestPath:    client.NullableOf(sentPath),
		BodyTemplate:   client.NullableFrom(plan.bodyJSON()),
		RequestHeaders: client.NullableFrom(plan.headers(ctx, cfg, &resp.Diagnostics)),
		Name:           client.NullableFrom(tfutil.StringPtr(plan.Name)),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Re-sending an unchanged schedule would restart its interval, so it
	// is sent only when it changed (or to activate a draft).
	if plan.scheduleChanged(state) || state.Status.ValueString() == client.RecurrentStatusDraft {
		patch.Schedule = client.NullableOrUnset(plan.schedule())
	}
	rr, err := r.pd.Client.UpdateRecurrentRequest(ctx, id, patch)
	if err != nil {
		tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, apiFields, "Unable to update recurrent request "+id, err)
		return
	}
	if want := plan.Status.ValueString(); rr.Status != want {
		rr, err = r.pd.Client.UpdateRecurrentRequest(ctx, id, client.RecurrentRequestUpdate{Status: client.NullableOf(want)})
		if err != nil {
			tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, apiFields, "Unable to set the status of recurrent request "+id+" to "+want, err)
			return
		}
	}
	names := sensitiveNames(plan, cfg)
	m := modelFromAPI(rr, plan, names)
	r.samePath(&m, plan.RequestPath)
	storeSensitiveNames(ctx, resp.Private, names, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *recurrentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state recurrentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.pd.Client.DeleteRecurrentRequest(ctx, state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to delete recurrent request "+state.ID.ValueString(), err)
	}
}

// recurrentWhat names a recurrent request for messages.
func recurrentWhat(name *string) string {
	if name == nil {
		return "unnamed recurrent request"
	}
	return fmt.Sprintf("recurrent request %q", *name)
}

// differences names the fields in which a recurrent request differs from
// the create body (for a create whose answer was lost). A new one is a
// draft; one already scheduled is not this create's.
func differences(body client.RecurrentRequestCreate, rr *client.RecurrentRequestPublic) []string {
	var m tfutil.Mismatches
	m.Check("status (a new request is a draft)", rr.Status == client.RecurrentStatusDraft)
	m.Check("service_id", tfutil.SameJSON(body.ServiceID, rr.ServiceID))
	m.Check("enrollment_id", tfutil.SameJSON(body.EnrollmentID, rr.EnrollmentID))
	m.Check("request_path", body.RequestPath == rr.RequestPath)
	m.Check("http_method", body.HTTPMethod == "" || body.HTTPMethod == rr.HTTPMethod)
	m.Check("body", sameBody(body.BodyTemplate, rr.BodyTemplate))
	m.Check("headers", sameHeaders(body.RequestHeaders, rr.RequestHeaders))
	return m
}

// sameBody reports whether two body templates are the same JSON by
// value (both absent counts as the same).
func sameBody(sent, got json.RawMessage) bool {
	if len(sent) == 0 || len(got) == 0 || string(got) == "null" {
		return len(sent) == 0 && (len(got) == 0 || string(got) == "null")
	}
	return tfutil.SameJSONExactly(string(sent), string(got))
}

// sameHeaders reports whether the API holds the headers sent: the same
// names, and each value equal or masked.
func sameHeaders(sent, got map[string]string) bool {
	if len(sent) != len(got) {
		return false
	}
	for k, v := range sent {
		g, ok := got[k]
		if !ok || (g != v && g != client.MaskedValue) {
			return false
		}
	}
	return true
}

// ImportState accepts the recurrent request's UUID or its name (names
// are unique among a customer's requests that are not cancelled).
func (r *recurrentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID := tfutil.ImportID(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := tfutil.ResolveIDOrName(ctx, "recurrent request", importID, r.pd.Client.FindRecurrentRequestsByName, func(rr *client.RecurrentRequestPublic) (string, bool) { return rr.ID, false })
	if err != nil {
		resp.Diagnostics.AddError("Unable to import recurrent request", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// createError is a create that failed after the draft existed: the step
// that failed, and whether the draft could be cleaned up.
type createError struct {
	step       string
	draftID    string
	err        error
	cleanupErr error
}

func (e *createError) Error() string {
	msg := fmt.Sprintf("%s failed: %s", e.step, tfutil.APIErrorDetail(e.err))
	if e.cleanupErr != nil {
		return msg + fmt.Sprintf("\n\nThe draft recurrent request %s could not be deleted (%s); delete it yourself (DELETE /recurrent-requests/%s) before applying again.",
			e.draftID, tfutil.APIErrorDetail(e.cleanupErr), e.draftID)
	}
	return msg + fmt.Sprintf("\n\nThe draft recurrent request %s created in the first step was deleted, so nothing was left behind.", e.draftID)
}

func (e *createError) Unwrap() error { return e.err }

// activate brings a new draft recurrent request into the state asked
// for: setting the schedule activates it, and a paused request is then
// paused. If a step fails, the draft is deleted so no half-configured
// request is left running or lingering.
func activate(ctx context.Context, c *client.Client, draftID string, schedule *client.RecurrentSchedule, status string) (*client.RecurrentRequestPublic, error) {
	fail := func(step string, err error) error {
		cerr := c.DeleteRecurrentRequest(ctx, draftID)
		if client.IsNotFound(cerr) {
			cerr = nil
		}
		return &createError{step: step, draftID: draftID, err: err, cleanupErr: cerr}
	}
	rr, err := c.UpdateRecurrentRequest(ctx, draftID, client.RecurrentRequestUpdate{Schedule: client.NullableOrUnset(schedule)})
	if err != nil {
		return nil, fail("Setting the schedule", err)
	}
	if rr.Status != status {
		rr, err = c.UpdateRecurrentRequest(ctx, draftID, client.RecurrentRequestUpdate{Status: client.NullableOf(status)})
		if err != nil {
			return nil, fail("Setting the status to "+status, err)
		}
	}
	return rr, nil
}
