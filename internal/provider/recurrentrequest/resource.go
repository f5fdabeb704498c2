package recurrentrequest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
			"cannot be reactivated, so it is treated as gone and planned for re-creation.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The recurrent request's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name, 1 to 200 characters, unique among your recurrent requests that are not cancelled (a duplicate is refused with 409). If the answer to a create is lost, the provider finds the request it made by this name, so set one. Changed in place.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, 200)},
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
				MarkdownDescription: "Gateway path the request is sent to, for example `/g/llm/v1/chat/completions`. Changed in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
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
				MarkdownDescription: "Request body template, a JSON object as a string — usually `jsonencode({...})`. Compared as JSON, so formatting and key order never make a diff. Changed in place.",
				Optional:            true,
				CustomType:          jsontypes.NormalizedType{},
				Validators:          []validator.String{jsonObjectValidator{}},
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Headers sent with each request (for example `X-Unitysvc-Log-Request = \"true\"`). Replaced as a whole when changed, in place.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1)},
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
				MarkdownDescription: "IANA time zone the `cron_expression` is evaluated in, for example `Europe/Berlin`. Defaults to `UTC`; only valid with `cron_expression`. Changed in place.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultTimezone),
				Validators: []validator.String{
					timezoneValidator{},
					stringvalidator.AlsoRequires(path.MatchRoot("cron_expression")),
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

func (r *recurrentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

func (r *recurrentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan recurrentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.RecurrentRequestCreate{
		ServiceID:    tfutil.StringPtr(plan.ServiceID),
		EnrollmentID: tfutil.StringPtr(plan.EnrollmentID),
		RequestPath:  plan.RequestPath.ValueString(),
		HTTPMethod:   plan.HTTPMethod.ValueString(),
		Name:         tfutil.StringPtr(plan.Name),
	}
	if b := plan.bodyJSON(); b != nil {
		body.BodyTemplate = *b
	}
	if h := plan.headers(ctx, &resp.Diagnostics); h != nil {
		body.RequestHeaders = *h
	}
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
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(rr))...)
}

func (r *recurrentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
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
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(rr))...)
}

// apiFields maps the bodies' fields to the attributes: the schedule's
// fields are top-level attributes.
var apiFields = tfutil.APIFields{Names: map[string]string{"body_template": "body", "request_headers": "headers", "schedule": ""}}

func (r *recurrentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state recurrentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	patch := client.RecurrentRequestUpdate{
		RequestPath:    client.NullableOf(plan.RequestPath.ValueString()),
		BodyTemplate:   client.NullableFrom(plan.bodyJSON()),
		RequestHeaders: client.NullableFrom(plan.headers(ctx, &resp.Diagnostics)),
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
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(rr))...)
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
	m.Check("body", tfutil.SameJSON(body.BodyTemplate, rr.BodyTemplate))
	m.Check("headers", tfutil.SameJSON(body.RequestHeaders, rr.RequestHeaders))
	return m
}

// ImportState accepts the recurrent request's UUID or its name (names
// are unique among a customer's requests that are not cancelled).
func (r *recurrentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := tfutil.ResolveIDOrName(ctx, "recurrent request", req.ID, r.pd.Client.FindRecurrentRequestsByName, func(rr *client.RecurrentRequestPublic) (string, bool) { return rr.ID, false })
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
