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
