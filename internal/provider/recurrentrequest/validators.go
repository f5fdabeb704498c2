package recurrentrequest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/robfig/cron/v3"
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
	if _, err := cronParser.Parse(t); err != nil {
		return fmt.Sprintf("%q is not a standard 5-field cron expression (minute hour day-of-month month day-of-week, for example \"0 */6 * * *\" for every six hours): %v.", expr, err)
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
	if !json.Valid(raw) {
		return // the JSON type reports malformed JSON itself
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Body is not a JSON object",
			"The request body template must be a JSON object, for example jsonencode({ messages = [{ role = \"user\", content = \"ping\" }] }).")
	}
}
