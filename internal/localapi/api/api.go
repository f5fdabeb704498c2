// Package api serves unitysvc-local's control plane: the customer API's
// routes under /v1, with the spec's shapes, codes and rules.
package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/files"
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
	// Files stores account files; nil keeps them in memory.
	Files *files.Store
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
	files  *files.Store
}

// Routes lists every API route as "METHOD /path", the path below /v1 as
// registered (tests hold their coverage against it).
func (a *API) Routes() []string { return append([]string(nil), a.routes...) }

// New returns the API handler.
func New(opts Options) *API {
	a := &API{store: opts.Store, catalog: opts.Catalog, gateway: strings.TrimRight(opts.GatewayURL, "/"), log: opts.Logger, mux: http.NewServeMux()}
	a.activationDelay = opts.EnrollmentActivationDelay
	a.router, a.scheduler = opts.Router, opts.Scheduler
	a.files = opts.Files
	if a.files == nil {
		a.files, _ = files.New("") // in memory: cannot fail but for the random source
	}
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
	a.routeFiles()             // files.go
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
