package enrollment

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var _ resource.ResourceWithIdentity = &enrollmentResource{}

// IdentitySchema: an enrollment is identified by its UUID.
func (r *enrollmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tfutil.IDIdentitySchema("enrollment")
}
