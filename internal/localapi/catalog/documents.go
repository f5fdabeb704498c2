package catalog

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/google/uuid"
)

// DocumentCategories are the spec's DocumentCategoryEnum values.
var DocumentCategories = []string{
	"getting_started", "api_reference", "tutorial", "code_example", "code_example_output", "connectivity_test",
	"request_template", "use_case", "troubleshooting", "changelog", "best_practice", "specification",
	"service_level_agreement", "terms_of_service", "statement", "invoice", "logo", "avatar", "blog_content",
	"blog_banner", "attachment", "other",
}

// DocumentSpec is a document as the catalog file declares it: one entry
// may serve several services. Content is a Go text/template rendered
// against an interface (fields .base_url, .interface, .service_name,
// .model) when the category is renderable.
type DocumentSpec struct {
	// Key tells documents of one service apart; the document's id is
	// derived from the service id and the key.
	Key         string   `json:"key"`
	Services    []string `json:"services"`
	Title       string   `json:"title"`
	Description *string  `json:"description"`
	Category    string   `json:"category"`
	MimeType    string   `json:"mime_type"`
	Version     *string  `json:"version"`
	SortOrder   int      `json:"sort_order"`
	ExternalURL *string  `json:"external_url"`
	Filename    *string  `json:"filename"`
	Content     *string  `json:"content"`
	// Public documents are the only ones the API shows (is_public
	// defaults to false, as the real API's does).
	Public bool `json:"is_public"`
}

// Document is one service's document.
type Document struct {
	ID string
	*DocumentSpec
	tmpl *template.Template
}

// documentNamespace derives document ids from (service id, key).
var documentNamespace = uuid.MustParse("6f2a4f0e-2b1c-4c1e-9a3e-2d7b6c0a9e51")

// Renderable reports whether the document is a template rendered against
// an interface (code examples and connectivity tests), as the API does.
func (d *Document) Renderable() bool {
	return d.Category == "code_example" || d.Category == "connectivity_test"
}

// RenderedFilename is the filename with a template's ".j2" dropped.
func (d *Document) RenderedFilename() *string {
	if d.Filename == nil {
		return nil
	}
	f := strings.TrimSuffix(*d.Filename, ".j2")
	return &f
}

// Render returns the document's content for an interface's base URL: the
// template's output for a renderable document, the text as it is
// otherwise. A template that fails gives its error instead.
func (d *Document) Render(s *Service, iface, baseURL string) (content *string, renderErr *string) {
	if d.Content == nil {
		return nil, nil
	}
	if d.tmpl == nil {
		return d.Content, nil
	}
	model := s.Name
	if m, ok := s.RoutingKey["model"].(string); ok {
		model = m
	}
	var b bytes.Buffer
	err := d.tmpl.Execute(&b, map[string]string{"base_url": baseURL, "interface": iface, "service_name": s.Name, "model": model})
	if err != nil {
		msg := err.Error()
		return nil, &msg
	}
	out := b.String()
	return &out, nil
}

// indexDocuments checks the documents and files them under their
// services, sorted by sort order then title.
func (c *Catalog) indexDocuments(specs []*DocumentSpec) error {
	c.documents = map[string][]*Document{}
	for _, spec := range specs {
		if spec.Key == "" || spec.Title == "" || spec.MimeType == "" {
			return fmt.Errorf("a document needs a key, a title and a mime_type")
		}
		if !slices.Contains(DocumentCategories, spec.Category) {
			return fmt.Errorf("document %s: unknown category %q", spec.Key, spec.Category)
		}
		var tmpl *template.Template
		d := &Document{DocumentSpec: spec}
		if d.Renderable() && spec.Content != nil {
			var err error
			if tmpl, err = template.New(spec.Key).Option("missingkey=error").Parse(*spec.Content); err != nil {
				return fmt.Errorf("document %s: %w", spec.Key, err)
			}
		}
		for _, name := range spec.Services {
			s, ok := c.servicesByName[name]
			if !ok {
				return fmt.Errorf("document %s names unknown service %q", spec.Key, name)
			}
			id := uuid.NewSHA1(documentNamespace, []byte(s.ID+"/"+spec.Key)).String()
			c.documents[s.ID] = append(c.documents[s.ID], &Document{ID: id, DocumentSpec: spec, tmpl: tmpl})
		}
	}
	for _, docs := range c.documents {
		slices.SortStableFunc(docs, func(a, b *Document) int {
			if a.SortOrder != b.SortOrder {
				return a.SortOrder - b.SortOrder
			}
			return strings.Compare(a.Title, b.Title)
		})
	}
	return nil
}

// Documents returns a service's documents, public or not, in order.
func (c *Catalog) Documents(serviceID string) []*Document { return c.documents[serviceID] }
