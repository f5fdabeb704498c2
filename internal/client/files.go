package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Account-file scopes.
const (
	FileScopePersonal = "personal"
	FileScopeShared   = "shared"
)

// AccountFilesPageSize is the page size ListAccountFiles asks for: the
// API's largest max_keys.
const AccountFilesPageSize = 1000

// AccountFileObject is one object of a listing; its key is relative to
// the scope root.
type AccountFileObject struct {
	Key          string `json:"key"`
	Size         int64  `json:"size"`
	LastModified string `json:"last_modified"`
}

// AccountFilesList is one page of GET /files/list.
type AccountFilesList struct {
	Scope                 string              `json:"scope"`
	Path                  string              `json:"path"`
	Objects               []AccountFileObject `json:"objects"`
	CommonPrefixes        []string            `json:"common_prefixes"`
	IsTruncated           bool                `json:"is_truncated"`
	NextContinuationToken *string             `json:"next_continuation_token"`
	SharedEnabled         bool                `json:"shared_enabled"`
}

// ListAccountFilesPage reads one page of a folder's listing.
func (c *Client) ListAccountFilesPage(ctx context.Context, scope, path string, maxKeys int, token *string) (*AccountFilesList, error) {
	q := url.Values{"scope": {scope}, "path": {path}, "max_keys": {strconv.Itoa(maxKeys)}}
	if token != nil {
		q.Set("continuation_token", *token)
	}
	return call[AccountFilesList](ctx, c, request{method: http.MethodGet, path: "/files/list", query: q})
}

// ListAccountFiles reads every page of one folder level (scope
// "personal" or "shared", path "" for the scope root): one call per page,
// following the continuation tokens. The answer is the last page's, with
// every page's objects and prefixes.
func (c *Client) ListAccountFiles(ctx context.Context, scope, path string) (*AccountFilesList, error) {
	var all *AccountFilesList
	var token *string
	for {
		page, err := c.ListAccountFilesPage(ctx, scope, path, AccountFilesPageSize, token)
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = page
		} else {
			all.Objects = append(all.Objects, page.Objects...)
			all.CommonPrefixes = append(all.CommonPrefixes, page.CommonPrefixes...)
		}
		if !page.IsTruncated || page.NextContinuationToken == nil || *page.NextContinuationToken == "" {
			all.IsTruncated, all.NextContinuationToken = false, nil
			return all, nil
		}
		token = page.NextContinuationToken
	}
}

// AccountFileUploadRequest is the body of POST /files/upload.
type AccountFileUploadRequest struct {
	Filename    string  `json:"filename"`
	Size        int64   `json:"size"`
	ContentType *string `json:"content_type,omitempty"`
	Path        string  `json:"path,omitempty"`
	Scope       string  `json:"scope,omitempty"`
}

// AccountFileUploadTicket is a presigned-POST ticket: POST Fields, then
// the file as the part "file", as multipart form data to URL (without
// the API key).
type AccountFileUploadTicket struct {
	Key       string            `json:"key"`
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresIn int64             `json:"expires_in"`
	MaxBytes  int64             `json:"max_bytes"`
	Scope     string            `json:"scope"`
}

// CreateAccountFileUpload mints an upload ticket. It changes nothing
// until the ticket is used, so it is retried like a read.
func (c *Client) CreateAccountFileUpload(ctx context.Context, body AccountFileUploadRequest) (*AccountFileUploadTicket, error) {
	return call[AccountFileUploadTicket](ctx, c, request{method: http.MethodPost, path: "/files/upload", body: body, repeatable: true})
}
