package secret_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/secret"
)

const addr = "unitysvc_secret.test"

func randSecretName() string {
	return strings.ToUpper(strings.ReplaceAll(tfacctest.RandomWithPrefix("TF_ACC"), "-", "_"))
}

// exists reports whether the secret in state is still there, in its scope.
func exists(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error) {
	all, err := c.ListSecrets(ctx)
	if err != nil {
		return false, err
	}
	for _, s := range all {
		if s.Name == attrs["name"] && fmt.Sprint(s.Shared()) == attrs["shared"] {
			return true, nil
		}
	}
	return false, nil
}

func deleteSecret(ctx context.Context, c *client.Client, attrs map[string]string) error {
	return c.DeleteSecret(ctx, attrs["name"], attrs["shared"] == "true")
}

// storedValue reads a secret's decrypted value from unitysvc-local's
// store: the only way to prove a sensitive (or write-only) value arrived.
func storedValue(e *acctest.Env, name string, shared bool, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.Instance == nil {
			return nil // remote: the API never returns sensitive values
		}
		ctx := context.Background()
		p, err := e.Instance.Store.Authenticate(ctx, e.APIKey)
		if err != nil {
			return err
		}
		s, err := e.Instance.Store.GetSecretInScope(ctx, p, name, shared)
		if err != nil {
			return err
		}
		if s.Value != want {
			return fmt.Errorf("stored value of %s is %q, want %q", name, s.Value, want)
		}
		return nil
	}
}

// valueConfig is the plainest configuration: a sensitive personal secret.
func valueConfig(e *acctest.Env, t *testing.T, name, value string) string {
	return e.ConfigFile(t, "testdata/secret_value.tf", map[string]any{"name": name, "value": value})
}

// variableConfig is a personal secret that is not sensitive (a variable).
func variableConfig(e *acctest.Env, t *testing.T, name, value string) string {
	return e.ConfigFile(t, "testdata/secret_variable.tf", map[string]any{"name": name, "value": value})
}

func describedConfig(e *acctest.Env, t *testing.T, name, value, description string) string {
	return e.ConfigFile(t, "testdata/secret_value_described.tf", map[string]any{"name": name, "value": value, "description": description})
}

// createStep creates a sensitive personal secret with a description and
// checks every attribute and the stored value.
func createStep(e *acctest.Env, t *testing.T, name string) resource.TestStep {
	return resource.TestStep{
		Config: describedConfig(e, t, name, "v1", "first"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("value"), knownvalue.StringExact("v1")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("first")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("owner_type"), knownvalue.StringExact("customer")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
		},
		Check: storedValue(e, name, false, "v1"),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}
}

// clearDescriptionStep removes the description (value v2): it is cleared.
func clearDescriptionStep(e *acctest.Env, t *testing.T, name string) resource.TestStep {
	return resource.TestStep{
		Config: valueConfig(e, t, name, "v2"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}
}

// Create stores the value and reports every attribute, with no diff after.
func TestAccSecret_create(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps:                    []resource.TestStep{createStep(e, t, randSecretName())},
	})
}

// Value and description change in place; removing the description clears it.
func TestAccSecret_updateInPlace(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name),
			{
				Config: describedConfig(e, t, name, "v2", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
				},
				Check: storedValue(e, name, false, "v2"),
			},
			clearDescriptionStep(e, t, name),
		},
	})
}

// Import by name reads back everything but the sensitive value.
func TestAccSecret_importVerify(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name),
			clearDescriptionStep(e, t, name),
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
				// A sensitive value cannot be read back.
				ImportStateVerifyIgnore: []string{"value"},
			},
		},
	})
}

// A new name replaces the secret: the new one holds the value, the old
// one is gone from the server.
func TestAccSecret_replaceOnName(t *testing.T) {
	e := acctest.New(t)
	name, renamed := randSecretName(), randSecretName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			createStep(e, t, name),
			{
				Config: valueConfig(e, t, renamed, "v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
				},
				Check: resource.ComposeTestCheckFunc(
					storedValue(e, renamed, false, "v2"),
					func(*terraform.State) error {
						ok, err := exists(context.Background(), e.Client, map[string]string{"name": name, "shared": "false"})
						if err != nil {
							return fmt.Errorf("looking for the old secret %s: %w", name, err)
						}
						if ok {
							return fmt.Errorf("old secret %s still exists", name)
						}
						return nil
					},
				),
			},
		},
	})
}

// sensitive cannot change in place: the secret is replaced.
func TestAccSecret_replaceOnSensitive(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			{Config: valueConfig(e, t, name, "v2")},
			{
				Config: variableConfig(e, t, name, "v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sensitive"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccSecret_variableDriftAndImport(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	cfg := variableConfig(e, t, name, "eu-west-1")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// A variable's value is read back, so every attribute imports.
				ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true,
			},
			{
				// Changed outside Terraform: the plan puts it back.
				PreConfig: func() {
					if _, _, err := e.Client.SetSecret(context.Background(), name, false, client.SecretUpdate{Value: "us-east-1", Sensitive: client.NullableOf(false)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("value"), knownvalue.StringExact("eu-west-1")),
					},
				},
				Check: storedValue(e, name, false, "eu-west-1"),
			},
		},
	})
}

func TestAccSecret_writeOnly(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	wo := func(value string, version int) string {
		return e.ConfigFile(t, fmt.Sprintf("testdata/secret_write_only_v%d.tf", version), map[string]any{"name": name, "value": value})
	}
	noSecretInState := func(secret string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			for k, v := range s.RootModule().Resources[addr].Primary.Attributes {
				if strings.Contains(v, secret) {
					return fmt.Errorf("write-only value found in state attribute %s", k)
				}
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			{
				Config: wo("wo-secret-one", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(noSecretInState("wo-secret-one"), storedValue(e, name, false, "wo-secret-one")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A new write-only value alone is not seen (it is never stored)...
				Config:   wo("wo-secret-two", 1),
				PlanOnly: true,
			},
			{
				// ...bumping the version sends it.
				Config: wo("wo-secret-two", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(noSecretInState("wo-secret-two"), storedValue(e, name, false, "wo-secret-two")),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"value_wo_version"},
			},
		},
	})
}

func TestAccSecret_shared(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			{
				Config: e.ConfigFile(t, "testdata/secret_shared_variable.tf", map[string]any{"name": name, "value": "team"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(true)),
				},
				Check: storedValue(e, name, true, "team"),
			},
			{
				// A personal secret of the same name made elsewhere does not
				// confuse the shared one's refresh.
				PreConfig: func() {
					if _, _, err := e.Client.SetSecret(context.Background(), name, false, client.SecretUpdate{Value: "mine", Sensitive: client.NullableOf(false)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: e.ConfigFile(t, "testdata/secret_shared_variable.tf", map[string]any{"name": name, "value": "team"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName: addr, ImportState: true, ImportStateId: "shared/" + name, ImportStateVerify: true,
			},
			{
				// Moving it to the personal scope replaces it — and the personal
				// one already exists, which the provider refuses to overwrite.
				Config:      variableConfig(e, t, name, "team"),
				ExpectError: regexp.MustCompile(`(?s)Secret already exists.*import`),
			},
			{
				PreConfig: func() {
					if err := e.Client.DeleteSecret(context.Background(), name, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: variableConfig(e, t, name, "team"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
				},
				Check: storedValue(e, name, false, "team"),
			},
		},
	})
}

func TestAccSecret_disappears(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	cfg := valueConfig(e, t, name, "x")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				Check:              e.DeleteOutOfBand(addr, deleteSecret),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: storedValue(e, name, false, "x"),
			},
		},
	})
}

func TestAccSecret_validation(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      valueConfig(e, t, "lower_case", "x"),
				ExpectError: acctest.ErrorText("must use only upper-case letters A-Z, digits 0-9 and underscores"),
				PlanOnly:    true,
			},
			{
				Config:      valueConfig(e, t, "9LIVES", "x"),
				ExpectError: acctest.ErrorText("must not start with a digit"),
				PlanOnly:    true,
			},
			{
				Config:      valueConfig(e, t, strings.Repeat("A", 101), "x"),
				ExpectError: acctest.ErrorText("Attribute name UTF-8 character count must be between 1 and 100, got: 101"),
				PlanOnly:    true,
			},
			{
				Config:      valueConfig(e, t, "LONG_VALUE", strings.Repeat("x", 4001)),
				ExpectError: acctest.ErrorText("Attribute value UTF-8 character count must be at most 4000, got: 4001"),
				PlanOnly:    true,
			},
			{
				Config:      e.ConfigFile(t, "testdata/secret_value_and_write_only.tf", map[string]any{"name": "BOTH"}),
				ExpectError: acctest.ErrorText("Attribute \"value_wo\" cannot be specified when \"value\" is specified"),
				PlanOnly:    true,
			},
			{
				Config:      e.ConfigFile(t, "testdata/secret_no_value.tf", map[string]any{"name": "NEITHER"}),
				ExpectError: acctest.ErrorText("Set exactly one of value or value_wo"),
				PlanOnly:    true,
			},
			{
				Config:      e.ConfigFile(t, "testdata/secret_version_without_write_only.tf", map[string]any{"name": "VERSION_ONLY"}),
				ExpectError: regexp.MustCompile(`(?s)value_wo.*must be specified`),
				PlanOnly:    true,
			},
		},
	})
}

func TestAccSecret_refusesToOverwriteExisting(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	if _, _, err := e.Client.SetSecret(context.Background(), name, false, client.SecretUpdate{Value: "precious"}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      valueConfig(e, t, name, "clobber"),
				ExpectError: regexp.MustCompile(`(?s)Secret already exists.*terraform\s+import\s+unitysvc_secret.<name>\s+` + name + `.*tofu import.*import\s+\{`),
			},
			// The existing value survived.
			e.CheckServer(storedValue(e, name, false, "precious")),
		},
	})
}

func TestAccSecret_badImportID(t *testing.T) {
	e := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        valueConfig(e, t, "IMPORTED", "x"),
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "team/lower",
				ExpectError:   acctest.ErrorText("expected NAME for a personal secret or shared/NAME"),
			},
		},
	})
}

// Secret values never reach the logs, even at TF_LOG=trace with the
// provider's own logging at trace too.
func TestAccSecret_valuesNotLogged(t *testing.T) {
	e := acctest.New(t)
	const plain, writeOnly = "sv-plain-do-not-log-7316", "sv-wo-do-not-log-9052"
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_LOG_PATH", logPath)
	t.Setenv("TF_LOG_PROVIDER", "trace")
	// Values come from variables, as in real use: the test harness itself
	// logs the configuration text at trace level.
	t.Setenv("TF_VAR_plain", plain)
	t.Setenv("TF_VAR_write_only", writeOnly)
	name1, name2 := randSecretName(), randSecretName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			{
				Config: e.ConfigFile(t, "testdata/secret_from_sensitive_variables.tf", map[string]any{"plain_name": name1, "write_only_name": name2}),
				Check:  resource.ComposeTestCheckFunc(storedValue(e, name1, false, plain), storedValue(e, name2, false, writeOnly)),
			},
		},
	})
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 10000 || !strings.Contains(string(data), "unitysvc API request") {
		t.Fatalf("the trace log has %d bytes and no provider lines: logging was not on, so this test proves nothing", len(data))
	}
	for _, v := range []string{plain, writeOnly} {
		if strings.Contains(string(data), v) {
			t.Errorf("secret value %q found in the TF_LOG=trace output", v)
		}
	}
}

// A sensitive secret made elsewhere imports by name; its value cannot be
// read back, so the first apply sends the configured value in place.
func TestAccSecret_importSensitiveSendsValueOnce(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	if _, _, err := e.Client.SetSecret(context.Background(), name, false, client.SecretUpdate{Value: "old"}); err != nil {
		t.Fatal(err)
	}
	cfg := valueConfig(e, t, name, "new")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             e.CheckDestroyed("unitysvc_secret", exists),
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: name, ImportStatePersist: true},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: storedValue(e, name, false, "new"),
			},
		},
	})
}

// A create whose PUT turns out to be an update has overwritten someone
// else's secret: here another writer creates the same secret between the
// provider's check that it does not exist and its PUT (the interleaving
// two resources of one name in one configuration can take). The apply
// fails loudly naming the clash, and the secret is not taken into state.
func TestAccSecret_createThatUpdatesFailsLoudly(t *testing.T) {
	e := acctest.New(t)
	if e.Instance == nil {
		t.Skip("needs unitysvc-local behind a proxy that interleaves another writer")
	}
	name := randSecretName()
	target, err := url.Parse(strings.TrimSuffix(e.APIURL, "/v1"))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxy.ServeHTTP(w, r)
		if r.Method == http.MethodGet && r.URL.Path == "/v1/secrets/"+name {
			// The check answered 404; now someone else creates it.
			once.Do(func() {
				if _, _, err := e.Client.SetSecret(context.Background(), name, false, client.SecretUpdate{Value: "theirs", Sensitive: client.NullableOf(false)}); err != nil {
					t.Errorf("the other writer: %v", err)
				}
			})
		}
	}))
	t.Cleanup(srv.Close)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.FillConfig(t, "testdata/secret_through_proxy.tf", map[string]any{"api_url": srv.URL + "/v1", "api_key": e.APIKey, "name": name}),
				ExpectError: regexp.MustCompile(`(?s)Secret ` + name + ` was overwritten: it already existed.*updated\s+an\s+existing\s+secret\s+instead.*another\s+unitysvc_secret\s+resource\s+of\s+this\s+configuration\s+with\s+the\s+same\s+name`),
			},
			e.CheckServer(func(*terraform.State) error {
				s, err := e.Client.GetSecret(context.Background(), name)
				if err != nil {
					return err
				}
				if s.Value == nil || *s.Value != "ours" {
					return fmt.Errorf("value on the server = %v, want the PUT's (the error says it replaced the other one)", s.Value)
				}
				return nil
			}),
		},
	})
}

// Two resources with one name and scope in one configuration never both
// "succeed": whichever way their creates interleave, the apply fails
// naming the clash: most often that two resources ask for the same
// secret (the sibling's create had returned), else the overwrite, or, in
// the moment between the sibling's PUT and its answer, that the secret
// already exists.
func TestAccSecret_twoResourcesOneNameFail(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      e.ConfigFile(t, "testdata/secret_two_resources_one_name.tf", map[string]any{"name": name}),
			ExpectError: regexp.MustCompile(`Secret asked for twice|was overwritten: it already existed|Secret already exists`),
		}},
	})
}

// When the second create runs after the first one returned, it says
// that two resources ask for the same secret, not to import it.
func TestAccSecret_twoResourcesOneNameInOrder(t *testing.T) {
	e := acctest.New(t)
	name := randSecretName()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.ConfigFile(t, "testdata/secret_two_resources_one_name_ordered.tf", map[string]any{"name": name}),
			ExpectError: regexp.MustCompile(`(?s)Secret asked for twice.*Two\s+resources\s+in\s+this\s+configuration\s+ask\s+for\s+the\s+same\s+secret\s+"` + name +
				`"\s+in\s+your\s+personal\s+scope`),
		}},
	})
}

// A 404 on read means the secret was deleted outside Terraform: it
// leaves state, so the next plan creates it again.
func TestSecretResource_readNotFoundRemoves(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectReadRemoves(t, secret.NewResource, map[string]any{"id": id, "name": "MY_SECRET", "shared": false}, "GET /v1/secrets/MY_SECRET")
}

// A 404 on delete means the secret is gone already: success.
func TestSecretResource_deleteNotFoundSucceeds(t *testing.T) {
	id := "11111111-2222-4333-8444-555555555555"
	acctest.ExpectDeleteSucceeds(t, secret.NewResource, map[string]any{"id": id, "name": "MY_SECRET", "shared": false}, "DELETE /v1/secrets/MY_SECRET")
}
