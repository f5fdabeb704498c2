package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// benchService is the built-in upstream every request reaches: directly
// on its loopback port, or through the gateway's /e/<code> of a BYOK
// enrollment whose endpoint is that same URL (a second HTTP hop).
const (
	benchService = "00000000-0000-0000-0000-00000000be00"
	byokService  = "00000000-0000-0000-0000-00000000be01"
	benchKey     = "svcpass_bench"
)

const benchCatalog = `{"services":[{"id":"` + benchService + `","name":"bench","provider_name":"bench","routing_key":{"model":"bench"},
 "list_price":{"input":"1","output":"1"}},
 {"id":"` + byokService + `","name":"bench-byok","routing_key":{"model":"bench"},"enrollment_mode":"required",
  "upstream":{"base_url":"${ parameters.endpoint }","headers":{"Authorization":"Bearer ${ customer_secrets.BENCH_KEY }"}}}],
 "groups":[{"id":"20000000-0000-0000-0000-000000000001","name":"bench","group_type":"open","services":["bench"]}]}`

// chatKB is a chat completion request of about 1 KB; streamReq asks for
// an SSE stream.
var (
	chatKB = []byte(`{"model":"bench","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"` +
		strings.Repeat("lorem ipsum ", 78) + `"}]}`)
	streamReq = []byte(`{"model":"bench","stream":true,"messages":[{"role":"user","content":"one two three four five"}]}`)
)

// local is a running unitysvc-local process.
type local struct {
	cmd                          *exec.Cmd
	apiURL, gatewayURL, upstream string
}

// startLocal starts unitysvc-local in memory on free loopback ports and
// reads its URLs from the banner.
func startLocal(bin, dir string, stderr io.Writer, extra ...string) (*local, error) {
	cat := filepath.Join(dir, "bench-catalog.json")
	if err := os.WriteFile(cat, []byte(benchCatalog), 0o600); err != nil {
		return nil, err
	}
	args := append([]string{"--in-memory", "--api-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0", "--catalog", cat, "--api-key", benchKey}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	l := &local{cmd: cmd}
	sc := bufio.NewScanner(out)
	for sc.Scan() && (l.apiURL == "" || l.gatewayURL == "" || l.upstream == "") {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "API:":
			l.apiURL = f[1]
		case "gateway:":
			l.gatewayURL = f[1]
		case "upstreams:":
			l.upstream = strings.TrimSuffix(f[1], "/<service-id>/v1/...")
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if l.apiURL == "" || l.gatewayURL == "" || l.upstream == "" {
		l.stop()
		return nil, fmt.Errorf("unitysvc-local did not print its URLs")
	}
	return l, nil
}

func (l *local) stop() {
	_ = l.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = l.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = l.cmd.Process.Kill()
		<-done
	}
}

// gatewayFigures is what the gateway half of the benchmark measured.
type gatewayFigures struct {
	directP50, addedP50             time.Duration
	directFirstByte, addedFirstByte time.Duration
	directRate, gatewayRate         float64
	directRateLog, gatewayRateLog   float64
}

// loadgen sends requests to two URLs from this process: the direct
// upstream and the gateway's hop to it.
type loadgen struct {
	client          *http.Client
	direct, gateway string
}

func newLoadgen(direct, gateway string) *loadgen {
	tr := &http.Transport{Proxy: nil, MaxIdleConns: 256, MaxIdleConnsPerHost: 128, DisableCompression: true}
	return &loadgen{client: &http.Client{Transport: tr}, direct: direct, gateway: gateway}
}

// do sends body to url and returns the time to the first byte of the
// answer and to its end.
func (g *loadgen) do(url string, body []byte) (first, total time.Duration, err error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+benchKey) // the upstream ignores it
	start := time.Now()
	resp, err := g.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var one [1]byte
	if _, err := io.ReadFull(resp.Body, one[:]); err != nil {
		return 0, 0, err
	}
	first = time.Since(start)
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("%s answered %d", url, resp.StatusCode)
	}
	return first, time.Since(start), nil
}

// latency alternates one request to each side, n times, and returns
// each side's p50 time to the first byte and to the end.
func (g *loadgen) latency(n int, body []byte) (directFirst, gatewayFirst, directTotal, gatewayTotal time.Duration, err error) {
	var df, gf, dt, gt []time.Duration
	for i := range n + n/10 {
		f1, t1, err := g.do(g.direct, body)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		f2, t2, err := g.do(g.gateway, body)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		if i >= n/10 { // the first tenth warms connections and caches
			df, gf, dt, gt = append(df, f1), append(gf, f2), append(dt, t1), append(gt, t2)
		}
	}
	return p50(df), p50(gf), p50(dt), p50(gt), nil
}

func p50(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// throughput sends chatKB from clients concurrent clients to each side in
// turn, rounds times for d each (so that other load on the machine
// weighs on both sides alike), and returns each side's requests per
// second.
func (g *loadgen) throughput(clients, rounds int, d time.Duration) (direct, gateway float64, err error) {
	run := func(url string) (int64, time.Duration, error) {
		var n atomic.Int64
		var firstErr atomic.Pointer[error]
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Go(func() {
				for ctx.Err() == nil {
					if _, _, err := g.do(url, chatKB); err != nil {
						firstErr.CompareAndSwap(nil, &err)
						return
					}
					n.Add(1)
				}
			})
		}
		wg.Wait()
		if e := firstErr.Load(); e != nil {
			return 0, 0, *e
		}
		return n.Load(), time.Since(start), nil
	}
	if _, _, err := run(g.direct); err != nil { // warm up
		return 0, 0, err
	}
	if _, _, err := run(g.gateway); err != nil {
		return 0, 0, err
	}
	var nd, ng int64
	var td, tg time.Duration
	for range rounds {
		n, t, err := run(g.direct)
		if err != nil {
			return 0, 0, err
		}
		nd, td = nd+n, td+t
		if n, t, err = run(g.gateway); err != nil {
			return 0, 0, err
		}
		ng, tg = ng+n, tg+t
	}
	return float64(nd) / td.Seconds(), float64(ng) / tg.Seconds(), nil
}

// benchGateway starts two unitysvc-local processes: one whose built-in
// upstream is the loopback upstream every request reaches, and one whose
// gateway's BYOK enrollment has that upstream's URL as its endpoint, so
// the gateway's hop to it is a real HTTP call to another process (a
// gateway calls the built-in upstreams of its own process in process).
func benchGateway(o options) (*gatewayFigures, error) {
	up, err := startLocal(o.local, o.dir, os.Stderr)
	if err != nil {
		return nil, err
	}
	defer up.stop()
	var profile []string
	if o.gatewayProfile != "" {
		profile = []string{"--cpuprofile", o.gatewayProfile}
	}
	l, err := startLocal(o.local, o.dir, os.Stderr, profile...)
	if err != nil {
		return nil, err
	}
	defer l.stop()
	ctx := context.Background()
	c, err := client.New(client.Config{BaseURL: l.apiURL, APIKey: benchKey})
	if err != nil {
		return nil, err
	}
	if _, _, err := c.SetSecret(ctx, "BENCH_KEY", false, client.SecretUpdate{Value: "sk-bench"}); err != nil {
		return nil, fmt.Errorf("setting the BYOK secret: %w", err)
	}
	endpoint := up.upstream + "/" + benchService
	en, err := c.CreateEnrollment(ctx, client.ServiceEnrollmentCreate{ServiceID: byokService, Parameters: map[string]any{"endpoint": endpoint}}, false)
	if err != nil {
		return nil, fmt.Errorf("enrolling: %w", err)
	}
	var code string
	for deadline := time.Now().Add(30 * time.Second); code == ""; time.Sleep(100 * time.Millisecond) {
		e, err := c.GetEnrollment(ctx, en.ID)
		if err != nil {
			return nil, err
		}
		if e.Status == client.EnrollmentActive && e.Code != nil {
			code = *e.Code
		} else if time.Now().After(deadline) {
			return nil, fmt.Errorf("the enrollment is still %s after 30 s", e.Status)
		}
	}
	g := newLoadgen(endpoint+"/v1/chat/completions", l.gatewayURL+"/e/"+code+"/v1/chat/completions")
	f := &gatewayFigures{}
	var df, gf time.Duration
	fmt.Fprintln(os.Stderr, "gateway: latency, one client ...")
	if _, _, df, gf, err = g.latency(o.latencyN, chatKB); err != nil {
		return nil, err
	}
	f.directP50, f.addedP50 = df, gf-df
	if df, gf, _, _, err = g.latency(o.latencyN, streamReq); err != nil {
		return nil, err
	}
	f.directFirstByte, f.addedFirstByte = df, gf-df
	fmt.Fprintf(os.Stderr, "gateway: throughput, %d clients ...\n", o.clients)
	if f.directRate, f.gatewayRate, err = g.throughput(o.clients, o.rounds, o.roundTime); err != nil {
		return nil, err
	}
	if _, err := c.StartRequestLogging(ctx, nil); err != nil {
		return nil, fmt.Errorf("starting request logging: %w", err)
	}
	fmt.Fprintf(os.Stderr, "gateway: throughput with request logging on, %d clients ...\n", o.clients)
	if f.directRateLog, f.gatewayRateLog, err = g.throughput(o.clients, o.rounds, o.roundTime); err != nil {
		return nil, err
	}
	return f, nil
}
