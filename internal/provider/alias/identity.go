package alias

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var _ resource.ResourceWithIdentity = &aliasResource{}

// IdentitySchema: an alias is identified by its UUID.
func (r *aliasResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tfutil.IDIdentitySchema("alias")
}
