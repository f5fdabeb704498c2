package resolve_test

import (
	"regexp"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
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
)

// Services of unitysvc-local's embedded catalog.
const (
	gpt4oMini = "f9be74cf-42e7-54f2-a600-d7420174d368"
	gpt4o     = "1eee2b22-3bc6-599b-8af6-ac644a06b55f"
	byokSvc   = "d175bccd-8530-54b0-bd66-a4f8e6510e25" // my-provider-llm
)

func skipRemote(t *testing.T) {
	if acctest.Remote() {
		t.Skip("asserts the contents of unitysvc-local's embedded catalog")
	}
}

func TestAccResolve_validation(t *testing.T) {
	e := acctest.New(t)
	cfg := func(args string) string { return e.Config(`data "unitysvc_resolve" "r" {` + "\n" + args + "\n}") }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`path = "g/llm"
  strategy = "cheapest"`), ExpectError: regexp.MustCompile(`value must be one of: \["weighted_random"\s+"by_price"\s+"lowest_latency"\s+"by_content"\],\s+got:\s+"cheapest"`)},
			{Config: cfg(`path = "g/llm"
  gateway = "ftp"`), ExpectError: regexp.MustCompile(`value must be one of: \["api"\s+"s3"\s+"smtp"\]`)},
			{Config: cfg(`path = "c/failover"`), ExpectError: acctest.ErrorText(`path "c/failover" is a chain: a chain runs several paths, so it cannot be resolved as one. Resolve each step's or target's target_path instead`)},
			{Config: cfg(`path = "/b/fanout"`), ExpectError: acctest.ErrorText(`is a broadcast`)},
			{Config: cfg(`path = ""`), ExpectError: acctest.ErrorText(`names no gateway path`)},
			{Config: cfg(`routing_key = { model = "x" }`), ExpectError: acctest.ErrorText(`The argument "path" is required`)},
		},
	})
}

// What a collection, a platform group and a content-dependent group
// resolve to, with and without a routing key and a strategy override.
func TestAccResolve_collectionAndGroups(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	name := tfacctest.RandomWithPrefix("resolve")
	same := statecheck.CompareValue(compare.ValuesSame())
	differ := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.ConfigFile(t, "testdata/resolve_collection_and_groups.tf", map[string]any{
				"name": name, "fast_service": gpt4oMini, "big_service": gpt4o,
			}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast", tfjsonpath.New("path"), knownvalue.StringExact("g/"+name)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast", tfjsonpath.New("candidate_service_ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(gpt4oMini)})),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast", tfjsonpath.New("selected_service_id"), knownvalue.StringExact(gpt4oMini)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast", tfjsonpath.New("selected"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"service_id": knownvalue.StringExact(gpt4oMini), "service_name": knownvalue.StringExact("gpt-4o-mini"),
					"provider_name": knownvalue.StringExact("openai"), "weight": knownvalue.Int64Exact(10), "enrollment_id": knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast", tfjsonpath.New("strategy"), knownvalue.StringExact("weighted_random")),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast", tfjsonpath.New("content_dependent"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast", tfjsonpath.New("gateway"), knownvalue.StringExact("api")),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.fast_again", tfjsonpath.New("path"), knownvalue.StringExact("g/"+name)),
				same.AddStateValue("data.unitysvc_resolve.fast", tfjsonpath.New("id")),
				same.AddStateValue("data.unitysvc_resolve.fast_again", tfjsonpath.New("id")),
				differ.AddStateValue("data.unitysvc_resolve.fast", tfjsonpath.New("id")),
				differ.AddStateValue("data.unitysvc_resolve.any", tfjsonpath.New("id")),
				// Two candidates, picked at random per request: nothing selected.
				statecheck.ExpectKnownValue("data.unitysvc_resolve.any", tfjsonpath.New("candidate_service_ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(gpt4oMini), knownvalue.StringExact(gpt4o)})),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.any", tfjsonpath.New("selected"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.any", tfjsonpath.New("selected_service_id"), knownvalue.Null()),
				// by_price decides before the request: the cheaper member.
				statecheck.ExpectKnownValue("data.unitysvc_resolve.cheapest", tfjsonpath.New("strategy"), knownvalue.StringExact("by_price")),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.cheapest", tfjsonpath.New("selected_service_id"), knownvalue.StringExact(gpt4oMini)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.unknown_model", tfjsonpath.New("candidates"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.unknown_model", tfjsonpath.New("selected"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.llama", tfjsonpath.New("candidates"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.llama", tfjsonpath.New("selected").AtMapKey("provider_name"), knownvalue.StringExact("groq")),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.router", tfjsonpath.New("strategy"), knownvalue.StringExact("by_content")),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.router", tfjsonpath.New("content_dependent"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.unitysvc_resolve.router", tfjsonpath.New("selected"), knownvalue.Null()),
			},
		}},
	})
}

// A check block warns when routing changes under it without blocking the
// apply; a postcondition fails the plan with the user's message; a path
// known only after apply is resolved then, with no error at plan time.
func TestAccResolve_checksAndPostconditions(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	name := tfacctest.RandomWithPrefix("checks")
	// The big member is added by "another team", outside this
	// configuration; the check guards that it stays.
	base := acctest.FillConfig(t, "testdata/resolve_checks.tf", map[string]any{"name": name, "fast_service": gpt4oMini})
	collectionID := func() string {
		cols, err := e.Client.ListCollections(acctest.Ctx(), name)
		if err != nil || len(cols) != 1 {
			t.Fatalf("collection %s: %v (%d found)", name, err, len(cols))
		}
		return cols[0].ID
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The second member comes from outside: both checks pass.
				Config: e.ConfigFile(t, "testdata/resolve_collection.tf", map[string]any{"name": name}),
				Check: func(*terraform.State) error {
					_, err := e.Client.AddCollectionMember(acctest.Ctx(), collectionID(), client.ServiceCollectionMemberCreate{ServiceID: gpt4o, SortOrder: 1})
					return err
				},
			},
			{
				Config:             e.Config(base),
				ExpectNonEmptyPlan: true, // the checks' data sources, read again at every apply
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{acctest.ExpectOnlyCheckReads()}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.ExpectCheckStatus("fast_routes_to_mini", tfjson.CheckStatusPass),
					acctest.ExpectCheckStatus("big_model_present", tfjson.CheckStatusPass),
				},
			},
			{
				// Removed out of band: the apply succeeds, the check warns.
				PreConfig: func() {
					if err := e.Client.RemoveCollectionMember(acctest.Ctx(), collectionID(), gpt4o); err != nil {
						t.Fatal(err)
					}
				},
				Config:             e.Config(base),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{acctest.ExpectOnlyCheckReads()}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.ExpectCheckStatus("fast_routes_to_mini", tfjson.CheckStatusPass),
					acctest.ExpectCheckStatus("big_model_present", tfjson.CheckStatusFail),
				},
			},
			{
				// A postcondition is a hard gate: the user's message fails the plan.
				Config:      e.Config(base + acctest.FillConfig(t, "testdata/resolve_postcondition_gate.tf", nil)),
				ExpectError: acctest.ErrorText("Production traffic for gpt-4o would get 404s."),
			},
			{
				// The path of a new enrollment is known only after apply:
				// nothing fails at plan, and it resolves to the enrollment.
				Config:             e.Config(base + acctest.FillConfig(t, "testdata/resolve_enrollment_path.tf", map[string]any{"byok_service": byokSvc})),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectUnknownValue("data.unitysvc_resolve.mine", tfjsonpath.New("path"))},
					PostApplyPostRefresh: []plancheck.PlanCheck{acctest.ExpectOnlyCheckReads()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_resolve.mine", tfjsonpath.New("selected_service_id"), knownvalue.StringExact(byokSvc)),
					statecheck.ExpectKnownValue("data.unitysvc_resolve.mine", tfjsonpath.New("selected").AtMapKey("enrollment_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.unitysvc_resolve.mine", tfjsonpath.New("path"), knownvalue.StringRegexp(regexp.MustCompile(`^e/[0-9A-Z]{4}$`))),
				},
			},
		},
	})
}

// A path the gateway refuses outright still has no candidates, and
// gateway_refusal (and a warning) names the gateway's reason; a path
// whose target exists but where no service matches has none. An empty
// model reaches every member, as the gateway routes it (issue 19 item 10).
func TestAccResolve_refusalsAndEmptyModel(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	name := tfacctest.RandomWithPrefix("resolve")
	refused := func(ds, want string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.unitysvc_resolve."+ds, tfjsonpath.New("candidates"), knownvalue.ListSizeExact(0)),
			statecheck.ExpectKnownValue("data.unitysvc_resolve."+ds, tfjsonpath.New("gateway_refusal"), knownvalue.StringExact(want)),
		}
	}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.unitysvc_resolve.unknown_model", tfjsonpath.New("candidates"), knownvalue.ListSizeExact(0)),
		statecheck.ExpectKnownValue("data.unitysvc_resolve.unknown_model", tfjsonpath.New("gateway_refusal"), knownvalue.Null()),
		statecheck.ExpectKnownValue("data.unitysvc_resolve.empty_model", tfjsonpath.New("candidate_service_ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(gpt4oMini), knownvalue.StringExact(gpt4o)})),
		statecheck.ExpectKnownValue("data.unitysvc_resolve.empty_model", tfjsonpath.New("gateway_refusal"), knownvalue.Null()),
	}
	checks = append(checks,
		statecheck.ExpectKnownValue("data.unitysvc_resolve.unknown_prefix", tfjsonpath.New("candidates"), knownvalue.ListSizeExact(0)),
		statecheck.ExpectKnownValue("data.unitysvc_resolve.unknown_prefix", tfjsonpath.New("gateway_refusal"), knownvalue.StringRegexp(regexp.MustCompile(`^'x/foo/v1/chat/completions' is not a gateway route`))))
	checks = append(checks, refused("missing_group", "no collection or platform group named '"+name+"-missing'")...)
	checks = append(checks, refused("missing_alias", "no alias named '"+name+"-missing': create it (POST /v1/aliases/) or check the name")...)
	checks = append(checks, refused("missing_enrollment", "no enrollment with code 'ZZZZ' among yours")...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.ConfigFile(t, "testdata/resolve_refusals.tf", map[string]any{
				"name": name, "fast_service": gpt4oMini, "big_service": gpt4o,
			}),
			ConfigStateChecks: checks,
		}},
	})
}
