package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-2xx answer from the API.
type APIError struct {
	StatusCode int
	// Detail is the server's "detail" text; for 422 validation errors each
	// entry reads "loc: msg", joined with "; ".
	Detail string
	Method string
	Path   string
	// URL is the full URL that was called (empty for errors the client
	// derives from another answer).
	URL string
	// Attempts is how many times the request was sent (1 when it was not
	// retried).
	Attempts int
	// NoSuchRoute marks an answer that is not the API's own: a 404 for a
	// route the server does not have (FastAPI's generic "Not Found", an
	// HTML page, a body that is not FastAPI's), or one from a server that
	// does not answer like the UnitySVC API at all. It never means "this
	// object does not exist"; api_url is most likely wrong.
	NoSuchRoute bool
}

func (e *APIError) Error() string {
	detail := e.Detail
	if detail == "" {
		detail = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, detail)
}

// Retried reports whether the request was sent more than once.
func (e *APIError) Retried() bool { return e.Attempts > 1 }

// TransportError is a request that got no HTTP answer (after retries).
type TransportError struct {
	Method, Path string
	Err          error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

func newAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{StatusCode: status, Detail: parseDetail(body), Method: method, Path: path}
	e.NoSuchRoute = status == http.StatusNotFound && !isObjectNotFound(body)
	return e
}

// genericNotFound is the detail FastAPI (and Starlette) give a path no
// route matches; the API's own "does not exist" answers name the object.
const genericNotFound = "Not Found"

// isObjectNotFound reports whether a 404 body is the API's own answer
// about an object: FastAPI's {"detail": "..."} naming what is missing,
// not the generic answer for an unknown route.
func isObjectNotFound(body []byte) bool {
	var envelope struct {
		Detail *string `json:"detail"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil || envelope.Detail == nil {
		return false
	}
	d := strings.TrimSpace(*envelope.Detail)
	return d != "" && !strings.EqualFold(d, genericNotFound)
}

// parseDetail extracts FastAPI's "detail", which is a string, or for 422 a
// list of {loc, msg, type}.
func parseDetail(body []byte) string {
	var envelope struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil || len(envelope.Detail) == 0 {
		s := strings.TrimSpace(string(body))
		if len(s) > 500 {
			s = s[:500] + "..."
		}
		return s
	}
	var text string
	if err := json.Unmarshal(envelope.Detail, &text); err == nil {
		return text
	}
	var items []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if err := json.Unmarshal(envelope.Detail, &items); err == nil {
		parts := make([]string, 0, len(items))
		for _, it := range items {
			loc := make([]string, 0, len(it.Loc))
			for _, l := range it.Loc {
				loc = append(loc, fmt.Sprint(l))
			}
			if len(loc) > 0 {
				parts = append(parts, strings.Join(loc, ".")+": "+it.Msg)
			} else {
				parts = append(parts, it.Msg)
			}
		}
		return strings.Join(parts, "; ")
	}
	return string(envelope.Detail)
}

// StatusCode returns the HTTP status of an *APIError in err's chain, or 0.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is the API's own answer that an object
// does not exist. A 404 for a route the server does not have (a wrong
// api_url) is not: deleting state on it would lose every resource.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && !apiErr.NoSuchRoute
}

// OutcomeUnknown reports whether err leaves it unknown whether the request
// took effect: a 5xx answer (the server, or a proxy in front of it, may
// have processed the request before failing; 501 never processes
// anything) or a connection lost after the request was sent (a time-out,
// a reset). A create that fails this way must be checked on the server,
// never sent again blindly.
func OutcomeUnknown(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusNotImplemented && !apiErr.NoSuchRoute
	}
	var te *TransportError
	return errors.As(err, &te) && !neverSent(te.Err)
}

// IsConflict reports whether err is an API 409.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }
