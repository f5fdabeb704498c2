package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// start runs the built binary and returns its API URL and start-up
// output once it has printed everything it prints on start.
func start(t *testing.T, bin string, args ...string) (*exec.Cmd, string, string) {
	t.Helper()
	return startEnv(t, bin, nil, args...)
}

// startEnv is start with extra environment variables.
func startEnv(t *testing.T, bin string, env []string, args ...string) (*exec.Cmd, string, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--api-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out strings.Builder
	api := ""
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("unitysvc-local exited during start-up; output:\n%s", out.String())
			}
			out.WriteString(line + "\n")
			if m := regexp.MustCompile(`API:\s+(\S+)`).FindStringSubmatch(line); m != nil {
				api = m[1]
			}
			if strings.Contains(line, "export UNITYSVC_API_URL=") { // the last start-up line
				go func() {
					for range lines {
					}
				}()
				return cmd, api, out.String()
			}
		case <-timeout:
			_ = cmd.Process.Kill()
			t.Fatalf("unitysvc-local did not start; output:\n%s", out.String())
		}
	}
}

func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("unitysvc-local did not stop on SIGTERM")
	}
}

func request(t *testing.T, method, url, key, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// build builds the binary once per test run.
func build(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "unitysvc-local-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "unitysvc-local")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath)) // a temporary directory left behind fails nothing
	}
	os.Exit(code)
}

// The binary starts, prints its URLs and key, serves, keeps state in its
// data dir across restarts, and stops cleanly on SIGTERM.
func TestBinary(t *testing.T) {
	bin := build(t)
	dataDir := t.TempDir()

	cmd, api, out := start(t, bin, "--data-dir", dataDir, "--api-key", "svcpass_one", "--api-key", "svcpass_two")
	if !strings.Contains(out, "svcpass_one, svcpass_two") || !strings.Contains(out, "export UNITYSVC_API_URL="+api) {
		t.Errorf("start-up output lacks the keys or the export line:\n%s", out)
	}
	if code, _ := request(t, "GET", strings.TrimSuffix(api, "/v1")+"/healthz", "", ""); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	if code, body := request(t, "PUT", api+"/secrets/KEPT", "svcpass_one", `{"value":"v","sensitive":false}`); code != 201 {
		t.Fatalf("set secret: %d %s", code, body)
	}
	if code, _ := request(t, "GET", api+"/secrets/", "svcpass_demo_not_seeded", ""); code != 401 {
		t.Fatalf("unknown key: %d, want 401", code)
	}
	stop(t, cmd)

	// --api-key is the whole list: svcpass_two, stored by the first start
	// and not given now, is refused, and the banner says so.
	cmd, api, out = start(t, bin, "--data-dir", dataDir, "--api-key", "svcpass_one")
	defer stop(t, cmd)
	if code, body := request(t, "GET", api+"/secrets/KEPT", "svcpass_one", ""); code != 200 || !strings.Contains(body, `"value":"v"`) {
		t.Fatalf("after restart: %d %s, want the secret kept (and decryptable with the key in the data dir)", code, body)
	}
	if code, _ := request(t, "GET", api+"/secrets/", "svcpass_two", ""); code != 401 {
		t.Fatalf("a key dropped from --api-key after a restart: %d, want 401", code)
	}
	if !regexp.MustCompile(`disabled:\s+1 API key\(s\) stored by an earlier start`).MatchString(out) {
		t.Errorf("the start-up output does not say that one key was disabled:\n%s", out)
	}
}

// --api-key KEY@customer seeds separate customers, who see nothing of
// each other; the secret key can come from UNITYSVC_LOCAL_SECRET_KEY (not
// visible in ps), and is then not written to the data directory.
func TestBinaryCustomersAndSecretKeyFromEnv(t *testing.T) {
	bin := build(t)
	dataDir := t.TempDir()
	env := []string{"UNITYSVC_LOCAL_SECRET_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}
	args := []string{"--data-dir", dataDir, "--api-key", "svcpass_alice@acme", "--api-key", "svcpass_bob@other"}
	cmd, api, out := startEnv(t, bin, env, args...)
	if !strings.Contains(out, "svcpass_alice@acme, svcpass_bob@other") || !strings.Contains(out, "UNITYSVC_API_KEY=svcpass_alice\n") {
		t.Errorf("start-up output should list the keys with their customers and export the first key alone:\n%s", out)
	}
	if code, body := request(t, "PUT", api+"/secrets/ALICE_ONLY", "svcpass_alice", `{"value":"a","sensitive":false}`); code != 201 {
		t.Fatalf("alice sets a secret: %d %s", code, body)
	}
	if code, _ := request(t, "GET", api+"/secrets/ALICE_ONLY", "svcpass_bob", ""); code != 404 {
		t.Fatalf("bob reads alice's secret: %d, want 404", code)
	}
	stop(t, cmd)
	if _, err := os.Stat(filepath.Join(dataDir, "secret.key")); !os.IsNotExist(err) {
		t.Fatalf("secret.key was written to the data dir although the key came from the environment (stat: %v)", err)
	}
	cmd, api, _ = startEnv(t, bin, env, args...)
	defer stop(t, cmd)
	if code, body := request(t, "GET", api+"/secrets/ALICE_ONLY", "svcpass_alice", ""); code != 200 || !strings.Contains(body, `"value":"a"`) {
		t.Fatalf("after restart with the key from the environment: %d %s", code, body)
	}
}

// A key given to another customer than the one the data directory
// remembers, or a spec with an empty customer, is refused at start.
func TestBinaryRefusesBadKeys(t *testing.T) {
	bin := build(t)
	dataDir := t.TempDir()
	cmd, _, _ := start(t, bin, "--data-dir", dataDir, "--api-key", "svcpass_x@acme")
	stop(t, cmd)
	for _, tc := range []struct{ spec, want string }{
		{"svcpass_x@other", `already belongs to customer "acme"`},
		{"svcpass_y@", "customer after @ is empty"},
		{"@acme", "KEY is not empty"},
	} {
		out, err := exec.Command(bin, "--data-dir", dataDir, "--api-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0", "--api-key", tc.spec).CombinedOutput()
		if err == nil || !strings.Contains(string(out), tc.want) {
			t.Errorf("--api-key %s: err %v, output %q; want a failure saying %q", tc.spec, err, out, tc.want)
		}
	}
}
