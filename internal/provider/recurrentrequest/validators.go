package recurrentrequest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/robfig/cron/v3"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// cronParser accepts the standard five cron fields (minute hour
// day-of-month month day-of-week), as the API does: no seconds field, no
// @descriptors, no time zone prefix (the zone is its own attribute).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// cronProblem explains why expr is not a standard 5-field cron expression,
// or returns "".
func cronProblem(expr string) string {
	t := strings.TrimSpace(expr)
	switch {
	case strings.HasPrefix(t, "TZ=") || strings.HasPrefix(t, "CRON_TZ="):
		return fmt.Sprintf("%q carries a time zone prefix; remove it and set the timezone attribute instead.", expr)
	case strings.HasPrefix(t, "@"):
		return fmt.Sprintf("%q is a descriptor; write the five fields instead (minute hour day-of-month month day-of-week), for example \"0 0 * * *\" for @daily.", expr)
	}
	sched, err := cronParser.Parse(t)
	if err != nil {
		return fmt.Sprintf("%q is not a standard 5-field cron expression (minute hour day-of-month month day-of-week, for example \"0 */6 * * *\" for every six hours): %v.", expr, err)
	}
	if sched.Next(time.Now().UTC()).IsZero() {
		return fmt.Sprintf("%q never matches a date (for example day 31 of a month that has 30 days or fewer, or 30 February), so the request would never run; choose days that exist in the months given.", expr)
	}
	return ""
}

// timezoneProblem explains why tz is not an IANA time zone name, or
// returns "".
func timezoneProblem(tz string) string {
	if tz == "" || tz == "Local" {
		return fmt.Sprintf("%q is not an IANA time zone name; use a name such as \"UTC\", \"America/New_York\" or \"Europe/Berlin\".", tz)
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Sprintf("%q is not a known IANA time zone name; use a name from the tz database such as \"UTC\", \"America/New_York\" or \"Europe/Berlin\" (names are case-sensitive).", tz)
	}
	return ""
}

type cronValidator struct{}

func (cronValidator) Description(context.Context) string {
	return "must be a standard 5-field cron expression"
}

func (v cronValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (cronValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if p := cronProblem(req.ConfigValue.ValueString()); p != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid cron expression", p)
	}
}

type timezoneValidator struct{}

func (timezoneValidator) Description(context.Context) string {
	return "must be an IANA time zone name"
}

func (v timezoneValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (timezoneValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if p := timezoneProblem(req.ConfigValue.ValueString()); p != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Unknown time zone", p)
	}
}

type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string {
	return "must be a JSON object"
}

func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := []byte(req.ConfigValue.ValueString())
	if err := json.Unmarshal(raw, new(any)); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Body is not valid JSON",
			fmt.Sprintf("The request body template is not valid JSON (%v). Write it with jsonencode({ ... }) or as a JSON object in a heredoc.", err))
		return
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Body is not a JSON object",
			"The request body template must be a JSON object, for example jsonencode({ messages = [{ role = \"user\", content = \"ping\" }] }).")
	}
}

// Gateway prefixes a request_path may start with: wrappers (which
// compose in front of a routed path) and routing primitives.
var (
	pathWrappers   = []string{"l", "m", "f", "t"}
	pathPrimitives = []string{"g", "p", "e", "a", "c", "b"}
)

// requestPathProblem explains why a request_path as written could never
// run, or returns "". A full URL is judged by its path. relative is true
// when service_id or enrollment_id is set: a path that is no gateway
// route is then taken relative to that service or enrollment.
func requestPathProblem(raw string, relative bool) string {
	p := raw
	switch {
	case strings.TrimSpace(p) == "":
		return "request_path is empty; give the gateway path to call, for example \"/g/llm/v1/chat/completions\"."
	case strings.TrimSpace(p) != p:
		return fmt.Sprintf("request_path %q begins or ends with white space, which the gateway would not route; remove it.", raw)
	case strings.ContainsFunc(p, func(c rune) bool { return c < 0x20 || c == 0x7f || c == ' ' }):
		return fmt.Sprintf("request_path %q contains a space or a control character; percent-encode it or remove it.", raw)
	case tfutil.IsURL(p):
		rel, err := tfutil.GatewayRelative(p, "")
		if err != nil {
			return fmt.Sprintf("request_path %s.", err)
		}
		p = "/" + rel
	case strings.Contains(p, "://"):
		return fmt.Sprintf("request_path %q is a URL that is not http(s); give the gateway-relative path, for example \"/g/llm/v1/chat/completions\".", raw)
	}
	if relative {
		return ""
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for len(segs) > 1 && slices.Contains(pathWrappers, segs[0]) {
		segs = segs[1:]
	}
	if len(segs) < 2 || segs[1] == "" || !slices.Contains(pathPrimitives, segs[0]) {
		return fmt.Sprintf("request_path %q is not a gateway route, so the request could never run. It must start with /g/<group>, /p/<service id>, /e/<enrollment code>, /a/<alias>, /c/<chain> or /b/<broadcast> (optionally behind the wrappers /l/, /m/, /f/, /t/), followed by the upstream's path, for example \"/g/llm/v1/chat/completions\"; or set service_id or enrollment_id and give the path relative to it.", raw)
	}
	return ""
}

type requestPathValidator struct{}

func (requestPathValidator) Description(context.Context) string {
	return "must be a gateway path such as /g/llm/v1/chat/completions, without surrounding white space"
}

func (v requestPathValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString checks what does not depend on service_id and
// enrollment_id; ValidateConfig checks that a path is a gateway route
// when neither is set.
func (requestPathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if p := requestPathProblem(req.ConfigValue.ValueString(), true); p != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid request_path", p)
	}
}

// refusedHeaders are the headers a recurrent request may not set, and
// why: the gateway drops or replaces each of them, so the value would
// never reach the upstream. (The same rule as unitysvc-local's.)
var refusedHeaders = map[string]string{
	"Authorization":       "the gateway authenticates each run as you and never forwards your key; the upstream's credentials come from the service (its secrets and your customer secrets, for example a unitysvc_secret)",
	"X-Api-Key":           "the gateway authenticates each run as you and never forwards your key; the upstream's credentials come from the service (its secrets and your customer secrets, for example a unitysvc_secret)",
	"Cookie":              "the gateway never forwards cookies",
	"Host":                "the gateway sets Host from the upstream's URL",
	"Content-Length":      "the gateway sets Content-Length from the body it sends",
	"Accept-Encoding":     "the gateway negotiates the encoding itself and passes the answer on as the upstream encoded it",
	"Connection":          "it is a hop-by-hop header, never passed between connections",
	"Keep-Alive":          "it is a hop-by-hop header, never passed between connections",
	"Proxy-Authenticate":  "it is a hop-by-hop header, never passed between connections",
	"Proxy-Authorization": "it is a hop-by-hop header, never passed between connections",
	"Proxy-Connection":    "it is a hop-by-hop header, never passed between connections",
	"Te":                  "it is a hop-by-hop header, never passed between connections",
	"Trailer":             "it is a hop-by-hop header, never passed between connections",
	"Transfer-Encoding":   "it is a hop-by-hop header, never passed between connections",
	"Upgrade":             "it is a hop-by-hop header, never passed between connections",
	"Forwarded":           "the gateway does not pass forwarding headers through",
	"X-Real-Ip":           "the gateway does not pass forwarding headers through",
}

// headerProblem explains why a recurrent request may not send the
// header name, or returns "".
func headerProblem(name string) string {
	if !validHeaderName(name) {
		return fmt.Sprintf("%q is not a valid HTTP header name (letters, digits and !#$%%&'*+-.^_`|~ only).", name)
	}
	canon := http.CanonicalHeaderKey(name)
	why, refused := refusedHeaders[canon]
	if !refused && strings.HasPrefix(canon, "X-Forwarded-") {
		why, refused = "the gateway does not pass forwarding headers through", true
	}
	if refused {
		return fmt.Sprintf("Header %q cannot be set on a recurrent request: %s. The gateway would drop or replace it, so it would never reach the upstream.", name, why)
	}
	return ""
}

func validHeaderName(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(c rune) bool {
		return c >= 0x7f || c <= 0x20 || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c)
	})
}

// credentialParts are the case-insensitive parts of a header name that
// make the API treat it as a credential and mask its value in answers.
var credentialParts = []string{"key", "token", "secret", "password", "passphrase", "credential", "auth", "signature", "session"}

func credentialHeader(name string) bool {
	n := strings.ToLower(name)
	return slices.ContainsFunc(credentialParts, func(p string) bool { return strings.Contains(n, p) })
}

// headersValidator checks a headers map's names: headerProblem; for the
// plain map (plain = true) also a name that says it carries a
// credential, whose value belongs in sensitive_headers.
type headersValidator struct{ plain bool }

func (headersValidator) Description(context.Context) string {
	return "header names must be valid, and not ones the gateway drops or replaces"
}

func (v headersValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v headersValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(req.ConfigValue.Elements())) {
		p := req.Path.AtMapKey(name)
		if msg := headerProblem(name); msg != "" {
			resp.Diagnostics.AddAttributeError(p, "Header not allowed", msg)
			continue
		}
		if v.plain && credentialHeader(name) {
			resp.Diagnostics.AddAttributeError(p, "Credential in a plain attribute",
				fmt.Sprintf("Header %q carries a credential (its name contains one of %s), so its value must not sit in plain state, and the API masks it in its answers. Set it in sensitive_headers, or in the write-only sensitive_headers_wo (Terraform 1.11+ / OpenTofu 1.11+).", name, strings.Join(credentialParts, ", ")))
		}
	}
}
