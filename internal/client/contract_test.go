package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/apicontract"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// contractClient returns a client talking to an in-process unitysvc-local
// whose every exchange — the request this client sends and the response
// it gets — is checked against the OpenAPI spec. It skips when the spec
// is absent.
func contractClient(t *testing.T) (*client.Client, func() int) {
	t.Helper()
	checker, err := apicontract.Load()
	if errors.Is(err, apicontract.ErrNoSpec) {
		t.Skip("skipping contract test: ../shared/openapi/customer-api.json is absent")
	}
	if err != nil {
		t.Fatal(err)
	}
	rec := apicontract.NewRecorder(checker)
	inst, err := localapi.Start(context.Background(), localapi.Config{
		APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true,
		APIKeys: []string{"svcpass_contract"}, WrapAPI: rec.Wrap, EnrollmentActivationDelay: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("closing unitysvc-local: %v", err)
		}
		violations, _ := rec.Violations()
		for _, v := range violations {
			t.Errorf("contract violation: %s", v)
		}
	})
	c, err := client.New(client.Config{BaseURL: inst.APIURL, APIKey: inst.APIKeys[0]})
	if err != nil {
		t.Fatal(err)
	}
	return c, func() int { _, n := rec.Violations(); return n }
}

func TestContractSecretsAndCatalog(t *testing.T) {
	c, exchanges := contractClient(t)
	ctx := context.Background()
	if _, _, err := c.SetSecret(ctx, "CONTRACT_VAR", false, client.SecretUpdate{Value: "v", Sensitive: client.NullableOf(false), Description: client.NullableOf("d")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.SetSecret(ctx, "CONTRACT_VAR", true, client.SecretUpdate{Value: "v"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSecret(ctx, "CONTRACT_VAR"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListSecrets(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSecret(ctx, "CONTRACT_VAR", true); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSecret(ctx, "CONTRACT_VAR", true); !client.IsNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
	for _, owner := range []string{"", "all", "system", "own"} {
		if _, err := c.ListGroups(ctx, client.ListGroupsOptions{Owner: owner, Name: "l"}); err != nil {
			t.Fatal(err)
		}
	}
	g, err := c.GetGroup(ctx, "llm")
	if err != nil {
		t.Fatal(err)
	}
	services, err := c.ListGroupServices(ctx, "open-weights", "")
	if err != nil || len(services) < 60 {
		t.Fatalf("%d services, %v", len(services), err)
	}
	if _, err := c.ListGroupServices(ctx, g.ID, "llama"); err != nil {
		t.Fatal(err)
	}
	for _, s := range services[:3] {
		if _, err := c.GetService(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetServiceUsage(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListServiceInterfaces(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetService(ctx, "00000000-0000-0000-0000-000000000000"); !client.IsNotFound(err) {
		t.Fatalf("unknown service: %v", err)
	}
	if n := exchanges(); n < 20 {
		t.Fatalf("only %d exchanges were checked", n)
	}
}

func TestContractServiceDocuments(t *testing.T) {
	c, exchanges := contractClient(t)
	ctx := context.Background()
	services, err := c.ListGroupServices(ctx, "llm", "gpt-4o-mini")
	if err != nil || len(services) == 0 {
		t.Fatalf("%v, %d services", err, len(services))
	}
	id := services[0].ID
	all, err := c.ListServiceDocuments(ctx, id, client.DocumentFilter{IncludeContent: true, Interface: "llm"})
	if err != nil || len(all.Documents) == 0 {
		t.Fatalf("%v, %+v", err, all)
	}
	if _, err := c.ListServiceDocuments(ctx, id, client.DocumentFilter{Category: "code_example", MimeType: "python"}); err != nil {
		t.Fatal(err)
	}
	one, err := c.GetServiceDocument(ctx, id, all.Documents[0].ID, "canonical")
	if err != nil || len(one.Documents) != 1 {
		t.Fatalf("%v, %+v", err, one)
	}
	if _, err := c.GetServiceDocument(ctx, id, "00000000-0000-0000-0000-000000000000", ""); !client.IsNotFound(err) {
		t.Fatalf("unknown document: %v", err)
	}
	if n := exchanges(); n < 4 {
		t.Fatalf("only %d exchanges were checked", n)
	}
}

func TestContractResolveAndRequestLogs(t *testing.T) {
	c, exchanges := contractClient(t)
	ctx := context.Background()
	by := "by_price"
	r, err := c.Resolve(ctx, client.ResolveRequest{Path: "g/llm", RoutingKey: map[string]any{"model": "llama-3.1-8b"}, Strategy: &by, Gateway: client.GatewayAPI})
	if err != nil || len(r.Candidates) != 3 || r.Selected == nil {
		t.Fatalf("%+v, %v", r, err)
	}
	if r, err := c.Resolve(ctx, client.ResolveRequest{Path: "g/nothing-here"}); err != nil || len(r.Candidates) != 0 {
		t.Fatalf("%+v, %v", r, err)
	}
	f := false
	if st, err := c.StartRequestLogging(ctx, &f); err != nil || !st.Enabled {
		t.Fatalf("%+v, %v", st, err)
	}
	lo := int64(200)
	items, n, err := c.ListRequestLogs(ctx, client.RequestLogFilter{StatusMin: &lo, PathPrefix: "/g/llm", GatewaySource: "apisix"}, 10)
	if err != nil || n != 0 || len(items) != 0 {
		t.Fatalf("%d logs, %v", n, err)
	}
	if _, err := c.GetRequestLog(ctx, "00000000-0000-4000-8000-000000000000"); !client.IsNotFound(err) {
		t.Fatalf("unknown log: %v", err)
	}
	if st, err := c.StopRequestLogging(ctx); err != nil || st.Enabled {
		t.Fatalf("%+v, %v", st, err)
	}
	if n := exchanges(); n < 6 {
		t.Fatalf("only %d exchanges were checked", n)
	}
}
