package catalog_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	lcatalog "github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

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
				Config:      e.ConfigFile(t, "testdata/service_by_group_and_name.tf", map[string]any{"group": "llm", "name": "no-such-model"}),
				ExpectError: acctest.ErrorText(`group "llm" has no service named "no-such-model"`),
			},
			{
				Config:      e.ConfigFile(t, "testdata/service_name_without_group.tf", nil),
				ExpectError: acctest.ErrorText(`Attribute "group" must be specified when "name" is specified`),
			},
			// An empty id says so (it used to read "Group 'services' not found").
			{
				Config:      e.ConfigFile(t, "testdata/service_by_id.tf", map[string]any{"id": ""}),
				ExpectError: acctest.ErrorText(`id is empty: it is set to "", so there is nothing to look up. Set id to a service's UUID`),
			},
			{
				Config:      e.ConfigFile(t, "testdata/service_empty_id_known_at_apply.tf", nil),
				ExpectError: acctest.ErrorText(`id is empty`),
			},
			{
				Config: e.ConfigFile(t, "testdata/service_byok_and_gpt.tf", map[string]any{"gpt_id": gpt.ID}),
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
