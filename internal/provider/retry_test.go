package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// fullConfig is one of every resource type, pointing at e with
// max_retries = 6; steps is "two" or "one" (the chain's steps).
func fullConfig(t *testing.T, e *acctest.Env, description, steps string) string {
	t.Helper()
	return acctest.FillConfig(t, "testdata/retry_every_resource.tf", map[string]any{
		"api_url": e.APIURL, "api_key": e.APIKey, "description": description, "steps": steps,
	})
}

const (
	twoSteps = "two"
	oneStep  = "one"
)

// exactlyOne checks that the server holds exactly one of every object of
// fullConfig, each the one in state.
func exactlyOne(e *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		counts := map[string]int{}
		ids := map[string]string{}
		secrets, err := e.Client.ListSecrets(ctx)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			counts["secret "+s.Name]++
			ids["unitysvc_secret.key"] = s.ID
		}
		cols, err := e.Client.ListCollections(ctx, "retry-llms")
		if err != nil {
			return err
		}
		counts["collection"] = len(cols)
		if len(cols) == 1 {
			ids["unitysvc_collection.c"] = cols[0].ID
			members, err := e.Client.ListCollectionMembers(ctx, cols[0].ID)
			if err != nil {
				return err
			}
			counts["members"] = len(members)
		}
		chains, err := e.Client.FindChainsByName(ctx, "retry-failover")
		if err != nil {
			return err
		}
		counts["chain"] = len(chains)
		if len(chains) == 1 {
			ids["unitysvc_chain.failover"] = chains[0].ID
		}
		bcs, err := e.Client.FindBroadcastsByName(ctx, "retry-fanout")
		if err != nil {
			return err
		}
		counts["broadcast"] = len(bcs)
		if len(bcs) == 1 {
			ids["unitysvc_broadcast.fanout"] = bcs[0].ID
		}
		aliases, err := e.Client.ListAliases(ctx, client.ListAliasesOptions{Name: "retry-alias"})
		if err != nil {
			return err
		}
		counts["alias"] = len(aliases)
		if len(aliases) == 1 {
			ids["unitysvc_alias.a"] = aliases[0].ID
		}
		enrollments, err := e.Client.ListEnrollments(ctx)
		if err != nil {
			return err
		}
		for _, en := range enrollments {
			if en.Status != client.EnrollmentCancelled {
				counts["enrollment"]++
				ids["unitysvc_enrollment.byok"] = en.ID
			}
		}
		rrs, err := e.Client.ListRecurrentRequests(ctx, client.ListRecurrentRequestsOptions{})
		if err != nil {
			return err
		}
		counts["recurrent request"] = len(rrs)
		if len(rrs) == 1 {
			ids["unitysvc_recurrent_request.r"] = rrs[0].ID
		}
		want := map[string]int{"secret RETRY_KEY": 1, "collection": 1, "members": 3, "chain": 1, "broadcast": 1, "alias": 1, "enrollment": 1, "recurrent request": 1}
		for k, n := range want {
			if counts[k] != n {
				return fmt.Errorf("%s: %d on the server, want %d (all counts: %v)", k, counts[k], n, counts)
			}
		}
		for addr, id := range ids {
			got, err := acctest.Attr(s, addr, "id")
			if err != nil {
				return err
			}
			if got != id {
				return fmt.Errorf("%s has id %s in state, but the server's object is %s", addr, got, id)
			}
		}
		return nil
	}
}

// faultsSeen fails when e injected no faults of a kind the test needs.
func faultsSeen(t *testing.T, e *acctest.Env, needRateLimits bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		limited, failed := e.Instance.FaultCounts()
		t.Logf("faults injected so far: %d rate-limited, %d answered 503 after processing", limited, failed)
		if (needRateLimits && limited == 0) || failed == 0 {
			return fmt.Errorf("too few faults were injected (%d, %d): the test proves nothing", limited, failed)
		}
		return nil
	}
}

// Against an API that rate-limits every third request and loses the
// answer of every fourth idempotent one after processing it, apply,
// update and destroy still succeed, and no object is ever created twice.
func TestAccRetriesNeverDuplicate(t *testing.T) {
	e := acctest.NewWithFaults(t, localapi.Faults{RateLimitEvery: 3, ErrorAfterEvery: 4})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: fullConfig(t, e, "first", twoSteps), Check: resource.ComposeTestCheckFunc(exactlyOne(e), faultsSeen(t, e, true))},
			{Config: fullConfig(t, e, "second", oneStep), Check: resource.ComposeTestCheckFunc(exactlyOne(e),
				resource.TestCheckResourceAttr("unitysvc_collection.c", "description", "second"),
				resource.TestCheckResourceAttr("unitysvc_chain.failover", "steps.#", "1"))},
		},
		CheckDestroy: func(*terraform.State) error {
			cols, err := e.Client.ListCollections(context.Background(), "retry-llms")
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

// When the answer to every create is lost after the server processed it
// (every POST, and the PUT that creates the secret), the provider never
// sends the create again: it finds each object by its natural key and
// adopts it, so one apply converges with exactly one object of each kind,
// all in state, and the plan after it is empty.
func TestAccLostCreatesAreRecovered(t *testing.T) {
	e := acctest.NewWithFaults(t, localapi.Faults{LoseCreateEvery: 1, ErrorAfterEvery: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fullConfig(t, e, "first", twoSteps),
				Check: resource.ComposeTestCheckFunc(exactlyOne(e), faultsSeen(t, e, false), func(*terraform.State) error {
					// One lost POST per collection, chain, broadcast,
					// alias, enrollment, recurrent request and at least
					// one member (the secret's PUT is counted above).
					if n := e.Instance.LostCreates(); n < 7 {
						return fmt.Errorf("only %d creates lost their answer, want at least 7", n)
					}
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
