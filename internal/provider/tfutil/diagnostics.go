package tfutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// AddAPIError adds an error diagnostic for a failed API call. summary
// says what failed ("Unable to create collection"); the detail carries the
// server's own message, the HTTP status and what to do next.
func AddAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, APIErrorDetail(err))
}

// SchemaPaths is what AddAPIErrorAt needs of a schema to check that an
// attribute exists: req.Plan.Schema in a resource's Create and Update, or
// a resource's schema.Schema.
type SchemaPaths interface {
	TypeAtPath(ctx context.Context, p path.Path) (attr.Type, diag.Diagnostics)
}

// APIFields maps the fields of one API request body to a resource's
// attributes, so that a 422 entry's location (["body", "steps", 2,
// "timeout_ms"]) names the attribute it is about (steps[2].timeout_ms).
// The zero value maps an object body whose field names are the
// attribute names.
type APIFields struct {
	// List is the list attribute that a body which is a JSON array fills
	// (the PUT of a chain's steps: ["body", 2, "name"] is steps[2].name);
	// empty for an object body.
	List string
	// Names maps API field names to attribute names where they differ,
	// at any depth; "" marks an object the schema flattens (a recurrent
	// request's schedule, whose fields are top-level attributes).
	Names map[string]string
}

// AttributePath returns the attribute a validation entry's location
// names: "body" first, then field names (mapped through Names) and list
// indices. A location that goes deeper than the schema (a field the
// provider derives, such as a step's sort_order) names the deepest
// attribute that exists (the step). It reports false for locations
// outside the body (query, path) and for a body field the schema does
// not have.
func (f APIFields) AttributePath(ctx context.Context, s SchemaPaths, loc []any) (path.Path, bool) {
	if len(loc) == 0 || loc[0] != "body" {
		return path.Empty(), false
	}
	p := path.Empty()
	if f.List != "" {
		p = path.Root(f.List)
		if !exists(ctx, s, p) {
			return path.Empty(), false
		}
	}
	for _, step := range loc[1:] {
		var next path.Path
		switch v := step.(type) {
		case string:
			name, renamed := f.Names[v]
			switch {
			case renamed && name == "":
				continue // a level the schema flattens
			case !renamed:
				name = v
			}
			switch {
			case len(p.Steps()) == 0:
				next = path.Root(name)
			case isMap(ctx, s, p):
				next = p.AtMapKey(v)
			default:
				next = p.AtName(name)
			}
		case int:
			if len(p.Steps()) == 0 {
				return path.Empty(), false
			}
			next = p.AtListIndex(v)
		default:
			return path.Empty(), false
		}
		if !exists(ctx, s, next) {
			break
		}
		p = next
	}
	return p, len(p.Steps()) > 0
}

// isMap reports whether the attribute at p is a map, whose elements a
// location names by key.
func isMap(ctx context.Context, s SchemaPaths, p path.Path) bool {
	t, diags := s.TypeAtPath(ctx, p)
	_, ok := t.(types.MapType)
	return !diags.HasError() && ok
}

func exists(ctx context.Context, s SchemaPaths, p path.Path) bool {
	_, diags := s.TypeAtPath(ctx, p)
	return !diags.HasError()
}

// ErrorPath is the attribute named by the first 422 entry of err (an
// API error, possibly wrapped) that names one; false when none does.
// It is for a diagnostic that must stay whole (a multi-step create's
// message) yet point at the attribute the API refused.
func (f APIFields) ErrorPath(ctx context.Context, s SchemaPaths, err error) (path.Path, bool) {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.NoSuchRoute {
		return path.Empty(), false
	}
	for _, v := range apiErr.Validation {
		if p, ok := f.AttributePath(ctx, s, v.Loc); ok {
			return p, true
		}
	}
	return path.Empty(), false
}

// AddAPIErrorAt adds err's diagnostics like AddAPIError, but attaches
// each entry of a 422 validation answer to the attribute its location
// names (see APIFields.AttributePath), so Terraform shows the offending
// line of the configuration. Entries that name no attribute, and every
// other error, are added as one plain error.
func AddAPIErrorAt(ctx context.Context, diags *diag.Diagnostics, s SchemaPaths, f APIFields, summary string, err error) {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || len(apiErr.Validation) == 0 || apiErr.NoSuchRoute {
		AddAPIError(diags, summary, err)
		return
	}
	var rest []string
	for _, v := range apiErr.Validation {
		p, ok := f.AttributePath(ctx, s, v.Loc)
		if !ok {
			rest = append(rest, v.String())
			continue
		}
		diags.AddAttributeError(p, summary, answerWithHint(apiErr, v.String()))
	}
	if len(rest) > 0 {
		diags.AddError(summary, answerWithHint(apiErr, strings.Join(rest, "; ")))
	}
}

// answerWithHint is the API's answer with the given detail, and the
// advice for its status.
func answerWithHint(e *client.APIError, detail string) string {
	msg := fmt.Sprintf("The UnitySVC API answered HTTP %d to %s %s: %s", e.StatusCode, e.Method, e.Path, detail)
	if hint := hintFor(e); hint != "" {
		msg += "\n\n" + hint
	}
	return msg
}

// APIErrorDetail renders err for a person: the server's detail, the
// status, and a hint for the common statuses.
func APIErrorDetail(err error) string {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		var te *client.TransportError
		if errors.As(err, &te) {
			return fmt.Sprintf("The UnitySVC API could not be reached (%s %s): %v.\n\nCheck api_url and your network, then try again.", te.Method, te.Path, te.Err)
		}
		return err.Error()
	}
	detail := apiErr.Detail
	if detail == "" {
		detail = http.StatusText(apiErr.StatusCode)
	}
	if apiErr.NoSuchRoute {
		return fmt.Sprintf("%s %s answered HTTP %d (%s), which is not an answer of the UnitySVC customer API: that server has no such route, "+
			"so nothing can be concluded about the object and the state was left as it was.\n\n%s", apiErr.Method, urlOf(apiErr), apiErr.StatusCode, detail, checkAPIURL)
	}
	return answerWithHint(apiErr, detail)
}

// apiAnswer is the API's answer in one sentence, without advice.
func apiAnswer(e *client.APIError) string {
	detail := e.Detail
	if detail == "" {
		detail = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("The UnitySVC API answered HTTP %d to %s %s: %s", e.StatusCode, e.Method, e.Path, detail)
}

// checkAPIURL is the advice for answers that are not the API's own.
const checkAPIURL = "Check api_url (or UNITYSVC_API_URL): it must be the customer API's base URL including its version, such as https://api.unitysvc.com/v1, " +
	"not the gateway URL (gateway_url or UNITYSVC_API_BASE_URL)."

// urlOf is the URL an error names: the full one when known.
func urlOf(e *client.APIError) string {
	if e.URL != "" {
		return e.URL
	}
	return e.Path
}

func hintFor(e *client.APIError) string {
	switch status := e.StatusCode; {
	case status == http.StatusUnauthorized:
		return "Check the provider's api_key (or UNITYSVC_API_KEY): it is missing, empty or not a valid key."
	case status == http.StatusForbidden:
		return "The API key is not allowed to change this object."
	case status == http.StatusConflict:
		return "An object with the same identity already exists or the change conflicts with its current state. Import the existing object, or choose another name."
	case status == http.StatusUnprocessableEntity, status == http.StatusBadRequest:
		return "The API rejected the request's values; fix the configuration as the message says."
	case status == http.StatusTooManyRequests && e.Retried():
		return fmt.Sprintf("The API is rate limiting this key; the request was sent %d times. Raise max_retries or reduce parallelism (-parallelism).", e.Attempts)
	case status == http.StatusTooManyRequests:
		return "The API is rate limiting this key and max_retries is 0. Raise max_retries or reduce parallelism (-parallelism)."
	case status == http.StatusNotImplemented, status == http.StatusMethodNotAllowed:
		return fmt.Sprintf("The server at %s does not implement this request, so it is probably not the UnitySVC customer API. The request was not retried. %s", urlOf(e), checkAPIURL)
	case status >= 500 && e.Retried():
		return fmt.Sprintf("The UnitySVC API failed; the request was sent %d times. Try again later.", e.Attempts)
	case status >= 500 && e.Method == http.MethodPost:
		return "The UnitySVC API failed. A create is never sent twice, because the server may have processed it: before applying again, check whether the object exists and import it if it does."
	case status >= 500:
		return "The UnitySVC API failed. Try again later."
	}
	return ""
}
