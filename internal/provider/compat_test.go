package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// On a CLI without write-only attributes (Terraform before 1.11), using
// one is refused with a message that says which versions have them,
// before anything is sent to the API. With a newer CLI this test skips:
// the write-only tests of each resource cover it.
func TestAccWriteOnlyNeedsNewerCLI(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{
			{
				Config:      e.ConfigFile(t, "testdata/compat_secret_write_only.tf", nil),
				ExpectError: acctest.ErrorText("Write-only attributes are only supported in Terraform 1.11 and later."),
			},
			{
				Config:      e.ConfigFile(t, "testdata/compat_enrollment_write_only.tf", nil),
				ExpectError: acctest.ErrorText("Write-only attributes are only supported in Terraform 1.11 and later."),
			},
			e.CheckServer(func(*terraform.State) error {
				secrets, err := e.Client.ListSecrets(acctest.Ctx())
				if err != nil {
					return err
				}
				if len(secrets) != 0 {
					return fmt.Errorf("%d secrets on the server: a refused write-only value must not reach the API", len(secrets))
				}
				return nil
			}),
		},
	})
}
