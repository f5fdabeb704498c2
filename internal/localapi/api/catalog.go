package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

func (a *API) routeCatalog() {
	a.handle("GET", "/groups", a.listGroups)
	a.handle("GET", "/groups/{name}", a.getGroup)
	a.handle("GET", "/groups/{name}/services", a.listGroupServices)
	a.handle("GET", "/services/{service_id}", a.getService)
	a.handle("GET", "/services/{service_id}/interfaces", a.listServiceInterfaces)
	a.handle("GET", "/services/{service_id}/usage", a.getServiceUsage)
}

// groupView is CustomerGroupView.
type groupView struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	DisplayName *string         `json:"display_name"`
	OwnerType   string          `json:"owner_type"`
	Editable    bool            `json:"editable"`
	MemberCount int             `json:"member_count"`
	Details     json.RawMessage `json:"details"`
	GroupType   string          `json:"group_type"`
}

// groupDetail is CustomerGroupDetail.
type groupDetail struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	DisplayName   *string          `json:"display_name"`
	Description   *string          `json:"description"`
	OwnerType     string           `json:"owner_type"`
	Editable      bool             `json:"editable"`
	MemberCount   int              `json:"member_count"`
	Details       json.RawMessage  `json:"details"`
	GroupType     *string          `json:"group_type"`
	Interface     *accessInterface `json:"interface"`
	RoutingPolicy json.RawMessage  `json:"routing_policy"`
	Enabled       *bool            `json:"enabled"`
}

// accessInterface is AccessInterface.
type accessInterface struct {
	Name         string  `json:"name"`
	Description  *string `json:"description"`
	AccessMethod *string `json:"access_method"`
	BaseURL      *string `json:"base_url"`
	GroupName    *string `json:"group_name"`
	EnrollmentID *string `json:"enrollment_id"`
}

// serviceSummary is ServiceSummary.
type serviceSummary struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	DisplayName *string `json:"display_name"`
	ServiceType *string `json:"service_type"`
	GatewayType *string `json:"gateway_type"`
}

func platformGroupView(g *catalog.Group) groupView {
	return groupView{ID: g.ID, Name: g.Name, DisplayName: g.DisplayName, OwnerType: "platform", Editable: false,
		MemberCount: len(g.Services), Details: json.RawMessage("null"), GroupType: g.GroupType}
}

// gatewayURL expands "{gateway}" in a catalog URL.
func (a *API) gatewayURL(s string) string { return strings.ReplaceAll(s, "{gateway}", a.gateway) }

func (a *API) platformGroupDetail(g *catalog.Group) groupDetail {
	gt := g.GroupType
	// enabled is a collection's (the spec): null for a platform group.
	d := groupDetail{ID: g.ID, Name: g.Name, DisplayName: g.DisplayName, Description: g.Description, OwnerType: "platform",
		Editable: false, MemberCount: len(g.Services), Details: json.RawMessage("null"), GroupType: &gt,
		RoutingPolicy: nullJSON(g.RoutingPolicy), Enabled: nil}
	if g.Interface != nil {
		name := g.Name
		d.Interface = &accessInterface{Name: g.Interface.Name, Description: g.Interface.Description, AccessMethod: g.Interface.AccessMethod, GroupName: &name}
		if g.Interface.BaseURL != nil {
			u := a.gatewayURL(*g.Interface.BaseURL)
			d.Interface.BaseURL = &u
		}
	}
	return d
}

func (a *API) listGroups(w http.ResponseWriter, r *http.Request) {
	var errs validationErrors
	q := r.URL.Query()
	owner := q.Get("owner")
	if owner == "" {
		owner = "all"
	}
	if owner != "all" && owner != "system" && owner != "own" {
		errs.add("String should match pattern '^(all|system|own)$'", "string_pattern_mismatch", "query", "owner")
	}
	shared := queryBool(r, "shared", false, &errs)
	if errs.write(w) {
		return
	}
	name := strings.ToLower(q.Get("name"))
	out := []groupView{}
	if owner != "own" {
		for _, g := range a.catalog.Groups {
			if name == "" || strings.Contains(strings.ToLower(g.Name), name) {
				out = append(out, platformGroupView(g))
			}
		}
	}
	// Own collections (collections.go): platform groups first, then these.
	if p, ok := optionalPrincipal(r); ok && owner != "system" {
		own, err := a.ownCollectionViews(r, p, name, shared)
		if err != nil {
			a.internal(w, r, err)
			return
		}
		out = append(out, own...)
	} else if owner == "own" {
		writeDetail(w, http.StatusUnauthorized, "Not authenticated: owner=own lists your collections; send 'Authorization: Bearer <api key>'")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "count": len(out)})
}

func (a *API) getGroup(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	// An own collection by UUID or name (collections.go), else a platform
	// group by UUID or name.
	if c, err := a.ownCollection(r, name); err != nil {
		a.internal(w, r, err)
		return
	} else if c != nil {
		d, err := a.collectionDetail(r, c)
		if err != nil {
			a.internal(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, d)
		return
	}
	g, ok := a.catalog.Group(name)
	if !ok {
		writeDetail(w, http.StatusNotFound, "Group '"+name+"' not found")
		return
	}
	writeJSON(w, http.StatusOK, a.platformGroupDetail(g))
}

// cursor encodes an offset into an opaque pagination cursor.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	if err != nil || n < 0 || !strings.HasPrefix(string(b), "o:") {
		return 0, false
	}
	return n, true
}

func matchesSearch(s *catalog.Service, search string) bool {
	if search == "" {
		return true
	}
	for _, f := range []*string{&s.Name, s.DisplayName, s.ProviderName} {
		if f != nil && strings.Contains(strings.ToLower(*f), search) {
			return true
		}
	}
	return false
}

func summaryOf(s *catalog.Service) serviceSummary {
	return serviceSummary{ID: s.ID, Name: s.Name, DisplayName: s.DisplayName, ServiceType: s.ServiceType, GatewayType: s.GatewayType}
}

func (a *API) listGroupServices(w http.ResponseWriter, r *http.Request) {
	var errs validationErrors
	limit := queryInt(r, "limit", 50, 1, 200, &errs)
	offset := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		var ok bool
		if offset, ok = decodeCursor(c); !ok {
			errs.add("Invalid pagination cursor; pass next_cursor from a previous page unchanged", "value_error", "query", "cursor")
		}
	}
	if errs.write(w) {
		return
	}
	name := r.PathValue("name")
	search := strings.ToLower(r.URL.Query().Get("search"))
	// An own collection by UUID or name (collections.go): its member
	// services.
	if c, err := a.ownCollection(r, name); err != nil {
		a.internal(w, r, err)
		return
	} else if c != nil {
		items, err := a.collectionServices(r, c, search)
		if err != nil {
			a.internal(w, r, err)
			return
		}
		writeServicePage(w, items, offset, limit)
		return
	}
	g, ok := a.catalog.Group(name)
	if !ok {
		writeDetail(w, http.StatusNotFound, "Group '"+name+"' not found")
		return
	}
	var matched []serviceSummary
	for _, s := range a.catalog.GroupServices(g) {
		if matchesSearch(s, search) {
			matched = append(matched, summaryOf(s))
		}
	}
	writeServicePage(w, matched, offset, limit)
}

// writeServicePage writes one CursorPage_ServiceSummary_ of items.
func writeServicePage(w http.ResponseWriter, items []serviceSummary, offset, limit int) {
	data := page(items, offset, limit)
	var next *string
	hasMore := offset+len(data) < len(items)
	if hasMore {
		c := encodeCursor(offset + len(data))
		next = &c
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "next_cursor": next, "has_more": hasMore})
}

// serviceFromPath resolves {service_id}, writing 422 for a malformed id
// and 404 for an unknown one.
func (a *API) serviceFromPath(w http.ResponseWriter, r *http.Request) (*catalog.Service, bool) {
	id, ok := pathID(w, r, "service_id")
	if !ok {
		return nil, false
	}
	s, ok := a.catalog.Service(id)
	if !ok {
		writeDetail(w, http.StatusNotFound, "Service '"+id+"' not found")
		return nil, false
	}
	return s, true
}

func (a *API) getService(w http.ResponseWriter, r *http.Request) {
	s, ok := a.serviceFromPath(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": s.ID, "name": s.Name, "display_name": s.DisplayName, "service_type": s.ServiceType,
		"gateway_type": s.GatewayType, "description": s.Description, "provider_name": s.ProviderName,
		"seller_name": s.SellerName, "capabilities": s.Capabilities, "tags": s.Tags,
		"list_price": nullJSON(s.ListPrice), "enrollment_channel": s.EnrollmentChannel, "listing_type": s.ListingType,
	})
}

// sharedInterfaces are the interfaces every customer may dispatch to a
// service: its /p/<id> path, unless the service needs an enrollment.
func (a *API) sharedInterfaces(s *catalog.Service) []accessInterface {
	if s.EnrollmentMode == "required" {
		return []accessInterface{}
	}
	method := "http"
	desc := "Direct access to this service through the gateway."
	u := a.gateway + "/p/" + s.ID
	return []accessInterface{{Name: "default", Description: &desc, AccessMethod: &method, BaseURL: &u}}
}

func (a *API) listServiceInterfaces(w http.ResponseWriter, r *http.Request) {
	s, ok := a.serviceFromPath(w, r)
	if !ok {
		return
	}
	// Plus the caller's active enrollment-bound interfaces (enrollments.go).
	own, err := a.enrollmentInterfaces(r.Context(), r, s)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, append(a.sharedInterfaces(s), own...))
}

func (a *API) getServiceUsage(w http.ResponseWriter, r *http.Request) {
	s, ok := a.serviceFromPath(w, r)
	if !ok {
		return
	}
	type ifacePlan struct {
		Name       string         `json:"name"`
		BaseURL    *string        `json:"base_url"`
		RoutingKey map[string]any `json:"routing_key"`
	}
	type endpointPlan struct {
		BaseURL            *string        `json:"base_url"`
		RoutingKey         map[string]any `json:"routing_key"`
		RoutingKeyRequired bool           `json:"routing_key_required"`
	}
	ifaces := []ifacePlan{}
	for _, i := range a.sharedInterfaces(s) {
		ifaces = append(ifaces, ifacePlan{Name: i.Name, BaseURL: i.BaseURL, RoutingKey: s.RoutingKey})
	}
	endpoints := []endpointPlan{}
	for _, g := range a.catalog.GroupsOf(s.ID) {
		if g.GroupType != "open" && g.GroupType != "keyed" {
			continue
		}
		u := a.gateway + "/g/" + g.Name
		endpoints = append(endpoints, endpointPlan{BaseURL: &u, RoutingKey: s.RoutingKey, RoutingKeyRequired: g.GroupType == "keyed"})
	}
	params := s.Parameters
	if params == nil {
		params = []catalog.Parameter{}
	}
	channels := make([]catalog.Channel, 0, len(s.Channels))
	for _, c := range s.Channels {
		if c.RequiredSecrets == nil {
			c.RequiredSecrets = []catalog.SecretRequirement{}
		}
		if c.OptionalSecrets == nil {
			c.OptionalSecrets = []catalog.SecretRequirement{}
		}
		channels = append(channels, c)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"enrollment_mode": s.EnrollmentMode, "parameters": params, "interfaces": ifaces,
		"channels": channels, "routing_endpoints": endpoints,
	})
}
