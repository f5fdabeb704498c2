package client_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestNullableMarshalling(t *testing.T) {
	type body struct {
		A client.Nullable[string] `json:"a,omitzero"`
		B client.Nullable[string] `json:"b,omitzero"`
		C client.Nullable[string] `json:"c,omitzero"`
		D client.Nullable[string] `json:"d,omitzero"`
		E client.Nullable[string] `json:"e,omitzero"`
		F client.Nullable[string] `json:"f,omitzero"`
	}
	s := "x"
	b, err := json.Marshal(body{B: client.NullOf[string](), C: client.NullableOf("v"), D: client.NullableFrom(&s), E: client.NullableOrUnset[string](nil), F: client.NullableOrUnset(&s)})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"b":null,"c":"v","d":"x","f":"x"}` {
		t.Fatalf("marshalled %s", b)
	}
	b, _ = json.Marshal(body{A: client.NullableFrom[string](nil)})
	if string(b) != `{"a":null}` {
		t.Fatalf("NullableFrom(nil) marshalled %s", b)
	}
}

// TestPatchBodies checks the exact body of every area's update: a field
// left unset is absent, a cleared one is null, a set one is its value.
func TestPatchBodies(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, method, path string
		send               func(c *client.Client) error
		want               string
	}{
		{"collection: nothing set", "PATCH", "/v1/groups/g1", func(c *client.Client) error {
			_, err := c.UpdateCollection(ctx, "g1", client.ServiceCollectionUpdate{})
			return err
		}, `{}`},
		{"collection: cleared and set", "PATCH", "/v1/groups/g1", func(c *client.Client) error {
			_, err := c.UpdateCollection(ctx, "g1", client.ServiceCollectionUpdate{DisplayName: client.NullOf[string](), Enabled: client.NullableOf(true)})
			return err
		}, `{"display_name":null,"enabled":true}`},
		{"alias: cleared and set", "PATCH", "/v1/aliases/a1", func(c *client.Client) error {
			_, err := c.UpdateAlias(ctx, "a1", client.ServiceAliasUpdate{RoutingKeyOverride: client.NullOf[map[string]any](), TargetPath: client.NullableOf("g/llm")})
			return err
		}, `{"target_path":"g/llm","routing_key_override":null}`},
		{"alias: nothing set", "PATCH", "/v1/aliases/a1", func(c *client.Client) error {
			_, err := c.UpdateAlias(ctx, "a1", client.ServiceAliasUpdate{})
			return err
		}, `{}`},
		{"chain: description cleared", "PATCH", "/v1/chains/c1", func(c *client.Client) error {
			_, err := c.UpdateChain(ctx, "c1", client.ChainUpdate{Description: client.NullOf[string]()})
			return err
		}, `{"description":null}`},
		{"chain: values set", "PATCH", "/v1/chains/c1", func(c *client.Client) error {
			_, err := c.UpdateChain(ctx, "c1", client.ChainUpdate{Description: client.NullableOf("d"), DefaultTimeoutMS: client.NullableOf[int64](500), Enabled: client.NullableOf(false)})
			return err
		}, `{"description":"d","default_timeout_ms":500,"enabled":false}`},
		{"chain step: timeout cleared", "PATCH", "/v1/chains/c1/steps/s1", func(c *client.Client) error {
			_, err := c.UpdateChainStep(ctx, "c1", "s1", client.ChainStepUpdate{TimeoutMS: client.NullOf[int64](), SortOrder: client.NullableOf[int64](0)})
			return err
		}, `{"timeout_ms":null,"sort_order":0}`},
		{"broadcast: cleared and set", "PATCH", "/v1/broadcasts/b1", func(c *client.Client) error {
			_, err := c.UpdateBroadcast(ctx, "b1", client.BroadcastUpdate{Description: client.NullOf[string](), TargetTimeoutMS: client.NullableOf[int64](1000)})
			return err
		}, `{"description":null,"target_timeout_ms":1000}`},
		{"broadcast: nothing set", "PATCH", "/v1/broadcasts/b1", func(c *client.Client) error {
			_, err := c.UpdateBroadcast(ctx, "b1", client.BroadcastUpdate{})
			return err
		}, `{}`},
		{"recurrent request: cleared and set", "PATCH", "/v1/recurrent-requests/r1", func(c *client.Client) error {
			_, err := c.UpdateRecurrentRequest(ctx, "r1", client.RecurrentRequestUpdate{
				RequestPath: client.NullableOf("/v1/models"), BodyTemplate: client.NullOf[json.RawMessage](),
				Schedule: client.NullableFrom(client.IntervalSchedule(60)), Status: client.NullableOf("paused"),
			})
			return err
		}, `{"request_path":"/v1/models","body_template":null,"schedule":{"schedule_type":"interval","interval_seconds":60},"status":"paused"}`},
		{"recurrent request: nothing set", "PATCH", "/v1/recurrent-requests/r1", func(c *client.Client) error {
			_, err := c.UpdateRecurrentRequest(ctx, "r1", client.RecurrentRequestUpdate{Schedule: client.NullableOrUnset[client.RecurrentSchedule](nil)})
			return err
		}, `{}`},
		{"secret: value only", "PUT", "/v1/secrets/K", func(c *client.Client) error {
			_, _, err := c.SetSecret(ctx, "K", false, client.SecretUpdate{Value: "v"})
			return err
		}, `{"value":"v"}`},
		{"secret: description cleared", "PUT", "/v1/secrets/K", func(c *client.Client) error {
			_, _, err := c.SetSecret(ctx, "K", false, client.SecretUpdate{Value: "v", Sensitive: client.NullableOf(false), Description: client.NullableOf("")})
			return err
		}, `{"value":"v","sensitive":false,"description":""}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != tc.method || r.URL.Path != tc.path {
					t.Errorf("request %s %s, want %s %s", r.Method, r.URL.Path, tc.method, tc.path)
				}
				b, _ := io.ReadAll(r.Body)
				got = string(b)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{}`)
			})
			if err := tc.send(c); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("body = %s, want %s", got, tc.want)
			}
		})
	}
}
