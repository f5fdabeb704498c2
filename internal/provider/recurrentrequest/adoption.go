package recurrentrequest

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// timezoneNeedsCron refuses a time zone other than the default for an
// interval schedule, where it would mean nothing. The default itself is
// accepted without cron_expression: it is what the state holds for every
// interval schedule, so configuration generated from an imported one
// (`tofu plan -generate-config-out`) writes it, and must stay valid.
type timezoneNeedsCron struct{}

func (timezoneNeedsCron) Description(context.Context) string {
	return "a time zone other than " + defaultTimezone + " needs cron_expression"
}

func (v timezoneNeedsCron) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (timezoneNeedsCron) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == defaultTimezone {
		return
	}
	var cron types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("cron_expression"), &cron)...)
	if cron.IsNull() {
		resp.Diagnostics.AddAttributeError(req.Path, "timezone without cron_expression",
			fmt.Sprintf("timezone is %q, but only a cron_expression is evaluated in a time zone: an interval_seconds schedule counts from activation. Set cron_expression, or remove timezone (it defaults to %s).", req.ConfigValue.ValueString(), defaultTimezone))
	}
}
