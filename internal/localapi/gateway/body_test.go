package gateway

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// readRequestBody reads the whole body whatever the announced length
// says, and at most maxBody+1 bytes.
func TestReadRequestBody(t *testing.T) {
	big := strings.Repeat("x", maxBody+10)
	for _, tc := range []struct {
		name   string
		body   string
		length int64
		want   int
	}{
		{"announced", `{"model":"m"}`, 13, 13},
		{"empty", "", 0, 0},
		{"unknown length", `{"model":"m"}`, -1, 13},
		{"shorter than announced", "abc", 10, 3},
		{"longer than announced", "abcdef", 2, 6},
		{"too large, announced", big, int64(len(big)), maxBody + 1},
		{"too large, unannounced", big, -1, maxBody + 1},
		{"too large, announced small", big, 5, maxBody + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{Body: io.NopCloser(strings.NewReader(tc.body)), ContentLength: tc.length}
			got, err := readRequestBody(r)
			if err != nil || len(got) != tc.want || !bytes.HasPrefix([]byte(tc.body), got) {
				t.Fatalf("read %d bytes (%v), want the body's first %d", len(got), err, tc.want)
			}
		})
	}
}
