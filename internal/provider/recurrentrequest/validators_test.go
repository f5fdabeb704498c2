package recurrentrequest

import (
	"strings"
	"testing"
)

func TestCronAndTimezoneProblems(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"0 */6 * * *", ""},
		{"*/5 9-17 * * MON-FRI", ""},
		{"* * *", "expected exactly 5 fields"},
		{"0 0 */6 * * *", "expected exactly 5 fields"},
		{"61 * * * *", "standard 5-field"},
		{"@daily", "descriptor"},
		{"CRON_TZ=UTC 0 * * * *", "time zone prefix"},
		{"0 0 31 2 *", "never matches a date"},
		{"0 0 31 4,6,9,11 *", "never matches a date"},
		{"0 0 29 2 *", ""}, // leap years
	} {
		got := cronProblem(tc.expr)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("cronProblem(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
	for _, tc := range []struct{ tz, want string }{
		{"UTC", ""}, {"Europe/Berlin", ""}, {"Mars/Olympus_Mons", "not a known IANA"}, {"", "not an IANA"}, {"Local", "not an IANA"},
	} {
		got := timezoneProblem(tc.tz)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("timezoneProblem(%q) = %q, want %q", tc.tz, got, tc.want)
		}
	}
}

func TestRequestPathProblem(t *testing.T) {
	for _, tc := range []struct {
		path     string
		relative bool
		want     string
	}{
		{"/g/llm/v1/chat/completions", false, ""},
		{"g/llm", false, ""},
		{"/p/3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a9b", false, ""},
		{"/l/m/g/llm/v1/chat/completions", false, ""},
		{"/f/g/a/v1/chat?_else=g/b", false, ""},
		{"/t/c/pipe", false, ""},
		{"https://api.unitysvc.com/g/llm/v1/chat/completions", false, ""},
		{"/v1/embeddings", true, ""},
		{"/x/nowhere", false, "not a gateway route"},
		{"/x/nowhere", true, ""},
		{"/g/", false, "not a gateway route"},
		{"/l/", false, "not a gateway route"},
		{"/d/g/llm", false, "not a gateway route"},
		{"https://gw.example/x/y", false, "not a gateway route"},
		{"/g/llm ", true, "white space"},
		{" /g/llm", false, "white space"},
		{"", false, "empty"},
		{"/g/sp ace", false, "space or a control character"},
		{"ftp://x/g/llm", false, "not http(s)"},
	} {
		got := requestPathProblem(tc.path, tc.relative)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("requestPathProblem(%q, %v) = %q, want %q", tc.path, tc.relative, got, tc.want)
		}
	}
}

func TestHeaderProblem(t *testing.T) {
	for name, want := range map[string]string{
		"OpenAI-Beta":            "",
		"X-Unitysvc-Log-Request": "",
		"X-Upstream-Token":       "", // allowed, but only in sensitive_headers
		"authorization":          "never forwards your key",
		"X-API-KEY":              "never forwards your key",
		"host":                   "from the upstream's URL",
		"Keep-Alive":             "hop-by-hop",
		"x-forwarded-host":       "forwarding",
		"X Trace":                "not a valid HTTP header name",
		"":                       "not a valid HTTP header name",
	} {
		got := headerProblem(name)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("headerProblem(%q) = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]bool{"X-Upstream-Token": true, "api-key": true, "X-Auth-Signature": true, "OpenAI-Beta": false, "X-Trace": false} {
		if got := credentialHeader(name); got != want {
			t.Errorf("credentialHeader(%q) = %v, want %v", name, got, want)
		}
	}
}
