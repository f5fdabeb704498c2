package gateway_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// serveDirect runs one request through the gateway's handler without
// the network; ok is false when the target is no request net/http would
// hand to a handler.
func (e *env) serveDirect(ctx context.Context, method, target string, body []byte, header ...string) (response, bool) {
	if !strings.HasPrefix(target, "/") {
		return response{}, false
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return response{}, false
	}
	req := &http.Request{Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Authorization": {"Bearer " + keyA}}, Host: "gw", Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body))}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second) // an upstream that holds the request: the caller leaves
	defer cancel()
	req = req.WithContext(ctx)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.gw.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}, true
}

// FuzzGatewayPaths: whatever the path and query, the gateway never
// answers with a 5xx of its own and its errors are its JSON envelope.
func FuzzGatewayPaths(f *testing.F) {
	for _, seed := range []string{
		"/g/open", "/g/open/v1/chat/completions", "/p/" + fastID + "/chat/completions", "/p/" + extID + "/v1/embeddings%3F/../../chat/completions",
		"/p/" + extID + "/v1/chat%23", "/p/" + extID + "/v1/%0D%0A", "/p/" + extID + "/v1/%00", "/g/%2e%2e", "/a/x/y", "/c/sp%20ace",
		"/l/m/f/t/p/" + fastID + "?_ttl=1h&_else=p%2F" + fastID + "&_to=p%2F" + extID, "/m/l/p/" + fastID + "?_complete=?_ttl=15m",
		"/f/p/" + fastID + "?_else=https%3A%2F%2Fx", "/m/p/" + fastID + "?_ttl=8d", "/d/p/x?_in=5s", "/v1/models", "/", "/x",
		"/g/open?_x=1", "/p/" + extID + "/v1/x?a=%2F&b=c%3Fd", "/l/l/g/open", "/g/keyed",
	} {
		f.Add(seed, "POST")
	}
	f.Add("/g/open", "GET")
	e := fuzzGateway(f)
	f.Fuzz(func(t *testing.T, target, method string) {
		if method != "GET" {
			method = "POST"
		}
		r, ok := e.serveDirect(t.Context(), method, target, []byte(chat("", "fuzz")))
		if !ok {
			return
		}
		checkAnswer(t, r)
	})
}

// FuzzGatewayBodies: whatever the body and its content type, on a route
// that needs a routing key or not, the gateway never answers with a 5xx
// of its own and its errors are its JSON envelope.
func FuzzGatewayBodies(f *testing.F) {
	for _, seed := range []string{
		`{"model":"m-fast","messages":[{"role":"user","content":"hi"}]}`, `{"model":"m-fast","model":"m-slow"}`, `{"model":123}`,
		`{"model":null}`, `{"input":"x"}`, `{"stream":true,"messages":[{"role":"user","content":"hi"}]}`, `[1,2]`, `not json`,
		`{"model":"m-fast"} tail`, `{"model":"m-fast"`, "", "\x00\xff", `{"model":"\ud800"}`, `{"n":12345678901234567890123}`,
	} {
		for route := range byte(len(fuzzRoutes)) {
			f.Add([]byte(seed), route, "application/json")
		}
	}
	f.Add([]byte("--b\r\n\r\nx\r\n--b--"), byte(2), "multipart/form-data; boundary=b")
	e := fuzzGateway(f)
	f.Fuzz(func(t *testing.T, body []byte, route byte, contentType string) {
		r, ok := e.serveDirect(t.Context(), "POST", fuzzRoutes[int(route)%len(fuzzRoutes)], body, "Content-Type", strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, contentType))
		if !ok {
			return
		}
		checkAnswer(t, r)
	})
}

// fuzzRoutes are the routes FuzzGatewayBodies posts to: routing-key
// routes, single services, bare paths and wrappers.
var fuzzRoutes = []string{
	"/g/content", "/g/keyed/v1/chat/completions", "/p/" + extID + "/v1/x", "/p/" + fastID, "/p/pool/v1/embeddings",
	"/m/p/" + fastID + "?_ttl=1h", "/f/g/keyed?_else=p%2F" + fastID, "/l/g/content",
}

// fuzzGateway is one gateway for a whole fuzz run. Its upstream timeout
// is short, so that an input reaching a slow upstream (the slow service,
// a held or sleeping ext) costs 100 ms, not seconds: a timeout is the
// upstream's, which checkAnswer allows.
func fuzzGateway(f *testing.F) *env {
	return newEnvWithTimeout(f, 100*time.Millisecond)
}
