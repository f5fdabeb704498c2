package recurrentrequest_test

import (
	"context"
	"fmt"
	"regexp"
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
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// storedRequest reads the request in state straight from unitysvc-local's
// store: what it keeps, unmasked.
func storedRequest(e *acctest.Env, s *terraform.State) (*store.RecurrentRequest, error) {
	id, err := acctest.Attr(s, addr, "id")
	if err != nil {
		return nil, err
	}
	p, err := e.Instance.Store.Authenticate(context.Background(), e.APIKey)
	if err != nil {
		return nil, err
	}
	return e.Instance.Store.GetRecurrentRequest(context.Background(), p, id)
}

func exactBody(e *acctest.Env, t *testing.T, temperature, seed string) string {
	return e.ConfigFile(t, "testdata/recurrentrequest_exact_body.tf", map[string]any{"temperature": temperature, "seed": seed})
}

// A body with a float written 1.0, a big integer, an exponent and a
// unicode escape applies, is stored and sent exactly as written, and
// plans nothing afterwards (the API's echo is compared by value); a big
// integer one higher is a change, made in place.
func TestAccRecurrentRequest_bodyKeptExactly(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			{
				Config: exactBody(e, t, "1.0", "12345678901234567890123"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					rr, err := storedRequest(e, s)
					if err != nil {
						return err
					}
					want := `{"temperature":1.0,"seed":12345678901234567890123,"top_p":1e-1,"model":"gpt-4o-mini","messages":[{"role":"user","content":"caf\u00e9"}]}`
					if rr.BodyTemplate == nil || *rr.BodyTemplate != want {
						return fmt.Errorf("stored body %v, want %s", rr.BodyTemplate, want)
					}
					return nil
				},
			},
			{
				Config: exactBody(e, t, "1.0", "12345678901234567890124"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					rr, err := storedRequest(e, s)
					if err != nil {
						return err
					}
					if rr.BodyTemplate == nil || !strings.Contains(*rr.BodyTemplate, `"seed":12345678901234567890124`) {
						return fmt.Errorf("stored body %v, want the new seed exactly", rr.BodyTemplate)
					}
					return nil
				},
			},
		},
	})
}

// sensitive_headers are sent and stored, but never in headers nor in
// clear in the API's answers; removing one outside Terraform is drift
// that the next apply repairs.
func TestAccRecurrentRequest_sensitiveHeaders(t *testing.T) {
	e := acctest.New(t)
	cfg := e.ConfigFile(t, "testdata/recurrentrequest_sensitive_headers.tf", map[string]any{"token": "tok-sensitive-1"})
	serverHasToken := func(token string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			rr, err := storedRequest(e, s)
			if err != nil {
				return err
			}
			if rr.RequestHeaders == nil || !strings.Contains(*rr.RequestHeaders, `"X-Upstream-Token":"`+token+`"`) {
				return fmt.Errorf("stored headers %v, want X-Upstream-Token %s", rr.RequestHeaders, token)
			}
			api, err := e.Client.GetRecurrentRequest(context.Background(), rr.ID)
			if err != nil {
				return err
			}
			if api.RequestHeaders["X-Upstream-Token"] != client.MaskedValue {
				return fmt.Errorf("the API answers X-Upstream-Token %q, want it masked", api.RequestHeaders["X-Upstream-Token"])
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("headers"), knownvalue.MapExact(map[string]knownvalue.Check{"OpenAI-Beta": knownvalue.StringExact("assistants=v2")})),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("sensitive_headers")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            serverHasToken("tok-sensitive-1"),
			},
			{
				// Removed outside Terraform: the plan puts it back.
				PreConfig: func() {
					all, err := e.Client.ListRecurrentRequests(context.Background(), client.ListRecurrentRequestsOptions{})
					if err != nil || len(all) != 1 {
						t.Fatalf("listing: %v, %d found", err, len(all))
					}
					if _, err := e.Client.UpdateRecurrentRequest(context.Background(), all[0].ID, client.RecurrentRequestUpdate{
						RequestHeaders: client.NullableOf(map[string]string{"OpenAI-Beta": "assistants=v2"})}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: serverHasToken("tok-sensitive-1"),
			},
			{
				// Imported: the masked header stays out of headers; the
				// sensitive value cannot be read back.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"next_run_at", "sensitive_headers"},
			},
		},
	})
}

// sensitive_headers_wo is sent, never stored in state or plan, and a new
// version sends the new value in place.
func TestAccRecurrentRequest_sensitiveHeadersWriteOnly(t *testing.T) {
	e := acctest.New(t)
	acctest.SkipWithoutWriteOnly(t)
	wo := func(token string, version int) string {
		return e.ConfigFile(t, "testdata/recurrentrequest_sensitive_headers_wo.tf", map[string]any{"token": token, "version": version})
	}
	serverHas := func(token string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			rr, err := storedRequest(e, s)
			if err != nil {
				return err
			}
			if rr.RequestHeaders == nil || !strings.Contains(*rr.RequestHeaders, `"X-Upstream-Token":"`+token+`"`) {
				return fmt.Errorf("stored headers %v, want X-Upstream-Token %s", rr.RequestHeaders, token)
			}
			for _, a := range s.RootModule().Resources[addr].Primary.Attributes {
				if strings.Contains(a, token) {
					return fmt.Errorf("the write-only token is in state")
				}
			}
			return nil
		}
	}
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{
			{
				Config: wo("tok-wo-1", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive_headers_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("headers"), knownvalue.MapExact(map[string]knownvalue.Check{"OpenAI-Beta": knownvalue.StringExact("assistants=v2")})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.ComposeTestCheckFunc(serverHas("tok-wo-1"), acctest.IDUnchanged(addr, &id)),
			},
			{
				Config: wo("tok-wo-2", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(serverHas("tok-wo-2"), acctest.IDUnchanged(addr, &id)),
			},
		},
	})
}

// A full gateway URL as request_path is sent as its path; the URL stays
// in state as written, with no drift.
func TestAccRecurrentRequest_urlPathNormalised(t *testing.T) {
	e := acctest.New(t)
	cfg := e.ConfigFile(t, "testdata/recurrentrequest_url_path.tf", map[string]any{"gateway": e.GatewayURL})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_recurrent_request", exists),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("request_path"), knownvalue.StringExact(e.GatewayURL+"/g/llm/v1/chat/completions")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: serverSays(e, "active", func(rr *client.RecurrentRequestPublic) error {
				if rr.RequestPath != "/g/llm/v1/chat/completions" {
					return fmt.Errorf("server request_path %q, want the gateway path", rr.RequestPath)
				}
				return nil
			}),
		}},
	})
}

// What could never run, or never be sent as written, is refused at plan
// time, saying what is wrong and what is allowed.
func TestAccRecurrentRequest_refusedAtPlan(t *testing.T) {
	e := acctest.New(t)
	for _, tc := range []struct {
		name, hcl, want string
	}{
		{"unknown prefix", `request_path = "/x/nowhere"`, `is not a gateway route`},
		{"trailing space", `request_path = "/g/llm/v1/chat/completions "`, `begins or ends with white space`},
		{"leading space", `request_path = " /g/llm"`, `begins or ends with white space`},
		{"URL to no route", `request_path = "https://gw.example/x/nowhere"`, `is not a gateway route`},
		{"never-matching cron", "request_path = \"/g/llm\"\n  cron_expression = \"0 0 31 2 *\"", `never matches a date`},
		{"white-space name", "request_path = \"/g/llm\"\n  name = \"   \"", `must not be only white space`},
		{"Authorization header", "request_path = \"/g/llm\"\n  sensitive_headers = { Authorization = \"Bearer sk-x\" }", `never forwards your key`},
		{"hop-by-hop header", "request_path = \"/g/llm\"\n  headers = { Connection = \"close\" }", `hop-by-hop`},
		{"credential in plain headers", "request_path = \"/g/llm\"\n  headers = { \"X-Upstream-Token\" = \"t\" }", `Set it in sensitive_headers`},
		{"header set twice", "request_path = \"/g/llm\"\n  headers = { \"X-Trace\" = \"a\" }\n  sensitive_headers = { \"x-trace\" = \"b\" }", `Header set twice`},
		{"invalid header name", "request_path = \"/g/llm\"\n  headers = { \"X Trace\" = \"a\" }", `not a valid HTTP header name`},
		{"invalid JSON body", "request_path = \"/g/llm\"\n  body = \"{\\\"a\\\": }\"", `Body is not valid JSON`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hcl := "resource \"unitysvc_recurrent_request\" \"test\" {\n  " + tc.hcl + "\n"
			if !strings.Contains(tc.hcl, "cron_expression") {
				hcl += "  interval_seconds = 300\n"
			}
			hcl += "}\n"
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      e.Config(hcl),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(tc.want), " ", `\s+`)),
				}},
			})
		})
	}
}
