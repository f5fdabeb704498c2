package api_test

import (
	"net/http"
	"strings"
	"testing"
)

type documentsResponse struct {
	Interface           *string  `json:"interface"`
	AvailableInterfaces []string `json:"available_interfaces"`
	Documents           []struct {
		ID          string  `json:"id"`
		Title       string  `json:"title"`
		Category    string  `json:"category"`
		MimeType    string  `json:"mime_type"`
		SortOrder   int     `json:"sort_order"`
		ExternalURL *string `json:"external_url"`
		Filename    *string `json:"filename"`
		Content     *string `json:"content"`
		RenderError *string `json:"render_error"`
	} `json:"documents"`
}

func serviceID(t *testing.T, ts *testServer, name string) string {
	t.Helper()
	for _, s := range ts.Catalog.Services {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no service %s in the catalog", name)
	return ""
}

func TestDocumentsListAnonymousPublicOnly(t *testing.T) {
	ts := newTestServer(t)
	id := serviceID(t, ts, "gpt-4o-mini")
	var all documentsResponse
	ts.doJSON(t, "GET", "/services/"+id+"/documents", noAuth, nil, http.StatusOK, &all)
	if len(all.Documents) < 4 {
		t.Fatalf("%d documents, want the catalog's public ones", len(all.Documents))
	}
	categories := map[string]bool{}
	for i, d := range all.Documents {
		categories[d.Category] = true
		if d.Content != nil {
			t.Errorf("%s: content without include_content", d.Title)
		}
		if strings.Contains(d.Title, "internal") {
			t.Errorf("a non-public document was listed: %s", d.Title)
		}
		if i > 0 && all.Documents[i-1].SortOrder > d.SortOrder {
			t.Errorf("documents not in sort order")
		}
		if d.Filename != nil && strings.HasSuffix(*d.Filename, ".j2") {
			t.Errorf("%s: filename %s keeps the template suffix", d.Title, *d.Filename)
		}
	}
	if len(categories) < 3 {
		t.Errorf("categories %v: want documents of several categories", categories)
	}
	if all.Interface == nil || *all.Interface != "canonical" || strings.Join(all.AvailableInterfaces, ",") != "canonical,llm" {
		t.Fatalf("interface %v of %v, want canonical of canonical,llm", all.Interface, all.AvailableInterfaces)
	}
}

func TestDocumentsFiltersAndRendering(t *testing.T) {
	ts := newTestServer(t)
	id := serviceID(t, ts, "gpt-4o-mini")
	var py documentsResponse
	ts.doJSON(t, "GET", "/services/"+id+"/documents?category=code_example&mime_type=python&include_content=true", keyA, nil, http.StatusOK, &py)
	if len(py.Documents) != 1 || py.Documents[0].Content == nil {
		t.Fatalf("python example: %+v", py)
	}
	c := *py.Documents[0].Content
	if !strings.Contains(c, `base_url="`+gateway+"/p/"+id+`/v1"`) || !strings.Contains(c, `model="gpt-4o-mini"`) || strings.Contains(c, "{{") {
		t.Fatalf("example not rendered against the canonical interface:\n%s", c)
	}
	var viaGroup documentsResponse
	ts.doJSON(t, "GET", "/services/"+id+"/documents?category=code_example&mime_type=python&include_content=true&interface=llm", noAuth, nil, http.StatusOK, &viaGroup)
	if *viaGroup.Interface != "llm" || !strings.Contains(*viaGroup.Documents[0].Content, gateway+"/g/llm/v1") {
		t.Fatalf("example not rendered against the llm interface: %+v", viaGroup)
	}
	// One document by id, with content, in the same envelope.
	var one documentsResponse
	ts.doJSON(t, "GET", "/services/"+id+"/documents/"+py.Documents[0].ID, noAuth, nil, http.StatusOK, &one)
	if len(one.Documents) != 1 || one.Documents[0].ID != py.Documents[0].ID || one.Documents[0].Content == nil {
		t.Fatalf("one document: %+v", one)
	}
	// A URL-backed document has no content, only its external URL.
	var ref documentsResponse
	ts.doJSON(t, "GET", "/services/"+id+"/documents?category=api_reference&include_content=true", noAuth, nil, http.StatusOK, &ref)
	if len(ref.Documents) != 1 || ref.Documents[0].Content != nil || ref.Documents[0].ExternalURL == nil {
		t.Fatalf("api reference: %+v", ref)
	}
}

func TestDocumentsErrors(t *testing.T) {
	ts := newTestServer(t)
	id := serviceID(t, ts, "gpt-4o-mini")
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{"/services/" + id + "/documents?category=recipe", 422, `["query","category"] Input should be 'getting_started'`},
		{"/services/" + id + "/documents?interface=latest", 422, "Unknown interface 'latest'; this service's interfaces are: canonical, llm"},
		{"/services/" + id + "/documents?include_content=maybe", 422, `["query","include_content"]`},
		{"/services/not-a-uuid/documents", 422, `["path","service_id"]`},
		{"/services/00000000-0000-0000-0000-000000000000/documents", 404, "Service '00000000-0000-0000-0000-000000000000' not found"},
		{"/services/" + id + "/documents/00000000-0000-0000-0000-000000000000", 404, "Document '00000000-0000-0000-0000-000000000000' not found"},
		{"/services/" + id + "/documents/nope", 422, `["path","document_id"]`},
	}
	for _, c := range cases {
		status, data := ts.do(t, "GET", c.path, noAuth, nil)
		if status != c.status || !strings.Contains(detail(t, data), c.want) {
			t.Errorf("GET %s: %d %s, want %d with %q", c.path, status, data, c.status, c.want)
		}
	}
	// A non-public document cannot be read by id either.
	for _, d := range ts.Catalog.Documents(id) {
		if !d.Public {
			status, _ := ts.do(t, "GET", "/services/"+id+"/documents/"+d.ID, noAuth, nil)
			if status != http.StatusNotFound {
				t.Errorf("non-public document %s: status %d, want 404", d.Title, status)
			}
		}
	}
}
