package enrollment

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func strMap(kv ...string) types.Map {
	elems := map[string]attr.Value{}
	for i := 0; i < len(kv); i += 2 {
		elems[kv[i]] = types.StringValue(kv[i+1])
	}
	return types.MapValueMust(types.StringType, elems)
}

func TestModelFromAPIKeepsMaskedValues(t *testing.T) {
	code, pe := "CEFF", "http://gw/e/CEFF"
	api := &client.CustomerEnrollment{ID: "e", ServiceID: "s", Status: "active", Code: &code, ProxyEndpoint: &pe,
		Parameters: map[string]any{"endpoint": "https://drifted", "api_key": client.MaskedValue, "token": client.MaskedValue, "port": float64(8080)}}
	for _, tc := range []struct {
		name        string
		prior       enrollmentModel
		wantPlain   map[string]string
		wantSecrets types.Map
	}{
		{
			name:        "configured",
			prior:       enrollmentModel{Parameters: strMap("endpoint", "https://x", "token", "t-1"), SensitiveParameters: strMap("api_key", "k")},
			wantPlain:   map[string]string{"endpoint": "https://drifted", "token": "t-1", "port": "8080"},
			wantSecrets: strMap("api_key", "k"),
		},
		{
			name:        "imported",
			prior:       enrollmentModel{Parameters: types.MapNull(types.StringType), SensitiveParameters: types.MapNull(types.StringType)},
			wantPlain:   map[string]string{"endpoint": "https://drifted", "port": "8080"},
			wantSecrets: types.MapNull(types.StringType),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := modelFromAPI(api, tc.prior)
			got := map[string]string{}
			for k, v := range m.Parameters.Elements() {
				got[k] = v.(types.String).ValueString()
			}
			if len(got) != len(tc.wantPlain) {
				t.Fatalf("parameters = %v, want %v", got, tc.wantPlain)
			}
			for k, v := range tc.wantPlain {
				if got[k] != v {
					t.Fatalf("parameters = %v, want %v", got, tc.wantPlain)
				}
			}
			if !m.SensitiveParameters.Equal(tc.wantSecrets) {
				t.Fatalf("sensitive_parameters = %v, want %v (never read back)", m.SensitiveParameters, tc.wantSecrets)
			}
			if m.Code.ValueString() != "CEFF" || m.ProxyEndpoint.ValueString() != pe || m.Status.ValueString() != "active" {
				t.Fatalf("computed = %v %v %v", m.Code, m.ProxyEndpoint, m.Status)
			}
		})
	}
}

func TestSecretLookingKey(t *testing.T) {
	for k, want := range map[string]bool{"api_key": true, "PASSWORD": true, "access_token": true, "client_secret": true, "endpoint": false, "region": false} {
		if secretLookingKey(k) != want {
			t.Errorf("secretLookingKey(%q) = %v", k, !want)
		}
	}
}
