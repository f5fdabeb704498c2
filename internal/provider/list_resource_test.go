package provider_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider"
)

// The list resources (`terraform query`, Terraform 1.14+) are tested at
// the protocol level, since no Terraform that has them builds here: the
// provider server's ListResource RPC is called from Go, as Terraform
// calls it, and what it streams is checked.

// protoServer is the provider server, configured for e's backend.
func protoServer(t *testing.T, e *acctest.Env) tfprotov6.ProviderServer {
	t.Helper()
	ctx := context.Background()
	server := providerserver.NewProtocol6(provider.New("test")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(schemas.Diagnostics) {
		t.Fatalf("GetProviderSchema: %v %v", err, diagnostics(schemas.Diagnostics))
	}
	typ := schemas.Provider.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["api_url"] = tftypes.NewValue(tftypes.String, e.APIURL)
	vals["api_key"] = tftypes.NewValue(tftypes.String, e.APIKey)
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("ConfigureProvider: %v %v", err, diagnostics(resp.Diagnostics))
	}
	return server
}

// listed is one streamed result, decoded.
type listed struct {
	display  string
	identity map[string]tftypes.Value
	resource map[string]tftypes.Value
}

// listAll calls ListResource for typeName with the given filters and
// decodes every streamed result with the resource's schemas.
func listAll(t *testing.T, server tfprotov6.ProviderServer, typeName string, filters map[string]string, includeResource bool) []listed {
	t.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	listSchema, ok := schemas.ListResourceSchemas[typeName]
	if !ok {
		t.Fatalf("no list resource %s", typeName)
	}
	cfgType := listSchema.ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range cfgType.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := filters[name]; ok {
			vals[name] = tftypes.NewValue(at, v)
		}
	}
	cfg, err := tfprotov6.NewDynamicValue(cfgType, tftypes.NewValue(cfgType, vals))
	if err != nil {
		t.Fatal(err)
	}
	lister, ok := server.(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatal("the provider server does not serve ListResource")
	}
	stream, err := lister.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: typeName, Config: &cfg, IncludeResource: includeResource, Limit: 1000})
	if err != nil {
		t.Fatalf("ListResource %s: %v", typeName, err)
	}
	var out []listed
	for r := range stream.Results {
		if len(r.Diagnostics) > 0 {
			t.Fatalf("ListResource %s streamed diagnostics: %v", typeName, diagnostics(r.Diagnostics))
		}
		l := listed{display: r.DisplayName, identity: decode(t, r.Identity.IdentityData, ids.IdentitySchemas[typeName].ValueType())}
		if includeResource {
			l.resource = decode(t, r.Resource, schemas.ResourceSchemas[typeName].ValueType())
		} else if r.Resource != nil {
			t.Errorf("%s: a resource object was streamed though not asked for", typeName)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].display < out[j].display })
	return out
}

func decode(t *testing.T, dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	t.Helper()
	if dv == nil {
		t.Fatal("no value streamed")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]tftypes.Value{}
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func str(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if v.IsNull() {
		return "<null>"
	}
	if err := v.As(&s); err != nil {
		var b bool
		if err := v.As(&b); err != nil {
			t.Fatal(err)
		}
		if b {
			return "true"
		}
		return "false"
	}
	return s
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagnostics(diags []*tfprotov6.Diagnostic) string {
	var parts []string
	for _, d := range diags {
		parts = append(parts, d.Summary+": "+d.Detail)
	}
	return strings.Join(parts, "; ")
}

// Every managed type has a list resource beside its resource, and each
// streams every object with the identity its resource imports by, and the
// object as the resource's own state when asked.
func TestAccListResources(t *testing.T) {
	e := acctest.New(t)
	ctx := context.Background()
	c := e.Client
	mustDo := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := c.SetSecret(ctx, "LIST_VAR", false, client.SecretUpdate{Value: "v1", Sensitive: client.NullableOf(false)})
	mustDo(err)
	_, _, err = c.SetSecret(ctx, "LIST_KEY", true, client.SecretUpdate{Value: "k"})
	mustDo(err)
	col, err := c.CreateCollection(ctx, client.ServiceCollectionCreate{Name: "list-llms"}, false)
	mustDo(err)
	services, err := c.ListGroupServices(ctx, "llm", "gpt-4o-mini")
	mustDo(err)
	_, err = c.AddCollectionMember(ctx, col.ID, client.ServiceCollectionMemberCreate{ServiceID: services[0].ID, RoutingKey: map[string]any{"model": "fast"}})
	mustDo(err)
	chain, err := c.CreateChain(ctx, true, client.ChainCreate{Name: "list-chain", Steps: []client.ChainStepCreate{{Name: "one", TargetPath: "g/llm"}}})
	mustDo(err)

	server := protoServer(t, e)
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	mustDo(err)
	for typeName := range schemas.ResourceSchemas {
		if _, ok := schemas.ListResourceSchemas[typeName]; !ok && typeName != "unitysvc_request_logging" {
			t.Errorf("resource %s has no list resource", typeName)
		}
	}

	secrets := listAll(t, server, "unitysvc_secret", nil, true)
	// Sorted by display name: LIST_VAR, shared/LIST_KEY.
	if len(secrets) != 2 || str(t, secrets[1].identity["name"]) != "LIST_KEY" || str(t, secrets[1].identity["shared"]) != "true" ||
		str(t, secrets[0].identity["name"]) != "LIST_VAR" || str(t, secrets[0].resource["value"]) != "v1" || str(t, secrets[1].resource["value"]) != "<null>" {
		t.Errorf("secrets listed: %+v", secrets)
	}
	if shared := listAll(t, server, "unitysvc_secret", map[string]string{"scope": "shared"}, false); len(shared) != 1 || shared[0].display != "shared/LIST_KEY" {
		t.Errorf("shared secrets listed: %+v", shared)
	}
	cols := listAll(t, server, "unitysvc_collection", nil, true)
	if len(cols) != 1 || str(t, cols[0].identity["id"]) != col.ID || str(t, cols[0].resource["gateway_path"]) != "g/list-llms" || str(t, cols[0].resource["enabled"]) != "true" {
		t.Errorf("collections listed: %+v", cols)
	}
	members := listAll(t, server, "unitysvc_collection_member", nil, true)
	if len(members) != 1 || str(t, members[0].identity["collection_id"]) != col.ID || str(t, members[0].identity["service_id"]) != services[0].ID ||
		str(t, members[0].resource["id"]) != col.ID+"/"+services[0].ID {
		t.Errorf("members listed: %+v", members)
	}
	chains := listAll(t, server, "unitysvc_chain", map[string]string{"scope": "shared"}, true)
	if len(chains) != 1 || str(t, chains[0].identity["id"]) != chain.ID || str(t, chains[0].resource["shared"]) != "true" {
		t.Errorf("chains listed: %+v", chains)
	}
	if personal := listAll(t, server, "unitysvc_chain", map[string]string{"scope": "personal"}, false); len(personal) != 0 {
		t.Errorf("personal chains listed: %+v", personal)
	}
	for _, empty := range []string{"unitysvc_enrollment", "unitysvc_broadcast", "unitysvc_alias", "unitysvc_recurrent_request"} {
		if got := listAll(t, server, empty, nil, true); len(got) != 0 {
			t.Errorf("%s listed %+v, want nothing", empty, got)
		}
	}
}
