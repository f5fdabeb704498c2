package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/api"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/files"
)

type uploadTicket struct {
	Key       string            `json:"key"`
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresIn int               `json:"expires_in"`
	MaxBytes  int64             `json:"max_bytes"`
	Scope     string            `json:"scope"`
}

type fileListing struct {
	Scope          string   `json:"scope"`
	Path           string   `json:"path"`
	CommonPrefixes []string `json:"common_prefixes"`
	Objects        []struct {
		Key  string `json:"key"`
		Size int64  `json:"size"`
	} `json:"objects"`
	IsTruncated   bool    `json:"is_truncated"`
	NextToken     *string `json:"next_continuation_token"`
	SharedEnabled bool    `json:"shared_enabled"`
}

// postTicket sends the ticket's fields (changed by edit) and then data as
// the file, as the SDK does, without any API key.
func postTicket(t *testing.T, tk uploadTicket, data []byte, edit func(map[string]string)) (int, string) {
	t.Helper()
	fields := map[string]string{}
	for k, v := range tk.Fields {
		fields[k] = v
	}
	if edit != nil {
		edit(fields)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "upload.bin")
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := http.Post(tk.URL, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (ts *testServer) upload(t *testing.T, key string, body map[string]any, data []byte) uploadTicket {
	t.Helper()
	var tk uploadTicket
	ts.doJSON(t, "POST", "/files/upload", key, body, http.StatusOK, &tk)
	if status, b := postTicket(t, tk, data, nil); status != http.StatusNoContent {
		t.Fatalf("upload of %s: %d %s", tk.Key, status, b)
	}
	return tk
}

func (ts *testServer) download(t *testing.T, key, query string) (int, []byte) {
	t.Helper()
	var d struct {
		URL string `json:"url"`
	}
	ts.doJSON(t, "GET", "/files/download?"+query, key, nil, http.StatusOK, &d)
	resp, err := http.Get(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// Upload through a ticket, list, download through a presigned URL; keys
// are relative to the scope root, personal folders are the user's own,
// the shared folder the team's.
func TestFilesRoundTrip(t *testing.T) {
	ts := newTestServer(t)
	tk := ts.upload(t, keyA, map[string]any{"filename": "report.txt", "size": 5, "path": "docs", "content_type": "text/plain"}, []byte("hello"))
	if tk.Key != "docs/report.txt" || tk.Scope != "personal" || tk.MaxBytes != api.MaxUploadBytes || tk.ExpiresIn != 900 || tk.Fields["Content-Type"] != "text/plain" {
		t.Fatalf("ticket = %+v", tk)
	}
	if status, b := ts.download(t, keyA, "key=docs/report.txt"); status != 200 || string(b) != "hello" {
		t.Fatalf("download: %d %q", status, b)
	}
	// Another member of the team has a personal folder of their own.
	status, data := ts.do(t, "GET", "/files/download?key=docs/report.txt", keyA2, nil)
	if status != http.StatusNotFound || detail(t, data) != "File 'docs/report.txt' not found in your personal files" {
		t.Fatalf("another member's personal file: %d %s, want 404", status, data)
	}
	// The shared folder is the team's: written by one member, read by another.
	ts.upload(t, keyA2, map[string]any{"filename": "team.txt", "size": 4, "scope": "shared"}, []byte("team"))
	if status, b := ts.download(t, keyA, "key=team.txt&scope=shared&expires_in=60"); status != 200 || string(b) != "team" {
		t.Fatalf("shared download by another member: %d %q", status, b)
	}
	var l fileListing
	ts.doJSON(t, "GET", "/files/list?scope=shared", keyA, nil, http.StatusOK, &l)
	if l.Scope != "shared" || len(l.Objects) != 1 || l.Objects[0].Key != "team.txt" || !l.SharedEnabled {
		t.Fatalf("shared listing = %+v", l)
	}
	// A customer with one member has no team: no shared folder.
	ts.doJSON(t, "GET", "/files/list", keyB, nil, http.StatusOK, &l)
	if l.SharedEnabled || len(l.Objects) != 0 || len(l.CommonPrefixes) != 0 || l.Path != "" {
		t.Fatalf("keyB's personal listing = %+v", l)
	}
	for _, c := range []struct{ method, path string }{{"GET", "/files/list?scope=shared"}, {"GET", "/files/download?key=team.txt&scope=shared"}, {"POST", "/files/upload"}} {
		var body any
		if c.method == "POST" {
			body = map[string]any{"filename": "x", "size": 1, "scope": "shared"}
		}
		status, data = ts.do(t, c.method, c.path, keyB, body)
		if status != http.StatusForbidden || !strings.Contains(detail(t, data), "scope=shared needs a team") {
			t.Errorf("%s %s without a team: %d %s", c.method, c.path, status, data)
		}
	}
	if status, _ = ts.do(t, "GET", "/files/list", noAuth, nil); status != http.StatusUnauthorized {
		t.Errorf("anonymous listing: %d", status)
	}
}

// One folder level per call, objects and sub-folders sorted together,
// max_keys per page, and every page reachable through the tokens.
func TestFilesListPages(t *testing.T) {
	ts := newTestServer(t)
	for _, k := range []string{"a.txt", "b/1.txt", "b/2.txt", "c.txt", "d/e/3.txt", "e.txt"} {
		dir, name := "", k
		if i := strings.LastIndex(k, "/"); i >= 0 {
			dir, name = k[:i+1], k[i+1:]
		}
		ts.upload(t, keyA, map[string]any{"filename": name, "size": 1, "path": dir}, []byte("x"))
	}
	var names []string
	token, pages := "", 0
	for {
		q := "/files/list?max_keys=2"
		if token != "" {
			q += "&continuation_token=" + url.QueryEscape(token)
		}
		var l fileListing
		ts.doJSON(t, "GET", q, keyA, nil, http.StatusOK, &l)
		pages++
		for _, o := range l.Objects {
			names = append(names, o.Key)
		}
		names = append(names, l.CommonPrefixes...)
		if !l.IsTruncated {
			if l.NextToken != nil {
				t.Fatalf("last page has a token: %+v", l)
			}
			break
		}
		token = *l.NextToken
	}
	if got := strings.Join(names, ","); pages != 3 || got != "a.txt,b/,c.txt,d/,e.txt" {
		t.Fatalf("%d pages: %s", pages, got)
	}
	var l fileListing
	ts.doJSON(t, "GET", "/files/list?path=d/e/", keyA, nil, http.StatusOK, &l)
	if l.Path != "d/e/" || len(l.Objects) != 1 || l.Objects[0].Key != "d/e/3.txt" {
		t.Fatalf("sub-folder listing = %+v", l)
	}
	expect422(t, ts, "GET", "/files/list?continuation_token=***", nil, "continuation_token is not one this API issued")
	expect422(t, ts, "GET", "/files/list?max_keys=1001", nil, `["query","max_keys"]`)
}

// Keys never leave the caller's scope root, and every refusal says why.
func TestFilesTraversalRefused(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct {
		method, path string
		body         any
		want         string
	}{
		{"GET", "/files/list?path=../other", nil, `"../other" has a '..' segment`},
		{"GET", "/files/list?path=/abs", nil, `starts with '/'`},
		{"GET", "/files/download?key=" + url.QueryEscape("../../users/x/secret.txt"), nil, `has a '..' segment`},
		{"GET", "/files/download?key=a/./b", nil, `has a '.' segment`},
		{"GET", "/files/download?key=" + url.QueryEscape(`a\b`), nil, "backslash"},
		{"GET", "/files/download", nil, `["query","key"] Field required`},
		{"GET", "/files/download?key=a&expires_in=30", nil, `["query","expires_in"]`},
		{"POST", "/files/upload", map[string]any{"filename": "..", "size": 1}, "is not a file name"},
		{"POST", "/files/upload", map[string]any{"filename": "a/b", "size": 1}, "is not a file name"},
		{"POST", "/files/upload", map[string]any{"filename": "a", "size": 1, "path": "x/../../y"}, "has a '..' segment"},
		{"POST", "/files/upload", map[string]any{"filename": "a", "size": api.MaxUploadBytes + 1}, "over the upload ceiling"},
		{"POST", "/files/upload", map[string]any{"filename": "a"}, `["body","size"] Field required`},
		{"POST", "/files/upload", map[string]any{"filename": "a", "size": 1, "scope": "team"}, `["body","scope"]`},
	} {
		expect422(t, ts, c.method, c.path, c.body, c.want)
	}
}

// The presigned URL and the POST policy are checked on use: a changed
// token, key or policy, an expired grant and a file over the ceiling are
// refused, and nothing is stored.
func TestFilesSignedURLsCheckedOnUse(t *testing.T) {
	ts := newTestServer(t)
	var tk uploadTicket
	ts.doJSON(t, "POST", "/files/upload", keyA, map[string]any{"filename": "f.txt", "size": 3}, http.StatusOK, &tk)
	for name, c := range map[string]struct {
		edit   func(map[string]string)
		data   []byte
		status int
		want   string
	}{
		"another key":      {func(f map[string]string) { f["key"] = "../../users/other/f.txt" }, []byte("abc"), 403, "is not the key the policy was issued for"},
		"altered policy":   {func(f map[string]string) { f["policy"] = "x" + f["policy"] }, []byte("abc"), 403, "the signature does not match"},
		"no policy":        {func(f map[string]string) { delete(f, "policy") }, []byte("abc"), 403, "the signature does not match"},
		"over the ceiling": {nil, bytes.Repeat([]byte("z"), api.MaxUploadBytes+1), 413, fmt.Sprintf("ceiling of %d bytes", api.MaxUploadBytes)},
	} {
		status, body := postTicket(t, tk, c.data, c.edit)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d naming %q", name, status, body, c.status, c.want)
		}
	}
	var l fileListing
	ts.doJSON(t, "GET", "/files/list", keyA, nil, http.StatusOK, &l)
	if len(l.Objects) != 0 {
		t.Fatalf("a refused upload stored %+v", l.Objects)
	}
	// An expired policy and an expired download URL.
	fs := ts.API.Files()
	past := time.Now().Add(-time.Second).Unix()
	expired := tk
	expired.Fields = map[string]string{"key": tk.Key, "policy": fs.Sign(files.Grant{Op: "put", Key: "customers/x/users/y/f.txt", Rel: tk.Key, Expires: past, MaxBytes: 10})}
	if status, body := postTicket(t, expired, []byte("abc"), nil); status != 403 || !strings.Contains(body, "has expired") {
		t.Errorf("expired policy: %d %s", status, body)
	}
	ts.upload(t, keyA, map[string]any{"filename": "f.txt", "size": 3}, []byte("abc"))
	var d struct {
		URL string `json:"url"`
	}
	ts.doJSON(t, "GET", "/files/download?key=f.txt", keyA, nil, http.StatusOK, &d)
	u, _ := url.Parse(d.URL)
	for name, c := range map[string]struct {
		token string
		want  string
	}{
		"expired":  {fs.Sign(files.Grant{Op: "get", Key: "customers/x/users/y/f.txt", Rel: "f.txt", Expires: past}), "has expired"},
		"tampered": {strings.Replace(u.Query().Get("token"), ".", "A.", 1), "the signature does not match"},
		"a policy": {tk.Fields["policy"], "the signature does not match"},
	} {
		resp, err := http.Get(u.Scheme + "://" + u.Host + "/storage/download?token=" + url.QueryEscape(c.token))
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Detail string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body.Detail, c.want) {
			t.Errorf("%s download URL: %d %q, want 403 naming %q", name, resp.StatusCode, body.Detail, c.want)
		}
	}
}
