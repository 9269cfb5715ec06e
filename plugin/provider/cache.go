package provider

import "time"

// Cache holds verified identities by token, so a repeated token costs no
// signature check: a fixed number of entries, each dropped at the token's
// expiry or after the TTL, whichever comes first. Keys are whole tokens,
// compared in full by the map; nothing is keyed by a hash alone.
//
// A hit costs one map lookup: no hashing of our own, no verification, no
// allocation. Not safe for concurrent use: one per VM, as a VM runs one
// callback at a time.
type Cache struct {
	max     int
	ttl     time.Duration
	entries map[string]cacheEntry
}

type cacheEntry struct {
	id      *Identity
	expires time.Time
}

// NewCache returns a cache of at most max entries kept at most ttl.
func NewCache(max int, ttl time.Duration) *Cache {
	return &Cache{max: max, ttl: ttl, entries: make(map[string]cacheEntry, max)}
}

// Get returns the identity verified for token, if still fresh at now.
func (c *Cache) Get(token string, now time.Time) (*Identity, bool) {
	e, ok := c.entries[token]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		delete(c.entries, token)
		return nil, false
	}
	return e.id, true
}

// Put records a verified identity. When the cache is full, expired
// entries are dropped; if none are, an arbitrary entry makes room (Go's
// map iteration order is random, which spreads evictions).
func (c *Cache) Put(token string, id *Identity, now time.Time) {
	exp := now.Add(c.ttl)
	if !id.Expiry.IsZero() && id.Expiry.Before(exp) {
		exp = id.Expiry
	}
	if !now.Before(exp) {
		return
	}
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[token] = cacheEntry{id: id, expires: exp}
}

// Len returns the number of entries.
func (c *Cache) Len() int { return len(c.entries) }
