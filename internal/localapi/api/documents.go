package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
)

// routeDocuments serves a service's documents. They are readable without
// a key, public documents only, like the rest of the catalog.
func (a *API) routeDocuments() {
	a.handle("GET", "/services/{service_id}/documents", a.listServiceDocuments)
	a.handle("GET", "/services/{service_id}/documents/{document_id}", a.getServiceDocument)
}

// documentDetail is ServiceDocumentDetail.
type documentDetail struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	Description *string `json:"description"`
	Category    string  `json:"category"`
	MimeType    string  `json:"mime_type"`
	Version     *string `json:"version"`
	SortOrder   int     `json:"sort_order"`
	ExternalURL *string `json:"external_url"`
	Filename    *string `json:"filename"`
	Content     *string `json:"content"`
	RenderError *string `json:"render_error"`
}

// documentInterfaces are the interfaces a service's examples can be
// rendered against, by key: "canonical" (the service's own /p/<id>
// path) first, as the default, then each routable platform group it is
// in.
func (a *API) documentInterfaces(s *catalog.Service) (keys []string, baseURLs map[string]string) {
	keys = []string{"canonical"}
	baseURLs = map[string]string{"canonical": a.gateway + "/p/" + s.ID}
	for _, g := range a.catalog.GroupsOf(s.ID) {
		if g.GroupType == "open" || g.GroupType == "keyed" {
			keys = append(keys, g.Name)
			baseURLs[g.Name] = a.gateway + "/g/" + g.Name
		}
	}
	return keys, baseURLs
}

// writeDocuments checks ?interface and writes the ServiceDocumentsResponse
// of docs, rendered against that interface.
func (a *API) writeDocuments(w http.ResponseWriter, r *http.Request, s *catalog.Service, docs []*catalog.Document, withContent bool) {
	keys, urls := a.documentInterfaces(s)
	iface := r.URL.Query().Get("interface")
	if iface == "" {
		iface = keys[0]
	}
	if _, ok := urls[iface]; !ok {
		unprocessable(w, "Unknown interface '"+iface+"'; this service's interfaces are: "+strings.Join(keys, ", "), "value_error", "query", "interface")
		return
	}
	out := make([]documentDetail, 0, len(docs))
	for _, d := range docs {
		v := documentDetail{
			ID: d.ID, Title: d.Title, Description: d.Description, Category: d.Category, MimeType: d.MimeType,
			Version: d.Version, SortOrder: d.SortOrder, ExternalURL: d.ExternalURL, Filename: d.Filename,
		}
		if d.Renderable() {
			v.Filename = d.RenderedFilename()
		}
		if withContent {
			v.Content, v.RenderError = d.Render(s, iface, urls[iface])
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"interface": iface, "available_interfaces": keys, "documents": out})
}

func (a *API) listServiceDocuments(w http.ResponseWriter, r *http.Request) {
	s, ok := a.serviceFromPath(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	q := r.URL.Query()
	category, mime := q.Get("category"), q.Get("mime_type")
	if category != "" && !slices.Contains(catalog.DocumentCategories, category) {
		errs.add("Input should be "+quotedList(catalog.DocumentCategories), "enum", "query", "category")
	}
	withContent := queryBool(r, "include_content", false, &errs)
	if errs.write(w) {
		return
	}
	var docs []*catalog.Document
	for _, d := range a.catalog.Documents(s.ID) {
		if d.Public && (category == "" || d.Category == category) && (mime == "" || strings.EqualFold(d.MimeType, mime)) {
			docs = append(docs, d)
		}
	}
	a.writeDocuments(w, r, s, docs, withContent)
}

func (a *API) getServiceDocument(w http.ResponseWriter, r *http.Request) {
	s, ok := a.serviceFromPath(w, r)
	if !ok {
		return
	}
	id, ok := pathID(w, r, "document_id")
	if !ok {
		return
	}
	for _, d := range a.catalog.Documents(s.ID) {
		if d.ID == id && d.Public {
			a.writeDocuments(w, r, s, []*catalog.Document{d}, true)
			return
		}
	}
	writeDetail(w, http.StatusNotFound, "Document '"+id+"' not found for service '"+s.ID+"'")
}
