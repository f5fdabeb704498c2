package provider_test

import (
	"os"
	"path/filepath"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// The routing-checks guide's configuration, read from the files the guide
// shows, applies against unitysvc-local with every check and
// postcondition holding.
func TestAccGuideRoutingChecks(t *testing.T) {
	e := acctest.New(t)
	if acctest.Remote() {
		t.Skip("the guide's by_price check names a provider of unitysvc-local's catalog")
	}
	files, err := filepath.Glob(filepath.Join(moduleRoot(t), "examples", "guides", "routing-checks", "*.tf"))
	if err != nil || len(files) != 3 {
		t.Fatalf("guide files: %v, %v", files, err)
	}
	hcl := ""
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		hcl += string(b) + "\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             e.Config(hcl),
			ExpectNonEmptyPlan: true, // the checks' data sources are read at every apply
			ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{acctest.ExpectOnlyCheckReads()}},
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.ExpectCheckStatus("fast_routes_to_gpt", tfjson.CheckStatusPass),
				acctest.ExpectCheckStatus("llama_stays_cheap", tfjson.CheckStatusPass),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.prod_chat", tfjsonpath.New("candidates"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.cheapest_llama", tfjsonpath.New("selected").AtMapKey("provider_name"), knownvalue.StringExact("groq")),
			},
		}},
	})
}
