package client_test

import (
	"context"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// benchClient returns a client for an in-process unitysvc-local (no
// contract checking, which would dominate the figures).
func benchClient(b *testing.B) *client.Client {
	b.Helper()
	inst, err := localapi.Start(context.Background(), localapi.Config{APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true, APIKeys: []string{"svcpass_bench"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := inst.Close(); err != nil {
			b.Errorf("closing unitysvc-local: %v", err)
		}
	})
	c, err := client.New(client.Config{BaseURL: inst.APIURL, APIKey: inst.APIKeys[0]})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSecretRefresh is one resource refresh: a single GET.
func BenchmarkSecretRefresh(b *testing.B) {
	c := benchClient(b)
	ctx := context.Background()
	if _, _, err := c.SetSecret(ctx, "BENCH", false, client.SecretUpdate{Value: "v"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetSecret(ctx, "BENCH"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSecretWrite is one create-or-update (PUT, value encrypted at rest).
func BenchmarkSecretWrite(b *testing.B) {
	c := benchClient(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.SetSecret(ctx, "BENCH", false, client.SecretUpdate{Value: "v"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListGroupServices reads all 75 services of the open-weights
// group (two pages).
func BenchmarkListGroupServices(b *testing.B) {
	c := benchClient(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, err := c.ListGroupServices(ctx, "open-weights", "")
		if err != nil || len(s) != 75 {
			b.Fatalf("%d services, %v", len(s), err)
		}
	}
}
