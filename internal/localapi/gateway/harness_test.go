package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/upstream"
)

const (
	keyA  = "svcpass_gw_a"
	keyA2 = "svcpass_gw_a2" // a teammate of A
	keyB  = "svcpass_gw_b"  // another customer
)

// Service ids of the test catalog.
const (
	fastID    = "00000000-0000-0000-0000-0000000000f1"
	fast2ID   = "00000000-0000-0000-0000-0000000000f2"
	slowID    = "00000000-0000-0000-0000-00000000005a"
	failingID = "00000000-0000-0000-0000-0000000000e5"
	limitedID = "00000000-0000-0000-0000-000000000429"
	extID     = "00000000-0000-0000-0000-0000000000e0"
	byokID    = "00000000-0000-0000-0000-0000000000b0"
	embedID   = "00000000-0000-0000-0000-0000000000ee"
	streamID  = "00000000-0000-0000-0000-0000000000c0"
)

// testCatalog: built-in services without delay (fast, fast2), slow
// (300 ms), failing (503), limited (429), an external one answered by
// the test's own server (%s) and a BYOK one.
const testCatalog = `{
 "services":[
  {"id":"` + fastID + `","name":"fast","provider_name":"p1","routing_key":{"model":"m-fast"},"list_price":{"input":"3","output":"3"}},
  {"id":"` + fast2ID + `","name":"fast2","provider_name":"p2","routing_key":{"model":"m-fast"},"list_price":{"input":"1","output":"1"}},
  {"id":"` + slowID + `","name":"slow","routing_key":{"model":"m-slow"},"list_price":{"input":"0.5","output":"0.5"},"upstream":{"latency_ms":300}},
  {"id":"` + failingID + `","name":"failing","routing_key":{"model":"m-fail"},"upstream":{"status":503}},
  {"id":"` + limitedID + `","name":"limited","routing_key":{"model":"m-lim"},"upstream":{"status":429}},
  {"id":"` + extID + `","name":"ext","routing_key":{"model":"m-ext"},"upstream":{"base_url":"%s"}},
  {"id":"` + embedID + `","name":"embed","routing_key":{"model":"m-embed"}},
  {"id":"` + streamID + `","name":"streamer","routing_key":{"model":"m-stream"},"upstream":{"chunk_delay_ms":100}},
  {"id":"` + byokID + `","name":"byok","routing_key":{"model":"m-byok"},"enrollment_mode":"required","parameters":[{"name":"endpoint","required":true}],
   "channels":[{"name":"byok","channel_type":"byok","requires_enrollment":true,"required_secrets":[{"name":"BYOK_KEY"}]}],
   "upstream":{"base_url":"${ parameters.endpoint }","headers":{"Authorization":"Bearer ${ customer_secrets.BYOK_KEY }"}}}
 ],
 "groups":[
  {"id":"10000000-0000-0000-0000-000000000001","name":"open","group_type":"open","routing_policy":{"strategy":"weighted_random"},"services":["fast","fast2","slow"]},
  {"id":"10000000-0000-0000-0000-000000000002","name":"cheap","group_type":"open","routing_policy":{"strategy":"by_price"},"services":["fast","fast2","slow"]},
  {"id":"10000000-0000-0000-0000-000000000003","name":"quick","group_type":"open","routing_policy":{"strategy":"lowest_latency"},"services":["slow","fast"]},
  {"id":"10000000-0000-0000-0000-000000000004","name":"content","group_type":"open","routing_policy":{"strategy":"by_content"},"services":["fast","fast2"]},
  {"id":"10000000-0000-0000-0000-000000000005","name":"budget","group_type":"open","routing_policy":{"strategy":"by_price","parameters":{"max_price":0.1}},"services":["fast","slow"]},
  {"id":"10000000-0000-0000-0000-000000000006","name":"keyed","group_type":"keyed","services":["fast","embed"]},
  {"id":"10000000-0000-0000-0000-000000000007","name":"listing","group_type":"category","services":["fast"]},
  {"id":"10000000-0000-0000-0000-000000000008","name":"pool","group_type":"capability_pool","services":["fast2"]},
  {"id":"10000000-0000-0000-0000-000000000009","name":"mixed","group_type":"open","services":["byok","fast"]}
 ]}`

// ext is the test's own upstream, reached as service "ext" (and as BYOK
// endpoints). It records what it received and its paths control it.
type ext struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []extRequest
	// release unblocks /hold streams; gone reports callers that went away.
	release chan struct{}
	gone    chan string
}

type extRequest struct {
	Path   string
	Header http.Header
	Body   string
}

func newExt(t testing.TB) *ext {
	e := &ext{release: make(chan struct{}), gone: make(chan string, 16)}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.Close)
	return e
}

func (e *ext) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.reqs = append(e.reqs, extRequest{Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: string(body)})
	e.mu.Unlock()
	rc := http.NewResponseController(w)
	if strings.Contains(string(body), "sleep-1s") {
		time.Sleep(time.Second) // a slow upstream
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/hold"):
		// One event now, the rest once released; notes a caller that left.
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = fmt.Fprint(w, "data: {\"n\":1}\n\n")
		_ = rc.Flush()
		select {
		case <-e.release:
			_, _ = fmt.Fprint(w, "data: {\"n\":2}\n\ndata: [DONE]\n\n")
		case <-r.Context().Done():
			e.gone <- r.URL.Path
		}
	case strings.HasSuffix(r.URL.Path, "/echo"):
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "upstream=1")
		_ = json.NewEncoder(w).Encode(map[string]any{"echo": string(body), "authorization": r.Header.Get("Authorization")})
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"answered_by":"ext","path":%q,"body":%q}`, r.URL.Path, body)
	}
}

func (e *ext) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.reqs)
}

func (e *ext) last() extRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reqs[len(e.reqs)-1]
}

type env struct {
	t       testing.TB
	st      *store.Store
	cat     *catalog.Catalog
	router  *routing.Router
	gw      *gateway.Gateway
	srv     *httptest.Server
	ext     *ext
	p, p2   store.Principal
	builtin *httptest.Server
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWithTimeout(t, 0)
}

// newEnvWithTimeout is newEnv with the gateway's default upstream
// timeout replaced (0 keeps it).
func newEnvWithTimeout(t testing.TB, timeout time.Duration) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, ext: newExt(t)}
	var err error
	if e.cat, err = catalog.Parse([]byte(fmt.Sprintf(testCatalog, e.ext.URL))); err != nil {
		t.Fatal(err)
	}
	if e.st, err = store.Open(ctx, store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	for key, customer := range map[string]string{keyA: "acme", keyA2: "acme", keyB: "other"} {
		p, err := e.st.EnsureAPIKey(ctx, customer, key)
		if err != nil {
			t.Fatal(err)
		}
		switch key {
		case keyA:
			e.p = p
		case keyA2:
			e.p2 = p
		}
	}
	e.builtin = httptest.NewServer(upstream.NewBuiltin(e.cat))
	t.Cleanup(e.builtin.Close)
	if e.router, err = routing.New(e.st, e.cat, routing.NewLatency()); err != nil {
		t.Fatal(err)
	}
	e.gw = gateway.New(gateway.Options{Store: e.st, Catalog: e.cat, Router: e.router, BuiltinURL: e.builtin.URL,
		Builtin: upstream.NewBuiltin(e.cat), APIURL: "http://api.test/v1", Timeout: timeout})
	e.srv = httptest.NewUnstartedServer(e.gw)
	e.srv.Listener = gateway.JSONErrors(e.srv.Listener, true) // as unitysvc-local serves it
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// response is a gateway answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not JSON (%d): %s", r.status, r.body)
	}
	return m
}

// detail is a gateway error's detail, asserting the {"detail": string} shape.
func (r response) detail(t *testing.T) string {
	t.Helper()
	d, ok := r.json(t)["detail"].(string)
	if !ok || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("not a JSON detail (%d): %s", r.status, r.body)
	}
	return d
}

// who is the service that answered (the built-in upstream's fingerprint).
func (r response) who(t *testing.T) string {
	t.Helper()
	fp, _ := r.json(t)["system_fingerprint"].(string)
	return strings.TrimPrefix(fp, "unitysvc-local/")
}

// send makes one gateway request; header pairs follow the body.
func (e *env) send(method, path, key, body string, header ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func chat(model, text string) string {
	m := ""
	if model != "" {
		m = `"model":"` + model + `",`
	}
	return `{` + m + `"messages":[{"role":"user","content":"` + text + `"}]}`
}

func (e *env) post(path, body string) response {
	e.t.Helper()
	return e.send("POST", path, keyA, body)
}

// enroll makes an active enrollment of p in the BYOK service.
func (e *env) enroll(p store.Principal, params map[string]any) *store.Enrollment {
	e.t.Helper()
	en, _, err := e.st.Enroll(context.Background(), p, store.EnrollmentWrite{ServiceID: byokID, Parameters: params,
		Outcome: store.EnrollmentActive, PendingUntil: time.Now().Add(-time.Second)})
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

// byokSecret sets the BYOK_KEY secret the test catalog's BYOK
// interface sends upstream.
func (e *env) byokSecret(p store.Principal, value string) {
	e.t.Helper()
	if _, _, err := e.st.SetSecret(context.Background(), p, "BYOK_KEY", false, store.SecretWrite{Value: value}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) chain(name string, defaultTimeout int64, steps ...store.ChainStepWrite) *store.Chain {
	e.t.Helper()
	for i := range steps {
		steps[i].SortOrder = int64(i)
		if steps[i].OnSuccess == "" {
			steps[i].OnSuccess = "stop"
		}
		if steps[i].OnFailure == "" {
			steps[i].OnFailure = "relay"
		}
	}
	c, err := e.st.CreateChain(context.Background(), e.p, false, store.ChainWrite{Name: name, DefaultTimeoutMS: defaultTimeout, Enabled: true, Steps: steps})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) startLogging(p store.Principal) {
	e.t.Helper()
	if _, err := e.st.SetRequestLogging(context.Background(), p.UserID, true, nil); err != nil {
		e.t.Fatal(err)
	}
}

// rows returns the customer's request-log rows, oldest first.
func (e *env) rows() []*store.RequestLog {
	e.t.Helper()
	rows, _, err := e.st.ListRequestLogs(context.Background(), e.p, store.RequestLogFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
