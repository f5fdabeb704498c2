// Package resilience_test proves that applying the demo configuration
// converges against a misbehaving or crashing API: it runs the real
// provider binary under real OpenTofu (a dev override, as `make demo`
// does) against unitysvc-local, and counts what is on the server through
// the API.
package resilience_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// binDir holds the provider and unitysvc-local built for this run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "unitysvc-resilience-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir) // a temporary directory left behind fails nothing
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildErr  error
)

// needBinaries skips unless TF_ACC is set, and builds the provider and
// unitysvc-local from this module once per run.
func needBinaries(t *testing.T) (tofu string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1 (make testacc / make test set it)")
	}
	if os.Getenv("UNITYSVC_ACC_REMOTE") == "1" {
		t.Skip("fault injection and crashes need unitysvc-local")
	}
	tofu = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tofu == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the tofu binary (make test sets it)")
	}
	acctest.SkipWithoutWriteOnly(t) // the demo keeps its keys in write-only attributes
	buildOnce.Do(func() {
		root, err := filepath.Abs("../../..")
		if err != nil {
			buildErr = err
			return
		}
		for out, pkg := range map[string]string{"terraform-provider-unitysvc": ".", "unitysvc-local": "./internal/localapi/cmd/unitysvc-local"} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, out), pkg)
			cmd.Dir = root
			if b, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("building %s: %w\n%s", pkg, err, b)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return tofu
}

// workdir is a directory of configuration files and the environment tofu
// runs them with.
type workdir struct {
	t    *testing.T
	tofu string
	dir  string
	env  []string
}

// newDemoDir is a workdir holding examples/demo as it is in the
// repository, read at test time.
func newDemoDir(t *testing.T, tofu, apiURL, gatewayURL, apiKey string) *workdir {
	t.Helper()
	files := map[string]string{}
	entries, err := os.ReadDir("../../../examples/demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		b, err := os.ReadFile(filepath.Join("../../../examples/demo", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return newWorkdir(t, tofu, apiURL, gatewayURL, apiKey, files)
}

// newWorkdir is a working directory holding files, where tofu runs with
// the provider built for this run and the API given by the environment.
func newWorkdir(t *testing.T, tofu, apiURL, gatewayURL, apiKey string, files map[string]string) *workdir {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(dir, "tofurc")
	override := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.opentofu.org/unitysvc/unitysvc\" = %q\n    \"registry.terraform.io/unitysvc/unitysvc\" = %q\n  }\n  direct {}\n}\n", binDir, binDir)
	if err := os.WriteFile(rc, []byte(override), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"UNITYSVC_API_URL="+apiURL, "UNITYSVC_API_BASE_URL="+gatewayURL, "UNITYSVC_API_KEY="+apiKey)
	return &workdir{t: t, tofu: tofu, dir: dir, env: env}
}

// run runs tofu with args and returns its output and exit code.
func (d *workdir) run(args ...string) (string, int) {
	d.t.Helper()
	return acctest.RunCLI(d.t, d.tofu, d.dir, d.env, args...)
}

// result is what converging one run took.
type result struct {
	applies, adopted int
	took             time.Duration
}

// converge applies until an apply succeeds, at most maxApplies times,
// then checks that a plan is empty. It fails the test otherwise.
func (d *workdir) converge(maxApplies int) result {
	d.t.Helper()
	start := time.Now()
	var res result
	for {
		out, code := d.run("apply", "-auto-approve", "-input=false", "-no-color")
		res.applies++
		res.adopted += strings.Count(out, "Warning: Adopted the")
		if code == 0 {
			break
		}
		if res.applies >= maxApplies {
			d.t.Fatalf("apply %d of %d failed:\n%s", res.applies, maxApplies, out)
		}
		d.t.Logf("apply %d failed, applying again:\n%s", res.applies, lastLines(out, 30))
	}
	d.expectCleanPlan()
	res.took = time.Since(start)
	return res
}

// expectCleanPlan plans and fails the test unless nothing would change.
// A check block's data sources are planned to be read again at every
// apply, which makes -detailed-exitcode answer 2; such reads are all a
// clean plan may hold.
func (d *workdir) expectCleanPlan() {
	d.t.Helper()
	out, code := d.run("plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=clean.tfplan")
	if code == 0 {
		return
	}
	if code != 2 {
		d.t.Fatalf("the plan after converging failed (exit %d):\n%s", code, out)
	}
	js, code := d.run("show", "-json", "clean.tfplan")
	if code != 0 {
		d.t.Fatalf("tofu show: %s", js)
	}
	var plan struct {
		ResourceChanges []struct {
			Address, Mode string
			Change        struct{ Actions []string }
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(js), &plan); err != nil {
		d.t.Fatalf("decoding the plan: %v", err)
	}
	for _, rc := range plan.ResourceChanges {
		a := strings.Join(rc.Change.Actions, ",")
		if a != "no-op" && (rc.Mode != "data" || a != "read") {
			d.t.Fatalf("the plan after converging is not empty: %s is planned to %s:\n%s", rc.Address, a, out)
		}
	}
}

// destroy destroys everything in state; it must succeed the first time.
func (d *workdir) destroy() {
	d.t.Helper()
	if out, code := d.run("destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		d.t.Fatalf("destroy failed:\n%s", out)
	}
}

// stateIDs returns the ids of the managed resources in state, by type.
func (d *workdir) stateIDs() map[string]map[string]bool {
	d.t.Helper()
	out, code := d.run("show", "-json", "-no-color")
	if code != 0 {
		d.t.Fatalf("tofu show: %s", out)
	}
	var show struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Mode   string         `json:"mode"`
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		d.t.Fatalf("tofu show -json: %v\n%s", err, out)
	}
	ids := map[string]map[string]bool{}
	if show.Values == nil {
		return ids
	}
	for _, r := range show.Values.RootModule.Resources {
		if r.Mode != "managed" {
			continue
		}
		if ids[r.Type] == nil {
			ids[r.Type] = map[string]bool{}
		}
		ids[r.Type][fmt.Sprint(r.Values["id"])] = true
	}
	return ids
}

// object is one thing the customer owns on the server: its resource
// type, its natural key (what must be unique) and the id state holds.
type object struct{ typ, key, id string }

// inventory lists, through the API, everything the customer owns that a
// resource of this provider manages: live objects only (destroying an
// enrollment cancels it, destroying an alias deactivates it).
func inventory(ctx context.Context, c *client.Client) ([]object, error) {
	var out []object
	scope := func(shared bool) string {
		if shared {
			return "shared"
		}
		return "personal"
	}
	secrets, err := c.ListSecrets(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range secrets {
		out = append(out, object{"unitysvc_secret", scope(s.Shared()) + "/" + s.Name, s.ID})
	}
	groups, err := c.ListCollections(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.OwnerType == "platform" {
			continue
		}
		shared, _ := client.CollectionShared(g.Details)
		out = append(out, object{"unitysvc_collection", scope(shared) + "/" + g.Name, g.ID})
		members, err := c.ListCollectionMembers(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			out = append(out, object{"unitysvc_collection_member", g.ID + "/" + m.ServiceID, g.ID + "/" + m.ServiceID})
		}
	}
	chains, err := c.ListChains(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, ch := range chains {
		out = append(out, object{"unitysvc_chain", scope(ch.Shared()) + "/" + ch.Name, ch.ID})
	}
	broadcasts, err := c.ListBroadcasts(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, b := range broadcasts {
		out = append(out, object{"unitysvc_broadcast", scope(b.Shared()) + "/" + b.Name, b.ID})
	}
	aliases, err := c.ListAliases(ctx, client.ListAliasesOptions{})
	if err != nil {
		return nil, err
	}
	for _, a := range aliases {
		if !a.Deactivated() {
			rk, _ := json.Marshal(a.RequestRoutingKey)
			out = append(out, object{"unitysvc_alias", fmt.Sprintf("%s/%s -> %s %s", scope(a.Shared()), a.Name, a.TargetPath, rk), a.ID})
		}
	}
	enrollments, err := c.ListEnrollments(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range enrollments {
		if e.Status != client.EnrollmentCancelled {
			params, _ := json.Marshal(e.Parameters)
			out = append(out, object{"unitysvc_enrollment", fmt.Sprintf("%s/%s %s", scope(e.OwnerID == nil), e.ServiceID, params), e.ID})
		}
	}
	recurrent, err := c.ListRecurrentRequests(ctx, client.ListRecurrentRequestsOptions{})
	if err != nil {
		return nil, err
	}
	for _, r := range recurrent {
		if r.Status == client.RecurrentStatusCancelled {
			continue
		}
		key := "unnamed " + r.ID
		if r.Name != nil {
			key = *r.Name
		}
		out = append(out, object{"unitysvc_recurrent_request", key, r.ID})
	}
	return out, nil
}

// tally is what inventory found, held against the state.
type tally struct {
	objects, duplicates, untracked, missing int
	problems                                []string
}

// audit counts the server's objects and holds them against state:
// duplicates (two objects with one natural key), untracked objects (on
// the server, not in state) and missing ones (in state, not on the
// server).
func audit(ctx context.Context, c *client.Client, state map[string]map[string]bool) (tally, error) {
	objs, err := inventory(ctx, c)
	if err != nil {
		return tally{}, err
	}
	var t tally
	t.objects = len(objs)
	seenKey := map[string]string{}
	onServer := map[string]bool{}
	for _, o := range objs {
		onServer[o.typ+" "+o.id] = true
		if other, dup := seenKey[o.typ+" "+o.key]; dup {
			t.duplicates++
			t.problems = append(t.problems, fmt.Sprintf("duplicate %s %s: %s and %s", o.typ, o.key, other, o.id))
		}
		seenKey[o.typ+" "+o.key] = o.id
		if !state[o.typ][o.id] {
			t.untracked++
			t.problems = append(t.problems, fmt.Sprintf("untracked %s %s (%s)", o.typ, o.key, o.id))
		}
	}
	for typ, ids := range state {
		if typ == "unitysvc_request_logging" {
			continue // a per-user setting, not an object: the API cannot list it
		}
		for id := range ids {
			if !onServer[typ+" "+id] {
				t.missing++
				t.problems = append(t.problems, fmt.Sprintf("%s %s is in state but not on the server", typ, id))
			}
		}
	}
	sort.Strings(t.problems)
	return t, nil
}

// checkConverged audits the server against the state after converging,
// and after destroying, and fails the test on any problem.
func checkConverged(t *testing.T, d *workdir, c *client.Client) tally {
	t.Helper()
	ctx := context.Background()
	got, err := audit(ctx, c, d.stateIDs())
	if err != nil {
		t.Fatalf("counting objects through the API: %v", err)
	}
	if got.duplicates+got.untracked+got.missing > 0 || got.objects == 0 {
		t.Fatalf("after converging: %d objects, %d duplicates, %d untracked, %d missing:\n%s", got.objects, got.duplicates, got.untracked, got.missing, strings.Join(got.problems, "\n"))
	}
	return got
}

func checkDestroyed(t *testing.T, d *workdir, c *client.Client) {
	t.Helper()
	d.destroy()
	left, err := inventory(context.Background(), c)
	if err != nil {
		t.Fatalf("counting objects through the API: %v", err)
	}
	if len(left) > 0 {
		t.Fatalf("%d objects left after destroy: %v", len(left), left)
	}
}

func newClient(t *testing.T, apiURL, apiKey string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{BaseURL: apiURL, APIKey: apiKey, UserAgent: "unitysvc-resilience-test", MaxRetries: 10,
		RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
