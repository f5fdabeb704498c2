package recurrentrequest

import (
	"context"
	"fmt"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// createError is a create that failed after the draft existed: the step
// that failed, and whether the draft could be cleaned up.
type createError struct {
	step       string
	draftID    string
	err        error
	cleanupErr error
}

func (e *createError) Error() string {
	msg := fmt.Sprintf("%s failed: %s", e.step, tfutil.APIErrorDetail(e.err))
	if e.cleanupErr != nil {
		return msg + fmt.Sprintf("\n\nThe draft recurrent request %s could not be deleted (%s); delete it yourself (DELETE /recurrent-requests/%s) before applying again.",
			e.draftID, tfutil.APIErrorDetail(e.cleanupErr), e.draftID)
	}
	return msg + fmt.Sprintf("\n\nThe draft recurrent request %s created in the first step was deleted, so nothing was left behind.", e.draftID)
}

func (e *createError) Unwrap() error { return e.err }

// activate brings a new draft recurrent request into the state asked
// for: setting the schedule activates it, and a paused request is then
// paused. If a step fails, the draft is deleted so no half-configured
// request is left running or lingering.
func activate(ctx context.Context, c *client.Client, draftID string, schedule *client.RecurrentSchedule, status string) (*client.RecurrentRequestPublic, error) {
	fail := func(step string, err error) error {
		cerr := c.DeleteRecurrentRequest(ctx, draftID)
		if client.IsNotFound(cerr) {
			cerr = nil
		}
		return &createError{step: step, draftID: draftID, err: err, cleanupErr: cerr}
	}
	rr, err := c.UpdateRecurrentRequest(ctx, draftID, client.RecurrentRequestUpdate{Schedule: client.NullableOrUnset(schedule)})
	if err != nil {
		return nil, fail("Setting the schedule", err)
	}
	if rr.Status != status {
		rr, err = c.UpdateRecurrentRequest(ctx, draftID, client.RecurrentRequestUpdate{Status: client.NullableOf(status)})
		if err != nil {
			return nil, fail("Setting the status to "+status, err)
		}
	}
	return rr, nil
}
