package enrollment

import (
	"reflect"
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
			m := modelFromAPI(api, tc.prior, nil)
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

// A key given as sensitive (write-only: in neither plan nor state) stays
// out of parameters even when the API echoes its value in clear, as it
// does for a name that does not look secret.
func TestModelFromAPIKeepsSensitiveKeysOut(t *testing.T) {
	api := &client.CustomerEnrollment{ID: "e", ServiceID: "s", Status: "active",
		Parameters: map[string]any{"endpoint": "https://x/v1?sig=abc", "region": "eu", "api_key": client.MaskedValue}}
	m := modelFromAPI(api, enrollmentModel{Parameters: strMap("region", "eu"), SensitiveParameters: types.MapNull(types.StringType)}, []string{"api_key", "endpoint"})
	if !m.Parameters.Equal(strMap("region", "eu")) {
		t.Fatalf("parameters = %v, want only region: a sensitive key's value must never enter state", m.Parameters)
	}
}

func TestSecretLookingKey(t *testing.T) {
	for k, want := range map[string]bool{"api_key": true, "PASSWORD": true, "access_token": true, "client_secret": true, "db_credentials": true, "Passphrase": true, "endpoint": false, "region": false} {
		if secretLookingKey(k) != want {
			t.Errorf("secretLookingKey(%q) = %v", k, !want)
		}
	}
}

func TestModelFromAPIKeepsExplicitlyEmptyParameters(t *testing.T) {
	api := &client.CustomerEnrollment{ID: "e", ServiceID: "s", Status: "active", Parameters: map[string]any{"api_key": client.MaskedValue}}
	empty := types.MapValueMust(types.StringType, map[string]attr.Value{})
	for _, tc := range []struct {
		name  string
		prior types.Map
		want  types.Map
	}{
		// parameters = {} stays {} (not null), so no diff appears.
		{"configured empty", empty, empty},
		// Unset stays null, even though the API reports a masked key.
		{"unset", types.MapNull(types.StringType), types.MapNull(types.StringType)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := modelFromAPI(api, enrollmentModel{Parameters: tc.prior, SensitiveParameters: strMap("api_key", "k")}, nil)
			if !m.Parameters.Equal(tc.want) {
				t.Fatalf("parameters = %v, want %v", m.Parameters, tc.want)
			}
			if !m.Code.IsNull() || !m.ProxyEndpoint.IsNull() || !m.SensitiveParametersWO.IsNull() {
				t.Fatalf("code %v, proxy_endpoint %v, sensitive_parameters_wo %v: want null", m.Code, m.ProxyEndpoint, m.SensitiveParametersWO)
			}
		})
	}
}

func TestEnrollmentItemModelFromAPI(t *testing.T) {
	code := "CEFF"
	for _, tc := range []struct {
		name string
		api  client.CustomerEnrollment
		want enrollmentItemModel
	}{
		{
			// The data source shows parameters as the API returns them:
			// masked ones stay masked, numbers read as text. Without
			// service details the name is null.
			name: "masked and numbers",
			api: client.CustomerEnrollment{ID: "e1", ServiceID: "s", Status: "active", Code: &code, CreatedAt: "t0",
				Parameters: map[string]any{"api_key": client.MaskedValue, "port": float64(8080)}},
			want: enrollmentItemModel{ID: types.StringValue("e1"), ServiceID: types.StringValue("s"), ServiceName: types.StringNull(),
				Status: types.StringValue("active"), Code: types.StringValue("CEFF"), ProxyEndpoint: types.StringNull(),
				Parameters: strMap("api_key", client.MaskedValue, "port", "8080"), CreatedAt: types.StringValue("t0"), UpdatedAt: types.StringNull()},
		},
		{
			// No parameters is null; the service's name when the API
			// includes service details.
			name: "no parameters",
			api: client.CustomerEnrollment{ID: "e2", ServiceID: "s", Status: "pending", CreatedAt: "t0",
				Service: map[string]any{"name": "my-provider-llm"}},
			want: enrollmentItemModel{ID: types.StringValue("e2"), ServiceID: types.StringValue("s"), ServiceName: types.StringValue("my-provider-llm"),
				Status: types.StringValue("pending"), Code: types.StringNull(), ProxyEndpoint: types.StringNull(),
				Parameters: types.MapNull(types.StringType), CreatedAt: types.StringValue("t0"), UpdatedAt: types.StringNull()},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := enrollmentItemModelFromAPI(tc.api); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("enrollmentItemModelFromAPI =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}
