package tfutil

import (
	"fmt"
	"net/url"
	"strings"
)

// IsURL reports whether s is written as an http(s) URL.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// GatewayRelative is the gateway-relative part of a full gateway URL,
// without a leading "/": what follows gatewayURL when raw starts with it,
// else the URL's path (with its query, if any).
func GatewayRelative(raw, gatewayURL string) (string, error) {
	base := strings.TrimRight(gatewayURL, "/") + "/"
	if gatewayURL != "" && strings.HasPrefix(raw, base) {
		return strings.TrimLeft(strings.TrimPrefix(raw, base), "/"), nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%q is neither a gateway-relative path nor a URL: %w", raw, err)
	}
	rel := strings.TrimLeft(u.EscapedPath(), "/")
	if u.RawQuery != "" {
		rel += "?" + u.RawQuery
	}
	return rel, nil
}
