package routing_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Services a..d offer model "m" at different prices; e offers "e"; byok
// needs an enrollment and a secret.
const testCatalog = `{
 "services":[
  {"id":"00000000-0000-0000-0000-00000000000a","name":"svc-a","provider_name":"pa","routing_key":{"model":"m"},"list_price":{"input":"4","output":"4"}},
  {"id":"00000000-0000-0000-0000-00000000000b","name":"svc-b","routing_key":{"model":"m"},"list_price":{"input":"1","output":"2"}},
  {"id":"00000000-0000-0000-0000-00000000000c","name":"svc-c","routing_key":{"model":"m"},"list_price":{"input":"2","output":"3"}},
  {"id":"00000000-0000-0000-0000-00000000000d","name":"svc-d","routing_key":{"model":"m"}},
  {"id":"00000000-0000-0000-0000-00000000000e","name":"svc-e","routing_key":{"model":"e"},"list_price":{"input":"0.1","output":"0.1"}},
  {"id":"00000000-0000-0000-0000-0000000000bb","name":"byok","routing_key":{"model":"mine"},"enrollment_mode":"required",
   "upstream":{"base_url":"${ parameters.endpoint }","headers":{"Authorization":"Bearer ${ customer_secrets.BYOK_KEY }"}}}
 ],
 "groups":[
  {"id":"g-rand","name":"rand","group_type":"open","routing_policy":{"strategy":"weighted_random"},"services":["svc-a","svc-b","svc-c","svc-d","svc-e"]},
  {"id":"g-price","name":"price","group_type":"open","routing_policy":{"strategy":"by_price"},"services":["svc-a","svc-d","svc-b","svc-c"]},
  {"id":"g-lat","name":"lat","group_type":"open","routing_policy":{"strategy":"lowest_latency","parameters":{"max_latency_ms":100}},"services":["svc-a","svc-b","svc-c","svc-d"]},
  {"id":"g-content","name":"content","group_type":"open","routing_policy":{"strategy":"by_content","parameters":{"max_price":3}},"services":["svc-a","svc-b","svc-c"]},
  {"id":"g-keyed","name":"keyed","group_type":"keyed","services":["svc-a","svc-e"]},
  {"id":"g-coll","name":"bag","group_type":"collection","services":["svc-a"]},
  {"id":"g-pool","name":"pool","group_type":"capability_pool","services":["svc-e"]},
  {"id":"g-byok","name":"mixed","group_type":"open","services":["byok","svc-e"]}
 ]}`

type env struct {
	st     *store.Store
	cat    *catalog.Catalog
	router *routing.Router
	p, p2  store.Principal // two users of one customer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	cat, err := catalog.Parse([]byte(testCatalog))
	if err != nil {
		t.Fatal(err)
	}
	r, err := routing.New(st, cat, routing.NewLatency())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, cat: cat, router: r}
	if e.p, err = st.EnsureAPIKey(ctx, "acme", "k1"); err != nil {
		t.Fatal(err)
	}
	if e.p2, err = st.EnsureAPIKey(ctx, "acme", "k2"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) resolve(t *testing.T, path string, key map[string]any, strategy string) *routing.Plan {
	t.Helper()
	plan, err := e.router.Resolve(context.Background(), e.p, path, key, strategy)
	if err != nil {
		t.Fatalf("Resolve(%s): %v", path, err)
	}
	return plan
}

func names(cs []routing.Candidate) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Service.Name)
	}
	return strings.Join(out, ",")
}

func model(m string) map[string]any { return map[string]any{"model": m} }

func TestWeightedRandomSpreadsAndSelectsOnlyWhenUnambiguous(t *testing.T) {
	e := newEnv(t)
	plan := e.resolve(t, "g/rand/v1/chat/completions", model("m"), "")
	if names(plan.Candidates) != "svc-a,svc-b,svc-c,svc-d" || plan.Selected() != nil || plan.SubPath != "v1/chat/completions" {
		t.Fatalf("candidates %s, selected %v, sub-path %q", names(plan.Candidates), plan.Selected(), plan.SubPath)
	}
	for _, c := range plan.Candidates {
		if c.Weight != routing.DefaultWeight {
			t.Fatalf("weight %d", c.Weight)
		}
	}
	seen := map[string]int{}
	for range 400 {
		c, err := plan.Pick(nil)
		if err != nil {
			t.Fatal(err)
		}
		seen[c.Service.Name]++
	}
	for _, n := range []string{"svc-a", "svc-b", "svc-c", "svc-d"} {
		if seen[n] < 50 {
			t.Errorf("%s picked %d times of 400; weights are equal", n, seen[n])
		}
	}
	if one := e.resolve(t, "g/rand", model("e"), ""); one.Selected() == nil || one.Selected().Service.Name != "svc-e" {
		t.Fatalf("one candidate must be selected: %+v", one.Selected())
	}
	// No model in an open group: every member.
	if all := e.resolve(t, "g/rand", nil, ""); len(all.Candidates) != 5 {
		t.Fatalf("no model: %s", names(all.Candidates))
	}
}

func TestByPriceRanksCheapestFirstUnpricedLast(t *testing.T) {
	e := newEnv(t)
	plan := e.resolve(t, "g/price", nil, "")
	// a: 4, b: (1+8)/5 = 1.8, c: (2+12)/5 = 2.8, d: no price.
	if names(plan.Candidates) != "svc-b,svc-c,svc-a,svc-d" || plan.Selected().Service.Name != "svc-b" {
		t.Fatalf("by_price order %s", names(plan.Candidates))
	}
	if c, _ := plan.Pick(nil); c.Service.Name != "svc-b" {
		t.Fatalf("dispatch picked %s", c.Service.Name)
	}
	// The override applies to any path.
	if o := e.resolve(t, "g/rand", model("m"), routing.ByPrice); !o.Strategy.Explicit || o.Selected().Service.Name != "svc-b" {
		t.Fatalf("override: %+v", o.Strategy)
	}
}

func TestLowestLatencyUsesTheMovingAverageAndItsThreshold(t *testing.T) {
	e := newEnv(t)
	lat := e.router.Latency()
	plan := e.resolve(t, "g/lat", nil, "")
	if names(plan.Candidates) != "svc-a,svc-b,svc-c,svc-d" || plan.Selected().Service.Name != "svc-a" {
		t.Fatalf("unmeasured: member order, got %s", names(plan.Candidates))
	}
	lat.Observe("00000000-0000-0000-0000-00000000000c", 20*time.Millisecond)
	lat.Observe("00000000-0000-0000-0000-00000000000b", 50*time.Millisecond)
	lat.Observe("00000000-0000-0000-0000-00000000000a", 500*time.Millisecond) // over max_latency_ms 100
	plan = e.resolve(t, "g/lat", nil, "")
	if names(plan.Candidates) != "svc-c,svc-b,svc-d" || plan.Selected().Service.Name != "svc-c" {
		t.Fatalf("measured first, fastest first: %s", names(plan.Candidates))
	}
	if len(plan.Rejected) != 1 || plan.Rejected[0].Service.Name != "svc-a" || !strings.Contains(plan.Rejected[0].Reason, "500 ms > max_latency_ms 100") {
		t.Fatalf("rejected %+v", plan.Rejected)
	}
	// c slows down: the average follows.
	for range 10 {
		lat.Observe("00000000-0000-0000-0000-00000000000c", 90*time.Millisecond)
	}
	if avg, _ := lat.Average("00000000-0000-0000-0000-00000000000c"); avg < 80 {
		t.Fatalf("average %v after ten 90 ms observations", avg)
	}
	if plan = e.resolve(t, "g/lat", nil, ""); plan.Selected().Service.Name != "svc-b" {
		t.Fatalf("after c slowed down: %s", names(plan.Candidates))
	}
}

func TestByContentIsContentDependentAndStable(t *testing.T) {
	e := newEnv(t)
	plan := e.resolve(t, "g/content", nil, "")
	if !plan.Strategy.ContentDependent() || plan.Selected() != nil {
		t.Fatal("by_content must not pre-select")
	}
	// max_price 3 excludes svc-a (4).
	if names(plan.Candidates) != "svc-b,svc-c" || len(plan.Rejected) != 1 {
		t.Fatalf("candidates %s, rejected %+v", names(plan.Candidates), plan.Rejected)
	}
	body := func(text string) []byte {
		return []byte(`{"model":"x","temperature":0.5,"messages":[{"role":"user","content":"` + text + `"}]}`)
	}
	spread := map[string]bool{}
	for _, text := range []string{"hello", "bonjour", "hola", "ciao", "hallo", "salut", "hej", "ola"} {
		first, _ := plan.Pick(body(text))
		again, _ := plan.Pick([]byte(`{"messages":[{"role":"user","content":"` + text + `"}],"temperature":1}`))
		if first.Service != again.Service {
			t.Fatalf("%q went to %s, then to %s: the same conversation must reach the same service", text, first.Service.Name, again.Service.Name)
		}
		spread[first.Service.Name] = true
	}
	if len(spread) != 2 {
		t.Fatalf("eight conversations all went to %v", spread)
	}
}

func TestThresholdsExcludingEveryCandidateNameEachOne(t *testing.T) {
	e := newEnv(t)
	lat := e.router.Latency()
	for _, id := range []string{"a", "b", "c", "d"} {
		lat.Observe("00000000-0000-0000-0000-00000000000"+id, time.Second)
	}
	plan := e.resolve(t, "g/lat", nil, "")
	if len(plan.Candidates) != 0 || plan.Selected() != nil {
		t.Fatalf("resolve: no candidates when the thresholds exclude all, got %s", names(plan.Candidates))
	}
	var rerr *routing.Error
	if _, err := plan.Pick(nil); !errors.As(err, &rerr) || rerr.Status != http.StatusNotFound || rerr.Type != routing.NoRoute ||
		!strings.Contains(rerr.Detail, "svc-a (measured latency 1000 ms > max_latency_ms 100)") || !strings.Contains(rerr.Detail, "svc-d (") {
		t.Fatalf("all excluded: %v", err)
	}
}

func TestKeysAndGroupTypes(t *testing.T) {
	e := newEnv(t)
	var rerr *routing.Error
	plan := e.resolve(t, "g/rand", model("nope"), "")
	if _, err := plan.Pick(nil); !errors.As(err, &rerr) || rerr.Status != 404 || !strings.Contains(rerr.Detail, "valid models: e, m") {
		t.Fatalf("unknown model: %v", err)
	}
	keyed := e.resolve(t, "g/keyed", nil, "")
	if _, err := keyed.Pick(nil); !errors.As(err, &rerr) || rerr.Status != 400 || !strings.Contains(rerr.Detail, "is keyed") {
		t.Fatalf("keyed without a key: %v", err)
	}
	if len(keyed.Candidates) != 2 || keyed.Selected() != nil {
		t.Fatal("resolve without a key lists every candidate of a keyed group and selects none")
	}
	if k := e.resolve(t, "g/keyed", model("e"), ""); k.Selected() == nil || k.Selected().Service.Name != "svc-e" {
		t.Fatal("keyed with a key")
	}
	if pool := e.resolve(t, "p/pool", nil, ""); pool.Kind != "pool" || names(pool.Candidates) != "svc-e" {
		t.Fatalf("capability pool: %+v", pool)
	}
	for path, status := range map[string]int{"g/bag": 404, "g/nope": 404, "p/nope": 404, "p/00000000-0000-0000-0000-0000000000ff": 404, "v1/chat/completions": 404, "e/ZZZZ": 404} {
		if _, err := e.router.Resolve(context.Background(), e.p, path, nil, ""); !errors.As(err, &rerr) || rerr.Status != status || rerr.Type != routing.NoRoute {
			t.Errorf("%s: %v, want %d no_route", path, err, status)
		}
	}
	for _, path := range []string{"c/x", "b/y/v1/chat/completions"} {
		if _, err := e.router.Resolve(context.Background(), e.p, path, nil, ""); !errors.Is(err, routing.ErrNotResolvable) {
			t.Errorf("%s: %v", path, err)
		}
	}
	var us *routing.UnknownStrategyError
	if _, err := e.router.Resolve(context.Background(), e.p, "g/rand", nil, "cheapest"); !errors.As(err, &us) || !strings.Contains(us.Detail, "by_price") {
		t.Fatalf("unknown strategy: %v", err)
	}
}

func TestCollectionsPersonalBeforeSharedOverridesAndDisabled(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	shared, err := e.st.CreateCollection(ctx, e.p2, store.CollectionWrite{Name: "rand", Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.AddMember(ctx, e.p2, shared.ID, store.MemberWrite{ServiceID: "00000000-0000-0000-0000-00000000000e", RoutingKey: []byte(`{"model":"fast"}`)}, 20); err != nil {
		t.Fatal(err)
	}
	// The team's collection named like a platform group wins over it.
	plan := e.resolve(t, "g/rand", model("fast"), "")
	if plan.Kind != "collection" || names(plan.Candidates) != "svc-e" || plan.Strategy.Explicit || strings.Join(plan.Keys, ",") != "fast" {
		t.Fatalf("shared collection: %+v", plan)
	}
	if s, _ := e.cat.Service("00000000-0000-0000-0000-00000000000e"); s.RoutingKey["model"] != "e" {
		t.Fatalf("a member's override changed the catalog service's own key: %v", s.RoutingKey)
	}
	mine, err := e.st.CreateCollection(ctx, e.p, store.CollectionWrite{Name: "rand"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		if _, err := e.st.AddMember(ctx, e.p, mine.ID, store.MemberWrite{ServiceID: "00000000-0000-0000-0000-00000000000" + id}, 20); err != nil {
			t.Fatal(err)
		}
	}
	if plan = e.resolve(t, "g/rand", model("m"), ""); names(plan.Candidates) != "svc-a,svc-b" {
		t.Fatalf("personal collection: %s", names(plan.Candidates))
	}
	off := false
	if _, err := e.st.UpdateCollection(ctx, e.p, mine.ID, store.CollectionUpdate{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	var rerr *routing.Error
	if _, err := e.router.Resolve(ctx, e.p, "g/rand", nil, ""); !errors.As(err, &rerr) || rerr.Status != 404 || !strings.Contains(rerr.Detail, "collection 'rand' is disabled") {
		t.Fatalf("disabled: %v", err)
	}
}

func TestBYOKNeedsEnrollmentAndSecret(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	plan := e.resolve(t, "g/mixed", nil, "")
	if names(plan.Candidates) != "svc-e" || len(plan.Skipped) != 1 || plan.Skipped[0].Secret != "" {
		t.Fatalf("not enrolled: %s skipped %+v", names(plan.Candidates), plan.Skipped)
	}
	en, _, err := e.st.Enroll(ctx, e.p, store.EnrollmentWrite{ServiceID: "00000000-0000-0000-0000-0000000000bb",
		Parameters: map[string]any{"endpoint": "http://127.0.0.1:1"}, Outcome: store.EnrollmentActive, PendingUntil: time.Now().Add(-time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	plan = e.resolve(t, "g/mixed", model("mine"), "")
	var rerr *routing.Error
	if _, err := plan.Pick(nil); !errors.As(err, &rerr) || rerr.Type != routing.MissingSecret || rerr.Status != 400 || !strings.Contains(rerr.Detail, "BYOK_KEY") {
		t.Fatalf("missing secret: %v", err)
	}
	direct := e.resolve(t, "e/"+strings.ToLower(en.Code), nil, "")
	if direct.Err() == nil || len(direct.Skipped) != 1 || direct.Skipped[0].Secret != "BYOK_KEY" {
		t.Fatalf("direct dispatch without the secret: %+v", direct.Skipped)
	}
	if _, _, err := e.st.SetSecret(ctx, e.p2, "BYOK_KEY", true, store.SecretWrite{Value: "sk-x"}); err != nil {
		t.Fatal(err)
	}
	plan = e.resolve(t, "g/mixed", model("mine"), "")
	if sel := plan.Selected(); sel == nil || sel.Enrollment == nil || sel.Enrollment.ID != en.ID {
		t.Fatalf("enrolled with the team's secret: %+v", plan)
	}
	if _, err := e.st.CancelEnrollment(ctx, e.p, en.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.router.Resolve(ctx, e.p, "e/"+en.Code, nil, ""); !errors.As(err, &rerr) || rerr.Status != 403 || !strings.Contains(rerr.Detail, "cancelled") {
		t.Fatalf("cancelled enrollment: %v", err)
	}
}

func TestAliases(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	str := func(s string) *string { return &s }
	mk := func(p store.Principal, shared bool, a store.Alias) {
		t.Helper()
		a.IsRouting = true
		if _, err := e.st.CreateAlias(ctx, p, shared, a); err != nil {
			t.Fatal(err)
		}
	}
	mk(e.p2, true, store.Alias{Name: "chat", TargetPath: "g/rand"})
	mk(e.p, false, store.Alias{Name: "chat", TargetPath: "g/price", RequestRoutingKey: str(`{"model":"cheap"}`), RoutingKeyOverride: str(`{"model":"m"}`)})
	mk(e.p, false, store.Alias{Name: "loop", TargetPath: "a/loop"})
	plan := e.resolve(t, "a/chat/v1/chat/completions", model("m"), "")
	if plan.Name != "rand" || plan.SubPath != "v1/chat/completions" || len(plan.Candidates) != 4 {
		t.Fatalf("general alias: %+v", plan)
	}
	plan = e.resolve(t, "a/chat", model("cheap"), "")
	if plan.Name != "price" || plan.RoutingKey["model"] != "m" || plan.Selected().Service.Name != "svc-b" {
		t.Fatalf("specific alias with override: %+v", plan)
	}
	t2, err := e.router.FollowAlias(ctx, e.p, "chat", "x", model("cheap"))
	if err != nil || t2.Path != "g/price/x" || t2.Override["model"] != "m" {
		t.Fatalf("FollowAlias = %+v, %v", t2, err)
	}
	var rerr *routing.Error
	if _, err := e.router.Resolve(ctx, e.p, "a/loop", nil, ""); !errors.As(err, &rerr) || !strings.Contains(rerr.Detail, "loop") {
		t.Fatalf("alias loop: %v", err)
	}
	if _, err := e.router.Resolve(ctx, e.p, "a/none", nil, ""); !errors.As(err, &rerr) || rerr.Status != 404 {
		t.Fatalf("unknown alias: %v", err)
	}
}

func TestNewRejectsUnknownPolicies(t *testing.T) {
	for _, doc := range []string{
		`{"groups":[{"id":"g","name":"g","routing_policy":{"strategy":"fastest"}}]}`,
		`{"groups":[{"id":"g","name":"g","routing_policy":{"strategy":"by_price","parameters":{"min_price":1}}}]}`,
	} {
		cat, err := catalog.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := routing.New(nil, cat, routing.NewLatency()); err == nil {
			t.Errorf("%s: accepted", doc)
		}
	}
}

func TestParsePath(t *testing.T) {
	for path, want := range map[string]routing.Route{
		"/g/llm/v1/chat/completions": {Prefix: "g", Name: "llm", Rest: "v1/chat/completions"},
		"c/chain":                    {Prefix: "c", Name: "chain"},
		"a/x/":                       {Prefix: "a", Name: "x"},
		// Wrappers and the query are seen through; the name is decoded,
		// the sub-path kept as written.
		"l/m/g/x?_ttl=1h":                         {Prefix: "g", Name: "x"},
		"/t/f/p/id/v1/chat%20x?_else=p%2Fy&_to=z": {Prefix: "p", Name: "id", Rest: "v1/chat%20x"},
		"c/sp%20ace":                              {Prefix: "c", Name: "sp ace"},
	} {
		if got, ok := routing.ParsePath(path); !ok || got != want {
			t.Errorf("ParsePath(%q) = %+v %v", path, got, ok)
		}
	}
	for _, bad := range []string{"", "g", "g/", "v1/models", "x/y", "l/", "l/m/", "d/g/x", "l/x/g/y"} {
		if _, ok := routing.ParsePath(bad); ok {
			t.Errorf("ParsePath(%q) accepted", bad)
		}
	}
	for _, c := range [][3]string{
		{"g/llm/", "/v1/models", "g/llm/v1/models"},
		{"m/g/x?_ttl=1h", "v1/models", "m/g/x/v1/models?_ttl=1h"},
		{"f/p/a/?_else=p%2Fb", "", "f/p/a?_else=p%2Fb"},
	} {
		if got := routing.Join(c[0], c[1]); got != c[2] {
			t.Errorf("Join(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	if w, rest := routing.SplitWrappers("/l//m/f/t/g/x/v1"); w != "lmft" || rest != "g/x/v1" {
		t.Errorf("SplitWrappers = %q %q", w, rest)
	}
}
