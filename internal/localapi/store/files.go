package store

import "context"

// TeamSize is how many users (API keys) a customer has. unitysvc-local
// reads a customer with more than one as a team, the plan the shared
// account-files scope needs.
func (s *Store) TeamSize(ctx context.Context, customerID string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE customer_id = ?`, customerID).Scan(&n)
	return n, err
}
