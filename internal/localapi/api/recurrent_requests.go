package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

const (
	recurrentNameMax     = 200
	recurrentIntervalMin = 60     // seconds: one minute
	recurrentIntervalMax = 604800 // seconds: seven days
)

// recurrentMethods are the HTTP methods a recurrent request may use.
var recurrentMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

func (a *API) routeRecurrentRequests() {
	a.handle("GET", "/recurrent-requests/", a.listRecurrentRequests)
	a.handle("POST", "/recurrent-requests/", a.createRecurrentRequest)
	a.handle("GET", "/recurrent-requests/{request_id}", a.getRecurrentRequest)
	a.handle("PATCH", "/recurrent-requests/{request_id}", a.updateRecurrentRequest)
	a.handle("DELETE", "/recurrent-requests/{request_id}", a.deleteRecurrentRequest)
	a.handle("POST", "/recurrent-requests/{request_id}/trigger", a.triggerRecurrentRequest)
}

// recurrentPublic is the RecurrentRequestPublic schema.
type recurrentPublic struct {
	ID             string          `json:"id"`
	Status         string          `json:"status"`
	CustomerID     string          `json:"customer_id"`
	ServiceID      *string         `json:"service_id"`
	EnrollmentID   *string         `json:"enrollment_id"`
	RequestPath    string          `json:"request_path"`
	HTTPMethod     string          `json:"http_method"`
	BodyTemplate   json.RawMessage `json:"body_template"`
	RequestHeaders json.RawMessage `json:"request_headers"`
	Schedule       json.RawMessage `json:"schedule"`
	State          recurrentState  `json:"state"`
	Name           *string         `json:"name"`
	CreatedAt      string          `json:"created_at"`
	UpdatedAt      *string         `json:"updated_at"`
}

// recurrentState is the state object unitysvc-local reports (D): the
// scheduler keeps it (next_run_at is null unless active).
type recurrentState struct {
	NextRunAt      *string `json:"next_run_at"`
	LastRunAt      *string `json:"last_run_at"`
	RunCount       int64   `json:"run_count"`
	LastStatusCode *int64  `json:"last_status_code"`
	LastError      *string `json:"last_error"`
}

func (a *API) recurrentView(rr *store.RecurrentRequest) recurrentPublic {
	return recurrentPublic{
		ID: rr.ID, Status: rr.Status, CustomerID: rr.CustomerID, ServiceID: rr.ServiceID, EnrollmentID: rr.EnrollmentID,
		RequestPath: rr.RequestPath, HTTPMethod: rr.HTTPMethod, BodyTemplate: schedRawJSON(rr.BodyTemplate),
		RequestHeaders: schedRawJSON(rr.RequestHeaders), Schedule: schedRawJSON(rr.Schedule),
		State: recurrentState{NextRunAt: rr.NextRunAt, LastRunAt: rr.LastRunAt, RunCount: rr.RunCount, LastStatusCode: rr.LastStatusCode, LastError: rr.LastError},
		Name:  rr.Name, CreatedAt: rr.CreatedAt, UpdatedAt: rr.UpdatedAt,
	}
}

// validRecurrentSchedule validates a schedule object and returns it
// normalised, adding 422 entries under body.schedule.
func validRecurrentSchedule(raw map[string]json.RawMessage, errs *validationErrors) *scheduler.Schedule {
	loc := func(field string) []any { return []any{"body", "schedule", field} }
	has := func(k string) bool { v, ok := raw[k]; return ok && string(v) != "null" }
	n := len(*errs)
	var s scheduler.Schedule
	if !has("schedule_type") || json.Unmarshal(raw["schedule_type"], &s.ScheduleType) != nil {
		errs.add("schedule_type is required: \"interval\" (with interval_seconds) or \"cron\" (with cron_expression and optional timezone)", "missing", loc("schedule_type")...)
		return nil
	}
	switch s.ScheduleType {
	case "interval":
		if has("cron_expression") || has("timezone") {
			errs.add("an interval schedule takes interval_seconds only; cron_expression and timezone belong to schedule_type \"cron\"", "extra_forbidden", loc("cron_expression")...)
		}
		if !has("interval_seconds") {
			errs.add("interval_seconds is required for an interval schedule", "missing", loc("interval_seconds")...)
			break
		}
		var f float64
		if json.Unmarshal(raw["interval_seconds"], &f) != nil || f != math.Trunc(f) {
			errs.add("interval_seconds must be a whole number of seconds", "int_type", loc("interval_seconds")...)
			break
		}
		s.IntervalSeconds = int64(f)
		if s.IntervalSeconds < recurrentIntervalMin || s.IntervalSeconds > recurrentIntervalMax {
			errs.add(fmt.Sprintf("interval_seconds must be between %d and %d seconds (1 minute to 7 days), got %d", recurrentIntervalMin, recurrentIntervalMax, s.IntervalSeconds), "value_error", loc("interval_seconds")...)
		}
	case "cron":
		if has("interval_seconds") {
			errs.add("a cron schedule takes cron_expression and timezone; interval_seconds belongs to schedule_type \"interval\"", "extra_forbidden", loc("interval_seconds")...)
		}
		if !has("cron_expression") || json.Unmarshal(raw["cron_expression"], &s.CronExpression) != nil {
			errs.add("cron_expression is required for a cron schedule, as a string such as \"0 */6 * * *\"", "missing", loc("cron_expression")...)
		} else if err := scheduler.CronError(s.CronExpression); err != "" {
			errs.add(err, "value_error", loc("cron_expression")...)
		}
		s.Timezone = "UTC"
		if has("timezone") {
			if json.Unmarshal(raw["timezone"], &s.Timezone) != nil {
				errs.add("timezone must be a string such as \"UTC\" or \"Europe/Berlin\"", "string_type", loc("timezone")...)
			} else if err := scheduler.TimezoneError(s.Timezone); err != "" {
				errs.add(err, "value_error", loc("timezone")...)
			}
		}
	default:
		errs.add(fmt.Sprintf("schedule_type must be \"interval\" or \"cron\", got %q", s.ScheduleType), "enum", loc("schedule_type")...)
	}
	if len(*errs) > n {
		return nil
	}
	return &s
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

func recurrentJSON(v any) *string {
	b, _ := json.Marshal(v)
	s := string(b)
	return &s
}

func validRecurrentName(name *string, errs *validationErrors) {
	if name != nil && utf8.RuneCountInString(*name) > recurrentNameMax {
		errs.add(fmt.Sprintf("String should have at most %d characters", recurrentNameMax), "string_too_long", "body", "name")
	}
}

// validRecurrentHeaders refuses headers that could not be sent as they
// are, or would split the request they are sent with: a name that is not
// an HTTP token, a value with CR, LF or another control character.
func validRecurrentHeaders(h map[string]string, errs *validationErrors) {
	for name, value := range h {
		if !isHeaderToken(name) {
			errs.add(fmt.Sprintf("header name %q is not a valid HTTP header name (letters, digits and !#$%%&'*+-.^_`|~ only)", name), "value_error", "body", "request_headers", name)
		}
		if strings.ContainsFunc(value, func(c rune) bool { return (c < 0x20 && c != '\t') || c == 0x7f }) {
			errs.add(fmt.Sprintf("the value of header %q contains a line break or another control character, which could inject headers; send it on one line", name), "value_error", "body", "request_headers", name)
		}
	}
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

func validRecurrentPath(p string, errs *validationErrors) {
	if strings.TrimSpace(p) == "" {
		errs.add("request_path must not be empty: give the gateway path to call, for example /g/llm/v1/chat/completions", "string_too_short", "body", "request_path")
	}
}

// recurrentNameTaken writes the 409 for a name another live recurrent
// request has, and reports whether err was that.
func recurrentNameTaken(w http.ResponseWriter, err error, name *string) bool {
	var taken *store.RecurrentNameTakenError
	if !errors.As(err, &taken) {
		return false
	}
	writeDetail(w, http.StatusConflict, fmt.Sprintf("A recurrent request named %q already exists (id %s); names are unique among your recurrent requests that are not cancelled. Choose another name, or cancel or delete that request.", *name, taken.ExistingID))
	return true
}

func recurrentNotFound(w http.ResponseWriter, id string) {
	writeDetail(w, http.StatusNotFound, "Recurrent request "+id+" not found")
}

func (a *API) listRecurrentRequests(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	skip := queryInt(r, "skip", 0, 0, 0, &errs)
	limit := queryInt(r, "limit", 100, 1, 1000, &errs)
	q := r.URL.Query()
	var f store.RecurrentFilter
	if q.Has("service_id") {
		v := q.Get("service_id")
		f.ServiceID = recurrentUUID(&v, &errs, "query", "service_id")
	}
	if q.Has("enrollment_id") {
		v := q.Get("enrollment_id")
		f.EnrollmentID = recurrentUUID(&v, &errs, "query", "enrollment_id")
	}
	if q.Has("status") {
		v := q.Get("status")
		if !slices.Contains([]string{"draft", "active", "paused", "cancelled"}, v) {
			errs.add("Input should be 'draft', 'active', 'paused' or 'cancelled'", "enum", "query", "status")
		}
		f.Status = &v
	}
	if errs.write(w) {
		return
	}
	items, err := a.store.ListRecurrentRequests(r.Context(), p, f)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writePage(w, items, skip, limit, a.recurrentView)
}

func (a *API) createRecurrentRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var body struct {
		ServiceID      *string            `json:"service_id"`
		EnrollmentID   *string            `json:"enrollment_id"`
		RequestPath    *string            `json:"request_path"`
		HTTPMethod     *string            `json:"http_method"`
		BodyTemplate   map[string]any     `json:"body_template"`
		RequestHeaders *map[string]string `json:"request_headers"`
		Name           *string            `json:"name"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	rr := store.RecurrentRequest{Status: "draft", HTTPMethod: "POST", Name: body.Name}
	rr.ServiceID = recurrentUUID(body.ServiceID, &errs, "body", "service_id")
	if rr.ServiceID != nil {
		if _, found := a.catalog.Service(*rr.ServiceID); !found {
			errs.add("service "+*rr.ServiceID+" is not in the catalog", "value_error", "body", "service_id")
		}
	}
	rr.EnrollmentID = recurrentUUID(body.EnrollmentID, &errs, "body", "enrollment_id")
	if rr.EnrollmentID != nil {
		if _, err := a.store.GetEnrollment(r.Context(), p, *rr.EnrollmentID); errors.Is(err, store.ErrNotFound) {
			errs.add("enrollment "+*rr.EnrollmentID+" is not one of your enrollments", "value_error", "body", "enrollment_id")
		} else if err != nil {
			a.internal(w, r, err)
			return
		}
	}
	if body.RequestPath == nil {
		errs.add("Field required", "missing", "body", "request_path")
	} else {
		validRecurrentPath(*body.RequestPath, &errs)
		rr.RequestPath = *body.RequestPath
	}
	if body.HTTPMethod != nil {
		rr.HTTPMethod = *body.HTTPMethod
		if !slices.Contains(recurrentMethods, rr.HTTPMethod) {
			errs.add(fmt.Sprintf("http_method must be one of %s (upper case), got %q", strings.Join(recurrentMethods, ", "), rr.HTTPMethod), "enum", "body", "http_method")
		}
	}
	if body.BodyTemplate != nil {
		rr.BodyTemplate = recurrentJSON(body.BodyTemplate)
	}
	if body.RequestHeaders != nil {
		validRecurrentHeaders(*body.RequestHeaders, &errs)
		rr.RequestHeaders = recurrentJSON(*body.RequestHeaders)
	}
	validRecurrentName(body.Name, &errs)
	if errs.write(w) {
		return
	}
	out, err := a.store.CreateRecurrentRequest(r.Context(), p, rr)
	if recurrentNameTaken(w, err, rr.Name) {
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.recurrentView(out))
}

func (a *API) getRecurrentRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "request_id")
	if !ok {
		return
	}
	rr, err := a.store.GetRecurrentRequest(r.Context(), p, id)
	if a.failed(w, r, err, func() { recurrentNotFound(w, id) }) {
		return
	}
	writeJSON(w, http.StatusOK, a.recurrentView(rr))
}

// recurrentHTTPError is an update refused with a status and detail.
type recurrentHTTPError struct {
	status int
	detail string
	field  string // the body field a 422 points at
}

func (e *recurrentHTTPError) Error() string { return e.detail }

// updateRecurrentRequest is PATCH: template fields, name, schedule and
// status. Setting a schedule on a draft activates it (or pauses it, when
// the same PATCH asks for paused). Statuses: active <-> paused; any ->
// cancelled, which is final; never back to draft; a draft cannot be
// activated or paused without a schedule.
func (a *API) updateRecurrentRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "request_id")
	if !ok {
		return
	}
	var body struct {
		RequestPath    optional[string]                     `json:"request_path"`
		BodyTemplate   optional[map[string]any]             `json:"body_template"`
		RequestHeaders optional[map[string]string]          `json:"request_headers"`
		Schedule       optional[map[string]json.RawMessage] `json:"schedule"`
		Name           optional[string]                     `json:"name"`
		Status         optional[string]                     `json:"status"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	if body.RequestPath.Value != nil {
		validRecurrentPath(*body.RequestPath.Value, &errs)
	}
	validRecurrentName(body.Name.Value, &errs)
	if body.RequestHeaders.Value != nil {
		validRecurrentHeaders(*body.RequestHeaders.Value, &errs)
	}
	var sched *scheduler.Schedule
	if body.Schedule.Value != nil {
		sched = validRecurrentSchedule(*body.Schedule.Value, &errs)
	}
	if st := body.Status.Value; st != nil {
		switch *st {
		case "active", "paused", "cancelled":
		case "draft":
			errs.add("status cannot be set back to draft; pause (status \"paused\") or cancel (status \"cancelled\") the request instead", "value_error", "body", "status")
		default:
			errs.add("Input should be 'draft', 'active', 'paused' or 'cancelled'", "enum", "body", "status")
		}
	}
	if errs.write(w) {
		return
	}
	onlyCancel := body.Status.Value != nil && *body.Status.Value == "cancelled" && !body.RequestPath.Set && !body.BodyTemplate.Set &&
		!body.RequestHeaders.Set && !body.Schedule.Set && !body.Name.Set
	now := scheduler.Format(a.scheduler.Now())
	rr, err := a.store.UpdateRecurrentRequest(r.Context(), p, id, func(rr *store.RecurrentRequest) error {
		if rr.Status == "cancelled" {
			if onlyCancel {
				return nil
			}
			return &recurrentHTTPError{http.StatusConflict, "Recurrent request " + id + " is cancelled; a cancelled request cannot be changed or reactivated. Delete it and create a new one.", ""}
		}
		if body.Schedule.Set && body.Schedule.Value == nil && rr.Schedule != nil {
			return &recurrentHTTPError{http.StatusUnprocessableEntity, "schedule cannot be removed; pause (status \"paused\") or cancel (status \"cancelled\") the request instead", "schedule"}
		}
		if body.RequestPath.Value != nil {
			rr.RequestPath = *body.RequestPath.Value
		}
		if body.BodyTemplate.Set {
			rr.BodyTemplate = nil
			if body.BodyTemplate.Value != nil {
				rr.BodyTemplate = recurrentJSON(*body.BodyTemplate.Value)
			}
		}
		if body.RequestHeaders.Set {
			rr.RequestHeaders = nil
			if body.RequestHeaders.Value != nil {
				rr.RequestHeaders = recurrentJSON(*body.RequestHeaders.Value)
			}
		}
		if body.Name.Set {
			rr.Name = body.Name.Value
		}
		if sched != nil {
			rr.Schedule = recurrentJSON(sched)
			rr.ScheduleAnchor = &now
			if rr.Status == "draft" {
				rr.Status = "active"
			}
		}
		replan := sched != nil
		if st := body.Status.Value; st != nil && *st != rr.Status {
			if rr.Schedule == nil && *st != "cancelled" {
				return &recurrentHTTPError{http.StatusUnprocessableEntity, fmt.Sprintf("a draft recurrent request has no schedule and cannot be %s; set a schedule (which activates it) first", map[string]string{"active": "activated", "paused": "paused"}[*st]), "status"}
			}
			if *st == "active" {
				rr.ScheduleAnchor = &now // intervals count from the resume
			}
			rr.Status, replan = *st, true
		}
		if replan {
			a.scheduler.Plan(rr)
		}
		return nil
	})
	var herr *recurrentHTTPError
	switch {
	case recurrentNameTaken(w, err, body.Name.Value):
	case errors.Is(err, store.ErrNotFound):
		recurrentNotFound(w, id)
	case errors.As(err, &herr) && herr.status == http.StatusUnprocessableEntity:
		unprocessable(w, herr.detail, "value_error", "body", herr.field)
	case errors.As(err, &herr):
		writeDetail(w, herr.status, herr.detail)
	case err != nil:
		a.internal(w, r, err)
	default:
		writeJSON(w, http.StatusOK, a.recurrentView(rr))
	}
}

func (a *API) deleteRecurrentRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "request_id")
	if !ok {
		return
	}
	err := a.store.DeleteRecurrentRequest(r.Context(), p, id)
	if a.failed(w, r, err, func() { recurrentNotFound(w, id) }) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// triggerRecurrentRequest runs the request once now, through the
// gateway with its owner's identity, counts the run and answers with the
// upstream's answer: its status and body, or for an error status the
// upstream's or the gateway's explanation as {"detail": ...}. A
// cancelled request is not run (409).
func (a *API) triggerRecurrentRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "request_id")
	if !ok {
		return
	}
	rr, err := a.store.GetRecurrentRequest(r.Context(), p, id)
	if a.failed(w, r, err, func() { recurrentNotFound(w, id) }) {
		return
	}
	if rr.Status == "cancelled" {
		writeDetail(w, http.StatusConflict, "Recurrent request "+id+" is cancelled; a cancelled request is not run. Create a new one to run it again.")
		return
	}
	resp := a.scheduler.Trigger(r.Context(), rr)
	if resp.Status >= 400 {
		detail := resp.Err
		if detail == "" {
			detail = fmt.Sprintf("The upstream answered %d %s: %s", resp.Status, http.StatusText(resp.Status), preview(resp.Body, 1000))
		}
		writeDetail(w, resp.Status, detail)
		return
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

// preview is the first n bytes of b as text.
func preview(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
