package recurrentrequest_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

func TestAccRecurrentRequestDataSource(t *testing.T) {
	e := acctest.New(t)
	name := tfacctest.RandomWithPrefix("rr-ds")
	base := acctest.FillConfig(t, "testdata/recurrentrequest_named_every_10min.tf", map[string]any{"name": name})
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      e.Config(`data "unitysvc_recurrent_request" "x" {}`),
				ExpectError: acctest.ErrorText(`Exactly one of these attributes must be configured: [id,name]`),
			},
			{
				Config:      e.Config(`data "unitysvc_recurrent_request" "x" { id = "nope" }`),
				ExpectError: acctest.ErrorText("must be a UUID"),
			},
			{
				Config:      e.Config(`data "unitysvc_recurrent_request" "x" { name = "no-such-request" }`),
				ExpectError: acctest.ErrorText(`No recurrent request named "no-such-request" is visible to this API key.`),
			},
			{
				Config: e.Config(base + acctest.FillConfig(t, "testdata/recurrentrequest_ds_by_name_and_id.tf", nil)),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					sameID.AddStateValue("data.unitysvc_recurrent_request.by_name", tfjsonpath.New("id")),
					sameID.AddStateValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_name", tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_name", tfjsonpath.New("interval_seconds"), knownvalue.Int64Exact(600)),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_name", tfjsonpath.New("cron_expression"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_name", tfjsonpath.New("body"), knownvalue.StringExact(`{"messages":[{"content":"ping","role":"user"}],"model":"gpt-4o-mini"}`)),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("state").AtMapKey("next_run_at"), knownvalue.StringRegexp(timeRE)),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("created_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("state").AtMapKey("run_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("state").AtMapKey("last_run_at"), knownvalue.Null()),
				},
			},
			{
				// Run once now: the data source shows the run; the resource
				// keeps run statistics out of its state, so nothing drifts.
				PreConfig: func() {
					all, err := e.Client.FindRecurrentRequestsByName(acctest.Ctx(), name)
					if err != nil || len(all) != 1 {
						t.Fatalf("finding %s: %v (%d)", name, err, len(all))
					}
					if _, err := e.Client.TriggerRecurrentRequest(acctest.Ctx(), all[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           e.Config(base + acctest.FillConfig(t, "testdata/recurrentrequest_ds_by_id.tf", nil)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("state").AtMapKey("run_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("state").AtMapKey("last_status_code"), knownvalue.Int64Exact(200)),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("state").AtMapKey("last_run_at"), knownvalue.StringRegexp(timeRE)),
					statecheck.ExpectKnownValue("data.unitysvc_recurrent_request.by_id", tfjsonpath.New("state").AtMapKey("last_error"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccRecurrentRequest_importUnknownName(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        e.ConfigFile(t, "testdata/recurrentrequest_minimal.tf", nil),
			ResourceName:  addr,
			ImportState:   true,
			ImportStateId: "no-such-job",
			ExpectError:   acctest.ErrorText(`no recurrent request named "no-such-job" is visible to this API key (personal or shared). The import ID is the recurrent request's UUID or its exact name`),
		}},
	})
}
