package store

import (
	"context"
	"errors"
)

// DueRecurrentRequests returns every customer's active requests whose
// next run is at or before now, plus active ones with a schedule but no
// next run yet (stored before runs were scheduled), oldest due first.
func (s *Store) DueRecurrentRequests(ctx context.Context, now string) ([]*RecurrentRequest, error) {
	return s.queryRecurrent(ctx, `SELECT `+recurrentCols+` FROM recurrent_requests
		WHERE status = 'active' AND schedule IS NOT NULL AND (next_run_at IS NULL OR next_run_at <= ?)
		ORDER BY next_run_at, created_at`, now)
}

// ClaimRecurrentRun moves an active request's next run from due to next,
// only if nothing changed it meanwhile (a PATCH, another claim), and
// returns the request as it is at the claim (nil when it did not claim
// it): the caller that claims a due run runs that version of it.
func (s *Store) ClaimRecurrentRun(ctx context.Context, id string, due *string, next *string) (*RecurrentRequest, error) {
	rr, err := scanRecurrent(s.db.QueryRowContext(ctx, `UPDATE recurrent_requests SET next_run_at = ?
		WHERE id = ? AND status = 'active' AND IFNULL(next_run_at, '') = IFNULL(?, '')
		RETURNING `+recurrentCols, next, id, due))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return rr, err
}

// RecordRecurrentRun counts one run: when it ran, the status it got (nil
// when no answer came) and why it failed (nil when it got an answer).
func (s *Store) RecordRecurrentRun(ctx context.Context, id, at string, status *int, runErr *string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE recurrent_requests SET run_count = run_count + 1, last_run_at = ?, last_status_code = ?, last_error = ?
		WHERE id = ?`, at, status, runErr, id)
	return err
}

// RecordRecurrentSkip records why a due run did not happen (its user's
// key was disabled): last_error says so; the run is not counted.
func (s *Store) RecordRecurrentSkip(ctx context.Context, id, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE recurrent_requests SET last_error = ? WHERE id = ?`, reason, id)
	return err
}
