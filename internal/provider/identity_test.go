package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// adopted is every resource of testdata/adopt_every_resource.tf with the
// identity it must carry and the ID it imports by.
var adopted = []struct {
	addr     string
	identity map[string]knownvalue.Check
	importID []string // attributes joined by "/"; nil: the id
}{
	{"unitysvc_secret.variable", map[string]knownvalue.Check{"name": knownvalue.StringExact("ADOPT_REGION"), "shared": knownvalue.Bool(false)}, []string{"name"}},
	{"unitysvc_secret.shared", map[string]knownvalue.Check{"name": knownvalue.StringExact("ADOPT_TEAM_REGION"), "shared": knownvalue.Bool(true)}, nil},
	{"unitysvc_enrollment.byok", uuidIdentity, nil},
	{"unitysvc_collection.c", uuidIdentity, nil},
	{"unitysvc_collection_member.gpt", map[string]knownvalue.Check{"collection_id": knownvalue.StringRegexp(uuidPattern), "service_id": knownvalue.StringRegexp(uuidPattern)}, nil},
	{"unitysvc_chain.failover", uuidIdentity, nil},
	{"unitysvc_broadcast.fanout", uuidIdentity, nil},
	{"unitysvc_alias.a", uuidIdentity, nil},
	{"unitysvc_recurrent_request.interval", uuidIdentity, nil},
	{"unitysvc_recurrent_request.cron", uuidIdentity, nil},
	{"unitysvc_request_logging.current", map[string]knownvalue.Check{"id": knownvalue.StringExact("current")}, nil},
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

var uuidIdentity = map[string]knownvalue.Check{"id": knownvalue.StringRegexp(uuidPattern)}

// Every resource carries its identity in state, and imports by it
// (`import { identity = {...} }`, Terraform and OpenTofu 1.12+) with a
// plan that changes nothing.
func TestAccIdentityEveryResource(t *testing.T) {
	e := acctest.New(t)
	config := e.ConfigFile(t, "testdata/adopt_every_resource.tf", nil)
	var checks []statecheck.StateCheck
	steps := []resource.TestStep{{Config: config}}
	for _, r := range adopted {
		checks = append(checks, statecheck.ExpectIdentity(r.addr, r.identity))
		steps = append(steps, resource.TestStep{
			Config: config, ResourceName: r.addr,
			ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
		})
	}
	steps[0].ConfigStateChecks = checks
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(version.Must(version.NewVersion("1.12.0")))},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// `tofu plan -generate-config-out` writes, for every resource imported by
// its ID, configuration that is valid and plans no change (the test
// framework imports each one again as <type>.generated with the
// generated configuration and requires a no-op plan).
// requestLoggingBlock is how testdata/adopt_every_resource.tf declares
// request logging.
const requestLoggingBlock = "resource \"unitysvc_request_logging\" \"current\" {\n  enabled = true\n}\n"

func TestAccGenerateConfigEveryResource(t *testing.T) {
	e := acctest.New(t)
	config := e.ConfigFile(t, "testdata/adopt_every_resource.tf", nil)
	steps := []resource.TestStep{{Config: config}}
	for _, r := range adopted {
		step := resource.TestStep{
			Config: config, ResourceName: r.addr,
			ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
		}
		if r.importID != nil {
			step.ImportStateIdFunc = acctest.ImportStateIDFunc(r.addr, r.importID...)
		}
		if r.addr == "unitysvc_secret.shared" {
			step.ImportStateId = "shared/ADOPT_TEAM_REGION"
		}
		if r.addr == "unitysvc_request_logging.current" {
			// Request logging is one setting per user: beside the declared
			// one, the generated unitysvc_request_logging.generated would be
			// a second, which the provider refuses at plan. Adopting it
			// means the configuration holds only the generated one.
			without := strings.Replace(config, requestLoggingBlock, "", 1)
			if without == config {
				t.Fatal("testdata/adopt_every_resource.tf no longer declares request logging as this test expects")
			}
			step.Config = without
		}
		steps = append(steps, step)
	}
	resource.ParallelTest(t, resource.TestCase{
		// Generated configuration holds the write-only attributes (as null).
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(version.Must(version.NewVersion("1.11.0")))},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// Every list data source finds what the configuration made, each item
// with the ID its resource imports by.
func TestAccListDataSources(t *testing.T) {
	e := acctest.New(t)
	config := e.ConfigFile(t, "testdata/adopt_every_resource.tf", nil) + `
data "unitysvc_secrets" "shared" {
  scope      = "shared"
  depends_on = [unitysvc_secret.shared, unitysvc_secret.variable]
}
data "unitysvc_collections" "all" {
  depends_on = [unitysvc_collection_member.gpt]
}
data "unitysvc_chains" "all" {
  depends_on = [unitysvc_chain.failover]
}
data "unitysvc_broadcasts" "personal" {
  scope      = "personal"
  depends_on = [unitysvc_broadcast.fanout]
}
data "unitysvc_aliases" "by_name" {
  name       = "adopt-alias"
  depends_on = [unitysvc_alias.a]
}
data "unitysvc_recurrent_requests" "paused" {
  status     = "paused"
  depends_on = [unitysvc_recurrent_request.cron, unitysvc_recurrent_request.interval]
}
data "unitysvc_enrollments" "shared" {
  scope      = "shared"
  depends_on = [unitysvc_enrollment.byok]
}
`
	item := func(_, list string, i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New(list).AtSliceIndex(i).AtMapKey(attr)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.unitysvc_secrets.shared", tfjsonpath.New("secrets"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.unitysvc_secrets.shared", item("", "secrets", 0, "import_id"), knownvalue.StringExact("shared/ADOPT_TEAM_REGION")),
				statecheck.ExpectKnownValue("data.unitysvc_collections.all", tfjsonpath.New("collections"), knownvalue.ListSizeExact(1)),
				statecheck.CompareValuePairs("data.unitysvc_collections.all", item("", "collections", 0, "members").AtSliceIndex(0).AtMapKey("import_id"),
					"unitysvc_collection_member.gpt", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.unitysvc_collections.all", item("", "collections", 0, "members").AtSliceIndex(0).AtMapKey("routing_key"),
					knownvalue.MapExact(map[string]knownvalue.Check{"model": knownvalue.StringExact("fast")})),
				statecheck.CompareValuePairs("data.unitysvc_chains.all", item("", "chains", 0, "import_id"), "unitysvc_chain.failover", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.unitysvc_broadcasts.personal", tfjsonpath.New("broadcasts"), knownvalue.ListSizeExact(0)),
				statecheck.CompareValuePairs("data.unitysvc_aliases.by_name", item("", "aliases", 0, "import_id"), "unitysvc_alias.a", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.unitysvc_recurrent_requests.paused", tfjsonpath.New("recurrent_requests"), knownvalue.ListSizeExact(1)),
				statecheck.CompareValuePairs("data.unitysvc_recurrent_requests.paused", item("", "recurrent_requests", 0, "import_id"), "unitysvc_recurrent_request.cron", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.unitysvc_enrollments.shared", tfjsonpath.New("enrollments"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}
