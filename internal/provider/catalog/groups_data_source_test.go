package catalog_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

func TestAccGroupsDataSource(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/groups_by_owner.tf", map[string]any{"owner": "mine"}),
				ExpectError: acctest.ErrorText(`value must be one of: ["all" "system" "own"]`),
			},
			{
				Config: e.ConfigFile(t, "testdata/groups_system_and_name_filter.tf", nil),
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

// The catalog is readable without an API key.
func TestAccCatalogAnonymous(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.FillConfig(t, "testdata/catalog_anonymous.tf", map[string]any{"api_url": e.APIURL}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_group.llm", tfjsonpath.New("member_count"), knownvalue.Int64Exact(8)),
					// gateway_url defaults to api_url without /v1.
					statecheck.ExpectKnownValue("data.unitysvc_group.llm", tfjsonpath.New("interface").AtMapKey("base_url"), knownvalue.StringExact(e.GatewayURL+"/g/llm")),
				},
			},
		},
	})
}
