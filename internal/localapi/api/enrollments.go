package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// maskedValue replaces secret-looking parameter values in every read.
const maskedValue = "***masked***"

// secretKeyParts are the case-insensitive substrings that make a
// parameter key secret-looking (api_key, password, access_token,
// client_credentials, ...), at any depth.
var secretKeyParts = []string{"key", "password", "token", "secret", "credential", "passphrase"}

// sensitiveParametersHeader names, on POST /enrollments/, the parameters
// the customer sends as sensitive: a comma-separated list of names, each
// percent-encoded. The spec's ServiceEnrollmentCreate has no field for
// it; this header is unitysvc-local's (the UnitySVC API ignores it), and
// the names it lists are masked on every read whatever they are.
const sensitiveParametersHeader = "X-Unitysvc-Sensitive-Parameters"

var enrollmentStatuses = []string{store.EnrollmentPending, store.EnrollmentIncomplete, store.EnrollmentActive, store.EnrollmentPaused, store.EnrollmentCancelled}

func (a *API) routeEnrollments() {
	a.handle("POST", "/enrollments/", a.enroll)
	a.handle("GET", "/enrollments/", a.listEnrollments)
	a.handle("GET", "/enrollments/{enrollment_id}", a.getEnrollment)
	a.handle("DELETE", "/enrollments/{enrollment_id}", a.cancelEnrollment)
}

// enrollmentView is CustomerEnrollment.
type enrollmentView struct {
	ID            string         `json:"id"`
	ServiceID     string         `json:"service_id"`
	OwnerID       *string        `json:"owner_id"`
	Status        string         `json:"status"`
	Parameters    map[string]any `json:"parameters"`
	CreatedAt     string         `json:"created_at"`
	UpdatedAt     *string        `json:"updated_at"`
	Service       map[string]any `json:"service"`
	ProxyEndpoint *string        `json:"proxy_endpoint"`
	Code          *string        `json:"code"`
}

// maskParameters returns params with the values of the keys in
// sensitive (top-level names the customer sent as sensitive) masked, and
// those of secret-looking keys at any depth, inside nested objects and
// arrays. A secret-looking key's whole value is masked, object or not.
func maskParameters(params map[string]any, sensitive []string) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		if slices.Contains(sensitive, k) || secretLooking(k) {
			out[k] = maskedValue
		} else {
			out[k] = maskNested(v)
		}
	}
	return out
}

// maskNested masks the secret-looking keys inside a parameter's value.
func maskNested(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return maskParameters(x, nil)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskNested(e)
		}
		return out
	}
	return v
}

// secretLooking reports whether a parameter key looks secret.
func secretLooking(k string) bool {
	lk := strings.ToLower(k)
	return slices.ContainsFunc(secretKeyParts, func(part string) bool { return strings.Contains(lk, part) })
}

// sensitiveKeys reads sensitiveParametersHeader: the names it lists that
// are parameters of params. A name that is not percent-encoded properly
// is a 422 entry.
func sensitiveKeys(r *http.Request, params map[string]any, errs *validationErrors) []string {
	var keys []string
	for _, h := range r.Header.Values(sensitiveParametersHeader) {
		for _, part := range strings.Split(h, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			k, err := url.QueryUnescape(part)
			if err != nil {
				errs.add("Each name must be percent-encoded, names separated by commas", "value_error", "header", strings.ToLower(sensitiveParametersHeader))
				return nil
			}
			if _, ok := params[k]; ok && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// proxyEndpoint is an enrollment's gateway URL.
func (a *API) proxyEndpoint(code string) string { return a.gateway + "/e/" + code }

func (a *API) enrollmentView(e *store.Enrollment, details bool) enrollmentView {
	code := e.Code
	v := enrollmentView{ID: e.ID, ServiceID: e.ServiceID, OwnerID: e.RoleID, Status: e.Status,
		Parameters: maskParameters(e.Parameters, e.SensitiveKeys), CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, Code: &code}
	if details {
		pe := a.proxyEndpoint(e.Code)
		v.ProxyEndpoint = &pe
		if s, ok := a.catalog.Service(e.ServiceID); ok {
			v.Service = map[string]any{"id": s.ID, "name": s.Name, "display_name": s.DisplayName,
				"provider_name": s.ProviderName, "service_type": s.ServiceType, "enrollment_mode": s.EnrollmentMode}
		}
	}
	return v
}

// missingParameters lists the service's required parameters absent (or
// empty) in params, in the catalog's order.
func missingParameters(s *catalog.Service, params map[string]any) []string {
	var missing []string
	for _, p := range s.Parameters {
		if !p.Required {
			continue
		}
		v, ok := params[p.Name]
		if !ok || v == nil || v == "" {
			missing = append(missing, p.Name)
		}
	}
	return missing
}

func (a *API) enroll(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	shared := queryBool(r, "shared", false, &errs)
	var body struct {
		ServiceID          *string         `json:"service_id"`
		Status             *string         `json:"status"`
		Parameters         json.RawMessage `json:"parameters"`
		RecurrenceSchedule json.RawMessage `json:"recurrence_schedule"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.ServiceID == nil:
		errs.add("Field required", "missing", "body", "service_id")
	case uuid.Validate(*body.ServiceID) != nil:
		errs.add("Input should be a valid UUID", "uuid_parsing", "body", "service_id")
	}
	if body.Status != nil && !slices.Contains(enrollmentStatuses, *body.Status) {
		errs.add("Input should be 'pending', 'incomplete', 'active', 'paused' or 'cancelled'", "enum", "body", "status")
	}
	var params map[string]any
	if len(body.Parameters) > 0 && string(body.Parameters) != "null" {
		if err := json.Unmarshal(body.Parameters, &params); err != nil {
			errs.add("Input should be a valid dictionary", "dict_type", "body", "parameters")
		}
	}
	sensitive := sensitiveKeys(r, params, &errs)
	if errs.write(w) {
		return
	}
	s, ok := a.catalog.Service(*body.ServiceID)
	if !ok {
		writeDetail(w, http.StatusNotFound, "Service '"+*body.ServiceID+"' not found")
		return
	}
	if s.EnrollmentMode == "disallowed" {
		unprocessable(w, fmt.Sprintf("Service '%s' (%s) does not accept enrollments (its enrollment mode is disallowed); use it directly, without enrolling.", s.Name, s.ID),
			"value_error", "body", "service_id")
		return
	}
	outcome := store.EnrollmentActive
	if len(missingParameters(s, params)) > 0 {
		outcome = store.EnrollmentIncomplete
	}
	e, reactivated, err := a.store.Enroll(r.Context(), p, store.EnrollmentWrite{
		ServiceID: s.ID, Parameters: params, SensitiveKeys: sensitive, Shared: shared, Outcome: outcome,
		PendingUntil: a.store.Now().Add(a.activationDelay),
	})
	var dup *store.DuplicateEnrollmentError
	if errors.As(err, &dup) {
		writeDetail(w, http.StatusConflict, fmt.Sprintf("You already have a %s enrollment in service '%s' with these parameters (id %s). Use it, cancel it first, or enroll with different parameters.",
			dup.Existing.Status, s.Name, dup.Existing.ID))
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	msg := "Enrollment created; it is pending activation. Poll GET /enrollments/" + e.ID + " for its status."
	if reactivated {
		msg = "Cancelled enrollment with the same parameters reactivated; it is pending activation. Poll GET /enrollments/" + e.ID + " for its status."
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"id": e.ID, "service_id": e.ServiceID, "owner_id": e.RoleID, "status": e.Status,
		"task_id": uuid.NewString(), "message": msg,
	})
}

func (a *API) listEnrollments(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	skip := queryInt(r, "skip", 0, 0, 0, &errs)
	limit := queryInt(r, "limit", 100, 0, 0, &errs)
	details := queryBool(r, "include_service_details", true, &errs)
	// The spec's default is the team's shared enrollments; shared=false
	// lists the caller's personal ones.
	shared := queryBool(r, "shared", true, &errs)
	if errs.write(w) {
		return
	}
	scope := store.ScopePersonal
	if shared {
		scope = store.ScopeShared
	}
	es, err := a.store.ListEnrollments(r.Context(), p, scope)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	out := []enrollmentView{}
	for _, e := range page(es, skip, limit) {
		out = append(out, a.enrollmentView(e, details))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "count": len(es), "skip": skip, "limit": limit})
}

// enrollmentFromPath resolves {enrollment_id} for the caller, writing 422
// for a malformed id and 404 for one the caller cannot see.
func (a *API) enrollmentFromPath(w http.ResponseWriter, r *http.Request, p store.Principal) (*store.Enrollment, bool) {
	id, ok := pathID(w, r, "enrollment_id")
	if !ok {
		return nil, false
	}
	e, err := a.store.GetEnrollment(r.Context(), p, id)
	if errors.Is(err, store.ErrNotFound) {
		writeDetail(w, http.StatusNotFound, "Enrollment '"+id+"' not found")
		return nil, false
	}
	if err != nil {
		a.internal(w, r, err)
		return nil, false
	}
	return e, true
}

func (a *API) getEnrollment(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	details := queryBool(r, "include_service_details", true, &errs)
	if errs.write(w) {
		return
	}
	e, ok := a.enrollmentFromPath(w, r, p)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, a.enrollmentView(e, details))
}

func (a *API) cancelEnrollment(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	e, ok := a.enrollmentFromPath(w, r, p)
	if !ok {
		return
	}
	e, err := a.store.CancelEnrollment(r.Context(), p, e.ID)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"enrollment_id": e.ID, "status": e.Status,
		"message": "Enrollment cancelled. Enrolling again with the same parameters reactivates it."})
}

// enrollmentInterfaces are the interfaces the caller's active
// enrollments in s add to GET /services/{id}/interfaces.
func (a *API) enrollmentInterfaces(ctx context.Context, r *http.Request, s *catalog.Service) ([]accessInterface, error) {
	p, ok := optionalPrincipal(r)
	if !ok {
		return nil, nil
	}
	es, err := a.store.ServiceEnrollments(ctx, p, s.ID)
	if err != nil {
		return nil, err
	}
	var out []accessInterface
	for _, e := range es {
		if e.Status != store.EnrollmentActive {
			continue
		}
		id, u, method := e.ID, a.proxyEndpoint(e.Code), "http"
		desc := "Your enrollment " + e.Code + " in " + s.Name + ", reached with its own parameters."
		out = append(out, accessInterface{Name: "enrollment-" + strings.ToLower(e.Code), Description: &desc,
			AccessMethod: &method, BaseURL: &u, EnrollmentID: &id})
	}
	return out, nil
}

// dispatchable reports whether the caller can dispatch to s: it needs no
// enrollment, or the caller has an active one.
func (a *API) dispatchable(ctx context.Context, p store.Principal, s *catalog.Service) (bool, error) {
	if s.EnrollmentMode != "required" {
		return true, nil
	}
	return a.store.HasActiveEnrollment(ctx, p, s.ID)
}
