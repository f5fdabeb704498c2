package tfutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// Creation is one resource's create call, and what it takes to find the
// object that call may have made when its answer is lost.
type Creation[T any] struct {
	// Resource is the resource type, for the import advice
	// ("unitysvc_chain").
	Resource string
	// What names the object for people, with its natural key:
	// `chain "llm-failover" in your personal scope`.
	What string
	// Create sends the create request (once: the client never resends a
	// create that may have reached the server).
	Create func(ctx context.Context) (*T, error)
	// Find lists the objects that have the natural key the create used:
	// name and scope, collection and service, service and parameters.
	Find func(ctx context.Context) ([]T, error)
	// Differences names the configured fields in which an object differs
	// from what the create sent; none means it matches every one.
	Differences func(*T) []string
	// ID identifies an object in messages; ImportID is what `import`
	// takes for it.
	ID, ImportID func(*T) string
	// CreatedAt returns a named object's creation time as the API reports
	// it. A named object is adopted only when it was created after the
	// create started: one that existed before belongs to someone else
	// (the create then failed with a conflict). Nil for objects whose
	// natural key alone tells them apart (a collection member), and for
	// named objects whose API reports no creation time, which set
	// ListFirst instead.
	CreatedAt func(*T) string
	// ListFirst makes Run list the natural key's objects before sending
	// the create, so that one that already existed is never taken for
	// this create's.
	ListFirst bool
	// Fail reports an error that is neither a lost answer nor a conflict;
	// nil adds the API error under the summary, attached to the attributes
	// a 422 names when Schema is set (see AddAPIErrorAt).
	Fail func(err error)
	// Schema is the resource's schema (req.Plan.Schema) and Fields maps
	// the create body's fields to its attributes.
	Schema SchemaPaths
	Fields APIFields
	// Claims holds what the resources of this configuration created or
	// adopted during this run (ProviderData.Claims): the create claims
	// its object; after a lost answer only an unclaimed object is adopted
	// and a claimed one is never offered for import; a 409 for a claimed
	// one says that two resources of the configuration ask for the same
	// object. Nil: no sibling is known.
	Claims *Claims
}

// Claims records the objects that the resources of one configuration
// created or adopted during one run of the provider (one plan or apply:
// the life of one configured provider), so that one resource never
// takes, or offers for import, an object a sibling resource made. The
// zero value is ready; a nil *Claims knows of no sibling.
type Claims struct {
	mu sync.Mutex
	// owners maps a taken object to who took it: "" for a create, or
	// the token of a resource instance (ClaimAs).
	owners map[string]string
}

func claimKey(resourceType, id string) string { return resourceType + "\x00" + id }

// Claim records the object id of resourceType as taken. It reports false
// when it was taken already (by another resource).
func (c *Claims) Claim(resourceType, id string) bool { return c.ClaimAs(resourceType, id, "") }

// ClaimAs records the object id of resourceType as taken by owner, a
// token naming one resource instance, so that the same instance may claim
// it again ("" names nobody: it is never taken twice). It reports false
// when someone else took it.
func (c *Claims) ClaimAs(resourceType, id, owner string) bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := claimKey(resourceType, id)
	if holder, taken := c.owners[k]; taken {
		return owner != "" && holder == owner
	}
	if c.owners == nil {
		c.owners = map[string]string{}
	}
	c.owners[k] = owner
	return true
}

// Claimed reports whether a resource of this run took the object.
func (c *Claims) Claimed(resourceType, id string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, taken := c.owners[claimKey(resourceType, id)]
	return taken
}

// SameObjectTwice explains an object that a create ran into and that
// another resource of the same configuration created or adopted during
// this run: two resources ask for the same object (name and scope),
// which importing cannot fix.
func SameObjectTwice(resourceType, what, id string) string {
	return fmt.Sprintf("Two resources in this configuration ask for the same %s: another %s resource of this configuration created or adopted it (id %s) during this run. "+
		"Importing it would not help, since that resource manages it already. Give each resource its own name (or scope), then apply again.", what, resourceType, id)
}

// clockSlack is how far the API's clock may be behind this machine's
// when a creation time is compared with the moment a create started.
const clockSlack = time.Second

// RunCreate sends c's create. When the answer is lost (client.OutcomeUnknown:
// a 5xx, a time-out or a reset after the request was written) it never
// sends it again: it looks the object up by its natural key instead, and
// adopts the one object that matches every configured field (and, for a
// named object, was created after the create started), with a warning
// naming it. Otherwise it fails with an error saying what may exist and
// how to import it; a 409 gets the same import advice. It returns nil
// after adding an error to diags.
func RunCreate[T any](ctx context.Context, diags *diag.Diagnostics, summary string, c Creation[T]) *T {
	started := time.Now()
	var before map[string]bool
	if c.ListFirst {
		existing, err := c.Find(ctx)
		if err != nil {
			AddAPIError(diags, summary, err)
			return nil
		}
		before = map[string]bool{}
		for i := range existing {
			before[c.ID(&existing[i])] = true
		}
	}
	obj, err := c.Create(ctx)
	switch {
	case err == nil:
		c.Claims.Claim(c.Resource, c.ID(obj))
		return obj
	case client.OutcomeUnknown(err):
		return recoverLost(ctx, diags, summary, c, err, started, before)
	case client.IsConflict(err):
		addConflict(ctx, diags, summary, c, err)
		return nil
	case c.Fail != nil:
		c.Fail(err)
		return nil
	case c.Schema != nil:
		AddAPIErrorAt(ctx, diags, c.Schema, c.Fields, summary, err)
		return nil
	}
	AddAPIError(diags, summary, err)
	return nil
}

// candidate is an object found by natural key after a lost answer.
type candidate[T any] struct {
	obj   *T
	diffs []string
	// older says why it cannot be this create's: it existed before.
	older string
}

func recoverLost[T any](ctx context.Context, diags *diag.Diagnostics, summary string, c Creation[T], sendErr error, started time.Time, before map[string]bool) *T {
	lost := fmt.Sprintf("The API gave no answer to the create of the %s (%s), so it may or may not have been made. "+
		"A create is never sent twice; the provider looked for the object instead.", c.What, shortError(sendErr))
	found, err := c.Find(ctx)
	if err != nil {
		diags.AddError(summary, lost+"\n\nLooking it up failed too: "+APIErrorDetail(err)+
			"\n\nThe object may exist on the server. Check, and if it does, import it instead of applying again (a second create would fail with a conflict). "+
			ImportAdvice(c.Resource, "<id>"))
		return nil
	}
	var matches []candidate[T]
	var others []candidate[T]
	var siblings []string // ids a sibling resource took: never this create's, never importable
	for i := range found {
		o := &found[i]
		if c.Claims.Claimed(c.Resource, c.ID(o)) {
			siblings = append(siblings, c.ID(o))
			continue
		}
		cand := candidate[T]{obj: o, diffs: c.Differences(o)}
		switch {
		case before != nil && before[c.ID(o)]:
			cand.older = "it existed before this create was sent"
		case c.CreatedAt != nil:
			if at := c.CreatedAt(o); !createdSince(at, started) {
				cand.older = fmt.Sprintf("it was created at %s, before this create was sent at %s", at, started.UTC().Format(time.RFC3339))
			}
		}
		if cand.older == "" && len(cand.diffs) == 0 {
			matches = append(matches, cand)
		} else {
			others = append(others, cand)
		}
	}
	if len(matches) == 1 && !c.Claims.Claim(c.Resource, c.ID(matches[0].obj)) {
		// A sibling adopted it between the lookup and now.
		siblings, matches = append(siblings, c.ID(matches[0].obj)), nil
	}
	if len(matches) == 1 {
		o := matches[0].obj
		diags.AddWarning("Adopted the "+c.What+" after a lost answer",
			fmt.Sprintf("%s It found %s (id %s), which matches every configured field and was made by this create, so it is now in the state. Nothing was created twice.",
				lost, c.What, c.ID(o)))
		return o
	}
	var b strings.Builder
	b.WriteString(lost)
	switch {
	case len(matches) > 1:
		fmt.Fprintf(&b, "\n\nIt found %d objects that match every configured field and could each be this create's, so it cannot tell which one to take:", len(matches))
		for _, m := range matches {
			b.WriteString("\n  - id " + c.ID(m.obj))
		}
		b.WriteString("\n\nImport the one to keep and delete the others. " + ImportAdvice(c.Resource, c.ImportID(matches[0].obj)))
	case len(others) > 0:
		b.WriteString("\n\nIt found objects with the same key that it cannot take for this create's:")
		for _, o := range others {
			why := o.older
			if why == "" {
				why = "it differs in " + strings.Join(o.diffs, ", ")
			}
			fmt.Fprintf(&b, "\n  - id %s: %s", c.ID(o.obj), why)
		}
		b.WriteString("\n\nIf one of them is the object this resource should manage, import it; otherwise choose another name or scope. " + ImportAdvice(c.Resource, c.ImportID(others[0].obj)))
	case len(siblings) > 0:
		b.WriteString("\n\n" + SameObjectTwice(c.Resource, c.What, strings.Join(siblings, ", ")))
		siblings = nil
	default:
		b.WriteString("\n\nNo such object exists on the server, so the create did not take effect and nothing was left behind: apply again. " +
			"(Should the server still have been working on the request, the object may yet appear; the next apply then reports the conflict with the command to import it.)")
	}
	if len(siblings) > 0 {
		fmt.Fprintf(&b, "\n\nIt left out %s, which another %s resource of this configuration created or adopted during this run: that one is not importable here.", strings.Join(siblings, ", "), c.Resource)
	}
	diags.AddError(summary, b.String())
	return nil
}

// addConflict explains a 409: the object already exists, with the exact
// import command when exactly one object has the create's natural key,
// or, when a sibling resource of this configuration made it, that two
// resources ask for the same object.
func addConflict[T any](ctx context.Context, diags *diag.Diagnostics, summary string, c Creation[T], err error) {
	detail := APIErrorDetail(err)
	found, ferr := c.Find(ctx)
	var siblings []string
	found = slices.DeleteFunc(found, func(o T) bool {
		claimed := c.Claims.Claimed(c.Resource, c.ID(&o))
		if claimed {
			siblings = append(siblings, c.ID(&o))
		}
		return claimed
	})
	var apiErr *client.APIError
	if ferr == nil && len(found) == 0 && len(siblings) > 0 && errors.As(err, &apiErr) {
		// The 409's own advice (import it) is wrong here.
		diags.AddError(summary, apiAnswer(apiErr)+"\n\n"+SameObjectTwice(c.Resource, c.What, strings.Join(siblings, ", ")))
		return
	}
	if ferr == nil && len(found) == 1 && errors.As(err, &apiErr) {
		detail = apiAnswer(apiErr) // the advice follows, naming the object
	}
	if ferr != nil || len(found) != 1 {
		diags.AddError(summary, detail+"\n\nIf the existing object is the one this resource should manage: "+ImportAdvice(c.Resource, "<id>"))
		return
	}
	o := &found[0]
	diags.AddError(summary, fmt.Sprintf("%s\n\nThe %s already exists (id %s) and is not in this configuration's state. To manage it here: %s",
		detail, c.What, c.ID(o), ImportAdvice(c.Resource, c.ImportID(o))))
}

// ImportAdvice tells how to bring an existing object under a
// configuration, for Terraform and OpenTofu alike: the import command or
// an import block. The resource's own name is not known to the provider,
// so it reads <name>.
func ImportAdvice(resourceType, importID string) string {
	return fmt.Sprintf("Import it into the state with\n\n  terraform import %[1]s.<name> %[2]s\n\n"+
		"(tofu import with OpenTofu), or add this block to the configuration and apply again:\n\n"+
		"  import {\n    to = %[1]s.<name>\n    id = %[3]q\n  }\n\n"+
		"where <name> is the resource's name in your configuration.", resourceType, importID, importID)
}

// createdSince reports whether an API timestamp is not before start
// (allowing clockSlack). An unreadable or missing time is not.
func createdSince(at string, start time.Time) bool {
	t, ok := ParseAPITime(at)
	return ok && !t.Before(start.Add(-clockSlack))
}

// ParseAPITime reads a timestamp as the API writes it: RFC 3339, or ISO
// 8601 without a zone, which is UTC.
func ParseAPITime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// shortError is a failure in one line.
func shortError(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }

// Mismatches collects the configured fields in which a found object
// differs from what a create sent (Creation.Differences).
type Mismatches []string

// Check records field when the sent and found values differ.
func (m *Mismatches) Check(field string, same bool) {
	if !same {
		*m = append(*m, field)
	}
}

// SameJSON reports whether a and b encode to the same JSON value (object
// key order, number spelling and nil-versus-empty aside: a nil map or
// slice equals an empty one).
func SameJSON(a, b any) bool {
	return reflect.DeepEqual(jsonValue(a), jsonValue(b))
}

func jsonValue(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return string(raw)
	}
	switch x := out.(type) {
	case nil:
		return nil
	case map[string]any:
		if len(x) == 0 {
			return nil
		}
	case []any:
		if len(x) == 0 {
			return nil
		}
	}
	return out
}

// Named names an object by kind, name and scope for messages:
// `chain "llm-failover" in your personal scope`.
func Named(kind, name string, shared bool) string {
	scope := "your personal scope"
	if shared {
		scope = "your team's shared scope"
	}
	return fmt.Sprintf("%s %q in %s", kind, name, scope)
}
