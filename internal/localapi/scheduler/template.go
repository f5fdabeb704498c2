package scheduler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
)

// What a recurrent request sends: the rules its path, headers and body
// follow, so that what is stored is what runs.

// PathProblem explains why path can never run, or returns "". relative
// is true when the request names a service or an enrollment: a path that
// is no gateway route is then taken relative to it. Otherwise the path
// must be a gateway route: wrapper prefixes, then one of the routing
// primitives and a name.
func PathProblem(path string, relative bool) string {
	switch {
	case strings.TrimSpace(path) == "":
		return "request_path must not be empty: give the gateway path to call, for example /g/llm/v1/chat/completions"
	case strings.TrimSpace(path) != path:
		return fmt.Sprintf("request_path %q begins or ends with white space, which the gateway would not route; remove it", path)
	case strings.Contains(path, "://"):
		return fmt.Sprintf("request_path %q is a URL; give the gateway-relative path instead, for example /g/llm/v1/chat/completions", path)
	case strings.ContainsFunc(path, func(c rune) bool { return c < 0x20 || c == 0x7f || c == ' ' }):
		return fmt.Sprintf("request_path %q contains a space or a control character; percent-encode it or remove it", path)
	}
	if relative {
		return ""
	}
	if _, ok := routing.ParsePath(path); !ok {
		return fmt.Sprintf("request_path %q is not a gateway route: it must start with /g/<group>, /p/<service-id>, /e/<enrollment-code>, /a/<alias>, /c/<chain> or /b/<broadcast> (optionally behind the wrappers /l/, /m/, /f/, /t/), followed by the upstream's path, for example /g/llm/v1/chat/completions; or set service_id or enrollment_id and give the path relative to it", path)
	}
	return ""
}

// refusedHeaders are the headers a recurrent request may not set, and
// why: the gateway drops or replaces each of them, so the value would
// never reach the upstream.
var refusedHeaders = map[string]string{
	"Authorization":       "the gateway authenticates each run as the user it runs as and never forwards that key; the upstream's credentials come from the service (its secrets and your customer_secrets)",
	"X-Api-Key":           "the gateway authenticates each run as the user it runs as and never forwards that key; the upstream's credentials come from the service (its secrets and your customer_secrets)",
	"Cookie":              "the gateway never forwards cookies",
	"Host":                "the gateway sets Host from the upstream's URL",
	"Content-Length":      "the gateway sets Content-Length from the body it sends",
	"Accept-Encoding":     "the gateway's transport negotiates the encoding itself and passes the answer on as the upstream encoded it",
	"Connection":          "it is a hop-by-hop header, which is never passed between connections",
	"Keep-Alive":          "it is a hop-by-hop header, which is never passed between connections",
	"Proxy-Authenticate":  "it is a hop-by-hop header, which is never passed between connections",
	"Proxy-Authorization": "it is a hop-by-hop header, which is never passed between connections",
	"Proxy-Connection":    "it is a hop-by-hop header, which is never passed between connections",
	"Te":                  "it is a hop-by-hop header, which is never passed between connections",
	"Trailer":             "it is a hop-by-hop header, which is never passed between connections",
	"Transfer-Encoding":   "it is a hop-by-hop header, which is never passed between connections",
	"Upgrade":             "it is a hop-by-hop header, which is never passed between connections",
	"Forwarded":           "the gateway does not pass forwarding headers through from the caller",
	"X-Real-Ip":           "the gateway does not pass forwarding headers through from the caller",
}

// HeaderProblem explains why a recurrent request may not set the header
// name, or returns "": the gateway would drop or replace it.
func HeaderProblem(name string) string {
	canon := http.CanonicalHeaderKey(name)
	why, refused := refusedHeaders[canon]
	if !refused && strings.HasPrefix(canon, "X-Forwarded-") {
		why, refused = "the gateway does not pass forwarding headers through from the caller", true
	}
	if !refused {
		return ""
	}
	return fmt.Sprintf("header %q cannot be set on a recurrent request: %s", name, why)
}

// credentialParts are the case-insensitive parts of a header name that
// make it a credential: its value is masked in every API answer.
var credentialParts = []string{"key", "token", "secret", "password", "passphrase", "credential", "auth", "signature", "session"}

// CredentialHeader reports whether a header's name says it carries a
// credential, so its value is never echoed.
func CredentialHeader(name string) bool {
	n := strings.ToLower(name)
	return slices.ContainsFunc(credentialParts, func(p string) bool { return strings.Contains(n, p) })
}

// CompactBody is a body template as stored: the JSON object as written,
// white space removed, every number, string escape and key order kept
// (no float round trip), or an error when it is not a JSON object.
func CompactBody(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return "", fmt.Errorf("body_template must be a JSON object")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "", err
	}
	return b.String(), nil
}
