// Package adoption_test proves the guide "Adopting an existing account":
// an account made through the API, as an SDK user makes one, is adopted
// in one configuration and one apply, with the list data sources, import
// blocks and the configuration tofu generates. It runs the provider
// binary under the CLI of the acceptance tests with a dev override (as
// `make demo` does), since configuration generation is a CLI command the
// test framework does not drive, and counts objects and API calls through
// unitysvc-local.
package adoption_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// guideDir holds the guide's configuration, read at test time.
const guideDir = "../../../examples/guides/adopting-an-existing-account"

// needCLI skips unless TF_ACC is set, the backend is unitysvc-local and
// the CLI has for_each import blocks (1.7+).
func needCLI(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1 (make testacc / make test set it)")
	}
	if acctest.Remote() {
		t.Skip("the test counts every object of the account and the API calls: it needs unitysvc-local")
	}
	if v := acctest.CLIVersion(t); v.LessThan(version.Must(version.NewVersion("1.7.0"))) {
		t.Skipf("import blocks with for_each need Terraform or OpenTofu 1.7+ (the CLI is %s)", v)
	}
}

// newWorkdir is a CLI working directory (acctest.TofuDir: the provider
// built from this module under a dev override) holding the guide's files,
// with the API of e in the environment.
func newWorkdir(t *testing.T, e *acctest.Env, files ...string) *acctest.TofuDir {
	t.Helper()
	d := acctest.NewTofuDir(t, "")
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(guideDir, f))
		if err != nil {
			t.Fatal(err)
		}
		d.WriteFile(f, string(b))
	}
	d.Setenv("UNITYSVC_API_URL", e.APIURL)
	d.Setenv("UNITYSVC_API_BASE_URL", e.GatewayURL)
	d.Setenv("UNITYSVC_API_KEY", e.APIKey)
	return d
}

// account is what seed made: the number of objects of each type.
type account map[string]int

func (a account) total() int {
	n := 0
	for _, c := range a {
		n += c
	}
	return n
}

// seed makes an account through the API directly, as an SDK user would:
// secrets and variables in both scopes, two enrollments (one with a
// secret parameter), two collections with members and routing keys,
// chains, broadcasts, aliases and recurrent requests (active and paused).
func seed(t *testing.T, c *client.Client) account {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seeding %s: %v", what, err)
		}
	}
	a := account{}
	for i, s := range []struct {
		name      string
		shared    bool
		sensitive bool
	}{
		{"OPENAI_API_KEY", false, true}, {"ANTHROPIC_API_KEY", false, true}, {"MY_PROVIDER_API_KEY", false, true},
		{"REGION", false, false}, {"LOG_LEVEL", false, false}, {"TEAM_API_KEY", true, true},
		{"TEAM_BILLING_KEY", true, true}, {"TEAM_REGION", true, false}, {"OPENAI_API_KEY", true, true}, {"SUPPORT_EMAIL", true, false},
	} {
		body := client.SecretUpdate{Value: fmt.Sprintf("value-%d", i), Sensitive: client.NullableOf(s.sensitive)}
		if i%3 == 0 {
			body.Description = client.NullableOf("made with the SDK")
		}
		_, _, err := c.SetSecret(ctx, s.name, s.shared, body)
		must("secret "+s.name, err)
		a["unitysvc_secret"]++
	}

	byok := serviceID(t, c, "byok", "my-provider-llm")
	gpt, gpt4o, haiku := serviceID(t, c, "llm", "gpt-4o-mini"), serviceID(t, c, "llm", "gpt-4o"), serviceID(t, c, "llm", "claude-3-5-haiku")
	var enrollments []string
	for i, p := range []map[string]any{
		{"endpoint": "https://a.example.com", "api_key": "sk-a"},
		{"endpoint": "https://b.example.com"},
	} {
		e, err := c.CreateEnrollment(ctx, client.ServiceEnrollmentCreate{ServiceID: byok, Parameters: p}, i == 1)
		must("enrollment", err)
		enrollments = append(enrollments, e.ID)
		a["unitysvc_enrollment"]++
	}
	must("enrollment activation", acctest.Poll(30*time.Second, func() (bool, error) {
		for _, id := range enrollments {
			e, err := c.GetEnrollment(ctx, id)
			if err != nil || e.Status != client.EnrollmentActive {
				return false, err
			}
		}
		return true, nil
	}))

	desc := "made with the SDK"
	for _, col := range []struct {
		name    string
		shared  bool
		members []client.ServiceCollectionMemberCreate
	}{
		{"my-llms", false, []client.ServiceCollectionMemberCreate{
			{ServiceID: gpt, RoutingKey: map[string]any{"model": "fast"}, SortOrder: 0},
			{ServiceID: gpt4o, SortOrder: 1},
			{ServiceID: haiku, RoutingKey: map[string]any{"model": "cheap"}, SortOrder: 2},
		}},
		{"team-llms", true, []client.ServiceCollectionMemberCreate{
			{ServiceID: gpt, SortOrder: 0},
			{ServiceID: byok, RoutingKey: map[string]any{"model": "byok"}, SortOrder: 1},
		}},
	} {
		g, err := c.CreateCollection(ctx, client.ServiceCollectionCreate{Name: col.name, Description: &desc}, col.shared)
		must("collection "+col.name, err)
		a["unitysvc_collection"]++
		for _, m := range col.members {
			_, err := c.AddCollectionMember(ctx, g.ID, m)
			must("member of "+col.name, err)
			a["unitysvc_collection_member"]++
		}
	}

	timeout := int64(5000)
	for _, ch := range []struct {
		name        string
		shared      bool
		description *string
	}{{"failover", false, &desc}, {"relay", false, nil}, {"team-failover", true, nil}} {
		_, err := c.CreateChain(ctx, ch.shared, client.ChainCreate{Name: ch.name, Description: ch.description, Steps: []client.ChainStepCreate{
			{Name: "primary", TargetPath: "g/my-llms", SortOrder: 0, TimeoutMS: &timeout},
			{Name: "backup", TargetPath: "g/llm", SortOrder: 1, OnFailure: "continue"},
		}})
		must("chain "+ch.name, err)
		a["unitysvc_chain"]++
	}
	for _, b := range []struct {
		name   string
		shared bool
	}{{"compare", false}, {"team-compare", true}} {
		_, err := c.CreateBroadcast(ctx, b.shared, client.BroadcastCreate{Name: b.name, Targets: []client.BroadcastTargetCreate{
			{Name: "mini", TargetPath: "g/llm", RoutingKeyOverride: map[string]any{"model": "gpt-4o-mini"}, SortOrder: 0},
			{Name: "mine", TargetPath: "g/my-llms", SortOrder: 1},
		}})
		must("broadcast "+b.name, err)
		a["unitysvc_broadcast"]++
	}
	for _, al := range []struct {
		name, target string
		shared       bool
		override     map[string]any
	}{
		{"fast-chat", "g/my-llms", false, map[string]any{"model": "fast"}},
		{"cheap-chat", "g/my-llms", false, map[string]any{"model": "cheap"}},
		{"safe-chat", "c/failover", false, nil},
		{"team-chat", "g/team-llms", true, nil},
	} {
		_, err := c.CreateAlias(ctx, al.shared, client.ServiceAliasCreate{Name: al.name, TargetPath: al.target, RoutingKeyOverride: al.override})
		must("alias "+al.name, err)
		a["unitysvc_alias"]++
	}
	for _, rr := range []struct {
		name     string
		schedule *client.RecurrentSchedule
		paused   bool
	}{
		{"hourly-ping", client.IntervalSchedule(3600), false},
		{"nightly-report", client.CronSchedule("0 2 * * *", "Europe/Berlin"), false},
		{"weekly-check", client.IntervalSchedule(604800), true},
	} {
		name := rr.name
		r, err := c.CreateRecurrentRequest(ctx, client.RecurrentRequestCreate{ServiceID: &gpt, RequestPath: "/v1/chat/completions", HTTPMethod: "POST",
			BodyTemplate: json.RawMessage(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}`), Name: &name})
		must("recurrent request "+name, err)
		_, err = c.UpdateRecurrentRequest(ctx, r.ID, client.RecurrentRequestUpdate{Schedule: client.NullableOf(*rr.schedule)})
		must("schedule of "+name, err)
		if rr.paused {
			_, err = c.UpdateRecurrentRequest(ctx, r.ID, client.RecurrentRequestUpdate{Status: client.NullableOf(client.RecurrentStatusPaused)})
			must("pausing "+name, err)
		}
		a["unitysvc_recurrent_request"]++
	}
	return a
}

func serviceID(t *testing.T, c *client.Client, group, name string) string {
	t.Helper()
	services, err := c.ListGroupServices(context.Background(), group, name)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no service %s in group %s", name, group)
	return ""
}

// count counts, through the API, the live objects of each type.
func count(t *testing.T, c *client.Client) account {
	t.Helper()
	ctx := context.Background()
	a := account{}
	secrets, err := c.ListSecrets(ctx)
	check(t, err)
	a["unitysvc_secret"] = len(secrets)
	enrollments, err := c.ListEnrollments(ctx)
	check(t, err)
	for _, e := range enrollments {
		if e.Status != client.EnrollmentCancelled {
			a["unitysvc_enrollment"]++
		}
	}
	cols, err := c.ListCollections(ctx, "")
	check(t, err)
	a["unitysvc_collection"] = len(cols)
	for _, col := range cols {
		a["unitysvc_collection_member"] += int(col.MemberCount)
	}
	chains, err := c.ListChains(ctx, false)
	check(t, err)
	a["unitysvc_chain"] = len(chains)
	broadcasts, err := c.ListBroadcasts(ctx, false)
	check(t, err)
	a["unitysvc_broadcast"] = len(broadcasts)
	aliases, err := c.ListAliases(ctx, client.ListAliasesOptions{})
	check(t, err)
	a["unitysvc_alias"] = len(aliases)
	rrs, err := c.ListRecurrentRequests(ctx, client.ListRecurrentRequestsOptions{})
	check(t, err)
	for _, rr := range rrs {
		if rr.Status != client.RecurrentStatusCancelled {
			a["unitysvc_recurrent_request"]++
		}
	}
	return a
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccAdoptWholeAccount adopts an account of 38 objects made through
// the API: list, generate, review, one apply, an empty plan, and a
// destroy that leaves nothing.
func TestAccAdoptWholeAccount(t *testing.T) {
	needCLI(t)
	e := acctest.New(t)
	made := seed(t, e.Client)
	if made.total() < 30 {
		t.Fatalf("seeded only %d objects", made.total())
	}
	t.Logf("objects made through the API: %d %v", made.total(), made)

	d := newWorkdir(t, e, "provider.tf", "list.tf")
	// 1. List: the data sources find every object; the configuration
	// renders one import block per object.
	d.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	imports := d.MustRun("output", "-raw", "import_blocks")
	d.WriteFile("imports.tf", imports)
	var counts account
	out := d.MustRun("output", "-json", "object_counts")
	check(t, json.Unmarshal([]byte(out), &counts))
	if fmt.Sprint(counts) != fmt.Sprint(made) {
		t.Fatalf("the list data sources found %v, want %v", counts, made)
	}

	// 2. Generate: configuration for every imported object.
	out = d.MustRun("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", made.total()); !strings.Contains(out, want) {
		t.Fatalf("the generating plan is not %q:\n%s", want, out)
	}
	generated := d.ReadFile("generated.tf")
	for typ, n := range made {
		if got := strings.Count(generated, "resource \""+typ+"\" "); got != n {
			t.Errorf("generated.tf holds %d %s resources, want %d", got, typ, n)
		}
	}
	// Reviewing it: write-only values are never generated.
	if strings.Contains(generated, "value-") || strings.Contains(generated, "sk-a") {
		t.Errorf("generated.tf holds a secret value:\n%s", generated)
	}

	// 3. One apply imports everything, changing nothing.
	mark := e.Requests.Mark()
	out = d.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	calls := e.Requests.Since(mark)
	if want := fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", made.total()); !strings.Contains(out, want) {
		t.Fatalf("the apply is not %q:\n%s", want, out)
	}
	gets, writes := acctest.CountMethod(calls, "GET"), len(calls)-acctest.CountMethod(calls, "GET")
	t.Logf("the import apply made %d API calls (%d GET, %d other) for %d objects:\n%s", len(calls), gets, writes, made.total(), acctest.Summary(calls))
	if writes != 0 {
		t.Errorf("the import apply wrote to the API: %v", calls)
	}
	// At most one GET per object, plus the list pages: one per data
	// source, two for enrollments (personal and shared), one per
	// collection's members.
	if listPages := 7 + 1 + made["unitysvc_collection"]; gets > made.total()+listPages {
		t.Errorf("the import apply made %d GETs: more than one per object (%d) plus %d list pages", gets, made.total(), listPages)
	}

	// 4. The next plan is empty.
	d.MustRun("plan", "-input=false", "-no-color", "-detailed-exitcode")

	// 5. A destroy removes every object.
	d.MustRun("destroy", "-auto-approve", "-input=false", "-no-color")
	left := count(t, e.Client)
	if left.total() != 0 {
		t.Fatalf("after destroy the account still holds %v", left)
	}
	t.Logf("after destroy: %d objects", left.total())
}

// TestAccAdoptForEach imports with for_each import blocks fed by the list
// data sources (the guide's foreach.tf: secrets and collection members),
// then plans empty.
func TestAccAdoptForEach(t *testing.T) {
	needCLI(t)
	e := acctest.New(t)
	made := seed(t, e.Client)
	d := newWorkdir(t, e, "provider.tf", "list.tf", "foreach.tf")
	out := d.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	n := made["unitysvc_secret"] + made["unitysvc_collection_member"]
	if want := fmt.Sprintf("Resources: %d imported, 0 added, 0 changed, 0 destroyed.", n); !strings.Contains(out, want) {
		t.Fatalf("the apply is not %q:\n%s", want, out)
	}
	d.MustRun("plan", "-input=false", "-no-color", "-detailed-exitcode")
}
