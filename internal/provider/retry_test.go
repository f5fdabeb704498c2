package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// Against an API that rate-limits every third request and loses the
// answer of every fourth idempotent one after processing it, apply,
// update and destroy still succeed, and no object is ever created twice.
func TestAccRetriesNeverDuplicate(t *testing.T) {
	e := acctest.NewWithFaults(t, localapi.Faults{RateLimitEvery: 3, ErrorAfterEvery: 4})
	hcl := func(description string, steps string) string {
		return fmt.Sprintf(`
provider "unitysvc" {
  api_url     = %q
  api_key     = %q
  max_retries = 6
}

data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}
data "unitysvc_service" "mistral" {
  group = "llm"
  name  = "mistral-small"
}
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

resource "unitysvc_secret" "key" {
  name  = "RETRY_KEY"
  value = "v"
}

resource "unitysvc_enrollment" "byok" {
  service_id           = data.unitysvc_service.byok.id
  parameters           = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters = { api_key = "k" }
}

resource "unitysvc_collection" "c" {
  name        = "retry-llms"
  description = %q
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.c.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast" }
}

resource "unitysvc_collection_member" "mistral" {
  collection_id = unitysvc_collection.c.id
  service_id    = data.unitysvc_service.mistral.id
}

resource "unitysvc_collection_member" "byok" {
  collection_id = unitysvc_collection.c.id
  service_id    = unitysvc_enrollment.byok.service_id
}

resource "unitysvc_chain" "failover" {
  name  = "retry-failover"
  steps = [%s]
}

resource "unitysvc_broadcast" "fanout" {
  name    = "retry-fanout"
  targets = [{ name = "a", target_path = unitysvc_collection.c.gateway_path }, { name = "b", target_path = "g/llm" }]
}

resource "unitysvc_alias" "a" {
  name        = "retry-alias"
  target_path = unitysvc_collection.c.gateway_path
}

resource "unitysvc_recurrent_request" "r" {
  name             = "retry-health"
  request_path     = "g/retry-llms/v1/chat/completions"
  body             = jsonencode({ model = "fast" })
  interval_seconds = 300
}
`, e.APIURL, e.APIKey, description, steps)
	}
	twoSteps := `{ name = "one", target_path = "g/llm", on_failure = "continue" }, { name = "two", target_path = "g/retry-llms" }`
	oneStep := `{ name = "only", target_path = "g/retry-llms" }`

	exactlyOne := func(s *terraform.State) error {
		ctx := context.Background()
		counts := map[string]int{}
		secrets, err := e.Client.ListSecrets(ctx)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			counts["secret "+s.Name]++
		}
		cols, err := e.Client.ListCollections(ctx, "retry-llms")
		if err != nil {
			return err
		}
		counts["collection"] = len(cols)
		if len(cols) == 1 {
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
		bcs, err := e.Client.FindBroadcastsByName(ctx, "retry-fanout")
		if err != nil {
			return err
		}
		counts["broadcast"] = len(bcs)
		aliases, err := e.Client.ListAliases(ctx, client.ListAliasesOptions{Name: "retry-alias"})
		if err != nil {
			return err
		}
		counts["alias"] = len(aliases)
		enrollments, err := e.Client.ListEnrollments(ctx)
		if err != nil {
			return err
		}
		for _, en := range enrollments {
			if en.Status != client.EnrollmentCancelled {
				counts["enrollment"]++
			}
		}
		want := map[string]int{"secret RETRY_KEY": 1, "collection": 1, "members": 3, "chain": 1, "broadcast": 1, "alias": 1, "enrollment": 1}
		for k, n := range want {
			if counts[k] != n {
				return fmt.Errorf("%s: %d on the server, want %d (all counts: %v)", k, counts[k], n, counts)
			}
		}
		return nil
	}
	faultsSeen := func(*terraform.State) error {
		limited, failed := e.Instance.FaultCounts()
		t.Logf("faults injected so far: %d rate-limited, %d answered 503 after processing", limited, failed)
		if limited == 0 || failed == 0 {
			return fmt.Errorf("no faults were injected (%d, %d): the test proves nothing", limited, failed)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: hcl("first", twoSteps), Check: resource.ComposeTestCheckFunc(exactlyOne, faultsSeen)},
			{Config: hcl("second", oneStep), Check: resource.ComposeTestCheckFunc(exactlyOne,
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

// When the answer to a create is lost after the server processed it, the
// provider must not send the create again: the apply fails with the
// server's detail, and exactly one object exists (recurrent requests have
// no unique name, so a retried POST would silently make a second one).
func TestAccLostCreateIsNotRetried(t *testing.T) {
	e := acctest.NewWithFaults(t, localapi.Faults{LoseCreateEvery: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "unitysvc" {
  api_url     = %q
  api_key     = %q
  max_retries = 6
}
resource "unitysvc_recurrent_request" "r" {
  name             = "lost-create"
  request_path     = "g/llm/v1/chat/completions"
  interval_seconds = 300
}
`, e.APIURL, e.APIKey),
				ExpectError: acctest.ErrorText("HTTP 503"),
			},
			e.CheckServer(func(*terraform.State) error {
				all, err := e.Client.ListRecurrentRequests(context.Background(), client.ListRecurrentRequestsOptions{})
				if err != nil {
					return err
				}
				if len(all) != 1 {
					return fmt.Errorf("%d recurrent requests on the server after one lost create, want exactly 1", len(all))
				}
				return nil
			}),
		},
	})
}
