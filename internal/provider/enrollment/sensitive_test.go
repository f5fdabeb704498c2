package enrollment_test

import (
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// forgetful is e behind a proxy that drops the header naming the
// parameters sent as sensitive, as the UnitySVC API ignores it: the API
// then echoes every parameter whose name does not look secret, whatever
// the provider sent it as.
func forgetful(t *testing.T, e *acctest.Env) *acctest.Env {
	t.Helper()
	target, err := url.Parse(e.APIURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(&url.URL{Scheme: target.Scheme, Host: target.Host})
		r.Out.Header.Del(client.SensitiveParametersHeader)
	}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	out := *e
	out.APIURL = srv.URL + target.Path
	return &out
}

// A write-only parameter whose name the API does not mask (an endpoint
// carrying a signed query string) never reaches the state, the CLI's
// output or the plan, even from an API that echoes it on read: the
// provider remembers which keys were given as sensitive (names only, in
// private state) and keeps them out of parameters.
func TestAccEnrollment_writeOnlyUnmaskedKeyNeverStored(t *testing.T) {
	e := acctest.New(t)
	acctest.SkipWithoutWriteOnly(t)
	const signature = "sig=wo-signed-7f3a9c2e"
	endpoint := "https://a.example.com/v1?" + signature
	api := forgetful(t, e)
	d := acctest.NewTofuDir(t, api.ConfigFile(t, "testdata/enrollment_write_only_signed_endpoint.tf", map[string]any{"service_id": byokService}))
	d.Setenv("TF_VAR_endpoint", endpoint)
	d.Setenv("TF_VAR_api_key", "sk-wo-signed")
	absent := func(where, text string) {
		t.Helper()
		if strings.Contains(text, signature) {
			t.Errorf("the write-only value appears in %s:\n%s", where, text)
		}
	}
	// The API does echo it: the check below would prove nothing otherwise.
	echoes := func(id string) {
		t.Helper()
		en, err := api.Client.GetEnrollment(acctest.Ctx(), id)
		if err != nil {
			t.Fatal(err)
		}
		if en.Parameters["endpoint"] != endpoint {
			t.Fatalf("the API answered endpoint %v, want it echoed in clear (as the UnitySVC API does)", en.Parameters["endpoint"])
		}
	}
	defer func() {
		if out, code := d.Run("destroy", "-auto-approve", "-no-color"); code != 0 {
			t.Errorf("destroy exited %d:\n%s", code, out)
		}
	}()

	out := d.MustRun("plan", "-out=create.tfplan", "-no-color")
	absent("the plan output", out)
	absent("the plan JSON (show -json)", d.MustRun("show", "-json", "create.tfplan"))
	out = d.MustRun("apply", "-auto-approve", "-no-color", "create.tfplan")
	absent("the apply output", out)
	state := d.ReadFile("terraform.tfstate")
	absent("the state file", state)
	ids := idsIn(t, d.MustRun("state", "show", "-no-color", addr))
	if len(ids) != 1 {
		t.Fatalf("want one enrollment id in state, got %v", ids)
	}
	echoes(ids[0])

	// A refresh reads it back from the API, which echoes it: still out.
	out, code := d.Run("plan", "-out=next.tfplan", "-detailed-exitcode", "-no-color")
	if code != 0 {
		t.Errorf("the plan after apply is not empty (exit %d):\n%s", code, out)
	}
	absent("the refresh plan output", out)
	absent("the refresh plan JSON (show -json)", d.MustRun("show", "-json", "next.tfplan"))
	absent("the state file after refresh", d.ReadFile("terraform.tfstate"))
	absent("show -json of the state", d.MustRun("show", "-json"))
}

// idsIn returns the enrollment ids in `state show` output.
func idsIn(t *testing.T, show string) []string {
	t.Helper()
	var ids []string
	for _, line := range strings.Split(show, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "id" && f[1] == "=" {
			ids = append(ids, strings.Trim(f[2], `"`))
		}
	}
	return ids
}

// On import nothing is recorded about sensitive keys: parameters holds
// what the API reads back in clear, without the keys it masks, including
// one sent as sensitive under a name that does not look secret (which
// unitysvc-local masks; see api-semantics "Keys and runs-as").
func TestAccEnrollment_importLeavesMaskedKeysOut(t *testing.T) {
	e := acctest.New(t)
	const signature = "sig=imported-4b1d"
	created, err := e.Client.CreateEnrollment(acctest.Ctx(), client.ServiceEnrollmentCreate{ServiceID: byokService,
		Parameters:    map[string]any{"endpoint": "https://a.example.com/v1?" + signature, "region": "eu", "api_key": "sk-imported"},
		SensitiveKeys: []string{"api_key", "endpoint"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = e.Client.CancelEnrollment(acctest.Ctx(), created.ID) })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        e.ConfigFile(t, "testdata/enrollment_service_only.tf", map[string]any{"service_id": byokService}),
			ResourceName:  addr,
			ImportState:   true,
			ImportStateId: created.ID,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 {
					return fmt.Errorf("%d states imported, want 1", len(states))
				}
				a := states[0].Attributes
				for k, v := range a {
					if strings.Contains(v, signature) || strings.Contains(v, "sk-imported") {
						return fmt.Errorf("imported attribute %s holds a value sent as sensitive", k)
					}
				}
				if a["parameters.%"] != "1" || a["parameters.region"] != "eu" {
					return fmt.Errorf("imported parameters = %v, want only region", a)
				}
				return nil
			},
		}},
	})
}
