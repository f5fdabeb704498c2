// Package upstream is what the gateway routes to: unitysvc-local's
// built-in OpenAI-compatible upstreams for the catalog's platform
// services (chat completions with and without SSE streaming, embeddings,
// models), each with the latency and failure profile its catalog entry
// sets, and the endpoint of a service that calls out instead (a BYOK
// service's own server, with the customer's secret as credential).
package upstream

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

// Fingerprint prefixes the system_fingerprint of every built-in answer;
// the service's name follows it, so a caller can tell who answered.
const Fingerprint = "unitysvc-local/"

// echoMax is how many characters of the caller's last message an answer
// repeats.
const echoMax = 200

// Builtin serves every built-in service of a catalog at
// /<service-id>/v1/chat/completions, /<service-id>/v1/embeddings and
// /<service-id>/v1/models (the /v1 is optional).
type Builtin struct {
	cat *catalog.Catalog
}

// NewBuiltin returns the built-in upstreams of cat.
func NewBuiltin(cat *catalog.Catalog) *Builtin { return &Builtin{cat: cat} }

// sleepOrDone waits d or until done closes, reporting whether it waited
// the whole time.
func sleepOrDone(d time.Duration, done <-chan struct{}) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}

// openAIError writes OpenAI's error body.
func openAIError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": strconv.Itoa(status)}})
}

func (b *Builtin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	s, ok := b.cat.Service(id)
	if !ok || !s.Upstream.Builtin() {
		openAIError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no built-in upstream serves service %q", id))
		return
	}
	rest = strings.TrimPrefix(strings.TrimSuffix(rest, "/"), "v1/")
	var handle func(http.ResponseWriter, *http.Request, *catalog.Service)
	method := http.MethodPost
	switch rest {
	case "chat/completions":
		handle = b.chat
	case "embeddings":
		handle = b.embeddings
	case "models":
		handle, method = b.models, http.MethodGet
	default:
		openAIError(w, http.StatusNotFound, "not_found", fmt.Sprintf("%s serves /v1/chat/completions, /v1/embeddings and /v1/models; there is no /%s", s.Name, rest))
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		openAIError(w, http.StatusMethodNotAllowed, "invalid_request_error", fmt.Sprintf("/%s takes %s, not %s", rest, method, r.Method))
		return
	}
	// The profile: the delay to the first byte, then the forced status or
	// a random failure.
	p := s.Upstream
	delay := time.Duration(p.LatencyMS) * time.Millisecond
	if p.JitterMS > 0 {
		delay += time.Duration(rand.Int64N(int64(p.JitterMS) * int64(time.Millisecond)))
	}
	if !sleepOrDone(delay, r.Context().Done()) {
		return // the caller went away
	}
	status := p.Status
	if status == 0 && p.FailureRate > 0 && rand.Float64() < p.FailureRate {
		status = p.FailureStatus
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
	}
	if status >= 400 {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		openAIError(w, status, "upstream_error", fmt.Sprintf("%s answered %d %s (its unitysvc-local failure profile)", s.Name, status, http.StatusText(status)))
		return
	}
	if status != 0 && status != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"service":%q,"status":%d}`+"\n", s.Name, status)
		return
	}
	handle(w, r, s)
}

// chatRequest is the part of an OpenAI chat completion request the
// built-in upstream reads.
type chatRequest struct {
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream bool `json:"stream"`
}

// text returns a message's content as text: the string, or the text
// parts of a content array.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var out []string
		for _, p := range parts {
			if p.Type == "text" {
				out = append(out, p.Text)
			}
		}
		return strings.Join(out, " ")
	}
	return ""
}

// Answer is the deterministic reply of service s to the caller's last
// message: it names the service, so a caller sees who answered.
func Answer(s *catalog.Service, lastUser string) string {
	echo := strings.Join(strings.Fields(lastUser), " ")
	if utf8.RuneCountInString(echo) > echoMax {
		echo = string([]rune(echo)[:echoMax]) + "..."
	}
	provider := ""
	if s.ProviderName != nil {
		provider = " (" + *s.ProviderName + ")"
	}
	return fmt.Sprintf("%s%s answered: %s", s.Name, provider, echo)
}

func words(s string) int { return len(strings.Fields(s)) }

// completionID is deterministic: the same request to the same service
// gets the same id.
func completionID(prefix string, s *catalog.Service, body []byte) string {
	h := sha256.New()
	h.Write([]byte(s.ID))
	h.Write(body)
	return prefix + hex.EncodeToString(h.Sum(nil)[:12])
}

func (b *Builtin) chat(w http.ResponseWriter, r *http.Request, s *catalog.Service) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return
	}
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		openAIError(w, http.StatusBadRequest, "invalid_request_error", "the request body is not a JSON chat completion request: "+err.Error())
		return
	}
	if len(req.Messages) == 0 {
		openAIError(w, http.StatusBadRequest, "invalid_request_error", "messages is required: a non-empty list of {role, content}")
		return
	}
	prompt, last := 0, ""
	for _, m := range req.Messages {
		t := text(m.Content)
		prompt += words(t)
		if m.Role == "user" || last == "" {
			last = t
		}
	}
	answer := Answer(s, last)
	id := completionID("chatcmpl-", s, body)
	created := time.Now().Unix()
	if req.Stream {
		b.stream(w, r, s, id, created, answer)
		return
	}
	completion := words(answer)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": id, "object": "chat.completion", "created": created, "model": s.Model(),
		"system_fingerprint": Fingerprint + s.Name,
		"choices": []any{map[string]any{
			"index": 0, "message": map[string]any{"role": "assistant", "content": answer}, "finish_reason": "stop",
		}},
		"usage": map[string]int{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	})
}

// stream sends answer as OpenAI chat.completion.chunk events, one per
// word, flushed as they are written and ended by "data: [DONE]". It stops
// when the caller goes away.
func (b *Builtin) stream(w http.ResponseWriter, r *http.Request, s *catalog.Service, id string, created int64, answer string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	rc := http.NewResponseController(w)
	chunk := func(delta map[string]any, finish any) []byte {
		b, _ := json.Marshal(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": created, "model": s.Model(),
			"system_fingerprint": Fingerprint + s.Name,
			"choices":            []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		return b
	}
	events := [][]byte{chunk(map[string]any{"role": "assistant", "content": ""}, nil)}
	fields := strings.Fields(answer)
	for i, f := range fields {
		if i < len(fields)-1 {
			f += " "
		}
		events = append(events, chunk(map[string]any{"content": f}, nil))
	}
	events = append(events, chunk(map[string]any{}, "stop"), []byte("[DONE]"))
	gap := time.Duration(s.Upstream.ChunkDelayMS) * time.Millisecond
	for i, e := range events {
		if i > 0 && !sleepOrDone(gap, r.Context().Done()) {
			return
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", e); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// Embedding is the deterministic vector the built-in service s gives
// input: eight numbers in [-1, 1) derived from a hash of both.
func Embedding(s *catalog.Service, input string) []float64 {
	sum := sha256.Sum256([]byte(s.ID + "\x00" + input))
	out := make([]float64, 8)
	for i := range out {
		v := binary.BigEndian.Uint32(sum[i*4:])
		out[i] = math.Round((float64(v)/float64(1<<31)-1)*1e6) / 1e6
	}
	return out
}

func (b *Builtin) embeddings(w http.ResponseWriter, r *http.Request, s *catalog.Service) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return
	}
	var req struct {
		Input json.RawMessage `json:"input"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		openAIError(w, http.StatusBadRequest, "invalid_request_error", "the request body is not a JSON embeddings request: "+err.Error())
		return
	}
	var inputs []string
	var one string
	if json.Unmarshal(req.Input, &one) == nil {
		inputs = []string{one}
	} else if json.Unmarshal(req.Input, &inputs) != nil || len(inputs) == 0 {
		openAIError(w, http.StatusBadRequest, "invalid_request_error", "input is required: a string or a non-empty list of strings")
		return
	}
	data := make([]any, 0, len(inputs))
	tokens := 0
	for i, in := range inputs {
		tokens += words(in)
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": Embedding(s, in)})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"object": "list", "data": data, "model": s.Model(),
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens},
	})
}

func (b *Builtin) models(w http.ResponseWriter, _ *http.Request, s *catalog.Service) {
	owner := s.Name
	if s.ProviderName != nil {
		owner = *s.ProviderName
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"object": "list",
		"data":   []any{map[string]any{"id": s.Model(), "object": "model", "created": 0, "owned_by": owner}},
	})
}
