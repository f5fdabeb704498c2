package requestlog_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// Request logging is one setting per user: a second
// unitysvc_request_logging resource for the same provider configuration
// is refused at plan, whether declared twice or with count.
func TestAccRequestLogging_singleton(t *testing.T) {
	e := acctest.New(t)
	twice := acctest.ErrorText("more than one unitysvc_request_logging resource for the same provider configuration")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             loggingStopped(e),
		Steps: []resource.TestStep{
			{Config: e.ConfigFile(t, "testdata/requestlog_logging_twice.tf", nil), ExpectError: twice},
			{Config: e.ConfigFile(t, "testdata/requestlog_logging_count.tf", nil), ExpectError: twice},
			{
				Config:           e.ConfigFile(t, "testdata/requestlog_logging_on.tf", nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// One resource replaced on request is planned twice by the CLI (once as
// an update, once as the create of the replacement): it is not a second
// resource.
func TestAccRequestLogging_replaceIsNotASecond(t *testing.T) {
	e := acctest.New(t)
	d := acctest.NewTofuDir(t, e.ConfigFile(t, "testdata/requestlog_logging_on.tf", nil))
	d.MustRun("apply", "-auto-approve", "-no-color")
	if out := d.MustRun("apply", "-auto-approve", "-no-color", "-replace="+addr); !strings.Contains(out, "1 added, 0 changed, 1 destroyed") {
		t.Errorf("the replacement did not apply:\n%s", out)
	}
	d.MustRun("destroy", "-auto-approve", "-no-color")
}
