package upstream_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/upstream"
)

// testCatalog has a fast service, a slow one, a failing one, one forced
// to 429 and a BYOK one.
const testCatalog = `{"services":[
 {"id":"00000000-0000-0000-0000-000000000001","name":"fast","provider_name":"acme","routing_key":{"model":"m-fast"},"upstream":{"latency_ms":0}},
 {"id":"00000000-0000-0000-0000-000000000002","name":"slow","routing_key":{"model":"m-slow"},"upstream":{"latency_ms":80,"jitter_ms":10,"chunk_delay_ms":5}},
 {"id":"00000000-0000-0000-0000-000000000003","name":"failing","routing_key":{"model":"m-fail"},"upstream":{"failure_rate":1,"failure_status":502}},
 {"id":"00000000-0000-0000-0000-000000000004","name":"limited","routing_key":{"model":"m-lim"},"upstream":{"status":429}},
 {"id":"00000000-0000-0000-0000-000000000005","name":"byok","routing_key":{"model":"mine"},"enrollment_mode":"required",
  "upstream":{"base_url":"${ parameters.endpoint }","headers":{"Authorization":"Bearer ${ customer_secrets.MY_KEY }"}}}
]}`

func newBuiltin(t *testing.T) (*catalog.Catalog, *httptest.Server) {
	t.Helper()
	cat, err := catalog.Parse([]byte(testCatalog))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(upstream.NewBuiltin(cat))
	t.Cleanup(srv.Close)
	return cat, srv
}

func post(t *testing.T, url, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

const chatBody = `{"model":"m-fast","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello   there"}]}`

func TestChatCompletionNamesTheServiceAndIsDeterministic(t *testing.T) {
	_, srv := newBuiltin(t)
	for _, path := range []string{"/v1/chat/completions", "/chat/completions"} {
		resp, b := post(t, srv.URL+"/00000000-0000-0000-0000-000000000001"+path, chatBody)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		var out struct {
			ID                string `json:"id"`
			Object            string `json:"object"`
			Model             string `json:"model"`
			SystemFingerprint string `json:"system_fingerprint"`
			Choices           []struct {
				Message struct{ Role, Content string }
			}
			Usage struct{ PromptTokens, CompletionTokens, TotalTokens int } `json:"usage"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if out.Object != "chat.completion" || out.Model != "m-fast" || out.SystemFingerprint != "unitysvc-local/fast" ||
			out.Choices[0].Message.Content != "fast (acme) answered: hello there" || out.Choices[0].Message.Role != "assistant" {
			t.Fatalf("%s: %s", path, b)
		}
		_, again := post(t, srv.URL+"/00000000-0000-0000-0000-000000000001"+path, chatBody)
		var second struct{ ID string }
		_ = json.Unmarshal(again, &second)
		if second.ID != out.ID || !strings.HasPrefix(out.ID, "chatcmpl-") {
			t.Fatalf("ids %q and %q: the same request should get the same id", out.ID, second.ID)
		}
	}
}

func TestChatCompletionStreamsChunksEndingInDone(t *testing.T) {
	_, srv := newBuiltin(t)
	resp, err := http.Post(srv.URL+"/00000000-0000-0000-0000-000000000002/v1/chat/completions", "application/json",
		strings.NewReader(`{"messages":[{"role":"user","content":"one two three"}],"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	var content strings.Builder
	var events []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("not an SSE data line: %q", line)
		}
		events = append(events, data)
		if data == "[DONE]" {
			continue
		}
		var c struct {
			Object  string
			Choices []struct {
				Delta struct{ Content string }
			}
		}
		if err := json.Unmarshal([]byte(data), &c); err != nil || c.Object != "chat.completion.chunk" {
			t.Fatalf("chunk %s: %v", data, err)
		}
		content.WriteString(c.Choices[0].Delta.Content)
	}
	if events[len(events)-1] != "[DONE]" || content.String() != "slow answered: one two three" {
		t.Fatalf("events %v, content %q", events, content.String())
	}
}

func TestProfiles(t *testing.T) {
	_, srv := newBuiltin(t)
	start := time.Now()
	resp, _ := post(t, srv.URL+"/00000000-0000-0000-0000-000000000002/v1/chat/completions", chatBody)
	if took := time.Since(start); resp.StatusCode != http.StatusOK || took < 80*time.Millisecond {
		t.Fatalf("slow service: %d after %v, want 200 after at least its 80 ms latency", resp.StatusCode, took)
	}
	resp, b := post(t, srv.URL+"/00000000-0000-0000-0000-000000000003/v1/chat/completions", chatBody)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(b), `"error"`) || !strings.Contains(string(b), "failing answered 502") {
		t.Fatalf("failing service: %d %s", resp.StatusCode, b)
	}
	resp, _ = post(t, srv.URL+"/00000000-0000-0000-0000-000000000004/v1/embeddings", `{"input":"x"}`)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("forced 429: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestEmbeddingsAndModels(t *testing.T) {
	cat, srv := newBuiltin(t)
	base := srv.URL + "/00000000-0000-0000-0000-000000000001"
	resp, b := post(t, base+"/v1/embeddings", `{"model":"m-fast","input":["a","b c"]}`)
	var emb struct {
		Data []struct {
			Index     int
			Embedding []float64
		}
		Usage struct {
			TotalTokens int `json:"total_tokens"`
		}
	}
	if err := json.Unmarshal(b, &emb); resp.StatusCode != http.StatusOK || err != nil || len(emb.Data) != 2 || emb.Usage.TotalTokens != 3 {
		t.Fatalf("embeddings: %d %s", resp.StatusCode, b)
	}
	s, _ := cat.Service("00000000-0000-0000-0000-000000000001")
	if got, want := emb.Data[1].Embedding, upstream.Embedding(s, "b c"); len(got) != 8 || got[0] != want[0] || got[7] != want[7] {
		t.Fatalf("embedding %v, want %v", got, want)
	}
	resp, b = post(t, base+"/v1/embeddings", `{"input":[]}`)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("empty input: %d %s", resp.StatusCode, b)
	}
	r, err := http.Get(base + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ = io.ReadAll(r.Body)
	if !strings.Contains(string(b), `"id":"m-fast"`) || !strings.Contains(string(b), `"owned_by":"acme"`) {
		t.Fatalf("models: %s", b)
	}
}

func TestBuiltinRefusals(t *testing.T) {
	_, srv := newBuiltin(t)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"POST", "/00000000-0000-0000-0000-0000000000ff/v1/chat/completions", 404}, // unknown service
		{"POST", "/00000000-0000-0000-0000-000000000005/v1/chat/completions", 404}, // BYOK: not built in
		{"POST", "/00000000-0000-0000-0000-000000000001/v1/images", 404},
		{"GET", "/00000000-0000-0000-0000-000000000001/v1/chat/completions", 405},
		{"POST", "/00000000-0000-0000-0000-000000000001/v1/models", 405},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(chatBody))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), `"error"`) {
			t.Errorf("%s %s: %d %s, want %d with an OpenAI error", c.method, c.path, resp.StatusCode, b, c.status)
		}
	}
	resp, b := post(t, srv.URL+"/00000000-0000-0000-0000-000000000001/v1/chat/completions", `{"messages":[]}`)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "messages is required") {
		t.Fatalf("no messages: %d %s", resp.StatusCode, b)
	}
}

func TestResolveEndpoint(t *testing.T) {
	cat, _ := newBuiltin(t)
	fast, _ := cat.Service("00000000-0000-0000-0000-000000000001")
	byok, _ := cat.Service("00000000-0000-0000-0000-000000000005")
	noSecrets := func(string) (string, bool, error) { return "", false, nil }
	ep, err := upstream.Resolve("http://127.0.0.1:9/", fast, nil, noSecrets)
	if err != nil || ep.BaseURL != "http://127.0.0.1:9/"+fast.ID || len(ep.Header) != 0 {
		t.Fatalf("built-in endpoint = %+v, %v", ep, err)
	}
	secrets := func(name string) (string, bool, error) { return "sk-" + name, name == "MY_KEY", nil }
	ep, err = upstream.Resolve("http://unused", byok, map[string]any{"endpoint": "https://llm.example.com/v1"}, secrets)
	if err != nil || ep.BaseURL != "https://llm.example.com/v1" || ep.Header.Get("Authorization") != "Bearer sk-MY_KEY" {
		t.Fatalf("BYOK endpoint = %+v, %v", ep, err)
	}
	_, err = upstream.Resolve("http://unused", byok, map[string]any{"endpoint": "https://llm.example.com"}, noSecrets)
	var missing *upstream.MissingSecretError
	if !errors.As(err, &missing) || missing.Secret != "MY_KEY" || !upstream.IsMissingSecret(err) || !strings.Contains(err.Error(), "MY_KEY") {
		t.Fatalf("missing secret: %v", err)
	}
	_, err = upstream.Resolve("http://unused", byok, map[string]any{}, secrets)
	var noParam *upstream.MissingParameterError
	if !errors.As(err, &noParam) || noParam.Parameter != "endpoint" {
		t.Fatalf("missing parameter: %v", err)
	}
	if _, err = upstream.Resolve("http://unused", byok, map[string]any{"endpoint": "ftp://x"}, secrets); err == nil {
		t.Fatal("an ftp endpoint was accepted")
	}
}

func TestJoin(t *testing.T) {
	for _, c := range []struct{ base, sub, query, want string }{
		{"http://h/svc", "v1/chat/completions", "", "http://h/svc/v1/chat/completions"},
		{"https://h/v1", "v1/chat/completions", "", "https://h/v1/chat/completions"},
		{"https://h/v1/", "/chat/completions", "a=1", "https://h/v1/chat/completions?a=1"},
		{"https://h", "", "", "https://h"},
		{"https://h/v1", "v10/x", "", "https://h/v1/v10/x"},
	} {
		if got := upstream.Join(c.base, c.sub, c.query); got != c.want {
			t.Errorf("Join(%q, %q, %q) = %q, want %q", c.base, c.sub, c.query, got, c.want)
		}
	}
	if h := upstream.Host("https://user:pw@llm.example.com:8443/v1?key=x"); h != "https://llm.example.com:8443" {
		t.Errorf("Host = %q", h)
	}
}

func TestInProcessStreamsAndCancels(t *testing.T) {
	release, gone := make(chan struct{}), make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stream":
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusCreated)
			_, _ = fmt.Fprint(w, "data: 1\n\n")
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("flush: %v", err)
			}
			select {
			case <-release:
				_, _ = fmt.Fprint(w, "data: 2\n\n")
			case <-r.Context().Done():
				gone <- r.Context().Err()
			}
		case "/empty":
		case "/panic":
			panic("boom")
		}
	})
	client := &http.Client{Transport: upstream.InProcess{Handler: h}}
	resp, err := client.Get("http://builtin.local/stream")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Content-Type") != "text/event-stream" || resp.ContentLength != -1 {
		t.Fatalf("response %d %v", resp.StatusCode, resp.Header)
	}
	line, _ := bufio.NewReader(resp.Body).ReadString('\n')
	if line != "data: 1\n" {
		t.Fatalf("first line %q: the answer must arrive while the handler still runs", line)
	}
	close(release)
	rest, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(rest), "data: 2") {
		t.Fatalf("rest %q", rest)
	}
	resp.Body.Close()

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://builtin.local/stream", nil)
	release = make(chan struct{})
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-gone:
		if err == nil {
			t.Fatal("no context error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the request did not reach the handler")
	}
	resp.Body.Close()

	if resp, err = client.Get("http://builtin.local/empty"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a handler that writes nothing: %v %v", resp, err)
	}
	resp, err = client.Get("http://builtin.local/panic")
	if err == nil {
		_, err = io.ReadAll(resp.Body)
	}
	if err == nil || !strings.Contains(err.Error(), "panicked: boom") {
		t.Fatalf("a panicking handler: %v", err)
	}
}
