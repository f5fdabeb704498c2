package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ServiceDocument is one of a service's public documents.
type ServiceDocument struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	Description *string `json:"description"`
	Category    string  `json:"category"`
	MimeType    string  `json:"mime_type"`
	Version     *string `json:"version"`
	SortOrder   int64   `json:"sort_order"`
	ExternalURL *string `json:"external_url"`
	Filename    *string `json:"filename"`
	Content     *string `json:"content"`
	RenderError *string `json:"render_error"`
}

// ServiceDocuments is the answer of the document routes: the documents,
// and the interface their examples were rendered against.
type ServiceDocuments struct {
	Interface           *string           `json:"interface"`
	AvailableInterfaces []string          `json:"available_interfaces"`
	Documents           []ServiceDocument `json:"documents"`
}

// DocumentFilter filters GET /services/{id}/documents.
type DocumentFilter struct {
	Category       string
	MimeType       string
	IncludeContent bool
	// Interface renders examples against this interface key; empty means
	// the service's default.
	Interface string
}

// ListServiceDocuments lists a service's public documents. It needs no
// API key.
func (c *Client) ListServiceDocuments(ctx context.Context, serviceID string, f DocumentFilter) (*ServiceDocuments, error) {
	q := url.Values{}
	if f.Category != "" {
		q.Set("category", f.Category)
	}
	if f.MimeType != "" {
		q.Set("mime_type", f.MimeType)
	}
	if f.IncludeContent {
		q.Set("include_content", strconv.FormatBool(true))
	}
	if f.Interface != "" {
		q.Set("interface", f.Interface)
	}
	return call[ServiceDocuments](ctx, c, request{method: http.MethodGet, path: pathf("/services/%s/documents", serviceID), query: q})
}

// GetServiceDocument returns one document with its content, in the same
// envelope as the listing.
func (c *Client) GetServiceDocument(ctx context.Context, serviceID, documentID, iface string) (*ServiceDocuments, error) {
	var q url.Values
	if iface != "" {
		q = url.Values{"interface": {iface}}
	}
	return call[ServiceDocuments](ctx, c, request{method: http.MethodGet, path: pathf("/services/%s/documents/%s", serviceID, documentID), query: q})
}
