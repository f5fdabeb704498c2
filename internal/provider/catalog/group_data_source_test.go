package catalog_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	lcatalog "github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

func defaultCatalog(t *testing.T) *lcatalog.Catalog {
	t.Helper()
	c, err := lcatalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// skipRemote skips checks of exact catalog contents, which only hold for
// unitysvc-local's embedded catalog.
func skipRemote(t *testing.T) {
	if acctest.Remote() {
		t.Skip("asserts the contents of unitysvc-local's embedded catalog")
	}
}

func TestAccGroupsDataSource(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.Config(`data "unitysvc_groups" "bad" { owner = "mine" }`),
				ExpectError: acctest.ErrorText(`value must be one of: ["all" "system" "own"]`),
			},
			{
				Config: e.Config(`
data "unitysvc_groups" "all" {
  owner = "system"
}
data "unitysvc_groups" "llm" {
  name = "ll"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue("data.unitysvc_groups.llm", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name":         knownvalue.StringExact("llm"),
							"owner_type":   knownvalue.StringExact("platform"),
							"editable":     knownvalue.Bool(false),
							"member_count": knownvalue.Int64Exact(8),
							"group_type":   knownvalue.StringExact("open"),
							"display_name": knownvalue.StringExact("Large language models"),
						}),
					})),
				},
			},
		},
	})
}

func TestAccGroupDataSource(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	llm, _ := defaultCatalog(t).Group("llm")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.Config(`data "unitysvc_group" "x" { name = "no-such-group" }`),
				ExpectError: regexp.MustCompile(`(?s)Unable to read group no-such-group.*HTTP 404.*not found`),
			},
			{
				Config:      e.Config(`data "unitysvc_group" "x" {}`),
				ExpectError: acctest.ErrorText("Exactly one of these attributes must be configured: [id,name]"),
			},
			// An empty name or id is an error, not a read of the listing.
			{
				Config:      e.Config(`data "unitysvc_group" "x" { name = "" }`),
				ExpectError: acctest.ErrorText(`name is empty: it is set to "", so there is nothing to look up. Set name to a group's name`),
			},
			{
				Config:      e.Config(`data "unitysvc_group" "x" { id = "" }`),
				ExpectError: acctest.ErrorText(`id is empty: it is set to "", so there is nothing to look up.`),
			},
			// The same when the empty value is known only at apply time.
			{
				Config: e.Config(`
resource "terraform_data" "empty" {
  input = ""
}
data "unitysvc_group" "x" {
  name = terraform_data.empty.output
}
`),
				ExpectError: acctest.ErrorText(`name is empty`),
			},
			{
				Config: e.Config(fmt.Sprintf(`
data "unitysvc_group" "by_name" {
  name = "llm"
}
data "unitysvc_group" "by_id" {
  id = %q
}
output "strategy" {
  value = jsondecode(data.unitysvc_group.by_name.routing_policy).strategy
}
`, llm.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_group.by_name", tfjsonpath.New("id"), knownvalue.StringExact(llm.ID)),
					statecheck.ExpectKnownValue("data.unitysvc_group.by_name", tfjsonpath.New("group_type"), knownvalue.StringExact("open")),
					statecheck.ExpectKnownValue("data.unitysvc_group.by_name", tfjsonpath.New("routing_policy"), knownvalue.StringExact(`{"strategy":"weighted_random"}`)),
					statecheck.ExpectKnownValue("data.unitysvc_group.by_name", tfjsonpath.New("interface").AtMapKey("base_url"), knownvalue.StringExact(e.GatewayURL+"/g/llm")),
					statecheck.ExpectKnownValue("data.unitysvc_group.by_name", tfjsonpath.New("interface").AtMapKey("name"), knownvalue.StringExact("openai-compatible")),
					statecheck.ExpectKnownValue("data.unitysvc_group.by_id", tfjsonpath.New("name"), knownvalue.StringExact("llm")),
					statecheck.ExpectKnownValue("data.unitysvc_group.by_name", tfjsonpath.New("enabled"), knownvalue.Null()),
					statecheck.ExpectKnownOutputValue("strategy", knownvalue.StringExact("weighted_random")),
				},
			},
			// A name finds your own collection first (as /g/<name> does).
			{
				Config: e.Config(`
resource "unitysvc_collection" "mine" {
  name = "group-ds-mine"
}
data "unitysvc_group" "mine" {
  name = unitysvc_collection.mine.name
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.unitysvc_group.mine", tfjsonpath.New("id"), "unitysvc_collection.mine", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.unitysvc_group.mine", tfjsonpath.New("owner_type"), knownvalue.StringExact("customer")),
					statecheck.ExpectKnownValue("data.unitysvc_group.mine", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.unitysvc_group.mine", tfjsonpath.New("interface"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.unitysvc_group.mine", tfjsonpath.New("routing_policy"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccGroupServicesDataSource_allPages(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	cat := defaultCatalog(t)
	big, _ := cat.Group("open-weights")
	if len(big.Services) <= 60 {
		t.Fatalf("the open-weights group has %d services; the test needs more than one page", len(big.Services))
	}
	first := cat.GroupServices(big)[0]
	last := cat.GroupServices(big)[len(big.Services)-1]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.Config(`
data "unitysvc_group_services" "all" {
  group = "open-weights"
}
data "unitysvc_group_services" "search" {
  group  = "llm"
  search = "llama"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_group_services.all", tfjsonpath.New("services"), knownvalue.ListSizeExact(len(big.Services))),
					statecheck.ExpectKnownValue("data.unitysvc_group_services.all", tfjsonpath.New("services").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact(first.ID)),
					statecheck.ExpectKnownValue("data.unitysvc_group_services.all", tfjsonpath.New("services").AtSliceIndex(len(big.Services)-1).AtMapKey("name"), knownvalue.StringExact(last.Name)),
					statecheck.ExpectKnownValue("data.unitysvc_group_services.search", tfjsonpath.New("services"), knownvalue.ListSizeExact(3)),
				},
				Check: resource.TestCheckResourceAttr("data.unitysvc_group_services.all", "services.#", strconv.Itoa(len(big.Services))),
			},
		},
	})
}

func TestAccServiceDataSource(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	cat := defaultCatalog(t)
	var gpt *lcatalog.Service
	for _, s := range cat.Services {
		if s.Name == "gpt-4o-mini" {
			gpt = s
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.Config(`data "unitysvc_service" "x" {
  group = "llm"
  name  = "no-such-model"
}`),
				ExpectError: acctest.ErrorText(`group "llm" has no service named "no-such-model"`),
			},
			{
				Config:      e.Config(`data "unitysvc_service" "x" { name = "gpt-4o-mini" }`),
				ExpectError: acctest.ErrorText(`Attribute "group" must be specified when "name" is specified`),
			},
			// An empty id says so (it used to read "Group 'services' not found").
			{
				Config:      e.Config(`data "unitysvc_service" "x" { id = "" }`),
				ExpectError: acctest.ErrorText(`id is empty: it is set to "", so there is nothing to look up. Set id to a service's UUID`),
			},
			{
				Config: e.Config(`
resource "terraform_data" "empty" {
  input = ""
}
data "unitysvc_service" "x" {
  id = terraform_data.empty.output
}
`),
				ExpectError: acctest.ErrorText(`id is empty`),
			},
			{
				Config: e.Config(fmt.Sprintf(`
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}
data "unitysvc_service" "gpt" {
  id = %q
}
`, gpt.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_service.byok", tfjsonpath.New("enrollment_mode"), knownvalue.StringExact("required")),
					statecheck.ExpectKnownValue("data.unitysvc_service.byok", tfjsonpath.New("required_secrets"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("MY_PROVIDER_API_KEY")})),
					statecheck.ExpectKnownValue("data.unitysvc_service.byok", tfjsonpath.New("optional_secrets"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("MY_PROVIDER_ORG")})),
					statecheck.ExpectKnownValue("data.unitysvc_service.byok", tfjsonpath.New("parameters"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("endpoint"), "required": knownvalue.Bool(true)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("region"), "required": knownvalue.Bool(false)}),
					})),
					statecheck.ExpectKnownValue("data.unitysvc_service.byok", tfjsonpath.New("channels").AtSliceIndex(0).AtMapKey("channel_type"), knownvalue.StringExact("byok")),
					statecheck.ExpectKnownValue("data.unitysvc_service.byok", tfjsonpath.New("interfaces"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.unitysvc_service.gpt", tfjsonpath.New("name"), knownvalue.StringExact("gpt-4o-mini")),
					statecheck.ExpectKnownValue("data.unitysvc_service.gpt", tfjsonpath.New("provider_name"), knownvalue.StringExact("openai")),
					statecheck.ExpectKnownValue("data.unitysvc_service.gpt", tfjsonpath.New("enrollment_mode"), knownvalue.StringExact("disallowed")),
					statecheck.ExpectKnownValue("data.unitysvc_service.gpt", tfjsonpath.New("required_secrets"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.unitysvc_service.gpt", tfjsonpath.New("capabilities"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("chat"), knownvalue.StringExact("streaming")})),
					statecheck.ExpectKnownValue("data.unitysvc_service.gpt", tfjsonpath.New("interfaces").AtSliceIndex(0).AtMapKey("base_url"), knownvalue.StringExact(e.GatewayURL+"/p/"+gpt.ID)),
				},
				Check: func(s *terraform.State) error {
					price := s.RootModule().Resources["data.unitysvc_service.gpt"].Primary.Attributes["list_price"]
					if !regexp.MustCompile(`"input":"0.15"`).MatchString(price) {
						return fmt.Errorf("list_price = %s, want the catalog's input price 0.15", price)
					}
					return nil
				},
			},
		},
	})
}

// The catalog is readable without an API key.
func TestAccCatalogAnonymous(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "unitysvc" {
  api_url = %q
}
data "unitysvc_group" "llm" {
  name = "llm"
}
`, e.APIURL),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_group.llm", tfjsonpath.New("member_count"), knownvalue.Int64Exact(8)),
					// gateway_url defaults to api_url without /v1.
					statecheck.ExpectKnownValue("data.unitysvc_group.llm", tfjsonpath.New("interface").AtMapKey("base_url"), knownvalue.StringExact(e.GatewayURL+"/g/llm")),
				},
			},
		},
	})
}
