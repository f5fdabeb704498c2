package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// maxRoutingChildren is the most steps a chain and targets a broadcast
// may have (api-semantics.md, "Limits and loops").
const maxRoutingChildren = 20

// invalidError carries 422 entries from a check that needs the store (a
// loop, a full chain) to the handler that answers.
type invalidError struct{ errs validationErrors }

func (e *invalidError) Error() string { return "invalid: " + e.errs[0].Msg }

// writeInvalid answers err's 422 when err is one, reporting whether it was.
func writeInvalid(w http.ResponseWriter, err error) bool {
	var inv *invalidError
	if !errors.As(err, &inv) {
		return false
	}
	inv.errs.write(w)
	return true
}

// tooMany is the 422 entry of a list over maxRoutingChildren, worded as
// FastAPI words a too long list.
func tooMany(errs *validationErrors, n int, loc ...any) {
	errs.add(fmt.Sprintf("List should have at most %d items after validation, not %d", maxRoutingChildren, n), "too_long", loc...)
}

// routeGraph is what the caller's aliases, chains and broadcasts lead to:
// for each node ("a/name", "b/name", "c/name") the target paths of every
// object of that name the caller sees (personal and shared, disabled
// chains and broadcasts and non-routing aliases too: enabling one, or a
// switch, must not make a loop the check let through).
type routeGraph struct {
	edges map[string][]string
}

// nodeOf is the alias, chain or broadcast a target path reaches first;
// "" for any other path (a group, a service, an enrollment).
func nodeOf(target string) string {
	rt, ok := routing.ParsePath(target)
	if !ok || (rt.Prefix != "a" && rt.Prefix != "b" && rt.Prefix != "c") {
		return ""
	}
	return rt.Prefix + "/" + rt.Name
}

// routeGraph reads the caller's graph, leaving out the object skipID (the
// one being changed, whose targets the check supplies).
func (a *API) routeGraph(ctx context.Context, p store.Principal, skipID string) (*routeGraph, error) {
	g := &routeGraph{edges: map[string][]string{}}
	chains, err := a.store.ListChains(ctx, p, false)
	if err != nil {
		return nil, err
	}
	for _, c := range chains {
		if c.ID == skipID {
			continue
		}
		for _, s := range c.Steps {
			g.add("c/"+c.Name, s.TargetPath)
		}
	}
	broadcasts, err := a.store.ListBroadcasts(ctx, p, false)
	if err != nil {
		return nil, err
	}
	for _, b := range broadcasts {
		if b.ID == skipID {
			continue
		}
		for _, t := range b.Targets {
			g.add("b/"+b.Name, t.TargetPath)
		}
	}
	aliases, err := a.store.ListAliases(ctx, p, store.AliasFilter{})
	if err != nil {
		return nil, err
	}
	for _, al := range aliases {
		if al.ID != skipID {
			g.add("a/"+al.Name, al.TargetPath)
		}
	}
	return g, nil
}

func (g *routeGraph) add(from, target string) {
	if to := nodeOf(target); to != "" {
		g.edges[from] = append(g.edges[from], to)
	}
}

// pathBack is the way from node back to self, "" when there is none.
func (g *routeGraph) pathBack(node, self string) []string {
	seen := map[string]bool{}
	var walk func(n string) []string
	walk = func(n string) []string {
		if n == self {
			return []string{n}
		}
		if seen[n] {
			return nil
		}
		seen[n] = true
		for _, next := range g.edges[n] {
			if rest := walk(next); rest != nil {
				return append([]string{n}, rest...)
			}
		}
		return nil
	}
	return walk(node)
}

// routeTarget is one target path being written and where the 422 names it.
type routeTarget struct {
	path string
	loc  []any
}

// checkLoops refuses targets of self ("c/name") that lead back to self,
// directly or through aliases, chains and broadcasts, naming the cycle.
// skipID is the object being changed ("" on create).
func (a *API) checkLoops(ctx context.Context, p store.Principal, self, skipID string, targets []routeTarget) error {
	var g *routeGraph
	var errs validationErrors
	for _, t := range targets {
		node := nodeOf(t.path)
		if node == "" {
			continue
		}
		if g == nil {
			var err error
			if g, err = a.routeGraph(ctx, p, skipID); err != nil {
				return err
			}
		}
		if back := g.pathBack(node, self); back != nil {
			kind := map[byte]string{'a': "alias", 'b': "broadcast", 'c': "chain"}[self[0]]
			errs.add(fmt.Sprintf("target_path '%s' leads back to %s '%s' (%s): an alias, chain or broadcast must not reach itself again, directly or through other aliases, chains and broadcasts",
				t.path, kind, self[2:], strings.Join(append([]string{self}, back...), " → ")), "value_error", t.loc...)
		}
	}
	if len(errs) > 0 {
		return &invalidError{errs: errs}
	}
	return nil
}

// childTargets lists the target paths of a list of children written at loc.
func childTargets[CW any](children []CW, target func(CW) string, loc ...any) []routeTarget {
	out := make([]routeTarget, 0, len(children))
	for i, c := range children {
		out = append(out, routeTarget{path: target(c), loc: routingLoc(routingLoc(loc, i), "target_path")})
	}
	return out
}

// guardedReplace is k.replace (PUT .../children) refusing a child that
// leads back to the object.
func (k *routingObject[O, C, CB, CW]) guardedReplace(a *API) func(ctx context.Context, p store.Principal, id string, children []CW) (*O, error) {
	return func(ctx context.Context, p store.Principal, id string, children []CW) (*O, error) {
		o, err := k.get(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if err := a.checkLoops(ctx, p, k.prefix+"/"+k.name(o), id, childTargets(children, k.target, "body")); err != nil {
			return nil, err
		}
		return k.replace(ctx, p, id, children)
	}
}

// guardedAdd is k.add (POST .../children) refusing a child past
// maxRoutingChildren or one that leads back to the object.
func (k *routingObject[O, C, CB, CW]) guardedAdd(a *API) func(ctx context.Context, p store.Principal, id string, child CW) (*C, error) {
	return func(ctx context.Context, p store.Principal, id string, child CW) (*C, error) {
		o, err := k.get(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if n := k.count(o) + 1; n > maxRoutingChildren {
			var errs validationErrors
			errs.add(fmt.Sprintf("%s '%s' already has %d %ss, the most it may have", capitalized(k.noun), k.name(o), maxRoutingChildren, k.childNoun), "too_long", "body")
			return nil, &invalidError{errs: errs}
		}
		err = a.checkLoops(ctx, p, k.prefix+"/"+k.name(o), id, []routeTarget{{path: k.target(child), loc: []any{"body", "target_path"}}})
		if err != nil {
			return nil, err
		}
		return k.add(ctx, p, id, child)
	}
}

// guardedCreate is a kind's create refusing children that lead back to
// the new object.
func guardedCreate[O, W, CW any](a *API, prefix string, parts func(W) (string, []CW), target func(CW) string, field string,
	create func(ctx context.Context, p store.Principal, shared bool, w W) (*O, error)) func(ctx context.Context, p store.Principal, shared bool, w W) (*O, error) {
	return func(ctx context.Context, p store.Principal, shared bool, w W) (*O, error) {
		name, children := parts(w)
		if err := a.checkLoops(ctx, p, prefix+"/"+name, "", childTargets(children, target, "body", field)); err != nil {
			return nil, err
		}
		return create(ctx, p, shared, w)
	}
}
