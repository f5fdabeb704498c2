package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/upstream"
)

// result is an answer: an upstream's response (status, header, body) or
// the gateway's own error.
type result struct {
	status int
	header http.Header
	body   io.ReadCloser // nil with err
	err    *gwError
	// contentLength is the body's length, -1 when unknown (a stream).
	contentLength int64
	service       *catalog.Service
	enrollment    *store.Enrollment
	// step is the chain step that answered.
	step string
	// finish records the attempt (request log, latency) once the body has
	// been read; release stops the deadline that bounded it, for an
	// answer streamed to the caller.
	finish  func()
	release func()
}

func buffered(status int, body []byte) *result {
	return &result{status: status, header: http.Header{"Content-Type": {"application/json"}},
		body: io.NopCloser(bytes.NewReader(body)), contentLength: int64(len(body))}
}

// failed reports whether a chain step with this answer failed: a 5xx, a
// 429, a timeout or a transport error.
func (r *result) failed() bool {
	if r.err != nil {
		return r.err.status >= 500 || r.err.status == http.StatusTooManyRequests || r.err.typ == errTimeout || r.err.typ == errTransport
	}
	return r.status >= 500 || r.status == http.StatusTooManyRequests
}

// close discards what is left of the body and records the attempt.
func (r *result) close() {
	if r.body != nil {
		r.body.Close()
	}
	if r.finish != nil {
		r.finish()
	}
	if r.release != nil {
		r.release()
	}
}

// readAll buffers the body (bounded by the deadline that bounds the
// result, and by maxHeld), closing it; a failed read becomes the
// result's error, a body past maxHeld a 502.
func (r *result) readAll() []byte {
	return r.readAtMost(maxHeld)
}

// readAtMost is readAll with a limit of its own: a body longer than
// limit is not read further and becomes a 502.
func (r *result) readAtMost(limit int64) []byte {
	if r.body == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(r.body, limit+1))
	r.close()
	if int64(len(b)) > limit && r.err == nil {
		who := "the upstream"
		if r.service != nil {
			who = "the upstream of service '" + r.service.Name + "'"
		}
		r.err = &gwError{status: http.StatusBadGateway, source: "upstream", typ: errTransport,
			detail: fmt.Sprintf("%s answered with more than %d MiB, the most the gateway holds to relay it, to collect a broadcast's results or for a scheduled or triggered run", who, limit>>20)}
		return nil
	}
	if err != nil && r.err == nil {
		r.err = &gwError{status: http.StatusBadGateway, source: "upstream", typ: errTransport, detail: "the upstream's answer broke off: " + err.Error()}
		var te *timeoutError
		if errors.As(err, &te) {
			r.err = te.gwError(r.service)
		}
	}
	return b
}

// timeoutError is the cause of a context a deadline cancelled.
type timeoutError struct {
	timeout time.Duration
	label   string
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no answer within %d ms", e.timeout.Milliseconds())
}

func (e *timeoutError) gwError(s *catalog.Service) *gwError {
	who := "the upstream"
	if s != nil {
		who = "the upstream of service '" + s.Name + "'"
	}
	d := fmt.Sprintf("%s did not answer within %d ms", who, e.timeout.Milliseconds())
	if e.label != "" {
		d += " (the timeout of " + e.label + ")"
	}
	return &gwError{status: http.StatusGatewayTimeout, source: "upstream", typ: errTimeout, detail: d}
}

// bounded runs fn with a deadline: past timeout its context is cancelled
// with a *timeoutError cause. The deadline keeps bounding the result's
// body until the result is released (streamed to the caller) or closed.
func (g *Gateway) bounded(ctx context.Context, timeout time.Duration, label string, fn func(context.Context) *result) *result {
	ctx, cancel := context.WithCancelCause(ctx)
	cause := &timeoutError{timeout: timeout, label: label}
	var timedOut atomic.Bool
	timer := time.AfterFunc(timeout, func() {
		timedOut.Store(true)
		cancel(cause)
	})
	res := fn(ctx)
	if timedOut.Load() && res.err != nil && res.err.typ != errTimeout {
		res.close()
		res = &result{err: cause.gwError(res.service), service: res.service, enrollment: res.enrollment}
	}
	prev := res.release
	res.release = func() {
		timer.Stop()
		if prev != nil {
			prev()
		}
	}
	if res.body == nil {
		res.release()
		cancel(nil)
	} else {
		body := res.body
		res.body = &onClose{ReadCloser: body, fn: func() { timer.Stop(); cancel(nil) }}
	}
	return res
}

// onClose runs fn once, after closing the body.
type onClose struct {
	io.ReadCloser
	once sync.Once
	fn   func()
}

func (o *onClose) Close() error {
	err := o.ReadCloser.Close()
	o.once.Do(o.fn)
	return err
}

// forwardable is the caller's headers as sent upstream: without its
// credentials (the svcpass key is never forwarded), cookies, hop-by-hop
// headers, the client's forwarding claims, the hop header (the gateway
// sends its own) and the ones the transport sets.
func forwardable(h http.Header) http.Header {
	named := connectionNamed(h)
	// One pass and one backing array for the values, as Header.Clone
	// makes them (cloning, then deleting name by name, was a visible
	// share of a dispatch).
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	values := make([]string, 0, n)
	out := make(http.Header, len(h))
	for k, vs := range h {
		if notForwarded[k] || strings.HasPrefix(k, "X-Forwarded-") || slices.Contains(named, k) {
			continue
		}
		values = append(values, vs...)
		out[k] = values[len(values)-len(vs) : len(values) : len(values)]
	}
	return out
}

// notForwarded are the headers forwardable leaves out, besides
// X-Forwarded-* and those Connection names. Forwarded, X-Forwarded-* and
// X-Real-Ip are what the client claims about earlier hops: the gateway
// is the upstream's client and adds none of its own (the caller's
// address is not the seller's to know).
var notForwarded = func() map[string]bool {
	m := map[string]bool{"Authorization": true, "X-Api-Key": true, "Cookie": true, "Host": true, "Content-Length": true,
		"Accept-Encoding": true, HopHeader: true, "Forwarded": true, "X-Real-Ip": true}
	for _, k := range hopHeaders {
		m[k] = true
	}
	return m
}()

// forward calls the candidate's upstream with the request and returns
// its answer with the body unread.
func (g *Gateway) forward(ctx context.Context, req *request, path string, cand *routing.Candidate, subPath string) *result {
	s := cand.Service
	att := g.attempt(req, path, cand)
	res := &result{service: s, enrollment: cand.Enrollment}
	fail := func(e *gwError) *result {
		res.err = e
		att.done(res, nil)
		return res
	}
	if !req.budget.take() {
		return fail(outOfAttempts(req, path))
	}
	ep, err := g.endpoint(ctx, req.principal, cand)
	var missingSecret *upstream.MissingSecretError
	var missingParam *upstream.MissingParameterError
	switch {
	case errors.As(err, &missingSecret):
		return fail(&gwError{status: http.StatusBadRequest, source: "gateway", typ: routing.MissingSecret, detail: missingSecret.Error()})
	case errors.As(err, &missingParam):
		return fail(&gwError{status: http.StatusBadRequest, source: "gateway", typ: routing.NoRoute, detail: missingParam.Error()})
	case err != nil:
		return fail(&gwError{status: http.StatusBadGateway, source: "gateway", typ: errTransport, detail: err.Error()})
	}
	target := upstream.Join(ep.BaseURL, subPath, req.query)
	upReq, err := http.NewRequestWithContext(ctx, req.method, target, bytes.NewReader(req.body))
	if err != nil {
		if _, berr := url.Parse(ep.BaseURL); berr != nil {
			return fail(&gwError{status: http.StatusBadGateway, source: "gateway", typ: errTransport, detail: fmt.Sprintf("service '%s': its upstream URL is not valid", s.Name)})
		}
		// The service's URL is fine: what the caller added to it is not.
		return fail(badRequest(http.StatusBadRequest, "the request's sub-path or query cannot be sent to an upstream URL: %s", transportReason(err)))
	}
	for k, vs := range req.header {
		upReq.Header[k] = vs
	}
	for k, vs := range ep.Header {
		upReq.Header[k] = vs
	}
	if len(req.body) > 0 && upReq.Header.Get("Content-Type") == "" && validJSON(req.body) {
		upReq.Header.Set("Content-Type", "application/json")
	}
	sent := -1
	if !g.isBuiltin(ep.BaseURL) {
		sent = req.budget.spent()
		upReq.Header.Set(HopHeader, hopValue(req.depth+1, sent))
	}
	start := time.Now()
	resp, err := g.client.Do(upReq)
	if err != nil {
		var te *timeoutError
		if errors.As(context.Cause(ctx), &te) {
			g.router.Latency().Observe(s.ID, time.Since(start))
			return fail(te.gwError(s))
		}
		if ctx.Err() != nil {
			return fail(&gwError{status: 499, source: "gateway", typ: errTransport, detail: "the caller disconnected before the upstream answered"})
		}
		return fail(&gwError{status: http.StatusBadGateway, source: "upstream", typ: errTransport,
			detail: fmt.Sprintf("could not reach the upstream of service '%s' at %s: %s", s.Name, upstream.Host(ep.BaseURL), transportReason(err))})
	}
	g.router.Latency().Observe(s.ID, time.Since(start))
	res.status, res.header, res.contentLength = resp.StatusCode, resp.Header, resp.ContentLength
	if v := res.header.Get(HopHeader); v != "" && sent >= 0 {
		// Another gateway answered: what it attempted counts here too.
		_, used := parseHops(v)
		req.budget.charge(used - sent)
	}
	stripHopByHop(res.header)
	res.header.Del(HopHeader)
	res.header.Del("Set-Cookie")
	lb := &loggedBody{ReadCloser: resp.Body, limit: captureLimit(req.logging)}
	res.body = lb
	res.finish = sync.OnceFunc(func() { att.done(res, lb) })
	return res
}

// endpointKey and endpointEntry are the gateway's cache of resolved
// upstream endpoints: expanding a service's URL and header templates
// with the enrollment's parameters and the caller's secrets, then
// parsing the URL, was a visible share of a dispatch. An entry is used
// only while no secret and no enrollment has been written since it was
// made (the store's EndpointGeneration).
type endpointKey struct {
	service, enrollment, customer, user string
}

type endpointEntry struct {
	gen     uint64
	service *catalog.Service
	ep      upstream.Endpoint
}

// endpoint resolves the candidate's upstream endpoint for the caller.
func (g *Gateway) endpoint(ctx context.Context, p store.Principal, cand *routing.Candidate) (upstream.Endpoint, error) {
	key := endpointKey{service: cand.Service.ID, customer: p.CustomerID, user: p.UserID}
	var params map[string]any
	if cand.Enrollment != nil {
		key.enrollment, params = cand.Enrollment.ID, cand.Enrollment.Parameters
	}
	gen := g.store.EndpointGeneration() // read before the rows: a write racing the lookup makes the entry stale at once
	if e, ok := g.endpoints.Get(key); ok && e.gen == gen && e.service == cand.Service {
		return e.ep, nil
	}
	ep, err := upstream.Resolve(g.builtin, cand.Service, params, func(name string) (string, bool, error) {
		sec, err := g.store.GetSecret(ctx, p, name)
		if errors.Is(err, store.ErrNotFound) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		return sec.Value, true, nil
	})
	if err == nil {
		g.endpoints.Add(key, endpointEntry{gen: gen, service: cand.Service, ep: ep})
	}
	return ep, err
}

// transportReason is a transport error without the URL (which may carry
// credentials).
func transportReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// loggedBody keeps the first limit bytes of a body for the request log.
type loggedBody struct {
	io.ReadCloser
	limit   int
	capture bytes.Buffer
	total   int64
	err     error
}

func (b *loggedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := b.limit - b.capture.Len(); room > 0 && n > 0 {
		b.capture.Write(p[:min(n, room)])
	}
	b.total += int64(n)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// write sends a result to the caller: the gateway's error as JSON, or
// the upstream's status, headers and body, flushed as it arrives when
// its length is unknown (a stream). The request-log row is written
// before the body's last bytes, so a caller that has the answer also
// finds its row.
func (g *Gateway) write(w http.ResponseWriter, res *result) {
	if res.err != nil {
		res.close()
		extendWrite(http.NewResponseController(w))
		writeError(w, res.err)
		return
	}
	if res.release != nil {
		res.release() // the deadline bounded the answer's start; a stream may run longer
	}
	h := w.Header()
	for k, vs := range res.header {
		h[k] = vs
	}
	if res.service != nil {
		h.Set("X-Unitysvc-Service-Id", res.service.ID)
		h.Set("X-Unitysvc-Service", res.service.Name)
	}
	if res.enrollment != nil {
		h.Set("X-Unitysvc-Enrollment-Id", res.enrollment.ID)
	}
	if res.step != "" {
		h.Set("X-Unitysvc-Chain-Step", res.step)
	}
	// An answer of unknown length is flushed as it arrives (an SSE or
	// NDJSON stream), except JSON, which is only useful whole.
	streaming := res.contentLength < 0 && !strings.HasPrefix(res.header.Get("Content-Type"), "application/json")
	if res.contentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(res.contentLength, 10))
	}
	rc := http.NewResponseController(w)
	extendWrite(rc)
	w.WriteHeader(res.status)
	if streaming {
		_ = rc.Flush()
	}
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	var written int64
	for {
		n, err := res.body.Read(buf)
		if n > 0 {
			if res.contentLength >= 0 && written+int64(n) >= res.contentLength && res.finish != nil {
				res.finish()
			}
			extendWrite(rc)
			if _, werr := w.Write(buf[:n]); werr != nil {
				break
			}
			written += int64(n)
			if streaming {
				_ = rc.Flush()
			}
		}
		if err != nil {
			break
		}
	}
	res.close()
}

// copyBuffers are write's buffers, reused: a new 32 KiB buffer per answer
// was, zeroing included, a visible share of a dispatch's CPU time.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// refuse is a gateway error for path, logged as an attempt without an
// upstream.
func (g *Gateway) refuse(_ context.Context, req *request, path string, e *gwError) *result {
	req.budget.charge(1)
	res := &result{err: e}
	g.attempt(req, path, nil).done(res, nil)
	return res
}
