package apicontract

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Recorder wraps a handler and checks every exchange through it, keeping
// the violations for a test to report.
type Recorder struct {
	c          *Checker
	mu         sync.Mutex
	violations []Violation
	exchanges  int
}

// NewRecorder returns a Recorder, or nil when c is nil (no spec), in
// which case Wrap returns the handler unchanged.
func NewRecorder(c *Checker) *Recorder {
	if c == nil {
		return nil
	}
	return &Recorder{c: c}
}

// Wrap returns h with every exchange checked.
func (r *Recorder) Wrap(h http.Handler) http.Handler {
	if r == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		reqBody, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		respBody := rec.Body.Bytes()
		_, _ = w.Write(respBody)
		v := r.c.Check(req, reqBody, rec.Code, rec.Header(), respBody)
		r.mu.Lock()
		r.exchanges++
		r.violations = append(r.violations, v...)
		r.mu.Unlock()
	})
}

// Violations returns what was found so far, and how many exchanges were
// checked.
func (r *Recorder) Violations() ([]Violation, int) {
	if r == nil {
		return nil, 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Violation(nil), r.violations...), r.exchanges
}
