package functions

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// Where gateway_url finds the gateway's base URL when none is passed: the
// provider's own fallbacks (its gateway_url setting cannot be seen by a
// function).
const (
	EnvGatewayURL     = "UNITYSVC_API_BASE_URL"
	EnvAPIURL         = "UNITYSVC_API_URL"
	DefaultGatewayURL = "https://api.unitysvc.com"
)

// NewGatewayURL returns provider::unitysvc::gateway_url.
func NewGatewayURL() function.Function { return &gatewayURL{} }

type gatewayURL struct{}

func (f *gatewayURL) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "gateway_url"
}

func (f *gatewayURL) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The full gateway URL of a gateway path",
		MarkdownDescription: "Returns the URL to send requests to for a gateway-relative `path` (wrapped or not): the gateway's base URL, `/`, and the path. " +
			"The base URL is the optional second argument; without it, the environment the provider reads too: `" + EnvGatewayURL + "`, else `" +
			EnvAPIURL + "` without its `/v1`, else `" + DefaultGatewayURL + "`. Functions cannot see the provider block, so when you set " +
			"`gateway_url` there, pass the same value here (a local value used in both places keeps them equal). A path the gateway would " +
			"not route, or a base URL that is not an http(s) URL or ends in a version segment such as `/v1` (the API's URL, not the gateway's), is an error.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "path",
				MarkdownDescription: "Gateway-relative path, such as `g/my-llms/v1/chat/completions` or the result of `wrapped_path`.",
			},
		},
		VariadicParameter: function.StringParameter{
			Name:                "base",
			MarkdownDescription: "The gateway's base URL, such as `https://api.unitysvc.com` (at most one).",
		},
		Return: function.StringReturn{},
	}
}

func (f *gatewayURL) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var p string
	var bases []string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &p, &bases))
	if resp.Error != nil {
		return
	}
	if len(bases) > 1 {
		resp.Error = function.NewArgumentFuncError(2, fmt.Sprintf("gateway_url takes one base URL at most, not %d", len(bases)))
		return
	}
	if _, err := tfutil.ParseGatewayPath(p); err != nil {
		resp.Error = function.NewArgumentFuncError(0, "path: "+err.Error())
		return
	}
	base, from := "", "the base argument"
	if len(bases) == 1 {
		base = bases[0]
	} else {
		base, from = defaultBase()
	}
	base = strings.TrimRight(base, "/")
	if err := checkBase(base); err != nil {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("the gateway base URL %q (from %s) %v", base, from, err))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, base+"/"+strings.TrimLeft(p, "/")))
}

// defaultBase is the gateway URL the provider uses when its block sets
// none, and where it came from.
func defaultBase() (string, string) {
	if v := os.Getenv(EnvGatewayURL); v != "" {
		return v, EnvGatewayURL
	}
	if v := strings.TrimRight(os.Getenv(EnvAPIURL), "/"); v != "" {
		return strings.TrimSuffix(v, "/v1"), EnvAPIURL + " without /v1"
	}
	return DefaultGatewayURL, "the default"
}

var versionSegment = regexp.MustCompile(`/v[0-9]+$`)

// checkBase refuses what cannot be the gateway's base URL.
func checkBase(base string) error {
	u, err := url.Parse(base)
	switch {
	case err != nil:
		return fmt.Errorf("is not a URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return fmt.Errorf("is not an http or https URL with a host")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("has a query or fragment; give the base URL only")
	case versionSegment.MatchString(u.Path):
		return fmt.Errorf("ends in a version segment, like the customer API's URL; the gateway's paths start at its root: give the URL without it")
	}
	return nil
}
