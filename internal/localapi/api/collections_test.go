package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

const (
	llmGroupID        = "9784a1b8-553f-5204-bf2a-7498d079df36" // platform group llm
	embeddingsGroupID = "72a7bd29-388d-532b-ac68-421dda9cd3ee" // platform group embeddings (keyed)
	unknownUUID       = "00000000-0000-0000-0000-0000000000aa"
)

type collectionView struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	DisplayName *string         `json:"display_name"`
	Description *string         `json:"description"`
	OwnerType   string          `json:"owner_type"`
	Editable    bool            `json:"editable"`
	MemberCount int             `json:"member_count"`
	GroupType   *string         `json:"group_type"`
	Enabled     *bool           `json:"enabled"`
	Details     map[string]any  `json:"details"`
	Interface   *interfaceBody  `json:"interface"`
	Raw         json.RawMessage `json:"-"`
}

type memberBody struct {
	ID         string            `json:"id"`
	ServiceID  string            `json:"service_id"`
	RoutingKey map[string]string `json:"routing_key"`
	SortOrder  int               `json:"sort_order"`
}

type groupList struct {
	Data  []collectionView `json:"data"`
	Count int              `json:"count"`
}

func createCollection(t *testing.T, ts *testServer, key, query string, body map[string]any) collectionView {
	t.Helper()
	var c collectionView
	ts.doJSON(t, "POST", "/groups"+query, key, body, http.StatusCreated, &c)
	return c
}

// serviceIDs returns the ids of the first n services of a platform group.
func serviceIDs(t *testing.T, ts *testServer, group string, n int) []string {
	t.Helper()
	g, ok := ts.Catalog.Group(group)
	if !ok {
		t.Fatalf("no group %s", group)
	}
	var out []string
	for _, s := range ts.Catalog.GroupServices(g)[:n] {
		out = append(out, s.ID)
	}
	return out
}

func addMember(t *testing.T, ts *testServer, key, collectionID string, body map[string]any, want int) []byte {
	t.Helper()
	status, data := ts.do(t, "POST", "/groups/"+collectionID+"/members", key, body)
	if status != want {
		t.Fatalf("add member %v: %d %s, want %d", body, status, data, want)
	}
	return data
}

func TestCollectionsCreateReadUpdateDelete(t *testing.T) {
	ts := newTestServer(t)
	c := createCollection(t, ts, keyA, "", map[string]any{"name": "my-llms", "display_name": "My LLMs", "description": "mine"})
	if c.OwnerType != "customer" || !c.Editable || c.MemberCount != 0 || c.GroupType == nil || c.Name != "my-llms" {
		t.Fatalf("created = %+v", c)
	}
	var got collectionView
	ts.doJSON(t, "GET", "/groups/"+c.ID, keyA, nil, http.StatusOK, &got)
	// A collection's detail has no group-level interface or routing
	// policy (the spec: those are a platform group's).
	if got.ID != c.ID || *got.Description != "mine" || got.Enabled == nil || !*got.Enabled || got.Interface != nil ||
		got.Details["shared"] != false {
		t.Fatalf("detail = %+v", got)
	}
	var raw map[string]json.RawMessage
	ts.doJSON(t, "GET", "/groups/"+c.ID, keyA, nil, http.StatusOK, &raw)
	if string(raw["interface"]) != "null" || string(raw["routing_policy"]) != "null" {
		t.Fatalf("collection detail: interface %s routing_policy %s, want both null", raw["interface"], raw["routing_policy"])
	}
	// By name, the unified route finds the caller's collection (as the
	// SDK's Group.refresh() does), before any platform group.
	var byName collectionView
	ts.doJSON(t, "GET", "/groups/my-llms", keyA, nil, http.StatusOK, &byName)
	if byName.ID != c.ID {
		t.Fatalf("GET /groups/my-llms = %+v, want the collection %s", byName, c.ID)
	}
	var upd collectionView
	ts.doJSON(t, "PATCH", "/groups/"+c.ID, keyA, map[string]any{"display_name": "Renamed", "enabled": false}, http.StatusOK, &upd)
	if *upd.DisplayName != "Renamed" || *upd.Description != "mine" || *upd.Enabled {
		t.Fatalf("after patch = %+v; want display_name changed, description kept, disabled", upd)
	}
	ts.doJSON(t, "PATCH", "/groups/"+c.ID, keyA, map[string]any{"description": nil}, http.StatusOK, &upd)
	if upd.Description != nil || *upd.DisplayName != "Renamed" {
		t.Fatalf("after clearing description = %+v", upd)
	}
	if status, data := ts.do(t, "PATCH", "/groups/"+c.ID, keyA, map[string]any{"enabled": "maybe"}); status != 422 {
		t.Fatalf("patch enabled=maybe: %d %s", status, data)
	}
	status, data := ts.do(t, "DELETE", "/groups/"+c.ID, keyA, nil)
	if status != http.StatusNoContent || len(data) != 0 {
		t.Fatalf("delete: %d %q, want 204 and no body", status, data)
	}
	if status, _ := ts.do(t, "GET", "/groups/"+c.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("get after delete = %d", status)
	}
	if status, _ := ts.do(t, "DELETE", "/groups/"+c.ID, keyA, nil); status != http.StatusNotFound {
		t.Fatalf("second delete = %d, want 404", status)
	}
}

func TestCollectionsNameMustBeASlug(t *testing.T) {
	ts := newTestServer(t)
	for _, name := range []any{"My LLMs", "-lead", "_lead", "", "UPPER", "a/b", strings.Repeat("a", 101), 7, nil} {
		status, data := ts.do(t, "POST", "/groups", keyA, map[string]any{"name": name})
		if status != http.StatusUnprocessableEntity {
			t.Errorf("name %v: %d %s, want 422", name, status, data)
		}
	}
	if status, _ := ts.do(t, "POST", "/groups", keyA, map[string]any{}); status != 422 {
		t.Errorf("missing name: %d", status)
	}
	for _, name := range []string{"a", "0x", "my_llms-2", strings.Repeat("b", 100)} {
		createCollection(t, ts, keyA, "", map[string]any{"name": name})
	}
}

func TestCollectionsDuplicateNameInScopeConflicts(t *testing.T) {
	ts := newTestServer(t)
	createCollection(t, ts, keyA, "", map[string]any{"name": "dup"})
	status, data := ts.do(t, "POST", "/groups", keyA, map[string]any{"name": "dup"})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "already exists") {
		t.Fatalf("duplicate personal: %d %s", status, data)
	}
	// A shared one may share the name; a second shared one may not, even from a teammate.
	createCollection(t, ts, keyA, "?shared=true", map[string]any{"name": "dup"})
	if status, _ := ts.do(t, "POST", "/groups?shared=true", keyA2, map[string]any{"name": "dup"}); status != http.StatusConflict {
		t.Fatalf("duplicate shared from teammate: %d, want 409", status)
	}
	// Another user's personal scope and another customer are separate.
	createCollection(t, ts, keyA2, "", map[string]any{"name": "dup"})
	createCollection(t, ts, keyB, "", map[string]any{"name": "dup"})
}

func TestCollectionsListedWithGroups(t *testing.T) {
	ts := newTestServer(t)
	mine := createCollection(t, ts, keyA, "", map[string]any{"name": "mine"})
	team := createCollection(t, ts, keyA, "?shared=true", map[string]any{"name": "team-llms"})
	createCollection(t, ts, keyB, "", map[string]any{"name": "theirs"})
	names := func(key, query string) []string {
		var l groupList
		ts.doJSON(t, "GET", "/groups"+query, key, nil, http.StatusOK, &l)
		var out []string
		for _, g := range l.Data {
			if g.OwnerType == "customer" {
				out = append(out, g.Name)
			}
		}
		if l.Count != len(l.Data) {
			t.Fatalf("count %d != len %d", l.Count, len(l.Data))
		}
		return out
	}
	eq := func(got []string, want ...string) bool { return strings.Join(got, ",") == strings.Join(want, ",") }
	if got := names(keyA, "?owner=own"); !eq(got, "mine", "team-llms") {
		t.Fatalf("owner=own = %v", got)
	}
	if got := names(keyA, ""); !eq(got, "mine", "team-llms") {
		t.Fatalf("owner=all = %v", got)
	}
	if got := names(keyA, "?owner=system"); len(got) != 0 {
		t.Fatalf("owner=system = %v", got)
	}
	if got := names(keyA, "?owner=own&shared=true"); !eq(got, "team-llms") {
		t.Fatalf("shared=true = %v", got)
	}
	if got := names(keyA, "?owner=own&name=MIN"); !eq(got, "mine") {
		t.Fatalf("name filter = %v", got)
	}
	if got := names(keyA2, "?owner=own"); !eq(got, "team-llms") {
		t.Fatalf("teammate sees %v, want only the shared collection", got)
	}
	if got := names(noAuth, ""); len(got) != 0 {
		t.Fatalf("anonymous sees %v", got)
	}
	if status, _ := ts.do(t, "GET", "/groups?owner=own", noAuth, nil); status != http.StatusUnauthorized {
		t.Fatalf("anonymous owner=own: %d, want 401", status)
	}
	var l groupList
	ts.doJSON(t, "GET", "/groups?owner=own", keyA, nil, http.StatusOK, &l)
	for _, g := range l.Data {
		if g.ID == team.ID && g.Details["shared"] != true || g.ID == mine.ID && g.Details["shared"] != false {
			t.Fatalf("details.shared wrong for %+v", g)
		}
	}
	// A teammate reads the shared collection; another customer does not.
	ts.doJSON(t, "GET", "/groups/"+team.ID, keyA2, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "GET", "/groups/"+mine.ID, keyB, nil); status != http.StatusNotFound {
		t.Fatalf("another customer reads the collection: %d", status)
	}
}

func TestCollectionsMembers(t *testing.T) {
	ts := newTestServer(t)
	c := createCollection(t, ts, keyA, "", map[string]any{"name": "my-llms"})
	ids := serviceIDs(t, ts, "llm", 3)
	addMember(t, ts, keyA, c.ID, map[string]any{"service_id": ids[0], "sort_order": 5}, 201)
	var m memberBody
	data := addMember(t, ts, keyA, c.ID, map[string]any{"service_id": ids[1], "routing_key": map[string]any{"model": "fast-gpt"}}, 201)
	if err := json.Unmarshal(data, &m); err != nil || m.RoutingKey["model"] != "fast-gpt" || m.SortOrder != 0 || m.ServiceID != ids[1] {
		t.Fatalf("member = %+v (%v)", m, err)
	}
	var members []memberBody
	ts.doJSON(t, "GET", "/groups/"+c.ID+"/members", keyA, nil, http.StatusOK, &members)
	if len(members) != 2 || members[0].ServiceID != ids[1] || members[1].ServiceID != ids[0] || members[1].RoutingKey != nil {
		t.Fatalf("members = %+v; want ordered by sort_order, no routing key on the first added", members)
	}
	var got collectionView
	ts.doJSON(t, "GET", "/groups/"+c.ID, keyA, nil, http.StatusOK, &got)
	if got.MemberCount != 2 {
		t.Fatalf("member_count = %d", got.MemberCount)
	}
	var services struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		HasMore bool `json:"has_more"`
	}
	ts.doJSON(t, "GET", "/groups/"+c.ID+"/services", keyA, nil, http.StatusOK, &services)
	if len(services.Data) != 2 || services.HasMore {
		t.Fatalf("collection services = %+v", services)
	}
	ts.doJSON(t, "GET", "/groups/"+c.ID+"/services?limit=1", keyA, nil, http.StatusOK, &services)
	if len(services.Data) != 1 || !services.HasMore {
		t.Fatalf("paged collection services = %+v", services)
	}
	status, data := ts.do(t, "POST", "/groups/"+c.ID+"/members", keyA, map[string]any{"service_id": ids[0]})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), "already a member") {
		t.Fatalf("duplicate member: %d %s", status, data)
	}
	if status, _ := ts.do(t, "POST", "/groups/"+c.ID+"/members", keyA, map[string]any{"service_id": unknownUUID}); status != 404 {
		t.Fatalf("unknown service: %d", status)
	}
	for _, body := range []map[string]any{{}, {"service_id": "x"}, {"service_id": ids[2], "routing_key": "fast"}, {"service_id": ids[2], "sort_order": "first"}} {
		if status, data := ts.do(t, "POST", "/groups/"+c.ID+"/members", keyA, body); status != 422 {
			t.Fatalf("member body %v: %d %s, want 422", body, status, data)
		}
	}
	if status, _ := ts.do(t, "DELETE", "/groups/"+c.ID+"/members/"+ids[0], keyA, nil); status != http.StatusNoContent {
		t.Fatalf("remove member: %d", status)
	}
	if status, _ := ts.do(t, "DELETE", "/groups/"+c.ID+"/members/"+ids[0], keyA, nil); status != http.StatusNotFound {
		t.Fatalf("remove absent member: %d, want 404", status)
	}
	if status, _ := ts.do(t, "DELETE", "/groups/"+c.ID+"/members/nope", keyA, nil); status != 422 {
		t.Fatalf("remove malformed member id: %d, want 422", status)
	}
	ts.doJSON(t, "GET", "/groups/"+c.ID+"/members", keyA, nil, http.StatusOK, &members)
	if len(members) != 1 {
		t.Fatalf("members after remove = %+v", members)
	}
	// Another customer cannot touch them.
	if status, _ := ts.do(t, "GET", "/groups/"+c.ID+"/members", keyB, nil); status != 404 {
		t.Fatalf("another customer lists members: %d", status)
	}
}

func TestCollectionsHoldAtMostTwentyMembers(t *testing.T) {
	ts := newTestServer(t)
	c := createCollection(t, ts, keyA, "", map[string]any{"name": "big"})
	ids := serviceIDs(t, ts, "open-weights", 21)
	for _, id := range ids[:20] {
		addMember(t, ts, keyA, c.ID, map[string]any{"service_id": id}, 201)
	}
	data := addMember(t, ts, keyA, c.ID, map[string]any{"service_id": ids[20]}, http.StatusUnprocessableEntity)
	if !strings.Contains(detail(t, data), "a collection holds up to 20 members") {
		t.Fatalf("21st member: %s", data)
	}
	var got collectionView
	ts.doJSON(t, "GET", "/groups/"+c.ID, keyA, nil, http.StatusOK, &got)
	if got.MemberCount != 20 {
		t.Fatalf("member_count = %d", got.MemberCount)
	}
}

func TestCollectionsMemberMustBeDispatchable(t *testing.T) {
	ts := newTestServer(t)
	c := createCollection(t, ts, keyA, "", map[string]any{"name": "byok"})
	data := addMember(t, ts, keyA, c.ID, map[string]any{"service_id": byokServiceID}, http.StatusUnprocessableEntity)
	if d := detail(t, data); !strings.Contains(d, "my-provider-llm") || !strings.Contains(d, "enrollment") {
		t.Fatalf("ineligible member detail = %s; want it to name the service and the enrollment", d)
	}
	e := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "https://x"})
	addMember(t, ts, keyA, c.ID, map[string]any{"service_id": byokServiceID}, http.StatusUnprocessableEntity) // still pending
	activateNow(t, ts)
	addMember(t, ts, keyA, c.ID, map[string]any{"service_id": byokServiceID}, http.StatusCreated)
	// Another customer without an enrollment still cannot.
	other := createCollection(t, ts, keyB, "", map[string]any{"name": "byok"})
	addMember(t, ts, keyB, other.ID, map[string]any{"service_id": byokServiceID}, http.StatusUnprocessableEntity)
	// An incomplete enrollment does not make it dispatchable.
	ts.doJSON(t, "DELETE", "/enrollments/"+e.ID, keyA, nil, http.StatusOK, nil)
	enrollBYOK(t, ts, keyA, map[string]any{"region": "eu"})
	activateNow(t, ts)
	c2 := createCollection(t, ts, keyA, "", map[string]any{"name": "byok-2"})
	addMember(t, ts, keyA, c2.ID, map[string]any{"service_id": byokServiceID}, http.StatusUnprocessableEntity)
}

func TestCollectionsPlatformGroupsReadOnly(t *testing.T) {
	ts := newTestServer(t)
	gpt := serviceIDs(t, ts, "llm", 1)[0]
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"PATCH", "/groups/" + llmGroupID, map[string]any{"display_name": "x"}},
		{"DELETE", "/groups/" + llmGroupID, nil},
		{"GET", "/groups/" + llmGroupID + "/members", nil},
		{"POST", "/groups/" + llmGroupID + "/members", map[string]any{"service_id": gpt}},
		{"DELETE", "/groups/" + llmGroupID + "/members/" + gpt, nil},
	} {
		status, data := ts.do(t, tc.method, tc.path, keyA, tc.body)
		if status != http.StatusForbidden || !strings.Contains(detail(t, data), "Platform groups are read-only") {
			t.Errorf("%s %s: %d %s, want 403", tc.method, tc.path, status, data)
		}
		status, _ = ts.do(t, tc.method, strings.Replace(tc.path, llmGroupID, unknownUUID, 1), keyA, tc.body)
		if status != http.StatusNotFound {
			t.Errorf("%s unknown id: %d, want 404", tc.method, status)
		}
		status, _ = ts.do(t, tc.method, strings.Replace(tc.path, llmGroupID, "llm", 1), keyA, tc.body)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%s by name: %d, want 422 (the id must be a UUID)", tc.method, status)
		}
	}
	if status, _ := ts.do(t, "POST", "/groups", noAuth, map[string]any{"name": "x"}); status != 401 {
		t.Errorf("anonymous create: %d", status)
	}
}

func TestCollectionsGroupTypeFollowsMembers(t *testing.T) {
	ts := newTestServer(t)
	groupType := func(id string) string {
		var got collectionView
		ts.doJSON(t, "GET", "/groups/"+id, keyA, nil, http.StatusOK, &got)
		return *got.GroupType
	}
	c := createCollection(t, ts, keyA, "", map[string]any{"name": "mixed"})
	if gt := groupType(c.ID); gt != "open" {
		t.Fatalf("empty collection group_type = %s, want open", gt)
	}
	llm := serviceIDs(t, ts, "llm", 2)
	emb := serviceIDs(t, ts, "embeddings", 1)
	addMember(t, ts, keyA, c.ID, map[string]any{"service_id": llm[0]}, 201)
	addMember(t, ts, keyA, c.ID, map[string]any{"service_id": llm[1]}, 201)
	if gt := groupType(c.ID); gt != "open" {
		t.Fatalf("llm-only group_type = %s, want open", gt)
	}
	addMember(t, ts, keyA, c.ID, map[string]any{"service_id": emb[0]}, 201)
	if gt := groupType(c.ID); gt != "keyed" {
		t.Fatalf("llm+embedding group_type = %s, want keyed", gt)
	}
	// One routing key over two formats: not routable.
	c2 := createCollection(t, ts, keyA, "", map[string]any{"name": "clash"})
	addMember(t, ts, keyA, c2.ID, map[string]any{"service_id": llm[0], "routing_key": map[string]any{"model": "x"}}, 201)
	addMember(t, ts, keyA, c2.ID, map[string]any{"service_id": emb[0], "routing_key": map[string]any{"model": "x"}}, 201)
	if gt := groupType(c2.ID); gt != "collection" {
		t.Fatalf("clashing keys group_type = %s, want collection", gt)
	}
	var l groupList
	ts.doJSON(t, "GET", "/groups?owner=own", keyA, nil, http.StatusOK, &l)
	for _, g := range l.Data {
		if g.ID == c2.ID && (*g.GroupType != "collection" || g.MemberCount != 2) {
			t.Fatalf("list view of clash = %+v", g)
		}
	}
}

type membershipBody struct {
	ServiceID string `json:"service_id"`
	Eligible  bool   `json:"eligible"`
	Groups    []struct {
		ID        *string `json:"id"`
		Name      string  `json:"name"`
		Member    bool    `json:"member"`
		IsDefault bool    `json:"is_default"`
	} `json:"groups"`
}

func (m membershipBody) member(name string) bool {
	for _, g := range m.Groups {
		if g.Name == name {
			return g.Member
		}
	}
	return false
}

func TestCollectionsServiceMembershipView(t *testing.T) {
	ts := newTestServer(t)
	a := createCollection(t, ts, keyA, "", map[string]any{"name": "a"})
	b := createCollection(t, ts, keyA, "?shared=true", map[string]any{"name": "b"})
	gpt := serviceIDs(t, ts, "llm", 1)[0]
	addMember(t, ts, keyA, a.ID, map[string]any{"service_id": gpt}, 201)

	var m membershipBody
	ts.doJSON(t, "GET", "/services/"+gpt+"/groups", keyA, nil, http.StatusOK, &m)
	if !m.Eligible || len(m.Groups) != 3 || !m.Groups[0].IsDefault || m.Groups[0].ID != nil {
		t.Fatalf("membership = %+v; want eligible, synthetic favorites first, then a and b", m)
	}
	if !m.member("a") {
		t.Fatal("a not flagged as holding the service")
	}
	// Move it from a to b and into favorites (created on first use).
	ts.doJSON(t, "PUT", "/services/"+gpt+"/groups", keyA, map[string]any{"group_ids": []string{b.ID}, "include_default": true}, http.StatusOK, &m)
	if m.member("a") {
		t.Fatal("still in a")
	}
	if !m.member("b") {
		t.Fatal("not in b")
	}
	if m.Groups[0].ID == nil || !m.Groups[0].Member || m.Groups[0].Name != "favorites" {
		t.Fatalf("favorites entry = %+v", m.Groups[0])
	}
	// Consistent with the members routes.
	var members []memberBody
	ts.doJSON(t, "GET", "/groups/"+b.ID+"/members", keyA, nil, http.StatusOK, &members)
	if len(members) != 1 || members[0].ServiceID != gpt {
		t.Fatalf("b members = %+v", members)
	}
	ts.doJSON(t, "GET", "/groups/"+a.ID+"/members", keyA, nil, http.StatusOK, &members)
	if len(members) != 0 {
		t.Fatalf("a members = %+v", members)
	}
	// Clear everything.
	ts.doJSON(t, "PUT", "/services/"+gpt+"/groups", keyA, map[string]any{}, http.StatusOK, &m)
	for _, g := range m.Groups {
		if g.Member {
			t.Fatalf("still a member of %s", g.Name)
		}
	}
	// Errors: platform group, unknown collection, ineligible service.
	status, data := ts.do(t, "PUT", "/services/"+gpt+"/groups", keyA, map[string]any{"group_ids": []string{llmGroupID}})
	if status != 403 || !strings.Contains(detail(t, data), "Platform groups are read-only") {
		t.Fatalf("platform group: %d %s", status, data)
	}
	if status, _ := ts.do(t, "PUT", "/services/"+gpt+"/groups", keyA, map[string]any{"group_ids": []string{unknownUUID}}); status != 404 {
		t.Fatalf("unknown collection: %d", status)
	}
	if status, _ := ts.do(t, "PUT", "/services/"+gpt+"/groups", keyA, map[string]any{"group_ids": []string{"x"}}); status != 422 {
		t.Fatalf("malformed id: %d", status)
	}
	ts.doJSON(t, "GET", "/services/"+byokServiceID+"/groups", keyA, nil, http.StatusOK, &m)
	if m.Eligible {
		t.Fatal("BYOK service eligible without an enrollment")
	}
	status, data = ts.do(t, "PUT", "/services/"+byokServiceID+"/groups", keyA, map[string]any{"group_ids": []string{a.ID}})
	if status != 422 || !strings.Contains(detail(t, data), "my-provider-llm") {
		t.Fatalf("ineligible service: %d %s", status, data)
	}
}

func TestCollectionsServiceMembershipRespectsLimit(t *testing.T) {
	ts := newTestServer(t)
	c := createCollection(t, ts, keyA, "", map[string]any{"name": "full"})
	ids := serviceIDs(t, ts, "open-weights", 21)
	for _, id := range ids[:20] {
		addMember(t, ts, keyA, c.ID, map[string]any{"service_id": id}, 201)
	}
	status, data := ts.do(t, "PUT", "/services/"+ids[20]+"/groups", keyA, map[string]any{"group_ids": []string{c.ID}})
	if status != 422 || !strings.Contains(detail(t, data), "a collection holds up to 20 members") {
		t.Fatalf("PUT into a full collection: %d %s", status, data)
	}
}

func TestCollectionsDeleteRemovesMembers(t *testing.T) {
	ts := newTestServer(t)
	c := createCollection(t, ts, keyA, "", map[string]any{"name": "gone"})
	addMember(t, ts, keyA, c.ID, map[string]any{"service_id": serviceIDs(t, ts, "llm", 1)[0]}, 201)
	ts.doJSON(t, "DELETE", "/groups/"+c.ID, keyA, nil, http.StatusNoContent, nil)
	var n int
	if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM collection_members`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("members left after delete: %d (%v)", n, err)
	}
	// The name is free again.
	createCollection(t, ts, keyA, "", map[string]any{"name": "gone"})
}

// GET /groups/{name} and /groups/{name}/services resolve a name as
// /g/<name> does: the caller's personal collection, then the team's
// shared one, then the platform group. Others' collections never match.
func TestGroupNameResolvesOwnCollectionFirst(t *testing.T) {
	ts := newTestServer(t)
	shared := createCollection(t, ts, keyA2, "?shared=true", map[string]any{"name": "llm"})
	addMember(t, ts, keyA2, shared.ID, map[string]any{"service_id": gpt4oMiniID}, http.StatusCreated)
	var got collectionView
	ts.doJSON(t, "GET", "/groups/llm", keyA, nil, http.StatusOK, &got)
	if got.ID != shared.ID {
		t.Fatalf("a teammate's shared collection named llm: got %s (%s), want the collection", got.ID, got.OwnerType)
	}
	personal := createCollection(t, ts, keyA, "", map[string]any{"name": "llm"})
	ts.doJSON(t, "GET", "/groups/llm", keyA, nil, http.StatusOK, &got)
	if got.ID != personal.ID {
		t.Fatalf("personal and shared collections named llm: got %s, want the personal one %s", got.ID, personal.ID)
	}
	var services struct {
		Data []struct{ ID string } `json:"data"`
	}
	ts.doJSON(t, "GET", "/groups/llm/services", keyA2, nil, http.StatusOK, &services)
	if len(services.Data) != 1 || services.Data[0].ID != gpt4oMiniID {
		t.Fatalf("/groups/llm/services for the teammate = %+v, want the shared collection's one member", services.Data)
	}
	ts.doJSON(t, "GET", "/groups/llm/services", keyA, nil, http.StatusOK, &services)
	if len(services.Data) != 0 {
		t.Fatalf("/groups/llm/services = %+v, want the personal collection's (empty)", services.Data)
	}
	// Another customer, and anonymous callers, get the platform group.
	for _, key := range []string{keyB, noAuth} {
		ts.doJSON(t, "GET", "/groups/llm", key, nil, http.StatusOK, &got)
		if got.ID != llmGroupID || got.OwnerType != "platform" {
			t.Fatalf("GET /groups/llm as %q = %s %s, want the platform group", key, got.ID, got.OwnerType)
		}
	}
}
