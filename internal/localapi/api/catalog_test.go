package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type platformGroupList struct {
	Data []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		OwnerType   string `json:"owner_type"`
		Editable    bool   `json:"editable"`
		MemberCount int    `json:"member_count"`
		GroupType   string `json:"group_type"`
	} `json:"data"`
	Count int `json:"count"`
}

type servicePage struct {
	Data []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"data"`
	NextCursor *string `json:"next_cursor"`
	HasMore    bool    `json:"has_more"`
}

func TestCatalogListGroups(t *testing.T) {
	ts := newTestServer(t)
	var all platformGroupList
	ts.doJSON(t, "GET", "/groups", noAuth, nil, http.StatusOK, &all)
	if all.Count != len(ts.Catalog.Groups) || len(all.Data) != all.Count {
		t.Fatalf("anonymous list: %d groups, want the catalog's %d", all.Count, len(ts.Catalog.Groups))
	}
	for _, g := range all.Data {
		if g.OwnerType != "platform" || g.Editable {
			t.Fatalf("platform group %s: owner_type %s editable %v", g.Name, g.OwnerType, g.Editable)
		}
	}
	var system platformGroupList
	ts.doJSON(t, "GET", "/groups?owner=system&name=LL", keyA, nil, http.StatusOK, &system)
	if system.Count != 1 || system.Data[0].Name != "llm" || system.Data[0].MemberCount != 8 || system.Data[0].GroupType != "open" {
		t.Fatalf("name filter (case-insensitive substring): %+v", system)
	}
	var own platformGroupList
	ts.doJSON(t, "GET", "/groups?owner=own", keyA, nil, http.StatusOK, &own)
	for _, g := range own.Data {
		if g.OwnerType == "platform" {
			t.Fatalf("owner=own listed platform group %s", g.Name)
		}
	}
	status, data := ts.do(t, "GET", "/groups?owner=mine", keyA, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), `["query","owner"]`) {
		t.Fatalf("bad owner: %d %s", status, data)
	}
}

func TestCatalogGetGroup(t *testing.T) {
	ts := newTestServer(t)
	llm, _ := ts.Catalog.Group("llm")
	var byName, byID struct {
		ID            string         `json:"id"`
		Name          string         `json:"name"`
		Editable      bool           `json:"editable"`
		RoutingPolicy map[string]any `json:"routing_policy"`
		Interface     struct {
			BaseURL   string `json:"base_url"`
			GroupName string `json:"group_name"`
		} `json:"interface"`
	}
	ts.doJSON(t, "GET", "/groups/llm", noAuth, nil, http.StatusOK, &byName)
	ts.doJSON(t, "GET", "/groups/"+llm.ID, noAuth, nil, http.StatusOK, &byID)
	if byName.ID != llm.ID || byID.Name != "llm" || byName.Editable {
		t.Fatalf("by name %+v, by id %+v", byName, byID)
	}
	if byName.RoutingPolicy["strategy"] != "weighted_random" {
		t.Fatalf("routing_policy = %v", byName.RoutingPolicy)
	}
	if byName.Interface.BaseURL != gateway+"/g/llm" || byName.Interface.GroupName != "llm" {
		t.Fatalf("interface = %+v: the base URL must be resolved against the gateway", byName.Interface)
	}
	// enabled is a collection's; a platform group's is null.
	var raw map[string]json.RawMessage
	ts.doJSON(t, "GET", "/groups/llm", noAuth, nil, http.StatusOK, &raw)
	if string(raw["enabled"]) != "null" {
		t.Fatalf("platform group enabled = %s, want null", raw["enabled"])
	}
	status, data := ts.do(t, "GET", "/groups/no-such-group", noAuth, nil)
	if status != http.StatusNotFound || !strings.Contains(detail(t, data), "no-such-group") {
		t.Fatalf("unknown group: %d %s", status, data)
	}
}

func TestCatalogGroupServicesPagination(t *testing.T) {
	ts := newTestServer(t)
	g, _ := ts.Catalog.Group("open-weights")
	want := ts.Catalog.GroupServices(g)
	var got []string
	cursor := ""
	pages := 0
	for {
		path := "/groups/open-weights/services?limit=30"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var p servicePage
		ts.doJSON(t, "GET", path, noAuth, nil, http.StatusOK, &p)
		pages++
		for _, s := range p.Data {
			got = append(got, s.ID)
		}
		if !p.HasMore {
			if p.NextCursor != nil {
				t.Fatal("last page has a next_cursor")
			}
			break
		}
		cursor = *p.NextCursor
	}
	if len(got) != len(want) || pages != (len(want)+29)/30 {
		t.Fatalf("%d services in %d pages, want %d in %d", len(got), pages, len(want), (len(want)+29)/30)
	}
	for i := range want {
		if got[i] != want[i].ID {
			t.Fatalf("service %d = %s, want %s (order must be stable across pages)", i, got[i], want[i].ID)
		}
	}
	// Default page size is 50.
	var p servicePage
	ts.doJSON(t, "GET", "/groups/open-weights/services", noAuth, nil, http.StatusOK, &p)
	if len(p.Data) != 50 || !p.HasMore {
		t.Fatalf("default page: %d services, has_more %v", len(p.Data), p.HasMore)
	}
}

func TestCatalogGroupServicesSearch(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct {
		search string
		want   int
	}{{"llama", 3}, {"GROQ", 1}, {"Claude 3.5", 1}, {"nothing-matches", 0}} {
		var p servicePage
		ts.doJSON(t, "GET", "/groups/llm/services?search="+url.QueryEscape(c.search), noAuth, nil, http.StatusOK, &p)
		if len(p.Data) != c.want {
			t.Errorf("search %q: %d services, want %d (name, display name or provider)", c.search, len(p.Data), c.want)
		}
	}
}

func TestCatalogGroupServicesValidation(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct{ query, loc string }{
		{"limit=0", `["query","limit"]`},
		{"limit=201", `["query","limit"]`},
		{"limit=ten", `["query","limit"]`},
		{"cursor=%21%21", `["query","cursor"]`},
	} {
		status, data := ts.do(t, "GET", "/groups/llm/services?"+c.query, noAuth, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), c.loc) {
			t.Errorf("%s: %d %s, want 422 at %s", c.query, status, data, c.loc)
		}
	}
	ts.doJSON(t, "GET", "/groups/llm/services?limit=200", noAuth, nil, http.StatusOK, nil)
	if status, _ := ts.do(t, "GET", "/groups/nope/services", noAuth, nil); status != http.StatusNotFound {
		t.Fatalf("unknown group services: %d", status)
	}
}

func byokService(t *testing.T, ts *testServer) string {
	t.Helper()
	for _, s := range ts.Catalog.Services {
		if s.Name == "my-provider-llm" {
			return s.ID
		}
	}
	t.Fatal("catalog lacks my-provider-llm")
	return ""
}

func TestCatalogService(t *testing.T) {
	ts := newTestServer(t)
	llm, _ := ts.Catalog.Group("llm")
	id := ts.Catalog.GroupServices(llm)[0].ID
	var svc struct {
		ID           string         `json:"id"`
		Name         string         `json:"name"`
		ProviderName string         `json:"provider_name"`
		ListPrice    map[string]any `json:"list_price"`
	}
	ts.doJSON(t, "GET", "/services/"+id, noAuth, nil, http.StatusOK, &svc)
	if svc.ID != id || svc.ProviderName == "" || svc.ListPrice["currency"] != "USD" {
		t.Fatalf("service = %+v", svc)
	}
	var ifaces []struct {
		Name         string  `json:"name"`
		BaseURL      string  `json:"base_url"`
		EnrollmentID *string `json:"enrollment_id"`
	}
	ts.doJSON(t, "GET", "/services/"+id+"/interfaces", noAuth, nil, http.StatusOK, &ifaces)
	if len(ifaces) != 1 || ifaces[0].BaseURL != gateway+"/p/"+id || ifaces[0].EnrollmentID != nil {
		t.Fatalf("interfaces = %+v", ifaces)
	}
	var usage struct {
		EnrollmentMode   string `json:"enrollment_mode"`
		RoutingEndpoints []struct {
			BaseURL            string `json:"base_url"`
			RoutingKeyRequired bool   `json:"routing_key_required"`
		} `json:"routing_endpoints"`
	}
	ts.doJSON(t, "GET", "/services/"+id+"/usage", noAuth, nil, http.StatusOK, &usage)
	if usage.EnrollmentMode != "disallowed" || len(usage.RoutingEndpoints) != 1 || usage.RoutingEndpoints[0].BaseURL != gateway+"/g/llm" {
		t.Fatalf("usage = %+v", usage)
	}
	for _, c := range []struct {
		path string
		want int
	}{
		{"/services/not-a-uuid", http.StatusUnprocessableEntity},
		{"/services/00000000-0000-0000-0000-000000000000", http.StatusNotFound},
		{"/services/00000000-0000-0000-0000-000000000000/usage", http.StatusNotFound},
		{"/services/00000000-0000-0000-0000-000000000000/interfaces", http.StatusNotFound},
	} {
		if status, data := ts.do(t, "GET", c.path, noAuth, nil); status != c.want {
			t.Errorf("%s: %d %s, want %d", c.path, status, data, c.want)
		}
	}
}

func TestCatalogBYOKUsage(t *testing.T) {
	ts := newTestServer(t)
	id := byokService(t, ts)
	var usage struct {
		EnrollmentMode string `json:"enrollment_mode"`
		Parameters     []struct {
			Name     string `json:"name"`
			Required bool   `json:"required"`
		} `json:"parameters"`
		Channels []struct {
			RequiresEnrollment bool `json:"requires_enrollment"`
			RequiredSecrets    []struct {
				Name string `json:"name"`
			} `json:"required_secrets"`
		} `json:"channels"`
	}
	ts.doJSON(t, "GET", "/services/"+id+"/usage", noAuth, nil, http.StatusOK, &usage)
	got := fmt.Sprintf("%s %v %v %v", usage.EnrollmentMode, usage.Parameters, usage.Channels[0].RequiresEnrollment, usage.Channels[0].RequiredSecrets)
	if got != "required [{endpoint true} {region false}] true [{MY_PROVIDER_API_KEY}]" {
		t.Fatalf("BYOK usage = %s", got)
	}
}
