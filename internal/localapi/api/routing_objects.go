package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// routingChild is the create body of a routing object's child (a chain
// step, a broadcast target): it checks itself, adding 422 entries under
// loc, and answers what the store writes.
type routingChild[CW any] interface {
	validate(errs *validationErrors, loc ...any) CW
}

// routingObject serves one kind of routing object with ordered children:
// chains with their steps, broadcasts with their targets. The flow is the
// same for both and written once here: create in a scope (409 on a taken
// name), list, get, PATCH the settings, delete, replace every child
// atomically (PUT), add one child, remove one child. Each kind keeps its
// wire types, body checks and store calls.
type routingObject[O, C any, CB routingChild[CW], CW any] struct {
	noun       string // "chain": paths (/chains/), messages
	idParam    string // "chain_id"
	childNoun  string // "step": paths (/chains/{chain_id}/steps), messages
	childParam string // "step_id"

	view      func(*O) any
	childView func(*C) any

	// prefix is the kind's gateway primitive ("c"); name, count and
	// target read what the loop and size checks need (loops.go).
	prefix string
	name   func(*O) string
	count  func(*O) int
	target func(CW) string

	list        func(ctx context.Context, p store.Principal, sharedOnly bool) ([]*O, error)
	get         func(ctx context.Context, p store.Principal, id string) (*O, error)
	delete      func(ctx context.Context, p store.Principal, id string) error
	replace     func(ctx context.Context, p store.Principal, id string, children []CW) (*O, error)
	add         func(ctx context.Context, p store.Principal, id string, child CW) (*C, error)
	deleteChild func(ctx context.Context, p store.Principal, id, childID string) error
}

// checkChildren checks each child body, the i-th under loc + [i], and
// that there are at most maxRoutingChildren.
func checkChildren[CB routingChild[CW], CW any](body []CB, errs *validationErrors, loc ...any) []CW {
	if len(body) > maxRoutingChildren {
		tooMany(errs, len(body), loc...)
	}
	out := make([]CW, 0, len(body))
	for i, c := range body {
		out = append(out, c.validate(errs, routingLoc(loc, i)...))
	}
	return out
}

// route registers the kind's routes; create and update are the kind's own
// (their bodies differ), the rest are shared.
func (k *routingObject[O, C, CB, CW]) route(a *API, create, update http.HandlerFunc) {
	base := "/" + k.noun + "s/"
	one := base + "{" + k.idParam + "}"
	children := one + "/" + k.childNoun + "s"
	a.handle("POST", base, create)
	a.handle("GET", base, k.listHandler(a))
	a.handle("GET", one, k.getHandler(a))
	a.handle("PATCH", one, update)
	a.handle("DELETE", one, k.deleteHandler(a))
	a.handle("PUT", children, writeRouting(a, k, func(body *[]CB, errs *validationErrors) []CW { return checkChildren(*body, errs, "body") },
		k.guardedReplace(a), http.StatusOK, k.view))
	a.handle("POST", children, writeRouting(a, k, func(body *CB, errs *validationErrors) CW { return (*body).validate(errs, "body") },
		k.guardedAdd(a), http.StatusCreated, k.childView))
	a.handle("DELETE", children+"/{"+k.childParam+"}", k.deleteChildHandler(a))
}

func (k *routingObject[O, C, CB, CW]) notFound(w http.ResponseWriter, id string) func() {
	return func() { writeDetail(w, http.StatusNotFound, capitalized(k.noun)+" '"+id+"' not found") }
}

func (k *routingObject[O, C, CB, CW]) childNotFound(w http.ResponseWriter, id, childID string) func() {
	return func() {
		writeDetail(w, http.StatusNotFound, capitalized(k.childNoun)+" '"+childID+"' not found in "+k.noun+" '"+id+"'")
	}
}

// createRouting is POST /{noun}s/: check checks the decoded body and
// answers the store write and the object's name; create stores it in the
// personal or (?shared=true) shared scope.
func createRouting[O, C any, CB routingChild[CW], CW, B, W any](a *API, k *routingObject[O, C, CB, CW],
	check func(b *B, errs *validationErrors) (W, string),
	create func(ctx context.Context, p store.Principal, shared bool, w W) (*O, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := principal(w, r)
		if !ok {
			return
		}
		var errs validationErrors
		shared := queryBool(r, "shared", false, &errs)
		var name string
		write, ok := readBody(w, r, &errs, func(b *B, errs *validationErrors) (write W) {
			write, name = check(b, errs)
			return write
		})
		if !ok {
			return
		}
		o, err := create(r.Context(), p, shared, write)
		if writeInvalid(w, err) {
			return
		}
		if errors.Is(err, store.ErrConflict) {
			writeDetail(w, http.StatusConflict, fmt.Sprintf("A %[1]s named '%[2]s' already exists in the %[3]s scope; %[1]s names are unique per scope (personal or shared). Choose another name, or manage the existing %[1]s.", k.noun, name, scopeName(shared)))
			return
		}
		if err != nil {
			a.internal(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, k.view(o))
	}
}

// updateRouting is PATCH /{noun}s/{id}: check checks the decoded body and
// answers the store patch; update applies it.
func updateRouting[O, C any, CB routingChild[CW], CW, B, P any](a *API, k *routingObject[O, C, CB, CW],
	check func(b *B, errs *validationErrors) P,
	update func(ctx context.Context, p store.Principal, id string, patch P) (*O, error)) http.HandlerFunc {
	return writeRouting(a, k, check, update, http.StatusOK, k.view)
}

// writeRouting is the flow of a write to one object (PATCH it, PUT its
// children, POST a child): the caller, the object's id in the path, the
// body checked by check, the store call do, and its result answered with
// status and view; an object do does not find is a 404.
func writeRouting[O, C any, CB routingChild[CW], CW, B, T, R any](a *API, k *routingObject[O, C, CB, CW],
	check func(b *B, errs *validationErrors) T,
	do func(ctx context.Context, p store.Principal, id string, in T) (R, error),
	status int, view func(R) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := principal(w, r)
		if !ok {
			return
		}
		var errs validationErrors
		ids := pathUUIDs(r, &errs, k.idParam)
		in, ok := readBody(w, r, &errs, check)
		if !ok {
			return
		}
		out, err := do(r.Context(), p, ids[0], in)
		if writeInvalid(w, err) {
			return
		}
		if a.failed(w, r, err, k.notFound(w, ids[0])) {
			return
		}
		writeJSON(w, status, view(out))
	}
}

func (k *routingObject[O, C, CB, CW]) listHandler(a *API) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := principal(w, r)
		if !ok {
			return
		}
		var errs validationErrors
		skip := queryInt(r, "skip", 0, 0, 0, &errs)
		limit := queryInt(r, "limit", 100, 0, 0, &errs)
		shared := queryBool(r, "shared", false, &errs)
		if errs.write(w) {
			return
		}
		items, err := k.list(r.Context(), p, shared)
		if err != nil {
			a.internal(w, r, err)
			return
		}
		writePage(w, items, skip, limit, k.view)
	}
}

func (k *routingObject[O, C, CB, CW]) getHandler(a *API) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := principal(w, r)
		if !ok {
			return
		}
		id, ok := pathID(w, r, k.idParam)
		if !ok {
			return
		}
		o, err := k.get(r.Context(), p, id)
		if a.failed(w, r, err, k.notFound(w, id)) {
			return
		}
		writeJSON(w, http.StatusOK, k.view(o))
	}
}

func (k *routingObject[O, C, CB, CW]) deleteHandler(a *API) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := principal(w, r)
		if !ok {
			return
		}
		id, ok := pathID(w, r, k.idParam)
		if !ok {
			return
		}
		if a.failed(w, r, k.delete(r.Context(), p, id), k.notFound(w, id)) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": capitalized(k.noun) + " deleted successfully"})
	}
}

func (k *routingObject[O, C, CB, CW]) deleteChildHandler(a *API) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := principal(w, r)
		if !ok {
			return
		}
		var errs validationErrors
		ids := pathUUIDs(r, &errs, k.idParam, k.childParam)
		if errs.write(w) {
			return
		}
		err := k.deleteChild(r.Context(), p, ids[0], ids[1])
		if a.failed(w, r, err, k.childNotFound(w, ids[0], ids[1])) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": capitalized(k.childNoun) + " deleted successfully"})
	}
}
