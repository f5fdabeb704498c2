package tfutil

import "regexp"

// UUIDRegexp matches a UUID in its canonical text form.
var UUIDRegexp = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// SlugRegexp is the API's rule for collection and alias names (the
// /g/<name> and /a/<name> path segments).
var SlugRegexp = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
