package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// moduleRoot finds the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// Every example the docs show is formatted, and valid against the
// provider's schema (tofu validate with the provider built from this tree).
func TestAccExamplesValidate(t *testing.T) {
	tofu := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tofu == "" {
		t.Skip("needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test sets both)")
	}
	root := moduleRoot(t)
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-unitysvc"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(t.TempDir(), "tofurc")
	overrides := ""
	for _, addr := range []string{"registry.opentofu.org/unitysvc/unitysvc", "registry.opentofu.org/hashicorp/unitysvc", "registry.terraform.io/unitysvc/unitysvc", "registry.terraform.io/hashicorp/unitysvc"} {
		overrides += fmt.Sprintf("    %q = %q\n", addr, bin)
	}
	if err := os.WriteFile(rc, []byte("provider_installation {\n  dev_overrides {\n"+overrides+"  }\n  direct {}\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1")

	// A CLI older than 1.8 cannot parse provider function calls, so it
	// checks the formatting of every example folder but examples/functions.
	functions := acctest.CLIVersion(t).GreaterThanOrEqual(version.Must(version.NewVersion("1.8.0")))
	tops, err := os.ReadDir(filepath.Join(root, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, top := range tops {
		if !top.IsDir() || (top.Name() == "functions" && !functions) {
			continue
		}
		fmtCheck := exec.Command(tofu, "fmt", "-check", "-recursive", "-diff", filepath.Join("examples", top.Name()))
		fmtCheck.Dir, fmtCheck.Env = root, env
		if out, err := fmtCheck.CombinedOutput(); err != nil {
			t.Errorf("examples/%s is not formatted (run tofu fmt -recursive examples): %v\n%s", top.Name(), err, out)
		}
	}

	dirs := map[string]bool{}
	_ = filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".tf" {
			dirs[filepath.Dir(p)] = true
		}
		return nil
	})
	var list []string
	for d := range dirs {
		list = append(list, d)
	}
	sort.Strings(list)
	if len(list) < 17 {
		t.Fatalf("found %d example directories, expected every resource and data source to have one", len(list))
	}
	writeOnly := acctest.SupportsWriteOnly(t)
	forEachImport := acctest.CLIVersion(t).GreaterThanOrEqual(version.Must(version.NewVersion("1.7.0")))
	for _, dir := range list {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			if !forEachImport && anyFileMatches(t, dir, forEachImportRE) {
				t.Skipf("uses import blocks with for_each, which need Terraform 1.7+ or OpenTofu 1.7+ (the CLI is older)")
			}
			if strings.HasPrefix(rel, filepath.Join("examples", "functions")) && acctest.CLIVersion(t).LessThan(version.Must(version.NewVersion("1.8.0"))) {
				t.Skipf("provider functions need Terraform 1.8+ or OpenTofu 1.7+ (the CLI is %s)", acctest.CLIVersion(t))
			}
			if !writeOnly && anyFileMatches(t, dir, writeOnlyRE) {
				t.Skipf("uses write-only attributes or ephemeral variables, which need Terraform 1.11+ or OpenTofu 1.11+ (the CLI is older)")
			}
			cmd := exec.Command(tofu, "validate", "-json", "-no-color")
			cmd.Dir, cmd.Env = dir, env
			out, _ := cmd.Output()
			var res struct {
				Valid       bool `json:"valid"`
				Diagnostics []struct {
					Severity, Summary, Detail string
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("tofu validate output %q: %v", out, err)
			}
			if !res.Valid {
				t.Errorf("invalid: %+v", res.Diagnostics)
			}
		})
	}
}

// anyFileMatches reports whether a .tf file of an example directory
// matches re.
func anyFileMatches(t *testing.T, dir string, re *regexp.Regexp) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if re.Match(b) {
			return true
		}
	}
	return false
}

// forEachImportRE is an import block with for_each; writeOnlyRE a
// write-only attribute or an ephemeral variable.
var (
	forEachImportRE = regexp.MustCompile(`(?m)^import \{\s*\n\s*for_each`)
	writeOnlyRE     = regexp.MustCompile(`(?m)^\s*(\w+_wo|ephemeral)\s*=`)
)
