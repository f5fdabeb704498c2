package catalog_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

func TestAccServiceDocumentsDataSource(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	gw := e.GatewayURL
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/service_documents_by_service_id.tf", map[string]any{"service_id": "gpt"}),
				ExpectError: acctest.ErrorText("must be a service UUID"),
			},
			{
				Config:      e.ConfigFile(t, "testdata/service_documents_bad_category.tf", nil),
				ExpectError: regexp.MustCompile(`value must be one of: \["getting_started"`),
			},
			{
				Config:      e.ConfigFile(t, "testdata/service_documents_unknown_interface.tf", nil),
				ExpectError: acctest.ErrorText("Unknown interface 'latest'; this service's interfaces are: canonical, llm"),
			},
			{
				Config: e.ConfigFile(t, "testdata/service_documents_all_and_filtered.tf", nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_service_documents.all", tfjsonpath.New("interface"), knownvalue.StringExact("canonical")),
					statecheck.ExpectKnownValue("data.unitysvc_service_documents.all", tfjsonpath.New("available_interfaces"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("canonical"), knownvalue.StringExact("llm")})),
					statecheck.ExpectKnownValue("data.unitysvc_service_documents.all", tfjsonpath.New("documents"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue("data.unitysvc_service_documents.all", tfjsonpath.New("documents").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"title": knownvalue.StringExact("Getting started"), "category": knownvalue.StringExact("getting_started"), "content": knownvalue.Null(),
					})),
					statecheck.ExpectKnownValue("data.unitysvc_service_documents.all", tfjsonpath.New("documents").AtSliceIndex(4), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"category": knownvalue.StringExact("api_reference"), "external_url": knownvalue.StringExact("https://platform.openai.com/docs/api-reference"),
					})),
					statecheck.ExpectKnownValue("data.unitysvc_service_documents.python", tfjsonpath.New("documents"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"filename":     knownvalue.StringExact("chat.py"),
							"content":      knownvalue.StringRegexp(regexp.MustCompile(regexp.QuoteMeta(`base_url="`+gw+`/g/llm/v1"`) + `(?s).*model="gpt-4o-mini"`)),
							"render_error": knownvalue.Null(),
						}),
					})),
				},
			},
		},
	})
}
