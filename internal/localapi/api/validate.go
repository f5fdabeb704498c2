package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
)

// Validation helpers of the handlers: each check adds FastAPI-shaped 422
// entries to errs under loc, saying what is wrong and what is allowed.

// The 422 answer: FastAPI's {"detail": [{loc, msg, type}, ...]}.

// fieldError is one entry of a 422 validation error.
type fieldError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// validationErrors collects 422 entries.
type validationErrors []fieldError

func (v *validationErrors) add(msg, typ string, loc ...any) {
	*v = append(*v, fieldError{Loc: loc, Msg: msg, Type: typ})
}

// write sends the 422 body and reports whether there was anything to send.
func (v validationErrors) write(w http.ResponseWriter) bool {
	if len(v) == 0 {
		return false
	}
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": v})
	return true
}

// unprocessable writes a single-entry 422.
func unprocessable(w http.ResponseWriter, msg, typ string, loc ...any) {
	var v validationErrors
	v.add(msg, typ, loc...)
	v.write(w)
}

// Reading a request: its body, path and query parameters.

// maxBody is the largest request body the API reads.
const maxBody = 4 << 20

// decodeBody decodes a JSON request body into dst, writing a 413 when it
// is over maxBody and a 422 when it is missing or malformed.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeDetail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body too large: the limit is %d MiB", maxBody>>20))
		return false
	}
	if err != nil || len(strings.TrimSpace(string(body))) == 0 {
		unprocessable(w, "Field required", "missing", "body")
		return false
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			unprocessable(w, fmt.Sprintf("Input should be a valid %s", typeErr.Type.Kind()), typeErr.Type.Kind().String()+"_type", "body", typeErr.Field)
			return false
		}
		unprocessable(w, "JSON decode error: "+err.Error(), "json_invalid", "body")
		return false
	}
	return true
}

// readBody decodes the JSON request body into a B and checks it with
// check, which adds 422 entries to errs (holding any the caller found
// before, such as path or query errors). It answers check's result, or
// writes the 413 or 422 and answers false.
func readBody[B, T any](w http.ResponseWriter, r *http.Request, errs *validationErrors, check func(body *B, errs *validationErrors) T) (T, bool) {
	var body B
	if !decodeBody(w, r, &body) {
		var zero T
		return zero, false
	}
	v := check(&body, errs)
	return v, !errs.write(w)
}

// optional is a JSON field whose presence matters (PATCH bodies): Set
// tells an absent field from an explicit null, which leaves Value nil.
type optional[T any] struct {
	Set   bool
	Value *T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// optionalString decodes a string-or-null field present in a body.
func optionalString(raw json.RawMessage, errs *validationErrors, field string) *string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		errs.add("Input should be a valid string", "string_type", "body", field)
		return nil
	}
	return &s
}

// pathID returns the UUID path parameter name in canonical form, or
// writes FastAPI's 422 for a malformed one.
func pathID(w http.ResponseWriter, r *http.Request, name string) (string, bool) {
	var errs validationErrors
	ids := pathUUIDs(r, &errs, name)
	if errs.write(w) {
		return "", false
	}
	return ids[0], true
}

// pathUUIDs parses the UUID path parameters names into canonical form,
// adding a 422 entry for each that is not a UUID.
func pathUUIDs(r *http.Request, errs *validationErrors, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		id, err := uuid.Parse(r.PathValue(n))
		if err != nil {
			errs.add("Input should be a valid UUID, "+strings.TrimPrefix(err.Error(), "invalid UUID "), "uuid_parsing", "path", n)
			continue
		}
		out[i] = id.String()
	}
	return out
}

// queryBool parses a boolean query parameter (FastAPI's spellings).
func queryBool(r *http.Request, name string, def bool, errs *validationErrors) bool {
	v := r.URL.Query().Get(name)
	switch strings.ToLower(v) {
	case "":
		return def
	case "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	errs.add("Input should be a valid boolean, unable to interpret input", "bool_parsing", "query", name)
	return def
}

// queryInt parses an integer query parameter within [lo, hi].
func queryInt(r *http.Request, name string, def, lo, hi int, errs *validationErrors) int {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		errs.add("Input should be a valid integer, unable to parse string as an integer", "int_parsing", "query", name)
		return def
	}
	if n < lo {
		errs.add(fmt.Sprintf("Input should be greater than or equal to %d", lo), "greater_than_equal", "query", name)
	}
	if hi > 0 && n > hi {
		errs.add(fmt.Sprintf("Input should be less than or equal to %d", hi), "less_than_equal", "query", name)
	}
	return n
}

// queryUUID parses an optional UUID query parameter.
func queryUUID(r *http.Request, name string, errs *validationErrors) *string {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		errs.add("Input should be a valid UUID, "+strings.TrimPrefix(err.Error(), "invalid UUID "), "uuid_parsing", "query", name)
		return nil
	}
	s := id.String()
	return &s
}

// queryTime parses an optional date-time query parameter: RFC 3339, or
// without a zone (UTC), or a date (its midnight, UTC).
func queryTime(r *http.Request, name string, errs *validationErrors) time.Time {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	errs.add("Input should be a valid datetime, such as 2025-01-31T12:00:00Z", "datetime_from_date_parsing", "query", name)
	return time.Time{}
}

// queryChoice parses an optional enumerated query parameter.
func queryChoice(r *http.Request, name string, allowed []string, errs *validationErrors) *string {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil
	}
	if !slices.Contains(allowed, v) {
		errs.add("Input should be '"+strings.Join(allowed, "' or '")+"'", "enum", "query", name)
	}
	return &v
}

// Field checks shared by the areas.

// routingString checks a string field's presence and length (in
// characters, at least 1 when required) and returns its value.
func routingString(v *string, required bool, max int, errs *validationErrors, loc ...any) string {
	if v == nil {
		if required {
			errs.add("Field required", "missing", loc...)
		}
		return ""
	}
	n := utf8.RuneCountInString(*v)
	switch {
	case required && n == 0:
		errs.add("String should have at least 1 character", "string_too_short", loc...)
	case n > max:
		errs.add(fmt.Sprintf("String should have at most %d characters", max), "string_too_long", loc...)
	}
	return *v
}

// routingNameRE is the rule for chain and broadcast names: the
// characters a URL path segment carries unescaped (RFC 3986 unreserved),
// starting with a letter or digit. The name is the /c/<name> or
// /b/<name> segment: a space, "/" or "%" would need escaping, and the
// gateway matches a target path's name as written, so such a name could
// never be reached.
var routingNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*$`)

// routingName checks a chain's or broadcast's name: present, at most max
// characters, routable (routingNameRE). It returns the name.
func routingName(v *string, max int, errs *validationErrors, loc ...any) string {
	n := len(*errs)
	name := routingString(v, true, max, errs, loc...)
	if len(*errs) == n && !routingNameRE.MatchString(name) {
		errs.add("String should match pattern '^[A-Za-z0-9][A-Za-z0-9._~-]*$' (letters, digits, '-', '_', '.' and '~', starting with a letter or digit): the name is a gateway path segment, and a space, '/' or '%' could never be routed", "string_pattern_mismatch", loc...)
	}
	return name
}

// routingPositive checks an optional integer is at least 1.
func routingPositive(v *int64, errs *validationErrors, loc ...any) {
	if v != nil && *v < 1 {
		errs.add("Input should be greater than or equal to 1", "greater_than_equal", loc...)
	}
}

// routingChoice checks v is one of allowed (when set) and returns it or def.
func routingChoice(v *string, def string, allowed []string, errs *validationErrors, loc ...any) string {
	if v == nil {
		return def
	}
	if !slices.Contains(allowed, *v) {
		errs.add("Input should be "+quotedList(allowed), "literal_error", loc...)
	}
	return *v
}

// routingLoc is loc followed by more, in a new slice.
func routingLoc(loc []any, more ...any) []any {
	return append(slices.Clone(loc), more...)
}

// quotedList renders allowed values as FastAPI's enum message does:
// 'a', 'b' or 'c'.
func quotedList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + v + "'"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// Field checks of one area each.

func validAliasDescription(d *string, errs *validationErrors) {
	if d != nil && utf8.RuneCountInString(*d) > aliasDescriptionMax {
		errs.add(fmt.Sprintf("String should have at most %d characters", aliasDescriptionMax), "string_too_long", "body", "description")
	}
}

func validAliasTargetPath(t string, errs *validationErrors) {
	switch {
	case strings.TrimSpace(t) == "":
		errs.add("target_path must not be empty: give a gateway-relative path such as 'g/llm' or 'c/my-chain'", "string_too_short", "body", "target_path")
	case utf8.RuneCountInString(t) > aliasTargetPathMax:
		errs.add(fmt.Sprintf("String should have at most %d characters", aliasTargetPathMax), "string_too_long", "body", "target_path")
	}
}

// validSecretName adds an error for a bad name (a path parameter).
func validSecretName(name string, errs *validationErrors) {
	switch {
	case name == "" || utf8.RuneCountInString(name) > secretNameMax:
		errs.add("String should have at most 100 characters", "string_too_long", "path", "name")
	case !secretNameRE.MatchString(name):
		errs.add("String should match pattern '^[A-Z_][A-Z0-9_]*$' (upper-case letters, digits and underscores, not starting with a digit)", "string_pattern_mismatch", "path", "name")
	}
}

func validRecurrentName(name *string, errs *validationErrors) {
	switch {
	case name == nil:
	case strings.TrimSpace(*name) == "":
		errs.add("name must not be empty or only white space; give a name such as \"chat-ping\", or leave name out", "string_too_short", "body", "name")
	case utf8.RuneCountInString(*name) > recurrentNameMax:
		errs.add(fmt.Sprintf("String should have at most %d characters", recurrentNameMax), "string_too_long", "body", "name")
	}
}

// validRecurrentPath refuses a path the request could never run
// (scheduler.PathProblem); relative says whether the request names a
// service or an enrollment.
func validRecurrentPath(p string, relative bool, errs *validationErrors) {
	if msg := scheduler.PathProblem(p, relative); msg != "" {
		errs.add(msg, "value_error", "body", "request_path")
	}
}

// validRecurrentHeaders refuses headers that could not be sent as they
// are, or would split the request they are sent with: a name that is not
// an HTTP token, a value with CR, LF or another control character; a
// header the gateway would drop or replace (scheduler.HeaderProblem);
// the same name twice in different cases.
func validRecurrentHeaders(h map[string]string, errs *validationErrors) {
	seen := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		value := h[name]
		if !isHeaderToken(name) {
			errs.add(fmt.Sprintf("header name %q is not a valid HTTP header name (letters, digits and !#$%%&'*+-.^_`|~ only)", name), "value_error", "body", "request_headers", name)
			continue
		}
		if msg := scheduler.HeaderProblem(name); msg != "" {
			errs.add(msg, "value_error", "body", "request_headers", name)
		}
		if prev, dup := seen[http.CanonicalHeaderKey(name)]; dup {
			errs.add(fmt.Sprintf("header %q is set twice, as %q and %q (header names are case-insensitive); keep one", name, prev, name), "value_error", "body", "request_headers", name)
		}
		seen[http.CanonicalHeaderKey(name)] = name
		if strings.ContainsFunc(value, func(c rune) bool { return (c < 0x20 && c != '\t') || c == 0x7f }) {
			errs.add(fmt.Sprintf("the value of header %q contains a line break or another control character, which could inject headers; send it on one line", name), "value_error", "body", "request_headers", name)
		}
	}
}

// validRecurrentBody checks a body template: a JSON object, kept as
// written (scheduler.CompactBody); nil for null.
func validRecurrentBody(raw json.RawMessage, errs *validationErrors) *string {
	if raw == nil || string(raw) == "null" {
		return nil
	}
	b, err := scheduler.CompactBody(raw)
	if err != nil {
		errs.add("Input should be a valid dictionary: body_template is a JSON object such as {\"model\": \"gpt-4o-mini\"}", "dict_type", "body", "body_template")
		return nil
	}
	return &b
}

// isHeaderToken reports whether s is an RFC 9110 token.
func isHeaderToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c >= 0x7f || c <= 0x20 || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return true
}

// recurrentUUID validates an optional UUID field, returning it canonical.
func recurrentUUID(v *string, errs *validationErrors, loc ...any) *string {
	if v == nil {
		return nil
	}
	id, err := uuid.Parse(*v)
	if err != nil {
		errs.add("Input should be a valid UUID, "+err.Error(), "uuid_parsing", loc...)
		return nil
	}
	s := id.String()
	return &s
}

// validRecurrentSchedule checks a schedule object (scheduler.Check) and
// returns it normalised, adding 422 entries under body.schedule.
func validRecurrentSchedule(raw map[string]json.RawMessage, errs *validationErrors) *scheduler.Schedule {
	s, problems := scheduler.Check(raw)
	for _, p := range problems {
		errs.add(p.Msg, p.Type, "body", "schedule", p.Field)
	}
	return s
}
