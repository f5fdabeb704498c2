package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
// result), closing it; a failed read becomes the result's error.
func (r *result) readAll() []byte {
	if r.body == nil {
		return nil
	}
	b, err := io.ReadAll(r.body)
	r.close()
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

// hopHeaders are not passed between connections.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forwardable is the caller's headers as sent upstream: without its
// credentials (the svcpass key is never forwarded), cookies, hop-by-hop
// headers and the ones the transport sets.
func forwardable(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, k := range append([]string{"Authorization", "X-Api-Key", "Cookie", "Host", "Content-Length", "Accept-Encoding"}, hopHeaders...) {
		out.Del(k)
	}
	return out
}

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
	var params map[string]any
	if cand.Enrollment != nil {
		params = cand.Enrollment.Parameters
	}
	ep, err := upstream.Resolve(g.builtin, s, params, func(name string) (string, bool, error) {
		sec, err := g.store.GetSecret(ctx, req.principal, name)
		if errors.Is(err, store.ErrNotFound) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		return sec.Value, true, nil
	})
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
	if len(req.body) > 0 && upReq.Header.Get("Content-Type") == "" && json.Valid(req.body) {
		upReq.Header.Set("Content-Type", "application/json")
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
	for _, k := range hopHeaders {
		res.header.Del(k)
	}
	res.header.Del("Set-Cookie")
	lb := &loggedBody{ReadCloser: resp.Body, limit: captureLimit(req.logging)}
	res.body = lb
	res.finish = sync.OnceFunc(func() { att.done(res, lb) })
	return res
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
	w.WriteHeader(res.status)
	rc := http.NewResponseController(w)
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
	res := &result{err: e}
	g.attempt(req, path, nil).done(res, nil)
	return res
}
