package requestlog_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
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
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/requestlog"
)

const addr = "unitysvc_request_logging.this"

// llmPath is the collection the test's requests go through.
const llmPath = "g/llm"

// send makes one chat completion through the gateway as the test's key
// and returns its status.
func send(e *acctest.Env, path, text string) error {
	body := `{"model":"llama-3.1-8b","messages":[{"role":"user","content":"` + text + `"}]}`
	req, err := http.NewRequest(http.MethodPost, e.GatewayURL+"/"+path+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+e.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("gateway answered %d: %s", resp.StatusCode, out)
	}
	return nil
}

// logCount is how many logs the API holds for path (a prefix).
func logCount(e *acctest.Env, path string) (int, error) {
	_, n, err := e.Client.ListRequestLogs(context.Background(), client.RequestLogFilter{PathPrefix: path}, 1)
	return n, err
}

// expectLogs checks that the API holds want logs of llmPath.
func expectLogs(e *acctest.Env, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, err := logCount(e, "/"+llmPath)
		if err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("%d logs of /%s, want %d", n, llmPath, want)
		}
		return nil
	}
}

// sendCheck sends text through llmPath.
func sendCheck(e *acctest.Env, text string) resource.TestCheckFunc {
	return func(*terraform.State) error { return send(e, llmPath, text) }
}

// skipRemote skips tests that count the logs of unitysvc-local's gateway.
func skipRemote(t *testing.T) {
	if acctest.Remote() {
		t.Skip("sends requests through unitysvc-local's gateway and counts its logs")
	}
}

// loggingStopped is every test's CheckDestroy: destroyed, logging is
// off, so nothing more is recorded.
func loggingStopped(e *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		before, err := logCount(e, "/"+llmPath)
		if err != nil {
			return err
		}
		if err := send(e, llmPath, "after destroy"); err != nil {
			return err
		}
		after, err := logCount(e, "/"+llmPath)
		if err != nil {
			return err
		}
		if after != before {
			return fmt.Errorf("a request after destroy was logged (%d logs, then %d): logging is still on", before, after)
		}
		return nil
	}
}

// createStep switches logging on with the defaults and sends two
// requests ("one", "two"), which are logged.
func createStep(e *acctest.Env, t *testing.T) resource.TestStep {
	return resource.TestStep{
		Config: e.ConfigFile(t, "testdata/requestlog_logging_on.tf", nil),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("current")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("truncate_long_message"), knownvalue.Null()),
		},
		Check: resource.ComposeTestCheckFunc(
			expectLogs(e, 0),
			sendCheck(e, "one"), sendCheck(e, "two"),
			expectLogs(e, 2),
		),
	}
}

// Created with the defaults, logging is on: requests are recorded; the
// destroy stops it (loggingStopped).
func TestAccRequestLogging_create(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             loggingStopped(e),
		Steps:                    []resource.TestStep{createStep(e, t)},
	})
}

// The logs data sources read what was recorded, with filters; the
// bodies are sensitive.
func TestAccRequestLogging_readLogs(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             loggingStopped(e),
		Steps: []resource.TestStep{
			createStep(e, t),
			{
				Config: e.ConfigFile(t, "testdata/requestlog_logging_on_with_logs.tf", nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_request_logs.llm", tfjsonpath.New("total_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("data.unitysvc_request_logs.llm", tfjsonpath.New("items"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"method":         knownvalue.StringExact("POST"),
							"path":           knownvalue.StringExact("/g/llm/v1/chat/completions"),
							"status_code":    knownvalue.Int64Exact(200),
							"gateway_source": knownvalue.StringExact("apisix"),
							"error_type":     knownvalue.Null(),
							"service_id":     knownvalue.NotNull(),
						}),
					})),
					statecheck.ExpectSensitiveValue("data.unitysvc_request_log.newest", tfjsonpath.New("request_body")),
					statecheck.ExpectSensitiveValue("data.unitysvc_request_log.newest", tfjsonpath.New("response_body")),
					statecheck.ExpectKnownValue("data.unitysvc_request_log.newest", tfjsonpath.New("request_body"), knownvalue.StringRegexp(regexp.MustCompile(`"content":"two"`))),
					statecheck.ExpectKnownValue("data.unitysvc_request_log.newest", tfjsonpath.New("response_body"), knownvalue.StringRegexp(regexp.MustCompile(`answered: two`))),
					statecheck.ExpectKnownValue("data.unitysvc_request_log.newest", tfjsonpath.New("status_code"), knownvalue.Int64Exact(200)),
				},
			},
		},
	})
}

// Switched off and on again in place: while off, requests are not
// logged and older logs stay; on again, keeping full bodies, with no
// drift on the next plan (the API cannot read the values back).
func TestAccRequestLogging_updateInPlace(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             loggingStopped(e),
		Steps: []resource.TestStep{
			createStep(e, t),
			{
				// Off, in place: requests are no longer logged, older logs stay.
				Config:           e.ConfigFile(t, "testdata/requestlog_logging_off.tf", nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("truncate_long_message"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeTestCheckFunc(sendCheck(e, "three"), expectLogs(e, 2)),
			},
			{
				// On again, keeping full bodies; no drift on the next plan.
				Config:           e.ConfigFile(t, "testdata/requestlog_logging_full_bodies.tf", nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.ComposeTestCheckFunc(sendCheck(e, "four"), expectLogs(e, 3)),
			},
		},
	})
}

// Imported by the fixed id "current" only; any other id is refused with
// what to use instead.
func TestAccRequestLogging_importVerify(t *testing.T) {
	e := acctest.New(t)
	skipRemote(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             loggingStopped(e),
		Steps: []resource.TestStep{
			{
				// Full bodies kept: a value the import cannot know.
				Config: e.ConfigFile(t, "testdata/requestlog_logging_full_bodies.tf", nil),
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "settings",
				ExpectError:   acctest.ErrorText(`Unexpected import ID "settings": request logging is one setting per user, imported with the ID "current".`),
			},
			{
				// The API cannot say how bodies are kept: an import knows only
				// that the setting exists (assumed on) until the next apply.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "current",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"truncate_long_message"},
			},
		},
	})
}

func TestAccRequestLogs_validation(t *testing.T) {
	e := acctest.New(t)
	cfg := func(args string) string { return e.Config("data \"unitysvc_request_logs\" \"l\" {\n" + args + "\n}") }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`service_id = "gpt"`), ExpectError: acctest.ErrorText("must be a UUID")},
			{Config: cfg(`status_min = 99`), ExpectError: acctest.ErrorText("value must be between 100 and 599, got: 99")},
			{Config: cfg("status_min = 500\n  status_max = 400"), ExpectError: acctest.ErrorText("status_min (500) is greater than status_max (400): no log could match.")},
			{Config: cfg(`start_time = "yesterday"`), ExpectError: acctest.ErrorText("Invalid RFC3339 String Value")},
			{Config: cfg("start_time = \"2026-11-24T10:00:00Z\"\n  end_time = \"2026-11-24T09:00:00Z\""), ExpectError: acctest.ErrorText("start_time (2026-11-24T10:00:00Z) is after end_time (2026-11-24T09:00:00Z): no log could match.")},
			{Config: cfg(`error_source = "client"`), ExpectError: regexp.MustCompile(`value must be one of: \["gateway"\s+"upstream"\]`)},
			{Config: cfg(`gateway_source = "nginx"`), ExpectError: regexp.MustCompile(`value must be one of: \["apisix"\s+"backend"\]`)},
			{Config: cfg(`max_items = 0`), ExpectError: acctest.ErrorText("value must be between 1 and 10000, got: 0")},
			{Config: e.Config(`data "unitysvc_request_log" "l" { id = "nope" }`), ExpectError: acctest.ErrorText("must be a UUID")},
			{Config: e.Config(`data "unitysvc_request_log" "l" { id = "00000000-0000-4000-8000-000000000000" }`), ExpectError: acctest.ErrorText("HTTP 404")},
		},
	})
}

// Request logging is a setting, not an object: the API cannot read it,
// so Read keeps the state as it is, without asking the API (a 404 there
// could not mean "gone").
func TestRequestLoggingResource_readKeepsStateWithoutAPI(t *testing.T) {
	api := acctest.NotFoundAPI(t)
	r := api.Resource(t, requestlog.NewResource)
	state := acctest.ResourceState(t, r, map[string]any{"id": requestlog.SettingID, "enabled": false, "truncate_long_message": true})
	resp := acctest.Read(r, state)
	if resp.Diagnostics.HasError() {
		t.Fatalf("read: %v", resp.Diagnostics)
	}
	if !resp.State.Raw.Equal(state.Raw) {
		t.Fatalf("read changed the state: %v, want %v", resp.State.Raw, state.Raw)
	}
	if got := api.Requests(); len(got) != 0 {
		t.Fatalf("read sent %q; the setting cannot be read", got)
	}
}

// Destroying request logging turns it off. The switch cannot be "gone":
// a 404 from it is an error (Terraform keeps the resource), never taken
// for success, since logging might still be on.
func TestRequestLoggingResource_deleteNotFoundFails(t *testing.T) {
	api := acctest.NotFoundAPI(t)
	r := api.Resource(t, requestlog.NewResource)
	resp := acctest.Delete(r, acctest.ResourceState(t, r, map[string]any{"id": requestlog.SettingID, "enabled": true}))
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Summary(), "Unable to stop request logging") {
		t.Fatalf("delete answered 404 = %v, want the error \"Unable to stop request logging\"", resp.Diagnostics)
	}
	if got, want := api.Requests(), []string{"POST /v1/request-logs/stop"}; !slices.Equal(got, want) {
		t.Fatalf("requests = %q, want %q", got, want)
	}
}
