package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

const recurrentNameMax = 200

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
		RequestPath: rr.RequestPath, HTTPMethod: rr.HTTPMethod, BodyTemplate: rawJSON(rr.BodyTemplate),
		RequestHeaders: maskHeaders(rr.RequestHeaders), Schedule: rawJSON(rr.Schedule),
		State: recurrentState{NextRunAt: rr.NextRunAt, LastRunAt: rr.LastRunAt, RunCount: rr.RunCount, LastStatusCode: rr.LastStatusCode, LastError: rr.LastError},
		Name:  rr.Name, CreatedAt: rr.CreatedAt, UpdatedAt: rr.UpdatedAt,
	}
}

// maskHeaders is stored request headers as answers show them: the value
// of every header whose name says it carries a credential
// (scheduler.CredentialHeader) is masked, so no answer echoes it.
func maskHeaders(stored *string) json.RawMessage {
	if stored == nil {
		return json.RawMessage("null")
	}
	var h map[string]string
	if err := json.Unmarshal([]byte(*stored), &h); err != nil {
		return json.RawMessage("null")
	}
	for k := range h {
		if scheduler.CredentialHeader(k) {
			h[k] = scheduler.MaskedValue
		}
	}
	b, _ := json.Marshal(h)
	return b
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
		BodyTemplate   json.RawMessage    `json:"body_template"`
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
		validRecurrentPath(*body.RequestPath, body.ServiceID != nil || body.EnrollmentID != nil, &errs)
		rr.RequestPath = *body.RequestPath
	}
	if body.HTTPMethod != nil {
		rr.HTTPMethod = *body.HTTPMethod
		if !slices.Contains(recurrentMethods, rr.HTTPMethod) {
			errs.add(fmt.Sprintf("http_method must be one of %s (upper case), got %q", strings.Join(recurrentMethods, ", "), rr.HTTPMethod), "enum", "body", "http_method")
		}
	}
	rr.BodyTemplate = validRecurrentBody(body.BodyTemplate, &errs)
	if body.RequestHeaders != nil {
		validRecurrentHeaders(*body.RequestHeaders, &errs)
		rr.RequestHeaders = jsonText(*body.RequestHeaders)
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

// updateRecurrentRequest is PATCH: template fields, name, schedule and
// status, checked here and applied by the scheduler's status machine
// (scheduler.Scheduler.Update).
func (a *API) updateRecurrentRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "request_id")
	if !ok {
		return
	}
	var errs validationErrors
	change, ok := readBody(w, r, &errs, checkRecurrentPatch)
	if !ok {
		return
	}
	rr, err := a.scheduler.Update(r.Context(), p, id, change)
	var refused *scheduler.ChangeError
	switch {
	case recurrentNameTaken(w, err, change.Name.Value):
	case errors.Is(err, store.ErrNotFound):
		recurrentNotFound(w, id)
	case errors.As(err, &refused) && refused.Conflict:
		writeDetail(w, http.StatusConflict, refused.Detail)
	case errors.As(err, &refused):
		unprocessable(w, refused.Detail, "value_error", "body", refused.Field)
	case err != nil:
		a.internal(w, r, err)
	default:
		writeJSON(w, http.StatusOK, a.recurrentView(rr))
	}
}

// recurrentUpdate is the RecurrentRequestUpdate schema as received.
type recurrentUpdate struct {
	RequestPath    optional[string]                     `json:"request_path"`
	BodyTemplate   optional[json.RawMessage]            `json:"body_template"`
	RequestHeaders optional[map[string]string]          `json:"request_headers"`
	Schedule       optional[map[string]json.RawMessage] `json:"schedule"`
	Name           optional[string]                     `json:"name"`
	Status         optional[string]                     `json:"status"`
}

// checkRecurrentPatch checks a PATCH body's fields on their own; the
// rules that depend on the request's state are the scheduler's (among
// them whether the path is a gateway route: a request that names a
// service or enrollment may give a path relative to it).
func checkRecurrentPatch(body *recurrentUpdate, errs *validationErrors) scheduler.Change {
	if body.RequestPath.Value != nil {
		validRecurrentPath(*body.RequestPath.Value, true, errs)
	}
	bodyTemplate := scheduler.Field[string]{Set: body.BodyTemplate.Set}
	if body.BodyTemplate.Value != nil {
		bodyTemplate.Value = validRecurrentBody(*body.BodyTemplate.Value, errs)
	}
	validRecurrentName(body.Name.Value, errs)
	if body.RequestHeaders.Value != nil {
		validRecurrentHeaders(*body.RequestHeaders.Value, errs)
	}
	sched := scheduler.Field[scheduler.Schedule]{Set: body.Schedule.Set}
	if body.Schedule.Value != nil {
		sched.Value = validRecurrentSchedule(*body.Schedule.Value, errs)
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
	return scheduler.Change{
		RequestPath:    scheduler.Field[string](body.RequestPath),
		BodyTemplate:   bodyTemplate,
		RequestHeaders: scheduler.Field[map[string]string](body.RequestHeaders),
		Schedule:       sched,
		Name:           scheduler.Field[string](body.Name),
		Status:         body.Status.Value,
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
// gateway as the caller (never as the user who made or last changed it),
// counts the run and answers with the
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
	resp := a.scheduler.Trigger(r.Context(), p, rr)
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
