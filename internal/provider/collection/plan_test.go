package collection_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// A new collection's gateway_path and gateway_url follow from its name,
// so they are known at plan time, and so is a chain step or an alias
// that targets the collection.
func TestAccCollection_pathsKnownAtPlan(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandName("plan-known-")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.Config(fmt.Sprintf(`
resource "unitysvc_collection" "c" {
  name = %q
}
resource "unitysvc_chain" "ch" {
  name  = %q
  steps = [{ name = "one", target_path = unitysvc_collection.c.gateway_path }]
}
resource "unitysvc_alias" "a" {
  name        = %q
  target_path = unitysvc_collection.c.gateway_path
}
`, name, name, name)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("unitysvc_collection.c", tfjsonpath.New("gateway_path"), knownvalue.StringExact("g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_collection.c", tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_chain.ch", tfjsonpath.New("steps").AtSliceIndex(0).AtMapKey("target_path"), knownvalue.StringExact("g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_chain.ch", tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/"+name)),
				plancheck.ExpectKnownValue("unitysvc_alias.a", tfjsonpath.New("target_path"), knownvalue.StringExact("g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_alias.a", tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/a/"+name)),
			}},
		}},
	})
}
