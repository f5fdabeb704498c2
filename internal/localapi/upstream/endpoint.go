package upstream

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

// Endpoint is where and how the gateway calls one service for one
// caller: the base URL the request's sub-path is appended to, and the
// headers (credentials) the catalog's templates resolved to.
type Endpoint struct {
	BaseURL string
	Header  http.Header
}

// MissingSecretError means the customer has not set a secret the
// service's upstream needs (a BYOK key).
type MissingSecretError struct {
	Service string
	Secret  string
}

func (e *MissingSecretError) Error() string {
	return fmt.Sprintf("service '%s' needs your secret %s, which is not set: create it (PUT /v1/secrets/%s) and retry", e.Service, e.Secret, e.Secret)
}

// MissingParameterError means the enrollment lacks a parameter the
// upstream's URL or headers use.
type MissingParameterError struct {
	Service   string
	Parameter string
}

func (e *MissingParameterError) Error() string {
	return fmt.Sprintf("service '%s' needs the enrollment parameter '%s', which your enrollment does not set", e.Service, e.Parameter)
}

// Secrets looks up one of the customer's secrets by name.
type Secrets func(name string) (value string, found bool, err error)

// Resolve returns the endpoint of s: the built-in upstream under
// builtinRoot, or the catalog's base_url and headers with
// ${ parameters.NAME } taken from params (the enrollment's parameters)
// and ${ customer_secrets.NAME } from secrets.
func Resolve(builtinRoot string, s *catalog.Service, params map[string]any, secrets Secrets) (Endpoint, error) {
	if s.Upstream.Builtin() {
		return Endpoint{BaseURL: strings.TrimRight(builtinRoot, "/") + "/" + s.ID}, nil
	}
	lookup := func(kind, name string) (string, error) {
		switch kind {
		case catalog.TemplateParameters:
			v, ok := params[name]
			if !ok || v == nil || v == "" {
				return "", &MissingParameterError{Service: s.Name, Parameter: name}
			}
			if str, ok := v.(string); ok {
				return str, nil
			}
			return fmt.Sprint(v), nil
		case catalog.TemplateCustomerSecrets:
			v, found, err := secrets(name)
			if err != nil {
				return "", err
			}
			if !found {
				return "", &MissingSecretError{Service: s.Name, Secret: name}
			}
			return v, nil
		}
		return "", fmt.Errorf("unknown template kind %q", kind)
	}
	base, err := catalog.Expand(s.Upstream.BaseURL, lookup)
	if err != nil {
		return Endpoint{}, err
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Endpoint{}, fmt.Errorf("service '%s': its upstream URL is not an http(s) URL; check the enrollment's parameters", s.Name)
	}
	h := http.Header{}
	for k, tmpl := range s.Upstream.Headers {
		v, err := catalog.Expand(tmpl, lookup)
		if err != nil {
			return Endpoint{}, err
		}
		h.Set(k, v)
	}
	return Endpoint{BaseURL: base, Header: h}, nil
}

// IsMissingSecret reports whether err is a MissingSecretError.
func IsMissingSecret(err error) bool {
	var m *MissingSecretError
	return errors.As(err, &m)
}

// Join appends a gateway sub-path (and query) to an upstream base URL. A
// base ending in /v1 and a sub-path starting with v1/ share that segment,
// so a BYOK endpoint may be given with or without its /v1.
func Join(base, subPath, rawQuery string) string {
	base = strings.TrimRight(base, "/")
	subPath = strings.TrimLeft(subPath, "/")
	if strings.HasSuffix(base, "/v1") && (subPath == "v1" || strings.HasPrefix(subPath, "v1/")) {
		subPath = strings.TrimPrefix(strings.TrimPrefix(subPath, "v1"), "/")
	}
	u := base
	if subPath != "" {
		u += "/" + subPath
	}
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	return u
}

// Host names an upstream URL for error messages without its path, query
// or credentials.
func Host(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}
