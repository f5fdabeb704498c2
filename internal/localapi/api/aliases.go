package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// aliasNameRE is the alias name slug: it is the /a/<name> path segment.
var aliasNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// aliasPartialIDRE matches a partial UUID accepted by switch: at least 8
// hex digits (hyphens allowed as in the full form).
var aliasPartialIDRE = regexp.MustCompile(`^[0-9a-fA-F][0-9a-fA-F-]{7,}$`)

const (
	aliasNameMax        = 100
	aliasDescriptionMax = 500
	aliasTargetPathMax  = 500
)

func (a *API) routeAliases() {
	a.handle("GET", "/aliases/", a.listAliases)
	a.handle("POST", "/aliases/", a.createAlias)
	a.handle("GET", "/aliases/{alias_id}", a.getAlias)
	a.handle("PATCH", "/aliases/{alias_id}", a.updateAlias)
	a.handle("DELETE", "/aliases/{alias_id}", a.deleteAlias)
	a.handle("POST", "/aliases/{identifier}/switch", a.switchAlias)
}

// aliasPublic is the ServiceAliasPublic schema.
type aliasPublic struct {
	ID                 string          `json:"id"`
	CustomerID         string          `json:"customer_id"`
	OwnerID            *string         `json:"owner_id"`
	Name               string          `json:"name"`
	Description        *string         `json:"description"`
	RequestRoutingKey  json.RawMessage `json:"request_routing_key"`
	TargetPath         string          `json:"target_path"`
	RoutingKeyOverride json.RawMessage `json:"routing_key_override"`
	IsRouting          bool            `json:"is_routing"`
	Details            json.RawMessage `json:"details"`
	CreatedAt          string          `json:"created_at"`
	UpdatedAt          *string         `json:"updated_at"`
	DeactivatedAt      *string         `json:"deactivated_at"`
}

func aliasView(al *store.Alias) aliasPublic {
	return aliasPublic{
		ID: al.ID, CustomerID: al.CustomerID, OwnerID: al.OwnerID, Name: al.Name, Description: al.Description,
		RequestRoutingKey: rawJSON(al.RequestRoutingKey), TargetPath: al.TargetPath,
		RoutingKeyOverride: rawJSON(al.RoutingKeyOverride), IsRouting: al.IsRouting, Details: json.RawMessage("null"),
		CreatedAt: al.CreatedAt, UpdatedAt: al.UpdatedAt, DeactivatedAt: al.DeactivatedAt,
	}
}

func (a *API) aliasNotFound(w http.ResponseWriter, id string) {
	writeDetail(w, http.StatusNotFound, "Alias "+id+" not found")
}

func aliasConflict(w http.ResponseWriter, al *store.Alias) {
	rk := "no request_routing_key"
	if al.RequestRoutingKey != nil {
		rk = "request_routing_key " + *al.RequestRoutingKey
	}
	writeDetail(w, http.StatusConflict, fmt.Sprintf("An alias named '%s' with %s and target_path '%s' already exists in the %s scope",
		al.Name, rk, al.TargetPath, scopeName(al.OwnerID == nil)))
}

func (a *API) listAliases(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	skip := queryInt(r, "skip", 0, 0, 0, &errs)
	limit := queryInt(r, "limit", 100, 0, 0, &errs)
	f := store.AliasFilter{
		IncludeDeactivated: queryBool(r, "include_deactivated", false, &errs),
		SharedOnly:         queryBool(r, "shared", false, &errs),
	}
	if r.URL.Query().Has("name") {
		name := r.URL.Query().Get("name")
		f.Name = &name
	}
	if errs.write(w) {
		return
	}
	aliases, err := a.store.ListAliases(r.Context(), p, f)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writePage(w, aliases, skip, limit, aliasView)
}

func (a *API) createAlias(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	shared := queryBool(r, "shared", false, &errs)
	var body struct {
		Name               *string        `json:"name"`
		Description        *string        `json:"description"`
		RequestRoutingKey  map[string]any `json:"request_routing_key"`
		IsRouting          *bool          `json:"is_routing"`
		TargetPath         *string        `json:"target_path"`
		RoutingKeyOverride map[string]any `json:"routing_key_override"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.Name == nil:
		errs.add("Field required", "missing", "body", "name")
	case *body.Name == "":
		errs.add("name must not be empty", "string_too_short", "body", "name")
	case utf8.RuneCountInString(*body.Name) > aliasNameMax:
		errs.add(fmt.Sprintf("String should have at most %d characters", aliasNameMax), "string_too_long", "body", "name")
	case !aliasNameRE.MatchString(*body.Name):
		errs.add("String should match pattern '^[a-z0-9][a-z0-9_-]*$' (lower-case letters, digits, hyphens and underscores, starting with a letter or digit): the name is the /a/<name> gateway path", "string_pattern_mismatch", "body", "name")
	}
	validAliasDescription(body.Description, &errs)
	if body.TargetPath == nil {
		errs.add("Field required", "missing", "body", "target_path")
	} else {
		validAliasTargetPath(*body.TargetPath, &errs)
	}
	if errs.write(w) {
		return
	}
	routing := true
	if body.IsRouting != nil {
		routing = *body.IsRouting
	}
	err := a.checkLoops(r.Context(), p, "a/"+*body.Name, "", []routeTarget{{path: *body.TargetPath, loc: []any{"body", "target_path"}}})
	if writeInvalid(w, err) {
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	al, err := a.store.CreateAlias(r.Context(), p, shared, store.Alias{
		Name: *body.Name, Description: body.Description, RequestRoutingKey: canonicalObject(body.RequestRoutingKey),
		TargetPath: *body.TargetPath, RoutingKeyOverride: canonicalObject(body.RoutingKeyOverride), IsRouting: routing,
	})
	if errors.Is(err, store.ErrConflict) {
		aliasConflict(w, &store.Alias{Name: *body.Name, RequestRoutingKey: canonicalObject(body.RequestRoutingKey), TargetPath: *body.TargetPath, OwnerID: aliasOwner(p, shared)})
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, aliasView(al))
}

// aliasOwner mirrors the store's scope: the user for personal, nil for shared.
func aliasOwner(p store.Principal, shared bool) *string {
	if shared {
		return nil
	}
	return &p.UserID
}

func (a *API) getAlias(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "alias_id")
	if !ok {
		return
	}
	// A deactivated alias is still readable by id, with deactivated_at set.
	al, err := a.store.GetAlias(r.Context(), p, id)
	if a.failed(w, r, err, func() { a.aliasNotFound(w, id) }) {
		return
	}
	writeJSON(w, http.StatusOK, aliasView(al))
}

func (a *API) updateAlias(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "alias_id")
	if !ok {
		return
	}
	var body struct {
		Description        optional[string]         `json:"description"`
		RequestRoutingKey  optional[map[string]any] `json:"request_routing_key"`
		TargetPath         optional[string]         `json:"target_path"`
		RoutingKeyOverride optional[map[string]any] `json:"routing_key_override"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	validAliasDescription(body.Description.Value, &errs)
	if body.TargetPath.Value != nil {
		validAliasTargetPath(*body.TargetPath.Value, &errs)
	}
	if errs.write(w) {
		return
	}
	if body.TargetPath.Value != nil {
		cur, err := a.store.GetAlias(r.Context(), p, id)
		if err == nil {
			err = a.checkLoops(r.Context(), p, "a/"+cur.Name, id, []routeTarget{{path: *body.TargetPath.Value, loc: []any{"body", "target_path"}}})
		}
		if writeInvalid(w, err) || a.failed(w, r, err, func() { a.aliasNotFound(w, id) }) {
			return
		}
	}
	al, err := a.store.UpdateAlias(r.Context(), p, id, func(al *store.Alias) error {
		if body.Description.Set {
			al.Description = body.Description.Value
		}
		if body.RequestRoutingKey.Set {
			al.RequestRoutingKey = nil
			if body.RequestRoutingKey.Value != nil {
				al.RequestRoutingKey = canonicalObject(*body.RequestRoutingKey.Value)
			}
		}
		if body.TargetPath.Value != nil {
			al.TargetPath = *body.TargetPath.Value
		}
		if body.RoutingKeyOverride.Set {
			al.RoutingKeyOverride = nil
			if body.RoutingKeyOverride.Value != nil {
				al.RoutingKeyOverride = canonicalObject(*body.RoutingKeyOverride.Value)
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.aliasNotFound(w, id)
	case errors.Is(err, store.ErrConflict):
		current, gerr := a.store.GetAlias(r.Context(), p, id)
		if gerr != nil {
			writeDetail(w, http.StatusConflict, "The change would duplicate another alias's (name, request_routing_key, target_path)")
			return
		}
		if body.RequestRoutingKey.Set {
			current.RequestRoutingKey = nil
			if body.RequestRoutingKey.Value != nil {
				current.RequestRoutingKey = canonicalObject(*body.RequestRoutingKey.Value)
			}
		}
		if body.TargetPath.Value != nil {
			current.TargetPath = *body.TargetPath.Value
		}
		aliasConflict(w, current)
	case err != nil:
		a.internal(w, r, err)
	default:
		writeJSON(w, http.StatusOK, aliasView(al))
	}
}

func (a *API) deleteAlias(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "alias_id")
	if !ok {
		return
	}
	err := a.store.DeactivateAlias(r.Context(), p, id)
	if a.failed(w, r, err, func() { a.aliasNotFound(w, id) }) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Alias " + id + " deactivated"})
}

// switchAlias moves routing: POST /aliases/{identifier}/switch?on=.
func (a *API) switchAlias(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	on := queryBool(r, "on", true, &errs)
	if errs.write(w) {
		return
	}
	q := r.URL.Query()
	ident := r.PathValue("identifier")
	target, routingKey := q.Get("target"), q.Get("routing_key")
	chosen, status, msg := a.resolveAliasIdentifier(r, p, ident, target, routingKey, on)
	if status != 0 {
		writeDetail(w, status, msg)
		return
	}
	if on {
		// Routing through an alias made outside these checks must not
		// start a loop either.
		err := a.checkLoops(r.Context(), p, "a/"+chosen.Name, chosen.ID, []routeTarget{{path: chosen.TargetPath, loc: []any{"path", "identifier"}}})
		if writeInvalid(w, err) {
			return
		}
		if err != nil {
			a.internal(w, r, err)
			return
		}
	}
	al, demoted, err := a.store.SwitchAlias(r.Context(), p, chosen.ID, on)
	if a.failed(w, r, err, func() { a.aliasNotFound(w, ident) }) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"alias": aliasView(al), "demoted_alias_id": demoted})
}

// resolveAliasIdentifier picks the live alias a switch addresses: a full
// UUID, a partial UUID (>= 8 hex digits, unique prefix) or a name. For a
// name, target and routingKey are substring filters over its aliases;
// among the matches: one → it; several with none routing → the first;
// several with one routing → the next after it, wrapping (so a bare
// switch cycles). With on=false the routing match is chosen. It returns
// a non-zero status and a detail when nothing (or too much) matches.
func (a *API) resolveAliasIdentifier(r *http.Request, p store.Principal, ident, target, routingKey string, on bool) (*store.Alias, int, string) {
	ctx := r.Context()
	if id, err := uuid.Parse(ident); err == nil {
		al, err := a.store.GetAlias(ctx, p, id.String())
		if err != nil || al.DeactivatedAt != nil {
			return nil, http.StatusNotFound, "Alias " + ident + " not found"
		}
		return al, 0, ""
	}
	live, err := a.store.ListAliases(ctx, p, store.AliasFilter{})
	if err != nil {
		return nil, http.StatusInternalServerError, "Internal server error"
	}
	if aliasPartialIDRE.MatchString(ident) {
		prefix := strings.ToLower(ident)
		var byID []*store.Alias
		for _, al := range live {
			if strings.HasPrefix(al.ID, prefix) {
				byID = append(byID, al)
			}
		}
		switch len(byID) {
		case 1:
			return byID[0], 0, ""
		case 0:
			// Not an id prefix: try it as a name below.
		default:
			return nil, http.StatusConflict, fmt.Sprintf("Partial id '%s' matches %d aliases; give more characters of the id", ident, len(byID))
		}
	}
	var matches []*store.Alias
	for _, al := range live {
		if al.Name != ident {
			continue
		}
		if target != "" && !strings.Contains(strings.ToLower(al.TargetPath), strings.ToLower(target)) {
			continue
		}
		if routingKey != "" && !aliasRoutingKeyContains(al.RequestRoutingKey, routingKey) {
			continue
		}
		matches = append(matches, al)
	}
	if len(matches) == 0 {
		msg := "No alias matches '" + ident + "'"
		if target != "" || routingKey != "" {
			msg += fmt.Sprintf(" with target containing '%s' and routing key containing '%s'", target, routingKey)
		}
		return nil, http.StatusNotFound, msg
	}
	routingAt := -1
	for i, al := range matches {
		if al.IsRouting {
			routingAt = i
			break
		}
	}
	switch {
	case !on && routingAt >= 0:
		return matches[routingAt], 0, ""
	case !on, len(matches) == 1, routingAt < 0:
		return matches[0], 0, ""
	default:
		return matches[(routingAt+1)%len(matches)], 0, ""
	}
}

// aliasRoutingKeyContains reports whether any value of a stored routing
// key contains sub, case-insensitively.
func aliasRoutingKeyContains(rk *string, sub string) bool {
	if rk == nil {
		return false
	}
	var m map[string]any
	if json.Unmarshal([]byte(*rk), &m) != nil {
		return false
	}
	for _, v := range m {
		if strings.Contains(strings.ToLower(fmt.Sprint(v)), strings.ToLower(sub)) {
			return true
		}
	}
	return false
}
