package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
)

// gwError is an answer the gateway makes itself.
type gwError struct {
	status int
	source string // gateway | upstream
	typ    string // no_route | missing_secret | timeout | transport | internal | ...
	detail string
}

// Error types request logs record beside routing's.
const (
	errTimeout   = "timeout"
	errTransport = "transport"
	errUpstream  = "upstream_status"
	errInternal  = "internal"
	// errBadRequest is a request the gateway refuses as written: a bad
	// path, query parameter or body.
	errBadRequest = "invalid_request"
	// errTeeDropped is a tee copy not sent: too many in flight.
	errTeeDropped = "tee_dropped"
	// errAuth is a missing or unknown key.
	errAuth = "invalid_api_key"
)

func fromRouting(err *routing.Error) *gwError {
	return &gwError{status: err.Status, source: "gateway", typ: err.Type, detail: err.Detail}
}

func noRoute(status int, format string, args ...any) *gwError {
	return &gwError{status: status, source: "gateway", typ: routing.NoRoute, detail: fmt.Sprintf(format, args...)}
}

func badRequest(status int, format string, args ...any) *gwError {
	return &gwError{status: status, source: "gateway", typ: errBadRequest, detail: fmt.Sprintf(format, args...)}
}

// openAIType is OpenAI's error type for a status.
func openAIType(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "authentication_error"
	case status == http.StatusForbidden:
		return "permission_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

// envelope is the body of the gateway's own errors: OpenAI's error
// object, which OpenAI SDKs read, and FastAPI's detail beside it, which
// UnitySVC's clients read.
func envelope(status int, code, message string) []byte {
	if code == "" {
		code = openAIType(status)
	}
	b, _ := json.Marshal(map[string]any{
		"error":  map[string]string{"message": message, "type": openAIType(status), "code": code},
		"detail": message,
	})
	return b
}

// writeError answers with the gateway's own error.
func writeError(w http.ResponseWriter, e *gwError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_, _ = w.Write(append(envelope(e.status, e.typ, e.detail), '\n'))
}

// JSONErrors wraps a listener so that the answers net/http writes itself,
// before any handler runs (431 for a request line or headers too large,
// 400 for a malformed request, 501 for an unknown transfer encoding),
// are JSON like every other answer: {"detail": ...}, and with openAI
// set also OpenAI's {"error": {...}} beside it.
//
// net/http writes those answers in one Write straight on the connection,
// as "HTTP/1.1 <status>" followed by exactly errorHeaders; a handler's
// answer never has that shape (its headers always carry a Date, and are
// written sorted, Connection before Content-Type).
func JSONErrors(ln net.Listener, openAI bool) net.Listener {
	return &jsonErrorListener{Listener: ln, openAI: openAI}
}

type jsonErrorListener struct {
	net.Listener
	openAI bool
}

func (l *jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonErrorConn{Conn: c, openAI: l.openAI}, nil
}

type jsonErrorConn struct {
	net.Conn
	openAI bool
}

const plainErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c *jsonErrorConn) Write(p []byte) (int, error) {
	if out, ok := jsonError(p, c.openAI); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// jsonError rewrites one of net/http's plain-text answers as JSON.
func jsonError(p []byte, openAI bool) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !ok {
		return nil, false
	}
	statusLine, body, ok := bytes.Cut(rest, []byte(plainErrorHeaders))
	if !ok || bytes.Contains(statusLine, []byte("\r\n")) || len(statusLine) < 3 {
		return nil, false
	}
	status, err := strconv.Atoi(string(statusLine[:3]))
	if err != nil {
		return nil, false
	}
	msg := string(body)
	if status == http.StatusRequestHeaderFieldsTooLarge {
		msg = "Request Header Fields Too Large: the request line and headers together are larger than this server accepts"
	}
	var b []byte
	if openAI {
		b = envelope(status, "", msg)
	} else {
		b, _ = json.Marshal(map[string]string{"detail": msg})
	}
	out := fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(b), b)
	return out, true
}

// writeDetail answers with the gateway's own error of status.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	code := ""
	if status == http.StatusUnauthorized {
		code = errAuth
	}
	writeError(w, &gwError{status: status, source: "gateway", typ: code, detail: detail})
}
