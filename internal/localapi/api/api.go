// Package api serves unitysvc-local's control plane: the customer API's
// routes under /v1, with the spec's shapes, codes and rules.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Options configures the API.
type Options struct {
	Store   *store.Store
	Catalog *catalog.Catalog
	// GatewayURL is the gateway's base URL, used in interface URLs and
	// proxy endpoints.
	GatewayURL string
	// EnrollmentActivationDelay is how long a new enrollment stays
	// pending; zero means 1s.
	EnrollmentActivationDelay time.Duration
	Logger                    *slog.Logger
	// Router resolves POST /resolve (resolve.go); Scheduler plans and
	// triggers recurrent requests (recurrent_requests.go).
	Router    *routing.Router
	Scheduler *scheduler.Scheduler
}

// API is the control-plane handler set.
type API struct {
	store   *store.Store
	catalog *catalog.Catalog
	gateway string
	log     *slog.Logger
	mux     *http.ServeMux
	// activationDelay is Options.EnrollmentActivationDelay resolved.
	activationDelay time.Duration
	router          *routing.Router
	scheduler       *scheduler.Scheduler
	// routes lists every route as "METHOD /path" (below /v1).
	routes []string
}

// Routes lists every API route as "METHOD /path", the path below /v1 as
// registered (tests hold their coverage against it).
func (a *API) Routes() []string { return append([]string(nil), a.routes...) }

// New returns the API handler.
func New(opts Options) *API {
	a := &API{store: opts.Store, catalog: opts.Catalog, gateway: strings.TrimRight(opts.GatewayURL, "/"), log: opts.Logger, mux: http.NewServeMux()}
	a.activationDelay = opts.EnrollmentActivationDelay
	a.router, a.scheduler = opts.Router, opts.Scheduler
	if a.activationDelay <= 0 {
		a.activationDelay = time.Second
	}
	if a.log == nil {
		a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	a.routeSecrets()
	a.routeCatalog()
	a.routeDocuments()         // documents.go
	a.routeEnrollments()       // enrollments.go
	a.routeCollections()       // collections.go
	a.routeChains()            // chains.go
	a.routeBroadcasts()        // broadcasts.go
	a.routeAliases()           // aliases.go
	a.routeRecurrentRequests() // recurrent_requests.go
	a.routeResolve()           // resolve.go
	a.routeRequestLogs()       // request_logs.go
	return a
}

// ServeHTTP answers a path or method no route has, authenticates the
// caller and dispatches. Every answer is JSON, even a panic's.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			a.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			writeDetail(w, http.StatusInternalServerError, "Internal server error")
		}
	}()
	if a.noRoute(w, r) {
		return
	}
	if h := r.Header.Get("Authorization"); h != "" {
		// The scheme is case-insensitive (RFC 9110, section 11.1).
		scheme, key, _ := strings.Cut(strings.TrimSpace(h), " ")
		key = strings.TrimSpace(key)
		if !strings.EqualFold(scheme, "Bearer") || key == "" {
			writeDetail(w, http.StatusUnauthorized, "Invalid authentication credentials: expected 'Authorization: Bearer <api key>'")
			return
		}
		p, err := a.store.Authenticate(r.Context(), key)
		if errors.Is(err, store.ErrNotFound) {
			writeDetail(w, http.StatusUnauthorized, "Invalid API key")
			return
		}
		if err != nil {
			a.internal(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
	}
	a.mux.ServeHTTP(w, r)
}

// noRoute answers, as FastAPI does but in JSON, a request no route
// serves: 405 with Allow for a known path and another method, 404
// otherwise, including paths the router would clean and redirect (whose
// redirects are HTML). It reports whether it answered.
func (a *API) noRoute(w http.ResponseWriter, r *http.Request) bool {
	if p := r.URL.Path; p != cleanPath(p) {
		writeDetail(w, http.StatusNotFound, "Not Found")
		return true
	}
	h, pattern := a.mux.Handler(r)
	if pattern != "" {
		return false
	}
	probe := &headerProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		writeDetail(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return true
	}
	writeDetail(w, http.StatusNotFound, "Not Found")
	return true
}

// cleanPath is path.Clean keeping a trailing slash: the form the router
// serves without redirecting.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// headerProbe records what the router's own 404/405 handler would send,
// to answer it in JSON instead.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(code int)        { p.status = code }

// handle registers h for one method and API path (below /v1). A path
// ending in "/" is served with and without the slash, as FastAPI does.
func (a *API) handle(method, path string, h http.HandlerFunc) {
	a.routes = append(a.routes, method+" "+path)
	if strings.HasSuffix(path, "/") {
		a.mux.HandleFunc(method+" /v1"+path+"{$}", h)
		a.mux.HandleFunc(method+" /v1"+strings.TrimSuffix(path, "/"), h)
		return
	}
	a.mux.HandleFunc(method+" /v1"+path, h)
	a.mux.HandleFunc(method+" /v1"+path+"/{$}", h)
}

type principalKey struct{}

// principal returns the authenticated caller, or writes 401 and false.
func principal(w http.ResponseWriter, r *http.Request) (store.Principal, bool) {
	p, ok := r.Context().Value(principalKey{}).(store.Principal)
	if !ok {
		writeDetail(w, http.StatusUnauthorized, "Not authenticated: send 'Authorization: Bearer <api key>'")
	}
	return p, ok
}

// optionalPrincipal returns the caller when authenticated.
func optionalPrincipal(r *http.Request) (store.Principal, bool) {
	p, ok := r.Context().Value(principalKey{}).(store.Principal)
	return p, ok
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeDetail writes FastAPI's {"detail": "..."} error body.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string]string{"detail": detail})
}

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

func (a *API) internal(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "error", err)
	writeDetail(w, http.StatusInternalServerError, "Internal server error")
}

// failed answers a store error and reports whether there was one: notFound
// writes the 404 for store.ErrNotFound, anything else is a 500.
func (a *API) failed(w http.ResponseWriter, r *http.Request, err error, notFound func()) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrNotFound):
		notFound()
	default:
		a.internal(w, r, err)
	}
	return true
}

// writePage writes a {data, count} listing: the skip/limit window of
// items, each rendered with view, and the total count.
func writePage[T, V any](w http.ResponseWriter, items []T, skip, limit int, view func(T) V) {
	out := make([]V, 0, len(items))
	for _, it := range page(items, skip, limit) {
		out = append(out, view(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "count": len(items)})
}

// page applies skip/limit to a slice.
func page[T any](items []T, skip, limit int) []T {
	if skip >= len(items) {
		return []T{}
	}
	items = items[skip:]
	if limit >= 0 && limit < len(items) {
		items = items[:limit]
	}
	return items
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
