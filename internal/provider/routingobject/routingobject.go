// Package routingobject is the Terraform flow shared by the routing
// objects that are a named, scoped set of settings plus an ordered list
// of children replaced as a whole: chains (steps) and broadcasts
// (targets). Create sends everything at once (and recovers a lost
// answer), Update PATCHes the settings that changed and replaces the
// children atomically, falling back to a GET when neither changed;
// import takes a UUID or a name; the data source picks by name and
// scope. Each area keeps only its schemas, its field checks and its wire
// types, and describes them in a Kind.
package routingobject

import (
	"context"
	"fmt"
	"slices"
	"strings"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// Kind describes one kind of routing object. M is its Terraform model
// (embedding Common), O the API's object, C its create body, U its PATCH
// body and K one child as the API takes it.
type Kind[M, O, C, U, K any] struct {
	// Noun names the kind in type names and messages ("chain"); Prefix
	// is its gateway path's first segment ("c"); Children is the list
	// attribute of its children ("steps").
	Noun, Prefix, Children string
	// ResourceDescription and ResourceAttributes are the area's part of
	// the resource schema (the common attributes are added to them);
	// DataSourceDescription and DataSourceAttributes the data source's.
	ResourceDescription   string
	ResourceAttributes    map[string]schema.Attribute
	DataSourceDescription string
	DataSourceAttributes  map[string]dsschema.Attribute

	// The API calls, as method expressions of *client.Client
	// ((*client.Client).GetChain, ...).
	Get     func(*client.Client, context.Context, string) (*O, error)
	List    func(*client.Client, context.Context, bool) ([]O, error)
	Find    func(*client.Client, context.Context, string) ([]O, error)
	Create  func(*client.Client, context.Context, bool, C) (*O, error)
	Update  func(*client.Client, context.Context, string, U) (*O, error)
	Replace func(*client.Client, context.Context, string, []K) (*O, error)
	Delete  func(*client.Client, context.Context, string) error
	// Object returns the common part of an API object.
	Object func(*O) Object

	// Base points at a model's common part.
	Base func(*M) *Common
	// FromAPI is the area's one converter from the API's object to state,
	// given the common part already converted.
	FromAPI func(*O, Common) M
	// ChildList points at a model's list of children.
	ChildList func(*M) *types.List
	// ChildrenBody converts planned children to the API's.
	ChildrenBody func(context.Context, types.List, *diag.Diagnostics) []K
	// CreateBody builds the create body from the plan (children included).
	CreateBody func(context.Context, M, *diag.Diagnostics) C
	// Differences names the configured fields in which an object differs
	// from a create body (for a create whose answer was lost).
	Differences func(C, *O) []string
	// UpdateBody builds the PATCH body of the settings that changed; false
	// when none did.
	UpdateBody func(plan, state M) (U, bool)
}

// Model is the one conversion of an API object to state: the common part,
// then the area's FromAPI.
func (k *Kind[M, O, C, U, K]) Model(o *O, pd *tfutil.ProviderData) M {
	return k.FromAPI(o, k.common(k.Object(o), pd))
}

// GatewayPath is the gateway-relative path of the object named name.
func (k *Kind[M, O, C, U, K]) GatewayPath(name string) string { return gatewayPath(k.Prefix, name) }

// title is the noun with a capital letter, to open a message.
func (k *Kind[M, O, C, U, K]) title() string {
	return strings.ToUpper(k.Noun[:1]) + k.Noun[1:]
}

// resourceType is the Terraform type name ("unitysvc_chain").
func (k *Kind[M, O, C, U, K]) resourceType() string { return "unitysvc_" + k.Noun }

// shared reports an API object's scope.
func (k *Kind[M, O, C, U, K]) shared(o *O) bool { return k.Object(o).Shared }

// findInScope lists the objects named name in the given scope.
func (k *Kind[M, O, C, U, K]) findInScope(ctx context.Context, c *client.Client, name string, shared bool) ([]O, error) {
	found, err := k.Find(c, ctx, name)
	return slices.DeleteFunc(found, func(o O) bool { return k.shared(&o) != shared }), err
}

// resolveImportID turns an import ID (UUID or name) into an object's UUID.
func (k *Kind[M, O, C, U, K]) resolveImportID(ctx context.Context, pd *tfutil.ProviderData, importID string) (string, error) {
	if pd == nil {
		return "", fmt.Errorf("the provider is not configured")
	}
	find := func(ctx context.Context, name string) ([]O, error) { return k.Find(pd.Client, ctx, name) }
	return tfutil.ResolveIDOrName(ctx, k.Noun, importID, find, func(o *O) (string, bool) {
		obj := k.Object(o)
		return obj.ID, obj.Shared
	})
}
