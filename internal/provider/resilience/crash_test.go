package resilience_test

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// server runs the unitysvc-local binary on fixed ports and a data
// directory, so it can be killed and started again where it was.
type server struct {
	t                *testing.T
	dataDir, apiAddr string
	gatewayAddr, key string

	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{}
	requests atomic.Int64 // requests answered, over every start
	restarts atomic.Int64
	// failed holds an error of a restart.
	failed atomic.Value
}

func newServer(t *testing.T) *server {
	return &server{t: t, dataDir: t.TempDir(), apiAddr: freeAddr(t), gatewayAddr: freeAddr(t), key: "svcpass_crash_test"}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func (s *server) apiURL() string     { return "http://" + s.apiAddr + "/v1" }
func (s *server) gatewayURL() string { return "http://" + s.gatewayAddr }

// start runs the binary with extra flags and waits until it serves.
func (s *server) start(extra ...string) error {
	args := append([]string{"--data-dir", s.dataDir, "--api-addr", s.apiAddr, "--gateway-addr", s.gatewayAddr,
		"--api-key", s.key, "--verbose"}, extra...)
	// The port of a killed server can take a moment to be free again.
	for attempt := 0; ; attempt++ {
		cmd := exec.Command(filepath.Join(binDir, "unitysvc-local"), args...)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		stderr, err := cmd.StderrPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			ok := false
			for sc.Scan() {
				if !ok && strings.Contains(sc.Text(), "is running") {
					ok = true
					ready <- true
				}
			}
			if !ok {
				ready <- false
			}
		}()
		var tail strings.Builder
		var tailMu sync.Mutex
		exited := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				if strings.Contains(sc.Text(), "msg=request") {
					s.requests.Add(1)
					continue
				}
				tailMu.Lock()
				tail.WriteString(sc.Text() + "\n")
				tailMu.Unlock()
			}
			_ = cmd.Wait()
			close(exited)
		}()
		select {
		case ok := <-ready:
			if ok {
				s.mu.Lock()
				s.cmd, s.exited = cmd, exited
				s.mu.Unlock()
				return nil
			}
			<-exited
			tailMu.Lock()
			log := tail.String()
			tailMu.Unlock()
			if attempt < 50 && strings.Contains(log, "address already in use") {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			return fmt.Errorf("unitysvc-local did not start:\n%s", log)
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			return fmt.Errorf("unitysvc-local did not start in 20s")
		}
	}
}

// signal sends sig to the server (SIGKILL to crash it, SIGTERM to stop
// it cleanly) and waits until it is gone.
func (s *server) signal(sig syscall.Signal) {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	_ = cmd.Process.Signal(sig)
	<-exited
}

// restartOnExit starts the server again (without crash faults) every time
// it dies, until done is closed.
func (s *server) restartOnExit(done <-chan struct{}) {
	for {
		s.mu.Lock()
		exited := s.exited
		s.mu.Unlock()
		select {
		case <-done:
			return
		case <-exited:
		}
		select {
		case <-done:
			return
		default:
		}
		s.restarts.Add(1)
		if err := s.start(); err != nil {
			s.failed.Store(err)
			return
		}
	}
}

// crashPoint is one way to crash the server in the middle of an apply.
type crashPoint struct {
	name string
	// flags start the first server (a crash fault).
	flags []string
	// killAfter, when set, kills the server with SIGKILL from outside
	// once it has answered that many requests.
	killAfter int64
}

var crashPoints = []crashPoint{
	// The server commits a create and dies before answering it.
	{name: "after the 1st create", flags: []string{"--fault-crash-after-create", "1"}},
	{name: "after the 4th create", flags: []string{"--fault-crash-after-create", "4"}},
	{name: "after the 7th create", flags: []string{"--fault-crash-after-create", "7"}},
	// kill -9 from outside, wherever the requests in flight are.
	{name: "kill -9 after 25 requests", killAfter: 25},
	{name: "kill -9 after 45 requests", killAfter: 45},
}

// A --data-dir unitysvc-local killed in the middle of applying the demo
// configuration (right after committing a create it never answers, or
// with kill -9 wherever its requests are) and started again on the same
// data: the apply converges in at most two applies with an empty plan
// after, with no duplicates and nothing untracked, and destroy leaves
// nothing.
func TestAccDemoConvergesAcrossServerCrashes(t *testing.T) {
	tofu := needBinaries(t)
	t.Parallel()
	for _, cp := range crashPoints {
		t.Run(strings.ReplaceAll(cp.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			if err := s.start(cp.flags...); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			watcher := make(chan struct{})
			go func() { defer close(watcher); s.restartOnExit(done) }()
			if cp.killAfter > 0 {
				go func() {
					for s.requests.Load() < cp.killAfter {
						select {
						case <-done:
							return
						case <-time.After(5 * time.Millisecond):
						}
					}
					s.signal(syscall.SIGKILL)
				}()
			}
			defer func() {
				close(done)
				<-watcher
				s.signal(syscall.SIGTERM)
			}()
			c := newClient(t, s.apiURL(), s.key)
			d := newDemoDir(t, tofu, s.apiURL(), s.gatewayURL(), s.key)
			res := d.converge(2)
			if err, ok := s.failed.Load().(error); ok {
				t.Fatalf("restarting the server: %v", err)
			}
			if s.restarts.Load() == 0 {
				t.Fatalf("the server never crashed (%d requests): the run proves nothing", s.requests.Load())
			}
			if len(cp.flags) > 0 && res.adopted == 0 {
				t.Fatal("the create the server committed but never answered was not adopted")
			}
			got := checkConverged(t, d, c)
			checkDestroyed(t, d, c)
			t.Logf("FIGURES crash %s: %d restart(s); converged in %d apply(ies) (%s, plan included); %d objects adopted after a lost answer; %d objects, 0 duplicates, 0 untracked; destroy left 0 objects",
				cp.name, s.restarts.Load(), res.applies, res.took.Round(100*time.Millisecond), res.adopted, got.objects)
		})
	}
}
