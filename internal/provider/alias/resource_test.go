package alias_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/alias"
)

const addr = "unitysvc_alias.test"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// exists reports whether the alias in state is still live: a deactivated
// alias counts as destroyed.
func exists(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error) {
	a, err := c.GetAlias(ctx, attrs["id"])
	if client.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !a.Deactivated(), nil
}

func deactivate(ctx context.Context, c *client.Client, attrs map[string]string) error {
	return c.DeleteAlias(ctx, attrs["id"])
}

func aliasConfig(name, body string) string {
	return fmt.Sprintf(`
resource "unitysvc_alias" "test" {
  name = %q
%s
}
`, name, body)
}

// createStep creates the chat alias and checks every attribute, with
// gateway_path known at plan time; sameID records its id.
func createStep(e *acctest.Env, t *testing.T, name string, sameID statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config: e.ConfigFile(t, "testdata/alias_chat.tf", map[string]any{"name": name}),
		ConfigStateChecks: []statecheck.StateCheck{
			sameID,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRE)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_path"), knownvalue.StringExact("g/llm")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("chat models")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("routing_key_override"), knownvalue.MapExact(map[string]knownvalue.Check{"model": knownvalue.StringExact("gpt-4o-mini")})),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("request_routing_key"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("routing"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("a/"+name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/a/"+name)),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("a/"+name)),
			},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}
}

// updateStep changes the target, the description and both keys in place
// (sameID checks the id stayed).
func updateStep(e *acctest.Env, t *testing.T, name string, sameID statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config: e.ConfigFile(t, "testdata/alias_open_weights.tf", map[string]any{"name": name}),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			sameID,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_path"), knownvalue.StringExact("g/open-weights")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("open-weight chat models")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("request_routing_key"), knownvalue.MapExact(map[string]knownvalue.Check{"model": knownvalue.StringExact("chat")})),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("routing_key_override"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("routing"), knownvalue.Bool(true)),
		},
	}
}

// Target, description and both routing keys change in place: same id.
func TestAccAlias_updateInPlace(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_alias", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
			updateStep(e, t, name, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
		},
	})
}

// Import by UUID and by name reads back exactly what apply stored.
func TestAccAlias_importVerify(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_alias", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
			updateStep(e, t, name, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: acctest.ImportStateIDFunc(addr, "id"),
				ImportStateVerify: true,
			},
			{
				// By name, as well as by UUID.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: acctest.ImportStateIDFunc(addr, "name"),
				ImportStateVerify: true,
			},
		},
	})
}

// The scope cannot change in place: the alias is replaced, and the old
// one is deactivated on the server.
func TestAccAlias_replaceOnScope(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_alias", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
			updateStep(e, t, name, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
			{
				Config: e.ConfigFile(t, "testdata/alias_open_weights_shared.tf", map[string]any{"name": name}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(true)),
				},
				Check: oldAliasDeactivated(e, name),
			},
		},
	})
}

// Deleted (deactivated) outside Terraform: the next plan creates it
// again, personal and routing as configured.
func TestAccAlias_outOfBandDelete(t *testing.T) {
	e := acctest.New(t)
	cfg := e.ConfigFile(t, "testdata/alias_minimal.tf", map[string]any{"name": tfacctest.RandomWithPrefix("tf-acc")})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_alias", exists),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				Check:              e.DeleteOutOfBand(addr, deactivate),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("routing"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// oldAliasDeactivated checks that exactly one live alias of the name is
// left after a replacement (the personal one was deactivated).
func oldAliasDeactivated(e *acctest.Env, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all, err := e.Client.ListAliases(context.Background(), client.ListAliasesOptions{Name: name, IncludeDeactivated: true})
		if err != nil {
			return err
		}
		live := 0
		for _, a := range all {
			if !a.Deactivated() {
				live++
				if !a.Shared() {
					return fmt.Errorf("the personal alias %s is still live after the replacement", a.ID)
				}
			}
		}
		if live != 1 || len(all) != 2 {
			return fmt.Errorf("%d aliases (%d live) named %s; want the deactivated personal one and the live shared one", len(all), live, name)
		}
		return nil
	}
}

// TestAccAlias_routing covers the routing rule: with routing unset, the
// API's choice is reported (a second alias of the same name and routing
// key is created non-routing) and never fought; set, Terraform switches.
func TestAccAlias_routing(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc")
	primary, backup := "unitysvc_alias.primary", "unitysvc_alias.backup"
	// The backup's routing: unset, true or false.
	cfg := func(file string) string {
		return e.ConfigFile(t, "testdata/"+file, map[string]any{"name": name})
	}
	routing := func(a string, want bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(a, tfjsonpath.New("routing"), knownvalue.Bool(want))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_alias", exists),
		Steps: []resource.TestStep{
			{
				// The second alias is created non-routing, and that is no diff.
				Config:            cfg("alias_primary_and_backup.tf"),
				ConfigStateChecks: []statecheck.StateCheck{routing(primary, true), routing(backup, false)},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Asking for routing on the backup switches it there.
				Config: cfg("alias_primary_and_backup_routing_true.tf"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backup, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(primary, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{routing(backup, true)},
			},
			{
				// The primary, routing unset, reports the demotion without a diff.
				Config:            cfg("alias_primary_and_backup_routing_true.tf"),
				ConfigStateChecks: []statecheck.StateCheck{routing(primary, false), routing(backup, true)},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Switched back outside Terraform: the explicit routing = true
				// on the backup is restored; the primary follows without a diff.
				PreConfig: func() {
					all, err := e.Client.ListAliases(context.Background(), client.ListAliasesOptions{Name: name})
					if err != nil {
						t.Fatal(err)
					}
					for _, a := range all {
						if a.TargetPath == "g/llm" {
							if _, err := e.Client.SwitchAliasRouting(context.Background(), a.ID, true, client.SwitchAliasOptions{}); err != nil {
								t.Fatal(err)
							}
						}
					}
				},
				Config: cfg("alias_primary_and_backup_routing_true.tf"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(backup, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(primary, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{routing(backup, true)},
			},
			{
				// Explicitly not routing.
				Config: cfg("alias_primary_and_backup_routing_false.tf"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(backup, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{routing(backup, false)},
			},
		},
	})
}

func TestAccAlias_conflict(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_alias", exists),
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/alias_two_same_name.tf", map[string]any{"name": name}),
				ExpectError: regexp.MustCompile(`(?s)Unable to create alias.*HTTP 409`),
			},
		},
	})
}

func TestAccAlias_validation(t *testing.T) {
	e := acctest.New(t)
	for _, tc := range []struct {
		name, body string
		want       string
	}{
		{strings.Repeat("a", 101), `  target_path = "g/llm"`, `UTF-8 character count must be between 1 and 100`},
		{"Upper-Case", `  target_path = "g/llm"`, `must use only lower-case letters`},
		{"ok-name", `  target_path = ""`, `UTF-8 character count must be between 1 and 500`},
		{"sp ace", `  target_path = "g/llm"`, `must use only lower-case letters`},
		{"a/b", `  target_path = "g/llm"`, `must use only lower-case letters`},
		{"ok-name", `  target_path = "x/nowhere"`, `"x/nowhere" does not start with a gateway route`},
		{"ok-name", `  target_path = "l/g/llm?_ttl=1h"`, `"l/g/llm?_ttl=1h" has _ttl, the m/ wrapper's parameter, without the m/ wrapper`},
		{"ok-name", "  target_path = \"g/llm\"\n  request_routing_key = {}", `must contain at least 1 elements`},
		{"ok-name", "  target_path = \"g/llm\"\n  description = \"" + strings.Repeat("d", 501) + "\"", `UTF-8 character count must be between 1 and 500`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      e.Config(aliasConfig(tc.name, tc.body)),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(tc.want), " ", `\s+`)),
				}},
			})
		})
	}
}

func TestAccAlias_importBadID(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        e.ConfigFile(t, "testdata/alias_minimal.tf", map[string]any{"name": "imported"}),
			ResourceName:  addr,
			ImportState:   true,
			ImportStateId: "no-such-alias",
			ExpectError:   acctest.ErrorText(`no alias named "no-such-alias" is visible to this API key (personal or shared). The import ID is the alias's UUID or its exact name`),
		}},
	})
}

// TestAccAlias_example applies examples/resources/unitysvc_alias as
// published, with the collection path swapped for a platform group (the
// collection is another resource's business).
func TestAccAlias_example(t *testing.T) {
	e := acctest.New(t)
	src, err := os.ReadFile("../../../examples/resources/unitysvc_alias/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	hcl := strings.ReplaceAll(string(src), `"g/my-llms"`, `"g/open-weights"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_alias", exists),
		Steps: []resource.TestStep{{
			Config: e.Config(hcl),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("unitysvc_alias.chat", tfjsonpath.New("routing"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("unitysvc_alias.chat_fallback", tfjsonpath.New("routing"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("unitysvc_alias.fast", tfjsonpath.New("shared"), knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("chat_url", knownvalue.StringExact(e.GatewayURL+"/a/chat")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// A 404 on read means the alias was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestAliasResource_readNotFoundRemoves(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectReadRemoves(t, alias.NewResource, map[string]any{"id": id, "name": "my-alias"}, "GET /v1/aliases/"+id)
}

// A 404 on delete means the alias is gone already: success.
func TestAliasResource_deleteNotFoundSucceeds(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectDeleteSucceeds(t, alias.NewResource, map[string]any{"id": id, "name": "my-alias"}, "DELETE /v1/aliases/"+id)
}
