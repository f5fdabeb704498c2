package store

import (
	"context"
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
// reports whether it did: the caller that claims a due run runs it.
func (s *Store) ClaimRecurrentRun(ctx context.Context, id string, due *string, next *string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE recurrent_requests SET next_run_at = ?
		WHERE id = ? AND status = 'active' AND IFNULL(next_run_at, '') = IFNULL(?, '')`, next, id, due)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecordRecurrentRun counts one run: when it ran, the status it got (nil
// when no answer came) and why it failed (nil when it got an answer).
func (s *Store) RecordRecurrentRun(ctx context.Context, id, at string, status *int, runErr *string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE recurrent_requests SET run_count = run_count + 1, last_run_at = ?, last_status_code = ?, last_error = ?
		WHERE id = ?`, at, status, runErr, id)
	return err
}
