// Package client is a typed Go client for the UnitySVC customer API.
//
// It knows nothing about Terraform. Each API area lives in its own file;
// this file holds the transport: base URL, bearer authentication, user
// agent, timeouts and retries with backoff and jitter.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// DefaultBaseURL is the UnitySVC customer API's production base URL.
const DefaultBaseURL = "https://api.unitysvc.com/v1"

// Config configures a Client.
type Config struct {
	// BaseURL is the API base URL including the version prefix, for
	// example https://api.unitysvc.com/v1.
	BaseURL string
	// APIKey is sent as "Authorization: Bearer <key>"; empty means
	// anonymous (catalog reads only).
	APIKey string
	// UserAgent is sent on every request.
	UserAgent string
	// Timeout bounds each HTTP attempt. Zero means 30s.
	Timeout time.Duration
	// MaxRetries bounds retries after the first attempt.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts
	// (Retry-After from the server takes precedence). Zero means 500ms/30s.
	RetryWaitMin, RetryWaitMax time.Duration
	// Logger, when set, receives one line per attempt (method, path,
	// status, attempt); never headers or bodies.
	Logger func(ctx context.Context, msg string, fields map[string]any)
	// HTTPClient overrides the underlying HTTP client (tests).
	HTTPClient *http.Client
}

// Client talks to the UnitySVC customer API.
type Client struct {
	base   *url.URL
	apiKey string
	ua     string
	http   *retryablehttp.Client
	log    func(ctx context.Context, msg string, fields map[string]any)

	// baseOK records that the base URL answered like the UnitySVC API
	// (see verifyBase).
	baseMu sync.Mutex
	baseOK bool
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid API URL %q: want an absolute http(s) URL such as %s", cfg.BaseURL, DefaultBaseURL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = 500 * time.Millisecond
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 30 * time.Second
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	hc.Timeout = cfg.Timeout

	rc := retryablehttp.NewClient()
	rc.HTTPClient = hc
	rc.Logger = nil
	rc.RetryMax = cfg.MaxRetries
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	c := &Client{base: u, apiKey: cfg.APIKey, ua: cfg.UserAgent, http: rc, log: cfg.Logger}
	rc.RequestLogHook = func(_ retryablehttp.Logger, r *http.Request, attempt int) {
		if n, ok := r.Context().Value(attemptsKey{}).(*int); ok {
			*n = attempt + 1
		}
		if c.log != nil {
			c.log(r.Context(), "unitysvc API request", map[string]any{"method": r.Method, "path": r.URL.Path, "attempt": attempt + 1})
		}
	}
	if c.log != nil {
		rc.ResponseLogHook = func(_ retryablehttp.Logger, r *http.Response) {
			c.log(r.Request.Context(), "unitysvc API response", map[string]any{"method": r.Request.Method, "path": r.Request.URL.Path, "status": r.StatusCode})
		}
	}
	return c, nil
}

// BaseURL returns the API base URL the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// HasAPIKey reports whether requests are authenticated.
func (c *Client) HasAPIKey() bool { return c.apiKey != "" }

type idempotencyKey struct{}

// attemptsKey holds an *int counting the attempts of one request.
type attemptsKey struct{}

// checkRetry retries idempotent requests on 429, 5xx (except 501) and
// transport errors. Non-idempotent requests (POST) are retried only on 429
// or when the connection was never established, so a retry can never
// create a second object.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	idempotent, _ := ctx.Value(idempotencyKey{}).(bool)
	if err != nil {
		if !idempotent && !neverSent(err) {
			return false, nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, nil
	}
	if !idempotent {
		return false, nil
	}
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented {
		return true, nil
	}
	return false, nil
}

// neverSent reports whether err happened before the request could reach
// the server (DNS failure or refused connection).
func neverSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// backoff honours Retry-After on 429/503 and otherwise waits an
// exponentially growing interval with full jitter in its upper half.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) && resp.Header.Get("Retry-After") != "" {
		return retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp)
	}
	d := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// request describes one API call.
type request struct {
	method string
	path   string // relative to the base URL, starting with "/"
	query  url.Values
	body   any
	// baseCheck marks verifyBase's own request, whose 404 must not
	// trigger another check.
	baseCheck bool
	// once marks a PUT that creates: like a POST, it is never sent again
	// once it may have reached the server, so that a repeat cannot turn
	// into an update the caller would mistake for someone else's.
	once bool
	// repeatable marks a POST whose repeat has the same effect as one
	// send (a switch to a given state), so it is retried like a PUT.
	repeatable bool
	// header holds extra request headers.
	header http.Header
	// respHeader, when set, receives the headers of a 2xx answer.
	respHeader *http.Header
}

// do performs r and decodes a 2xx JSON body into out (when non-nil). It
// returns the HTTP status code.
func (c *Client) do(ctx context.Context, r request, out any) (int, error) {
	u, err := url.Parse(c.base.String() + r.path)
	if err != nil {
		return 0, fmt.Errorf("building %s %s request: %w", r.method, r.path, err)
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var body any
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return 0, fmt.Errorf("encoding %s %s request: %w", r.method, r.path, err)
		}
		body = b
	}
	idempotent := (r.method != http.MethodPost || r.repeatable) && !r.once
	attempts := 0
	ctx = context.WithValue(context.WithValue(ctx, idempotencyKey{}, idempotent), attemptsKey{}, &attempts)
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return 0, fmt.Errorf("building %s %s request: %w", r.method, r.path, err)
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, &TransportError{Method: r.method, Path: r.path, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return resp.StatusCode, &TransportError{Method: r.method, Path: r.path, Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(r.method, r.path, resp.StatusCode, data)
		apiErr.URL, apiErr.Attempts = u.String(), attempts
		if apiErr.StatusCode == http.StatusNotFound && !apiErr.NoSuchRoute && !r.baseCheck {
			// Only the UnitySVC API's own 404 means "no such object":
			// make sure, once, that the base URL is that API.
			if err := c.verifyBase(ctx); err != nil {
				var base *APIError
				if errors.As(err, &base) && base.NoSuchRoute {
					apiErr.NoSuchRoute = true
					return resp.StatusCode, apiErr
				}
				return resp.StatusCode, err
			}
		}
		return resp.StatusCode, apiErr
	}
	if r.respHeader != nil {
		*r.respHeader = resp.Header
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decoding %s %s response (HTTP %d): %w", r.method, r.path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode, nil
}

// call performs r and decodes the 2xx answer into a new T.
func call[T any](ctx context.Context, c *Client, r request) (*T, error) {
	var out T
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// pathf builds a request path, escaping each argument as one path
// segment so a name holding "/" or "?" cannot address another route.
func pathf(format string, args ...string) string {
	esc := make([]any, len(args))
	for i, a := range args {
		esc[i] = url.PathEscape(a)
	}
	return fmt.Sprintf(format, esc...)
}

// PageSize is the page size the List* helpers ask for on the API's
// skip/limit listings (the API's default).
const PageSize = 100

// allPages follows a skip/limit listing to its last page. fetch returns
// one page's items and the total count the API reports.
func allPages[T any](fetch func(skip, limit int) (items []T, count int, err error)) ([]T, error) {
	var all []T
	for {
		items, count, err := fetch(len(all), PageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) == 0 || len(items) < PageSize || len(all) >= count {
			return all, nil
		}
	}
}

// baseCheckName is the group name verifyBase filters by: no group has
// it, so the answer is an empty listing.
const baseCheckName = "unitysvc-api-check"

// verifyBase checks, once per client, that the base URL is the UnitySVC
// customer API before a 404 is believed to mean "this object does not
// exist": a wrong api_url (another server, another version, the gateway)
// can answer 404 with a detail of its own to every path. It asks for a
// listing every server of the API serves, even anonymously. A base that
// does not answer it is reported as an *APIError with NoSuchRoute set.
func (c *Client) verifyBase(ctx context.Context) error {
	c.baseMu.Lock()
	defer c.baseMu.Unlock()
	if c.baseOK {
		return nil
	}
	var page struct {
		Data *json.RawMessage `json:"data"`
	}
	q := url.Values{"owner": {"system"}, "name": {baseCheckName}}
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/groups", query: q, baseCheck: true}, &page)
	var apiErr *APIError
	switch {
	case err == nil && page.Data != nil:
		c.baseOK = true
		return nil
	case err == nil:
		return &APIError{StatusCode: http.StatusOK, Method: http.MethodGet, Path: "/groups", URL: c.base.String() + "/groups",
			Detail: "the answer is not a UnitySVC group listing", NoSuchRoute: true}
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusNotFound || apiErr.StatusCode == http.StatusMethodNotAllowed || apiErr.StatusCode == http.StatusNotImplemented):
		apiErr.NoSuchRoute = true
		return apiErr
	}
	return err
}
