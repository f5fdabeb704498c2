package collection_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/collection"
)

const (
	collAddr    = "unitysvc_collection.my_llms"
	byokAddr    = "unitysvc_collection_member.byok"
	gptAddr     = "unitysvc_collection_member.gpt"
	enrollAddr  = "unitysvc_enrollment.byok"
	secretAddr  = "unitysvc_secret.key"
	byokService = "d175bccd-8530-54b0-bd66-a4f8e6510e25" // my-provider-llm in the default catalog
)

// tutorial is the BYOK tutorial as HCL: a secret, an enrollment in the
// BYOK service, and a collection with the BYOK service and gpt-4o-mini,
// the latter reachable as model "fast-gpt".
func tutorial(collection, displayName string) string {
	return fmt.Sprintf(`
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

resource "unitysvc_secret" "key" {
  name  = "MY_PROVIDER_API_KEY"
  value = "sk-tutorial-secret-value"
}

resource "unitysvc_enrollment" "byok" {
  service_id           = data.unitysvc_service.byok.id
  parameters           = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters = { api_key = "sk-tutorial-secret-value" }
  depends_on           = [unitysvc_secret.key]
}

resource "unitysvc_collection" "my_llms" {
  name         = %q
  display_name = %q
}

resource "unitysvc_collection_member" "byok" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = unitysvc_enrollment.byok.service_id
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast-gpt" }
  sort_order    = 1
}
`, collection, displayName)
}

func collectionExists(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error) {
	_, err := c.GetCollection(ctx, attrs["id"])
	if client.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func memberExists(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error) {
	members, err := c.ListCollectionMembers(ctx, attrs["collection_id"])
	if client.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, m := range members {
		if m.ServiceID == attrs["service_id"] {
			return true, nil
		}
	}
	return false, nil
}

func secretExists(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error) {
	_, err := c.GetSecret(ctx, attrs["name"])
	if client.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func checkAllDestroyed(e *acctest.Env) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(
		e.CheckDestroyed("unitysvc_collection_member", memberExists),
		e.CheckDestroyed("unitysvc_collection", collectionExists),
		e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive),
		e.CheckDestroyed("unitysvc_secret", secretExists),
	)
}

// outOfBand runs del against the object behind addr, remembered from the
// previous step's state.
type outOfBand struct {
	attrs map[string]map[string]string
}

func (o *outOfBand) remember(addrs ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		o.attrs = map[string]map[string]string{}
		for _, a := range addrs {
			rs, ok := s.RootModule().Resources[a]
			if !ok {
				return fmt.Errorf("%s not in state", a)
			}
			o.attrs[a] = rs.Primary.Attributes
		}
		return nil
	}
}

func TestAccCollection_tutorial(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("my-llms")
	oob := &outOfBand{}
	all := []string{collAddr, byokAddr, gptAddr, enrollAddr, secretAddr}
	del := func(addr string, fn func(ctx context.Context, c *client.Client, attrs map[string]string) error) func() {
		return func() {
			if err := fn(acctest.Ctx(), e.Client, oob.attrs[addr]); err != nil {
				t.Fatalf("deleting %s out of band: %v", addr, err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAllDestroyed(e),
		Steps: []resource.TestStep{
			{
				Config: e.Config(tutorial(name, "My LLMs")),
				Check:  oob.remember(all...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(enrollAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(enrollAddr, tfjsonpath.New("service_id"), knownvalue.StringExact(byokService)),
					statecheck.ExpectKnownValue(enrollAddr, tfjsonpath.New("code"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}$`))),
					statecheck.ExpectKnownValue(enrollAddr, tfjsonpath.New("proxy_endpoint"), knownvalue.StringRegexp(regexp.MustCompile(`^`+regexp.QuoteMeta(e.GatewayURL)+`/e/[0-9A-Z]{4}$`))),
					statecheck.ExpectKnownValue(enrollAddr, tfjsonpath.New("parameters"), knownvalue.MapExact(map[string]knownvalue.Check{"endpoint": knownvalue.StringExact("https://llm.example.com/v1")})),
					statecheck.ExpectKnownValue(enrollAddr, tfjsonpath.New("sensitive_parameters"), knownvalue.MapExact(map[string]knownvalue.Check{"api_key": knownvalue.StringExact("sk-tutorial-secret-value")})),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("g/"+name)),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/g/"+name)),
					statecheck.ExpectKnownValue(gptAddr, tfjsonpath.New("routing_key"), knownvalue.MapExact(map[string]knownvalue.Check{"model": knownvalue.StringExact("fast-gpt")})),
					statecheck.ExpectKnownValue(gptAddr, tfjsonpath.New("sort_order"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(byokAddr, tfjsonpath.New("routing_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(byokAddr, tfjsonpath.New("sort_order"), knownvalue.Int64Exact(0)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// The API sees what was applied.
			{
				Config: e.Config(tutorial(name, "My LLMs")),
				Check: func(s *terraform.State) error {
					id, _ := acctest.Attr(s, collAddr, "id")
					g, err := e.Client.GetCollection(acctest.Ctx(), id)
					if err != nil {
						return err
					}
					if g.MemberCount != 2 || g.DisplayName == nil || *g.DisplayName != "My LLMs" {
						return fmt.Errorf("collection = %+v; want 2 members, display name My LLMs", g)
					}
					ifaces, err := e.Client.ListServiceInterfaces(acctest.Ctx(), byokService)
					if err != nil {
						return err
					}
					eid, _ := acctest.Attr(s, enrollAddr, "id")
					for _, i := range ifaces {
						if i.EnrollmentID != nil && *i.EnrollmentID == eid {
							return nil
						}
					}
					return fmt.Errorf("service interfaces %+v lack the enrollment %s", ifaces, eid)
				},
			},
			// Update in place.
			{
				Config: e.Config(tutorial(name, "My favourite LLMs")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(collAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("My favourite LLMs")),
				},
			},
			// Import each resource.
			{ResourceName: collAddr, ImportState: true, ImportStateVerify: true},
			{ResourceName: collAddr, ImportState: true, ImportStateVerify: true, ImportStateId: name},
			{ResourceName: gptAddr, ImportState: true, ImportStateVerify: true},
			{ResourceName: byokAddr, ImportState: true, ImportStateVerify: true, ImportStateIdFunc: func(s *terraform.State) (string, error) {
				sid, err := acctest.Attr(s, byokAddr, "service_id")
				return name + "/" + sid, err
			}},
			{ResourceName: enrollAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"sensitive_parameters"}},
			{ResourceName: secretAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "MY_PROVIDER_API_KEY", ImportStateVerifyIgnore: []string{"value"}},
			// Out-of-band deletion of each resource: the plan recreates it.
			{
				PreConfig: del(gptAddr, func(ctx context.Context, c *client.Client, a map[string]string) error {
					return c.RemoveCollectionMember(ctx, a["collection_id"], a["service_id"])
				}),
				Config: e.Config(tutorial(name, "My favourite LLMs")),
				Check:  oob.remember(all...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(gptAddr, plancheck.ResourceActionCreate), plancheck.ExpectResourceAction(collAddr, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: del(enrollAddr, func(ctx context.Context, c *client.Client, a map[string]string) error {
					_, err := c.CancelEnrollment(ctx, a["id"])
					return err
				}),
				Config: e.Config(tutorial(name, "My favourite LLMs")),
				Check:  oob.remember(all...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(enrollAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(enrollAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
			{
				PreConfig: del(collAddr, func(ctx context.Context, c *client.Client, a map[string]string) error {
					return c.DeleteCollection(ctx, a["id"])
				}),
				Config: e.Config(tutorial(name, "My favourite LLMs")),
				Check:  oob.remember(all...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(collAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(gptAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(byokAddr, plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: del(secretAddr, func(ctx context.Context, c *client.Client, a map[string]string) error {
					return c.DeleteSecret(ctx, a["name"], false)
				}),
				Config: e.Config(tutorial(name, "My favourite LLMs")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func memberConfig(name, serviceID, routingKey string) string {
	rk := ""
	if routingKey != "" {
		rk = fmt.Sprintf("  routing_key   = { model = %q }\n", routingKey)
	}
	return fmt.Sprintf(`
resource "unitysvc_collection" "my_llms" {
  name = %q
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = %q
%s}
`, name, serviceID, rk)
}

func TestAccCollection_duplicateName(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("dup")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_collection", collectionExists),
		Steps: []resource.TestStep{{
			Config: e.Config(fmt.Sprintf(`
resource "unitysvc_collection" "a" {
  name = %[1]q
}

resource "unitysvc_collection" "b" {
  name       = %[1]q
  depends_on = [unitysvc_collection.a]
}
`, name)),
			ExpectError: regexp.MustCompile(`(?s)HTTP 409.*already exists.*terraform import`),
		}},
	})
}

func TestAccCollection_sharedDisabledAndValidation(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("team")
	cfg := func(shared, enabled bool) string {
		return e.Config(fmt.Sprintf(`
resource "unitysvc_collection" "my_llms" {
  name        = %q
  description = "team models"
  shared      = %t
  enabled     = %t
}
`, name, shared, enabled))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_collection", collectionExists),
		Steps: []resource.TestStep{
			{Config: e.Config(`resource "unitysvc_collection" "bad" { name = "My LLMs" }`), ExpectError: regexp.MustCompile(`must be a slug`)},
			{
				Config: cfg(true, false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("shared"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("description"), knownvalue.StringExact("team models")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: collAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "shared/" + name},
			{
				Config: cfg(true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(collAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: cfg(false, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(collAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("shared"), knownvalue.Bool(false))},
			},
			{ResourceName: collAddr, ImportState: true, ImportStateId: "no-such-collection", ExpectError: regexp.MustCompile(`no collection named`)},
			{ResourceName: gptAddr, ImportState: true, ImportStateId: "just-one-part", ExpectError: regexp.MustCompile(`expected`), Config: cfg(false, true) + memberConfigOnly()},
		},
	})
}

func memberConfigOnly() string {
	return `
resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = "f9be74cf-42e7-54f2-a600-d7420174d368"
}
`
}

// A new collection's gateway_path and gateway_url follow from its name,
// so they are known at plan time, and so is a chain step or an alias
// that targets the collection.
func TestAccCollection_pathsKnownAtPlan(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("plan-known")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.Config(fmt.Sprintf(`
resource "unitysvc_collection" "c" {
  name = %q
}
resource "unitysvc_chain" "ch" {
  name  = %q
  steps = [{ name = "one", target_path = unitysvc_collection.c.gateway_path }]
}
resource "unitysvc_alias" "a" {
  name        = %q
  target_path = unitysvc_collection.c.gateway_path
}
`, name, name, name)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("unitysvc_collection.c", tfjsonpath.New("gateway_path"), knownvalue.StringExact("g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_collection.c", tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_chain.ch", tfjsonpath.New("steps").AtSliceIndex(0).AtMapKey("target_path"), knownvalue.StringExact("g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_chain.ch", tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/"+name)),
				plancheck.ExpectKnownValue("unitysvc_alias.a", tfjsonpath.New("target_path"), knownvalue.StringExact("g/"+name)),
				plancheck.ExpectKnownValue("unitysvc_alias.a", tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/a/"+name)),
			}},
		}},
	})
}

// A 404 on read means the collection was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestCollectionResource_readNotFoundRemoves(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectReadRemoves(t, collection.NewResource, map[string]any{"id": id, "name": "my-llms"}, "GET /v1/groups/"+id)
}

// A 404 on delete means the collection is gone already: success.
func TestCollectionResource_deleteNotFoundSucceeds(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectDeleteSucceeds(t, collection.NewResource, map[string]any{"id": id, "name": "my-llms"}, "DELETE /v1/groups/"+id)
}
