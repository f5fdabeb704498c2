package secret

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.Resource                   = &secretResource{}
	_ resource.ResourceWithConfigure      = &secretResource{}
	_ resource.ResourceWithImportState    = &secretResource{}
	_ resource.ResourceWithValidateConfig = &secretResource{}
)

// NameRE is the API's rule for secret names.
var NameRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// NewResource returns the unitysvc_secret resource.
func NewResource() resource.Resource { return &secretResource{} }

type secretResource struct {
	pd *tfutil.ProviderData
}

func (r *secretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (r *secretResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A UnitySVC secret (`sensitive = true`, the default) or variable (`sensitive = false`), " +
			"referenced by services and enrollments by name (for example a BYOK upstream key such as `MY_PROVIDER_API_KEY`).\n\n" +
			"Set the value with `value`, or — on Terraform 1.11+ / OpenTofu 1.11+ — with the write-only `value_wo`, which is " +
			"never stored in plan or state; bump `value_wo_version` to send a new `value_wo`.\n\n" +
			"**Drift:** the API never returns a sensitive secret's value, so a sensitive value changed outside Terraform " +
			"is not detected. A variable's value is read back, and a change made outside Terraform shows in the plan.\n\n" +
			"**Import:** by `NAME` (personal) or `shared/NAME`. A sensitive value cannot be read back, so the first apply " +
			"after importing one sends the configured value again (an in-place update).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The secret's UUID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name: upper-case letters, digits and underscores, not starting with a digit, at most 100 characters (`^[A-Z_][A-Z0-9_]*$`). Changing it replaces the secret.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, 100),
					stringvalidator.RegexMatches(NameRE, "must use only upper-case letters A-Z, digits 0-9 and underscores, and must not start with a digit (for example MY_PROVIDER_API_KEY)"),
				},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The value, at most 4000 characters; may be empty. Stored in state (marked sensitive). Set at most one of `value` and `value_wo`; prefer `value_wo` where your Terraform supports write-only attributes. " +
					"A new secret needs one of them. Leaving both unset on an imported secret leaves its value as it is (a variable's value is read back; a secret's cannot be): see the guide *Adopting an existing account*.",
				Optional:      true,
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators: []validator.String{
					stringvalidator.UTF8LengthAtMost(4000),
					stringvalidator.ConflictsWith(path.MatchRoot("value_wo")),
					stringvalidator.PreferWriteOnlyAttribute(path.MatchRoot("value_wo")),
				},
			},
			"value_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only value, at most 4000 characters; never stored in plan or state. Requires Terraform 1.11+ or OpenTofu 1.11+. Change `value_wo_version` to send a new value.",
				Optional:            true,
				Sensitive:           true,
				WriteOnly:           true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthAtMost(4000),
				},
			},
			"value_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `value_wo`. The write-only value is sent on create and whenever this number changes (any change, up or down, rotates the value).",
				Optional:            true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("value_wo")),
				},
			},
			"sensitive": schema.BoolAttribute{
				MarkdownDescription: "`true` (default) keeps the value secret: the API never returns it. `false` makes a variable whose value can be read back. The API cannot change this in place, so changing it replaces the secret.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free-text description, at most 10000 characters.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, 10000)},
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "`true` creates the secret in the team (shared) scope, visible to every member of your organisation; `false` (default) in your personal scope. A personal secret shadows a shared one of the same name for your own requests. Changing it replaces the secret.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"owner_type": schema.StringAttribute{
				MarkdownDescription: "Who owns the secret, as the API reports it (`customer` for secrets managed with this provider).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *secretResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.pd = tfutil.ConfigureResource(req, resp)
}

// ValidateConfig warns about a value_wo whose version is
// missing, which would never be re-sent.
func (r *secretResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg secretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.ValueWO.IsNull() && cfg.ValueWOVersion.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("value_wo_version"), "value_wo without value_wo_version",
			"value_wo is sent when the secret is created, but without value_wo_version there is no way to tell Terraform that the value changed. Set value_wo_version = 1 and increase it whenever you change value_wo.")
	}
}

// find reads the secret in its scope with one API call: GET for a
// personal secret (which a shared one of the same name does not satisfy),
// the list for a shared one (GET would return a personal secret that
// shadows it).
func (r *secretResource) find(ctx context.Context, name string, shared bool) (*client.SecretPublic, error) {
	if !shared {
		s, err := r.pd.Client.GetSecret(ctx, name)
		if err != nil {
			return nil, err
		}
		if s.Shared() {
			return nil, &client.APIError{StatusCode: 404, Detail: fmt.Sprintf("no personal secret %q (only a shared one)", name), Method: "GET", Path: "/secrets/" + name}
		}
		return s, nil
	}
	all, err := r.pd.Client.ListSecrets(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Name == name && all[i].Shared() {
			return &all[i], nil
		}
	}
	return nil, &client.APIError{StatusCode: 404, Detail: fmt.Sprintf("no shared secret %q", name), Method: "GET", Path: "/secrets/"}
}

// body builds the PUT body from configuration: the value comes from
// value or the write-only value_wo.
func body(cfg secretModel, sensitive *bool) client.SecretUpdate {
	v := cfg.Value.ValueString()
	if !cfg.ValueWO.IsNull() {
		v = cfg.ValueWO.ValueString()
	}
	// An empty description clears it; the API leaves a missing one as it is.
	return client.SecretUpdate{Value: v, Sensitive: client.NullableOrUnset(sensitive), Description: client.NullableOf(cfg.Description.ValueString())}
}

func (r *secretResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, cfg secretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, shared := plan.Name.ValueString(), plan.Shared.ValueBool()
	what := tfutil.Named("secret", name, shared)
	// PUT is an upsert: refuse to take over a secret that already exists
	// in this scope, so nobody's value is silently overwritten.
	if existing, err := r.find(ctx, name, shared); err == nil && r.pd.Claims().Claimed("unitysvc_secret", existing.ID) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Secret asked for twice", tfutil.SameObjectTwice("unitysvc_secret", what, existing.ID))
		return
	} else if err == nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Secret already exists",
			fmt.Sprintf("The %s already exists (id %s) and is not in this configuration's state. To manage it here instead of creating it: %s Or choose another name.",
				what, existing.ID, tfutil.ImportAdvice("unitysvc_secret", importID(name, shared))))
		return
	} else if !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to check whether secret "+name+" exists", err)
		return
	}
	sensitive := plan.Sensitive.ValueBool()
	b := body(cfg, &sensitive)
	s := tfutil.RunCreate(ctx, &resp.Diagnostics, "Unable to create secret "+name, tfutil.Creation[client.SecretPublic]{
		Resource: "unitysvc_secret",
		Claims:   r.pd.Claims(),
		What:     what,
		Create: func(ctx context.Context) (*client.SecretPublic, error) {
			s, created, err := r.pd.Client.CreateSecret(ctx, name, shared, b)
			if err == nil && !created {
				return nil, &overwriteError{what: what, secret: s}
			}
			return s, err
		},
		Find: func(ctx context.Context) ([]client.SecretPublic, error) {
			s, err := r.find(ctx, name, shared)
			if client.IsNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return []client.SecretPublic{*s}, nil
		},
		Differences: func(s *client.SecretPublic) []string {
			var m tfutil.Mismatches
			m.Check("sensitive", s.Sensitive == sensitive)
			m.Check("description", tfutil.SameJSON(b.Description, s.Description) || (s.Description == nil && cfg.Description.ValueString() == ""))
			m.Check("value", s.Sensitive || s.Value == nil || *s.Value == b.Value)
			m.Check("updated_at (it was written again after it was created: by another resource, or outside Terraform)", s.Inserted(0))
			return m
		},
		ID:        func(s *client.SecretPublic) string { return s.ID },
		ImportID:  func(s *client.SecretPublic) string { return importID(s.Name, shared) },
		CreatedAt: func(s *client.SecretPublic) string { return s.CreatedAt },
		Fail: func(err error) {
			var ow *overwriteError
			if errors.As(err, &ow) {
				resp.Diagnostics.AddAttributeError(path.Root("name"), "Secret "+name+" was overwritten: it already existed", ow.Error())
				return
			}
			tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, tfutil.APIFields{}, "Unable to create secret "+name, err)
		},
	})
	if s == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(s, plan))...)
}

// overwriteError is a create whose PUT turned out to be an update: the
// secret appeared between the check that it did not exist and the PUT,
// most often because two resources of one configuration have the same
// name and scope. The PUT has replaced that secret's value.
type overwriteError struct {
	what   string
	secret *client.SecretPublic
}

func (e *overwriteError) Error() string {
	return fmt.Sprintf("Creating the %s updated an existing secret instead (id %s, created at %s): it did not exist when this create checked, so something else created it at the same moment — "+
		"most often another unitysvc_secret resource of this configuration with the same name and scope. The API has now stored this resource's value in it, replacing the other one's. "+
		"It is not added to this resource's state. Give each secret resource its own name (or scope), then apply again; if the other resource's value matters, apply after fixing the names so that it is written again.",
		e.what, e.secret.ID, e.secret.CreatedAt)
}

func (r *secretResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetReadIdentity(ctx, req.State, resp.State, resp.Identity)...) }()
	var state secretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.find(ctx, state.Name.ValueString(), state.Shared.ValueBool())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to read secret "+state.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(s, state))...)
}

func (r *secretResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics.Append(tfutil.SetIdentity(ctx, resp.State, resp.Identity)...) }()
	var plan, cfg secretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	sensitive := plan.Sensitive.ValueBool()
	if cfg.Value.IsNull() && cfg.ValueWO.IsNull() {
		// The value is not managed (an imported secret): send the one in
		// state, which is a variable's (ModifyPlan refuses the change for a
		// secret, whose value is unknown).
		cfg.Value = plan.Value
	}
	s, _, err := r.pd.Client.SetSecret(ctx, name, plan.Shared.ValueBool(), body(cfg, &sensitive))
	if err != nil {
		tfutil.AddAPIErrorAt(ctx, &resp.Diagnostics, req.Plan.Schema, tfutil.APIFields{}, "Unable to update secret "+name, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, modelFromAPI(s, plan))...)
}

func (r *secretResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state secretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.pd.Client.DeleteSecret(ctx, state.Name.ValueString(), state.Shared.ValueBool())
	if err != nil && !client.IsNotFound(err) {
		tfutil.AddAPIError(&resp.Diagnostics, "Unable to delete secret "+state.Name.ValueString(), err)
	}
}

// ImportState accepts NAME (personal) or shared/NAME, or the identity
// { name, shared }.
func (r *secretResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" {
		name := tfutil.IdentityString(ctx, req, "name", &resp.Diagnostics)
		shared := tfutil.IdentityBool(ctx, req, "shared", &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		id = importID(name, shared)
	}
	name, shared := id, false
	if parts, err := tfutil.ParseImportID(id, "shared/<NAME>"); err == nil && parts[0] == "shared" {
		name, shared = parts[1], true
	}
	if !NameRE.MatchString(name) || len(name) > 100 {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Unexpected import ID %q: expected NAME for a personal secret or shared/NAME for a shared one, where NAME matches ^[A-Z_][A-Z0-9_]*$ (for example MY_PROVIDER_API_KEY or shared/MY_PROVIDER_API_KEY).", id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("shared"), shared)...)
}

func importID(name string, shared bool) string {
	if shared {
		return "shared/" + name
	}
	return name
}
