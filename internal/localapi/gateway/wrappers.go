package gateway

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// wrapped answers a call with wrapper primitives. Whatever their order in
// the URL, they nest in the canonical order l m f t: l/ logs everything
// inside it, m/ answers from its cache or stores what f/ answers, f/
// calls the secondary when the primary fails, and t/ sends its copy when
// the primary is called.
func (g *Gateway) wrapped(ctx context.Context, req *request, c *call, timeout time.Duration, label string) *result {
	if c.has('l') {
		req = req.logged(c.complete)
	}
	inner := c.inner()
	run := func(ctx context.Context) *result { return g.dispatch(ctx, req, inner, timeout, label) }
	if c.has('t') {
		primary := run
		run = func(ctx context.Context) *result {
			g.tee(ctx, req, c.toPath)
			return primary(ctx)
		}
	}
	if c.has('f') {
		primary := run
		run = func(ctx context.Context) *result {
			res := primary(ctx)
			if !res.failed() || ctx.Err() != nil {
				return res
			}
			res.close()
			sec := g.dispatch(ctx, req.as("f").with(req.body), c.elsePath, timeout, label)
			if sec.err == nil && sec.header != nil {
				sec.header.Set(headerWrapper, "f")
			}
			return sec
		}
	}
	if c.has('m') {
		return g.memo(ctx, req, c, run)
	}
	return run(ctx)
}

// logged returns a copy of the request that is logged whatever its
// user's preference: with full bodies when complete, else at least the
// preview.
func (r *request) logged(complete bool) *request {
	c := *r
	c.logging.Truncate = !complete && (!r.logging.Enabled || r.logging.Truncate)
	c.logging.Enabled = true
	return &c
}

// as returns a copy of the request run for a wrapper.
func (r *request) as(wrapper string) *request {
	c := *r
	c.wrapper = wrapper
	return &c
}

// maxTees bounds the tee copies in flight per customer; past it a copy
// is dropped (and logged).
const maxTees = 16

// inflight counts tee copies in flight per customer.
type inflight struct {
	mu sync.Mutex
	n  map[string]int
}

func (f *inflight) acquire(customer string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[customer] >= maxTees {
		return false
	}
	if f.n == nil {
		f.n = map[string]int{}
	}
	f.n[customer]++
	return true
}

func (f *inflight) release(customer string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[customer]--; f.n[customer] <= 0 {
		delete(f.n, customer)
	}
}

// tee sends a copy of the request to path, fire and forget: the caller
// never waits for it, and the copy outlives the caller's request
// (bounded by the gateway's timeout). Past maxTees copies in flight for
// the customer, the copy is dropped and logged.
func (g *Gateway) tee(ctx context.Context, req *request, path string) {
	customer := req.principal.CustomerID
	copyReq := req.as("t").with(req.body)
	if !g.tees.acquire(customer) {
		g.log.Warn("gateway: tee copy dropped", "customer", customer, "to", path, "in_flight", maxTees)
		g.refuse(ctx, copyReq, path, &gwError{status: http.StatusTooManyRequests, source: "gateway", typ: errTeeDropped,
			detail: "the tee copy to '" + path + "' was dropped: this customer already has the most tee copies in flight"})
		return
	}
	go func() {
		defer g.tees.release(customer)
		res := g.dispatch(context.WithoutCancel(ctx), copyReq, path, g.timeout, "the tee copy to '"+path+"'")
		if res.body != nil {
			_, _ = io.Copy(io.Discard, res.body)
		}
		res.close()
	}()
}
