package localapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// The gateway benchmarks compare, in one run, a request through the
// gateway with the same request sent directly to the built-in upstream
// that answers it, on loopback: the difference is what the gateway adds
// (authentication, routing, proxying, request-log bookkeeping).

const benchService = "00000000-0000-0000-0000-00000000be00"

// benchCatalog has one built-in service without delay, in a group of its
// own, and a BYOK service whose endpoint (set at enrollment) is that
// built-in service's loopback URL: the gateway reaches built-ins in
// process, and BYOK endpoints over HTTP.
const benchCatalog = `{"services":[{"id":"` + benchService + `","name":"bench","provider_name":"bench","routing_key":{"model":"bench"},
 "list_price":{"input":"1","output":"1"}},
 {"id":"00000000-0000-0000-0000-00000000be01","name":"bench-byok","routing_key":{"model":"bench"},"enrollment_mode":"required",
  "upstream":{"base_url":"${ parameters.endpoint }","headers":{"Authorization":"Bearer ${ customer_secrets.BENCH_KEY }"}}}],
 "groups":[{"id":"20000000-0000-0000-0000-000000000001","name":"bench","group_type":"open","services":["bench"]}]}`

type benchEnv struct {
	// direct is the built-in upstream's URL; service and group are the
	// gateway's /p/<service-id> and /g/<group> URLs reaching it (in
	// process), enrollment the /e/<code> URL reaching it over HTTP.
	direct, service, group, enrollment string
	key                                string
	client                             *http.Client
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	cat, err := catalog.Parse([]byte(benchCatalog))
	if err != nil {
		b.Fatal(err)
	}
	inst, err := localapi.Start(context.Background(), localapi.Config{APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true,
		Catalog: cat, APIKeys: []string{"svcpass_bench"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := inst.Close(); err != nil {
			b.Errorf("closing unitysvc-local: %v", err)
		}
	})
	ctx := context.Background()
	p, err := inst.Store.Authenticate(ctx, inst.APIKeys[0])
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := inst.Store.SetSecret(ctx, p, "BENCH_KEY", false, store.SecretWrite{Value: "sk-bench"}); err != nil {
		b.Fatal(err)
	}
	en, _, err := inst.Store.Enroll(ctx, p, store.EnrollmentWrite{ServiceID: "00000000-0000-0000-0000-00000000be01",
		Parameters: map[string]any{"endpoint": inst.UpstreamURL + "/" + benchService}, Outcome: store.EnrollmentActive, PendingUntil: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 128, DisableCompression: true}
	b.Cleanup(tr.CloseIdleConnections)
	return &benchEnv{
		direct:     inst.UpstreamURL + "/" + benchService + "/v1/chat/completions",
		service:    inst.GatewayURL + "/p/" + benchService + "/v1/chat/completions",
		group:      inst.GatewayURL + "/g/bench/v1/chat/completions",
		enrollment: inst.GatewayURL + "/e/" + en.Code + "/v1/chat/completions",
		key:        inst.APIKeys[0],
		client:     &http.Client{Transport: tr},
	}
}

// chatKB is a chat completion request of about 1 KB.
var chatKB = []byte(`{"model":"bench","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"` +
	strings.Repeat("lorem ipsum ", 78) + `"}]}`)

var streamReq = []byte(`{"model":"bench","stream":true,"messages":[{"role":"user","content":"one two three four five"}]}`)

// do sends body to url and returns how long until the first byte of the
// answer arrived and until the whole answer had.
func (e *benchEnv) do(b *testing.B, url string, body []byte) (first, total time.Duration) {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.key) // ignored by the upstream
	start := time.Now()
	resp, err := e.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 1)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		b.Fatal(err)
	}
	first = time.Since(start)
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: %d", url, resp.StatusCode)
	}
	return first, time.Since(start)
}

func quantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// sides are the URLs compared in one benchmark, each with its name.
func (e *benchEnv) sides() [][2]string {
	return [][2]string{{"direct", e.direct}, {"p", e.service}, {"g", e.group}, {"e-http", e.enrollment}}
}

// alternate sends body to every side in turn, b.N times, and returns each
// side's times to the first byte and to the whole answer.
func (e *benchEnv) alternate(b *testing.B, body []byte) (first, total map[string][]time.Duration) {
	first, total = map[string][]time.Duration{}, map[string][]time.Duration{}
	for range 200 { // warm connections and caches
		for _, s := range e.sides() {
			e.do(b, s[1], body)
		}
	}
	for b.Loop() {
		for _, s := range e.sides() {
			f, t := e.do(b, s[1], body)
			first[s[0]], total[s[0]] = append(first[s[0]], f), append(total[s[0]], t)
		}
	}
	return first, total
}

// BenchmarkGatewayLatency alternates a 1 KB chat completion sent directly
// to the built-in upstream, through the gateway's /p/<service-id> and
// /g/<group> (the gateway calls the built-in in process) and through
// /e/<code> (a BYOK enrollment whose endpoint is the built-in's loopback
// URL: a second HTTP hop), and reports the direct p50 and p99 and what
// the gateway adds to each.
func BenchmarkGatewayLatency(b *testing.B) {
	e := newBenchEnv(b)
	_, total := e.alternate(b, chatKB)
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", 0.5}, {"p99", 0.99}} {
		d := quantile(total["direct"], q.q)
		b.ReportMetric(us(d), "direct-"+q.name+"-µs")
		for _, side := range []string{"p", "g", "e-http"} {
			b.ReportMetric(us(quantile(total[side], q.q)-d), side+"-added-"+q.name+"-µs")
		}
	}
}

// BenchmarkGatewayFirstByte does the same with a streamed chat
// completion and reports the time to its first SSE byte.
func BenchmarkGatewayFirstByte(b *testing.B) {
	e := newBenchEnv(b)
	first, _ := e.alternate(b, streamReq)
	d := quantile(first["direct"], 0.5)
	b.ReportMetric(us(d), "direct-first-byte-p50-µs")
	for _, side := range []string{"p", "g", "e-http"} {
		b.ReportMetric(us(quantile(first[side], 0.5)-d), side+"-added-first-byte-p50-µs")
		b.ReportMetric(us(quantile(first[side], 0.99)-quantile(first["direct"], 0.99)), side+"-added-first-byte-p99-µs")
	}
}

// BenchmarkGatewayThroughput sends 1 KB chat completions from 32
// concurrent clients to each side in turn, in rounds of 1000 requests
// (so that other load on the machine weighs on every side alike), and
// reports each side's requests per second and the gateway's share of
// the direct rate.
func BenchmarkGatewayThroughput(b *testing.B) {
	e := newBenchEnv(b)
	const clients, round = 32, 1000
	run := func(url string, n int) time.Duration {
		var wg sync.WaitGroup
		work := make(chan struct{}, n)
		for range n {
			work <- struct{}{}
		}
		close(work)
		start := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range work {
					e.do(b, url, chatKB)
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	for _, s := range e.sides() { // warm up
		run(s[1], round)
	}
	elapsed := map[string]time.Duration{}
	rounds := max(b.N/round, 5)
	b.ResetTimer()
	for range rounds {
		for _, s := range e.sides() {
			elapsed[s[0]] += run(s[1], round)
		}
	}
	b.StopTimer()
	rate := func(side string) float64 { return float64(rounds*round) / elapsed[side].Seconds() }
	b.ReportMetric(rate("direct"), "direct-req/s")
	for _, side := range []string{"p", "g", "e-http"} {
		b.ReportMetric(rate(side), side+"-req/s")
		b.ReportMetric(rate(side)/rate("direct"), side+"/direct")
	}
	b.ReportMetric(0, "ns/op")
}
