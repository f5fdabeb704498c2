package enrollment_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

func TestAccEnrollmentsDataSource(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_enrollment", acctest.EnrollmentLive),
		Steps: []resource.TestStep{{
			Config:      e.ConfigFile(t, "testdata/enrollments_bad_status.tf", nil),
			ExpectError: regexp.MustCompile(`value must be one of`),
		}, {
			Config: e.ConfigFile(t, "testdata/enrollments_filters.tf", map[string]any{"service_id": byokService, "other_service_id": gptService}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.unitysvc_enrollments.active", tfjsonpath.New("enrollments"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.unitysvc_enrollments.active", tfjsonpath.New("enrollments").AtSliceIndex(0).AtMapKey("service_name"), knownvalue.StringExact("my-provider-llm")),
				statecheck.ExpectKnownValue("data.unitysvc_enrollments.active", tfjsonpath.New("enrollments").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue("data.unitysvc_enrollments.paused", tfjsonpath.New("enrollments"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.unitysvc_enrollments.other_service", tfjsonpath.New("enrollments"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}
