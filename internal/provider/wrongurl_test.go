package provider_test

import (
	"fmt"
	"strings"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// A wrong api_url must never empty the state: a route-level 404 (or a
// 501) is not "this object is gone". Plan, apply and -refresh-only fail
// with advice about api_url, and the state is intact afterwards.
func TestAccWrongAPIURLKeepsState(t *testing.T) {
	e := acctest.New(t)
	if e.Instance == nil {
		t.Skip("needs unitysvc-local: the test points the provider at its other ports")
	}
	name := tfacctest.RandomWithPrefix("wrongurl")
	// The service id is looked up here rather than by a data source, so
	// that what the wrong URL meets is the refresh of resources alone.
	services, err := e.Client.ListGroupServices(acctest.Ctx(), "llm", "gpt-4o-mini")
	if err != nil || len(services) == 0 {
		t.Fatalf("looking up gpt-4o-mini: %v (%d found)", err, len(services))
	}
	config := func(apiURL string) string {
		return acctest.FillConfig(t, "testdata/wrongurl_objects.tf", map[string]any{
			"api_url": apiURL, "api_key": e.APIKey, "gateway_url": e.GatewayURL, "name": name, "service_id": services[0].ID,
		})
	}
	right := config(e.APIURL)
	addrs := []string{"unitysvc_secret.s", "unitysvc_collection.c", "unitysvc_collection_member.m", "unitysvc_chain.ch", "unitysvc_alias.a"}
	ids := make([]string, len(addrs))
	unchanged := func() resource.TestCheckFunc {
		var checks []resource.TestCheckFunc
		for i, a := range addrs {
			checks = append(checks, acctest.IDUnchanged(a, &ids[i]))
		}
		return resource.ComposeTestCheckFunc(checks...)
	}
	// Every way of running tofu with a wrong URL fails and changes nothing.
	wrong := func(apiURL string, msg string) []resource.TestStep {
		cfg := config(apiURL)
		return []resource.TestStep{
			{Config: cfg, PlanOnly: true, ExpectError: acctest.ErrorText(msg)},
			{Config: cfg, ExpectError: acctest.ErrorText(msg)},
			{RefreshState: true, ExpectError: acctest.ErrorText(msg)},
			// Back on the right URL: nothing to do, every object kept its id.
			{Config: right, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}, Check: unchanged()},
		}
	}
	noVersion := strings.TrimSuffix(e.APIURL, "/v1")
	steps := []resource.TestStep{{Config: right, Check: unchanged()}}
	// The API's host without /v1: an easy slip, since the gateway URL has none.
	steps = append(steps, wrong(noVersion, "has no API version segment")...)
	// A version the server does not serve: every route is FastAPI's generic 404.
	steps = append(steps, wrong(noVersion+"/v2", "Check api_url")...)
	// The gateway given as the API.
	steps = append(steps, wrong(e.GatewayURL+"/v1", "Check api_url")...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy: func(s *terraform.State) error {
			cols, err := e.Client.ListCollections(acctest.Ctx(), name)
			if err != nil {
				return err
			}
			if len(cols) != 0 {
				return fmt.Errorf("%d collections left after destroy", len(cols))
			}
			return nil
		},
	})
}
