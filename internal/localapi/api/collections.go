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

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// collectionNameRE is a collection's slug.
var collectionNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

const (
	collectionNameMax = 100
	// collectionMemberLimit is how many services a collection holds.
	collectionMemberLimit = 20
)

func (a *API) routeCollections() {
	a.handle("POST", "/groups", a.createCollection)
	a.handle("PATCH", "/groups/{group_id}", a.updateCollection)
	a.handle("DELETE", "/groups/{group_id}", a.deleteCollection)
	a.handle("GET", "/groups/{group_id}/members", a.listMembers)
	a.handle("POST", "/groups/{group_id}/members", a.addMember)
	a.handle("DELETE", "/groups/{group_id}/members/{service_id}", a.removeMember)
	a.handle("GET", "/services/{service_id}/groups", a.getServiceMemberships)
	a.handle("PUT", "/services/{service_id}/groups", a.setServiceMemberships)
}

// memberView is ServiceCollectionMemberPublic.
type memberView struct {
	ID         string          `json:"id"`
	ServiceID  string          `json:"service_id"`
	RoutingKey json.RawMessage `json:"routing_key"`
	SortOrder  int             `json:"sort_order"`
}

func memberViewOf(m *store.Member) memberView {
	return memberView{ID: m.ID, ServiceID: m.ServiceID, RoutingKey: nullJSON(m.RoutingKey), SortOrder: m.SortOrder}
}

// collectionDetails is the "details" object of a collection's views.
func collectionDetails(c *store.Collection) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"shared": c.Shared(), "enabled": c.Enabled, "gateway_path": "g/" + c.Name})
	return b
}

// collectionGroupType derives a collection's group type from its members:
// "open" when they share one request format (or there are none), "keyed"
// when formats differ but each routing key resolves to one format, and
// "collection" (not routable) when one routing key spans formats.
func (a *API) collectionGroupType(members []*store.Member) string {
	formats := map[string]bool{}
	keyFormats := map[string]map[string]bool{}
	for _, m := range members {
		s, ok := a.catalog.Service(m.ServiceID)
		if !ok {
			continue
		}
		format := deref(s.ServiceType) + "/" + deref(s.GatewayType)
		formats[format] = true
		key := string(m.RoutingKey)
		if len(m.RoutingKey) == 0 {
			b, _ := json.Marshal(s.RoutingKey)
			key = string(b)
		} else {
			var v any
			if json.Unmarshal(m.RoutingKey, &v) == nil {
				b, _ := json.Marshal(v)
				key = string(b)
			}
		}
		if keyFormats[key] == nil {
			keyFormats[key] = map[string]bool{}
		}
		keyFormats[key][format] = true
	}
	for _, fs := range keyFormats {
		if len(fs) > 1 {
			return "collection"
		}
	}
	if len(formats) <= 1 {
		return "open"
	}
	return "keyed"
}

func (a *API) collectionView(r *http.Request, c *store.Collection) (groupView, error) {
	members, err := a.store.ListMembers(r.Context(), c.ID)
	if err != nil {
		return groupView{}, err
	}
	return groupView{ID: c.ID, Name: c.Name, DisplayName: c.DisplayName, OwnerType: "customer", Editable: true,
		MemberCount: len(members), Details: collectionDetails(c), GroupType: a.collectionGroupType(members)}, nil
}

func (a *API) collectionDetail(r *http.Request, c *store.Collection) (groupDetail, error) {
	members, err := a.store.ListMembers(r.Context(), c.ID)
	if err != nil {
		return groupDetail{}, err
	}
	gt := a.collectionGroupType(members)
	enabled := c.Enabled
	// interface and routing_policy are a platform group's (the spec);
	// a collection is reached at details.gateway_path.
	return groupDetail{ID: c.ID, Name: c.Name, DisplayName: c.DisplayName, Description: c.Description, OwnerType: "customer",
		Editable: true, MemberCount: len(members), Details: collectionDetails(c), GroupType: &gt,
		Interface: nil, RoutingPolicy: json.RawMessage("null"), Enabled: &enabled}, nil
}

// ownCollectionViews are the caller's collections for GET /groups whose
// name contains name (lower-cased); sharedOnly keeps the team's ones.
func (a *API) ownCollectionViews(r *http.Request, p store.Principal, name string, sharedOnly bool) ([]groupView, error) {
	cs, err := a.store.ListCollections(r.Context(), p)
	if err != nil {
		return nil, err
	}
	out := []groupView{}
	for _, c := range cs {
		if (sharedOnly && !c.Shared()) || (name != "" && !strings.Contains(strings.ToLower(c.Name), name)) {
			continue
		}
		v, err := a.collectionView(r, c)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ownCollection returns the caller's collection that idOrName names on
// the unified group routes, or nil when it names none of theirs: by id,
// or by name in the order /g/<name> resolves it (the personal collection
// shadows the team's shared one; both shadow a platform group).
func (a *API) ownCollection(r *http.Request, idOrName string) (*store.Collection, error) {
	p, ok := optionalPrincipal(r)
	if !ok {
		return nil, nil
	}
	if uuid.Validate(idOrName) == nil {
		c, err := a.store.GetCollection(r.Context(), p, idOrName)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return c, err
	}
	cs, err := a.store.ListCollections(r.Context(), p)
	if err != nil {
		return nil, err
	}
	var found *store.Collection
	for _, c := range cs {
		if c.Name == idOrName && (found == nil || (found.Shared() && !c.Shared())) {
			found = c
		}
	}
	return found, nil
}

// collectionServices are an own collection's member services for GET
// /groups/{id}/services, in member order, filtered by search.
func (a *API) collectionServices(r *http.Request, c *store.Collection, search string) ([]serviceSummary, error) {
	members, err := a.store.ListMembers(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	var out []serviceSummary
	for _, m := range members {
		if s, ok := a.catalog.Service(m.ServiceID); ok && matchesSearch(s, search) {
			out = append(out, summaryOf(s))
		}
	}
	return out, nil
}

// collectionFromPath resolves {group_id} to one of the caller's
// collections: 422 for a malformed id, 403 for a platform group, 404
// otherwise.
func (a *API) collectionFromPath(w http.ResponseWriter, r *http.Request, p store.Principal) (*store.Collection, bool) {
	id, ok := pathID(w, r, "group_id")
	if !ok {
		return nil, false
	}
	c, err := a.store.GetCollection(r.Context(), p, id)
	if errors.Is(err, store.ErrNotFound) {
		if g, ok := a.catalog.Group(id); ok {
			writeDetail(w, http.StatusForbidden, "Platform groups are read-only: '"+g.Name+"' cannot be changed. Create your own collection (POST /groups) and add services to it instead.")
			return nil, false
		}
		writeDetail(w, http.StatusNotFound, "Collection '"+id+"' not found")
		return nil, false
	}
	if err != nil {
		a.internal(w, r, err)
		return nil, false
	}
	return c, true
}

func (a *API) createCollection(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	shared := queryBool(r, "shared", false, &errs)
	var body map[string]json.RawMessage
	if !decodeBody(w, r, &body) {
		return
	}
	name := optionalString(body["name"], &errs, "name")
	switch {
	case name == nil && len(errs) == 0:
		errs.add("Field required", "missing", "body", "name")
	case name == nil:
	case *name == "":
		errs.add("String should have at least 1 character", "string_too_short", "body", "name")
	case utf8.RuneCountInString(*name) > collectionNameMax:
		errs.add("String should have at most 100 characters", "string_too_long", "body", "name")
	case !collectionNameRE.MatchString(*name):
		errs.add("String should match pattern '^[a-z0-9][a-z0-9_-]*$' (a slug: lower-case letters, digits, '-' and '_', starting with a letter or digit)", "string_pattern_mismatch", "body", "name")
	}
	displayName := optionalString(body["display_name"], &errs, "display_name")
	description := optionalString(body["description"], &errs, "description")
	if errs.write(w) {
		return
	}
	c, err := a.store.CreateCollection(r.Context(), p, store.CollectionWrite{Name: *name, DisplayName: displayName, Description: description, Shared: shared})
	if errors.Is(err, store.ErrConflict) {
		scope := "your personal scope"
		if shared {
			scope = "the team's shared scope"
		}
		writeDetail(w, http.StatusConflict, fmt.Sprintf("A collection named '%s' already exists in %s; collection names are unique per scope. Choose another name, or import the existing collection.", *name, scope))
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	v, err := a.collectionView(r, c)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

func (a *API) updateCollection(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var body map[string]json.RawMessage
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	var u store.CollectionUpdate
	if raw, ok := body["display_name"]; ok {
		u.SetDisplayName, u.DisplayName = true, optionalString(raw, &errs, "display_name")
	}
	if raw, ok := body["description"]; ok {
		u.SetDescription, u.Description = true, optionalString(raw, &errs, "description")
	}
	if raw, ok := body["enabled"]; ok && string(raw) != "null" {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			errs.add("Input should be a valid boolean", "bool_type", "body", "enabled")
		}
		u.Enabled = &b
	}
	if errs.write(w) {
		return
	}
	c, ok := a.collectionFromPath(w, r, p)
	if !ok {
		return
	}
	c, err := a.store.UpdateCollection(r.Context(), p, c.ID, u)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": c.ID, "name": c.Name, "display_name": c.DisplayName,
		"description": c.Description, "enabled": c.Enabled, "member_count": c.MemberCount})
}

func (a *API) deleteCollection(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	c, ok := a.collectionFromPath(w, r, p)
	if !ok {
		return
	}
	if err := a.store.DeleteCollection(r.Context(), p, c.ID); err != nil {
		a.internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	c, ok := a.collectionFromPath(w, r, p)
	if !ok {
		return
	}
	members, err := a.store.ListMembers(r.Context(), c.ID)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	out := make([]memberView, 0, len(members))
	for _, m := range members {
		out = append(out, memberViewOf(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// notDispatchable writes the 422 for a service the caller cannot use.
func notDispatchable(w http.ResponseWriter, s *catalog.Service, loc ...any) {
	unprocessable(w, fmt.Sprintf("Service '%s' (%s) is not dispatchable by your account: it requires an enrollment and you have no active enrollment in it. Enroll in it first (POST /enrollments/), wait until the enrollment is active, then add it.", s.Name, s.ID),
		"value_error", loc...)
}

// memberLimit writes the 422 for a full collection.
func memberLimit(w http.ResponseWriter, c *store.Collection, loc ...any) {
	unprocessable(w, fmt.Sprintf("Collection '%s' is full: a collection holds up to %d members. Remove a member before adding another.", c.Name, collectionMemberLimit),
		"value_error", loc...)
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var body struct {
		ServiceID  *string         `json:"service_id"`
		RoutingKey json.RawMessage `json:"routing_key"`
		SortOrder  *int            `json:"sort_order"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	switch {
	case body.ServiceID == nil:
		errs.add("Field required", "missing", "body", "service_id")
	case uuid.Validate(*body.ServiceID) != nil:
		errs.add("Input should be a valid UUID", "uuid_parsing", "body", "service_id")
	}
	if len(body.RoutingKey) > 0 && string(body.RoutingKey) != "null" {
		var obj map[string]any
		if err := json.Unmarshal(body.RoutingKey, &obj); err != nil {
			errs.add("Input should be a valid dictionary", "dict_type", "body", "routing_key")
		} else {
			body.RoutingKey, _ = json.Marshal(obj)
		}
	}
	sortOrder := 0
	if body.SortOrder != nil {
		sortOrder = *body.SortOrder
	}
	if errs.write(w) {
		return
	}
	c, ok := a.collectionFromPath(w, r, p)
	if !ok {
		return
	}
	s, ok := a.catalog.Service(*body.ServiceID)
	if !ok {
		writeDetail(w, http.StatusNotFound, "Service '"+*body.ServiceID+"' not found")
		return
	}
	eligible, err := a.dispatchable(r.Context(), p, s)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if !eligible {
		notDispatchable(w, s, "body", "service_id")
		return
	}
	m, err := a.store.AddMember(r.Context(), p, c.ID, store.MemberWrite{ServiceID: s.ID, RoutingKey: body.RoutingKey, SortOrder: sortOrder}, collectionMemberLimit)
	switch {
	case errors.Is(err, store.ErrConflict):
		writeDetail(w, http.StatusConflict, fmt.Sprintf("Service '%s' (%s) is already a member of collection '%s'. A member cannot be changed in place: remove it, then add it again.", s.Name, s.ID, c.Name))
		return
	case errors.Is(err, store.ErrMemberLimit):
		memberLimit(w, c, "body", "service_id")
		return
	case errors.Is(err, store.ErrNotFound):
		writeDetail(w, http.StatusNotFound, "Collection '"+c.ID+"' not found")
		return
	case err != nil:
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, memberViewOf(m))
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	sid, ok := pathID(w, r, "service_id")
	if !ok {
		return
	}
	c, ok := a.collectionFromPath(w, r, p)
	if !ok {
		return
	}
	err := a.store.RemoveMember(r.Context(), c.ID, sid)
	if a.failed(w, r, err, func() {
		writeDetail(w, http.StatusNotFound, "Service '"+sid+"' is not a member of collection '"+c.Name+"'")
	}) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// membershipEntry is CustomerGroupMembershipEntry.
type membershipEntry struct {
	ID          *string `json:"id"`
	Name        string  `json:"name"`
	DisplayName *string `json:"display_name"`
	Member      bool    `json:"member"`
	IsDefault   bool    `json:"is_default"`
}

// writeMemberships writes CustomerGroupMembershipResponse: the default
// (Favorites) entry first, synthetic until it exists, then the others.
func writeMemberships(w http.ResponseWriter, s *catalog.Service, eligible bool, ms []store.Membership) {
	groups := []membershipEntry{}
	var rest []membershipEntry
	for _, m := range ms {
		id := m.Collection.ID
		e := membershipEntry{ID: &id, Name: m.Collection.Name, DisplayName: m.Collection.DisplayName, Member: m.Member, IsDefault: m.IsDefault}
		if m.IsDefault {
			groups = append(groups, e)
		} else {
			rest = append(rest, e)
		}
	}
	if len(groups) == 0 {
		dn := "Favorites"
		groups = append(groups, membershipEntry{Name: store.DefaultCollectionName, DisplayName: &dn, IsDefault: true})
	}
	groups = append(groups, rest...)
	writeJSON(w, http.StatusOK, map[string]any{"service_id": s.ID, "eligible": eligible, "groups": groups})
}

func (a *API) getServiceMemberships(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	s, ok := a.serviceFromPath(w, r)
	if !ok {
		return
	}
	eligible, err := a.dispatchable(r.Context(), p, s)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	ms, err := a.store.ServiceMemberships(r.Context(), p, s.ID)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeMemberships(w, s, eligible, ms)
}

func (a *API) setServiceMemberships(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var body struct {
		GroupIDs       []string `json:"group_ids"`
		IncludeDefault bool     `json:"include_default"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	for i, id := range body.GroupIDs {
		if uuid.Validate(id) != nil {
			errs.add("Input should be a valid UUID", "uuid_parsing", "body", "group_ids", i)
		}
	}
	if errs.write(w) {
		return
	}
	s, ok := a.serviceFromPath(w, r)
	if !ok {
		return
	}
	for _, id := range body.GroupIDs {
		if g, ok := a.catalog.Group(strings.ToLower(id)); ok {
			writeDetail(w, http.StatusForbidden, "Platform groups are read-only: '"+g.Name+"' cannot be changed. Create your own collection (POST /groups) and add services to it instead.")
			return
		}
	}
	eligible, err := a.dispatchable(r.Context(), p, s)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	ms, err := a.store.SetServiceMemberships(r.Context(), p, s.ID, body.GroupIDs, body.IncludeDefault, eligible, collectionMemberLimit)
	var ce *store.CollectionError
	switch {
	case errors.Is(err, store.ErrNotEligible):
		notDispatchable(w, s, "body", "group_ids")
		return
	case errors.Is(err, store.ErrMemberLimit) && errors.As(err, &ce):
		memberLimit(w, ce.Collection, "body", "group_ids")
		return
	case errors.Is(err, store.ErrNotFound):
		writeDetail(w, http.StatusNotFound, "Collection not found: "+err.Error())
		return
	case errors.Is(err, store.ErrConflict):
		writeDetail(w, http.StatusConflict, "The default collection '"+store.DefaultCollectionName+"' could not be created: "+err.Error())
		return
	case err != nil:
		a.internal(w, r, err)
		return
	}
	writeMemberships(w, s, eligible, ms)
}
