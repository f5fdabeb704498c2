// Package files is unitysvc-local's object store for account files: the
// bytes behind /v1/files/*, on disk under the data directory (or in
// memory), and the HMAC-signed download URLs and upload policies that
// let a client move bytes without its API key. Every key is checked
// before it is used: a relative key never leaves its scope root.
package files

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrNotFound is a key with no object.
var ErrNotFound = errors.New("no such object")

// MaxKeyLen bounds a full key, in bytes.
const MaxKeyLen = 1024

// Object is one stored object; Key is its full key.
type Object struct {
	Key          string
	Size         int64
	LastModified time.Time
}

// Store holds objects on disk under a directory, or in memory.
type Store struct {
	root   *os.Root // nil: in memory
	secret []byte

	mu  sync.RWMutex
	mem map[string]memObject
}

type memObject struct {
	data []byte
	mod  time.Time
}

// New returns a store under dir, created if needed, or in memory when dir
// is "". Signatures use a key made at random for this process: a URL or
// policy outlives neither its expiry (at most an hour) nor the process.
func New(dir string) (*Store, error) {
	s := &Store{secret: make([]byte, 32), mem: map[string]memObject{}}
	if _, err := rand.Read(s.secret); err != nil {
		return nil, err
	}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	s.root = root
	return s, nil
}

// Close releases the directory.
func (s *Store) Close() error {
	if s.root == nil {
		return nil
	}
	return s.root.Close()
}

// CheckRelative explains why rel cannot be a key or folder relative to a
// scope root, or returns "": it must not be absolute, hold an empty, "."
// or ".." segment, a backslash, or a control character. folder allows
// the trailing "/" of a folder (and "" for the root).
func CheckRelative(rel string, folder bool) string {
	if folder && rel == "" {
		return ""
	}
	if !utf8.ValidString(rel) {
		return "is not valid UTF-8"
	}
	for _, r := range rel {
		if unicode.IsControl(r) || r == '\\' {
			return "holds a control character or a backslash"
		}
	}
	if strings.HasPrefix(rel, "/") {
		return "starts with '/': keys and paths are relative to the scope root"
	}
	segs := strings.Split(rel, "/")
	if folder && strings.HasSuffix(rel, "/") {
		segs = segs[:len(segs)-1]
	}
	for _, s := range segs {
		switch s {
		case "":
			return "has an empty segment ('//' or a trailing '/')"
		case ".", "..":
			return "has a '" + s + "' segment: keys never leave the scope root"
		}
	}
	if len(rel) > MaxKeyLen-200 {
		return fmt.Sprintf("is longer than %d bytes", MaxKeyLen-200)
	}
	return ""
}

// checkFull refuses a full key that is not clean, whatever a caller did.
func checkFull(key string) error {
	if p := CheckRelative(key, false); p != "" {
		return fmt.Errorf("key %q %s", key, p)
	}
	return nil
}

// Put stores data at key, replacing what was there.
func (s *Store) Put(key string, data []byte) error {
	if err := checkFull(key); err != nil {
		return err
	}
	if s.root == nil {
		s.mu.Lock()
		s.mem[key] = memObject{data: slices.Clone(data), mod: time.Now().UTC()}
		s.mu.Unlock()
		return nil
	}
	if err := s.root.MkdirAll(filepath.Dir(filepath.FromSlash(key)), 0o700); err != nil {
		return err
	}
	// Write beside, then rename: a reader never sees half an object.
	tmp := filepath.FromSlash(key) + ".uploading"
	if err := s.root.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return s.root.Rename(tmp, filepath.FromSlash(key))
}

// Get returns the object at key.
func (s *Store) Get(key string) ([]byte, Object, error) {
	if err := checkFull(key); err != nil {
		return nil, Object{}, err
	}
	if s.root == nil {
		s.mu.RLock()
		o, ok := s.mem[key]
		s.mu.RUnlock()
		if !ok {
			return nil, Object{}, ErrNotFound
		}
		return slices.Clone(o.data), Object{Key: key, Size: int64(len(o.data)), LastModified: o.mod}, nil
	}
	st, err := s.root.Stat(filepath.FromSlash(key))
	if errors.Is(err, fs.ErrNotExist) || (err == nil && st.IsDir()) {
		return nil, Object{}, ErrNotFound
	}
	if err != nil {
		return nil, Object{}, err
	}
	data, err := s.root.ReadFile(filepath.FromSlash(key))
	if err != nil {
		return nil, Object{}, err
	}
	return data, Object{Key: key, Size: st.Size(), LastModified: st.ModTime().UTC()}, nil
}

// List returns every object whose key starts with prefix (a folder
// ending in "/"), sorted by key.
func (s *Store) List(prefix string) ([]Object, error) {
	var out []Object
	if s.root == nil {
		s.mu.RLock()
		for k, o := range s.mem {
			if strings.HasPrefix(k, prefix) {
				out = append(out, Object{Key: k, Size: int64(len(o.data)), LastModified: o.mod})
			}
		}
		s.mu.RUnlock()
	} else {
		dir := strings.TrimSuffix(prefix, "/")
		err := fs.WalkDir(s.root.FS(), dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll
				}
				return err
			}
			if d.IsDir() || strings.HasSuffix(p, ".uploading") || !strings.HasPrefix(p, prefix) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			out = append(out, Object{Key: p, Size: info.Size(), LastModified: info.ModTime().UTC()})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Grant is what a signed download URL or upload policy allows: one key,
// until Expires; for an upload, at most MaxBytes.
type Grant struct {
	Op  string `json:"op"`  // "get" or "put"
	Key string `json:"key"` // the full key
	// Rel is the key relative to its scope root, as the client knows it.
	Rel      string `json:"rel"`
	Expires  int64  `json:"exp"` // Unix seconds
	MaxBytes int64  `json:"max,omitempty"`
}

// Sign encodes g as "<payload>.<signature>", both base64url.
func (s *Store) Sign(g Grant) string {
	payload, _ := json.Marshal(g)
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(s.mac(p))
}

func (s *Store) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// Errors of Verify.
var (
	ErrBadSignature = errors.New("the signature does not match: the URL or policy was altered, or was not issued by this server")
	ErrExpired      = errors.New("the URL or policy has expired: ask the API for a new one")
)

// Verify checks token's signature, its operation and its expiry at now,
// and returns its grant.
func (s *Store) Verify(token, op string, now time.Time) (Grant, error) {
	p, sig, ok := strings.Cut(token, ".")
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(got, s.mac(p)) {
		return Grant{}, ErrBadSignature
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	var g Grant
	if err != nil || json.Unmarshal(payload, &g) != nil || g.Op != op || checkFull(g.Key) != nil {
		return Grant{}, ErrBadSignature
	}
	if now.Unix() > g.Expires {
		return Grant{}, ErrExpired
	}
	return g, nil
}
