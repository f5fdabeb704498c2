package files_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/files"
)

func TestSignedGrants(t *testing.T) {
	s, err := files.New("")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	g := files.Grant{Op: "get", Key: "customers/c/users/u/a.txt", Rel: "a.txt", Expires: now.Add(time.Minute).Unix()}
	tok := s.Sign(g)
	if got, err := s.Verify(tok, "get", now); err != nil || got != g {
		t.Fatalf("verify: %+v, %v", got, err)
	}
	if _, err := s.Verify(tok, "get", now.Add(2*time.Minute)); !errors.Is(err, files.ErrExpired) {
		t.Errorf("after expiry: %v", err)
	}
	if _, err := s.Verify(tok, "put", now); !errors.Is(err, files.ErrBadSignature) {
		t.Errorf("a download token used as an upload policy: %v", err)
	}
	// Any change to the payload or the signature breaks it; so does
	// another server's key.
	payload, sig, _ := strings.Cut(tok, ".")
	other, _ := files.New("")
	for _, bad := range []string{"", tok + "x", "x" + tok, payload, payload + "." + sig[:len(sig)-2] + "AA",
		other.Sign(files.Grant{Op: "get", Key: g.Key, Rel: g.Rel, Expires: g.Expires})} {
		if _, err := s.Verify(bad, "get", now); !errors.Is(err, files.ErrBadSignature) {
			t.Errorf("%q: %v, want a bad signature", bad, err)
		}
	}
}

func TestKeysStayUnderTheirRoot(t *testing.T) {
	for _, rel := range []string{"../x", "a/../../b", "./a", "/etc/passwd", "a//b", "a\\b", "a\x00b", "a\nb", strings.Repeat("k", 900)} {
		if files.CheckRelative(rel, false) == "" {
			t.Errorf("%q accepted as a key", rel)
		}
	}
	for _, rel := range []string{"a.txt", "docs/a b.txt", "docs/2026/report.pdf", "..hidden", "a..b"} {
		if p := files.CheckRelative(rel, false); p != "" {
			t.Errorf("%q refused: %s", rel, p)
		}
	}
	if files.CheckRelative("docs/", true) != "" || files.CheckRelative("", true) != "" || files.CheckRelative("docs/", false) == "" {
		t.Error("a folder ends in /, a key does not")
	}
}

// Objects survive on disk and are listed by prefix; a key that would
// leave the directory is refused before any file is touched.
func TestDiskStore(t *testing.T) {
	dir := t.TempDir()
	s, err := files.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"c/u/b.txt", "c/u/a.txt", "c/u/sub/c.txt", "c/v/x.txt"} {
		if err := s.Put(k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put("../escape.txt", []byte("x")); err == nil {
		t.Error("a key with .. was stored")
	}
	_ = s.Close()
	s, err = files.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	objs, err := s.List("c/u/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range objs {
		keys = append(keys, o.Key)
	}
	if strings.Join(keys, ",") != "c/u/a.txt,c/u/b.txt,c/u/sub/c.txt" {
		t.Errorf("listed %v", keys)
	}
	if data, o, err := s.Get("c/u/sub/c.txt"); err != nil || string(data) != "c/u/sub/c.txt" || o.Size != int64(len(data)) {
		t.Errorf("get: %q %+v %v", data, o, err)
	}
	if _, _, err := s.Get("c/u/none"); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("missing object: %v", err)
	}
	if objs, err := s.List("none/"); err != nil || len(objs) != 0 {
		t.Errorf("listing a missing folder: %v %v", objs, err)
	}
}
