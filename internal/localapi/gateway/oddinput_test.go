package gateway_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// oddCase is one odd input and what the gateway must do with it.
type oddCase struct {
	name   string
	method string // POST when empty
	path   string
	body   string
	header []string
	key    string // keyA when empty; "-" for none
	status int
	// detail is part of the gateway's own error; empty for an upstream's answer.
	detail string
	// upstream is the path (with query) the ext upstream must receive.
	upstream string
	// upstreamBody is the body it must receive, when set.
	upstreamBody string
	// raw sends the request line as written (Go's client would refuse it).
	raw bool
}

// TestOddInput is the gateway's table of odd input (issue 19): paths,
// percent-encodings, routing keys, bodies, content types and headers. Each
// answer is either the upstream's, called at the URL the path says, or
// the gateway's own JSON error (OpenAI's error object and detail) that
// names what is wrong; never a 5xx for what the client sent.
func TestOddInput(t *testing.T) {
	e := newEnv(t)
	e.chain("sp ace", 5000, store.ChainStepWrite{Name: "one", TargetPath: "p/" + extID})
	ext := "/p/" + extID
	cases := []oddCase{
		// Paths and encodings: the upstream URL is the path as written.
		{name: "encoded ? then dot segments", path: ext + "/v1/embeddings%3F/../../chat/completions", body: `{}`, status: 400, detail: `"embeddings%3F" is refused: it encodes '?'`},
		{name: "encoded #", path: ext + "/v1/chat%23/completions", body: `{}`, status: 400, detail: `"chat%23" is refused: it encodes '#'`},
		{name: "encoded /", path: ext + "/v1/chat%2Fcompletions", body: `{}`, status: 400, detail: `"chat%2Fcompletions" is refused: it encodes '/'`},
		{name: "encoded / lower case", path: ext + "/v1/chat%2fcompletions", body: `{}`, status: 400, detail: "it encodes '/'"},
		{name: "CR LF", path: ext + "/v1/chat%0D%0AX-Injected:%201", body: `{}`, status: 400, detail: "encodes a control character"},
		{name: "NUL", path: ext + "/v1/chat%00", body: `{}`, status: 400, detail: "encodes a control character or NUL"},
		{name: "DEL", path: ext + "/v1/chat%7F", body: `{}`, status: 400, detail: "encodes a control character"},
		{name: "dot-dot", path: ext + "/v1/x/../chat/completions", body: `{}`, status: 400, detail: `".." is refused: it is a dot segment`},
		{name: "dot", path: ext + "/v1/./chat/completions", body: `{}`, status: 400, detail: "dot segment"},
		{name: "encoded dot-dot", path: ext + "/v1/x/%2E%2E/chat", body: `{}`, status: 400, detail: `"%2E%2E" is refused: it is a dot segment`},
		{name: "dot-dot in the name", path: "/g/%2e%2e/v1/models", method: "GET", status: 400, detail: "dot segment"},
		{name: "malformed escape", path: ext + "/v1/chat%zz", body: `{}`, status: 400, raw: true},
		{name: "a raw control character", path: ext + "/v1/chat\x01", body: `{}`, status: 400, raw: true},
		{name: "encoded space passes as written", path: ext + "/v1/chat%20completions", body: `{}`, status: 200, upstream: "/v1/chat%20completions"},
		{name: "unicode passes as written", path: ext + "/v1/caf%C3%A9", body: `{}`, status: 200, upstream: "/v1/caf%C3%A9"},
		{name: "encoded letters pass as written", path: ext + "/v1/%63hat", body: `{}`, status: 200, upstream: "/v1/%63hat"},
		{name: "a chain named with a space", path: "/c/sp%20ace", body: `{}`, status: 200, upstream: "/v1/chat/completions"},
		{name: "query passes as written", path: ext + "/v1/x?a=%2F&b=c%3Fd", body: `{}`, status: 200, upstream: "/v1/x?a=%2F&b=c%3Fd"},
		{name: "a ? in a query value", path: ext + "/v1/x?q=what?", body: `{}`, status: 200, upstream: "/v1/x?q=what?"},
		{name: "an unknown prefix", path: "/x/y", body: `{}`, status: 404, detail: "is not a route"},
		{name: "a prefix without a name", path: "/g/", body: `{}`, status: 404, detail: "is not a route"},

		// Routing keys.
		{name: "duplicate model", path: "/g/open", body: `{"model":"m-fast","model":"m-slow","messages":[]}`, status: 400, detail: "2 'model' fields"},
		{name: "duplicate model to a service", path: ext, body: `{"model":"a","model":"b"}`, status: 400, detail: "2 'model' fields"},
		{name: "numeric model", path: "/g/open", body: `{"model":123}`, status: 400, detail: "model must be a string"},
		{name: "null model", path: "/g/open", body: `{"model":null}`, status: 400, detail: "model must be a string"},
		{name: "object model", path: "/g/keyed", body: `{"model":{"id":"m-fast"}}`, status: 400, detail: "model must be a string"},
		{name: "an unknown model names the valid ones", path: "/g/open", body: `{"model":"nope"}`, status: 404, detail: "valid models: m-fast, m-slow"},
		{name: "unicode model", path: "/g/open", body: `{"model":"m-f\u00e4st"}`, status: 404, detail: "model 'm-fäst'"},
		{name: "escaped model matches", path: "/g/keyed", body: `{"model":"m-\u0066ast","messages":[{"role":"user","content":"hi"}]}`, status: 200},
		{name: "nested model is not the routing key", path: "/g/keyed", body: `{"x":{"model":"m-fast"}}`, status: 400, detail: "is keyed"},

		// Bodies and content types: decided by the body and the path.
		{name: "multipart to a service", path: ext + "/v1/audio/transcriptions", body: "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nRIFF\r\n--b--\r\n",
			header: []string{"Content-Type", "multipart/form-data; boundary=b"}, status: 200, upstream: "/v1/audio/transcriptions",
			upstreamBody: "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nRIFF\r\n--b--\r\n"},
		{name: "octet-stream to a service", path: ext + "/v1/files", body: "\x00\x01\xff", header: []string{"Content-Type", "application/octet-stream"},
			status: 200, upstream: "/v1/files", upstreamBody: "\x00\x01\xff"},
		{name: "text to a service", path: ext + "/v1/x", body: "plain words", header: []string{"Content-Type", "text/plain"}, status: 200, upstreamBody: "plain words"},
		{name: "a JSON array to a service", path: ext + "/v1/x", body: `[1,2]`, status: 200, upstreamBody: `[1,2]`},
		{name: "trailing bytes after the object", path: ext + "/v1/x", body: `{"model":"a"} tail`, status: 200, upstreamBody: `{"model":"a"} tail`},
		{name: "JSON labelled text/plain to a keyed group", path: "/g/keyed", body: chat("m-fast", "hi"), header: []string{"Content-Type", "text/plain"}, status: 200},
		{name: "text to a keyed group", path: "/g/keyed", body: "model=m-fast", header: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 400, detail: "must be a JSON object with a model"},
		{name: "a truncated object to a keyed group", path: "/g/keyed", body: `{"model":"m-fast"`, status: 400, detail: "must be a JSON object with a model"},
		{name: "an empty body to a keyed group", path: "/g/keyed", status: 400, detail: "is keyed"},
		{name: "big numbers pass unchanged", path: ext + "/v1/x", body: `{"model":"a","n":12345678901234567890123,"t":1.0}`, status: 200,
			upstreamBody: `{"model":"a","n":12345678901234567890123,"t":1.0}`},

		// Headers.
		{name: "bearer in lower case", path: ext, body: `{}`, key: "-", header: []string{"Authorization", "bearer " + keyA}, status: 200},
		{name: "BEARER in upper case", path: ext, body: `{}`, key: "-", header: []string{"Authorization", "BEARER " + keyA}, status: 200},
		{name: "bearer with two spaces", path: ext, body: `{}`, key: "-", header: []string{"Authorization", "Bearer  " + keyA}, status: 200},
		{name: "basic", path: ext, body: `{}`, key: "-", header: []string{"Authorization", "Basic eDp5"}, status: 401, detail: "Invalid authentication credentials"},
		{name: "bearer without a key", path: ext, body: `{}`, key: "-", header: []string{"Authorization", "bearer"}, status: 401, detail: "Invalid authentication credentials"},

		// Wrapper parameters.
		{name: "_ttl too long", path: "/m" + ext + "?_ttl=8d", body: `{}`, status: 422, detail: "at most 7d"},
		{name: "_else a URL", path: "/f" + ext + "?_else=http%3A%2F%2Fx", body: `{}`, status: 400, detail: "not a URL"},
		{name: "a malformed _ value", path: "/f" + ext + "?_else=%zz", body: `{}`, status: 400, detail: "not valid percent-encoding"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.ext.count()
			method := c.method
			if method == "" {
				method = "POST"
			}
			key := keyA
			if c.key == "-" {
				key = ""
			}
			send := e.send
			if c.raw {
				send = e.sendRaw
			}
			r := send(method, c.path, key, c.body, c.header...)
			if r.status != c.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, c.status)
			}
			checkAnswer(t, r)
			if c.detail != "" {
				if d := gatewayError(t, r); !strings.Contains(d, c.detail) {
					t.Errorf("detail %q, want %q", d, c.detail)
				}
			}
			if c.upstream != "" || c.upstreamBody != "" {
				if e.ext.count() != before+1 {
					t.Fatalf("the upstream was called %d times", e.ext.count()-before)
				}
				got := e.ext.last()
				if c.upstream != "" && got.Path != c.upstream {
					t.Errorf("upstream path %q, want %q", got.Path, c.upstream)
				}
				if c.upstreamBody != "" && got.Body != c.upstreamBody {
					t.Errorf("upstream body %q, want %q", got.Body, c.upstreamBody)
				}
				if ct := header(c.header, "Content-Type"); ct != "" && got.Header.Get("Content-Type") != ct {
					t.Errorf("upstream content type %q, want %q", got.Header.Get("Content-Type"), ct)
				}
			}
		})
	}
}

func header(pairs []string, name string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.EqualFold(pairs[i], name) {
			return pairs[i+1]
		}
	}
	return ""
}

// gatewayError is a gateway error's message, asserting the OpenAI
// envelope with the same message as detail.
func gatewayError(t testing.TB, r response) string {
	t.Helper()
	var env struct {
		Error *struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    string `json:"code"`
		} `json:"error"`
		Detail *string `json:"detail"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil || env.Error == nil || env.Detail == nil || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("not the gateway's error envelope (%d %s): %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if env.Error.Message != *env.Detail || env.Error.Message == "" || env.Error.Type == "" || env.Error.Code == "" {
		t.Errorf("envelope %s: message and detail differ or a field is empty", r.body)
	}
	return *env.Detail
}

// checkAnswer asserts the invariants of every answer to client input:
// no 5xx of the gateway's own, and every error of the gateway's own is
// its JSON envelope. An upstream's answer (X-Unitysvc-Service set) passes
// as it is.
func checkAnswer(t testing.TB, r response) {
	t.Helper()
	if r.header.Get("X-Unitysvc-Service") != "" {
		return
	}
	if r.status < 400 {
		return
	}
	gatewayError(t, r)
	var env struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.body, &env)
	// An upstream that did not answer in time or could not be reached is
	// not the client's input.
	if r.status >= 500 && env.Error.Code != "timeout" && env.Error.Code != "transport" {
		t.Fatalf("a %d for client input: %s", r.status, r.body)
	}
}

// sendRaw is send with the request line written as given, over TCP.
func (e *env) sendRaw(method, path, key, body string, header ...string) response {
	e.t.Helper()
	conn, err := net.Dial("tcp", e.srv.Listener.Addr().String())
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	msg := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: gw\r\nContent-Length: %d\r\nConnection: close\r\n", method, path, len(body))
	if key != "" {
		msg += "Authorization: Bearer " + key + "\r\n"
	}
	for i := 0; i+1 < len(header); i += 2 {
		msg += header[i] + ": " + header[i+1] + "\r\n"
	}
	if _, err := io.WriteString(conn, msg+"\r\n"+body); err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}
