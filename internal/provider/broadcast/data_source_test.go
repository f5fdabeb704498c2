package broadcast_test

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

func TestAccBroadcastDataSource_managedElsewhere(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-bc")
	const ds = "data.unitysvc_broadcast.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if _, err := e.Client.CreateBroadcast(context.Background(), true, client.BroadcastCreate{Name: name, Targets: []client.BroadcastTargetCreate{
						{Name: "a", TargetPath: "g/llm", RoutingKeyOverride: map[string]any{"model": "m", "n": 2}},
					}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.ConfigFile(t, "testdata/broadcast_data_source.tf", map[string]any{"name": name}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("shared"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("mode"), knownvalue.StringExact("sync")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("gateway_path"), knownvalue.StringExact("b/"+name)),
					// A non-string override set outside Terraform reads as its JSON text.
					statecheck.ExpectKnownValue(ds, target(0, "routing_key_override"), knownvalue.MapExact(map[string]knownvalue.Check{
						"model": knownvalue.StringExact("m"), "n": knownvalue.StringExact("2"),
					})),
				},
			},
			{
				Config:      e.ConfigFile(t, "testdata/broadcast_data_source_personal.tf", map[string]any{"name": name}),
				ExpectError: regexp.MustCompile(`No\s+personal\s+broadcast\s+named`),
			},
		},
	})
}
