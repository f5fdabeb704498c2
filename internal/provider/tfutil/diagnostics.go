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
	if apiErr.NoSuchRoute {
		return fmt.Sprintf("%s %s answered HTTP %d (%s), which is not an answer of the UnitySVC customer API: that server has no such route, "+
			"so nothing can be concluded about the object and the state was left as it was.\n\n%s", apiErr.Method, urlOf(apiErr), apiErr.StatusCode, detail, checkAPIURL)
	}
	msg := apiAnswer(apiErr)
	if hint := hintFor(apiErr); hint != "" {
		msg += "\n\n" + hint
	}
	return msg
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
