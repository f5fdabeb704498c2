package acctest

import (
	"encoding/json"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
)

// writeOnlySince is the first Terraform and OpenTofu release with
// write-only attributes.
var writeOnlySince = version.Must(version.NewVersion("1.11.0"))

var (
	cliOnce    sync.Once
	cliVersion *version.Version
	cliErr     error
)

// CLIVersion is the version of the CLI the acceptance tests drive
// (TF_ACC_TERRAFORM_PATH), asked once per test binary.
func CLIVersion(t *testing.T) *version.Version {
	t.Helper()
	cliOnce.Do(func() {
		bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
		cmd := exec.Command(bin, "version", "-json")
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
		out, err := cmd.Output()
		if err != nil {
			cliErr = err
			return
		}
		var v struct {
			Version string `json:"terraform_version"`
		}
		if cliErr = json.Unmarshal(out, &v); cliErr != nil {
			return
		}
		cliVersion, cliErr = version.NewVersion(v.Version)
	})
	if cliErr != nil {
		t.Fatalf("asking %s for its version: %v", os.Getenv("TF_ACC_TERRAFORM_PATH"), cliErr)
	}
	return cliVersion
}

// SupportsWriteOnly reports whether the CLI has write-only attributes
// (Terraform or OpenTofu 1.11 and later).
func SupportsWriteOnly(t *testing.T) bool {
	t.Helper()
	return CLIVersion(t).GreaterThanOrEqual(writeOnlySince)
}

// SkipWithoutWriteOnly skips a test whose configuration uses write-only
// attributes when the CLI is older than 1.11, where they cannot work.
func SkipWithoutWriteOnly(t *testing.T) {
	t.Helper()
	if !SupportsWriteOnly(t) {
		t.Skipf("the configuration uses write-only attributes, which need Terraform or OpenTofu 1.11+ (the CLI is %s)", CLIVersion(t))
	}
}
