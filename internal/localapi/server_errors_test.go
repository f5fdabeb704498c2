package localapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// TestEveryAnswerIsJSON: the answers net/http makes before any handler
// runs (431 for headers or a request line too large, 400 for a malformed
// request) are JSON on both listeners, with OpenAI's error object on the
// gateway's. Before JSONErrors, both were text/plain.
func TestEveryAnswerIsJSON(t *testing.T) {
	inst, err := localapi.Start(context.Background(), localapi.Config{APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("closing unitysvc-local: %v", err)
		}
	})
	huge := strings.Repeat("a", 2<<20)
	for _, c := range []struct {
		name, base, raw string
		status          int
		openAI          bool
	}{
		{"gateway: headers too large", inst.GatewayURL, "GET /g/llm HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n", 431, true},
		{"gateway: request line too large", inst.GatewayURL, "GET /g/llm/" + huge + " HTTP/1.1\r\nHost: x\r\n\r\n", 431, true},
		{"gateway: malformed header", inst.GatewayURL, "GET /g/llm HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, true},
		{"gateway: no Host", inst.GatewayURL, "GET /g/llm HTTP/1.1\r\n\r\n", 400, true},
		{"API: headers too large", inst.APIURL, "GET /v1/groups HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n", 431, false},
		{"API: malformed request line", inst.APIURL, "GET /v1/ groups x HTTP/1.1\r\nHost: x\r\n\r\n", 400, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			host := strings.TrimPrefix(strings.TrimPrefix(c.base, "http://"), "https://")
			host, _, _ = strings.Cut(host, "/")
			conn, err := net.Dial("tcp", host)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = conn.Close() }()
			go func() { _, _ = io.WriteString(conn, c.raw) }()
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var m map[string]any
			if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &m) != nil {
				t.Fatalf("%d %s %s, want %d with a JSON body", resp.StatusCode, resp.Header.Get("Content-Type"), b, c.status)
			}
			if d, _ := m["detail"].(string); d == "" {
				t.Errorf("no detail: %s", b)
			}
			if _, ok := m["error"].(map[string]any); ok != c.openAI {
				t.Errorf("OpenAI error object present = %v, want %v: %s", ok, c.openAI, b)
			}
		})
	}
}
