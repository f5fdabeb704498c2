package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// The memoize cache's bounds: entries in all, and the largest answer
// body kept (a larger answer passes through uncached).
const (
	memoEntries = 1024
	memoMaxBody = 1 << 20
)

// Answer headers of the wrappers.
const (
	headerCache   = "X-Unitysvc-Cache"   // hit | miss, on answers through m/
	headerWrapper = "X-Unitysvc-Wrapper" // m (a cache hit) | f (the failover secondary)
)

// memoEntry is a stored answer: complete, 2xx and not streamed.
type memoEntry struct {
	status     int
	header     http.Header
	body       []byte
	service    *catalog.Service
	enrollment *store.Enrollment
	step       string
	expires    time.Time
}

// memoCache is the memoize wrapper's cache: least recently used entries
// go first past memoEntries, and each entry expires after its own _ttl
// (the library's TTL, the longest allowed, bounds them all).
type memoCache struct {
	lru *expirable.LRU[string, *memoEntry]
}

func newMemoCache() *memoCache {
	return &memoCache{lru: expirable.NewLRU[string, *memoEntry](memoEntries, nil, maxTTL)}
}

func (m *memoCache) get(key string) (*memoEntry, bool) {
	e, ok := m.lru.Get(key)
	if !ok {
		return nil, false
	}
	if time.Now().After(e.expires) {
		m.lru.Remove(key)
		return nil, false
	}
	return e, true
}

// memoKey is a call's cache key: the customer (the cache is
// customer-scoped), the method, the routed path and query, and the body
// (which carries the routing key).
func memoKey(req *request, c *call) string {
	h := sha256.New()
	for _, part := range []string{req.principal.CustomerID, req.method, c.route, req.query, c.query} {
		_, _ = io.WriteString(h, part)
		_, _ = h.Write([]byte{0})
	}
	_, _ = h.Write(req.body)
	return hex.EncodeToString(h.Sum(nil))
}

// memo answers a call through m/: from the cache when it holds the
// answer (and _renew is not set), else with run's answer, stored when it
// is complete, 2xx and not streamed.
func (g *Gateway) memo(ctx context.Context, req *request, c *call, run func(context.Context) *result) *result {
	key := memoKey(req, c)
	if !c.renew {
		if e, ok := g.cache.get(key); ok {
			return g.hit(req, c, e)
		}
	}
	res := run(ctx)
	if res.err != nil {
		return res
	}
	if res.header == nil {
		res.header = http.Header{}
	}
	res.header.Set(headerCache, "miss")
	body, _ := readBody(req.body)
	if res.status/100 != 2 || body.stream || res.streamed() {
		return res
	}
	if b, ok := res.buffer(memoMaxBody); ok {
		g.cache.lru.Add(key, &memoEntry{status: res.status, header: res.header.Clone(), body: b, service: res.service,
			enrollment: res.enrollment, step: res.step, expires: time.Now().Add(c.ttl)})
	}
	return res
}

// hit is the answer from a cache entry, logged as answered by m/
// without an upstream attempt.
func (g *Gateway) hit(req *request, c *call, e *memoEntry) *result {
	res := buffered(e.status, e.body)
	res.header = e.header.Clone()
	res.header.Set(headerCache, "hit")
	res.header.Set(headerWrapper, "m")
	res.service, res.enrollment, res.step = e.service, e.enrollment, e.step
	hreq := *req
	hreq.wrapper = "m"
	var cand *routing.Candidate
	if e.service != nil {
		cand = &routing.Candidate{Service: e.service, Enrollment: e.enrollment}
	}
	lb := &loggedBody{limit: captureLimit(req.logging)}
	lb.capture.Write(e.body[:min(len(e.body), lb.limit)])
	lb.total = int64(len(e.body))
	g.attempt(&hreq, c.route, cand).done(res, lb)
	return res
}

// streamed reports whether an answer is a stream: an event stream, or a
// body of unknown length that is not JSON.
func (r *result) streamed() bool {
	ct := r.header.Get("Content-Type")
	return strings.HasPrefix(ct, "text/event-stream") || (r.contentLength < 0 && !strings.HasPrefix(ct, "application/json"))
}

// buffer reads the body when it is at most limit bytes, recording the
// attempt, and keeps it to answer with; ok reports that it did. A longer
// body is left to stream to the caller as it arrives; a body that breaks
// off becomes the result's error.
func (r *result) buffer(limit int64) (b []byte, ok bool) {
	body := r.body
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		r.body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(b), errReader{err}), body}
		r.readAll()
		return nil, false
	}
	if int64(len(b)) > limit {
		r.body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(b), body), body}
		return nil, false
	}
	r.close()
	r.body, r.contentLength, r.finish, r.release = io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil, nil
	return b, true
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
