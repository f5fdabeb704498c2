package tfutil_test

import (
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

func TestParseGatewayPathAccepts(t *testing.T) {
	for _, c := range []struct {
		in                          string
		wrappers, routed, query     string
		log, complete, cache, renew bool
		ttl, failover, tee          string
	}{
		{in: "g/llm", routed: "g/llm"},
		{in: "/g/llm/v1/chat/completions", routed: "g/llm/v1/chat/completions"},
		{in: "c/My.Chain_1~x", routed: "c/My.Chain_1~x"},
		// A service path: a first segment longer than one letter.
		{in: "openai", routed: "openai"},
		{in: "m/anthropic/v1/messages?_ttl=1h", wrappers: "m", routed: "anthropic/v1/messages", cache: true, ttl: "1h"},
		{in: "l/p/abc?_complete=", wrappers: "l", routed: "p/abc", log: true, complete: true},
		{in: "m/g/llm?_ttl=1h&_renew=", wrappers: "m", routed: "g/llm", cache: true, ttl: "1h", renew: true},
		{in: "m/g/llm", wrappers: "m", routed: "g/llm", cache: true},
		{in: "f/g/llm/v1/chat/completions?_else=p%2Fbackup", wrappers: "f", routed: "g/llm/v1/chat/completions", failover: "p/backup"},
		// Order is cosmetic; every wrapper once; non-wrapper parameters go upstream.
		{in: "t/l/m/f/a/x?_to=b%2Faudit&_else=m%2Fg%2Fy%3F_ttl%3D7d&_ttl=30s&api-version=2", wrappers: "t,l,m,f", routed: "a/x", query: "api-version=2",
			log: true, cache: true, ttl: "30s", failover: "m/g/y?_ttl=7d", tee: "b/audit"},
	} {
		g, err := tfutil.ParseGatewayPath(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if strings.Join(g.Wrappers, ",") != c.wrappers || g.Routed() != c.routed || g.Query != c.query || g.Log != c.log || g.LogComplete != c.complete ||
			g.Cache != c.cache || g.CacheRenew != c.renew || g.CacheTTL != c.ttl || g.FailoverTo != c.failover || g.TeeTo != c.tee {
			t.Errorf("%q: %+v", c.in, g)
		}
	}
}

func TestParseGatewayPathRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "the path is empty",
		"x/nowhere":                     "does not start with a gateway route",
		"v1/chat/completions":           "the customer API's version segment",
		"q/openai":                      "does not start with a gateway route",
		"https://gw.example/g/llm":      "is a URL",
		"g/llm ":                        "white space at byte 5",
		"c/sp ace":                      "white space",
		"g/llm\x00":                     "control or invalid character",
		"g/llm#frag":                    "fragment",
		"d/g/llm":                       "reserved but not served",
		"r/g/llm":                       "reserved but not served",
		"l/l/g/llm":                     "the wrapper l/ twice",
		"l/m":                           "names no route",
		"g/":                            "no name after g/",
		"g//x":                          "no name after g/",
		"c/sp%20ace":                    "percent-escape in the name",
		"g/llm/v1/../admin":             `".." segment`,
		"g/llm/v1%2F..%2Fadmin":         "encodes '/'",
		"g/llm/v1/embeddings%3F":        "encodes '/', '?'",
		"g/llm/%zz":                     "malformed percent-escape",
		"f/g/llm":                       "without its secondary: add ?_else=",
		"t/g/llm":                       "without its secondary: add ?_to=",
		"g/llm?_ttl=1h":                 "without the m/ wrapper",
		"m/g/llm?_ttl=8d":               "at most 7d",
		"m/g/llm?_ttl=1w":               "s, m, h or d",
		"m/g/llm?_ttl=0s":               "more than 0",
		"m/g/llm?_bogus=1":              "no wrapper takes",
		"f/g/llm?_else=https://x.io/y":  "is a URL",
		"f/g/llm?_else=https%3A%2F%2Fx": "is a URL",
		"t/g/llm?_to=x%2Fy":             "the t/ secondary (_to) is not a gateway path",
	} {
		if _, err := tfutil.ParseGatewayPath(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one saying %q", in, err, want)
		}
	}
}

func TestCacheTTL(t *testing.T) {
	for _, ok := range []string{"30s", "15m", "1h", "7d", "168h", "604800s"} {
		if p := tfutil.CacheTTLProblem(ok); p != "" {
			t.Errorf("%s: %s", ok, p)
		}
	}
	for _, bad := range []string{"", "1", "1.5h", "-1h", "169h", "604801s", "1H"} {
		if tfutil.CacheTTLProblem(bad) == "" {
			t.Errorf("%s accepted", bad)
		}
	}
}
