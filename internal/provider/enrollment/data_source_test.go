package enrollment_test

import (
	"fmt"
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
			Config:      e.Config(`data "unitysvc_enrollments" "bad" { status = "enabled" }`),
			ExpectError: regexp.MustCompile(`value must be one of`),
		}, {
			Config: e.Config(fmt.Sprintf(`
resource "unitysvc_enrollment" "a" {
  service_id = %[1]q
  parameters = { endpoint = "https://a.example.com" }
}

resource "unitysvc_enrollment" "b" {
  service_id           = %[1]q
  parameters           = { endpoint = "https://b.example.com" }
  sensitive_parameters = { api_key = "k" }
}

data "unitysvc_enrollments" "active" {
  service_id = %[1]q
  status     = "active"
  depends_on = [unitysvc_enrollment.a, unitysvc_enrollment.b]
}

data "unitysvc_enrollments" "paused" {
  status     = "paused"
  depends_on = [unitysvc_enrollment.a, unitysvc_enrollment.b]
}

data "unitysvc_enrollments" "other_service" {
  service_id = %[2]q
  depends_on = [unitysvc_enrollment.a, unitysvc_enrollment.b]
}
`, byokService, gptService)),
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
