package collection

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

var (
	_ resource.ResourceWithIdentity = &collectionResource{}
	_ resource.ResourceWithIdentity = &memberResource{}
)

// IdentitySchema: a collection is identified by its UUID.
func (r *collectionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tfutil.IDIdentitySchema("collection")
}

// IdentitySchema: a member is identified by its collection's UUID and
// its service's UUID (its import ID is "<collection_id>/<service_id>").
func (r *memberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"collection_id": identityschema.StringAttribute{RequiredForImport: true, Description: "The collection's UUID."},
		"service_id":    identityschema.StringAttribute{RequiredForImport: true, Description: "The member service's UUID."},
	}}
}
