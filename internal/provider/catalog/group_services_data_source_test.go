package catalog_test

import (
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

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
				Config: e.ConfigFile(t, "testdata/group_services_all_pages_and_search.tf", nil),
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
