package tfutil

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Gateway paths: what the gateway routes, as the provider checks it at
// plan time. A routed path is <prefix>/<name>[/<sub-path>]; wrapper
// primitives (l/ m/ f/ t/) compose in front of it, in any order, and take
// their parameters as query parameters beginning with "_".

// RoutingNameRegexp is the rule for the names of chains and broadcasts:
// the characters a URL path segment carries as they are (RFC 3986
// unreserved), starting with a letter or digit. A name outside it (a
// space, a "/", a "%") would have to be percent-encoded in the
// /c/<name> or /b/<name> path, and the gateway would never match it.
var RoutingNameRegexp = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*$`)

// RoutingNameRule describes RoutingNameRegexp in messages.
const RoutingNameRule = "letters, digits, '-', '_', '.' and '~', starting with a letter or digit (for example my-chain): the name is a segment of the gateway path, so a space, '/' or '%' could never be routed"

// RoutePrefixes are the gateway's routed primitives, WrapperPrefixes
// the wrappers that compose in front of them (in the SDK's canonical
// order), and ReservedPrefixes the primitives the gateway reserves but
// does not serve.
var (
	RoutePrefixes    = []string{"g", "p", "e", "a", "c", "b"}
	WrapperPrefixes  = []string{"l", "m", "f", "t"}
	ReservedPrefixes = []string{"d", "r"}
)

// wrapperParams are each wrapper's query parameters.
var wrapperParams = map[string]string{"_complete": "l", "_ttl": "m", "_renew": "m", "_else": "f", "_to": "t"}

// MaxCacheTTL is the longest memoize TTL the gateway accepts.
const MaxCacheTTL = 7 * 24 * time.Hour

// apiVersion is the customer API's version segment (v1), which is no
// gateway route.
var apiVersion = regexp.MustCompile(`^v[0-9]+$`)

var ttlRegexp = regexp.MustCompile(`^([0-9]+)([smhd])$`)

// CacheTTLProblem explains why ttl is not a memoize TTL the gateway
// accepts (30s, 15m, 1h, 7d; at most 7 days), or returns "".
func CacheTTLProblem(ttl string) string {
	m := ttlRegexp.FindStringSubmatch(ttl)
	if m == nil {
		return fmt.Sprintf("cache TTL %q is not a duration the gateway reads: a whole number followed by s, m, h or d, such as 30s, 15m, 1h or 7d", ttl)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	if err != nil || n <= 0 || n > int64(MaxCacheTTL/unit) {
		return fmt.Sprintf("cache TTL %q is out of range: it must be more than 0 and at most 7d", ttl)
	}
	return ""
}

// GatewayPath is a gateway path taken apart.
type GatewayPath struct {
	// Wrappers are the wrapper prefixes in the order written.
	Wrappers []string
	// Prefix, Name and SubPath are the routed path's parts: "g", "my-llms",
	// "v1/chat/completions". Prefix is "" for a service path, whose first
	// segment (longer than one letter, such as "openai") is its Name.
	Prefix, Name, SubPath string
	// Log, LogComplete, Cache and CacheRenew are the wrappers' switches;
	// CacheTTL, FailoverTo and TeeTo their values ("" when unset).
	Log, LogComplete, Cache, CacheRenew bool
	CacheTTL, FailoverTo, TeeTo         string
	// Query holds the parameters that are not the wrappers' (they go
	// upstream), in their encoded form; "" when there are none.
	Query string
}

// Routed is the routed path without wrappers or query: "g/my-llms/v1/...".
func (g *GatewayPath) Routed() string {
	r := g.Name
	if g.Prefix != "" {
		r = g.Prefix + "/" + r
	}
	if g.SubPath != "" {
		r += "/" + g.SubPath
	}
	return r
}

// maxNesting bounds how deep a failover or tee secondary may itself wrap
// another secondary.
const maxNesting = 8

// ParseGatewayPath takes a gateway-relative path apart (a leading "/" is
// allowed: the gateway reads it the same), or explains what the gateway
// would refuse in it and what it takes instead.
func ParseGatewayPath(p string) (*GatewayPath, error) { return parseGatewayPath(p, 0) }

func parseGatewayPath(raw string, depth int) (*GatewayPath, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("failover and tee secondaries are nested more than %d deep", maxNesting)
	}
	if raw == "" {
		return nil, fmt.Errorf("the path is empty: give a gateway-relative path such as g/my-llms, a/my-alias or c/my-chain")
	}
	if strings.Contains(raw, "://") {
		return nil, fmt.Errorf("%q is a URL: give the gateway-relative path instead (the part after the gateway's base URL, such as g/my-llms); the gateway refuses external URLs", raw)
	}
	for i, r := range raw {
		switch {
		case unicode.IsSpace(r):
			return nil, fmt.Errorf("%q has white space at byte %d: gateway paths have none (percent-encoding it would not match a name either)", raw, i)
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return nil, fmt.Errorf("%q has a control or invalid character at byte %d", raw, i)
		case r == '#':
			return nil, fmt.Errorf("%q has a '#': a fragment never reaches the gateway, so everything after it would be lost", raw)
		}
	}
	pathPart, query, _ := strings.Cut(strings.TrimPrefix(raw, "/"), "?")
	segs := strings.Split(pathPart, "/")
	g := &GatewayPath{}
	i := 0
	for ; i < len(segs) && slices.Contains(WrapperPrefixes, segs[i]); i++ {
		if slices.Contains(g.Wrappers, segs[i]) {
			return nil, fmt.Errorf("%q has the wrapper %s/ twice: each of l/, m/, f/ and t/ applies once", raw, segs[i])
		}
		g.Wrappers = append(g.Wrappers, segs[i])
	}
	allowed := "g/<group>, p/<service-id>, e/<enrollment-code>, a/<alias>, c/<chain> or b/<broadcast>, optionally wrapped in l/, m/, f/ or t/ " +
		"(one-letter prefixes are the gateway's own; a longer first segment, such as openai, is a service path)"
	switch {
	case i >= len(segs) || segs[i] == "":
		return nil, fmt.Errorf("%q names no route: after the wrappers comes %s", raw, allowed)
	case slices.Contains(ReservedPrefixes, segs[i]):
		return nil, fmt.Errorf("%q starts with %s/, a gateway primitive that is reserved but not served (delayed and recurrent calls); use %s", raw, segs[i], allowed)
	case apiVersion.MatchString(segs[i]):
		return nil, fmt.Errorf("%q starts with %s/, the customer API's version segment: the gateway serves no /%s; use %s", raw, segs[i], segs[i], allowed)
	case utf8.RuneCountInString(segs[i]) > 1:
		// A service path (the spec's example: "openai"): the gateway's
		// namespace beyond its one-letter primitives.
		g.Name = segs[i]
	case !slices.Contains(RoutePrefixes, segs[i]):
		return nil, fmt.Errorf("%q does not start with a gateway route: use %s", raw, allowed)
	case i+1 >= len(segs) || segs[i+1] == "":
		return nil, fmt.Errorf("%q has no name after %s/: write %s/<name>", raw, segs[i], segs[i])
	default:
		g.Prefix = segs[i]
		g.Name = segs[i+1]
		i++
	}
	if strings.Contains(g.Name, "%") {
		return nil, fmt.Errorf("%q has a percent-escape in the name %q: names of gateway objects need none, and the gateway matches a name as written", raw, g.Name)
	}
	g.SubPath = strings.Join(segs[i+1:], "/")
	for _, s := range segs[i:] {
		if s == "." || s == ".." {
			return nil, fmt.Errorf("%q has a %q segment: the gateway refuses dot segments", raw, s)
		}
		dec, err := url.PathUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("%q has a malformed percent-escape in %q", raw, s)
		}
		if strings.ContainsAny(dec, "/?#") || dec == "." || dec == ".." {
			return nil, fmt.Errorf("%q encodes '/', '?', '#' or a dot segment in %q: the gateway refuses it, since it would change which upstream URL is called", raw, s)
		}
	}
	if err := g.readQuery(raw, query, depth); err != nil {
		return nil, err
	}
	return g, nil
}

// readQuery reads the wrappers' parameters from the query and checks
// that each wrapper has what it needs.
func (g *GatewayPath) readQuery(raw, query string, depth int) error {
	var rest []string
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%q has a malformed percent-escape in its query %q", raw, kv)
		}
		if !strings.HasPrefix(key, "_") {
			rest = append(rest, kv)
			continue
		}
		w, ok := wrapperParams[key]
		if !ok {
			return fmt.Errorf("%q has the parameter %s, which no wrapper takes: the gateway's parameters are _complete (l/), _ttl and _renew (m/), _else (f/) and _to (t/)", raw, key)
		}
		if !slices.Contains(g.Wrappers, w) {
			return fmt.Errorf("%q has %s, the %s/ wrapper's parameter, without the %s/ wrapper: put %s/ in front of the path", raw, key, w, w, w)
		}
		switch key {
		case "_complete":
			g.LogComplete = true
		case "_renew":
			g.CacheRenew = true
		case "_ttl":
			if p := CacheTTLProblem(val); p != "" {
				return fmt.Errorf("%q: %s", raw, p)
			}
			g.CacheTTL = val
		case "_else", "_to":
			if _, err := parseGatewayPath(val, depth+1); err != nil {
				return fmt.Errorf("%q: the %s/ secondary (%s) is not a gateway path: %w", raw, w, key, err)
			}
			if key == "_else" {
				g.FailoverTo = val
			} else {
				g.TeeTo = val
			}
		}
	}
	g.Query = strings.Join(rest, "&")
	g.Log = slices.Contains(g.Wrappers, "l")
	g.Cache = slices.Contains(g.Wrappers, "m")
	if slices.Contains(g.Wrappers, "f") && g.FailoverTo == "" {
		return fmt.Errorf("%q has the failover wrapper f/ without its secondary: add ?_else=<gateway path>", raw)
	}
	if slices.Contains(g.Wrappers, "t") && g.TeeTo == "" {
		return fmt.Errorf("%q has the tee wrapper t/ without its secondary: add ?_to=<gateway path>", raw)
	}
	return nil
}

// GatewayPathProblem explains why p is not a gateway path the gateway
// routes, or returns "". Recurrent requests' request_path and every
// target_path check with it.
func GatewayPathProblem(p string) string {
	if _, err := ParseGatewayPath(p); err != nil {
		return err.Error()
	}
	return ""
}

// GatewayPathValidator refuses at plan time a path the gateway would not
// route (see ParseGatewayPath); wrapped paths are accepted.
func GatewayPathValidator() validator.String { return gatewayPathValidator{} }

type gatewayPathValidator struct{}

func (gatewayPathValidator) Description(context.Context) string {
	return "must be a gateway-relative path: g/, p/, e/, a/, c/ or b/ and a name, or a service path, optionally followed by a sub-path and wrapped in l/, m/, f/ or t/"
}

func (v gatewayPathValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (gatewayPathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if p := GatewayPathProblem(req.ConfigValue.ValueString()); p != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid gateway path", p)
	}
}

// RoutingNameValidator refuses a chain or broadcast name the gateway
// could not route at /<prefix>/<name>.
func RoutingNameValidator(prefix string) validator.String {
	return routingNameValidator{prefix: prefix}
}

type routingNameValidator struct{ prefix string }

func (v routingNameValidator) Description(context.Context) string {
	return "must use only " + RoutingNameRule
}

func (v routingNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v routingNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return // the length validator reports an empty name
	}
	if n := req.ConfigValue.ValueString(); !RoutingNameRegexp.MatchString(n) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid name",
			fmt.Sprintf("%q cannot be routed at /%s/<name>. A name uses only %s.", n, v.prefix, RoutingNameRule))
	}
}
