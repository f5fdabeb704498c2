package store

import (
	"errors"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
)

// readCache remembers lookups the gateway makes on every request, so
// that dispatch reads no rows, bounded to its most recently used size
// entries (keys often hold names a caller chose). Every write to the rows
// a cache reads calls retire: it bumps the generation, which every entry
// filled before is checked against, and drops what was cached (secret
// values included). A lookup reads the generation before the rows, so a
// write that commits while it runs retires the entry it stores.
//
// Entries are shared between callers, who must not change them.
type readCache[V any] struct {
	gen atomic.Uint64
	lru *lru.Cache[string, cached[V]]
}

type cached[V any] struct {
	gen      uint64
	v        V
	notFound bool
}

func newReadCache[V any](size int) readCache[V] {
	c, err := lru.New[string, cached[V]](size)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return readCache[V]{lru: c}
}

// get returns the cached value of key, or loads it. A load that fails
// with ErrNotFound is remembered too; other errors are not.
func (c *readCache[V]) get(key string, load func() (V, error)) (V, error) {
	gen := c.gen.Load()
	if e, ok := c.lru.Get(key); ok && e.gen == gen {
		if e.notFound {
			return e.v, ErrNotFound
		}
		return e.v, nil
	}
	v, err := load()
	switch {
	case err == nil:
		c.lru.Add(key, cached[V]{gen: gen, v: v})
	case errors.Is(err, ErrNotFound):
		c.lru.Add(key, cached[V]{gen: gen, notFound: true})
	}
	return v, err
}

// retire forgets everything cached so far. Call it after every write to
// the rows the cache reads (after the commit).
func (c *readCache[V]) retire() {
	c.gen.Add(1)
	c.lru.Purge()
}

func (c *readCache[V]) len() int { return c.lru.Len() }
