package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// providerConfigTest applies file (a provider block with the llm group's
// data source) filled in with vars, against a fresh unitysvc-local.
func providerConfigTest(t *testing.T, file string, vars func(e *acctest.Env) map[string]any, step func(e *acctest.Env) resource.TestStep) {
	t.Helper()
	e := acctest.New(t)
	s := step(e)
	s.Config = acctest.FillConfig(t, "testdata/"+file, vars(e))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{s},
	})
}

func refused(text string) func(*acctest.Env) resource.TestStep {
	return func(*acctest.Env) resource.TestStep { return resource.TestStep{ExpectError: acctest.ErrorText(text)} }
}

func TestAccProviderConfig_invalidAPIURL(t *testing.T) {
	providerConfigTest(t, "provider_api_url.tf", func(*acctest.Env) map[string]any { return map[string]any{"api_url": "ftp://example.com/v1"} },
		refused("Invalid api_url"))
}

func TestAccProviderConfig_invalidGatewayURL(t *testing.T) {
	providerConfigTest(t, "provider_gateway_url.tf", func(e *acctest.Env) map[string]any {
		return map[string]any{"api_url": e.APIURL, "gateway_url": "not a url"}
	}, refused("Invalid gateway_url"))
}

// The API's host without /v1 is refused, not guessed.
func TestAccProviderConfig_apiURLWithoutVersion(t *testing.T) {
	providerConfigTest(t, "provider_api_url.tf", func(e *acctest.Env) map[string]any {
		return map[string]any{"api_url": strings.TrimSuffix(e.APIURL, "/v1")}
	}, func(e *acctest.Env) resource.TestStep {
		return resource.TestStep{ExpectError: acctest.ErrorText(fmt.Sprintf("has no API version segment: the UnitySVC customer API is served under /v1. Set api_url (or UNITYSVC_API_URL) to %q", e.APIURL))}
	})
}

// The API's URL given as the gateway's.
func TestAccProviderConfig_gatewayURLIsAPIURL(t *testing.T) {
	providerConfigTest(t, "provider_gateway_url.tf", func(e *acctest.Env) map[string]any {
		return map[string]any{"api_url": e.APIURL, "gateway_url": e.APIURL}
	}, refused("ends in an API version segment, like the customer API's URL"))
}

// Not a duration: refused by the attribute's type.
func TestAccProviderConfig_requestTimeoutNotADuration(t *testing.T) {
	providerConfigTest(t, "provider_request_timeout.tf", func(e *acctest.Env) map[string]any {
		return map[string]any{"api_url": e.APIURL, "request_timeout": "soon"}
	}, refused(`not a valid Go Time Duration string format`))
}

// A duration, but not a usable timeout.
func TestAccProviderConfig_requestTimeoutZero(t *testing.T) {
	providerConfigTest(t, "provider_request_timeout.tf", func(e *acctest.Env) map[string]any {
		return map[string]any{"api_url": e.APIURL, "request_timeout": "0s"}
	}, refused(`request_timeout is "0s"; it must be a positive Go duration such as 30s, 1m30s or 2m`))
}

func TestAccProviderConfig_maxRetriesTooHigh(t *testing.T) {
	providerConfigTest(t, "provider_max_retries_too_high.tf", func(e *acctest.Env) map[string]any { return map[string]any{"api_url": e.APIURL} },
		refused("Attribute max_retries value must be between 0 and 20, got: 50"))
}

// A bad key is refused with the server's detail and a hint.
func TestAccProviderConfig_badAPIKey(t *testing.T) {
	providerConfigTest(t, "provider_api_key.tf", func(e *acctest.Env) map[string]any {
		return map[string]any{"api_url": e.APIURL, "api_key": "svcpass_wrong"}
	}, refused("HTTP 401"))
}

// Everything valid.
func TestAccProviderConfig_valid(t *testing.T) {
	providerConfigTest(t, "provider_valid.tf", func(e *acctest.Env) map[string]any {
		return map[string]any{"api_url": e.APIURL, "api_key": e.APIKey}
	}, func(*acctest.Env) resource.TestStep {
		return resource.TestStep{Check: resource.TestCheckResourceAttr("data.unitysvc_group.llm", "name", "llm")}
	})
}

// The provider reads its settings from the environment.
func TestAccProviderEnvironment(t *testing.T) {
	e := acctest.New(t)
	t.Setenv("UNITYSVC_API_URL", e.APIURL)
	t.Setenv("UNITYSVC_API_KEY", e.APIKey)
	t.Setenv("UNITYSVC_API_BASE_URL", "http://gateway.example.test")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.FillConfig(t, "testdata/provider_from_environment.tf", nil),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("unitysvc_secret.env", "value", "x"),
					resource.TestCheckResourceAttrSet("unitysvc_secret.env", "id"),
				),
			},
		},
	})
}
