package daemon

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
)

// Cache is a least-recently-used cache of generated cards, keyed by
// content (see CacheKey) and capped by the bytes of its values and,
// optionally, by its number of entries. It is safe for concurrent use. A
// nil *Cache, or one with a zero byte cap, caches nothing.
type Cache struct {
	mu         sync.Mutex
	maxBytes   int64
	maxEntries int
	bytes      int64
	order      *list.List // front: most recently used
	items      map[string]*list.Element
}

type cacheEntry struct {
	key   string
	value []byte
}

// NewCache returns a cache holding at most maxBytes bytes of values and,
// when maxEntries > 0, at most maxEntries entries.
func NewCache(maxBytes int64, maxEntries int) *Cache {
	return &Cache{maxBytes: maxBytes, maxEntries: maxEntries, order: list.New(), items: map[string]*list.Element{}}
}

// CacheKey returns the content address of a spec in a format for an engine
// version: the SHA-256 of the spec's normalised JSON (keys sorted, no
// white space, numbers as written), the format and the version. Specs that
// differ only in key order or spacing share a key.
func CacheKey(spec []byte, format, engineVersion string) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("normalise the spec for the cache: %w", err)
	}
	norm, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("normalise the spec for the cache: %w", err)
	}
	h := sha256.New()
	h.Write(norm)
	h.Write([]byte{0})
	h.Write([]byte(format))
	h.Write([]byte{0})
	h.Write([]byte(engineVersion))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Get returns the value under key and marks it recently used.
func (c *Cache) Get(key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).value, true
}

// Put stores value under key, evicting the least recently used entries
// past the caps. A value larger than the byte cap is not stored. The cache
// keeps value; the caller must not change it afterwards.
func (c *Cache) Put(key string, value []byte) {
	if c == nil || int64(len(value)) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		e := el.Value.(*cacheEntry)
		c.bytes += int64(len(value) - len(e.value))
		e.value = value
		c.order.MoveToFront(el)
	} else {
		c.items[key] = c.order.PushFront(&cacheEntry{key: key, value: value})
		c.bytes += int64(len(value))
	}
	for c.bytes > c.maxBytes || (c.maxEntries > 0 && c.order.Len() > c.maxEntries) {
		el := c.order.Back()
		e := el.Value.(*cacheEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.bytes -= int64(len(e.value))
	}
}

// Len returns the number of entries and the bytes of their values.
func (c *Cache) Len() (entries int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}
