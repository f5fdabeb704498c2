package recurrentrequest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/recurrentrequest"
)

var exists = acctest.ExistsByID((*client.Client).GetRecurrentRequest)

const addr = "unitysvc_recurrent_request.test"

var (
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	timeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)
)

func deleteOutOfBand(ctx context.Context, c *client.Client, attrs map[string]string) error {
	return c.DeleteRecurrentRequest(ctx, attrs["id"])
}

func rrConfig(body string) string {
	return fmt.Sprintf(`
resource "unitysvc_recurrent_request" "test" {
  request_path = "/g/llm/v1/chat/completions"
%s
}
`, body)
}

// createStep creates chat-ping, every 300 s with a body and a header,
// and checks it in state and on the server; sameID records its id.
func createStep(e *acctest.Env, t *testing.T, sameID statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config: e.ConfigFile(t, "testdata/recurrentrequest_every_5min.tf", nil),
		ConfigStateChecks: []statecheck.StateCheck{
			sameID,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRE)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("http_method"), knownvalue.StringExact("POST")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("interval_seconds"), knownvalue.Int64Exact(300)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("cron_expression"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("timezone"), knownvalue.StringExact("UTC")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("headers"), knownvalue.MapExact(map[string]knownvalue.Check{"X-Unitysvc-Log-Request": knownvalue.StringExact("true")})),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("next_run_at"), knownvalue.StringRegexp(timeRE)),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: serverSays(e, "active", func(rr *client.RecurrentRequestPublic) error {
			if rr.Schedule == nil || rr.Schedule.IntervalSeconds == nil || *rr.Schedule.IntervalSeconds != 300 {
				return fmt.Errorf("schedule = %+v, want every 300 s", rr.Schedule)
			}
			if !strings.Contains(string(rr.BodyTemplate), `"content":"ping"`) {
				return fmt.Errorf("body template = %s", rr.BodyTemplate)
			}
			return nil
		}),
	}
}

// cronConfig is summary-job: the same body written by hand, in another
// key order and layout, on a cron schedule, with the status given.
func cronConfig(e *acctest.Env, t *testing.T, status string) string {
	return e.ConfigFile(t, "testdata/recurrentrequest_cron.tf", map[string]any{"status": status})
}

// getConfig is a GET every 300 s, without a body.
func getConfig(e *acctest.Env, t *testing.T) string {
	return e.ConfigFile(t, "testdata/recurrentrequest_get.tf", nil)
}

// importStep imports the request by the attribute given (its UUID or its
// name) and checks the result.
func importStep(idAttr string) resource.TestStep {
	return resource.TestStep{
		ResourceName:      addr,
		ImportState:       true,
		ImportStateIdFunc: acctest.ImportStateIDFunc(addr, idAttr),
		ImportStateVerify: true,
		// next_run_at is computed from the clock at each read; body
		// holds the configuration's own formatting in state and the
		// API's compact form after import, so it is compared as JSON.
		ImportStateVerifyIgnore: []string{"next_run_at", "body"},
		ImportStateCheck: func(states []*terraform.InstanceState) error {
			if len(states) != 1 {
				return fmt.Errorf("imported %d instances, want 1", len(states))
			}
			var got, want any
			if err := json.Unmarshal([]byte(states[0].Attributes["body"]), &got); err != nil {
				return fmt.Errorf("imported body %q: %w", states[0].Attributes["body"], err)
			}
			_ = json.Unmarshal([]byte(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}`), &want)
			if !reflect.DeepEqual(got, want) {
				return fmt.Errorf("imported body %v, want %v", got, want)
			}
			return nil
		},
	}
}

// Created every 300 s with a body and a header: every attribute in state
// and the schedule and body on the server; no drift.
func TestAccRecurrentRequest_create(t *testing.T) {
	e := acctest.New(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps:                    []resource.TestStep{createStep(e, t, sameID.AddStateValue(addr, tfjsonpath.New("id")))},
	})
}

// In place, same id: the schedule moves from an interval to a cron in a
// time zone and pauses (the headers are cleared, the name changes, the
// same body in another layout makes no diff); then it resumes, and only
// the status changes.
func TestAccRecurrentRequest_updateInPlace(t *testing.T) {
	e := acctest.New(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			createStep(e, t, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
			{
				Config: cronConfig(e, t, "paused"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("paused")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("interval_seconds"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("cron_expression"), knownvalue.StringExact("0 */6 * * *")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("timezone"), knownvalue.StringExact("Europe/Berlin")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("headers"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("next_run_at"), knownvalue.Null()),
				},
				Check: serverSays(e, "paused", func(rr *client.RecurrentRequestPublic) error {
					if rr.RequestHeaders != nil || rr.Name == nil || *rr.Name != "summary-job" {
						return fmt.Errorf("headers %v name %v; want headers cleared and the new name", rr.RequestHeaders, rr.Name)
					}
					return nil
				}),
			},
			{
				// Resume: only the status changes.
				Config: cronConfig(e, t, "active"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("next_run_at"), knownvalue.StringRegexp(timeRE)),
				},
			},
		},
	})
}

// Import by UUID and by name reads back what apply stored; the
// hand-written body compares equal as JSON.
func TestAccRecurrentRequest_importVerify(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			{Config: cronConfig(e, t, "active")},
			importStep("id"),
			importStep("name"), // by name as well as by UUID
		},
	})
}

// The method cannot change in place: the request is replaced.
func TestAccRecurrentRequest_replaceOnHTTPMethod(t *testing.T) {
	e := acctest.New(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			createStep(e, t, sameID.AddStateValue(addr, tfjsonpath.New("id"))),
			{
				Config: getConfig(e, t),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("http_method"), knownvalue.StringExact("GET")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("body"), knownvalue.Null()),
				},
			},
		},
	})
}

// Deleted outside Terraform: the next plan recreates it.
func TestAccRecurrentRequest_outOfBandDelete(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			{
				Config:             getConfig(e, t),
				Check:              e.DeleteOutOfBand(addr, deleteOutOfBand),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: getConfig(e, t),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Cancelled outside Terraform: cancelled is final, so it is recreated,
// active.
func TestAccRecurrentRequest_outOfBandCancel(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			{Config: getConfig(e, t)},
			{
				PreConfig: func() {
					all, err := e.Client.ListRecurrentRequests(context.Background(), client.ListRecurrentRequestsOptions{Status: client.RecurrentStatusActive})
					if err != nil || len(all) != 1 {
						t.Fatalf("listing active requests: %v, %d found", err, len(all))
					}
					if _, err := e.Client.UpdateRecurrentRequest(context.Background(), all[0].ID, client.RecurrentRequestUpdate{Status: client.NullableOf(client.RecurrentStatusCancelled)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: getConfig(e, t),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
		},
	})
}

// serverSays reads the request in state through the client and checks
// its status and anything else.
func serverSays(e *acctest.Env, status string, more func(*client.RecurrentRequestPublic) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := acctest.Attr(s, addr, "id")
		if err != nil {
			return err
		}
		rr, err := e.Client.GetRecurrentRequest(context.Background(), id)
		if err != nil {
			return err
		}
		if rr.Status != status {
			return fmt.Errorf("server status %q, want %q", rr.Status, status)
		}
		return more(rr)
	}
}

func TestAccRecurrentRequest_validation(t *testing.T) {
	e := acctest.New(t)
	for _, tc := range []struct {
		name, body, want string
	}{
		{"bad cron", `  cron_expression = "61 * * * *"`, `Invalid cron expression`},
		{"six-field cron", `  cron_expression = "0 0 */6 * * *"`, `expected exactly 5 fields`},
		{"unknown time zone", "  cron_expression = \"0 * * * *\"\n  timezone = \"Mars/Olympus_Mons\"", `not a known IANA time zone`},
		{"interval and cron", "  interval_seconds = 300\n  cron_expression = \"0 * * * *\"", `Exactly one of these attributes must be configured`},
		{"no schedule", ``, `Exactly one of these attributes must be configured`},
		{"interval below 60", `  interval_seconds = 59`, `must be between 60 and 604800`},
		{"interval above 7 days", `  interval_seconds = 604801`, `must be between 60 and 604800`},
		{"timezone with interval", "  interval_seconds = 300\n  timezone = \"Europe/Berlin\"", `only a cron_expression is evaluated in a time zone`},
		{"over-long name", "  interval_seconds = 300\n  name = \"" + strings.Repeat("n", 201) + "\"", `must be between 1 and 200`},
		{"body not an object", "  interval_seconds = 300\n  body = jsonencode([1, 2])", `Body is not a JSON object`},
		{"lower-case method", "  interval_seconds = 300\n  http_method = \"post\"", `value must be one of`},
		{"status draft", "  interval_seconds = 300\n  status = \"draft\"", `value must be one of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      e.Config(rrConfig(tc.body)),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(tc.want), " ", `\s+`)),
				}},
			})
		})
	}
}

// TestAccRecurrentRequest_example applies
// examples/resources/unitysvc_recurrent_request as published: it holds the
// SDK guide's two schedules (every 300 s, and cron 0 */6 * * * in UTC)
// plus a paused cron in another time zone.
func TestAccRecurrentRequest_example(t *testing.T) {
	e := acctest.New(t)
	src, err := os.ReadFile("../../../examples/resources/unitysvc_recurrent_request/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{{
			Config: e.Config(string(src)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("unitysvc_recurrent_request.chat_ping", tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue("unitysvc_recurrent_request.summary", tfjsonpath.New("next_run_at"),
					knownvalue.StringRegexp(regexp.MustCompile(`T(00|06|12|18):00:00`))),
				statecheck.ExpectKnownValue("unitysvc_recurrent_request.report", tfjsonpath.New("status"), knownvalue.StringExact("paused")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// When activation fails (here the schedule PATCH is rate-limited and
// max_retries is 0), the draft the create made is deleted: the apply
// fails saying so, and nothing is left on the server.
func TestAccRecurrentRequest_failedActivationLeavesNothing(t *testing.T) {
	// Requests of the apply: 1 POST (the draft), 2 PATCH (the schedule:
	// the 2nd request gets the 429), 3 DELETE (the clean-up).
	e := acctest.NewWithFaults(t, localapi.Faults{RateLimitEvery: 2})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.FillConfig(t, "testdata/recurrentrequest_no_retries.tf", map[string]any{"api_url": e.APIURL, "api_key": e.APIKey}),
				ExpectError: regexp.MustCompile(`(?s)Setting the schedule failed.*HTTP 429.*draft\s+recurrent\s+request\s+[0-9a-f-]+\s+created\s+in\s+the\s+first\s+step\s+was\s+deleted`),
			},
			e.CheckServer(func(*terraform.State) error {
				all, err := e.Client.ListRecurrentRequests(context.Background(), client.ListRecurrentRequestsOptions{})
				if err != nil {
					return err
				}
				if len(all) != 0 {
					return fmt.Errorf("%d recurrent requests left after a failed activation, want 0: %+v", len(all), all)
				}
				if limited, _ := e.Instance.FaultCounts(); limited == 0 {
					return fmt.Errorf("no 429 was injected: the test proves nothing")
				}
				return nil
			}),
		},
	})
}

// A 404 on read means the recurrentrequest was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestRecurrentRequestResource_readNotFoundRemoves(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectReadRemoves(t, recurrentrequest.NewResource, map[string]any{"id": id, "name": "nightly"}, "GET /v1/recurrent-requests/"+id)
}

// A 404 on delete means the recurrentrequest is gone already: success.
func TestRecurrentRequestResource_deleteNotFoundSucceeds(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectDeleteSucceeds(t, recurrentrequest.NewResource, map[string]any{"id": id, "name": "nightly"}, "DELETE /v1/recurrent-requests/"+id)
}
