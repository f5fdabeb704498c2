package secret

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
)

var _ resource.ResourceWithIdentity = &secretResource{}

// IdentitySchema: a secret is identified by its name and scope, as its
// import ID (NAME or shared/NAME).
func (r *secretResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name":   identityschema.StringAttribute{RequiredForImport: true, Description: "The secret's name."},
		"shared": identityschema.BoolAttribute{OptionalForImport: true, Description: "true for a secret in the team (shared) scope; false or unset for a personal one."},
	}}
}
