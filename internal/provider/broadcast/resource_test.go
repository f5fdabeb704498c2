package broadcast_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
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
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/broadcast"
)

var exists = acctest.ExistsByID((*client.Client).GetBroadcast)

const addr = "unitysvc_broadcast.test"

func deleteBroadcast(ctx context.Context, c *client.Client, attrs map[string]string) error {
	return c.DeleteBroadcast(ctx, attrs["id"])
}

func target(i int, attr string) tfjsonpath.Path {
	return tfjsonpath.New("targets").AtSliceIndex(i).AtMapKey(attr)
}

// createStep creates the fan-out broadcast and checks every attribute;
// the tests below start from it.
func createStep(e *acctest.Env, t *testing.T, name string, id *string) resource.TestStep {
	return resource.TestStep{
		Config: e.ConfigFile(t, "testdata/broadcast_fan_out.tf", map[string]any{"name": name}),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("mode"), knownvalue.StringExact("sync")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_timeout_ms"), knownvalue.Int64Exact(30000)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("fan out")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("b/"+name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/b/"+name)),
			statecheck.ExpectKnownValue(addr, target(0, "name"), knownvalue.StringExact("anthropic")),
			statecheck.ExpectKnownValue(addr, target(0, "routing_key_override"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, target(1, "routing_key_override"), knownvalue.MapExact(map[string]knownvalue.Check{"model": knownvalue.StringExact("gpt-4o")})),
		},
		Check: acctest.IDUnchanged(addr, id),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}
}

// updateStep reorders, adds and removes targets and changes settings in
// one apply: an in-place update, in state and on the server.
func updateStep(e *acctest.Env, t *testing.T, name string, id *string) resource.TestStep {
	return resource.TestStep{
		Config: e.ConfigFile(t, "testdata/broadcast_updated.tf", map[string]any{"name": name, "mode": "sync"}),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_timeout_ms"), knownvalue.Int64Exact(12000)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("targets"), knownvalue.ListSizeExact(2)),
			statecheck.ExpectKnownValue(addr, target(0, "name"), knownvalue.StringExact("openai")),
			statecheck.ExpectKnownValue(addr, target(0, "routing_key_override"), knownvalue.MapSizeExact(2)),
			statecheck.ExpectKnownValue(addr, target(1, "name"), knownvalue.StringExact("mistral")),
		},
		Check: resource.ComposeTestCheckFunc(acctest.IDUnchanged(addr, id), func(*terraform.State) error {
			b, err := e.Client.GetBroadcast(context.Background(), *id)
			if err != nil {
				return err
			}
			if len(b.Targets) != 2 || b.Targets[0].Name != "openai" || b.Targets[1].SortOrder != 1 {
				return fmt.Errorf("targets in the API = %+v", b.Targets)
			}
			return nil
		}),
	}
}

// Targets and settings change in place, keeping the id.
func TestAccBroadcast_updateInPlace(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-bc")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_broadcast", exists),
		Steps:                    []resource.TestStep{createStep(e, t, name, &id), updateStep(e, t, name, &id)},
	})
}

// Import by id and by name reads back exactly what apply stored (after an
// update, so targets' order and overrides are covered).
func TestAccBroadcast_importVerify(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-bc")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_broadcast", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, &id),
			updateStep(e, t, name, &id),
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true},
		},
	})
}

// async is accepted by the schema but the API refuses it for now: the
// apply fails with the API's 422 and its detail, attached to mode
// (body.mode in the 422), so Terraform quotes that line of the
// configuration.
func TestAccBroadcast_asyncRefused(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-bc")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_broadcast", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, &id),
			updateStep(e, t, name, &id),
			{
				Config:      e.ConfigFile(t, "testdata/broadcast_updated.tf", map[string]any{"name": name, "mode": "async"}),
				ExpectError: regexp.MustCompile(`(?s)with unitysvc_broadcast\.test,.*in resource "unitysvc_broadcast" "test":\s+\d+:\s+mode\s+= "async".*HTTP\s+422.*'async'\s+is\s+not\s+available\s+yet`),
			},
		},
	})
}

// A new name and the shared scope replace the broadcast, and the old one
// is gone from the server.
func TestAccBroadcast_replaceOnNameAndScope(t *testing.T) {
	e := acctest.New(t)
	name, renamed := tfacctest.RandomWithPrefix("tf-acc-bc"), tfacctest.RandomWithPrefix("tf-acc-bc")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_broadcast", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, &id),
			{
				Config: e.ConfigFile(t, "testdata/broadcast_single_target_shared.tf", map[string]any{"name": renamed}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("b/"+renamed)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					ok, err := exists(context.Background(), e.Client, map[string]string{"id": id})
					if err != nil {
						return fmt.Errorf("looking for the old broadcast %s: %w", id, err)
					}
					if ok {
						return fmt.Errorf("old broadcast %s still exists", id)
					}
					return nil
				},
			},
		},
	})
}

// Deleted outside Terraform: the refresh drops it and the plan creates it
// again.
func TestAccBroadcast_outOfBandDelete(t *testing.T) {
	e := acctest.New(t)
	cfg := e.ConfigFile(t, "testdata/broadcast_single_target_shared.tf", map[string]any{"name": tfacctest.RandomWithPrefix("tf-acc-bc")})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_broadcast", exists),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				Check:              e.DeleteOutOfBand(addr, deleteBroadcast),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBroadcast_validation(t *testing.T) {
	e := acctest.New(t)
	cfg := func(name, extra, targets string) string {
		return e.Config(fmt.Sprintf(`
resource "unitysvc_broadcast" "test" {
  name    = %q
%s
  targets = [%s]
}
`, name, extra, targets))
	}
	ok := `{ name = "t", target_path = "g/llm" }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(strings.Repeat("n", 65), "", ok), ExpectError: regexp.MustCompile(`(?s)name.*must\s+be\s+between\s+1\s+and\s+64`)},
			{Config: cfg("b", fmt.Sprintf("  description = %q", strings.Repeat("d", 501)), ok), ExpectError: regexp.MustCompile(`(?s)description.*between\s+1\s+and\s+500`)},
			{Config: cfg("b", `  mode = "fanout"`, ok), ExpectError: regexp.MustCompile(`(?s)mode.*value\s+must\s+be\s+one\s+of:\s+\["sync"\s+"async"\]`)},
			{Config: cfg("b", "  target_timeout_ms = 0", ok), ExpectError: regexp.MustCompile(`(?s)target_timeout_ms.*at\s+least\s+1`)},
			{Config: cfg("b", "", ""), ExpectError: regexp.MustCompile(`(?s)targets.*at\s+least\s+1`)},
			{Config: cfg("b", "", fmt.Sprintf(`{ name = %q, target_path = "g/llm" }`, strings.Repeat("t", 65))), ExpectError: regexp.MustCompile(`(?s)targets\[0\]\.name.*between\s+1\s+and\s+64`)},
			{Config: cfg("b", "", fmt.Sprintf(`{ name = "t", target_path = %q }`, strings.Repeat("p", 501))), ExpectError: regexp.MustCompile(`(?s)target_path.*between\s+1\s+and\s+500`)},
			{Config: cfg("b", "", `{ name = "t", target_path = "g/llm", routing_key_override = {} }`), ExpectError: regexp.MustCompile(`(?s)routing_key_override.*at\s+least\s+1`)},
			{Config: cfg("fan out", "", ok), ExpectError: acctest.ErrorText(`"fan out" cannot be routed at /b/<name>. A name uses only letters, digits, '-', '_', '.' and '~'`)},
			{Config: cfg("fan/out", "", ok), ExpectError: acctest.ErrorText(`"fan/out" cannot be routed at /b/<name>`)},
			{Config: cfg("b", "", `{ name = "t", target_path = "d/g/llm" }`), ExpectError: acctest.ErrorText(`starts with d/, a gateway primitive that is reserved but not served`)},
			{Config: cfg("b", "", `{ name = "t", target_path = "t/g/llm?_to=https%3A%2F%2Fx.example" }`), ExpectError: acctest.ErrorText(`the t/ secondary (_to) is not a gateway path`)},
		},
	})
}

func TestAccBroadcast_nameConflict(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-bc")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_broadcast", exists),
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/broadcast_two_shared_same_name.tf", map[string]any{"name": name}),
				ExpectError: regexp.MustCompile(`(?s)HTTP\s+409.*already\s+exists\s+in\s+the\s+shared\s+scope`),
			},
		},
	})
}

// TestAccBroadcast_examples applies the documented examples as they are.
func TestAccBroadcast_examples(t *testing.T) {
	e := acctest.New(t)
	res, err := os.ReadFile("../../../examples/resources/unitysvc_broadcast/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := os.ReadFile("../../../examples/data-sources/unitysvc_broadcast/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_broadcast", exists),
		Steps: []resource.TestStep{
			{
				Config: e.Config(string(res)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("unitysvc_broadcast.eval_fanout", tfjsonpath.New("gateway_path"), knownvalue.StringExact("b/eval-fanout")),
					statecheck.ExpectKnownValue("unitysvc_broadcast.eval_fanout", tfjsonpath.New("targets"), knownvalue.ListSizeExact(2)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: e.Config(string(res) + "\n" + string(ds)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_broadcast.eval_fanout", tfjsonpath.New("targets").AtSliceIndex(1).AtMapKey("name"), knownvalue.StringExact("openai")),
				},
			},
		},
	})
}

// A 404 on read means the broadcast was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestBroadcastResource_readNotFoundRemoves(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectReadRemoves(t, broadcast.NewResource, map[string]any{"id": id, "name": "my-broadcast"}, "GET /v1/broadcasts/"+id)
}

// A 404 on delete means the broadcast is gone already: success.
func TestBroadcastResource_deleteNotFoundSucceeds(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectDeleteSucceeds(t, broadcast.NewResource, map[string]any{"id": id, "name": "my-broadcast"}, "DELETE /v1/broadcasts/"+id)
}
