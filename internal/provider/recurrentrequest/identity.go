package recurrentrequest

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var _ resource.ResourceWithIdentity = &recurrentResource{}

// IdentitySchema: a recurrent request is identified by its UUID.
func (r *recurrentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tfutil.IDIdentitySchema("recurrent request")
}
