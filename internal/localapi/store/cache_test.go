package store

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func openMemory(t *testing.T) (*Store, Principal) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	p, err := s.EnsureAPIKey(ctx, "acme", "svcpass_cache")
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// A caller chooses the names it asks /g/<name> for: the lookups it
// leaves behind must not grow without bound (issue 15, item 5).
func TestCollectionLookupCacheIsBounded(t *testing.T) {
	s, p := openMemory(t)
	ctx := context.Background()
	for i := range dispatchCacheSize + 500 {
		if _, _, err := s.FindCollection(ctx, p, fmt.Sprintf("no-such-collection-%d", i)); err == nil {
			t.Fatal("found a collection that does not exist")
		}
	}
	if n := s.dispatch.collections.len(); n > dispatchCacheSize {
		t.Fatalf("the /g/<name> cache holds %d lookups after %d distinct names; want at most %d", n, dispatchCacheSize+500, dispatchCacheSize)
	}
}

// Every write to secrets is seen by the next lookup: a cached value never
// outlives a change, a deletion, or a personal secret that now shadows a
// shared one.
func TestSecretLookupsSeeEveryWrite(t *testing.T) {
	s, p := openMemory(t)
	ctx := context.Background()
	other, err := s.EnsureAPIKey(ctx, "acme", "svcpass_teammate")
	if err != nil {
		t.Fatal(err)
	}
	value := func(who Principal) string {
		t.Helper()
		sec, err := s.GetSecret(ctx, who, "K")
		if errors.Is(err, ErrNotFound) {
			return "<none>"
		}
		if err != nil {
			t.Fatal(err)
		}
		return sec.Value
	}
	names := func(who Principal) bool {
		t.Helper()
		n, err := s.SecretNames(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		return n["K"]
	}
	step := func(what string, want, wantOther string) {
		t.Helper()
		for range 2 { // the second read comes from the cache
			if got := value(p); got != want {
				t.Fatalf("after %s: GetSecret = %q, want %q", what, got, want)
			}
			if got := value(other); got != wantOther {
				t.Fatalf("after %s: the teammate's GetSecret = %q, want %q", what, got, wantOther)
			}
			if got := names(p); got != (want != "<none>") {
				t.Fatalf("after %s: SecretNames has K = %v", what, got)
			}
		}
	}
	step("nothing", "<none>", "<none>")
	if _, _, err := s.SetSecret(ctx, p, "K", true, SecretWrite{Value: "shared-1"}); err != nil {
		t.Fatal(err)
	}
	step("a shared create", "shared-1", "shared-1")
	if _, _, err := s.SetSecret(ctx, p, "K", true, SecretWrite{Value: "shared-2"}); err != nil {
		t.Fatal(err)
	}
	step("a shared update", "shared-2", "shared-2")
	if _, _, err := s.SetSecret(ctx, p, "K", false, SecretWrite{Value: "personal"}); err != nil {
		t.Fatal(err)
	}
	step("a personal secret shadowing it", "personal", "shared-2")
	if err := s.DeleteSecret(ctx, p, "K", false); err != nil {
		t.Fatal(err)
	}
	step("deleting the personal one", "shared-2", "shared-2")
	if err := s.DeleteSecret(ctx, p, "K", true); err != nil {
		t.Fatal(err)
	}
	step("deleting the shared one", "<none>", "<none>")
}

// Enrollment lookups see cancellation and reactivation, and a pending
// enrollment becomes active when its delay passes, though no write
// announces it.
func TestEnrollmentLookupsSeeEveryWriteAndTheClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := Open(ctx, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	p, err := s.EnsureAPIKey(ctx, "acme", "svcpass_cache")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := s.EnsureAPIKey(ctx, "other", "svcpass_stranger")
	if err != nil {
		t.Fatal(err)
	}
	w := EnrollmentWrite{ServiceID: "svc", Parameters: map[string]any{"endpoint": "http://x"}, Outcome: EnrollmentActive, PendingUntil: now.Add(time.Second)}
	e, _, err := s.Enroll(ctx, p, w)
	if err != nil {
		t.Fatal(err)
	}
	status := func(what, want string) {
		t.Helper()
		for range 2 { // the second read comes from the cache
			got, err := s.FindEnrollmentByCode(ctx, p, strings.ToLower(e.Code))
			if err != nil || got.Status != want {
				t.Fatalf("after %s: FindEnrollmentByCode = %+v, %v; want status %s", what, got, err, want)
			}
			all, err := s.DispatchEnrollments(ctx, p)
			if err != nil || len(all) != 1 || all[0].Status != want {
				t.Fatalf("after %s: DispatchEnrollments = %+v, %v; want one %s", what, all, err, want)
			}
			if _, err := s.FindEnrollmentByCode(ctx, stranger, e.Code); !errors.Is(err, ErrNotFound) {
				t.Fatalf("another customer finds the enrollment by its code: %v", err)
			}
		}
	}
	status("enrolling", EnrollmentPending)
	now = now.Add(2 * time.Second)
	status("the activation delay", EnrollmentActive)
	if _, err := s.CancelEnrollment(ctx, p, e.ID); err != nil {
		t.Fatal(err)
	}
	status("cancelling", EnrollmentCancelled)
	w.PendingUntil = now.Add(time.Second)
	if _, _, err := s.Enroll(ctx, p, w); err != nil {
		t.Fatal(err)
	}
	status("reactivating", EnrollmentPending)
}

// Every store function whose SQL writes rows a dispatch cache reads
// retires that cache (dispatch.go), itself or, for a helper that is not a
// method, in every function that calls it: a write added without it would
// let the gateway keep using a changed or deleted secret, a cancelled
// enrollment or a removed member.
func TestEveryWriteRetiresTheCachesItAffects(t *testing.T) {
	retires := map[string]string{
		"secrets": "secretsChanged", "enrollments": "enrollmentsChanged",
		"collections": "collectionsChanged", "collection_members": "collectionsChanged",
	}
	write := regexp.MustCompile(`(?i)\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+(\w+)`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	type function struct {
		pos    token.Position
		method bool
		calls  map[string]bool // names of the functions and methods it calls
		writes []string        // tables its SQL writes
	}
	funcs := map[string]*function{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			info := &function{pos: fset.Position(fn.Pos()), method: fn.Recv != nil, calls: map[string]bool{}}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					switch f := n.Fun.(type) {
					case *ast.SelectorExpr:
						info.calls[f.Sel.Name] = true
					case *ast.Ident:
						info.calls[f.Name] = true
					}
				case *ast.BasicLit:
					if n.Kind == token.STRING {
						for _, m := range write.FindAllStringSubmatch(n.Value, -1) {
							info.writes = append(info.writes, strings.ToLower(m[1]))
						}
					}
				}
				return true
			})
			funcs[fn.Name.Name] = info
		}
	}
	// retired reports whether every path into fn retires the cache:
	// fn calls retire, or fn is a helper all of whose callers do.
	var retired func(name, retire string, seen map[string]bool) bool
	retired = func(name, retire string, seen map[string]bool) bool {
		fn := funcs[name]
		if fn.calls[retire] {
			return true
		}
		if fn.method || seen[name] {
			return false
		}
		seen[name] = true
		callers := 0
		for caller, c := range funcs {
			if c.calls[name] {
				callers++
				if !retired(caller, retire, seen) {
					return false
				}
			}
		}
		return callers > 0
	}
	checked := 0
	for name, fn := range funcs {
		for _, table := range fn.writes {
			if retire, cached := retires[table]; cached {
				checked++
				if !retired(name, retire, map[string]bool{}) {
					t.Errorf("%s: %s writes %s, and not every path through it calls s.%s()", fn.pos, name, table, retire)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no writes to check: has the SQL moved?")
	}
}
