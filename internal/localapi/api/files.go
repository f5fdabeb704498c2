package api

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/files"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Account files (D for the local store): objects under a scope root per
// user (personal) and per customer (shared); presigned URLs and POST
// policies point at this server's /storage/ routes, outside /v1, and
// carry their own authorization (an HMAC-signed grant with an expiry and,
// for uploads, a size ceiling), never the API key.

// Limits of account files.
const (
	// MaxUploadBytes is the size ceiling every upload policy carries.
	MaxUploadBytes = 32 << 20
	// uploadExpiry is how long an upload policy is valid.
	uploadExpiry = 15 * time.Minute
	// fileNameMax bounds an uploaded file's name.
	fileNameMax = 255
)

var fileScopes = []string{"personal", "shared"}

func (a *API) routeFiles() {
	a.handle("GET", "/files/list", a.listFiles)
	a.handle("GET", "/files/download", a.downloadFile)
	a.handle("POST", "/files/upload", a.uploadFile)
	// The storage endpoints the presigned URLs and policies point at.
	a.mux.HandleFunc("GET /storage/download", a.storageDownload)
	a.mux.HandleFunc("POST /storage/upload", a.storageUpload)
}

// scopeRoot is the folder every key of the caller's scope lies under.
func scopeRoot(p store.Principal, scope string) string {
	if scope == "shared" {
		return "customers/" + p.CustomerID + "/shared/"
	}
	return "customers/" + p.CustomerID + "/users/" + p.UserID + "/"
}

// isTeam reports whether the caller's customer is on a team (more than
// one member), which the shared scope needs; ok is false after a 500.
func (a *API) isTeam(w http.ResponseWriter, r *http.Request, p store.Principal) (team, ok bool) {
	n, err := a.store.TeamSize(r.Context(), p.CustomerID)
	if err != nil {
		a.internal(w, r, err)
		return false, false
	}
	return n > 1, true
}

// sharedAllowed answers and returns false when scope is shared and the
// caller has no team (403), or when that cannot be told (500).
func (a *API) sharedAllowed(w http.ResponseWriter, r *http.Request, p store.Principal, scope string) bool {
	if scope != "shared" {
		return true
	}
	team, ok := a.isTeam(w, r, p)
	if ok && !team {
		sharedRefused(w)
	}
	return ok && team
}

func sharedRefused(w http.ResponseWriter) {
	writeDetail(w, http.StatusForbidden, "scope=shared needs a team: the shared folder belongs to a team plan, and your account has a single member. Use scope=personal, or add a member (unitysvc-local: another --api-key KEY@<your customer>)")
}

// folderPath normalises a folder path ("docs" → "docs/") and checks it.
func folderPath(raw string, errs *validationErrors, loc ...any) string {
	p := raw
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if msg := files.CheckRelative(p, true); msg != "" {
		errs.add(fmt.Sprintf("path %q %s", raw, msg), "value_error", loc...)
	}
	return p
}

// listEntry is an object or a common prefix of a listing, by its name.
type listEntry struct {
	name   string
	object *files.Object
}

// listFiles is GET /files/list: one folder level, objects and
// sub-folders sorted by name together, max_keys per page.
func (a *API) listFiles(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	scope := "personal"
	if s := queryChoice(r, "scope", fileScopes, &errs); s != nil {
		scope = *s
	}
	folder := folderPath(r.URL.Query().Get("path"), &errs, "query", "path")
	maxKeys := queryInt(r, "max_keys", 100, 1, 1000, &errs)
	after := ""
	if tok := r.URL.Query().Get("continuation_token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || !utf8.Valid(b) {
			errs.add("continuation_token is not one this API issued: pass next_continuation_token from the previous page", "value_error", "query", "continuation_token")
		}
		after = string(b)
	}
	if errs.write(w) {
		return
	}
	team, ok := a.isTeam(w, r, p)
	if !ok {
		return
	}
	if scope == "shared" && !team {
		sharedRefused(w)
		return
	}
	base := scopeRoot(p, scope) + folder
	objs, err := a.files.List(base)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	var entries []listEntry
	for i := range objs {
		rest := strings.TrimPrefix(objs[i].Key, base)
		if j := strings.Index(rest, "/"); j >= 0 {
			name := folder + rest[:j+1]
			if len(entries) == 0 || entries[len(entries)-1].name != name {
				entries = append(entries, listEntry{name: name})
			}
			continue
		}
		entries = append(entries, listEntry{name: folder + rest, object: &objs[i]})
	}
	slices.SortStableFunc(entries, func(x, y listEntry) int { return strings.Compare(x.name, y.name) })
	entries = slices.CompactFunc(entries, func(x, y listEntry) bool { return x.name == y.name })
	start, _ := slices.BinarySearchFunc(entries, after, func(e listEntry, t string) int { return strings.Compare(e.name, t) })
	for start < len(entries) && entries[start].name <= after {
		start++
	}
	page := entries[start:]
	truncated := len(page) > maxKeys
	if truncated {
		page = page[:maxKeys]
	}
	objects, prefixes := []map[string]any{}, []string{}
	for _, e := range page {
		if e.object == nil {
			prefixes = append(prefixes, e.name)
			continue
		}
		objects = append(objects, map[string]any{"key": e.name, "size": e.object.Size, "last_modified": e.object.LastModified.Format(time.RFC3339)})
	}
	var next *string
	if truncated {
		t := base64.RawURLEncoding.EncodeToString([]byte(page[len(page)-1].name))
		next = &t
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"scope": scope, "path": folder, "objects": objects, "common_prefixes": prefixes,
		"is_truncated": truncated, "next_continuation_token": next, "shared_enabled": team,
	})
}

// storageBase is the URL of this server's root, as the caller reached it.
func storageBase(r *http.Request) string { return "http://" + r.Host }

// downloadFile is GET /files/download: a presigned URL for one object.
func (a *API) downloadFile(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	key := r.URL.Query().Get("key")
	if !r.URL.Query().Has("key") {
		errs.add("Field required", "missing", "query", "key")
	} else if msg := files.CheckRelative(key, false); msg != "" {
		errs.add(fmt.Sprintf("key %q %s", key, msg), "value_error", "query", "key")
	}
	scope := "personal"
	if s := queryChoice(r, "scope", fileScopes, &errs); s != nil {
		scope = *s
	}
	expiresIn := queryInt(r, "expires_in", 900, 60, 3600, &errs)
	if errs.write(w) {
		return
	}
	if !a.sharedAllowed(w, r, p, scope) {
		return
	}
	full := scopeRoot(p, scope) + key
	if _, _, err := a.files.Get(full); errors.Is(err, files.ErrNotFound) {
		writeDetail(w, http.StatusNotFound, fmt.Sprintf("File '%s' not found in your %s files", key, scope))
		return
	} else if err != nil {
		a.internal(w, r, err)
		return
	}
	token := a.files.Sign(files.Grant{Op: "get", Key: full, Rel: key, Expires: time.Now().Add(time.Duration(expiresIn) * time.Second).Unix()})
	writeJSON(w, http.StatusOK, map[string]any{"scope": scope, "key": key, "url": storageBase(r) + "/storage/download?token=" + token, "expires_in": expiresIn})
}

// uploadFile is POST /files/upload: a presigned-POST ticket for one
// object at {path}{filename}, with the size ceiling in its policy.
func (a *API) uploadFile(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var body struct {
		Filename    *string `json:"filename"`
		Size        *int64  `json:"size"`
		ContentType *string `json:"content_type"`
		Path        *string `json:"path"`
		Scope       *string `json:"scope"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	var errs validationErrors
	name := ""
	switch {
	case body.Filename == nil:
		errs.add("Field required", "missing", "body", "filename")
	case *body.Filename == "" || strings.Contains(*body.Filename, "/") || files.CheckRelative(*body.Filename, false) != "":
		errs.add(fmt.Sprintf("filename %q is not a file name: give a name without '/', not '.' or '..', without control characters (the folder goes in path)", *body.Filename), "value_error", "body", "filename")
	case utf8.RuneCountInString(*body.Filename) > fileNameMax:
		errs.add(fmt.Sprintf("String should have at most %d characters", fileNameMax), "string_too_long", "body", "filename")
	default:
		name = *body.Filename
	}
	switch {
	case body.Size == nil:
		errs.add("Field required", "missing", "body", "size")
	case *body.Size < 0:
		errs.add("Input should be greater than or equal to 0", "greater_than_equal", "body", "size")
	case *body.Size > MaxUploadBytes:
		errs.add(fmt.Sprintf("size %d is over the upload ceiling of %d bytes (%d MiB)", *body.Size, MaxUploadBytes, MaxUploadBytes>>20), "less_than_equal", "body", "size")
	}
	scope := "personal"
	if body.Scope != nil {
		scope = *body.Scope
		if !slices.Contains(fileScopes, scope) {
			errs.add("Input should be 'personal' or 'shared'", "enum", "body", "scope")
		}
	}
	folder := ""
	if body.Path != nil {
		folder = folderPath(*body.Path, &errs, "body", "path")
	}
	if errs.write(w) {
		return
	}
	if !a.sharedAllowed(w, r, p, scope) {
		return
	}
	key := folder + name
	g := files.Grant{Op: "put", Key: scopeRoot(p, scope) + key, Rel: key, Expires: time.Now().Add(uploadExpiry).Unix(), MaxBytes: MaxUploadBytes}
	fields := map[string]string{"key": key, "policy": a.files.Sign(g)}
	if body.ContentType != nil {
		fields["Content-Type"] = *body.ContentType
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"key": key, "url": storageBase(r) + "/storage/upload", "fields": fields,
		"expires_in": int(uploadExpiry / time.Second), "max_bytes": MaxUploadBytes, "scope": scope,
	})
}

// storageDownload serves the object a signed download URL grants.
func (a *API) storageDownload(w http.ResponseWriter, r *http.Request) {
	g, err := a.files.Verify(r.URL.Query().Get("token"), "get", time.Now())
	if err != nil {
		writeDetail(w, http.StatusForbidden, err.Error())
		return
	}
	data, _, err := a.files.Get(g.Key)
	if errors.Is(err, files.ErrNotFound) {
		writeDetail(w, http.StatusNotFound, fmt.Sprintf("File '%s' no longer exists", g.Rel))
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// storageUpload takes a presigned POST: the ticket's fields, then the
// file (last, as S3 reads it). The policy's signature, expiry, key and
// size ceiling are checked before anything is stored.
func (a *API) storageUpload(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		writeDetail(w, http.StatusBadRequest, "an upload is multipart/form-data: the ticket's fields, then the file as the part named 'file'")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUploadBytes+1<<20)
	mr := multipart.NewReader(r.Body, params["boundary"])
	form := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			writeDetail(w, http.StatusBadRequest, "the upload has no part named 'file': send the ticket's fields, then the file")
			return
		}
		if err != nil {
			writeDetail(w, http.StatusBadRequest, "the multipart body is malformed: "+err.Error())
			return
		}
		if part.FormName() != "file" {
			v, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				writeDetail(w, http.StatusBadRequest, "the multipart body is malformed: "+err.Error())
				return
			}
			form[part.FormName()] = string(v)
			continue
		}
		g, err := a.files.Verify(form["policy"], "put", time.Now())
		if err != nil {
			writeDetail(w, http.StatusForbidden, "the upload policy is refused: "+err.Error())
			return
		}
		if form["key"] != g.Rel {
			writeDetail(w, http.StatusForbidden, fmt.Sprintf("the key field %q is not the key the policy was issued for (%q): send the ticket's fields unchanged", form["key"], g.Rel))
			return
		}
		data, err := io.ReadAll(io.LimitReader(part, g.MaxBytes+1))
		if err != nil {
			writeDetail(w, http.StatusBadRequest, "reading the file: "+err.Error())
			return
		}
		if int64(len(data)) > g.MaxBytes {
			writeDetail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the file is larger than the policy's ceiling of %d bytes", g.MaxBytes))
			return
		}
		if err := a.files.Put(g.Key, data); err != nil {
			a.internal(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
}

// Files is the store of account files (for tests and tools that sign or
// inspect grants).
func (a *API) Files() *files.Store { return a.files }
