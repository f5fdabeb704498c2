// Package provider is the UnitySVC Terraform provider: its configuration
// and the lists of resources and data sources, each implemented in the
// package of its API area beneath this one.
package provider

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/alias"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/broadcast"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/chain"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/collection"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/enrollment"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/files"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/functions"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/recurrentrequest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/requestlog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/resolve"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/secret"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// Environment variables read when the provider block leaves a value unset.
const (
	EnvAPIKey     = "UNITYSVC_API_KEY"
	EnvAPIURL     = "UNITYSVC_API_URL"
	EnvGatewayURL = "UNITYSVC_API_BASE_URL"
)

const (
	defaultRequestTimeout = 30 * time.Second
	defaultMaxRetries     = 4
)

var (
	_ provider.Provider                  = &unitysvcProvider{}
	_ provider.ProviderWithListResources = &unitysvcProvider{}
	_ provider.ProviderWithFunctions     = &unitysvcProvider{}
)

type unitysvcProvider struct {
	version string
}

type providerModel struct {
	APIKey         types.String         `tfsdk:"api_key"`
	APIURL         types.String         `tfsdk:"api_url"`
	GatewayURL     types.String         `tfsdk:"gateway_url"`
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
}

// New returns a constructor of the provider at version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &unitysvcProvider{version: version} }
}

func (p *unitysvcProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "unitysvc"
	resp.Version = p.version
}

func (p *unitysvcProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage UnitySVC secrets, enrollments, collections, chains, broadcasts, aliases and recurring requests, and read the service catalog.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "UnitySVC API key (`svcpass_...`). Falls back to `" + EnvAPIKey + "`. Optional: without a key only the public catalog (groups and services data sources) can be read.",
				Optional:            true,
				Sensitive:           true,
			},
			"api_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the customer API, including its version segment `/v1`. Falls back to `" + EnvAPIURL + "`, then `" + client.DefaultBaseURL + "`. " +
					"A URL without the version segment is a configuration error (it is not guessed), and an answer that is not the API's own (a 404 for an unknown route, a 501) is an error that leaves the state alone, never \"this object was deleted\".",
				Optional: true,
			},
			"gateway_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the UnitySVC gateway, used to compute `gateway_url` attributes. Falls back to `" + EnvGatewayURL + "`, then `api_url` without its trailing `/v1`. It has no version segment: a URL ending in `/v1` is refused as a likely mix-up with `api_url`.",
				Optional:            true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of each HTTP attempt, as a positive Go duration such as `30s` or `2m`. Defaults to `30s`.",
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried on HTTP 429, 5xx or a network error, with exponential backoff and jitter (honouring `Retry-After`). Creates (POST) are retried only when the request provably never reached the server, or on 429. Defaults to 4.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
		},
	}
}

func (p *unitysvcProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, a := range []struct {
		name string
		v    types.String
	}{{"api_key", cfg.APIKey}, {"api_url", cfg.APIURL}, {"gateway_url", cfg.GatewayURL}, {"request_timeout", cfg.RequestTimeout.StringValue}} {
		if a.v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Unknown provider configuration value",
				fmt.Sprintf("The provider cannot be configured because %s depends on a value known only after apply. Set it to a literal, a variable, or use the environment variable instead.", a.name))
		}
	}
	if cfg.MaxRetries.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Unknown provider configuration value",
			"The provider cannot be configured because max_retries depends on a value known only after apply.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := cmp.Or(cfg.APIKey.ValueString(), os.Getenv(EnvAPIKey))
	apiURL := strings.TrimRight(cmp.Or(cfg.APIURL.ValueString(), os.Getenv(EnvAPIURL), client.DefaultBaseURL), "/")
	if err := checkURL(apiURL); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("api_url"), "Invalid api_url",
			fmt.Sprintf("%q is not usable: %v. Set api_url (or %s) to the API base URL, for example %s.", apiURL, err, EnvAPIURL, client.DefaultBaseURL))
	}
	if err := checkURL(apiURL); err == nil && !hasVersionSegment(apiURL) {
		resp.Diagnostics.AddAttributeError(path.Root("api_url"), "Invalid api_url",
			fmt.Sprintf("%q has no API version segment: the UnitySVC customer API is served under /v1. Set api_url (or %s) to %q. "+
				"(The gateway URL, gateway_url or %s, is the one without /v1.)", apiURL, EnvAPIURL, apiURL+"/v1", EnvGatewayURL))
	}
	gatewayURL := strings.TrimRight(cmp.Or(cfg.GatewayURL.ValueString(), os.Getenv(EnvGatewayURL), strings.TrimSuffix(apiURL, "/v1")), "/")
	if err := checkURL(gatewayURL); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("gateway_url"), "Invalid gateway_url",
			fmt.Sprintf("%q is not usable: %v. Set gateway_url (or %s) to the gateway base URL, for example https://api.unitysvc.com.", gatewayURL, err, EnvGatewayURL))
	} else if hasVersionSegment(gatewayURL) {
		resp.Diagnostics.AddAttributeError(path.Root("gateway_url"), "Invalid gateway_url",
			fmt.Sprintf("%q ends in an API version segment, like the customer API's URL (api_url, %s). The gateway's paths (/g/..., /c/..., /a/...) start at its root: "+
				"set gateway_url (or %s) to the gateway base URL without the version, for example https://api.unitysvc.com.", gatewayURL, EnvAPIURL, EnvGatewayURL))
	}
	timeout := defaultRequestTimeout
	if !cfg.RequestTimeout.IsNull() {
		// The type has checked the syntax; a duration of zero or less
		// would time every request out at once.
		d, diags := cfg.RequestTimeout.ValueGoDuration()
		resp.Diagnostics.Append(diags...)
		if !diags.HasError() && d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout is %q; it must be a positive Go duration such as 30s, 1m30s or 2m.", cfg.RequestTimeout.ValueString()))
		}
		timeout = d
	}
	maxRetries := int64(defaultMaxRetries)
	if !cfg.MaxRetries.IsNull() {
		maxRetries = cfg.MaxRetries.ValueInt64()
	}
	if resp.Diagnostics.HasError() {
		return
	}

	ctx = tflog.SetField(ctx, "unitysvc_api_key", apiKey)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "unitysvc_api_key")
	tflog.Debug(ctx, "configuring UnitySVC client", map[string]any{"api_url": apiURL, "gateway_url": gatewayURL, "authenticated": apiKey != ""})

	var logger func(ctx context.Context, msg string, fields map[string]any)
	if !providerLogsOff() {
		logger = func(ctx context.Context, msg string, fields map[string]any) { tflog.Debug(ctx, msg, fields) }
	}
	c, err := client.New(client.Config{
		BaseURL:    apiURL,
		APIKey:     apiKey,
		UserAgent:  "terraform-provider-unitysvc/" + p.version,
		Timeout:    timeout,
		MaxRetries: int(maxRetries),
		Logger:     logger,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the UnitySVC client", err.Error())
		return
	}
	pd := &tfutil.ProviderData{Client: c, GatewayURL: gatewayURL}
	resp.ResourceData = pd
	resp.DataSourceData = pd
	resp.ListResourceData = pd
}

func (p *unitysvcProvider) Resources(_ context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, area := range [][]func() resource.Resource{
		secret.Resources(),
		enrollment.Resources(),
		collection.Resources(),
		chain.Resources(),
		broadcast.Resources(),
		alias.Resources(),
		recurrentrequest.Resources(),
		requestlog.Resources(),
	} {
		out = append(out, area...)
	}
	return out
}

func (p *unitysvcProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	var out []func() datasource.DataSource
	for _, area := range [][]func() datasource.DataSource{
		catalog.DataSources(),
		secret.DataSources(),
		enrollment.DataSources(),
		collection.DataSources(),
		alias.DataSources(),
		chain.DataSources(),
		broadcast.DataSources(),
		recurrentrequest.DataSources(),
		resolve.DataSources(),
		requestlog.DataSources(),
		files.DataSources(),
	} {
		out = append(out, area...)
	}
	return out
}

// Functions are the provider-defined functions (OpenTofu 1.7+, Terraform
// 1.8+).
func (p *unitysvcProvider) Functions(_ context.Context) []func() function.Function {
	return functions.Functions()
}

// providerLogsOff reports whether the provider's logger (tflog) is off
// (TF_LOG_PROVIDER=off, as main sets it when the CLI shows no provider
// logs): the client then builds no log lines for its requests, which
// tflog would have dropped after masking them.
func providerLogsOff() bool {
	return strings.EqualFold(os.Getenv(EnvLogProvider), "off")
}

// EnvLogProvider is terraform-plugin-log's level of the provider's logger.
const EnvLogProvider = "TF_LOG_PROVIDER"

// ListResources are the list resources of Terraform 1.14+ (`terraform
// query`), one per managed type; each shares its listing with the type's
// list data source.
func (p *unitysvcProvider) ListResources(_ context.Context) []func() list.ListResource {
	var out []func() list.ListResource
	for _, area := range [][]func() list.ListResource{
		secret.ListResources(),
		enrollment.ListResources(),
		collection.ListResources(),
		chain.ListResources(),
		broadcast.ListResources(),
		alias.ListResources(),
		recurrentrequest.ListResources(),
	} {
		out = append(out, area...)
	}
	return out
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("the scheme must be http or https")
	}
	if u.Host == "" {
		return fmt.Errorf("there is no host")
	}
	return nil
}

// versionSegment is the last path segment of an API base URL: /v1.
var versionSegment = regexp.MustCompile(`^v[0-9]+$`)

// hasVersionSegment reports whether the URL's path ends in a version
// segment such as /v1. An api_url without one is the easiest slip to make
// (the gateway's URL has none), and every call would then get a 404.
func hasVersionSegment(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	p := strings.TrimRight(u.Path, "/")
	return versionSegment.MatchString(p[strings.LastIndex(p, "/")+1:])
}
