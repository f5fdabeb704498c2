package tfutil

import (
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// withClaims runs the creation with claims, as a resource of a
// configuration whose siblings took what claims holds.
func withClaims(claims *Claims) func(*Creation[fakeObj]) {
	return func(c *Creation[fakeObj]) { c.Claims = claims }
}

func TestRunCreateClaimsWhatItMakes(t *testing.T) {
	claims := &Claims{}
	f := &fakeAPI{made: &fakeObj{ID: "1", Desc: "d"}}
	if got, diags := run(f, withClaims(claims)); got == nil || diags.HasError() || !claims.Claimed("unitysvc_thing", "1") {
		t.Fatalf("got %v, %s; claimed: %v", got, diagText(diags), claims.Claimed("unitysvc_thing", "1"))
	}
}

// A 409 for the object a sibling resource just made says that two
// resources ask for the same object, never to import it.
func TestRunCreateConflictWithASibling(t *testing.T) {
	claims := &Claims{}
	claims.Claim("unitysvc_thing", "sib")
	f := &fakeAPI{createErr: &client.APIError{StatusCode: 409, Detail: "a thing named x exists", Method: "POST", Path: "/things/"},
		objs: []fakeObj{{ID: "sib", Desc: "d", CreatedAt: time.Now().UTC().Format(time.RFC3339Nano)}}}
	got, diags := run(f, withClaims(claims))
	text := diagText(diags)
	if got != nil || !strings.Contains(text, "a thing named x exists") || !strings.Contains(text, `Two resources in this configuration ask for the same thing "x"`) ||
		!strings.Contains(text, "(id sib)") || strings.Contains(text, "terraform import") || strings.Contains(text, "Import the existing object") {
		t.Fatalf("got %v, %s", got, text)
	}
	// Without the sibling, the same 409 gives the import command.
	got, diags = run(f)
	if text := diagText(diags); got != nil || !strings.Contains(text, "terraform import unitysvc_thing.<name> import-sib") {
		t.Fatalf("got %v, %s", got, text)
	}
}

// After a lost answer, an object a sibling took is neither adopted nor
// offered for import.
func TestRunCreateLostNeverOffersASiblingsObject(t *testing.T) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	claims := &Claims{}
	claims.Claim("unitysvc_thing", "sib")

	// The sibling's object and this create's: this create's is adopted.
	f := &fakeAPI{createErr: lostAnswer, made: &fakeObj{ID: "mine", Desc: "d"}, objs: []fakeObj{{ID: "sib", Desc: "d", CreatedAt: now}}}
	if got, diags := run(f, withClaims(claims)); got == nil || got.ID != "mine" || diags.HasError() || !claims.Claimed("unitysvc_thing", "mine") {
		t.Fatalf("got %v, %s", got, diagText(diags))
	}

	// Only the sibling's: the create did not take effect; two resources
	// ask for the same object, and nothing is importable.
	f = &fakeAPI{createErr: lostAnswer, objs: []fakeObj{{ID: "sib", Desc: "d", CreatedAt: now}}}
	got, diags := run(f, withClaims(claims))
	if text := diagText(diags); got != nil || !strings.Contains(text, "Two resources in this configuration ask for the same") || strings.Contains(text, "import-sib") {
		t.Fatalf("got %v, %s", got, text)
	}

	// Ambiguous between two others: those are listed, the sibling's is
	// left out of the import advice.
	f = &fakeAPI{createErr: lostAnswer, objs: []fakeObj{{ID: "a", Desc: "d", CreatedAt: now}, {ID: "sib", Desc: "d", CreatedAt: now}, {ID: "b", Desc: "d", CreatedAt: now}}}
	got, diags = run(f, withClaims(claims))
	text := diagText(diags)
	if got != nil || !strings.Contains(text, "2 objects") || !strings.Contains(text, "id a") || !strings.Contains(text, "id b") ||
		strings.Contains(text, "- id sib") || strings.Contains(text, "import-sib") || !strings.Contains(text, "It left out sib") {
		t.Fatalf("got %v, %s", got, text)
	}
}

func TestClaims(t *testing.T) {
	var none *Claims
	if !none.Claim("t", "1") || none.Claimed("t", "1") {
		t.Fatal("a nil Claims knows of no sibling")
	}
	c := &Claims{}
	if !c.Claim("t", "1") || c.Claim("t", "1") || !c.Claimed("t", "1") || c.Claimed("u", "1") {
		t.Fatal("Claim takes an object once, per resource type")
	}
	if !c.ClaimAs("t", "s", "me") {
		t.Fatal("ClaimAs takes an unclaimed object")
	}
	if !c.ClaimAs("t", "s", "me") {
		t.Fatal("ClaimAs lets the same owner claim again")
	}
	if c.ClaimAs("t", "s", "other") || c.ClaimAs("t", "s", "") {
		t.Fatal("ClaimAs refuses every other owner")
	}
}
