package acctest

import (
	"context"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// ExpectCheckStatus is a state check that the `check` block named name
// ended with status (pass, fail, error or unknown) in the last apply.
// A failed check warns without failing the apply, so this is how a test
// sees it.
func ExpectCheckStatus(name string, status tfjson.CheckStatus) statecheck.StateCheck {
	return checkStatus{name: name, want: status}
}

type checkStatus struct {
	name string
	want tfjson.CheckStatus
}

func (c checkStatus) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = fmt.Errorf("no state to find check %q in", c.name)
		return
	}
	var seen []string
	for _, r := range req.State.Checks {
		if r.Address.Kind != tfjson.CheckKindCheckBlock {
			continue
		}
		seen = append(seen, fmt.Sprintf("%s=%s", r.Address.Name, r.Status))
		if r.Address.Name != c.name {
			continue
		}
		if r.Status != c.want {
			var problems []string
			for _, in := range r.Instances {
				for _, p := range in.Problems {
					problems = append(problems, p.Message)
				}
			}
			resp.Error = fmt.Errorf("check %q is %s, want %s (problems: %s)", c.name, r.Status, c.want, strings.Join(problems, "; "))
		}
		return
	}
	resp.Error = fmt.Errorf("no check block %q in the state's check results (%s)", c.name, strings.Join(seen, ", "))
}

// ExpectOnlyCheckReads is a plan check for configurations with check
// blocks: their data sources are always planned to be read again during
// apply, so such a plan is never empty. It asserts that data-source reads
// are all the plan holds: no resource is created, updated or destroyed.
// (The plan's JSON does not say why a data source is read, so any read
// passes; the configurations that use this read data sources only in
// check blocks or after all their dependencies.)
func ExpectOnlyCheckReads() plancheck.PlanCheck { return onlyCheckReads{} }

type onlyCheckReads struct{}

func (onlyCheckReads) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change.Actions.NoOp() {
			continue
		}
		if rc.Mode == tfjson.DataResourceMode && rc.Change.Actions.Read() {
			continue
		}
		resp.Error = fmt.Errorf("%s is planned to %v: only the reads of check blocks' data sources may remain after apply", rc.Address, rc.Change.Actions)
		return
	}
}
