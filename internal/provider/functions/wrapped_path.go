package functions

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// WrapOptions are the wrapper primitives to put in front of a path, as
// the SDK's build_wrapped_path takes them.
type WrapOptions struct {
	// Log is "" (no l/), "true" (l/) or "complete" (l/ with ?_complete).
	Log string
	// Cache adds m/ with the gateway's default TTL; CacheTTL and
	// CacheRenew imply it.
	Cache      bool
	CacheTTL   *string
	CacheRenew bool
	// FailoverTo and TeeTo are the f/ and t/ secondaries.
	FailoverTo, TeeTo *string
}

// BuildWrappedPath puts the wrappers of o in front of base, in the SDK's
// canonical order l m f t, with their parameters as a query, exactly as
// the SDK's build_wrapped_path: a leading "/" of base is dropped, values
// are form-encoded ("/" as %2F, a space as +) in the order _complete,
// _ttl, _renew, _else, _to, and a switch is "_name=". One difference: when
// base already has a query, the wrappers' parameters are appended with
// "&" (the SDK would add a second "?", which the gateway would read as
// part of the previous value).
func BuildWrappedPath(base string, o WrapOptions) (string, error) {
	var prefixes, query []string
	param := func(k, v string) { query = append(query, k+"="+queryEscape(v)) }
	switch o.Log {
	case "":
	case "true", "complete":
		prefixes = append(prefixes, "l")
		if o.Log == "complete" {
			param("_complete", "")
		}
	default:
		return "", fmt.Errorf("log is %q: use true, false or \"complete\"", o.Log)
	}
	if o.Cache || o.CacheTTL != nil || o.CacheRenew {
		prefixes = append(prefixes, "m")
		if o.CacheTTL != nil {
			if p := tfutil.CacheTTLProblem(*o.CacheTTL); p != "" {
				return "", fmt.Errorf("cache_ttl: %s", p)
			}
			param("_ttl", *o.CacheTTL)
		}
		if o.CacheRenew {
			param("_renew", "")
		}
	}
	for _, s := range []struct {
		name, prefix, key string
		v                 *string
	}{{"failover_to", "f", "_else", o.FailoverTo}, {"tee_to", "t", "_to", o.TeeTo}} {
		if s.v == nil {
			continue
		}
		if strings.Contains(*s.v, "://") {
			return "", fmt.Errorf("%s = %q must be a gateway-relative path (for example p/<service-id> or another object's gateway_path), not an external URL: the gateway refuses URLs as secondaries", s.name, *s.v)
		}
		if _, err := tfutil.ParseGatewayPath(*s.v); err != nil {
			return "", fmt.Errorf("%s: %w", s.name, err)
		}
		prefixes = append(prefixes, s.prefix)
		param(s.key, *s.v)
	}
	path := strings.TrimLeft(base, "/")
	if len(prefixes) > 0 {
		path = strings.Join(prefixes, "/") + "/" + path
	}
	if len(query) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + strings.Join(query, "&")
	}
	return path, nil
}

// queryEscape is Python's quote_plus (urlencode's default): every byte
// but letters, digits and "_.-~" percent-encoded, a space as "+". Go's
// url.QueryEscape is the same.
func queryEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-', c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// optionNames are the keys wrapped_path's options take.
var optionNames = []string{"log", "cache", "cache_ttl", "cache_renew", "failover_to", "tee_to"}

// NewWrappedPath returns provider::unitysvc::wrapped_path.
func NewWrappedPath() function.Function { return &wrappedPath{} }

type wrappedPath struct{}

func (f *wrappedPath) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "wrapped_path"
}

func (f *wrappedPath) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Wrap a gateway path in the gateway's wrapper primitives (log, cache, failover, tee)",
		MarkdownDescription: "Returns `path` wrapped in the gateway's wrapper primitives, exactly as the UnitySVC SDK's `build_wrapped_path` builds it: " +
			"the prefixes in the order `l/` (log), `m/` (memoize), `f/` (failover), `t/` (tee), and their parameters as a query " +
			"(`_complete`, `_ttl`, `_renew`, `_else`, `_to`, form-encoded). The result is a gateway path like any other: use it as a " +
			"`target_path`, or pass it to `gateway_url`. With no option set, `path` is returned without its leading `/`. " +
			"A secondary that is a URL, a cache TTL the gateway would refuse, or an option that is not one of these is an error.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "path",
				MarkdownDescription: "Gateway-relative path to wrap, such as `g/my-llms`, `p/<service id>/v1/chat/completions` or an object's `gateway_path`; it may be wrapped already.",
			},
			function.DynamicParameter{
				Name:           "options",
				AllowNullValue: true,
				MarkdownDescription: "An object with any of: `log` (`true`, `false` or `\"complete\"` for full bodies), `cache` (`true`: memoize with the " +
					"gateway's default TTL of 1 h), `cache_ttl` (memoize for `30s`, `15m`, `1h`, `7d`...; at most `7d`), `cache_renew` (`true`: call the " +
					"upstream and store its answer), `failover_to` (gateway path called on the primary's 5xx, 429 or timeout) and `tee_to` (gateway " +
					"path sent a copy, fire and forget). `{}` wraps nothing.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *wrappedPath) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var base string
	var opts types.Dynamic
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &base, &opts))
	if resp.Error != nil {
		return
	}
	o, unknown, err := readOptions(opts)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	if unknown {
		resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, types.StringUnknown()))
		return
	}
	if _, err := tfutil.ParseGatewayPath(base); err != nil {
		resp.Error = function.NewArgumentFuncError(0, "path: "+err.Error())
		return
	}
	out, err := BuildWrappedPath(base, o)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	if _, err := tfutil.ParseGatewayPath(out); err != nil {
		resp.Error = function.NewFuncError("the wrapped path is not one the gateway routes: " + err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, out))
}

// readOptions reads wrapped_path's options from an object or a map.
// unknown reports a value known only after apply.
func readOptions(d types.Dynamic) (o WrapOptions, unknown bool, err error) {
	if d.IsNull() || d.IsUnderlyingValueNull() {
		return o, false, nil
	}
	if d.IsUnknown() || d.IsUnderlyingValueUnknown() {
		return o, true, nil
	}
	var elems map[string]attr.Value
	switch v := d.UnderlyingValue().(type) {
	case types.Object:
		elems = v.Attributes()
	case types.Map:
		elems = v.Elements()
	default:
		return o, false, fmt.Errorf("options must be an object such as { log = true, cache_ttl = \"1h\" }, not %s", d.UnderlyingValue().Type(context.Background()))
	}
	for k, v := range elems {
		if !slices.Contains(optionNames, k) {
			return o, false, fmt.Errorf("options has %q, which is not an option: use %s", k, tfutil.BacktickList(optionNames))
		}
		if v.IsUnknown() {
			return o, true, nil
		}
		if v.IsNull() {
			continue
		}
		if err := setOption(&o, k, v); err != nil {
			return o, false, err
		}
	}
	return o, false, nil
}

// setOption sets the option k from v: a bool, or a string where a string
// is expected ("true"/"false" are read as bools, as a map of strings
// carries them).
func setOption(o *WrapOptions, k string, v attr.Value) error {
	var s string
	var b, isBool bool
	switch x := v.(type) {
	case types.Bool:
		b, isBool = x.ValueBool(), true
	case types.String:
		s = x.ValueString()
		if s == "true" || s == "false" {
			b, isBool = s == "true", true
		}
	case types.Number:
		return fmt.Errorf("%s is the number %s: give a string (a duration such as \"30s\" for cache_ttl, a gateway path for failover_to and tee_to) or a bool, as the option takes", k, x.ValueBigFloat().Text('f', -1))
	default:
		return fmt.Errorf("option %s has the type %s, which it does not take", k, v.Type(context.Background()))
	}
	switch k {
	case "log":
		switch {
		case isBool && b:
			o.Log = "true"
		case isBool:
			o.Log = ""
		case s == "complete":
			o.Log = "complete"
		default:
			return fmt.Errorf("log is %q: use true, false or \"complete\"", s)
		}
	case "cache", "cache_renew":
		if !isBool {
			return fmt.Errorf("%s is %q: use true or false", k, s)
		}
		if k == "cache" {
			o.Cache = b
		} else {
			o.CacheRenew = b
		}
	default: // cache_ttl, failover_to, tee_to: strings
		if isBool {
			return fmt.Errorf("%s is a bool: give a string", k)
		}
		switch k {
		case "cache_ttl":
			o.CacheTTL = &s
		case "failover_to":
			o.FailoverTo = &s
		case "tee_to":
			o.TeeTo = &s
		}
	}
	return nil
}
