package resolve

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestModelFromAPI(t *testing.T) {
	a := client.ResolveCandidate{ServiceID: "a", ServiceName: new("svc-a"), ProviderName: new("p"), Weight: new(int64(5))}
	b := client.ResolveCandidate{ServiceID: "b", EnrollmentID: new("e")}
	cases := []struct {
		name         string
		setStrategy  types.String
		resp         client.ResolveResponse
		wantStrategy string
		wantContent  bool
		wantSelected string // "" for null
		wantIDs      string
	}{
		{"null strategy is the weighted_random baseline", types.StringNull(),
			client.ResolveResponse{Candidates: []client.ResolveCandidate{a, b}}, "weighted_random", false, "", "a,b"},
		{"the group's strategy is reported", types.StringNull(),
			client.ResolveResponse{Candidates: []client.ResolveCandidate{b, a}, RoutingStrategy: &client.RoutingStrategy{Name: "by_price"}, Selected: &b}, "by_price", false, "b", "b,a"},
		{"content-dependent: nothing selected", types.StringNull(),
			client.ResolveResponse{Candidates: []client.ResolveCandidate{a}, RoutingStrategy: &client.RoutingStrategy{Name: "by_content", ContentDependent: true}}, "by_content", true, "", "a"},
		{"an override stays as set", types.StringValue("lowest_latency"),
			client.ResolveResponse{Candidates: []client.ResolveCandidate{a}, RoutingStrategy: &client.RoutingStrategy{Name: "lowest_latency"}, Selected: &a}, "lowest_latency", false, "a", "a"},
		{"no candidates is empty, not null", types.StringNull(), client.ResolveResponse{Candidates: nil}, "weighted_random", false, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := modelFromAPI(resolveModel{Strategy: c.setStrategy}, &c.resp)
			if m.Strategy.ValueString() != c.wantStrategy || m.ContentDependent.ValueBool() != c.wantContent {
				t.Fatalf("strategy %s content_dependent %v", m.Strategy, m.ContentDependent)
			}
			if c.wantSelected == "" {
				if !m.Selected.IsNull() || !m.SelectedServiceID.IsNull() {
					t.Fatalf("selected %v, want null", m.Selected)
				}
			} else if m.SelectedServiceID.ValueString() != c.wantSelected || m.Selected.Attributes()["service_id"].(types.String).ValueString() != c.wantSelected {
				t.Fatalf("selected %v, want %s", m.Selected, c.wantSelected)
			}
			var ids []string
			if d := m.CandidateServiceIDs.ElementsAs(context.Background(), &ids, false); d.HasError() {
				t.Fatal(d)
			}
			if strings.Join(ids, ",") != c.wantIDs || len(m.Candidates.Elements()) != len(ids) || m.Candidates.IsNull() {
				t.Fatalf("candidates %v", m.Candidates)
			}
		})
	}
	m := modelFromAPI(resolveModel{Strategy: types.StringNull()}, &client.ResolveResponse{Candidates: []client.ResolveCandidate{a, b}})
	first := m.Candidates.Elements()[0].(types.Object).Attributes()
	second := m.Candidates.Elements()[1].(types.Object).Attributes()
	if first["weight"].(types.Int64).ValueInt64() != 5 || second["weight"].(types.Int64).ValueInt64() != 10 {
		t.Fatalf("weights %v %v: an unset weight is the API's default 10", first["weight"], second["weight"])
	}
	if !second["service_name"].IsNull() || second["enrollment_id"].(types.String).ValueString() != "e" {
		t.Fatalf("candidate b %v", second)
	}
}

func TestNormalizePath(t *testing.T) {
	cases := []struct {
		in, gateway, want string
		warn              bool
		err               string
	}{
		{"g/my-llms", "", "g/my-llms", false, ""},
		{"  a/prod-chat ", "", "a/prod-chat", false, ""},
		{"/g/my-llms", "", "g/my-llms", true, ""},
		{"https://gw.example/e/CEFF/v1/chat/completions", "https://gw.example", "e/CEFF/v1/chat/completions", true, ""},
		{"http://gw.example/base/p/x", "http://gw.example/base", "p/x", true, ""},
		{"http://elsewhere/g/x", "http://gw.example", "g/x", true, ""},
		{"", "", "", false, "names no gateway path"},
		{"/", "", "", false, "names no gateway path"},
		{"c/failover", "", "", false, "is a chain"},
		{"/b/fanout", "", "", false, "is a broadcast"},
		{"https://gw.example/c/x", "https://gw.example", "", false, "Resolve each step's or target's target_path"},
	}
	for _, c := range cases {
		got, warn, err := normalizePath(c.in, c.gateway)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("normalizePath(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want || (warn != "") != c.warn {
			t.Errorf("normalizePath(%q) = %q, %q, %v; want %q (warning %v)", c.in, got, warn, err, c.want, c.warn)
		}
	}
}

func TestStableID(t *testing.T) {
	key := func(m map[string]string) types.Map {
		el := map[string]attr.Value{}
		for k, v := range m {
			el[k] = types.StringValue(v)
		}
		return types.MapValueMust(types.StringType, el)
	}
	var diags diag.Diagnostics
	ctx := context.Background()
	one := requestOf(ctx, resolveModel{RoutingKey: key(map[string]string{"model": "x", "region": "eu"}), Strategy: types.StringNull(), Gateway: types.StringNull()}, "g/a", &diags)
	two := requestOf(ctx, resolveModel{RoutingKey: key(map[string]string{"region": "eu", "model": "x"}), Strategy: types.StringNull(), Gateway: types.StringValue("api")}, "g/a", &diags)
	other := requestOf(ctx, resolveModel{RoutingKey: key(map[string]string{"model": "y"}), Strategy: types.StringNull(), Gateway: types.StringNull()}, "g/a", &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if stableID(one) != stableID(two) || stableID(one) == stableID(other) {
		t.Fatalf("ids %s %s %s: want equal for equal inputs, different otherwise", stableID(one), stableID(two), stableID(other))
	}
}

// The gateway's refusal is in gateway_refusal and in a warning; an empty
// list without one warns only about what the path itself shows.
func TestRefusal(t *testing.T) {
	refused := &client.ResolveResponse{Refusal: &client.Refusal{Status: 404, Detail: "no alias named 'x'"}}
	if m := modelFromAPI(resolveModel{}, refused); m.GatewayRefusal.ValueString() != "no alias named 'x'" {
		t.Errorf("gateway_refusal = %s", m.GatewayRefusal)
	}
	if m := modelFromAPI(resolveModel{}, &client.ResolveResponse{}); !m.GatewayRefusal.IsNull() {
		t.Errorf("gateway_refusal = %s, want null", m.GatewayRefusal)
	}
	for _, c := range []struct {
		path string
		resp *client.ResolveResponse
		want string // "" for no warning
	}{
		{"a/x", refused, "the gateway answers a request to \"a/x\" with HTTP 404: no alias named 'x'"},
		{"x/foo", &client.ResolveResponse{}, "\"x/foo\" does not start with a gateway route"},
		{"g/llm", &client.ResolveResponse{}, ""},
		{"g/llm", &client.ResolveResponse{Candidates: []client.ResolveCandidate{{ServiceID: "a"}}, Refusal: refused.Refusal}, ""},
	} {
		var diags diag.Diagnostics
		warnRefusal(&diags, c.path, c.resp)
		switch {
		case c.want == "" && len(diags) != 0:
			t.Errorf("%s: %v, want no warning", c.path, diags)
		case c.want != "" && (len(diags) != 1 || diags.WarningsCount() != 1 || !strings.Contains(diags[0].Detail(), c.want)):
			t.Errorf("%s: %v, want a warning saying %q", c.path, diags, c.want)
		}
	}
}
