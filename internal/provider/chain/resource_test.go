package chain_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
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
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/chain"
)

var exists = acctest.ExistsByID((*client.Client).GetChain)

const addr = "unitysvc_chain.test"

func deleteChain(ctx context.Context, c *client.Client, attrs map[string]string) error {
	return c.DeleteChain(ctx, attrs["id"])
}

func stepName(i int) tfjsonpath.Path { return tfjsonpath.New("steps").AtSliceIndex(i).AtMapKey("name") }

func stepAttr(i int, attr string) tfjsonpath.Path {
	return tfjsonpath.New("steps").AtSliceIndex(i).AtMapKey(attr)
}

// createStep creates the failover chain and checks every attribute, in
// state and on the server; the tests below start from it.
func createStep(e *acctest.Env, t *testing.T, name string, id *string) resource.TestStep {
	return resource.TestStep{
		Config: e.ConfigFile(t, "testdata/chain_failover.tf", map[string]any{"name": name}),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("failover")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_timeout_ms"), knownvalue.Int64Exact(10000)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/"+name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/c/"+name)),
			statecheck.ExpectKnownValue(addr, stepName(0), knownvalue.StringExact("primary")),
			statecheck.ExpectKnownValue(addr, stepAttr(0, "on_success"), knownvalue.StringExact("stop")),
			statecheck.ExpectKnownValue(addr, stepAttr(0, "on_failure"), knownvalue.StringExact("continue")),
			statecheck.ExpectKnownValue(addr, stepAttr(0, "timeout_ms"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, stepAttr(1, "on_failure"), knownvalue.StringExact("stop")),
			statecheck.ExpectKnownValue(addr, stepAttr(1, "timeout_ms"), knownvalue.Int64Exact(2500)),
		},
		Check: resource.ComposeTestCheckFunc(acctest.IDUnchanged(addr, id), func(s *terraform.State) error {
			// The provider's on_failure default reached the API (whose own default is relay).
			c, err := e.Client.GetChain(context.Background(), *id)
			if err != nil {
				return err
			}
			if len(c.Steps) != 2 || c.Steps[0].OnFailure != "continue" || c.Steps[0].SortOrder != 0 || c.Steps[1].SortOrder != 1 {
				return fmt.Errorf("steps in the API = %+v", c.Steps)
			}
			return nil
		}),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}
}

// Settings and steps change in place: the id stays, and nothing is left
// to plan afterwards.
func TestAccChain_updateInPlace(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-chain")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_chain", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, &id),
			{
				// Settings change, and in one apply the steps are reordered,
				// one is added and one removed: an in-place update.
				Config: e.ConfigFile(t, "testdata/chain_reordered.tf", map[string]any{"name": name}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("failover, reordered")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_timeout_ms"), knownvalue.Int64Exact(4000)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("steps"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(addr, stepName(0), knownvalue.StringExact("backup")),
					statecheck.ExpectKnownValue(addr, stepName(1), knownvalue.StringExact("summarise")),
					statecheck.ExpectKnownValue(addr, stepAttr(1, "on_success"), knownvalue.StringExact("relay")),
				},
				Check: acctest.IDUnchanged(addr, &id),
			},
			{
				// Removing the description clears it; only settings change.
				Config: e.ConfigFile(t, "testdata/chain_no_description.tf", map[string]any{"name": name}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: acctest.IDUnchanged(addr, &id),
			},
		},
	})
}

// Import by id and by name reads back exactly what apply stored.
func TestAccChain_importVerify(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-chain")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_chain", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, &id),
			{
				// By id.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// By name.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
		},
	})
}

// A new name, and then the shared scope, each replace the chain: the old
// one is gone from the server, the new one is where the config says.
func TestAccChain_replaceOnNameAndScope(t *testing.T) {
	e := acctest.New(t)
	name, renamed := tfacctest.RandomWithPrefix("tf-acc-chain"), tfacctest.RandomWithPrefix("tf-acc-chain")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_chain", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name, &id),
			{
				// A new name replaces the chain.
				Config: e.ConfigFile(t, "testdata/chain_single_step.tf", map[string]any{"name": renamed}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/"+renamed)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/"+renamed)),
				},
				Check: func(s *terraform.State) error {
					ok, err := exists(context.Background(), e.Client, map[string]string{"id": id})
					if err != nil {
						return fmt.Errorf("looking for the old chain %s: %w", id, err)
					}
					if ok {
						return fmt.Errorf("old chain %s still exists", id)
					}
					return nil
				},
			},
			{
				// Moving to the shared scope replaces it too.
				Config: e.ConfigFile(t, "testdata/chain_single_step_shared.tf", map[string]any{"name": renamed}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(true)),
				},
				Check: func(s *terraform.State) error {
					got, err := acctest.Attr(s, addr, "id")
					if err != nil {
						return err
					}
					c, err := e.Client.GetChain(context.Background(), got)
					if err != nil {
						return err
					}
					if !c.Shared() {
						return fmt.Errorf("chain %s is not shared in the API", got)
					}
					return nil
				},
			},
		},
	})
}

// Deleted outside Terraform: the refresh drops it and the plan creates it
// again.
func TestAccChain_outOfBandDelete(t *testing.T) {
	e := acctest.New(t)
	cfg := e.ConfigFile(t, "testdata/chain_single_step_shared.tf", map[string]any{"name": tfacctest.RandomWithPrefix("tf-acc-chain")})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_chain", exists),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				Check:              e.DeleteOutOfBand(addr, deleteChain),
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

func TestAccChain_validation(t *testing.T) {
	e := acctest.New(t)
	cfg := func(name, extra, step string) string {
		return e.Config(fmt.Sprintf(`
resource "unitysvc_chain" "test" {
  name  = %q
%s
  steps = [%s]
}
`, name, extra, step))
	}
	ok := `{ name = "s", target_path = "g/llm" }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(strings.Repeat("n", 65), "", ok), ExpectError: regexp.MustCompile(`(?s)name.*must\s+be\s+between\s+1\s+and\s+64`)},
			{Config: cfg("", "", ok), ExpectError: regexp.MustCompile(`(?s)name.*must\s+be\s+between\s+1\s+and\s+64`)},
			{Config: cfg("c", fmt.Sprintf("  description = %q", strings.Repeat("d", 501)), ok), ExpectError: regexp.MustCompile(`(?s)description.*between\s+1\s+and\s+500`)},
			{Config: cfg("c", "  default_timeout_ms = 0", ok), ExpectError: regexp.MustCompile(`(?s)default_timeout_ms.*at\s+least\s+1`)},
			{Config: cfg("c", "", ""), ExpectError: regexp.MustCompile(`(?s)steps.*at\s+least\s+1`)},
			{Config: cfg("c", "", fmt.Sprintf(`{ name = %q, target_path = "g/llm" }`, strings.Repeat("s", 65))), ExpectError: regexp.MustCompile(`(?s)steps\[0\]\.name.*between\s+1\s+and\s+64`)},
			{Config: cfg("c", "", fmt.Sprintf(`{ name = "s", target_path = %q }`, strings.Repeat("p", 501))), ExpectError: regexp.MustCompile(`(?s)target_path.*between\s+1\s+and\s+500`)},
			{Config: cfg("c", "", `{ name = "s", target_path = "g/llm", on_failure = "retry" }`), ExpectError: regexp.MustCompile(`(?s)on_failure.*value\s+must\s+be\s+one\s+of:\s+\["continue"\s+"relay"\s+"stop"\]`)},
			{Config: cfg("c", "", `{ name = "s", target_path = "g/llm", on_success = "fail" }`), ExpectError: regexp.MustCompile(`(?s)on_success.*value\s+must\s+be\s+one\s+of:\s+\["stop"\s+"continue"\s+"relay"\]`)},
			{Config: cfg("c", "", `{ name = "s", target_path = "g/llm", timeout_ms = 0 }`), ExpectError: regexp.MustCompile(`(?s)timeout_ms.*at\s+least\s+1`)},
			// Names the gateway could not route (issue 19): a space is
			// escaped in the URL, a "/" splits the path.
			{Config: cfg("sp ace", "", ok), ExpectError: acctest.ErrorText(`"sp ace" cannot be routed at /c/<name>. A name uses only letters, digits, '-', '_', '.' and '~', starting with a letter or digit`)},
			{Config: cfg("a/b", "", ok), ExpectError: acctest.ErrorText(`"a/b" cannot be routed at /c/<name>`)},
			{Config: cfg("50%", "", ok), ExpectError: acctest.ErrorText(`"50%" cannot be routed at /c/<name>`)},
			// Target paths the gateway would not route.
			{Config: cfg("c", "", `{ name = "s", target_path = "x/nowhere" }`), ExpectError: acctest.ErrorText(`"x/nowhere" does not start with a gateway route: use g/<group>, p/<service-id>, e/<enrollment-code>, a/<alias>, c/<chain> or b/<broadcast>, optionally wrapped in l/, m/, f/ or t/`)},
			{Config: cfg("c", "", `{ name = "s", target_path = "https://gw.example/g/llm" }`), ExpectError: acctest.ErrorText(`is a URL: give the gateway-relative path instead`)},
			{Config: cfg("c", "", `{ name = "s", target_path = "c/sp ace" }`), ExpectError: acctest.ErrorText(`has white space`)},
			{Config: cfg("c", "", `{ name = "s", target_path = "f/g/llm" }`), ExpectError: acctest.ErrorText(`has the failover wrapper f/ without its secondary: add ?_else=<gateway path>`)},
			{Config: cfg("c", "", `{ name = "s", target_path = "m/g/llm?_ttl=8d" }`), ExpectError: acctest.ErrorText(`is out of range: it must be more than 0 and at most 7d`)},
		},
	})
}

func TestAccChain_nameConflict(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-chain")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_chain", exists),
		Steps: []resource.TestStep{
			{
				// A personal and a shared chain may share a name.
				Config: e.ConfigFile(t, "testdata/chain_personal_and_shared_same_name.tf", map[string]any{"name": name}),
			},
			{
				// Two in one scope: the API's 409 surfaces with its detail.
				Config:      e.ConfigFile(t, "testdata/chain_two_personal_same_name.tf", map[string]any{"name": name}),
				ExpectError: regexp.MustCompile(`(?s)HTTP\s+409.*already\s+exists\s+in\s+the\s+personal\s+scope`),
			},
			{
				// Importing by a name both scopes hold is refused with the ids.
				Config:        e.ConfigFile(t, "testdata/chain_personal_and_shared_same_name.tf", map[string]any{"name": name}),
				ResourceName:  "unitysvc_chain.personal",
				ImportState:   true,
				ImportStateId: name,
				ExpectError:   regexp.MustCompile(`more\s+than\s+one\s+chain\s+is\s+named`),
			},
			{
				ResourceName:  "unitysvc_chain.personal",
				ImportState:   true,
				ImportStateId: "no-such-chain",
				ExpectError:   regexp.MustCompile(`no\s+chain\s+named\s+"no-such-chain"`),
			},
		},
	})
}

// TestAccChain_examples applies the documented examples as they are.
func TestAccChain_examples(t *testing.T) {
	e := acctest.New(t)
	res, err := os.ReadFile("../../../examples/resources/unitysvc_chain/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := os.ReadFile("../../../examples/data-sources/unitysvc_chain/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_chain", exists),
		Steps: []resource.TestStep{
			{
				Config: e.Config(string(res)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("unitysvc_chain.llm_failover", tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/llm-failover")),
					statecheck.ExpectKnownValue("unitysvc_chain.llm_failover", tfjsonpath.New("steps").AtSliceIndex(0).AtMapKey("on_failure"), knownvalue.StringExact("continue")),
					statecheck.ExpectKnownValue("unitysvc_chain.llm_failover", tfjsonpath.New("steps").AtSliceIndex(1).AtMapKey("on_success"), knownvalue.StringExact("stop")),
				},
			},
			{
				Config: e.Config(string(res) + "\n" + string(ds)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_chain.llm_failover", tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/llm-failover")),
				},
			},
		},
	})
}

// A 404 on read means the chain was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestChainResource_readNotFoundRemoves(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectReadRemoves(t, chain.NewResource, map[string]any{"id": id, "name": "my-chain"}, "GET /v1/chains/"+id)
}

// A 404 on delete means the chain is gone already: success.
func TestChainResource_deleteNotFoundSucceeds(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectDeleteSucceeds(t, chain.NewResource, map[string]any{"id": id, "name": "my-chain"}, "DELETE /v1/chains/"+id)
}

// A chain's gateway_path is the string the gateway matches: another
// chain that targets it reaches it, and so does a request to its
// gateway_url. Wrapped paths are accepted as step targets and kept as
// written (issue 19 item 4, issue 17 item 4).
func TestAccChain_routableNameAndWrappedTargets(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("tf-acc-chain")
	inner := name + ".Inner~1"
	outer := "unitysvc_chain.outer"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_chain", exists),
		Steps: []resource.TestStep{{
			Config: e.ConfigFile(t, "testdata/chain_routable_name.tf", map[string]any{"name": name}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("unitysvc_chain.inner", tfjsonpath.New("gateway_path"), knownvalue.StringExact("c/"+inner)),
				statecheck.ExpectKnownValue("unitysvc_chain.inner", tfjsonpath.New("gateway_url"), knownvalue.StringExact(e.GatewayURL+"/c/"+inner)),
				statecheck.ExpectKnownValue(outer, stepAttr(0, "target_path"), knownvalue.StringExact("c/"+inner)),
				statecheck.ExpectKnownValue(outer, stepAttr(1, "target_path"), knownvalue.StringExact("l/m/g/llm/v1/chat/completions?_ttl=1h&_complete=")),
				statecheck.ExpectKnownValue(outer, stepAttr(2, "target_path"), knownvalue.StringExact("f/g/llm?_else=p%2Fbackup")),
			},
			Check: func(s *terraform.State) error {
				if acctest.Remote() {
					return nil
				}
				for _, addr := range []string{outer, "unitysvc_chain.inner"} {
					u, err := acctest.Attr(s, addr, "gateway_url")
					if err != nil {
						return err
					}
					status, err := postChat(u+"/v1/chat/completions", e.APIKey)
					if err != nil {
						return fmt.Errorf("POST %s/v1/chat/completions: %w", u, err)
					}
					if status != http.StatusOK {
						return fmt.Errorf("POST %s/v1/chat/completions: status %d, want 200", u, status)
					}
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// postChat sends a chat completion through the gateway and returns its
// status.
func postChat(url, key string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"messages": [{"role": "user", "content": "hi"}]}`))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}
