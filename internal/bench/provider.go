package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// providerFigures is the CPU the provider's own process used in each
// phase, and the API calls unitysvc-local served meanwhile.
type providerFigures struct {
	label                            string
	apply, plan, destroy             time.Duration
	applyCalls, planCalls, destCalls int64
}

// secretsConfig is N unitysvc_secret resources with write-only values.
func secretsConfig(apiURL string, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    unitysvc = { source = "registry.terraform.io/unitysvc/unitysvc" }
  }
}

provider "unitysvc" {
  api_url = %q
  api_key = %q
}

resource "unitysvc_secret" "bench" {
  count            = %d
  name             = "BENCH_${count.index}"
  value_wo         = "value-${count.index}"
  value_wo_version = 1
}
`, apiURL, benchKey, n)
}

// apiCalls counts unitysvc-local's --verbose lines for API requests.
type apiCalls struct{ n atomic.Int64 }

func (c *apiCalls) Write(p []byte) (int, error) {
	c.n.Add(int64(bytes.Count(p, []byte("msg=request method="))))
	return len(p), nil
}

// cpu is the CPU time (user and system, all threads) process pid has
// used, from /proc/<pid>/stat.
func cpu(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses:
	// state is field 3, utime 14 and stime 15.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	var ticks int64
	for _, s := range f[11:13] {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100

// debugProvider starts the provider with -debug and returns it with the
// TF_REATTACH_PROVIDERS value it printed.
func debugProvider(bin string, args ...string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, append([]string{"-debug"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "TF_REATTACH_PROVIDERS='"); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return cmd, strings.TrimSuffix(v, "'"), nil
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, "", fmt.Errorf("%s -debug did not print TF_REATTACH_PROVIDERS", bin)
}

// benchProvider applies, plans (a refresh of every resource) and
// destroys the configuration with OpenTofu driving the provider bin,
// and reads the provider's CPU time around each command.
func benchProvider(o options, label, bin string, args ...string) (*providerFigures, error) {
	dir := filepath.Join(o.dir, "provider-"+strconv.Itoa(int(time.Now().UnixNano())))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	calls := &apiCalls{}
	l, err := startLocal(o.local, o.dir, calls, "--verbose")
	if err != nil {
		return nil, err
	}
	defer l.stop()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(secretsConfig(l.apiURL, o.resources)), 0o600); err != nil {
		return nil, err
	}
	prov, reattach, err := debugProvider(bin, args...)
	if err != nil {
		return nil, err
	}
	defer func() {
		_ = prov.Process.Signal(os.Interrupt)
		_ = prov.Wait()
	}()
	var check map[string]json.RawMessage
	if err := json.Unmarshal([]byte(reattach), &check); err != nil {
		return nil, fmt.Errorf("TF_REATTACH_PROVIDERS is not JSON: %w", err)
	}
	empty := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "TF_CLI_CONFIG_FILE="+empty, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	tofu := func(args ...string) error {
		cmd := exec.Command(o.tofu, append(args, "-no-color")...)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("tofu %s: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 3000))
		}
		return nil
	}
	if err := tofu("init", "-input=false"); err != nil {
		return nil, err
	}
	f := &providerFigures{label: label}
	measure := func(d *time.Duration, n *int64, args ...string) error {
		fmt.Fprintf(os.Stderr, "provider %s: tofu %s ...\n", label, args[0])
		c0, err := cpu(prov.Process.Pid)
		if err != nil {
			return err
		}
		n0 := calls.n.Load()
		if err := tofu(args...); err != nil {
			return err
		}
		time.Sleep(200 * time.Millisecond) // the last log lines
		c1, err := cpu(prov.Process.Pid)
		if err != nil {
			return err
		}
		*d, *n = c1-c0, calls.n.Load()-n0
		return nil
	}
	if err := measure(&f.apply, &f.applyCalls, "apply", "-auto-approve", "-input=false"); err != nil {
		return nil, err
	}
	// -detailed-exitcode: a plan that finds changes fails the benchmark.
	if err := measure(&f.plan, &f.planCalls, "plan", "-input=false", "-detailed-exitcode"); err != nil {
		return nil, err
	}
	if err := measure(&f.destroy, &f.destCalls, "destroy", "-auto-approve", "-input=false"); err != nil {
		return nil, err
	}
	return f, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
