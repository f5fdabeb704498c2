package api

import (
	"net/http"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

func (a *API) routeRequestLogs() {
	a.handle("GET", "/request-logs", a.listRequestLogs)
	a.handle("POST", "/request-logs/start", a.startRequestLogging)
	a.handle("POST", "/request-logs/stop", a.stopRequestLogging)
	a.handle("GET", "/request-logs/{log_id}", a.getRequestLog)
}

// requestLogWindow is the default time window of a listing.
const requestLogWindow = 24 * time.Hour

// requestLogItem is RequestLogListItem.
type requestLogItem struct {
	LogID              string   `json:"log_id"`
	EventID            string   `json:"event_id"`
	EventTimestamp     string   `json:"event_timestamp"`
	GatewaySource      string   `json:"gateway_source"`
	CustomerID         *string  `json:"customer_id"`
	ServiceID          *string  `json:"service_id"`
	EnrollmentID       *string  `json:"service_enrollment_id"`
	Method             string   `json:"user_request_method"`
	Path               string   `json:"user_request_path"`
	StatusCode         *int     `json:"upstream_response_status_code"`
	TimeMS             *float64 `json:"upstream_response_time_ms"`
	ErrorSource        *string  `json:"error_source"`
	ErrorType          *string  `json:"error_type"`
	RecurrentRequestID *string  `json:"recurrent_request_id"`
}

func requestLogItemView(l *store.RequestLog) requestLogItem {
	return requestLogItem{LogID: l.ID, EventID: l.EventID, EventTimestamp: logTime(l.Timestamp), GatewaySource: l.GatewaySource,
		CustomerID: &l.CustomerID, ServiceID: l.ServiceID, EnrollmentID: l.EnrollmentID, Method: l.Method, Path: l.Path,
		StatusCode: l.StatusCode, TimeMS: l.TimeMS, ErrorSource: l.ErrorSource, ErrorType: l.ErrorType, RecurrentRequestID: l.RecurrentRequestID}
}

// requestLogDetailView is RequestLogDetail: the caller's request and the
// upstream's response as stored (credentials already redacted), never
// the upstream's URL or credentials.
func requestLogDetailView(l *store.RequestLog) map[string]any {
	v := map[string]any{
		"log_id": l.ID, "event_id": l.EventID, "event_timestamp": logTime(l.Timestamp), "gateway_source": l.GatewaySource,
		"customer_id": l.CustomerID, "user_id": l.UserID, "service_id": l.ServiceID, "service_enrollment_id": l.EnrollmentID,
		"recurrent_request_id": l.RecurrentRequestID,
		"user_request": map[string]any{"method": l.Method, "path": l.Path, "headers": l.RequestHeaders,
			"body": logBody(l.RequestBody), "content_type": l.RequestContentType},
		"upstream_response": nil, "usage_event": nil, "error": nil,
	}
	if l.HasResponse {
		v["upstream_response"] = map[string]any{"status_code": l.StatusCode, "headers": l.ResponseHeaders,
			"body": logBody(l.ResponseBody), "time_ms": l.TimeMS}
	}
	if l.UsageCharge != nil && l.UsageMetrics != nil {
		v["usage_event"] = map[string]string{"customer_charge": *l.UsageCharge, "usage_metrics": *l.UsageMetrics}
	}
	if l.ErrorType != nil {
		v["error"] = map[string]string{"category": *l.ErrorType, "request_id": l.EventID}
	}
	return v
}

func (a *API) listRequestLogs(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	q := r.URL.Query()
	f := store.RequestLogFilter{
		Skip:               queryInt(r, "skip", 0, 0, 0, &errs),
		Limit:              queryInt(r, "limit", 50, 1, 200, &errs),
		ServiceID:          queryUUID(r, "service_id", &errs),
		EnrollmentID:       queryUUID(r, "service_enrollment_id", &errs),
		RecurrentRequestID: queryUUID(r, "recurrent_request_id", &errs),
		Start:              queryTime(r, "start_time", &errs),
		End:                queryTime(r, "end_time", &errs),
		ErrorSource:        queryChoice(r, "error_source", []string{"gateway", "upstream"}, &errs),
		GatewaySource:      queryChoice(r, "gateway_source", []string{"apisix", "backend"}, &errs),
	}
	for name, dst := range map[string]**int{"status_min": &f.StatusMin, "status_max": &f.StatusMax} {
		if q.Has(name) {
			n := queryInt(r, name, 0, 100, 599, &errs)
			*dst = &n
		}
	}
	for name, dst := range map[string]**string{"user_request_path": &f.PathPrefix, "error_type": &f.ErrorType} {
		if v := q.Get(name); v != "" {
			*dst = &v
		}
	}
	if errs.write(w) {
		return
	}
	if f.Start.IsZero() && f.End.IsZero() {
		f.Start = a.store.Now().Add(-requestLogWindow)
	}
	rows, total, err := a.store.ListRequestLogs(r.Context(), p, f)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	items := make([]requestLogItem, 0, len(rows))
	for _, l := range rows {
		items = append(items, requestLogItemView(l))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": total, "skip": f.Skip, "limit": f.Limit, "items": items})
}

func (a *API) getRequestLog(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "log_id")
	if !ok {
		return
	}
	l, err := a.store.GetRequestLog(r.Context(), p, id)
	if a.failed(w, r, err, func() { writeDetail(w, http.StatusNotFound, "Request log "+id+" not found") }) {
		return
	}
	writeJSON(w, http.StatusOK, requestLogDetailView(l))
}

// startRequestLogging turns the caller's logging on; truncate_long_message
// picks the mode (absent keeps the stored one). Idempotent.
func (a *API) startRequestLogging(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	var truncate *bool
	if r.URL.Query().Has("truncate_long_message") {
		v := queryBool(r, "truncate_long_message", true, &errs)
		truncate = &v
	}
	if errs.write(w) {
		return
	}
	a.setRequestLogging(w, r, p, true, truncate)
}

// stopRequestLogging turns the caller's logging off; stored rows stay.
// Idempotent.
func (a *API) stopRequestLogging(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	a.setRequestLogging(w, r, p, false, nil)
}

func (a *API) setRequestLogging(w http.ResponseWriter, r *http.Request, p store.Principal, on bool, truncate *bool) {
	pref, err := a.store.SetRequestLogging(r.Context(), p.UserID, on, truncate)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"enabled": pref.Enabled})
}
