// Package scheduler runs recurrent requests: it holds the scheduling
// rules (interval and standard 5-field cron schedules in IANA time
// zones, what a requested schedule may be, when a request runs next),
// the status machine of a recurrent request (draft, active, paused,
// cancelled) and the loop that fires due requests through the gateway
// with their owner's identity.
package scheduler

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// TimeLayout is how schedule times are written (as the store writes
// times).
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Schedule types.
const (
	Interval = "interval"
	Cron     = "cron"
)

// Schedule is a validated, normalised schedule as stored.
type Schedule struct {
	ScheduleType    string `json:"schedule_type"`
	IntervalSeconds int64  `json:"interval_seconds,omitempty"`
	CronExpression  string `json:"cron_expression,omitempty"`
	Timezone        string `json:"timezone,omitempty"`
}

// cronParser accepts exactly the standard five cron fields (minute hour
// day-of-month month day-of-week); no seconds field, no @descriptors.
// The time zone is the schedule's separate timezone.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// CronError explains why expr is not a standard 5-field cron
// expression, or returns "".
func CronError(expr string) string {
	t := strings.TrimSpace(expr)
	if strings.HasPrefix(t, "TZ=") || strings.HasPrefix(t, "CRON_TZ=") {
		return fmt.Sprintf("cron_expression %q must not carry a time zone prefix; put the zone in timezone instead", expr)
	}
	if strings.HasPrefix(t, "@") {
		return fmt.Sprintf("cron_expression %q: descriptors such as @daily are not supported; write the five fields (minute hour day-of-month month day-of-week), for example \"0 0 * * *\"", expr)
	}
	sched, err := cronParser.Parse(t)
	if err != nil {
		return fmt.Sprintf("cron_expression %q is not a standard 5-field cron expression (minute hour day-of-month month day-of-week, for example \"0 */6 * * *\"): %v", expr, err)
	}
	if sched.Next(time.Now().UTC()).IsZero() {
		return fmt.Sprintf("cron_expression %q never matches a date (for example day 31 of a month that has 30 days or fewer, or 30 February), so the request would never run", expr)
	}
	return ""
}

// TimezoneError explains why tz is not an IANA time zone name, or
// returns "".
func TimezoneError(tz string) string {
	if tz == "" || tz == "Local" {
		return fmt.Sprintf("timezone %q is not an IANA time zone name such as \"UTC\" or \"Europe/Berlin\"", tz)
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Sprintf("timezone %q is not a known IANA time zone name (for example \"UTC\", \"America/New_York\" or \"Europe/Berlin\")", tz)
	}
	return ""
}

// Parse decodes a stored schedule.
func Parse(raw string) (Schedule, error) {
	var s Schedule
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, fmt.Errorf("decoding schedule: %w", err)
	}
	switch s.ScheduleType {
	case Interval:
		if s.IntervalSeconds <= 0 {
			return s, fmt.Errorf("interval schedule without a positive interval_seconds")
		}
	case Cron:
		if msg := CronError(s.CronExpression); msg != "" {
			return s, fmt.Errorf("%s", msg)
		}
		if msg := TimezoneError(s.Timezone); msg != "" {
			return s, fmt.Errorf("%s", msg)
		}
	default:
		return s, fmt.Errorf("unknown schedule_type %q", s.ScheduleType)
	}
	return s, nil
}

// Next is the first run strictly after now: for an interval, the next
// whole interval counted from anchor (when the schedule was set or the
// request resumed); for cron, the expression's next match in its time
// zone. The zero time means never.
func (s Schedule) Next(now, anchor time.Time) time.Time {
	switch s.ScheduleType {
	case Interval:
		iv := time.Duration(s.IntervalSeconds) * time.Second
		if iv <= 0 {
			return time.Time{}
		}
		k := int64(0)
		if now.After(anchor) {
			k = int64(now.Sub(anchor) / iv)
		}
		next := anchor.Add(time.Duration(k+1) * iv)
		for !next.After(now) {
			next = next.Add(iv)
		}
		return next.UTC()
	case Cron:
		sched, err := cronParser.Parse(s.CronExpression)
		loc, lerr := time.LoadLocation(s.Timezone)
		if err != nil || lerr != nil {
			return time.Time{}
		}
		return sched.Next(now.In(loc)).UTC()
	}
	return time.Time{}
}

// Format writes a schedule time.
func Format(t time.Time) string { return t.UTC().Format(TimeLayout) }
