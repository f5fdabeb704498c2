package provider_test

import (
	"context"
	"regexp"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// Objects a lost create left on the server, unknown to the state (made
// here through the client), are not created twice on the next apply:
// each create gets the API's 409, and the error names the existing
// object and the exact command (and import block) that adopts it.
// Applying the advice, as import blocks, adopts them with an empty plan.
func TestAccConflictOffersImport(t *testing.T) {
	e := acctest.New(t)
	ctx := context.Background()
	name := tfacctest.RandomWithPrefix("orphan")
	col, err := e.Client.CreateCollection(ctx, client.ServiceCollectionCreate{Name: name}, false)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := e.Client.CreateChain(ctx, false, client.ChainCreate{Name: name, Steps: []client.ChainStepCreate{{Name: "s", TargetPath: "g/llm", OnSuccess: "stop", OnFailure: "continue"}}})
	if err != nil {
		t.Fatal(err)
	}
	rr, err := e.Client.CreateRecurrentRequest(ctx, client.RecurrentRequestCreate{Name: &name, RequestPath: "g/llm/v1/chat/completions"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.UpdateRecurrentRequest(ctx, rr.ID, client.RecurrentRequestUpdate{Schedule: client.NullableFrom(client.IntervalSchedule(300))}); err != nil {
		t.Fatal(err)
	}
	resources := e.ConfigFile(t, "testdata/conflict_orphans.tf", map[string]any{"name": name})
	advice := func(typ, id string) string {
		return `terraform\s+import\s+` + regexp.QuoteMeta(typ) + `\.<name>\s+` + regexp.QuoteMeta(id) + `.*tofu\s+import.*to\s+=\s+` + regexp.QuoteMeta(typ) + `\.<name>\s+id\s+=\s+"` + regexp.QuoteMeta(id) + `"`
	}
	// The same resources with import blocks for the orphans, as the advice says.
	imported := e.ConfigFile(t, "testdata/conflict_orphans_imported.tf", map[string]any{"name": name, "chain_id": ch.ID, "recurrent_request_id": rr.ID})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: resources, ExpectError: regexp.MustCompile(`(?s)Unable to create collection.*HTTP 409.*already\s+exists\s+\(id\s+` + col.ID + `\).*` + advice("unitysvc_collection", name))},
			{Config: resources, ExpectError: regexp.MustCompile(`(?s)Unable to create chain.*HTTP 409.*already\s+exists\s+\(id\s+` + ch.ID + `\).*` + advice("unitysvc_chain", ch.ID))},
			{Config: resources, ExpectError: regexp.MustCompile(`(?s)Unable to create recurrent request.*HTTP 409.*already\s+exists\s+\(id\s+` + rr.ID + `\).*` + advice("unitysvc_recurrent_request", rr.ID))},
			{
				Config: imported,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("unitysvc_collection.c", tfjsonpath.New("id"), knownvalue.StringExact(col.ID)),
					statecheck.ExpectKnownValue("unitysvc_chain.ch", tfjsonpath.New("id"), knownvalue.StringExact(ch.ID)),
					statecheck.ExpectKnownValue("unitysvc_recurrent_request.r", tfjsonpath.New("id"), knownvalue.StringExact(rr.ID)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
