package tfutil

import (
	"regexp"
	"strings"
)

// UUIDRegexp matches a UUID in its canonical text form.
var UUIDRegexp = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// SlugRegexp is the API's rule for collection and alias names (the
// /g/<name> and /a/<name> path segments).
var SlugRegexp = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// BacktickList renders allowed values for documentation and messages:
// `a`, `b` or `c`.
func BacktickList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "`" + v + "`"
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
