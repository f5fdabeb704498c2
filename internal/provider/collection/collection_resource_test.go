package collection_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
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
	name := acctest.RandName("my-llms-")
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

func TestAccCollectionMember_routingKeyChangeReplaces(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandName("rk-")
	gpt := "f9be74cf-42e7-54f2-a600-d7420174d368" // gpt-4o-mini
	var firstMemberID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(e.CheckDestroyed("unitysvc_collection_member", memberExists), e.CheckDestroyed("unitysvc_collection", collectionExists)),
		Steps: []resource.TestStep{
			{
				Config: e.Config(memberConfig(name, gpt, "")),
				Check: func(s *terraform.State) error {
					var err error
					firstMemberID, err = acctest.Attr(s, gptAddr, "member_id")
					return err
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gptAddr, tfjsonpath.New("routing_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(collAddr, tfjsonpath.New("group_type"), knownvalue.StringExact("open")),
				},
			},
			{
				Config: e.Config(memberConfig(name, gpt, "fast-gpt")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(gptAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gptAddr, tfjsonpath.New("routing_key"), knownvalue.MapExact(map[string]knownvalue.Check{"model": knownvalue.StringExact("fast-gpt")})),
				},
				Check: func(s *terraform.State) error {
					id, err := acctest.Attr(s, gptAddr, "member_id")
					if err == nil && id == firstMemberID {
						return fmt.Errorf("member %s was not replaced", id)
					}
					return err
				},
			},
			{
				ResourceName: gptAddr, ImportState: true, ImportStateVerify: true,
			},
		},
	})
}

func TestAccCollectionMember_limit(t *testing.T) {
	e := acctest.New(t)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	g, _ := cat.Group("open-weights")
	var ids []string
	for _, s := range cat.GroupServices(g)[:21] {
		ids = append(ids, fmt.Sprintf("%q", s.ID))
	}
	name := acctest.RandName("full-")
	config := func(n int) string {
		return e.Config(fmt.Sprintf(`
locals {
  services = [%s]
}

resource "unitysvc_collection" "my_llms" {
  name = %q
}

resource "unitysvc_collection_member" "m" {
  count         = %d
  collection_id = unitysvc_collection.my_llms.id
  service_id    = local.services[count.index]
}
`, strings.Join(ids, ", "), name, n))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_collection", collectionExists),
		Steps: []resource.TestStep{
			{Config: config(20)},
			{Config: config(21), ExpectError: regexp.MustCompile(`(?s)a collection holds up to 20\s+members`)},
		},
	})
}

func TestAccCollectionMember_needsEnrollment(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      e.Config(memberConfig(acctest.RandName("byok-"), byokService, "")),
			ExpectError: regexp.MustCompile(`(?s)my-provider-llm.*requires an\s+enrollment.*unitysvc_enrollment`),
		}},
	})
}

func TestAccCollection_duplicateName(t *testing.T) {
	e := acctest.New(t)
	name := acctest.RandName("dup-")
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
	name := acctest.RandName("team-")
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
