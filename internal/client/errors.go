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
	// Validation holds the entries of a FastAPI validation answer (a 422
	// whose detail is a list of {loc, msg, type}), in the server's order;
	// nil when the detail is a string or the body is not FastAPI's.
	Validation []ValidationIssue
	// Conflict is the detail of a 409: what already exists, or what the
	// request conflicts with. Empty for every other status.
	Conflict string
	Method   string
	Path     string
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

// ValidationIssue is one entry of FastAPI's 422 answer: the place of the
// offending value, the message and the error type. Other members of an
// entry (pydantic's "input" and "ctx", which can hold the rejected value,
// a secret among them) are never read.
type ValidationIssue struct {
	// Loc is where the value is: "body", "query" or "path" first, then
	// field names (string) and list indices (int), as in
	// ["body", "steps", 2, "timeout_ms"].
	Loc []any `json:"loc"`
	// Msg says what is wrong ("String should have at most 64 characters").
	Msg string `json:"msg"`
	// Type is the machine-readable error type ("string_too_long",
	// "missing", "value_error").
	Type string `json:"type"`
}

// In reports the part of the request the entry is about ("body",
// "query", "path"), or "" when the location is empty.
func (v ValidationIssue) In() string {
	if len(v.Loc) == 0 {
		return ""
	}
	s, _ := v.Loc[0].(string)
	return s
}

// Field returns the location after its first element ("body", "query"
// or "path"): the field names and list indices inside that part.
func (v ValidationIssue) Field() []any {
	if len(v.Loc) == 0 {
		return nil
	}
	return v.Loc[1:]
}

// Is reports whether the entry is about the body field named by loc (the
// location after "body") and, when typ is not empty, has that type.
func (v ValidationIssue) Is(typ string, loc ...any) bool {
	if v.In() != "body" || (typ != "" && v.Type != typ) || len(v.Field()) != len(loc) {
		return false
	}
	for i, l := range v.Field() {
		if l != loc[i] {
			return false
		}
	}
	return true
}

// String renders the entry as "body.name: msg".
func (v ValidationIssue) String() string {
	if len(v.Loc) == 0 {
		return v.Msg
	}
	loc := make([]string, 0, len(v.Loc))
	for _, l := range v.Loc {
		loc = append(loc, fmt.Sprint(l))
	}
	return strings.Join(loc, ".") + ": " + v.Msg
}

// UnmarshalJSON reads a location's indices as int (JSON numbers would
// otherwise decode as float64).
func (v *ValidationIssue) UnmarshalJSON(b []byte) error {
	var raw struct {
		Loc  []json.RawMessage `json:"loc"`
		Msg  string            `json:"msg"`
		Type string            `json:"type"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	v.Msg, v.Type, v.Loc = raw.Msg, raw.Type, make([]any, 0, len(raw.Loc))
	for _, l := range raw.Loc {
		var s string
		if err := json.Unmarshal(l, &s); err == nil {
			v.Loc = append(v.Loc, s)
			continue
		}
		var n int
		if err := json.Unmarshal(l, &n); err != nil {
			return fmt.Errorf("validation entry location %s is neither a string nor an integer", l)
		}
		v.Loc = append(v.Loc, n)
	}
	return nil
}

// Issue returns the first validation entry about the body field named by
// loc with type typ (any type when typ is empty).
func (e *APIError) Issue(typ string, loc ...any) (ValidationIssue, bool) {
	for _, v := range e.Validation {
		if v.Is(typ, loc...) {
			return v, true
		}
	}
	return ValidationIssue{}, false
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
	e := &APIError{StatusCode: status, Method: method, Path: path}
	e.Detail, e.Validation = parseDetail(body)
	if status == http.StatusConflict {
		e.Conflict = e.Detail
	}
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
// list of {loc, msg, type} (returned as entries too). A body that is not
// FastAPI's is returned as text, cut to 500 characters.
func parseDetail(body []byte) (string, []ValidationIssue) {
	var envelope struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil || len(envelope.Detail) == 0 {
		s := strings.TrimSpace(string(body))
		if len(s) > 500 {
			s = s[:500] + "..."
		}
		return s, nil
	}
	var text string
	if err := json.Unmarshal(envelope.Detail, &text); err == nil {
		return text, nil
	}
	var items []ValidationIssue
	if err := json.Unmarshal(envelope.Detail, &items); err == nil && len(items) > 0 {
		parts := make([]string, 0, len(items))
		for _, it := range items {
			parts = append(parts, it.String())
		}
		return strings.Join(parts, "; "), items
	}
	return string(envelope.Detail), nil
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
