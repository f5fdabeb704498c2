package tfutil

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// UUIDRegexp matches a UUID in its canonical text form.
var UUIDRegexp = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// SlugRegexp is the API's rule for collection and alias names (the
// /g/<name> and /a/<name> path segments).
var SlugRegexp = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// BacktickList renders allowed values for documentation and messages:
// `a`, `b` or `c`.
func BacktickList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "`" + v + "`"
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// NotEmpty rejects a string set to "" (a reference to an empty value,
// say), which a lookup would otherwise send as a listing or a wrong path.
// want says what the attribute should hold instead.
func NotEmpty(want string) validator.String { return notEmpty{want: want} }

type notEmpty struct{ want string }

func (v notEmpty) Description(context.Context) string { return "must not be empty" }

func (v notEmpty) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v notEmpty) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	CheckNotEmpty(&resp.Diagnostics, req.Path, req.ConfigValue, v.want)
}

// CheckNotEmpty adds the error NotEmpty gives when s is known and "",
// and reports whether it did. Data sources call it in Read too, for
// values that were unknown when the configuration was validated.
func CheckNotEmpty(diags *diag.Diagnostics, p path.Path, s types.String, want string) bool {
	if s.IsNull() || s.IsUnknown() || s.ValueString() != "" {
		return false
	}
	diags.AddAttributeError(p, "Empty "+p.String(), fmt.Sprintf("%s is empty: it is set to \"\", so there is nothing to look up. %s", p, want))
	return true
}
