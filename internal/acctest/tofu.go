package acctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TofuDir is a working directory where the acceptance tests' CLI
// (TF_ACC_TERRAFORM_PATH) runs the provider binary built from this
// module through a dev override, for tests that must see what the test
// framework does not show: the CLI's own output and the state file.
type TofuDir struct {
	t   *testing.T
	cli string
	// Dir is the working directory (terraform.tfstate is written there).
	Dir string
	env []string
}

// NewTofuDir builds the provider and returns a working directory holding
// config as main.tf. It skips unless TF_ACC is set.
func NewTofuDir(t *testing.T, config string) *TofuDir {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test sets both)")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-unitysvc"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	dir := t.TempDir()
	overrides := ""
	for _, addr := range []string{"registry.opentofu.org/unitysvc/unitysvc", "registry.opentofu.org/hashicorp/unitysvc", "registry.terraform.io/unitysvc/unitysvc", "registry.terraform.io/hashicorp/unitysvc"} {
		overrides += fmt.Sprintf("    %q = %q\n", addr, bin)
	}
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, []byte("provider_installation {\n  dev_overrides {\n"+overrides+"  }\n  direct {}\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := &TofuDir{t: t, cli: cli, Dir: dir, env: append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")}
	d.WriteConfig(config)
	return d
}

// Setenv sets an environment variable for the CLI's later runs (such as
// TF_VAR_name for an ephemeral variable).
func (d *TofuDir) Setenv(key, value string) { d.env = append(d.env, key+"="+value) }

// WriteConfig replaces main.tf.
func (d *TofuDir) WriteConfig(config string) {
	d.t.Helper()
	d.WriteFile("main.tf", config)
}

// WriteFile writes a file of the working directory, such as another
// configuration file.
func (d *TofuDir) WriteFile(name, text string) {
	d.t.Helper()
	if err := os.WriteFile(filepath.Join(d.Dir, name), []byte(text), 0o600); err != nil {
		d.t.Fatal(err)
	}
}

// Run runs the CLI with args and returns its combined output and exit
// code.
func (d *TofuDir) Run(args ...string) (string, int) {
	d.t.Helper()
	return RunCLI(d.t, d.cli, d.Dir, d.env, args...)
}

// RunCLI runs the CLI cli in dir with env and args, and returns its
// combined output and exit code; a CLI that cannot be run fails the
// test.
func RunCLI(t *testing.T, cli, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(cli, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("running %s %v: %v\n%s", cli, args, err, out)
	return "", -1
}

// MustRun is Run that fails the test unless the CLI exits 0.
func (d *TofuDir) MustRun(args ...string) string {
	d.t.Helper()
	out, code := d.Run(args...)
	if code != 0 {
		d.t.Fatalf("%s %v exited %d:\n%s", d.cli, args, code, out)
	}
	return out
}

// ReadFile returns a file of the working directory, such as
// terraform.tfstate.
func (d *TofuDir) ReadFile(name string) string {
	d.t.Helper()
	b, err := os.ReadFile(filepath.Join(d.Dir, name))
	if err != nil {
		d.t.Fatal(err)
	}
	return string(b)
}

// moduleRoot finds the directory holding go.mod, from the test's
// working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the test's directory")
		}
		dir = parent
	}
}
