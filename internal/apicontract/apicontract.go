// Package apicontract checks HTTP exchanges against the official UnitySVC
// customer API spec (../shared/openapi/customer-api.json), for tests of
// unitysvc-local and of the client. The spec is read where it lies and is
// never copied into the repository.
package apicontract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/radix"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// SpecEnv overrides where the spec is looked for.
const SpecEnv = "UNITYSVC_OPENAPI_SPEC"

// ErrNoSpec means the spec file is not present (../shared is absent).
var ErrNoSpec = errors.New("the UnitySVC OpenAPI spec (../shared/openapi/customer-api.json) is not present")

// Checker validates requests and responses against the spec.
type Checker struct {
	mu sync.Mutex
	v  validator.Validator
	// prefix is stripped from request paths (the spec's paths are
	// relative to the /v1 base URL).
	prefix string
}

var (
	loadOnce sync.Once
	loaded   *Checker
	loadErr  error
)

// Load returns the process-wide checker, or ErrNoSpec.
func Load() (*Checker, error) {
	loadOnce.Do(func() { loaded, loadErr = load() })
	return loaded, loadErr
}

// SpecPath finds the spec: $UNITYSVC_OPENAPI_SPEC, else ../shared beside
// the module root.
func SpecPath() (string, error) {
	if p := os.Getenv(SpecEnv); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "..", "shared", "openapi", "customer-api.json")
			if _, err := os.Stat(p); err != nil {
				return "", ErrNoSpec
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoSpec
		}
		dir = parent
	}
}

func load() (*Checker, error) {
	p, err := SpecPath()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSpec, err)
	}
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		return nil, fmt.Errorf("parsing spec: %w", err)
	}
	lookup, err := newShapeAwareLookup(doc)
	if err != nil {
		return nil, fmt.Errorf("parsing spec: %w", err)
	}
	v, errs := validator.NewValidator(doc, config.WithPathTree(lookup))
	if len(errs) > 0 {
		return nil, fmt.Errorf("building validator: %w", errors.Join(errs...))
	}
	return &Checker{v: v, prefix: "/v1"}, nil
}

// Violation is one way an exchange breaks the contract.
type Violation struct {
	Method, Path string
	Status       int
	Side         string // "request" or "response"
	Message      string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s %s (HTTP %d) %s: %s", v.Method, v.Path, v.Status, v.Side, v.Message)
}

// Check validates one exchange. Bodies are passed separately because the
// originals have been consumed. Responses with an error status the spec
// does not list (401, 403, 404, 409, 429, 5xx) must still be FastAPI
// {"detail": "..."} bodies; success codes the spec names differently
// (201 where it lists 200, for an upsert) are checked against its
// documented success schema.
func (c *Checker) Check(req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) []Violation {
	path := strings.TrimPrefix(req.URL.Path, c.prefix)
	if path == req.URL.Path || path == "/healthz" {
		return nil // not an API route
	}
	mk := func(side, msg string) Violation {
		return Violation{Method: req.Method, Path: req.URL.Path, Status: status, Side: side, Message: msg}
	}
	r := req.Clone(req.Context())
	r.URL.Path = path
	r.URL.RawPath = ""
	r.RequestURI = ""
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	r.ContentLength = int64(len(reqBody))

	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Violation
	if ok, errs := c.v.ValidateHttpRequestSync(r); !ok && status != http.StatusUnprocessableEntity && status != http.StatusUnauthorized {
		// A request the server rejected as invalid is expected to break the
		// contract; any other must not.
		for _, e := range errs {
			out = append(out, mk("request", e.Error()+describe(e.Reason)))
		}
	}
	if status >= 400 && status != http.StatusUnprocessableEntity {
		var body struct {
			Detail *string `json:"detail"`
		}
		if err := json.Unmarshal(respBody, &body); err != nil || body.Detail == nil {
			out = append(out, mk("response", fmt.Sprintf("error body is not {\"detail\": string}: %s", respBody)))
		}
		return out
	}
	for _, candidate := range successCodes(status) {
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := httptest.NewRecorder()
		for k, vs := range header {
			rec.Header()[k] = vs
		}
		rec.WriteHeader(candidate)
		_, _ = rec.Write(respBody)
		ok, errs := c.v.ValidateHttpResponse(r, rec.Result())
		if ok {
			return out
		}
		if undocumentedStatus(errs) && candidate != 0 {
			continue
		}
		for _, e := range errs {
			out = append(out, mk("response", e.Error()+describe(e.Reason)))
		}
		return out
	}
	return append(out, mk("response", "status is not documented for this operation"))
}

func describe(reason string) string {
	s := ""
	if reason != "" {
		s += " (" + reason + ")"
	}
	return s
}

// successCodes lists the status to check a response as: itself first,
// then the other success codes an operation may document.
func successCodes(status int) []int {
	if status < 200 || status > 299 {
		return []int{status}
	}
	codes := []int{status}
	for _, c := range []int{200, 201, 202, 204} {
		if c != status {
			codes = append(codes, c)
		}
	}
	return codes
}

func undocumentedStatus(errs []*validatorError) bool {
	for _, e := range errs {
		msg := strings.ToLower(e.Message + " " + e.Reason)
		if !strings.Contains(msg, "response code") && !strings.Contains(msg, "not defined") && !strings.Contains(msg, "no response") {
			return false
		}
	}
	return len(errs) > 0
}

// shapeAwareLookup is the validator's radix path lookup, except for
// templates that share their shape with another (/groups/{name} for GET
// beside /groups/{group_id} for PATCH and DELETE): the radix tree keeps
// one path item per shape and would miss the other's methods, so for
// those it finds nothing and the router falls back to regex matching,
// which weighs every path item and picks one that has the method.
type shapeAwareLookup struct {
	tree      *radix.PathTree
	ambiguous map[string]bool
}

var templateParam = regexp.MustCompile(`\{[^}]*\}`)

func newShapeAwareLookup(doc libopenapi.Document) (*shapeAwareLookup, error) {
	m, err := doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	shapes := map[string]int{}
	for pair := orderedmap.First(m.Model.Paths.PathItems); pair != nil; pair = pair.Next() {
		shapes[templateParam.ReplaceAllString(pair.Key(), "{}")]++
	}
	ambiguous := map[string]bool{}
	for pair := orderedmap.First(m.Model.Paths.PathItems); pair != nil; pair = pair.Next() {
		if shapes[templateParam.ReplaceAllString(pair.Key(), "{}")] > 1 {
			ambiguous[pair.Key()] = true
		}
	}
	return &shapeAwareLookup{tree: radix.BuildPathTree(&m.Model), ambiguous: ambiguous}, nil
}

func (l *shapeAwareLookup) Lookup(urlPath string) (*v3.PathItem, string, bool) {
	item, path, found := l.tree.Lookup(urlPath)
	if !found || l.ambiguous[path] {
		return nil, "", false
	}
	return item, path, true
}
