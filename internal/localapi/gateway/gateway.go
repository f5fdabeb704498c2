// Package gateway is unitysvc-local's data plane: it authenticates a
// request, resolves its path primitive (/g, /p, /e, /a, /c, /b) with the
// routing package, calls the chosen upstream and passes the answer
// through unbuffered, runs chains and broadcasts, and writes request-log
// rows for users who started logging.
package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/upstream"
)

// Gateway sources, as request logs record them.
const (
	SourceDispatch = "apisix"  // a request to the gateway
	SourceBackend  = "backend" // a scheduled or triggered run
)

// Defaults.
const (
	// DefaultTimeout bounds the wait for an upstream's answer (its
	// response headers) outside chains and broadcasts, which set their own.
	DefaultTimeout = 120 * time.Second
	// maxBody is the largest request body the gateway accepts.
	maxBody = 32 << 20
)

// Options configures a Gateway.
type Options struct {
	Store   *store.Store
	Catalog *catalog.Catalog
	Router  *routing.Router
	// BuiltinURL is where the built-in upstreams are served. With Builtin
	// set, the gateway serves requests for that URL's host in process
	// with Builtin instead of calling it over the network.
	BuiltinURL string
	Builtin    http.Handler
	// APIURL is the control plane's base URL (ending in /v1), named in
	// the answer to paths that are not gateway routes.
	APIURL string
	// Timeout replaces DefaultTimeout when set.
	Timeout time.Duration
	// Transport replaces the gateway's HTTP transport to upstreams.
	Transport http.RoundTripper
	Logger    *slog.Logger
}

// Gateway is the data-plane handler.
type Gateway struct {
	store   *store.Store
	catalog *catalog.Catalog
	router  *routing.Router
	builtin string
	apiURL  string
	timeout time.Duration
	client  *http.Client
	log     *slog.Logger
	cache   *memoCache
	tees    inflight
	// endpoints caches resolved upstream endpoints (forward.go).
	endpoints *lru.Cache[endpointKey, endpointEntry]
}

// endpointCacheSize bounds the endpoint cache: one entry per service,
// enrollment and user in use.
const endpointCacheSize = 4096

// New returns the gateway.
func New(opts Options) *Gateway {
	g := &Gateway{store: opts.Store, catalog: opts.Catalog, router: opts.Router, builtin: opts.BuiltinURL,
		apiURL: opts.APIURL, timeout: opts.Timeout, log: opts.Logger, cache: newMemoCache()}
	g.endpoints, _ = lru.New[endpointKey, endpointEntry](endpointCacheSize) // fails only for a size <= 0
	if g.timeout <= 0 {
		g.timeout = DefaultTimeout
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	tr := opts.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:               nil, // upstreams are called directly, never through $HTTP_PROXY
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        1024,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true, // pass bodies through as the upstream encoded them
		}
	}
	if u, err := url.Parse(opts.BuiltinURL); err == nil && opts.Builtin != nil && u.Host != "" {
		tr = &splitTransport{host: u.Host, local: upstream.InProcess{Handler: opts.Builtin}, remote: tr}
	}
	g.client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return g
}

// splitTransport serves one host in process and sends the rest on.
type splitTransport struct {
	host          string
	local, remote http.RoundTripper
}

func (t *splitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == t.host {
		return t.local.RoundTrip(r)
	}
	return t.remote.RoundTrip(r)
}

// routes lists the primitives, for messages.
const routes = "/g/<group>, /p/<service-id>, /e/<enrollment-code>, /a/<alias>, /c/<chain> and /b/<broadcast>"

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
		return
	}
	path := r.URL.EscapedPath()
	full := path
	if r.URL.RawQuery != "" {
		full += "?" + r.URL.RawQuery
	}
	c, gerr := parseCall(full)
	if gerr != nil {
		writeError(w, gerr)
		return
	}
	if _, ok := routing.ParsePath(c.route); !ok {
		writeDetail(w, http.StatusNotFound, g.notARoute(path))
		return
	}
	p, ok := g.authenticate(w, r)
	if !ok {
		return
	}
	body, err := readRequestBody(r)
	if err != nil {
		writeDetail(w, http.StatusBadRequest, "could not read the request body: "+err.Error())
		return
	}
	if len(body) > maxBody {
		writeDetail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the gateway's limit of %d MiB", maxBody>>20))
		return
	}
	req, err := g.newRequest(r.Context(), p, r.Method, path, r.Header, body, SourceDispatch, nil)
	if err != nil {
		g.log.Error("gateway: reading the logging preference", "error", err)
		writeDetail(w, http.StatusInternalServerError, "Internal server error")
		return
	}
	req.hopsFrom(r.Header)
	clearWrite(http.NewResponseController(w))
	res := g.dispatchCall(r.Context(), req, full, c, g.timeout, "")
	if req.hopped {
		w.Header().Set(HopHeader, hopValue(req.depth, req.budget.root().used))
	}
	g.write(w, res)
}

// readRequestBody reads the caller's body, at most maxBody+1 bytes,
// into a buffer of its announced length (io.ReadAll's growing buffer
// read a 1 KB body in four allocations).
func readRequestBody(r *http.Request) ([]byte, error) {
	if r.ContentLength < 0 || r.ContentLength > maxBody {
		return io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	}
	buf := make([]byte, r.ContentLength+1) // +1: a body longer than announced shows
	n, err := io.ReadFull(r.Body, buf)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return buf[:n], nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1-int64(n)))
	return append(buf, rest...), err
}

// notARoute explains a path that is no gateway route: most often the
// control-plane API's URL used as the gateway's, or the reverse.
func (g *Gateway) notARoute(path string) string {
	api := "under /v1 on the API port"
	if g.apiURL != "" {
		api = "at " + g.apiURL
	}
	msg := fmt.Sprintf("'%s' is not a route of the unitysvc-local gateway (the data plane), which serves %s followed by the upstream's path, e.g. /g/llm/v1/chat/completions. The control-plane API is served %s", path, routes, api)
	if strings.HasPrefix(path, "/v1/") || path == "/v1" {
		msg += ": set api_url (UNITYSVC_API_URL) to the API's URL and gateway_url (UNITYSVC_API_BASE_URL) to this gateway's"
	}
	_, rest := routing.SplitWrappers(path)
	if p, _, _ := strings.Cut(rest, "/"); len(p) == 1 && strings.ContainsAny(p, routing.Reserved) {
		msg = reservedPrefix(p)
	}
	return msg
}

// authenticate reads the caller's key from "Authorization: Bearer" or
// "x-api-key".
func (g *Gateway) authenticate(w http.ResponseWriter, r *http.Request) (store.Principal, bool) {
	key := strings.TrimSpace(r.Header.Get("X-Api-Key"))
	if h := r.Header.Get("Authorization"); h != "" {
		// The scheme is case-insensitive (RFC 9110 section 11.1).
		scheme, k, _ := strings.Cut(strings.TrimSpace(h), " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(k) == "" {
			writeDetail(w, http.StatusUnauthorized, "Invalid authentication credentials: expected 'Authorization: Bearer <api key>' or 'x-api-key: <api key>'")
			return store.Principal{}, false
		}
		key = strings.TrimSpace(k)
	}
	if key == "" {
		writeDetail(w, http.StatusUnauthorized, "Not authenticated: send your API key as 'Authorization: Bearer <api key>' or 'x-api-key: <api key>'")
		return store.Principal{}, false
	}
	p, err := g.store.Authenticate(r.Context(), key)
	if errors.Is(err, store.ErrNotFound) {
		writeDetail(w, http.StatusUnauthorized, "Invalid API key")
		return p, false
	}
	if err != nil {
		g.log.Error("gateway: authenticating", "error", err)
		writeDetail(w, http.StatusInternalServerError, "Internal server error")
		return p, false
	}
	return p, true
}

// request is one call through the gateway as it travels through
// aliases, chain steps and broadcast targets.
type request struct {
	principal store.Principal
	method    string
	// userPath is the path the caller requested, with a leading slash.
	userPath    string
	query       string
	header      http.Header // the caller's headers, without credentials
	body        []byte
	event       string
	source      string
	recurrentID *string
	logging     store.LoggingPreference
	depth       int
	// budget is what the incoming request may still attempt; trail the
	// aliases, chains and broadcasts it went through (budget.go). hopped
	// is set when another gateway sent it.
	budget *budget
	trail  []string
	hopped bool
	// wrapper is the wrapper this request runs for: f (a failover
	// secondary), t (a tee copy), m (a cache hit); empty otherwise.
	wrapper string
}

func (g *Gateway) newRequest(ctx context.Context, p store.Principal, method, path string, h http.Header, body []byte, source string, recurrentID *string) (*request, error) {
	pref, err := g.store.RequestLogging(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	path, _ = routing.SplitQuery(path)
	var event string
	if pref.Enabled {
		event = uuid.NewString() // only request logs show it
	}
	return &request{principal: p, method: method, userPath: "/" + strings.TrimLeft(path, "/"), header: forwardable(h),
		body: body, event: event, source: source, recurrentID: recurrentID, logging: pref, budget: newBudget(0)}, nil
}

// with returns a copy of the request carrying body, one level deeper.
func (r *request) with(body []byte) *request {
	c := *r
	c.body = body
	c.depth++
	return &c
}

// withQuery returns a copy of the request whose upstream query also has
// query's parameters.
func (r *request) withQuery(query string) *request {
	if query == "" {
		return r
	}
	c := *r
	if c.query == "" {
		c.query = query
	} else {
		c.query += "&" + query
	}
	return &c
}

// dispatch answers a gateway-relative path, which may carry wrappers and
// a query. timeout bounds the wait for the upstream; label names what
// set it, for the timeout's message.
func (g *Gateway) dispatch(ctx context.Context, req *request, path string, timeout time.Duration, label string) *result {
	return g.dispatchCall(ctx, req, path, nil, timeout, label)
}

// dispatchCall is dispatch with path already parsed into c (nil: not
// yet parsed).
func (g *Gateway) dispatchCall(ctx context.Context, req *request, path string, c *call, timeout time.Duration, label string) *result {
	if res := g.enter(ctx, req, path); res != nil {
		return res
	}
	if c == nil {
		var gerr *gwError
		if c, gerr = parseCall(path); gerr != nil {
			return g.refuse(ctx, req, path, gerr)
		}
	}
	if c.wrappers != "" {
		return g.wrapped(ctx, req, c, timeout, label)
	}
	path = c.route
	req = req.withQuery(c.query)
	rt, ok := routing.ParsePath(path)
	if !ok {
		return g.refuse(ctx, req, path, noRoute(http.StatusNotFound, "'%s' is not a gateway route: a target path starts with g/, p/, e/, a/, c/ or b/ and a name", path))
	}
	switch rt.Prefix {
	case "a":
		return g.alias(ctx, req, rt, timeout, label)
	case "c", "b":
		run := g.chain
		if rt.Prefix == "b" {
			run = g.broadcast
		}
		if label == "" {
			return run(ctx, req, rt) // its steps or targets bound themselves
		}
		// A chain or broadcast that is itself a step or target is bounded
		// by that step's or target's timeout too.
		return g.bounded(ctx, timeout, label, func(ctx context.Context) *result { return run(ctx, req, rt) })
	}
	body, gerr := readBody(req.body)
	if gerr != nil {
		return g.refuse(ctx, req, path, gerr)
	}
	sub := upstreamSubPath(rt.Rest, req.method, body)
	if rt.Prefix == "g" && sub == "v1/models" && req.method == http.MethodGet {
		return g.models(ctx, req, path)
	}
	plan, err := g.router.Resolve(ctx, req.principal, path, body.key, "")
	if err != nil {
		return g.refuse(ctx, req, path, g.routingError(err))
	}
	if plan.KeyRequired && body.key == nil && !body.json && len(bytes.TrimSpace(req.body)) > 0 {
		return g.refuse(ctx, req, path, badRequest(http.StatusBadRequest, "the request body must be a JSON object with a model (the routing key): %s %s is keyed and its models are: %s", plan.Kind, plan.Name, strings.Join(plan.Keys, ", ")))
	}
	cand, err := plan.Pick(req.body)
	if err != nil {
		res := &result{err: g.routingError(err)}
		g.attempt(req, path, plan.Target).done(res, nil)
		return res
	}
	return g.bounded(ctx, timeout, label, func(ctx context.Context) *result {
		return g.forward(ctx, req, path, cand, sub)
	})
}

func (g *Gateway) routingError(err error) *gwError {
	var rerr *routing.Error
	if errors.As(err, &rerr) {
		return fromRouting(rerr)
	}
	g.log.Error("gateway: routing", "error", err)
	return &gwError{status: http.StatusInternalServerError, source: "gateway", typ: errInternal, detail: "Internal server error while routing the request"}
}

// alias follows /a/<name> to its target, merging its routing-key
// override into the body.
func (g *Gateway) alias(ctx context.Context, req *request, rt routing.Route, timeout time.Duration, label string) *result {
	path := "a/" + rt.Name
	body, gerr := readBody(req.body)
	if gerr != nil {
		return g.refuse(ctx, req, path, gerr)
	}
	t, err := g.router.FollowAlias(ctx, req.principal, rt.Name, rt.Rest, body.key)
	if err != nil {
		return g.refuse(ctx, req, path, g.routingError(err))
	}
	return g.dispatch(ctx, req.with(mergeBody(req.body, t.Override)), t.Path, timeout, label)
}

// mergeBody sets override's fields in a JSON object body (an empty body
// becomes the override); a body that is not an object is left alone.
func mergeBody(body []byte, override map[string]any) []byte {
	if len(override) == 0 {
		return body
	}
	obj := map[string]json.RawMessage{}
	if len(strings.TrimSpace(string(body))) > 0 && json.Unmarshal(body, &obj) != nil {
		return body
	}
	for k, v := range override {
		b, _ := json.Marshal(v)
		obj[k] = b
	}
	out, _ := json.Marshal(obj)
	return out
}

// models answers GET /g/<name>/v1/models: the target's routing keys in
// OpenAI's list format.
func (g *Gateway) models(ctx context.Context, req *request, path string) *result {
	plan, err := g.router.Resolve(ctx, req.principal, path, nil, "")
	if err != nil {
		return g.refuse(ctx, req, path, g.routingError(err))
	}
	data := make([]any, 0, len(plan.Keys))
	for _, k := range plan.Keys {
		data = append(data, map[string]any{"id": k, "object": "model", "created": 0, "owned_by": "unitysvc"})
	}
	b, _ := json.Marshal(map[string]any{"object": "list", "data": data})
	return buffered(http.StatusOK, b)
}
