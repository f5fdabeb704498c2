package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultCatalogMeetsTheDemoNeeds(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	llm, ok := c.Group("llm")
	if !ok || llm.GroupType != "open" || llm.Interface == nil || len(llm.RoutingPolicy) == 0 {
		t.Fatalf("llm group = %+v", llm)
	}
	providers := map[string]bool{}
	pricesByModel := map[string]map[string]bool{}
	for _, s := range c.GroupServices(llm) {
		providers[*s.ProviderName] = true
		model := s.RoutingKey["model"].(string)
		if pricesByModel[model] == nil {
			pricesByModel[model] = map[string]bool{}
		}
		pricesByModel[model][string(s.ListPrice)] = true
	}
	if len(providers) < 3 {
		t.Errorf("llm has %d providers, want at least 3", len(providers))
	}
	if len(pricesByModel["llama-3.1-8b"]) < 2 {
		t.Errorf("llama-3.1-8b is not offered at several prices: %v", pricesByModel["llama-3.1-8b"])
	}
	big, _ := c.Group("open-weights")
	if len(big.Services) <= 60 {
		t.Errorf("open-weights has %d services, want more than 60", len(big.Services))
	}
	var byok *Service
	for _, s := range c.Services {
		if s.Name == "my-provider-llm" {
			byok = s
		}
	}
	if byok == nil || byok.EnrollmentMode != "required" || strings.Join(byok.RequiredSecrets(), ",") != "MY_PROVIDER_API_KEY" {
		t.Fatalf("BYOK service = %+v", byok)
	}
	if byok.Parameters[0].Name != "endpoint" || !byok.Parameters[0].Required {
		t.Fatalf("BYOK parameters = %+v", byok.Parameters)
	}
	if g := c.GroupsOf(byok.ID); len(g) != 1 || g[0].Name != "byok" {
		t.Fatalf("groups of the BYOK service = %v", g)
	}
}

func TestParseRejectsBrokenCatalogs(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":       `{`,
		"service no id":  `{"services":[{"name":"x"}]}`,
		"duplicate id":   `{"services":[{"id":"a","name":"x"},{"id":"a","name":"y"}]}`,
		"unknown member": `{"services":[{"id":"a","name":"x"}],"groups":[{"id":"g","name":"g","services":["nope"]}]}`,
		"group no name":  `{"groups":[{"id":"g"}]}`,
		"failure rate":   `{"services":[{"id":"a","name":"x","upstream":{"failure_rate":1.5}}]}`,
		"failure status": `{"services":[{"id":"a","name":"x","upstream":{"failure_status":200}}]}`,
		"forced status":  `{"services":[{"id":"a","name":"x","upstream":{"status":99}}]}`,
		"negative delay": `{"services":[{"id":"a","name":"x","upstream":{"latency_ms":-1}}]}`,
		"seller secret":  `{"services":[{"id":"a","name":"x","upstream":{"base_url":"https://h","headers":{"Authorization":"Bearer ${ secrets.K }"}}}]}`,
		"policy":         `{"groups":[{"id":"g","name":"g","routing_policy":{"parameters":{}}}]}`,
		"policy params":  `{"groups":[{"id":"g","name":"g","routing_policy":{"strategy":"by_price","parameters":{"max_price":"cheap"}}}]}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	doc := `{"services":[{"id":"00000000-0000-0000-0000-00000000000a","name":"only"}],"groups":[{"id":"g1","name":"mine","group_type":"open","services":["only"]}]}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := c.Service("00000000-0000-0000-0000-00000000000A")
	if !ok || s.EnrollmentMode != "disallowed" {
		t.Fatalf("service lookup (case-insensitive id, default enrollment mode) = %+v %v", s, ok)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("a missing catalog file was accepted")
	}
}

func TestDefaultCatalogRoutingAndUpstreams(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	strategies := map[string]string{}
	for _, g := range c.Groups {
		if g.Policy != nil {
			strategies[g.Policy.Strategy] = g.Name
		}
	}
	for _, want := range []string{"weighted_random", "by_price", "lowest_latency", "by_content"} {
		if strategies[want] == "" {
			t.Errorf("no platform group routes by %s", want)
		}
	}
	router, _ := c.Group("chat-router")
	if router.Policy.Parameters["max_price"] != 5 {
		t.Errorf("chat-router policy = %+v", router.Policy)
	}
	for _, s := range c.Services {
		if s.Name == "my-provider-llm" {
			if s.Upstream.Builtin() || strings.Join(s.Upstream.SecretsUsed(), ",") != "MY_PROVIDER_API_KEY" {
				t.Errorf("BYOK upstream = %+v", s.Upstream)
			}
		} else if !s.Upstream.Builtin() || s.Upstream.FailureRate != 0 || s.Upstream.Status != 0 {
			t.Errorf("%s: platform services are built in and healthy in the default catalog: %+v", s.Name, s.Upstream)
		}
	}
	gpt, _ := c.Service("1eee2b22-3bc6-599b-8af6-ac644a06b55f")
	if p, ok := gpt.SummaryPrice(); !ok || p != (2.5+4*10)/5 {
		t.Errorf("gpt-4o summary price = %v %v", p, ok)
	}
}

func TestExpand(t *testing.T) {
	got, err := Expand("Bearer ${ customer_secrets.K } at ${parameters.host}", func(kind, name string) (string, error) { return kind + ":" + name, nil })
	if err != nil || got != "Bearer customer_secrets:K at parameters:host" {
		t.Fatalf("Expand = %q, %v", got, err)
	}
}

func TestParseDocuments(t *testing.T) {
	svc := `"services":[{"id":"5b1e3f8e-0000-4000-8000-000000000001","name":"s","routing_key":{"model":"m"}}]`
	bad := map[string]string{
		`{` + svc + `,"documents":[{"key":"k","services":["s"],"title":"T","category":"recipe","mime_type":"x"}]}`:                          `unknown category "recipe"`,
		`{` + svc + `,"documents":[{"key":"k","services":["nope"],"title":"T","category":"other","mime_type":"x"}]}`:                        `unknown service "nope"`,
		`{` + svc + `,"documents":[{"key":"k","services":["s"],"title":"T","category":"code_example","mime_type":"x","content":"{{ .a "}]}`: `document k`,
		`{` + svc + `,"documents":[{"services":["s"],"title":"T","category":"other","mime_type":"x"}]}`:                                     `needs a key`,
	}
	for doc, want := range bad {
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error with %q", doc, err, want)
		}
	}
	c, err := Parse([]byte(`{` + svc + `,"documents":[{"key":"k","services":["s"],"title":"T","category":"code_example","mime_type":"bash","filename":"x.sh.j2","content":"curl {{ .base_url }} {{ .model }} {{ .nope }}","is_public":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.Service("5b1e3f8e-0000-4000-8000-000000000001")
	d := c.Documents(s.ID)[0]
	if content, renderErr := d.Render(s, "canonical", "http://gw/p/x"); content != nil || renderErr == nil || !strings.Contains(*renderErr, "nope") {
		t.Fatalf("a template naming an unknown field: content %v, render error %v", content, renderErr)
	}
	if f := d.RenderedFilename(); *f != "x.sh" {
		t.Fatalf("rendered filename %s", *f)
	}
	again, _ := Parse([]byte(`{` + svc + `,"documents":[{"key":"k","services":["s"],"title":"T","category":"other","mime_type":"x"}]}`))
	if again.Documents(s.ID)[0].ID != d.ID {
		t.Fatal("document ids must be stable across loads")
	}
}

// Expand parses each template once; every expansion, the first and the
// cached ones, gives the same answer and asks for every placeholder.
func TestExpandCachedTemplate(t *testing.T) {
	tmpl := "x${parameters.a}-${ customer_secrets.B }${parameters.c}y"
	for range 3 {
		var asked []string
		got, err := Expand(tmpl, func(kind, name string) (string, error) {
			asked = append(asked, kind+"."+name)
			if name == "B" {
				return "", errors.New("no B")
			}
			return strings.ToUpper(name), nil
		})
		if got != "xA-Cy" || err == nil || err.Error() != "no B" || strings.Join(asked, ",") != "parameters.a,customer_secrets.B,parameters.c" {
			t.Fatalf("Expand = %q, %v after asking %v", got, err, asked)
		}
	}
	if got, err := Expand("no placeholders", nil); got != "no placeholders" || err != nil {
		t.Fatalf("Expand of a literal = %q, %v", got, err)
	}
}

// Parse decodes list_price once; a service built otherwise decodes it on
// each call, with the same answers.
func TestListPricesParsedOnceAgreeWithDecodedEachTime(t *testing.T) {
	for _, tc := range []struct {
		listPrice         string
		summary           float64
		priced            bool
		tokenIn, tokenOut float64
	}{
		{`{"input":"2.5","output":"10"}`, (2.5 + 4*10) / 5, true, 2.5, 10},
		{`{"input":"0.1"}`, 0.1, true, 0.1, 0},
		{`{"output":"3"}`, 0, false, 0, 3},
		{`{"input":"x","output":"3"}`, 0, false, 0, 3},
		{`{"input":"1","output":5}`, 0, false, 1, 0}, // a type error: no summary, the input price still charged
		{`null`, 0, false, 0, 0},
		{``, 0, false, 0, 0},
	} {
		doc := `{"services":[{"id":"s","name":"s"` + map[bool]string{true: `,"list_price":` + tc.listPrice, false: ``}[tc.listPrice != ""] + `}]}`
		c, err := Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		parsed, _ := c.Service("s")
		built := &Service{ID: "s", Name: "s", ListPrice: []byte(tc.listPrice)}
		for name, s := range map[string]*Service{"parsed": parsed, "built": built} {
			p, ok := s.SummaryPrice()
			in, out := s.TokenPrices()
			if p != tc.summary || ok != tc.priced || in != tc.tokenIn || out != tc.tokenOut {
				t.Errorf("%s %q: SummaryPrice %v, %v; TokenPrices %v, %v", name, tc.listPrice, p, ok, in, out)
			}
		}
	}
}
