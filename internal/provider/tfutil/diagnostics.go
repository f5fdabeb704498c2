package tfutil

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// AddAPIError adds an error diagnostic for a failed API call. summary
// says what failed ("Unable to create collection"); the detail carries the
// server's own message, the HTTP status and what to do next.
func AddAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, APIErrorDetail(err))
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
	msg := fmt.Sprintf("The UnitySVC API answered HTTP %d to %s %s: %s", apiErr.StatusCode, apiErr.Method, apiErr.Path, detail)
	if hint := hintFor(apiErr.StatusCode); hint != "" {
		msg += "\n\n" + hint
	}
	return msg
}

func hintFor(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "Check the provider's api_key (or UNITYSVC_API_KEY): it is missing, empty or not a valid key."
	case http.StatusForbidden:
		return "The API key is not allowed to change this object."
	case http.StatusConflict:
		return "An object with the same identity already exists or the change conflicts with its current state. Import the existing object, or choose another name."
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		return "The API rejected the request's values; fix the configuration as the message says."
	case http.StatusTooManyRequests:
		return "The API is rate limiting this key and retries were exhausted; raise max_retries or reduce parallelism (-parallelism)."
	}
	if status >= 500 {
		return "The UnitySVC API failed; retries were exhausted. Try again later."
	}
	return ""
}
