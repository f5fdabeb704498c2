// Package acctest is the acceptance-test harness: it starts unitysvc-local
// in-process with a fresh database per test, and gives provider factories,
// provider configuration and a client pointing at it. With
// UNITYSVC_ACC_REMOTE=1 (and UNITYSVC_API_URL / UNITYSVC_API_KEY set) the
// same tests run against a real UnitySVC account instead.
package acctest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/apicontract"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider"
)

// ProviderName is the provider's type name in configurations.
const ProviderName = "unitysvc"

// ProtoV6ProviderFactories serves the provider in-process to tofu.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Remote reports whether tests run against a real account.
func Remote() bool { return os.Getenv("UNITYSVC_ACC_REMOTE") == "1" }

// Env is one test's backend: a fresh unitysvc-local, or the real API.
type Env struct {
	APIURL     string
	GatewayURL string
	APIKey     string
	// Client talks to the same backend as the provider, for checks and
	// out-of-band changes.
	Client *client.Client
	// Instance is the in-process unitysvc-local (nil when remote).
	Instance *localapi.Instance
	// Requests records the requests Instance's API served (empty when
	// remote).
	Requests *RequestLog
}

// New starts a fresh backend for t. It skips unless TF_ACC is set, so
// acceptance tests never run by accident.
func New(t *testing.T) *Env {
	t.Helper()
	return start(t, localapi.Faults{})
}

// NewWithFaults is New with unitysvc-local injecting faults (429s, and
// 503s after processing). It skips against a real account, where faults
// cannot be injected.
func NewWithFaults(t *testing.T, f localapi.Faults) *Env {
	t.Helper()
	if Remote() {
		t.Skip("fault injection needs unitysvc-local")
	}
	return start(t, f)
}

func start(t *testing.T, faults localapi.Faults) *Env {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1 (make testacc / make test set it)")
	}
	e := &Env{Requests: &RequestLog{}}
	if Remote() {
		e.APIURL = os.Getenv("UNITYSVC_API_URL")
		e.APIKey = os.Getenv("UNITYSVC_API_KEY")
		e.GatewayURL = os.Getenv("UNITYSVC_API_BASE_URL")
		if e.APIURL == "" || e.APIKey == "" {
			t.Fatal("UNITYSVC_ACC_REMOTE=1 needs UNITYSVC_API_URL and UNITYSVC_API_KEY")
		}
	} else {
		checker, err := apicontract.Load()
		if err != nil && !errors.Is(err, apicontract.ErrNoSpec) {
			t.Fatal(err)
		}
		rec := apicontract.NewRecorder(checker)
		inst, err := localapi.Start(context.Background(), localapi.Config{
			APIAddr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0", InMemory: true,
			APIKeys:                   []string{"svcpass_acctest_" + strings.ReplaceAll(t.Name(), "/", "_")},
			WrapAPI:                   func(h http.Handler) http.Handler { return e.Requests.wrap(rec.Wrap(h)) },
			Faults:                    faults,
			EnrollmentActivationDelay: 200 * time.Millisecond,
		})
		if err != nil {
			t.Fatalf("starting unitysvc-local: %v", err)
		}
		t.Cleanup(func() {
			if err := inst.Close(); err != nil {
				t.Errorf("closing unitysvc-local: %v", err)
			}
			violations, n := rec.Violations()
			for _, v := range violations {
				t.Errorf("unitysvc-local broke the API contract: %s", v)
			}
			if checker != nil {
				t.Logf("contract: checked %d API exchanges against the OpenAPI spec", n)
			}
		})
		e.Instance = inst
		e.APIURL, e.GatewayURL, e.APIKey = inst.APIURL, inst.GatewayURL, inst.APIKeys[0]
	}
	c, err := client.New(client.Config{BaseURL: e.APIURL, APIKey: e.APIKey, UserAgent: "unitysvc-acctest", MaxRetries: 5, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.Client = c
	return e
}

// ProviderConfig is a provider block pointing at the backend.
func (e *Env) ProviderConfig() string {
	gw := ""
	if e.GatewayURL != "" {
		gw = fmt.Sprintf("  gateway_url = %q\n", e.GatewayURL)
	}
	return fmt.Sprintf("provider %q {\n  api_url = %q\n  api_key = %q\n%s  max_retries = 2\n}\n", ProviderName, e.APIURL, e.APIKey, gw)
}

// Config prefixes hcl with the provider block.
func (e *Env) Config(hcl string) string { return e.ProviderConfig() + "\n" + hcl }

// Ctx returns a context for client calls made by checks.
func Ctx() context.Context { return context.Background() }

// Attr returns a resource's attribute from state.
func Attr(s *terraform.State, addr, attr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	v, ok := rs.Primary.Attributes[attr]
	if !ok {
		return "", fmt.Errorf("%s has no attribute %s", addr, attr)
	}
	return v, nil
}

// ImportStateIDFunc returns an ImportStateIdFunc that joins the given
// attributes of addr with "/" (for example collection_id and service_id).
func ImportStateIDFunc(addr string, attrs ...string) func(*terraform.State) (string, error) {
	return func(s *terraform.State) (string, error) {
		parts := make([]string, 0, len(attrs))
		for _, a := range attrs {
			v, err := Attr(s, addr, a)
			if err != nil {
				return "", err
			}
			parts = append(parts, v)
		}
		return strings.Join(parts, "/"), nil
	}
}

// CheckDestroyed returns a CheckDestroy that asserts, for every resource
// of resourceType left in state, that exists reports it gone (an API 404
// through the client).
func (e *Env) CheckDestroyed(resourceType string, exists func(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error)) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != resourceType {
				continue
			}
			found, err := exists(Ctx(), e.Client, rs.Primary.Attributes)
			if err != nil {
				return fmt.Errorf("checking %s %s: %w", resourceType, rs.Primary.ID, err)
			}
			if found {
				return fmt.Errorf("%s %s still exists after destroy", resourceType, rs.Primary.ID)
			}
		}
		return nil
	}
}

// DeleteOutOfBand returns a Check that deletes the object behind addr
// through the client, simulating a change made outside Terraform.
func (e *Env) DeleteOutOfBand(addr string, del func(ctx context.Context, c *client.Client, attrs map[string]string) error) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		return del(Ctx(), e.Client, rs.Primary.Attributes)
	}
}

// Poll waits until cond holds or the timeout passes (for eventual states
// such as asynchronous activation).
func Poll(timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("timed out waiting for the condition")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ErrorText returns a regexp matching text in an error message however
// tofu wrapped its lines: each space matches any run of white space.
func ErrorText(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(text)), `\s+`))
}

// CheckServer is a step that applies an empty configuration and runs
// check against the server. Use it after a step that must fail: a
// TestCase's CheckDestroy does not run when nothing reached state, and a
// PlanOnly step's Check never runs.
func (e *Env) CheckServer(check func(*terraform.State) error) resource.TestStep {
	return resource.TestStep{Config: e.ProviderConfig(), Check: check}
}

// ExistsByID returns an exists check (for CheckDestroyed) that reads the
// object behind the state's "id" with get, a client method expression
// such as (*client.Client).GetChain: a 404 means gone.
func ExistsByID[T any](get func(*client.Client, context.Context, string) (*T, error)) func(context.Context, *client.Client, map[string]string) (bool, error) {
	return func(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error) {
		_, err := get(c, ctx, attrs["id"])
		if client.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	}
}

// EnrollmentLive reports whether the enrollment in state is still there
// and not cancelled (destroying an enrollment cancels it).
func EnrollmentLive(ctx context.Context, c *client.Client, attrs map[string]string) (bool, error) {
	e, err := c.GetEnrollment(ctx, attrs["id"])
	if client.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return e.Status != client.EnrollmentCancelled, nil
}

// IDUnchanged asserts that addr keeps the id *id held (recording it the
// first time): the change was made in place, not by replacement.
func IDUnchanged(addr string, id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		got, err := Attr(s, addr, "id")
		if err != nil {
			return err
		}
		if *id == "" {
			*id = got
			return nil
		}
		if got != *id {
			return fmt.Errorf("%s id changed from %s to %s: replaced instead of updated", addr, *id, got)
		}
		return nil
	}
}
