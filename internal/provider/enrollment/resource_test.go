package enrollment_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/enrollment"
)

const (
	addr        = "unitysvc_enrollment.byok"
	byokService = "d175bccd-8530-54b0-bd66-a4f8e6510e25" // my-provider-llm (enrollment required)
	gptService  = "f9be74cf-42e7-54f2-a600-d7420174d368" // gpt-4o-mini (enrollment disallowed)
)

// noLiveEnrollments asserts the account has no enrollment left that is
// not cancelled (covers failed creates, which leave nothing in state).
func noLiveEnrollments(e *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all, err := e.Client.ListEnrollments(acctest.Ctx())
		if err != nil {
			return err
		}
		for _, en := range all {
			if en.Status != client.EnrollmentCancelled {
				return fmt.Errorf("enrollment %s is %s, want cancelled", en.ID, en.Status)
			}
		}
		return nil
	}
}

// byokConfig enrolls in the BYOK service with an endpoint (region eu) and
// a sensitive api_key.
func byokConfig(e *acctest.Env, t *testing.T, endpoint, apiKey string) string {
	return e.ConfigFile(t, "testdata/enrollment_byok.tf", map[string]any{"service_id": byokService, "endpoint": endpoint, "api_key": apiKey})
}

func byokTimeoutConfig(e *acctest.Env, t *testing.T, createTimeout string) string {
	return e.ConfigFile(t, "testdata/enrollment_byok_create_timeout.tf", map[string]any{
		"service_id": byokService, "endpoint": "https://a.example.com/v1", "api_key": "sk-one", "create_timeout": createTimeout,
	})
}

// createStep enrolls (create timeout 1m) and checks the active enrollment;
// it records the id in firstID.
func createStep(e *acctest.Env, t *testing.T, firstID *string) resource.TestStep {
	return resource.TestStep{
		Config: byokTimeoutConfig(e, t, "1m"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("code"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}$`))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("proxy_endpoint"), knownvalue.StringRegexp(regexp.MustCompile(`/e/[0-9A-Z]{4}$`))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("parameters"), knownvalue.MapExact(map[string]knownvalue.Check{
				"endpoint": knownvalue.StringExact("https://a.example.com/v1"), "region": knownvalue.StringExact("eu"),
			})),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive_parameters"), knownvalue.MapExact(map[string]knownvalue.Check{"api_key": knownvalue.StringExact("sk-one")})),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		Check: func(s *terraform.State) error {
			var err error
			*firstID, err = acctest.Attr(s, addr, "id")
			return err
		},
	}
}

func enrollmentCase(e *acctest.Env, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeTestCheckFunc(e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive), noLiveEnrollments(e)),
		Steps:                    steps,
	}
}

// Create enrolls and waits for an active enrollment with a code, a proxy
// endpoint and the configured parameters; no diff after.
func TestAccEnrollment_create(t *testing.T) {
	e := acctest.New(t)
	var firstID string
	resource.ParallelTest(t, enrollmentCase(e, createStep(e, t, &firstID)))
}

// Only the timeout changes: stored in place, no API call.
func TestAccEnrollment_updateTimeoutsInPlace(t *testing.T) {
	e := acctest.New(t)
	var firstID string
	resource.ParallelTest(t, enrollmentCase(e,
		createStep(e, t, &firstID),
		resource.TestStep{
			Config: byokTimeoutConfig(e, t, "2m"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	))
}

// Import reads back everything but the sensitive parameters and timeouts.
func TestAccEnrollment_importVerify(t *testing.T) {
	e := acctest.New(t)
	var firstID string
	resource.ParallelTest(t, enrollmentCase(e,
		createStep(e, t, &firstID),
		resource.TestStep{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"sensitive_parameters", "timeouts"}},
	))
}

// A sensitive parameter change replaces the enrollment; the old one is
// cancelled on the server.
func TestAccEnrollment_replaceOnSensitiveParameter(t *testing.T) {
	e := acctest.New(t)
	var firstID string
	resource.ParallelTest(t, enrollmentCase(e,
		createStep(e, t, &firstID),
		resource.TestStep{
			Config: byokConfig(e, t, "https://a.example.com/v1", "sk-two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(s *terraform.State) error {
				id, err := acctest.Attr(s, addr, "id")
				if err == nil && id == firstID {
					return fmt.Errorf("enrollment %s was not replaced", id)
				}
				old, err := e.Client.GetEnrollment(acctest.Ctx(), firstID)
				if err == nil && old.Status != client.EnrollmentCancelled {
					return fmt.Errorf("replaced enrollment is %s, want cancelled", old.Status)
				}
				return err
			},
		},
	))
}

// A plain parameter change replaces the enrollment too.
func TestAccEnrollment_replaceOnParameter(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, enrollmentCase(e,
		resource.TestStep{Config: byokConfig(e, t, "https://a.example.com/v1", "sk-two")},
		resource.TestStep{
			Config: byokConfig(e, t, "https://b.example.com/v1", "sk-two"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("parameters").AtMapKey("endpoint"), knownvalue.StringExact("https://b.example.com/v1")),
			},
		},
	))
}

// Cancelled out of band: gone, and the plan enrolls again.
func TestAccEnrollment_outOfBandCancel(t *testing.T) {
	e := acctest.New(t)
	cfg := byokConfig(e, t, "https://b.example.com/v1", "sk-two")
	resource.ParallelTest(t, enrollmentCase(e,
		resource.TestStep{
			Config: cfg,
			Check: e.DeleteOutOfBand(addr, func(ctx context.Context, c *client.Client, a map[string]string) error {
				_, err := c.CancelEnrollment(ctx, a["id"])
				return err
			}),
			ExpectNonEmptyPlan: true,
		},
		resource.TestStep{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active"))},
		},
	))
}

func TestAccEnrollment_incompleteFailsAndCancels(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/enrollment_missing_endpoint.tf", map[string]any{"service_id": byokService}),
				ExpectError: regexp.MustCompile(`(?s)Enrollment is incomplete.*missing required\s+parameter\(s\):\s+endpoint.*cancelled`),
			},
			// Nothing reached state: check the server directly.
			e.CheckServer(noLiveEnrollments(e)),
		},
	})
}

func TestAccEnrollment_validation(t *testing.T) {
	e := acctest.New(t)
	serviceOnly := func(serviceID string) string {
		return e.ConfigFile(t, "testdata/enrollment_service_only.tf", map[string]any{"service_id": serviceID})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      serviceOnly(gptService),
				ExpectError: regexp.MustCompile(`(?s)does not accept\s+enrollments`),
			},
			{
				Config:      serviceOnly("my-provider-llm"),
				ExpectError: regexp.MustCompile(`must be a service UUID`),
			},
			{
				Config:      e.ConfigFile(t, "testdata/enrollment_parameter_in_both.tf", map[string]any{"service_id": byokService}),
				ExpectError: regexp.MustCompile(`(?s)set in both parameters\s+and\s+sensitive_parameters`),
			},
			{
				Config:        serviceOnly(byokService),
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "not-a-uuid",
				ExpectError:   regexp.MustCompile(`expected the enrollment's UUID`),
			},
		},
	})
}

// TestAccEnrollment_sensitiveValuesNotLogged applies with TF_LOG=trace and
// checks the secret never reaches the log. Not parallel: it sets
// environment variables.
func TestAccEnrollment_sensitiveValuesNotLogged(t *testing.T) {
	e := acctest.New(t)
	const secret = "sk-do-not-log-4242"
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_LOG_PATH", logPath)
	t.Setenv("TF_LOG_PROVIDER", "trace")
	// The value comes from a variable, as in real use: the test harness
	// itself logs the configuration text at trace level.
	t.Setenv("TF_VAR_api_key", secret)
	cfg := e.ConfigFile(t, "testdata/enrollment_sensitive_from_variable.tf", map[string]any{"service_id": byokService})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					// The value did reach the API (read from unitysvc-local's store).
					id, err := acctest.Attr(s, addr, "id")
					if err != nil || e.Instance == nil {
						return err
					}
					p, err := e.Instance.Store.Authenticate(acctest.Ctx(), e.APIKey)
					if err != nil {
						return err
					}
					stored, err := e.Instance.Store.GetEnrollment(acctest.Ctx(), p, id)
					if err != nil {
						return err
					}
					if stored.Parameters["api_key"] != secret {
						return fmt.Errorf("stored api_key = %v, want the configured value", stored.Parameters["api_key"])
					}
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_enrollments.all", tfjsonpath.New("enrollments").AtSliceIndex(0).AtMapKey("parameters").AtMapKey("api_key"), knownvalue.StringExact(client.MaskedValue)),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"sensitive_parameters"}},
		},
	})
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the trace log: %v", err)
	}
	if len(data) == 0 || !strings.Contains(string(data), "unitysvc") {
		t.Fatalf("trace log %s is empty or unrelated (%d bytes): the check would prove nothing", logPath, len(data))
	}
	if strings.Contains(string(data), secret) {
		t.Fatalf("the sensitive parameter value appears in the TF_LOG=trace log %s", logPath)
	}
}

// An enrollment made elsewhere is imported, and the configuration's
// sensitive_parameters — which the API never returns — are adopted in
// place rather than replacing the enrollment; a key the enrollment does
// not have still replaces it.
func TestAccEnrollment_importAdoptsSensitiveParameters(t *testing.T) {
	e := acctest.New(t)
	created, err := e.Client.CreateEnrollment(acctest.Ctx(), client.ServiceEnrollmentCreate{ServiceID: byokService,
		Parameters: map[string]any{"endpoint": "https://a.example.com/v1", "region": "eu", "api_key": "sk-made-elsewhere"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := acctest.Poll(10*time.Second, func() (bool, error) {
		en, err := e.Client.GetEnrollment(acctest.Ctx(), created.ID)
		return err == nil && en.Status == client.EnrollmentActive, err
	}); err != nil {
		t.Fatal(err)
	}
	cfg := byokConfig(e, t, "https://a.example.com/v1", "sk-made-elsewhere")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      created.ID,
				ImportStatePersist: true,
			},
			{
				// A key the enrollment lacks cannot be adopted: replace.
				Config:             e.ConfigFile(t, "testdata/enrollment_byok_extra_sensitive_key.tf", map[string]any{"service_id": byokService}),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(created.ID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive_parameters"), knownvalue.MapExact(map[string]knownvalue.Check{"api_key": knownvalue.StringExact("sk-made-elsewhere")})),
				},
			},
		},
	})
}

// storedParameter reads an enrollment's parameter as unitysvc-local
// stored it (decrypted): the only way to see a write-only value arrived.
func storedParameter(e *acctest.Env, key, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if e.Instance == nil {
			return nil
		}
		ctx := acctest.Ctx()
		p, err := e.Instance.Store.Authenticate(ctx, e.APIKey)
		if err != nil {
			return err
		}
		id := s.RootModule().Resources[addr].Primary.ID
		en, err := e.Instance.Store.GetEnrollment(ctx, p, id)
		if err != nil {
			return err
		}
		if got := fmt.Sprint(en.Parameters[key]); got != want {
			return fmt.Errorf("enrollment %s parameter %s = %q, want %q", id, key, got, want)
		}
		return nil
	}
}

// writeOnlyConfig sends the api_key write-only, with the given version (1 or 2).
func writeOnlyConfig(e *acctest.Env, t *testing.T, apiKey string, version int) string {
	return e.ConfigFile(t, fmt.Sprintf("testdata/enrollment_write_only_v%d.tf", version), map[string]any{"service_id": byokService, "api_key": apiKey})
}

func TestAccEnrollment_writeOnlySensitiveParameters(t *testing.T) {
	e := acctest.New(t)
	cfg := func(key string, version int) string {
		return writeOnlyConfig(e, t, key, version)
	}
	notInState := func(secret string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			for k, v := range s.RootModule().Resources[addr].Primary.Attributes {
				if strings.Contains(v, secret) {
					return fmt.Errorf("write-only value found in state attribute %s", k)
				}
			}
			return nil
		}
	}
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive),
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/enrollment_sensitive_and_write_only.tf", map[string]any{"service_id": byokService}),
				ExpectError: acctest.ErrorText(`Attribute "sensitive_parameters" cannot be specified when "sensitive_parameters_wo" is specified`),
			},
			{
				Config: cfg("wo-key-one", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive_parameters_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive_parameters"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
				Check: resource.ComposeTestCheckFunc(notInState("wo-key-one"), storedParameter(e, "api_key", "wo-key-one"),
					func(s *terraform.State) error { firstID = s.RootModule().Resources[addr].Primary.ID; return nil }),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A new write-only value alone is not seen...
				Config:   cfg("wo-key-two", 1),
				PlanOnly: true,
			},
			{
				// ...a new version enrolls again with it.
				Config: cfg("wo-key-two", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(notInState("wo-key-two"), storedParameter(e, "api_key", "wo-key-two"),
					func(s *terraform.State) error {
						if s.RootModule().Resources[addr].Primary.ID == firstID {
							return fmt.Errorf("the enrollment was not replaced")
						}
						return nil
					}),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"sensitive_parameters_wo_version", "timeouts"},
			},
		},
	})
}

// The write-only variant of import adoption: setting
// sensitive_parameters_wo_version for the first time after an import does
// not replace the enrollment when its keys are the masked ones.
func TestAccEnrollment_importAdoptsWriteOnlyParameters(t *testing.T) {
	e := acctest.New(t)
	created, err := e.Client.CreateEnrollment(acctest.Ctx(), client.ServiceEnrollmentCreate{ServiceID: byokService,
		Parameters: map[string]any{"endpoint": "https://a.example.com/v1", "api_key": "sk-elsewhere"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := acctest.Poll(10*time.Second, func() (bool, error) {
		en, err := e.Client.GetEnrollment(acctest.Ctx(), created.ID)
		return err == nil && en.Status == client.EnrollmentActive, err
	}); err != nil {
		t.Fatal(err)
	}
	cfg := writeOnlyConfig(e, t, "sk-elsewhere", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive),
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: created.ID, ImportStatePersist: true},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(created.ID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive_parameters_wo_version"), knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

// A 404 on read means the enrollment was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestEnrollmentResource_readNotFoundRemoves(t *testing.T) {
	id, serviceID := "11111111-2222-4333-8444-555555555555", "d175bccd-8530-54b0-bd66-a4f8e6510e25"
	acctest.ExpectReadRemoves(t, enrollment.NewResource, map[string]any{"id": id, "service_id": serviceID}, "GET /v1/enrollments/"+id)
}

// A 404 on delete means the enrollment is gone already: success.
func TestEnrollmentResource_deleteNotFoundSucceeds(t *testing.T) {
	id, serviceID := "11111111-2222-4333-8444-555555555555", "d175bccd-8530-54b0-bd66-a4f8e6510e25"
	acctest.ExpectDeleteSucceeds(t, enrollment.NewResource, map[string]any{"id": id, "service_id": serviceID}, "DELETE /v1/enrollments/"+id)
}
