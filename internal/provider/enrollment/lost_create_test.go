package enrollment_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// olderEnrollment enrolls through the client, before the provider does,
// with the configuration's visible parameters and the given api_key, and
// waits until it is active. With LoseCreateEvery 2 this first create
// keeps its answer and the provider's (the second) loses it.
func olderEnrollment(t *testing.T, e *acctest.Env, apiKey string) string {
	t.Helper()
	older, err := e.Client.CreateEnrollment(acctest.Ctx(), client.ServiceEnrollmentCreate{ServiceID: byokService,
		Parameters: map[string]any{"endpoint": "https://a.example.com/v1", "region": "eu", "api_key": apiKey}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := acctest.Poll(10*time.Second, func() (bool, error) {
		en, err := e.Client.GetEnrollment(acctest.Ctx(), older.ID)
		return err == nil && en.Status == client.EnrollmentActive, err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = e.Client.CancelEnrollment(acctest.Ctx(), older.ID) })
	return older.ID
}

// The create's answer is lost, and an older active enrollment has the same
// visible parameters (its api_key, masked on read, differs): the provider
// adopts the enrollment its own create made, never the older one.
func TestAccEnrollment_lostCreateAdoptsOnlyItsOwn(t *testing.T) {
	e := acctest.NewWithFaults(t, localapi.Faults{LoseCreateEvery: 2})
	olderID := olderEnrollment(t, e, "sk-older")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive),
		Steps: []resource.TestStep{{
			Config: byokConfig(e, t, "https://a.example.com/v1", "sk-mine"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
					if id == olderID {
						return fmt.Errorf("adopted the older enrollment %s, which this create did not make", id)
					}
					return nil
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
			},
			Check: func(*terraform.State) error {
				if n := e.Instance.LostCreates(); n != 1 {
					return fmt.Errorf("%d creates lost their answer, want 1", n)
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// The older enrollment has exactly the configured parameters, so the
// create is refused (409) and its answer lost: the only enrollment found
// existed before the create and is not adopted; the error says so and
// how to import it.
func TestAccEnrollment_lostCreateNeverAdoptsAnOlderEnrollment(t *testing.T) {
	e := acctest.NewWithFaults(t, localapi.Faults{LoseCreateEvery: 2})
	olderID := olderEnrollment(t, e, "sk-same")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      byokConfig(e, t, "https://a.example.com/v1", "sk-same"),
				ExpectError: regexp.MustCompile(`(?s)id\s+` + olderID + `:\s+it\s+existed\s+before\s+this\s+create\s+was\s+sent.*import\s+unitysvc_enrollment\.<name>\s+` + olderID),
			},
			// Nothing was adopted: the state is empty.
			e.CheckServer(func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources[addr]; ok {
					return fmt.Errorf("%s is in state", addr)
				}
				return nil
			}),
		},
	})
}
