package tfutil

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseImportID splits an import ID of the form given by format, whose
// segments are separated by "/" (for example "<collection>/<service_id>"),
// and URL-unescapes each segment. Every segment must be non-empty.
func ParseImportID(id, format string) ([]string, error) {
	want := strings.Count(format, "/") + 1
	parts := strings.Split(id, "/")
	if len(parts) != want {
		return nil, fmt.Errorf("unexpected import ID %q: expected %s", id, format)
	}
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil || u == "" {
			return nil, fmt.Errorf("unexpected import ID %q: expected %s, with no empty part", id, format)
		}
		parts[i] = u
	}
	return parts, nil
}
