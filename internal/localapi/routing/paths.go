package routing

import (
	"net/url"
	"slices"
	"strings"
)

// Route is a gateway-relative path split at its primitive: prefix is
// the one letter (g, p, e, a, c, b), name the object (percent-decoded),
// rest the sub-path as written (still escaped).
type Route struct {
	Prefix, Name, Rest string
}

// Prefixes are the path primitives the gateway serves.
var Prefixes = []string{"g", "p", "e", "a", "c", "b"}

// Wrappers are the wrapper primitives that compose in front of a routed
// path (log, memoize, failover, tee), in their canonical order.
const Wrappers = "lmft"

// Reserved are the one-letter prefixes the platform reserves and
// unitysvc-local does not serve: delayed and recurrent firing.
const Reserved = "dr"

// SplitQuery cuts a path at its first "?": the path and its raw query.
func SplitQuery(path string) (p, rawQuery string) {
	p, rawQuery, _ = strings.Cut(path, "?")
	return p, rawQuery
}

// SplitWrappers takes the leading wrapper segments (l/, m/, f/, t/) off
// a gateway-relative path without its query: wrappers lists their
// letters as written, rest is the routed path without a leading slash.
func SplitWrappers(path string) (wrappers, rest string) {
	rest = strings.TrimLeft(path, "/")
	for {
		seg, after, found := strings.Cut(rest, "/")
		if !found || len(seg) != 1 || !strings.Contains(Wrappers, seg) {
			return wrappers, rest
		}
		wrappers += seg
		rest = strings.TrimLeft(after, "/")
	}
}

// ParsePath splits a gateway-relative path ("g/llm/v1/chat/completions",
// with or without a leading slash) at its primitive, seeing through
// wrapper segments in front of it and ignoring a query; ok is false when
// it does not start with a primitive and a name.
func ParsePath(path string) (Route, bool) {
	path, _ = SplitQuery(path)
	_, path = SplitWrappers(path)
	parts := strings.SplitN(path, "/", 3)
	if len(parts) < 2 || parts[1] == "" || !slices.Contains(Prefixes, parts[0]) {
		return Route{}, false
	}
	name, err := url.PathUnescape(parts[1])
	if err != nil {
		name = parts[1]
	}
	r := Route{Prefix: parts[0], Name: name}
	if len(parts) == 3 {
		r.Rest = parts[2]
	}
	return r, true
}

// Join appends a sub-path to a gateway-relative target path, before the
// target's query when it has one ("m/g/x?_ttl=1h" + "v1/models" is
// "m/g/x/v1/models?_ttl=1h").
func Join(target, rest string) string {
	target, query, hasQuery := strings.Cut(target, "?")
	target = strings.TrimRight(target, "/")
	if rest = strings.TrimLeft(rest, "/"); rest != "" {
		target += "/" + rest
	}
	if hasQuery {
		target += "?" + query
	}
	return target
}
