package catalog_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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

func TestAccGroupDataSource(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	llm, _ := defaultCatalog(t).Group("llm")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/group_by_name.tf", map[string]any{"name": "no-such-group"}),
				ExpectError: regexp.MustCompile(`(?s)Unable to read group no-such-group.*HTTP 404.*not found`),
			},
			{
				Config:      e.ConfigFile(t, "testdata/group_no_lookup_key.tf", nil),
				ExpectError: acctest.ErrorText("Exactly one of these attributes must be configured: [id,name]"),
			},
			// An empty name or id is an error, not a read of the listing.
			{
				Config:      e.ConfigFile(t, "testdata/group_by_name.tf", map[string]any{"name": ""}),
				ExpectError: acctest.ErrorText(`name is empty: it is set to "", so there is nothing to look up. Set name to a group's name`),
			},
			{
				Config:      e.ConfigFile(t, "testdata/group_by_id.tf", map[string]any{"id": ""}),
				ExpectError: acctest.ErrorText(`id is empty: it is set to "", so there is nothing to look up.`),
			},
			// The same when the empty value is known only at apply time.
			{
				Config:      e.ConfigFile(t, "testdata/group_empty_name_known_at_apply.tf", nil),
				ExpectError: acctest.ErrorText(`name is empty`),
			},
			{
				Config: e.ConfigFile(t, "testdata/group_llm_by_name_and_id.tf", map[string]any{"id": llm.ID}),
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
				Config: e.ConfigFile(t, "testdata/group_own_collection.tf", nil),
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
