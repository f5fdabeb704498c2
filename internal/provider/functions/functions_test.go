package functions_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/functions"
)

// TestBuildWrappedPathMatchesSDK: the vectors are the output of the SDK's
// build_wrapped_path (unitysvc-py _wrappers.py) for the same arguments.
func TestBuildWrappedPathMatchesSDK(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		base string
		o    functions.WrapOptions
		want string
	}{
		{"g/llm", functions.WrapOptions{}, "g/llm"},
		{"/p/abc", functions.WrapOptions{Log: "true"}, "l/p/abc"},
		{"p/abc", functions.WrapOptions{Log: "complete"}, "l/p/abc?_complete="},
		{"g/llm", functions.WrapOptions{Cache: true}, "m/g/llm"},
		{"g/llm", functions.WrapOptions{CacheTTL: s("1h")}, "m/g/llm?_ttl=1h"},
		{"g/llm", functions.WrapOptions{CacheRenew: true}, "m/g/llm?_renew="},
		{"g/llm/v1/chat/completions", functions.WrapOptions{Log: "complete", CacheTTL: s("15m"), CacheRenew: true, FailoverTo: s("p/backup"), TeeTo: s("b/audit")},
			"l/m/f/t/g/llm/v1/chat/completions?_complete=&_ttl=15m&_renew=&_else=p%2Fbackup&_to=b%2Faudit"},
		{"a/x", functions.WrapOptions{FailoverTo: s("m/g/y?_ttl=7d")}, "f/a/x?_else=m%2Fg%2Fy%3F_ttl%3D7d"},
		{"a/x", functions.WrapOptions{TeeTo: s("c/Team.Chain~1")}, "t/a/x?_to=c%2FTeam.Chain~1"},
		// Where the SDK would add a second "?", the parameters are appended.
		{"m/g/x?_ttl=1h", functions.WrapOptions{Log: "complete"}, "l/m/g/x?_ttl=1h&_complete="},
	} {
		got, err := functions.BuildWrappedPath(c.base, c.o)
		if err != nil || got != c.want {
			t.Errorf("%q %+v: %q, %v; want %q", c.base, c.o, got, err, c.want)
		}
	}
	for _, c := range []struct {
		o    functions.WrapOptions
		want string
	}{
		{functions.WrapOptions{FailoverTo: s("https://backup.example/v1")}, "not an external URL"},
		{functions.WrapOptions{TeeTo: s("http://x")}, "not an external URL"},
		{functions.WrapOptions{CacheTTL: s("2w")}, "s, m, h or d"},
		{functions.WrapOptions{Log: "yes"}, `use true, false or "complete"`},
		{functions.WrapOptions{FailoverTo: s("x/y")}, "does not start with a gateway route"},
	} {
		if _, err := functions.BuildWrappedPath("g/llm", c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error saying %q", c.o, err, c.want)
		}
	}
}

// The functions as tofu calls them (provider functions need Terraform
// 1.8 or OpenTofu 1.7).
func TestAccFunctions(t *testing.T) {
	out := plancheck.ExpectKnownOutputValue
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.FillConfig(t, "testdata/functions.tf", map[string]any{"gateway": "https://gw.example/"}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				out("wrapped_all", knownvalue.StringExact("l/m/f/t/g/llm/v1/chat/completions?_complete=&_ttl=15m&_renew=&_else=p%2Fbackup&_to=b%2Faudit")),
				out("wrapped_logged", knownvalue.StringExact("l/p/abc")),
				out("wrapped_cached", knownvalue.StringExact("m/g/llm")),
				out("wrapped_nothing", knownvalue.StringExact("g/llm")),
				out("wrapped_nested", knownvalue.StringExact("f/a/x?_else=m%2Fg%2Fy%3F_ttl%3D7d")),
				out("url", knownvalue.StringExact("https://gw.example/l/g/llm/v1/chat/completions")),
				out("parsed", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"wrappers":     knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("t"), knownvalue.StringExact("l"), knownvalue.StringExact("m")}),
					"routed_path":  knownvalue.StringExact("a/x/v1/embeddings"),
					"kind":         knownvalue.StringExact("alias"),
					"name":         knownvalue.StringExact("x"),
					"sub_path":     knownvalue.StringExact("v1/embeddings"),
					"log":          knownvalue.Bool(true),
					"log_complete": knownvalue.Bool(false),
					"cache":        knownvalue.Bool(true),
					"cache_ttl":    knownvalue.StringExact("1h"),
					"cache_renew":  knownvalue.Bool(false),
					"failover_to":  knownvalue.Null(),
					"tee_to":       knownvalue.StringExact("b/audit"),
					"query":        knownvalue.StringExact("api-version=2"),
				})),
			}},
		}},
	})
}

// Every bad argument is an error at plan time that says what is wrong
// and what is allowed.
func TestAccFunctions_errors(t *testing.T) {
	call := func(expr string) string { return "output \"x\" {\n  value = " + expr + "\n}\n" }
	steps := []resource.TestStep{}
	for expr, want := range map[string]string{
		`provider::unitysvc::wrapped_path("g/llm", { failover_to = "https://backup.example/v1" })`: `failover_to = "https://backup.example/v1" must be a gateway-relative path`,
		`provider::unitysvc::wrapped_path("g/llm", { tee_to = "http://x.example" })`:               `tee_to = "http://x.example" must be a gateway-relative path`,
		`provider::unitysvc::wrapped_path("g/llm", { log = "yes" })`:                               `log is "yes": use true, false or "complete"`,
		`provider::unitysvc::wrapped_path("g/llm", { cache_ttl = "8d" })`:                          `at most 7d`,
		`provider::unitysvc::wrapped_path("g/llm", { cache_ttl = 30 })`:                            `cache_ttl is the number 30: give a string`,
		`provider::unitysvc::wrapped_path("g/llm", { ttl = "1h" })`:                                `options has "ttl", which is not an option`,
		`provider::unitysvc::wrapped_path("x/llm", { log = true })`:                                `"x/llm" does not start with a gateway route`,
		`provider::unitysvc::wrapped_path("l/g/llm", { log = true })`:                              `has the wrapper l/ twice`,
		`provider::unitysvc::wrapped_path("g/llm", "log")`:                                         `options must be an object`,
		`provider::unitysvc::gateway_url("g/llm", "https://api.example/v1")`:                       `ends in a version segment`,
		`provider::unitysvc::gateway_url("g/llm", "ftp://x")`:                                      `is not an http or https URL`,
		`provider::unitysvc::gateway_url("https://gw.example/g/llm")`:                              `is a URL: give the gateway-relative path`,
		`provider::unitysvc::gateway_url("g/llm", "https://a", "https://b")`:                       `takes one base URL at most`,
		`provider::unitysvc::parse_gateway_path("d/g/llm")`:                                        `reserved but not served`,
	} {
		steps = append(steps, resource.TestStep{Config: call(expr), ExpectError: acctest.ErrorText(want)})
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// Without a base, gateway_url uses the provider's environment fallbacks.
func TestAccFunctions_gatewayURLFromEnvironment(t *testing.T) {
	t.Setenv(functions.EnvGatewayURL, "")
	t.Setenv(functions.EnvAPIURL, "http://127.0.0.1:8000/v1")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `output "u" { value = provider::unitysvc::gateway_url("/c/my-chain") }`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("u", knownvalue.StringExact("http://127.0.0.1:8000/c/my-chain")),
			}},
		}},
	})
}
