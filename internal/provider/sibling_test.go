package provider_test

import (
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// Two resources of one configuration ask for the same name: the one whose
// create gets the 409 says so, instead of advising to import the object
// its sibling has just made.
func TestAccSiblingsAskingForTheSameName(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("twice")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      e.ConfigFile(t, "testdata/sibling_same_name.tf", map[string]any{"name": name}),
			ExpectError: acctest.ErrorText(`Two resources in this configuration ask for the same collection "` + name + `" in your personal scope: another unitysvc_collection resource of this configuration created or adopted it`),
		}},
	})
}
