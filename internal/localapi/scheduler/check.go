package scheduler

import (
	"encoding/json"
	"fmt"
	"math"
)

// Interval limits, in seconds.
const (
	IntervalMin = 60     // one minute
	IntervalMax = 604800 // seven days
)

// Problem is one thing wrong with a requested schedule: the schedule
// field it is about, what is wrong and allowed, and its kind (the type
// of a FastAPI validation entry).
type Problem struct {
	Field string
	Msg   string
	Type  string
}

// Check checks a schedule object as sent (interval: interval_seconds
// between IntervalMin and IntervalMax; cron: a standard 5-field
// cron_expression and an IANA timezone, UTC by default) and returns it
// normalised, or nil and what is wrong.
func Check(raw map[string]json.RawMessage) (*Schedule, []Problem) {
	var problems []Problem
	add := func(field, msg, typ string) { problems = append(problems, Problem{Field: field, Msg: msg, Type: typ}) }
	has := func(k string) bool { v, ok := raw[k]; return ok && string(v) != "null" }
	var s Schedule
	if !has("schedule_type") || json.Unmarshal(raw["schedule_type"], &s.ScheduleType) != nil {
		add("schedule_type", "schedule_type is required: \"interval\" (with interval_seconds) or \"cron\" (with cron_expression and optional timezone)", "missing")
		return nil, problems
	}
	switch s.ScheduleType {
	case Interval:
		if has("cron_expression") || has("timezone") {
			add("cron_expression", "an interval schedule takes interval_seconds only; cron_expression and timezone belong to schedule_type \"cron\"", "extra_forbidden")
		}
		if !has("interval_seconds") {
			add("interval_seconds", "interval_seconds is required for an interval schedule", "missing")
			break
		}
		var f float64
		if json.Unmarshal(raw["interval_seconds"], &f) != nil || f != math.Trunc(f) {
			add("interval_seconds", "interval_seconds must be a whole number of seconds", "int_type")
			break
		}
		s.IntervalSeconds = int64(f)
		if s.IntervalSeconds < IntervalMin || s.IntervalSeconds > IntervalMax {
			add("interval_seconds", fmt.Sprintf("interval_seconds must be between %d and %d seconds (1 minute to 7 days), got %d", IntervalMin, IntervalMax, s.IntervalSeconds), "value_error")
		}
	case Cron:
		if has("interval_seconds") {
			add("interval_seconds", "a cron schedule takes cron_expression and timezone; interval_seconds belongs to schedule_type \"interval\"", "extra_forbidden")
		}
		if !has("cron_expression") || json.Unmarshal(raw["cron_expression"], &s.CronExpression) != nil {
			add("cron_expression", "cron_expression is required for a cron schedule, as a string such as \"0 */6 * * *\"", "missing")
		} else if msg := CronError(s.CronExpression); msg != "" {
			add("cron_expression", msg, "value_error")
		}
		s.Timezone = "UTC"
		if has("timezone") {
			if json.Unmarshal(raw["timezone"], &s.Timezone) != nil {
				add("timezone", "timezone must be a string such as \"UTC\" or \"Europe/Berlin\"", "string_type")
			} else if msg := TimezoneError(s.Timezone); msg != "" {
				add("timezone", msg, "value_error")
			}
		}
	default:
		add("schedule_type", fmt.Sprintf("schedule_type must be \"interval\" or \"cron\", got %q", s.ScheduleType), "enum")
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return &s, nil
}
