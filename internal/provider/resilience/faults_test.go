package resilience_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// demoFaults are unitysvc-local's --fault-429-every 3 --fault-503-every 4
// --fault-lose-create-every 5.
var demoFaults = localapi.Faults{RateLimitEvery: 3, ErrorAfterEvery: 4, LoseCreateEvery: 5}

// faultRuns is how many times the demo is applied under faults.
const faultRuns = 5

// The full demo configuration (examples/demo, read at test time), applied
// against an API that rate-limits every 3rd request, loses the answer of
// every 4th idempotent one and of every 5th create after processing them,
// converges every time in at most two applies with an empty plan after:
// no duplicates, nothing untracked, and destroy leaves nothing.
func TestAccDemoConvergesUnderFaults(t *testing.T) {
	tofu := needBinaries(t)
	t.Parallel()
	for run := 1; run <= faultRuns; run++ {
		t.Run(fmt.Sprintf("run%d", run), func(t *testing.T) {
			t.Parallel()
			e := acctest.NewWithFaults(t, demoFaults)
			c := newClient(t, e.APIURL, e.APIKey)
			d := newDemoDir(t, tofu, e.APIURL, e.GatewayURL, e.APIKey)
			res := d.converge(2)
			limited, failed := e.Instance.FaultCounts()
			lost := e.Instance.LostCreates()
			got := checkConverged(t, d, c)
			start := time.Now()
			checkDestroyed(t, d, c)
			t.Logf("FIGURES run %d: converged in %d apply(ies) (%s, plan included); %d objects, 0 duplicates, 0 untracked; faults while applying and planning: %d 429s, %d 503s after processing (%d of them lost creates), %d objects adopted after a lost answer; destroy left 0 objects (%s)",
				run, res.applies, res.took.Round(100*time.Millisecond), got.objects, limited, failed, lost, res.adopted, time.Since(start).Round(100*time.Millisecond))
			if failed == 0 || limited == 0 {
				t.Fatalf("no faults were injected (%d, %d): the run proves nothing", limited, failed)
			}
		})
	}
}
