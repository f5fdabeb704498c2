package tfutil

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Every resource's identity (Terraform 1.12+, OpenTofu 1.12+: `import {
// identity = {...} }`) is made of attributes of its state with the same
// names, so one helper keeps it in step with the state after Create,
// Read, Update and listing.

// IDIdentitySchema is the identity of a resource imported by its UUID:
// { id }.
func IDIdentitySchema(noun string) identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{RequiredForImport: true, Description: "The " + noun + "'s UUID."},
	}}
}

// attributeGetter is a state or a listed resource object.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// SetIdentity copies each identity attribute from the attribute of the
// same name in state. A removed resource (null state) or a response
// without identity (an older CLI) is left alone.
func SetIdentity(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	if identity == nil || state.Raw.IsNull() {
		return nil
	}
	return copyIdentity(ctx, state, identity)
}

// SetReadIdentity is SetIdentity for Read. When Read removed the resource
// (its object is gone), the identity stays the prior state's: the
// framework requires an identity after every Read without error, and a
// CLI without resource identity (Terraform before 1.12) sends none that
// could be kept.
func SetReadIdentity(ctx context.Context, prior, state tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	if state.Raw.IsNull() {
		if !identity.Raw.IsFullyNull() || prior.Raw.IsNull() {
			return nil
		}
		return copyIdentity(ctx, prior, identity)
	}
	return copyIdentity(ctx, state, identity)
}

func copyIdentity(ctx context.Context, from attributeGetter, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, a := range identity.Schema.GetAttributes() {
		var v attr.Value
		if _, ok := a.(identityschema.BoolAttribute); ok {
			var b types.Bool
			diags.Append(from.GetAttribute(ctx, path.Root(name), &b)...)
			v = b
		} else {
			var s types.String
			diags.Append(from.GetAttribute(ctx, path.Root(name), &s)...)
			v = s
		}
		diags.Append(identity.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}

// IdentityString returns a string attribute of an import block's
// identity (an import by identity has no req.ID), with an error when it
// is empty.
func IdentityString(ctx context.Context, req resource.ImportStateRequest, name string, diags *diag.Diagnostics) string {
	var s types.String
	if req.Identity != nil {
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(name), &s)...)
	}
	if s.ValueString() == "" && !diags.HasError() {
		diags.AddAttributeError(path.Root(name), "Missing import identity",
			fmt.Sprintf("Import by identity needs %s: set it in the import block's identity (the list data sources carry it for every object), or import by id.", name))
	}
	return s.ValueString()
}

// IdentityBool returns a bool attribute of an import block's identity;
// an unset one is false.
func IdentityBool(ctx context.Context, req resource.ImportStateRequest, name string, diags *diag.Diagnostics) bool {
	var b types.Bool
	if req.Identity != nil {
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(name), &b)...)
	}
	return b.ValueBool()
}

// ImportID returns what an import names: req.ID for an import by ID,
// else the identity's id (the UUID).
func ImportID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" {
		return req.ID
	}
	return IdentityString(ctx, req, "id", diags)
}
