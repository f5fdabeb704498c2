package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

func TestAccProviderConfigErrors(t *testing.T) {
	e := acctest.New(t)
	data := `
data "unitysvc_group" "llm" {
  name = "llm"
}
`
	provider := func(body string) string { return fmt.Sprintf("provider \"unitysvc\" {\n%s\n}\n%s", body, data) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider(`api_url = "ftp://example.com/v1"`),
				ExpectError: acctest.ErrorText("Invalid api_url"),
			},
			{
				Config: provider(fmt.Sprintf(`api_url = %q
  gateway_url = "not a url"`, e.APIURL)),
				ExpectError: acctest.ErrorText("Invalid gateway_url"),
			},
			{
				// The API's host without /v1 is refused, not guessed.
				Config:      provider(fmt.Sprintf(`api_url = %q`, strings.TrimSuffix(e.APIURL, "/v1"))),
				ExpectError: acctest.ErrorText(fmt.Sprintf("has no API version segment: the UnitySVC customer API is served under /v1. Set api_url (or UNITYSVC_API_URL) to %q", e.APIURL)),
			},
			{
				// The API's URL given as the gateway's.
				Config: provider(fmt.Sprintf(`api_url = %q
  gateway_url = %q`, e.APIURL, e.APIURL)),
				ExpectError: acctest.ErrorText("ends in an API version segment, like the customer API's URL"),
			},
			{
				// Not a duration: refused by the attribute's type.
				Config: provider(fmt.Sprintf(`api_url = %q
  request_timeout = "soon"`, e.APIURL)),
				ExpectError: acctest.ErrorText(`not a valid Go Time Duration string format`),
			},
			{
				// A duration, but not a usable timeout.
				Config: provider(fmt.Sprintf(`api_url = %q
  request_timeout = "0s"`, e.APIURL)),
				ExpectError: acctest.ErrorText(`request_timeout is "0s"; it must be a positive Go duration such as 30s, 1m30s or 2m`),
			},
			{
				Config: provider(fmt.Sprintf(`api_url = %q
  max_retries = 50`, e.APIURL)),
				ExpectError: acctest.ErrorText("Attribute max_retries value must be between 0 and 20, got: 50"),
			},
			{
				// A bad key is refused with the server's detail and a hint.
				Config: provider(fmt.Sprintf(`api_url = %q
  api_key = "svcpass_wrong"`, e.APIURL)),
				ExpectError: acctest.ErrorText("HTTP 401"),
			},
			{
				// Everything valid.
				Config: provider(fmt.Sprintf(`api_url = %q
  api_key = %q
  request_timeout = "10s"
  max_retries = 0`, e.APIURL, e.APIKey)),
				Check: resource.TestCheckResourceAttr("data.unitysvc_group.llm", "name", "llm"),
			},
		},
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
				Config: `
provider "unitysvc" {}
resource "unitysvc_secret" "env" {
  name      = "FROM_ENV"
  value     = "x"
  sensitive = false
}
`,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("unitysvc_secret.env", "value", "x"),
					resource.TestCheckResourceAttrSet("unitysvc_secret.env", "id"),
				),
			},
		},
	})
}
