package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// start runs the built binary and returns its API URL and start-up
// output once it has printed everything it prints on start.
func start(t *testing.T, bin string, args ...string) (*exec.Cmd, string, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--api-addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0"}, args...)...)
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

// The binary starts, prints its URLs and key, serves, keeps state in its
// data dir across restarts, and stops cleanly on SIGTERM.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "unitysvc-local")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
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

	cmd, api, _ = start(t, bin, "--data-dir", dataDir, "--api-key", "svcpass_one")
	defer stop(t, cmd)
	if code, body := request(t, "GET", api+"/secrets/KEPT", "svcpass_one", ""); code != 200 || !strings.Contains(body, `"value":"v"`) {
		t.Fatalf("after restart: %d %s, want the secret kept (and decryptable with the key in the data dir)", code, body)
	}
}
