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
// with advice about api_url, and the state is intact afterwards. One test
// per kind of wrong URL.

// The API's host without /v1: an easy slip, since the gateway URL has none.
func TestAccWrongAPIURL_noVersionKeepsState(t *testing.T) {
	wrongAPIURLKeepsState(t, func(e *acctest.Env) string { return strings.TrimSuffix(e.APIURL, "/v1") }, "has no API version segment")
}

// A version the server does not serve: every route is FastAPI's generic 404.
func TestAccWrongAPIURL_unservedVersionKeepsState(t *testing.T) {
	wrongAPIURLKeepsState(t, func(e *acctest.Env) string { return strings.TrimSuffix(e.APIURL, "/v1") + "/v2" }, "Check api_url")
}

// The gateway given as the API.
func TestAccWrongAPIURL_gatewayAsAPIKeepsState(t *testing.T) {
	wrongAPIURLKeepsState(t, func(e *acctest.Env) string { return e.GatewayURL + "/v1" }, "Check api_url")
}

// wrongAPIURLKeepsState applies objects of several types, then runs plan,
// apply and refresh with the api_url wrongURL gives: each fails with msg
// and changes nothing, and back on the right URL the plan is empty and
// every object kept its id.
func wrongAPIURLKeepsState(t *testing.T, wrongURL func(*acctest.Env) string, msg string) {
	t.Helper()
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
	wrong := config(wrongURL(e))
	steps := []resource.TestStep{
		{Config: right, Check: unchanged()},
		{Config: wrong, PlanOnly: true, ExpectError: acctest.ErrorText(msg)},
		{Config: wrong, ExpectError: acctest.ErrorText(msg)},
		{RefreshState: true, ExpectError: acctest.ErrorText(msg)},
		// Back on the right URL: nothing to do, every object kept its id.
		{Config: right, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}, Check: unchanged()},
	}
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
