package daemon

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/terragonlabs/modelcard-generator/card"
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

// ErrUncacheable is CacheKey's refusal of a spec whose normalised form
// could be that of a spec that reads differently.
var ErrUncacheable = errors.New("the spec cannot be keyed safely")

// CacheKey returns the content address of a spec in a format for an engine
// version: the SHA-256 of the spec's normalised JSON (keys sorted, no
// white space, numbers as written), the format and the version. Specs that
// differ only in key order or spacing share a key.
//
// Specs that share a key read the same to the spec parser, so that a
// cached card is never the answer to a spec the parser refuses: the
// normalisation would merge a key given twice into one and turn bytes that
// are not UTF-8 into U+FFFD, and drops the white space that can take a
// spec past card.MaxSpecSize, so CacheKey refuses such specs with
// ErrUncacheable (as it does NUL bytes); they are parsed, and refused,
// without the cache.
func CacheKey(spec []byte, format, engineVersion string) (string, error) {
	if len(spec) > card.MaxSpecSize || bytes.IndexByte(spec, 0) >= 0 || !utf8.Valid(spec) {
		return "", ErrUncacheable
	}
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("normalise the spec for the cache: %w", err)
	}
	if countMembers(v) != jsonColons(spec) {
		// A key is given twice in some object.
		return "", ErrUncacheable
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

// countMembers counts the members of every object in a decoded JSON value.
func countMembers(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		n += len(v)
		for _, x := range v {
			n += countMembers(x)
		}
	case []any:
		for _, x := range v {
			n += countMembers(x)
		}
	}
	return n
}

// jsonColons counts the colons of a JSON text outside its strings: the
// members of its objects as written, a key given twice counted twice.
func jsonColons(data []byte) int {
	n := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case ':':
			n++
		case '"':
			// Skip the string, escapes included.
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		}
	}
	return n
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
