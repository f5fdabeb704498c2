package gateway

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

// readBodyDecoder is readBody as it was written first, with a
// json.Decoder reading token by token: the reference the fast walk in
// readBody must agree with on every input.
func readBodyDecoder(body []byte) (bodyInfo, *gwError) {
	var info bodyInfo
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return info, nil
	}
	models := 0
	var model json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bodyInfo{}, nil
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return bodyInfo{}, nil
		}
		switch tok {
		case "model":
			models++
			model = v
		case "input":
			info.input = true
		case "messages":
			info.messages = true
		case "stream":
			info.stream = string(v) == "true"
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return bodyInfo{}, nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return bodyInfo{}, nil // something follows the object
	}
	info.json = true
	if models > 1 {
		return info, badRequest(http.StatusBadRequest, "the request body has %d 'model' fields: send one, so that routing and the upstream read the same model", models)
	}
	if models == 1 {
		var m string
		if err := json.Unmarshal(model, &m); err != nil || model[0] != '"' {
			return info, badRequest(http.StatusBadRequest, "the request body's model must be a string (the routing key, e.g. \"gpt-4o\"), not %s", truncate(string(model), 40))
		}
		if m != "" {
			info.key = map[string]any{"model": m}
		}
	}
	return info, nil
}

var readBodySeeds = []string{
	`{"model":"m-fast","messages":[{"role":"user","content":"hi"}]}`, `{"model":"m-fast","model":"m-slow"}`, `{"model":123}`,
	`{"model":null}`, `{"model":""}`, `{"input":"x"}`, `{"stream":true,"messages":[]}`, `{"stream": true }`, `{"stream":"true"}`,
	`[1,2]`, `"model"`, `12`, `not json`, `{"model":"m-fast"} tail`, `{"model":"m-fast"`, "", " ", "\x00\xff", `{"model":"\ud800"}`,
	`{"n":12345678901234567890123}`, ` { "mod\u0065l" : "m-fast" , "x" : [ {"model":"inner"}, "]}\"" ] } `, `{}`, ` {} `, `{"a":{}}`,
	`{"model":"a\"b\\"}`, `{"a":"}","model":"m"}`, `{"a":[[],[{}]],"input":1e3,"messages":null}`, "{\"model\":\"m\"}\n", `{"model":"m"}{}`,
	`{"model":["m"]}`, `{"model":{"a":1}}`, `{"model":true}`, `{"model" : "` + string(bytes.Repeat([]byte("x"), 60)) + `"}`, `{"x":-0.5e-3,"model":"m"}`,
}

// TestReadBodyAgreesWithDecoder checks the fast walk against the
// decoder on hand-picked bodies; FuzzReadBody searches for more.
func TestReadBodyAgreesWithDecoder(t *testing.T) {
	for _, s := range readBodySeeds {
		checkReadBody(t, []byte(s))
	}
}

func FuzzReadBody(f *testing.F) {
	for _, s := range readBodySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkReadBody(t, body) })
}

func checkReadBody(t *testing.T, body []byte) {
	t.Helper()
	got, gotErr := readBody(body)
	want, wantErr := readBodyDecoder(body)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotErr, wantErr) {
		t.Errorf("readBody(%q) = %+v, %+v; the decoder reads %+v, %+v", body, got, gotErr, want, wantErr)
	}
}

// BenchmarkReadBody reads a chat completion request of about 1 KB.
func BenchmarkReadBody(b *testing.B) {
	body := []byte(`{"model":"bench","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"` +
		string(bytes.Repeat([]byte("lorem ipsum "), 78)) + `"}]}`)
	for _, bc := range []struct {
		name string
		read func([]byte) (bodyInfo, *gwError)
	}{{"walk", readBody}, {"decoder", readBodyDecoder}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = bc.read(body)
			}
		})
	}
}
func usageDecoder(s *catalog.Service, body []byte) (charge, metrics *string) {
	var u struct {
		Usage *struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
			TotalTokens      int `json:"total_tokens"`
		} `json:"usage"`
	}
	if json.Unmarshal(body, &u) != nil || u.Usage == nil {
		return nil, nil
	}
	var lp struct {
		Input, Output *string
	}
	_ = json.Unmarshal(s.ListPrice, &lp)
	price := func(p *string) float64 {
		if p == nil {
			return 0
		}
		f, _ := strconv.ParseFloat(*p, 64)
		return f
	}
	c := (float64(u.Usage.PromptTokens)*price(lp.Input) + float64(u.Usage.CompletionTokens)*price(lp.Output)) / 1e6
	m, _ := json.Marshal(u.Usage)
	return new(strconv.FormatFloat(c, 'f', 8, 64)), new(string(m))
}

var usageSeeds = []string{
	`{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}`,
	`{"usage":null}`, `{"usage":5}`, `{"Usage":{"prompt_tokens":1}}`, `{"usage":{"prompt_tokens":1},"USAGE":{"completion_tokens":2}}`,
	`{"usage":{"prompt_tokens":1.5}}`, `{"usage":{}}`, `[{"usage":{}}]`, `{"usage":{"prompt_tokens":1}} x`, `{"us\u0061ge":{"total_tokens":4}}`,
	`data: {"usage":{}}`, ``, `{"usage":{"prompt_tokens":"1"}}`, `{"a":"\"usage\":{}","usage":{"total_tokens":2}}`,
}

// TestUsageAgreesWithDecoder checks usage's walk against decoding the
// whole answer; FuzzUsage searches for more.
func TestUsageAgreesWithDecoder(t *testing.T) {
	for _, s := range usageSeeds {
		checkUsage(t, []byte(s))
	}
}

func FuzzUsage(f *testing.F) {
	for _, s := range usageSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkUsage(t, body) })
}

var usageService = &catalog.Service{Name: "s", ListPrice: json.RawMessage(`{"input":"1.5","output":"2"}`)}

func checkUsage(t *testing.T, body []byte) {
	t.Helper()
	gc, gm := usage(usageService, body)
	wc, wm := usageDecoder(usageService, body)
	if !reflect.DeepEqual(gc, wc) || !reflect.DeepEqual(gm, wm) {
		t.Errorf("usage(%q) = %v, %v; decoding the whole answer gives %v, %v", body, str(gc), str(gm), str(wc), str(wm))
	}
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

var validJSONSeeds = []string{
	``, ` `, `0`, `-0`, `01`, `-`, `1.`, `1.5e`, `1.5e+3`, `1E-2`, `.5`, `+1`, `1 2`, `tru`, `true`, `truex`, `nul`, `null `, `false`,
	`"a\"b"`, `"\u00e9"`, `"\u00g9"`, `"\x"`, "\"\t\"", "\"\xff\"", `"\u12"`, `"`, `"\`, `{}`, `{ }`, `{"a":1,}`, `{"a" 1}`, `{"a":}`,
	`{1:2}`, `[]`, `[1,]`, `[,1]`, `[1 2]`, `[[[]]]`, `{"a":[{"b":null}]}`, `]`, `}`, `{"a":1}}`, "\n{\r\n}\t",
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000), strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
}

// TestValidJSONAgreesWithEncodingJSON checks validJSON against
// json.Valid; FuzzValidJSON searches for more.
func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range validJSONSeeds {
		checkValidJSON(t, []byte(s))
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range validJSONSeeds[:len(validJSONSeeds)-4] {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkValidJSON(t, b) })
}

func checkValidJSON(t *testing.T, b []byte) {
	t.Helper()
	if got, want := validJSON(b), json.Valid(b); got != want {
		t.Errorf("validJSON(%.80q) = %v, json.Valid says %v", b, got, want)
	}
}

func BenchmarkValidJSON(b *testing.B) {
	body := []byte(`{"model":"bench","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"` +
		strings.Repeat("lorem ipsum ", 78) + `"}]}`)
	b.Run("validJSON", func(b *testing.B) {
		for b.Loop() {
			validJSON(body)
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		for b.Loop() {
			json.Valid(body)
		}
	})
}
