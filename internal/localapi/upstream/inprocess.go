package upstream

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// InProcess is an http.RoundTripper that serves requests with a handler
// in the same process: the gateway reaches the built-in upstreams this
// way, without a second trip through the network stack. The answer
// streams: the response is returned as soon as the handler has written
// its header, and its body delivers each write as it happens. Cancelling
// the request cancels the handler's context and fails its writes;
// closing the body makes the handler's next write fail.
type InProcess struct {
	Handler http.Handler
}

// RoundTrip serves req with the handler.
func (t InProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	r := req.Clone(ctx)
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "in-process"
	if r.Body == nil {
		r.Body = http.NoBody
	}
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	// A cancelled request also ends a write the reader no longer takes.
	stop := context.AfterFunc(ctx, func() { pr.CloseWithError(ctx.Err()) })
	go func() {
		defer stop()
		defer func() {
			if p := recover(); p != nil { // as net/http's server would: end this answer, not the process
				w.WriteHeader(http.StatusInternalServerError)
				pw.CloseWithError(fmt.Errorf("in-process upstream panicked: %v", p))
			}
			w.finish()
		}()
		t.Handler.ServeHTTP(w, r)
	}()
	select {
	case <-w.ready:
	case <-ctx.Done():
		pr.CloseWithError(ctx.Err())
		return nil, ctx.Err()
	}
	resp := &http.Response{
		Status: strconv.Itoa(w.status) + " " + http.StatusText(w.status), StatusCode: w.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.sent, Body: pr, ContentLength: -1, Request: req,
	}
	if n, err := strconv.ParseInt(w.sent.Get("Content-Length"), 10, 64); err == nil {
		resp.ContentLength = n
	}
	return resp, nil
}

// pipeWriter is the handler's side: an http.ResponseWriter (and Flusher)
// writing into a pipe.
type pipeWriter struct {
	header http.Header
	sent   http.Header // the header as of WriteHeader
	status int
	pw     *io.PipeWriter
	once   sync.Once
	ready  chan struct{}
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(status int) {
	w.once.Do(func() {
		w.status, w.sent = status, w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pw.Write(p)
}

// Flush does nothing: every write already reaches the reader.
func (w *pipeWriter) Flush() {}

// finish ends the body, answering 200 if the handler wrote nothing.
func (w *pipeWriter) finish() {
	w.WriteHeader(http.StatusOK)
	_ = w.pw.Close() // always nil for a pipe
}
