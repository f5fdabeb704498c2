package gateway

import (
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// hopHeaders are not passed between connections (RFC 9110 7.6.1), with
// the non-standard Proxy-Connection.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// stripHopByHop removes the hop-by-hop headers from h, and those the
// Connection header names.
func stripHopByHop(h http.Header) {
	for _, k := range connectionNamed(h) {
		delete(h, k)
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
}

// connectionNamed is the headers h's Connection header names, in
// canonical form.
func connectionNamed(h http.Header) []string {
	var named []string
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				named = append(named, textproto.CanonicalMIMEHeaderKey(name))
			}
		}
	}
	return named
}

// writeIdle is how long one write of an answer to the caller may take: a
// caller that stops reading is cut off after it, while a stream that
// keeps moving may run as long as its upstream does.
const writeIdle = 60 * time.Second

// extendWrite moves the connection's write deadline writeIdle ahead. The
// server's WriteTimeout bounds the rest of the listener's answers; the
// gateway's own (waits bounded by upstream timeouts, streams) set their
// deadline as they go. A writer without deadlines (a test recorder) is
// left alone.
func extendWrite(rc *http.ResponseController) {
	_ = rc.SetWriteDeadline(time.Now().Add(writeIdle))
}

// clearWrite lifts the server's write deadline while the gateway waits
// for upstreams, whose timeouts bound the wait.
func clearWrite(rc *http.ResponseController) {
	_ = rc.SetWriteDeadline(time.Time{})
}
