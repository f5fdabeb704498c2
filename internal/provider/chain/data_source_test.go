package chain_test

import (
	"context"
	"regexp"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestAccChainDataSource_managedElsewhere(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-chain")
	const ds = "data.unitysvc_chain.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// A shared chain and a personal one of the same name,
					// created outside this configuration.
					desc := "team"
					for _, shared := range []bool{true, false} {
						if _, err := e.Client.CreateChain(context.Background(), shared, client.ChainCreate{Name: name, Description: &desc,
							Steps: []client.ChainStepCreate{{Name: "a", TargetPath: "g/llm", SortOrder: 0}}}); err != nil {
							t.Fatal(err)
						}
						desc = "mine"
					}
				},
				Config: e.ConfigFile(t, "testdata/chain_data_sources_both_scopes.tf", map[string]any{"name": name}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("description"), knownvalue.StringExact("mine")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("shared"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/"+name)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("steps").AtSliceIndex(0).AtMapKey("on_failure"), knownvalue.StringExact("relay")),
					statecheck.ExpectKnownValue("data.unitysvc_chain.team", tfjsonpath.New("description"), knownvalue.StringExact("team")),
					statecheck.ExpectKnownValue("data.unitysvc_chain.team", tfjsonpath.New("shared"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      e.ConfigFile(t, "testdata/chain_data_source_by_name.tf", map[string]any{"name": "no-such-chain"}),
				ExpectError: regexp.MustCompile(`No\s+personal\s+or\s+shared\s+chain\s+named\s+"no-such-chain"`),
			},
		},
	})
}
