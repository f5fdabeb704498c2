package client

import (
	"fmt"
	"net/http"
)

// ServeBaseCheck wraps a fake API's handler so it answers the client's
// one-time base URL check (see verifyBase) like the real API does.
func ServeBaseCheck(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/groups" && r.URL.Query().Get("name") == baseCheckName {
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprint(w, `{"data":[],"count":0}`)
			return
		}
		h(w, r)
	}
}
