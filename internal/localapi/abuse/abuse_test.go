package abuse_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	keyA  = "svcpass_abuse_a"  // a user of customer acme
	keyA2 = "svcpass_abuse_a2" // a teammate
	// byokService is the embedded catalog's BYOK LLM, member of the
	// platform collection "byok", answering model "my-model".
	byokService = "d175bccd-8530-54b0-bd66-a4f8e6510e25"
	// Bounds every attack must stay within.
	maxRefusal = 15 * time.Second
	maxPeakRSS = 400 << 20
)

// server is the unitysvc-local process under attack.
type server struct {
	cmd          *exec.Cmd
	api, gateway string // base URLs (the API's ends in /v1)
	client       *http.Client
	// took is how long the last attack request took to be refused.
	took time.Duration
}

// hit is a POST of the attack request itself, timed into s.took.
func (s *server) hit(t *testing.T, url, key string, body any) (int, string) {
	t.Helper()
	start := time.Now()
	status, b := s.call(t, http.MethodPost, url, key, body)
	s.took = time.Since(start)
	return status, b
}

func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "unitysvc-local")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/unitysvc-local").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func start(t *testing.T, bin string) *server {
	t.Helper()
	cmd := exec.Command(bin, "--in-memory", "--api-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0",
		"--api-key", keyA+"@acme", "--api-key", keyA2+"@acme")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	s := &server{cmd: cmd, client: &http.Client{Timeout: 60 * time.Second}}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if m := regexp.MustCompile(`API:\s+(\S+)`).FindStringSubmatch(line); m != nil {
			s.api = m[1]
		}
		if m := regexp.MustCompile(`gateway:\s+(\S+)`).FindStringSubmatch(line); m != nil {
			s.gateway = m[1]
		}
		if strings.Contains(line, "export UNITYSVC_API_URL=") {
			break
		}
	}
	if s.api == "" || s.gateway == "" {
		t.Fatal("unitysvc-local did not print its URLs")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return s
}

// call makes one request and returns its status and body (at most 1 MiB
// of it, the rest discarded).
func (s *server) call(t *testing.T, method, url, key string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = strings.NewReader(string(j))
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, string(b)
}

// must makes an API call that has to answer want.
func (s *server) must(t *testing.T, method, path, key string, body any, want int) map[string]any {
	t.Helper()
	status, b := s.call(t, method, s.api+path, key, body)
	if status != want {
		t.Fatalf("%s %s: %d %.500s, want %d", method, path, status, b, want)
	}
	var out map[string]any
	_ = json.Unmarshal([]byte(b), &out)
	return out
}

// resetPeak restarts the kernel's count of the process's peak RSS.
func (s *server) resetPeak() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

// peakRSS is the process's VmHWM in bytes.
func (s *server) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc status")
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// answers reports whether the API and the gateway each answer a plain
// request within 5 s.
func (s *server) answers(t *testing.T) (api, gateway bool) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	get := func(url, key string) bool {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := c.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode == http.StatusOK
	}
	return get(s.api+"/chains/", keyA), get(s.gateway+"/healthz", "")
}

func chat(model string) string {
	return `{"model":"` + model + `","messages":[{"role":"user","content":"hi"}]}`
}

func targets(n int, path string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"name": fmt.Sprint("t", i), "target_path": path, "sort_order": i}
	}
	return out
}

func steps(n int, path string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"name": fmt.Sprint("s", i), "target_path": path, "sort_order": i, "on_success": "relay", "on_failure": "relay"}
	}
	return out
}

// enrollBYOK enrolls key's user in the BYOK service with endpoint and
// sets its secret to secret; it returns the enrollment's code once active.
func (s *server) enrollBYOK(t *testing.T, key, endpoint, secret string) string {
	t.Helper()
	if status, body := s.call(t, "PUT", s.api+"/secrets/MY_PROVIDER_API_KEY", key, map[string]any{"value": secret}); status != 200 && status != 201 {
		t.Fatalf("setting the BYOK secret: %d %.300s", status, body)
	}
	en := s.must(t, "POST", "/enrollments/", key, map[string]any{"service_id": byokService, "parameters": map[string]any{"endpoint": endpoint}}, 202)
	id, _ := en["id"].(string)
	for range 100 {
		got := s.must(t, "GET", "/enrollments/"+id, key, nil, 200)
		if got["status"] == "active" {
			code, _ := got["code"].(string)
			return code
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("enrollment %s did not become active", id)
	return ""
}

// attack is one attack: it returns how the server refused it.
type attack struct {
	name string
	run  func(t *testing.T, s *server) string
}

// bigUpstream answers every request with 40 MiB of JSON, more than the
// 32 MiB the gateway holds.
func bigUpstream(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		chunk := strings.Repeat("x", 1<<20)
		_, _ = io.WriteString(w, `{"pad":"`)
		for range 40 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stall opens n connections to addr that send the start of a request,
// then one header byte a second (drip) or nothing at all, and returns
// how long the server took to close the last of them.
func stall(t *testing.T, addr string, n int, drip bool) time.Duration {
	t.Helper()
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var longest time.Duration
	for range n {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = conn.Close() }()
			if drip {
				_, _ = io.WriteString(conn, "POST /g/llm/v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ")
			}
			closed := make(chan struct{})
			go func() {
				_, _ = io.Copy(io.Discard, conn) // returns when the server closes
				close(closed)
			}()
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-closed:
					mu.Lock()
					longest = max(longest, time.Since(start))
					mu.Unlock()
					return
				case <-tick.C:
					if time.Since(start) > 2*maxRefusal {
						return
					}
					if drip {
						_, _ = io.WriteString(conn, "a")
					}
				}
			}
		}()
	}
	wg.Wait()
	return longest
}

func attacks(t *testing.T) []attack {
	big := bigUpstream(t) // serves both oversized attacks
	return []attack{
		{"broadcast whose 4 targets are itself (API)", func(t *testing.T, s *server) string {
			status, body := s.hit(t, s.api+"/broadcasts/", keyA, map[string]any{"name": "self", "targets": targets(4, "b/self")})
			return expect(t, status, body, 422, "b/self → b/self")
		}},
		{"chain whose 4 steps are itself (API)", func(t *testing.T, s *server) string {
			status, body := s.hit(t, s.api+"/chains/", keyA, map[string]any{"name": "self", "steps": steps(4, "c/self")})
			return expect(t, status, body, 422, "c/self → c/self")
		}},
		{"alias loop through a chain and a broadcast (API)", func(t *testing.T, s *server) string {
			s.must(t, "POST", "/aliases/", keyA, map[string]any{"name": "front", "target_path": "c/mid"}, 201)
			s.must(t, "POST", "/chains/", keyA, map[string]any{"name": "mid", "steps": steps(1, "b/back")}, 201)
			status, body := s.hit(t, s.api+"/broadcasts/", keyA, map[string]any{"name": "back", "targets": targets(1, "a/front")})
			return expect(t, status, body, 422, "b/back → a/front → c/mid → b/back")
		}},
		{"broadcast of 21 targets (API)", func(t *testing.T, s *server) string {
			status, body := s.hit(t, s.api+"/broadcasts/", keyA, map[string]any{"name": "wide", "targets": targets(21, "g/llm")})
			return expect(t, status, body, 422, "at most 20 items")
		}},
		{"chain loop past the checks (two teammates' chains)", func(t *testing.T, s *server) string {
			// A's personal chain calls the shared one, which A2 points at
			// c/p: A2 cannot see A's personal chain, so no check sees the loop.
			s.must(t, "POST", "/chains/", keyA, map[string]any{"name": "p", "steps": steps(20, "c/s")}, 201)
			s.must(t, "POST", "/chains/?shared=true", keyA2, map[string]any{"name": "s", "steps": steps(20, "c/p")}, 201)
			status, body := s.hit(t, s.gateway+"/c/p/v1/chat/completions", keyA, chat("gpt-4o-mini"))
			return expect(t, status, body, 508, "c/p → c/s → c/p")
		}},
		{"broadcast loop past the checks (two teammates' broadcasts of 20)", func(t *testing.T, s *server) string {
			s.must(t, "POST", "/broadcasts/", keyA, map[string]any{"name": "pb", "targets": targets(20, "b/sb")}, 201)
			s.must(t, "POST", "/broadcasts/?shared=true", keyA2, map[string]any{"name": "sb", "targets": targets(20, "b/pb")}, 201)
			status, body := s.hit(t, s.gateway+"/b/pb/v1/chat/completions", keyA, chat("gpt-4o-mini"))
			return expect(t, status, body, 200, "broadcast 'sb' is not run: its 20 targets need one attempt each")
		}},
		{"acyclic tree of 8 broadcasts of 20 (20^8 calls wanted)", func(t *testing.T, s *server) string {
			for i := 7; i >= 0; i-- {
				next := fmt.Sprint("b/tree", i+1)
				if i == 7 {
					next = "g/llm"
				}
				s.must(t, "POST", "/broadcasts/", keyA, map[string]any{"name": fmt.Sprint("tree", i), "targets": targets(20, next)}, 201)
			}
			status, body := s.hit(t, s.gateway+"/b/tree0/v1/chat/completions", keyA, chat("gpt-4o-mini"))
			return expect(t, status, body, 200, "broadcast 'tree1' is not run: its 20 targets need one attempt each")
		}},
		{"BYOK endpoint pointing at the gateway", func(t *testing.T, s *server) string {
			// The endpoint is an alias of this gateway leading to the
			// enrollment itself; its secret is the caller's own key.
			code := s.enrollBYOK(t, keyA, s.gateway+"/a/byok-loop", keyA)
			s.must(t, "POST", "/aliases/", keyA, map[string]any{"name": "byok-loop", "target_path": "e/" + code}, 201)
			status, body := s.hit(t, s.gateway+"/e/"+code+"/v1/chat/completions", keyA, chat("my-model"))
			return expect(t, status, body, 508, "counting the gateways it came through")
		}},
		{"header flood (1 MiB of headers) on both ports", func(t *testing.T, s *server) string {
			var got []string
			for _, url := range []string{s.api + "/chains/", s.gateway + "/g/llm/v1/chat/completions"} {
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(chat("gpt-4o-mini")))
				for i := range 1024 {
					req.Header.Set(fmt.Sprint("X-Flood-", i), strings.Repeat("f", 1024))
				}
				start := time.Now()
				resp, err := s.client.Do(req)
				s.took = max(s.took, time.Since(start))
				if err != nil {
					t.Fatalf("header flood: %v", err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
					t.Fatalf("header flood: %d, want 431", resp.StatusCode)
				}
				got = append(got, strconv.Itoa(resp.StatusCode))
			}
			return strings.Join(got, ", ")
		}},
		{"100 connections dripping a header byte a second (slowloris)", func(t *testing.T, s *server) string {
			took := stall(t, strings.TrimPrefix(s.gateway, "http://"), 100, true)
			s.took = took
			if took > maxRefusal {
				t.Fatalf("slowloris connections still open after %v", took)
			}
			return "connections closed by the server"
		}},
		{"100 silent connections to the API", func(t *testing.T, s *server) string {
			took := stall(t, strings.TrimPrefix(strings.TrimSuffix(s.api, "/v1"), "http://"), 100, false)
			s.took = took
			if took > maxRefusal {
				t.Fatalf("silent connections still open after %v", took)
			}
			return "connections closed by the server"
		}},
		{"upstream answer of 40 MiB relayed by a chain step", func(t *testing.T, s *server) string {
			code := s.enrollBYOK(t, keyA2, big.URL, "sk-big")
			s.must(t, "POST", "/chains/", keyA2, map[string]any{"name": "relay-big", "steps": []any{
				map[string]any{"name": "big", "target_path": "e/" + code, "sort_order": 0, "on_success": "relay", "on_failure": "stop"},
				map[string]any{"name": "llm", "target_path": "g/llm", "sort_order": 1}}}, 201)
			s.must(t, "POST", "/broadcasts/", keyA2, map[string]any{"name": "big-fan", "targets": targets(20, "e/"+code)}, 201)
			status, body := s.hit(t, s.gateway+"/c/relay-big/v1/chat/completions", keyA2, chat("gpt-4o-mini"))
			return expect(t, status, body, 502, "more than 32 MiB")
		}},
		{"broadcast of 20 targets each answering 40 MiB", func(t *testing.T, s *server) string {
			status, body := s.hit(t, s.gateway+"/b/big-fan/v1/chat/completions", keyA2, chat("gpt-4o-mini"))
			return expect(t, status, body, 200, "together exceed 32 MiB")
		}},
	}
}

// expect asserts an answer and returns it in short for the figures.
func expect(t *testing.T, status int, body string, want int, mention string) string {
	t.Helper()
	if status != want || !strings.Contains(body, mention) {
		t.Fatalf("answer %d %.800s; want %d mentioning %q", status, body, want, mention)
	}
	return strconv.Itoa(status)
}

// TestAbuse runs every attack against one unitysvc-local process and
// prints a figure line per attack ("ABUSE |...").
func TestAbuse(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and attacks the binary")
	}
	s := start(t, build(t))
	fmt.Println("ABUSE | attack | answer | time to refusal | peak RSS | API answers | gateway answers |")
	fmt.Println("ABUSE |---|---|---|---|---|---|")
	for _, a := range attacks(t) {
		t.Run(a.name, func(t *testing.T) {
			s.resetPeak()
			s.took = 0
			answer := a.run(t, s)
			took := s.took
			peak := s.peakRSS(t)
			api, gw := s.answers(t)
			fmt.Printf("ABUSE | %s | %s | %s | %d MiB | %v | %v |\n", a.name, answer, took.Round(time.Millisecond), peak>>20, yes(api), yes(gw))
			switch {
			case took > maxRefusal:
				t.Errorf("refused after %v, want within %v", took, maxRefusal)
			case peak > maxPeakRSS:
				t.Errorf("peak RSS %d MiB, want at most %d MiB", peak>>20, maxPeakRSS>>20)
			case !api || !gw:
				t.Errorf("after the attack: API answers %v, gateway answers %v", api, gw)
			}
		})
	}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}
