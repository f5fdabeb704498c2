package resilience_test

import (
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// Two aliases of one name that both set routing = true never converge:
// each apply moves routing to one, the next moves it back. The provider
// says so: the apply that takes routing from a sibling warns, and the
// apply that takes back routing this resource held warns of the
// flip-flop (warnings are visible only in tofu's own output).
func TestAccAliasRoutingFlipFlopWarns(t *testing.T) {
	tofu := needBinaries(t)
	t.Parallel()
	e := acctest.New(t)
	d := newWorkdir(t, tofu, e.APIURL, e.GatewayURL, e.APIKey, map[string]string{"main.tf": `
terraform {
  required_providers {
    unitysvc = { source = "unitysvc/unitysvc" }
  }
}
provider "unitysvc" {}

resource "unitysvc_alias" "a" {
  name        = "flip"
  target_path = "g/llm"
  routing     = true
}

resource "unitysvc_alias" "b" {
  name        = "flip"
  target_path = "g/byok"
  routing     = true
  depends_on  = [unitysvc_alias.a]
}
`})
	apply := func() string {
		out, code := d.run("apply", "-auto-approve", "-input=false", "-no-color")
		if code != 0 {
			t.Fatalf("apply failed:\n%s", out)
		}
		return strings.Join(strings.Fields(out), " ")
	}
	first := apply()
	if !strings.Contains(first, "Warning: Alias took routing from another alias") || !strings.Contains(first, "flip-flop") {
		t.Fatalf("the first apply, whose b took routing from a, does not warn:\n%s", first)
	}
	second := apply()
	if !strings.Contains(second, "Warning: Routing flip-flop between aliases") || !strings.Contains(second, "took routing since, and this apply took it back") {
		t.Fatalf("the second apply, whose a took routing back, does not warn of the flip-flop:\n%s", second)
	}
	d.destroy()
}
